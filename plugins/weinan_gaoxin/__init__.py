"""渭南高新区《督促检查工作实施办法（试行）》as a ducha jurisdiction plugin.

The hooks live in ``policy``; this package is the entry point ``weinan_gaoxin``.
"""

from ducha_weinan_gaoxin.policy import *  # noqa: F403
