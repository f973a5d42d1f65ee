"""What each document says, from the recorded facts (issue 12, "Content is lost").

Every scenario is recorded through the CLI (``ducha register/assign/submit/… --note``), exactly as an
office would, and the document is rendered from the ledger: a document quotes only what a command
wrote. Dates and working days are hand-checked against the 2025 State Council holiday notice (国庆、
中秋 1–8 October, make-up working days Sunday 28 September and Saturday 11 October).
"""

from __future__ import annotations

import re
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from deployments import units_and_people

from ducha_core.cli import main
from ducha_core.config import ConfigError, default_config_text, load_config
from ducha_core.documents.render import DOC_KINDS, available_kinds, render
from ducha_core.documents.snapshot import Snapshot, parse_period
from ducha_core.errors import InputError
from ducha_core.ledger import Ledger
from ducha_core.policy import load_policy

OFFICE_ROLE = {"ordos": "office", "dazhan": "office", "weinan_gaoxin": "office", "zhoucun": "office",
               "ankang": "office"}


def _toml(jid: str, units: list[dict], people: list[dict], settings: str = "") -> str:
    lines = [f'jurisdiction = "{jid}"', 'database = "ducha.sqlite3"', ""]
    if settings:
        lines += ["[settings]", settings, ""]
    return "\n".join(lines + units_and_people(units, people))


class Deployment:
    """A deployment in a temporary folder; ``run`` is the CLI (an assertion per command)."""

    def __init__(self, tmp_path: Path, jid: str, units: list[dict], people: list[dict], settings: str = ""):
        self.path = tmp_path / "ducha.toml"
        self.path.write_text(_toml(jid, units, people, settings), encoding="utf-8")
        self.runner = CliRunner()
        self.run("init", "--jurisdiction", jid)

    def run(self, *args: str, ok: bool = True) -> str:
        result = self.runner.invoke(main, [*map(str, args), "--config", str(self.path)])
        assert (result.exit_code == 0) == ok, result.output
        assert "Traceback" not in result.output
        return result.output

    def snapshot(self, as_of: D) -> Snapshot:
        with Ledger.open(load_config(self.path), create=False) as ledger:
            return Snapshot.from_ledger(ledger, as_of)

    def doc(self, kind: str, subject: str, as_of: D) -> str:
        return plain(render(self.snapshot(as_of), kind, subject, "md"))


#: a list item with nothing after its label ("- 2025年9月10日：", "2. 办理时限："): a field the template read and
#: the record did not have
EMPTY_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s.*[：:]\s*$", re.M)


def plain(markdown: str) -> str:
    """The text of a Markdown document: escapes, hard line breaks and emphasis marks dropped."""
    text = re.sub(r"\\$", "", markdown, flags=re.M)
    return re.sub(r"\\(.)", r"\1", text).replace("**", "")


def _people(units: list[str], office_title: str) -> list[dict]:
    people = [{"id": "duchashi", "name": "王督查", "roles": ["office"], "title": office_title}]
    for u in units:
        people += [{"id": f"{u}_head", "name": f"{u}负责人", "roles": ["unit_head"], "unit": u},
                   {"id": f"{u}_staff", "name": f"{u}联络员", "roles": ["unit"], "unit": u}]
    return people


# --- fault 1: the 督查通报 lists the period's praise, criticism, lateness and returns -------------


@pytest.fixture
def ordos(tmp_path):
    units = [{"id": "u1", "name": "市住建局", "head": "u1_head"}, {"id": "u2", "name": "市教育局", "head": "u2_head"}]
    d = Deployment(tmp_path, "ordos", units, _people(["u1", "u2"], "市人民政府督查室主任"))
    run = d.run
    # A: due Tue 15 July, reported Fri 18 July (3 working days late), returned 21 July, reported again in time
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "instruction", "--title", "老旧小区改造", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline", "2025-07-15",
        "--plan", "督促检查方案")
    run("submit", "A", "--as", "u1_head", "--on", "2025-07-18", "--head-signoff", "u1_head", "--seal")
    run("review", "A", "--as", "duchashi", "--on", "2025-07-21", "--return", "--reason", "未附印证材料",
        "--deadline", "2025-07-25")
    run("submit", "A", "--as", "u1_head", "--on", "2025-07-24", "--head-signoff", "u1_head", "--seal")
    run("review", "A", "--as", "duchashi", "--on", "2025-07-25", "--pass")
    # B: due Thu 31 July, never reported; criticised on 5 August
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "instruction", "--title", "背街小巷整治", "--id", "B")
    run("assign", "B", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u2", "--deadline", "2025-07-31", "--plan", "方案")
    run("bulletin", "B", "--as", "duchashi", "--on", "2025-08-05", "--type", "criticism",
        "--note", "逾期未报告，经督促仍不落实")
    # C: reported a day early, praised on 6 August
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "instruction", "--title", "校舍维修", "--id", "C")
    run("assign", "C", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u2", "--deadline", "2025-07-10", "--plan", "方案")
    run("submit", "C", "--as", "u2_head", "--on", "2025-07-09", "--head-signoff", "u2_head", "--seal")
    run("review", "C", "--as", "duchashi", "--on", "2025-07-10", "--pass")
    run("bulletin", "C", "--as", "duchashi", "--on", "2025-08-06", "--type", "praise", "--note", "提前完成、成效明显")
    return d


def test_fault1_bulletin_facts_from_the_record(ordos):
    snap = ordos.snapshot(D(2025, 9, 30))
    q3 = parse_period("2025-Q3")
    [crit] = snap.criticism(q3)
    assert (crit.matter.id, crit.on, crit.units_text, crit.reason) == ("B", D(2025, 8, 5), "市教育局", "逾期未报告，经督促仍不落实")
    [praise] = snap.praise(q3)
    assert (praise.matter.id, praise.reason) == ("C", "提前完成、成效明显")
    [back] = snap.returns(q3)
    assert (back.matter.id, back.on, back.reason) == ("A", D(2025, 7, 21), "未附印证材料")
    late = {(x.matter.id, x.status, x.due, x.days) for x in snap.period_lateness(q3)}
    # A: 15 July → 18 July = 3 working days; B: 31 July → 30 September = 21 (August) + 23 (September, with the
    # make-up Sunday 28th) = 44 working days, still owed
    assert late == {("A", "late", D(2025, 7, 15), 3), ("B", "overdue", D(2025, 7, 31), 44)}
    # nothing of Q3 in Q2
    q2 = parse_period("2025-Q2")
    assert not snap.criticism(q2) and not snap.praise(q2) and not snap.returns(q2)


def test_fault1_ordos_bulletin_lists_the_criticism_of_5_august(ordos):
    text = ordos.doc("bulletin", "2025-Q3", D(2025, 9, 30))
    assert "通报批评" in text and "市教育局" in text and "背街小巷整治" in text
    assert "逾期未报告，经督促仍不落实" in text
    assert "提前完成、成效明显" in text  # the praise (表彰, 第二十二条)
    assert "未附印证材料" in text  # the return (责成重新办理, 第十五条)
    assert "逾期3个工作日" in text and "已逾期44个工作日" in text
    assert "2025年7月15日" in text and "2025年7月31日" in text


def test_fault1_the_core_bulletin_lists_them_too(ordos, monkeypatch):
    """The core's default template (a plugin without its own) lists the same facts."""
    import attrs

    snap = ordos.snapshot(D(2025, 9, 30))
    snap = attrs.evolve(snap, policy=attrs.evolve(snap.policy, template_dirs=()))
    text = plain(render(snap, "bulletin", "2025-Q3", "md"))
    for fact in ("逾期未报告，经督促仍不落实", "提前完成、成效明显", "未附印证材料", "逾期3个工作日", "已逾期44个工作日"):
        assert fact in text, fact


# --- fault 2: the reason recorded with a criticism is the reason the bulletin gives (Dazhan) ------


def _dazhan(tmp_path) -> Deployment:
    units = [{"id": "u1", "name": "区住建局", "head": "u1_head"}]
    people = [*_people(["u1"], "区委督查部门主任"),
              {"id": "lingdao", "name": "张书记", "roles": ["leader_in_charge"], "title": "区委分管领导"}]
    d = Deployment(tmp_path, "dazhan", units, people)
    d.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "优化营商环境",
          "--id", "A", "--draft-opinion", "拟交区住建局办理")
    d.run("approve", "A", "--as", "lingdao", "--on", "2025-09-01", "--approved-by", "lingdao")
    d.run("assign", "A", "--as", "duchashi", "--on", "2025-09-02", "--lead", "u1", "--deadline", "2025-09-30")
    return d


def test_fault2_criticism_reason_is_the_one_recorded(tmp_path):
    d = _dazhan(tmp_path)
    d.run("bulletin", "A", "--as", "duchashi", "--on", "2025-10-15", "--type", "criticism", "--note", "未按期报送书面报告")
    text = d.doc("bulletin", "2025-Q4", D(2025, 10, 31))
    assert "未按期报送书面报告" in text
    assert "「优化营商环境」工作不得力" not in text
    # --reason (a field every jurisdiction names) is read the same way as --note
    d.run("bulletin", "A", "--as", "duchashi", "--on", "2025-10-20", "--type", "criticism", "--reason", "整改不到位")
    snap = d.snapshot(D(2025, 10, 31))
    assert [m.reason for m in snap.criticism(parse_period("2025-Q4"))] == ["未按期报送书面报告", "整改不到位"]
    assert "整改不到位" in d.doc("bulletin", "2025-Q4", D(2025, 10, 31))


def test_fault2_a_criticism_the_ladder_proposed_gives_its_rule(tmp_path):
    """Confirmed from `ducha due` (no text recorded, only --step): the rule that called for it is the reason."""
    d = _weinan(tmp_path)
    d.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "背街小巷整治", "--id", "Z")
    d.run("assign", "Z", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-08")
    d.run("order", "Z", "--as", "duchashi", "--on", "2025-09-10", "--until", "2025-09-12")
    d.run("bulletin", "Z", "--as", "duchashi", "--on", "2025-09-19", "--type", "criticism", "--approved-by", "zhuren",
          "--step", "order_no_progress")
    [mark] = d.snapshot(D(2025, 9, 30)).criticism(parse_period("2025-Q3"))
    assert (mark.reason, mark.article) == ("下达督办令后仍无明显进展", "十六(二)")
    text = d.doc("bulletin", "2025-Q3", D(2025, 9, 30))
    assert "下达督办令后仍无明显进展" in text


# --- fault 3: Weinan 七(七) 办理质量, and the period's praise and criticism -----------------------


def _weinan(tmp_path) -> Deployment:
    units = [{"id": "u1", "name": "区住建局", "head": "u1_head"}, {"id": "u2", "name": "区教育局", "head": "u2_head"}]
    people = [*_people(["u1", "u2"], "区督查室主任"),
              {"id": "zhuren", "name": "刘主任", "roles": ["principal_leader"], "title": "管委会主任"},
              {"id": "lingdao", "name": "陈副主任", "roles": ["leader"], "title": "管委会副主任"}]
    return Deployment(tmp_path, "weinan_gaoxin", units, people, 'issued = "2024-03-01"')


def _weinan_quality(d: Deployment) -> None:
    run = d.run
    submit = ("--document-number", "高新住建发〔2025〕3号", "--signer", "李局长", "--seal")
    # A: due 15 July, reported that day; praised
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", "老旧小区改造", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline", "2025-07-15")
    run("submit", "A", "--as", "u1_head", "--on", "2025-07-15", *submit)
    run("review", "A", "--as", "duchashi", "--on", "2025-07-16", "--pass")
    # B: due Thu 10 July, reported Mon 14 July (2 working days late), returned, reported again; criticised
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", "校园周边交通整治", "--id", "B")
    run("assign", "B", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u2", "--deadline", "2025-07-10")
    run("submit", "B", "--as", "u2_head", "--on", "2025-07-14", *submit)
    run("review", "B", "--as", "duchashi", "--on", "2025-07-15", "--return", "--reason", "报告未附整改清单",
        "--deadline", "2025-07-22")
    run("submit", "B", "--as", "u2_head", "--on", "2025-07-21", *submit)
    run("review", "B", "--as", "duchashi", "--on", "2025-07-22", "--pass")
    run("bulletin", "A", "--as", "duchashi", "--on", "2025-08-01", "--type", "praise", "--approved-by", "zhuren",
        "--note", "按期高质量完成")
    run("bulletin", "B", "--as", "duchashi", "--on", "2025-08-04", "--type", "criticism", "--approved-by", "zhuren",
        "--note", "逾期报送且退回重办")


def test_fault3_weinan_unit_quality_figures(tmp_path):
    d = _weinan(tmp_path)
    _weinan_quality(d)
    stats = {s.unit: s for s in d.snapshot(D(2025, 9, 30)).unit_stats(parse_period("2025-Q3"))}
    u1, u2 = stats["u1"], stats["u2"]
    assert (u1.done, u1.on_time, u1.late, u1.returns, u1.lapses, u1.praise, u1.criticism) == (1, 1, 0, 0, 0, 1, 0)
    # u2: done late (the first report 2 working days late), returned once, one time limit not kept
    assert (u2.done, u2.on_time, u2.late, u2.returns, u2.lapses, u2.praise, u2.criticism) == (1, 0, 1, 1, 1, 0, 1)


def test_fault3_weinan_bulletin_has_quality_praise_and_criticism(tmp_path):
    d = _weinan(tmp_path)
    _weinan_quality(d)
    text = d.doc("bulletin", "2025-Q3", D(2025, 9, 30))
    assert "办理质量" in text and "七(七)" in text
    assert "按期高质量完成" in text and "逾期报送且退回重办" in text
    assert "通报表扬" in text and "通报批评" in text
    assert "报告未附整改清单" in text  # the return, with its reason
    assert "逾期2个工作日" in text  # B's first report, 10 → 14 July


def test_weinan_bulletin_counts_no_confidential_matter_it_does_not_list(tmp_path):
    """The Weinan bulletin lists no confidential matter (it is published, 七(七) 公布), so its table of
    units' figures counts none either, also for a reader who may see it (the office); the figures
    over every matter the reader may see still count it (a newcomer's finding)."""
    d = _weinan(tmp_path)
    _weinan_quality(d)
    d.run("register", "--as", "duchashi", "--on", "2025-07-02", "--kind", "decision", "--title", "涉密专项",
          "--id", "S", "--confidential", "--viewer", "u1_head")
    d.run("assign", "S", "--as", "duchashi", "--on", "2025-07-02", "--lead", "u1", "--deadline", "2025-07-20")
    text = plain(d.run("doc", "bulletin", "2025-Q3", "--as", "duchashi", "--as-of", "2025-09-30"))
    assert "涉密专项" not in text
    u1 = next(line for line in text.splitlines() if line.startswith("| 区住建局 |") or line.startswith("| u1"))
    # 承办 1 (A), 办结 1, 按期 1, 逾期办结 0, 逾期未办结 0 (S, overdue, is not counted)
    assert [c.strip() for c in u1.strip("|").split("|")][1:6] == ["1", "1", "1", "0", "0"], u1
    with Ledger.open(load_config(d.path), create=False) as ledger:
        every = {s.unit: s for s in Snapshot.from_ledger(ledger, D(2025, 9, 30), viewer="duchashi")
                 .unit_stats(parse_period("2025-Q3"))}
    assert (every["u1"].assigned, every["u1"].overdue) == (2, 1)


# --- fault 4: Ankang 第七条 已完成/进展顺利/进展缓慢 by 口 ------------------------------------------


ANKANG_UNITS = [{"id": "u1", "name": "市工信局", "head": "u1_head", "line": "工业口"},
                {"id": "u2", "name": "市住建局", "head": "u2_head", "line": "城建口"},
                {"id": "u3", "name": "市统计局", "head": "u3_head"}]


def _ankang(tmp_path, units=ANKANG_UNITS) -> Deployment:
    people = [*_people([u["id"] for u in units], "市政府督查室主任"),
              {"id": "fgld", "name": "陈副市长", "roles": ["leader_in_charge"], "title": "市政府分管领导"},
              {"id": "szf", "name": "周秘书长", "roles": ["government"], "title": "市政府（审定）"}]
    return Deployment(tmp_path, "ankang", units, people)


def _ankang_quarter(d: Deployment) -> None:
    run = d.run
    for mid, unit, title, deadline in (("A", "u1", "工业园区扩容", "2025-07-31"), ("D", "u1", "技改项目推进", "2025-12-31"),
                                       ("B", "u2", "棚户区改造", "2025-12-31"), ("C", "u3", "统计数据核查", "2025-08-29")):
        run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", title, "--id", mid)
        run("assign", mid, "--as", "duchashi", "--on", "2025-07-01", "--lead", unit, "--deadline", deadline)
    run("submit", "A", "--as", "u1_head", "--on", "2025-07-30", "--evidence", "验收报告")
    run("review", "A", "--as", "duchashi", "--on", "2025-07-31", "--pass")


def test_fault4_units_carry_their_line_in_ducha_toml(tmp_path):
    d = _ankang(tmp_path)
    config = load_config(d.path)
    assert (config.units["u1"].line, config.units["u2"].line, config.units["u3"].line) == ("工业口", "城建口", None)
    assert 'line = "工业口"' in default_config_text("ankang") and "分口" in default_config_text("ankang")
    bad = d.path.read_text(encoding="utf-8").replace('line = "城建口"', 'line = "  "')
    d.path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unit\[2\]\.line"):
        load_config(d.path)
    result = d.runner.invoke(main, ["ledger", "--config", str(d.path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1


def test_fault4_matters_grouped_by_their_lead_units_line(tmp_path):
    d = _ankang(tmp_path)
    _ankang_quarter(d)
    snap = d.snapshot(D(2025, 9, 30))
    groups = snap.by_line(snap.by_progress_status(snap.in_period(parse_period("2025-Q3"))))
    got = [(line, {k: [s.id for s in v] for k, v in cats.items()}) for line, cats in groups]
    assert got == [
        ("工业口", {"已完成": ["A"], "进展顺利": ["D"], "进展缓慢": []}),
        ("城建口", {"已完成": [], "进展顺利": ["B"], "进展缓慢": []}),
        ("未分口单位", {"已完成": [], "进展顺利": [], "进展缓慢": ["C"]}),
    ]


def test_fault4_ankang_bulletin_by_line(tmp_path):
    d = _ankang(tmp_path)
    _ankang_quarter(d)
    text = d.doc("bulletin", "2025-Q3", D(2025, 9, 30))
    heads = [line for line in text.splitlines() if line.lstrip("# ").startswith(("一、", "二、", "三、", "四、"))]
    assert [h.lstrip("# ") for h in heads[:3]] == ["一、工业口", "二、城建口", "三、未分口单位"]
    assert "已完成1件，进展顺利2件，进展缓慢1件" in text
    # 进展缓慢 says why: C's time limit Friday 29 August; by 30 September 22 weekdays of September and the
    # make-up Sunday 28th: 23 working days overdue
    assert "已逾期23个工作日" in text
    # the kinds are no longer the groups
    assert not any(h.lstrip("# ").endswith("重大决策部署") for h in heads)


# --- fault 5: the 督查专报 quotes what the CLI wrote (--note), and carries the findings ------------


def _path_to_assigned(jid: str) -> tuple[list[dict], list[tuple[str, ...]]]:
    units = [{"id": "u1", "name": "示例局", "head": "u1_head"}]
    people = _people(["u1"], "督查室主任")
    assign = ("assign", "A", "--as", "duchashi", "--on", "2025-09-02", "--lead", "u1", "--deadline", "2025-09-30")
    register = ("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "优化营商环境",
                "--id", "A")
    steps = [register, assign]
    if jid == "dazhan":
        people.append({"id": "lingdao", "name": "张书记", "roles": ["leader_in_charge"]})
        steps = [(*register, "--draft-opinion", "拟办"),
                 ("approve", "A", "--as", "lingdao", "--on", "2025-09-01", "--approved-by", "lingdao"), assign]
    if jid == "ordos":
        steps = [register, (*assign, "--plan", "督促检查方案")]
    return units, people, steps


SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")
_PASS = ("review", "A", "--as", "duchashi", "--on", "2025-09-16", "--pass")
#: the steps before a 督查专报 where the report comes after the result passed review
TO_REPORT = {
    "weinan_gaoxin": [("submit", "A", "--as", "u1_head", "--on", "2025-09-15", "--document-number", "示例局发〔2025〕1号",
                       "--signer", "u1负责人", "--seal"), _PASS],
    "ankang": [("submit", "A", "--as", "u1_head", "--on", "2025-09-15", "--evidence", "验收报告"), _PASS],
    "dazhan": [("submit", "A", "--as", "u1_head", "--on", "2025-09-15", "--head-signoff", "u1_head", "--seal"), _PASS],
}


@pytest.mark.parametrize("jid", SHIPPED)
def test_fault5_special_report_quotes_progress_notes_and_findings(tmp_path, jid):
    units, people, steps = _path_to_assigned(jid)
    d = Deployment(tmp_path, jid, units, people, 'issued = "2024-03-01"' if jid == "weinan_gaoxin" else "")
    for step in steps:
        d.run(*step)
    d.run("progress", "A", "--as", "u1_staff", "--on", "2025-09-10", "--note", "已完成主体工程的六成")
    finding = ("finding", "A", "--as", "duchashi", "--on", "2025-09-12", "--note", "现场查看施工进度滞后")
    d.run(*finding, *(("--authorised-by", "duchashi") if jid == "dazhan" else ()))
    # a 督查专报 exists once the report (report_up) is recorded: Ordos 第十一条 and Zhoucun 六(三) report while
    # the matter runs; Weinan 七(六), Ankang and Dazhan 第七条(四) after the result passed review
    for step in TO_REPORT.get(jid, ()):
        d.run(*step)
    d.run("step", "report_up", "A", "--as", "duchashi", "--on", "2025-09-16")
    text = d.doc("special_report", "A", D(2025, 9, 30))
    assert "2025年9月16日" in text  # dated the day it was reported
    assert "已完成主体工程的六成" in text
    assert "现场查看施工进度滞后" in text
    assert "2025年9月10日" in text and "2025年9月12日" in text
    assert not EMPTY_ITEM.search(text), text  # no empty item


# --- fault 6: the 督查通知 states 任务要求 and the real time limits ----------------------------------


def test_fault6_assignment_notice_states_requirements_and_time_limits(tmp_path):
    d = _weinan(tmp_path)
    run = d.run
    run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", "老旧小区改造", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline", "2025-07-15",
        "--requirements", "制定改造方案并完成首批10个小区改造")
    text = d.doc("assignment", "A", D(2025, 7, 1))
    assert "任务要求" in text and "制定改造方案并完成首批10个小区改造" in text
    assert "2025年7月15日" in text and "按本通知要求" not in text
    # 九: a leader's instruction, 5 working days from Mon 1 September = Mon 8 September
    run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "核查供暖问题", "--id", "B")
    run("assign", "B", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u2")
    snap = d.snapshot(D(2025, 9, 1))
    assert snap.time_limits(snap.matter("B")) == ["2025年9月8日前（领导批示交办事项报送办理结果，九）"]
    text = d.doc("assignment", "B", D(2025, 9, 1))
    assert "2025年9月8日前" in text and "按本通知要求" not in text
    # not assigned yet: no time limit line at all
    run("register", "--as", "duchashi", "--on", "2025-09-02", "--kind", "decision", "--title", "尚未交办的事项", "--id", "C")
    with pytest.raises(InputError, match="没有记录交办（assign），没有督查通知单；先为该事项记录交办，怎样记录见 ducha assign --help"):
        d.doc("assignment", "C", D(2025, 9, 2))


def test_fault6_requirements_field_is_listed_and_reachable(tmp_path):
    d = _weinan(tmp_path)
    out = d.run("fields", "assign")
    assert "--requirements" in out and "任务要求" in out
    out = d.run("fields", "interview")
    assert "--time" in out and "--place" in out


# --- fault 7: the 约谈通知 carries leader, time, place, approval and the obligations it creates ----


def test_fault7_ankang_interview_notice(tmp_path):
    d = _ankang(tmp_path)
    run = d.run
    run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "工业园区扩容", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    run("interview", "A", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf", "--time", "上午9时",
        "--place", "市政府第三会议室", "--note", "逾期未报送办理结果")
    facts = d.snapshot(D(2025, 9, 30)).step_facts(d.snapshot(D(2025, 9, 30)).matter("A"), "interview")
    assert (facts.actor, facts.actor_title, facts.approver, facts.data["time"], facts.data["place"]) == (
        "陈副市长", "市政府分管领导", "周秘书长", "上午9时", "市政府第三会议室")
    # 一周内: 26 September + 7 days = 3 October, in the National Day holiday → Thursday 9 October;
    # 约谈后明显进展: 30 working days (28 September and 11 October worked) → 13 November
    assert [(o.name, o.due) for o in facts.obligations] == [("书面整改方案", D(2025, 10, 9)),
                                                              ("约谈后明显进展", D(2025, 11, 13))]
    # 15 → 26 September: 9 working days overdue on the day of the talk
    assert [(x.name, x.days) for x in facts.overdue] == [("交办通知明确的办理时限", 9)]
    text = d.doc("interview", "A", D(2025, 9, 30))
    for fact in ("2025年9月26日上午9时", "市政府第三会议室", "陈副市长", "市政府分管领导", "周秘书长",
                 "书面整改方案", "一周内", "2025年10月9日", "已逾期9个工作日", "逾期未报送办理结果"):
        assert fact in text, fact
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    signed = [ln for ln in lines if "陈副市长" in ln]
    assert signed and all("市政府督查室" not in ln for ln in signed)
    assert not EMPTY_ITEM.search(text)


def test_fault7_ankang_interview_without_time_and_place(tmp_path):
    d = _ankang(tmp_path)
    d.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "工业园区扩容", "--id", "A")
    d.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    d.run("interview", "A", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf")
    text = d.doc("interview", "A", D(2025, 9, 30))
    assert "2025年9月26日" in text and "None" not in text and "在对" not in text
    assert not EMPTY_ITEM.search(text)


def test_fault7_weinan_interview_text_follows_the_article(tmp_path):
    d = _weinan(tmp_path)
    run = d.run
    for mid, unit in (("M1", "u1"), ("M2", "u2"), ("M3", "u2")):
        run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", f"事项{mid}", "--id", mid)
        run("assign", mid, "--as", "duchashi", "--on", "2025-07-01", "--lead", unit, "--deadline", "2025-07-31")
    # 十六(一): a 不落实或执行偏差 finding, then the talk it proposes
    run("finding", "M1", "--as", "duchashi", "--on", "2025-08-01", "--note", "未按方案推进", "--deviation")
    run("interview", "M1", "--as", "lingdao", "--on", "2025-08-05", "--step", "interview_on_deviation",
        "--time", "下午3时", "--place", "管委会2号会议室")
    # 十六(二): two criticisms of 区教育局 in 2025, then the principal leader's talk
    run("bulletin", "M2", "--as", "duchashi", "--on", "2025-08-04", "--type", "criticism", "--approved-by", "zhuren",
        "--note", "逾期未报送")
    run("bulletin", "M3", "--as", "duchashi", "--on", "2025-08-18", "--type", "criticism", "--approved-by", "zhuren",
        "--note", "经督办仍无进展")
    run("interview", "M3", "--as", "zhuren", "--on", "2025-08-25", "--step", "criticism_twice", "--revoke-awards")
    one = d.doc("interview", "M1", D(2025, 9, 30))
    assert "十六(一)" in one and "不落实或执行偏差" in one and "未按方案推进" in one
    assert "十六(二)" not in one and "管委会2号会议室" in one and "2025年8月5日下午3时" in one
    assert "陈副主任" in one
    two = d.doc("interview", "M3", D(2025, 9, 30))
    assert "十六(二)" in two and "十六(一)" not in two
    assert "2025年8月4日" in two and "2025年8月18日" in two and "评先树优" in two
    assert "刘主任" in two


# --- fault 8: 督办令 and 年度考核汇总 -----------------------------------------------------------------


def test_fault8_new_kinds_only_where_the_procedure_has_the_step():
    assert DOC_KINDS["order"].step == "order" and DOC_KINDS["assessment"].step == "grading"
    kinds = {jid: available_kinds(load_policy(jid, {"issued": "2024-03-01"} if jid == "weinan_gaoxin" else {}))
             for jid in SHIPPED}
    assert {jid for jid, ks in kinds.items() if "order" in ks} == {"weinan_gaoxin", "dazhan", "ordos"}
    # where the year's results go into the annual assessment as grades or points
    assert {jid for jid, ks in kinds.items() if "assessment" in ks} == {"ankang", "weinan_gaoxin", "zhoucun"}


def test_fault8_weinan_order(tmp_path):
    d = _weinan(tmp_path)
    d.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "背街小巷整治", "--id", "A")
    d.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-08")
    d.run("order", "A", "--as", "duchashi", "--on", "2025-09-19", "--until", "2025-09-26", "--note", "限期报送办理结果")
    text = d.doc("order", "A", D(2025, 9, 30))
    assert "督办令" in text and "十六(二)" in text and "区住建局" in text
    assert "2025年9月26日" in text and "限期报送办理结果" in text
    assert "已逾期9个工作日" in text  # 8 → 19 September
    assert "通报批评" in text  # what follows 十六(二) if there is still no marked progress
    assert not EMPTY_ITEM.search(text)


def test_fault8_ankang_year_summary(tmp_path):
    d = _ankang(tmp_path)
    run = d.run
    for mid, unit in (("A", "u1"), ("B", "u2")):
        run("register", "--as", "duchashi", "--on", "2025-03-03", "--kind", "decision", "--title", f"事项{mid}", "--id", mid)
        run("assign", mid, "--as", "duchashi", "--on", "2025-03-03", "--lead", unit, "--deadline", "2025-03-31")
    run("submit", "A", "--as", "u1_head", "--on", "2025-03-28", "--evidence", "验收报告")
    run("review", "A", "--as", "duchashi", "--on", "2025-03-31", "--pass")
    run("grade", "A", "--as", "duchashi", "--on", "2025-04-01", "--grade", "优秀")
    run("bulletin", "A", "--as", "duchashi", "--on", "2025-04-02", "--type", "praise", "--note", "落实得力")
    run("interview", "B", "--as", "fgld", "--on", "2025-05-06", "--approved-by", "szf")
    run("bulletin", "B", "--as", "duchashi", "--on", "2025-07-01", "--type", "criticism", "--note", "经约谈仍无明显进展")
    rows = {a.unit: a for a in d.snapshot(D(2025, 12, 31)).assessment(parse_period("2025"))}
    assert (rows["u1"].counts["praise"], rows["u1"].grade) == (1, "优秀")
    assert (rows["u2"].counts["interviews"], rows["u2"].counts["criticism"]) == (1, 1)
    text = d.doc("assessment", "2025", D(2025, 12, 31))
    assert "2025年度" in text and "市考核办" in text and "第十二条(四)" in text
    assert "市工信局" in text and "优秀" in text and "落实得力" in text and "经约谈仍无明显进展" in text
    with pytest.raises(InputError, match="年度考核汇总按年度汇总"):
        d.doc("assessment", "2025-Q3", D(2025, 12, 31))


# --- fault 9: lateness from the obligation actually late ------------------------------------------


def test_fault9_reminder_counts_from_the_extended_limit(tmp_path):
    d = _weinan(tmp_path)
    run = d.run
    # 九: instruction assigned Mon 1 September, due Mon 8 September; extended to Fri 19 September
    run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "核查供暖问题", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1")
    run("extension", "ask", "A", "--as", "u1_staff", "--on", "2025-09-05", "--reasons", "需现场核查", "--progress",
        "已完成初查", "--until", "2025-09-19")
    run("extension", "grant", "A", "--as", "duchashi", "--on", "2025-09-08", "--until", "2025-09-19")
    run("remind", "A", "--as", "duchashi", "--on", "2025-09-24", "--method", "电话催办")
    snap = d.snapshot(D(2025, 9, 30))
    facts = snap.step_facts(snap.matter("A"), "remind")
    # 19 → 24 September: 22, 23, 24 = 3 working days (not 12 from the superseded 8 September)
    assert [(x.due, x.days) for x in facts.overdue] == [(D(2025, 9, 19), 3)]
    text = d.doc("reminder", "A", D(2025, 9, 30))
    assert "已逾期3个工作日" in text and "2025年9月19日" in text
    assert "按时限要求" not in text and "逾期12个工作日" not in text


def test_fault9_interview_names_the_progress_report_that_is_late(tmp_path):
    """Ankang 第九条: a meeting decision owes progress 30 working days after the meeting (30 June →
    11 August); the result is due only at the year's end. On 26 September the progress report is 34
    working days late — the notice says so, and does not say the matter is overdue unfinished."""
    d = _ankang(tmp_path)
    d.run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "meeting", "--title", "常务会议议定事项",
          "--id", "A")
    d.run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--meeting", "2025-06-30",
          "--deadline", "2025-12-31")
    d.run("interview", "A", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf")
    snap = d.snapshot(D(2025, 9, 30))
    assert [(x.name, x.due, x.days) for x in snap.step_facts(snap.matter("A"), "interview").overdue] == [
        ("会议决定事项进展情况报送", D(2025, 8, 11), 34)]
    text = d.doc("interview", "A", D(2025, 9, 30))
    assert "已逾期34个工作日仍未报送进展情况" in text
    assert "仍未办结" not in text and "仍未报送办理结果" not in text


# --- fault 10: templates read only what exists -----------------------------------------------------


#: the command and fixed options that record each step a document serves
COMMANDS = {"progress": ("progress",), "finding": ("finding",), "interview": ("interview",), "order": ("order",),
            "bulletin": ("bulletin", "--type", "criticism"), "remind": ("remind",), "report_up": ("step", "report_up")}
#: what the office writes with each (the fields documents quote)
WORDS = {"progress": {"note": "已完成年度目标的八成"}, "finding": {"note": "现场核查发现进度滞后"},
         "interview": {"time": "上午9时", "place": "第一会议室", "note": "逾期未报送办理结果"},
         "order": {"note": "限期报送办理结果"}, "bulletin": {"note": "逾期未报送且经督办仍无进展"},
         "remind": {"note": "请于本周内报送"}, "report_up": {"note": "报请领导审阅"}}


def _record_through_cli(runner, config, ledger, state, action: str, day: D) -> bool:
    """Record ``action`` on ``state`` with ``ducha …``, as the office would: the person who may take it, every
    field the step requires (a choice from the document's list, an approver who may approve, a date) and the
    words of ``WORDS``. False when the procedure does not allow the step here."""
    from ducha_core.confirm import _people_for

    policy = ledger.policy
    transition = policy.transition(state.state, action)
    if transition is None or (transition.kinds and state.kind not in transition.kinds):
        return False
    person = _people_for(transition.roles, policy, ledger.config.people, None, state)
    if person is None:
        return False
    data: dict = dict(WORDS[action])
    for field in (*transition.requires, *transition.requires_by_kind.get(state.kind, ()), *transition.choices,
                  *(o.date_field for o in transition.obliges if o.date_field)):
        choices = ledger.engine.choices_for(transition, field)
        if choices:
            data[field] = choices[0]
        elif field in ("until", "deadline"):
            data[field] = CAL.add_workdays(day, 5).isoformat()
        elif field not in data:
            data[field] = "文字说明"
    if action == "remind":
        data.setdefault("method", (ledger.engine.choices_for(transition, "method") or ("电话",))[0])
    for field, auth in ledger.engine.authority_for(state, action, data).items():
        holder = next(p for p in sorted(ledger.config.people.values(), key=lambda p: p.id)
                      if any(r in auth.roles for r in p.roles) and (not auth.same_unit or p.unit in state.units))
        data[field] = holder.id
    args = [*COMMANDS[action], state.id, "--as", person.id, "--on", day.isoformat(), "--config", str(config)]
    for key, value in data.items():
        if key == "type" and action == "bulletin":
            continue
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, f"{args}\n{result.output}"
    return True


CAL = None


@pytest.fixture(scope="module")
def demo_years(tmp_path_factory):
    """A demo year per jurisdiction, plus the steps documents serve recorded through the CLI with what an office
    writes: a progress note, a finding, a 督办令, a 约谈 with time and place, a criticism, a reminder."""
    global CAL
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.documents.demo import build

    CAL = WorkingCalendar.load()
    runner = CliRunner()
    out = {}
    for jid in SHIPPED:
        done: set[str] = set()
        result = build(tmp_path_factory.mktemp(jid), jid, year=2025, as_of=D(2025, 12, 31), matters=40)
        with Ledger.open(load_config(result.config)) as ledger:
            last = max(e.on for s in ledger.states() for e in s.events)
            day = CAL.roll_forward(last)
            open_ = [s for s in ledger.states(as_of=day) if not ledger.policy.states[s.state].done and s.lead_units]
            used: dict[str, str] = {}
            for action in COMMANDS:
                # the 督查专报 (report_up) of the matter whose progress and finding were recorded, where it may be
                first = [s for s in open_ if s.id == used.get("progress")] if action == "report_up" else []
                for state in first or open_:
                    if _record_through_cli(runner, result.config, ledger, ledger.matter(state.id), action, day):
                        done.add(action)
                        used[action] = state.id
                        break
        out[jid] = (result.config, day, done)
    return out


def _subjects(snap, kind: str) -> list[str]:
    spec = DOC_KINDS[kind]
    if spec.subject == "period":
        return ["2025"] if kind == "assessment" else ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025-H2", "2025"]
    # a matter document exists once its step is recorded
    return [s.id for s in snap.states if snap.step_event(s, spec.step) is not None]


@pytest.mark.parametrize("jid", SHIPPED)
def test_fault10_every_template_renders_strictly_over_a_demo_year(demo_years, jid):
    import jinja2

    from ducha_core.documents.render import environment

    config, day, done = demo_years[jid]
    steps = {t.action for t in load_policy(jid, {"issued": "2024-03-01"} if jid == "weinan_gaoxin" else {}).procedure.transitions}
    # every step a document serves, recorded through the CLI (a 督查专报 where the matter may be reported while
    # it runs: Ordos, Zhoucun; elsewhere only after its result passed review)
    assert done - {"report_up"} == (set(COMMANDS) - {"report_up"}) & steps, done
    assert ("report_up" in done) == (jid in ("ordos", "zhoucun")), done
    with Ledger.open(load_config(config)) as ledger:
        snap = Snapshot.from_ledger(ledger, day, all_visible=True)
    assert environment(snap.policy).undefined is jinja2.StrictUndefined  # a missing field raises, never a blank
    kinds = available_kinds(snap.policy)
    assert {"assignment", "reminder", "bulletin"} <= set(kinds)
    rendered = 0
    for kind in kinds:
        for subject in _subjects(snap, kind):
            text = render(snap, kind, subject, "md")  # UndefinedError → InputError: a failure
            rendered += 1
            where = f"{jid} {kind} {subject}"
            assert "None" not in text and "Undefined" not in text, where
            assert not EMPTY_ITEM.search(plain(text)), (where, EMPTY_ITEM.search(plain(text)).group())
            assert "「」" not in text and "（）" not in text and "| |" not in text, where
    # what was recorded through the CLI is what the documents say
    recorded = {w for words in WORDS.values() for w in words.values() if len(w) > 4}
    texts = "".join(plain(render(snap, kind, s, "md")) for kind in kinds if DOC_KINDS[kind].subject == "matter"
                    for s in _subjects(snap, kind) if any(e.on == day for e in snap.matter(s).events))
    expected = {"请于本周内报送"}
    if "report_up" in done:  # quoted by the 督查专报 of that matter
        expected |= {"已完成年度目标的八成", "现场核查发现进度滞后"}
    if "interview" in kinds:
        expected |= {"第一会议室", "逾期未报送办理结果"}
    if "order" in kinds:
        expected.add("限期报送办理结果")
    assert {w for w in recorded | {"第一会议室"} if w in texts} >= expected
    assert rendered > 40


def _template_keys(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"data\.get\(\s*[\"'](\w+)[\"']", text)) | set(re.findall(r"data\[\s*[\"'](\w+)[\"']\s*\]", text))


@pytest.mark.parametrize("jid", SHIPPED)
def test_fault10_templates_read_only_fields_the_cli_writes(jid):
    """Every event field a template reads is one the CLI writes: a command's option or a field the
    jurisdiction names (``ducha fields``; ``Policy.field_names``). The core's templates serve every plugin and
    read only the core's fields."""
    from ducha_core.events import FIELD_NAMES

    policy = load_policy(jid, {"issued": "2024-03-01"} if jid == "weinan_gaoxin" else {})
    core = Path(__file__).parent.parent / "ducha_core" / "templates"
    for path in core.glob("*.j2"):
        unknown = _template_keys(path) - set(FIELD_NAMES)
        assert not unknown, (path.name, unknown)
    for folder in policy.template_dirs:
        for path in Path(folder).glob("*.j2"):
            unknown = _template_keys(path) - set(policy.field_names)
            assert not unknown, (jid, path.name, unknown)


def test_obligations_of_an_interview_count_from_the_talk_not_the_notice(tmp_path):
    """Ankang 第十二条(三) “约谈之日起一周内”: the notice is recorded on 2025-10-09 (--on) for a talk on Monday
    2025-10-20 (--time). The written plan is due a week from the talk, Monday 10-27 (not 10-16, a week from
    the notice); 约谈后明显进展 30 working days from 10-20: 12-01. A talk dated before the notice is refused."""
    d = _ankang(tmp_path)
    run = d.run
    run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "工业园区扩容", "--id", "A")
    run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    before = d.path.with_name("ducha.sqlite3").read_bytes()
    refused = d.runner.invoke(main, ["interview", "A", "--config", str(d.path), "--as", "fgld", "--on", "2025-10-09",
                                     "--approved-by", "szf", "--time", "2025年10月8日上午9时"])
    assert refused.exit_code != 0 and "约谈日期 2025-10-08 早于 --on 2025-10-09" in refused.output
    assert d.path.with_name("ducha.sqlite3").read_bytes() == before
    run("interview", "A", "--as", "fgld", "--on", "2025-10-09", "--approved-by", "szf", "--time", "2025年10月20日上午9时",
        "--place", "市政府第三会议室")
    facts = d.snapshot(D(2025, 10, 10)).step_facts(d.snapshot(D(2025, 10, 10)).matter("A"), "interview")
    assert [(o.name, o.due) for o in facts.obligations] == [("书面整改方案", D(2025, 10, 27)),
                                                              ("约谈后明显进展", D(2025, 12, 1))]
