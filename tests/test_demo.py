"""`ducha demo`: a sample deployment for every installed jurisdiction, deterministic, never clobbering."""

from __future__ import annotations

from collections import Counter
from datetime import date as D

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.documents.demo import MARKER, build, plan_settings, plan_year, prepare_dir
from ducha_core.documents.render import available_kinds
from ducha_core.errors import InputError
from ducha_core.ledger import Ledger
from ducha_core.policy import load_policy
from ducha_core.registry import all_ids

SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")


def installed_ids() -> list[str]:
    """The jurisdictions ducha ships (its suite tests these, not every plugin installed beside it)."""
    return list(SHIPPED)


def _has(policy, action: str) -> bool:
    return any(t.action == action for t in policy.procedure.transitions)


@pytest.mark.parametrize("jid", installed_ids())
def test_demo_builds_a_plausible_year(jid, tmp_path):
    if jid not in all_ids():
        pytest.skip(f"{jid} is not installed")
    result = build(tmp_path / "demo", jid, year=2025)
    assert result.as_of == D(2025, 12, 31) or result.as_of.year == 2025
    config = load_config(result.config)
    assert config.jurisdiction == jid and len(config.units) >= 12
    with Ledger.open(config, create=False) as ledger:
        assert ledger.verify().ok
        policy = ledger.policy
        states = ledger.states(as_of=D(2025, 12, 31))
        events = ledger.events()
    assert len(states) >= 55 and result.matters == len(states)
    # all kinds of the jurisdiction
    assert {s.kind for s in states} == set(policy.kinds)
    # roles picked by scope: every person's roles exist; office, unit and leader people exist
    scopes = {policy.roles[r].scope for p in config.people.values() for r in p.roles}
    assert {"office", "unit"} <= scopes
    actions = Counter(e.action for e in events)
    from ducha_core.documents.snapshot import Snapshot

    with Ledger.open(config, create=False) as ledger:
        snap = Snapshot.from_ledger(ledger, D(2025, 12, 31))
        ledger_rows = ledger.rows(as_of=D(2025, 12, 31), all_visible=True)
    rows = snap.rows
    lights = Counter(r.light for r in rows)
    assert lights["done"] >= 25 and lights["red"] >= 1
    assert any(r.done and r.on_time for r in rows) and any(r.done and not r.on_time for r in rows)
    assert len(ledger_rows) == len(states)
    if _has(policy, "review_return"):
        assert actions["review_return"] >= 1
    if _has(policy, "extension_grant") and policy.extension_rules:
        assert actions["extension_grant"] >= 1
    if policy.escalation:
        assert any(e.data.get("step") for e in events), "no escalation was confirmed"
    if _has(policy, "bulletin"):
        criticised = Counter(u for s in states for e in s.events
                             if e.action == "bulletin" and e.data.get("type") == "criticism"
                             for u in (e.data.get("units") or s.lead_units))
        assert criticised and max(criticised.values()) >= 2, criticised
    if policy.grading and policy.grading.grades and _has(policy, "grade"):
        assert any(s.grade for s in states)
    # documents (one of each kind, in Markdown, HTML and .docx) and the dashboard
    assert len(result.documents) == 3 * len(available_kinds(policy))
    assert {p.suffix for p in result.documents.values()} == {".md", ".html", ".docx"}
    for path in result.documents.values():
        assert path.exists() and path.stat().st_size > 200
    assert result.dashboard.exists() and "<svg" in result.dashboard.read_text(encoding="utf-8")
    assert "DC-2025-0001" in result.ledger_text


def test_demo_is_deterministic():
    cal = WorkingCalendar.default()
    policy = load_policy("weinan_gaoxin", plan_settings(load_policy("weinan_gaoxin"), 2025))
    a = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31))
    b = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31))
    assert [(e.matter, e.action, e.on, e.actor, e.data) for e in a.events] == \
           [(e.matter, e.action, e.on, e.actor, e.data) for e in b.events]
    assert a.people == b.people


def test_demo_never_clobbers_another_directory(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="不是 `ducha demo` 建的示例部署"):
        prepare_dir(target)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not (target / MARKER).exists()


def test_demo_rebuilds_its_own_directory(tmp_path):
    target = tmp_path / "demo"
    first = build(target, "weinan_gaoxin", matters=20)
    second = build(target, "weinan_gaoxin", matters=20)  # same dir: the old demo is replaced, not appended to
    assert first.events == second.events
    with Ledger.open(load_config(second.config), create=False) as ledger:
        assert len(ledger.events()) == second.events


def test_demo_cli_and_doc_report_on_it(tmp_path):
    runner = CliRunner()
    target = tmp_path / "ducha-demo"
    out = runner.invoke(main, ["demo", "--dir", str(target), "--jurisdiction", "weinan_gaoxin"])
    assert out.exit_code == 0, out.output
    assert "台账（截至2025-12-31）" in out.output and "看板" in out.output
    config = str(target / "ducha.toml")
    doc = runner.invoke(main, ["doc", "assignment", "DC-2025-0001", "--config", config])
    assert doc.exit_code == 0, doc.output
    assert "\n---\n\n# " in doc.output and "DC-2025-0001" in doc.output  # 版头, rule, title
    html = tmp_path / "b.html"
    doc = runner.invoke(main, ["doc", "bulletin", "2025-Q3", "--config", config, "--format", "html", "--out", str(html)])
    assert doc.exit_code == 0, doc.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    rep = runner.invoke(main, ["report", "--html", str(tmp_path / "board"), "--config", config, "--as-of", "2025-06-30"])
    assert rep.exit_code == 0, rep.output
    assert (tmp_path / "board" / "index.html").exists() and "截至2025-06-30" in rep.output
    # bad input: one line, non-zero
    for args in (["doc", "assignment", "DC-2099-9999", "--config", config],
                 ["doc", "bulletin", "2025-Q7", "--config", config],
                 ["doc", "memo", "DC-2025-0001", "--config", config],
                 ["demo", "--dir", str(tmp_path / "board")],
                 ["demo", "--jurisdiction", "atlantis", "--dir", str(tmp_path / "x")]):
        bad = runner.invoke(main, args)
        assert bad.exit_code != 0, args
        errors = [line for line in bad.output.splitlines() if line.startswith("错误：")]
        assert len(errors) == 1 and "Traceback" not in bad.output, bad.output


def test_confidential_matters_only_for_those_entitled(tmp_path):
    from ducha_core.documents.snapshot import Snapshot

    result = build(tmp_path / "demo", "weinan_gaoxin", matters=10)
    config = load_config(result.config)
    with Ledger.open(config) as ledger:
        ledger.record("SECRET-1", "register", D(2025, 12, 1), "office_li",
                      {"kind": "instruction", "title": "保密事项", "confidential": True})
        ledger.record("SECRET-1", "assign", D(2025, 12, 1), "office_li", {"lead_units": ["zjj"]})
        public = Snapshot.from_ledger(ledger, D(2025, 12, 31))
        office = Snapshot.from_ledger(ledger, D(2025, 12, 31), viewer="office_li")
        other_unit = Snapshot.from_ledger(ledger, D(2025, 12, 31), viewer="jyj_staff")
    assert "SECRET-1" not in {s.id for s in public.states} | {s.id for s in other_unit.states}
    assert "SECRET-1" in {s.id for s in office.states}
    runner = CliRunner()
    hidden = runner.invoke(main, ["doc", "assignment", "SECRET-1", "--config", str(result.config)])
    assert hidden.exit_code != 0 and "没有事项 SECRET-1" in hidden.output
    shown = runner.invoke(main, ["doc", "assignment", "SECRET-1", "--config", str(result.config), "--as", "office_li"])
    assert shown.exit_code == 0 and "保密事项" in shown.output
