"""Benchmark: adding N working days with ducha's WorkingCalendar vs chinese_calendar.find_workday.

Run:  python benchmarks/bench_calendar.py  [--pairs 1000000] [--sample 2000]

* 1,000,000 (date, N) pairs, seeded random dates in 2015–2026, N in 1..30.
* ducha, per call: ``cal.add_workdays(date, n)`` in a plain Python loop (one method call per pair).
* ducha, batch: ``cal.add_workdays_many(ordinals, ns)`` (one list comprehension over the
  precomputed arrays; this is the "1,000,000 deadlines recomputed" figure).
* chinese_calendar: ``find_workday(n, date)`` (walks day by day) on a sample, extrapolated per call.

Note the two libraries count differently (find_workday counts the start day when it is a working
day); the benchmark compares cost, not results.  chinesecalendar is a test-only dependency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ducha_core.calendar import WorkingCalendar


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=20251009)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    lo, hi = dt.date(2015, 1, 1).toordinal(), dt.date(2026, 12, 31).toordinal()
    ordinals = [rng.randint(lo, hi) for _ in range(args.pairs)]
    ns = [rng.randint(1, 30) for _ in range(args.pairs)]
    dates = [dt.date.fromordinal(o) for o in ordinals]

    t0 = time.perf_counter()
    cal = WorkingCalendar.load()
    t_load = time.perf_counter() - t0

    add = cal.add_workdays
    t0 = time.perf_counter()
    res_single = [add(d, n) for d, n in zip(dates, ns)]  # noqa: B905
    t_single = time.perf_counter() - t0

    t0 = time.perf_counter()
    res_batch = cal.add_workdays_many(ordinals, ns)
    t_batch = time.perf_counter() - t0
    assert res_batch == [d.toordinal() for d in res_single]

    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover
        chinese_calendar = None
    t_cc = None
    if chinese_calendar is not None:
        # chinesecalendar has no data past 2026: sample pairs whose result stays in 2026.
        limit = dt.date(2026, 11, 1)
        sample = [(d, n) for d, n in zip(dates, ns) if d < limit][: args.sample]  # noqa: B905
        find = chinese_calendar.find_workday
        t0 = time.perf_counter()
        for d, n in sample:
            find(n, d)
        t_cc = (time.perf_counter() - t0) / len(sample)

    per_single = t_single / args.pairs
    per_batch = t_batch / args.pairs
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {args.pairs:,} pairs, seed {args.seed}"
    )
    print(f"WorkingCalendar.load(): {t_load * 1e3:.0f} ms (once per process)")
    print(f"ducha add_workdays (one call per pair): {per_single * 1e9:,.0f} ns/call, total {t_single:.3f} s")
    print(f"ducha add_workdays_many (batch):        {per_batch * 1e9:,.0f} ns/pair, total {t_batch:.3f} s")
    if t_cc is not None:
        print(
            f"chinese_calendar.find_workday (sample {min(args.sample, args.pairs):,}): {t_cc * 1e6:,.1f} µs/call"
        )
        print(f"speed-up per call: {t_cc / per_single:,.0f}x (single), {t_cc / per_batch:,.0f}x (batch)")
    print()
    print(f"| {args.pairs:,} deadlines (N = 1..30 working days) | per call | total |")
    print("|---|---|---|")
    print(f"| ducha `add_workdays` (method call per pair) | {per_single * 1e9:,.0f} ns | {t_single:.2f} s |")
    print(f"| ducha `add_workdays_many` (batch) | {per_batch * 1e9:,.0f} ns | {t_batch:.2f} s |")
    if t_cc is not None:
        print(
            f"| chinese_calendar `find_workday` (extrapolated from {min(args.sample, args.pairs):,}) "
            f"| {t_cc * 1e6:,.1f} µs | {t_cc * args.pairs:,.0f} s |"
        )
        print(f"| speed-up | {t_cc / per_single:,.0f}x / {t_cc / per_batch:,.0f}x | |")


if __name__ == "__main__":
    main()
