"""大安区 ledger views the rules name (read-only; they derive everything from folded matter states).

- ``ledgers``: 第二十二条 "综合台账+专项台账".
- ``responsibility_list``: 第二十六条 责任清单 (责任单位、责任领导、责任人、时间节点).
- ``cadre_files``: 第二十七条 科级领导干部督查工作档案, moved to the organisation department yearly.
- ``assessment_summary``: 第二十八条 绩效考核 input per unit (the grades belong to the 年度综合目标绩效考评).
- ``duplicate_inspections``: 第十六条 "避免多头督查、重复督查" for an application in the 区委's name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ducha_core.matter import MatterState, clock_running

GENERAL = "综合台账"


def _register_data(state: MatterState) -> dict[str, Any]:
    return state.events[0].data if state.events else {}


def ledger_name(state: MatterState) -> str | None:
    """The special ledger (专项台账) a matter was registered into, or None."""
    name = _register_data(state).get("ledger")
    return str(name) if name and name != GENERAL else None


def ledgers(states: Iterable[MatterState]) -> dict[str, list[MatterState]]:
    """第二十二条: every matter is in the general ledger; a tagged one also in its special ledger."""
    out: dict[str, list[MatterState]] = {GENERAL: []}
    for state in states:
        out[GENERAL].append(state)
        special = ledger_name(state)
        if special:
            out.setdefault(special, []).append(state)
    return out


def _accepts(state: MatterState) -> list[dict[str, Any]]:
    return [e.data for e in state.events if e.action == "accept"]


def responsibility_list(states: Iterable[MatterState]) -> list[dict[str, Any]]:
    """第二十六条 责任清单: one row per matter and lead unit, with its leader, person and deadline."""
    rows = []
    for state in states:
        accepted = {d.get("unit"): d for d in _accepts(state)}
        for unit in state.lead_units or ("",):
            data = accepted.get(unit) or accepted.get(None) or {}
            rows.append({
                "matter": state.id,
                "title": state.title,
                "unit": unit or None,
                "responsible_leader": data.get("responsible_leader"),
                "responsible_person": state.responsible.get(unit) or data.get("responsible_person"),
                "due": state.due.date if state.due is not None else None,
                "state": state.state,
            })
    return rows


def _outcome(policy: Any, state: MatterState, as_of: date) -> str:
    due = state.due.date if state.due is not None else None
    if state.submitted_on is not None or not clock_running(policy, state):
        if state.submitted_on is None and state.closed_on is None:
            return "未交办"
        finished = state.submitted_on or state.closed_on
        return "按期办结" if due is None or finished <= due else "逾期办结"
    if due is not None and as_of > due:
        return "逾期未办结"
    return "正在办理"


def cadre_files(policy: Any, states: Iterable[MatterState], year: int, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """第二十七条: per 科级领导干部 (the 责任领导 named on acceptance), the matters of ``year`` and how
    each went, as the yearly file sent to the organisation department."""
    files: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for state in states:
        for data in _accepts(state):
            leader = data.get("responsible_leader")
            if not leader or not any(e.on.year == year for e in state.events):
                continue
            files[leader].append({
                "matter": state.id,
                "title": state.title,
                "due": state.due.date if state.due is not None else None,
                "outcome": _outcome(policy, state, as_of),
                "returns": state.returns,
            })
    return dict(files)


def assessment_summary(policy: Any, states: Iterable[MatterState], year: int, as_of: date) -> dict[str, dict[str, int]]:
    """第二十八条: per lead unit, the counts the performance assessment uses for matters assigned in
    ``year``: assigned, on time, late, overdue and open, returned for rework, criticised."""
    summary: dict[str, dict[str, int]] = {}
    for state in states:
        if state.assigned_on is None or state.assigned_on.year != year:
            continue
        outcome = _outcome(policy, state, as_of)
        for unit in state.lead_units:
            row = summary.setdefault(unit, {"assigned": 0, "on_time": 0, "late": 0, "overdue": 0, "open": 0,
                                            "returns": 0, "criticism": 0})
            row["assigned"] += 1
            row[{"按期办结": "on_time", "逾期办结": "late", "逾期未办结": "overdue"}.get(outcome, "open")] += 1
            row["returns"] += state.returns
            row["criticism"] += sum(1 for e in state.events
                                    if e.action == "bulletin" and e.data.get("type") == "criticism")
    return summary


def duplicate_inspections(states: Sequence[MatterState], application: dict[str, Any], on: date) -> list[str]:
    """第十六条: ids of inspection activities of the same year, not refused, on the same topic with an
    overlapping set of inspected units (``targets``), that make ``application`` a duplicate."""
    topic = application.get("topic") or application.get("title")
    targets = set(application.get("targets") or ())
    hits = []
    for state in states:
        if state.kind != "inspection" or state.state == "rejected" or state.registered_on.year != on.year:
            continue
        data = _register_data(state)
        if (data.get("topic") or data.get("title")) != topic:
            continue
        theirs = set(data.get("targets") or ())
        if not targets or not theirs or targets & theirs:
            hits.append(state.id)
    return hits
