"""Shared option decorators and error handling for the CLI commands."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import click

from ducha_core.errors import DuchaError


def handle_errors(func: Callable) -> Callable:
    """Turn a ``DuchaError`` (or a broken-file error) into a one-line ClickException."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DuchaError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


class DateType(click.ParamType):
    """A date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2025-10-09", param, ctx)


DATE = DateType()


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def format_option(func: Callable) -> Callable:
    """``--json`` and ``--format table|csv|json`` (``--json`` is short for ``--format json``)."""
    func = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                        show_default=True, help="Output format.")(func)
    return json_option(func)


def output_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def jurisdiction_option(required: bool = False) -> Callable:
    return click.option("--jurisdiction", "-j", "jurisdiction", required=required, metavar="ID",
                        help="Jurisdiction id (see `ducha jurisdictions`) or a variant file.")


def plugin_path_option(func: Callable) -> Callable:
    return click.option("--plugin", "plugin_paths", multiple=True, metavar="PATH",
                        help="Load a jurisdiction plugin from a .py file or package directory.")(func)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table that lines up Chinese (double-width) characters."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def emit(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], records: Any) -> None:
    """Print rows as a table or CSV, or ``records`` as JSON."""
    if fmt == "json":
        click.echo(dumps(records))
    elif fmt == "csv":
        click.echo(render_csv(headers, rows))
    else:
        click.echo(render_table(headers, rows))
