"""The same matters run through the five jurisdictions, with every difference asserted in one place.

The matters: a leader's instruction (领导批示) received and assigned on Tue 2025-09-30, an NPC deputy's
suggestion (人大代表建议) assigned the same day, and a decision of a meeting held that day (会议决定事项).
Then a unit is criticised (通报批评) twice in one year.

Calendar facts (State Council notice for 2025): 10/1–10/8 国庆节、中秋节 off; Sun 9/28 and Sat 10/11 worked.
Hand-checked dates, from 9/30 (the start day not counted, 民法典第二百零一条):
- 5 working days: 10/9, 10/10, 10/11 (Sat, worked), 10/13, 10/14                    → 2025-10-14
- 15 working days: … 10/14 (5), 10/15–10/17 (8), 10/20–10/24 (13), 10/27, 10/28    → 2025-10-28
- 30 working days: … 10/31 (18), 11/3–11/7 (23), 11/10–11/14 (28), 11/17, 11/18    → 2025-11-18
- 3 months: 2025-12-30 (a Tuesday, a working day)
- 次日: 10/1 is a holiday → first working day after it, 10/9; 5日: 10/5 is a holiday → 10/9

A jurisdiction whose plugin is not installed yet is skipped (pytest.importorskip on ducha_<id>).
"""

from __future__ import annotations

from datetime import date as D

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.deadlines import deadlines_for
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine, light
from ducha_core.periods import AsAssigned

JURISDICTIONS = ("ankang", "dazhan", "ordos", "weinan_gaoxin", "zhoucun")
CAL = WorkingCalendar.default()
DAY = D(2025, 9, 30)
PLACEHOLDER = "（测试填写）"


def policy_for(jid: str):
    """The installed jurisdiction's policy, or skip the test while its plugin has not landed."""
    pytest.importorskip(f"ducha_{jid}")
    from ducha_core.plugins import default_plugins
    from ducha_core.policy import load_policy

    if jid not in default_plugins().jurisdictions:
        pytest.skip(f"jurisdiction {jid} is not installed yet")
    return load_policy(jid)


# -------------------------------------------------------------------------------------------------
# The table of differences: kind -> jurisdiction -> (rule, what, date, article) of the first deadline,
# or None where the document sets no time limit for that kind (the assignment notice then sets it).
# -------------------------------------------------------------------------------------------------

DEADLINES = {
    "instruction": {
        "ankang": None,  # 第五条(四) supervises instructions but sets no time limit
        "dazhan": None,  # 第二十条(三) "应在规定时限内办结": the limit comes with the assignment
        "ordos": ("default_report", "result", D(2025, 10, 28), "第十二条第三款"),  # 15个工作日
        "weinan_gaoxin": ("instruction_result", "result", D(2025, 10, 14), "九"),  # 5个工作日
        "zhoucun": ("general_result", "result", D(2025, 10, 14), "五(一)"),  # 一般应在5个工作日内
    },
    "npc_suggestion": {
        "ankang": None,  # 第五条(五): no answer period
        "dazhan": None,
        "ordos": ("default_report", "result", D(2025, 10, 28), "第十二条第三款"),  # no stated limit → 15个工作日
        "weinan_gaoxin": ("npc_cppcc_answer", "answer", D(2025, 12, 30), "十"),  # 3个月, at most 6
        "zhoucun": None,  # 一(五) names the kind; 五 sets no limit for it
    },
    "meeting": {
        "ankang": ("meeting_progress_30wd", "progress", D(2025, 11, 18), "第九条"),  # 30个工作日 from the meeting
        "dazhan": None,  # 第二十四条: weekly checks, no completion limit
        "ordos": ("default_report", "result", D(2025, 10, 28), "第十二条第三款"),
        "weinan_gaoxin": None,  # 八: the meeting's own time limit
        "zhoucun": ("general_result", "result", D(2025, 10, 14), "五(一)"),
    },
}

CASES = [(kind, jid) for kind in DEADLINES for jid in JURISDICTIONS]


@pytest.mark.parametrize(("kind", "jid"), CASES, ids=[f"{k}-{j}" for k, j in CASES])
def test_deadline_rule_and_article_for_the_same_matter(kind, jid):
    policy = policy_for(jid)
    assert kind in policy.kinds, f"{jid} has no kind {kind}"
    found = deadlines_for(policy, kind, DAY, CAL, anchors={"meeting": DAY})
    expected = DEADLINES[kind][jid]
    if expected is None:
        assert [d for d in found if d.date is not None] == []
        return
    first = next(d for d in found if d.date is not None)  # a limit the notice states has no date of its own
    assert (first.rule, first.what, first.date, first.citation.article) == expected
    assert not first.provisional


def test_principal_instruction_5_days_vs_5_working_days():
    """周村 五(三) "次日提出办理方案，一般在5日内" (calendar days) against 渭南高新区 九 "5个工作日"."""
    zhoucun = policy_for("zhoucun")
    weinan = policy_for("weinan_gaoxin")
    z = {d.rule: d.date for d in deadlines_for(zhoucun, "principal_assignment", DAY, CAL)}
    assert z == {"principal_result": D(2025, 10, 9), "principal_plan": D(2025, 10, 9)}
    w = deadlines_for(weinan, "instruction", DAY, CAL)[0]
    assert w.date == D(2025, 10, 14)


# -------------------------------------------------------------------------------------------------
# The same instruction through each procedure
# -------------------------------------------------------------------------------------------------

#: actions from the first event to 交办, the state reached (id, name), the unit's due date, the light on 10/15
PROCEDURE = {
    # 安康: the document sets no result limit; the notice states it (第六条 reading, setting notice_result_period)
    "ankang": (["register", "assign"], "assigned", "已交办", D(2025, 10, 31), "green"),
    "dazhan": (["register", "approve", "assign"], "assigned", "已立项下达", D(2025, 10, 31), "green"),
    "ordos": (["register", "assign"], "assigned", "已交办", D(2025, 10, 28), "green"),
    "weinan_gaoxin": (["register", "assign"], "assigned", "已交办", D(2025, 10, 14), "red"),
    "zhoucun": (["register", "assign"], "assigned", "已下达（督办单）", D(2025, 10, 14), "red"),
}

#: Dazhan's 立项下达 needs the 办理时限 written in (第十七条 明确……办理时限); the others compute it
NOTICE_DEADLINE = "2025-10-31"


def _actor(policy, transition) -> str:
    role = transition.roles[0]
    return f"{role}:u1" if policy.roles[role].scope == "unit" else role


def _filled(transition, data: dict) -> dict:
    out = dict(data)
    for field in transition.requires:
        out.setdefault(field, NOTICE_DEADLINE if field == "deadline" else PLACEHOLDER)
    return out


def walk_to_assigned(policy, mid: str, kind: str, on: D = DAY, **assign_data):
    """Register a matter and take it through whatever the jurisdiction requires before 交办."""
    eng = MatterEngine(policy, CAL)
    t = policy.transition(policy.procedure.initial, "register")
    state = eng.apply(None, E(mid, "register", on, _actor(policy, t), _filled(t, {"kind": kind, "title": "同一事项"})))
    actions = ["register"]
    for _ in range(4):
        t = policy.transition(state.state, "assign")
        if t is not None:
            data = _filled(t, {"lead_units": ["u1"], **assign_data})
            if any(isinstance(limit.period, AsAssigned) for limit in policy.limits_for(kind, on)
                   if limit.what in ("result", "answer")):
                data.setdefault("deadline", NOTICE_DEADLINE)  # the document leaves the limit to the notice
            state = eng.apply(state, E(mid, "assign", on, _actor(policy, t), data))
            return state, [*actions, "assign"]
        t = policy.transition(state.state, "approve")
        assert t is not None, f"{policy.id}: no way from {state.state} to 交办"
        state = eng.apply(state, E(mid, "approve", on, _actor(policy, t), _filled(t, {})))
        actions.append("approve")
    raise AssertionError(f"{policy.id}: 交办 not reached")


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_instruction_through_each_procedure(jid):
    policy = policy_for(jid)
    state, actions = walk_to_assigned(policy, "P1", "instruction")
    steps, state_id, state_name, due, light_on_10_15 = PROCEDURE[jid]
    assert actions == steps
    assert (state.state, policy.states[state.state].name) == (state_id, state_name)
    assert (state.due.date if state.due else None) == due
    assert light(policy, CAL, state, D(2025, 10, 15)) == light_on_10_15


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_meeting_decision_counts_from_the_meeting_only_in_ankang(jid):
    """Assigned on 10/9 for a meeting held 9/30: only 安康 第九条 counts from the meeting's date."""
    policy = policy_for(jid)
    state, _ = walk_to_assigned(policy, "P2", "meeting", on=D(2025, 10, 9), meeting="2025-09-30")
    dates = {d.rule: (d.anchor, d.date) for d in state.deadlines if d.rule != "explicit"}
    expected = {
        "ankang": {"meeting_progress_30wd": (D(2025, 9, 30), D(2025, 11, 18))},
        "dazhan": {},
        # 10/9 + 15 working days: 10/10, 10/11 (Sat), 10/13–17, 10/20–24, 10/27, 10/28, 10/29 → 10/29
        "ordos": {"default_report": (D(2025, 10, 9), D(2025, 10, 29))},
        "weinan_gaoxin": {},
        # 10/9 + 5 working days: 10/10, 10/11 (Sat), 10/13, 10/14, 10/15 → 10/15
        "zhoucun": {"general_result": (D(2025, 10, 9), D(2025, 10, 15))},
    }[jid]
    assert dates == expected


# -------------------------------------------------------------------------------------------------
# A second 通报批评 in one year
# -------------------------------------------------------------------------------------------------

#: escalation proposals (rule, proposed action, article) that a criticism adds, first and second
FIRST_CRITICISM = {
    "ankang": set(),
    "dazhan": set(),
    "ordos": set(),
    "weinan_gaoxin": {("criticism_once", "rectification_plan", "十六(二)")},  # 书面检查
    # 通报后仍未办理 waits for bulletin_followup_period (5个工作日 → 10/16), not the next day
    "zhoucun": set(),
}
SECOND_CRITICISM = {
    "ankang": set(),  # 第十二条 counts no criticisms; it escalates by 重点督办 → 约谈 → 较差
    "dazhan": set(),
    "ordos": set(),
    "weinan_gaoxin": {("criticism_twice", "interview", "十六(二)")},  # 约谈主要负责人、取消评先树优资格
    "zhoucun": set(),
}


def _criticise(policy, state, on: D):
    t = policy.transition(state.state, "bulletin")
    data = _filled(t, {"type": "criticism", "approved_by": "主要领导"})
    return MatterEngine(policy, CAL).apply(state, E(state.id, "bulletin", on, _actor(policy, t), data))


def _proposals(policy, states, as_of: D) -> set[tuple[str, str, str]]:
    return {(f.rule, f.proposes, f.citation.article) for f in evaluate(policy, CAL, states, as_of)
            if f.category == "escalation" and f.unit == "u1"}


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_second_criticism_in_a_year(jid):
    policy = policy_for(jid)
    state, _ = walk_to_assigned(policy, "P3", "instruction")
    before = _proposals(policy, [state], D(2025, 10, 9))
    once = _criticise(policy, state, D(2025, 10, 9))
    after_first = _proposals(policy, [once], D(2025, 10, 10))
    assert after_first - before == FIRST_CRITICISM[jid]
    twice = _criticise(policy, once, D(2025, 10, 10))
    after_second = _proposals(policy, [twice], D(2025, 10, 10))
    assert after_second - after_first == SECOND_CRITICISM[jid]
    if jid == "weinan_gaoxin":
        step = next(f for f in evaluate(policy, CAL, [twice], D(2025, 10, 10)) if f.rule == "criticism_twice")
        assert step.data == {"revoke_awards": True}
    # two criticisms in 2024 and 2025 are not "in one year"
    if SECOND_CRITICISM[jid]:
        early, _ = walk_to_assigned(policy, "P4", "instruction", on=D(2024, 12, 2))
        early = _criticise(policy, early, D(2024, 12, 31))
        later = _criticise(policy, early, D(2025, 1, 2))
        assert not any(r == "criticism_twice" for r, _, _ in _proposals(policy, [later], D(2025, 1, 2)))


def test_all_five_are_installed():
    """Once every plugin has landed, none of the tests above is skipped."""
    from ducha_core.plugins import default_plugins

    missing = [j for j in JURISDICTIONS if j not in default_plugins().jurisdictions]
    assert missing == [], f"not installed yet: {missing}"
