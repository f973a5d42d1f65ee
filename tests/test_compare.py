"""ducha compare: every dimension, one column per jurisdiction, each cell cited, silence marked."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from ducha_core.cli import main
from ducha_core.compare import SILENT, compare_policies, compare_scenario, render
from ducha_core.registry import resolve_policy
from ducha_core.scenario import load_scenario

HERE = Path(__file__).parent
SEVEN = HERE / "variants" / "weinan_gaoxin+seven.toml"


def table_for(*specs):
    return compare_policies([resolve_policy(s) for s in specs])


def row(table, section, label):
    return next(r for r in table.rows if r.section == section and r.label == label)


def test_every_shipped_jurisdiction_is_a_column_and_every_dimension_a_section():
    ids = ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"]  # what ducha ships, not whatever is installed
    table = table_for(*ids)
    assert [c[0] for c in table.columns] == ids
    sections = {r.section for r in table.rows}
    assert {"角色", "工作程序", "办理时限", "升级处理", "期限计算"} <= sections
    for r in table.rows:
        assert set(r.cells) == set(ids)


def test_cells_carry_citations_and_silence_is_marked():
    table = table_for("weinan_gaoxin", str(SEVEN))
    limit = row(table, "办理时限", "领导批示/交办")
    weinan = limit.cells["weinan_gaoxin"]
    assert ("领导批示交办事项报送办理结果：5个工作日（办理结果）", "九") in weinan.items
    assert "7个工作日" in limit.cells["weinan_gaoxin+seven"].value and limit.differs
    # the base derives from nothing: its cell is marked silent
    silent = row(table, "依据文件", "派生自")
    assert silent.cells["weinan_gaoxin"].text() == SILENT
    steps = row(table, "工作程序", "报送办理结果（submit）").cells["weinan_gaoxin"]
    assert steps.items[0][1] == "十一" and "发文字号" in steps.items[0][0]


def test_formats_markdown_html_csv_json():
    table = table_for("weinan_gaoxin", str(SEVEN))
    md = render(table, "markdown")
    assert md.splitlines()[2].startswith("| 方面 | 项目 | 渭南高新区（weinan_gaoxin）")
    assert "5个工作日（办理结果）〔九〕" in md
    html = render(table, "html")
    assert html.startswith("<!DOCTYPE html>") and "<cite>九</cite>" in html and 'class="silent"' in html
    rows = list(csv.reader(io.StringIO(render(table, "csv"))))
    assert rows[0][:2] == ["方面", "项目"] and len(rows) == len(table.rows) + 1
    data = json.loads(render(table, "json"))
    assert data["silent_mark"] == SILENT
    cell = next(r for r in data["rows"] if r["label"] == "领导批示/交办" and r["section"] == "办理时限")
    assert cell["cells"]["weinan_gaoxin"]["items"][0]["citation"] == "九"


def test_scenario_side_by_side_names_the_rule_that_differs():
    scenario = load_scenario(HERE / "scenarios" / "scenario_weinan_instruction.toml")
    pols = [resolve_policy("weinan_gaoxin"), resolve_policy(str(SEVEN))]
    table = compare_scenario(scenario, pols)
    due = next(r for r in table.rows if r.section.startswith("事项 M1") and r.label == "办理期限")
    assert due.differs
    assert due.cells["weinan_gaoxin"].value.startswith("2025-10-14")
    assert due.cells["weinan_gaoxin+seven"].value.startswith("2025-10-16")
    assert any("weinan_gaoxin+seven: instruction_result" in r for r in due.reasons)
    state = next(r for r in table.rows if r.section.startswith("事项 M1") and r.label == "状态")
    assert not state.differs and state.reasons == []


def test_cli_compare_writes_html_and_scenario_table(tmp_path):
    out = tmp_path / "cmp.html"
    runner = CliRunner()
    res = runner.invoke(main, ["compare", "weinan_gaoxin", str(SEVEN), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "<table>" in out.read_text(encoding="utf-8")
    res = runner.invoke(main, ["compare", "--scenario", str(HERE / "scenarios" / "scenario_weinan_instruction.toml"),
                               "weinan_gaoxin", str(SEVEN)])
    assert res.exit_code == 0, res.output
    assert "差异原因" in res.output and "2025-10-16" in res.output
    res = runner.invoke(main, ["compare", "no_such_place"])
    assert res.exit_code == 1 and "未知的辖区 'no_such_place'；已安装：" in res.output
