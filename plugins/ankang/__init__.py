"""安康市《安康市政府系统督促检查工作办法》(安政办发〔2020〕1号) as a ducha jurisdiction plugin.

The hooks live in ``policy``; this package is the entry point ``ankang``.
"""

from ducha_ankang.policy import *  # noqa: F403
