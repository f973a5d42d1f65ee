"""Documents as Word files: the GB/T 9704-2012 layout of each kind, for each shipped jurisdiction,
read back with python-docx; the parts of a document (``render.Document``); the layout faults of issue 12;
``ducha doc --format docx``; a PDF through LibreOffice where it is installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date as D

import attrs
import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.documents import DOC_KINDS, Snapshot, parse_period, render
from ducha_core.documents.demo import build, pick_subjects, plan_settings, plan_year
from ducha_core.documents.docx_writer import column_widths
from ducha_core.documents.render import (
    Document,
    cn_number,
    document_number,
    issuer_size,
    layout_markdown,
    markdown_to_html,
    render_document,
    renumber_lists,
    signoff_indents,
)
from ducha_core.documents.snapshot import cn_date
from ducha_core.events import Event as E
from ducha_core.model import Unit
from ducha_core.policy import load_policy

SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")
#: each jurisdiction's office (its policy.py): the 发文机关标志 of its notices
OFFICE = {"weinan_gaoxin": "区督查室", "zhoucun": "区政府督查室", "ordos": "市人民政府督查室",
          "dazhan": "区委督查部门", "ankang": "市政府督查室"}
CN_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.default()


def demo_snapshot(jid, cal, **kw):
    policy = load_policy(jid)
    settings = plan_settings(policy, 2025)
    policy = load_policy(jid, settings) if settings else policy
    demo = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31), matters=30)
    return Snapshot.from_events(policy, cal, demo.events, demo.as_of, demo.units, demo.people, **kw)


def open_docx(data: bytes):
    assert data[:2] == b"PK"  # a zip (OOXML package)
    return docx.Document(io.BytesIO(data))


def east_asia(run) -> str | None:
    fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def border_colour(para, side="bottom") -> str | None:
    ppr = para._p.pPr
    bdr = None if ppr is None else ppr.find(qn("w:pBdr"))
    edge = None if bdr is None else bdr.find(qn(f"w:{side}"))
    return None if edge is None else edge.get(qn("w:color"))


def texts(word) -> list[str]:
    return [p.text for p in word.paragraphs]


# --- each kind of each jurisdiction, read back ---------------------------------------------------------


@pytest.mark.parametrize("jid", SHIPPED)
def test_docx_of_every_kind_has_the_gbt_9704_structure(jid, cal):
    patterns = {k: f"测{k}〔{{year}}〕{{n}}号" for k in ("assignment", "reminder", "special_report", "interview",
                                                       "order", "assessment")} | {"bulletin": "第{n}期"}
    # the period documents as issued (numbered from the store's register: ``ducha doc … --issue``)
    snap = demo_snapshot(jid, cal, number_patterns=patterns,
                         issued={("bulletin", "2025-Q4"): (2025, 4), ("assessment", "2025"): (2025, 1)})
    picked = pick_subjects(snap)
    assert {"assignment", "reminder", "special_report", "bulletin"} <= set(picked), jid
    for kind, subject in picked.items():
        doc = render_document(snap, kind, subject)
        word = open_docx(render(snap, kind, subject, "docx"))
        where = (jid, kind)
        # A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm
        sec = word.sections[0]
        for value, mm in ((sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37),
                          (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)):
            assert abs(value - Mm(mm)) < Mm(0.1), (where, value.mm, mm)
        paras = word.paragraphs
        # 发文机关标志: red, centred, 小标宋, on top
        issuer = paras[0]
        assert issuer.text == doc.plain("issuer") != "", where
        if kind == "assignment":
            assert issuer.text == OFFICE[jid], where
        assert issuer.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.font.color.rgb == RGBColor(0xE0, 0, 0) for r in issuer.runs if r.text), where
        assert east_asia(issuer.runs[0]) == "方正小标宋简体"
        # 发文字号 (期号) centred under it, then the red separator
        by_period = DOC_KINDS[kind].subject == "period"
        number = document_number(snap, kind, None if by_period else snap.matter(subject),
                                 parse_period(subject) if by_period else None)
        assert paras[1].text == number and paras[1].alignment == WD_ALIGN_PARAGRAPH.CENTER, where
        assert re.fullmatch(r"第\d+期" if kind == "bulletin" else rf"测{kind}〔2025〕\d+号", number), (where, number)
        rule = next(i for i, p in enumerate(paras) if border_colour(p) == "E00000")
        assert rule in (2, 3), where  # after the 文号 (and a 简报's byline)
        # 标题 2号 centred, right after the rule
        title = paras[rule + 1]
        assert title.text == doc.plain("title") != "" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER, where
        assert title.runs[0].font.size == Pt(22)
        # 主送: its own paragraph, flush left, ending with "："
        if doc.addressee:
            to = paras[rule + 2]
            assert to.text == doc.plain("addressee") and to.text.endswith("："), where
            assert to.alignment == WD_ALIGN_PARAGRAPH.LEFT and not to.paragraph_format.first_line_indent, where
        # 署名 and 成文日期 on their own lines, right, the date in Chinese
        all_text = texts(word)
        at = max(i for i, t in enumerate(all_text) if t == doc.plain("signature"))
        signature, when = paras[at], paras[at + 1]
        assert signature.alignment == when.alignment == WD_ALIGN_PARAGRAPH.RIGHT, where
        # a matter document is dated the day its step was recorded; a period document the period's day
        day = D(2025, 12, 31) if by_period else snap.step_event(snap.matter(subject), DOC_KINDS[kind].step).on
        assert when.text == cn_date(day) and CN_DATE.match(when.text), where
        # 版记: the last table, named, 印发机关 left and 印发日期 right
        banji = word.tables[-1]
        assert banji._tbl.tblPr.find(qn("w:tblDescription")).get(qn("w:val")) == "版记"
        last = [c.text for c in banji.rows[-1].cells]
        assert last == [OFFICE[jid], f"{cn_date(day)}印发"], where
        # body: 仿宋 3号 (16 pt) for East Asian text, fixed 28.95 pt lines (22 a page)
        normal = word.styles["Normal"]
        fonts = normal.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "仿宋" and fonts.get(qn("w:ascii")) == "仿宋"
        assert normal.font.size == Pt(16)
        assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert normal.paragraph_format.line_spacing == Pt(28.95)
        # every 正文 paragraph is indented two characters (32 pt)
        body_paras = paras[rule + 2 + bool(doc.addressee):at - 1]
        assert body_paras, where
        indented = [p for p in body_paras if p.text and p.style.name == "Normal"
                    and p.paragraph_format.first_line_indent == Pt(32)]
        assert indented, where


@pytest.mark.parametrize("jid", ["weinan_gaoxin", "ankang"])
def test_page_numbers_and_grid(jid, cal):
    snap = demo_snapshot(jid, cal)
    subject = pick_subjects(snap)["bulletin"]
    word = open_docx(render(snap, "bulletin", subject, "docx"))
    sec = word.sections[0]
    # "— 1 —": odd pages right, even pages left (GB/T 9704-2012 7.5)
    assert word.settings.odd_and_even_pages_header_footer
    odd, even = sec.footer.paragraphs[0], sec.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for para in (odd, even):
        assert para.text == "— 1 —"
        assert "PAGE" in "".join(t.text for t in para._p.iter(qn("w:instrText")))
        assert all(east_asia(r) == "宋体" and r.font.size == Pt(14) for r in para.runs)
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"  # 28.95 pt


# --- Markdown of the body in Word -----------------------------------------------------------------------


def one_doc(body: str, **parts) -> Document:
    fields = {"name": "督查通知", "issuer": "区督查室", "title": "督查通知", "addressee": "区住建局：",
              "signature": "区督查室", "date": "2025年10月20日", "printed_by": "区督查室",
              "printed_on": "2025年10月20日"} | parts
    return Document(kind=DOC_KINDS["assignment"], body=body, **fields)


def test_markdown_body_maps_to_word():
    from ducha_core.documents.docx_writer import write_docx

    body = ("### 一、基本情况\n\n正文**重点**和*说明*。\n\n### （一）分项\n\n"
            "1. 甲\n2. 乙\n4. 丙\n\n| 单位 | 件数 |\n| --- | --- |\n| 区住建局 | 2 |\n| 区教育局 | 1 |\n")
    word = open_docx(write_docx(one_doc(body, cc="区政府办公室")))
    paras = {p.text: p for p in word.paragraphs}
    assert paras["一、基本情况"].style.name == "Heading 1"
    assert paras["（一）分项"].style.name == "Heading 2"
    assert word.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert word.styles["Heading 2"].element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体"
    runs = {r.text: r for r in paras["正文重点和说明。"].runs}
    assert east_asia(runs["重点"]) == "黑体" and not runs["重点"].font.bold  # **bold** in 黑体
    assert east_asia(runs["说明"]) == "楷体" and not runs["说明"].font.italic  # *em* in 楷体
    assert runs["正文"]._r.rPr is None  # plain text: the Normal style (仿宋)
    # the ordered list numbered 1．2．3． whatever the source said
    assert [t for t in paras if t[:2] in ("1．", "2．", "3．", "4．")] == ["1．甲", "2．乙", "3．丙"]
    table = word.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["单位", "件数"], ["区住建局", "2"], ["区教育局", "1"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeated on each page
    assert east_asia(table.rows[0].cells[0].paragraphs[0].runs[0]) == "黑体"
    banji = word.tables[-1]
    assert [c.text for c in banji.rows[0].cells] == ["抄送：区政府办公室。"] * 2  # one merged cell
    assert [c.text for c in banji.rows[1].cells] == ["区督查室", "2025年10月20日印发"]


def test_user_text_is_text_in_word():
    from ducha_core.documents.docx_writer import write_docx
    from ducha_core.documents.render import escape_markdown

    title = str(escape_markdown("整治 <b>背街</b> | **小巷**"))
    word = open_docx(write_docx(one_doc(str(escape_markdown("# 不是标题 *也不是强调*")), title=title)))
    titles = [p for p in word.paragraphs if "背街" in p.text]
    assert titles[0].text == "整治 <b>背街</b> | **小巷**"
    assert [p.text for p in word.paragraphs if "不是标题" in p.text] == ["# 不是标题 *也不是强调*"]
    assert all(p.style.name == "Normal" for p in word.paragraphs if "不是标题" in p.text)


def test_attachments_are_listed_under_the_body():
    from ducha_core.documents.docx_writer import write_docx

    doc = one_doc("正文。", attachments=("督查事项清单", "办理情况统计表"))
    assert "附件：1. 督查事项清单\\\n　　　2. 办理情况统计表\n\n区督查室\\\n2025年10月20日" in layout_markdown(doc)
    word = open_docx(write_docx(doc))
    assert [t for t in texts(word) if "附件" in t or t.startswith("2．")] == ["附件：1．督查事项清单", "2．办理情况统计表"]


@pytest.mark.parametrize("signature, day, expected", [
    # the date longer than the 署名: date 2 characters from the right, 署名 moved left (4 + 7 - 4 = 7)
    ("区督查室", "2025年10月20日", (7.0, 2.0)),
    # "2025年1月1日" is 2 + 1 + 0.5 + 1 + 0.5 + 1 = 6 characters wide; the 署名 (14) is the longer by 8
    ("渭南高新技术产业开发区督查室", "2025年1月1日", (2.0, 8.0)),
    ("", "2025年1月1日", (2.0, 2.0)),
])
def test_signoff_indents(signature, day, expected):
    assert signoff_indents(signature, day) == expected


def test_issuer_size_fits_the_line():
    assert issuer_size("区督查室") == 36.0  # 小初
    # 16 characters at 36 pt are 576 pt, wider than the 442 pt 版心: shrunk to 442 × 0.96 / 16
    # 17 characters at 36 pt are 612 pt, wider than the 442.2 pt 版心: 442.2 × 0.96 / 17 = 24.97
    assert issuer_size("渭南高新技术产业开发区管委会督查室") == 25.0


def test_column_widths_keep_ids_whole():
    rows = [["编号", "事项", "责任单位", "办理时限", "状态"],
            ["DC-2025-0016", "贯彻区委1号文件推进乡村振兴", "区住建局", "2025年7月31日", "已立项下达"]]
    widths = column_widths(rows, 5, int(Mm(156)))
    assert abs(sum(widths) - Mm(156)) < 10
    # "DC-2025-0016": 12 half-width characters at 0.6 × 12 pt plus a character of margins
    assert widths[0] >= Pt(12 * 0.6 * 12 + 12) - 10
    assert widths[1] == max(widths)  # the title column takes the room


# --- layout faults of issue 12, each a test ---------------------------------------------------------


UNITS = [Unit("u1", "区住建局"), Unit("u2", "区教育局")]


def small_snapshot(cal, **kw):
    evs = [
        E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction", "title": "背街小巷整治"}),
        E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]}),
        E("M1", "remind", D(2025, 10, 20), "office", {"method": "电话"}),
    ]
    return Snapshot.from_events(load_policy("weinan_gaoxin"), cal, evs, D(2025, 10, 20), units=UNITS, **kw)


@pytest.mark.parametrize("jid", SHIPPED)
def test_addressee_is_left_aligned_not_centred(jid, cal):
    snap = demo_snapshot(jid, cal)
    subject = pick_subjects(snap)["assignment"]
    units = snap.unit_names(snap.matter(subject).lead_units)
    assert units
    html = render(snap, "assignment", subject, "html")
    assert f'<p class="addressee">{units}' in html
    assert re.search(r"p\.addressee \{[^}]*text-align: left", html)
    assert "<h1" not in html.split('<p class="addressee">')[1]  # the 主送 comes after the title


@pytest.mark.parametrize("jid", SHIPPED)
def test_signature_and_chinese_date_on_their_own_lines(jid, cal):
    """Was "区督查室2025-12-31" on one line (Ordos, Weinan: ``{{ office }}\\n{{ today }}``)."""
    snap = demo_snapshot(jid, cal)
    subject = pick_subjects(snap)["reminder"]
    day = cn_date(snap.step_event(snap.matter(subject), "remind").on)  # dated the day of the 催办
    md = render(snap, "reminder", subject)
    assert f"\n\n{OFFICE[jid]}\\\n{day}\n\n---\n" in md
    # the 落款 paragraph is the 署名, a line break, the date in Chinese: no ISO date, nothing else
    assert md.split("\n\n---\n")[-2].rsplit("\n\n", 1)[-1] == f"{OFFICE[jid]}\\\n{day}"
    html = render(snap, "reminder", subject, "html")
    assert re.search(rf'<p class="signature" style="padding-right: [\d.]+em">{OFFICE[jid]}</p>\n'
                     rf'<p class="date" style="padding-right: [\d.]+em">{day}</p>', html)


def test_ordered_lists_are_numbered_without_gaps(cal):
    """The core 督查通知单 numbers its 办理要求 1, 2, (3 if an extension rule), (4 if fields): Ankang
    has no extension rule for the kind, which gave 1, 2, 4."""
    assert renumber_lists("1. a\n2. b\n4. c\n\n- x\n\n3. d\n5. e\n") == "1. a\n2. b\n3. c\n\n- x\n\n3. d\n4. e\n"
    assert renumber_lists("1. a\n   - b\n4. c") == "1. a\n   - b\n2. c"
    snap = demo_snapshot("ankang", cal)
    md = render(snap, "assignment", pick_subjects(snap)["assignment"])
    numbers = [int(m.group(1)) for m in re.finditer(r"^(\d+)\. ", md, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3, md


def test_a_heading_never_runs_into_a_list_item(cal):
    """Ankang's bulletin: a list item ending in ``{% endif %}`` lost its newline, and the next
    **进展顺利** line became part of the item (lazy continuation)."""
    snap = demo_snapshot("ankang", cal)
    md = render(snap, "bulletin", "2025-Q4")
    assert not re.search(r"^- .*\n\*\*", md, re.M), md
    html = markdown_to_html(md)
    for item in re.findall(r"<li>(.*?)</li>", html, re.S):
        assert "<strong>" not in item and "<h" not in item, item


def test_ankang_headings_are_numbered_in_chinese(cal):
    assert [cn_number(n) for n in (1, 9, 10, 11, 19, 20, 21, 99, 100)] == \
        ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九", "100"]
    snap = demo_snapshot("ankang", cal)
    md = render(snap, "bulletin", "2025-Q4")
    assert not re.search(r"^#+ \d+、", md, re.M)  # was "### 11、政协提案"
    headings = re.findall(r"^### ([一二三四五六七八九十]+)、", md, re.M)
    assert headings[:3] == ["一", "二", "三"]


def test_weinan_reminder_is_named_as_it_is_headed(cal, tmp_path):
    """Weinan calls its 催办 督办: the document is headed 督办通知, and so is its file."""
    snap = small_snapshot(cal)
    doc = render_document(snap, "reminder", "M1")
    assert (doc.name, doc.title) == ("督办通知", "督办通知")
    core = attrs.evolve(snap, policy=attrs.evolve(snap.policy, template_dirs=()))
    assert render_document(core, "reminder", "M1").name == "催办通知"  # the core's default
    result = build(tmp_path / "demo", "weinan_gaoxin", matters=10)
    names = {p.name.split("_")[0] for p in result.documents.values()}
    assert "督办通知" in names and "催办通知" not in names
    assert result.documents["reminder.docx"].name.startswith("督办通知_")


# --- ducha doc --format docx ----------------------------------------------------------------------------


def test_cli_docx_needs_out_and_writes_a_word_file(tmp_path):
    build(tmp_path / "demo", "weinan_gaoxin", matters=10)
    config = str(tmp_path / "demo" / "ducha.toml")
    runner = CliRunner()
    bad = runner.invoke(main, ["doc", "assignment", "DC-2025-0001", "--config", config, "--format", "docx"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    errors = [line for line in bad.output.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and "--out" in errors[0] and "docx" in errors[0], bad.output
    out = tmp_path / "通知.docx"
    ok = runner.invoke(main, ["doc", "reminder", "DC-2025-0001", "--config", config, "--format", "docx",
                              "--out", str(out), "--as-of", "2025-12-31"])
    assert ok.exit_code == 0, ok.output
    assert "督办通知已写入" in ok.output
    word = open_docx(out.read_bytes())
    assert word.paragraphs[0].text == "区督查室"
    # dated the day of its latest 督办 (13 February: reminded 11 and 13 February), not the --as-of day
    assert "督办通知" in texts(word) and "2025年2月13日" in texts(word) and "2025年12月31日" not in texts(word)
    # without --format, the file's extension says it; Markdown is never written into a .docx
    by_name = tmp_path / "按扩展名.docx"
    ok = runner.invoke(main, ["doc", "assignment", "DC-2025-0001", "--config", config, "--out", str(by_name)])
    assert ok.exit_code == 0 and open_docx(by_name.read_bytes()).paragraphs[0].text == "区督查室"
    clash = runner.invoke(main, ["doc", "assignment", "DC-2025-0001", "--config", config, "--format", "md",
                                 "--out", str(tmp_path / "x.docx")])
    assert clash.exit_code != 0 and not (tmp_path / "x.docx").exists()
    assert [line for line in clash.output.splitlines() if line.startswith("错误：")] == \
        [f"错误：--out {tmp_path / 'x.docx'} 的扩展名是 .docx，与 --format md 不符；请改用 --format docx 或改文件名"]


# --- LibreOffice ------------------------------------------------------------------------------------


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
def test_docx_renders_to_pdf_in_libreoffice(tmp_path, cal):
    snap = demo_snapshot("ankang", cal)
    source = tmp_path / "bulletin.docx"
    source.write_bytes(render(snap, "bulletin", "2025-Q4", "docx"))
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=240, check=False)
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.exists(), proc.stderr.decode(errors="replace")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2  # a quarter's bulletin of a demo year runs over several A4 pages
    # A4 in points: 595 × 842
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box and abs(float(box.group(1)) - 595.3) < 1 and abs(float(box.group(2)) - 841.9) < 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=60, check=False).stdout
        assert "督查通报".encode() in text and "印发".encode() in text
