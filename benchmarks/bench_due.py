"""``ducha due`` on a generated province (see generate_province.py), against its floor in the same process.

    python benchmarks/generate_province.py --matters 115000 --dir /tmp/ducha-province --rebuild
    python benchmarks/bench_due.py --dir /tmp/ducha-province --as-of 2025-12-31

Measures, best of ``--repeat`` runs:
- fold: every matter folded from the log as of the day (``Ledger.states(explain=False)``) — what
  ``due`` read before it chose the matters in SQL (the ratios are to it);
- evaluate: the consequences over those states (``escalation.evaluate``);
- confirm: the command that confirms each finding (``confirm.confirmation``), where the code has it;
- ``--year``: the same for the assessment year of ``--as-of`` evaluated after it ended;
- the fast path ``ducha due`` takes: the matters chosen from the read model in SQL
  (``Ledger.due_states``), folded and evaluated (checked to find the same).
Prints a markdown table with the ratio of each to the fold.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from ducha_core.config import load_config
from ducha_core.escalation import evaluate
from ducha_core.ledger import Ledger


def best(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    ledger = Ledger.open(load_config(args.dir / "ducha.toml"))
    day = args.as_of
    t_fold, states = best(lambda: ledger.states(as_of=day, explain=False), args.repeat)
    t_eval, findings = best(lambda: evaluate(ledger.policy, ledger.calendar, states, day), args.repeat)
    rows = [("fold (floor)", t_fold, len(states)), ("evaluate", t_eval, len(findings))]
    # what ``ducha due`` folds now: the matters chosen in SQL from the read model (``Ledger.due_states``)
    t_fast, fast = best(lambda: evaluate(ledger.policy, ledger.calendar, ledger.due_states(as_of=day), day), args.repeat)
    assert [f.to_json() for f in fast] == [f.to_json() for f in findings], "the fast path must find the same"
    try:
        from ducha_core.confirm import confirmation
    except ImportError:
        confirmation = None
    if confirmation is not None:
        by_id = {s.id: s for s in states}
        people = ledger.config.people
        t_conf, _ = best(lambda: [confirmation(f, ledger.policy, ledger.calendar, people, by_id, day) for f in findings],
                         args.repeat)
        rows.append(("confirm commands", t_conf, len(findings)))
        later = date(day.year + 1, 1, 15)
        t_year, year_findings = best(lambda: evaluate(ledger.policy, ledger.calendar, states, later, year=day.year),
                                     args.repeat)
        rows.append((f"evaluate --year {day.year}", t_year, len(year_findings)))
    total = t_fold + t_eval + (rows[2][1] if len(rows) > 2 else 0.0)
    print("| step | seconds | items | × fold |\n|---|---:|---:|---:|")
    for name, seconds, items in rows:
        print(f"| {name} | {seconds:.2f} | {items:,} | {seconds / t_fold:.2f} |")
    print(f"| due (fold + evaluate + confirm) | {total:.2f} | | {total / t_fold:.2f} |")
    print(f"| due_states (matters chosen in SQL) + evaluate | {t_fast:.2f} | {len(fast):,} | {t_fast / t_fold:.2f} |")
    ledger.close()


if __name__ == "__main__":
    main()
