"""The database file itself: only `init` creates one; an empty, missing or broken file is refused in
one Chinese line and never written to; backups go to a temporary name and are renamed once checked;
`restore` checks a backup before it replaces anything and keeps the old file; a killed rebuild's
part files are removed; read commands work on a database that cannot be written."""

from __future__ import annotations

import errno
import hashlib
import multiprocessing as mp
import os
import re
import sqlite3
import stat
import subprocess
import sys
from contextlib import contextmanager
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from deployments import WEINAN_TWO_UNITS

from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.events import Event
from ducha_core.ledger import Ledger
from ducha_core.store import StoreError
from ducha_core.store import sqlite as store_sqlite
from ducha_core.store.schema import SCHEMA_VERSION
from ducha_core.store.sqlite import BrokenDatabase, SQLiteStore, check_copy, file_trouble

CONFIG = WEINAN_TWO_UNITS

CJK = re.compile(r"[\u4e00-\u9fff]")
READS = (("ledger", "--as-of", "2025-10-20"), ("verify",), ("show", "DC-2025-0001"), ("due", "--as-of", "2025-12-01"),
         ("obligations", "--as-of", "2025-10-20"))
REGISTER = ("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A deployment folder with ducha.toml but no database yet; ``site.run(*args, ok=…)``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()

    class Site:
        root = tmp_path
        db = tmp_path / "ducha.sqlite3"

        @staticmethod
        def run(*args, ok=True):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert (result.exit_code == 0) == ok, result.output
            if not ok:
                assert "Traceback" not in result.output
                lines = [line for line in result.output.splitlines() if line.strip()]
                assert len(lines) == 1 and lines[0].startswith("错误：") and CJK.search(lines[0][3:]), result.output
            return result.output

    return Site


def _ready(site, matters: int = 1) -> None:
    """`ducha init` creates the database ducha.toml names; then some matters are recorded."""
    assert "已按其 database = 创建空数据库" in site.run("init", "-j", "weinan_gaoxin")
    for n in range(matters):
        mid = site.run(*REGISTER[:-1], f"事项{n}").split()[0]
        site.run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> dict[str, str]:
    """Every file of the folder with its content's digest (a refused command changes none)."""
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _events(path: Path) -> int:
    return check_copy(path)[1]


# --- creating: only `init` -------------------------------------------------------------------------


def test_init_writes_the_config_and_creates_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()
    out = runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).output
    assert "已写入 ducha.toml，已创建空数据库" in out
    assert check_copy(tmp_path / "ducha.sqlite3")[1] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ducha.sqlite3", "ducha.toml"]  # no temporary file left
    out = runner.invoke(main, ["ledger", "--as-of", "2025-10-01"]).output
    assert "共 0 件" in out


def test_missing_database_is_not_created_by_any_command(site):
    for args in (*READS, REGISTER, ("rebuild",), ("backup", "copy.sqlite3")):
        out = site.run(*args, ok=False)
        assert "ducha.sqlite3：数据库不存在；新部署请运行 ducha init" in out and "database =" in out
        assert sorted(p.name for p in site.root.iterdir()) == ["ducha.toml"], args
    with pytest.raises(StoreError, match="数据库不存在"):
        Ledger.open(load_config(site.root / "ducha.toml"), create=False)
    assert not site.db.exists()
    # an existing ducha.toml: `init` creates only the database (under its own jurisdiction)
    before = (site.root / "ducha.toml").read_bytes()
    site.run("init", "-j", "zhoucun", ok=False)
    assert not site.db.exists()
    _ready(site)
    assert (site.root / "ducha.toml").read_bytes() == before
    assert "ducha.toml：文件已存在；" in site.run("init", "-j", "weinan_gaoxin", ok=False)


def test_empty_file_is_not_a_database_and_is_never_written(site):
    site.db.touch()
    for args in (*READS, REGISTER, ("rebuild",), ("backup", "copy.sqlite3"), ("init", "-j", "weinan_gaoxin")):
        out = site.run(*args, ok=False)
        if args[0] != "init":
            assert "ducha.sqlite3：不是 ducha 数据库（空文件，0 字节）；" in out, args
    assert site.db.stat().st_size == 0
    assert sorted(p.name for p in site.root.iterdir()) == ["ducha.sqlite3", "ducha.toml"]  # no -wal, -shm, copy
    with pytest.raises(BrokenDatabase, match="空文件"):
        SQLiteStore(site.db)  # not even the library's create=True writes into it
    assert site.db.stat().st_size == 0


def test_a_sqlite_file_of_another_program_is_refused_unchanged(site):
    conn = sqlite3.connect(site.db)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    before = _listing(site.root)
    for args in (("verify",), ("ledger",), REGISTER):
        assert "不是 ducha 数据库（SQLite 文件，但没有 ducha 的数据结构）" in site.run(*args, ok=False)
    assert _listing(site.root) == before


# --- backup: a temporary name, checked, then renamed -------------------------------------------------


def test_backup_is_checked_and_renamed_and_refuses_an_existing_name(site):
    _ready(site, 2)
    out = site.run("backup", "copy.sqlite3")
    assert out.startswith("已备份到 copy.sqlite3（已检查；恢复：ducha restore copy.sqlite3）")
    assert _events(site.root / "copy.sqlite3") == 4
    assert not [p for p in site.root.iterdir() if p.name.startswith(".")]  # no temporary file left
    before = _listing(site.root)
    assert "copy.sqlite3：文件已存在；请换一个新的文件名" in site.run("backup", "copy.sqlite3", ok=False)
    assert _listing(site.root) == before


@pytest.mark.parametrize("failure", ["exception", "disk-full"])
def test_a_failed_backup_leaves_nothing_at_its_name(site, monkeypatch, failure):
    _ready(site)
    before = _listing(site.root)

    def broken(*_a, **_k):
        if failure == "exception":
            raise RuntimeError("interrupted")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_sqlite, "_sync", broken)  # after the copy is written, before the rename
    if failure == "exception":
        with Ledger.open(load_config(site.root / "ducha.toml")) as ledger, pytest.raises(RuntimeError):
            ledger.backup(site.root / "copy.sqlite3")
    else:
        assert "copy.sqlite3：备份未完成，未写入备份文件（磁盘已满" in site.run("backup", "copy.sqlite3", ok=False)
    assert not (site.root / "copy.sqlite3").exists()
    assert _listing(site.root) == before  # nor a temporary file


def _killed_backup(folder: str) -> None:
    def die(*_a, **_k):
        os._exit(9)  # as if killed: no ``finally`` runs

    store_sqlite.check_copy = die
    store = SQLiteStore(Path(folder) / "ducha.sqlite3", create=False)
    store.backup(Path(folder) / "copy.sqlite3")


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_killed_backup_never_leaves_a_file_at_its_name(site):
    _ready(site)
    proc = mp.get_context("fork").Process(target=_killed_backup, args=(str(site.root),))
    proc.start()
    proc.join(60)
    assert proc.exitcode == 9
    assert not (site.root / "copy.sqlite3").exists()  # only a hidden temporary file may remain
    assert "copy.sqlite3：备份文件不存在" in site.run("restore", "copy.sqlite3", ok=False)
    assert [p.name for p in site.root.glob(".copy.sqlite3.*.part")]
    site.run("backup", "copy.sqlite3")  # the next backup to the name removes the killed one's temporary file
    assert _events(site.root / "copy.sqlite3") == 2 and not list(site.root.glob(".copy.sqlite3.*"))


# --- restore: the backup is checked first; the old file is kept -------------------------------------


def _broken_backups(good: Path) -> dict[str, bytes]:
    data = good.read_bytes()
    conn = sqlite3.connect(good)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET data = replace(data, '事项0', '事项X') WHERE seq = 1")
    conn.commit()
    conn.close()
    tampered = good.read_bytes()
    good.write_bytes(data)
    return {"empty": b"", "garbage": b"not a database " * 500, "truncated": data[: len(data) // 2],
            "tampered": tampered}


@pytest.mark.parametrize("kind", ["empty", "garbage", "truncated", "tampered", "missing"])
def test_restore_refuses_a_broken_backup_and_changes_nothing(site, kind):
    _ready(site)
    site.run("backup", "good.sqlite3")
    site.run(*REGISTER)
    bad = site.root / "bad.sqlite3"
    if kind != "missing":
        bad.write_bytes(_broken_backups(site.root / "good.sqlite3")[kind])
    before = _listing(site.root)
    out = site.run("restore", "bad.sqlite3", ok=False)
    assert "bad.sqlite3：" in out and ("不是可用的备份" in out or kind == "missing")
    assert ("数据库未作任何改动" if kind != "missing" else "未作任何改动") in out
    assert _listing(site.root) == before  # no .bak, no temporary file, the database byte for byte


def test_restore_of_a_good_backup_keeps_the_old_database(site):
    _ready(site, 2)
    site.run("backup", "good.sqlite3")
    site.run(*REGISTER)
    assert "共 3 件" in site.run("ledger", "--as-of", "2025-10-20")
    out = site.run("restore", "good.sqlite3")
    assert "good.sqlite3 恢复" in out and "4 个事件，哈希链有效；原数据库（5 个事件）保存为" in out
    (kept,) = site.root.glob("ducha.sqlite3.*.bak")
    assert _events(kept) == 5 and _events(site.db) == 4
    assert "共 2 件" in site.run("ledger", "--as-of", "2025-10-20")
    assert "事件日志完整：4 个事件" in site.run("verify")
    site.run(*REGISTER)  # the restored database takes new records
    assert not [p for p in site.root.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("current", ["empty", "garbage", "missing"])
def test_restore_replaces_an_unusable_database(site, current):
    _ready(site)
    site.run("backup", "good.sqlite3")
    old = {"empty": b"", "garbage": b"garbage" * 1000}.get(current)
    site.db.unlink()
    if old is not None:
        site.db.write_bytes(old)
    out = site.run("restore", "good.sqlite3")
    assert "2 个事件，哈希链有效" in out
    kept = list(site.root.glob("ducha.sqlite3.*.bak"))
    if old is None:
        assert "原先没有数据库" in out and not kept
    else:
        assert "原文件不可用，已移至" in out and kept[0].read_bytes() == old
    assert "共 1 件" in site.run("ledger", "--as-of", "2025-10-20")


# --- rebuild: no part files left behind -------------------------------------------------------------


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.part"))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="parallel rebuild forks")
def test_an_interrupted_parallel_rebuild_leaves_no_part_files(site, monkeypatch):
    _ready(site, 6)
    before = _digest(site.db)
    seen = []

    @contextmanager
    def interrupted(_self):
        def load(parts):
            seen.extend(p.name for p in parts if p.exists())
            raise KeyboardInterrupt  # interrupted while copying the parts in

        yield load

    monkeypatch.setattr(SQLiteStore, "states_replaced", interrupted)
    with Ledger.open(load_config(site.root / "ducha.toml"), create=False) as ledger, pytest.raises(KeyboardInterrupt):
        ledger.rebuild(workers=2)
    assert seen and all(re.fullmatch(rf"ducha\.sqlite3\.rebuild-{os.getpid()}-\d\.part", n) for n in seen)
    assert _parts(site.root) == []
    assert _digest(site.db) == before or "事件日志完整" in site.run("verify")


def test_part_files_of_a_killed_rebuild_are_removed_on_the_next_opening(site):
    _ready(site, 2)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    for name in (f"ducha.sqlite3.rebuild-{dead}-0.part", "ducha.sqlite3.rebuild-1.part",  # killed; the old naming
                 f"ducha.sqlite3.rebuild-{os.getpid()}-0.part",  # a rebuild still running
                 "other.sqlite3.rebuild-1.part"):  # another database's
        (site.root / name).write_bytes(b"part")
    assert "重建 2 件" in site.run("rebuild")
    assert _parts(site.root) == sorted([f"ducha.sqlite3.rebuild-{os.getpid()}-0.part", "other.sqlite3.rebuild-1.part"])


# --- read-only: reads work, writes say what is wrong ------------------------------------------------


def _read_only_checks(site, reason: str) -> None:
    before = _listing(site.root)
    assert "共 1 件" in site.run("ledger", "--as-of", "2025-10-20")
    assert "事件日志完整：2 个事件" in site.run("verify")
    assert "事项0" in site.run("show", "DC-2025-0001")
    site.run("due", "--as-of", "2025-12-01")
    site.run("obligations", "--as-of", "2025-10-20")
    for args in (REGISTER, ("rebuild",)):
        out = site.run(*args, ok=False)
        assert f"ducha.sqlite3：{reason}，只能查看，不能记录；" in out and "请从备份恢复" not in out
    assert "不能恢复" in site.run("restore", site.backup, ok=False)
    assert _listing(site.root) == before  # nothing written, no -wal or -shm left


def test_read_commands_work_on_a_read_only_copy(site, tmp_path_factory, monkeypatch):
    _ready(site)
    site.backup = tmp_path_factory.mktemp("out") / "b.sqlite3"
    site.run("backup", site.backup)
    if os.geteuid() == 0:  # root writes through chmod: the same path, the file reported not writable
        real = os.access

        def access(path, mode, *a, **k):
            if mode & os.W_OK and Path(path).resolve() in (site.db.resolve(), site.root.resolve()):
                return False
            return real(path, mode, *a, **k)

        monkeypatch.setattr(os, "access", access)
        _read_only_checks(site, "数据库文件没有写权限")
        return
    site.db.chmod(0o444)
    site.root.chmod(0o555)
    try:
        _read_only_checks(site, "数据库文件没有写权限")
    finally:
        site.root.chmod(0o755)
        site.db.chmod(0o644)


def test_store_opened_read_only_reads_and_refuses_writes(site):
    _ready(site)
    before = _listing(site.root)
    store = SQLiteStore(site.db, create=False, readonly=True)
    try:
        assert store.readonly == "以只读方式打开" and store.count_events() == 2 and store.verify().ok
        with pytest.raises(StoreError, match="以只读方式打开，只能查看，不能记录；"):
            store.set_meta("x", "y")
    finally:
        store.close()
    assert _listing(site.root) == before


def test_a_read_only_database_needing_migration_says_so(site):
    _ready(site)
    conn = sqlite3.connect(site.db)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    before = _listing(site.root)
    with pytest.raises(StoreError, match=f"数据库结构版本 2 须升级到 {SCHEMA_VERSION}，但以只读方式打开；请在可写时运行一次 ducha verify"):
        SQLiteStore(site.db, create=False, readonly=True)
    assert _listing(site.root) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_no_read_permission_is_reported_as_such(site):
    _ready(site)
    site.db.chmod(0)
    try:
        out = site.run("ledger", ok=False)
        assert "ducha.sqlite3：没有读权限，无法打开数据库；请检查文件的权限" in out
    finally:
        site.db.chmod(stat.S_IRUSR | stat.S_IWUSR)


# --- what the message says ---------------------------------------------------------------------------


def _sqlite_error(text: str, code: int) -> sqlite3.Error:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize(("exc", "says", "broken"), [
    (_sqlite_error("database or disk is full", 13), "磁盘已满（database or disk is full）；请腾出空间后重试", False),
    (_sqlite_error("attempt to write a readonly database", 8), "数据库只读", False),
    (_sqlite_error("attempt to write a readonly database", 1544), "数据库只读", False),  # READONLY_DIRECTORY
    (_sqlite_error("access permission denied", 3), "没有权限", False),
    (_sqlite_error("database is locked", 5), "数据库正被其他程序占用", False),
    (_sqlite_error("unable to open database file", 14), "无法打开数据库文件", False),
    (OSError(errno.EACCES, "Permission denied"), "没有权限（Permission denied）", False),
    (OSError(errno.EROFS, "Read-only file system"), "数据库只读（Read-only file system）", False),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满", False),
    (sqlite3.DatabaseError("file is not a database"), "不是可用的 ducha 数据库（file is not a database）；请从备份恢复", True),
    (_sqlite_error("database disk image is malformed", 11), "不是可用的 ducha 数据库", True),
])
def test_file_troubles_say_what_is_wrong(tmp_path, exc, says, broken):
    trouble = file_trouble(tmp_path / "ducha.sqlite3", exc)
    text = str(trouble)
    assert text.startswith(f"{tmp_path / 'ducha.sqlite3'}：") and says in text and "\n" not in text
    assert isinstance(trouble, BrokenDatabase) == broken
    assert ("请从备份恢复" in text) == broken


def test_library_create_is_atomic_and_concurrent_creators_share_one_file(tmp_path):
    path = tmp_path / "sub" / "new.sqlite3"
    a = SQLiteStore(path)
    b = SQLiteStore(path)  # the file is there: opened, not made again
    a.append([Event("M1", "register", D(2025, 9, 29), "chen", {"kind": "instruction", "title": "x"})])
    assert b.count_events() == 1
    a.close()
    b.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["new.sqlite3"]
