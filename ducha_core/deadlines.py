"""Deadlines (期限) of a matter, each with the rule, its citation and an explanation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from ducha_core.model import Citation
from ducha_core.periods import DEFAULT_CONVENTION, AsAssigned, CountingConvention, Period, resolve
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

    @property
    def date_text(self) -> str:
        """The last day, or what stands for it: 随办随报, 交办时明确 (the notice states it), 无期限."""
        if self.date is not None:
            return self.date.isoformat()
        if self.period == "随办随报":
            return "随办随报"
        if self.period == "交办通知明确的时限":
            return "交办时明确"
        return "无期限"

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


ANCHOR_NAMES = {"assigned": "交办（接到通知）", "registered": "立项", "received": "收到文件或领导批示",
                "meeting": "会议召开"}


def from_period(
    period: Period, anchor: date, cal: WorkingCalendar, convention: CountingConvention, *, rule: str, name: str,
    what: str, citation: Citation | None, head: str, reading: str = "", explain: bool = True,
) -> Deadline:
    """The deadline ``period`` sets from ``anchor`` (time limits, recurring reports, periods a step
    sets), explained by ``head``, the citation, the reading and the calendar facts that moved it."""
    res = resolve(period, anchor, cal, convention, explain=explain)
    lines: tuple[str, ...] = ()
    if explain:
        lines = (head, *((f"依据：{citation}",) if citation else ()), *(("解读：" + reading,) if reading else ()),
                 *res.facts)
        if res.provisional:
            lines = (*lines, "期限为暂定：该年度放假安排尚未公布，公布后重算")
    return Deadline(rule, name, what, res.date, citation, res.provisional, lines, anchor=anchor,
                    period=period.describe(), reading=reading)


def from_limit(
    limit: TimeLimit, anchor: date, policy: Policy, cal: WorkingCalendar, *, explain: bool = True
) -> Deadline:
    """The deadline a time limit sets for a period starting on ``anchor``."""
    if isinstance(limit.period, AsAssigned):
        head = f"{limit.name}：按交办通知明确的时限"
    else:
        head = f"{limit.name}：自{ANCHOR_NAMES.get(limit.anchor, limit.anchor)}之日 {anchor} 起 {limit.period.describe()}"
    return from_period(limit.period, anchor, cal, policy.convention, rule=limit.id, name=limit.name, what=limit.what,
                       citation=limit.citation, head=head, reading=limit.reading, explain=explain)


def roll(day: date, cal: WorkingCalendar, convention: CountingConvention = DEFAULT_CONVENTION) -> tuple[date, str | None]:
    """A last day written by a person, moved off a rest day where the convention says so (民法典
    第二百零三条): (the day, the fact that moved it, e.g. "10/4 国庆节 → 顺延至10/9", or None)."""
    if not convention.roll_forward or cal.is_workday(day):
        return day, None
    rolled = cal.roll_forward(day)
    reason = cal.day_info(day).reason
    return rolled, f"{day.month}/{day.day} {reason} → 顺延至{rolled.month}/{rolled.day}（民法典第二百零三条：期间最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日）"


def explicit(day: date, cal: WorkingCalendar, name: str = "交办通知明确的期限", citation: Citation | None = None,
             *, convention: CountingConvention = DEFAULT_CONVENTION, what: str = "result", rule: str = "explicit",
             anchor: date | None = None, note: str = "") -> Deadline:
    """A last day set by a person (in the 督查通知单, an extension, a rework notice, a 限期整改),
    moved off a rest day by the policy's convention (``roll``); the explanation says so."""
    day, moved = roll(day, cal, convention)
    provisional = cal.is_provisional(day)
    lines = [f"{name}：{day}"]
    if note:
        lines.append(note)
    if citation:
        lines.append(f"依据：{citation}")
    if moved:
        lines.append(moved)
    if provisional:
        lines.append("期限为暂定：该年度放假安排尚未公布")
    return Deadline(rule, name, what, day, citation, provisional, tuple(lines), anchor=anchor, period="明确时限")


def deadlines_for(
    policy: Policy, kind: str, anchor: date, cal: WorkingCalendar, *, anchors: dict[str, date] | None = None
) -> list[Deadline]:
    """All deadlines the policy sets for a matter of ``kind`` whose period starts on ``anchor``
    (``anchors`` may give other anchors, e.g. a meeting's date); the unit's result/answer first."""
    anchors = anchors or {}
    return [from_limit(limit, anchors.get(limit.anchor, anchor), policy, cal) for limit in policy.limits_for(kind, anchor)]
