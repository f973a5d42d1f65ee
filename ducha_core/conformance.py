"""The conformance suite a jurisdiction plugin runs against itself (合规性测试).

Checks, for one installed (or file-loaded) jurisdiction:

- ``hook_contracts``: every hook the plugin implements returns the documented type;
- ``rules_cited``: every rule (kind, role, transition, time limit, extension, escalation step,
  grade rule, deduction, cycle, approval) carries a citation with an article;
- ``states_reachable``: every procedure state is reachable from the initial state and can reach a
  terminal state;
- ``templates_render``: every template in the plugin's template dirs renders with a sample context;
- ``traceability_complete``: every article is either operational with rules that exist and tests
  that exist, or not operational with a reason;
- ``rules_reachable``: every rule can be used from the CLI — every field a step requires, chooses
  from a list, dates or is approved in, and every field a trigger matches, has a Chinese name
  (so ``--field`` is accepted); a list a field chooses from is a non-empty setting; a trigger's
  action and a rung's proposed action are steps of the procedure; a value a trigger matches is one
  the field may take; someone in the demo deployment holds the roles each step and approval needs
  (``traceability.reach_problems``);
- ``settings_read``: every setting is read — by a rule that names it or by the core by name
  (``traceability.settings_read``); a setting nothing reads promises what nothing does;
- ``traceability_honest``: every operational article is enforced and tested — its rules exist, are
  read and reachable, and removing or neutralising each of them makes one of the article's own tests
  fail (the knock-out check, ``ducha_core.knockout``; a subprocess, seconds per plugin). Placeholders
  the scaffold left (TODO) and an empty table fail ``rules_cited`` and ``traceability_complete`` and
  stop this check before it runs.

Use it in three ways:

1. as a pytest plugin: ``pytest -p ducha_core.conformance --ducha-jurisdiction ID [--ducha-plugin PATH]``;
2. from a plugin's own test file: ``globals().update(conformance_tests("my_id"))``;
3. as a library: ``failures = run_checks("my_id")`` -> {check name: [problems]}.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from ducha_core.model import Citation, Jurisdiction
from ducha_core.periods import CountingConvention
from ducha_core.rules import (
    ApprovalRule,
    Article,
    EscalationStep,
    ExtensionRule,
    GradingScheme,
    MatterKind,
    Procedure,
    ReportingCycle,
    Role,
    Setting,
    TimeLimit,
)

#: hook -> (is a sequence, item type or types, may be None)
CONTRACTS: dict[str, tuple[bool, tuple[type, ...], bool]] = {
    "ducha_jurisdiction": (False, (Jurisdiction,), False),
    "ducha_matter_kinds": (True, (MatterKind,), False),
    "ducha_roles": (True, (Role,), False),
    "ducha_procedure": (False, (Procedure,), True),
    "ducha_time_limits": (True, (TimeLimit,), False),
    "ducha_extension_rules": (True, (ExtensionRule,), False),
    "ducha_escalation_ladder": (True, (EscalationStep,), False),
    "ducha_grading_scheme": (False, (GradingScheme,), True),
    "ducha_reporting_cycles": (True, (ReportingCycle,), False),
    "ducha_approvals": (True, (ApprovalRule,), False),
    "ducha_counting_convention": (False, (CountingConvention,), True),
    "ducha_settings": (True, (Setting,), False),
    "ducha_field_names": (False, (Mapping,), True),
    "ducha_template_dirs": (True, (Path, str), False),
    "ducha_articles": (True, (Article,), False),
}

CHECKS = ("hook_contracts", "rules_cited", "states_reachable", "templates_render", "traceability_complete",
          "rules_reachable", "settings_read", "traceability_honest")


class Subject:
    """The jurisdiction under test: its plugin object, compiled policy and where its files are."""

    def __init__(self, jurisdiction_id: str, plugin_paths: Sequence[str | Path] = (), root: str | Path | None = None):
        from ducha_core.policy import build_policy
        from ducha_core.registry import plugins_with

        self.id = jurisdiction_id
        self.plugin_paths = tuple(plugin_paths)
        self.plugins = plugins_with(plugin_paths)
        self.plugin = self.plugins.plugin_object(jurisdiction_id)
        self._build = lambda: build_policy(self.plugins, jurisdiction_id)
        self._policy = None
        self.root = Path(root) if root else None

    @property
    def policy(self):
        if self._policy is None:
            self._policy = self._build()
        return self._policy

    def own_hooks(self) -> dict[str, Callable]:
        return {name: getattr(self.plugin, name) for name in CONTRACTS if callable(getattr(self.plugin, name, None))}

    def search_roots(self) -> list[Path]:
        roots = [Path.cwd()]
        if self.root:
            roots.insert(0, self.root)
        # an extending plugin inherits its base's articles, whose tests live beside the base
        for jid in reversed(self.policy.lineage):
            if jid not in self.plugins.jurisdictions:
                continue
            module_file = getattr(self.plugins.plugin_object(jid), "__file__", None)
            if module_file:
                here = Path(module_file).resolve().parent
                roots += [here, *list(here.parents)[:3]]
        return roots


def check_hook_contracts(subject: Subject) -> list[str]:
    problems = []
    hooks = subject.own_hooks()
    if "ducha_jurisdiction" not in hooks:
        problems.append("the plugin does not implement ducha_jurisdiction")
    for name, func in hooks.items():
        many, types, nullable = CONTRACTS[name]
        try:
            value = func()
        except Exception as exc:
            problems.append(f"{name}() raised {type(exc).__name__}: {exc}")
            continue
        if value is None:
            if not (nullable or many):
                problems.append(f"{name}() returned None; it must return {types[0].__name__}")
            continue
        if many:
            if isinstance(value, str | bytes) or not isinstance(value, Sequence | tuple | list):
                problems.append(f"{name}() must return a list of {types[0].__name__}, not {type(value).__name__}")
                continue
            for n, item in enumerate(value):
                if not isinstance(item, types):
                    problems.append(f"{name}()[{n}] is {type(item).__name__}, not {types[0].__name__}")
        elif not isinstance(value, types):
            problems.append(f"{name}() returned {type(value).__name__}, not {types[0].__name__}")
    if not problems and "ducha_jurisdiction" in hooks and hooks["ducha_jurisdiction"]().id != subject.id:
        problems.append("ducha_jurisdiction().id differs from the id the plugin is registered under")
    return problems


def _cited(what: str, citation: Citation | None, problems: list[str], allowed: set[str]) -> None:
    if citation is None or not isinstance(citation, Citation):
        problems.append(f"{what} has no citation")
    elif not citation.article.strip():
        problems.append(f"{what} cites no article")
    elif citation.jurisdiction not in allowed:
        problems.append(f"{what} cites jurisdiction '{citation.jurisdiction}', not one of {', '.join(sorted(allowed))}")


def check_rules_cited(subject: Subject) -> list[str]:
    p = subject.policy
    allowed = {*p.lineage, p.id, "民法典"}
    problems: list[str] = []
    for k in p.kinds.values():
        _cited(f"matter kind {k.id}", k.citation, problems, allowed)
    for r in p.roles.values():
        _cited(f"role {r.id}", r.citation, problems, allowed)
    _cited("the procedure", p.procedure.citation, problems, allowed)
    for t in p.procedure.transitions:
        _cited(f"transition {t.action} from {','.join(t.sources)}", t.citation, problems, allowed)
    for group, items in (("time limit", p.time_limits), ("extension rule", p.extension_rules),
                         ("escalation step", p.escalation), ("reporting cycle", p.cycles), ("approval", p.approvals)):
        for item in items:
            _cited(f"{group} {item.id}", item.citation, problems, allowed)
    if p.grading is not None:
        for r in p.grading.rules:
            _cited(f"grade rule {r.id}", r.citation, problems, allowed)
        for d in p.grading.deductions:
            _cited(f"deduction {d.id}", d.citation, problems, allowed)
    for s in p.setting_defs.values():
        if not s.doc.strip():
            problems.append(f"setting {s.key} is not documented (doc is empty)")
    from ducha_core.traceability import placeholders

    problems += [m for m in placeholders(p) if not m.startswith("条款对照表为空")]
    return problems


def procedure_graph(policy) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {s: set() for s in policy.states}
    for t in policy.procedure.transitions:
        if t.target is None:
            continue
        sources = [s for s, st in policy.states.items() if not st.terminal] if "*" in t.sources else t.sources
        for source in sources:
            graph[source].add(t.target)
    return graph


def check_states_reachable(subject: Subject) -> list[str]:
    p = subject.policy
    graph = procedure_graph(p)
    problems = []
    terminals = {s for s, st in p.states.items() if st.terminal}
    if not terminals:
        problems.append("the procedure has no terminal state (State(..., terminal=True))")
    reached = {p.procedure.initial}
    frontier = [p.procedure.initial]
    while frontier:
        for nxt in graph[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for s in p.states:
        if s not in reached:
            problems.append(f"state '{s}' ({p.states[s].name}) cannot be reached from '{p.procedure.initial}'")
    ending = set(terminals)
    changed = True
    while changed:
        changed = False
        for s, targets in graph.items():
            if s not in ending and targets & ending:
                ending.add(s)
                changed = True
    for s in p.states:
        if s not in ending:
            problems.append(f"state '{s}' ({p.states[s].name}) cannot reach a terminal state")
    return problems


def _sample_snapshot(policy, plugins=None):
    """A documents-layer snapshot of a planned sample year (the demo's planner: units, people and a
    year of steps the procedure allows), and the subject of each document kind: a matter on which
    the kind's step was recorded, or a period."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.documents.demo import pick_subjects, plan_settings, plan_year
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.policy import build_policy

    cal = WorkingCalendar.default()
    year, today = 2025, date(2025, 12, 31)
    probe = plan_settings(policy, year)
    if probe and plugins is not None:  # a document with no issued date: plan as a deployment that states one
        policy = build_policy(plugins, policy.id, probe)
    demo = plan_year(policy, cal, year=year, as_of=today, matters=30)
    snap = Snapshot.from_events(policy, cal, demo.events, today, demo.units, demo.people)
    return snap, pick_subjects(snap)


def check_templates_render(subject: Subject) -> list[str]:
    """Each document template the plugin overrides renders through the core's renderer with a
    sample matter (or period); other templates (partials, macros) must at least compile."""
    import importlib

    import jinja2

    docs = importlib.import_module("ducha_core.documents.render")

    p = subject.policy
    own = [Path(d) for d in p.template_dirs]
    problems = []
    for d in own:
        if not d.is_dir():
            problems.append(f"template dir {d} does not exist")
    env = docs.environment(p)
    by_template = {k.template: k for k in docs.DOC_KINDS.values()}
    snapshot = subjects = None
    for d in own:
        if not d.is_dir():
            continue
        for file in sorted(d.rglob("*.j2")):
            name = file.relative_to(d).as_posix()
            try:
                env.get_template(name)
            except jinja2.TemplateError as exc:
                problems.append(f"template {name} does not compile: {type(exc).__name__}: {exc}")
                continue
            kind = by_template.get(name)
            if kind is None:
                continue
            if kind.id not in docs.available_kinds(p):  # a document kind exists only where its step does
                problems.append(f"template {name} is for {kind.name}, but the procedure has no '{kind.step}' step")
                continue
            if snapshot is None:
                try:
                    snapshot, subjects = _sample_snapshot(p, subject.plugins)
                except Exception as exc:
                    problems.append(f"cannot build a sample year to render templates: {exc}")
                    return problems
            subject_id = subjects.get(kind.id)
            if subject_id is None:
                problems.append(f"template {name}: no sample matter on which the '{kind.step}' step was recorded "
                                "(the demo planner could not take it)")
                continue
            try:
                text = docs.render_markdown(snapshot, kind.id, subject_id)
            except Exception as exc:
                problems.append(f"template {name} does not render: {type(exc).__name__}: {exc}")
                continue
            if not text.strip():
                problems.append(f"template {name} renders empty")
    return problems


_NODE = re.compile(r"^(?P<file>[^:]+\.(py|toml))(::(?P<name>[^\[]+))?")


def _test_exists(node: str, roots: list[Path]) -> bool:
    m = _NODE.match(node)
    if not m:
        return False
    for root in roots:
        path = root / m.group("file")
        if path.is_file():
            name = m.group("name")
            if not name or path.suffix == ".toml":
                return True
            last = name.split("::")[-1]
            text = path.read_text(encoding="utf-8", errors="replace")
            if re.search(rf"^\s*(async\s+)?def {re.escape(last)}\s*\(", text, re.M) or re.search(
                    rf"^\s*class {re.escape(last)}\b", text, re.M):
                return True
    return False


def check_traceability_complete(subject: Subject) -> list[str]:
    from ducha_core.traceability import rule_ids

    p = subject.policy
    known = rule_ids(p)
    roots = subject.search_roots()
    problems = []
    seen: set[str] = set()
    for a in p.articles:
        if a.id in seen:
            problems.append(f"article {a.id} appears twice")
        seen.add(a.id)
        if a.operational:
            if not a.rules:
                problems.append(f"article {a.id} is operational but names no rule")
            if not a.tests:
                problems.append(f"article {a.id} is operational but names no test")
            for r in a.rules:
                if r not in known:
                    problems.append(f"article {a.id} names unknown rule '{r}'")
            for t in a.tests:
                if not _test_exists(t, roots):
                    problems.append(f"article {a.id} names test '{t}', which does not exist")
        elif not a.reason.strip():
            problems.append(f"article {a.id} is not operational but gives no reason")
    from ducha_core.traceability import missing_articles

    if not p.articles:
        problems.append("条款对照表为空：请在 articles.toml 中为文件的每条每款写一个 [[article]]"
                        "（可操作的列出规则 id 和测试，不可操作的写明理由）")
    for article, who in missing_articles(p):
        problems.append(f"条款 {article} 被 {who} 引用，但条款对照表中没有这一行：请补上（或改正引用）")
    return problems


def check_rules_reachable(subject: Subject) -> list[str]:
    from ducha_core.traceability import reach_problems

    return [message for _rule, message in reach_problems(subject.policy)]


def check_settings_read(subject: Subject) -> list[str]:
    from ducha_core.traceability import settings_read

    readers = settings_read(subject.policy)
    return [f"设置 {key} 没有任何规则引用，核心也不按名读取：改变它什么也不改变；请让规则读取它"
            "（如 TimeLimit.setting、Transition.choices），或删去它" for key in subject.policy.setting_defs
            if key not in readers]


def check_traceability_honest(subject: Subject) -> list[str]:
    """Every operational article enforced and tested (runs the knock-out check in a subprocess)."""
    import os

    from ducha_core.knockout import RUNNING_ENV, run
    from ducha_core.traceability import not_enforced, report, static_findings

    if os.environ.get(RUNNING_ENV):
        return []  # inside a knock-out session: no knock-out within a knock-out (never counts as noticing)
    p = subject.policy
    static = static_findings(p)
    if static["errors"]:
        return ["剔除检验未运行：先改正条款对照表与出处的错误 —— " + "；".join(static["errors"])]
    if not any(a.operational for a in p.articles):
        return ["条款对照表中没有可操作条款：没有任何规则被证明已执行且有测试"]
    rep = report(p, run(subject.id, subject.plugin_paths, subject.root))
    problems = [f"条款 {b['article']}：{b['rule'] or '—'} {b['status']}：{b['reason']}" for b in not_enforced(rep)]
    if problems:
        problems.insert(0, f"覆盖率 {rep['coverage']:.0%}（已执行且有测试 {rep['enforced_and_tested']}/{rep['operational']} 条；"
                           f"ducha articles {subject.id} --check 列出详情）")
    return problems


CHECK_FUNCTIONS: dict[str, Callable[[Subject], list[str]]] = {
    "hook_contracts": check_hook_contracts,
    "rules_cited": check_rules_cited,
    "states_reachable": check_states_reachable,
    "templates_render": check_templates_render,
    "traceability_complete": check_traceability_complete,
    "rules_reachable": check_rules_reachable,
    "settings_read": check_settings_read,
    "traceability_honest": check_traceability_honest,
}


def _guarded(func: Callable[[Subject], list[str]]) -> Callable[[Subject], list[str]]:
    """A check that reports a policy which does not compile instead of crashing."""

    def check(subject: Subject) -> list[str]:
        if func is check_hook_contracts:
            return func(subject)
        try:
            subject.policy  # noqa: B018
        except Exception as exc:
            return [f"the policy does not compile: {type(exc).__name__}: {exc}"]
        return func(subject)

    check.__name__ = func.__name__
    check.__doc__ = func.__doc__
    return check


CHECK_FUNCTIONS = {name: _guarded(func) for name, func in CHECK_FUNCTIONS.items()}


def run_checks(jurisdiction_id: str, plugin_paths: Sequence[str | Path] = (), root: str | Path | None = None
               ) -> dict[str, list[str]]:
    """Problems per check (an empty list: the check passes)."""
    subject = Subject(jurisdiction_id, plugin_paths, root)
    return {name: func(subject) for name, func in CHECK_FUNCTIONS.items()}


def judge(jurisdiction_id: str, check: str, problems: list[str]) -> None:
    """Pass, or fail with an AssertionError listing what to mend."""
    if problems:
        raise AssertionError(f"{jurisdiction_id} 合规性检查 {check} 未通过，待完成：\n  " + "\n  ".join(problems))


def conformance_tests(jurisdiction_id: str, plugin_paths: Sequence[str | Path] = (), root: str | Path | None = None
                      ) -> dict[str, Callable[[], None]]:
    """Test functions for a plugin's own test module: ``globals().update(conformance_tests("x"))``."""
    cache: dict[str, Subject] = {}

    def subject() -> Subject:
        if "s" not in cache:
            cache["s"] = Subject(jurisdiction_id, plugin_paths, root)
        return cache["s"]

    tests = {}
    for name, func in CHECK_FUNCTIONS.items():
        def test(func=func, name=name) -> None:
            judge(jurisdiction_id, name, func(subject()))

        test.__name__ = f"test_conformance_{name}"
        tests[test.__name__] = test
    return tests


# -------------------------------------------------------------------------------------------------
# pytest plugin: pytest -p ducha_core.conformance --ducha-jurisdiction ID
# -------------------------------------------------------------------------------------------------


def pytest_addoption(parser) -> None:
    group = parser.getgroup("ducha", "ducha conformance suite")
    group.addoption("--ducha-jurisdiction", action="append", default=[], metavar="ID",
                    help="Run the ducha conformance suite against this jurisdiction (repeatable).")
    group.addoption("--ducha-plugin", action="append", default=[], metavar="PATH",
                    help="Load a jurisdiction plugin from a file or package directory first.")


def pytest_collection_modifyitems(session, config, items) -> None:
    import pytest

    ids = config.getoption("--ducha-jurisdiction") or []
    if not ids:
        return
    paths = config.getoption("--ducha-plugin") or []

    class ConformanceItem(pytest.Item):
        def __init__(self, *, jid: str, check: str, **kwargs):
            super().__init__(**kwargs)
            self.jid, self.check = jid, check

        def runtest(self) -> None:
            judge(self.jid, self.check, CHECK_FUNCTIONS[self.check](_subject(self.jid, tuple(paths), str(config.rootpath))))

        def repr_failure(self, excinfo, style=None):
            return str(excinfo.value)

        def reportinfo(self):
            return Path(__file__), 0, f"ducha conformance {self.jid}::{self.check}"

    for jid in ids:
        for check in CHECK_FUNCTIONS:
            items.append(ConformanceItem.from_parent(session, name=f"conformance[{jid}]::{check}", jid=jid, check=check))


_SUBJECTS: dict[tuple, Subject] = {}


def _subject(jid: str, paths: tuple, root: str) -> Subject:
    key = (jid, paths, root)
    if key not in _SUBJECTS:
        _SUBJECTS[key] = Subject(jid, paths, root)
    return _SUBJECTS[key]

