"""Every setting has a type, checked when the policy is compiled; unknown keys in every file are
refused, naming the key and the nearest valid one (one Chinese line, no traceback)."""

from __future__ import annotations

import math
import re
import textwrap
from datetime import date as D
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core.calendar import WorkingCalendar
from ducha_core.calendar.data import CalendarDataError, read_file
from ducha_core.cli import main
from ducha_core.cli.calendar_cmd import calendar_group
from ducha_core.config import ConfigError, load_config, write_default_config
from ducha_core.errors import DuchaError, PolicyError
from ducha_core.plugins import default_plugins, get_plugins
from ducha_core.policy import assemble, base_parts, build_policy, load_policy
from ducha_core.rules import SETTING_TYPES, Setting
from ducha_core.scenario import ScenarioError, parse_scenario
from ducha_core.variants import load_variant

JURISDICTIONS = ("ankang", "dazhan", "ordos", "weinan_gaoxin", "zhoucun")
CJK = re.compile(r"[\u4e00-\u9fff]")

#: wrong values for each type: each must be refused
WRONG: dict[str, tuple] = {
    "bool": ("false", "true", 1, 0),
    "int": ("abc", "2", 2.5, -1, True, [2]),
    "number": ("abc", "2", True, math.nan, [1]),
    "str": (5, "", "  ", True, ["x"]),
    "period": (5, 0, 5.5, "abc", "-1周", "提前3个工作日", True, ["5个工作日"]),
    "date": ("2024-13-01", "last spring", 20240101, True),
    "list[str]": ("x", [1], [], ["a", ""], {"a": "b"}),
    "dict": (["a"], {"a": 1}, {}, "x"),
}

#: right values for each type besides the default: each must be accepted
RIGHT: dict[str, tuple] = {
    "bool": (True, False),
    "int": (0, 7),
    "number": (0, 2, 0.5),
    "period": ("7个工作日", "十五个工作日", "一周", "每月最后1日", "随办随报"),
    "date": ("2024-06-01", D(2024, 6, 1)),
    "list[str]": (["甲"], ["甲", "乙"]),
    "dict": ({"x": "说明"},),
}


def _policies():
    plugins = default_plugins()
    return {jid: build_policy(plugins, jid) for jid in JURISDICTIONS}


POLICIES = _policies()


def _cases(values: dict[str, tuple]):
    for jid, policy in POLICIES.items():
        for key, setting in policy.setting_defs.items():
            for value in values.get(setting.type, ()):
                yield pytest.param(jid, key, value, id=f"{jid}-{key}-{value!r}")


def _one_line(message: str, key: str) -> None:
    assert "\n" not in message and "Traceback" not in message
    assert key in message and CJK.search(message), message


def test_every_setting_of_every_jurisdiction_has_a_type_and_its_default_is_of_it():
    for policy in POLICIES.values():
        for key, setting in policy.setting_defs.items():
            assert setting.type in SETTING_TYPES, (policy.id, key)
    types = {s.type for p in POLICIES.values() for s in p.setting_defs.values()}
    assert types == set(SETTING_TYPES)  # every type is in use and tested below
    periods = {k for k, s in POLICIES["dazhan"].setting_defs.items() if s.type == "period"}
    assert {"weekly_check_due", "monthly_account_due", "order_rectify_period", "chase_every"} <= periods
    assert POLICIES["ankang"].setting_defs["praise_points"].type == "number"
    assert POLICIES["ankang"].setting_defs["quarterly_bulletin_day"].type == "period"
    assert POLICIES["ankang"].setting_defs["escalate_after_chases"].type == "int"
    assert POLICIES["ordos"].setting_defs["default_report_anchor"].type == "str"


@pytest.mark.parametrize(("jid", "key", "value"), list(_cases(WRONG)))
def test_a_wrong_typed_setting_is_refused_in_one_line_naming_the_key(jid, key, value):
    with pytest.raises(PolicyError) as info:
        build_policy(default_plugins(), jid, {key: value})
    _one_line(str(info.value), key)


@pytest.mark.parametrize(("jid", "key", "value"), list(_cases(RIGHT)))
def test_a_right_typed_setting_is_accepted(jid, key, value):
    policy = build_policy(default_plugins(), jid, {key: value})
    assert policy.settings[key] == value


@pytest.mark.parametrize("jid", JURISDICTIONS)
def test_every_default_given_back_as_an_override_is_accepted(jid):
    defaults = {k: s.default for k, s in POLICIES[jid].setting_defs.items() if s.default is not None}
    assert build_policy(default_plugins(), jid, defaults).settings == POLICIES[jid].settings


@pytest.mark.parametrize(("jid", "key", "value", "message"), [
    ("ankang", "praise_points", "abc", "设置 praise_points = 'abc'：须为数字（如 2 或 0.5）"),
    ("ankang", "criticism_points", "2分", "设置 criticism_points = '2分'：须为数字（如 2 或 0.5）"),
    ("dazhan", "weekly_check_due", "-1周", "设置 weekly_check_due：无法识别期限 '-1周'"),
    ("ankang", "monthly_report_due", "提前3个工作日", "设置 monthly_report_due = '提前3个工作日'：期限须自起算日往后计"),
    ("zhoucun", "strict_calendar", "false", "设置 strict_calendar = 'false'：须为 true 或 false（不加引号）"),
    ("weinan_gaoxin", "instruction_days", 5, '设置 instruction_days = 5：期限须写成带引号的文字，写作 "5个工作日"'),
    ("ordos", "default_report_days", 15, '写作 "15个工作日" 或 "15日"'),
    ("ankang", "warning_window", "abc", "设置 warning_window = 'abc'：须为 0 或更大的整数"),
    ("dazhan", "order_after_chases", "2", "设置 order_after_chases = '2'：须为 0 或更大的整数"),
    ("dazhan", "supervision_methods", "走访", '设置 supervision_methods = \'走访\'：须为带引号的文字组成的列表（至少一项）'),
    ("ordos", "finding_types", ["deviation"], "设置 finding_types = ['deviation']：须为表"),
    ("weinan_gaoxin", "issued", 20240601, "设置 issued = 20240601 不是日期；请写 YYYY-MM-DD"),
])
def test_the_issues_examples_are_refused_with_the_fix(jid, key, value, message):
    with pytest.raises(PolicyError) as info:
        build_policy(default_plugins(), jid, {key: value})
    assert message in str(info.value)
    _one_line(str(info.value), key)


def test_an_empty_string_leaves_a_setting_without_default_unset():
    policy = build_policy(default_plugins(), "ankang", {"praise_points": "", "issued": ""})
    assert policy.settings["praise_points"] is None and policy.settings["issued"] is None
    with pytest.raises(PolicyError, match="设置 chase_every：无法识别期限 ''"):
        build_policy(default_plugins(), "ankang", {"chase_every": ""})


def test_a_table_setting_from_a_deployment_compiles_through_the_cache():
    policy = load_policy("ordos", {"finding_types": {"deviation": "落实走样"}})
    assert policy.settings["finding_types"] == {"deviation": "落实走样"}


def test_an_unknown_setting_names_the_nearest_one():
    with pytest.raises(PolicyError) as info:
        build_policy(default_plugins(), "dazhan", {"weekly_chek_due": "一周"})
    message = str(info.value)
    assert "没有设置项 'weekly_chek_due'" in message and message.endswith("是否要写 weekly_check_due？")


# --- plugin authors ------------------------------------------------------------------------------


def test_a_setting_without_default_or_type_is_the_plugins_error(toy_policy):
    parts = base_parts(toy_policy)
    parts["setting_defs"] = [*parts["setting_defs"], Setting("bonus_points", None, "加分")]
    with pytest.raises(PolicyError, match="setting 'bonus_points' has no default to infer its type from; declare"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))
    parts["setting_defs"][-1] = Setting("bonus_points", None, "加分", type="number")
    assert assemble(toy_policy.jurisdiction, parts, {"bonus_points": 1.5}, ("toy",)).settings["bonus_points"] == 1.5


def test_a_declared_type_must_agree_with_the_rules_and_the_default(toy_policy):
    parts = base_parts(toy_policy)
    assert toy_policy.setting_defs["instr_days"].type == "period"  # TimeLimit.setting
    parts["setting_defs"] = [Setting("instr_days", None, "批示办理时限", type="int")]
    with pytest.raises(PolicyError, match="setting 'instr_days' is declared int but a rule reads it as period"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))
    parts["setting_defs"] = [Setting("instr_days", 5, "批示办理时限")]
    with pytest.raises(PolicyError, match="the default of setting 'instr_days' is not a period"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))
    parts["setting_defs"] = [Setting("instr_days", None, "批示办理时限", type="text")]
    with pytest.raises(PolicyError, match="unknown type 'text'"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))


# --- deployment files and the command line --------------------------------------------------------


def _deployment(tmp_path: Path, jid: str, settings: str = "") -> Path:
    path = write_default_config(tmp_path / "ducha.toml", jid)
    text = path.read_text(encoding="utf-8").replace("[settings]\n", "[settings]\n" + settings, 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("jid", "line", "expected"), [
    ("ankang", 'praise_points = "abc"', "设置 praise_points = 'abc'：须为数字（如 2 或 0.5）"),
    ("dazhan", 'weekly_check_due = "-1周"', "设置 weekly_check_due：无法识别期限 '-1周'"),
    ("zhoucun", 'strict_calendar = "false"', "设置 strict_calendar = 'false'：须为 true 或 false"),
    ("weinan_gaoxin", "instruction_days = 5", '写作 "5个工作日"'),
    ("ordos", 'warning_window = "abc"', "设置 warning_window = 'abc'：须为 0 或更大的整数"),
    ("ordos", "issued = 2021-07-16T09:00:00", "不是日期；请写 YYYY-MM-DD"),
])
def test_a_wrong_typed_setting_in_ducha_toml_is_one_line_on_the_command_line(tmp_path, jid, line, expected):
    path = _deployment(tmp_path, jid, line + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "ducha.toml：[settings] 有误：" in str(info.value) and expected in str(info.value)
    result = CliRunner().invoke(main, ["fields", "--config", str(path)])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and expected in result.output
    assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1


@pytest.mark.parametrize(("old", "new", "message"), [
    ('database = "ducha.sqlite3"', 'databse = "ducha.sqlite3"', "未知的键 databse；"),
    ('[settings]\n', '[setting]\n', "未知的键 setting；"),
    ('head = "u1_head"', 'haed = "u1_head"', "未知的键 unit[1].haed；"),
    ('\ntitle = ', '\ntitel = ', "未知的键 person[1].titel；"),  # a key at a line's start, not a comment
    ('[settings]\n', '[settings]\nstrict_calender = true\n', "没有设置项 'strict_calender'；"),
])
def test_an_unknown_config_key_names_the_nearest_valid_one(tmp_path, old, new, message):
    path = _deployment(tmp_path, "ankang")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    wrong = re.search(r"(?:键 |设置项 ')(?:\w+\[\d\]\.)?(\w+)", message).group(1)
    nearest = {"databse": "database", "setting": "settings", "haed": "head", "titel": "title",
               "strict_calender": "strict_calendar"}[wrong]
    assert message in str(info.value) and str(info.value).endswith(f"是否要写 {nearest}？")
    assert "\n" not in str(info.value)


# --- calendar files -------------------------------------------------------------------------------

CAL_2027 = """
[[year]]
year = 2027
notice = "测试（虚构）"
holidays = [ { name = "春节", start = 2027-02-05, end = 2027-02-12 } ]
workdays = [ { date = 2027-02-20, name = "春节" } ]
"""


def _calendar(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "2027.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_misspelt_holidays_key_is_refused_naming_holidays(tmp_path):
    path = _calendar(tmp_path, CAL_2027.replace("holidays =", "holiday ="))
    with pytest.raises(CalendarDataError) as info:
        read_file(path)
    message = str(info.value)
    assert message == (f"{path}：2027 年：未知的键 holiday；可用的键：year, notice, published, holidays, workdays, "
                       "amendments；是否要写 holidays？")
    with pytest.raises(CalendarDataError, match="是否要写 holidays？"):
        WorkingCalendar.load([path])
    # the command line says so in one line, instead of treating 2027 as provisional
    r = CliRunner().invoke(calendar_group, ["is-workday", "2027-02-08", "--calendar", str(path)])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert [ln for ln in r.output.splitlines() if ln.startswith("错误：")] == [f"错误：{message}"]
    # spelt right, the year is known and no longer provisional
    good = _calendar(tmp_path, CAL_2027)
    assert not WorkingCalendar.load([good]).is_provisional(D(2027, 2, 8))


@pytest.mark.parametrize(("old", "new", "where", "nearest"), [
    ("notice =", "notise =", "notise", "notice"),
    ('start = 2027-02-05', 'stat = 2027-02-05', "holidays[0].stat", "start"),
    ('date = 2027-02-20', 'day = 2027-02-20, date = 2027-02-20', "workdays[0].day", None),
    ('name = "春节" } ]\n', 'nam = "春节" } ]\n', "workdays[0].nam", "name"),
    ("[[year]]", "yaer = 1\n[[year]]", "yaer", "year"),
    ('workdays = [ { date = 2027-02-20, name = "春节" } ]',
     '[[year.amendments]]\nnotice = "调整"\nnotes = "x"', "amendments[0].notes", "note"),
])
def test_unknown_calendar_keys_are_refused(tmp_path, old, new, where, nearest):
    assert old in CAL_2027
    path = _calendar(tmp_path, CAL_2027.replace(old, new, 1))
    with pytest.raises(CalendarDataError) as info:
        read_file(path)
    message = str(info.value)
    assert f"未知的键 {where}；可用的键：" in message and "\n" not in message
    assert message.endswith(f"是否要写 {nearest}？") if nearest else "是否要写" not in message


def test_a_year_that_is_not_a_table_is_one_line(tmp_path):
    path = _calendar(tmp_path, "year = [1, 2]\n")
    with pytest.raises(CalendarDataError, match=r"year 须为表数组：每一年写一个 \[\[year\]\] 表"):
        read_file(path)


# --- scenario and variant files -------------------------------------------------------------------


def test_an_unknown_scenario_key_names_the_nearest_one():
    text = '[[matter]]\nid = "A"\nkind = "instruction"\ntitel = "x"\nreceived = "2025-09-29"\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    assert "未知的键 'titel'" in str(info.value) and str(info.value).endswith("是否要写 title？")


@pytest.mark.parametrize(("body", "message"), [
    ('[variant]\nbase = "weinan_gaoxin"\nnote = "试"\n[settings]\ninstruction_days = 7\n',
     '设置 instruction_days = 7：期限须写成带引号的文字，写作 "7个工作日"'),
    ('[variant]\nbase = "weinan_gaoxin"\nnote = "试"\n[settings]\ninstruction_dayz = "7个工作日"\n',
     "是否要写 instruction_days？"),
    ('[variant]\nbase = "weinan_gaoxin"\nnte = "试"\nnote = "试"\n', "[variant]：未知的键 nte；可用：base, id, name, note；是否要写 note？"),
    ('[variant]\nbase = "weinan_gaoxin"\nnote = "试"\n[setings]\nx = 1\n', "是否要写 settings？"),
])
def test_variant_settings_are_typed_and_unknown_keys_named(tmp_path, body, message):
    path = tmp_path / "v.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DuchaError) as info:
        load_variant(path, plugins=get_plugins())
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_variant_may_add_a_typed_setting(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text(textwrap.dedent("""
        [variant]
        base = "weinan_gaoxin"
        note = "试"
        [[replace]]
        type = "setting"
        note = "新增"
        [replace.rule]
        key = "bonus_points"
        default = 0
        doc = "加分"
        type = "number"
        """), encoding="utf-8")
    policy = load_variant(path, plugins=get_plugins(), settings={"bonus_points": 1})
    assert policy.setting_defs["bonus_points"].type == "number" and policy.settings["bonus_points"] == 1
    with pytest.raises(DuchaError, match="设置 bonus_points = 'x'：须为数字"):
        load_variant(path, plugins=get_plugins(), settings={"bonus_points": "x"})


def test_settings_keep_their_types_across_a_variant():
    policy = POLICIES["weinan_gaoxin"]
    again = assemble(policy.jurisdiction, base_parts(policy), {}, policy.lineage)
    assert {k: s.type for k, s in again.setting_defs.items()} == {k: s.type for k, s in policy.setting_defs.items()}
