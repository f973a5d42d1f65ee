"""The shipped notices (holidays.toml), checked against two independent sources, and the loader's validation.

Sources: chinesecalendar (`chinese_calendar.is_workday`) and holidays (`holidays.China`, whose
`is_working_day` also knows the 调休 Saturdays/Sundays via `weekend_workdays`).  Both are
test-only dependencies.  Where a source disagrees with a notice, the notice decides and the
disagreement is listed in the EXCEPTIONS tables below with its reason.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import chinese_calendar
import holidays
import pytest

from ducha_core.calendar import CalendarDataError, WorkingCalendar, statutory_days
from ducha_core.calendar.data import load_years, shipped_years

FIRST, LAST = 2015, 2026

# (date, reason) where chinesecalendar differs from the notice; the notice decides.
# As of chinesecalendar 1.11.0 there is no disagreement about working days 2015–2026.
CHINESE_CALENDAR_EXCEPTIONS: list[tuple[dt.date, str]] = []

# (date, reason) where the holidays package differs from the notice; the notice decides.
# As of holidays 0.109 there is no disagreement about working days 2015–2026.
HOLIDAYS_EXCEPTIONS: list[tuple[dt.date, str]] = []


def _all_days():
    d = dt.date(FIRST, 1, 1)
    while d.year <= LAST:
        yield d
        d += dt.timedelta(days=1)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


def _disagreements(cal: WorkingCalendar, other) -> dict[dt.date, tuple[bool, bool]]:
    out = {}
    for d in _all_days():
        ours, theirs = cal.is_workday(d), other(d)
        if ours != theirs:
            out[d] = (ours, theirs)
    return out


def test_every_day_matches_chinese_calendar(cal):
    diff = _disagreements(cal, chinese_calendar.is_workday)
    expected = {d for d, _reason in CHINESE_CALENDAR_EXCEPTIONS}
    unexplained = {d: v for d, v in diff.items() if d not in expected}
    stale = expected - set(diff)
    assert not unexplained, f"(ours, chinesecalendar) differ, not explained: {unexplained}"
    assert not stale, f"listed exceptions that are no longer disagreements: {sorted(stale)}"


def test_every_day_matches_holidays_package(cal):
    cn = holidays.country_holidays("CN", years=range(FIRST - 1, LAST + 2))
    diff = _disagreements(cal, cn.is_working_day)
    expected = {d for d, _reason in HOLIDAYS_EXCEPTIONS}
    unexplained = {d: v for d, v in diff.items() if d not in expected}
    stale = expected - set(diff)
    assert not unexplained, f"(ours, holidays) differ, not explained: {unexplained}"
    assert not stale, f"listed exceptions that are no longer disagreements: {sorted(stale)}"


def test_make_up_days_match_holidays_package_weekend_workdays(cal):
    """The 调休上班 days themselves (not just the working/rest outcome) agree with the holidays package."""
    cn = holidays.country_holidays("CN", years=range(FIRST - 1, LAST + 2))
    theirs = {d for d in cn.weekend_workdays if FIRST <= d.year <= LAST}
    ours = {d for d in _all_days() if d.weekday() >= 5 and cal.is_workday(d)}
    assert ours == theirs


def test_comparison_would_catch_an_error(cal, tmp_path):
    """Guard: the day-by-day comparison is not vacuous — a wrong date in a file is caught."""
    f = tmp_path / "wrong.toml"
    f.write_text(
        textwrap.dedent(
            """
            [[year]]
            year = 2025
            notice = "国办发明电〔2024〕12号"
            holidays = [ { name = "国庆节、中秋节", start = 2025-10-01, end = 2025-10-07 } ]
            workdays = [ { date = 2025-09-28, name = "国庆节、中秋节" } ]
            """
        ),
        encoding="utf-8",
    )
    wrong = WorkingCalendar.load([f])
    diff = _disagreements(wrong, chinese_calendar.is_workday)
    assert dt.date(2025, 10, 8) in diff  # 10/8 is off per the notice
    assert dt.date(2025, 10, 11) in diff  # 10/11 (Sat) is worked per the notice


def test_every_year_present_with_a_notice():
    years = shipped_years()
    assert [y.year for y in years] == list(range(FIRST, LAST + 1))
    for y in years:
        assert y.notice.startswith(("国办发明电〔", "国发明电〔")) and y.notice.endswith("号")
        assert y.published is not None and y.published.year in (y.year - 1, y.year)
    by_year = {y.year: y for y in years}
    assert by_year[2025].notice == "国办发明电〔2024〕12号"
    assert [a.notice for a in by_year[2019].amendments] == ["国办发明电〔2019〕2号"]
    assert [a.notice for a in by_year[2020].amendments] == ["国办发明电〔2020〕1号"]
    assert [a.notice for a in by_year[2015].amendments] == ["国发明电〔2015〕1号"]


def test_statutory_days_are_rest_days_in_every_notice(cal):
    """Every statutory holiday (2013 rules up to 2024, 2024 rules from 2025) is off in the notices."""
    for year in range(FIRST, LAST + 1):
        for d, name in statutory_days(year):
            assert not cal.is_workday(d), f"{d} {name} is statutory but a working day in the data"


def test_statutory_days_hand_checked():
    days = dict(statutory_days(2025))
    assert days[dt.date(2025, 1, 28)] == "春节"  # 除夕, since the 2024 revision
    assert days[dt.date(2025, 5, 2)] == "劳动节"
    assert dt.date(2024, 2, 9) not in dict(statutory_days(2024))  # 除夕 2024: not yet statutory
    assert dict(statutory_days(2027))[dt.date(2027, 4, 5)] == "清明节"


# ------------------------------------------------------------------------------------------------
# validation of deployment files

HEADER = """
[[year]]
year = 2027
notice = "测试用通知（虚构）"
published = 2026-11-10
"""


def _write(tmp_path: Path, body: str, name: str = "deploy.toml") -> Path:
    f = tmp_path / name
    f.write_text(textwrap.dedent(body), encoding="utf-8")
    return f


def _error(files) -> str:
    with pytest.raises(CalendarDataError) as ei:
        load_years(files)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_make_up_day_on_a_weekday_is_rejected(tmp_path):
    f = _write(tmp_path, HEADER + 'workdays = [ { date = 2027-02-11, name = "春节" } ]\n')
    msg = _error([f])
    assert msg.startswith(f"{f}：2027 年：调休上班日 2027-02-11 是周四；")
    assert "只能是周六或周日" in msg and "请改正日期" in msg


def test_missing_year_is_rejected(tmp_path):
    f = _write(tmp_path, HEADER.replace("2027", "2028").replace("2026-11-10", "2027-11-10"))
    msg = _error([f])
    assert msg.startswith(f"{f}：2028 年：2026 年与 2028 年之间缺少 2027 年；")


def test_bad_date_literal_is_rejected(tmp_path):
    f = _write(tmp_path, HEADER + 'holidays = [ { name = "春节", start = 2027-02-30, end = 2027-02-10 } ]\n')
    msg = _error([f])
    assert msg.startswith(f"{f}：不是有效的 TOML（") and "YYYY-MM-DD" in msg


def test_bad_date_string_is_rejected(tmp_path):
    f = _write(
        tmp_path, HEADER + 'holidays = [ { name = "春节", start = "2027-13-01", end = "2027-02-10" } ]\n'
    )
    msg = _error([f])
    assert "2027 年：holidays[0]（春节）的 start = '2027-13-01' 不是日期；请写作 YYYY-MM-DD" in msg


def test_holiday_ending_before_it_starts_is_rejected(tmp_path):
    f = _write(tmp_path, HEADER + 'holidays = [ { name = "春节", start = 2027-02-10, end = 2027-02-05 } ]\n')
    msg = _error([f])
    assert "2027 年：假日 春节 的开始日 2027-02-10 晚于结束日 2027-02-05；请对调 start 和 end" in msg


def test_holiday_outside_its_year_is_rejected(tmp_path):
    f = _write(
        tmp_path, HEADER + 'holidays = [ { name = "国庆节", start = 2028-10-01, end = 2028-10-03 } ]\n'
    )
    msg = _error([f])
    assert "2027 年：假日 国庆节 2028-10-01..2028-10-03 不在 2027 年的范围内（允许 2026-12-01..2028-01-31）" in msg


def test_day_both_holiday_and_make_up_day_is_rejected(tmp_path):
    f = _write(
        tmp_path,
        HEADER
        + 'holidays = [ { name = "春节", start = 2027-02-05, end = 2027-02-10 } ]\n'
        + 'workdays = [ { date = 2027-02-06, name = "春节" } ]\n',
    )
    msg = _error([f])
    assert "2027 年：2027-02-06 既是假日又是调休上班日；请从其中一处删去" in msg


def test_amendment_must_cancel_make_up_day_it_turns_into_holiday(tmp_path):
    body = (
        HEADER
        + 'workdays = [ { date = 2027-02-13, name = "春节" } ]\n'
        + "[[year.amendments]]\n"
        + 'notice = "虚构调整通知"\n'
        + 'holidays = [ { name = "春节", start = 2027-02-12, end = 2027-02-14 } ]\n'
    )
    msg = _error([_write(tmp_path, body)])
    assert "2027 年：调整通知 虚构调整通知：2027-02-13 既是假日又是调休上班日；请把它列入调整通知的 removes_workdays" in msg
    ok = body + "removes_workdays = [ 2027-02-13 ]\n"
    cal = WorkingCalendar.load([_write(tmp_path, ok, "ok.toml")])
    assert not cal.is_workday(dt.date(2027, 2, 13))


def test_unreadable_and_non_toml_files_are_reported(tmp_path):
    assert _error([tmp_path / "nope.toml"]).startswith(f"{tmp_path / 'nope.toml'}：无法读取日历文件（")
    assert "deploy.toml：不是有效的 TOML（" in _error([_write(tmp_path, "year = [[[")])


def test_shipped_file_passes_validation():
    years = load_years()
    assert min(years) == FIRST and max(years) == LAST
