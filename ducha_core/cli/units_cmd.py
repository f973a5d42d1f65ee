"""``ducha units``: per-unit figures of the 台账 in the CLI (not only in the dashboard).

Per unit, in ``ducha.toml`` order, as of a day:

- 在办事项: matters the unit leads or helps with (主办或协办) that are not done or withdrawn (``Ledger.rows``);
- 逾期事项: of those matters, the ones where something it owes (any 期限) is overdue and not yet met;
- 本年逾期完成: its 期限 with the last day in the year, met late;
- 按时完成率: of its 期限 with the last day in the year that have fallen due by that day (or
  were met already), those met on time. Superseded (已变更) and ended (已终止) ones are left out.

The first two count matters (so 逾期事项 ≤ 在办事项); the year's figures count 期限
(``Ledger.obligations``, as ``ducha obligations`` lists them: a matter with a result and monthly
reports has several), and a matter with several units counts for each.
"""

from __future__ import annotations

from datetime import date

import click

from ducha_core.cli.ledger_cmd import _open, as_option, config_option, read_jurisdiction_option, store_errors
from ducha_core.cli.options import DATE, command, emit, format_option, handle_errors, output_format


def unit_figures(book, day: date, year: int, viewer: str | None = None) -> list[dict]:
    """The figures of ``ducha units`` per unit (config order), as dicts."""
    figures = {u: {"unit": u, "name": book.config.unit_name(u), "open": 0, "overdue": 0, "late": 0,
                   "on_time": 0, "due": 0} for u in book.config.units}
    for row in book.rows(as_of=day, viewer=viewer):
        if row.light in ("done", "withdrawn"):
            continue
        for u in dict.fromkeys(row.lead_units + row.co_units):
            if u in figures:
                figures[u]["open"] += 1
    overdue: set[tuple[str, str]] = set()
    for state, ob in book.obligations(as_of=day, viewer=viewer):
        if ob.starts > day:
            continue
        status = ob.status(day)
        in_year = ob.due is not None and ob.due.year == year
        for u in ob.owed_by:
            f = figures.get(u)
            if f is None:
                continue
            if status == "overdue" and (u, state.id) not in overdue:
                overdue.add((u, state.id))
                f["overdue"] += 1
            if not in_year or status in ("superseded", "ended"):
                continue
            if status == "late":
                f["late"] += 1
            if ob.due <= day or status in ("met", "late"):
                f["due"] += 1
                if status == "met":
                    f["on_time"] += 1
    out = list(figures.values())
    for f in out:
        f["on_time_rate"] = round(f["on_time"] / f["due"], 4) if f["due"] else None
    return out


@command("units")
@config_option
@read_jurisdiction_option
@click.option("--as-of", type=DATE, default=None, help="截至此日（默认今天）。")
@click.option("--year", type=int, default=None, help="统计逾期完成和按时完成率的年度（默认 --as-of 所在年）。")
@as_option(False)
@format_option
@handle_errors
@store_errors
def units(config_path, jurisdiction, as_of, year, actor, fmt, as_json):
    """各单位汇总：在办事项、其中逾期事项（件），本年逾期完成、按时完成率（按期限计：按时完成 / 本年已到期的期限）。"""
    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        year = year or day.year
        if actor is not None:
            book.person(actor)
        figures = unit_figures(book, day, year, viewer=actor)
        fmt = output_format(fmt, as_json)
        rows = [[f["unit"], f["name"], f["open"], f["overdue"], f["late"],
                 f"{f['on_time_rate']:.0%}（{f['on_time']}/{f['due']}）" if f["due"] else "—"] for f in figures]
        emit(fmt, ["单位id", "单位", "在办事项（件）", "其中逾期（件）", f"{year}年逾期完成（期限）",
                   f"{year}年按时完成率（期限）"], rows,
             {"as_of": day.isoformat(), "year": year, "units": figures})
    finally:
        book.close()
