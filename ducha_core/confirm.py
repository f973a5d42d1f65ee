"""How the office confirms what ``ducha due`` proposes: the step to record, by whom, with what.

``confirmation`` turns a ``Finding`` into a ``Confirmation``: the action, the matter it is recorded
on, the person of the deployment who may take it, the day, and every field the step requires —
from the rule's own data, the finding (its reason, its unit, its year) and the deployment's
directory. A choice a person makes (a 催办方式, a 整改期限, the approving leader) is filled with a
suggestion that runs as printed and is listed in ``placeholders`` for the office to review; a text
only a person can write (原因、下一步办理意见、不予处理的理由) is written 〈待填写：…〉, which the ledger
refuses until it is replaced. ``command`` is the CLI line, quoted for a POSIX shell.
``ducha due`` prints it; the demo records ``data`` through the ledger; a test runs every
printed command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.escalation import Finding
    from ducha_core.matter import MatterState
    from ducha_core.model import Person
    from ducha_core.policy import Policy

#: actions with a command of their own: the command, and the options it has (data key -> option)
COMMANDS: dict[str, tuple[str, dict[str, str]]] = {
    "remind": ("remind", {"method": "--method", "units": "--unit"}),
    "bulletin": ("bulletin", {"type": "--type", "units": "--unit", "approved_by": "--approved-by"}),
    "escalate": ("escalate", {"to": "--to", "units": "--unit"}),
    "order": ("order", {"units": "--unit"}),
    "priority_chase": ("order --kind priority_chase", {"units": "--unit"}),
    "interview": ("interview", {"units": "--unit"}),
    "grade": ("grade", {"units": "--unit", "grade": "--grade"}),
    "dismiss": ("dismiss", {"units": "--unit", "reason": "--reason"}),
}

#: fields a command requires whatever the jurisdiction's step requires (its required options)
COMMAND_REQUIRES: dict[str, tuple[str, ...]] = {"remind": ("method",), "bulletin": ("type",), "grade": ("grade",)}

#: fields that are dates: a suggestion counted from the day of confirmation, for a person to decide
DATE_FIELDS = frozenset({"until", "deadline", "planned_start", "completion_date"})
#: working days to the suggested date of a date field
SUGGESTED_WORKDAYS = 10
#: a data key of a rung the command does not carry (it says what the rung is, not what is recorded)
INTERNAL_KEYS = frozenset({"approval"})


@attrs.frozen
class Confirmation:
    """One step that confirms a finding.

    ``actor``: a person id of the deployment who may take it (None: nobody in ``ducha.toml`` holds
    a role the step needs — the command then names the role, and ``missing_actor`` says so).
    ``data``: the event's data (units, step id, year, required fields). ``placeholders``: the
    fields given a suggestion that a person must review.
    """

    action: str
    matter: str
    actor: str | None
    on: date
    data: dict[str, Any]
    placeholders: tuple[str, ...]
    command: str
    missing_actor: str = ""
    #: the command that declines it instead (``ducha dismiss``), where the deployment allows that
    dismiss_command: str = ""


#: (id of a people mapping, preferred role) -> (the mapping, its people in ``_people_for``'s order): ``due``
#: asks for a person thousands of times over the same directory of a thousand people
_ORDERS: dict[tuple[int, str], tuple[Mapping[str, Person], int, list[Person]]] = {}


def _ordered(people: Mapping[str, Person], prefer: str) -> list[Person]:
    """``people`` in the order a person is chosen: holding ``prefer`` first, then people of no unit
    (the office, leaders), then by id; sorted once for the same mapping of as many people (a
    deployment's directory is not changed while a command runs; a person is immutable)."""
    key, held = (id(people), prefer), len(people)
    cached = _ORDERS.get(key)
    if cached is not None and cached[0] is people and cached[1] == held:
        return cached[2]
    order = sorted(people.values(), key=lambda p: (prefer not in p.roles, p.unit is not None, p.id))
    if len(_ORDERS) > 32:
        _ORDERS.clear()
    _ORDERS[key] = (people, held, order)
    return order


def _people_for(roles: Sequence[str], policy: Policy, people: Mapping[str, Person], unit: str | None,
                state: MatterState, prefer: str = "") -> Person | None:
    """A person holding one of ``roles``: for a unit-scoped role, a person of ``unit`` (or of the
    matter's units); the rung's ``by_role`` first, then the office, leaders, the rest."""
    scope = {r: policy.roles[r].scope for r in roles if r in policy.roles}
    for person in _ordered(people, prefer):
        held = [r for r in person.roles if r in scope]
        if not held:
            continue
        if all(scope[r] == "unit" for r in held):
            wanted = (unit,) if unit else state.units
            if person.unit not in wanted:
                continue
        return person
    return None


def _option(key: str) -> str:
    return "--" + key.replace("_", "-")


def confirmation(finding: Finding, policy: Policy, cal: WorkingCalendar, people: Mapping[str, Person],
                 states: Mapping[str, MatterState], on: date) -> Confirmation | None:
    """The step that confirms ``finding`` on ``on`` (None for a deduction, which needs none; or when
    no matter of the unit allows the step any more)."""
    action = "grade" if finding.category == "grade" else finding.proposes
    if not action:
        return None
    step = next((s for s in policy.escalation if s.id == finding.rule), None)
    unit = finding.unit
    candidates = [finding.matter] if finding.matter else []
    if finding.yearly and unit:
        candidates += sorted(m for m, s in states.items() if unit in s.units and m != finding.matter)
    chosen = None
    for matter in candidates:
        state = states.get(matter)
        if state is None:
            continue
        transition = policy.transition(state.state, action)
        if transition is not None and (not transition.kinds or state.kind in transition.kinds):
            chosen = (matter, state, transition)
            break
    if chosen is None:
        return None
    matter, state, transition = chosen
    data: dict[str, Any] = {}
    placeholders: list[str] = []
    for key, value in (step.data if step is not None else finding.data).items():
        if key in INTERNAL_KEYS or (key not in policy.field_names and key not in COMMANDS.get(action, ("", {}))[1]):
            continue
        data[key] = value
    if finding.category == "grade":
        data["grade"] = finding.data.get("grade")
    if unit:
        data["units"] = [unit]
    required = [*transition.requires, *transition.requires_by_kind.get(state.kind, ()), *COMMAND_REQUIRES.get(action, ())]
    # a date the step must carry for the obligation it creates (限期整改 → --until), when no period stands in
    required += [o.date_field for o in transition.obliges if o.date_field and o.period is None
                 and all(data.get(k) == v for k, v in o.when.items())]
    from ducha_core.matter import MatterEngine

    engine = MatterEngine(policy, cal)
    authority = engine.authority_for(state, action, data)
    required += [f for f in authority if f not in required]
    for field in required:
        if data.get(field):
            continue
        if field == "reason":
            data[field] = finding.reason
        elif field == "method" or engine.choices_for(transition, field):
            data[field] = (engine.choices_for(transition, field) or ("电话催办",))[0]
            placeholders.append(field)
        elif field in authority:  # a person who may approve or sign it (the office confirms whom it asked)
            auth = authority[field]
            approver = next((p for p in sorted(people.values(), key=lambda p: p.id)
                             if any(r in auth.roles for r in p.roles)
                             and (not auth.same_unit or p.unit == unit)), None)
            data[field] = approver.id if approver else f"〈待填写：{policy.field_names.get(field, field)}〉"
            placeholders.append(field)
        elif field in DATE_FIELDS:
            data[field] = cal.add_workdays(on, SUGGESTED_WORKDAYS).isoformat()
            placeholders.append(field)
        elif field == "type" and action == "bulletin":
            data[field] = "criticism"
            placeholders.append(field)
        else:
            data[field] = f"〈待填写：{policy.field_names.get(field, field)}〉"
            placeholders.append(field)
    if finding.category == "escalation":
        data["step"] = finding.rule
    elif finding.category == "grade":
        data["step"] = finding.rule
    if finding.yearly and finding.year:
        data["year"] = finding.year
    roles = transition.roles
    person = _people_for(roles, policy, people, unit if unit in state.units else None, state,
                         prefer=step.by_role if step is not None else "")
    missing = ""
    if person is None:
        missing = "、".join(policy.roles[r].name for r in roles if r in policy.roles)
    command = _command(action, matter, person.id if person else f"〈{missing}〉", on, data)
    return Confirmation(action, matter, person.id if person else None, on, data, tuple(placeholders), command, missing,
                        _dismissal(finding, policy, people, state, matter, on))


def _dismissal(finding: Finding, policy: Policy, people: Mapping[str, Person], state: MatterState, matter: str,
               on: date) -> str:
    transition = policy.transition(state.state, "dismiss")
    if transition is None or finding.category != "escalation":
        return ""
    person = _people_for(transition.roles, policy, people, None, state)
    if person is None:
        return ""
    data: dict[str, Any] = {"units": [finding.unit]} if finding.unit else {}
    if finding.yearly and finding.year:
        data["year"] = finding.year
    data["reason"] = "〈待填写：不予处理的理由〉"
    data["step"] = finding.rule
    return _command("dismiss", matter, person.id, on, data)


def _command(action: str, matter: str, actor: str, on: date, data: dict[str, Any]) -> str:
    name, options = COMMANDS.get(action, (f"step {action}", {"units": "--unit"}))
    parts = ["ducha", *name.split(), matter]
    for key, value in data.items():
        if key == "step":
            continue
        option = options.get(key, _option(key))
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is True:
                parts.append(option)
            elif item not in (None, False, ""):
                parts += [option, str(item)]
    parts += ["--as", actor, "--on", on.isoformat()]
    if data.get("step"):
        parts += ["--step", data["step"]]
    return " ".join(_quote(p) for p in parts)


#: what a POSIX shell would read otherwise (Chinese text needs no quoting)
_SHELL_SPECIAL = re.compile(r"[\s'\"\\$`!*?;&|<>(){}\[\]#~]")


def _quote(text: str) -> str:
    return shlex.quote(text) if not text or _SHELL_SPECIAL.search(text) else text
