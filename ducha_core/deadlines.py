"""Deadlines (期限) of a matter, each with the rule, its citation and an explanation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from ducha_core.model import Citation
from ducha_core.periods import resolve
from ducha_core.rules import TimeLimit

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.policy import Policy


@attrs.frozen
class Deadline:
    """One computed deadline: ``date`` (None for 随办随报), why, and whether it is provisional
    (it falls in a year whose holiday notice is not yet known)."""

    rule: str
    name: str
    what: str
    date: date | None
    citation: Citation | None
    provisional: bool
    explanation: tuple[str, ...]
    anchor: date | None = None
    period: str = ""
    reading: str = ""

    def to_json(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None,
            "rule": self.rule,
            "name": self.name,
            "what": self.what,
            "citation": str(self.citation) if self.citation else None,
            "citation_article": self.citation.article if self.citation else None,
            "provisional": self.provisional,
            "anchor": self.anchor.isoformat() if self.anchor else None,
            "period": self.period,
            "reading": self.reading,
            "explanation": list(self.explanation),
        }


ANCHOR_NAMES = {"assigned": "交办（接到通知）", "registered": "立项", "received": "收到", "meeting": "会议召开"}


def from_limit(
    limit: TimeLimit, anchor: date, policy: Policy, cal: WorkingCalendar, *, explain: bool = True
) -> Deadline:
    """The deadline a time limit sets for a period starting on ``anchor``."""
    res = resolve(limit.period, anchor, cal, policy.convention, explain=explain)
    lines: tuple[str, ...] = ()
    if explain:
        head = f"{limit.name}：自{ANCHOR_NAMES.get(limit.anchor, limit.anchor)}之日 {anchor} 起 {limit.period.describe()}"
        lines = (head, f"依据：{limit.citation}", *(("解读：" + limit.reading,) if limit.reading else ()), *res.facts)
        if res.provisional:
            lines = (*lines, "期限为暂定：该年度放假安排尚未公布，公布后重算")
    return Deadline(
        rule=limit.id,
        name=limit.name,
        what=limit.what,
        date=res.date,
        citation=limit.citation,
        provisional=res.provisional,
        explanation=lines,
        anchor=anchor,
        period=limit.period.describe(),
        reading=limit.reading,
    )


def explicit(day: date, cal: WorkingCalendar, name: str = "交办通知明确的期限", citation: Citation | None = None) -> Deadline:
    """A deadline set explicitly (e.g. in the 督查通知单), which takes precedence where the rule says so."""
    provisional = cal.is_provisional(day)
    lines = [f"{name}：{day}"]
    if citation:
        lines.append(f"依据：{citation}")
    if provisional:
        lines.append("期限为暂定：该年度放假安排尚未公布")
    return Deadline("explicit", name, "result", day, citation, provisional, tuple(lines), period="明确时限")


def deadlines_for(
    policy: Policy, kind: str, anchor: date, cal: WorkingCalendar, *, anchors: dict[str, date] | None = None
) -> list[Deadline]:
    """All deadlines the policy sets for a matter of ``kind`` whose period starts on ``anchor``
    (``anchors`` may give other anchors, e.g. a meeting's date); the unit's result/answer first."""
    anchors = anchors or {}
    return [from_limit(limit, anchors.get(limit.anchor, anchor), policy, cal) for limit in policy.limits_for(kind, anchor)]
