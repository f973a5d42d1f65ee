"""Periods (期限) a rule can set, and the counting convention that turns one into a date.

A period is data: ``WorkingDays(5)`` (5个工作日), ``CalendarDays(5)`` (5日), ``Weeks(1)`` (一周内),
``Months(3)`` (3个月), ``NextDay()`` (次日), ``EndOf("month")`` (每月最后1个工作日), ``AsItHappens()``
(随办随报: no fixed date). ``resolve`` computes the last day of a period that starts on an anchor day,
under a ``CountingConvention``, and says which calendar facts moved it.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

import attrs

from ducha_core.model import Citation

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar

CIVIL_CODE_CITATION = Citation(
    "民法典", "第二百零一条、第二百零三条", "开始的当日不计入；最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"
)


@attrs.frozen
class WorkingDays:
    """N working days (工作日); negative N counts backward ("提前7个工作日")."""

    n: int

    def describe(self) -> str:
        return f"{self.n}个工作日" if self.n >= 0 else f"提前{-self.n}个工作日"


@attrs.frozen
class CalendarDays:
    """N calendar days (日)."""

    n: int

    def describe(self) -> str:
        return f"{self.n}日"


@attrs.frozen
class Weeks:
    """N weeks (周), counted as 7 calendar days each."""

    n: int

    def describe(self) -> str:
        return "一周" if self.n == 1 else f"{self.n}周"


@attrs.frozen
class Months:
    """N months (个月): ends on the same-numbered day, or the month's last day."""

    n: int

    def describe(self) -> str:
        return f"{self.n}个月"


@attrs.frozen
class NextDay:
    """次日: the day after the anchor."""

    def describe(self) -> str:
        return "次日"


@attrs.frozen
class EndOf:
    """The last (working) day of the month, quarter or year that contains the anchor."""

    unit: Literal["month", "quarter", "year"]
    workday: bool = True

    def describe(self) -> str:
        name = {"month": "每月", "quarter": "每季度末", "year": "年底前"}[self.unit]
        return f"{name}最后1个工作日" if self.workday else f"{name}最后1日"


@attrs.frozen
class AsItHappens:
    """随办随报 / 随时报告: report as things happen; no fixed date."""

    def describe(self) -> str:
        return "随办随报"


@attrs.frozen
class AsAssigned:
    """交办通知明确的时限: the document leaves the time limit to the assignment notice, which must
    state one (an assignment without a deadline is refused)."""

    def describe(self) -> str:
        return "交办通知明确的时限"


Period = WorkingDays | CalendarDays | Weeks | Months | NextDay | EndOf | AsItHappens | AsAssigned


@attrs.frozen
class CountingConvention:
    """How a period is counted: the general rule of Chinese law unless a policy says otherwise.

    - ``exclude_start_day``: the day the period starts is not counted (民法典 第二百零一条).
    - ``roll_forward``: a last day that is not a working day moves to the next working day (第二百零三条).
    - ``month_end_clamp``: a month period ends on the same-numbered day, or the month's last day.
    """

    exclude_start_day: bool = True
    roll_forward: bool = True
    month_end_clamp: bool = True
    citation: Citation = attrs.field(factory=lambda: CIVIL_CODE_CITATION)


DEFAULT_CONVENTION = CountingConvention()


@attrs.frozen
class Resolution:
    """The end of a period with the facts that explain it."""

    date: date | None
    provisional: bool
    facts: tuple[str, ...]


def add_months(anchor: date, n: int, clamp: bool = True) -> date:
    """The same-numbered day ``n`` months on; where that month is shorter, its last day (clamp)."""
    month_index = anchor.month - 1 + n
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    if anchor.day <= last:
        return date(year, month, anchor.day)
    if clamp:
        return date(year, month, last)
    return date(year, month, last) + timedelta(days=anchor.day - last)


def _end_of(cal: WorkingCalendar, anchor: date, period: EndOf) -> date:
    if period.unit == "month":
        last_month = anchor.month
    elif period.unit == "quarter":
        last_month = ((anchor.month - 1) // 3 + 1) * 3
    else:
        last_month = 12
    if period.workday:
        return cal.last_workday_of_month(anchor.year, last_month)
    return date(anchor.year, last_month, _stdlib_calendar.monthrange(anchor.year, last_month)[1])


def resolve(
    period: Period,
    anchor: date,
    cal: WorkingCalendar,
    convention: CountingConvention = DEFAULT_CONVENTION,
    *,
    explain: bool = True,
) -> Resolution:
    """The last day of ``period`` started on ``anchor``, with the calendar facts that moved it."""
    facts: list[str] = []
    rolled_from: date | None = None
    match period:
        case AsItHappens():
            return Resolution(None, False, ("随办随报，无固定期限",))
        case AsAssigned():
            return Resolution(None, False, ("期限由交办通知明确",))
        case WorkingDays(n=n):
            if convention.exclude_start_day or n <= 0:
                end = cal.add_workdays(anchor, n)
            else:
                # the start day counts as day 1 when it is a working day
                end = cal.add_workdays(anchor, n - 1) if cal.is_workday(anchor) else cal.add_workdays(anchor, n)
            if explain and convention.exclude_start_day and n > 0 and not cal.is_workday(anchor):
                facts.append(f"{anchor:%m/%d} 为休息日，其后第一个工作日为第1日")
        case EndOf():
            end = _end_of(cal, anchor, period)
        case _:
            match period:
                case CalendarDays(n=n):
                    raw = anchor + timedelta(days=n if convention.exclude_start_day else n - 1)
                case Weeks(n=n):
                    raw = anchor + timedelta(days=7 * n if convention.exclude_start_day else 7 * n - 1)
                case Months(n=n):
                    raw = add_months(anchor, n, convention.month_end_clamp)
                case NextDay():
                    raw = anchor + timedelta(days=1)
                case _:
                    raise TypeError(f"unknown period {period!r}")
            end = cal.roll_forward(raw) if convention.roll_forward else raw
            if end != raw:
                rolled_from = raw
    provisional = cal.is_provisional(end)
    if explain:
        if isinstance(period, WorkingDays):
            facts.extend(cal.facts_between(min(anchor, end), max(anchor, end)))
        elif isinstance(period, EndOf):  # only the facts at the period's end matter
            plain = _end_of(cal, anchor, EndOf(period.unit, workday=False))
            facts.extend(cal.facts_between(end - timedelta(days=1), plain))
        elif rolled_from is not None:  # calendar periods: only the rest days the last day rolled over
            facts.append(f"期满日 {rolled_from:%Y-%m-%d} 非工作日，顺延至 {end:%Y-%m-%d}（民法典第二百零三条）")
            facts.extend(cal.facts_between(rolled_from - timedelta(days=1), end))
        if provisional and not any("尚未公布" in f for f in facts):
            facts.append(f"{end.year}年放假安排尚未公布，按《全国年节及纪念日放假办法》法定假日及周末推算（暂定）")
    return Resolution(end, provisional, tuple(facts))


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_PLACES = {"十": 10, "百": 100, "千": 1000}
_UNITS = {  # longest first, so "个工作日" is not read as "个" + "工作日"
    "个工作日": WorkingDays, "工作日": WorkingDays, "个自然日": CalendarDays, "自然日": CalendarDays,
    "日": CalendarDays, "天": CalendarDays, "个星期": Weeks, "星期": Weeks, "周": Weeks,
    "个月": Months, "月": Months, "年": Months,
}
_LIMITS = {WorkingDays: 2500, CalendarDays: 3660, Weeks: 520, Months: 120}  # about 10 years each
_PERIOD_RE = re.compile(r"(提前)?([0-9]+|[〇零一二两三四五六七八九十百千万]+)(" + "|".join(_UNITS) + ")")
_FIXED: dict[str, Period] = {
    "随时": AsItHappens(),
    **{p.describe(): p for p in (NextDay(), AsItHappens(), AsAssigned())},
    **{EndOf(u, w).describe(): EndOf(u, w) for u in ("month", "quarter", "year") for w in (True, False)},
    "半个月": CalendarDays(15),
    "半年": Months(6),
}
_ACCEPTED = (
    "可写作 5个工作日、十五个工作日、15个工作日内、提前7个工作日、5日、一周、3个月、半个月、一年、次日、"
    "每月最后1个工作日、每季度末最后1个工作日、随办随报"
)
_UNIT_NAMES = {WorkingDays: "个工作日", CalendarDays: "日", Weeks: "周", Months: "个月"}


def _read_chinese_below_10000(s: str, above: int | None) -> int:
    """A numeral below 万 in the standard spelling: 五, 十五, 一百一十, 一百零五, 二千零五十.

    ``above`` is the place of the term written just before (10000 after 万), None at the start. A skipped
    place is marked by exactly one 零/〇 (一百零五 = 105); an abbreviated tail (一百五) is refused as ambiguous.
    """
    total, place, digit, zero = 0, above, None, False

    def term(value: int, p: int) -> None:
        nonlocal total, place, digit, zero
        if place is not None and (p >= place or zero != (p < place // 10)):
            raise ValueError(s)
        total, place, digit, zero = total + value * p, p, None, False

    for ch in s:
        if ch in _CN_PLACES:
            if digit is None and ch != "十":  # only 十 may stand for 一十
                raise ValueError(s)
            term(1 if digit is None else digit, _CN_PLACES[ch])
        elif ch not in _CN_DIGITS:  # a second 万
            raise ValueError(s)
        elif _CN_DIGITS[ch] == 0 and digit is None and not zero and place is not None:
            zero = True
        elif digit is None and _CN_DIGITS[ch] != 0:
            digit = _CN_DIGITS[ch]
        else:
            raise ValueError(s)
    if digit is not None:
        term(digit, 1)
    if zero or place is None:
        raise ValueError(s)
    return total


def _read_number(s: str) -> int:
    """Arabic digits, or a Chinese numeral up to 九千九百九十九万九千九百九十九; 零/〇 alone is 0."""
    if s.isdigit():  # more than 9 digits is past any limit (and int() refuses over 4300 digits)
        return int(s) if len(s.lstrip("0")) <= 9 else 10**9
    if s in ("零", "〇"):
        return 0
    high, wan, low = s.partition("万")
    if not wan:
        return _read_chinese_below_10000(s, None)
    n = _read_chinese_below_10000(high, None) * 10000
    return n + _read_chinese_below_10000(low, 10000) if low else n


def parse_period(text: str) -> Period:
    """Read a period written as in the documents. The grammar, after NFKC normalisation (full-width
    ５ -> 5) and removing whitespace:

        period  := [在] body [内 | 以内 | 之内]
        body    := fixed | [提前] number unit
        fixed   := 次日 | 随办随报 | 随时 | 每月最后1个工作日 | 每季度末最后1个工作日 | 年底前最后1个工作日
                 | 每月最后1日 | 每季度末最后1日 | 年底前最后1日 | 半个月 | 半年
        number  := Arabic digits | Chinese numeral (五, 两, 十五, 二十, 一百零五, 二千五百, 三十万)
        unit    := 个工作日 | 工作日                       -> WorkingDays(n)
                 | 日 | 天 | 个自然日 | 自然日               -> CalendarDays(n)
                 | 周 | 个星期 | 星期                       -> Weeks(n)
                 | 个月 | 月                               -> Months(n)
                 | 年                                      -> Months(12 * n)

    提前 goes only with working days and gives a negative WorkingDays ("提前7个工作日" -> WorkingDays(-7)).
    半个月 is read as 15 calendar days (CalendarDays(15)), 半年 as Months(6). The number must be at least 1,
    and a period may not exceed about 10 years: 2500 working days, 3660 days, 520 weeks or 120 months.
    ``parse_period(p.describe()) == p`` for every period p this accepts.

    Raises ValueError (one line: the text, what is wrong, the accepted forms) when it cannot.
    """

    def refuse(reason: str) -> ValueError:
        return ValueError(f"无法识别期限 '{text}'：{reason}；{_ACCEPTED}")

    t = "".join(unicodedata.normalize("NFKC", text).split())
    t = t.removeprefix("在")
    for suffix in ("以内", "之内", "内"):
        if t.endswith(suffix):
            t = t.removesuffix(suffix)
            break
    if t in _FIXED:
        return _FIXED[t]
    m = _PERIOD_RE.fullmatch(t)
    if not m:
        raise refuse("不是已知的期限写法")
    before, number, unit = m.groups()
    try:
        n = _read_number(number)
    except ValueError:
        raise refuse(f"'{number}' 不是规范的中文数字（规范写法如 十五、一百零五）") from None
    kind = _UNITS[unit]
    if before and kind is not WorkingDays:
        raise refuse("「提前」只能与「个工作日」连用")
    if n < 1:
        raise refuse("数目至少为1")
    if unit == "年":
        n *= 12
    if n > _LIMITS[kind]:
        raise refuse(f"期限不得超过10年（最多{_LIMITS[kind]}{_UNIT_NAMES[kind]}）")
    return kind(-n if before else n)
