"""安康市政府系统督促检查工作办法 (安政办发〔2020〕1号): policy as data, each rule citing its article.

Readings of this document (a deployment can change those marked with a setting through ``[settings]``):
- 第九条 "每月最后1个工作日前报送……当月进展情况": read as "on or before the last working day of the
  month" (the last working day itself counts); a make-up Saturday that is the month's last working day
  (e.g. 2026-02-28) is that day. Setting ``monthly_report_due``.
- 第七条 "每个季度末最后1个工作日前": the same reading, for the sections' quarterly ledgers.
- 第九条 "召开后的30个工作日内": 30 working days counted from the meeting's date (anchor "meeting"),
  the meeting day not counted; it is a progress report (进展情况), not the final result.
- 第九条 "项目类进展情况要说明形象进度": a progress report on a project matter (``PROJECT_KINDS``: 第六条(三)
  联系重点项目) must state its 形象进度; other kinds report progress without it.
  "已完成工作要报送印证资料": a final report (completed work) of any kind must carry 印证资料.
- 第九条 + 第十二条(三) "不按期报送进展情况……由市政府督查室进行重点督办，责令限期整改": a progress report
  owed under 第九条 (会议决定事项 30个工作日, 年度重点任务每月) not in by its day proposes 重点督办.
- 第四条 "转交市政府督查室提级督查": read as a transfer of matters the 副秘书长 and the office's sections
  (科室) supervise, i.e. the kinds of 第六条 (``SECTION_KINDS``); the matters of 第五条 are the 督查室's own
  already, so nothing is transferred to it. The section (or 副秘书长, or the 督查室 receiving it) records the
  transfer; "经市政府秘书长同意" is an approval (``escalate_to_office``): the step names the 秘书长 who agreed.
- 第十条 "报市委督查室备案", 第十二条(三) "移送相关执纪执法部门" and "约谈结果报市政府主要领导": the step that
  sends a thing to another body names the person of that body who received it (备案签收, 移送签收, 阅签), so a
  filing, referral or report addressed to anyone else is refused (approval rules with their own fields).
- 第七条 "建立督查台账，对重点工作实行动态化管理": a matter whose completion has passed review is closed
  (办结, 台账销号) by the office or its sections, after which nothing more is done on it.
- 第十二条(三) "约谈之日起一周内": 7 calendar days, the interview day not counted, a last day on a rest
  day moving to the next working day (民法典第二百零一条、第二百零三条). Setting
  ``rectification_plan_within`` holds it (any period, e.g. "5个工作日"); the chase of a missing written plan
  reads it. "经约谈仍无明显进展" is a second obligation of the interview: a progress report or completion
  within ``interview_progress_within`` (default 30个工作日, as 第九条 gives meeting decisions); the written
  plan is not progress. Its lapse proposes 较差 and the city-wide criticism.
- 第十二条(三) "重点督办，责令限期整改": the 重点督办 names its 整改期限 (``--until``); "经重点督办仍不整改或
  整改不力" is that date passed with no progress report or completion (or one that came after it).
- 第十二条 grades "部门和单位": a unit's grade for a year is the lowest grade recorded for it that year
  (``GradingScheme.unit_grade``); "优秀" units are proposed for 通报表扬 once a year.
- Chasing (第四条、第六条 督办): an overdue result is chased again every ``chase_every`` (5个工作日) while owed;
  after ``escalate_after_chases`` (2) unanswered chases a 科室 matter is proposed for 提级督查 (第四条
  "催办后落实效果不佳").
- 第十条 "提前7个工作日": the application reaches the office at least 7 working days before the
  inspection starts (latest day = start − 7 working days).
- The document is silent on time limits for instructions, NPC suggestions, CPPCC proposals and the
  other kinds of 第五条/第六条, on extensions, and on counting criticisms in a year: no rule; a deadline
  for those kinds is the one set in the assignment notice.
"""

from __future__ import annotations

from pathlib import Path

from ducha_core import hookimpl
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import AsAssigned, AsItHappens, EndOf, Weeks, WorkingDays
from ducha_core.rules import (
    After,
    ApprovalRule,
    Deduction,
    EscalationStep,
    GradeRule,
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
    UnitGrade,
)

ID = "ankang"

#: 第十二条(一) 四个等次, best first
GRADES = ("优秀", "良好", "合格", "较差")

#: 第七条 三个方面 of the quarterly bulletin (the core's ``Snapshot.progress_status`` sorts matters into them;
#: the plugin's ``templates/bulletin.md.j2`` lists them by 口)
PROGRESS_CATEGORIES = ("已完成", "进展顺利", "进展缓慢")


def cite(article: str, quote: str = "") -> Citation:
    return Citation(ID, article, quote)


@hookimpl
def ducha_jurisdiction() -> Jurisdiction:
    from datetime import date

    return Jurisdiction(
        id=ID,
        name="安康市",
        level="city",
        office="市政府督查室",
        document=SourceDocument(
            title="安康市政府系统督促检查工作办法",
            issuer="安康市人民政府办公室",
            number="安政办发〔2020〕1号",
            issued=date(2020, 1, 6),
            effective=date(2020, 1, 6),  # 第十三条 自印发之日起实施
            file="ankang.txt",
        ),
    )


@hookimpl
def ducha_matter_kinds() -> list[MatterKind]:
    return [
        # 第五条: matters the 市政府督查室 supervises
        MatterKind("decision", "中、省及市委、市政府重大决策部署", cite("第五条(一)", "重大决策部署落实情况"), "decision"),
        MatterKind("annual_task", "省、市《政府工作报告》目标任务分解、公开承诺事项",
                   cite("第五条(二)", "市《政府工作报告》目标任务分解、公开承诺事项落实情况"), "annual_task"),
        MatterKind("meeting", "市政府全体会议、常务会议、市长办公会议决定事项",
                   cite("第五条(三)", "市政府全体会议、常务会议、市长办公会议决定事项落实情况"), "meeting"),
        MatterKind("instruction", "领导批示指示要求市政府督查室督办事项",
                   cite("第五条(四)", "领导明确批示指示要求市政府督查室督办事项"), "instruction"),
        MatterKind("npc_suggestion", "人大代表建议", cite("第五条(五)", "人大代表建议、政协提案办理工作"), "npc_suggestion"),
        MatterKind("cppcc_proposal", "政协提案", cite("第五条(五)", "人大代表建议、政协提案办理工作"), "cppcc_proposal"),
        MatterKind("public_concern", "新闻媒体及内刊反映重要问题、“互联网+督查”平台和人民网网民留言",
                   cite("第五条(六)", "“互联网+督查”平台、人民网网民留言办理情况"), "public_concern"),
        MatterKind("rectification", "巡视和审计重要问题整改", cite("第五条(七)", "巡视和审计重要问题整改落实情况"),
                   "rectification"),
        MatterKind("other", "市政府领导交办的其他重要事项", cite("第五条(七)", "市政府领导交办的其他重要事项"), "other"),
        # 第六条: matters the office's sections (科室) supervise for the leader they serve
        MatterKind("special_meeting", "市政府专项问题办公会议决定事项",
                   cite("第六条(一)", "对应市政府领导召开的专项问题办公会议"), "meeting"),
        MatterKind("field_meeting", "现场办公会议及调研检查工作确定事项",
                   cite("第六条(一)", "现场办公会议及调研检查工作确定事项落实情况"), "meeting"),
        MatterKind("section_instruction", "涉及对口联系工作的批示件",
                   cite("第六条(二)", "涉及对口联系工作的批示件和重要文件落实情况"), "instruction"),
        MatterKind("document", "涉及对口联系工作的重要文件",
                   cite("第六条(二)", "涉及对口联系工作的批示件和重要文件落实情况"), "document"),
        MatterKind("key_project", "市政府领导联系重点项目及其他专项工作",
                   cite("第六条(三)", "对应市政府领导联系重点项目及其他专项工作落实情况"), "other"),
        # 第十条: an inspection outside the annual plan, applied for and approved before it starts
        MatterKind("unplanned_inspection", "未列入《年度计划》的督查检查事项",
                   cite("第十条", "未列入《年度计划》的督查检查事项，不得自行组织开展"), "other"),
    ]


@hookimpl
def ducha_roles() -> list[Role]:
    return [
        Role("secretary_general", "市政府秘书长", "leader",
             cite("第四条", "市政府秘书长负责对全市政府系统督促检查工作的统筹、协调和指导"),
             "统筹、协调、指导；同意转交市政府督查室提级督查（第四条）"),
        Role("deputy_secretary_general", "市政府副秘书长（市政府办公室相关县级领导）", "leader",
             cite("第四条", "负责对应市政府领导分管联系工作的督促检查"), "对应市政府领导分管联系工作的督促检查"),
        Role("office", "市政府督查室", "office",
             cite("第五条", "市政府督查室是履行市政府督促检查工作职责的专职机构"),
             "第五条所列事项的督查、提级督查（第四条）、季度通报（第七条）、退回重办（第九条）、重点督办与约谈意见（第十二条）"),
        Role("section", "市政府办公室相关科室", "office",
             cite("第六条", "市政府办公室各相关科室具体负责对应市政府领导分管联系重点工作的交办、督办和反馈工作"),
             "第六条所列事项的交办、督办、反馈；建立督查台账，每季度末报督查室（第七条）"),
        Role("unit", "承办单位（县区政府、市政府工作部门、直属机构）", "unit",
             cite("第八条", "是中、省及市委、市政府各项决策部署贯彻落实的责任主体"), "落实并按时报送进展和结果（第九条）"),
        Role("unit_head", "承办单位主要负责同志（第一责任人）", "unit",
             cite("第八条", "其主要负责同志是督促检查工作的第一责任人，对落实工作负总责"),
             "被约谈；一周内报送书面整改方案（第十二条(三)）"),
        Role("leader_in_charge", "市政府分管领导", "leader",
             cite("第十二条(三)", "由市政府分管领导对相关责任单位主要负责人进行约谈"),
             "约谈（第十二条(三)）；审批计划外督查检查（第十条）"),
        Role("government", "市政府（审定）", "leader", cite("第十二条(三)", "报经市政府同意后"), "同意约谈意见"),
        Role("principal_leader", "市政府主要领导", "leader", cite("第十二条(三)", "约谈结果报市政府主要领导"),
             "阅签报来的约谈结果（第十二条(三)）"),
        Role("inspector", "政务督查员", "inspector", cite("第十一条", "建立市政务督查员工作制度"), "记录督查发现"),
        Role("party_office", "市委督查室", "other", cite("第十条", "由市政府督查室报市委督查室备案"),
             "会同制定年度计划；签收计划外督查检查的备案（第十条）"),
        Role("assessment_office", "市考核办", "other",
             cite("第十二条(四)", "市考核办根据《年度目标责任考核办法》对相关单位予以加分或扣分"), "年度考核加分或扣分"),
        Role("discipline", "执纪执法部门", "other",
             cite("第十二条(三)", "失职渎职、违纪违法等问题，移送相关执纪执法部门"), "签收移送的问题（第十二条(三)）"),
    ]


#: 第六条: the kinds the office's sections (科室) supervise for the leader they serve (副秘书长's line)
SECTION_KINDS = ("special_meeting", "field_meeting", "section_instruction", "document", "key_project")
#: 第九条 "项目类进展情况要说明形象进度": the project kinds (第六条(三) 联系重点项目)
PROJECT_KINDS = ("key_project",)

OFFICE = ("office", "section")
UNIT = ("unit", "unit_head")
OPEN = ("assigned", "accepted", "escalated", "returned")


@hookimpl
def ducha_procedure() -> Procedure:
    states = (
        State("new", "待立项"),
        State("applied", "计划外督查检查待审批"),
        State("inspection_approved", "已审批（待报市委督查室备案）"),
        State("inspection_filed", "已备案，可实施", terminal=True),
        State("rejected", "不予批准", terminal=True),
        State("registered", "已立项"),
        State("assigned", "已交办", clock_running=True),
        State("accepted", "落实中", clock_running=True),
        State("escalated", "提级督查（市政府督查室督办）", clock_running=True),
        State("submitted", "已报送（待审核）"),
        State("returned", "退回重办或补办", clock_running=True),
        State("passed", "已完成（审核通过）"),
        State("reported", "已反馈"),
        State("closed", "已办结", terminal=True),
    )
    t = Transition
    return Procedure(
        states=states,
        initial="new",
        citation=cite("第五条、第六条", "交办、督办和反馈"),
        transitions=(
            t("register", ("new",), "registered", OFFICE,
              cite("第五条、第六条", "督促检查……落实情况；具体负责对应市政府领导分管联系重点工作的交办"), "立项"),
            t("assign", ("registered",), "assigned", OFFICE, cite("第六条", "交办、督办和反馈工作"), "交办"),
            t("accept", ("assigned",), "accepted", UNIT, cite("第八条", "对落实工作负总责"), "承办落实"),
            t("remind", OPEN, None, (*OFFICE, "deputy_secretary_general"),
              cite("第四条、第六条", "负责对应市政府领导分管联系工作的督促检查；交办、督办和反馈"), "督办"),
            t("escalate", ("assigned", "accepted", "returned"), "escalated", (*OFFICE, "deputy_secretary_general"),
              cite("第四条", "催办后落实效果不佳的事项，经市政府秘书长同意后，可转交市政府督查室提级督查"),
              "提级督查（经秘书长同意转交督查室）", requires=("reason", "approved_by"), kinds=SECTION_KINDS),
            t("progress", OPEN, None, UNIT, cite("第九条", "报送会议决定事项进展情况……项目类进展情况要说明形象进度"),
              "报送进展情况", requires_by_kind={k: ("visible_progress",) for k in PROJECT_KINDS}),
            t("submit", OPEN, "submitted", UNIT, cite("第九条", "已完成工作要报送印证资料"), "报送完成情况",
              requires=("evidence",)),
            t("review_pass", ("submitted",), "passed", OFFICE, cite("第九条", "报送材料必须简明扼要、不漏项"), "审核通过"),
            t("review_return", ("submitted",), "returned", OFFICE,
              cite("第九条第二款", "对不符合报送要求的，市政府督查室将退回承办单位重办或补办"), "退回重办或补办",
              requires=("reason",)),
            t("report_up", ("passed",), "reported", (*OFFICE, "deputy_secretary_general"),
              cite("第六条", "交办、督办和反馈工作"), "反馈"),
            t("close", ("passed", "reported"), "closed", OFFICE,
              cite("第七条", "建立督查台账，对重点工作实行动态化管理"), "办结（台账销号）"),
            # 第十条: an inspection outside the annual plan
            t("apply", ("new",), "applied", (*UNIT, "section"),
              cite("第十条", "确因特殊情况需要开展的，应提前7个工作日向市政府督查室申报"), "申报计划外督查检查",
              requires=("planned_start",)),
            t("approve", ("applied",), "inspection_approved", ("leader_in_charge",),
              cite("第十条", "经市政府分管领导审批后方可实施"), "分管领导审批"),
            t("reject", ("applied",), "rejected", ("leader_in_charge",), cite("第十条", "经市政府分管领导审批后方可实施"),
              "不予批准"),
            t("report_up", ("inspection_approved",), "inspection_filed", ("office",),
              cite("第十条", "并由市政府督查室报市委督查室备案"), "报市委督查室备案", requires=("filing_signoff",)),
            # 第十二条: use of the results
            t("priority_chase", ("*",), None, ("office",),
              cite("第十二条(三)", "由市政府督查室进行重点督办，责令限期整改"), "重点督办（责令限期整改）",
              requires=("reason", "until"),
              obliges=(Owes("rectification", "限期整改", cite("第十二条(三)", "责令限期整改"), date_field="until",
                            met_by=("progress", "submit"),
                            reading="整改期限为重点督办时责令的日期（--until），末日遇休息日顺延；期限内报送进展或完成情况"
                                    "即为已整改（单位负责人的书面整改方案本身不算整改）"),)),
            t("interview", ("*",), None, ("leader_in_charge",),
              cite("第十二条(三)", "报经市政府同意后，由市政府分管领导对相关责任单位主要负责人进行约谈"), "约谈",
              requires=("approved_by",),
              obliges=(Owes("rectification_plan", "书面整改方案",
                            cite("第十二条(三)", "被约谈单位主要负责人必须在约谈之日起一周内向市政府详细说明情况，提出切实可行的书面整改方案"),
                            period=Weeks(1), setting="rectification_plan_within", anchor_field="time",
                            reading="“一周内”读作自约谈之日起7日（当日不计入，末日遇休息日顺延）；期限取设置 rectification_plan_within"),
                       Owes("improvement", "约谈后明显进展",
                            cite("第十二条(三)", "对经约谈仍无明显进展的单位，直接认定为“较差”等次"),
                            period=WorkingDays(30), setting="interview_progress_within", anchor_field="time",
                            reading="“经约谈仍无明显进展”读作自约谈之日起设置 interview_progress_within（默认30个工作日，"
                                    "参照第九条会议决定事项30个工作日内报送进展）内没有进展报告或完成情况；书面整改方案本身不算进展"),)),
            t("interview_result", ("*",), None, ("leader_in_charge", "office"),
              cite("第十二条(三)", "约谈结果报市政府主要领导"), "约谈结果报市政府主要领导", requires=("principal_signoff",)),
            t("rectification_plan", ("*",), None, ("unit_head",),
              cite("第十二条(三)", "被约谈单位主要负责人必须在约谈之日起一周内向市政府详细说明情况，提出切实可行的书面整改方案"),
              "书面整改方案", requires=("plan",)),
            t("bulletin", ("*",), None, ("office",),
              cite("第十二条(二)、(三)", "给予通报表扬；在全市范围进行通报批评，并在新闻媒体上公开曝光"), "通报"),
            t("grade", ("*",), None, ("office",),
              cite("第十二条(一)", "依次为：优秀、良好、合格、较差四个等次"), "评定等次"),
            t("accountability", ("*",), None, ("office",),
              cite("第十二条(三)", "失职渎职、违纪违法等问题，移送相关执纪执法部门"), "移送执纪执法部门",
              requires=("reason", "referral_signoff")),
            t("finding", ("*",), None, ("inspector", "office"), cite("第十一条", "建立市政务督查员工作制度"),
              "记录督查发现"),
        ),
    )


@hookimpl
def ducha_time_limits() -> list[TimeLimit]:
    return [
        TimeLimit(
            "meeting_progress_30wd",
            "会议决定事项进展情况报送",
            ("meeting", "special_meeting"),
            WorkingDays(30),
            cite("第九条", "市政府全体会议、常务会议、市长办公会议、市政府专项问题办公会议召开后的30个工作日内报送会议决定事项进展情况"),
            what="progress",
            anchor="meeting",
            reading="自会议召开之日起算（当日不计入），30个工作日；报送的是进展情况，非办结时限",
        ),
        TimeLimit(
            "notice_result",
            "交办通知明确的办理时限",
            ("*",),
            AsAssigned(),
            cite("第六条", "具体负责对应市政府领导分管联系重点工作的交办、督办和反馈工作"),
            what="result",
            anchor="assigned",
            reading="文件未规定办理结果的时限（第九条只规定进展报送），本插件读作时限由交办通知明确，交办时未写明的不予交办；"
                    "设置 notice_result_period 可改为“随办随报”（不设期限）或某一期限。"
                    "年度重点任务的每月进展见周期报送 monthly_annual_tasks（第九条）",
            setting="notice_result_period",
        ),
    ]


@hookimpl
def ducha_extension_rules() -> list:
    return []  # the document provides no extension (延期)


CRITICISM_CITY = {"type": "criticism", "scope": "全市", "media_exposure": True}


@hookimpl
def ducha_escalation_ladder() -> list[EscalationStep]:
    return [
        EscalationStep(
            "excellent_praise", "“优秀”等次：通报表扬，列入先进单位评选范围", 0,
            UnitGrade("优秀"), "bulletin",
            cite("第十二条(二)", "对落实工作得力、成绩突出的“优秀”等次部门和单位给予通报表扬。在“优秀”等次的单位范围内评选全市政务督查工作先进单位及先进个人"),
            data={"type": "praise", "model_unit_candidate": True}, by_role="office",
            reading="单位的年度等次（见评定等次的读法）为“优秀”的，每年提出一次通报表扬；同年被认定“较差”的单位不是“优秀”",
        ),
        EscalationStep(
            "overdue_remind", "逾期未报送完成情况：督办", 1,
            Overdue(repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
            cite("第四条、第六条", "负责对应市政府领导分管联系工作的督促检查；交办、督办和反馈"),
            by_role="office",
            reading="交办时限已过仍未报送完成情况的，提出督办；仍未报送的，每隔设置 chase_every（默认5个工作日，文件未定频次）再提出",
        ),
        EscalationStep(
            "chase_escalate", "催办后落实效果不佳：经秘书长同意转交督查室提级督查", 2,
            Overdue(chased=2, chased_setting="escalate_after_chases", chase_wait=WorkingDays(5),
                    chase_wait_setting="chase_every"), "escalate",
            cite("第四条", "对于涉及面广、事关全局、综合性强、协调难度大且催办后落实效果不佳的事项，经市政府秘书长同意后，可转交市政府督查室提级督查"),
            by_role="section", kinds=SECTION_KINDS,
            reading="各科室督办的事项（第六条）逾期后经催办达设置 escalate_after_chases 次（默认2次）、达到该次数的那次督办后 chase_every（默认5个工作日）仍未报送，读作“催办后落实效果不佳”，"
                    "提出提级督查：由督办的科室（或副秘书长）记录转交，须写明秘书长的同意（--approved-by）；"
                    "是否“涉及面广、事关全局……”由秘书长同意时判断",
        ),
        EscalationStep(
            "progress_report_late", "不按期报送进展情况：重点督办，责令限期整改", 1,
            Overdue(what=("progress",), include_late=True), "priority_chase",
            cite("第十二条(三)", "不按期报送进展情况、虚报瞒报的责任单位，由市政府督查室进行重点督办，责令限期整改"),
            data={"reason": "不按期报送进展情况"}, by_role="office",
            reading="第九条的进展报送期限（会议召开后30个工作日、每月最后1个工作日）已过仍未报送、或逾期后才报送的"
                    "（逾期补报的仍属不按期），提出重点督办；确认后，此后新发生的不按期报送再提出",
        ),
        EscalationStep(
            "priority_chase_no_rectification", "经重点督办仍不整改或整改不力：提出约谈意见，报市政府同意", 2,
            After("priority_chase", obligation="rectification"), "interview",
            cite("第十二条(三)", "对经重点督办仍不整改或整改不力的，由市政府督查室提出约谈意见，报经市政府同意后，由市政府分管领导对相关责任单位主要负责人进行约谈"),
            data={"approval": "government"}, by_role="office",
            reading="重点督办责令的整改期限（--until）届满仍无进展报告或完成情况，或期满后才报送的，提出约谈意见；"
                    "整改期限内不提出",
        ),
        EscalationStep(
            "interview_plan_one_week", "约谈后一周内未报书面整改方案：催报", 3,
            Overdue(what=("rectification_plan",), repeat=WorkingDays(5), repeat_setting="chase_every"), "remind",
            cite("第十二条(三)", "被约谈单位主要负责人必须在约谈之日起一周内向市政府详细说明情况，提出切实可行的书面整改方案"),
            by_role="office",
            reading="书面整改方案期限（设置 rectification_plan_within，默认一周）届满未报的，提出催报，仍未报的每隔 chase_every"
                    "（默认5个工作日）再提出；文件未定另外的后果",
        ),
        EscalationStep(
            "interview_result_report", "约谈后：约谈结果报市政府主要领导", 3,
            After("interview", at_once=True), "interview_result",
            cite("第十二条(三)", "由市政府分管领导对相关责任单位主要负责人进行约谈，约谈结果报市政府主要领导"),
            by_role="leader_in_charge",
            reading="每次约谈当日起提出“约谈结果报市政府主要领导”，直至记录该步骤（须写明阅签的市政府主要领导 --principal-signoff）；"
                    "文件未定报送期限",
        ),
        EscalationStep(
            "interview_no_progress", "经约谈仍无明显进展：认定“较差”，全市通报批评并在新闻媒体公开曝光", 4,
            After("interview", obligation="improvement"), "bulletin",
            cite("第十二条(三)", "对经约谈仍无明显进展的单位，直接认定为“较差”等次，在全市范围进行通报批评，并在新闻媒体上公开曝光"),
            data=CRITICISM_CITY, by_role="office",
            reading="约谈后设置 interview_progress_within（默认30个工作日）内没有进展报告或完成情况的；书面整改方案不算进展",
        ),
        EscalationStep(
            "misconduct_referral", "发现失职渎职、违纪违法问题：移送执纪执法部门", 5,
            After("finding", {"misconduct": True}, at_once=True), "accountability",
            cite("第十二条(三)", "对于工作落实中发现的失职渎职、违纪违法等问题，移送相关执纪执法部门"),
            data={"reason": "工作落实中发现失职渎职、违纪违法问题"}, by_role="office",
            reading="督查发现标明 misconduct（finding --misconduct）的，每一项当日即提出移送",
        ),
    ]


@hookimpl
def ducha_grading_scheme() -> GradingScheme:
    return GradingScheme(
        grades=GRADES,
        citation=cite("第十二条(一)", "分类制定评价标准，依次为：优秀、良好、合格、较差四个等次"),
        praise_grades=("优秀",),
        unit_grade="worst",
        unit_grade_reading="第十二条评定的是“部门和单位”的等次：一个单位某年的等次取该年对其评定的各等次中最低者"
                           "（ducha grade 逐项评定，可写 --year；被直接认定“较差”的即为“较差”）",
        rules=(
            GradeRule("interview_no_progress_poor", After("interview", obligation="improvement"), "较差",
                      cite("第十二条(三)", "对经约谈仍无明显进展的单位，直接认定为“较差”等次")),
        ),
        deductions=(
            Deduction("praise_bonus", "通报表扬：年度目标责任考核加分", After("bulletin", {"type": "praise"}, at_once=True),
                      cite("第十二条(四)", "市考核办根据《年度目标责任考核办法》对相关单位予以加分或扣分"),
                      setting="praise_points", bonus=True, reading="每次通报表扬计一次，计入通报当年"),
            Deduction("interview_deduction", "被约谈：年度目标责任考核扣分", After("interview", at_once=True),
                      cite("第十二条(四)", "将通报表扬、约谈、通报批评等情况汇总报送市考核办"), setting="interview_points",
                      reading="每次约谈计一次"),
            Deduction("criticism_deduction", "通报批评：年度目标责任考核扣分",
                      After("bulletin", {"type": "criticism"}, at_once=True),
                      cite("第十二条(四)", "将通报表扬、约谈、通报批评等情况汇总报送市考核办"), setting="criticism_points",
                      reading="每次通报批评计一次"),
        ),
    )


@hookimpl
def ducha_reporting_cycles() -> list[ReportingCycle]:
    return [
        ReportingCycle(
            "section_quarterly_ledger", "各科室督查台账季度报送（会议决定事项、重点批示件、重要文件、联系重点项目）",
            "quarter", EndOf("quarter"),
            cite("第七条", "每个季度末最后1个工作日前……报市政府督查室"),
            reporter="section",
            reading="“季度末最后1个工作日前”读作：不迟于3、6、9、12月的最后1个工作日（含当日）",
        ),
        ReportingCycle(
            "quarterly_bulletin", "季度督查通报（按“已完成”“进展顺利”“进展缓慢”分口汇总）", "quarter", AsItHappens(),
            cite("第七条", "市政府督查室每季度按“已完成”“进展顺利”“进展缓慢”三个方面，分口予以汇总通报"),
            reporter="office", setting="quarterly_bulletin_day",
            reading="文件只规定每季度通报一次，未规定日期：默认不设日期（随办随报）；部署可用设置 quarterly_bulletin_day 定日期"
                    "（自季度首日起算，如“3个月”即下一季度首个工作日）",
        ),
        ReportingCycle(
            "monthly_annual_tasks", "年度重点任务（公开承诺事项）当月进展", "month", EndOf("month"),
            cite("第九条", "每月最后1个工作日前报送《政府工作报告》确定的年度重点任务（公开承诺事项）当月进展情况"),
            kinds=("annual_task",), reporter="unit", setting="monthly_report_due",
            reading="“每月最后1个工作日前”读作：不迟于当月最后1个工作日（含当日）；自交办起每月一次，直至报送完成情况；"
                    "交办当日即到期的当月不计",
        ),
        ReportingCycle(
            "year_end_summary", "通报表扬、约谈、通报批评等情况年底汇总报送市考核办", "year", EndOf("year"),
            cite("第十二条(四)", "市政府督查室年底前将通报表扬、约谈、通报批评等情况汇总报送市考核办"),
            reporter="office",
            reading="“年底前”读作：不迟于12月最后1个工作日",
        ),
    ]


@hookimpl
def ducha_approvals() -> list[ApprovalRule]:
    return [
        ApprovalRule("escalate_to_office", "转交市政府督查室提级督查：市政府秘书长同意", "escalate", ("secretary_general",),
                     cite("第四条", "经市政府秘书长同意后，可转交市政府督查室提级督查"), applies_to=("escalate",)),
        ApprovalRule("unplanned_inspection", "未列入年度计划的督查检查事项：分管领导审批", "inspection", ("leader_in_charge",),
                     cite("第十条", "经市政府分管领导审批后方可实施"), applies_to=("approve",), states=("applied",)),
        ApprovalRule("unplanned_inspection_filing", "计划外督查检查报市委督查室备案：市委督查室签收", "inspection",
                     ("party_office",), cite("第十条", "并由市政府督查室报市委督查室备案"),
                     applies_to=("report_up",), states=("inspection_approved",), field="filing_signoff"),
        ApprovalRule("unplanned_inspection_advance", "未列入年度计划的督查检查事项：提前7个工作日申报", "inspection", (),
                     cite("第十条", "确因特殊情况需要开展的，应提前7个工作日向市政府督查室申报"),
                     advance=WorkingDays(-7), applies_to=("apply",)),
        ApprovalRule("interview_opinion", "约谈意见", "interview", ("government",),
                     cite("第十二条(三)", "由市政府督查室提出约谈意见，报经市政府同意后"), applies_to=("interview",)),
        ApprovalRule("interview_result_to_principal", "约谈结果报市政府主要领导：主要领导阅签", "interview",
                     ("principal_leader",), cite("第十二条(三)", "约谈结果报市政府主要领导"),
                     applies_to=("interview_result",), field="principal_signoff"),
        ApprovalRule("referral_to_discipline", "移送执纪执法部门：执纪执法部门签收", "accountability", ("discipline",),
                     cite("第十二条(三)", "对于工作落实中发现的失职渎职、违纪违法等问题，移送相关执纪执法部门"),
                     applies_to=("accountability",), field="referral_signoff"),
    ]


@hookimpl
def ducha_settings() -> list[Setting]:
    return [
        Setting("monthly_report_due", "每月最后1个工作日",
                "年度重点任务当月进展的报送期限（第九条“每月最后1个工作日前”，读作含最后1个工作日当日）。"
                "可改为“每月最后1日”等。", cite("第九条")),
        Setting("notice_result_period", "交办通知明确的时限",
                "办理结果的时限：文件未规定（第九条只规定进展报送）。默认读作由交办通知明确，交办时须写明 --deadline；"
                "可改为“随办随报”（不设期限，台账显示无期限）或某一期限（如“30个工作日”）。", cite("第六条")),
        Setting("rectification_plan_within", "一周",
                "被约谈单位报送书面整改方案的期限（第十二条(三)“约谈之日起一周内”，读作7日，当日不计入，"
                "末日遇休息日顺延）。可写任何期限（如“5个工作日”“7日”）：约谈后未报整改方案的催报按此期限判断。", cite("第十二条(三)")),
        Setting("interview_progress_within", "30个工作日",
                "“经约谈仍无明显进展”的判断期间（第十二条(三)未定）：自约谈之日起，默认30个工作日（参照第九条会议决定事项"
                "30个工作日内报送进展）；其间没有进展报告或完成情况的，提出“较差”认定和通报批评。书面整改方案不算进展。",
                cite("第十二条(三)", "对经约谈仍无明显进展的单位")),
        Setting("chase_every", "5个工作日",
                "逾期未报送完成情况的，督办后仍未报送，隔多久再提出督办（文件未定频次）。", cite("第四条")),
        Setting("escalate_after_chases", 2,
                "各科室督办的事项逾期后经催办几次仍未报送，读作“催办后落实效果不佳”、提出提级督查（第四条未定；0 = 不提出）。",
                cite("第四条", "催办后落实效果不佳的事项")),
        Setting("quarterly_bulletin_day", None,
                "季度督查通报的日期：第七条只规定“每季度”，未规定日期。默认不设（办公室日历中不列日期）；"
                "部署可写一个期限，自每季度首日起算（如“3个月”即下一季度首个工作日，“每季度末最后1个工作日”即与各科室台账同日）。",
                cite("第七条"), type="period"),
        Setting("praise_points", None, "通报表扬的考核加分：第十二条(四)只称“予以加分”，分值由市考核办定。",
                cite("第十二条(四)"), type="number"),
        Setting("interview_points", None, "被约谈的考核扣分：第十二条(四)只称“予以扣分”，分值由市考核办定。",
                cite("第十二条(四)"), type="number"),
        Setting("criticism_points", None, "通报批评的考核扣分：第十二条(四)只称“予以扣分”，分值由市考核办定。",
                cite("第十二条(四)"), type="number"),
    ]


@hookimpl
def ducha_template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def ducha_articles():
    from ducha_ankang.articles import ARTICLES  # read when the policy is built, not at start-up

    return ARTICLES


@hookimpl
def ducha_field_names() -> dict[str, str]:
    """Chinese names of the data fields this plugin's own steps and escalations carry."""
    return {
        "plan": "书面整改方案",  # 第十二条(三): 一周内……提出切实可行的书面整改方案
        "scope": "通报范围",  # 第十二条(三): 在全市范围进行通报批评
        "media_exposure": "新闻媒体公开曝光",  # 第十二条(三)
        "model_unit_candidate": "列入先进单位评选范围",  # 第十二条(二)
        "approval": "审批",  # 第十二条(三): 报经市政府同意
        "misconduct": "失职渎职、违纪违法问题",  # 第十二条(三): finding --misconduct
        "filing_signoff": "市委督查室备案签收人",  # 第十条: 报市委督查室备案
        "principal_signoff": "市政府主要领导阅签人",  # 第十二条(三): 约谈结果报市政府主要领导
        "referral_signoff": "执纪执法部门签收人",  # 第十二条(三): 移送相关执纪执法部门
    }
