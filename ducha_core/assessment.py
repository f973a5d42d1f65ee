"""The annual assessment summary (年度考核汇总): per unit, what a year recorded about it.

What the supervision office sends to the assessment office at the year's end (e.g. Ankang 第十二条(四)
通报表扬、约谈、通报批评等情况汇总报送市考核办; Weinan 十六(四) 纳入年度目标责任考核): per unit, the
year's 通报表扬, 通报批评, 约谈, 督办令/重点督办, 问责建议, its time limits met late (how many, how
many working days) and left unmet, the deductions and additions the rules tie to those facts (each
with its article and points, where a setting gives them), and its grade for the year. A lateness counts
in the year it arose (the first working day after the time limit), like the deduction it feeds.

``assess`` reads folded matter states (up to a day, confirmations after the year included); no hook
is called. A fact counts in the year it happened: an event on its day (or the year it names with
``--year``), a lateness in the year its time limit fell due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core.escalation import evaluate, event_units, unit_grades, year_named
from ducha_core.obligations import OFFICE, all_obligations
from ducha_core.policy import WITHDRAWN

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.matter import MatterState
    from ducha_core.policy import Policy

#: what the summary counts: column -> (action, data that must match)
COUNTED: dict[str, tuple[str, dict[str, Any]]] = {
    "praise": ("bulletin", {"type": "praise"}),
    "criticism": ("bulletin", {"type": "criticism"}),
    "interviews": ("interview", {}),
    "orders": ("order", {}),
    "priority_chases": ("priority_chase", {}),
    "accountability": ("accountability", {}),
}

#: obligations that are a rule's waiting period after a step (通报后办理, 督办令后明显进展), not a report
#: the document requires by a date: their lapse is a consequence's fact, not a late report
WAITING = frozenset({"followup", "improvement"})

COLUMN_NAMES = {
    "praise": "通报表扬",
    "criticism": "通报批评",
    "interviews": "约谈",
    "orders": "督办令",
    "priority_chases": "重点督办",
    "accountability": "问责建议",
}


@attrs.frozen
class Points:
    """One deduction or addition rule's total for a unit: ``count`` facts × ``points`` each (None:
    the deployment has not set the points)."""

    rule: str
    name: str
    citation: str
    count: int
    points: float | None
    bonus: bool

    @property
    def total(self) -> float | None:
        return None if self.points is None else self.count * float(self.points)


@attrs.frozen
class UnitAssessment:
    """One unit's year. ``counts``: column (``COUNTED``) -> number of events. ``late``: time limits
    met late (or changed after they had passed), ``late_days`` their working days late in all;
    ``unmet``: time limits past their last day and not met at the year's end. ``grade``: the unit's
    grade for the year (``GradingScheme.unit_grade``), ``forced``: grades the rules call for not
    yet recorded."""

    unit: str
    year: int
    counts: dict[str, int]
    late: int
    late_days: int
    unmet: int
    points: tuple[Points, ...]
    grade: str | None
    forced: tuple[str, ...]
    #: where the grade comes from (the matter and day it was recorded, and the rule that picks it)
    grade_basis: str = ""

    def total(self, bonus: bool) -> float | None:
        found = [p for p in self.points if p.bonus == bonus]
        if any(p.total is None for p in found):
            return None
        return sum(p.total for p in found)  # type: ignore[misc]

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            **self.counts,
            "late": self.late,
            "late_days": self.late_days,
            "unmet": self.unmet,
            "grade": self.grade,
            "grade_basis": self.grade_basis,
            "forced_grades": list(self.forced),
            "deductions": [attrs.asdict(p) | {"total": p.total} for p in self.points if not p.bonus],
            "bonuses": [attrs.asdict(p) | {"total": p.total} for p in self.points if p.bonus],
            "deduction_total": self.total(False),
            "bonus_total": self.total(True),
        }


def assess(policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], year: int, as_of: date,
           units: Sequence[str] = ()) -> list[UnitAssessment]:
    """Every unit's year ``year`` (the ``units`` given, and any other a fact names), in unit order.

    ``states``: matters folded up to ``as_of`` (a day in or after the year). Time limits are judged
    as of the year's end (or ``as_of`` if earlier)."""
    states = [s for s in states if s.state != WITHDRAWN]  # 撤销: not counted
    end = min(as_of, date(year, 12, 31))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    late: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for state in states:
        for event in state.events:
            if event.on > as_of:
                break
            for column, (action, match) in COUNTED.items():
                if event.action == action and all(event.data.get(k) == v for k, v in match.items()) \
                        and year_named(event.data, event.on) == year:
                    for unit in event_units(event, state):
                        counts[unit][column] += 1
        for ob in all_obligations(state, end, cal, policy.convention):
            # a lateness counts in the year it arose: the first working day after the last day (as the
            # deductions do), so a limit due 31 December missed counts in the next year
            if ob.due is None or ob.owed_by == (OFFICE,) or ob.what in WAITING or cal.add_workdays(ob.due, 1).year != year:
                continue
            status = ob.status(end)
            for unit in ob.owed_by:
                if status in ("late", "superseded") and ob.late_by > 0:
                    late[unit][0] += 1
                    late[unit][1] += ob.late_by
                elif status in ("overdue", "missed"):
                    late[unit][2] += 1
    findings = evaluate(policy, cal, states, as_of, year=year)
    points: dict[str, dict[str, Points]] = defaultdict(dict)
    forced: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.unit is None:
            continue
        if f.category == "deduction":
            old = points[f.unit].get(f.rule)
            count = (old.count if old else 0) + 1
            points[f.unit][f.rule] = Points(f.rule, f.name, str(f.citation), count, f.data.get("points"),
                                            bool(f.data.get("bonus")))
        elif f.category == "grade" and f.name not in forced[f.unit]:
            forced[f.unit].append(f.name)
    grades = unit_grades(policy, cal, states, year, as_of, detail=True)
    how = "取最低" if policy.grading is not None and policy.grading.unit_grade == "worst" else "取最近"

    def basis(unit: str) -> str:
        if unit not in grades:
            return ""
        grade, day, matter, n = grades[unit]
        return f"{matter} {day} 评定“{grade}”" + (f"（共评定{n}次，{how}）" if n > 1 else "")

    every = sorted({*units, *counts, *late, *points, *grades, *forced})
    return [
        UnitAssessment(unit, year, dict(counts[unit]) if unit in counts else dict.fromkeys(COUNTED, 0),
                       late[unit][0] if unit in late else 0, late[unit][1] if unit in late else 0,
                       late[unit][2] if unit in late else 0,
                       tuple(points[unit].values()) if unit in points else (),
                       grades[unit][0] if unit in grades else None, tuple(forced.get(unit, ())), basis(unit))
        for unit in every
    ]
