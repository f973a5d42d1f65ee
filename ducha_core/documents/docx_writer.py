"""A document (``render.Document``) as a Word file (.docx), laid out per GB/T 9704-2012《党政机关公文格式》.

python-docx builds the file from the same ``Document`` the Markdown and HTML outputs lay out, so one
template per kind serves every format (a plugin's override is a Word file too). The layout:

- A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (margins top 37, left 28, right 26, bottom 35 mm);
  22 lines × 28 characters: a line grid and exact line spacing of 28.95 pt, and the body text
  condensed by 0.25 pt (28 × 15.75 pt fit the 442 pt line). A character grid would do it in Word
  but LibreOffice sets each 16 pt character on two 15.8 pt grid cells, so it is not used.
- 版头: 发文机关标志 red, 小标宋, centred (36 pt, smaller so that a long name fits one line);
  发文字号 (or 期号) centred under it; a 简报's 编发机关 left and date right; the red separator.
- 标题 2号 (22 pt) 小标宋 centred; 主送机关 left, flush; 正文 3号 (16 pt) 仿宋, each paragraph
  indented two characters; headings 一、 in 黑体, （一） in 楷体 (Word's Heading 1 / 2 styles, so
  they show in the navigation pane); **bold** in 黑体, *italics* in 楷体 (CJK faces have no italic);
  tables as Word tables (header row repeated on each page); lists as numbered paragraphs 1．2．
- 附件说明; 发文机关署名 and 成文日期 on their own lines, by the rule for documents without a seal:
  署名 two characters from the right, the date's first character two to the right of the 署名's
  (or the date two from the right and the 署名 moved left, when the date is the longer).
- 版记 at the end: 抄送 / 报, then 印发机关 (left) and 印发日期 (right), between rules (outer
  0.35 mm, inner 0.25 mm).
- Page numbers "— 1 —" in 4号 (14 pt) 宋体: odd pages right, even pages left, one character in.

Fonts are named for East Asian text (``w:eastAsia``) as well as Latin: ``FONTS``. Where a face is
missing, Word/WPS substitute one; LibreOffice on Linux takes the fontconfig match for Chinese
(Debian ``fonts-noto-cjk``: Noto Serif/Sans CJK SC).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from ducha_core.documents.render import Document, issuer_size, markdown_parser, text_width

#: faces by role (GB/T 9704-2012 names 仿宋, 小标宋, 黑体, 楷体; page numbers 宋体)
FONTS = {
    "body": "仿宋",
    "title": "方正小标宋简体",
    "heading": "黑体",
    "kai": "楷体",
    "number": "宋体",
}
RED = "E00000"
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号: 版记, page numbers
TABLE_PT = 12.0  # 小4号: table cells
LINE_PT = 28.95  # 225 mm / 22 lines (579 twips)
#: page geometry in mm (A4; margins: 天头 37, 订口 28, 版心 156 × 225)
PAGE = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
#: character spacing of body text, in twentieths of a point: 28 characters of 16 - 0.25 pt fit 156 mm
CONDENSE_TWIPS = -5

_KAI = re.compile(r"^（[一二三四五六七八九十]+）")


def write_docx(doc: Document) -> bytes:
    """The .docx file of ``doc``, as bytes."""
    import docx

    word = docx.Document()
    _page_setup(word)
    _styles(word)
    _page_numbers(word)
    w = _Writer(word)
    w.header(doc)
    if doc.title:
        w.title(doc.title)
    if doc.addressee:
        w.addressee(doc.addressee)
    if doc.body:
        w.markdown(doc.body)
    if doc.attachments:
        w.attachments(doc.attachments)
    w.signoff(doc)
    if doc.has_banji:
        w.banji(doc)
    core = word.core_properties
    core.title = doc.plain("title") or doc.name
    core.subject = doc.name
    core.author = doc.plain("signature") or doc.plain("printed_by")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- XML helpers ---------------------------------------------------------------------------------

#: child order of the elements this module adds (ECMA-376 CT_PPr, CT_TblPr)
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
              "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription")


def _el(tag: str, **attrs: Any):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _put(parent, el, order: tuple[str, ...]):
    """``el`` as the child of ``parent`` in schema order (replacing one of the same tag)."""
    from docx.oxml.ns import qn

    name = el.tag.rsplit("}", 1)[1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    later = set(order[order.index(name) + 1:])
    for child in parent:
        if child.tag.rsplit("}", 1)[1] in later:
            child.addprevious(el)
            return el
    parent.append(el)
    return el


def set_font(obj, face: str, size: float | None = None, *, color: str | None = None, bold: bool | None = None):
    """Face (Latin and East Asian: ``w:eastAsia``; theme fonts dropped), size, colour and weight of a
    run or a style."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = obj.font
    font.name = face
    element = obj._r if hasattr(obj, "_r") else obj.element
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), face)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    if bold is not None:
        font.bold = bold


def _border(para, side: str, *, size_eighths: int, color: str = "000000", space: int = 1) -> None:
    """A rule on one side of a paragraph (``w:pBdr``)."""
    ppr = para._p.get_or_add_pPr()
    bdr = _el("w:pBdr")
    bdr.append(_el(f"w:{side}", val="single", sz=size_eighths, space=space, color=color))
    _put(ppr, bdr, _PPR_ORDER)


_WORD = re.compile(r"[!-~]+")  # a run of half-width characters (an id, a date) is not broken


def column_widths(rows: list[list[str]], ncols: int, total: int, size: float = TABLE_PT) -> list[int]:
    """Widths (EMU) of a table's columns, summing to ``total``: each column as wide as its longest
    cell (2 to 14 characters); where the table must shrink to fit, no column narrower than its
    longest half-width word (an id like DC-2025-0016 is not broken)."""
    from docx.shared import Pt

    room = total / Pt(size)  # characters across the 版心
    want, least = [], []
    for c in range(ncols):
        cells = [row[c] for row in rows if c < len(row)]
        # a half-width glyph is 0.5 to 0.6 of a CJK one; a cell's margins take about one character
        words = [len(w) * 0.6 for x in cells for w in _WORD.findall(x)]
        least.append(max(words, default=0.0) + 1.0)
        want.append(max(least[-1], max(2.0, min(14.0, max((text_width(x) for x in cells), default=2.0))) + 1.0))
    chars = list(want)
    if sum(want) > room:
        fixed: set[int] = set()
        while True:
            free = [c for c in range(ncols) if c not in fixed]
            scale = (room - sum(least[c] for c in fixed)) / sum(want[c] for c in free) if free else 1.0
            more = {c for c in free if want[c] * scale < least[c]}
            if not more or not free:
                break
            fixed |= more
        chars = [least[c] if c in fixed else want[c] * scale for c in range(ncols)]
    return [int(total * w / sum(chars)) for w in chars]


# --- page, styles, page numbers ------------------------------------------------------------------


def _page_setup(word) -> None:
    from docx.shared import Mm

    section = word.sections[0]
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23)  # the page number's 一字线 about 7 mm under the 版心
    # 22 lines: a line grid of 579 twips (the 28 characters a line: ``CONDENSE_TWIPS`` on the Normal style)
    from docx.oxml.ns import qn

    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = _el("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    if grid.get(qn("w:charSpace")) is not None:
        del grid.attrib[qn("w:charSpace")]


def _styles(word) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    normal = word.styles["Normal"]
    set_font(normal, FONTS["body"], BODY_PT, color="000000")
    _put(normal.element.get_or_add_rPr(), _el("w:spacing", val=CONDENSE_TWIPS), _RPR_ORDER)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.widow_control = True
    # 一、 headings: 黑体; （一）: 楷体; both the body's size, not bold, indented like a paragraph
    for name, face in (("Heading 1", FONTS["heading"]), ("Heading 2", FONTS["kai"])):
        style = word.styles[name]
        set_font(style, face, BODY_PT, color="000000", bold=False)
        spf = style.paragraph_format
        spf.space_before = spf.space_after = Pt(0)
        spf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        spf.line_spacing = Pt(LINE_PT)
        spf.first_line_indent = Pt(2 * BODY_PT)
        spf.keep_with_next = True
    for name in ("Header", "Footer"):
        set_font(word.styles[name], FONTS["number"], SMALL_PT)


def _page_numbers(word) -> None:
    """"— 1 —" at the foot: odd pages right, even pages left, one character (4号) in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word.settings.odd_and_even_pages_header_footer = True
    section = word.sections[0]
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        para.alignment = align
        pf = para.paragraph_format
        pf.line_spacing = 1.0
        if side == "right":
            pf.right_indent = Pt(SMALL_PT)
        else:
            pf.left_indent = Pt(SMALL_PT)
        set_font(para.add_run("— "), FONTS["number"], SMALL_PT)
        _field(para, "PAGE", "1")
        set_font(para.add_run(" —"), FONTS["number"], SMALL_PT)


def _field(para, instruction: str, shown: str) -> None:
    """A field (``PAGE``) as begin / instruction / separate / result / end runs."""
    for part in ("begin", "instr", "separate", "result", "end"):
        run = para.add_run()
        set_font(run, FONTS["number"], SMALL_PT)
        if part == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif part == "result":
            run.text = shown
        else:
            run._r.append(_el("w:fldChar", fldCharType=part))


# --- the document's parts ------------------------------------------------------------------------


class _Writer:
    def __init__(self, word) -> None:
        from docx.shared import Mm

        self.word = word
        self.md = markdown_parser()
        self.text_width = Mm(PAGE["width"] - PAGE["left"] - PAGE["right"])

    # paragraphs ---------------------------------------------------------------------------------

    def para(self, *, align: str | None = None, indent_chars: float = 0, first_chars: float = 0,
             right_chars: float = 0, style: str | None = None, size: float = BODY_PT, line: float | None = LINE_PT,
             before: float = 0, after: float = 0, keep: bool = False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        para = self.word.add_paragraph(style=style)
        if align:
            para.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                              "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        pf = para.paragraph_format
        if indent_chars:
            pf.left_indent = Pt(indent_chars * size)
        if first_chars:
            pf.first_line_indent = Pt(first_chars * size)
        if right_chars:
            pf.right_indent = Pt(right_chars * size)
        if line is None:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(line)
        if before:
            pf.space_before = Pt(before)
        if after:
            pf.space_after = Pt(after)
        if keep:
            pf.keep_with_next = True
        return para

    def runs(self, para, markdown: str, *, face: str | None = None, size: float | None = None,
             color: str | None = None) -> None:
        """Inline Markdown as runs: **bold** in 黑体, *em* in 楷体, hard breaks as line breaks."""
        tokens = self.md.parseInline(markdown)
        children = tokens[0].children if tokens and tokens[0].children else []
        self.inline(para, children, face=face, size=size, color=color)

    def inline(self, para, children: Iterable, *, face: str | None = None, size: float | None = None,
               color: str | None = None) -> None:
        faces = [face]
        for tok in children:
            if tok.type in ("strong_open", "em_open"):
                faces.append(FONTS["heading"] if tok.type == "strong_open" else FONTS["kai"])
            elif tok.type in ("strong_close", "em_close"):
                if len(faces) > 1:
                    faces.pop()
            elif tok.type == "hardbreak":
                para.add_run().add_break()
            elif tok.type == "softbreak":
                continue
            elif tok.content:
                run = para.add_run(tok.content)
                current = faces[-1]
                if current or size or color:
                    set_font(run, current or FONTS["body"], size, color=color)

    # 版头 ----------------------------------------------------------------------------------------

    def header(self, doc: Document) -> None:
        if doc.issuer:
            size = issuer_size(doc.plain("issuer"))
            para = self.para(align="center", line=size * 1.25, after=LINE_PT * 0.75)
            self.runs(para, doc.issuer, face=FONTS["title"], size=size, color=RED)
        if doc.doc_no:
            para = self.para(align="center")
            self.runs(para, doc.doc_no)
        if doc.byline:
            left, _, right = doc.byline.partition("\u3000")
            right = right.strip("\u3000 ")
            para = self.para(align="left" if right else "center")
            if right:
                from docx.enum.text import WD_TAB_ALIGNMENT

                para.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
                self.runs(para, left)
                para.add_run("\t")
                self.runs(para, right)
            else:
                self.runs(para, left)
        if doc.has_header:
            # the red separator, as wide as the 版心, about 4 mm under the 文号
            rule = self.para(line=2, before=11, after=LINE_PT)
            _border(rule, "bottom", size_eighths=12, color=RED, space=0)

    def title(self, markdown: str) -> None:
        para = self.para(align="center", size=TITLE_PT, line=TITLE_PT * 1.6, after=LINE_PT * 0.5, keep=True)
        self.runs(para, markdown, face=FONTS["title"], size=TITLE_PT)

    def addressee(self, markdown: str) -> None:
        para = self.para(align="left", keep=True)  # 主送: flush left, no indent, its own line
        self.runs(para, markdown)

    # 正文 ----------------------------------------------------------------------------------------

    def markdown(self, text: str) -> None:
        tokens = self.md.parse(text)
        lists: list[list[Any]] = []  # per open list: [ordered, next number]
        item_prefix: list[str | None] = []  # per open item: its marker, None once written
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                inline = tokens[i + 1]
                plain = inline.content
                style = "Heading 2" if _KAI.match(plain) else "Heading 1"
                para = self.para(style=style, first_chars=2, keep=True)
                self.inline(para, inline.children or [])
                i += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append([kind == "ordered_list_open", int(tok.attrGet("start") or 1)])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                ordered, n = lists[-1]
                item_prefix.append(f"{n}．" if ordered else "")
                lists[-1][1] = n + 1
            elif kind == "list_item_close":
                if item_prefix:
                    item_prefix.pop()
            elif kind == "paragraph_open":
                inline = tokens[i + 1]
                depth = max(len(lists) - 1, 0)
                para = self.para(align="justify", indent_chars=2 * depth, first_chars=2)
                if item_prefix and item_prefix[-1] is not None:
                    if item_prefix[-1]:
                        para.add_run(item_prefix[-1])
                    item_prefix[-1] = None  # a second paragraph of the item has no marker
                self.inline(para, inline.children or [])
                i += 3
                continue
            elif kind == "table_open":
                i = self.table(tokens, i)
                continue
            elif kind == "hr":
                rule = self.para(line=6)
                _border(rule, "bottom", size_eighths=4)
            elif kind in ("code_block", "fence"):
                for line in tok.content.rstrip("\n").split("\n"):
                    para = self.para(first_chars=2)
                    para.add_run(line)
            i += 1

    def table(self, tokens: list, i: int) -> int:
        """A Markdown table (from ``table_open`` at ``i``) as a Word table; the index after it."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        rows: list[list[tuple[str, Any]]] = []
        header_rows = 0
        in_head = False
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                rows.append([])
                header_rows += in_head
            elif tok.type in ("th_open", "td_open"):
                style = tok.attrGet("style") or ""
                rows[-1].append((tokens[i + 1].content, tokens[i + 1].children or [], style))
                i += 1
            i += 1
        ncols = max((len(r) for r in rows), default=0)
        if not ncols:
            return i + 1
        table = self.word.add_table(rows=len(rows), cols=ncols)
        table.style = self.word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = TABLE_PT
        widths = column_widths([[cell[0] for cell in row] for row in rows], ncols, int(self.text_width))
        table.autofit = False
        for c, width in enumerate(widths):
            table.columns[c].width = width  # w:gridCol: LibreOffice lays out by the grid
        for r, row in enumerate(rows):
            cells = table.rows[r].cells
            if r < header_rows:
                trpr = table.rows[r]._tr.get_or_add_trPr()
                trpr.append(_el("w:tblHeader"))  # repeated at the top of each page
            for c in range(ncols):
                cell = cells[c]
                cell.width = widths[c]
                para = cell.paragraphs[0]
                pf = para.paragraph_format
                pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY  # exact: off the page's line grid
                pf.line_spacing = Pt(size * 1.35)
                pf.first_line_indent = Pt(0)
                if c < len(row):
                    _content, children, style = row[c]
                    if r < header_rows:
                        from docx.enum.text import WD_ALIGN_PARAGRAPH

                        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        self.inline(para, children, face=FONTS["heading"], size=size)
                    else:
                        self.inline(para, children, face=FONTS["body"], size=size)
        # a little air after the table
        self.para(line=8)
        return i + 1

    # 附件说明, 落款, 版记 --------------------------------------------------------------------------

    def attachments(self, names: tuple[str, ...]) -> None:
        self.para(line=LINE_PT)  # 正文下空一行
        if len(names) == 1:
            para = self.para(indent_chars=2, first_chars=0)
            para.add_run("附件：")
            self.runs(para, names[0])
            return
        for n, name in enumerate(names, 1):
            # 附件：1．名称; later names under the first one's number
            para = self.para(indent_chars=5 if n > 1 else 2)
            para.add_run(("附件：" if n == 1 else "") + f"{n}．")
            self.runs(para, name)

    def signoff(self, doc: Document) -> None:
        from ducha_core.documents.render import signoff_indents

        if not (doc.signature or doc.date):
            return
        sig_right, date_right = signoff_indents(doc.plain("signature"), doc.plain("date"))
        self.para(line=LINE_PT)  # 空一行
        if doc.signature:
            para = self.para(align="right", right_chars=sig_right, keep=True)
            self.runs(para, doc.signature)
        if doc.date:
            para = self.para(align="right", right_chars=date_right)
            self.runs(para, doc.date)

    def banji(self, doc: Document) -> None:
        """版记: a borderless table with a thick rule above and below and thin ones between."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.para(line=LINE_PT)
        lines: list[tuple[str, str]] = []
        if doc.cc:
            lines.append(("抄送：", doc.cc + ("" if doc.cc.endswith("。") else "。")))
        if doc.report_to:
            lines.append(("报：", doc.report_to + ("" if doc.report_to.endswith("。") else "。")))
        printed = bool(doc.printed_by or doc.printed_on)
        table = self.word.add_table(rows=len(lines) + printed, cols=2)
        tblpr = table._tbl.tblPr
        borders = _el("w:tblBorders")
        for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 6), ("insideV", 0)):
            borders.append(_el(f"w:{side}", val="single" if size else "nil", sz=size or 0, space=0, color="000000"))
        _put(tblpr, borders, _TBLPR_ORDER)
        _put(tblpr, _el("w:tblW", w=5000, type="pct"), _TBLPR_ORDER)
        for r, (label, text) in enumerate(lines):
            cell = table.rows[r].cells[0].merge(table.rows[r].cells[1])
            para = cell.paragraphs[0]
            para.paragraph_format.left_indent = para.paragraph_format.right_indent = Pt(SMALL_PT)
            para.paragraph_format.line_spacing = Pt(SMALL_PT * 1.6)
            set_font(para.add_run(label), FONTS["body"], SMALL_PT)
            self.runs(para, text, face=FONTS["body"], size=SMALL_PT)
        if printed:
            left, right = table.rows[-1].cells
            for cell, text, align in ((left, doc.printed_by, WD_ALIGN_PARAGRAPH.LEFT),
                                      (right, f"{doc.printed_on}印发" if doc.printed_on else "", WD_ALIGN_PARAGRAPH.RIGHT)):
                para = cell.paragraphs[0]
                para.alignment = align
                para.paragraph_format.line_spacing = Pt(SMALL_PT * 1.6)
                if align == WD_ALIGN_PARAGRAPH.LEFT:
                    para.paragraph_format.left_indent = Pt(SMALL_PT)
                else:
                    para.paragraph_format.right_indent = Pt(SMALL_PT)
                if text:
                    self.runs(para, text, face=FONTS["body"], size=SMALL_PT)
        # named, so that a reader (or a test) finds the 版记 by its table description
        _put(tblpr, _el("w:tblDescription", val="版记"), _TBLPR_ORDER)
