"""Small fixes: scaffold --dir, --format on calendar years/plugins/replay, clipped 类别, show numbering, unit chart cap."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from ducha_core.cli import main
from ducha_core.documents import dashboard, demo
from ducha_core.documents.snapshot import UnitStats
from ducha_core.scaffold import scaffold

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_scaffold_dir_named_like_the_package_is_the_package(tmp_path):
    root = scaffold("lintong", "临潼区", tmp_path / "ducha-lintong")
    assert root == tmp_path / "ducha-lintong"
    assert (root / "pyproject.toml").is_file()
    assert not (root / "ducha-lintong").exists()
    # a parent folder still gets ducha-<id>/ inside it
    assert scaffold("lintong", "临潼区", tmp_path / "other") == tmp_path / "other" / "ducha-lintong"


def test_readme_commands_match():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pytest -p ducha_core.conformance --ducha-jurisdiction lintong ../ducha-lintong" in text
    assert "duchashi" in text and "office_wang" in text


def test_calendar_years_format():
    rows = list(csv.reader(io.StringIO(run("calendar", "years", "--format", "csv"))))
    assert rows[0] == ["年份", "通知文号", "发布日期", "调整通知", "来源"] and rows[1][0].isdigit()
    assert json.loads(run("calendar", "years", "--format", "json"))[0]["year"] == int(rows[1][0])
    assert json.loads(run("calendar", "years", "--json")) == json.loads(run("calendar", "years", "--format", "json"))


def test_plugins_format():
    rows = list(csv.reader(io.StringIO(run("plugins", "--format", "csv"))))
    assert rows[0] == ["插件", "钩子数", "钩子"]
    records = json.loads(run("plugins", "--json"))
    assert {r["plugin"] for r in records} >= {"zhoucun", "ankang"}


def test_replay_has_format_option():
    out = run("replay", "--help")
    assert "--format" in out and "--json" in out


def test_clip_marks_a_cut():
    assert demo.clip("短", 10) == "短"
    assert demo.clip("一二三四五六七八九十十一", 10) == "一二三四五六七八九…"
    assert len(demo.clip("一二三四五六七八九十十一", 10)) == 10


def test_unit_chart_worst_first_and_capped(monkeypatch):
    stats = [UnitStats(unit=f"u{i}", name=f"单位{i}", assigned=10, done=10, on_time=i % 11) for i in range(100)]

    class Snap:
        as_of = __import__("datetime").date(2025, 12, 31)

        def unit_stats(self):
            return stats

        def light_counts(self):
            return {"red": 1, "yellow": 0, "green": 0, "none": 0}

        def kind_counts(self):
            return []

        def monthly(self):
            return []

    seen = {}

    def hbar(items, **kw):
        seen.setdefault("rate", (items, kw))
        return ""

    monkeypatch.setattr(dashboard.svg, "hbar", hbar)
    monkeypatch.setattr(dashboard.svg, "stacked_bar", lambda *a, **k: "")
    monkeypatch.setattr(dashboard.svg, "columns", lambda *a, **k: "")
    dashboard.charts(Snap())
    items, kw = seen["rate"]
    assert len(items) == dashboard.UNIT_CHART_LIMIT
    values = [v for _n, v, _t in items]
    assert values == sorted(values) and values[0] == 0
    assert "共 100 个单位" in kw["title"]


def test_an_out_file_must_carry_its_formats_extension_and_backup_makes_no_folders(tmp_path, monkeypatch):
    """`ledger --format xlsx --out x.csv` wrote an Excel file named .csv; `backup /nonexistent/x` made a
    folder at the root. Both are refused in one line, nothing written."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0
    before = (tmp_path / "ducha.sqlite3").read_bytes()
    for args, message in (
            (["ledger", "--format", "xlsx", "--out", "x.csv"], "--out x.csv 的扩展名与 --format xlsx 不符；请用 --out 文件名.xlsx"),
            (["ledger", "--format", "csv", "--out", "x.xlsx"], "--out x.xlsx 的扩展名与 --format csv 不符；请用 --out 文件名.csv"),
            (["ledger", "--out", "x.xlsx"], "--out x.xlsx 的扩展名与 --format table 不符；请用 --format xlsx"),
            (["backup", str(tmp_path / "nope" / "x.sqlite3")], "目录不存在；请先建好目录")):
        result = runner.invoke(main, args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.xlsx").exists() and not (tmp_path / "nope").exists()
    assert (tmp_path / "ducha.sqlite3").read_bytes() == before


def test_choices_take_their_chinese_names_and_a_talk_time_is_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(args))
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    run("init", "-j", "weinan_gaoxin")
    run("register", "--as", "duchashi", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修")
    run("assign", "DC-2025-0001", "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    before = (tmp_path / "ducha.sqlite3").read_bytes()
    out = run("bulletin", "DC-2025-0001", "--as", "duchashi", "--on", "2025-10-20", "--type", "夸奖", ok=False)
    assert "'夸奖' 不是可选的值；可选：praise（通报表扬）、criticism（通报批评）" in out and "is not one of" not in out
    for time, message in (("2026年13月40日", "其中的日期不存在"), ("2025年10月1日上午9时", "约谈日期 2025-10-01 早于 --on 2025-10-20")):
        out = run("interview", "DC-2025-0001", "--as", "duchashi", "--on", "2025-10-20", "--time", time, ok=False)
        assert message in out and len(out.strip().splitlines()) == 1
    assert (tmp_path / "ducha.sqlite3").read_bytes() == before
    shown = run("bulletin", "DC-2025-0001", "--as", "duchashi", "--on", "2025-10-20", "--type", "表扬", ok=False)
    assert "可选的值" not in shown  # 表扬 is read as praise (refused later only for want of an approval)
