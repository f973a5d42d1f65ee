"""What documents and the dashboard read: the ledger as of one day, and the figures derived from it.

A ``Snapshot`` is built from a ``Ledger`` (``Snapshot.from_ledger``) or, without a store, from
events folded through a ``MatterEngine`` (``Snapshot.from_events``: tests, the demo's planner).
Everything here is computed from matter states; nothing is stored. Withdrawn matters (撤销) are in no
figure or list (``states`` leaves them out); a matter's title is its title now (``titles``); ``at``
gives the same ledger as of an earlier day (a matter document is as of its step's day).

A document reads part of the ledger, and its snapshot folds only that part: ``Snapshot.for_matter``
folds one matter and reads what its document needs beyond it in SQL (its 文号, the consequences
about it, other matters' marks); ``Snapshot.for_period`` leaves out the matters finished before the
period and quiet since (``QuietMatter``). Either reads every matter (as ``from_ledger``) when asked
for anything its part cannot answer (``states`` …), so a template that looks further still reads
the same ledger; the documents they give are those of ``from_ledger`` (``tests/test_fast_paths.py``).

What documents say comes from here, read from the record as the CLI wrote it: the words of a step
(``said``: ``--note``, ``--reason`` …), why it was taken (``reason``: what was recorded, else the rule it
confirmed), the period's praise, criticism and returns (``Mark``), the time limits not kept
(``Lateness``, from the obligations), what a step asks and who took it (``StepFacts``), the time limits
an assignment set, the 口 of a matter (``by_line``) and a unit's year (``assessment``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from ducha_core.assessment import WAITING
from ducha_core.errors import InputError
from ducha_core.escalation import Finding, evaluate, fold_selection
from ducha_core.escalation import year_named as _year_named
from ducha_core.events import Event
from ducha_core.matter import LIGHT_NAMES, MatterEngine, MatterState, light
from ducha_core.model import Person, Unit
from ducha_core.obligations import OFFICE, OWED, Obligation, all_obligations, headline
from ducha_core.policy import WITHDRAWN

LIGHTS = ("red", "yellow", "green", "done", "none")
SHORT_LIGHT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已办结/已报送", "none": "未交办"}
#: marks that show a matter was escalated (提级, 督办令, 重点督办, 约谈, 通报批评, 问责)
ESCALATION_ACTIONS = ("order", "priority_chase", "escalate", "interview", "accountability", "rectification_plan")


#: what a unit does to meet an obligation of each kind (``Obligation.what``), for "仍未报送办理结果"
WHAT_VERBS = {
    "result": "报送办理结果",
    "answer": "答复",
    "plan": "提出办理方案",
    "progress": "报送进展情况",
    "cycle": "报送",
    "explanation": "说明情况",
    "rectification": "报送整改情况",
    "rectification_plan": "报送书面整改方案",
    "improvement": "报送进展",
    "followup": "报送办理结果",
}
#: the fields in which a step records what it says, in the order a document quotes them: the CLI's
#: options (``--method``, ``--reason``, ``--reasons``, ``--progress``, ``--note`` …) and the fields a
#: jurisdiction asks for (形象进度, 印证资料, 整改方案); the first four are quoted without their name
SAID_FIELDS = ("note", "summary", "reason", "reasons", "method", "progress", "visible_progress", "evidence", "plan",
               "requirements")
_PLAIN = frozenset({"note", "summary", "reason", "reasons"})
BULLETIN_NAMES = {"praise": "通报表扬", "criticism": "通报批评"}
#: a date in a step's free text: ISO (2025-10-20), or Chinese with a month and a day (10月20日)
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_HAS_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
#: the unit's 口 when its ``line`` is not set in ``ducha.toml`` (分口汇总)
NO_LINE = "未分口单位"


def _condition(rule_name: str) -> str:
    """What a rule's name says happened, without the consequence it names: "经约谈仍无明显进展：认定“较差”，
    全市通报批评…" -> "经约谈仍无明显进展"; "下达督办令后仍无明显进展，通报批评" -> "下达督办令后仍无明显进展"."""
    head = rule_name.split("：")[0]
    return re.sub(r"，(?:予以)?(?:通报批评|通报表扬)$", "", head)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _as_dict(items: Any, key: str = "id") -> dict[str, Any]:
    if items is None:
        return {}
    if isinstance(items, Mapping):
        return dict(items)
    return {getattr(item, key): item for item in items}


def _engine_for(policy: Any, calendar: Any, people: Mapping[str, Person]) -> MatterEngine:
    """A MatterEngine whose directory is ``people`` (an unknown actor read as a role, as in tests)."""
    if not people:
        return MatterEngine(policy, calendar)

    def directory(actor: str) -> Person:
        if actor in people:
            return people[actor]
        role, _, unit = actor.partition(":")
        return Person(actor, actor, roles=(role,), unit=unit or None)

    return MatterEngine(policy, calendar, directory)


def _titled(state: MatterState, titles: Mapping[str, str]) -> MatterState:
    """``state`` with its title as it is now (``titles``), where that differs."""
    title = titles.get(state.id)
    return attrs.evolve(state, title=title) if title and title != state.title else state


def _later_facts(ledger: Any, as_of: date) -> tuple[dict[str, str], set[str]]:
    """What the log says after ``as_of`` that documents as of ``as_of`` state as it is now: each
    matter's title (a 笔误 corrected later, ``ducha correct --title``) and the matters withdrawn
    since (撤销: registered by mistake, in no figure). Read from the read model (the matters as
    they are now), and only when the log has corrections or withdrawals after ``as_of``."""
    store = getattr(ledger, "store", None)
    if store is None or not hasattr(store, "matter_rows"):
        return {}, set()
    try:
        last = store.last_event_date()
        if last is None or last <= as_of:
            return {}, set()
        count = getattr(store, "count_steps", None)
        after, end = (as_of + timedelta(days=1)).isoformat(), date.max.isoformat()
        if count is not None and not any(count(action, after, end) for action in ("correct", "withdraw")):
            return {}, set()
        from ducha_core.store import MATTER_COLUMNS

        title, state = MATTER_COLUMNS.index("title"), MATTER_COLUMNS.index("state")
        rows = store.matter_rows()
    except Exception:  # a store without a read model to answer: the titles as of the day
        return {}, set()
    return {r[0]: r[title] for r in rows}, {r[0] for r in rows if r[state] == WITHDRAWN}


class Part:
    """Where a snapshot of part of the ledger (``Snapshot.for_matter``, ``Snapshot.for_period``) reads
    matters, each as ``Snapshot.from_ledger`` would have it — folded as of the day with the bulk engine,
    titled as now, withdrawn matters apart, confidential ones only for a reader who may see them, by
    registration day — but only those an answer needs (``fold``); ``whole``: every matter, for
    whatever the part cannot answer."""

    def __init__(self, ledger: Any, as_of: date, viewer: str | None, all_visible: bool):
        self.ledger, self.as_of = ledger, as_of
        self.viewer, self.all_visible = viewer, all_visible
        self.titles: dict[str, str] = {}
        # titles and withdrawals as they are now are read (as ``_later_facts`` reads them) only when the
        # log has a correction or a withdrawal after the day; else they are those of the day
        store = ledger.store
        after, end = (as_of + timedelta(days=1)).isoformat(), date.max.isoformat()
        last = store.last_event_date()
        self._later = last is not None and last > as_of and any(
            store.count_steps(action, after, end) for action in ("correct", "withdraw"))

    def whole(self) -> Snapshot:
        return Snapshot.from_ledger(self.ledger, self.as_of, viewer=self.viewer, all_visible=self.all_visible)

    def sees(self, state: MatterState) -> bool:
        return self.all_visible or self.ledger.visible(state, self.viewer)

    def fold(self, ids: Iterable[str]) -> tuple[list[MatterState], list[MatterState]]:
        """The matters ``ids`` as of the day: (those the reader may see, not withdrawn, by
        registration day; the withdrawn ones). Matters with no event by the day are left out."""
        ids = sorted(set(ids))
        folded = self.ledger._fold_matters(ids, self.as_of)
        gone: set[str] = set()
        if self._later and folded:
            from ducha_core.store import MATTER_COLUMNS

            title, state = MATTER_COLUMNS.index("title"), MATTER_COLUMNS.index("state")
            for row in self.ledger.store.matter_rows(ids=[s.id for s in folded]):
                self.titles[row[0]] = row[title]
                if row[state] == WITHDRAWN:
                    gone.add(row[0])
        folded = [_titled(s, self.titles) for s in folded]
        withdrawn = [s for s in folded if s.state == WITHDRAWN or s.id in gone]
        kept = [s for s in folded if not (s.state == WITHDRAWN or s.id in gone) and self.sees(s)]
        kept.sort(key=lambda s: (s.registered_on, s.id))
        return kept, withdrawn


class OneMatter(Part):
    """What a snapshot of one matter (``Snapshot.for_matter``) reads beyond its matter, chosen in SQL:
    ``marked`` (the matters with marks of some actions), ``findings`` (the consequences about the
    matter or its units)."""

    def __init__(self, ledger: Any, matter_id: str, as_of: date, viewer: str | None, all_visible: bool):
        super().__init__(ledger, as_of, viewer, all_visible)
        self.matter_id = matter_id

    def marked(self, actions: Sequence[str], own: Sequence[MatterState]) -> list[MatterState]:
        """The matters (as ``fold`` gives them) with an event of one of ``actions`` by the day; the
        snapshot's own states (``own``) stand for themselves."""
        mine = {s.id: s for s in own}
        ids = self.ledger.store.matters_with(tuple(actions), self.as_of.isoformat())
        kept, _ = self.fold([i for i in ids if i not in mine])
        kept += [mine[i] for i in ids if i in mine]
        kept.sort(key=lambda s: (s.registered_on, s.id))
        return kept

    def findings(self, state: MatterState) -> list[Finding]:
        """What the rules call for as of the day that names the matter, or no matter but one of its
        units, over the matters the reader may see (as ``Snapshot.findings`` finds it over every
        matter): evaluated over the matter, the matters whose events a count, a grade or a
        confirmation reads (the read model's marks), and where grades are read (a grade's finding
        names each unit's first matter), the first matter each of its units leads and the matters
        changed after the day (see ``Ledger.matter_findings``)."""
        ledger, store, day = self.ledger, self.ledger.store, self.as_of
        selection = fold_selection(ledger.policy, ledger.calendar, day)
        ids = {self.matter_id, *store.marked_matters()}
        if selection.first_lead:
            ids.update(store.changed_after(day.isoformat()))
        kept, _ = self.fold(ids - {self.matter_id})
        kept.append(state)
        if selection.first_lead:  # each unit's first matter the reader may see
            have = {s.id for s in kept}
            for unit in sorted(state.units):
                for mid in store.led_by(unit, day.isoformat()):
                    if mid in have:
                        break
                    first, _ = self.fold([mid])
                    if first:
                        kept += first
                        have.add(mid)
                        break
        kept.sort(key=lambda s: (s.registered_on, s.id))
        units = set(state.units)
        return [f for f in evaluate(ledger.policy, ledger.calendar, kept, day)
                if f.matter == state.id or (f.matter is None and f.unit in units)]


@attrs.frozen
class QuietMatter:
    """A matter a snapshot of a period (``Snapshot.for_period``) does not fold: it finished before the
    period began and nothing has happened to it since (``store.period_matters``); what the period's
    figures read of it — it is assigned to its lead units, and its grade — from the read model."""

    id: str | None
    registered_on: date
    lead_units: tuple[str, ...]
    grade: str | None
    #: how many matters this stands for: the quiet matters with no grade come as one per lead units
    #: (``id`` None, ``registered_on`` the earliest), counted, not listed
    count: int = 1


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


@attrs.frozen
class Lateness:
    """A time limit a unit did not keep, read from the matter's obligations (never from its registration
    or a limit since changed): ``status`` ``late`` (met after its last day), ``superseded`` (changed by
    an extension or a new limit after its last day had passed), ``overdue`` (still owed, its last day
    passed as of ``as_of``) or ``missed`` (漏报: no longer expected, never met). ``days``: working days
    late — to the day met, the day changed, or ``as_of``; 0 when missed."""

    matter: MatterState
    obligation: Obligation
    status: str
    days: int
    as_of: date
    units_text: str

    @property
    def name(self) -> str:
        return self.obligation.name

    @property
    def due(self) -> date | None:
        return self.obligation.due

    @property
    def verb(self) -> str:
        return WHAT_VERBS.get(self.obligation.what, "报送")

    @property
    def text(self) -> str:
        """One clause: 交办通知明确的办理时限于2025年11月5日到期，截至2025年12月31日已逾期40个工作日仍未报送办理结果."""
        head = f"{self.name}于{cn_date(self.due)}到期"
        if self.status == "late":
            return f"{head}，{cn_date(self.obligation.met_on)}才{self.verb}，逾期{self.days}个工作日"
        if self.status == "superseded":
            return f"{head}，逾期{self.days}个工作日后变更期限"
        if self.status == "overdue":
            return f"{head}，截至{cn_date(self.as_of)}已逾期{self.days}个工作日仍未{self.verb}"
        return f"{head}，未{self.verb}（漏报）"


@attrs.frozen
class Mark:
    """A step the office recorded on a matter as documents cite it (通报表扬/批评, 督办令, 约谈, 退回 …).
    ``reason``: what was recorded with it (``--reason``, ``--note`` …), else the name of the rule that
    called for it (``--step``), else ""; ``article``: that rule's article."""

    matter: MatterState
    event: Event
    units: tuple[str, ...]
    units_text: str
    reason: str
    article: str

    @property
    def on(self) -> date:
        return self.event.on


@attrs.frozen
class StepFacts:
    """What a matter document says about the step it serves (约谈, 督办令, 催办): who took it, when and
    where, who approved it, why (``reason``, ``rule``), what it asks of the units (``obligations``
    it created, with their last days) and the time limits overdue on its day (``overdue``).
    ``event`` is None when the step is not recorded yet (``day`` is then the snapshot's day)."""

    matter: MatterState
    event: Event | None
    day: date
    actor: str  # the person's name
    actor_title: str  # their title, else the name of their role the step allows
    approver: str
    approver_title: str  # the name of the approver's role (市政府), without its gloss in parentheses
    units: tuple[str, ...]
    units_text: str
    reason: str
    rule: Any  # the EscalationStep (or GradeRule) the step confirmed, if any
    article: str
    obligations: tuple[Obligation, ...]
    overdue: tuple[Lateness, ...]
    data: dict[str, Any]
    reminded: int = 0  # reminders (催办/督办) recorded before it, on or before its day


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
    returns: int = 0  # 退回重新办理 in the period (all, when no period)
    lapses: int = 0  # time limits not kept in the period (met late, changed late, overdue, missed)
    praise: int = 0
    criticism: int = 0
    escalations: int = 0
    grades: list[str] = attrs.field(factory=list)

    def add(self, outcome: str | None, n: int = 1) -> None:
        """``n`` matters it leads, counted as ``outcome`` (``matter_outcome``; None: assigned only)."""
        self.assigned += n
        if outcome in ("on_time", "late"):
            self.done += n
        if outcome is not None:
            setattr(self, outcome, getattr(self, outcome) + n)

    def add_step(self, action: str, kind: Any, n: int = 1) -> None:
        """``n`` steps of ``action`` naming this unit: a 通报 (``kind`` praise or criticism), a 退回重新办理
        (办理质量), an escalation."""
        if action == "bulletin":
            if kind == "praise":
                self.praise += n
            elif kind == "criticism":
                self.criticism += n
        elif action == "review_return":
            self.returns += n
        elif action in ESCALATION_ACTIONS:
            self.escalations += n

    @property
    def rate(self) -> float | None:
        """On-time rate (按时办结率) over matters done; None when nothing is done yet."""
        return self.on_time / self.done if self.done else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.0%}"


def matter_outcome(done: bool, on_time: bool | None, red: bool) -> str:
    """How a matter counts in its lead units' figures (``UnitStats.add``): done on time or late,
    overdue (red) or open."""
    if done:
        return "on_time" if on_time else "late"
    return "overdue" if red else "open"


@attrs.define
class Snapshot:
    """The ledger as of ``as_of``: policy, calendar, units, people, matter states."""

    policy: Any
    calendar: Any
    as_of: date
    #: the matters the reader may see, by registration day (``states``)
    _states: list[MatterState]
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
    #: the matters withdrawn (撤销, registered by mistake) by now — as of today, not only as of
    #: ``as_of``: they are in no document's figures or lists (``states`` and ``_every`` leave them
    #: out), but the 文号 their steps took stay taken (``step_keys``)
    _withdrawn: list[MatterState] = attrs.field(factory=list, repr=False)
    #: ids of the withdrawn matters the reader may see (a document about one is refused, saying so)
    withdrawn_ids: frozenset[str] = frozenset()
    #: 发文机关 (``[documents] issuer`` in ducha.toml): the 发文机关标志, 署名 and 印发机关; "" : the office
    issuer: str = ""
    #: the 文号 register of the documents that are not a matter's step (督查通报, 年度考核汇总):
    #: (kind, subject) -> (year, n), as issued (``ducha doc … --issue``); read from the store
    issued: dict[tuple[str, str], tuple[int, int]] = attrs.field(factory=dict)
    #: each matter's title as it is now (a 笔误 corrected after ``as_of`` by ``ducha correct --title``),
    #: where it differs from its title as of ``as_of``
    titles: dict[str, str] = attrs.field(factory=dict)
    #: the engine that folded the states (``at`` folds them again, as of an earlier day)
    _engine: Any = attrs.field(default=None, repr=False)
    #: a snapshot of part of the ledger (``for_matter``, ``for_period``): where what lies beyond it is
    #: read (``Part``); None once the snapshot holds every matter
    _source: Any = attrs.field(default=None, repr=False)
    #: a snapshot of a period (``for_period``): the matters it does not fold, finished before ``_quiet_from``
    _quiet: list[QuietMatter] | None = attrs.field(default=None, repr=False)
    _quiet_from: date | None = attrs.field(default=None, repr=False)
    #: ``unit_stats`` by period, computed once (the dashboard reads them twice)
    _stats: dict[Any, list[UnitStats]] = attrs.field(factory=dict, repr=False)
    #: ``lateness`` by matter (its id(), the state kept to check it is that one), period and ``waiting``:
    #: a bulletin's figures and its list read each matter's
    _late: dict[tuple, tuple[MatterState, list]] = attrs.field(factory=dict, repr=False)

    @property
    def states(self) -> list[MatterState]:
        """The matters the reader may see as of ``as_of``, by registration day (withdrawn ones left
        out). A snapshot of part of the ledger (``for_matter``, ``for_period``) reads every matter when
        this is first asked for (a template that looks beyond its part); what the shipped documents
        read does not ask."""
        if self._source is not None:
            self._read_every()
        return self._states

    def _read_every(self) -> None:
        """A snapshot of part of the ledger made a snapshot of all of it (as ``from_ledger`` makes it)."""
        whole = self._source.whole()
        self._states, self._every, self._withdrawn = whole._states, whole._every, whole._withdrawn
        self.withdrawn_ids, self.titles = whole.withdrawn_ids, whole.titles
        self._findings, self._keys, self._source, self._quiet, self._stats, self._late = None, {}, None, None, {}, {}

    def _answers(self, period: Period | None) -> bool:
        """Whether a snapshot of a period (``for_period``) answers a question about ``period`` from the
        matters it folded: the others finished before it began, and nothing has happened to them since."""
        return self._quiet is not None and period is not None and period.start >= self._quiet_from

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def from_ledger(cls, ledger: Any, as_of: date, *, viewer: str | None = None, all_visible: bool = False) -> Snapshot:
        """The ledger as of a day. Confidential matters are left out unless ``viewer`` may see them
        (``Ledger.visible``) or ``all_visible``; withdrawn matters (撤销) are left out, and every
        matter carries its title as it is now (``titles``)."""
        titles, gone = _later_facts(ledger, as_of)
        folded = [_titled(s, titles) for s in ledger.states(as_of=as_of, explain=False)]
        withdrawn = [s for s in folded if s.state == WITHDRAWN or s.id in gone]
        every = [s for s in folded if not (s.state == WITHDRAWN or s.id in gone)]
        states = [s for s in every if all_visible or ledger.visible(s, viewer)]
        states.sort(key=lambda s: (s.registered_on, s.id))
        return cls._of_ledger(
            ledger, as_of, states,
            every=None if len(states) == len(every) else every,
            withdrawn=withdrawn,
            withdrawn_ids=frozenset(s.id for s in withdrawn if all_visible or ledger.visible(s, viewer)),
            titles=titles,
        )

    @classmethod
    def _of_ledger(cls, ledger: Any, as_of: date, states: list[MatterState], **more: Any) -> Snapshot:
        """A snapshot of ``states`` with what the ledger gives every snapshot: its policy, calendar,
        engine, units and people, 文号 patterns, issuer and the 文号 issued."""
        config = getattr(ledger, "config", None)
        store = getattr(ledger, "store", None)
        return cls(
            ledger.policy,
            ledger.calendar,
            as_of,
            states,
            _as_dict(getattr(config, "units", None)),
            _as_dict(getattr(config, "people", None)),
            number_patterns=dict(getattr(config, "number_patterns", None) or {}),
            issuer=getattr(config, "issuer", None) or "",
            issued=store.issued_numbers() if hasattr(store, "issued_numbers") else {},
            engine=getattr(ledger, "engine", None),
            **more,
        )

    @classmethod
    def for_matter(cls, ledger: Any, matter_id: str, as_of: date, *, viewer: str | None = None,
                   all_visible: bool = False) -> Snapshot:
        """The snapshot a document about one matter reads (``from_ledger`` as of ``as_of``, for that
        matter): the matter alone is folded; what the document reads beyond it is read in SQL from
        the read model and the log — its 文号 (the steps of its kind before it, ``Ledger.step_count``),
        the consequences found about it or its units (``OneMatter.findings``), the marks of other
        matters (a unit's 通报批评 of the year, ``marks``) — and every matter only if asked for
        (``states``). Where the read model cannot answer (derived under another policy, behind the
        log): ``from_ledger``."""
        store = getattr(ledger, "store", None)
        if not (hasattr(store, "led_by") and ledger._read_model_usable() and store.at_head()):
            return cls.from_ledger(ledger, as_of, viewer=viewer, all_visible=all_visible)
        source = OneMatter(ledger, matter_id, as_of, viewer, all_visible)
        return cls._of_part(ledger, as_of, source, *source.fold([matter_id]))

    @classmethod
    def for_period(cls, ledger: Any, period: Period, as_of: date, *, viewer: str | None = None,
                   all_visible: bool = False) -> Snapshot:
        """The snapshot a document about ``period`` reads (``from_ledger`` as of ``as_of``): the matters
        that finished before the period began and have had nothing happen since (``QuietMatter``,
        chosen in SQL from the read model: ``store.period_matters``) are not folded — the period's
        lists and figures read nothing of them but their lead units and grade (``unit_stats``) —, every
        other matter is. Asked about anything else (``states``, an earlier period, every mark), it
        reads every matter. Where the read model cannot answer: ``from_ledger``."""
        store = getattr(ledger, "store", None)
        if not (hasattr(store, "period_matters") and ledger._read_model_usable() and store.at_head()):
            return cls.from_ledger(ledger, as_of, viewer=viewer, all_visible=all_visible)
        policy = ledger.policy
        rows = store.period_matters(start=period.start.isoformat(), as_of=as_of.isoformat(),
                                    ended=sorted(k for k, v in policy.states.items() if v.terminal),
                                    running=sorted(k for k, v in policy.states.items() if v.clock_running))
        if rows is None:
            return cls.from_ledger(ledger, as_of, viewer=viewer, all_visible=all_visible)
        quiet = [QuietMatter(mid, date.fromisoformat(registered), tuple(u for u in lead.split(",") if u), grade or None,
                             count)
                 for mid, registered, lead, grade, still, count in rows if still]
        source = Part(ledger, as_of, viewer, all_visible)
        states, withdrawn = source.fold([r[0] for r in rows if not r[4]])
        return cls._of_part(ledger, as_of, source, states, withdrawn, quiet=quiet, quiet_from=period.start)

    @classmethod
    def _of_part(cls, ledger: Any, as_of: date, source: Part, states: list[MatterState], withdrawn: list[MatterState],
                 **more: Any) -> Snapshot:
        """A snapshot of the matters ``states`` (and ``withdrawn``) as ``source`` folded them, the
        rest of it as ``from_ledger`` makes it."""
        return cls._of_ledger(ledger, as_of, states, withdrawn=withdrawn,
                              withdrawn_ids=frozenset(s.id for s in withdrawn if source.sees(s)),
                              titles=dict(source.titles), source=source, **more)

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
        issuer: str = "",
        issued: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> Snapshot:
        """The ledger of ``events`` as of a day (events after it are read only for what is true now:
        a title corrected later, a matter withdrawn later)."""
        events = list(events)
        people_d = _as_dict(people)
        engine = _engine_for(policy, calendar, people_d)
        titles: dict[str, str] = {}
        gone: set[str] = set()
        by_matter: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            if event.on <= as_of:
                by_matter[event.matter].append(event)
            elif event.action == "correct" and str(event.data.get("title") or "").strip():
                titles[event.matter] = str(event.data["title"]).strip()
            if event.action == "withdraw":
                gone.add(event.matter)
        folded = [_titled(engine.fold(evs), titles) for evs in by_matter.values()]
        states = sorted((s for s in folded if s.id not in gone), key=lambda s: (s.registered_on, s.id))
        withdrawn = [s for s in folded if s.id in gone]
        return cls(policy, calendar, as_of, states, _as_dict(units), people_d,
                   number_patterns=dict(number_patterns or {}), withdrawn=withdrawn,
                   withdrawn_ids=frozenset(s.id for s in withdrawn), issuer=issuer, issued=dict(issued or {}),
                   titles=titles, engine=engine)

    def at(self, day: date) -> Snapshot:
        """The same ledger as of an earlier day (a matter document is as of its step's day): the
        states folded again from their events up to ``day``; titles and withdrawals as now."""
        if day == self.as_of:
            return self
        if day > self.as_of:
            raise InputError(f"台账截至 {self.as_of}，不能读取 {day} 的情况")
        if self._source is not None:
            self._read_every()
        engine = self._engine or _engine_for(self.policy, self.calendar, self.people)

        def refold(states: Iterable[MatterState]) -> list[MatterState]:
            out = []
            for state in states:
                events = [e for e in state.events if e.on <= day]
                if events:
                    out.append(_titled(engine.fold(events), self.titles))
            return out

        visible = {s.id for s in self.states}
        every = refold(self._every if self._every is not None else self.states)
        states = [s for s in every if s.id in visible]
        states.sort(key=lambda s: (s.registered_on, s.id))
        return attrs.evolve(self, as_of=day, states=states, findings=None, rows=None, stats={}, late={},
                            every=None if len(states) == len(every) else every, keys={},
                            withdrawn=refold(self._withdrawn))

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
        for state in self._states:
            if state.id == matter_id:
                return state
        if self._source is not None and matter_id != getattr(self._source, "matter_id", None):  # not its matter
            self._read_every()
            return self.matter(matter_id)
        if matter_id in self.withdrawn_ids:
            raise InputError(f"事项 {matter_id} 已撤销（误登记，不计入统计），不生成公文")
        raise InputError(f"没有事项 {matter_id}（截至 {self.as_of}）；ducha ledger 列出各事项")

    def step_event(self, state: MatterState, action: str, *, on: date | None = None) -> Event | None:
        """The latest ``action`` step recorded on ``state`` up to the snapshot's day (on the day
        ``on``, if given): the step a matter document documents; None if there is none."""
        return next((e for e in reversed(state.events)
                     if e.action == action and e.on <= self.as_of and (on is None or e.on == on)), None)

    # --- derived ---------------------------------------------------------------------------------

    def step_keys(self, action: str) -> list[tuple]:
        """(day, seq, matter, index) of every ``action`` event in the ledger as of ``as_of``, in the
        order documents are numbered (confidential matters included: a number is never reused)."""
        if self._source is not None:
            self._read_every()
        keys = self._keys.get(action)
        if keys is None:
            every = [*(self._every if self._every is not None else self.states), *self._withdrawn]
            keys = sorted((e.on, e.seq, s.id, i) for s in every for i, e in enumerate(s.events) if e.action == action)
            self._keys[action] = keys
        return keys

    def steps_before(self, action: str, year: int, upto: date, before: Event | None = None) -> int:
        """How many ``action`` steps the ledger has in ``year`` dated up to ``upto`` (of every matter,
        confidential and withdrawn ones too), and with ``before``, ordered before that event (by day,
        then as recorded): a matter document's 文号 is one more (``render.document_seq``). Counted in
        SQL for a snapshot of one matter (``Ledger.step_count``), else over ``step_keys``."""
        if isinstance(self._source, OneMatter):
            return self._source.ledger.step_count(action, year=year, upto=upto, before=before)
        key = (before.on, before.seq) if before is not None else None
        return sum(1 for k in self.step_keys(action)
                   if k[0].year == year and k[0] <= upto and (key is None or (k[0], k[1]) < key))

    @property
    def findings(self) -> list[Finding]:
        """What the rules call for as of ``as_of`` over the matters of ``states``."""
        if self._findings is None:
            self._findings = evaluate(self.policy, self.calendar, self.states, self.as_of)
        return self._findings

    def matter_findings(self, matter: MatterState) -> list[Finding]:
        """The ``findings`` a document about ``matter`` lists: those naming it, or no matter but one of
        its units (a unit's count or grade). A snapshot of the matter finds them without folding
        every matter (``OneMatter.findings``)."""
        if isinstance(self._source, OneMatter) and matter.id == self._source.matter_id and self._findings is None:
            return self._source.findings(matter)
        return [f for f in self.findings if f.matter == matter.id or (f.matter is None and f.unit in matter.units)]

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
        if done:  # as `ducha show` and `ducha obligations` call each time limit (one definition)
            on_time = on_time_verdict([o for o in obligations if o.starts <= self.as_of], self.as_of)
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
        """(matter, event) for marks (bulletins, orders, interviews …) of the given actions. A snapshot
        of one matter reads the matters with such marks only (``OneMatter.marked``)."""
        out = []
        if isinstance(self._source, OneMatter) and actions is not None:
            states = self._source.marked(actions, self._states)
        elif self._answers(period):  # the matters not folded have no event in the period
            states = self._states
        else:
            states = self.states
        for state in states:
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

    # --- what documents say (facts read from the record; nothing made up) ------------------------

    def said_parts(self, event: Event, *, kind: bool = True, until: bool = True) -> list[tuple[str, str]]:
        """What a step records in words, part by part: (name, text), the name "" for the words
        quoted without one (``--note``, ``--reason`` …), else the field's name (催办方式, 形象进度 …);
        see ``said``."""
        data = event.data
        parts: list[tuple[str, str]] = []
        for key in SAID_FIELDS:
            value = data.get(key)
            if isinstance(value, bool) or value is None or isinstance(value, list | dict):
                continue
            text = str(value).strip()
            if not text or any(text in p for _, p in parts):
                continue
            parts.append(("" if key in _PLAIN else self.policy.field_names.get(key, key), text))
        for key, name in self._choice_names(event).items():
            parts.append((self.policy.field_names.get(key, key), name))
        day = _day(data.get("until")) if until else None
        if day is not None:
            parts.append(("", f"期限至{cn_date(day)}"))
        if kind and event.action == "bulletin" and data.get("type") in BULLETIN_NAMES:
            parts.insert(0, ("", BULLETIN_NAMES[data["type"]]))
        return parts

    def said(self, event: Event, *, kind: bool = True, until: bool = True) -> str:
        """What a step records in words, as the CLI writes it (``--note``, ``--reason``, ``--reasons``,
        ``--method``, ``--progress`` …, and a jurisdiction's own fields such as 形象进度), joined with
        "；"; a choice from the document's list (督查发现的情形 …) by its name; a 通报 says which (表扬 or
        批评) unless ``kind`` is false, a date it sets (``--until``) unless ``until`` is false; "" when
        nothing was said."""
        return "；".join(f"{name}：{text}" if name else text for name, text in self.said_parts(event, kind=kind, until=until))

    def labelled(self, event: Event | None, label: str, *, kind: bool = False, until: bool = True) -> str:
        """What a step says, under ``label`` once: "催办事项：请于本周内报送；催办方式：电话催办"; a part
        that has its own name keeps it and is not labelled twice ("催办方式：电话催办", never
        "督办事项：催办方式：电话催办"); "" when nothing was said."""
        if event is None:
            return ""
        parts = self.said_parts(event, kind=kind, until=until)
        plain = "；".join(text for name, text in parts if not name)
        named = [f"{name}：{text}" for name, text in parts if name]
        return "；".join(([f"{label}：{plain}"] if plain else []) + named)

    def why(self, event: Event | None, label: str) -> str:
        """Why a step was taken, under ``label`` once (``labelled``: what it says; else the rule it
        confirmed: "督办事由：下达督办令后仍无明显进展"); "" when neither was recorded."""
        if event is None:
            return ""
        text = self.labelled(event, label, until=False)
        if text:
            return text
        rule = self.step_rule(event)
        condition = _condition(getattr(rule, "name", "")) if rule is not None else ""
        return f"{label}：{condition}" if condition else ""

    def _choice_names(self, event: Event) -> dict[str, str]:
        """Fields of ``event`` whose value comes from a list the document names (a setting's dict:
        value -> name), other than those ``said`` quotes already."""
        out: dict[str, str] = {}
        for t in self.policy.procedure.transitions:
            if t.action != event.action:
                continue
            for key, setting in t.choices.items():
                names = self.policy.settings.get(setting) if isinstance(setting, str) else None
                value = event.data.get(key)
                if key not in SAID_FIELDS and isinstance(names, dict) and value in names:
                    out[key] = str(names[value])
        return out

    def step_rule(self, event: Event) -> Any:
        """The escalation rung (or forced-grade rule) a step confirmed (its ``--step``), or None."""
        step = event.data.get("step")
        if not step:
            return None
        for rule in self.policy.escalation:
            if rule.id == step:
                return rule
        if self.policy.grading is not None:
            for rule in self.policy.grading.rules:
                if rule.id == step:
                    return rule
        return None

    def reason(self, event: Event) -> str:
        """Why a step was taken, as recorded: what it says (``said``: reason, note …), else the name
        of the rule it confirmed; "" when neither was recorded (a document then gives no reason
        rather than a made-up one)."""
        text = self.said(event, kind=False, until=False)
        if text:
            return text
        rule = self.step_rule(event)
        return _condition(getattr(rule, "name", "")) if rule is not None else ""

    def mark(self, state: MatterState, event: Event) -> Mark:
        units = tuple(self.event_units(state, event))
        rule = self.step_rule(event)
        return Mark(state, event, units, self.unit_names(units), self.reason(event),
                    rule.citation.article if rule is not None and rule.citation else "")

    def praise(self, period: Period | None = None) -> list[Mark]:
        """The period's 通报表扬, each with its units and recorded reason."""
        return [self.mark(s, e) for s, e in self.bulletins("praise", period)]

    def criticism(self, period: Period | None = None) -> list[Mark]:
        """The period's 通报批评, each with its units and recorded reason."""
        return [self.mark(s, e) for s, e in self.bulletins("criticism", period)]

    def returns(self, period: Period | None = None) -> list[Mark]:
        """The period's 退回重新办理 (review_return), each with the recorded reason (办理质量)."""
        return [self.mark(s, e) for s, e in self.marks(("review_return",), period)]

    def findings_recorded(self, state: MatterState) -> list[Mark]:
        """督查发现 recorded on a matter (``ducha finding --note``), with what was found."""
        return [self.mark(state, e) for e in state.events if e.action == "finding" and e.on <= self.as_of]

    def unit_obligations(self, state: MatterState, upto: date | None = None) -> list[Obligation]:
        """The time limits the handling units owe on ``state`` (not the office's own), as of ``upto``."""
        upto = upto or self.as_of
        return [o for o in all_obligations(state, upto, self.calendar, self.policy.convention)
                if o.owed_by != (OFFICE,)]

    def _lateness(self, state: MatterState, ob: Obligation, status: str, days: int, day: date) -> Lateness:
        return Lateness(state, ob, status, days, day, self.unit_names(ob.owed_by))

    def overdue(self, state: MatterState, day: date | None = None) -> list[Lateness]:
        """The time limits on ``state`` still owed and past their last day as of ``day`` (the
        snapshot's day): each with its own last day and the working days since (``Lateness``)."""
        day = min(day or self.as_of, self.as_of)
        return [self._lateness(state, o, "overdue", self.calendar.workdays_between(o.due, day), day)
                for o in self.unit_obligations(state, day) if o.due is not None and o.status(day) == "overdue"]

    def lateness(self, state: MatterState, period: Period | None = None, *, waiting: bool = False) -> list[Lateness]:
        """The time limits on ``state`` not kept, in ``period`` (the whole record when None): met
        late or changed late within it, still overdue at its end (or the snapshot's day, if earlier),
        missed with a last day within it. The waiting period after a 督办令 or 通报 (``WAITING``) is
        left out unless ``waiting``: its lapse is the fact of a consequence, listed as such."""
        key = (id(state), period, waiting)
        kept = self._late.get(key)
        if kept is not None and kept[0] is state:
            return list(kept[1])
        found = self._lateness_of(state, period, waiting)
        self._late[key] = (state, found)
        return list(found)

    def _lateness_of(self, state: MatterState, period: Period | None, waiting: bool) -> list[Lateness]:
        start = period.start if period is not None else None
        ref = min(self.as_of, period.end) if period is not None else self.as_of
        out: list[Lateness] = []
        for o in self.unit_obligations(state, ref):
            if o.due is None or (o.what in WAITING and not waiting):
                continue
            status = o.status(ref)
            if status == "late" and (start is None or o.met_on >= start):
                out.append(self._lateness(state, o, "late", o.late_by, ref))
            elif status == "superseded" and o.late_by and (start is None or o.superseded_on >= start):
                out.append(self._lateness(state, o, "superseded", o.late_by, ref))
            elif status == "overdue":
                out.append(self._lateness(state, o, "overdue", self.calendar.workdays_between(o.due, ref), ref))
            elif status == "missed" and (start is None or o.due >= start):
                out.append(self._lateness(state, o, "missed", 0, ref))
        return out

    def period_lateness(self, period: Period) -> list[Lateness]:
        """Every time limit not kept in ``period`` on the matters live in it (``lateness``), by last day."""
        found = [x for s in self.in_period(period) for x in self.lateness(s, period)]
        return sorted(found, key=lambda x: (x.due or date.max, x.matter.registered_on, x.matter.id))

    def time_limits(self, state: MatterState) -> list[str]:
        """The time limits the assignment set, as a 督查通知 states them (七(二) 明确……办理时限): each
        fixed limit's last day (or 随办随报) with its name and article, each recurring report's cycle:
        "2025年9月8日前（领导批示交办事项报送办理结果，九）"; the owing units are named where they are
        not the lead units. Empty before assignment (nothing is said rather than "按本通知要求")."""
        if state.assigned_on is None:
            return []
        out: list[str] = []
        leads = set(state.lead_units)
        for o in sorted(state.obligations, key=lambda o: o.due or date.max):
            if o.starts != state.assigned_on or o.source != -1 or o.supersedes or o.rework_of or o.owed_by == (OFFICE,):
                continue
            due = o.deadline
            when = f"{cn_date(due.date)}前" if due.date is not None else due.date_text
            if due.date is not None and due.provisional:
                when += "（暂定）"
            why = "，".join(x for x in (o.name, due.citation.article if due.citation else "") if x)
            text = f"{when}（{why}）"
            if set(o.owed_by) != leads:  # owed by some of the units only (各牵头单位分别报送 …)
                text = f"{self.unit_names(o.owed_by)}{text}"
            if text not in out:
                out.append(text)
        for series in state.series:
            if series.starts != state.assigned_on or series.owed_by == (OFFICE,):
                continue
            text = f"{series.cycle.due.describe()}前（{series.cycle.name}，{series.cycle.citation.article}）"
            if text not in out:
                out.append(text)
        return out

    def requirements(self, state: MatterState) -> str:
        """The 任务要求 the assignment recorded (``assign --requirements``, else its ``--note``); ""."""
        event = state.last("assign")
        if event is None:
            return ""
        for key in ("requirements", "note"):
            value = event.data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""

    def step_facts(self, state: MatterState, action: str) -> StepFacts:
        """The latest ``action`` step recorded on ``state`` up to the snapshot's day, as a document
        about it states it (``StepFacts``): for 约谈通知 (leader, time, place, approval, the
        obligations it creates), 督办令 (its last day) and 催办通知 (lateness on the reminder's day)."""
        event = next((e for e in reversed(state.events) if e.action == action and e.on <= self.as_of), None)
        if event is None:
            return StepFacts(state, None, self.as_of, "", "", "", "", tuple(state.lead_units),
                             self.unit_names(state.lead_units), "", None, "", (), tuple(self.overdue(state)), {})
        index = state.events.index(event)
        person = self.people.get(event.actor)
        transition = next((t for t in self.policy.procedure.transitions if t.action == action), None)
        role = next((self.policy.roles[r].name for r in (person.roles if person else ())
                     if transition is not None and r in transition.roles and r in self.policy.roles), "")
        approver_id = event.data.get("approved_by")
        approver = self.people.get(approver_id) if approver_id else None
        approver_role = next((self.policy.roles[r].name.split("（")[0] for r in (approver.roles if approver else ())
                              if r in self.policy.roles), "")
        rule = self.step_rule(event)
        created = tuple(o for o in state.obligations if o.source == index)
        units = tuple(self.event_units(state, event))
        return StepFacts(
            state, event, event.on, self.person_name(event.actor), (person.title if person else "") or role,
            self.person_name(approver_id) if approver_id else "", approver_role,
            units, self.unit_names(units), self.reason(event), rule,
            rule.citation.article if rule is not None and rule.citation else "",
            created, tuple(self.overdue(state, event.on)), dict(event.data),
            sum(1 for e in state.events[:index] if e.action == "remind"),
        )

    def transition(self, action: str) -> Any:
        """The procedure's (first) step for ``action``, for its name and article; None if it has none."""
        return next((t for t in self.policy.procedure.transitions if t.action == action), None)

    def step_name(self, action: str) -> str:
        """What the document calls the paper a step issues: its step name without 下达 (下达督办令 -> 督办令,
        下达督办通知 -> 督办通知), else the core's name of the action."""
        t = self.transition(action)
        name = (t.name if t is not None and t.name else "") or self.policy.action_name(action)
        return name.removeprefix("下达")

    def consequences(self, action: str) -> list[Any]:
        """The rungs of the ladder that follow when what an ``action`` step asks is not done (an ``After``
        trigger on its obligation): 督办令后仍无明显进展 -> 通报批评 (Weinan 十六(二))."""
        return [r for r in self.policy.escalation
                if getattr(r.trigger, "action", None) == action and getattr(r.trigger, "obligation", None)]

    def owed(self, ob: Obligation) -> str:
        """What an obligation asks, with its last day: "2025年10月9日前报送书面整改方案"."""
        verb = WHAT_VERBS.get(ob.what, "报送")
        return f"{cn_date(ob.due)}前{verb}" if ob.due is not None else f"{ob.deadline.date_text}{verb}"

    def consequence_text(self, rule: Any) -> str:
        """A rung of the ladder as one clause of a notice: what happens, if what: "下达督办令后仍无明显
        进展的，将予以通报批评" (from its name "下达督办令后仍无明显进展，通报批评")."""
        name = str(getattr(rule, "name", ""))
        condition = _condition(name)
        if "：" in name:
            then = name.split("：", 1)[1]
        elif "，" in name:
            then = name.rsplit("，", 1)[1]
        else:
            then = BULLETIN_NAMES.get(rule.data.get("type"), "") if rule.proposes == "bulletin" else ""
            then = then or self.policy.action_name(rule.proposes)
        then = then.split("，")[0]
        verb = "将" if then.startswith(("予以", "给予", "提出", "由", "取消", "约谈", "责令", "移交", "追究")) else "将予以"
        return f"{condition}的，{verb}{then}" if condition else f"{verb}{then}"

    def progress_reports(self, state: MatterState) -> list[Event]:
        """The 阶段性进展 the units reported (``ducha progress``) up to the snapshot's day: the
        steps recorded as progress, not a result (``submit``) that also meets a progress report."""
        return [e for e in state.events if e.action == "progress" and e.on <= self.as_of]

    def owed_limits(self, state: MatterState, day: date | None = None) -> list[Obligation]:
        """The time limits the units still owe on ``state`` as of ``day`` (the snapshot's day), each
        with its own last day, by last day: what a reminder names (a date is never paired with
        another limit's name)."""
        day = min(day or self.as_of, self.as_of)
        return sorted((o for o in self.unit_obligations(state, day) if o.status(day) in OWED),
                      key=lambda o: (o.due is None, o.due or date.max, o.starts))

    def limit_text(self, ob: Obligation) -> str:
        """One time limit with its own name and article: "2026年11月24日前（提出办理方案，五(三)）"."""
        due = ob.deadline
        when = f"{cn_date(due.date)}前" if due.date is not None else (due.date_text or "随办随报")
        if due.date is not None and due.provisional:
            when += "（暂定）"
        why = "，".join(x for x in (ob.name, due.citation.article if due.citation else "") if x)
        return f"{when}（{why}）" if why else when

    def talk_time(self, facts: StepFacts) -> str:
        """When the talk of an ``interview`` step is held, as its notice states it: the step's
        ``--time`` where it carries a date ("2025年10月20日上午9时": the notice is issued on the
        step's day ``--on``, the talk may be later), else the step's day and that time ("2025年9月
        26日上午9时"); "" when no time was recorded (the notice says it will be announced)."""
        text = str(facts.data.get("time") or "").strip()
        if not text:
            return ""
        text = _ISO_DAY.sub(lambda m: cn_date(_day(m.group(0))) if _day(m.group(0)) else m.group(0), text)
        if _HAS_DAY.search(text):
            return text
        return f"{cn_date(facts.day)}{text}"

    def criticisms_in_year(self, units: Iterable[str], year: int, upto: date | None = None) -> list[Mark]:
        """The 通报批评 of any of ``units`` counting in ``year`` up to ``upto`` (the snapshot's day),
        on every matter: what 十六(二) "一年内受到通报批评两次" counts."""
        upto = upto or self.as_of
        wanted = set(units)
        return [self.mark(s, e) for s, e in self.marks(("bulletin",))
                if e.data.get("type") == "criticism" and e.on <= upto and year_of(e) == year
                and wanted & set(self.event_units(s, e))]

    # --- 分口 (Ankang 第七条) ------------------------------------------------------------------------

    def line_of(self, state: MatterState) -> str:
        """The 口 a matter is reported under: its first lead (主办) unit's ``line`` in ``ducha.toml``,
        else ``NO_LINE``."""
        for unit in state.lead_units:
            u = self.units.get(unit)
            if u is not None and getattr(u, "line", None):
                return u.line
            break
        return NO_LINE

    def by_line(self, groups: Mapping[str, Sequence[MatterState]]) -> list[tuple[str, dict[str, list[MatterState]]]]:
        """``groups`` (category -> matters, e.g. ``by_progress_status``) split by 口: (口, category ->
        matters) in the order the deployment lists its units' 口, ``NO_LINE`` last."""
        order = [u.line for u in self.units.values() if getattr(u, "line", None)]
        found: dict[str, dict[str, list[MatterState]]] = {}
        for category, states in groups.items():
            for state in states:
                line = self.line_of(state)
                found.setdefault(line, {c: [] for c in groups})[category].append(state)
        rank = {line: i for i, line in reversed(list(enumerate(order)))}
        return sorted(found.items(), key=lambda kv: (kv[0] == NO_LINE, rank.get(kv[0], len(rank)), kv[0]))

    # --- 年度考核汇总 ------------------------------------------------------------------------------

    def assessment(self, period: Period) -> list[Any]:
        """Every unit's year (``ducha_core.assessment.assess``) for the 年度考核汇总: ``period`` must
        be a whole year. Counted over every matter in the log (confidential ones too: a unit's
        figures do not show them), as of the snapshot's day."""
        from ducha_core.assessment import assess

        if period.start.month != 1 or period.end.month != 12 or period.start.year != period.end.year:
            raise InputError(f"年度考核汇总按年度汇总：请写年份，如 {period.start.year}（不是 {period.key}）")
        if self._source is not None:
            self._read_every()
        states = self._every if self._every is not None else self.states
        return assess(self.policy, self.calendar, states, period.start.year, self.as_of, units=list(self.units))

    def assessment_columns(self) -> list[tuple[str, str]]:
        """(column, name) of the year summary's counts the procedure can record (通报表扬, 约谈 …)."""
        from ducha_core.assessment import COLUMN_NAMES, COUNTED

        steps = {t.action for t in self.policy.procedure.transitions}
        return [(c, COLUMN_NAMES[c]) for c, (action, _) in COUNTED.items() if action in steps]

    def leaders(self) -> str:
        """Who a 督查专报 reports to (主送): the document's leader roles that are leaders by name
        ("市政府分管领导、市政府主要领导"), without their gloss in parentheses; else the jurisdiction's
        领导同志."""
        names = [r.name.split("（")[0] for r in self.policy.roles.values() if r.scope == "leader"]
        names = [n for n in dict.fromkeys(names) if "领导" in n]
        return "、".join(names) or f"{self.jurisdiction.name}领导同志"

    def assessment_office(self) -> str:
        """Who the year summary goes to: the document's role for the assessment office (市考核办), else 考核办."""
        return next((r.name.split("（")[0] for r in self.policy.roles.values() if "考核" in r.name), "考核办")

    def year_marks(self, year: int) -> list[Mark]:
        """The year's 通报表扬, 通报批评, 约谈, 督办令/重点督办 and 问责建议 (by the year each counts in),
        for the 年度考核汇总's detail."""
        from ducha_core.assessment import COUNTED

        actions = tuple({a for a, _ in COUNTED.values()})
        return [self.mark(s, e) for s, e in self.marks(actions) if year_of(e) == year and e.on <= self.as_of]

    def unit_stats(self, period: Period | None = None, *, confidential: bool = True) -> list[UnitStats]:
        """Figures per unit (lead units), over matters done in ``period`` (all, when None); computed
        once for each period (the list is new each time, its figures shared). ``confidential=False``:
        without the confidential matters the reader may see (a document that lists none of them, as
        a published bulletin, counts none of them either)."""
        key = period if confidential else (period, "public")
        if key in self._stats:
            return list(self._stats[key])
        stats: dict[str, UnitStats] = {}

        def get(unit: str) -> UnitStats:
            if unit not in stats:
                stats[unit] = UnitStats(unit, self.unit_name(unit))
            return stats[unit]

        for unit in self.units:
            get(unit)
        if self._answers(period):  # the matters not folded: assigned to their lead units, and their grade
            # a graded one in registration order among the folded ones (the grades are listed in that
            # order); the counted ones anywhere
            counted = [q for q in self._quiet if q.grade is None]
            matters: Iterable[MatterState | QuietMatter] = [*counted, *sorted(
                [*self._states, *(q for q in self._quiet if q.grade is not None)],
                key=lambda s: (s.registered_on, s.id or ""))]
        else:
            matters = self.states
        for state in matters:
            if not confidential and getattr(state, "confidential", False):  # a QuietMatter never is
                continue
            if isinstance(state, QuietMatter):
                for unit in state.lead_units:
                    s = get(unit)
                    s.assigned += state.count
                    if state.grade:
                        s.grades.append(state.grade)
                continue
            row = self.row(state)
            finished = state.submitted_on or state.closed_on
            # done before the period: assigned, not counted as done in it
            outcome = None if row.done and not (period is None or period.covers(finished)) \
                else matter_outcome(row.done, row.on_time, row.light == "red")
            for unit in state.lead_units:
                s = get(unit)
                s.add(outcome)
                if state.grade:
                    s.grades.append(state.grade)
            for late in self.lateness(state, period):
                for unit in late.obligation.owed_by:
                    get(unit).lapses += 1
            for event in state.events:
                if period is not None and not period.covers(event.on):
                    continue
                for unit in self.event_units(state, event):
                    get(unit).add_step(event.action, event.data.get("type"))
        self._stats[key] = found = sorted(stats.values(), key=lambda s: (-s.assigned, s.unit))
        return list(found)

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
        for state in self._states if self._answers(period) else self.states:
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


def on_time_verdict(obligations: Iterable[Obligation], as_of: date) -> bool | None:
    """Whether a matter's result came in time, read off the statuses ``ducha show`` and ``ducha
    obligations`` give its time limits (``Obligation.status``): False when a result or answer owed
    by a unit is 逾期完成 (late), 漏报 (missed) or was changed after its last day had passed
    (superseded, late); None while one is still owed; else True. A 退回重新办理 owes a rework by
    the day the office set: met by then, it is 按时完成 there and here."""
    verdict: bool | None = True
    for ob in obligations:
        if ob.owed_by == (OFFICE,) or ob.what not in ("result", "answer"):
            continue
        status = ob.status(as_of)
        if status in ("late", "missed") or (status == "superseded" and ob.late_by):
            return False
        if status in OWED:
            verdict = None
    return verdict


def year_of(event: Event) -> int:
    """The year a step counts in (the ``--year`` it names, else its day's)."""
    return _year_named(event.data, event.on)


def cn_date(day: date | None) -> str:
    """2025年9月30日"""
    if day is None:
        return "（无）"
    return f"{day.year}年{day.month}月{day.day}日"
