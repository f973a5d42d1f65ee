"""中共自贡市大安区委督促检查工作规则（试行）: policy as data, each rule citing its article.

Source: 中共自贡市大安区委《关于印发〈中共自贡市大安区委督促检查工作规则（试行）〉的通知》,
2017年3月14日, 十一届区委第13次常委会议审议通过; the text as published carries no 文号 of its own.
第三十四条: "本规则自印发之日起施行。2012年10月9日区委办公室印发的《中共自贡市大安区委督促检查工作
规定》(大委办发〔2012〕56号)同时废止". 试行, without a trial period: in force from 2017-03-14 with no
end date.

Readings of this document (a deployment can change each through ``[settings]``):
- The rules set NO numeric time limit for ordinary matters. 第十七条 requires the 立项下达 to state
  "责任单位、目标要求和办理时限", so the deadline of a matter is the one its 立项下达 notice gives
  (``assign`` requires ``deadline``); no time limit is invented here.
- 第二十条(二) extensions (区委重大议定事项): asked *in advance* (提前) of the leader in charge with
  reasons and progress; the materials are filed with the 区委督查部门 (the office records the grant,
  naming the approving leader). 第二十条(三) (区委主要领导同志批示交办事项) says "及时", not "提前":
  read as not limited to before the deadline. Other kinds: the rules provide no extension.
- 第八条 routing by level is encoded as states: 分管领导协调 → 分管领导提出具体意见后报主要领导决定 →
  提交区委常委会议研究; a level cannot be skipped.
- 周督查 (第二十四条), 月度交账 (第二十三条), 批示件台账 "定期了解" (第十八条) and the yearly transfer of
  cadre files (第二十七条) name no day: the cycles fall due at the period's end (see each ``reading``);
  settings ``monthly_account_due`` (default "每月最后1个工作日") and ``weekly_check_due`` (default "一周",
  from the Monday) replace the due period of 交账 and 周督查.
- 第三条 一事一主体、一主体一责任人: 立项下达 names exactly one 主办单位 (others are 协办单位), and the unit
  names its 责任人 when it takes the matter on (accept).
- 第二十条(一) the written report goes from the 主办单位 only ("由主办单位向交办单位报送……书面综合报告").
- 第二十条 四定 (任务书、路线图、时间表) applies to 纳入年度督查的重要事项 (annual_key) only; extensions only to
  the kinds of 第二十条(二)/(三).
- 第十四条(十二) "迅速整改" after a 督办通知 names no period: the order's ``--until``, else setting
  ``order_rectify_period`` (default 5个工作日); its lapse (or a report after it) proposes 问责建议 (第三十条).
  A 突出问题 (``finding --serious``) is reported to the 区委主要领导 and ordered at once (及时).
- 第七条(三) "适时加以催办": an overdue report is chased again every ``chase_every`` (5个工作日); after
  ``order_after_chases`` (2) chases unanswered for ``chase_every`` a 督办通知 is proposed (第十八条 催办督办).
- 第二十二条 "综合台账+专项台账", 第二十六条 责任清单 and 第二十七条 科级领导干部督查工作档案 are the core's
  ledger export (``ducha ledger --format xlsx``: 综合台账 and one sheet per 专项台账 named at registration,
  with 主办单位、办理时限、责任人、责任领导、状态、逾期记录); 第二十八条 考核 is ``ducha assessment``. The
  rules set no 等次 or points (no grading scheme).
- 第二十五条 经授权开展工作: a 督查发现 names who authorised it (``--authorised-by``), a person of the 区委督查部门
  or a 区委领导 (approval rule ``finding_authorisation``); the 区委's 聘任 is the deployment's giving a person
  the role ``special_inspector``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import AsAssigned, EndOf, WorkingDays, parse_period
from ducha_core.rules import (
    After,
    ApprovalRule,
    EscalationStep,
    ExtensionRule,
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

ID = "dazhan"
ISSUED = date(2017, 3, 14)

#: 第十四条 the ways of supervision the rules list
METHODS = (
    "催报", "听取汇报", "座谈会", "个别了解", "调阅复制资料", "实地调查", "问卷调查", "暗查暗访",
    "委托第三方评估", "反馈督查情况", "督查协调会", "督办通知", "督查工作通报", "督查专报",
)


#: 第二十三条 每月工作交账 and 第二十四条 周督查 name no day: the default readings (settings of the same keys)
MONTHLY_ACCOUNT_DUE = "每月最后1个工作日"
WEEKLY_CHECK_DUE = "一周"


def cite(article: str, quote: str = "") -> Citation:
    return Citation(ID, article, quote)


@hookimpl
def ducha_jurisdiction() -> Jurisdiction:
    return Jurisdiction(
        id=ID,
        name="大安区",
        level="district",
        office="区委督查部门",
        document=SourceDocument(
            title="中共自贡市大安区委督促检查工作规则（试行）",
            issuer="中共自贡市大安区委",
            number="",  # the published notice carries no 文号
            issued=ISSUED,
            effective=ISSUED,  # 第三十四条 本规则自印发之日起施行
            trial="试行（未规定试行期限）",
            file="dazhan.txt",
            repeals=("《中共自贡市大安区委督促检查工作规定》(大委办发〔2012〕56号)",),  # 第三十四条 同时废止
        ),
    )


@hookimpl
def ducha_matter_kinds() -> list[MatterKind]:
    return [
        MatterKind("policy_line", "党和国家的路线、方针、政策和重要工作部署",
                   cite("第六条(一)", "党和国家的路线、方针、政策和重要工作部署的贯彻落实"), "decision"),
        MatterKind("decision", "中央和省、市、区委的重大决策、重要工作部署",
                   cite("第六条(二)", "中央和省、市、区委的重大决策……重要工作部署的贯彻落实"), "decision"),
        MatterKind("document", "中央和省、市、区委的重要文件", cite("第六条(二)", "重要文件"), "document"),
        MatterKind("meeting", "重要会议决议和决定", cite("第六条(二)", "重要会议决议和决定"), "meeting"),
        MatterKind("agreed_matter", "区委重大议定事项（常委会会议、工作会议、党政联席会议、专题会议、主要领导调研议定）",
                   cite("第二十四条", "议定的定人、定事、定时督办事项"), "meeting"),
        MatterKind("speech", "领导同志重要讲话精神或调研时重要指示",
                   cite("第六条(三)", "领导同志重要讲话精神或调研时重要指示的贯彻落实"), "instruction"),
        MatterKind("instruction", "中央和省、市、区委领导批示件、查办件",
                   cite("第六条(四)", "领导批示件、查办件的办理情况"), "instruction"),
        MatterKind("principal_instruction", "区委主要领导同志批示交办事项",
                   cite("第二十条(三)", "区委主要领导同志批示交办事项"), "instruction"),
        MatterKind("npc_suggestion", "需由区委部门办理答复的人大代表建议",
                   cite("第六条(五)", "需由区委部门办理答复的人大代表建议"), "npc_suggestion"),
        MatterKind("cppcc_proposal", "需由区委部门办理答复的政协建议案和提案",
                   cite("第六条(五)", "政协建议案和提案落实情况"), "cppcc_proposal"),
        MatterKind("special", "区委领导交办的专项督查事项", cite("第六条(六)", "区委领导交办的专项督查事项"), "other"),
        MatterKind("annual_key", "纳入年度督查的重要事项（挂图作战）",
                   cite("第二十条", "对区委确定的纳入年度督查的重要事项"), "annual_task"),
        MatterKind("inspection", "以区委或者区委、区政府名义开展的督促检查活动",
                   cite("第十六条", "以区委或者区委、区政府名义开展的督促检查活动"), "other"),
    ]


@hookimpl
def ducha_roles() -> list[Role]:
    return [
        Role("office", "区委督查部门", "office",
             cite("第十一条", "区委督查部门负责具体督促检查工作计划和方案的制定、督促检查活动的组织实施、督促检查成果的报告与通报"),
             "拟办送审、立项下达、跟踪办理、审核报结、立卷归档（第七条）"),
        Role("unit", "承办单位（乡镇街道、区级各部门）", "unit",
             cite("第七条(二)", "通知承办单位办理"), "一事一主体、一主体一责任人（第三条）"),
        Role("unit_head", "单位主要负责人", "unit",
             cite("第二十条(一)", "书面报告应当经过单位主要负责人审签")),
        Role("unit_leader", "单位督促检查工作责任领导", "unit",
             cite("第十二条", "明确1名负责同志作为督促检查工作责任领导")),
        Role("leader_in_charge", "区委分管领导同志", "leader",
             cite("第八条(二)", "区委分管领导同志按照“谁主管、谁负责”的原则"), "协调处理；提出具体意见报主要领导（第八条）"),
        Role("principal_leader", "区委主要领导同志", "leader",
             cite("第八条(一)", "区委主要领导同志对督促检查工作负总责")),
        Role("supervision_leader", "区委分管督查的领导同志", "leader",
             cite("第十六条", "报区委分管督查的领导同志审批")),
        Role("standing_committee", "区委常委会议", "leader",
             cite("第八条", "需提交区委常委会议研究的，按《区委常委会议事决策规则》办理")),
        Role("special_inspector", "区委特约督查员", "inspector",
             cite("第二十五条", "由区委聘任的区委特约督查员，在区委督查部门领导下，经授权开展工作"),
             "了解情况、提出意见建议，记录督查发现；不办结事项"),
        Role("external_supervisor", "党代表、人大代表、政协委员、政务监督员、党风监督员、特邀监察员、干部监督员", "inspector",
             cite("第十三条", "利用、借助新闻媒体、社会组织和党代表、人大代表、政协委员……等资源，增强督查力量")),
    ]


OFFICE = ("office",)
UNIT = ("unit", "unit_head", "unit_leader")
LEADERS = ("leader_in_charge", "principal_leader", "standing_committee")
HANDLING = ("assigned", "handling", "rework")
ROUTED = ("coordinating", "principal_decision", "committee")
OPEN = HANDLING + ROUTED
#: 第二十条(二) 区委重大议定事项 and (三) 区委主要领导同志批示交办事项: the only kinds the rules give an extension
AGREED_KINDS = ("agreed_matter", "meeting")
EXTENSION_KINDS = (*AGREED_KINDS, "principal_instruction")


@hookimpl
def ducha_procedure() -> Procedure:
    states = (
        State("new", "待拟办"),
        State("drafted", "拟办送审（待区委领导审定）"),
        State("approved", "已审定（待立项下达）"),
        State("applied", "督查活动已申报（待区委督查部门审核）"),
        State("vetted", "督查部门已审核（待分管督查的区委领导审批）"),
        State("rejected", "不予立项", terminal=True),
        State("assigned", "已立项下达", clock_running=True),
        State("handling", "跟踪办理中", clock_running=True),
        State("coordinating", "分管领导同志协调处理中", clock_running=True),
        State("principal_decision", "报区委主要领导同志决定", clock_running=True),
        State("committee", "提交区委常委会议研究", clock_running=True),
        State("rework", "补办或重新办理", clock_running=True),
        State("submitted", "书面报告已报送（待审核）"),
        State("verified", "审核通过"),
        State("reported", "审核报结（书面报告报区委领导审定）"),
        State("closed", "已报结", ended=True),
        State("archived", "已立卷归档", terminal=True),
    )
    t = Transition
    return Procedure(
        states=states,
        initial="new",
        citation=cite("第七条", "督查工作的基本程序"),
        transitions=(
            # (一) 拟办送审
            t("register", ("new",), "drafted", OFFICE,
              cite("第七条(一)", "接到督查工作任务后，区委督查部门应及时提出拟办意见"), "拟办送审",
              requires=("draft_opinion",), choices={"handled_by": "instruction_offices"}),
            t("approve", ("drafted",), "approved", LEADERS,
              cite("第七条(二)", "经区委确定和区委领导审定后的督查事项"), "区委领导审定", requires=("approved_by",)),
            t("reject", ("drafted",), "rejected", LEADERS, cite("第七条(一)", "报区委领导审定"), "不予立项",
              requires=("reason",)),
            # 第十六条 督促检查活动统筹
            t("apply", ("new",), "applied", UNIT,
              cite("第十六条", "以区委或者区委、区政府名义开展的督促检查活动，承办单位应当提前向区委督查部门申报"),
              "申报督促检查活动", kinds=("inspection",)),
            t("approve", ("applied",), "vetted", OFFICE, cite("第十六条", "经审核后"), "区委督查部门审核"),
            t("reject", ("applied",), "rejected", OFFICE,
              cite("第十六条", "区委督查部门应当加强统筹协调，避免多头督查、重复督查"), "统筹：不予安排（多头、重复督查）",
              requires=("reason",)),
            t("approve", ("vetted",), "approved", ("supervision_leader",),
              cite("第十六条", "报区委分管督查的领导同志审批"), "分管督查的区委领导审批", requires=("approved_by",)),
            t("reject", ("vetted",), "rejected", ("supervision_leader",), cite("第十六条"), "分管督查的区委领导不予批准",
              requires=("reason",)),
            # (二) 立项下达
            t("assign", ("approved",), "assigned", OFFICE,
              cite("第十七条、第三条", "第一时间分解立项，明确责任单位、目标要求和办理时限；一事一主体、一主体一责任人"),
              "立项下达", requires=("deadline",),
              max_lead_units=1),  # 第三条 一事一主体：一个主办单位，其余列为协办单位
            t("accept", ("assigned",), "handling", UNIT,
              cite("第二十二条", "逐级明确责任单位、责任领导、责任人和完成时限"), "明确责任领导、责任人",
              requires=("responsible_person", "responsible_leader")),
            t("task_book", ("assigned", "handling"), None, UNIT,
              cite("第二十条", "按照“定目标任务、定工作内容、定完成时限、定责任主体”的要求，明确任务书、路线图、时间表"),
              "四定：任务书、路线图、时间表", kinds=("annual_key",), requires=("targets", "content", "completion_date", "responsible_body",
                                                 "task_book", "road_map", "timetable")),
            # (三) 跟踪办理
            t("remind", OPEN, None, OFFICE, cite("第七条(三)", "及时了解督查事项的办理情况，适时加以催办"), "跟踪催办",
              requires=("method",), choices={"method": "supervision_methods"}),
            # a unit answers a 督办通知 with a progress report also while its written report is being reviewed
            t("progress", (*OPEN, "submitted", "verified", "reported"), None, UNIT, cite("第二十条", "动态推进"), "报告进展"),
            t("submit", HANDLING, "submitted", UNIT,
              cite("第二十条(一)", "由主办单位向交办单位报送贯彻落实情况的书面综合报告……经单位主要负责同志审核、签发后，"
                                 "加盖单位公章报送交办单位"), "书面报告贯彻落实情况",
              requires=("head_signoff", "seal"), lead_only=True),
            t("review_return", ("submitted",), "rework", OFFICE,
              cite("第七条(三)", "督办结果不符合要求的，应通知承办单位补办或重新办理"), "通知补办或重新办理",
              requires=("reason",)),
            t("extension_ask", OPEN, None, UNIT,
              cite("第二十条(二)、(三)", "承办单位应提前向区委或政府分管领导报告原因和进度，申请延长办理期限"), "申请延长办理期限",
              kinds=EXTENSION_KINDS),
            t("extension_grant", OPEN, None, OFFICE,
              cite("第二十条(二)、(三)", "并将相关材料送区委督查部门备案"), "延期备案（分管或主要领导同意）",
              requires=("approved_by",), kinds=EXTENSION_KINDS),
            t("extension_refuse", OPEN, None, OFFICE, cite("第二十条(二)、(三)"), "不同意延期", kinds=EXTENSION_KINDS),
            # 第八条 分级负责
            t("escalate", HANDLING, "coordinating", (*OFFICE, *UNIT),
              cite("第八条", "需区委统筹协调事项，应先由分管领导同志协调处理"), "提请分管领导同志协调"),
            t("approve", ("coordinating",), "handling", ("leader_in_charge",),
              cite("第八条", "凡区委、区政府分管领导同志职责范围内能处理而又不涉及全局的事项，分管领导同志应及时处理"),
              "分管领导同志协调处理", requires=("decision",)),
            t("escalate", ("coordinating",), "principal_decision", ("leader_in_charge",),
              cite("第八条", "需区委主要领导同志决定的，由分管领导同志提出具体意见，再报区委主要领导同志"),
              "分管领导提出具体意见报主要领导决定", requires=("opinion",)),
            t("approve", ("principal_decision",), "handling", ("principal_leader",),
              cite("第八条(一)", "对事关全局的重要工作、重点项目、典型问题进行决策督查"), "区委主要领导同志决定",
              requires=("decision",)),
            t("escalate", ("principal_decision",), "committee", ("principal_leader",),
              cite("第八条", "需提交区委常委会议研究的，按《区委常委会议事决策规则》办理"), "提交区委常委会议研究"),
            t("approve", ("committee",), "handling", ("standing_committee",),
              cite("第八条", "按《区委常委会议事决策规则》办理"), "区委常委会议研究决定", requires=("decision",)),
            # (四) 审核报结
            t("review_pass", ("submitted",), "verified", OFFICE, cite("第七条(四)", "分阶段进行分析汇总"), "审核"),
            t("report_up", ("verified",), "reported", OFFICE,
              cite("第七条(四)", "形成单项或综合的书面报告，报送区委领导审定"), "审核报结"),
            # 突出问题 are reported whenever found (a step of its own: report_up in 已审核 is 审核报结)
            t("report_serious", (*OPEN, "submitted", "verified", "reported", "closed"), None, OFFICE,
              cite("第十四条(十二)", "对督查发现的突出问题，及时向区委主要领导报告"), "向区委主要领导报告突出问题"),
            t("close", ("reported",), "closed", OFFICE, cite("第七条(四)", "报送区委领导审定"), "报结",
              requires=("approved_by",)),
            # (五) 立卷归档
            t("archive", ("closed",), "archived", OFFICE,
              cite("第七条(五)", "按有关规定进行收集、整理和立卷，定期向文书档案部门移交归档"), "立卷归档"),
            t("revisit", ("reported", "closed"), None, OFFICE,
              cite("第二十一条", "区委督查部门应当组织回访复核"), "回访复核"),
            t("order", (*OPEN, "submitted", "verified", "reported"), None, OFFICE,
              cite("第十四条(十二)", "下达督办通知责成有关单位迅速整改"), "下达督办通知",
              obliges=(Owes("rectification", "督办通知责成迅速整改", cite("第十四条(十二)", "下达督办通知责成有关单位迅速整改"),
                            period=WorkingDays(5), date_field="until", setting="order_rectify_period",
                            reading="督办通知写明整改期限（--until）的，以其为限；未写明的，“迅速”读作自下达之日起设置 "
                                    "order_rectify_period（默认5个工作日）；其间报送进展或书面报告即为已整改"),)),
            t("bulletin", ("*",), None, OFFICE,
              cite("第二十六条", "坚持定期通报公示"), "督查通报公示", requires=("type",)),
            t("finding", ("*",), None, ("office", "special_inspector", "external_supervisor"),
              cite("第二十五条", "在区委督查部门领导下，经授权开展工作"), "记录督查发现", requires=("authorised_by",)),
            t("accountability", ("*",), None, OFFICE,
              cite("第三十条", "依据《中国共产党问责条例》……严格实行问责追究"), "提出问责建议"),
        ),
    )


@hookimpl
def ducha_time_limits() -> list:
    # 第十七条: the 立项下达 states each matter's 办理时限; the rules set no numeric limit of their own.
    return [
        TimeLimit(
            "notice_result", "立项下达明确的办理时限", ("*",), AsAssigned(),
            cite("第十七条", "区委督查部门应当第一时间分解立项,明确责任单位、目标要求和办理时限"),
            what="result", anchor="assigned",
            reading="规则未定具体天数；办理时限由立项下达时明确（第十七条、第二十二条“逐级明确……完成时限”），未写明的不予交办",
        ),
    ]


@hookimpl
def ducha_extension_rules() -> list[ExtensionRule]:
    return [
        ExtensionRule(
            "agreed_extension", AGREED_KINDS,
            cite("第二十条(二)", "因特殊情况不能按时办结的，承办单位应提前向区委或政府分管领导报告原因和进度，申请延长办理期限，"
                               "并将相关材料送区委督查部门备案"),
            ask_before_deadline=True, requires=("reasons", "progress"), granted_by=("leader_in_charge",),
            filed_with_office=True,
            reading="区委重大议定事项读作区委会议议定事项（agreed_matter、meeting）；须在期限届满前提出",
        ),
        ExtensionRule(
            "principal_extension", ("principal_instruction",),
            cite("第二十条(三)", "承办单位应及时向区委主要领导报告原因和进度，并将相关材料送区委督查办备案"),
            ask_before_deadline=False, requires=("reasons", "progress"), granted_by=("principal_leader",),
            filed_with_office=True,
            reading="本项写“及时”而非“提前”，不以期限届满前为限",
        ),
    ]


@hookimpl
def ducha_escalation_ladder() -> list[EscalationStep]:
    serious = {"serious": True}
    return [
        EscalationStep("overdue_remind", "逾期未报送：催办", 1,
                       Overdue(repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
                       cite("第七条(三)", "及时了解督查事项的办理情况，适时加以催办"), data={"method": "催报"},
                       by_role="office",
                       reading="办理时限已过仍未书面报告的，提出催办；仍未报告的，每隔设置 chase_every（默认5个工作日，"
                               "“适时”未定频次）再提出；任何一次催办都算"),
        EscalationStep("chase_order", "经催办仍未报送：下达督办通知", 2,
                       Overdue(chased=2, chased_setting="order_after_chases", chase_wait=WorkingDays(5),
                               chase_wait_setting="chase_every"), "order",
                       cite("第十八条", "及时催办督办"), by_role="office",
                       reading="逾期后经催办达设置 order_after_chases 次（默认2次，文件未定），达到该次数的那次催办后 chase_every"
                               "（默认5个工作日）仍未报告的，提出下达督办通知（第七条(三)“适时加以催办”、第十八条“催办督办”"
                               "读作适用于各类事项）；设为0则不提出"),
        EscalationStep("serious_report", "突出问题：向区委主要领导报告", 2, After("finding", serious, at_once=True),
                       "report_serious", cite("第十四条(十二)", "对督查发现的突出问题，及时向区委主要领导报告"),
                       data={"to": "principal_leader"}, by_role="office",
                       reading="督查发现标注为突出问题（finding --serious）的，文件要求“及时”报告，当日即提出；单位其后的进展不撤销"),
        EscalationStep("serious_order", "突出问题：下达督办通知责成迅速整改", 3, After("finding", serious, at_once=True),
                       "order", cite("第十四条(十二)", "并下达督办通知责成有关单位迅速整改，确保问题及时处理"),
                       by_role="office"),
        EscalationStep("order_no_progress", "督办通知后未迅速整改：提出问责建议", 4,
                       After("order", obligation="rectification"),
                       "accountability", cite("第三十条", "对督查发现执行不力、落实不到位……严格实行问责追究"),
                       by_role="office",
                       reading="督办通知所定整改期限（或设置 order_rectify_period，默认5个工作日）届满仍无进展或书面报告，"
                               "或期满后才报送的，读作“执行不力、落实不到位”的线索；督查部门依第三十二条提出建议，"
                               "是否问责由有权机关依问责条例决定"),
    ]


@hookimpl
def ducha_reporting_cycles() -> list[ReportingCycle]:
    return [
        ReportingCycle("weekly_agreed_check", "重大议定事项进展情况周督查", "week", parse_period(WEEKLY_CHECK_DUE),
                       cite("第二十四条", "重大议定事项进展情况周督查制度"), kinds=("agreed_matter",), reporter="office",
                       reading=f"每周督查一次；文件未定星期几，默认自该周周一起{WEEKLY_CHECK_DUE}内（遇休息日顺延），"
                               "部署可设 weekly_check_due",
                       setting="weekly_check_due"),
        ReportingCycle("monthly_account", "月度重点工作交账", "month", parse_period(MONTHLY_ACCOUNT_DUE),
                       cite("第二十三条", "梳理本月重点工作成效和下月重点工作计划，实行每月工作交账"),
                       reporter="区委班子领导和区人大、区政府、区政协党组",
                       reading=f"文件未定交账日，默认{MONTHLY_ACCOUNT_DUE}，部署可设 monthly_account_due",
                       setting="monthly_account_due"),
        ReportingCycle("instruction_ledger", "批示件贯彻落实情况台账定期了解", "month", EndOf("month"),
                       cite("第十八条", "建立批示件贯彻落实情况台账管理制度，定期了解贯彻落实情况，及时催办督办"),
                       kinds=("instruction", "principal_instruction"), reporter="批示件印发机关",
                       reading="“定期”未定周期，按月"),
        ReportingCycle("cadre_file_transfer", "科级领导干部督查工作档案移送组织部门", "year", EndOf("year"),
                       cite("第二十七条", "每年度将督查工作档案移送组织部门"), reporter="office",
                       reading="每年度移送，文件未定日期，按当年最后1个工作日"),
        ReportingCycle("annual_key_check", "挂图作战重要事项定期督查、及时报告", "month", EndOf("month"),
                       cite("第二十条", "督查部门对挂图作战重要事项，必须定期督查，及时报告"), kinds=("annual_key",),
                       reporter="office", reading="“定期”未定周期，按月"),
    ]


@hookimpl
def ducha_approvals() -> list[ApprovalRule]:
    return [
        ApprovalRule("inspection_activity", "以区委或区委、区政府名义开展督促检查活动：申报、审核、审批", "inspection",
                     ("supervision_leader",),
                     cite("第十六条", "承办单位应当提前向区委督查部门申报，经审核后报区委分管督查的领导同志审批"),
                     filed_with="区委督查部门", applies_to=("approve",), states=("vetted",)),
        ApprovalRule("no_duplicate_inspection", "避免多头督查、重复督查", "inspection", (),
                     cite("第十六条", "区委督查部门应当加强统筹协调，避免多头督查、重复督查"),
                     refuse_duplicates=True, applies_to=("apply",)),
        ApprovalRule("draft_review", "拟办意见报区委领导审定", "register", LEADERS,
                     cite("第七条(一)", "对其中重大和复杂的事项要在征求有关方面的意见后，报区委领导审定"),
                     applies_to=("approve",), states=("drafted",)),
        ApprovalRule("report_review", "书面报告报区委领导审定后报结", "close", LEADERS,
                     cite("第七条(四)", "形成单项或综合的书面报告，报送区委领导审定"), applies_to=("close",)),
        ApprovalRule("report_signoff", "书面综合报告经单位主要负责同志审核、签发", "submit", ("unit_head",),
                     cite("第二十条(一)", "经单位主要负责同志审核、签发后，加盖单位公章报送交办单位"),
                     applies_to=("submit",), field="head_signoff", same_unit=True),
        # 第二十五条 经授权开展工作: the person who authorised a finding is named (--authorised-by) and is the
        # 区委督查部门 (under whose lead the 特约督查员 work) or a 区委领导; the 聘任 itself is the deployment's
        # giving a person the role special_inspector in ducha.toml
        ApprovalRule("finding_authorisation", "督查发现须经区委督查部门或区委领导授权", "finding",
                     (*OFFICE, *LEADERS, "supervision_leader"),
                     cite("第二十五条", "在区委督查部门领导下，经授权开展工作"),
                     applies_to=("finding",), field="authorised_by"),
    ]


@hookimpl
def ducha_settings() -> list[Setting]:
    return [
        Setting("supervision_methods", list(METHODS), "督促检查方式（第十四条（一）至（十三）列举）；催办时须注明方式。",
                cite("第十四条", "开展区委督促检查工作采取的主要方式")),
        Setting("instruction_offices", ["区委办公室", "区政府办公室", "区委常委工作所在部门"],
                "区委领导批示件归口办理机关（立项时 data {\"handled_by\": …}）。",
                cite("第十八条", "区委领导批示件分别由区委办公室、区政府办公室、区委常委工作所在部门负责办理")),
        Setting("monthly_account_due", MONTHLY_ACCOUNT_DUE,
                "月度重点工作交账的期限（第二十三条“实行每月工作交账”未定交账日）：自当月1日起算的期间，"
                "如“每月最后1个工作日”“5个工作日”。",
                cite("第二十三条", "实行每月工作交账")),
        Setting("weekly_check_due", WEEKLY_CHECK_DUE,
                "重大议定事项周督查的期限（第二十四条“周督查制度”未定星期几）：自每周周一起算的期间，如“一周”“5个工作日”。",
                cite("第二十四条", "重大议定事项进展情况周督查制度")),
        Setting("order_rectify_period", "5个工作日",
                "督办通知未写明整改期限时，“迅速整改”的期间（第十四条(十二)未定天数）：自下达之日起，默认5个工作日。",
                cite("第十四条(十二)", "下达督办通知责成有关单位迅速整改")),
        Setting("chase_every", "5个工作日",
                "逾期未报告的，催办后仍未报告，隔多久再提出催办（第七条(三)“适时加以催办”未定频次）。", cite("第七条(三)")),
        Setting("order_after_chases", 2,
                "逾期后经催办几次仍未报告即提出下达督办通知（第十八条“及时催办督办”未定；0 = 不提出）。", cite("第十八条")),
    ]


@hookimpl
def ducha_template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def ducha_articles():
    from ducha_dazhan.articles import ARTICLES  # read when the policy is built, not at start-up

    return ARTICLES


@hookimpl
def ducha_field_names() -> dict[str, str]:
    """Chinese names of the data fields this plugin's own steps and escalations carry."""
    return {
        "responsible_leader": "责任领导",  # 第二十二条: 责任单位、责任领导、责任人
        "draft_opinion": "拟办意见",  # 第七条(一): 提出拟办意见
        "authorised_by": "授权人",  # 第二十五条: 经授权开展工作
        "serious": "突出问题",  # 第十四条(十二): finding --serious
        "topic": "督查主题",  # 第十六条: 避免多头督查、重复督查 (apply --topic)
        # 第二十二条 “综合台账+专项台账” (register --ledger NAME): every matter is in the 综合台账; the core's
        # export (ducha ledger --format xlsx) gives each 专项台账 named at registration a sheet of its own
        "ledger": "专项台账",
        "handled_by": "归口办理机关",  # 第十八条: 批示件分别由区委办公室、区政府办公室…负责办理
        "public": "公开通报公示",  # 第二十六条: 坚持定期通报公示
        "media": "在新闻媒体上公开",  # 第二十六条(一): 根据需要在新闻媒体上公开通报公示
        "opinion": "意见",  # 第八条: 由分管领导同志提出具体意见
        "decision": "决定",  # 第八条: 需区委主要领导同志决定的
        "targets": "目标任务",  # 第二十条: 定目标任务
        "content": "工作内容",  # 第二十条: 定工作内容
        "completion_date": "完成时限",  # 第二十条: 定完成时限
        "responsible_body": "责任主体",  # 第二十条: 定责任主体
        "task_book": "任务书",  # 第二十条: 明确任务书、路线图、时间表
        "road_map": "路线图",
        "timetable": "时间表",
    }
