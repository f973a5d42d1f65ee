"""Obligations (办理义务): every time limit is tracked per unit, judged on a working day, and lateness
stays on the record. Dates checked by hand against the State Council notices: 2025 国庆/中秋 10/1–10/8
off, Sunday 9/28 and Saturday 10/11 worked; 2026 春节 2/15–2/23 off, Saturdays 2/14 and 2/28 worked;
2026 元旦 1/1–1/3 off, Sunday 1/4 worked."""

from __future__ import annotations

import json
from datetime import date as D
from datetime import timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.errors import ActionRefused
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine, light
from ducha_core.obligations import result_on_time
from ducha_core.policy import load_policy

CAL = WorkingCalendar.default()
WEINAN = load_policy("weinan_gaoxin", {"issued": "2024-06-01"})
ANKANG = load_policy("ankang")
SUBMIT = {"document_number": "高新教发〔2025〕12号", "signer": "王局长", "seal": True}


def weinan(kind="instruction", registered=D(2025, 9, 29), assigned=D(2025, 9, 30), **assign):
    eng = MatterEngine(WEINAN, CAL)
    return eng, eng.fold([
        E("M1", "register", registered, "office", {"kind": kind, "title": "修缮学校围墙"}),
        E("M1", "assign", assigned, "office", {"lead_units": ["u1"], **assign}),
    ])


# --- 1. a date written by a person is moved off a rest day ---------------------------------------


def test_notice_deadline_inside_spring_festival_moves_to_the_next_working_day():
    # a decision (七(二): the notice states the limit) assigned 2026-02-02, "by 2/21" (Saturday inside 春节)
    _eng, state = weinan(kind="decision", registered=D(2026, 2, 2), assigned=D(2026, 2, 2), deadline="2026-02-21")
    assert state.due.date == D(2026, 2, 24)
    assert any(line.startswith("2/21 ") and "顺延至2/24" in line for line in state.due.explanation)
    assert light(WEINAN, CAL, state, D(2026, 2, 24)) == "yellow"
    assert light(WEINAN, CAL, state, D(2026, 2, 25)) == "red"


def test_extension_until_a_sunday_and_rework_deadline_on_a_saturday_roll_forward():
    # instruction assigned Mon 11/3: 5 working days → Mon 11/10 (九)
    eng, state = weinan(registered=D(2025, 11, 3), assigned=D(2025, 11, 3))
    assert state.due.date == D(2025, 11, 10)
    state = eng.apply(state, E("M1", "extension_ask", D(2025, 11, 6), "unit:u1", {"reasons": "涉及多部门", "progress": "过半"}))
    state = eng.apply(state, E("M1", "extension_grant", D(2025, 11, 7), "office", {"until": "2025-11-16"}))  # a Sunday
    assert state.due.date == D(2025, 11, 17)
    old, new = [o for o in state.obligations if o.what == "result"]
    assert (old.superseded_by, new.supersedes, old.late_by) == (new.id, old.id, 0)
    assert old.status(D(2025, 11, 20)) == "superseded"
    state = eng.apply(state, E("M1", "submit", D(2025, 11, 14), "unit:u1", SUBMIT))
    state = eng.apply(state, E("M1", "review_return", D(2025, 11, 17), "office",
                               {"reason": "缺印证资料", "deadline": "2025-11-22"}))  # a Saturday
    rework = state.obligations[-1]
    assert (rework.name, rework.due, rework.rework_of) == ("退回重新办理", D(2025, 11, 24), new.id)
    assert any("11/22 周末 → 顺延至11/24" in line for line in rework.deadline.explanation)


# --- 5. caps -------------------------------------------------------------------------------------


def test_six_month_cap_counted_from_assignment_and_moved_off_new_year():
    # 十: 3 months, at most 6: 2025-07-01 + 6 months = 2026-01-01 (元旦) → 1/4, the make-up Sunday
    with pytest.raises(ActionRefused, match=r"2026-01-05 超过最长期限 2026-01-04.*十"):
        weinan(kind="npc_suggestion", registered=D(2025, 7, 1), assigned=D(2025, 7, 1), deadline="2026-01-05")
    _, ok = weinan(kind="npc_suggestion", registered=D(2025, 7, 1), assigned=D(2025, 7, 1), deadline="2026-01-04")
    assert ok.due.date == D(2026, 1, 4)


# --- 6. lateness stays on the record ------------------------------------------------------------


def test_lateness_is_kept_after_the_late_report_and_the_on_time_rate_counts_the_original_limit():
    eng, state = weinan(registered=D(2025, 11, 3), assigned=D(2025, 11, 3))  # due Mon 11/10
    state = eng.apply(state, E("M1", "submit", D(2025, 11, 12), "unit:u1", SUBMIT))  # Wednesday
    (result,) = [o for o in state.obligations if o.what == "result"]
    assert (result.status(D(2026, 6, 1)), result.late_by) == ("late", 2)
    assert result.status_name(D(2026, 6, 1)) == "逾期完成（逾期2个工作日）"
    assert result_on_time(state.obligations) is False
    # a return with a rework deadline met does not make it on time: the original limit counts
    eng, state = weinan(registered=D(2025, 11, 3), assigned=D(2025, 11, 3))
    state = eng.apply(state, E("M1", "submit", D(2025, 11, 7), "unit:u1", SUBMIT))  # on time
    assert result_on_time(state.obligations) is True
    state = eng.apply(state, E("M1", "review_return", D(2025, 11, 10), "office", {"reason": "补充", "deadline": "2025-11-20"}))
    assert result_on_time(state.obligations) is None  # the rework is owed
    state = eng.apply(state, E("M1", "submit", D(2025, 11, 19), "unit:u1", SUBMIT))
    assert state.obligations[-1].status(D(2025, 11, 19)) == "met"  # met its own deadline …
    assert result_on_time(state.obligations) is False  # … but after the original 11/10


# --- 7. every handling unit accepts --------------------------------------------------------------


def test_each_unit_accepts_and_a_co_units_report_meets_only_its_own():
    eng = MatterEngine(ANKANG, CAL)
    state = eng.fold([
        E("M1", "register", D(2025, 9, 24), "office", {"kind": "meeting", "title": "常务会议决定事项"}),
        E("M1", "assign", D(2025, 9, 26), "office",
          {"lead_units": ["u1"], "co_units": ["u2"], "meeting": "2025-09-24", "deadline": "2025-12-31"}),
        E("M1", "accept", D(2025, 9, 28), "unit:u2", {"responsible_person": "co_person"}),
        E("M1", "accept", D(2025, 9, 29), "unit:u1", {"responsible_person": "lead_person"}),
        E("M1", "progress", D(2025, 10, 9), "unit:u2"),
    ])
    assert state.responsible == {"u2": "co_person", "u1": "lead_person"}
    with pytest.raises(ActionRefused, match="单位 u1 已承办"):
        eng.apply(state, E("M1", "accept", D(2025, 9, 30), "unit:u1"))
    (progress,) = [o for o in state.obligations if o.what == "progress"]
    # 第九条: 30 working days from the meeting 9/24 → 11/11 (9/28 and 10/11 worked, 10/1–10/8 off)
    assert (progress.owed_by, progress.due, progress.met_on) == (("u1",), D(2025, 11, 11), None)
    assert light(ANKANG, CAL, state, D(2025, 11, 12)) == "red"


# --- 9. a new time limit where the document has no extension --------------------------------------


def test_set_deadline_needs_a_leader_and_keeps_the_old_limit_and_its_lateness():
    eng = MatterEngine(ANKANG, CAL)
    state = eng.fold([
        E("M1", "register", D(2025, 10, 9), "office", {"kind": "instruction", "title": "批示件"}),
        E("M1", "assign", D(2025, 10, 9), "office", {"lead_units": ["u1"], "deadline": "2025-10-20"}),
    ])
    with pytest.raises(ActionRefused, match="不是领导"):
        eng.apply(state, E("M1", "set_deadline", D(2025, 10, 22), "office",
                            {"until": "2025-11-15", "reason": "领导要求补充调研", "approved_by": "unit"}))
    state = eng.apply(state, E("M1", "set_deadline", D(2025, 10, 22), "office",
                               {"until": "2025-11-15", "reason": "领导要求补充调研", "approved_by": "leader_in_charge"}))
    old, new = [o for o in state.obligations if o.what == "result"]
    assert new.due == D(2025, 11, 17)  # 11/15 is a Saturday
    assert (old.status(D(2025, 10, 22)), old.late_by) == ("superseded", 2)  # 10/21, 10/22 past 10/20
    assert state.due.date == D(2025, 11, 17) and "领导要求补充调研" in " ".join(new.deadline.explanation)
    # Weinan 九 has an extension procedure for instructions: no 另定期限 there
    eng_w, w = weinan()
    with pytest.raises(ActionRefused, match="延期程序（九）"):
        eng_w.apply(w, E("M1", "set_deadline", D(2025, 10, 9), "office",
                         {"until": "2025-11-15", "reason": "x", "approved_by": "leader"}))


# --- the law for all inputs ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(assigned=st.dates(D(2016, 1, 4), D(2026, 11, 30)), offset=st.integers(0, 60), kind=st.sampled_from(
    ["instruction", "npc_suggestion", "decision"]))
def test_every_obligation_is_due_on_a_working_day_and_not_before_it_starts(assigned, offset, kind):
    """Under the default convention (民法典 201/203) every obligation's last day is a working day, and
    no obligation falls due before the day it starts, whether a rule or a person set it."""
    data = {"lead_units": ["u1", "u2"]}
    if kind == "decision" or offset % 2:
        data["deadline"] = (assigned + timedelta(days=offset)).isoformat()
    eng = MatterEngine(WEINAN, CAL)
    try:
        state = eng.fold([E("M", "register", assigned, "office", {"kind": kind, "title": "t"}),
                          E("M", "assign", assigned, "office", data)])
    except ActionRefused as exc:  # only a cap may refuse here (十: at most 6 months)
        assert "最长期限" in str(exc)
        return
    for ob in eng.obligations(state, assigned + timedelta(days=400), include_next=True):
        assert ob.due is None or (CAL.is_workday(ob.due) and ob.due >= ob.starts), ob


# --- the office's tools: what falls due, per unit, in a window ------------------------------------

CONFIG = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
[[unit]]
id = "czj"
name = "区财政局"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
[[person]]
id = "zhang"
roles = ["unit"]
unit = "jyj"
[[person]]
id = "li"
name = "李主任"
roles = ["leader"]
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0  # creates the database ducha.toml names

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def test_cli_holiday_deadline_window_listing_and_lateness_in_the_ledger(run, tmp_path):
    run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "decision", "--title", "校舍维修", "--id", "A")
    refused = run("assign", "A", "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", ok=False)
    assert "缺少办理时限（七(二)" in refused.output and "--deadline" in refused.output
    before = (tmp_path / "ducha.sqlite3").read_bytes()
    run("assign", "A", "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--deadline", "2025-10-35", ok=False)
    assert (tmp_path / "ducha.sqlite3").read_bytes() == before  # a refused step writes nothing
    out = run("assign", "A", "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--deadline", "2025-10-04").output
    assert "期限 2025-10-09" in out and "顺延至10/9" in out
    row = json.loads(run("ledger", "--as-of", "2025-10-09", "--json").output)["matters"][0]
    assert (row["light"], row["due"], row["owed_by"]) == ("yellow", "2025-10-09", ["jyj"])
    week = json.loads(run("obligations", "--as-of", "2025-10-09", "--this-week", "--unit", "jyj", "--json").output)
    assert [(o["matter"], o["due"], o["status"]) for o in week["obligations"]] == [("A", "2025-10-09", "open")]
    assert json.loads(run("obligations", "--as-of", "2025-10-09", "--before", "2025-10-08", "--json").output)[
        "obligations"] == []
    run("submit", "A", "--as", "zhang", "--on", "2025-10-13", "--document-number", "教发〔2025〕1号",
        "--signer", "王", "--seal")
    row = json.loads(run("ledger", "--as-of", "2026-03-02", "--json").output)["matters"][0]
    assert (row["light"], row["late_days"]) == ("done", 3)  # 10/10, 10/11 (a make-up Saturday), 10/13
    shown = run("show", "A", "--as-of", "2026-03-02").output
    assert "逾期完成（逾期3个工作日）" in shown
    assert "未知的状态 'purple'；可用：owed（应报）" in run("obligations", "--status", "purple", ok=False).output


def test_ledger_row_shows_the_current_overdue_monthly_report_not_the_first_missed(tmp_path, monkeypatch):
    """安康 第九条: a task reporting January only; on 2026-06-01 the ledger's 期限 is May's report
    (5/29, overdue), not February's (missed, 漏报), and the light is red."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def ok(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    ok("init", "--jurisdiction", "ankang")
    ok("register", "--as", "duchashi", "--on", "2026-01-05", "--kind", "annual_task", "--title", "年度任务", "--id", "T")
    ok("assign", "T", "--as", "duchashi", "--on", "2026-01-05", "--lead", "u1", "--deadline", "2026-12-31")
    ok("progress", "T", "--as", "u1_staff", "--on", "2026-01-20")
    row = json.loads(ok("ledger", "--as-of", "2026-06-01", "--json"))["matters"][0]
    assert (row["light"], row["due"], row["owed_by"]) == ("red", "2026-05-29", ["u1"])
    missed = json.loads(ok("obligations", "--as-of", "2026-06-01", "--status", "missed", "--json"))["obligations"]
    assert [(o["due"], o["status_name"]) for o in missed] == [
        ("2026-02-28", "漏报"), ("2026-03-31", "漏报"), ("2026-04-30", "漏报")]
