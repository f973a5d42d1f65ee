"""CSV cells a spreadsheet reads as text, never as a formula (OWASP CSV injection)."""

from __future__ import annotations

from typing import Any

from ducha_core._lazy import LazyPattern

#: what makes a spreadsheet read a cell as a formula (OWASP CSV injection): = + - @, TAB, CR
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain number (-3, +1.5, 12%) is a value, not a formula, and is written as it is
_PLAIN_NUMBER = LazyPattern(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
#: where a spreadsheet splitting on another separator (; in many locales, TAB, a line) starts a cell
_CELL_BREAKS = LazyPattern(r"([,;\t\r\n]+)")


def _defuse(piece: str) -> str:
    text = piece.lstrip(" ")
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text.rstrip(" ")):
        return "'" + piece
    return piece


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet reads as text, never as a formula (OWASP's rule): text starting
    with = + - @ TAB or CR gets a leading ``'``, and so does each part of it after a separator or a
    line break (``a;=cmd`` → ``a;'=cmd``). Numbers, and text that is a plain number, stay as they are."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    parts = _CELL_BREAKS.split(text)
    text = "".join(p if n % 2 else _defuse(p) for n, p in enumerate(parts))
    return "'" + text if text.startswith(("\t", "\r")) else text


def restore_cell(text: str) -> str:
    """The text ``csv_cell`` was given, from what it wrote: the ``'`` it put before a part starting
    with = + - @ TAB or CR (at the text's start or after a separator or a line break) taken away, so
    that a ledger exported to CSV or xlsx and imported back (``ducha import``) has its titles as they
    were. For text without a ``'`` of its own, ``restore_cell(csv_cell(t)) == t``; an apostrophe that
    was typed before a formula character is read as that mark and dropped."""
    if "'" not in text:
        return text
    if text.startswith(("'\t", "'\r")):
        text = text[1:]
    parts = _CELL_BREAKS.split(text)
    return "".join(p if n % 2 else _restore(p) for n, p in enumerate(parts))


def _restore(piece: str) -> str:
    if piece.startswith("'") and _defuse(piece[1:]) == piece:
        return piece[1:]
    return piece
