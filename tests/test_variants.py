"""Policy variants: derived from a jurisdiction, changing named parameters, usable wherever an id is."""

from __future__ import annotations

import json
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.errors import DuchaError
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine
from ducha_core.plugins import get_plugins
from ducha_core.policy import build_policy
from ducha_core.registry import resolve_policy
from ducha_core.variants import load_variant, variant_info

VARIANTS = Path(__file__).parent / "variants"
SEVEN = VARIANTS / "weinan_gaoxin+seven.toml"
CAL = WorkingCalendar.default()


def due(policy, assigned=D(2025, 9, 30)):
    eng = MatterEngine(policy, CAL)
    s = eng.fold([E("M", "register", D(2025, 9, 29), "office", {"kind": "instruction", "title": "x"}),
                  E("M", "assign", assigned, "office", {"lead_units": ["u1"]})])
    return s.due


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_setting_change_moves_leader_instruction_deadline_from_5_to_7_working_days():
    base, var = resolve_policy("weinan_gaoxin"), resolve_policy(str(SEVEN))
    # 9/30 + 5 working days: 10/1–10/8 off, 10/9 d1, 10/10 d2, Sat 10/11 (make-up) d3, 10/13 d4, 10/14 d5
    assert due(base).date == D(2025, 10, 14)
    # two more working days: 10/15, 10/16
    assert due(var).date == D(2025, 10, 16)
    assert "weinan_gaoxin+seven" in due(var).citation.article


def test_variant_keeps_lineage_id_and_notes():
    var = resolve_policy(str(SEVEN))
    assert var.id == "weinan_gaoxin+seven"
    assert var.lineage == ("weinan_gaoxin", "weinan_gaoxin+seven")
    assert var.jurisdiction.extends == "weinan_gaoxin"
    info = variant_info(var)
    assert info.base == "weinan_gaoxin" and "基层" in info.note
    assert {c.rule for c in info.changes} == {"instruction_days", "criticism_thrice"}


def test_two_criticisms_instead_of_three_before_accountability():
    base, var = resolve_policy("weinan_gaoxin"), resolve_policy(str(SEVEN))
    events = [E("M", "register", D(2025, 3, 3), "office", {"kind": "instruction", "title": "x"}),
              E("M", "assign", D(2025, 3, 3), "office", {"lead_units": ["u1"]})]
    for day in (D(2025, 4, 1), D(2025, 5, 6)):
        events.append(E("M", "bulletin", day, "office", {"type": "criticism", "approved_by": "p"}))

    def steps(policy):
        state = MatterEngine(policy, CAL).fold(events)
        return {f.rule for f in evaluate(policy, CAL, [state], D(2025, 5, 7)) if f.category == "escalation"}

    assert "criticism_thrice" not in steps(base)
    assert "criticism_thrice" in steps(var)
    step = next(s for s in var.escalation if s.id == "criticism_thrice")
    assert step.trigger.threshold == 2 and step.citation.jurisdiction == "weinan_gaoxin+seven"


def test_counting_convention_change_counts_the_start_day(tmp_path):
    path = write(tmp_path, "start.toml", """
[variant]
base = "weinan_gaoxin"
note = "试算：交办当日计入"
[convention]
exclude_start_day = false
note = "交办当日计为第1日"
""")
    var = load_variant(path, plugins=get_plugins())
    assert var.id == "weinan_gaoxin+start"
    # 9/30 (a working day) is day 1: 10/9 d2, 10/10 d3, 10/11 d4, 10/13 d5
    assert due(var).date == D(2025, 10, 13)
    assert var.convention.exclude_start_day is False


def test_replace_rule_wholesale_with_calendar_days(tmp_path):
    path = write(tmp_path, "ten.toml", """
[variant]
base = "weinan_gaoxin"
note = "改为日历日"
[[replace]]
type = "time_limit"
note = "10日（日历日）"
[replace.rule]
id = "instruction_result"
name = "领导批示件10日内报结"
kinds = ["instruction"]
period = "10日"
""")
    var = load_variant(path, plugins=get_plugins())
    limit = next(t for t in var.time_limits if t.id == "instruction_result")
    assert limit.kinds == ("instruction",) and limit.setting is None
    # 9/30 + 10 calendar days = 10/10, a Friday and a working day
    assert due(var).date == D(2025, 10, 10)
    assert limit.citation.article.startswith("九")


def test_variant_of_a_variant_reads_its_base_relative_to_the_file(tmp_path):
    write(tmp_path, "weinan_gaoxin+seven.toml", SEVEN.read_text(encoding="utf-8"))
    path = write(tmp_path, "nine.toml", """
[variant]
base = "weinan_gaoxin+seven.toml"
note = "再延两日"
[settings]
instruction_days = "9个工作日"
""")
    var = load_variant(path, plugins=get_plugins())
    assert var.lineage == ("weinan_gaoxin", "weinan_gaoxin+seven", "weinan_gaoxin+seven+nine")
    assert due(var).date == D(2025, 10, 20)  # 10/16 d7, 10/17 d8, 10/20 (Mon) d9


@pytest.mark.parametrize(("body", "message"), [
    ("[variant]\nbase = \"weinan_gaoxin\"\n", "note"),
    ("[variant]\nbase = \"weinan_gaoxin\"\nnote = \"x\"\n[settings]\nno_such = 1\n", "[settings] no_such：weinan_gaoxin 没有此设置项；可用："),
    ("[variant]\nbase = \"weinan_gaoxin\"\nnote = \"x\"\n[[change]]\nrule = \"nope\"\nset = {a = 1}\nnote = \"y\"\n",
     "[[change]] #1：weinan_gaoxin 没有规则 'nope'；现有规则："),
    ("[variant]\nbase = \"weinan_gaoxin\"\nnote = \"x\"\n[[change]]\nrule = \"instruction_result\"\nset = {perod = \"7日\"}\nnote = \"y\"\n",
     "修改 'instruction_result'：没有字段 'perod'；可用字段："),
    ("[variant]\nbase = \"weinan_gaoxin\"\nnote = \"x\"\n[[change]]\nrule = \"instruction_result\"\nset = {period = \"七天半\"}\nnote = \"y\"\n",
     "无法识别期限 '七天半'：不是已知的期限写法；可写作 5个工作日"),
    ("[variant]\nbase = \"no_such_place\"\nnote = \"x\"\n", "未知的辖区 'no_such_place'；已安装："),
    ("[variant\nbase=1", "bad.toml: 不是有效的 TOML（"),
])
def test_bad_variant_files_give_one_line_errors(tmp_path, body, message):
    path = write(tmp_path, "bad.toml", body)
    with pytest.raises(DuchaError) as err:
        load_variant(path, plugins=get_plugins())
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_variant_usable_wherever_an_id_is_deadline_and_compare():
    runner = CliRunner()
    res = runner.invoke(main, ["deadline", "--jurisdiction", str(SEVEN), "--kind", "instruction",
                               "--from", "2025-09-30", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["deadlines"][0]["date"] == "2025-10-16"
    res = runner.invoke(main, ["compare", "weinan_gaoxin", str(SEVEN), "--only-differences", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    assert any(r["section"] == "升级处理" for r in rows)
    assert all(r["differs"] for r in rows)


def test_plugin_extending_an_installed_one_writes_only_what_differs(tmp_path):
    plugin = write(tmp_path, "county_plugin.py", '''
from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import WorkingDays
from ducha_core.rules import TimeLimit

def ducha_jurisdiction():
    return Jurisdiction("weinan_county", "某县", "county", SourceDocument("某县督查办法", "某县政府办"),
                        extends="weinan_gaoxin")

def ducha_time_limits():
    return [TimeLimit("instruction_result", "领导批示件报结", ("instruction",), WorkingDays(3),
                      Citation("weinan_county", "第五条", "3个工作日内报送办理结果"))]
''')
    plugins = get_plugins(paths=[plugin])
    pol = build_policy(plugins, "weinan_county")
    assert pol.lineage == ("weinan_gaoxin", "weinan_county")
    # 9/30 + 3 working days: 10/9, 10/10, Sat 10/11 (make-up working day)
    assert due(pol).date == D(2025, 10, 11)
    assert due(pol).citation.article == "第五条"
    # everything else is the base's
    assert set(pol.kinds) == set(resolve_policy("weinan_gaoxin").kinds)
    assert any(s.id == "criticism_thrice" for s in pol.escalation)
