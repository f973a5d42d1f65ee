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
    "set_deadline": "另定办理时限",
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
    "dismiss": "不予处理（升级建议）",
    "correct": "更正",
    "withdraw": "撤销",
}

#: actions that create a matter (the first event of its log)
CREATE_ACTIONS = frozenset({"register", "apply"})

#: actions that count as the unit moving the matter forward (so "no progress after" is false)
PROGRESS_ACTIONS = frozenset({"progress", "submit", "rectification_plan"})


#: Chinese names of the data fields the core's steps carry; a plugin names its own fields through
#: the ``ducha_field_names`` hook (``Policy.field_names`` holds both)
FIELD_NAMES = {
    "document_number": "发文字号",
    "signer": "签发人",
    "seal": "单位公章",
    "reasons": "原因",
    "progress": "进展情况",
    "leader_signoff": "分管领导阅签",
    "head_signoff": "主要负责人审签",
    "visible_progress": "形象进度",
    "evidence": "印证资料",
    "method": "催办方式",
    "reason": "理由",
    "responsible_person": "责任人",
    "responsible_leader": "责任领导",
    "task_book": "任务书",
    "approved_by": "审批领导",
    "plan": "方案",  # a plugin names its own (Ordos 督促检查方案, Ankang 书面整改方案)
    "cycle": "调度周期",
    "note": "说明",
    "unit": "单位",
    "deadline": "办理时限",
    "to": "报送对象",
    "grade": "等次",
    "type": "类型",
    "meeting": "会议日期",
    "kind": "类别",
    "title": "事项名称",
    "source": "来源",
    "received": "收到日期",
    "lead_units": "主办单位",
    "co_units": "协办单位",
    "units": "单位",
    "until": "期限至",
    "step": "升级规则",
    "confidential": "涉密",
    "viewers": "知悉范围",
    "summary": "摘要",
    "period": "报送所属期",
    "planned_start": "计划开始日期",
    "year": "考核年度",
    "duplicate_ok": "确认重复登记",
    "correction": "更正",
    # what a document states besides the step's own fields (``ducha_core.fields.DOCUMENT_FIELDS``)
    "requirements": "任务要求",
    "time": "约谈时间",
    "place": "约谈地点",
}


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


#: the steps with a command of their own, and how the command line spells the others
_OWN_COMMANDS = frozenset({"accept", "apply", "approve", "archive", "assign", "bulletin", "close", "correct", "dismiss",
                           "escalate", "finding", "grade", "interview", "order", "progress", "register", "remind",
                           "submit", "withdraw"})
_SPELLED = {"review_pass": "review --pass", "review_return": "review --return", "extension_ask": "extension ask",
            "extension_grant": "extension grant", "extension_refuse": "extension refuse",
            "set_deadline": "set-deadline"}


def command_for(action: str) -> str:
    """How the command line records ``action``: ``review --pass``, ``extension ask``, ``remind`` …,
    else ``step ACTION`` (the command for a plugin's own steps)."""
    if action in _SPELLED:
        return _SPELLED[action]
    return action if action in _OWN_COMMANDS else f"step {action}"
