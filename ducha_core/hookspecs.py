"""The contract a jurisdiction plugin implements (插件契约).

Every hook is named ``ducha_*``; a function of a plugin whose name starts with ``ducha_`` is taken
as an implementation, and one that matches no hook below is an error when the plugin manager
is built (``check_pending``), not at import time.

A jurisdiction plugin is *policy as data*: its hooks return rule objects from
``ducha_core.rules``, each with the ``Citation`` of the article that states it. The core calls
them once per jurisdiction, when it compiles the ``Policy``; evaluating a matter calls no hook.

Hooks are grouped by concern:

- identity: ``ducha_jurisdiction``
- policy: ``ducha_matter_kinds``, ``ducha_roles``, ``ducha_procedure``, ``ducha_time_limits``,
  ``ducha_extension_rules``, ``ducha_escalation_ladder``, ``ducha_grading_scheme``,
  ``ducha_reporting_cycles``, ``ducha_approvals``, ``ducha_counting_convention``, ``ducha_settings``,
  ``ducha_field_names``
- documents and traceability: ``ducha_template_dirs``, ``ducha_articles``
- side effects: ``ducha_event_recorded``

``docs/plugin_hooks.md`` documents each with an example from one of the five plugins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ducha_core.events import Event
    from ducha_core.model import Jurisdiction
    from ducha_core.periods import CountingConvention
    from ducha_core.policy import Policy
    from ducha_core.rules import (
        ApprovalRule,
        Article,
        EscalationStep,
        ExtensionRule,
        GradingScheme,
        MatterKind,
        Procedure,
        ReportingCycle,
        Role,
        Setting,
        TimeLimit,
    )

PROJECT = "ducha"
HOOK_PREFIX = "ducha_"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -------------------------------------------------------------------------------------------------
# Identity
# -------------------------------------------------------------------------------------------------


@hookspec
def ducha_jurisdiction() -> Jurisdiction:
    """Return the jurisdiction this plugin implements: id, Chinese name, level, source document.

    Called once per plugin when the plugin manager is built, to list what is installed and to
    refuse two plugins with one id. A plugin that only adds templates or side effects to every
    jurisdiction does not implement it.
    """


# -------------------------------------------------------------------------------------------------
# Policy (called once, when a jurisdiction's policy is compiled)
# -------------------------------------------------------------------------------------------------


@hookspec
def ducha_matter_kinds() -> Sequence[MatterKind]:
    """Return the categories of matters the document supervises (督查范围), each mapped onto a core
    kind (``ducha_core.kinds.CORE_KINDS``) or declaring the plugin's own."""


@hookspec
def ducha_roles() -> Sequence[Role]:
    """Return the roles the document names (督查室, 承办单位, 分管领导, 特约督查员 …)."""


@hookspec(firstresult=True)
def ducha_procedure() -> Procedure:
    """Return the procedure (工作程序): states, the initial state and the allowed transitions, each
    with the roles that may perform it. One answer is wanted: the first non-None result is used."""


@hookspec
def ducha_time_limits() -> Sequence[TimeLimit]:
    """Return the time limits (办理时限) per matter kind; a limit with kinds ("*",) applies where no
    more specific one does. The first limit of kind ``result`` or ``answer`` is the unit's."""


@hookspec
def ducha_extension_rules() -> Sequence[ExtensionRule]:
    """Return how a unit asks for an extension (延期): when, with what, granted by whom."""


@hookspec
def ducha_escalation_ladder() -> Sequence[EscalationStep]:
    """Return the escalation ladder: triggers (counts per unit per year, overdue, no progress after
    an order) and what each proposes; ``ducha due`` lists the proposals for the office to confirm."""


@hookspec(firstresult=True)
def ducha_grading_scheme() -> GradingScheme | None:
    """Return the grading scheme (等次, forced grades, deductions), or None if the document has none."""


@hookspec
def ducha_reporting_cycles() -> Sequence[ReportingCycle]:
    """Return the recurring reports (每周/每月/每季度/年底) and when each is due."""


@hookspec
def ducha_approvals() -> Sequence[ApprovalRule]:
    """Return what needs approval first (立项审批, 计划外督查检查, 通报, 约谈 …) and by whom."""


@hookspec(firstresult=True)
def ducha_counting_convention() -> CountingConvention | None:
    """Return how periods are counted, or None for the general rule of Chinese law
    (start day not counted, month ends clamp, a last day on a rest day rolls forward)."""


@hookspec
def ducha_settings() -> Sequence[Setting]:
    """Return the deployment settings: values the document does not state, each with a documented
    default (e.g. the issue date of a document that carries none). A deployment overrides them in
    its ``ducha.toml``."""


@hookspec
def ducha_field_names() -> Mapping[str, str]:
    """Return the Chinese names of the data fields the plugin's own steps require
    (``Transition.requires``), e.g. ``{"task_book": "任务书"}``. They name what is missing in a
    refusal ("缺少任务书"), a matter's history and documents. The core names the common fields
    (文号, 签发人, 公章, 原因, 进展情况 …) itself; a plugin's name for one of those overrides it."""


# -------------------------------------------------------------------------------------------------
# Documents and traceability
# -------------------------------------------------------------------------------------------------


@hookspec
def ducha_template_dirs() -> Sequence[Path]:
    """Return directories of jinja2 templates that override the core's defaults (督查通知单, 催办通知,
    督查专报, 督查通报, 约谈通知 …). Searched before the core's own."""


@hookspec
def ducha_articles() -> Sequence[Article]:
    """Return the traceability table: every article and numbered paragraph of the document, with
    the rule ids and tests that encode it, or why it is not operational."""


# -------------------------------------------------------------------------------------------------
# Side effects
# -------------------------------------------------------------------------------------------------


@hookspec
def ducha_event_recorded(policy: Policy, event: Event) -> None:
    """Called after an event has been appended to a matter's log (e.g. to notify someone).
    The return value is ignored; raising aborts nothing that has been stored."""
