"""Generate a province-sized ledger for the benchmarks: N matters, about 10 events each.

    python benchmarks/generate_province.py --matters 1000000 --dir /tmp/province

writes ``DIR/ducha.toml`` (weinan_gaoxin's procedure, ``--units`` units with one responsible
person each) and ``DIR/ducha.sqlite3`` with the event log only, written directly in bulk
(executemany, one transaction per batch) with a valid hash chain. Each matter follows a realistic
sequence: register, assign (some with a co-unit), accept, reminders, progress reports, an extension
for some NPC suggestions, the final report (some late, some returned and resubmitted), review,
close, archive; matters registered near the end are still open. Events are ordered by day within
windows of matters, as a real log interleaves them. The derived ``matters`` table is then built by
``Ledger.rebuild`` (timed by bench_ledger.py; pass --rebuild to do it here).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from ducha_core.store import GENESIS, dumps_data, event_hash

START = date(2024, 1, 2)
END = date(2025, 12, 31)
OFFICE = "office1"
METHODS = ("电话催办", "书面调度", "实地督查", "跟踪督查")


def write_config(folder: Path, units: int) -> Path:
    lines = [
        'jurisdiction = "weinan_gaoxin"',
        'database = "ducha.sqlite3"',
        "[settings]",
        'issued = "2024-01-01"',
        "",
        "[[person]]", f'id = "{OFFICE}"', 'name = "省督查室"', 'roles = ["office"]',
        "[[person]]", 'id = "leader1"', 'name = "分管领导"', 'roles = ["leader"]',
    ]
    for i in range(units):
        lines += ["[[person]]", f'id = "p{i}"', f'name = "责任人{i}"', 'roles = ["unit"]', f'unit = "u{i}"']
    for i in range(units):
        lines += ["[[unit]]", f'id = "u{i}"', f'name = "单位{i}"', f'responsible_person = "p{i}"']
    path = folder / "ducha.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def matter_events(rng: random.Random, mid: str, d0: date, units: int) -> list[tuple[str, str, date, str, dict]]:
    """(matter, action, on, actor, data) of one matter, in order."""
    r = rng.random()
    kind = "instruction" if r < 0.6 else ("npc_suggestion" if r < 0.8 else "meeting")
    lead = rng.randrange(units)
    staff = f"p{lead}"
    out = [(mid, "register", d0, OFFICE, {"kind": kind, "title": f"事项{mid}", "source": "领导批示"})]
    day = d0 + timedelta(days=rng.randint(0, 2))
    assign = {"lead_units": [f"u{lead}"]}
    if rng.random() < 0.3:
        co = (lead + 1 + rng.randrange(units - 1)) % units
        assign["co_units"] = [f"u{co}"]
    if kind == "meeting":
        assign["deadline"] = (day + timedelta(days=rng.randint(10, 40))).isoformat()
    out.append((mid, "assign", day, OFFICE, assign))
    out.append((mid, "accept", day, staff, {"responsible_person": staff}))
    length = {"instruction": 7, "npc_suggestion": 80, "meeting": 25}[kind]
    last = day
    horizon = END
    for _ in range(rng.choice((0, 1, 1, 2))):
        last = last + timedelta(days=rng.randint(1, max(2, length // 3)))
        if last > horizon:
            return out
        out.append((mid, "remind", last, OFFICE, {"method": rng.choice(METHODS)}))
    for _ in range(rng.choice((0, 1, 1, 2))):
        last = last + timedelta(days=rng.randint(1, max(2, length // 3)))
        if last > horizon:
            return out
        out.append((mid, "progress", last, staff, {"note": "阶段性进展"}))
    if kind == "npc_suggestion" and rng.random() < 0.1 and last < day + timedelta(days=60):
        ask = day + timedelta(days=60)
        if ask > horizon:
            return out
        out.append((mid, "extension_ask", ask, staff, {"reasons": "涉及面广", "progress": "已完成大部分"}))
        out.append((mid, "extension_grant", ask + timedelta(days=2), OFFICE,
                    {"until": (day + timedelta(days=150)).isoformat()}))
        last = ask + timedelta(days=2)
    rounds = 2 if rng.random() < 0.15 else 1
    for n in range(rounds):
        last = last + timedelta(days=rng.randint(1, length + 5))
        if last > horizon:
            return out
        out.append((mid, "submit", last, staff, {"document_number": f"〔{last.year}〕{rng.randint(1, 999)}号",
                                                 "signer": "负责人", "seal": True}))
        last = last + timedelta(days=rng.randint(1, 3))
        if last > horizon:
            return out
        if n < rounds - 1:
            out.append((mid, "review_return", last, OFFICE, {"reason": "内容不完整"}))
    out.append((mid, "review_pass", last, OFFICE, {}))
    last = last + timedelta(days=rng.randint(0, 5))
    if last > horizon:
        return out
    out.append((mid, "close", last, OFFICE, {}))
    if rng.random() < 0.5:
        last = last + timedelta(days=rng.randint(1, 30))
        if last <= horizon:
            out.append((mid, "archive", last, OFFICE, {}))
    return out


INSERT = ("INSERT INTO events (seq, matter, action, on_date, actor, data, recorded_at, prev_hash, hash)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def generate(folder: Path, matters: int, units: int, seed: int = 1, window: int = 20000) -> tuple[int, int]:
    """Write the config and the event log; returns (matters, events)."""
    from ducha_core.store.sqlite import SQLiteStore

    folder.mkdir(parents=True, exist_ok=True)
    write_config(folder, units)
    db = folder / "ducha.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = SQLiteStore(db, synchronous="OFF")
    conn = store.conn
    rng = random.Random(seed)
    span = (END - START).days - 10
    seq, prev = 0, GENESIS
    per_year: dict[int, int] = {}
    starts = sorted(START + timedelta(days=rng.randrange(span)) for _ in range(matters))
    for lo in range(0, matters, window):
        batch = []
        for d0 in starts[lo:lo + window]:
            per_year[d0.year] = per_year.get(d0.year, 0) + 1
            mid = f"DC-{d0.year}-{per_year[d0.year]:07d}"
            batch.extend(matter_events(rng, mid, d0, units))
        batch.sort(key=lambda e: e[2])  # a log is ordered by time: interleave the window's matters
        rows = []
        for matter, action, on, actor, data in batch:
            seq += 1
            text = dumps_data(data)
            iso = on.isoformat()
            recorded = f"{iso}T09:00:00.000000+00:00"
            digest = event_hash(seq, matter, action, iso, actor, text, recorded, prev)
            rows.append((seq, matter, action, iso, actor, text, recorded, prev, digest))
            prev = digest
        with store.transaction():
            conn.executemany(INSERT, rows)
            store._set_head(seq, prev)
    store.close()
    return matters, seq


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--dir", default="/tmp/ducha-province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="Also build the matters table (Ledger.rebuild).")
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    t0 = time.perf_counter()
    n, events = generate(folder, args.matters, args.units, args.seed)
    t1 = time.perf_counter()
    print(f"generated {n} matters, {events} events in {t1 - t0:.1f} s ({events / (t1 - t0):,.0f} events/s) -> {folder}",
          file=sys.stderr)
    if args.rebuild:
        from ducha_core.ledger import open_ledger

        with open_ledger(folder / "ducha.toml") as ledger:
            count = ledger.rebuild()
        print(f"rebuilt {count} matters in {time.perf_counter() - t1:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
