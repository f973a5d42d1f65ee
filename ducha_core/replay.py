"""Replay a deployment's real event log under a policy variant, writing nothing.

``replay(events, base, variant, cal, ...)`` folds every matter's events under both policies and
reports, per unit, what would have differed as of the last day: matters overdue, reminders due
(matters in the warning window or overdue), escalations proposed, forced grades and deductions —
each difference with the rules responsible (the deadline rule of each matter, the step or grade
rule of each finding). Events the variant's procedure would refuse are listed too.

``replay_deployment(variant_file, config_path=…)`` reads the deployment's log through a read-only
connection to its database, so the file is left byte for byte as it was.

Confidential matters (涉密): the report is for a viewer (``--as PERSON``), who sees a confidential
matter only where the ledger would show it (``Ledger.visible``: the office, the matter's viewers,
people of its handling units); without a viewer no confidential matter is shown. A matter the viewer
may not see is left out of everything the report says per matter (matters and findings changed,
refusals) and out of every count built from matters (overdue, reminders, escalations, grades,
deductions, refusals, per unit and in total): those counts are what the viewer's own ledger would
show. Only the size of the log replayed (matters, events) covers every matter, and ``hidden`` says
how many confidential matters were left out — a number, naming none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from ducha_core.errors import InputError
from ducha_core.escalation import evaluate
from ducha_core.events import Event
from ducha_core.matter import MatterEngine, MatterState, clock_running, light, role_directory
from ducha_core.obligations import OFFICE


@attrs.frozen
class Folded:
    """What a replay keeps of a matter folded under one policy (a province's log does not fit in
    memory as states): whether it is confidential and who may see it, its units, its deadline's
    last day and the rule that set it."""

    id: str
    confidential: bool
    viewers: tuple[str, ...]
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    due: date | None
    rule: str

    @classmethod
    def of(cls, state: MatterState) -> Folded:
        return cls(state.id, state.confidential, tuple(state.viewers), tuple(state.lead_units), tuple(state.co_units),
                   state.due.date if state.due else None, _rule_text(state))


@attrs.define
class Side:
    """What one policy makes of the log: each matter's summary (``Folded``), the refusals, the
    rule findings, lights and overdue matters; ``kept``: how many matters were held folded for the
    findings (those ``escalation.fold_selection`` says an evaluation can find something in)."""

    policy: Any
    states: dict[str, Folded]
    refused: dict[str, str]  # matter -> refusal message (the matter's later events are not applied)
    findings: list
    lights: dict[str, str]
    overdue: set[str]
    seconds: float = 0.0
    kept: int = 0


@attrs.define
class UnitDiff:
    unit: str
    overdue: tuple[int, int]
    reminders: tuple[int, int]
    escalations: tuple[int, int]
    grades: tuple[str | None, str | None]
    deductions: tuple[int, int]
    rules: list[str]

    @property
    def changed(self) -> bool:
        return (self.overdue[0] != self.overdue[1] or self.reminders[0] != self.reminders[1]
                or self.escalations[0] != self.escalations[1] or self.grades[0] != self.grades[1]
                or self.deductions[0] != self.deductions[1])


@attrs.define
class ReplayReport:
    base: str
    variant: str
    start: date | None
    end: date
    matters: int
    events: int
    base_side: Side
    variant_side: Side
    units: list[UnitDiff]
    matter_changes: list[dict[str, Any]]
    finding_changes: list[dict[str, Any]]
    changes: list[str]  # the variant's changes, described
    #: confidential matters the viewer may not see: left out of every per-matter line and count
    hidden: frozenset[str] = attrs.field(factory=frozenset)
    #: unit id -> its name in the deployment (``ducha.toml``), for the report a person reads
    unit_names: dict[str, str] = attrs.field(factory=dict)

    def unit_name(self, unit: str) -> str:
        return self.unit_names.get(unit, unit)

    def to_json(self) -> dict[str, Any]:
        hidden = self.hidden
        return {
            "base": self.base,
            "variant": self.variant,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat(),
            "matters": self.matters,
            "events": self.events,
            "hidden": len(hidden),
            "variant_changes": self.changes,
            "totals": {
                "overdue": [len(self.base_side.overdue - hidden), len(self.variant_side.overdue - hidden)],
                "reminders": [_reminders(self.base_side, hidden), _reminders(self.variant_side, hidden)],
                "escalations": [_count(self.base_side, "escalation", hidden),
                                _count(self.variant_side, "escalation", hidden)],
                "deductions": [_count(self.base_side, "deduction", hidden),
                               _count(self.variant_side, "deduction", hidden)],
                "refused": [len(self.base_side.refused.keys() - hidden), len(self.variant_side.refused.keys() - hidden)],
            },
            "seconds": {"base": round(self.base_side.seconds, 3), "variant": round(self.variant_side.seconds, 3)},
            "units": [
                {"unit": u.unit, "overdue": list(u.overdue), "reminders": list(u.reminders),
                 "escalations": list(u.escalations), "grades": list(u.grades), "deductions": list(u.deductions),
                 "rules": u.rules}
                for u in self.units if u.changed
            ],
            "matters_changed": self.matter_changes,
            "findings_changed": self.finding_changes,
            "refused_under_variant": [{"matter": m, "message": msg} for m, msg in sorted(self.variant_side.refused.items())
                                      if m not in self.base_side.refused and m not in hidden],
        }


def _count(side: Side, category: str, hidden: frozenset[str] = frozenset()) -> int:
    return sum(1 for f in side.findings if f.category == category and f.matter not in hidden)


def _reminders(side: Side, hidden: frozenset[str] = frozenset()) -> int:
    return sum(1 for mid, lamp in side.lights.items() if lamp in ("yellow", "red") and mid not in hidden)


def group_events(events: Iterable[Event]) -> dict[str, list[Event]]:
    by_matter: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_matter[e.matter].append(e)
    return by_matter


class _Folder:
    """Folds matters one at a time under one policy (``add``), keeping each one's summary, light and
    lateness, and the states an evaluation of the rules can find something in
    (``escalation.fold_selection``: an obligation of a watched kind past its last day and not met on
    time, an event a count or a grade reads, each unit's first matter by id); ``side`` evaluates the
    rules over those. ``keep_all``: every state is kept (the findings are the same)."""

    def __init__(self, policy: Any, cal: Any, end: date, directory: Callable, keep_all: bool = False):
        from ducha_core.escalation import fold_selection

        self.policy, self.cal, self.end, self.keep_all = policy, cal, end, keep_all
        self.engine = MatterEngine(policy, cal, directory, explain=False)  # a replay explains no deadline
        self.selection = fold_selection(policy, cal, end)
        self.states: dict[str, Folded] = {}
        self.refused: dict[str, str] = {}
        self.lights: dict[str, str] = {}
        self.overdue: set[str] = set()
        self.kept: dict[str, tuple[int, MatterState]] = {}
        self.first: dict[str, tuple[str, int, MatterState]] = {}  # unit -> its first matter by id
        self.seconds = 0.0

    def add(self, n: int, history: Sequence[Event]) -> None:
        """Fold the ``n``-th matter's history (its events up to the end day)."""
        import time

        t0 = time.perf_counter()
        state, event, exc = self.engine.fold_until_refused(history)
        if exc is not None:
            self.refused[history[0].matter] = f"{event.on} {self.policy.action_name(event.action)}：{exc}"
        if state is not None:
            policy, end = self.policy, self.end
            mid = state.id
            self.states[mid] = Folded.of(state)
            self.lights[mid] = light(policy, self.cal, state, end)
            due = state.due.date if state.due else None
            if due is not None and ((state.submitted_on is not None and state.submitted_on > due)
                                    or (clock_running(policy, state) and end > due)):
                self.overdue.add(mid)
            if self.keep_all or self._read(state):
                self.kept[mid] = (n, state)
            if self.selection.first_lead:
                for unit in state.lead_units:
                    first = self.first.get(unit)
                    if first is None or mid < first[0]:
                        self.first[unit] = (mid, n, state)
        self.seconds += time.perf_counter() - t0

    def _read(self, state: MatterState) -> bool:
        """Whether an evaluation as of the end day may find something in the matter (a superset of
        what ``store.matters_to_fold`` selects for ``fold_selection``)."""
        sel = self.selection
        for e in state.events:
            if e.action in sel.watched:
                return True
            step = e.data.get("step")
            if isinstance(step, str) and step in sel.steps:
                return True
        scans = [s for s in sel.overdue if not (s.open_only and self.policy.states[state.state].terminal)]
        if scans:
            day = sel.day
            for ob in self.engine.obligations(state, day, include_next=True):
                if (ob.due is None or ob.due >= day or ob.owed_by == (OFFICE,)
                        or (ob.met_on is not None and ob.met_on <= day and ob.late_by == 0)):
                    continue
                if any(ob.what in s.what and (s.due_from is None or ob.due >= s.due_from) for s in scans):
                    return True
        return False

    def side(self) -> Side:
        import time

        t0 = time.perf_counter()
        kept = dict(self.kept)
        for mid, n, state in self.first.values():
            kept.setdefault(mid, (n, state))
        states = [s for _n, s in sorted(kept.values(), key=lambda x: x[0])]  # in the log's order
        findings = evaluate_by_unit_groups(self.policy, self.cal, states, self.end)
        self.seconds += time.perf_counter() - t0
        return Side(self.policy, self.states, self.refused, findings, self.lights, self.overdue, self.seconds,
                    len(states))


def fold_all(policy, cal, histories: dict[str, list[Event]], end: date,
             directory: Callable = role_directory) -> Side:
    """Every matter of ``histories`` folded under ``policy`` up to ``end`` (``_Folder``)."""
    from ducha_core.ledger import _collector_paused

    folder = _Folder(policy, cal, end, directory)
    with _collector_paused():  # many objects, no cycles (as a rebuild folds)
        for n, history in enumerate(histories.values()):
            history = [e for e in history if e.on <= end]
            if history:
                folder.add(n, history)
    return folder.side()


def evaluate_by_unit_groups(policy, cal, states: Sequence[MatterState], as_of: date) -> list:
    """``escalation.evaluate`` over groups of matters that share no unit: every trigger counts per
    unit or per matter, so the findings are the same as over all matters at once, but the check
    for confirmed escalations (which scans every matter for each hit) stays within a group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys: list[str] = []
    for s in states:
        units = set(s.lead_units) | set(s.co_units)
        for e in s.events:
            u = e.data.get("units")
            if u:
                units.update([u] if isinstance(u, str) else u)
        key = f"matter:{s.id}"
        for u in units:
            parent[find(f"unit:{u}")] = find(key)
        keys.append(key)
    groups: dict[str, list[MatterState]] = defaultdict(list)
    for s, key in zip(states, keys, strict=True):
        groups[find(key)].append(s)
    findings = []
    for group in groups.values():
        findings.extend(evaluate(policy, cal, group, as_of))
    order = {(step.id): n for n, step in enumerate(policy.escalation)}
    findings.sort(key=lambda f: (f.category != "escalation", order.get(f.rule, 0), f.unit or "", f.matter or ""))
    return findings


def _units_of(state: MatterState) -> tuple[str, ...]:
    return state.lead_units or ("（未交办）",)


def _rule_text(state: MatterState | None) -> str:
    if state is None or state.due is None:
        return "（无期限）"
    cite = state.due.citation.article if state.due.citation else ""
    name = state.due.name or state.due.rule  # the time limit as the document names it (办理时限 …)
    return f"{name}〔{cite}〕" if cite else name


def compare_sides(base: Side, variant: Side, hidden: frozenset[str] = frozenset()
                  ) -> tuple[list[UnitDiff], list[dict[str, Any]], list[dict[str, Any]]]:
    """Per unit, per matter and per finding, what differs; matters in ``hidden`` (confidential ones
    the viewer may not see) and their findings are left out of all three."""
    units: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    rules: dict[str, set[str]] = defaultdict(set)
    grades: dict[str, list] = defaultdict(lambda: [None, None])
    matter_changes = []
    for i, side in enumerate((base, variant)):
        for mid, s in side.states.items():
            if mid in hidden:
                continue
            for u in _units_of(s):
                if mid in side.overdue:
                    units[u]["overdue"][i] += 1
                if side.lights.get(mid) in ("yellow", "red"):
                    units[u]["reminders"][i] += 1
        order = side.policy.grading.grades if side.policy.grading else ()
        for f in side.findings:
            if f.matter in hidden:
                continue
            u = f.unit or "（全局）"
            if f.category == "escalation":
                units[u]["escalations"][i] += 1
            elif f.category == "deduction":
                units[u]["deductions"][i] += 1
            elif f.category == "grade":
                cur = grades[u][i]
                if cur is None or (f.name in order and cur in order and order.index(f.name) > order.index(cur)):
                    grades[u][i] = f.name
    for mid in sorted((set(base.states) | set(variant.states)) - hidden):
        b, v = base.states.get(mid), variant.states.get(mid)
        bd = b.due if b else None
        vd = v.due if v else None
        bo, vo = mid in base.overdue, mid in variant.overdue
        bl, vl = base.lights.get(mid), variant.lights.get(mid)
        if bd != vd or bo != vo or bl != vl:
            unit_list = _units_of(v or b)
            why = f"{b.rule if b else _rule_text(None)} → {v.rule if v else _rule_text(None)}"
            for u in unit_list:
                rules[u].add(why)
            matter_changes.append({
                "matter": mid, "units": list(unit_list),
                "due": [bd.isoformat() if bd else None, vd.isoformat() if vd else None],
                "overdue": [bo, vo], "light": [bl, vl], "rules": why,
            })

    def key(f):
        return (f.category, f.rule, f.unit, f.matter)

    bkeys = {key(f): f for f in base.findings if f.matter not in hidden}
    vkeys = {key(f): f for f in variant.findings if f.matter not in hidden}
    finding_changes = []
    for k in sorted(set(bkeys) ^ set(vkeys), key=lambda k: tuple(str(x) for x in k)):
        f = vkeys.get(k) or bkeys[k]
        change = "新增" if k in vkeys else "不再触发"
        finding_changes.append({"change": change, "category": f.category, "rule": f.rule, "name": f.name,
                                "unit": f.unit, "matter": f.matter, "citation": str(f.citation), "reason": f.reason})
        rules[f.unit or "（全局）"].add(f"{f.name or f.rule}〔{f.citation.article}〕")
    diffs = []
    for u in sorted(set(units) | set(grades)):
        c = units[u]
        diffs.append(UnitDiff(u, tuple(c["overdue"]), tuple(c["reminders"]), tuple(c["escalations"]),
                              tuple(grades[u]), tuple(c["deductions"]), sorted(rules.get(u, ()))))
    return diffs, matter_changes, finding_changes


@attrs.frozen
class _Registered:
    """What a matter no policy could fold was registered as (confidential or not, its viewers)."""

    confidential: bool
    viewers: tuple[str, ...]
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()


def _as_registered(history: Sequence[Event]) -> _Registered:
    data = history[0].data if history else {}
    viewers = data.get("viewers") or ()
    return _Registered(bool(data.get("confidential", False)), tuple([viewers] if isinstance(viewers, str) else viewers))


def hidden_matters(unfolded: dict[str, _Registered], base: Side, variant: Side,
                   visible: Callable[[Any], bool] | None) -> frozenset[str]:
    """The matters ``visible`` (``Ledger.visible`` for the viewer) refuses, judged on the matter as
    the deployment's own policy folds it (the variant's fold if the base refused its registration,
    the registration itself, ``unfolded``, if both did). Without ``visible``, every confidential matter."""
    hidden = set()
    for mid in [*base.states, *(m for m in variant.states if m not in base.states), *unfolded]:
        matter = base.states.get(mid) or variant.states.get(mid) or unfolded[mid]
        if matter.confidential and (visible is None or not visible(matter)):
            hidden.add(mid)
    return frozenset(hidden)


def replay(events: Iterable[Event], base, variant, cal, *, start: date | None = None, end: date | None = None,
           directory: Callable = role_directory, visible: Callable[[Any], bool] | None = None,
           keep_all: bool = False) -> ReplayReport:
    """Fold the log under ``base`` and ``variant`` and compare (matters registered from ``start``;
    events up to ``end``, default the last event's day). ``visible(matter)`` says whether the viewer
    may see a confidential matter; without it no confidential matter is reported."""
    histories = group_events(events)
    if start is not None:
        histories = {m: h for m, h in histories.items() if h and h[0].on >= start}
    if end is None:
        end = max((e.on for h in histories.values() for e in h), default=date.today())
    return replay_histories(histories.values(), base, variant, cal, start=start, end=end, directory=directory,
                            visible=visible, keep_all=keep_all)


def replay_histories(histories: Iterable[Sequence[Event]], base, variant, cal, *, start: date | None, end: date,
                     directory: Callable = role_directory, visible: Callable[[Any], bool] | None = None,
                     keep_all: bool = False) -> ReplayReport:
    """``replay`` over each matter's history (its events in order) read one at a time: each matter is
    folded under both policies and only its summary kept, with the states the rule findings need
    (``_Folder``), so that a province's log is replayed in the memory of what differs, not of every
    state. Matters registered before ``start`` (its first event) are left out; events after ``end``
    are not applied."""
    from ducha_core.ledger import _collector_paused

    if start is not None and end < start:
        raise InputError(f"--to {end} 早于 --from {start}；请让 --to 不早于 --from")
    b = _Folder(base, cal, end, directory, keep_all)
    v = _Folder(variant, cal, end, directory, keep_all)
    matters = count = 0
    unfolded: dict[str, _Registered] = {}
    with _collector_paused():  # many objects, no cycles (as a rebuild folds)
        for history in histories:
            if not history or (start is not None and history[0].on < start):
                continue
            upto = [e for e in history if e.on <= end]
            if not upto:  # registered after the end day: not in the log replayed
                continue
            matters += 1
            count += len(upto)
            n = matters
            b.add(n, upto)
            v.add(n, upto)
            mid = upto[0].matter
            if mid not in b.states and mid not in v.states:
                unfolded[mid] = _as_registered(upto)
            elif b.states.get(mid) == v.states.get(mid):  # one summary for both, where they agree
                v.states[mid] = b.states[mid]
    bs, vs = b.side(), v.side()
    hidden = hidden_matters(unfolded, bs, vs, visible)
    units, matter_changes, finding_changes = compare_sides(bs, vs, hidden)
    from ducha_core.variants import variant_info

    info = variant_info(variant)
    changes = [f"{c.describe()}（{c.note}）" for c in info.changes] if info else []
    return ReplayReport(base.id, variant.id, start, end, matters, count, bs, vs, units, matter_changes,
                        finding_changes, changes, hidden)


#: a database the log cannot be read from
_NOT_A_DATABASE = "不是可用的 ducha 数据库（{exc}）；请检查部署文件中的 database 路径"


def read_only_histories(database: Path) -> tuple[Any, Iterator[list[Event]]]:
    """A read-only connection to a deployment's database and each matter's events read from it one
    matter at a time, in bulk (without their hashes; equal data share one dict, which must not be
    changed). The caller closes the connection."""
    import sqlite3

    from ducha_core.store.sqlite import SQLiteStore

    if not Path(database).exists():
        raise InputError(f"{database}：数据库不存在，没有可重放的事件；请检查部署文件中的 database 路径")
    try:
        conn = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{database}：无法以只读方式打开（{exc}）；请检查文件及其目录的读取权限") from None
    store = SQLiteStore.__new__(SQLiteStore)  # reuse its readers on a read-only connection
    store.conn, store.path, store._in_tx = conn, Path(database), False
    return conn, store.histories(bulk=True)


def last_event_day(conn: Any, start: date | None) -> date | None:
    """The last day of an event of the matters registered (their first event) on or after ``start``
    (every matter without it); None for an empty log."""
    if start is None:
        row = conn.execute("SELECT max(on_date) FROM events").fetchone()
    else:
        row = conn.execute(
            "SELECT max(e.on_date) FROM events e JOIN (SELECT matter, min(seq) AS first FROM events GROUP BY matter) f"
            " ON f.matter = e.matter JOIN events r ON r.seq = f.first WHERE r.on_date >= ?",
            (start.isoformat(),)).fetchone()
    from ducha_core.store.sqlite import _stored_date

    return _stored_date(row[0]) if row and row[0] else None  # a date changed outside ducha: StoreError


def read_only_events(database: Path) -> list[Event]:
    """Every event of a deployment's database (``read_only_histories``), in one list."""
    import sqlite3

    from ducha_core.ledger import _collector_paused

    conn, histories = read_only_histories(database)
    try:
        with _collector_paused():
            return [e for history in histories for e in history]
    except sqlite3.Error as exc:
        raise InputError(f"{database}：{_NOT_A_DATABASE.format(exc=exc)}") from None
    finally:
        conn.close()


def ledger_view(config: Any, policy: Any) -> Any:
    """An object with ``Ledger.visible`` (and the ``person``/``is_office`` it reads) over the
    deployment's people and the policy's roles: replay opens no ledger, yet decides who sees a
    confidential matter exactly as the ledger does."""
    from ducha_core.ledger import Ledger

    class View:
        person = Ledger.person
        is_office = Ledger.is_office
        visible = Ledger.visible

        def __init__(self) -> None:
            self.config, self.policy = config, policy

    return View()


def replay_deployment(variant_spec: str, *, config_path: str | None = None, start: date | None = None,
                      end: date | None = None, viewer: str | None = None) -> ReplayReport:
    """Replay the deployment of ``config_path`` (default ./ducha.toml) under a variant file, as
    ``viewer`` sees it (a person id of the deployment; None sees no confidential matter)."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.config import load_config
    from ducha_core.registry import plugins_with, resolve_policy
    from ducha_core.variants import load_variant

    config = load_config(config_path)
    base = resolve_policy(config.jurisdiction, plugin_paths=config.plugins, settings=config.settings)
    variant = load_variant(variant_spec, plugins=plugins_with(config.plugins), settings=None)
    if base.id not in variant.lineage:
        raise InputError(f"变体 {variant.id} 派生自 {' → '.join(variant.lineage[:-1])}，"
                         f"不是本部署的辖区 {base.id}；请用 base = \"{base.id}\" 的变体文件")
    cal = WorkingCalendar.load(config.calendar, strict=bool(base.settings.get("strict_calendar")))
    visible = None
    if viewer is not None:
        view = ledger_view(config, base)
        view.person(viewer)  # an unknown person id is refused, as by the ledger

        def visible(matter: Any) -> bool:
            return view.visible(matter, viewer)

    def directory(actor: str):
        try:
            return config.people[actor]
        except KeyError:
            return role_directory(actor)

    import sqlite3

    conn, histories = read_only_histories(config.database)
    try:
        if end is None:
            end = last_event_day(conn, start) or date.today()
        report = replay_histories(histories, base, variant, cal, start=start, end=end, directory=directory,
                                  visible=visible)
        report.unit_names = {uid: unit.name for uid, unit in config.units.items()}
        return report
    except sqlite3.Error as exc:
        raise InputError(f"{config.database}：{_NOT_A_DATABASE.format(exc=exc)}") from None
    finally:
        conn.close()


def render_report(report: ReplayReport) -> str:
    from ducha_core.cli.options import render_table

    data = report.to_json()
    t = data["totals"]
    lines = [
        f"在变体 {report.variant} 下重放 {report.base} 的事件日志（只读）：{report.matters} 件事项、{report.events} 个事件，"
        f"截至 {report.end}" + (f"（{report.start} 起立项）" if report.start else ""),
    ]
    if report.hidden:
        lines.append(f"其中 {len(report.hidden)} 件涉密事项无权查看，不列入以下结果（以有权知悉的人员 --as PERSON 查看）。")
    if data["variant_changes"]:
        lines.append("变体的修改：")
        lines += [f"  - {c}" for c in data["variant_changes"]]
    lines.append("")
    lines.append(render_table(["", "现行", "变体"], [
        ["逾期事项", *t["overdue"]], ["应催办（临期/逾期）", *t["reminders"]], ["升级处理建议", *t["escalations"]],
        ["扣分", *t["deductions"]], ["被程序拒绝的事项", *t["refused"]],
    ]))
    changed = [u for u in report.units if u.changed]
    lines.append("")
    if not changed:
        lines.append("各单位结果没有差异。")
    else:
        lines.append("各单位的差异（现行 → 变体）：")
        rows = [[report.unit_name(u.unit), f"{u.overdue[0]}→{u.overdue[1]}", f"{u.reminders[0]}→{u.reminders[1]}",
                 f"{u.escalations[0]}→{u.escalations[1]}", f"{u.grades[0] or '—'}→{u.grades[1] or '—'}",
                 f"{u.deductions[0]}→{u.deductions[1]}", "；".join(u.rules[:4]) + ("…" if len(u.rules) > 4 else "")]
                for u in changed]
        lines.append(render_table(["单位", "逾期", "应催办", "升级", "等次", "扣分", "所涉规则"], rows))
    if data["refused_under_variant"]:
        lines.append("")
        lines.append("变体程序会拒绝的操作：")
        lines += [f"  - {r['matter']}: {r['message']}" for r in data["refused_under_variant"][:20]]
    return "\n".join(lines)


__all__: Sequence[str] = ("ReplayReport", "read_only_events", "read_only_histories", "render_report", "replay",
                          "replay_deployment", "replay_histories")
