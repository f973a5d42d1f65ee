"""The store's schema, as an ordered list of migrations.

Migration ``n`` (1-based) takes a database from ``user_version`` n-1 to n. They are applied in
order when a store is opened; a database newer than ``SCHEMA_VERSION`` is refused. The SQL is
plain and portable (TEXT/INTEGER columns, ISO dates as text, JSON as text) so that a PostgreSQL
backend can create the same tables; only ``PRAGMA user_version`` is SQLite's own bookkeeping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

#: v1: the event log (source of truth), the derived matters table, store metadata
V1 = """
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    matter      TEXT NOT NULL,
    action      TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    actor       TEXT NOT NULL,
    data        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX events_matter ON events (matter, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE matters (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    state        TEXT NOT NULL,
    lead_units   TEXT NOT NULL,
    co_units     TEXT NOT NULL,
    responsible  TEXT NOT NULL,
    due_date     TEXT,
    due_what     TEXT,
    due_name     TEXT,
    submitted    TEXT,
    closed       TEXT,
    confidential INTEGER NOT NULL,
    viewers      TEXT NOT NULL,
    registered   TEXT NOT NULL,
    last_on      TEXT NOT NULL,
    last_seq     INTEGER NOT NULL,
    state_json   TEXT NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: v2: the unit index of the read model and indexes for the as-of ledger queries
V2 = """
CREATE TABLE matter_units (
    unit   TEXT NOT NULL,
    matter TEXT NOT NULL,
    role   TEXT NOT NULL,
    PRIMARY KEY (unit, matter)
);
CREATE INDEX matter_units_matter ON matter_units (matter);
CREATE INDEX matters_due ON matters (due_date);
CREATE INDEX matters_state ON matters (state);
CREATE INDEX matters_kind ON matters (kind);
CREATE INDEX matters_last_on ON matters (last_on);
"""

#: v3: obligations (who owes what by when) in a table of their own, and the matter row's most urgent
#: obligation's units and its lateness (the rows are refilled by the rebuild the new model key calls for)
V3 = """
ALTER TABLE matters ADD COLUMN due_owed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE matters ADD COLUMN late_days INTEGER NOT NULL DEFAULT 0;
CREATE TABLE obligations (
    matter        TEXT NOT NULL,
    id            TEXT NOT NULL,
    what          TEXT NOT NULL,
    name          TEXT NOT NULL,
    owed_by       TEXT NOT NULL,
    starts        TEXT NOT NULL,
    due           TEXT,
    met_on        TEXT,
    late_by       INTEGER NOT NULL,
    superseded_on TEXT,
    superseded_by TEXT,
    ended_on      TEXT,
    lapses_on     TEXT,
    rule          TEXT NOT NULL,
    article       TEXT,
    period        TEXT NOT NULL,
    series        TEXT NOT NULL,
    PRIMARY KEY (matter, id)
);
CREATE INDEX obligations_due ON obligations (due);
"""

#: v4: the log indexed by action and day (the 文号 of one document counted in SQL: the steps of its
#: kind in its year before it), the read model by registration day (a year's matters)
V4 = """
CREATE INDEX events_action ON events (action, on_date);
CREATE INDEX matters_registered ON matters (registered);
"""

#: v5: the register of issued 文号 of the documents that are not a matter's step (督查通报, 年度考核汇总):
#: (kind, subject) -> (year, n), written once when the document is issued (``ducha doc … --issue``) and
#: never changed: reissued, a document keeps its number; a number once issued is not given again. Not
#: derived from the log (``rebuild`` leaves it as it is).
V5 = """
CREATE TABLE document_numbers (
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    year      INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    issued_on TEXT NOT NULL,
    PRIMARY KEY (kind, subject),
    UNIQUE (kind, year, n)
);
CREATE TRIGGER document_numbers_no_update BEFORE UPDATE ON document_numbers
    BEGIN SELECT RAISE(ABORT, 'an issued document number is never changed'); END;
CREATE TRIGGER document_numbers_no_delete BEFORE DELETE ON document_numbers
    BEGIN SELECT RAISE(ABORT, 'an issued document number is never reused'); END;
"""

#: v6: the matters whose summary holds marks (``Ledger._marks``: what the consequences read across matters),
#: indexed apart (a partial index, as small as the marked matters are few): ``due`` and a matter's document
#: read them without reading every summary
V6 = """
CREATE INDEX IF NOT EXISTS matters_marked ON matters (id) WHERE instr(state_json, '"marks":') > 0;
"""

#: v7: each matter's title and topic as registrations are compared (``text_key``), indexed: a
#: registration finds the matters of the year it may repeat along an index, not by reading every title
#: of the year (written with the matters rows by ``SQLiteStore``; filled here from the rows there are)
V7 = """
CREATE TABLE IF NOT EXISTS title_keys (
    matter TEXT PRIMARY KEY,
    title  TEXT NOT NULL,
    topic  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS title_keys_title ON title_keys (title);
CREATE INDEX IF NOT EXISTS title_keys_topic ON title_keys (topic);
"""

#: v8: each matter's line of ``ducha ledger --format csv`` kept beside its row (``LINE_COLUMNS``: made
#: with the deployment's names when the row is written; for rows written before, the CSV's own query
#: makes the line until the matter's next step or ``ducha rebuild`` writes it)
V8 = """
CREATE TABLE IF NOT EXISTS matter_lines (
    matter     TEXT PRIMARY KEY,
    line_key   TEXT NOT NULL,
    line_head  TEXT,
    line_light TEXT,
    line_tail  TEXT
) WITHOUT ROWID;
"""


def secret_registrations(alias: str = "") -> str:
    """SQL: the registrations (立项, a matter's first event) whose data mentions ``confidential`` —
    the WHERE of the partial index ``events_confidential`` (v8), which a query names as it is
    written here to be answered from that index."""
    from ducha_core.events import CREATE_ACTIONS

    actions = ", ".join(f"'{a}'" for a in sorted(CREATE_ACTIONS))
    return f"{alias}action IN ({actions}) AND instr({alias}data, '\"confidential\"') > 0"


def _v8(conn: Any) -> None:
    """v8: the table ``matter_lines``; the registrations of confidential matters indexed apart (a
    partial index, as small as they are few: which matters the log says are confidential is found
    without reading every registration)."""
    run_sql(conn, V8)
    conn.execute(f"CREATE INDEX IF NOT EXISTS events_confidential ON events (matter) WHERE {secret_registrations()}")


def text_key(value: Any) -> str:
    """A title, topic or source as two registrations are compared (重复登记): its compatibility form
    (NFKC: full-width and half-width punctuation, letters and digits alike) with every blank taken out."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def title_key_rows(rows: Any) -> list[tuple[str, str, str]]:
    """(matter, title key, topic key) of ``(id, title, state_json)`` rows: the title and the topic (the
    summary's ``topic``, else the title) with every blank taken out."""
    import json

    out = []
    for mid, title, summary in rows:
        title_key = text_key(title)
        try:
            data = json.loads(summary)
        except (TypeError, ValueError):  # a summary written outside ducha: any topic (UNKNOWN_TOPIC)
            out.append((mid, title_key, UNKNOWN_TOPIC))
            continue
        topic = data.get("topic") if isinstance(data, dict) else None
        out.append((mid, title_key, title_key if topic is None else text_key(topic)))
    return out


#: the topic key of a matter whose summary cannot be read: it may repeat any topic
UNKNOWN_TOPIC = "\x00"


def fill_title_keys(conn: Any) -> None:
    """``title_keys`` made again from the ``matters`` rows (inside the caller's transaction)."""
    conn.execute("DELETE FROM title_keys")
    cursor = conn.execute("SELECT id, title, state_json FROM matters")
    while True:
        batch = cursor.fetchmany(20000)
        if not batch:
            break
        conn.executemany("INSERT OR REPLACE INTO title_keys (matter, title, topic) VALUES (?, ?, ?)",
                         title_key_rows(batch))


def _v7(conn: Any) -> None:
    run_sql(conn, V7)
    fill_title_keys(conn)


Migration = str | Callable[[Any], None]


def run_sql(conn: Any, script: str) -> None:
    """Execute a script statement by statement inside the caller's transaction (executescript
    would commit first)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        conn.execute(buffer)


def _v2(conn: Any) -> None:
    """v2: the unit index, filled from the matters already in the read model."""
    run_sql(conn, V2)
    rows = conn.execute("SELECT id, lead_units, co_units FROM matters").fetchall()
    conn.executemany(
        "INSERT OR IGNORE INTO matter_units (unit, matter, role) VALUES (?, ?, ?)",
        [(u, mid, role) for mid, lead, co in rows for role, text in (("lead", lead), ("co", co)) for u in text.split(",") if u],
    )


#: applied in order; the database's user_version is the number applied
MIGRATIONS: list[Migration] = [V1, _v2, V3, V4, V5, V6, _v7, _v8]

SCHEMA_VERSION = len(MIGRATIONS)

#: tables a usable database has
REQUIRED_TABLES = ("events", "matters", "meta", "matter_units", "obligations")
