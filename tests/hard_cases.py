"""The matters a fast path must still answer as the fold of every matter does, added to a demo ledger
(``tests/test_fast_paths.py``, ``tests/test_dashboard_sql.py``): a confidential twin of a matter (the same
steps on the same days; its viewers: those who acted on it), a matter withdrawn after its assignment (or
at registration, where the procedure allows only that), and a title corrected after the other events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from ducha_core.errors import ActionRefused


def add_hard_cases(ledger: Any, *, richness: Callable[[Any], Any], corrected: Callable[[Any], bool],
                   correct_from: date) -> SimpleNamespace:
    """Add the cases to ``ledger``: the twin of the matter with the highest ``richness``, the withdrawn
    copy of another assigned matter, and the title of the first other matter ``corrected`` accepts
    corrected on ``correct_from`` (or after its last event). Returns office, rich, actors, twin,
    other, gone and third (the matter whose title was corrected)."""
    office = next(p for p, person in ledger.config.people.items() if "office" in person.roles)
    states = ledger.states()
    rich = max(states, key=richness)
    actors = sorted({e.actor for e in rich.events} - {office})
    twin = None
    for e in rich.events:
        data = dict(e.data)
        if twin is None:
            data.update(title=f"{data.get('title', '')}（涉密）", confidential=True, viewers=actors)
            twin = ledger.record(None, e.action, e.on, e.actor, data).id
        else:
            ledger.record(twin, e.action, e.on, e.actor, data)
    other = next(s for s in states if s.id != rich.id and any(e.action == "assign" for e in s.events))
    gone = None
    for e in other.events:
        data = dict(e.data)
        if gone is None:
            data.update(title=f"{data.get('title', '')}（误登记）")
            gone = ledger.record(None, e.action, e.on, e.actor, data).id
        else:
            ledger.record(gone, e.action, e.on, e.actor, data)
        if e.action == "assign":
            break
    day = max(e.on for e in other.events if e.action == "assign")
    try:
        ledger.record(gone, "withdraw", day, office, {"reason": "重复登记"})
    except ActionRefused:  # withdrawn before its assignment only
        first = other.events[0]
        gone = ledger.record(None, first.action, first.on, first.actor,
                             dict(first.data, title=f"{first.data.get('title', '')}（误登记二）")).id
        ledger.record(gone, "withdraw", day, office, {"reason": "重复登记"})
    third = next(s for s in states if s.id not in (rich.id, other.id) and corrected(s))
    ledger.record(third.id, "correct", max(correct_from, third.events[-1].on), office,
                  {"title": f"{third.title}（更正）", "reason": "笔误"})
    return SimpleNamespace(office=office, rich=rich, actors=actors, twin=twin, other=other, gone=gone, third=third)
