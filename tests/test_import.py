"""``ducha import``: matters from the office's spreadsheet, all or nothing."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from ducha_core.cli import ledger_cmd, main

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
name = "张伟"
roles = ["unit"]
unit = "jyj"
"""

HEADER = ["类别", "事项名称", "来源", "收到日期", "主办单位", "协办单位", "办理时限", "责任人", "交办日期"]
ROWS = [
    ["instruction", "校舍维修", "区长批示", date(2025, 9, 1), "jyj", "czj", None, "张伟", date(2025, 9, 2)],
    ["领导同志批示、交办事项", "食堂改造", None, "2025-09-03", "区教育局", None, "2025-09-30", None, None],
    ["document", "重要文件落实", "高新发〔2025〕1号", "2025/09/04", None, None, None, None, None],
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    monkeypatch.setattr(ledger_cmd, "_now", lambda: date(2025, 10, 10))
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def xlsx(path, rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_imports_three_matters(run, tmp_path):
    out = run("import", xlsx(tmp_path / "台账.xlsx", ROWS), "--as", "chen").output
    assert "已导入 3 件事项" in out
    ledger = run("ledger", "--format", "json").output
    for title in ("校舍维修", "食堂改造", "重要文件落实"):
        assert title in ledger
    show = run("show", "DC-2025-0001").output
    assert "区教育局" in show and "区财政局" in show
    assert "DC-2025-0003" in run("show", "DC-2025-0003").output


def test_bad_row_writes_nothing_and_names_row_and_column(run, tmp_path):
    db = tmp_path / "ducha.sqlite3"
    before = db.read_bytes()
    rows = [ROWS[0], [*ROWS[1][:4], "区交通局", *ROWS[1][5:]], ROWS[2]]
    result = run("import", xlsx(tmp_path / "bad.xlsx", rows), "--as", "chen", ok=False)
    assert "第3行「主办单位」" in result.output and "区交通局" in result.output
    assert "未导入任何事项" in result.output
    assert db.read_bytes() == before
    assert "DC-2025-0001" not in run("ledger").output


def test_every_failing_row_is_reported(run, tmp_path):
    rows = [["nokind", "甲", None, "2025-09-01"], ["instruction", None, None, "2025-13-01"]]
    out = run("import", xlsx(tmp_path / "bad.xlsx", rows), "--as", "chen", ok=False).output
    assert "第2行「类别」" in out and "第3行「事项名称」" in out and "第3行「收到日期」" in out


def test_dry_run_writes_nothing(run, tmp_path):
    db = tmp_path / "ducha.sqlite3"
    before = db.read_bytes()
    out = run("import", xlsx(tmp_path / "台账.xlsx", ROWS), "--as", "chen", "--dry-run").output
    assert "DC-2025-0001" in out and "食堂改造" in out and "未写入" in out
    assert db.read_bytes() == before


def test_csv_with_bom_and_mapping(run, tmp_path):
    (tmp_path / "ducha.toml").write_text(CONFIG + '\n[import]\ntitle = "督办事项"\n', encoding="utf-8")
    text = "类别,督办事项,收到日期,主办单位\ninstruction,道路整修,2025-09-01,czj\n"
    (tmp_path / "台账.csv").write_text(text, encoding="utf-8-sig")
    out = run("import", tmp_path / "台账.csv", "--as", "chen").output
    assert "已导入 1 件事项" in out
    assert "道路整修" in run("show", "DC-2025-0001").output


def test_as_is_required(run, tmp_path):
    run("import", xlsx(tmp_path / "台账.xlsx", ROWS), ok=False)
