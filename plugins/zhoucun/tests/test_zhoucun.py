"""周村区《周村区政府重大工作部署事项督查管理办法》: scenario tests, one per article.

Dates are hand-checked against the State Council holiday notices:
2025 National Day: 10/1–10/8 off, Sun 9/28 and Sat 10/11 worked.
2026 Spring Festival: 2/15–2/23 off, Sat 2/14 and Sat 2/28 worked.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import date as D
from datetime import timedelta
from pathlib import Path

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.cycles import occurrences
from ducha_core.deadlines import deadlines_for
from ducha_core.errors import ActionRefused
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine, light
from ducha_core.policy import load_policy
from ducha_core.traceability import coverage

TEST_FILE = "plugins/zhoucun/tests/test_zhoucun.py"


@pytest.fixture(scope="module")
def pol():
    return load_policy("zhoucun")


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.default()


@pytest.fixture(scope="module")
def eng(pol, cal):
    return MatterEngine(pol, cal)


def reg(mid, kind, on, **data):
    return E(mid, "register", on, "office", {"kind": kind, "title": f"{mid} 事项", **data})


def assign(mid, on, unit="u1", **data):
    return E(mid, "assign", on, "office", {"lead_units": [unit], **data})


def accept(mid, on, unit="u1"):
    return E(mid, "accept", on, f"unit:{unit}", {"responsible_person": "张三"})


def submit(mid, on, unit="u1"):
    return E(mid, "submit", on, f"unit:{unit}", {"leader_signoff": "李副区长"})


def escalations(pol, cal, states, day):
    """The escalation rungs proposed as of ``day`` (rule ids, ladder order)."""
    return [f.rule for f in evaluate(pol, cal, states, day) if f.category == "escalation"]


def by_rule(pol, cal, states, day):
    return {f.rule: f for f in evaluate(pol, cal, states, day) if f.category == "escalation"}


def workdays(cal, first, last):
    """The working days from ``first`` to ``last`` inclusive."""
    days, day = [], first
    while day <= last:
        if cal.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


# --- source document, 七(二) ---------------------------------------------------------------------


def test_article_7_2_in_force_from_publication(pol):
    doc = pol.jurisdiction.document
    assert doc.title == "周村区政府重大工作部署事项督查管理办法"
    assert doc.issuer == "周村区人民政府办公室"
    assert doc.issued == D(2021, 7, 16) and doc.effective == D(2021, 7, 16)
    assert doc.trial == "" and doc.expires is None
    assert pol.jurisdiction.office == "区政府督查室"
    assert pol.force_warning(D(2021, 7, 16)) is None
    assert "尚未施行" in pol.force_warning(D(2021, 7, 15))
    assert pol.force_warning(D(2030, 1, 1)) is None  # no trial period: never lapses by itself


# --- 一 督查工作重点 ------------------------------------------------------------------------------


def test_article_1_matter_kinds(pol):
    expect = {
        "decision": "decision", "annual_task": "annual_task", "instruction": "instruction",
        "principal_assignment": "instruction", "office_assignment": "other", "document": "document",
        "meeting": "meeting", "npc_suggestion": "npc_suggestion", "cppcc_proposal": "cppcc_proposal",
        "plan_item": "other", "key_phase": "other", "year_round": "annual_task",
    }
    assert {k: v.core_kind for k, v in pol.kinds.items()} == expect
    assert pol.kinds["plan_item"].citation.article == "一(六)"
    assert pol.kinds["npc_suggestion"].citation.article == "一(五)"


def test_article_1_5_npc_cppcc_deadline_from_assignment(pol, cal, eng):
    # the document sets no period for 建议、提案 (五(一)'s 5 working days do not apply): the only limit is
    # 四(三)'s "督查事项要明确办理时限", whose day the assignment states
    for kind in ("npc_suggestion", "cppcc_proposal"):
        d = deadlines_for(pol, kind, D(2025, 5, 6), cal)
        assert [(x.rule, x.date, x.citation.article) for x in d] == [("notice_result", None, "四(三)")]
        assert d[0].period == "交办通知明确的时限"
    # Wed 8/6/2025 is a working day: kept as written
    s = eng.fold([reg("N1", "npc_suggestion", D(2025, 5, 6)), assign("N1", D(2025, 5, 6), deadline="2025-08-06")])
    assert s.due.date == D(2025, 8, 6) and s.due.rule == "explicit"
    assert s.due.citation.article == "四(三)"  # the limit the explicit day fills
    assert [(ob.what, ob.owed_by, ob.due, ob.limit) for ob in s.obligations] == [
        ("result", ("u1",), D(2025, 8, 6), "notice_result")]


def test_article_1_5_npc_and_cppcc_matters_registered_and_assigned(pol, cal, eng):
    # 市、区人大代表建议和政协委员提案的督促办理: each is a kind of its own, registered by the office and assigned
    # with the day the assignment states (no 5 working days of 五(一))
    assert (pol.kinds["npc_suggestion"].name, pol.kinds["cppcc_proposal"].name) == ("市、区人大代表建议", "政协委员提案")
    for mid, kind in (("N2", "npc_suggestion"), ("C2", "cppcc_proposal")):
        s = eng.fold([reg(mid, kind, D(2026, 1, 20))])
        assert (s.state, s.kind) == ("registered", kind)
        with pytest.raises(ActionRefused, match=r"缺少办理时限（四\(三\)"):
            eng.apply(s, assign(mid, D(2026, 1, 20)))
        # the day written, Mon 2/16/2026, is in the Spring Festival holiday (2/15–2/23): moved to Tue 2/24
        s = eng.apply(s, assign(mid, D(2026, 1, 20), deadline="2026-02-16"))
        assert (s.state, s.due.date, s.due.rule) == ("assigned", D(2026, 2, 24), "explicit")
        assert [(ob.what, ob.due) for ob in s.obligations] == [("result", D(2026, 2, 24))]
        # the result on Tue 2/24 is on time; on Wed 2/25 it is overdue
        assert evaluate(pol, cal, [s], D(2026, 2, 24)) == []
        assert escalations(pol, cal, [s], D(2026, 2, 25)) == ["overdue_remind", "overdue_explain", "late_bulletin"]


# --- 二 原则 ------------------------------------------------------------------------------------


def test_article_2_every_matter_ends_with_a_result(pol, eng):
    # 交必办、办必果、果必报: 办结 only after the result is reported and summarised
    events = [reg("P1", "meeting", D(2025, 6, 3)), assign("P1", D(2025, 6, 3)), accept("P1", D(2025, 6, 4))]
    s = eng.fold(events)
    with pytest.raises(ActionRefused, match="办结"):
        eng.apply(s, E("P1", "close", D(2025, 6, 5), "office"))
    s = eng.fold([*events, submit("P1", D(2025, 6, 6)), E("P1", "review_pass", D(2025, 6, 9), "office"),
                  E("P1", "report_up", D(2025, 6, 9), "office", {"form": "督查专报"}),
                  E("P1", "close", D(2025, 6, 10), "office")])
    assert s.state == "closed" and pol.states["closed"].terminal


def test_article_2_4_ended_matter_gets_no_escalation(pol, cal, eng):
    # due Tue 10/14/2025; on Wed 10/15 the unit explains and asks for coordination, the office chases and
    # bulletins (通报后办理: 10/16, 10/17, 10/20, 10/21, 10/22); the result comes Fri 10/17 (3 working days late)
    s = eng.fold([reg("EN", "decision", D(2025, 9, 29)), assign("EN", D(2025, 9, 30)), accept("EN", D(2025, 9, 30)),
                  E("EN", "overdue_report", D(2025, 10, 15), "unit:u1",
                    {"reasons": "资金未到位", "next_steps": "请求协调", "needs_coordination": True, "step": "overdue_explain"}),
                  E("EN", "remind", D(2025, 10, 15), "office", {"method": "电话催报", "step": "overdue_remind"}),
                  E("EN", "bulletin", D(2025, 10, 15), "office", {"type": "criticism", "step": "late_bulletin"}),
                  submit("EN", D(2025, 10, 17)), E("EN", "review_pass", D(2025, 10, 20), "office")])
    # summarised (not ended): the request for coordination is still before the office
    assert s.state == "summarised" and escalations(pol, cal, [s], D(2025, 10, 20)) == ["coordinate_leader"]
    s = eng.apply(s, E("EN", "close", D(2025, 10, 21), "office"))
    assert pol.states[s.state].done
    for day in (D(2025, 10, 21), D(2025, 11, 28)):
        found = evaluate(pol, cal, [s], day)
        # 办结: nothing more is proposed (late_bulletin, which outlives the matter, was answered by the 通报 of
        # 10/15); the bulletin of 10/15 still counts in the assessment
        assert [(f.category, f.rule, f.on) for f in found] == [("deduction", "poor_implementation", D(2025, 10, 15))]


# --- 三 优化督查方式 -----------------------------------------------------------------------------


def test_article_3_1_comprehensive_inspection_authorised_by_principal_leader(pol, eng):
    # 综合督查: 由区政府主要领导同志授权，区政府督查室组织力量集中开展
    s = eng.fold([reg("CI", "decision", D(2025, 6, 3)), assign("CI", D(2025, 6, 3)), accept("CI", D(2025, 6, 4))])
    step = pol.action_name("inspect")
    assert step == "组织综合督查（经区政府主要领导同志授权）"
    with pytest.raises(ActionRefused, match="缺少审批领导"):
        eng.apply(s, E("CI", "inspect", D(2025, 6, 10), "office"))
    # the authority: the 主要领导, not the 分管领导 nor the 区政府 as approver of 督查活动
    for who in ("leader_in_charge", "government"):
        with pytest.raises(ActionRefused, match=rf"--approved-by {who}（{who}）不是区政府主要领导同志：「{step}」"
                                                 r"须经区政府主要领导同志批准（三\(一\)）"):
            eng.check_new(s, E("CI", "inspect", D(2025, 6, 10), "office", {"approved_by": who}))
    authorised = E("CI", "inspect", D(2025, 6, 10), "office", {"approved_by": "principal_leader"})
    eng.check_new(s, authorised)
    done = eng.apply(s, authorised)
    assert done.state == "accepted" and done.marks[-1].action == "inspect"
    # the office organises it: not the unit, not an invited inspector
    for actor in ("unit:u1", "invited_inspector"):
        with pytest.raises(ActionRefused, match="无权"):
            eng.apply(s, E("CI", "inspect", D(2025, 6, 10), actor, {"approved_by": "principal_leader"}))
    # also before assignment (a matter just registered for the 综合督查)
    r = eng.fold([reg("CJ", "decision", D(2025, 6, 3))])
    eng.check_new(r, E("CJ", "inspect", D(2025, 6, 3), "office", {"approved_by": "principal_leader"}))
    with pytest.raises(ActionRefused, match=r"须经区政府主要领导同志批准（三\(一\)）"):
        eng.check_new(r, E("CJ", "inspect", D(2025, 6, 3), "office", {"approved_by": "leader_in_charge"}))


def test_article_3_1_special_inspection_filed_and_approved_by_district_government(pol, eng):
    # 专项督查: 由部门、单位负责，经向区政府报批备案后 — the unit files with the 督查室 (apply), the 区政府 approves
    s = eng.apply(None, E("SP", "apply", D(2025, 3, 3), "unit:u2",
                          {"kind": "plan_item", "title": "安全生产专项督查", "plan_item": "2025年计划第3项"}))
    assert s.state == "applied" and s.events[0].actor == "unit:u2"
    # approved by the 区政府 (or its 主要领导 for it): not by a 分管领导
    with pytest.raises(ActionRefused, match=r"--approved-by leader_in_charge（leader_in_charge）不是区政府（审批督查活动）"
                                             r"或区政府主要领导同志：「区政府审批同意」须经区政府（审批督查活动）或区政府主要领导同志批准"
                                             r"（三\(一\)、四\(一\)）"):
        eng.check_new(s, E("SP", "approve", D(2025, 3, 5), "government", {"approved_by": "leader_in_charge"}))
    for who in ("government", "principal_leader"):
        event = E("SP", "approve", D(2025, 3, 5), who, {"approved_by": who})
        eng.check_new(s, event)
        assert eng.apply(s, event).state == "registered"
    # not approved: the unit does not carry out the 专项督查 (no assignment)
    refused = eng.apply(s, E("SP", "reject", D(2025, 3, 5), "government", {"reason": "与市级督查重复"}))
    assert refused.state == "rejected" and pol.states["rejected"].terminal


def test_article_3_3_invited_inspectors_and_third_party_record_findings(pol, eng):
    s = eng.fold([reg("F1", "decision", D(2025, 6, 3)), assign("F1", D(2025, 6, 3))])
    s = eng.apply(s, E("F1", "finding", D(2025, 6, 5), "invited_inspector",
                       {"text": "现场推进滞后", "by": "区人大代表王某"}))
    s = eng.apply(s, E("F1", "finding", D(2025, 6, 6), "third_party", {"text": "第三方评估：完成率60%"}))
    assert [m.actor for m in s.marks] == ["invited_inspector", "third_party"]
    assert pol.roles["invited_inspector"].scope == "inspector"
    # an inspector records; it does not chase, summarise or close
    for action in ("remind", "review_pass", "close"):
        with pytest.raises(ActionRefused):
            eng.apply(s, E("F1", action, D(2025, 6, 6), "invited_inspector", {"method": "实地督办"}))


# --- 四 严格督查程序 -----------------------------------------------------------------------------


def test_article_4_1_plan_filing_and_approval(pol, eng):
    apply_ = E("A1", "apply", D(2025, 3, 3), "unit:u2", {"kind": "plan_item", "title": "安全生产专项督查"})
    with pytest.raises(ActionRefused, match="缺少年度计划事项"):
        eng.apply(None, apply_)  # not in the annual 督查检查考核计划
    with pytest.raises(ActionRefused, match=r"「提报、备案督查活动」只适用于区级督查检查考核年度计划确定的事项（四\(一\)）"):
        eng.apply(None, E("A0", "apply", D(2025, 3, 3), "unit:u2",
                          {"kind": "decision", "title": "安全生产专项督查", "plan_item": "2025年计划第3项"}))
    s = eng.apply(None, E("A1", "apply", D(2025, 3, 3), "unit:u2",
                          {"kind": "plan_item", "title": "安全生产专项督查", "plan_item": "2025年计划第3项"}))
    assert s.state == "applied"
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("A1", "approve", D(2025, 3, 4), "office", {"approved_by": "x"}))  # the office files, 区政府 approves
    with pytest.raises(ActionRefused, match="审批领导"):
        eng.apply(s, E("A1", "approve", D(2025, 3, 4), "government"))
    s2 = eng.apply(s, E("A1", "approve", D(2025, 3, 5), "government", {"approved_by": "区政府"}))
    assert s2.state == "registered"
    s3 = eng.apply(s2, assign("A1", D(2025, 3, 6), unit="u2", deadline="2025-04-30"))
    assert s3.due.date == D(2025, 4, 30)
    rejected = eng.apply(s, E("A1", "reject", D(2025, 3, 5), "government", {"reason": "与市级督查重复"}))
    assert rejected.state == "rejected"
    with pytest.raises(ActionRefused):
        eng.apply(rejected, assign("A1", D(2025, 3, 6)))
    rule = next(a for a in pol.approvals if a.id == "plan_filing")
    assert rule.filed_with == "区政府督查室" and rule.citation.article == "三(一)、四(一)"


def test_article_4_full_procedure_walk(pol, eng):
    s = eng.fold([
        reg("W1", "decision", D(2025, 9, 29)),
        assign("W1", D(2025, 9, 30)),
        accept("W1", D(2025, 9, 30)),
        E("W1", "remind", D(2025, 10, 9), "office", {"method": "电话催报"}),
        E("W1", "progress", D(2025, 10, 10), "unit:u1", {"text": "已完成70%"}),
        submit("W1", D(2025, 10, 13)),
        E("W1", "review_pass", D(2025, 10, 14), "office"),
        E("W1", "report_up", D(2025, 10, 14), "office"),
        E("W1", "close", D(2025, 10, 15), "office"),
    ])
    assert s.state == "closed" and s.responsible == {"u1": "张三"}
    assert s.submitted_on == D(2025, 10, 13) <= s.due.date == D(2025, 10, 14)
    assert pol.action_name("assign") == "下达（督办单）"
    assert pol.action_name("review_pass") == "梳理汇总"


def test_article_4_2_overdue_escalation_ladder(pol, cal, eng):
    # assigned Tue 9/30/2025, 5 working days (五(一)): 10/9, 10/10, 10/11 (Sat, worked), 10/13, 10/14
    base = [reg("L1", "decision", D(2025, 9, 29)), assign("L1", D(2025, 9, 30)), accept("L1", D(2025, 9, 30))]
    s = eng.fold(base)
    assert s.due.date == D(2025, 10, 14)
    assert evaluate(pol, cal, [s], D(2025, 10, 14)) == []  # due day itself: not overdue
    assert light(pol, cal, s, D(2025, 10, 15)) == "red"
    # Wed 10/15, the first working day after the last day: chase (四(三)), explain (四(二)), 通报 (六(三))
    found = by_rule(pol, cal, [s], D(2025, 10, 15))
    assert list(found) == ["overdue_remind", "overdue_explain", "late_bulletin"]
    assert {f.on for f in found.values()} == {D(2025, 10, 15)}
    assert found["overdue_remind"].proposes == "remind" and found["overdue_remind"].data == {"method": "电话催报"}
    assert found["overdue_explain"].proposes == "overdue_report" and found["overdue_explain"].unit == "u1"
    assert found["late_bulletin"].data == {"type": "criticism"}
    # 1. the unit explains reasons and next steps, saying it cannot solve the problem itself; the office chases
    with pytest.raises(ActionRefused, match="缺少下一步办理意见"):
        eng.apply(s, E("L1", "overdue_report", D(2025, 10, 15), "unit:u1", {"reasons": "资金未到位"}))
    s = eng.apply(s, E("L1", "overdue_report", D(2025, 10, 15), "unit:u1",
                       {"reasons": "资金未到位", "next_steps": "申请调度资金", "needs_coordination": True,
                        "step": "overdue_explain"}))
    s = eng.apply(s, E("L1", "remind", D(2025, 10, 15), "office", {"method": "电话催报", "step": "overdue_remind"}))
    # 及时提报: proposed the day the unit says so
    found = by_rule(pol, cal, [s], D(2025, 10, 15))
    assert list(found) == ["late_bulletin", "coordinate_leader"]
    assert found["coordinate_leader"].proposes == "escalate" and found["coordinate_leader"].data == {"to": "leader_in_charge"}
    assert found["coordinate_leader"].on == D(2025, 10, 15)
    # 2. Thu 10/16: 提报区政府分管领导同志协调; the office bulletins the lateness (《周村督查》通报批评)
    s = eng.apply(s, E("L1", "escalate", D(2025, 10, 16), "unit:u1", {"to": "leader_in_charge", "step": "coordinate_leader"}))
    s = eng.apply(s, E("L1", "bulletin", D(2025, 10, 16), "office", {"type": "criticism", "step": "late_bulletin"}))
    # each leaves the unit 5 working days (coordination_period, bulletin_followup_period): 10/17, 10/20, 10/21,
    # 10/22, 10/23; the chase of 10/15 is due again after 10/16, 10/17, 10/20, 10/21, 10/22
    assert escalations(pol, cal, [s], D(2025, 10, 16)) == []
    assert escalations(pol, cal, [s], D(2025, 10, 22)) == []
    assert escalations(pol, cal, [s], D(2025, 10, 23)) == ["overdue_remind"]
    # Fri 10/24: the periods have run with no result: 仍然解决不了 → 主要领导同志决策; 通报后仍未办理 → 向区领导汇报
    found = by_rule(pol, cal, [s], D(2025, 10, 24))
    assert list(found) == ["overdue_remind", "decide_principal", "bulletin_no_action"]
    assert found["decide_principal"].data == {"to": "principal_leader"} and found["decide_principal"].on == D(2025, 10, 24)
    assert found["bulletin_no_action"].proposes == "report_up" and found["bulletin_no_action"].on == D(2025, 10, 24)
    assert "分管领导协调后办结期限 2025-10-23 已过" in found["decide_principal"].reason
    # 3. the office confirms all three on 10/24
    s = eng.apply(s, E("L1", "remind", D(2025, 10, 24), "office", {"method": "实地督办", "step": "overdue_remind"}))
    s = eng.apply(s, E("L1", "escalate", D(2025, 10, 24), "office", {"to": "principal_leader", "step": "decide_principal"}))
    s = eng.apply(s, E("L1", "report_up", D(2025, 10, 24), "office", {"step": "bulletin_no_action"}))
    assert escalations(pol, cal, [s], D(2025, 10, 24)) == []
    # the result comes Mon 10/27, 9 working days late (10/15 … 10/17, 10/20 … 10/24, 10/27): nothing more to
    # propose (the 通报 was taken), the deduction for the bulletin stays
    s = eng.apply(s, submit("L1", D(2025, 10, 27)))
    assert next(o for o in s.obligations if o.what == "result").late_by == 9
    found = evaluate(pol, cal, [s], D(2025, 10, 28))
    assert [(f.category, f.rule, f.on) for f in found] == [("deduction", "poor_implementation", D(2025, 10, 16))]


def test_article_4_2_coordination_at_once_decision_after_coordination_period(pol, cal, eng):
    # both assigned Tue 9/30/2025, due Tue 10/14 (10/9, 10/10, 10/11 Sat worked, 10/13, 10/14)
    def matter(mid, coordination):
        return eng.fold([reg(mid, "decision", D(2025, 9, 29)), assign(mid, D(2025, 9, 30)), accept(mid, D(2025, 9, 30)),
                         E(mid, "overdue_report", D(2025, 10, 15), "unit:u1",
                           {"reasons": "征地未完成", "next_steps": "请求协调", "needs_coordination": coordination})])

    # 如遇自身无法解决的问题，要及时提报: proposed on Wed 10/15, the day the unit says so; not otherwise
    s = matter("Q2", True)
    found = by_rule(pol, cal, [s], D(2025, 10, 15))
    assert found["coordinate_leader"].on == D(2025, 10, 15) and found["coordinate_leader"].unit == "u1"
    assert "coordinate_leader" not in escalations(pol, cal, [matter("Q3", False)], D(2025, 10, 15))
    # Thu 10/16 提报分管领导协调: coordination_period 5个工作日 = 10/17, 10/20, 10/21, 10/22, 10/23
    s = eng.apply(s, E("Q2", "escalate", D(2025, 10, 16), "unit:u1", {"to": "leader_in_charge", "step": "coordinate_leader"}))
    followup = next(o for o in s.obligations if o.what == "followup")
    assert (followup.starts, followup.due, followup.owed_by) == (D(2025, 10, 16), D(2025, 10, 23), ("u1",))
    for day in workdays(cal, D(2025, 10, 16), D(2025, 10, 23)):  # the same day and the whole period
        assert "decide_principal" not in escalations(pol, cal, [s], day), day
    found = by_rule(pol, cal, [s], D(2025, 10, 24))  # Fri 10/24, the day after the period
    assert found["decide_principal"].on == D(2025, 10, 24) and found["decide_principal"].data == {"to": "principal_leader"}
    assert found["decide_principal"].citation.article == "四(二)"
    # a result within the period (on its last day, Thu 10/23) settles it: nothing to decide
    solved = eng.apply(s, submit("Q2", D(2025, 10, 23)))
    for day in (D(2025, 10, 24), D(2025, 10, 31)):
        assert "decide_principal" not in escalations(pol, cal, [solved], day)
    # 仍然解决不了 is about the present: a result after the period (Mon 10/27, 2 working days late: 10/24, 10/27)
    # answers it — decide_principal, proposed on Fri 10/24, is no longer proposed once the result is in
    late = eng.apply(s, submit("Q2", D(2025, 10, 27)))
    followup = next(o for o in late.obligations if o.what == "followup")
    assert (followup.met_on, followup.late_by) == (D(2025, 10, 27), 2)
    for day in (D(2025, 10, 27), D(2025, 10, 28), D(2025, 11, 28)):
        assert "decide_principal" not in escalations(pol, cal, [late], day), day
    # a deployment's coordination_period: 3个工作日 from 10/16 = 10/17, 10/20, 10/21 → proposed from Wed 10/22
    pol3 = load_policy("zhoucun", {"coordination_period": "3个工作日"})
    eng3 = MatterEngine(pol3, cal)
    s3 = eng3.fold([*s.events])
    assert "decide_principal" not in escalations(pol3, cal, [s3], D(2025, 10, 21))
    assert by_rule(pol3, cal, [s3], D(2025, 10, 22))["decide_principal"].on == D(2025, 10, 22)


def referred(eng, mid):
    """A matter assigned Tue 9/30/2025, due Tue 10/14 (10/9, 10/10, 10/11 Sat worked, 10/13, 10/14): on Wed 10/15 the
    unit explains, says it cannot solve it itself and refers it to the 分管领导 (coordination_period 5个工作日:
    10/16, 10/17, 10/20, 10/21, 10/22)."""
    return eng.fold([reg(mid, "decision", D(2025, 9, 29)), assign(mid, D(2025, 9, 30)), accept(mid, D(2025, 9, 30)),
                     E(mid, "overdue_report", D(2025, 10, 15), "unit:u1",
                       {"reasons": "征地未完成", "next_steps": "请求协调", "needs_coordination": True,
                        "step": "overdue_explain"}),
                     E(mid, "escalate", D(2025, 10, 15), "unit:u1", {"to": "leader_in_charge", "step": "coordinate_leader"})])


def result_owed(state):
    return next(o for o in state.obligations if o.what == "result")


def test_article_4_2_leader_in_charge_records_coordination(pol, cal, eng):
    s = referred(eng, "G1")
    assert s.state == "coordinating" and pol.states["coordinating"].name == "已提报区政府分管领导同志协调"
    followup = next(o for o in s.obligations if o.what == "followup")
    assert (followup.starts, followup.due) == (D(2025, 10, 15), D(2025, 10, 22))
    coordination = {"decision": "由区自然资源局牵头，10月底前完成征地", "resolved": True}
    # the coordination is the 分管领导's own step: neither the unit, the office nor the 主要领导 records it
    for actor, roles in (("unit:u1", "承办单位"), ("office", "区政府督查室"), ("principal_leader", "区政府主要领导同志")):
        with pytest.raises(ActionRefused, match=rf"（{roles}.*）无权「区政府分管领导同志协调」；须由区政府分管领导同志办理（四\(二\)）"):
            eng.apply(s, E("G1", "coordinate", D(2025, 10, 17), actor, coordination))
    with pytest.raises(ActionRefused, match=r"「区政府分管领导同志协调」缺少协调、决策意见（四\(二\)）"):
        eng.apply(s, E("G1", "coordinate", D(2025, 10, 17), "leader_in_charge", {"resolved": True}))
    # Fri 10/17: the 分管领导 coordinates and records that it resolved the problem
    c = eng.apply(s, E("G1", "coordinate", D(2025, 10, 17), "leader_in_charge", coordination))
    assert c.state == "coordinated" and c.events[-1].actor == "leader_in_charge"
    assert c.events[-1].data == coordination
    assert pol.field_names["decision"] == "协调、决策意见" and pol.field_names["resolved"] == "问题已协调解决"
    # the document stops no clock: the result is still owed by Tue 10/14, now 3 working days overdue (10/15 … 10/17)
    assert pol.states["coordinated"].clock_running and c.due.date == D(2025, 10, 14)
    assert result_owed(c).status(D(2025, 10, 17)) == "overdue" and light(pol, cal, c, D(2025, 10, 17)) == "red"
    # resolved: nothing goes to the 主要领导 now, nor while the coordination period runs (to Wed 10/22)
    for day in workdays(cal, D(2025, 10, 17), D(2025, 10, 22)):
        assert not {"decide_principal", "decide_principal_unresolved"} & set(escalations(pol, cal, [c], day)), day
    # the result on Tue 10/21 (5 working days late: 10/15, 10/16, 10/17, 10/20, 10/21) settles it
    done = eng.apply(c, submit("G1", D(2025, 10, 21)))
    assert done.state == "submitted" and result_owed(done).late_by == 5
    assert "decide_principal" not in escalations(pol, cal, [done], D(2025, 10, 23))
    # 仍然解决不了 is about the present: a coordination said to resolve it, and still no result when the period has
    # run — proposed on Thu 10/23, the day after it; from 已协调 the office may refer it on
    found = by_rule(pol, cal, [c], D(2025, 10, 23))
    assert found["decide_principal"].on == D(2025, 10, 23) and "decide_principal_unresolved" not in found
    assert pol.transition("coordinated", "escalate").target == "principal_decision"


def test_article_4_2_principal_leader_only_after_leader_in_charge(pol, cal, eng):
    # never referred: the 主要领导 has nothing to decide
    s = eng.fold([reg("H1", "decision", D(2025, 9, 29)), assign("H1", D(2025, 9, 30)), accept("H1", D(2025, 9, 30))])
    with pytest.raises(ActionRefused, match="「区政府主要领导同志决策」不能在「承接办理中」状态下进行"):
        eng.apply(s, E("H1", "decide", D(2025, 10, 15), "principal_leader", {"decision": "由区财政统筹解决"}))
    # a referral of a matter being handled goes to the 分管领导 (承接办理中 → 已提报区政府分管领导同志协调)
    assert pol.transition("accepted", "escalate").target == "coordinating"
    s = referred(eng, "H2")
    # the 分管领导 has it and has not coordinated yet: the 主要领导 cannot decide, the unit cannot refer it on
    with pytest.raises(ActionRefused, match="「区政府主要领导同志决策」不能在「已提报区政府分管领导同志协调」状态下进行"):
        eng.apply(s, E("H2", "decide", D(2025, 10, 16), "principal_leader", {"decision": "由区财政统筹解决"}))
    with pytest.raises(ActionRefused, match=r"无权「分管领导协调期满仍未办结：提报区政府主要领导同志决策」；"
                                             r"须由区政府督查室办理（四\(二\)）"):
        eng.apply(s, E("H2", "escalate", D(2025, 10, 16), "unit:u1", {"to": "principal_leader"}))
    # no coordination recorded and no result when coordination_period has run (Wed 10/22): on Thu 10/23 the ladder
    # proposes the referral, which the office makes
    for day in workdays(cal, D(2025, 10, 15), D(2025, 10, 22)):
        assert "decide_principal" not in escalations(pol, cal, [s], day), day
    found = by_rule(pol, cal, [s], D(2025, 10, 23))
    assert found["decide_principal"].on == D(2025, 10, 23) and found["decide_principal"].unit == "u1"
    assert (found["decide_principal"].proposes, found["decide_principal"].data) == ("escalate", {"to": "principal_leader"})
    p = eng.apply(s, E("H2", "escalate", D(2025, 10, 23), "office", {"to": "principal_leader", "step": "decide_principal"}))
    assert p.state == "principal_decision"
    # the 分管领导 no longer coordinates it; only the 主要领导 decides
    with pytest.raises(ActionRefused, match="「区政府分管领导同志协调」不能在「已提报区政府主要领导同志决策」状态下进行"):
        eng.apply(p, E("H2", "coordinate", D(2025, 10, 24), "leader_in_charge", {"decision": "x", "resolved": False}))
    d = eng.apply(p, E("H2", "decide", D(2025, 10, 24), "principal_leader", {"decision": "由区财政统筹解决征地资金"}))
    assert d.state == "decided" and escalations(pol, cal, [d], D(2025, 10, 24)) == ["overdue_remind", "late_bulletin"]
    # a new problem after the decision goes to the 分管领导 first again
    assert pol.transition("decided", "escalate").target == "coordinating"


def test_article_4_2_unresolved_coordination_proposes_principal_decision(pol, cal, eng):
    s = referred(eng, "J1")
    assert not {"decide_principal", "decide_principal_unresolved"} & set(escalations(pol, cal, [s], D(2025, 10, 16)))
    # Thu 10/16: the 分管领导 coordinates and records that it did not resolve the problem (仍然解决不了)
    c = eng.apply(s, E("J1", "coordinate", D(2025, 10, 16), "leader_in_charge",
                       {"decision": "涉及跨部门资金，需区政府统筹", "resolved": False}))
    assert c.state == "coordinated"
    # 及时提报: proposed the same day, without waiting for the coordination period (to Wed 10/22)
    found = by_rule(pol, cal, [c], D(2025, 10, 16))
    f = found["decide_principal_unresolved"]
    assert (f.on, f.unit, f.proposes, f.data) == (D(2025, 10, 16), "u1", "escalate", {"to": "principal_leader"})
    assert f.citation.article == "四(二)" and "decide_principal" not in found
    assert "2025-10-16 区政府分管领导同志协调" in f.reason
    # the office confirms it on 10/16: the matter is with the 主要领导; nothing more is proposed for 四(二), also
    # after the coordination period (the referral answers it)
    p = eng.apply(c, E("J1", "escalate", D(2025, 10, 16), "office", {"to": "principal_leader",
                                                                   "step": "decide_principal_unresolved"}))
    assert p.state == "principal_decision" and pol.states["principal_decision"].clock_running
    for day in (D(2025, 10, 16), D(2025, 10, 23), D(2025, 11, 3)):
        assert not {"decide_principal", "decide_principal_unresolved"} & set(escalations(pol, cal, [p], day)), day
    # the decision is the 主要领导's own step (the 区长): not the unit's, the office's or the 分管领导's
    decision = {"decision": "由区财政统筹解决征地资金，10月24日前拨付"}
    for actor in ("unit:u1", "office", "leader_in_charge"):
        with pytest.raises(ActionRefused, match=r"无权「区政府主要领导同志决策」；须由区政府主要领导同志办理（四\(二\)）"):
            eng.apply(p, E("J1", "decide", D(2025, 10, 17), actor, decision))
    with pytest.raises(ActionRefused, match=r"「区政府主要领导同志决策」缺少协调、决策意见（四\(二\)）"):
        eng.apply(p, E("J1", "decide", D(2025, 10, 17), "principal_leader"))
    d = eng.apply(p, E("J1", "decide", D(2025, 10, 17), "principal_leader", decision))
    assert d.state == "decided" and d.events[-1].actor == "principal_leader"
    assert [e.action for e in d.marks if e.action in ("escalate", "coordinate", "decide")] == [
        "escalate", "coordinate", "escalate", "decide"]
    # the clock ran throughout: the result of Tue 10/14 comes Mon 10/20, 4 working days late (10/15, 10/16, 10/17,
    # 10/20)
    assert d.due.date == D(2025, 10, 14) and result_owed(d).status(D(2025, 10, 17)) == "overdue"
    done = eng.apply(d, submit("J1", D(2025, 10, 20)))
    assert done.state == "submitted" and result_owed(done).late_by == 4


def test_article_4_3_chase_methods(pol, eng):
    assert pol.settings["chase_methods"] == ["电话催报", "逐件催办", "实地督办", "暗访核查"]
    s = eng.fold([reg("C1", "decision", D(2025, 6, 3)), assign("C1", D(2025, 6, 3))])
    with pytest.raises(ActionRefused, match="催办方式"):
        eng.apply(s, E("C1", "remind", D(2025, 6, 5), "office"))
    for day, method in zip((5, 6, 9, 10), ("电话催报", "逐件催办", "实地督办", "暗访核查"), strict=True):
        event = E("C1", "remind", D(2025, 6, day), "office", {"method": method})
        eng.check_new(s, event)  # a method the document names: taken
        s = eng.apply(s, event)
    assert [m for _, m in s.reminders] == ["电话催报", "逐件催办", "实地督办", "暗访核查"]
    with pytest.raises(ActionRefused, match=r"「跟踪督办、催办」的催办方式须为电话催报、逐件催办、实地督办、暗访核查之一"
                                             r"（四\(三\)；设置 chase_methods）"):
        eng.check_new(s, E("C1", "remind", D(2025, 6, 10), "office", {"method": "短信提醒"}))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("C1", "remind", D(2025, 6, 10), "unit:u1", {"method": "电话催报"}))


def test_article_4_3_cli_chase_method_must_be_listed(deployment, cal):
    """四(三) 采取电话催报、逐件催办、实地督办、暗访核查等形式: a 催办's method is one of setting chase_methods."""
    invoke, ids = deployment
    mid = handled(invoke, ids)
    for day, method in (("2025-10-09", "电话催报"), ("2025-10-10", "逐件催办"), ("2025-10-11", "实地督办"),
                        ("2025-10-13", "暗访核查")):
        invoke("remind", mid, "--as", ids["office"], "--on", day, "--method", method)
    out = invoke("remind", mid, "--as", ids["office"], "--on", "2025-10-14", "--method", "微信提醒", ok=False)
    assert "--method 微信提醒：「跟踪督办、催办」的" in out
    assert "须为电话催报、逐件催办、实地督办、暗访核查之一（四(三)；设置 chase_methods）" in out
    history = json.loads(invoke("show", mid, "--as-of", "2025-10-14", "--json"))
    assert [e["data"]["method"] for e in history["events"] if e["action"] == "remind"] == [
        "电话催报", "逐件催办", "实地督办", "暗访核查"]
    # "等": a deployment adds its own method to the list
    pol = load_policy("zhoucun", {"chase_methods": ["电话催报", "逐件催办", "实地督办", "暗访核查", "书面催办"]})
    eng = MatterEngine(pol, cal)
    s = eng.fold([reg("C2", "decision", D(2025, 6, 3)), assign("C2", D(2025, 6, 3))])
    eng.check_new(s, E("C2", "remind", D(2025, 6, 5), "office", {"method": "书面催办"}))
    with pytest.raises(ActionRefused, match="须为电话催报、逐件催办、实地督办、暗访核查、书面催办之一"):
        eng.check_new(s, E("C2", "remind", D(2025, 6, 5), "office", {"method": "微信提醒"}))


def test_article_4_3_assignment_without_time_limit_is_refused(pol, cal, eng):
    # 四(三) 督查事项要明确办理时限: a kind without a period of its own is not assigned without its day
    limit = next(t for t in pol.time_limits if t.id == "notice_result")
    assert limit.kinds == ("*",) and limit.citation.article == "四(三)"
    s = eng.fold([reg("M1", "npc_suggestion", D(2025, 9, 29))])
    with pytest.raises(ActionRefused, match=r"缺少办理时限（四\(三\)") as refused:
        eng.apply(s, assign("M1", D(2025, 9, 29)))
    assert "--deadline" in str(refused.value)
    # kinds with a period of their own need none: a decision (五(一)) assigned Tue 9/30/2025 is due in 5
    # working days: 10/9, 10/10, 10/11 (Sat, worked), 10/13, 10/14
    other = eng.fold([reg("M2", "decision", D(2025, 9, 30)), assign("M2", D(2025, 9, 30))])
    assert other.due.date == D(2025, 10, 14) and other.due.rule == "general_result"
    # the day written is Sat 10/4/2025, in the National Day holiday (10/1–10/8): moved to Thu 10/9
    s = eng.apply(s, assign("M1", D(2025, 9, 29), deadline="2025-10-04"))
    assert s.state == "assigned"
    assert s.due.date == D(2025, 10, 9) and s.due.rule == "explicit" and s.due.citation.article == "四(三)"
    moved = [line for line in s.due.explanation if "顺延至10/9" in line]
    assert len(moved) == 1 and moved[0].startswith("10/4 国庆节")
    assert [d.date for d in s.deadlines] == [D(2025, 10, 9)]
    # a day before the assignment is refused
    with pytest.raises(ActionRefused, match=r"before the assignment|早于交办日"):
        eng.apply(eng.fold([reg("M3", "npc_suggestion", D(2025, 9, 29))]),
                  assign("M3", D(2025, 9, 29), deadline="2025-09-26"))


def test_article_4_3_overdue_chased_again_every_chase_every(pol, cal, eng):
    # assigned Tue 9/30/2025, due Tue 10/14 (10/9, 10/10, 10/11 Sat worked, 10/13, 10/14)
    s = eng.fold([reg("R1", "decision", D(2025, 9, 29)), assign("R1", D(2025, 9, 30)), accept("R1", D(2025, 9, 30)),
                  E("R1", "remind", D(2025, 10, 10), "office", {"method": "实地督办"})])  # a chase before the last day

    def chase(state, day):
        return by_rule(pol, cal, [state], day).get("overdue_remind")

    assert chase(s, D(2025, 10, 14)) is None
    found = chase(s, D(2025, 10, 15))  # the 10/10 chase was before the result was overdue: it does not count
    assert (found.on, found.proposes, found.data, found.citation.article) == (
        D(2025, 10, 15), "remind", {"method": "电话催报"}, "四(三)")
    # chased Wed 10/15 (any chase counts, with or without --step): chase_every 5个工作日 runs 10/16, 10/17,
    # 10/20, 10/21, 10/22; proposed again from Thu 10/23
    s = eng.apply(s, E("R1", "remind", D(2025, 10, 15), "office", {"method": "逐件催办"}))
    for day in workdays(cal, D(2025, 10, 15), D(2025, 10, 22)):
        assert chase(s, day) is None, day
    found = chase(s, D(2025, 10, 23))
    assert found.on == D(2025, 10, 23) and "2025-10-15 已催办" in found.reason
    # chased again Thu 10/23: 10/24, 10/27, 10/28, 10/29, 10/30 → proposed from Fri 10/31
    s = eng.apply(s, E("R1", "remind", D(2025, 10, 23), "office", {"method": "电话催报", "step": "overdue_remind"}))
    assert chase(s, D(2025, 10, 30)) is None
    assert chase(s, D(2025, 10, 31)).on == D(2025, 10, 31)
    # the result comes Fri 10/31: a chase asks for a report still owed, none after it
    done = eng.apply(s, submit("R1", D(2025, 10, 31)))
    assert chase(done, D(2025, 11, 14)) is None
    # a deployment's chase_every 3个工作日: chased 10/15 → 10/16, 10/17, 10/20 → proposed from Tue 10/21
    pol3 = load_policy("zhoucun", {"chase_every": "3个工作日"})
    s3 = MatterEngine(pol3, cal).fold([e for e in s.events if e.on <= D(2025, 10, 15)])
    assert "overdue_remind" not in escalations(pol3, cal, [s3], D(2025, 10, 20))
    assert by_rule(pol3, cal, [s3], D(2025, 10, 21))["overdue_remind"].on == D(2025, 10, 21)


def test_article_4_4_feedback_signed_by_leader_in_charge(pol, eng):
    s = eng.fold([reg("S1", "decision", D(2025, 6, 3)), assign("S1", D(2025, 6, 3)), accept("S1", D(2025, 6, 3))])
    with pytest.raises(ActionRefused, match="分管领导阅签"):
        eng.apply(s, E("S1", "submit", D(2025, 6, 6), "unit:u1", {"text": "已办结"}))
    with pytest.raises(ActionRefused, match="不是事项"):
        eng.apply(s, E("S1", "submit", D(2025, 6, 6), "unit:u9", {"leader_signoff": "李副区长"}))
    s = eng.apply(s, submit("S1", D(2025, 6, 6)))
    assert s.state == "submitted"
    assert next(a for a in pol.approvals if a.id == "result_signoff").approver_roles == ("leader_in_charge",)


def test_article_4_4_each_lead_unit_reports_its_result(pol, eng):
    # 承办单位……将办理结果以书面形式报送: every lead unit reports; the matter is 已报送 with the last one
    s = eng.fold([reg("S2", "decision", D(2025, 6, 3)),
                  E("S2", "assign", D(2025, 6, 3), "office", {"lead_units": ["u1", "u2"], "co_units": ["u3"]})])
    s = eng.apply(s, submit("S2", D(2025, 6, 5), unit="u3"))  # a co-unit's report is taken, but does not finish
    assert s.state == "assigned" and s.submitted_by == ()
    s = eng.apply(s, submit("S2", D(2025, 6, 6), unit="u1"))
    assert s.state == "assigned" and s.submitted_by == ("u1",)
    with pytest.raises(ActionRefused, match="不能在"):  # nothing to summarise until u2 has reported
        eng.apply(s, E("S2", "review_pass", D(2025, 6, 6), "office"))
    s = eng.apply(s, submit("S2", D(2025, 6, 9), unit="u2"))
    assert s.state == "submitted" and s.submitted_by == ("u1", "u2")
    t = pol.transition("accepted", "submit")
    assert t.each_lead_unit and not t.lead_only


def test_article_4_4_office_summarises_and_may_bulletin_in_zhoucun_ducha(pol, cal, eng):
    # 区政府督查室对反馈情况进行梳理汇总后，及时向区政府领导汇报，必要时，以《周村督查》方式通报
    s = eng.fold([reg("S3", "decision", D(2025, 9, 29)), assign("S3", D(2025, 9, 30)), accept("S3", D(2025, 9, 30)),
                  submit("S3", D(2025, 10, 13)), E("S3", "review_pass", D(2025, 10, 14), "office")])
    assert s.state == "summarised"
    # the 通报 is the office's: not the unit's, not an invited inspector's
    for actor in ("unit:u1", "invited_inspector"):
        with pytest.raises(ActionRefused, match="无权"):
            eng.apply(s, E("S3", "bulletin", D(2025, 10, 15), actor, {"type": "praise"}))
    s = eng.apply(s, E("S3", "report_up", D(2025, 10, 15), "office", {"form": "督查专报"}))
    s = eng.apply(s, E("S3", "bulletin", D(2025, 10, 16), "office", {"type": "praise", "units": ["u1"]}))
    assert s.state == "reported" and s.marks[-1].action == "bulletin"
    # the result was in on time (due Tue 10/14: 10/9, 10/10, 10/11 Sat worked, 10/13, 10/14): the 通报 asks
    # nothing more of the unit, and is no 通报批评 (no deduction)
    assert [o.what for o in s.obligations] == ["result"] and evaluate(pol, cal, [s], D(2025, 10, 27)) == []
    render = pytest.importorskip("ducha_core.documents.render")
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.model import Unit

    snap = Snapshot.from_events(pol, cal, list(s.events), D(2025, 10, 31), units={"u1": Unit("u1", "区住建局")})
    text = render.render_markdown(snap, "bulletin", "2025-10")
    assert "周村督查" in text and "区住建局：「S3 事项」" in text and "2025年10月16日予以通报表扬" in text


# --- 五 办理时限 ----------------------------------------------------------------------------------


def test_article_5_1_explicit_deadline_first(eng):
    s = eng.fold([reg("X1", "meeting", D(2025, 6, 3)), assign("X1", D(2025, 6, 3), deadline="2025-06-30")])
    assert s.due.date == D(2025, 6, 30) and s.due.rule == "explicit"
    assert s.due.citation.article == "五(一)"


def test_article_5_1_five_working_days_across_national_day(pol, cal, eng):
    d = deadlines_for(pol, "decision", D(2025, 9, 30), cal)
    assert [(x.rule, x.date) for x in d] == [("general_result", D(2025, 10, 14))]  # 10/9, 10/10, 10/11(六), 10/13, 10/14
    s = eng.fold([reg("G1", "document", D(2025, 9, 30)), assign("G1", D(2025, 9, 30))])
    assert s.due.date == D(2025, 10, 14)


def test_article_5_1_five_working_days_across_spring_festival_with_makeup_saturday(pol, cal):
    # 2/13 Fri, 2/14 Sat (调休上班), then 2/24, 2/25, 2/26 after the holiday
    assert deadlines_for(pol, "meeting", D(2026, 2, 12), cal)[0].date == D(2026, 2, 26)
    # 2/25, 2/26, 2/27, 2/28 Sat (调休上班), 3/2
    assert deadlines_for(pol, "instruction", D(2026, 2, 24), cal)[0].date == D(2026, 3, 2)


def test_article_5_2_key_phase_uses_leaders_nodes(pol, cal, eng):
    # 五(二) sets no period of its own: only 四(三)'s limit, whose day the 督办单 names
    assert [(x.rule, x.date) for x in deadlines_for(pol, "key_phase", D(2025, 6, 3), cal)] == [("notice_result", None)]
    # 明确办理时间节点: a key staged task is not assigned without its deadline
    with pytest.raises(ActionRefused, match=r"「下达（督办单）」缺少办理时限（五\(二\)、五\(三\)）"):
        eng.fold([reg("K0", "key_phase", D(2025, 6, 3)), assign("K0", D(2025, 6, 3))])
    other = eng.fold([reg("K9", "decision", D(2025, 6, 3)), assign("K9", D(2025, 6, 3))])  # 五(一) needs none
    assert other.due.date == D(2025, 6, 10)  # 6/4, 6/5, 6/6, 6/9, 6/10
    s = eng.fold([reg("K1", "key_phase", D(2025, 6, 3)), assign("K1", D(2025, 6, 3), deadline="2025-07-15")])
    assert s.due.date == D(2025, 7, 15)


def test_article_5_3_principal_assignment_plan_next_day_and_5_days(pol, cal, eng):
    # assigned Fri 9/26/2025: 次日 9/27 is a Saturday → Sun 9/28 (调休上班); 5日 → 10/1 (holiday) → 10/9
    d = {x.rule: x.date for x in deadlines_for(pol, "principal_assignment", D(2025, 9, 26), cal)}
    assert d == {"principal_result": D(2025, 10, 9), "principal_plan": D(2025, 9, 28)}
    # assigned Fri 2/13/2026: 次日 is Sat 2/14, a working day; 5日 → 2/18 (春节) → 2/24
    d = {x.rule: x.date for x in deadlines_for(pol, "principal_assignment", D(2026, 2, 13), cal)}
    assert d == {"principal_result": D(2026, 2, 24), "principal_plan": D(2026, 2, 14)}
    # an ordinary week: assigned Tue 6/3/2025 → plan 6/4, result 6/8 is a Sunday → Mon 6/9
    s = eng.fold([reg("T1", "principal_assignment", D(2025, 6, 3)), assign("T1", D(2025, 6, 3))])
    assert s.due.date == D(2025, 6, 9) and s.due.rule == "principal_result"
    assert [x.what for x in s.deadlines] == ["result", "plan"]
    # the leader's explicit requirement comes first
    s = eng.fold([reg("T2", "principal_assignment", D(2025, 6, 3)), assign("T2", D(2025, 6, 3), deadline="2025-06-05")])
    assert s.due.date == D(2025, 6, 5)
    assert pol.kinds["principal_assignment"].citation.article == "五(三)"


def test_article_5_3_plan_not_in_next_day_is_chased(pol, cal, eng):
    # assigned Tue 6/3/2025: plan due Wed 6/4, result due Sun 6/8 → Mon 6/9
    s = eng.fold([reg("T4", "principal_assignment", D(2025, 6, 3)), assign("T4", D(2025, 6, 3))])
    assert evaluate(pol, cal, [s], D(2025, 6, 4)) == []
    found = evaluate(pol, cal, [s], D(2025, 6, 5))
    assert [(f.rule, f.proposes, f.unit, f.citation.article) for f in found] == [
        ("plan_late_remind", "remind", "u1", "五(三)、四(三)")]
    chased = eng.apply(s, E("T4", "remind", D(2025, 6, 5), "office", {"method": "电话催报", "step": "plan_late_remind"}))
    assert evaluate(pol, cal, [chased], D(2025, 6, 6)) == []
    planned = eng.apply(s, E("T4", "progress", D(2025, 6, 4), "unit:u1", {"plan": "办理方案"}))
    assert evaluate(pol, cal, [planned], D(2025, 6, 9)) == []
    # the result (due Mon 6/9) still owed on Tue 6/10: chase, explain, 通报 — not the plan's chase any more
    assert escalations(pol, cal, [planned], D(2025, 6, 10)) == ["overdue_remind", "overdue_explain", "late_bulletin"]


def test_article_5_3_working_day_reading_setting(cal):
    pol = load_policy("zhoucun", {"principal_result_period": "5个工作日"})
    d = {x.rule: x.date for x in deadlines_for(pol, "principal_assignment", D(2025, 9, 26), cal)}
    # 9/28 (Sun, worked), 9/29, 9/30, 10/9, 10/10
    assert d["principal_result"] == D(2025, 10, 10)
    limit = next(t for t in load_policy("zhoucun").time_limits if t.id == "principal_result")
    assert "自然日" in limit.reading and limit.setting == "principal_result_period"


def test_article_5_3_duban_dan_and_special_report_templates(pol, cal):
    render = pytest.importorskip("ducha_core.documents.render")
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.model import Unit

    events = [reg("T3", "principal_assignment", D(2025, 6, 3)), assign("T3", D(2025, 6, 3)),
              accept("T3", D(2025, 6, 3)), submit("T3", D(2025, 6, 6)), E("T3", "review_pass", D(2025, 6, 6), "office")]
    snap = Snapshot.from_events(pol, cal, events, D(2025, 6, 6), units={"u1": Unit("u1", "区发改局")})
    # the 《督查专报》 is the report recorded (五(三) 汇总整理后以《督查专报》形式报区委、区政府领导同志参阅)
    with pytest.raises(Exception, match="没有记录向区政府领导汇报（report_up）"):
        render.render_markdown(snap, "special_report", "T3")
    events.append(E("T3", "report_up", D(2025, 6, 6), "office"))
    snap = Snapshot.from_events(pol, cal, events, D(2025, 6, 6), units={"u1": Unit("u1", "区发改局")})
    notice = render.render_markdown(snap, "assignment", "T3")
    assert "督办单" in notice and "区发改局" in notice and "2025年6月9日" in notice and "次日" in notice
    report = render.render_markdown(snap, "special_report", "T3")
    assert "督查专报" in report and "区委、区政府领导同志参阅" in report and "区委、区政府领导同志：" in report
    bulletin = render.render_markdown(snap, "bulletin", "2025-06")
    assert "周村督查" in bulletin


def test_article_5_4_year_round_cycles_and_year_end_report(pol, cal, eng):
    cycles = {c.id: c for c in pol.cycles}
    assert {c.every for c in cycles.values()} == {"week", "month", "quarter", "year"}
    assert all(c.kinds == ("year_round",) for c in cycles.values())
    from ducha_core.periods import resolve

    assert resolve(cycles["monthly_dispatch"].due, D(2026, 2, 3), cal).date == D(2026, 2, 28)  # Sat 调休上班
    assert resolve(cycles["quarterly_dispatch"].due, D(2025, 8, 3), cal).date == D(2025, 9, 30)
    assert resolve(cycles["weekly_dispatch"].due, D(2025, 9, 30), cal).date == D(2025, 10, 9)  # 10/7 holiday
    # the four cycles are alternatives: the assignment names the one the principal leader set
    assert all(c.choice for c in cycles.values())
    registered = eng.fold([reg("Y1", "year_round", D(2025, 3, 10))])
    with pytest.raises(ActionRefused, match=r"须明确调度周期（五\(四\)）"):
        eng.apply(registered, assign("Y1", D(2025, 3, 10)))
    with pytest.raises(ActionRefused, match="调度周期 daily 不是可选周期"):
        eng.apply(registered, assign("Y1", D(2025, 3, 10), cycle="daily"))
    s = eng.apply(registered, assign("Y1", D(2025, 3, 10), cycle="month"))  # week/month/quarter/year name one too
    assert s.due.date == D(2025, 12, 31) and s.due.rule == "year_end_report"
    assert [(x.cycle.id, x.owed_by, x.starts) for x in s.series] == [("monthly_dispatch", ("u1",), D(2025, 3, 10))]
    # assigned Mon 3/10/2025: the March report is due Mon 3/31 (a working day), April's Wed 4/30
    got = [(o.period, o.due) for o in eng.obligations(s, D(2025, 4, 1)) if o.what == "cycle"]
    assert got == [("2025年3月", D(2025, 3, 31)), ("2025年4月", D(2025, 4, 30))]


def test_article_5_4_weekly_cycle_tracked(pol, cal, eng):
    # a year-round task dispatched weekly, assigned Tue 9/30/2025; each week's report is due "一周" from its
    # Monday: week 40 (Mon 9/29) → 10/6, in the holiday (10/1–10/8) → Thu 10/9; week 41 (Mon 10/6) → Mon 10/13
    s = eng.fold([reg("Y2", "year_round", D(2025, 9, 30)), assign("Y2", D(2025, 9, 30), cycle="weekly_dispatch")])
    assert [(x.id, x.owed_by) for x in s.series] == [("cycle:weekly_dispatch:u1", ("u1",))]
    weekly = [o for o in eng.obligations(s, D(2025, 10, 6)) if o.what == "cycle"]
    assert [(o.id, o.period, o.starts, o.due) for o in weekly] == [
        ("cycle:weekly_dispatch:u1:2025-09-29", "2025年第40周", D(2025, 9, 30), D(2025, 10, 9)),
        ("cycle:weekly_dispatch:u1:2025-10-06", "2025年第41周", D(2025, 10, 6), D(2025, 10, 13)),
    ]
    # the result itself: by the last working day of 2025, Wed 12/31
    assert s.due.date == D(2025, 12, 31) and s.due.rule == "year_end_report"
    # a progress report on Fri 10/10 (week 41) meets week 41's report, on time; week 40's stays unreported
    s = eng.apply(s, E("Y2", "progress", D(2025, 10, 10), "unit:u1", {"text": "本周推进情况"}))

    def status(day):
        return {o.period: o.status(day) for o in eng.obligations(s, day) if o.what == "cycle"}

    assert status(D(2025, 10, 10)) == {"2025年第40周": "overdue", "2025年第41周": "met"}
    week41 = next(o for o in eng.obligations(s, D(2025, 10, 10)) if o.period == "2025年第41周")
    assert week41.met_on == D(2025, 10, 10) and week41.late_by == 0
    # the unit owes week 40's report past its day (10/9): red
    assert light(pol, cal, s, D(2025, 10, 10)) == "red"
    # once week 41's report falls due (10/13), week 40's is no longer expected: 未报送
    assert status(D(2025, 10, 13))["2025年第40周"] == "overdue"
    assert status(D(2025, 10, 14)) == {"2025年第40周": "missed", "2025年第41周": "met", "2025年第42周": "open"}


def _dues(policy, cal, start, end):
    return {(o.cycle.id, o.label): o.due for o in occurrences(policy, cal, start, end)}


def test_article_5_4_cycle_due_periods_are_settings(pol, cal):
    assert {c.id: (c.setting, pol.settings[c.setting]) for c in pol.cycles} == {
        "weekly_dispatch": ("weekly_dispatch_due", "一周"),
        "monthly_dispatch": ("monthly_dispatch_due", "每月最后1个工作日"),
        "quarterly_dispatch": ("quarterly_dispatch_due", "每季度末最后1个工作日"),
        "year_end_completion": ("year_end_completion_due", "年底前最后1个工作日"),
    }
    dues = _dues(pol, cal, D(2025, 9, 29), D(2026, 2, 9))
    assert dues[("weekly_dispatch", "2025年第40周")] == D(2025, 10, 9)  # Mon 9/29 + 7 = 10/6, holiday → 10/9
    assert dues[("weekly_dispatch", "2026年第7周")] == D(2026, 2, 24)  # Mon 2/9 + 7 = 2/16, 春节 → 2/24
    assert dues[("monthly_dispatch", "2026年2月")] == D(2026, 2, 28)  # Sat, 调休上班
    assert dues[("quarterly_dispatch", "2025年第4季度")] == D(2025, 12, 31)
    assert dues[("year_end_completion", "2026年")] == D(2026, 12, 31)
    changed = load_policy("zhoucun", {"weekly_dispatch_due": "5个工作日", "monthly_dispatch_due": "5个工作日",
                                      "quarterly_dispatch_due": "10个工作日"})
    dues = _dues(changed, cal, D(2025, 9, 29), D(2026, 2, 9))
    assert dues[("weekly_dispatch", "2025年第40周")] == D(2025, 10, 13)  # 9/30, 10/9, 10/10, 10/11 (Sat), 10/13
    assert dues[("weekly_dispatch", "2026年第7周")] == D(2026, 2, 14)  # 2/10 … 2/13, 2/14 (Sat, worked)
    assert dues[("monthly_dispatch", "2026年2月")] == D(2026, 2, 6)  # from Sun 2/1: 2, 3, 4, 5, 6
    assert dues[("monthly_dispatch", "2025年10月")] == D(2025, 10, 14)
    # from 10/1: 9, 10, 11 (Sat), 13, 14, 15, 16, 17, 20, 21
    assert dues[("quarterly_dispatch", "2025年第4季度")] == D(2025, 10, 21)
    assert dues[("year_end_completion", "2026年")] == D(2026, 12, 31)  # unchanged


# --- 六 工作机制 ----------------------------------------------------------------------------------


def test_article_6_1_unit_roles(pol, eng):
    for role in ("unit_head", "unit_responsible", "unit_leader"):
        assert pol.roles[role].scope == "unit" and pol.roles[role].citation.article == "六(一)"
    s = eng.fold([reg("R1", "decision", D(2025, 6, 3)), assign("R1", D(2025, 6, 3))])
    with pytest.raises(ActionRefused, match="责任人"):
        eng.apply(s, E("R1", "accept", D(2025, 6, 3), "unit:u1"))
    s = eng.apply(s, E("R1", "accept", D(2025, 6, 3), "unit_responsible:u1", {"responsible_person": "王五"}))
    s = eng.apply(s, E("R1", "progress", D(2025, 6, 4), "unit_leader:u1"))
    assert s.responsible == {"u1": "王五"}


def test_article_6_1_unit_head_answers_for_the_unit(pol, cal, eng):
    # 主要负责人是本部门、单位政务督查工作的第一责任人，对本部门、单位政务督查工作负总责: the head may take every step
    # of the unit; the 具体责任人 is named on acceptance
    s = eng.fold([reg("UH", "decision", D(2025, 9, 29)), assign("UH", D(2025, 9, 30))])
    s = eng.apply(s, E("UH", "accept", D(2025, 9, 30), "unit_head:u1", {"responsible_person": "王五"}))
    assert s.state == "accepted" and s.responsible == {"u1": "王五"}
    # due Tue 10/14/2025 (10/9, 10/10, 10/11 Sat worked, 10/13, 10/14): on Wed 10/15 the head explains
    s = eng.apply(s, E("UH", "overdue_report", D(2025, 10, 15), "unit_head:u1",
                       {"reasons": "资金未到位", "next_steps": "10月16日报送", "step": "overdue_explain"}))
    assert "overdue_explain" not in escalations(pol, cal, [s], D(2025, 10, 15))
    # the head of another unit answers for his own unit only
    with pytest.raises(ActionRefused, match="不是事项"):
        eng.apply(s, E("UH", "submit", D(2025, 10, 16), "unit_head:u2", {"leader_signoff": "李副区长"}))
    s = eng.apply(s, E("UH", "submit", D(2025, 10, 16), "unit_head:u1", {"leader_signoff": "李副区长"}))
    assert s.state == "submitted" and s.submitted_by == ("u1",)
    assert result_owed(s).late_by == 2  # 10/15, 10/16


def test_article_6_3_bulletin_and_deduction(pol, cal, eng):
    # assigned Tue 9/30/2025, due Tue 10/14; on Wed 10/15 the result is overdue
    s = eng.fold([reg("B1", "decision", D(2025, 9, 29)), assign("B1", D(2025, 9, 30))])
    assert escalations(pol, cal, [s], D(2025, 10, 15)) == ["overdue_remind", "overdue_explain", "late_bulletin"]
    assert [f.category for f in evaluate(pol, cal, [s], D(2025, 10, 15))] == ["escalation"] * 3
    s = eng.apply(s, E("B1", "bulletin", D(2025, 10, 16), "office", {"type": "criticism", "step": "late_bulletin"}))
    found = evaluate(pol, cal, [s], D(2025, 10, 17))
    ded = [f for f in found if f.category == "deduction"]
    # 计入“落实不力”考核项: on the day of the bulletin, points not set by the document
    assert [(f.rule, f.unit, f.on, f.year, f.data) for f in ded] == [
        ("poor_implementation", "u1", D(2025, 10, 16), 2025, {"points": None, "bonus": False})]
    # the bulletin confirmed late_bulletin; 通报后仍未办理 waits for bulletin_followup_period (5个工作日:
    # 10/17, 10/20, 10/21, 10/22, 10/23) — the chase and the explanation are still called for
    assert escalations(pol, cal, [s], D(2025, 10, 17)) == ["overdue_remind", "overdue_explain"]
    assert "bulletin_no_action" not in escalations(pol, cal, [s], D(2025, 10, 23))
    found = by_rule(pol, cal, [s], D(2025, 10, 24))
    assert found["bulletin_no_action"].proposes == "report_up" and found["bulletin_no_action"].on == D(2025, 10, 24)
    assert found["bulletin_no_action"].citation.article == "六(三)"
    # a progress report is not 办理 in this reading (the 办理结果 is): still called for on 10/24
    progressed = eng.apply(s, E("B1", "progress", D(2025, 10, 20), "unit:u1", {"text": "正在办理"}))
    assert "bulletin_no_action" in escalations(pol, cal, [progressed], D(2025, 10, 24))
    # with the deployment's figure; the unit's result on Tue 10/21, within the period: not 通报后仍未办理
    pol2 = load_policy("zhoucun", {"deduction_points": 2})
    s = eng.apply(s, submit("B1", D(2025, 10, 21)))
    found = evaluate(pol2, cal, [s], D(2025, 10, 24))
    assert [f.data for f in found if f.category == "deduction"] == [{"points": 2, "bonus": False}]
    assert escalations(pol2, cal, [s], D(2025, 10, 24)) == []
    # 通报后仍未办理 is about the present: a result after the period (Fri 10/24, 1 working day late) answers it —
    # bulletin_no_action, due from 10/24, is not proposed once the result is in (nor is anything else)
    late = eng.apply(progressed, submit("B1", D(2025, 10, 24)))
    for day in (D(2025, 10, 24), D(2025, 10, 27), D(2025, 11, 28)):
        assert escalations(pol, cal, [late], day) == [], day
    with pytest.raises(ActionRefused, match="type"):
        eng.apply(s, E("B1", "bulletin", D(2025, 10, 20), "office"))


def test_article_6_3_no_action_after_bulletin_waits_followup_period(cal):
    # the deadline is 12/31, so nothing is overdue; a criticism bulletin Thu 10/9/2025 (工作不力)
    pol = load_policy("zhoucun")
    assert pol.settings["bulletin_followup_period"] == "5个工作日"
    events = [reg("B2", "decision", D(2025, 9, 26)), assign("B2", D(2025, 9, 26), deadline="2025-12-31"),
              E("B2", "bulletin", D(2025, 10, 9), "office", {"type": "criticism", "reason": "工作不力"})]
    s = MatterEngine(pol, cal).fold(events)
    followup = next(o for o in s.obligations if o.what == "followup")
    # 5个工作日 after Thu 10/9: 10/10, 10/11 (Sat, worked), 10/13, 10/14, 10/15
    assert (followup.name, followup.starts, followup.due) == ("通报后办理", D(2025, 10, 9), D(2025, 10, 15))
    for day in workdays(cal, D(2025, 10, 9), D(2025, 10, 15)):
        assert escalations(pol, cal, [s], day) == [], day
    assert escalations(pol, cal, [s], D(2025, 10, 16)) == ["bulletin_no_action"]
    assert by_rule(pol, cal, [s], D(2025, 10, 16))["bulletin_no_action"].on == D(2025, 10, 16)
    # a praise bulletin asks nothing of the unit
    praised = MatterEngine(pol, cal).fold([*events[:2], E("B2", "bulletin", D(2025, 10, 9), "office", {"type": "praise"})])
    assert [o.what for o in praised.obligations] == ["result"]
    assert escalations(pol, cal, [praised], D(2025, 10, 31)) == []
    # a deployment's period, 10个工作日: 10/10, 10/11, 10/13 … 10/17, 10/20, 10/21, 10/22 → from Thu 10/23
    pol10 = load_policy("zhoucun", {"bulletin_followup_period": "10个工作日"})
    s10 = MatterEngine(pol10, cal).fold(events)
    assert escalations(pol10, cal, [s10], D(2025, 10, 22)) == []
    assert escalations(pol10, cal, [s10], D(2025, 10, 23)) == ["bulletin_no_action"]


def test_article_6_3_no_followup_for_a_matter_closed_before_its_bulletin(pol, cal, eng):
    # reported on time (due Tue 10/14), summarised and closed, then criticised Thu 10/16 (未按质量要求完成)
    s = eng.fold([reg("B3", "decision", D(2025, 9, 29)), assign("B3", D(2025, 9, 30)), accept("B3", D(2025, 9, 30)),
                  submit("B3", D(2025, 10, 13)), E("B3", "review_pass", D(2025, 10, 14), "office"),
                  E("B3", "close", D(2025, 10, 15), "office"),
                  E("B3", "bulletin", D(2025, 10, 16), "office", {"type": "criticism", "reason": "未按质量要求完成"})])
    assert s.state == "closed"
    assert [o.what for o in s.obligations] == ["result"]  # no 通报后办理 on a matter that has ended
    for day in (D(2025, 10, 24), D(2025, 11, 28)):  # past any followup period
        found = evaluate(pol, cal, [s], day)
        # the bulletin still counts against the unit (计入“落实不力”考核项), nothing is escalated
        assert [(f.category, f.rule, f.on) for f in found] == [("deduction", "poor_implementation", D(2025, 10, 16))]


def test_article_6_3_deduction_per_bulletin(cal):
    # 每次通报批评计一次: u1 criticised twice on D1 (Thu 10/16, Mon 11/3/2025) and once on D2 (Mon 12/1), praised
    # on D2 (Tue 12/2), criticised on D2 again Mon 1/5/2026 (the next assessment year); u2 once on D3 (Wed 12/31)
    from ducha_core.assessment import assess

    pol = load_policy("zhoucun", {"deduction_points": 2})
    eng = MatterEngine(pol, cal)

    def bulletin(mid, on, type_="criticism", unit=None):
        return E(mid, "bulletin", on, "office", {"type": type_, **({"units": [unit]} if unit else {})})

    states = [
        eng.fold([reg("D1", "decision", D(2025, 9, 29)), assign("D1", D(2025, 9, 30), deadline="2026-03-31"),
                  bulletin("D1", D(2025, 10, 16)), bulletin("D1", D(2025, 11, 3))]),
        eng.fold([reg("D2", "decision", D(2025, 9, 29)),
                  E("D2", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1", "u2"], "deadline": "2026-03-31"}),
                  bulletin("D2", D(2025, 12, 1), unit="u1"), bulletin("D2", D(2025, 12, 2), "praise", unit="u1"),
                  bulletin("D2", D(2026, 1, 5), unit="u1")]),
        eng.fold([reg("D3", "decision", D(2025, 9, 29)), assign("D3", D(2025, 9, 30), unit="u2", deadline="2026-03-31"),
                  bulletin("D3", D(2025, 12, 31))]),
    ]

    def deductions(as_of, year=None):
        return [(f.unit, f.matter, f.on, f.data["points"]) for f in evaluate(pol, cal, states, as_of, year=year)
                if f.category == "deduction"]

    year2025 = [("u1", "D1", D(2025, 10, 16), 2), ("u1", "D1", D(2025, 11, 3), 2), ("u1", "D2", D(2025, 12, 1), 2),
                ("u2", "D3", D(2025, 12, 31), 2)]
    assert deductions(D(2025, 12, 31)) == year2025
    assert deductions(D(2026, 1, 6), year=2025) == year2025  # the year, evaluated after it ended
    assert deductions(D(2026, 1, 6)) == [("u1", "D2", D(2026, 1, 5), 2)]
    summary = {a.unit: a for a in assess(pol, cal, states, 2025, D(2026, 1, 6))}
    assert (summary["u1"].counts["criticism"], summary["u1"].counts["praise"]) == (3, 1)
    assert [(p.rule, p.count, p.points, p.total) for p in summary["u1"].points] == [("poor_implementation", 3, 2, 6.0)]
    assert summary["u1"].total(False) == 6.0 and summary["u2"].total(False) == 2.0


def test_article_6_3_late_result_still_calls_for_bulletin(pol, cal, eng):
    # due Tue 10/14/2025; the result comes Thu 10/16, 2 working days late (10/15, 10/16)
    base = [reg("LB", "decision", D(2025, 9, 29)), assign("LB", D(2025, 9, 30)), accept("LB", D(2025, 9, 30))]
    s = eng.fold([*base, submit("LB", D(2025, 10, 16))])
    assert s.state == "submitted"
    result = next(o for o in s.obligations if o.what == "result")
    assert (result.status(D(2025, 10, 17)), result.late_by) == ("late", 2)
    # 未按规定时限报送 stays a fact once the report came: the 通报 is still called for (not the chase or the
    # explanation, which ask for a report still owed), dated the first day of lateness
    found = evaluate(pol, cal, [s], D(2025, 10, 17))
    assert [(f.rule, f.proposes, f.data, f.on, f.unit) for f in found] == [
        ("late_bulletin", "bulletin", {"type": "criticism"}, D(2025, 10, 15), "u1")]
    assert found[0].reason == "办结并报告办理情况（2025-10-14）逾期2个工作日"
    assert escalations(pol, cal, [s], D(2025, 11, 28)) == ["late_bulletin"]  # until the office acts
    # a criticism bulletin before the lateness (Mon 10/13, 工作不力) does not answer it
    early = eng.fold([*base, E("LB", "bulletin", D(2025, 10, 13), "office", {"type": "criticism"}),
                      submit("LB", D(2025, 10, 16))])
    assert "late_bulletin" in escalations(pol, cal, [early], D(2025, 10, 17))
    # the office's 通报 on Fri 10/17 answers it (and counts as a deduction); so would its dismissal
    bulletined = eng.apply(s, E("LB", "bulletin", D(2025, 10, 17), "office", {"type": "criticism", "step": "late_bulletin"}))
    assert [(f.category, f.rule) for f in evaluate(pol, cal, [bulletined], D(2025, 10, 17))] == [
        ("deduction", "poor_implementation")]
    dismissed = eng.apply(s, E("LB", "dismiss", D(2025, 10, 17), "office", {"reason": "已另行处理", "step": "late_bulletin"}))
    assert evaluate(pol, cal, [dismissed], D(2025, 10, 17)) == []
    # the lateness outlives the matter: reviewed Mon 10/20 and closed Tue 10/21, late_bulletin is still proposed
    # (dated 10/15) until the office bulletins or dismisses it; nothing else comes back
    closed = eng.apply(eng.apply(s, E("LB", "review_pass", D(2025, 10, 20), "office")),
                       E("LB", "close", D(2025, 10, 21), "office"))
    assert pol.states[closed.state].done
    for day in (D(2025, 10, 21), D(2025, 11, 28)):
        assert [(f.rule, f.on) for f in evaluate(pol, cal, [closed], day)] == [("late_bulletin", D(2025, 10, 15))]
    # the 通报 of a closed matter records the bulletin only (no 通报后办理), answers it and counts
    closed = eng.apply(closed, E("LB", "bulletin", D(2025, 10, 22), "office", {"type": "criticism", "step": "late_bulletin"}))
    assert [o.what for o in closed.obligations] == ["result"]
    assert [(f.category, f.rule, f.on) for f in evaluate(pol, cal, [closed], D(2025, 11, 28))] == [
        ("deduction", "poor_implementation", D(2025, 10, 22))]
    # a result on its last day (Tue 10/14) is on time: nothing
    assert evaluate(pol, cal, [eng.fold([*base, submit("LB", D(2025, 10, 14))])], D(2025, 10, 17)) == []


def test_article_6_3_bulletin_after_the_result_is_in_asks_nothing_more(pol, cal, eng):
    # the late result of Thu 10/16/2025 (due 10/14) is bulletined Fri 10/17, as late_bulletin proposes; the
    # unit has 办理'd already and cannot submit again (submitted): the bulletin creates no 通报后办理, so 通报后
    # 仍未办理 is never a fact — not after bulletin_followup_period (10/20 … 10/24) on Mon 10/27, nor later
    s = eng.fold([reg("LC", "decision", D(2025, 9, 29)), assign("LC", D(2025, 9, 30)), accept("LC", D(2025, 9, 30)),
                  submit("LC", D(2025, 10, 16)),
                  E("LC", "bulletin", D(2025, 10, 17), "office", {"type": "criticism", "step": "late_bulletin"})])
    assert s.state == "submitted"
    assert [o.what for o in s.obligations] == ["result"]
    for day in (D(2025, 10, 17), D(2025, 10, 27), D(2025, 11, 28)):
        assert escalations(pol, cal, [s], day) == [], day
    # the bulletin still counts (落实不力), on its day
    assert [(f.category, f.rule, f.on) for f in evaluate(pol, cal, [s], D(2025, 10, 27))] == [
        ("deduction", "poor_implementation", D(2025, 10, 17))]


# --- refusals ------------------------------------------------------------------------------------


def test_refusals_wrong_role_wrong_state(eng):
    s = eng.fold([reg("Z1", "decision", D(2025, 6, 3))])
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("Z1", "assign", D(2025, 6, 3), "unit:u1", {"lead_units": ["u1"]}))
    with pytest.raises(ActionRefused, match="不能在"):
        eng.apply(s, E("Z1", "submit", D(2025, 6, 3), "unit:u1", {"leader_signoff": "x"}))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(None, E("Z2", "register", D(2025, 6, 3), "unit:u1", {"kind": "decision", "title": "x"}))


def test_no_extension_procedure(eng):
    # the document provides no 延期: 四(二) asks for reasons and next steps instead
    s = eng.fold([reg("Q1", "decision", D(2025, 6, 3)), assign("Q1", D(2025, 6, 3))])
    with pytest.raises(ActionRefused, match=r"extension_ask|未规定延期程序"):
        eng.apply(s, E("Q1", "extension_ask", D(2025, 6, 5), "unit:u1", {"reasons": "x", "progress": "y"}))


# --- traceability and CLI ------------------------------------------------------------------------


def test_articles_traceability(pol):
    report = coverage(pol)
    assert report["unknown_rules"] == []
    ids = [a.id for a in pol.articles]
    for art in ("一(一)", "一(六)", "二(四)", "三(四)", "四(一)", "四(四)", "五(三)", "五(四)", "六(三)", "七(二)"):
        assert art in ids
    assert len(ids) == len(set(ids))
    here = sys.modules[__name__]
    for article in pol.articles:
        if article.operational:
            assert article.rules and article.tests, article.id
        else:
            assert article.reason, article.id
        for node in article.tests:
            path, _, name = node.partition("::")
            assert path == TEST_FILE and callable(getattr(here, name, None)), node


def test_articles_enforced_and_tested(pol):
    """The honest figure (issue 11): every operational article's rules exist, are read and reachable from the
    CLI, and removing any of them makes one of the article's own tests fail (the knock-out check)."""
    import os

    from ducha_core.knockout import RUNNING_ENV, run
    from ducha_core.traceability import not_enforced, report, settings_read

    assert set(settings_read(pol)) >= set(pol.setting_defs)  # no setting nothing reads
    static = report(pol)
    assert static["errors"] == [] and not_enforced(static) == []
    assert static["statically_clear"] == static["operational"] == 21
    if os.environ.get(RUNNING_ENV):
        pytest.skip("剔除检验会话之内不再运行剔除检验")
    rep = report(pol, run("zhoucun"))
    assert not_enforced(rep) == []
    assert (rep["enforced_and_tested"], rep["operational"], rep["coverage"]) == (21, 21, 1.0)


def _ducha(*args):
    exe = Path(sys.executable).with_name("ducha")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from ducha_core.cli import main; main()"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)


def test_cli_deadline_and_articles():
    out = _ducha("deadline", "--jurisdiction", "zhoucun", "--kind", "principal_assignment", "--from", "2025-09-30", "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert [(d["rule"], d["date"]) for d in record["deadlines"]] == [
        ("principal_result", "2025-10-09"), ("principal_plan", "2025-10-09")]
    out = _ducha("articles", "zhoucun")
    assert out.returncode == 0, out.stderr
    # without --check: the static findings only, and that the knock-out was not run
    assert "五(三)" in out.stdout and "可操作条款 21 条；静态检查无问题 21 条" in out.stdout
    assert "未运行剔除检验" in out.stdout and "未达到" not in out.stdout


CONFIG = """
jurisdiction = "zhoucun"
database = "ducha.sqlite3"
[settings]
deduction_points = 2
[[unit]]
id = "u1"
name = "区住建局"
[[person]]
id = "duchashi"
name = "区政府督查室工作人员"
roles = ["office"]
[[person]]
id = "u1_staff"
name = "住建局责任人"
roles = ["unit"]
unit = "u1"
[[person]]
id = "lingdao"
roles = ["leader_in_charge"]
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    """``ducha`` in a temporary 周村区 deployment (CliRunner)."""
    from click.testing import CliRunner

    from ducha_core.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "zhoucun"]).exit_code == 0  # creates the database ducha.toml names

    def invoke(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_article_4_2_and_6_3_cli_due_proposes_and_confirms(run):
    def due(day):
        found = json.loads(run("due", "--as-of", day, "--json"))["findings"]
        return {f["rule"]: f for f in found if f["category"] == "escalation"}

    def confirm(finding):  # the command `ducha due` prints, run as printed
        args = shlex.split(finding["confirm"])
        assert args[0] == "ducha"
        return run(*args[1:])

    mid = run("register", "--as", "duchashi", "--on", "2025-09-29", "--kind", "decision", "--title", "道路改造").split()[0]
    # assigned Tue 9/30/2025: 10/9, 10/10, 10/11 (Sat, worked), 10/13, 10/14
    assert "期限 2025-10-14（办结并报告办理情况，五(一)）" in run("assign", mid, "--as", "duchashi", "--on", "2025-09-30",
                                                         "--lead", "u1")
    run("accept", mid, "--as", "u1_staff", "--on", "2025-09-30")
    assert due("2025-10-14") == {}
    found = due("2025-10-15")
    assert list(found) == ["overdue_remind", "overdue_explain", "late_bulletin"]
    assert found["late_bulletin"]["confirm"] == (
        f"ducha bulletin {mid} --type criticism --unit u1 --as duchashi --on 2025-10-15 --step late_bulletin")
    # the unit explains and says it cannot solve it itself: 及时提报分管领导协调, proposed the same day
    run("step", "overdue_report", mid, "--as", "u1_staff", "--on", "2025-10-15", "--reasons", "资金未到位",
        "--next-steps", "申请调度资金", "--needs-coordination", "--step", "overdue_explain")
    found = due("2025-10-15")
    assert list(found) == ["overdue_remind", "late_bulletin", "coordinate_leader"]
    assert found["coordinate_leader"]["confirm"] == (
        f"ducha escalate {mid} --to leader_in_charge --unit u1 --as u1_staff --on 2025-10-15 --step coordinate_leader")
    for rule in ("overdue_remind", "late_bulletin", "coordinate_leader"):
        confirm(found[rule])
    # all Wed 10/15: the chase is due again, and the coordination and bulletin periods end, after 5 working
    # days: 10/16, 10/17, 10/20, 10/21, 10/22
    assert due("2025-10-15") == {}
    assert due("2025-10-22") == {}
    found = due("2025-10-23")
    assert list(found) == ["overdue_remind", "decide_principal", "bulletin_no_action"]
    assert {f["on"] for f in found.values()} == {"2025-10-23"}
    assert found["decide_principal"]["confirm"] == (
        f"ducha escalate {mid} --to principal_leader --unit u1 --as duchashi --on 2025-10-23 --step decide_principal")
    for finding in found.values():
        confirm(finding)
    assert due("2025-10-23") == {}
    # the result Fri 10/24 (8 working days late: 10/15 … 10/17, 10/20 … 10/24): nothing more is called for
    run("submit", mid, "--as", "u1_staff", "--on", "2025-10-24", "--leader-signoff", "lingdao")
    assert due("2025-10-27") == {}
    (u1,) = json.loads(run("assessment", "--year", "2025", "--as-of", "2026-01-05", "--json"))["units"]
    assert (u1["unit"], u1["criticism"], u1["deduction_total"]) == ("u1", 1, 2.0)
    # one late report: the result, 8 working days late. The waiting periods the rules made (分管领导协调后办结 and
    # 通报后办理, both due 10/22, met by the same result 2 working days late: 10/23, 10/24) are not reports the unit
    # owed by a date: not counted (else 3 late, 12 working days)
    assert (u1["late"], u1["late_days"], u1["unmet"]) == (1, 8, 0)
    assert [(d["rule"], d["count"], d["points"]) for d in u1["deductions"]] == [("poor_implementation", 1, 2)]


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A 周村区 deployment written by `ducha init --jurisdiction zhoucun`, plus a 区长 (principal_leader):
    ``invoke(*args, ok=True)`` runs ``ducha`` (CliRunner) and checks it succeeded (or, ``ok=False``, was
    refused); ``ids`` names a person of each role the 四(二) steps need."""
    from click.testing import CliRunner

    from ducha_core.cli import main
    from ducha_core.config import load_config

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--jurisdiction", "zhoucun"]).exit_code == 0
    people = load_config("ducha.toml").people

    def holder(role):
        return next(p.id for p in sorted(people.values(), key=lambda p: p.id) if role in p.roles
                    and p.unit in (None, "u1"))

    # the 区长 (`ducha init` writes no 主要领导): added as the deployment would
    with open("ducha.toml", "a", encoding="utf-8") as f:
        f.write('\n[[person]]\nid = "zc_quzhang"\nname = "区长"\nroles = ["principal_leader"]\ntitle = "区政府主要领导同志"\n')

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    ids = {"office": holder("office"), "unit": holder("unit"), "leader_in_charge": holder("leader_in_charge"),
           "principal_leader": "zc_quzhang"}
    return invoke, ids


def handled(invoke, ids):
    """A matter registered Mon 9/29/2025, assigned to u1 and accepted Tue 9/30 (due Tue 10/14: 10/9, 10/10, 10/11 Sat
    worked, 10/13, 10/14); its id."""
    mid = invoke("register", "--as", ids["office"], "--on", "2025-09-29", "--kind", "decision", "--title", "征地拆迁").split()[0]
    invoke("assign", mid, "--as", ids["office"], "--on", "2025-09-30", "--lead", "u1")
    invoke("accept", mid, "--as", ids["unit"], "--on", "2025-09-30")
    return mid


def test_article_4_2_referral_straight_to_principal_is_refused(deployment):
    invoke, ids = deployment
    mid = handled(invoke, ids)
    out = invoke("escalate", mid, "--to", "principal_leader", "--as", ids["office"], "--on", "2025-10-15", ok=False)
    assert "四(二)" in out and "leader_in_charge" in out  # a first referral goes to the 分管领导


def test_article_4_2_cli_leaders_coordinate_and_decide(deployment):
    """四(二) through the CLI: the unit refers, the 分管领导 coordinates, the office refers on, the 区长 decides."""
    invoke, ids = deployment
    office, staff, fenguan = ids["office"], ids["unit"], ids["leader_in_charge"]

    def due(day):
        found = json.loads(invoke("due", "--as-of", day, "--json"))["findings"]
        return {f["rule"]: f for f in found if f["category"] == "escalation"}

    def confirm(finding):  # the command `ducha due` prints, run as printed
        args = shlex.split(finding["confirm"])
        assert args[0] == "ducha"
        return invoke(*args[1:])

    mid = handled(invoke, ids)
    # Wed 10/15: the unit explains and cannot solve it itself; the referral to the 分管领导 is proposed and made
    invoke("step", "overdue_report", mid, "--as", staff, "--on", "2025-10-15", "--reasons", "征地未完成",
           "--next-steps", "请求协调", "--needs-coordination", "--step", "overdue_explain")
    out = confirm(due("2025-10-15")["coordinate_leader"])
    assert "→ 已提报区政府分管领导同志协调" in out and "期限 2025-10-22（分管领导协调后办结，四(二)）" in out
    # the unit and the office cannot record the 分管领导's coordination
    for actor in (staff, office):
        out = invoke("step", "coordinate", mid, "--as", actor, "--on", "2025-10-16", "--decision", "x",
                     "--resolved", "no", ok=False)
        assert "无权「区政府分管领导同志协调」；须由区政府分管领导同志办理（四(二)）" in out
    # nor refer it to the 主要领导 before the 分管领导 has coordinated (the office does, when the ladder proposes it)
    out = invoke("escalate", mid, "--to", "principal_leader", "--as", staff, "--on", "2025-10-16", ok=False)
    assert "须由区政府督查室办理（四(二)）" in out
    # Thu 10/16: the 分管领导 coordinates: not resolved
    out = invoke("step", "coordinate", mid, "--as", fenguan, "--on", "2025-10-16", "--decision", "涉及跨部门资金，需区政府统筹",
                 "--resolved", "no")
    assert "区政府分管领导同志协调 → 区政府分管领导同志已协调（继续办理）" in out
    found = due("2025-10-16")
    assert found["decide_principal_unresolved"]["confirm"] == (
        f"ducha escalate {mid} --to principal_leader --unit u1 --as {office} --on 2025-10-16"
        " --step decide_principal_unresolved")
    assert "→ 已提报区政府主要领导同志决策" in confirm(found["decide_principal_unresolved"])
    assert not {"decide_principal", "decide_principal_unresolved"} & set(due("2025-10-16"))
    # the decision: the 区长 only
    for actor in (staff, office, fenguan):
        out = invoke("step", "decide", mid, "--as", actor, "--on", "2025-10-17", "--decision", "由区财政统筹", ok=False)
        assert "无权「区政府主要领导同志决策」；须由区政府主要领导同志办理（四(二)）" in out
    out = invoke("step", "decide", mid, "--as", ids["principal_leader"], "--on", "2025-10-17", "--decision",
                 "由区财政统筹解决征地资金")
    assert "区政府主要领导同志决策 → 区政府主要领导同志已决策（继续办理）" in out
    history = json.loads(invoke("show", mid, "--as-of", "2025-10-17", "--json"))
    steps = [(e["action"], e["actor"]) for e in history["events"] if e["action"] in ("escalate", "coordinate", "decide")]
    assert steps == [("escalate", staff), ("coordinate", fenguan), ("escalate", office), ("decide", ids["principal_leader"])]
    # the result Mon 10/20 (the clock ran throughout: 4 working days late, 10/15, 10/16, 10/17, 10/20)
    invoke("submit", mid, "--as", staff, "--on", "2025-10-20", "--leader-signoff", fenguan)
    record = json.loads(invoke("show", mid, "--as-of", "2025-10-20", "--json"))
    result = next(o for o in record["obligations"] if o["what"] == "result")
    assert (result["due"], result["met_on"], result["late_by"]) == ("2025-10-14", "2025-10-20", 4)
    followup = next(o for o in record["obligations"] if o["what"] == "followup")
    assert (followup["due"], followup["met_on"]) == ("2025-10-22", "2025-10-16")  # answered by the referral onward
    assert not {"decide_principal", "decide_principal_unresolved"} & set(due("2025-10-27"))


def test_article_3_1_cli_comprehensive_and_special_inspection(deployment):
    """三(一) through the CLI: a 综合督查 names the authorising 区长; a unit's 专项督查 is filed and approved by the 区政府."""
    invoke, ids = deployment
    office, staff, fenguan, quzhang = ids["office"], ids["unit"], ids["leader_in_charge"], ids["principal_leader"]
    mid = handled(invoke, ids)
    out = invoke("step", "inspect", mid, "--as", office, "--on", "2025-10-09", ok=False)
    assert "「组织综合督查（经区政府主要领导同志授权）」须经区政府主要领导同志批准（三(一)）；请加上 --approved-by 人员id" in out
    out = invoke("step", "inspect", mid, "--as", office, "--on", "2025-10-09", "--approved-by", fenguan, ok=False)
    assert "不是区政府主要领导同志：「组织综合督查（经区政府主要领导同志授权）」须经区政府主要领导同志批准（三(一)）" in out
    invoke("step", "inspect", mid, "--as", office, "--on", "2025-10-09", "--approved-by", quzhang)
    history = json.loads(invoke("show", mid, "--as-of", "2025-10-09", "--json"))
    (inspect,) = [e for e in history["events"] if e["action"] == "inspect"]
    assert (inspect["actor"], inspect["data"]["approved_by"]) == (office, quzhang)
    # 专项督查: the unit files it (提报、备案) with the 督查室; a 分管领导 cannot approve it for the 区政府
    sp = invoke("apply", "--as", staff, "--on", "2025-03-03", "--kind", "plan_item", "--title", "安全生产专项督查",
                "--plan-item", "2025年计划第3项").split()[0]
    out = invoke("approve", sp, "--as", quzhang, "--on", "2025-03-05", "--approved-by", fenguan, ok=False)
    assert "须经区政府（审批督查活动）或区政府主要领导同志批准（三(一)、四(一)）" in out
    assert "→ 已立项" in invoke("approve", sp, "--as", quzhang, "--on", "2025-03-05")
