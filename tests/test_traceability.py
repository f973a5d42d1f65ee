"""Traceability that cannot claim more than is true (issue 11): knock-out, reach and use checks, the
articles command and the conformance check, on small plugins whose verdicts are checked by hand."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from ducha_core import knockout
from ducha_core.cli import main
from ducha_core.conformance import run_checks
from ducha_core.model import Citation
from ducha_core.periods import WorkingDays
from ducha_core.plugins import get_plugins
from ducha_core.policy import KNOCKOUT_ENV, build_policy, load_policy
from ducha_core.rules import ApprovalRule, Role, TimeLimit
from ducha_core.traceability import (
    DISPLAY_ONLY,
    inert_problems,
    missing_articles,
    reach_problems,
    report,
    settings_read,
)

FIXTURES = Path(__file__).parent / "fixtures"
TRACE = FIXTURES / "trace_plugin.py"
CORE = Path(__file__).resolve().parent.parent / "ducha_core"


def trace_policy():
    return build_policy(get_plugins(load_entry_points=False, paths=[TRACE]), "trace")


def statuses(rep: dict) -> dict[str, str]:
    return {a["id"]: a["status"] for a in rep["articles"]}


# --- neutralising one rule -------------------------------------------------------------------------


def knocked(monkeypatch, toy_plugins, rule: str):
    monkeypatch.setenv(KNOCKOUT_ENV, f"toy:{rule}")
    policy = build_policy(toy_plugins, "toy")
    return policy, knockout.FORMS[("toy", rule)]


def test_each_kind_of_rule_is_removed_or_neutralised(monkeypatch, toy_plugins):
    base = build_policy(toy_plugins, "toy")
    assert [t.id for t in base.time_limits] == ["instr", "npc", "plan"]
    p, form = knocked(monkeypatch, toy_plugins, "instr")
    assert [t.id for t in p.time_limits] == ["npc", "plan"] and form == "删除时限 instr"
    # the setting the removed limit read keeps its type (a period): the policy still compiles
    assert p.setting_defs["instr_days"].type == "period"
    # an unset period setting: the value of the rule that reads it (5个工作日), one working day longer
    p, form = knocked(monkeypatch, toy_plugins, "setting:instr_days")
    assert next(t for t in p.time_limits if t.id == "instr").period == WorkingDays(6)
    assert form == '设置 instr_days：（未设） → "6个工作日"'
    p, form = knocked(monkeypatch, toy_plugins, "setting:warning_window")
    assert p.settings["warning_window"] == 4 and form == "设置 warning_window：3 → 4"
    p, _ = knocked(monkeypatch, toy_plugins, "setting:year_window")  # another choice its description names
    assert p.settings["year_window"] == "rolling"
    p, _ = knocked(monkeypatch, toy_plugins, "setting:strict_calendar")
    assert p.settings["strict_calendar"] is True
    # a kind goes with the rules that apply to it alone
    p, form = knocked(monkeypatch, toy_plugins, "instruction")
    assert "instruction" not in p.kinds and [t.id for t in p.time_limits] == ["npc", "plan"]
    assert form == "删除事项类别 instruction（及只适用于它的 1 条规则）"
    p, form = knocked(monkeypatch, toy_plugins, "action:order")
    assert not any(t.action == "order" for t in p.procedure.transitions)
    assert not any(a == "order" for _s, a in p.transitions) and form == "删除动作 order 的 1 个步骤"
    p, _ = knocked(monkeypatch, toy_plugins, "state:returned")
    assert not any(t.target == "returned" for t in p.procedure.transitions) and ("submitted", "review_return") not in p.transitions
    p, _ = knocked(monkeypatch, toy_plugins, "state:new")  # the initial state: nothing leaves it
    assert ("new", "register") not in p.transitions and not any("new" in t.sources for t in p.procedure.transitions)
    # a role stays, but takes no step — also none of the core's own (更正, 撤销 …)
    p, form = knocked(monkeypatch, toy_plugins, "office")
    assert "office" in p.roles and not any("office" in t.roles for t in p.procedure.transitions)
    assert any(t.action == "correct" for t in base.procedure.transitions)
    assert form == "角色 office 不再能做任何步骤、审批或批准延期（原有 8 个步骤）"
    p, _ = knocked(monkeypatch, toy_plugins, "grading")
    assert p.grading is None
    p, _ = knocked(monkeypatch, toy_plugins, "bad")
    assert p.grading.rules == () and p.grading.grades == ("好", "差")
    p, form = knocked(monkeypatch, toy_plugins, "no_such_rule")
    assert form == "没有 id 为 no_such_rule 的规则可剔除" and [t.id for t in p.time_limits] == ["instr", "npc", "plan"]


def test_load_policy_cache_honours_the_knockout(monkeypatch):
    assert load_policy("ordos").grading is not None
    monkeypatch.setenv(KNOCKOUT_ENV, "ordos:grading")
    assert load_policy("ordos").grading is None
    monkeypatch.setenv(KNOCKOUT_ENV, "ankang:grading")  # another jurisdiction's knock-out changes nothing here
    assert load_policy("ordos").grading is not None
    monkeypatch.delenv(KNOCKOUT_ENV)
    assert load_policy("ordos").grading is not None


def test_a_knockout_that_does_not_compile_raises_and_is_recorded(monkeypatch):
    # result_anchor is a time limit's anchor: no value other than the four anchors compiles
    monkeypatch.setenv(KNOCKOUT_ENV, "trace:setting:result_anchor")
    before = len(knockout.COMPILE_FAILURES)
    with pytest.raises(knockout.KnockoutDoesNotCompile, match="剔除 setting:result_anchor 后政策无法编译"):
        trace_policy()
    assert len(knockout.COMPILE_FAILURES) == before + 1


# --- static findings --------------------------------------------------------------------------------


def test_static_report_without_the_knockout():
    rep = report(trace_policy())
    assert statuses(rep) == {
        "第一条": "not_checked", "第二条": "not_checked", "第三条": "not_checked", "第四条": "not_checked",
        "第五条": "not_operational", "第六条": "inert", "第七条": "unreachable", "第八条": "not_checked"}
    assert rep["knockout_run"] is False and rep["coverage"] is None and rep["enforced_and_tested"] is None
    assert (rep["operational"], rep["statically_clear"], rep["nominal_coverage"]) == (7, 5, 1.0)
    assert rep["errors"] == []


def test_who_reads_each_setting():
    readers = settings_read(trace_policy())
    assert readers["result_days"] == ["时限 instruction_result"]
    assert readers["result_anchor"] == ["时限 instruction_result（起算日）"]
    assert readers["warning_window"] == ["核心按名读取"] and readers["year_window"] == ["核心按名读取"]
    assert "filing_office" not in readers


def test_inert_rules_roles_and_approvals():
    policy = trace_policy()
    assert inert_problems(policy) == [
        ("setting:filing_office", "设置 filing_office 没有任何规则引用，核心也不按名读取：改变它什么也不改变")]
    c = Citation("trace", "第二条")
    more = attrs.evolve(policy, roles={**policy.roles, "observer": Role("observer", "观察员", "other", c)},
                        approvals=(ApprovalRule("listed", "只列出", "register", ("office",), c),))
    assert [rule for rule, _ in inert_problems(more)] == ["setting:filing_office", "listed", "observer"]


def test_reach_needs_a_field_the_cli_takes_and_a_person_for_each_role():
    policy = trace_policy()
    assert reach_problems(policy) == [
        ("action:seal", "步骤 'seal'：字段 'stamp_code' 没有中文名（ducha_field_names），命令行不接受 --stamp-code")]
    nobody = reach_problems(policy, people={})
    assert ("action:register", "步骤 'register'（立项）的角色 office（督查室） 在示例部署中无人担任") in nobody
    assert ("action:submit", "步骤 'submit'（报送办理结果）的角色 unit（承办单位） 在示例部署中无人担任") in nobody


def test_articles_cited_by_rules_but_missing_from_the_table():
    policy = trace_policy()
    assert missing_articles(policy) == []
    extra = (TimeLimit("a", "甲", ("instruction",), WorkingDays(1), Citation("trace", "第九条(二)")),
             TimeLimit("b", "乙", ("instruction",), WorkingDays(1), Citation("trace", "第一条(二)、(三)")),
             TimeLimit("c", "丙", ("instruction",), WorkingDays(1), Citation("民法典", "第二百零一条")))
    more = attrs.evolve(policy, time_limits=policy.time_limits + extra)
    # 第一条 is one row of the table (no paragraphs listed): its paragraphs are in it; another law is not ours
    assert missing_articles(more) == [("第九条(二)", "时限 a")]
    # once the table lists paragraphs of 第一条, one it lacks is missing, (三) read as 第一条(三)
    split = attrs.evolve(more, articles=(*policy.articles, attrs.evolve(policy.articles[0], id="第一条(二)")))
    assert missing_articles(split) == [("第一条(三)", "时限 b"), ("第九条(二)", "时限 a")]
    assert "条款 第九条(二) 被 时限 a 引用，但条款对照表中没有这一行" in report(more)["errors"]


def test_display_only_lists_exactly_the_rule_attributes_the_core_never_reads():
    """Every attribute of a rule class is read by the core (an attribute access in its code, not in the
    modules that only display or check a policy), is descriptive text, or is listed in DISPLAY_ONLY."""
    import ducha_core.rules as rules

    display = {"compare.py", "compare_cmd.py", "conformance.py", "traceability.py", "knockout.py", "variants.py",
               "scaffold.py", "fields.py"}
    descriptive = {"id", "name", "citation", "reading", "doc", "duties", "unit_grade_reading", "summary", "reason"}
    read: set[str] = set()
    for file in CORE.rglob("*.py"):
        if file.name in display or "scaffold_templates" in file.parts:
            continue
        read |= {n.attr for n in ast.walk(ast.parse(file.read_text(encoding="utf-8"))) if isinstance(n, ast.Attribute)}
    unread = {}
    for cls in vars(rules).values():
        if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == rules.__name__ and cls is not rules.Article:
            names = tuple(f.name for f in attrs.fields(cls) if f.name not in descriptive and f.name not in read)
            if names:
                unread[cls.__name__] = names
    assert unread == DISPLAY_ONLY


# --- the knock-out check ------------------------------------------------------------------------------


def test_knockout_verdicts_on_the_trace_plugin():
    result = knockout.run("trace", [TRACE], FIXTURES)
    rep = report(trace_policy(), result)
    assert statuses(rep) == {
        "第一条": "tested", "第二条": "tested", "第三条": "untested", "第四条": "untested",
        "第五条": "not_operational", "第六条": "inert", "第七条": "unreachable", "第八条": "tested"}
    assert (rep["enforced_and_tested"], rep["operational"]) == (3, 7) and rep["coverage"] == pytest.approx(3 / 7)
    rows = {a["id"]: a for a in rep["articles"]}
    assert rows["第三条"]["verdicts"][0]["reason"] == "剔除（删除升级规则 overdue_remind）后，所引 1 个测试仍全部通过"
    assert rows["第八条"]["verdicts"][0]["form"] == '设置 result_days："5个工作日" → "6个工作日"'
    # the knock-out of result_anchor does not compile: its test would fail (see above), yet it proves nothing
    assert rows["第四条"]["verdicts"][0]["reason"].startswith("剔除后的政策无法编译，不能据此判断测试是否检验它")
    assert result["rules"]["setting:result_anchor"]["noticed"] == []
    assert result["missing"] == {} and result["failing"] == {}


def copy_trace(tmp_path: Path) -> Path:
    for name in ("trace_plugin.py", "trace_checks.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path / "trace_plugin.py"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def copied_report(plugin: Path) -> dict:
    policy = build_policy(get_plugins(load_entry_points=False, paths=[plugin]), "trace")
    return report(policy, knockout.run("trace", [plugin], plugin.parent))


def test_removing_a_rule_the_table_cites_drops_the_figure(tmp_path):
    plugin = copy_trace(tmp_path)
    edit(plugin, '''    return [TimeLimit("instruction_result",''', '''    return []
    return [TimeLimit("instruction_result",''')
    rep = copied_report(plugin)
    # 第一条 cites a rule that is gone; the settings the limit read are read by nothing; the deadline test
    # fails without any knock-out, so it proves nothing for 第二条
    assert statuses(rep) == {
        "第一条": "untested", "第二条": "untested", "第三条": "untested", "第四条": "inert",
        "第五条": "not_operational", "第六条": "inert", "第七条": "unreachable", "第八条": "inert"}
    assert (rep["enforced_and_tested"], rep["coverage"]) == (0, 0.0)
    rows = {a["id"]: a for a in rep["articles"]}
    assert rows["第一条"]["verdicts"][0]["reason"].startswith("规则 instruction_result 不存在")
    assert "所引测试在未剔除时已不通过，不能作证" in rows["第二条"]["verdicts"][0]["reason"]
    assert "条款对照表引用了不存在的规则 instruction_result" in rep["errors"]


def test_a_test_that_stops_checking_a_rule_drops_the_figure(tmp_path):
    plugin = copy_trace(tmp_path)
    # the deadline test no longer looks at the date: 5 or 6 working days, it passes
    edit(tmp_path / "trace_checks.py", "state.due.date == D(2025, 10, 14)", "state.due.date >= D(2025, 10, 14)")
    rep = copied_report(plugin)
    assert statuses(rep)["第八条"] == "untested" and statuses(rep)["第一条"] == "tested"
    assert (rep["enforced_and_tested"], rep["operational"]) == (2, 7)


# --- the command and the conformance check -------------------------------------------------------------


def test_articles_command_static_and_with_the_check():
    runner = CliRunner()
    res = runner.invoke(main, ["articles", "trace", "--plugin", str(TRACE)])
    assert res.exit_code == 0, res.output
    assert "未运行剔除检验：覆盖率（只计已执行且有测试的条款）未计算。运行 ducha articles trace --check --plugin" in res.output
    assert "第七条  action:seal  CLI不可达" in res.output and "已执行且有测试 3 条" not in res.output
    res = runner.invoke(main, ["articles", "trace", "--plugin", str(TRACE), "--json"])
    record = json.loads(res.output)
    assert record["coverage"] is None and record["note"].startswith("剔除检验未运行")
    res = runner.invoke(main, ["articles", "trace", "--plugin", str(TRACE), "--check", "--json"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.output)
    assert record["knockout_run"] is True and record["enforced_and_tested"] == 3 and "note" not in record
    assert [(a["id"], a["status_name"]) for a in record["articles"]][:4] == [
        ("第一条", "已执行且有测试"), ("第二条", "已执行且有测试"), ("第三条", "无测试证明"), ("第四条", "无测试证明")]
    res = runner.invoke(main, ["articles", "trace", "--plugin", str(TRACE), "--check"])
    assert "可操作条款 7 条，已执行且有测试 3 条，覆盖率 43%" in res.output
    res = runner.invoke(main, ["articles", "nosuch", "--check"])
    assert res.exit_code == 1 and "未知的辖区 'nosuch'" in res.output and "Traceback" not in res.output


def test_conformance_fails_a_plugin_whose_articles_are_not_all_enforced_and_tested():
    result = run_checks("trace", plugin_paths=[TRACE], root=FIXTURES)
    assert result["settings_read"] == [
        "设置 filing_office 没有任何规则引用，核心也不按名读取：改变它什么也不改变；请让规则读取它"
        "（如 TimeLimit.setting、Transition.choices），或删去它"]
    honest = result["traceability_honest"]
    assert honest[0] == "覆盖率 43%（已执行且有测试 3/7 条；ducha articles trace --check 列出详情）"
    assert [p.split("：")[0] for p in honest[1:]] == [
        "条款 第三条", "条款 第四条", "条款 第六条", "条款 第七条"]
