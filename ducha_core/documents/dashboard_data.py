"""The dashboard's figures (``ducha report --html``) from the read model, in SQL: a big ledger's page
without folding every matter.

``dashboard.snapshot_page`` computes a ``Page`` from a ``Snapshot`` (every matter folded);
``page_from_ledger`` computes the same ``Page`` from the read model (``matters``, ``matter_units``,
``obligations``, ``events``): counts, lights, kinds, per-unit figures, monthly figures, grades and
the escalated matters are selected and aggregated by SQL (``GROUP BY``), and only the matters the
page lists are folded — the worst ``limit`` rows of the red, yellow and escalated tables (their rows
are those of ``Snapshot.row``) — besides those the read model cannot answer for the day:

- a matter changed after the as-of day (``last_on > as_of``: its row describes a later day), or
  whose most urgent obligation is a recurring report overdue by the day (a later occurrence may be
  the most urgent one by then), or in a state the policy does not know (as ``Ledger.rows``);
- a matter confidential in the log (its first event, as ``Ledger.ledger_csv`` reads it) that a
  viewer who is neither the office nor named among its viewers may see only if one of their units
  handles it (``Ledger.visible``): folded to know. Without a viewer (``--as``) such a matter is left
  out, unfolded; the office, or a named viewer, sees it as any other.

Those matters are folded (``Part.fold``, as ``Snapshot.from_ledger`` folds them) and counted with
the others. The rule findings (``Snapshot.findings``) are evaluated as ``ducha due`` evaluates them:
over the matters ``escalation.fold_selection`` selects in SQL (``store.matters_to_fold``: an
obligation owed past its last day or met late, the marks a count or a grade reads), which are folded;
with a grade rule, also each graded unit's first matter (a grade's finding names it). The graded
matters' table (every graded matter, unlimited) is made from the read model without folding
(``GradedRow``: id, title and units; anything else folds the matter).

Where the read model cannot answer at all (derived under another policy or calendar, behind the
log, not SQLite, a summary or event data that SQL cannot read) ``page_from_ledger`` returns None
and the caller folds every matter (``Snapshot.from_ledger``). The page is the same either way
(``tests/test_dashboard_sql.py``). What the page does not show is not computed on this path:
``UnitStats.lapses`` stays 0, and a template that reads beyond the page's figures (``rows``,
``snapshot.states`` …) gets them from a snapshot of every matter, folded then.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from ducha_core.documents.snapshot import (
    ESCALATION_ACTIONS,
    LIGHTS,
    Part,
    Row,
    Snapshot,
    UnitStats,
    _as_dict,
    cn_date,
    matter_outcome,
)
from ducha_core.escalation import evaluate, event_units, fold_selection
from ducha_core.events import CREATE_ACTIONS, Event
from ducha_core.matter import MatterState
from ducha_core.policy import WITHDRAWN
from ducha_core.store.schema import secret_registrations

_SKIP = "temp.ducha_dash_skip"


@attrs.define
class Page:
    """What the dashboard shows (``dashboard.render_page``): the figures, and the rows of its tables.
    ``snapshot`` is what the template and the charts read as ``snapshot`` (names, ``kind_counts``,
    ``light_counts``, ``unit_stats``, ``monthly``); ``rows``: every row (built when read, on the SQL
    path). ``folded``: on the SQL path, how many matters were folded and for what (``rows``: the
    rows listed and the matters the read model cannot answer; ``findings``: the rule findings)."""

    snapshot: Any
    policy: Any
    as_of: date
    rows: Sequence[Row]
    total: int
    counts: dict[str, int]
    kind_lights: Counter
    done: int
    on_time: int
    overdue: list[Row]
    overdue_total: int
    yellow: list[Row]
    yellow_total: int
    escalated: list[tuple[Row, list[str]]]
    escalated_total: int
    graded: list[tuple[Any, str]]
    grade_counts: dict[str, int]
    unit_stats: list[UnitStats]
    findings: list[Any]
    findings_total: int
    folded: dict[str, int] = attrs.field(factory=dict)


def escalation_steps(policy: Any, events: Sequence[Event]) -> list[str]:
    """The escalated matters' table's steps: "2025年9月1日 下达督办令" (a 通报 there is 通报批评)."""
    steps = []
    for e in events:
        name = "通报批评" if e.action == "bulletin" else policy.action_name(e.action)
        steps.append(f"{cn_date(e.on)} {name}")
    return steps


def _key(state: MatterState) -> tuple[date, str]:
    return state.registered_on, state.id


class GradedRow:
    """A row of the graded matters' table made from the read model: ``id``, ``title`` and
    ``units_text`` as ``Snapshot.row`` gives them; any other attribute folds the matter (``fold``)."""

    def __init__(self, mid: str, title: str, units_text: str, fold: Callable[[str], Row]):
        self.id, self.title, self.units_text = mid, title, units_text
        self._fold = fold

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._fold(self.id), name)


class LazyRows(Sequence):
    """Every row of the page, made (every matter folded) only when a template reads them."""

    def __init__(self, whole: Callable[[], Snapshot]):
        self._whole = whole

    def _rows(self) -> list[Row]:
        return self._whole().rows

    def __len__(self) -> int:
        return len(self._rows())

    def __getitem__(self, index):  # type: ignore[override]
        return self._rows()[index]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows())


class PageSnapshot:
    """What the template and the charts read as ``snapshot`` on the SQL path: names from a snapshot
    of the matters folded (``base``), the page's figures (``light_counts``, ``kind_counts``,
    ``unit_stats``, ``monthly``) from SQL; anything else from a snapshot of every matter
    (``Snapshot.from_ledger``), made when first asked for."""

    _BASE = frozenset({"policy", "calendar", "as_of", "units", "people", "jurisdiction", "office", "unit_name",
                       "unit_names", "person_name", "kind_name", "state_name", "number_patterns", "issuer"})

    def __init__(self, base: Snapshot, whole: Callable[[], Snapshot], counts: dict[str, int],
                 kinds: list[tuple[str, str, int]], stats: list[UnitStats], months: list[tuple[str, dict[str, int]]]):
        self._base, self._whole = base, whole
        self._counts, self._kinds, self._stats, self._months = counts, kinds, stats, months

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._BASE:
            return getattr(self._base, name)
        return getattr(self._whole(), name)

    def light_counts(self) -> dict[str, int]:
        return dict(self._counts)

    def kind_counts(self) -> list[tuple[str, str, int]]:
        return list(self._kinds)

    def unit_stats(self, period: Any = None) -> list[UnitStats]:
        return list(self._stats) if period is None else self._whole().unit_stats(period)

    def monthly(self, year: int | None = None) -> list[tuple[str, dict[str, int]]]:
        if year is not None and year != self._base.as_of.year:
            return self._whole().monthly(year)
        return [(m, dict(b)) for m, b in self._months]


class _Fallback(Exception):
    """The read model cannot answer (data SQL cannot read the way the fold reads it)."""


def _fallback(what: Any) -> Any:
    raise _Fallback(repr(what))


def page_from_ledger(ledger: Any, as_of: date, *, viewer: str | None = None, limit: int = 200) -> Page | None:
    """The dashboard's page as of ``as_of`` for ``viewer`` (None: confidential matters left out), computed
    from the read model (see the module docstring); None where the read model cannot answer. The
    ledger must stay open while the page is rendered (what the template reads beyond the page's
    figures is folded then)."""
    store = getattr(ledger, "store", None)
    conn = getattr(store, "conn", None)
    if not isinstance(conn, sqlite3.Connection) or not hasattr(store, "matters_to_fold"):
        return None
    if not ledger._read_model_usable() or not store.at_head():
        return None
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one view of the ledger for every query
    try:
        return _Builder(ledger, as_of, viewer, limit).page()
    except (_Fallback, sqlite3.OperationalError, ValueError):
        return None
    finally:
        if began and conn.in_transaction:
            conn.execute("COMMIT")


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _listed(values: Sequence[str]) -> str:
    return ", ".join(_lit(v) for v in values) or "NULL"


def _ids_in(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


class _Builder:
    """One page, built from the read model (``page_from_ledger``)."""

    def __init__(self, ledger: Any, as_of: date, viewer: str | None, limit: int):
        self.ledger, self.as_of, self.viewer, self.limit = ledger, as_of, viewer, limit
        self.policy, self.cal = ledger.policy, ledger.calendar
        self.conn: sqlite3.Connection = ledger.store.conn
        self.source = Part(ledger, as_of, viewer, False)
        self.folded: Counter = Counter()
        config = getattr(ledger, "config", None)
        store = ledger.store
        # a snapshot of the matters folded: their rows (``Snapshot.row``) and figures, and the names
        self.base = Snapshot(
            self.policy, self.cal, as_of, [],
            _as_dict(getattr(config, "units", None)), _as_dict(getattr(config, "people", None)),
            number_patterns=dict(getattr(config, "number_patterns", None) or {}),
            issuer=getattr(config, "issuer", None) or "",
            issued=store.issued_numbers() if hasattr(store, "issued_numbers") else {},
            engine=getattr(ledger, "engine", None),
        )
        self._whole: Snapshot | None = None
        policy = self.policy
        window = int(policy.settings.get("warning_window", 3))
        self.args: dict[str, Any] = {
            "as_of": as_of.isoformat(),
            "cutoff": self.cal.add_workdays(as_of, window + 1).isoformat(),
            "y0": date(as_of.year, 1, 1).isoformat(),
            "y1": min(as_of, date(as_of.year, 12, 31)).isoformat(),
            "y_end": date(as_of.year, 12, 31).isoformat(),
        }
        clock = _listed(sorted(s for s, st in policy.states.items() if st.clock_running))
        terminal = _listed(sorted(s for s, st in policy.states.items() if st.terminal))
        # the light of a matter whose row answers for the day (``Ledger.ledger_csv``; ``matter.light``)
        self.light = (
            "CASE WHEN m.due_what IS NOT NULL THEN (CASE WHEN m.due_date IS NULL THEN 'green'"
            " WHEN :as_of > m.due_date THEN 'red' WHEN m.due_date < :cutoff THEN 'yellow' ELSE 'green' END)"
            f" WHEN m.state IN ({clock}) THEN 'green' WHEN m.state IN ({terminal}) OR m.submitted IS NOT NULL"
            " THEN 'done' ELSE 'none' END")
        # rows that do not answer for the day though not changed since (``Ledger.rows``): folded
        self.stale = ("(m.due_what = 'cycle' AND m.due_date IS NOT NULL AND :as_of > m.due_date)"
                      f" OR m.state NOT IN ({_listed(list(policy.states))})")
        # the matters the read model answers for: nothing after the day, not withdrawn, not set apart
        self.fast = (f"+m.last_on <= :as_of AND m.state != {_lit(WITHDRAWN)}"
                     f" AND m.id NOT IN (SELECT id FROM {_SKIP})")

    # --- helpers ---------------------------------------------------------------------------------

    def whole(self) -> Snapshot:
        """Every matter folded (``Snapshot.from_ledger``): for what a template reads beyond the page."""
        if self._whole is None:
            self._whole = Snapshot.from_ledger(self.ledger, self.as_of, viewer=self.viewer)
        return self._whole

    def fold(self, ids: Sequence[str], why: str) -> list[MatterState]:
        """The matters ``ids`` as ``Snapshot.from_ledger`` has them (those the reader may see, not
        withdrawn, by registration day), counted under ``why``."""
        ids = sorted(set(ids))
        if not ids:
            return []
        self.folded[why] += len(ids)
        kept, _withdrawn = self.source.fold(ids)
        return kept

    def skip(self, ids: Sequence[str]) -> None:
        self.conn.executemany(f"INSERT OR IGNORE INTO {_SKIP} (id) VALUES (?)", [(i,) for i in ids])

    def rows_of(self, states: Sequence[MatterState]) -> dict[str, Row]:
        return {s.id: self.base.row(s) for s in states}

    @staticmethod
    def _units(jtype: str | None, value: Any, lead: str) -> list[str]:
        """``Snapshot.event_units`` of a step from its ``units`` as SQL reads them (json_type, value):
        those named (a text, a list), else the matter's lead units."""
        if jtype == "text" and value:
            return [value]
        if jtype == "array":
            units = json.loads(value)
            if units:
                return list(units) if all(isinstance(u, str) for u in units) else _fallback(value)
        elif jtype not in (None, "null", "text", "false") and not (jtype in ("integer", "real") and value == 0):
            return _fallback(value)  # data the fold would read otherwise (or refuse)
        return lead.split(",") if lead else []

    # --- the page ----------------------------------------------------------------------------------

    def page(self) -> Page:
        conn, args, policy = self.conn, self.args, self.policy
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_SKIP.split('.')[1]} (id TEXT PRIMARY KEY)")
        conn.execute(f"DELETE FROM {_SKIP}")
        office = self.viewer is not None and self.ledger.is_office(self.viewer)

        # the matters the read model does not answer for: changed after the day (with an event by it) …
        later = conn.execute(
            "SELECT m.id, m.registered <= :as_of OR EXISTS (SELECT 1 FROM events e WHERE e.matter = m.id"
            " AND e.on_date <= :as_of) FROM matters m WHERE m.last_on > :as_of", args).fetchall()
        changed = [mid for mid, by_then in later if by_then]
        to_fold = set(changed)
        # … withdrawn (in no figure), not in the log (``Ledger.rows`` leaves them out) …
        self.skip([r[0] for r in conn.execute(f"SELECT id FROM matters WHERE state = {_lit(WITHDRAWN)}")])
        creates = _listed(sorted(CREATE_ACTIONS))
        created = conn.execute(f"SELECT count(*) FROM events WHERE action IN ({creates})").fetchone()[0]
        if created != conn.execute("SELECT count(*) FROM matters").fetchone()[0]:  # else each has its first event
            self.skip([r[0] for r in conn.execute(
                "SELECT m.id FROM matters m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.matter = m.id)")])
        # … confidential in the log (the first event), and the steps recorded confirming a rule (``--step``)
        stepped: set[str] = set()
        secret_seen: set[str] = set()
        for mid, action, on, data in conn.execute(
                "SELECT e.matter, e.action, e.on_date, e.data FROM events e WHERE instr(e.data, '\"step\"') > 0"
                f" OR ({secret_registrations('e.')})"):
            if action in CREATE_ACTIONS and mid not in secret_seen and '"confidential"' in data:
                secret_seen.add(mid)
                secret = self.ledger._log_secret(mid)
                if secret is not None and not office and (self.viewer is None or self.viewer not in secret):
                    if self.viewer is None:
                        self.skip([mid])  # not seen: in no figure
                    else:
                        to_fold.add(mid)  # seen if one of the viewer's units handles it (as of the day)
            if '"step"' in data and on <= args["as_of"]:
                try:
                    if json.loads(data).get("step"):
                        stepped.add(mid)
                except (TypeError, ValueError, AttributeError):
                    raise _Fallback(mid) from None
        self.skip(sorted(to_fold))

        # per lead units, kind, light and on-time verdict (done rows), with the day due (red, yellow rows)
        verdict = (
            "(SELECT min(CASE WHEN o.met_on IS NOT NULL AND o.met_on <= :as_of THEN (CASE WHEN o.late_by > 0 THEN 0 ELSE 2 END)"
            " WHEN o.superseded_on IS NOT NULL AND o.superseded_on <= :as_of THEN (CASE WHEN o.late_by > 0 THEN 0 ELSE 2 END)"
            " WHEN o.ended_on IS NOT NULL AND o.ended_on <= :as_of"
            " THEN (CASE WHEN o.due IS NOT NULL AND o.ended_on > o.due THEN 0 ELSE 2 END)"
            " WHEN o.due IS NULL OR :as_of <= o.due THEN 1"
            " WHEN o.lapses_on IS NOT NULL AND :as_of > o.lapses_on THEN 0 ELSE 1 END)"
            " FROM obligations o WHERE o.matter = b.id AND o.owed_by != 'office' AND o.what IN ('result', 'answer')"
            " AND o.starts <= :as_of)")
        groups = conn.execute(
            f"WITH b AS (SELECT m.id AS id, m.lead_units AS lead, m.kind AS kind, m.due_date AS due,"
            f" CASE WHEN {self.stale} THEN 'fold' ELSE {self.light} END AS light FROM matters m WHERE {self.fast})"
            f" SELECT lead, kind, light, CASE WHEN light = 'done' THEN {verdict} END,"
            " CASE WHEN light IN ('red', 'yellow') THEN due END, count(*) FROM b GROUP BY 1, 2, 3, 4, 5", args).fetchall()
        if any(g[2] == "fold" for g in groups):  # a recurring report overdue by the day, a state not known
            stale = [r[0] for r in conn.execute(f"SELECT m.id FROM matters m WHERE {self.fast} AND ({self.stale})", args)]
            to_fold.update(stale)
            self.skip(stale)
            groups = [g for g in groups if g[2] != "fold"]
        folded = self.fold(sorted(to_fold), "rows")  # F: the matters the read model does not answer for
        base = self.base
        base._states = folded
        frows = self.rows_of(folded)

        # counts: lights, kinds, done, on time
        counts = Counter()
        kind_lights: Counter = Counter()
        kind_n: Counter = Counter()
        done = on_time = 0
        red_due: Counter = Counter()
        yellow_due: Counter = Counter()
        for _lead, kind, light, verdict_, due, n in groups:
            counts[light] += n
            kind_lights[(kind, light)] += n
            kind_n[kind] += n
            if light == "done":
                done += n
                if verdict_ is None or verdict_ == 2:
                    on_time += n
            elif light == "red":
                red_due[due] += n
            elif light == "yellow":
                yellow_due[due] += n
        for state in folded:
            row = frows[state.id]
            counts[row.light] += 1
            kind_lights[(state.kind, row.light)] += 1
            kind_n[state.kind] += 1
            if row.done:
                done += 1
                on_time += bool(row.on_time)
        total = sum(kind_n.values())
        light_counts = {lt: counts.get(lt, 0) for lt in LIGHTS}
        kinds = [(k, base.kind_name(k), kind_n[k]) for k in policy.kinds if kind_n.get(k)]

        # per unit
        stats: dict[str, UnitStats] = {}

        def get(unit: str) -> UnitStats:
            s = stats.get(unit)
            if s is None:
                s = stats[unit] = UnitStats(unit, base.unit_name(unit))
            return s

        for unit in base.units:
            get(unit)
        for lead, _kind, light, verdict_, _due, n in groups:
            outcome = matter_outcome(light == "done", verdict_ is None or verdict_ == 2, light == "red")
            for unit in lead.split(",") if lead else ():
                get(unit).add(outcome, n)
        for state in folded:
            row = frows[state.id]
            outcome = matter_outcome(row.done, row.on_time, row.light == "red")
            for unit in state.lead_units:
                get(unit).add(outcome)
            for event in state.events:
                for unit in Snapshot.event_units(state, event):
                    get(unit).add_step(event.action, event.data.get("type"))
        marked = sorted({"bulletin", "review_return", *ESCALATION_ACTIONS})
        for action, kind, jtype, value, lead, n in conn.execute(
                "SELECT e.action, CASE WHEN e.action = 'bulletin' THEN json_extract(e.data, '$.type') END,"
                " json_type(e.data, '$.units'), json_extract(e.data, '$.units'), m.lead_units, count(*)"
                f" FROM events e JOIN matters m ON m.id = e.matter WHERE e.action IN ({_listed(marked)})"
                f" AND e.on_date <= :as_of AND {self.fast} GROUP BY 1, 2, 3, 4, 5", args):
            for unit in self._units(jtype, value, lead):
                get(unit).add_step(action, kind, n)

        # grades: the graded matters (every one listed), by registration day
        graded_items: list[tuple[date, str, Any, str, tuple[str, ...]]] = []
        for registered, mid, title, lead, co, grade in conn.execute(
                "SELECT m.registered, m.id, m.title, m.lead_units, m.co_units, json_extract(m.state_json, '$.grade')"
                " FROM matters m WHERE instr(m.state_json, '\"marks\":') > 0"
                f" AND instr(m.state_json, '\"grade\":null') = 0 AND {self.fast}", args):  # along matters_marked
            if not grade:
                continue
            leads = tuple(lead.split(",")) if lead else ()
            text = base.unit_names(leads)
            if co:
                text += f"（协办：{base.unit_names(co.split(','))}）"
            graded_items.append((date.fromisoformat(registered), mid, GradedRow(mid, title, text, self._row_of),
                                 str(grade), leads))
        for state in folded:
            if state.grade:
                graded_items.append((state.registered_on, state.id, frows[state.id], state.grade,
                                     tuple(state.lead_units)))
        graded_items.sort(key=lambda g: (g[0], g[1]))
        graded = [(row, grade) for _r, _i, row, grade, _l in graded_items]
        grade_counts: dict[str, int] = {}
        for _r, _i, _row, grade, leads in graded_items:
            grade_counts[grade] = grade_counts.get(grade, 0) + 1
            for unit in leads:
                get(unit).grades.append(grade)
        unit_stats = sorted(stats.values(), key=lambda s: (-s.assigned, s.unit))

        months = self._months(folded)

        # the tables: the worst rows (red, yellow), the escalated matters; those listed are folded
        red_fast = self._red(red_due)
        yellow_fast = self._yellow(yellow_due)
        escalated_fast = self._escalated(stepped)
        red_f = [(-frows[s.id].overdue_workdays, s.registered_on, s.id) for s in folded if frows[s.id].light == "red"]
        yellow_f = [(frows[s.id].due or self.as_of, s.registered_on, s.id) for s in folded
                    if frows[s.id].light == "yellow"]
        escalated_f = {s.id: evs for s, evs in base.escalated()}
        red_top = sorted(red_fast + red_f)[:self.limit]
        yellow_top = sorted(yellow_fast + yellow_f)[:self.limit]
        esc_keys = [(s.registered_on, s.id) for s in folded if s.id in escalated_f] + escalated_fast
        esc_top = sorted(esc_keys)[:self.limit]
        frozen = {s.id for s in folded}
        wanted = {k[2] for k in red_top + yellow_top} | {k[1] for k in esc_top}
        shown = self.fold([i for i in sorted(wanted) if i not in frozen], "rows")
        rows = {**frows, **self.rows_of(shown)}
        if not wanted <= rows.keys():  # a matter listed that the fold does not give (cannot happen)
            raise _Fallback(sorted(wanted - rows.keys()))
        escalated_shown = attrs.evolve(base, states=[s for s in shown if s.id not in frozen]).escalated()
        escalated_f.update({s.id: evs for s, evs in escalated_shown})
        findings = self._findings(folded, [mid for mid, _ in later])
        counts_total = sum(red_due.values()) + len(red_f), sum(yellow_due.values()) + len(yellow_f)
        snapshot = PageSnapshot(base, self.whole, light_counts, kinds, unit_stats, months)
        return Page(
            snapshot=snapshot,
            policy=policy,
            as_of=self.as_of,
            rows=LazyRows(self.whole),
            total=total,
            counts=light_counts,
            kind_lights=kind_lights,
            done=done,
            on_time=on_time,
            overdue=[rows[k[2]] for k in red_top],
            overdue_total=counts_total[0],
            yellow=[rows[k[2]] for k in yellow_top],
            yellow_total=counts_total[1],
            escalated=[(rows[mid], escalation_steps(policy, escalated_f[mid])) for _r, mid in esc_top],
            escalated_total=len(esc_keys),
            graded=graded,
            grade_counts=grade_counts,
            unit_stats=unit_stats,
            findings=findings[:self.limit],
            findings_total=len(findings),
            folded=dict(self.folded),
        )

    def _row_of(self, mid: str) -> Row:
        """The row of one matter, folded (a graded row asked for more than its id, title and units)."""
        states = self.fold([mid], "asked")
        if not states:
            raise AttributeError(mid)
        return self.base.row(states[0])

    def _months(self, folded: list[MatterState]) -> list[tuple[str, dict[str, int]]]:
        """``Snapshot.monthly()``: the matters the read model answers for in SQL, the others folded."""
        months = self.base.monthly()  # of the matters folded
        buckets = [b for _m, b in months]
        for registered, finished, n in self.conn.execute(
                "SELECT CASE WHEN m.registered BETWEEN :y0 AND :y_end THEN CAST(substr(m.registered, 6, 2) AS INTEGER) END,"
                f" CASE WHEN ({self.light}) = 'done' AND coalesce(m.closed, m.submitted) BETWEEN :y0 AND :y_end"
                " THEN CAST(substr(coalesce(m.closed, m.submitted), 6, 2) AS INTEGER) END, count(*)"
                f" FROM matters m WHERE {self.fast} GROUP BY 1, 2", self.args):
            if registered:
                buckets[registered - 1]["registered"] += n
            if finished:
                buckets[finished - 1]["done"] += n
        actions = sorted({"remind", "bulletin", *ESCALATION_ACTIONS})
        for month, action, n in self.conn.execute(
                "SELECT CAST(substr(e.on_date, 6, 2) AS INTEGER), e.action, count(*) FROM events e"
                f" WHERE e.action IN ({_listed(actions)}) AND e.on_date >= :y0 AND e.on_date <= :y1"
                f" AND e.matter NOT IN (SELECT id FROM {_SKIP}) GROUP BY 1, 2", self.args):
            if action == "remind":
                buckets[month - 1]["reminded"] += n
            else:
                buckets[month - 1]["escalated"] += n
        return months

    def _red(self, by_due: Counter) -> list[tuple[int, date, str]]:
        """The worst ``limit`` red rows the read model answers for: (-working days overdue, registered, id)."""
        days = {due: self.cal.workdays_between(date.fromisoformat(due), self.as_of) for due in by_due}
        order = sorted(by_due, key=lambda d: -days[d])
        wanted, n = [], 0
        for due in order:
            if n >= self.limit and days[due] < days[wanted[-1]]:
                break
            wanted.append(due)
            n += by_due[due]
        return sorted((-days[due], date.fromisoformat(registered), mid) for mid, registered, due in self._due_rows(wanted))

    def _yellow(self, by_due: Counter) -> list[tuple[date, date, str]]:
        """The first ``limit`` yellow rows the read model answers for: (due, registered, id)."""
        wanted, n = [], 0
        for due in sorted(by_due):
            if n >= self.limit:
                break
            wanted.append(due)
            n += by_due[due]
        return sorted((date.fromisoformat(due), date.fromisoformat(registered), mid)
                      for mid, registered, due in self._due_rows(wanted))

    def _due_rows(self, dues: Sequence[str]) -> list[tuple[str, str, str]]:
        """The rows the read model answers for whose most urgent obligation owed falls due on one of ``dues``."""
        out: list[tuple[str, str, str]] = []
        for start in range(0, len(dues), 400):
            batch = list(dues[start:start + 400])
            args = {**self.args, **{f"d{i}": d for i, d in enumerate(batch)}}
            out += self.conn.execute(
                f"SELECT m.id, m.registered, m.due_date FROM matters m WHERE m.due_date IN"
                f" ({', '.join(f':d{i}' for i in range(len(batch)))}) AND m.due_what IS NOT NULL"
                f" AND {self.fast} AND NOT ({self.stale})", args).fetchall()
        return out

    def _escalated(self, stepped: set[str]) -> list[tuple[date, str]]:
        """The escalated matters the read model answers for (``Snapshot.escalated``): (registered, id)."""
        ids = {r[0] for r in self.conn.execute(
            f"SELECT DISTINCT e.matter FROM events e WHERE e.action IN ({_listed(sorted(ESCALATION_ACTIONS))})"
            f" AND e.on_date <= :as_of AND e.matter NOT IN (SELECT id FROM {_SKIP})", self.args)}
        ids.update(r[0] for r in self.conn.execute(
            "SELECT DISTINCT e.matter FROM events e WHERE e.action = 'bulletin' AND e.on_date <= :as_of"
            f" AND json_extract(e.data, '$.type') = 'criticism' AND e.matter NOT IN (SELECT id FROM {_SKIP})", self.args))
        ids.update(stepped)
        wanted = sorted(ids)
        out: list[tuple[date, str]] = []
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            out += [(date.fromisoformat(r[0]), r[1]) for r in self.conn.execute(
                f"SELECT m.registered, m.id FROM matters m WHERE m.id IN ({_ids_in(batch)})"
                f" AND +m.last_on <= ? AND m.state != ? AND m.id NOT IN (SELECT id FROM {_SKIP})",
                [*batch, self.args["as_of"], WITHDRAWN])]
        return out

    def _findings(self, folded: list[MatterState], later: Sequence[str]) -> list[Any]:
        """``Snapshot.findings`` as ``ducha due`` finds them: over the matters ``fold_selection`` selects
        (folded; those folded already — and those changed after the day, folded already if they have an
        event by it — are not folded again), each graded unit's first matter with them."""
        store, day = self.ledger.store, self.as_of
        policy, cal = self.policy, self.cal
        selection = fold_selection(policy, cal, day)
        ended = sorted(sid for sid, s in policy.states.items() if s.done)
        scans = [(scan.what, scan.open_only, scan.due_from.isoformat() if scan.due_from else None)
                 for scan in selection.overdue]
        ids = store.matters_to_fold(as_of=day.isoformat(), day=selection.day.isoformat(), overdue=scans,
                                    ended=ended, first_lead=False)
        known = {s.id for s in folded} | set(later)
        skipped = {r[0] for r in self.conn.execute(f"SELECT id FROM {_SKIP}")}
        states = [*folded, *self.fold([i for i in ids if i not in known and i not in skipped], "findings")]
        if selection.first_lead:  # a grade's finding names the unit's first matter (by registration day)
            have = {s.id for s in states}
            units: set[str] = set()
            for state in states:
                for event in state.events:
                    if event.action == "grade" and event.data.get("grade"):
                        units.update(event_units(event, state))
            for unit in sorted(units):
                for mid in store.led_by(unit, day.isoformat()):
                    if mid in have:
                        break
                    if mid in skipped:
                        continue
                    first = self.fold([mid], "findings")
                    if first:
                        states += first
                        have.add(mid)
                        break
        states.sort(key=_key)
        return evaluate(policy, cal, states, day)
