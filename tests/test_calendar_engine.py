"""WorkingCalendar: hand-checked dates, amendments, provisional years, deployment files, properties."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ducha_core.calendar import (
    CalendarRangeError,
    DayInfo,
    ProvisionalDateError,
    WorkingCalendar,
    provisional_holidays,
)
from ducha_core.errors import DuchaError

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


# ------------------------------------------------------------------------------------------------
# hand-checked dates (国办发明电〔2024〕12号 for 2025, 〔2023〕7号 for 2024)


def test_national_day_2025(cal):
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.is_workday(D(2025, 10, 11))  # Saturday, 调休上班
    assert cal.is_workday(D(2025, 9, 28))  # Sunday, 调休上班
    assert not cal.is_workday(D(2025, 10, 8))
    assert cal.day_info(D(2025, 10, 11)) == DayInfo(
        D(2025, 10, 11), True, "调休上班", False, "国办发明电〔2024〕12号"
    )
    assert cal.day_info(D(2025, 10, 3)).reason == "国庆节、中秋节"
    assert cal.day_info(D(2025, 10, 18)).reason == "周末"
    assert cal.day_info(D(2025, 10, 13)).reason == "工作日"


def test_spring_festival_2025(cal):
    # 1/28–2/4 off; Sunday 1/26 and Saturday 2/8 worked.
    for d in range(28, 32):
        assert not cal.is_workday(D(2025, 1, d))
    for d in range(1, 5):
        assert not cal.is_workday(D(2025, 2, d))
    assert cal.is_workday(D(2025, 1, 26)) and cal.is_workday(D(2025, 2, 8))
    assert cal.add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert cal.add_workdays(D(2025, 1, 24), 2) == D(2025, 1, 27)  # Fri -> Sun 1/26 (worked) -> Mon 1/27
    assert cal.add_workdays(D(2025, 2, 7), 1) == D(2025, 2, 8)  # Friday -> the worked Saturday


def test_spring_festival_2024(cal):
    # 2/10–2/17 off; Sunday 2/4 and Sunday 2/18 worked; 除夕 2/9 (Friday) is a working day.
    assert cal.is_workday(D(2024, 2, 9))
    assert cal.is_workday(D(2024, 2, 4)) and cal.is_workday(D(2024, 2, 18))
    assert cal.add_workdays(D(2024, 2, 9), 1) == D(2024, 2, 18)
    assert cal.workdays_between(D(2024, 2, 8), D(2024, 2, 19)) == 3  # 2/9, 2/18, 2/19


def test_backward_counting_before_national_day(cal):
    # "提前7个工作日" before 2025-10-09: 9/30, 9/29, 9/28 (Sun, worked), 9/26, 9/25, 9/24, 9/23.
    assert cal.add_workdays(D(2025, 10, 9), -7) == D(2025, 9, 23)
    assert cal.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)


def test_received_on_a_rest_day(cal):
    # Received on 10/3 (holiday): day 1 is the first working day after it.
    assert cal.add_workdays(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 10, 3), 2) == D(2025, 10, 10)
    # Received Saturday 2025-10-18: day 1 is Monday 10/20.
    assert cal.add_workdays(D(2025, 10, 18), 1) == D(2025, 10, 20)
    # n == 0: the day itself if working, else the next working day.
    assert cal.add_workdays(D(2025, 10, 3), 0) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 10, 11), 0) == D(2025, 10, 11)


def test_roll_forward_and_backward(cal):
    assert cal.roll_forward(D(2025, 10, 1)) == D(2025, 10, 9)
    assert cal.roll_backward(D(2025, 10, 1)) == D(2025, 9, 30)
    assert cal.roll_backward(D(2025, 10, 11)) == D(2025, 10, 11)
    assert cal.roll_forward(D(2025, 10, 12)) == D(2025, 10, 13)


def test_month_ending_on_a_make_up_weekend_day(cal):
    # 2017-09-30 is a Saturday worked before 国庆节、中秋节 (国办发明电〔2016〕17号).
    assert cal.last_workday_of_month(2017, 9) == D(2017, 9, 30)
    # 2018-09-30 is a Sunday worked (国办发明电〔2017〕12号).
    assert cal.last_workday_of_month(2018, 9) == D(2018, 9, 30)
    # April 2018: 4/29–5/1 off, Saturday 4/28 worked -> the month's last working day is a Saturday.
    assert cal.last_workday_of_month(2018, 4) == D(2018, 4, 28)
    # 2019-09-29 is a worked Sunday, but 9/30 (Monday) is later.
    assert cal.last_workday_of_month(2019, 9) == D(2019, 9, 30)
    assert cal.last_workday_of_quarter(2018, 3) == D(2018, 9, 30)
    # 2022-12-31 is a Saturday and part of 元旦 2023 -> 12/30 (Friday).
    assert cal.last_workday_of_year(2022) == D(2022, 12, 30)
    # 2018-12-29 is a Saturday worked, arranged by the 2019 notice.
    assert cal.last_workday_of_year(2018) == D(2018, 12, 29)
    assert cal.day_info(D(2018, 12, 29)).notice == "国办发明电〔2018〕15号"


def test_labour_day_2019_amendment(cal):
    # 国办发明电〔2019〕2号: 5/1–5/4 off, Sundays 4/28 and 5/5 worked.
    for d in (1, 2, 3, 4):
        assert not cal.is_workday(D(2019, 5, d))
    assert cal.is_workday(D(2019, 4, 28)) and cal.is_workday(D(2019, 5, 5))
    assert cal.day_info(D(2019, 5, 2)).notice == "国办发明电〔2019〕2号"
    assert cal.add_workdays(D(2019, 4, 30), 1) == D(2019, 5, 5)


def test_spring_festival_2020_extension(cal):
    # 国办发明电〔2020〕1号: extended to Sunday 2/2; Saturday 2/1 no longer worked; back on Monday 2/3.
    for d in (D(2020, 1, 30), D(2020, 1, 31), D(2020, 2, 1), D(2020, 2, 2)):
        assert not cal.is_workday(d), d
    assert cal.day_info(D(2020, 2, 1)) == DayInfo(
        D(2020, 2, 1), False, "春节", False, "国办发明电〔2020〕1号"
    )
    assert cal.add_workdays(D(2020, 1, 23), 1) == D(2020, 2, 3)
    assert cal.is_workday(D(2020, 1, 19))  # the Sunday before is still worked


def test_victory_day_2015(cal):
    assert not cal.is_workday(D(2015, 9, 3)) and not cal.is_workday(D(2015, 9, 4))
    assert cal.is_workday(D(2015, 9, 6))


# ------------------------------------------------------------------------------------------------
# provisional years (2027: no notice yet)

# Hand-checked against a lunar table: 2027 春节 正月初一 = Saturday 2027-02-06 (除夕 Friday 02-05),
# 清明 2027-04-05 (Mon), 端午 2027-06-09 (Wed), 中秋 2027-09-15 (Wed).
PROVISIONAL_2027_OFF_WEEKDAYS = [
    D(2027, 1, 1),  # 元旦 (Fri)
    D(2027, 2, 5),  # 除夕 (Fri)
    D(2027, 2, 8),  # 初三 (Mon)
    D(2027, 2, 9),  # 补假 for 初一 (Sat)
    D(2027, 2, 10),  # 补假 for 初二 (Sun)
    D(2027, 4, 5),  # 清明节 (Mon)
    D(2027, 5, 3),  # 补假 for 5/1 (Sat)
    D(2027, 5, 4),  # 补假 for 5/2 (Sun)
    D(2027, 6, 9),  # 端午节
    D(2027, 9, 15),  # 中秋节
    D(2027, 10, 1),  # 国庆节 (Fri)
    D(2027, 10, 4),  # 补假 for 10/2 (Sat)
    D(2027, 10, 5),  # 补假 for 10/3 (Sun)
]


def test_provisional_2027(cal):
    for d in PROVISIONAL_2027_OFF_WEEKDAYS:
        info = cal.day_info(d)
        assert not info.workday and info.provisional and info.notice is None, d
    assert cal.is_workday(D(2027, 2, 11)) and cal.is_workday(D(2027, 10, 6))
    assert not cal.is_workday(D(2027, 2, 6))  # Saturday, no 调休 guessed
    assert cal.add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 11)
    assert cal.is_provisional(D(2027, 1, 1)) and not cal.is_provisional(D(2026, 12, 31))
    off_weekdays = {d for d, _n, _m in provisional_holidays(2027) if d.weekday() < 5}
    assert off_weekdays == set(PROVISIONAL_2027_OFF_WEEKDAYS)
    facts = cal.facts_between(D(2027, 2, 1), D(2027, 2, 15))
    assert facts == [
        "2/5–2/10 春节放假（暂定）",
        "2027年放假安排尚未公布，按《全国年节及纪念日放假办法》(2024年修订)法定假日及周末推算（暂定）",
    ]


def test_festivals_on_the_same_day_give_one_more_day_off():
    # 2028: 中秋 is 10/3 (Tue), inside 国庆 10/1–10/3 -> an extra day 10/4; 10/1 (Sun) -> 10/5.
    days = {d: n for d, n, _m in provisional_holidays(2028)}
    assert days[D(2028, 10, 3)] in ("国庆节", "中秋节")
    assert D(2028, 10, 4) in days and D(2028, 10, 5) in days and D(2028, 10, 6) not in days


def test_strict_mode_refuses_provisional_dates():
    strict = WorkingCalendar.load(strict=True)
    assert strict.add_workdays(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(ProvisionalDateError) as ei:
        strict.add_workdays(D(2026, 12, 31), 1)
    assert str(ei.value) == (
        "2027 年的放假通知尚未收录（已收录到 2026 年）；请用 --calendar FILE（或 ducha.toml 的 calendar）"
        "补上 2027 年的通知，或不用严格模式（去掉 --strict，或设 strict_calendar = false）"
    )
    with pytest.raises(ProvisionalDateError):
        strict.is_workday(D(2027, 3, 1))
    with pytest.raises(ProvisionalDateError):
        strict.add_workdays_many([D(2026, 12, 31).toordinal()], [1])
    assert isinstance(ei.value, DuchaError)


def test_out_of_range(cal):
    with pytest.raises(CalendarRangeError) as ei:
        cal.add_workdays(D(2014, 12, 31), 1)
    assert str(ei.value) == ("没有 2015-01-01 以前的日历数据（所查日期为 2014-12-31）；"
                             "请在日历文件中补上该年的放假通知（格式同自带的 holidays.toml）")
    with pytest.raises(CalendarRangeError, match=r"^从 2015-01-05 往前推算超出了工作日历的范围（日历数据始于 2015-01-01）；"):
        cal.add_workdays(D(2015, 1, 5), -10)
    with pytest.raises(CalendarRangeError, match=r"^2100-01-01 超出了工作日历的范围（止于 2056-12-31，.*--calendar FILE"):
        cal.is_workday(D(2100, 1, 1))
    assert cal.known_range == (D(2015, 1, 1), D(2026, 12, 31))


# ------------------------------------------------------------------------------------------------
# deployment files


DEPLOY_2027 = """
# 虚构的 2027 年通知, for the test only.
[[year]]
year = 2027
notice = "国办发明电〔2026〕99号（测试）"
published = 2026-11-10
holidays = [
    { name = "元旦", start = 2027-01-01, end = 2027-01-03 },
    { name = "春节", start = 2027-02-05, end = 2027-02-12 },
]
workdays = [ { date = 2027-02-20, name = "春节" } ]
"""


def test_deployment_file_adds_a_year(tmp_path):
    f = tmp_path / "2027.toml"
    f.write_text(textwrap.dedent(DEPLOY_2027), encoding="utf-8")
    cal = WorkingCalendar.load([f], strict=True)
    assert cal.known_range[1] == D(2027, 12, 31)
    assert not cal.is_provisional(D(2027, 2, 11))
    assert not cal.is_workday(D(2027, 2, 11)) and not cal.is_workday(D(2027, 2, 12))
    assert cal.is_workday(D(2027, 2, 20))
    info = cal.day_info(D(2027, 2, 20))
    assert info.reason == "调休上班" and info.notice == "国办发明电〔2026〕99号（测试）"
    assert cal.years()[-1].source == str(f)
    assert cal.years()[0].source == "shipped"


def test_deployment_file_corrects_a_year(tmp_path):
    f = tmp_path / "fix2025.toml"
    f.write_text(
        textwrap.dedent(
            """
            [[year]]
            year = 2025
            notice = "更正（测试）"
            holidays = [ { name = "国庆节、中秋节", start = 2025-10-01, end = 2025-10-07 } ]
            workdays = []
            """
        ),
        encoding="utf-8",
    )
    cal = WorkingCalendar.load([f])
    assert cal.is_workday(D(2025, 10, 8))  # the corrected year replaces the shipped one entirely
    assert not cal.is_workday(D(2025, 10, 11))
    assert cal.is_workday(D(2025, 1, 28))  # shipped 2025 春节 gone too: the file's year is the whole year
    assert [y.source for y in cal.years() if y.year == 2025] == [str(f)]


# ------------------------------------------------------------------------------------------------
# facts


def test_facts_between(cal):
    assert cal.facts_between(D(2025, 9, 30), D(2025, 10, 9)) == ["10/1–10/8 国庆节、中秋节放假"]
    assert cal.facts_between(D(2025, 10, 5), D(2025, 10, 12)) == [
        "10/6–10/8 国庆节、中秋节放假",
        "10/11 周六调休上班（国庆节、中秋节）",
    ]
    assert cal.facts_between(D(2025, 3, 3), D(2025, 3, 10)) == []
    # a holiday whose touched part is only a weekend does not change the count: not listed
    assert cal.facts_between(D(2025, 10, 17), D(2025, 10, 20)) == []
    assert cal.facts_between(D(2018, 12, 20), D(2019, 1, 5)) == [
        "2018/12/29 周六调休上班（元旦）",
        "2018/12/30–2019/1/1 元旦放假",
    ]


# ------------------------------------------------------------------------------------------------
# properties, against a naive day-by-day reference written here


def ref_add(cal: WorkingCalendar, d: dt.date, n: int) -> dt.date:
    one = dt.timedelta(days=1)
    if n == 0:
        while not cal.is_workday(d):
            d += one
        return d
    step = one if n > 0 else -one
    left = abs(n)
    while left:
        d += step
        if cal.is_workday(d):
            left -= 1
    return d


dates = st.dates(min_value=D(2015, 4, 1), max_value=D(2026, 12, 31))
ns = st.integers(min_value=-60, max_value=60)


@settings(max_examples=400, deadline=None)
@given(d=dates, n=ns)
def test_matches_naive_reference(cal, d, n):
    assert cal.add_workdays(d, n) == ref_add(cal, d, n)


@settings(max_examples=300, deadline=None)
@given(d=dates, n=ns.filter(lambda n: n != 0))
def test_result_is_a_working_day(cal, d, n):
    assert cal.is_workday(cal.add_workdays(d, n))


@settings(max_examples=300, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=60))
def test_round_trip(cal, d, n):
    # Law: for n > 0, add(add(d, n), -n) == roll_backward(d)  (== d when d is a working day);
    #      for n > 0, add(add(d, -n), n) == roll_forward(d)   (== d when d is a working day).
    assert cal.add_workdays(cal.add_workdays(d, n), -n) == cal.roll_backward(d)
    assert cal.add_workdays(cal.add_workdays(d, -n), n) == cal.roll_forward(d)
    if cal.is_workday(d):
        assert cal.add_workdays(cal.add_workdays(d, n), -n) == d


@settings(max_examples=300, deadline=None)
@given(d=dates, a=ns, b=ns)
def test_monotone_in_n(cal, d, a, b):
    a, b = min(a, b), max(a, b)
    ra, rb = cal.add_workdays(d, a), cal.add_workdays(d, b)
    assert ra <= rb
    if a < b and (a >= 1 or b <= -1 or (a < 0 <= b)):
        assert ra < rb


@settings(max_examples=300, deadline=None)
@given(d=dates, n=st.integers(min_value=1, max_value=60))
def test_workdays_between_inverts_add(cal, d, n):
    assert cal.workdays_between(d, cal.add_workdays(d, n)) == n


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(dates, st.integers(min_value=1, max_value=30)), min_size=1, max_size=50))
def test_batch_equals_single(cal, pairs):
    out = cal.add_workdays_many([d.toordinal() for d, _ in pairs], [n for _, n in pairs])
    assert out == [cal.add_workdays(d, n).toordinal() for d, n in pairs]
