"""Export: `ducha ledger --format xlsx --out 台账.xlsx`, CSV files with a BOM, no formula injection."""

from __future__ import annotations

from datetime import date, datetime

import click
import pytest
from click.testing import CliRunner

from ducha_core.cli.options import command, emit, format_option, output_format
from ducha_core.xlsx_export import light_fill, write_xlsx

openpyxl = pytest.importorskip("openpyxl")

HEADERS = ["编号", "事项", "灯", "期限"]
ROWS = [["DC-1", "=HYPERLINK(\"http://x\")", "红灯", "2025-10-09"],
        ["DC-2", "普通事项", "黄灯", "2025-02-30"],  # not a real day: stays text
        ["DC-3", "+cmd|' /C calc'!A0", "已办结", ""]]


@command()
@format_option
def _table(fmt, as_json):
    emit(output_format(fmt, as_json), HEADERS, ROWS, [dict(zip(HEADERS, r, strict=True)) for r in ROWS])


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


def test_write_xlsx_freezes_header_dates_fills_and_neutralises(tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", HEADERS, ROWS)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["台账"]
    ws = book["台账"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == HEADERS
    assert _as_date(ws["D2"].value) == date(2025, 10, 9) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["D3"].value == "2025-02-30"
    assert ws["B2"].value.startswith("'=") and ws["B2"].data_type != "f"
    assert ws["B4"].value.startswith("'+")
    assert ws["C2"].fill.fgColor.rgb.endswith(light_fill("红灯"))
    assert ws["C4"].fill.fgColor.rgb.endswith(light_fill("已办结"))
    assert ws.column_dimensions["B"].width >= len("+cmd|' /C calc'!A0")
    assert ws.column_dimensions["A"].width < ws.column_dimensions["B"].width


def test_write_xlsx_one_sheet_per_view(tmp_path):
    path = write_xlsx(tmp_path / "v.xlsx", HEADERS, ROWS, sheets={"综合台账": ROWS, "专项台账": ROWS[:1]})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["综合台账", "专项台账"]
    assert book["专项台账"].max_row == 2 and book["专项台账"].freeze_panes == "A2"


def test_format_xlsx_needs_out_and_csv_out_has_a_bom(tmp_path):
    runner = CliRunner()
    result = runner.invoke(_table, ["--format", "xlsx"])
    assert result.exit_code == 2 and "--out" in result.output and "错误：" in result.output
    target = tmp_path / "t.csv"
    assert runner.invoke(_table, ["--format", "csv", "--out", str(target)]).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADERS) and "'=HYPERLINK" in text
    shown = runner.invoke(_table, ["--format", "csv"]).output
    assert not shown.startswith("\ufeff") and shown.startswith("编号")
    assert runner.invoke(_table, ["--format", "xlsx", "--out", str(tmp_path / "t.xlsx")]).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "t.xlsx")["台账"].freeze_panes == "A2"


def test_demo_ledger_exports_to_xlsx(tmp_path, monkeypatch):
    from ducha_core.cli import main
    from ducha_core.documents.demo import build

    result = build(tmp_path / "demo", "weinan_gaoxin", matters=12)
    monkeypatch.chdir(result.dir)
    runner = CliRunner()
    out = tmp_path / "台账.xlsx"
    args = ["ledger", "--config", str(result.config), "--as-of", result.as_of.isoformat()]
    done = runner.invoke(main, [*args, "--format", "xlsx", "--out", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    ws = openpyxl.load_workbook(out)["台账"]
    assert ws.freeze_panes == "A2"
    headers = [c.value for c in ws[1]]
    assert "灯" in headers and "当前期限" in headers
    due = [ws.cell(row=r, column=headers.index("当前期限") + 1).value for r in range(2, ws.max_row + 1)]
    assert any(isinstance(v, (date, datetime)) for v in due)
    assert ws.max_row >= 2
    csv_out = tmp_path / "台账.csv"
    assert runner.invoke(main, [*args, "--format", "csv", "--out", str(csv_out)]).exit_code == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_format_option_keeps_command_signatures():
    @click.command()
    @format_option
    def probe(fmt, as_json):  # --out is not passed to the function
        click.echo(fmt)

    assert CliRunner().invoke(probe, ["--format", "xlsx", "--out", "x.xlsx"]).output.strip() == "xlsx"


def test_dazhan_ledger_exports_one_sheet_per_special_ledger(tmp_path, monkeypatch):
    """Dazhan 第二十二条 “综合台账+专项台账”: the xlsx has the 综合台账 and a sheet per 专项台账 named at registration."""
    import openpyxl
    from click.testing import CliRunner

    from ducha_core.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("init", "--jurisdiction", "dazhan")
    run("register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "decision", "--title", "招商引资项目落地",
        "--draft-opinion", "拟交", "--ledger", "招商引资专项台账")
    run("register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "decision", "--title", "道路修复",
        "--draft-opinion", "拟交")
    run("ledger", "--as-of", "2025-09-30", "--format", "xlsx", "--out", "台账.xlsx")
    book = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    assert book.sheetnames == ["综合台账", "招商引资专项台账"]
    assert book["综合台账"].max_row == 3 and book["招商引资专项台账"].max_row == 2
    assert book["招商引资专项台账"]["C1"].value == "事项名称"
    assert book["招商引资专项台账"]["C2"].value == "招商引资项目落地"


SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")


def _registration(state):
    """What import carries of a matter: its registration, assignment and acceptance."""
    assign = state.last("assign")
    return {"kind": state.kind, "title": state.title, "source": state.source or "", "received": state.received_on,
            "lead": state.lead_units, "co": state.co_units, "responsible": dict(state.responsible),
            "deadline": str(assign.data.get("deadline") or "") if assign is not None else "",
            "assigned": state.assigned_on}


@pytest.mark.parametrize("jid", SHIPPED)
def test_exported_demo_ledger_imports_back_as_the_same_matters(tmp_path, monkeypatch, jid):
    """Done-when of the office-tools issue: an .xlsx written by export and read back by import
    round-trips a demo ledger (60 matters, no --duplicate-ok) — every open matter's kind, title, source,
    received date, lead and co units,
    set deadline, responsible people and assignment date (Dazhan's 拟办意见、审批领导、责任领导 and
    Ordos's 督促检查方案 travel in their own columns)."""
    from ducha_core.cli import ledger_cmd, main
    from ducha_core.config import load_config
    from ducha_core.documents.demo import build
    from ducha_core.ledger import Ledger

    result = build(tmp_path / "demo", jid)
    runner = CliRunner()
    out = tmp_path / "台账.xlsx"
    done = runner.invoke(main, ["ledger", "--config", str(result.config), "--as-of", result.as_of.isoformat(),
                                "--format", "xlsx", "--out", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "ducha.toml").write_text(result.config.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(fresh)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    monkeypatch.setattr(ledger_cmd, "_now", lambda: result.as_of)
    assert runner.invoke(main, ["init", "-j", jid]).exit_code == 0
    config = load_config(fresh / "ducha.toml")
    office = next(p.id for p in config.people.values() if "office" in p.roles)
    done = runner.invoke(main, ["import", str(out), "--as", office], catch_exceptions=False)
    assert done.exit_code == 0, done.output

    with Ledger.open(load_config(result.config)) as old:
        states = old.states(as_of=result.as_of, explain=False)
        ended = [s for s in states if old.policy.states[s.state].done]
        before = sorted((_registration(s) for s in states if s not in ended), key=lambda r: (r["received"], r["title"]))
    # the matters that ended are left out, each named (their handling is not in the sheet)
    assert done.output.count("已结束的事项不导入") == len(ended) > 0
    with Ledger.open(config) as new:
        after = sorted((_registration(s) for s in new.states(as_of=result.as_of, explain=False)),
                       key=lambda r: (r["received"], r["title"]))
    assert len(before) >= 10
    assert after == before
