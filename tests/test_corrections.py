"""Corrections an office makes (issue 14): 更正 a title, source or kind (old → new kept in the history),
撤销 a matter registered by mistake (terminal, out of every figure), and a second registration of the same
title and source in a year only with --duplicate-ok. Every refusal leaves the store byte-identical."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ducha_core.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    invoke("init", "--jurisdiction", "weinan_gaoxin")
    invoke.db = lambda: (tmp_path / "ducha.sqlite3").read_bytes()
    return invoke


def register(run, title="校舍维修", source="区长批示"):
    return run("register", "--as", "duchashi", "--on", "2025-09-29", "--kind", "instruction", "--title", title,
               "--source", source).split()[0]


def test_correct_a_title_and_kind_keeps_the_old_values(run):
    mid = register(run)
    before = run.db()
    assert "理由" in run("correct", mid, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍维修改造", ok=False)
    assert "类别 'weather' 不是渭南高新区的事项类别" in run("correct", mid, "--as", "duchashi", "--on", "2025-09-30", "--kind", "weather",
                                  "--reason", "登记有误", ok=False)
    assert "无权" in run("correct", mid, "--as", "u1_staff", "--on", "2025-09-30", "--title", "x", "--reason", "y",
                         ok=False)
    assert run.db() == before
    run("correct", mid, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍维修改造", "--reason", "名称笔误")
    data = json.loads(run("show", mid, "--json"))
    assert data["title"] == "校舍维修改造"
    text = run("show", mid)
    assert "校舍维修→校舍维修改造" in text.replace(" ", "") and "名称笔误" in text
    assert "校舍维修改造" in run("ledger", "--as-of", "2025-09-30")


def test_withdraw_ends_the_matter_and_drops_it_from_the_figures(run):
    mid = register(run)
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    before = run.db()
    assert "理由" in run("withdraw", mid, "--as", "duchashi", "--on", "2025-10-09", ok=False)
    assert run.db() == before
    run("withdraw", mid, "--as", "duchashi", "--on", "2025-10-09", "--reason", "误将同一批示登记两次")
    data = json.loads(run("show", mid, "--json", "--as-of", "2025-12-31"))
    assert data["status"] == "已撤销"
    # nothing is owed, nothing is chased, nothing is deducted
    due = json.loads(run("due", "--as-of", "2025-12-31", "--json"))["findings"]
    assert [f for f in due if f["matter"] == mid] == []
    assert json.loads(run("obligations", "--as-of", "2025-12-31", "--status", "owed", "--json"))["obligations"] == []
    # a withdrawn matter takes no further step
    assert run("remind", mid, "--as", "duchashi", "--on", "2025-10-10", "--method", "电话催办", ok=False)
    # the ledger says 已撤销, not 已办结, and it is not among the finished ones
    row = json.loads(run("ledger", "--as-of", "2025-12-31", "--json"))["matters"][0]
    assert (row["light"], row["status"]) == ("withdrawn", "已撤销")
    assert json.loads(run("ledger", "--as-of", "2025-12-31", "--status", "done", "--json"))["matters"] == []
    assert "已办结" not in run("ledger", "--as-of", "2025-12-31")


def test_the_same_title_and_source_twice_in_a_year_needs_confirmation(run):
    register(run)
    before = run.db()
    out = run("register", "--as", "duchashi", "--on", "2025-10-09", "--kind", "instruction", "--title", "校舍 维修",
              "--source", "区长批示", ok=False)
    assert "--duplicate-ok" in out
    assert run.db() == before
    run("register", "--as", "duchashi", "--on", "2025-10-09", "--kind", "instruction", "--title", "校舍维修",
        "--source", "区长批示", "--duplicate-ok")
    register(run, source="党工委会议")  # another source is another matter


def test_a_title_written_with_half_width_punctuation_or_digits_is_the_same_title(run):
    """重复登记 compares titles and sources in their compatibility form: 「关于校舍维修：第1批」 with an
    ASCII colon and a full-width digit is the title registered with a full-width colon."""
    run("register", "--as", "duchashi", "--on", "2025-10-09", "--kind", "instruction", "--title", "关于校舍维修：第1批",
        "--source", "区长批示")
    before = run.db()
    out = run("register", "--as", "duchashi", "--on", "2025-10-10", "--kind", "instruction", "--title",
              "关于校舍维修:第１批", "--source", "区长批示", ok=False)
    assert "同名同来源" in out and "--duplicate-ok" in out
    assert run.db() == before


def test_a_kind_corrected_after_assignment_takes_the_corrected_kinds_time_limits(run):
    """A clerk registered an 人大代表建议 as 领导批示: assigned 2025-09-30, the unit was told the 批示 limit
    (5个工作日 across 国庆: 10-09, 10-10, 10-11 调休, 10-13, 10-14) and missed it; the office corrects the
    kind on 2025-10-20. What the unit was told stands: that limit is superseded on 10-20, 4 working days
    late (10-15, 10-16, 10-17, 10-20). From the correction the 建议's answer limit applies as a new notice:
    3 months from 2025-10-20, 2026-01-20 (Tuesday)."""
    mid = register(run)
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    ledger = json.loads(run("ledger", "--as-of", "2025-10-20", "--json"))["matters"][0]
    assert (ledger["due"], ledger["light"]) == ("2025-10-14", "red")
    before = run.db()
    run("correct", mid, "--as", "duchashi", "--on", "2025-10-20", "--kind", "npc_suggestion", "--reason", "类别登记有误")
    assert run.db() != before
    ledger = json.loads(run("ledger", "--as-of", "2025-10-20", "--json"))["matters"][0]
    assert (ledger["kind"], ledger["due"], ledger["light"]) == ("npc_suggestion", "2026-01-20", "green")
    shown = json.loads(run("show", mid, "--json", "--as-of", "2025-10-20"))
    results = {o["due"]: o for o in shown["obligations"] if o["what"] in ("result", "answer")}
    assert set(results) == {"2025-10-14", "2026-01-20"}
    assert (results["2025-10-14"]["status"], results["2025-10-14"]["late_by"]) == ("superseded", 4)
    assert results["2025-10-14"]["superseded_by"] == results["2026-01-20"]["id"]
    assert results["2026-01-20"]["status"] == "open"
    # rebuilt from the log, the same answer (the fold is deterministic)
    run("rebuild")
    assert json.loads(run("ledger", "--as-of", "2025-10-20", "--json"))["matters"][0]["due"] == "2026-01-20"


def test_a_kind_corrected_after_the_matter_ended_changes_only_the_kind(run):
    """Correcting the kind of a withdrawn (ended) matter asks nothing new of anyone."""
    mid = register(run)
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    run("withdraw", mid, "--as", "duchashi", "--on", "2025-10-09", "--reason", "误登记")
    before = json.loads(run("show", mid, "--json", "--as-of", "2025-10-10"))["obligations"]
    run("correct", mid, "--as", "duchashi", "--on", "2025-10-10", "--kind", "npc_suggestion", "--reason", "类别登记有误")
    after = json.loads(run("show", mid, "--json", "--as-of", "2025-10-10"))
    assert after["kind"] == "npc_suggestion" and after["obligations"] == before


def test_a_matter_withdrawn_after_its_deadline_counts_against_no_one(run):
    """Registered by mistake and withdrawn on 10-20, after its 10-14 limit had passed: it owed nothing
    (not 漏报), and no figure, proposal or assessment counts it."""
    mid = register(run)
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    run("withdraw", mid, "--as", "duchashi", "--on", "2025-10-20", "--reason", "误登记")
    assert json.loads(run("obligations", "--as-of", "2025-12-31", "--json"))["obligations"] == []
    units = {u["unit"]: u for u in json.loads(run("units", "--as-of", "2025-12-31", "--json"))["units"]}
    assert (units["u1"]["open"], units["u1"]["overdue"], units["u1"]["due"], units["u1"]["late"]) == (0, 0, 0, 0)
    assert json.loads(run("due", "--as-of", "2025-12-31", "--json"))["findings"] == []
    year = json.loads(run("assessment", "--year", "2025", "--as-of", "2025-12-31", "--json"))
    rows = year["units"] if isinstance(year, dict) else year
    assert all(not (r["late"] or r["unmet"] or r["deductions"]) for r in rows), rows


def test_the_same_title_with_no_source_twice_in_a_year_needs_confirmation(run):
    register(run, source="")
    out = run("register", "--as", "duchashi", "--on", "2025-09-30", "--kind", "instruction", "--title", "校舍 维修", ok=False)
    assert "同名同来源" in out and "--duplicate-ok" in out
    run("register", "--as", "duchashi", "--on", "2025-09-30", "--kind", "instruction", "--title", "校舍维修", "--duplicate-ok")


def test_a_correction_that_repeats_another_matter_needs_duplicate_ok(run):
    """更正 a title (or source) into another matter's of the same year is a repeated registration in
    effect: refused, naming the matter, unless --duplicate-ok; correcting a matter into its own title
    written otherwise (blanks, full-width) is not a repeat (a newcomer's finding)."""
    first = register(run, "校舍维修")
    second = register(run, "食堂改造")
    before = run.db()
    line = run("correct", second, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍 维修", "--reason", "并项",
               ok=False)
    assert f"已有同名同来源的事项 {first}「校舍维修」" in line and "--duplicate-ok" in line
    assert run.db() == before
    run("correct", first, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍　维修", "--reason", "统一写法")
    run("correct", second, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍维修", "--reason", "确属另一事项",
        "--duplicate-ok")
    titles = sorted(r["title"] for r in json.loads(run("ledger", "--json", "--as-of", "2025-09-30"))["matters"])
    assert titles == sorted(["校舍维修", "校舍　维修"])
    assert "--duplicate-ok" in run("correct", "--help")
    # a correction that changes nothing is refused as such, not as a repeat of the other matter
    same = run("correct", first, "--as", "duchashi", "--on", "2025-09-30", "--title", "校舍　维修", "--reason", "重复",
               ok=False)
    assert "--duplicate-ok" not in same and "同名同来源" not in same, same
