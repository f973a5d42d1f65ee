"""The conformance suite, run against each of the five plugins (skipped until installed), and shown to fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ducha_core.conformance import (
    CHECK_FUNCTIONS,
    Subject,
    conformance_tests,
    judge,
    run_checks,
)
from ducha_core.registry import all_ids

FIVE = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("check", list(CHECK_FUNCTIONS))
@pytest.mark.parametrize("jid", FIVE)
def test_plugin_conforms(jid, check):
    if jid not in all_ids():
        pytest.skip(f"{jid} is not installed yet")
    judge(jid, check, CHECK_FUNCTIONS[check](Subject(jid, root=ROOT)))


def test_judge_fails_naming_what_to_mend():
    with pytest.raises(AssertionError, match="未通过"):
        judge("not_pending", "traceability_honest", ["条款 第一条：x 无测试证明"])
    judge("not_pending", "traceability_honest", [])


BROKEN = '''
from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.rules import Article, MatterKind, Procedure, Role, State, Transition

C = Citation("broken", "第一条")

def ducha_jurisdiction():
    return Jurisdiction("broken", "坏例", "district", SourceDocument("坏例办法", "某办"))

def ducha_matter_kinds():
    return [MatterKind("instruction", "批示件", Citation("broken", ""), "instruction")]

def ducha_roles():
    return [Role("office", "督查室", "office", C), Role("unit", "承办单位", "unit", C)]

def ducha_procedure():
    return Procedure(
        states=(State("new", "新"), State("open", "办理中", clock_running=True), State("stuck", "卡住"),
                State("orphan", "无来路"), State("done", "办结", terminal=True)),
        initial="new", citation=C,
        transitions=(Transition("register", ("new",), "open", ("office",), C),
                     Transition("submit", ("open",), "done", ("unit",), C),
                     Transition("review_return", ("open",), "stuck", ("office",), C),
                     Transition("close", ("orphan",), "done", ("office",), C)))

def ducha_counting_convention():
    return "民法典"

def ducha_articles():
    return [Article("第一条", "总则", True, rules=("no_such_rule",), tests=("tests/nowhere.py::test_x",)),
            Article("第二条", "原则", False)]
'''


def test_checks_fail_on_a_broken_plugin(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(BROKEN, encoding="utf-8")
    result = run_checks("broken", plugin_paths=[path], root=tmp_path)
    assert result["hook_contracts"] == ["ducha_counting_convention() returned str, not CountingConvention"]
    assert result["rules_cited"] == ["matter kind instruction cites no article"]
    assert sorted(result["states_reachable"]) == [
        "state 'orphan' (无来路) cannot be reached from 'new'",
        "state 'stuck' (卡住) cannot reach a terminal state",
    ]
    assert result["templates_render"] == []
    assert sorted(result["traceability_complete"]) == [
        "article 第一条 names test 'tests/nowhere.py::test_x', which does not exist",
        "article 第一条 names unknown rule 'no_such_rule'",
        "article 第二条 is not operational but gives no reason",
    ]
    assert result["settings_read"] == []  # it declares no setting; the core's own are all read
    # the knock-out does not run on a table with errors: it says what to mend first
    assert result["traceability_honest"] == [
        "剔除检验未运行：先改正条款对照表与出处的错误 —— 条款对照表引用了不存在的规则 no_such_rule；"
        "条款 第二条 标为不可操作，但未写理由"]


def test_factory_gives_one_test_per_check():
    tests = conformance_tests("weinan_gaoxin", root=ROOT)
    assert sorted(tests) == sorted(f"test_conformance_{c}" for c in CHECK_FUNCTIONS)
    tests["test_conformance_states_reachable"]()


def test_pytest_plugin_option_runs_the_suite(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(BROKEN, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "ducha_core.conformance",
         "--ducha-plugin", str(path), "--ducha-jurisdiction", "broken", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path)
    # templates_render, rules_reachable and settings_read pass; traceability_honest stops at the table's errors
    assert "5 failed, 3 passed" in res.stdout, res.stdout + res.stderr
    assert "cannot reach a terminal state" in res.stdout


def test_a_policy_that_does_not_compile_is_reported_not_crashed(tmp_path):
    path = tmp_path / "worse.py"
    path.write_text(BROKEN.replace('def ducha_counting_convention():\n    return "民法典"',
                                   'def ducha_reporting_cycles():\n    return "每月"'), encoding="utf-8")
    result = run_checks("broken", plugin_paths=[path], root=tmp_path)
    assert result["hook_contracts"] == ["ducha_reporting_cycles() must return a list of ReportingCycle, not str"]
    assert result["states_reachable"][0].startswith("the policy does not compile")


def test_rules_reachable_flags_a_rule_the_cli_cannot_reach(toy_policy):
    """A trigger matching a field the CLI refuses (no Chinese name), a list-valued field whose setting is
    missing, a rung proposing a step the procedure lacks: each is an unreachable rule."""
    import attrs

    from ducha_core.conformance import check_rules_reachable
    from ducha_core.rules import After, EscalationStep

    class Stub:
        policy = toy_policy

    assert check_rules_reachable(Stub()) == []
    citation = toy_policy.escalation[0].citation
    bad = (EscalationStep("x", "x", 9, After("finding", {"urgent": True}, at_once=True), "fly", citation),)
    order = toy_policy.transitions[("assigned", "order")]
    chooser = attrs.evolve(order, choices={"method": "no_such_list"})
    Stub.policy = attrs.evolve(toy_policy, escalation=toy_policy.escalation + bad,
                               procedure=attrs.evolve(toy_policy.procedure, transitions=(
                                   *toy_policy.procedure.transitions, attrs.evolve(chooser, sources=("submitted",)))))
    problems = check_rules_reachable(Stub())
    assert sorted(problems) == sorted([
        "升级规则 'x'：等待 'finding'，但程序中没有记录它的步骤",
        "升级规则 'x'：字段 'urgent' 没有中文名（ducha_field_names），命令行不接受 --urgent",
        "升级规则 'x'：提议 'fly'，但它不是程序中的步骤",
        "步骤 'order'：--method 的取值来自设置 'no_such_list'，但它不是非空列表",
    ])
