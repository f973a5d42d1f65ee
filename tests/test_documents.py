"""Documents (公文): periods, template context, core templates, plugin overrides, HTML page."""

from __future__ import annotations

from datetime import date as D

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ducha_core.calendar import WorkingCalendar
from ducha_core.documents import DOC_KINDS, Snapshot, parse_period, render
from ducha_core.documents.render import (
    available_kinds,
    check_pattern,
    document_number,
    environment,
    markdown_to_html,
)
from ducha_core.errors import InputError
from ducha_core.events import Event as E
from ducha_core.model import Unit
from ducha_core.policy import load_policy
from ducha_core.registry import all_ids

SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")


def installed_ids() -> list[str]:
    """The jurisdictions ducha ships (its suite tests these, not every plugin installed beside it)."""
    return list(SHIPPED)

UNITS = [Unit("u1", "区住建局"), Unit("u2", "区教育局"), Unit("u3", "城关街道")]
SUBMIT = {"document_number": "高新住建发〔2025〕3号", "signer": "王建华", "seal": True}


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.default()


@pytest.fixture(scope="module")
def weinan():
    policy = load_policy("weinan_gaoxin", {"issued": "2024-03-01"})
    return attrs.evolve(policy, template_dirs=())  # the core's default templates only


def events():
    return [
        # M1: 9/30 + 5 working days across National Day = 10/14; never reported
        E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction", "title": "整治 <b>背街</b> | 小巷"}),
        E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]}),
        # M2: assigned Tue 3/4, due Tue 3/11 (5 working days); reported 3/10: on time
        E("M2", "register", D(2025, 3, 3), "office", {"kind": "instruction", "title": "老旧小区改造"}),
        E("M2", "assign", D(2025, 3, 4), "office", {"lead_units": ["u1"], "co_units": ["u2"]}),
        E("M2", "submit", D(2025, 3, 10), "unit:u1", SUBMIT),
        E("M2", "review_pass", D(2025, 3, 11), "office", {}),
        E("M2", "close", D(2025, 3, 12), "office", {}),
        E("M2", "bulletin", D(2025, 3, 12), "office", {"type": "praise", "approved_by": "主要领导"}),
        # M3: assigned Mon 7/7, due Mon 7/14; reported 7/16: late
        E("M3", "register", D(2025, 7, 4), "office", {"kind": "instruction", "title": "校园周边交通整治"}),
        E("M3", "assign", D(2025, 7, 7), "office", {"lead_units": ["u2"]}),
        E("M3", "submit", D(2025, 7, 16), "unit:u2", SUBMIT),
        E("M3", "review_pass", D(2025, 7, 17), "office", {}),
        E("M3", "bulletin", D(2025, 7, 18), "office", {"type": "criticism", "approved_by": "主要领导"}),
    ]


def steps():
    """The steps the matter documents document (a document exists once its step is recorded)."""
    return [
        E("M1", "remind", D(2025, 10, 20), "office", {"method": "电话"}),
        E("M1", "interview", D(2025, 10, 20), "leader", {}),
        E("M2", "report_up", D(2025, 3, 12), "office", {}),
    ]


@pytest.fixture(scope="module")
def snap(weinan, cal):
    evs = events()
    at = next(i for i, e in enumerate(evs) if (e.matter, e.action) == ("M2", "close"))
    return Snapshot.from_events(weinan, cal, [*evs[:at], *steps(), *evs[at:]], D(2025, 10, 20), units=UNITS)


# --- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, end, label",
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), "2025年"),
        ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30), "2025年第三季度"),
        ("2025q4", D(2025, 10, 1), D(2025, 12, 31), "2025年第四季度"),
        ("2025-H1", D(2025, 1, 1), D(2025, 6, 30), "2025年上半年"),
        ("2025-09", D(2025, 9, 1), D(2025, 9, 30), "2025年9月"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
        ("2025-02", D(2025, 2, 1), D(2025, 2, 28), "2025年2月"),
    ],
)
def test_parse_period(text, start, end, label):
    p = parse_period(text)
    assert (p.start, p.end, p.label, str(p)) == (start, end, label, label)


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "25", "2025-09-01", "九月", ""])
def test_parse_period_refuses(text):
    with pytest.raises(InputError, match="无法识别期间"):
        parse_period(text)


@given(st.integers(1900, 2200), st.integers(1, 12))
def test_months_tile_their_quarter(year, month):
    m = parse_period(f"{year}-{month:02d}")
    q = parse_period(f"{year}-Q{(month - 1) // 3 + 1}")
    assert q.start <= m.start <= m.end <= q.end
    assert (m.end - m.start).days + 1 in (28, 29, 30, 31)


# --- figures --------------------------------------------------------------------------------------


def test_rows_lights_and_on_time(snap):
    rows = {r.id: r for r in snap.rows}
    assert rows["M1"].light == "red" and rows["M1"].due == D(2025, 10, 14)
    assert rows["M1"].overdue_workdays == 4  # 10/15, 16, 17, 20
    assert rows["M2"].done and rows["M2"].on_time is True
    assert rows["M3"].done and rows["M3"].on_time is False
    stats = {s.unit: s for s in snap.unit_stats()}
    assert (stats["u1"].assigned, stats["u1"].done, stats["u1"].on_time, stats["u1"].overdue) == (2, 1, 1, 1)
    assert stats["u1"].praise == 1 and stats["u1"].rate == 1.0
    assert (stats["u2"].done, stats["u2"].late, stats["u2"].criticism, stats["u2"].rate) == (1, 1, 1, 0.0)
    assert stats["u3"].assigned == 0 and stats["u3"].rate is None


# --- documents ------------------------------------------------------------------------------------


def test_assignment_notice(snap):
    text = render(snap, "assignment", "M1")
    # 发文机关标志, the rule, then the title; the 主送 line on its own, not bold (GB/T 9704-2012)
    assert text.startswith("区督查室\n\n---\n\n# 区督查室督查通知单\n\n区住建局：\n\n")
    assert "| 办理时限 | 2025年10月14日 |" in text
    assert "依据九" in text  # the rule's article
    assert "发文字号、签发人、单位公章（十一）" in text
    assert "整治 \\<b\\>背街\\</b\\> ｜ 小巷" in text  # a pipe cannot break the table; user text is text


def test_reminder_counts_working_days_overdue(snap):
    text = render(snap, "reminder", "M1")
    assert "已逾期4个工作日" in text
    assert "截至2025年10月20日" in text


def test_special_report_history(snap):
    text = render(snap, "special_report", "M2")
    assert "一、基本情况" in text and "区住建局（协办：区教育局）" in text
    assert "| 2025年3月10日 | 上报办理报告 |" in text  # the document's name for the step
    assert "该事项已按期办结" in text


def test_bulletin_counts(weinan, cal):
    # the bulletin for Q3 is read as of the quarter's end
    snap = Snapshot.from_events(weinan, cal, events(), D(2025, 9, 30), units=UNITS)
    text = render(snap, "bulletin", "2025-Q3")
    assert "2025年第三季度（2025年7月1日至2025年9月30日）" in text
    # M3 (done, late) and M1 (registered 9/29, due 10/14: still running); M2 was finished in March
    assert "共跟踪督办事项2件" in text
    assert "其中办结1件（按期0件、逾期1件），\n正在办理1件，逾期未办结0件" in text
    # the criticism as recorded (its day; no reason was recorded, so none is made up)
    assert "- 区教育局：「校园周边交通整治」2025年7月18日予以通报批评。" in text
    assert "通报表扬\n\n- 本期无。" in text


def test_bulletin_year(snap):
    text = render(snap, "bulletin", "2025")
    assert "共跟踪督办事项3件" in text
    assert "其中办结2件（按期1件、逾期1件）" in text
    assert "| 区住建局 | 2 | 1 | 1 | 0 | 1 | 100% |" in text
    assert "| M1 |" in text  # overdue list


def test_interview_notice(snap):
    text = render(snap, "interview", "M1")
    assert "区住建局主要负责人" in text and "已逾期4个工作日" in text


def test_unknown_matter_and_kind(snap):
    with pytest.raises(InputError, match="没有事项 M9（截至"):
        render(snap, "assignment", "M9")
    with pytest.raises(InputError, match="unknown document kind"):
        render(snap, "memo", "M1")
    with pytest.raises(InputError, match="无法识别期间"):
        render(snap, "bulletin", "M1")


def test_html_page_is_printable_and_escaped(snap):
    page = render(snap, "assignment", "M1", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "size: A4" in page and "仿宋" in page
    assert "<b>背街</b>" not in page and "&lt;b&gt;背街&lt;/b&gt;" in page  # no markup injection
    assert "<table>" in page and '<h1 class="title">区督查室督查通知单</h1>' in page
    assert "http://" not in page and "https://" not in page  # nothing fetched
    assert '<p class="issuer" style="font-size: 36.0pt">区督查室</p>' in page and "color: #e00" in page  # 红头
    bulletin = render(snap, "bulletin", "2025", "html")
    assert '<p class="issuer" style="font-size: 36.0pt">督查通报</p>' in bulletin


def test_markdown_to_html_tables_and_chinese_line_breaks():
    html = markdown_to_html("| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    assert "<td>1</td>" in html
    assert markdown_to_html("共跟踪督办事项2件，\n其中办结1件") == "<p>共跟踪督办事项2件，其中办结1件</p>\n"


def test_docno_line_is_marked(weinan, cal):
    snap = Snapshot.from_events(weinan, cal, events(), D(2025, 10, 20), units=UNITS,
                                number_patterns={"assignment": "渭高督字〔{year}〕{n}号"})
    page = render(snap, "assignment", "M1", "html")
    assert '<p class="issuer" style="font-size: 36.0pt">区督查室</p>\n<p class="docno">渭高督字〔2025〕3号</p>\n<hr class="red">' in page


def test_plugin_template_overrides_core(tmp_path, weinan, cal):
    (tmp_path / "assignment_notice.md.j2").write_text("# 自定义通知单 {{ matter.id }} {{ unit_names(matter.lead_units) }}\n",
                                                     encoding="utf-8")
    policy = attrs.evolve(weinan, template_dirs=(tmp_path,))
    snap = Snapshot.from_events(policy, cal, [*events(), *steps()[:1]], D(2025, 10, 20), units=UNITS)
    assert render(snap, "assignment", "M1") == "# 自定义通知单 M1 区住建局\n"
    assert "\n# 区督查室催办通知\n" in render(snap, "reminder", "M1")  # falls back to the core's
    env = environment(policy)
    assert env.get_template("assignment_notice.md.j2").filename.startswith(str(tmp_path))


def test_core_templates_ship_in_the_package():
    from importlib.resources import files

    names = {p.name for p in files("ducha_core").joinpath("templates").iterdir()}
    assert {k.template for k in DOC_KINDS.values()} | {"document.html.j2", "dashboard.html.j2"} <= names


@pytest.mark.parametrize("jid", installed_ids())
def test_every_kind_renders_for_every_installed_jurisdiction(jid, cal):
    """With each plugin's own overrides: a year of demo matters, one document of each kind, both formats."""
    if jid not in all_ids():
        pytest.skip(f"{jid} is not installed")
    from ducha_core.documents.demo import pick_subjects, plan_settings, plan_year

    policy = load_policy(jid)
    settings = plan_settings(policy, 2025)
    policy = load_policy(jid, settings) if settings else policy
    demo = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31), matters=30)
    snap = Snapshot.from_events(policy, cal, demo.events, demo.as_of, demo.units, demo.people)
    picked = pick_subjects(snap)
    assert list(picked) == available_kinds(policy), jid  # only the kinds the document has
    for kind, subject in picked.items():
        md = render(snap, kind, subject, "md")
        assert "\n---\n\n# " in md, (jid, kind)  # 版头, the rule, the title
        assert "Undefined" not in md and "None" not in md.replace("None年", ""), (jid, kind, md)
        html = render(snap, kind, subject, "html")
        assert '<h1 class="title">' in html


# --- which kinds a jurisdiction has -----------------------------------------------------------------

#: read off each plugin's procedure (plugins/<id>/policy.py): only Weinan (十六(一) 督查约谈) and
#: Ankang (第十二条(三) 约谈) have a 约谈 step; all five have 交办, 催办, 向领导报告 and 通报
EXPECTED_KINDS = {
    # 督办令 where the procedure has the order step (Weinan 十六(二), Ordos 责成/限期整改, Dazhan 督办通知);
    # the year's 考核汇总 where the year's results go into the annual assessment as grades or points
    # (Ankang 第十二条(四), Weinan 十六(四), Zhoucun 六(三))
    "weinan_gaoxin": ["assignment", "reminder", "special_report", "bulletin", "interview", "order", "assessment"],
    "zhoucun": ["assignment", "reminder", "special_report", "bulletin", "assessment"],
    "ordos": ["assignment", "reminder", "special_report", "bulletin", "order"],
    "dazhan": ["assignment", "reminder", "special_report", "bulletin", "order"],
    "ankang": ["assignment", "reminder", "special_report", "bulletin", "interview", "assessment"],
}


def _installed_policy(jid):
    if jid not in installed_ids():
        pytest.skip(f"{jid} is not installed")
    return load_policy(jid)


@pytest.mark.parametrize("jid", SHIPPED)
def test_available_kinds_are_the_steps_the_document_has(jid):
    policy = _installed_policy(jid)
    steps = {t.action for t in policy.procedure.transitions}
    if policy.grading is not None and (policy.grading.rules or policy.grading.deductions):
        steps.add("grading")  # the 考核汇总 exists where the year's results become grades or points
    assert available_kinds(policy) == EXPECTED_KINDS[jid]
    for kind, spec in DOC_KINDS.items():
        assert (kind in available_kinds(policy)) == (spec.step in steps), (jid, kind)
    assert ("interview" in steps) == (jid in ("weinan_gaoxin", "ankang"))


@pytest.mark.parametrize("jid", ["ordos", "zhoucun", "dazhan"])
def test_a_kind_without_its_step_is_refused_naming_the_kinds(jid, cal):
    policy = _installed_policy(jid)
    snap = Snapshot.from_events(policy, cal, [], D(2025, 10, 20))
    for fmt in ("md", "html"):
        with pytest.raises(InputError) as info:
            render(snap, "interview", "M1", fmt)
        message = str(info.value)
        assert "\n" not in message
        assert f"{policy.jurisdiction.name}《{policy.jurisdiction.document.title}》未规定约谈环节，没有约谈通知（interview）" in message
        assert "本辖区可生成的公文：督查通知单（assignment）、催办通知（reminder）、督查专报（special_report）、督查通报（bulletin）" in message


def test_unknown_kind_lists_the_jurisdictions_kinds(cal):
    snap = Snapshot.from_events(_installed_policy("ordos"), cal, [], D(2025, 10, 20))
    with pytest.raises(InputError, match=r"unknown document kind 'memo'; kinds: assignment, reminder, special_report, bulletin, order$"):
        render(snap, "memo", "M1")


# --- 文号 -----------------------------------------------------------------------------------------

PATTERNS = {"assignment": "渭高督字〔{year}〕{n}号", "reminder": "渭高督催字〔{year}〕{n}号", "bulletin": "第{n}期"}


def numbered_events():
    return [
        *events(),
        # a matter assigned in 2024: the 2024 series
        E("M0", "register", D(2024, 12, 2), "office", {"kind": "instruction", "title": "去年的事项"}),
        E("M0", "assign", D(2024, 12, 3), "office", {"lead_units": ["u3"]}),
        # two reminders in 2025 (M1 twice: its latest is its notice), M3 none
        E("M1", "remind", D(2025, 10, 15), "office", {"method": "电话"}),
        E("M1", "remind", D(2025, 10, 17), "office", {"method": "书面"}),
    ]


@pytest.fixture(scope="module")
def numbered(weinan, cal):
    return Snapshot.from_events(weinan, cal, numbered_events(), D(2025, 10, 20), units=UNITS, number_patterns=PATTERNS)


def first_lines(text, n=3):
    return [line for line in text.splitlines() if line.strip()][:n]


def test_numbers_count_the_kinds_documents_in_their_year(numbered):
    # 督查通知单 by 交办 date: M2 (3/4) n=1, M3 (7/7) n=2, M1 (9/30) n=3; M0 is 2024's first
    assert first_lines(render(numbered, "assignment", "M2"))[1] == "渭高督字〔2025〕1号"
    assert first_lines(render(numbered, "assignment", "M3"))[1] == "渭高督字〔2025〕2号"
    assert first_lines(render(numbered, "assignment", "M1"))[1] == "渭高督字〔2025〕3号"
    assert first_lines(render(numbered, "assignment", "M0"))[1] == "渭高督字〔2024〕1号"
    # 催办通知: its own series (kinds are numbered apart); the matter's latest 催办 is the second of 2025
    assert first_lines(render(numbered, "reminder", "M1"))[1] == "渭高督催字〔2025〕2号"
    assert first_lines(render(numbered, "reminder", "M1", today=D(2025, 10, 16)))[1] == "渭高督催字〔2025〕1号"
    # no 催办 recorded on M3: no 催办通知, so no number either (none is taken for a draft)
    with pytest.raises(InputError, match="没有记录督办（remind）"):
        render(numbered, "reminder", "M3")
    # 督查通报 (not a matter's step): numbered when issued, from the store's register (tests/
    # test_document_faults.py); not issued yet, it is a preview, whatever its month or quarter
    assert first_lines(render(numbered, "bulletin", "2025-Q3"))[1] == "（未编号：预览）"
    issued = attrs.evolve(numbered, issued={("bulletin", "2025-Q3"): (2025, 2), ("bulletin", "2025-09"): (2025, 3)})
    assert first_lines(render(issued, "bulletin", "2025-Q3"))[1] == "第2期"
    assert document_number(issued, "bulletin", period=parse_period("2025-09")) == "第3期"
    assert document_number(issued, "bulletin", period=parse_period("2025-10")) == "（未编号：预览）"


def test_two_documents_of_one_kind_in_a_year_are_n1_and_n2(weinan, cal):
    evs = [
        E("A", "register", D(2025, 2, 3), "office", {"kind": "instruction", "title": "甲"}),
        E("B", "register", D(2025, 2, 3), "office", {"kind": "instruction", "title": "乙"}),
        E("B", "assign", D(2025, 2, 4), "office", {"lead_units": ["u1"]}),
        E("A", "assign", D(2025, 2, 5), "office", {"lead_units": ["u2"]}),
    ]
    snap = Snapshot.from_events(weinan, cal, evs, D(2025, 2, 10), units=UNITS,
                                number_patterns={"assignment": "渭高督字〔{year}〕{n}号"})
    assert "渭高督字〔2025〕1号" in render(snap, "assignment", "B")
    assert "渭高督字〔2025〕2号" in render(snap, "assignment", "A")
    assert '<p class="docno">渭高督字〔2025〕2号</p>' in render(snap, "assignment", "A", "html")


def test_numbers_count_matters_the_reader_may_not_see(weinan, cal):
    """A confidential matter's 通知单 keeps its number: the next one is n=2 even for a reader who
    cannot see it (numbers are never reused)."""
    evs = [
        E("S", "register", D(2025, 2, 3), "office", {"kind": "instruction", "title": "涉密", "confidential": True}),
        E("S", "assign", D(2025, 2, 4), "office", {"lead_units": ["u1"]}),
        E("P", "register", D(2025, 2, 3), "office", {"kind": "instruction", "title": "公开"}),
        E("P", "assign", D(2025, 2, 5), "office", {"lead_units": ["u2"]}),
    ]
    every = Snapshot.from_events(weinan, cal, evs, D(2025, 2, 10)).states
    visible = [s for s in every if s.id == "P"]
    snap = Snapshot(weinan, cal, D(2025, 2, 10), visible, {u.id: u for u in UNITS}, {},
                    number_patterns={"assignment": "渭高督字〔{year}〕{n}号"}, every=every)
    assert "渭高督字〔2025〕2号" in render(snap, "assignment", "P")


def test_without_a_pattern_the_number_line_is_blank(snap):
    """Nothing is made up: no 文号 line at all, in Markdown and in the HTML page."""
    for kind, subject in (("assignment", "M1"), ("reminder", "M1"), ("special_report", "M2"),
                          ("interview", "M1"), ("bulletin", "2025-Q3")):
        md = render(snap, kind, subject)
        html = render(snap, kind, subject, "html")
        assert "〔" not in md and "〔" not in html, (kind, md)
        assert "字〔" not in md and "号\n" not in md
        assert not any(line.startswith("第") and line.endswith("期") for line in md.splitlines()), kind
        assert document_number(snap, kind, snap.matter(subject) if kind != "bulletin" else None,
                               parse_period(subject) if kind == "bulletin" else None) == ""
    # right under the title comes the letter itself (or the header line), never a number
    assert render(snap, "assignment", "M1").startswith("区督查室\n\n---\n\n# 区督查室督查通知单\n")
    assert render(snap, "interview", "M1").startswith("区督查室\n\n---\n\n# 约谈通知\n")


def test_only_the_kinds_with_a_pattern_are_numbered(weinan, cal):
    snap = Snapshot.from_events(weinan, cal, numbered_events(), D(2025, 10, 20), units=UNITS,
                                number_patterns={"reminder": "渭高督催字〔{year}〕{n}号"})
    assert "渭高督催字〔2025〕2号" in render(snap, "reminder", "M1")
    assert "〔" not in render(snap, "assignment", "M1")


@pytest.mark.parametrize("jid", SHIPPED)
def test_no_jurisdiction_invents_a_number(jid, cal):
    """Each plugin's own templates too: without a pattern, no 〔year〕n号 or 第n期 of ducha's making
    (鄂尔多斯市约字、周村区催字 …); the regulation's own 文号 may be cited."""
    policy = _installed_policy(jid)
    from ducha_core.documents.demo import pick_subjects, plan_settings, plan_year

    settings = plan_settings(policy, 2025)
    policy = load_policy(jid, settings) if settings else policy
    demo = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31), matters=20)
    snap = Snapshot.from_events(policy, cal, demo.events, demo.as_of, demo.units, demo.people)
    own = policy.jurisdiction.document.number
    for kind, subject in pick_subjects(snap).items():
        for fmt in ("md", "html"):
            text = render(snap, kind, subject, fmt).replace(own, "")
            assert "字〔" not in text and "〔2025〕" not in text and "〔2026〕" not in text, (jid, kind, fmt)
            assert not any(line.strip().startswith("第") and line.strip().endswith("期")
                           for line in text.splitlines()), (jid, kind, fmt)
    # and with a pattern, each of its kinds carries the number: a matter document's from its step, a period
    # document's once issued (a preview until then)
    patterns = {k: f"测{DOC_KINDS[k].name}〔{{year}}〕{{n}}号" for k in available_kinds(policy)}
    numbered = Snapshot.from_events(policy, cal, demo.events, demo.as_of, demo.units, demo.people,
                                    number_patterns=patterns)
    for kind, subject in pick_subjects(numbered).items():
        text = render(numbered, kind, subject)
        if DOC_KINDS[kind].subject == "matter":
            assert f"测{DOC_KINDS[kind].name}〔" in text, (jid, kind, text[:300])
        else:
            assert "（未编号：预览）" in text and "测" not in text.split("# ")[0], (jid, kind, text[:300])


@pytest.mark.parametrize("pattern, problem", [
    ("渭高督字〔{year}〕{n}号", None),
    ("第{n:02d}期", None),
    ("渭高督字〔{year}〕号", "缺少 {n}（年内序号）"),
    ("{month}号{n}", "用了 {month}"),
    ("{n", "不是可用的格式"),
    ("", "须为非空文字"),
    (3, "须为非空文字"),
])
def test_check_pattern(pattern, problem):
    result = check_pattern(pattern)
    assert (result is None) if problem is None else (problem in result)
