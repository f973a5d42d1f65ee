"""Parsed TOML kept from one command to the next (start-up time).

``tomllib`` reads a province's ``ducha.toml`` (a thousand units and people) in some forty
milliseconds, the shipped holiday notices (``calendar/holidays.toml``) and a plugin's traceability
table (``articles.toml``) in a few each, on every command that opens a ledger; importing it costs a
few more. ``loads(text, path)`` is ``tomllib.loads(text)``, ``text`` being the file's: where the cache
file of ``path`` holds the same text (compared whole) it returns what was parsed from it then, else it
parses the text and keeps the result there. A changed file is parsed anew; errors are tomllib's own,
since a text that fails to parse is never kept. Only tables whose values are strings, numbers,
booleans, arrays and dates are kept (marshal holds them; a date as its ordinal); any other text is
parsed each time, as is any text when the cache cannot be read or written.

Where: a shipped file's beside the byte code of its folder (``__pycache__``); a deployment's file
(``shipped=False``) in the user's cache folder (``$XDG_CACHE_HOME/ducha``, else ``~/.cache/ducha``, at
most ``KEEP`` files, the oldest removed), not beside it; both under ``PYTHONPYCACHEPREFIX`` where it
is set. Nothing is written where Python writes no byte code (``PYTHONDONTWRITEBYTECODE``).
"""

from __future__ import annotations

import datetime as _dt
import marshal
import os
import sys
from pathlib import Path
from typing import Any

#: the deployment files kept in the user's cache folder at most (one each: a file is kept by its path)
KEEP = 64


def cache_file(path: str | Path, *, shipped: bool = True) -> str | None:
    """Where the parsed text of ``path`` is kept (None where Python does not say)."""
    path = os.path.abspath(os.fspath(path))
    name = f"{os.path.basename(path)}.{sys.implementation.cache_tag}.bin"
    if shipped or sys.pycache_prefix:
        try:
            from importlib.util import cache_from_source

            return os.path.join(os.path.dirname(cache_from_source(path)), name)
        except (NotImplementedError, ValueError, TypeError, AttributeError):
            return None
    import zlib

    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(home, "ducha", f"{zlib.crc32(os.fsencode(path)):08x}.{name}")


def _prune(folder: str) -> None:
    """Keep the ``KEEP`` newest deployment files of the user's cache folder."""
    try:
        files = [e for e in os.scandir(folder) if e.name.endswith(".bin") and e.is_file()]
        if len(files) > KEEP:
            for entry in sorted(files, key=lambda e: e.stat().st_mtime)[: len(files) - KEEP]:
                os.unlink(entry.path)
    except OSError:
        pass


class _NotKept(Exception):
    """A value marshal cannot hold and this does not encode (a datetime, a time)."""


def _encode(value: Any, dates: list) -> Any:
    """``value`` as marshal holds it (a date as a tuple of its ordinal, noted in ``dates``)."""
    kind = type(value)
    if kind is dict:
        return {k: _encode(v, dates) for k, v in value.items()}
    if kind is list:
        return [_encode(v, dates) for v in value]
    if kind is _dt.date:
        dates.append(value)
        return (value.toordinal(),)  # tomllib makes no tuples: a tuple is a date
    if kind in (str, int, float, bool):
        return value
    raise _NotKept


def _decode(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _decode(v) for k, v in value.items()}
    if kind is list:
        return [_decode(v) for v in value]
    if kind is tuple:
        return _dt.date.fromordinal(value[0])
    return value


def decode_error() -> type[Exception]:
    """``tomllib.TOMLDecodeError``, imported when asked for (``except decode_error() as exc:``)."""
    import tomllib

    return tomllib.TOMLDecodeError


def loads(text: str, path: str | Path | None, *, shipped: bool = True) -> dict[str, Any]:
    """``tomllib.loads(text)``, ``text`` being that of the file ``path``: from the cache where it holds
    the same text (``path`` None: not cached). ``shipped``: a file of ducha's or a plugin's, else a
    deployment's."""
    where = cache_file(path, shipped=shipped) if path is not None else None
    header = sys.version
    if where is not None:
        try:
            with open(where, "rb") as f:
                kept_header, kept_text, dated, kept = marshal.loads(f.read())
            if kept_header == header and kept_text == text:
                return _decode(kept) if dated else kept  # marshal made it anew: the caller's own
        except Exception:  # none yet, unreadable, from another Python: parse
            pass
    import tomllib

    doc = tomllib.loads(text)
    if where is not None and not sys.dont_write_bytecode:
        try:
            dates: list = []
            encoded = _encode(doc, dates)
            data = marshal.dumps((header, text, bool(dates), encoded))
        except (_NotKept, ValueError, RecursionError):
            return doc
        tmp = f"{where}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(where), exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, where)
            if not shipped and not sys.pycache_prefix:
                _prune(os.path.dirname(where))
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return doc
