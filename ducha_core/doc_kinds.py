"""The document kinds (公文种类) and their 文号 patterns, without the renderer.

What a deployment file's ``[documents]`` table is checked against (``config``) and what a command
names before it renders anything: the kinds (``DOC_KINDS``), which a jurisdiction has
(``available_kinds``, ``check_kind``) and whether a 文号 pattern is usable (``check_pattern``).
``documents.render`` renders them (and re-exports these names); importing this module loads no
template engine.
"""

from __future__ import annotations

import string
from typing import Any

import attrs

from ducha_core.errors import InputError
from ducha_core.events import ACTIONS


@attrs.frozen
class DocKind:
    id: str
    template: str
    name: str
    subject: str  # matter | period
    #: the procedure step (action) the document serves; the kind exists only where the procedure has it
    step: str


#: the "step" of a kind that exists where the policy grades units or deducts points for the year
GRADING = "grading"

DOC_KINDS: dict[str, DocKind] = {
    k.id: k
    for k in (
        DocKind("assignment", "assignment_notice.md.j2", "督查通知单", "matter", "assign"),
        DocKind("reminder", "reminder_notice.md.j2", "催办通知", "matter", "remind"),
        DocKind("special_report", "special_report.md.j2", "督查专报", "matter", "report_up"),
        DocKind("bulletin", "bulletin.md.j2", "督查通报", "period", "bulletin"),
        DocKind("interview", "interview_notice.md.j2", "约谈通知", "matter", "interview"),
        # 督办令 (Weinan 十六(二) "下达督办令后"; Dazhan 第十四条(十二) 督办通知; Ordos 第十六条 责成落实):
        # where the procedure has the order step
        DocKind("order", "order_notice.md.j2", "督办令", "matter", "order"),
        # 年度考核汇总 for the assessment office, subject a year: where the document carries the year's
        # supervision results into the annual assessment as grades or points (GRADING: Ankang 第十二条(四)
        # 年底前汇总报送市考核办; Weinan 十六(四) 年度目标责任考核中扣减分值; Zhoucun 六(三) 年度考评中予以扣分);
        # the figures of every jurisdiction are in `ducha assessment --year`
        DocKind("assessment", "assessment_summary.md.j2", "年度考核汇总", "period", GRADING),
    )
}
#: the placeholders a 文号 pattern may use: the year and the number within the year
NUMBER_FIELDS = ("year", "n")


def _steps(policy: Any) -> set[str]:
    """The steps of the procedure, and GRADING where the policy grades units or deducts points."""
    steps = {t.action for t in policy.procedure.transitions}
    grading = policy.grading
    if grading is not None and (grading.rules or grading.deductions):
        steps.add(GRADING)
    return steps


def available_kinds(policy: Any) -> list[str]:
    """The document kinds this jurisdiction has: those whose step its procedure provides
    (e.g. ``interview`` 约谈通知 only where the document has a 约谈 step), in ``DOC_KINDS`` order."""
    steps = _steps(policy)
    return [k.id for k in DOC_KINDS.values() if k.step in steps]


def kinds_text(policy: Any) -> str:
    """``督查通知单（assignment）、催办通知（reminder）…``: the kinds available, for messages."""
    return "、".join(f"{DOC_KINDS[k].name}（{k}）" for k in available_kinds(policy)) or "（无）"


def check_kind(policy: Any, kind: str) -> DocKind:
    """The ``DocKind`` for ``kind``; an ``InputError`` (one line) if it is unknown or if this
    jurisdiction's procedure has no step for it, naming the kinds the jurisdiction has."""
    spec = DOC_KINDS.get(kind)
    if spec is None:
        raise InputError(f"unknown document kind '{kind}'; kinds: {', '.join(available_kinds(policy))}")
    if spec.step not in _steps(policy):
        j = policy.jurisdiction
        action = "年度考核（等次或扣分）" if spec.step == GRADING else ACTIONS.get(spec.step, spec.step)
        raise InputError(f"{j.name}《{j.document.title}》未规定{action}环节，没有{spec.name}（{kind}）；"
                         f"本辖区可生成的公文：{kinds_text(policy)}")
    return spec


def check_pattern(pattern: Any) -> str | None:
    """What is wrong with a 文号 pattern (None if it is usable): a string with ``{n}`` and at most
    ``{year}`` besides, e.g. ``渭高督字〔{year}〕{n}号``."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "须为非空文字，如 \"X督字〔{year}〕{n}号\""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        return f"不是可用的格式（{exc}）；请用 {{year}} 和 {{n}}，如 \"X督字〔{{year}}〕{{n}}号\""
    unknown = [f for f in fields if f not in NUMBER_FIELDS]
    if unknown:
        return f"用了 {{{unknown[0]}}}；格式中只能用 {{year}}（年份）和 {{n}}（年内序号）"
    if "n" not in fields:
        return "缺少 {n}（年内序号），如 \"X督字〔{year}〕{n}号\""
    try:
        pattern.format(year=2025, n=1)
    except (ValueError, TypeError) as exc:
        return f"不是可用的格式（{exc}）"
    return None
