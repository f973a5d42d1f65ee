"""Periods counted under the general rule of Chinese law, hand-checked across holidays."""

from datetime import date as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ducha_core.periods import (
    AsItHappens,
    CalendarDays,
    CountingConvention,
    EndOf,
    Months,
    NextDay,
    Weeks,
    WorkingDays,
    parse_period,
    resolve,
)


def end(period, anchor, cal, convention=None):
    return resolve(period, anchor, cal, convention or CountingConvention()).date


def test_working_days_across_national_day_2025(cal):
    # 10/1–10/8 off; 9/28 (Sun) and 10/11 (Sat) worked
    assert end(WorkingDays(1), D(2025, 9, 30), cal) == D(2025, 10, 9)
    assert end(WorkingDays(5), D(2025, 9, 30), cal) == D(2025, 10, 14)  # 9,10,11(Sat),13,14


def test_working_days_across_spring_festival_2025(cal):
    # 1/28–2/4 off; 1/26 (Sun) and 2/8 (Sat) worked
    assert end(WorkingDays(1), D(2025, 1, 25), cal) == D(2025, 1, 26)
    assert end(WorkingDays(3), D(2025, 1, 24), cal) == D(2025, 2, 5)  # 26(Sun), 27, 2/5
    assert end(WorkingDays(4), D(2025, 1, 24), cal) == D(2025, 2, 6)


def test_received_on_a_rest_day_counts_the_first_working_day_after_it_as_day_1(cal):
    # Saturday 2025-03-08: day 1 is Monday 03-10
    assert end(WorkingDays(1), D(2025, 3, 8), cal) == D(2025, 3, 10)
    facts = resolve(WorkingDays(1), D(2025, 3, 8), cal).facts
    assert any("为休息日" in f for f in facts)


def test_backward_working_days(cal):
    # 提前7个工作日 before 2025-10-09: 9/30, 29, 28(Sun, worked), 26, 25, 24, 23
    assert end(WorkingDays(-7), D(2025, 10, 9), cal) == D(2025, 9, 23)


def test_start_day_counted_convention_variant(cal):
    variant = CountingConvention(exclude_start_day=False)
    assert end(WorkingDays(5), D(2025, 9, 30), cal, variant) == D(2025, 10, 13)
    assert end(CalendarDays(5), D(2025, 3, 3), cal, variant) == D(2025, 3, 7)


def test_calendar_days_roll_forward_over_holiday(cal):
    # 5日 from 2025-09-26 ends 10-01, a holiday: rolls to 10-09 (民法典 第二百零三条)
    res = resolve(CalendarDays(5), D(2025, 9, 26), cal)
    assert res.date == D(2025, 10, 9)
    assert any("顺延" in f for f in res.facts)
    assert end(CalendarDays(5), D(2025, 9, 26), cal, CountingConvention(roll_forward=False)) == D(2025, 10, 1)


def test_months_end_on_same_day_or_month_end(cal):
    assert end(Months(3), D(2025, 3, 14), cal) == D(2025, 6, 16)  # 6/14 is Saturday -> Monday
    assert end(Months(1), D(2025, 1, 31), cal) == D(2025, 2, 28)  # clamp to month end (Friday)
    assert end(Months(3), D(2024, 11, 30), cal) == D(2025, 2, 28)  # 2/30 does not exist: the month's last day
    assert end(Months(1), D(2025, 8, 31), cal) == D(2025, 9, 30)  # 9/31 does not exist
    assert end(Months(3), D(2025, 7, 1), cal) == D(2025, 10, 9)  # 10/1 in National Day -> 10/9


def test_weeks_and_next_day(cal):
    assert end(Weeks(1), D(2025, 9, 24), cal) == D(2025, 10, 9)  # 10/1 holiday -> 10/9
    assert end(NextDay(), D(2025, 9, 30), cal) == D(2025, 10, 9)
    assert end(NextDay(), D(2025, 9, 26), cal) == D(2025, 9, 28)  # Saturday rolls to Sunday 9/28, a make-up day


def test_month_can_end_on_a_make_up_day(cal):
    # 2025-09-28 is a Sunday worked (调休) but the month's last day 9/30 is a Tuesday; 2023-09: last working day
    # is... 2019-09-29 (Sunday) worked, 9/30 Monday worked: use end-of-quarter of 2017: 2017-09-30 (Sat) worked
    assert end(EndOf("month"), D(2017, 9, 3), cal) == D(2017, 9, 30)
    assert end(EndOf("quarter"), D(2017, 8, 1), cal) == D(2017, 9, 30)
    assert end(EndOf("month"), D(2025, 1, 3), cal) == D(2025, 1, 27)  # 1/28–2/4 Spring Festival


def test_as_it_happens_has_no_date(cal):
    assert resolve(AsItHappens(), D(2025, 1, 1), cal).date is None


@pytest.mark.parametrize("text,period", [
    ("5个工作日", WorkingDays(5)), ("提前7个工作日", WorkingDays(-7)), ("5日", CalendarDays(5)),
    ("一周", Weeks(1)), ("3个月", Months(3)), ("次日", NextDay()), ("每月最后1个工作日", EndOf("month")),
    ("30个工作日", WorkingDays(30)), ("随办随报", AsItHappens()),
])
def test_parse_period(text, period):
    assert parse_period(text) == period
    assert parse_period(period.describe()) == period


def test_parse_period_error_says_what_is_accepted():
    with pytest.raises(ValueError, match="5个工作日"):
        parse_period("五个半月")


@given(st.dates(D(2015, 1, 1), D(2026, 11, 30)), st.integers(1, 60))
def test_working_day_deadline_is_a_working_day_after_the_anchor(cal, anchor, n):
    day = end(WorkingDays(n), anchor, cal)
    assert cal.is_workday(day) and day > anchor
    assert cal.workdays_between(anchor, day) == n


@given(st.dates(D(2015, 1, 1), D(2026, 6, 30)), st.integers(1, 24))
def test_month_deadline_is_a_working_day_within_a_week_of_the_same_day(cal, anchor, n):
    day = end(Months(n), anchor, cal)
    assert cal.is_workday(day)
    month_index = anchor.month - 1 + n
    target_month = (anchor.year + month_index // 12, month_index % 12 + 1)
    assert (day.year, day.month) >= target_month
    assert 0 <= (day - D(*target_month, 1)).days <= 40
