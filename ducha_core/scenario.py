"""Scenarios (情景): a timeline of facts about matters, run through one or more jurisdictions.

A scenario file is TOML (docs/scenarios.md says why and gives the format). It says what happened
— a matter received on a date, its kind and units, progress reports, reminders, reports submitted
or returned, extensions, criticisms — with actors named by role ("office", "unit:u1", "leader").
A scenario written with core kinds and core actions is *jurisdiction-neutral*: each jurisdiction
maps the kind onto its own category and each actor onto its own role of the same scope, so the
same facts can be run through every installed jurisdiction and compared.

``load_scenario(path)`` validates the file (errors name the line and key); ``run(scenario, policy,
as_of)`` folds the facts through the policy and returns a ``Snapshot``; ``check(scenario, policies)``
evaluates the ``[[expect]]`` blocks and returns ``Outcome``s with expected vs actual and citations.
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from ducha_core.errors import ActionRefused, DuchaError, InputError
from ducha_core.events import ACTIONS, Event
from ducha_core.model import Person
from ducha_core.suggest import did_you_mean

#: actor names that stand for "any role of this scope" in the jurisdiction running the scenario
SCOPES = ("office", "unit", "leader", "inspector", "other")

#: short names for facts that are a core action with data
ALIASES: dict[str, tuple[str, dict[str, Any]]] = {
    "criticism": ("bulletin", {"type": "criticism"}),
    "praise": ("bulletin", {"type": "praise"}),
}

#: steps the runner may insert (in ``formalities = "auto"``) when a jurisdiction's procedure needs a
#: step the neutral scenario does not state (e.g. Dazhan's 拟办送审 approval before 立项下达)
BRIDGE_ACTIONS = ("approve", "accept", "report_up")

PLACEHOLDER = "（情景自动补齐）"

#: facts the runner never makes up: a missing one is refused (the scenario must state it)
NEVER_FILLED = frozenset({"deadline", "until", "meeting", "received"})

_LIGHTS = ("green", "yellow", "red", "done", "none", "withdrawn")


class ScenarioError(InputError):
    """A scenario file that cannot be read: names the file, line and key."""


# -------------------------------------------------------------------------------------------------
# Locating keys in the TOML text (tomllib keeps no positions)
# -------------------------------------------------------------------------------------------------


class Locator:
    """Line numbers of keys in a TOML text, by path: ("event", 2, "on") is the ``on`` key of the
    third ``[[event]]`` table."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=""")

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        counters: dict[tuple, int] = {}
        current: tuple = ()
        depth = 0  # bracket depth of multi-line arrays/inline tables
        for number, line in enumerate(text.splitlines(), start=1):
            if depth == 0:
                header = self._HEADER.match(line)
                if header:
                    names = tuple(self._unquote(n) for n in header.group(2).split("."))
                    path: list = []
                    for i, name in enumerate(names):
                        path.append(name)
                        key = tuple(names[: i + 1])
                        if i == len(names) - 1 and header.group(1) == "[[":
                            counters[key] = counters.get(key, -1) + 1
                            path.append(counters[key])
                        elif key in counters:
                            path.append(counters[key])
                    current = tuple(path)
                    self.lines.setdefault(current, number)
                    continue
                key = self._KEY.match(line)
                if key:
                    dotted = tuple(self._unquote(k) for k in key.group(1).split("."))
                    self.lines.setdefault((*current, *dotted), number)
            stripped = re.sub(r'"[^"]*"|\'[^\']*\'', "", line.split("#", 1)[0])
            depth = max(0, depth + stripped.count("[") + stripped.count("{") - stripped.count("]") - stripped.count("}"))

    @staticmethod
    def _unquote(name: str) -> str:
        name = name.strip()
        return name[1:-1] if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'" else name

    def line(self, path: Sequence) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _dotted(path: Sequence) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


# -------------------------------------------------------------------------------------------------
# The scenario as data
# -------------------------------------------------------------------------------------------------


@attrs.frozen
class Step:
    """One fact of the timeline, as written (before any jurisdiction's mapping)."""

    on: date
    matter: str
    action: str
    actor: str | None
    data: dict[str, Any]
    line: int | None = None
    expect_refused: bool | str = False
    label: str = ""


@attrs.frozen
class Expectation:
    """One ``[[expect]]`` block: checks as of a day, optionally for one jurisdiction and matter."""

    as_of: date
    checks: dict[str, Any]
    jurisdictions: tuple[str, ...] = ()
    matter: str | None = None
    unit: str | None = None
    line: int | None = None


@attrs.frozen
class Scenario:
    path: str
    name: str
    description: str
    steps: tuple[Step, ...]
    matters: dict[str, dict[str, Any]]
    expectations: tuple[Expectation, ...]
    as_of: date
    jurisdictions: tuple[str, ...] = ()
    formalities: str = "auto"
    settings: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    actors: dict[str, dict[str, Any]] = attrs.field(factory=dict)


_MATTER_KEYS = {"id", "kind", "title", "received", "registered", "assigned", "units", "co_units", "deadline",
                "meeting", "data", "actor"}
_EVENT_KEYS = {"on", "matter", "action", "actor", "data", "units", "expect_refused", "note"}
_EXPECT_KEYS = {"as_of", "jurisdiction", "matter", "unit", "due", "deadlines", "state", "light", "reminders",
                "reminder_due", "overdue", "escalations", "grades", "grade", "deductions", "refusals", "note"}
_SCENARIO_KEYS = {"name", "description", "jurisdictions", "as_of", "formalities"}
_TOP = {"scenario", "settings", "actors", "matter", "event", "expect"}


class _Validator:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.loc = Locator(text)

    def fail(self, where: Sequence, msg: str) -> ScenarioError:
        line = self.loc.line(where)
        at = f"{self.path}:{line}" if line else str(self.path)
        return ScenarioError(f"{at}: {_dotted(where)}: {msg}")

    def date(self, value: Any, where: Sequence) -> date:
        if isinstance(value, datetime):  # a TOML date-time (2025-10-09T10:00:00) is a date too
            raise self.fail(where, f"'{value.isoformat()}' 是日期时间；请只写日期 YYYY-MM-DD，如 2025-10-09")
        if isinstance(value, date):
            return value
        try:  # as the command line: YYYY-MM-DD only (not 20251009, nor the number 20251009)
            if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
                return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise self.fail(where, f"{value!r} 不是日期；请写作 YYYY-MM-DD，如 2025-10-09")

    def str(self, value: Any, where: Sequence) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, f"应为非空文本（加引号），实际为 {value!r}")
        return value

    def strs(self, value: Any, where: Sequence) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, f'应为文本列表，如 ["u1", "u2"]，实际为 {value!r}')
        return tuple(value)

    def keys(self, table: dict, allowed: set[str], where: Sequence) -> None:
        if not isinstance(table, dict):
            raise self.fail(where, f"应写成表（如 [[{_dotted(where[:1])}]] 或 {{ key = value }}），实际为 {table!r}")
        for key in table:
            if key not in allowed:
                raise self.fail((*where, key), f"未知的键 '{key}'；可用：{', '.join(sorted(allowed))}"
                                + did_you_mean(key, allowed))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; ``ScenarioError`` names the line and key of a mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"无法读取情景文件 {path}（{exc.strerror}）；请检查路径和读取权限") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: 不是 UTF-8 文本；请以 UTF-8 编码保存情景文件") from None
    return parse_scenario(text, path)


def parse_scenario(text: str, path: str | Path = "<scenario>") -> Scenario:
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from ducha_core.tomlerrors import describe as describe_toml_error
        raise ScenarioError(f"{path}: 不是有效的 TOML（{describe_toml_error(exc)}）；请按提示的行列改正语法") from None
    except RecursionError:
        raise ScenarioError(f"{path}: 不是有效的 TOML（数组或表嵌套过深）；请检查括号是否成对") from None
    v = _Validator(path, text)
    v.keys(data, _TOP, ())
    head = data.get("scenario", {})
    if not isinstance(head, dict):
        raise v.fail(("scenario",), "应写成 [scenario] 表")
    v.keys(head, _SCENARIO_KEYS, ("scenario",))
    formalities = head.get("formalities", "auto")
    if formalities not in ("auto", "strict"):
        raise v.fail(("scenario", "formalities"),
                     f"'{formalities}' 无效；应为 \"auto\"（自动补齐必备要素和衔接步骤）或 \"strict\"")
    jurisdictions = v.strs(head["jurisdictions"], ("scenario", "jurisdictions")) if "jurisdictions" in head else ()

    matters: dict[str, dict[str, Any]] = {}
    steps: list[Step] = []
    raw_matters = data.get("matter", [])
    if not isinstance(raw_matters, list) or not raw_matters:
        raise v.fail(("matter",), "情景至少需要一个 [[matter]] 表（含 id、kind、received）")
    for n, m in enumerate(raw_matters):
        where = ("matter", n)
        v.keys(m, _MATTER_KEYS, where)
        for key in ("id", "kind", "received"):
            if key not in m:
                raise v.fail(where, f"缺少键 '{key}'；请补上 {key} = …")
        mid = v.str(m["id"], (*where, "id"))
        if mid in matters:
            raise v.fail((*where, "id"), f"事项 '{mid}' 重复声明；请给其中一个改用别的 id")
        received = v.date(m["received"], (*where, "received"))
        registered = v.date(m.get("registered", received), (*where, "registered"))
        if registered < received:
            raise v.fail((*where, "registered"), f"立项日期 {registered} 早于收文日期 {received}；立项不得早于收文")
        kind = v.str(m["kind"], (*where, "kind"))
        extra = m.get("data", {})
        if not isinstance(extra, dict):
            raise v.fail((*where, "data"), f"应写成表 {{ key = value }}，实际为 {extra!r}")
        register_data = {"kind": kind, "title": m.get("title", mid), "received": received.isoformat(), **extra}
        matters[mid] = {"kind": kind, "title": m.get("title", mid), "line": v.loc.line(where)}
        steps.append(Step(registered, mid, "register", m.get("actor"), register_data, v.loc.line((*where, "received")),
                          label=f"{mid} 立项"))
        if "assigned" in m:
            assigned = v.date(m["assigned"], (*where, "assigned"))
            if assigned < registered:
                raise v.fail((*where, "assigned"), f"交办日期 {assigned} 早于立项日期 {registered}；交办不得早于立项")
            if "units" not in m:
                raise v.fail(where, "写了 assigned 就要写牵头单位 units = [\"u1\", …]")
            assign = {"lead_units": list(v.strs(m["units"], (*where, "units")))}
            if "co_units" in m:
                assign["co_units"] = list(v.strs(m["co_units"], (*where, "co_units")))
            if "deadline" in m:
                assign["deadline"] = v.date(m["deadline"], (*where, "deadline")).isoformat()
            if "meeting" in m:
                assign["meeting"] = v.date(m["meeting"], (*where, "meeting")).isoformat()
            steps.append(Step(assigned, mid, "assign", None, assign, v.loc.line((*where, "assigned")),
                              label=f"{mid} 交办"))
        elif "units" in m:
            raise v.fail((*where, "units"), "units 在交办时给出：请补上交办日期 assigned = YYYY-MM-DD")

    raw_events = data.get("event", [])
    if not isinstance(raw_events, list):
        raise v.fail(("event",), "事件应写成 [[event]] 表")
    for n, e in enumerate(raw_events):
        where = ("event", n)
        v.keys(e, _EVENT_KEYS, where)
        for key in ("on", "matter", "action"):
            if key not in e:
                raise v.fail(where, f"缺少键 '{key}'；请补上 {key} = …")
        on = v.date(e["on"], (*where, "on"))
        mid = v.str(e["matter"], (*where, "matter"))
        if mid not in matters:
            raise v.fail((*where, "matter"), f"未知的事项 '{mid}'；已声明的事项：{', '.join(matters)}")
        action = v.str(e["action"], (*where, "action"))
        payload = e.get("data", {})
        if not isinstance(payload, dict):
            raise v.fail((*where, "data"), f"应写成表 {{ key = value }}，实际为 {payload!r}")
        payload = dict(payload)
        if action in ALIASES:
            action, implied = ALIASES[action]
            payload = {**implied, **payload}
        elif action not in ACTIONS:
            known = ", ".join([*ACTIONS, *ALIASES])
            raise v.fail((*where, "action"), f"未知的步骤 '{action}'；可用：{known}")
        if action == "register" or action == "apply":
            raise v.fail((*where, "action"), f"不能写 action = \"{action}\"：事项由其 [[matter]] 表立项（received = …）")
        if "units" in e:
            payload["units"] = list(v.strs(e["units"], (*where, "units")))
        actor = e.get("actor")
        if actor is not None:
            actor = v.str(actor, (*where, "actor"))
        refused = e.get("expect_refused", False)
        if not isinstance(refused, bool | str):
            raise v.fail((*where, "expect_refused"), f"应为 true 或预期拒绝理由中的一段文字，实际为 {refused!r}")
        for key, value in list(payload.items()):
            if isinstance(value, date):
                payload[key] = value.isoformat()
        steps.append(Step(on, mid, action, actor, payload, v.loc.line((*where, "on")), refused,
                          label=f"{mid} {ACTIONS.get(action, action)}"))

    steps.sort(key=lambda s: s.on)  # stable: same-day facts keep the file's order
    last_day = max(s.on for s in steps)
    as_of = v.date(head["as_of"], ("scenario", "as_of")) if "as_of" in head else last_day

    expectations: list[Expectation] = []
    raw_expect = data.get("expect", [])
    if isinstance(raw_expect, dict):
        raw_expect = [raw_expect]
    if not isinstance(raw_expect, list):
        raise v.fail(("expect",), f"预期应写成 [[expect]] 表，实际为 {raw_expect!r}")
    for n, x in enumerate(raw_expect):
        where = ("expect", n) if isinstance(data.get("expect"), list) else ("expect",)
        v.keys(x, _EXPECT_KEYS, where)
        checks = {k: val for k, val in x.items() if k not in ("as_of", "jurisdiction", "matter", "unit", "note")}
        if not checks:
            raise v.fail(where, "没有要检查的内容；请写 due、state、light、escalations、grades 等")
        matter = v.str(x["matter"], (*where, "matter")) if "matter" in x else None
        if matter is not None and matter not in matters:
            raise v.fail((*where, "matter"), f"未知的事项 '{matter}'；已声明的事项：{', '.join(matters)}")
        needs_matter = {"due", "deadlines", "state", "light", "reminders", "reminder_due", "overdue", "grade"}
        if matter is None and needs_matter & set(checks):
            raise v.fail(where, f"检查 {', '.join(sorted(needs_matter & set(checks)))} 须指明事项：matter = \"…\"")
        for key in ("due",):
            if key in checks and checks[key] not in ("", "none"):
                checks[key] = v.date(checks[key], (*where, key))
        if "deadlines" in checks:
            if not isinstance(checks["deadlines"], dict):
                raise v.fail((*where, "deadlines"), "应写成表 { rule_id = YYYY-MM-DD }")
            checks["deadlines"] = {k: v.date(d, (*where, "deadlines", k)) for k, d in checks["deadlines"].items()}
        if "light" in checks and checks["light"] not in _LIGHTS:
            raise v.fail((*where, "light"), f"'{checks['light']}' 无效；应为 {', '.join(_LIGHTS)} 之一")
        for key in ("escalations", "deductions"):
            if key in checks:
                checks[key] = sorted(v.strs(checks[key], (*where, key)))
        if "grades" in checks and not isinstance(checks["grades"], dict):
            raise v.fail((*where, "grades"), "应写成表 { unit = \"较差\" }")
        for key in ("reminders", "refusals"):
            if key in checks and (not isinstance(checks[key], int) or isinstance(checks[key], bool)):
                raise v.fail((*where, key), f"应为整数，实际为 {checks[key]!r}")
        for key in ("reminder_due", "overdue"):
            if key in checks and not isinstance(checks[key], bool):
                raise v.fail((*where, key), f"应为 true 或 false，实际为 {checks[key]!r}")
        expectations.append(Expectation(
            as_of=v.date(x.get("as_of", as_of), (*where, "as_of")),
            checks=checks,
            jurisdictions=v.strs(x["jurisdiction"], (*where, "jurisdiction")) if "jurisdiction" in x else (),
            matter=matter,
            unit=v.str(x["unit"], (*where, "unit")) if "unit" in x else None,
            line=v.loc.line(where),
        ))

    def tables(key: str) -> dict[str, dict[str, Any]]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(t, dict) for t in value.values()):
            raise v.fail((key,), f"应写成 [{key}.<辖区 id>] 表")
        return value

    return Scenario(
        path=str(path),
        name=str(head.get("name", path.stem)),
        description=str(head.get("description", "")),
        steps=tuple(steps),
        matters=matters,
        expectations=tuple(expectations),
        as_of=as_of,
        jurisdictions=jurisdictions,
        formalities=formalities,
        settings=tables("settings"),
        actors=tables("actors"),
    )


# -------------------------------------------------------------------------------------------------
# Running a scenario under one policy
# -------------------------------------------------------------------------------------------------


@attrs.frozen
class Applied:
    """What became of one fact under one jurisdiction."""

    step: Step
    events: tuple[Event, ...]  # the events applied (bridges first), empty when refused
    refused: str | None
    notes: tuple[str, ...] = ()
    citation: str = ""


@attrs.define
class MatterView:
    """One matter as of a day under one jurisdiction."""

    id: str
    kind: str | None
    state: Any  # MatterState | None (None: the jurisdiction has no such kind)
    light: str
    state_name: str
    reminder_due: str | None  # why a reminder is due as of the day, or None
    overdue: bool
    note: str = ""


@attrs.define
class Snapshot:
    """A scenario as of a day under one jurisdiction: matters, findings, what was refused."""

    policy: Any
    as_of: date
    applied: list[Applied]
    matters: dict[str, MatterView]
    findings: list  # escalation.Finding
    cycles: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        def matter_json(m: MatterView) -> dict[str, Any]:
            s = m.state
            return {
                "id": m.id,
                "kind": m.kind,
                "state": s.state if s else None,
                "state_name": m.state_name,
                "light": m.light,
                "due": s.due.to_json() if s and s.due else None,
                "deadlines": [d.to_json() for d in s.deadlines] if s else [],
                "reminders": len(s.reminders) if s else 0,
                "reminder_due": m.reminder_due,
                "overdue": m.overdue,
                "grade": s.grade if s else None,
                "warnings": list(s.warnings) if s else [],
                "note": m.note,
            }

        return {
            "jurisdiction": self.policy.id,
            "name": self.policy.jurisdiction.name,
            "lineage": list(self.policy.lineage),
            "as_of": self.as_of.isoformat(),
            "matters": [matter_json(m) for m in self.matters.values()],
            "findings": [f.to_json() for f in self.findings],
            "refused": [
                {"line": a.step.line, "matter": a.step.matter, "action": a.step.action, "on": a.step.on.isoformat(),
                 "message": a.refused, "expected": bool(a.step.expect_refused)}
                for a in self.applied if a.refused
            ],
            "notes": [{"line": a.step.line, "matter": a.step.matter, "note": n} for a in self.applied for n in a.notes],
            "cycles": self.cycles,
        }


def map_kind(policy, kind: str) -> str | None:
    """The policy's kind for a scenario's kind: the same id, else the first kind mapped onto that core kind."""
    if kind in policy.kinds:
        return kind
    for k in policy.kinds.values():
        if k.core_kind == kind:
            return k.id
    return None


class Runner:
    """Applies a scenario's facts under one policy, mapping kinds, actors and formalities."""

    def __init__(self, scenario: Scenario, policy, calendar=None):
        from ducha_core.calendar import WorkingCalendar
        from ducha_core.matter import MatterEngine

        self.scenario = scenario
        self.policy = policy
        self.calendar = calendar or WorkingCalendar.default()
        self.overrides = {**scenario.actors.get("*", {}), **scenario.actors.get(policy.id, {})}
        for base in policy.lineage[:-1]:
            self.overrides = {**scenario.actors.get(base, {}), **self.overrides}
        self.engine = MatterEngine(policy, self.calendar, self.person)

    # --- actors ----------------------------------------------------------------------------------

    def person(self, actor: str) -> Person:
        name, _, unit = actor.partition(":")
        if name in self.overrides:
            mapped = self.overrides[name]
            roles = (mapped,) if isinstance(mapped, str) else tuple(mapped)
        elif name in SCOPES:
            roles = tuple(r.id for r in self.policy.roles.values() if r.scope == name)
            if name in self.policy.roles and name not in roles:
                roles = (name, *roles)
        else:
            roles = (name,)
        return Person(actor, actor, roles=roles, unit=unit or None)

    def _default_actor(self, transition, state, step: Step) -> str:
        role = transition.roles[0] if transition.roles else "office"
        scope = self.policy.roles[role].scope if role in self.policy.roles else "office"
        if scope == "unit":
            units = step.data.get("units") or (state.lead_units if state else ())
            unit = units[0] if isinstance(units, list | tuple) and units else (units if isinstance(units, str) else "")
            return f"{role}:{unit}" if unit else role
        return role

    # --- facts -----------------------------------------------------------------------------------

    def _fill(self, transition, event: Event, notes: list[str]) -> Event:
        required = list(transition.requires)
        if event.action == "extension_ask":
            rule = self.policy.extension_rule_for(self._kind_of(event))
            if rule is not None:
                required += list(rule.requires)
        missing = [f for f in required if not event.data.get(f) and f not in NEVER_FILLED]
        if not missing:
            return event
        notes.append(f"自动补齐必备要素：{'、'.join(missing)}（{transition.citation.article}）")
        return attrs.evolve(event, data={**event.data, **{f: PLACEHOLDER for f in missing}})

    def _kind_of(self, event: Event) -> str:
        return self._kinds.get(event.matter, "")

    def _bridge(self, state, action: str) -> list:
        """The shortest path of bridge steps from the matter's state to one where ``action`` is allowed."""
        policy = self.policy
        start = state.state
        queue = deque([(start, [])])
        seen = {start}
        while queue:
            current, path = queue.popleft()
            if policy.transition(current, action) is not None and path:
                return path
            if len(path) >= 3:
                continue
            for name in BRIDGE_ACTIONS:
                t = policy.transition(current, name)
                if t is None or t.target is None or t.target in seen:
                    continue
                seen.add(t.target)
                queue.append((t.target, [*path, t]))
        return []

    def apply_all(self, as_of: date) -> tuple[dict[str, Any], list[Applied]]:
        from ducha_core.matter import MatterState  # noqa: F401

        policy = self.policy
        states: dict[str, Any] = {}
        self._kinds: dict[str, str] = {}
        applied: list[Applied] = []
        unsupported: dict[str, str] = {}
        for step in self.scenario.steps:
            if step.on > as_of:
                break
            if step.matter in unsupported:
                applied.append(Applied(step, (), unsupported[step.matter]))
                continue
            data = dict(step.data)
            notes: list[str] = []
            if step.action == "register":
                kind = map_kind(policy, data["kind"])
                if kind is None:
                    msg = (f"{policy.jurisdiction.name}的文件未规定「{data['kind']}」类事项"
                           f"（kinds: {', '.join(policy.kinds)}）")
                    unsupported[step.matter] = msg
                    applied.append(Applied(step, (), msg))
                    continue
                if kind != data["kind"]:
                    notes.append(f"事项类别 {data['kind']} → {kind}「{policy.kinds[kind].name}」")
                data["kind"] = kind
                self._kinds[step.matter] = kind
            state = states.get(step.matter)
            events: list[Event] = []
            auto = self.scenario.formalities == "auto"
            if state is not None and auto and policy.transition(state.state, step.action) is None:
                for bridge in self._bridge(state, step.action):
                    actor = self._default_actor(bridge, state, step)
                    ev = self._fill(bridge, Event(step.matter, bridge.action, step.on, actor, {}), notes)
                    notes.append(f"补充步骤「{bridge.name or policy.action_name(bridge.action)}」（{bridge.citation.article}）")
                    events.append(ev)
            current = state.state if state is not None else policy.procedure.initial
            for ev in events:
                t = policy.transition(current, ev.action)
                current = t.target or current
            transition = policy.transition(current, step.action)
            actor = step.actor
            if actor is None and transition is not None:
                actor = self._default_actor(transition, state, step)
            event = Event(step.matter, step.action, step.on, actor or "office", data)
            if auto and transition is not None:
                event = self._fill(transition, event, notes)
            events.append(event)
            try:
                new = state
                for ev in events:
                    new = self.engine.apply(new, ev)
            except ActionRefused as exc:
                applied.append(Applied(step, (), str(exc), tuple(notes)))
                continue
            states[step.matter] = new
            applied.append(Applied(step, tuple(events), None, tuple(notes),
                                   citation=str(transition.citation) if transition else ""))
        return states, applied

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        from ducha_core.escalation import evaluate
        from ducha_core.matter import clock_running, light

        as_of = as_of or self.scenario.as_of
        policy, cal = self.policy, self.calendar
        states, applied = self.apply_all(as_of)
        views: dict[str, MatterView] = {}
        window = int(policy.settings.get("warning_window", 3))
        for mid in self.scenario.matters:
            state = states.get(mid)
            if state is None:
                reason = next((a.refused for a in applied if a.step.matter == mid and a.refused), "尚未立项")
                views[mid] = MatterView(mid, None, None, "none", "—", None, False, reason or "")
                continue
            lamp = light(policy, cal, state, as_of)
            due = state.due.date if state.due else None
            overdue = bool(due and clock_running(policy, state) and as_of > due)
            reminder = None
            if lamp == "red":
                reminder = f"已逾期（期限 {due}），应督办"
            elif lamp == "yellow":
                reminder = f"临期（期限 {due}，预警窗口{window}个工作日），应催办"
            views[mid] = MatterView(mid, state.kind, state, lamp, policy.states[state.state].name, reminder, overdue)
        findings = evaluate(policy, cal, [s for s in states.values()], as_of)
        return Snapshot(policy, as_of, applied, views, findings, _cycles(policy, cal, as_of))


def _cycles(policy, cal, as_of: date) -> list[dict[str, Any]]:
    """Each reporting cycle's next due date on or after ``as_of``."""
    from datetime import timedelta

    from ducha_core.cycles import occurrences

    upcoming = occurrences(policy, cal, as_of - timedelta(days=400), as_of + timedelta(days=400))
    out = []
    for cycle in policy.cycles:
        nxt = next((o.due for o in upcoming if o.cycle.id == cycle.id and o.due and o.due >= as_of), None)
        out.append({"id": cycle.id, "name": cycle.name, "every": cycle.every, "due": cycle.due.describe(),
                    "next": nxt.isoformat() if nxt else None, "citation": str(cycle.citation)})
    return out


def run(scenario: Scenario, policy, as_of: date | None = None, calendar=None) -> Snapshot:
    """The scenario folded through ``policy`` as of ``as_of`` (default: the scenario's)."""
    return Runner(scenario, policy, calendar).snapshot(as_of)


def policies_for(scenario: Scenario, specs: Iterable[str] = (), plugin_paths: Iterable[str] = ()) -> list:
    """The policies to run a scenario through: the given specs ("all" = every installed
    jurisdiction), else the scenario's own list, else every installed jurisdiction. A variant spec
    in the scenario's list is read relative to the scenario file."""
    from ducha_core.registry import all_ids, is_variant_spec, resolve_policy

    specs = [s for s in specs if s]
    base_dir = Path(scenario.path).parent
    if not specs:
        specs = [str(base_dir / s) if is_variant_spec(s) and not Path(s).is_absolute() and not Path(s).exists() else s
                 for s in scenario.jurisdictions] or ["all"]
    out = []
    for spec in specs:
        ids = all_ids(plugin_paths) if spec == "all" else [spec]
        for jid in ids:
            settings = scenario.settings.get(Path(jid).stem if is_variant_spec(jid) else jid, {})
            out.append(resolve_policy(jid, plugin_paths=plugin_paths, settings=settings))
    if not out:
        raise InputError("未安装任何辖区；请安装辖区插件，或用 --plugin PATH 指定插件文件")
    return out


# -------------------------------------------------------------------------------------------------
# Expectations
# -------------------------------------------------------------------------------------------------


@attrs.frozen
class Outcome:
    """One check of an expectation under one jurisdiction."""

    jurisdiction: str
    as_of: date
    what: str
    expected: Any
    actual: Any
    ok: bool
    citations: tuple[str, ...] = ()
    line: int | None = None

    def describe(self) -> str:
        mark = "通过" if self.ok else "失败"
        cites = f"  依据：{'；'.join(self.citations)}" if self.citations else ""
        return (f"[{mark}] {self.jurisdiction} {self.as_of} {self.what}: 预期 {_fmt(self.expected)}，"
                f"实际 {_fmt(self.actual)}{cites}")


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
    return str(value)


def _worst_grade(policy, grades: Iterable[str]) -> str | None:
    order = policy.grading.grades if policy.grading else ()
    chosen = None
    for g in grades:
        if chosen is None or (g in order and chosen in order and order.index(g) > order.index(chosen)):
            chosen = g
    return chosen


def check_expectation(exp: Expectation, snap: Snapshot) -> list[Outcome]:
    policy = snap.policy
    out: list[Outcome] = []
    jid = policy.id

    def add(what: str, expected: Any, actual: Any, citations: Iterable[str] = (), ok: bool | None = None) -> None:
        out.append(Outcome(jid, exp.as_of, what, expected, actual, expected == actual if ok is None else ok,
                           tuple(c for c in citations if c), exp.line))

    view = snap.matters.get(exp.matter) if exp.matter else None
    state = view.state if view else None
    checks = exp.checks
    prefix = f"{exp.matter} " if exp.matter else ""
    if exp.matter and state is None and any(k in checks for k in ("due", "state", "light", "deadlines")):
        add(f"{prefix}事项", "已立项", view.note if view else "不存在", ok=False)
        return out
    if "due" in checks:
        due = state.due
        expected = None if checks["due"] in ("", "none") else checks["due"]
        add(f"{prefix}期限", expected, due.date if due else None,
            [str(due.citation) if due and due.citation else "", f"规则 {due.rule}" if due else ""])
    if "deadlines" in checks:
        for rule, day in checks["deadlines"].items():
            d = next((d for d in state.deadlines if d.rule == rule), None)
            add(f"{prefix}期限 {rule}", day, d.date if d else "（无此期限）", [str(d.citation) if d and d.citation else ""])
    if "state" in checks:
        st = policy.states[state.state]
        want = checks["state"]
        add(f"{prefix}状态", want, st.id if want in policy.states or want == st.id else st.name,
            [str(policy.procedure.citation)])
    if "light" in checks:
        add(f"{prefix}灯", checks["light"], view.light, [str(state.due.citation) if state.due and state.due.citation else ""])
    if "overdue" in checks:
        add(f"{prefix}逾期", checks["overdue"], view.overdue, [str(state.due.citation) if state.due and state.due.citation else ""])
    if "reminders" in checks:
        add(f"{prefix}催办次数", checks["reminders"], len(state.reminders))
    if "reminder_due" in checks:
        add(f"{prefix}应催办", checks["reminder_due"], view.reminder_due is not None, [view.reminder_due or ""])
    if "grade" in checks:
        add(f"{prefix}评定等次", checks["grade"], state.grade)

    def relevant(f) -> bool:
        return (exp.matter is None or f.matter in (exp.matter, None)) and (exp.unit is None or f.unit == exp.unit)

    if "escalations" in checks:
        found = [f for f in snap.findings if f.category == "escalation" and relevant(f)]
        if exp.matter:
            found = [f for f in found if f.matter == exp.matter or f.matter is None]
        add(f"{prefix}升级处理", checks["escalations"], sorted({f.rule for f in found}),
            sorted({f"{f.rule}: {f.citation}" for f in found}))
    if "deductions" in checks:
        found = [f for f in snap.findings if f.category == "deduction" and relevant(f)]
        add("扣分", checks["deductions"], sorted({f.rule for f in found}), sorted({f"{f.rule}: {f.citation}" for f in found}))
    if "grades" in checks:
        actual: dict[str, Any] = {}
        cites = []
        for unit in checks["grades"]:
            forced = [f for f in snap.findings if f.category == "grade" and f.unit == unit]
            actual[unit] = _worst_grade(policy, [f.name for f in forced]) or "（无强制等次）"
            cites += [f"{f.rule}: {f.citation}" for f in forced]
        add("等次", dict(checks["grades"]), actual, sorted(set(cites)))
    if "refusals" in checks:
        refused = [a for a in snap.applied if a.refused]
        add("被拒绝的操作数", checks["refusals"], len(refused), [a.refused for a in refused])
    return out


def check(scenario: Scenario, policies: Sequence, calendar=None) -> list[Outcome]:
    """Every expectation of the scenario, under each policy it applies to; plus refusals the
    timeline did not expect and expected refusals that did not happen."""
    out: list[Outcome] = []
    for policy in policies:
        runner = Runner(scenario, policy, calendar)
        cache: dict[date, Snapshot] = {}

        def snap_at(day: date, runner=runner, cache=cache) -> Snapshot:
            if day not in cache:
                cache[day] = runner.snapshot(day)
            return cache[day]

        full = snap_at(max(scenario.as_of, max(s.on for s in scenario.steps)))
        for a in full.applied:
            want = a.step.expect_refused
            if a.refused and not want:
                out.append(Outcome(policy.id, a.step.on, a.step.label, "执行", f"被拒绝：{a.refused}",
                                   False, (), a.step.line))
            elif want and not a.refused:
                out.append(Outcome(policy.id, a.step.on, a.step.label, "被拒绝", "已执行", False,
                                   (a.citation,), a.step.line))
            elif want and isinstance(want, str) and want not in (a.refused or ""):
                out.append(Outcome(policy.id, a.step.on, a.step.label, f"拒绝理由含「{want}」",
                                   a.refused, False, (), a.step.line))
            elif want:
                out.append(Outcome(policy.id, a.step.on, a.step.label, "被拒绝", "被拒绝", True,
                                   (a.refused or "",), a.step.line))
        for exp in scenario.expectations:
            if exp.jurisdictions and policy.id not in exp.jurisdictions:
                continue
            out.extend(check_expectation(exp, snap_at(exp.as_of)))
    return out


def find_scenarios(path: str | Path) -> list[Path]:
    """Scenario files under ``path``: the file itself, or every ``*.toml`` with a [[matter]] in a directory."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"{path} 不存在；请给出情景文件或其所在目录")
    found = []
    for p in sorted(path.rglob("*.toml")):
        if p.name == "pyproject.toml" or "articles" in p.stem:
            continue
        try:
            head = p.read_text(encoding="utf-8")
        except OSError:
            continue
        if re.search(r"^\s*\[\[matter\]\]", head, re.M):
            found.append(p)
    return found


__all__ = [
    "DuchaError",
    "Outcome",
    "Scenario",
    "ScenarioError",
    "Snapshot",
    "check",
    "find_scenarios",
    "load_scenario",
    "map_kind",
    "parse_scenario",
    "policies_for",
    "run",
]
