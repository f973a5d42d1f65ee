"""自贡市大安区《中共自贡市大安区委督促检查工作规则（试行）》as a ducha jurisdiction plugin.

The hooks live in ``policy``; ledger helpers (综合台账/专项台账, 责任清单, 科级领导干部督查工作档案,
绩效考核汇总, 重复督查) in ``ledgers``. This package is the entry point ``dazhan``.
"""

from ducha_dazhan.policy import *  # noqa: F403
