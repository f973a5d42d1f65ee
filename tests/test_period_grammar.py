"""The period grammar of parse_period: Chinese and full-width numerals, 内/以内, units, refusals, round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ducha_core.periods import (
    AsItHappens,
    CalendarDays,
    EndOf,
    Months,
    NextDay,
    Weeks,
    WorkingDays,
    parse_period,
)


@pytest.mark.parametrize("text,period", [
    # Chinese numerals
    ("十五个工作日", WorkingDays(15)), ("三十个工作日", WorkingDays(30)), ("十个工作日", WorkingDays(10)),
    ("二十五个工作日", WorkingDays(25)), ("两周", Weeks(2)), ("一百日", CalendarDays(100)),
    ("一百零五日", CalendarDays(105)), ("一百二十日", CalendarDays(120)), ("一百一十日", CalendarDays(110)),
    ("二千五百个工作日", WorkingDays(2500)), ("一千零五十日", CalendarDays(1050)),
    # full-width digits and spaces
    ("５个工作日", WorkingDays(5)), ("１５个工作日", WorkingDays(15)), ("15 个工作日", WorkingDays(15)),
    # 内 / 以内 / 之内, leading 在
    ("15个工作日内", WorkingDays(15)), ("二十五个工作日以内", WorkingDays(25)), ("十日之内", CalendarDays(10)),
    ("在15个工作日内", WorkingDays(15)), ("一周内", Weeks(1)), ("3个月以内", Months(3)),
    # units
    ("5工作日", WorkingDays(5)), ("5天", CalendarDays(5)), ("5个自然日", CalendarDays(5)),
    ("5自然日", CalendarDays(5)), ("3个星期", Weeks(3)), ("三星期", Weeks(3)), ("三周", Weeks(3)),
    ("6月", Months(6)), ("一年", Months(12)), ("两年", Months(24)), ("十年", Months(120)),
    ("半个月", CalendarDays(15)), ("半年", Months(6)), ("提前七个工作日", WorkingDays(-7)),
    # fixed forms
    ("次日", NextDay()), ("随办随报", AsItHappens()), ("随时", AsItHappens()),
    ("每月最后1个工作日", EndOf("month")), ("每季度末最后1个工作日", EndOf("quarter")),
    ("年底前最后1个工作日", EndOf("year")), ("每月最后1日", EndOf("month", workday=False)),
    # upper limits, inclusive
    ("2500个工作日", WorkingDays(2500)), ("3660日", CalendarDays(3660)), ("520周", Weeks(520)),
    ("120个月", Months(120)),
])
def test_reads(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", [
    "0个工作日", "零日", "〇个工作日", "1000000个工作日", "三十万日", "abc", "", "个工作日", "提前5日", "提前一年",
    "2501个工作日", "3661日", "521周", "121个月", "十一年", "五个半月", "一百五日", "一百零零五日", "零五日",
    "百日", "十十日", "〇", "一万万日", "1" * 5000 + "日",
])
def test_refuses_with_the_text_and_the_accepted_forms(text):
    with pytest.raises(ValueError) as err:
        parse_period(text)
    message = str(err.value)
    assert f"'{text}'" in message and "5个工作日" in message
    assert "\n" not in message


def test_refusal_says_what_is_wrong():
    with pytest.raises(ValueError, match="无法识别期限 '0个工作日'：数目至少为1"):
        parse_period("0个工作日")
    with pytest.raises(ValueError, match="期限不得超过10年（最多2500个工作日）"):
        parse_period("1000000个工作日")
    with pytest.raises(ValueError, match="「提前」只能与「个工作日」连用"):
        parse_period("提前5日")


periods = st.one_of(
    st.integers(1, 2500).map(WorkingDays),
    st.integers(1, 2500).map(lambda n: WorkingDays(-n)),
    st.integers(1, 3660).map(CalendarDays),
    st.integers(1, 520).map(Weeks),
    st.integers(1, 120).map(Months),
    st.just(NextDay()),
    st.just(AsItHappens()),
    st.sampled_from(["month", "quarter", "year"]).map(EndOf),
    st.just(EndOf("month", workday=False)),
)


@given(periods)
def test_describe_then_parse_is_the_same_period(period):
    assert parse_period(period.describe()) == period


DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1..9999 in the standard spelling: 10 -> 十, 15 -> 十五, 105 -> 一百零五, 2500 -> 二千五百."""
    assert 1 <= n <= 9999
    out, pending_zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += ("" if (d == 1 and value == 10 and not out) else DIGITS[d]) + name
    return out


@pytest.mark.parametrize("n,text", [
    (1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (105, "一百零五"), (110, "一百一十"),
    (1050, "一千零五十"), (1005, "一千零五"), (2500, "二千五百"),
])
def test_the_test_formatter(n, text):
    assert chinese_numeral(n) == text


@given(st.integers(1, 2500))
def test_chinese_numeral_working_days(n):
    assert parse_period(chinese_numeral(n) + "个工作日") == WorkingDays(n)
    assert parse_period(chinese_numeral(n) + "个工作日内") == WorkingDays(n)


@given(st.integers(1, 3660), st.sampled_from(["个工作日", "日", "天", "周", "个月", "年"]))
def test_full_width_digits_read_as_ascii_digits(n, unit):
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    try:
        expected = parse_period(f"{n}{unit}")
    except ValueError:
        with pytest.raises(ValueError):
            parse_period(full_width + unit)
    else:
        assert parse_period(full_width + unit) == expected
