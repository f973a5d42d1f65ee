"""``ducha replay`` reads the log one matter at a time and keeps, of each matter folded under the two
policies, its summary and only the states the rule findings can be found in (``replay._Folder``):
the report is the one every state kept gives, and the one the whole log read into memory gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ducha_core.config import load_config
from ducha_core.documents.demo import build
from ducha_core.registry import plugins_with, resolve_policy
from ducha_core.replay import read_only_events, replay, replay_deployment
from ducha_core.variants import load_variant

JURISDICTIONS = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")
SEVEN = Path(__file__).parent / "variants" / "weinan_gaoxin+seven.toml"


@pytest.fixture(scope="module", params=JURISDICTIONS)
def site(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"replay-{request.param}")
    config = build(folder / "demo", request.param, year=2025, as_of=date(2025, 12, 31), matters=40).config
    if request.param == "weinan_gaoxin":
        variant = SEVEN
    else:  # the same rules under another name: the findings and the lights must come out the same
        variant = folder / f"{request.param}+same.toml"
        variant.write_text(f"[variant]\nbase = \"{request.param}\"\nname = \"同一规则\"\nnote = \"对照\"\n", encoding="utf-8")
    return request.param, config, variant


def _report(config, variant, **kwargs):
    data = replay_deployment(str(variant), config_path=str(config), **kwargs).to_json()
    data.pop("seconds")
    return data


@pytest.mark.parametrize("end", [None, date(2025, 9, 30)])
def test_streamed_replay_is_the_replay_of_every_state_in_memory(site, end):
    jid, config, variant = site
    cfg = load_config(str(config))
    base = resolve_policy(cfg.jurisdiction, plugin_paths=cfg.plugins, settings=cfg.settings)
    var = load_variant(str(variant), plugins=plugins_with(cfg.plugins), settings=None)
    from ducha_core.calendar import WorkingCalendar

    cal = WorkingCalendar.load(cfg.calendar)

    def directory(actor):
        from ducha_core.matter import role_directory

        return cfg.people.get(actor) or role_directory(actor)

    events = read_only_events(cfg.database)
    streamed = _report(config, variant, end=end)
    everything = replay(events, base, var, cal, end=end, directory=directory, keep_all=True)
    whole = everything.to_json()
    whole.pop("seconds")
    assert streamed == whole
    # the findings were found over fewer states than every matter (an evaluation finds nothing in the others)
    report = replay(events, base, var, cal, end=end, directory=directory)
    assert report.base_side.kept < everything.base_side.kept == len(everything.base_side.states)
    # the matters registered by the end day (not those registered after it), and their events by then
    upto = end or max(e.on for e in events)
    assert streamed["matters"] == len({e.matter for e in events if e.on <= upto})
    assert streamed["events"] == sum(1 for e in events if e.on <= upto)
    if end is not None:
        assert streamed["matters"] < len({e.matter for e in events})
    if jid == "weinan_gaoxin" and end is None:  # the variant changes something
        assert streamed["matters_changed"]
        # a person reads it: units by their names, time limits by theirs (ids stay in the JSON)
        from ducha_core.replay import render_report

        report = replay_deployment(str(variant), config_path=str(config), end=end)
        text = render_report(report)
        assert "instruction_result" not in text
        assert all("instruction_result" not in c["rules"] for c in streamed["matters_changed"])
        assert any("领导批示交办事项报送办理结果〔九〕" in c["rules"] for c in streamed["matters_changed"])
        from click.testing import CliRunner

        from ducha_core.cli import main

        result = CliRunner().invoke(main, ["replay", "--variant", str(variant), "--config", str(config), "--format", "csv"])
        assert result.exit_code == 0, result.output
        first = [line.split(",")[0] for line in result.output.splitlines()[1:] if line]
        named = {u.name for u in cfg.units.values()}
        assert first and all(cell in named or cell.startswith("（") for cell in first), first


def test_streamed_replay_from_a_day_ends_on_the_last_event_of_the_matters_registered_from_it(site):
    _jid, config, variant = site
    cfg = load_config(str(config))
    events = read_only_events(cfg.database)
    start = date(2025, 7, 1)
    firsts = {}
    for e in events:
        firsts.setdefault(e.matter, e)
    later = {m for m, e in firsts.items() if e.on >= start}
    data = _report(config, variant, start=start)
    assert data["from"] == "2025-07-01"
    assert data["matters"] == len(later)
    assert data["to"] == max(e.on for e in events if e.matter in later).isoformat()
    assert data["events"] == sum(1 for e in events if e.matter in later)
