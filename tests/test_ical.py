"""`ducha ical --unit U`: an iCalendar feed of a unit's open obligations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from ducha_core.cli import main
from ducha_core.config import load_config
from ducha_core.documents.demo import build
from ducha_core.ical import uid_for
from ducha_core.ledger import Ledger

AS_OF = date(2025, 9, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    result = build(tmp_path_factory.mktemp("ical") / "demo", "weinan_gaoxin", matters=10, year=2025)
    config = load_config(result.config)
    with Ledger.open(config) as ledger:
        owed = {u: ledger.obligations(as_of=AS_OF, unit=u, status="owed") for u in config.units}
    unit = max(owed, key=lambda u: len([p for p in owed[u] if p[1].due is not None]))
    return result.config, config, unit, owed[unit]


def _events(data: bytes):
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_ical_of_a_unit_parses_with_stable_unique_uids(demo, tmp_path):
    config_file, config, unit, owed = demo
    runner = CliRunner()
    out = tmp_path / "unit.ics"
    first = runner.invoke(main, ["ical", "--config", str(config_file), "--unit", unit,
                                 "--as-of", AS_OF.isoformat(), "--out", str(out)])
    assert first.exit_code == 0, first.output
    by_name = runner.invoke(main, ["ical", "--config", str(config_file), "--unit", config.unit_name(unit),
                                   "--as-of", AS_OF.isoformat()])
    assert by_name.exit_code == 0, by_name.output
    data = out.read_bytes()
    assert by_name.stdout_bytes == data  # same unit by name, same feed, same UIDs
    events = _events(data)
    dated = [(s, o) for s, o in owed if o.due is not None]
    assert dated and len(events) == len(dated)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    expected = {uid_for(s.id, o.id): (s, o) for s, o in dated}
    assert set(uids) == set(expected)
    for e in events:
        s, o = expected[str(e["UID"])]
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert type(start) is date and start == o.due and end == o.due + timedelta(days=1)
        assert str(e["SUMMARY"]) == f"{s.id} {s.title}：{o.name}"  # the matter's number first
        if o.deadline.citation is not None:
            assert o.deadline.citation.article in str(e["DESCRIPTION"])


def test_uids_are_safe_and_distinct():
    assert uid_for("DC-2025-0001", "answer:jyj") == uid_for("DC-2025-0001", "answer:jyj")
    assert uid_for("a", "b:c") != uid_for("a", "b_c") != uid_for("a", "b_3a_c")
    assert all(ch.isascii() for ch in uid_for("事项1", "答复 jyj"))


def test_unknown_unit_is_one_line(demo):
    config_file, *_ = demo
    bad = CliRunner().invoke(main, ["ical", "--config", str(config_file), "--unit", "atlantis"])
    assert bad.exit_code != 0 and "未知的单位 'atlantis'" in bad.output and "Traceback" not in bad.output
