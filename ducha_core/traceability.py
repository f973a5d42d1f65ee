"""The traceability table (条款对照表) of a policy, and what it may honestly claim.

An operational article counts as *enforced and tested* (已执行且有测试) only when every rule it cites

- exists (``rule_ids``);
- is *read* by the core (``inert_problems``: an approval rule without ``applies_to``, a role no step,
  approval or extension uses, a setting that no rule references and the core does not read by name
  are declared data only — 未被读取);
- can be *reached* from the CLI (``reach_problems``: every field a step requires or chooses from, and
  every field a trigger matches, is accepted as ``--field``; a trigger's action and a rung's proposed
  action are steps of the procedure; a step's roles and an approval's approvers are held by someone in
  the demo deployment — CLI不可达);
- and is noticed by the tests the article cites: compiled with the rule removed or neutralised, at
  least one of them fails (the knock-out check, ``ducha_core.knockout``; otherwise 无测试证明).

``report(policy)`` gives the static findings (all but the knock-out), ``report(policy, knockout)`` the
full verdict with a coverage figure that counts only enforced-and-tested articles. Articles that a
rule's citation names but the table lacks, and placeholders left from the scaffold (``TODO``), are
errors. ``coverage(policy)`` is the old nominal figure (an article names a rule and a test).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ducha_core._lazy import LazyPattern

if TYPE_CHECKING:
    from ducha_core.policy import Policy

#: article statuses (JSON id -> Chinese), worst first after the not-operational one
STATUS_NAMES = {
    "tested": "已执行且有测试",
    "untested": "无测试证明",
    "unreachable": "CLI不可达",
    "inert": "未被读取",
    "not_operational": "非操作性条款",
    "not_checked": "未运行剔除检验",
}
#: an article takes the worst status of its rules, in this order
SEVERITY = ("unreachable", "inert", "untested", "not_checked", "tested")

#: rule attributes the core only displays (``ducha compare``): set to something, they promise what
#: nothing enforces (checked against the source by tests/test_traceability.py)
DISPLAY_ONLY = {
    "ApprovalRule": ("filed_with",),
    "ExtensionRule": ("filed_with_office",),
    "GradingScheme": ("praise_grades",),
}

#: articles of the core's own steps (no document states them)
_CORE_ARTICLES_PREFIXES = ("部署设置", "台账管理")


def rule_ids(policy: Policy) -> set[str]:
    """Every rule id a policy declares (time limits, steps, roles, escalation, grading …)."""
    ids: set[str] = set()
    ids.update(t.id for t in policy.time_limits)
    ids.update(r.id for r in policy.extension_rules)
    ids.update(s.id for s in policy.escalation)
    ids.update(c.id for c in policy.cycles)
    ids.update(a.id for a in policy.approvals)
    ids.update(policy.roles)
    ids.update(policy.kinds)
    ids.update(f"state:{s}" for s in policy.states)
    ids.update(f"action:{t.action}" for t in policy.procedure.transitions)
    ids.update(f"setting:{k}" for k in policy.setting_defs)
    if policy.grading is not None:
        ids.add("grading")
        ids.update(r.id for r in policy.grading.rules)
        ids.update(d.id for d in policy.grading.deductions)
    # under a knock-out the table still names the removed rule: a test of the table's names (unknown
    # rule ids, nominal coverage) must not count as noticing that the rule is gone
    from ducha_core.policy import knockout_for

    if (knocked := knockout_for(policy.id)) is not None:
        ids.add(knocked)
    return ids


def coverage(policy: Policy) -> dict:
    """The *nominal* figure: share of operational articles that name at least one rule and one test
    (names only; ``report`` gives the honest one); unknown rule ids."""
    known = rule_ids(policy)
    operational = [a for a in policy.articles if a.operational]
    covered = [a for a in operational if a.rules and a.tests]
    unknown = sorted({r for a in policy.articles for r in a.rules if r not in known})
    return {
        "jurisdiction": policy.id,
        "articles": [
            {"id": a.id, "summary": a.summary, "operational": a.operational, "rules": list(a.rules),
             "tests": list(a.tests), "reason": a.reason, "reading": a.reading}
            for a in policy.articles
        ],
        "operational": len(operational),
        "covered": len(covered),
        "coverage": (len(covered) / len(operational)) if operational else 1.0,
        "unknown_rules": unknown,
    }


#: the keys of an ``[[article]]`` table and the TOML type of each (``rules`` and ``tests``: lists of text)
_ARTICLE_KEYS = {"id": str, "summary": str, "operational": bool, "rules": list, "tests": list, "reason": str,
                 "reading": str}


def _plain_article(item: Any) -> Any:
    """The ``Article`` of a table whose keys and values are exactly what it asks for (as the converter
    would structure it); None for anything else, which the converter reads (and explains)."""
    from ducha_core.rules import Article

    if not isinstance(item, dict) or not {"id", "summary", "operational"} <= item.keys() \
            or not item.keys() <= _ARTICLE_KEYS.keys():
        return None
    for key, value in item.items():
        if type(value) is not _ARTICLE_KEYS[key] or (key in ("rules", "tests")
                                                       and not all(type(x) is str for x in value)):
            return None
    return Article(**{k: tuple(v) if k in ("rules", "tests") else v for k, v in item.items()})


def load_articles(path) -> list:
    """Read a plugin's ``articles.toml``: ``[[article]]`` tables with id, summary, operational,
    rules, tests, reason, reading. Tables written as asked are read directly; the converter (cattrs,
    slow to import at start-up) reads the others and says what is wrong."""
    from ducha_core import _tomlcache
    from ducha_core.errors import PolicyError

    path = Path(path)
    try:  # parsed once, kept beside the byte code (a plugin's table is read by every command)
        data = _tomlcache.loads(path.read_text(encoding="utf-8"), path)
    except (OSError, _tomlcache.decode_error()) as exc:
        raise PolicyError(f"{path}: cannot read the traceability table: {exc}") from None
    articles = []
    for n, item in enumerate(data.get("article", []), start=1):
        article = _plain_article(item)
        if article is None:
            from ducha_core.converter import converter
            from ducha_core.rules import Article

            try:
                article = converter.structure(item, Article)
            except Exception as exc:
                raise PolicyError(f"{path}: article #{n} ({item.get('id', '?')}): {exc}") from None
        articles.append(article)
    return articles


# --- use: what the core reads ---------------------------------------------------------------------

#: core modules that only display or check a policy: their reading a setting is not a use
_NOT_A_USE = {"compare.py", "compare_cmd.py", "conformance.py", "traceability.py", "knockout.py", "scaffold.py",
              "variants.py"}
_READ_BY_NAME = LazyPattern(r"""(?:settings|values)\s*(?:\.get\(|\[)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
                           r"""|\.setting\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_READ_IN_TEMPLATE = LazyPattern(r"""settings(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["'])""")


@functools.lru_cache(maxsize=1)
def core_reads_by_name() -> frozenset[str]:
    """Setting keys the core's code (not its display or checks) or its templates read by name
    (``settings.get("warning_window")``, ``values["dismissal"]`` …), found in its source."""
    root = Path(__file__).parent
    keys: set[str] = set()
    for file in root.rglob("*.py"):
        if file.name in _NOT_A_USE or "scaffold_templates" in file.parts:
            continue
        for m in _READ_BY_NAME.finditer(file.read_text(encoding="utf-8", errors="replace")):
            keys.add(m.group(1) or m.group(2))
    for file in (root / "templates").rglob("*.j2"):
        for m in _READ_IN_TEMPLATE.finditer(file.read_text(encoding="utf-8", errors="replace")):
            keys.add(m.group(1) or m.group(2))
    return frozenset(keys)


def _template_reads(policy: Policy) -> set[str]:
    keys: set[str] = set()
    for d in policy.template_dirs:
        if Path(d).is_dir():
            for file in Path(d).rglob("*.j2"):
                for m in _READ_IN_TEMPLATE.finditer(file.read_text(encoding="utf-8", errors="replace")):
                    keys.add(m.group(1) or m.group(2))
    return keys


def settings_read(policy: Policy) -> dict[str, list[str]]:
    """Who reads each setting: ``{key: [readers]}`` — the rules that name it (a time limit's period
    or anchor, a cycle's due day, a step's period or list of values, a trigger's period or count, a
    deduction's points) and the core reading it by name. A key missing here is read by nobody."""
    from ducha_core.rules import Overdue

    readers: dict[str, list[str]] = {}

    def read(key: str | None, who: str) -> None:
        if key:
            readers.setdefault(key, []).append(who)

    for t in policy.time_limits:
        read(t.setting, f"时限 {t.id}")
        read(t.anchor_setting, f"时限 {t.id}（起算日）")
    for c in policy.cycles:
        read(c.setting, f"周期报送 {c.id}")
    for t in policy.procedure.transitions:
        for owes in t.obliges:
            read(owes.setting, f"步骤 {t.action}（{owes.name}）")
        for field, key in t.choices.items():
            if isinstance(key, str):
                read(key, f"步骤 {t.action}（--{field.replace('_', '-')} 的取值）")
    triggers = [(s.id, s.trigger) for s in policy.escalation]
    if policy.grading is not None:
        triggers += [(r.id, r.trigger) for r in policy.grading.rules]
        triggers += [(d.id, d.trigger) for d in policy.grading.deductions]
        for d in policy.grading.deductions:
            read(d.setting, f"扣分 {d.id}")
    for rid, trigger in triggers:
        if isinstance(trigger, Overdue):
            read(trigger.repeat_setting, f"升级规则 {rid}（再次催办）")
            read(trigger.chase_wait_setting, f"升级规则 {rid}（催办后等待）")
            read(trigger.chased_setting, f"升级规则 {rid}（催办次数）")
    by_name = core_reads_by_name() | _template_reads(policy)
    for key in policy.setting_defs:
        if key in by_name:
            read(key, "核心按名读取")
    return readers


def inert_problems(policy: Policy) -> list[tuple[str, str]]:
    """``(rule id, reason)`` for each rule object or setting the core never reads: declared data only."""
    problems: list[tuple[str, str]] = []
    readers = settings_read(policy)
    for key in policy.setting_defs:
        if key not in readers:
            problems.append((f"setting:{key}", f"设置 {key} 没有任何规则引用，核心也不按名读取：改变它什么也不改变"))
    for rule in policy.approvals:
        if not rule.applies_to:
            problems.append((rule.id, f"审批规则 {rule.id}（{rule.name}）未写 applies_to：只在 ducha compare 中列出，任何步骤都不检查它"))
    used: set[str] = set()
    for t in policy.procedure.transitions:
        used.update(t.roles)
    for rule in policy.approvals:
        if rule.applies_to:
            used.update(rule.approver_roles)
    for ext in policy.extension_rules:
        used.update(ext.granted_by)
    used.update(s.by_role for s in policy.escalation if s.by_role)
    for role in policy.roles.values():
        if role.id not in used:
            problems.append((role.id, f"角色 {role.id}（{role.name}）不能做任何步骤、不审批也不批准延期：担任它的人什么也做不了"))
    return problems


def display_only_hints(policy: Policy) -> list[tuple[str, str]]:
    """``(rule id, hint)`` for rule attributes set to something the core only displays
    (``DISPLAY_ONLY``): the document's words are shown in ``ducha compare``, nothing enforces them."""
    hints: list[tuple[str, str]] = []
    items: list[tuple[str, Any]] = [(r.id, r) for r in policy.approvals] + [(r.id, r) for r in policy.extension_rules]
    if policy.grading is not None:
        items.append(("grading", policy.grading))
    for rid, item in items:
        for attr in DISPLAY_ONLY.get(type(item).__name__, ()):
            value = getattr(item, attr, None)
            if value:
                hints.append((rid, f"{type(item).__name__}.{attr} = {value!r} 只在 ducha compare 中显示，核心不执行它"))
    return hints


# --- reach: what the CLI can give -----------------------------------------------------------------


def demo_people(policy: Policy) -> dict:
    """The people of the demo deployment (``ducha demo``) for ``policy``: {person id: Person}."""
    import random

    from ducha_core.documents.demo import directory_people

    return directory_people(policy, policy.jurisdiction.level, random.Random(0))[1]


def reach_problems(policy: Policy, people: dict | None = None) -> list[tuple[str, str]]:
    """``(rule id, reason)`` for each way a rule cannot be used from the CLI: a field a step requires,
    chooses from a list, dates or is approved in, or that a trigger matches, has no Chinese name (the
    CLI refuses ``--field``); a list a field chooses from is not a non-empty setting; a trigger's action
    or a rung's proposed action is not a step of the procedure; a value a trigger matches is one the
    field refuses; no person of the deployment (default: the demo's, ``demo_people``) holds a role a
    step or an approval needs."""
    from ducha_core.rules import After, CountInYear

    names = policy.field_names
    problems: list[tuple[str, str]] = []
    actions = {t.action for t in policy.procedure.transitions}

    def named(rule: str, field: str, where: str) -> None:
        if field not in names:
            problems.append((rule, f"{where}：字段 '{field}' 没有中文名（ducha_field_names），命令行不接受 "
                                   f"--{field.replace('_', '-')}"))

    choices: dict[tuple[str, str], tuple] = {}
    for t in policy.procedure.transitions:
        rule, where = f"action:{t.action}", f"步骤 '{t.action}'"
        for field in (*t.requires, *(f for fs in t.requires_by_kind.values() for f in fs), *t.choices):
            named(rule, field, where)
        for field, key in t.choices.items():
            values = key if isinstance(key, tuple | list) else policy.settings.get(key)
            if not isinstance(values, list | tuple | dict) or not values:
                problems.append((rule, f"{where}：--{field} 的取值来自设置 '{key}'，但它不是非空列表"))
            else:
                choices[(t.action, field)] = tuple(values)
        for owes in t.obliges:
            for field in (*([owes.date_field] if owes.date_field else []), *owes.when):
                named(rule, field, f"{where}（产生义务 {owes.what}）")
    triggers = [(s.id, f"升级规则 '{s.id}'", s.trigger) for s in policy.escalation]
    if policy.grading is not None:
        triggers += [(r.id, f"等次规则 '{r.id}'", r.trigger) for r in policy.grading.rules]
        triggers += [(d.id, f"扣分规则 '{d.id}'", d.trigger) for d in policy.grading.deductions]
    for rule, where, trigger in triggers:
        if not isinstance(trigger, After | CountInYear):
            continue
        if trigger.action not in actions:
            problems.append((rule, f"{where}：等待 '{trigger.action}'，但程序中没有记录它的步骤"))
        for field, value in trigger.match.items():
            named(rule, field, where)
            allowed = choices.get((trigger.action, field))
            if allowed and value not in allowed:
                problems.append((rule, f"{where}：匹配 {field}={value!r}，但 --{field} 不接受该值"
                                       f"（可用：{', '.join(map(str, allowed))}）"))
    for step in policy.escalation:
        if step.proposes and step.proposes not in actions:
            problems.append((step.id, f"升级规则 '{step.id}'：提议 '{step.proposes}'，但它不是程序中的步骤"))
    for rule in policy.approvals:
        for action in rule.applies_to:
            if action not in actions:
                problems.append((rule.id, f"审批规则 '{rule.id}'：适用于 '{action}'，但它不是程序中的步骤"))
        if rule.applies_to:
            for field in (rule.field, *rule.when, *([rule.start_field] if rule.advance else [])):
                named(rule.id, field, f"审批规则 '{rule.id}'")
    if people is None:
        try:
            people = demo_people(policy)
        except Exception:  # a policy the demo cannot staff: the role checks below say so
            people = {}
    held = {role for person in people.values() for role in getattr(person, "roles", ())}

    def role_names(roles) -> str:
        return "、".join(f"{r}（{policy.roles[r].name}）" if r in policy.roles else r for r in roles) or "（无）"

    seen_steps: set[str] = set()
    for t in policy.procedure.transitions:
        if not set(t.roles) & held and t.action not in seen_steps:
            seen_steps.add(t.action)
            problems.append((f"action:{t.action}", f"步骤 '{t.action}'（{t.name or policy.action_name(t.action)}）的角色"
                                                   f" {role_names(t.roles)} 在示例部署中无人担任"))
    for rule in policy.approvals:
        if rule.applies_to and rule.approver_roles and not set(rule.approver_roles) & held:
            problems.append((rule.id, f"审批规则 '{rule.id}' 的审批人角色 {role_names(rule.approver_roles)} 在示例部署中无人担任"))
    return problems


# --- the table against the rules' citations -------------------------------------------------------

_SPLIT = LazyPattern(r"[、，,；;]|及|和")
_BASE = LazyPattern(r"^(第[^条]+条|[一二三四五六七八九十百零〇]+)")


def _norm(article: str) -> str:
    return "".join(unicodedata.normalize("NFKC", article).split())


def _base(article: str) -> str:
    m = _BASE.match(article)
    return m.group(1) if m else article


def missing_articles(policy: Policy) -> list[tuple[str, str]]:
    """``(article, who cites it)`` for every article a rule's citation names that the table lacks.
    A citation of a paragraph (第五条(二)) is in the table if that row is, or if the table keeps the
    whole article (第五条) as one row and lists none of its paragraphs."""
    ids = {_norm(a.id) for a in policy.articles}
    with_paragraphs = {_base(i) for i in ids if _base(i) != i}
    allowed = {*policy.lineage, policy.id}
    missing: dict[str, str] = {}
    for who, citation in cited_rules(policy):
        if citation is None or citation.jurisdiction not in allowed:
            continue
        text = citation.article or ""
        if text.startswith(_CORE_ARTICLES_PREFIXES) or "TODO" in text:
            continue  # the core's own steps; placeholders are reported on their own
        previous = ""
        for part in (p for p in _SPLIT.split(_norm(text)) if p):
            if part.startswith("(") and previous:  # 第十二条(二)、(三): the paragraph of the same article
                part = previous + part
            previous = _base(part)
            if part in ids:
                continue
            base = _base(part)
            if base != part and base in ids and base not in with_paragraphs:
                continue
            if base == part and part in with_paragraphs:
                continue  # a whole article the table splits into its paragraphs
            missing.setdefault(part, who)
    return sorted(missing.items())


def cited_rules(policy: Policy) -> list[tuple[str, Any]]:
    """``(what, citation)`` of every rule of the policy."""
    p = policy
    out: list[tuple[str, Any]] = []
    out += [(f"事项类别 {k.id}", k.citation) for k in p.kinds.values()]
    out += [(f"角色 {r.id}", r.citation) for r in p.roles.values()]
    out.append(("工作程序", p.procedure.citation))
    out += [(f"步骤 {t.action}", t.citation) for t in p.procedure.transitions]
    for group, items in (("时限", p.time_limits), ("延期规则", p.extension_rules), ("升级规则", p.escalation),
                         ("周期报送", p.cycles), ("审批规则", p.approvals)):
        out += [(f"{group} {i.id}", i.citation) for i in items]
    if p.grading is not None:
        out += [(f"等次规则 {r.id}", r.citation) for r in p.grading.rules]
        out += [(f"扣分规则 {d.id}", d.citation) for d in p.grading.deductions]
    out += [(f"设置 {s.key}", s.citation) for s in p.setting_defs.values() if s.citation is not None]
    return out


def placeholders(policy: Policy) -> list[str]:
    """What the scaffold left to fill in: ``TODO`` in the document's title or issuer, in a rule's
    citation or name, in a setting's text, an empty table."""
    out: list[str] = []
    doc = policy.jurisdiction.document
    for label, value in (("文件标题", doc.title), ("印发机关", doc.issuer), ("督查机构名称", policy.jurisdiction.office)):
        if "TODO" in (value or ""):
            out.append(f"{label}仍是占位符「{value}」：请在 ducha_jurisdiction() 中填写")
    todo_cites = [who for who, c in cited_rules(policy) if c is not None and "TODO" in f"{c.article}{c.quote}"]
    if todo_cites:
        shown = "、".join(todo_cites[:6]) + (f" 等 {len(todo_cites)} 条" if len(todo_cites) > 6 else "")
        out.append(f"出处仍是占位符（TODO）：{shown}；请写文件的条款和原文，如 cite(\"第九条\", \"原文\")")
    names = [f"时限 {t.id}" for t in policy.time_limits if "TODO" in t.name]
    names += [f"事项类别 {k.id}" for k in policy.kinds.values() if "TODO" in k.name]
    names += [f"设置 {s.key}" for s in policy.setting_defs.values() if "TODO" in s.doc]
    if names:
        out.append(f"名称或说明仍是占位符（TODO）：{'、'.join(names)}；请按文件原文填写")
    if not policy.articles:
        out.append("条款对照表为空：请在 articles.toml 中为文件的每条每款写一个 [[article]]"
                   "（可操作的列出规则 id 和测试，不可操作的写明理由）")
    return out


def helper_module_hints(policy: Policy, plugins=None) -> list[str]:
    """A module of the plugin's package that only its tests import (e.g. a helper no command calls)."""
    if plugins is None:
        return []
    try:
        module_file = getattr(plugins.plugin_object(policy.id), "__file__", None)
    except Exception:
        return []
    if not module_file:
        return []
    package = Path(module_file).resolve().parent
    if not (package / "__init__.py").is_file():
        return []
    sources = {f: f.read_text(encoding="utf-8", errors="replace") for f in package.glob("*.py")}
    core = Path(__file__).parent
    core_text = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in core.rglob("*.py")
                          if "scaffold_templates" not in f.parts)
    hints = []
    for file in sorted(sources):
        stem = file.stem
        if stem in ("__init__", "policy", "articles"):
            continue
        pattern = re.compile(rf"(\bimport\s+[\w.]*\b{stem}\b|\bfrom\s+[\w.]*\.{stem}\s+import|\bfrom\s+\.\s*import\s+[^\n]*\b{stem}\b"
                             rf"|\bfrom\s+[\w.]+\s+import\s+[^\n]*\b{stem}\b|\bfrom\s+\.{stem}\s+import)")
        users = [f for f, text in sources.items() if f != file and pattern.search(text)]
        if not users and not pattern.search(core_text):
            hints.append(f"模块 {package.name}/{file.name} 不被插件的其他模块或核心导入（最多被测试导入）："
                         "它所编码的规则没有任何命令执行；请接入命令或删除")
    return hints


# --- the report -------------------------------------------------------------------------------------


def static_findings(policy: Policy, plugins=None) -> dict[str, Any]:
    """Everything but the knock-out: ``{"errors": [...], "hints": [...], "unknown": {rule: reason},
    "unreachable": {rule: [reasons]}, "inert": {rule: [reasons]}, "missing_articles": [(article, who)]}``."""
    known = rule_ids(policy)
    unknown = {r: f"规则 {r} 不存在（ducha articles 的规则列只能写 rule_ids 中的 id）"
               for a in policy.articles for r in a.rules if r not in known}
    unreachable: dict[str, list[str]] = {}
    for rule, reason in reach_problems(policy):
        unreachable.setdefault(rule, []).append(reason)
    inert: dict[str, list[str]] = {}
    for rule, reason in inert_problems(policy):
        inert.setdefault(rule, []).append(reason)
    missing = missing_articles(policy)
    errors = [f"条款 {art} 被 {who} 引用，但条款对照表中没有这一行" for art, who in missing]
    errors += [f"条款对照表引用了不存在的规则 {r}" for r in sorted(unknown)]
    errors += placeholders(policy)
    seen: set[str] = set()
    for a in policy.articles:
        if a.id in seen:
            errors.append(f"条款 {a.id} 在对照表中出现两次")
        seen.add(a.id)
        if a.operational and not a.rules:
            errors.append(f"条款 {a.id} 标为可操作，但未列出规则")
        if a.operational and not a.tests:
            errors.append(f"条款 {a.id} 标为可操作，但未列出测试")
        if not a.operational and not a.reason.strip():
            errors.append(f"条款 {a.id} 标为不可操作，但未写理由")
    cited = {r for a in policy.articles if a.operational for r in a.rules}
    hints = [f"{reason}（未被条款对照表引用）" for rule, reasons in sorted(inert.items()) if rule not in cited
             for reason in reasons]
    hints += [f"{rule}：{reason}" for rule, reasons in sorted(unreachable.items()) if rule not in cited
              for reason in reasons]
    hints += [f"{rule}：{hint}" for rule, hint in display_only_hints(policy)]
    hints += helper_module_hints(policy, plugins)
    return {"errors": errors, "hints": hints, "unknown": unknown, "unreachable": unreachable, "inert": inert,
            "missing_articles": [list(m) for m in missing]}


def _pair(rule: str, article, static: dict, knockout: dict | None) -> dict[str, Any]:
    """The verdict on one rule an article cites."""
    if rule in static["unknown"]:
        return {"rule": rule, "status": "untested", "reason": static["unknown"][rule], "proof": []}
    if rule in static["unreachable"]:
        return {"rule": rule, "status": "unreachable", "reason": "；".join(static["unreachable"][rule]), "proof": []}
    if rule in static["inert"]:
        return {"rule": rule, "status": "inert", "reason": "；".join(static["inert"][rule]), "proof": []}
    if knockout is None:
        return {"rule": rule, "status": "not_checked", "reason": "剔除检验未运行", "proof": []}
    result = knockout.get("rules", {}).get(rule)
    form = (result or {}).get("form") or ""
    if result is None:
        return {"rule": rule, "status": "untested", "reason": "剔除检验未覆盖该规则", "proof": []}
    if result.get("error"):
        return {"rule": rule, "status": "untested", "form": form,
                "reason": f"剔除后的政策无法编译，不能据此判断测试是否检验它：{result['error']}", "proof": []}
    noticed = set(result.get("noticed", ()))
    proof = [t for t in article.tests if t in noticed]
    if proof:
        return {"rule": rule, "status": "tested", "form": form, "reason": f"剔除后失败：{proof[0]}", "proof": proof}
    missing = [t for t in article.tests if t in knockout.get("missing", {})]
    failing = [t for t in article.tests if t in knockout.get("failing", {})]
    notes = result.get("notes") or {}
    usable = [t for t in article.tests if t not in missing and t not in failing]
    passed = [t for t in usable if t not in notes]
    parts = []
    if passed:
        parts.append(f"剔除（{form or rule}）后，所引 {len(passed)} 个测试仍全部通过")
    if missing:
        parts.append("找不到所引测试：" + "、".join(f"{t}（{knockout['missing'][t]}）" for t in missing))
    if failing:
        parts.append("所引测试在未剔除时已不通过，不能作证：" + "、".join(failing))
    if len(passed) < len(usable):
        parts.append("不计的失败：" + "；".join(f"{t}（{notes[t]}）" for t in usable if t in notes))
    return {"rule": rule, "status": "untested", "form": form, "reason": "；".join(parts) or "未列出测试", "proof": []}


def report(policy: Policy, knockout: dict | None = None, *, plugins=None) -> dict[str, Any]:
    """The traceability report: per article its status (``STATUS_NAMES``) with one verdict per rule it
    cites, the static findings, and — with a knock-out result (``ducha_core.knockout.run``) — the
    coverage figure counting only enforced-and-tested articles (None without it)."""
    static = static_findings(policy, plugins)
    rows = []
    for a in policy.articles:
        row: dict[str, Any] = {"id": a.id, "summary": a.summary, "operational": a.operational, "rules": list(a.rules),
                               "tests": list(a.tests), "reason": a.reason, "reading": a.reading}
        if not a.operational:
            row.update(status="not_operational", detail=a.reason, verdicts=[])
        else:
            verdicts = [_pair(r, a, static, knockout) for r in a.rules]
            if not a.rules or not a.tests:
                status = "untested"
                detail = "未列出规则" if not a.rules else "未列出测试"
            else:
                status = min((v["status"] for v in verdicts), key=SEVERITY.index)
                detail = "；".join(f"{v['rule']}：{v['reason']}" for v in verdicts if v["status"] == status) \
                    if status != "tested" else "；".join(f"{v['rule']}：{v['reason']}" for v in verdicts)
            row.update(status=status, detail=detail, verdicts=verdicts)
        row["status_name"] = STATUS_NAMES[row["status"]]
        rows.append(row)
    operational = [r for r in rows if r["operational"]]
    tested = [r for r in operational if r["status"] == "tested"]
    statically_clear = [r for r in operational if r["status"] in ("tested", "not_checked")]
    nominal = coverage(policy)
    out: dict[str, Any] = {
        "jurisdiction": policy.id,
        "knockout_run": knockout is not None,
        "articles": rows,
        "operational": len(operational),
        "enforced_and_tested": len(tested) if knockout is not None else None,
        "coverage": (len(tested) / len(operational) if operational else 0.0) if knockout is not None else None,
        "statically_clear": len(statically_clear),
        "nominal_covered": nominal["covered"],
        "nominal_coverage": nominal["coverage"],
        "unknown_rules": sorted(static["unknown"]),
        "missing_articles": static["missing_articles"],
        "errors": static["errors"],
        "hints": static["hints"],
    }
    if knockout is not None:
        out["knockout"] = {k: knockout[k] for k in ("seconds", "knockouts", "test_runs") if k in knockout}
    return out


def not_enforced(rep: dict[str, Any]) -> list[dict[str, str]]:
    """``[{"article", "rule", "status", "reason"}]`` for every operational article of a report that is
    not enforced and tested, one entry per rule at fault (one for the article where it lists none).
    Without the knock-out, the rules it would judge (未运行剔除检验) are left out."""
    out = []
    for row in rep["articles"]:
        if not row["operational"] or row["status"] in ("tested", "not_checked"):
            continue
        bad = [v for v in row["verdicts"] if v["status"] not in ("tested", "not_checked")]
        if not bad:
            out.append({"article": row["id"], "rule": "", "status": STATUS_NAMES[row["status"]], "reason": row["detail"]})
        for v in bad:
            out.append({"article": row["id"], "rule": v["rule"], "status": STATUS_NAMES[v["status"]], "reason": v["reason"]})
    return out
