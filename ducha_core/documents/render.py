"""Documents (公文) from jinja2 templates: 督查通知单, 催办通知, 督查专报, 督查通报, 约谈通知.

Templates are Markdown (``*.md.j2``). A jurisdiction plugin overrides one by shipping a file of the
same name in a directory its ``ducha_template_dirs`` hook returns (``policy.template_dirs``, the
plugin's first); the core defaults in ``ducha_core/templates`` come last (a ``ChoiceLoader``).

A template extends ``_document.md.j2`` and fills its blocks, the parts of a 公文 (GB/T 9704-2012):
issuer (发文机关标志), doc_no (文号), title, addressee (主送), body, attachments, signature, date,
cc, report_to, printed_by, printed_on (版记) … Each block is rendered on its own into a ``Document``,
and the three outputs lay that one object out: Markdown (``layout_markdown``), the printable A4
page (``document.html.j2``, the body through markdown-it-py) and Word (``docx_writer``). One
template per document serves every format, so an override written once prints too.

User text is text (``escape_markdown``): every value a Markdown template interpolates (``{{ … }}``)
is escaped for Markdown, so a title, a progress note or a reason cannot forge a heading, a rule, a
list, a table cell, a link or an image; line breaks in it become spaces. Only what a template marks
itself (``{{ x|safe }}``, a macro's or ``{% set %}`` block's output, built from escaped values) is
written as Markdown. The HTML rendering is a second wall: raw HTML, links, images, autolinks and
link reference definitions are switched off in markdown-it, so nothing in a document's HTML fetches
or points anywhere.

A template that does not extend ``_document.md.j2`` (written before it) still renders: its first
``# heading`` is the title and the rest the body.

Which kinds a jurisdiction has: a kind documents one step of the procedure (``DocKind.step``), and
exists only where the jurisdiction's procedure has that step (``available_kinds``): 约谈通知 only
where the document provides for 约谈, and so on. Rendering another kind is refused.

A matter document exists once its step is recorded on the matter (``step_event``: the latest up to
the day asked for, or the one of the day ``on``) and is as of that step's day (``as_of_step``): its
成文日期 (``today`` in templates) and every fact it states. None recorded, or the matter withdrawn:
an ``InputError`` naming the command that records the step. A period document (督查通报, 年度考核汇总)
is refused for a period not begun by its day (``check_period``). A table left with only its header
row says 「本期无。」 (``empty_tables``).

文号: a document's number (``doc_no`` in templates) follows the deployment's pattern for its kind
(``[documents] number_pattern.<kind> = "渭高督字〔{year}〕{n}号"`` in ``ducha.toml``) and is blank
where none is set: nothing is made up. A matter document's ``{n}`` counts the steps of its kind
recorded that year up to its own (``document_seq``); a period document's comes from the store's
register of issued numbers (``Snapshot.issued``, written by ``ducha doc … --issue``), and until it
is issued it is ``UNNUMBERED`` (「（未编号：预览）」).

The 发文机关 (``issuer`` in templates) is ``[documents] issuer`` in ``ducha.toml``, else the office.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import attrs
import jinja2
import markupsafe

from ducha_core.doc_kinds import (  # noqa: F401  (re-exported: the kinds are named from here too)
    DOC_KINDS,
    GRADING,
    NUMBER_FIELDS,
    DocKind,
    _steps,
    available_kinds,
    check_kind,
    check_pattern,
    kinds_text,
)
from ducha_core.documents.snapshot import SHORT_LIGHT, Period, Snapshot, cn_date, parse_period
from ducha_core.errors import InputError
from ducha_core.events import Event
from ducha_core.matter import LIGHT_NAMES, MatterState

HTML_PAGE = "document.html.j2"


def local_names(policy: Any) -> dict[str, tuple[str, ...]]:
    """What a jurisdiction calls each document kind it has (``available_kinds``), read off the
    ``name`` block of its template (a plugin's override or the core's): 渭南 督办通知 for a
    催办通知, 鄂尔多斯 责成落实通知 or 限期整改通知 for a 督办令. A name the block computes from the
    record reads as every text it may give; the kind's name where the block cannot be read so."""
    env = environment(policy)
    probe = Snapshot(policy, None, date.today(), [])
    out: dict[str, tuple[str, ...]] = {}
    for kind in available_kinds(policy):
        spec = DOC_KINDS[kind]
        try:
            names = _block_names(env, spec.template, probe)
        except (jinja2.TemplateError, InputError, AttributeError, TypeError, ValueError):
            names = ()
        out[kind] = names or (spec.name,)
    return out


def _block_names(env: jinja2.Environment, template: str, probe: Snapshot) -> tuple[str, ...]:
    from jinja2 import nodes

    tree = env.parse(env.loader.get_source(env, template)[0])
    block = next((b for b in tree.find_all(nodes.Block) if b.name == "name"), None)
    if block is None:  # the default: the kind's name
        return ()
    assigned = {a.target.name: a.node for a in tree.find_all(nodes.Assign) if isinstance(a.target, nodes.Name)}

    def texts(expr: Any) -> list[str]:
        if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
            return [expr.value]
        if isinstance(expr, nodes.CondExpr):  # the usual name (else) first, then the special one
            return [*texts(expr.expr2), *texts(expr.expr1)] if expr.expr2 is not None else texts(expr.expr1)
        if isinstance(expr, nodes.Name) and expr.name in assigned:
            return texts(assigned[expr.name])
        if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Getattr) \
                and isinstance(expr.node.node, nodes.Name) and expr.node.node.name == "snapshot" \
                and all(isinstance(a, nodes.Const) for a in expr.args) and not expr.kwargs:
            return [str(getattr(probe, expr.node.attr)(*(a.value for a in expr.args)))]
        return []

    options = [""]
    for output in block.body:
        if not isinstance(output, nodes.Output):
            return ()
        for child in output.nodes:
            found = [child.data] if isinstance(child, nodes.TemplateData) else texts(child)
            if not found:
                return ()
            options = [o + t for o in options for t in found]
    return tuple(dict.fromkeys(o.strip() for o in options if o.strip()))


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
    env.filters["cn_number"] = cn_number
    return env


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (heading numbers 一、二、…; 100 and up in digits)."""
    n = int(n)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


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
#: a value with nothing ``escape_markdown`` would change: no inline syntax, line break, tab or leading
#: blank (and no block marker at its start, checked apart): written as it is
_MD_PLAIN = re.compile(r"[^\\`*\[\]<>!|&~#_\t\r\n\v\f\x85\u2028\u2029]*")


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
    if value.__class__ is str:  # a document repeats its names, dates and statuses: each escaped once
        escaped = _ESCAPED.get(value)
        if escaped is None:
            if len(_ESCAPED) >= 100_000:
                _ESCAPED.clear()
            escaped = _ESCAPED[value] = _escape_markdown(value)
        return escaped
    if hasattr(value, "__html__"):  # marked by the template itself (``|safe``, a macro's output)
        return markupsafe.Markup(value)
    return _escape_markdown(str(value))


#: texts escaped for Markdown (``escape_markdown``), at most 100,000 kept
_ESCAPED: dict[str, markupsafe.Markup] = {}


def _escape_markdown(text: str) -> markupsafe.Markup:
    if _MD_PLAIN.fullmatch(text) and not text.startswith(" ") and not _MD_LINE_START.match(text):
        return markupsafe.Markup(text)  # nothing to escape (most values: names, dates, counts)
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ").lstrip(" ")
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


#: the command that records each step a matter document documents (for the message when none is recorded)
STEP_COMMANDS = {"assign": "assign", "remind": "remind", "report_up": "step report_up", "interview": "interview",
                 "order": "order"}
#: the 文号 of a period document not issued yet (``ducha doc … --issue`` numbers it): a preview
UNNUMBERED = "（未编号：预览）"


def step_event(snapshot: Snapshot, kind: str, matter: MatterState, *, on: date | None = None) -> Event:
    """The step a matter document documents: the latest ``DocKind.step`` recorded on ``matter`` up
    to the snapshot's day (on the day ``on``, if given). None recorded: an ``InputError`` (one
    line) naming the command that records it."""
    event = snapshot.step_event(matter, DOC_KINDS[kind].step, on=on)
    if event is None:
        raise no_step(snapshot, kind, matter, on=on)
    return event


def no_step(snapshot: Snapshot, kind: str, matter: MatterState, *, on: date | None = None,
            upto: date | None = None) -> InputError:
    """The error for a matter document whose step is not recorded (up to ``upto``, the snapshot's
    day; on the day ``on``): 「事项 DC-2025-0001 没有记录督查约谈（interview），没有约谈通知；先为该事项
    记录督查约谈，怎样记录见 ducha interview --help」 — the one command it prints runs as printed (not a
    command with blanks to fill)."""
    spec = DOC_KINDS[kind]
    upto = upto or snapshot.as_of
    t = snapshot.transition(spec.step)
    step = ((t.name if t is not None and t.name else "") or snapshot.policy.action_name(spec.step)).split("（")[0]
    name = STEP_COMMANDS.get(spec.step, "step " + spec.step)
    command = f"为该事项记录{step}，怎样记录见 ducha {name.split()[0]} --help"
    recorded = sorted({e.on for e in matter.events if e.action == spec.step and e.on <= upto})
    if on is not None:
        days = "、".join(str(d) for d in recorded)
        return InputError(f"事项 {matter.id} 在 {on} 没有记录{step}（{spec.step}），没有这一天的{spec.name}；"
                          + (f"已记录{step}的日期：{days}" if days else f"先{command}"))
    when = f"截至 {upto} " if any(e.action == spec.step for e in matter.events) else ""
    return InputError(f"事项 {matter.id} {when}没有记录{step}（{spec.step}），没有{spec.name}；先{command}")


def document_seq(
    snapshot: Snapshot,
    kind: str,
    matter: MatterState | None = None,
    period: Period | None = None,
    *,
    today: date | None = None,
) -> tuple[int, int] | None:
    """(year, n) of a document: n - 1 documents of this kind were issued that year before it.

    A matter document is issued when its step is recorded (督查通知单 with 交办, 催办通知 with 催办,
    督查专报 with 向领导报告, 约谈通知 with 约谈, 督办令 with 下达督办令): it is numbered by the
    matter's latest such event on or before ``today`` among every such event of its year in the log
    (all matters, confidential and withdrawn ones too: a number is never reused; ordered by day,
    then by the order they were recorded). None recorded: the number its step would take if recorded
    ``today`` — no document is made without its step (``step_event``), so none is used up.

    A document that is not a matter's step (督查通报, 年度考核汇总: ``DocKind.subject`` "period") is
    numbered when it is issued (``ducha doc … --issue``): the store's register gives each (kind,
    period) the next n of the kind in the period's year, once; reissued, it keeps it. None: not
    issued yet.
    """
    spec = DOC_KINDS[kind]
    today = today or snapshot.as_of
    if spec.subject == "period":
        if period is None:
            raise InputError(f"{spec.name} needs a period")
        return snapshot.issued.get((kind, period.key))
    if matter is None:
        raise InputError(f"{spec.name} needs a matter")
    own = [e for e in matter.events if e.action == spec.step and e.on <= today]
    if not own:  # the number its step would take if recorded ``today`` (no such document is made: ``step_event``)
        return today.year, 1 + snapshot.steps_before(spec.step, today.year, today)
    event = own[-1]
    return event.on.year, 1 + snapshot.steps_before(spec.step, event.on.year, event.on, event)


def document_number(
    snapshot: Snapshot,
    kind: str,
    matter: MatterState | None = None,
    period: Period | None = None,
    *,
    today: date | None = None,
) -> str:
    """The 文号 of a document by the deployment's pattern for its kind; ``""`` where none is set;
    ``UNNUMBERED`` for a period document not issued yet (a preview)."""
    pattern = snapshot.number_patterns.get(kind)
    if not pattern:
        return ""
    seq = document_seq(snapshot, kind, matter, period, today=today)
    if seq is None:
        return UNNUMBERED
    year, n = seq
    return pattern.format(year=year, n=n)


def check_period(snapshot: Snapshot, period: Period) -> Period:
    """``period`` if it has begun by the snapshot's day; else an ``InputError`` (one line): a
    document about a period not yet begun states nothing."""
    if period.start > snapshot.as_of:
        raise InputError(f"{period.label}（{period.key}）自 {period.start} 开始，截至 {snapshot.as_of} 尚未开始，"
                         "没有可通报的情况；请写已开始的期间")
    return period


class LazyList(Sequence):
    """A list a template may read, made when first read (a template that does not read it costs none)."""

    def __init__(self, make: Callable[[], list]):
        self._make = make
        self._made: list | None = None

    def _list(self) -> list:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, index):
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other: object) -> bool:
        return self._list() == (list(other) if isinstance(other, LazyList) else other)

    def __repr__(self) -> str:
        return repr(self._list())


class Findings(LazyList):
    """``snapshot.findings``, evaluated when first read (a template that lists no findings costs none)."""

    def __init__(self, snapshot: Snapshot):
        super().__init__(lambda: snapshot.findings)


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
    if spec.subject == "matter":
        if not subject:
            raise InputError(f"{spec.name} needs a matter id: ducha doc {kind} MATTER")
        matter = snapshot.matter(subject)
        matters = [matter]
    else:
        if not subject:
            raise InputError(f"{spec.name} needs a period: ducha doc {kind} 2025-Q3 (or 2025, 2025-09)")
        period = check_period(snapshot, parse_period(subject))
        matters = snapshot.in_period(period)
    today = today or snapshot.as_of
    # a period document's findings are evaluated over every matter when its template reads them
    findings = Findings(snapshot) if matter is None else snapshot.matter_findings(matter)
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
        # 发文机关 ([documents] issuer in ducha.toml): 发文机关标志, 署名, 印发机关, 编发机关; else the office
        "issuer": snapshot.issuer or policy.jurisdiction.office,
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
        ctx["unit_stats"] = LazyList(lambda: [s for s in snapshot.unit_stats(period) if s.assigned or s.praise or s.criticism])
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
    if extra:
        ctx.update(extra)
    return ctx


#: the base template every kind's template extends: its blocks are the parts of a 公文
BASE_TEMPLATE = "_document.md.j2"
#: the blocks of ``_document.md.j2``, in the order of the page (``body`` is block Markdown, the rest inline)
BLOCKS = ("name", "issuer", "doc_no", "byline", "title", "addressee", "body", "attachments", "signature", "date",
          "cc", "report_to", "printed_by", "printed_on")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@attrs.frozen
class Document:
    """One document (公文) as its parts (GB/T 9704-2012), each rendered from a block of its template.

    Every part is Markdown-escaped text as the template wrote it (inline Markdown; ``body`` is block
    Markdown); the three outputs (``layout_markdown``, ``render_html``, ``docx_writer.write_docx``)
    lay out this one object. A template that does not extend ``_document.md.j2`` (an old override)
    gives its first ``# heading`` as the title and the rest as the body, and nothing else.
    """

    kind: DocKind
    name: str  #: what the office calls it (file names, <title>)
    issuer: str = ""  #: 发文机关标志 (红头)
    doc_no: str = ""  #: 发文字号 / 期号
    byline: str = ""  #: 简报式 编发机关 and date under the 期号
    title: str = ""  #: 标题
    addressee: str = ""  #: 主送机关, ending with "："
    body: str = ""  #: 正文, block Markdown
    attachments: tuple[str, ...] = ()  #: 附件说明, one name each
    signature: str = ""  #: 发文机关署名
    date: str = ""  #: 成文日期, 2025年12月31日
    cc: str = ""  #: 抄送机关 (版记)
    report_to: str = ""  #: 报送 (版记 "报：")
    printed_by: str = ""  #: 印发机关 (版记)
    printed_on: str = ""  #: 印发日期 (版记)

    @property
    def has_header(self) -> bool:
        return bool(self.issuer or self.doc_no or self.byline)

    @property
    def has_banji(self) -> bool:
        return bool(self.cc or self.report_to or self.printed_by or self.printed_on)

    def plain(self, part: str) -> str:
        """A part as plain text (its Markdown read: escapes and emphasis marks gone), e.g. for a file
        name, the HTML <title> or a test."""
        return markdown_plain(getattr(self, part))


def markdown_plain(text: str) -> str:
    """The text of one line of inline Markdown: ``**重点**\\<b\\>`` → ``重点<b>``."""
    if not text:
        return ""
    tokens = markdown_parser().parseInline(text)
    children = tokens[0].children if tokens and tokens[0].children else []
    return "".join(" " if c.type == "hardbreak" else c.content for c in children
                   if c.type in ("text", "code_inline", "hardbreak"))


def _cn_dates(text: str) -> str:
    """``2025-12-31`` written ``2025年12月31日`` (成文日期 and 印发日期 are written in Chinese)."""
    return _ISO_DATE.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)


def _inline(text: str) -> str:
    """A part on one line: the template's line breaks (and the blanks around them) dropped, as a
    line break inside a Chinese paragraph is no space; full-width spaces (　) are kept."""
    return "".join(line.strip(" \t\r") for line in text.split("\n"))


def as_of_step(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None,
               on: date | None = None) -> tuple[Snapshot, date | None]:
    """A matter document documents its step (``step_event``: the latest recorded up to ``today``,
    or the one of the day ``on``) and is as of that step's day: its 成文日期 and the facts it states.
    Returns the snapshot as of that day and the day; a period document: ``snapshot`` and ``today``."""
    spec = check_kind(snapshot.policy, kind)
    if spec.subject != "matter" or not subject:
        return snapshot, today
    upto = min(today or snapshot.as_of, snapshot.as_of)
    matter = snapshot.matter(subject)
    event = next((e for e in reversed(matter.events)
                  if e.action == spec.step and e.on <= upto and (on is None or e.on == on)), None)
    if event is None:
        raise no_step(snapshot, kind, matter, on=on, upto=upto)
    return snapshot.at(event.on), event.on


def render_document(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None,
                    on: date | None = None) -> Document:
    """The document of ``kind`` about a matter or period: its template's blocks, rendered one by one.
    A matter document is as of its step's day (``as_of_step``)."""
    snapshot, today = as_of_step(snapshot, kind, subject, today=today, on=on)
    env = environment(snapshot.policy)
    ctx = context(snapshot, kind, subject, today=today)
    # as globals, so that macros imported from another template (without context) see them too
    env.globals.update(ctx)
    spec = DOC_KINDS[kind]
    template = env.get_template(spec.template)
    try:
        jctx = template.new_context()
        # the top level once: the parent's blocks are registered, the child's top-level {% set %} run
        text = "".join(template.root_render_func(jctx))
        if "body" not in jctx.blocks:
            return _legacy_document(spec, _tidy(text))
        parts = {name: "".join(jctx.blocks[name][0](jctx)) for name in BLOCKS if name in jctx.blocks}
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {template.filename}: {exc}") from None
    return Document(
        kind=spec,
        name=_inline(parts.get("name", "")) or spec.name,
        issuer=_inline(parts.get("issuer", "")),
        doc_no=_inline(parts.get("doc_no", "")),
        byline=_inline(parts.get("byline", "")),
        title=_inline(parts.get("title", "")),
        addressee=_inline(parts.get("addressee", "")),
        body=empty_tables(renumber_lists(_tidy(parts.get("body", "")))).strip(),
        attachments=tuple(_inline(line) for line in parts.get("attachments", "").splitlines() if line.strip()),
        signature=_inline(parts.get("signature", "")),
        date=_cn_dates(_inline(parts.get("date", ""))),
        cc=_inline(parts.get("cc", "")),
        report_to=_inline(parts.get("report_to", "")),
        printed_by=_inline(parts.get("printed_by", "")),
        printed_on=_cn_dates(_inline(parts.get("printed_on", ""))),
    )


def _legacy_document(spec: DocKind, text: str) -> Document:
    """A template written before ``_document.md.j2``: its first ``# heading`` is the title, the rest the body."""
    lines = text.strip().splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if at is None:
        return Document(kind=spec, name=spec.name, body=text.strip())
    body = "\n".join(lines[:at] + lines[at + 1:]).strip()
    return Document(kind=spec, name=spec.name, title=lines[at][2:].strip(), body=renumber_lists(body).strip())


#: what a table with no rows says instead (a header row over nothing reads as a fault)
NO_ROWS = "本期无。"
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def empty_tables(text: str) -> str:
    """Every Markdown table that has only its header row replaced by ``NO_ROWS`` (「本期无。」)."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts = line.lstrip().startswith("|") and (not out or not out[-1].lstrip().startswith("|"))
        if starts and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]) and "|" in lines[i + 1] \
                and (i + 2 >= len(lines) or not lines[i + 2].lstrip().startswith("|")):
            out.append(NO_ROWS)
            i += 2
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


#: the start of a line an ordered list item's number is written on (what ``renumber_lists`` rewrites)
_ITEM_NUMBER = re.compile(r"^(\s*)\d{1,9}([.)])")


def renumber_lists(text: str) -> str:
    """Ordered list items numbered 1, 2, 3 … in the Markdown text itself (a template that leaves an
    item out writes 1, 2, 4; CommonMark would renumber only in HTML)."""
    lines = text.split("\n")
    if not any(_ITEM_NUMBER.match(line) for line in lines):  # no line a number could be changed on
        return text
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    stack: list[list[int]] = []  # per open list: [its next number], -1 for a bullet list
    for tok in tokens:
        if tok.type == "ordered_list_open":
            stack.append([int(tok.attrGet("start") or 1)])
        elif tok.type == "bullet_list_open":
            stack.append([-1])
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            stack.pop()
        elif tok.type == "list_item_open" and stack and stack[-1][0] >= 0 and tok.map:
            n = stack[-1][0]
            row = tok.map[0]
            lines[row] = _ITEM_NUMBER.sub(lambda m, n=n: f"{m.group(1)}{n}{m.group(2)}", lines[row], count=1)
            stack[-1][0] = n + 1
    return "\n".join(lines)


def layout_markdown(doc: Document) -> str:
    """The document as Markdown, its parts in the order of the page: 版头 (issuer, 文号, rule), 标题,
    主送, 正文, 附件说明, 署名 and 成文日期 (own lines), 版记 (抄送, 报, 印发) after a rule."""
    parts: list[str] = [x for x in (doc.issuer, doc.doc_no, doc.byline) if x]
    if parts:
        parts.append("---")
    if doc.title:
        parts.append(f"# {doc.title}")
    if doc.addressee:
        parts.append(doc.addressee)
    if doc.body:
        parts.append(doc.body)
    if doc.attachments:
        parts.append(attachment_lines(doc.attachments, "\\\n"))
    signoff = [x for x in (doc.signature, doc.date) if x]
    if signoff:
        parts.append("\\\n".join(signoff))
    banji = banji_lines(doc)
    if banji:
        parts += ["---", "\\\n".join(banji)]
    return "\n\n".join(parts) + "\n"


def attachment_lines(names: tuple[str, ...], sep: str = "\n") -> str:
    """附件说明: ``附件：名称``, or ``附件：1. 名称`` with the later ones under the first name."""
    if len(names) == 1:
        return f"附件：{names[0]}"
    return sep.join(f"{'附件：' if i == 1 else '　　　'}{i}. {name}" for i, name in enumerate(names, 1))


def banji_lines(doc: Document) -> list[str]:
    """版记 lines: ``抄送：…。``, ``报：…。``, ``印发机关　　印发日期印发``."""
    lines = []
    if doc.cc:
        lines.append(f"抄送：{doc.cc}" + ("" if doc.cc.endswith("。") else "。"))
    if doc.report_to:
        lines.append(f"报：{doc.report_to}" + ("" if doc.report_to.endswith("。") else "。"))
    if doc.printed_by or doc.printed_on:
        lines.append(f"{doc.printed_by}　　{doc.printed_on}印发" if doc.printed_on else doc.printed_by)
    return lines


def render_markdown(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None,
                    on: date | None = None) -> str:
    return layout_markdown(render_document(snapshot, kind, subject, today=today, on=on))


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template control blocks."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def markdown_parser():
    """markdown-it as documents use it: CommonMark with tables; no links, images or raw HTML."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    # a document links to nothing and shows no image: user text escaped or not, no <a href>, <img> or raw HTML
    md.disable(["link", "image", "autolink", "html_inline", "html_block", "reference"])
    # a line break inside a Chinese paragraph is not a space (it would show as a gap between characters)
    md.add_render_rule("softbreak", lambda *args, **kwargs: "")
    return md


def markdown_to_html(text: str) -> str:
    return markdown_parser().render(text)


def inline_to_html(text: str) -> markupsafe.Markup:
    """One part of a document (title, 主送, 署名 …: inline Markdown) as HTML."""
    return markupsafe.Markup(markdown_parser().renderInline(text))


def render_html(snapshot: Snapshot, kind: str, subject: str | None, *, today: date | None = None,
                on: date | None = None) -> str:
    return layout_html(render_document(snapshot, kind, subject, today=today, on=on), environment(snapshot.policy))


def layout_html(doc: Document, env: jinja2.Environment) -> str:
    """The printable A4 page (``document.html.j2``): the parts of ``doc`` where GB/T 9704-2012 puts them."""
    part = {name: inline_to_html(getattr(doc, name)) for name in BLOCKS if name not in ("body", "attachments")}
    left, _, right = doc.byline.partition("\u3000")
    if right.strip("\u3000 "):  # 简报式: 编发机关 on the left, the date on the right
        part["byline"] = markupsafe.Markup("<span>{}</span><span>{}</span>").format(
            inline_to_html(left), inline_to_html(right.strip("\u3000 ")))
    body = _KAI_HEADING.sub(r'<h\1 class="kai">', markdown_to_html(doc.body)) if doc.body else ""
    return env.get_template(HTML_PAGE).render(
        doc=doc,
        part=part,
        issuer_pt=issuer_size(doc.plain("issuer")),
        signoff=signoff_indents(doc.plain("signature"), doc.plain("date")),
        body=markupsafe.Markup(body),
        attachments=[inline_to_html(line) for line in attachment_lines(doc.attachments).splitlines()]
        if doc.attachments else [],
        banji=[inline_to_html(line) for line in banji_lines(doc)[:-1 if doc.printed_by or doc.printed_on else None]],
        title=doc.plain("title") or doc.name,
        kind=doc.kind,
    )


#: a heading numbered （一）（二）… is set in 楷体 (GB/T 9704-2012: 一、 in 黑体, （一） in 楷体)
_KAI_HEADING = re.compile(r"<h([1-6])>(?=（[一二三四五六七八九十]+）)")
#: 版心 width in points (156 mm) and the largest 发文机关标志 size (小初, 36 pt)
TEXT_WIDTH_PT = 156 / 25.4 * 72
ISSUER_MAX_PT = 36.0


def text_width(text: str) -> float:
    """Width in characters: a CJK (wide) character 1, a half-width one (digits, Latin) 1/2."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def issuer_size(text: str) -> float:
    """The 发文机关标志's size in points: 小初 (36 pt), smaller so that a long name fits on one line."""
    width = text_width(text)
    return ISSUER_MAX_PT if width <= 0 else round(min(ISSUER_MAX_PT, TEXT_WIDTH_PT * 0.96 / width), 1)


def signoff_indents(signature: str, date_text: str) -> tuple[float, float]:
    """How far (in characters) from the right edge the 署名 and the 成文日期 end, by GB/T 9704-2012
    7.3.5.2 (a document without a seal): the 署名 two characters from the right, the date on the
    next line with its first character two to the right of the 署名's first; where the date is the
    longer, the date two from the right and the 署名 moved left to keep the two-character step."""
    sig, day = text_width(signature), text_width(date_text)
    if not signature or not date_text:
        return 2.0, 2.0
    if sig - day >= 2:
        return 2.0, sig - day
    return day + 4 - sig, 2.0


#: the formats a document is written in: text formats give ``str``, .docx gives ``bytes``
FORMATS = ("md", "html", "docx")


def render(snapshot: Snapshot, kind: str, subject: str | None, fmt: str = "md", *,
           today: date | None = None, on: date | None = None) -> Any:
    """A document of ``kind`` about a matter or a period: Markdown (``md``) or printable HTML as text,
    or a Word file (``docx``, GB/T 9704-2012 layout) as bytes."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'; use md, html or docx")
    return layout(render_document(snapshot, kind, subject, today=today, on=on), fmt, snapshot.policy)


def layout(doc: Document, fmt: str, policy: Any) -> Any:
    """``doc`` laid out as ``md`` or ``html`` (text) or ``docx`` (bytes)."""
    if fmt == "md":
        return layout_markdown(doc)
    if fmt == "html":
        return layout_html(doc, environment(policy))
    if fmt == "docx":
        from ducha_core.documents.docx_writer import write_docx

        return write_docx(doc)
    raise InputError(f"unknown format '{fmt}'; use md, html or docx")
