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

from ducha_core.csvsafe import restore_cell
from ducha_core.errors import DuchaError, InputError
from ducha_core.events import Event
from ducha_core.store.schema import text_key


def person_fields(policy) -> set[str]:
    """Fields whose value is a person, written by name or id in a sheet: the ledger's
    (``ledger.PERSON_FIELDS``), 责任领导, and every approver or signer a rule names."""
    from ducha_core.ledger import PERSON_FIELDS

    return {*PERSON_FIELDS, "responsible_leader", *(r.field for r in policy.approvals)}

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
    # the ' an export put before a formula-like text (csv_cell) taken away: exported and imported back,
    # a title is as it was
    text = restore_cell(str(value)).strip()
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


def unique_names(entries) -> dict[str, str]:
    """Name → id for the names only one entry (unit or person) bears: a name two people share
    (two 张伟) is not read as either; the sheet names them by id (``ledger_export`` writes it so)."""
    count: dict[str, int] = {}
    for v in entries.values():
        count[v.name] = count.get(v.name, 0) + 1
    return {v.name: k for k, v in entries.items() if count[v.name] == 1 and v.name not in entries}


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


# --- the steps a row stands for ----------------------------------------------------------------------

#: fields the fixed columns carry (FIELDS), so not asked for again by their Chinese names
_COLUMN_FIELDS = {"kind", "title", "source", "received", "lead_units", "co_units", "deadline",
                  "responsible_person", "unit"}


def _approval_fields(policy, action: str, source: str | None) -> list[str]:
    return [r.field for r in policy.approvals
            if action in r.applies_to and r.field and (not r.states or source is None or source in r.states)]


def bridge(policy, state: str):
    """The step between registration and assignment where the procedure has one (Dazhan: 拟办意见
    报领导审批 before 交办): a transition from ``state`` into a state ``assign`` starts from; None when
    assignment follows registration directly. Raises InputError when no single step leads there."""
    starts = {s for t in policy.procedure.transitions if t.action == "assign" for s in t.sources}
    if state in starts:
        return None
    for t in policy.procedure.transitions:
        if state in t.sources and t.target in starts:
            return t
    raise InputError(f"本辖区的事项登记后（{policy.states[state].name}）不能经一步到交办；请只登记，再按程序逐步办理")


def extra_fields(policy) -> dict[str, str]:
    """Fields (id → Chinese name) a row needs beyond the fixed columns, in step order: what
    registration, the step before assignment (if any), assignment and acceptance require, and their
    approvers (e.g. Dazhan 拟办意见、审批人、责任领导; Ordos 督促检查方案)."""
    initial = policy.procedure.initial
    out: dict[str, str] = {}
    path = [t for t in policy.procedure.transitions if t.action == "register" and initial in t.sources][:1]
    if path:
        try:
            step = bridge(policy, path[0].target)
        except InputError:
            step = None
        if step is not None:
            path.append(step)
    from ducha_core.fields import step_fields

    for t in path:
        fields = [f.field for f in step_fields(policy, t.action) if not f.why.startswith("触发")] \
            if t.action == "register" else [*t.requires, *_approval_fields(policy, t.action, t.sources[0])]
        for field in fields:
            if field not in _COLUMN_FIELDS:
                out.setdefault(field, policy.field_names.get(field, field))
    for action in ("assign", "accept"):
        for f in step_fields(policy, action):
            if not f.why.startswith("触发") and f.field not in _COLUMN_FIELDS:
                out.setdefault(f.field, f.name)
    return out


def _takes(policy, t, field: str) -> bool:
    from ducha_core.fields import step_fields

    source = t.sources[0] if t.sources else None
    if t.action in ("register", "assign", "accept"):
        return any(f.field == field for f in step_fields(policy, t.action))
    return field in t.requires or field in t.choices or field in _approval_fields(policy, t.action, source)


# --- checking --------------------------------------------------------------------------------------


def plan(ledger, path: str | Path, actor: str, today: date, duplicate_ok: bool = False) -> list[PlannedMatter]:
    """The matters to register (``plan_rows`` without the rows left out)."""
    return plan_rows(ledger, path, actor, today, duplicate_ok)[0]


def plan_rows(ledger, path: str | Path, actor: str, today: date, duplicate_ok: bool = False
              ) -> tuple[list[PlannedMatter], list[tuple[int, str, str]]]:
    """Read and check every row (nothing written): the matters to register, and the rows left out
    (row, title, status) because their 状态 says the matter has ended or was withdrawn (an exported
    ledger's finished matters: their history is not in the sheet). Raises ImportFailed listing every
    problem.

    A row repeating the title and source of a matter of the same year (in the ledger, or an earlier
    row of the file) is refused unless ``duplicate_ok`` (``--duplicate-ok``) confirms it. 责任人 may
    name several people (、-separated): each accepts for their own unit."""
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
    units = {u: u for u in config.units} | unique_names(config.units)
    people = {p: p for p in config.people} | unique_names(config.people)
    counters: dict[int, int] = {}
    seen: dict[tuple[int, str, str], int] = {}
    wanted = extra_fields(policy)
    by_person = person_fields(policy)
    transitions = policy.procedure.transitions
    first = next(t for t in transitions if t.action == "register" and policy.procedure.initial in t.sources)
    assign_t = next(t for t in transitions if t.action == "assign")
    accept_t = next((t for t in transitions if t.action == "accept"), None)
    problems: list[Problem] = []
    planned: list[PlannedMatter] = []
    # a row whose 状态 (the exported ledger's column) says the matter has ended or was withdrawn: its
    # history is not in the sheet, so it is left out (reported), not brought back as a live matter
    ended_names = {s.name for s in policy.states.values() if s.done} | {"已撤销", "已办结"}
    skipped: list[tuple[int, str, str]] = []
    configured = getattr(config, "import_columns", {})
    header = set().union(*(r.keys() for _, r in table))
    for field, name in configured.items():
        if name not in header:
            default = FIELDS.get(field)
            also = f"（文件中有默认表头「{default}」，但 [import] 把{default}指向了「{name}」）" if default in header else ""
            raise InputError(f"{path}：ducha.toml [import] {field} = \"{name}\"，文件中没有此列{also}；"
                             "请改正 [import] 或表头")

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
        persons: list[str] = []
        for name in _SPLIT.split(str(get["responsible_person"] or "")):
            if not name:
                continue
            if name in people:
                persons.append(people[name])
            elif sum(p.name == name for p in config.people.values()) > 1:
                same = "、".join(k for k, p in config.people.items() if p.name == name)
                bad("responsible_person", f"有多名人员名为 '{name}'（{same}）；请写人员id")
            else:
                bad("responsible_person", f"未知的人员 '{name}'；{config.name} 中的人员："
                    + ("、".join(f"{p.id}（{p.name}）" for p in config.people.values()) or "（无）"))
        extras: dict[str, Any] = {}
        for field, name in wanted.items():
            value = raw.get(name, raw.get(field))
            if value is not None:
                extras[field] = people.get(str(value), value) if field in by_person else value
        lead_given = bool(get["lead_units"])
        if not lead_given and (get["co_units"] or get["deadline"] or get["assigned"] or persons):
            bad("lead_units", "写了协办单位、办理时限、交办日期或责任人的，须写主办单位")
        on = dates["received"] or today
        assigned = dates["assigned"] or on
        for field, day in (("received", dates["received"]), ("assigned", dates["assigned"])):
            if day is not None and day > today:
                bad(field, f"{day} 晚于今天 {today}：不能记录尚未发生的步骤")
        received_ok = get["received"] is None or dates["received"] is not None  # a bad date is reported once
        if received_ok and dates["assigned"] is not None and dates["assigned"] < on:
            bad("assigned", f"交办日期 {dates['assigned']} 早于收到日期 {on}")
        if received_ok and dates["deadline"] is not None and dates["deadline"] < assigned:
            bad("deadline", f"办理时限 {dates['deadline']} 早于交办日期 {assigned}；请给出以后的日期")
        source = None if get["source"] is None else str(get["source"])
        if not duplicate_ok and get["title"] is not None:
            key = (on.year, text_key(get["title"]), text_key(source))
            if key in seen:
                bad("title", f"与第{seen[key]}行同名同来源（{on.year}年）；确属另一事项的，请加上 --duplicate-ok 确认重复登记")
            seen.setdefault(key, n)
        status = str(raw.get("状态") or "").strip()
        if status in ended_names:
            skipped.append((n, str(get["title"] or ""), status))
            continue
        if row_problems:
            problems += row_problems
            continue

        counters.setdefault(on.year, ledger.store.max_number(f"{_prefix()}-{on.year}-"))
        counters[on.year] += 1
        mid = f"{_prefix()}-{on.year}-{counters[on.year]:04d}"
        register = {"kind": kinds[str(kind)], "title": str(get["title"]), "source": source,
                    "received": dates["received"]}
        if duplicate_ok:
            register["duplicate_ok"] = True
        register.update({f: v for f, v in extras.items() if _takes(policy, first, f)})
        steps: list[tuple[str, date, str, dict[str, Any], str]] = [("register", on, actor, register, "kind")]
        if lead_given:
            try:
                step = bridge(policy, first.target)
            except InputError as exc:
                bad("lead_units", str(exc))
                problems += row_problems
                continue
            if step is not None:
                data = {f: v for f, v in extras.items() if _takes(policy, step, f)}
                approvers = [data[f] for f in _approval_fields(policy, step.action, first.target) if f in data]
                steps.append((step.action, on, str(approvers[0]) if approvers else actor, data,
                              next((f for f in data if f in wanted), "lead_units")))
            data = {"lead_units": picked["lead_units"], "co_units": picked["co_units"], "deadline": dates["deadline"]}
            data.update({f: v for f, v in extras.items() if f not in data and _takes(policy, assign_t, f)})
            steps.append(("assign", assigned, actor, data, "lead_units"))
        for person in dict.fromkeys(persons):
            unit = config.people[person].unit
            data = {"responsible_person": person, "unit": unit}
            data.update({f: v for f, v in extras.items() if accept_t is not None and _takes(policy, accept_t, f)})
            steps.append(("accept", assigned, person, data, "responsible_person"))
        state = None
        for action, day, who, data, field in steps:
            try:
                data = _checked_values(normalize_data({k: v for k, v in data.items() if v not in (None, [], "")}), day)
                ledger.person(who)
                ledger._check_units(data)
                ledger._check_people(data)
                event = Event(mid, action, day, who, data)
                ledger.engine.check_new(state, event)
                if action == "register":
                    ledger._check_duplicate(event)
                    ledger._check_same_title(event)
                state = ledger.engine.apply(state, event)
            except DuchaError as exc:
                if action == "assign" and "期限" in str(exc) and get["deadline"] is not None:
                    field = "deadline"
                if action == "register" and "重复" in str(exc):
                    field = "title"
                bad(field, f"{ledger.policy.action_name(action)}：{exc}")
                break
        if row_problems:
            problems += row_problems
            continue
        shown = dict(get)
        shown["kind"] = policy.kinds[kinds[str(kind)]].name
        shown["lead_units"] = "、".join(config.unit_name(u) for u in picked["lead_units"])
        shown["co_units"] = "、".join(config.unit_name(u) for u in picked["co_units"])
        shown["responsible_person"] = "、".join(config.person_name(p) for p in dict.fromkeys(persons)) or None
        shown["received"], shown["assigned"] = on, assigned if lead_given else None
        if lead_given and dates["deadline"] is None:
            dues = [ob.due for ob in state.obligations if ob.due is not None and ob.starts == assigned]
            shown["deadline"] = f"{min(dues)}（按规则）" if dues else None
        planned.append(PlannedMatter(n, mid, [s[:4] for s in steps], shown))
    if problems:
        raise ImportFailed(problems)
    return planned, skipped


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
