"""The fast paths give the answers of the slow ones (issue 15: every command costs what its answer costs).

- ``due``: the matters chosen from the read model in SQL (``Ledger.due_states``) give the findings,
  and ``ducha due`` the output, of every matter folded — on the demo ledgers of the five shipped
  plugins, on days through the year and after it, with and without ``--year``;
- ``ledger --format csv``: the lines made in SQL (``Ledger.ledger_csv``) are those of ``rows``;
- the 文号 of one matter's document counted in SQL (``Ledger.step_count``) is the snapshot's;
- one matter's documents from the matter alone (``Snapshot.for_matter``) and the 督查通报 from the
  period's matters (``Snapshot.for_period``) are those of every matter folded — on the demo ledgers
  with a confidential matter, a withdrawn one and a corrected title added, numbered documents;
- start-up: entry points read from the installed folders are those ``importlib.metadata`` finds,
  articles read without the converter are those it reads, and ``show`` loads neither jinja2 nor
  ``importlib.metadata`` nor cattrs;
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
from hard_cases import add_hard_cases

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


@pytest.mark.parametrize("kept", ["kept", "query", "other names"])
def test_ledger_csv_lines_made_in_sql_are_those_of_rows(demo, kept):
    """The lines kept with the rows (``Ledger.line_cells``, their light set by the day), the lines the
    query makes where a row has none (written before schema v8), and where its line was kept under
    other names (a unit renamed in ducha.toml): each is the line ``rows`` and ``row_cells`` make."""
    with Ledger.open(load_config(demo), create=False) as ledger:
        conn = ledger.store.conn
        if kept == "kept":  # every row has its line, made under these names
            assert conn.execute("SELECT count(*) FROM matters m LEFT JOIN matter_lines l ON l.matter = m.id"
                                " WHERE l.line_key IS NOT ? OR l.line_head IS NULL", (ledger.line_key,)).fetchone() == (0,)
        else:
            conn.execute("SAVEPOINT lines")
            if kept == "query":
                conn.execute("DELETE FROM matter_lines")
            else:
                conn.execute("UPDATE matter_lines SET line_key = ?, line_head = replace(line_head, '区', '县')", ("0" * 16,))
        try:
            _csv_lines_are_those_of_rows(ledger)
        finally:
            if kept != "kept":
                conn.execute("ROLLBACK TO lines")
                conn.execute("RELEASE lines")


def _csv_lines_are_those_of_rows(ledger: Ledger) -> None:
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
    # in batches of 7 lines (a folded line in most), as a province's ledger is written in batches
    monkeypatch.setattr("ducha_core.ledger.CSV_BATCH", 7)
    assert run() == fast
    with Ledger.open(load_config(demo), create=False) as ledger:
        assert len(list(ledger.ledger_csv_pieces(as_of=date(2025, 12, 31)))) > 3
    as_json = demo.parent / "台账.json"  # --out is written for JSON too (it was printed)
    result = CliRunner().invoke(main, ["ledger", "--config", str(demo), "--as-of", "2025-12-31", "--json",
                                       "--out", str(as_json)])
    assert result.exit_code == 0 and "已写入" in result.output and "{" not in result.output, result.output
    assert len(json.loads(as_json.read_text(encoding="utf-8"))["matters"]) == fast.count("\n") - 1
    out = demo.parent / "台账.csv"
    result = CliRunner().invoke(main, ["ledger", "--config", str(demo), "--as-of", "2025-12-31", "--format", "csv",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_bytes()
    text = written.decode("utf-8-sig")
    assert written.startswith(b"\xef\xbb\xbf") and text.endswith("\r\n") and text.count("\r\n") == text.count("\n")
    assert text.replace("\r\n", "\n") == fast  # the printed lines (the runner prints CRLF as LF)
    monkeypatch.setattr(Ledger, "ledger_csv_pieces", lambda self, **kwargs: None)
    assert fast == run()
    out.unlink()
    CliRunner().invoke(main, ["ledger", "--config", str(demo), "--as-of", "2025-12-31", "--format", "csv", "--out", str(out)])
    assert out.read_bytes() == written  # as the rows make it


@pytest.mark.parametrize("kept", [True, False])
def test_ledger_csv_falls_back_for_formulas_confidential_and_several_units(tmp_path, kept):
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
        # formulas between plain lines (the lines are searched as one text): after a separator in a cell,
        # and a cell starting with a TAB; a plain line after each
        inside = ledger.record(None, "register", day, office, {"kind": "instruction", "title": "计划;@SUM(1)"})
        ledger.record(None, "register", day, office, {"kind": "instruction", "title": "普通事项甲"})
        tab = ledger.record(None, "register", day, office, {"kind": "instruction", "title": "\t-1+1"})  # TAB dropped
        ledger.record(None, "register", day, office, {"kind": "instruction", "title": "普通事项乙"})
        as_of = date(2025, 12, 31)
        if not kept:  # rows written without their lines (before schema v8): the query makes them
            ledger.store.conn.execute("DELETE FROM matter_lines")
        for viewer in (None, office):
            rows = ledger.rows(as_of=as_of, viewer=viewer)
            text = ledger.ledger_csv(as_of=as_of, viewer=viewer)
            assert text == rc(LEDGER_HEADERS, [ledger.row_cells(r) for r in rows])
            assert "计划;'@SUM(1)" in text and f"{tab.id},'-1+1," in text and inside.id in text
            assert "普通事项甲" in text and "普通事项乙" in text


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


# --- one matter's documents ---------------------------------------------------------------------------


def _add_hard_cases(config) -> dict[str, str]:
    """What a document about one matter must see beyond it, added to a demo ledger: a confidential twin
    of the matter with the most steps (same steps and days: its 文号 count, its marks count for its
    units), a matter withdrawn after its assignment (or at registration, where the procedure allows only
    that; its 文号 stay taken), and a title corrected on the last day (documents before it carry the new
    title)."""
    with Ledger.open(load_config(config)) as ledger:
        def richness(s):
            actions = {e.action for e in s.events}
            return len(actions & {"bulletin", "order", "interview", "report_up", "remind", "assign"}), len(s.events), s.id

        cases = add_hard_cases(ledger, richness=richness, corrected=lambda s: any(e.action == "remind" for e in s.events),
                               correct_from=date(2025, 12, 31))
        office, twin, actors = cases.office, cases.twin, cases.actors
        return {"office": office, "twin": twin, "twin_viewer": actors[0] if actors else office}


@pytest.fixture(scope="module")
def hard(demo, tmp_path_factory):
    """The demo ledger with the hard cases (``_add_hard_cases``), in a copy of its folder."""
    import shutil

    from ducha_core.documents.render import available_kinds

    folder = tmp_path_factory.mktemp("hard") / "demo"
    shutil.copytree(demo.parent, folder)
    config = folder / demo.name
    with Ledger.open(load_config(config), create=False) as ledger:
        kinds = available_kinds(ledger.policy)
    # numbered documents (文号 counted over every matter), with an issuer of their own
    lines = ["", "[documents]", 'issuer = "测试督查室"',
             *(f'number_pattern.{kind} = "测督{kind[:2]}〔{{year}}〕{{n}}号"' for kind in kinds)]
    config.write_text(config.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    return config, _add_hard_cases(config)


def _document(make, kind: str, matter: str):
    from ducha_core.documents.render import render_document
    from ducha_core.errors import InputError

    try:
        return render_document(make(), kind, matter)
    except InputError as exc:
        return "refused", str(exc)


def test_one_matters_document_is_the_one_the_whole_ledger_gives(hard):
    """``Snapshot.for_matter`` (the matter folded alone, the rest read in SQL) renders every matter
    document — each kind, on the first and the last day its step was recorded, for readers who may and
    may not see a confidential matter — as ``Snapshot.from_ledger`` (every matter folded) renders it,
    refusals included."""
    from ducha_core.documents.render import DOC_KINDS, available_kinds
    from ducha_core.documents.snapshot import Snapshot

    config, cases = hard
    with Ledger.open(load_config(config), create=False) as ledger:
        assert ledger._read_model_usable() and ledger.store.at_head()
        kinds = [k for k in available_kinds(ledger.policy) if DOC_KINDS[k].subject == "matter"]
        viewers = [None, cases["office"], cases["twin_viewer"]]
        whole: dict = {}
        checked = refused = 0
        for state in ledger.states(explain=False):
            for kind in kinds:
                days = sorted({e.on for e in state.events if e.action == DOC_KINDS[kind].step})
                for day in dict.fromkeys(days[:1] + days[-1:]):
                    for viewer in viewers:
                        if (day, viewer) not in whole:
                            whole[(day, viewer)] = Snapshot.from_ledger(ledger, day, viewer=viewer)
                        old = _document(lambda key=(day, viewer): whole[key], kind, state.id)
                        new = _document(lambda mid=state.id, day=day, viewer=viewer:
                                        Snapshot.for_matter(ledger, mid, day, viewer=viewer), kind, state.id)
                        assert new == old, (kind, state.id, day, viewer)
                        checked += 1
                        refused += isinstance(old, tuple)
        assert checked and refused  # the confidential twin is refused to a reader who may not see it


def test_one_matters_snapshot_reads_every_matter_when_asked(hard):
    """A template that looks beyond its matter (``snapshot.states``, another matter) reads the whole ledger."""
    from ducha_core.documents.snapshot import Snapshot

    config, cases = hard
    with Ledger.open(load_config(config), create=False) as ledger:
        day = date(2025, 12, 31)
        whole = Snapshot.from_ledger(ledger, day, viewer=cases["office"])
        one = Snapshot.for_matter(ledger, cases["twin"], day, viewer=cases["office"])
        first = whole.states[0].id
        assert one.matter(first).id == first  # another matter: every matter read
        assert [s.id for s in one.states] == [s.id for s in whole.states]
        assert one.titles == whole.titles and one.withdrawn_ids == whole.withdrawn_ids
        one = Snapshot.for_matter(ledger, cases["twin"], day, viewer=cases["office"])
        assert [s.id for s in one.states] == [s.id for s in whole.states]
        assert [f.to_json() for f in one.findings] == [f.to_json() for f in whole.findings]


def test_doc_command_prints_what_the_whole_ledger_gives(hard, monkeypatch):
    from ducha_core.documents.render import DOC_KINDS, available_kinds
    from ducha_core.documents.snapshot import Snapshot

    config, cases = hard
    with Ledger.open(load_config(config), create=False) as ledger:
        kinds = [k for k in available_kinds(ledger.policy) if DOC_KINDS[k].subject == "matter"]
        wanted = [(kind, s.id) for s in ledger.states(explain=False) for kind in kinds
                  if any(e.action == DOC_KINDS[kind].step for e in s.events)][::7]

    def run(kind: str, matter: str, fmt: str) -> str:
        result = CliRunner().invoke(main, ["doc", kind, matter, "--config", str(config), "--as-of", "2025-12-31",
                                           "--as", cases["office"], "--format", fmt])
        assert result.exit_code == 0, result.output
        return result.output

    fast = {(kind, matter, fmt): run(kind, matter, fmt) for kind, matter in wanted for fmt in ("md", "html")}
    monkeypatch.setattr(Snapshot, "for_matter", classmethod(
        lambda cls, ledger, matter, day, *, viewer=None, all_visible=False:
        cls.from_ledger(ledger, day, viewer=viewer, all_visible=all_visible)))
    for (kind, matter, fmt), text in fast.items():
        assert text == run(kind, matter, fmt), (kind, matter, fmt)


# --- a period's documents ------------------------------------------------------------------------------

PERIODS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025-H2", "2025", "2025-09", "2025-12", "2026-01"]


def test_period_snapshot_gives_the_bulletin_the_whole_ledger_gives(hard):
    """``Snapshot.for_period`` (the matters finished before the period and quiet since left unfolded)
    renders the 督查通报 — and gives the per-unit figures, the period's matters and marks — as
    ``Snapshot.from_ledger`` does, for periods through the year, as of their last day and later, for
    readers who may and may not see the confidential matter; it reads no matter beyond the period."""
    from ducha_core.documents.render import render_document
    from ducha_core.documents.snapshot import Snapshot, parse_period

    config, cases = hard
    with Ledger.open(load_config(config), create=False) as ledger:
        left_out = 0
        for key in PERIODS:
            period = parse_period(key)
            for day in sorted({min(period.end, date(2026, 1, 20)), date(2026, 1, 20)}):
                for viewer in (None, cases["office"], cases["twin_viewer"]):
                    whole = Snapshot.from_ledger(ledger, day, viewer=viewer)
                    part = Snapshot.for_period(ledger, period, day, viewer=viewer)
                    left_out += len(part._quiet)
                    assert render_document(part, "bulletin", key) == render_document(whole, "bulletin", key), \
                        (key, day, viewer)
                    assert part.unit_stats(period) == whole.unit_stats(period)
                    assert [s.id for s in part.in_period(period)] == [s.id for s in whole.in_period(period)]
                    assert part._source is not None, "the shipped bulletin reads only the period's matters"
                    assert [(s.id, e.seq) for s, e in part.marks(None, period)] == \
                        [(s.id, e.seq) for s, e in whole.marks(None, period)]
        assert left_out, "some matter finished before a period is left unfolded"


def test_period_snapshot_reads_every_matter_when_asked_beyond_its_period(hard):
    from ducha_core.documents.snapshot import Snapshot, parse_period

    config, _cases = hard
    with Ledger.open(load_config(config), create=False) as ledger:
        day = date(2025, 12, 31)
        whole = Snapshot.from_ledger(ledger, day)
        part = Snapshot.for_period(ledger, parse_period("2025-Q4"), day)
        assert part.unit_stats(parse_period("2025-Q3")) == whole.unit_stats(parse_period("2025-Q3"))
        assert part._source is None  # an earlier period: every matter read
        part = Snapshot.for_period(ledger, parse_period("2025-Q4"), day)
        assert part.unit_stats() == whole.unit_stats() and part.rows == whole.rows
        part = Snapshot.for_period(ledger, parse_period("2025-Q4"), day)
        assert [f.to_json() for f in part.findings] == [f.to_json() for f in whole.findings]


def test_bulletin_command_prints_what_the_whole_ledger_gives(hard, monkeypatch):
    from ducha_core.documents.snapshot import Snapshot

    config, cases = hard

    def run(key: str, *args: str) -> str:
        result = CliRunner().invoke(main, ["doc", "bulletin", key, "--config", str(config), "--format", "md", *args])
        assert result.exit_code == 0, result.output
        return result.output

    cases_run = [(key, args) for key in ("2025-Q3", "2025-Q4", "2025")
                 for args in ((), ("--as-of", "2026-01-20"), ("--as-of", "2026-01-20", "--as", cases["office"]))]
    fast = {(key, args): run(key, *args) for key, args in cases_run}
    monkeypatch.setattr(Snapshot, "for_period", classmethod(
        lambda cls, ledger, period, day, *, viewer=None, all_visible=False:
        cls.from_ledger(ledger, day, viewer=viewer, all_visible=all_visible)))
    for (key, args), text in fast.items():
        assert text == run(key, *args), (key, args)


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


def test_titles_are_compared_without_their_blanks_as_squeeze_compares_them(ledger):
    titles = ["老旧小区", "老旧 小区", "老旧\u3000小区", "\t老旧小区\n", "老旧\xa0小区改造", "老旧小区改造", "老旧_小区",
              "老旧\u200b小区", "区老旧小", "老", ""]
    ids = {ledger.record(None, "register", date(2025, 3, 3), "chen", {"kind": "instruction", "title": t}).id: t
           for t in titles}
    for wanted in ("老旧小区", "老旧小区改造", "老旧_小区", "老", "区"):
        expected = sorted(i for i, t in ids.items() if "".join(t.split()) == wanted)
        assert ledger.store.registered_ids("2025-01-01", "2025-12-31", title=wanted) == expected, wanted
        assert ledger.store.registered_ids("2025-01-01", "2025-12-31", topic=wanted) == expected, wanted


def _title_keys_agree(ledger) -> int:
    from ducha_core.store.schema import title_key_rows

    conn = ledger.store.conn
    rows = conn.execute("SELECT id, title, state_json FROM matters").fetchall()
    assert sorted(conn.execute("SELECT matter, title, topic FROM title_keys").fetchall()) == sorted(title_key_rows(rows))
    return len(rows)


@pytest.mark.parametrize("workers", [1, 2])
def test_title_keys_follow_the_matters_rows_through_writes_corrections_rebuilds_and_migration(tmp_path, workers):
    """The keys a registration looks a repeated title up by (schema v7) are those of the rows: after
    each registration, a corrected title, a rebuild (in one process or in parts), and filled when an
    older database is opened."""
    config = build(tmp_path / "site", "dazhan", year=2025, as_of=date(2025, 12, 31), matters=12).config
    with Ledger.open(load_config(config)) as ledger:
        assert _title_keys_agree(ledger) >= 12
        office = next(p for p, person in ledger.config.people.items() if "office" in person.roles)
        first = ledger.store.matters()[0]
        ledger.record(first, "correct", date(2025, 12, 31), office, {"title": "更正 后的 标题", "reason": "笔误"})
        assert ledger.store.registered_ids("2025-01-01", "2025-12-31", title="更正后的标题") == [first]
        _title_keys_agree(ledger)
        ledger.rebuild(workers=workers)
        assert _title_keys_agree(ledger) >= 12
        conn = ledger.store.conn
        # the CSV lines (schema v8) are written beside the rows in either rebuild, each the row's own
        lines = dict(conn.execute("SELECT matter, line_head FROM matter_lines WHERE line_key = ?", (ledger.line_key,)))
        assert sorted(lines) == ledger.store.matters() and all(lines.values())
        assert all(head.startswith(f"{mid},") for mid, head in lines.items())
        assert ledger.check_read_model(full=True).ok
        conn.execute("DROP TABLE title_keys")
        conn.execute("PRAGMA user_version = 6")
        conn.commit()
    with Ledger.open(load_config(config)) as ledger:  # migrated: the table made and filled
        assert _title_keys_agree(ledger) >= 12
        assert ledger.store.registered_ids("2025-01-01", "2025-12-31", title="更正后的标题") == [first]


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


def test_markdown_escaping_of_a_plain_value_changes_nothing():
    import markupsafe

    from ducha_core.documents.render import _LINE_BREAKS, _MD_INLINE, _MD_LINE_START, escape_markdown

    def old(value):
        text = _LINE_BREAKS.sub(" ", str(value)).replace("\t", " ").lstrip(" ")
        text = _MD_INLINE.sub(r"\\\1", text)
        return markupsafe.Markup(_MD_LINE_START.sub(
            lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text))

    rng = random.Random(7)
    alphabet = "ab1 .-+=)_事项\u3000\t\r\n\v\f\x85\u2028\u2029\\`*[]<>!|&~#"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(30000)]
    values += ["单位463", "2025年6月25日", "已办结", "1. 第一", "12) x", "- a", "=", "a_b", "_a", "事项_一", 7, None]
    for value in values:
        assert escape_markdown(value) == old(value), repr(value)


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


# --- start-up -----------------------------------------------------------------------------------------


def test_entry_points_read_from_the_folders_are_those_importlib_metadata_finds():
    import importlib.metadata

    from ducha_core.plugins import _entry_points, _read_entry_points

    for group in ("ducha", "pytest11", "console_scripts"):
        fast = _read_entry_points(group)
        assert fast is not None
        slow = importlib.metadata.entry_points(group=group)
        assert sorted((e.name, e.value, e.dist_name, e.version) for e in fast) == \
            sorted((e.name, e.value, e.dist.name, e.dist.version) for e in slow), group
    assert [e.name for e in _entry_points("ducha")] == sorted(e.name for e in importlib.metadata.entry_points(group="ducha"))


def test_entry_points_are_asked_of_importlib_metadata_where_the_path_is_not_plain_folders(tmp_path, monkeypatch):
    import sys
    import zipfile

    from ducha_core.plugins import _entry_points, _read_entry_points, get_plugins

    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("more-1.0.dist-info/entry_points.txt", "[ducha]\nmore = more_plugin\n")
        z.writestr("more-1.0.dist-info/METADATA", "Name: more\nVersion: 1.0\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    assert _read_entry_points("ducha") is None
    assert "more" in [e.name for e in _entry_points("ducha")]  # importlib.metadata reads the zip
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(archive)])
    plugins = get_plugins()
    assert sorted(plugins.jurisdictions) == ["ankang", "dazhan", "ordos", "weinan_gaoxin", "zhoucun"]
    info = plugins.jurisdictions["zhoucun"]
    assert info.version == "0.1.0" and info.source == "entry point zhoucun (ducha 0.1.0)"


def test_articles_read_directly_are_those_the_converter_reads(tmp_path):
    import tomllib
    from pathlib import Path

    from ducha_core.converter import converter
    from ducha_core.errors import PolicyError
    from ducha_core.rules import Article
    from ducha_core.traceability import load_articles

    root = Path(__file__).resolve().parent.parent / "plugins"
    files = sorted(root.glob("*/articles.toml"))
    assert len(files) == 5
    for path in files:
        items = tomllib.loads(path.read_text(encoding="utf-8"))["article"]
        assert load_articles(path) == [converter.structure(item, Article) for item in items]
    odd = tmp_path / "articles.toml"
    odd.write_text('[[article]]\nid = 3\nsummary = "s"\noperational = true\nrules = ["a", 1]\n', encoding="utf-8")
    assert load_articles(odd) == [converter.structure({"id": 3, "summary": "s", "operational": True,
                                                       "rules": ["a", 1]}, Article)]  # as the converter reads it
    odd.write_text('[[article]]\nid = "x"\nsummary = "s"\noperational = true\nextra = 1\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="article #1"):
        load_articles(odd)


def test_a_command_loads_no_template_engine_nor_importlib_metadata_at_start_up(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "site"
    config = build(folder, "zhoucun", year=2025, as_of=date(2025, 12, 31), matters=3).config
    text = config.read_text(encoding="utf-8")
    config.write_text(text + '\n[documents]\nnumber_pattern.assignment = "周督〔{year}〕{n}号"\n', encoding="utf-8")
    code = ("import sys; from ducha_core.cli import main\n"
            "try:\n    main(['show', 'DC-2025-0001', '--config', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('jinja2', 'importlib.metadata', 'cattrs', 'ducha_core.importer')"
            " if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_confidential_registrations_are_found_along_their_partial_index(tmp_path):
    """Which matters the log says are confidential (``secret_in_log_sql``) is read along the partial
    index of those registrations (schema v8, made on migration from v7): the same matters as reading
    every registration, and a query plan that scans that index, not the registrations."""
    from ducha_core.store.schema import secret_registrations

    folder = tmp_path / "site"
    config = build(folder, "zhoucun", year=2025, as_of=date(2025, 12, 31), matters=12).config
    with Ledger.open(load_config(config)) as ledger:
        office = next(p for p, person in ledger.config.people.items() if "office" in person.roles)
        day = date(2025, 12, 30)
        secret = ledger.record(None, "register", day, office, {"kind": "decision", "title": "涉密事项甲", "confidential": True})
        ledger.record(None, "register", day, office, {"kind": "decision", "title": "公开事项乙"})
    conn = sqlite3.connect(folder / "ducha.sqlite3")
    conn.execute("DROP INDEX events_confidential")  # as a v7 database has it
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    with Ledger.open(load_config(config)) as ledger:  # migrated: the index made
        conn = ledger.store.conn
        sql = ledger.store.secret_in_log_sql("m.id")
        assert "INDEXED BY events_confidential" in sql
        found = [r[0] for r in conn.execute(f"SELECT m.id FROM matters m WHERE {sql}")]
        every = [r[0] for r in conn.execute(f"SELECT DISTINCT matter FROM events WHERE {secret_registrations()}")]
        assert found == every == [secret.id]
        plan = " ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN SELECT m.id FROM matters m WHERE {sql}"))
        assert "events_confidential" in plan, plan
