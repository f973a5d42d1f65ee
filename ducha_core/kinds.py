"""The core matter kinds (督查事项类别) that plugins map their document's categories onto."""

from __future__ import annotations

CORE_KINDS: dict[str, str] = {
    "decision": "重大决策部署",
    "document": "重要文件",
    "meeting": "会议决定事项",
    "instruction": "领导批示/交办",
    "npc_suggestion": "人大代表建议",
    "cppcc_proposal": "政协委员提案",
    "annual_task": "年度重点任务/公开承诺",
    "public_concern": "群众/媒体/网民反映问题",
    "rectification": "巡视审计整改",
    "other": "其他交办事项",
}
