"""User text is text: no injection into documents (Markdown, HTML), CSV cells, or replay's output.

A title, a progress note or a reason is escaped in the Markdown of a document and so can neither
forge a heading, a rule or a 落款 nor become a link or an image in its HTML; a CSV cell a user wrote
never starts a formula (OWASP); ``ducha replay`` shows a confidential matter only to those the
ledger would show it to (``--as PERSON``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date as D
from pathlib import Path

import attrs
import jinja2
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.cli.options import csv_cell, render_csv
from ducha_core.csvsafe import restore_cell
from ducha_core.documents import Snapshot, render
from ducha_core.documents.render import environment, escape_markdown, markdown_to_html
from ducha_core.events import Event as E
from ducha_core.model import Unit
from ducha_core.policy import load_policy

CAL = WorkingCalendar.default()
UNITS = [Unit("u1", "区住建局"), Unit("u2", "区教育局")]
FORGED_TITLE = "整治背街小巷\n# 伪造标题\n---\n落款：某某"
EVIL_NOTE = "进展顺利 ![x](http://evil/x.png) 详见 [link](http://evil) <img src=http://evil/y.png> <http://evil/z>"
SEVEN = Path(__file__).parent / "variants" / "weinan_gaoxin+seven.toml"
REPORT = {"document_number": "高新发〔2025〕1号", "signer": "王某", "seal": True}


def _policies():
    weinan = load_policy("weinan_gaoxin", {"issued": "2024-03-01"})
    return {
        "core": attrs.evolve(weinan, template_dirs=()),  # the core's default templates
        "weinan_gaoxin": weinan,  # the plugin's own 督查通知
        "zhoucun": load_policy("zhoucun"),  # the plugin's own 督办单
    }


POLICIES = _policies()


def _snapshot(policy, title: str, note: str = "按计划推进", *, reported: bool = False) -> Snapshot:
    kind = "instruction" if "instruction" in policy.kinds else next(iter(policy.kinds))
    events = [
        E("M1", "register", D(2025, 9, 29), "office", {"kind": kind, "title": title}),
        E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]}),
        E("M1", "progress", D(2025, 10, 9), "unit:u1", {"note": note}),
    ]
    if reported:  # a 督查专报 exists once the report is recorded (Weinan 七(六): after the review passed)
        events += [E("M1", "submit", D(2025, 10, 10), "unit:u1", REPORT), E("M1", "review_pass", D(2025, 10, 13), "office"),
                   E("M1", "report_up", D(2025, 10, 13), "office")]
    return Snapshot.from_events(policy, CAL, events, D(2025, 10, 20), units=UNITS)


def _structure(markdown: str) -> list[str]:
    """The lines that make a document's frame: headings, rules, and the 落款 lines."""
    return [line for line in markdown.splitlines()
            if line.startswith("#") or re.fullmatch(r"\s*(-{3,}|\*{3,}|_{3,}|={3,})\s*", line) or line.startswith("落款")]


# --- documents ------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", sorted(POLICIES))
def test_a_title_cannot_forge_heading_rule_or_signature_in_the_assignment_notice(which):
    policy = POLICIES[which]
    plain = _snapshot(policy, "整治背街小巷")
    forged = _snapshot(policy, FORGED_TITLE)
    markdown = render(forged, "assignment", "M1")
    # the same frame as with a harmless title: no extra heading, rule or 落款 line
    assert _structure(markdown) == _structure(render(plain, "assignment", "M1"))
    assert not any(line.lstrip().startswith(("# 伪造标题", "落款")) for line in markdown.splitlines())
    assert "伪造标题" in markdown and "落款：某某" in markdown  # shown, as text
    html = render(forged, "assignment", "M1", "html")
    plain_html = render(plain, "assignment", "M1", "html")
    for tag in ("<h1", "<h2", "<h3", "<hr"):
        assert html.count(tag) == plain_html.count(tag), tag
    assert "<h1>伪造标题" not in html and "# 伪造标题" in html  # the characters, not a heading
    assert "<title>伪造标题" not in html


def test_the_title_in_markdown_reads_as_text_on_one_line():
    markdown = render(_snapshot(POLICIES["core"], FORGED_TITLE), "assignment", "M1")
    assert "现将「整治背街小巷 \\# 伪造标题 --- 落款：某某」交由" in markdown
    assert "| 事项名称 | 整治背街小巷 \\# 伪造标题 --- 落款：某某 |" in markdown


@pytest.mark.parametrize("which", ["core"])
def test_a_progress_note_is_no_image_and_no_link_in_the_special_report(which):
    snap = _snapshot(POLICIES[which], "整治背街小巷", EVIL_NOTE, reported=True)
    markdown = render(snap, "special_report", "M1")
    assert "\\!\\[x\\](http://evil/x.png)" in markdown and "\\[link\\](http://evil)" in markdown  # escaped
    assert "\\<img src=http://evil/y.png\\>" in markdown and "\\<http://evil/z\\>" in markdown
    assert not re.search(r"(?<!\\)[!\[<]", markdown.split("报告阶段性进展")[1].split("\n")[0])
    html = render(snap, "special_report", "M1", "html")
    assert not re.search(r"<(img|a|source|iframe)\b", html) and "href" not in html
    assert "&lt;img src=http://evil/y.png&gt;" in html
    assert "![x](http://evil/x.png)" in html and "[link](http://evil)" in html  # shown as the text it is


def test_markdown_to_html_renders_no_link_image_or_raw_html_whatever_its_source():
    html = markdown_to_html("![x](http://evil/x.png) [a](http://evil) <http://evil> <b>x</b>\n\n"
                            "[ref]\n\n[ref]: http://evil\n\n<div>x</div>\n")
    assert "<img" not in html and "<a" not in html and "<b>" not in html and "<div>" not in html
    assert "[ref]: http://evil" in html  # a reference definition stays visible text


@pytest.mark.parametrize("text, escaped", [
    ("a\nb\r\nc", "a b c"),
    ("# h", "\\# h"),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("1. item", "1\\. item"),
    ("2) item", "2\\) item"),
    ("===", "\\==="),
    ("    code", "code"),
    ("> quote", "\\> quote"),
    ("**b** _i_ `c` ~~s~~", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~"),
    ("a|b", "a\\|b"),
    ("&amp; <b>", "\\&amp; \\<b\\>"),
    ("back\\slash", "back\\\\slash"),
    ("key_project 事项_一", "key_project 事项_一"),  # an underscore inside a word is no emphasis
    ("DC-2025-0001", "DC-2025-0001"),
    (42, "42"),
])
def test_escape_markdown(text, escaped):
    assert str(escape_markdown(text)) == escaped


def test_escape_markdown_round_trips_through_markdown_it_as_the_same_text():
    text = "*a* _b_ [c](d) ![e](f) <g> `h` # i | j & k \\ l ~m~ 1. n"
    assert markdown_to_html(str(escape_markdown(text))) == f"<p>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>\n"


def test_templates_mark_their_own_markdown_with_safe_and_macros_are_not_escaped_twice():
    env = environment(POLICIES["core"])
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({
        "t.md.j2": "{% macro b(x) %}**{{ x }}**{% endmacro %}{{ v }}|{{ '**k**'|safe }}|{{ b(v) }}|{{ v|cell }}",
        "t.html.j2": "{{ v }}",
    }), env.loader])
    assert env.get_template("t.md.j2").render(v="*a*\n[b]") == "\\*a\\* \\[b\\]|**k**|**\\*a\\* \\[b\\]**|\\*a\\* \\[b\\]"
    assert env.get_template("t.html.j2").render(v="*a* <b>") == "*a* &lt;b&gt;"  # HTML: HTML escaping only


# --- CSV ------------------------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil","点此")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", " =1+1"]


def _parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("cell", FORMULAS)
def test_csv_cells_that_start_a_formula_are_neutralised(cell):
    (_header, row) = _parsed(render_csv(["名称", "备注"], [["正常", cell]]))
    assert row[0] == "正常"
    # a cell that starts with TAB or CR is also split there by some spreadsheets: both parts are defused
    assert row[1] == {"\t=1+1": "'\t'=1+1", "\r=1+1": "'\r'=1+1"}.get(cell, "'" + cell)


def test_csv_neutralises_every_column_and_each_part_after_a_separator():
    ((a, b, c, d),) = _parsed(render_csv(["=x", "+y", "-z", "@w"], []))
    assert (a, b, c, d) == ("'=x", "'+y", "'-z", "'@w")
    assert csv_cell("说明;=cmd|' /C calc'!A0") == "说明;'=cmd|' /C calc'!A0"
    assert csv_cell("甲,@SUM(A1)") == "甲,'@SUM(A1)"
    assert csv_cell("第一行\n=1+1") == "第一行\n'=1+1"


@pytest.mark.parametrize("value", [-3, 2.5, "-3", "+1.5", "12%", "2025-10-14", "区住建局", "a-b", None, ""])
def test_csv_leaves_numbers_and_plain_text_as_they_are(value):
    assert csv_cell(value) == value


# --- through the CLI ------------------------------------------------------------------------------


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    from ducha_core.config import load_config, write_default_config

    path = write_default_config(tmp_path / "ducha.toml", "weinan_gaoxin")
    monkeypatch.chdir(tmp_path)
    return load_config(path)


def test_ledger_csv_of_a_formula_title_is_text(deployment):
    from ducha_core.ledger import Ledger

    title = '=HYPERLINK("http://evil","点此")'
    with Ledger.open(deployment) as ledger:
        state = ledger.record(None, "register", D(2025, 9, 29), "duchashi", {"kind": "instruction", "title": title})
    res = CliRunner().invoke(main, ["ledger", "--as-of", "2025-10-16", "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = _parsed(res.output)
    (row,) = [r for r in rows if r and r[0] == state.id]
    assert "'" + title in row and title not in row
    assert not any(c.startswith(("=", "+", "@")) for r in rows for c in r)


def _replay_deployment(config):
    """A confidential matter of u1 (late under the base, on time under the variant) and an open one of u2."""
    from ducha_core.ledger import Ledger

    with Ledger.open(config) as ledger:
        secret = ledger.record(None, "register", D(2025, 9, 29), "duchashi",
                               {"kind": "instruction", "title": "涉密事项", "confidential": True})
        ledger.record(secret.id, "assign", D(2025, 9, 30), "duchashi", {"lead_units": ["u1"]})
        ledger.record(secret.id, "submit", D(2025, 10, 15), "u1_staff", REPORT)
        open_ = ledger.record(None, "register", D(2025, 9, 29), "duchashi", {"kind": "instruction", "title": "公开事项"})
        ledger.record(open_.id, "assign", D(2025, 9, 30), "duchashi", {"lead_units": ["u2"]})
    return secret.id, open_.id


def _replay(*args: str) -> dict:
    res = CliRunner().invoke(main, ["replay", "--variant", str(SEVEN), "--to", "2025-10-31", "--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _mentions(data: dict, matter: str) -> bool:
    return matter in json.dumps([data["matters_changed"], data["findings_changed"], data["refused_under_variant"]],
                                ensure_ascii=False)


def test_replay_shows_a_confidential_matter_only_to_those_entitled(deployment):
    secret, open_ = _replay_deployment(deployment)
    for args in ((), ("--as", "u2_staff")):
        data = _replay(*args)
        assert not _mentions(data, secret) and _mentions(data, open_), args
        assert data["hidden"] == 1 and data["matters"] == 2
        assert "u1" not in {u["unit"] for u in data["units"]}  # its only matter is the confidential one
        assert data["totals"]["overdue"] == [1, 1]  # the open matter of u2 only
    for person in ("duchashi", "u1_staff"):
        data = _replay("--as", person)
        assert _mentions(data, secret) and _mentions(data, open_), person
        assert data["hidden"] == 0
        assert {u["unit"]: u["overdue"] for u in data["units"]}["u1"] == [1, 0]
        assert data["totals"]["overdue"] == [2, 1]
    text = CliRunner().invoke(main, ["replay", "--variant", str(SEVEN), "--to", "2025-10-31"])
    assert text.exit_code == 0 and secret not in text.output and "1 件涉密事项无权查看" in text.output


def test_replay_refuses_an_unknown_viewer(deployment):
    _replay_deployment(deployment)
    res = CliRunner().invoke(main, ["replay", "--variant", str(SEVEN), "--json", "--as", "nobody"])
    assert res.exit_code != 0 and "nobody" in res.output


@given(st.text(alphabet=st.sampled_from(list("=+-@\t\r\n,; 1.%e区事a")), max_size=24))
def test_an_exported_cell_reads_back_as_the_text_it_was(text):
    """``restore_cell`` undoes ``csv_cell`` for any text without an apostrophe of its own (what
    ``ducha import`` reads from an exported sheet)."""
    assert restore_cell(csv_cell(text)) == text


def test_restore_cell_keeps_an_apostrophe_that_marks_nothing():
    assert restore_cell("O'Brien") == "O'Brien" and restore_cell("'区住建局") == "'区住建局"
    assert restore_cell("'-5") == "'-5"  # a plain number is never defused: the ' was typed
