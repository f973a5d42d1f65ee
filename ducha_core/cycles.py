"""Recurring reports (周期报送): when each occurrence of a reporting cycle is due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from ducha_core.periods import parse_period, resolve
from ducha_core.rules import ReportingCycle

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.policy import Policy


@attrs.frozen
class Occurrence:
    """One report a cycle asks for: the period it covers (label, first day) and its due date."""

    cycle: ReportingCycle
    label: str
    starts: date
    due: date | None
    provisional: bool


def period_starts(every: str, start: date, end: date):
    """(first day, label) of each week (Monday) / month / quarter / year that overlaps [start, end]."""
    if every == "week":
        day = start - timedelta(days=start.weekday())
        while day <= end:
            yield day, f"{day.isocalendar().year}年第{day.isocalendar().week}周"
            day += timedelta(days=7)
        return
    step = {"month": 1, "quarter": 3, "year": 12}[every]
    month = ((start.month - 1) // step) * step + 1
    day = date(start.year, month, 1)
    while day <= end:
        if every == "month":
            label = f"{day.year}年{day.month}月"
        elif every == "quarter":
            label = f"{day.year}年第{(day.month - 1) // 3 + 1}季度"
        else:
            label = f"{day.year}年"
        yield day, label
        index = day.month - 1 + step
        day = date(day.year + index // 12, index % 12 + 1, 1)


def occurrences(policy: Policy, cal: WorkingCalendar, start: date, end: date) -> list[Occurrence]:
    """Every occurrence of every reporting cycle whose period starts between ``start`` and ``end``."""
    found = []
    for cycle in policy.cycles:
        due = cycle.due
        if cycle.setting and policy.settings.get(cycle.setting):
            value = policy.settings[cycle.setting]
            due = parse_period(value) if isinstance(value, str) else value
        for first, label in period_starts(cycle.every, start, end):
            res = resolve(due, first, cal, policy.convention, explain=False)
            found.append(Occurrence(cycle, label, first, res.date, res.provisional))
    return sorted(found, key=lambda o: (o.due or o.starts, o.cycle.id))
