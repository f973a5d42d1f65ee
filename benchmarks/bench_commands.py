"""The commands users type, each against its floor, on generated provinces (see generate_province.py).

    python benchmarks/generate_province.py --matters 20000 --dir /tmp/p20k --rebuild
    python benchmarks/generate_province.py --matters 200000 --dir /tmp/p200k --rebuild
    python benchmarks/bench_commands.py --dir /tmp/p20k --dir /tmp/p200k [--runs 3] [--only due,ledger-csv]

Every command runs as a real process (``ducha ...`` with the deployment's ``ducha.toml``), alternating
with its floor and across the sizes given (so that the growth from the smallest to the largest is a
ratio in one run, not between runs on a shared machine); the floor is the same answer (or the nearest single query to it) from the ``sqlite3`` command-line
shell in one query (``--floor python`` uses Python's sqlite3 module executing the same single query in
a subprocess instead, and says so), or ``python -c pass`` / ``python -c "import ducha_core"`` for
start-up. CPU seconds are the children's user + system time (``resource.getrusage(RUSAGE_CHILDREN)``
before and after each run), the median of ``--runs`` runs after one warm-up run; the peak memory is
the process's maximum resident set (``os.wait4``). Byte code is cached as in an installed deployment
(``PYTHONDONTWRITEBYTECODE`` is unset; the cache goes to a temporary ``PYTHONPYCACHEPREFIX``). The
commands that write (``register``, ``remind``, ``rebuild``) change the ledger: a register adds one
matter per run, a remind one event. The ledgers' read model should be current (``ducha rebuild``
after a change of policy or calendar), or every read folds the log. Prints a Markdown table, the
machine stated above it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANT = ROOT / "tests" / "variants" / "weinan_gaoxin+seven.toml"
MATTER_COLS = ("id, kind, title, state, lead_units, co_units, responsible, due_date, due_what, due_name, submitted,"
               " closed, late_days")


class Case:
    """One line of the table: a command and its floor (argv lists, run in the deployment's folder)."""

    def __init__(self, key: str, name: str, command: list[str], floor: list[str], floor_name: str, note: str = ""):
        self.key, self.name, self.command, self.floor = key, name, command, floor
        self.floor_name, self.note = floor_name, note


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Run one process: (CPU seconds of it and its children, peak RSS in KiB, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(f"  ! exit {proc.returncode}: {shlex.join(argv)}\n    {err.strip()[-400:]}", file=sys.stderr)
    return cpu, usage.ru_maxrss, proc.returncode


def sql_floor(kind: str, db: Path, sql: str, *, csv: bool = False) -> list[str]:
    if kind == "sqlite3":
        return ["sqlite3", *(["-csv", "-header"] if csv else []), str(db), sql]
    # Python's sqlite3 module executing the same single query, rows written out
    code = ("import sqlite3, sys, csv; c = sqlite3.connect(sys.argv[1]); cur = c.execute(sys.argv[2]); "
            "w = csv.writer(sys.stdout); w.writerow([d[0] for d in cur.description]); w.writerows(cur)")
    return [sys.executable, "-c", code, str(db), sql]


def probe(folder: Path) -> dict[str, str]:
    """What the commands are run on, read once per folder (so that the runs that write do not move it):
    the last registration day (new matters are registered on it; the as-of day is 20 days later), a
    closed matter and one still being handled."""
    conn = sqlite3.connect(f"file:{folder / 'ducha.sqlite3'}?mode=ro", uri=True)
    try:
        last = conn.execute("SELECT max(registered) FROM matters").fetchone()[0]
        matter = conn.execute("SELECT id FROM matters WHERE kind = 'instruction' AND closed IS NOT NULL"
                              " ORDER BY id LIMIT 1 OFFSET 100").fetchone()
        matter = matter[0] if matter else conn.execute("SELECT min(id) FROM matters").fetchone()[0]
        # a step command needs a matter still being handled
        open_matter = conn.execute("SELECT id FROM matters WHERE closed IS NULL AND submitted IS NULL"
                                   " AND lead_units != '' ORDER BY id DESC LIMIT 1 OFFSET 5").fetchone()
    finally:
        conn.close()
    return {"last": last, "matter": matter, "open_matter": open_matter[0] if open_matter else matter}


def cases(folder: Path, floor: str, params: dict[str, str], runs_tag: str) -> list[Case]:
    db = folder / "ducha.sqlite3"
    last, matter, open_matter = params["last"], params["matter"], params["open_matter"]
    as_of = (date.fromisoformat(last) + timedelta(days=20)).isoformat()
    year = date.fromisoformat(last).year
    quarter = f"{year}-Q{(date.fromisoformat(last).month - 1) // 3 + 1}"
    q_start = f"{year}-{((date.fromisoformat(last).month - 1) // 3) * 3 + 1:02d}-01"
    ducha = [shutil.which("ducha") or "ducha"]
    py = sys.executable
    unit = "u17"
    start_floor = [py, "-c", "import ducha_core"]
    out: list[Case] = [
        Case("calendar", "`calendar add`", [*ducha, "calendar", "add", "2025-09-30", "1"], start_floor,
             '`python -c "import ducha_core"`'),
        Case("pass", "`python -c pass`", [py, "-c", "pass"], start_floor, '`python -c "import ducha_core"`',
             "the interpreter alone"),
        Case("show", "`show ID`", [*ducha, "show", matter, "--as-of", as_of],
             sql_floor(floor, db, f"SELECT * FROM events WHERE matter = '{matter}' ORDER BY seq"),
             "one matter's events"),
        Case("show-startup", "`show ID` (start-up)", [*ducha, "show", matter, "--as-of", as_of], start_floor,
             '`python -c "import ducha_core"`'),
        Case("doc-assignment", "`doc assignment ID`", [*ducha, "doc", "assignment", matter, "--as-of", as_of],
             sql_floor(floor, db, f"SELECT * FROM events WHERE matter = '{matter}' ORDER BY seq"),
             "one matter's events"),
        Case("remind", "`remind ID` (a step command)",
             [*ducha, "remind", open_matter, "--as", "office1", "--on", as_of, "--method", "电话催办"],
             sql_floor(floor, db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"), "the log's head",
             "one event per run, on the same matter"),
        Case("register", "`register`", [*ducha, "register", "--as", "office1", "--on", last, "-k", "instruction",
                            "-t", f"基准登记{runs_tag}"],
             sql_floor(floor, db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"), "the log's head",
             "registered on the last registration day; one matter per run"),
        Case("ledger-unit", f"`ledger --unit {unit}`", [*ducha, "ledger", "--unit", unit, "--as-of", as_of],
             sql_floor(floor, db, f"SELECT {MATTER_COLS} FROM matters m JOIN matter_units u ON u.matter = m.id"
                                  f" AND u.unit = '{unit}' WHERE m.registered <= '{as_of}' ORDER BY m.id"),
             "the unit's rows"),
        Case("ledger-csv", "`ledger --format csv`", [*ducha, "ledger", "--format", "csv", "--as-of", as_of],
             sql_floor(floor, db, f"SELECT {MATTER_COLS} FROM matters WHERE registered <= '{as_of}' ORDER BY id",
                       csv=True), "every row, as CSV"),
        Case("ledger", "`ledger` (table)", [*ducha, "ledger", "--as-of", as_of],
             sql_floor(floor, db, f"SELECT {MATTER_COLS} FROM matters WHERE registered <= '{as_of}' ORDER BY id"),
             "every row"),
        Case("due", "`due`", [*ducha, "due", "--as-of", as_of],
             sql_floor(floor, db, f"SELECT matter, id, name, owed_by, due FROM obligations WHERE met_on IS NULL"
                                  f" AND ended_on IS NULL AND superseded_on IS NULL AND due < '{as_of}' ORDER BY due"),
             "obligations overdue"),
        Case("doc-bulletin", f"`doc bulletin {quarter}`", [*ducha, "doc", "bulletin", quarter, "--as-of", as_of],
             sql_floor(floor, db, "SELECT u.unit, count(*), sum(m.late_days > 0), sum(m.closed IS NOT NULL)"
                                  " FROM matters m JOIN matter_units u ON u.matter = m.id"
                                  f" WHERE m.registered <= '{as_of}' AND (m.closed IS NULL OR m.closed >= '{q_start}')"
                                  " GROUP BY u.unit"),
             "per unit: matters, late, closed"),
        Case("report", "`report --html`", [*ducha, "report", "--html", str(folder / "bench-report"), "--as-of", as_of],
             sql_floor(floor, db, "SELECT u.unit, m.kind, m.state, count(*), sum(m.late_days > 0) FROM matters m"
                                  " JOIN matter_units u ON u.matter = m.id GROUP BY u.unit, m.kind, m.state"),
             "per unit, kind and state: counts"),
        Case("replay", "`replay --variant`", [*ducha, "replay", "--variant", str(VARIANT), "--to", as_of],
             sql_floor(floor, db, "SELECT matter, action, on_date, actor, data FROM events ORDER BY matter, seq"),
             "every event, by matter"),
        Case("rebuild", "`rebuild`", [*ducha, "rebuild"],
             sql_floor(floor, db, "SELECT matter, action, on_date, actor, data FROM events ORDER BY matter, seq"),
             "every event, by matter"),
    ]
    return out


def machine(floor: str) -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    sqlite_cli = ""
    if floor == "sqlite3" and shutil.which("sqlite3"):
        sqlite_cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores (shared; load average "
            f"{load[0]:.1f} at start), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
            + (f", sqlite3 shell {sqlite_cli}" if sqlite_cli else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append", required=True,
                        help="A generated province (its ducha.toml and ducha.sqlite3); repeat for several sizes.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each command and floor (median), after a warm-up.")
    parser.add_argument("--only", default="", help="Comma-separated keys (see --list) to run only those.")
    parser.add_argument("--skip", default="", help="Comma-separated keys to leave out.")
    parser.add_argument("--list", action="store_true", help="List the keys of the commands and exit.")
    parser.add_argument("--floor", choices=("sqlite3", "python"), default="sqlite3" if shutil.which("sqlite3") else "python",
                        help="The floor of the SQL answers: the sqlite3 shell (default when installed) or Python's "
                             "sqlite3 module in a subprocess.")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = Path(tempfile.mkdtemp(prefix="ducha-bench-pycache-"))
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    only = {k for k in args.only.split(",") if k}
    skip = {k for k in args.skip.split(",") if k}
    folders = [d.resolve() for d in args.dir]
    if args.list:
        for case in cases(folders[0], args.floor, probe(folders[0]), "0"):
            print(f"{case.key:20} {case.name}")
        return
    sizes: list[str] = []
    params: list[dict[str, str]] = []
    results: dict[str, dict[str, tuple]] = {}
    names: dict[str, Case] = {}
    print(f"Machine: {machine(args.floor)}", file=sys.stderr)
    for folder in folders:
        conn = sqlite3.connect(f"file:{folder / 'ducha.sqlite3'}?mode=ro", uri=True)
        matters = conn.execute("SELECT count(*) FROM matters").fetchone()[0]
        events = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
        conn.close()
        sizes.append(f"{matters:,} matters, {events:,} events")
        params.append(probe(folder))
        print(f"{folder}: {sizes[-1]}", file=sys.stderr)
    for n_case, _case in enumerate(cases(folders[0], args.floor, params[0], "0")):
        k = _case.key
        if (only and k not in only) or k in skip:
            continue
        names[k] = _case
        times: dict[str, list[float]] = {size: [] for size in sizes}
        floors: dict[str, list[float]] = {size: [] for size in sizes}
        peaks: dict[str, int] = dict.fromkeys(sizes, 0)
        for i in range(args.runs + 1):  # run 0 warms up (byte code, page cache)
            for folder, size, param in zip(folders, sizes, params, strict=True):  # the sizes alternate too
                case = cases(folder, args.floor, param, f"{os.getpid()}-{i}")[n_case]
                t, rss, _ = run(case.command, folder, env)
                f, _frss, _ = run(case.floor, folder, env)
                if i:
                    times[size].append(t)
                    floors[size].append(f)
                    peaks[size] = max(peaks[size], rss)
        for size in sizes:
            med, fmed = statistics.median(times[size]), statistics.median(floors[size])
            results.setdefault(k, {})[size] = (med, fmed, peaks[size])
            print(f"  {_case.name:32} {size:40} {med:8.3f} s  floor {fmed:7.3f} s"
                  f"  {med / fmed if fmed else 0:7.1f}×  peak {peaks[size] / 1024:,.0f} MiB", file=sys.stderr)
    print(f"Machine: {machine(args.floor)}. CPU seconds (user + system) of each process, median of {args.runs} "
          "runs after a warm-up, the command, its floor and the sizes alternating; × = the command's CPU over its "
          "floor's; growth = the command's CPU at the largest size over the smallest, in the same run; peak memory "
          "(maximum resident set) at the largest size. Floor: "
          + ("the sqlite3 shell running one query" if args.floor == "sqlite3" else
             "Python's sqlite3 module executing one query in a subprocess (not the sqlite3 shell)")
          + ", or Python start-up.\n")
    growth = len(sizes) > 1
    print("| command | floor | " + " | ".join(sizes) + (" | growth" if growth else "") + " | peak memory |")
    print("|---|---|" + "---|" * len(sizes) + ("---|" if growth else "") + "---|")
    for k, by_size in results.items():
        case = names[k]
        cells = []
        for size in sizes:
            med, fmed, _peak = by_size[size]
            cells.append(f"{med:.3f} s (floor {fmed:.3f} s, {med / fmed if fmed else 0:.1f}×)")
        if growth:
            first, last = by_size[sizes[0]][0], by_size[sizes[-1]][0]
            cells.append(f"{last / first:.2f}×" if first else "—")
        floor_text = case.floor_name + (f"; {case.note}" if case.note else "")
        print(f"| {case.name} | {floor_text} | " + " | ".join(cells) + f" | {by_size[sizes[-1]][2] / 1024:,.0f} MiB |")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
