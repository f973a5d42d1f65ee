"""Authority and reach through the CLI, on deployments written by `ducha init`: approvers and signers are
people holding the role the article names; approval rules are evaluated (提前7个工作日, 重复督查); a field
with the document's own list takes only its values; a refusal says what the document lacks; a
confidential matter is unknown to those not entitled to it. Every refusal leaves the store untouched."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ducha_core.cli import main


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()

    def make(jid: str, extra: str = ""):
        assert runner.invoke(main, ["init", "--jurisdiction", jid]).exit_code == 0
        if extra:
            with (tmp_path / "ducha.toml").open("a", encoding="utf-8") as f:
                f.write(extra)

        def run(*args, ok=True):
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
            assert (result.exit_code == 0) == ok, result.output
            return result.output

        return run

    def db() -> bytes:
        path = tmp_path / "ducha.sqlite3"
        return path.read_bytes() if path.exists() else b""

    return make, db


def test_ankang_unplanned_inspection_applied_for_seven_working_days_ahead(deployment):
    # 第十条: start Mon 2026-03-02 → apply by Fri 2/13, counting back over Sat 2/28 (worked), 2/27 … 2/24,
    # 春节 2/15–2/23 off, Sat 2/14 (worked): 2/28, 2/27, 2/26, 2/25, 2/24, 2/14, 2/13
    make, db = deployment
    run = make("ankang")
    out = run("apply", "--as", "u1_staff", "--on", "2026-02-14", "--kind", "unplanned_inspection", "--title", "计划外督查",
              "--planned-start", "2026-03-02", ok=False)
    assert "须提前7个工作日提出（计划开始日期 2026-03-02），最迟 2026-02-13（第十条）" in out
    before = db()
    run("apply", "--as", "u1_staff", "--on", "2026-02-13", "--kind", "unplanned_inspection", "--title", "计划外督查",
        "--planned-start", "2026-03-02")
    assert db() != before


def test_ankang_interview_approved_by_the_government_only(deployment):
    make, db = deployment
    run = make("ankang", '\n[[person]]\nid = "shizhengfu"\nname = "市政府"\nroles = ["government"]\n')
    mid = run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "批示件").split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-12-31")
    before = db()
    out = run("interview", mid, "--as", "lingdao", "--on", "2025-09-30", "--approved-by", "nobody", ok=False)
    assert "未知的人员 'nobody'" in out
    out = run("interview", mid, "--as", "lingdao", "--on", "2025-09-30", "--approved-by", "lingdao", ok=False)
    assert "--approved-by lingdao（市政府分管领导）不是市政府（审定）：「约谈」须经市政府（审定）批准（第十二条(三)）" in out
    assert db() == before
    run("interview", mid, "--as", "lingdao", "--on", "2025-09-30", "--approved-by", "shizhengfu")


def test_ankang_has_no_extension_and_says_so(deployment):
    make, _ = deployment
    run = make("ankang")
    mid = run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "批示件").split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-12-31")
    out = run("extension", "ask", mid, "--as", "u1_staff", "--on", "2025-10-09", "--reasons", "x", "--progress", "y",
              ok=False)
    assert "安康市《安康市政府系统督促检查工作办法》未规定延期程序；期限须改变的，由督查室另定办理时限（ducha set-deadline）" in out
    out = run("step", "no_such_step", mid, "--as", "u1_staff", "--on", "2025-10-09", ok=False)
    assert "没有「no_such_step」这一步骤；本辖区的步骤：" in out


def test_dazhan_signoff_by_the_units_head_and_extension_by_the_principal(deployment):
    make, db = deployment
    run = make("dazhan", '\n[[person]]\nid = "shuji"\nname = "区委书记"\nroles = ["principal_leader"]\n')
    mid = run("register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "principal_instruction", "--title",
              "书记批示件", "--draft-opinion", "拟交示例单位一").split()[0]
    run("approve", mid, "--as", "lingdao", "--on", "2025-09-26", "--approved-by", "lingdao")
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-29", "--lead", "u1", "--deadline", "2025-10-31")
    run("accept", mid, "--as", "u1_staff", "--on", "2025-09-30", "--responsible-leader", "李科长")
    run("extension", "ask", mid, "--as", "u1_staff", "--on", "2025-10-20", "--reasons", "征地", "--progress", "过半")
    before = db()
    # 第二十条(三): a 区委主要领导 instruction is extended by the 区委主要领导, not the 分管领导 (区委副书记)
    out = run("extension", "grant", mid, "--as", "duchashi", "--on", "2025-10-21", "--until", "2025-11-28",
              "--approved-by", "lingdao", ok=False)
    assert "--approved-by lingdao（区委分管领导同志）不是区委主要领导同志" in out and "第二十条(三)" in out
    # 第二十条(一): the report is signed by the unit's own head
    out = run("submit", mid, "--as", "u1_staff", "--on", "2025-10-22", "--head-signoff", "路人甲", "--seal", ok=False)
    assert "未知的人员 '路人甲'" in out
    out = run("submit", mid, "--as", "u1_staff", "--on", "2025-10-22", "--head-signoff", "u1_staff", "--seal", ok=False)
    assert "--head-signoff u1_staff（承办单位（示例单位一））不是单位主要负责人" in out
    assert db() == before
    run("extension", "grant", mid, "--as", "duchashi", "--on", "2025-10-21", "--until", "2025-11-28",
        "--approved-by", "shuji")
    run("submit", mid, "--as", "u1_staff", "--on", "2025-10-22", "--head-signoff", "u1_head", "--seal")


def test_dazhan_duplicate_inspection_refused(deployment):
    # 第十六条 避免多头督查、重复督查: the same topic, the same year, overlapping units inspected
    make, db = deployment
    run = make("dazhan")
    first = run("apply", "--as", "u1_staff", "--on", "2025-03-03", "--kind", "inspection", "--title", "秸秆禁烧督查",
                "--topic", "秸秆禁烧").split()[0]
    before = db()
    out = run("apply", "--as", "u2_staff", "--on", "2025-03-10", "--kind", "inspection", "--title", "秸秆禁烧督查",
              "--topic", "秸秆禁烧", ok=False)
    assert f"与 {first}「秸秆禁烧督查」重复（第十六条：避免多头督查、重复督查）" in out
    assert db() == before
    run("apply", "--as", "u2_staff", "--on", "2025-03-10", "--kind", "inspection", "--title", "河湖长制督查",
        "--topic", "河湖长制")


def test_ordos_finding_type_and_method_from_the_documents_lists(deployment):
    make, db = deployment
    run = make("ordos")
    mid = run("register", "--as", "duchashi", "--on", "2025-06-02", "--kind", "decision", "--title", "重大决策"
              ).split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-06-02", "--lead", "u1", "--deadline", "2025-06-30",
        "--plan", "督查方案")
    before = db()
    out = run("finding", mid, "--as", "duchashi", "--on", "2025-06-10", "--type", "not_implmented", "--note", "x",
              ok=False)
    assert "--type not_implmented：「调查核实」的类型须为not_implemented、deviation" in out and "finding_types" in out
    out = run("remind", mid, "--as", "duchashi", "--on", "2025-06-10", "--method", "电话", ok=False)
    assert "「跟踪督办」的催办方式须为听取汇报、列席会议" in out
    assert db() == before
    run("finding", mid, "--as", "duchashi", "--on", "2025-06-10", "--type", "not_implemented", "--note", "未落实")


def test_confidential_matter_is_unknown_to_another_unit(deployment):
    make, db = deployment
    run = make("weinan_gaoxin")
    mid = run("register", "--as", "duchashi", "--on", "2025-06-02", "--kind", "instruction", "--title", "涉密批示",
              "--confidential").split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-06-02", "--lead", "u1")
    before = db()
    out = run("progress", mid, "--as", "u2_staff", "--on", "2025-06-03", ok=False)
    assert f"没有事项 {mid}；" in out and "u1" not in out.replace(mid, "")
    assert out == run("progress", "DC-2025-9999", "--as", "u2_staff", "--on", "2025-06-03", ok=False).replace(
        "DC-2025-9999", mid)
    assert db() == before


def test_fields_lists_what_each_step_takes_with_its_values_and_article(deployment):
    import json

    make, _ = deployment
    run = make("ordos")
    fields = json.loads(run("fields", "finding", "--json"))["fields"]
    [kind] = [f for f in fields if f["field"] == "type"]
    assert kind["option"] == "--type" and kind["values"][:2] == ["not_implemented", "deviation"]
    assert "触发：重大决策未落实到位或落实走样：报告市人民政府" in kind["why"] and kind["article"].startswith("第十六条")
    table = run("fields", "submit")
    assert "--head-signoff" in table and "须承办单位主要负责人（第一责任人）审批（人员id）" in table
    assert "没有「nope」这一步骤" in run("fields", "nope", ok=False)


def test_fields_the_rules_need_are_accepted_from_the_cli(deployment):
    """Issue examples: Ankang `finding --misconduct`; Dazhan `finding --serious`, `register --ledger --handled-by`,
    `bulletin --public --media`; each recorded, and the consequence it triggers proposed."""
    import json

    make, _ = deployment
    run = make("ankang", '\n[[person]]\nid = "dcy"\nname = "政务督查员"\nroles = ["inspector"]\n')
    mid = run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "批示件").split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-12-31")
    run("finding", mid, "--as", "dcy", "--on", "2025-09-10", "--note", "挪用专项资金", "--misconduct")
    due = json.loads(run("due", "--as-of", "2025-09-10", "--json"))["findings"]
    assert [f["rule"] for f in due if f["category"] == "escalation"] == ["misconduct_referral"]


def test_dazhan_fields_from_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    import json

    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    run("init", "--jurisdiction", "dazhan")
    mid = run("register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "instruction", "--title", "批示件",
              "--draft-opinion", "拟交示例单位一", "--ledger", "招商引资专项台账", "--handled-by", "区委办公室").split()[0]
    assert "须为区委办公室、区政府办公室、区委常委工作所在部门之一" in run(
        "register", "--as", "duchashi", "--on", "2025-09-26", "--kind", "instruction", "--title", "另一件",
        "--draft-opinion", "x", "--handled-by", "区纪委", ok=False)
    run("approve", mid, "--as", "lingdao", "--on", "2025-09-26", "--approved-by", "lingdao")
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-29", "--lead", "u1", "--deadline", "2025-10-31")
    run("finding", mid, "--as", "duchayuan", "--on", "2025-10-09", "--note", "进度严重滞后", "--serious",
        "--authorised-by", "duchashi")
    due = json.loads(run("due", "--as-of", "2025-10-09", "--json"))["findings"]
    assert {f["rule"] for f in due} >= {"serious_report", "serious_order"}
    run("bulletin", mid, "--as", "duchashi", "--on", "2025-10-10", "--type", "criticism", "--public", "--media")
    data = json.loads(run("show", mid, "--json"))["events"]
    assert data[0]["data"]["ledger"] == "招商引资专项台账" and data[-1]["data"]["media"] is True


def test_a_signoff_given_where_no_rule_asks_is_still_a_real_person_of_the_unit(deployment):
    make, db = deployment
    run = make("ankang")
    mid = run("register", "--as", "duchashi", "--on", "2025-09-01", "--kind", "instruction", "--title", "批示件").split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-01", "--lead", "u1", "--deadline", "2025-12-31")
    before = db()
    assert "未知的人员 '随便写的名字'" in run("submit", mid, "--as", "u1_staff", "--on", "2025-10-09", "--evidence",
                                            "照片", "--head-signoff", "随便写的名字", ok=False)
    out = run("submit", mid, "--as", "u1_staff", "--on", "2025-10-09", "--evidence", "照片", "--head-signoff", "u2_staff",
              ok=False)
    assert "--head-signoff u2_staff" in out and "不是本单位（u1）的人员" in out
    assert "选项 --leader-signoff 后须跟一个值" in run("submit", mid, "--as", "u1_staff", "--on", "2025-10-09", "--evidence",
                                                "照片", "--leader-signoff", ok=False)
    assert "须写 --pass（审核通过）或 --return" in run("review", mid, "--pass", "--return", "--reason", "x", "--as",
                                                       "duchashi", "--on", "2025-10-10", ok=False)
    assert db() == before
    run("submit", mid, "--as", "u1_staff", "--on", "2025-10-09", "--evidence", "照片", "--head-signoff", "u1_head")


def test_zhoucun_resolved_is_yes_or_no_and_a_referral_answers_its_proposal(deployment):
    import json

    make, _ = deployment
    run = make("zhoucun", '\n[[person]]\nid = "quzhang"\nname = "区长"\nroles = ["principal_leader"]\n')
    mid = run("register", "--as", "duchashi", "--on", "2025-09-29", "--kind", "decision", "--title", "老旧小区改造"
              ).split()[0]
    run("assign", mid, "--as", "duchashi", "--on", "2025-09-30", "--lead", "u1")
    run("accept", mid, "--as", "u1_staff", "--on", "2025-09-30")
    run("step", "overdue_report", mid, "--as", "u1_staff", "--on", "2025-10-15", "--reasons", "征地未完成",
        "--next-steps", "请求协调", "--needs-coordination")
    assert "coordinate_leader" in {f["rule"] for f in json.loads(run("due", "--as-of", "2025-10-15", "--json"))["findings"]}
    # the unit refers it to the 分管领导 without --step: that referral is what the rung asked for
    run("escalate", mid, "--to", "leader_in_charge", "--as", "u1_staff", "--on", "2025-10-16")
    assert "coordinate_leader" not in {f["rule"] for f in json.loads(run("due", "--as-of", "2025-10-16", "--json"))["findings"]}
    out = run("step", "coordinate", mid, "--as", "lingdao", "--on", "2025-10-17", "--decision", "协调国土部门",
              "--resolved", "maybe", ok=False)
    assert "--resolved maybe" in out and "须为是、否之一（四(二)）" in out
    run("step", "coordinate", mid, "--as", "lingdao", "--on", "2025-10-17", "--decision", "协调国土部门", "--resolved", "否")
