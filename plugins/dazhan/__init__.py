"""自贡市大安区《中共自贡市大安区委督促检查工作规则（试行）》as a ducha jurisdiction plugin.

The hooks live in ``policy``; this package is the entry point ``dazhan``. The ledgers the rules name
(综合台账+专项台账, 责任清单, 科级领导干部督查工作档案) are the core's ``ducha ledger --format xlsx``, the
performance assessment input (第二十八条) is ``ducha assessment``, and duplicate inspections (第十六条)
are refused by the core (approval rule ``no_duplicate_inspection``).
"""

from ducha_dazhan.policy import *  # noqa: F403
