"""`ducha ical --unit U`: an iCalendar file of a unit's open obligations (all-day events)."""

from __future__ import annotations

from datetime import date

import click

from ducha_core.cli.ledger_cmd import _open, as_option, config_option, read_jurisdiction_option, store_errors
from ducha_core.cli.options import DATE, command, handle_errors


@command("ical")
@config_option
@read_jurisdiction_option
@click.option("--unit", required=True, metavar="UNIT", help="单位id或名称。")
@click.option("--as-of", type=DATE, default=None, help="截至此日尚未报送的期限（默认今天）。")
@click.option("--out", "out", default=None, metavar="FILE", help="写入此文件（默认输出到标准输出）。")
@as_option(False)
@handle_errors
@store_errors
def ical(config_path, jurisdiction, unit, as_of, out, actor):
    """日历订阅：把一个单位尚未报送的期限写成 iCalendar 文件（全天事件），供 Outlook、WPS、钉钉订阅。"""
    from ducha_core.ical import unit_ical

    book = _open(config_path, jurisdiction)
    try:
        if actor is not None:
            book.person(actor)
        data = unit_ical(book, unit, as_of=as_of or date.today(), viewer=actor)
    finally:
        book.close()
    if out is None:
        click.echo(data, nl=False)
    else:
        with open(out, "wb") as fh:
            fh.write(data)
        click.echo(f"已写入 {out}", err=True)
