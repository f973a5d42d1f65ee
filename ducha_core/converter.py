"""The application's private cattrs converter; every (un)structure hook is registered here.

Dates are ISO strings; a ``Period`` is written as the documents write it ("5个工作日", "3个月",
"每月最后1个工作日") and read back with ``parse_period``; triggers are tagged by ``type``.
"""

from __future__ import annotations

from datetime import date, datetime

import cattrs
from cattrs.strategies import configure_tagged_union

from ducha_core.periods import (
    AsItHappens,
    CalendarDays,
    EndOf,
    Months,
    NextDay,
    Period,
    Weeks,
    WorkingDays,
    parse_period,
)
from ducha_core.rules import After, CountInYear, Overdue, Trigger, UnitGrade

PERIOD_TYPES = (WorkingDays, CalendarDays, Weeks, Months, NextDay, EndOf, AsItHappens)


def _structure_period(value, _type) -> Period:
    if isinstance(value, PERIOD_TYPES):
        return value
    if not isinstance(value, str):
        raise ValueError(f"期限须写成带引号的文字，如 \"5个工作日\"、\"3个月\"，而不是 {value!r}")
    return parse_period(value)


def _structure_date(value, _type) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{value.isoformat()} 是日期时间；请只写日期 YYYY-MM-DD")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} 不是日期；请写作 YYYY-MM-DD，如 2025-10-09") from None


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(date, lambda d: d.isoformat())
    conv.register_structure_hook(date, _structure_date)
    for period_type in PERIOD_TYPES:
        conv.register_unstructure_hook(period_type, lambda p: p.describe())
        conv.register_structure_hook(period_type, _structure_period)
    conv.register_structure_hook(Period, _structure_period)
    conv.register_structure_hook(Period | None, lambda v, _t: None if v is None else _structure_period(v, None))
    configure_tagged_union(Trigger, conv, tag_name="type", tag_generator=lambda cls: {
        CountInYear: "count_in_year", Overdue: "overdue", After: "after", UnitGrade: "unit_grade"}[cls])
    return conv


converter = make_converter()
