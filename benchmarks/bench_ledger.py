"""Ledger benchmarks on a generated province (see generate_province.py). Prints a markdown table.

    python benchmarks/generate_province.py --matters 1000000 --dir /tmp/ducha-province
    python benchmarks/bench_ledger.py --dir /tmp/ducha-province

Measures:
- events appended per second through the library API (``Ledger.record``, each a checked command
  in its own ``BEGIN IMMEDIATE`` transaction, synchronous=FULL) into a fresh deployment;
- ``Ledger.rows`` called in this process (what ``ledger --as-of`` reads, not the command: see
  bench_commands.py) for one unit and for the whole province, against the same query run through
  Python's sqlite3 module in this process (``fetchall``; ratio), for an as-of day after the last
  event (read model) and for a past day (matters with later events are folded from the log);
- rebuilding the matters table from the event log (events/s, extrapolated to 10M events).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ducha_core.config import load_config
from ducha_core.ledger import Ledger
from ducha_core.store import MATTER_COLUMNS


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def bench_appends(config_path: Path, events: int) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="ducha-append-"))
    text = config_path.read_text(encoding="utf-8")
    (folder / "ducha.toml").write_text(text, encoding="utf-8")
    ledger = Ledger.open(load_config(folder / "ducha.toml"))
    units = list(ledger.config.units)
    office = next(p for p in ledger.config.people.values() if "office" in p.roles).id
    n = 0
    t0 = time.perf_counter()
    i = 0
    while n < events:
        unit = units[i % len(units)]
        staff = ledger.config.units[unit].responsible_person
        day = date(2025, 3, 3) + timedelta(days=i % 200)
        s = ledger.record(None, "register", day, office, {"kind": "instruction", "title": f"事项{i}"})
        ledger.record(s.id, "assign", day, office, {"lead_units": [unit]})
        ledger.record(s.id, "accept", day, staff, {"responsible_person": staff})
        ledger.record(s.id, "remind", day + timedelta(days=3), office, {"method": "电话催办"})
        ledger.record(s.id, "progress", day + timedelta(days=4), staff, {"note": "进展"})
        ledger.record(s.id, "submit", day + timedelta(days=6), staff,
                      {"document_number": f"{i}号", "signer": "负责人", "seal": True})
        ledger.record(s.id, "review_pass", day + timedelta(days=7), office)
        ledger.record(s.id, "close", day + timedelta(days=8), office)
        n += 8
        i += 1
    elapsed = time.perf_counter() - t0
    assert ledger.verify().ok
    ledger.close()
    shutil.rmtree(folder)
    return elapsed, n


def raw_rows(db: Path, as_of: date, unit: str | None) -> int:
    conn = sqlite3.connect(db)
    cols = ", ".join(f"m.{c}" for c in MATTER_COLUMNS)
    if unit:
        sql = (f"SELECT {cols} FROM matters m JOIN matter_units u ON u.matter = m.id AND u.unit = ?"
               " WHERE m.registered <= ? ORDER BY m.id")
        rows = conn.execute(sql, (unit, as_of.isoformat())).fetchall()
    else:
        rows = conn.execute(f"SELECT {cols} FROM matters m WHERE m.registered <= ? ORDER BY m.id",
                            (as_of.isoformat(),)).fetchall()
    conn.close()
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default="/tmp/ducha-province")
    parser.add_argument("--append-events", type=int, default=20_000)
    parser.add_argument("--unit", default="u17")
    parser.add_argument("--past", default="2025-06-30", help="A past as-of day (folds matters changed after it).")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    config_path = Path(args.dir) / "ducha.toml"
    config = load_config(config_path)
    results: list[tuple[str, str, str]] = []

    ledger = Ledger.open(config, create=False)
    total_events = ledger.store.count_events()
    if not args.skip_rebuild:
        cpu0 = time.process_time() + _children_cpu()
        t0 = time.perf_counter()
        matters = ledger.rebuild(workers=args.workers)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() + _children_cpu() - cpu0
        rate = total_events / elapsed
        results.append(("rebuild from the log", f"{matters:,} matters, {total_events:,} events in {elapsed:.1f} s"
                        f" (CPU {cpu:.0f} s in all processes)",
                        f"{rate:,.0f} events/s; 10M events ≈ {10_000_000 / rate:.0f} s"
                        f" (from CPU time on 2 idle cores ≈ {10_000_000 / total_events * cpu / 2:.0f} s)"))
        print(results[-1], file=sys.stderr)
    matters = ledger.store.conn.execute("SELECT count(*) FROM matters").fetchone()[0]
    last = ledger.store.last_event_date()
    now = last + timedelta(days=10)
    past = date.fromisoformat(args.past)
    for label, day, unit in (
        (f"Ledger.rows(as_of={now}, unit={args.unit}) in-process", now, args.unit),
        (f"Ledger.rows(as_of={past}, unit={args.unit}) in-process (past: folds)", past, args.unit),
        (f"Ledger.rows(as_of={now}) in-process (whole province)", now, None),
    ):
        t_api, rows = best(lambda day=day, unit=unit: ledger.rows(as_of=day, unit=unit, all_visible=True))
        t_raw, n_raw = best(lambda day=day, unit=unit: raw_rows(config.database, day, unit))
        results.append((label, f"{len(rows):,} rows in {t_api:.3f} s",
                        f"the same query, Python sqlite3 fetchall: {n_raw:,} rows in {t_raw:.3f} s;"
                        f" ratio {t_api / t_raw:.2f}×"))
        print(results[-1], file=sys.stderr)
    ledger.close()

    if args.append_events:
        elapsed, n = bench_appends(config_path, args.append_events)
        results.append(("Ledger.record (append)", f"{n:,} events in {elapsed:.1f} s", f"{n / elapsed:,.0f} events/s"))
        print(results[-1], file=sys.stderr)

    print(f"\nProvince: {matters:,} matters, {total_events:,} events ({config.database.stat().st_size / 2**30:.1f} GiB)\n")
    print("| measure | result | figure |")
    print("|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
