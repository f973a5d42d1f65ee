"""What the escalation ladder, forced grades and deductions call for (``ducha due``, ``ducha assessment``).

``evaluate`` reads matter states (already folded) and the compiled policy's triggers; it proposes,
the office confirms (the proposed step recorded with ``--step RULE``) or decides not to act
(``ducha dismiss --step RULE --reason …``). No hook is called.

Every trigger finds *facts*, each with the day it arose (``Finding.on``) and the assessment year
it belongs to (``Finding.year``):

- ``Overdue``: an obligation a unit owes past its last day (or met late, for a sanction): the fact
  arises the first working day after the last day (plus ``by_workdays``);
- ``After``: an event, at once where the document says so, else when the obligation the event
  created fell due unmet (or was met late);
- ``CountInYear``: the event that brought a unit's count within one year to the threshold (and,
  with ``repeat``, each later one);
- ``UnitGrade``: a unit's grade for a year.

A fact calls for its step until a confirmation covers it: an event on the matter carrying the
step's id (``data.step``) for the unit, on or after the day the fact arose; for a chase, also the
proposed action itself taken for the unit (a chase is a chase, with or without ``--step``); for a
yearly fact, a confirmation that names its year (``--year``) or is taken in it.
A chase that repeats (``Overdue.repeat``) is called for again once its period has run since the
last one. Escalations are not proposed for a matter that has ended (办结、归档) unless the step
says so (``EscalationStep.after_end``). Grades and deductions are facts of an assessment year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core.errors import DuchaError
from ducha_core.events import Event
from ducha_core.matter import MatterState
from ducha_core.model import Citation
from ducha_core.obligations import OFFICE, all_obligations
from ducha_core.periods import resolve
from ducha_core.policy import WITHDRAWN
from ducha_core.rules import After, CountInYear, EscalationStep, Overdue, Trigger, UnitGrade

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.policy import Policy


@attrs.frozen
class Finding:
    """A consequence the rules call for: an escalation to propose, a forced grade, a deduction or bonus.

    ``matter``: the matter concerned; for a unit's count or grade, the matter of the latest fact.
    ``on``: the day the fact arose; ``year``: the assessment year it counts in; ``fact``: what it
    is about (an obligation id, ``event:N`` for the matter's Nth event, ``count:N``, ``grade``).
    """

    category: str  # escalation | grade | deduction
    rule: str
    name: str
    citation: Citation
    unit: str | None
    matter: str | None
    reason: str
    proposes: str = ""
    data: dict[str, Any] = attrs.field(factory=dict)
    level: int = 0
    on: date | None = None
    year: int | None = None
    fact: str = ""
    #: the fact concerns the unit over the year (a count, a grade), not one matter
    yearly: bool = False

    def to_json(self) -> dict:
        return {
            "category": self.category,
            "rule": self.rule,
            "name": self.name,
            "citation": str(self.citation),
            "unit": self.unit,
            "matter": self.matter,
            "reason": self.reason,
            "proposes": self.proposes,
            "data": self.data,
            "level": self.level,
            "on": self.on.isoformat() if self.on else None,
            "year": self.year,
            "fact": self.fact,
        }


#: the Chinese names of the ``type`` values the core's steps carry (通报表扬/批评, 督办令/重点督办)
TYPE_NAMES = {"criticism": "通报批评", "praise": "通报表扬", "rectify": "限期整改"}


@attrs.frozen
class _Fact:
    unit: str
    matter: str
    on: date
    reason: str
    fact: str
    year: int
    due: date | None = None  # the last day of the obligation that lapsed, where the fact is one


def _matches(event: Event, action: str, match: dict[str, Any]) -> bool:
    return event.action == action and all(event.data.get(k) == v for k, v in match.items())


def event_units(event: Event, state: MatterState) -> tuple[str, ...]:
    """The units an event concerns: those it names (``--unit``), else the matter's lead units."""
    units = event.data.get("units")
    if units:
        return (units,) if isinstance(units, str) else tuple(units)
    return tuple(state.lead_units)


def year_named(data: dict, day: date) -> int:
    """The assessment year a step counts in: the one its data names (``--year``), else its day's."""
    try:
        return int(data.get("year") or day.year)
    except (TypeError, ValueError):
        return day.year


def _year_of(event: Event) -> int:
    return year_named(event.data, event.on)


class _Context:
    """What one evaluation reads more than once: each matter's obligations and events up to the
    day, the events of the actions the rules look at, and the confirmations recorded."""

    def __init__(self, policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], day: date):
        self.policy, self.cal, self.day = policy, cal, day
        self.states = states
        self.by_id = {state.id: state for state in states}
        self._obligations: dict[int, list] = {}
        self.events: dict[str, list[Event]] = {}
        # the actions a trigger counts or waits after, and the grades (one pass over the log)
        watched = watched_actions(policy)
        self.of_action: dict[str, list[tuple[MatterState, int, Event]]] = defaultdict(list)
        # (step, matter, unit) -> [(day, action)]; (step, unit) -> [(day, year)]; (unit, year) -> [(day, grade, matter)]
        self.by_step: dict[tuple, list[tuple[date, str]]] = defaultdict(list)
        self.by_step_unit: dict[tuple, list[tuple[date, int]]] = defaultdict(list)
        self.grades: dict[tuple[str, int], list[tuple[date, str, str]]] = defaultdict(list)
        for state in states:
            events = state.events
            if events and events[-1].on > day:
                events = [e for e in events if e.on <= day]
            self.events[state.id] = events
            for index, event in enumerate(events):
                action = event.action
                if action in watched:
                    self.of_action[action].append((state, index, event))
                step = event.data.get("step")
                if step is None and action != "grade":
                    continue
                for unit in event_units(event, state):
                    if step:
                        self.by_step[(step, state.id, unit)].append((event.on, action))
                        self.by_step_unit[(step, unit)].append((event.on, _year_of(event)))
                    if action == "grade" and event.data.get("grade"):
                        self.grades[(unit, _year_of(event))].append((event.on, str(event.data["grade"]), state.id))

        # where confirmations are looked for (with ``--year``: also those recorded after the year)
        self.confirm_events, self.confirm_of_action = self.events, self.of_action

    def obligations(self, state: MatterState) -> list:
        found = self._obligations.get(id(state))
        if found is None:
            found = self._obligations[id(state)] = all_obligations(state, self.day, self.cal, self.policy.convention)
        return found

    def taken(self, matter: str, action: str, unit: str, want: dict[str, Any] | None = None, *,
              confirming: bool = True) -> list[date]:
        """The days ``action`` was taken on the matter for the unit (with data matching ``want``): up to
        the day of evaluation, or, ``confirming``, wherever confirmations are looked for."""
        state = self.by_id[matter]
        events = self.confirm_events if confirming else self.events
        return [e.on for e in events[matter] if e.action == action and unit in event_units(e, state)
                and (not want or all(e.data.get(k) == v for k, v in want.items()))]

    def last_confirmed(self, step: EscalationStep, matter: str, unit: str, since: date) -> tuple[date, str] | None:
        """The last day on or after ``since`` the step was taken on the matter for the unit, and the
        action taken (``dismiss`` where the office declined): by its id; for a chase (an ``Overdue``
        rung), also the proposed action itself, with the step's type — any chase of the matter is a
        chase, while a report or an order made for another reason does not answer a finding's rung."""
        found = [(d, a) for d, a in self.by_step.get((step.id, matter, unit), ()) if d >= since]
        # a chase is a chase; a referral of the matter to the very leader the rung names is that referral
        if isinstance(step.trigger, Overdue) or (step.proposes == "escalate" and "to" in step.data):
            want = {k: v for k, v in step.data.items() if k in ("type", "to", "kind")}
            found += [(d, step.proposes) for d in self.taken(matter, step.proposes, unit, want) if d >= since]
        return max(found) if found else None

    def unit_grade(self, unit: str, year: int) -> tuple[str, date, str] | None:
        """A unit's grade for a year (``GradingScheme.unit_grade``), with the day and the matter it was
        recorded on."""
        grading = self.policy.grading
        recorded = self.grades.get((unit, year))
        if not recorded or grading is None:
            return None
        if grading.unit_grade == "latest" or not grading.grades:
            day, grade, matter = max(recorded)
            return grade, day, matter
        rank = {g: i for i, g in enumerate(grading.grades)}
        worst = max((g for _, g, _ in recorded), key=lambda g: rank.get(g, -1))
        day, grade, matter = max(r for r in recorded if r[1] == worst)
        return grade, day, matter


def _triggers(policy: Policy) -> list[Trigger]:
    triggers = [s.trigger for s in policy.escalation]
    if policy.grading is not None:
        triggers += [r.trigger for r in policy.grading.rules] + [d.trigger for d in policy.grading.deductions]
    return triggers


def watched_actions(policy: Policy) -> frozenset[str]:
    """The actions whose events an evaluation reads across matters: those a trigger counts or waits
    after, grades, and what a rung on a unit's grade proposes (which confirms it on any matter)."""
    watched = {t.action for t in _triggers(policy) if isinstance(t, After | CountInYear)} | {"grade"}
    watched |= {s.proposes for s in policy.escalation if isinstance(s.trigger, UnitGrade)}
    return frozenset(watched)


def yearly_steps(policy: Policy) -> frozenset[str]:
    """The rungs on a unit's count or grade: a step carrying one of these ids confirms the unit's fact
    whichever matter it is recorded on."""
    return frozenset(s.id for s in policy.escalation if isinstance(s.trigger, CountInYear | UnitGrade))


@attrs.frozen
class OverdueScan:
    """Matters an ``Overdue`` trigger can find a fact in: those with an obligation of a kind in
    ``what``, owed by a unit, whose last day is before the day of evaluation and which was not met on
    time by then; only matters not ended (``open_only``); only last days from ``due_from`` on (the
    fact must fall in the assessment year), if given."""

    what: tuple[str, ...]
    open_only: bool
    due_from: date | None = None


@attrs.frozen
class FoldSelection:
    """Which matters ``evaluate`` can find something in (``fold_selection``), for a caller that keeps
    each matter's state, obligations and marked events (a read model) and folds only those: every
    matter an ``OverdueScan`` names; every matter with an event of a ``watched`` action or carrying
    one of the ``steps`` (``data.step``); with ``first_lead``, for each unit the first matter (by id)
    it leads, which a grade's finding names; and any matter changed after the day."""

    day: date
    overdue: tuple[OverdueScan, ...]
    watched: frozenset[str]
    steps: frozenset[str]
    first_lead: bool


def fold_selection(policy: Policy, cal: WorkingCalendar, as_of: date, *, year: int | None = None) -> FoldSelection:
    """What an evaluation (``evaluate(policy, cal, states, as_of, year=year)``) reads, so that a
    caller can leave out the matters it cannot find a fact in (see ``FoldSelection``); the findings
    over the matters selected are those over every matter."""
    day = min(as_of, date(year, 12, 31)) if year is not None else as_of
    assessment = year if year is not None else as_of.year
    scans: list[OverdueScan] = []
    for step in policy.escalation:
        if isinstance(step.trigger, Overdue):
            scans.append(OverdueScan(_overdue_kinds(step.trigger), not step.after_end))
    grading = [] if policy.grading is None else [*policy.grading.rules, *policy.grading.deductions]
    for rule in grading:
        trigger = rule.trigger
        if isinstance(trigger, Overdue):  # a fact of the assessment year: its day is in that year
            scans.append(OverdueScan(_overdue_kinds(trigger), False,
                                     _first_due(cal, assessment, trigger.by_workdays)))
    return FoldSelection(day, tuple(scans), watched_actions(policy), yearly_steps(policy),
                         any(isinstance(t, UnitGrade) for t in _triggers(policy)))


def _overdue_kinds(trigger: Overdue) -> tuple[str, ...]:
    return tuple(sorted(set(trigger.what) | ({"cycle"} if "progress" in trigger.what else set())))


def _first_due(cal: WorkingCalendar, year: int, by: int) -> date | None:
    """The earliest last day whose lapse arises in ``year`` (``_fact_day`` on or after 1 January);
    None where the calendar cannot say."""
    start = date(year, 1, 1)
    try:
        day = start
        while _fact_day(cal, day - timedelta(days=1), by) >= start:
            day -= timedelta(days=1)
    except DuchaError:
        return None
    return day


def _window(policy: Policy, day: date) -> tuple[date, date]:
    """The year (一年内) a count looks back over as of ``day``: the calendar year, or the twelve
    months up to it (setting ``year_window``)."""
    if policy.settings.get("year_window") == "rolling":
        try:
            start = day.replace(year=day.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            start = date(day.year - 1, 3, 1)
        return start, day
    return date(day.year, 1, 1), day


def _fact_day(cal: WorkingCalendar, due: date, by: int) -> date:
    """The day lateness becomes a fact: the first working day after the last day plus ``by``."""
    return cal.add_workdays(due, by + 1)


def _overdue_facts(trigger: Overdue, ctx: _Context, state: MatterState, step: EscalationStep | None) -> list[_Fact]:
    cal, day, by = ctx.cal, ctx.day, trigger.by_workdays
    if trigger.chased_setting and not trigger.chased:
        return []  # the next rung switched off by its setting (0 chases = none)
    kinds = set(trigger.what) | ({"cycle"} if "progress" in trigger.what else set())
    facts = []
    for ob in ctx.obligations(state):
        if ob.what not in kinds or ob.due is None or ob.owed_by == (OFFICE,) or ob.due >= day:
            continue
        status = ob.status(day)
        if status in ("late", "superseded"):
            if not trigger.include_late or ob.late_by <= by or trigger.repeat or trigger.chased:
                continue
            verb = "逾期" if status == "late" else "变更时已逾期"
            reason = f"{ob.name}（{ob.due}）{verb}{ob.late_by}个工作日"
        elif status in ("overdue", "missed"):
            if cal.workdays_between(ob.due, day) <= by or (status == "missed" and (trigger.repeat or trigger.chased)):
                continue
            reason = f"{ob.name}（{ob.due}）已过，{day} 仍未报送" if status == "overdue" else f"{ob.name}（{ob.due}）漏报"
        else:
            continue
        on = _fact_day(cal, ob.due, by)
        for unit in ob.owed_by:
            if trigger.chased and step is not None:
                chases = sorted(d for d in ctx.taken(state.id, "remind", unit, confirming=False) if d > ob.due)
                if len(chases) < trigger.chased:
                    continue
                # the unit has chase_wait to answer the Nth chase (later chases do not put the next rung off)
                nth, last = chases[trigger.chased - 1], chases[-1]
                ready = resolve(trigger.chase_wait, nth, cal, ctx.policy.convention, explain=False).date \
                    if trigger.chase_wait else nth
                if ready is None or day <= ready:
                    continue
                facts.append(_Fact(unit, state.id, nth,
                                   f"{ob.name}（{ob.due}）逾期后已催办{len(chases)}次（最近 {last}），仍未报送",
                                   ob.id, nth.year))
            else:
                facts.append(_Fact(unit, state.id, on, reason, ob.id, on.year, ob.due))
    return facts


def _after_facts(trigger: After, ctx: _Context, state: MatterState, found: Sequence[tuple]) -> list[_Fact]:
    policy, cal, day = ctx.policy, ctx.cal, ctx.day
    facts = []
    for _, index, event in found:
        if not _matches(event, trigger.action, trigger.match):
            continue
        what = policy.action_name(event.action)
        detail = TYPE_NAMES.get(event.data.get("type") or "", "")
        label = f"{event.on} {what}" + (f"（{detail}）" if detail else "")
        if trigger.at_once:
            for unit in event_units(event, state):
                facts.append(_Fact(unit, state.id, event.on, label, f"event:{index}", _year_of(event)))
            continue
        for ob in state.obligations:
            if ob.source != index or ob.what != trigger.obligation or ob.due is None or ob.due >= day:
                continue
            status = ob.status(day)
            if status in ("overdue", "missed"):
                reason = f"{label}；{ob.name}期限 {ob.due} 已过，仍未完成"
            elif status in ("late", "superseded") and ob.late_by > 0 and not trigger.unmet_only:
                reason = f"{label}；{ob.name}期限 {ob.due} 已过，逾期{ob.late_by}个工作日才完成"
            else:
                continue
            on = _fact_day(cal, ob.due, 0)
            if on > day:  # evaluated on a rest day right after the last day: the lapse arises next working day
                continue
            for unit in ob.owed_by:
                facts.append(_Fact(unit, state.id, on, reason, ob.id, on.year))
    return facts


def _count_facts(trigger: CountInYear, ctx: _Context, years: Iterable[int] | None) -> list[_Fact]:
    """Facts of a yearly count: per unit, the event that reached the threshold (and each later one
    with ``repeat``), counted in calendar years (``years``) or over rolling twelve months."""
    rolling = ctx.policy.settings.get("year_window") == "rolling"
    per_unit: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    for state, _, event in ctx.of_action.get(trigger.action, ()):
        if _matches(event, trigger.action, trigger.match):
            for unit in event_units(event, state):
                per_unit[unit].append((event.on, event.seq, state.id))
    facts = []
    name = ctx.policy.action_name(trigger.action)
    wanted = set(years) if years is not None else None
    for unit, found in sorted(per_unit.items()):
        found.sort()
        days = [d for d, _, _ in found]
        seen_years: dict[int, int] = defaultdict(int)
        for i, (on, _, matter) in enumerate(found):
            if rolling:
                start, _ = _window(ctx.policy, on)
                n = i + 1 - bisect_right(days, start - timedelta(days=1), 0, i + 1)
                label = f"截至 {on} 的12个月内"
            else:
                seen_years[on.year] += 1
                n = seen_years[on.year]
                label = f"{on.year}年内"
            if n == trigger.threshold or (trigger.repeat and n > trigger.threshold):
                if wanted is not None and on.year not in wanted:
                    continue
                facts.append(_Fact(unit, matter, on, f"{label}已{name}{n}次（达到{trigger.threshold}次）", f"count:{n}",
                                   on.year))
    return facts


def _grade_facts(trigger: UnitGrade, ctx: _Context, years: Iterable[int]) -> list[_Fact]:
    facts = []
    matters: dict[str, str] = {}
    for state in ctx.states:
        for unit in state.lead_units:
            matters.setdefault(unit, state.id)
    for (unit, year), _ in sorted(ctx.grades.items()):
        if year not in years:
            continue
        grade = ctx.unit_grade(unit, year)
        if grade is None or grade[0] != trigger.grade:
            continue
        facts.append(_Fact(unit, matters.get(unit, ""), grade[1], f"{year}年度等次为“{grade[0]}”", "grade", year))
    return facts


def _facts(trigger: Trigger, ctx: _Context, years: Iterable[int] | None, step: EscalationStep | None = None,
           open_only: bool = False) -> list[_Fact]:
    policy = ctx.policy
    match trigger:
        case CountInYear():
            return _count_facts(trigger, ctx, years)
        case UnitGrade():
            return _grade_facts(trigger, ctx, years if years is not None else (ctx.day.year - 1, ctx.day.year))
    facts = []
    kinds = step.kinds if step is not None else ()

    def wanted(state: MatterState) -> bool:
        return not (open_only and policy.states[state.state].done) and not (kinds and state.kind not in kinds)

    if isinstance(trigger, After):  # only the matters where the action happened
        per_matter: dict[str, list[tuple]] = defaultdict(list)
        for item in ctx.of_action.get(trigger.action, ()):
            per_matter[item[0].id].append(item)
        for matter, found in per_matter.items():
            state = ctx.by_id[matter]
            if wanted(state):
                facts.extend(_after_facts(trigger, ctx, state, found))
        return facts
    for state in ctx.states:
        if wanted(state) and isinstance(trigger, Overdue):
            facts.extend(_overdue_facts(trigger, ctx, state, step))
    return facts


def _pending(step: EscalationStep, fact: _Fact, ctx: _Context) -> _Fact | None:
    """The fact if no confirmation covers it (with the day a repeated chase is due again), else None."""
    trigger = step.trigger
    if isinstance(trigger, CountInYear | UnitGrade):
        for day, year in ctx.by_step_unit.get((step.id, fact.unit), ()):
            rolling = isinstance(trigger, CountInYear) and ctx.policy.settings.get("year_window") == "rolling"
            if (day >= fact.on) if rolling else (year == fact.year and day >= fact.on):
                return None
        if isinstance(trigger, UnitGrade):  # a 通报表扬 for the unit in that year, with or without --step
            want = step.data.get("type")
            for state, _, event in ctx.confirm_of_action.get(step.proposes, ()):
                if fact.unit in event_units(event, state) and (want is None or event.data.get("type") == want) \
                        and _year_of(event) == fact.year:
                    return None
        return fact
    last = ctx.last_confirmed(step, fact.matter, fact.unit, fact.on)
    if last is None:
        return fact
    repeat = trigger.repeat if isinstance(trigger, Overdue) else None
    if repeat is None:
        return None
    day, action = last
    again = resolve(repeat, day, ctx.cal, ctx.policy.convention, explain=False).date
    if again is None or ctx.day <= again:
        return None
    done = {"dismiss": "决定不予处理", "remind": "已催办"}.get(action) or f"已{ctx.policy.action_name(action)}"
    on = ctx.cal.add_workdays(again, 1)
    return attrs.evolve(fact, on=on, year=on.year, reason=f"{fact.reason}；{day} {done}，{repeat.describe()}后仍未报送")


#: the last days of the other lapses a grouped proposal's reason names before "等"
SHOWN_LAPSES = 3


def _grouped(facts: list[_Fact]) -> list[_Fact]:
    """The lapses of one matter and unit as one fact: the earliest day, the reasons joined (one step
    confirms them all, as a confirmation covers every fact that arose by its day)."""
    groups: dict[tuple[str, str], list[_Fact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.matter, fact.unit)].append(fact)
    out = []
    for group in groups.values():
        group.sort(key=lambda f: f.on)
        if len(group) == 1:
            out.append(group[0])
            continue
        rest = [str(f.due) for f in group[1:] if f.due]
        shown = "、".join(rest[:SHOWN_LAPSES]) + ("等" if len(rest) > SHOWN_LAPSES else "")
        out.append(attrs.evolve(group[0], reason=f"{group[0].reason}；另有{len(group) - 1}项逾期（期限 {shown}）"))
    return out


def evaluate(policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], as_of: date, *,
             year: int | None = None) -> list[Finding]:
    """Every escalation, forced grade and deduction the policy calls for.

    ``states``: the matters folded as of ``as_of`` (confirmations up to that day count). Without
    ``year``: the escalations still called for as of ``as_of`` (whatever year their fact arose),
    and the grades and deductions of the assessment year ``as_of`` falls in (up to ``as_of``).
    With ``year``: the facts of that assessment year (up to 31 December, or ``as_of`` if earlier),
    still judged against every confirmation up to ``as_of`` — so a year is evaluated after it ended.
    Findings come in ladder order, then by unit and matter.
    """
    states = [s for s in states if s.state != WITHDRAWN]  # 撤销: out of every figure, no consequence
    if year is not None:
        day = min(as_of, date(year, 12, 31))
        years: tuple[int, ...] | None = (year,)
        assessment = year
    else:
        day, years, assessment = as_of, None, as_of.year
    ctx = _Context(policy, cal, states, day)
    # an event recorded after the year that names it (``--year``: a 通报表扬 for last year given in
    # January) is a fact of that year: at-once facts are read from the whole log, then kept by year
    later = ctx
    if year is not None and day < as_of:
        ctx_confirm = _Context(policy, cal, states, as_of)  # confirmations recorded after the year ended
        ctx.by_step, ctx.by_step_unit, ctx.grades = ctx_confirm.by_step, ctx_confirm.by_step_unit, ctx_confirm.grades
        ctx.confirm_events, ctx.confirm_of_action = ctx_confirm.events, ctx_confirm.of_action
        later = ctx_confirm

    def facts_of(trigger: Trigger, *args, **kwargs) -> list[_Fact]:
        at_once = isinstance(trigger, After) and trigger.at_once
        return _facts(trigger, later if at_once else ctx, *args, **kwargs)

    findings: list[Finding] = []
    for step in policy.escalation:
        facts = facts_of(step.trigger, years, step, open_only=not step.after_end)
        yearly = isinstance(step.trigger, CountInYear | UnitGrade)
        pendings = [p for p in (_pending(step, f, ctx) for f in facts if years is None or f.year in years) if p]
        if isinstance(step.trigger, Overdue):
            pendings = _grouped(pendings)  # one proposal per matter and unit, however many reports lapsed
        for pending in pendings:
            findings.append(Finding("escalation", step.id, step.name, step.citation, pending.unit, pending.matter or None,
                                    pending.reason, step.proposes, dict(step.data), step.level, pending.on, pending.year,
                                    pending.fact, yearly))
    if policy.grading is not None:
        for rule in policy.grading.rules:
            for fact in facts_of(rule.trigger, (assessment,)):
                if fact.year != assessment or _graded(ctx, fact.unit, fact.year, rule.grade):
                    continue
                findings.append(Finding("grade", rule.id, rule.grade, rule.citation, fact.unit, fact.matter, fact.reason,
                                        "grade", {"grade": rule.grade}, 0, fact.on, fact.year, fact.fact, True))
        for deduction in policy.grading.deductions:
            points = deduction.points
            if deduction.setting and policy.settings.get(deduction.setting) is not None:
                points = policy.settings[deduction.setting]
            for fact in facts_of(deduction.trigger, (assessment,)):
                if fact.year != assessment:
                    continue
                findings.append(Finding("deduction", deduction.id, deduction.name, deduction.citation, fact.unit,
                                        fact.matter, fact.reason, "", {"points": points, "bonus": deduction.bonus},
                                        0, fact.on, fact.year, fact.fact))
    return findings


def _graded(ctx: _Context, unit: str, year: int, grade: str) -> bool:
    return any(g == grade for _, g, _ in ctx.grades.get((unit, year), ()))


def unit_grades(policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], year: int,
                as_of: date, *, detail: bool = False) -> dict[str, Any]:
    """Each unit's grade for ``year`` (``GradingScheme.unit_grade``: the worst or the latest grade
    recorded for it for that year), from the grade steps recorded up to ``as_of``; with ``detail``,
    (grade, day, matter, how many grades were recorded) for each."""
    ctx = _Context(policy, cal, states, as_of)
    out: dict[str, Any] = {}
    for unit, y in ctx.grades:
        if y == year:
            found = ctx.unit_grade(unit, year)
            if found is not None:
                out[unit] = (*found, len(ctx.grades[(unit, y)])) if detail else found[0]
    return out
