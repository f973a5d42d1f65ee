"""渭南高新区 督促检查工作实施办法（试行）: policy as data, each rule citing its article.

Readings of this document (a deployment can change each through ``[settings]``):
- The document carries no date of issue; "自印发之日起实施，试行期2年" (二十一) so the trial's end
  cannot be computed until the deployment sets ``issued``. Until then every matter carries a
  warning that the trial period cannot be checked.
- 九 "5个工作日内" is explicit; the period runs from receipt of the notice (接到办理通知).
- 十 "3个月 … 最迟不得超过6个月": calendar months from assignment; an extension may reach 6 months.
- 八: documents, meetings and decisions that ask for a report set their own time limit; the plugin
  sets none and the assignment records it as an explicit deadline (七(二) 明确……办理时限).
- 九's extension applies to the matters 九 governs (领导批示交办事项); 十 gives NPC/CPPCC answers their
  own extension up to 6 months. For other kinds the document says nothing about extensions.
- 七(二) "由主办单位组织协办单位共同办理" and 十一 "办理报告均以承办单位名义上报区督查室": the
  办理报告 is filed by the 主办单位 (a 协办单位 helps and may report progress, but does not file it).
  The document names one 主办单位 per matter and says nothing of several filing apart: where a notice
  names more than one, one report from any of them (their joint report) completes the step.
- 十三's twelve methods are the vocabulary of 督办 (``chase_methods``); a reminder names its method.
- 十六(二) "下达督办令后，工作仍没有明显进展": the order obliges progress by its ``--until``, else within
  ``order_grace`` (default 5个工作日, as 九's time limit); "明显进展" is read as any progress report or
  result in that period (the office judges how marked it is when it confirms). The lapse (or a report
  after it) proposes 通报批评.
- 七(四) "加强督促催办，限时办结": an overdue result is chased again every ``chase_every`` (5个工作日) while owed;
  after ``order_after_chases`` (2) chases, unanswered for ``chase_every`` after the second, a 督办令 is proposed.
- 十六(二)(三) "一年内": the calendar year (core setting ``year_window``); "三次及以上": the third and each
  later criticism proposes 问责建议.
- 七(七) "定期收集、汇总、整理、分析……应视情况印发督查通报": the document fixes no period and has the
  bulletin issued as the situation requires, so no cycle is set; the office issues a bulletin when it
  decides (``ducha bulletin``, ``ducha doc bulletin PERIOD`` for the period it chooses).
- 十五 "由区督查室提出问责建议": the proposal names its ground, one of 十五(一)…(六) (``accountability_grounds``).
  十六(三) "经区党工委、管委会主要领导审定后，由区纪检监察部门……进行问责" is the one place the document
  says how a 问责建议 reaches the 纪检、监察、组织部门: every 问责建议 is recorded with the principal leader
  who 审定 it; the 纪检、监察、组织部门 record the outcome (问责及处理结果) on the matter.
- 十六(四) "久拖不改、落实不力 … 扣减一定分值": one deduction per 通报批评 and one per result overdue or met
  late (in the year the lateness arose); the points are a setting (the document gives no figure).
"""

from __future__ import annotations

from pathlib import Path

from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import AsAssigned, Months, WorkingDays
from ducha_core.rules import (
    After,
    ApprovalRule,
    CountInYear,
    Deduction,
    EscalationStep,
    ExtensionRule,
    GradingScheme,
    MatterKind,
    Overdue,
    Owes,
    Procedure,
    Role,
    Setting,
    State,
    TimeLimit,
    Transition,
)

ID = "weinan_gaoxin"


def cite(article: str, quote: str = "") -> Citation:
    return Citation(ID, article, quote)


@hookimpl
def ducha_jurisdiction() -> Jurisdiction:
    return Jurisdiction(
        id=ID,
        name="渭南高新区",
        level="district",
        office="区督查室",
        document=SourceDocument(
            title="督促检查工作实施办法（试行）",
            issuer="中共渭南高新区党工委、渭南高新区管委会",
            number="",
            issued=None,
            trial="试行期2年",
            trial_months=24,
            file="weinan_gaoxin.txt",
        ),
    )


@hookimpl
def ducha_matter_kinds() -> list[MatterKind]:
    return [
        MatterKind("decision", "中、省、市和区党工委、管委会重大决策部署、重要决定", cite("六(一)"), "decision"),
        MatterKind("document", "重要文件", cite("六(一)"), "document"),
        MatterKind("meeting", "区党工委、管委会重要会议安排部署的重点工作、重大事项", cite("六(四)"), "meeting"),
        MatterKind("instruction", "领导同志批示、交办事项", cite("六(二)"), "instruction"),
        MatterKind("annual_task", "高新区确定的年度主要目标任务、重点工作、重大事项", cite("六(三)"), "annual_task"),
        MatterKind("field_request", "主要领导同志在基层调研、现场办公时提出的工作要求和交办事项", cite("六(五)"), "instruction"),
        MatterKind("npc_suggestion", "人大代表建议", cite("六(六)"), "npc_suggestion"),
        MatterKind("cppcc_proposal", "政协委员提案", cite("六(六)"), "cppcc_proposal"),
        MatterKind("public_concern", "热点问题、群众和媒体反映的突出问题", cite("七(一)"), "public_concern"),
        MatterKind("other", "主要领导同志交办的其他事项", cite("六(七)"), "other"),
    ]


@hookimpl
def ducha_roles() -> list[Role]:
    return [
        Role("office", "区督查室", "office", cite("三", "区督查室牵头抓总"), "立项、交办、督办、审核、报告、通报、归档（七）"),
        Role("unit", "承办单位", "unit", cite("七(三)", "承办单位接到督查通知单后"), "明确责任人，办理并报告结果"),
        Role("unit_head", "单位主要负责人（第一责任人）", "unit", cite("四", "主要负责人是抓落实的第一责任人")),
        Role("leader", "党工委、管委会有关领导", "leader", cite("七(一)", "经党工委、管委会领导同意后予以实施")),
        Role("principal_leader", "党工委、管委会主要领导", "leader", cite("十四(五)", "经区党工委、管委会主要领导同意")),
        Role("discipline", "纪检、监察、组织部门", "other", cite("十五", "由纪检、监察、组织部门……严肃问责")),
    ]


OFFICE = ("office",)
UNIT = ("unit", "unit_head")
LEADERS = ("leader", "principal_leader")
OPEN = ("assigned", "accepted", "returned")


@hookimpl
def ducha_procedure() -> Procedure:
    states = (
        State("new", "待立项"),
        State("applied", "申请以党工委、管委会名义督查（待领导同意）"),
        State("registered", "已立项"),
        State("assigned", "已交办", clock_running=True),
        State("accepted", "承办中", clock_running=True),
        State("submitted", "办理报告待审核"),
        State("returned", "退回重新办理", clock_running=True),
        State("passed", "审核通过（报领导审阅）"),
        State("reported", "已报告"),
        State("closed", "已办结（注结销号）", ended=True),
        State("archived", "已归档", terminal=True),
        State("rejected", "领导不同意（不予实施）", terminal=True),
    )
    t = Transition
    return Procedure(
        states=states,
        initial="new",
        citation=cite("七", "督促检查工作按照以下程序进行"),
        transitions=(
            t("register", ("new",), "registered", OFFICE, cite("七(一)", "由区督查室牵头负责抓好落实"), "立项"),
            t("apply", ("new",), "applied", UNIT, cite("七(一)", "须向督查室提出申请"), "申请以党工委、管委会名义督查"),
            t("approve", ("applied",), "registered", LEADERS, cite("七(一)", "经党工委、管委会领导同意后予以实施"), "领导同意",
              requires=("approved_by",)),
            t("reject", ("applied",), "rejected", LEADERS, cite("七(一)", "经党工委、管委会领导同意后予以实施"), "领导不同意"),
            t("assign", ("registered",), "assigned", OFFICE, cite("七(二)", "明确承办单位、任务要求、办理时限"), "交办"),
            t("accept", ("assigned",), "accepted", UNIT, cite("七(三)", "迅速明确责任人"), "承办",
              requires=("responsible_person",)),
            t("remind", OPEN, None, OFFICE, cite("七(四)", "加强督促催办，限时办结"), "督办",
              requires=("method",), choices={"method": "chase_methods"}),
            t("progress", OPEN, None, UNIT, cite("十二", "报告阶段性进展情况，并续报直至完成最终结果"), "报告阶段性进展"),
            t("submit", OPEN, "submitted", UNIT,
              cite("十一", "督查事项的办理报告均以承办单位名义上报区督查室……标明发文字号、签发人，并加盖单位公章"),
              "上报办理报告", requires=("document_number", "signer", "seal"), lead_only=True),
            t("review_pass", ("submitted",), "passed", OFFICE, cite("七(五)", "对符合办理要求的，及时报送……审阅"), "审核通过"),
            t("review_return", ("submitted",), "returned", OFFICE, cite("七(五)", "对不符合要求的，退承办单位重新办理"),
              "退回重新办理", requires=("reason",)),
            t("extension_ask", OPEN, None, UNIT, cite("九", "应提前向区督查室报告原因和进展情况，并申请延长办理期限"), "申请延长办理期限"),
            t("extension_grant", OPEN, None, OFFICE, cite("九"), "同意延长办理期限"),
            t("extension_refuse", OPEN, None, OFFICE, cite("九"), "不同意延长办理期限"),
            t("report_up", ("passed",), "reported", OFFICE, cite("七(六)", "按照“一事一报”的原则"), "报告"),
            t("close", ("passed", "reported"), "closed", OFFICE, cite("七(八)", "督查事项办结后，区督查室要按有关规定注结销号"), "注结销号"),
            t("archive", ("closed",), "archived", OFFICE, cite("七(八)", "收集、整理、立卷、归档"), "归档"),
            t("order", OPEN, None, OFFICE, cite("十六(二)", "下达督办令后"), "下达督办令",
              obliges=(Owes("improvement", "督办令后明显进展", cite("十六(二)", "下达督办令后，工作仍没有明显进展的"),
                            period=WorkingDays(5), date_field="until", setting="order_grace",
                            reading="督办令写明期限（--until）的，以其为限；未写明的，自下达之日起取设置 order_grace"
                                    "（默认5个工作日，参照九“5个工作日内报送办理结果”）；其间报送进展或办理报告即为有进展"),)),
            t("bulletin", ("*",), None, OFFICE, cite("十四(五)", "经区党工委、管委会主要领导同意，……给予通报表扬或通报批评"), "通报",
              requires=("approved_by",)),
            t("interview", ("*",), None, LEADERS, cite("十六(一)", "党工委、管委会有关领导对责任单位负责人进行约谈"), "督查约谈"),
            t("rectification_plan", ("*",), None, UNIT, cite("十六(二)", "由责任单位向党工委、管委会作出书面检查"), "书面检查"),
            t("accountability", ("*",), None, OFFICE, cite("十五", "视情节轻重由区督查室提出问责建议"), "提出问责建议",
              requires=("reason", "ground"), choices={"ground": "accountability_grounds"}),
            t("accountability_outcome", ("*",), None, ("discipline",),
              cite("十五", "由纪检、监察、组织部门依据《中国共产党问责条例》、《中国共产党纪律处分条例》等有关规定严肃问责"),
              "问责及处理结果", requires=("outcome",)),
            t("escalate", OPEN, None, OFFICE, cite("十四(二)", "经区党工委、管委会主要领导同志批准，……召集有关部门召开协调会"),
              "协调会/联合督查", requires=("approved_by",)),
            t("finding", ("*",), None, OFFICE, cite("十三", "创新督查工作方式方法"), "记录督查发现"),
        ),
    )


@hookimpl
def ducha_time_limits() -> list[TimeLimit]:
    return [
        TimeLimit(
            "notice_result",
            "督查通知明确的办理时限",
            ("*",),
            AsAssigned(),
            cite("七(二)", "区督查室下发督查通知，明确承办单位、任务要求、办理时限等内容"),
            what="result",
            anchor="assigned",
            max_period=None,
            reading="九、十未另定时限的事项，办理时限由督查通知明确；交办时未写明时限的不予交办",
        ),
        TimeLimit(
            "instruction_result",
            "领导批示交办事项报送办理结果",
            ("instruction", "field_request", "other"),
            WorkingDays(5),
            cite("九", "原则上应在接到办理通知5个工作日内报送办理结果"),
            what="result",
            anchor="assigned",
            setting="instruction_days",
        ),
        TimeLimit(
            "npc_cppcc_answer",
            "人大代表建议、政协委员提案答复",
            ("npc_suggestion", "cppcc_proposal"),
            Months(3),
            cite("十", "答复期限一般为3个月，涉及面广、处理难度大的问题，最迟不得超过6个月"),
            what="answer",
            anchor="assigned",
            max_period=Months(6),
            reading="自交办之日起按日历月计算；延期最迟至6个月",
        ),
    ]


@hookimpl
def ducha_extension_rules() -> list[ExtensionRule]:
    return [
        ExtensionRule(
            "extension",
            ("instruction", "field_request", "other"),
            cite("九", "承办单位应提前向区督查室报告原因和进展情况，并申请延长办理期限"),
            ask_before_deadline=True,
            requires=("reasons", "progress"),
            granted_by=("office",),
            reading="九只规定向区督查室报告并申请；本插件由区督查室同意或不同意（文件未另设审批人）",
        ),
        ExtensionRule(
            "npc_cppcc_extension",
            ("npc_suggestion", "cppcc_proposal"),
            cite("十", "涉及面广、处理难度大的问题，最迟不得超过6个月"),
            ask_before_deadline=True,
            requires=("reasons",),
            granted_by=("office",),
            max_period=Months(6),
            reading="延长须说明“涉及面广、处理难度大”的原因；自交办之日起最迟6个月",
        ),
    ]


CRITICISM = {"type": "criticism"}
#: a finding of 不落实或执行偏差 (十六(一)) is recorded with this in its data
DEVIATION = {"deviation": True}


@hookimpl
def ducha_escalation_ladder() -> list[EscalationStep]:
    return [
        EscalationStep("overdue_chase", "逾期未报送办理结果：督办催办", 0,
                       Overdue(repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
                       cite("七(四)", "区督查室应及时组织有关人员对承办单位落实情况进行跟踪，加强督促催办，限时办结"),
                       data={"method": "电话催办"}, by_role="office",
                       reading="期限已过仍未报送办理结果的，提出催办；仍未报送的，每隔设置 chase_every（默认5个工作日，"
                               "文件未定催办频次）再提出；任何一次催办（ducha remind）都算"),
        EscalationStep("order_after_chase", "经催办仍未办结：下达督办令", 1,
                       Overdue(chased=2, chased_setting="order_after_chases", chase_wait=WorkingDays(5),
                               chase_wait_setting="chase_every"), "order",
                       cite("十六(二)", "下达督办令后，工作仍没有明显进展的"),
                       by_role="office",
                       reading="文件以督办令为通报批评的前一步（十六(二)），未定何时下达；读作逾期后经催办达设置 "
                               "order_after_chases 次（默认2次）、达到该次数的那次催办后 chase_every（默认5个工作日）仍未报送的，提出下达督办令；设为0则不提出"),
        EscalationStep("interview_on_deviation", "发现不落实或执行偏差问题，提出督查约谈建议", 2,
                       After("finding", DEVIATION, at_once=True), "interview",
                       cite("十六(一)", "对督促检查中发现的不落实或执行偏差问题，由区督查室提出督查约谈建议，党工委、管委会有关领导对责任单位负责人进行约谈"),
                       by_role="leader",
                       reading="督查发现记录标明 deviation=true（ducha finding --deviation）即提出约谈建议；单位其后的进展不撤销建议，"
                               "由督查室确认或决定不予处理"),
        EscalationStep("order_no_progress", "下达督办令后仍无明显进展，通报批评", 3,
                       After("order", obligation="improvement"), "bulletin",
                       cite("十六(二)", "下达督办令后，工作仍没有明显进展的，由区督查室对责任单位进行通报批评"),
                       data=CRITICISM, by_role="office",
                       reading="“没有明显进展”以督办令所定期限（或设置 order_grace，默认5个工作日）内有无进展报告或办理报告判断；"
                               "期限后才报送的仍属没有明显进展"),
        EscalationStep("criticism_once", "一年内通报批评一次：书面检查", 4, CountInYear("bulletin", 1, CRITICISM),
                       "rectification_plan", cite("十六(二)", "一年内受到通报批评一次的，由责任单位向党工委、管委会作出书面检查"),
                       by_role="unit", reading="“一年内”按核心设置 year_window（默认自然年）"),
        EscalationStep("criticism_twice", "一年内通报批评两次：约谈主要负责人、取消年度评先树优资格", 5,
                       CountInYear("bulletin", 2, CRITICISM), "interview",
                       cite("十六(二)", "一年内受到通报批评两次的，由党工委、管委会主要领导约谈单位主要负责人，并取消该单位年度的评先树优资格"),
                       data={"revoke_awards": True}, by_role="principal_leader"),
        EscalationStep("criticism_thrice", "一年内通报批评三次及以上：问责建议、组织处理", 6,
                       CountInYear("bulletin", 3, CRITICISM, repeat=True), "accountability",
                       cite("十六(三)", "一年内受到通报批评三次及以上的，由区督查室提出问责建议"), by_role="office",
                       reading="“三次及以上”读作第三次及其后每一次通报批评各提出一次问责建议"),
    ]


@hookimpl
def ducha_grading_scheme() -> GradingScheme:
    return GradingScheme(
        grades=(),
        citation=cite("十六(四)", "纳入对部门的年度绩效考核内容"),
        deductions=(
            Deduction("slow_deduction", "落实不力（受通报批评）扣减分值", After("bulletin", CRITICISM, at_once=True),
                      cite("十六(四)", "对久拖不改、落实不力的在年度目标责任考核中扣减一定分值"), setting="deduction_points",
                      reading="每次通报批评计一次，计入通报当年"),
            Deduction("overdue_deduction", "久拖不改（逾期未办结）扣减分值", Overdue(include_late=True),
                      cite("十六(四)", "对久拖不改、落实不力的在年度目标责任考核中扣减一定分值"), setting="deduction_points",
                      reading="每项办理结果逾期未报或逾期报送计一次（逾期补报的仍计），计入期限届满次日所在年度"),
        ),
    )


@hookimpl
def ducha_approvals() -> list[ApprovalRule]:
    return [
        ApprovalRule("apply_in_leaders_name", "以党工委、管委会名义开展督促检查", "register", ("leader", "principal_leader"),
                     cite("七(一)", "须向督查室提出申请，经党工委、管委会领导同意后予以实施"), applies_to=("approve",)),
        ApprovalRule("coordination", "召集协调会、组成联合督查组", "escalate", ("principal_leader",),
                     cite("十四(二)", "经区党工委、管委会主要领导同志批准"), applies_to=("escalate",)),
        ApprovalRule("joint_inspection", "调度督查、联合督查（召集相关责任单位、组成联合督查组）", "remind", ("principal_leader",),
                     cite("十四(二)", "经区党工委、管委会主要领导同志批准，对涉及多个部门单位的督查事项，区督查室可召集有关部门"
                                     "召开协调会进行沟通协调，明确工作任务，必要时可组成联合督查组开展督促检查工作"),
                     applies_to=("remind",), when={"method": ("调度督查", "联合督查")}),
        ApprovalRule("bulletin", "以党工委、管委会名义通报表扬或批评", "bulletin", ("principal_leader",),
                     cite("十四(五)", "经区党工委、管委会主要领导同意"), applies_to=("bulletin",)),
        ApprovalRule("accountability", "问责建议", "accountability", ("principal_leader",),
                     cite("十六(三)", "由区督查室提出问责建议，经区党工委、管委会主要领导审定后，由区纪检监察部门依据有关规定进行问责"),
                     applies_to=("accountability",)),
    ]


@hookimpl
def ducha_settings() -> list[Setting]:
    return [
        Setting("instruction_days", "5个工作日", "领导批示交办事项的办理时限（九：原则上5个工作日）。", cite("九")),
        Setting("deduction_points", None, "落实不力扣减的分值：文件仅称“扣减一定分值”，由部署填写。", cite("十六(四)"),
                type="number"),
        Setting("order_grace", "5个工作日",
                "督办令未写明期限时，下达后多久仍无进展报告即属“没有明显进展”、提出通报批评（十六(二)未定期限）；"
                "默认5个工作日（参照九“5个工作日内报送办理结果”）。", cite("十六(二)", "下达督办令后，工作仍没有明显进展的")),
        Setting("chase_every", "5个工作日",
                "逾期未报送办理结果的，催办后仍未报送，隔多久再提出催办（七(四)“加强督促催办”未定频次）。", cite("七(四)")),
        Setting("order_after_chases", 2,
                "逾期后经催办几次仍未报送即提出下达督办令（文件未定；0 = 不提出）。", cite("十六(二)", "下达督办令后")),
        Setting("chase_methods", list(CHASE_METHODS),
                "督办方式（十三(一)至(十二)）：催办记录的 method 取其一。", cite("十三", "创新督查工作方式方法")),
        Setting("accountability_grounds", list(ACCOUNTABILITY_GROUNDS),
                "问责情形（十五(一)至(六)）：问责建议（accountability）的 --ground 取其一。", cite("十五")),
    ]


#: 十三(一)…(十二): the ways of 督办 the document lists
CHASE_METHODS = (
    "书面调度", "电话催办", "实地督查", "调度督查", "联合督查", "跟踪督查",
    "调查复核", "督查调研", "回访调研", "专业评估", "民意调查", "舆论监督",
)

#: 十五(一)…(六): the situations in which the office proposes accountability
ACCOUNTABILITY_GROUNDS = (
    "执行不力、落实不到位或未按时限要求贯彻落实",
    "不予办理、互相推诿、不积极协商或经多次协调仍不配合",
    "工作质量未达要求、把关不严、随意变通、虚报瞒报",
    "不接受督查、不认真配合、妨碍干扰阻挠督查",
    "打击报复陷害反映问题的干部群众，督查人员失职失责",
    "应予以问责的其他情形",
)


@hookimpl
def ducha_template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def ducha_articles():
    from ducha_weinan_gaoxin.articles import ARTICLES  # read when the policy is built, not at start-up

    return ARTICLES


@hookimpl
def ducha_field_names() -> dict[str, str]:
    """Chinese names of the data fields this plugin's own steps and escalations carry."""
    return {
        "revoke_awards": "取消年度评先树优资格",  # 十六(二)
        "deviation": "不落实或执行偏差问题",  # 十六(一): finding --deviation
        "ground": "问责情形",  # 十五(一)…(六): accountability --ground
        "outcome": "问责及处理结果",  # 十五、十六(三): accountability_outcome --outcome
    }
