"""The ledger commands end to end (CliRunner in a temporary deployment)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from deployments import WEINAN_TWO_UNITS_LEADER

from ducha_core.cli import main

CONFIG = WEINAN_TWO_UNITS_LEADER


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "-j", "weinan_gaoxin"]).exit_code == 0  # creates the database ducha.toml names

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code != 0, result.output
        return result

    return invoke


def walk(run) -> str:
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修"
              ).output.split()[0]
    out = run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--co", "czj").output
    assert "期限 2025-10-14（领导批示交办事项报送办理结果，九）" in out
    run("accept", mid, "--as", "zhang", "--on", "2025-09-30")
    run("remind", mid, "--as", "chen", "--on", "2025-10-10", "--method", "电话催办")
    out = run("submit", mid, "--as", "zhang", "--on", "2025-10-13", "--document-number", "高新教发〔2025〕12号",
              "--signer", "王局长", "--seal").output
    assert out.strip() == f"{mid} 上报办理报告 → 办理报告待审核"  # the document's own name of the step
    run("review", mid, "--pass", "--as", "chen", "--on", "2025-10-14")
    run("close", mid, "--as", "chen", "--on", "2025-10-15")
    return mid


def test_init_writes_a_config_that_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["init", "--jurisdiction", "weinan_gaoxin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["register", "--as", "duchashi", "--on", "2025-09-29", "--kind", "instruction",
                                  "--title", "x"])
    assert result.exit_code == 0 and result.output.startswith("DC-2025-0001 立项")
    again = runner.invoke(main, ["init", "--jurisdiction", "weinan_gaoxin"])
    assert again.exit_code != 0 and "ducha.toml：文件已存在；" in again.output


def test_end_to_end(run):
    mid = walk(run)
    assert mid == "DC-2025-0001"
    data = json.loads(run("ledger", "--as-of", "2025-10-20", "--json").output)
    (row,) = data["matters"]
    assert (row["id"], row["state"], row["light"], row["due"]) == (mid, "closed", "done", "2025-10-14")
    assert row["lead_units"] == ["jyj"] and row["co_units"] == ["czj"] and row["responsible"] == {"jyj": "zhang"}
    past = json.loads(run("ledger", "--as-of", "2025-10-10", "--format", "json").output)["matters"][0]
    # the result is owed by the lead unit (九: 5 working days), not the co-unit
    assert (past["state"], past["light"], past["owed_by"]) == ("accepted", "yellow", ["jyj"])
    table = run("ledger", "--as-of", "2025-10-10").output
    assert "黄灯（临期）" in table and "区教育局、区财政局（张伟）" in table
    csv = run("ledger", "--as-of", "2025-10-16", "--format", "csv").output.splitlines()
    assert csv[0].startswith("编号,事项") and csv[1].startswith(f"{mid},校舍维修")
    show = run("show", mid, "--as-of", "2025-10-20").output
    assert "10/1–10/8 国庆节、中秋节放假" in show and "10/11 周六调休上班" in show
    assert "依据：九「原则上应在接到办理通知5个工作日内报送办理结果」" in show
    assert "催办方式=电话催办" in show
    shown = json.loads(run("show", mid, "--json").output)
    assert [e["action"] for e in shown["events"]] == ["register", "assign", "accept", "remind", "submit",
                                                      "review_pass", "close"]
    assert shown["due"]["date"] == "2025-10-14"
    assert "哈希链有效" in run("verify").output
    assert "重建 1 件" in run("rebuild").output
    run("backup", "copy.sqlite3")
    assert "事件日志完整：7 个事件" in run("verify", "--config", "ducha.toml").output


def test_refusals_are_one_line_and_nonzero(run):
    mid = walk(run)
    cases = [
        (("close", mid, "--as", "zhang"), "不能在"),
        (("assign", "DC-2025-0099", "--as", "chen", "--lead", "jyj"), "没有事项 DC-2025-0099；"),
        (("remind", mid, "--as", "ghost", "--method", "电话"), "未知的人员 'ghost'；ducha.toml 中的人员："),
        (("show", "DC-2025-0099"), "没有事项 DC-2025-0099；"),
        (("ledger", "--unit", "gaj"), "未知的单位 'gaj'；ducha.toml 中的单位：jyj, czj"),
        (("ledger", "--as-of", "2025-02-30"), "--as-of 的值 '2025-02-30' 无效"),
    ]
    for args, message in cases:
        result = run(*args, ok=False)
        assert message in result.output
        assert len([line for line in result.output.splitlines() if line.startswith("错误：")]) == 1


def test_deadline_before_assignment_and_unknown_unit(run):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "meeting", "--title", "会议").output.split()[0]
    out = run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--deadline", "2025-09-01",
              ok=False).output
    assert "办理时限 2025-09-01 早于交办日 2025-09-30" in out
    assert "未知的单位 'gaj'" in run("assign", mid, "--as", "chen", "--lead", "gaj", ok=False).output
    out = run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--deadline", "2025-10-20").output
    assert "期限 2025-10-20" in out


def test_role_not_allowed(run):
    mid = walk(run).replace("0001", "0002")
    run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "第二件")
    out = run("register", "--as", "zhang", "--on", "2025-09-29", "--kind", "instruction", "--title", "x",
              ok=False).output
    assert "无权「立项」" in out
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj")
    out = run("submit", mid, "--as", "zhang", "--on", "2025-10-09", "--signer", "王", ok=False).output
    assert "缺少发文字号、单位公章" in out and "--document-number --seal" in out


def test_confidential_ledger_and_show(run):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "信访件",
              "--confidential").output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "czj")
    ids = lambda *a: [r["id"] for r in json.loads(run("ledger", "--as-of", "2025-10-09", "--json", *a).output)["matters"]]  # noqa: E731
    assert ids() == [] and ids("--as", "zhang") == []
    assert ids("--as", "chen") == [mid] and ids("--as", "liu") == [mid]
    assert f"没有事项 {mid}；" in run("show", mid, "--as", "zhang", ok=False).output
    assert "信访件" in run("show", mid, "--as", "liu").output


def test_due_and_confirmation_with_step(run):
    mid = walk(run)
    for day in ("2025-10-16", "2025-11-03"):
        run("bulletin", mid, "--as", "chen", "--on", day, "--type", "criticism", "--unit", "jyj",
            "--approved-by", "zhao")
    due = json.loads(run("due", "--as-of", "2025-11-04", "--json").output)["findings"]
    twice = [f for f in due if f["rule"] == "criticism_twice"]
    assert twice and twice[0]["unit"] == "jyj" and "十六(二)" in twice[0]["citation"]
    # a unit-wide finding names the matter of the latest criticism counted
    # the command carries the rung's data, the year counted, the person who may take it and the day
    assert twice[0]["confirm"] == (f"ducha interview {mid} --revoke-awards --unit jyj --year 2025 --as zhao"
                                   " --on 2025-11-04 --step criticism_twice")
    assert "未知的升级规则 'nope'" in run("interview", mid, "--as", "zhao", "--unit", "jyj", "--step", "nope",
                                                   ok=False).output
    run("interview", mid, "--as", "zhao", "--on", "2025-11-05", "--unit", "jyj", "--step", "criticism_twice")
    due = json.loads(run("due", "--as-of", "2025-11-06", "--json").output)["findings"]
    assert not [f for f in due if f["rule"] == "criticism_twice"]
    assert "criticism_once" in run("due", "--as-of", "2025-11-06", "--format", "csv").output


def test_extension_and_review_return(run):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "npc_suggestion", "--title", "建议").output.split()[0]
    out = run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj").output
    assert "期限 2025-12-30" in out  # 3 calendar months: the same day of the month, 12/30 (a Tuesday)
    run("extension", "ask", mid, "--as", "zhang", "--on", "2025-11-20", "--reasons", "涉及面广", "--progress", "过半")
    out = run("extension", "grant", mid, "--as", "chen", "--on", "2025-11-21", "--until", "2026-02-27").output
    assert "期限 2026-02-27" in out
    out = run("extension", "grant", mid, "--as", "chen", "--until", "2026-03-01", ok=False).output
    assert "尚无延期申请" in out
    run("submit", mid, "--as", "zhang", "--on", "2026-01-05", "--document-number", "1号", "--signer", "王", "--seal")
    assert "理由" in run("review", mid, "--return", "--as", "chen", "--on", "2026-01-06", ok=False).output
    run("review", mid, "--return", "--reason", "未答复代表", "--as", "chen", "--on", "2026-01-06")
    assert json.loads(run("show", mid, "--json").output)["returns"] == 1


def test_read_commands_under_another_jurisdiction(run):
    walk(run)
    result = run("ledger", "--as-of", "2025-10-20", "--jurisdiction", "nowhere", ok=False)
    assert "--jurisdiction = 'nowhere' 无法使用：" in result.output


def test_corrupted_database_one_line_and_untouched(run, tmp_path):
    (tmp_path / "ducha.sqlite3").write_bytes(b"garbage" * 1000)
    for args in (("ledger",), ("register", "--as", "chen", "--kind", "instruction", "--title", "x"), ("verify",)):
        out = run(*args, ok=False).output
        assert "ducha.sqlite3：不是可用的 ducha 数据库（" in out and "请从备份恢复" in out and out.count("\n") == 1
    assert (tmp_path / "ducha.sqlite3").read_bytes() == b"garbage" * 1000


def test_bad_config_one_line(run, tmp_path):
    (tmp_path / "ducha.toml").write_text(CONFIG.replace('unit = "czj"', 'unit = "gaj"'), encoding="utf-8")
    out = run("ledger", ok=False).output
    assert out.strip() == "错误：ducha.toml：person[3].unit = 'gaj' 不是单位 id；单位：jyj, czj"


def test_read_under_another_jurisdiction_folds_the_log(run):
    from ducha_core.registry import all_ids

    if "zhoucun" not in all_ids():
        pytest.skip("zhoucun plugin not installed")
    walk(run)
    same = json.loads(run("ledger", "--as-of", "2025-10-20", "--json", "-j", "weinan_gaoxin").output)
    assert same["matters"][0]["state"] == "closed"
    out = run("ledger", "--as-of", "2025-10-20", "-j", "zhoucun", ok=False).output
    assert "事项 DC-2025-0001 不能按 zhoucun 的规则读取（本部署按 weinan_gaoxin 记录）" in out
    out = run("ledger", "--as-of", "2025-09-29", "--json", "-j", "zhoucun").output
    assert json.loads(out)["jurisdiction"] == "zhoucun"


def test_due_hides_confidential_matters(run):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "信访件",
              "--confidential").output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "czj")
    run("order", mid, "--as", "chen", "--on", "2025-10-09")
    seen = lambda *a: {f["matter"] for f in json.loads(run("due", "--as-of", "2025-12-01", "--json", *a).output)["findings"]}  # noqa: E731
    assert mid in seen("--as", "chen") and mid in seen("--as", "liu")
    assert mid not in seen("--as", "zhang") and mid not in seen()


def test_fields_a_jurisdiction_requires_are_accepted_as_options(run):
    mid = walk(run).replace("0001", "0002")
    run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "第二件")
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj", "--deadline", "2025-10-20",
        "--responsible-leader", "李副主任",
        "--task-book")
    event = json.loads(run("show", mid, "--json").output)["events"][1]
    assert event["data"]["responsible_leader"] == "李副主任" and event["data"]["task_book"] is True
    assert "没有选项 --bogus" in run("progress", mid, "--as", "zhang", "--bogus", "x", ok=False).output


def test_a_criticism_proposes_a_written_self_criticism_recorded_with_step(run, tmp_path):
    """Weinan 十六(二): one 通报批评 in a year → the unit's 书面检查, proposed by `due` with a command
    that exists (`ducha step rectification_plan …`), recorded with --step, then no longer proposed."""
    run("register", "--as", "chen", "--on", "2025-03-03", "--kind", "instruction", "--title", "批示件", "--id", "M1")
    run("assign", "M1", "--as", "chen", "--on", "2025-03-03", "--lead", "jyj")
    run("bulletin", "M1", "--as", "chen", "--on", "2025-03-20", "--type", "criticism", "--unit", "jyj",
        "--approved-by", "zhao")
    due = json.loads(run("due", "--as-of", "2025-03-21", "--json").output)["findings"]
    (finding,) = [f for f in due if f["rule"] == "criticism_once"]
    assert finding["unit"] == "jyj" and "十六(二)" in finding["citation"]
    command = finding["confirm"].split()
    assert command[:4] == ["ducha", "step", "rectification_plan", "M1"]
    before = (tmp_path / "ducha.sqlite3").read_bytes()
    refused = run("step", "rectification_plan", "M1", "--as", "chen", "--on", "2025-03-24", "--step", "criticism_once",
                  ok=False)
    assert "无权" in refused.output  # 书面检查 is the unit's, not the office's
    assert (tmp_path / "ducha.sqlite3").read_bytes() == before
    run("step", "rectification_plan", "M1", "--as", "zhang", "--on", "2025-03-24", "--step", "criticism_once",
        "--unit", "jyj", "--note", "已向党工委、管委会作出书面检查")
    due = json.loads(run("due", "--as-of", "2025-03-25", "--json").output)["findings"]
    assert "criticism_once" not in [f["rule"] for f in due]
    unknown = run("step", "fly_away", "M1", "--as", "chen", "--on", "2025-03-25", ok=False)
    assert "没有「fly_away」这一步骤；本辖区的步骤：" in unknown.output and "rectification_plan" in unknown.output


def test_due_for_a_year_assessment_and_dismissal(run, tmp_path):
    mid = walk(run)
    for day in ("2025-10-16", "2025-11-03"):
        run("bulletin", mid, "--as", "chen", "--on", day, "--type", "criticism", "--unit", "jyj", "--approved-by", "zhao")
    # evaluated in January for the year that ended: 2025's counts are still there
    year = json.loads(run("due", "--year", "2025", "--as-of", "2026-01-12", "--json").output)
    assert year["year"] == 2025
    rules = {f["rule"] for f in year["findings"]}
    assert {"criticism_once", "criticism_twice", "slow_deduction"} <= rules
    assert all(f["year"] == 2025 for f in year["findings"])
    # every deduction is one 通报批评: two of them
    assert [f["on"] for f in year["findings"] if f["rule"] == "slow_deduction"] == ["2025-10-16", "2025-11-03"]
    table = run("assessment", "--year", "2025", "--as-of", "2026-01-12").output
    assert "区教育局" in table and "落实不力（受通报批评）扣减分值×2（十六(四)）" in table
    data = json.loads(run("assessment", "--year", "2025", "--as-of", "2026-01-12", "--json").output)
    jyj = next(u for u in data["units"] if u["unit"] == "jyj")
    assert (jyj["criticism"], jyj["praise"], jyj["deduction_total"]) == (2, 0, None)  # points not set: 未设置
    assert [(d["rule"], d["count"]) for d in jyj["deductions"]] == [("slow_deduction", 2)]
    assert "区教育局" in run("assessment", "--year", "2025", "--as-of", "2026-01-12", "--format", "csv").output
    # the office decides not to act on one proposal, with its reason
    db = (tmp_path / "ducha.sqlite3").read_bytes()
    bad = run("dismiss", mid, "--as", "chen", "--on", "2026-01-12", "--step", "nope", "--reason", "x", ok=False)
    assert "未知的升级规则 'nope'" in bad.output and (tmp_path / "ducha.sqlite3").read_bytes() == db
    assert "criticism_once（一年内通报批评一次：书面检查）" in bad.output  # the steps allowed, by name
    assert "缺少选项 --reason" in run("dismiss", mid, "--as", "chen", "--step", "criticism_once", ok=False).output
    run("dismiss", mid, "--as", "chen", "--on", "2026-01-12", "--step", "criticism_once", "--unit", "jyj",
        "--year", "2025", "--reason", "已另行作出书面检查")
    year = json.loads(run("due", "--year", "2025", "--as-of", "2026-01-13", "--json").output)
    assert "criticism_once" not in {f["rule"] for f in year["findings"]}


def test_due_and_assessment_refuse_a_year_out_of_reach(run, tmp_path):
    walk(run)
    db = (tmp_path / "ducha.sqlite3").read_bytes()
    out = run("due", "--year", "2026", "--as-of", "2025-11-04", ok=False).output
    assert "--year 2026 晚于 --as-of 2025-11-04" in out and "Traceback" not in out
    out = run("assessment", "--year", "2026", "--as-of", "2025-11-04", ok=False).output
    assert "--as-of 2025-11-04 早于考核年度 2026" in out
    assert "缺少选项 --year" in run("assessment", ok=False).output
    assert (tmp_path / "ducha.sqlite3").read_bytes() == db


def test_record_refuses_placeholders_blank_texts_foreign_units_and_stray_years(run, tmp_path):
    mid = run("register", "--as", "chen", "--on", "2025-09-29", "--kind", "instruction", "--title", "校舍维修"
              ).output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-09-30", "--lead", "jyj")
    db = (tmp_path / "ducha.sqlite3").read_bytes()
    # a text `ducha due` left for a person to write is not a fact
    out = run("dismiss", mid, "--as", "chen", "--on", "2025-10-20", "--step", "overdue_chase",
              "--reason", "〈待填写：不予处理的理由〉", ok=False).output
    assert "--reason 仍是待填写的内容「〈待填写：不予处理的理由〉」；请改为实际内容后再运行" in out
    # a text of blanks is no text
    assert "缺少理由" in run("dismiss", mid, "--as", "chen", "--on", "2025-10-20", "--step", "overdue_chase",
                             "--reason", "   ", ok=False).output
    # --unit names a unit of the matter
    out = run("remind", mid, "--as", "chen", "--on", "2025-10-20", "--method", "电话催办", "--unit", "czj", ok=False).output
    assert "单位 czj 不是本事项的承办单位（主办 jyj，协办 无）" in out
    # an assessment year is the day's or the one before
    for year in ("1990", "2027", "abc"):
        out = run("grade", mid, "--as", "chen", "--on", "2026-01-10", "--grade", "优秀", "--year", year, ok=False).output
        assert f"--year {year}：考核年度须为记录日 2026-01-10 所在年或上一年（2026 或 2025）" in out
    assert (tmp_path / "ducha.sqlite3").read_bytes() == db
    run("remind", mid, "--as", "chen", "--on", "2025-10-20", "--method", "电话催办", "--unit", "jyj", "--step", "overdue_chase")
    out = run("show", mid).output
    assert "升级规则=逾期未报送办理结果：督办催办" in out  # the rule by name, not its id


def test_approvers_are_people_holding_the_role_the_article_names(run, tmp_path):
    """Weinan 十四(五): a bulletin in the 党工委、管委会's name needs its 主要领导's approval; 十四(二): 调度督查 and
    联合督查 need the 主要领导's approval too. The approver is a person of ducha.toml holding that role."""
    mid = run("register", "--as", "chen", "--on", "2025-03-03", "--kind", "instruction", "--title", "批示件").output.split()[0]
    run("assign", mid, "--as", "chen", "--on", "2025-03-03", "--lead", "jyj")
    db = (tmp_path / "ducha.sqlite3").read_bytes()
    out = run("bulletin", mid, "--as", "chen", "--on", "2025-03-20", "--type", "criticism", ok=False).output
    assert "「通报」须经党工委、管委会主要领导批准（十四(五)）" in out
    out = run("bulletin", mid, "--as", "chen", "--on", "2025-03-20", "--type", "criticism", "--approved-by", "zhang",
              ok=False).output
    assert "--approved-by zhang（张伟）不是党工委、管委会主要领导" in out
    assert "未知的人员 'fenguan'" in run("bulletin", mid, "--as", "chen", "--on", "2025-03-20", "--type",
                                             "criticism", "--approved-by", "fenguan", ok=False).output
    out = run("remind", mid, "--as", "chen", "--on", "2025-03-21", "--method", "联合督查", ok=False).output
    assert "须经党工委、管委会主要领导批准（十四(二)）" in out
    assert (tmp_path / "ducha.sqlite3").read_bytes() == db
    run("remind", mid, "--as", "chen", "--on", "2025-03-21", "--method", "联合督查", "--approved-by", "zhao")
    run("remind", mid, "--as", "chen", "--on", "2025-03-21", "--method", "电话催办")  # no approval needed
    run("bulletin", mid, "--as", "chen", "--on", "2025-03-24", "--type", "criticism", "--approved-by", "zhao")
