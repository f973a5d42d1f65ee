"""Import (``ducha import FILE.xlsx|.csv``): register matters from the office's own spreadsheet.

One row a matter: kind, title, source, received date, lead and co units (id or Chinese name),
deadline, responsible person, assignment date. Which header holds which field is ``FIELDS`` (the
default Chinese headers), changed per deployment in ``ducha.toml``::

    [import]
    title = "督办事项"
    lead_units = "牵头单位"

Every row is checked as ``register``/``assign``/``accept`` would check it, by folding it through the
engine in memory, before anything is written; a file with any failing row writes nothing
(``ImportError_`` lists every problem as 第N行「列名」：reason). Then all rows are recorded in one
transaction.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from ducha_core.errors import DuchaError, InputError
from ducha_core.events import Event

#: field -> default header (the order is the order of the dry-run table)
FIELDS: dict[str, str] = {
    "kind": "类别",
    "title": "事项名称",
    "source": "来源",
    "received": "收到日期",
    "lead_units": "主办单位",
    "co_units": "协办单位",
    "deadline": "办理时限",
    "responsible_person": "责任人",
    "assigned": "交办日期",
}
REQUIRED = ("kind", "title")
_SPLIT = re.compile(r"[、,，;；/\s]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@attrs.frozen
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」：{self.reason}" if self.column else f"第{self.row}行：{self.reason}"


class ImportFailed(DuchaError):
    """Rows that do not pass; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) + f"\n共 {len(problems)} 处错误；未导入任何事项")


@attrs.define
class PlannedMatter:
    row: int
    matter_id: str
    #: (action, on, actor, data, column the step's errors are reported under)
    steps: list[tuple[str, date, str, dict[str, Any], str]]
    values: dict[str, Any]


def columns_for(config) -> dict[str, str]:
    return {**FIELDS, **getattr(config, "import_columns", {})}


# --- reading ---------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_table(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of a .xlsx (first sheet) or .csv (UTF-8, BOM allowed): (row number, header -> value);
    the first non-empty row is the header; empty rows are skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}：文件不存在")
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise InputError(f"{path}：无法读取 Excel 文件（{exc}）") from None
        try:
            raw = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    elif suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                raw = [list(r) for r in csv.reader(fh)]
        except UnicodeDecodeError:
            raise InputError(f"{path}：不是 UTF-8 编码的 CSV；请在 Excel 中另存为“CSV UTF-8”") from None
    else:
        raise InputError(f"{path}：只能导入 .xlsx 或 .csv 文件")
    rows = [(n, [_cell(v) for v in r]) for n, r in enumerate(raw, 1)]
    rows = [(n, r) for n, r in rows if any(v is not None for v in r)]
    if not rows:
        raise InputError(f"{path}：文件中没有内容")
    (_, header), data = rows[0], rows[1:]
    names = [str(h) if h is not None else "" for h in header]
    return [(n, {names[i]: v for i, v in enumerate(r) if i < len(names) and names[i]}) for n, r in data]


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value))
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise InputError(f"'{value}' 不是日期；请写 YYYY-MM-DD")


# --- checking --------------------------------------------------------------------------------------


def plan(ledger, path: str | Path, actor: str, today: date) -> list[PlannedMatter]:
    """Read and check every row (nothing written); raises ImportFailed listing every problem."""
    from ducha_core.ledger import _checked_values
    from ducha_core.store import normalize_data

    ledger.person(actor)
    columns = columns_for(ledger.config)
    table = read_table(path)
    if not table:
        raise InputError(f"{path}：只有表头，没有事项")
    header = set().union(*(r.keys() for _, r in table))
    missing = [columns[f] for f in REQUIRED if columns[f] not in header]
    if missing:
        raise InputError(f"{path}：缺少列 {'、'.join(missing)}；表头应为 {'、'.join(columns.values())}"
                         "（或在 ducha.toml 的 [import] 中写明对应的表头）")
    policy, config = ledger.policy, ledger.config
    kinds = {k: k for k in policy.kinds} | {v.name: k for k, v in policy.kinds.items()}
    units = {u: u for u in config.units} | {v.name: k for k, v in config.units.items()}
    people = {p: p for p in config.people} | {v.name: k for k, v in config.people.items()}
    counters: dict[int, int] = {}
    problems: list[Problem] = []
    planned: list[PlannedMatter] = []

    for n, raw in table:
        row_problems: list[Problem] = []

        def bad(field: str, reason: str, n=n, row_problems=row_problems) -> None:
            row_problems.append(Problem(n, columns.get(field, field), reason))

        get = {f: raw.get(columns[f]) for f in FIELDS}
        kind = get["kind"]
        if kind is None:
            bad("kind", "不能为空")
        elif str(kind) not in kinds:
            bad("kind", f"未知的类别 '{kind}'；可用：{'、'.join(f'{k}（{v.name}）' for k, v in policy.kinds.items())}")
        if get["title"] is None:
            bad("title", "不能为空")
        dates: dict[str, date | None] = {}
        for field in ("received", "deadline", "assigned"):
            try:
                dates[field] = _date(get[field]) if get[field] is not None else None
            except InputError as exc:
                bad(field, str(exc))
                dates[field] = None
        picked: dict[str, list[str]] = {}
        for field in ("lead_units", "co_units"):
            picked[field] = []
            for name in _SPLIT.split(str(get[field] or "")):
                if not name:
                    continue
                if name in units:
                    picked[field].append(units[name])
                else:
                    bad(field, f"未知的单位 '{name}'；{config.name} 中的单位："
                               + ("、".join(f"{u.id}（{u.name}）" for u in config.units.values()) or "（无）"))
        person = None
        if get["responsible_person"] is not None:
            person = people.get(str(get["responsible_person"]))
            if person is None:
                bad("responsible_person", f"未知的人员 '{get['responsible_person']}'；{config.name} 中的人员："
                    + ("、".join(f"{p.id}（{p.name}）" for p in config.people.values()) or "（无）"))
        lead_given = bool(get["lead_units"])
        if not lead_given and (get["co_units"] or get["deadline"] or get["assigned"] or person):
            bad("lead_units", "写了协办单位、办理时限、交办日期或责任人的，须写主办单位")
        on = dates["received"] or today
        assigned = dates["assigned"] or on
        for field, day in (("received", dates["received"]), ("assigned", dates["assigned"])):
            if day is not None and day > today:
                bad(field, f"{day} 晚于今天 {today}：不能记录尚未发生的步骤")
        if dates["assigned"] is not None and dates["assigned"] < on:
            bad("assigned", f"交办日期 {dates['assigned']} 早于收到日期 {on}")
        if row_problems:
            problems += row_problems
            continue

        counters.setdefault(on.year, ledger.store.max_number(f"{_prefix()}-{on.year}-"))
        counters[on.year] += 1
        mid = f"{_prefix()}-{on.year}-{counters[on.year]:04d}"
        steps: list[tuple[str, date, str, dict[str, Any], str]] = [
            ("register", on, actor, {"kind": kinds[str(kind)], "title": str(get["title"]),
                                     "source": None if get["source"] is None else str(get["source"]),
                                     "received": dates["received"]}, "kind")]
        if lead_given:
            steps.append(("assign", assigned, actor, {"lead_units": picked["lead_units"], "co_units": picked["co_units"],
                                                      "deadline": dates["deadline"]}, "lead_units"))
        if person is not None:
            unit = config.people[person].unit
            steps.append(("accept", assigned, person, {"responsible_person": person, "unit": unit},
                          "responsible_person"))
        state = None
        for action, day, who, data, field in steps:
            try:
                data = _checked_values(normalize_data({k: v for k, v in data.items() if v not in (None, [], "")}), day)
                ledger.person(who)
                ledger._check_units(data)
                ledger._check_people(data)
                event = Event(mid, action, day, who, data)
                ledger.engine.check_new(state, event)
                state = ledger.engine.apply(state, event)
            except DuchaError as exc:
                if action == "assign" and "期限" in str(exc) and get["deadline"] is not None:
                    field = "deadline"
                bad(field, f"{ledger.policy.action_name(action)}：{exc}")
                break
        if row_problems:
            problems += row_problems
            continue
        shown = dict(get)
        shown["kind"] = policy.kinds[kinds[str(kind)]].name
        shown["lead_units"] = "、".join(config.unit_name(u) for u in picked["lead_units"])
        shown["co_units"] = "、".join(config.unit_name(u) for u in picked["co_units"])
        shown["responsible_person"] = config.person_name(person) if person else None
        shown["received"], shown["assigned"] = on, assigned if lead_given else None
        if lead_given and dates["deadline"] is None:
            dues = [ob.due for ob in state.obligations if ob.due is not None and ob.starts == assigned]
            shown["deadline"] = f"{min(dues)}（按规则）" if dues else None
        planned.append(PlannedMatter(n, mid, [s[:4] for s in steps], shown))
    if problems:
        raise ImportFailed(problems)
    return planned


def _prefix() -> str:
    from ducha_core.ledger import ID_PREFIX

    return ID_PREFIX


def write(ledger, planned: list[PlannedMatter], today: date) -> list[str]:
    """Record every planned matter in one transaction (all or nothing); returns the matter ids."""
    ids: list[str] = []
    with ledger.store.transaction():
        for item in planned:
            mid = None
            for action, on, who, data in item.steps:
                given = {k: v for k, v in data.items() if v not in (None, [], "")}
                state = ledger.record(mid, action, on, who, given, today=today)
                mid = state.id
            ids.append(mid)
    return ids
