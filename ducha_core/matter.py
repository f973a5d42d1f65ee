"""A matter (督查事项) and its state, derived by folding its events through a policy.

``MatterEngine.apply`` checks one event against the jurisdiction's procedure (state, role,
required fields, time rules) and returns the new state, or raises ``ActionRefused`` with a
one-line message naming the rule. ``fold`` replays a whole history. No hook is called here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core import deadlines as dl
from ducha_core._lazy import LazyPattern
from ducha_core.errors import ActionRefused
from ducha_core.events import CREATE_ACTIONS, FIELD_NAMES, Event, command_for
from ducha_core.model import Citation, Person
from ducha_core.obligations import DEFAULT_MET_BY, OFFICE, Obligation, Series, all_obligations, headline
from ducha_core.periods import AsAssigned, resolve

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.policy import Policy



@attrs.define
class MatterState:
    """What is known about a matter after its events (台账 row)."""

    id: str
    kind: str
    title: str
    state: str
    registered_on: date
    received_on: date
    source: str = ""
    confidential: bool = False
    viewers: tuple[str, ...] = ()
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    responsible: dict[str, str] = attrs.field(factory=dict)
    assigned_on: date | None = None
    deadlines: list[dl.Deadline] = attrs.field(factory=list)
    due: dl.Deadline | None = None
    extensions: list[dict[str, Any]] = attrs.field(factory=list)
    pending_extension: dict[str, Any] | None = None
    submitted_on: date | None = None
    submitted_by: tuple[str, ...] = ()  # lead units whose report is in (each_lead_unit)
    closed_on: date | None = None
    reminders: list[tuple[date, str]] = attrs.field(factory=list)
    progress_on: list[date] = attrs.field(factory=list)
    returns: int = 0
    grade: str | None = None
    marks: list[Event] = attrs.field(factory=list)  # bulletins, orders, escalations, interviews, grades …
    events: list[Event] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)
    #: every time limit owed on the matter, in the order created (``ducha_core.obligations``)
    obligations: list[Obligation] = attrs.field(factory=list)
    #: recurring reports owed on the matter (their occurrences: ``all_obligations``)
    series: list[Series] = attrs.field(factory=list)

    @property
    def units(self) -> tuple[str, ...]:
        return self.lead_units + self.co_units

    def copy(self) -> MatterState:
        """A copy whose lists and dicts are its own (so applying an event leaves this one as it is)."""
        return attrs.evolve(
            self,
            responsible=dict(self.responsible),
            deadlines=list(self.deadlines),
            extensions=list(self.extensions),
            reminders=list(self.reminders),
            progress_on=list(self.progress_on),
            marks=list(self.marks),
            events=list(self.events),
            warnings=list(self.warnings),
            obligations=[attrs.evolve(o) for o in self.obligations],
            series=[attrs.evolve(x, met=dict(x.met)) for x in self.series],
        )

    def last(self, action: str) -> Event | None:
        for event in reversed(self.events):
            if event.action == action:
                return event
        return None


__all__ = ["FIELD_NAMES", "LIGHT_NAMES", "MatterEngine", "MatterState", "clock_running", "light"]

#: actions that are steps of the unit's own work, not marks on the matter (bulletins, orders …)
UNMARKED_ACTIONS = frozenset({"remind", "progress", "submit", "accept", "assign", "register", "approve",
                              "set_deadline", "correct", "withdraw"})

#: actions each handling unit performs once for itself (承办: every unit names its own 责任人)
PER_UNIT_ACTIONS = frozenset({"accept"})


def role_directory(actor: str) -> Person:
    """The default directory: an actor id is taken as a role id (scenarios, tests)."""
    role, _, unit = actor.partition(":")
    return Person(actor, actor, roles=(role,), unit=unit or None)


DAY_IN_TEXT = LazyPattern(r"(\d{4})\s*(?:-|年)\s*(\d{1,2})\s*(?:-|月)\s*(\d{1,2})")


def day_in_text(value: Any) -> date | None:
    """The first date a value carries (a date, ``2025-10-20`` or ``2025年10月20日`` within a text), else None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    m = DAY_IN_TEXT.search(str(value or ""))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _parse_date(value: Any, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:  # as the command line's --on: YYYY-MM-DD only (not 20251009)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(value).strip()):
            return date.fromisoformat(str(value).strip())
    except ValueError:
        pass
    raise ActionRefused(f"{field} 的值 '{value}' 不是日期；请写 YYYY-MM-DD")


@attrs.frozen
class Authority:
    """Who may approve or sign a step: a person holding one of ``roles`` (of the acting unit where
    ``same_unit``), as ``citation`` says."""

    roles: tuple[str, ...]
    citation: Citation
    same_unit: bool = False


def _value_text(policy, value) -> str:
    """A field's value as a user reads it: a role by its name (its id in brackets), yes/no in Chinese."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    role = policy.roles.get(value) if isinstance(value, str) else None
    return f"{role.name}（{value}）" if role else str(value)


def unknown_matter(matter_id: str) -> str:
    """The one answer for a matter that does not exist (and, from the ledger, for a confidential one
    the reader may not see)."""
    return f"没有事项 {matter_id}；请核对编号（ducha ledger 列出各事项），或先立项"


#: fields that name the person who approved or signed a step (a person id of the deployment)
SIGNER_FIELDS = ("approved_by", "head_signoff", "leader_signoff")

#: actions whose ``units`` name the units they give the matter, not units already on it
UNIT_SETTING_ACTIONS = frozenset({"register", "apply", "assign"})


@attrs.define
class MatterEngine:
    """Applies events to matter states under one policy and one working calendar."""

    policy: Policy
    calendar: WorkingCalendar
    directory: Callable[[str], Person] = role_directory
    #: compute each deadline's explanation (off for bulk rebuilds, whose rows keep no explanation)
    explain: bool = True
    #: a recorded event (one with its seq) is not judged again for the fields its step requires: set
    #: where the log was recorded under this policy's jurisdiction (``Ledger``), perhaps by an earlier
    #: version that required fewer; a log read under another jurisdiction's rules is judged in full
    recorded_as_is: bool = False
    _people: dict[str, Person] = attrs.field(factory=dict, init=False, repr=False)
    _handlers: dict[str, Callable | None] = attrs.field(factory=dict, init=False, repr=False)
    #: (the policy's time limit, anchor day) -> the deadline it sets (an immutable ``Deadline``): a bulk fold
    #: assigns thousands of matters of a kind on the same day
    _limit_deadlines: dict[tuple[int, date], Any] = attrs.field(factory=dict, init=False, repr=False)
    #: (id of transition, roles of the actor) -> whether the actor acts only as a unit
    _unit_scoped: dict[tuple[int, tuple[str, ...]], bool] = attrs.field(factory=dict, init=False, repr=False)

    # --- public ----------------------------------------------------------------------------------

    def fold(self, events: Iterable[Event]) -> MatterState:
        """The state after a whole history (the state is built in place: no copy per event)."""
        state: MatterState | None = None
        for event in events:
            state = self._apply(state, event)
        if state is None:
            raise ActionRefused("事项的记录须从立项（register）开始")
        return state

    def fold_until_refused(self, events: Iterable[Event]) -> tuple[MatterState | None, Event | None, ActionRefused | None]:
        """Fold a history as far as the policy allows: the state before the first refused event,
        that event and the refusal (None, None when every event is allowed)."""
        events = list(events)
        state: MatterState | None = None
        for n, event in enumerate(events):
            try:
                state = self._apply(state, event)  # in place: no copy per event
            except ActionRefused as exc:
                # a refused event may have touched the state: fold the allowed prefix again (rare)
                return (self.fold(events[:n]) if n else None), event, exc
        return state, None, None

    def apply(self, state: MatterState | None, event: Event) -> MatterState:
        """The state after ``event`` (``state`` itself is left unchanged); raises ActionRefused if the
        policy does not allow it."""
        return self._apply(state.copy() if state is not None else None, event)

    def _not_allowed(self, action: str, current: str, state: MatterState | None) -> str:
        """Why ``action`` cannot be taken in ``current``: a step the document does not have at all
        (延期 where it has no extension procedure), or not in this state (with the steps that are)."""
        policy = self.policy
        doc = f"{policy.jurisdiction.name}《{policy.jurisdiction.document.title}》"
        known = {t.action for t in policy.procedure.transitions}
        if action not in known:
            if action.startswith("extension"):
                hint = "；期限须改变的，由督查室另定办理时限（ducha set-deadline）" if "set_deadline" in known else ""
                return f"{doc}未规定延期程序{hint}"
            steps = "、".join(dict.fromkeys(f"{policy.action_name(a)}（ducha {command_for(a)}）" for a in sorted(known)))
            return f"{doc}没有「{action}」这一步骤；本辖区的步骤：{steps}"
        if action.startswith("extension") and state is not None:
            rule = policy.extension_rule_for(state.kind)
            if rule is None:
                return f"{doc}未规定{policy.kinds[state.kind].name if state.kind in policy.kinds else state.kind}的延期程序"
        allowed = sorted({f"{policy.action_name(t.action)}（ducha {command_for(t.action)}）" for t in policy.actions_in(current)})
        return (f"「{policy.action_name(action)}」不能在「{policy.states[current].name}」状态下进行；"
                f"此时可以：{'、'.join(allowed) or '（无）'}")

    def person(self, actor: str) -> Person:
        """The directory's person for an actor id (looked up once per engine)."""
        found = self._people.get(actor)
        if found is None:
            found = self._people[actor] = self.directory(actor)
        return found

    def _apply(self, state: MatterState | None, event: Event) -> MatterState:
        policy = self.policy
        if state is None:
            if event.action not in CREATE_ACTIONS:
                raise ActionRefused(unknown_matter(event.matter))
            current = policy.procedure.initial
        else:
            current = state.state
            if event.action in CREATE_ACTIONS:
                raise ActionRefused(f"事项 {event.matter} 已立项；请换一个编号")
            if event.on < state.registered_on:
                raise ActionRefused(f"{event.on} 早于事项立项日 {state.registered_on}；请核对 --on")
        transition = policy.transition(current, event.action)
        if transition is None and state is not None and event.action in PER_UNIT_ACTIONS:
            transition = policy.reentry(current, event.action)  # another unit accepts too
        if transition is None:
            raise ActionRefused(self._not_allowed(event.action, current, state))
        person = self.person(event.actor)
        self._check_role(transition, person, state, event)
        kind = state.kind if state is not None else event.data.get("kind", "")
        if transition.kinds and kind not in transition.kinds:
            kinds = "、".join(policy.kinds[k].name if k in policy.kinds else k for k in transition.kinds)
            raise ActionRefused(
                f"「{transition.name or policy.action_name(event.action)}」只适用于{kinds}（{transition.citation.article}）"
            )
        required = transition.requires
        if transition.requires_by_kind:
            required = (*required, *transition.requires_by_kind.get(kind, ()))
        # a recorded event of this jurisdiction's log met them when it was recorded (``recorded_as_is``)
        missing = [f for f in required if not event.data.get(f)] \
            if required and not (event.seq and self.recorded_as_is) else None
        if missing:
            names = "、".join(self.policy.field_names.get(f, f) for f in missing)
            raise ActionRefused(
                f"「{transition.name or policy.action_name(event.action)}」缺少{names}（{transition.citation.article}）；"
                f"请加上 --{' --'.join(m.replace('_', '-') for m in missing)}"
            )
        if state is None:
            state = self._register(event)
        else:
            named = event.data.get("units")
            if named and event.action not in UNIT_SETTING_ACTIONS:
                named = (named,) if isinstance(named, str) else tuple(named)
                strangers = [u for u in named if u not in state.units]
                if strangers:
                    raise ActionRefused(
                        f"单位 {'、'.join(strangers)} 不是本事项的承办单位（主办 {'、'.join(state.lead_units) or '无'}"
                        f"，协办 {'、'.join(state.co_units) or '无'}）；--unit 请写本事项的承办单位")
            state.events.append(event)
            action = event.action
            if state.obligations or state.series:
                self._meet(state, event, person)
            if action not in self._handlers:
                self._handlers[action] = getattr(self, f"_on_{action}", None)
            handler = self._handlers[action]
            if handler is not None:
                handler(state, event)
            if transition.obliges:
                self._oblige(state, transition, event)
            if action not in UNMARKED_ACTIONS:
                state.marks.append(event)
        if transition.target is not None and not self._waiting_for_other_leads(transition, person, state, event):
            if transition.target != state.state:
                self._moved(state, state.state, transition.target, event.on)
            state.state = transition.target
        return state

    # --- authority (checked on a new step, not when folding a recorded history) ------------------

    def authority_for(self, state: MatterState | None, action: str, data: dict[str, Any]) -> dict[str, Authority]:
        """Who must approve or sign a step ``action`` with ``data`` on the matter: for each field that
        names the person (``approved_by``, ``head_signoff`` …), the roles one of which that person
        must hold, whether of the acting unit, and the article. From the policy's ``ApprovalRule``s
        governing the step; a step that requires ``approved_by`` with no rule of its own is approved
        by its extension rule's granting leaders (延期) or any leader."""
        policy = self.policy
        current = state.state if state is not None else policy.procedure.initial
        transition = policy.transition(current, action)
        if transition is None:
            return {}
        kind = state.kind if state is not None else data.get("kind", "")
        out: dict[str, Authority] = {}
        for rule in policy.approvals:
            if rule.approver_roles and rule.governs(action, current, data):
                old = out.get(rule.field)
                roles = tuple(dict.fromkeys((*(old.roles if old else ()), *rule.approver_roles)))
                out[rule.field] = Authority(roles, rule.citation, rule.same_unit or bool(old and old.same_unit))
        required = (*transition.requires, *transition.requires_by_kind.get(kind, ()))
        if "approved_by" in required and "approved_by" not in out:
            ext = policy.extension_rule_for(kind) if action == "extension_grant" else None
            roles = tuple(r for r in (ext.granted_by if ext else ()) if r in policy.roles and policy.roles[r].scope != "office")
            roles = roles or tuple(r.id for r in policy.roles.values() if r.scope == "leader")
            out["approved_by"] = Authority(roles, ext.citation if ext else transition.citation, False)
        return out

    def choices_for(self, transition, field: str) -> tuple[str, ...]:
        """The values ``field`` may take on ``transition`` (``Policy.choices_for``)."""
        return self.policy.choices_for(transition, field)

    def check_new(self, state: MatterState | None, event: Event) -> None:
        """What a new step must satisfy beyond ``apply``'s checks (not re-judged when folding a
        recorded history): its approver's or signer's authority (``check_authority``) and a value
        from the document's own list where a field has one (``Transition.choices``)."""
        policy = self.policy
        current = state.state if state is not None else policy.procedure.initial
        transition = policy.transition(current, event.action)
        if transition is not None:
            for field in transition.choices:
                allowed = self.choices_for(transition, field)
                value = event.data.get(field)
                if allowed and value is not None and value not in allowed:
                    step = transition.name or policy.action_name(event.action)
                    shown = "、".join(_value_text(policy, v) for v in allowed)
                    raise ActionRefused(
                        f"--{field.replace('_', '-')} {_value_text(policy, value)}：「{step}」的"
                        f"{policy.field_names.get(field, field)}须为{shown}之一（{transition.citation.article}"
                        + (f"；设置 {transition.choices[field]}）" if isinstance(transition.choices[field], str) else "）"))
        self.check_named_units(state, event)
        self.check_responsible(state, event)
        self.check_authority(state, event)

    def check_named_units(self, state: MatterState | None, event: Event) -> None:
        """The units a new step names (``unit``, ``units``): a person whose roles are all unit-scope
        acts for their own unit only; ``unit`` (the unit acted for, e.g. 承办) is one of the matter's
        handling units. Raises ActionRefused. Not re-judged when folding a recorded history."""
        named: list[str] = []
        for field in ("unit", "units"):
            value = event.data.get(field)
            if value:
                named += [value] if isinstance(value, str) else [str(u) for u in value]
        if not named:
            return
        policy = self.policy
        person = self.person(event.actor)
        roles = [r for r in person.roles if r in policy.roles]
        if roles and all(policy.roles[r].scope == "unit" for r in roles):
            others = [u for u in dict.fromkeys(named) if u != person.unit]
            if others:
                raise ActionRefused(
                    f"{person.name} 是单位 {person.unit or '（未写单位）'} 的人员，只能为本单位办理；"
                    f"--unit {'、'.join(others)} 不是其所在单位，请去掉 --unit 或由该单位人员办理")
        unit = event.data.get("unit")
        if isinstance(unit, str) and unit and state is not None and event.action not in UNIT_SETTING_ACTIONS \
                and unit not in state.units:
            raise ActionRefused(
                f"单位 {unit} 不是事项 {state.id} 的承办单位（主办 {'、'.join(state.lead_units) or '无'}"
                f"，协办 {'、'.join(state.co_units) or '无'}）；--unit 请写本事项的承办单位")

    def check_authority(self, state: MatterState | None, event: Event) -> None:
        """Refuse a new step whose approver or signer lacks the authority the policy requires
        (``authority_for``: 审批、审签 by a person holding one of the roles, of the acting unit where
        the rule says so), or an application made too late for its planned start (``advance``).
        Raises ActionRefused; a person id unknown to the directory raises the directory's error.
        History already recorded is not re-judged (``fold`` does not call this)."""
        policy = self.policy
        current = state.state if state is not None else policy.procedure.initial
        transition = policy.transition(current, event.action)
        if transition is None:
            return  # apply refuses it with the reason
        step = transition.name or policy.action_name(event.action)
        authority = self.authority_for(state, event.action, event.data)
        for field in SIGNER_FIELDS:  # a sign-off or approval given where no rule asks for one: still a real person
            value = event.data.get(field)
            if field in authority or value in (None, False):
                continue
            option = "--" + field.replace("_", "-")
            if value is True:
                raise ActionRefused(f"{option} 须写人员id（ducha.toml 中的 person），不能只写 {option}")
            who = self.directory(str(value))
            acting = self._acting_unit(self.person(event.actor), event)
            if field == "head_signoff" and acting and who.unit != acting:
                raise ActionRefused(f"{option} {value}（{who.name}）不是本单位（{acting}）的人员；请写本单位主要负责人的人员id")
        for field, auth in authority.items():
            names = "或".join(policy.roles[r].name for r in auth.roles if r in policy.roles) or "（本辖区无此角色）"
            verb = "批准" if field == "approved_by" else "审签"
            option = "--" + field.replace("_", "-")
            value = event.data.get(field)
            if not value or value is True:
                raise ActionRefused(f"「{step}」须经{names}{verb}（{auth.citation.article}）；请加上 {option} 人员id")
            who = self.directory(str(value))
            if not any(r in auth.roles for r in who.roles):
                raise ActionRefused(f"{option} {value}（{who.name}）不是{names}：「{step}」须经{names}{verb}"
                                    f"（{auth.citation.article}）")
            acting = self._acting_unit(self.person(event.actor), event)
            if auth.same_unit and acting and who.unit != acting:
                raise ActionRefused(f"{option} {value}（{who.name}）不是本单位（{acting}）的{names}（{auth.citation.article}）")
        for rule in policy.approvals:
            if rule.advance is not None and rule.governs(event.action, current, event.data):
                start = event.data.get(rule.start_field)
                if not start:
                    continue
                day = _parse_date(start, rule.start_field)
                latest = resolve(rule.advance, day, self.calendar, policy.convention, explain=False).date
                if latest is not None and event.on > latest:
                    option = "--" + rule.start_field.replace("_", "-")
                    raise ActionRefused(
                        f"「{step}」须{rule.advance.describe()}提出（{policy.field_names.get(rule.start_field, rule.start_field)}"
                        f" {day}），最迟 {latest}（{rule.citation.article}）；{event.on} 已晚，请推迟 {option} 或另行报批")

    # --- obligations -----------------------------------------------------------------------------

    def obligations(self, state: MatterState, as_of: date, *, include_next: bool = False) -> list[Obligation]:
        """Every obligation of the matter as of ``as_of`` (its fixed ones and the occurrences of its
        recurring reports), in order of last day. A withdrawn matter (撤销: registered by mistake)
        owes nothing and never did: none."""
        if state.state == "withdrawn":
            return []
        return all_obligations(state, as_of, self.calendar, self.policy.convention, explain=self.explain,
                               include_next=include_next)

    def _acting_unit(self, person: Person, event: Event) -> str | None:
        return person.unit or event.data.get("unit") or None

    def _owes(self, owed_by: tuple[str, ...], unit: str | None, person: Person, state: MatterState) -> bool:
        """Whether the actor's event counts for an obligation owed by ``owed_by``: the office's by an
        office actor; a unit's by a person of that unit (an actor of no unit counts for the lead
        units: the office recording for them, or a scenario's role)."""
        if owed_by == (OFFICE,):
            policy = self.policy
            return any(policy.roles[r].scope == "office" for r in person.roles if r in policy.roles)
        if unit is None:
            return any(u in state.lead_units for u in owed_by)
        return unit in owed_by

    def _meet(self, state: MatterState, event: Event, person: Person) -> None:
        """Mark the obligations this event meets (a unit's report meets its own unit's only)."""
        action, on = event.action, event.on
        unit = self._acting_unit(person, event)
        for ob in state.obligations:
            if (action in ob.met_by and ob.met_on is None and ob.superseded_on is None and ob.ended_on is None
                    and ob.starts <= on and self._owes(ob.owed_by, unit, person, state)):
                ob.meet(on, self.calendar)
        for series in state.series:
            if action in series.met_by and series.ended_on is None and self._owes(series.owed_by, unit, person, state):
                series.record(on, self.calendar, self.policy.convention, period=event.data.get("period"))

    def _moved(self, state: MatterState, old: str, new: str, on: date) -> None:
        """A change of state: the end of the matter ends what is still owed; a stopped clock ends
        the recurring reports, a clock that runs again restarts them."""
        states = self.policy.states
        if states[new].done:
            for ob in state.obligations:
                if ob.met_on is None and ob.superseded_on is None and ob.ended_on is None:
                    ob.ended_on = on
        running_before, running = states[old].clock_running, states[new].clock_running
        if states[new].done or (running_before and not running):
            for series in state.series:
                if series.ended_on is None:
                    series.ended_on = on
        elif running and not running_before and state.series:
            for series in list(state.series):
                if series.ended_on is not None and not any(
                        x.cycle.id == series.cycle.id and x.owed_by == series.owed_by and x.ended_on is None
                        for x in state.series):
                    state.series.append(Series(f"{series.id}~{on.isoformat()}", series.cycle, series.owed_by, on,
                                               series.met_by))

    def _new_id(self, state: MatterState, base: str) -> str:
        taken = {ob.id for ob in state.obligations}
        if base not in taken:
            return base
        n = 2
        while f"{base}#{n}" in taken:
            n += 1
        return f"{base}#{n}"

    def _add(self, state: MatterState, *, what: str, name: str, owed_by: tuple[str, ...], starts: date,
             deadline: dl.Deadline, met_by: tuple[str, ...] = (), **links) -> Obligation:
        ob = Obligation(self._new_id(state, f"{what}:{deadline.rule}:{','.join(owed_by)}"), what, name, owed_by,
                        starts, deadline, met_by or DEFAULT_MET_BY.get(what, ("progress", "submit")), **links)
        state.obligations.append(ob)
        return ob

    def _not_before(self, deadline: dl.Deadline, starts: date) -> dl.Deadline:
        """No obligation falls due before the day it starts: a last day counted from an earlier
        anchor (a meeting, the day a document was received) is moved to the day it starts."""
        if deadline.date is None or deadline.date >= starts:
            return deadline
        day = self.calendar.roll_forward(starts)
        return attrs.evolve(deadline, date=day, explanation=(
            *deadline.explanation, f"按起算日计算的期限 {deadline.date} 早于义务产生之日 {starts}，以 {day} 为期限"))

    def _cap(self, rule, anchor: date | None, day: date, what: str) -> None:
        """Refuse a last day past a rule's cap (``max_period``, 最迟不得超过: a time limit's or an
        extension rule's), counted from the anchor and moved off a rest day like any period."""
        if rule is None or rule.max_period is None or anchor is None:
            return
        cap = resolve(rule.max_period, anchor, self.calendar, self.policy.convention, explain=False).date
        if cap is not None and day > cap:
            raise ActionRefused(
                f"{what} {day} 超过最长期限 {cap}（自 {anchor} 起{rule.max_period.describe()}，{rule.citation.article}）"
                f"；请给出不晚于 {cap} 的日期"
            )

    def _owing_groups(self, limit, what: str, state: MatterState) -> list[tuple[str, ...]]:
        mode = limit.owed_by if limit is not None else None
        if mode is None:
            submit_each = self.policy.files_each_lead("submit")
            mode = "leads" if what in ("result", "answer") and not submit_each else "each_lead"
        if mode == "leads":
            return [state.lead_units]
        if mode == "each_lead":
            return [(u,) for u in state.lead_units]
        return [(u,) for u in state.units]

    def _current_results(self, state: MatterState, unit: str | None = None) -> list[Obligation]:
        """The result/answer obligations now in force (not superseded), the latest per owing group;
        of one unit's groups if ``unit`` is given."""
        latest: dict[tuple[str, ...], Obligation] = {}
        for ob in state.obligations:
            if ob.what in ("result", "answer") and ob.superseded_on is None:
                latest[ob.owed_by] = ob
        found = list(latest.values())
        if unit is not None:
            found = [ob for ob in found if unit in ob.owed_by] or found
        return found

    def _sync_due(self, state: MatterState) -> None:
        """``state.due``: the result deadline now in force (of the first lead unit's group);
        ``state.deadlines``: every fixed deadline now in force (kept for callers that read one)."""
        current = self._current_results(state)
        first = state.lead_units[:1]
        chosen = next((ob for ob in current if first and first[0] in ob.owed_by), current[0] if current else None)
        state.due = chosen.deadline if chosen is not None else None
        seen: list[dl.Deadline] = []
        for ob in state.obligations:
            if ob.deadline.date is None and ob.deadline.rule == "none":
                continue  # a result owed without a time limit: no deadline to list
            if ob.superseded_on is None and ob.deadline not in seen and (ob.what not in ("result", "answer") or ob in current):
                seen.append(ob.deadline)
        seen.sort(key=lambda d: d is not state.due)
        state.deadlines = seen

    def _oblige(self, state: MatterState, transition, event: Event) -> None:
        """The obligations a step creates on the units it names (约谈 → 书面整改方案; 限期整改);
        none on a matter that has ended. Each records the index of the event that created it."""
        if self.policy.states[state.state].done:
            return
        units = event.data.get("units") or state.lead_units
        units = (units,) if isinstance(units, str) else tuple(units)
        source = len(state.events) - 1
        for owes in transition.obliges:
            if owes.when and any(event.data.get(k) != v for k, v in owes.when.items()):
                continue
            rule = f"{transition.action}:{owes.what}"
            if owes.date_field and (event.data.get(owes.date_field) or owes.period is None):
                if not event.data.get(owes.date_field):
                    raise ActionRefused(f"「{owes.name}」须写明期限（{owes.citation.article}）；请加上 --{owes.date_field.replace('_', '-')} YYYY-MM-DD")
                day = _parse_date(event.data[owes.date_field], owes.date_field)
                if day < event.on:
                    raise ActionRefused(f"{owes.name}期限 {day} 早于 {event.on}；请给出以后的日期")
                deadline = dl.explicit(day, self.calendar, owes.name, owes.citation, convention=self.policy.convention,
                                       what=owes.what, rule=rule, anchor=event.on)
            else:  # the period (a setting's value where it names one) was read when the policy was compiled
                anchor = self._anchor_day(owes, event)
                deadline = dl.from_period(owes.period, anchor, self.calendar, self.policy.convention, rule=rule,
                                          name=owes.name, what=owes.what, citation=owes.citation,
                                          head=f"{owes.name}：自 {anchor} 起 {owes.period.describe()}",
                                          reading=owes.reading, explain=self.explain)
            for unit in units:
                self._add(state, what=owes.what, name=owes.name, owed_by=(unit,), starts=event.on, deadline=deadline,
                          met_by=owes.met_by, source=source)

    def _anchor_day(self, owes, event: Event) -> date:
        """The day an obligation's period counts from: the day the step names in ``owes.anchor_field``
        (a date, or a text carrying one: ``--time "2025年10月20日上午9时"`` — 约谈之日 when the notice
        goes out before the talk), else the step's day. Raises ActionRefused for a day before the step."""
        if not owes.anchor_field:
            return event.on
        day = day_in_text(event.data.get(owes.anchor_field))
        if day is None:
            return event.on
        if day < event.on:
            name = self.policy.field_names.get(owes.anchor_field, owes.anchor_field)
            raise ActionRefused(f"{name} {day} 早于本步骤的日期 {event.on}；请核对 --{owes.anchor_field.replace('_', '-')}")
        return day

    def _waiting_for_other_leads(self, transition, person: Person, state: MatterState, event: Event) -> bool:
        """For an action each lead unit performs, whether some lead unit has yet to perform it."""
        if not transition.each_lead_unit or not state.lead_units:
            return False
        unit = person.unit or event.data.get("unit")  # a unit files for itself, not as another unit
        if unit in state.lead_units and unit not in state.submitted_by:
            state.submitted_by = (*state.submitted_by, unit)
        return not set(state.lead_units) <= set(state.submitted_by)

    # --- checks ----------------------------------------------------------------------------------

    def _check_role(self, transition, person: Person, state: MatterState | None, event: Event) -> None:
        if event.data.get("late_entry") and self._is_office(person):
            return  # 补录: the office records, with its reason, a step a unit took earlier (for the lead units)
        key = (id(transition), person.roles)
        unit_scoped = self._unit_scoped.get(key)
        if unit_scoped is None:
            unit_scoped = self._unit_scoped[key] = self._role_scope(transition, person, event)
        if state is not None and unit_scoped:
            self._check_unit(transition, person, state)

    def _is_office(self, person: Person) -> bool:
        policy = self.policy
        return any(policy.roles[r].scope == "office" for r in person.roles if r in policy.roles)

    def _role_scope(self, transition, person: Person, event: Event) -> bool:
        """Whether the person may perform the transition only as a handling unit; refuses a person
        who holds none of its roles."""
        policy = self.policy
        held = [r for r in person.roles if r in transition.roles]
        if not held:
            role_names = "、".join(policy.roles[r].name for r in transition.roles if r in policy.roles)
            mine = "、".join(policy.roles[r].name if r in policy.roles else r for r in person.roles) or "无角色"
            raise ActionRefused(
                f"{person.name}（{mine}）无权「{transition.name or policy.action_name(event.action)}」；"
                f"须由{role_names}办理（{transition.citation.article}）"
            )
        return all(policy.roles[r].scope == "unit" for r in held)

    def _check_unit(self, transition, person: Person, state: MatterState) -> None:
        """A unit acts only for matters it handles, and only as a lead unit where the step says so."""
        if transition.lead_only and state.lead_units and person.unit not in state.lead_units:
            step = transition.name or self.policy.action_name(transition.action)
            raise ActionRefused(
                f"「{step}」须由主办（牵头）单位{'、'.join(state.lead_units)}办理（{transition.citation.article}）；"
                f"{person.unit} 是协办单位"
                if person.unit in state.co_units else
                f"{person.name} 所在单位 {person.unit or '（无）'} 不是事项 {state.id} 的主办单位（{', '.join(state.lead_units)}）"
            )
        if person.unit not in state.lead_units and person.unit not in state.co_units:
            raise ActionRefused(
                f"{person.name} 所在单位 {person.unit or '（无）'} 不是事项 {state.id} 的承办单位"
                f"（{', '.join(state.units) or '尚未交办'}）"
            )

    # --- handlers --------------------------------------------------------------------------------

    def _register(self, event: Event) -> MatterState:
        data = event.data
        kind = data.get("kind", "")
        if kind not in self.policy.kinds:
            known = "、".join(f"{k}（{v.name}）" for k, v in self.policy.kinds.items())
            raise ActionRefused(f"未知的事项类别 '{kind}'；{self.policy.jurisdiction.name}的类别：{known}")
        received = _parse_date(data.get("received", event.on), "received")
        if received > event.on:
            raise ActionRefused(f"收到日期 {received} 晚于立项日期 {event.on}；请核对 --received")
        state = MatterState(
            id=event.matter,
            kind=kind,
            title=str(data.get("title", "")),
            state=self.policy.procedure.initial,
            registered_on=event.on,
            received_on=received,
            source=str(data.get("source", "")),
            confidential=bool(data.get("confidential", False)),
            # 知悉范围 is a confidential matter's (an open one has none, whatever its registration says)
            viewers=tuple(data.get("viewers", ())) if data.get("confidential") else (),
            events=[event],
        )
        warning = self.policy.force_warning(event.on)
        if warning:
            state.warnings.append(warning)
        return state

    def _on_assign(self, state: MatterState, event: Event) -> None:
        data = event.data
        policy, cal = self.policy, self.calendar
        lead = tuple(data.get("lead_units") or ())
        if not lead:
            raise ActionRefused("交办须写明至少一个主办（牵头）单位；请加上 --lead UNIT")
        co = tuple(data.get("co_units") or ())
        both = set(lead) & set(co)
        if both:
            raise ActionRefused(f"单位 {'、'.join(sorted(both))} 不能既是主办又是协办；请从 --lead 或 --co 中去掉")
        transition = policy.transition(state.state, "assign")
        step = (transition.name if transition is not None else "") or "交办"
        limit = transition.max_lead_units if transition is not None else None
        if limit is not None and len(lead) > limit:
            raise ActionRefused(
                f"「{step}」至多{limit}个主办单位（{transition.citation.article}）；其余列为协办单位 (--co)"
            )
        state.lead_units, state.co_units = lead, co
        state.assigned_on = event.on
        anchors = {"assigned": event.on, "registered": state.registered_on, "received": state.received_on}
        if data.get("meeting"):
            meeting = _parse_date(data["meeting"], "meeting")
            if meeting > event.on:
                raise ActionRefused(f"会议日期 {meeting} 晚于交办日期 {event.on}；会议召开后才能交办其决定事项")
            anchors["meeting"] = meeting
        explicit_day = _parse_date(data["deadline"], "deadline") if data.get("deadline") else None
        if explicit_day is not None and explicit_day < event.on:
            raise ActionRefused(f"办理时限 {explicit_day} 早于交办日 {event.on}；请给出以后的日期")
        limits = policy.limits_for(state.kind, state.registered_on)
        result_limit = next((t for t in limits if t.what in ("result", "answer")), None)
        planned: list[tuple] = []  # (limit or None, deadline)
        for limit in limits:
            key = policy.anchor_of(limit)
            if key not in anchors:
                what = "会议召开日期（--meeting DATE）" if key == "meeting" else f"{FIELD_NAMES.get(key, key)}"
                raise ActionRefused(f"{limit.name}（{limit.citation.article}）自{what}起算；请在交办时写明")
            anchor = anchors[key]
            if limit is result_limit and explicit_day is not None:
                if not limit.explicit_first:
                    raise ActionRefused(f"{limit.name}由{limit.citation.article}规定，不能另行指定 --deadline")
                deadline = dl.explicit(explicit_day, cal, "交办通知明确的办理时限", limit.citation,
                                       convention=policy.convention, what=limit.what, anchor=anchor)
                self._cap(limit, anchor, deadline.date, "办理时限")
            elif isinstance(limit.period, AsAssigned):
                raise ActionRefused(
                    f"「{step}」缺少办理时限（{limit.citation.article}：{limit.citation.quote or limit.name}）；"
                    "请加上 --deadline YYYY-MM-DD"
                )
            else:
                key = (id(limit), anchor)  # the policy's own limit (the engine holds the policy)
                deadline = self._limit_deadlines.get(key)
                if deadline is None:
                    deadline = self._limit_deadlines[key] = dl.from_limit(limit, anchor, policy, cal,
                                                                          explain=self.explain)
            planned.append((limit, self._not_before(deadline, event.on)))
        if result_limit is None:
            if explicit_day is not None:
                planned.insert(0, (None, dl.explicit(explicit_day, cal, convention=policy.convention, anchor=event.on)))
            else:  # the document sets no time limit for this kind and none was given: owed, without a day
                planned.insert(0, (None, dl.Deadline(
                    "none", "办理结果（未规定时限）", "result", None, None, False,
                    ("文件未规定此类事项的办理时限，交办时也未明确；台账显示“无期限”",) if self.explain else (),
                    anchor=event.on, period="无期限")))
        for limit, deadline in planned:
            for group in self._owing_groups(limit, deadline.what, state):
                self._add(state, what=deadline.what, name=deadline.name, owed_by=group, starts=event.on,
                          deadline=deadline, met_by=limit.met_by if limit is not None else (),
                          limit=limit.id if limit is not None else "")
        for cycle in self._chosen_cycles(state, event, step):
            groups = [(u,) for u in lead] if cycle.reporter == "unit" else [(OFFICE,)]
            met_by = cycle.met_by or DEFAULT_MET_BY["cycle" if cycle.reporter == "unit" else "check"]
            for group in groups:
                state.series.append(Series(f"cycle:{cycle.id}:{','.join(group)}", cycle, group, event.on, met_by))
        self._sync_due(state)

    def _chosen_cycles(self, state: MatterState, event: Event, step: str):
        """The recurring reports owed on the matter: every cycle of its kind, and of alternative
        cycles the one the assignment names (``cycle``: its id, or week/month/quarter/year)."""
        cycles = self.policy.cycles_for(state.kind)
        choices = [c for c in cycles if c.choice]
        named = event.data.get("cycle")
        if not choices:
            if named:  # else silently ignored: the office would believe a cycle was set
                raise ActionRefused(f"「{step}」：本类事项没有可选的调度周期，--cycle {named} 无从适用；请去掉 --cycle")
            return cycles
        chosen = [c for c in choices if named in (c.id, c.every)]
        if not chosen:
            options = "、".join(f"{c.id}（{c.name}）" for c in choices)
            what = f"调度周期 {named} 不是可选周期" if named else "须明确调度周期"
            raise ActionRefused(f"「{step}」{what}（{choices[0].citation.article}）；可选：{options}；请加上 --cycle ID")
        return (*tuple(c for c in cycles if not c.choice), chosen[0])

    def _accepting(self, state: MatterState, event: Event) -> tuple[str, str]:
        """(the unit accepting, its 责任人) of an accept (承办) step."""
        person = event.data.get("responsible_person") or event.actor
        unit = self.person(event.actor).unit or event.data.get("unit") or (state.lead_units[:1] or ("",))[0]
        return unit, str(person)

    def check_responsible(self, state: MatterState | None, event: Event) -> None:
        """A new accept (承办) names its own unit's 责任人 (每个承办单位明确本单位的责任人). Checked when
        the step is recorded, not when a recorded history is folded: a person who later moves to another
        unit in ``ducha.toml`` leaves the matters they accepted readable. Raises ActionRefused."""
        if event.action != "accept" or state is None:
            return
        unit, person = self._accepting(state, event)
        try:
            named = self.person(person)
        except Exception:  # not a person of the directory: the ledger names the fault when it records
            return
        if named.unit and unit and named.unit != unit:
            raise ActionRefused(f"责任人 {named.name}（{person}）是单位 {named.unit} 的人员，不是 {unit} 的；"
                                "每个承办单位明确本单位的责任人，请改 --responsible")

    def _on_accept(self, state: MatterState, event: Event) -> None:
        """Each handling unit accepts for itself and names its own 责任人 (承办)."""
        unit, _ = self._accepting(state, event)
        if unit in state.responsible:
            who = state.responsible[unit]
            raise ActionRefused(f"单位 {unit} 已承办事项 {state.id}（责任人 {who}）；每个承办单位承办一次")
        state.responsible[unit] = event.data.get("responsible_person") or event.actor

    def _on_remind(self, state: MatterState, event: Event) -> None:
        state.reminders.append((event.on, str(event.data.get("method", ""))))

    def _on_progress(self, state: MatterState, event: Event) -> None:
        state.progress_on.append(event.on)

    def _on_submit(self, state: MatterState, event: Event) -> None:
        state.submitted_on = event.on
        state.progress_on.append(event.on)

    def _on_review_return(self, state: MatterState, event: Event) -> None:
        """退回重新办理: the result met stays met on its day (the on-time rate counts the original
        limit); a rework is owed, by the day the return names (moved off a rest day) or else by the
        original day."""
        state.returns += 1
        state.submitted_on = None
        state.submitted_by = ()
        day = None
        if event.data.get("deadline"):
            day = _parse_date(event.data["deadline"], "deadline")
            if day < event.on:
                raise ActionRefused(f"重新办理的期限 {day} 早于退回日 {event.on}；请给出以后的日期")
        for ob in self._current_results(state):
            if day is not None:
                deadline = dl.explicit(day, self.calendar, "退回重新办理期限", ob.deadline.citation,
                                       convention=self.policy.convention, what=ob.what, rule="rework",
                                       anchor=ob.deadline.anchor, note=f"{event.on} 退回重新办理")
            else:
                deadline = attrs.evolve(ob.deadline, rule="rework", name="退回重新办理（仍按原期限）", explanation=(
                    *ob.deadline.explanation, f"{event.on} 退回重新办理，未另定期限，仍按原期限"))
            if ob.met_on is not None:
                self._add(state, what=ob.what, name="退回重新办理", owed_by=ob.owed_by, starts=event.on,
                          deadline=deadline, met_by=ob.met_by, rework_of=ob.rework_of or ob.id, limit=ob.limit)
            elif day is not None:
                new = self._add(state, what=ob.what, name="退回重新办理", owed_by=ob.owed_by, starts=event.on,
                                deadline=deadline, met_by=ob.met_by, supersedes=ob.id, rework_of=ob.rework_of,
                                limit=ob.limit)
                ob.supersede(event.on, new.id, self.calendar)
        self._sync_due(state)

    def _extension_rule(self, state: MatterState):
        rule = self.policy.extension_rule_for(state.kind)
        if rule is None:
            raise ActionRefused(f"{self.policy.jurisdiction.name}的文件未规定延期办理；按原期限办理")
        return rule

    def _on_extension_ask(self, state: MatterState, event: Event) -> None:
        rule = self._extension_rule(state)
        missing = [f for f in rule.requires if not event.data.get(f)]
        if missing:
            names = "、".join(self.policy.field_names.get(f, f) for f in missing)
            raise ActionRefused(f"延期申请须说明{names}（{rule.citation.article}）；请加上 --{' --'.join(missing)}")
        unit = self._acting_unit(self.person(event.actor), event)
        owed = [ob for ob in self._current_results(state, unit) if ob.met_on is None and ob.ended_on is None]
        due = min((ob.due for ob in owed if ob.due is not None), default=None)
        if rule.ask_before_deadline and due is not None and event.on > due:
            raise ActionRefused(f"延期申请须在期限 {due} 前提出（{rule.citation.article}），{event.on} 已逾期")
        state.pending_extension = {"asked_on": event.on, "asked_by_unit": unit, **event.data}

    def _replace_limits(self, state: MatterState, event: Event, day: date, *, name: str, citation: Citation | None,
                        rule: str, unit: str | None, note: str = "", capped_by=None) -> None:
        """Supersede the result obligations still owed (of ``unit``, else all) by a new last day
        ``day`` (moved off a rest day, capped by the limit's 最迟不得超过); the old ones stay on the
        record, with any lateness against them."""
        owed = [ob for ob in self._current_results(state, unit) if ob.met_on is None and ob.ended_on is None]
        if not owed:
            raise ActionRefused(f"事项 {state.id} 没有尚未完成的办理时限可以变更")
        for ob in owed:
            deadline = dl.explicit(day, self.calendar, name, citation, convention=self.policy.convention,
                                   what=ob.what, rule=rule, anchor=ob.deadline.anchor, note=note)
            if ob.due is not None and deadline.date <= ob.due:
                raise ActionRefused(f"延至 {deadline.date} 不晚于现有期限 {ob.due}；延期须给出更晚的日期")
            self._cap(capped_by, ob.deadline.anchor, deadline.date, "延期后期限")
            self._cap(self._root_limit(state, ob), ob.deadline.anchor, deadline.date, "变更后的期限")
            new = self._add(state, what=ob.what, name=name, owed_by=ob.owed_by, starts=event.on, deadline=deadline,
                            met_by=ob.met_by, supersedes=ob.id, rework_of=ob.rework_of, limit=ob.limit)
            ob.supersede(event.on, new.id, self.calendar)
        self._sync_due(state)

    def _root_limit(self, state: MatterState, ob: Obligation):
        """The time limit rule an obligation descends from (through extensions and reworks)."""
        return next((t for t in self.policy.time_limits if t.id == ob.limit), None)

    def _on_extension_grant(self, state: MatterState, event: Event) -> None:
        rule = self._extension_rule(state)
        if state.pending_extension is None:
            raise ActionRefused("尚无延期申请：先由承办单位申请（ducha extension ask）")
        until = event.data.get("until") or state.pending_extension.get("until")
        if not until:
            raise ActionRefused("同意延期须写明延至的日期；请加上 --until YYYY-MM-DD")
        day = _parse_date(until, "until")
        unit = state.pending_extension.get("asked_by_unit")
        self._replace_limits(state, event, day, name="延长办理期限", citation=rule.citation,
                             rule=f"extension:{rule.id}", unit=unit, note=f"{event.on} 同意延期", capped_by=rule)
        state.extensions.append({"granted_on": event.on, "until": day, **state.pending_extension})
        state.pending_extension = None

    def _on_set_deadline(self, state: MatterState, event: Event) -> None:
        """另定办理时限: where the document has no extension procedure for the kind, the office sets a
        new time limit with its reason and, by default, a leader's approval (setting
        ``deadline_correction``: leader_approval | office | none)."""
        policy = self.policy
        ext = policy.extension_rule_for(state.kind)
        if ext is not None:
            raise ActionRefused(
                f"{policy.jurisdiction.name}的文件规定了延期程序（{ext.citation.article}）：由承办单位申请延期"
                f"（ducha extension ask {state.id} …），经同意后延期；不另定期限"
            )
        mode = policy.settings.get("deadline_correction", "leader_approval")
        if mode == "none":
            raise ActionRefused("本部署不允许另定办理时限（设置 deadline_correction = \"none\"）")
        for field in ("until", "reason"):
            if not event.data.get(field):
                raise ActionRefused(f"另定办理时限须写明{policy.field_names.get(field, field)}；请加上 --{field}")
        approver = event.data.get("approved_by")
        if mode == "leader_approval":
            if not approver:
                raise ActionRefused("另定办理时限须经领导批准（设置 deadline_correction = leader_approval）；请加上 --approved-by PERSON")
            who = self.person(approver)
            if not any(policy.roles[r].scope == "leader" for r in who.roles if r in policy.roles):
                leaders = "、".join(r.name for r in policy.roles.values() if r.scope == "leader") or "（无）"
                raise ActionRefused(f"--approved-by {approver} 不是领导；另定办理时限须经领导（{leaders}）批准")
        day = _parse_date(event.data["until"], "until")
        if day < event.on:
            raise ActionRefused(f"新的办理时限 {day} 早于 {event.on}；请给出以后的日期")
        units = event.data.get("units")
        unit = units if isinstance(units, str) else (units[0] if units else None)
        note = f"{event.on} 另定期限，理由：{event.data['reason']}" + (
            f"；批准：{self.person(approver).name}" if approver else "")
        step = policy.transition(state.state, "set_deadline")
        self._replace_limits(state, event, day, name="另定办理时限", citation=step.citation if step else None,
                             rule="set_deadline", unit=unit, note=note)

    def _on_correct(self, state: MatterState, event: Event) -> None:
        """更正: the office corrects a title, source or kind with a reason; the old values stay in the
        event (``correction``: 事项名称 旧→新 …), so the history shows them."""
        policy = self.policy
        changes = []
        for field in ("title", "source", "kind"):
            value = event.data.get(field)
            if value is None or value == "":
                continue
            value = str(value).strip()
            if field == "kind":
                names = {k.name: k.id for k in policy.kinds.values()}
                value = names.get(value, value)
                if value not in policy.kinds:
                    known = "、".join(f"{k.id}（{k.name}）" for k in policy.kinds.values())
                    raise ActionRefused(f"类别 '{event.data[field]}' 不是{policy.jurisdiction.name}的事项类别；可用：{known}")
            old = getattr(state, field) or ""
            if value == old:
                continue
            changes.append((field, old, value))
        if not changes:
            raise ActionRefused("更正须写明新的事项名称、来源或类别（与现值不同）；请加上 --title、--source 或 --kind")
        if not event.data.get("reason"):
            raise ActionRefused("更正须写明理由；请加上 --reason")
        for field, _old, value in changes:
            setattr(state, field, value)
        kind = next((new for field, _old, new in changes if field == "kind"), None)
        if kind is not None:
            self._reassign_as_kind(state, event, kind)

        def shown(field: str, value: str) -> str:
            if field == "kind" and value in policy.kinds:
                return policy.kinds[value].name
            return value or "（空）"

        event.data.setdefault("correction", "；".join(
            f"{policy.field_names.get(f, f)} {shown(f, o)}→{shown(f, n)}" for f, o, n in changes))

    def _reassign_as_kind(self, state: MatterState, event: Event, kind: str) -> None:
        """A kind corrected after assignment: the unit was told the old kind's limits, so what it
        owed under them stands (met, late or missed, on the record); from the correction the
        corrected kind's limits apply, counted from the correction day as if the assignment were
        notified again (更正后重新明确办理时限), superseding what is still owed. A matter whose
        handling has ended keeps its obligations: only its kind is corrected. Raises ActionRefused
        when the assignment does not fit the corrected kind (e.g. it needs --deadline or --meeting)."""
        assign = state.last("assign")
        if assign is None or self.policy.states[state.state].done:
            return
        trial = state.copy()
        trial.kind, trial.obligations, trial.series = kind, [], []
        try:
            self._on_assign(trial, Event(state.id, "assign", event.on, event.actor, dict(assign.data)))
        except ActionRefused as exc:
            raise ActionRefused(f"更正为「{self.policy.kinds[kind].name}」后按该类别重新明确时限时出错：{exc}") from None
        old = {ob.id for ob in state.obligations if ob.starts == assign.on}
        owed = [ob for ob in state.obligations if ob.id in old and ob.met_on is None and ob.superseded_on is None
                and ob.ended_on is None]
        for new in trial.obligations:
            added = self._add(state, what=new.what, name=new.name, owed_by=new.owed_by, starts=event.on,
                              deadline=new.deadline, met_by=new.met_by, limit=new.limit)
            for ob in owed:
                if ob.superseded_on is None and ob.owed_by == new.owed_by and (
                        ob.what == new.what or {ob.what, new.what} <= {"result", "answer"}):
                    ob.supersede(event.on, added.id, self.calendar)
        for ob in owed:  # what the corrected kind does not ask for at all ends (missed if already past due)
            if ob.superseded_on is None:
                ob.ended_on = event.on
        fresh = {x.id for x in trial.series}
        for x in state.series:  # the old kind's recurring reports end; the same cycle continues
            if x.starts == assign.on and x.ended_on is None and x.id not in fresh:
                x.ended_on = event.on
        known = {x.id for x in state.series}
        state.series += [x for x in trial.series if x.id not in known]
        self._sync_due(state)

    def _on_withdraw(self, state: MatterState, event: Event) -> None:
        """撤销: a matter registered by mistake ends (terminal: excluded from figures) with a reason."""
        if not event.data.get("reason"):
            raise ActionRefused("撤销须写明理由；请加上 --reason")

    def _on_extension_refuse(self, state: MatterState, event: Event) -> None:
        if state.pending_extension is None:
            raise ActionRefused("尚无延期申请，无可不同意")
        state.pending_extension = None

    def _on_close(self, state: MatterState, event: Event) -> None:
        state.closed_on = event.on

    def _on_grade(self, state: MatterState, event: Event) -> None:
        grade = event.data.get("grade")
        grades = self.policy.grading.grades if self.policy.grading else ()
        if grade not in grades:
            raise ActionRefused(f"等次 '{grade}' 不是{self.policy.jurisdiction.name}的等次：{'、'.join(grades) or '（本辖区文件未规定等次）'}")
        state.grade = grade

    def _on_bulletin(self, state: MatterState, event: Event) -> None:
        if event.data.get("type") not in ("praise", "criticism"):
            raise ActionRefused("a bulletin is --type praise (通报表扬) or --type criticism (通报批评)")


def clock_running(policy: Policy, state: MatterState) -> bool:
    """Whether the unit still owes its result (the deadline clock runs)."""
    return policy.states[state.state].clock_running


def light(policy: Policy, cal: WorkingCalendar, state: MatterState, as_of: date) -> str:
    """Traffic light of a matter as of a day, from its most urgent obligation owed (any unit's,
    any kind: result, progress, a recurring report, a rectification): red when its last day has
    passed, yellow within the warning window (working days), green otherwise or when nothing owed
    has a day; done when nothing is owed and the unit's part is done; none before assignment."""
    if state.state == "withdrawn":  # 撤销 (policy.WITHDRAWN): registered by mistake, out of every figure
        return "withdrawn"
    obligations = all_obligations(state, as_of, cal, policy.convention, include_next=True)
    urgent = headline(obligations, as_of)
    if urgent is None:
        if clock_running(policy, state):
            return "green"
        return "done" if policy.states[state.state].terminal or state.submitted_on else "none"
    return light_for(urgent.due, cal, as_of, int(policy.settings.get("warning_window", 3)))


def light_for(due: date | None, cal: WorkingCalendar, as_of: date, window: int) -> str:
    """The light of an obligation owed with last day ``due``, as of ``as_of``."""
    if due is None:
        return "green"
    if as_of > due:
        return "red"
    if cal.workdays_between(as_of, due) <= window:
        return "yellow"
    return "green"


LIGHT_NAMES = {"green": "绿灯（正常）", "yellow": "黄灯（临期）", "red": "红灯（逾期）", "done": "已办结/已报送", "none": "未交办",
               "withdrawn": "已撤销"}
