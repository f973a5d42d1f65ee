"""What the record guarantees: a rechained log, a wiped log, a truncated tail and an older backup
are found by the head an office kept (``verify --head``) and, with a key file, by the head's MAC;
dropped append-only triggers are reported; an edited read model neither exposes a confidential
matter nor passes ``verify``."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from deployments import WEINAN_TWO_UNITS_LEADER

from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.ledger import Ledger
from ducha_core.store import GENESIS, event_hash, parse_head
from ducha_core.store.schema import V1

CONFIG = WEINAN_TWO_UNITS_LEADER


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A deployment folder with its database created; ``run(*args, ok=True)`` runs the CLI there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    Ledger.open(load_config(tmp_path / "ducha.toml")).close()  # creates the database
    run.folder = tmp_path
    run.db = tmp_path / "ducha.sqlite3"
    return run


def with_key(run) -> Path:
    """Configure a key file outside the deployment folder; returns its path."""
    keys = run.folder.parent / f"{run.folder.name}-keys"
    keys.mkdir()
    key = keys / "ducha.key"
    key.write_text("k" * 32 + "\n", encoding="utf-8")
    (run.folder / "ducha.toml").write_text(f'key_file = "{key}"\n' + CONFIG, encoding="utf-8")
    return key


def record(run, n: int = 2) -> list[str]:
    ids = []
    for i in range(n):
        out = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", f"事项{i}",
                  "--duplicate-ok").output
        mid = out.split()[0]
        run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj")
        ids.append(mid)
    return ids


def kept_head(run) -> str:
    """The head ``verify`` prints for the office to keep (``SEQ:HASH``)."""
    out = run("verify").output
    line = next(x for x in out.splitlines() if x.startswith("末端："))
    head = line.removeprefix("末端：").split("（")[0]
    parse_head(head)
    return head


def stdout(result) -> str:
    """What a command printed on stdout (its error line goes to stderr)."""
    return result.stdout


def raw(run) -> sqlite3.Connection:
    return sqlite3.connect(run.db, isolation_level=None)


def files(run) -> dict[str, bytes]:
    """The database's bytes (with its -wal file): a refused command leaves them as they were."""
    return {p.name: p.read_bytes() for p in sorted(run.folder.glob("ducha.sqlite3*")) if not p.name.endswith("-shm")}


def forge(run, seq: int, *, keep_triggers: bool = True) -> None:
    """Rewrite event ``seq`` outside ducha as someone who can write the file would: drop the
    append-only triggers, edit the event, recompute every hash from it on and the head in meta,
    put the triggers back, and rebuild the read model so that it agrees with the forged log."""
    conn = raw(run)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("UPDATE events SET data = replace(replace(data, 'jyj', 'czj'), '事项', '伪造') WHERE seq = ?", (seq,))
    rechain(conn)
    if keep_triggers:
        put_triggers_back(conn)
    conn.close()
    run("rebuild")


def rechain(conn: sqlite3.Connection) -> None:
    prev = GENESIS
    rows = conn.execute("SELECT seq, matter, action, on_date, actor, data, recorded_at FROM events ORDER BY seq").fetchall()
    for seq, matter, action, on, actor, data, recorded_at in rows:
        digest = event_hash(seq, matter, action, on, actor, data, recorded_at, prev)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('head_seq', ?), ('head_hash', ?)",
                 (str(len(rows)), prev))


def put_triggers_back(conn: sqlite3.Connection) -> None:
    """Recreate the append-only triggers exactly as ducha's schema writes them."""
    for match in re.finditer(r"CREATE TRIGGER (\w+)\b.*?\bEND", V1, re.S):
        conn.execute(f"DROP TRIGGER IF EXISTS {match.group(1)}")
        conn.execute(match.group(0))


def one_line_error(result, *words: str) -> str:
    lines = [x for x in result.output.splitlines() if x.startswith("错误")]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- the head kept outside the file ----------------------------------------------------------------


def test_verify_prints_the_head_and_checks_it(deployment):
    run = deployment
    record(run)
    head = kept_head(run)
    assert head.startswith("4:") and len(head) == 2 + 64
    record(run, 1)
    out = run("verify", "--head", head).output
    assert "与所记末端相符：4:" in out and "其后又记录了 2 个事件" in out
    short = head[:2 + 16]  # the register may keep the first 16 hex digits
    assert "与所记末端相符" in run("verify", "--head", short).output
    data = json.loads(stdout(run("verify", "--head", head, "--json")))
    assert data["ok"] and data["anchors"] == [head] and data["head_text"].startswith("6:")


def test_rechained_forgery_passes_plain_verify_but_not_the_kept_head(deployment):
    run = deployment
    record(run)
    head = kept_head(run)
    forge(run, 2)
    # the gap the issue names: the chain and the head in meta were recomputed, the read model rebuilt
    assert "哈希链有效" in run("verify").output
    result = run("verify", "--head", head, ok=False)
    one_line_error(result, "事件日志已被改动", "所记末端", "不符")
    data = json.loads(stdout(run("verify", "--head", head, "--json", ok=False)))
    assert not data["ok"] and not data["log_ok"] and data["anchors"] == []


def test_rechained_forgery_is_found_by_the_key(deployment):
    run = deployment
    with_key(run)
    record(run)
    data = json.loads(stdout(run("verify", "--json")))
    assert data["key"] == "ok" and data["key_since"] == 0
    assert "密钥签记有效" in run("verify").output
    forge(run, 2)
    one_line_error(run("verify", ok=False), "密钥签记不符")
    # and nothing more is recorded on top of the forgery (the database stays as it is)
    before = files(run)
    one_line_error(run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办", ok=False),
                   "密钥签记不符", "本次未记录任何内容")
    assert files(run) == before


def test_wiped_log_is_found_by_the_kept_head(deployment):
    run = deployment
    record(run)
    head = kept_head(run)
    conn = raw(run)
    conn.execute("DROP TRIGGER events_no_delete")
    for table in ("events", "matters", "matter_units", "obligations"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM meta WHERE key IN ('head_seq', 'head_hash')")
    put_triggers_back(conn)
    conn.close()
    assert "事件日志完整：0 个事件" in run("verify").output
    one_line_error(run("verify", "--head", head, ok=False), "已不在日志中", "日志只有 0 个事件")


def test_truncated_tail_is_found_by_the_kept_head(deployment):
    run = deployment
    record(run, 3)
    head = kept_head(run)
    conn = raw(run)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq > 4")
    rechain(conn)  # the head in meta follows the truncation
    put_triggers_back(conn)
    conn.close()
    run("rebuild")
    assert "事件日志完整：4 个事件" in run("verify").output
    one_line_error(run("verify", "--head", head, ok=False), "所记末端 6:", "已不在日志中", "较早的备份")


def test_older_backup_is_found_by_the_kept_head(deployment):
    run = deployment
    record(run)
    run("backup", "old.sqlite3")
    record(run, 1)
    head = kept_head(run)
    for name in ("ducha.sqlite3-wal", "ducha.sqlite3-shm"):
        (run.folder / name).unlink(missing_ok=True)
    shutil.copyfile(run.folder / "old.sqlite3", run.db)
    assert "事件日志完整：4 个事件" in run("verify").output
    one_line_error(run("verify", "--head", head, ok=False), "已不在日志中", "较早的备份")


def test_malformed_head_is_one_line(deployment):
    run = deployment
    record(run, 1)
    for text in ("abc", "3", "3:xyz", "3:abcd", "-1:" + "0" * 64):
        one_line_error(run("verify", "--head", text, ok=False), "--head", "序号:哈希")


# --- the append-only triggers ----------------------------------------------------------------------


def test_dropped_triggers_are_reported(deployment):
    run = deployment
    record(run, 1)
    conn = raw(run)
    conn.execute("DROP TRIGGER events_no_update")
    conn.close()
    one_line_error(run("verify", ok=False), "触发器 events_no_update", "被删除了")
    conn = raw(run)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT 1; END")
    conn.close()
    line = one_line_error(run("verify", ok=False), "events_no_update", "被删除了", "events_no_delete", "被改动了")
    assert line.count("触发器") == 2


# --- the key file ------------------------------------------------------------------------------------


def test_key_configured_later_seals_with_verify_and_covers_from_then_on(deployment):
    run = deployment
    record(run)
    head = kept_head(run)
    with_key(run)
    before = files(run)
    one_line_error(run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办", ok=False),
                   "尚未签记", "ducha verify --seal")
    one_line_error(run("verify", ok=False), "没有密钥签记", "--seal")
    assert files(run) == before  # neither the refused step nor a failed verify wrote anything
    out = run("verify", "--head", head, "--seal").output
    assert "已用密钥签记末端" in out and "前 4 个事件" in out
    run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办")
    data = json.loads(stdout(run("verify", "--json")))
    assert data["ok"] and data["key"] == "ok" and data["key_since"] == 4
    assert any("前 4 个事件记录于启用密钥之前" in note for note in data["notes"])


def test_seal_refuses_a_log_that_fails_its_checks(deployment):
    run = deployment
    record(run)
    head = kept_head(run)
    forge(run, 1)
    with_key(run)
    before = files(run)
    one_line_error(run("verify", "--head", head, "--seal", ok=False), "所记末端")
    assert files(run) == before


def test_keyed_log_needs_its_key(deployment):
    run = deployment
    key = with_key(run)
    record(run, 1)
    # another key
    key.write_text("x" * 32, encoding="utf-8")
    one_line_error(run("verify", ok=False), "密钥文件与签记本日志所用的不同")
    before = files(run)
    one_line_error(run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办", ok=False),
                   "密钥文件与签记本数据库所用的不同")
    # no key configured at all
    (run.folder / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    one_line_error(run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办", ok=False),
                   "已启用密钥签记", "key_file")
    assert "签记未核对" in run("verify").output
    # a key file that cannot be read, or too short
    key.unlink()
    with_key_text = f'key_file = "{key}"\n' + CONFIG
    (run.folder / "ducha.toml").write_text(with_key_text, encoding="utf-8")
    one_line_error(run("remind", "DC-2025-0001", "--as", "chen", "--on", "2025-10-09", "--method", "电话催办", ok=False),
                   "密钥文件", "无法读取")
    key.write_text("short", encoding="utf-8")
    one_line_error(run("verify", ok=False), "太短")
    assert files(run) == before
    # --seal without a key file configured
    (run.folder / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    one_line_error(run("verify", "--seal", ok=False), "--seal", "key_file")


def test_head_mac_covers_the_whole_log(deployment):
    """Rewriting an early event changes every later hash, so the head's MAC no longer holds,
    even when the attacker puts the old head's MAC back."""
    run = deployment
    with_key(run)
    record(run, 3)
    conn = raw(run)
    mac = conn.execute("SELECT value FROM meta WHERE key = 'head_mac'").fetchone()[0]
    conn.close()
    forge(run, 1)
    conn = raw(run)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_mac'", (mac,))
    conn.close()
    one_line_error(run("verify", ok=False), "密钥签记不符")


# --- the read model ------------------------------------------------------------------------------------


def confidential(run) -> str:
    out = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "机密事项",
              "--confidential", "--viewer", "zhao").output
    mid = out.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj")
    return mid


def ledger_ids(run, *args) -> list[str]:
    data = json.loads(stdout(run("ledger", "--as-of", "2025-10-09", "--json", *args)))
    return [m["id"] for m in data["matters"]]


def test_an_edited_confidential_column_does_not_expose_the_matter(deployment):
    run = deployment
    (public,) = record(run, 1)
    secret = confidential(run)
    assert ledger_ids(run) == [public]
    conn = raw(run)
    conn.execute("UPDATE matters SET confidential = 0, viewers = 'liu'")
    conn.close()
    assert ledger_ids(run) == [public]  # anonymous
    assert ledger_ids(run, "--as", "liu") == [public]  # a viewer only by the edited column
    assert ledger_ids(run, "--as", "zhao") == [public, secret]  # a viewer by the log
    assert ledger_ids(run, "--as", "chen") == [public, secret]  # the office
    assert ledger_ids(run, "--as", "zhang") == [public, secret]  # the handling unit (from the log)
    rows = {m["id"]: m for m in json.loads(stdout(run("ledger", "--as", "chen", "--as-of", "2025-10-09", "--json")))["matters"]}
    assert rows[secret]["confidential"] is True and rows[public]["confidential"] is False
    # and the handling unit taken from the read model does not let another unit in
    conn = raw(run)
    conn.execute("UPDATE matters SET lead_units = 'czj' WHERE id = ?", (secret,))
    conn.execute("UPDATE matter_units SET unit = 'czj' WHERE matter = ?", (secret,))
    conn.close()
    assert ledger_ids(run, "--as", "liu") == [public]
    assert ledger_ids(run, "--as", "zhang") == [public, secret]
    # a row the log does not know is not shown
    conn = raw(run)
    conn.execute("INSERT INTO matters SELECT 'DC-2025-0099', kind, title, state, lead_units, co_units, responsible,"
                 " due_date, due_what, due_name, submitted, closed, 0, '', registered, last_on, last_seq, state_json,"
                 " due_owed_by, late_days FROM matters WHERE id = ?", (secret,))
    conn.execute("INSERT INTO matter_lines SELECT 'DC-2025-0099', line_key, line_head, line_light, line_tail"
                 " FROM matter_lines WHERE matter = ?", (secret,))
    conn.close()
    assert ledger_ids(run) == [public]
    # nor in the CSV made in SQL (the log has fewer registrations than the read model has rows: each
    # row's first event is looked for)
    csv_text = stdout(run("ledger", "--format", "csv", "--as", "chen", "--as-of", "2025-10-09"))
    assert public in csv_text and secret in csv_text and "DC-2025-0099" not in csv_text
    line = one_line_error(run("verify", ok=False), "事项状态表与事件日志不一致", "ducha rebuild")
    assert "DC-2025-0099（事件日志中没有该事项）" in line


@pytest.mark.parametrize("edit, column", [
    ("confidential = 0", "涉密"),
    ("state = 'closed'", "状态"),
    ("due_date = '2099-12-31'", "期限"),
    # the CSV line kept beside the row, under the names it is printed with (``Ledger.line_cells``)
    ("lines: line_head = replace(line_head, ',', ';')", "台账导出行"),
])
@pytest.mark.parametrize("full", [False, True])
def test_verify_reports_a_read_model_that_differs_from_the_log(deployment, edit, column, full):
    run = deployment
    record(run, 2)
    secret = confidential(run)
    extra = ("--full",) if full else ()
    assert "事项状态表与事件日志一致" in run("verify", *extra).output
    conn = raw(run)
    if edit.startswith("lines: "):
        conn.execute(f"UPDATE matter_lines SET {edit.removeprefix('lines: ')} WHERE matter = ?", (secret,))
    else:
        conn.execute(f"UPDATE matters SET {edit} WHERE id = ?", (secret,))
    conn.close()
    before = files(run)
    line = one_line_error(run("verify", *extra, ok=False), "事项状态表与事件日志不一致", f"{secret}（{column}")
    assert "事件日志已被改动" not in line  # the log itself is intact
    data = json.loads(stdout(run("verify", "--json", *extra, ok=False)))
    assert data["log_ok"] and not data["read_model"]["ok"] and data["read_model"]["full"] == full
    assert files(run) == before
    run("rebuild")
    assert "事项状态表与事件日志一致" in run("verify", *extra).output


def test_read_model_check_samples_by_default_and_folds_all_with_full(deployment):
    run = deployment
    record(run, 3)
    with Ledger.open(load_config(run.folder / "ducha.toml")) as book:
        sample = book.check_read_model(sample=2)
        assert sample.ok and (sample.checked, sample.total, sample.full) == (2, 3, False)
        every = book.check_read_model(full=True)
        assert every.ok and (every.checked, every.total, every.full) == (3, 3, True)
        book.store.conn.execute("UPDATE obligations SET due = '2099-12-31'")
        found = book.check_read_model(full=True)
        assert not found.ok and len(found.differences) == 3 and "期限义务表" in found.differences[0]


def test_hashes_recomputed_by_the_test_helper_are_the_stores(deployment):
    """The forgery above recomputes hashes exactly as ducha does (else the tests prove nothing)."""
    run = deployment
    record(run)
    conn = raw(run)
    before = conn.execute("SELECT hash FROM events ORDER BY seq").fetchall()
    conn.execute("DROP TRIGGER events_no_update")
    rechain(conn)
    assert conn.execute("SELECT hash FROM events ORDER BY seq").fetchall() == before
    put_triggers_back(conn)
    conn.close()
    assert "哈希链有效" in run("verify").output


def test_a_viewer_is_named_only_for_a_confidential_matter(deployment):
    """知悉范围 belongs to a confidential matter: ``register --viewer`` without ``--confidential`` is
    refused, and a registration recorded so before (its viewers without the flag) is an open matter
    with no viewers, which ``verify`` finds consistent with the read model, also after ``rebuild``."""
    from ducha_core.events import Event

    run = deployment
    before = files(run)
    line = one_line_error(run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title",
                              "知悉范围测试", "--viewer", "zhang", ok=False), "知悉范围", "--confidential")
    assert "涉密" in line and files(run) == before
    with Ledger.open(load_config(run.folder / "ducha.toml")) as ledger, ledger.store.transaction():
        (stored,) = ledger.store.append([Event("DC-2025-0099", "register", date(2025, 9, 29), "chen",
                                               {"kind": "instruction", "title": "旧登记", "viewers": ["zhang"]})])
        state = ledger.engine.apply(None, stored)
        assert not state.confidential and state.viewers == ()
        ledger.store.put_rows([ledger.derived_rows(state)])
    assert "事项状态表与事件日志一致" in run("verify", "--full").output
    run("rebuild")
    assert "事项状态表与事件日志一致" in run("verify", "--full").output
