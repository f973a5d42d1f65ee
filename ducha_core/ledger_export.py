"""The ledger as a spreadsheet an office keeps (导出台账): ``ducha ledger --format xlsx --out 台账.xlsx``.

The sheet carries, for each matter, the columns ``ducha import`` reads (类别, 事项名称, 来源, 收到日期,
主办单位, 协办单位, 办理时限, 责任人, 交办日期 — or the headers the deployment's ``[import]`` table
names — and the further fields the jurisdiction's steps up to acceptance require, by their Chinese
names), so an exported ledger imports back into a new ledger as the same matters; then the columns
of the ledger view (状态, 灯, 当前期限, 下一步（由谁）, 逾期记录), which import ignores.

- 办理时限 is the deadline the office *set* at assignment (``--deadline``), blank where the rules
  set it: re-imported, the rules set it again, as they did the first time. 当前期限 is the most
  urgent time limit as of the day the ledger is read.
- Units and people are written by their Chinese names (import reads names or ids); several are
  joined with 、.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ducha_core.importer import columns_for, extra_fields, person_fields, unique_names

#: the ledger-view columns after the import columns
VIEW_HEADERS = ("状态", "灯", "当前期限", "下一步（由谁）", "逾期记录")


def export_headers(config, policy) -> list[str]:
    """编号, the import columns (deployment headers), the further fields the jurisdiction's steps up to
    acceptance require (``importer.extra_fields``: Dazhan 拟办意见、审批人、责任领导 …), then the view
    columns."""
    columns = columns_for(config)
    return ["编号", *columns.values(), *extra_fields(policy).values(), *VIEW_HEADERS]


def export_table(book, rows: Sequence[Any], as_of: date) -> tuple[list[str], list[list[Any]], dict[str, list[list[Any]]] | None]:
    """``(headers, table, sheets)`` for the ledger ``rows`` (``Ledger.rows``) as of ``as_of``.

    ``sheets`` is None, or — for a plugin whose matters name a 专项台账 at registration (Dazhan
    第二十二条 “综合台账+专项台账”) — the 综合台账 with every matter, then one sheet per 专项台账.
    Folds the listed matters only (their registration and assignment data are in their events).
    """
    config, policy = book.config, book.policy
    columns = columns_for(config)
    unit_named, person_named = set(unique_names(config.units).values()), set(unique_names(config.people).values())

    def unit(uid: str) -> str:  # by name, or by id where two units share the name
        return config.unit_name(uid) if uid in unit_named else uid

    def person(pid: str) -> str:
        return config.person_name(pid) if pid in person_named else pid

    extras = extra_fields(policy)
    by_person = person_fields(policy)

    def extra(state, field: str) -> Any:
        value = None
        for event in state.events if state is not None else ():
            if event.data.get(field) not in (None, "", []):
                value = event.data[field]
        if value is not None and field in by_person and isinstance(value, str) and value in config.people:
            return person(value)
        return value
    wanted = {r.id for r in rows}
    states = {s.id: s for s in book.states(as_of=as_of, explain=False) if s.id in wanted}

    def names(units) -> str:
        return "、".join(unit(u) for u in units)

    table: list[list[Any]] = []
    ledgers: dict[str, str] = {}
    for r in rows:
        state = states.get(r.id)
        assign = state.last("assign") if state is not None else None
        first = state.events[0].data if state is not None and state.events else {}
        if first.get("ledger"):
            ledgers[r.id] = str(first["ledger"])
        values: dict[str, Any] = {
            "kind": policy.kinds[r.kind].name if r.kind in policy.kinds else r.kind,
            "title": r.title,
            "source": (state.source if state is not None else "") or None,
            "received": state.received_on if state is not None else r.registered_on,
            "lead_units": names(r.lead_units) or None,
            "co_units": names(r.co_units) or None,
            "deadline": (assign.data.get("deadline") if assign is not None else None) or None,
            "responsible_person": "、".join(person(p) for p in r.responsible.values()) or None,
            "assigned": state.assigned_on if state is not None else None,
        }
        owed = f"（{names(r.owed_by)}）" if r.owed_by else ""
        due = r.due or ("无期限" if r.next_step == "无期限" or (r.owed_by and not r.due) else "")
        table.append([r.id, *(values[f] for f in columns), *(extra(state, f) for f in extras), r.status, r.light_name, due,
                      f"{r.next_step}{owed}", f"曾逾期{r.late_days}个工作日" if r.late_days else ""])
    sheets = None
    if "ledger" in policy.field_names:
        sheets = {"综合台账": table}
        for row, r in zip(table, rows, strict=True):
            if r.id in ledgers:
                sheets.setdefault(ledgers[r.id][:31], []).append(row)
    return export_headers(config, policy), table, sheets
