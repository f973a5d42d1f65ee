"""A jurisdiction's policy, compiled once from its plugin's hooks.

``compile_policy`` calls every policy hook of one jurisdiction once, validates what they return
and builds the lookup tables the engine uses. Evaluating a matter afterwards calls no hook.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from ducha_core.errors import PolicyError
from ducha_core.events import ACTIONS, FIELD_NAMES
from ducha_core.kinds import CORE_KINDS
from ducha_core.model import Citation, Jurisdiction, SourceDocument
from ducha_core.periods import (
    DEFAULT_CONVENTION,
    CountingConvention,
    Period,
    WorkingDays,
    add_months,
    parse_period,
)
from ducha_core.rules import (
    SETTING_TYPES,
    After,
    ApprovalRule,
    Article,
    EscalationStep,
    ExtensionRule,
    GradingScheme,
    MatterKind,
    Overdue,
    Procedure,
    ReportingCycle,
    Role,
    Setting,
    State,
    TimeLimit,
    Transition,
)
from ducha_core.suggest import did_you_mean

#: settings every deployment has, whatever its jurisdiction (no document states them)
CORE_SETTINGS: tuple[Setting, ...] = (
    Setting("warning_window", 3, "黄灯预警窗口：期限前N个工作日内标黄（各文件均未规定，部署可改）。"),
    Setting("strict_calendar", False, "严格日历：期限落在尚未公布放假安排的年份时报错，而非按法定假日推算（暂定）。"),
    Setting("issued", None, "文件印发日期（文件未载明时由部署填写，格式YYYY-MM-DD），用于判断施行及试行期。", type="date"),
    Setting("deadline_correction", "leader_approval",
            "另定办理时限（ducha set-deadline）：文件对某类事项未规定延期程序时，督查室能否另定期限。"
            "leader_approval = 写明理由并经领导批准（默认）；office = 督查室写明理由即可；none = 不允许。"
            "文件规定了延期程序的事项一律按延期程序办理。旧期限及其逾期情况保留在记录中。"),
    Setting("year_window", "calendar",
            "“一年内”的读法（一年内受到通报批评N次等按年计数的规则）：calendar = 自然年（1月1日至12月31日，"
            "与年度考核一致，默认）；rolling = 截至评估之日的连续12个月。"),
    Setting("dismissal", "office",
            "督查室对 ducha due 提出的升级建议决定不予处理（ducha dismiss，须写明理由）：office = 督查室即可（默认）；"
            "none = 不允许（建议一直列出，直到按建议处理）。"),
)

#: the citation of the core's 不予处理 step (no document states it: a deployment setting)
DISMISS_CITATION_ARTICLE = "部署设置（不予处理）"

#: the citation of the core's default 另定办理时限 step (no document states it: a deployment setting)
SET_DEADLINE_CITATION_ARTICLE = "部署设置（另定办理时限）"
#: the article the core's correction (更正) and withdrawal (撤销) steps cite
CORRECT_CITATION_ARTICLE = "台账管理（更正）"
WITHDRAW_CITATION_ARTICLE = "台账管理（撤销）"
#: the core's terminal state of a matter registered by mistake (撤销)
WITHDRAWN = "withdrawn"


@attrs.frozen
class Policy:
    """Everything the engine needs about one jurisdiction, as plain lookups."""

    jurisdiction: Jurisdiction
    kinds: dict[str, MatterKind]
    roles: dict[str, Role]
    procedure: Procedure
    states: dict[str, State]
    transitions: dict[tuple[str, str], Transition]
    time_limits: tuple[TimeLimit, ...]
    extension_rules: tuple[ExtensionRule, ...]
    escalation: tuple[EscalationStep, ...]
    grading: GradingScheme | None
    cycles: tuple[ReportingCycle, ...]
    approvals: tuple[ApprovalRule, ...]
    convention: CountingConvention
    settings: dict[str, Any]
    setting_defs: dict[str, Setting]
    template_dirs: tuple[Path, ...]
    articles: tuple[Article, ...]
    #: Chinese names of data fields: the core's, then the plugin's own (``ducha_field_names``)
    field_names: dict[str, str] = attrs.field(factory=lambda: dict(FIELD_NAMES))
    #: ids of plugins/variants this policy was built from, base first
    lineage: tuple[str, ...] = ()
    _limits_cache: dict = attrs.field(factory=dict, init=False, eq=False, repr=False)
    _transition_cache: dict = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @property
    def id(self) -> str:
        return self.jurisdiction.id

    # --- lookups -------------------------------------------------------------------------------

    def transition(self, state: str, action: str) -> Transition | None:
        """The transition for ``action`` in ``state`` (a state's own, else one allowed in any state)."""
        key = (state, action)
        try:
            return self._transition_cache[key]
        except KeyError:
            found = self._transition_cache[key] = self.transitions.get(key) or self.transitions.get(("*", action))
            return found

    def reentry(self, state: str, action: str) -> Transition | None:
        """For an action each handling unit performs for itself (承办): the transition that led into
        ``state``, so that another unit may perform it there too."""
        key = ("reentry", state, action)
        if key not in self._transition_cache:
            self._transition_cache[key] = next(
                (t for t in self.procedure.transitions if t.action == action and t.target == state), None)
        return self._transition_cache[key]

    def files_each_lead(self, action: str) -> bool:
        """Whether every lead unit performs ``action`` separately (各牵头单位分别形成书面报告)."""
        key = ("each_lead", action)
        found = self._transition_cache.get(key)
        if found is None:
            found = self._transition_cache[key] = any(
                t.action == action and t.each_lead_unit for t in self.procedure.transitions)
        return found

    def anchor_of(self, limit: TimeLimit) -> str:
        """The anchor a time limit counts from: its setting's value where it names one."""
        if limit.anchor_setting and self.settings.get(limit.anchor_setting):
            return str(self.settings[limit.anchor_setting])
        return limit.anchor

    def cycles_for(self, kind: str) -> tuple[ReportingCycle, ...]:
        """The recurring reports owed on each matter of ``kind`` (``ReportingCycle.per_matter``)."""
        key = ("cycles", kind)
        if key not in self._limits_cache:
            self._limits_cache[key] = tuple(c for c in self.cycles if c.per_matter and ("*" in c.kinds or kind in c.kinds))
        return self._limits_cache[key]

    def actions_in(self, state: str) -> list[Transition]:
        return [t for (s, _a), t in self.transitions.items() if s in (state, "*") and not self.states[state].terminal]

    def action_name(self, action: str) -> str:
        names = [t.name for t in self.procedure.transitions if t.action == action and t.name]
        return names[0] if names else ACTIONS.get(action, action)

    def limits_for(self, kind: str, on: date | None = None) -> tuple[TimeLimit, ...]:
        """The time limits for a matter of ``kind`` registered on ``on``: the kind's own limits,
        else those for any kind ("*"); result/answer limits first."""
        key = (kind, on)
        if key not in self._limits_cache:
            in_force = [t for t in self.time_limits if on is None or t.in_force.covers(on)]
            own = [t for t in in_force if kind in t.kinds]
            def slot(what: str) -> str:  # an answer (答复) is the result of its kind
                return "result" if what == "answer" else what

            chosen = own + [t for t in in_force if "*" in t.kinds and not any(slot(o.what) == slot(t.what) for o in own)]
            chosen.sort(key=lambda t: t.what not in ("result", "answer"))
            self._limits_cache[key] = tuple(chosen)
        return self._limits_cache[key]

    def choices_for(self, transition: Transition, field: str) -> tuple:
        """The values ``field`` may take on ``transition`` (``Transition.choices``: its own tuple, or
        a setting's list or its dict's keys); empty where any value goes."""
        key = transition.choices.get(field)
        if isinstance(key, tuple | list):
            return tuple(key)
        values = self.settings.get(key) if key else None
        if isinstance(values, dict):
            return tuple(values)
        return tuple(values) if isinstance(values, list | tuple) else ()

    def extension_rule_for(self, kind: str) -> ExtensionRule | None:
        for rule in self.extension_rules:
            if kind in rule.kinds:
                return rule
        for rule in self.extension_rules:
            if "*" in rule.kinds:
                return rule
        return None

    def setting(self, key: str) -> Any:
        return self.settings[key]

    # --- force -----------------------------------------------------------------------------------

    def in_force_window(self) -> tuple[date | None, date | None]:
        doc = self.jurisdiction.document
        return doc.effective or doc.issued, doc.expires

    def force_warning(self, on: date) -> str | None:
        """A message when the regulation is not in force on ``on`` (not yet, lapsed, or unknown)."""
        doc = self.jurisdiction.document
        start, end = self.in_force_window()
        name = f"{self.jurisdiction.name}《{doc.title}》"
        if start is None:
            if doc.trial:
                return f"{name}未载明印发日期，{doc.trial}无法判断是否届满；请在 ducha.toml 的 [settings] 中填写 issued"
            return None
        if on < start:
            return f"{name}自 {start} 起施行，{on} 时尚未施行"
        if end is not None and on > end:
            return f"{name}{doc.trial}已于 {end} 届满，{on} 登记的事项所依据的规定已失效；请核实是否有新规定"
        return None


def _check_unique(items, what: str, jurisdiction: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for item in items:
        if item.id in seen:
            raise PolicyError(f"{jurisdiction}: two {what} with id '{item.id}'; give each its own id")
        seen[item.id] = item
    return seen


def _apply_settings(
    jurisdiction: Jurisdiction, setting_defs: dict[str, Setting], overrides: Mapping[str, Any]
) -> dict[str, Any]:
    values = {key: s.default for key, s in setting_defs.items()}
    for key, value in overrides.items():
        if key not in setting_defs:
            allowed = ", ".join(sorted(setting_defs))
            raise PolicyError(f"{jurisdiction.id}：没有设置项 '{key}'；可用：{allowed}{did_you_mean(key, setting_defs)}")
        values[key] = check_setting(setting_defs[key], value)
    return values


# --- setting types ----------------------------------------------------------------------------------


def _setting_uses(parts: Mapping[str, Any]) -> dict[str, str]:
    """The type the rules' reading of a setting implies: a period for the settings a rule reads as
    a period, a number for a deduction's points, an int for a number of chases."""
    uses: dict[str, str] = {}

    def use(key: str | None, kind: str) -> None:
        if key:
            uses.setdefault(key, kind)

    for limit in parts.get("time_limits", ()):
        use(limit.setting, "period")
    for cycle in parts.get("cycles", ()):
        use(cycle.setting, "period")
    procedure = parts.get("procedure")
    for t in procedure.transitions if procedure is not None else ():
        for owes in t.obliges:
            use(owes.setting, "period")
    grading = parts.get("grading")
    triggers = [s.trigger for s in parts.get("escalation", ())]
    if grading is not None:
        triggers += [r.trigger for r in grading.rules] + [d.trigger for d in grading.deductions]
        for deduction in grading.deductions:
            use(deduction.setting, "number")
    for trigger in triggers:
        if isinstance(trigger, Overdue):
            use(trigger.repeat_setting, "period")
            use(trigger.chase_wait_setting, "period")
            use(trigger.chased_setting, "int")
    return uses


def _default_type(default: Any) -> str | None:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "str"
    if isinstance(default, list | tuple):
        return "list[str]"
    if isinstance(default, dict):
        return "dict"
    if isinstance(default, date):
        return "date"
    if isinstance(default, Period):
        return "period"
    return None


def _typed_settings(defs, parts: Mapping[str, Any], jid: str) -> dict[str, Setting]:
    """Every setting with its type: declared, else implied by the rules that read it, else by its
    default (see ``Setting.type``). A default that is not of its own type is the plugin's error."""
    uses = _setting_uses(parts)
    typed: dict[str, Setting] = {}
    for s in defs:
        implied = uses.get(s.key)
        kind = s.type or implied or _default_type(s.default)
        if kind not in SETTING_TYPES:
            raise PolicyError(f"{jid}: setting '{s.key}' has " + (
                f"unknown type '{s.type}'" if s.type else "no default to infer its type from")
                + f"; declare its type: Setting(..., type=...), one of {', '.join(SETTING_TYPES)}")
        if implied and kind != implied and not (implied == "number" and kind == "int"):
            raise PolicyError(f"{jid}: setting '{s.key}' is declared {kind} but a rule reads it as {implied}")
        if s.default is not None:
            try:
                check_setting(attrs.evolve(s, type=kind), s.default)
            except PolicyError as exc:
                raise PolicyError(f"{jid}: the default of setting '{s.key}' is not a {kind} ({exc})") from None
        typed[s.key] = s if s.type == kind else attrs.evolve(s, type=kind)
    return typed


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def check_setting(setting: Setting, value: Any) -> Any:
    """``value`` checked against the setting's type (``Setting.type``): the value the policy keeps
    (an empty string for a setting whose default is None: unset, None), or one Chinese line that
    names the key, the value and how to write it."""
    key, kind = setting.key, setting.type or _default_type(setting.default)
    if value is None or (value == "" and setting.default is None):
        return None
    head = f"设置 {key} = {_shown(value)}"
    if kind == "bool":
        if not isinstance(value, bool):
            raise PolicyError(f"{head}：须为 true 或 false（不加引号）")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PolicyError(f"{head}：须为 0 或更大的整数（如 {key} = 2，不加引号）")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PolicyError(f"{head}：须为数字（如 2 或 0.5）")
    elif kind == "str":
        if not isinstance(value, str) or not value.strip():
            example = setting.default if isinstance(setting.default, str) else "..."
            raise PolicyError(f'{head}：须为带引号的文字，如 {key} = "{example}"')
    elif kind == "date":
        if isinstance(value, datetime) or not isinstance(value, date | str):
            raise PolicyError(f"{head} 不是日期；请写 YYYY-MM-DD（如 {key} = 2023-03-01）")
        if isinstance(value, str):
            try:
                date.fromisoformat(value.strip())
            except ValueError:
                raise PolicyError(f"{head} 不是日期；请写 YYYY-MM-DD（如 {key} = 2023-03-01）") from None
    elif kind == "list[str]":
        if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            example = [v for v in setting.default if isinstance(v, str)][:2] if isinstance(setting.default, list | tuple) else []
            shown = ", ".join(f'"{v}"' for v in example or ("甲", "乙"))
            raise PolicyError(f"{head}：须为带引号的文字组成的列表（至少一项），如 {key} = [{shown}]")
    elif kind == "dict":
        if not isinstance(value, Mapping) or not value or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            first = next(iter(setting.default.items()), None) if isinstance(setting.default, Mapping) else None
            k, v = first if first and isinstance(first[1], str) else ("a", "说明")
            raise PolicyError(f'{head}：须为表（每项 键 = "说明"，至少一项），如 {key} = {{ {k} = "{v}" }}')
    elif kind == "period":
        period = _check_period(key, value, head)
        if isinstance(period, WorkingDays) and period.n < 1:
            raise PolicyError(f"{head}：期限须自起算日往后计，不能写“提前”；如 \"{-period.n}个工作日\"")
    return value


def _check_period(key: str, value: Any, head: str) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        n = value if value > 0 else 5
        raise PolicyError(f"{head}：期限须写成带引号的文字，写作 \"{n}个工作日\" 或 \"{n}日\"")
    if not isinstance(value, str):
        raise PolicyError(f"{head}：期限须写成带引号的文字，如 \"5个工作日\"、\"一周\"、\"每月最后1个工作日\"")
    try:
        return parse_period(value)
    except ValueError as exc:
        raise PolicyError(f"设置 {key}：{exc}") from None


def _document_with_dates(doc: SourceDocument, issued: Any) -> SourceDocument:
    if issued in (None, ""):
        return doc
    if isinstance(issued, str):
        try:
            issued = date.fromisoformat(issued)
        except ValueError:
            raise PolicyError(f"设置 issued = '{issued}' 不是日期；请写 YYYY-MM-DD") from None
    expires = doc.expires
    if doc.trial_months:  # 试行期N个月: the last day is the day before the same date N months on
        expires = add_months(issued, doc.trial_months) - timedelta(days=1)
    return attrs.evolve(doc, issued=issued, effective=doc.effective or issued, expires=expires)


def _period_setting(value: Any, key: str) -> Period:
    if isinstance(value, str):
        try:
            return parse_period(value)
        except ValueError as exc:
            raise PolicyError(f"设置 {key}：{exc}") from None
    return value


def _setting_value(values: Mapping[str, Any], key: str | None, jid: str, where: str) -> Any:
    if key is None:
        return None
    if key not in values:
        raise PolicyError(f"{jid}: {where} reads unknown setting '{key}'; declare it in ducha_settings")
    return values[key]


def _resolve_trigger(trigger: Any, values: Mapping[str, Any], jid: str, rule: str) -> Any:
    """A trigger with the settings it names read (once, when the policy is compiled); checks that
    a consequence after an event says when it is due."""
    if isinstance(trigger, Overdue):
        changes: dict[str, Any] = {}
        if trigger.repeat_setting:
            value = _setting_value(values, trigger.repeat_setting, jid, f"escalation '{rule}'")
            changes["repeat"] = _period_setting(value, trigger.repeat_setting) if value else None
        if trigger.chase_wait_setting:
            value = _setting_value(values, trigger.chase_wait_setting, jid, f"escalation '{rule}'")
            changes["chase_wait"] = _period_setting(value, trigger.chase_wait_setting) if value else None
        if trigger.chased_setting:
            value = _setting_value(values, trigger.chased_setting, jid, f"escalation '{rule}'")
            try:
                changes["chased"] = int(value or 0)
            except (TypeError, ValueError):
                raise PolicyError(f"设置 {trigger.chased_setting} = {value!r}：请写催办次数（整数，0 = 不提出）") from None
            if changes["chased"] < 0:
                raise PolicyError(f"设置 {trigger.chased_setting} = {value!r}：请写 0 或更大的整数")
        return attrs.evolve(trigger, **changes) if changes else trigger
    if isinstance(trigger, After):
        if (trigger.obligation is None) == (not trigger.at_once):
            raise PolicyError(
                f"{jid}: escalation '{rule}' after '{trigger.action}' must say when it is due: the obligation the step"
                " created (obligation=…) or at_once=True where the document says to act at once")
    return trigger


def _resolve_step(step: Any, values: Mapping[str, Any], jid: str) -> Any:
    trigger = _resolve_trigger(step.trigger, values, jid, step.id)
    return attrs.evolve(step, trigger=trigger) if trigger is not step.trigger else step


def _merge(mappings) -> dict:
    merged: dict = {}
    for mapping in mappings:
        merged.update(mapping or {})
    return merged


def _collect(caller_list) -> list:
    items: list = []
    for result in caller_list:
        if result:
            items.extend(result)
    return items


def build_policy(plugins, jurisdiction_id: str, settings: Mapping[str, Any] | None = None) -> Policy:
    """Call the jurisdiction's policy hooks once and compile them. ``plugins`` is a
    ``ducha_core.plugins.Plugins``; ``settings`` are the deployment's overrides."""
    info = plugins.info(jurisdiction_id)
    jurisdiction = info.jurisdiction
    if jurisdiction.extends:
        base = build_policy(plugins, jurisdiction.extends)
        return _extend(base, plugins, jurisdiction, settings or {})

    def call(name: str):
        return plugins.subset_caller(name, [jurisdiction_id])()

    procedure = call("ducha_procedure")
    if procedure is None:
        raise PolicyError(f"{jurisdiction_id}: the plugin returns no procedure (implement ducha_procedure)")
    parts = dict(
        kinds=_collect(call("ducha_matter_kinds")),
        roles=_collect(call("ducha_roles")),
        procedure=procedure,
        time_limits=_collect(call("ducha_time_limits")),
        extension_rules=_collect(call("ducha_extension_rules")),
        escalation=_collect(call("ducha_escalation_ladder")),
        grading=call("ducha_grading_scheme"),
        cycles=_collect(call("ducha_reporting_cycles")),
        approvals=_collect(call("ducha_approvals")),
        convention=call("ducha_counting_convention") or DEFAULT_CONVENTION,
        setting_defs=_collect(call("ducha_settings")),
        template_dirs=[Path(p) for p in _collect(call("ducha_template_dirs"))],
        articles=_collect(call("ducha_articles")),
        field_names=_merge(call("ducha_field_names")),
    )
    return assemble(jurisdiction, parts, settings or {}, lineage=(jurisdiction_id,))


def _extend(base: Policy, plugins, jurisdiction: Jurisdiction, settings: Mapping[str, Any]) -> Policy:
    """A plugin that extends another: its rules replace the base's rules with the same id."""

    def call(name: str):
        return plugins.subset_caller(name, [jurisdiction.id])()

    def overlay(base_items, new_items):
        merged = {item.id: item for item in base_items}
        merged.update({item.id: item for item in new_items or ()})
        return list(merged.values())

    parts = base_parts(base)
    parts["kinds"] = overlay(parts["kinds"], _collect(call("ducha_matter_kinds")))
    parts["roles"] = overlay(parts["roles"], _collect(call("ducha_roles")))
    parts["procedure"] = call("ducha_procedure") or base.procedure
    for key, hook in (
        ("time_limits", "ducha_time_limits"),
        ("extension_rules", "ducha_extension_rules"),
        ("escalation", "ducha_escalation_ladder"),
        ("cycles", "ducha_reporting_cycles"),
        ("approvals", "ducha_approvals"),
        ("articles", "ducha_articles"),
    ):
        parts[key] = overlay(parts[key], _collect(call(hook)))
    parts["grading"] = call("ducha_grading_scheme") or base.grading
    parts["convention"] = call("ducha_counting_convention") or base.convention
    own_settings = _collect(call("ducha_settings"))
    parts["setting_defs"] = [s for s in parts["setting_defs"] if s.key not in {o.key for o in own_settings}] + own_settings
    parts["template_dirs"] = [Path(p) for p in _collect(call("ducha_template_dirs"))] + parts["template_dirs"]
    parts["field_names"] = {**parts["field_names"], **_merge(call("ducha_field_names"))}
    return assemble(jurisdiction, parts, settings, lineage=(*base.lineage, jurisdiction.id))


def base_parts(policy: Policy) -> dict[str, Any]:
    """The raw parts of a compiled policy, as ``assemble`` takes them (for variants and extensions)."""
    return dict(
        kinds=list(policy.kinds.values()),
        roles=list(policy.roles.values()),
        procedure=policy.procedure,
        time_limits=list(policy.time_limits),
        extension_rules=list(policy.extension_rules),
        escalation=list(policy.escalation),
        grading=policy.grading,
        cycles=list(policy.cycles),
        approvals=list(policy.approvals),
        convention=policy.convention,
        setting_defs=[s for k, s in policy.setting_defs.items() if k not in {c.key for c in CORE_SETTINGS}],
        template_dirs=list(policy.template_dirs),
        articles=list(policy.articles),
        field_names=dict(policy.field_names),
    )


def assemble(
    jurisdiction: Jurisdiction, parts: dict[str, Any], settings: Mapping[str, Any], lineage: tuple[str, ...]
) -> Policy:
    """Validate the parts of a policy and build its lookup tables."""
    jid = jurisdiction.id
    if (knocked := knockout_for(jid)) is not None:  # the traceability check (ducha_core.knockout)
        from ducha_core.knockout import assemble_without

        return assemble_without(knocked, jurisdiction, parts, settings, lineage)
    procedure: Procedure = parts["procedure"]
    core_steps = (SET_DEADLINE_CITATION_ARTICLE, DISMISS_CITATION_ARTICLE, CORRECT_CITATION_ARTICLE,
                  WITHDRAW_CITATION_ARTICLE)
    if any(t.citation.article in core_steps for t in procedure.transitions):
        # the core's own steps from an earlier compilation (a variant of a compiled policy): made anew below
        procedure = attrs.evolve(procedure, transitions=tuple(
            t for t in procedure.transitions if t.citation.article not in core_steps))
    kinds = _check_unique(parts["kinds"], "matter kinds", jid)
    for kind in kinds.values():
        if kind.core_kind not in CORE_KINDS:
            raise PolicyError(f"{jid}: matter kind '{kind.id}' maps onto unknown core kind '{kind.core_kind}'; use one of {', '.join(CORE_KINDS)}")
    roles: dict[str, Role] = _check_unique(parts["roles"], "roles", jid)
    states: dict[str, State] = _check_unique(procedure.states, "states", jid)
    if procedure.initial not in states:
        raise PolicyError(f"{jid}: the procedure's initial state '{procedure.initial}' is not one of its states")
    transitions: dict[tuple[str, str], Transition] = {}
    for t in procedure.transitions:
        for role in t.roles:
            if role not in roles:
                raise PolicyError(f"{jid}: transition '{t.action}' names unknown role '{role}'; roles: {', '.join(roles)}")
        if t.target is not None and t.target not in states:
            raise PolicyError(f"{jid}: transition '{t.action}' leads to unknown state '{t.target}'")
        for source in t.sources:
            if source != "*" and source not in states:
                raise PolicyError(f"{jid}: transition '{t.action}' starts from unknown state '{source}'")
            if (source, t.action) in transitions:
                raise PolicyError(f"{jid}: two transitions for action '{t.action}' in state '{source}'")
            transitions[(source, t.action)] = t
    time_limits = tuple(parts["time_limits"])
    _check_unique(time_limits, "time limits", jid)
    for limit in time_limits:
        for kind in limit.kinds:
            if kind != "*" and kind not in kinds:
                raise PolicyError(f"{jid}: time limit '{limit.id}' names unknown matter kind '{kind}'")
    for step in parts["escalation"]:
        if step.proposes not in ACTIONS and not any(t.action == step.proposes for t in procedure.transitions):
            raise PolicyError(f"{jid}: escalation step '{step.id}' proposes unknown action '{step.proposes}'")
    _check_unique(parts["escalation"], "escalation steps", jid)
    _check_unique(parts["cycles"], "reporting cycles", jid)
    _check_unique(parts["approvals"], "approval rules", jid)
    setting_defs = _typed_settings((*CORE_SETTINGS, *parts["setting_defs"]), {**parts, "procedure": procedure}, jid)
    values = _apply_settings(jurisdiction, setting_defs, settings)
    # a time limit whose period a setting governs takes the setting's value
    resolved_limits = tuple(
        attrs.evolve(t, period=_period_setting(values[t.setting], t.setting))
        if t.setting and t.setting in values and values[t.setting] is not None
        else t
        for t in time_limits
    )
    # a reporting cycle whose due day a setting governs takes the setting's value
    resolved_cycles = tuple(
        attrs.evolve(c, due=_period_setting(values[c.setting], c.setting))
        if c.setting and c.setting in values and values[c.setting] is not None
        else c
        for c in parts["cycles"]
    )
    for limit in resolved_limits:
        if limit.anchor_setting and limit.anchor_setting not in values:
            raise PolicyError(f"{jid}: time limit '{limit.id}' reads unknown setting '{limit.anchor_setting}'")
        anchor = values.get(limit.anchor_setting) if limit.anchor_setting else limit.anchor
        if anchor not in ("assigned", "registered", "received", "meeting", None):
            raise PolicyError(f"{jid}：设置 {limit.anchor_setting} = '{anchor}'：请写 assigned（交办）、received（收到）、"
                              "registered（立项）或 meeting（会议召开）")
    # a period a step sets (约谈 → 书面整改方案 within a setting's period) takes the setting's value
    steps = []
    for t in procedure.transitions:
        owes = tuple(attrs.evolve(o, period=_period_setting(values[o.setting], o.setting))
                     if o.setting and values.get(o.setting) else o for o in t.obliges)
        for o in owes:
            if o.period is None and not o.date_field:
                raise PolicyError(f"{jid}: step '{t.action}' owes '{o.name}' with neither a period nor a date field")
        steps.append(attrs.evolve(t, obliges=owes) if owes != t.obliges else t)
    if any(new is not old for new, old in zip(steps, procedure.transitions, strict=True)):
        replaced = {id(old): new for old, new in zip(procedure.transitions, steps, strict=True)}
        transitions = {key: replaced.get(id(t), t) for key, t in transitions.items()}
        procedure = attrs.evolve(procedure, transitions=tuple(steps))
    escalation = tuple(_resolve_step(step, values, jid) for step in sorted(parts["escalation"], key=lambda s: s.level))
    grading = parts["grading"]
    if grading is not None:
        grading = attrs.evolve(
            grading,
            rules=tuple(attrs.evolve(r, trigger=_resolve_trigger(r.trigger, values, jid, r.id)) for r in grading.rules),
            deductions=tuple(attrs.evolve(d, trigger=_resolve_trigger(d.trigger, values, jid, d.id))
                             for d in grading.deductions))
    if values.get("year_window") not in ("calendar", "rolling"):
        raise PolicyError(f"{jid}：设置 year_window = '{values.get('year_window')}'：请写 calendar（自然年）或 rolling（连续12个月）")
    if values.get("dismissal") not in ("office", "none"):
        raise PolicyError(f"{jid}：设置 dismissal = '{values.get('dismissal')}'：请写 office（督查室可不予处理）或 none（不允许）")
    office_roles = tuple(r.id for r in roles.values() if r.scope == "office")
    if values["dismissal"] == "office" and office_roles and escalation and \
            not any(t.action == "dismiss" for t in procedure.transitions):
        t = Transition("dismiss", ("*",), None, office_roles,
                       Citation(jid, DISMISS_CITATION_ARTICLE, "督查室对规则提出的升级建议写明理由后决定不予处理"),
                       "不予处理（升级建议）", requires=("step", "reason"))
        procedure = attrs.evolve(procedure, transitions=(*procedure.transitions, t))
        transitions.setdefault(("*", "dismiss"), t)
    mode = values.get("deadline_correction")
    if mode not in ("leader_approval", "office", "none"):
        raise PolicyError(f"{jid}：设置 deadline_correction = '{mode}'：请写 leader_approval（经领导批准）、office（督查室）或 none（不允许）")
    if mode != "none" and not any(t.action == "set_deadline" for t in procedure.transitions):
        office_roles = tuple(r.id for r in roles.values() if r.scope == "office")
        running = tuple(s.id for s in states.values() if s.clock_running)
        if office_roles and running:
            t = Transition(
                "set_deadline", running, None, office_roles,
                Citation(jid, SET_DEADLINE_CITATION_ARTICLE,
                         "文件未规定延期程序的事项，督查室写明理由" + ("并经领导批准" if mode == "leader_approval" else "")
                         + "后另定办理时限"),
                "另定办理时限", requires=("until", "reason"),
            )
            procedure = attrs.evolve(procedure, transitions=(*procedure.transitions, t))
            for source in running:
                transitions.setdefault((source, "set_deadline"), t)
    procedure, states = _ledger_steps(jid, procedure, states, transitions, roles)
    jurisdiction = attrs.evolve(jurisdiction, document=_document_with_dates(jurisdiction.document, values.get("issued")))
    return Policy(
        jurisdiction=jurisdiction,
        kinds=kinds,
        roles=roles,
        procedure=procedure,
        states=states,
        transitions=transitions,
        time_limits=resolved_limits,
        extension_rules=tuple(parts["extension_rules"]),
        escalation=escalation,
        grading=grading,
        cycles=resolved_cycles,
        approvals=tuple(parts["approvals"]),
        convention=parts["convention"],
        settings=values,
        setting_defs=setting_defs,
        template_dirs=tuple(parts["template_dirs"]),
        articles=tuple(parts["articles"]),
        field_names={**FIELD_NAMES, **parts.get("field_names", {})},
        lineage=lineage,
    )


def _ledger_steps(jid: str, procedure: Procedure, states: dict[str, State],
                  transitions: dict[tuple[str, str], Transition], roles: dict[str, Role]):
    """The core's ledger steps for the office: 更正 (correct a title, source or kind, with a reason)
    and 撤销 (withdraw a matter registered by mistake: the terminal state ``withdrawn``)."""
    office_roles = tuple(r.id for r in roles.values() if r.scope == "office")
    if not office_roles:
        return procedure, states
    added = []
    if not any(t.action == "correct" for t in procedure.transitions):
        t = Transition("correct", ("*",), None, office_roles,
                       Citation(jid, CORRECT_CITATION_ARTICLE, "督查室写明理由后更正事项名称、来源或类别，原值保留在记录中"),
                       "更正", requires=("reason",))
        added.append(t)
        transitions.setdefault(("*", "correct"), t)
    if not any(t.action == "withdraw" for t in procedure.transitions):
        if WITHDRAWN not in states:
            states = {**states, WITHDRAWN: State(WITHDRAWN, "已撤销", terminal=True)}
            procedure = attrs.evolve(procedure, states=(*procedure.states, states[WITHDRAWN]))
        # a matter registered (or applied for) by mistake, also once it has been assigned: the states a
        # registration leads to, and those an assignment leads to from them
        registered = {t.target for t in procedure.transitions
                      if t.action in ("register", "apply") and t.target and not states[t.target].terminal}
        assigned = {t.target for t in procedure.transitions if t.action == "assign" and t.target
                    and set(t.sources) & registered and not states[t.target].terminal}
        sources = tuple(sorted(registered | assigned)) or (procedure.initial,)
        t = Transition("withdraw", sources, WITHDRAWN, office_roles,
                       Citation(jid, WITHDRAW_CITATION_ARTICLE, "误登记的事项，督查室写明理由后撤销，不计入统计"),
                       "撤销", requires=("reason",))
        added.append(t)
        for source in sources:
            transitions.setdefault((source, "withdraw"), t)
    if added:
        procedure = attrs.evolve(procedure, transitions=(*procedure.transitions, *added))
    return procedure, states


# --- knock-out (the traceability check, ``ducha_core.knockout``) -------------------------------------

#: "ID:RULE" (e.g. "ankang:setting:chase_every"): while set, ``assemble`` compiles jurisdiction ID with
#: rule RULE removed or neutralised (``ducha_core.knockout.assemble_without``), so ``load_policy`` and
#: ``build_policy`` both give the knocked-out policy, in this process and in any subprocess it starts.
#: Unset (the normal case) changes nothing. ``load_policy`` caches per value.
KNOCKOUT_ENV = "DUCHA_KNOCKOUT"
#: True while ``assemble_without`` compiles the knocked-out parts (the hook does not apply twice)
KNOCKOUT_APPLYING: ContextVar[bool] = ContextVar("ducha_knockout_applying", default=False)


def knockout_for(jurisdiction_id: str) -> str | None:
    """The rule id ``$DUCHA_KNOCKOUT`` knocks out of ``jurisdiction_id``, or None."""
    spec = os.environ.get(KNOCKOUT_ENV)
    if not spec or KNOCKOUT_APPLYING.get():
        return None
    jid, _, rule = spec.partition(":")
    return rule if jid == jurisdiction_id and rule else None


@functools.lru_cache(maxsize=64)
def _cached(jurisdiction_id: str, settings_key: tuple, knockout: str | None = None) -> Policy:
    from ducha_core.plugins import default_plugins

    return build_policy(default_plugins(), jurisdiction_id, dict(settings_key))


def load_policy(jurisdiction_id: str, settings: Mapping[str, Any] | None = None) -> Policy:
    """The compiled policy of an installed jurisdiction (compiled once per process and settings)."""
    key = tuple(sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in (settings or {}).items()))
    try:
        hash(key)
    except TypeError:  # a table (finding_types = { … }) or a nested list: compiled each time
        from ducha_core.plugins import default_plugins

        return build_policy(default_plugins(), jurisdiction_id, settings)
    return _cached(jurisdiction_id, key, os.environ.get(KNOCKOUT_ENV))
