"""A deployment (部署): which jurisdiction, which database, which units and people — ``ducha.toml``.

Which file is used: an explicit path, then ``$DUCHA_CONFIG``, then ``./ducha.toml``. Every problem
is one ``ConfigError`` line naming the file, the key and what is allowed, e.g.::

    ducha.toml：unit[2].head = 'x' 不是人员 id；人员：zhang, li

``write_default_config`` writes a commented file for a jurisdiction (``ducha init --jurisdiction ID``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ducha_core import _tomlcache
from ducha_core.errors import DuchaError
from ducha_core.model import Person, Unit
from ducha_core.suggest import did_you_mean

ENV_VAR = "DUCHA_CONFIG"
DEFAULT_NAME = "ducha.toml"

TOP_KEYS = ("jurisdiction", "database", "calendar", "plugins", "settings", "documents", "unit", "person", "key_file",
            "import")
DOCUMENTS_KEYS = ("issuer", "number_pattern")
UNIT_KEYS = ("id", "name", "head", "leader_in_charge", "responsible_person", "line")
PERSON_KEYS = ("id", "name", "roles", "unit", "title")
#: ids are written on the command line and stored comma-separated in the read model
_ID = re.compile(r"^[^\s,:;=]+$")


class ConfigError(DuchaError):
    """A deployment file that is missing, unreadable or inconsistent."""


@attrs.frozen
class DeploymentConfig:
    """One deployment as read from its ``ducha.toml`` (paths already resolved against its folder)."""

    jurisdiction: str
    database: Path
    calendar: tuple[Path, ...] = ()
    plugins: tuple[Path, ...] = ()
    settings: dict[str, Any] = attrs.field(factory=dict)
    units: dict[str, Unit] = attrs.field(factory=dict)
    people: dict[str, Person] = attrs.field(factory=dict)
    #: 文号 patterns by document kind: ``[documents] number_pattern.assignment = "渭高督字〔{year}〕{n}号"``
    number_patterns: dict[str, str] = attrs.field(factory=dict)
    #: 发文机关 (``[documents] issuer = "渭南高新区党工委督查室"``): every document's 发文机关标志, 署名 and
    #: 印发机关; "" : the jurisdiction's office (``policy.jurisdiction.office``)
    issuer: str = ""
    path: Path | None = None
    #: the file's own jurisdiction when ``jurisdiction`` was overridden (read-only commands)
    overridden: str | None = None
    #: ``key_file = "/path/outside/ducha.key"``: the key that MACs the log's head (see README
    #: "What the record guarantees"); read only when the store appends or verifies
    key_file: Path | None = None
    #: ``[import]`` field = "表头": the office's spreadsheet headers for ``ducha import`` (field -> header)
    import_columns: dict[str, str] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return self.path.name if self.path else DEFAULT_NAME

    def unit_name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit else unit_id

    def person_name(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else person_id


def config_path(path: str | Path | None = None) -> Path:
    """The file a command uses: ``path``, else ``$DUCHA_CONFIG``, else ``./ducha.toml``."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_NAME


def _fail(file: str, message: str) -> ConfigError:
    return ConfigError(f"{file}：{message}")


def _str(file: str, key: str, value: Any, *, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise _fail(file, f"缺少 {key}；请写 {key} = \"...\"")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(file, f"{key} = {value!r} 无效：须为非空字符串，如 {key} = \"...\"")
    return value


def _str_list(file: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(file, f"{key} = {value!r} 无效：须为字符串列表，如 {key} = [\"a\", \"b\"]")
    return value


def _check_keys(file: str, where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(file, f"未知的键 {where}{key}；可用的键：{', '.join(allowed)}{did_you_mean(key, allowed)}")


def _check_id(file: str, key: str, value: str) -> None:
    if not _ID.match(value):
        raise _fail(file, f"{key} = {value!r} 不能用作 id；请只用字母、数字、_ 或 -（不含空格、逗号、冒号、分号、等号）")


def load_config(path: str | Path | None = None, *, jurisdiction: str | None = None, validate_roles: bool = True) -> DeploymentConfig:
    """Read and check a deployment file. ``jurisdiction`` overrides the file's (read-only commands);
    person roles are then not checked against the other jurisdiction's roles."""
    file_path = config_path(path)
    file = str(file_path) if path or os.environ.get(ENV_VAR) else file_path.name
    if not file_path.exists():
        raise ConfigError(
            f"{file}：没有部署文件；在此运行 ducha init --jurisdiction ID，或用 --config FILE 指定"
            f"（或设置环境变量 {ENV_VAR}）"
        )
    try:  # parsed once for the text (a province's file takes tomllib tens of milliseconds)
        # utf-8-sig: a byte-order mark (Windows Notepad writes one) is not part of the text
        raw = _tomlcache.loads(file_path.read_text(encoding="utf-8-sig"), file_path, shipped=False)
    except _tomlcache.decode_error() as exc:
        from ducha_core.tomlerrors import describe as describe_toml_error
        raise _fail(file, f"不是有效的 TOML（{describe_toml_error(exc)}）；请按提示的行列改正") from None
    except RecursionError:
        raise _fail(file, "不是有效的 TOML（数组或表嵌套过深）；请检查括号是否成对") from None
    except (OSError, UnicodeDecodeError) as exc:
        from ducha_core.tomlerrors import describe_unreadable
        raise _fail(file, describe_unreadable(exc)) from None
    return parse_config(raw, file_path, file=file, jurisdiction=jurisdiction, validate_roles=validate_roles and not jurisdiction)


def parse_config(
    raw: Mapping[str, Any],
    file_path: Path,
    *,
    file: str | None = None,
    jurisdiction: str | None = None,
    validate_roles: bool = True,
) -> DeploymentConfig:
    """Check the parsed TOML of a deployment file (see ``load_config``)."""
    file = file or file_path.name
    base = file_path.resolve().parent
    _check_keys(file, "", raw, TOP_KEYS)
    jid = jurisdiction or _str(file, "jurisdiction", raw.get("jurisdiction"))
    database = _str(file, "database", raw.get("database", "ducha.sqlite3"))
    calendar = tuple(base / p for p in _str_list(file, "calendar", raw.get("calendar")))
    for i, p in enumerate(calendar):
        if not p.exists():
            raise _fail(file, f"calendar[{i + 1}] = '{p}' 不存在；请给出放假安排 TOML 文件的路径（相对于本文件）")
    plugins = tuple(base / p for p in _str_list(file, "plugins", raw.get("plugins")))
    for i, p in enumerate(plugins):
        if not p.exists():
            raise _fail(file, f"plugins[{i + 1}] = '{p}' 不存在；请给出插件 .py 文件或包目录的路径（相对于本文件）")
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise _fail(file, "settings 须为表，写作 [settings]")

    policy = _policy(file, jid, plugins, settings, jurisdiction is not None)
    number_patterns = _number_patterns(file, raw.get("documents", {}), policy, check_kinds=jurisdiction is None)
    issuer = _issuer(file, raw.get("documents", {}))

    people: dict[str, Person] = {}
    raw_people = raw.get("person", [])
    if not isinstance(raw_people, list):
        raise _fail(file, "person 须为表数组，每人写一个 [[person]]")
    raw_units = raw.get("unit", [])
    if not isinstance(raw_units, list):
        raise _fail(file, "unit 须为表数组，每个单位写一个 [[unit]]")
    unit_ids = [u.get("id") for u in raw_units if isinstance(u, dict)]
    seen_ids: set = set()  # those before, as a set (a province's thousand units, each looked up)
    for n, uid in enumerate(unit_ids, 1):
        if isinstance(uid, str):
            _check_id(file, f"unit[{n}].id", uid)
        if uid is not None:
            try:
                repeated = uid in seen_ids
                seen_ids.add(uid)
            except TypeError:  # a table or an array as an id (refused below): compared with each before
                repeated = uid in unit_ids[: n - 1]
            if repeated:
                raise _fail(file, f"unit[{n}].id = '{uid}' 与前面的单位 id 重复；请给每个单位不同的 id")
    text_ids = {uid for uid in unit_ids if isinstance(uid, str)}
    role_ids = list(policy.roles)
    for n, entry in enumerate(raw_people, 1):
        where = f"person[{n}]."
        if not isinstance(entry, dict):
            raise _fail(file, f"person[{n}] 须为表，写作 [[person]]")
        _check_keys(file, where, entry, PERSON_KEYS)
        pid = _str(file, where + "id", entry.get("id"))
        _check_id(file, where + "id", pid)
        if pid in people:
            raise _fail(file, f"{where}id = '{pid}' 与前面的人员 id 重复；请给每个人不同的 id")
        roles = _str_list(file, where + "roles", entry.get("roles"))
        if validate_roles:
            for role in roles:
                if role not in policy.roles:
                    raise _fail(file, f"{where}roles 中的 '{role}' 不是 {policy.id} 的角色；可用的角色：{', '.join(role_ids)}")
        unit = _str(file, where + "unit", entry.get("unit"), required=False)
        if unit is not None and unit not in text_ids:
            raise _fail(file, f"{where}unit = '{unit}' 不是单位 id；单位：{', '.join(map(str, unit_ids)) or '（无）'}")
        if validate_roles and unit is None and any(policy.roles[r].scope == "unit" for r in roles):
            raise _fail(file, f"缺少 {where}unit：角色 {', '.join(roles)} 代表承办单位办事；请写 unit = \"ID\"")
        people[pid] = Person(pid, _str(file, where + "name", entry.get("name", pid)), tuple(roles), unit,
                             _str(file, where + "title", entry.get("title", ""), required=False) or "")

    units: dict[str, Unit] = {}
    named: dict[str, str] = {}  # unit name -> id
    for n, entry in enumerate(raw_units, 1):
        where = f"unit[{n}]."
        if not isinstance(entry, dict):
            raise _fail(file, f"unit[{n}] 须为表，写作 [[unit]]")
        _check_keys(file, where, entry, UNIT_KEYS)
        uid = _str(file, where + "id", entry.get("id"))
        _check_id(file, where + "id", uid)
        if uid in units:
            raise _fail(file, f"{where}id = '{uid}' 与前面的单位 id 重复；请给每个单位不同的 id")
        refs = {}
        for key in ("head", "leader_in_charge", "responsible_person"):
            value = _str(file, where + key, entry.get(key), required=False)
            if value is not None and value not in people:
                raise _fail(file, f"{where}{key} = '{value}' 不是人员 id；人员：{', '.join(people) or '（无）'}")
            refs[key] = value
        # 所属的口 (e.g. "工业口"): a bulletin "分口汇总" (Ankang 第七条) groups matters by it
        line = _str(file, where + "line", entry.get("line"), required=False)
        if line is not None and not line.strip():
            raise _fail(file, f'{where}line = {line!r} 无效：须为口的名称，如 line = "工业口"；不分口的单位不写 line')
        name = _str(file, where + "name", entry.get("name", uid))
        # a unit is named on the command line by its id or its name (--lead 区教育局): one unit a name
        same = named.setdefault(name.strip(), uid)
        if same != uid:
            raise _fail(file, f"{where}name = '{name}' 与单位 {same} 同名；单位名称须各不相同（命令行可用名称指定单位）")
        units[uid] = Unit(uid, name, **refs, line=line.strip() if line else None)
    for n, (uid, unit) in enumerate(units.items(), 1):
        other = unit.name.strip()
        if other != uid and other in units:  # --lead u1 would mean either
            raise _fail(file, f"unit[{n}].name = '{unit.name}' 是单位 {other} 的 id；单位名称不能与另一单位的 id 相同")

    return DeploymentConfig(
        jurisdiction=jid,
        database=base / database,
        calendar=calendar,
        plugins=plugins,
        settings=dict(settings),
        units=units,
        people=people,
        number_patterns=number_patterns,
        issuer=issuer,
        path=file_path.resolve(),
        overridden=raw.get("jurisdiction") if jurisdiction and raw.get("jurisdiction") != jurisdiction else None,
        key_file=base / key_file if (key_file := _str(file, "key_file", raw.get("key_file"), required=False)) else None,
        import_columns=_import_columns(file, raw.get("import", {})),
    )


def _import_columns(file: str, table: Any) -> dict[str, str]:
    """``[import]``: which column header of the office's spreadsheet holds each field (``ducha import``)."""
    if not isinstance(table, dict):
        raise _fail(file, "import 须为表，写作 [import]")
    if not table:  # none set (the importer, which knows the fields, is not loaded at start-up)
        return {}
    from ducha_core.importer import FIELDS

    _check_keys(file, "import.", table, tuple(FIELDS))
    return {key: _str(file, f"import.{key}", value) for key, value in table.items()}


def _number_patterns(file: str, table: Any, policy: Any, *, check_kinds: bool = True) -> dict[str, str]:
    """``[documents] number_pattern.<kind> = "..."``: a 文号 pattern per document kind, each with
    ``{n}`` (and ``{year}``); a kind the jurisdiction has no step for is refused."""
    from ducha_core.doc_kinds import DOC_KINDS, available_kinds, check_pattern

    if not isinstance(table, dict):
        raise _fail(file, "documents 须为表，写作 [documents]")
    _check_keys(file, "documents.", table, DOCUMENTS_KEYS)
    patterns = table.get("number_pattern", {})
    if not isinstance(patterns, dict):
        raise _fail(file, 'documents.number_pattern 须为表，如 number_pattern.assignment = "渭高督字〔{year}〕{n}号"')
    kinds = available_kinds(policy) if check_kinds else list(DOC_KINDS)
    out: dict[str, str] = {}
    for kind, pattern in patterns.items():
        key = f"documents.number_pattern.{kind}"
        if kind not in kinds:
            why = "不是公文种类" if kind not in DOC_KINDS else \
                f"不是 {policy.id} 的公文（其程序没有 '{DOC_KINDS[kind].step}' 环节）"
            raise _fail(file, f"{key}：'{kind}' {why}；可用的种类：{', '.join(kinds)}")
        problem = check_pattern(pattern)
        if problem:
            raise _fail(file, f"{key} = {pattern!r} 不能用作文号格式：{problem}")
        out[kind] = pattern
    return out


def _issuer(file: str, table: Any) -> str:
    """``[documents] issuer = "渭南高新区党工委督查室"``: the 发文机关 every document names (发文机关标志,
    署名, 印发机关); "" when not set (the documents name the jurisdiction's office)."""
    if not isinstance(table, dict) or "issuer" not in table:
        return ""
    value = table["issuer"]
    if not isinstance(value, str) or not value.strip() or "\n" in value or "\r" in value:
        raise _fail(file, f"documents.issuer = {value!r} 无效：须为发文机关全称（一行非空文字），"
                          f'如 issuer = "渭南高新区党工委督查室"；不写则用本辖区督查机构的名称')
    return value.strip()


def _policy(file: str, jid: str, plugins: tuple[Path, ...], settings: dict, overridden: bool):
    from ducha_core.errors import PluginError, PolicyError
    from ducha_core.registry import resolve_policy

    try:
        return resolve_policy(jid, plugin_paths=plugins, settings=settings)
    except PluginError as exc:
        key = "--jurisdiction" if overridden else "jurisdiction"
        raise _fail(file, f"{key} = '{jid}' 无法使用：{exc}") from None
    except PolicyError as exc:
        raise _fail(file, f"[settings] 有误：{exc}") from None


# --- the commented default file -------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if hasattr(value, "describe"):
        return _toml_value(value.describe())
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def default_config_text(jurisdiction_id: str) -> str:
    """The text of a commented ``ducha.toml`` for a jurisdiction (sample units and people)."""
    from ducha_core.errors import PluginError
    from ducha_core.registry import all_ids, resolve_policy

    try:
        policy = resolve_policy(jurisdiction_id)
    except PluginError:
        raise ConfigError(f"--jurisdiction '{jurisdiction_id}' 没有安装；已安装的辖区：{', '.join(all_ids())}（或先安装该辖区的插件包）") from None
    j = policy.jurisdiction
    by_scope: dict[str, list[str]] = {}
    for role in policy.roles.values():
        by_scope.setdefault(role.scope, []).append(role.id)
    office = by_scope.get("office", ["office"])[:1]
    unit_roles = by_scope.get("unit", ["unit"])
    leaders = by_scope.get("leader", [])
    # the example leader: the leader in charge (分管领导) where the document has one
    leader = [r for r in leaders if "分管" in policy.roles[r].name][:1] or leaders[:1]
    inspector = by_scope.get("inspector", [])[:1]
    lines = [
        f"# ducha 部署配置：{j.name}《{j.document.title}》",
        "# 用法：ducha register/assign/... --as 人员id；ducha ledger 查看台账。",
        "",
        f'jurisdiction = "{j.id}"        # 辖区插件 id（见 `ducha jurisdictions`），或变体文件路径',
        'database = "ducha.sqlite3"            # 数据库文件，相对于本文件',
        "calendar = []                          # 补充的放假安排文件（格式同 ducha_core/calendar/holidays.toml）",
        "plugins = []                           # 未安装为包的插件文件或目录",
        "",
        "# 部署设置：文件未规定的数值，取默认值；去掉 # 即可修改（见 `ducha articles`）。",
        "[settings]",
    ]
    for key, setting in policy.setting_defs.items():
        doc = " ".join(setting.doc.split())
        lines.append(f"# {doc}" + (f"（{setting.citation}）" if setting.citation else ""))
        if setting.default is None:
            example = '"2023-03-01"' if key == "issued" else '""'
            lines.append(f"# {key} = {example}")
        else:
            lines.append(f"# {key} = {_toml_value(setting.default)}")
    lines += _documents_text(policy)
    lines += _import_text(policy)
    roles_doc = "；".join(f"{r.id}={r.name}" for r in policy.roles.values())
    lines += [
        "",
        f"# 角色（roles）取自本辖区文件：{roles_doc}",
        "",
        "# 承办单位：head 第一责任人，leader_in_charge 分管负责人，responsible_person 具体责任人（人员 id）；",
        "# line 所属的口（如“工业口”“政府办口”）：督查通报“分口汇总”时按主办单位的口分组（如安康第七条），",
        "# 不写 line 的单位列入“未分口单位”。",
        "[[unit]]",
        'id = "u1"',
        'name = "示例单位一"',
        'head = "u1_head"',
        'responsible_person = "u1_staff"',
        '# line = "工业口"',
        "",
        "[[unit]]",
        'id = "u2"',
        'name = "示例单位二"',
        'responsible_person = "u2_staff"',
        "",
        "# 人员：roles 为本辖区的角色 id；承办单位人员须写 unit。示例人员的姓名、职务取自文件对该角色的称谓，请改为真实人员。",
    ]
    # the unit's head (主要负责人 / 第一责任人) and its staff (具体责任人), by the document's own names
    head_role = [r for r in unit_roles if _is_head(policy.roles[r].name)][:1] or unit_roles[1:2] or unit_roles[:1]
    staff_roles = unit_roles[:1] + [r for r in unit_roles[1:] if "具体责任人" in policy.roles[r].name][:1]
    people = [("duchashi", office, None, "工作人员")]
    people += [("u1_head", head_role, "u1", ""), ("u1_staff", staff_roles, "u1", ""), ("u2_staff", staff_roles, "u2", "")]
    if leader:
        people.append(("lingdao", leader, None, ""))
    if inspector:
        people.append(("duchayuan", inspector, None, ""))
    units = {"u1": "示例单位一", "u2": "示例单位二"}
    for pid, roles, unit, suffix in people:
        role = policy.roles.get(roles[-1]) if roles else None
        label = _role_label(role.name) if role is not None else roles[-1] if roles else pid
        name = f"{label}{suffix}" + (f"（{units[unit]}）" if unit else "")
        lines += ["", "[[person]]"]
        if role is not None:
            lines.append(f"# {role.name}" + (f"（{role.citation.article}）" if role.citation else ""))
        lines += [f'id = "{pid}"', f"name = {_toml_value(name)}", f"roles = {_toml_value(roles)}"]
        if unit:
            lines.append(f'unit = "{unit}"')
        if role is not None:
            lines.append(f"title = {_toml_value(role.name)}")
    return "\n".join(lines) + "\n"


def _role_label(name: str) -> str:
    """A role's name as a person's label: the document's name without its gloss in parentheses
    (特邀督查员（区人大代表、政协委员） -> 特邀督查员)."""
    return name.split("（")[0].split("(")[0].strip() or name


def _is_head(name: str) -> bool:
    return "主要负责" in name or "第一责任人" in name


#: the level prefix of an office's short name (区督查室): dropped after the jurisdiction's own name
_LEVEL_PREFIX = {"district": "区", "county": "县", "city": "市", "province": "省"}


def _documents_text(policy: Any) -> list[str]:
    """The ``[documents]`` table of the default file: a commented 文号 pattern per document kind the
    jurisdiction has (none is set: a 文号 is left blank until the deployment writes its own)."""
    from ducha_core.doc_kinds import DOC_KINDS, available_kinds

    kinds = available_kinds(policy)
    office = policy.jurisdiction.office
    lines = [
        "",
        "# 公文（ducha doc）。",
        f"# issuer：发文机关全称，用作各类公文的发文机关标志、署名和印发机关；不写则为“{office}”。",
        "# 文号：按公文种类设定本单位的文号格式，{year} 为年份，{n} 为该年该类公文的序号；各类公文分别编号。",
        "# 事项公文的序号由台账记录按日期先后编排，每年从1起：督查通知单按交办、催办通知按催办、",
        "# 督查专报按向领导报告、约谈通知按约谈、督办令按下达督办令的记录（先记录该环节，才有该公文）。",
        "# 督查通报、年度考核汇总在印发时编号：ducha doc bulletin 2025-Q3 --issue 取该年该类的下一个序号",
        "# 并登记在数据库中，重新生成时沿用原号，已用的号不再使用；不加 --issue 的预览显示“（未编号：预览）”。",
        "# 宜各用本单位的发文代字（〇〇为示例，须改写）。",
        "# 未设定的种类，公文上的文号一行留空，由督查室按本单位发文字号自行填写；ducha 不编造文号。",
        "# 本辖区文件规定了相应环节的公文：" + "、".join(f"{DOC_KINDS[k].name}（{k}）" for k in kinds),
        "[documents]",
        f'# issuer = "{policy.jurisdiction.name}{office.removeprefix(_LEVEL_PREFIX.get(policy.jurisdiction.level, ""))}"'
        "    # 发文机关全称（示例，须改写）",
    ]
    for kind in kinds:
        example = "第{n}期" if DOC_KINDS[kind].subject == "period" else "〇〇督字〔{year}〕{n}号"
        lines.append(f'# number_pattern.{kind} = "{example}"    # {DOC_KINDS[kind].name}')
    return lines


def _import_text(policy: Any) -> list[str]:
    """The ``[import]`` table of the default file, commented: the headers ``ducha import`` reads by
    default, each changeable to the office's own."""
    from ducha_core.importer import FIELDS, extra_fields

    extra = "、".join(extra_fields(policy).values())
    lines = [
        "",
        "# 导入（ducha import 台账.xlsx）：原有台账每行一件事项。下列为默认表头；本单位表头不同的，去掉 # 改写。",
        "# 单位、人员、类别可写名称或 id；多个单位或责任人用、分隔。"
        + (f"本辖区另需的列按其名称读取：{extra}。" if extra else ""),
        "[import]",
    ]
    lines += [f'# {field} = "{header}"' for field, header in FIELDS.items()]
    return lines


def write_default_config(path: str | Path, jurisdiction_id: str) -> Path:
    """Write a commented ``ducha.toml``; refuses to overwrite an existing file."""
    target = Path(path)
    if target.is_dir():
        target = target / DEFAULT_NAME
    if target.exists():
        raise ConfigError(f"{target}：文件已存在；请直接编辑它，或先删除（ducha init 不会覆盖已有文件）")
    text = default_config_text(jurisdiction_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
