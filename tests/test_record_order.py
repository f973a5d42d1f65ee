"""Events in date order (补录 by the office only), no future dates from the CLI, units acting for
themselves only, and the jurisdiction a log is recorded under (switched only by a recorded step).
Every refused command leaves the database byte-identical."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from ducha_core.cli import ledger_cmd, main
from ducha_core.store import open_store

CONFIG = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
[[unit]]
id = "czj"
name = "区财政局"
[[unit]]
id = "zjj"
name = "区住建局"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
[[person]]
id = "zhang"
name = "张伟"
roles = ["unit"]
unit = "jyj"
[[person]]
id = "liu"
name = "刘科长"
roles = ["unit"]
unit = "czj"
"""

TODAY = date(2025, 10, 31)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    monkeypatch.setattr(ledger_cmd, "_now", lambda: TODAY)  # never the real date
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    open_store(tmp_path / "ducha.sqlite3").close()  # an empty database, as ducha init creates it
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def _db(tmp_path) -> bytes:
    return (tmp_path / "ducha.sqlite3").read_bytes()


def refused(run, tmp_path, *args) -> str:
    """Run a command that must be refused; the database is unchanged; returns the one error line."""
    before = _db(tmp_path)
    result = run(*args, ok=False)
    assert _db(tmp_path) == before
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), result.output
    return lines[0]


def assigned(run) -> str:
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修"
              ).output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--co", "czj")
    run("accept", mid, "--as", "zhang", "--on", "2025-09-30")
    return mid


SUBMIT = ("--document-number", "高新教发〔2025〕12号", "--signer", "王局长", "--seal")


# --- dates in order ---------------------------------------------------------------------------------


def test_a_step_dated_before_the_latest_is_refused(run, tmp_path):
    mid = assigned(run)
    run("order", mid, "--as", "chen", "--on", "2025-10-20")
    line = refused(run, tmp_path, "submit", mid, "--as", "zhang", "--on", "2025-10-13", *SUBMIT)
    assert "2025-10-13 早于" in line and "2025-10-20" in line and "--late-entry" in line
    # the unit cannot make it a late entry itself
    line = refused(run, tmp_path, "submit", mid, "--as", "zhang", "--on", "2025-10-13", "--late-entry", "补交", *SUBMIT)
    assert "只能由督查室人员记录" in line
    # on or after the latest day is fine: the result is late
    run("submit", mid, "--as", "zhang", "--on", "2025-10-20", *SUBMIT)
    data = json.loads(run("show", mid, "--json").output)
    result = next(o for o in data["obligations"] if o["what"] == "result")
    assert result["met_on"] == "2025-10-20" and result["status"] == "late"


def test_the_office_records_a_late_entry_with_its_reason_and_recorded_time(run, tmp_path):
    mid = assigned(run)
    run("order", mid, "--as", "chen", "--on", "2025-10-20")
    refused(run, tmp_path, "remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催办")
    run("remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催办", "--late-entry", "纸质台账补录")
    data = json.loads(run("show", mid, "--json").output)
    last = data["events"][-1]
    assert last["on"] == "2025-10-10" and last["data"]["late_entry"] == "纸质台账补录" and last["recorded_at"]
    text = run("show", mid).output
    line = next(x for x in text.splitlines() if "纸质台账补录" in x)
    assert "2025-10-10" in line and "补录（记录于 " in line and "理由：纸质台账补录" in line
    # the ledger (library API) keeps it too
    from ducha_core.ledger import open_ledger

    with open_ledger() as book:
        assert book.events(mid)[-1].data["late_entry"] == "纸质台账补录"


def test_a_future_date_is_refused_from_the_cli(run, tmp_path):
    mid = assigned(run)
    line = refused(run, tmp_path, "remind", mid, "--as", "chen", "--on", "2025-11-03", "--method", "电话催办")
    assert "晚于今天 2025-10-31" in line
    line = refused(run, tmp_path, "remind", mid, "--as", "chen", "--on", "2025-11-03", "--method", "电话催办",
                   "--late-entry", "预先登记")
    assert "晚于今天" in line
    run("remind", mid, "--as", "chen", "--method", "电话催办")  # default --on: today
    assert json.loads(run("show", mid, "--json").output)["events"][-1]["on"] == "2025-10-31"


def test_library_callers_order_but_no_today(tmp_path):
    import tomllib

    from ducha_core.config import parse_config
    from ducha_core.errors import ActionRefused
    from ducha_core.ledger import Ledger

    config = parse_config(tomllib.loads(CONFIG), tmp_path / "ducha.toml")
    with Ledger.open(config) as book:
        state = book.record(None, "register", date(2030, 1, 5), "chen", {"kind": "instruction", "title": "远期"})
        book.record(state.id, "assign", date(2030, 1, 6), "chen", {"lead_units": ["jyj"]})
        with pytest.raises(ActionRefused, match="早于"):
            book.record(state.id, "accept", date(2030, 1, 5), "zhang", {})
        with pytest.raises(Exception, match="晚于今天"):
            book.record(state.id, "accept", date(2030, 1, 7), "zhang", {}, today=date(2030, 1, 6))


# --- units act for themselves ---------------------------------------------------------------------


def test_a_unit_person_acts_for_their_own_unit_only(run, tmp_path):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修"
              ).output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--co", "czj")
    line = refused(run, tmp_path, "accept", mid, "--as", "liu", "--unit", "jyj", "--on", "2025-09-30")
    assert "刘科长 是单位 czj 的人员，只能为本单位办理" in line and "--unit jyj" in line
    line = refused(run, tmp_path, "accept", mid, "--as", "liu", "--unit", "nosuch", "--on", "2025-09-30")
    assert "未知的单位 'nosuch'" in line
    line = refused(run, tmp_path, "step", "rectification_plan", mid, "--as", "liu", "--unit", "jyj", "--on", "2025-10-09")
    assert "只能为本单位办理" in line
    run("accept", mid, "--as", "liu", "--unit", "czj", "--on", "2025-09-30")  # naming one's own unit is fine
    assert json.loads(run("show", mid, "--json").output)["responsible"] == {"czj": "liu"}


def test_a_named_unit_must_handle_the_matter(tmp_path):
    """``unit`` (the unit acted for) names one of the matter's handling units."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.errors import ActionRefused
    from ducha_core.events import Event
    from ducha_core.matter import MatterEngine
    from ducha_core.model import Person
    from ducha_core.registry import resolve_policy

    policy = resolve_policy("weinan_gaoxin")
    people = {"chen": Person("chen", "陈督查", ("office",)), "both": Person("both", "王", ("office", "unit"), "jyj")}
    engine = MatterEngine(policy, WorkingCalendar.load(), people.__getitem__)
    state = engine.fold([Event("M", "register", date(2025, 9, 29), "chen", {"kind": "instruction", "title": "x"}),
                         Event("M", "assign", date(2025, 9, 30), "chen", {"lead_units": ["jyj"]})])
    with pytest.raises(ActionRefused, match="单位 czj 不是事项 M 的承办单位"):
        engine.check_new(state, Event("M", "accept", date(2025, 9, 30), "both", {"unit": "czj"}))


# --- the jurisdiction the log is recorded under ---------------------------------------------------


def test_switching_jurisdiction_is_refused_until_done_explicitly(run, tmp_path):
    mid = assigned(run)
    db = sqlite3.connect(tmp_path / "ducha.sqlite3")
    assert db.execute("SELECT value FROM meta WHERE key = 'recorded_jurisdiction'").fetchone() == ("weinan_gaoxin",)
    db.close()
    toml = tmp_path / "ducha.toml"

    def switch_file(jid: str) -> None:
        toml.write_text(CONFIG.replace('"weinan_gaoxin"', f'"{jid}"').replace('issued = "2024-06-01"', ""),
                        encoding="utf-8")

    switch_file("zhoucun")
    for args in (("ledger",), ("show", mid), ("rebuild",),
                 ("remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催报")):
        line = refused(run, tmp_path, *args)
        assert "事件日志按 weinan_gaoxin 的规定记录，ducha.toml 现为 zhoucun" in line
        assert "ducha switch-jurisdiction zhoucun" in line
    # reading under the recorded jurisdiction (read-only) still works
    before = _db(tmp_path)
    assert mid in run("ledger", "--jurisdiction", "weinan_gaoxin", "--as-of", "2025-10-01").output
    assert _db(tmp_path) == before
    # the switch: the office's, with a reason, for the jurisdiction ducha.toml names
    assert "不是督查室人员" in refused(run, tmp_path, "switch-jurisdiction", "zhoucun", "--as", "zhang", "--reason", "新文件")
    assert "不是 dazhan" in refused(run, tmp_path, "switch-jurisdiction", "dazhan", "--as", "chen", "--reason", "新文件")
    # a log the new rules cannot read is not switched
    switch_file("ordos")
    line = refused(run, tmp_path, "switch-jurisdiction", "ordos", "--as", "chen", "--reason", "新文件")
    assert "事件日志不能按 ordos 的规定读取，不予切换" in line
    switch_file("zhoucun")
    out = run("switch-jurisdiction", "zhoucun", "--as", "chen", "--reason", "新文件施行").output
    assert "已改按 zhoucun 的规定记录（原 weinan_gaoxin）" in out
    assert mid in run("ledger", "--as-of", "2025-10-01").output
    run("remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催报")
    from ducha_core.ledger import open_ledger

    with open_ledger() as book:
        assert book.recorded_jurisdiction() == "zhoucun"
        (entry,) = book.jurisdiction_history()
        assert (entry["from"], entry["to"], entry["by"], entry["reason"]) == ("weinan_gaoxin", "zhoucun", "chen", "新文件施行")
    assert "无须切换" in refused(run, tmp_path, "switch-jurisdiction", "zhoucun", "--as", "chen", "--reason", "再次")
    run("verify")


def test_the_office_records_a_units_earlier_report_as_a_late_entry(run, tmp_path):
    # the unit's report of 10/13 reaches the ledger after the office's order of 10/20: the office records it as a
    # 补录 with its reason (the unit cannot back-date it itself), and the record keeps when it was entered
    mid = assigned(run)
    run("order", mid, "--as", "chen", "--on", "2025-10-20")
    run("submit", mid, "--as", "chen", "--on", "2025-10-13", "--late-entry", "单位10月13日纸质报送，补录", *SUBMIT)
    data = json.loads(run("show", mid, "--json").output)
    last = data["events"][-1]
    assert (last["action"], last["on"], last["actor"]) == ("submit", "2025-10-13", "chen")
    assert last["data"]["late_entry"] == "单位10月13日纸质报送，补录" and last["recorded_at"]
    result = next(o for o in data["obligations"] if o["what"] == "result")
    assert result["met_on"] == "2025-10-13"


def test_late_entry_only_for_a_step_dated_before_the_latest_and_texts_on_one_line(run, tmp_path):
    mid = assigned(run)
    run("order", mid, "--as", "chen", "--on", "2025-10-20")
    line = refused(run, tmp_path, "remind", mid, "--as", "chen", "--on", "2025-10-21", "--method", "电话催办",
                   "--late-entry", "不需要")
    assert "--late-entry 只用于日期早于本事项最近一步（2025-10-20）的补录" in line
    line = refused(run, tmp_path, "remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催办",
                   "--late-entry", "纸质\n# 伪造理由")
    assert "--late-entry 须写在一行内（不含换行）" in line
    line = refused(run, tmp_path, "register", "--as", "chen", "--on", "2025-10-21", "--kind", "instruction",
                   "--title", "正常", "--source", "来源\u2028# 伪造来源")
    assert "--source 须写在一行内" in line
    # a several-line note stays one row of the history
    run("progress", mid, "--as", "zhang", "--on", "2025-10-21", "--note", "第一行\n# 第二行")
    out = run("show", mid).output
    assert "第一行 ⏎ # 第二行" in out and "\n# 第二行" not in out


# --- a log stays readable across an upgrade and a move ------------------------------------------------


def test_a_responsible_person_of_another_unit_is_refused_when_recorded_not_when_folded():
    """Each unit names its own 责任人 when it accepts: checked as the step is recorded (``check_new``).
    A log in which an earlier version recorded such an accept is folded as recorded (every read of the
    ledger failed on it)."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.config import Person
    from ducha_core.errors import ActionRefused
    from ducha_core.events import Event
    from ducha_core.matter import MatterEngine
    from ducha_core.policy import load_policy

    people = {"chen": Person("chen", "陈督查", ("office",), None), "zhang": Person("zhang", "张伟", ("unit",), "jyj"),
              "liu": Person("liu", "刘科长", ("unit",), "czj")}
    engine = MatterEngine(load_policy("weinan_gaoxin"), WorkingCalendar.load(), people.__getitem__)
    steps = [Event("M", "register", date(2025, 9, 29), "chen", {"kind": "instruction", "title": "校舍维修"}, 1),
             Event("M", "assign", date(2025, 9, 30), "chen", {"lead_units": ["jyj"]}, 2)]
    state = engine.fold(steps)
    accept = Event("M", "accept", date(2025, 9, 30), "zhang", {"responsible_person": "liu"}, 3)
    with pytest.raises(ActionRefused, match="责任人 刘科长（liu）是单位 czj 的人员，不是 jyj 的"):
        engine.check_new(state, accept)
    assert engine.fold([*steps, accept]).responsible == {"jyj": "liu"}


def test_a_recorded_step_is_not_judged_again_for_the_fields_its_step_requires():
    """A step recorded in the log (it has its seq) by an earlier version that required fewer fields is
    folded as recorded where the log is this jurisdiction's (``recorded_as_is``); the same step as a new
    one, or the log read under another jurisdiction's rules, is refused for the missing field."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.errors import ActionRefused
    from ducha_core.events import Event
    from ducha_core.matter import MatterEngine
    from ducha_core.policy import load_policy

    policy, calendar = load_policy("weinan_gaoxin"), WorkingCalendar.load()
    people = {"chen": ("office", None), "zhang": ("unit", "jyj")}

    def person(pid):
        from ducha_core.config import Person

        role, unit = people[pid]
        return Person(pid, pid, (role,), unit)

    steps = [("register", date(2025, 9, 29), "chen", {"kind": "instruction", "title": "校舍维修"}),
             ("assign", date(2025, 9, 30), "chen", {"lead_units": ["jyj"]}),
             ("submit", date(2025, 10, 9), "zhang", {})]  # no 文号, 签发人, 公章: required now
    recorded = [Event("M", a, on, who, data, seq) for seq, (a, on, who, data) in enumerate(steps, 1)]
    lenient = MatterEngine(policy, calendar, person, recorded_as_is=True)
    assert lenient.fold(recorded).state == "submitted"
    with pytest.raises(ActionRefused, match="缺少"):
        MatterEngine(policy, calendar, person).fold(recorded)  # another jurisdiction's log: judged in full
    new = [Event("M", a, on, who, data, seq if a != "submit" else 0) for seq, (a, on, who, data) in enumerate(steps, 1)]
    with pytest.raises(ActionRefused, match="缺少"):
        lenient.fold(new)  # a new step: judged
