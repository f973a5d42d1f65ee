"""鄂尔多斯市人民政府督查工作制度（鄂府办发〔2018〕36号）: policy as data, each rule citing its article.

Readings of this document (a deployment can change the values through ``[settings]``):
- 第十二条第三款 "没有明确规定时限的，一般应于文件下发或收到领导批示后15个工作日内报告": the unit
  receives the document or the instruction when the matter is assigned to it, so the 15 working days
  run from the assignment (start day not counted); a time limit set in the assignment comes first.
- 第十二条第三款 "因特殊情况未能按时落实或难以落实的，要说明情况": recorded as the unit's
  extension request (说明情况) with its reasons; it may come after the deadline. The document does not
  say who then sets a new date: the plugin lets the supervision office do it (第十三条 督促承办单位
  按要求落实), and without that the original deadline stands.
- 第十二条第三款 "以书面形式报告的，由承办单位主要负责人签发并加盖单位公章": a result report
  (核查情况、提出意见、报告处理结果) must be written, so it carries the head's sign-off and the seal;
  progress reports (随办随报) need neither.
- 第十二条第三款 "由一个牵头单位会同参加单位办理的，牵头单位要统一形成书面报告上报；由两个以上单位分别
  作为牵头单位办理的，各牵头单位要分别形成书面报告上报": the written report is filed by a lead unit only
  (a participating unit cannot file it), and by every lead unit: the matter goes to review when the last
  lead unit's report is in. A report returned for rework (第十五条) is owed again by every lead unit.
- 第十六条, 第二十二条: the consequences follow a finding of the office (调查核实) whose ``type`` names
  the situation (``finding_types``); they are proposals the office confirms.
- 第三条 is a statement of principles (依法督查 … 保守秘密): it names no matter that is secret and no one who
  may know it, so it sets no rule of its own. A matter registered with ``confidential`` and ``viewers`` (the
  core's 涉密 registration, the same in every jurisdiction) is shown only to the office, its handling units
  and its viewers, and this plugin's bulletin leaves it out.
- 第六条, 第八条: the 市人民政府办公厅 is the competent department (主管部门) and the 督查室 its specialised body,
  working "在市人民政府和市人民政府办公厅的直接领导和授权下": every step of the supervising body may be taken by
  the 办公厅 (``general_office``) as well as by the 督查室 (``office``); day to day the 督查室 takes them.
- 第十二条第一款 "对难以协调解决的问题，要及时向上级反映", 第十三条 "必要时提请上级协调": a unit or the office asks
  (``escalate``, with its reason); the 上级 (``superior``) or a leader of the 市人民政府 (``leader``) records the
  coordination (``coordinate``, with its 协调意见). The document sets no time for it.
- 第二十条: the seven forms (听取汇报 … 开展问卷调查, setting ``check_methods``) are the values of a tracking
  step's ``method`` (跟踪督办) and of a finding's ``form`` (调查核实 by which form), as the office chooses.
- 第二十一条 "要与其它监督部门通力合作，不定期或定期评价各职能部门履行职责、依法行政、工作效率、服务质量和廉洁勤政等
  情况": the office or another supervising department (``supervisors``) records an evaluation of a handling
  unit (``evaluate``: 评价内容 from ``evaluation_aspects``, 评价结果 in words); the document sets no grades
  and no period, so none are counted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import WorkingDays
from ducha_core.rules import (
    After,
    ApprovalRule,
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

ID = "ordos"


def cite(article: str, quote: str = "") -> Citation:
    return Citation(ID, article, quote)


@hookimpl
def ducha_jurisdiction() -> Jurisdiction:
    return Jurisdiction(
        id=ID,
        name="鄂尔多斯市",
        level="city",
        office="市人民政府督查室",
        document=SourceDocument(
            title="鄂尔多斯市人民政府督查工作制度",
            issuer="鄂尔多斯市人民政府办公厅",
            number="鄂府办发〔2018〕36号",
            issued=date(2018, 5, 7),
            effective=date(2018, 5, 7),
            file="ordos.txt",
        ),
    )


@hookimpl
def ducha_matter_kinds() -> list[MatterKind]:
    return [
        MatterKind("decision", "党中央、国务院和自治区党委、自治区人民政府及市委、市人民政府的重大决策、重要工作部署",
                   cite("第十条(一)"), "decision"),
        MatterKind("document", "国务院、自治区人民政府和市人民政府印发文件", cite("第十条(二)"), "document"),
        MatterKind("meeting", "市人民政府全体会议、常务会议、市长办公会议等重要会议决定的重大事项", cite("第十条(三)"), "meeting"),
        MatterKind("instruction", "市人民政府领导重要批示和交办事项", cite("第十条(四)"), "instruction"),
        MatterKind("npc_suggestion", "全国、自治区和市人大议案、代表书面意见", cite("第十条(五)"), "npc_suggestion"),
        MatterKind("cppcc_proposal", "市政协委员提案", cite("第十条(五)"), "cppcc_proposal"),
        MatterKind("public_concern", "群众普遍关心、社会关注的热点、难点问题", cite("第十条(六)"), "public_concern"),
        MatterKind("other", "其它需要督促检查的事项", cite("第十条(七)"), "other"),
    ]


@hookimpl
def ducha_roles() -> list[Role]:
    return [
        Role("office", "市人民政府督查室", "office", cite("第八条", "市人民政府办公厅负责督促检查工作的专门机构"),
             "立项登记、拟定方案、交办、跟踪督办、审核、报告、登记组卷归档（第十一条）"),
        Role("general_office", "市人民政府办公厅", "office", cite("第六条", "市人民政府系统督促检查工作的主管部门"),
             "主管督促检查工作，协助市人民政府及领导抓好督促检查工作；督查室在其直接领导和授权下开展工作（第八条），"
             "督查室的各步骤办公厅均可办理"),
        Role("unit", "承办单位", "unit", cite("第七条", "是市人民政府督促检查工作的承办单位"),
             "落实具体责任人，按时限报告处理和落实情况（第十二条）"),
        Role("unit_head", "承办单位主要负责人（第一责任人）", "unit", cite("第七条", "其主要负责人是抓落实的第一责任人"),
             "签发书面报告（第十二条第三款）"),
        Role("leader", "市人民政府及其领导", "leader", cite("第十六条", "及时报告市人民政府"),
             "作出批示、指示，听取报告；督查室提请上级协调的，协调分歧（第十三条）"),
        Role("superior", "上级", "other", cite("第十二条第一款", "对难以协调解决的问题，要及时向上级反映"),
             "协调承办单位之间难以解决的分歧（第十三条 必要时提请上级协调），记录协调意见"),
        Role("supervisors", "其它监督部门", "other", cite("第二十一条", "要与其它监督部门通力合作"),
             "与督查机构通力合作，评价各职能部门履行职责、依法行政、工作效率、服务质量和廉洁勤政等情况"),
    ]


#: the supervising body: the 督查室 and the 办公厅 it works under (第六条, 第八条)
OFFICE = ("office", "general_office")
UNIT = ("unit", "unit_head")
OPEN = ("assigned", "accepted", "returned")
LIVE = ("registered", "assigned", "accepted", "submitted", "returned", "passed", "closed")
#: a matter with handling units, also once closed or archived: its units may be evaluated (第二十一条)
ASSIGNED_ON = ("assigned", "accepted", "submitted", "returned", "passed", "closed", "archived")


@hookimpl
def ducha_procedure() -> Procedure:
    states = (
        State("new", "待立项"),
        State("registered", "已立项登记、备案"),
        State("assigned", "已交办", clock_running=True),
        State("accepted", "承办中", clock_running=True),
        State("submitted", "书面报告待审核"),
        State("returned", "责成重新办理", clock_running=True),
        State("passed", "审核通过"),
        State("closed", "已办结登记", ended=True),
        State("archived", "已组卷移交档案部门", terminal=True),
    )
    t = Transition
    return Procedure(
        states=states,
        initial="new",
        citation=cite("第十一条", "要做好立项登记、备案工作，要拟定督促检查方案，分解工作任务，设定完成时限，落实承办单位"),
        transitions=(
            t("register", ("new",), "registered", OFFICE, cite("第十一条", "要做好立项登记、备案工作"), "立项登记、备案"),
            t("assign", ("registered",), "assigned", OFFICE,
              cite("第十一条", "要拟定督促检查方案，分解工作任务，设定完成时限，落实承办单位"),
              "拟定方案、分解任务、设定时限、落实承办单位", requires=("plan",)),
            t("accept", ("assigned",), "accepted", UNIT, cite("第十二条第一款", "认真及时组织传达和部署，并落实具体责任人"),
              "传达部署、落实具体责任人", requires=("responsible_person",)),
            t("remind", OPEN, None, OFFICE, cite("第十一条", "全过程跟踪督办"), "跟踪督办", requires=("method",),
              choices={"method": "check_methods"}),
            t("progress", OPEN, None, UNIT, cite("第十二条第三款", "有特殊要求的事项，要随办随报"), "报告落实情况"),
            t("submit", OPEN, "submitted", UNIT,
              cite("第十二条第三款", "以书面形式报告的，由承办单位主要负责人签发并加盖单位公章后上报……由一个牵头单位"
                   "会同参加单位办理的，牵头单位要统一形成书面报告上报；由两个以上单位分别作为牵头单位办理的，"
                   "各牵头单位要分别形成书面报告上报"),
              "书面报告办理结果", requires=("head_signoff", "seal"), lead_only=True, each_lead_unit=True),
            t("review_pass", ("submitted",), "passed", OFFICE, cite("第十五条", "要认真审核承办单位的办理报告"), "审核办理报告"),
            t("review_return", ("submitted",), "returned", OFFICE,
              cite("第十五条", "不符合办理要求的，要责成承办单位重新办理"), "责成重新办理", requires=("reason",)),
            t("extension_ask", OPEN, None, UNIT, cite("第十二条第三款", "因特殊情况未能按时落实或难以落实的，要说明情况"),
              "说明未能按时落实的情况"),
            t("extension_grant", OPEN, None, OFFICE, cite("第十三条", "督促承办单位按要求落实督促检查事项"), "另定落实期限"),
            t("extension_refuse", OPEN, None, OFFICE, cite("第十三条", "督促承办单位按要求落实督促检查事项"), "维持原定期限"),
            t("escalate", OPEN, None, (*OFFICE, *UNIT),
              cite("第十三条", "单位之间有意见分歧不能解决的，应按政策规定和领导指示做好协调工作，必要时提请上级协调"),
              "提请上级协调", requires=("reason",)),
            t("coordinate", OPEN, None, ("superior", "leader"), cite("第十三条", "必要时提请上级协调"),
              "上级协调", requires=("decision",)),
            t("report_up", LIVE, None, OFFICE, cite("第十一条", "适时检查并报告落实情况"), "报告落实情况"),
            # 第二十条: the forms by which the office learns the facts (--form), from the same list as 跟踪督办
            t("finding", ("*",), None, OFFICE, cite("第十六条", "要主动、认真地调查核实"), "调查核实",
              choices={"type": "finding_types", "form": "check_methods"}),
            # 责成 follows a finding whenever it is made: also on a matter already reported or closed (落实走样)
            t("order", tuple(x for x in LIVE if x != "registered"), None, OFFICE,
              cite("第十六条", "责成各级各有关部门尽快落实"), "责成落实/限期整改",
              obliges=(Owes("rectification", "限期整改", cite("第二十二条", "经督促检查仍不落实的，除限期整改外，还要通报批评"),
                            date_field="until", when={"type": "rectify"},
                            reading="限期整改（order --type rectify）须写明整改期限 --until，末日遇休息日顺延；"
                                    "期满未整改的，由督查室核实是否属久拖不决（finding --type long_delay）"),)),
            t("rectification_plan", ("*",), None, UNIT, cite("第二十二条", "要责成其及时纠正并作出检查"), "纠正并作出检查"),
            t("bulletin", ("*",), None, OFFICE, cite("第二十二条", "表彰奖励……还要通报批评"), "通报"),
            t("accountability", ("*",), None, OFFICE, cite("第二十二条", "要调查核实，提出处理意见"), "提出处理意见",
              requires=("reason",)),
            t("evaluate", ASSIGNED_ON, None, (*OFFICE, "supervisors"),
              cite("第二十一条", "各级人民政府督促检查机构要与其它监督部门通力合作，不定期或定期评价各职能部门履行职责、"
                   "依法行政、工作效率、服务质量和廉洁勤政等情况"),
              "督促检查评价", requires=("aspect", "evaluation"), choices={"aspect": "evaluation_aspects"}),
            t("close", ("passed",), "closed", OFFICE, cite("第十一条", "对办结的事项，督促检查机构要及时登记"), "办结登记"),
            t("archive", ("closed",), "archived", OFFICE, cite("第十一条", "组卷，按有关规定移交档案部门"), "组卷移交档案部门"),
        ),
    )


@hookimpl
def ducha_time_limits() -> list[TimeLimit]:
    return [
        TimeLimit(
            "default_report",
            "未明确时限的事项报告处理和落实情况",
            ("*",),
            WorkingDays(15),
            cite("第十二条第三款", "没有明确规定时限的，一般应于文件下发或收到领导批示后15个工作日内报告"),
            what="result",
            anchor="assigned",
            explicit_first=True,
            reading="“文件下发或收到领导批示后”读作：承办单位收到督查交办（文件、批示随交办下发）之日起算，开始当日不计入；"
                    "部署可设 default_report_anchor = \"received\"，自登记的收到日期起算；交办时明确了时限的从其规定；"
                    "按收到日期算出的期限早于交办之日的，以交办之日为期限",
            setting="default_report_days",
            anchor_setting="default_report_anchor",
        ),
    ]


@hookimpl
def ducha_extension_rules() -> list[ExtensionRule]:
    return [
        ExtensionRule(
            "explain_delay",
            ("*",),
            cite("第十二条第三款", "因特殊情况未能按时落实或难以落实的，要说明情况"),
            ask_before_deadline=False,
            requires=("reasons",),
            granted_by=OFFICE,
            reading="文件只要求说明情况，未要求在期限前提出，也未规定由谁另定期限；督查室可据以另定期限，否则原期限不变",
        )
    ]


def _finding(kind: str) -> dict:
    return {"type": kind}


@hookimpl
def ducha_escalation_ladder() -> list[EscalationStep]:
    def found(kind: str) -> After:
        # 调查核实后记录的情形（finding --type KIND）: the article names the office's response at once
        return After("finding", _finding(kind), at_once=True)

    return [
        EscalationStep("overdue_chase", "逾期未报告，督促落实", 1,
                       Overdue(repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
                       cite("第十三条", "督促承办单位按要求落实督促检查事项"), data={"method": "听取汇报"}, by_role="office",
                       reading="期限已过仍未书面报告办理结果的，提出催办；仍未报告的，每隔设置 chase_every（默认5个工作日，"
                               "文件未定频次）再提出；催办方式由督查室选定"),
        EscalationStep("unimplemented_report", "重大决策未落实到位或落实走样：报告市人民政府", 2,
                       found("not_implemented"), "report_up",
                       cite("第十六条", "如情况属实，要及时报告市人民政府"), data={"to": "市人民政府"}, by_role="office",
                       reading="调查核实属实的记为 finding --type not_implemented；文件要求“及时报告”，当日即提出；"
                               "单位其后报送进展不撤销（报告与责成是督查室的职责）"),
        EscalationStep("unimplemented_order", "重大决策未落实到位或落实走样：责成尽快落实", 2,
                       found("not_implemented"), "order",
                       cite("第十六条", "责成各级各有关部门尽快落实，并监督、检查和报告落实情况"), by_role="office",
                       reading="与报告市人民政府同时提出；单位其后报送进展不撤销"),
        EscalationStep("deviation_correct", "落实出现偏差或失误：责成纠正并作出检查", 3,
                       found("deviation"), "rectification_plan",
                       cite("第二十二条", "在落实决策过程中出现偏差甚至造成失误的，要责成其及时纠正并作出检查"), by_role="unit",
                       reading="记为 finding --type deviation 即提出，由单位作出检查（rectification_plan）"),
        EscalationStep("perfunctory_rectify", "敷衍推诿、经督促检查仍不落实：限期整改", 3,
                       found("perfunctory"), "order",
                       cite("第二十二条", "经督促检查仍不落实的，除限期整改外，还要通报批评"), data={"type": "rectify"},
                       by_role="office",
                       reading="“经督促检查仍不落实”由督查室调查核实后记为 finding --type perfunctory，即提出限期整改和通报批评"),
        EscalationStep("perfunctory_criticism", "敷衍推诿、经督促检查仍不落实：通报批评", 4,
                       found("perfunctory"), "bulletin",
                       cite("第二十二条", "经督促检查仍不落实的，除限期整改外，还要通报批评"), data={"type": "criticism"},
                       by_role="office"),
        EscalationStep("long_delay_investigate", "久拖不决：调查核实，提出处理意见", 5,
                       found("long_delay"), "accountability",
                       cite("第二十二条", "对久拖不决、弄虚作假的，要调查核实，提出处理意见"), by_role="office",
                       reading="每记录一次即提出一次（文件未限次数）；文件未定“久拖”的天数，由督查室核实后记为 finding --type long_delay"),
        EscalationStep("false_report_investigate", "弄虚作假：调查核实，提出处理意见", 5,
                       found("false_report"), "accountability",
                       cite("第二十二条", "对久拖不决、弄虚作假的，要调查核实，提出处理意见"), by_role="office",
                       reading="每记录一次即提出一次"),
        EscalationStep("dereliction_refer", "失职、渎职造成重大损失和不良影响：按有关规定处理", 6,
                       found("dereliction"), "accountability",
                       cite("第二十二条", "对失职、渎职而造成重大损失和不良影响的，按有关规定处理"),
                       data={"refer": "按有关规定处理"}, by_role="office", reading="每记录一次即提出一次"),
    ]


@hookimpl
def ducha_grading_scheme() -> GradingScheme:
    return GradingScheme(
        grades=(),
        citation=cite("第二十一条", "要积极探索并逐步建立督促检查评价机制"),
    )


FINDING_TYPES = {
    "not_implemented": "重大决策未落实到位或落实走样（第十六条）",
    "deviation": "不能正确领会决策意图，落实中出现偏差甚至造成失误（第二十二条）",
    "perfunctory": "工作敷衍推诿、不负责任，经督促检查仍不落实（第二十二条）",
    "long_delay": "久拖不决（第二十二条）",
    "false_report": "弄虚作假（第二十二条）",
    "dereliction": "失职、渎职造成重大损失和不良影响（第二十二条）",
}

CHECK_METHODS = ("听取汇报", "列席会议", "召开座谈会", "现场查访", "暗访督查", "调阅原始资料", "开展问卷调查")

EVALUATION_ASPECTS = ("履行职责", "依法行政", "工作效率", "服务质量", "廉洁勤政")


@hookimpl
def ducha_settings() -> list[Setting]:
    return [
        Setting("default_report_days", "15个工作日",
                "未明确时限的事项报告期限（第十二条第三款：一般应于15个工作日内）。", cite("第十二条第三款")),
        Setting("default_report_anchor", "assigned",
                "15个工作日的起算日（第十二条第三款“文件下发或收到领导批示后”）：assigned = 承办单位接到交办之日（默认，"
                "文件、批示随交办下发）；received = 登记的收到文件或领导批示之日（register --received）。",
                cite("第十二条第三款")),
        Setting("chase_every", "5个工作日",
                "逾期未报告的，催办后仍未报告，隔多久再提出催办（第十三条“督促”未定频次）。", cite("第十三条")),
        Setting("finding_types", dict(FINDING_TYPES),
                "调查核实发现的情形（finding 的 type）及其后果依据：第十六条、第二十二条。", cite("第二十二条")),
        Setting("check_methods", list(CHECK_METHODS),
                "督促检查的形式（第二十条）：跟踪督办（remind --method）和调查核实（finding --form）取其一；"
                "文件写“等形式”，部署可增列。", cite("第二十条", "通过听取汇报、列席会议……等形式")),
        Setting("evaluation_aspects", list(EVALUATION_ASPECTS),
                "督促检查评价的内容（第二十一条）：督促检查评价（evaluate --aspect）取其一；文件写“等情况”，部署可增列。",
                cite("第二十一条", "评价各职能部门履行职责、依法行政、工作效率、服务质量和廉洁勤政等情况")),
    ]


@hookimpl
def ducha_approvals() -> list[ApprovalRule]:
    return [
        ApprovalRule("report_signoff", "书面报告由承办单位主要负责人签发并加盖单位公章", "submit", ("unit_head",),
                     cite("第十二条第三款", "以书面形式报告的，由承办单位主要负责人签发并加盖单位公章后上报"),
                     applies_to=("submit",), field="head_signoff", same_unit=True),
    ]


@hookimpl
def ducha_template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def ducha_articles():
    from ducha_ordos.articles import ARTICLES  # read when the policy is built, not at start-up

    return ARTICLES


@hookimpl
def ducha_field_names() -> dict[str, str]:
    """Chinese names of the data fields this plugin's own steps and escalations carry."""
    return {
        "plan": "督促检查方案",  # 第十一条: 要拟定督促检查方案
        "refer": "处理方式",  # 第二十二条: 按有关规定处理
        "decision": "协调意见",  # 第十三条: 上级协调
        "form": "督促检查形式",  # 第二十条: 调查核实的形式
        "aspect": "评价内容",  # 第二十一条: 履行职责、依法行政……
        "evaluation": "评价结果",  # 第二十一条
    }
