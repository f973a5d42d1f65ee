"""`ducha calendar ...`: query the working-day calendar (工作日历).

ducha calendar is-workday 2025-10-11
ducha calendar add 2025-09-30 1 --explain
ducha calendar add 2025-10-09 -7
ducha calendar last-workday 2025-09
ducha calendar years --json
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from typing import Any

import click

from ducha_core.calendar import WorkingCalendar
from ducha_core.calendar.engine import WEEKDAYS
from ducha_core.cli.options import DATE, DATE_YEARS, DuchaGroup, emit, format_option, output_format
from ducha_core.errors import DuchaError


class _MonthType(click.ParamType):
    name = "YYYY-MM"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        text = str(value).strip()
        m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            self.fail(f"{text!r} 无效：须写作 YYYY-MM（月份 01–12），如 2025-09", param, ctx)
        low, high = DATE_YEARS
        if not low <= int(m.group(1)) <= high:
            self.fail(f"{text!r} 无效：年份须在 {low}–{high} 之间，如 2025-09", param, ctx)
        return int(m.group(1)), int(m.group(2))


MONTH = _MonthType()


def _common(f: Callable) -> Callable:
    f = click.option("--json", "as_json", is_flag=True, help="输出 JSON，而不是文字。")(f)
    return _calendar_options(f)


def _calendar_options(f: Callable) -> Callable:
    f = click.option(
        "--strict",
        is_flag=True,
        help="超出国务院最近一次放假通知的日期不予推算（默认按放假办法推算并标注暂定）。",
    )(f)
    f = click.option(
        "--calendar",
        "calendar_files",
        multiple=True,
        metavar="FILE",
        help="另加的日历 TOML 文件（格式同自带的 holidays.toml）；可重复。文件中的年份替代自带的同一年份。",
    )(f)
    return f


def _calendar(files: tuple[str, ...], strict: bool) -> WorkingCalendar:
    try:
        if not files and not strict:
            return WorkingCalendar.default()
        return WorkingCalendar.load(files, strict=strict)
    except DuchaError as e:
        raise click.ClickException(str(e)) from None


def _run(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except DuchaError as e:
        raise click.ClickException(str(e)) from None


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group("calendar", cls=DuchaGroup)
def calendar_group() -> None:
    """工作日历：按国务院放假通知确定中国大陆的工作日，推算期限。"""


@calendar_group.command("is-workday")
@click.argument("day", type=DATE, metavar="DATE")
@_common
def is_workday_cmd(day: _dt.date, calendar_files: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """DATE（YYYY-MM-DD）是否工作日，及其原因。"""
    cal = _calendar(calendar_files, strict)
    info = _run(lambda: cal.day_info(day))
    if as_json:
        _echo_json(
            {
                "date": day.isoformat(),
                "workday": info.workday,
                "reason": info.reason,
                "provisional": info.provisional,
                "notice": info.notice,
            }
        )
        return
    kind = "工作日" if info.workday else "休息日"
    detail = "" if info.reason == "工作日" else f"（{info.reason}）"
    tail = "（暂定，当年放假安排尚未公布）" if info.provisional else ""
    click.echo(f"{day.isoformat()} 周{WEEKDAYS[day.weekday()]} {kind}{detail}{tail}")


@calendar_group.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("day", type=DATE, metavar="DATE")
@click.argument("n", type=int, metavar="N")
@click.option("--explain", is_flag=True, help="同时列出期间的节假日和调休上班日。")
@_common
def add_cmd(
    day: _dt.date, n: int, explain: bool, calendar_files: tuple[str, ...], strict: bool, as_json: bool
) -> None:
    """DATE 之后的第 N 个工作日（起始日不计；N 为负数时向前数）。

    N 为 0 时：DATE 是工作日则为 DATE 本身，否则为其后第一个工作日。
    """
    cal = _calendar(calendar_files, strict)
    result = _run(lambda: cal.add_workdays(day, n))
    facts = _run(lambda: cal.facts_between(day, result))
    provisional = cal.is_provisional(result) or cal.is_provisional(day)
    if as_json:
        _echo_json(
            {
                "from": day.isoformat(),
                "n": n,
                "date": result.isoformat(),
                "provisional": provisional,
                "facts": facts,
            }
        )
        return
    click.echo(result.isoformat())
    if explain:
        for f in facts:
            click.echo(f)


@calendar_group.command("last-workday")
@click.argument("month", type=MONTH, metavar="YYYY-MM")
@_common
def last_workday_cmd(
    month: tuple[int, int], calendar_files: tuple[str, ...], strict: bool, as_json: bool
) -> None:
    """YYYY-MM 月的最后一个工作日（可能是调休上班的周六或周日）。"""
    cal = _calendar(calendar_files, strict)
    result = _run(lambda: cal.last_workday_of_month(*month))
    if as_json:
        _echo_json(
            {
                "month": f"{month[0]:04d}-{month[1]:02d}",
                "date": result.isoformat(),
                "provisional": cal.is_provisional(result),
            }
        )
        return
    click.echo(result.isoformat())


@calendar_group.command("years")
@_calendar_options
@format_option
def years_cmd(calendar_files: tuple[str, ...], strict: bool, fmt: str, as_json: bool) -> None:
    """日历已有的年份，及各年的放假通知和数据来源。"""
    cal = _calendar(calendar_files, strict)
    rows = cal.years()
    fmt = output_format(fmt, as_json)
    if fmt != "table":
        records = [
            {
                "year": r.year,
                "notice": r.notice,
                "published": r.published.isoformat() if r.published else None,
                "amendments": list(r.amendments),
                "source": r.source,
            }
            for r in rows
        ]
        table = [[r["year"], r["notice"], r["published"] or "", "、".join(r["amendments"]), r["source"]]
                 for r in records]
        emit(fmt, ["年份", "通知文号", "发布日期", "调整通知", "来源"], table, records)
        return
    click.echo("| 年份 | 通知文号 | 发布日期 | 调整通知 | 来源 |")
    click.echo("|---|---|---|---|---|")
    for r in rows:
        published = r.published.isoformat() if r.published else "-"
        amend = "、".join(r.amendments) or "-"
        click.echo(f"| {r.year} | {r.notice} | {published} | {amend} | {r.source} |")
    last = rows[-1].year
    click.echo(f"{last + 1}年起：放假安排尚未公布，按《全国年节及纪念日放假办法》推算（暂定）")
