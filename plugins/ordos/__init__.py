"""鄂尔多斯市《鄂尔多斯市人民政府督查工作制度》（鄂府办发〔2018〕36号）as a ducha jurisdiction plugin.

The hooks live in ``policy``; this package is the entry point ``ordos``.
"""

from ducha_ordos.policy import *  # noqa: F403
