"""The knock-out check (剔除检验): a rule counts as tested only when removing it breaks a cited test.

For every rule id an operational article of the traceability table cites, the jurisdiction's policy
is compiled with that rule removed or neutralised, and the tests the article cites are run against
it: at least one must fail, else the rule is *untested* for that article.

How a rule is knocked out (``assemble_without``, called by ``ducha_core.policy.assemble`` while
``$DUCHA_KNOCKOUT`` = "ID:RULE", so ``load_policy``, ``build_policy``, the CLI and any subprocess a
test starts all see the knocked-out policy):

- a time limit, extension rule, escalation step, reporting cycle, approval rule, grade rule or
  deduction: removed; ``grading``: the whole grading scheme removed;
- ``setting:X``: another valid value of its type — an int or number plus one, a period one working
  (or calendar) day longer (每月最后1个工作日 ↔ 每月最后1日), a bool negated, a date one day later, a list
  without its last item, a dict without its last key, a text another choice its description names
  (``leader_approval = …；office = …``); the deployment's own value, where a test sets one, is the one
  changed; the first value that compiles is taken;
- a matter kind: removed, with every rule that applies to it alone (its own time limits, steps …);
- a role: kept, but no step, approval or extension may be taken or granted by it any more;
- ``action:X``: every step of that action removed from the compiled procedure (also a core step);
- ``state:X``: every step into that state removed (for the initial state: every step out of it).

A knock-out whose policy does not compile is never counted as tested (a compile error makes every
test fail for nothing): the rule is reported untested with the compiler's message; a test that failed
because a knock-out did not compile under the settings it uses does not count either. A cited test that
fails or is skipped without any knock-out proves nothing and does not count.

Speed: all knock-outs of one plugin run in one pytest session, a subprocess
``python -m pytest -p ducha_core.knockout --ducha-knockout-plan PLAN FILES`` that collects the cited
test files once and, for each knock-out, reloads the test modules (so module-level policies are
compiled anew) and re-runs the cited items with ``_pytest.runner.runtestprotocol`` (as
pytest-rerunfailures does). Rules are grouped: rule R is knocked out once, and the union of the tests
cited by the articles citing R runs until every such article has a failing test of its own.

``run(jurisdiction_id)`` -> the result ``traceability.report`` reads::

    {"jurisdiction": id, "seconds": float, "knockouts": n, "test_runs": n,
     "rules": {rule: {"form": "删除时限 x" | "设置 k：a → b" …, "error": str | None, "noticed": [cited test …]}},
     "missing": {cited test: why}, "failing": {cited test: outcome without knock-out}}

Raises ``KnockoutError`` (one Chinese line) when the test session cannot run at all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs

from ducha_core.errors import DuchaError, PolicyError
from ducha_core.policy import KNOCKOUT_APPLYING, KNOCKOUT_ENV

#: set in the knock-out session (a test that would start another knock-out check does not)
RUNNING_ENV = "DUCHA_KNOCKOUT_RUNNING"

#: the rule lists a knock-out removes an item from: parts key -> Chinese name
LIST_PARTS = (
    ("time_limits", "时限"),
    ("extension_rules", "延期规则"),
    ("escalation", "升级规则"),
    ("cycles", "周期报送"),
    ("approvals", "审批规则"),
)


class KnockoutError(DuchaError):
    """The knock-out check could not run (one Chinese line)."""


class KnockoutDoesNotCompile(PolicyError):
    """The policy with the rule knocked out does not compile."""


#: what each knock-out did, by (jurisdiction id, rule id): read for the report
FORMS: dict[tuple[str, str], str] = {}
#: messages of knock-outs that did not compile in this process, in order (the runner watches its length)
COMPILE_FAILURES: list[str] = []


# --- neutralising one rule ---------------------------------------------------------------------------


def assemble_without(rule: str, jurisdiction, parts: dict[str, Any], settings, lineage) -> Any:
    """``assemble`` with ``rule`` removed or neutralised (see the module docstring). Raises
    ``KnockoutDoesNotCompile`` where no neutral form compiles."""
    token = KNOCKOUT_APPLYING.set(True)
    try:
        policy, form = _knock(rule, jurisdiction, dict(parts), dict(settings or {}), lineage)
    except PolicyError as exc:
        message = f"剔除 {rule} 后政策无法编译：{exc}"
        COMPILE_FAILURES.append(message)
        raise KnockoutDoesNotCompile(message) from None
    finally:
        KNOCKOUT_APPLYING.reset(token)
    FORMS[(jurisdiction.id, rule)] = form
    return policy


def _knock(rule: str, jurisdiction, parts: dict[str, Any], settings: dict[str, Any], lineage):
    from ducha_core.policy import CORE_SETTINGS, _typed_settings, assemble

    # a setting keeps the type the rules gave it, also once the rule that implied it is removed
    typed = _typed_settings((*CORE_SETTINGS, *parts.get("setting_defs", ())), parts, jurisdiction.id)
    parts["setting_defs"] = [typed.get(s.key, s) for s in parts.get("setting_defs", ())]
    if rule.startswith("setting:"):
        return _knock_setting(rule.removeprefix("setting:"), jurisdiction, parts, settings, lineage)
    if rule.startswith("action:"):
        action = rule.removeprefix("action:")
        policy = assemble(jurisdiction, parts, settings, lineage)
        policy, n = _without_steps(policy, lambda t: t.action == action)
        return policy, f"删除动作 {action} 的 {n} 个步骤"
    if rule.startswith("state:"):
        state = rule.removeprefix("state:")
        policy = assemble(jurisdiction, parts, settings, lineage)
        if state == policy.procedure.initial:
            policy, n = _without_steps(policy, lambda t: state in t.sources, source=state)
            return policy, f"删除离开初始状态 {state} 的 {n} 个步骤"
        policy, n = _without_steps(policy, lambda t: t.target == state)
        return policy, f"删除进入状态 {state} 的 {n} 个步骤"
    forms: list[str] = []
    for key, label in LIST_PARTS:
        items = list(parts.get(key) or ())
        kept = [i for i in items if i.id != rule]
        if len(kept) != len(items):
            parts[key] = kept
            forms.append(f"删除{label} {rule}")
    grading = parts.get("grading")
    if grading is not None:
        if rule == "grading":
            parts["grading"] = None
            forms.append("删除整个评价等次方案")
        else:
            rules = tuple(r for r in grading.rules if r.id != rule)
            deductions = tuple(d for d in grading.deductions if d.id != rule)
            if len(rules) != len(grading.rules):
                forms.append(f"删除等次规则 {rule}")
            if len(deductions) != len(grading.deductions):
                forms.append(f"删除扣分规则 {rule}")
            parts["grading"] = attrs.evolve(grading, rules=rules, deductions=deductions)
    if any(k.id == rule for k in parts.get("kinds", ())):
        forms.append(_without_kind(parts, rule))
    is_role = any(r.id == rule for r in parts.get("roles", ()))
    if is_role:
        forms.append(_without_role_use(parts, rule))
    policy = assemble(jurisdiction, parts, settings, lineage)
    if is_role:  # also the core's own steps, given to every office role when compiled
        policy, _n = _without_steps(policy, lambda t: False,
                                    change=lambda t: attrs.evolve(t, roles=tuple(r for r in t.roles if r != rule))
                                    if rule in t.roles else t)
    return policy, "；".join(forms) or f"没有 id 为 {rule} 的规则可剔除"


def _without_kind(parts: dict[str, Any], kind: str) -> str:
    """Remove matter kind ``kind`` and what applies to it alone; returns the form."""
    parts["kinds"] = [k for k in parts["kinds"] if k.id != kind]
    dropped = 0

    def strip(items, attr: str):
        nonlocal dropped
        out = []
        for item in items:
            kinds = tuple(getattr(item, attr))
            if kind not in kinds:
                out.append(item)
                continue
            rest = tuple(k for k in kinds if k != kind)
            if not rest:
                dropped += 1
                continue
            out.append(attrs.evolve(item, **{attr: rest}))
        return out

    parts["time_limits"] = strip(parts.get("time_limits", ()), "kinds")
    parts["cycles"] = strip(parts.get("cycles", ()), "kinds")
    parts["extension_rules"] = strip(parts.get("extension_rules", ()), "kinds")
    parts["escalation"] = strip(parts.get("escalation", ()), "kinds")
    procedure = parts["procedure"]
    steps = strip(procedure.transitions, "kinds")
    steps = [attrs.evolve(t, requires_by_kind={k: v for k, v in t.requires_by_kind.items() if k != kind})
             if kind in t.requires_by_kind else t for t in steps]
    parts["procedure"] = attrs.evolve(procedure, transitions=tuple(steps))
    return f"删除事项类别 {kind}" + (f"（及只适用于它的 {dropped} 条规则）" if dropped else "")


def _without_role_use(parts: dict[str, Any], role: str) -> str:
    """Keep role ``role`` but take it out of every step, approval, extension and rung; returns the form."""
    procedure = parts["procedure"]
    steps = [attrs.evolve(t, roles=tuple(r for r in t.roles if r != role)) if role in t.roles else t
             for t in procedure.transitions]
    used = sum(role in t.roles for t in procedure.transitions)
    approvals = sum(role in a.approver_roles for a in parts.get("approvals", ()))
    extensions = sum(role in e.granted_by for e in parts.get("extension_rules", ()))
    rungs = sum(s.by_role == role for s in parts.get("escalation", ()))
    parts["procedure"] = attrs.evolve(procedure, transitions=tuple(steps))
    parts["approvals"] = [attrs.evolve(a, approver_roles=tuple(r for r in a.approver_roles if r != role))
                          if role in a.approver_roles else a for a in parts.get("approvals", ())]
    parts["extension_rules"] = [attrs.evolve(e, granted_by=tuple(r for r in e.granted_by if r != role))
                                if role in e.granted_by else e for e in parts.get("extension_rules", ())]
    parts["escalation"] = [attrs.evolve(s, by_role="") if s.by_role == role else s for s in parts.get("escalation", ())]
    uses = "、".join(f"{n} {what}" for n, what in ((used, "个步骤"), (approvals, "条审批规则"), (extensions, "条延期规则"),
                                                 (rungs, "条升级规则")) if n)
    return f"角色 {role} 不再能做任何步骤、审批或批准延期（原有 {uses or '：仅核心加给督查室角色的步骤'}）"


def _without_steps(policy, drop: Callable, *, change: Callable | None = None, source: str | None = None):
    """``policy`` with the transitions ``drop`` selects removed (and ``change`` applied to the rest);
    with ``source``, only their entries from that state go. Returns (policy, number removed)."""
    removed = 0
    kept = []
    new_of: dict[int, Any] = {}
    for t in policy.procedure.transitions:
        new = t
        if drop(t):
            removed += 1
            rest = tuple(s for s in t.sources if s != source) if source is not None else ()
            if not rest:
                continue
            new = attrs.evolve(t, sources=rest)
        new = change(new) if change else new
        new_of[id(t)] = new
        kept.append(new)
    table = {}
    for (state, action), t in policy.transitions.items():
        if drop(t) and (source is None or state == source):
            continue
        table[(state, action)] = new_of.get(id(t)) or (change(t) if change else t)
    procedure = attrs.evolve(policy.procedure, transitions=tuple(kept))
    return attrs.evolve(policy, procedure=procedure, transitions=table), removed


def _knock_setting(key: str, jurisdiction, parts: dict[str, Any], settings: dict[str, Any], lineage):
    from ducha_core.policy import CORE_SETTINGS, _typed_settings, assemble

    defs = {s.key: s for s in (*CORE_SETTINGS, *parts.get("setting_defs", ()))}
    if key not in defs:
        return assemble(jurisdiction, parts, settings, lineage), f"没有设置 {key} 可剔除"
    typed = _typed_settings(tuple(defs.values()), parts, jurisdiction.id)[key]
    current = settings.get(key, typed.default)
    # unset: the rule that reads it keeps its own value; change that one
    base = _value_in_use(parts, key) if current in (None, "") else current
    errors = []
    for candidate in setting_candidates(typed, base):
        try:
            policy = assemble(jurisdiction, parts, {**settings, key: candidate}, lineage)
        except PolicyError as exc:
            errors.append(f"{_shown(candidate)}（{exc}）")
            continue
        return policy, f"设置 {key}：{_shown(current)} → {_shown(candidate)}"
    raise PolicyError(f"设置 {key} 没有可编译的其他取值：" + "；".join(errors))


def _value_in_use(parts: dict[str, Any], key: str) -> Any:
    """The value a rule that reads setting ``key`` has of its own (for a setting left unset)."""
    from ducha_core.rules import Overdue

    for t in parts.get("time_limits", ()):
        if t.setting == key:
            return t.period
    for c in parts.get("cycles", ()):
        if c.setting == key:
            return c.due
    procedure = parts.get("procedure")
    for t in procedure.transitions if procedure is not None else ():
        for owes in t.obliges:
            if owes.setting == key and owes.period is not None:
                return owes.period
    grading = parts.get("grading")
    triggers = [s.trigger for s in parts.get("escalation", ())]
    if grading is not None:
        triggers += [r.trigger for r in grading.rules] + [d.trigger for d in grading.deductions]
        for d in grading.deductions:
            if d.setting == key and d.points is not None:
                return d.points
    for trigger in triggers:
        if isinstance(trigger, Overdue):
            if trigger.repeat_setting == key and trigger.repeat is not None:
                return trigger.repeat
            if trigger.chase_wait_setting == key and trigger.chase_wait is not None:
                return trigger.chase_wait
            if trigger.chased_setting == key:
                return trigger.chased
    return None


def _shown(value: Any) -> str:
    text = value.describe() if hasattr(value, "describe") else (
        "（未设）" if value is None else json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 60 else text[:57] + "…"


_CHOICE = re.compile(r"(?<![A-Za-z_])([a-z][a-z0-9_]*)\s*=")
_SLASHED = re.compile(r"(?<![A-Za-z_])([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)+)")


def setting_candidates(setting, current: Any) -> list[Any]:
    """Other valid values of ``setting`` (typed: ``Setting.type``) than ``current``, best first."""
    from ducha_core.periods import (
        AsAssigned,
        AsItHappens,
        CalendarDays,
        EndOf,
        Months,
        NextDay,
        Weeks,
        WorkingDays,
        parse_period,
    )

    kind = setting.type
    if kind == "bool":
        return [not bool(current)]
    if kind == "int":
        return [int(current or 0) + 1]
    if kind == "number":
        return [(current or 0) + 1]
    if kind == "date":
        if current in (None, ""):
            return ["2000-01-01"]
        day = current if isinstance(current, date) else date.fromisoformat(str(current).strip())
        return [(day + timedelta(days=1)).isoformat()]
    if kind == "period":
        if current in (None, ""):
            return ["5个工作日"]
        period = current if not isinstance(current, str) else parse_period(current)
        if isinstance(period, WorkingDays):
            longer = WorkingDays(period.n + 1)
        elif isinstance(period, CalendarDays):
            longer = CalendarDays(period.n + 1)
        elif isinstance(period, Weeks):
            longer = CalendarDays(7 * period.n + 1)
        elif isinstance(period, Months):
            longer = Months(period.n + 1)
        elif isinstance(period, NextDay):
            longer = CalendarDays(2)
        elif isinstance(period, EndOf):
            longer = EndOf(period.unit, not period.workday)
        elif isinstance(period, AsItHappens | AsAssigned):
            longer = WorkingDays(5)
        else:
            return []
        return [longer.describe()]
    if kind == "list[str]":
        values = list(current or ())
        if len(values) > 1:
            return [values[:-1]]
        return [[f"{values[0]}（剔除检验）"] if values else ["剔除检验"]]
    if kind == "dict":
        values = dict(current or {})
        if len(values) > 1:
            return [dict(list(values.items())[:-1])]
        if values:
            (k, v), = values.items()
            return [{f"{k}_knockout": v}]
        return [{"knockout": "剔除检验"}]
    if kind == "str":
        named = _CHOICE.findall(setting.doc) + [w for group in _SLASHED.findall(setting.doc) for w in group.split("/")]
        others = [w for w in dict.fromkeys(named) if w != current]
        return [*others, f"{current or ''}（剔除检验）"]
    return []


# --- the plan ----------------------------------------------------------------------------------------

_NODE = re.compile(r"^(?P<file>[^:]+\.(py|toml))(::(?P<name>.+))?$")


def resolve_tests(nodes: Sequence[str], roots: Sequence[Path]) -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """Cited test ids -> (absolute file, name within it or None for the whole file); and the ones
    that cannot be found, with why."""
    found: dict[str, tuple[str, str | None]] = {}
    missing: dict[str, str] = {}
    for node in nodes:
        m = _NODE.match(node)
        if not m:
            missing[node] = "不是 文件::测试名 形式"
            continue
        for root in roots:
            path = Path(root) / m.group("file")
            if path.is_file():
                found[node] = (str(path.resolve()), m.group("name"))
                break
        else:
            missing[node] = "找不到文件"
    return found, missing


def plan(policy, static: dict[str, Any], rules: Sequence[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """{rule: {article id: [its cited tests]}} for every rule an operational article cites that exists
    and is neither unreachable nor inert (those are judged without a knock-out)."""
    out: dict[str, dict[str, list[str]]] = {}
    for a in policy.articles:
        if not a.operational or not a.tests:
            continue
        for r in a.rules:
            if r in static["unknown"] or r in static["unreachable"] or r in static["inert"]:
                continue
            if rules is not None and r not in rules:
                continue
            out.setdefault(r, {})[a.id] = list(a.tests)
    return out


# --- running -----------------------------------------------------------------------------------------


def run(jurisdiction_id: str, plugin_paths: Sequence[str | Path] = (), root: str | Path | None = None, *,
        rules: Sequence[str] | None = None, timeout: float = 1800) -> dict[str, Any]:
    """Run the knock-out check for one jurisdiction (see the module docstring for the result)."""
    from ducha_core.conformance import Subject
    from ducha_core.policy import build_policy
    from ducha_core.traceability import static_findings

    started = time.perf_counter()
    subject = Subject(jurisdiction_id, plugin_paths, root)
    policy = subject.policy
    static = static_findings(policy)
    wanted = plan(policy, static, rules)
    roots = subject.search_roots()
    nodes = sorted({t for arts in wanted.values() for tests in arts.values() for t in tests})
    found, missing = resolve_tests(nodes, roots)
    # one run per process for the same plugin, tests and files (the plugin's own suite and the
    # conformance suite both ask for it in one `pytest`); any file changed since: run again
    module = getattr(subject.plugins.plugin_object(jurisdiction_id), "__file__", None) \
        if jurisdiction_id in subject.plugins.jurisdictions else None
    watched = {f for f, _ in found.values()}
    if module:
        watched |= {str(p) for p in Path(module).resolve().parent.rglob("*") if p.suffix in (".py", ".toml")}
    key = (jurisdiction_id, tuple(map(str, plugin_paths)), str(root), tuple(rules or ()), os.environ.get(KNOCKOUT_ENV),
           tuple(sorted((f, *_stamp(f)) for f in watched)))
    if key in _RESULTS:
        return _RESULTS[key]
    result: dict[str, Any] = {"jurisdiction": jurisdiction_id, "rules": {}, "missing": dict(missing), "failing": {},
                              "knockouts": 0, "test_runs": 0}
    # compile each knock-out here first: one that does not compile is reported, not run
    runnable: dict[str, dict[str, list[str]]] = {}
    saved = os.environ.get(KNOCKOUT_ENV)
    try:
        for rule, articles in wanted.items():
            os.environ[KNOCKOUT_ENV] = f"{jurisdiction_id}:{rule}"
            try:
                build_policy(subject.plugins, jurisdiction_id)
            except Exception as exc:  # a PolicyError, or a crash: either way no test can prove anything
                message = str(exc).split("政策无法编译：", 1)[-1] if isinstance(exc, PolicyError) else \
                    f"{type(exc).__name__}: {exc}"
                result["rules"][rule] = {"form": "", "error": message, "noticed": []}
                continue
            result["rules"][rule] = {"form": FORMS.get((jurisdiction_id, rule), ""), "error": None, "noticed": []}
            runnable[rule] = {a: [t for t in tests if t in found] for a, tests in articles.items()}
    finally:
        if saved is None:
            os.environ.pop(KNOCKOUT_ENV, None)
        else:
            os.environ[KNOCKOUT_ENV] = saved
    runnable = {r: arts for r, arts in runnable.items() if any(arts.values())}
    if runnable and importlib.util.find_spec("pytest") is None:
        raise KnockoutError("剔除检验要运行插件所引的测试，须先安装测试依赖：pip install -e '.[test]'（README 的测试安装命令）")
    if runnable:
        used = sorted({t for arts in runnable.values() for tests in arts.values() for t in tests})
        files = sorted({found[t][0] for t in used})
        cwd = _common_root([Path(f) for f in files], roots)
        with tempfile.TemporaryDirectory(prefix="ducha-knockout-") as tmp:
            plan_file, out_file = Path(tmp) / "plan.json", Path(tmp) / "result.json"
            plan_file.write_text(json.dumps({
                "jurisdiction": jurisdiction_id, "out": str(out_file),
                "nodes": {t: list(found[t]) for t in used},
                "knockouts": [{"rule": r, "articles": arts} for r, arts in runnable.items()],
            }, ensure_ascii=False), encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if k != KNOCKOUT_ENV}
            env[RUNNING_ENV] = "1"
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "ducha_core.knockout",
                   "--continue-on-collection-errors", "--rootdir", str(cwd), "--ducha-knockout-plan", str(plan_file),
                   *files]
            try:
                proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise KnockoutError(f"剔除检验超过 {timeout:.0f} 秒未完成；请检查所引测试是否会挂起") from None
            if not out_file.is_file():
                tail = " ".join((proc.stdout + proc.stderr).split())[-400:]
                raise KnockoutError(f"剔除检验的测试会话未能运行（退出码 {proc.returncode}）：{tail}")
            ran = json.loads(out_file.read_text(encoding="utf-8"))
        result["missing"].update(ran["missing"])
        result["failing"].update(ran["failing"])
        result["test_runs"] = ran["test_runs"]
        for rule, outcome in ran["rules"].items():
            result["rules"][rule]["noticed"] = outcome["noticed"]
            if outcome.get("notes"):
                result["rules"][rule]["notes"] = outcome["notes"]
    result["knockouts"] = len(wanted)
    result["seconds"] = round(time.perf_counter() - started, 1)
    _RESULTS[key] = result
    return result


#: results of ``run`` in this process, by what they depend on (see ``run``)
_RESULTS: dict[tuple, dict[str, Any]] = {}


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _common_root(files: list[Path], roots: Sequence[Path]) -> Path:
    """The search root under which the test files lie (where their relative ids start)."""
    for root in roots:
        root = Path(root).resolve()
        if all(root in f.resolve().parents for f in files):
            return root
    return Path(os.path.commonpath([str(f.parent) for f in files]))


# --- the pytest side (in the subprocess) -----------------------------------------------------------------


def pytest_addoption(parser) -> None:
    parser.getgroup("ducha").addoption(
        "--ducha-knockout-plan", default=None, metavar="PLAN",
        help="ducha 剔除检验：按计划文件逐条剔除规则并重跑所引测试（由 ducha articles --check 调用）。")


def pytest_configure(config) -> None:
    if not config.getoption("--ducha-knockout-plan", default=None):
        return
    try:
        from hypothesis import HealthCheck, Phase, settings
    except ImportError:
        return
    # no example database (a knocked-out failure must not be replayed later), no shrinking, no deadline
    settings.register_profile("ducha_knockout", database=None, deadline=None, print_blob=False,
                              phases=(Phase.explicit, Phase.reuse, Phase.generate),
                              suppress_health_check=list(HealthCheck))
    settings.load_profile("ducha_knockout")


def pytest_runtestloop(session):
    plan_file = session.config.getoption("--ducha-knockout-plan", default=None)
    if not plan_file:
        return None
    spec = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    out = _Runner(session, spec).run()
    Path(spec["out"]).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return True


def _names_in_file(item) -> list[str]:
    """The names of ``item`` below its file node: ["test_x[a]"], ["TestC", "test_y"]."""
    import pytest

    chain = item.listchain()
    for i, node in enumerate(chain):
        if isinstance(node, pytest.File):
            return [n.name for n in chain[i + 1:]]
    return [item.name]


def _matches(item, file: str, name: str | None) -> bool:
    """Whether ``item`` is (one of the parametrisations of) the cited test ``file::name``."""
    if str(Path(str(item.path)).resolve()) != file:
        return False
    if not name:
        return True
    names = _names_in_file(item)
    return name in ("::".join(names), "::".join(n.split("[", 1)[0] for n in names))


def _outcome_only(excinfo, style=None) -> str:
    return f"{type(excinfo.value).__name__}: {excinfo.value}"[:300]


class _Runner:
    def __init__(self, session, spec: dict[str, Any]) -> None:
        self.session = session
        self.spec = spec
        self.runs = 0
        self.codes: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        spec = self.spec
        items = list(self.session.items)
        by_node = {node: [it for it in items if _matches(it, file, name)] for node, (file, name) in spec["nodes"].items()}
        missing = {node: "未收集到（测试不存在或所在文件无法导入）" for node, its in by_node.items() if not its}
        baseline: dict[str, str] = {}
        for its in by_node.values():
            for it in its:
                if it.nodeid not in baseline:
                    baseline[it.nodeid] = self.run_one(it)
        self.session._setupstate.teardown_exact(None)
        failing = {node: "、".join(sorted({baseline[it.nodeid] for it in its} - {"passed"}))
                   for node, its in by_node.items() if its and any(baseline[it.nodeid] != "passed" for it in its)}
        rules: dict[str, Any] = {}
        jid = spec["jurisdiction"]
        try:
            for knock in spec["knockouts"]:
                os.environ[KNOCKOUT_ENV] = f"{jid}:{knock['rule']}"
                rules[knock["rule"]] = self.knockout(knock["articles"], by_node, baseline)
        finally:
            os.environ.pop(KNOCKOUT_ENV, None)
        return {"rules": rules, "missing": missing, "failing": failing, "test_runs": self.runs}

    def knockout(self, articles: dict[str, list[str]], by_node, baseline) -> dict[str, Any]:
        undecided = {a for a, tests in articles.items() if tests}
        counts: dict[str, int] = {}
        for tests in articles.values():
            for t in tests:
                counts[t] = counts.get(t, 0) + 1
        order = sorted(counts, key=lambda t: -counts[t])
        usable = {t: [it for it in by_node.get(t, ()) if baseline.get(it.nodeid) == "passed"] for t in order}
        notes: dict[str, str] = {}
        broken = self.reload({it.module for its in usable.values() for it in its if getattr(it, "module", None)})
        noticed: list[str] = []
        for test in order:
            citing = {a for a in undecided if test in articles[a]}
            if not citing:
                continue
            hit = False
            for it in usable[test]:
                module = getattr(it, "module", None)
                if module is not None and module.__name__ in broken:
                    notes[test] = broken[module.__name__]
                    continue
                before = len(COMPILE_FAILURES)
                outcome = self.run_one(it)
                if len(COMPILE_FAILURES) > before:
                    notes[test] = COMPILE_FAILURES[-1]
                    continue  # failed because the knock-out did not compile under its settings: no proof
                if outcome == "failed":
                    hit = True
                    break
            if hit:
                noticed.append(test)
                undecided -= citing
            if not undecided:
                break
        self.session._setupstate.teardown_exact(None)
        return {"noticed": noticed, "notes": notes}

    def reload(self, modules) -> dict[str, str]:
        """Re-execute the test modules under the current knock-out, in their own namespace (so the
        collected test functions and fixtures see the module-level policies compiled anew); the ones
        that cannot be, with why. The module code is compiled once, without pytest's assertion
        rewriting (the collected tests keep theirs; it changes messages, not outcomes)."""
        from ducha_core.policy import _cached

        _cached.cache_clear()
        broken = {}
        for module in sorted(modules, key=lambda m: m.__name__):
            try:
                code = self.codes.get(module.__name__)
                if code is None:
                    file = Path(module.__file__)
                    code = self.codes[module.__name__] = compile(file.read_bytes(), str(file), "exec")
                exec(code, module.__dict__)
            except Exception as exc:
                broken[module.__name__] = f"测试模块在剔除后无法导入：{type(exc).__name__}: {exc}"
        return broken

    def run_one(self, item) -> str:
        from _pytest.runner import runtestprotocol

        self.runs += 1
        if hasattr(item, "scenario") and hasattr(item, "policy") and item.scenario is not None:
            try:  # a scenario item holds the policy it was collected with
                from ducha_core.scenario import policies_for

                item.policy = next((p for p in policies_for(item.scenario) if p.id == item.name), item.policy)
            except Exception:
                return "error"
        # only the outcome is wanted: a failure is not formatted (pytest's long repr costs ~0.15 s each)
        item.repr_failure = item._repr_failure_py = _outcome_only
        self.session._setupstate.teardown_exact(item)
        reports = runtestprotocol(item, log=False, nextitem=item.parent)
        if any(r.failed for r in reports):
            return "failed"
        if any(r.skipped for r in reports):
            return "skipped"
        return "passed"
