"""Every command ``ducha due`` prints runs as printed, in each of the five jurisdictions.

A demo deployment runs until mid-2026; then, for each rung of the plugin's ladder, the fact that
calls for it is recorded (a finding with the rung's flags, a 督办令/重点督办/约谈/通报 whose obligation
then lapses, two chases of an overdue matter, a unit's criticisms in a year, a unit's grade). ``ducha
due --json`` is run, and each confirm command it prints is run through the CLI exactly as printed:
each must be accepted, and afterwards ``due`` no longer proposes what it confirmed.
"""

from __future__ import annotations

import json
import shlex
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.confirm import _people_for
from ducha_core.documents.demo import build
from ducha_core.ledger import Ledger
from ducha_core.rules import After, CountInYear, Overdue, UnitGrade

JURISDICTIONS = ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"]
BUILT_TO = date(2026, 6, 15)
CAL = WorkingCalendar.load()


def _fill(engine, state, transition, day: date, data: dict) -> dict:
    data = dict(data)
    for field in (*transition.requires, *transition.requires_by_kind.get(state.kind, ()), *transition.choices):
        choices = engine.choices_for(transition, field)
        if choices and data.get(field) not in choices:
            data[field] = choices[0]  # the document's own list (催办方式, 报送对象 …)
        elif not data.get(field):
            data[field] = CAL.add_workdays(day, 5).isoformat() if field in ("until", "deadline") else "测试"
    return data


def _record(ledger, state, action: str, day: date, data: dict, unit: str | None = None) -> bool:
    policy = ledger.policy
    transition = policy.transition(state.state, action)
    if transition is None or (transition.kinds and state.kind not in transition.kinds):
        return False
    person = _people_for(transition.roles, policy, ledger.config.people, unit, state)
    if person is None:
        return False
    if unit:
        data = {**data, "units": [unit]}
    # who may approve or sign it: a person of the deployment holding the role (checked by the ledger)
    for field, auth in ledger.engine.authority_for(state, action, data).items():
        holder = next(p for p in sorted(ledger.config.people.values(), key=lambda p: p.id)
                      if any(r in auth.roles for r in p.roles) and (not auth.same_unit or p.unit in state.units))
        data = {**data, field: holder.id}
    ledger.record(state.id, action, day, person.id, _fill(ledger.engine, state, transition, day, data))
    return True


def _open_states(ledger, day: date):
    return [s for s in ledger.states(as_of=day) if not ledger.policy.states[s.state].done and s.lead_units]


def _provoke(ledger, day: date) -> set[str]:
    """Record, on ``day``, the fact each rung of the ladder waits for; the rule ids provoked."""
    policy = ledger.policy
    provoked: set[str] = set()
    used: set[str] = set()
    for step in policy.escalation:
        trigger = step.trigger
        states = [s for s in _open_states(ledger, day) if s.id not in used
                  and (not step.kinds or s.kind in step.kinds)]
        if isinstance(trigger, After):
            for state in states:
                if _record(ledger, state, trigger.action, day, dict(trigger.match), state.lead_units[0]):
                    provoked.add(step.id)
                    used.add(state.id)
                    break
        elif isinstance(trigger, Overdue) and trigger.chased:
            for state in states:
                late = [o for o in ledger.engine.obligations(state, day) if o.what in trigger.what
                        and o.status(day) == "overdue"]
                if late and all(_record(ledger, state, "remind", d, {"method": "电话催办"})
                                for d in (day, CAL.add_workdays(day, 6))):
                    provoked.add(step.id)
                    used.add(state.id)
                    break
        elif isinstance(trigger, CountInYear):
            unit, n = None, 0
            for state in states:
                unit = unit or state.lead_units[0]
                if unit in state.lead_units and _record(ledger, state, trigger.action, day, dict(trigger.match), unit):
                    n += 1
                    used.add(state.id)
                if n >= trigger.threshold:
                    provoked.add(step.id)
                    break
        elif isinstance(trigger, UnitGrade):  # a unit not yet graded this year (its grade is the worst recorded)
            graded = {u for s in ledger.states(as_of=day) for e in s.events if e.action == "grade"
                      for u in (e.data.get("units") or s.lead_units)}
            state = next(s for s in states if s.lead_units[0] not in graded)
            if _record(ledger, state, "grade", day, {"grade": trigger.grade}, state.lead_units[0]):
                provoked.add(step.id)
    return provoked


def _due(runner, config, as_of: date) -> list[dict]:
    result = runner.invoke(main, ["due", "--as-of", as_of.isoformat(), "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["findings"]


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_every_command_due_prints_runs_as_printed(tmp_path, jid):
    result = build(tmp_path / jid, jid, year=2026, as_of=BUILT_TO, matters=40)
    with Ledger.open(load_config(result.config)) as ledger:
        # after the demo's last event: the facts, then three months for what they call for to fall due
        day = CAL.add_workdays(max(e.on for s in ledger.states() for e in s.events), 1)
        provoked = _provoke(ledger, day)
    as_of = day + timedelta(days=100)
    runner = CliRunner()
    findings = [f for f in _due(runner, result.config, as_of) if f["category"] != "deduction"]
    proposed = {f["rule"] for f in findings if f["category"] == "escalation"}
    # every rung whose fact was recorded is proposed (a chase rung may have been confirmed by the demo)
    assert provoked - proposed <= {s.id for s in ledger.policy.escalation if isinstance(s.trigger, Overdue)}, \
        provoked - proposed
    assert findings, "the provoked facts call for something"
    confirmed = set()
    for f in findings:
        command = f["confirm"]
        assert command.startswith("ducha "), f
        args = shlex.split(command)[1:]
        assert "--as" in args and "--on" in args, command
        if any("〈待填写" in a for a in args):
            # a text only a person can write: refused as printed, accepted once written
            refused = runner.invoke(main, [*args, "--config", str(result.config)])
            assert refused.exit_code != 0 and "仍是待填写的内容" in refused.output, refused.output
            args = [a.replace("〈待填写：", "（已填写）").replace("〉", "") if "〈待填写" in a else a for a in args]
        run = runner.invoke(main, [*args, "--config", str(result.config)])
        assert run.exit_code == 0, f"{command}\n{run.output}"
        confirmed.add((f["rule"], f["matter"], f["unit"], f["fact"]))
        if f["category"] == "escalation":  # declining instead is one edited reason away
            assert f["dismiss"].startswith("ducha dismiss ") and "--step" in f["dismiss"], f
    again = {(f["rule"], f["matter"], f["unit"], f["fact"]) for f in _due(runner, result.config, as_of)
             if f["category"] != "deduction"}
    assert not (again & confirmed), again & confirmed
