"""Documents (公文) from jinja2 templates: 督查通知单, 催办通知, 督查专报, 督查通报, 约谈通知.

Templates are Markdown (``*.md.j2``). A jurisdiction plugin overrides one by shipping a file of the
same name in a directory its ``ducha_template_dirs`` hook returns (``policy.template_dirs``, the
plugin's first); the core defaults in ``ducha_core/templates`` come last (a ``ChoiceLoader``).

HTML is the same Markdown rendered by markdown-it-py into ``document.html.j2`` (printable A4 page):
one template per document serves both formats, so an override written once prints too. Raw HTML in
Markdown is disabled, so a matter's title can never inject markup into the page.

Markdown conventions the HTML page styles: the first ``# heading`` is the document's title (红头 for
督查通报), a short paragraph (≤40 characters) right after it is the 文号 line (centred), ``---`` is
the rule under the header (red for 督查通报), a paragraph at the very end is the 落款 (right-aligned).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs
import jinja2

from ducha_core.documents.snapshot import SHORT_LIGHT, Period, Snapshot, cn_date, parse_period
from ducha_core.errors import InputError
from ducha_core.matter import LIGHT_NAMES, MatterState


@attrs.frozen
class DocKind:
    id: str
    template: str
    name: str
    subject: str  # matter | period


DOC_KINDS: dict[str, DocKind] = {
    k.id: k
    for k in (
        DocKind("assignment", "assignment_notice.md.j2", "督查通知单", "matter"),
        DocKind("reminder", "reminder_notice.md.j2", "催办通知", "matter"),
        DocKind("special_report", "special_report.md.j2", "督查专报", "matter"),
        DocKind("bulletin", "bulletin.md.j2", "督查通报", "period"),
        DocKind("interview", "interview_notice.md.j2", "约谈通知", "matter"),
    )
}
HTML_PAGE = "document.html.j2"


def environment(policy: Any) -> jinja2.Environment:
    """The jinja2 environment for one policy: its plugin's template dirs first, then the core's."""
    dirs = [str(p) for p in getattr(policy, "template_dirs", ()) if p is not None]
    loader = jinja2.ChoiceLoader([
        *( [jinja2.FileSystemLoader(dirs)] if dirs else [] ),
        jinja2.PackageLoader("ducha_core", "templates"),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cn_date"] = cn_date
    env.filters["light_name"] = lambda lt: LIGHT_NAMES.get(lt, lt)
    env.filters["short_light"] = lambda lt: SHORT_LIGHT.get(lt, lt)
    env.filters["pct"] = lambda x: "—" if x is None else f"{x:.0%}"
    env.filters["cell"] = _cell
    return env


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes or line breaks)."""
    return str("" if text is None else text).replace("|", "｜").replace("\n", " ").strip() or "—"


def _doc_seq(snapshot: Snapshot, matter: MatterState) -> int:
    """A matter's number among those registered in its year (for 文号 lines: 〔2025〕12号)."""
    same_year = [s for s in snapshot.states if s.registered_on.year == matter.registered_on.year]
    for n, s in enumerate(same_year, 1):
        if s.id == matter.id:
            return n
    return len(same_year) + 1


def context(
    snapshot: Snapshot,
    kind: str,
    subject: str | None,
    *,
    today: date | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables a document template sees."""
    if kind not in DOC_KINDS:
        raise InputError(f"unknown document kind '{kind}'; kinds: {', '.join(DOC_KINDS)}")
    spec = DOC_KINDS[kind]
    policy = snapshot.policy
    matter: MatterState | None = None
    period: Period | None = None
    matters = snapshot.states
    if spec.subject == "matter":
        if not subject:
            raise InputError(f"{spec.name} needs a matter id: ducha doc {kind} MATTER")
        matter = snapshot.matter(subject)
        matters = [matter]
    else:
        if not subject:
            raise InputError(f"{spec.name} needs a period: ducha doc {kind} 2025-Q3 (or 2025, 2025-09)")
        period = parse_period(subject)
        matters = snapshot.in_period(period)
    today = today or snapshot.as_of
    findings = [f for f in snapshot.findings if matter is None or f.matter == matter.id
                or (f.matter is None and f.unit in matter.units)]
    ctx: dict[str, Any] = {
        "kind": spec,
        "jurisdiction": policy.jurisdiction,
        "document": policy.jurisdiction.document,
        "policy": policy,
        "matter": matter,
        "matters": matters,
        "period": period,
        "today": today,
        "as_of": snapshot.as_of,
        "office": policy.jurisdiction.office,
        "units": snapshot.units,
        "people": snapshot.people,
        "rows": [snapshot.row(s) for s in matters],
        "action_name": policy.action_name,
        "findings": findings,
        "snapshot": snapshot,
        "unit_name": snapshot.unit_name,
        "unit_names": snapshot.unit_names,
        "person_name": snapshot.person_name,
        "kind_name": snapshot.kind_name,
        "state_name": snapshot.state_name,
        "row": snapshot.row,
        "light_names": LIGHT_NAMES,
    }
    if matter is not None:
        ctx["doc_seq"] = _doc_seq(snapshot, matter)
        ctx["m"] = snapshot.row(matter)
        ctx["last_interview"] = matter.last("interview")
        ctx["responsible"] = {u: snapshot.person_name(p) for u, p in matter.responsible.items()}
        ctx["ext_rule"] = policy.extension_rule_for(matter.kind)
        submit = next((t for t in policy.procedure.transitions if t.action == "submit"), None)
        ctx["submit_rule"] = submit
        ctx["submit_fields"] = "、".join(policy.field_names.get(f, f) for f in submit.requires) if submit else ""
    if period is not None:
        ctx["unit_stats"] = [s for s in snapshot.unit_stats(period) if s.assigned or s.praise or s.criticism]
        rows = ctx["rows"]
        done_in = [r for r in rows if r.done and period.covers(r.matter.submitted_on or r.matter.closed_on)]
        ctx["done_rows"] = done_in
        ctx["on_time_rows"] = [r for r in done_in if r.on_time]
        ctx["late_rows"] = [r for r in done_in if not r.on_time]
        ctx["overdue_rows"] = [r for r in rows if r.light == "red"]
        ctx["open_rows"] = [r for r in rows if not r.done and r.light != "red"]
        ctx["praise"] = snapshot.bulletins("praise", period)
        ctx["criticism"] = snapshot.bulletins("criticism", period)
        ctx["status_groups"] = snapshot.by_progress_status(matters)
        ctx["issue_no"] = _issue_no(period)
    if extra:
        ctx.update(extra)
    return ctx


def _issue_no(period: Period) -> int:
    """期数 of a periodic bulletin: the month, quarter or half-year number (1 for a year)."""
    key = period.key
    if "-Q" in key:
        return int(key[-1])
    if "-H" in key:
        return int(key[-1])
    if "-" in key:
        return int(key.split("-")[1])
    return 1


def render_markdown(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None) -> str:
    env = environment(snapshot.policy)
    ctx = context(snapshot, kind, subject, today=today)
    # as globals, so that macros imported from another template (without context) see them too
    env.globals.update(ctx)
    template = env.get_template(DOC_KINDS[kind].template)
    try:
        text = template.render()
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {template.filename}: {exc}") from None
    return _tidy(text)


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template control blocks."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def markdown_to_html(text: str) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # a line break inside a Chinese paragraph is not a space (it would show as a gap between characters)
    md.add_render_rule("softbreak", lambda *args, **kwargs: "")
    return md.render(text)


_DOCNO = re.compile(r"(</h1>\s*)<p>([^<]{1,40})</p>")


def _mark_docno(html: str) -> str:
    """The short line right under the title is the 文号 / 期数 line: centred by the page's CSS."""
    return _DOCNO.sub(r'\1<p class="docno">\2</p>', html, count=1)


def render_html(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None) -> str:
    markdown = render_markdown(snapshot, kind, subject, today=today)
    env = environment(snapshot.policy)
    spec = DOC_KINDS[kind]
    title = next((line[2:].strip() for line in markdown.splitlines() if line.startswith("# ")), spec.name)
    return env.get_template(HTML_PAGE).render(
        body=_mark_docno(markdown_to_html(markdown)),
        title=title,
        kind=spec,
        jurisdiction=snapshot.policy.jurisdiction,
        red_header=kind == "bulletin",
    )


def render(snapshot: Snapshot, kind: str, subject: str | None, fmt: str = "md", *, today: date | None = None) -> str:
    """A document of ``kind`` about a matter or a period, as Markdown (``md``) or printable HTML."""
    if fmt == "md":
        return render_markdown(snapshot, kind, subject, today=today)
    if fmt == "html":
        return render_html(snapshot, kind, subject, today=today)
    raise InputError(f"unknown format '{fmt}'; use md or html")
