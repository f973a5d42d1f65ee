"""安康市《安康市政府系统督促检查工作办法》(安政办发〔2020〕1号): one test per article, hand-checked dates.

Calendar facts used (State Council notices): 2025 国庆节、中秋节 10/1–10/8 off, Sun 9/28 and Sat 10/11 worked;
2026 春节 2/15–2/23 off, Sat 2/14 and Sat 2/28 worked; 2023 中秋节、国庆节 9/29–10/6 off.
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
from hypothesis import given
from hypothesis import strategies as st

from ducha_ankang.policy import CRITICISM_CITY, GRADES, PROJECT_KINDS, SECTION_KINDS
from ducha_core.assessment import assess
from ducha_core.calendar import WorkingCalendar
from ducha_core.documents.render import render_markdown
from ducha_core.documents.snapshot import Snapshot
from ducha_core.errors import ActionRefused
from ducha_core.escalation import evaluate, unit_grades
from ducha_core.events import Event as E
from ducha_core.knockout import RUNNING_ENV
from ducha_core.knockout import run as knockout_run
from ducha_core.matter import MatterEngine, light
from ducha_core.model import Unit
from ducha_core.periods import AsAssigned, EndOf, Weeks, WorkingDays, resolve
from ducha_core.policy import load_policy
from ducha_core.traceability import not_enforced, report

CAL = WorkingCalendar.default()
POL = load_policy("ankang")
ENG = MatterEngine(POL, CAL)
HERE = Path(__file__)


def reg(mid="M1", kind="instruction", on=D(2025, 9, 30), actor="office", **data):
    return E(mid, "register", on, actor, {"kind": kind, "title": f"{kind}事项", **data})


def assigned(mid="M1", kind="instruction", on=D(2025, 9, 30), actor="office", units=("u1",), **data):
    """Events of a matter registered and assigned on ``on`` to ``units``."""
    return [reg(mid, kind, on, actor), E(mid, "assign", on, actor, {"lead_units": list(units), **data})]


def findings(states, as_of, category=None):
    return {(f.rule, f.unit) : f for f in evaluate(POL, CAL, states, as_of) if category in (None, f.category)}


# --- 第十三条 / identity ------------------------------------------------------------------------


def test_article_13_document_identity_and_in_force():
    j = POL.jurisdiction
    assert (j.id, j.name, j.level, j.office) == ("ankang", "安康市", "city", "市政府督查室")
    doc = j.document
    assert doc.number == "安政办发〔2020〕1号"
    assert doc.issuer == "安康市人民政府办公室"
    assert doc.issued == doc.effective == D(2020, 1, 6)
    assert doc.expires is None and doc.trial == ""
    # 自印发之日起实施: a matter registered before 2020-01-06 carries a warning; after, none
    assert "2020-01-06" in POL.force_warning(D(2020, 1, 5))
    assert POL.force_warning(D(2020, 1, 6)) is None
    assert ENG.fold([reg(on=D(2019, 12, 31))]).warnings
    assert ENG.fold([reg(on=D(2025, 9, 30))]).warnings == []


# --- 第二条、第三条、第八条 roles ---------------------------------------------------------------


def test_article_2_3_8_roles_of_units_and_office():
    r = POL.roles
    assert r["office"].name == "市政府督查室" and r["office"].scope == "office"
    assert r["unit"].scope == "unit" and "县区政府" in r["unit"].name
    assert r["unit_head"].scope == "unit" and "第一责任人" in r["unit_head"].name
    assert r["unit"].citation.article == "第八条"
    # 第二条: the bodies the document applies to (县区政府、市政府工作部门、直属机构) are the units that take the
    # unit's steps themselves: accept, report progress, report completion with 印证资料
    s = ENG.fold(assigned(deadline="2025-10-31"))
    s = ENG.apply(s, E("M1", "accept", D(2025, 10, 9), "unit:u1"))
    s = ENG.apply(s, E("M1", "progress", D(2025, 10, 15), "unit:u1", {"progress": "方案已制定"}))
    s = ENG.apply(s, E("M1", "submit", D(2025, 10, 30), "unit:u1", {"evidence": "验收材料"}))
    assert (s.state, s.progress_on, s.submitted_on) == ("submitted", [D(2025, 10, 15), D(2025, 10, 30)], D(2025, 10, 30))
    [result] = [ob for ob in s.obligations if ob.what == "result"]
    assert (result.owed_by, result.met_on) == (("u1",), D(2025, 10, 30))
    # a unit acts on its own matters only; the office does not report for it
    with pytest.raises(ActionRefused, match="u2 不是事项 M1 的承办单位"):
        ENG.apply(ENG.fold(assigned(deadline="2025-10-31")), E("M1", "accept", D(2025, 10, 9), "unit:u2"))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(ENG.fold(assigned(deadline="2025-10-31")), E("M1", "submit", D(2025, 10, 9), "office", {"evidence": "x"}))
    # 第八条: its head (第一责任人) may act for it too
    s = ENG.fold([*assigned(deadline="2025-10-31"), E("M1", "accept", D(2025, 10, 9), "unit_head:u1")])
    assert s.state == "accepted"


# --- 第四条 secretary-general, deputies, 提级督查 --------------------------------------------------


def test_article_4_roles_secretary_general_and_deputy():
    assert POL.roles["secretary_general"].name == "市政府秘书长"
    assert POL.roles["deputy_secretary_general"].scope == "leader"
    rule = next(a for a in POL.approvals if a.id == "escalate_to_office")
    assert (rule.approver_roles, rule.applies_to, rule.field, rule.citation.article) == (
        ("secretary_general",), ("escalate",), "approved_by", "第四条")
    # a deputy secretary-general chases (督办) the work of the leader he serves
    s = ENG.fold([*assigned(kind="section_instruction", actor="section", deadline="2025-10-31"),
                  E("M1", "remind", D(2025, 10, 9), "deputy_secretary_general", {"method": "电话"})])
    assert s.reminders == [(D(2025, 10, 9), "电话")]


def test_article_4_escalation_needs_secretary_general():
    events = [*assigned(kind="key_project", actor="section", deadline="2025-11-28"),
              E("M1", "remind", D(2025, 10, 9), "section", {"method": "书面"})]
    s = ENG.fold(events)
    # the section records the transfer (转交市政府督查室), but not on its own: 经市政府秘书长同意 — the step names
    # the secretary-general who agreed (--approved-by), with the reason
    with pytest.raises(ActionRefused, match="缺少审批领导"):
        ENG.apply(s, E("M1", "escalate", D(2025, 10, 20), "section", {"reason": "催办后效果不佳"}))
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(s, E("M1", "escalate", D(2025, 10, 20), "section", {"approved_by": "secretary_general"}))
    # the agreement of a deputy secretary-general or of the 分管领导 is not the secretary-general's
    for who in ("deputy_secretary_general", "leader_in_charge"):
        with pytest.raises(ActionRefused, match=r"不是市政府秘书长：「提级督查（经秘书长同意转交督查室）」须经市政府秘书长批准（第四条）"):
            ENG.check_new(s, E("M1", "escalate", D(2025, 10, 20), "section",
                               {"reason": "催办后效果不佳", "approved_by": who}))
    # nor may a unit transfer its own matter
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(s, E("M1", "escalate", D(2025, 10, 20), "unit:u1",
                       {"reason": "催办后效果不佳", "approved_by": "secretary_general"}))
    agreed = E("M1", "escalate", D(2025, 10, 20), "section", {"reason": "催办后落实效果不佳", "approved_by": "secretary_general"})
    ENG.check_new(s, agreed)
    s = ENG.apply(s, agreed)
    assert s.state == "escalated" and POL.states["escalated"].name == "提级督查（市政府督查室督办）"
    assert POL.states["escalated"].clock_running
    # the unit still owes its report; the office now chases it
    s = ENG.apply(s, E("M1", "remind", D(2025, 10, 21), "office", {"method": "实地督办"}))
    s = ENG.apply(s, E("M1", "submit", D(2025, 10, 30), "unit:u1", {"evidence": "验收报告"}))
    assert s.state == "submitted"
    # escalating twice is not a step of the document
    s2 = ENG.fold([*events, E("M1", "escalate", D(2025, 10, 20), "section", {"reason": "x", "approved_by": "secretary_general"})])
    with pytest.raises(ActionRefused, match="「提级督查（经秘书长同意转交督查室）」不能在「提级督查（市政府督查室督办）」状态下进行"):
        ENG.apply(s2, E("M1", "escalate", D(2025, 10, 22), "section", {"reason": "x", "approved_by": "secretary_general"}))


def test_article_4_escalation_only_for_matters_of_the_deputies_and_sections():
    # 第四条: the 副秘书长 (and the sections of 第六条) chase their leader's work; a matter of theirs that chasing
    # does not move is 转交市政府督查室. The matters of 第五条 are the 督查室's own: nothing to transfer.
    assert SECTION_KINDS == ("special_meeting", "field_meeting", "section_instruction", "document", "key_project")
    assert all(POL.kinds[k].citation.article.startswith("第六条") for k in SECTION_KINDS)
    escalate = POL.transition("assigned", "escalate")
    assert escalate.kinds == SECTION_KINDS and escalate.citation.article == "第四条"
    for kind in ("instruction", "decision", "annual_task", "npc_suggestion"):
        s = ENG.fold([*assigned(kind=kind, deadline="2025-11-28"),
                      E("M1", "remind", D(2025, 10, 9), "office", {"method": "电话"})])
        with pytest.raises(ActionRefused, match=r"「提级督查（经秘书长同意转交督查室）」只适用于.*（第四条）"):
            ENG.apply(s, E("M1", "escalate", D(2025, 10, 20), "office",
                           {"reason": "催办后效果不佳", "approved_by": "secretary_general"}))
    for kind in ("section_instruction", "document", "field_meeting"):
        s = ENG.fold([*assigned(kind=kind, actor="section", deadline="2025-11-28"),
                      E("M1", "remind", D(2025, 10, 9), "deputy_secretary_general", {"method": "电话"})])
        s = ENG.apply(s, E("M1", "escalate", D(2025, 10, 20), "deputy_secretary_general",
                           {"reason": "催办后效果不佳", "approved_by": "secretary_general"}))
        assert s.state == "escalated"


def test_article_4_overdue_chases_then_escalation_for_section_matters():
    # result due Fri 2025-10-31, not reported. 督办 (overdue_remind) is proposed from the first working day after it,
    # Mon 11/3, and again chase_every (5个工作日) after the last chase: 11/4, 5, 6, 7, 10 → again from Tue 11/11.
    # 第四条 催办后落实效果不佳: after escalate_after_chases (2) chases following the last day with the result still
    # owed, 提级督查 (chase_escalate) is proposed for the 科室's kinds only — once the unit has had chase_every
    # (5个工作日) to answer the second chase: Tue 11/11 + 11/12, 13, 14, 17, 18 → from Wed 11/19. The finding is
    # dated the day the count was reached (the second chase, 11/11)
    for kind, actor in (("key_project", "section"), ("section_instruction", "section"), ("instruction", "office")):
        events = assigned(kind=kind, actor=actor, on=D(2025, 9, 1), deadline="2025-10-31")
        s = ENG.fold(events)
        assert findings([s], D(2025, 10, 31)) == {}
        remind = findings([s], D(2025, 11, 3))[("overdue_remind", "u1")]
        assert (remind.proposes, remind.on, remind.citation.article) == ("remind", D(2025, 11, 3), "第四条、第六条")
        events.append(E("M1", "remind", D(2025, 11, 3), actor, {"method": "电话"}))
        s = ENG.fold(events)
        assert findings([s], D(2025, 11, 10), "escalation") == {}
        again = findings([s], D(2025, 11, 11))[("overdue_remind", "u1")]
        assert again.on == D(2025, 11, 11) and "2025-11-03 已催办" in again.reason
        events.append(E("M1", "remind", D(2025, 11, 11), actor, {"method": "书面"}))
        s = ENG.fold(events)
        # not the day after the second chase (Wed 11/12), nor on the 5th working day after it (Tue 11/18)
        for day in (D(2025, 11, 11), D(2025, 11, 12), D(2025, 11, 18)):
            assert findings([s], day, "escalation") == {}
        # 11/19 is also when the third 督办 falls due (11/11 + 5个工作日), for every kind
        f = findings([s], D(2025, 11, 19), "escalation")
        assert f[("overdue_remind", "u1")].on == D(2025, 11, 19)
        if kind not in SECTION_KINDS:  # a 第五条 matter is the 督查室's own: nothing to transfer
            assert set(f) == {("overdue_remind", "u1")}
            continue
        up = f[("chase_escalate", "u1")]
        assert (up.proposes, up.on, up.level, up.citation.article) == ("escalate", D(2025, 11, 11), 2, "第四条")
        assert "已催办2次（最近 2025-11-11）" in up.reason
        # a third chase on 11/19 does not put the 提级督查 off (the wait runs from the 2nd chase): still proposed
        # that day and after, naming 3 chases
        third = ENG.fold([*events, E("M1", "remind", D(2025, 11, 19), actor, {"method": "书面"})])
        for day in (D(2025, 11, 19), D(2025, 11, 26)):
            up3 = findings([third], day)[("chase_escalate", "u1")]
            assert up3.on == D(2025, 11, 11) and "已催办3次（最近 2025-11-19）" in up3.reason
        # a chase before the last day does not count: only one chase after 10/31 → nothing to escalate
        early = ENG.fold([*events[:2], E("M1", "remind", D(2025, 10, 20), actor, {"method": "电话"}), events[2]])
        assert ("chase_escalate", "u1") not in findings([early], D(2025, 11, 19))
        # the secretary-general agrees: escalated, no longer proposed
        done = ENG.apply(s, E("M1", "escalate", D(2025, 11, 19), actor,
                              {"reason": up.reason, "approved_by": "secretary_general", "step": "chase_escalate"}))
        assert done.state == "escalated"
        assert ("chase_escalate", "u1") not in findings([done], D(2025, 11, 20))
    # the settings: chase every 3 working days (11/4, 5, 6 → again from Fri 11/7); escalate after 3 chases, once
    # the unit has had chase_every (3个工作日) after the third (Wed 11/12 + 11/13, 14, 17 → from Tue 11/18)
    pol = load_policy("ankang", {"chase_every": "3个工作日", "escalate_after_chases": 3})
    events = [*assigned(kind="key_project", actor="section", on=D(2025, 9, 1), deadline="2025-10-31"),
              E("M1", "remind", D(2025, 11, 3), "section", {"method": "电话"})]
    s = MatterEngine(pol, CAL).fold(events)
    assert "overdue_remind" not in {f.rule for f in evaluate(pol, CAL, [s], D(2025, 11, 6))}
    assert "overdue_remind" in {f.rule for f in evaluate(pol, CAL, [s], D(2025, 11, 7))}
    events += [E("M1", "remind", D(2025, 11, 7), "section", {"method": "电话"})]
    assert "chase_escalate" not in {f.rule for f in evaluate(pol, CAL, [MatterEngine(pol, CAL).fold(events)],
                                                            D(2025, 11, 10))}
    events += [E("M1", "remind", D(2025, 11, 12), "section", {"method": "书面"})]
    s = MatterEngine(pol, CAL).fold(events)
    assert "chase_escalate" not in {f.rule for f in evaluate(pol, CAL, [s], D(2025, 11, 17))}
    assert "chase_escalate" in {f.rule for f in evaluate(pol, CAL, [s], D(2025, 11, 18))}


def test_article_4_no_escalation_when_the_setting_is_zero():
    # escalate_after_chases = 0 switches 提级督查 off: never proposed, however many chases go unanswered
    off = load_policy("ankang", {"escalate_after_chases": 0})
    events = assigned(kind="key_project", actor="section", on=D(2025, 9, 1), deadline="2025-10-31")
    s = MatterEngine(off, CAL).fold(events)
    # Mon 11/3 is the first working day after 10/31, no chase yet: only the 督办 is proposed
    assert {f.rule for f in evaluate(off, CAL, [s], D(2025, 11, 3))} == {"overdue_remind"}
    # chased on 11/3 and 11/11, still nothing to escalate on 11/19 (when the default setting would propose it)
    events += [E("M1", "remind", D(2025, 11, 3), "section", {"method": "电话"}),
               E("M1", "remind", D(2025, 11, 11), "section", {"method": "书面"})]
    s = MatterEngine(off, CAL).fold(events)
    assert "chase_escalate" not in {f.rule for f in evaluate(off, CAL, [s], D(2025, 11, 19))}
    assert "chase_escalate" in {f.rule for f in evaluate(POL, CAL, [ENG.fold(events)], D(2025, 11, 19))}


def test_article_4_chase_escalate_confirmed_through_the_cli(tmp_path, monkeypatch):
    from ducha_core.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def ok(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    ok("init", "--jurisdiction", "ankang")
    with open("ducha.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[person]]\nid = "keshi"\nname = "科室工作人员"\nroles = ["section"]\n'
                 '\n[[person]]\nid = "mishuzhang"\nname = "市政府秘书长"\nroles = ["secretary_general"]\n')
    ok("register", "--as", "keshi", "--on", "2025-09-01", "--kind", "key_project", "--title", "联系重点项目", "--id", "P")
    ok("assign", "P", "--as", "keshi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-10-31")

    def due(day):
        return {f["rule"]: f for f in json.loads(ok("due", "--as-of", day, "--json"))["findings"]}

    assert set(due("2025-10-31")) == set()
    first = due("2025-11-03")["overdue_remind"]
    assert (first["on"], first["proposes"]) == ("2025-11-03", "remind")
    ok(*shlex.split(first["confirm"])[1:])  # ducha remind P --unit u1 --method 电话催办 … --step overdue_remind
    assert set(due("2025-11-10")) == set()
    second = due("2025-11-11")["overdue_remind"]
    ok(*shlex.split(second["confirm"])[1:])
    # the unit has chase_every (5个工作日: 11/12, 13, 14, 17, 18) to answer the second chase: nothing until Wed 11/19
    assert set(due("2025-11-12")) == set() and set(due("2025-11-18")) == set()
    up = due("2025-11-19")["chase_escalate"]
    assert (up["on"], up["proposes"], up["unit"], up["matter"]) == ("2025-11-11", "escalate", "u1", "P")
    # the 科室 that chased records the transfer, naming the secretary-general who agreed (第四条)
    assert " --approved-by mishuzhang --as keshi --on 2025-11-19 --step chase_escalate" in up["confirm"]
    ok(*shlex.split(up["confirm"])[1:])
    assert "chase_escalate" not in due("2025-11-20")
    assert "提级督查" in ok("show", "P", "--as-of", "2025-11-20")


# --- 第五条、第六条 kinds ---------------------------------------------------------------------------


def test_article_5_6_kinds_mapped_onto_core_kinds():
    core = {k: v.core_kind for k, v in POL.kinds.items()}
    assert core == {
        "decision": "decision", "annual_task": "annual_task", "meeting": "meeting", "instruction": "instruction",
        "npc_suggestion": "npc_suggestion", "cppcc_proposal": "cppcc_proposal", "public_concern": "public_concern",
        "rectification": "rectification", "other": "other", "special_meeting": "meeting",
        "field_meeting": "meeting", "section_instruction": "instruction", "document": "document",
        "key_project": "other", "unplanned_inspection": "other",
    }
    assert POL.kinds["public_concern"].citation.article == "第五条(六)"
    assert POL.kinds["key_project"].citation.article == "第六条(三)"
    office_kinds = {k for k, v in POL.kinds.items() if v.citation.article.startswith("第五条")}
    assert len(office_kinds) == 9


def test_article_5_office_registers_and_assigns_its_matters():
    # 第五条: the 市政府督查室 is the body charged with supervising the matters of (一)–(七): it registers them for
    # supervision (立项) and assigns them (交办) to the units; a unit can do neither
    office_kinds = [k for k, v in POL.kinds.items() if v.citation.article.startswith("第五条")]
    assert office_kinds == ["decision", "annual_task", "meeting", "instruction", "npc_suggestion", "cppcc_proposal",
                            "public_concern", "rectification", "other"]
    for kind in office_kinds:
        s = ENG.apply(None, reg(kind=kind, on=D(2025, 9, 30), actor="office"))
        assert (s.state, s.kind, s.registered_on) == ("registered", kind, D(2025, 9, 30))
        meeting = {"meeting": "2025-09-26"} if kind == "meeting" else {}
        s = ENG.apply(s, E("M1", "assign", D(2025, 9, 30), "office",
                           {"lead_units": ["u1"], "deadline": "2025-10-31", **meeting}))
        assert (s.state, list(s.lead_units), s.assigned_on, s.due.date) == (
            "assigned", ["u1"], D(2025, 9, 30), D(2025, 10, 31))
    with pytest.raises(ActionRefused, match="市政府督查室"):
        ENG.apply(None, reg(actor="unit:u1"))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(ENG.fold([reg()]), E("M1", "assign", D(2025, 9, 30), "unit:u1",
                                        {"lead_units": ["u1"], "deadline": "2025-10-31"}))


def test_article_6_result_time_limit_set_by_the_assignment_notice():
    # 第六条 交办: the document sets no time limit for the result (第九条 only for progress reports); the plugin
    # reads it as the one the assignment notice sets (notice_result, setting notice_result_period)
    assert POL.setting("notice_result_period") == "交办通知明确的时限"
    s = ENG.fold([reg(kind="key_project", actor="section")])
    with pytest.raises(ActionRefused, match=r"「交办」缺少办理时限（第六条：.*请加上 --deadline YYYY-MM-DD"):
        ENG.apply(s, E("M1", "assign", D(2025, 9, 30), "section", {"lead_units": ["u1"]}))
    # the notice's day, moved off a rest day: Sat 10/4 is in the holiday (10/1–10/8) → Thu 10/9
    s = ENG.apply(s, E("M1", "assign", D(2025, 9, 30), "section", {"lead_units": ["u1"], "deadline": "2025-10-04"}))
    assert (s.due.rule, s.due.date, s.due.citation.article) == ("explicit", D(2025, 10, 9), "第六条")
    # a deployment may fix a period instead: 30个工作日 from the assignment (Tue 9/30, not counted): 10/9, 10/10,
    # Sat 10/11 (调休上班) = 3, 10/13–17 = 8, 10/20–24 = 13, 10/27–31 = 18, 11/3–7 = 23, 11/10–14 = 28, 11/17, 11/18
    # → Tue 11/18; then an assignment without --deadline is accepted
    thirty = load_policy("ankang", {"notice_result_period": "30个工作日"})
    s = MatterEngine(thirty, CAL).fold(assigned(kind="key_project", actor="section"))
    assert (s.due.rule, s.due.date, s.due.citation.article) == ("notice_result", D(2025, 11, 18), "第六条")


def test_article_6_section_assigns_chases_and_reports_back():
    s = ENG.fold([
        *assigned(kind="key_project", on=D(2025, 9, 30), actor="section", deadline="2025-11-28"),
        E("M1", "accept", D(2025, 9, 30), "unit:u1"),
        E("M1", "remind", D(2025, 10, 15), "section", {"method": "电话"}),
        E("M1", "progress", D(2025, 10, 20), "unit:u1", {"visible_progress": "主体完工60%"}),
        E("M1", "submit", D(2025, 11, 20), "unit:u1", {"evidence": "竣工验收照片"}),
        E("M1", "review_pass", D(2025, 11, 21), "section"),
    ])
    assert s.state == "passed" and POL.states["passed"].name.startswith("已完成")
    s = ENG.apply(s, E("M1", "report_up", D(2025, 11, 21), "deputy_secretary_general"))
    assert s.state == "reported" and POL.action_name("report_up") == "反馈"
    s = ENG.apply(s, E("M1", "close", D(2025, 11, 24), "section"))
    assert s.state == "closed" and POL.states["closed"].terminal
    assert light(POL, CAL, s, D(2025, 12, 1)) == "done"


# --- 第七条 quarterly ledgers and bulletin ------------------------------------------------------------


@pytest.mark.parametrize(("day", "due"), [
    (D(2025, 8, 15), D(2025, 9, 30)),   # Tue
    (D(2025, 11, 3), D(2025, 12, 31)),  # Wed
    (D(2024, 2, 1), D(2024, 3, 29)),    # 3/31 is a Sunday → Fri 3/29
    (D(2023, 7, 1), D(2023, 9, 28)),    # 9/29–10/6 中秋节、国庆节 → Thu 9/28
])
def test_article_7_quarterly_ledger_due_last_workday_of_quarter(day, due):
    cycle = next(c for c in POL.cycles if c.id == "section_quarterly_ledger")
    assert (cycle.every, cycle.reporter, cycle.due) == ("quarter", "section", EndOf("quarter"))
    assert cycle.citation.article == "第七条"
    assert resolve(cycle.due, day, CAL).date == due
    bulletin = next(c for c in POL.cycles if c.id == "quarterly_bulletin")
    assert bulletin.every == "quarter" and "进展缓慢" in bulletin.citation.quote
    assert POL.setting("quarterly_bulletin_day") is None  # the document fixes no day


def test_article_7_quarterly_bulletin_template_three_categories():
    # 分口汇总: the 口 of a matter is its lead unit's ``line`` in ducha.toml
    units = {"u1": Unit("u1", "市发改委", line="工业口"), "u2": Unit("u2", "市交通局", line="交通口")}
    events = [
        reg("A", "key_project", D(2025, 9, 30), "section"),
        E("A", "assign", D(2025, 9, 30), "section", {"lead_units": ["u1"], "deadline": "2025-10-31"}),
        E("A", "submit", D(2025, 10, 30), "unit:u1", {"evidence": "照片"}),
        E("A", "review_pass", D(2025, 10, 31), "section"),
        reg("B", "instruction", D(2025, 12, 1)),
        E("B", "assign", D(2025, 12, 1), "office", {"lead_units": ["u1"], "deadline": "2026-01-30"}),
        reg("C", "instruction", D(2025, 11, 3)),
        E("C", "assign", D(2025, 11, 3), "office", {"lead_units": ["u2"], "deadline": "2025-12-15"}),
        reg("D", "instruction", D(2025, 12, 1)),
        E("D", "assign", D(2025, 12, 1), "office", {"lead_units": ["u2"], "deadline": "2026-01-30"}),
        E("D", "submit", D(2025, 12, 10), "unit:u2", {"evidence": "材料"}),
        E("D", "review_return", D(2025, 12, 11), "office", {"reason": "漏项"}),
        reg("S", "instruction", D(2025, 12, 1), confidential=True, viewers=["秘书长"]),
        E("S", "assign", D(2025, 12, 1), "office", {"lead_units": ["u1"], "deadline": "2025-12-05"}),
        E("C", "bulletin", D(2025, 12, 30), "office", {**CRITICISM_CITY, "step": "interview_no_progress"}),
    ]
    snap = Snapshot.from_events(POL, CAL, events, D(2025, 12, 31), units=units)
    groups = {k: [s.id for s in v] for k, v in snap.by_progress_status().items()}
    assert groups == {"已完成": ["A"], "进展顺利": ["B"], "进展缓慢": ["C", "D", "S"]}
    text = render_markdown(snap, "bulletin", "2025-Q4", today=D(2026, 1, 8))
    assert "\n# 关于2025年第四季度重点工作落实情况的通报\n" in text and "安政办发〔2020〕1号" in text
    assert "已完成1件，进展顺利1件，进展缓慢2件" in text  # the confidential matter is not published
    industry = text.split("、工业口")[1].split("、交通口")[0]
    transport = text.split("、交通口")[1].split("### 通报表扬")[0]
    assert "**已完成（1件）**" in industry and "「key_project事项」（A），承办：市发改委" in industry
    assert "**进展顺利（1件）**" in industry and "（B）" in industry
    assert "**已完成（0件）**" in transport and "**进展缓慢（2件）**" in transport
    assert "**进展顺利（0件）**" in transport
    # C: due Mon 12/15, not reported by 12/31: 12/16–19 (4), 12/22–26 (9), 12/29–31 (12) working days
    assert ("（C），承办：市交通局；交办通知明确的办理时限于2025年12月15日到期，"
            "截至2025年12月31日已逾期12个工作日仍未报送办理结果") in transport
    assert "（D），承办：市交通局；退回重办或补办1次" in transport
    assert "「instruction事项」（S）" not in text
    assert ("市交通局：「instruction事项」经约谈仍无明显进展，2025年12月30日在全市范围予以通报批评，"
            "并在新闻媒体上公开曝光（第十二条(三)）") in text


def test_article_7_quarterly_bulletin_day_follows_its_setting():
    from ducha_core.cycles import occurrences

    def bulletin_days(pol):
        return [(o.label, o.due) for o in occurrences(pol, CAL, D(2025, 7, 1), D(2026, 1, 1))
                if o.cycle.id == "quarterly_bulletin"]

    # 每季度……汇总通报: once a quarter, on no day the document names — none by default
    assert POL.setting("quarterly_bulletin_day") is None
    assert bulletin_days(POL) == [("2025年第3季度", None), ("2025年第4季度", None), ("2026年第1季度", None)]
    # a deployment's day, counted from the quarter's first day. 3个月: Q3 7/1 → 10/1, in the holiday (10/1–10/8)
    # → Thu 10/9; Q4 10/1 → 2026-01-01 (元旦 1/1–1/3) → Sun 1/4 (调休上班); 2026 Q1 1/1 → Wed 4/1
    months = load_policy("ankang", {"quarterly_bulletin_day": "3个月"})
    assert bulletin_days(months) == [("2025年第3季度", D(2025, 10, 9)), ("2025年第4季度", D(2026, 1, 4)),
                                     ("2026年第1季度", D(2026, 4, 1))]
    # the ledgers' own day (每季度末最后1个工作日): Tue 9/30, Wed 12/31, Tue 2026-03-31
    same = load_policy("ankang", {"quarterly_bulletin_day": "每季度末最后1个工作日"})
    assert bulletin_days(same) == [("2025年第3季度", D(2025, 9, 30)), ("2025年第4季度", D(2025, 12, 31)),
                                   ("2026年第1季度", D(2026, 3, 31))]


def test_article_7_ledger_closes_completed_matters():
    # 建立督查台账，对重点工作实行动态化管理: a matter whose completion has passed review is closed (办结，台账销号)
    # by the section or the office; not before the review, not by the unit; a closed matter takes no further step
    base = [*assigned(kind="document", actor="section", deadline="2025-10-31"),
            E("M1", "submit", D(2025, 10, 20), "unit:u1", {"evidence": "落实文件"})]
    s = ENG.fold(base)
    with pytest.raises(ActionRefused, match="不能在「已报送（待审核）」状态下进行"):
        ENG.apply(s, E("M1", "close", D(2025, 10, 21), "section"))
    passed = E("M1", "review_pass", D(2025, 10, 21), "section")
    s = ENG.apply(s, passed)
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(s, E("M1", "close", D(2025, 10, 22), "unit:u1"))
    close = E("M1", "close", D(2025, 10, 22), "section")
    closed = ENG.apply(s, close)
    assert (closed.state, closed.closed_on, POL.action_name("close")) == ("closed", D(2025, 10, 22), "办结（台账销号）")
    assert POL.states["closed"].terminal and light(POL, CAL, closed, D(2025, 10, 31)) == "done"
    for action, actor, data in (("remind", "section", {"method": "电话"}), ("progress", "unit:u1", {"progress": "x"}),
                                ("submit", "unit:u1", {"evidence": "x"})):
        with pytest.raises(ActionRefused, match="不能在「已办结」状态下进行"):
            ENG.apply(closed, E("M1", action, D(2025, 10, 23), actor, data))
    # the office may close one of its own matters too, after it was reported back (反馈)
    own = ENG.fold([*assigned(deadline="2025-10-31"), E("M1", "submit", D(2025, 10, 20), "unit:u1", {"evidence": "x"}),
                    E("M1", "review_pass", D(2025, 10, 21), "office"), E("M1", "report_up", D(2025, 10, 21), "office")])
    assert ENG.apply(own, E("M1", "close", D(2025, 10, 22), "office")).state == "closed"



# --- 第九条 reports ---------------------------------------------------------------------------------


def occurrence(state, month, as_of):
    """The occurrence of the lead unit u1's monthly report (第九条) for the month beginning ``month``."""
    wanted = f"cycle:monthly_annual_tasks:u1:{month.isoformat()}"
    return next(ob for ob in ENG.obligations(state, as_of) if ob.id == wanted)


@pytest.mark.parametrize(("assigned_on", "due"), [
    (D(2025, 9, 3), D(2025, 9, 30)),    # Tue, the month's last day
    (D(2025, 11, 3), D(2025, 11, 28)),  # 11/30 is a Sunday → Fri 11/28
    (D(2025, 8, 1), D(2025, 8, 29)),    # 8/31 Sunday → Fri 8/29
])
def test_article_9_monthly_annual_task_report_last_workday(assigned_on, due):
    # the monthly report (第九条) is a recurring report each lead unit owes from the assignment, not a time limit
    # of the matter; the result's day is the one the assignment notice sets (第六条, 交办通知明确的时限)
    assert "annual_task_monthly" not in {t.id for t in POL.time_limits}
    assert [t.id for t in POL.limits_for("annual_task")] == ["notice_result"]
    s = ENG.fold(assigned(kind="annual_task", on=assigned_on, deadline="2025-12-31"))
    assert (s.due.rule, s.due.date, s.due.citation.article) == ("explicit", D(2025, 12, 31), "第六条")
    assert [d.rule for d in s.deadlines] == ["explicit"]
    [series] = s.series
    assert (series.id, series.owed_by, series.starts, series.ended_on) == (
        "cycle:monthly_annual_tasks:u1", ("u1",), assigned_on, None)
    [monthly] = [ob for ob in ENG.obligations(s, assigned_on) if ob.what == "cycle"]
    first = assigned_on.replace(day=1)
    assert (monthly.id, monthly.owed_by, monthly.due) == (f"cycle:monthly_annual_tasks:u1:{first.isoformat()}",
                                                         ("u1",), due)
    assert monthly.deadline.citation.article == "第九条" and "含当日" in monthly.deadline.reading
    assert occurrence(s, first, due).status(due) == "open"  # the last working day itself is in time
    after = CAL.add_workdays(due, 1)
    assert occurrence(s, first, after).status(after) == "overdue"
    cycle = next(c for c in POL.cycles if c.id == "monthly_annual_tasks")
    assert cycle.kinds == ("annual_task",) and resolve(cycle.due, assigned_on, CAL).date == due


def test_article_9_monthly_report_make_up_saturday_counts():
    # February 2026: Sat 2/28 is a make-up working day (春节调休), so it is the month's last working day
    s = ENG.fold(assigned(kind="annual_task", on=D(2026, 2, 3), deadline="2026-12-31"))
    feb = occurrence(s, D(2026, 2, 1), D(2026, 2, 3))
    assert (feb.due, feb.period) == (D(2026, 2, 28), "2026年2月")
    assert any("2/28 周六调休上班" in line for line in feb.deadline.explanation)
    # assigned on that Saturday itself: February's report, due the day of assignment, is not owed; March's
    # (Tue 3/31) is the first
    late = ENG.fold(assigned(kind="annual_task", on=D(2026, 2, 28), deadline="2026-12-31"))
    owed = [ob for ob in ENG.obligations(late, D(2026, 3, 2)) if ob.what == "cycle"]
    assert [(ob.period, ob.due) for ob in owed] == [("2026年3月", D(2026, 3, 31))]
    # May 2026 ends on a Sunday: Fri 5/29 under the plugin's reading; a deployment may read 每月最后1日
    s = ENG.fold(assigned(kind="annual_task", on=D(2026, 5, 6), deadline="2026-12-31"))
    assert occurrence(s, D(2026, 5, 1), D(2026, 5, 6)).due == D(2026, 5, 29)
    other = load_policy("ankang", {"monthly_report_due": "每月最后1日"})
    s2 = MatterEngine(other, CAL).fold(assigned(kind="annual_task", on=D(2026, 5, 6), deadline="2026-12-31"))
    [may] = [ob for ob in MatterEngine(other, CAL).obligations(s2, D(2026, 5, 6)) if ob.what == "cycle"]
    assert may.due == D(2026, 5, 31)


def test_article_9_monthly_reports_tracked_every_month():
    # 年度重点任务 assigned Mon 2026-01-05; January's report comes in on 1/20, then nothing more.
    # Last working days: Jan Fri 1/30, Feb Sat 2/28 (调休上班), Mar Tue 3/31, Apr Thu 4/30, May Fri 5/29
    # (5/30 Sat, 5/31 Sun), Jun Tue 6/30
    state = ENG.fold([*assigned(kind="annual_task", on=D(2026, 1, 5), deadline="2026-12-31"),
                      E("M1", "progress", D(2026, 1, 20), "unit:u1", {"progress": "1月进展"})])
    as_of = D(2026, 6, 1)
    got = {ob.period: (ob.due, ob.status(as_of)) for ob in ENG.obligations(state, as_of) if ob.what == "cycle"}
    assert got == {
        "2026年1月": (D(2026, 1, 30), "met"),
        "2026年2月": (D(2026, 2, 28), "missed"),   # the next report (3/31) has fallen due too
        "2026年3月": (D(2026, 3, 31), "missed"),
        "2026年4月": (D(2026, 4, 30), "missed"),
        "2026年5月": (D(2026, 5, 29), "overdue"),  # past its day, June's (6/30) not yet due
        "2026年6月": (D(2026, 6, 30), "open"),
    }
    jan = occurrence(state, D(2026, 1, 1), as_of)
    assert (jan.met_on, jan.late_by) == (D(2026, 1, 20), 0)
    # 不按期报送进展情况: each report not made is a lapse of its own, arising the first working day after its last
    # day: Sat 2/28 → Mon 3/2; Tue 3/31 → Wed 4/1; Thu 4/30 → Wed 5/6 (劳动节 5/1–5/5); Fri 5/29 → Mon 6/1.
    # January's report (in on 1/20) is not one of them.
    lapsed = [o for o in ENG.obligations(state, as_of) if o.series and o.status(as_of) in ("missed", "overdue")]
    assert [(o.due, CAL.add_workdays(o.due, 1)) for o in lapsed] == [
        (D(2026, 2, 28), D(2026, 3, 2)), (D(2026, 3, 31), D(2026, 4, 1)), (D(2026, 4, 30), D(2026, 5, 6)),
        (D(2026, 5, 29), D(2026, 6, 1))]
    # one proposal for the matter and unit, dated from the first lapse, naming the lapses (the first three, then
    # how many): one 重点督办 answers them all
    [late] = [f for f in evaluate(POL, CAL, [state], as_of) if f.rule == "progress_report_late"]
    assert (late.on, late.fact, late.unit, late.matter, late.proposes) == (
        D(2026, 3, 2), "cycle:monthly_annual_tasks:u1:2026-02-01", "u1", "M1", "priority_chase")
    assert late.reason == ("年度重点任务（公开承诺事项）当月进展（2026年2月）（2026-02-28）漏报；"
                           "另有3项逾期（期限 2026-03-31、2026-04-30、2026-05-29）")
    # one 重点督办 on 6/1 covers every lapse that arose by then; June's report (Tue 6/30) not made is a new lapse,
    # proposed again from Wed 7/1
    chased = ENG.apply(state, E("M1", "priority_chase", as_of, "office",
                                {"reason": "不按期报送进展情况", "until": "2026-06-12", "step": "progress_report_late"}))
    assert [f for f in evaluate(POL, CAL, [chased], D(2026, 6, 30)) if f.rule == "progress_report_late"] == []
    [again] = [f for f in evaluate(POL, CAL, [chased], D(2026, 7, 1)) if f.rule == "progress_report_late"]
    assert (again.on, again.fact) == (D(2026, 7, 1), "cycle:monthly_annual_tasks:u1:2026-06-01")
    # the matter shows red: a report a unit owes is past its day
    assert light(POL, CAL, state, as_of) == "red"


@given(st.dates(min_value=D(2020, 1, 6), max_value=D(2026, 12, 31)))
def test_article_9_monthly_due_is_the_last_working_day_of_the_month(day):
    due = resolve(EndOf("month"), day, CAL).date
    assert (due.year, due.month) == (day.year, day.month) and CAL.is_workday(due)
    after = due.toordinal() + 1
    while D.fromordinal(after).month == day.month:
        assert not CAL.is_workday(D.fromordinal(after))
        after += 1


def progress_obligations(state):
    return [ob for ob in state.obligations if ob.what == "progress"]


def test_article_9_meeting_decisions_30_working_days():
    # 常务会议 on Tue 2025-09-30, assigned after the holiday; 30 working days from the meeting:
    # Oct 9,10,11(Sat, worked),13–17,20–24,27–31 = 18; Nov 3–7,10–14 = 28; 17, 18 → 2025-11-18
    s = ENG.fold(assigned(kind="meeting", on=D(2025, 10, 9), meeting="2025-09-30", deadline="2025-12-31"))
    # the result: by the day the assignment notice sets; the 30 working days are a progress report
    assert (s.due.rule, s.due.what, s.due.date) == ("explicit", "result", D(2025, 12, 31))
    [ob] = progress_obligations(s)
    assert (ob.owed_by, ob.starts, ob.limit) == (("u1",), D(2025, 10, 9), "meeting_progress_30wd")
    d = ob.deadline
    assert (d.rule, d.what, d.anchor, d.date) == ("meeting_progress_30wd", "progress", D(2025, 9, 30), D(2025, 11, 18))
    assert d.citation.article == "第九条" and "30个工作日" in d.citation.quote
    assert any("10/11 周六调休上班" in line for line in d.explanation)
    assert [x.date for x in s.deadlines] == [D(2025, 12, 31), D(2025, 11, 18)]
    # each lead unit owes its own progress report
    two = ENG.fold(assigned(kind="meeting", on=D(2025, 10, 9), meeting="2025-09-30", deadline="2025-12-31",
                            units=("u1", "u2")))
    assert sorted((ob.owed_by, ob.due) for ob in progress_obligations(two)) == [
        (("u1",), D(2025, 11, 18)), (("u2",), D(2025, 11, 18))]


def test_article_9_meeting_decisions_across_spring_festival():
    # 专项问题办公会议 on Fri 2026-01-30: Feb 2–6 (5), 9–13 (10), Sat 2/14 (11), 2/15–2/23 off, 24–27 (15),
    # Sat 2/28 (16), Mar 2–6 (21), 9–13 (26), 16–19 (30) → 2026-03-19
    s = ENG.fold(assigned(kind="special_meeting", on=D(2026, 2, 2), actor="section", meeting="2026-01-30",
                          deadline="2026-04-30"))
    [ob] = progress_obligations(s)
    assert (ob.rule, ob.due) == ("meeting_progress_30wd", D(2026, 3, 19))
    # 现场办公会议 is not listed in 第九条: only the time limit the assignment notice sets
    assert [t.id for t in POL.limits_for("field_meeting")] == ["notice_result"]


def test_article_9_meeting_progress_obligation_shows_in_light():
    # 常务会议 on Wed 2025-09-24, assigned Fri 9/26 with the result due 12/31. 30 working days from 9/24:
    # 9/25, 9/26, Sun 9/28 (调休上班), 9/29, 9/30 = 5; 10/1–10/8 off; 10/9, 10/10, Sat 10/11 (调休上班) = 8;
    # 10/13–17 = 13, 10/20–24 = 18, 10/27–31 = 23, 11/3–7 = 28, 11/10, 11/11 = 30 → Tue 2025-11-11
    s = ENG.fold(assigned(kind="meeting", on=D(2025, 9, 26), meeting="2025-09-24", deadline="2025-12-31"))
    [ob] = progress_obligations(s)
    assert (ob.what, ob.owed_by, ob.due) == ("progress", ("u1",), D(2025, 11, 11))
    assert ob.status(D(2025, 11, 11)) == "open" and ob.status(D(2025, 11, 12)) == "overdue"
    # the light follows the progress report, though the result is not due till 12/31:
    # 11/5 → 11/6, 11/7, 11/10, 11/11 = 4 working days left (> 3): green; 11/11: 0 left: yellow; 11/12: red
    assert light(POL, CAL, s, D(2025, 11, 5)) == "green"
    assert light(POL, CAL, s, D(2025, 11, 11)) == "yellow"
    assert light(POL, CAL, s, D(2025, 11, 12)) == "red"
    # once the unit reports its progress, the result (12/31) sets the light: green on 11/12
    reported = ENG.apply(s, E("M1", "progress", D(2025, 11, 12), "unit:u1", {"progress": "已完成方案"}))
    [ob] = progress_obligations(reported)
    assert (ob.status(D(2025, 11, 12)), ob.late_by) == ("late", 1)
    assert light(POL, CAL, reported, D(2025, 11, 12)) == "green"


def test_article_9_progress_needs_visible_progress():
    s = ENG.fold([*assigned(kind="key_project", deadline="2025-11-28"), E("M1", "accept", D(2025, 9, 30), "unit:u1")])
    with pytest.raises(ActionRefused, match=r"形象进度（第九条）"):
        ENG.apply(s, E("M1", "progress", D(2025, 10, 20), "unit:u1", {"progress": "推进中"}))
    s = ENG.apply(s, E("M1", "progress", D(2025, 10, 20), "unit:u1", {"visible_progress": "完成投资40%"}))
    assert s.progress_on == [D(2025, 10, 20)] and s.state == "accepted"
    assert POL.transition("accepted", "progress").requires_by_kind == {"key_project": ("visible_progress",)}


@pytest.mark.parametrize("kind", ["instruction", "annual_task", "meeting", "section_instruction", "document"])
def test_article_9_visible_progress_only_for_project_matters(kind):
    # 项目类进展情况要说明形象进度: a matter that is not a project reports its progress without 形象进度
    assert kind not in PROJECT_KINDS
    extra = {"meeting": "2025-09-26"} if any(t.anchor == "meeting" for t in POL.limits_for(kind)) else {}
    s = ENG.fold(assigned(kind=kind, actor="section" if kind in SECTION_KINDS else "office", deadline="2025-11-28",
                          **extra))
    s = ENG.apply(s, E("M1", "progress", D(2025, 10, 20), "unit:u1", {"progress": "已完成方案制定"}))
    assert s.progress_on == [D(2025, 10, 20)]
    # completed work carries 印证资料 whatever the kind
    with pytest.raises(ActionRefused, match=r"缺少印证资料（第九条）"):
        ENG.apply(s, E("M1", "submit", D(2025, 10, 21), "unit:u1", {"progress": "已完成"}))


def test_article_9_meeting_assignment_needs_the_meetings_date():
    # the 30 working days run from the meeting, so the assignment must say when it met (and, as for every kind,
    # the result's time limit the assignment notice sets)
    s = ENG.fold([reg(kind="meeting", on=D(2025, 10, 9))])
    with pytest.raises(ActionRefused, match=r"（第九条）自.*--meeting DATE.*起算"):
        ENG.apply(s, E("M1", "assign", D(2025, 10, 9), "office", {"lead_units": ["u1"], "deadline": "2025-12-31"}))
    with pytest.raises(ActionRefused, match=r"缺少办理时限（第六条.*请加上 --deadline YYYY-MM-DD"):
        ENG.apply(s, E("M1", "assign", D(2025, 10, 9), "office", {"lead_units": ["u1"], "meeting": "2025-09-30"}))
    s = ENG.apply(s, E("M1", "assign", D(2025, 10, 9), "office",
                       {"lead_units": ["u1"], "meeting": "2025-09-30", "deadline": "2025-12-31"}))
    assert [ob.due for ob in progress_obligations(s)] == [D(2025, 11, 18)]
    # a kind with no meeting-anchored limit needs no meeting date, and owes no progress report by a day
    field = ENG.fold(assigned(kind="field_meeting", actor="section", deadline="2025-10-31"))
    assert [d.rule for d in field.deadlines] == ["explicit"] and progress_obligations(field) == []


def test_article_9_12_3_late_meeting_progress_proposes_priority_chase():
    # 常务会议 Tue 2025-09-30 → progress due Tue 11/18 (第九条); 不按期报送进展情况 → 重点督办 (第十二条(三))
    s = ENG.fold([*assigned(kind="meeting", on=D(2025, 10, 9), meeting="2025-09-30", deadline="2025-12-31"),
                  E("M1", "accept", D(2025, 10, 9), "unit:u1")])
    assert ("progress_report_late", "u1") not in findings([s], D(2025, 11, 18))
    f = findings([s], D(2025, 11, 19))[("progress_report_late", "u1")]
    assert (f.proposes, f.category, f.level) == ("priority_chase", "escalation", 1)
    assert f.data == {"reason": "不按期报送进展情况"} and f.citation.article == "第十二条(三)"
    assert "2025-11-18" in f.reason
    # a progress report on the last day (11/18) is in time
    on_time = ENG.apply(s, E("M1", "progress", D(2025, 11, 18), "unit:u1", {"progress": "已完成方案"}))
    assert progress_obligations(on_time)[0].status(D(2025, 11, 18)) == "met"
    assert ("progress_report_late", "u1") not in findings([on_time], D(2025, 12, 1))
    # one on Wed 11/19 is late by one working day, kept on the record (the report is in, nothing is owed any more)
    late = ENG.apply(s, E("M1", "progress", D(2025, 11, 19), "unit:u1", {"progress": "已完成方案"}))
    [ob] = progress_obligations(late)
    assert (ob.status(D(2025, 11, 20)), ob.late_by, ob.status_name(D(2025, 11, 20))) == (
        "late", 1, "逾期完成（逾期1个工作日）")
    # 不按期报送 (第十二条(三)) is a fact once the report came late: 重点督办 is still proposed, naming the obligation
    late_finding = findings([late], D(2025, 11, 20))[("progress_report_late", "u1")]
    assert "2025-11-18" in late_finding.reason
    # the office confirms the 重点督办 (with its 整改期限 Thu 11/27): no longer proposed; the next rung (约谈意见)
    # waits for the 整改期限 to run out — not the day after the chase, nor on 11/27, but from Fri 11/28
    chased = ENG.apply(s, E("M1", "priority_chase", D(2025, 11, 20), "office",
                            {"reason": "不按期报送进展情况", "until": "2025-11-27", "step": "progress_report_late"}))
    f = findings([chased], D(2025, 11, 21))
    assert ("progress_report_late", "u1") not in f
    assert ("priority_chase_no_rectification", "u1") not in f
    assert ("priority_chase_no_rectification", "u1") not in findings([chased], D(2025, 11, 27))
    f = findings([chased], D(2025, 11, 28))[("priority_chase_no_rectification", "u1")]
    assert (f.proposes, f.on) == ("interview", D(2025, 11, 28)) and "2025-11-27" in f.reason


def test_article_9_12_3_late_monthly_report_across_a_make_up_saturday():
    # 年度重点任务 assigned Tue 2026-02-03: February's report is due Sat 2/28 (春节调休上班, the last working day)
    s = ENG.fold(assigned(kind="annual_task", on=D(2026, 2, 3), deadline="2026-12-31"))
    assert occurrence(s, D(2026, 2, 1), D(2026, 2, 3)).due == D(2026, 2, 28)
    assert ("progress_report_late", "u1") not in findings([s], D(2026, 2, 28))
    assert ("progress_report_late", "u1") in findings([s], D(2026, 3, 2))
    reported = ENG.apply(s, E("M1", "progress", D(2026, 2, 28), "unit:u1", {"progress": "2月进展"}))
    assert occurrence(reported, D(2026, 2, 1), D(2026, 3, 2)).status(D(2026, 3, 2)) == "met"
    assert ("progress_report_late", "u1") not in findings([reported], D(2026, 3, 2))


def test_article_9_12_3_monthly_report_met_late_still_proposes_priority_chase():
    # 年度重点任务 assigned Mon 2026-01-05. January's report is due Fri 1/30; it comes in Mon 2/2 (naming its month),
    # late by one working day (2/2)
    events = [*assigned(kind="annual_task", on=D(2026, 1, 5), deadline="2026-12-31"),
              E("M1", "progress", D(2026, 2, 2), "unit:u1", {"progress": "1月进展", "period": "2026-01"})]
    s = ENG.fold(events)
    jan = occurrence(s, D(2026, 1, 1), D(2026, 2, 3))
    assert (jan.met_on, jan.late_by, jan.status(D(2026, 2, 3))) == (D(2026, 2, 2), 1, "late")
    # 不按期报送: the late report does not erase the lateness; the fact arose Mon 2/2 (first working day after 1/30)
    late = findings([s], D(2026, 2, 3))[("progress_report_late", "u1")]
    assert (late.on, late.fact, late.proposes) == (D(2026, 2, 2), "cycle:monthly_annual_tasks:u1:2026-01-01",
                                                  "priority_chase")
    assert "（2026-01-30）逾期1个工作日" in late.reason
    # confirmed on Tue 2/3 (整改期限 Fri 2/13): no longer proposed
    events.append(E("M1", "priority_chase", D(2026, 2, 3), "office",
                    {"reason": "不按期报送进展情况", "until": "2026-02-13", "step": "progress_report_late"}))
    assert ("progress_report_late", "u1") not in findings([ENG.fold(events)], D(2026, 2, 4))
    # February's report on Fri 2/13 is in time (due Sat 2/28) and meets the 整改期限; nothing new on Mon 3/2
    events.append(E("M1", "progress", D(2026, 2, 13), "unit:u1", {"progress": "2月进展"}))
    s = ENG.fold(events)
    assert occurrence(s, D(2026, 2, 1), D(2026, 3, 2)).status(D(2026, 3, 2)) == "met"
    assert findings([s], D(2026, 3, 2), "escalation") == {}
    # March's report is not made (due Tue 3/31): a new lapse, proposed again from Wed 4/1 — and only it
    assert findings([s], D(2026, 3, 31), "escalation") == {}
    again = [f for f in evaluate(POL, CAL, [s], D(2026, 4, 1)) if f.category == "escalation"]
    assert [(f.rule, f.on, f.fact) for f in again] == [
        ("progress_report_late", D(2026, 4, 1), "cycle:monthly_annual_tasks:u1:2026-03-01")]
    # a 重点督办 taken without --step also confirms it (the proposed action itself, for the unit)
    events.append(E("M1", "priority_chase", D(2026, 4, 1), "office", {"reason": "3月未报", "until": "2026-04-10"}))
    assert ("progress_report_late", "u1") not in findings([ENG.fold(events)], D(2026, 4, 2))


def test_article_9_completion_needs_evidence_else_returned():
    s = ENG.fold([*assigned(deadline="2025-10-31"), E("M1", "accept", D(2025, 9, 30), "unit:u1")])
    with pytest.raises(ActionRefused, match=r"印证资料（第九条）"):
        ENG.apply(s, E("M1", "submit", D(2025, 10, 20), "unit:u1", {"document_number": "安财发〔2025〕3号"}))
    s = ENG.apply(s, E("M1", "submit", D(2025, 10, 20), "unit:u1", {"evidence": "会议纪要"}))
    assert s.state == "submitted"
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(s, E("M1", "review_return", D(2025, 10, 21), "office", {}))
    s = ENG.apply(s, E("M1", "review_return", D(2025, 10, 21), "office", {"reason": "漏项，补报印证资料"}))
    assert (s.state, s.returns, s.submitted_on) == ("returned", 1, None)
    assert POL.action_name("review_return") == "退回重办或补办"
    assert POL.transition("submitted", "review_return").citation.article == "第九条第二款"
    s = ENG.apply(s, E("M1", "submit", D(2025, 10, 24), "unit:u1", {"evidence": "补充照片"}))
    s = ENG.apply(s, E("M1", "review_pass", D(2025, 10, 27), "office"))
    assert s.state == "passed"


def test_article_9_full_procedure_walk():
    events = [
        reg("M9", "meeting", D(2025, 9, 30)),
        E("M9", "assign", D(2025, 10, 9), "office", {"lead_units": ["u1"], "co_units": ["u2"], "meeting": "2025-09-30",
                                                     "deadline": "2025-12-31"}),
        E("M9", "accept", D(2025, 10, 9), "unit:u1"),
        E("M9", "remind", D(2025, 11, 10), "office", {"method": "电话"}),
        E("M9", "progress", D(2025, 11, 17), "unit:u2", {"visible_progress": "已完成方案制定"}),
        E("M9", "submit", D(2025, 12, 1), "unit:u1", {"evidence": "批复文件"}),
        E("M9", "review_pass", D(2025, 12, 2), "office"),
        E("M9", "report_up", D(2025, 12, 3), "office"),
        E("M9", "close", D(2025, 12, 3), "office"),
    ]
    seen = []
    state = None
    for e in events:
        state = ENG.apply(state, e)
        seen.append(state.state)
    assert seen == ["registered", "assigned", "accepted", "accepted", "accepted", "submitted", "passed",
                    "reported", "closed"]
    assert state.progress_on[0] == D(2025, 11, 17)
    # the progress report (due 11/18) is owed by the lead unit u1; the co-unit u2's report on 11/17 is u2's own,
    # so u1's obligation was met only by its submission on Mon 12/1: late by 11/19, 20, 21, 24–28, 12/1 = 9 working days
    [progress] = progress_obligations(state)
    assert (progress.owed_by, progress.due, progress.met_on, progress.late_by) == (("u1",), D(2025, 11, 18),
                                                                                   D(2025, 12, 1), 9)
    assert progress.status(D(2025, 12, 3)) == "late"
    [result] = [ob for ob in state.obligations if ob.what == "result"]
    assert (result.due, result.met_on, result.status(D(2025, 12, 3))) == (D(2025, 12, 31), D(2025, 12, 1), "met")


# --- 第十条 annual plan ------------------------------------------------------------------------------


def test_article_10_unplanned_inspection_application():
    apply = E("I1", "apply", D(2025, 9, 23), "unit:u1", {"kind": "unplanned_inspection", "title": "计划外专项检查",
                                                         "planned_start": "2025-10-09"})
    with pytest.raises(ActionRefused, match=r"缺少计划开始日期（第十条）；请加上 --planned-start"):
        ENG.apply(None, E("I1", "apply", D(2025, 9, 23), "unit:u1", {"kind": "unplanned_inspection"}))
    ENG.check_new(None, apply)
    s = ENG.apply(None, apply)
    assert s.state == "applied"
    # 经市政府分管领导审批后方可实施: the 分管领导's own step, the approving person a 分管领导
    with pytest.raises(ActionRefused, match="市政府分管领导"):
        ENG.apply(s, E("I1", "approve", D(2025, 9, 24), "office"))
    with pytest.raises(ActionRefused, match=r"不是市政府分管领导：.*须经市政府分管领导批准（第十条）"):
        ENG.check_new(s, E("I1", "approve", D(2025, 9, 24), "leader_in_charge", {"approved_by": "secretary_general"}))
    approve = E("I1", "approve", D(2025, 9, 24), "leader_in_charge", {"approved_by": "leader_in_charge"})
    ENG.check_new(s, approve)
    s = ENG.apply(s, approve)
    assert s.state == "inspection_approved"
    # 并由市政府督查室报市委督查室备案: the office files it, naming the 市委督查室 person who signed for it
    with pytest.raises(ActionRefused, match=r"「报市委督查室备案」缺少市委督查室备案签收人（第十条）；请加上 --filing-signoff"):
        ENG.apply(s, E("I1", "report_up", D(2025, 9, 25), "office"))
    for who in ("leader_in_charge", "secretary_general", "office"):
        with pytest.raises(ActionRefused, match=r"不是市委督查室：「报市委督查室备案」须经市委督查室审签（第十条）"):
            ENG.check_new(s, E("I1", "report_up", D(2025, 9, 25), "office", {"filing_signoff": who}))
    filed = E("I1", "report_up", D(2025, 9, 25), "office", {"filing_signoff": "party_office"})
    ENG.check_new(s, filed)
    s = ENG.apply(s, filed)
    assert s.state == "inspection_filed" and POL.states["inspection_filed"].terminal
    rule = next(a for a in POL.approvals if a.id == "unplanned_inspection")
    assert (rule.approver_roles, rule.applies_to, rule.filed_with) == (("leader_in_charge",), ("approve",), "")
    rejected = ENG.apply(ENG.apply(None, apply), E("I1", "reject", D(2025, 9, 24), "leader_in_charge"))
    assert rejected.state == "rejected"


@pytest.mark.parametrize(("start", "latest"), [
    # 10/15: 10/14, 10/13, Sat 10/11 (worked), 10/10, 10/9, [10/1–10/8 off], 9/30, 9/29 → 9/29
    (D(2025, 10, 15), D(2025, 9, 29)),
    # 10/9: 9/30, 9/29, Sun 9/28 (worked), 9/26, 9/25, 9/24, 9/23 → 9/23
    (D(2025, 10, 9), D(2025, 9, 23)),
])
def test_article_10_seven_working_days_before(start, latest):
    rule = next(a for a in POL.approvals if a.id == "unplanned_inspection_advance")
    assert rule.advance == WorkingDays(-7) and rule.advance.describe() == "提前7个工作日"
    assert resolve(rule.advance, start, CAL).date == latest

    def application(on):
        return E("I1", "apply", on, "section", {"kind": "unplanned_inspection", "title": "计划外专项检查",
                                               "planned_start": start.isoformat()})

    # an application on the latest day is in time; one the next working day is refused
    ENG.check_new(None, application(latest))
    late = CAL.add_workdays(latest, 1)
    with pytest.raises(ActionRefused, match=rf"须提前7个工作日提出（计划开始日期 {start}），最迟 {latest}（第十条）；{late} 已晚"):
        ENG.check_new(None, application(late))


# --- 第十一条 政务督查员 --------------------------------------------------------------------------------


def test_article_11_inspector_records_findings():
    s = ENG.fold(assigned(deadline="2025-10-31"))
    s = ENG.apply(s, E("M1", "finding", D(2025, 10, 10), "inspector", {"text": "现场未见施工"}))
    assert s.marks[-1].action == "finding"
    with pytest.raises(ActionRefused, match="政务督查员"):
        ENG.apply(s, E("M1", "finding", D(2025, 10, 10), "unit:u1", {"text": "x"}))


# --- 第十二条 use of results ---------------------------------------------------------------------------


def test_article_12_1_grades():
    assert POL.grading.grades == GRADES == ("优秀", "良好", "合格", "较差")
    s = ENG.fold(assigned(deadline="2025-12-31"))
    assert ENG.apply(s, E("M1", "grade", D(2025, 12, 20), "office", {"grade": "良好"})).grade == "良好"
    with pytest.raises(ActionRefused, match="优秀、良好、合格、较差"):
        ENG.apply(s, E("M1", "grade", D(2025, 12, 20), "office", {"grade": "一般"}))
    with pytest.raises(ActionRefused, match="市政府督查室"):
        ENG.apply(s, E("M1", "grade", D(2025, 12, 20), "unit:u1", {"grade": "优秀"}))


def test_article_12_2_excellent_praise_and_model_units():
    assert POL.grading.praise_grades == ("优秀",)
    s = ENG.fold([*assigned(deadline="2025-12-19"), E("M1", "grade", D(2025, 12, 20), "office", {"grade": "优秀"})])
    f = findings([s], D(2025, 12, 22))
    praise = f[("excellent_praise", "u1")]
    assert praise.proposes == "bulletin" and praise.data == {"type": "praise", "model_unit_candidate": True}
    assert praise.citation.article == "第十二条(二)"
    s = ENG.apply(s, E("M1", "bulletin", D(2025, 12, 23), "office", {"type": "praise", "step": "excellent_praise"}))
    f = findings([s], D(2025, 12, 24))
    assert ("excellent_praise", "u1") not in f
    assert f[("praise_bonus", "u1")].category == "deduction"
    # a 良好 unit is not praised
    good = ENG.fold([*assigned("M2", units=("u2",), deadline="2025-12-19"),
                     E("M2", "grade", D(2025, 12, 20), "office", {"grade": "良好"})])
    assert ("excellent_praise", "u2") not in findings([good], D(2025, 12, 22))


def test_article_12_2_praise_once_for_a_unit_whose_year_is_excellent():
    # u1 graded 优秀 on M1 (Mon 2025-12-15): its grade for 2025 is 优秀 → 通报表扬, proposed once for the year
    m1 = [*assigned("M1", on=D(2025, 9, 1), deadline="2025-12-31"),
          E("M1", "grade", D(2025, 12, 15), "office", {"grade": "优秀"})]
    s = ENG.fold(m1)
    praise = findings([s], D(2025, 12, 15))[("excellent_praise", "u1")]
    assert (praise.on, praise.year, praise.matter, praise.yearly) == (D(2025, 12, 15), 2025, "M1", True)
    assert "2025年度等次为“优秀”" in praise.reason
    # still called for after the year ended, for that year (Mon 2026-01-05)
    assert [(f.rule, f.year) for f in evaluate(POL, CAL, [s], D(2026, 1, 5), year=2025)] == [("excellent_praise", 2025)]
    # a 通报表扬 for the unit that year, without --step: not proposed again, even after a second 优秀 (M2, 12/18)
    m2 = [*assigned("M2", on=D(2025, 9, 1), deadline="2025-12-31"),
          E("M2", "grade", D(2025, 12, 18), "office", {"grade": "优秀"})]
    praised = [ENG.fold([*m1, E("M1", "bulletin", D(2025, 12, 16), "office", {"type": "praise"})]), ENG.fold(m2)]
    f = findings(praised, D(2025, 12, 19))
    assert ("excellent_praise", "u1") not in f and f[("praise_bonus", "u1")].on == D(2025, 12, 16)
    # with --step, recorded in the next year for 2025 (--year 2025, as `ducha due` prints it): the same
    confirmed = ENG.fold([*m1, E("M1", "bulletin", D(2026, 1, 6), "office",
                                 {"type": "praise", "model_unit_candidate": True, "units": ["u1"], "year": 2025,
                                  "step": "excellent_praise"})])
    assert [f for f in evaluate(POL, CAL, [confirmed], D(2026, 1, 7), year=2025) if f.category == "escalation"] == []
    # a criticism bulletin is no praise
    criticised = ENG.fold([*m1, E("M1", "bulletin", D(2025, 12, 16), "office", {"type": "criticism"})])
    assert ("excellent_praise", "u1") in findings([criticised], D(2025, 12, 17))
    # 优秀 on one matter, 较差 on another (M3, 12/18) the same year: the unit's grade is the worst, 较差 — no praise
    m3 = [*assigned("M3", on=D(2025, 9, 1), deadline="2025-12-31"),
          E("M3", "grade", D(2025, 12, 18), "office", {"grade": "较差"})]
    mixed = [s, ENG.fold(m3)]
    assert POL.grading.unit_grade == "worst"
    assert unit_grades(POL, CAL, mixed, 2025, D(2025, 12, 19)) == {"u1": "较差"}
    assert ("excellent_praise", "u1") not in findings(mixed, D(2025, 12, 19))
    # a 较差 in 2024 does not touch 2025
    old = [*assigned("M4", on=D(2024, 9, 2), deadline="2024-12-31"),
           E("M4", "grade", D(2024, 12, 20), "office", {"grade": "较差"})]
    assert ("excellent_praise", "u1") in findings([s, ENG.fold(old)], D(2025, 12, 19))


def test_article_12_2_praise_confirmed_through_the_cli(tmp_path, monkeypatch):
    from ducha_core.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def ok(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    ok("init", "--jurisdiction", "ankang")
    ok("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "批示件", "--id", "A")
    ok("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-12-31")
    ok("grade", "A", "--as", "duchashi", "--on", "2025-12-15", "--grade", "优秀")
    [praise] = json.loads(ok("due", "--as-of", "2025-12-22", "--json"))["findings"]
    assert (praise["rule"], praise["on"], praise["year"], praise["proposes"]) == (
        "excellent_praise", "2025-12-15", 2025, "bulletin")
    assert "--type praise" in praise["confirm"] and "--year 2025" in praise["confirm"]
    ok(*shlex.split(praise["confirm"])[1:])
    found = json.loads(ok("due", "--as-of", "2025-12-23", "--json"))["findings"]
    assert [(f["rule"], f["category"], f["data"]) for f in found] == [
        ("praise_bonus", "deduction", {"points": None, "bonus": True})]
    [u1, u2] = json.loads(ok("assessment", "--year", "2025", "--as-of", "2026-01-05", "--json"))["units"]
    assert (u1["unit"], u1["grade"], u1["praise"], u1["criticism"], u1["bonus_total"]) == ("u1", "优秀", 1, 0, None)
    assert [(b["rule"], b["count"], b["points"]) for b in u1["bonuses"]] == [("praise_bonus", 1, None)]
    assert (u2["unit"], u2["grade"], u2["praise"]) == ("u2", None, 0)


def test_article_12_3_priority_chase_interview_plan_poor_grade():
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-09-12"), E("M1", "accept", D(2025, 9, 1), "unit:u1")]
    s = ENG.fold(base)
    with pytest.raises(ActionRefused, match=r"until"):
        ENG.apply(s, E("M1", "priority_chase", D(2025, 9, 15), "office", {"reason": "推进缓慢"}))
    s = ENG.apply(s, E("M1", "priority_chase", D(2025, 9, 15), "office", {"reason": "推进缓慢", "until": "2025-09-19"}))
    f = findings([s], D(2025, 9, 22))
    step = f[("priority_chase_no_rectification", "u1")]
    assert step.proposes == "interview" and step.data == {"approval": "government"}
    # the interview: proposed by the office, agreed by 市政府, held by the 分管领导
    with pytest.raises(ActionRefused, match="市政府分管领导"):
        ENG.apply(s, E("M1", "interview", D(2025, 9, 22), "office", {"approved_by": "市政府"}))
    with pytest.raises(ActionRefused, match="审批领导"):
        ENG.apply(s, E("M1", "interview", D(2025, 9, 22), "leader_in_charge", {}))
    s = ENG.apply(s, E("M1", "interview", D(2025, 9, 22), "leader_in_charge",
                       {"approved_by": "市政府", "step": "priority_chase_no_rectification"}))
    # Mon 9/22 + 一周 = Mon 9/29 (a working day): nothing due yet on 9/29
    f = findings([s], D(2025, 9, 29))
    assert ("priority_chase_no_rectification", "u1") not in f
    assert not {k for k in f if k[0] in ("interview_plan_one_week", "interview_no_progress", "interview_no_progress_poor")}
    # no written plan by 9/29: the office chases it (催报) from Tue 9/30; the document sets no other consequence
    f = findings([s], D(2025, 9, 30))
    assert (f[("interview_plan_one_week", "u1")].proposes, f[("interview_plan_one_week", "u1")].on) == (
        "remind", D(2025, 9, 30))
    # 经约谈仍无明显进展 is judged after interview_progress_within (30个工作日) from Mon 9/22: 9/23–9/26 (4),
    # Sun 9/28 (调休上班, 5), 9/29, 9/30 (7), [10/1–10/8 off], 10/9, 10/10, Sat 10/11 (调休上班, 10), 10/13–17 (15),
    # 10/20–24 (20), 10/27–31 (25), 11/3–7 (30) → Fri 11/7; so not on 9/30 nor 11/7, but from Mon 11/10
    assert not {k for k in f if k[0] in ("interview_no_progress", "interview_no_progress_poor")}
    assert ("interview_no_progress", "u1") not in findings([s], D(2025, 11, 7))
    f = findings([s], D(2025, 11, 10))
    crit = f[("interview_no_progress", "u1")]
    assert (crit.proposes, crit.on) == ("bulletin", D(2025, 11, 10))
    assert crit.data == {"type": "criticism", "scope": "全市", "media_exposure": True}
    assert f[("interview_no_progress_poor", "u1")].data == {"grade": "较差"}
    # the written plan is the head's own step, within the week: it stops the 催报, but a plan is not progress —
    # 较差 and the criticism still follow on 11/10
    with pytest.raises(ActionRefused, match="主要负责同志"):
        ENG.apply(s, E("M1", "rectification_plan", D(2025, 9, 26), "unit:u1", {"plan": "整改方案"}))
    planned = ENG.apply(s, E("M1", "rectification_plan", D(2025, 9, 26), "unit_head:u1", {"plan": "整改方案"}))
    assert ("interview_plan_one_week", "u1") not in findings([planned], D(2025, 9, 30))
    f = findings([planned], D(2025, 11, 10))
    assert ("interview_plan_one_week", "u1") not in f
    assert {("interview_no_progress", "u1"), ("interview_no_progress_poor", "u1")} <= set(f)
    # the office confirms on 11/10: 较差, city-wide criticism with media exposure
    s = ENG.apply(s, E("M1", "grade", D(2025, 11, 10), "office", {"grade": "较差"}))
    s = ENG.apply(s, E("M1", "bulletin", D(2025, 11, 10), "office", {**crit.data, "step": "interview_no_progress"}))
    f = findings([s], D(2025, 11, 11))
    assert ("interview_no_progress", "u1") not in f and ("interview_no_progress_poor", "u1") not in f
    assert s.grade == "较差"
    # nothing in this document escalates on the number of criticisms in a year
    assert not any(step.trigger.__class__.__name__ == "CountInYear" and step.trigger.action == "bulletin"
                   for step in POL.escalation)


def test_article_12_3_priority_chase_sets_rectification_obligation():
    # 重点督办，责令限期整改: the 整改期限 (--until) is an obligation of the unit; a day written on a rest day
    # moves to the next working day (民法典第二百零三条)
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-10-31"), E("M1", "accept", D(2025, 9, 1), "unit:u1")]
    s = ENG.fold([*base, E("M1", "priority_chase", D(2025, 9, 15), "office",
                          {"reason": "推进缓慢", "until": "2025-09-21"})])  # Sun 9/21 → Mon 9/22
    [ob] = [o for o in s.obligations if o.what == "rectification"]
    assert (ob.owed_by, ob.starts, ob.due, ob.rule) == (("u1",), D(2025, 9, 15), D(2025, 9, 22),
                                                        "priority_chase:rectification")
    assert ob.deadline.citation.article == "第十二条(三)"
    assert any("9/21 周末 → 顺延至9/22" in line for line in ob.deadline.explanation)
    assert (ob.status(D(2025, 9, 22)), ob.status(D(2025, 9, 23))) == ("open", "overdue")
    # the light follows it (the result is not due till 10/31): 9/16 → 9/17, 18, 19, 22 = 4 left: green;
    # 9/17: 3 left: yellow; 9/23: red
    assert light(POL, CAL, s, D(2025, 9, 16)) == "green"
    assert light(POL, CAL, s, D(2025, 9, 17)) == "yellow"
    assert light(POL, CAL, s, D(2025, 9, 23)) == "red"
    # a progress report by the last day meets it
    done = ENG.apply(s, E("M1", "progress", D(2025, 9, 22), "unit:u1", {"progress": "已整改"}))
    [ob] = [o for o in done.obligations if o.what == "rectification"]
    assert (ob.met_on, ob.status(D(2025, 9, 23))) == (D(2025, 9, 22), "met")
    assert light(POL, CAL, done, D(2025, 9, 23)) == "green"
    # Sun 10/5 is in the National Day holiday (10/1–10/8): the next working day is Thu 10/9
    s = ENG.fold([*base, E("M1", "priority_chase", D(2025, 9, 29), "office",
                          {"reason": "推进缓慢", "until": "2025-10-05"})])
    [ob] = [o for o in s.obligations if o.what == "rectification"]
    assert ob.due == D(2025, 10, 9)
    assert any("10/5 国庆节、中秋节 → 顺延至10/9" in line for line in ob.deadline.explanation)
    # a day before the chase is refused
    with pytest.raises(ActionRefused, match="限期整改期限 2025-09-12 早于 2025-09-15"):
        ENG.apply(ENG.fold(base), E("M1", "priority_chase", D(2025, 9, 15), "office",
                                    {"reason": "推进缓慢", "until": "2025-09-12"}))


def test_article_12_3_plan_within_one_week_across_national_day():
    # interview Tue 2025-09-30; 一周 → Tue 10/7, in the holiday → next working day Thu 10/9
    s = ENG.fold([*assigned(on=D(2025, 9, 1), deadline="2025-12-31"),
                  E("M1", "interview", D(2025, 9, 30), "leader_in_charge", {"approved_by": "市政府"})])
    assert resolve(Weeks(1), D(2025, 9, 30), CAL).date == D(2025, 10, 9)
    # the interview creates the written plan as an obligation of the unit, due Thu 10/9
    [plan] = [ob for ob in s.obligations if ob.what == "rectification_plan"]
    assert (plan.owed_by, plan.starts, plan.due, plan.rule) == (("u1",), D(2025, 9, 30), D(2025, 10, 9),
                                                               "interview:rectification_plan")
    assert plan.deadline.citation.article == "第十二条(三)" and plan.met_by == ("rectification_plan",)
    assert light(POL, CAL, s, D(2025, 10, 9)) == "yellow" and light(POL, CAL, s, D(2025, 10, 10)) == "red"
    assert ("interview_plan_one_week", "u1") not in findings([s], D(2025, 10, 9))
    assert ("interview_plan_one_week", "u1") in findings([s], D(2025, 10, 10))
    assert POL.setting("rectification_plan_within") == "一周"


@pytest.mark.parametrize(("plan_within", "plan_due", "progress_within", "progress_due"), [
    # interview Tue 2025-09-30. 一周: 10/7, in the holiday → Thu 10/9. 30个工作日: 10/9, 10/10, Sat 10/11 (调休上班, 3),
    # 10/13–17 (8), 10/20–24 (13), 10/27–31 (18), 11/3–7 (23), 11/10–14 (28), 11/17, 11/18 (30) → Tue 11/18
    ("一周", D(2025, 10, 9), None, D(2025, 11, 18)),
    # 5个工作日: 10/9, 10/10, 10/11, 10/13, 10/14 → Tue 10/14. 20个工作日: … 10/27–31 (18), 11/3, 11/4 → Tue 11/4
    ("5个工作日", D(2025, 10, 14), "20个工作日", D(2025, 11, 4)),
    # 两周: 9/30 + 14 days = Tue 10/14. 15个工作日: … 10/20–24 (13), 10/27, 10/28 → Tue 10/28
    ("两周", D(2025, 10, 14), "15个工作日", D(2025, 10, 28)),
])
def test_article_12_3_plan_period_and_poor_grade_follow_their_settings(plan_within, plan_due, progress_within,
                                                                       progress_due):
    settings = {"rectification_plan_within": plan_within}
    if progress_within:
        settings["interview_progress_within"] = progress_within
    pol = load_policy("ankang", settings)
    eng = MatterEngine(pol, CAL)
    s = eng.fold([*assigned(on=D(2025, 9, 1), deadline="2025-12-31"),
                  E("M1", "interview", D(2025, 9, 30), "leader_in_charge", {"approved_by": "市政府"})])
    [plan] = [ob for ob in s.obligations if ob.what == "rectification_plan"]
    [improvement] = [ob for ob in s.obligations if ob.what == "improvement"]
    assert (plan.due, improvement.due) == (plan_due, progress_due)
    assert improvement.met_by == ("progress", "submit")  # the written plan is not progress

    def rules(state, day):
        return {f.rule for f in evaluate(pol, CAL, [state], day)}

    poor = {"interview_no_progress", "interview_no_progress_poor"}
    assert not rules(s, plan_due) & {"interview_plan_one_week", *poor}
    assert "interview_plan_one_week" in rules(s, CAL.add_workdays(plan_due, 1))
    assert not rules(s, progress_due) & poor
    assert rules(s, CAL.add_workdays(progress_due, 1)) >= poor
    # a written plan within its period stops the 催报 only
    planned = eng.apply(s, E("M1", "rectification_plan", plan_due, "unit_head:u1", {"plan": "整改方案"}))
    [plan] = [ob for ob in planned.obligations if ob.what == "rectification_plan"]
    assert (plan.met_on, plan.status(D(2025, 11, 19))) == (plan_due, "met")
    assert rules(planned, D(2025, 11, 19)) & {"interview_plan_one_week", *poor} == poor
    # a progress report on the last day of the progress period stops the 较差 and the criticism
    progressed = eng.apply(planned, E("M1", "progress", progress_due, "unit:u1", {"progress": "整改取得进展"}))
    assert not rules(progressed, D(2025, 11, 19)) & {"interview_plan_one_week", *poor}


def test_article_12_3_interview_opinion_waits_for_the_rectification_period():
    # 重点督办 Mon 2025-09-15, 责令限期整改 by Fri 9/26. 经重点督办仍不整改或整改不力 → 约谈意见: judged once the
    # 整改期限 has run out — not the day after the chase, nor on 9/26, but from the next working day, Sun 9/28
    # (调休上班)
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-12-31"), E("M1", "accept", D(2025, 9, 1), "unit:u1"),
            E("M1", "priority_chase", D(2025, 9, 15), "office", {"reason": "推进缓慢", "until": "2025-09-26"})]
    s = ENG.fold(base)
    for day in (D(2025, 9, 16), D(2025, 9, 22), D(2025, 9, 26)):
        assert ("priority_chase_no_rectification", "u1") not in findings([s], day), day
    # evaluated on Sat 9/27, a rest day right after the 整改期限: the lapse arises only on the next working day
    # (Sun 9/28), so nothing dated ahead of the day is proposed
    assert ("priority_chase_no_rectification", "u1") not in findings([s], D(2025, 9, 27))
    f = findings([s], D(2025, 9, 28))[("priority_chase_no_rectification", "u1")]
    assert (f.proposes, f.on, f.level, f.data) == ("interview", D(2025, 9, 28), 2, {"approval": "government"})
    assert f.citation.article == "第十二条(三)" and "限期整改期限 2025-09-26 已过，仍未完成" in f.reason
    # a progress report by the 整改期限 (Fri 9/26) is the rectification: no 约谈意见, then or later
    on_time = ENG.fold([*base, E("M1", "progress", D(2025, 9, 26), "unit:u1", {"progress": "已整改"})])
    for day in (D(2025, 9, 29), D(2025, 10, 31)):
        assert ("priority_chase_no_rectification", "u1") not in findings([on_time], day)
    # the head's written 整改方案 by then is not 整改 in itself: the 限期整改 stays unmet and the 约谈意见 follows
    # from Sun 9/28 all the same
    plan_only = ENG.fold([*base, E("M1", "rectification_plan", D(2025, 9, 24), "unit_head:u1", {"plan": "整改方案"})])
    [ob] = [o for o in plan_only.obligations if o.what == "rectification"]
    assert (ob.met_by, ob.met_on, ob.status(D(2025, 9, 28))) == (("progress", "submit"), None, "overdue")
    assert findings([plan_only], D(2025, 9, 28))[("priority_chase_no_rectification", "u1")].on == D(2025, 9, 28)
    # the completion (submit with 印证资料) by the 整改期限 is also 整改
    submitted = ENG.fold([*base, E("M1", "submit", D(2025, 9, 26), "unit:u1", {"evidence": "印证资料"})])
    [ob] = [o for o in submitted.obligations if o.what == "rectification"]
    assert ob.met_on == D(2025, 9, 26)
    assert ("priority_chase_no_rectification", "u1") not in findings([submitted], D(2025, 9, 29))
    # one after it (Mon 9/29, late by 9/28, 9/29 = 2 working days) does not undo 整改不力
    late = ENG.fold([*base, E("M1", "progress", D(2025, 9, 29), "unit:u1", {"progress": "已整改"})])
    f = findings([late], D(2025, 9, 30))[("priority_chase_no_rectification", "u1")]
    assert f.on == D(2025, 9, 28) and "逾期2个工作日才完成" in f.reason
    # an 整改期限 in the holiday: Sun 10/5 → Thu 10/9; the 约谈意见 waits till Fri 10/10
    holiday = ENG.fold([*base[:2], E("M1", "priority_chase", D(2025, 9, 29), "office",
                                     {"reason": "推进缓慢", "until": "2025-10-05"})])
    assert ("priority_chase_no_rectification", "u1") not in findings([holiday], D(2025, 10, 9))
    assert findings([holiday], D(2025, 10, 10))[("priority_chase_no_rectification", "u1")].on == D(2025, 10, 10)


def test_article_12_3_interview_plan_and_progress_are_separate_obligations():
    # 约谈 Tue 2025-09-30. 书面整改方案 一周内: 10/7, in the holiday → Thu 10/9. 经约谈仍无明显进展:
    # interview_progress_within = 30个工作日 → Tue 11/18 (10/9 … 11/17, 11/18, see the setting test)
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-12-31"), E("M1", "accept", D(2025, 9, 1), "unit:u1"),
            E("M1", "interview", D(2025, 9, 30), "leader_in_charge", {"approved_by": "市政府"})]
    s = ENG.fold(base)
    got = {ob.what: (ob.owed_by, ob.due, ob.met_by, ob.deadline.citation.article) for ob in s.obligations
           if ob.what in ("rectification_plan", "improvement")}
    assert got == {"rectification_plan": (("u1",), D(2025, 10, 9), ("rectification_plan",), "第十二条(三)"),
                   "improvement": (("u1",), D(2025, 11, 18), ("progress", "submit"), "第十二条(三)")}
    assert POL.setting("interview_progress_within") == "30个工作日"
    poor = {("interview_no_progress", "u1"), ("interview_no_progress_poor", "u1")}
    # the plan: 催报 only after its period, from Fri 10/10
    assert ("interview_plan_one_week", "u1") not in findings([s], D(2025, 10, 9))
    f = findings([s], D(2025, 10, 10))
    assert (f[("interview_plan_one_week", "u1")].proposes, f[("interview_plan_one_week", "u1")].on) == (
        "remind", D(2025, 10, 10))
    assert not poor & set(f)
    # 较差 and the city-wide criticism wait for the 30 working days: not on 11/18, from Wed 11/19
    assert not poor & set(findings([s], D(2025, 11, 18)))
    f = findings([s], D(2025, 11, 19))
    assert poor <= set(f)
    assert (f[("interview_no_progress", "u1")].on, f[("interview_no_progress_poor", "u1")].category) == (
        D(2025, 11, 19), "grade")
    assert f[("interview_no_progress", "u1")].data == {"type": "criticism", "scope": "全市", "media_exposure": True}
    # filing only the written plan (on its last day, 10/9) is not progress: 较差 still follows on 11/19
    plan = E("M1", "rectification_plan", D(2025, 10, 9), "unit_head:u1", {"plan": "书面整改方案"})
    planned = ENG.fold([*base, plan])
    assert ("interview_plan_one_week", "u1") not in findings([planned], D(2025, 10, 10))
    f = findings([planned], D(2025, 11, 19))
    assert poor <= set(f) and ("interview_plan_one_week", "u1") not in f
    # a progress report within the 30 working days (on the last, 11/18) is 明显进展: neither follows
    progressed = ENG.fold([*base, plan, E("M1", "progress", D(2025, 11, 18), "unit:u1", {"progress": "整改进展"})])
    for day in (D(2025, 11, 19), D(2025, 12, 31)):
        assert not poor & set(findings([progressed], day))
    # one a day late (Wed 11/19) does not undo it
    late = ENG.fold([*base, plan, E("M1", "progress", D(2025, 11, 19), "unit:u1", {"progress": "整改进展"})])
    assert poor <= set(findings([late], D(2025, 11, 20)))


def test_article_12_3_interview_needs_the_governments_agreement():
    # 由市政府督查室提出约谈意见，报经市政府同意后，由市政府分管领导……进行约谈: the 分管领导 holds it, and the
    # interview names who agreed (--approved-by), a person of 市政府 (审定) — no other leader's agreement will do
    rule = next(a for a in POL.approvals if a.id == "interview_opinion")
    assert (rule.approver_roles, rule.applies_to, rule.citation.article) == (("government",), ("interview",), "第十二条(三)")
    s = ENG.fold([*assigned(on=D(2025, 9, 1), deadline="2025-09-12"),
                  E("M1", "priority_chase", D(2025, 9, 15), "office", {"reason": "推进缓慢", "until": "2025-09-19"})])

    def interview(who):
        return E("M1", "interview", D(2025, 9, 22), "leader_in_charge",
                 {"approved_by": who, "step": "priority_chase_no_rectification"})

    for who in ("leader_in_charge", "secretary_general", "principal_leader", "office"):
        with pytest.raises(ActionRefused, match=re.escape("不是市政府（审定）：「约谈」须经市政府（审定）批准（第十二条(三)）")):
            ENG.check_new(s, interview(who))
    ENG.check_new(s, interview("government"))
    held = ENG.apply(s, interview("government"))
    assert ("priority_chase_no_rectification", "u1") not in findings([held], D(2025, 9, 23))


def test_article_12_3_interview_result_reported_to_the_principal_leader():
    # 约谈结果报市政府主要领导: after each interview the result goes to the principal leader — proposed from the
    # interview's day (Thu 2025-10-09) until recorded; the step names the principal leader who read it (阅签)
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-12-31"),
            E("M1", "interview", D(2025, 10, 9), "leader_in_charge", {"approved_by": "government"})]
    s = ENG.fold(base)
    assert ("interview_result_report", "u1") not in findings([ENG.fold(base[:-1])], D(2025, 10, 9))
    f = findings([s], D(2025, 10, 9))[("interview_result_report", "u1")]
    assert (f.proposes, f.on, f.citation.article) == ("interview_result", D(2025, 10, 9), "第十二条(三)")
    assert ("interview_result_report", "u1") in findings([s], D(2025, 11, 3))  # still owed
    with pytest.raises(ActionRefused, match=re.escape("「约谈结果报市政府主要领导」缺少市政府主要领导阅签人（第十二条(三)）")):
        ENG.apply(s, E("M1", "interview_result", D(2025, 10, 10), "leader_in_charge", {}))
    for who in ("leader_in_charge", "government", "secretary_general"):
        with pytest.raises(ActionRefused, match=re.escape("不是市政府主要领导：「约谈结果报市政府主要领导」须经市政府主要领导审签（第十二条(三)）")):
            ENG.check_new(s, E("M1", "interview_result", D(2025, 10, 10), "leader_in_charge", {"principal_signoff": who}))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(s, E("M1", "interview_result", D(2025, 10, 10), "unit_head:u1", {"principal_signoff": "principal_leader"}))
    report = E("M1", "interview_result", D(2025, 10, 10), "leader_in_charge",
               {"principal_signoff": "principal_leader", "step": "interview_result_report"})
    ENG.check_new(s, report)
    done = ENG.apply(s, report)
    assert ("interview_result_report", "u1") not in findings([done], D(2025, 10, 13))
    # a second interview (Mon 11/3) calls for its own report
    again = ENG.apply(done, E("M1", "interview", D(2025, 11, 3), "leader_in_charge", {"approved_by": "government"}))
    assert findings([again], D(2025, 11, 3))[("interview_result_report", "u1")].on == D(2025, 11, 3)


def test_article_12_3_referral_to_discipline():
    s = ENG.fold([*assigned(deadline="2025-10-31"),
                  E("M1", "finding", D(2025, 10, 10), "inspector", {"text": "虚报瞒报", "misconduct": True})])
    f = findings([s], D(2025, 10, 10))
    assert f[("misconduct_referral", "u1")].proposes == "accountability"
    with pytest.raises(ActionRefused, match="理由"):
        ENG.apply(s, E("M1", "accountability", D(2025, 10, 11), "office", {"referral_signoff": "discipline"}))
    # 移送相关执纪执法部门: the referral names the person of the 执纪执法部门 who signed for it; one handed to
    # anyone else (the 分管领导, the office itself, an inspector) is no referral
    with pytest.raises(ActionRefused, match=re.escape("「移送执纪执法部门」缺少执纪执法部门签收人（第十二条(三)）；请加上 --referral-signoff")):
        ENG.apply(s, E("M1", "accountability", D(2025, 10, 13), "office", {"reason": "虚报瞒报"}))
    for who in ("leader_in_charge", "office", "inspector"):
        with pytest.raises(ActionRefused, match=re.escape("不是执纪执法部门：「移送执纪执法部门」须经执纪执法部门审签（第十二条(三)）")):
            ENG.check_new(s, E("M1", "accountability", D(2025, 10, 13), "office",
                               {"reason": "虚报瞒报", "referral_signoff": who}))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(s, E("M1", "accountability", D(2025, 10, 13), "inspector",
                       {"reason": "虚报瞒报", "referral_signoff": "discipline"}))
    referral = E("M1", "accountability", D(2025, 10, 13), "office",
                 {"reason": "虚报瞒报", "referral_signoff": "discipline", "step": "misconduct_referral"})
    ENG.check_new(s, referral)
    s = ENG.apply(s, referral)
    assert ("misconduct_referral", "u1") not in findings([s], D(2025, 10, 14))
    assert POL.action_name("accountability") == "移送执纪执法部门"
    # an ordinary finding does not call for a referral
    plain = ENG.fold([*assigned("M2", deadline="2025-10-31"),
                      E("M2", "finding", D(2025, 10, 10), "inspector", {"text": "进度正常"})])
    assert ("misconduct_referral", "u1") not in findings([plain], D(2025, 10, 10))


def test_article_12_4_year_end_summary_and_deductions():
    cycle = next(c for c in POL.cycles if c.id == "year_end_summary")
    assert (cycle.every, cycle.reporter) == ("year", "office")
    assert resolve(cycle.due, D(2025, 3, 1), CAL).date == D(2025, 12, 31)
    assert resolve(cycle.due, D(2022, 3, 1), CAL).date == D(2022, 12, 30)  # 12/31/2022 is a Saturday
    pol = load_policy("ankang", {"criticism_points": 2, "interview_points": 1})
    eng = MatterEngine(pol, CAL)
    s = eng.fold([*assigned(deadline="2025-12-31"),
                  E("M1", "interview", D(2025, 10, 9), "leader_in_charge", {"approved_by": "市政府"}),
                  E("M1", "bulletin", D(2025, 10, 20), "office", {"type": "criticism"})])
    got = {f.rule: f.data["points"] for f in evaluate(pol, CAL, [s], D(2025, 12, 31)) if f.category == "deduction"}
    assert got == {"interview_deduction": 1, "criticism_deduction": 2}
    assert POL.setting("praise_points") is None  # the document gives no figure


def test_article_12_4_each_bulletin_and_interview_counts_in_the_assessment():
    pol = load_policy("ankang", {"criticism_points": 2, "interview_points": 3, "praise_points": 1})
    eng = MatterEngine(pol, CAL)
    states = [
        # u1: result due Tue 9/30, reported Fri 10/10 — late by 10/9, 10/10 = 2 working days; criticised twice
        eng.fold([*assigned("A", on=D(2025, 9, 1), deadline="2025-09-30"),
                  E("A", "submit", D(2025, 10, 10), "unit:u1", {"evidence": "材料"}),
                  E("A", "bulletin", D(2025, 10, 20), "office", {"type": "criticism"}),
                  E("A", "bulletin", D(2025, 11, 20), "office", CRITICISM_CITY)]),
        # u1: interviewed Mon 11/3; plan due Mon 11/10 (in 11/7); 30 working days: 11/4–7 (4), 11/10–14 (9),
        # 11/17–21 (14), 11/24–28 (19), 12/1–5 (24), 12/8–12 (29), Mon 12/15 (30) — progress that day: nothing late
        eng.fold([*assigned("B", on=D(2025, 9, 1), deadline="2025-12-31"),
                  E("B", "interview", D(2025, 11, 3), "leader_in_charge", {"approved_by": "市政府"}),
                  E("B", "rectification_plan", D(2025, 11, 7), "unit_head:u1", {"plan": "整改方案"}),
                  E("B", "progress", D(2025, 12, 15), "unit:u1", {"progress": "整改进展"})]),
        # u2: result due Fri 11/28, never reported (unmet); 重点督办 Mon 12/1 till Fri 12/12, progress 12/10 (in time)
        eng.fold([*assigned("C", on=D(2025, 9, 1), deadline="2025-11-28", units=("u2",)),
                  E("C", "priority_chase", D(2025, 12, 1), "office", {"reason": "推进缓慢", "until": "2025-12-12"}),
                  E("C", "progress", D(2025, 12, 10), "unit:u2", {"progress": "整改进展"})]),
        # u2: graded 优秀 and praised (12/22, 12/23)
        eng.fold([*assigned("P", on=D(2025, 9, 1), deadline="2025-10-31", units=("u2",)),
                  E("P", "submit", D(2025, 10, 30), "unit:u2", {"evidence": "材料"}),
                  E("P", "grade", D(2025, 12, 22), "office", {"grade": "优秀"}),
                  E("P", "bulletin", D(2025, 12, 23), "office", {"type": "praise", "step": "excellent_praise"})]),
    ]
    # one deduction or addition per event, in the year it happened
    got = sorted((f.rule, f.unit, f.on, f.data["points"], f.data["bonus"])
                 for f in evaluate(pol, CAL, states, D(2025, 12, 31)) if f.category == "deduction")
    assert got == [
        ("criticism_deduction", "u1", D(2025, 10, 20), 2, False),
        ("criticism_deduction", "u1", D(2025, 11, 20), 2, False),
        ("interview_deduction", "u1", D(2025, 11, 3), 3, False),
        ("praise_bonus", "u2", D(2025, 12, 23), 1, True),
    ]
    assert [f for f in evaluate(pol, CAL, states, D(2026, 1, 5)) if f.category == "deduction"] == []  # a new year
    u1, u2 = assess(pol, CAL, states, 2025, D(2026, 1, 5))
    assert (u1.unit, u1.counts) == ("u1", {"praise": 0, "criticism": 2, "interviews": 1, "orders": 0,
                                          "priority_chases": 0, "accountability": 0})
    assert (u1.late, u1.late_days, u1.unmet, u1.grade, u1.forced) == (1, 2, 0, None, ())
    assert sorted((x.rule, x.count, x.points, x.total) for x in u1.points) == [
        ("criticism_deduction", 2, 2, 4.0), ("interview_deduction", 1, 3, 3.0)]
    assert (u1.total(False), u1.total(True)) == (7.0, 0)
    assert (u2.unit, u2.counts) == ("u2", {"praise": 1, "criticism": 0, "interviews": 0, "orders": 0,
                                          "priority_chases": 1, "accountability": 0})
    assert (u2.late, u2.late_days, u2.unmet, u2.grade) == (0, 0, 1, "优秀")
    assert [(x.rule, x.count, x.total, x.bonus) for x in u2.points] == [("praise_bonus", 1, 1.0, True)]
    assert (u2.total(False), u2.total(True)) == (0, 1.0)
    # nothing in 2024
    assert assess(pol, CAL, states, 2024, D(2026, 1, 5)) == []


def test_article_12_4_praise_recorded_after_the_year_counts_in_the_year_it_names():
    # u3 graded 优秀 Mon 2025-12-22; the 通报表扬 is recorded Tue 2026-01-06 for 2025 (--year 2025, as `ducha due
    # --year 2025` prints it): the praise and its bonus count in 2025, nothing in 2026
    pol = load_policy("ankang", {"praise_points": 1})
    eng = MatterEngine(pol, CAL)
    states = [eng.fold([*assigned("Q", on=D(2025, 9, 1), deadline="2025-10-31", units=("u3",)),
                        E("Q", "submit", D(2025, 10, 30), "unit:u3", {"evidence": "材料"}),
                        E("Q", "grade", D(2025, 12, 22), "office", {"grade": "优秀"}),
                        E("Q", "bulletin", D(2026, 1, 6), "office",
                          {"type": "praise", "year": 2025, "step": "excellent_praise"})])]
    assert [f for f in evaluate(pol, CAL, states, D(2026, 1, 7)) if f.category == "deduction"] == []
    assert assess(pol, CAL, states, 2026, D(2026, 1, 7)) == []
    [u3] = assess(pol, CAL, states, 2025, D(2026, 1, 7))
    assert (u3.unit, u3.counts["praise"], u3.grade) == ("u3", 1, "优秀")
    assert [(x.rule, x.count, x.total, x.bonus) for x in u3.points] == [("praise_bonus", 1, 1.0, True)]
    got = [(f.rule, f.unit, f.year, f.data["points"]) for f in evaluate(pol, CAL, states, D(2026, 1, 7), year=2025)
           if f.category == "deduction"]
    assert got == [("praise_bonus", "u3", 2025, 1)]


# --- refusals, silence -------------------------------------------------------------------------------


def test_refusals_wrong_role_wrong_state_unit_scope():
    with pytest.raises(ActionRefused, match="市政府督查室"):
        ENG.apply(None, reg(actor="unit:u1"))
    s = ENG.fold([reg()])
    with pytest.raises(ActionRefused, match="不能在「已立项」状态下进行"):
        ENG.apply(s, E("M1", "submit", D(2025, 10, 9), "unit:u1", {"evidence": "x"}))
    s = ENG.fold(assigned(deadline="2025-10-31"))
    with pytest.raises(ActionRefused, match="u2 不是事项 M1 的承办单位"):
        ENG.apply(s, E("M1", "progress", D(2025, 10, 9), "unit:u2", {"visible_progress": "x"}))
    with pytest.raises(ActionRefused, match="无权"):
        ENG.apply(s, E("M1", "submit", D(2025, 10, 9), "office", {"evidence": "x"}))
    with pytest.raises(ActionRefused, match="未知的事项类别 'weekly_report'"):
        ENG.apply(None, reg(kind="weekly_report"))
    closed = ENG.fold([*assigned(deadline="2025-10-31"), E("M1", "submit", D(2025, 10, 9), "unit:u1", {"evidence": "x"}),
                       E("M1", "review_pass", D(2025, 10, 9), "office"), E("M1", "close", D(2025, 10, 10), "office")])
    with pytest.raises(ActionRefused, match="不能在「已办结」状态下进行"):
        ENG.apply(closed, E("M1", "remind", D(2025, 10, 11), "office"))


def test_no_extension_in_document():
    assert POL.extension_rules == ()
    s = ENG.fold([*assigned(deadline="2025-10-31"), E("M1", "accept", D(2025, 9, 30), "unit:u1")])
    with pytest.raises(ActionRefused, match="安康市《安康市政府系统督促检查工作办法》未规定延期程序"):
        ENG.apply(s, E("M1", "extension_ask", D(2025, 10, 20), "unit:u1", {"reasons": "x", "progress": "y"}))


@pytest.mark.parametrize("kind", ["instruction", "npc_suggestion", "cppcc_proposal", "field_meeting", "decision",
                                  "public_concern", "rectification", "key_project"])
def test_silent_kinds_have_no_time_limit(kind):
    # the document sets no time limit for these kinds: the assignment notice must set it (第六条 交办)
    [limit] = POL.limits_for(kind)
    assert (limit.id, limit.what, limit.period, limit.citation.article) == ("notice_result", "result", AsAssigned(),
                                                                            "第六条")
    actor = "section" if kind in SECTION_KINDS else "office"
    s = ENG.fold([reg(kind=kind, actor=actor)])
    with pytest.raises(ActionRefused, match=r"「交办」缺少办理时限（第六条：.*请加上 --deadline YYYY-MM-DD"):
        ENG.apply(s, E("M1", "assign", D(2025, 9, 30), actor, {"lead_units": ["u1"]}))
    s = ENG.fold(assigned(kind=kind, actor=actor, deadline="2025-10-31"))
    assert (s.due.rule, s.due.date, s.due.citation) == ("explicit", D(2025, 10, 31), limit.citation)
    # Fri 10/31: 10/28, 29, 30, 31 = 4 working days left on 10/27 (green), 3 on 10/28 (yellow); red from Mon 11/3
    assert light(POL, CAL, s, D(2025, 10, 27)) == "green"
    assert light(POL, CAL, s, D(2025, 10, 28)) == "yellow"
    assert light(POL, CAL, s, D(2025, 11, 3)) == "red"
    # a deadline written on a rest day moves to the next working day (民法典第二百零三条): Sat 10/4 → Thu 10/9
    rolled = ENG.fold(assigned(kind=kind, actor=actor, deadline="2025-10-04"))
    assert rolled.due.date == D(2025, 10, 9)
    assert any("10/4 国庆节、中秋节 → 顺延至10/9" in line for line in rolled.due.explanation)


# --- traceability and CLI ----------------------------------------------------------------------------


DOCUMENT_ARTICLES = [
    "第一条", "第二条", "第三条", "第四条", "第五条", *(f"第五条({n})" for n in "一二三四五六七"), "第六条",
    *(f"第六条({n})" for n in "一二三"), "第七条", "第八条", "第九条第一款", "第九条第二款", "第十条", "第十一条",
    "第十二条", *(f"第十二条({n})" for n in "一二三四"), "第十三条",
]


def test_every_operational_article_names_existing_rules_and_tests():
    static = report(POL)
    assert static["errors"] == [] and static["unknown_rules"] == [] and static["missing_articles"] == []
    # no cited rule is declared data only (未被读取) or out of the command line's reach (CLI不可达)
    assert not_enforced(static) == []
    assert static["statically_clear"] == static["operational"] == 26
    assert [a.id for a in POL.articles] == DOCUMENT_ARTICLES
    source = HERE.read_text(encoding="utf-8")
    defined = set(re.findall(r"^def (test_\w+)", source, re.M))
    for article in POL.articles:
        if not article.operational:
            assert article.reason, article.id
        for node in article.tests:
            path, _, name = node.partition("::")
            assert path == "plugins/ankang/tests/test_ankang.py" and name in defined, node
    # every rule's citation names an article of the document
    bases = {i.split("条")[0] + "条" for i in DOCUMENT_ARTICLES}
    cited = [t.citation.article for t in POL.procedure.transitions] + [s.citation.article for s in POL.escalation]
    cited += [t.citation.article for t in POL.time_limits] + [c.citation.article for c in POL.cycles]
    for article in cited:
        for part in article.split("、"):
            if part.startswith("第"):
                assert part.split("条")[0] + "条" in bases, article


def test_cli_deadline():
    from ducha_core.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["deadline", "--jurisdiction", "ankang", "--kind", "meeting", "--from", "2025-09-30",
                                  "--json"])
    assert result.exit_code == 0, result.output
    assert '"date": "2025-11-18"' in result.output and '"rule": "meeting_progress_30wd"' in result.output
    result = runner.invoke(main, ["deadline", "-j", "ankang", "-k", "npc_suggestion", "--from", "2025-09-30"])
    assert result.exit_code == 0 and "交办通知明确的办理时限" in result.output and "期限由交办通知明确" in result.output
    result = runner.invoke(main, ["deadline", "-j", "ankang", "-k", "weekly", "--from", "2025-09-30"])
    assert result.exit_code != 0 and "没有事项类别 'weekly'" in result.output and "meeting（" in result.output


@pytest.mark.skipif(bool(os.environ.get(RUNNING_ENV)), reason="已在剔除检验之中")
def test_every_operational_article_enforced_and_tested():
    # the knock-out check (ducha articles ankang --check): every rule an article cites, removed or neutralised,
    # makes one of that article's own tests fail
    honest = report(POL, knockout_run("ankang", root=HERE.parents[3]))
    assert not_enforced(honest) == []
    assert (honest["enforced_and_tested"], honest["operational"], honest["coverage"]) == (26, 26, 1.0)


def test_article_12_3_missing_plan_chased_again_while_owed():
    # 约谈 Tue 2025-09-30: the written plan is due Thu 10/9 (一周 → 10/7 in the holiday → 10/9); the chase is
    # proposed from Fri 10/10. Chased that day, it comes round again after 5 working days: 10/11 (Sat, worked),
    # 10/13, 10/14, 10/15, 10/16 → proposed again from Fri 10/17, until the plan is filed
    base = [*assigned(on=D(2025, 9, 1), deadline="2025-12-31"), E("M1", "accept", D(2025, 9, 1), "unit:u1"),
            E("M1", "interview", D(2025, 9, 30), "leader_in_charge", {"approved_by": "市政府"})]
    assert ("interview_plan_one_week", "u1") not in findings([ENG.fold(base)], D(2025, 10, 9))
    assert findings([ENG.fold(base)], D(2025, 10, 10))[("interview_plan_one_week", "u1")].on == D(2025, 10, 10)
    chased = [*base, E("M1", "remind", D(2025, 10, 10), "office", {"method": "电话"})]
    assert ("interview_plan_one_week", "u1") not in findings([ENG.fold(chased)], D(2025, 10, 16))
    again = findings([ENG.fold(chased)], D(2025, 10, 17))[("interview_plan_one_week", "u1")]
    assert again.on == D(2025, 10, 17) and "2025-10-10 已催办" in again.reason
    filed = [*chased, E("M1", "rectification_plan", D(2025, 10, 16), "unit_head:u1", {"plan": "整改方案"})]
    assert ("interview_plan_one_week", "u1") not in findings([ENG.fold(filed)], D(2025, 10, 17))
