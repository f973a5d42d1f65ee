"""``ducha demo``: a sample deployment with a plausible year of matters, its ledger, documents and dashboard.

Nothing here knows one jurisdiction's procedure. The units and people are generic; the people's
roles are read from ``policy.roles`` by scope (office / unit / leader / inspector / other). Each
matter follows a scenario (on time, late, returned for rework, extended, left overdue, chased by
order, still running) written as *milestones* (assign, submit, review_return …); the planner walks
``policy.transitions`` from the matter's state to the nearest state where the milestone is allowed
and fills the fields the step requires. A milestone the procedure does not have is skipped. Every
month end, the escalations, forced grades the rules call for (``escalation.evaluate``) are confirmed
as the office would (the proposed action with ``step`` in its data).

The year is planned in memory with ``MatterEngine`` (the same checks as the ledger), then recorded
through ``Ledger.record`` in date order. Seeded: the same jurisdiction and year give the same ledger.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import deque
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs

from ducha_core.confirm import confirmation
from ducha_core.errors import ActionRefused, DuchaError, InputError
from ducha_core.escalation import evaluate
from ducha_core.events import Event
from ducha_core.matter import MatterEngine, MatterState, light
from ducha_core.model import Person, Unit
from ducha_core.periods import AsAssigned

MARKER = ".ducha-demo"
DEFAULT_JURISDICTION = "weinan_gaoxin"
SEED = 20250101

PREFIX = {"district": "区", "county": "县", "city": "市", "province": "省"}
#: (id, name without the level prefix)
DEPARTMENTS = (
    ("fgj", "发改局"), ("jyj", "教育局"), ("zjj", "住建局"), ("zrzyj", "自然资源局"), ("sthjj", "生态环境局"),
    ("jtysj", "交通运输局"), ("nyncj", "农业农村局"), ("wjj", "卫生健康局"), ("scjgj", "市场监管局"),
    ("yjglj", "应急管理局"),
)
#: the source a demo matter of these kinds names (the others name none)
SOURCED = {"npc_suggestion": "区人大代表", "cppcc_proposal": "区政协委员"}
#: the 口 (line of work) of each demo department, so a bulletin that groups by 口 (Ankang 第七条 分口汇总)
#: has groups to show; the local governments below the jurisdiction are their own 口
LINES = {"fgj": "经济口", "scjgj": "经济口", "nyncj": "农业农村口", "zrzyj": "城建口", "zjj": "城建口",
         "jtysj": "城建口", "sthjj": "城建口", "jyj": "社会事业口", "wjj": "社会事业口", "yjglj": "社会事业口"}
LOCAL = {  # the units below the jurisdiction: streets for a district or county, districts for a city
    "district": (("jd_cg", "城关街道"), ("jd_xh", "新华街道"), ("jd_df", "东风街道")),
    "county": (("z_cg", "城关镇"), ("z_xh", "新华镇"), ("z_df", "东风镇")),
    "city": (("q_dc", "东城区人民政府"), ("q_xs", "西山县人民政府"), ("q_nh", "南河县人民政府")),
    "province": (("s_dc", "东城市人民政府"), ("s_xs", "西山市人民政府"), ("s_nh", "南河市人民政府")),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("建华", "志强", "秀英", "海燕", "伟", "静", "军", "丽", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "霞", "平", "刚", "桂英", "晓东", "国庆", "红梅", "文斌", "小龙", "亚楠", "春生", "卫东", "立新")

TITLES = {
    "decision": ["贯彻落实全区优化营商环境重点任务", "推进新型城镇化建设重大部署", "落实安全生产治本攻坚三年行动"],
    "document": ["落实《关于加强耕地保护的实施意见》", "贯彻区委1号文件推进乡村振兴", "落实河湖长制工作要点"],
    "meeting": ["区政府常务会议议定事项：老旧小区改造", "专题会议议定事项：中小学校舍维修", "现场办公会议定事项：背街小巷整治"],
    "instruction": ["领导批示：核查群众反映的供暖不热问题", "领导批示：加快推进农贸市场提升改造", "领导批示：整治校园周边交通秩序"],
    "npc_suggestion": ["人大代表建议：增设社区养老服务站", "人大代表建议：改善城区停车难问题", "人大代表建议：加强农村饮水安全"],
    "cppcc_proposal": ["政协委员提案：推动数字经济产业园建设", "政协委员提案：加强非遗保护传承", "政协委员提案：完善社区医疗服务"],
    "annual_task": ["政府工作报告重点任务：新建3所幼儿园", "年度民生实事：改造燃气管网20公里", "公开承诺事项：12345热线按期办结率"],
    "public_concern": ["媒体反映：小区违建久拖未拆", "网民反映：公交线路调整不便", "群众反映：夜市噪音扰民"],
    "rectification": ["巡察反馈问题整改：项目审批超时", "审计整改：专项资金拨付滞后", "巡视整改：工程招投标不规范"],
    "other": ["主要领导交办：筹备全区项目观摩活动", "交办事项：梳理闲置低效用地", "交办事项：开展冬季防火专项检查"],
}

#: scenario -> weight
SCENARIOS = {
    "on_time": 36,
    "late": 10,
    "returned": 9,
    "extended": 7,
    "overdue": 6,
    "chased": 5,
}

#: values for fields a step requires (plugins' own fields fall back to a generic text)
FIELD_TEXT = {
    "reason": "办理结果未达到交办要求，请补充完善后重新报送",
    "reasons": "涉及多个部门协调，需履行审批程序",
    "progress": "已完成方案制定和前期调研，正在组织实施",
    "method": "书面",
    "document_number": None,  # filled per matter
    "signer": None,
    "seal": True,
    "leader_signoff": True,
    "head_signoff": True,
    "visible_progress": "完成总工程量的60%",
    "evidence": "现场照片、验收资料",
    "plan": "整改方案：明确责任人、整改措施和完成时限",
    "next_steps": "加派人手，倒排工期，确保月底前完成",
    "plan_item": "年度督查检查考核计划第3项",
    "summary": "已按要求办理完毕",
}
DATE_FIELDS = ("until", "planned_start", "deadline", "meeting")


@attrs.define
class Demo:
    """The planned deployment: units, people, events (before recording)."""

    jurisdiction: str
    year: int
    as_of: date
    units: dict[str, Unit]
    people: dict[str, Person]
    settings: dict[str, Any]
    events: list[Event]
    scenarios: dict[str, str]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut (so a cut 类别 reads as cut)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def directory_people(policy: Any, level: str, rng: random.Random) -> tuple[dict[str, Unit], dict[str, Person]]:
    """Units and people with the jurisdiction's role ids, picked by scope."""
    prefix = PREFIX.get(level, "区")
    by_scope: dict[str, list[str]] = {}
    for role in policy.roles.values():
        by_scope.setdefault(role.scope, []).append(role.id)
    people: dict[str, Person] = {}
    office_roles = tuple(by_scope.get("office", ()))
    office = policy.jurisdiction.office
    people["office_li"] = Person("office_li", _name(rng), office_roles, None, f"{office}主任")
    people["office_wang"] = Person("office_wang", _name(rng), office_roles, None, f"{office}工作人员")
    leaders = [r for r in policy.roles.values() if r.scope == "leader"]
    for n, role in enumerate(leaders, 1):
        pid = f"leader{n}"
        people[pid] = Person(pid, _name(rng), (role.id,), None, role.name)
    for n, role in enumerate((r for r in policy.roles.values() if r.scope in ("inspector", "other")), 1):
        pid = f"{role.scope}{n}"
        people[pid] = Person(pid, _name(rng), (role.id,), None, role.name)
    unit_roles = tuple(by_scope.get("unit", ()))
    # the liaison (督查联络员) acts for the unit but is not its head or its leader in charge
    staff_roles = tuple(r for r in unit_roles if not any(w in r for w in ("head", "leader", "responsible"))
                        and not any(w in policy.roles[r].name for w in ("主要负责", "第一责任人", "领导"))) or unit_roles
    leader_in_charge = next((f"leader{n}" for n, r in enumerate(leaders, 1) if "in_charge" in r.id or r.id == "leader"),
                            "leader1" if leaders else None)
    units: dict[str, Unit] = {}
    for uid, name in (*((u, prefix + n) for u, n in DEPARTMENTS), *LOCAL.get(level, LOCAL["district"])):
        head, staff = f"{uid}_head", f"{uid}_staff"
        people[head] = Person(head, _name(rng), unit_roles, uid, f"{name}主要负责人")
        people[staff] = Person(staff, _name(rng), staff_roles, uid, f"{name}督查联络员")
        units[uid] = Unit(uid, name, head=head, leader_in_charge=leader_in_charge, responsible_person=staff,
                          line=LINES.get(uid, "属地口"))
    return units, people


class Planner:
    """Plans matters through the policy's procedure with a MatterEngine (the ledger's checks)."""

    def __init__(self, policy: Any, calendar: Any, units: dict[str, Unit], people: dict[str, Person], rng: random.Random):
        self.policy = policy
        self.cal = calendar
        self.units = units
        self.people = people
        self.rng = rng
        self.engine = MatterEngine(policy, calendar, self._person)
        self.events: dict[str, list[Event]] = {}
        self.states: dict[str, MatterState] = {}
        self.refused: list[str] = []
        self.finished = 0  # matters whose result passed review (every third is reported to the leaders)

    def _person(self, pid: str) -> Person:
        return self.people[pid]

    # --- helpers ---------------------------------------------------------------------------------

    def wd(self, day: date, n: int) -> date:
        return self.cal.add_workdays(day, n)

    def actor(self, action: str, state: MatterState | None, unit: str | None = None) -> str | None:
        current = state.state if state is not None else self.policy.procedure.initial
        t = self.policy.transition(current, action)
        if t is None:
            return None
        roles = set(t.roles)
        own = (state.lead_units if t.lead_only else state.units) if state is not None else ()
        units = ([unit] if unit else []) + list(own)
        ordered = sorted(self.people.values(), key=lambda p: (p.unit is not None, p.id))
        for p in ordered:  # office, leaders first; then the matter's own units
            held = [r for r in p.roles if r in roles]
            if not held:
                continue
            if all(self.policy.roles[r].scope == "unit" for r in held):
                if state is None or p.unit not in units:
                    continue
                if unit and p.unit != unit:
                    continue
            return p.id
        return None

    def data_for(self, action: str, state: MatterState | None, day: date, extra: dict[str, Any]) -> dict[str, Any]:
        current = state.state if state is not None else self.policy.procedure.initial
        t = self.policy.transition(current, action)
        data = dict(extra)
        fields = list(t.requires) if t is not None else []
        kind = state.kind if state is not None else extra.get("kind", "")
        fields += list(t.requires_by_kind.get(kind, ())) if t is not None else []
        if action == "extension_ask" and state is not None:
            rule = self.policy.extension_rule_for(state.kind)
            fields += list(rule.requires) if rule is not None else []
        authority = self.engine.authority_for(state, action, {**extra, **{f: True for f in fields if f not in extra}})
        for field in fields:
            if field in data and not (field in authority and data[field] is True):
                continue
            if field in DATE_FIELDS:
                data[field] = self.wd(day, 10).isoformat()
            elif field == "document_number":
                data[field] = f"{self.units[state.lead_units[0]].name if state and state.lead_units else ''}文〔{day.year}〕{self.rng.randint(1, 99)}号"
            elif field == "signer":
                unit = self.units.get(state.lead_units[0]) if state and state.lead_units else None
                data[field] = self.people[unit.head].name if unit and unit.head else "主要负责人"
            elif field == "responsible_person":
                unit = self.units.get(state.lead_units[0]) if state and state.lead_units else None
                data[field] = unit.responsible_person if unit else next(iter(self.people))
            elif t is not None and self.engine.choices_for(t, field):  # the document's own list
                data[field] = self.engine.choices_for(t, field)[0]
            elif field in authority:  # the person who may approve or sign it, by id
                data[field] = self.authorised(authority[field], state, extra.get("units"))
            elif field == "to":
                data[field] = next((r for r in self.policy.roles if self.policy.roles[r].scope == "leader"), "leader")
            else:
                value = FIELD_TEXT.get(field)
                data[field] = value if value is not None else "（示例）"
        return data

    def methods(self) -> tuple[str, ...]:
        """The ways of chasing (催办方式) the document lists for its reminders (the first three), else
        the common ones."""
        for t in self.policy.procedure.transitions:
            if t.action == "remind" and self.engine.choices_for(t, "method"):
                return self.engine.choices_for(t, "method")[:3]
        return ("电话", "书面", "实地")

    def authorised(self, auth: Any, state: MatterState | None, units: Any = None) -> str | None:
        """A person id holding one of the roles ``auth`` names (of the acting unit where it says so)."""
        unit = (units[0] if isinstance(units, list) and units else units) or (
            state.lead_units[0] if state is not None and state.lead_units else None)
        for person in sorted(self.people.values(), key=lambda p: p.id):
            if any(r in auth.roles for r in person.roles) and (not auth.same_unit or person.unit == unit):
                return person.id
        return None

    def apply(self, matter: str, action: str, day: date, extra: dict[str, Any] | None = None,
              actor: str | None = None, unit: str | None = None) -> bool:
        """Try one step; keep it if the engine accepts it."""
        from ducha_core.store import normalize_data

        state = self.states.get(matter)
        if state is not None and state.events and day < state.events[-1].on:
            day = state.events[-1].on
        t = self.policy.transition(state.state, action) if state is not None else None
        if t is not None and t.each_lead_unit and unit is None and actor is None:
            # every lead unit files its own (e.g. 各牵头单位分别形成书面报告)
            pending = [u for u in state.lead_units if u not in state.submitted_by]
            return all([self.apply(matter, action, day, extra, unit=u) for u in pending])
        actor = actor or self.actor(action, state, unit)
        if actor is None:
            return False
        data = normalize_data(self.data_for(action, state, day, extra or {}))
        own = self.people[actor].unit if actor in self.people else None
        if action == "accept" and own in self.units and "responsible_person" in data:
            data["responsible_person"] = self.units[own].responsible_person  # the accepting unit's own
        event = Event(matter, action, day, actor, data)
        try:
            self.engine.check_new(state, event)  # as the ledger will
            new = self.engine.apply(state, event)
        except ActionRefused as exc:
            self.refused.append(f"{matter} {action} {day}: {exc}")
            return False
        self.states[matter] = new
        self.events.setdefault(matter, []).append(event)
        return True

    def path(self, start: str, action: str) -> list[str] | None:
        """Actions leading from ``start`` to a state where ``action`` is allowed (shortest)."""
        if self.policy.transition(start, action) is not None:
            return []
        avoid = {"reject", "review_return", "apply", "register", "escalate", "extension_refuse", action}
        seen = {start}
        queue: deque[tuple[str, list[str]]] = deque([(start, [])])
        while queue:
            state, steps = queue.popleft()
            for t in self.policy.actions_in(state):
                if t.action in avoid or t.target is None or t.target in seen:
                    continue
                if self.policy.states[t.target].terminal and t.action != action:
                    continue
                nxt = [*steps, t.action]
                if self.policy.transition(t.target, action) is not None:
                    return nxt
                seen.add(t.target)
                queue.append((t.target, nxt))
        return None

    def reach(self, matter: str, action: str, day: date, extra: dict[str, Any] | None = None,
              actor: str | None = None) -> bool:
        """Walk to a state where ``action`` is allowed and do it (all on ``day``)."""
        state = self.states[matter]
        steps = self.path(state.state, action)
        if steps is None:
            return False
        for step in steps:
            if not self.apply(matter, step, day):
                return False
        return self.apply(matter, action, day, extra, actor)

    # --- a matter's life ---------------------------------------------------------------------------

    def create(self, matter: str, kind: str, title: str, day: date) -> bool:
        initial = self.policy.procedure.initial
        source = SOURCED.get(kind, "")
        data = {"kind": kind, "title": title, **({"source": source} if source else {})}
        if self.policy.transition(initial, "register") is not None and self.apply(matter, "register", day, data):
            return True
        return self.apply(matter, "apply", day, data)

    def assign(self, matter: str, day: date, lead: str, co: list[str]) -> bool:
        state = self.states[matter]
        steps = self.path(state.state, "assign")
        if steps is None:
            return False
        for step in steps:
            if not self.apply(matter, step, day):
                return False
        state = self.states[matter]
        data: dict[str, Any] = {"lead_units": [lead], **({"co_units": co} if co else {})}
        limits = self.policy.limits_for(state.kind, state.registered_on)
        if any(self.policy.anchor_of(limit) == "meeting" for limit in limits):
            data["meeting"] = max(state.registered_on, self.wd(day, -2)).isoformat()  # the meeting just before
        choices = [c for c in self.policy.cycles_for(state.kind) if c.choice]
        if choices:  # alternative reporting cycles: the leader names one (e.g. 以周、月、季、年为周期)
            data["cycle"] = self.rng.choice(choices).id
        if any(isinstance(limit.period, AsAssigned) for limit in limits if limit.what in ("result", "answer")):
            data["deadline"] = self.wd(day, self.rng.choice((10, 15, 20))).isoformat()  # the notice states it
        before = len(self.events.get(matter, []))
        ok = self.apply(matter, "assign", day, data)
        if ok:
            due = self.states[matter].due
            if due is None or due.date is None:  # 随办随报 or no limit: the notice sets a date
                self.events[matter] = self.events[matter][:before]
                self.states[matter] = state
                explicit = {**data, "deadline": self.wd(day, self.rng.choice((10, 15, 20))).isoformat()}
                if not self.apply(matter, "assign", day, explicit):
                    return self.apply(matter, "assign", day, data)
        return ok

    def due(self, matter: str) -> date | None:
        state = self.states[matter]
        return state.due.date if state.due is not None else None

    def submit(self, matter: str, day: date) -> bool:
        state = self.states[matter]
        if self.policy.transition(state.state, "accept") is not None and self.rng.random() < 0.9:
            # the lead unit accepts first (一事一主体), then each co unit
            first = max(state.events[-1].on, day - timedelta(days=3))
            for unit in (*state.lead_units, *state.co_units):
                self.apply(matter, "accept", first, unit=unit)
        return self.reach(matter, "submit", day, {"summary": "已按要求办理完毕"})

    def finish(self, matter: str, day: date, grade: bool = True) -> None:
        """Review passes, the office closes (and grades where the policy has grades)."""
        if not self.reach(matter, "review_pass", day):
            return
        self.finished += 1
        # 一事一报: the office reports a matter to the leaders (督查专报) — one returned for rework, and every
        # third finished — where its procedure has the step here (no random draw: the rest of the year stays)
        state = self.states[matter]
        if (state.returns or self.finished % 3 == 0) and self.policy.transition(state.state, "report_up") is not None:
            self.apply(matter, "report_up", day, {"note": "办理结果经审核符合要求，报请领导审阅"})
        close_day = self.wd(day, self.rng.choice((1, 2, 3)))
        self.reach(matter, "close", close_day)
        grades = self.policy.grading.grades if self.policy.grading else ()
        if grade and grades and self.policy.transition(self.states[matter].state, "grade") is not None:
            weights = [4, 3, 2, 1][: len(grades)] + [1] * max(len(grades) - 4, 0)
            chosen = self.rng.choices(grades, weights=weights)[0]
            self.apply(matter, "grade", close_day, {"grade": chosen})


def plan_year(policy: Any, calendar: Any, *, year: int, as_of: date, seed: int = SEED, matters: int = 60) -> Demo:
    """Plan a deployment's year of matters (no store)."""
    rng = random.Random(f"{seed}:{policy.id}:{year}")
    level = policy.jurisdiction.level
    units, people = directory_people(policy, level, rng)
    planner = Planner(policy, calendar, units, people, rng)
    kinds = list(policy.kinds)
    unit_ids = list(units)
    bad_unit = unit_ids[2]  # 住建局: the unit that collects criticism
    good_unit = unit_ids[1]
    start, end = calendar.roll_forward(date(year, 1, 6)), min(as_of, date(year, 12, 31))
    span = (end - start).days
    days = sorted(calendar.roll_forward(start + timedelta(days=int(span * (i + rng.random()) / matters)))
                  for i in range(matters))
    scenario_names = list(SCENARIOS)
    scenarios: dict[str, str] = {}
    taken: dict[str, int] = {}
    bad_overdue = 0
    for i, day in enumerate(days):
        matter = f"DC-{year}-{i + 1:04d}"
        kind = kinds[i % len(kinds)]
        title = rng.choice(TITLES.get(policy.kinds[kind].core_kind, TITLES["other"]))
        taken[title] = taken.get(title, 0) + 1  # no two matters of a year with the same title (重复登记)
        if taken[title] > 1:
            title = f"{title}（{taken[title]}）"
        if (end - day).days < 25:
            scenario = "running"
        else:
            scenario = rng.choices(scenario_names, weights=list(SCENARIOS.values()))[0]
        if scenario == "extended" and policy.extension_rule_for(kind) is None:
            scenario = "late"  # no extension for this kind in this document
        lead = rng.choice(unit_ids)
        if scenario in ("on_time",) and rng.random() < 0.3:
            lead = good_unit
        if scenario in ("overdue", "chased", "late") and rng.random() < 0.35:
            lead = bad_unit
        if scenario in ("overdue", "chased") and bad_overdue < 2:  # the unit that collects criticism
            lead = bad_unit
        if lead == bad_unit and scenario in ("overdue", "chased"):
            bad_overdue += 1
        if lead == good_unit and scenario in ("late", "overdue", "chased", "returned"):
            scenario = "on_time"
        co = rng.sample([u for u in unit_ids if u != lead], k=rng.choice((0, 0, 1, 2)))
        scenarios[matter] = scenario
        if not planner.create(matter, kind, f"{title}", day):
            continue
        if not planner.assign(matter, planner.wd(day, 1), lead, co):
            continue  # a procedure without assignment for this path (e.g. an inspection filed)
        assigned = planner.states[matter].assigned_on or day
        due = planner.due(matter) or planner.wd(assigned, 10)
        _live(planner, matter, scenario, assigned, due, end, rng)

    _confirm_escalations(planner, year, end, bad_unit, good_unit)
    events = [e for evs in planner.events.values() for e in evs]
    events.sort(key=lambda e: e.on)  # stable: a matter's own order is kept
    return Demo(policy.id, year, as_of, units, people, plan_settings(policy, year), events, scenarios)


def _live(planner: Planner, matter: str, scenario: str, assigned: date, due: date, end: date, rng: random.Random) -> None:
    """One matter's life after assignment, by scenario; nothing is planned after ``end``."""
    wd = planner.wd
    gap = max(planner.cal.workdays_between(assigned, due), 1)

    def by(day: date) -> bool:
        return day <= end

    if scenario == "running":
        if gap > 4 and by(wd(assigned, 2)):
            planner.reach(matter, "progress", wd(assigned, 2), {"summary": "已制定工作方案"})
        if due >= end:
            return
        # a short deadline already past: most report in time, the rest are chased
        scenario = "on_time" if rng.random() < 0.7 else "overdue"
    if gap > 6 and rng.random() < 0.5 and by(wd(assigned, gap // 2)):
        planner.reach(matter, "progress", wd(assigned, gap // 2), {"summary": "阶段性进展：已完成过半"})
    if scenario == "on_time":
        day = wd(due, -rng.choice((0, 1, 1, 2))) if gap > 2 else due
        if by(day) and planner.submit(matter, max(day, assigned)):
            planner.finish(matter, wd(max(day, assigned), 1))
        return
    if scenario == "late":
        for k in (1, 3):
            if by(wd(due, k)):
                planner.reach(matter, "remind", wd(due, k), {"method": rng.choice(planner.methods())})
        day = wd(due, rng.choice((4, 5, 7)))
        if by(day) and planner.submit(matter, day):
            planner.finish(matter, wd(day, 1))
        return
    if scenario == "returned":
        day = wd(due, -1) if gap > 1 else due
        if not (by(day) and planner.submit(matter, max(day, assigned))):
            return
        back = wd(max(day, assigned), 2)
        rework = wd(back, 5)
        if by(back) and planner.reach(matter, "review_return", back, {"deadline": rework.isoformat()}):
            again = wd(back, rng.choice((3, 4, 4, 7)))  # some come back late
            if by(again) and planner.submit(matter, again):
                planner.finish(matter, wd(again, 1))
        else:
            planner.finish(matter, back)
        return
    if scenario == "extended":
        ask = wd(due, -2) if gap > 2 else assigned
        until = wd(due, 10)
        if by(ask) and planner.reach(matter, "extension_ask", ask, {"until": until.isoformat()}):
            granted = planner.reach(matter, "extension_grant", wd(ask, 1), {"until": until.isoformat()})
            new_due = until if granted else due
            day = wd(new_due, -2)
            if by(day) and planner.submit(matter, day):
                planner.finish(matter, wd(day, 1))
        else:  # no extension in this procedure: a late report instead
            day = wd(due, 3)
            if by(day) and planner.submit(matter, day):
                planner.finish(matter, wd(day, 1))
        return
    if scenario in ("overdue", "chased"):
        for k in (1, 5, 12):
            if by(wd(due, k)):
                methods = planner.methods()
                planner.reach(matter, "remind", wd(due, k), {"method": methods[min(k // 5, len(methods) - 1)]})
        if scenario == "chased" and by(wd(due, 8)):
            for action in ("order", "priority_chase"):
                if planner.policy.transition(planner.states[matter].state, action) is not None:
                    planner.reach(matter, action, wd(due, 8), {"reason": "逾期未办结，进展缓慢", "until": wd(due, 18).isoformat()})
                    break


def _last_on(planner: Planner, matter: str) -> date:
    return planner.events[matter][-1].on


def _confirm_escalations(planner: Planner, year: int, end: date, bad_unit: str, good_unit: str) -> None:
    """Month by month, confirm what the ladder proposes (as the office would after `ducha due`),
    plus a year-end praise for the best unit and criticism for the worst where the procedure allows."""
    policy, cal = planner.policy, planner.cal
    confirmed: set[tuple] = set()
    month_ends = [cal.last_workday_of_month(year, m) for m in range(2, 13)]
    month_ends = [d for d in month_ends if d <= end]
    for month_end in month_ends:
        day = month_end
        states = _states_as_of(planner, month_end)
        for finding in evaluate(policy, cal, states, month_end):
            if finding.category == "deduction":
                continue
            key = (finding.rule, finding.unit, finding.matter, finding.fact, finding.on)
            if key in confirmed:
                continue
            # exactly what `ducha due` prints for the office to run
            conf = confirmation(finding, policy, cal, planner.people, planner.states, day)
            if conf is None or conf.actor is None or _last_on(planner, conf.matter) > day:
                continue
            # a text left for a person to write (〈待填写〉) gets the demo's sample text instead
            data = {k: v for k, v in conf.data.items() if not (isinstance(v, str) and v.startswith("〈"))}
            if planner.apply(conf.matter, conf.action, day, data, actor=conf.actor):
                confirmed.add(key)
        _criticise(planner, bad_unit, day)
    # year-end: a praise and (if the ladder has not already) a criticism in the office's bulletin
    last = end
    if policy.transition("*", "bulletin") is not None or any(t.action == "bulletin" for t in policy.procedure.transitions):
        for unit, kind in ((good_unit, "praise"),):
            for matter, state in sorted(planner.states.items()):
                if unit in state.lead_units and _last_on(planner, matter) <= last \
                        and policy.transition(state.state, "bulletin") is not None:
                    if planner.apply(matter, "bulletin", last, {"type": kind, "units": [unit],
                                                                 "reason": "全年交办事项均按期办结、成效明显"}):
                        break


def _criticise(planner: Planner, unit: str, day: date, up_to: int = 2) -> None:
    """The office criticises (通报批评) a unit with a matter overdue on ``day``, up to twice a year."""
    policy = planner.policy
    count = sum(1 for s in planner.states.values() for e in s.events
                if e.action == "bulletin" and e.data.get("type") == "criticism"
                and unit in (e.data.get("units") or s.lead_units) and e.on.year == day.year)
    if count >= up_to:
        return
    for matter, state in sorted(planner.states.items()):
        if unit not in state.lead_units or _last_on(planner, matter) > day:
            continue
        if light(policy, planner.cal, state, day) != "red" or policy.transition(state.state, "bulletin") is None:
            continue
        if any(e.action == "bulletin" for e in state.events):
            continue
        if planner.apply(matter, "bulletin", day, {"type": "criticism", "units": [unit],
                                                    "reason": "逾期未办结，经多次催办仍无明显进展"}):
            return


def _states_as_of(planner: Planner, day: date) -> list[MatterState]:
    out = []
    for events in planner.events.values():
        upto = [e for e in events if e.on <= day]
        if upto:
            out.append(planner.engine.fold(upto))
    return out


# --- the deployment on disk ------------------------------------------------------------------------


def _toml_str(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(demo: Demo, policy: Any) -> str:
    j = policy.jurisdiction
    lines = [
        f"# ducha 示例部署（ducha demo 生成）：{j.name}《{j.document.title}》",
        "# 单位、人员和事项均为虚构示例。重新运行 `ducha demo` 会覆盖本目录。",
        "",
        f"jurisdiction = {_toml_str(j.id)}",
        'database = "ducha.sqlite3"',
        "",
        "[settings]",
    ]
    for key, value in demo.settings.items():
        lines.append(f"{key} = {_toml_str(value)}  # 示例值：文件未载明，部署填写")
    for unit in demo.units.values():
        lines += ["", "[[unit]]", f"id = {_toml_str(unit.id)}", f"name = {_toml_str(unit.name)}"]
        for key in ("head", "leader_in_charge", "responsible_person", "line"):
            value = getattr(unit, key)
            if value:
                lines.append(f"{key} = {_toml_str(value)}")
    for person in demo.people.values():
        lines += ["", "[[person]]", f"id = {_toml_str(person.id)}", f"name = {_toml_str(person.name)}",
                  "roles = [" + ", ".join(_toml_str(r) for r in person.roles) + "]"]
        if person.unit:
            lines.append(f"unit = {_toml_str(person.unit)}")
        if person.title:
            lines.append(f"title = {_toml_str(person.title)}")
    return "\n".join(lines) + "\n"


def prepare_dir(target: Path) -> None:
    """Create ``target``, or clear a previous demo there; refuse a directory that is not a demo."""
    if target.exists():
        if not target.is_dir():
            raise InputError(f"{target} 是文件；--dir 须为示例部署的目录")
        if any(target.iterdir()):
            if not (target / MARKER).exists():
                raise InputError(f"{target} 不是空目录，也不是 `ducha demo` 建的示例部署；"
                                 "请另选 --dir（示例不会覆盖其他文件）")
            for child in target.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
    target.mkdir(parents=True, exist_ok=True)
    (target / MARKER).write_text("made by `ducha demo`; `ducha demo` may delete and rebuild this directory\n",
                                 encoding="utf-8")


def installed_ids() -> list[str]:
    from ducha_core.registry import all_ids

    return all_ids()


def default_jurisdiction() -> str:
    ids = installed_ids()
    if DEFAULT_JURISDICTION in ids:
        return DEFAULT_JURISDICTION
    from ducha_core.registry import resolve_policy

    for jid in ids:
        try:
            resolve_policy(jid)
        except DuchaError:
            continue
        return jid
    raise InputError("没有安装任何辖区插件；请先安装（pip install -e .）再试")


@attrs.define
class DemoResult:
    dir: Path
    config: Path
    database: Path
    documents: dict[str, Path]
    dashboard: Path
    events: int
    matters: int
    as_of: date
    timings: dict[str, float]
    ledger_text: str


def pick_subjects(snapshot: Any) -> dict[str, str]:
    """A matter (or period) for each document kind the jurisdiction has (``available_kinds``: no
    约谈通知 where the document has no 约谈), chosen from the demo's ledger: a matter document only
    for a matter whose step is recorded (a 约谈通知 for a matter with a 约谈 …); a kind whose step
    never happened is left out (nothing is written for it)."""
    from ducha_core.documents.render import DOC_KINDS, available_kinds

    rows = snapshot.rows

    def first(pred: Callable) -> str | None:
        return next((r.id for r in reversed(rows) if pred(r)), None)

    def recorded(step: str, pred: Callable = lambda r: True) -> str | None:
        """The latest matter with ``step`` recorded, preferring one with ``pred``."""
        return first(lambda r: snapshot.step_event(r.matter, step) is not None and pred(r)) or first(
            lambda r: snapshot.step_event(r.matter, step) is not None)

    q = (snapshot.as_of.month - 1) // 3 + 1
    preferred = {"assignment": lambda r: not r.done, "reminder": lambda r: r.light == "red",
                 "special_report": lambda r: r.done and r.matter.returns}
    subjects: dict[str, str | None] = {"bulletin": f"{snapshot.as_of.year}-Q{q}", "assessment": str(snapshot.as_of.year)}
    for kind in available_kinds(snapshot.policy):
        spec = DOC_KINDS[kind]
        if spec.subject == "matter":
            subjects[kind] = recorded(spec.step, preferred.get(kind, lambda r: True))
    return {kind: subjects[kind] for kind in available_kinds(snapshot.policy) if subjects.get(kind) is not None}


def build(target: str | Path, jurisdiction: str | None = None, *, year: int = 2025, as_of: date | None = None,
          matters: int = 60, echo: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo deployment in ``target`` and return where everything is."""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.cli.options import render_table
    from ducha_core.config import load_config
    from ducha_core.documents.dashboard import write_dashboard
    from ducha_core.documents.render import layout, render_document
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.ledger import Ledger
    from ducha_core.registry import resolve_policy

    timings: dict[str, float] = {}
    jid = jurisdiction or default_jurisdiction()
    if jid not in installed_ids():
        raise InputError(f"没有辖区 '{jid}'；已安装的辖区：{', '.join(installed_ids())}")
    if as_of is None:
        today = date.today()
        as_of = today if today.year == year else date(year, 12, 31)
    target = Path(target)
    t0 = time.perf_counter()
    base_policy = resolve_policy(jid)
    cal = WorkingCalendar.load()
    # plan with the deployment's settings (issued date), as the ledger will apply them
    probe = plan_settings(base_policy, year)
    policy = resolve_policy(jid, settings=probe) if probe else base_policy
    demo = plan_year(policy, cal, year=year, as_of=as_of, matters=matters)
    demo.settings = {**probe, **demo.settings}  # the deployment states the issued date it planned with
    timings["plan"] = time.perf_counter() - t0

    prepare_dir(target)
    config_file = target / "ducha.toml"
    config_file.write_text(config_text(demo, policy), encoding="utf-8")
    config = load_config(config_file)
    t0 = time.perf_counter()
    with Ledger.open(config) as ledger:
        for event in demo.events:
            ledger.record(event.matter, event.action, event.on, event.actor, event.data)
        timings["record"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        snapshot = Snapshot.from_ledger(ledger, as_of)
        timings["snapshot"] = time.perf_counter() - t0
        ledger_rows = ledger.rows(as_of=as_of, all_visible=True)
    from ducha_core.matter import LIGHT_NAMES

    table = render_table(
        ["编号", "类别", "事项", "状态", "灯", "期限", "下一步", "责任单位"],
        [[r.id, clip(snapshot.kind_name(r.kind), 10), clip(r.title, 18), r.status, LIGHT_NAMES.get(r.light, r.light),
          r.due or "—", clip(r.next_step or "", 16), snapshot.unit_names(r.owed_by or r.lead_units)] for r in ledger_rows],
    )
    docs_dir = target / "documents"
    docs_dir.mkdir()
    documents: dict[str, Path] = {}
    t0 = time.perf_counter()
    for kind, subject in pick_subjects(snapshot).items():
        if subject is None:
            continue
        document = render_document(snapshot, kind, subject)
        stem = f"{document.name}_{subject}"  # the document's own name (渭南: 督办通知, not 催办通知)
        for fmt in ("md", "html", "docx"):
            path = docs_dir / f"{stem}.{fmt}"
            content = layout(document, fmt, snapshot.policy)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            documents[f"{kind}.{fmt}"] = path
    timings["documents"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    dashboard = write_dashboard(snapshot, target / "dashboard")
    timings["dashboard"] = time.perf_counter() - t0
    return DemoResult(target, config_file, config.database, documents, dashboard, len(demo.events),
                      len(snapshot.states), as_of, timings, table)


def plan_settings(policy: Any, year: int) -> dict[str, Any]:
    if policy.jurisdiction.document.issued is None and "issued" in policy.setting_defs:
        return {"issued": f"{year - 1}-03-01"}
    return {}
