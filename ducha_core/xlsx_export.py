"""Excel (.xlsx) export of a table the CLI shows: ``ducha ledger --format xlsx --out 台账.xlsx``.

Frozen header row, column widths from the content (a Chinese character counts double), cells that are
ISO dates (YYYY-MM-DD) written as dates shown ``yyyy-mm-dd``, the light column (灯) as a cell fill, and
every text cell neutralised as in CSV (``csv_cell``: no formula injection). One sheet per view:
``sheets`` maps a sheet name to its rows (same headers); without it the rows go to one sheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ducha_core.csvsafe import csv_cell

DEFAULT_SHEET = "台账"
DATE_FORMAT = "yyyy-mm-dd"
#: the fill of a light cell (its Chinese name as the ledger shows it, or its id)
LIGHT_FILLS = {"红": "FFC7CE", "red": "FFC7CE", "黄": "FFEB9C", "yellow": "FFEB9C",
               "绿": "C6EFCE", "green": "C6EFCE", "已办结": "D9D9D9", "done": "D9D9D9"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: what a sheet name may not contain (Excel), and its length limit
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def light_fill(value: Any) -> str | None:
    """The fill colour (RRGGBB) for a light cell: 红灯/红 red, 黄 yellow, 绿 green, 已办结 grey."""
    text = str(value or "").strip()
    if not text:
        return None
    if text in LIGHT_FILLS:
        return LIGHT_FILLS[text]
    if "办结" in text:
        return LIGHT_FILLS["已办结"]
    for key in ("红", "黄", "绿"):
        if text.startswith(key):
            return LIGHT_FILLS[key]
    return None


def cell_value(value: Any) -> Any:
    """What goes into a cell: a date for ISO-date text, numbers as they are, text neutralised."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, datetime, date)):
        return value
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return csv_cell(text)


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub("_", str(name)).strip("'")[:31] or DEFAULT_SHEET
    title, n = base, 2
    while title.lower() in used:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _fill_sheet(ws: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    light_cols = {i for i, h in enumerate(headers) if "灯" in str(h)}
    ws.append([csv_cell(str(h)) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [_width(str(h)) for h in headers]
    for row in rows:
        values = [cell_value(c) for c in row]
        ws.append(values)
        for i, v in enumerate(values[:len(widths)]):
            shown = v.isoformat() if isinstance(v, (date, datetime)) else ("" if v is None else str(v))
            widths[i] = max(widths[i], _width(shown))
        for i, cell in enumerate(ws[ws.max_row]):
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            if i in light_cols:
                colour = light_fill(cell.value)
                if colour:
                    cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w + 2, _MAX_WIDTH)


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> Path:
    """Write ``rows`` (or, when given, each of ``sheets``: name → rows) under ``headers`` to ``path``."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    views = dict(sheets) if sheets else {DEFAULT_SHEET: rows}
    for name, view_rows in views.items():
        _fill_sheet(book.create_sheet(_sheet_name(name, used)), headers, view_rows)
    target = Path(path)
    book.save(target)
    return target
