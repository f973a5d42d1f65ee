"""Benchmark: replay one year of a large city's ledger (20,000 matters) under base and variant.

Events are generated in memory and checked through ``MatterEngine`` (every one is a legal step of
the procedure), then ``ducha_core.replay.replay`` folds them under the base policy and under a
variant and compares. Run: ``python benchmarks/bench_replay.py [--matters N] [--jurisdiction ID]
[--variant FILE]``; it prints the timings.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from ducha_core.calendar import WorkingCalendar
from ducha_core.events import Event
from ducha_core.matter import MatterEngine
from ducha_core.registry import resolve_policy
from ducha_core.replay import replay

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VARIANT = ROOT / "tests" / "variants" / "weinan_gaoxin+seven.toml"


def generate(policy, cal, matters: int, units: int = 200, year: int = 2025, seed: int = 7) -> list[Event]:
    """A year of matters: most submitted on time, some late, some never; some criticised."""
    rng = random.Random(seed)
    engine = MatterEngine(policy, cal)
    kinds = [k for k in ("instruction", "npc_suggestion", "cppcc_proposal", "other") if k in policy.kinds]
    submit_req = {"document_number": "某发〔2025〕1号", "signer": "某某", "seal": True,
                  "leader_signoff": "某某", "head_signoff": "某某", "visible_progress": "已完成", "evidence": "附件"}
    events: list[Event] = []
    start = date(year, 1, 2)
    for n in range(matters):
        mid = f"DC-{year}-{n + 1:05d}"
        unit = f"u{rng.randrange(units)}"
        on = cal.roll_forward(start + timedelta(days=rng.randrange(330)))
        kind = rng.choice(kinds)
        history = [Event(mid, "register", on, "office", {"kind": kind, "title": f"事项{n}"})]
        assigned = cal.add_workdays(on, 1)
        history.append(Event(mid, "assign", assigned, "office", {"lead_units": [unit]}))
        state = engine.fold(history)
        due = state.due.date if state.due and state.due.date else cal.add_workdays(assigned, 20)
        fate = rng.random()
        if fate < 0.7:
            sub = cal.add_workdays(assigned, max(1, (due - assigned).days // 2 or 1))
            sub = min(sub, due) if sub > assigned else due
        elif fate < 0.9:
            sub = cal.add_workdays(due, rng.randrange(1, 5))  # late, often within a variant's longer limit
        else:
            sub = None
        history.append(Event(mid, "progress", cal.add_workdays(assigned, 1), f"unit:{unit}", {}))
        if rng.random() < 0.05:
            history.append(Event(mid, "bulletin", cal.add_workdays(due, 1), "office",
                                 {"type": "criticism", "approved_by": "leader"}))
        if sub is not None and sub <= date(year, 12, 31):
            history.append(Event(mid, "submit", max(sub, history[-1].on), f"unit:{unit}", submit_req))
            history.append(Event(mid, "review_pass", cal.add_workdays(history[-1].on, 1), "office", {}))
        history.sort(key=lambda e: e.on)
        state = None
        for e in history:  # every generated event is a legal step
            try:
                state = engine.apply(state, e)
            except Exception:
                break
            events.append(e)
    return events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--matters", type=int, default=20000)
    ap.add_argument("--jurisdiction", default="weinan_gaoxin")
    ap.add_argument("--variant", default=str(DEFAULT_VARIANT))
    args = ap.parse_args()
    cal = WorkingCalendar.default()
    base = resolve_policy(args.jurisdiction, settings={"issued": "2025-01-01"})
    variant = resolve_policy(args.variant, settings={"issued": "2025-01-01"})
    t0 = time.perf_counter()
    events = generate(base, cal, args.matters)
    t1 = time.perf_counter()
    report = replay(events, base, variant, cal, end=date(2025, 12, 31))
    t2 = time.perf_counter()
    data = report.to_json()
    print(f"generated {args.matters} matters, {len(events)} events in {t1 - t0:.2f} s")
    print(f"replay (base + variant, fold + evaluate + compare): {t2 - t1:.2f} s "
          f"(base {report.base_side.seconds:.2f} s, variant {report.variant_side.seconds:.2f} s)")
    print(f"overdue {data['totals']['overdue']}, reminders {data['totals']['reminders']}, "
          f"escalations {data['totals']['escalations']}, units changed {len(data['units'])}")


if __name__ == "__main__":
    main()
