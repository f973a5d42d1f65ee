"""Policy variants (政策变体): a file that derives from a jurisdiction and changes what it names.

A variant is how a policy writer tries a change before adopting it ("leader instructions 5 → 7
working days", "three criticisms → two before organisational action", "count the start day"). It
is usable wherever a jurisdiction id is: ``ducha compare ankang ankang+proposal.toml``,
``ducha run s.toml --jurisdiction ankang+proposal.toml``, ``ducha deadline --jurisdiction x.toml``.

The file is TOML (see docs/variants.md)::

    [variant]
    base = "ankang"                  # a jurisdiction id, or another variant file (relative path)
    id = "proposal"                  # optional; default: the file name. The policy's id is "ankang+proposal"
    name = "安康市（修订建议稿）"       # optional
    note = "为什么要改"                 # required: the reason for the variant as a whole

    [settings]                       # deployment settings of the base, changed
    instruction_days = "7个工作日"

    [[change]]                       # change named fields of one rule (dotted paths reach inside)
    rule = "criticism_thrice"
    set = { "trigger.threshold" = 2 }
    note = "两次通报批评即提出问责建议"

    [[replace]]                      # replace a rule wholesale (or add one: type + rule)
    type = "time_limit"
    note = "…"
    [replace.rule]
    id = "instruction_result"
    …

    [[remove]]
    rule = "coordination"
    note = "…"

    [convention]                     # the counting convention
    exclude_start_day = false
    note = "…"

Every changed rule keeps a citation: the original article, marked as changed by the variant, with
the variant's note as its quote; ``variant_info(policy)`` lists the changes. The policy's
``lineage`` is the base's lineage followed by the variant's id.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ducha_core.converter import converter
from ducha_core.errors import InputError, PolicyError
from ducha_core.model import Citation
from ducha_core.periods import CountingConvention
from ducha_core.policy import Policy, assemble, base_parts, build_policy
from ducha_core.rules import (
    ApprovalRule,
    Deduction,
    EscalationStep,
    ExtensionRule,
    GradeRule,
    MatterKind,
    ReportingCycle,
    Role,
    Setting,
    TimeLimit,
)
from ducha_core.suggest import did_you_mean

#: rule types a variant can replace or add, with the part of the policy that holds them
RULE_TYPES: dict[str, tuple[type, str]] = {
    "time_limit": (TimeLimit, "time_limits"),
    "extension_rule": (ExtensionRule, "extension_rules"),
    "escalation_step": (EscalationStep, "escalation"),
    "reporting_cycle": (ReportingCycle, "cycles"),
    "approval": (ApprovalRule, "approvals"),
    "role": (Role, "roles"),
    "matter_kind": (MatterKind, "kinds"),
    "grade_rule": (GradeRule, "grading.rules"),
    "deduction": (Deduction, "grading.deductions"),
    "setting": (Setting, "setting_defs"),
}

_TOP_KEYS = {"variant", "settings", "change", "replace", "remove", "convention"}
_HEAD_KEYS = {"base", "id", "name", "note"}


@attrs.frozen
class Change:
    """One change a variant makes: what, to which rule, and why."""

    op: str  # change | replace | add | remove | settings | convention
    rule: str
    note: str
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        if self.op == "settings":
            return f"设置 {self.rule}: {self.before!r} → {self.after!r}"
        if self.op == "change":
            return f"修改 {self.rule}: " + "；".join(f"{k}: {self.before.get(k)!r} → {v!r}" for k, v in self.after.items())
        if self.op == "convention":
            return "计算规则: " + "；".join(f"{k}: {self.before.get(k)!r} → {v!r}" for k, v in self.after.items())
        return {"replace": "替换", "add": "新增", "remove": "删除"}[self.op] + f" {self.rule}"


@attrs.frozen
class VariantInfo:
    """What a variant is: its id, base, file, note and changes."""

    id: str
    base: str
    path: str
    name: str
    note: str
    changes: tuple[Change, ...]


_INFO: dict[str, VariantInfo] = {}


def variant_info(policy: Policy) -> VariantInfo | None:
    """The variant a policy was built from (None for an installed jurisdiction)."""
    return _INFO.get(policy.id)


def _fail(path: Path, msg: str) -> InputError:
    return InputError(f"{path}: {msg}")


def _citation(orig: Citation | None, variant_id: str, note: str) -> Citation:
    article = f"{orig.article}（{variant_id}修改）" if orig else f"（{variant_id}新增）"
    return Citation(variant_id, article, note)


def _set_path(data: dict, dotted: str, value: Any, path: Path, rule: str) -> Any:
    keys = dotted.split(".")
    target = data
    for key in keys[:-1]:
        if not isinstance(target, dict) or key not in target:
            raise _fail(path, f"修改 '{rule}'：没有字段 '{dotted}'；可用字段：{', '.join(data)}")
        target = target[key]
    if not isinstance(target, dict) or keys[-1] not in target:
        fields = ", ".join(target) if isinstance(target, dict) else "（无）"
        raise _fail(path, f"修改 '{rule}'：没有字段 '{dotted}'；可用字段：{fields}")
    before = target[keys[-1]]
    target[keys[-1]] = value
    return before


def _find_rule(parts: dict[str, Any], rule_id: str) -> tuple[str, int] | None:
    for key in ("time_limits", "extension_rules", "escalation", "cycles", "approvals", "roles", "kinds"):
        for n, item in enumerate(parts[key]):
            if item.id == rule_id:
                return key, n
    grading = parts["grading"]
    if grading is not None:
        for n, item in enumerate(grading.rules):
            if item.id == rule_id:
                return "grading.rules", n
        for n, item in enumerate(grading.deductions):
            if item.id == rule_id:
                return "grading.deductions", n
    return None


def _get_list(parts: dict[str, Any], key: str) -> list:
    if key.startswith("grading."):
        grading = parts["grading"]
        return list(getattr(grading, key.split(".")[1])) if grading else []
    return list(parts[key])


def _put_list(parts: dict[str, Any], key: str, items: list, path: Path) -> None:
    if key.startswith("grading."):
        if parts["grading"] is None:
            raise _fail(path, "base 所指的辖区没有等次评定办法，不能修改或新增等次规则、扣分项；请删去这一项")
        parts["grading"] = attrs.evolve(parts["grading"], **{key.split(".")[1]: tuple(items)})
    else:
        parts[key] = items


def _all_ids(parts: dict[str, Any]) -> list[str]:
    ids = []
    for key in ("time_limits", "extension_rules", "escalation", "cycles", "approvals", "roles", "kinds"):
        ids.extend(i.id for i in parts[key])
    if parts["grading"] is not None:
        ids.extend(r.id for r in parts["grading"].rules)
        ids.extend(d.id for d in parts["grading"].deductions)
    return ids


def _note(item: Mapping[str, Any], path: Path, where: str) -> str:
    note = item.get("note")
    if not isinstance(note, str) or not note.strip():
        raise _fail(path, f"{where}：请补上 note = \"…\" 说明理由（变体须记录每项修改的理由）")
    return note.strip()


def read_variant_file(path: Path) -> dict[str, Any]:
    if path.suffix in (".yaml", ".yml"):
        raise _fail(path, "变体文件须为 TOML 格式（见 docs/variants.md）；请改写并改名为 .toml")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"无法读取变体文件 {path}（{exc.strerror}）；请检查路径和读取权限") from None
    except UnicodeDecodeError:
        raise _fail(path, "不是 UTF-8 文本；请以 UTF-8 编码保存变体文件") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from ducha_core.tomlerrors import describe as describe_toml_error
        raise _fail(path, f"不是有效的 TOML（{describe_toml_error(exc)}）；请按提示的行列改正语法") from None
    except RecursionError:
        raise _fail(path, "不是有效的 TOML（数组或表嵌套过深）；请检查括号是否成对") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(path, f"未知的表 {', '.join(sorted(unknown))}；可用：{', '.join(sorted(_TOP_KEYS))}"
                    + did_you_mean(min(unknown), _TOP_KEYS))
    if not isinstance(data.get("variant"), dict) or "base" not in data["variant"]:
        raise _fail(path, "缺少 [variant] 表；请写明 base = \"<辖区 id 或变体文件>\" 和 note = \"…\"")
    unknown = set(data["variant"]) - _HEAD_KEYS
    if unknown:
        raise _fail(path, f"[variant]：未知的键 {', '.join(sorted(unknown))}；可用：{', '.join(sorted(_HEAD_KEYS))}"
                    + did_you_mean(min(unknown), _HEAD_KEYS))
    for key, value in data["variant"].items():
        if not isinstance(value, str):
            raise _fail(path, f"[variant] {key} = {value!r} 无效：须为带引号的文本，如 {key} = \"...\"")
    for key in ("settings", "convention"):
        if not isinstance(data.get(key, {}), dict):
            raise _fail(path, f"{key} 须为表，写作 [{key}]")
    for key in ("change", "replace", "remove"):
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise _fail(path, f"{key} 须为表数组，每一项写一个 [[{key}]]")
    return data


def variant_id_for(path: Path, data: dict[str, Any], base_id: str) -> str:
    own = data["variant"].get("id") or path.stem
    if "+" in own:
        return own
    return f"{base_id}+{own}"


def load_variant(spec: str | Path, *, plugins, settings: Mapping[str, Any] | None = None) -> Policy:
    """The policy a variant file describes: its base compiled, then each change applied."""
    path = Path(spec)
    if not path.exists():
        raise InputError(f"变体文件 {path} 不存在；请检查路径（辖区 id 不含 '/'，也不以 .toml 结尾）")
    data = read_variant_file(path)
    head = data["variant"]
    note = _note(head, path, "[variant]")
    base_spec = str(head["base"])
    if base_spec.endswith(".toml") or "/" in base_spec:
        base_path = (path.parent / base_spec).resolve()
        if base_path == path.resolve():
            raise _fail(path, f"变体不能以自身为 base（base = \"{base_spec}\"）；请改为辖区 id 或另一个变体文件")
        base = load_variant(base_path, plugins=plugins)
    else:
        base = build_policy(plugins, base_spec)
    vid = variant_id_for(path, data, base.id)
    parts = base_parts(base)
    changes: list[Change] = []

    # settings: the base's values, then the variant's, then the deployment's overrides
    values = {k: v for k, v in base.settings.items() if k in base.setting_defs and v != base.setting_defs[k].default}
    for key, value in (data.get("settings") or {}).items():
        if key not in base.setting_defs:
            raise _fail(path, f"[settings] {key}：{base.id} 没有此设置项；可用：{', '.join(sorted(base.setting_defs))}"
                        + did_you_mean(key, base.setting_defs))
        changes.append(Change("settings", key, note, base.settings.get(key), value))
        values[key] = value
        # a time limit governed by the setting now cites the variant too
        parts["time_limits"] = [
            attrs.evolve(t, citation=_citation(t.citation, vid, f"{key} = {value}：{note}")) if t.setting == key else t
            for t in parts["time_limits"]
        ]

    for n, item in enumerate(data.get("change") or [], start=1):
        where = f"[[change]] #{n}"
        rule_id = item.get("rule")
        if not rule_id:
            raise _fail(path, f"{where}：请写明 rule = \"<规则 id>\"")
        unknown = set(item) - {"rule", "set", "note"}
        if unknown:
            raise _fail(path, f"{where}：未知的键 {', '.join(sorted(unknown))}；可用：rule, set, note"
                        + did_you_mean(min(unknown), ("rule", "set", "note")))
        why = _note(item, path, where)
        found = _find_rule(parts, rule_id)
        if found is None:
            raise _fail(path, f"{where}：{base.id} 没有规则 '{rule_id}'；现有规则：{', '.join(_all_ids(parts))}")
        key, index = found
        items = _get_list(parts, key)
        old = items[index]
        raw = converter.unstructure(old)
        sets = item.get("set") or {}
        if not isinstance(sets, dict) or not sets:
            raise _fail(path, f"{where}：请用 set = {{ 字段 = 值, … }} 写明要改什么")
        before = {dotted: _set_path(raw, dotted, copy.deepcopy(value), path, rule_id) for dotted, value in sets.items()}
        raw["citation"] = converter.unstructure(_citation(old.citation, vid, why))
        try:
            new = converter.structure(raw, type(old))
        except Exception as exc:
            raise _fail(path, f"{where}：{rule_id}：{_cattrs_message(exc)}") from None
        # a time limit governed by a setting takes its period from the setting: change both
        if isinstance(new, TimeLimit) and new.setting and ("period" in sets) and new.setting not in (data.get("settings") or {}):
            values[new.setting] = new.period.describe()
        items[index] = new
        _put_list(parts, key, items, path)
        changes.append(Change("change", rule_id, why, before, dict(sets)))

    for n, item in enumerate(data.get("replace") or [], start=1):
        where = f"[[replace]] #{n}"
        why = _note(item, path, where)
        rtype = item.get("type")
        if not isinstance(rtype, str) or rtype not in RULE_TYPES:
            raise _fail(path, f"{where}：type = {rtype!r} 无效；应为以下之一：{', '.join(RULE_TYPES)}")
        cls, key = RULE_TYPES[rtype]
        raw = copy.deepcopy(item.get("rule") or {})
        if not isinstance(raw, dict):
            raise _fail(path, f"{where}：rule 须为表，写作 [replace.rule]，实际为 {raw!r}")
        if "id" not in raw and "key" not in raw:
            raise _fail(path, f"{where}：[replace.rule] 缺少 id；请写明 id = \"<规则 id>\"")
        rid = raw.get("id") or raw.get("key")
        if not isinstance(rid, str):
            raise _fail(path, f"{where}：[replace.rule] 的 id = {rid!r} 无效：须为带引号的文本")
        items = _get_list(parts, key)
        ident = (lambda x: x.key) if cls is Setting else (lambda x: x.id)
        index = next((i for i, x in enumerate(items) if ident(x) == rid), None)
        if cls is not Setting:
            raw.setdefault("citation", {})
            old_citation = items[index].citation if index is not None else None
            raw["citation"] = converter.unstructure(_citation(old_citation, vid, why))
        try:
            new = converter.structure(raw, cls)
        except Exception as exc:
            raise _fail(path, f"{where}：{rid}：{_cattrs_message(exc)}") from None
        if index is None:
            items.append(new)
            changes.append(Change("add", rid, why, None, raw))
        else:
            changes.append(Change("replace", rid, why, converter.unstructure(items[index]), raw))
            items[index] = new
        _put_list(parts, key, items, path)

    for n, item in enumerate(data.get("remove") or [], start=1):
        where = f"[[remove]] #{n}"
        why = _note(item, path, where)
        rule_id = item.get("rule")
        found = _find_rule(parts, rule_id) if rule_id else None
        if found is None:
            raise _fail(path, f"{where}：{base.id} 没有规则 '{rule_id}'；现有规则：{', '.join(_all_ids(parts))}")
        key, index = found
        items = _get_list(parts, key)
        del items[index]
        _put_list(parts, key, items, path)
        changes.append(Change("remove", rule_id, why))

    if "convention" in data:
        conv = dict(data["convention"])
        why = _note(conv, path, "[convention]")
        conv.pop("note")
        allowed = {f.name for f in attrs.fields(CountingConvention)} - {"citation"}
        unknown = set(conv) - allowed
        if unknown:
            raise _fail(path, f"[convention]：未知的键 {', '.join(sorted(unknown))}；可用：{', '.join(sorted(allowed))}"
                        + did_you_mean(min(unknown), allowed))
        old = parts["convention"]
        before = {k: getattr(old, k) for k in conv}
        parts["convention"] = attrs.evolve(old, **conv, citation=Citation(vid, f"（{vid}修改）计算规则", why))
        changes.append(Change("convention", "convention", why, before, conv))

    jurisdiction = attrs.evolve(
        base.jurisdiction,
        id=vid,
        name=head.get("name") or f"{base.jurisdiction.name}（{vid.split('+')[-1]}）",
        extends=base.id,
    )
    values.update(settings or {})
    try:
        policy = assemble(jurisdiction, parts, values, lineage=(*base.lineage, vid))
    except PolicyError as exc:
        raise _fail(path, str(exc)) from None
    _INFO[vid] = VariantInfo(vid, base.id, str(path), jurisdiction.name, note, tuple(changes))
    return policy


def _cattrs_message(exc: Exception, field: str = "") -> str:
    """What is wrong with a rule's fields, in Chinese: each field at fault and what it must be."""
    from typing import Literal, get_args, get_origin

    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

    if isinstance(exc, ClassValidationError):
        msgs = []
        for sub in exc.exceptions:
            notes = getattr(sub, "__notes__", [])
            name = getattr(notes[0], "name", None) if notes else None
            expected = getattr(notes[0], "type", None) if notes else None
            where = f"{field}.{name}" if field and name else (name or field)
            if get_origin(expected) is Literal and not isinstance(sub, KeyError):
                choices = "、".join(str(c) for c in get_args(expected))
                msgs.append(f"{where} 须为以下之一：{choices}")
            else:
                msgs.append(_cattrs_message(sub, where))
        return "；".join(msgs)
    if isinstance(exc, ForbiddenExtraKeysError):
        where = f"{field} 中" if field else ""
        return f"{where}未知的字段 {', '.join(sorted(map(str, exc.extra_fields)))}"
    if isinstance(exc, KeyError):
        return f"缺少字段 {field or exc.args[0]}"
    text = str(exc)
    if re.search(r"[\u4e00-\u9fff]", text):  # our own hooks' messages (a period, a date) are Chinese
        return f"{field}：{text}" if field else text
    return f"{field or '字段'} 的值无效（类型或取值不对）"
