"""The Ledger library API over a weinan_gaoxin deployment: dates checked by hand against the
2025 National Day notice (10/1–10/8 off, Saturday 10/11 worked)."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date as D
from datetime import timedelta
from pathlib import Path

import pytest

from ducha_core.config import load_config
from ducha_core.errors import ActionRefused, InputError
from ducha_core.ledger import Ledger
from ducha_core.matter import light

CONFIG = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
responsible_person = "zhang"
[[unit]]
id = "czj"
name = "区财政局"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
[[person]]
id = "zhang"
name = "张伟"
roles = ["unit"]
unit = "jyj"
[[person]]
id = "liu"
roles = ["unit"]
unit = "czj"
[[person]]
id = "li"
roles = ["leader"]
[[person]]
id = "zhao"
roles = ["principal_leader"]
"""

SUBMIT = {"document_number": "高新教发〔2025〕12号", "signer": "王局长", "seal": True}


@pytest.fixture
def ledger(tmp_path):
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    book = Ledger.open(load_config(tmp_path / "ducha.toml"))
    yield book
    book.close()


def assigned(ledger: Ledger, **data) -> str:
    s = ledger.record(None, "register", D(2025, 9, 29), "chen", {"kind": "instruction", "title": "校舍维修"})
    ledger.record(s.id, "assign", D(2025, 9, 30), "chen", {"lead_units": ["jyj"], **data})
    ledger.record(s.id, "accept", D(2025, 9, 30), "zhang", {"responsible_person": "zhang"})
    return s.id


def light_on(ledger, day, mid):
    return next(r for r in ledger.rows(as_of=day) if r.id == mid).light


def test_deadline_and_lights_across_national_day(ledger):
    mid = assigned(ledger)
    state = ledger.matter(mid)
    assert state.due.date == D(2025, 10, 14)
    assert light_on(ledger, D(2025, 10, 8), mid) == "green"  # 10/9 10/10 10/11 10/13 10/14: 5 working days left
    assert light_on(ledger, D(2025, 10, 9), mid) == "green"  # 10/10, 10/11 (make-up Saturday), 10/13, 10/14: 4
    assert light_on(ledger, D(2025, 10, 10), mid) == "yellow"  # 10/11, 10/13, 10/14: 3 = the warning window
    assert light_on(ledger, D(2025, 10, 11), mid) == "yellow"
    assert light_on(ledger, D(2025, 10, 14), mid) == "yellow"
    assert light_on(ledger, D(2025, 10, 15), mid) == "red"
    # the read-model path agrees with the engine's light() on every day
    for n in range(40):
        day = D(2025, 9, 30) + timedelta(days=n)
        assert light_on(ledger, day, mid) == light(ledger.policy, ledger.calendar, state, day), day
    row = ledger.rows(as_of=D(2025, 10, 10))[0]
    assert row.owed_by == ("jyj",) and row.responsible == {"jyj": "zhang"} and row.status == "承办中"
    assert row.due == D(2025, 10, 14) and row.next_step == "领导批示交办事项报送办理结果"
    ledger.record(mid, "submit", D(2025, 10, 13), "zhang", SUBMIT)
    assert light_on(ledger, D(2025, 10, 20), mid) == "done"
    assert ledger.rows(as_of=D(2025, 10, 20))[0].next_step == "审核通过（区督查室）；退回重新办理（区督查室）"


def test_rows_as_of_a_past_day_fold_the_log(ledger):
    mid = assigned(ledger)
    ledger.record(mid, "submit", D(2025, 10, 13), "zhang", SUBMIT)
    ledger.record(mid, "review_pass", D(2025, 10, 14), "chen")
    ledger.record(mid, "close", D(2025, 10, 15), "chen")
    assert ledger.rows(as_of=D(2025, 9, 28)) == []
    first = ledger.rows(as_of=D(2025, 9, 29))[0]
    assert (first.state, first.light, first.owed_by) == ("registered", "none", ())
    mid_way = ledger.rows(as_of=D(2025, 10, 10))[0]
    assert (mid_way.state, mid_way.light) == ("accepted", "yellow")
    assert ledger.rows(as_of=D(2025, 10, 9), unit="czj") == []
    now = ledger.rows(as_of=D(2025, 12, 1))[0]
    assert (now.state, now.closed_on, now.light) == ("closed", D(2025, 10, 15), "done")
    assert [s.state for s in ledger.states(as_of=D(2025, 10, 9))] == ["accepted"]
    assert ledger.rows(as_of=D(2025, 10, 9))[0].matter.state == "accepted"


def test_filters(ledger):
    a = assigned(ledger)
    b = ledger.record(None, "register", D(2025, 10, 9), "chen", {"kind": "npc_suggestion", "title": "建议"}).id
    ledger.record(b, "assign", D(2025, 10, 9), "chen", {"lead_units": ["czj"]})
    day = D(2025, 10, 15)
    assert [r.id for r in ledger.rows(as_of=day, unit="czj")] == [b]
    assert [r.id for r in ledger.rows(as_of=day, kind="instruction")] == [a]
    assert [r.id for r in ledger.rows(as_of=day, status="red")] == [a]
    assert [r.id for r in ledger.rows(as_of=day, status="已交办")] == [b]
    assert ledger.matter(b).due.date == D(2026, 1, 9)  # 3 calendar months on: the same day of the month (a Friday)
    with pytest.raises(InputError, match="未知的状态 'purple'；可用状态："):
        ledger.rows(as_of=day, status="purple")
    with pytest.raises(InputError, match=r"未知的单位 'gaj'；ducha\.toml 中的单位：jyj, czj"):
        ledger.rows(as_of=day, unit="gaj")


def test_new_matter_ids_are_sequential_per_year(ledger):
    ids = [ledger.record(None, "register", day, "chen", {"kind": "instruction", "title": "x"}).id
           for day in (D(2025, 3, 1), D(2025, 3, 2), D(2026, 1, 5))]
    assert ids == ["DC-2025-0001", "DC-2025-0002", "DC-2026-0001"]
    assert ledger.new_matter_id(D(2025, 5, 1)) == "DC-2025-0003"


def test_unknown_unit_person_matter(ledger):
    mid = assigned(ledger)
    with pytest.raises(InputError) as info:
        ledger.record(mid, "remind", D(2025, 10, 9), "chen", {"units": ["gaj"], "method": "电话"})
    assert str(info.value) == "未知的单位 'gaj'；ducha.toml 中的单位：jyj, czj"
    with pytest.raises(InputError, match=r"未知的人员 'wu'；ducha\.toml 中的人员：chen, zhang, liu, li, zhao"):
        ledger.record(mid, "remind", D(2025, 10, 9), "wu", {"method": "电话"})
    with pytest.raises(InputError, match="未知的人员 'wu'"):
        ledger.record(mid, "accept", D(2025, 10, 9), "zhang", {"responsible_person": "wu"})
    with pytest.raises(InputError, match="没有事项 DC-2025-9999；"):
        ledger.matter("DC-2025-9999")
    with pytest.raises(ActionRefused, match="没有事项 DC-2025-9999；"):
        ledger.record("DC-2025-9999", "remind", D(2025, 10, 9), "chen", {"method": "电话"})


def test_deadline_before_assignment_refused(ledger):
    s = ledger.record(None, "register", D(2025, 9, 29), "chen", {"kind": "meeting", "title": "会议"})
    with pytest.raises(ActionRefused, match="办理时限 2025-09-20 早于交办日"):
        ledger.record(s.id, "assign", D(2025, 9, 30), "chen", {"lead_units": ["jyj"], "deadline": "2025-09-20"})
    assert ledger.matter(s.id).state == "registered"
    assert len(ledger.events(s.id)) == 1


def test_roles_refused(ledger):
    mid = assigned(ledger)
    with pytest.raises(ActionRefused, match="所在单位 czj 不是事项"):
        ledger.record(mid, "progress", D(2025, 10, 10), "liu")  # not a unit of this matter
    ledger.record(mid, "submit", D(2025, 10, 13), "zhang", SUBMIT)
    with pytest.raises(ActionRefused, match="无权「审核通过」"):
        ledger.record(mid, "review_pass", D(2025, 10, 14), "zhang")  # a unit cannot pass its own report
    with pytest.raises(ActionRefused, match="缺少发文字号"):
        other = assigned(ledger)
        ledger.record(other, "submit", D(2025, 10, 13), "zhang", {"signer": "王", "seal": True})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refused_commands_leave_the_database_byte_for_byte_unchanged(tmp_path):
    """Compared: the main database file's SHA-256 after every connection is closed (closing the
    last connection checkpoints the WAL into the file and removes it), and the SQL ``.dump``."""
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(tmp_path / "ducha.toml")
    book = Ledger.open(config)
    mid = assigned(book)
    book.close()
    db = config.database
    assert not Path(str(db) + "-wal").exists()
    before, dump_before = _digest(db), list(sqlite3.connect(db).iterdump())
    book = Ledger.open(config)
    attempts = [
        (mid, "assign", D(2025, 10, 1), "chen", {"lead_units": ["jyj"]}),  # wrong state
        (mid, "close", D(2025, 10, 1), "zhang", {}),  # wrong state and role
        (mid, "remind", D(2025, 10, 1), "nobody", {"method": "电话"}),  # unknown person
        (mid, "remind", D(2025, 10, 1), "chen", {"units": ["gaj"]}),  # unknown unit
        (mid, "submit", D(2025, 10, 1), "zhang", {}),  # missing 文号/签发人/公章
        (mid, "remind", D(2025, 9, 1), "chen", {"method": "电话"}),  # before registration
        (None, "register", D(2025, 10, 1), "chen", {"kind": "nothing"}),  # unknown kind
        ("X-1", "progress", D(2025, 10, 1), "zhang", {}),  # unknown matter
    ]
    for args in attempts:
        with pytest.raises((ActionRefused, InputError)):
            book.record(*args)
    book.close()
    assert _digest(db) == before
    assert list(sqlite3.connect(db).iterdump()) == dump_before


def test_confidential_matters_shown_only_to_those_entitled(ledger):
    s = ledger.record(None, "register", D(2025, 9, 29), "chen",
                      {"kind": "instruction", "title": "信访件", "confidential": True, "viewers": ["li"]})
    ledger.record(s.id, "assign", D(2025, 9, 30), "chen", {"lead_units": ["czj"]})
    open_one = assigned(ledger)
    day = D(2025, 10, 9)
    seen = {who: [r.id for r in ledger.rows(as_of=day, viewer=who)] for who in (None, "chen", "li", "liu", "zhang")}
    assert seen[None] == [open_one] and seen["zhang"] == [open_one]
    assert seen["chen"] == seen["li"] == seen["liu"] == [s.id, open_one]
    assert len(ledger.rows(as_of=day, all_visible=True)) == 2
    with pytest.raises(InputError, match="未知的人员 'ghost'"):
        ledger.rows(as_of=day, viewer="ghost")


def test_due_proposes_and_step_confirms(ledger):
    mid = assigned(ledger)
    for day in (D(2025, 10, 16), D(2025, 11, 3)):
        ledger.record(mid, "bulletin", day, "chen", {"type": "criticism", "units": ["jyj"], "approved_by": "zhao"})
    found = {(f.rule, f.unit) for f in ledger.due(as_of=D(2025, 11, 4)) if f.category == "escalation"}
    assert ("criticism_twice", "jyj") in found
    ledger.record(mid, "interview", D(2025, 11, 5), "zhao", {"units": ["jyj"], "step": "criticism_twice"})
    found = {(f.rule, f.unit) for f in ledger.due(as_of=D(2025, 11, 6)) if f.category == "escalation"}
    assert ("criticism_twice", "jyj") not in found


def test_hook_called_after_commit_and_failure_keeps_event(ledger):
    seen = []
    ledger._hook = lambda policy, event: seen.append((event.seq, event.action, event.hash != ""))
    mid = assigned(ledger)
    assert seen == [(1, "register", True), (2, "assign", True), (3, "accept", True)]

    def broken(policy, event):
        raise RuntimeError("mail server down")

    ledger._hook = broken
    with pytest.warns(UserWarning, match="mail server down"):
        ledger.record(mid, "remind", D(2025, 10, 9), "chen", {"method": "电话催办"})
    assert ledger.events(mid)[-1].action == "remind"


def test_a_new_holiday_notice_recomputes_provisional_deadlines(tmp_path):
    """A deadline in a year whose notice is not out is provisional; once the deployment adds the
    year's notice (a hypothetical one here: 元旦 1/1–1/4), the next command recomputes it."""
    (tmp_path / "ducha.toml").write_text(CONFIG, encoding="utf-8")
    with Ledger.open(load_config(tmp_path / "ducha.toml")) as book:
        book.record("M1", "register", D(2026, 12, 25), "chen", {"kind": "instruction", "title": "年末批示"})
        state = book.record("M1", "assign", D(2026, 12, 28), "chen", {"lead_units": ["jyj"]})
        # 12/29, 12/30, 12/31, (1/1 元旦 by the statutory rule), 1/4, 1/5
        assert state.due.date == D(2027, 1, 5) and state.due.provisional
        (row,) = book.rows(as_of=D(2026, 12, 31), all_visible=True)
        assert str(row.due).startswith("2027-01-05")
    (tmp_path / "notice-2027.toml").write_text(
        '[[year]]\nyear = 2027\nnotice = "国办发明电〔2026〕假设号"\npublished = 2026-11-20\n'
        'holidays = [ { name = "元旦", start = 2027-01-01, end = 2027-01-04 } ]\nworkdays = []\n', encoding="utf-8")
    (tmp_path / "ducha.toml").write_text(CONFIG.replace('database = "ducha.sqlite3"',
                                                        'database = "ducha.sqlite3"\ncalendar = ["notice-2027.toml"]'),
                                         encoding="utf-8")
    with Ledger.open(load_config(tmp_path / "ducha.toml")) as book:
        state = book.matter("M1")
        assert state.due.date == D(2027, 1, 6) and not state.due.provisional
        (row,) = book.rows(as_of=D(2026, 12, 31), all_visible=True)
        assert str(row.due).startswith("2027-01-06")
        book.record("M1", "remind", D(2026, 12, 31), "chen", {"method": "电话催办"})  # a write refreshes the table
    raw = sqlite3.connect(tmp_path / "ducha.sqlite3").execute("SELECT due_date FROM matters").fetchone()[0]
    assert raw == "2027-01-06"
