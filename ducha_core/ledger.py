"""The ledger (台账) of one deployment: the library API the CLI, documents and dashboard call.

``Ledger.open(config)`` compiles the jurisdiction's policy once, loads the working calendar and
opens the store. ``record`` checks an event (units, people, then the jurisdiction's procedure)
and appends it in one transaction; a refused event writes nothing. Reads come from the derived
``matters`` table where it answers the question (an as-of day on or after the last event) and
from the event log otherwise.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from ducha_core.calendar import WorkingCalendar
from ducha_core.config import DeploymentConfig
from ducha_core.errors import ActionRefused, DuchaError, InputError
from ducha_core.escalation import Finding, evaluate, fold_selection, watched_actions, yearly_steps
from ducha_core.events import CREATE_ACTIONS, Event
from ducha_core.matter import LIGHT_NAMES, MatterEngine, MatterState, light, unknown_matter
from ducha_core.model import Person
from ducha_core.obligations import OWED, Obligation
from ducha_core.policy import WITHDRAWN, Policy
from ducha_core.store import (
    MATTER_COLUMNS,
    EventStore,
    MatterRows,
    ReadModelReport,
    VerifyReport,
    normalize_data,
    obligation_rows,
    open_store,
    state_row,
    unit_rows,
)
from ducha_core.store.schema import text_key

#: the version of what the read model derives (part of ``Ledger.model_key``: a new version rebuilds)
READ_MODEL_VERSION = 4

#: where a CSV line may hold a cell ``csv_cell`` would change: after its start or a separator (quotes and
#: spaces skipped), = + - @ TAB or CR (``Ledger.ledger_csv`` makes such a row the slow way)
_LINE_FORMULA = re.compile(r'[,;\t\r\n][ "]*[=+\-@\t\r]')  # over LF + the lines (a class first: fast)
#: what the csv module quotes a cell for (its minimal quoting)
_CSV_QUOTED = re.compile(r'[",\r\n]')
#: lines of ``ledger --format csv`` made and written at a time (``Ledger._csv_pieces``)
CSV_BATCH = 10_000
#: the columns of ``ducha ledger`` (``Ledger.row_cells``)
LEDGER_HEADERS = ("编号", "事项", "类别", "状态", "灯", "期限", "下一步（由谁）", "承办单位（责任人）", "逾期记录")
#: how a kept CSV line is cut into ``LINE_COLUMNS`` (part of ``Ledger.line_key``: change it with the layout)
LINE_LAYOUT = "head4|light|tail4"
#: matter ids the ledger gives: DC-<year>-<number>
ID_PREFIX = "DC"
UNIT_FIELDS = ("lead_units", "co_units", "units", "unit")
PERSON_FIELDS = ("responsible_person", "viewers")
LIGHTS = ("green", "yellow", "red", "done", "none", "withdrawn")
#: store meta: the jurisdiction (policy id) the event log is recorded under, and its recorded switches
RECORDED_JURISDICTION = "recorded_jurisdiction"
JURISDICTION_HISTORY = "jurisdiction_history"


@attrs.define(slots=True)
class LedgerRow:
    """One line of the 台账 as of a day: the matter, its traffic light and what is due next from whom."""

    id: str
    kind: str
    title: str
    state: str
    status: str  # the jurisdiction's name of the state
    light: str  # green | yellow | red | done | none
    due: date | None
    due_name: str | None
    next_step: str  # what is due next (期限 name, or the next step and who takes it)
    owed_by: tuple[str, ...]  # units the most urgent obligation is owed by; () when the office acts
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    responsible_text: str
    registered_on: date
    submitted_on: date | None
    closed_on: date | None
    confidential: bool
    viewers: tuple[str, ...]
    as_of: date
    #: the most working days any obligation of the matter was met late (0: none late)
    late_days: int = 0
    _ledger: Ledger | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def responsible(self) -> dict[str, str]:
        """Unit id -> responsible person id (承办责任人)."""
        return dict(p.split("=", 1) for p in self.responsible_text.split(";") if "=" in p)

    @property
    def light_name(self) -> str:
        return LIGHT_NAMES.get(self.light, self.light)

    @property
    def matter(self) -> MatterState:
        """The full matter state as of the row's day (folded from the log on access)."""
        if self._ledger is None:
            raise InputError(f"row {self.id} is detached from its ledger")
        return self._ledger.matter(self.id, as_of=self.as_of)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "state": self.state,
            "status": self.status,
            "light": self.light,
            "light_name": self.light_name,
            "due": self.due.isoformat() if self.due else None,
            "due_name": self.due_name,
            "late_days": self.late_days,
            "next_step": self.next_step,
            "owed_by": list(self.owed_by),
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "responsible": self.responsible,
            "registered_on": self.registered_on.isoformat(),
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "confidential": self.confidential,
            "as_of": self.as_of.isoformat(),
        }


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


#: fields written on one line (a line break in them would forge rows in `show` and documents)
SINGLE_LINE_FIELDS = frozenset({"title", "source", "late_entry", "method", "type", "to", "grade", "document_number",
                                "signer", "reason", "topic", "ledger", "handled_by", "kind"})

#: what ``ducha due`` writes where a person must fill in a text (``ducha_core.confirm``)
PLACEHOLDER_MARKS = ("〈待定", "〈待填写")


def _checked_values(data: dict[str, Any], on: date) -> dict[str, Any]:
    """Event data with texts trimmed and empty ones left out; refuses a text still carrying a
    placeholder of ``ducha due`` and an assessment year (``year``) other than the day's or the one
    before it. Raises InputError."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
            if key in SINGLE_LINE_FIELDS and len(value.splitlines()) > 1:
                raise InputError(f"--{key.replace('_', '-')} 须写在一行内（不含换行）：{value.splitlines()[0]}…")
            if any(mark in value for mark in PLACEHOLDER_MARKS):
                blanks = [f"--{k.replace('_', '-')}" for k, v in data.items()
                          if isinstance(v, str) and any(m in v for m in PLACEHOLDER_MARKS)]
                more = f"（待填写的共 {len(blanks)} 项：{'、'.join(blanks)}）" if len(blanks) > 1 else ""
                raise InputError(f"--{key.replace('_', '-')} 仍是待填写的内容「{value}」；请改为实际内容后再运行{more}")
        out[key] = value
    if isinstance(out.get("time"), str):  # 约谈时间: a date it carries is a real day, not before the step
        from ducha_core.matter import DAY_IN_TEXT, day_in_text

        if DAY_IN_TEXT.search(out["time"]):
            day = day_in_text(out["time"])
            if day is None:
                raise InputError(f"--time {out['time']}：其中的日期不存在；请写如 2025年10月20日上午9时")
            if day < on:
                raise InputError(f"--time {out['time']}：约谈日期 {day} 早于 --on {on}；通知先于约谈发出，请核对")
    if "year" in out:
        try:
            year = int(str(out["year"]))
        except ValueError:
            year = None
        if year not in (on.year, on.year - 1):
            raise InputError(f"--year {out['year']}：考核年度须为记录日 {on} 所在年或上一年（{on.year} 或 {on.year - 1}）")
        out["year"] = year
    return out


class Ledger:
    """The ledger of one deployment (see module docstring)."""

    def __init__(self, config: DeploymentConfig, policy: Policy, calendar: WorkingCalendar, store: EventStore):
        self.config = config
        self.policy = policy
        self.calendar = calendar
        self.store = store
        self.engine = MatterEngine(policy, calendar, self.person)
        self._bulk_engine: MatterEngine | None = None
        self._cache: dict[str, tuple[int, MatterState]] = {}
        self._next_steps = self._describe_next_steps()
        self._clock = {sid for sid, s in policy.states.items() if s.clock_running}
        # what the consequences read across matters: the read model marks the matters holding it
        self._watched, self._yearly = watched_actions(policy), yearly_steps(policy)
        self._hook = None
        self._model_of: str | None = None  # the model key the read model was built under
        self._model_key: str | None = None
        self._line_key: str | None = None

    # --- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, config: DeploymentConfig, *, create: bool = True, check_jurisdiction: bool = True) -> Ledger:
        """Open the deployment's ledger; refuses (InputError) a log recorded under another
        jurisdiction than ducha.toml's, unless reading under ``--jurisdiction`` (``check_jurisdiction``
        False: only ``switch_jurisdiction``)."""
        from ducha_core.registry import resolve_policy

        policy = resolve_policy(config.jurisdiction, plugin_paths=config.plugins, settings=config.settings)
        calendar = WorkingCalendar.load(config.calendar, strict=bool(policy.settings.get("strict_calendar")))
        store = open_store(config.database, create=create, key_file=config.key_file)
        _remove_stale_parts(store)
        ledger = cls(config, policy, calendar, store)
        if check_jurisdiction:
            try:
                ledger._check_jurisdiction()
            except BaseException:
                store.close()
                raise
        # the log's own jurisdiction: a recorded step is not judged again for the fields it requires
        if not config.overridden and ledger.recorded_jurisdiction() in (None, policy.id):
            ledger.engine.recorded_as_is = True
        return ledger

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- people and units --------------------------------------------------------------------------

    def person(self, person_id: str) -> Person:
        """The directory the engine uses: a person id of the deployment."""
        try:
            return self.config.people[person_id]
        except KeyError:
            raise InputError(f"未知的人员 '{person_id}'；{self.config.name} 中的人员：{', '.join(self.config.people) or '（无）'}") from None

    def _check_units(self, data: dict[str, Any]) -> None:
        for field in UNIT_FIELDS:
            value = data.get(field)
            if value is None:
                continue
            for unit in [value] if isinstance(value, str) else value:
                if unit not in self.config.units:
                    known = ", ".join(self.config.units) or "（ducha.toml 中尚未配置单位）"
                    raise InputError(f"未知的单位 '{unit}'；{self.config.name} 中的单位：{known}")

    def _check_people(self, data: dict[str, Any]) -> None:
        for field in PERSON_FIELDS:
            value = data.get(field)
            if value is None:
                continue
            for pid in [value] if isinstance(value, str) else value:
                self.person(pid)

    def _check_duplicate(self, event: Event) -> None:
        """Refuse a new matter that repeats one, where an approval rule says so (e.g. Dazhan 第十六条
        避免多头督查、重复督查): of the same kind and year, not ended, on the same topic (``topic``,
        else the title, blanks ignored)."""
        policy = self.policy
        rules = [r for r in policy.approvals
                 if r.refuse_duplicates and r.governs(event.action, policy.procedure.initial, event.data)]
        topic = text_key(event.data.get("topic") or event.data.get("title"))
        if not rules or not topic:
            return
        for state in self._registered_in(event.on.year, kind=event.data.get("kind"), topic=topic):
            if state.kind != event.data.get("kind") or policy.states[state.state].terminal:
                continue
            first = state.events[0].data if state.events else {}
            if text_key(first.get("topic") or state.title) == topic:
                rule = rules[0]
                raise ActionRefused(f"与 {state.id}「{state.title}」重复（{rule.citation.article}：{rule.name}）；"
                                    f"请并入该事项，或写明不同的督查主题（--topic）")

    def _registered_in(self, year: int, *, kind: Any = None, title: str | None = None,
                       topic: str | None = None) -> list[MatterState]:
        """The matters registered in ``year`` that may repeat a registration, folded: found through
        the read model (its ``registered`` index), and where it is current, only those of the
        ``kind`` with the same ``topic`` (the first event's topic, else the title) or the same
        ``title``, blanks ignored, compared in SQL — not the year's matters, so a registration costs
        what it may repeat. The callers check the folded states as before."""
        start, end = f"{year}-01-01", f"{year}-12-31"
        if self._read_model_usable() and hasattr(self.store, "registered_ids") and self.store.at_head():
            ids = self.store.registered_ids(start, end, kind=kind if isinstance(kind, str) else None,
                                            title=title, topic=topic)
        else:
            at = MATTER_COLUMNS.index("registered")
            ids = [r[0] for r in self.store.matter_rows(registered_upto=end) if str(r[at]) >= start]
        return [s for s in (self._state_for_update(m) for m in ids) if s is not None]

    def _check_same_title(self, event: Event, matter: MatterState | None = None) -> None:
        """Refuse a registration repeating the title and source of a matter of the same year (not
        withdrawn; two matters with no source named have the same, empty, source), unless confirmed
        (``duplicate_ok``: ``--duplicate-ok``); likewise a correction (更正) of ``matter``'s title or
        source that would make it repeat another matter of its registration year."""
        data = event.data
        if data.get("duplicate_ok"):
            return
        if event.action == "register":
            title, source, year, what = data.get("title"), data.get("source"), event.on.year, "确认重复登记"
        elif event.action == "correct" and matter is not None and (data.get("title") or data.get("source")):
            title, source = data.get("title") or matter.title, data.get("source") or matter.source
            if text_key(title) == text_key(matter.title) and text_key(source) == text_key(matter.source):
                return  # nothing it repeats that it did not already (the engine says what is unchanged)
            year, what = matter.registered_on.year, "确认更正后同名"
        else:
            return
        title, source = text_key(title), text_key(source)
        if not title:
            return
        for state in self._registered_in(year, title=title):
            if state.state == "withdrawn" or (matter is not None and state.id == matter.id):
                continue
            if text_key(state.title) == title and text_key(state.source) == source:
                raise ActionRefused(f"{year}年已有同名同来源的事项 {state.id}「{state.title}」（来源：{state.source or '无'}）；"
                                    f"确属另一事项的，请加上 --duplicate-ok {what}")

    def is_office(self, person_id: str | None) -> bool:
        if person_id is None:
            return False
        person = self.person(person_id)
        return any(self.policy.roles[r].scope == "office" for r in person.roles if r in self.policy.roles)

    def visible(self, matter: MatterState | LedgerRow, person_id: str | None) -> bool:
        """Whether ``person_id`` may see the matter: anyone for an open matter; for a confidential
        one the office, its viewers and people of its handling units only (None sees none)."""
        if not matter.confidential:
            return True
        if person_id is None:
            return False
        if person_id in matter.viewers or self.is_office(person_id):
            return True
        person = self.person(person_id)
        return person.unit is not None and person.unit in (*matter.lead_units, *matter.co_units)

    def _log_secret(self, matter_id: str) -> tuple[str, ...] | None:
        """Whether a matter is confidential as its first event in the log says (as the engine reads
        it at registration): None if not, else its viewers. Data that cannot be read counts as
        confidential with no viewers named."""
        import json

        try:
            data = json.loads(self.store.created_data(matter_id) or "{}")
            if not bool(data.get("confidential", False)):
                return None
            return tuple(data.get("viewers", ()))
        except (TypeError, ValueError, AttributeError):
            return ()

    # --- writing -----------------------------------------------------------------------------------

    def new_matter_id(self, on: date) -> str:
        """The next free id of the year of ``on``, e.g. DC-2025-0001."""
        prefix = f"{ID_PREFIX}-{on.year}-"
        return f"{prefix}{self.store.max_number(prefix) + 1:04d}"

    def _state_for_update(self, matter: str) -> MatterState | None:
        last = self.store.last_seq(matter)
        if last == 0:
            return None
        cached = self._cache.get(matter)
        if cached is not None and cached[0] == last:
            return cached[1]
        return self.engine.fold(self.store.events(matter))

    def record(self, matter: str | None, action: str, on: date, actor: str, data: dict | None = None, *,
               today: date | None = None) -> MatterState:
        """Check and append one event; returns the matter's new state. ``matter`` may be None for
        register/apply: the next id of the year is given inside the same transaction.

        An event dated before the matter's latest event is refused unless the office records it as
        a late entry (补录: ``late_entry`` in ``data``, its reason; the time it was recorded is the
        event's ``recorded_at``). With ``today`` (the CLI), a day after it is refused."""
        if not isinstance(on, date):
            raise InputError(f"'{on}' 不是日期；请写 YYYY-MM-DD")
        data = _checked_values(normalize_data(data), on)
        self.person(actor)
        self._ids_for_names(data)
        self._check_units(data)
        self._check_people(data)
        if matter is None and action not in CREATE_ACTIONS:
            raise InputError(f"「{self.policy.action_name(action)}」须写明事项编号")
        if action in CREATE_ACTIONS and data.get("viewers") and not data.get("confidential"):
            raise InputError("知悉范围（--viewer）只用于涉密事项；请加上 --confidential，或去掉 --viewer")
        self._check_late_entry(data, actor)
        if today is not None and on > today:
            raise InputError(f"--on {on} 晚于今天 {today}：不能记录尚未发生的步骤；请核对 --on")
        try:
            with self.store.transaction():
                self._check_jurisdiction(claim=True)
                if matter is None:
                    matter = self.new_matter_id(on)
                state = self._state_for_update(matter)
                if state is not None and not self.visible(state, actor):
                    # a confidential matter answers a person not entitled to it as if it did not exist
                    raise InputError(unknown_matter(matter))
                if state is not None and "late_entry" not in data:
                    self._check_order(state, action, on)
                elif "late_entry" in data and (state is None or not state.events or on >= state.events[-1].on):
                    latest = state.events[-1].on if state is not None and state.events else None
                    raise InputError(f"--late-entry 只用于日期早于本事项最近一步（{latest or '无'}）的补录；"
                                     f"{on} 不早于它，请去掉 --late-entry 按正常步骤记录")
                event = Event(matter, action, on, actor, data)
                self.engine.check_new(state, event)
                if action in CREATE_ACTIONS:
                    self._check_duplicate(event)
                    if today is not None:  # a step entered at the command line (not a demo or import)
                        self._check_same_title(event)
                elif action == "correct" and today is not None:
                    self._check_same_title(event, state)
                new_state = self.engine.apply(state, event)
                self._claim_read_model()
                (stored,) = self.store.append([event])
                new_state.events[-1] = stored
                if new_state.marks and new_state.marks[-1] is event:
                    new_state.marks[-1] = stored
                self.store.put_rows([self.derived_rows(new_state)])
        except BaseException:
            if matter is not None:
                self._cache.pop(matter, None)
            raise
        self._cache[matter] = (stored.seq, new_state)
        self._recorded(stored)
        return new_state

    def _check_late_entry(self, data: dict[str, Any], actor: str) -> None:
        """A late entry (补录, ``late_entry``: its reason) is the office's, with a reason."""
        if "late_entry" not in data:
            return
        if not isinstance(data["late_entry"], str):
            raise InputError("--late-entry 须写补录理由（如 --late-entry 纸质台账补录）")
        if not self.is_office(actor):
            raise ActionRefused(f"补录（--late-entry）只能由督查室人员记录；{self.person(actor).name} 不是督查室人员")

    def _check_order(self, state: MatterState, action: str, on: date) -> None:
        """Refuse an event dated before the matter's latest event (unless a late entry)."""
        latest = max(state.events, key=lambda e: e.on, default=None)
        if latest is not None and on < latest.on:
            raise ActionRefused(
                f"「{self.policy.action_name(action)}」的日期 {on} 早于事项 {state.id} 最近一步"
                f"「{self.policy.action_name(latest.action)}」的日期 {latest.on}；请核对 --on，"
                f"确属事后补记的，由督查室人员加 --late-entry 理由 记为补录")

    def recorded_jurisdiction(self) -> str | None:
        """The jurisdiction (policy id) the event log is recorded under; None before the first event.
        A log from before it was kept: the policy its read model was derived under."""
        found = self.store.get_meta(RECORDED_JURISDICTION)
        if found is None and self.store.get_meta("head_seq"):
            key = self.store.get_meta("jurisdiction")
            found = key.rsplit("|", 1)[0] if key else None
        return found

    def _check_jurisdiction(self, *, claim: bool = False) -> None:
        """Refuse to read or write the log under another jurisdiction than it is recorded under (a
        changed ``jurisdiction`` in ducha.toml), except read-only under ``--jurisdiction``. With
        ``claim`` (a write), a log not yet recorded under any is recorded under this one."""
        if self.config.overridden:
            return
        recorded = self.recorded_jurisdiction()
        if recorded is None:
            if claim:
                self.store.set_meta(RECORDED_JURISDICTION, self.policy.id)
            return
        if recorded != self.policy.id:
            raise InputError(
                f"事件日志按 {recorded} 的规定记录，ducha.toml 现为 {self.policy.id}，不能按另一辖区的规定读写；"
                f"请改回 jurisdiction = \"{recorded}\"，或由督查室人员运行 ducha switch-jurisdiction {self.policy.id} "
                f"--as 人员id --reason 理由 明确改按新规定记录（只查看可加 --jurisdiction）")
        if claim and self.store.get_meta(RECORDED_JURISDICTION) is None:
            self.store.set_meta(RECORDED_JURISDICTION, recorded)

    def jurisdiction_history(self) -> list[dict[str, Any]]:
        """The recorded switches of jurisdiction (from, to, by, reason, at, after_seq), oldest first."""
        import json

        return json.loads(self.store.get_meta(JURISDICTION_HISTORY) or "[]")

    def switch_jurisdiction(self, actor: str, reason: str) -> str:
        """Record that the log is kept from now on under this ledger's jurisdiction (ducha.toml's)
        instead of the one it was recorded under; returns the old one. The office's step, with a
        reason; refused (nothing written) if a matter of the log cannot be read under the new rules.
        The switch is kept in the store's meta (``jurisdiction_history``) and the read model rebuilt."""
        import json

        from ducha_core.store.sqlite import now_utc

        if self.config.overridden:
            raise InputError("switch-jurisdiction 不能与 --jurisdiction 同用；请先把 ducha.toml 的 jurisdiction 改为新辖区")
        self.person(actor)
        if not self.is_office(actor):
            raise ActionRefused(f"改按另一辖区的规定记录只能由督查室人员办理；{self.person(actor).name} 不是督查室人员")
        reason = (reason or "").strip()
        if not reason:
            raise InputError("改按另一辖区的规定记录须写明理由；请加上 --reason 理由")
        old = self.recorded_jurisdiction()
        if old is None or old == self.policy.id:
            raise InputError(f"事件日志已按 {self.policy.id} 的规定记录（或尚无记录），无须切换")
        try:
            self.states(explain=False)
        except DuchaError as exc:
            raise ActionRefused(f"事件日志不能按 {self.policy.id} 的规定读取，不予切换：{exc}") from None
        history = self.jurisdiction_history()
        history.append({"from": old, "to": self.policy.id, "by": actor, "reason": reason, "at": now_utc(),
                        "after_seq": int(self.store.get_meta("head_seq") or 0)})
        with self.store.transaction():
            self.store.set_meta(JURISDICTION_HISTORY, json.dumps(history, ensure_ascii=False))
            self.store.set_meta(RECORDED_JURISDICTION, self.policy.id)
            self.rebuild(workers=1)
        return old

    @property
    def model_key(self) -> str:
        """What the matters table is derived from: the policy (with its settings) and the holiday
        notices known to the calendar. A new year's notice, a changed setting or another
        jurisdiction makes the stored rows stale (provisional deadlines are then recomputed)."""
        if self._model_key is None:
            import hashlib

            settings = sorted((k, repr(v)) for k, v in self.policy.settings.items())
            years = [(y.year, y.notice, tuple(y.amendments), str(y.source)) for y in self.calendar.years()]
            marked = (sorted(self._watched), sorted(self._yearly))  # what the rows' marks are of
            digest = hashlib.sha256(repr((READ_MODEL_VERSION, settings, years, marked)).encode("utf-8")).hexdigest()[:16]
            self._model_key = f"{self.policy.id}|{digest}"
        return self._model_key

    def _claim_read_model(self) -> None:
        """Before a write: the matters table must be derived under this policy and calendar; if it
        is not (a new holiday notice, a changed setting), it is rebuilt first."""
        if self.config.overridden:
            raise InputError(f"--jurisdiction 只用于查看；本部署按 {self.config.overridden} 记录，记录时请去掉 --jurisdiction")
        if self._model_of != self.model_key:
            self._model_of = self.store.get_meta("jurisdiction")
            if self._model_of != self.model_key:
                if self._model_of is not None and self.store.count_events():
                    self.rebuild(workers=1)
                self.store.set_meta("jurisdiction", self.model_key)
                self._model_of = self.model_key

    def _read_model_usable(self) -> bool:
        """The matters table was derived under this ledger's policy and calendar (not so when a
        read-only command reads the log under another jurisdiction, or after a new holiday notice
        or a changed setting: then every row is folded until the next write or `ducha rebuild`)."""
        if self.config.overridden:
            return False
        if self._model_of is None:
            self._model_of = self.store.get_meta("jurisdiction") or self.model_key
        return self._model_of == self.model_key

    def _recorded(self, event: Event) -> None:
        try:
            if self._hook is None:
                from ducha_core.registry import plugins_with

                plugins = plugins_with(self.config.plugins)
                own = [j for j in self.policy.lineage if j in plugins.jurisdictions]
                self._hook = plugins.subset_caller("ducha_event_recorded", own)
            self._hook(policy=self.policy, event=event)
        except Exception as exc:  # the event is stored; a failing side effect aborts nothing
            warnings.warn(f"ducha_event_recorded failed after event {event.seq}: {exc}", stacklevel=2)

    # --- reading -----------------------------------------------------------------------------------

    def events(self, matter: str | None = None) -> list[Event]:
        if matter is not None:
            self._known(matter)
        return self.store.events(matter)

    def _known(self, matter_id: str) -> None:
        if self.store.last_seq(matter_id) == 0:
            raise InputError(unknown_matter(matter_id))

    def _fold(self, events: list[Event], engine: MatterEngine | None = None) -> MatterState:
        try:
            return (engine or self.engine).fold(events)
        except ActionRefused as exc:
            if not self.config.overridden:
                raise
            raise ActionRefused(f"事项 {events[0].matter} 不能按 {self.policy.id} 的规则读取"
                                f"（本部署按 {self.config.overridden} 记录）：{exc}") from None

    def matter(self, matter_id: str, *, as_of: date | None = None) -> MatterState:
        """The state of one matter (as of a day: its events with ``on`` <= as_of)."""
        events = self.store.events(matter_id, upto=as_of)
        if not events:
            if as_of is not None and self.store.last_seq(matter_id):
                raise InputError(f"事项 '{matter_id}' 在 {as_of} 尚未立项")
            self._known(matter_id)
        return self._fold(events)

    def step_count(self, action: str, *, year: int, upto: date, before: Event | None = None) -> int:
        """How many ``action`` steps the log has in ``year`` dated up to ``upto`` — of every matter,
        confidential ones too — and, with ``before``, ordered before that event (by day, then as
        recorded): the 文号 of one matter's document is one more (``documents.render.document_seq``),
        counted in SQL along the (action, day) index, not over every matter's state."""
        start, end = date(year, 1, 1), min(upto, date(year, 12, 31))
        if end < start:
            return 0
        key = (before.on.isoformat(), before.seq) if before is not None else None
        return self.store.count_steps(action, start.isoformat(), end.isoformat(), key)

    def states(self, *, as_of: date | None = None, explain: bool = True) -> list[MatterState]:
        """Every matter's state, folded from the log (as of a day if given). Unfiltered: use
        ``visible`` to leave out confidential matters a person may not see.

        ``explain=False`` is for figures over the whole ledger (``due``, bulletins, the
        dashboard): deadlines carry no explanation, events no hash, and equal event data share one
        dict that must not be changed; it folds several times faster.
        """
        if explain:
            histories, engine = self.store.histories(), self.engine
        else:
            histories, engine = self.store.histories(bulk=True), self._bulk()
        return self._fold_each(histories, engine, as_of)

    def _fold_each(self, histories: Iterable[list[Event]], engine: MatterEngine, as_of: date | None) -> list[MatterState]:
        """Each history folded (as of a day: those with no event by then left out), the collector paused."""
        out = []
        with _collector_paused():
            for history in histories:
                if as_of is not None:
                    history = [e for e in history if e.on <= as_of]
                    if not history:
                        continue
                out.append(self._fold(history, engine))
        return out

    def _describe_next_steps(self) -> dict[str, str]:
        policy = self.policy
        steps = {}
        for sid, state in policy.states.items():
            names = []
            for t in policy.actions_in(sid):
                if t.target is None or t.target == sid or t.action == "withdraw":  # 撤销: a correction, not a next step
                    continue
                roles = "、".join(policy.roles[r].name for r in t.roles if r in policy.roles)
                names.append(f"{t.name or policy.action_name(t.action)}（{roles}）")
            steps[sid] = "；".join(dict.fromkeys(names)) if not state.terminal else ""
        return steps

    def _ids_for_names(self, data: dict[str, Any]) -> None:
        """Units and a kind written by their Chinese names (``--lead 区教育局``, ``--kind 领导批示``)
        become their ids, in place; anything else is left for the checks that name what is known."""
        units = self.config.units
        named = {u.name: uid for uid, u in units.items()}
        for field in UNIT_FIELDS:
            value = data.get(field)
            if isinstance(value, str):
                data[field] = value if value in units else named.get(value, value)
            elif isinstance(value, list):
                data[field] = [v if v in units else named.get(v, v) for v in value]
        kind = data.get("kind")
        if isinstance(kind, str) and kind not in self.policy.kinds:
            data["kind"] = next((k for k, v in self.policy.kinds.items() if v.name == kind), kind)

    def unit_id(self, unit: str) -> str:
        """A unit id from its id or its Chinese name (``config.units[u].name``); unknown: one line listing them."""
        if unit in self.config.units:
            return unit
        for uid, u in self.config.units.items():
            if u.name == unit:
                return uid
        units = self.config.units
        names = f"{', '.join(units)}（{'、'.join(u.name for u in units.values())}）" if units else "（无）"
        raise InputError(f"未知的单位 '{unit}'；{self.config.name} 中的单位：{names}")

    def kind_id(self, kind: str) -> str:
        """A kind id from its id or its Chinese name (``policy.kinds[k].name``); unknown: one line listing them."""
        if kind in self.policy.kinds:
            return kind
        for kid, k in self.policy.kinds.items():
            if k.name == kind:
                return kid
        raise InputError(f"未知的事项类别 '{kind}'；可用：{'、'.join(f'{k}（{v.name}）' for k, v in self.policy.kinds.items())}")

    def rows(self, *, as_of: date, unit: str | None = None, kind: str | None = None, status: str | None = None,
             viewer: str | None = None, all_visible: bool = False, search: str | None = None,
             due_from: date | None = None, due_before: date | None = None,
             ids: Sequence[str] | None = None) -> list[LedgerRow]:
        """The 台账 as of a day. ``status`` filters by state id, state name or light
        (red/yellow/green/done/none). Confidential matters are left out unless ``viewer`` may see
        them (see ``visible``) or ``all_visible`` (library callers that filter themselves).

        Whether a matter is confidential, and who may see it, is read from the log (its first
        event, hash-chained; the handling units from a fold), never from the read model's columns,
        which can disagree with the log (``check_read_model`` reports that); a row of the read
        model the log has no event of is left out. With ``all_visible`` the rows are as stored.

        ``unit``/``kind`` take an id or the Chinese name; ``search`` keeps rows whose title, id or
        source contains it (case-insensitive); ``due_from``/``due_before`` keep rows whose due day
        (the most urgent one) falls on or after / on or before the day; ``ids``: only those matters."""
        if unit is not None:
            unit = self.unit_id(unit)
        if kind is not None:
            kind = self.kind_id(kind)
        if status is not None:
            names = {s.name: sid for sid, s in self.policy.states.items()}
            if status not in self.policy.states and status not in names and status not in LIGHTS:
                raise InputError(f"未知的状态 '{status}'；可用状态：{'、'.join(f'{k}（{v.name}）' for k, v in self.policy.states.items())}"
                                 f"；或灯：{'、'.join(LIGHTS)}")
            status = names.get(status, status)
        as_iso = as_of.isoformat()
        usable = self._read_model_usable()
        check = not all_visible  # who may see a matter: from the log, not from the stored columns
        raw = self.store.matter_rows(unit=unit if usable else None, kind=kind if usable else None,
                                     registered_upto=as_iso, created=check,
                                     **({"ids": ids} if ids is not None else {}))
        rows: list[LedgerRow] = []
        stale: list[str] = []
        cutoff = self.calendar.add_workdays(as_of, int(self.policy.settings.get("warning_window", 3)) + 1)
        make = self._row_from_columns
        office: bool | None = None
        for r in raw:
            secret: tuple[str, ...] | None = None
            if check:
                flag, r = r[-1], r[:-1]
                if flag is None:  # not in the log (``verify`` reports it)
                    continue
                secret = self._log_secret(r[0]) if flag else None
                if secret is not None and (viewer is None or viewer not in secret):
                    if viewer is None:
                        continue
                    if office is None:
                        office = self.is_office(viewer)
                    if not office:  # a person of a unit: its handling units folded from the log
                        stale.append(r[0])
                        continue
            # last_on after as_of: fold the log up to as_of; likewise a recurring report overdue by as_of
            # (a later occurrence may have become the most urgent one)
            if r[15] > as_iso or not usable or (r[8] == "cycle" and r[7] is not None and as_iso > r[7]):
                stale.append(r[0])
                continue
            row = make(r, as_of, as_iso, cutoff)
            if check:
                row.confidential, row.viewers = secret is not None, secret or ()
            rows.append(row)
        for mid in stale:
            row = self._row_from_state(self.matter(mid, as_of=as_of), as_of)
            if (unit is None or unit in row.lead_units or unit in row.co_units) and (kind is None or row.kind == kind):
                rows.append(row)
        if stale:
            rows.sort(key=lambda row: row.id)
        if status is not None:
            rows = [r for r in rows if r.state == status or r.light == status]
        if not all_visible:
            rows = [r for r in rows if not r.confidential or self.visible(r, viewer)]
        if due_from is not None:
            rows = [r for r in rows if r.due is not None and r.due >= due_from]
        if due_before is not None:
            rows = [r for r in rows if r.due is not None and r.due <= due_before]
        if search:
            needle = search.casefold()
            rows = [r for r in rows if needle in r.id.casefold() or needle in r.title.casefold()
                    or needle in (self._source_of(r) or "").casefold()]
        return rows

    def row_cells(self, row: LedgerRow) -> list[Any]:
        """A row as ``ducha ledger`` prints it, one cell per ``LEDGER_HEADERS``."""
        config, kinds = self.config, self.policy.kinds

        def names(units: Sequence[str]) -> str:
            return "、".join(config.unit_name(u) for u in units)

        who = names(row.lead_units + row.co_units)
        people = "、".join(config.person_name(p) for p in row.responsible.values())
        owed = f"（{names(row.owed_by)}）" if row.owed_by else ""
        due = row.due or ("无期限" if row.next_step == "无期限" or (row.owed_by and not row.due) else "")
        return [row.id, row.title, kinds[row.kind].name if row.kind in kinds else row.kind, row.status, row.light_name,
                due, f"{row.next_step}{owed}", who + (f"（{people}）" if people else ""),
                f"曾逾期{row.late_days}个工作日" if row.late_days else ""]

    def ledger_csv(self, *, as_of: date, unit: str | None = None, kind: str | None = None,
                   viewer: str | None = None) -> str | None:
        """``ledger_csv_pieces`` joined: the CSV text, or None where the read model cannot answer."""
        pieces = self.ledger_csv_pieces(as_of=as_of, unit=unit, kind=kind, viewer=viewer)
        return None if pieces is None else "".join(pieces)

    def ledger_csv_pieces(self, *, as_of: date, unit: str | None = None, kind: str | None = None,
                          viewer: str | None = None) -> Iterator[str] | None:
        """``render_csv(LEDGER_HEADERS, [row_cells(r) for r in rows(as_of=..., unit=..., kind=...,
        viewer=...)])``, the same text, with SQL making most lines: a row the read model answers as it
        stands (as of a day on or after its last event, not confidential in the log, one unit per
        list, no cell a spreadsheet could take for a formula) is made in one query, without a
        ``LedgerRow``; the others come from ``rows`` and ``row_cells``. The text comes in pieces, read
        from the store as they are asked for (``_csv_pieces``; the ledger must stay open until the last).
        None where the read model cannot answer (derived under another policy or calendar) or a name
        would need quoting."""
        from ducha_core.cli.options import render_csv

        if not self._read_model_usable() or not hasattr(self.store, "conn"):
            return None
        if unit is not None:
            unit = self.unit_id(unit)
        if kind is not None:
            kind = self.kind_id(kind)
        policy, config = self.policy, self.config
        texts = [*(u.name for u in config.units.values()), *(p.name for p in config.people.values()),
                 *(k.name for k in policy.kinds.values()), *(s.name for s in policy.states.values()),
                 *self._next_steps.values(), *LIGHT_NAMES.values()]
        # the query's own line (for rows kept without a line under these names) writes names as they are
        plain_names = not any(re.search(r'[",\r\n]', t) for t in texts)

        def lit(text: str) -> str:
            return "'" + text.replace("'", "''") + "'"

        def case(expr: str, mapping: dict[str, str], default: str) -> str:
            return f"CASE {expr} " + " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in mapping.items()) + \
                f" ELSE {default} END"

        def quoted(expr: str) -> str:  # the csv module's minimal quoting
            return f"""CASE WHEN {expr} GLOB '*[",\n\r]*' THEN '"' || replace({expr}, '"', '""') || '"' ELSE {expr} END"""

        def unit_name(expr: str) -> str:
            return f"coalesce((SELECT name FROM temp.ducha_unit_names WHERE id = {expr}), {expr})"

        conn = self.store.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS ducha_unit_names (id TEXT PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS ducha_person_names (id TEXT PRIMARY KEY, name TEXT)")
        conn.execute("DELETE FROM temp.ducha_unit_names")
        conn.execute("DELETE FROM temp.ducha_person_names")
        conn.executemany("INSERT INTO temp.ducha_unit_names VALUES (?, ?)", [(k, u.name) for k, u in config.units.items()])
        conn.executemany("INSERT INTO temp.ducha_person_names VALUES (?, ?)",
                         [(k, p.name) for k, p in config.people.items()])
        clock = ", ".join(lit(s) for s in sorted(self._clock)) or "NULL"
        done = ", ".join(lit(s) for s, st in policy.states.items() if st.terminal) or "NULL"
        owed = "(m.due_what IS NOT NULL AND m.due_owed_by != '')"
        # the states whose next step reads 无期限 (the clock runs with no limit, or the policy says so)
        untimed = ", ".join(lit(s) for s in sorted(self._clock | {k for k, v in self._next_steps.items() if v == "无期限"}))
        untimed = untimed or "NULL"
        step = (f"CASE WHEN m.due_what IS NOT NULL THEN coalesce(m.due_name, '') WHEN m.state IN ({clock}) THEN '无期限'"
                f" ELSE {case('m.state', self._next_steps, lit(''))} END")
        # the light of a last day owed, by the day (``_row_from_columns``)
        dated = "CASE WHEN :as_of > m.due_date THEN 'red' WHEN m.due_date < :cutoff THEN 'yellow' ELSE 'green' END"
        light = (f"CASE WHEN m.state = {lit(WITHDRAWN)} THEN 'withdrawn'"
                 f" WHEN m.due_what IS NOT NULL THEN (CASE WHEN m.due_date IS NULL THEN 'green' ELSE ({dated}) END)"
                 f" WHEN m.state IN ({clock}) THEN 'green' WHEN m.state IN ({done}) OR m.submitted IS NOT NULL"
                 " THEN 'done' ELSE 'none' END")
        lead, co = unit_name("m.lead_units"), unit_name("m.co_units")
        person = "substr(m.responsible, instr(m.responsible, '=') + 1)"
        person_name = f"coalesce((SELECT name FROM temp.ducha_person_names WHERE id = {person}), {person})"
        cells = [
            quoted("m.id"),
            quoted("m.title"),
            case("m.kind", {k: v.name for k, v in policy.kinds.items()}, quoted("m.kind")),
            case("m.state", {k: v.name for k, v in policy.states.items()}, "NULL"),
            case(f"({light})", LIGHT_NAMES, "NULL"),
            f"CASE WHEN m.due_date IS NOT NULL THEN m.due_date WHEN {owed} OR (m.due_what IS NOT NULL AND m.due_name = '无期限')"
            f" OR (m.due_what IS NULL AND m.state IN ({untimed})) THEN '无期限' ELSE '' END",
            f"({step}) || CASE WHEN {owed} THEN '（' || {unit_name('m.due_owed_by')} || '）' ELSE '' END",
            f"CASE WHEN m.lead_units != '' AND m.co_units != '' THEN {lead} || '、' || {co}"
            f" WHEN m.lead_units != '' THEN {lead} WHEN m.co_units != '' THEN {co} ELSE '' END"
            f" || CASE WHEN instr(m.responsible, '=') > 0 THEN coalesce('（' || nullif({person_name}, '') || '）', '')"
            " ELSE '' END",
            "CASE WHEN m.late_days THEN '曾逾期' || m.late_days || '个工作日' ELSE '' END",
        ]
        # rows made by ``rows``: folded (changed after the day, a recurring report overdue), and where
        # the query makes the line, lists of several units, a state the policy does not know, a 期限 name
        # that would need quoting
        later = "m.last_on > :as_of OR (m.due_what = 'cycle' AND m.due_date IS NOT NULL AND :as_of > m.due_date)"
        slow = ("instr(m.lead_units, ',') OR instr(m.co_units, ',') OR instr(m.due_owed_by, ',')"
                " OR instr(m.responsible, ';') OR m.due_name GLOB '*[\",\n\r]*'"
                f" OR m.state NOT IN ({', '.join(lit(k) for k in policy.states)})")
        line = " || ',' || ".join(cells) if plain_names else "NULL"
        # the line kept with the row (``line_cells``), its light set by the day where a last day is owed
        kept = f"l.line_head || ',' || coalesce(l.line_light, {case(f'({dated})', LIGHT_NAMES, 'NULL')}) || ',' || l.line_tail"
        # whether a matter is confidential in the log (its first event; None: not in the log, left out)
        secret = self.store.secret_in_log_sql("m.id")
        sql = (f"SELECT CASE WHEN {later} THEN NULL WHEN l.line_key = :key THEN {kept}"
               f" WHEN {slow} THEN NULL ELSE {line} END, m.id, {secret}, l.line_key IS :key"
               " FROM matters m LEFT JOIN matter_lines l ON l.matter = m.id")
        args: dict[str, Any] = {"as_of": as_of.isoformat(), "key": self.line_key, "cutoff": self.calendar.add_workdays(
            as_of, int(policy.settings.get("warning_window", 3)) + 1).isoformat()}
        if unit is not None:
            sql += " JOIN matter_units u ON u.matter = m.id AND u.unit = :unit"
            args["unit"] = unit
        sql += " WHERE m.registered <= :as_of"
        if kind is not None:
            sql += " AND m.kind = :kind"
            args["kind"] = kind
        head = render_csv(LEDGER_HEADERS, []).rstrip("\r")
        return self._csv_pieces(head, conn.execute(sql + " ORDER BY m.id", args),
                                dict(as_of=as_of, unit=unit, kind=kind, viewer=viewer))

    def _csv_pieces(self, head: str, cursor: Any, query: dict[str, Any]) -> Iterator[str]:
        """The pieces of ``ledger_csv``'s text, made 10,000 lines at a time (a province's ledger is
        written as it is read, not held whole): the header, each batch of lines (each after CRLF), then
        a closing CR (``render_csv``'s text, whose last line break the printer adds)."""
        from ducha_core.cli.options import render_csv

        yield head
        while True:
            batch = cursor.fetchmany(CSV_BATCH)
            if not batch:
                break
            lines: list[str | None] = [r[0] for r in batch]
            ids: list[str] = [r[1] for r in batch]
            made_here = 0 in [r[3] for r in batch]  # a line the query made, not one kept with its row
            secret = [r[2] for r in batch]  # confidential in the log: made below; None: not in the log
            if secret.count(0) != len(secret):
                kept = [r for r in batch if r[2] is not None]  # a matter not in the log (``verify`` reports it)
                lines, ids = [r[0] if not r[2] else None for r in kept], [r[1] for r in kept]
            if made_here:
                # a line with a cell a spreadsheet could take for a formula is made the slow way
                # (``csv_cell``; a kept line was made so): one search over the text of the batch after
                # a LF (a match at a line's start or after a separator), not one search a line
                text = "\n" + ("\n".join(lines) if None not in lines else "\n".join(line or "" for line in lines))
                matches = list(_LINE_FORMULA.finditer(text))
                if matches:
                    starts = list(itertools.accumulate((len(line or "") + 1 for line in lines), initial=0))
                    for match in matches:  # a match of the LF before a line belongs to that line
                        at = match.start() - 1 + (match.group(0)[0] == "\n")
                        lines[bisect.bisect_right(starts, at) - 1] = None
            folded = [mid for mid, line in zip(ids, lines, strict=True) if line is None] if None in lines else []
            if folded:
                rows = {r.id: r for r in self.rows(**query, ids=folded)}
                made = iter(folded)
                out: list[str] = []
                for line in lines:
                    if line is not None:
                        out.append(line)
                        continue
                    row = rows.get(next(made))
                    if row is not None:
                        out.append(render_csv(["-"], [self.row_cells(row)]).split("\r\n", 1)[1].rstrip("\r"))
                lines = out
            if lines:
                yield "\r\n" + "\r\n".join(lines)  # type: ignore[arg-type]
        yield "\r"

    def _source_of(self, row: LedgerRow) -> str:
        """A row's 来源 (the matter's source), read from the stored matter (folded if need be)."""
        return self.matter(row.id, as_of=row.as_of).source or ""

    def _row_from_columns(self, r: tuple, as_of: date, as_iso: str, cutoff: date) -> LedgerRow:
        (mid, kind, title, state, lead, co, resp, due, what, due_name, submitted, closed, conf, viewers,
         registered, _last_on, _last_seq, _json, owed_by, late_days) = r
        policy = self.policy
        running = state in self._clock
        if state == WITHDRAWN:  # 撤销 (as matter.light)
            colour = "withdrawn"
        elif what is not None:  # an obligation is owed (the most urgent one's day, if it has one)
            if due is None:
                colour = "green"
            elif as_iso > due:
                colour = "red"
            else:
                colour = "yellow" if date.fromisoformat(due) < cutoff else "green"
        elif running:
            colour = "green"
        else:
            colour = "done" if policy.states[state].terminal or submitted else "none"
        lead_t, co_t = _split(lead), _split(co)
        if what is not None:
            next_step = due_name or ""
        elif running:
            next_step = "无期限"
        else:
            next_step = self._next_steps.get(state, "")
        return LedgerRow(
            mid, kind, title, state, policy.states[state].name, colour, _d(due), due_name, next_step,
            _split(owed_by) if what is not None else (), lead_t, co_t, resp, date.fromisoformat(registered),
            _d(submitted), _d(closed), bool(conf), _split(viewers), as_of, late_days or 0, self,
        )

    def _row_from_state(self, state: MatterState, as_of: date) -> LedgerRow:
        """The row of a matter folded up to ``as_of`` (its obligations as of that day)."""
        obligations = self.engine.obligations(state, as_of, include_next=True)
        row = state_row(state, obligations, as_of)
        cutoff = self.calendar.add_workdays(as_of, int(self.policy.settings.get("warning_window", 3)) + 1)
        out = self._row_from_columns(row, as_of, as_of.isoformat(), cutoff)
        out.light = light(self.policy, self.calendar, state, as_of)
        return out

    def derived_rows(self, state: MatterState, engine: MatterEngine | None = None) -> MatterRows:
        """What the read model keeps of a matter: its row (``MATTER_COLUMNS``, then its CSV line's
        ``LINE_COLUMNS``: ``line_cells``), its units, its obligations as of its last event (with the
        next occurrence of each recurring report)."""
        events = state.events
        last_on = max(e.on for e in events) if events else state.registered_on
        obligations = (engine or self.engine).obligations(state, last_on, include_next=True)
        row = state_row(state, obligations, marks=self._marks(events))
        return row + self.line_cells(row), unit_rows(state), obligation_rows(state, obligations)

    @property
    def line_key(self) -> str:
        """A digest (16 hex digits) of what a kept CSV line (``line_cells``) is made with: the read
        model's key and the names of units, people, kinds, states, next steps and lights. A line kept
        under another key is not used (``ledger_csv_pieces`` makes it afresh)."""
        if self._line_key is None:
            import hashlib

            config, policy = self.config, self.policy
            names = (self.model_key, LINE_LAYOUT, LEDGER_HEADERS, sorted(LIGHT_NAMES.items()),
                     sorted((k, u.name) for k, u in config.units.items()),
                     sorted((k, p.name) for k, p in config.people.items()),
                     sorted((k, v.name) for k, v in policy.kinds.items()),
                     sorted((k, v.name) for k, v in policy.states.items()), sorted(self._next_steps.items()))
            self._line_key = hashlib.sha256(repr(names).encode("utf-8")).hexdigest()[:16]
        return self._line_key

    def line_cells(self, row: tuple) -> tuple[str, str | None, str | None, str | None]:
        """A ``matters`` row's line of ``ducha ledger --format csv`` as of its last event, in parts
        (``LINE_COLUMNS``): (``line_key``, the first four cells, the light — None where the day
        decides it: a last day owed — the last four), each part as ``render_csv`` writes those cells
        (quoted where need be, a cell a spreadsheet could take for a formula defused). No parts (None)
        for a state the policy does not know."""
        from ducha_core.cli.options import _csv_cell, render_csv

        if row[3] not in self.policy.states:
            return self.line_key, None, None, None
        last_on = row[15]
        raw = self.row_cells(self._row_from_columns(row, date.fromisoformat(last_on), last_on, date.min))
        text = [_csv_cell(c) for c in raw]
        if not all(c.__class__ is str for c in text) or _CSV_QUOTED.search("".join(text)):  # as the csv module writes them
            text = [render_csv([c], [])[:-1] if c not in ("", None) else "" for c in raw]  # (one empty cell: "")
        dated = row[3] != WITHDRAWN and row[8] is not None and row[7] is not None
        return (self.line_key, ",".join(text[:4]), None if dated else text[4], ",".join(text[5:]))

    def _marks(self, events: Sequence[Event]) -> list[str]:
        """What of the events the consequences read across matters (``escalation.watched_actions``,
        ``yearly_steps``): the read model keeps it, so ``due`` folds only the matters holding it."""
        watched, yearly = self._watched, self._yearly
        found = {e.action for e in events if e.action in watched}
        for e in events:
            step = e.data.get("step")
            if isinstance(step, str) and step in yearly:
                found.add(f"step:{step}")
        return sorted(found)

    def obligations(self, *, as_of: date, start: date | None = None, until: date | None = None,
                    unit: str | None = None, status: str | None = None, viewer: str | None = None,
                    all_visible: bool = False) -> list[tuple[MatterState, Obligation]]:
        """Obligations as of a day, of every matter a viewer may see: (matter, obligation), by
        last day. ``start``/``until`` keep those whose last day falls in [start, until] (the next
        occurrence of each recurring report included); ``unit`` those it owes; ``status`` one status
        (open, overdue, missed, met, late, superseded, ended) or ``owed`` (open or overdue)."""
        from ducha_core.obligations import STATUS_NAMES

        if unit is not None and unit not in self.config.units:
            raise InputError(f"未知的单位 '{unit}'；{self.config.name} 中的单位：{', '.join(self.config.units) or '（无）'}")
        if status is not None and status not in STATUS_NAMES and status != "owed":
            raise InputError(f"未知的状态 '{status}'；可用：owed（应报）、{'、'.join(f'{k}（{v}）' for k, v in STATUS_NAMES.items())}")
        if start is not None and until is not None and until < start:
            raise InputError(f"截止日 {until} 早于起始日 {start}；请对调 --from 与 --before")
        found: list[tuple[MatterState, Obligation]] = []
        for state in self.states(as_of=as_of):
            if not all_visible and state.confidential and not self.visible(state, viewer):
                continue
            for ob in self.engine.obligations(state, as_of, include_next=until is not None and until > as_of):
                st = ob.status(as_of)
                if (status == "owed" and st not in OWED) or (status not in (None, "owed") and st != status):
                    continue
                if unit is not None and unit not in ob.owed_by:
                    continue
                if start is not None and (ob.due is None or ob.due < start):
                    continue
                if until is not None and (ob.due is None or ob.due > until):
                    continue
                found.append((state, ob))
        found.sort(key=lambda pair: (pair[1].due or date.max, pair[0].id, pair[1].id))
        return found

    def due(self, *, as_of: date, year: int | None = None) -> list[Finding]:
        """Escalations, forced grades and deductions the rules call for as of a day (``year``: of
        that assessment year, see ``escalation.evaluate``)."""
        return evaluate(self.policy, self.calendar, self.due_states(as_of=as_of, year=year), as_of, year=year)

    def due_states(self, *, as_of: date, year: int | None = None) -> list[MatterState]:
        """The matters ``evaluate(policy, calendar, states, as_of, year=year)`` can find something in,
        folded as ``states(as_of=as_of, explain=False)`` folds them, in id order; the findings over
        them are those over every matter. Chosen in SQL from the read model
        (``escalation.fold_selection``, ``store.matters_to_fold``): the matters with an obligation
        owed past its last day or met late, those whose events a count, a grade or a waiting period
        reads, and those changed after ``as_of``; every matter where the read model cannot answer
        (derived under another policy or calendar, or behind the log)."""
        store = self.store
        if not self._read_model_usable() or not hasattr(store, "matters_to_fold") or not store.at_head():
            return self.states(as_of=as_of, explain=False)
        selection = fold_selection(self.policy, self.calendar, as_of, year=year)
        ended = sorted(sid for sid, s in self.policy.states.items() if s.done)
        scans = [(scan.what, scan.open_only, scan.due_from.isoformat() if scan.due_from else None)
                 for scan in selection.overdue]
        ids = store.matters_to_fold(as_of=as_of.isoformat(), day=selection.day.isoformat(), overdue=scans,
                                    ended=ended, first_lead=selection.first_lead)
        return self._fold_matters(ids, as_of)

    def matter_findings(self, matter_id: str, *, as_of: date) -> list[Finding]:
        """What the rules call for as of a day about one matter, as a document about it lists them:
        the findings ``evaluate`` gives over every matter that name the matter, or no matter but one
        of its units (a unit's grade). Folded: the matter, the matters whose events a count, a grade
        or a confirmation of one reads (the read model's marks), the first matter each of its units
        leads (a grade's finding names it) and, where grades are read, the matters changed after
        the day — not every matter. Every matter where the read model cannot answer."""
        state = self.matter(matter_id, as_of=as_of)
        store = self.store
        if not self._read_model_usable() or not hasattr(store, "marked_matters") or not store.at_head():
            states = self.states(as_of=as_of, explain=False)
        else:
            selection = fold_selection(self.policy, self.calendar, as_of)
            ids = {matter_id, *store.marked_matters()}
            if selection.first_lead:
                ids.update(store.first_leads(sorted(state.units), as_of.isoformat()))
                ids.update(store.changed_after(as_of.isoformat()))
            states = self._fold_matters(sorted(ids), as_of)
        units = set(state.units)
        return [f for f in evaluate(self.policy, self.calendar, states, as_of)
                if f.matter == matter_id or (f.matter is None and f.unit in units)]

    def confirmation_states(self, findings: Sequence[Finding], states: Sequence[MatterState], *,
                            as_of: date) -> dict[str, MatterState]:
        """Matter id -> state, for ``confirm.confirmation``: ``states`` (``due_states``), and for a
        unit's yearly finding (a count, a grade), every matter of the unit as of ``as_of`` — the
        confirmation may be recorded on any of them (the first one that allows the step)."""
        by_id = {s.id: s for s in states}
        units = sorted({f.unit for f in findings if f.yearly and f.unit})
        if units and hasattr(self.store, "matters_to_fold"):
            ids = [r[0] for unit in units for r in self.store.matter_rows(unit=unit, registered_upto=as_of.isoformat())
                   if r[0] not in by_id]
            by_id.update((s.id, s) for s in self._fold_matters(ids, as_of))
        return by_id

    def _fold_matters(self, ids: Sequence[str], as_of: date | None) -> list[MatterState]:
        """Some matters folded (as of a day) with the bulk engine, in id order; those with no event
        by the day are left out (as ``states`` leaves them out)."""
        return self._fold_each(self.store.histories(bulk=True, ids=ids), self._bulk(), as_of)

    # --- maintenance -------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        return self.store.verify()

    def check_read_model(self, *, full: bool = False, sample: int = 100) -> ReadModelReport:
        """Compare the stored read model (``matters``, ``matter_units``, ``obligations``) with a
        fresh fold of the log, as ``rebuild`` would write it: every matter with ``full``, else a
        random sample of ``sample`` matters. For every matter, also without ``full``: that the
        table and the log have the same matters, and the ``confidential`` and ``viewers`` columns
        against the log's first event. Reads only. Rows derived under another policy or calendar
        (``stale``) are not compared: every read folds the log then."""
        import random

        from ducha_core.store import compare_rows

        log_ids = self.store.log_matters()
        if not self._read_model_usable():
            return ReadModelReport(True, 0, len(log_ids), full, stale=True)
        table_ids = set(self.store.matters())
        known = set(log_ids)
        found: dict[str, list[str]] = {m: ["事件日志中没有该事项"] for m in sorted(table_ids - known)}
        for mid in log_ids:
            if mid not in table_ids:
                found[mid] = ["事项状态表中没有该事项"]
        for r in self.store.matter_rows(created=True):
            if r[-1] is not None:
                secret = self._log_secret(r[0]) if r[-1] else None
                if r[12] != int(secret is not None):
                    found.setdefault(r[0], []).append("涉密")
                if r[13] != ",".join(secret or ()):
                    found.setdefault(r[0], []).append("知悉范围")
        common = [m for m in log_ids if m in table_ids]
        chosen = common if full or len(common) <= sample else sorted(random.SystemRandom().sample(common, sample))
        histories = self.store.histories(bulk=True) if full else (self.store.events(m) for m in chosen)
        checked = 0
        batch: list[list[Event]] = []

        def compare() -> None:
            stored = self.store.stored_rows([h[0].matter for h in batch])
            for history in batch:
                mid = history[0].matter
                try:
                    names = compare_rows(stored.get(mid), self._fold_row(history))
                except Exception as exc:  # a log that cannot be folded: reported, not raised
                    names = [f"无法由事件日志重算（{exc}）"]
                for name in names:
                    if name not in found.setdefault(mid, []):
                        found[mid].append(name)
            batch.clear()

        try:
            with _collector_paused():
                for history in histories:
                    if history and history[0].matter in table_ids:
                        batch.append(history)
                        checked += 1
                        if len(batch) >= 500:
                            compare()
                compare()
        except (DuchaError, TypeError, ValueError) as exc:  # a damaged event: the chain check says where
            unreadable = str(exc)
        else:
            unreadable = ""
        differences = tuple(f"{mid}（{'、'.join(names)}）" for mid, names in sorted(found.items()) if names)
        return ReadModelReport(not differences and not unreadable, checked, len(known | table_ids), full, differences,
                               unreadable=unreadable)

    def backup(self, dest: str | Path) -> Path:
        return self.store.backup(dest)

    def rebuild(self, *, workers: int | None = None) -> int:
        """Recompute the matters table from the event log, in bulk, in one transaction; returns the
        number of matters. Folds in ``workers`` processes (default: one per CPU for large logs)."""
        total = self.store.count_events() if hasattr(self.store, "count_events") else 0
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if total > 200_000 else 1
        if workers <= 1 or not hasattr(self.store, "split_points"):
            with _collector_paused():
                rows = (self._fold_row(h) for h in self.store.histories(bulk=True))
                count = self.store.replace_states(rows)
        else:
            count = self._rebuild_in_parts(workers)
        if hasattr(self.store, "recount_ids"):  # the matter-id counters, like the read model, from the log
            self.store.recount_ids()
        self.store.set_meta("jurisdiction", self.model_key)
        self._model_of = self.model_key
        self._cache.clear()
        return count

    def _bulk(self) -> MatterEngine:
        """An engine that computes no deadline explanations (figures over many matters)."""
        if self._bulk_engine is None:
            self._bulk_engine = MatterEngine(self.policy, self.calendar, self.person, explain=False,
                                             recorded_as_is=self.engine.recorded_as_is)
        return self._bulk_engine

    def _fold_row(self, history: Sequence[Event]) -> MatterRows:
        engine = self._bulk()
        state = engine.fold(history)  # the read model keeps no deadline explanations
        return self.derived_rows(state, engine)

    def _rebuild_in_parts(self, workers: int) -> int:
        """Fold in ``workers`` processes, each over one range of matter ids, each writing its rows
        into a part file of its own; the parent then copies the parts in, in SQL, in one transaction
        (no rows pickled between processes)."""
        import multiprocessing as mp

        points = self.store.split_points(workers)
        bounds = list(zip([None, *points], [*points, None], strict=True))
        # named by this process: a rebuild killed before its ``finally`` leaves parts that the next
        # opening removes (``_remove_stale_parts``), while a running rebuild's parts are left alone
        parts = [self.store.path.with_name(f"{self.store.path.name}.rebuild-{os.getpid()}-{n}.part")
                 for n in range(len(bounds))]
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        errors = ctx.Queue()
        procs = [ctx.Process(target=_worker_run, args=(self.config, bound, str(part), errors), daemon=True)
                 for bound, part in zip(bounds, parts, strict=True)]
        try:
            for proc in procs:
                proc.start()
            with self.store.states_replaced() as load:  # clears the old rows while the workers fold
                for proc in procs:
                    proc.join()
                if not errors.empty():
                    raise DuchaError(f"重建失败：{errors.get()}；未作任何改动")
                if any(proc.exitcode != 0 for proc in procs):
                    raise DuchaError("重建失败：一个工作进程意外退出；未作任何改动")
                return load(parts)
        finally:
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
                    proc.join()
            for part in parts:
                part.unlink(missing_ok=True)


def _remove_stale_parts(store: EventStore) -> None:
    """Remove the part files of parallel rebuilds that were killed (their process is gone; the
    database itself was left as it was): ``<database>.rebuild-<pid>-<n>.part``, and the older
    ``<database>.rebuild-<n>.part``. Not with a read-only database, nor on systems where a process
    cannot be asked whether it still runs."""
    from glob import escape as glob_escape

    path = getattr(store, "path", None)
    if path is None or getattr(store, "readonly", None) is not None or os.name != "posix":
        return
    for part in Path(path).parent.glob(f"{glob_escape(Path(path).name)}.rebuild-*.part"):
        numbers = part.name[len(Path(path).name) + len(".rebuild-"):-len(".part")].split("-")
        if not all(n.isdigit() for n in numbers):
            continue
        if len(numbers) == 2 and _process_alive(int(numbers[0])):
            continue
        with contextlib.suppress(OSError):
            part.unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


#: objects left from a bulk fold past which the collector is not merely re-enabled (``_collector_paused``)
FREEZE_AFTER = 50_000


@contextlib.contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while folding in bulk (many objects, no cycles). The
    objects the fold leaves (the folded states the caller keeps) are then moved out of the
    collector's generations (``gc.freeze``) before it runs again: otherwise its next collections
    traverse all of them, several times over (a quarter of a command's time at 200,000 matters).
    They are still freed when no longer referenced; only cycles among them would outlive the process'
    use of them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_count()[0] >= FREEZE_AFTER:
                gc.freeze()
            gc.enable()


def _worker_run(config: DeploymentConfig, bound: tuple[str | None, str | None], part: str, errors) -> None:
    """One rebuild worker: fold the matters in ``bound`` and write their rows into ``part``."""
    from ducha_core.store.sqlite import write_state_part

    try:
        gc.disable()  # millions of short-lived objects, no cycles: the cyclic collector only costs time
        ledger = Ledger.open(config, create=False)
        write_state_part(part, (ledger._fold_row(h) for h in ledger.store.histories(*bound, bulk=True)))
        ledger.close()
    except Exception as exc:
        errors.put(f"{type(exc).__name__}: {exc}")


def open_ledger(config_path: str | Path | None = None, *, jurisdiction: str | None = None,
                create: bool = True) -> Ledger:
    """Load a deployment file (see ``ducha_core.config.load_config``) and open its ledger."""
    from ducha_core.config import load_config

    return Ledger.open(load_config(config_path, jurisdiction=jurisdiction), create=create)


__all__ = ["DuchaError", "Ledger", "LedgerRow", "open_ledger"]
