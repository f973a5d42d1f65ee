"""A matter (督查事项) and its state, derived by folding its events through a policy.

``MatterEngine.apply`` checks one event against the jurisdiction's procedure (state, role,
required fields, time rules) and returns the new state, or raises ``ActionRefused`` with a
one-line message naming the rule. ``fold`` replays a whole history. No hook is called here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core import deadlines as dl
from ducha_core.errors import ActionRefused
from ducha_core.events import CREATE_ACTIONS, FIELD_NAMES, Event
from ducha_core.model import Person
from ducha_core.periods import resolve

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
        )

    def last(self, action: str) -> Event | None:
        for event in reversed(self.events):
            if event.action == action:
                return event
        return None


__all__ = ["FIELD_NAMES", "LIGHT_NAMES", "MatterEngine", "MatterState", "clock_running", "light"]

#: actions that are steps of the unit's own work, not marks on the matter (bulletins, orders …)
UNMARKED_ACTIONS = frozenset({"remind", "progress", "submit", "accept", "assign", "register", "approve"})


def role_directory(actor: str) -> Person:
    """The default directory: an actor id is taken as a role id (scenarios, tests)."""
    role, _, unit = actor.partition(":")
    return Person(actor, actor, roles=(role,), unit=unit or None)


def _parse_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActionRefused(f"{field} '{value}' is not a date; write YYYY-MM-DD") from None


@attrs.define
class MatterEngine:
    """Applies events to matter states under one policy and one working calendar."""

    policy: Policy
    calendar: WorkingCalendar
    directory: Callable[[str], Person] = role_directory
    #: compute each deadline's explanation (off for bulk rebuilds, whose rows keep no explanation)
    explain: bool = True
    _people: dict[str, Person] = attrs.field(factory=dict, init=False, repr=False)
    _handlers: dict[str, Callable | None] = attrs.field(factory=dict, init=False, repr=False)
    #: (id of transition, roles of the actor) -> whether the actor acts only as a unit
    _unit_scoped: dict[tuple[int, tuple[str, ...]], bool] = attrs.field(factory=dict, init=False, repr=False)

    # --- public ----------------------------------------------------------------------------------

    def fold(self, events: Iterable[Event]) -> MatterState:
        """The state after a whole history (the state is built in place: no copy per event)."""
        state: MatterState | None = None
        for event in events:
            state = self._apply(state, event)
        if state is None:
            raise ActionRefused("a matter needs at least its register event")
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
                raise ActionRefused(f"matter {event.matter} does not exist; register it first")
            current = policy.procedure.initial
        else:
            current = state.state
            if event.action in CREATE_ACTIONS:
                raise ActionRefused(f"matter {event.matter} is already registered; choose another id")
            if event.on < state.registered_on:
                raise ActionRefused(f"{event.on} is before the matter was registered ({state.registered_on})")
        transition = policy.transition(current, event.action)
        if transition is None:
            allowed = sorted({policy.action_name(t.action) + f"({t.action})" for t in policy.actions_in(current)})
            state_name = policy.states[current].name
            raise ActionRefused(
                f"「{policy.action_name(event.action)}」不能在「{state_name}」状态下进行"
                f" ({event.action} not allowed in state {current}); allowed: {', '.join(allowed) or 'none'}"
            )
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
        missing = [f for f in required if not event.data.get(f)] if required else None
        if missing:
            names = "、".join(self.policy.field_names.get(f, f) for f in missing)
            raise ActionRefused(
                f"「{transition.name or policy.action_name(event.action)}」缺少{names}（{transition.citation.article}）;"
                f" add --{' --'.join(m.replace('_', '-') for m in missing)}"
            )
        if state is None:
            state = self._register(event)
        else:
            state.events.append(event)
            action = event.action
            if action not in self._handlers:
                self._handlers[action] = getattr(self, f"_on_{action}", None)
            handler = self._handlers[action]
            if handler is not None:
                handler(state, event)
            if action not in UNMARKED_ACTIONS:
                state.marks.append(event)
        if transition.target is not None and not self._waiting_for_other_leads(transition, person, state, event):
            state.state = transition.target
        return state

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
        key = (id(transition), person.roles)
        unit_scoped = self._unit_scoped.get(key)
        if unit_scoped is None:
            unit_scoped = self._unit_scoped[key] = self._role_scope(transition, person, event)
        if state is not None and unit_scoped:
            self._check_unit(transition, person, state)

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
            known = ", ".join(self.policy.kinds)
            raise ActionRefused(f"unknown matter kind '{kind}' for {self.policy.id}; kinds: {known}")
        received = _parse_date(data.get("received", event.on), "received")
        if received > event.on:
            raise ActionRefused(f"received date {received} is after the registration date {event.on}")
        state = MatterState(
            id=event.matter,
            kind=kind,
            title=str(data.get("title", "")),
            state=self.policy.procedure.initial,
            registered_on=event.on,
            received_on=received,
            source=str(data.get("source", "")),
            confidential=bool(data.get("confidential", False)),
            viewers=tuple(data.get("viewers", ())),
            events=[event],
        )
        warning = self.policy.force_warning(event.on)
        if warning:
            state.warnings.append(warning)
        return state

    def _on_assign(self, state: MatterState, event: Event) -> None:
        data = event.data
        lead = tuple(data.get("lead_units") or ())
        if not lead:
            raise ActionRefused("assign needs at least one lead unit (主办/牵头单位); add --lead UNIT")
        co = tuple(data.get("co_units") or ())
        both = set(lead) & set(co)
        if both:
            raise ActionRefused(f"unit {', '.join(sorted(both))} cannot be both lead and co-unit")
        transition = self.policy.transition(state.state, "assign")
        limit = transition.max_lead_units if transition is not None else None
        if limit is not None and len(lead) > limit:
            raise ActionRefused(
                f"「{transition.name or '交办'}」至多{limit}个主办单位（{transition.citation.article}）；"
                f"其余列为协办单位 (--co)"
            )
        state.lead_units, state.co_units = lead, co
        state.assigned_on = event.on
        anchors = {"assigned": event.on, "registered": state.registered_on, "received": state.received_on}
        if data.get("meeting"):
            anchors["meeting"] = _parse_date(data["meeting"], "meeting")
        limits = self.policy.limits_for(state.kind, state.registered_on)
        for limit in limits:
            if limit.anchor not in anchors:
                what = "the meeting's date (--meeting DATE)" if limit.anchor == "meeting" else f"the {limit.anchor} date"
                raise ActionRefused(f"{limit.name}（{limit.citation.article}）counts from {what}; add it to the assignment")
        computed = [dl.from_limit(limit, anchors[limit.anchor], self.policy, self.calendar, explain=self.explain)
                    for limit in limits]
        if data.get("deadline"):
            day = _parse_date(data["deadline"], "deadline")
            if day < event.on:
                raise ActionRefused(f"deadline {day} is before the assignment ({event.on}); give a later date")
            rule = next((d for d in computed if d.what in ("result", "answer")), None)
            citation = None
            if rule is not None:
                limit = next(t for t in self.policy.time_limits if t.id == rule.rule)
                if not limit.explicit_first:
                    raise ActionRefused(f"{limit.name} is fixed by {limit.citation.article}; it cannot be set explicitly")
                citation = limit.citation
                computed = [d for d in computed if d is not rule]
            computed.insert(0, dl.explicit(day, self.calendar, citation=citation))
        state.deadlines = computed
        state.due = next((d for d in computed if d.what in ("result", "answer")), None)

    def _on_accept(self, state: MatterState, event: Event) -> None:
        person = event.data.get("responsible_person") or event.actor
        unit = event.data.get("unit") or self.person(event.actor).unit or (state.lead_units[:1] or ("",))[0]
        state.responsible[unit] = person

    def _on_remind(self, state: MatterState, event: Event) -> None:
        state.reminders.append((event.on, str(event.data.get("method", ""))))

    def _on_progress(self, state: MatterState, event: Event) -> None:
        state.progress_on.append(event.on)

    def _on_submit(self, state: MatterState, event: Event) -> None:
        state.submitted_on = event.on
        state.progress_on.append(event.on)

    def _on_review_return(self, state: MatterState, event: Event) -> None:
        state.returns += 1
        state.submitted_on = None
        state.submitted_by = ()
        if event.data.get("deadline"):
            day = _parse_date(event.data["deadline"], "deadline")
            if day < event.on:
                raise ActionRefused(f"rework deadline {day} is before the return ({event.on})")
            state.due = dl.explicit(day, self.calendar, name="退回重新办理期限")
            state.deadlines = [state.due, *[d for d in state.deadlines if d.what not in ("result", "answer")]]

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
            raise ActionRefused(f"延期申请须说明{names}（{rule.citation.article}）; add --{' --'.join(missing)}")
        due = state.due.date if state.due else None
        if rule.ask_before_deadline and due is not None and event.on > due:
            raise ActionRefused(f"延期申请须在期限 {due} 前提出（{rule.citation.article}），{event.on} 已逾期")
        state.pending_extension = {"asked_on": event.on, **event.data}

    def _on_extension_grant(self, state: MatterState, event: Event) -> None:
        rule = self._extension_rule(state)
        if state.pending_extension is None:
            raise ActionRefused("no extension has been asked for; the unit asks first (extension ask)")
        until = event.data.get("until") or state.pending_extension.get("until")
        if not until:
            raise ActionRefused("an extension grant needs the new deadline; add --until YYYY-MM-DD")
        day = _parse_date(until, "until")
        current = state.due.date if state.due and state.due.date else event.on
        if day <= current:
            raise ActionRefused(f"the new deadline {day} is not after the current one ({current})")
        cap_period = rule.max_period
        limit = next((t for t in self.policy.time_limits if state.due and t.id == state.due.rule), None)
        if limit is not None and limit.max_period is not None:
            cap_period = limit.max_period
        if cap_period is not None and state.due is not None and state.due.anchor is not None:
            cap = resolve(cap_period, state.due.anchor, self.calendar, self.policy.convention, explain=False).date
            if cap is not None and day > cap:
                cite = limit.citation.article if limit else rule.citation.article
                raise ActionRefused(f"延期后期限 {day} 超过最长期限 {cap}（{cap_period.describe()}，{cite}）")
        state.extensions.append({"granted_on": event.on, "until": day, **state.pending_extension})
        state.pending_extension = None
        name = "延长办理期限"
        state.due = attrs.evolve(
            dl.explicit(day, self.calendar, name=name, citation=rule.citation),
            rule=f"extension:{rule.id}",
            anchor=state.due.anchor if state.due else None,
        )
        state.deadlines = [state.due, *[d for d in state.deadlines if d.what not in ("result", "answer")]]

    def _on_extension_refuse(self, state: MatterState, event: Event) -> None:
        if state.pending_extension is None:
            raise ActionRefused("no extension has been asked for")
        state.pending_extension = None

    def _on_close(self, state: MatterState, event: Event) -> None:
        state.closed_on = event.on

    def _on_grade(self, state: MatterState, event: Event) -> None:
        grade = event.data.get("grade")
        grades = self.policy.grading.grades if self.policy.grading else ()
        if grade not in grades:
            raise ActionRefused(f"grade '{grade}' is not one of {self.policy.id}'s grades: {'、'.join(grades) or '(none)'}")
        state.grade = grade

    def _on_bulletin(self, state: MatterState, event: Event) -> None:
        if event.data.get("type") not in ("praise", "criticism"):
            raise ActionRefused("a bulletin is --type praise (通报表扬) or --type criticism (通报批评)")


def clock_running(policy: Policy, state: MatterState) -> bool:
    """Whether the unit still owes its result (the deadline clock runs)."""
    return policy.states[state.state].clock_running


def light(policy: Policy, cal: WorkingCalendar, state: MatterState, as_of: date) -> str:
    """Traffic light of a matter as of a day: done, green, yellow (within the warning window), red."""
    if not clock_running(policy, state):
        return "done" if policy.states[state.state].terminal or state.submitted_on else "none"
    if state.due is None or state.due.date is None:
        return "green"
    due = state.due.date
    if as_of > due:
        return "red"
    if cal.workdays_between(as_of, due) <= int(policy.settings.get("warning_window", 3)):
        return "yellow"
    return "green"


LIGHT_NAMES = {"green": "绿灯（正常）", "yellow": "黄灯（临期）", "red": "红灯（逾期）", "done": "已办结/已报送", "none": "未交办"}
