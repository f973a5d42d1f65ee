"""大安区《中共自贡市大安区委督促检查工作规则（试行）》: scenario tests, one per article.

Dates are hand-checked against the State Council holiday notices:
2025 National Day: 10/1–10/8 off, Sun 9/28 and Sat 10/11 worked.
2026 Spring Festival: 2/15–2/23 off, Sat 2/14 and Sat 2/28 worked.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import date as D
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main as cli
from ducha_core.cycles import occurrences
from ducha_core.deadlines import deadlines_for
from ducha_core.errors import ActionRefused
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.knockout import RUNNING_ENV
from ducha_core.knockout import run as run_knockout
from ducha_core.matter import MatterEngine, light
from ducha_core.periods import resolve
from ducha_core.policy import load_policy
from ducha_core.traceability import coverage, not_enforced, report

TEST_FILE = "plugins/dazhan/tests/test_dazhan.py"


@pytest.fixture(scope="module")
def pol():
    return load_policy("dazhan")


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.default()


@pytest.fixture(scope="module")
def eng(pol, cal):
    return MatterEngine(pol, cal)


def reg(mid, kind, on, **data):
    return E(mid, "register", on, "office", {"kind": kind, "title": f"{mid} 事项", "draft_opinion": "拟交区发改局办理", **data})


def approve(mid, on):
    return E(mid, "approve", on, "leader_in_charge", {"approved_by": "区委副书记"})


def assign(mid, on, deadline, unit="u1", **data):
    return E(mid, "assign", on, "office", {"lead_units": [unit], "deadline": deadline, **data})


def accept(mid, on, unit="u1", leader="李科长", person="张三"):
    return E(mid, "accept", on, f"unit:{unit}", {"responsible_person": person, "responsible_leader": leader})


def submit(mid, on, unit="u1"):
    return E(mid, "submit", on, f"unit:{unit}", {"head_signoff": "王局长", "seal": True, "text": "已完成"})


def handled(mid, kind="decision", deadline="2025-10-14", start=D(2025, 9, 26)):
    return [reg(mid, kind, start), approve(mid, start), assign(mid, D(2025, 9, 29), deadline), accept(mid, D(2025, 9, 30))]


def order(mid, on, **data):
    return E(mid, "order", on, "office", {"text": "督办通知", **data})


def progress(mid, on, unit="u1"):
    return E(mid, "progress", on, f"unit:{unit}", {"text": "已整改"})


def remind(mid, on, **data):
    return E(mid, "remind", on, "office", {"method": "催报", **data})


def rules(pol, cal, states, day, **kw):
    """The escalation rules proposed as of ``day`` (ladder order)."""
    return [f.rule for f in evaluate(pol, cal, states, day, **kw)]


# --- 第一章 总则 ----------------------------------------------------------------------------------


def test_article_34_in_force_and_repeal(pol):
    doc = pol.jurisdiction.document
    assert doc.title == "中共自贡市大安区委督促检查工作规则（试行）"
    assert doc.issuer == "中共自贡市大安区委"
    assert doc.issued == doc.effective == D(2017, 3, 14)
    assert "试行" in doc.trial and doc.expires is None and doc.trial_months is None
    assert pol.force_warning(D(2017, 3, 14)) is None
    assert "尚未施行" in pol.force_warning(D(2017, 3, 13))
    assert doc.repeals == ("《中共自贡市大安区委督促检查工作规定》(大委办发〔2012〕56号)",)


def test_article_3_one_matter_one_body_one_person(pol, eng):
    s = eng.fold(handled("R1")[:3])
    with pytest.raises(ActionRefused, match="缺少责任人"):
        eng.apply(s, E("R1", "accept", D(2025, 9, 30), "unit:u1", {"responsible_leader": "李科长"}))
    with pytest.raises(ActionRefused, match="缺少责任领导"):
        eng.apply(s, E("R1", "accept", D(2025, 9, 30), "unit:u1", {"responsible_person": "张三"}))
    with pytest.raises(ActionRefused, match="不是事项"):
        eng.apply(s, accept("R1", D(2025, 9, 30), unit="u2"))
    s = eng.apply(s, accept("R1", D(2025, 9, 30)))
    assert s.responsible == {"u1": "张三"} and s.lead_units == ("u1",)


def test_article_3_one_matter_one_lead_unit(pol, eng):
    # 一事一主体: 立项下达 names one 主办单位; the other units are 协办单位
    s = eng.fold([reg("R2", "decision", D(2025, 9, 26)), approve("R2", D(2025, 9, 26))])
    with pytest.raises(ActionRefused, match="至多1个主办单位（第十七条、第三条）"):
        eng.apply(s, E("R2", "assign", D(2025, 9, 29), "office", {"lead_units": ["u1", "u2"], "deadline": "2025-10-14"}))
    s = eng.apply(s, assign("R2", D(2025, 9, 29), "2025-10-14", co_units=["u2"]))
    assert s.lead_units == ("u1",) and s.co_units == ("u2",)
    assert pol.transition("approved", "assign").max_lead_units == 1


# --- 第二章 任务、内容和程序 -------------------------------------------------------------------------


def test_article_6_matter_kinds(pol):
    core = {k: v.core_kind for k, v in pol.kinds.items()}
    assert core == {
        "policy_line": "decision", "decision": "decision", "document": "document", "meeting": "meeting",
        "agreed_matter": "meeting", "speech": "instruction", "instruction": "instruction",
        "principal_instruction": "instruction", "npc_suggestion": "npc_suggestion", "cppcc_proposal": "cppcc_proposal",
        "special": "other", "annual_key": "annual_task", "inspection": "other",
    }
    assert pol.kinds["special"].citation.article == "第六条(六)"


def test_article_7_five_steps_walk(pol, eng):
    names = {t.name for t in pol.procedure.transitions}
    assert {"拟办送审", "立项下达", "审核报结", "立卷归档", "通知补办或重新办理", "跟踪催办"} <= names
    with pytest.raises(ActionRefused, match="缺少拟办意见"):
        eng.apply(None, E("S1", "register", D(2025, 9, 26), "office", {"kind": "decision", "title": "x"}))
    s = eng.apply(None, reg("S1", "decision", D(2025, 9, 26)))
    assert s.state == "drafted"
    with pytest.raises(ActionRefused, match="不能在"):  # 立项下达 only after 区委领导审定
        eng.apply(s, assign("S1", D(2025, 9, 26), "2025-10-14"))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("S1", "approve", D(2025, 9, 26), "office", {"approved_by": "x"}))
    s = eng.apply(s, approve("S1", D(2025, 9, 26)))
    s = eng.apply(s, assign("S1", D(2025, 9, 29), "2025-10-14"))
    s = eng.apply(s, accept("S1", D(2025, 9, 30)))
    s = eng.apply(s, E("S1", "remind", D(2025, 10, 9), "office", {"method": "催报"}))
    with pytest.raises(ActionRefused, match="主要负责人审签"):
        eng.apply(s, E("S1", "submit", D(2025, 10, 10), "unit:u1", {"seal": True}))
    with pytest.raises(ActionRefused, match="单位公章"):
        eng.apply(s, E("S1", "submit", D(2025, 10, 10), "unit:u1", {"head_signoff": "王局长"}))
    s = eng.apply(s, submit("S1", D(2025, 10, 10)))
    with pytest.raises(ActionRefused, match="理由"):
        eng.apply(s, E("S1", "review_return", D(2025, 10, 11), "office"))
    s = eng.apply(s, E("S1", "review_return", D(2025, 10, 11), "office", {"reason": "数据不全，补办"}))
    assert s.state == "rework" and s.returns == 1
    s = eng.apply(s, submit("S1", D(2025, 10, 13)))
    s = eng.apply(s, E("S1", "review_pass", D(2025, 10, 14), "office"))
    s = eng.apply(s, E("S1", "report_up", D(2025, 10, 14), "office", {"form": "单项报告"}))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("S1", "close", D(2025, 10, 15), "special_inspector", {"approved_by": "x"}))
    with pytest.raises(ActionRefused, match="审批领导"):
        eng.apply(s, E("S1", "close", D(2025, 10, 15), "office"))
    s = eng.apply(s, E("S1", "close", D(2025, 10, 15), "office", {"approved_by": "区委副书记"}))
    s = eng.apply(s, E("S1", "archive", D(2025, 12, 30), "office"))
    assert s.state == "archived" and pol.states["archived"].terminal
    assert pol.action_name("register") == "拟办送审" and pol.action_name("archive") == "立卷归档"


#: the 区委领导 who may review (审定) a draft or a written report: the roles 第八条 gives the 区委's leaders
LEADER_NAMES = "区委分管领导同志或区委主要领导同志或区委常委会议"


def test_article_7_1_draft_reviewed_by_district_leader(pol, eng):
    # 第七条(一) 拟办意见"报区委领导审定": the person named as having reviewed it (--approved-by) is a 区委分管领导同志、
    # 区委主要领导同志 or the 区委常委会议 — not the office that drafted it, a unit, nor the 区委分管督查的领导同志,
    # whose approval 第十六条 gives to inspection activities
    s = eng.apply(None, reg("A71", "decision", D(2025, 9, 26)))

    def reviewed_by(who):
        return E("A71", "approve", D(2025, 9, 26), "leader_in_charge", {"approved_by": who})

    for who in ("office", "unit_head:u1", "supervision_leader"):
        with pytest.raises(ActionRefused, match=rf"--approved-by {who}（{who}）不是{LEADER_NAMES}：「区委领导审定」"
                                                rf"须经{LEADER_NAMES}批准（第七条\(一\)）"):
            eng.check_new(s, reviewed_by(who))
    for who in ("leader_in_charge", "principal_leader", "standing_committee"):
        eng.check_new(s, reviewed_by(who))
    assert eng.apply(s, reviewed_by("principal_leader")).state == "approved"


def test_article_7_4_report_reviewed_by_district_leader(pol, eng):
    # 第七条(四) 书面报告"报送区委领导审定": 报结 names the 区委领导 who reviewed the report (the same leaders as
    # 第七条(一)); written report Fri 10/10/2025, 审核 and 审核报结 Mon 10/13, 报结 Wed 10/15
    s = eng.fold([*handled("A74"), submit("A74", D(2025, 10, 10)), E("A74", "review_pass", D(2025, 10, 13), "office"),
                  E("A74", "report_up", D(2025, 10, 13), "office", {"form": "单项报告"})])
    assert s.state == "reported"

    def closed_by(who):
        return E("A74", "close", D(2025, 10, 15), "office", {"approved_by": who})

    for who in ("office", "unit_head:u1", "supervision_leader", "special_inspector"):
        with pytest.raises(ActionRefused, match=rf"--approved-by {who}（{who}）不是{LEADER_NAMES}：「报结」"
                                                rf"须经{LEADER_NAMES}批准（第七条\(四\)）"):
            eng.check_new(s, closed_by(who))
    for who in ("leader_in_charge", "principal_leader", "standing_committee"):
        eng.check_new(s, closed_by(who))
    assert eng.apply(s, closed_by("leader_in_charge")).state == "closed"


def test_article_17_no_numeric_time_limit_deadline_from_notice(pol, cal, eng):
    # the rules set no number of days: the one time limit is 第十七条's "明确……办理时限", whose day the
    # 立项下达 states, for every kind
    assert [(t.id, t.kinds, t.what, type(t.period).__name__) for t in pol.time_limits] == [
        ("notice_result", ("*",), "result", "AsAssigned")]
    for kind in pol.kinds:
        d = deadlines_for(pol, kind, D(2025, 9, 30), cal)
        assert [(x.rule, x.date, x.citation.article) for x in d] == [("notice_result", None, "第十七条")], kind
    s = eng.fold([reg("T1", "decision", D(2025, 9, 30)), approve("T1", D(2025, 9, 30))])
    s = eng.apply(s, assign("T1", D(2025, 9, 30), "2025-10-14"))
    assert s.due.date == D(2025, 10, 14) and s.due.rule == "explicit" and s.due.citation.article == "第十七条"
    # the light counts working days across National Day: after 10/9 come 10/10, 10/11 (Sat, worked), 10/13,
    # 10/14 = 4 > 3 (green); after 10/10 only 3 remain (yellow)
    assert light(pol, cal, s, D(2025, 10, 9)) == "green"
    assert light(pol, cal, s, D(2025, 10, 10)) == "yellow"
    assert light(pol, cal, s, D(2025, 10, 15)) == "red"


def test_article_17_assignment_without_time_limit_is_refused(pol, cal, eng):
    # 第十七条 明确……办理时限: a 立项下达 without its time limit is not made
    s = eng.fold([reg("T2", "decision", D(2025, 9, 29)), approve("T2", D(2025, 9, 29))])
    for data in ({"lead_units": ["u1"]}, {"lead_units": ["u1"], "deadline": ""}):
        with pytest.raises(ActionRefused, match="「立项下达」缺少办理时限（第十七条、第三条）") as refused:
            eng.apply(s, E("T2", "assign", D(2025, 9, 29), "office", data))
        assert "--deadline" in str(refused.value)
    with pytest.raises(ActionRefused, match="办理时限 2025-09-26 早于交办日 2025-09-29"):
        eng.apply(s, assign("T2", D(2025, 9, 29), "2025-09-26"))
    assert s.state == "approved" and s.due is None and s.obligations == []
    # the day written, Sat 10/4/2025, is in the National Day holiday (10/1–10/8): it moves to Thu 10/9
    s = eng.apply(s, assign("T2", D(2025, 9, 29), "2025-10-04"))
    assert s.state == "assigned"
    assert s.due.date == D(2025, 10, 9) and s.due.rule == "explicit" and s.due.citation.article == "第十七条"
    moved = [line for line in s.due.explanation if "顺延至10/9" in line]
    assert len(moved) == 1 and moved[0].startswith("10/4 国庆节")
    assert [(ob.what, ob.owed_by, ob.due, ob.limit) for ob in s.obligations] == [
        ("result", ("u1",), D(2025, 10, 9), "notice_result")]


# --- 第三章 工作机制 ------------------------------------------------------------------------------


def test_article_8_routing_by_level(pol, eng):
    s = eng.fold(handled("L1"))
    s = eng.apply(s, E("L1", "escalate", D(2025, 10, 9), "unit:u1", {"text": "需区委统筹协调"}))
    assert s.state == "coordinating"
    # the leader in charge first: the principal leader cannot be reached directly
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("L1", "escalate", D(2025, 10, 9), "office", {"opinion": "x"}))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("L1", "approve", D(2025, 10, 9), "principal_leader", {"decision": "x"}))
    with pytest.raises(ActionRefused, match="意见"):
        eng.apply(s, E("L1", "escalate", D(2025, 10, 9), "leader_in_charge"))
    settled = eng.apply(s, E("L1", "approve", D(2025, 10, 10), "leader_in_charge", {"decision": "由区财政局调度资金"}))
    assert settled.state == "handling"
    s = eng.apply(s, E("L1", "escalate", D(2025, 10, 10), "leader_in_charge", {"opinion": "建议由区委统筹"}))
    assert s.state == "principal_decision"
    decided = eng.apply(s, E("L1", "approve", D(2025, 10, 11), "principal_leader", {"decision": "同意"}))
    assert decided.state == "handling"
    s = eng.apply(s, E("L1", "escalate", D(2025, 10, 11), "principal_leader"))
    assert s.state == "committee"
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("L1", "approve", D(2025, 10, 13), "principal_leader", {"decision": "x"}))
    s = eng.apply(s, E("L1", "approve", D(2025, 10, 16), "standing_committee", {"decision": "常委会议研究通过"}))
    assert s.state == "handling"
    # the clock runs throughout: the unit still owes its report
    assert all(pol.states[x].clock_running for x in ("coordinating", "principal_decision", "committee"))


def test_article_8_3_unit_head_oversees_own_work(pol, eng):
    # 第八条(三) 责任单位主要负责人对所负责工作进行重点督查 (第八条第二款: 主要负责人要亲自抓、常督查): the head of the
    # lead unit takes the unit's own steps on the matter himself — reports its progress, asks for the 区委's
    # coordination, signs and files its written report — for his own unit only
    s = eng.fold(handled("H1", deadline="2025-12-31"))
    s = eng.apply(s, E("H1", "progress", D(2025, 10, 9), "unit_head:u1", {"text": "主要负责人现场调度，完成六成"}))
    assert s.progress_on == [D(2025, 10, 9)] and s.state == "handling"
    coordinating = eng.apply(s, E("H1", "escalate", D(2025, 10, 10), "unit_head:u1", {"text": "需区委统筹协调征地"}))
    assert coordinating.state == "coordinating"
    done = eng.apply(s, E("H1", "submit", D(2025, 10, 13), "unit_head:u1", {"head_signoff": "unit_head:u1", "seal": True}))
    assert done.state == "submitted" and done.submitted_on == D(2025, 10, 13)
    with pytest.raises(ActionRefused, match=r"unit_head:u2 所在单位 u2 不是事项 H1 的承办单位（u1）"):
        eng.apply(s, E("H1", "progress", D(2025, 10, 9), "unit_head:u2", {"text": "x"}))


def test_article_20_1_report_signed_by_own_unit_head(pol, eng):
    # 第二十条(一) 书面报告应当经过单位主要负责人审签: --head-signoff names the head of the unit filing it — not
    # its staff, nor another unit's head
    s = eng.fold(handled("H2"))

    def signed(by):
        return E("H2", "submit", D(2025, 10, 10), "unit:u1", {"head_signoff": by, "seal": True})

    with pytest.raises(ActionRefused, match=r"--head-signoff unit:u1（unit:u1）不是单位主要负责人：「书面报告贯彻落实情况」"
                                            r"须经单位主要负责人审签（第二十条\(一\)）"):
        eng.check_new(s, signed("unit:u1"))
    with pytest.raises(ActionRefused, match=r"--head-signoff unit_head:u2（unit_head:u2）不是本单位（u1）的单位主要负责人"
                                            r"（第二十条\(一\)）"):
        eng.check_new(s, signed("unit_head:u2"))
    eng.check_new(s, signed("unit_head:u1"))
    assert eng.apply(s, signed("unit_head:u1")).state == "submitted"


def test_article_12_unit_responsible_leader(pol, eng):
    assert pol.roles["unit_leader"].citation.article == "第十二条"
    s = eng.fold(handled("U1"))
    s = eng.apply(s, E("U1", "progress", D(2025, 10, 9), "unit_leader:u1", {"text": "推进中"}))
    assert s.progress_on == [D(2025, 10, 9)]


def test_article_13_external_supervisors(pol, eng):
    s = eng.fold(handled("X1"))
    s = eng.apply(s, E("X1", "finding", D(2025, 10, 9), "external_supervisor",
                       {"authorised_by": "区委督查部门", "text": "政协委员反映进度滞后"}))
    assert s.marks[-1].actor == "external_supervisor"
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("X1", "remind", D(2025, 10, 9), "external_supervisor", {"method": "催报"}))


def test_article_14_methods_and_serious_problems(pol, cal, eng):
    assert len(pol.settings["supervision_methods"]) == 14
    s = eng.fold(handled("P1", deadline="2025-12-31"))
    with pytest.raises(ActionRefused, match="催办方式"):
        eng.apply(s, E("P1", "remind", D(2025, 10, 9), "office"))
    s = eng.apply(s, E("P1", "finding", D(2025, 10, 9), "office",
                       {"authorised_by": "区委", "serious": True, "text": "项目停工"}))
    found = {f.rule: f for f in evaluate(pol, cal, [s], D(2025, 10, 10))}
    assert set(found) == {"serious_report", "serious_order"}
    assert found["serious_report"].data == {"to": "principal_leader"}
    assert found["serious_report"].proposes == "report_serious"
    assert pol.action_name("report_serious") == "向区委主要领导报告突出问题"
    s = eng.apply(s, E("P1", "report_serious", D(2025, 10, 10), "office", {"to": "principal_leader", "step": "serious_report"}))
    assert s.state == "handling"
    s = eng.apply(s, E("P1", "order", D(2025, 10, 10), "office", {"step": "serious_order", "text": "督办通知"}))
    assert s.state == "handling"
    # the 督办通知 of Fri 10/10 gives no date: "迅速整改" = order_rectify_period, 5 working days: 10/11 (Sat,
    # worked), 10/13, 10/14, 10/15, 10/16. The 问责建议 waits until that period has run (it used to be
    # proposed the next working day, 10/13): not on 10/13 nor on the last day 10/16; on Fri 10/17
    assert [(ob.what, ob.owed_by, ob.due) for ob in s.obligations if ob.what == "rectification"] == [
        ("rectification", ("u1",), D(2025, 10, 16))]
    assert rules(pol, cal, [s], D(2025, 10, 13)) == []
    assert rules(pol, cal, [s], D(2025, 10, 16)) == []
    assert rules(pol, cal, [s], D(2025, 10, 17)) == ["order_no_progress"]
    # progress on Tue 10/14, within the period: 迅速整改 done, nothing to propose
    s = eng.apply(s, E("P1", "progress", D(2025, 10, 14), "unit:u1", {"text": "已复工"}))
    assert evaluate(pol, cal, [s], D(2025, 10, 17)) == []


def test_article_14_12_serious_problem_at_once_not_cancelled_by_progress(pol, cal, eng):
    # 第十四条(十二) 突出问题: "及时向区委主要领导报告，并下达督办通知" — both on the day of the finding
    s = eng.fold([*handled("P2", deadline="2025-12-31"),
                  E("P2", "finding", D(2025, 10, 9), "special_inspector",
                    {"authorised_by": "区委督查部门", "serious": True, "text": "项目停工"})])
    found = evaluate(pol, cal, [s], D(2025, 10, 9))
    assert [(f.rule, f.proposes, f.data, f.unit, f.on, f.fact) for f in found] == [
        ("serious_report", "report_serious", {"to": "principal_leader"}, "u1", D(2025, 10, 9), "event:4"),
        ("serious_order", "order", {}, "u1", D(2025, 10, 9), "event:4")]
    assert [f.citation.article for f in found] == ["第十四条(十二)", "第十四条(十二)"]
    # the unit's progress and even its written report do not cancel them: only the office's step does
    s = eng.apply(s, progress("P2", D(2025, 10, 10)))
    assert rules(pol, cal, [s], D(2025, 10, 10)) == ["serious_report", "serious_order"]
    done = eng.apply(s, submit("P2", D(2025, 10, 13)))
    assert rules(pol, cal, [done], D(2025, 10, 13)) == ["serious_report", "serious_order"]
    # 审核报结 (report_up) is not the 突出问题 report: it is taken only on a verified matter
    with pytest.raises(ActionRefused, match="不能在「跟踪办理中」状态下进行"):
        eng.apply(s, E("P2", "report_up", D(2025, 10, 13), "office", {"to": "principal_leader", "step": "serious_report"}))
    # a 突出问题 report taken without --step (for another finding) does not answer this finding's rung
    s = eng.apply(s, E("P2", "report_serious", D(2025, 10, 13), "office", {"to": "principal_leader", "form": "督查专报"}))
    assert rules(pol, cal, [s], D(2025, 10, 13)) == ["serious_report", "serious_order"]
    s = eng.apply(s, E("P2", "report_serious", D(2025, 10, 13), "office", {"to": "principal_leader", "step": "serious_report"}))
    assert s.state == "handling"
    assert rules(pol, cal, [s], D(2025, 10, 13)) == ["serious_order"]
    # the 督办通知 confirming serious_order then waits for its own period (Mon 10/13 + 5个工作日: 10/14, 10/15,
    # 10/16, 10/17, 10/20)
    s = eng.apply(s, order("P2", D(2025, 10, 13), step="serious_order"))
    assert rules(pol, cal, [s], D(2025, 10, 13)) == rules(pol, cal, [s], D(2025, 10, 20)) == []
    assert rules(pol, cal, [s], D(2025, 10, 21)) == ["order_no_progress"]
    # a finding not marked serious calls for nothing
    plain = eng.fold([*handled("P3", deadline="2025-12-31"),
                      E("P3", "finding", D(2025, 10, 9), "office", {"authorised_by": "区委", "text": "进度偏慢"})])
    assert evaluate(pol, cal, [plain], D(2025, 10, 9)) == []


def test_article_14_12_serious_report_on_verified_matter_keeps_state(pol, cal, eng):
    # a 突出问题 found on a matter already 审核通过 (verified): the report to the 区委主要领导 is a step of its
    # own (report_serious) and leaves the matter where it is; 审核报结 (report_up) remains the office's own
    # decision. Written report Thu 10/9, review passed Fri 10/10, finding Mon 10/13
    s = eng.fold([*handled("P5", deadline="2025-12-31"), submit("P5", D(2025, 10, 9)),
                  E("P5", "review_pass", D(2025, 10, 10), "office"),
                  E("P5", "finding", D(2025, 10, 13), "office", {"authorised_by": "区委", "serious": True, "text": "返工"})])
    assert s.state == "verified"
    assert rules(pol, cal, [s], D(2025, 10, 13)) == ["serious_report", "serious_order"]
    s = eng.apply(s, E("P5", "report_serious", D(2025, 10, 13), "office", {"to": "principal_leader", "step": "serious_report"}))
    # confirming serious_report used to be a report_up, which moved the matter on to 审核报结 (reported)
    assert s.state == "verified"
    assert rules(pol, cal, [s], D(2025, 10, 13)) == ["serious_order"]
    # the 督办通知 on the verified matter, Mon 10/13, without a date: 5个工作日 10/14, 10/15, 10/16, 10/17, 10/20;
    # unanswered, the 问责建议 from Tue 10/21; the unit answers with a progress report on Fri 10/17
    s = eng.apply(s, order("P5", D(2025, 10, 13), step="serious_order"))
    assert rules(pol, cal, [s], D(2025, 10, 20)) == []
    assert rules(pol, cal, [s], D(2025, 10, 21)) == ["order_no_progress"]
    s = eng.apply(s, progress("P5", D(2025, 10, 17)))
    assert s.state == "verified" and rules(pol, cal, [s], D(2025, 10, 21)) == []
    # 审核报结 then taken on its own
    s = eng.apply(s, E("P5", "report_up", D(2025, 10, 21), "office", {"form": "单项报告"}))
    assert s.state == "reported"


def test_article_7_3_overdue_remind(pol, cal, eng):
    s = eng.fold(handled("O1"))
    assert evaluate(pol, cal, [s], D(2025, 10, 14)) == []
    found = evaluate(pol, cal, [s], D(2025, 10, 15))
    assert [(f.rule, f.proposes, f.unit) for f in found] == [("overdue_remind", "remind", "u1")]
    s = eng.apply(s, E("O1", "remind", D(2025, 10, 15), "office", {"method": "催报", "step": "overdue_remind"}))
    assert evaluate(pol, cal, [s], D(2025, 10, 16)) == []


def test_article_7_3_repeated_chasing_then_order(pol, cal, eng):
    # deadline Tue 10/14/2025; a chase before it (Mon 10/13) is not a chase of an overdue report
    s = eng.fold([*handled("O2"), remind("O2", D(2025, 10, 13))])
    assert rules(pol, cal, [s], D(2025, 10, 14)) == []
    found = evaluate(pol, cal, [s], D(2025, 10, 15))
    assert [(f.rule, f.proposes, f.data, f.on, f.citation.article) for f in found] == [
        ("overdue_remind", "remind", {"method": "催报"}, D(2025, 10, 15), "第七条(三)")]
    # any chase counts, with or without --step: chased on C = Wed 10/15
    s = eng.apply(s, remind("O2", D(2025, 10, 15), method="电话催办"))
    # proposed again once chase_every (5个工作日) has run since C: 10/16, 10/17, 10/20, 10/21, 10/22 → Thu 10/23
    for day in (D(2025, 10, 16), D(2025, 10, 22)):
        assert rules(pol, cal, [s], day) == [], day
    (again,) = evaluate(pol, cal, [s], D(2025, 10, 23))
    assert (again.rule, again.on) == ("overdue_remind", D(2025, 10, 23))
    assert "2025-10-15 已催办，5个工作日后仍未报送" in again.reason
    # the second chase after the due date (Thu 10/23), the report still owed (order_after_chases = 2). The unit
    # gets chase_every (5个工作日) to answer it: 10/24, 10/27, 10/28, 10/29, 10/30; still no report → 经催办仍未
    # 报送 → 督办通知 proposed from Fri 10/31 (it used to be the next day, 10/24), the same day as the next chase;
    # the fact dates from the second chase
    s = eng.apply(s, remind("O2", D(2025, 10, 23), step="overdue_remind"))
    for day in (D(2025, 10, 23), D(2025, 10, 24), D(2025, 10, 30)):
        assert rules(pol, cal, [s], day) == [], day
    found = evaluate(pol, cal, [s], D(2025, 10, 31))
    assert [f.rule for f in found] == ["overdue_remind", "chase_order"]
    chase = found[1]
    assert (chase.rule, chase.proposes, chase.level, chase.on, chase.citation.article) == (
        "chase_order", "order", 2, D(2025, 10, 23), "第十八条")
    assert chase.reason == "交办通知明确的办理时限（2025-10-14）逾期后已催办2次（最近 2025-10-23），仍未报送"
    # the 督办通知 (Fri 10/31) confirms it; it is not proposed again. The chase stays due (an order is not a
    # chase); the order's own period runs 11/3–11/7, its 问责建议 from Mon 11/10
    ordered = eng.apply(s, order("O2", D(2025, 10, 31), step="chase_order"))
    assert rules(pol, cal, [ordered], D(2025, 10, 31)) == ["overdue_remind"]
    assert rules(pol, cal, [ordered], D(2025, 11, 7)) == ["overdue_remind"]
    assert rules(pol, cal, [ordered], D(2025, 11, 10)) == ["overdue_remind", "order_no_progress"]
    # confirming the chase first does not put the 督办通知 off: the wait runs from the second chase, so after a
    # third chase on Fri 10/31 the order is still proposed that day and every day after until taken; the next
    # chase comes 5个工作日 after the third (11/3–11/7 → Mon 11/10)
    third = eng.apply(s, remind("O2", D(2025, 10, 31), step="overdue_remind"))
    (again,) = evaluate(pol, cal, [third], D(2025, 10, 31))
    assert (again.rule, again.on) == ("chase_order", D(2025, 10, 23))
    assert again.reason == "交办通知明确的办理时限（2025-10-14）逾期后已催办3次（最近 2025-10-31），仍未报送"
    assert rules(pol, cal, [third], D(2025, 11, 7)) == ["chase_order"]
    assert rules(pol, cal, [third], D(2025, 11, 10)) == ["overdue_remind", "chase_order"]
    # a report, however late, ends the chasing: within the wait (Fri 10/24) nothing more is proposed
    reported = eng.apply(s, submit("O2", D(2025, 10, 24)))
    assert rules(pol, cal, [reported], D(2025, 10, 31)) == []


def test_article_7_3_chase_settings(cal):
    events = [*handled("O3"), remind("O3", D(2025, 10, 15))]
    # chase_every = 3个工作日: after a chase on Wed 10/15 → 10/16, 10/17, 10/20 → proposed again Tue 10/21
    pol = load_policy("dazhan", {"chase_every": "3个工作日"})
    s = MatterEngine(pol, cal).fold(events)
    assert rules(pol, cal, [s], D(2025, 10, 20)) == []
    assert rules(pol, cal, [s], D(2025, 10, 21)) == ["overdue_remind"]
    # order_after_chases = 1: one chase after the due date suffices; the unit has chase_every to answer it
    # (10/16, 10/17, 10/20, 10/21, 10/22), so the 督办通知 is proposed from Thu 10/23, with the next chase
    pol = load_policy("dazhan", {"order_after_chases": 1})
    s = MatterEngine(pol, cal).fold(events)
    assert rules(pol, cal, [s], D(2025, 10, 16)) == rules(pol, cal, [s], D(2025, 10, 22)) == []
    assert rules(pol, cal, [s], D(2025, 10, 23)) == ["overdue_remind", "chase_order"]
    # chase_every also sets that wait: 3个工作日 after Wed 10/15 (10/16, 10/17, 10/20) → both from Tue 10/21
    pol = load_policy("dazhan", {"order_after_chases": 1, "chase_every": "3个工作日"})
    s = MatterEngine(pol, cal).fold(events)
    assert rules(pol, cal, [s], D(2025, 10, 20)) == []
    assert rules(pol, cal, [s], D(2025, 10, 21)) == ["overdue_remind", "chase_order"]


def test_article_18_order_after_chases_zero_switches_rung_off(cal):
    # order_after_chases = 0: no 督办通知 is ever proposed for chases, only the chases themselves
    pol = load_policy("dazhan", {"order_after_chases": 0})
    eng = MatterEngine(pol, cal)
    s = eng.fold(handled("O4"))  # due Tue 10/14
    assert rules(pol, cal, [s], D(2025, 10, 15)) == ["overdue_remind"]
    # chased Wed 10/15 and Thu 10/23: with the default (2) chase_order would come on Fri 10/31; here only the
    # next chase (5个工作日 after 10/23: 10/24, 10/27–10/30 → Fri 10/31)
    s = eng.fold([*handled("O4"), remind("O4", D(2025, 10, 15)), remind("O4", D(2025, 10, 23))])
    assert rules(pol, cal, [s], D(2025, 10, 24)) == []
    assert rules(pol, cal, [s], D(2025, 10, 31)) == ["overdue_remind"]
    assert rules(pol, cal, [s], D(2025, 12, 31)) == ["overdue_remind"]


def test_article_7_ended_matter_gets_no_escalation(pol, cal, eng):
    # deadline Tue 10/14; a serious finding Thu 10/9 and the 督办通知 confirming serious_order the same day
    # (rectification due 10/15); the report comes on Mon 10/20, late for both
    events = [*handled("Z1"),
              E("Z1", "finding", D(2025, 10, 9), "office", {"authorised_by": "区委", "serious": True, "text": "停工"}),
              order("Z1", D(2025, 10, 9), step="serious_order"), submit("Z1", D(2025, 10, 20)),
              E("Z1", "review_pass", D(2025, 10, 21), "office"), E("Z1", "report_up", D(2025, 10, 21), "office")]
    s = eng.fold(events)
    assert s.state == "reported"  # 审核报结, not yet 报结: still proposed
    found = evaluate(pol, cal, [s], D(2025, 10, 21))
    assert [(f.rule, f.on) for f in found] == [("serious_report", D(2025, 10, 9)), ("order_no_progress", D(2025, 10, 16))]
    # late by the working days in (10/15, 10/20]: 10/16, 10/17, 10/20
    assert found[1].reason.endswith("逾期3个工作日才完成")
    # 报结 (closed, 办结) and 立卷归档 (archived): nothing more is proposed, whatever was pending
    closed = eng.apply(s, E("Z1", "close", D(2025, 10, 22), "office", {"approved_by": "区委副书记"}))
    assert closed.state == "closed" and pol.states["closed"].done
    assert evaluate(pol, cal, [closed], D(2025, 10, 22)) == []
    assert evaluate(pol, cal, [closed], D(2025, 12, 31), year=2025) == []
    # a serious finding recorded on the closed matter calls for nothing either
    found_late = eng.apply(closed, E("Z1", "finding", D(2025, 10, 23), "office",
                                     {"authorised_by": "区委", "serious": True, "text": "回访发现问题"}))
    assert evaluate(pol, cal, [found_late], D(2025, 10, 23)) == []
    archived = eng.apply(closed, E("Z1", "archive", D(2025, 12, 30), "office"))
    assert archived.state == "archived" and evaluate(pol, cal, [archived], D(2025, 12, 30)) == []
    # an overdue matter never reported stays chased while open; 报结 is only after a report, so a matter
    # still owed cannot end: 10/15 proposes the chase for it
    assert rules(pol, cal, [eng.fold(handled("Z2"))], D(2025, 10, 15)) == ["overdue_remind"]


# --- 第四章 工作制度 ------------------------------------------------------------------------------


def test_article_16_inspection_activity_application(pol, eng):
    app = {"kind": "inspection", "title": "秸秆禁烧督查", "topic": "秸秆禁烧", "targets": ["town1", "town2"]}
    with pytest.raises(ActionRefused, match="「申报督促检查活动」只适用于以区委或者区委、区政府名义开展的督促检查活动（第十六条）"):
        eng.apply(None, E("I0", "apply", D(2025, 3, 3), "unit:u3", {**app, "kind": "decision"}))
    s = eng.apply(None, E("I1", "apply", D(2025, 3, 3), "unit:u3", app))
    assert s.state == "applied"
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("I1", "approve", D(2025, 3, 4), "supervision_leader", {"approved_by": "x"}))
    s = eng.apply(s, E("I1", "approve", D(2025, 3, 4), "office"))
    assert s.state == "vetted"
    with pytest.raises(ActionRefused, match="审批领导"):
        eng.apply(s, E("I1", "approve", D(2025, 3, 5), "supervision_leader"))
    s = eng.apply(s, E("I1", "approve", D(2025, 3, 5), "supervision_leader", {"approved_by": "区委副书记"}))
    assert s.state == "approved"
    # the 区委督查部门 may refuse an application (统筹协调), with its reason; a refused one goes no further
    s2 = eng.apply(None, E("I2", "apply", D(2025, 3, 10), "unit:u4", {**app, "title": "河湖长制督查", "topic": "河湖长制"}))
    with pytest.raises(ActionRefused, match="理由"):
        eng.apply(s2, E("I2", "reject", D(2025, 3, 11), "office"))
    s2 = eng.apply(s2, E("I2", "reject", D(2025, 3, 11), "office", {"reason": "与其他督查合并开展"}))
    assert s2.state == "rejected"
    with pytest.raises(ActionRefused):
        eng.apply(s2, E("I2", "approve", D(2025, 3, 12), "office"))
    # 报区委分管督查的领导同志审批: the approver named is one
    approve_ = E("I1", "approve", D(2025, 3, 5), "supervision_leader", {"approved_by": "leader_in_charge"})
    vetted = eng.fold([E("I1", "apply", D(2025, 3, 3), "unit:u3", app), E("I1", "approve", D(2025, 3, 4), "office")])
    with pytest.raises(ActionRefused, match=r"--approved-by leader_in_charge（leader_in_charge）不是区委分管督查的领导同志"
                                            r"：「分管督查的区委领导审批」须经区委分管督查的领导同志批准（第十六条）"):
        eng.check_new(vetted, approve_)
    eng.check_new(vetted, E("I1", "approve", D(2025, 3, 5), "supervision_leader", {"approved_by": "supervision_leader"}))


def test_article_16_cli_duplicate_inspection_refused(dz):
    # 第十六条 避免多头督查、重复督查: an application on a topic already applied for this year, not refused, is
    # refused by the core (approval rule no_duplicate_inspection); once the first is refused, it may be made
    first = dz("apply", "--as", "u1_staff", "--on", "2025-03-03", "--kind", "inspection", "--title", "秸秆禁烧督查",
               "--topic", "秸秆禁烧").split()[0]
    out = dz("apply", "--as", "u2_staff", "--on", "2025-03-10", "--kind", "inspection", "--title", "秸秆禁烧专项检查",
             "--topic", "秸秆禁烧", ok=False)
    assert f"与 {first}「秸秆禁烧督查」重复（第十六条：避免多头督查、重复督查）" in out
    dz("apply", "--as", "u2_staff", "--on", "2025-03-10", "--kind", "inspection", "--title", "河湖长制督查",
       "--topic", "河湖长制")
    dz("step", "reject", first, "--as", "duchashi", "--on", "2025-03-11", "--reason", "并入全区秸秆禁烧统一督查")
    dz("apply", "--as", "u2_staff", "--on", "2025-03-12", "--kind", "inspection", "--title", "秸秆禁烧专项检查",
       "--topic", "秸秆禁烧")


def test_article_18_instruction_ledger(pol, cal):
    cycle = next(c for c in pol.cycles if c.id == "instruction_ledger")
    assert cycle.kinds == ("instruction", "principal_instruction") and cycle.every == "month"
    assert resolve(cycle.due, D(2025, 9, 3), cal).date == D(2025, 9, 30)
    assert pol.settings["instruction_offices"] == ["区委办公室", "区政府办公室", "区委常委工作所在部门"]


def test_article_19_research_recorded_as_finding(eng):
    s = eng.fold(handled("Y1"))
    with pytest.raises(ActionRefused, match="缺少授权人"):
        eng.apply(s, E("Y1", "finding", D(2025, 10, 9), "office", {"type": "research"}))
    s = eng.apply(s, E("Y1", "finding", D(2025, 10, 9), "office", {"type": "research", "authorised_by": "区委"}))
    assert s.marks[-1].data["type"] == "research"


def test_article_20_four_fixes_task_book(pol, eng):
    s = eng.fold(handled("K1", kind="annual_key", deadline="2025-12-31"))
    full = {"targets": "完成投资5亿元", "content": "征地拆迁", "completion_date": "2025-12-31", "responsible_body": "u1",
            "task_book": "任务书", "road_map": "路线图", "timetable": "时间表"}
    for missing in ("road_map", "timetable", "responsible_body"):
        data = {k: v for k, v in full.items() if k != missing}
        with pytest.raises(ActionRefused, match=missing.replace("_", "-")):
            eng.apply(s, E("K1", "task_book", D(2025, 10, 9), "unit:u1", data))
    s = eng.apply(s, E("K1", "task_book", D(2025, 10, 9), "unit:u1", full))
    assert s.marks[-1].action == "task_book"
    # 四定 is asked of 纳入年度督查的重要事项 only
    other = eng.fold(handled("K2", kind="decision"))
    with pytest.raises(ActionRefused, match="「四定：任务书、路线图、时间表」只适用于纳入年度督查的重要事项（挂图作战）（第二十条）"):
        eng.apply(other, E("K2", "task_book", D(2025, 10, 9), "unit:u1", full))
    cycle = next(c for c in pol.cycles if c.id == "annual_key_check")
    assert cycle.kinds == ("annual_key",)


def test_article_20_1_lead_unit_files_the_written_report(pol, eng):
    # 联合办理: the 主办单位 sends the 书面综合报告; the 协办单位 works with it but does not report
    s = eng.fold([reg("J1", "decision", D(2025, 9, 26)), approve("J1", D(2025, 9, 26)),
                  assign("J1", D(2025, 9, 29), "2025-10-14", co_units=["u2"]), accept("J1", D(2025, 9, 30))])
    s = eng.apply(s, E("J1", "progress", D(2025, 10, 9), "unit:u2", {"text": "协办部分已完成"}))
    with pytest.raises(ActionRefused, match=r"「书面报告贯彻落实情况」须由主办（牵头）单位u1办理（第二十条\(一\)）；u2 是协办单位"):
        eng.apply(s, submit("J1", D(2025, 10, 10), unit="u2"))
    with pytest.raises(ActionRefused, match="不是事项 J1 的主办单位"):
        eng.apply(s, submit("J1", D(2025, 10, 10), unit="u9"))
    s = eng.apply(s, submit("J1", D(2025, 10, 10)))
    assert s.state == "submitted" and s.submitted_on == D(2025, 10, 10)
    assert pol.transition("handling", "submit").lead_only


def test_article_20_2_extension_in_advance_filed_with_office(pol, eng):
    s = eng.fold(handled("E1", kind="agreed_matter"))
    # asked after the deadline (10/14): refused
    with pytest.raises(ActionRefused, match="期限 2025-10-14 前"):
        eng.apply(s, E("E1", "extension_ask", D(2025, 10, 15), "unit:u1", {"reasons": "x", "progress": "y"}))
    with pytest.raises(ActionRefused, match="原因"):
        eng.apply(s, E("E1", "extension_ask", D(2025, 10, 13), "unit:u1", {"progress": "y"}))
    s = eng.apply(s, E("E1", "extension_ask", D(2025, 10, 13), "unit:u1",
                       {"reasons": "征地未完成", "progress": "完成80%", "until": "2025-10-31"}))
    with pytest.raises(ActionRefused, match="审批领导"):  # filed with the office, naming the approving leader
        eng.apply(s, E("E1", "extension_grant", D(2025, 10, 14), "office"))
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("E1", "extension_grant", D(2025, 10, 14), "unit:u1", {"approved_by": "x"}))
    s = eng.apply(s, E("E1", "extension_grant", D(2025, 10, 14), "office", {"approved_by": "区委分管领导"}))
    assert s.due.date == D(2025, 10, 31) and s.due.rule == "extension:agreed_extension"
    rule = pol.extension_rule_for("agreed_matter")
    assert rule.filed_with_office and rule.ask_before_deadline


def test_article_20_3_principal_instruction_extension(pol, eng):
    s = eng.fold(handled("E2", kind="principal_instruction"))
    # "及时" (not "提前"): a report after the deadline is still taken
    s = eng.apply(s, E("E2", "extension_ask", D(2025, 10, 15), "unit:u1", {"reasons": "x", "progress": "y"}))
    s = eng.apply(s, E("E2", "extension_grant", D(2025, 10, 15), "office",
                       {"approved_by": "区委书记", "until": "2025-10-24"}))
    assert s.due.date == D(2025, 10, 24)
    assert pol.extension_rule_for("principal_instruction").granted_by == ("principal_leader",)
    # other kinds: the rules provide no extension (第二十条(二)、(三) name two kinds of matters)
    s = eng.fold(handled("E3", kind="decision"))
    with pytest.raises(ActionRefused, match=r"「申请延长办理期限」只适用于.*区委主要领导同志批示交办事项（第二十条\(二\)、\(三\)）"):
        eng.apply(s, E("E3", "extension_ask", D(2025, 10, 9), "unit:u1", {"reasons": "x", "progress": "y"}))
    with pytest.raises(ActionRefused, match="只适用于"):
        eng.apply(s, E("E3", "extension_grant", D(2025, 10, 9), "office", {"approved_by": "x", "until": "2025-10-31"}))


def test_article_21_follow_up_visits(eng):
    s = eng.fold([*handled("V1", kind="speech"), submit("V1", D(2025, 10, 10)),
                  E("V1", "review_pass", D(2025, 10, 13), "office"), E("V1", "report_up", D(2025, 10, 13), "office")])
    with pytest.raises(ActionRefused, match="不能在"):
        eng.apply(eng.fold(handled("V2", kind="speech")), E("V2", "revisit", D(2025, 10, 9), "office"))
    s = eng.apply(s, E("V1", "revisit", D(2025, 11, 3), "office", {"text": "回访群众，落实到位"}))
    assert s.marks[-1].action == "revisit"


def test_article_22_general_and_special_ledgers(dz, tmp_path):
    # 第二十二条 逐级明确责任单位、责任领导、责任人和完成时限；建立“综合台账+专项台账”: the office's ledger export
    # (ducha ledger --format xlsx) has every matter in the 综合台账 and a matter registered into a 专项台账
    # (register --ledger) also on that ledger's own sheet, each row with its 主办单位、办理时限、责任人、责任领导
    a = _cli_matter(dz, "2025-10-14", ledger="乡村振兴专项台账")
    b = _cli_matter(dz, "2025-10-31", title="招商引资项目落地", unit="u2", leader="赵科长")
    # the unit names its 责任领导 on taking the matter on (逐级明确……责任领导、责任人)
    c = _cli_matter(dz, "2025-10-31", title="背街小巷改造", accept=False)
    out = dz("accept", c, "--as", "u1_staff", "--on", "2025-09-30", ok=False)
    assert "缺少责任领导" in out and "--responsible-leader" in out
    sheets = _ledger_sheets(dz, tmp_path, "2025-10-09")
    assert list(sheets) == ["综合台账", "乡村振兴专项台账"]
    assert [r["编号"] for r in sheets["综合台账"]] == [a, b, c]
    assert [r["编号"] for r in sheets["乡村振兴专项台账"]] == [a]
    shown = {r["编号"]: (r["主办单位"], r["办理时限"], r["责任领导"], r["状态"]) for r in sheets["综合台账"]}
    assert shown == {a: ("示例单位一", datetime(2025, 10, 14), "李科长", "跟踪办理中"),
                     b: ("示例单位二", datetime(2025, 10, 31), "赵科长", "跟踪办理中"),
                     c: ("示例单位一", datetime(2025, 10, 31), None, "已立项下达")}
    assert all(r["责任人"] for r in sheets["综合台账"] if r["编号"] != c)


def _dues(policy, cal, cycle, start, end):
    return {o.label: o.due for o in occurrences(policy, cal, start, end) if o.cycle.id == cycle}


def test_article_23_monthly_account(pol, cal):
    cycle = next(c for c in pol.cycles if c.id == "monthly_account")
    assert cycle.every == "month" and cycle.setting == "monthly_account_due"
    assert pol.settings["monthly_account_due"] == "每月最后1个工作日"
    assert resolve(cycle.due, D(2026, 2, 3), cal).date == D(2026, 2, 28)  # Sat, 调休上班（春节）
    assert resolve(cycle.due, D(2025, 9, 3), cal).date == D(2025, 9, 30)
    dues = _dues(pol, cal, "monthly_account", D(2025, 9, 1), D(2026, 2, 1))
    assert dues["2025年10月"] == D(2025, 10, 31) and dues["2026年2月"] == D(2026, 2, 28)
    # a deployment that reads 交账 as "5个工作日" from the 1st: 10/1–10/8 off; 9, 10, 11 (Sat, worked), 13, 14
    five = load_policy("dazhan", {"monthly_account_due": "5个工作日"})
    dues = _dues(five, cal, "monthly_account", D(2025, 9, 1), D(2026, 2, 1))
    assert dues["2025年10月"] == D(2025, 10, 14)
    assert dues["2026年2月"] == D(2026, 2, 6)  # 2, 3, 4, 5, 6: the holiday starts 2/15
    assert _dues(five, cal, "weekly_agreed_check", D(2025, 9, 29), D(2025, 9, 29)) == \
        _dues(pol, cal, "weekly_agreed_check", D(2025, 9, 29), D(2025, 9, 29))


def test_article_24_weekly_check_of_major_decisions(pol, cal):
    cycle = next(c for c in pol.cycles if c.id == "weekly_agreed_check")
    assert cycle.every == "week" and cycle.kinds == ("agreed_matter",)
    assert resolve(cycle.due, D(2025, 9, 30), cal).date == D(2025, 10, 9)  # 10/7 in the holiday → 10/9
    assert resolve(cycle.due, D(2026, 2, 7), cal).date == D(2026, 2, 14)  # Sat, 调休上班
    assert cycle.setting == "weekly_check_due" and pol.settings["weekly_check_due"] == "一周"
    # default: a week from the Monday; Mon 9/29 + 7 = 10/6 (holiday) → 10/9; Mon 2/9/2026 + 7 = 2/16 (春节) → 2/24
    dues = _dues(pol, cal, "weekly_agreed_check", D(2025, 9, 29), D(2025, 9, 29))
    assert dues == {"2025年第40周": D(2025, 10, 9)}
    assert _dues(pol, cal, "weekly_agreed_check", D(2026, 2, 9), D(2026, 2, 9)) == {"2026年第7周": D(2026, 2, 24)}
    # "5个工作日" from the Monday: 9/30, 10/9, 10/10, 10/11 (Sat, worked), 10/13; 2/10 … 2/13, 2/14 (Sat, worked)
    five = load_policy("dazhan", {"weekly_check_due": "5个工作日"})
    assert _dues(five, cal, "weekly_agreed_check", D(2025, 9, 29), D(2025, 9, 29)) == {"2025年第40周": D(2025, 10, 13)}
    assert _dues(five, cal, "weekly_agreed_check", D(2026, 2, 9), D(2026, 2, 9)) == {"2026年第7周": D(2026, 2, 14)}


def test_article_24_weekly_check_is_the_office_obligation(pol, cal, eng):
    # an agreed matter assigned Mon 9/29/2025, due 10/31: the office owes its weekly check (第二十四条), the
    # unit its result. Week 40 (Mon 9/29) → 10/6, in the holiday → Thu 10/9; week 41 (Mon 10/6) → Mon 10/13
    s = eng.fold(handled("W1", kind="agreed_matter", deadline="2025-10-31"))
    assert [(x.id, x.owed_by, x.starts) for x in s.series] == [
        ("cycle:weekly_agreed_check:office", ("office",), D(2025, 9, 29))]
    checks = [o for o in eng.obligations(s, D(2025, 10, 6)) if o.what == "cycle"]
    assert [(o.period, o.owed_by, o.due) for o in checks] == [
        ("2025年第40周", ("office",), D(2025, 10, 9)), ("2025年第41周", ("office",), D(2025, 10, 13))]
    # the unit's report does not meet the office's check
    progressed = eng.apply(s, E("W1", "progress", D(2025, 10, 10), "unit:u1", {"text": "推进中"}))
    assert [o.met_on for o in eng.obligations(progressed, D(2025, 10, 10)) if o.what == "cycle"] == [None, None]
    # an office remind on Fri 10/10 (week 41) meets week 41's check; week 40's (due 10/9) stays unmet
    s = eng.apply(s, E("W1", "remind", D(2025, 10, 10), "office", {"method": "实地督查"}))
    status = {o.period: o.status(D(2025, 10, 10)) for o in eng.obligations(s, D(2025, 10, 10)) if o.what == "cycle"}
    assert status == {"2025年第40周": "overdue", "2025年第41周": "met"}
    # the office's missed check never colours the matter: the unit's own deadline 10/31 is 16 working days
    # after 10/10 (10/11 Sat worked, 10/13–17, 10/20–24, 10/27–31): green, and no finding against the unit
    assert light(pol, cal, s, D(2025, 10, 10)) == "green"
    assert light(pol, cal, progressed, D(2025, 10, 10)) == "green"
    assert evaluate(pol, cal, [s], D(2025, 10, 10)) == []
    # the unit's deadline still colours it: after Fri 10/24 come 10/27–10/31 (5, green); after Tue 10/28 only
    # 10/29, 10/30, 10/31 (3, yellow); past 10/31, red
    assert light(pol, cal, s, D(2025, 10, 24)) == "green"
    assert light(pol, cal, s, D(2025, 10, 28)) == "yellow"
    assert light(pol, cal, s, D(2025, 11, 3)) == "red"


def test_article_25_special_inspectors_record_but_do_not_close(pol, eng):
    assert pol.roles["special_inspector"].scope == "inspector"
    s = eng.fold(handled("I5"))
    with pytest.raises(ActionRefused, match="缺少授权人"):  # acts only under authorisation
        eng.apply(s, E("I5", "finding", D(2025, 10, 9), "special_inspector", {"text": "x"}))

    # 在区委督查部门领导下，经授权开展工作: the authorising person (--authorised-by) is of the 区委督查部门 or a 区委领导
    # — not a unit, nor the inspector himself
    def found(by):
        return E("I5", "finding", D(2025, 10, 9), "special_inspector", {"authorised_by": by, "text": "道路未修复"})

    names = "区委督查部门或区委分管领导同志或区委主要领导同志或区委常委会议或区委分管督查的领导同志"
    for who in ("unit_head:u1", "special_inspector", "external_supervisor"):
        with pytest.raises(ActionRefused, match=f"--authorised-by {who}（{who}）不是{names}：「记录督查发现」须经{names}"):
            eng.check_new(s, found(who))
    for who in ("office", "leader_in_charge", "principal_leader", "supervision_leader", "standing_committee"):
        eng.check_new(s, found(who))
    s = eng.apply(s, E("I5", "finding", D(2025, 10, 9), "special_inspector",
                       {"authorised_by": "区委督查部门", "text": "群众反映道路未修复"}))
    for action, data in (("close", {"approved_by": "x"}), ("review_pass", {}), ("remind", {"method": "催报"}),
                         ("review_return", {"reason": "x"})):
        with pytest.raises(ActionRefused):
            eng.apply(s, E("I5", action, D(2025, 10, 9), "special_inspector", data))


def test_article_26_bulletins_by_the_office(pol, eng):
    # 第二十六条(一) 对落实情况好的进行总结推广（通报表扬），对工作不得力的予以督促整改（通报批评），根据需要在新闻媒体上
    # 公开通报公示; 第三十二条 情况通报 is the 区委督查部门's: a unit or an inspector cannot issue one
    s = eng.fold(handled("B1"))
    with pytest.raises(ActionRefused, match="缺少类型"):
        eng.apply(s, E("B1", "bulletin", D(2025, 10, 9), "office"))
    for actor in ("unit_head:u1", "special_inspector", "leader_in_charge"):
        with pytest.raises(ActionRefused, match="无权"):
            eng.apply(s, E("B1", "bulletin", D(2025, 10, 9), actor, {"type": "praise"}))
    s = eng.apply(s, E("B1", "bulletin", D(2025, 10, 9), "office", {"type": "praise", "public": True, "media": "大安发布"}))
    s = eng.apply(s, E("B1", "bulletin", D(2025, 10, 10), "office", {"type": "criticism", "reason": "进度滞后"}))
    assert [(m.action, m.data["type"], m.data.get("media")) for m in s.marks] == [
        ("bulletin", "praise", "大安发布"), ("bulletin", "criticism", None)]
    assert s.state == "handling"  # a bulletin records; it does not move the matter


def test_article_26_27_bulletin_and_report_templates(pol, cal):
    render = pytest.importorskip("ducha_core.documents.render")
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.model import Unit

    events = [*handled("D1"), E("D1", "bulletin", D(2025, 10, 9), "office", {"type": "criticism", "reason": "进度滞后"})]
    snap = Snapshot.from_events(pol, cal, events, D(2025, 10, 9), units={"u1": Unit("u1", "区住建局")})
    notice = render.render_markdown(snap, "assignment", "D1")
    assert "立项下达" in notice and "区住建局" in notice and "2025年10月14日" in notice
    # a 督查专报 exists once the 审核报结 (report_up) is recorded: written report, verified, reported
    with pytest.raises(Exception, match="没有记录审核报结（report_up）"):
        render.render_markdown(snap, "special_report", "D1")
    reported = [*events, submit("D1", D(2025, 10, 9)), E("D1", "review_pass", D(2025, 10, 9), "office"),
                E("D1", "report_up", D(2025, 10, 9), "office", {"form": "单项报告"})]
    snap = Snapshot.from_events(pol, cal, reported, D(2025, 10, 9), units={"u1": Unit("u1", "区住建局")})
    report = render.render_markdown(snap, "special_report", "D1")
    assert "督查专报" in report and "区委领导同志：" in report  # 主送: 第七条(四) 报送区委领导审定
    bulletin = render.render_markdown(snap, "bulletin", "2025-10")
    assert "督查工作通报" in bulletin and "进度滞后" in bulletin


def test_article_27_cadre_files(pol, cal, dz, tmp_path):
    # 第二十七条 科级领导干部督办事项办理落实情况档案: the ledger export's rows by 责任领导 (the 科级领导干部 the
    # unit named on taking each matter on), with how each went; moved to the 组织部门 yearly (cycle
    # cadre_file_transfer, the year's last working day: Wed 12/31/2025)
    a = _cli_matter(dz, "2025-10-14")  # 李科长; written report Thu 10/16, 2 working days late (10/15, 10/16)
    dz("submit", a, "--as", "u1_staff", "--on", "2025-10-16", "--head-signoff", "u1_head", "--seal")
    b = _cli_matter(dz, "2025-10-14", title="招商引资项目落地", leader="赵科长")  # no report by 10/20
    c = _cli_matter(dz, "2025-10-31", title="背街小巷改造")  # 李科长, not yet due
    files: dict[str, list] = {}
    for r in _ledger_sheets(dz, tmp_path, "2025-10-20")["综合台账"]:
        files.setdefault(r["责任领导"], []).append((r["编号"], r["状态"], r["灯"], r["逾期记录"]))
    # c is due Fri 10/31: after Mon 10/20 come 10/21–10/24 and 10/27–10/31, 9 working days (green)
    assert files == {"李科长": [(a, "书面报告已报送（待审核）", "已办结/已报送", "曾逾期2个工作日"),
                                (c, "跟踪办理中", "绿灯（正常）", None)],
                     "赵科长": [(b, "跟踪办理中", "红灯（逾期）", None)]}
    cycle = next(c for c in pol.cycles if c.id == "cadre_file_transfer")
    assert (cycle.every, cycle.reporter) == ("year", "office")
    assert resolve(cycle.due, D(2025, 3, 1), cal).date == D(2025, 12, 31)
    assert _dues(pol, cal, "cadre_file_transfer", D(2026, 1, 1), D(2026, 1, 1)) == {"2026年": D(2026, 12, 31)}


def test_article_28_performance_assessment(dz):
    # 第二十八条 考核 of each unit's handling, for the 年度综合目标绩效考评: ducha assessment sums a unit's year —
    # its 督办通知 and whether it answered them in time, its written reports filed late, its 通报 — with no 等次
    # (the rules set none). A 督办通知 on Thu 10/9/2025 without a date: 迅速整改 within order_rectify_period, 5个工作日
    # (10/10, 10/11 Sat worked, 10/13, 10/14, 10/15); the unit answers only on Fri 10/17: 2 working days late
    mid = _cli_matter(dz, "2025-12-31")
    dz("order", mid, "--as", "duchashi", "--on", "2025-10-09", "--note", "督办通知")
    dz("progress", mid, "--as", "u1_staff", "--on", "2025-10-17", "--note", "已整改")
    dz("bulletin", mid, "--as", "duchashi", "--on", "2025-10-20", "--type", "criticism", "--note", "整改迟缓")
    summary = json.loads(dz("assessment", "--year", "2025", "--as-of", "2025-12-31", "--json"))
    rows = {u["unit"]: u for u in summary["units"]}
    fields = ("orders", "criticism", "late", "late_days", "unmet", "grade")
    assert {u: tuple(r[f] for f in fields) for u, r in rows.items()} == {
        "u1": (1, 1, 1, 2, 0, None), "u2": (0, 0, 0, 0, 0, None)}
    assert "—（文件未规定等次）" in dz("assessment", "--year", "2025", "--as-of", "2025-12-31")


# --- 第五章 纪律与责任 -----------------------------------------------------------------------------


def test_article_30_accountability_proposal(pol, cal, eng):
    # a 督办通知 on Thu 10/9/2025 without a date: 迅速整改 within order_rectify_period (default 5个工作日):
    # 10/10, 10/11 (Sat, worked), 10/13, 10/14, 10/15. No progress by then: the 问责建议 is proposed on the
    # first working day after, Thu 10/16 — not on the day of the order (the old reading proposed it at once)
    assert pol.settings["order_rectify_period"] == "5个工作日"
    s = eng.fold(handled("Q1", deadline="2025-12-31"))
    s = eng.apply(s, order("Q1", D(2025, 10, 9)))
    assert [(ob.what, ob.owed_by, ob.due) for ob in s.obligations if ob.what == "rectification"] == [
        ("rectification", ("u1",), D(2025, 10, 15))]
    for day in (D(2025, 10, 9), D(2025, 10, 10), D(2025, 10, 15)):
        assert "order_no_progress" not in rules(pol, cal, [s], day), day
    found = [f for f in evaluate(pol, cal, [s], D(2025, 10, 16)) if f.rule == "order_no_progress"]
    assert [(f.proposes, f.citation.article, f.unit, f.on) for f in found] == [
        ("accountability", "第三十条", "u1", D(2025, 10, 16))]
    assert found[0].reason == "2025-10-09 下达督办通知；督办通知责成迅速整改期限 2025-10-15 已过，仍未完成"
    with pytest.raises(ActionRefused, match="无权"):
        eng.apply(s, E("Q1", "accountability", D(2025, 10, 16), "unit:u1"))
    s = eng.apply(s, E("Q1", "accountability", D(2025, 10, 16), "office", {"step": "order_no_progress"}))
    assert "order_no_progress" not in rules(pol, cal, [s], D(2025, 10, 17))


def test_article_30_order_progress_within_period_and_until(pol, cal, eng):
    # 第十四条(十二) "迅速整改" / 第三十条 "执行不力、落实不到位"
    base = eng.fold(handled("Q3", deadline="2025-12-31"))
    ordered = eng.apply(base, order("Q3", D(2025, 10, 9)))  # period: 10/10, 10/11, 10/13, 10/14, 10/15
    # progress on the last day of the period, Wed 10/15, cancels it
    on_time = eng.apply(ordered, progress("Q3", D(2025, 10, 15)))
    assert rules(pol, cal, [on_time], D(2025, 10, 16)) == []
    # so does the written report (submit)
    submitted = eng.apply(ordered, submit("Q3", D(2025, 10, 14)))
    assert rules(pol, cal, [submitted], D(2025, 10, 16)) == []
    # progress only on Fri 10/17, after the period: a fact all the same (期满后才报送), late by the working
    # days in (10/15, 10/17]: 10/16, 10/17 = 2
    late = eng.apply(ordered, progress("Q3", D(2025, 10, 17)))
    (found,) = evaluate(pol, cal, [late], D(2025, 10, 17))
    assert (found.rule, found.on) == ("order_no_progress", D(2025, 10, 16))
    assert found.reason == "2025-10-09 下达督办通知；督办通知责成迅速整改期限 2025-10-15 已过，逾期2个工作日才完成"
    # progress recorded before the order (even the same day), or by a co-unit, does not answer it: the order
    # is owed by the units it names (here the lead unit u1), from the order on
    joint = [reg("Q4", "decision", D(2025, 9, 26)), approve("Q4", D(2025, 9, 26)),
             assign("Q4", D(2025, 9, 29), "2025-12-31", co_units=["u2"]), accept("Q4", D(2025, 9, 30))]
    other = eng.fold([*joint, progress("Q4", D(2025, 10, 9)), order("Q4", D(2025, 10, 9)),
                      progress("Q4", D(2025, 10, 13), unit="u2")])
    assert rules(pol, cal, [other], D(2025, 10, 16)) == ["order_no_progress"]
    # with its own date (--until) the order sets the period: Tue 9/30 with until Sat 10/4, in the National
    # Day holiday (10/1–10/8), moved to Thu 10/9; proposed from Fri 10/10
    until = eng.apply(base, order("Q3", D(2025, 9, 30), until="2025-10-04"))
    (ob,) = [ob for ob in until.obligations if ob.what == "rectification"]
    assert (ob.owed_by, ob.due) == (("u1",), D(2025, 10, 9))
    assert rules(pol, cal, [until], D(2025, 10, 9)) == []
    assert rules(pol, cal, [until], D(2025, 10, 10)) == ["order_no_progress"]
    # the same order without a date: 5 working days from 9/30 are 10/9, 10/10, 10/11 (Sat), 10/13, 10/14
    plain = eng.apply(base, order("Q3", D(2025, 9, 30)))
    assert [ob.due for ob in plain.obligations if ob.what == "rectification"] == [D(2025, 10, 14)]
    assert rules(pol, cal, [plain], D(2025, 10, 14)) == []
    assert rules(pol, cal, [plain], D(2025, 10, 15)) == ["order_no_progress"]
    # a date later than the default period is kept: until Fri 10/31 → nothing on 10/16 nor on 10/31; Mon 11/3
    long = eng.apply(base, order("Q3", D(2025, 10, 9), until="2025-10-31"))
    assert rules(pol, cal, [long], D(2025, 10, 16)) == rules(pol, cal, [long], D(2025, 10, 31)) == []
    assert rules(pol, cal, [long], D(2025, 11, 3)) == ["order_no_progress"]


def test_article_30_order_under_review_answered_by_progress(pol, cal, eng):
    # a 督办通知 may be given while the written report is under review (submitted, verified, reported), and the
    # unit answers it with a progress report. Written report Thu 10/9; the order of Fri 10/10 without a date
    # runs 5个工作日: 10/11 (Sat, worked), 10/13, 10/14, 10/15, 10/16
    review = [E("Q6", "review_pass", D(2025, 10, 10), "office"), E("Q6", "report_up", D(2025, 10, 10), "office")]
    for stage, steps in (("submitted", 0), ("verified", 1), ("reported", 2)):
        s = eng.fold([*handled("Q6", deadline="2025-12-31"), submit("Q6", D(2025, 10, 9)), *review[:steps],
                      order("Q6", D(2025, 10, 10))])
        assert s.state == stage
        (ob,) = [ob for ob in s.obligations if ob.what == "rectification"]
        assert (ob.owed_by, ob.due) == (("u1",), D(2025, 10, 16)), stage
        # unanswered (the written report of 10/9, before the order, does not answer it): 问责建议 from Fri 10/17
        assert rules(pol, cal, [s], D(2025, 10, 16)) == [], stage
        assert rules(pol, cal, [s], D(2025, 10, 17)) == ["order_no_progress"], stage
        # a progress report on Tue 10/14, within the period: nothing to propose
        answered = eng.apply(s, progress("Q6", D(2025, 10, 14)))
        assert answered.state == stage
        assert rules(pol, cal, [answered], D(2025, 10, 17)) == [], stage


def test_article_30_rectify_period_setting(cal):
    # 第十四条(十二) "迅速整改" names no period: the default reading is 5个工作日; a deployment gives another:
    # 3个工作日 after Thu 10/9/2025 is 10/10, 10/11 (Sat, worked), 10/13 → proposed from Tue 10/14
    assert load_policy("dazhan").settings["order_rectify_period"] == "5个工作日"
    pol = load_policy("dazhan", {"order_rectify_period": "3个工作日"})
    eng = MatterEngine(pol, cal)
    s = eng.fold([*handled("Q2", deadline="2025-12-31"), order("Q2", D(2025, 10, 9))])
    assert rules(pol, cal, [s], D(2025, 10, 13)) == []
    assert rules(pol, cal, [s], D(2025, 10, 14)) == ["order_no_progress"]
    # an order with its own date keeps it whatever the setting: until Wed 10/15 → proposed from Thu 10/16
    s = eng.fold([*handled("Q5", deadline="2025-12-31"), order("Q5", D(2025, 10, 9), until="2025-10-15")])
    assert rules(pol, cal, [s], D(2025, 10, 15)) == []
    assert rules(pol, cal, [s], D(2025, 10, 16)) == ["order_no_progress"]


# --- traceability and CLI ------------------------------------------------------------------------


def test_articles_traceability(pol):
    nominal = coverage(pol)
    assert nominal["unknown_rules"] == []
    assert nominal["coverage"] == 1.0
    ids = [a.id for a in pol.articles]
    assert len(ids) == len(set(ids))
    for n in ("第一条", "第七条(五)", "第八条(五)", "第十四条(十三)", "第二十条(三)", "第二十六条(二)", "第三十四条"):
        assert n in ids
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
    """The honest figure (issue 11): every operational article's rules are read, reachable from the CLI and
    noticed by its own tests when removed (the knock-out check of ``ducha articles dazhan --check``)."""
    if os.environ.get(RUNNING_ENV):
        pytest.skip("inside a knock-out session")
    rep = report(pol, run_knockout("dazhan", root=Path(__file__).resolve().parents[3]))
    assert rep["errors"] == []
    assert not_enforced(rep) == []
    assert rep["enforced_and_tested"] == rep["operational"] and rep["coverage"] == 1.0


@pytest.fixture
def dz(tmp_path, monkeypatch):
    """A dazhan deployment from `ducha init` in a temporary directory; ``dz(*args)`` runs a command."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    invoke("init", "--jurisdiction", "dazhan")
    return invoke


def _cli_matter(dz, deadline, *, title="道路修复", unit="u1", leader="李科长", ledger=None, accept=True):
    """Register (into the 专项台账 ``ledger``), approve, assign (to ``unit``) and accept a matter; its id."""
    mid = dz("register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "decision", "--title", title,
             "--draft-opinion", "拟交承办单位办理", *(("--ledger", ledger) if ledger else ())).split()[0]
    dz("approve", mid, "--as", "lingdao", "--on", "2025-09-26", "--approved-by", "lingdao")
    dz("assign", mid, "--as", "duchashi", "--on", "2025-09-29", "--lead", unit, "--deadline", deadline)
    if accept:
        dz("accept", mid, "--as", f"{unit}_staff", "--on", "2025-09-30", "--responsible-leader", leader)
    return mid


def _ledger_sheets(dz, tmp_path, day):
    """The ledger exported as of ``day`` (ducha ledger --format xlsx): {sheet: [row as {header: value}]}."""
    import openpyxl

    dz("ledger", "--as-of", day, "--format", "xlsx", "--out", "台账.xlsx")
    book = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    out = {}
    for sheet in book.worksheets:
        header, *rows = sheet.iter_rows(values_only=True)
        out[sheet.title] = [dict(zip(header, row, strict=True)) for row in rows]
    return out


def _due(dz, day):
    return json.loads(dz("due", "--as-of", day, "--json"))["findings"]


def _confirm(dz, finding):
    """Run the confirm command `ducha due` printed, exactly as printed."""
    args = shlex.split(finding["confirm"])
    assert args[0] == "ducha"
    return dz(*args[1:])


def test_article_30_cli_order_until_then_accountability(dz):
    mid = _cli_matter(dz, "2025-12-31")
    assert mid == "DC-2025-0001"
    # 督办通知 on Tue 9/30 with its own date, Sat 10/4 (国庆 10/1–10/8): moved to Thu 10/9
    out = dz("order", mid, "--as", "duchashi", "--on", "2025-09-30", "--until", "2025-10-04", "--note", "督办通知")
    assert "期限 2025-10-09（督办通知责成迅速整改，第十四条(十二)）" in out and "顺延至10/9" in out
    assert _due(dz, "2025-09-30") == [] and _due(dz, "2025-10-09") == []
    (found,) = _due(dz, "2025-10-10")
    assert (found["rule"], found["proposes"], found["unit"], found["on"]) == (
        "order_no_progress", "accountability", "u1", "2025-10-10")
    assert found["confirm"] == (f"ducha step accountability {mid} --unit u1 --as duchashi --on 2025-10-10"
                                " --step order_no_progress")
    _confirm(dz, found)
    assert _due(dz, "2025-10-10") == [] and _due(dz, "2025-10-20") == []


def test_article_7_3_cli_chase_twice_then_order(dz):
    mid = _cli_matter(dz, "2025-10-14")
    assert _due(dz, "2025-10-14") == []
    (first,) = _due(dz, "2025-10-15")
    assert first["rule"] == "overdue_remind"
    assert first["confirm"] == f"ducha remind {mid} --method 催报 --unit u1 --as duchashi --on 2025-10-15 --step overdue_remind"
    _confirm(dz, first)
    # chase_every 5个工作日 after Wed 10/15: 10/16, 10/17, 10/20, 10/21, 10/22 → again on Thu 10/23
    assert _due(dz, "2025-10-22") == []
    (second,) = _due(dz, "2025-10-23")
    assert second["rule"] == "overdue_remind"
    _confirm(dz, second)
    assert _due(dz, "2025-10-23") == []
    # two chases after the due date; the unit has 5个工作日 to answer the second (10/24, 10/27–10/30); still no
    # report: 督办通知 proposed on Fri 10/31, with the next chase
    assert _due(dz, "2025-10-24") == [] and _due(dz, "2025-10-30") == []
    remind_again, chase = _due(dz, "2025-10-31")
    assert remind_again["rule"] == "overdue_remind"
    assert (chase["rule"], chase["proposes"], chase["on"]) == ("chase_order", "order", "2025-10-23")
    assert chase["confirm"] == f"ducha order {mid} --unit u1 --as duchashi --on 2025-10-31 --step chase_order"
    _confirm(dz, chase)
    assert [f["rule"] for f in _due(dz, "2025-10-31")] == ["overdue_remind"]
    # the order's own period (5个工作日 from Fri 10/31: 11/3–11/7) then runs; 问责建议 from Mon 11/10
    assert [f["rule"] for f in _due(dz, "2025-11-07")] == ["overdue_remind"]
    assert [f["rule"] for f in _due(dz, "2025-11-10")] == ["overdue_remind", "order_no_progress"]


def test_article_14_12_cli_serious_report_keeps_verified(dz):
    mid = _cli_matter(dz, "2025-12-31")
    dz("submit", mid, "--as", "u1_staff", "--on", "2025-10-09", "--head-signoff", "u1_head", "--seal")
    assert "→ 审核通过" in dz("review", mid, "--as", "duchashi", "--on", "2025-10-10", "--pass")
    dz("finding", mid, "--as", "duchashi", "--on", "2025-10-13", "--note", "返工", "--authorised-by", "lingdao", "--serious")
    report, order_ = _due(dz, "2025-10-13")
    assert (report["rule"], report["proposes"]) == ("serious_report", "report_serious")
    assert report["confirm"] == (f"ducha step report_serious {mid} --to principal_leader --unit u1 --as duchashi"
                                 " --on 2025-10-13 --step serious_report")
    # the 突出问题 report leaves the matter 审核通过 (it used to be a report_up: 审核报结)
    assert "向区委主要领导报告突出问题 → 审核通过" in _confirm(dz, report)
    assert _due(dz, "2025-10-13") == [order_]
    # the 督办通知 (Mon 10/13; 5个工作日 10/14–10/17, 10/20) answered by the unit's progress on Fri 10/17
    _confirm(dz, order_)
    assert "报告进展 → 审核通过" in dz("progress", mid, "--as", "u1_staff", "--on", "2025-10-17", "--note", "已整改")
    assert _due(dz, "2025-10-21") == []


def _ducha(*args):
    exe = Path(sys.executable).with_name("ducha")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from ducha_core.cli import main; main()"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)


def test_cli_deadline_and_articles():
    out = _ducha("deadline", "--jurisdiction", "dazhan", "--kind", "decision", "--from", "2025-09-30", "--json")
    assert out.returncode == 0, out.stderr
    assert [(d["rule"], d["date"], d["citation_article"], d["period"]) for d in json.loads(out.stdout)["deadlines"]] == [
        ("notice_result", None, "第十七条", "交办通知明确的时限")]
    out = _ducha("deadline", "--jurisdiction", "dazhan", "--kind", "decision", "--from", "2025-09-30")
    assert out.returncode == 0, out.stderr
    assert "立项下达明确的办理时限" in out.stdout and "交办通知明确的时限" in out.stdout and "第十七条" in out.stdout
    out = _ducha("articles", "dazhan")
    assert out.returncode == 0, out.stderr
    assert "第二十五条" in out.stdout and "未运行剔除检验" in out.stdout
