"""``ducha import``: matters from the office's spreadsheet, all or nothing."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from deployments import WEINAN_TWO_UNITS

from ducha_core.cli import ledger_cmd, main

CONFIG = WEINAN_TWO_UNITS

HEADER = ["类别", "事项名称", "来源", "收到日期", "主办单位", "协办单位", "办理时限", "责任人", "交办日期"]
ROWS = [
    ["instruction", "校舍维修", "区长批示", date(2025, 9, 1), "jyj", "czj", None, "张伟", date(2025, 9, 2)],
    ["领导同志批示、交办事项", "食堂改造", None, "2025-09-03", "区教育局", None, "2025-09-30", None, None],
    ["document", "重要文件落实", "高新发〔2025〕1号", "2025/09/04", None, None, None, None, None],
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    monkeypatch.setattr(ledger_cmd, "_now", lambda: date(2025, 10, 10))
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def xlsx(path, rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_imports_three_matters(run, tmp_path):
    out = run("import", xlsx(tmp_path / "台账.xlsx", ROWS), "--as", "chen").output
    assert "已导入 3 件事项" in out
    ledger = run("ledger", "--format", "json").output
    for title in ("校舍维修", "食堂改造", "重要文件落实"):
        assert title in ledger
    show = run("show", "DC-2025-0001").output
    assert "区教育局" in show and "区财政局" in show
    assert "DC-2025-0003" in run("show", "DC-2025-0003").output


def test_bad_row_writes_nothing_and_names_row_and_column(run, tmp_path):
    db = tmp_path / "ducha.sqlite3"
    before = db.read_bytes()
    rows = [ROWS[0], [*ROWS[1][:4], "区交通局", *ROWS[1][5:]], ROWS[2]]
    result = run("import", xlsx(tmp_path / "bad.xlsx", rows), "--as", "chen", ok=False)
    assert "第3行「主办单位」" in result.output and "区交通局" in result.output
    assert "未导入任何事项" in result.output
    assert db.read_bytes() == before
    assert "DC-2025-0001" not in run("ledger").output


def test_every_failing_row_is_reported(run, tmp_path):
    rows = [["nokind", "甲", None, "2025-09-01"], ["instruction", None, None, "2025-13-01"]]
    out = run("import", xlsx(tmp_path / "bad.xlsx", rows), "--as", "chen", ok=False).output
    assert "第2行「类别」" in out and "第3行「事项名称」" in out and "第3行「收到日期」" in out


def test_dry_run_writes_nothing(run, tmp_path):
    db = tmp_path / "ducha.sqlite3"
    before = db.read_bytes()
    out = run("import", xlsx(tmp_path / "台账.xlsx", ROWS), "--as", "chen", "--dry-run").output
    assert "DC-2025-0001" in out and "食堂改造" in out and "未写入" in out
    assert db.read_bytes() == before


def test_csv_with_bom_and_mapping(run, tmp_path):
    (tmp_path / "ducha.toml").write_text(CONFIG + '\n[import]\ntitle = "督办事项"\n', encoding="utf-8")
    text = "类别,督办事项,收到日期,主办单位\ninstruction,道路整修,2025-09-01,czj\n"
    (tmp_path / "台账.csv").write_text(text, encoding="utf-8-sig")
    out = run("import", tmp_path / "台账.csv", "--as", "chen").output
    assert "已导入 1 件事项" in out
    assert "道路整修" in run("show", "DC-2025-0001").output


def test_as_is_required(run, tmp_path):
    run("import", xlsx(tmp_path / "台账.xlsx", ROWS), ok=False)


def test_a_repeated_title_and_source_needs_duplicate_ok(run, tmp_path):
    """Issue 14 §5 in import: a row repeating the title and source of a matter of the same year (already
    in the ledger, or an earlier row of the file) is refused, named by row, unless --duplicate-ok."""
    db = tmp_path / "ducha.sqlite3"
    run("import", xlsx(tmp_path / "a.xlsx", ROWS[:1]), "--as", "chen")
    before = db.read_bytes()
    again = [ROWS[0], [*ROWS[2][:1], "重要文件落实", "高新发〔2025〕1号", "2025-09-04"],
             [*ROWS[2][:1], "重要文件落实", "高新发〔2025〕1号", "2025-09-05"]]
    out = run("import", xlsx(tmp_path / "b.xlsx", again), "--as", "chen", ok=False).output
    assert "第2行「事项名称」" in out and "DC-2025-0001" in out and "--duplicate-ok" in out
    assert "第4行「事项名称」：与第3行同名同来源" in out
    assert db.read_bytes() == before
    out = run("import", xlsx(tmp_path / "b.xlsx", again), "--as", "chen", "--duplicate-ok").output
    assert "已导入 3 件事项" in out


def test_several_responsible_people_each_accept_for_their_unit(run, tmp_path):
    config = (tmp_path / "ducha.toml").read_text(encoding="utf-8")
    (tmp_path / "ducha.toml").write_text(config + '[[person]]\nid = "wang"\nname = "王芳"\nroles = ["unit"]\nunit = "czj"\n',
                                         encoding="utf-8")
    row = ["instruction", "校舍维修", "区长批示", date(2025, 9, 1), "jyj", "czj", None, "张伟、王芳", date(2025, 9, 2)]
    run("import", xlsx(tmp_path / "c.xlsx", [row]), "--as", "chen")
    shown = json.loads(run("show", "DC-2025-0001", "--json").output)
    assert shown["responsible"] == {"jyj": "zhang", "czj": "wang"}


def test_a_name_two_people_share_must_be_written_as_an_id(run, tmp_path):
    config = (tmp_path / "ducha.toml").read_text(encoding="utf-8")
    (tmp_path / "ducha.toml").write_text(config + '[[person]]\nid = "zhang2"\nname = "张伟"\nroles = ["unit"]\nunit = "czj"\n',
                                         encoding="utf-8")
    out = run("import", xlsx(tmp_path / "d.xlsx", ROWS[:1]), "--as", "chen", ok=False).output
    assert "第2行「责任人」：有多名人员名为 '张伟'（zhang、zhang2）；请写人员id" in out


def test_dazhan_rows_carry_the_draft_opinion_and_the_approving_leader(tmp_path, monkeypatch):
    """Dazhan 第十条: 拟办意见 at registration, a leader's approval before 交办, and 责任领导 at acceptance
    travel in their own columns (named as `ducha fields` names them); the approval is the leader's step."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    monkeypatch.setattr(ledger_cmd, "_now", lambda: date(2025, 10, 10))
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "dazhan"]).exit_code == 0
    from ducha_core.config import load_config

    config = load_config(tmp_path / "ducha.toml")
    leader = next(p for p in config.people.values() if "leader_in_charge" in p.roles)
    staff = next(p for p in config.people.values() if p.unit == "u1")
    header = [*HEADER, "拟办意见", "审批领导", "责任领导"]
    row = ["decision", "道路修复", "区委常委会", date(2025, 9, 1), "u1", None, date(2025, 9, 30), staff.name,
           date(2025, 9, 3), "拟交区交通局办理", leader.name, "李局长"]
    result = runner.invoke(main, ["import", str(xlsx(tmp_path / "dz.xlsx", [row], header)), "--as", "duchashi"])
    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(main, ["show", "DC-2025-0001", "--json"]).output)
    assert [e["action"] for e in shown["events"]] == ["register", "approve", "assign", "accept"]
    assert shown["events"][1]["actor"] == leader.id
    missing = [row[0], "桥梁维修", *row[2:9], None, leader.name, "李局长"]
    result = runner.invoke(main, ["import", str(xlsx(tmp_path / "dz2.xlsx", [missing], header)), "--as", "duchashi"])
    assert result.exit_code != 0 and "第2行" in result.output and "拟办意见" in result.output


def test_one_bad_date_is_one_error_and_each_error_names_its_own_column(run, tmp_path):
    """A bad 收到日期 is reported once (not again as 交办日期 早于 today); a 办理时限 before the 交办日期 is
    the 办理时限's fault; a repeated title and source is caught even when the earlier row has an error."""
    rows = [["instruction", "校舍维修", "区长批示", "2025-10-32", "jyj", None, None, None, "2025-09-02"],
            ["instruction", "食堂改造", None, "2025-09-01", "jyj", None, "2025-09-01", None, "2025-09-03"],
            ["nokind", "道路整修", "区长批示", "2025-09-01", None, None, None, None, None],
            ["instruction", "道路整修", "区长批示", "2025-09-02", None, None, None, None, None]]
    result = run("import", xlsx(tmp_path / "bad.xlsx", rows), "--as", "chen", ok=False)
    lines = result.output.strip().splitlines()
    assert lines[:4] == ["错误：第2行「收到日期」：'2025-10-32' 不是日期；请写 YYYY-MM-DD",
                         "错误：第3行「办理时限」：办理时限 2025-09-01 早于交办日期 2025-09-03；请给出以后的日期",
                         "错误：第4行「类别」：未知的类别 'nokind'；可用：" + lines[2].split("可用：")[1],
                         "错误：第5行「事项名称」：与第4行同名同来源（2025年）；确属另一事项的，请加上 --duplicate-ok 确认重复登记"]
    assert lines[-1] == "错误：共 4 处错误；未导入任何事项（改正后重新导入；可先加 --dry-run 检查）"


def test_rows_of_ended_matters_are_left_out_and_named(run, tmp_path):
    header = [*HEADER, "状态"]
    rows = [[*ROWS[0], "已办结（注结销号）"], [*ROWS[1], "承接办理中"], [*ROWS[2], "已撤销"]]
    out = run("import", xlsx(tmp_path / "s.xlsx", rows, header), "--as", "chen").output
    assert "第2行「校舍维修」状态为已办结（注结销号）：已结束的事项不导入" in out
    assert "第4行「重要文件落实」状态为已撤销：已结束的事项不导入" in out
    assert "已导入 1 件事项" in out and "DC-2025-0001 食堂改造" in out


def test_a_configured_column_missing_from_the_file_is_an_error(run, tmp_path):
    config = (tmp_path / "ducha.toml").read_text(encoding="utf-8")
    (tmp_path / "ducha.toml").write_text(config + '\n[import]\ndeadline = "完成时限"\n', encoding="utf-8")
    db = tmp_path / "ducha.sqlite3"
    before = db.read_bytes()
    out = run("import", xlsx(tmp_path / "a.xlsx", ROWS), "--as", "chen", ok=False).output
    assert "[import] deadline = \"完成时限\"，文件中没有此列（文件中有默认表头「办理时限」" in out
    assert db.read_bytes() == before


def test_an_exported_ledger_imports_back_with_its_titles_as_they_were(run, tmp_path):
    """An export defuses a title a spreadsheet could take for a formula (a leading ', csv_cell); the
    import takes that mark away again, so the titles come back as they were (a newcomer's finding)."""
    titles = ['=HYPERLINK("x")', "-5 降低能耗", "计划;@SUM(1)", "普通事项"]
    for title in titles:
        run("register", "--as", "chen", "--on", "2025-09-01", "--kind", "instruction", "--title", title)
    out = tmp_path / "台账.xlsx"
    run("ledger", "--format", "xlsx", "--out", out, "--as-of", "2025-09-01")
    cells = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
    assert "'=HYPERLINK(\"x\")" in cells and "计划;'@SUM(1)" in cells  # defused in the sheet
    other = tmp_path / "other"
    other.mkdir()
    (other / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    run("init", "-j", "weinan_gaoxin", "--config", other / "ducha.toml")
    run("import", out, "--as", "chen", "--config", other / "ducha.toml")
    rows = json.loads(run("ledger", "--json", "--config", other / "ducha.toml").output)["matters"]
    assert sorted(r["title"] for r in rows) == sorted(titles)
