"""鄂尔多斯市人民政府督查工作制度（鄂府办发〔2018〕36号）: scenario tests, one or more per article.

Dates are checked by hand against the State Council holiday notices:
- 2025 National Day + Mid-Autumn: 10/1–10/8 off, Sun 9/28 and Sat 10/11 worked.
- 2025 Spring Festival: 1/28–2/4 off, Sun 1/26 and Sat 2/8 worked.
- 2025 Dragon Boat: 5/31–6/2 off.
- 2026 Spring Festival: 2/15–2/23 off, Sat 2/14 and Sat 2/28 worked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core import knockout
from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main as cli
from ducha_core.documents.render import render_markdown
from ducha_core.documents.snapshot import Snapshot
from ducha_core.errors import ActionRefused
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.knockout import RUNNING_ENV
from ducha_core.matter import MatterEngine, light
from ducha_core.model import Unit
from ducha_core.policy import load_policy
from ducha_core.traceability import not_enforced, report, settings_read

ID = "ordos"
PLUGIN_DIR = Path(__file__).resolve().parents[1]
CAL = WorkingCalendar.default()
POL = load_policy(ID)
ENG = MatterEngine(POL, CAL)
REPORT = {"head_signoff": "王局长", "seal": True}
PLAN = "督促检查方案：分三步推进，10月底前完成"


def reg(mid: str, on: D, kind: str = "instruction", **data) -> E:
    return E(mid, "register", on, "office", {"kind": kind, "title": f"事项{mid}", **data})


def assign(mid: str, on: D, lead=("u1",), co=(), **data) -> E:
    return E(mid, "assign", on, "office", {"lead_units": list(lead), "co_units": list(co), "plan": PLAN, **data})


def fold(*events: E):
    return ENG.fold(events)


def _proposals(states, as_of):
    return sorted((f.rule, f.unit, f.matter) for f in evaluate(POL, CAL, states, as_of) if f.category == "escalation")


# --- 第十一条: the procedure -------------------------------------------------------------------------


def test_article_11_procedure_register_plan_assign_track_report_close_archive():
    events = [
        reg("M1", D(2025, 3, 3)),
        assign("M1", D(2025, 3, 3)),
        E("M1", "accept", D(2025, 3, 4), "unit:u1", {"responsible_person": "李四"}),
        E("M1", "remind", D(2025, 3, 10), "office", {"method": "现场查访"}),
        E("M1", "progress", D(2025, 3, 12), "unit:u1"),
        E("M1", "report_up", D(2025, 3, 13), "office", {"to": "市人民政府"}),
        E("M1", "submit", D(2025, 3, 20), "unit_head:u1", REPORT),
        E("M1", "review_pass", D(2025, 3, 21), "office"),
        E("M1", "close", D(2025, 3, 24), "office"),
        E("M1", "archive", D(2025, 3, 25), "office"),
    ]
    seen, state = [], None
    for event in events:
        state = ENG.apply(state, event)
        seen.append(state.state)
    assert seen == ["registered", "assigned", "accepted", "accepted", "accepted", "accepted", "submitted", "passed",
                    "closed", "archived"]
    assert state.due.date == D(2025, 3, 24)  # 3/3 + 15 working days
    assert [POL.action_name(a) for a in ("register", "assign", "remind", "close", "archive")] == [
        "立项登记、备案", "拟定方案、分解任务、设定时限、落实承办单位", "跟踪督办", "办结登记", "组卷移交档案部门"]
    assert POL.states["archived"].terminal and POL.states["archived"].name == "已组卷移交档案部门"


def test_article_11_assignment_needs_a_supervision_plan():
    state = fold(reg("M2", D(2025, 3, 3)))
    with pytest.raises(ActionRefused, match="缺少督促检查方案（第十一条）"):
        ENG.apply(state, E("M2", "assign", D(2025, 3, 3), "office", {"lead_units": ["u1"]}))
    assert ENG.apply(state, assign("M2", D(2025, 3, 3))).state == "assigned"


def test_article_11_wrong_state_and_role_refused():
    state = fold(reg("M3", D(2025, 3, 3)))
    with pytest.raises(ActionRefused, match="不能在「已立项登记、备案」状态下进行"):
        ENG.apply(state, E("M3", "submit", D(2025, 3, 4), "unit:u1", REPORT))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(state, E("M3", "assign", D(2025, 3, 3), "unit:u1", {"lead_units": ["u1"], "plan": PLAN}))
    state = ENG.apply(state, assign("M3", D(2025, 3, 3)))
    with pytest.raises(ActionRefused, match="不能在"):
        ENG.apply(state, E("M3", "close", D(2025, 3, 4), "office"))
    with pytest.raises(ActionRefused, match="无权「跟踪督办」"):
        ENG.apply(state, E("M3", "remind", D(2025, 3, 4), "unit:u1", {"method": "听取汇报"}))
    with pytest.raises(ActionRefused, match="催办方式"):
        ENG.apply(state, E("M3", "remind", D(2025, 3, 4), "office"))


# --- 第六条 the 办公厅 as the competent department ----------------------------------------------------


def test_article_6_general_office_takes_the_supervising_steps():
    # 第六条 主管部门, 第八条 督查室 works under the 办公厅's direct leadership: a person of the 办公厅 alone
    # (role general_office) takes the supervising body's steps. Registered and assigned Mon 2025-03-03:
    # 15 working days → 3/4, 5, 6, 7, 10 … 14, 17 … 21, 24 → Mon 3/24
    gen = "general_office"
    assert POL.roles[gen].scope == "office" and POL.roles[gen].citation.article == "第六条"
    events = [
        E("G6", "register", D(2025, 3, 3), gen, {"kind": "meeting", "title": "常务会议议定事项"}),
        E("G6", "assign", D(2025, 3, 3), gen, {"lead_units": ["u1"], "plan": PLAN}),
        E("G6", "remind", D(2025, 3, 10), gen, {"method": "列席会议"}),
        E("G6", "submit", D(2025, 3, 20), "unit_head:u1", REPORT),
        E("G6", "review_return", D(2025, 3, 21), gen, {"reason": "未分析存在的问题", "deadline": "2025-03-28"}),
        E("G6", "submit", D(2025, 3, 27), "unit:u1", REPORT),
        E("G6", "review_pass", D(2025, 3, 28), gen),
        E("G6", "report_up", D(2025, 3, 28), gen, {"to": "市人民政府"}),
        E("G6", "close", D(2025, 3, 31), gen),
        E("G6", "archive", D(2025, 4, 1), gen),
    ]
    state, seen = None, []
    for event in events:
        state = ENG.apply(state, event)
        seen.append(state.state)
    assert seen == ["registered", "assigned", "assigned", "submitted", "returned", "submitted", "passed", "passed",
                    "closed", "archived"]
    # the 调查核实 and the coordination request are the supervising body's too
    open_ = fold(reg("G7", D(2025, 3, 3), "decision"), assign("G7", D(2025, 3, 3)))
    found = ENG.apply(open_, E("G7", "finding", D(2025, 3, 10), gen, {"type": "not_implemented"}))
    assert _proposals([found], D(2025, 3, 10)) == [("unimplemented_order", "u1", "G7"), ("unimplemented_report", "u1", "G7")]
    assert ENG.apply(open_, E("G7", "escalate", D(2025, 3, 10), gen, {"reason": "分歧难以协调"})).marks[-1].actor == gen
    # a handling unit takes none of them
    with pytest.raises(ActionRefused, match="无权「立项登记、备案」"):
        ENG.apply(None, E("G8", "register", D(2025, 3, 3), "unit:u1", {"kind": "meeting", "title": "x"}))
    with pytest.raises(ActionRefused, match="无权「调查核实」"):
        ENG.apply(open_, E("G7", "finding", D(2025, 3, 10), "unit_head:u1", {"type": "deviation"}))


# --- 第十条 kinds, 第二十三条 in force -----------------------------------------------------------------


def test_article_10_scope_maps_onto_core_kinds():
    assert {k: v.core_kind for k, v in POL.kinds.items()} == {
        "decision": "decision", "document": "document", "meeting": "meeting", "instruction": "instruction",
        "npc_suggestion": "npc_suggestion", "cppcc_proposal": "cppcc_proposal", "public_concern": "public_concern",
        "other": "other",
    }
    assert POL.kinds["meeting"].citation.article == "第十条(三)"
    with pytest.raises(ActionRefused, match="未知的事项类别 'annual_task'"):
        fold(reg("K1", D(2025, 3, 3), "annual_task"))


def test_article_23_in_force_from_issue_date():
    doc = POL.jurisdiction.document
    assert (doc.number, doc.issued, doc.effective, doc.expires, doc.trial) == (
        "鄂府办发〔2018〕36号", D(2018, 5, 7), D(2018, 5, 7), None, "")
    assert POL.force_warning(D(2018, 5, 7)) is None and POL.force_warning(D(2025, 9, 30)) is None
    assert "尚未施行" in POL.force_warning(D(2018, 5, 6))
    assert fold(reg("F1", D(2018, 5, 4))).warnings


# --- 第十二条: units, time limit, written reports --------------------------------------------------


def test_article_12_15_working_days_across_national_day():
    state = fold(reg("N1", D(2025, 9, 29), "document"), assign("N1", D(2025, 9, 30)))
    # 10/9,10,11(Sat make-up),13,14,15,16,17,20,21,22,23,24,27,28
    assert state.due.date == D(2025, 10, 28) and state.due.rule == "default_report"
    assert state.due.citation.article == "第十二条第三款"


def test_article_12_15_working_days_across_spring_festival_make_up_days_count():
    state = fold(reg("N2", D(2025, 1, 20)), assign("N2", D(2025, 1, 20)))
    # 1/21,22,23,24, 1/26 (Sun make-up), 1/27, [1/28–2/4 off], 2/5,6,7, 2/8 (Sat make-up), 2/10,11,12,13,14
    assert state.due.date == D(2025, 2, 14)


def test_article_12_explicit_time_limit_comes_first():
    state = fold(reg("N3", D(2025, 9, 29), "meeting"), assign("N3", D(2025, 9, 30), deadline="2025-10-10"))
    assert state.due.date == D(2025, 10, 10) and state.due.rule == "explicit"
    assert light(POL, CAL, state, D(2025, 10, 13)) == "red"


def test_article_12_default_days_is_a_setting():
    pol = load_policy(ID, {"default_report_days": "10个工作日"})
    state = MatterEngine(pol, CAL).fold([reg("N4", D(2025, 9, 29)), assign("N4", D(2025, 9, 30))])
    assert state.due.date == D(2025, 10, 21)  # 10/9 … 10 working days with Sat 10/11


def test_article_12_anchor_setting():
    # default: the 15 working days run from the assignment (Mon 2025-09-15):
    # 9/16,17,18,19, 22,23,24,25,26, 9/28 (Sun make-up), 29, 30, [10/1–10/8 off], 10/9, 10/10, 10/11 (Sat make-up)
    def events(mid, received):
        return [reg(mid, D(2025, 9, 12), received=received), assign(mid, D(2025, 9, 15))]
    assert fold(*events("A1", "2025-09-10")).due.date == D(2025, 10, 11)
    assert fold(*events("A2", "2025-08-20")).due.date == D(2025, 10, 11)
    # anchor "received": from the day the document or instruction was received (Wed 2025-09-10):
    # 9/11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26, 9/28 (Sun make-up), 29, 30
    pol = load_policy(ID, {"default_report_anchor": "received"})
    eng = MatterEngine(pol, WorkingCalendar.default())
    received = eng.fold(events("A1", "2025-09-10"))
    assert received.due.date == D(2025, 9, 30) and received.due.anchor == D(2025, 9, 10)
    # received Wed 2025-08-20: 8/21, 22, 25, 26, 27, 28, 29, 9/1, 2, 3, 4, 5, 8, 9, 10 → 2025-09-10,
    # which is before the assignment (9/15): the limit is the assignment day itself
    early = eng.fold([reg("A3", D(2025, 9, 1), received="2025-08-20"), assign("A3", D(2025, 9, 15))])
    assert early.due.date == D(2025, 9, 15) and early.due.anchor == D(2025, 8, 20)
    assert any("2025-09-10 早于义务产生之日 2025-09-15" in line for line in early.due.explanation)
    # with the default anchor the same matter counts from 9/15
    assert fold(reg("A3", D(2025, 9, 1), received="2025-08-20"), assign("A3", D(2025, 9, 15))).due.date == D(2025, 10, 11)


def test_article_12_each_lead_unit_meets_only_its_own_report():
    # 各牵头单位要分别形成书面报告上报: one result obligation per lead unit, due 3/24 (3/3 + 15 working days)
    state = fold(reg("W4", D(2025, 3, 3)), assign("W4", D(2025, 3, 3), lead=("u1", "u3"), co=("u2",)))
    results = [ob for ob in state.obligations if ob.what == "result"]
    assert [(ob.owed_by, ob.due) for ob in results] == [(("u1",), D(2025, 3, 24)), (("u3",), D(2025, 3, 24))]
    # a participating unit's progress report meets no lead unit's obligation
    state = ENG.apply(state, E("W4", "progress", D(2025, 3, 5), "unit:u2"))
    assert all(ob.met_on is None for ob in state.obligations)
    # u1's written report meets u1's only
    state = ENG.apply(state, E("W4", "submit", D(2025, 3, 10), "unit:u1", REPORT))
    assert {ob.owed_by: ob.status(D(2025, 3, 25)) for ob in state.obligations if ob.what == "result"} == {
        ("u1",): "met", ("u3",): "overdue"}
    assert light(POL, CAL, state, D(2025, 3, 25)) == "red"  # u3 still owes it
    # the overdue chase is proposed for u3 alone
    assert _proposals([state], D(2025, 3, 24)) == []
    assert _proposals([state], D(2025, 3, 25)) == [("overdue_chase", "u3", "W4")]
    # u3 reports a working day late: met, late by 1
    state = ENG.apply(state, E("W4", "submit", D(2025, 3, 25), "unit_head:u3", REPORT))
    late = next(ob for ob in state.obligations if ob.owed_by == ("u3",))
    assert (late.status(D(2025, 3, 25)), late.late_by) == ("late", 1)
    assert state.state == "submitted" and _proposals([state], D(2025, 3, 26)) == []


def test_article_12_accept_names_responsible_person():
    state = fold(reg("U1", D(2025, 3, 3)), assign("U1", D(2025, 3, 3)))
    with pytest.raises(ActionRefused, match="责任人"):
        ENG.apply(state, E("U1", "accept", D(2025, 3, 4), "unit:u1"))
    assert ENG.apply(state, E("U1", "accept", D(2025, 3, 4), "unit:u1", {"responsible_person": "赵"})).responsible == {
        "u1": "赵"}


@pytest.mark.parametrize("missing, name", [("head_signoff", "主要负责人审签"), ("seal", "单位公章")])
def test_article_12_written_report_signed_by_head_with_seal(missing, name):
    state = fold(reg("W1", D(2025, 3, 3)), assign("W1", D(2025, 3, 3)))
    data = {k: v for k, v in REPORT.items() if k != missing}
    with pytest.raises(ActionRefused, match=f"缺少{name}（第十二条第三款）"):
        ENG.apply(state, E("W1", "submit", D(2025, 3, 10), "unit:u1", data))
    # progress reports (随办随报) need neither
    assert ENG.apply(state, E("W1", "progress", D(2025, 3, 10), "unit:u1")).progress_on == [D(2025, 3, 10)]


def test_article_12_lead_and_participating_units_one_report_per_lead_unit():
    one_lead = fold(reg("W2", D(2025, 3, 3)), assign("W2", D(2025, 3, 3), lead=("u1",), co=("u2",)),
                    E("W2", "progress", D(2025, 3, 5), "unit:u2"))
    with pytest.raises(ActionRefused, match="不是事项 W2 的承办单位"):
        ENG.apply(one_lead, E("W2", "progress", D(2025, 3, 5), "unit:u9"))
    # 牵头单位要统一形成书面报告上报: the participating unit cannot file the written report
    with pytest.raises(ActionRefused, match=r"须由主办（牵头）单位u1办理（第十二条第三款）；u2 是协办单位"):
        ENG.apply(one_lead, E("W2", "submit", D(2025, 3, 10), "unit:u2", REPORT))
    with pytest.raises(ActionRefused, match="须由主办（牵头）单位u1办理"):
        ENG.apply(one_lead, E("W2", "submit", D(2025, 3, 10), "unit_head:u2", REPORT))
    done = ENG.apply(one_lead, E("W2", "submit", D(2025, 3, 10), "unit:u1", REPORT))
    assert done.state == "submitted" and done.submitted_by == ("u1",)
    submit = POL.transition("assigned", "submit")
    assert submit.lead_only and submit.each_lead_unit and "分别形成书面报告" in submit.citation.quote


def test_article_12_two_lead_units_each_file_a_written_report():
    two = fold(reg("W3", D(2025, 3, 3)), assign("W3", D(2025, 3, 3), lead=("u1", "u3"), co=("u2",)),
               E("W3", "submit", D(2025, 3, 10), "unit:u1", REPORT))
    # u3's report is still owed: the matter is not yet under review, its clock still runs
    assert (two.state, two.submitted_by) == ("assigned", ("u1",))
    assert light(POL, CAL, two, D(2025, 3, 11)) != "done"
    with pytest.raises(ActionRefused, match="不能在「已交办」状态下进行"):
        ENG.apply(two, E("W3", "review_pass", D(2025, 3, 11), "office"))
    # u1 filing again does not stand in for u3
    again = ENG.apply(two, E("W3", "submit", D(2025, 3, 11), "unit:u1", REPORT))
    assert (again.state, again.submitted_by) == ("assigned", ("u1",))
    with pytest.raises(ActionRefused, match="u2 是协办单位"):
        ENG.apply(two, E("W3", "submit", D(2025, 3, 11), "unit:u2", REPORT))
    both = ENG.apply(two, E("W3", "submit", D(2025, 3, 12), "unit_head:u3", REPORT))
    assert both.state == "submitted" and both.submitted_by == ("u1", "u3") and both.submitted_on == D(2025, 3, 12)
    # returned for rework (第十五条): each lead unit reports again
    back = ENG.apply(both, E("W3", "review_return", D(2025, 3, 13), "office", {"reason": "未分析存在的问题"}))
    back = ENG.apply(back, E("W3", "submit", D(2025, 3, 17), "unit:u3", REPORT))
    assert (back.state, back.submitted_by) == ("returned", ("u3",))
    back = ENG.apply(back, E("W3", "submit", D(2025, 3, 18), "unit:u1", REPORT))
    assert back.state == "submitted"


def test_article_12_disagreement_escalated_to_superior():
    state = fold(reg("G1", D(2025, 3, 3)), assign("G1", D(2025, 3, 3), lead=("u1",), co=("u2",)))
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(state, E("G1", "escalate", D(2025, 3, 5), "unit:u1"))
    with pytest.raises(ActionRefused, match="不是事项 G1 的承办单位"):
        ENG.apply(state, E("G1", "escalate", D(2025, 3, 5), "unit:u7", {"reason": "分歧"}))
    state = ENG.apply(state, E("G1", "escalate", D(2025, 3, 5), "unit:u1", {"reason": "与参加单位对职责划分有分歧"}))
    assert state.marks[-1].action == "escalate" and state.state == "assigned"
    # the 上级 the unit turned to records its coordination (Mon 3/10), with what it decided
    with pytest.raises(ActionRefused, match="缺少协调意见（第十三条）"):
        ENG.apply(state, E("G1", "coordinate", D(2025, 3, 10), "superior"))
    for actor in ("unit:u1", "unit_head:u2", "office"):
        with pytest.raises(ActionRefused, match="无权「上级协调」"):
            ENG.apply(state, E("G1", "coordinate", D(2025, 3, 10), actor, {"decision": "由u1牵头"}))
    done = ENG.apply(state, E("G1", "coordinate", D(2025, 3, 10), "superior",
                              {"decision": "由u1牵头，u2三日内提供数据"}))
    assert (done.marks[-1].action, done.marks[-1].actor, done.marks[-1].data["decision"]) == (
        "coordinate", "superior", "由u1牵头，u2三日内提供数据")
    # the coordination stops no clock: the report is still due Mon 3/24 (3/3 + 15 working days)
    assert done.state == "assigned" and done.due.date == D(2025, 3, 24)


def test_article_12_explain_delay_even_after_deadline():
    state = fold(reg("X1", D(2025, 9, 29)), assign("X1", D(2025, 9, 30)))
    with pytest.raises(ActionRefused, match="原因"):
        ENG.apply(state, E("X1", "extension_ask", D(2025, 10, 29), "unit:u1"))
    asked = ENG.apply(state, E("X1", "extension_ask", D(2025, 10, 29), "unit:u1", {"reasons": "征地手续未完成"}))
    assert asked.pending_extension["reasons"] == "征地手续未完成"
    assert light(POL, CAL, asked, D(2025, 10, 29)) == "red"  # explaining does not move the deadline
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(asked, E("X1", "extension_grant", D(2025, 10, 30), "unit:u1", {"until": "2025-11-14"}))
    granted = ENG.apply(asked, E("X1", "extension_grant", D(2025, 10, 30), "office", {"until": "2025-11-14"}))
    assert granted.due.date == D(2025, 11, 14) and granted.due.rule == "extension:explain_delay"


# --- 第十三条 chase and coordinate, 第十五条 review ---------------------------------------------------


def test_article_13_office_keeps_or_resets_the_deadline_after_an_explained_delay():
    # assigned Tue 2025-09-30: 15 working days → Tue 10/28 (see test_article_12_15_working_days_across_national_day)
    state = fold(reg("X2", D(2025, 9, 29), "document"), assign("X2", D(2025, 9, 30)))
    assert state.due.date == D(2025, 10, 28)
    with pytest.raises(ActionRefused, match="尚无延期申请"):
        ENG.apply(state, E("X2", "extension_refuse", D(2025, 10, 27), "office"))
    asked = ENG.apply(state, E("X2", "extension_ask", D(2025, 10, 27), "unit:u1", {"reasons": "征地手续未完成"}))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(asked, E("X2", "extension_refuse", D(2025, 10, 28), "unit:u1"))
    # the office keeps the original deadline (Tue 10/28): overdue, and chased, from Wed 10/29
    kept = ENG.apply(asked, E("X2", "extension_refuse", D(2025, 10, 28), "office"))
    assert kept.pending_extension is None and kept.due.date == D(2025, 10, 28)
    assert light(POL, CAL, kept, D(2025, 10, 29)) == "red"
    assert _proposals([kept], D(2025, 10, 29)) == [("overdue_chase", "u1", "X2")]
    with pytest.raises(ActionRefused, match="尚无延期申请"):
        ENG.apply(kept, E("X2", "extension_grant", D(2025, 10, 29), "office", {"until": "2025-11-14"}))
    # the unit explains again after the deadline (Thu 10/30); the office sets a later date, Fri 2025-11-14
    again = ENG.apply(kept, E("X2", "extension_ask", D(2025, 10, 30), "unit:u1", {"reasons": "征地批复延后"}))
    with pytest.raises(ActionRefused, match="不晚于现有期限"):
        ENG.apply(again, E("X2", "extension_grant", D(2025, 10, 31), "office", {"until": "2025-10-28"}))
    granted = ENG.apply(again, E("X2", "extension_grant", D(2025, 10, 31), "office", {"until": "2025-11-14"}))
    assert granted.due.date == D(2025, 11, 14) and granted.due.rule == "extension:explain_delay"
    assert light(POL, CAL, granted, D(2025, 11, 3)) == "green"
    # nothing to chase until the new date has passed: proposed again Mon 11/17
    assert _proposals([granted], D(2025, 11, 14)) == []
    assert _proposals([granted], D(2025, 11, 17)) == [("overdue_chase", "u1", "X2")]


def test_article_13_office_chases_overdue_and_asks_superior_to_coordinate():
    state = fold(reg("C1", D(2025, 9, 29)), assign("C1", D(2025, 9, 30)))
    assert _proposals([state], D(2025, 10, 28)) == []
    assert _proposals([state], D(2025, 10, 29)) == [("overdue_chase", "u1", "C1")]
    chased = ENG.apply(state, E("C1", "remind", D(2025, 10, 29), "office", {"method": "暗访督查", "step": "overdue_chase"}))
    assert _proposals([chased], D(2025, 10, 30)) == []
    asked = ENG.apply(chased, E("C1", "escalate", D(2025, 10, 30), "office", {"reason": "单位之间分歧不能解决，提请上级协调"}))
    assert asked.marks[-1].actor == "office"
    # 必要时提请上级协调: a leader of the 市人民政府 coordinates (Fri 10/31)
    led = ENG.apply(asked, E("C1", "coordinate", D(2025, 10, 31), "leader", {"decision": "由市发展和改革委员会牵头办理"}))
    assert (led.marks[-1].action, led.marks[-1].actor) == ("coordinate", "leader")


def test_article_13_overdue_chase_repeats_every_5_working_days():
    # explicit limit Fri 2025-09-26; Sat 9/27 is a rest day, Sun 9/28 a make-up working day: the report
    # is overdue from 9/28, the first working day after the last day
    state = fold(reg("C2", D(2025, 9, 15)), assign("C2", D(2025, 9, 15), deadline="2025-09-26"))
    assert _proposals([state], D(2025, 9, 26)) == [] and _proposals([state], D(2025, 9, 27)) == []
    assert _proposals([state], D(2025, 9, 28)) == [("overdue_chase", "u1", "C2")]
    # chased on Sun 9/28 (any 跟踪督办 counts, with or without --step); 5 working days after it:
    # 9/29, 9/30, [10/1–10/8 off], 10/9, 10/10, 10/11 (Sat make-up) → not proposed through 10/11
    state = ENG.apply(state, E("C2", "remind", D(2025, 9, 28), "office", {"method": "听取汇报"}))
    for day in (D(2025, 9, 29), D(2025, 10, 9), D(2025, 10, 11)):
        assert _proposals([state], day) == [], day
    # once 10/11 has passed and the report is still owed, the chase is proposed again, dated the next
    # working day (Mon 10/13)
    (again,) = [f for f in evaluate(POL, CAL, [state], D(2025, 10, 12)) if f.category == "escalation"]
    assert (again.rule, again.on) == ("overdue_chase", D(2025, 10, 13))
    assert "2025-09-28 已催办，5个工作日后仍未报送" in again.reason
    # chased again Mon 10/13: 10/14, 15, 16, 17, 20 → quiet through 10/20, proposed again on 10/21
    state = ENG.apply(state, E("C2", "remind", D(2025, 10, 13), "office", {"method": "现场查访", "step": "overdue_chase"}))
    assert _proposals([state], D(2025, 10, 20)) == []
    assert _proposals([state], D(2025, 10, 21)) == [("overdue_chase", "u1", "C2")]
    # the unit reports (late) on 10/21: no more chasing
    state = ENG.apply(state, E("C2", "submit", D(2025, 10, 21), "unit:u1", REPORT))
    assert _proposals([state], D(2025, 10, 22)) == []


def test_article_13_chase_interval_is_a_setting_across_spring_festival():
    # limit Fri 2026-02-13; Sat 2/14 is a make-up working day: overdue, and chased, on 2/14
    def chased(pol):
        eng = MatterEngine(pol, CAL)
        state = eng.fold([reg("C3", D(2026, 2, 2)), assign("C3", D(2026, 2, 2), deadline="2026-02-13")])
        assert [f.rule for f in evaluate(pol, CAL, [state], D(2026, 2, 14))] == ["overdue_chase"]
        return eng.apply(state, E("C3", "remind", D(2026, 2, 14), "office", {"method": "听取汇报"}))

    def days(pol, state):
        return [(d, f.on) for d in (D(2026, 2, 26), D(2026, 2, 27), D(2026, 2, 28), D(2026, 3, 1))
                for f in evaluate(pol, CAL, [state], d)]

    # default 5个工作日: [2/15–2/23 off], 2/24, 25, 26, 27, 2/28 (Sat make-up) → proposed from Sun 3/1,
    # dated the next working day, Mon 3/2
    assert POL.settings["chase_every"] == "5个工作日"
    assert days(POL, chased(POL)) == [(D(2026, 3, 1), D(2026, 3, 2))]
    # chase_every = 3个工作日: 2/24, 25, 26 → proposed from Fri 2/27
    three = load_policy(ID, {"chase_every": "3个工作日"})
    assert days(three, chased(three)) == [(D(2026, 2, 27), D(2026, 2, 27)), (D(2026, 2, 28), D(2026, 2, 27)),
                                          (D(2026, 3, 1), D(2026, 2, 27))]


def test_article_15_review_returns_report_for_rework():
    state = fold(reg("R1", D(2025, 9, 29)), assign("R1", D(2025, 9, 30)),
                 E("R1", "submit", D(2025, 10, 20), "unit:u1", REPORT))
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(state, E("R1", "review_return", D(2025, 10, 21), "office"))
    back = ENG.apply(state, E("R1", "review_return", D(2025, 10, 21), "office",
                              {"reason": "未分析存在的问题", "deadline": "2025-10-24"}))
    assert back.state == "returned" and back.returns == 1 and back.due.date == D(2025, 10, 24)
    assert light(POL, CAL, back, D(2025, 10, 27)) == "red"
    again = ENG.apply(back, E("R1", "submit", D(2025, 10, 24), "unit:u1", REPORT))
    assert ENG.apply(again, E("R1", "review_pass", D(2025, 10, 27), "office")).state == "passed"


# --- 第十六条, 第二十二条 consequences ----------------------------------------------------------------


def _found(mid: str, kind: str, lead=("u1",), on=D(2025, 6, 10)):
    return fold(reg(mid, D(2025, 6, 3), "decision"), assign(mid, D(2025, 6, 3), lead=lead, deadline="2025-09-30"),
                E(mid, "finding", on, "office", {"type": kind}))


def test_article_16_unimplemented_decision_reported_and_ordered():
    # 如情况属实，要及时报告市人民政府并责成……尽快落实: both proposed on the day of the finding (Wed 6/11)
    state = _found("I1", "not_implemented", on=D(2025, 6, 11))
    assert _proposals([state], D(2025, 6, 10)) == []
    assert _proposals([state], D(2025, 6, 11)) == [("unimplemented_order", "u1", "I1"),
                                                   ("unimplemented_report", "u1", "I1")]
    step = next(s for s in POL.escalation if s.id == "unimplemented_report")
    assert step.proposes == "report_up" and step.data == {"to": "市人民政府"}
    # the unit's progress note (Thu 6/12) does not cancel the office's duty: both still proposed on Fri 6/13
    state = ENG.apply(state, E("I1", "progress", D(2025, 6, 12), "unit:u1", {"note": "正在研究"}))
    assert _proposals([state], D(2025, 6, 13)) == [("unimplemented_order", "u1", "I1"),
                                                   ("unimplemented_report", "u1", "I1")]
    # the report to 市人民政府 (step unimplemented_report) covers only that proposal
    state = ENG.apply(state, E("I1", "report_up", D(2025, 6, 13), "office",
                               {"to": "市人民政府", "step": "unimplemented_report"}))
    assert _proposals([state], D(2025, 6, 13)) == [("unimplemented_order", "u1", "I1")]
    # the office decides, with a reason, not to act on the other (dismiss, Mon 6/16): nothing is left
    with pytest.raises(ActionRefused, match="无权「不予处理（升级建议）」"):
        ENG.apply(state, E("I1", "dismiss", D(2025, 6, 16), "unit:u1", {"step": "unimplemented_order", "reason": "x"}))
    dismissed = ENG.apply(state, E("I1", "dismiss", D(2025, 6, 16), "office",
                                   {"step": "unimplemented_order", "reason": "市人民政府已另行部署"}))
    assert _proposals([dismissed], D(2025, 6, 16)) == []
    # or the office orders it (责成尽快落实), which covers it the same way
    ordered = ENG.apply(state, E("I1", "order", D(2025, 6, 16), "office", {"step": "unimplemented_order"}))
    assert _proposals([ordered], D(2025, 6, 16)) == []
    with pytest.raises(ActionRefused, match="无权「调查核实」"):
        ENG.apply(state, E("I1", "finding", D(2025, 6, 16), "unit:u1", {"type": "deviation"}))


def test_article_22_deviation_corrected_with_self_criticism():
    state = _found("V1", "deviation")
    assert _proposals([state], D(2025, 6, 11)) == [("deviation_correct", "u1", "V1")]
    with pytest.raises(ActionRefused, match="无权「纠正并作出检查」"):
        ENG.apply(state, E("V1", "rectification_plan", D(2025, 6, 12), "office", {"step": "deviation_correct"}))
    state = ENG.apply(state, E("V1", "rectification_plan", D(2025, 6, 12), "unit:u1", {"step": "deviation_correct"}))
    assert _proposals([state], D(2025, 6, 13)) == []


def test_article_22_perfunctory_rectification_within_limit_and_criticism():
    state = _found("P1", "perfunctory")
    assert _proposals([state], D(2025, 6, 11)) == [("perfunctory_criticism", "u1", "P1"),
                                                   ("perfunctory_rectify", "u1", "P1")]
    rectify = next(s for s in POL.escalation if s.id == "perfunctory_rectify")
    criticise = next(s for s in POL.escalation if s.id == "perfunctory_criticism")
    assert (rectify.proposes, rectify.data) == ("order", {"type": "rectify"})
    assert (criticise.proposes, criticise.data) == ("bulletin", {"type": "criticism"})
    state = ENG.apply(state, E("P1", "order", D(2025, 6, 12), "office",
                               {"type": "rectify", "until": "2025-06-30", "step": "perfunctory_rectify"}))
    # 限期整改 is an obligation with its 限期 (Mon 6/30)
    assert [(o.name, o.due) for o in state.obligations if o.what == "rectification"] == [("限期整改", D(2025, 6, 30))]
    state = ENG.apply(state, E("P1", "bulletin", D(2025, 6, 12), "office",
                               {"type": "criticism", "step": "perfunctory_criticism"}))
    assert _proposals([state], D(2025, 6, 13)) == []


def test_article_22_long_delay_false_report_dereliction_investigated():
    delay = _found("Y1", "long_delay")
    fake = _found("Y2", "false_report", lead=("u2",))
    assert _proposals([delay, fake], D(2025, 6, 11)) == [("false_report_investigate", "u2", "Y2"),
                                                         ("long_delay_investigate", "u1", "Y1")]
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(delay, E("Y1", "accountability", D(2025, 6, 12), "office", {"step": "long_delay_investigate"}))
    delay = ENG.apply(delay, E("Y1", "accountability", D(2025, 6, 12), "office",
                               {"step": "long_delay_investigate", "reason": "久拖不决，经核实属实"}))
    assert _proposals([delay, fake], D(2025, 6, 13)) == [("false_report_investigate", "u2", "Y2")]
    # a finding in another year calls for its own investigation (2026-03-10 → proposed 3/11)
    later = fold(reg("Y3", D(2026, 3, 2), "decision"), assign("Y3", D(2026, 3, 2), deadline="2026-06-30"),
                 E("Y3", "finding", D(2026, 3, 10), "office", {"type": "long_delay"}))
    assert ("long_delay_investigate", "u1", "Y3") in _proposals([delay, later], D(2026, 3, 11))
    derel = _found("Y4", "dereliction", lead=("u4",))
    assert _proposals([derel], D(2025, 6, 11)) == [("dereliction_refer", "u4", "Y4")]
    assert set(POL.settings["finding_types"]) == {"not_implemented", "deviation", "perfunctory", "long_delay",
                                                  "false_report", "dereliction"}


@pytest.mark.parametrize("kind, rule", [("long_delay", "long_delay_investigate"),
                                        ("false_report", "false_report_investigate"),
                                        ("dereliction", "dereliction_refer")])
def test_article_22_every_finding_calls_for_its_own_step(kind, rule):
    # 第二十二条 sets no limit per unit or year: two findings on two matters of u1 in 2025, each its own
    def found(mid, on):
        return fold(reg(mid, D(2025, 3, 3), "decision"), assign(mid, D(2025, 3, 3), deadline="2025-12-31"),
                    E(mid, "finding", on, "office", {"type": kind}))

    first, second = found("L1", D(2025, 4, 1)), found("L2", D(2025, 11, 3))
    assert _proposals([first, second], D(2025, 11, 4)) == [(rule, "u1", "L1"), (rule, "u1", "L2")]
    # confirming the one on L1 (Tue 11/4) leaves the one on L2
    first = ENG.apply(first, E("L1", "accountability", D(2025, 11, 4), "office",
                               {"step": rule, "reason": "经调查核实，提出处理意见"}))
    assert _proposals([first, second], D(2025, 11, 4)) == [(rule, "u1", "L2")]
    # a further finding on L1 (Wed 11/5), after the confirmation, calls for the step again; L1's events:
    # 0 register, 1 assign, 2 finding 4/1, 3 accountability 11/4, 4 finding 11/5
    first = ENG.apply(first, E("L1", "finding", D(2025, 11, 5), "office", {"type": kind}))
    found_l1 = [f for f in evaluate(POL, CAL, [first, second], D(2025, 11, 6)) if f.matter == "L1"]
    assert [(f.rule, f.on, f.fact) for f in found_l1] == [(rule, D(2025, 11, 5), "event:4")]


def test_article_22_praise_for_units_that_act():
    state = fold(reg("B1", D(2025, 3, 3)), assign("B1", D(2025, 3, 3)),
                 E("B1", "bulletin", D(2025, 3, 20), "office", {"type": "praise", "reason": "措施得力"}))
    assert state.marks[-1].data["type"] == "praise"
    with pytest.raises(ActionRefused, match="无权「通报」"):
        ENG.apply(state, E("B1", "bulletin", D(2025, 3, 21), "unit:u1", {"type": "praise"}))
    with pytest.raises(ActionRefused, match="type praise"):
        ENG.apply(state, E("B1", "bulletin", D(2025, 3, 21), "office", {"type": "notice"}))


def test_article_21_evaluation_mechanism_has_no_grades():
    assert POL.grading.grades == () and POL.grading.citation.article == "第二十一条"
    state = fold(reg("E1", D(2025, 3, 3)), assign("E1", D(2025, 3, 3)))
    with pytest.raises(ActionRefused, match="没有「grade」这一步骤"):
        ENG.apply(state, E("E1", "grade", D(2025, 3, 20), "office", {"grade": "优秀"}))


def test_article_21_office_and_other_supervisors_evaluate_departments():
    state = fold(reg("E2", D(2025, 3, 3)), assign("E2", D(2025, 3, 3), lead=("u1",), co=("u2",)))

    def evaluate_(st, actor, day, **data):
        event = E("E2", "evaluate", day, actor, data)
        ENG.check_new(st, event)  # as the ledger does for a new step
        return ENG.apply(st, event)

    # another supervising department evaluates the lead unit's 廉洁勤政 (Thu 3/20); the office the
    # participating unit's 工作效率 (Fri 3/21)
    state = evaluate_(state, "supervisors", D(2025, 3, 20), aspect="廉洁勤政", evaluation="未发现违规问题")
    state = evaluate_(state, "office", D(2025, 3, 21), aspect="工作效率", evaluation="按节点推进", units=["u2"])
    assert [(m.on, m.actor, m.data["aspect"], m.data["evaluation"]) for m in state.marks if m.action == "evaluate"] == [
        (D(2025, 3, 20), "supervisors", "廉洁勤政", "未发现违规问题"), (D(2025, 3, 21), "office", "工作效率", "按节点推进")]
    # each of the five the document names
    for aspect in ("履行职责", "依法行政", "工作效率", "服务质量", "廉洁勤政"):
        evaluate_(state, "supervisors", D(2025, 3, 21), aspect=aspect, evaluation="较好")
    with pytest.raises(ActionRefused, match="「督促检查评价」的评价内容须为履行职责、依法行政、工作效率、服务质量、廉洁勤政之一"
                                            "（第二十一条；设置 evaluation_aspects）"):
        evaluate_(state, "office", D(2025, 3, 21), aspect="群众满意度", evaluation="满意")
    with pytest.raises(ActionRefused, match="缺少评价结果（第二十一条）"):
        evaluate_(state, "supervisors", D(2025, 3, 21), aspect="服务质量")
    # a handling unit does not evaluate, nor does the 上级 of 第十三条
    for actor in ("unit:u1", "unit_head:u2", "superior"):
        with pytest.raises(ActionRefused, match="无权「督促检查评价」"):
            evaluate_(state, actor, D(2025, 3, 21), aspect="履行职责", evaluation="好")
    # the evaluation sets no grade and moves nothing
    assert state.state == "assigned" and state.grade is None and state.due.date == D(2025, 3, 24)
    # 不定期或定期: the units of a matter already archived are evaluated too; a matter not yet assigned has none
    done = fold(reg("E4", D(2025, 3, 3)), assign("E4", D(2025, 3, 3)), E("E4", "submit", D(2025, 3, 20), "unit:u1", REPORT),
                E("E4", "review_pass", D(2025, 3, 21), "office"), E("E4", "close", D(2025, 3, 24), "office"),
                E("E4", "archive", D(2025, 3, 25), "office"))
    later = ENG.apply(done, E("E4", "evaluate", D(2025, 12, 15), "supervisors", {"aspect": "服务质量", "evaluation": "好"}))
    assert later.state == "archived" and later.marks[-1].action == "evaluate"
    with pytest.raises(ActionRefused, match="不能在「已立项登记、备案」状态下进行"):
        ENG.apply(fold(reg("E5", D(2025, 3, 3))),
                  E("E5", "evaluate", D(2025, 3, 4), "office", {"aspect": "履行职责", "evaluation": "好"}))


# --- 第二十条 forms of checking ----------------------------------------------------------------------


def test_article_20_seven_forms_for_tracking_and_fact_finding():
    state = fold(reg("F2", D(2025, 6, 3), "decision"), assign("F2", D(2025, 6, 3), deadline="2025-09-30"))

    def step(action, **data):
        event = E("F2", action, D(2025, 6, 10), "office", data)
        ENG.check_new(state, event)  # as the ledger does for a new step
        return ENG.apply(state, event).events[-1].data

    forms = ["听取汇报", "列席会议", "召开座谈会", "现场查访", "暗访督查", "调阅原始资料", "开展问卷调查"]
    # each form: a 跟踪督办 (remind --method) and a 调查核实 (finding --form)
    for form in forms:
        assert step("remind", method=form) == {"method": form}
        assert step("finding", type="not_implemented", form=form) == {"type": "not_implemented", "form": form}
    # another wording is refused, naming the document's forms
    listed = "、".join(forms)
    with pytest.raises(ActionRefused, match=f"「跟踪督办」的催办方式须为{listed}之一（第十一条；设置 check_methods）"):
        step("remind", method="电话催办")
    with pytest.raises(ActionRefused, match=f"「调查核实」的督促检查形式须为{listed}之一（第十六条；设置 check_methods）"):
        step("finding", type="deviation", form="网络舆情监测")
    # the form of a finding may be left out (the document does not require it); the method of a 跟踪督办 may not
    assert step("finding", type="deviation") == {"type": "deviation"}
    with pytest.raises(ActionRefused, match="缺少催办方式"):
        step("remind")


def test_article_11_ended_matter_gets_no_escalation():
    # a 敷衍推诿 finding (Mon 3/10) on an open matter: both rungs of 第二十二条 proposed
    state = fold(reg("Z1", D(2025, 3, 3), "decision"), assign("Z1", D(2025, 3, 3), deadline="2025-06-30"),
                 E("Z1", "finding", D(2025, 3, 10), "office", {"type": "perfunctory"}))
    both = [("perfunctory_criticism", "u1", "Z1"), ("perfunctory_rectify", "u1", "Z1")]
    assert _proposals([state], D(2025, 3, 11)) == both
    # reported (3/20) and passed (3/21): the matter has not ended, still proposed
    state = ENG.apply(state, E("Z1", "submit", D(2025, 3, 20), "unit:u1", REPORT))
    state = ENG.apply(state, E("Z1", "review_pass", D(2025, 3, 21), "office"))
    assert _proposals([state], D(2025, 3, 24)) == both
    # 办结登记 (Mon 3/24): nothing is proposed for it any more, nor for a finding recorded after it
    state = ENG.apply(state, E("Z1", "close", D(2025, 3, 24), "office"))
    assert POL.states["closed"].done and _proposals([state], D(2025, 3, 24)) == []
    state = ENG.apply(state, E("Z1", "finding", D(2025, 3, 25), "office", {"type": "false_report"}))
    assert _proposals([state], D(2025, 3, 26)) == []
    # 组卷移交档案部门 (3/26): the same
    state = ENG.apply(state, E("Z1", "archive", D(2025, 3, 26), "office"))
    state = ENG.apply(state, E("Z1", "finding", D(2025, 3, 27), "office", {"type": "not_implemented"}))
    assert state.state == "archived" and _proposals([state], D(2025, 3, 28)) == []


# --- 第三条 confidentiality -------------------------------------------------------------------------


def test_article_3_confidential_matter_seen_only_by_those_who_need_it():
    secret = fold(reg("S1", D(2025, 9, 29), confidential=True, viewers=["p_mayor"]), assign("S1", D(2025, 9, 30)))
    assert secret.confidential and secret.viewers == ("p_mayor",)
    plain = fold(reg("S2", D(2025, 9, 29)), assign("S2", D(2025, 9, 30)))
    assert not plain.confidential
    units = {"u1": Unit("u1", "市发展和改革委员会")}
    events = [*secret.events, *plain.events]
    snap = Snapshot.from_events(POL, CAL, events, D(2025, 10, 10), units=units)
    bulletin = render_markdown(snap, "bulletin", "2025-Q4")
    assert "事项S2" in bulletin and "事项S1" not in bulletin and "涉密事项不予通报" in bulletin
    assert "涉密" in render_markdown(snap, "assignment", "S1")


# --- templates, traceability, CLI -----------------------------------------------------------------


def test_article_11_templates_notice_and_report():
    units = {"u1": Unit("u1", "市住房和城乡建设局"), "u2": Unit("u2", "市财政局"), "u3": Unit("u3", "市自然资源局")}
    # the 督促检查情况报告 is the report recorded (report_up, 第十一条 报告落实情况)
    events = [reg("T1", D(2025, 9, 29)), assign("T1", D(2025, 9, 30), co=("u2",)),
              E("T1", "report_up", D(2025, 10, 10), "office", {}),
              reg("T2", D(2025, 9, 29)), assign("T2", D(2025, 9, 30), lead=("u1", "u3"))]
    snap = Snapshot.from_events(POL, CAL, events, D(2025, 10, 10), units=units)
    notice = render_markdown(snap, "assignment", "T1")
    assert "鄂府办发〔2018〕36号" in notice and "牵头单位：市住房和城乡建设局" in notice
    assert "参加单位：市财政局" in notice and "完成时限：2025年10月28日前" in notice and "主要负责人签发并加盖单位公章" in notice
    assert "统一形成书面报告" in notice
    assert "各牵头单位分别形成书面报告" in render_markdown(snap, "assignment", "T2")
    assert "市人民政府：" in render_markdown(snap, "special_report", "T1")


EXPECTED_ARTICLES = (
    ["印发通知"] + [f"第{n}条" for n in ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]]
    + [f"第十条({n})" for n in "一二三四五六七"] + ["第十一条"]
    + [f"第十二条第{n}款" for n in "一二三"]
    + [f"第{n}条" for n in ["十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三"]]
)


def test_articles_every_article_and_paragraph_traced():
    assert [a.id for a in POL.articles] == EXPECTED_ARTICLES
    static = report(POL)
    assert static["errors"] == [] and static["unknown_rules"] == [] and static["missing_articles"] == []
    # no cited rule is declared data only (未被读取) or out of the command line's reach (CLI不可达)
    assert not_enforced(static) == [] and static["statically_clear"] == static["operational"] == 22
    assert set(settings_read(POL)) >= set(POL.setting_defs)  # every setting is read by a rule or the core
    names = set(re.findall(r"^def (test_\w+)", Path(__file__).read_text(encoding="utf-8"), re.M))
    for article in POL.articles:
        if article.operational:
            assert article.rules and article.tests, article.id
            for node in article.tests:
                path, _, name = node.partition("::")
                assert path == "plugins/ordos/tests/test_ordos.py" and name in names, node
        else:
            assert article.reason, article.id


@pytest.mark.skipif(bool(os.environ.get(RUNNING_ENV)), reason="已在剔除检验之中")
def test_articles_every_operational_article_enforced_and_tested():
    # the knock-out check (ducha articles ordos --check): each rule an article cites, removed or
    # neutralised, makes one of that article's own tests fail
    honest = report(POL, knockout.run(ID, root=PLUGIN_DIR.parents[1]))
    assert not_enforced(honest) == []
    assert (honest["enforced_and_tested"], honest["operational"], honest["coverage"]) == (22, 22, 1.0)


def test_article_12_cli_deadline_and_articles():
    runner = CliRunner()
    out = runner.invoke(cli, ["deadline", "--jurisdiction", ID, "--kind", "document", "--from", "2025-09-30", "--json"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.output[out.output.index("{"):])
    assert record["deadlines"][0]["date"] == "2025-10-28"
    assert record["deadlines"][0]["citation_article"] == "第十二条第三款" and record["warning"] is None
    out = runner.invoke(cli, ["articles", ID])
    assert out.exit_code == 0 and "第十二条第三款" in out.output


CONFIG = """
jurisdiction = "ordos"
database = "ducha.sqlite3"
[[unit]]
id = "u1"
name = "市发展和改革委员会"
[[unit]]
id = "u2"
name = "市财政局"
[[person]]
id = "duchashi"
name = "市人民政府督查室工作人员"
roles = ["office"]
[[person]]
id = "u1_staff"
name = "发改委责任人"
roles = ["unit"]
unit = "u1"
[[person]]
id = "shangji"
name = "上级主管部门负责人"
roles = ["superior"]
[[person]]
id = "shenji"
name = "市审计局评价人员"
roles = ["supervisors"]
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "-j", "ordos"]).exit_code == 0  # creates the database ducha.toml names

    def invoke(*args, ok=True):
        result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def _due(run, as_of: str) -> list[dict]:
    return json.loads(run("due", "--as-of", as_of, "--json").output)["findings"]


def _decision(run, mid: str) -> None:
    run("register", "--id", mid, "--as", "duchashi", "--on", "2025-06-03", "--kind", "decision", "--title", "重大决策落实")
    run("assign", mid, "--as", "duchashi", "--on", "2025-06-03", "--lead", "u1", "--deadline", "2025-09-30",
        "--plan", PLAN)


def test_article_16_cli_progress_does_not_cancel_report_and_order(run):
    _decision(run, "I1")
    run("finding", "I1", "--as", "duchashi", "--on", "2025-06-11", "--type", "not_implemented",
        "--note", "经调查核实，落实走样")
    run("progress", "I1", "--as", "u1_staff", "--on", "2025-06-12", "--note", "正在研究")
    due = _due(run, "2025-06-13")
    assert [(f["rule"], f["unit"], f["matter"], f["on"]) for f in due] == [
        ("unimplemented_report", "u1", "I1", "2025-06-11"), ("unimplemented_order", "u1", "I1", "2025-06-11")]
    assert due[0]["citation"].startswith("第十六条") and due[0]["data"] == {"to": "市人民政府"}
    assert due[0]["confirm"] == ("ducha step report_up I1 --to 市人民政府 --unit u1 --as duchashi --on 2025-06-13"
                                 " --step unimplemented_report")
    # the printed command runs as printed, and covers only the report
    run(*shlex.split(due[0]["confirm"])[1:])
    assert [f["rule"] for f in _due(run, "2025-06-13")] == ["unimplemented_order"]
    # the unit cannot dismiss it; the office can, with a reason (Mon 6/16)
    assert "无权" in run("dismiss", "I1", "--as", "u1_staff", "--on", "2025-06-16", "--step", "unimplemented_order",
                         "--reason", "已在落实", ok=False).output
    run("dismiss", "I1", "--as", "duchashi", "--on", "2025-06-16", "--step", "unimplemented_order",
        "--reason", "市人民政府已另行部署")
    assert _due(run, "2025-06-16") == []


def test_article_22_cli_perfunctory_rectify_and_criticism_at_once(run):
    _decision(run, "P1")
    run("finding", "P1", "--as", "duchashi", "--on", "2025-06-10", "--type", "perfunctory",
        "--note", "敷衍推诿，经督促检查仍不落实")
    due = _due(run, "2025-06-11")
    assert [(f["rule"], f["proposes"], f["data"], f["on"]) for f in due] == [
        ("perfunctory_rectify", "order", {"type": "rectify"}, "2025-06-10"),
        ("perfunctory_criticism", "bulletin", {"type": "criticism"}, "2025-06-10")]
    assert [f["confirm"] for f in due] == [
        # the 限期 is the office's to set: a suggestion 10 working days on (6/12 … 6/25), listed as 待定
        "ducha order P1 --type rectify --unit u1 --until 2025-06-25 --as duchashi --on 2025-06-11 --step perfunctory_rectify",
        "ducha bulletin P1 --type criticism --unit u1 --as duchashi --on 2025-06-11 --step perfunctory_criticism"]
    assert [f["to_decide"] for f in due] == [["until"], []]
    # confirming one leaves the other; both confirmed, nothing is left
    run(*shlex.split(due[0]["confirm"])[1:])
    assert [f["rule"] for f in _due(run, "2025-06-11")] == ["perfunctory_criticism"]
    run(*shlex.split(due[1]["confirm"])[1:])
    assert _due(run, "2025-06-12") == []


def test_articles_12_13_cli_escalate_and_superior_coordinates(run):
    _decision(run, "H1")
    # 第十二条第一款 要及时向上级反映: the unit asks, with its reason (Thu 6/5)
    assert "理由" in run("escalate", "H1", "--as", "u1_staff", "--on", "2025-06-05", ok=False).output
    run("escalate", "H1", "--as", "u1_staff", "--on", "2025-06-05", "--reason", "与参加单位对职责划分有分歧")
    # 第十三条 上级协调: recorded by the 上级 with its 协调意见 (Mon 6/9); neither the unit nor the office records it
    assert "协调意见" in run("step", "coordinate", "H1", "--as", "shangji", "--on", "2025-06-09", ok=False).output
    for who in ("u1_staff", "duchashi"):
        assert "无权「上级协调」" in run("step", "coordinate", "H1", "--as", who, "--on", "2025-06-09",
                                   "--decision", "由发改委牵头", ok=False).output
    run("step", "coordinate", "H1", "--as", "shangji", "--on", "2025-06-09", "--decision", "由发改委牵头，财政局提供资金测算")
    shown = json.loads(run("show", "H1", "--json").output)
    steps = [(e["action"], e["on"], e["actor"]) for e in shown["events"]]
    assert steps[-2:] == [("escalate", "2025-06-05", "u1_staff"), ("coordinate", "2025-06-09", "shangji")]
    assert shown["events"][-1]["data"]["decision"] == "由发改委牵头，财政局提供资金测算"


def test_article_20_cli_forms_checked_against_the_list(run):
    _decision(run, "F1")
    out = run("remind", "F1", "--as", "duchashi", "--on", "2025-06-10", "--method", "电话", ok=False).output
    assert "「跟踪督办」的催办方式须为听取汇报、列席会议、召开座谈会、现场查访、暗访督查、调阅原始资料、开展问卷调查之一" in out
    run("remind", "F1", "--as", "duchashi", "--on", "2025-06-10", "--method", "开展问卷调查")
    out = run("finding", "F1", "--as", "duchashi", "--on", "2025-06-11", "--type", "deviation", "--note", "落实出现偏差",
              "--form", "网络舆情", ok=False).output
    assert "「调查核实」的督促检查形式须为听取汇报、列席会议" in out and "check_methods" in out
    run("finding", "F1", "--as", "duchashi", "--on", "2025-06-11", "--type", "deviation", "--note", "落实出现偏差",
        "--form", "暗访督查")
    shown = json.loads(run("show", "F1", "--json").output)
    assert [e["data"].get("method") or e["data"].get("form") for e in shown["events"][-2:]] == ["开展问卷调查", "暗访督查"]
    assert [f["rule"] for f in _due(run, "2025-06-11")] == ["deviation_correct"]


def test_article_21_cli_evaluation_by_another_supervising_department(run):
    _decision(run, "V2")
    out = run("step", "evaluate", "V2", "--as", "shenji", "--on", "2025-06-20", "--aspect", "群众满意度",
              "--evaluation", "满意", ok=False).output
    assert "「督促检查评价」的评价内容须为履行职责、依法行政、工作效率、服务质量、廉洁勤政之一" in out
    assert "无权「督促检查评价」" in run("step", "evaluate", "V2", "--as", "u1_staff", "--on", "2025-06-20",
                                   "--aspect", "服务质量", "--evaluation", "好", ok=False).output
    run("step", "evaluate", "V2", "--as", "shenji", "--on", "2025-06-20", "--aspect", "廉洁勤政",
        "--evaluation", "未发现违规问题")
    run("step", "evaluate", "V2", "--as", "duchashi", "--on", "2025-06-23", "--aspect", "工作效率",
        "--evaluation", "按节点推进", "--unit", "u1")
    shown = json.loads(run("show", "V2", "--json").output)
    assert [(e["actor"], e["data"]["aspect"], e["data"]["evaluation"]) for e in shown["events"] if e["action"] == "evaluate"] == [
        ("shenji", "廉洁勤政", "未发现违规问题"), ("duchashi", "工作效率", "按节点推进")]
