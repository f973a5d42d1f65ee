"""What the escalation ladder, forced grades and deductions call for, as of a day.

``evaluate`` reads matter states (already folded) and the compiled policy's triggers; it proposes,
the office confirms (``ducha due``, then the proposed action recorded with ``step`` in its data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from ducha_core.events import PROGRESS_ACTIONS, Event
from ducha_core.matter import MatterState
from ducha_core.model import Citation
from ducha_core.obligations import OFFICE, all_obligations
from ducha_core.periods import parse_period, resolve
from ducha_core.rules import CountInYear, NoProgressAfter, Overdue, Trigger

if TYPE_CHECKING:
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.policy import Policy


@attrs.frozen
class Finding:
    """A consequence the rules call for: an escalation to propose, a forced grade, a deduction."""

    category: str  # escalation | grade | deduction
    # ``matter``: the matter concerned; for a yearly count, the matter of the latest counted event
    rule: str
    name: str
    citation: Citation
    unit: str | None
    matter: str | None
    reason: str
    proposes: str = ""
    data: dict[str, Any] = attrs.field(factory=dict)
    level: int = 0

    def to_json(self) -> dict:
        return {
            "category": self.category,
            "rule": self.rule,
            "name": self.name,
            "citation": str(self.citation),
            "unit": self.unit,
            "matter": self.matter,
            "reason": self.reason,
            "proposes": self.proposes,
            "data": self.data,
            "level": self.level,
        }


def _matches(event: Event, action: str, match: dict[str, Any]) -> bool:
    return event.action == action and all(event.data.get(k) == v for k, v in match.items())


def _event_units(event: Event, state: MatterState) -> Sequence[str]:
    units = event.data.get("units")
    if units:
        return [units] if isinstance(units, str) else list(units)
    return list(state.lead_units)


def _confirmations(states: Iterable[MatterState]) -> set[tuple]:
    """Every confirmed escalation, once: (step, matter, unit, year) for each event carrying a step."""
    found: set[tuple] = set()
    for state in states:
        for event in state.events:
            step = event.data.get("step")
            if step:
                found.add((step, state.id, None, None))
                for unit in _event_units(event, state):
                    found.update({(step, state.id, unit, event.on.year), (step, None, unit, event.on.year),
                                  (step, state.id, unit, None)})
    return found


def _confirmed(confirmations: set[tuple], rule: str, unit: str | None, matter: str | None, year: int | None) -> bool:
    return (rule, matter, unit, year) in confirmations


def _fire(
    trigger: Trigger, policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], as_of: date
) -> list[tuple[str | None, str | None, str]]:
    """(unit, matter, reason) for each place where the trigger holds as of ``as_of``."""
    hits: list[tuple[str | None, str | None, str]] = []
    match trigger:
        case CountInYear(action=action, threshold=threshold, match=match):
            counts: dict[str, int] = defaultdict(int)
            latest: dict[str, tuple[date, int, str]] = {}  # the matter of each unit's latest counted event
            for state in states:
                for event in state.events:
                    if event.on.year == as_of.year and event.on <= as_of and _matches(event, action, match):
                        for unit in _event_units(event, state):
                            counts[unit] += 1
                            latest[unit] = max(latest.get(unit, (event.on, event.seq, state.id)),
                                               (event.on, event.seq, state.id))
            for unit, count in sorted(counts.items()):
                if count >= threshold:
                    hits.append((unit, latest[unit][2], f"{as_of.year}年内已{count}次（达到{threshold}次）"))
        case Overdue(by_workdays=by, what=whats, include_late=include_late):
            # every obligation of those kinds a unit owes, past its last day by more than ``by``
            # working days and still not met (a recurring report counts as a progress report)
            kinds = set(whats) | ({"cycle"} if "progress" in whats else set())
            for state in states:
                late: dict[str, list[str]] = defaultdict(list)
                for ob in all_obligations(state, as_of, cal, policy.convention):
                    if ob.what not in kinds or ob.due is None or ob.owed_by == (OFFICE,):
                        continue
                    status = ob.status(as_of)
                    if status == "late" and include_late:
                        if ob.late_by <= by:
                            continue
                    elif status not in ("overdue", "missed") or cal.workdays_between(ob.due, as_of) <= by:
                        continue
                    for unit in ob.owed_by:
                        late[unit].append(f"{ob.name}（{ob.due}）")
                for unit, names in late.items():
                    hits.append((unit, state.id, f"{'、'.join(names)}已过，{as_of} 仍未报送"))
        case NoProgressAfter(action=action, within=within, match=match, setting=key):
            if key and policy.settings.get(key):
                within = parse_period(policy.settings[key]) if isinstance(policy.settings[key], str) else policy.settings[key]
            for state in states:
                index = next((i for i in range(len(state.events) - 1, -1, -1)
                              if _matches(state.events[i], action, match) and state.events[i].on <= as_of), None)
                if index is None:
                    continue
                last = state.events[index]
                if any(e.action in PROGRESS_ACTIONS and e.on <= as_of for e in state.events[index + 1:]):
                    continue
                if within is not None:
                    limit = resolve(within, last.on, cal, policy.convention, explain=False).date
                    if limit is None or as_of <= limit:
                        continue
                    why = f"{last.on} {policy.action_name(action)}后至 {limit} 仍无进展"
                else:
                    why = f"{last.on} {policy.action_name(action)}后仍无进展"
                for unit in _event_units(last, state):
                    hits.append((unit, state.id, why))
    return hits


def evaluate(policy: Policy, cal: WorkingCalendar, states: Sequence[MatterState], as_of: date) -> list[Finding]:
    """Every escalation, forced grade and deduction the policy calls for as of ``as_of``, leaving
    out escalations already confirmed (an event carrying the step's id)."""
    findings: list[Finding] = []
    confirmations = _confirmations(states) if policy.escalation else set()
    for step in policy.escalation:
        yearly = isinstance(step.trigger, CountInYear)
        for unit, matter, reason in _fire(step.trigger, policy, cal, states, as_of):
            # a yearly count is confirmed once per unit and year, on whichever matter
            if _confirmed(confirmations, step.id, unit, None if yearly else matter, as_of.year if yearly else None):
                continue
            findings.append(
                Finding("escalation", step.id, step.name, step.citation, unit, matter, reason, step.proposes,
                        dict(step.data), step.level)
            )
    if policy.grading is not None:
        for rule in policy.grading.rules:
            for unit, matter, reason in _fire(rule.trigger, policy, cal, states, as_of):
                findings.append(Finding("grade", rule.id, rule.grade, rule.citation, unit, matter, reason, "grade",
                                        {"grade": rule.grade}))
        for deduction in policy.grading.deductions:
            for unit, matter, reason in _fire(deduction.trigger, policy, cal, states, as_of):
                points = deduction.points
                if deduction.setting and policy.settings.get(deduction.setting) is not None:
                    points = policy.settings[deduction.setting]
                findings.append(Finding("deduction", deduction.id, deduction.name, deduction.citation, unit, matter,
                                        reason, "", {"points": points}))
    return findings
