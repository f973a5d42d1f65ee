"""周村区《周村区政府重大工作部署事项督查管理办法》as a ducha jurisdiction plugin.

The hooks live in ``policy``; this package is the entry point ``zhoucun``.
"""

from ducha_zhoucun.policy import *  # noqa: F403
