"""The SQLite event store: append/read, hash chain, rebuild, migrations, corruption, concurrency, backup."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from datetime import date as D
from pathlib import Path

import pytest

from ducha_core.config import load_config
from ducha_core.events import Event
from ducha_core.ledger import Ledger
from ducha_core.store import GENESIS, StoreError, event_hash, open_store
from ducha_core.store.schema import MIGRATIONS, SCHEMA_VERSION, run_sql

CONFIG = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
[[unit]]
id = "czj"
name = "区财政局"
[[person]]
id = "chen"
roles = ["office"]
[[person]]
id = "zhang"
roles = ["unit"]
unit = "jyj"
[[person]]
id = "liu"
roles = ["unit"]
unit = "czj"
"""


def make_ledger(folder: Path) -> Ledger:
    path = folder / "ducha.toml"
    if not path.exists():
        path.write_text(CONFIG, encoding="utf-8")
    return Ledger.open(load_config(path))


def fill(ledger: Ledger, n: int = 3) -> list[str]:
    ids = []
    for i in range(n):
        s = ledger.record(None, "register", D(2025, 9, 29), "chen", {"kind": "instruction", "title": f"事项{i}"})
        ledger.record(s.id, "assign", D(2025, 9, 30), "chen", {"lead_units": ["jyj"], "co_units": ["czj"] if i else []})
        ledger.record(s.id, "accept", D(2025, 9, 30), "zhang", {"responsible_person": "zhang"})
        ids.append(s.id)
    return ids


def matters_table(ledger: Ledger) -> list[tuple]:
    return ledger.store.conn.execute("SELECT * FROM matters ORDER BY id").fetchall()


def test_append_and_read_back(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    events = store.append([Event("M1", "register", D(2025, 9, 29), "chen", {"kind": "instruction", "d": D(2025, 1, 2)}),
                           Event("M1", "assign", D(2025, 9, 30), "chen", {"lead_units": ("jyj",)})])
    assert [e.seq for e in events] == [1, 2]
    assert events[0].prev_hash == GENESIS and events[1].prev_hash == events[0].hash
    back = store.events("M1")
    assert back == events
    assert back[0].data == {"kind": "instruction", "d": "2025-01-02"}
    assert back[1].data == {"lead_units": ["jyj"]}
    assert store.events(upto=D(2025, 9, 29)) == events[:1]
    assert store.verify().ok and store.verify().events == 2
    store.close()


def test_hash_is_sha256_of_canonical_json_plus_prev(tmp_path):
    import hashlib

    digest = event_hash(1, "M1", "remind", "2025-10-09", "chen", '{"method":"电话"}', "t", GENESIS)
    canonical = ('{"action":"remind","actor":"chen","data":{"method":"电话"},"matter":"M1","on":"2025-10-09",'
                 '"recorded_at":"t","seq":1}')
    assert digest == hashlib.sha256((canonical + GENESIS).encode()).hexdigest()


def test_rebuild_gives_the_same_matters_table(tmp_path):
    ledger = make_ledger(tmp_path)
    fill(ledger, 5)
    before = matters_table(ledger)
    units_before = ledger.store.conn.execute("SELECT * FROM matter_units ORDER BY unit, matter").fetchall()
    ledger.store.conn.execute("DELETE FROM matters")
    assert ledger.rebuild(workers=1) == 5
    assert matters_table(ledger) == before
    assert ledger.rebuild(workers=2) == 5
    assert matters_table(ledger) == before
    assert ledger.store.conn.execute("SELECT * FROM matter_units ORDER BY unit, matter").fetchall() == units_before
    ledger.close()


def test_raw_edit_is_detected_by_verify(tmp_path):
    ledger = make_ledger(tmp_path)
    fill(ledger, 2)
    assert ledger.verify().ok
    raw = sqlite3.connect(ledger.config.database)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE events SET on_date = '2025-09-01' WHERE seq = 2")
    raw.execute("DROP TRIGGER events_no_update")
    raw.execute("UPDATE events SET data = replace(data, 'jyj', 'czj') WHERE seq = 2")
    raw.commit()
    raw.close()
    report = ledger.verify()
    assert not report.ok and report.bad_seq == 2
    assert "第 2 个事件（DC-2025-0001 assign）在记录之后被改动过" in report.message
    ledger.close()


def test_removed_tail_and_middle_are_detected(tmp_path):
    ledger = make_ledger(tmp_path)
    fill(ledger, 2)
    raw = sqlite3.connect(ledger.config.database)
    raw.execute("DROP TRIGGER events_no_delete")
    raw.execute("DELETE FROM events WHERE seq = 6")
    raw.commit()
    assert ledger.verify().message == "日志止于第 5 个事件，但曾记录 6 个；末尾的事件被删除了"
    raw.execute("DELETE FROM events WHERE seq = 3")
    raw.commit()
    raw.close()
    assert ledger.verify().message == "缺少第 3 个事件（其后是第 4 个）"
    ledger.close()


def test_fresh_database_has_current_schema(tmp_path):
    store = open_store(tmp_path / "s.sqlite3")
    assert store.user_version() == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_migration_from_version_1_fills_unit_index(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    run_sql(conn, MIGRATIONS[0])
    conn.execute("INSERT INTO matters VALUES ('M1','instruction','t','assigned','jyj','czj','','2025-10-14',"
                 "'result','n',NULL,NULL,0,'','2025-09-29','2025-09-30',2,'{}')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = open_store(path)
    assert store.user_version() == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.conn.execute("SELECT unit, matter, role FROM matter_units ORDER BY unit").fetchall() == [
        ("czj", "M1", "co"), ("jyj", "M1", "lead")]
    # v3: the obligations table, and the matter row's owing units and lateness (filled by the next rebuild)
    assert store.conn.execute("SELECT due_owed_by, late_days FROM matters").fetchall() == [("", 0)]
    assert store.conn.execute("SELECT count(*) FROM obligations").fetchone() == (0,)
    store.close()


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == (f"{path}：数据库结构版本 {SCHEMA_VERSION + 5} 比本 ducha 支持的版本"
                               f"（{SCHEMA_VERSION}）新；请升级 ducha")


def test_corrupted_database_one_line(tmp_path):
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value).startswith(f"{path}：不是可用的 ducha 数据库（") and "\n" not in str(info.value)
    assert str(info.value).endswith("）；请从备份恢复")
    assert path.read_bytes() == b"this is not a database at all" * 100


def test_missing_tables_one_line(tmp_path):
    path = tmp_path / "s.sqlite3"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE matters")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="缺少数据表 matters，数据库已损坏；请从备份恢复"):
        open_store(path)


def test_missing_database_without_create(tmp_path):
    with pytest.raises(StoreError, match=r"none\.sqlite3：数据库不存在；新部署请运行 ducha init"):
        open_store(tmp_path / "none.sqlite3", create=False)
    assert not (tmp_path / "none.sqlite3").exists()


def _writer(folder: str, who: str, n: int) -> None:
    ledger = make_ledger(Path(folder))
    for i in range(n):
        ledger.record(f"{who}-{i:04d}", "register", D(2025, 9, 29), "chen", {"kind": "instruction", "title": who})
    ledger.close()


def test_two_processes_lose_no_event(tmp_path):
    make_ledger(tmp_path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), who, 200)) for who in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    ledger = make_ledger(tmp_path)
    report = ledger.verify()
    assert report.ok and report.events == 400
    assert len(ledger.store.matters()) == 400
    ledger.close()


def test_backup_while_in_use(tmp_path):
    ledger = make_ledger(tmp_path)
    fill(ledger, 2)
    other = make_ledger(tmp_path)  # a second connection in use
    other.store.conn.execute("BEGIN")
    other.store.conn.execute("SELECT count(*) FROM events").fetchone()
    dest = ledger.backup(tmp_path / "copy.sqlite3")
    copy = open_store(dest, create=False)
    assert copy.verify().ok and copy.verify().events == 6
    assert copy.events() == ledger.events()
    copy.close()
    with pytest.raises(StoreError, match=r"copy\.sqlite3：文件已存在；请换一个新的文件名"):
        ledger.backup(dest)
    other.store.conn.execute("ROLLBACK")
    other.close()
    ledger.close()
