"""The SQLite implementation of ``EventStore``: one file per deployment.

WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` per command, so that concurrent CLI processes
queue for the write lock instead of losing events; everything a command writes is in one
transaction, rolled back if anything fails. The schema is migrated in order on open
(``PRAGMA user_version``); a database newer than the code is refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from ducha_core.events import Event
from ducha_core.store import (
    GENESIS,
    MATTER_COLUMNS,
    OBLIGATION_COLUMNS,
    MatterRows,
    StoreError,
    VerifyReport,
    dumps_data,
    event_hash,
)
from ducha_core.store.schema import MIGRATIONS, REQUIRED_TABLES, SCHEMA_VERSION, run_sql

BUSY_TIMEOUT = 10.0
_INSERT_EVENT = ("INSERT INTO events (seq, matter, action, on_date, actor, data, recorded_at, prev_hash, hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_MATTER = f"INSERT OR REPLACE INTO matters ({', '.join(MATTER_COLUMNS)}) VALUES ({', '.join('?' * len(MATTER_COLUMNS))})"
_INSERT_OBLIGATION = (f"INSERT INTO obligations ({', '.join(OBLIGATION_COLUMNS)})"
                      f" VALUES ({', '.join('?' * len(OBLIGATION_COLUMNS))})")
_EVENT_COLUMNS = "matter, action, on_date, actor, data, seq, recorded_at, prev_hash, hash"


def _event(row: tuple) -> Event:
    matter, action, on, actor, data, seq, recorded_at, prev_hash, hash_ = row
    return Event(matter, action, date.fromisoformat(on), actor, json.loads(data), seq, recorded_at, prev_hash, hash_)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class SQLiteStore:
    """An ``EventStore`` in one SQLite file."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = BUSY_TIMEOUT,
                 synchronous: str = "FULL"):
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise StoreError(f"{self.path}：数据库不存在；请先登记一件事项（如 ducha register），数据库在首次记录时创建")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}：无法打开数据库（{exc}）；请检查路径和权限") from None
        self._in_tx = False
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute(f"PRAGMA synchronous = {synchronous}")
            self._migrate()
            self._check_tables()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path}：不是可用的 ducha 数据库（{exc}）；请从备份恢复") from None
        except StoreError:
            self.conn.close()
            raise

    # --- schema ------------------------------------------------------------------------------------

    def user_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.user_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}：数据库结构版本 {version} 比本 ducha 支持的版本（{SCHEMA_VERSION}）新；"
                "请升级 ducha"
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self.user_version()  # another process may have migrated meanwhile
            for number in range(version + 1, SCHEMA_VERSION + 1):
                step = MIGRATIONS[number - 1]
                if isinstance(step, str):
                    run_sql(self.conn, step)
                else:
                    step(self.conn)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def _check_tables(self) -> None:
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in names]
        if missing:
            raise StoreError(
                f"{self.path}：缺少数据表 {', '.join(missing)}，数据库已损坏；请从备份恢复"
            )

    # --- transactions ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one."""
        if self._in_tx:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}：数据库正忙（{exc}）；请稍后再试") from None
        self._in_tx = True
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                self.conn.execute("ROLLBACK")
                raise
        finally:
            self._in_tx = False

    # --- writing -----------------------------------------------------------------------------------

    def _head(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def append(self, events: Sequence[Event], states: Sequence[MatterRows] = ()) -> list[Event]:
        """Append events (chained to the log's head) and update the derived rows, in one transaction.
        The returned events carry their seq, recorded_at and hashes."""
        with self.transaction():
            seq, prev = self._head()
            stored: list[Event] = []
            rows = []
            recorded_at = now_utc()
            for event in events:
                seq += 1
                text = dumps_data(event.data)
                on = event.on.isoformat()
                digest = event_hash(seq, event.matter, event.action, on, event.actor, text, recorded_at, prev)
                rows.append((seq, event.matter, event.action, on, event.actor, text, recorded_at, prev, digest))
                stored.append(Event(event.matter, event.action, event.on, event.actor, json.loads(text), seq,
                                    recorded_at, prev, digest))
                prev = digest
            self.conn.executemany(_INSERT_EVENT, rows)
            self._set_head(seq, prev)
            if states:
                self.put_rows(states)
        return stored

    def _set_head(self, seq: int, digest: str) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              [("head_seq", str(seq)), ("head_hash", digest)])

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def put_rows(self, rows: Sequence[MatterRows]) -> None:
        """Write the derived rows of some matters (inside the caller's transaction)."""
        with self.transaction():
            ids = [(row[0],) for row, _u, _o in rows]
            self.conn.executemany(_INSERT_MATTER, [row for row, _u, _o in rows])
            self.conn.executemany("DELETE FROM matter_units WHERE matter = ?", ids)
            self.conn.executemany("INSERT INTO matter_units (unit, matter, role) VALUES (?, ?, ?)",
                                  [r for _m, units, _o in rows for r in units])
            self.conn.executemany("DELETE FROM obligations WHERE matter = ?", ids)
            self.conn.executemany(_INSERT_OBLIGATION, [r for _m, _u, obs in rows for r in obs])

    def replace_states(self, rows: Iterable[MatterRows], batch: int = 20000) -> int:
        """Replace the whole read model with ``rows`` ((matters row, unit rows, obligation rows) per
        matter), in one transaction and in bulk (rebuild)."""
        count = 0
        with self.transaction():
            for table in ("matters", "matter_units", "obligations"):
                self.conn.execute(f"DELETE FROM {table}")
            matters: list[tuple] = []
            units: list[tuple] = []
            obligations: list[tuple] = []
            for row, unit_list, obligation_list in rows:
                matters.append(row)
                units.extend(unit_list)
                obligations.extend(obligation_list)
                if len(matters) >= batch:
                    count += self._flush(matters, units, obligations)
            count += self._flush(matters, units, obligations)
        return count

    def obligation_rows(self, matter: str | None = None) -> list[tuple]:
        """Rows of ``obligations`` (``OBLIGATION_COLUMNS`` order), of one matter or all; by matter and last day."""
        sql = f"SELECT {', '.join(OBLIGATION_COLUMNS)} FROM obligations"
        args: list[str] = []
        if matter is not None:
            sql += " WHERE matter = ?"
            args.append(matter)
        return self.conn.execute(sql + " ORDER BY matter, due, id", args).fetchall()

    @contextmanager
    def states_replaced(self) -> Iterator[Callable[[Sequence[Path]], int]]:
        """Replace the read model in one transaction, in bulk (a parallel rebuild): on entry the
        rows and the secondary indexes go at once (while the workers fold, readers of the log are
        not blocked in WAL mode); the function yielded copies part files (``write_state_part``) in,
        in SQL; on exit the indexes are made again, once, and the transaction commits."""
        attached: list[str] = []
        with self.transaction():
            indexes = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN ('matters', 'matter_units', 'obligations')").fetchall()
            for index_name, _sql in indexes:
                self.conn.execute(f"DROP INDEX {index_name}")
            for table in ("matters", "matter_units", "obligations"):
                self.conn.execute(f"DELETE FROM {table}")

            def load(parts: Sequence[Path]) -> int:
                columns = ", ".join(MATTER_COLUMNS)
                count = 0
                for part in parts:
                    name = f"part{len(attached)}"
                    self.conn.execute(f"ATTACH DATABASE ? AS {name}", (str(part),))
                    attached.append(name)
                    count += self.conn.execute(
                        f"INSERT OR REPLACE INTO matters ({columns}) SELECT {columns} FROM {name}.matters").rowcount
                # in the order of matter_units' primary key, so its index grows at one end
                union = " UNION ALL ".join(f"SELECT unit, matter, role FROM {name}.matter_units" for name in attached)
                if union:
                    self.conn.execute(f"INSERT INTO matter_units (unit, matter, role) {union} ORDER BY unit, matter")
                ocols = ", ".join(OBLIGATION_COLUMNS)
                for name in attached:
                    self.conn.execute(f"INSERT INTO obligations ({ocols}) SELECT {ocols} FROM {name}.obligations")
                return count

            yield load
            for _index_name, sql in indexes:
                self.conn.execute(sql)
        for name in attached:
            self.conn.execute(f"DETACH DATABASE {name}")

    def _flush(self, matters: list[tuple], units: list[tuple], obligations: list[tuple]) -> int:
        n = len(matters)
        self.conn.executemany(_INSERT_MATTER, matters)
        self.conn.executemany("INSERT INTO matter_units (unit, matter, role) VALUES (?, ?, ?)", units)
        self.conn.executemany(_INSERT_OBLIGATION, obligations)
        matters.clear()
        units.clear()
        obligations.clear()
        return n

    # --- reading -----------------------------------------------------------------------------------

    def events(self, matter: str | None = None, upto: date | None = None) -> list[Event]:
        sql = f"SELECT {_EVENT_COLUMNS} FROM events"
        where, args = [], []
        if matter is not None:
            where.append("matter = ?")
            args.append(matter)
        if upto is not None:
            where.append("on_date <= ?")
            args.append(upto.isoformat())
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_event(r) for r in self.conn.execute(sql + " ORDER BY seq", args)]

    def count_events(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def last_seq(self, matter: str) -> int:
        row = self.conn.execute("SELECT max(seq) FROM events WHERE matter = ?", (matter,)).fetchone()
        return row[0] or 0

    def matters(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM matters ORDER BY id")]

    def max_number(self, prefix: str) -> int:
        """The highest n of matter ids ``prefix + n`` in the log."""
        row = self.conn.execute(
            "SELECT max(CAST(substr(matter, ?) AS INTEGER)) FROM events WHERE matter >= ? AND matter < ?",
            (len(prefix) + 1, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
        ).fetchone()
        return row[0] or 0

    def last_event_date(self) -> date | None:
        row = self.conn.execute("SELECT max(last_on) FROM matters").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def matter_rows(self, *, unit: str | None = None, kind: str | None = None, registered_upto: str | None = None,
                    ids: Sequence[str] | None = None) -> list[tuple]:
        """Rows of ``matters`` (``MATTER_COLUMNS`` order), filtered; ordered by id."""
        cols = ", ".join(f"m.{c}" for c in MATTER_COLUMNS)
        sql = f"SELECT {cols} FROM matters m"
        where, args = [], []
        if unit is not None:
            sql += " JOIN matter_units u ON u.matter = m.id AND u.unit = ?"
            args.append(unit)
        if kind is not None:
            where.append("m.kind = ?")
            args.append(kind)
        if registered_upto is not None:
            where.append("m.registered <= ?")
            args.append(registered_upto)
        if ids is not None:
            where.append(f"m.id IN ({', '.join('?' * len(ids))})")
            args.extend(ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.conn.execute(sql + " ORDER BY m.id", args).fetchall()

    def histories(self, lo: str | None = None, hi: str | None = None, *, bulk: bool = False) -> Iterator[list[Event]]:
        """Each matter's events in order (matters ordered by id; ``lo`` <= id < ``hi``), read along the
        (matter, seq) index. ``bulk`` (rebuild): events carry seq but not their hashes, and equal data
        texts share one dict, which the reader must not change."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM events"
        where, args = [], []
        if lo is not None:
            where.append("matter >= ?")
            args.append(lo)
        if hi is not None:
            where.append("matter < ?")
            args.append(hi)
        if where:
            sql += " WHERE " + " AND ".join(where)
        cursor = self.conn.execute(sql + " ORDER BY matter, seq", args)
        current: list[Event] = []
        fromiso, loads = date.fromisoformat, json.loads
        shared: dict[str, dict] = {}
        days: dict[str, date] = {}
        while True:
            chunk = cursor.fetchmany(10000)
            if not chunk:
                break
            for matter, action, on, actor, data, seq, recorded_at, prev_hash, hash_ in chunk:
                if current and current[0].matter != matter:
                    yield current
                    current = []
                if bulk:
                    parsed = shared.get(data)
                    if parsed is None:
                        parsed = loads(data)
                        if len(shared) < 100_000:
                            shared[data] = parsed
                    day = days.get(on)
                    if day is None:
                        day = days[on] = fromiso(on)
                    current.append(Event(matter, action, day, actor, parsed, seq))
                else:
                    current.append(Event(matter, action, fromiso(on), actor, loads(data), seq, recorded_at,
                                         prev_hash, hash_))
        if current:
            yield current

    def split_points(self, parts: int) -> list[str]:
        """Matter ids that cut the log into ``parts`` ranges of about equal size (a sample)."""
        if parts <= 1:
            return []
        total = self.conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        step = max(1, total // 2000)
        sample = sorted(r[0] for r in self.conn.execute("SELECT matter FROM events WHERE seq % ? = 0", (step,)))
        if not sample:
            return []
        points = sorted({sample[len(sample) * i // parts] for i in range(1, parts)})
        return points

    # --- integrity ---------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        prev = GENESIS
        count = 0
        expected_seq = 0
        cursor = self.conn.execute(
            "SELECT seq, matter, action, on_date, actor, data, recorded_at, prev_hash, hash FROM events ORDER BY seq")
        while True:
            chunk = cursor.fetchmany(10000)
            if not chunk:
                break
            for seq, matter, action, on, actor, data, recorded_at, prev_hash, digest in chunk:
                count += 1
                expected_seq += 1
                if seq != expected_seq:
                    return VerifyReport(False, count, prev, seq, f"缺少第 {expected_seq} 个事件（其后是第 {seq} 个）")
                if prev_hash != prev:
                    return VerifyReport(False, count, prev, seq, f"第 {seq} 个事件没有链接到第 {seq - 1} 个事件")
                if event_hash(seq, matter, action, on, actor, data, recorded_at, prev_hash) != digest:
                    return VerifyReport(False, count, prev, seq,
                                        f"第 {seq} 个事件（{matter} {action}）在记录之后被改动过")
                prev = digest
        head = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('head_seq', 'head_hash')").fetchall())
        if count and (head.get("head_seq") != str(expected_seq) or head.get("head_hash") != prev):
            return VerifyReport(False, count, prev, None,
                                f"日志止于第 {expected_seq} 个事件，但曾记录 {head.get('head_seq')} 个；"
                                "末尾的事件被删除了")
        if not count and head.get("head_seq") not in (None, "0"):
            return VerifyReport(False, 0, prev, None, f"日志为空，但曾记录 {head.get('head_seq')} 个事件")
        return VerifyReport(True, count, prev)

    def backup(self, dest: str | Path) -> Path:
        """A consistent copy of the database while it is in use (sqlite3 backup API)."""
        target = Path(dest)
        if target.exists():
            raise StoreError(f"{target}：文件已存在；请换一个新的文件名")
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(str(target))
        try:
            self.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        return target

    def close(self) -> None:
        self.conn.close()


def write_state_part(path: str | Path, rows: Iterable[MatterRows], batch: int = 20000) -> int:
    """Write folded rows ((matters row, unit rows, obligation rows) per matter) into a fresh part
    file, for ``SQLiteStore.states_replaced`` (a parallel rebuild's workers each write one)."""
    Path(path).unlink(missing_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"CREATE TABLE matters ({', '.join(MATTER_COLUMNS)})")
        conn.execute("CREATE TABLE matter_units (unit, matter, role)")
        conn.execute(f"CREATE TABLE obligations ({', '.join(OBLIGATION_COLUMNS)})")
        conn.execute("BEGIN")
        inserts = (f"INSERT INTO matters VALUES ({', '.join('?' * len(MATTER_COLUMNS))})",
                   "INSERT INTO matter_units VALUES (?, ?, ?)",
                   f"INSERT INTO obligations VALUES ({', '.join('?' * len(OBLIGATION_COLUMNS))})")
        count = 0
        buffers: tuple[list[tuple], list[tuple], list[tuple]] = ([], [], [])

        def flush() -> None:
            for sql, buffer in zip(inserts, buffers, strict=True):
                conn.executemany(sql, buffer)
                buffer.clear()

        for row, unit_list, obligation_list in rows:
            buffers[0].append(row)
            buffers[1].extend(unit_list)
            buffers[2].extend(obligation_list)
            count += 1
            if len(buffers[0]) >= batch:
                flush()
        flush()
        conn.execute("COMMIT")
        return count
    finally:
        conn.close()
