"""Consequences hung on obligations and facts (the core's own mechanics, on the toy jurisdiction).

Toy: a 领导批示 owes its result 5 working days after assignment; a 督办令 (order) obliges 进展 within
5 working days; two 通报批评 in one year call for an order; an order whose 进展 lapsed calls for a
通报批评 and forces the grade 差. Dates hand-checked on the 2025/2026 calendar: 2026 元旦 1/1–1/3 off
(Sun 1/4 worked).
"""

from __future__ import annotations

from datetime import date as D

import pytest

from ducha_core.assessment import assess
from ducha_core.calendar import WorkingCalendar
from ducha_core.confirm import confirmation
from ducha_core.errors import PolicyError
from ducha_core.escalation import evaluate, unit_grades
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine
from ducha_core.model import Person
from ducha_core.policy import _resolve_step, build_policy
from ducha_core.rules import After, EscalationStep

CAL = WorkingCalendar.default()


@pytest.fixture
def pol(toy_plugins):
    return build_policy(toy_plugins, "toy")


def fold(pol, *events):
    return MatterEngine(pol, CAL).fold(list(events))


def matter(mid="M1", day=D(2025, 12, 1), unit="u1"):
    # assigned Mon 12/1: 5 working days 12/2, 12/3, 12/4, 12/5, 12/8 → result due 12/8
    return [E(mid, "register", day, "office", {"kind": "instruction", "title": "批示"}),
            E(mid, "assign", day, "office", {"lead_units": [unit]})]


def criticism(mid, day, unit="u1", **data):
    return E(mid, "bulletin", day, "office", {"type": "criticism", "units": [unit], **data})


def rules(findings, category="escalation"):
    return sorted((f.rule, f.on) for f in findings if f.category == category)


def test_an_after_rule_must_say_when(pol):
    step = EscalationStep("x", "督办令后", 1, After("order"), "bulletin", pol.escalation[0].citation)
    with pytest.raises(PolicyError, match="must say when it is due"):
        _resolve_step(step, pol.settings, "toy")


def test_order_waits_for_the_obligation_it_created(pol):
    # order Tue 12/9; 进展 within 5 working days: 12/10, 12/11, 12/12, 12/15, 12/16 → 12/16
    order = E("M1", "order", D(2025, 12, 9), "office", {})
    s = fold(pol, *matter(), order)
    assert ("order_stalled", D(2025, 12, 17)) not in rules(evaluate(pol, CAL, [s], D(2025, 12, 16)))
    found = evaluate(pol, CAL, [s], D(2025, 12, 17))
    assert ("order_stalled", D(2025, 12, 17)) in rules(found)
    # the grade the same fact forces, for the unit and the year
    assert [(f.rule, f.unit, f.year) for f in found if f.category == "grade"] == [("bad", "u1", 2025)]
    # progress within the period is what the rule counts; progress after it does not undo the lapse
    on_time = fold(pol, *matter(), order, E("M1", "progress", D(2025, 12, 16), "unit:u1", {}))
    assert "order_stalled" not in {r for r, _ in rules(evaluate(pol, CAL, [on_time], D(2025, 12, 17)))}
    late = fold(pol, *matter(), order, E("M1", "progress", D(2025, 12, 17), "unit:u1", {}))
    assert "order_stalled" in {r for r, _ in rules(evaluate(pol, CAL, [late], D(2025, 12, 18)))}


def test_confirmation_dismissal_and_grade_recorded(pol):
    order = E("M1", "order", D(2025, 12, 9), "office", {})
    s = fold(pol, *matter(), order)
    confirmed = fold(pol, *matter(), order, criticism("M1", D(2025, 12, 18), step="order_stalled"))
    assert "order_stalled" not in {r for r, _ in rules(evaluate(pol, CAL, [confirmed], D(2025, 12, 19)))}
    dismissed = fold(pol, *matter(), order,
                     E("M1", "dismiss", D(2025, 12, 18), "office", {"step": "order_stalled", "reason": "已另行处理"}))
    assert "order_stalled" not in {r for r, _ in rules(evaluate(pol, CAL, [dismissed], D(2025, 12, 19)))}
    assert "bad" in {r for r, _ in rules(evaluate(pol, CAL, [s], D(2025, 12, 19)), "grade")}
    graded = fold(pol, *matter(), order, E("M1", "grade", D(2025, 12, 19), "office", {"grade": "差", "units": ["u1"]}))
    assert rules(evaluate(pol, CAL, [graded], D(2025, 12, 22)), "grade") == []
    assert unit_grades(pol, CAL, [graded], 2025, D(2025, 12, 22)) == {"u1": "差"}
    # graded again 好 on 12/22: the unit's year is the worst recorded (差), and the summary says where it comes from
    twice = fold(pol, *matter(), order, E("M1", "grade", D(2025, 12, 19), "office", {"grade": "差", "units": ["u1"]}),
                 E("M1", "grade", D(2025, 12, 22), "office", {"grade": "好", "units": ["u1"]}))
    [a] = assess(pol, CAL, [twice], 2025, D(2025, 12, 31))
    assert (a.grade, a.grade_basis) == ("差", "M1 2025-12-19 评定“差”（共评定2次，取最低）")


def test_dismissal_needs_a_reason_the_office_and_the_setting(toy_plugins, pol):
    from ducha_core.errors import ActionRefused

    with pytest.raises(ActionRefused, match="缺少事由"):
        fold(pol, *matter(), E("M1", "dismiss", D(2025, 12, 18), "office", {"step": "order_stalled"}))
    with pytest.raises(ActionRefused):
        fold(pol, *matter(), E("M1", "dismiss", D(2025, 12, 18), "unit:u1", {"step": "order_stalled", "reason": "x"}))
    strict = build_policy(toy_plugins, "toy", {"dismissal": "none"})
    with pytest.raises(ActionRefused, match="没有「dismiss」这一步骤"):
        fold(strict, *matter(), E("M1", "dismiss", D(2025, 12, 18), "office", {"step": "order_stalled", "reason": "x"}))


def test_ended_matter_proposes_nothing_but_its_facts_count(pol):
    # result (due 12/8) submitted on 12/10: 12/9, 12/10 → 2 working days late; the 办理方案 (one calendar day,
    # due 12/2) met by the same report: 12/3, 12/4, 12/5, 12/8, 12/9, 12/10 → 6. Closed: no chase, the lateness stays
    s = fold(pol, *matter(), E("M1", "submit", D(2025, 12, 10), "unit:u1", {"signer": "王"}),
             E("M1", "close", D(2025, 12, 11), "office", {}))
    assert rules(evaluate(pol, CAL, [s], D(2025, 12, 31))) == []
    [a] = assess(pol, CAL, [s], 2025, D(2025, 12, 31))
    assert (a.unit, a.late, a.late_days, a.unmet) == ("u1", 2, 8, 0)


def test_counts_belong_to_their_year_and_are_evaluated_after_it(pol):
    m = matter()
    s = fold(pol, *m, criticism("M1", D(2025, 12, 10)), criticism("M1", D(2025, 12, 19)))
    # in January: the 2025 count is still called for, and `--year 2025` finds it
    jan = D(2026, 1, 15)
    assert ("two_criticisms", D(2025, 12, 19)) in rules(evaluate(pol, CAL, [s], jan))
    found = [f for f in evaluate(pol, CAL, [s], jan, year=2025) if f.rule == "two_criticisms"]
    assert [(f.year, f.fact, f.reason) for f in found] == [(2025, "count:2", "2025年内已通报2次（达到2次）")]
    assert [f for f in evaluate(pol, CAL, [s], jan, year=2026) if f.rule == "two_criticisms"] == []
    # confirmed in January for 2025 (the command carries --year 2025) …
    for_2025 = fold(pol, *m, criticism("M1", D(2025, 12, 10)), criticism("M1", D(2025, 12, 19)),
                    E("M1", "order", D(2026, 1, 12), "office", {"step": "two_criticisms", "year": "2025"}))
    assert [f for f in evaluate(pol, CAL, [for_2025], jan, year=2025) if f.rule == "two_criticisms"] == []
    # … but a confirmation that names 2026 does not cover 2025's count
    for_2026 = fold(pol, *m, criticism("M1", D(2025, 12, 10)), criticism("M1", D(2025, 12, 19)),
                    E("M1", "order", D(2026, 1, 12), "office", {"step": "two_criticisms"}))
    assert [f.year for f in evaluate(pol, CAL, [for_2026], jan, year=2025) if f.rule == "two_criticisms"] == [2025]


def test_one_year_is_calendar_by_default_rolling_by_setting(toy_plugins, pol):
    events = [*matter(), criticism("M1", D(2025, 12, 19)), criticism("M1", D(2026, 1, 5))]
    assert "two_criticisms" not in {r for r, _ in rules(evaluate(pol, CAL, [fold(pol, *events)], D(2026, 1, 6)))}
    rolling = build_policy(toy_plugins, "toy", {"year_window": "rolling"})
    found = [f for f in evaluate(rolling, CAL, [fold(rolling, *events)], D(2026, 1, 6)) if f.rule == "two_criticisms"]
    assert [(f.on, f.reason) for f in found] == [(D(2026, 1, 5), "截至 2026-01-05 的12个月内已通报2次（达到2次）")]
    with pytest.raises(PolicyError, match="year_window"):
        build_policy(toy_plugins, "toy", {"year_window": "fiscal"})


def test_overdue_fact_day_and_year(pol):
    # result due Wed 2025-12-31; 2026-01-01..01-03 are 元旦 off, Sun 1/4 is worked: the fact arises 1/4, in 2026
    s = fold(pol, *matter(day=D(2025, 12, 24)))
    assert s.obligations[0].due == D(2025, 12, 31)
    [f] = [f for f in evaluate(pol, CAL, [s], D(2026, 1, 5)) if f.rule == "overdue"]
    assert (f.on, f.year, f.unit) == (D(2026, 1, 4), 2026, "u1")


def test_confirm_command_names_who_when_and_what_to_decide(pol):
    s = fold(pol, *matter(), E("M1", "order", D(2025, 12, 9), "office", {}))
    people = {"chen": Person("chen", "陈督查", ("office",)), "wang": Person("wang", "王", ("unit",), unit="u1")}
    f = next(f for f in evaluate(pol, CAL, [s], D(2025, 12, 17)) if f.rule == "order_stalled")
    c = confirmation(f, pol, CAL, people, {"M1": s}, D(2025, 12, 17))
    assert c.command == "ducha bulletin M1 --type criticism --unit u1 --as chen --on 2025-12-17 --step order_stalled"
    assert (c.action, c.actor, c.placeholders) == ("bulletin", "chen", ())
    grade = next(f for f in evaluate(pol, CAL, [s], D(2025, 12, 17)) if f.category == "grade")
    c = confirmation(grade, pol, CAL, people, {"M1": s}, D(2025, 12, 17))
    assert c.command == "ducha grade M1 --grade 差 --unit u1 --year 2025 --as chen --on 2025-12-17 --step bad"
    # nobody in the directory may take it: the command names the role and says so
    c = confirmation(f, pol, CAL, {"wang": people["wang"]}, {"M1": s}, D(2025, 12, 17))
    assert c.actor is None and c.missing_actor == "督查室" and "--as 〈督查室〉" in c.command
