"""The SQLite implementation of ``EventStore``: one file per deployment.

WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` per command, so that concurrent CLI processes
queue for the write lock instead of losing events; everything a command writes is in one
transaction, rolled back if anything fails. The schema is migrated in order on open
(``PRAGMA user_version``); a database newer than the code is refused.

Files: a database is created only when asked (``create``, i.e. ``ducha init``), built under a
temporary name and linked into place, so a half-made or empty file is never at the database's
path; an empty file is not a database and is never written to. A file that cannot be written
(permissions, a read-only directory or file system) is opened read-only (``mode=ro``): reads
work, writes are refused saying why. Backups are written under a temporary name, checked and
only then renamed; ``restore`` checks a backup before it replaces anything and keeps the old
database as ``*.bak``.

With a key file (``key_file``), ``append`` checks the MAC of the head it extends and MACs the new
head; ``verify`` checks the chain, the append-only triggers, the heads an office kept (``--head``)
and the MAC (see ``ducha_core.store``).
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from ducha_core.events import CREATE_ACTIONS, Event
from ducha_core.store import (
    GENESIS,
    LINE_COLUMNS,
    MATTER_COLUMNS,
    OBLIGATION_COLUMNS,
    MatterRows,
    StoreError,
    VerifyReport,
    dumps_data,
    event_hash,
    head_mac,
    key_id,
    read_key,
)
from ducha_core.store.schema import (
    MIGRATIONS,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
    UNKNOWN_TOPIC,
    V1,
    fill_title_keys,
    run_sql,
    secret_registrations,
    title_key_rows,
)

BUSY_TIMEOUT = 10.0
_INSERT_EVENT = ("INSERT INTO events (seq, matter, action, on_date, actor, data, recorded_at, prev_hash, hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_MATTER = f"INSERT OR REPLACE INTO matters ({', '.join(MATTER_COLUMNS)}) VALUES ({', '.join('?' * len(MATTER_COLUMNS))})"
#: a written row's length in ``matters``; what ``Ledger.derived_rows`` appends goes to ``matter_lines``
_N_MATTER = len(MATTER_COLUMNS)
_INSERT_LINE = (f"INSERT OR REPLACE INTO matter_lines (matter, {', '.join(LINE_COLUMNS)})"
                f" VALUES ({', '.join('?' * (len(LINE_COLUMNS) + 1))})")
_INSERT_OBLIGATION = (f"INSERT INTO obligations ({', '.join(OBLIGATION_COLUMNS)})"
                      f" VALUES ({', '.join('?' * len(OBLIGATION_COLUMNS))})")
_EVENT_COLUMNS = "matter, action, on_date, actor, data, seq, recorded_at, prev_hash, hash"
#: the append-only triggers of the event log: name -> their SQL as created (blanks collapsed)
_TRIGGERS = {m.group(1): " ".join(m.group(0).split())
             for m in re.finditer(r"CREATE TRIGGER (\w+)\b.*?\bEND", V1, re.S)}
#: where ``meta`` keeps the MAC of the head, the fingerprint of the key, and how many events the
#: log had when the key was first used
_MAC, _KEY_ID, _KEY_SINCE = "head_mac", "key_id", "key_since"
#: where ``meta`` keeps the matter-id counters (``max_number``): per prefix ending in "-" (``DC-2025-``)
#: the highest number following it in the log's matter ids (key ``id_counter:DC-2025-``), and the seq
#: of the last event counted (events recorded past it, e.g. written outside ``append``, are counted on
#: the next ``max_number``)
_COUNTER, _COUNTED = "id_counter:", "id_counted_seq"
_ID_NUMBER = re.compile(r"-(?=([0-9]+))")
_MAX_INT = 2**63 - 1


def _squeeze(text: object) -> str | None:
    """The SQL function ``squeeze(text)``: the text with every blank taken out (``"".join(text.split())``)."""
    return None if text is None else "".join(str(text).split())


def id_numbers(matters: Iterable[str]) -> dict[str, int]:
    """The highest number following each prefix ending in "-" of the matter ids, as the old scan
    read it (``CAST(substr(id, len(prefix) + 1) AS INTEGER)``: the leading digits):
    ``DC-2025-0007`` counts 7 for ``DC-2025-`` and 2025 for ``DC-``."""
    out: dict[str, int] = {}
    for mid in matters:
        for match in _ID_NUMBER.finditer(mid):
            prefix, number = mid[:match.end()], min(int(match.group(1)), _MAX_INT)
            if number > out.get(prefix, -1):
                out[prefix] = number
    return out


def _event(row: tuple) -> Event:
    matter, action, on, actor, data, seq, recorded_at, prev_hash, hash_ = row
    return Event(matter, action, _stored_date(on), actor, _stored_data(data), seq, recorded_at, prev_hash, hash_)


_CORRUPT_ROW = "事件日志中有一条记录已损坏（{what}）；请运行 ducha verify 查看，并从备份恢复数据库"


def _stored_date(text: str) -> date:
    """An event's date as stored; a row changed outside ducha is a StoreError, not a traceback."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise StoreError(_CORRUPT_ROW.format(what=f"日期 {text!r} 不是 YYYY-MM-DD")) from None


def _stored_data(text: str) -> dict:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise StoreError(_CORRUPT_ROW.format(what="内容不是 JSON")) from None


def _bulk_histories(chunks: Iterable[list[tuple]]) -> Iterator[list[Event]]:
    """Each matter's events from rows (matter, action, day, actor, data, seq) in (matter, seq) order,
    as a bulk reader takes them (``SQLiteStore.histories(bulk=True)``): no hashes; one string object
    for each id, action and actor and one date for each day (a province's log repeats them millions
    of times); equal data texts share one dict (the first 100,000), which the reader must not change."""
    current: list[Event] = []
    matter_id = None
    shared: dict[str, dict] = {}
    days: dict[str, date] = {}
    names: dict[str, str] = {}
    shared_get, days_get, name = shared.get, days.get, names.setdefault
    for chunk in chunks:
        for matter, action, on, actor, data, seq in chunk:
            if matter != matter_id:
                if current:
                    yield current
                current, matter_id = [], matter
            parsed = shared_get(data)
            if parsed is None:
                parsed = _stored_data(data)
                if len(shared) < 100_000:
                    shared[data] = parsed
            day = days_get(on)
            if day is None:
                day = days[on] = _stored_date(on)
            current.append(Event(matter_id, name(action, action), day, name(actor, actor), parsed, seq))
    if current:
        yield current


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# --- the database file ---------------------------------------------------------------------------


class BrokenDatabase(StoreError):
    """The file is not a usable ducha database (empty, not SQLite, damaged, tables missing):
    only restoring a backup helps. Other ``StoreError``s (locked, read-only, disk full …) are not."""


#: SQLite's primary result codes for the troubles of a database file
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _AUTH, _NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 23, 26
_CONTACT = "请检查 ducha.toml 中 database = 的路径，以及文件和所在目录的权限"


def missing_message(path: Path) -> str:
    return (f"{path}：数据库不存在；新部署请运行 ducha init --jurisdiction ID 创建"
            f"（已有 ducha.toml 时只创建数据库），否则请检查 ducha.toml 中 database = 的路径，或用 ducha restore 从备份恢复")


def file_trouble(path: Path, exc: BaseException) -> StoreError:
    """An error of the database file itself as one Chinese line saying what is actually wrong:
    damaged (restore a backup), permission, read-only, disk full, locked, I/O."""
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc)
    low = text.lower()
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        number = exc.errno
        code = {errno.EACCES: _PERM, errno.EPERM: _PERM, errno.EROFS: _READONLY, errno.ENOSPC: _FULL,
                errno.EDQUOT: _FULL, errno.EIO: _IOERR}.get(number, _CANTOPEN)
        text = exc.strerror or text
    elif code is None:  # no result code: SQLite's words
        words = {"readonly": _READONLY, "disk is full": _FULL, "locked": _BUSY, "unable to open": _CANTOPEN,
                 "not a database": _NOTADB, "malformed": _CORRUPT, "disk i/o": _IOERR}
        code = next((v for k, v in words.items() if k in low), _NOTADB if isinstance(exc, sqlite3.DatabaseError) else None)
    code = (code or 0) & 0xFF
    if code == _IOERR and disk_full(path, exc):
        code = _FULL
    if code == _FULL:
        return StoreError(f"{path}：磁盘已满（{text}）；请腾出空间后重试")
    if code == _READONLY:
        return StoreError(f"{path}：数据库只读（{text}）；请检查文件、所在目录和文件系统是否可写")
    if code in (_PERM, _AUTH):
        return StoreError(f"{path}：没有权限（{text}）；请检查文件和所在目录的权限")
    if code in (_BUSY, _LOCKED):
        return StoreError(f"{path}：数据库正被其他程序占用（{text}）；请稍后再试")
    if code == _CANTOPEN:
        return StoreError(f"{path}：无法打开数据库文件（{text}）；{_CONTACT}")
    if code == _IOERR:
        return StoreError(f"{path}：读写磁盘出错（{text}）；请检查磁盘是否已满、是否可写，然后重试")
    return BrokenDatabase(f"{path}：不是可用的 ducha 数据库（{text}）；请从备份恢复")


def disk_full(path: Path, exc: BaseException) -> bool:
    """``exc`` (SQLite's disk-full or I/O error) came from a full disk: the file system holding
    ``path`` has (almost) no space left."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if isinstance(exc, OSError):
        code = _FULL if exc.errno in (errno.ENOSPC, errno.EDQUOT) else _IOERR
    if code not in (_FULL, _IOERR):
        return False
    for place in (path, path.parent):
        try:
            info = os.statvfs(place)
        except (OSError, AttributeError):
            continue
        return code == _FULL or info.f_bavail * info.f_frsize < 256 * 1024
    return code == _FULL


def readonly_reason(path: Path) -> str | None:
    """Why the database at ``path`` cannot be written (None: it can): a read-only file system, no
    write permission on the file, or on its folder (where SQLite keeps its -wal and -shm files)."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "所在文件系统只读"
    except (OSError, AttributeError):  # pragma: no cover - no statvfs (Windows)
        pass
    if os.path.lexists(path) and not os.access(path, os.W_OK):
        return "数据库文件没有写权限"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "所在目录没有写权限"
    return None


def _advice(reason: str) -> str:
    """What to do about a database that cannot be written (``readonly_reason``)."""
    if reason == "磁盘已满":
        return "请腾出磁盘空间后重试"
    return "请检查文件、所在目录和文件系统的写权限"


def _stat(path: Path) -> os.stat_result | None:
    """The file's status; None when there is none. Raises StoreError (no permission to look)."""
    try:
        return path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise file_trouble(path, exc) from None


def check_file(path: Path) -> None:
    """Refuse what is at ``path`` before SQLite touches it: a folder, an empty file (SQLite would
    take it for a new database and write a schema into it), a file that cannot be read."""
    info = _stat(path)
    if info is None:
        raise StoreError(missing_message(path))
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path}：是一个目录，不是 ducha 数据库；请检查 ducha.toml 中 database = 的路径")
    if info.st_size == 0:
        raise BrokenDatabase(f"{path}：不是 ducha 数据库（空文件，0 字节）；请检查 ducha.toml 中 database = 的路径，"
                             "或用 ducha restore 从备份恢复")
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}：没有读权限，无法打开数据库；请检查文件的权限")


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder cannot be opened (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - a file system without fsync on folders
        pass
    finally:
        os.close(fd)


def _place(tmp: Path, final: Path) -> None:
    """Give the finished file ``tmp`` its name ``final``, never replacing a file already there
    (raises FileExistsError); then flush the folder."""
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network or FAT file systems)
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, "File exists", str(final)) from None
        os.replace(tmp, final)
    else:
        tmp.unlink()
    _sync(final.parent)


def _temp_name(final: Path, what: str) -> Path:
    """A hidden temporary name next to ``final`` (same folder: renaming it is atomic), naming this
    process; the temporary files of killed processes for the same name are removed first."""
    prefix = f".{final.name}."
    if os.name == "posix" and final.parent.is_dir():
        for old in final.parent.iterdir():
            pid = old.name[len(prefix):].split("-", 1)[0]
            if old.name.startswith(prefix) and old.name.endswith(f".{what}") and pid.isdigit() and not _alive(int(pid)):
                _unlink_db(old)
    return final.with_name(f"{prefix}{os.getpid()}-{uuid.uuid4().hex[:8]}.{what}")


def _alive(pid: int) -> bool:
    """Process ``pid`` still runs (POSIX)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's
        return True
    return True


def _unlink_db(path: Path) -> None:
    for name in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            name.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - left for the user; never hides the real error
            pass


def _wal_pending(path: Path) -> bool:
    """The database's -wal file holds frames not yet copied into the database file."""
    info = _stat(Path(f"{path}-wal"))
    return info is not None and info.st_size > 0


def check_copy(path: Path, *, chain: bool = True) -> tuple[int, int, str]:
    """Check a database file (a backup, a copy): SQLite's quick check, the schema version and
    tables, and (``chain``) the hash chain (``SQLiteStore.verify``). Returns (schema version,
    number of events, the last event's hash); raises StoreError (BrokenDatabase) saying what is wrong."""
    store = SQLiteStore(path, create=False, readonly=True, migrate=False)
    try:
        conn = store.conn
        problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise BrokenDatabase(f"{path}：数据库已损坏（{'；'.join(problems[:3])}）")
        if store.user_version() > SCHEMA_VERSION:
            raise StoreError(f"{path}：数据库结构版本 {store.user_version()} 比本 ducha 支持的版本"
                             f"（{SCHEMA_VERSION}）新；请升级 ducha")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in ("events", "meta") if t not in names]
        if missing:
            raise BrokenDatabase(f"{path}：缺少数据表 {', '.join(missing)}，不是完整的 ducha 数据库")
        if not chain:
            row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            return store.user_version(), row[0] if row else 0, row[1] if row else GENESIS
        report = store.verify()
        if not report.ok:
            raise BrokenDatabase(f"{path}：事件日志未通过校验（{report.message}）")
        return store.user_version(), report.events, report.head
    except sqlite3.Error as exc:
        raise file_trouble(path, exc) from None
    finally:
        store.close()


class SQLiteStore:
    """An ``EventStore`` in one SQLite file."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = BUSY_TIMEOUT,
                 synchronous: str = "FULL", readonly: bool = False, migrate: bool = True,
                 key_file: str | Path | None = None):
        """Open the database at ``path``. A missing file is created (with the current schema) only
        with ``create``; otherwise, and for an empty or damaged file, StoreError. A file that cannot
        be written is opened read-only (``readonly`` forces it): ``self.readonly`` says why, and any
        write is refused. ``migrate=False`` (checking a copy) leaves an older schema as it is.
        ``key_file``: the deployment's key, read on the first append or verify (not by readers)."""
        self.path = Path(path)
        self.key_file = Path(key_file) if key_file else None
        self._key: bytes | None = None
        self.readonly: str | None = None  # why the database is open read-only; None: read-write
        self._in_tx = False
        if _stat(self.path) is None:
            if not create:
                raise StoreError(missing_message(self.path))
            self._create()
        check_file(self.path)
        self.readonly = "以只读方式打开" if readonly else readonly_reason(self.path)
        self.conn = self._connect(timeout)
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if self.readonly is None:
                try:
                    mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                except sqlite3.OperationalError as exc:
                    if not disk_full(self.path, exc):
                        raise
                    # a full disk: SQLite cannot make its -shm file; reading still works
                    self.conn.close()
                    self.readonly = "磁盘已满"
                    self.conn = self._connect(timeout)
                    mode = "wal"
                if migrate and not 0 < self.user_version() <= SCHEMA_VERSION:
                    self._migrate()  # refuses (not ours, or newer) before anything is written
                if mode.lower() != "wal":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                if self.readonly is None:
                    self.conn.execute(f"PRAGMA synchronous = {synchronous}")
            if migrate:
                self._migrate()
                self._check_tables()
        except sqlite3.Error as exc:
            self.conn.close()
            raise file_trouble(self.path, exc) from None
        except StoreError:
            self.conn.close()
            raise

    def _connect(self, timeout: float) -> sqlite3.Connection:
        """A connection to the existing file (never creating one): read-write, or read-only
        (``mode=ro``; ``immutable=1`` when no one is writing it, or in a read-only folder where
        SQLite cannot make its -shm file and the -wal holds nothing pending)."""
        uri = self.path.resolve().as_uri()

        def connect(query: str) -> sqlite3.Connection:
            conn = sqlite3.connect(f"{uri}?{query}", uri=True, timeout=timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.create_function("squeeze", 1, _squeeze, deterministic=True)
            return conn

        try:
            if self.readonly is None:
                return connect("mode=rw")
            if not any(os.path.lexists(f"{self.path}{s}") for s in ("-wal", "-journal")):
                # no one is writing it (a writer keeps a -wal or -journal): read the file as it is,
                # leaving no -wal and -shm behind next to it (a backup, a read-only copy)
                return connect("mode=ro&immutable=1")
            conn = connect("mode=ro")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError as exc:
                conn.close()
                if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in (_READONLY, _CANTOPEN, _IOERR):
                    raise
                if _wal_pending(self.path):
                    raise StoreError(f"{self.path}：{self.readonly}，而 {self.path.name}-wal 中有尚未并入数据库的记录，"
                                     "只读时无法读取；请在可写时运行一次 ducha verify，或把数据库连同 -wal 文件"
                                     "复制到可写的目录后查看") from None
            return connect("mode=ro&immutable=1")
        except sqlite3.Error as exc:
            raise file_trouble(self.path, exc) from None

    def _create(self) -> None:
        """Create the database with the current schema: built under a temporary name, then linked
        into place, so that no half-made or empty file is ever at ``self.path``. Another process
        that created it meanwhile wins; its file is used."""
        tmp = _temp_name(self.path, "new")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                for number, step in enumerate(MIGRATIONS, start=1):
                    if isinstance(step, str):
                        run_sql(conn, step)
                    else:
                        step(conn)
                    conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            finally:
                conn.close()
            _sync(tmp)
            _place(tmp, self.path)
        except FileExistsError:
            pass
        except (sqlite3.Error, OSError) as exc:
            raise file_trouble(self.path, exc) from None
        finally:
            _unlink_db(tmp)

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
        if version == 0:  # every ducha database has a version; this file was made by something else
            raise BrokenDatabase(f"{self.path}：不是 ducha 数据库（SQLite 文件，但没有 ducha 的数据结构）；"
                                 "请检查 ducha.toml 中 database = 的路径，或用 ducha restore 从备份恢复")
        if self.readonly is not None:
            raise StoreError(f"{self.path}：数据库结构版本 {version} 须升级到 {SCHEMA_VERSION}，但{self.readonly}；"
                             "请在可写时运行一次 ducha verify 完成升级")
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
            raise BrokenDatabase(
                f"{self.path}：缺少数据表 {', '.join(missing)}，数据库已损坏；请从备份恢复"
            )

    # --- transactions ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one."""
        if self._in_tx:
            yield
            return
        if self.readonly is not None:
            raise StoreError(f"{self.path}：{self.readonly}，只能查看，不能记录；{_advice(self.readonly)}（本次未记录任何内容）")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise file_trouble(self.path, exc) from None  # busy past the timeout, read-only, disk full …
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
            key = self._check_seal(seq, prev)
            since = seq
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
            if self.get_meta(_COUNTED) == str(since):  # the counters were up to date: count these ids too
                self._put_counters(id_numbers({event.matter for event in events}), seq)
            self._set_head(seq, prev)
            if key is not None:
                self._seal(key, seq, prev, since if self.get_meta(_KEY_SINCE) is None else None)
            if states:
                self.put_rows(states)
        return stored

    def _set_head(self, seq: int, digest: str) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              [("head_seq", str(seq)), ("head_hash", digest)])

    # --- the key: the MAC of the head --------------------------------------------------------------

    def key(self) -> bytes | None:
        """The deployment's key (None without a key file); StoreError if it cannot be read."""
        if self.key_file is not None and self._key is None:
            self._key = read_key(self.key_file)
        return self._key

    def _check_seal(self, seq: int, prev: str) -> bytes | None:
        """Before an append (inside its transaction): the head it extends must carry the MAC of this
        deployment's key; a keyed log is not extended without the key, nor one with unsealed events
        before ``verify --seal``. Returns the key (None: none configured)."""
        mac = self.get_meta(_MAC)
        key = self.key()
        if key is None:
            if mac is not None:
                raise StoreError("本数据库已启用密钥签记，但本部署未配置密钥文件；请在 ducha.toml 中写明 key_file"
                                 "；本次未记录任何内容")
            return None
        if mac is None:
            if seq:
                raise StoreError(f"已配置密钥文件，但日志现有的 {seq} 个事件尚未签记；请先核对日志并签记："
                                 "ducha verify --seal（最好同时用 --head 给出所保存的末端）；本次未记录任何内容")
            return key
        if self.get_meta(_KEY_ID) != key_id(key):
            raise StoreError("密钥文件与签记本数据库所用的不同；请检查 ducha.toml 的 key_file"
                             "（确需换用新密钥的，先核对日志再运行 ducha verify --seal）；本次未记录任何内容")
        import hmac  # here, not at start-up: a command that only reads loads no OpenSSL

        if not hmac.compare_digest(mac, head_mac(key, seq, prev)):
            raise StoreError("日志末端的密钥签记不符：事件日志在 ducha 之外被改动过；请运行 ducha verify，"
                             "必要时从备份恢复；本次未记录任何内容")
        return key

    def _seal(self, key: bytes, seq: int, digest: str, since: int | None) -> None:
        """MAC the head (inside the caller's transaction); ``since``: record that the events up to
        it were recorded before this key (None: keep what is recorded)."""
        rows = [(_MAC, head_mac(key, seq, digest)), (_KEY_ID, key_id(key))]
        if since is not None:
            rows.append((_KEY_SINCE, str(since)))
        self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", rows)

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
            self.conn.executemany(_INSERT_MATTER, [row[:_N_MATTER] for row, _u, _o in rows])
            self._put_title_keys([row for row, _u, _o in rows])
            self.conn.executemany("DELETE FROM matter_lines WHERE matter = ?", ids)
            self._put_lines([row for row, _u, _o in rows])
            self.conn.executemany("DELETE FROM matter_units WHERE matter = ?", ids)
            self.conn.executemany("INSERT INTO matter_units (unit, matter, role) VALUES (?, ?, ?)",
                                  [r for _m, units, _o in rows for r in units])
            self.conn.executemany("DELETE FROM obligations WHERE matter = ?", ids)
            self.conn.executemany(_INSERT_OBLIGATION, [r for _m, _u, obs in rows for r in obs])

    def _put_title_keys(self, matters: Sequence[tuple]) -> None:
        """The ``title_keys`` rows of some ``matters`` rows, written with them."""
        title, summary = MATTER_COLUMNS.index("title"), MATTER_COLUMNS.index("state_json")
        self.conn.executemany("INSERT OR REPLACE INTO title_keys (matter, title, topic) VALUES (?, ?, ?)",
                              title_key_rows((r[0], r[title], r[summary]) for r in matters))

    def _put_lines(self, matters: Sequence[tuple]) -> None:
        """The ``matter_lines`` rows of some written rows (those that carry their line), written with them."""
        self.conn.executemany(_INSERT_LINE, [(r[0], *r[_N_MATTER:]) for r in matters if len(r) > _N_MATTER])

    def replace_states(self, rows: Iterable[MatterRows], batch: int = 20000) -> int:
        """Replace the whole read model with ``rows`` ((matters row, unit rows, obligation rows) per
        matter), in one transaction and in bulk (rebuild)."""
        count = 0
        with self.transaction():
            for table in ("matters", "matter_units", "obligations", "title_keys", "matter_lines"):
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
            for table in ("matters", "matter_units", "obligations", "matter_lines"):
                self.conn.execute(f"DELETE FROM {table}")

            def load(parts: Sequence[Path]) -> int:
                columns = ", ".join(MATTER_COLUMNS)
                lines = ", ".join(("matter", *LINE_COLUMNS))
                count = 0
                for part in parts:
                    name = f"part{len(attached)}"
                    self.conn.execute(f"ATTACH DATABASE ? AS {name}", (str(part),))
                    attached.append(name)
                    count += self.conn.execute(
                        f"INSERT OR REPLACE INTO matters ({columns}) SELECT {columns} FROM {name}.matters").rowcount
                    self.conn.execute(f"INSERT OR REPLACE INTO matter_lines ({lines}) SELECT {lines} FROM {name}.matter_lines")
                # in the order of matter_units' primary key, so its index grows at one end
                union = " UNION ALL ".join(f"SELECT unit, matter, role FROM {name}.matter_units" for name in attached)
                if union:
                    self.conn.execute(f"INSERT INTO matter_units (unit, matter, role) {union} ORDER BY unit, matter")
                ocols = ", ".join(OBLIGATION_COLUMNS)
                for name in attached:
                    self.conn.execute(f"INSERT INTO obligations ({ocols}) SELECT {ocols} FROM {name}.obligations")
                return count

            yield load
            fill_title_keys(self.conn)
            for _index_name, sql in indexes:
                self.conn.execute(sql)
        for name in attached:
            self.conn.execute(f"DETACH DATABASE {name}")

    def _flush(self, matters: list[tuple], units: list[tuple], obligations: list[tuple]) -> int:
        n = len(matters)
        self.conn.executemany(_INSERT_MATTER, [row[:_N_MATTER] for row in matters])
        self._put_title_keys(matters)
        self._put_lines(matters)
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
        """The highest n of matter ids ``prefix + n`` in the log (0: none). For a prefix ending in
        "-" (``DC-2025-``), read from a counter kept in ``meta`` (``append`` updates it in its
        transaction; events it has not counted yet are counted first), not from a scan of the year."""
        if prefix.endswith("-"):
            counters = self._count_ids()
            if prefix in counters:
                return counters[prefix]
            value = self.get_meta(_COUNTER + prefix)
            return int(value) if value is not None else 0
        row = self.conn.execute(
            "SELECT max(CAST(substr(matter, ?) AS INTEGER)) FROM events WHERE matter >= ? AND matter < ?",
            (len(prefix) + 1, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
        ).fetchone()
        return row[0] or 0

    def _count_ids(self) -> dict[str, int]:
        """Count the matter ids of the events past the last one counted (all of them in a database
        from before the counters). Inside the caller's write transaction, writes the counters and
        returns {}; otherwise (a read, a plan) writes nothing and returns what it found (prefix ->
        the highest number, the stored counters included)."""
        done_text = self.get_meta(_COUNTED)
        done = int(done_text) if done_text and done_text.isdigit() else 0
        head = self.conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
        if head <= done and done_text is not None:
            return {}
        if done:  # the events past it, along the seq
            ids: Iterable[str] = {r[0] for r in self.conn.execute("SELECT matter FROM events WHERE seq > ?", (done,))}
        else:  # every matter, along the (matter, seq) index
            ids = [r[0] for r in self.conn.execute("SELECT DISTINCT matter FROM events")]
        found = id_numbers(ids)
        if not self._in_tx:
            for prefix in list(found):
                stored = self.get_meta(_COUNTER + prefix)
                found[prefix] = max(found[prefix], int(stored) if stored is not None else 0)
            return found
        self._put_counters(found, head)
        return {}

    def _put_counters(self, found: dict[str, int], seq: int) -> None:
        """Raise the counters to ``found`` (prefix -> number) and note ``seq`` as counted (inside the
        caller's transaction)."""
        self.conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
            [(_COUNTER + prefix, str(number)) for prefix, number in found.items()])
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_COUNTED, str(seq)))

    def recount_ids(self) -> None:
        """Count every matter id of the log afresh (``rebuild``): the counters are derived from the log."""
        with self.transaction():
            self.conn.execute("DELETE FROM meta WHERE key >= ? AND key < ?", (_COUNTER, _COUNTER[:-1] + ";"))
            self.conn.execute("DELETE FROM meta WHERE key = ?", (_COUNTED,))
            self._count_ids()

    def last_event_date(self) -> date | None:
        row = self.conn.execute("SELECT max(last_on) FROM matters").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def matter_rows(self, *, unit: str | None = None, kind: str | None = None, registered_upto: str | None = None,
                    ids: Sequence[str] | None = None, created: bool = False) -> list[tuple]:
        """Rows of ``matters`` (``MATTER_COLUMNS`` order), filtered; ordered by id. ``created``: one
        more column, from the log: NULL if the log has no event of the matter, 0 if its first event's
        data has no key ``confidential``, else not 0 (``created_data`` then reads that data)."""
        if ids is not None and len(ids) > 500:  # 500 at a time (SQLite's limit on parameters)
            wanted = sorted(set(ids))
            return [row for start in range(0, len(wanted), 500)
                    for row in self.matter_rows(unit=unit, kind=kind, registered_upto=registered_upto,
                                                ids=wanted[start:start + 500], created=created)]
        cols = ", ".join(f"m.{c}" for c in MATTER_COLUMNS)
        if created:
            cols += (", (SELECT instr(e.data, '\"confidential\"') FROM events e WHERE e.matter = m.id"
                     " ORDER BY e.seq LIMIT 1)")
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

    def created_data(self, matter: str) -> str | None:
        """The data text of a matter's first event in the log (None: the log has none)."""
        row = self.conn.execute("SELECT data FROM events WHERE matter = ? ORDER BY seq LIMIT 1", (matter,)).fetchone()
        return row[0] if row else None

    def log_matters(self) -> list[str]:
        """The ids of the matters the event log has events of, in order."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT matter FROM events ORDER BY matter")]

    def stored_rows(self, ids: Sequence[str]) -> dict[str, MatterRows]:
        """The read model's rows of some matters: id -> (matters row, unit rows, obligation rows)
        (for comparing with a fresh fold); a matter without a ``matters`` row is left out."""
        out: dict[str, MatterRows] = {}
        for start in range(0, len(ids), 500):
            batch = list(ids[start:start + 500])
            marks = ", ".join("?" * len(batch))
            lines = {r[0]: r[1:] for r in self.conn.execute(
                f"SELECT matter, {', '.join(LINE_COLUMNS)} FROM matter_lines WHERE matter IN ({marks})", batch)}
            for row in self.matter_rows(ids=batch):
                out[row[0]] = (row + lines.get(row[0], ()), [], [])
            for unit, matter, role in self.conn.execute(
                    f"SELECT unit, matter, role FROM matter_units WHERE matter IN ({marks})", batch):
                if matter in out:
                    out[matter][1].append((unit, matter, role))
            for row in self.conn.execute(
                    f"SELECT {', '.join(OBLIGATION_COLUMNS)} FROM obligations WHERE matter IN ({marks})", batch):
                if row[0] in out:
                    out[row[0]][2].append(row)
        return out

    def histories(self, lo: str | None = None, hi: str | None = None, *, bulk: bool = False,
                  ids: Sequence[str] | None = None) -> Iterator[list[Event]]:
        """Each matter's events in order (matters ordered by id; ``lo`` <= id < ``hi``; with ``ids``,
        only those matters), read along the (matter, seq) index. ``bulk`` (rebuild): events carry seq
        but not their hashes, and equal data texts share one dict, which the reader must not change."""
        # the bulk reader reads no hashes
        sql = f"SELECT {'matter, action, on_date, actor, data, seq' if bulk else _EVENT_COLUMNS} FROM events"
        where, args = [], []
        if lo is not None:
            where.append("matter >= ?")
            args.append(lo)
        if hi is not None:
            where.append("matter < ?")
            args.append(hi)

        def chunks() -> Iterator[list[tuple]]:
            if ids is not None:  # a few matters: 500 at a time, in id order
                wanted = sorted(set(ids))
                for start in range(0, len(wanted), 500):
                    batch = wanted[start:start + 500]
                    clause = " AND ".join([*where, f"matter IN ({', '.join('?' * len(batch))})"])
                    yield self.conn.execute(f"{sql} WHERE {clause} ORDER BY matter, seq", [*args, *batch]).fetchall()
                return
            cursor = self.conn.execute(sql + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY matter, seq",
                                       args)
            while True:
                chunk = cursor.fetchmany(10000)
                if not chunk:
                    return
                yield chunk

        if bulk:
            yield from _bulk_histories(chunks())
            return
        current: list[Event] = []
        for chunk in chunks():
            for matter, action, on, actor, data, seq, recorded_at, prev_hash, hash_ in chunk:
                if current and current[0].matter != matter:
                    yield current
                    current = []
                current.append(Event(matter, action, _stored_date(on), actor, _stored_data(data), seq, recorded_at,
                                     prev_hash, hash_))
        if current:
            yield current

    def registered_ids(self, start: str, end: str, *, kind: str | None = None, title: str | None = None,
                       topic: str | None = None) -> list[str]:
        """The matters registered ``start`` .. ``end`` (ISO days), in id order, along the
        ``registered`` index; with ``kind``, of that kind; with ``title``, whose title is ``title``
        once blanks are taken out (``"".join(text.split())``); with ``topic``, whose topic (the
        summary's, else the title) is ``topic`` so. A summary that is not JSON: not filtered by topic."""
        if title is not None or topic is not None:  # along the index of title keys (schema v7)
            sql = ("SELECT m.id FROM title_keys k JOIN matters m ON m.id = k.matter"
                   " WHERE m.registered >= :start AND m.registered <= :end")
            args: dict[str, Any] = {"start": start, "end": end}
            if title is not None:
                sql += " AND k.title = :title"
                args["title"] = title
            if topic is not None:
                sql += " AND (k.topic = :topic OR k.topic = :unknown)"
                args.update(topic=topic, unknown=UNKNOWN_TOPIC)
        else:
            sql = "SELECT id FROM matters m WHERE registered >= :start AND registered <= :end"
            args = {"start": start, "end": end}
        if kind is not None:
            sql += " AND m.kind = :kind"
            args["kind"] = kind
        return [r[0] for r in self.conn.execute(sql + " ORDER BY m.id", args)]

    def count_steps(self, action: str, start: str, end: str, before: tuple[str, int] | None = None) -> int:
        """How many ``action`` events the log has dated ``start`` .. ``end`` (ISO days), and with
        ``before`` (day, seq) ordered before that event (by day, then seq); along the (action, day) index."""
        sql = "SELECT count(*) FROM events WHERE action = ? AND on_date >= ? AND on_date <= ?"
        args: list = [action, start, end]
        if before is not None:
            sql += " AND (on_date < ? OR (on_date = ? AND seq < ?))"
            args += [before[0], before[0], before[1]]
        return self.conn.execute(sql, args).fetchone()[0]

    def at_head(self) -> bool:
        """The read model has seen the log's last event (its matter's row was derived from it): rows
        written in the same transactions as the events, not a log written around them."""
        head = self.conn.execute("SELECT seq, matter FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        if head is None:
            return True
        row = self.conn.execute("SELECT last_seq FROM matters WHERE id = ?", (head[1],)).fetchone()
        return row is not None and row[0] == head[0]

    def matters_to_fold(self, *, as_of: str, day: str, overdue: Sequence[tuple[Sequence[str], bool, str | None]],
                        ended: Sequence[str], first_lead: bool) -> list[str]:
        """The matters of the read model that consequences as of ``as_of`` (judged on ``day``) can be
        found in (``escalation.FoldSelection``), in id order: those changed after ``as_of`` (their
        rows describe a later day); those whose summary holds marks; for each ``overdue`` scan (the
        obligation kinds, open matters only — not in a state of ``ended`` —, the first last day or
        None), those with such an obligation owed by a unit, whose last day is before ``day`` and
        that was not met on time by then; with ``first_lead``, each unit's first matter it leads."""
        found: set[str] = set()
        conn = self.conn
        found.update(r[0] for r in conn.execute("SELECT id FROM matters WHERE last_on > ?", (as_of,)))
        found.update(r[0] for r in conn.execute("SELECT id FROM matters WHERE instr(state_json, '\"marks\":') > 0"))
        # the states of the read model's matters that have not ended (along the state index)
        closed = set(ended)
        open_states = [r[0] for r in conn.execute("SELECT DISTINCT state FROM matters") if r[0] not in closed]
        for what, open_only, due_from in dict.fromkeys((tuple(w), o, d) for w, o, d in overdue):  # each scan once
            owed = (f"o.what IN ({', '.join('?' * len(what))}) AND o.due < ? AND o.owed_by != 'office'"
                    " AND NOT (o.met_on IS NOT NULL AND o.met_on <= ? AND o.late_by = 0)")
            args: list = [*what, day, day]
            if due_from is not None:
                owed += " AND o.due >= ?"
                args.append(due_from)
            if open_only:  # from the matters not ended, then their obligations (a few of all)
                if not open_states:
                    continue
                sql = (f"SELECT DISTINCT o.matter FROM matters m JOIN obligations o ON o.matter = m.id"
                       f" WHERE m.state IN ({', '.join('?' * len(open_states))}) AND {owed}")
                args = [*open_states, *args]
            else:
                sql = f"SELECT DISTINCT o.matter FROM obligations o WHERE {owed}"
            found.update(r[0] for r in conn.execute(sql, args))
        if first_lead:
            found.update(r[0] for r in conn.execute(
                "SELECT min(u.matter) FROM matter_units u JOIN matters m ON m.id = u.matter"
                " WHERE u.role = 'lead' AND m.last_on <= ? GROUP BY u.unit", (as_of,)))
        return sorted(found)

    def marked_matters(self) -> list[str]:
        """The matters whose summary holds marks (``Ledger._marks``), in id order."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM matters WHERE instr(state_json, '\"marks\":') > 0 ORDER BY id")]

    def first_leads(self, units: Sequence[str], as_of: str) -> list[str]:
        """For each of ``units``, the first matter (by id) it leads, of those not changed after ``as_of``."""
        return [r[0] for r in self.conn.execute(
            "SELECT min(u.matter) FROM matter_units u JOIN matters m ON m.id = u.matter"
            f" WHERE u.role = 'lead' AND u.unit IN ({', '.join('?' * len(units))}) AND m.last_on <= ? GROUP BY u.unit",
            [*units, as_of])] if units else []

    def changed_after(self, as_of: str) -> list[str]:
        """The matters whose last event is after ``as_of`` (their rows describe a later day)."""
        return [r[0] for r in self.conn.execute("SELECT id FROM matters WHERE last_on > ? ORDER BY id", (as_of,))]

    def led_by(self, unit: str, as_of: str) -> Iterator[str]:
        """The matters ``unit`` leads, of those not changed after ``as_of``, in the order documents list
        matters (registration day, then id): read one at a time, for a caller that stops at the first
        it keeps."""
        for row in self.conn.execute(
                "SELECT u.matter FROM matter_units u JOIN matters m ON m.id = u.matter"
                " WHERE u.unit = ? AND u.role = 'lead' AND m.last_on <= ? ORDER BY m.registered, m.id", (unit, as_of)):
            yield row[0]

    def _has_index(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is not None

    def secret_in_log_sql(self, column: str) -> str:
        """SQL: whether the matter ``column`` names is confidential as the log says (its first event
        mentions it: > 0; not: 0). Where the log has one registration (立项, a matter's first event) for
        each row of the read model, those registered confidential are found in one look along the
        action index; else each matter's first event is read (NULL: the log has no event of it)."""
        creates = ", ".join(f"'{a}'" for a in sorted(CREATE_ACTIONS))
        counted = self.conn.execute(f"SELECT count(*) FROM events WHERE action IN ({creates})").fetchone()[0]
        if counted == self.conn.execute("SELECT count(*) FROM matters").fetchone()[0]:
            # along the partial index of those registrations (v8), not through every registration
            indexed = " INDEXED BY events_confidential" if self._has_index("events_confidential") else ""
            return f"{column} IN (SELECT matter FROM events{indexed} WHERE {secret_registrations()})"
        return (f"(SELECT instr(e.data, '\"confidential\"') FROM events e WHERE e.matter = {column}"
                " ORDER BY e.seq LIMIT 1)")

    def period_matters(self, *, start: str, as_of: str, ended: Sequence[str], running: Sequence[str]) -> list[tuple]:
        """The matters registered by ``as_of``, in no order: (id, registered, lead units,
        grade, quiet, count); then the quiet matters with no grade, grouped by their lead units, one row a
        group, with no id (None), the earliest registration day and how many they are (``count``; 1 on
        every other row): a period reads nothing else of them. ``quiet``: finished before ``start`` as far
        as the read model and the log say —
        nothing since (its last event before ``start``), done (in a state of ``ended``, or its result
        submitted; not in one of ``running``, where the clock runs), closed or submitted before
        ``start``, nothing owed (every obligation met, ended or superseded), not withdrawn, not
        confidential (in the read model, nor in the log's first event) — a period from ``start`` on
        reads nothing of it but its lead units and its grade. None where the summary cannot be read."""
        def listed(values: Sequence[str]) -> str:
            return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"

        quiet = (f"m.last_on < :start AND m.state != 'withdrawn' AND m.state NOT IN ({listed(running)})"
                 f" AND (m.state IN ({listed(ended)}) OR m.submitted IS NOT NULL)"
                 " AND coalesce(m.closed, m.submitted) < :start AND m.confidential = 0"
                 " AND NOT EXISTS (SELECT 1 FROM obligations o WHERE o.matter = m.id AND o.met_on IS NULL"
                 " AND o.ended_on IS NULL AND o.superseded_on IS NULL)")
        quiet += f" AND ({self.secret_in_log_sql('m.id')}) = 0"  # none in the log: not quiet
        # the grade read from the summaries that hold one (most say "grade":null); quiet with no grade:
        # counted in SQL by lead units (its id None); in no order. Used twice, the table q is made once
        # (SQLite 3.35 and later)
        grade = ("CASE WHEN instr(m.state_json, '\"grade\":null') THEN NULL"
                 " ELSE json_extract(m.state_json, '$.grade') END")
        counted = "q.quiet AND (q.grade IS NULL OR q.grade IN ('', 0))"
        try:
            return self.conn.execute(
                f"WITH q AS (SELECT m.id AS id, m.registered AS registered, m.lead_units AS lead,"
                f" {grade} AS grade, coalesce({quiet}, 0) AS quiet FROM matters m WHERE m.registered <= :as_of)"
                f" SELECT id, registered, lead, grade, quiet, 1 FROM q WHERE NOT ({counted})"
                f" UNION ALL SELECT NULL, min(registered), lead, NULL, 1, count(*) FROM q WHERE {counted} GROUP BY lead",
                {"start": start, "as_of": as_of}).fetchall()
        except sqlite3.OperationalError:  # a summary written outside ducha
            return None

    def matters_with(self, actions: Sequence[str], upto: str) -> list[str]:
        """The matters with an event of one of ``actions`` dated up to ``upto`` (ISO), in id order,
        along the (action, day) index."""
        if not actions:
            return []
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT matter FROM events WHERE action IN ({', '.join('?' * len(actions))}) AND on_date <= ?"
            " ORDER BY matter", [*actions, upto])]

    # --- the register of issued 文号 (documents that are not a matter's step) -----------------------

    def issued_numbers(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(kind, subject) -> (year, n) of every document number issued (``document_numbers``)."""
        return {(kind, subject): (year, n) for kind, subject, year, n in
                self.conn.execute("SELECT kind, subject, year, n FROM document_numbers")}

    def issue_number(self, kind: str, subject: str, year: int, on: str) -> tuple[int, int]:
        """The number of the document (``kind``, ``subject``): the one it was issued with, else the next
        n of ``kind`` in ``year`` (one more than the highest issued: a number is never given twice),
        registered now (``on``: the day of issue, ISO)."""
        with self.transaction():
            row = self.conn.execute("SELECT year, n FROM document_numbers WHERE kind = ? AND subject = ?",
                                    (kind, subject)).fetchone()
            if row is not None:
                return row[0], row[1]
            n = self.conn.execute("SELECT coalesce(max(n), 0) + 1 FROM document_numbers WHERE kind = ? AND year = ?",
                                  (kind, year)).fetchone()[0]
            self.conn.execute("INSERT INTO document_numbers (kind, subject, year, n, issued_on) VALUES (?, ?, ?, ?, ?)",
                              (kind, subject, year, n, on))
            return year, n

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

    def verify(self, heads: Sequence[tuple[int, str]] = (), *, seal: bool = False) -> VerifyReport:
        """Check the log: every event's hash and link, the head kept in ``meta``, the append-only
        triggers; every head in ``heads`` ((seq, hash or a prefix of it of 16+ hex digits), as an
        office kept it from an earlier ``verify``) still in the log; with a key file, the MAC of
        the head. ``seal`` (the key file just configured, or a new key): MAC the head if all else
        holds (in one transaction with the check). Reads only, without ``seal``."""
        if seal:
            if self.key_file is None:
                raise StoreError("--seal 须先在 ducha.toml 中配置 key_file（密钥文件）")
            with self.transaction():  # the write lock from the check to the seal
                return self._verify(heads, seal=True)
        return self._verify(heads, seal=False)

    def _verify(self, heads: Sequence[tuple[int, str]], *, seal: bool) -> VerifyReport:
        wanted = {seq for seq, _digest in heads}
        found = {0: GENESIS}  # seq -> hash, of the seqs in ``heads``
        problems: list[str] = []
        notes: list[str] = []
        bad_seq: int | None = None
        prev = GENESIS
        count = 0
        cursor = self.conn.execute(
            "SELECT seq, matter, action, on_date, actor, data, recorded_at, prev_hash, hash FROM events ORDER BY seq")
        try:
            while bad_seq is None:
                chunk = cursor.fetchmany(10000)
                if not chunk:
                    break
                for seq, matter, action, on, actor, data, recorded_at, prev_hash, digest in chunk:
                    count += 1
                    if seq != count:
                        problems.append(f"缺少第 {count} 个事件（其后是第 {seq} 个）")
                    elif prev_hash != prev:
                        problems.append(f"第 {seq} 个事件没有链接到第 {seq - 1} 个事件")
                    elif event_hash(seq, matter, action, on, actor, data, recorded_at, prev_hash) != digest:
                        problems.append(f"第 {seq} 个事件（{matter} {action}）在记录之后被改动过")
                    if problems:
                        bad_seq = seq
                        break
                    if seq in wanted:
                        found[seq] = digest
                    prev = digest
        except (TypeError, ValueError):  # a value of a type ducha never writes
            bad_seq = count
            problems.append(f"第 {count} 个事件的内容无法读取（类型不对）：数据库在 ducha 之外被改动过")
        if bad_seq is None:
            self._check_head(count, prev, problems)
            anchors = self._check_anchors(heads, found, count, problems)
        else:
            anchors = []
        self._check_triggers(problems)
        key_state, since = "none", None
        if bad_seq is None:
            key_state, since = self._check_key(count, prev, problems, notes, seal)
        elif self.key_file is not None:
            key_state = "unchecked"
        elif self.get_meta(_MAC) is not None:
            notes.append("本数据库启用了密钥签记，本次未配置密钥文件，签记未核对")
        return VerifyReport(not problems, count, prev, bad_seq, problems[0] if problems else "", tuple(problems),
                            tuple(notes), tuple(anchors), key_state, since)

    def _check_head(self, count: int, prev: str, problems: list[str]) -> None:
        """The head kept in ``meta`` (a deleted tail is found by it, unless it was changed too)."""
        head = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('head_seq', 'head_hash')").fetchall())
        if count and not head:
            problems.append(f"日志有 {count} 个事件，但数据库中记下的末端被删除了")
        elif count and (head.get("head_seq") != str(count) or head.get("head_hash") != prev):
            problems.append(f"日志止于第 {count} 个事件，但曾记录 {head.get('head_seq')} 个；末尾的事件被删除了")
        if not count and head.get("head_seq") not in (None, "0"):
            problems.append(f"日志为空，但曾记录 {head.get('head_seq')} 个事件")

    @staticmethod
    def _check_anchors(heads: Sequence[tuple[int, str]], found: dict[int, str], count: int,
                       problems: list[str]) -> list[str]:
        """Every head kept outside the file must still be in the log: the same hash at its seq."""
        anchors = []
        for seq, digest in heads:
            shown = f"{seq}:{digest[:16]}…"
            if seq > count:
                problems.append(f"所记末端 {shown} 已不在日志中：日志只有 {count} 个事件，"
                                "末尾的事件被删除了，或数据库被换成了较早的备份")
            elif not found.get(seq, "").startswith(digest):
                problems.append(f"第 {seq} 个事件与所记末端 {shown} 不符：该处及之前的事件被改写过"
                                "（哈希链被重算），或数据库被换成了另一份")
            else:
                anchors.append(f"{seq}:{found[seq]}")
        return anchors

    def _check_triggers(self, problems: list[str]) -> None:
        """The append-only triggers of the event log, as ducha created them."""
        present = {name: " ".join((sql or "").split()) for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")}
        for name, sql in _TRIGGERS.items():
            if present.get(name) != sql:
                what = "删除" if name not in present else "改动"
                problems.append(f"事件日志的只读保护（触发器 {name}）被{what}了：有人在 ducha 之外改动过数据库")

    def _check_key(self, count: int, prev: str, problems: list[str], notes: list[str],
                   seal: bool) -> tuple[str, int | None]:
        """The MAC of the head, with the key file (and with ``seal``, MAC it if it has none or
        another key's). Returns the key state ("none", "ok", "sealed", "bad") and ``key_since``."""
        mac, kid = self.get_meta(_MAC), self.get_meta(_KEY_ID)
        since_text = self.get_meta(_KEY_SINCE)
        since = int(since_text) if since_text and since_text.isdigit() else None
        key = self.key()
        if key is None:
            if mac is not None:
                notes.append("本数据库启用了密钥签记，本次未配置密钥文件，签记未核对")
            return "none", since
        if mac is not None and kid == key_id(key):
            import hmac

            if not hmac.compare_digest(mac, head_mac(key, count, prev)):
                problems.append("日志末端的密钥签记不符：事件日志在 ducha 之外被改写过（没有密钥无法重新签记），"
                                "或数据库被换成了另一份")
                return "bad", since
            if since:
                notes.append(f"前 {since} 个事件记录于启用密钥之前：其启用前若被改写，签记无法发现，须靠所记末端核对")
            return "ok", since
        if not count and mac is None:
            return "ok", since  # nothing recorded yet: the first event is sealed as it is recorded
        if not seal:
            problems.append(
                "已配置密钥文件，但日志没有密钥签记：若密钥是新配置的，请核对后运行 ducha verify --seal"
                "（最好同时 --head 所保存的末端）；否则签记被人删除了" if mac is None else
                "密钥文件与签记本日志所用的不同：请检查 ducha.toml 的 key_file"
                "（确需换用新密钥的，核对后运行 ducha verify --seal）")
            return "bad", since
        if problems:
            return "bad", since
        self._seal(key, count, prev, count)
        notes.append(f"已用密钥签记末端；前 {count} 个事件按签记时的样子受保护，签记前若被改写无法发现" if count else
                     "已用密钥签记")
        return "sealed", count

    def backup(self, dest: str | Path) -> Path:
        """A consistent copy of the database while it is in use (sqlite3 backup API), written under
        a temporary name next to ``dest``, checked (SQLite's quick check, the tables, its last event
        the same as this database's) and only then given its name: an interrupted or failed backup
        leaves nothing at ``dest``. Never replaces an existing file."""
        target = Path(dest)
        if os.path.lexists(target):
            raise StoreError(f"{target}：文件已存在；请换一个新的文件名")
        if not target.parent.is_dir():  # a typed path is not a reason to create folders
            raise StoreError(f"{target.parent}：目录不存在；请先建好目录，或换一个已有目录中的文件名")
        tmp = _temp_name(target, "part")
        try:
            copy = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            _, events, head = check_copy(tmp, chain=False)
            row = self.conn.execute("SELECT hash FROM events WHERE seq = ?", (events,)).fetchone()
            if events and (row is None or row[0] != head):
                raise StoreError(f"{tmp}：与数据库不一致（第 {events} 个事件不同）")
            _sync(tmp)
            _place(tmp, target)
        except FileExistsError:
            raise StoreError(f"{target}：文件已存在；请换一个新的文件名") from None
        except (StoreError, sqlite3.Error, OSError) as exc:
            raise _failed(target, "备份未完成，未写入备份文件", exc, tmp) from None
        finally:
            _unlink_db(tmp)
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
        conn.execute(f"CREATE TABLE matter_lines ({', '.join(('matter', *LINE_COLUMNS))})")
        conn.execute("CREATE TABLE matter_units (unit, matter, role)")
        conn.execute(f"CREATE TABLE obligations ({', '.join(OBLIGATION_COLUMNS)})")
        conn.execute("BEGIN")
        inserts = (f"INSERT INTO matters VALUES ({', '.join('?' * len(MATTER_COLUMNS))})",
                   "INSERT INTO matter_units VALUES (?, ?, ?)",
                   f"INSERT INTO obligations VALUES ({', '.join('?' * len(OBLIGATION_COLUMNS))})",
                   f"INSERT INTO matter_lines VALUES ({', '.join('?' * (len(LINE_COLUMNS) + 1))})")
        count = 0
        buffers: tuple[list[tuple], ...] = ([], [], [], [])

        def flush() -> None:
            for sql, buffer in zip(inserts, buffers, strict=True):
                conn.executemany(sql, buffer)
                buffer.clear()

        for row, unit_list, obligation_list in rows:
            buffers[0].append(row[:_N_MATTER])
            buffers[1].extend(unit_list)
            buffers[2].extend(obligation_list)
            if len(row) > _N_MATTER:
                buffers[3].append((row[0], *row[_N_MATTER:]))
            count += 1
            if len(buffers[0]) >= batch:
                flush()
        flush()
        conn.execute("COMMIT")
        return count
    finally:
        conn.close()


# --- restoring a backup --------------------------------------------------------------------------


class Restored(NamedTuple):
    """What ``restore`` did: the database now holds the backup's ``events`` events; the old file
    (``old_events`` events, None if it was not a usable database) is kept at ``kept``."""

    database: Path
    events: int
    kept: Path | None
    old_events: int | None


def _split(text: str) -> tuple[str, str]:
    """A message ``what is wrong；what to do`` in its two parts (the first ``；`` outside brackets)."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"（": 1, "）": -1}.get(char, 0)
        if char == "；" and depth == 0:
            return text[:i], text[i + 1:]
    return text, ""


def _failed(target: Path, outcome: str, exc: BaseException, tmp: Path) -> StoreError:
    """``target：outcome（what went wrong）；what to do``, from a StoreError or an OS or SQLite
    error, naming the temporary file ``tmp`` only as such."""
    trouble = exc if isinstance(exc, StoreError) else file_trouble(target, exc)
    text = str(trouble).replace(f"{tmp}：", "").replace(str(tmp), "临时文件").removeprefix(f"{target}：")
    what, advice = _split(text)
    return StoreError(f"{target}：{outcome}（{what}）；{advice or '请重试'}")


def _kept_name(database: Path) -> Path:
    """Where the old database is kept: ``<name>.<YYYYmmdd-HHMMSS>.bak`` (numbered if taken)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = database.with_name(f"{database.name}.{stamp}.bak")
    n = 1
    while os.path.lexists(candidate):
        n += 1
        candidate = database.with_name(f"{database.name}.{stamp}-{n}.bak")
    return candidate


def restore(backup: str | Path, database: str | Path) -> Restored:
    """Replace the database with a backup. The backup is checked first (SQLite's quick check, the
    tables, the hash chain) and copied next to the database (brought to this version's schema);
    a broken backup, like any failure before the last step, changes nothing. A usable database is
    kept as a checked copy ``*.bak`` and then overwritten through SQLite (one transaction: a
    process using it meanwhile sees the old or the new ledger, never a mix); an unusable one
    (empty, damaged) is moved aside to ``*.bak`` as it is."""
    source, target = Path(backup), Path(database)
    if _stat(source) is None:
        raise StoreError(f"{source}：备份文件不存在；请检查路径（未作任何改动）")
    if _stat(target) is not None and os.path.samefile(source, target):
        raise StoreError(f"{source}：这是数据库本身，不是备份；请指定备份文件（未作任何改动）")
    try:
        check_copy(source)
    except StoreError as exc:
        raise StoreError(f"{source}：不是可用的备份（{_split(str(exc).removeprefix(f'{source}：'))[0]}）；"
                         "数据库未作任何改动") from None
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"{folder}：目录不存在；请检查 ducha.toml 中 database = 的路径（未作任何改动）")
    reason = readonly_reason(target)
    if reason is not None:
        raise StoreError(f"{target}：{reason}，不能恢复；{_advice(reason)}（未作任何改动）")
    tmp = _temp_name(target, "restore")
    try:
        src = SQLiteStore(source, create=False, readonly=True, migrate=False)
        try:
            copy = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                src.conn.backup(copy)
            finally:
                copy.close()
        finally:
            src.close()
        fresh = SQLiteStore(tmp, create=False)  # this version's schema, WAL, the tables
        try:
            events = fresh.count_events()
            head = fresh._head()
        finally:
            fresh.close()
        live = None
        if _stat(target) is not None:
            try:
                live = SQLiteStore(target, create=False)
            except BrokenDatabase:
                live = None  # nobody can use it: moved aside as it is
        if live is not None:
            try:
                return _restore_into(live, tmp, events, head)
            finally:
                live.close()
        return _restore_by_rename(tmp, target, events)
    except (StoreError, sqlite3.Error, OSError) as exc:
        raise _failed(target, "恢复未完成，数据库未作改动", exc, tmp) from None
    finally:
        _unlink_db(tmp)


def _restore_into(live: SQLiteStore, tmp: Path, events: int, head: tuple[int, str]) -> Restored:
    """Keep a checked copy of the live database, then copy ``tmp`` into it with SQLite's backup
    API (one write transaction on the live database)."""
    old_events = live.count_events()
    kept = live.backup(_kept_name(live.path))
    source = sqlite3.connect(f"{tmp.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        sizes = {conn.execute("PRAGMA page_size").fetchone()[0] for conn in (source, live.conn)}
        if len(sizes) > 1:
            raise StoreError(f"备份的页大小与数据库不同（{'、'.join(map(str, sorted(sizes)))}）；"
                             "请先停止使用数据库，删除（或移走）它后再运行 ducha restore")
        source.backup(live.conn)
    finally:
        source.close()
    if live._head() != head:  # pragma: no cover - SQLite's backup copies every page or none
        raise StoreError("恢复后的数据库与备份不一致")
    return Restored(live.path, events, kept, old_events)


def _restore_by_rename(tmp: Path, target: Path, events: int) -> Restored:
    """Move an unusable database (and its -wal) aside to ``*.bak`` and put ``tmp`` in its place."""
    kept = None
    moved: list[tuple[Path, Path]] = []
    try:
        if _stat(target) is not None:
            kept = _kept_name(target)
            for suffix in ("", "-wal", "-journal"):
                old = Path(f"{target}{suffix}")
                if os.path.lexists(old):
                    os.rename(old, Path(f"{kept}{suffix}"))
                    moved.append((old, Path(f"{kept}{suffix}")))
            Path(f"{target}-shm").unlink(missing_ok=True)
        _sync(tmp)
        _place(tmp, target)
    except BaseException:
        for old, new in reversed(moved):  # put the old files back
            os.rename(new, old)
        raise
    return Restored(target, events, kept, None)
