"""Obligations (办理义务与时限): who owes what on a matter, from when, by when, and whether it was met.

A regulation sets many time limits on one matter: the result from each lead unit, progress reports,
a report every month while the matter is open, a written plan a week after an admonitory talk, a
rectification by the date a 重点督办 names. Each is an ``Obligation``, derived by the fold from the
policy and the matter's events (no hook is called): created by the event that starts it, met by the
owing unit's event, superseded by an extension or a new time limit (the old one stays on the record,
with the lateness against it), ended when the matter ends.

A recurring report is a ``Series``: one occurrence per week / month / quarter / year from the day the
series starts until the matter stops owing it; ``Series.occurrences`` expands it up to a day.

Status of an obligation as of a day (``Obligation.status``):

- ``open`` 未到期: not met, its last day not yet passed (or no fixed day: 随办随报 / 无期限);
- ``overdue`` 逾期未报: not met, its last day passed;
- ``missed`` 漏报: not met and no longer expected (the next report of its series is due, or the
  matter ended after its last day);
- ``met`` 按时完成 / ``late`` 逾期完成（N个工作日）: met on or before / after its last day;
- ``superseded`` 已变更: replaced by a later time limit (extension, 另定期限, rework), linked;
- ``ended`` 已终止: the matter ended before the obligation fell due.

Lateness is a fact kept forever: ``late_by`` counts working days from the last day to the day met
(working days in (due, met_on]).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core.deadlines import Deadline, from_period

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.rules import ReportingCycle

#: what an obligation asks for, in Chinese
WHAT_NAMES = {
    "result": "办理结果",
    "answer": "答复",
    "plan": "办理方案",
    "progress": "进展情况",
    "cycle": "周期报送",
    "explanation": "情况说明",
    "rectification": "限期整改",
    "rectification_plan": "书面整改方案",
    "improvement": "明显进展",
    "followup": "后续办理",
    "check": "定期督查",
}

STATUS_NAMES = {
    "open": "未到期",
    "overdue": "逾期未报",
    "missed": "漏报",
    "met": "按时完成",
    "late": "逾期完成",
    "superseded": "已变更",
    "ended": "已终止",
}

#: statuses under which the obligation is still owed
OWED = frozenset({"open", "overdue"})

#: the actions that meet an obligation of each kind, unless its rule says otherwise
DEFAULT_MET_BY: dict[str, tuple[str, ...]] = {
    "result": ("submit",),
    "answer": ("submit",),
    "plan": ("plan", "progress", "submit"),
    "progress": ("progress", "submit"),
    "cycle": ("progress", "submit"),
    "explanation": ("progress", "submit", "explain"),
    "rectification": ("progress", "submit", "rectification_plan"),
    "rectification_plan": ("rectification_plan",),
    "improvement": ("progress", "submit"),
    "followup": ("submit",),
    "check": ("remind", "finding", "report_up"),
}

OFFICE = "office"


@attrs.define(slots=True)
class Obligation:
    """One time limit owed on a matter (一项办理义务).

    ``owed_by``: the unit ids that owe it (any one of them meets it; one id for a per-unit
    obligation), or ``("office",)`` for the supervision office. ``starts``: the day it arises
    (the event that created it). ``deadline``: its last day (``deadline.date``; None for
    随办随报 or a matter without a time limit) with rule, citation and explanation. ``met_by``:
    the actions that meet it. ``lapses_on``: for an occurrence of a series, the day after which an
    unmet occurrence counts as missed (the next occurrence's last day).
    """

    id: str
    what: str
    name: str
    owed_by: tuple[str, ...]
    starts: date
    deadline: Deadline
    met_by: tuple[str, ...]
    met_on: date | None = None
    late_by: int = 0  # working days after the last day, when met late (or when superseded after it)
    superseded_on: date | None = None
    superseded_by: str | None = None
    supersedes: str | None = None
    rework_of: str | None = None  # a rework (退回重新办理) of this met obligation
    limit: str = ""  # id of the time limit rule it comes from (explicit dates included), for its cap
    ended_on: date | None = None
    lapses_on: date | None = None
    period: str = ""  # the period a cycle occurrence covers (2026年1月)
    period_start: date | None = None  # its first day
    series: str = ""  # id of the series an occurrence belongs to
    source: int = -1  # index in the matter's events of the step that created it (约谈, 重点督办 …), else -1

    @property
    def due(self) -> date | None:
        return self.deadline.date

    @property
    def rule(self) -> str:
        return self.deadline.rule

    def status(self, as_of: date) -> str:
        """The status as of ``as_of`` (see module docstring)."""
        if self.met_on is not None and self.met_on <= as_of:
            return "late" if self.late_by > 0 else "met"
        if self.superseded_on is not None and self.superseded_on <= as_of:
            return "superseded"
        due = self.deadline.date
        if self.ended_on is not None and self.ended_on <= as_of:
            return "missed" if due is not None and self.ended_on > due else "ended"
        if due is None or as_of <= due:
            return "open"
        if self.lapses_on is not None and as_of > self.lapses_on:
            return "missed"
        return "overdue"

    def status_name(self, as_of: date) -> str:
        status = self.status(as_of)
        if status == "late":
            return f"逾期完成（逾期{self.late_by}个工作日）"
        if status == "superseded" and self.late_by:
            return f"已变更（变更时已逾期{self.late_by}个工作日）"
        return STATUS_NAMES[status]

    def meet(self, on: date, cal: WorkingCalendar) -> None:
        self.met_on = on
        due = self.deadline.date
        self.late_by = cal.workdays_between(due, on) if due is not None and on > due else 0

    def supersede(self, on: date, by: str, cal: WorkingCalendar) -> None:
        """Replaced by obligation ``by`` on ``on``; lateness against this one, if its last day had
        passed, stays on the record."""
        self.superseded_on, self.superseded_by = on, by
        due = self.deadline.date
        if due is not None and on > due:
            self.late_by = cal.workdays_between(due, on)

    def to_json(self, as_of: date) -> dict[str, Any]:
        return {
            "id": self.id,
            "what": self.what,
            "what_name": WHAT_NAMES.get(self.what, self.what),
            "name": self.name,
            "owed_by": list(self.owed_by),
            "starts": self.starts.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "status": self.status(as_of),
            "status_name": self.status_name(as_of),
            "met_on": self.met_on.isoformat() if self.met_on and self.met_on <= as_of else None,
            "late_by": self.late_by if self.status(as_of) in ("late", "superseded") else 0,
            "superseded_by": self.superseded_by,
            "supersedes": self.supersedes,
            "rework_of": self.rework_of,
            "period": self.period,
            "deadline": self.deadline.to_json(),
        }


@attrs.define(slots=True)
class Series:
    """A recurring report owed on a matter (周期报送) by ``owed_by``, every ``cycle.every``, from
    ``starts`` until ``ended_on`` (None: still owed). ``met`` maps the first day of each
    reported period to the day it was reported."""

    id: str
    cycle: ReportingCycle
    owed_by: tuple[str, ...]
    starts: date
    met_by: tuple[str, ...]
    ended_on: date | None = None
    met: dict[date, date] = attrs.field(factory=dict)

    def occurrences(self, upto: date, cal: WorkingCalendar, convention, *, explain: bool = False,
                    include_next: bool = False) -> list[Obligation]:
        """The occurrences whose period has begun by ``upto`` (and, with ``include_next``, the next
        one), each with its status fields filled in; none before the series starts, none after it
        ends, none due before it starts."""
        from ducha_core.cycles import period_starts

        end = upto if self.ended_on is None else min(upto, self.ended_on)
        horizon = end
        if include_next and self.ended_on is None:
            horizon = end + timedelta(days=400 if self.cycle.every == "year" else 100)
        out: list[Obligation] = []
        due_period = self.cycle.due
        for first, label in period_starts(self.cycle.every, self.starts, horizon):
            deadline = _cycle_deadline(self.cycle, due_period, first, label, cal, convention, explain)
            if deadline.date is not None and deadline.date <= self.starts:
                continue  # the period's report fell due before (or on the day) the series began
            ob = Obligation(
                id=f"{self.id}:{first.isoformat()}", what="cycle", name=f"{self.cycle.name}（{label}）",
                owed_by=self.owed_by, starts=max(first, self.starts), deadline=deadline, met_by=self.met_by,
                period=label, period_start=first, series=self.id,
            )
            if first > end:
                out.append(ob)  # the next one, not yet begun
                break
            hit = self.met.get(first)
            if hit is not None:
                ob.meet(hit, cal)
            elif self.ended_on is not None:
                ob.ended_on = self.ended_on
            out.append(ob)
        for this, nxt in itertools.pairwise(out):
            this.lapses_on = nxt.due
        return out

    def record(self, on: date, cal: WorkingCalendar, convention, period: str | None = None) -> str | None:
        """A report made on ``on``: it meets the occurrence it names (``period``: its first day,
        YYYY-MM-DD, or YYYY-MM for a month), else the open occurrence whose period has begun and
        whose last day has not passed, else the latest overdue one (met late). Returns the label
        of the occurrence met, or None when every begun occurrence is met already."""
        occurrences = self.occurrences(on, cal, convention)
        if period:
            for ob in occurrences:
                first = ob.period_start
                if period in (first.isoformat(), first.isoformat()[:7], ob.period):
                    if first not in self.met:
                        self.met[first] = on
                    return ob.period
            return None
        begun = [ob for ob in occurrences if ob.starts <= on and ob.met_on is None]
        current = [ob for ob in begun if ob.due is None or on <= ob.due]
        chosen = current[0] if current else (begun[-1] if begun else None)
        if chosen is None:
            return None
        self.met[chosen.period_start] = on
        return chosen.period


def _cycle_deadline(cycle: ReportingCycle, period, first: date, label: str, cal: WorkingCalendar, convention,
                    explain: bool) -> Deadline:
    return from_period(period, first, cal, convention, rule=cycle.id, name=cycle.name, what="cycle",
                       citation=cycle.citation, head=f"{cycle.name}：{label}，{period.describe()}",
                       reading=cycle.reading, explain=explain)


def all_obligations(state, upto: date, cal: WorkingCalendar, convention, *, explain: bool = False,
                    include_next: bool = False) -> list[Obligation]:
    """Every obligation of a matter state as of ``upto``: its fixed ones and the occurrences of
    its series (see ``Series.occurrences``), in order of last day."""
    found = [ob for ob in state.obligations if ob.starts <= upto]
    for series in state.series:
        found.extend(series.occurrences(upto, cal, convention, explain=explain, include_next=include_next))
    found.sort(key=lambda ob: (ob.due or date.max, ob.starts, ob.id))
    return found


def most_urgent(obligations, as_of: date) -> Obligation | None:
    """The owed obligation whose last day comes first (overdue ones first of all); one without a
    fixed day only when nothing else is owed."""
    owed = [ob for ob in obligations if ob.status(as_of) in OWED]
    if not owed:
        return None
    return min(owed, key=lambda ob: (ob.due is None, ob.due or date.max, ob.starts))


def headline(obligations, as_of: date) -> Obligation | None:
    """The obligation the ledger shows for a matter as of a day: the most urgent one a handling
    unit owes, else the next occurrence of a unit's recurring report not yet begun. The office's
    own obligations (定期督查) are listed, never a unit's light."""
    obligations = [o for o in obligations if o.owed_by != (OFFICE,)]
    urgent = most_urgent(obligations, as_of)
    if urgent is None:
        upcoming = [o for o in obligations if o.starts > as_of and o.met_on is None and o.ended_on is None]
        urgent = min(upcoming, key=lambda o: o.due or date.max) if upcoming else None
    return urgent


def result_on_time(obligations) -> bool | None:
    """Whether the matter's result came within its time limit (按时办结率): every result or answer
    obligation that is not a rework was met, none late, and every rework was met by the last day of
    the obligation it reworks (the original limit counts, not the rework deadline). None while a
    result is still owed."""
    by_id = {ob.id: ob for ob in obligations}
    verdict: bool | None = True
    for ob in obligations:
        if ob.what not in ("result", "answer"):
            continue
        if ob.late_by:
            return False
        if ob.rework_of is not None:
            original = by_id.get(ob.rework_of)
            if ob.met_on is None:
                verdict = None
            elif original is not None and original.due is not None and ob.met_on > original.due:
                return False
        elif ob.met_on is None and ob.superseded_on is None and ob.ended_on is None:
            verdict = None
    return verdict


def lateness(obligations) -> int:
    """The most working days any obligation was met late (0: every met obligation was on time)."""
    return max((ob.late_by for ob in obligations), default=0)
