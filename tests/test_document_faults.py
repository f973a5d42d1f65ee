"""The faults a newcomer found in the rebuilt documents (issue 12), one test (or more) per kind of fault.

Every scenario is recorded through the CLI, as an office would, and the documents are made with ``ducha doc``
(or rendered from the ledger). Dates and working days are hand-checked against the 2025 State Council holiday
notice (国庆、中秋 1–8 October, make-up working days Sunday 28 September and Saturday 11 October).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date as D
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from deployments import units_and_people

from ducha_core.cli import main
from ducha_core.config import ConfigError, default_config_text, load_config
from ducha_core.documents.render import DOC_KINDS, empty_tables, local_names, render
from ducha_core.documents.snapshot import Snapshot
from ducha_core.events import Event as E
from ducha_core.ledger import Ledger
from ducha_core.model import Unit
from ducha_core.policy import load_policy

README = Path(__file__).parent.parent / "README.md"


def _toml(jid: str, units: list[dict], people: list[dict], extra: str = "") -> str:
    lines = [f'jurisdiction = "{jid}"', 'database = "ducha.sqlite3"', ""]
    if jid == "weinan_gaoxin":
        lines += ["[settings]", 'issued = "2024-03-01"', ""]
    if extra:
        lines += [extra, ""]
    return "\n".join(lines + units_and_people(units, people))


class Office:
    """A deployment in a temporary folder; ``run`` is the CLI (asserting success), ``fails`` a refusal:
    one line starting 错误：, a non-zero exit, and the database byte for byte as it was."""

    def __init__(self, tmp_path: Path, jid: str, units: list[dict], people: list[dict], extra: str = ""):
        self.dir = tmp_path
        self.path = tmp_path / "ducha.toml"
        self.path.write_text(_toml(jid, units, people, extra), encoding="utf-8")
        self.runner = CliRunner()
        self.run("init", "--jurisdiction", jid)

    def invoke(self, *args: str):
        return self.runner.invoke(main, [*map(str, args), "--config", str(self.path)])

    def run(self, *args: str) -> str:
        result = self.invoke(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def stored(self) -> dict[str, bytes]:
        """The database and its write-ahead log (the -shm file is SQLite's shared-memory index, not data)."""
        return {p.name: p.read_bytes() for p in sorted(self.dir.glob("ducha.sqlite3*")) if not p.name.endswith("-shm")}

    def fails(self, *args: str) -> str:
        before = self.stored()
        result = self.invoke(*args)
        assert result.exit_code != 0, result.output
        assert "Traceback" not in result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("错误："), result.output
        assert self.stored() == before  # nothing written
        return lines[0]

    def snapshot(self, as_of: D) -> Snapshot:
        with Ledger.open(load_config(self.path), create=False) as ledger:
            return Snapshot.from_ledger(ledger, as_of)


def plain(markdown: str) -> str:
    """The text of a Markdown document: escapes and hard line breaks dropped."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"\\$", "", markdown, flags=re.M))


def _people(units: list[str], extra: list[dict] = ()) -> list[dict]:
    people = [{"id": "duchashi", "name": "王督查", "roles": ["office"], "title": "督查室主任"}]
    for u in units:
        people += [{"id": f"{u}_head", "name": f"{u}负责人", "roles": ["unit_head"], "unit": u},
                   {"id": f"{u}_staff", "name": f"{u}联络员", "roles": ["unit"], "unit": u}]
    return [*people, *extra]


UNITS = [{"id": "u1", "name": "区住建局", "head": "u1_head"}, {"id": "u2", "name": "区教育局", "head": "u2_head"}]
WEINAN_LEADERS = [{"id": "zhuren", "name": "刘主任", "roles": ["principal_leader"], "title": "管委会主任"},
                  {"id": "lingdao", "name": "陈副主任", "roles": ["leader"], "title": "管委会副主任"}]
SUBMIT = ("--document-number", "高新住建发〔2025〕3号", "--signer", "李局长", "--seal")


def weinan(tmp_path, extra: str = "") -> Office:
    return Office(tmp_path, "weinan_gaoxin", UNITS, _people(["u1", "u2"], WEINAN_LEADERS), extra)


def ankang(tmp_path, extra: str = "") -> Office:
    units = [{"id": "u1", "name": "市工信局", "head": "u1_head"}]
    leaders = [{"id": "fgld", "name": "陈副市长", "roles": ["leader_in_charge"], "title": "市政府分管领导"},
               {"id": "szf", "name": "周秘书长", "roles": ["government"], "title": "市政府（审定）"}]
    return Office(tmp_path, "ankang", units, _people(["u1"], leaders), extra)


def _instruction(office: Office, mid: str, on: str, title: str = "核查供暖问题", unit: str = "u1") -> None:
    """A leader's instruction (领导批示, Weinan 九: 5 working days) registered and assigned on ``on``."""
    office.run("register", "--as", "duchashi", "--on", on, "--kind", "instruction", "--title", title, "--id", mid,
               "--duplicate-ok")  # the same 批示 title on several matters, on purpose
    office.run("assign", mid, "--as", "duchashi", "--on", on, "--lead", unit)


# --- 1. a matter document exists once its step is recorded, and is dated by it -------------------------


def test_fault1_no_document_for_a_step_never_recorded(tmp_path):
    office = weinan(tmp_path, '[documents]\nnumber_pattern.assignment = "渭高督字〔{year}〕{n}号"')
    _instruction(office, "A", "2025-09-01")
    assert office.fails("doc", "order", "A") == (
        "错误：事项 A 没有记录下达督办令（order），没有督办令；先为该事项记录下达督办令，怎样记录见 ducha order --help")
    assert office.fails("doc", "interview", "A") == (
        "错误：事项 A 没有记录督查约谈（interview），没有约谈通知；先为该事项记录督查约谈，怎样记录见 ducha interview --help")
    assert office.fails("doc", "special_report", "A") == (
        "错误：事项 A 没有记录报告（report_up），没有督查专报；先为该事项记录报告，怎样记录见 ducha step --help")
    # a withdrawn matter that was never assigned: no 督查通知单 「（承办单位待定）」, and no 文号 used up
    office.run("register", "--as", "duchashi", "--on", "2025-09-02", "--kind", "instruction", "--title", "误登记",
               "--id", "B")
    office.run("withdraw", "B", "--as", "duchashi", "--on", "2025-09-03", "--reason", "重复登记")
    assert office.fails("doc", "assignment", "B") == "错误：事项 B 已撤销（误登记，不计入统计），不生成公文"
    _instruction(office, "C", "2025-09-04")
    # 督查通知单 by 交办: A (1 September) 1号, C (4 September) 2号 — B took none
    assert "渭高督字〔2025〕1号" in office.run("doc", "assignment", "A")
    assert "渭高督字〔2025〕2号" in office.run("doc", "assignment", "C")
    # a matter never assigned (not withdrawn): refused the same way, naming `ducha assign`
    office.run("register", "--as", "duchashi", "--on", "2025-09-05", "--kind", "instruction", "--title", "待交办",
               "--id", "D")
    assert office.fails("doc", "assignment", "D") == (
        "错误：事项 D 没有记录交办（assign），没有督查通知单；先为该事项记录交办，怎样记录见 ducha assign --help")


def test_fault1_dated_by_its_step_and_stating_the_facts_of_that_day(tmp_path):
    office = weinan(tmp_path, '[documents]\nnumber_pattern.reminder = "渭高督催字〔{year}〕{n}号"')
    # 九: assigned Mon 1 September, due Mon 8 September (2, 3, 4, 5, 8)
    _instruction(office, "A", "2025-09-01")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-11", "--method", "电话催办")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-15", "--method", "书面调度")
    # the latest 督办 (15 September): 9, 10, 11, 12, 15 September = 5 working days late — not as of the 30th
    latest = plain(office.run("doc", "reminder", "A", "--as-of", "2025-09-30"))
    assert "截至2025年9月15日已逾期5个工作日" in latest and "渭高督催字〔2025〕2号" in latest
    assert "\n区督查室\n2025年9月15日\n\n---\n" in latest  # 署名 and 成文日期, then the 版记
    assert "2025年9月30日" not in latest
    # the one of 11 September (--on): 9, 10, 11 = 3 working days, dated 11 September, its own number
    first = plain(office.run("doc", "reminder", "A", "--on", "2025-09-11"))
    assert "截至2025年9月11日已逾期3个工作日" in first and "渭高督催字〔2025〕1号" in first
    assert "已督办：2025年9月11日（电话催办）。" in first and "书面调度" not in first
    assert "2025年9月15日" not in first
    assert office.fails("doc", "reminder", "A", "--on", "2025-09-12") == (
        "错误：事项 A 在 2025-09-12 没有记录督办（remind），没有这一天的催办通知；已记录督办的日期：2025-09-11、2025-09-15")
    # --as-of before the first 督办: none recorded by then
    assert office.fails("doc", "reminder", "A", "--as-of", "2025-09-10") == (
        "错误：事项 A 截至 2025-09-10 没有记录督办（remind），没有催办通知；先为该事项记录督办，怎样记录见 ducha remind --help")
    # the library does the same from a snapshot of a later day: the snapshot as of the step's day
    snap = office.snapshot(D(2025, 9, 30))
    text = plain(render(snap, "reminder", "A"))
    assert "截至2025年9月15日已逾期5个工作日" in text and "2025年9月30日" not in text
    assert plain(render(snap, "reminder", "A", on=D(2025, 9, 11))) == first


def test_fault1_the_interview_notice_is_sent_before_the_talk(tmp_path):
    office = ankang(tmp_path)
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "工业园区扩容",
               "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    # decided and notified on Fri 26 September; the talk is held on Mon 20 October
    office.run("interview", "A", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf",
               "--time", "2025年10月20日上午9时", "--place", "市政府第三会议室")
    text = plain(office.run("doc", "interview", "A", "--as-of", "2025-12-31"))
    assert "定于2025年10月20日上午9时在市政府第三会议室由市政府分管领导陈副市长对你单位主要负责人进行约谈。" in text
    assert "2025年9月262025" not in text and "2025年9月26日2025年10月20日" not in text
    assert "\n2025年9月26日\n\n---\n" in text  # the notice's day: --on
    # a time alone is on the --on day (as before)
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "技改项目",
               "--id", "B")
    office.run("assign", "B", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    office.run("interview", "B", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf", "--time", "下午3时")
    assert "定于2025年9月26日下午3时由" in plain(office.run("doc", "interview", "B"))
    # without --time the notice says the time will be announced, not that the talk is on --on's day
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "统计核查",
               "--id", "C")
    office.run("assign", "C", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-15")
    office.run("interview", "C", "--as", "fgld", "--on", "2025-09-26", "--approved-by", "szf")
    text = plain(office.run("doc", "interview", "C"))
    assert "约谈时间、地点另行通知" in text and "定于" not in text
    # the field's reading, as `ducha fields` prints it
    fields = office.run("fields", "interview")
    assert "--time" in fields and "可晚于 --on" in fields and "日期即 --on" not in fields


def test_fault1_the_demo_picks_only_matters_whose_step_happened(tmp_path):
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.documents.demo import pick_subjects

    policy = load_policy("weinan_gaoxin", {"issued": "2024-03-01"})
    events = [E("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction", "title": "背街小巷整治"}),
              E("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]}),
              E("M2", "register", D(2025, 10, 9), "office", {"kind": "instruction", "title": "未交办"})]
    snap = Snapshot.from_events(policy, WorkingCalendar.default(), events, D(2025, 10, 20), units=[Unit("u1", "区住建局")])
    # no 督办, 报告, 约谈 or 督办令 was recorded: no such document; the 督查通知单 of the assigned matter only
    assert pick_subjects(snap) == {"assignment": "M1", "bulletin": "2025-Q4", "assessment": "2025"}
    snap = Snapshot.from_events(policy, WorkingCalendar.default(),
                                [*events, E("M1", "remind", D(2025, 10, 15), "office", {"method": "电话催办"})],
                                D(2025, 10, 20), units=[Unit("u1", "区住建局")])
    assert pick_subjects(snap)["reminder"] == "M1"


# --- 2. 期号 and 文号 of the documents that are not a matter's step: a register in the store ---------


def test_fault2_bulletin_numbers_are_issued_once_and_kept(tmp_path):
    office = weinan(tmp_path, '[documents]\nnumber_pattern.bulletin = "第{n}期"')
    _instruction(office, "A", "2025-07-01")
    # a preview burns no number: nothing is written
    before = office.stored()
    preview = office.invoke("doc", "bulletin", "2025-Q3")
    assert preview.exit_code == 0 and "（未编号：预览）" in preview.stdout
    assert office.stored() == before
    assert "印发时加 --issue" in preview.output  # said on stderr
    with sqlite3.connect(tmp_path / "ducha.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM document_numbers").fetchone() == (0,)

    def issued(period: str, *more: str) -> str:
        return plain(office.run("doc", "bulletin", period, "--issue", *more)).splitlines()[2]

    assert issued("2025-Q3") == "第1期"
    assert issued("2025-09") == "第2期"
    assert issued("2025-Q3") == "第1期"  # reissued: the same number
    assert plain(office.run("doc", "bulletin", "2025-Q3")).splitlines()[2] == "第1期"  # issued: no longer a preview
    assert issued("2025-H2", "--as-of", "2025-12-31") == "第3期"
    assert issued("2026-Q1", "--as-of", "2026-03-31") == "第1期"  # numbered per year
    assert issued("2025", "--as-of", "2025-12-31") == "第4期"
    with sqlite3.connect(tmp_path / "ducha.sqlite3") as conn:
        rows = conn.execute("SELECT kind, subject, year, n FROM document_numbers ORDER BY year, n").fetchall()
        assert rows == [("bulletin", "2025-Q3", 2025, 1), ("bulletin", "2025-09", 2025, 2), ("bulletin", "2025-H2", 2025, 3),
                        ("bulletin", "2025", 2025, 4), ("bulletin", "2026-Q1", 2026, 1)]
        with pytest.raises(sqlite3.DatabaseError, match="never reused"):  # a number once issued stays
            conn.execute("DELETE FROM document_numbers")
        with pytest.raises(sqlite3.DatabaseError, match="never changed"):
            conn.execute("UPDATE document_numbers SET n = 9")
    # a file that cannot be written: refused before a number is issued for it
    assert office.fails("doc", "bulletin", "2025-Q4", "--as-of", "2025-12-31", "--issue", "--out",
                        str(tmp_path / "无此目录" / "通报.md")).endswith("所在目录不存在（目录须先建好）")
    assert issued("2025-Q4", "--as-of", "2025-12-31") == "第5期"
    # a kind without a pattern: nothing to number (the 文号 is blank), refused with --issue, nothing written
    assert office.fails("doc", "assessment", "2025", "--issue", "--as-of", "2025-12-31") == (
        "错误：ducha.toml 未设定 [documents] number_pattern.assessment，年度考核汇总没有文号可编；"
        '请先设定（如 number_pattern.assessment = "第{n}期"），或去掉 --issue')
    # a matter document is numbered by its step, not issued
    assert office.fails("doc", "assignment", "A", "--issue").startswith("错误：--issue 用于督查通报、年度考核汇总")


def test_fault2_an_existing_database_gets_the_register(tmp_path):
    office = weinan(tmp_path)
    _instruction(office, "A", "2025-07-01")
    with sqlite3.connect(tmp_path / "ducha.sqlite3") as conn:  # as a database of the previous schema (v4)
        conn.execute("DROP TABLE document_numbers")
        conn.execute("PRAGMA user_version = 4")
    with Ledger.open(load_config(office.path), create=False) as ledger:
        assert ledger.store.issued_numbers() == {}
        assert ledger.store.issue_number("bulletin", "2025-Q3", 2025, "2025-10-08") == (2025, 1)
        assert ledger.store.issue_number("bulletin", "2025-Q3", 2025, "2025-10-09") == (2025, 1)
        assert ledger.store.issue_number("bulletin", "2025-Q4", 2025, "2026-01-05") == (2025, 2)
        assert Snapshot.from_ledger(ledger, D(2025, 9, 30)).issued == {("bulletin", "2025-Q3"): (2025, 1),
                                                                     ("bulletin", "2025-Q4"): (2025, 2)}


def test_fault2_the_init_file_says_how_numbers_are_given():
    text = default_config_text("weinan_gaoxin")
    assert "2025-Q3为3" not in text and "2025-09为9" not in text  # was not so
    assert "ducha doc bulletin 2025-Q3 --issue" in text and "重新生成时沿用原号，已用的号不再使用" in text
    assert "不加 --issue 的预览显示“（未编号：预览）”" in text
    assert "先记录该环节，才有该公文" in text


# --- 3. wrong facts ------------------------------------------------------------------------------------


def test_fault3a_on_time_as_ducha_show_says(tmp_path):
    """Reported a day early (14 July, due 15 July), returned for rework by 22 July, reworked on 21 July: every
    time limit 按时完成 in `ducha show`, so 按期 in the bulletin (was 0 按期 / 1 逾期: the rework came after the
    original day)."""
    office = weinan(tmp_path)
    office.run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", "老旧小区改造",
               "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline", "2025-07-15")
    office.run("submit", "A", "--as", "u1_head", "--on", "2025-07-14", *SUBMIT)
    office.run("review", "A", "--as", "duchashi", "--on", "2025-07-15", "--return", "--reason", "未附清单",
               "--deadline", "2025-07-22")
    office.run("submit", "A", "--as", "u1_head", "--on", "2025-07-21", *SUBMIT)
    office.run("review", "A", "--as", "duchashi", "--on", "2025-07-22", "--pass")
    shown = office.run("show", "A", "--as-of", "2025-09-30")
    assert shown.count("按时完成") == 2 and "逾期完成" not in shown
    snap = office.snapshot(D(2025, 9, 30))
    assert snap.row(snap.matter("A")).on_time is True
    text = plain(office.run("doc", "bulletin", "2025-Q3"))
    # 承办 1, 办结 1, 按期办结 1, 逾期办结 0, 逾期未办结 0, 退回重新办理 1, 未按时限报送 0
    assert "| 区住建局 | 1 | 1 | 1 | 0 | 0 | 1 | 0 |" in text


def test_fault3b_progress_is_what_was_reported_as_progress(tmp_path):
    office = ankang(tmp_path)
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "工业园区扩容",
               "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-10")
    office.run("submit", "A", "--as", "u1_head", "--on", "2025-09-05", "--evidence", "验收报告")
    office.run("review", "A", "--as", "duchashi", "--on", "2025-09-08", "--return", "--reason", "未附照片",
               "--deadline", "2025-09-12")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-15", "--method", "电话")
    text = plain(office.run("doc", "reminder", "A"))
    assert "阶段性进展" not in text  # a result (submit) is not a progress report; none was recorded
    assert "| 已催办 | 1 次 |" in text and "| 退回重办 | 1 次 |" in text
    office.run("progress", "A", "--as", "u1_head", "--on", "2025-09-16", "--note", "已补拍照片")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-17", "--method", "电话")
    text = plain(office.run("doc", "reminder", "A"))
    assert "| 阶段性进展 | 1 次（最近 2025年9月16日） |" in text and "| 已催办 | 2 次 |" in text


def test_fault3c_each_date_with_its_own_time_limit(tmp_path):
    """Zhoucun 五(三): a principal leader's assignment of Mon 1 September owes a plan the next day (Tue 2
    September) and the result in 5 days (Sat 6 September, rolled to Mon 8 September). Chased on 3 September:
    the plan is overdue; the 8th is the result's day, not the plan's."""
    units = [{"id": "u1", "name": "区发改局", "head": "u1_head"}]
    office = Office(tmp_path, "zhoucun", units, _people(["u1"]))
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "principal_assignment",
               "--title", "核查供暖问题", "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-03", "--method", "电话催报")
    text = plain(office.run("doc", "reminder", "A"))
    assert "| 办理时限 | 2025年9月2日前（提出办理方案，五(三)）；2025年9月8日前（提报办理意见或结果，五(三)） |" in text
    assert "提出办理方案于2025年9月2日到期，截至2025年9月3日已逾期1个工作日仍未提出办理方案。" in text
    assert "并于2025年9月8日前报送办理结果" in text
    assert "时限依据" not in text  # no date paired with another limit's name


def test_fault3d_bulletins_show_the_corrected_title(tmp_path):
    office = weinan(tmp_path)
    office.run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", "校舍安全排茶",
               "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline", "2025-07-15")
    office.run("correct", "A", "--as", "duchashi", "--on", "2025-10-10", "--title", "校舍安全排查", "--reason", "笔误")
    text = plain(office.run("doc", "bulletin", "2025-Q3"))  # as of 30 September, before the correction
    assert "校舍安全排查" in text and "校舍安全排茶" not in text
    assert office.snapshot(D(2025, 9, 30)).matter("A").title == "校舍安全排查"
    # and from events (no store): the same
    policy = load_policy("weinan_gaoxin", {"issued": "2024-03-01"})
    from ducha_core.calendar import WorkingCalendar

    events = [E("A", "register", D(2025, 7, 1), "office", {"kind": "instruction", "title": "校舍安全排茶"}),
              E("A", "assign", D(2025, 7, 1), "office", {"lead_units": ["u1"]}),
              E("A", "correct", D(2025, 10, 10), "office", {"title": "校舍安全排查", "reason": "笔误"})]
    snap = Snapshot.from_events(policy, WorkingCalendar.default(), events, D(2025, 9, 30))
    assert snap.matter("A").title == "校舍安全排查"


# --- 4. withdrawn matters are in no document -------------------------------------------------------------


def test_fault4_withdrawn_matters_are_left_out(tmp_path):
    units = [{"id": "u1", "name": "区发改局", "head": "u1_head"}]
    office = Office(tmp_path, "zhoucun", units, _people(["u1"]))
    for mid, title in (("A", "背街小巷整治"), ("B", "校舍安全排查"), ("C", "农贸市场改造")):
        office.run("register", "--as", "duchashi", "--on", "2025-07-01", "--kind", "decision", "--title", title,
                   "--id", mid)
        office.run("assign", mid, "--as", "duchashi", "--on", "2025-07-01", "--lead", "u1", "--deadline",
                   "2025-07-31")
    office.run("withdraw", "B", "--as", "duchashi", "--on", "2025-07-02", "--reason", "重复登记")
    office.run("withdraw", "C", "--as", "duchashi", "--on", "2025-10-09", "--reason", "误登记")  # after the period
    text = plain(office.run("doc", "bulletin", "2025-Q3"))
    assert "共跟踪督办事项1件" in text
    assert "校舍安全排查" not in text and "农贸市场改造" not in text and "已撤销" not in text
    assert "| A | 背街小巷整治 |" in text


# --- 5. the parts of a 公文: 主送机关, and a 发文机关 the deployment names -------------------------------


def test_fault5_bulletin_and_report_have_an_addressee(tmp_path):
    office = weinan(tmp_path, '[documents]\nissuer = "渭南高新区党工委督查室"')
    _instruction(office, "A", "2025-07-01")
    office.run("submit", "A", "--as", "u1_head", "--on", "2025-07-07", *SUBMIT)
    office.run("review", "A", "--as", "duchashi", "--on", "2025-07-08", "--pass")
    office.run("step", "report_up", "A", "--as", "duchashi", "--on", "2025-07-08")
    bulletin = plain(office.run("doc", "bulletin", "2025-Q3")).splitlines()
    # 七(七) 各部门（单位）; the 发文机关 named in the 版记
    assert bulletin[bulletin.index("# 督查通报（2025年第三季度）") + 2] == "各部门（单位）："
    assert bulletin[-1] == "渭南高新区党工委督查室　　2025年9月30日印发"
    report = plain(office.run("doc", "special_report", "A")).splitlines()
    assert report[report.index("# 督查办理情况报告") + 2] == "党工委、管委会有关领导同志和主要领导同志："  # 七(六)
    notice = plain(office.run("doc", "assignment", "A")).splitlines()
    assert notice[0] == "渭南高新区党工委督查室"  # 发文机关标志
    assert notice[-6:-4] == ["渭南高新区党工委督查室", "2025年7月1日"]  # 署名 and 成文日期 (the 交办's day)
    assert notice[-1] == "渭南高新区党工委督查室　　2025年7月1日印发"
    # the core's templates: 通报 to the units concerned, 专报 to the leaders it reports to
    snap = office.snapshot(D(2025, 9, 30))
    core = attrs.evolve(snap, policy=attrs.evolve(snap.policy, template_dirs=()))
    assert "\n\n各有关单位：\n\n" in render(core, "bulletin", "2025-Q3")
    assert "\n\n党工委、管委会有关领导、党工委、管委会主要领导：\n\n" in render(core, "special_report", "A")
    assert plain(render(core, "bulletin", "2025-Q3")).splitlines()[2] == "渭南高新区党工委督查室　　　　2025年9月30日"


@pytest.mark.parametrize("jid, addressee", [
    ("ankang", "各县区人民政府，市政府各工作部门、直属机构："),  # 第八条
    ("dazhan", "各乡镇街道、区级各部门："),  # 第十一条、第二十六条
    ("zhoucun", "各有关部门、单位："),  # 五(三)、六(三)
    ("ordos", "各级各有关部门："),  # 第二十二条
])
def test_fault5_each_jurisdictions_bulletin_names_whom_it_goes_to(jid, addressee):
    from ducha_core.calendar import WorkingCalendar

    policy = load_policy(jid)
    kind = next(iter(policy.kinds))
    data = {"kind": kind, "title": "背街小巷整治", **({"draft_opinion": "拟办"} if jid == "dazhan" else {})}
    events = [E("M1", "register", D(2025, 7, 1), "office", data)]
    snap = Snapshot.from_events(policy, WorkingCalendar.default(), events, D(2025, 9, 30))
    assert f"\n\n{addressee}\n\n" in render(snap, "bulletin", "2025-Q3")


def test_fault5_issuer_is_checked_and_documented(tmp_path):
    office = weinan(tmp_path)
    office.path.write_text(office.path.read_text(encoding="utf-8").replace(
        "[settings]", '[documents]\nissuer = "  "\n\n[settings]'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"documents\.issuer = '  ' 无效：须为发文机关全称"):
        load_config(office.path)
    line = office.fails("ledger")
    assert "documents.issuer" in line and "\n" not in line
    office.path.write_text(office.path.read_text(encoding="utf-8").replace('issuer = "  "', "issuer = 3"), encoding="utf-8")
    assert "documents.issuer = 3 无效" in office.fails("ledger")
    (tmp_path / "ok").mkdir()
    assert load_config(weinan(tmp_path / "ok").path).issuer == ""  # not set: the office (区督查室)
    text = default_config_text("weinan_gaoxin")
    assert '# issuer = "渭南高新区督查室"' in text and "发文机关标志、署名和印发机关" in text
    assert "issuer" in README.read_text(encoding="utf-8")


# --- 6. nothing internal in what is sent to a unit -------------------------------------------------------


def test_fault6_reminder_says_no_internal_rule_and_no_label_twice(tmp_path):
    office = weinan(tmp_path)
    _instruction(office, "A", "2025-09-01")
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-11", "--method", "电话催办")
    text = plain(office.run("doc", "reminder", "A"))
    assert "催办方式：电话催办。" in text and "督办事项：催办方式" not in text
    office.run("remind", "A", "--as", "duchashi", "--on", "2025-09-12", "--method", "书面调度", "--note", "请于本周内报送")
    assert "督办事项：请于本周内报送；催办方式：书面调度。" in plain(office.run("doc", "reminder", "A"))
    # the core's 催办通知 (an overdue matter: the ladder proposes steps) tells the unit no rule of the office's own
    snap = office.snapshot(D(2025, 9, 30))
    assert snap.findings  # there are proposals for the office …
    core = attrs.evolve(snap, policy=attrs.evolve(snap.policy, template_dirs=()))
    text = plain(render(core, "reminder", "A"))
    assert "规则提示" not in text and not any(f.name in text for f in snap.findings)  # … not in the notice
    assert "催办事项：请于本周内报送；催办方式：书面调度。" in text


def test_fault6_the_order_states_what_follows_as_a_sentence(tmp_path):
    office = weinan(tmp_path)
    office.run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "decision", "--title", "背街小巷整治",
               "--id", "A")
    office.run("assign", "A", "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-09-08")
    office.run("order", "A", "--as", "duchashi", "--on", "2025-09-19", "--until", "2025-09-26", "--note", "限期报送办理结果")
    text = plain(office.run("doc", "order", "A"))
    assert ("下达督办令后仍无明显进展的，将予以通报批评（《督促检查工作实施办法（试行）》十六(二)：“下达督办令后，"
            "工作仍没有明显进展的，由区督查室对责任单位进行通报批评”）。") in text
    assert "逾期仍未落实的，下达督办令后" not in text
    assert "督办事由：限期报送办理结果。" in text and "- 督办令后明显进展：2025年9月26日前报送进展（十六(二)）。" in text


# --- 7. periods not begun, and tables without rows ---------------------------------------------------------


def test_fault7_a_period_not_begun_is_refused(tmp_path):
    office = weinan(tmp_path)
    _instruction(office, "A", "2025-07-01")
    assert office.fails("doc", "bulletin", "2027-Q1", "--as-of", "2026-12-31") == (
        "错误：2027年第一季度（2027-Q1）自 2027-01-01 开始，截至 2026-12-31 尚未开始，没有可通报的情况；请写已开始的期间")
    assert office.fails("doc", "assessment", "2030").startswith("错误：2030年（2030）自 2030-01-01 开始，截至 ")
    assert office.run("doc", "bulletin", "2026-Q4", "--as-of", "2026-10-01")  # begun: made


def test_fault7_a_table_without_rows_says_none_this_period(tmp_path):
    assert empty_tables("a\n\n| x | y |\n| --- | --- |\n\nb\n| p |\n| --- |\n| 1 |\n") == \
        "a\n\n本期无。\n\nb\n| p |\n| --- |\n| 1 |\n"
    assert empty_tables("| x |\n|:---:|") == "本期无。"
    office = weinan(tmp_path)
    _instruction(office, "A", "2025-07-01")
    text = plain(office.run("doc", "bulletin", "2025-Q1", "--as-of", "2025-03-31"))  # nothing yet in Q1
    assert "| 督查事项 |" not in text and "| 承办单位 |" not in text
    assert "### 一、督办落实情况\n\n本期无。\n" in text and "### 二、承办单位办理质量\n\n本期无。\n" in text
    assert text.count("本期无。") == 6  # the 2 tables, and the lists of 未按时限报送, 退回, 表扬, 批评


# --- 8. the help lists every kind, with each jurisdiction's own names ------------------------------------


def test_fault8_help_lists_every_kind():
    out = CliRunner().invoke(main, ["doc", "--help"])
    assert out.exit_code == 0
    for kind, spec in DOC_KINDS.items():
        assert re.search(rf"^\s+{kind}\s+{spec.name}（", out.output, re.M), kind
    flat = re.sub(r"\s+", "", out.output)
    assert "渭南高新区称督办通知" in flat  # reminder
    assert "大安区称督办通知" in flat and "鄂尔多斯市称责成落实通知、限期整改通知" in flat  # order
    assert "渭南高新区称督查约谈通知" in flat and "周村区称周村督查" in flat
    assert local_names(load_policy("ordos"))["order"] == ("责成落实通知", "限期整改通知")
    assert local_names(load_policy("weinan_gaoxin"))["reminder"] == ("督办通知",)


# --- 9. --out says the format ----------------------------------------------------------------------------


def test_fault9_out_extension_must_match_the_format(tmp_path):
    office = weinan(tmp_path)
    _instruction(office, "A", "2025-07-01")
    pdf = tmp_path / "x.pdf"
    line = office.fails("doc", "assignment", "A", "--out", str(pdf))
    assert line == (f"错误：--out {pdf} 的扩展名 .pdf 不是可写的格式；请用 .md、.html 或 .docx；"
                    "PDF 可由 .docx 用 WPS、Word 或 LibreOffice 导出，或在浏览器中打印 .html")
    assert not pdf.exists()
    md = tmp_path / "x.md"
    assert office.fails("doc", "assignment", "A", "--format", "html", "--out", str(md)) == (
        f"错误：--out {md} 的扩展名是 .md，与 --format html 不符；请改用 --format md 或改文件名")
    assert not md.exists()
    office.run("doc", "assignment", "A", "--out", str(tmp_path / "x.htm"))
    assert (tmp_path / "x.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    office.run("doc", "assignment", "A", "--out", str(md))
    assert md.read_text(encoding="utf-8").startswith("区督查室\n\n---\n")
