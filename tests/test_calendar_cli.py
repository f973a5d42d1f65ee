"""`ducha calendar ...` through click's CliRunner (the group is registered in the root CLI elsewhere)."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from ducha_core.cli.calendar_cmd import calendar_group


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(calendar_group, list(args), catch_exceptions=False)

    return _run


def _error_line(output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.startswith("错误：")]
    assert len(lines) == 1, output
    return lines[0]


def test_is_workday_text(run):
    r = run("is-workday", "2025-10-11")
    assert r.exit_code == 0
    assert r.output == "2025-10-11 周六 工作日（调休上班）\n"
    assert run("is-workday", "2025-10-03").output == "2025-10-03 周五 休息日（国庆节、中秋节）\n"
    assert run("is-workday", "2025-10-13").output == "2025-10-13 周一 工作日\n"


def test_is_workday_json(run):
    r = run("is-workday", "2025-10-11", "--json")
    assert r.exit_code == 0
    assert json.loads(r.output) == {
        "date": "2025-10-11",
        "workday": True,
        "reason": "调休上班",
        "provisional": False,
        "notice": "国办发明电〔2024〕12号",
    }


def test_add_plain_and_explain(run):
    r = run("add", "2025-09-30", "1")
    assert r.exit_code == 0 and r.output == "2025-10-09\n"
    r = run("add", "2025-09-30", "1", "--explain")
    assert r.output.splitlines() == ["2025-10-09", "10/1–10/8 国庆节、中秋节放假"]


def test_add_negative(run):
    r = run("add", "2025-10-09", "-1")
    assert r.exit_code == 0, r.output
    assert r.output == "2025-09-30\n"
    r = run("add", "2025-10-09", "-7", "--json")
    assert json.loads(r.output) == {
        "from": "2025-10-09",
        "n": -7,
        "date": "2025-09-23",
        "provisional": False,
        "facts": ["9/28 周日调休上班（国庆节、中秋节）", "10/1–10/8 国庆节、中秋节放假"],
    }


def test_add_provisional_json_and_strict(run):
    data = json.loads(run("add", "2027-02-04", "1", "--json").output)
    assert data["date"] == "2027-02-11" and data["provisional"] is True
    assert data["facts"][-1].startswith("2027年放假安排尚未公布")
    r = run("add", "2027-02-04", "1", "--strict")
    assert r.exit_code != 0
    assert "2027 年的放假通知尚未收录（已收录到 2026 年）" in _error_line(r.output)


def test_last_workday(run):
    assert run("last-workday", "2018-04").output == "2018-04-28\n"
    assert json.loads(run("last-workday", "2017-09", "--json").output) == {
        "month": "2017-09",
        "date": "2017-09-30",
        "provisional": False,
    }
    r = run("last-workday", "2025-13")
    assert r.exit_code != 0 and "YYYY-MM" in _error_line(r.output)


def test_years(run, tmp_path):
    r = run("years")
    assert r.exit_code == 0
    assert "| 2025 | 国办发明电〔2024〕12号 | 2024-11-12 | - | shipped |" in r.output
    assert "国办发明电〔2020〕1号" in r.output
    data = json.loads(run("years", "--json").output)
    assert [y["year"] for y in data] == list(range(2015, 2027))
    assert data[5] == {
        "year": 2020,
        "notice": "国办发明电〔2019〕16号",
        "published": "2019-11-21",
        "amendments": ["国办发明电〔2020〕1号"],
        "source": "shipped",
    }


def test_calendar_option_adds_a_year(run, tmp_path):
    f = tmp_path / "2027.toml"
    f.write_text(
        textwrap.dedent(
            """
            [[year]]
            year = 2027
            notice = "测试（虚构）"
            holidays = [ { name = "春节", start = 2027-02-05, end = 2027-02-12 } ]
            workdays = [ { date = 2027-02-20, name = "春节" } ]
            """
        ),
        encoding="utf-8",
    )
    r = run("is-workday", "2027-02-20", "--calendar", str(f), "--json")
    assert json.loads(r.output)["reason"] == "调休上班"
    assert json.loads(run("years", "--calendar", str(f), "--json").output)[-1]["source"] == str(f)


@pytest.mark.parametrize(
    "args",
    [
        ("is-workday", "2025-13-01"),
        ("is-workday", "2025/10/01"),
        ("add", "2025-02-30", "1"),
        ("add", "tomorrow", "1"),
    ],
)
def test_malformed_date(run, args):
    r = run(*args)
    assert r.exit_code != 0
    assert "YYYY-MM-DD" in _error_line(r.output)


def test_out_of_range_and_bad_file(run, tmp_path):
    r = run("add", "2014-05-01", "3")
    assert r.exit_code != 0
    assert _error_line(r.output) == (
        "错误：没有 2015-01-01 以前的日历数据（所查日期为 2014-05-01）；"
        "请在日历文件中补上该年的放假通知（格式同自带的 holidays.toml）"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[year]]\nyear = 2027\nnotice = "x"\nworkdays = [ { date = 2027-02-11, name = "春节" } ]\n',
        encoding="utf-8",
    )
    r = run("is-workday", "2025-10-11", "--calendar", str(bad))
    assert r.exit_code != 0
    line = _error_line(r.output)
    assert f"{bad}：2027 年：调休上班日 2027-02-11 是周四；" in line
