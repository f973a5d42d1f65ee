"""Policy as data: the rule objects a jurisdiction plugin returns from its hooks.

Every rule carries a ``Citation`` to the article of the plugin's document that states it. A value
the document does not state is not a rule: it is a ``Setting`` with a documented default that a
deployment can change. Where a document is ambiguous, the rule's ``reading`` states the plugin's
reading (e.g. "5日 read as 5个工作日"), and a ``setting`` key names the knob that changes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import attrs

from ducha_core.model import Citation
from ducha_core.periods import Period


@attrs.frozen
class InForce:
    """The dates a rule is in force (施行): from ``start`` to ``end`` inclusive; None = open."""

    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


ALWAYS = InForce()


# --- matter kinds -------------------------------------------------------------------------------


@attrs.frozen
class MatterKind:
    """One category of matters in the document (督查范围), mapped onto a core kind (``ducha_core.kinds``)."""

    id: str  # a core kind id, or the plugin's own
    name: str  # the document's wording
    citation: Citation
    core_kind: str = "other"


# --- roles --------------------------------------------------------------------------------------


@attrs.frozen
class Role:
    """A role in the procedure (角色). ``scope``: office = the supervision office; unit = acts only
    for matters its own unit handles; leader = a leader who approves or decides; inspector =
    records findings under authorisation."""

    id: str
    name: str
    scope: Literal["office", "unit", "leader", "inspector", "other"]
    citation: Citation
    duties: str = ""


# --- procedure ----------------------------------------------------------------------------------


@attrs.frozen
class State:
    """A state of a matter in this procedure, with the document's name for it."""

    id: str
    name: str
    terminal: bool = False
    #: the deadline clock runs in this state (the unit owes a result)
    clock_running: bool = False
    #: 办结: the handling has ended though a later step still files the matter (归档); like a
    #: terminal state, what is still owed ends and no escalation is proposed for it
    ended: bool = False

    @property
    def done(self) -> bool:
        """Terminal or 办结: the matter owes nothing more and is not escalated."""
        return self.terminal or self.ended


@attrs.frozen
class Transition:
    """An action allowed in some states, by some roles; moves the matter to ``target`` (None: stays).

    ``action`` is a core action (see ``ducha_core.events.ACTIONS``) or a plugin's own. ``requires``
    names fields the event must carry (e.g. 文号, 签发人, 公章 for a final report);
    ``requires_by_kind`` adds fields for some matter kinds only (e.g. 形象进度 for project matters).
    ``kinds`` limits the transition to matters of those kinds (empty: every kind).
    ``lead_only`` and ``each_lead_unit`` say which handling units perform it.
    """

    action: str
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    citation: Citation
    name: str = ""  # the document's name for the step (拟办送审, 审核报结 …)
    requires: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    requires_by_kind: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: a unit-scope actor must belong to a lead unit (主办/牵头单位), not a co-unit
    lead_only: bool = False
    #: every lead unit files its own (e.g. 各牵头单位分别形成书面报告): the matter moves to ``target``
    #: only when the last lead unit has performed the action
    each_lead_unit: bool = False
    #: for assign: at most this many lead units (e.g. 一事一主体: 1)
    max_lead_units: int | None = None
    #: obligations this step creates on the units it names (约谈 → 一周内书面整改方案; 限期整改 → its date)
    obliges: tuple[Owes, ...] = ()
    #: fields whose value must be one of a list: a setting's values (its list, or its dict's keys),
    #: e.g. {"method": "chase_methods"} — the document's list of 督办方式 — or the values themselves,
    #: e.g. {"to": ("leader_in_charge",)}; a new step with another value is refused
    choices: dict[str, str | tuple[str, ...]] = attrs.field(factory=dict)


@attrs.frozen
class Owes:
    """An obligation a step creates (e.g. 约谈之日起一周内提出书面整改方案, 责令限期整改).

    ``what``: an obligation kind (``ducha_core.obligations.WHAT_NAMES``). The last day is
    ``period`` counted from the step's day, or the date the step carries in ``date_field`` (e.g.
    ``until``), moved off a rest day by the policy's convention; with both, the date the step
    carries where it gives one, else the period. ``setting`` names a deployment setting whose
    period replaces ``period``. Owed by the units the step names (``--units``), else the matter's
    lead units. ``met_by``: the actions that meet it (default by ``what``). ``when``: only for a
    step whose data match (a 通报批评, not a 通报表扬). A step taken on a matter that has ended
    creates none.
    """

    what: str
    name: str
    citation: Citation
    period: Period | None = None
    date_field: str | None = None
    setting: str | None = None
    met_by: tuple[str, ...] = ()
    reading: str = ""
    when: dict[str, Any] = attrs.field(factory=dict)
    #: a field of the step naming the day ``period`` counts from where it is not the step's own day
    #: (约谈之日 when the notice is recorded before the talk: ``--time "2025年10月20日上午9时"``); a
    #: date or a text carrying one; absent or without a date, the step's day
    anchor_field: str | None = None


@attrs.frozen
class Procedure:
    """The steps a matter goes through (工作程序): states, the initial one, allowed transitions."""

    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    citation: Citation


# --- time limits and extensions -----------------------------------------------------------------


@attrs.frozen
class TimeLimit:
    """A time limit (办理时限) for matters of some kinds.

    ``what``: result (办理结果) | answer (答复) | plan (办理方案) | progress (进展). ``period``:
    ``AsAssigned()`` where the document says the assignment notice states the limit (then an
    assignment without ``--deadline`` is refused, citing the article). ``anchor``: the event the
    period runs from (assigned = 接到通知/交办, registered, received = 收到, meeting = the meeting's
    date); ``anchor_setting`` names a setting that chooses it. ``explicit_first``: a deadline set
    explicitly at assignment takes precedence. ``max_period``: the furthest any deadline may reach,
    counted from the anchor (最迟不得超过): it caps an explicit deadline, an extension and a new limit.
    ``owed_by``: leads = one obligation the lead units share (any one meets it); each_lead = one per
    lead unit; each_unit = one per handling unit, co-units included. None: each_lead where the
    submit step is filed by each lead unit (or the limit is not for the result), else leads.
    ``met_by``: the actions that meet it (default by ``what``: submit for a result, progress or submit
    for progress …).
    """

    id: str
    name: str
    kinds: tuple[str, ...]  # ("*",) = any kind without a more specific limit
    period: Period
    citation: Citation
    what: Literal["result", "answer", "plan", "progress"] = "result"
    anchor: str = "assigned"
    explicit_first: bool = True
    max_period: Period | None = None
    reading: str = ""
    setting: str | None = None
    in_force: InForce = ALWAYS
    anchor_setting: str | None = None
    owed_by: Literal["leads", "each_lead", "each_unit"] | None = None
    met_by: tuple[str, ...] = ()


@attrs.frozen
class ExtensionRule:
    """How a unit asks for more time (延期): before the deadline, with what, granted by whom."""

    id: str
    kinds: tuple[str, ...]
    citation: Citation
    ask_before_deadline: bool = True
    requires: tuple[str, ...] = ("reasons", "progress")
    granted_by: tuple[str, ...] = ()
    filed_with_office: bool = False
    max_period: Period | None = None
    reading: str = ""


# --- escalation and grading ---------------------------------------------------------------------


@attrs.frozen
class CountInYear:
    """Trigger: a unit has had ``threshold`` or more events of ``action`` (whose data match
    ``match``) within one year (一年内): the calendar year, or the twelve months up to the day of
    evaluation where the core setting ``year_window`` = rolling (a reading each deployment states).

    The fact dates from the event that reached the threshold. ``repeat``: every further event
    past the threshold is a fact of its own (一年内……三次及以上: the 4th, 5th … each call for the
    step again); otherwise the step is called for once per unit and year.
    """

    action: str
    threshold: int
    match: dict[str, Any] = attrs.field(factory=dict)
    repeat: bool = False


@attrs.frozen
class Overdue:
    """Trigger: an obligation a unit owes is past its last day (逾期未报、漏报), by more than
    ``by_workdays`` working days; by default the result (逾期未办结), with ``what`` = ("progress",)
    the progress reports and recurring reports.

    ``include_late``: also an obligation met late (不按期报送 is a fact once the report came late):
    for a sanction or a deduction, not for a chase, which only makes sense while the report is owed.

    Chasing (催办) while the obligation stays owed: ``repeat`` (a period; ``repeat_setting`` names
    the setting that replaces it) calls for the step again that long after the last time it was
    taken (a chase of the matter by any office step of the same action counts). ``chased``: the
    step is called for only once the obligation has been chased that many times (``remind`` events
    on the matter after its last day) and is still owed ``chase_wait`` after the last chase — the
    next rung (经催办仍未办理 → 督办令); ``chased_setting`` names the setting that replaces it
    (a setting of 0 or none switches the rung off).
    """

    by_workdays: int = 0
    what: tuple[str, ...] = ("result", "answer")
    include_late: bool = False
    repeat: Period | None = None
    repeat_setting: str | None = None
    chased: int = 0
    chased_setting: str | None = None
    chase_wait: Period | None = None
    #: a setting whose period replaces ``chase_wait`` (the time a unit has to answer the last chase)
    chase_wait_setting: str | None = None


@attrs.frozen
class After:
    """Trigger: each ``action`` event (whose data match ``match``) calls for the step, for each unit
    it names (else the matter's lead units).

    When, one of:

    - ``obligation``: the kind of obligation (``Owes.what``) the event created — the step is called
      for once that obligation is past its last day unmet, or was met late (judged at its last day:
      经重点督办仍不整改 → 约谈; 督办令后仍无明显进展 → 通报批评). Whatever meets the obligation
      (its ``met_by``) is what counts as progress for this rule;
    - ``at_once``: on the day of the event, only where the document says so (及时报告、直接认定、
      移送); ``reading`` quotes it. Nothing the unit does cancels it; the office's step (or its
      decision not to act, ``dismiss``) does.
    """

    action: str
    match: dict[str, Any] = attrs.field(factory=dict)
    obligation: str | None = None
    at_once: bool = False
    #: only while the obligation is still unmet: for a rule about the present (仍然解决不了、通报后仍未办理),
    #: which a result that came in late answers; otherwise a lapse is judged at the last day and stays
    unmet_only: bool = False


@attrs.frozen
class UnitGrade:
    """Trigger: a unit's grade for the year (``GradingScheme.unit_grade``) is ``grade``
    (e.g. “优秀”等次 → 通报表扬)."""

    grade: str


Trigger = CountInYear | Overdue | After | UnitGrade


@attrs.frozen
class EscalationStep:
    """One rung of the escalation ladder: when ``trigger`` holds, ``proposes`` an action for the
    office to confirm (``ducha due``). ``proposes`` is an action id, optionally with data, e.g.
    ``bulletin`` with {"type": "criticism"}, ``interview``, ``escalate`` with {"to": "principal_leader"}."""

    id: str
    name: str
    level: int
    trigger: Trigger
    proposes: str
    citation: Citation
    data: dict[str, Any] = attrs.field(factory=dict)
    by_role: str = ""
    reading: str = ""
    #: also for a matter that has ended (办结、归档): only where the document says so
    after_end: bool = False
    #: only for matters of these kinds (empty: every kind), where the step the rung proposes is
    #: the document's for some kinds only (e.g. 提级督查 for the matters 科室 handle)
    kinds: tuple[str, ...] = ()


@attrs.frozen
class GradeRule:
    """A grade the document imposes when a trigger holds (e.g. 经约谈仍无明显进展 → 较差)."""

    id: str
    trigger: Trigger
    grade: str
    citation: Citation


@attrs.frozen
class Deduction:
    """A deduction (扣分) or, with ``bonus``, an addition (加分) in the annual assessment the document
    ties to a fact: one per fact the trigger finds (each 通报批评, each report met late …), in the
    assessment year of the fact. ``points`` is a setting where the document gives no figure."""

    id: str
    name: str
    trigger: Trigger
    citation: Citation
    points: float | None = None
    setting: str | None = None
    bonus: bool = False
    reading: str = ""


@attrs.frozen
class GradingScheme:
    """Grades (等次), best first, with the rules that force a grade and the deductions."""

    grades: tuple[str, ...]
    citation: Citation | None
    rules: tuple[GradeRule, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    praise_grades: tuple[str, ...] = ()  # grades that earn 通报表扬
    #: how a unit's grade for a year follows from the grades recorded (``ducha grade``) for it that
    #: year and the forced grades confirmed: "worst" (the lowest of them) or "latest"
    unit_grade: Literal["worst", "latest"] = "worst"
    unit_grade_reading: str = ""


# --- reporting cycles and approvals -------------------------------------------------------------


@attrs.frozen
class ReportingCycle:
    """A recurring report (周期报送): who reports what, every week / month / quarter / year, due when
    (``due`` counted from the first day of each period).

    A cycle is owed on each matter of ``kinds`` (per matter) when it names kinds or its reporter is
    ``unit``: by each lead unit (reporter ``unit``) or by the office (any other reporter), as a
    series from the assignment until the matter stops owing it (its clock stops or it ends); each
    occurrence is met by one of ``met_by`` (default: progress or submit for a unit, a chase, finding
    or report for the office). A cycle without kinds and reporter other than ``unit`` is the
    deployment's own (季度通报, 年度汇总): listed in the office's calendar, not on a matter.
    """

    id: str
    name: str
    every: Literal["week", "month", "quarter", "year"]
    due: Period
    citation: Citation
    kinds: tuple[str, ...] = ("*",)
    reporter: str = "unit"
    reading: str = ""
    #: a deployment setting whose value (a period such as "每月最后1个工作日") replaces ``due``
    setting: str | None = None
    met_by: tuple[str, ...] = ()
    #: one of several alternative cycles (e.g. 以周、月、季、年为周期, chosen per task): owed only when
    #: the assignment names it (``--cycle ID``); a kind with alternatives must name one
    choice: bool = False

    @property
    def per_matter(self) -> bool:
        return self.reporter == "unit" or "*" not in self.kinds


@attrs.frozen
class ApprovalRule:
    """Something that needs approval or a sign-off first (审批、审签): registering a matter in a
    leader's name, an inspection outside the annual plan, a bulletin, an admonitory talk, a report
    signed by the unit's head …

    The engine enforces it on the steps ``applies_to`` names (actions; ``states`` narrows them to
    some source states; ``when`` to steps whose data match — a value that is a tuple means any of
    those values): the step must carry ``field`` (default ``approved_by``: the approving person's id
    in ``ducha.toml``), and that person must hold one of ``approver_roles`` (``same_unit``: and
    belong to the acting unit, e.g. its head signing its report). ``advance``: the step's
    ``start_field`` date must lie at least that many working days after the step (提前7个工作日申报).
    ``refuse_duplicates``: a matter of the same title still open is refused (避免重复督查). A rule
    with no ``applies_to`` is listed (``ducha compare``), not enforced: say in ``filed_with`` or the
    citation what it governs.
    """

    id: str
    name: str
    subject: str  # register | inspection | bulletin | interview | escalate | accountability | …
    approver_roles: tuple[str, ...]
    citation: Citation
    advance: Period | None = None  # must be applied for this long before
    refuse_duplicates: bool = False
    filed_with: str = ""  # 备案 with whom
    applies_to: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    when: dict[str, Any] = attrs.field(factory=dict)
    field: str = "approved_by"
    same_unit: bool = False
    start_field: str = "planned_start"

    def governs(self, action: str, state: str, data: dict[str, Any]) -> bool:
        """Whether this rule applies to a step ``action`` taken in ``state`` with ``data``."""
        if action not in self.applies_to or (self.states and state not in self.states):
            return False
        for key, want in self.when.items():
            value = data.get(key)
            if value != want and not (isinstance(want, tuple | list) and value in want):
                return False
        return True


# --- settings, templates, traceability ----------------------------------------------------------


@attrs.frozen
class Setting:
    """A deployment setting: a value the document does not state (or states ambiguously), with a
    documented default. ``citation`` points at what the document does say, if anything.

    ``type`` is what a deployment's value must be (checked when the policy is compiled): one of
    ``SETTING_TYPES`` — bool, int (a count, 0 or more), number (points: 2 or 0.5), str, period (a
    period as the documents write it, e.g. "5个工作日", parsed by ``parse_period``; positive), date
    (YYYY-MM-DD), list[str], dict. None: inferred from the default (a setting a rule reads as a
    period — ``TimeLimit.setting``, ``ReportingCycle.setting``, ``Owes.setting``,
    ``Overdue.repeat_setting``/``chase_wait_setting`` — is a period; ``Deduction.setting`` a number;
    ``Overdue.chased_setting`` an int). A setting whose default is None that no rule reads must
    state its type."""

    key: str
    default: Any
    doc: str
    citation: Citation | None = None
    type: str | None = None


#: the types a ``Setting`` may declare
SETTING_TYPES = ("bool", "int", "number", "str", "period", "date", "list[str]", "dict")


@attrs.frozen
class Article:
    """One article or numbered paragraph of the document in the traceability table (条款对照表)."""

    id: str  # "第九条", "七(一)"
    summary: str
    operational: bool
    rules: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    reason: str = ""  # why not operational
    reading: str = ""  # the plugin's reading of an ambiguity
