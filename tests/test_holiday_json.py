"""A deployment calendar file may be a holiday-cn style JSON year; validated like the TOML one."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ducha_core.calendar import CalendarDataError, WorkingCalendar
from ducha_core.calendar.data import read_file

OFF_2026 = [
    ("元旦", "2026-01-01", "2026-01-03"),
    ("春节", "2026-02-15", "2026-02-23"),
    ("清明节", "2026-04-04", "2026-04-06"),
    ("劳动节", "2026-05-01", "2026-05-05"),
    ("端午节", "2026-06-19", "2026-06-21"),
    ("中秋节", "2026-09-25", "2026-09-27"),
    ("国庆节", "2026-10-01", "2026-10-07"),
]
WORK_2026 = [("元旦", "2026-01-04"), ("春节", "2026-02-14"), ("春节", "2026-02-28"),
             ("劳动节", "2026-05-09"), ("国庆节", "2026-09-20"), ("国庆节", "2026-10-10")]


def _days(start: str, end: str):
    d, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while d <= last:
        yield d.isoformat()
        d += dt.timedelta(days=1)


def year_2026(extra_days=()) -> dict:
    days = [{"name": n, "date": d, "isOffDay": True} for n, s, e in OFF_2026 for d in _days(s, e)]
    days += [{"name": n, "date": d, "isOffDay": False} for n, d in WORK_2026]
    days += list(extra_days)
    days.sort(key=lambda x: str(x.get("date", "")))
    return {"$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
            "year": 2026, "papers": ["https://www.gov.cn/zhengce/content/202511/content_7047090.htm"], "days": days}


def _write(tmp_path, doc, name="2026.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_holiday_cn_2026_gives_the_shipped_workdays(tmp_path):
    path = _write(tmp_path, year_2026())
    [yd] = read_file(path)
    assert {(h.name, h.start.isoformat(), h.end.isoformat()) for h in yd.holidays} == set(OFF_2026)
    assert dt.date(2026, 2, 14) in {w.date for w in yd.workdays}
    from_json, shipped = WorkingCalendar.load([path]), WorkingCalendar.load()
    d = dt.date(2026, 1, 1)
    while d.year == 2026:
        assert from_json.is_workday(d) == shipped.is_workday(d), d
        d += dt.timedelta(days=1)
    assert not from_json.is_workday(dt.date(2026, 2, 16)) and from_json.is_workday(dt.date(2026, 2, 28))
    assert str(path) in {y.source for y in from_json.years() if y.year == 2026}


def test_a_list_of_years_is_accepted(tmp_path):
    path = _write(tmp_path, [year_2026()], "years.json")
    assert [y.year for y in read_file(path)] == [2026]


@pytest.mark.parametrize("bad, words", [
    ({"name": "春节", "date": "2026-02-26", "isOffDay": False}, "周四"),   # make-up day on a weekday
    ({"name": "国庆节", "date": "2027-06-05", "isOffDay": True}, "不在 2026 年的范围内"),  # outside the year
    ({"name": "国庆节", "date": "2027-06-05", "isOffDay": False}, "不在 2026 年的范围内"),
    ({"name": "春节", "date": "2026-03-07", "isOffDay": "no"}, "isOffDay"),
    ({"name": "春节", "date": "2026-13-01", "isOffDay": True}, "不是日期"),
    ({"name": "春节", "day": "2026-03-07", "isOffDay": True}, "未知的键"),
])
def test_bad_days_are_refused_with_one_line(tmp_path, bad, words):
    path = _write(tmp_path, year_2026([bad]))
    with pytest.raises(CalendarDataError) as exc:
        read_file(path)
    text = str(exc.value)
    assert words in text and "\n" not in text and str(path) in text


@pytest.mark.parametrize("raw, words", [
    (b"{not json", "不是有效的 JSON"),
    (b"[]", "空列表"),
    (b'{"year": "2026", "days": []}', "year"),
    (b'{"year": 2026}', "days"),
    ("\u00ff".encode("latin-1"), "UTF-8"),
])
def test_broken_files_are_refused_with_one_line(tmp_path, raw, words):
    path = tmp_path / "cal.json"
    path.write_bytes(raw)
    with pytest.raises(CalendarDataError) as exc:
        read_file(path)
    assert words in str(exc.value) and "\n" not in str(exc.value)
