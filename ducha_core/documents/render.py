"""Documents (公文) from jinja2 templates: 督查通知单, 催办通知, 督查专报, 督查通报, 约谈通知.

Templates are Markdown (``*.md.j2``). A jurisdiction plugin overrides one by shipping a file of the
same name in a directory its ``ducha_template_dirs`` hook returns (``policy.template_dirs``, the
plugin's first); the core defaults in ``ducha_core/templates`` come last (a ``ChoiceLoader``).

HTML is the same Markdown rendered by markdown-it-py into ``document.html.j2`` (printable A4 page):
one template per document serves both formats, so an override written once prints too.

User text is text (``escape_markdown``): every value a Markdown template interpolates (``{{ … }}``)
is escaped for Markdown, so a title, a progress note or a reason cannot forge a heading, a rule, a
list, a table cell, a link or an image; line breaks in it become spaces. Only what a template marks
itself (``{{ x|safe }}``, a macro's or ``{% set %}`` block's output, built from escaped values) is
written as Markdown. The HTML rendering is a second wall: raw HTML, links, images, autolinks and
link reference definitions are switched off in markdown-it, so nothing in a document's HTML fetches
or points anywhere.

Markdown conventions the HTML page styles: the first ``# heading`` is the document's title (红头 for
督查通报), a short paragraph (≤40 characters) right after it is the 文号 line (centred), ``---`` is
the rule under the header (red for 督查通报), a paragraph at the very end is the 落款 (right-aligned).

Which kinds a jurisdiction has: a kind documents one step of the procedure (``DocKind.step``), and
exists only where the jurisdiction's procedure has that step (``available_kinds``): 约谈通知 only
where the document provides for 约谈, and so on. Rendering another kind is refused.

文号: a document's number (``doc_no`` in templates) follows the deployment's pattern for its kind
(``[documents] number_pattern.<kind> = "渭高督字〔{year}〕{n}号"`` in ``ducha.toml``) and is blank
where none is set: nothing is made up. ``{n}`` counts the documents of that kind issued that year,
read from the log (``document_number``): a matter document is issued when its step is recorded.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs
import jinja2
import markupsafe

from ducha_core.documents.snapshot import SHORT_LIGHT, Period, Snapshot, cn_date, parse_period
from ducha_core.errors import InputError
from ducha_core.events import ACTIONS
from ducha_core.matter import LIGHT_NAMES, MatterState


@attrs.frozen
class DocKind:
    id: str
    template: str
    name: str
    subject: str  # matter | period
    #: the procedure step (action) the document serves; the kind exists only where the procedure has it
    step: str


DOC_KINDS: dict[str, DocKind] = {
    k.id: k
    for k in (
        DocKind("assignment", "assignment_notice.md.j2", "督查通知单", "matter", "assign"),
        DocKind("reminder", "reminder_notice.md.j2", "催办通知", "matter", "remind"),
        DocKind("special_report", "special_report.md.j2", "督查专报", "matter", "report_up"),
        DocKind("bulletin", "bulletin.md.j2", "督查通报", "period", "bulletin"),
        DocKind("interview", "interview_notice.md.j2", "约谈通知", "matter", "interview"),
    )
}
HTML_PAGE = "document.html.j2"
#: the placeholders a 文号 pattern may use: the year and the number within the year
NUMBER_FIELDS = ("year", "n")


def _steps(policy: Any) -> set[str]:
    return {t.action for t in policy.procedure.transitions}


def available_kinds(policy: Any) -> list[str]:
    """The document kinds this jurisdiction has: those whose step its procedure provides
    (e.g. ``interview`` 约谈通知 only where the document has a 约谈 step), in ``DOC_KINDS`` order."""
    steps = _steps(policy)
    return [k.id for k in DOC_KINDS.values() if k.step in steps]


def kinds_text(policy: Any) -> str:
    """``督查通知单（assignment）、催办通知（reminder）…``: the kinds available, for messages."""
    return "、".join(f"{DOC_KINDS[k].name}（{k}）" for k in available_kinds(policy)) or "（无）"


def check_kind(policy: Any, kind: str) -> DocKind:
    """The ``DocKind`` for ``kind``; an ``InputError`` (one line) if it is unknown or if this
    jurisdiction's procedure has no step for it, naming the kinds the jurisdiction has."""
    spec = DOC_KINDS.get(kind)
    if spec is None:
        raise InputError(f"unknown document kind '{kind}'; kinds: {', '.join(available_kinds(policy))}")
    if spec.step not in _steps(policy):
        j = policy.jurisdiction
        action = ACTIONS.get(spec.step, spec.step)
        raise InputError(f"{j.name}《{j.document.title}》未规定{action}环节，没有{spec.name}（{kind}）；"
                         f"本辖区可生成的公文：{kinds_text(policy)}")
    return spec


def check_pattern(pattern: Any) -> str | None:
    """What is wrong with a 文号 pattern (None if it is usable): a string with ``{n}`` and at most
    ``{year}`` besides, e.g. ``渭高督字〔{year}〕{n}号``."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "须为非空文字，如 \"X督字〔{year}〕{n}号\""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        return f"不是可用的格式（{exc}）；请用 {{year}} 和 {{n}}，如 \"X督字〔{{year}}〕{{n}}号\""
    unknown = [f for f in fields if f not in NUMBER_FIELDS]
    if unknown:
        return f"用了 {{{unknown[0]}}}；格式中只能用 {{year}}（年份）和 {{n}}（年内序号）"
    if "n" not in fields:
        return "缺少 {n}（年内序号），如 \"X督字〔{year}〕{n}号\""
    try:
        pattern.format(year=2025, n=1)
    except (ValueError, TypeError) as exc:
        return f"不是可用的格式（{exc}）"
    return None


def environment(policy: Any) -> jinja2.Environment:
    """The jinja2 environment for one policy: its plugin's template dirs first, then the core's."""
    dirs = [str(p) for p in getattr(policy, "template_dirs", ()) if p is not None]
    loader = jinja2.ChoiceLoader([
        *( [jinja2.FileSystemLoader(dirs)] if dirs else [] ),
        jinja2.PackageLoader("ducha_core", "templates"),
    ])
    env = jinja2.Environment(
        loader=loader,
        # HTML pages: HTML escaping; Markdown documents: Markdown escaping (``_finalize``), with the
        # Markup machinery on so that macros, ``{% set %}`` blocks and ``|safe`` are not escaped twice
        autoescape=_autoescape,
        finalize=_finalize,
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
    """Text for a Markdown table cell (no pipes or line breaks; "—" if empty). Still user text: the
    output is escaped for Markdown like any other value."""
    return _LINE_BREAKS.sub(" ", str("" if text is None else text)).replace("|", "｜").strip() or "—"


#: template names written as Markdown (their interpolated values are escaped for Markdown)
MARKDOWN_SUFFIXES = (".md.j2", ".md")
#: characters with a meaning anywhere in a line of Markdown (inline syntax, tables, raw HTML, entities);
#: an underscore inside a word (key_project, 事项_一) cannot open or close emphasis and is left as it is
_MD_INLINE = re.compile(r"([\\`*\[\]<>!|&~#]|(?<![^\W_])_|_(?![^\W_]))")
#: line breaks of any kind (with the blanks around them): a value never starts a new line or block
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\r\n\v\f\x85\u2028\u2029])[ \t\r\n\v\f\x85\u2028\u2029]*")
#: what opens a block when it starts a line: a list item or rule (- + =), an ordered list item (1. 1))
_MD_LINE_START = re.compile(r"^(?:([-+=.])|(\d{1,9})([.)]))")
_MD_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _is_markdown(name: str | None) -> bool:
    return bool(name) and str(name).endswith(MARKDOWN_SUFFIXES)


def _autoescape(name: str | None) -> bool:
    """Escape in HTML pages (HTML escaping) and in Markdown documents (Markdown escaping)."""
    return bool(name) and (str(name).endswith((".html", ".htm", ".html.j2")) or _is_markdown(name))


def escape_markdown(value: Any) -> markupsafe.Markup:
    """``value`` as Markdown that reads as exactly its text: inline syntax (emphasis, code, links,
    images, raw HTML, entities, table pipes, headings) backslash-escaped, line breaks turned into
    spaces and leading blanks dropped, and a block marker at its start (``-`` ``+`` ``=`` ``1.``)
    escaped, so that the value cannot open a heading, rule, list, quote or code block wherever a
    template puts it."""
    if hasattr(value, "__html__"):  # marked by the template itself (``|safe``, a macro's output)
        return markupsafe.Markup(value)
    text = _LINE_BREAKS.sub(" ", str(value)).replace("\t", " ").lstrip(" ")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)
    return markupsafe.Markup(text)


def unescape_markdown(text: str) -> str:
    """The text of escaped Markdown (the backslash escapes removed), e.g. for an HTML ``<title>``."""
    return _MD_UNESCAPE.sub(r"\1", text)


@jinja2.pass_context
def _finalize(ctx: jinja2.runtime.Context, value: Any) -> Any:
    """Every ``{{ … }}`` of a Markdown template is escaped for Markdown unless the template marked it
    as Markdown itself (``|safe``, a macro's output); HTML templates are left to HTML autoescaping."""
    if _is_markdown(ctx.name):
        return escape_markdown(value)
    return value


def document_seq(
    snapshot: Snapshot,
    kind: str,
    matter: MatterState | None = None,
    period: Period | None = None,
    *,
    today: date | None = None,
) -> tuple[int, int]:
    """(year, n) of a document: n - 1 documents of this kind were issued that year before it.

    A matter document is issued when its step is recorded (督查通知单 with 交办, 催办通知 with 催办,
    督查专报 with 向领导报告, 约谈通知 with 约谈): it is numbered by the matter's latest such event on
    or before ``today`` among every such event of its year in the log (all matters, confidential ones
    too; ordered by day, then by the order they were recorded). A document drafted before its step is
    recorded takes the next number of ``today``'s year. A 督查通报 is numbered by its 通报期 within the
    year (2025-Q3: 3, 2025-09: 9, 2025-H2: 2, 2025: 1).
    """
    spec = DOC_KINDS[kind]
    today = today or snapshot.as_of
    if spec.subject == "period":
        if period is None:
            raise InputError(f"{spec.name} needs a period")
        return period.start.year, _issue_no(period)
    if matter is None:
        raise InputError(f"{spec.name} needs a matter")
    keys = snapshot.step_keys(spec.step)
    own = [(e.on, e.seq, matter.id, i) for i, e in enumerate(matter.events) if e.action == spec.step and e.on <= today]
    if own:
        key = own[-1]
        year = key[0].year
        return year, 1 + sum(1 for k in keys if k[0].year == year and k < key)
    year = today.year
    return year, 1 + sum(1 for k in keys if k[0].year == year and k[0] <= today)


def document_number(
    snapshot: Snapshot,
    kind: str,
    matter: MatterState | None = None,
    period: Period | None = None,
    *,
    today: date | None = None,
) -> str:
    """The 文号 of a document by the deployment's pattern for its kind; ``""`` where none is set."""
    pattern = snapshot.number_patterns.get(kind)
    if not pattern:
        return ""
    year, n = document_seq(snapshot, kind, matter, period, today=today)
    return pattern.format(year=year, n=n)


def context(
    snapshot: Snapshot,
    kind: str,
    subject: str | None,
    *,
    today: date | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables a document template sees."""
    policy = snapshot.policy
    spec = check_kind(policy, kind)
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
        # 文号 by the deployment's pattern ([documents] in ducha.toml); "" where none is set
        "doc_no": document_number(snapshot, kind, matter, period, today=today),
    }
    if matter is not None:
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

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    # a document links to nothing and shows no image: user text escaped or not, no <a href>, <img> or raw HTML
    md.disable(["link", "image", "autolink", "html_inline", "html_block", "reference"])
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
    spec = check_kind(snapshot.policy, kind)
    title = next((unescape_markdown(line[2:].strip()) for line in markdown.splitlines() if line.startswith("# ")),
                 spec.name)
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
