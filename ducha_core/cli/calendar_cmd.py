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
from ducha_core.errors import DuchaError


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2025-10-09", param, ctx)
        try:
            return _dt.date.fromisoformat(text)
        except ValueError as e:
            self.fail(f"{text!r} is not a valid date ({e}); expected YYYY-MM-DD, e.g. 2025-10-09", param, ctx)


class _MonthType(click.ParamType):
    name = "YYYY-MM"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        text = str(value).strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            self.fail(f"{text!r} is not a month; expected YYYY-MM, e.g. 2025-09", param, ctx)
        return int(m.group(1)), int(m.group(2))


DATE = _DateType()
MONTH = _MonthType()


def _common(f: Callable) -> Callable:
    f = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)
    f = click.option(
        "--strict",
        is_flag=True,
        help="Refuse dates past the last known State Council notice instead of estimating them.",
    )(f)
    f = click.option(
        "--calendar",
        "calendar_files",
        multiple=True,
        metavar="FILE",
        help="Extra calendar TOML file (same shape as the shipped holidays.toml); repeatable. "
        "A year in FILE replaces the shipped one.",
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


@click.group("calendar")
def calendar_group() -> None:
    """工作日历: working days of mainland China from the State Council holiday notices."""


@calendar_group.command("is-workday")
@click.argument("day", type=DATE, metavar="DATE")
@_common
def is_workday_cmd(day: _dt.date, calendar_files: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """Whether DATE (YYYY-MM-DD) is a working day, and why."""
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
@click.option("--explain", is_flag=True, help="Also print the holidays and make-up days that were counted.")
@_common
def add_cmd(
    day: _dt.date, n: int, explain: bool, calendar_files: tuple[str, ...], strict: bool, as_json: bool
) -> None:
    """The N-th working day after DATE (the start day is not counted; N<0 counts back).

    N = 0 gives DATE itself if it is a working day, else the next working day.
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
    """The last working day of the month YYYY-MM (may be a make-up Saturday/Sunday)."""
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
@_common
def years_cmd(calendar_files: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """The years the calendar knows, with their notices and where the data came from."""
    cal = _calendar(calendar_files, strict)
    rows = cal.years()
    if as_json:
        _echo_json(
            [
                {
                    "year": r.year,
                    "notice": r.notice,
                    "published": r.published.isoformat() if r.published else None,
                    "amendments": list(r.amendments),
                    "source": r.source,
                }
                for r in rows
            ]
        )
        return
    click.echo("| 年份 | 通知文号 | 发布日期 | 调整通知 | 来源 |")
    click.echo("|---|---|---|---|---|")
    for r in rows:
        published = r.published.isoformat() if r.published else "-"
        amend = "、".join(r.amendments) or "-"
        click.echo(f"| {r.year} | {r.notice} | {published} | {amend} | {r.source} |")
    last = rows[-1].year
    click.echo(f"{last + 1}年起：放假安排尚未公布，按《全国年节及纪念日放假办法》推算（暂定）")
