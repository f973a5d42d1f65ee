"""The fast paths give the answers of the slow ones (issue 15: every command costs what its answer costs).

- ``due``: the matters chosen from the read model in SQL (``Ledger.due_states``) give the findings,
  and ``ducha due`` the output, of every matter folded — on the demo ledgers of the five shipped
  plugins, on days through the year and after it, with and without ``--year``;
- ``ledger --format csv``: the lines made in SQL (``Ledger.ledger_csv``) are those of ``rows``;
- the 文号 of one matter's document counted in SQL (``Ledger.step_count``) is the snapshot's;
- the matter-id counter gives what the scan of the log gave, also for a log written around ``append``;
- the working calendar laid out a year at a time answers as one laid out at once; the table
  renderer's cached widths and the CSV's quick check change nothing.
"""

from __future__ import annotations

import json
import random
import sqlite3
import unicodedata
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.cli.options import _csv_cell, render_csv, render_table
from ducha_core.config import load_config
from ducha_core.csvsafe import csv_cell
from ducha_core.documents.demo import build
from ducha_core.escalation import evaluate
from ducha_core.ledger import LEDGER_HEADERS, Ledger

JURISDICTIONS = ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"]
DAYS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 1, 20)]


@pytest.fixture(scope="module", params=JURISDICTIONS)
def demo(request, tmp_path_factory):
    """A demo deployment of the plugin: a year of matters (2025), escalations, bulletins, grades."""
    folder = tmp_path_factory.mktemp(request.param)
    return build(folder / "demo", request.param, year=2025, as_of=date(2025, 12, 31), matters=40).config


def _findings(ledger: Ledger, states, day: date, year: int | None) -> list[dict]:
    return [f.to_json() for f in evaluate(ledger.policy, ledger.calendar, states, day, year=year)]


def test_due_fast_path_finds_what_every_matter_folded_finds(demo):
    with Ledger.open(load_config(demo), create=False) as ledger:
        assert ledger._read_model_usable() and ledger.store.at_head()
        folded = 0
        for day in DAYS:
            for year in (None, day.year - 1, day.year):
                every = ledger.states(as_of=day, explain=False)
                chosen = ledger.due_states(as_of=day, year=year)
                assert [s.id for s in chosen] == sorted(s.id for s in chosen)
                assert _findings(ledger, chosen, day, year) == _findings(ledger, every, day, year), (day, year)
                folded += len(every) - len(chosen)
        assert folded > 0, "the fast path leaves out some matter on some day"


def _due_json(config, day: date, *args: str) -> dict:
    result = CliRunner().invoke(main, ["due", "--config", str(config), "--as-of", day.isoformat(), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_due_command_prints_what_the_full_fold_prints(demo, monkeypatch):
    fast = {(day, year): _due_json(demo, day, *(["--year", str(year)] if year else []))
            for day in DAYS[2:] for year in (None, 2025)}

    def every(self, *, as_of, year=None):
        return self.states(as_of=as_of, explain=False)

    def all_states(self, findings, states, *, as_of):
        return {s.id: s for s in self.states(as_of=as_of, explain=False)}

    monkeypatch.setattr(Ledger, "due_states", every)
    monkeypatch.setattr(Ledger, "confirmation_states", all_states)
    for (day, year), found in fast.items():
        assert found == _due_json(demo, day, *(["--year", str(year)] if year else [])), (day, year)


def test_due_falls_back_to_every_matter_when_the_read_model_is_behind_the_log(demo, tmp_path):
    with Ledger.open(load_config(demo), create=False) as ledger:
        conn = ledger.store.conn
        head, matter = conn.execute("SELECT seq, matter FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        conn.execute("UPDATE matters SET last_seq = ? WHERE id = ?", (head - 1, matter))
        try:
            assert not ledger.store.at_head()
            day = DAYS[3]
            assert len(ledger.due_states(as_of=day)) == len(ledger.states(as_of=day, explain=False))
        finally:
            conn.execute("UPDATE matters SET last_seq = ? WHERE id = ?", (head, matter))


def test_ledger_csv_lines_made_in_sql_are_those_of_rows(demo):
    with Ledger.open(load_config(demo), create=False) as ledger:
        units = list(ledger.config.units)[:2]
        people = [None, *list(ledger.config.people)[:3]]
        checked = 0
        for day in DAYS:
            for unit in (None, *units):
                for viewer in people:
                    rows = ledger.rows(as_of=day, unit=unit, viewer=viewer)
                    expected = render_csv(LEDGER_HEADERS, [ledger.row_cells(r) for r in rows])
                    assert ledger.ledger_csv(as_of=day, unit=unit, viewer=viewer) == expected, (day, unit, viewer)
                    checked += len(rows)
        assert checked


def test_ledger_csv_command_prints_what_rows_print(demo, monkeypatch):
    def run() -> str:
        result = CliRunner().invoke(main, ["ledger", "--config", str(demo), "--as-of", "2025-12-31", "--format", "csv"])
        assert result.exit_code == 0, result.output
        return result.output

    fast = run()
    monkeypatch.setattr(Ledger, "ledger_csv", lambda self, **kwargs: None)
    assert fast == run()


def test_ledger_csv_falls_back_for_formulas_confidential_and_several_units(tmp_path):
    from ducha_core.cli.options import render_csv as rc

    folder = tmp_path / "site"
    config = build(folder, "weinan_gaoxin", year=2025, as_of=date(2025, 12, 31), matters=12).config
    with Ledger.open(load_config(config)) as ledger:
        office = next(p for p, person in ledger.config.people.items() if "office" in person.roles)
        units = list(ledger.config.units)
        day = date(2025, 12, 30)
        ledger.record(None, "register", day, office, {"kind": "instruction", "title": "=HYPERLINK(\"x\"),计算"})
        ledger.record(None, "register", day, office, {"kind": "instruction", "title": "涉密事项", "confidential": True})
        s = ledger.record(None, "register", day, office, {"kind": "instruction", "title": "多个单位,\"引号\""})
        ledger.record(s.id, "assign", day, office, {"lead_units": units[:2], "co_units": units[2:4]})
        mistaken = ledger.record(None, "register", day, office, {"kind": "instruction", "title": "误登记"})
        ledger.record(mistaken.id, "withdraw", day, office, {"reason": "重复登记"})
        as_of = date(2025, 12, 31)
        for viewer in (None, office):
            rows = ledger.rows(as_of=as_of, viewer=viewer)
            assert ledger.ledger_csv(as_of=as_of, viewer=viewer) == rc(LEDGER_HEADERS, [ledger.row_cells(r) for r in rows])


def test_one_matters_findings_are_those_over_every_matter(demo):
    with Ledger.open(load_config(demo), create=False) as ledger:
        found = 0
        for day in (DAYS[1], DAYS[3], DAYS[4]):
            every = evaluate(ledger.policy, ledger.calendar, ledger.states(as_of=day, explain=False), day)
            for state in ledger.states(as_of=day, explain=False):
                units = set(state.units)
                expected = [f.to_json() for f in every
                            if f.matter == state.id or (f.matter is None and f.unit in units)]
                assert [f.to_json() for f in ledger.matter_findings(state.id, as_of=day)] == expected, state.id
                found += len(expected)
        assert found


def test_document_number_counted_in_sql_is_the_snapshots(demo):
    from ducha_core.documents.render import DOC_KINDS, document_seq
    from ducha_core.documents.snapshot import Snapshot

    with Ledger.open(load_config(demo), create=False) as ledger:
        checked = 0
        for day in (DAYS[1], DAYS[3]):
            snapshot = Snapshot.from_ledger(ledger, day, all_visible=True)
            for kind, spec in DOC_KINDS.items():
                if spec.subject != "matter":
                    continue
                for state in snapshot.states:
                    own = [e for e in ledger.matter(state.id, as_of=day).events if e.action == spec.step]
                    if not own:  # no document before its step is recorded
                        continue
                    n = 1 + ledger.step_count(spec.step, year=own[-1].on.year, upto=own[-1].on, before=own[-1])
                    assert document_seq(snapshot, kind, state) == (own[-1].on.year, n), (kind, state.id)
                    checked += 1
        assert checked


# --- the matter-id counter ----------------------------------------------------------------------------


CONFIG = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
"""


@pytest.fixture
def ledger(tmp_path):
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    book = Ledger.open(load_config(tmp_path / "ducha.toml"))
    yield book
    book.close()


def _scan(conn: sqlite3.Connection, prefix: str) -> int:
    """What ``max_number`` read before the counter: the highest number after the prefix in the log."""
    row = conn.execute("SELECT max(CAST(substr(matter, ?) AS INTEGER)) FROM events WHERE matter >= ? AND matter < ?",
                       (len(prefix) + 1, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))).fetchone()
    return row[0] or 0


def test_next_id_comes_from_the_counter_as_it_came_from_the_scan(ledger):
    ids = [ledger.record(None, "register", date(2025, 3, d), "chen", {"kind": "instruction", "title": f"事项{d}"}).id
           for d in (3, 4, 5)]
    assert ids == ["DC-2025-0001", "DC-2025-0002", "DC-2025-0003"]
    ledger.record(None, "register", date(2025, 3, 6), "chen", {"kind": "instruction", "title": "指定编号"})
    assert ledger.new_matter_id(date(2025, 5, 1)) == "DC-2025-0005"
    assert ledger.new_matter_id(date(2026, 1, 5)) == "DC-2026-0001"
    assert ledger.store.get_meta("id_counter:DC-2025-") == "4"
    conn = ledger.store.conn
    for prefix in ("DC-2025-", "DC-2026-", "DC-"):
        assert ledger.store.max_number(prefix) == _scan(conn, prefix)


def test_counter_counts_events_written_around_append_and_is_rebuilt(ledger):
    from ducha_core.store import dumps_data, event_hash

    ledger.record(None, "register", date(2025, 3, 3), "chen", {"kind": "instruction", "title": "一"})
    store = ledger.store
    seq, prev = store._head()
    with store.transaction():  # as benchmarks/generate_province.py writes a log: not through append
        for n, mid in enumerate(["DC-2025-0042", "DC-2025-0007-2", "XX-9"], start=seq + 1):
            data = dumps_data({"kind": "instruction", "title": mid})
            digest = event_hash(n, mid, "register", "2025-03-04", "chen", data, "2025-03-04T00:00:00+00:00", prev)
            store.conn.execute("INSERT INTO events VALUES (?, ?, 'register', '2025-03-04', 'chen', ?,"
                               " '2025-03-04T00:00:00+00:00', ?, ?)", (n, mid, data, prev, digest))
            prev = digest
        store._set_head(n, prev)
    assert store.max_number("DC-2025-") == _scan(store.conn, "DC-2025-") == 42  # counted on reading, written nothing
    assert store.get_meta("id_counter:DC-2025-") == "1"
    assert ledger.record(None, "register", date(2025, 3, 5), "chen", {"kind": "instruction", "title": "二"}).id \
        == "DC-2025-0043"
    store.conn.execute("DELETE FROM meta WHERE key LIKE 'id_counter%' OR key = 'id_counted_seq'")
    assert store.max_number("DC-2025-") == 43  # a database from before the counter: the log is counted
    store.recount_ids()
    assert store.get_meta("id_counter:DC-2025-") == "43" and store.get_meta("id_counter:DC-2025-0007-") == "2"


# --- renderers and the calendar -----------------------------------------------------------------------


def _old_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _old_table(headers, rows) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(_old_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - _old_width(c)) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def test_table_and_csv_renderers_change_nothing():
    rng = random.Random(15)
    alphabet = "ab1 2=+-@\t\r\n,;.%eE\"事项（）—ｱ①é\u3000"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(20000)]
    for text in texts:
        assert _csv_cell(text) == csv_cell(text), repr(text)
    for value in (None, 1, 1.5, True, -3):
        assert _csv_cell(value) == csv_cell(value)
    rows = [[texts[i], texts[i + 1], i, None] for i in range(0, 2000, 2)]
    assert render_table(["编号", "事项", "n", "空"], rows) == _old_table(["编号", "事项", "n", "空"], rows)


def test_calendar_laid_out_a_year_at_a_time_answers_as_one_laid_out_at_once():
    rng = random.Random(2)
    whole = WorkingCalendar.load()
    whole._grow(whole._size - 1)
    lazy = WorkingCalendar.load()
    assert lazy._built < whole._built  # the provisional years are not computed before they are asked for
    lo, hi = whole.known_range[0].toordinal(), whole._span_end.toordinal()
    for n in range(3000):
        if n % 300 == 0:
            lazy = WorkingCalendar.load()
        d = date.fromordinal(rng.randint(lo, hi))
        k = rng.randint(-400, 400)
        for cal in (lazy, whole):
            try:
                got = cal.add_workdays(d, k)
            except Exception as exc:
                got = (type(exc), str(exc))
            if cal is lazy:
                first = got
        assert first == got, (d, k)
        end = d + timedelta(days=rng.randint(0, 300))
        if end.toordinal() <= hi:
            assert lazy.facts_between(d, end) == whole.facts_between(d, end)
            assert lazy.day_info(end) == whole.day_info(end)
    assert lazy._flags == whole._flags[:lazy._built] and lazy._rank == whole._rank[:lazy._built]
