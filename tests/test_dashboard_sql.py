"""The dashboard from the read model (``dashboard.ledger_page``, ``dashboard_data.page_from_ledger``) is
the dashboard of every matter folded (``snapshot_page(Snapshot.from_ledger(...))``), and folds only the
matters it lists, those the read model cannot answer for the day, and those ``ducha due`` folds for the
rule findings.

On the demo ledgers of the five shipped plugins, with a confidential matter (its viewers named), a
withdrawn one and a title corrected later added; as of a day in the middle of the year and one before the
last events (matters changed after the day are folded), and after every event; without a reader (``--as``),
for the office, for a reader named among the confidential matter's viewers and for people of units; with
the tables as long as the page makes them and cut to a few rows (which rows are listed, in what order).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner
from hard_cases import add_hard_cases

from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.documents import dashboard, dashboard_data
from ducha_core.documents.dashboard import ledger_page, render_page, snapshot_page
from ducha_core.documents.dashboard_data import page_from_ledger
from ducha_core.documents.demo import build
from ducha_core.documents.snapshot import Snapshot
from ducha_core.ledger import Ledger

JURISDICTIONS = ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"]
MID_YEAR, BEFORE_LAST, AFTER_ALL = date(2025, 6, 30), date(2025, 12, 15), date(2026, 1, 20)


def _add_cases(config) -> dict:
    """A confidential twin of the matter with the most steps (its viewers: those who acted on it), a
    matter withdrawn after its assignment (or at registration), a title corrected after every other
    event; and the readers: the office, a named viewer of the twin, a person of one of its lead units
    not named (sees it through the unit), a person of a unit not handling it (does not see it)."""
    with Ledger.open(load_config(config)) as ledger:
        people = ledger.config.people
        cases = add_hard_cases(
            ledger, richness=lambda s: (len({e.action for e in s.events}), len(s.events), s.id),
            corrected=lambda s: len(s.events) > 2, correct_from=date(2026, 1, 5))
        office, rich, actors, twin, gone = cases.office, cases.rich, cases.actors, cases.twin, cases.gone
        lead = set(rich.lead_units)
        through_unit = next((p for p, person in people.items() if person.unit in lead and p not in actors), None)
        outsider = next(p for p, person in people.items() if person.unit and person.unit not in lead | set(rich.co_units))
        viewers = [None, office, actors[0] if actors else office, outsider, *([through_unit] if through_unit else [])]
        return {"office": office, "twin": twin, "gone": gone, "viewers": viewers}


@pytest.fixture(scope="module", params=JURISDICTIONS)
def demo(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    config = build(folder / "demo", request.param, year=2025, as_of=date(2025, 12, 31), matters=40).config
    return config, _add_cases(config)


def _text(html: str) -> str:
    """The page without the time it was generated."""
    return re.sub(r"由 ducha 生成 · [^·]* ·", "由 ducha 生成 ·", html)


def _fold_page(ledger, day, viewer, limit, monkeypatch) -> str:
    monkeypatch.setattr(dashboard, "TABLE_LIMIT", limit)
    return _text(render_page(snapshot_page(Snapshot.from_ledger(ledger, day, viewer=viewer))))


def _sql_page(ledger, day, viewer, limit, monkeypatch):
    monkeypatch.setattr(dashboard, "TABLE_LIMIT", limit)
    page = page_from_ledger(ledger, day, viewer=viewer, limit=limit)
    assert page is not None, "the read model answers"
    return page, _text(render_page(page))


def test_the_page_from_sql_is_the_page_of_every_matter_folded(demo, monkeypatch):
    config, cases = demo
    with Ledger.open(load_config(config), create=False) as ledger:
        assert ledger._read_model_usable() and ledger.store.at_head()
        folded_for_rows = 0
        for day in (MID_YEAR, BEFORE_LAST, AFTER_ALL):
            for viewer in cases["viewers"]:
                for limit in (dashboard.TABLE_LIMIT, 3):
                    page, new = _sql_page(ledger, day, viewer, limit, monkeypatch)
                    old = _fold_page(ledger, day, viewer, limit, monkeypatch)
                    assert new == old, (day, viewer, limit)
                    folded_for_rows += page.folded.get("rows", 0)
                    if day != AFTER_ALL and limit == 3:
                        assert page.total > 0
        assert folded_for_rows


def test_the_report_command_writes_the_page_of_every_matter_folded(demo, tmp_path, monkeypatch):
    config, cases = demo

    def report(out, *more):
        result = CliRunner().invoke(main, ["report", "--config", str(config), "--html", str(out),
                                           "--as-of", BEFORE_LAST.isoformat(), *more])
        assert result.exit_code == 0, result.output
        return _text((out / "index.html").read_text(encoding="utf-8"))

    fast = {v: report(tmp_path / f"fast{i}", *(["--as", v] if v else [])) for i, v in enumerate(cases["viewers"][:3])}
    monkeypatch.setattr(dashboard, "page_from_ledger", lambda *a, **k: None)  # every matter folded
    for i, (viewer, page) in enumerate(fast.items()):
        assert page == report(tmp_path / f"slow{i}", *(["--as", viewer] if viewer else [])), viewer

    def total(page: str) -> int:
        return int(re.search(r'<div class="n">(\d+)</div><div class="l">督查事项总数', page).group(1))

    assert total(fast[cases["office"]]) == total(fast[None]) + 1  # the confidential matter, for the office only


def _fallback_ids(conn: sqlite3.Connection, day: date) -> set[str]:
    """What the read model cannot answer for as of ``day`` (read here, not by the code under test):
    matters changed after the day with an event by it, and rows whose most urgent obligation is a
    recurring report overdue by the day."""
    iso = day.isoformat()
    return {r[0] for r in conn.execute(
        "SELECT id FROM matters WHERE (last_on > ? AND registered <= ?)"
        " OR (last_on <= ? AND due_what = 'cycle' AND due_date < ?)", (iso, iso, iso, iso))}


@pytest.mark.parametrize("limit", [3, 200])
def test_only_the_rows_listed_are_folded(demo, monkeypatch, limit):
    """Folded on the SQL path: the rows the page lists and the matters the read model cannot answer for,
    no other (counted where every fold passes, ``Ledger._fold_matters``); for the findings, the matters
    ``ducha due`` folds. Every matter is never folded (``Ledger.states``)."""
    config, cases = demo
    folds: list[tuple[str, list[str]]] = []
    phase = ["rows"]
    fold_matters = Ledger._fold_matters
    findings = dashboard_data._Builder._findings

    def counted(self, ids, as_of):
        folds.append((phase[0], list(ids)))
        return fold_matters(self, ids, as_of)

    def in_findings(self, *args):
        phase[0] = "findings"
        try:
            return findings(self, *args)
        finally:
            phase[0] = "rows"

    def every(*args, **kwargs):
        raise AssertionError("every matter folded")

    with Ledger.open(load_config(config), create=False) as ledger:
        monkeypatch.setattr(Ledger, "_fold_matters", counted)
        monkeypatch.setattr(dashboard_data._Builder, "_findings", in_findings)
        monkeypatch.setattr(Ledger, "states", every)
        for day in (BEFORE_LAST, AFTER_ALL):
            for viewer in (None, cases["office"]):
                folds.clear()
                page = page_from_ledger(ledger, day, viewer=viewer, limit=limit)
                assert page is not None
                listed = {r.id for r in [*page.overdue, *page.yellow]} | {r.id for r, _ in page.escalated}
                fallback = _fallback_ids(ledger.store.conn, day)
                rows = [i for why, ids in folds if why == "rows" for i in ids]
                assert len(rows) == len(set(rows)) == page.folded.get("rows", 0)
                assert set(rows) <= listed | fallback, (day, viewer, sorted(set(rows) - listed - fallback))
                assert len(rows) <= len(page.overdue) + len(page.yellow) + len(page.escalated) + len(fallback)
                assert len(page.overdue) <= limit and len(page.yellow) <= limit and len(page.escalated) <= limit
                assert "asked" not in page.folded  # the graded rows are not folded
                found = {i for why, ids in folds if why == "findings" for i in ids}
                assert len(found) == page.folded.get("findings", 0)
                if found:  # as ``ducha due`` selects them: an obligation lapsed, a mark; each graded unit's first
                    due = {s.id for s in fold_matters(ledger, sorted(found), day)}
                    assert due and due <= {i for i in found}
        monkeypatch.undo()


def test_a_template_reading_beyond_the_page_gets_every_matter(demo):
    """``rows``, ``snapshot.states`` and a graded row's other fields: read from every matter, folded then."""
    config, cases = demo
    with Ledger.open(load_config(config), create=False) as ledger:
        page = ledger_page(ledger, AFTER_ALL, viewer=cases["office"])
        whole = Snapshot.from_ledger(ledger, AFTER_ALL, viewer=cases["office"])
        assert page.folded.get("rows", 0) < page.total
        assert [r.id for r in page.rows] == [r.id for r in whole.rows] and len(page.rows) == page.total
        assert [s.id for s in page.snapshot.states] == [s.id for s in whole.states]
        assert page.snapshot.unit_name(next(iter(ledger.config.units))) == whole.unit_name(next(iter(ledger.config.units)))
        for row, grade in page.graded:
            assert row.light == whole.row(whole.matter(row.id)).light and grade


def test_the_whole_fold_where_the_read_model_cannot_answer(demo):
    config, _cases = demo
    with Ledger.open(load_config(config), create=False) as ledger:
        conn = ledger.store.conn
        head, matter = conn.execute("SELECT seq, matter FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        conn.execute("UPDATE matters SET last_seq = ? WHERE id = ?", (head - 1, matter))
        try:
            assert page_from_ledger(ledger, AFTER_ALL) is None
            page = ledger_page(ledger, AFTER_ALL)
            assert isinstance(page.snapshot, Snapshot) and page.folded == {}
        finally:
            conn.execute("UPDATE matters SET last_seq = ? WHERE id = ?", (head, matter))
