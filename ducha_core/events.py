"""Events: append-only facts about a matter. A matter's state is derived by folding them.

The core knows the meaning of the actions below (which ones set deadlines, stop the clock …);
a plugin names them in its own words and says who may perform each, in which state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

#: core actions and their default Chinese names (a plugin's Transition.name overrides in output)
ACTIONS: dict[str, str] = {
    "register": "立项",
    "apply": "申请立项",
    "approve": "审批同意",
    "reject": "不予立项",
    "assign": "交办",
    "accept": "承办",
    "remind": "催办",
    "progress": "报送进展",
    "submit": "报送办理结果",
    "review_pass": "审核通过",
    "review_return": "退回重新办理",
    "extension_ask": "申请延期",
    "extension_grant": "同意延期",
    "extension_refuse": "不同意延期",
    "report_up": "向领导报告",
    "close": "办结",
    "archive": "归档",
    "bulletin": "通报",
    "escalate": "提级/上报协调",
    "order": "下达督办令",
    "priority_chase": "重点督办",
    "interview": "约谈",
    "rectification_plan": "报送整改方案",
    "grade": "评定等次",
    "finding": "记录督查发现",
    "accountability": "提出问责建议",
    "confirm_escalation": "确认升级处理",
}

#: actions that create a matter (the first event of its log)
CREATE_ACTIONS = frozenset({"register", "apply"})

#: actions that count as the unit moving the matter forward (so "no progress after" is false)
PROGRESS_ACTIONS = frozenset({"progress", "submit", "rectification_plan"})


@attrs.frozen
class Event:
    """One fact: ``actor`` did ``action`` on matter ``matter`` with effect on day ``on``.

    ``data`` holds the action's details (kind and title for register; units and deadline for
    assign; method for remind; 文号/签发人/公章 for submit; type for bulletin …). ``seq``, ``recorded_at``,
    ``prev_hash`` and ``hash`` are set by the store when the event is appended.
    """

    matter: str
    action: str
    on: date
    actor: str
    data: dict[str, Any] = attrs.field(factory=dict)
    seq: int = 0
    recorded_at: str = ""
    prev_hash: str = ""
    hash: str = ""
