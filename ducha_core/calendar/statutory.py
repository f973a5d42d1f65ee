"""Statutory holidays (法定节假日) of years past the last State Council notice we know.

《全国年节及纪念日放假办法》(2024年修订，国务院令第795号, in force 2025-01-01), 第二条:
元旦 1月1日; 春节 农历除夕、正月初一、初二、初三 (4 days); 清明节 (the day of the solar term);
劳动节 5月1日、2日; 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 10月1日、2日、3日.
第六条: a holiday for everyone that falls on a Saturday or Sunday is made up (补假) on a working day.

A provisional year is: these days, plus 补假 for each one on a weekend (or on a day already taken
by another festival) on the next Monday–Friday that is not already off, plus ordinary weekends.
No 调休 make-up working days are guessed: the State Council decides those each year.

For years up to 2024 the 2013 version (国务院令第644号) applied: 春节 初一至初三, 劳动节 5月1日
only.  ``statutory_days`` knows both, so the test can check the shipped notices contain them.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

REVISION_2024 = "《全国年节及纪念日放假办法》(2024年修订)"


def _lunar(year: int, month: int, day: int) -> _dt.date:
    from lunar_python import Lunar  # imported when a provisional year is first computed

    s = Lunar.fromYmd(year, month, day).getSolar()
    return _dt.date(s.getYear(), s.getMonth(), s.getDay())


def qingming(year: int) -> _dt.date:
    """The day of the 清明 solar term in ``year``."""
    from lunar_python import Solar

    # The lunar year that contains April 1 of ``year`` has that year's 清明 in its table.
    s = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    return _dt.date(s.getYear(), s.getMonth(), s.getDay())


@lru_cache(maxsize=256)
def statutory_days(year: int) -> tuple[tuple[_dt.date, str], ...]:
    """The statutory holiday days of ``year`` as (date, festival), in date order, before 补假."""
    chuyi = _lunar(year, 1, 1)
    one = _dt.timedelta(days=1)
    spring = [chuyi, chuyi + one, chuyi + 2 * one]
    labour = [_dt.date(year, 5, 1)]
    if year >= 2025:  # 2024 revision: 除夕 and 5月2日 added
        spring.insert(0, chuyi - one)
        labour.append(_dt.date(year, 5, 2))
    days = [(_dt.date(year, 1, 1), "元旦")]
    days += [(d, "春节") for d in spring]
    days.append((qingming(year), "清明节"))
    days += [(d, "劳动节") for d in labour]
    days.append((_lunar(year, 5, 5), "端午节"))
    days.append((_lunar(year, 8, 15), "中秋节"))
    days += [(_dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    return tuple(sorted(days, key=lambda x: x[0]))


@lru_cache(maxsize=256)
def provisional_holidays(year: int) -> tuple[tuple[_dt.date, str, bool], ...]:
    """Rest days of a year with no notice: (date, festival, is_补假), in date order.

    Each statutory day that falls on a Saturday/Sunday, or on a day another festival already took
    (e.g. 中秋节 on 10月1日), is made up on the next Monday–Friday not already off.
    """
    taken: dict[_dt.date, tuple[str, bool]] = {}
    pending: list[tuple[_dt.date, str]] = []
    for d, name in statutory_days(year):
        if d in taken:
            pending.append((d, name))  # two festivals on one day: one more day off
            continue
        taken[d] = (name, False)
        if d.weekday() >= 5:
            pending.append((d, name))
    for d, name in pending:
        c = d + _dt.timedelta(days=1)
        while c.weekday() >= 5 or c in taken:
            c += _dt.timedelta(days=1)
        taken[c] = (name, True)
    return tuple(sorted((d, n, b) for d, (n, b) in taken.items()))
