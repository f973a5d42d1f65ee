"""The persistent store of a deployment: an append-only, hash-chained event log and a derived
``matters`` table (the read model), behind one interface (``EventStore``).

SQLite (``ducha_core.store.sqlite``) is the embedded default. The SQL is kept portable (text and
integer columns, ISO dates, JSON as text) so that a PostgreSQL backend can implement the same
protocol for province-wide deployments.

Each event is chained to the previous one: ``hash = sha256(canonical_json(event) + prev_hash)``,
so an edit made outside ducha is found by ``verify``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ducha_core.errors import DuchaError
from ducha_core.events import Event

if TYPE_CHECKING:
    from ducha_core.matter import MatterState
    from ducha_core.obligations import Obligation

GENESIS = "0" * 64


class StoreError(DuchaError):
    """The database cannot be used: not a ducha database, too new, missing, locked, broken."""


@attrs.frozen
class VerifyReport:
    """What ``verify`` found: ``ok`` if every event's hash and link hold and the head matches."""

    ok: bool
    events: int
    head: str
    bad_seq: int | None = None
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head, "bad_seq": self.bad_seq,
                "message": self.message}


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
    return hashlib.sha256((canonical + prev_hash).encode("utf-8")).hexdigest()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def state_row(state: MatterState, obligations: Sequence[Obligation] = (), as_of: date | None = None) -> tuple:
    """The ``matters`` row of a matter state (column order of the table). ``obligations``: the
    matter's obligations as of its last event, with the next occurrence of each series
    (``ducha_core.obligations.all_obligations(..., include_next=True)``): the row keeps the most
    urgent one owed (its last day, kind, name and the units owing it) and the most working days any
    was met late. ``as_of``: the day the row describes (default: the day of the last event)."""
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

    def matter_rows(self, *, unit: str | None = None, kind: str | None = None, registered_upto: str | None = None
                    ) -> list[tuple]: ...

    def put_rows(self, rows: Sequence[MatterRows]) -> None: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def histories(self, lo: str | None = None, hi: str | None = None) -> Iterator[list[Event]]: ...

    def replace_states(self, rows: Iterable[MatterRows]) -> int: ...

    def verify(self) -> VerifyReport: ...

    def backup(self, dest: str | Path) -> Path: ...

    def close(self) -> None: ...


def open_store(path: str | Path, *, create: bool = True) -> EventStore:
    """Open (and on first use create) the store at ``path``; SQLite for a file path."""
    from ducha_core.store.sqlite import SQLiteStore

    return SQLiteStore(path, create=create)
