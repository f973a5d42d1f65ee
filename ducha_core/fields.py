"""The fields each step of a jurisdiction takes (要件): what the CLI accepts as ``--field VALUE``.

``step_fields(policy)`` lists, per step, every field a rule reads: required by the step (or by
some matter kinds), chosen from the document's own list (``Transition.choices``), a date an
obligation runs to, an approver or signer (``ApprovalRule``), or a flag a consequence waits for
(a trigger's ``match``: ``finding --serious`` → 突出问题), or a field a document states when the step
gives it (``DOCUMENT_FIELDS``: 约谈通知's time and place, 督查通知's 任务要求). ``ducha fields`` prints it;
each field's Chinese name comes from ``Policy.field_names``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ducha_core.policy import Policy


#: optional fields a step carries for the document it issues (选填; the document omits what is not given):
#: step -> (field, why). 约谈通知 is sent before the talk: the step's ``--on`` is the day the interview is
#: decided and the notice issued (its 成文日期), ``--time`` when the talk is held (free text with its date,
#: which may be later; a time alone is on the ``--on`` day), ``--place`` where; 督查通知 states the 任务要求
#: (Weinan 七(二) "明确承办单位、任务要求、办理时限").
DOCUMENT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "interview": (("time", "选填：约谈的时间，约谈通知照录，如“2025年10月20日上午9时”（可晚于 --on；"
                           "--on 为决定约谈、发出通知之日；只写“上午9时”则为 --on 当日；约谈所生的期限，如“约谈之日起一周内”，自该日起算）"),
                  ("place", "选填：约谈通知载明的约谈地点")),
    "assign": (("requirements", "选填：督查通知载明的任务要求（不写则取 --note）"),),
}


@attrs.frozen
class StepField:
    """One field of one step. ``why``: 必填 / 部分类别必填 / 取值 / 期限 / 审批 / 触发; ``values``:
    the allowed values where the document lists them; ``article``: the article that asks for it."""

    action: str
    step: str
    field: str
    name: str
    why: str
    values: tuple[str, ...] = ()
    article: str = ""

    @property
    def option(self) -> str:
        return "--" + self.field.replace("_", "-")


def step_fields(policy: Policy, action: str | None = None) -> list[StepField]:
    """Every field the steps of ``policy`` take (of one step when ``action`` is given), once per
    step, field and reason, in procedure order."""
    from ducha_core.rules import After, CountInYear

    names = policy.field_names
    out: list[StepField] = []
    seen: set[tuple[str, str, str]] = set()

    def add(t_action: str, step: str, field: str, why: str, values=(), article: str = "") -> None:
        key = (t_action, field, why)
        if key in seen or (action is not None and t_action != action):
            return
        seen.add(key)
        out.append(StepField(t_action, step, field, names.get(field, field), why, tuple(str(v) for v in values), article))

    steps: dict[str, str] = {}
    for t in policy.procedure.transitions:
        step = t.name or policy.action_name(t.action)
        steps.setdefault(t.action, step)
        for field in t.requires:
            add(t.action, step, field, "必填", policy.choices_for(t, field), t.citation.article)
        for kind, fields in t.requires_by_kind.items():
            for field in fields:
                kind_name = policy.kinds[kind].name if kind in policy.kinds else kind
                add(t.action, step, field, f"{kind_name}必填", (), t.citation.article)
        for field in t.choices:
            add(t.action, step, field, "取值", policy.choices_for(t, field), t.citation.article)
        for owes in t.obliges:
            if owes.date_field:
                add(t.action, step, owes.date_field, f"{owes.name}的期限", (), owes.citation.article)
        for field, why in DOCUMENT_FIELDS.get(t.action, ()):
            add(t.action, step, field, why, (), t.citation.article)
    # what an assignment names for the limits and reports it sets: the day a limit counts from
    # where it is not the assignment's own (会议召开日期), and the reporting cycle where the
    # document leaves the choice to the assignment (调度周期)
    for limit in policy.time_limits:
        anchor = policy.anchor_of(limit)
        if anchor not in ("assigned", "registered", "received", None):
            add("assign", steps.get("assign", "assign"), anchor, f"{limit.name}的起算日", (), limit.citation.article)
    chosen = [c for c in policy.cycles if c.choice]
    if chosen:
        add("assign", steps.get("assign", "assign"), "cycle", "取值（部分类别须选）", tuple(c.id for c in chosen),
            chosen[0].citation.article)
    for rule in policy.approvals:
        for a in rule.applies_to:
            if rule.approver_roles:
                roles = "或".join(policy.roles[r].name for r in rule.approver_roles if r in policy.roles)
                add(a, steps.get(a, a), rule.field, f"须{roles}审批（人员id）", (), rule.citation.article)
            if rule.advance is not None:
                add(a, steps.get(a, a), rule.start_field, f"{rule.advance.describe()}", (), rule.citation.article)
            if rule.refuse_duplicates:
                add(a, steps.get(a, a), "topic", f"{rule.name}（同一主题判为重复；不写则按事项名称）", (),
                    rule.citation.article)
    triggers = [(s.name, s.trigger, s.citation) for s in policy.escalation]
    if policy.grading is not None:
        triggers += [(d.name, d.trigger, d.citation) for d in policy.grading.deductions]
        triggers += [(f"认定“{r.grade}”", r.trigger, r.citation) for r in policy.grading.rules]
    for name, trigger, citation in triggers:
        if isinstance(trigger, After | CountInYear):
            for field, value in trigger.match.items():
                values = () if value is True else (value,)
                add(trigger.action, steps.get(trigger.action, trigger.action), field, f"触发：{name}", values,
                    citation.article)
    # one row per step and field: its reasons joined, the list of values where any gives one
    merged: dict[tuple[str, str], StepField] = {}
    for f in out:
        old = merged.get((f.action, f.field))
        if old is None:
            merged[(f.action, f.field)] = f
            continue
        whys = old.why.split("；")
        if f.why not in whys and not (f.why == "取值" and old.values):
            whys.append(f.why)
        merged[(f.action, f.field)] = attrs.evolve(old, why="；".join(whys), values=old.values or f.values,
                                                     article=old.article if f.article in old.article else
                                                     f"{old.article}、{f.article}")
    return list(merged.values())
