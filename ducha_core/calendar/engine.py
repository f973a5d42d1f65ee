"""WorkingCalendar: working days of mainland China, O(1) per query.

The span is first known year .. last known year + PROVISIONAL_YEARS. At load time the known years
are laid out: ``_flags`` (1 = working day) per day, ``_rank`` (working days up to and including
each day) and ``_wd`` (the working days, as dates, in order); a provisional year (its lunar
festivals computed) is laid out when a query first reaches it. Counting working days is then
index arithmetic: no per-call day-by-day walk.

Counting rule (民法典 第二百零一条、第二百零三条): the start day is not counted; the n-th working
day after ``d`` is the answer; a period ending on a rest day ends on the next working day.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ducha_core.calendar import data as _data
from ducha_core.calendar.data import CalendarDataError, YearData, YearInfo
from ducha_core.calendar.statutory import REVISION_2024, provisional_holidays
from ducha_core.errors import DuchaError

__all__ = [
    "CalendarDataError",
    "CalendarRangeError",
    "DayInfo",
    "ProvisionalDateError",
    "WorkingCalendar",
    "YearInfo",
]

PROVISIONAL_YEARS = 30
WEEKDAYS = "一二三四五六日"

REASON_WORKDAY = "工作日"
REASON_WEEKEND = "周末"
REASON_MAKEUP = "调休上班"


class CalendarRangeError(DuchaError):
    """A date outside the span the calendar covers."""


class ProvisionalDateError(DuchaError):
    """Strict mode: a date past the last known State Council notice."""


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: _dt.date
    workday: bool
    reason: str  # "工作日" | "周末" | a holiday name such as "国庆节" | "调休上班"
    provisional: bool
    notice: str | None


@dataclass(frozen=True, slots=True)
class _Run:
    """A stretch of consecutive special days with one name (for facts_between)."""

    start: int  # ordinal
    end: int  # ordinal, inclusive
    kind: str  # "holiday" | "workday"
    name: str
    provisional: bool
    has_weekday: tuple[int, ...]  # ordinals of Monday–Friday days in the run (holiday runs)


def _fmt_md(d: _dt.date, with_year: bool) -> str:
    return f"{d.year}/{d.month}/{d.day}" if with_year else f"{d.month}/{d.day}"


class WorkingCalendar:
    """Working-day calendar built from the notices in holidays.toml (+ deployment files)."""

    known_range: tuple[_dt.date, _dt.date]

    def __init__(self, years: dict[int, YearData], *, strict: bool = False):
        if not years:
            raise CalendarDataError(
                "工作日历：没有载入任何年份；请提供含 [[year]] 表的日历文件（格式同自带的 holidays.toml）"
            )
        self.strict = strict
        self._years = dict(sorted(years.items()))
        first, last = min(years), max(years)
        self.known_range = (_dt.date(first, 1, 1), _dt.date(last, 12, 31))
        self._last_year = last
        self._base = _dt.date(first, 1, 1).toordinal()
        self._span_end = _dt.date(last + PROVISIONAL_YEARS, 12, 31)
        self._known_end = self.known_range[1].toordinal()
        size = self._span_end.toordinal() - self._base + 1
        self._size = size
        self._prov_index = self._known_end - self._base + 1  # first provisional index

        # special days: ordinal -> (kind, name, notice, provisional); provisional years are added
        # as a query first reaches them (``_grow``): computing their lunar festivals is costly
        special: dict[int, tuple[str, str, str | None, bool]] = {}
        for d, (kind, name, notice) in _data.resolve_days(self._years).items():
            o = d.toordinal()
            if self._base <= o <= self._known_end:
                special[o] = (kind, name, notice, False)
        self._special = special

        # laid out so far (indices [0, _built)): flags (1 = working day), rank, working days, runs
        self._flags = bytearray()
        self._rank: list[int] = []
        self._wd: list[_dt.date] = []
        self._wd_ord: list[int] = []
        self._runs: list[_Run] = []
        self._run_ends: list[int] = []
        self._built = 0
        self._built_year = first - 1
        self._lay_out(self._known_end - self._base + 1)
        self._built_year = last

    def _lay_out(self, upto: int) -> None:
        """Lay out the days of indices [_built, upto): weekday pattern, then the special days."""
        lo, hi = self._built, upto
        if hi <= lo:
            return
        base = self._base
        n = hi - lo
        # the weekday pattern (Monday–Friday work) repeated over the days, then the special days
        wd0 = _dt.date.fromordinal(base + lo).weekday()
        flags = bytearray(bytes(1 if (wd0 + k) % 7 < 5 else 0 for k in range(7)) * (n // 7 + 1))[:n]
        special = self._special
        days = sorted(o for o in special if base + lo <= o < base + hi)
        for o in days:
            flags[o - base - lo] = 1 if special[o][0] == "workday" else 0
        rank, wd_ord = self._rank, self._wd_ord
        ranks = itertools.accumulate(flags, initial=rank[-1] if rank else 0)
        next(ranks)  # the count before the first day
        rank.extend(ranks)
        wd_ord.extend(itertools.compress(range(base + lo, base + hi), flags))
        self._wd.extend(map(_dt.date.fromordinal, wd_ord[len(self._wd):]))
        self._flags += flags
        self._built = hi
        # runs of special days for facts_between (sorted, non-overlapping)
        runs = self._runs
        for o in days:
            kind, name, _notice, prov = special[o]
            weekday = (o,) if (o + 6) % 7 < 5 else ()  # Monday–Friday (ordinal 1 is a Monday)
            if (
                kind == "holiday"
                and runs
                and runs[-1].kind == "holiday"
                and runs[-1].name == name
                and runs[-1].end == o - 1
            ):
                r = runs[-1]
                runs[-1] = _Run(r.start, o, r.kind, r.name, r.provisional, r.has_weekday + weekday)
                self._run_ends[-1] = o
                continue
            runs.append(_Run(o, o, kind, name, prov, weekday))
            self._run_ends.append(o)

    def _grow(self, i: int) -> None:
        """Lay out the provisional years up to the one holding index ``i`` (at most the span's end)."""
        year = min(_dt.date.fromordinal(self._base + min(i, self._size - 1)).year, self._span_end.year)
        end = self._span_end.toordinal()
        while self._built_year < year:
            y = self._built_year + 1
            for d, name, _makeup in provisional_holidays(y):
                o = d.toordinal()
                if self._known_end < o <= end:
                    self._special[o] = ("holiday", name, None, True)
            self._lay_out(_dt.date(y, 12, 31).toordinal() - self._base + 1)
            self._built_year = y

    # -----------------------------------------------------------------------------------------
    # construction

    @classmethod
    def load(cls, extra_files: Sequence[str | Path] = (), *, strict: bool = False) -> WorkingCalendar:
        """Shipped notices, then each extra file (a year in a file replaces the shipped one)."""
        return cls(_data.load_years(extra_files), strict=strict)

    @classmethod
    def default(cls) -> WorkingCalendar:
        """The shipped data, non-strict, built once per process."""
        return _default()

    # -----------------------------------------------------------------------------------------
    # index helpers

    def _index(self, d: _dt.date) -> int:
        i = d.toordinal() - self._base
        if 0 <= i < self._size:
            if self.strict and i >= self._prov_index:
                raise self._provisional_error(d)
            if i >= self._built:
                self._grow(i)
            return i
        raise self._range_error(d)

    def _range_error(self, d: _dt.date) -> CalendarRangeError:
        if d.toordinal() < self._base:
            return CalendarRangeError(
                f"没有 {self.known_range[0].isoformat()} 以前的日历数据（所查日期为 {d.isoformat()}）；"
                "请在日历文件中补上该年的放假通知（格式同自带的 holidays.toml）"
            )
        return CalendarRangeError(
            f"{d.isoformat()} 超出了工作日历的范围（止于 {self._span_end.isoformat()}，即最后一份通知之后暂定推算"
            f" {PROVISIONAL_YEARS} 年）；请用较近的日期，或用 --calendar FILE 补充放假通知"
        )

    def _provisional_error(self, d: _dt.date) -> ProvisionalDateError:
        return ProvisionalDateError(
            f"{d.year} 年的放假通知尚未收录（已收录到 {self._last_year} 年）；请用 --calendar FILE（或 ducha.toml 的 calendar）"
            f"补上 {d.year} 年的通知，或不用严格模式（去掉 --strict，或设 strict_calendar = false）"
        )

    def _result(self, j: int, d: _dt.date) -> _dt.date:
        if 0 <= j < len(self._wd):
            r = self._wd[j]
            if self.strict and r.toordinal() > self._known_end:
                raise self._provisional_error(r)
            return r
        if j < 0:
            raise CalendarRangeError(
                f"从 {d.isoformat()} 往前推算超出了工作日历的范围（日历数据始于 {self.known_range[0].isoformat()}）；"
                "请在日历文件中补上更早一年的放假通知（格式同自带的 holidays.toml）"
            )
        raise CalendarRangeError(
            f"从 {d.isoformat()} 往后推算超出了工作日历的范围（止于 {self._span_end.isoformat()}）；"
            "请减少工作日数"
        )

    # -----------------------------------------------------------------------------------------
    # queries

    def is_workday(self, d: _dt.date) -> bool:
        return self._flags[self._index(d)] == 1

    def is_provisional(self, d: _dt.date) -> bool:
        """True when ``d`` is past the last year whose notice we know."""
        return d.toordinal() > self._known_end

    def day_info(self, d: _dt.date) -> DayInfo:
        i = self._index(d)
        o = d.toordinal()
        prov = o > self._known_end
        sp = self._special.get(o)
        if sp is not None:
            kind, name, notice, _p = sp
            return DayInfo(d, kind == "workday", REASON_MAKEUP if kind == "workday" else name, prov, notice)
        yd = self._years.get(d.year)
        notice = yd.notice if yd is not None else None
        workday = self._flags[i] == 1
        return DayInfo(d, workday, REASON_WORKDAY if workday else REASON_WEEKEND, prov, notice)

    def add_workdays(self, d: _dt.date, n: int) -> _dt.date:
        """The n-th working day after ``d`` (start day not counted); n<0 counts back; n==0 rolls forward."""
        i = d.toordinal() - self._base
        if not 0 <= i < self._size:
            raise self._range_error(d)
        if self.strict and i >= self._prov_index:
            raise self._provisional_error(d)
        if i >= self._built:
            self._grow(i)
        if n > 0:
            j = self._rank[i] + n - 1
        elif n < 0:
            j = self._rank[i] - self._flags[i] + n
        else:
            j = self._rank[i] - self._flags[i]
        if 0 <= j < len(self._wd) and not self.strict:
            return self._wd[j]
        while j >= len(self._wd) and self._built < self._size:  # past the years laid out so far
            self._grow(self._built)
        return self._result(j, d)

    def add_workdays_many(self, ordinals: Sequence[int], ns: Sequence[int]) -> list[int]:
        """Batch ``add_workdays`` for n >= 1 on proleptic ordinals (``date.toordinal()``); returns ordinals.

        One list comprehension over the precomputed arrays; the range/strict checks are done once
        for the whole batch.
        """
        if len(ordinals) != len(ns):
            raise ValueError("ordinals and ns must have the same length")
        if not ordinals:
            return []
        if min(ns) < 1:
            raise ValueError("add_workdays_many takes n >= 1; use add_workdays for n <= 0")
        lo, hi = min(ordinals), max(ordinals)
        for o in (lo, hi):
            self._index(_dt.date.fromordinal(o))
        base = self._base
        rank = self._rank
        wd = self._wd_ord
        try:
            try:
                out = [wd[rank[o - base] + n - 1] for o, n in zip(ordinals, ns)]  # noqa: B905
            except IndexError:  # past the years laid out so far: lay out the whole span
                self._grow(self._size - 1)
                out = [wd[rank[o - base] + n - 1] for o, n in zip(ordinals, ns)]  # noqa: B905
        except IndexError:
            raise CalendarRangeError(
                f"往后推算超出了工作日历的范围（止于 {self._span_end.isoformat()}）；请减少工作日数"
            ) from None
        if self.strict and max(out) > self._known_end:
            raise self._provisional_error(_dt.date.fromordinal(max(out)))
        return out

    def roll_forward(self, d: _dt.date) -> _dt.date:
        """``d`` if it is a working day, else the next working day (民法典 第二百零三条)."""
        return self.add_workdays(d, 0)

    def roll_backward(self, d: _dt.date) -> _dt.date:
        """``d`` if it is a working day, else the last working day before it."""
        i = self._index(d)
        return self._result(self._rank[i] - 1, d)

    def last_workday_of_month(self, year: int, month: int) -> _dt.date:
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1..12, not {month}")
        if not _dt.MINYEAR <= year < _dt.MAXYEAR:  # 0000-01, 9999-12: no such month for a date
            raise CalendarRangeError(
                f"{year:04d}-{month:02d} 超出了工作日历的范围（{self.known_range[0].isoformat()} 至 "
                f"{self._span_end.isoformat()}）；请用较近的月份，或用 --calendar FILE 补充放假通知"
            )
        end = _dt.date(year + 1, 1, 1) if month == 12 else _dt.date(year, month + 1, 1)
        return self.roll_backward(end - _dt.timedelta(days=1))

    def last_workday_of_quarter(self, year: int, quarter: int) -> _dt.date:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1..4, not {quarter}")
        return self.last_workday_of_month(year, quarter * 3)

    def last_workday_of_year(self, year: int) -> _dt.date:
        return self.last_workday_of_month(year, 12)

    def workdays_between(self, start: _dt.date, end: _dt.date) -> int:
        """Working days in (start, end]; negative (minus those in (end, start]) when end < start."""
        return self._rank[self._index(end)] - self._rank[self._index(start)]

    def facts_between(self, start: _dt.date, end: _dt.date) -> list[str]:
        """Chinese explanation of every calendar fact in (start, end] that differs from plain weekdays."""
        if end < start:
            start, end = end, start
        self._index(start)
        self._index(end)
        lo, hi = start.toordinal() + 1, end.toordinal()
        with_year = _dt.date.fromordinal(lo).year != end.year
        facts: list[str] = []
        k = bisect.bisect_left(self._run_ends, lo)
        runs = self._runs
        while k < len(runs) and runs[k].start <= hi:
            r = runs[k]
            k += 1
            a, b = max(r.start, lo), min(r.end, hi)
            if r.kind == "workday":
                d = _dt.date.fromordinal(a)
                facts.append(f"{_fmt_md(d, with_year)} 周{WEEKDAYS[d.weekday()]}{REASON_MAKEUP}（{r.name}）")
                continue
            if not any(a <= o <= b for o in r.has_weekday):
                continue  # only weekend days of the holiday touch the interval: count unchanged
            da, db = _dt.date.fromordinal(a), _dt.date.fromordinal(b)
            span = _fmt_md(da, with_year) if a == b else f"{_fmt_md(da, with_year)}–{_fmt_md(db, with_year)}"
            facts.append(f"{span} {r.name}放假" + ("（暂定）" if r.provisional else ""))
        if hi > self._known_end:
            for y in range(max(self._last_year + 1, _dt.date.fromordinal(lo).year), end.year + 1):
                facts.append(f"{y}年放假安排尚未公布，按{REVISION_2024}法定假日及周末推算（暂定）")
        return facts

    def years(self) -> list[YearInfo]:
        return [
            YearInfo(y.year, y.notice, y.published, tuple(a.notice for a in y.amendments), y.source)
            for y in self._years.values()
        ]



@lru_cache(maxsize=1)
def _default() -> WorkingCalendar:
    return WorkingCalendar.load()
