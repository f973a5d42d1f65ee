"""What documents and the dashboard read: the ledger as of one day, and the figures derived from it.

A ``Snapshot`` is built from a ``Ledger`` (``Snapshot.from_ledger``) or, without a store, from
events folded through a ``MatterEngine`` (``Snapshot.from_events``: tests, the demo's planner).
Everything here is computed from matter states; nothing is stored.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from ducha_core.errors import InputError
from ducha_core.escalation import Finding, evaluate
from ducha_core.events import Event
from ducha_core.matter import LIGHT_NAMES, MatterEngine, MatterState, light
from ducha_core.model import Person, Unit
from ducha_core.obligations import OFFICE, all_obligations, headline, result_on_time

LIGHTS = ("red", "yellow", "green", "done", "none")
SHORT_LIGHT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已办结/已报送", "none": "未交办"}
#: marks that show a matter was escalated (提级, 督办令, 重点督办, 约谈, 通报批评, 问责)
ESCALATION_ACTIONS = ("order", "priority_chase", "escalate", "interview", "accountability", "rectification_plan")


def _as_dict(items: Any, key: str = "id") -> dict[str, Any]:
    if items is None:
        return {}
    if isinstance(items, Mapping):
        return dict(items)
    return {getattr(item, key): item for item in items}


@attrs.frozen
class Period:
    """A reporting period (通报期): a year, a quarter, a half-year or a month."""

    key: str  # 2025-Q3
    start: date
    end: date
    label: str  # 2025年第三季度

    def covers(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


QUARTERS = "一二三四"


def parse_period(text: str) -> Period:
    """``2025`` / ``2025-H1`` / ``2025-Q3`` / ``2025-09`` -> Period; anything else is an InputError."""
    text = str(text).strip().upper()
    year = re.match(r"(\d{4})(?!\d)", text)
    if year and not 1 <= int(year.group(1)) <= 9998:  # a date's years (0000, 9999-Q4 end in 10000)
        raise InputError(f"期间 '{text}' 的年份 {year.group(1)} 无效：须为实际的年份，如 2025-Q3")
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m.group(1))
        return Period(text, date(y, 1, 1), date(y, 12, 31), f"{y}年")
    if m := re.fullmatch(r"(\d{4})-?H([12])", text):
        y, h = int(m.group(1)), int(m.group(2))
        start = date(y, 1 if h == 1 else 7, 1)
        end = date(y, 6, 30) if h == 1 else date(y, 12, 31)
        return Period(f"{y}-H{h}", start, end, f"{y}年{'上' if h == 1 else '下'}半年")
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        y, q = int(m.group(1)), int(m.group(2))
        start = date(y, 3 * q - 2, 1)
        end = (date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)) - timedelta(days=1)
        return Period(f"{y}-Q{q}", start, end, f"{y}年第{QUARTERS[q - 1]}季度")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            start = date(y, mo, 1)
            end = (date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)) - timedelta(days=1)
            return Period(f"{y}-{mo:02d}", start, end, f"{y}年{mo}月")
    raise InputError(f"无法识别期间 '{text}'；请写 2025（全年）、2025-H1（半年）、2025-Q3（季度）或 2025-09（月）")


@attrs.frozen
class Row:
    """One 台账 row as documents show it."""

    matter: MatterState
    light: str
    light_name: str
    state_name: str
    kind_name: str
    due: date | None
    due_rule: str
    units: tuple[str, ...]  # lead unit ids
    units_text: str  # lead units' names (co-units in parentheses)
    overdue_workdays: int
    done: bool
    on_time: bool | None  # None: not done yet, or no deadline to be late for

    @property
    def id(self) -> str:
        return self.matter.id

    @property
    def title(self) -> str:
        return self.matter.title


@attrs.define
class UnitStats:
    """A unit's figures over the matters it leads (主办)."""

    unit: str
    name: str
    assigned: int = 0
    done: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # open and past the deadline (red)
    open: int = 0
    returns: int = 0
    praise: int = 0
    criticism: int = 0
    escalations: int = 0
    grades: list[str] = attrs.field(factory=list)

    @property
    def rate(self) -> float | None:
        """On-time rate (按时办结率) over matters done; None when nothing is done yet."""
        return self.on_time / self.done if self.done else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.0%}"


@attrs.define
class Snapshot:
    """The ledger as of ``as_of``: policy, calendar, units, people, matter states."""

    policy: Any
    calendar: Any
    as_of: date
    states: list[MatterState]
    units: dict[str, Unit] = attrs.field(factory=dict)
    people: dict[str, Person] = attrs.field(factory=dict)
    _findings: list[Finding] | None = None
    _rows: dict[str, Row] | None = None
    #: 文号 patterns by document kind (``[documents] number_pattern`` in ducha.toml)
    number_patterns: dict[str, str] = attrs.field(factory=dict)
    #: every matter in the ledger as of ``as_of``, confidential ones too, when ``states`` leaves
    #: some out: documents are numbered over all of them (``step_keys``); None: ``states``
    _every: list[MatterState] | None = attrs.field(default=None, repr=False)
    _keys: dict[str, list[tuple]] = attrs.field(factory=dict, repr=False)

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def from_ledger(cls, ledger: Any, as_of: date, *, viewer: str | None = None, all_visible: bool = False) -> Snapshot:
        """The ledger as of a day. Confidential matters are left out unless ``viewer`` may see them
        (``Ledger.visible``) or ``all_visible``."""
        config = getattr(ledger, "config", None)
        every = ledger.states(as_of=as_of, explain=False)
        states = [s for s in every if all_visible or ledger.visible(s, viewer)]
        states.sort(key=lambda s: (s.registered_on, s.id))
        return cls(
            ledger.policy,
            ledger.calendar,
            as_of,
            states,
            _as_dict(getattr(config, "units", None)),
            _as_dict(getattr(config, "people", None)),
            number_patterns=dict(getattr(config, "number_patterns", None) or {}),
            every=None if len(states) == len(every) else every,
        )

    @classmethod
    def from_events(
        cls,
        policy: Any,
        calendar: Any,
        events: Iterable[Event],
        as_of: date,
        units: Any = None,
        people: Any = None,
        *,
        number_patterns: Mapping[str, str] | None = None,
    ) -> Snapshot:
        people_d = _as_dict(people)
        directory = None
        if people_d:
            def directory(actor: str) -> Person:
                if actor in people_d:
                    return people_d[actor]
                role, _, unit = actor.partition(":")
                return Person(actor, actor, roles=(role,), unit=unit or None)
        engine = MatterEngine(policy, calendar, directory) if directory else MatterEngine(policy, calendar)
        by_matter: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            if event.on <= as_of:
                by_matter[event.matter].append(event)
        states = [engine.fold(evs) for evs in by_matter.values()]
        states.sort(key=lambda s: (s.registered_on, s.id))
        return cls(policy, calendar, as_of, states, _as_dict(units), people_d,
                   number_patterns=dict(number_patterns or {}))

    # --- names -----------------------------------------------------------------------------------

    @property
    def jurisdiction(self):
        return self.policy.jurisdiction

    @property
    def office(self) -> str:
        return self.policy.jurisdiction.office

    def unit_name(self, unit_id: str | None) -> str:
        if not unit_id:
            return ""
        unit = self.units.get(unit_id)
        return unit.name if unit is not None else unit_id

    def unit_names(self, ids: Iterable[str]) -> str:
        return "、".join(self.unit_name(u) for u in ids)

    def person_name(self, person_id: str | None) -> str:
        if not person_id:
            return ""
        person = self.people.get(person_id)
        return person.name if person is not None else person_id

    def kind_name(self, kind: str) -> str:
        k = self.policy.kinds.get(kind)
        return k.name if k is not None else kind

    def state_name(self, state: str) -> str:
        s = self.policy.states.get(state)
        return s.name if s is not None else state

    def matter(self, matter_id: str) -> MatterState:
        for state in self.states:
            if state.id == matter_id:
                return state
        raise InputError(f"没有事项 {matter_id}（截至 {self.as_of}）；ducha ledger 列出各事项")

    # --- derived ---------------------------------------------------------------------------------

    def step_keys(self, action: str) -> list[tuple]:
        """(day, seq, matter, index) of every ``action`` event in the ledger as of ``as_of``, in the
        order documents are numbered (confidential matters included: a number is never reused)."""
        keys = self._keys.get(action)
        if keys is None:
            keys = sorted((e.on, e.seq, s.id, i) for s in (self._every if self._every is not None else self.states)
                          for i, e in enumerate(s.events) if e.action == action)
            self._keys[action] = keys
        return keys

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = evaluate(self.policy, self.calendar, self.states, self.as_of)
        return self._findings

    def row(self, state: MatterState) -> Row:
        if self._rows is None:
            self._rows = {}
        cached = self._rows.get(state.id)
        if cached is not None and cached.matter is state:
            return cached
        lt = light(self.policy, self.calendar, state, self.as_of)
        obligations = all_obligations(state, self.as_of, self.calendar, self.policy.convention, include_next=True)
        urgent = headline(obligations, self.as_of)
        due = urgent.due if urgent is not None else state.due.date if state.due is not None else None
        overdue = 0
        if lt == "red" and due is not None:
            overdue = self.calendar.workdays_between(due, self.as_of)
        done = lt == "done"
        on_time: bool | None = None
        if done:  # the original time limit counts (a rework's own deadline does not make it on time)
            on_time = result_on_time([o for o in obligations if o.starts <= self.as_of])
        text = self.unit_names(state.lead_units)
        if state.co_units:
            text += f"（协办：{self.unit_names(state.co_units)}）"
        row = Row(
            state, lt, LIGHT_NAMES.get(lt, lt), self.state_name(state.state), self.kind_name(state.kind), due,
            urgent.name if urgent is not None else state.due.name if state.due is not None else "",
            tuple(state.lead_units), text, overdue, done, on_time,
        )
        self._rows[state.id] = row
        return row

    @property
    def rows(self) -> list[Row]:
        return [self.row(s) for s in self.states]

    def light_counts(self) -> dict[str, int]:
        counts = Counter(r.light for r in self.rows)
        return {lt: counts.get(lt, 0) for lt in LIGHTS}

    def kind_counts(self) -> list[tuple[str, str, int]]:
        counts = Counter(s.kind for s in self.states)
        return [(k, self.kind_name(k), counts[k]) for k in self.policy.kinds if counts.get(k)]

    def marks(self, actions: Sequence[str] | None = None, period: Period | None = None) -> list[tuple[MatterState, Event]]:
        """(matter, event) for marks (bulletins, orders, interviews …) of the given actions."""
        out = []
        for state in self.states:
            for event in state.events:
                if actions is not None and event.action not in actions:
                    continue
                if period is not None and not period.covers(event.on):
                    continue
                out.append((state, event))
        out.sort(key=lambda pair: (pair[1].on, pair[0].id))
        return out

    @staticmethod
    def event_units(state: MatterState, event: Event) -> list[str]:
        units = event.data.get("units")
        if units:
            return [units] if isinstance(units, str) else list(units)
        return list(state.lead_units)

    def bulletins(self, kind: str, period: Period | None = None) -> list[tuple[MatterState, Event]]:
        """通报表扬 (praise) or 通报批评 (criticism) events."""
        return [(s, e) for s, e in self.marks(("bulletin",), period) if e.data.get("type") == kind]

    def escalated(self) -> list[tuple[MatterState, list[Event]]]:
        """Matters that were escalated: 督办令, 重点督办, 提级, 约谈, 通报批评, 问责 …"""
        out = []
        for state in self.states:
            evs = [e for e in state.events if e.action in ESCALATION_ACTIONS
                   or (e.action == "bulletin" and e.data.get("type") == "criticism") or e.data.get("step")]
            if evs:
                out.append((state, evs))
        return out

    def unit_stats(self, period: Period | None = None) -> list[UnitStats]:
        """Figures per unit (lead units), over matters done in ``period`` (all, when None)."""
        stats: dict[str, UnitStats] = {}

        def get(unit: str) -> UnitStats:
            if unit not in stats:
                stats[unit] = UnitStats(unit, self.unit_name(unit))
            return stats[unit]

        for unit in self.units:
            get(unit)
        for state in self.states:
            row = self.row(state)
            for unit in state.lead_units:
                s = get(unit)
                s.assigned += 1
                s.returns += state.returns
                finished = state.submitted_on or state.closed_on
                if row.done and (period is None or period.covers(finished)):
                    s.done += 1
                    if row.on_time:
                        s.on_time += 1
                    else:
                        s.late += 1
                elif row.light == "red":
                    s.overdue += 1
                elif not row.done:
                    s.open += 1
                if state.grade:
                    s.grades.append(state.grade)
            for event in state.events:
                if period is not None and not period.covers(event.on):
                    continue
                units = self.event_units(state, event)
                if event.action == "bulletin":
                    for unit in units:
                        if event.data.get("type") == "praise":
                            get(unit).praise += 1
                        elif event.data.get("type") == "criticism":
                            get(unit).criticism += 1
                elif event.action in ESCALATION_ACTIONS:
                    for unit in units:
                        get(unit).escalations += 1
        return sorted(stats.values(), key=lambda s: (-s.assigned, s.unit))

    def progress_status(self, state: MatterState) -> str:
        """已完成 / 进展顺利 / 进展缓慢 (the three statuses of Ankang's quarterly ledger, 第七条)."""
        row = self.row(state)
        if row.done:
            return "已完成"
        if row.light == "red" or state.returns or any(
            e.action in ("order", "priority_chase") for e in state.events
        ) or self.lapsed(state):
            return "进展缓慢"
        return "进展顺利"

    def lapsed(self, state: MatterState) -> list:
        """The obligations a unit missed or met late, up to the snapshot's day (lateness stays on
        the record: a matter whose monthly reports lapsed is not 进展顺利)."""
        return [o for o in all_obligations(state, self.as_of, self.calendar, self.policy.convention)
                if o.owed_by != (OFFICE,) and o.status(self.as_of) in ("missed", "late", "overdue")]

    def by_progress_status(self, states: Iterable[MatterState] | None = None) -> dict[str, list[MatterState]]:
        groups: dict[str, list[MatterState]] = {"已完成": [], "进展顺利": [], "进展缓慢": []}
        for state in self.states if states is None else states:
            if state.assigned_on is None:
                continue
            groups[self.progress_status(state)].append(state)
        return groups

    def in_period(self, period: Period) -> list[MatterState]:
        """Matters that were live at some time in ``period``: registered by its end, and not
        finished before its start."""
        out = []
        for state in self.states:
            if state.registered_on > period.end:
                continue
            finished = state.closed_on or (state.submitted_on if self.row(state).done else None)
            if finished is not None and finished < period.start:
                continue
            out.append(state)
        return out

    def monthly(self, year: int | None = None) -> list[tuple[str, dict[str, int]]]:
        """Per month: 立项 (registered), 交办 (assigned), 报送/办结 (done), 催办 (reminders), 通报/督办 (escalations)."""
        year = year or self.as_of.year
        months: list[tuple[str, dict[str, int]]] = []
        for m in range(1, 13):
            months.append((f"{m}月", {"registered": 0, "done": 0, "reminded": 0, "escalated": 0}))
        for state in self.states:
            finished = state.closed_on or state.submitted_on
            if self.row(state).done and finished is not None and finished.year == year:
                months[finished.month - 1][1]["done"] += 1
            if state.registered_on.year == year:
                months[state.registered_on.month - 1][1]["registered"] += 1
            for event in state.events:
                if event.on.year != year:
                    continue
                bucket = months[event.on.month - 1][1]
                if event.action == "remind":
                    bucket["reminded"] += 1
                elif event.action in ESCALATION_ACTIONS or event.action == "bulletin":
                    bucket["escalated"] += 1
        return months


def cn_date(day: date | None) -> str:
    """2025年9月30日"""
    if day is None:
        return "（无）"
    return f"{day.year}年{day.month}月{day.day}日"
