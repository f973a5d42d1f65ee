"""Folding a matter's events through a procedure: states, deadlines, refusals."""

from datetime import date as D

import pytest

from ducha_core.errors import ActionRefused
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine, light


@pytest.fixture
def engine(toy_policy, cal):
    return MatterEngine(toy_policy, cal)


def opened(engine, kind="instruction", on=D(2025, 9, 29), assigned=D(2025, 9, 30), **assign):
    return engine.fold([
        E("M1", "register", on, "office", {"kind": kind, "title": "修缮学校围墙"}),
        E("M1", "assign", assigned, "office", {"lead_units": ["u1"], **assign}),
    ])


def test_assignment_sets_the_deadline_with_its_explanation(engine):
    state = opened(engine)
    assert state.state == "assigned"
    assert state.due.date == D(2025, 10, 14)
    assert state.due.rule == "instr"
    assert "10/1–10/8 国庆节、中秋节放假" in state.due.explanation
    assert any("10/11 周六调休上班" in line for line in state.due.explanation)
    plan = next(d for d in state.deadlines if d.what == "plan")
    assert plan.date == D(2025, 10, 9)  # 1日 from 9/30 = 10/1, a holiday: rolls to 10/9


def test_explicit_deadline_takes_precedence_and_cannot_precede_assignment(engine):
    state = opened(engine, deadline="2025-11-20")
    assert state.due.date == D(2025, 11, 20) and state.due.rule == "explicit"
    with pytest.raises(ActionRefused, match="办理时限 2025-09-01 早于交办日 2025-09-30"):
        opened(engine, deadline="2025-09-01")
    with pytest.raises(ActionRefused, match="deadline 的值 '2025-02-30' 不是日期；请写 YYYY-MM-DD"):
        opened(engine, deadline="2025-02-30")


def test_traffic_light(engine, toy_policy, cal):
    """The light follows the most urgent obligation: the plan (1日 → 10/9), then the result (10/14)."""
    state = opened(engine)
    assert light(toy_policy, cal, state, D(2025, 10, 1)) == "yellow"  # plan due 10/9: 1 working day left
    assert light(toy_policy, cal, state, D(2025, 10, 10)) == "red"  # the plan is overdue
    state = engine.apply(state, E("M1", "progress", D(2025, 10, 9), "unit:u1"))  # the plan, on its last day
    assert light(toy_policy, cal, state, D(2025, 10, 10)) == "yellow"  # 3 working days left (11, 13, 14)
    assert light(toy_policy, cal, state, D(2025, 10, 15)) == "red"
    done = engine.apply(state, E("M1", "submit", D(2025, 10, 13), "unit:u1", {"signer": "王"}))
    assert light(toy_policy, cal, done, D(2025, 10, 15)) == "done"


def test_refusals_name_state_role_and_missing_fields(engine):
    state = opened(engine)
    with pytest.raises(ActionRefused, match="「办结」不能在「已交办」状态下进行"):
        engine.apply(state, E("M1", "close", D(2025, 10, 9), "office"))
    with pytest.raises(ActionRefused, match="无权"):
        engine.apply(state, E("M1", "submit", D(2025, 10, 9), "office", {"signer": "王"}))
    with pytest.raises(ActionRefused, match="不是事项 M1 的承办单位"):
        engine.apply(state, E("M1", "submit", D(2025, 10, 9), "unit:u2", {"signer": "王"}))
    with pytest.raises(ActionRefused, match="缺少签发人"):
        engine.apply(state, E("M1", "submit", D(2025, 10, 9), "unit:u1"))
    with pytest.raises(ActionRefused, match="事项 M1 已立项"):
        engine.apply(state, E("M1", "register", D(2025, 10, 9), "office", {"kind": "other"}))
    with pytest.raises(ActionRefused, match="未知的事项类别 'weather'"):
        engine.fold([E("M2", "register", D(2025, 10, 9), "office", {"kind": "weather"})])
    with pytest.raises(ActionRefused, match="没有事项 M3；"):
        engine.fold([E("M3", "assign", D(2025, 10, 9), "office", {"lead_units": ["u1"]})])


def test_return_for_rework_restarts_the_clock(engine):
    state = opened(engine)
    state = engine.apply(state, E("M1", "submit", D(2025, 10, 13), "unit:u1", {"signer": "王"}))
    state = engine.apply(state, E("M1", "review_return", D(2025, 10, 14), "office", {"deadline": "2025-10-20"}))
    assert state.state == "returned" and state.returns == 1
    assert state.due.date == D(2025, 10, 20)


def test_extension_asked_before_deadline_and_capped(engine):
    state = opened(engine, kind="npc_suggestion", on=D(2025, 3, 13), assigned=D(2025, 3, 14))
    assert state.due.date == D(2025, 6, 16)
    late = E("M1", "extension_ask", D(2025, 6, 17), "unit:u1", {"reasons": "涉及面广", "progress": "已调研"})
    with pytest.raises(ActionRefused, match="须在期限 2025-06-16 前提出"):
        engine.apply(state, late)
    with pytest.raises(ActionRefused, match="延期申请须说明进展情况"):
        engine.apply(state, E("M1", "extension_ask", D(2025, 6, 1), "unit:u1", {"reasons": "涉及面广"}))
    asked = engine.apply(state, E("M1", "extension_ask", D(2025, 6, 1), "unit:u1",
                                  {"reasons": "涉及面广", "progress": "已调研"}))
    with pytest.raises(ActionRefused, match="超过最长期限 2025-09-15"):  # 6个月 from 3/14 = 9/14 (Sun) -> 9/15
        engine.apply(asked, E("M1", "extension_grant", D(2025, 6, 2), "office", {"until": "2025-09-30"}))
    granted = engine.apply(asked, E("M1", "extension_grant", D(2025, 6, 2), "office", {"until": "2025-09-15"}))
    assert granted.due.date == D(2025, 9, 15) and granted.due.rule == "extension:ext"


def test_escalation_ladder(engine, toy_policy, cal):
    state = opened(engine)
    found = evaluate(toy_policy, cal, [state], D(2025, 10, 15))
    assert [(f.rule, f.unit, f.matter) for f in found] == [("overdue", "u1", "M1")]
    ordered = engine.apply(state, E("M1", "order", D(2025, 10, 15), "office", {"step": "overdue"}))
    found = evaluate(toy_policy, cal, [ordered], D(2025, 10, 22))  # 5 working days after 10/15 is 10/22
    assert "order_stalled" not in [f.rule for f in found]
    found = evaluate(toy_policy, cal, [ordered], D(2025, 10, 23))
    assert {f.rule for f in found} == {"order_stalled", "bad"}
    progressed = engine.apply(ordered, E("M1", "progress", D(2025, 10, 20), "unit:u1"))
    assert evaluate(toy_policy, cal, [progressed], D(2025, 10, 23)) == []


def test_criticisms_are_counted_per_unit_per_calendar_year(engine, toy_policy, cal):
    state = opened(engine, on=D(2024, 12, 1), assigned=D(2024, 12, 2))
    for day in (D(2024, 12, 30), D(2025, 3, 1)):
        state.events.append(E("M1", "bulletin", day, "office", {"type": "criticism", "units": ["u1"]}))
    assert "two_criticisms" not in [f.rule for f in evaluate(toy_policy, cal, [state], D(2025, 3, 2))]
    state.events.append(E("M1", "bulletin", D(2025, 4, 1), "office", {"type": "praise", "units": ["u1"]}))
    assert "two_criticisms" not in [f.rule for f in evaluate(toy_policy, cal, [state], D(2025, 4, 2))]
    state = engine.apply(state, E("M1", "bulletin", D(2025, 5, 1), "office", {"type": "criticism", "units": ["u1"]}))
    found = [f for f in evaluate(toy_policy, cal, [state], D(2025, 5, 2)) if f.rule == "two_criticisms"]
    assert [(f.unit, f.proposes) for f in found] == [("u1", "order")]
    confirmed = engine.apply(state, E("M1", "order", D(2025, 5, 6), "office", {"step": "two_criticisms",
                                                                             "units": ["u1"]}))
    assert "two_criticisms" not in [f.rule for f in evaluate(toy_policy, cal, [confirmed], D(2025, 5, 7))]


def test_transitions_limited_to_kinds_and_fields_required_by_kind(toy_policy, cal):
    import attrs

    from ducha_core.policy import assemble, base_parts

    parts = base_parts(toy_policy)
    transitions = []
    for t in parts["procedure"].transitions:
        if t.action == "submit":
            t = attrs.evolve(t, requires_by_kind={"npc_suggestion": ("evidence",)})
        if t.action == "order":
            t = attrs.evolve(t, kinds=("instruction",))
        transitions.append(t)
    parts["procedure"] = attrs.evolve(parts["procedure"], transitions=tuple(transitions))
    engine = MatterEngine(assemble(toy_policy.jurisdiction, parts, {}, ("toy",)), cal)
    npc = opened(engine, kind="npc_suggestion")
    with pytest.raises(ActionRefused, match="缺少印证资料"):
        engine.apply(npc, E("M1", "submit", D(2025, 10, 13), "unit:u1", {"signer": "王"}))
    engine.apply(npc, E("M1", "submit", D(2025, 10, 13), "unit:u1", {"signer": "王", "evidence": "照片"}))
    with pytest.raises(ActionRefused, match="只适用于领导批示"):
        engine.apply(npc, E("M1", "order", D(2025, 10, 13), "office"))
    engine.apply(opened(engine), E("M1", "order", D(2025, 10, 13), "office"))


def test_progress_deadline_overdue_trigger(toy_policy, cal):
    import attrs

    from ducha_core.escalation import evaluate
    from ducha_core.policy import assemble, base_parts
    from ducha_core.rules import EscalationStep, Overdue

    parts = base_parts(toy_policy)
    parts["escalation"] = [EscalationStep("plan_late", "方案逾期", 1, Overdue(what=("plan",)), "remind",
                                          toy_policy.procedure.citation)]
    policy = assemble(toy_policy.jurisdiction, parts, {}, ("toy",))
    engine = MatterEngine(policy, cal)
    state = opened(engine)  # plan due 2025-10-09
    assert evaluate(policy, cal, [state], D(2025, 10, 9)) == []
    assert [f.rule for f in evaluate(policy, cal, [state], D(2025, 10, 10))] == ["plan_late"]
    planned = engine.apply(state, E("M1", "progress", D(2025, 10, 9), "unit:u1"))
    assert evaluate(policy, cal, [planned], D(2025, 10, 10)) == []
    assert attrs.has(type(planned))


def test_limit_counted_from_a_meeting_needs_the_meetings_date(toy_policy, cal):
    import attrs

    from ducha_core.policy import assemble, base_parts

    parts = base_parts(toy_policy)
    parts["time_limits"] = [attrs.evolve(t, anchor="meeting") if t.id == "instr" else t for t in parts["time_limits"]]
    engine = MatterEngine(assemble(toy_policy.jurisdiction, parts, {}, ("toy",)), cal)
    with pytest.raises(ActionRefused, match="--meeting DATE"):
        opened(engine)
    state = opened(engine, meeting="2025-09-26")  # 5 working days from Friday 9/26: 28(Sun), 29, 30, 10/9, 10/10
    assert state.due.date == D(2025, 10, 10)


def test_each_lead_unit_files_its_own_report_and_co_units_cannot(toy_policy, cal):
    import attrs

    from ducha_core.policy import assemble, base_parts

    parts = base_parts(toy_policy)
    parts["procedure"] = attrs.evolve(parts["procedure"], transitions=tuple(
        attrs.evolve(t, lead_only=True, each_lead_unit=True) if t.action == "submit" else t
        for t in parts["procedure"].transitions))
    engine = MatterEngine(assemble(toy_policy.jurisdiction, parts, {}, ("toy",)), cal)
    state = engine.fold([
        E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction"}),
        E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1", "u2"], "co_units": ["u3"]}),
    ])
    with pytest.raises(ActionRefused, match="须由主办（牵头）单位u1、u2办理"):
        engine.apply(state, E("M1", "submit", D(2025, 10, 9), "unit:u3", {"signer": "王"}))
    state = engine.apply(state, E("M1", "submit", D(2025, 10, 9), "unit:u1", {"signer": "王"}))
    assert state.state == "assigned" and state.submitted_by == ("u1",)  # u2's report is still owed
    state = engine.apply(state, E("M1", "submit", D(2025, 10, 10), "unit:u2", {"signer": "李"}))
    assert state.state == "submitted"


def test_one_matter_one_lead_unit_when_the_policy_says_so(toy_policy, cal):
    import attrs

    from ducha_core.policy import assemble, base_parts

    parts = base_parts(toy_policy)
    parts["procedure"] = attrs.evolve(parts["procedure"], transitions=tuple(
        attrs.evolve(t, max_lead_units=1) if t.action == "assign" else t for t in parts["procedure"].transitions))
    engine = MatterEngine(assemble(toy_policy.jurisdiction, parts, {}, ("toy",)), cal)
    register = E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction"})
    with pytest.raises(ActionRefused, match="至多1个主办单位"):
        engine.fold([register, E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1", "u2"]})])
    state = engine.fold([register, E("M1", "assign", D(2025, 9, 30), "office",
                                     {"lead_units": ["u1"], "co_units": ["u2"]})])
    assert state.units == ("u1", "u2")


def test_fold_until_refused_keeps_the_state_before_the_refusal(engine):
    events = [
        E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction"}),
        E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]}),
        E("M1", "extension_grant", D(2025, 10, 9), "office", {"until": "2025-10-20"}),  # nothing asked
        E("M1", "submit", D(2025, 10, 10), "unit:u1", {"signer": "王"}),
    ]
    state, refused, error = engine.fold_until_refused(events)
    assert refused is events[2] and "尚无延期申请" in str(error)
    assert state.state == "assigned" and len(state.events) == 2 and state.due.date == D(2025, 10, 14)
    assert engine.fold_until_refused(events[:2])[1:] == (None, None)
