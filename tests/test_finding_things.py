"""Finding things in the CLI: ``ledger --search/--unit 名称/--kind 名称/--due-before/--this-week``,
``ducha units`` (per-unit figures) and ``backup --with-config``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ducha_core.cli import main
from tests.test_ledger_cli import CONFIG


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    # 0001: 区教育局 leads (区财政局 helps), due 10-14, submitted 10-13 (on time)
    run_steps = [
        ("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修",
         "--source", "市长批示"),
        ("assign", "DC-2025-0001", "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--co", "czj"),
        ("submit", "DC-2025-0001", "--as", "zhang", "--on", "2025-10-13", "--document-number", "x1", "--signer", "王",
         "--seal"),
        # 0002: 区财政局 leads, due 10-15, submitted 10-22 (late)
        ("register", "--as", "chen", "--on", "2025-10-09", "--kind", "instruction", "--title", "道路改造"),
        ("assign", "DC-2025-0002", "--as", "chen", "--on", "2025-10-09", "--lead", "czj"),
        ("submit", "DC-2025-0002", "--as", "liu", "--on", "2025-10-22", "--document-number", "x2", "--signer", "李",
         "--seal"),
        # 0003: 区教育局 leads, due 10-20, not submitted
        ("register", "--as", "chen", "--on", "2025-10-13", "--kind", "instruction", "--title", "Campus WiFi"),
        ("assign", "DC-2025-0003", "--as", "chen", "--on", "2025-10-13", "--lead", "jyj"),
    ]
    for step in run_steps:
        invoke(*step)
    return invoke


def ids(output: str) -> list[str]:
    return [m["id"] for m in json.loads(output)["matters"]]


def test_search_matches_title_id_and_source(run):
    assert ids(run("ledger", "--as-of", "2025-10-24", "--search", "wifi", "--json")) == ["DC-2025-0003"]
    assert ids(run("ledger", "--as-of", "2025-10-24", "--search", "市长", "--json")) == ["DC-2025-0001"]
    assert ids(run("ledger", "--as-of", "2025-10-24", "-s", "dc-2025-0002", "--json")) == ["DC-2025-0002"]
    assert ids(run("ledger", "--as-of", "2025-10-24", "--search", "没有这个", "--json")) == []


def test_unit_and_kind_by_chinese_name(run):
    assert ids(run("ledger", "--as-of", "2025-10-24", "--unit", "区财政局", "--json")) == ["DC-2025-0001", "DC-2025-0002"]
    assert ids(run("ledger", "--as-of", "2025-10-24", "--unit", "czj", "--json")) == ["DC-2025-0001", "DC-2025-0002"]
    assert len(ids(run("ledger", "--as-of", "2025-10-24", "--kind", "领导同志批示、交办事项", "--json"))) == 3
    out = run("ledger", "--as-of", "2025-10-24", "--unit", "市住建局", ok=False)
    assert "未知的单位 '市住建局'" in out and "jyj, czj（区教育局、区财政局）" in out and len(out.strip().splitlines()) == 1
    assert "未知的事项类别" in run("ledger", "--kind", "无此类", ok=False)


def test_due_before_and_this_week(run):
    assert ids(run("ledger", "--as-of", "2025-10-24", "--due-before", "2025-10-14", "--json")) == ["DC-2025-0001"]
    assert ids(run("ledger", "--as-of", "2025-10-24", "--due-before", "2025-10-15", "--json")) == [
        "DC-2025-0001", "DC-2025-0002"]
    # the week of Monday 2025-10-20 runs to Sunday 10-26: only 0003 (due 10-20)
    assert ids(run("ledger", "--as-of", "2025-10-20", "--this-week", "--json")) == ["DC-2025-0003"]
    assert ids(run("ledger", "--as-of", "2025-10-13", "--this-week", "--json")) == ["DC-2025-0001", "DC-2025-0002"]
    assert "不能与 --due-before 同用" in run("ledger", "--this-week", "--due-before", "2025-10-20", ok=False)
    # 本周 is Monday to Sunday: on Wednesday 10-22, Monday's overdue 0003 is still this week's
    assert ids(run("ledger", "--as-of", "2025-10-22", "--this-week", "--json")) == ["DC-2025-0003"]
    week = json.loads(run("obligations", "--as-of", "2025-10-22", "--this-week", "--unit", "区教育局", "--json"))
    assert [(o["matter"], o["due"]) for o in week["obligations"]] == [("DC-2025-0003", "2025-10-20")]


def test_steps_take_units_and_kinds_by_their_chinese_names(run):
    run("register", "--as", "chen", "--on", "2025-10-14", "--kind", "领导同志批示、交办事项", "--title", "食堂改造")
    run("assign", "DC-2025-0004", "--as", "chen", "--on", "2025-10-14", "--lead", "区教育局", "--co", "区财政局")
    shown = json.loads(run("show", "DC-2025-0004", "--json"))
    assert (shown["kind"], shown["lead_units"], shown["co_units"]) == ("instruction", ["jyj"], ["czj"])
    out = run("assign", "DC-2025-0003", "--as", "chen", "--on", "2025-10-14", "--lead", "区交通局", ok=False)
    assert "区交通局" in out and len(out.strip().splitlines()) == 1


def test_units_summary(run):
    data = json.loads(run("units", "--as-of", "2025-10-24", "--json"))
    by = {u["unit"]: u for u in data["units"]}
    assert list(by) == ["jyj", "czj"]  # config order
    # 区教育局: 0003 open and overdue; of 2 due this year 1 met on time (0001), none late
    assert {k: by["jyj"][k] for k in ("open", "overdue", "late", "on_time", "due")} == {
        "open": 1, "overdue": 1, "late": 0, "on_time": 1, "due": 2}
    assert by["jyj"]["on_time_rate"] == 0.5
    # 区财政局: only helps on 0001 (owes nothing there); 0002 met late
    assert {k: by["czj"][k] for k in ("open", "overdue", "late", "on_time", "due")} == {
        "open": 0, "overdue": 0, "late": 1, "on_time": 0, "due": 1}
    table = run("units", "--as-of", "2025-10-24")
    assert "50%（1/2）" in table and "区财政局" in table
    # another year: nothing due in it
    other = json.loads(run("units", "--as-of", "2025-10-24", "--year", "2024", "--json"))
    assert all(u["due"] == 0 and u["on_time_rate"] is None for u in other["units"])


def test_backup_with_config(run, tmp_path):
    out = run("backup", "b.sqlite3", "--with-config")
    assert "b.toml" in out
    assert (tmp_path / "b.toml").read_text(encoding="utf-8") == CONFIG
    assert (tmp_path / "b.sqlite3").exists()
    (tmp_path / "d.toml").write_text("x", encoding="utf-8")
    assert "d.toml 已存在" in run("backup", "d.sqlite3", "--with-config", ok=False)
    assert not (tmp_path / "d.sqlite3").exists()
