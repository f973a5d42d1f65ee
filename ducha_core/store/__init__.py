"""The persistent store of a deployment: an append-only, hash-chained event log and a derived
``matters`` table (the read model), behind one interface (``EventStore``).

SQLite (``ducha_core.store.sqlite``) is the embedded default. The SQL is kept portable (text and
integer columns, ISO dates, JSON as text) so that a PostgreSQL backend can implement the same
protocol for province-wide deployments.

Each event is chained to the previous one: ``hash = sha256(canonical_json(event) + prev_hash)``,
so an edit made outside ducha is found by ``verify`` — unless whoever edits also recomputes every
hash after the edit. Two anchors outside the file close that gap: the head (``SEQ:HASH``) that
``verify`` prints, kept by the office and checked later with ``verify --head``; and a key file
(``key_file`` in ``ducha.toml``): every append MACs the new head (``HMAC-SHA256(key, head)``, kept
in ``meta``) after checking the MAC of the head it extends, so a log rewritten without the key no
longer matches its MAC. See README "What the record guarantees".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ducha_core.errors import DuchaError, InputError
from ducha_core.events import Event

if TYPE_CHECKING:
    from ducha_core.matter import MatterState
    from ducha_core.obligations import Obligation

GENESIS = "0" * 64


class StoreError(DuchaError):
    """The database cannot be used: not a ducha database, too new, missing, locked, broken."""


@attrs.frozen
class VerifyReport:
    """What ``verify`` found: ``ok`` if every event's hash and link hold, the head matches, the
    append-only triggers are in place, every head given (``--head``) is in the log and, with a key,
    the head's MAC holds. ``message`` is the first problem, ``problems`` all of them; ``notes``
    say what was not checked (no key, events recorded before the key)."""

    ok: bool
    events: int
    head: str
    bad_seq: int | None = None
    message: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: the heads given (``SEQ:HASH``) that the log still extends
    anchors: tuple[str, ...] = ()
    #: "none" (no key file configured), "ok" (the head's MAC holds), "sealed" (MACed now, ``--seal``),
    #: "bad" (it does not hold, or the log has no MAC though a key is configured), "unchecked" (the
    #: chain is broken: the MAC was not looked at)
    key: str = "none"
    #: with a key: the events recorded before the key was first used (covered as they stood then)
    key_since: int | None = None

    @property
    def head_text(self) -> str:
        """The head as the office keeps it: ``SEQ:HASH`` (``verify --head`` takes it back)."""
        return f"{self.events}:{self.head}"

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head, "head_text": self.head_text,
                "bad_seq": self.bad_seq, "message": self.message, "problems": list(self.problems),
                "notes": list(self.notes), "anchors": list(self.anchors), "key": self.key,
                "key_since": self.key_since}


@attrs.frozen
class ReadModelReport:
    """What comparing the stored read model (``matters``, ``matter_units``, ``obligations``) with
    a fresh fold of the log found: ``differences`` (one text per matter that differs, Chinese),
    ``checked`` of ``total`` matters folded (all with ``full``); ``stale``: the rows were derived
    under another policy or calendar (every read folds the log then), so nothing was compared."""

    ok: bool
    checked: int
    total: int
    full: bool
    differences: tuple[str, ...] = ()
    stale: bool = False
    #: why the log could not be folded (a damaged event; ``verify`` of the log says which)
    unreadable: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "total": self.total, "full": self.full,
                "differences": list(self.differences), "stale": self.stale, "unreadable": self.unreadable}


#: ``matters`` columns by their Chinese name (what ``compare_rows`` reports)
COLUMN_NAMES = {
    "id": "编号", "kind": "类别", "title": "标题", "state": "状态", "lead_units": "主办单位", "co_units": "协办单位",
    "responsible": "责任人", "due_date": "期限", "due_what": "应报事项", "due_name": "期限名称", "submitted": "报送日",
    "closed": "办结日", "confidential": "涉密", "viewers": "知悉范围", "registered": "立项日", "last_on": "最近办理日",
    "last_seq": "最近事件序号", "state_json": "状态摘要", "due_owed_by": "应报单位", "late_days": "逾期工作日",
    "line_key": "台账导出行", "line_head": "台账导出行", "line_light": "台账导出行", "line_tail": "台账导出行",
}


def compare_rows(stored: MatterRows | None, fresh: MatterRows) -> list[str]:
    """What differs between a matter's stored rows and those folded afresh from its log: the
    Chinese names of the differing ``matters`` columns, then 承办单位表 / 期限义务表."""
    if stored is None:
        return ["事项状态表中没有该事项"]
    (row, units, obligations), (fresh_row, fresh_units, fresh_obligations) = stored, fresh
    n = len(MATTER_COLUMNS)
    out = [COLUMN_NAMES.get(name, name) for name, a, b in zip(MATTER_COLUMNS, row[:n], fresh_row[:n], strict=True)
           if a != b]
    # the CSV line kept with the row (``LINE_COLUMNS``): compared where it was made with the names the
    # fresh one is (a line made under other names, or none, is not used: the CSV makes it afresh)
    if len(row) > n and len(fresh_row) > n and row[n] == fresh_row[n] and row[n:] != fresh_row[n:]:
        out.append(COLUMN_NAMES["line_key"])
    if len(row) < n or len(fresh_row) < n:
        out.append("列数")
    if sorted(map(tuple, units)) != sorted(map(tuple, fresh_units)):
        out.append("承办单位表")
    if sorted(map(repr, obligations)) != sorted(map(repr, fresh_obligations)):
        out.append("期限义务表")
    return out


# --- anchors outside the file: the kept head, the key file ---------------------------------------

_HEAD = re.compile(r"^\s*(\d{1,12})\s*[:：]\s*([0-9a-fA-F]{16,64})\s*$")


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as ``verify`` prints it (the hash may be shortened to its first 16 or more hex
    digits) -> (seq, lower-case hash prefix). Raises InputError."""
    match = _HEAD.match(str(text))
    if not match or int(match.group(1)) < 1:
        raise InputError(f"--head '{text}' 格式不对：须写 序号:哈希（ducha verify 所印的末端，如 12:3f5a…，"
                         "哈希至少写前 16 位）")
    return int(match.group(1)), match.group(2).lower()


#: the shortest key a key file may hold (bytes, after surrounding whitespace is stripped)
MIN_KEY_BYTES = 16


def read_key(path: str | Path) -> bytes:
    """The key in a key file (its bytes, surrounding whitespace stripped). Raises StoreError."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise StoreError(f"密钥文件 {path} 无法读取（{exc.strerror or exc}）；请检查 ducha.toml 的 key_file 和文件权限"
                         "；本次未记录任何内容") from None
    if len(key) < MIN_KEY_BYTES:
        raise StoreError(f"密钥文件 {path} 太短（{len(key)} 字节，至少 {MIN_KEY_BYTES} 字节）；"
                         "请用随机内容生成，如 head -c 32 /dev/urandom | base64 > 密钥文件")
    return key


def key_id(key: bytes) -> str:
    """A fingerprint of a key that does not give the key away (kept in ``meta`` as ``key_id``)."""
    import hashlib
    import hmac

    return hmac.new(key, b"ducha key id", hashlib.sha256).hexdigest()[:16]


def head_mac(key: bytes, seq: int, digest: str) -> str:
    """The MAC of a head (the last event's seq and hash; seq 0 and ``GENESIS`` for an empty log).
    The hash commits to every event before it, so this MAC covers the whole log."""
    import hashlib
    import hmac

    return hmac.new(key, f"ducha head {seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def dumps_data(data: Any) -> str:
    """The canonical JSON text of an event's data (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be stored in an event")


def normalize_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """Event data as it will read back from the store (dates as ISO text, tuples as lists)."""
    return json.loads(dumps_data(data or {}))


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def event_hash(seq: int, matter: str, action: str, on: str, actor: str, data_text: str, recorded_at: str,
               prev_hash: str) -> str:
    """SHA-256 over the event's canonical JSON (keys sorted, ``data`` as stored) + ``prev_hash``."""
    canonical = (
        '{"action":' + _s(action) + ',"actor":' + _s(actor) + ',"data":' + data_text + ',"matter":' + _s(matter)
        + ',"on":' + _s(on) + ',"recorded_at":' + _s(recorded_at) + ',"seq":' + str(seq) + "}"
    )
    return _sha256((canonical + prev_hash).encode("utf-8")).hexdigest()


def _sha256(data: bytes):
    """``hashlib.sha256``, imported on the first hash (a command that only reads loads no OpenSSL):
    the first call puts hashlib's own in this name's place."""
    global _sha256
    from hashlib import sha256

    _sha256 = sha256
    return sha256(data)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def state_row(state: MatterState, obligations: Sequence[Obligation] = (), as_of: date | None = None,
              marks: Sequence[str] = ()) -> tuple:
    """The ``matters`` row of a matter state (column order of the table). ``obligations``: the
    matter's obligations as of its last event, with the next occurrence of each series
    (``ducha_core.obligations.all_obligations(..., include_next=True)``): the row keeps the most
    urgent one owed (its last day, kind, name and the units owing it) and the most working days any
    was met late. ``as_of``: the day the row describes (default: the day of the last event).
    ``marks``: what the consequences read across matters that the matter's events hold (the
    policy's watched actions and yearly step ids, ``Ledger.derived_rows``), kept in the summary
    (``"marks"``, only when there are any)."""
    from ducha_core.obligations import headline, lateness

    events = state.events
    last_on = max([e.on for e in events]) if events else state.registered_on
    last_seq = events[-1].seq if events else 0  # a history is folded in seq order
    urgent = headline(obligations, as_of or last_on)
    summary = {
        "source": state.source,
        "received": state.received_on.isoformat(),
        "assigned": _iso(state.assigned_on),
        "returns": state.returns,
        "grade": state.grade,
        "reminders": len(state.reminders),
        "extensions": len(state.extensions),
        "pending_extension": state.pending_extension is not None,
        "provisional": bool(urgent and urgent.deadline.provisional),
        "warnings": state.warnings,
    }
    topic = events[0].data.get("topic") if events else None
    if topic:  # what a registration is compared by for a repeat (``Ledger._check_duplicate``)
        summary["topic"] = topic
    if marks:
        summary["marks"] = list(marks)
    units = set(state.lead_units)
    responsible = sorted(state.responsible.items(), key=lambda item: item[0] not in units)  # lead units first
    return (
        state.id,
        state.kind,
        state.title,
        state.state,
        ",".join(state.lead_units),
        ",".join(state.co_units),
        ";".join(f"{u}={p}" for u, p in responsible),
        _iso(urgent.due) if urgent else _iso(state.due.date) if state.due else None,
        urgent.what if urgent else None,  # None: nothing owed (the row shows the result's last limit)
        urgent.name if urgent else state.due.name if state.due else None,
        _iso(state.submitted_on),
        _iso(state.closed_on),
        int(state.confidential),
        ",".join(state.viewers),
        state.registered_on.isoformat(),
        last_on.isoformat(),
        last_seq,
        json.dumps(summary, ensure_ascii=False, separators=(",", ":"), default=str),
        ",".join(urgent.owed_by) if urgent else "",
        lateness(obligations),
    )


def unit_rows(state: MatterState) -> list[tuple[str, str, str]]:
    return [(u, state.id, "lead") for u in state.lead_units] + [(u, state.id, "co") for u in state.co_units]


def obligation_rows(state: MatterState, obligations: Sequence[Obligation]) -> list[tuple]:
    """The ``obligations`` rows of a matter (``OBLIGATION_COLUMNS`` order), as of its last event."""
    return [
        (state.id, o.id, o.what, o.name, ",".join(o.owed_by), o.starts.isoformat(), _iso(o.due), _iso(o.met_on),
         o.late_by, _iso(o.superseded_on), o.superseded_by, _iso(o.ended_on), _iso(o.lapses_on), o.rule,
         o.deadline.citation.article if o.deadline.citation else None, o.period, o.series)
        for o in obligations
    ]


#: one matter's derived rows: its ``matters`` row, its unit rows, its obligation rows
MatterRows = tuple[tuple, list[tuple], list[tuple]]

#: columns of ``obligations`` in ``obligation_rows`` order
OBLIGATION_COLUMNS = (
    "matter", "id", "what", "name", "owed_by", "starts", "due", "met_on", "late_by", "superseded_on",
    "superseded_by", "ended_on", "lapses_on", "rule", "article", "period", "series",
)

#: columns of ``matters`` in ``state_row`` order
MATTER_COLUMNS = (
    "id", "kind", "title", "state", "lead_units", "co_units", "responsible", "due_date", "due_what", "due_name",
    "submitted", "closed", "confidential", "viewers", "registered", "last_on", "last_seq", "state_json",
    "due_owed_by", "late_days",
)

#: columns of ``matter_lines`` after its ``matter`` (schema v8), which ``Ledger.derived_rows`` appends
#: to a matter's row: its line of ``ducha ledger --format csv`` as of its last event, made when its row
#: was written (``Ledger.line_cells``): the names it was made with (a digest: a line made under other
#: names is not used), its first four cells, its light (NULL where the day decides it) and its last
#: four, each part as the csv module writes it. A table of its own: a scan of ``matters`` does not
#: read them
LINE_COLUMNS = ("line_key", "line_head", "line_light", "line_tail")


class EventStore(Protocol):
    """What the ledger needs from a store. One command = one ``transaction()``; ``append`` inside
    it links events to the chain; nothing is written if the block raises."""

    path: Path

    def transaction(self) -> AbstractContextManager[None]: ...

    def append(self, events: Sequence[Event], rows: Sequence[MatterRows] = ()) -> list[Event]: ...

    def events(self, matter: str | None = None, upto: date | None = None) -> list[Event]: ...

    def last_seq(self, matter: str) -> int: ...

    def matters(self) -> list[str]: ...

    def max_number(self, prefix: str) -> int: ...

    def last_event_date(self) -> date | None: ...

    def matter_rows(self, *, unit: str | None = None, kind: str | None = None, registered_upto: str | None = None,
                    created: bool = False) -> list[tuple]: ...

    def created_data(self, matter: str) -> str | None: ...

    def log_matters(self) -> list[str]: ...

    def stored_rows(self, ids: Sequence[str]) -> dict[str, MatterRows]: ...

    def put_rows(self, rows: Sequence[MatterRows]) -> None: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def histories(self, lo: str | None = None, hi: str | None = None) -> Iterator[list[Event]]: ...

    def replace_states(self, rows: Iterable[MatterRows]) -> int: ...

    def verify(self, heads: Sequence[tuple[int, str]] = (), *, seal: bool = False) -> VerifyReport: ...

    def backup(self, dest: str | Path) -> Path: ...

    def close(self) -> None: ...


def open_store(path: str | Path, *, create: bool = True, key_file: str | Path | None = None) -> EventStore:
    """Open (and on first use create) the store at ``path``; SQLite for a file path. ``key_file``:
    the deployment's key (``key_file`` in ``ducha.toml``), read when the store appends or verifies."""
    from ducha_core.store.sqlite import SQLiteStore

    return SQLiteStore(path, create=create, key_file=key_file)
