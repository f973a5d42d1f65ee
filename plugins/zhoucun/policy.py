"""周村区政府重大工作部署事项督查管理办法: policy as data, each rule citing its article.

Source: 周村区人民政府办公室《关于印发〈周村区政府重大工作部署事项督查管理办法〉的通知》,
2021年7月16日 (此件公开发布); the text as published carries no 文号. "本办法自发布之日起施行" (七(二)):
in force from 2021-07-16, no trial period.

Readings of this document (a deployment can change each through ``[settings]``):
- 五(一) "有明确时限要求的，按督查通知要求的时间……没有明确办理时限的……一般应在5个工作日内办结":
  an explicit deadline in the 督查通知/督办单 comes first; otherwise 5 working days from assignment.
- 五(三) "次日提出办理方案，一般在5日内提报办理意见或结果": the same document writes "5个工作日" in
  五(一) and "5日" here, so "5日" is read as 5 calendar days (民法典 第二百零一条、第二百零三条: the day
  of assignment is not counted, a last day on a rest day moves to the next working day). Setting
  ``principal_result_period`` = "5个工作日" switches to the other reading. "次日" is the day after
  assignment, moved to the next working day when it is a rest day.
- 五(二) (principal leader's 重点阶段性工作) and 一(五)/一(六) (代表建议、政协提案、年度计划事项): the
  document sets no period of its own; the deadline is the one the assignment states (no rule here).
- 五(四) "年底前报告落实完成情况": by the last working day of the year of assignment.
- The document provides no extension (延期) procedure: 四(二) asks a unit that has not finished in
  time to explain reasons and next steps (``overdue_report``), then the matter climbs to the 区政府
  分管领导同志 and the 区政府主要领导同志.
- 四(二) 分管 → 主要 is encoded as states, as Dazhan does 第八条: a unit or the office refers a matter being
  handled to the 分管领导 (``escalate``, → ``coordinating``); the 分管领导 records the coordination as a
  step of their own (``coordinate``: ``decision`` 协调意见, ``resolved`` yes/no, → ``coordinated``);
  only then may a unit or the office refer it to the 主要领导 (``escalate``, → ``principal_decision``),
  who records the decision (``decide``: ``decision``, → ``decided``: the unit goes on handling; a new
  problem goes to the 分管领导 first again). Before the 分管领导 has recorded a coordination only the
  office refers the matter on, when the ladder proposes it (coordination_period run with no result;
  the engine does not check the day). The document stops no clock: the unit's result time limit keeps
  running through every leader's step (no 延期).
- The state, not ``--to``, says whom a referral goes to: the core has no guard on a step's data, so
  ``escalate --to principal_leader`` of a matter never referred is recorded as the referral to the
  分管领导 (strict xfail ``test_article_4_2_referral_straight_to_principal_is_refused``).
- 六(三) "予以扣分" gives no figure: setting ``deduction_points`` (one deduction per 通报批评); "通报后仍未办理"
  names no period: a criticism of a matter still being handled obliges its result within
  ``bulletin_followup_period`` (default 5个工作日, as 五(一)'s general limit); only a result answers it.
- 四(二) "仍然解决不了": the 分管领导's coordination recorded as not resolving it (``resolved`` no: proposed
  at once), or no result (nor referral onward) within ``coordination_period`` (5个工作日) of the referral.
- 六(三) "未按规定时限报送": a result overdue or met late, once per time limit, also after the matter ended.
- 四(三) "适时进行催办": an overdue result is chased again every ``chase_every`` (5个工作日) while owed.
- 五(二) 重点阶段性工作: the 督查室 "明确办理时间节点", so its assignment must carry a deadline.
- 四(四) "承办单位……将办理结果以书面形式报送": the document does not distinguish 主办 and 协办 units, so
  any handling unit may report (not lead-only); each lead unit reports its own result and the matter is
  已报送 when the last lead unit has (each_lead_unit).
- 五(四) cycles: settings ``weekly_dispatch_due`` ("一周" from the Monday), ``monthly_dispatch_due``
  ("每月最后1个工作日"), ``quarterly_dispatch_due`` ("每季度末最后1个工作日"), ``year_end_completion_due``
  ("年底前最后1个工作日") replace each cycle's due period.
- 五(三) "次日提出办理方案": a plan not in by its day proposes a 催办 (四(三)).
- 三(一) 综合督查 "由区政府主要领导同志授权，区政府督查室组织力量集中开展": the office's step ``inspect`` on a
  matter, which must name the authorising 主要领导 (``--approved-by``, ApprovalRule ``comprehensive_inspection``).
  专项督查 "由部门、单位负责，经向区政府报批备案后" is the procedure of 四(一) (``apply`` with the 督查室, ``approve``
  by the 区政府: ApprovalRule ``plan_filing``, cited by both articles).
- 四(三) "电话催报、逐件催办、实地督办、暗访核查等形式": a 催办's ``--method`` must be one of setting
  ``chase_methods`` (default the four named); "等" is read as leaving further methods to the deployment's list.
- 三(四) 问题线索督查法、“四不两直”暗访工作法 describe how the inspectors work in the field (no notice, no
  escort …): nothing the ledger can hold or check; an unannounced visit is recorded as a 催办 by 暗访核查
  (四(三)) or a finding (三(三)).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import AsAssigned, CalendarDays, EndOf, NextDay, WorkingDays, parse_period
from ducha_core.rules import (
    After,
    ApprovalRule,
    Deduction,
    EscalationStep,
    GradingScheme,
    MatterKind,
    Overdue,
    Owes,
    Procedure,
    ReportingCycle,
    Role,
    Setting,
    State,
    TimeLimit,
    Transition,
)

ID = "zhoucun"
ISSUED = date(2021, 7, 16)

#: 四(三) the chase methods the document names ("等": others are allowed)
CHASE_METHODS = ("电话催报", "逐件催办", "实地督办", "暗访核查")


#: 五(四) 以周、月、季、年为周期调度 names no day in the period: the default due periods (settings ``<id>_due``)
CYCLE_DUE = {
    "weekly_dispatch": "一周",
    "monthly_dispatch": "每月最后1个工作日",
    "quarterly_dispatch": "每季度末最后1个工作日",
    "year_end_completion": "年底前最后1个工作日",
}
CYCLE_NAMES = {"weekly_dispatch": "按周调度", "monthly_dispatch": "按月调度", "quarterly_dispatch": "按季调度",
               "year_end_completion": "年底前报告落实完成情况"}


def cite(article: str, quote: str = "") -> Citation:
    return Citation(ID, article, quote)


@hookimpl
def ducha_jurisdiction() -> Jurisdiction:
    return Jurisdiction(
        id=ID,
        name="周村区",
        level="district",
        office="区政府督查室",
        document=SourceDocument(
            title="周村区政府重大工作部署事项督查管理办法",
            issuer="周村区人民政府办公室",
            number="",  # the published notice carries no 文号
            issued=ISSUED,
            effective=ISSUED,  # 七(二) 本办法自发布之日起施行
            file="zhoucun.txt",
        ),
    )


@hookimpl
def ducha_matter_kinds() -> list[MatterKind]:
    return [
        MatterKind("decision", "党中央、国务院及上级党委政府、区委区政府重大决策部署和重要工作部署",
                   cite("一(一)、一(二)", "党中央、国务院重大决策部署推进落实情况"), "decision"),
        MatterKind("annual_task", "省、市、区经济社会发展主要目标任务",
                   cite("一(一)", "省、市、区经济社会发展主要目标任务完成情况"), "annual_task"),
        MatterKind("instruction", "省、市领导同志批示件",
                   cite("一(三)", "省、市、区政府主要领导同志批示件的督办落实"), "instruction"),
        MatterKind("principal_assignment", "区委、区政府主要领导同志临时交办事项和批示件",
                   cite("五(三)", "区委、区政府主要领导同志临时交办事项和批示件"), "instruction"),
        MatterKind("office_assignment", "区政府办公室临时交办重要工作事项",
                   cite("一(三)", "区政府办公室临时交办重要工作事项的办理"), "other"),
        MatterKind("document", "区政府重要文件", cite("一(四)", "区政府重要文件"), "document"),
        MatterKind("meeting", "区政府会议决定事项", cite("一(四)", "区政府会议决定事项贯彻落实情况"), "meeting"),
        MatterKind("npc_suggestion", "市、区人大代表建议", cite("一(五)", "市、区人大代表建议"), "npc_suggestion"),
        MatterKind("cppcc_proposal", "政协委员提案", cite("一(五)", "政协委员提案的督促办理"), "cppcc_proposal"),
        MatterKind("plan_item", "区级督查检查考核年度计划确定的事项",
                   cite("一(六)", "区级督查检查考核年度计划确定的事项"), "other"),
        MatterKind("key_phase", "区政府主要领导同志有明确要求的重点阶段性工作",
                   cite("五(二)", "区政府主要领导同志有明确要求的重点阶段性工作"), "other"),
        MatterKind("year_round", "贯穿全年的工作任务", cite("五(四)", "贯穿全年的工作任务"), "annual_task"),
    ]


@hookimpl
def ducha_roles() -> list[Role]:
    return [
        Role("office", "区政府督查室", "office",
             cite("六(一)", "区政府督查室负责对全区政务督查工作的组织、指导、协调和督查"),
             "立项、下达督办单、催办、梳理汇总、汇报、《周村督查》通报"),
        Role("unit", "承办单位（镇政府、街道办事处、部门、单位）", "unit",
             cite("四(二)", "承办督查事项的责任镇政府、街道办事处或部门、单位"), "承接办理、反馈推进落实情况"),
        Role("unit_head", "单位主要负责人（第一责任人）", "unit",
             cite("六(一)", "主要负责人是本部门、单位政务督查工作的第一责任人")),
        Role("unit_responsible", "督查工作落实具体责任人", "unit",
             cite("六(一)", "要另设一名督查工作落实具体责任人")),
        Role("unit_leader", "单位督查工作分管负责人", "unit", cite("六(一)", "和一名分管负责人")),
        Role("leader_in_charge", "区政府分管领导同志", "leader",
             cite("四(二)", "要及时提报区政府分管领导同志协调"), "阅签办理结果（四(四)）、协调解决问题（四(二)）"),
        Role("principal_leader", "区政府主要领导同志", "leader",
             cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"), "授权综合督查（三(一)）、决策（四(二)）"),
        Role("government", "区政府（审批督查活动）", "leader",
             cite("四(一)", "经区政府审批同意后，按计划开展督查工作")),
        Role("invited_inspector", "特邀督查员（区人大代表、政协委员）", "inspector",
             cite("三(三)", "根据需要邀请区人大代表、政协委员参与督查"), "参与督查，记录督查发现"),
        Role("third_party", "第三方评估机构", "inspector",
             cite("三(三)", "探索引入第三方评估机构参与督查"), "评估，记录评估发现"),
    ]


OFFICE = ("office",)
UNIT = ("unit", "unit_head", "unit_responsible", "unit_leader")
#: 四(二) the states a matter is in while the leaders take it up; the unit's time limit keeps running
LED = ("coordinating", "coordinated", "principal_decision", "decided")
#: states in which a unit handles the matter and may refer it to the 分管领导 (a new problem after the
#: 主要领导's decision goes to the 分管领导 first again)
HANDLING = ("assigned", "accepted", "decided")
OPEN = ("assigned", "accepted", *LED)


@hookimpl
def ducha_procedure() -> Procedure:
    states = (
        State("new", "待立项"),
        State("applied", "督查活动已提报备案（待区政府审批）"),
        State("rejected", "未获区政府审批同意", terminal=True),
        State("registered", "已立项"),
        State("assigned", "已下达（督办单）", clock_running=True),
        State("accepted", "承接办理中", clock_running=True),
        # 四(二): the document stops no clock while the leaders coordinate or decide
        State("coordinating", "已提报区政府分管领导同志协调", clock_running=True),
        State("coordinated", "区政府分管领导同志已协调（继续办理）", clock_running=True),
        State("principal_decision", "已提报区政府主要领导同志决策", clock_running=True),
        State("decided", "区政府主要领导同志已决策（继续办理）", clock_running=True),
        State("submitted", "办理结果已书面报送"),
        State("summarised", "已梳理汇总"),
        State("reported", "已向区政府领导汇报"),
        State("closed", "已办结", terminal=True),
    )
    t = Transition
    return Procedure(
        states=states,
        initial="new",
        citation=cite("四", "严格督查程序"),
        transitions=(
            t("register", ("new",), "registered", OFFICE,
              cite("四(三)", "督查事项以区政府或区政府办公室名义下达"), "立项"),
            t("apply", ("new",), "applied", UNIT,
              cite("四(一)", "区政府各部门、单位按程序向区政府督查室提报、备案督查活动"), "提报、备案督查活动",
              requires=("plan_item",), kinds=("plan_item",)),
            t("approve", ("applied",), "registered", ("government", "principal_leader"),
              cite("四(一)", "经区政府审批同意后，按计划开展督查工作"), "区政府审批同意", requires=("approved_by",)),
            t("reject", ("applied",), "rejected", ("government", "principal_leader"),
              cite("四(一)", "对督查事项实行审批备案制度"), "区政府不予同意", requires=("reason",)),
            t("assign", ("registered",), "assigned", OFFICE,
              cite("五(二)、五(三)", "第一时间分解，以《督办单》形式交办责任部门、单位；"
                                   "重点阶段性工作……明确办理时间节点、责任单位"), "下达（督办单）",
              requires_by_kind={"key_phase": ("deadline",)}),
            t("accept", ("assigned",), "accepted", UNIT,
              cite("五(三)", "承办责任部门、单位要立即承接办理"), "承接办理", requires=("responsible_person",)),
            t("remind", OPEN, None, OFFICE,
              cite("四(三)", "采取电话催报、逐件催办、实地督办、暗访核查等形式适时进行催办"), "跟踪督办、催办",
              requires=("method",), choices={"method": "chase_methods"}),
            t("progress", OPEN, None, UNIT,
              cite("四(四)", "按时反馈推进落实情况"), "反馈推进落实情况"),
            t("overdue_report", OPEN, None, UNIT,
              cite("四(二)", "要向区政府督查室说明原因和下一步办理的意见"), "说明未办结原因和下一步办理意见",
              requires=("reasons", "next_steps")),
            # 四(二) 分管 → 主要, as states: the first referral of a matter being handled goes to the 分管领导
            # (the step's name is the one every referral is shown under; the state says to whom it went)
            t("escalate", HANDLING, "coordinating", (*OFFICE, *UNIT),
              cite("四(二)", "如遇自身无法解决的问题，要及时提报区政府分管领导同志协调"),
              "提报区政府领导协调、决策", requires=("to",), choices={"to": ("leader_in_charge",)},
              obliges=(Owes("followup", "分管领导协调后办结",
                            cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"),
                            period=WorkingDays(5), setting="coordination_period", met_by=("submit", "escalate"),
                            reading="提报分管领导协调后，自提报之日起设置 coordination_period（默认5个工作日，参照五(一)"
                                    "“一般应在5个工作日内办结”）内仍未报送办理结果的，读作“仍然解决不了”；"
                                    "其间已提报主要领导同志决策的，不再等待"),)),
            t("coordinate", ("coordinating", "coordinated"), "coordinated", ("leader_in_charge",),
              cite("四(二)", "要及时提报区政府分管领导同志协调"), "区政府分管领导同志协调", requires=("decision",),
              choices={"resolved": (True, False)}),
            # 仍然解决不了: after the 分管领导's coordination (the unit or the office), or, before it, by the
            # office when the ladder proposes it (coordination_period run with no result)
            t("escalate", ("coordinated",), "principal_decision", (*OFFICE, *UNIT),
              cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"),
              "提报区政府主要领导同志决策", requires=("to",), choices={"to": ("principal_leader",)}),
            t("escalate", ("coordinating",), "principal_decision", OFFICE,
              cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"),
              "分管领导协调期满仍未办结：提报区政府主要领导同志决策", requires=("to",),
              choices={"to": ("principal_leader",)}),
            t("decide", ("principal_decision",), "decided", ("principal_leader",),
              cite("四(二)", "及时提报区政府主要领导同志决策"), "区政府主要领导同志决策", requires=("decision",)),
            t("submit", OPEN, "submitted", UNIT,
              cite("四(四)", "经区政府分管领导同志阅签后，将办理结果以书面形式报送区政府督查室"), "报送办理结果",
              requires=("leader_signoff",), each_lead_unit=True),
            t("review_pass", ("submitted",), "summarised", OFFICE,
              cite("四(四)", "区政府督查室对反馈情况进行梳理汇总"), "梳理汇总"),
            t("report_up", ("summarised",), "reported", OFFICE,
              cite("四(四)", "及时向区政府领导汇报"), "向区政府领导汇报（督查专报）"),
            t("report_up", OPEN, None, OFFICE,
              cite("六(三)", "通报后仍未办理的，区政府督查室会及时将有关情况向区领导汇报"), "向区领导汇报"),
            t("close", ("summarised", "reported"), "closed", OFFICE,
              cite("二(四)", "使督查工作做到“事事有着落，件件有回音”"), "办结"),
            # 通报 of a matter still being handled asks for its 办理 (六(三) 通报后仍未办理); in any other state it
            # records the bulletin only
            t("bulletin", OPEN, None, OFFICE,
              cite("六(三)", "将通过《周村督查》在全区进行通报"), "《周村督查》通报",
              obliges=(Owes("followup", "通报后办理",
                            cite("六(三)", "通报后仍未办理的，区政府督查室会及时将有关情况向区领导汇报"),
                            period=WorkingDays(5), setting="bulletin_followup_period", when={"type": "criticism"},
                            reading="通报批评后，自通报之日起设置 bulletin_followup_period（默认5个工作日，参照五(一)"
                                    "“一般应在5个工作日内办结”）内仍未报送办理结果的，读作“通报后仍未办理”；"
                                    "已报送办理结果或已办结的事项不再产生"),)),
            t("bulletin", ("*",), None, OFFICE,
              cite("六(三)", "将通过《周村督查》在全区进行通报"), "《周村督查》通报"),
            # 三(一) 综合督查: the office organises it on a matter once the 区政府主要领导同志 has authorised it
            # (ApprovalRule comprehensive_inspection: --approved-by must name a 主要领导)
            t("inspect", ("registered", *OPEN), None, OFFICE,
              cite("三(一)", "由区政府主要领导同志授权，区政府督查室组织力量集中开展综合督查"),
              "组织综合督查（经区政府主要领导同志授权）", requires=("approved_by",)),
            t("finding", ("*",), None, ("office", "invited_inspector", "third_party"),
              cite("三(三)", "将特邀督查员与第三方评估相结合"), "记录督查发现"),
        ),
    )


#: 五(一) kinds under the general rule: the document's "重大决策、重要工作部署、重要会议精神等事项"
GENERAL_KINDS = ("decision", "annual_task", "instruction", "office_assignment", "document", "meeting")


@hookimpl
def ducha_time_limits() -> list[TimeLimit]:
    return [
        TimeLimit(
            "notice_result", "督查事项明确的办理时限", ("*",), AsAssigned(),
            cite("四(三)", "督查事项要明确办理时限"),
            what="result", anchor="assigned",
            reading="五(一)、五(三)、五(四)未另定时限的事项（人大建议、政协提案、年度计划事项、重点阶段性工作等），"
                    "办理时限须在交办时明确；未写明的不予交办",
        ),
        TimeLimit(
            "general_result", "办结并报告办理情况", GENERAL_KINDS, WorkingDays(5),
            cite("五(一)", "没有明确办理时限的，承办单位……一般应在5个工作日内办结完毕并报告办理情况"),
            what="result", anchor="assigned", explicit_first=True,
            reading="督查通知有明确时限的按通知；没有的自下达之日起5个工作日",
        ),
        TimeLimit(
            "principal_plan", "提出办理方案", ("principal_assignment",), NextDay(),
            cite("五(三)", "承办责任部门、单位要立即承接办理，次日提出办理方案"),
            what="plan", anchor="assigned", explicit_first=True,
            reading="次日为交办之日的次日；次日为休息日的顺延至下一个工作日（民法典第二百零三条）",
        ),
        TimeLimit(
            "principal_result", "提报办理意见或结果", ("principal_assignment",), CalendarDays(5),
            cite("五(三)", "一般在5日内提报办理意见或结果"),
            what="result", anchor="assigned", explicit_first=True,
            reading="“5日”读作5个自然日（同一文件五(一)另写“5个工作日”），期满日为休息日的顺延；"
                    "部署可将 principal_result_period 设为“5个工作日”",
            setting="principal_result_period",
        ),
        TimeLimit(
            "year_end_report", "年底前报告落实完成情况", ("year_round",), EndOf("year"),
            cite("五(四)", "年底前报告落实完成情况"),
            what="result", anchor="assigned", explicit_first=True,
            reading="年底前读作交办当年最后1个工作日",
        ),
    ]


CRITICISM = {"type": "criticism"}


@hookimpl
def ducha_escalation_ladder() -> list[EscalationStep]:
    return [
        EscalationStep(
            "plan_late_remind", "次日未提出办理方案：催办", 1,
            Overdue(what=("plan",), repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
            cite("五(三)、四(三)", "次日提出办理方案；区政府督查室及时跟踪督办……适时进行催办"),
            data={"method": "电话催报"}, by_role="office",
            reading="办理方案以办理方案期限前（含当日）的进展反馈（progress，data 注明 plan）报送；逾期未报的由督查室催办，"
                    "仍未报的每隔设置 chase_every（默认5个工作日）再提出",
        ),
        EscalationStep(
            "overdue_remind", "逾期未办结：催办", 1, Overdue(repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
            cite("四(三)", "区政府督查室及时跟踪督办，采取电话催报、逐件催办、实地督办、暗访核查等形式适时进行催办"),
            data={"method": "电话催报"}, by_role="office",
            reading="办理时限已过仍未报送办理结果的，提出催办；仍未报送的，每隔设置 chase_every（默认5个工作日，"
                    "“适时”未定频次）再提出；任何一次催办都算",
        ),
        EscalationStep(
            "overdue_explain", "逾期未办结：说明原因和下一步办理意见", 1, Overdue(), "overdue_report",
            cite("四(二)", "在要求办理时限内未办结的，要向区政府督查室说明原因和下一步办理的意见"),
            by_role="unit",
        ),
        EscalationStep(
            "late_bulletin", "未按规定时限报送：《周村督查》通报", 2, Overdue(include_late=True), "bulletin",
            cite("六(三)", "未按规定时限报送……将通过《周村督查》在全区进行通报"), data=CRITICISM, by_role="office",
            reading="办理结果期限已过仍未报送，或逾期后才报送的（逾期补报的仍属未按规定时限报送），每项期限提出一次；"
                    "事项办结后仍提出（逾期是已发生的事实），督查室可通报或写明理由不予处理",
            after_end=True,
        ),
        EscalationStep(
            "coordinate_leader", "自身无法解决：提报区政府分管领导同志协调", 3,
            After("overdue_report", {"needs_coordination": True}, at_once=True), "escalate",
            cite("四(二)", "如遇自身无法解决的问题，要及时提报区政府分管领导同志协调"),
            data={"to": "leader_in_charge"}, by_role="unit",
            reading="单位在说明原因时注明需协调（overdue_report --needs-coordination）的，文件要求“及时”提报，当日即提出",
        ),
        EscalationStep(
            "decide_principal", "仍然解决不了的重大事项：提报区政府主要领导同志决策", 4,
            After("escalate", obligation="followup", unmet_only=True), "escalate",
            cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"),
            data={"to": "principal_leader"}, by_role="office",
            reading="提报分管领导协调后，设置 coordination_period（默认5个工作日）内仍未报送办理结果、也未提报主要领导同志"
                    "决策的，视为“仍然解决不了”（分管领导同志记录协调与否不论）；是否属“重大事项”由督查室确认时判断",
        ),
        EscalationStep(
            "decide_principal_unresolved", "分管领导同志协调未能解决的重大事项：提报区政府主要领导同志决策", 4,
            After("coordinate", {"resolved": False}, at_once=True), "escalate",
            cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策"),
            data={"to": "principal_leader"}, by_role="office",
            reading="区政府分管领导同志记录协调结果为未解决（coordinate --resolved no）的，文件要求“及时”提报，当日即提出；"
                    "是否属“重大事项”由督查室确认时判断",
        ),
        EscalationStep(
            "bulletin_no_action", "通报后仍未办理：向区领导汇报", 5,
            After("bulletin", CRITICISM, obligation="followup", unmet_only=True), "report_up",
            cite("六(三)", "通报后仍未办理的，区政府督查室会及时将有关情况向区领导汇报，按区领导要求做相应处理"),
            data={"to": "区领导"}, by_role="office",
            reading="通报批评后，设置 bulletin_followup_period（默认5个工作日）内仍未报送办理结果的；已办结的事项不提出",
        ),
    ]


@hookimpl
def ducha_grading_scheme() -> GradingScheme:
    return GradingScheme(
        grades=(),
        citation=cite("六(三)", "计入部门“落实不力”考核项，在年度考评中予以扣分"),
        deductions=(
            Deduction("poor_implementation", "“落实不力”考核项扣分", After("bulletin", CRITICISM, at_once=True),
                      cite("六(三)", "将通过《周村督查》在全区进行通报，并计入部门“落实不力”考核项，在年度考评中予以扣分"),
                      setting="deduction_points", reading="每次《周村督查》通报批评计一次，计入通报当年"),
        ),
    )


@hookimpl
def ducha_reporting_cycles() -> list[ReportingCycle]:
    quote = "以周、月、季、年为周期，按周期调度推进情况，年底前报告落实完成情况"
    reading = "周期由区政府主要领导同志对每项任务确定；文件未定周期内的报送日，按周期末（周：自周一起一周内）"
    return [
        ReportingCycle(cid, name, every, parse_period(CYCLE_DUE[cid]), cite("五(四)", quote), kinds=("year_round",),
                       reading=f"{reading}；默认“{CYCLE_DUE[cid]}”，部署可设 {cid}_due；交办时以 --cycle 指定其一",
                       setting=f"{cid}_due", choice=True)
        for cid, name, every in (
            ("weekly_dispatch", "按周调度推进情况", "week"),
            ("monthly_dispatch", "按月调度推进情况", "month"),
            ("quarterly_dispatch", "按季调度推进情况", "quarter"),
            ("year_end_completion", "年底前报告落实完成情况", "year"),
        )
    ]


@hookimpl
def ducha_approvals() -> list[ApprovalRule]:
    return [
        # 三(一) 专项督查 "经向区政府报批备案" and 四(一) "提报、备案督查活动，经区政府审批同意" are one procedure:
        # the unit files (apply) with the 督查室, the 区政府 approves (approve)
        ApprovalRule("plan_filing", "部门、单位的督查活动（专项督查）按年度《督查检查考核计划》提报、备案，经区政府审批",
                     "inspection", ("government", "principal_leader"),
                     cite("三(一)、四(一)", "由部门、单位负责，经向区政府报批备案后……组织开展专项督查；"
                                          "区政府各部门、单位按程序向区政府督查室提报、备案督查活动，经区政府审批同意后，按计划开展督查工作"),
                     filed_with="区政府督查室", applies_to=("approve",)),
        ApprovalRule("comprehensive_inspection", "综合督查由区政府主要领导同志授权", "inspection", ("principal_leader",),
                     cite("三(一)", "由区政府主要领导同志授权，区政府督查室组织力量集中开展综合督查"),
                     applies_to=("inspect",)),
        ApprovalRule("result_signoff", "办理结果经区政府分管领导同志阅签", "submit", ("leader_in_charge",),
                     cite("四(四)", "经区政府分管领导同志阅签后，将办理结果以书面形式报送区政府督查室"),
                     applies_to=("submit",), field="leader_signoff"),
    ]


@hookimpl
def ducha_settings() -> list[Setting]:
    return [
        Setting("principal_result_period", "5日",
                "主要领导临时交办事项提报办理意见或结果的时限（五(三)“一般在5日内”）。默认读作5个自然日"
                "（期满日遇休息日顺延）；可改为“5个工作日”。", cite("五(三)", "一般在5日内提报办理意见或结果")),
        Setting("chase_methods", list(CHASE_METHODS),
                "催办方式（四(三)列举的四种）：催办（remind）时 --method 须为其中之一，否则不予记录。"
                "文件写“等形式”，其他方式由部署在本列表中增列（如加上“书面催办”）。",
                cite("四(三)", "采取电话催报、逐件催办、实地督办、暗访核查等形式")),
        *(Setting(f"{cid}_due", due,
                  f"{CYCLE_NAMES[cid]}的报送期限（五(四)未定周期内的报送日）：自周期首日（周一、月初、季初、年初）起算的期间，"
                  "如“每月最后1个工作日”“5个工作日”。", cite("五(四)", "以周、月、季、年为周期，按周期调度推进情况"))
          for cid, due in CYCLE_DUE.items()),
        Setting("bulletin_followup_period", "5个工作日",
                "《周村督查》通报批评后“仍未办理”的判断期间（六(三)未定）：自通报之日起，默认5个工作日（参照五(一)）。",
                cite("六(三)", "通报后仍未办理的，区政府督查室会及时将有关情况向区领导汇报")),
        Setting("coordination_period", "5个工作日",
                "提报分管领导协调后“仍然解决不了”的判断期间（四(二)未定）：自提报之日起，默认5个工作日（参照五(一)）。",
                cite("四(二)", "仍然解决不了的重大事项，及时提报区政府主要领导同志决策")),
        Setting("chase_every", "5个工作日",
                "逾期未报送的，催办后仍未报送，隔多久再提出催办（四(三)“适时进行催办”未定频次）。", cite("四(三)")),
        Setting("deduction_points", None, "“落实不力”考核项扣减的分值：文件仅称“予以扣分”，由部署填写。",
                cite("六(三)", "在年度考评中予以扣分"), type="number"),
    ]


@hookimpl
def ducha_template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def ducha_articles():
    from ducha_zhoucun.articles import ARTICLES  # read when the policy is built, not at start-up

    return ARTICLES


@hookimpl
def ducha_field_names() -> dict[str, str]:
    """Chinese names of the data fields this plugin's own steps and escalations carry."""
    return {
        "plan_item": "年度计划事项",  # 四(一): 《督查检查考核计划》
        "next_steps": "下一步办理意见",  # 四(二): 说明原因和下一步办理的意见
        "needs_coordination": "自身无法解决、需提报协调",  # 四(二): overdue_report --needs-coordination
        "decision": "协调、决策意见",  # 四(二): the 分管领导's coordination, the 主要领导's decision
        "resolved": "问题已协调解决",  # 四(二): coordinate --resolved yes|no (仍然解决不了 when no)
    }
