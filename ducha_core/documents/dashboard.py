"""``ducha report --html DIR``: a static dashboard of the ledger (看板), one self-contained index.html.

Charts are inline SVG drawn by ``ducha_core.documents.svg``; no script, no font or style fetched from
the network, so the page opens from file:// and prints. Plugins may override ``dashboard.html.j2``.

The page's figures and tables are a ``Page``: of a snapshot (``snapshot_page``: every matter folded),
or of a ledger (``ledger_page``: computed in SQL from the read model, folding only the matters listed;
``dashboard_data``). Both give the same page.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from ducha_core.documents import svg
from ducha_core.documents.dashboard_data import Page, escalation_steps, page_from_ledger
from ducha_core.documents.render import environment
from ducha_core.documents.snapshot import SHORT_LIGHT, Snapshot, cn_date
from ducha_core.errors import InputError

#: the longest a table on the page gets (a province's ledger has tens of thousands of red matters)
TABLE_LIMIT = 200
LIGHT_COLOURS = {lt: svg.PALETTE[lt] for lt in ("red", "yellow", "green", "done", "none")}


def _rate_colour(rate: float | None) -> str:
    if rate is None:
        return svg.PALETTE["none"]
    if rate >= 0.9:
        return svg.PALETTE["green"]
    if rate >= 0.7:
        return svg.PALETTE["yellow"]
    return svg.PALETTE["red"]


UNIT_CHART_LIMIT = 30  # units in the per-unit chart (the worst); 923 units would make it ~30,000 px tall


def charts(snapshot: Any) -> dict[str, str]:
    """The dashboard's SVG charts, as markup, from a ``Snapshot`` (or a ``Page``'s ``snapshot``)."""
    stats = [s for s in snapshot.unit_stats() if s.assigned]
    # worst first (a unit with nothing done yet counts as worst), capped: the full list is the table below
    by_rate = sorted(stats, key=lambda s: (s.rate if s.rate is not None else -1, -s.done, s.unit))
    shown = by_rate[:UNIT_CHART_LIMIT]
    title = "各单位按时办结率"
    if len(by_rate) > len(shown):
        title += f"（最低的 {len(shown)} 个，共 {len(by_rate)} 个单位；全部见下方各单位情况表）"
    rate_chart = svg.hbar(
        [(s.name, (s.rate or 0) * 100, f"{s.rate_text}（{s.on_time}/{s.done}）") for s in shown],
        max_value=100,
        colors=[_rate_colour(s.rate) for s in shown],
        title=title,
    )
    counts = snapshot.light_counts()
    light_chart = svg.stacked_bar(
        [(SHORT_LIGHT[lt], counts[lt], LIGHT_COLOURS[lt]) for lt in counts if counts[lt] or lt != "none"],
        width=1100,
        title="红黄绿灯分布",
    )
    kinds = snapshot.kind_counts()
    kind_chart = svg.hbar([(_kind_label(name), n, str(n)) for _k, name, n in sorted(kinds, key=lambda x: -x[2])],
                          color=svg.PALETTE["blue"], title="按事项类别")
    months = snapshot.monthly()
    timeline = svg.columns(
        [m for m, _ in months],
        [
            ("立项", [b["registered"] for _, b in months], svg.PALETTE["blue"]),
            ("办结/报送", [b["done"] for _, b in months], svg.PALETTE["green"]),
            ("催办", [b["reminded"] for _, b in months], svg.PALETTE["yellow"]),
            ("通报/督办/约谈", [b["escalated"] for _, b in months], svg.PALETTE["red"]),
        ],
        width=1100,
        title=f"{snapshot.as_of.year}年各月事项动态",
    )
    return {"rate": rate_chart, "lights": light_chart, "kinds": kind_chart, "timeline": timeline}


def _kind_label(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def snapshot_page(snapshot: Snapshot) -> Page:
    """The page of a snapshot (every matter folded): the figures and tables ``render_page`` shows."""
    policy = snapshot.policy
    rows = snapshot.rows
    overdue = sorted((r for r in rows if r.light == "red"), key=lambda r: -r.overdue_workdays)
    yellow = sorted((r for r in rows if r.light == "yellow"), key=lambda r: r.due or snapshot.as_of)
    escalated = [(snapshot.row(state), escalation_steps(policy, events)) for state, events in snapshot.escalated()]
    graded = [(snapshot.row(s), s.grade) for s in snapshot.states if s.grade]
    grade_counts: dict[str, int] = {}
    for _row, grade in graded:
        grade_counts[grade] = grade_counts.get(grade, 0) + 1
    findings = snapshot.findings
    done = [r for r in rows if r.done]
    return Page(
        snapshot=snapshot,
        policy=policy,
        as_of=snapshot.as_of,
        rows=rows,
        total=len(rows),
        counts=snapshot.light_counts(),
        kind_lights=Counter((r.matter.kind, r.light) for r in rows),  # counted here, not by template filters
        done=len(done),
        on_time=sum(1 for r in done if r.on_time),
        overdue=overdue[:TABLE_LIMIT],
        overdue_total=len(overdue),
        yellow=yellow[:TABLE_LIMIT],
        yellow_total=len(yellow),
        escalated=escalated[:TABLE_LIMIT],
        escalated_total=len(escalated),
        graded=graded,
        grade_counts=grade_counts,
        unit_stats=snapshot.unit_stats(),
        findings=findings[:TABLE_LIMIT],
        findings_total=len(findings),
    )


def ledger_page(ledger: Any, as_of: date, *, viewer: str | None = None) -> Page:
    """The page of a ledger as of a day, for ``viewer`` (``--as``; None: confidential matters left out):
    computed in SQL from the read model, folding only the matters it lists and those the read model
    cannot answer for the day (``dashboard_data.page_from_ledger``); where the read model cannot answer
    at all, from a snapshot of every matter (``Snapshot.from_ledger``). Render it (``render_page``,
    ``write_dashboard``) while the ledger is open."""
    page = page_from_ledger(ledger, as_of, viewer=viewer, limit=TABLE_LIMIT)
    if page is None:
        page = snapshot_page(Snapshot.from_ledger(ledger, as_of, viewer=viewer))
    return page


def render_page(page: Page) -> str:
    """A page (``snapshot_page``, ``ledger_page``) as HTML text."""
    policy = page.policy
    env = environment(policy)
    rate = (page.on_time / page.done) if page.done else None
    # the page's own figures and rows under their names, then what is derived for the template
    figures = {f.name: getattr(page, f.name) for f in attrs.fields(Page) if f.name not in ("policy", "folded", "unit_stats")}
    return env.get_template("dashboard.html.j2").render(
        **figures,
        jurisdiction=policy.jurisdiction,
        office=policy.jurisdiction.office,
        rate=rate,
        limit=TABLE_LIMIT,
        grades=policy.grading.grades if policy.grading else (),
        unit_stats=[s for s in page.unit_stats if s.assigned or s.praise or s.criticism],
        charts=charts(page.snapshot),
        action_name=policy.action_name,
        cn_date=cn_date,
        light_colours=LIGHT_COLOURS,
        short_light=SHORT_LIGHT,
        kind_label=_kind_label,
        generated=time.strftime("%Y-%m-%d %H:%M"),
    )


def render_dashboard(snapshot: Snapshot | Page) -> str:
    """The dashboard page as HTML text, of a snapshot (every matter folded) or a page (``ledger_page``)."""
    return render_page(snapshot if isinstance(snapshot, Page) else snapshot_page(snapshot))


def write_dashboard(snapshot: Snapshot | Page, out_dir: str | Path) -> Path:
    """Write ``index.html`` into ``out_dir`` (created if missing) and return its path."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; give a directory for the dashboard")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(render_dashboard(snapshot), encoding="utf-8")
    return path
