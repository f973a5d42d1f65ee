"""Load and validate the holiday-notice data (holidays.toml and deployment files of the same shape).

The schema is documented at the top of ``holidays.toml``.  Every problem is reported as one
:class:`CalendarDataError` line naming the file, the year and what to fix.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ducha_core import _tomlcache
from ducha_core.errors import DuchaError
from ducha_core.suggest import did_you_mean

SHIPPED = "shipped"
"""The ``source`` of years that come from the holidays.toml shipped with ducha."""

WEEKDAYS = "一二三四五六日"
#: the kinds of day a notice arranges, as error messages name them
KINDS = {"holiday": "假日", "workday": "调休上班日"}
#: the keys each table of a calendar file may have (see the schema at the top of holidays.toml)
FILE_KEYS = ("year",)
YEAR_KEYS = ("year", "notice", "published", "holidays", "workdays", "amendments")
AMENDMENT_KEYS = ("notice", "published", "note", "holidays", "workdays", "removes_workdays", "removes_holidays")
HOLIDAY_KEYS = ("name", "start", "end")
WORKDAY_KEYS = ("date", "name")


class CalendarDataError(DuchaError):
    """A calendar data file (shipped or deployment) is malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    start: _dt.date
    end: _dt.date


@dataclass(frozen=True, slots=True)
class MakeupDay:
    date: _dt.date
    name: str


@dataclass(frozen=True, slots=True)
class Amendment:
    notice: str
    published: _dt.date | None
    note: str
    holidays: tuple[Holiday, ...] = ()
    workdays: tuple[MakeupDay, ...] = ()
    removes_workdays: tuple[_dt.date, ...] = ()
    removes_holidays: tuple[_dt.date, ...] = ()


@dataclass(frozen=True, slots=True)
class YearData:
    year: int
    notice: str
    published: _dt.date | None
    holidays: tuple[Holiday, ...]
    workdays: tuple[MakeupDay, ...]
    amendments: tuple[Amendment, ...]
    source: str  # SHIPPED or the path of the deployment file


@dataclass(frozen=True, slots=True)
class YearInfo:
    """What :meth:`WorkingCalendar.years` reports for one known year."""

    year: int
    notice: str
    published: _dt.date | None
    amendments: tuple[str, ...]  # the amendments' notice numbers
    source: str


# ---------------------------------------------------------------------------------------------
# parsing


class _Ctx:
    """Where we are in a file, for error messages."""

    def __init__(self, source: str, year: int | str = "?"):
        self.source = source
        self.year = year

    def fail(self, what: str) -> CalendarDataError:
        if self.year == "?":
            return CalendarDataError(f"{self.source}：{what}")
        return CalendarDataError(f"{self.source}：{self.year} 年：{what}")


def _date(ctx: _Ctx, value: Any, field: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        raise ctx.fail(f"{field} = {value.isoformat()} 是日期时间；请只写日期 YYYY-MM-DD")
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ctx.fail(f"{field} = {value!r} 不是日期；请写作 YYYY-MM-DD（如 2025-10-01）")


def _str(ctx: _Ctx, table: dict, key: str, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(f"缺少 {key} 或其值为空；请写成带引号的字符串，如 {key} = \"...\"")
    return value.strip()


def _keys(ctx: _Ctx, table: dict, allowed: tuple[str, ...], where: str) -> None:
    """An unknown key is an error (a misspelt ``holiday`` would otherwise be silently ignored)."""
    for key in table:
        if key not in allowed:
            raise ctx.fail(f"未知的键 {where}{key}；可用的键：{', '.join(allowed)}{did_you_mean(key, allowed)}")


def _list(ctx: _Ctx, table: dict, key: str) -> list:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ctx.fail(f"{key} 须为列表，写作 {key} = [...]")
    return value


def _holidays(ctx: _Ctx, table: dict, where: str) -> tuple[Holiday, ...]:
    out = []
    for i, h in enumerate(_list(ctx, table, "holidays")):
        if not isinstance(h, dict):
            raise ctx.fail(f"{where}holidays[{i}] 须写作 {{ name = ..., start = ..., end = ... }}")
        _keys(ctx, h, HOLIDAY_KEYS, f"{where}holidays[{i}].")
        name = _str(ctx, h, "name")
        start = _date(ctx, h.get("start"), f"{where}holidays[{i}]（{name}）的 start")
        end = _date(ctx, h.get("end", h.get("start")), f"{where}holidays[{i}]（{name}）的 end")
        out.append(Holiday(name, start, end))
    return tuple(out)


def _workdays(ctx: _Ctx, table: dict, where: str) -> tuple[MakeupDay, ...]:
    out = []
    for i, w in enumerate(_list(ctx, table, "workdays")):
        if not isinstance(w, dict):
            raise ctx.fail(f"{where}workdays[{i}] 须写作 {{ date = YYYY-MM-DD, name = ... }}")
        _keys(ctx, w, WORKDAY_KEYS, f"{where}workdays[{i}].")
        day = _date(ctx, w.get("date"), f"{where}workdays[{i}].date")
        out.append(MakeupDay(day, _str(ctx, w, "name", required=False) or "调休"))
    return tuple(out)


def _dates(ctx: _Ctx, table: dict, key: str, where: str) -> tuple[_dt.date, ...]:
    return tuple(_date(ctx, v, f"{where}{key}[{i}]") for i, v in enumerate(_list(ctx, table, key)))


def parse_years(doc: dict, source: str) -> list[YearData]:
    """Turn a parsed TOML document into YearData, checking each year on its own."""
    ctx = _Ctx(source)
    _keys(ctx, doc, FILE_KEYS, "")
    tables = doc.get("year")
    if not isinstance(tables, list) or not tables:
        raise ctx.fail("没有 [[year]] 表；每一年写一个 [[year]] 表（格式同自带的 holidays.toml）")
    years: list[YearData] = []
    seen: set[int] = set()
    for t in tables:
        if not isinstance(t, dict):
            raise ctx.fail("year 须为表数组：每一年写一个 [[year]] 表（格式同自带的 holidays.toml）")
        y = t.get("year")
        if not isinstance(y, int) or isinstance(y, bool) or not 1949 < y < 2200:
            raise ctx.fail(f"[[year]] 的 year = {y!r} 无效；请把年份写成数字（1950–2199），如 year = 2027")
        ctx.year = y
        if y in seen:
            raise ctx.fail("在同一文件中出现了两次；每年只保留一个 [[year]] 表")
        seen.add(y)
        _keys(ctx, t, YEAR_KEYS, "")
        notice = _str(ctx, t, "notice")
        published = _date(ctx, t["published"], "published") if "published" in t else None
        amendments = []
        for j, a in enumerate(_list(ctx, t, "amendments")):
            where = f"amendments[{j}]."
            if not isinstance(a, dict):
                raise ctx.fail(f"amendments[{j}] 须为表，写作 [[year.amendments]]")
            _keys(ctx, a, AMENDMENT_KEYS, where)
            amendments.append(
                Amendment(
                    notice=_str(ctx, a, "notice"),
                    published=_date(ctx, a["published"], where + "published") if "published" in a else None,
                    note=_str(ctx, a, "note", required=False),
                    holidays=_holidays(ctx, a, where),
                    workdays=_workdays(ctx, a, where),
                    removes_workdays=_dates(ctx, a, "removes_workdays", where),
                    removes_holidays=_dates(ctx, a, "removes_holidays", where),
                )
            )
        yd = YearData(
            year=y,
            notice=notice,
            published=published,
            holidays=_holidays(ctx, t, ""),
            workdays=_workdays(ctx, t, ""),
            amendments=tuple(amendments),
            source=source,
        )
        _check_year(yd)
        years.append(yd)
    return years


def _window(year: int) -> tuple[_dt.date, _dt.date]:
    # A notice may reach into the neighbouring year: 元旦 2018-12-30..2019-01-01, 2018-12-29 worked.
    return _dt.date(year - 1, 12, 1), _dt.date(year + 1, 1, 31)


def _days(start: _dt.date, end: _dt.date) -> Iterable[_dt.date]:
    for o in range(start.toordinal(), end.toordinal() + 1):
        yield _dt.date.fromordinal(o)


def _check_year(yd: YearData) -> None:
    ctx = _Ctx(yd.source, yd.year)
    lo, hi = _window(yd.year)
    for src, where in [(yd, ""), *((a, f"调整通知 {a.notice}：") for a in yd.amendments)]:
        hol_days: set[_dt.date] = set()
        for h in src.holidays:
            if h.start > h.end:
                raise ctx.fail(
                    f"{where}假日 {h.name} 的开始日 {h.start} 晚于结束日 {h.end}；请对调 start 和 end"
                )
            if h.start < lo or h.end > hi:
                raise ctx.fail(
                    f"{where}假日 {h.name} {h.start}..{h.end} 不在 {yd.year} 年的范围内"
                    f"（允许 {lo}..{hi}）；请把它放到所属年份的 [[year]] 下"
                )
            hol_days.update(_days(h.start, h.end))
        for w in src.workdays:
            if w.date.weekday() < 5:
                raise ctx.fail(
                    f"{where}调休上班日 {w.date} 是周{WEEKDAYS[w.date.weekday()]}；调休上班日只能是周六或周日"
                    "（周一至周五本来就上班），请改正日期"
                )
            if not lo <= w.date <= hi:
                raise ctx.fail(
                    f"{where}调休上班日 {w.date} 不在 {yd.year} 年的范围内（允许 {lo}..{hi}）；"
                    "请把它放到所属年份的 [[year]] 下"
                )
            if w.date in hol_days:
                raise ctx.fail(
                    f"{where}{w.date} 既是假日又是调休上班日；请从其中一处删去"
                )


# ---------------------------------------------------------------------------------------------
# files


def read_file(path: str | Path) -> list[YearData]:
    """Parse one deployment calendar file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise CalendarDataError(
            f"{p}：无法读取日历文件（{e.strerror}）；请检查 --calendar（或 ducha.toml 的 calendar）给出的路径"
        ) from e
    if p.suffix.lower() == ".json":
        return parse_holiday_cn(raw, str(p))
    return _parse_bytes(raw, str(p))


# ---------------------------------------------------------------------------------------------
# holiday-cn JSON (https://github.com/NateScarlet/holiday-cn): {"year", "papers", "days": [...]}

HOLIDAY_CN_KEYS = ("$schema", "$id", "year", "papers", "days")
HOLIDAY_CN_DAY_KEYS = ("name", "date", "isOffDay")


def parse_holiday_cn(raw: bytes, source: str) -> list[YearData]:
    """Parse a holiday-cn style JSON file (one year object, or a list of them) into YearData.

    Off days with the same name are grouped into runs of consecutive dates (one Holiday each);
    ``isOffDay: false`` is a make-up working day.  Validated exactly like a TOML year."""
    ctx = _Ctx(source)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise CalendarDataError(f"{source}：不是 UTF-8 文本；请以 UTF-8 编码保存该文件") from e
    except ValueError as e:
        raise CalendarDataError(
            f"{source}：不是有效的 JSON（{e}）；格式同 holiday-cn：{{\"year\": 2027, \"papers\": [...], \"days\": [...]}}"
        ) from e
    except RecursionError:
        raise CalendarDataError(f"{source}：不是有效的 JSON（数组或对象嵌套过深）；请检查括号是否成对") from None
    docs = doc if isinstance(doc, list) else [doc]
    if not docs:
        raise ctx.fail("是空列表；每一年写一个 {\"year\": ..., \"days\": [...]} 对象（holiday-cn 格式）")
    years: list[YearData] = []
    seen: set[int] = set()
    for item in docs:
        ctx.year = "?"
        if not isinstance(item, dict):
            raise ctx.fail("每一年须为一个 JSON 对象 {\"year\": ..., \"papers\": [...], \"days\": [...]}（holiday-cn 格式）")
        y = item.get("year")
        if not isinstance(y, int) or isinstance(y, bool) or not 1949 < y < 2200:
            raise ctx.fail(f"\"year\": {y!r} 无效；请把年份写成数字（1950–2199），如 \"year\": 2027")
        ctx.year = y
        if y in seen:
            raise ctx.fail("在同一文件中出现了两次；每年只保留一个对象")
        seen.add(y)
        _keys(ctx, item, HOLIDAY_CN_KEYS, "")
        papers = item.get("papers", [])
        if not isinstance(papers, list) or not all(isinstance(x, str) for x in papers):
            raise ctx.fail("\"papers\" 须为放假通知网址（字符串）的列表")
        days = item.get("days")
        if not isinstance(days, list):
            raise ctx.fail("缺少 \"days\" 或其不是列表；写作 \"days\": [{\"name\": ..., \"date\": ..., \"isOffDay\": true}]")
        off: dict[str, list[_dt.date]] = {}
        workdays: list[MakeupDay] = []
        dated: set[_dt.date] = set()
        for i, d in enumerate(days):
            where = f"days[{i}]"
            if not isinstance(d, dict):
                raise ctx.fail(f"{where} 须写作 {{\"name\": ..., \"date\": \"YYYY-MM-DD\", \"isOffDay\": true/false}}")
            _keys(ctx, d, HOLIDAY_CN_DAY_KEYS, f"{where}.")
            name = _str(ctx, d, "name")
            if not isinstance(d.get("date"), str):
                raise ctx.fail(f"{where}（{name}）的 date = {d.get('date')!r} 不是日期；请写作 \"YYYY-MM-DD\"")
            day = _date(ctx, d["date"], f"{where}（{name}）的 date")
            is_off = d.get("isOffDay")
            if not isinstance(is_off, bool):
                raise ctx.fail(f"{where}（{name} {day}）的 isOffDay = {is_off!r} 无效；放假写 true，调休上班写 false")
            if day in dated:
                raise ctx.fail(f"{day} 出现了两次；每个日期只写一项")
            dated.add(day)
            if is_off:
                off.setdefault(name, []).append(day)
            else:
                workdays.append(MakeupDay(day, name))
        holidays: list[Holiday] = []
        for name, dates in off.items():
            dates.sort()
            start = prev = dates[0]
            for day in dates[1:]:
                if day.toordinal() != prev.toordinal() + 1:
                    holidays.append(Holiday(name, start, prev))
                    start = day
                prev = day
            holidays.append(Holiday(name, start, prev))
        holidays.sort(key=lambda h: h.start)
        workdays.sort(key=lambda w: w.date)
        yd = YearData(
            year=y,
            notice=papers[0] if papers else f"{y} 年放假安排（holiday-cn）",
            published=None,
            holidays=tuple(holidays),
            workdays=tuple(workdays),
            amendments=(),
            source=source,
        )
        _check_year(yd)
        years.append(yd)
    return years


def _parse_bytes(raw: bytes, source: str, path: Path | None = None) -> list[YearData]:
    """The years of a TOML file's bytes; ``path``: a shipped file, whose parsed text is kept
    (``ducha_core._tomlcache``)."""
    try:
        doc = _tomlcache.loads(raw.decode("utf-8-sig"), path)
    except UnicodeDecodeError as e:
        raise CalendarDataError(f"{source}：不是 UTF-8 文本；请以 UTF-8 编码保存该文件") from e
    except _tomlcache.decode_error() as e:
        from ducha_core.tomlerrors import describe as describe_toml_error
        raise CalendarDataError(
            f"{source}：不是有效的 TOML（{describe_toml_error(e)}）；日期写作 YYYY-MM-DD，如 start = 2027-02-05"
        ) from e
    except RecursionError:
        raise CalendarDataError(f"{source}：不是有效的 TOML（数组或表嵌套过深）；请检查括号是否成对") from None
    return parse_years(doc, source)


def shipped_years() -> list[YearData]:
    path = Path(__file__).with_name("holidays.toml")
    try:  # read directly (importing importlib.resources costs more than reading the file)
        raw = path.read_bytes()
    except OSError:  # not installed as plain files (e.g. from a zip)
        from importlib import resources

        raw = resources.files("ducha_core.calendar").joinpath("holidays.toml").read_bytes()
        path = None
    return _parse_bytes(raw, SHIPPED, path)


def load_years(extra_files: Sequence[str | Path] = ()) -> dict[int, YearData]:
    """Shipped years, replaced/extended by the years of each extra file (later files win)."""
    years = {y.year: y for y in shipped_years()}
    for f in extra_files:
        for y in read_file(f):
            years[y.year] = y
    check_years(years)
    return dict(sorted(years.items()))


def check_years(years: dict[int, YearData]) -> None:
    """Checks across years: no gap, and no day both holiday and make-up day once everything is applied."""
    known = sorted(years)
    for a, b in itertools.pairwise(known):
        if b != a + 1:
            missing = ", ".join(str(y) for y in range(a + 1, b))
            src = years[b].source
            raise CalendarDataError(
                f"{src}：{b} 年：{a} 年与 {b} 年之间缺少 {missing} 年；"
                "请补上所缺各年放假通知的 [[year]] 表"
            )
    resolve_days(years)


def resolve_days(years: dict[int, YearData]) -> dict[_dt.date, tuple[str, str, str]]:
    """Apply every year's notice, then its amendments, in year order.

    Returns {date: (kind, name, notice)} with kind "holiday" or "workday", for the dates the
    notices mention.  An amendment may only turn a make-up day into a holiday (or back) when it
    says so with removes_workdays / removes_holidays; two yearly notices may not disagree about a day.
    """
    out: dict[_dt.date, tuple[str, str, str]] = {}
    owner: dict[_dt.date, int] = {}
    for y in sorted(years):
        yd = years[y]
        ctx = _Ctx(yd.source, y)
        for src in (yd, *yd.amendments):
            is_amendment = src is not yd
            where = f"调整通知 {src.notice}：" if is_amendment else ""
            if is_amendment:
                for d in src.removes_workdays:
                    if out.get(d, ("",))[0] != "workday":
                        raise ctx.fail(
                            f"{where}removes_workdays 中的 {d} 不是调休上班日；"
                            "请从 removes_workdays 中删去"
                        )
                    del out[d]
                for d in src.removes_holidays:
                    if out.get(d, ("",))[0] != "holiday":
                        raise ctx.fail(
                            f"{where}removes_holidays 中的 {d} 不是假日；"
                            "请从 removes_holidays 中删去"
                        )
                    del out[d]
            new: dict[_dt.date, tuple[str, str, str]] = {}
            for h in src.holidays:
                for d in _days(h.start, h.end):
                    new[d] = ("holiday", h.name, src.notice)
            for w in src.workdays:
                new[w.date] = ("workday", w.name, src.notice)
            for d, v in sorted(new.items()):
                old = out.get(d)
                if old is None or old[0] == v[0]:
                    continue
                if owner[d] != y:
                    raise ctx.fail(
                        f"{d} 在此是{KINDS[v[0]]}，在 {owner[d]} 年的通知中却是{KINDS[old[0]]}（{old[1]}）；"
                        "请改正两年中的一处"
                    )
                fix = "removes_workdays" if old[0] == "workday" else "removes_holidays"
                raise ctx.fail(
                    f"{where}{d} 既是假日又是调休上班日；"
                    f"请把它列入调整通知的 {fix}，或从其中一处删去"
                )
            for d, v in new.items():
                if d in out and owner[d] != y and not is_amendment:
                    continue  # same kind, already arranged by the neighbouring year's notice: keep it
                out[d] = v
                owner[d] = y
    return out
