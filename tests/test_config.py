"""Deployment files (ducha.toml): which file, what is checked, one-line errors naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ducha_core.config import ConfigError, default_config_text, load_config, write_default_config

GOOD = """
jurisdiction = "weinan_gaoxin"
database = "data/ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
head = "wang"
responsible_person = "zhang"
[[unit]]
id = "czj"
name = "区财政局"
responsible_person = "liu"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
[[person]]
id = "zhang"
name = "张伟"
roles = ["unit"]
unit = "jyj"
title = "办公室主任"
[[person]]
id = "wang"
name = "王局长"
roles = ["unit_head"]
unit = "jyj"
[[person]]
id = "liu"
name = "刘科长"
roles = ["unit"]
unit = "czj"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ducha.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    assert "ducha.toml" in message
    return message


def test_good_config_reads_units_people_and_resolves_database(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.jurisdiction == "weinan_gaoxin"
    assert config.database == tmp_path.resolve() / "data" / "ducha.sqlite3"
    assert config.units["jyj"].head == "wang" and config.units["jyj"].name == "区教育局"
    assert config.people["zhang"].roles == ("unit",) and config.people["zhang"].unit == "jyj"
    assert config.settings == {"issued": "2024-06-01"}


def test_which_file_explicit_then_env_then_cwd(tmp_path, monkeypatch):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write(a, GOOD)
    write(b, GOOD.replace('database = "data/ducha.sqlite3"', 'database = "b.sqlite3"'))
    monkeypatch.chdir(a)
    assert load_config().database.name == "ducha.sqlite3"
    monkeypatch.setenv("DUCHA_CONFIG", str(b / "ducha.toml"))
    assert load_config().database.name == "b.sqlite3"
    assert load_config(a / "ducha.toml").database.name == "ducha.sqlite3"


def test_missing_file_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    with pytest.raises(ConfigError, match=r"^ducha\.toml：没有部署文件；在此运行 ducha init --jurisdiction ID.*--config FILE.*DUCHA_CONFIG"):
        load_config()


def test_unit_person_reference_names_key_and_allowed(tmp_path):
    text = GOOD.replace('responsible_person = "liu"', 'responsible_person = "x"')
    assert error(tmp_path, text) == (
        f"{tmp_path / 'ducha.toml'}：unit[2].responsible_person = 'x' 不是人员 id；人员：chen, zhang, wang, liu"
    )


def test_unknown_top_level_key(tmp_path):
    message = error(tmp_path, "databse = 'x'\n" + GOOD)
    assert "未知的键 databse；可用的键：jurisdiction, database" in message


def test_unknown_jurisdiction_lists_installed(tmp_path):
    message = error(tmp_path, GOOD.replace('"weinan_gaoxin"', '"nowhere"'))
    assert "jurisdiction = 'nowhere' 无法使用：" in message and "weinan_gaoxin" in message


def test_role_must_be_a_role_of_the_policy(tmp_path):
    message = error(tmp_path, GOOD.replace('roles = ["office"]', 'roles = ["inspector"]'))
    assert "person[1].roles 中的 'inspector' 不是 weinan_gaoxin 的角色；可用的角色：office, unit" in message


def test_person_unit_must_exist(tmp_path):
    message = error(tmp_path, GOOD.replace('unit = "czj"', 'unit = "gaj"'))
    assert "person[4].unit = 'gaj' 不是单位 id；单位：jyj, czj" in message


def test_unit_role_needs_a_unit(tmp_path):
    message = error(tmp_path, GOOD.replace('roles = ["unit"]\nunit = "czj"', 'roles = ["unit"]'))
    assert "缺少 person[4].unit：角色 unit 代表承办单位办事；请写 unit = \"ID\"" in message


def test_duplicate_ids(tmp_path):
    assert "unit[2].id = 'jyj' 与前面的单位 id 重复" in error(tmp_path, GOOD.replace('id = "czj"', 'id = "jyj"'))
    text = GOOD.replace('id = "liu"', 'id = "zhang"').replace('"liu"', '"zhang"')
    assert "person[4].id = 'zhang' 与前面的人员 id 重复" in error(tmp_path, text)


def test_two_units_of_one_name_are_refused(tmp_path):
    """A unit is named on the command line by its id or its name (--unit 区教育局): two units of one
    name would make that name pick one of them silently."""
    line = error(tmp_path, GOOD.replace('name = "区财政局"', 'name = "区教育局"'))
    assert "unit[2].name = '区教育局' 与单位 jyj 同名；单位名称须各不相同" in line


def test_a_unit_named_as_another_units_id_or_a_name_repeated_with_blanks_is_refused(tmp_path):
    line = error(tmp_path, GOOD.replace('name = "区财政局"', 'name = "jyj"'))
    assert "unit[2].name = 'jyj' 是单位 jyj 的 id；单位名称不能与另一单位的 id 相同" in line
    line = error(tmp_path, GOOD.replace('name = "区财政局"', 'name = " 区教育局"'))
    assert "与单位 jyj 同名" in line


def test_a_file_with_a_byte_order_mark_reads_and_one_not_in_utf8_is_named_so(tmp_path):
    """Windows Notepad writes a BOM: it is not part of the text. A file in GBK is refused in Chinese,
    naming the line of its first byte that is not UTF-8 (not the codec's English, not permissions)."""
    path = write(tmp_path, GOOD)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_config(path).jurisdiction == "weinan_gaoxin"
    path.write_bytes(GOOD.replace('name = "区财政局"', 'name = "区财政局"  # 财政').encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    line = GOOD.encode("utf-8").split(b"\n").index('name = "区教育局"'.encode()) + 1
    assert f"第 {line} 行不是 UTF-8 编码的文字；请以 UTF-8 编码另存" in message, message
    assert "codec" not in message and "权限" not in message


def test_bad_toml_is_explained_in_chinese_with_its_line_and_column(tmp_path):
    """tomllib's English explanation is not shown: the line, the column and what is wrong, in Chinese."""
    line = error(tmp_path, GOOD + "\n[[unit]\n")
    assert "不是有效的 TOML（第 " in line and "表数组的声明须以 ]] 结尾" in line
    said = line.split("TOML（", 1)[1]
    assert not any(word in said for word in ("Expected", "declaration", "line", "column")), line
    bare = error(tmp_path, GOOD + '\n[[unit]]\nid = "x"\nname = 区教育局\n')
    assert "值无效；文字须加引号" in bare and "Invalid" not in bare
    assert "字符串缺少结尾的引号" in error(tmp_path, GOOD.replace('"weinan_gaoxin"', '"weinan_gaoxin'))
    assert "缺少的括号可能在上一行的末尾" in error(tmp_path, GOOD + '\n[settings2]\nx = ["a"\ny = 1\n')


def test_unknown_unit_and_person_keys(tmp_path):
    assert "未知的键 unit[1].boss；可用的键：id, name, head" in error(
        tmp_path, GOOD.replace('head = "wang"', 'boss = "wang"'))
    assert "未知的键 person[2].titel；" in error(tmp_path, GOOD.replace("title =", "titel ="))


def test_unknown_setting_and_bad_toml(tmp_path):
    assert "ducha.toml：[settings] 有误：" in error(tmp_path, GOOD.replace('issued = "2024-06-01"', 'isued = "2024-06-01"'))
    assert "没有设置项 'isued'" in error(tmp_path, GOOD.replace('issued = "2024-06-01"', 'isued = "2024-06-01"'))
    assert "ducha.toml：不是有效的 TOML（" in error(tmp_path, GOOD + "\n[[unit]\n")
    assert "设置 issued = '2024-13-01' 不是日期" in error(tmp_path, GOOD.replace("2024-06-01", "2024-13-01"))


def test_ids_with_commas_refused(tmp_path):
    assert "unit[2].id = 'c,zj' 不能用作 id；" in error(tmp_path, GOOD.replace('id = "czj"', 'id = "c,zj"'))


@pytest.mark.parametrize("jid", ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"])
def test_default_config_is_valid_for_each_jurisdiction(tmp_path, jid):
    try:
        text = default_config_text(jid)
    except ConfigError:
        pytest.skip(f"{jid} not installed yet")
    tomllib.loads(text)
    path = write_default_config(tmp_path / "ducha.toml", jid)
    config = load_config(path)
    assert config.jurisdiction == jid
    assert any(r for p in config.people.values() for r in p.roles)
    with pytest.raises(ConfigError, match=r"ducha\.toml：文件已存在；"):
        write_default_config(path, jid)


def test_init_unknown_jurisdiction(tmp_path):
    with pytest.raises(ConfigError, match=r"--jurisdiction 'nowhere' 没有安装；已安装的辖区：.*weinan_gaoxin"):
        write_default_config(tmp_path / "ducha.toml", "nowhere")
    assert not (tmp_path / "ducha.toml").exists()


# --- [documents]: 文号 patterns --------------------------------------------------------------------


def test_documents_number_patterns_are_read(tmp_path):
    text = GOOD + '[documents]\nnumber_pattern.assignment = "渭高督字〔{year}〕{n}号"\nnumber_pattern.bulletin = "第{n}期"\n'
    config = load_config(write(tmp_path, text))
    assert config.number_patterns == {"assignment": "渭高督字〔{year}〕{n}号", "bulletin": "第{n}期"}
    assert load_config(write(tmp_path, GOOD)).number_patterns == {}


@pytest.mark.parametrize("table, expected", [
    ('[documents]\nnumber_pattern.memo = "x{n}"\n', "documents.number_pattern.memo：'memo' 不是公文种类；"),
    ('[documents]\nnumber_pattern.assignment = "渭高督字〔{year}〕号"\n', "documents.number_pattern.assignment = '渭高督字〔{year}〕号' 不能用作文号格式：缺少 {n}（年内序号）"),
    ('[documents]\nnumber_pattern.assignment = "{month}-{n}"\n', "格式中只能用 {year}（年份）和 {n}（年内序号）"),
    ('[documents]\nnumber_pattern.assignment = 3\n', "须为非空文字"),
    ('[documents]\nnumber = "x"\n', "未知的键 documents.number；可用的键：issuer, number_pattern"),
    ('[documents]\nnumber_pattern = "x"\n', "documents.number_pattern 须为表"),
])
def test_documents_number_patterns_are_checked(tmp_path, table, expected):
    message = error(tmp_path, GOOD + table)
    assert expected in message


def test_number_pattern_for_a_kind_the_jurisdiction_lacks(tmp_path):
    text = GOOD.replace('"weinan_gaoxin"', '"ordos"').replace('issued = "2024-06-01"', "")
    text += '[documents]\nnumber_pattern.interview = "鄂尔多斯市约字〔{year}〕{n}号"\n'
    message = error(tmp_path, text)
    assert "documents.number_pattern.interview：'interview' 不是 ordos 的公文（其程序没有" in message
    assert message.endswith("可用的种类：assignment, reminder, special_report, bulletin, order")


# --- ducha init: the documents' own names ------------------------------------------------------------

SHIPPED = ["weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang"]


def _init(jid):
    try:
        text = default_config_text(jid)
    except ConfigError:
        pytest.skip(f"{jid} not installed yet")
    from ducha_core.registry import resolve_policy

    return text, tomllib.loads(text), resolve_policy(jid)


@pytest.mark.parametrize("jid", SHIPPED)
def test_init_people_are_labelled_by_the_documents_role_names(jid):
    text, raw, policy = _init(jid)
    for person in raw["person"]:
        role = policy.roles[person["roles"][-1]]
        assert person["title"] == role.name, person
        assert person["name"].startswith(role.name.split("（")[0]), person
    # no label from another jurisdiction's document
    names = " ".join(r.name for r in policy.roles.values())
    for foreign in ("特约督查员", "特邀督查员", "政务督查员"):
        if foreign not in names:
            assert foreign not in text, (jid, foreign)


@pytest.mark.parametrize("jid, inspector", [
    ("ankang", ("政务督查员", "第十一条")),
    ("zhoucun", ("特邀督查员", "三(三)")),
    ("dazhan", ("区委特约督查员", None)),
    ("weinan_gaoxin", None),
    ("ordos", None),
])
def test_init_inspector_is_the_documents_own(jid, inspector):
    text, raw, policy = _init(jid)
    people = {p["id"]: p for p in raw["person"]}
    if inspector is None:
        assert "duchayuan" not in people and "督查员" not in text.split("[[person]]", 1)[1]
        return
    name, article = inspector
    assert people["duchayuan"]["name"] == name
    if article:
        assert policy.roles[people["duchayuan"]["roles"][0]].citation.article == article
        assert f"（{article}）\nid = \"duchayuan\"" in text


@pytest.mark.parametrize("jid", SHIPPED)
def test_init_documents_table_offers_only_the_kinds_the_document_has(tmp_path, jid):
    text, raw, policy = _init(jid)
    from ducha_core.documents.render import available_kinds

    kinds = available_kinds(policy)
    assert raw["documents"] == {}  # nothing set: 文号 are left blank
    assert "{year} 为年份，{n} 为该年该类公文的序号" in text
    for kind in ("assignment", "reminder", "special_report", "bulletin", "interview"):
        assert (f"# number_pattern.{kind} = " in text) == (kind in kinds), (jid, kind)
    # uncommenting the examples gives a valid deployment with those patterns
    enabled = text.replace("# number_pattern.", "number_pattern.")
    path = tmp_path / "ducha.toml"
    path.write_text(enabled, encoding="utf-8")
    assert set(load_config(path).number_patterns) == set(kinds)
