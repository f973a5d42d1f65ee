"""Scenario files: validation with line and key, neutral runs across jurisdictions, ducha run/test, pytest collection."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core.cli import main
from ducha_core.registry import all_ids, resolve_policy
from ducha_core.scenario import ScenarioError, check, parse_scenario, run

HERE = Path(__file__).parent
WEINAN = HERE / "scenarios" / "scenario_weinan_instruction.toml"

NEUTRAL = """
[scenario]
name = "中立情景"
as_of = "2025-10-20"

[[matter]]
id = "A"
kind = "instruction"
title = "领导批示件"
received = "2025-09-29"
assigned = "2025-09-30"
units = ["u1"]

[[event]]
on = "2025-10-09"
matter = "A"
action = "progress"
actor = "unit:u1"

[[event]]
on = "2025-10-10"
matter = "A"
action = "submit"
actor = "unit:u1"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "key", "message"), [
    (NEUTRAL.replace('on = "2025-10-10"', 'on = "2025-10-32"'), 21, "event[1].on", "'2025-10-32' 不是日期；请写作 YYYY-MM-DD"),
    (NEUTRAL.replace('action = "submit"', 'action = "sumbit"'), 23, "event[1].action", "未知的步骤 'sumbit'；可用："),
    (NEUTRAL.replace('matter = "A"\naction = "progress"', 'matter = "B"\naction = "progress"'), 16, "event[0].matter",
     "未知的事项 'B'；已声明的事项：A"),
    (NEUTRAL.replace('title = "领导批示件"', 'titel = "领导批示件"'), 9, "matter[0].titel", "未知的键 'titel'；可用："),
    (NEUTRAL.replace('assigned = "2025-09-30"', 'assigned = "2025-09-28"'), 11, "matter[0].assigned",
     "交办日期 2025-09-28 早于立项日期 2025-09-29；交办不得早于立项"),
    (NEUTRAL + '\n[[expect]]\nmatter = "A"\nlight = "purple"\n', 28, "expect[0].light",
     "'purple' 无效；应为 green, yellow, red, done, none, withdrawn 之一"),
    (NEUTRAL + '\n[[expect]]\ndue = "2025-10-14"\n', 26, "expect[0]", "检查 due 须指明事项：matter = \"…\""),
])
def test_errors_name_line_and_key(text, line, key, message):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "s.toml")
    msg = str(err.value)
    assert msg.startswith(f"s.toml:{line}: {key}:"), msg
    assert message in msg and "\n" not in msg


def test_toml_syntax_error_names_the_line():
    with pytest.raises(ScenarioError, match=r"第 3 行"):
        parse_scenario('[scenario]\nname = "x"\nas_of = \n', "s.toml")


# --- running -------------------------------------------------------------------------------------


def test_weinan_scenario_hand_checked_dates():
    s = parse_scenario(WEINAN.read_text(encoding="utf-8"), WEINAN)
    pol = resolve_policy("weinan_gaoxin", settings={"issued": "2024-06-01"})
    snap = run(s, pol)
    m1 = snap.matters["M1"]
    assert m1.state.due.date == D(2025, 10, 14) and m1.light == "red" and m1.overdue
    assert snap.matters["M2"].state.state == "passed"
    refused = [a for a in snap.applied if a.refused]
    assert len(refused) == 1 and refused[0].step.actor == "unit:u1" and "无权" in refused[0].refused
    # as of 10/20 the 督办令 of 10/15 is still within its 5 working days: only the chase is due
    assert {f.rule for f in snap.findings if f.category == "escalation"} == {"overdue_chase"}
    # as of 10/13 the matter is yellow: 10/14 is within the 3-working-day window
    assert run(s, pol, D(2025, 10, 13)).matters["M1"].light == "yellow"
    assert all(o.ok for o in check(s, [pol])), [o.describe() for o in check(s, [pol]) if not o.ok]


@pytest.mark.parametrize("jid", ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"))  # the shipped plugins
def test_neutral_scenario_maps_kind_and_actors_onto_each_jurisdiction(jid):
    pol = resolve_policy(jid)
    # an explicit deadline at assignment: some documents (e.g. Dazhan 第十七条) require one
    s = parse_scenario(NEUTRAL.replace('units = ["u1"]', 'units = ["u1"]\ndeadline = "2025-10-20"'), "neutral.toml")
    snap = run(s, pol)
    view = snap.matters["A"]
    if view.state is None:
        pytest.skip(f"{jid} has no kind for core kind instruction: {view.note}")
    assert pol.kinds[view.state.kind].core_kind == "instruction" or view.state.kind == "instruction"
    # the unit's submission stops the clock in every jurisdiction (formalities filled automatically)
    assert [a.refused for a in snap.applied if a.refused] == []
    assert view.state.submitted_on == D(2025, 10, 10)
    assert view.light in ("done", "none")
    assert view.state.due is None or view.state.due.date == D(2025, 10, 20)


def test_assignment_without_the_deadline_a_document_requires_is_refused_not_invented():
    if "dazhan" not in all_ids():
        pytest.skip("dazhan not installed")
    snap = run(parse_scenario(NEUTRAL), resolve_policy("dazhan"))
    assign = next(a for a in snap.applied if a.step.action == "assign")
    assert assign.refused and "第十七条" in assign.refused
    # the approval step Dazhan needs before 立项下达 was bridged (区委领导审定)
    assert any("补充步骤" in n for n in assign.notes)


def test_actor_office_maps_to_every_role_of_scope_office():
    from ducha_core.scenario import Runner

    pol = resolve_policy("weinan_gaoxin")
    runner = Runner(parse_scenario(NEUTRAL), pol)
    assert runner.person("office").roles == ("office",)
    assert set(runner.person("unit:u1").roles) == {"unit", "unit_head"} and runner.person("unit:u1").unit == "u1"
    assert set(runner.person("leader").roles) == {"leader", "principal_leader"}
    assert runner.person("principal_leader").roles == ("principal_leader",)


def test_strict_formalities_refuse_a_report_without_document_number():
    text = NEUTRAL.replace('as_of = "2025-10-20"', 'as_of = "2025-10-20"\nformalities = "strict"')
    pol = resolve_policy("weinan_gaoxin")
    snap = run(parse_scenario(text), pol)
    refused = [a for a in snap.applied if a.refused]
    assert len(refused) == 1 and "发文字号" in refused[0].refused
    auto = run(parse_scenario(NEUTRAL), pol)
    assert any("document_number" in n for a in auto.applied for n in a.notes)


def test_actor_override_per_jurisdiction(tmp_path):
    text = NEUTRAL + '\n[actors.weinan_gaoxin]\nunit = "unit_head"\n'
    from ducha_core.scenario import Runner

    runner = Runner(parse_scenario(text), resolve_policy("weinan_gaoxin"))
    assert runner.person("unit:u1").roles == ("unit_head",)


# --- CLI -----------------------------------------------------------------------------------------


def test_ducha_run_json_and_table():
    runner = CliRunner()
    res = runner.invoke(main, ["run", str(WEINAN), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    m1 = data["snapshots"][0]["matters"][0]
    assert m1["due"]["date"] == "2025-10-14" and m1["light"] == "red"
    res = runner.invoke(main, ["run", str(WEINAN), "--as-of", "2025-10-13"])
    assert res.exit_code == 0 and "黄灯" in res.output and "〔九〕" in res.output


def test_ducha_test_passes_and_fails_with_expected_vs_actual(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["test", str(HERE / "scenarios")])
    assert res.exit_code == 0, res.output
    bad = write(tmp_path, "wrong.toml", WEINAN.read_text(encoding="utf-8").replace(
        'as_of = "2025-10-13"\nmatter = "M1"\ndue = "2025-10-14"', 'as_of = "2025-10-13"\nmatter = "M1"\ndue = "2025-10-15"'))
    res = runner.invoke(main, ["test", str(bad)])
    assert res.exit_code == 1
    assert "预期 2025-10-15，实际 2025-10-14" in res.output
    assert "九「原则上应在接到办理通知5个工作日内报送办理结果」" in res.output
    assert "失败 1 项" in res.output


def test_ducha_test_reports_bad_file_as_one_line_error(tmp_path):
    bad = write(tmp_path, "bad.toml", NEUTRAL.replace('on = "2025-10-10"', 'on = "yesterday"'))
    res = CliRunner().invoke(main, ["test", str(bad)])
    assert res.exit_code == 1 and "bad.toml:21: event[1].on" in res.output


def test_pytest_collects_scenario_files(tmp_path):
    write(tmp_path, "scenario_ok.toml", WEINAN.read_text(encoding="utf-8"))
    write(tmp_path, "scenario_wrong.toml", WEINAN.read_text(encoding="utf-8").replace('light = "yellow"\nreminder_due',
                                                                                        'light = "green"\nreminder_due'))
    write(tmp_path, "not_a_scenario.toml", "x = 1\n")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 1, res.stdout
    assert "1 failed, 1 passed" in res.stdout
    assert "预期 green，实际 yellow" in res.stdout
