"""ducha replay: the deployment's log under a variant, per-unit differences, nothing written."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date as D
from pathlib import Path

from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.escalation import evaluate
from ducha_core.events import Event as E
from ducha_core.matter import MatterEngine
from ducha_core.registry import resolve_policy
from ducha_core.replay import evaluate_by_unit_groups, replay

SEVEN = Path(__file__).parent / "variants" / "weinan_gaoxin+seven.toml"
CAL = WorkingCalendar.default()
REPORT = {"document_number": "高新发〔2025〕1号", "signer": "王某", "seal": True}


def matter(mid, unit, submit_on=None, criticisms=()):
    evs = [E(mid, "register", D(2025, 9, 29), "office", {"kind": "instruction", "title": mid}),
           E(mid, "assign", D(2025, 9, 30), "office", {"lead_units": [unit]})]
    for day in criticisms:
        evs.append(E(mid, "bulletin", day, "office", {"type": "criticism", "approved_by": "p"}))
    if submit_on:
        evs.append(E(mid, "submit", submit_on, f"unit:{unit}", REPORT))
    return sorted(evs, key=lambda e: e.on)


def test_late_under_base_on_time_under_variant_per_unit_with_rules():
    base, var = resolve_policy("weinan_gaoxin"), resolve_policy(str(SEVEN))
    events = (matter("M1", "u1", D(2025, 10, 15))  # due 10/14 (base) / 10/16 (variant)
              + matter("M2", "u2", D(2025, 10, 13))  # on time under both
              + matter("M3", "u3", criticisms=(D(2025, 10, 20), D(2025, 10, 27))))
    report = replay(events, base, var, CAL, end=D(2025, 10, 31))
    data = report.to_json()
    assert data["matters"] == 3 and data["events"] == len(events)
    units = {u["unit"]: u for u in data["units"]}
    assert units["u1"]["overdue"] == [1, 0]
    assert any("weinan_gaoxin+seven修改" in r and "instruction_result" not in r for r in units["u1"]["rules"])
    assert "u2" not in units
    # two criticisms: the variant proposes accountability (criticism_thrice now at 2)
    assert units["u3"]["escalations"][1] == units["u3"]["escalations"][0] + 1
    new = [f for f in data["findings_changed"] if f["change"] == "新增"]
    assert [(f["rule"], f["unit"]) for f in new] == [("criticism_thrice", "u3")]
    assert any("instruction_days" in c for c in data["variant_changes"])


def test_grouped_evaluation_equals_evaluate_over_all_matters():
    pol = resolve_policy("weinan_gaoxin")
    rng = random.Random(3)
    eng = MatterEngine(pol, CAL)
    states = []
    for n in range(60):
        unit = f"u{rng.randrange(6)}"
        crit = tuple(D(2025, 10, 20 + k) for k in range(rng.randrange(3)))
        sub = D(2025, 10, rng.choice([10, 13, 15, 17])) if rng.random() < 0.6 else None
        states.append(eng.fold(matter(f"M{n}", unit, sub, crit)))
    day = D(2025, 11, 3)

    def key(f):
        return (f.category, f.rule, f.unit, f.matter, f.reason)

    assert sorted(map(key, evaluate_by_unit_groups(pol, CAL, states, day))) == sorted(map(key, evaluate(pol, CAL, states, day)))


def test_replay_command_reads_the_deployment_and_writes_nothing(tmp_path, monkeypatch):
    from ducha_core.config import load_config, write_default_config
    from ducha_core.ledger import Ledger

    cfg_path = write_default_config(tmp_path / "ducha.toml", "weinan_gaoxin")
    config = load_config(cfg_path)
    with Ledger.open(config) as ledger:
        for mid, unit, sub in (("A", "u1", D(2025, 10, 15)), ("B", "u2", None)):
            state = ledger.record(None, "register", D(2025, 9, 29), "duchashi", {"kind": "instruction", "title": mid})
            ledger.record(state.id, "assign", D(2025, 9, 30), "duchashi", {"lead_units": [unit]})
            if sub:
                ledger.record(state.id, "submit", sub, "u1_staff", REPORT)
    db = config.database
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["replay", "--variant", str(SEVEN), "--to", "2025-10-31", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["matters"] == 2 and data["totals"]["overdue"] == [2, 1]
    assert {u["unit"]: u["overdue"] for u in data["units"]}["u1"] == [1, 0]
    res = CliRunner().invoke(main, ["replay", "--variant", str(SEVEN), "--from", "2025-09-01"])
    assert res.exit_code == 0 and "各单位的差异" in res.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_replay_refuses_a_variant_of_another_jurisdiction(tmp_path, monkeypatch):
    from ducha_core.config import write_default_config

    write_default_config(tmp_path / "ducha.toml", "weinan_gaoxin")
    other = tmp_path / "x.toml"
    other.write_text('[variant]\nbase = "zhoucun"\nnote = "x"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["replay", "--variant", str(other)])
    assert res.exit_code == 1 and "派生自 zhoucun，不是本部署的辖区 weinan_gaoxin" in res.output
