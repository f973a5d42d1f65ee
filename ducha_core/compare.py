"""Compare jurisdictions (各辖区政策对比): every policy dimension side by side, each cell cited.

``compare_policies(policies)`` builds one table: rows are the dimensions (procedure steps with the
document's names, time limits per matter kind, extension rules, reporting cycles, escalation
ladder, grading scale, roles, approvals, counting convention), one column per jurisdiction; each
cell holds items ``(text, citation)`` and a cell with none is marked ``SILENT`` (the document says
nothing). ``compare_scenario(scenario, policies)`` runs one scenario through each and lays the
results side by side, naming for each row that differs the rule that makes it differ.

Renderers: ``render(table, fmt)`` with fmt in table | markdown | html | csv | json.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from ducha_core.events import ACTIONS
from ducha_core.kinds import CORE_KINDS

SILENT = "—（文件未规定）"
FORMATS = ("table", "markdown", "html", "csv", "json")

SCOPE_NAMES = {"office": "督查机构", "unit": "承办单位", "leader": "领导", "inspector": "督查员", "other": "其他"}
WHAT_NAMES = {"result": "办理结果", "answer": "答复", "plan": "办理方案", "progress": "进展"}
EVERY_NAMES = {"week": "每周", "month": "每月", "quarter": "每季度", "year": "每年"}


@attrs.define
class Cell:
    """What one jurisdiction says on one dimension: items of (text, citation)."""

    items: list[tuple[str, str]] = attrs.field(factory=list)
    rule: str = ""  # the rule responsible (scenario comparison)

    @property
    def value(self) -> str:
        return "；".join(t for t, _c in self.items) if self.items else SILENT

    def text(self) -> str:
        if not self.items:
            return SILENT
        return "；".join(f"{t}〔{c}〕" if c else t for t, c in self.items)

    def to_json(self) -> Any:
        return {"value": self.value if self.items else None, "silent": not self.items, "rule": self.rule or None,
                "items": [{"text": t, "citation": c or None} for t, c in self.items]}


@attrs.define
class Row:
    section: str
    label: str
    cells: dict[str, Cell]
    reasons: list[str] = attrs.field(factory=list)

    @property
    def differs(self) -> bool:
        return len({c.value for c in self.cells.values()}) > 1


@attrs.define
class Table:
    title: str
    columns: list[tuple[str, str]]  # (id, name)
    rows: list[Row]
    notes: list[str] = attrs.field(factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "silent_mark": SILENT,
            "columns": [{"id": i, "name": n} for i, n in self.columns],
            "rows": [
                {"section": r.section, "label": r.label, "differs": r.differs, "reasons": r.reasons,
                 "cells": {jid: r.cells[jid].to_json() for jid, _n in self.columns}}
                for r in self.rows
            ],
            "notes": self.notes,
        }


def _art(citation) -> str:
    return citation.article if citation else ""


class _Builder:
    def __init__(self, policies: Sequence):
        self.policies = list(policies)
        self.rows: list[Row] = []

    def add(self, section: str, label: str, per_policy) -> None:
        cells = {}
        for p in self.policies:
            items = [i for i in per_policy(p) if i]
            cells[p.id] = Cell(items)
        self.rows.append(Row(section, label, cells))


def compare_policies(policies: Sequence) -> Table:
    """Every policy dimension of ``policies``, one column each."""
    b = _Builder(policies)

    # --- the documents -------------------------------------------------------------------------
    def document(p):
        d = p.jurisdiction.document
        extra = f"（{d.number}）" if d.number else "（无文号）"
        return [(f"《{d.title}》{extra}", d.issuer)]

    b.add("依据文件", "文件", document)
    b.add("依据文件", "印发/施行", lambda p: [(
        f"{p.jurisdiction.document.issued or '未载明印发日期'}" + (f"，{p.jurisdiction.document.trial}" if p.jurisdiction.document.trial else ""),
        "")])
    b.add("依据文件", "派生自", lambda p: [(" → ".join(p.lineage), "")] if len(p.lineage) > 1 else [])

    # --- roles ---------------------------------------------------------------------------------
    for scope, name in SCOPE_NAMES.items():
        b.add("角色", name, lambda p, scope=scope: [(r.name, _art(r.citation)) for r in p.roles.values() if r.scope == scope])

    # --- kinds ---------------------------------------------------------------------------------
    for core, name in CORE_KINDS.items():
        b.add("督查事项类别", name,
              lambda p, core=core: [(k.name, _art(k.citation)) for k in p.kinds.values() if k.core_kind == core])

    # --- procedure -----------------------------------------------------------------------------
    b.add("工作程序", "状态", lambda p: [(" → ".join(s.name for s in p.procedure.states), _art(p.procedure.citation))])
    actions = list(ACTIONS)
    for p in policies:
        actions += [t.action for t in p.procedure.transitions if t.action not in actions]

    def step(p, action):
        out = []
        for t in p.procedure.transitions:
            if t.action != action:
                continue
            roles = "、".join(p.roles[r].name for r in t.roles if r in p.roles)
            req = f"；须具备{'、'.join(p.field_names.get(f, f) for f in t.requires)}" if t.requires else ""
            item = (f"{t.name or ACTIONS.get(action, action)}（{roles}{req}）", _art(t.citation))
            if item not in out:
                out.append(item)
        return out

    for action in actions:
        b.add("工作程序", f"{ACTIONS.get(action, action)}（{action}）", lambda p, action=action: step(p, action))

    # --- time limits ---------------------------------------------------------------------------
    def limits(p, core):
        out = []
        for k in p.kinds.values():
            if k.core_kind != core:
                continue
            for t in p.limits_for(k.id):
                text = f"{t.name}：{t.period.describe()}（{WHAT_NAMES.get(t.what, t.what)}）"
                if t.max_period:
                    text += f"，最长{t.max_period.describe()}"
                if t.reading:
                    text += f"；解读：{t.reading}"
                item = (text, _art(t.citation))
                if item not in out:
                    out.append(item)
        return out

    for core, name in CORE_KINDS.items():
        b.add("办理时限", name, lambda p, core=core: limits(p, core))

    # --- extensions ----------------------------------------------------------------------------
    def extensions(p):
        out = []
        for r in p.extension_rules:
            parts = ["期限届满前申请" if r.ask_before_deadline else "可在期限后申请"]
            if r.requires:
                parts.append("说明" + "、".join(p.field_names.get(f, f) for f in r.requires))
            if r.granted_by:
                parts.append("由" + "、".join(p.roles[g].name if g in p.roles else g for g in r.granted_by) + "同意")
            if r.filed_with_office:
                parts.append("报督查机构备案")
            if r.max_period:
                parts.append(f"最长{r.max_period.describe()}")
            kinds = "全部事项" if "*" in r.kinds else "、".join(p.kinds[k].name if k in p.kinds else k for k in r.kinds)
            out.append((f"{kinds}：{'，'.join(parts)}", _art(r.citation)))
        return out

    b.add("延期", "延期规则", extensions)

    # --- reporting cycles ----------------------------------------------------------------------
    for every, name in EVERY_NAMES.items():
        b.add("周期报送", name, lambda p, every=every: [
            (f"{c.name}：{c.due.describe()}" + (f"（{c.reading}）" if c.reading else ""), _art(c.citation))
            for c in p.cycles if c.every == every])

    # --- escalation ----------------------------------------------------------------------------
    depth = max((len(p.escalation) for p in policies), default=0)
    for n in range(depth):
        b.add("升级处理", f"第{n + 1}级", lambda p, n=n: [_step(p, p.escalation[n])] if n < len(p.escalation) else [])

    # --- grading -------------------------------------------------------------------------------
    b.add("评价等次", "等次", lambda p: [("、".join(p.grading.grades), _art(p.grading.citation))]
          if p.grading and p.grading.grades else [])
    b.add("评价等次", "通报表扬的等次", lambda p: [("、".join(p.grading.praise_grades), _art(p.grading.citation))]
          if p.grading and p.grading.praise_grades else [])
    b.add("评价等次", "直接认定等次", lambda p: [
        (f"{_trigger(p, r.trigger)} → {r.grade}", _art(r.citation)) for r in (p.grading.rules if p.grading else ())])
    b.add("评价等次", "考核扣分", lambda p: [
        (f"{d.name}（{_trigger(p, d.trigger)}；{_points(p, d)}）", _art(d.citation))
        for d in (p.grading.deductions if p.grading else ())])

    # --- approvals -----------------------------------------------------------------------------
    subjects: list[str] = []
    for p in policies:
        subjects += [a.subject for a in p.approvals if a.subject not in subjects]
    for subject in subjects:
        b.add("审批", ACTIONS.get(subject, subject), lambda p, subject=subject: [
            (f"{a.name}：由{'、'.join(p.roles[r].name if r in p.roles else r for r in a.approver_roles)}审批"
             + (f"，提前{a.advance.describe()}" if a.advance else "") + (f"，报{a.filed_with}备案" if a.filed_with else ""),
             _art(a.citation)) for a in p.approvals if a.subject == subject])

    # --- counting --------------------------------------------------------------------------------
    def convention(p):
        c = p.convention
        text = ("开始当日不计入" if c.exclude_start_day else "开始当日计入") + "，" + (
            "期满日为休息日的顺延" if c.roll_forward else "期满日不顺延")
        return [(text, f"{c.citation.jurisdiction} {c.citation.article}" if c.citation.jurisdiction not in (p.id,) else c.citation.article)]

    b.add("期限计算", "计算规则", convention)

    rows = [r for r in b.rows if any(c.items for c in r.cells.values())]
    table = Table("各辖区督查政策对比", [(p.id, p.jurisdiction.name) for p in policies], rows)
    table.notes.append(f"「{SILENT}」表示该辖区文件对此未作规定；〔〕内为所依据的条款。")
    return table


def _step(p, s) -> tuple[str, str]:
    return f"{s.name}（{_trigger(p, s.trigger)} → {p.action_name(s.proposes)}）", _art(s.citation)


def _points(p, d) -> str:
    points = p.settings.get(d.setting) if d.setting else None
    points = points if points is not None else d.points
    return f"{points}分" if points is not None else "分值未规定"


def _match_text(p, match: dict) -> str:
    """The data a trigger's event must carry, in words: （通报批评）, （突出问题）, （long_delay）."""
    from ducha_core.escalation import TYPE_NAMES

    parts = []
    for key, value in match.items():
        if value is True:
            parts.append(p.field_names.get(key, key))
        elif key == "type":
            names = p.settings.get("finding_types") if isinstance(p.settings.get("finding_types"), dict) else {}
            parts.append(TYPE_NAMES.get(value) or str(names.get(value, value)).split("（")[0])
        else:
            parts.append(f"{p.field_names.get(key, key)}={value}")
    return f"（{'、'.join(parts)}）" if parts else ""


def _trigger(p, trigger) -> str:
    from ducha_core.obligations import WHAT_NAMES
    from ducha_core.rules import After, CountInYear, Overdue, UnitGrade

    match trigger:
        case CountInYear(action=action, threshold=n, match=match, repeat=repeat):
            what = p.action_name(action)
            if match.get("type") == "criticism":
                what = "通报批评"
            elif match.get("type") == "praise":
                what = "通报表扬"
            return f"一年内{what}{n}次" + ("及以上（每次）" if repeat else "")
        case Overdue(by_workdays=by, what=whats, include_late=late, repeat=repeat, chased=chased):
            names = "、".join(WHAT_NAMES.get(w, w) for w in whats)
            text = f"{names}逾期" + (f"超过{by}个工作日" if by else "") + ("（含逾期后报送）" if late else "")
            if chased:
                text += f"，经催办{chased}次仍未报送"
            if repeat:
                text += f"，每{repeat.describe()}再催"
            return text
        case After(action=action, match=match, obligation=obligation, at_once=at_once, unmet_only=unmet_only):
            what = p.action_name(action) + _match_text(p, match)
            if at_once:
                return f"每次{what}（即时）"
            tail = "仍未完成" if unmet_only else "逾期未完成（含逾期后完成）"
            return f"{what}后，{WHAT_NAMES.get(obligation, obligation)}{tail}"
        case UnitGrade(grade=grade):
            return f"年度等次为“{grade}”"
    return str(trigger)


# -------------------------------------------------------------------------------------------------
# A scenario side by side
# -------------------------------------------------------------------------------------------------


def compare_scenario(scenario, policies: Sequence, as_of: date | None = None, calendar=None) -> Table:
    """One scenario run through each policy: per matter the deadline, state, light, reminders due;
    per unit the escalations, forced grades and deductions; each differing row names its rules."""
    from ducha_core.scenario import run

    snaps = {p.id: run(scenario, p, as_of, calendar) for p in policies}
    rows: list[Row] = []

    def row(section: str, label: str, cells: dict[str, Cell]) -> None:
        r = Row(section, label, cells)
        if r.differs:
            r.reasons = [f"{jid}: {c.rule}" for jid, c in cells.items() if c.rule]
        rows.append(r)

    for mid, meta in scenario.matters.items():
        sec = f"事项 {mid}「{meta['title']}」"
        kind_cells, due_cells, state_cells, light_cells, remind_cells, refused_cells, step_cells = ({} for _ in range(7))
        for jid, snap in snaps.items():
            p = snap.policy
            view = snap.matters[mid]
            s = view.state
            if s is None:
                for d in (kind_cells, due_cells, state_cells, light_cells, remind_cells):
                    d[jid] = Cell([(view.note or "不适用", "")], rule=view.note)
            else:
                kind = p.kinds[s.kind]
                kind_cells[jid] = Cell([(kind.name, _art(kind.citation))], rule=f"kind {kind.id}（{_art(kind.citation)}）")
                if s.due is not None:
                    text = s.due.date_text + f"（{s.due.name}，{s.due.period}）"
                    due_cells[jid] = Cell([(text, _art(s.due.citation))],
                                          rule=f"{s.due.rule}（{s.due.citation}）" if s.due.citation else s.due.rule)
                else:
                    due_cells[jid] = Cell([], rule="文件未规定此类事项的期限")
                state_cells[jid] = Cell([(view.state_name, "")], rule=f"程序（{_art(p.procedure.citation)}）")
                light_cells[jid] = Cell([(_LIGHT.get(view.light, view.light), "")],
                                        rule=f"{s.due.rule}（{_art(s.due.citation)}）" if s.due else "")
                remind_cells[jid] = Cell([(view.reminder_due or "否", "")],
                                         rule=f"warning_window={p.settings.get('warning_window')}")
            mine = [a for a in snap.applied if a.step.matter == mid]
            refused = [(f"{a.step.on} {a.step.label}：{a.refused}", "") for a in mine if a.refused]
            refused_cells[jid] = Cell(refused or [("无", "")], rule="；".join(r for r, _ in refused))
            notes = [(n, "") for a in mine for n in a.notes]
            step_cells[jid] = Cell(notes or [("无", "")])
        row(sec, "类别", kind_cells)
        row(sec, "办理期限", due_cells)
        row(sec, "状态", state_cells)
        row(sec, "红黄绿灯", light_cells)
        row(sec, "应催办", remind_cells)
        row(sec, "被拒绝的操作", refused_cells)
        row(sec, "自动补齐", step_cells)

    units = sorted({f.unit or "—" for snap in snaps.values() for f in snap.findings})
    for unit in units:
        for category, label in (("escalation", "升级处理"), ("grade", "直接认定等次"), ("deduction", "考核扣分")):
            cells = {}
            for jid, snap in snaps.items():
                found = [f for f in snap.findings if f.category == category and (f.unit or "—") == unit]
                items = []
                for f in found:
                    text = f"{f.name}" + (f"（{f.matter}）" if f.matter else "") + (f"：{f.reason}" if f.reason else "")
                    item = (text, f.citation.article)
                    if item not in items:
                        items.append(item)
                cells[jid] = Cell(items or [("无", "")], rule="；".join(sorted({f"{f.rule}（{f.citation}）" for f in found}))
                                  or "无触发的规则")
            row(f"单位 {unit}", label, cells)

    cycle_cells = {jid: Cell([(f"{c['name']}：下次 {c['next'] or c['due']}", c["citation"].split("「")[0])
                              for c in snap.cycles] or [("无", "")]) for jid, snap in snaps.items()}
    row("周期报送", "下次报送", cycle_cells)
    day = as_of or scenario.as_of
    table = Table(f"情景「{scenario.name}」截至 {day} 各辖区结果对比",
                  [(p.id, p.jurisdiction.name) for p in policies], rows)
    table.notes.append("「差异原因」列出各辖区产生该结果的规则及条款。")
    return table


_LIGHT = {"green": "绿灯", "yellow": "黄灯（临期）", "red": "红灯（逾期）", "done": "已办结/已报送", "none": "未交办"}


# -------------------------------------------------------------------------------------------------
# Rendering
# -------------------------------------------------------------------------------------------------


def _has_reasons(table: Table) -> bool:
    return any(r.reasons for r in table.rows)


def render(table: Table, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format is one of {', '.join(FORMATS)}")
    return {"table": render_text, "markdown": render_markdown, "html": render_html, "csv": render_csv,
            "json": lambda t: json.dumps(t.to_json(), ensure_ascii=False, indent=2, default=str)}[fmt](table)


def _headers(table: Table) -> list[str]:
    heads = ["方面", "项目", *[f"{name}（{jid}）" for jid, name in table.columns]]
    if _has_reasons(table):
        heads.append("差异原因")
    return heads


def _plain_rows(table: Table) -> list[list[str]]:
    out = []
    for r in table.rows:
        line = [r.section, r.label, *[r.cells[jid].text() for jid, _n in table.columns]]
        if _has_reasons(table):
            line.append("；".join(r.reasons))
        out.append(line)
    return out


def render_text(table: Table) -> str:
    """A terminal listing: one block per dimension, one line per jurisdiction (wide tables of
    Chinese text do not fit a terminal side by side)."""
    lines = [table.title, "=" * 20]
    section = None
    width = max((_width(name) for _jid, name in table.columns), default=4)
    for r in table.rows:
        if r.section != section:
            section = r.section
            lines += ["", f"【{section}】"]
        mark = "  ≠" if r.differs and len(table.columns) > 1 else ""
        lines.append(f"  {r.label}{mark}")
        for jid, name in table.columns:
            lines.append(f"    {name}{' ' * (width - _width(name))}  {r.cells[jid].text()}")
        if r.reasons:
            lines.append(f"    差异原因：{'；'.join(r.reasons)}")
    lines += ["", *table.notes]
    return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_markdown(table: Table) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    heads = _headers(table)
    out = [f"# {table.title}", "", "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for r in table.rows:
        cells = [r.section, r.label]
        for jid, _n in table.columns:
            c = r.cells[jid]
            cells.append("<br>".join(f"{t}〔{ci}〕" if ci else t for t, ci in c.items) if c.items else SILENT)
        if _has_reasons(table):
            cells.append("<br>".join(r.reasons))
        out.append("| " + " | ".join(esc(c) for c in cells) + " |")
    out += ["", *table.notes]
    return "\n".join(out)


def render_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    from ducha_core.csvsafe import csv_cell

    writer.writerow([csv_cell(h) for h in _headers(table)])
    writer.writerows([csv_cell(c) for c in row] for row in _plain_rows(table))
    return buffer.getvalue().rstrip("\n")


def render_html(table: Table) -> str:
    e = html.escape
    heads = "".join(f"<th>{e(h)}</th>" for h in _headers(table))
    body = []
    for r in table.rows:
        cells = [f"<th>{e(r.section)}</th>", f"<th>{e(r.label)}</th>"]
        for jid, _n in table.columns:
            c = r.cells[jid]
            if not c.items:
                cells.append(f'<td class="silent">{e(SILENT)}</td>')
            else:
                inner = "".join(f"<li>{e(t)}" + (f" <cite>{e(ci)}</cite>" if ci else "") + "</li>" for t, ci in c.items)
                cells.append(f"<td><ul>{inner}</ul></td>")
        if _has_reasons(table):
            cells.append("<td>" + "<br>".join(e(x) for x in r.reasons) + "</td>")
        cls = ' class="differs"' if r.differs and len(table.columns) > 1 else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    notes = "".join(f"<p>{e(n)}</p>" for n in table.notes)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(table.title)}</title>
<style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em}}
table{{border-collapse:collapse}} th,td{{border:1px solid #999;padding:.3em .5em;vertical-align:top;text-align:left}}
ul{{margin:0;padding-left:1.1em}} cite{{color:#555;font-style:normal;font-size:.9em}} cite::before{{content:"〔"}} cite::after{{content:"〕"}}
td.silent{{color:#999}} tr.differs th{{background:#fff4d6}}
</style></head><body>
<h1>{e(table.title)}</h1>
<table><thead><tr>{heads}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table>
{notes}
</body></html>"""
