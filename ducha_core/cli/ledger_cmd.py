"""The ledger commands: ``ducha init``, every step of the procedure, ``ledger``, ``show``, ``due``,
``rebuild``, ``verify``, ``backup``. Thin over ``ducha_core.ledger.Ledger``.

Which deployment: ``--config``, then ``$DUCHA_CONFIG``, then ``./ducha.toml``; ``--jurisdiction``
reads the same log under another jurisdiction's policy (read-only commands only).
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from ducha_core.cli.options import (
    DATE,
    MATTER_ID,
    REPORT_PERIOD,
    TEXT,
    NamedChoice,
    command,
    dumps,
    emit,
    format_option,
    handle_errors,
    output_format,
    render_table,
)
from ducha_core.errors import DuchaError, InputError

BULLETIN_TYPES = {"praise": "通报表扬", "criticism": "通报批评"}

# --- shared options -----------------------------------------------------------------------------


def config_option(func: Callable) -> Callable:
    return click.option("--config", "config_path", metavar="FILE", envvar="DUCHA_CONFIG",
                        help="部署配置文件（默认：环境变量 $DUCHA_CONFIG，其次 ./ducha.toml）。")(func)


def as_option(required: bool = True) -> Callable:
    return click.option("--as", "actor", metavar="PERSON", required=required,
                        help="办理此步骤的人员id（ducha.toml 中的 person）。" if required
                        else "查看人的人员id（涉密事项只对有权知悉的人员显示）。")


#: where ``--late-entry`` keeps its reason for ``_record`` (the commands do not take it as a parameter)
LATE_ENTRY = "ducha.late_entry"


def _keep_late_entry(ctx: click.Context, _param, value):
    if value is not None:
        ctx.meta[LATE_ENTRY] = value
    return value


def on_option(func: Callable) -> Callable:
    """--on, and --late-entry REASON (补录) for a step dated before the matter's latest one."""
    func = click.option("--late-entry", metavar="REASON", default=None, expose_value=False, callback=_keep_late_entry,
                        help="补录理由：日期早于本事项最近一步的，由督查室人员写明理由记为补录（保存记录时间）。")(func)
    return click.option("--on", "on", type=DATE, default=None, metavar="YYYY-MM-DD",
                        help="办理日期，YYYY-MM-DD（默认今天；不能晚于今天）。")(func)


def step_option(func: Callable) -> Callable:
    return click.option("--step", metavar="ID", help="所确认的升级建议：`ducha due` 提出的规则id。")(func)


def note_option(func: Callable) -> Callable:
    return click.option("--note", default=None, help="随此步骤记录的说明。")(func)


def matter_argument(func: Callable) -> Callable:
    return click.argument("matter", metavar="MATTER")(func)


def read_jurisdiction_option(func: Callable) -> Callable:
    return click.option("--jurisdiction", "-j", "jurisdiction", metavar="ID",
                        help="按另一辖区的政策读取本部署的事件日志（只读）。")(func)


#: SQLite's words for the usual troubles with the database file, and what to do about them
_SQLITE_TROUBLES = {
    "database is locked": "数据库正被其他程序占用，请稍后重试",
    "database or disk is full": "磁盘已满，请腾出空间后重试",
    "readonly database": "数据库文件只读，请检查文件权限",
    "unable to open database file": "无法打开数据库文件，请检查 ducha.toml 中的路径和权限",
    "file is not a database": "该文件不是数据库，请检查 ducha.toml 中的路径",
    "disk i/o error": "读写磁盘出错，请检查磁盘后重试",
}


def store_errors(func: Callable) -> Callable:
    """Errors of the database file itself (locked past the busy timeout, disk full …) as one line."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except sqlite3.Error as exc:
            text = str(exc)
            hint = next((v for k, v in _SQLITE_TROUBLES.items() if k in text.lower()), "请检查数据库文件后重试")
            raise click.ClickException(f"数据库错误（{text}）：{hint}；本次未记录任何内容") from None

    return wrapper


def _open(config_path: str | None, jurisdiction: str | None = None):
    from ducha_core.config import load_config
    from ducha_core.ledger import Ledger

    # only `ducha init` (and `restore`) make a database; a missing one is refused saying so
    return Ledger.open(load_config(config_path, jurisdiction=jurisdiction), create=False)


def _now() -> date:
    """Today (a write may not be dated after it); tests replace it."""
    return date.today()


def _today(on: date | None) -> date:
    return on or _now()


def _echo_state(ledger, state, action: str) -> None:
    policy = ledger.policy
    line = f"{state.id} {policy.action_name(action)} → {policy.states[state.state].name}"
    click.echo(line)
    event = state.events[-1] if state.events else None
    if event is not None and event.data.get("step"):
        verb = "不予处理" if action == "dismiss" else "确认"
        click.echo(f"  {verb}：{_rule_name(policy, event.data['step'])}")
    if event is not None:  # the time limits this step set (per unit), with the rule and a date moved off a rest day
        for ob in state.obligations:
            if ob.starts == event.on and ob.superseded_on is None and ob.met_on is None and (
                    action in ("assign", "extension_grant", "review_return", "set_deadline")
                    or ob.rule.startswith(f"{action}:")):
                cite = f"，{ob.deadline.citation.article}" if ob.deadline.citation else ""
                moved = next((x for x in ob.deadline.explanation if "顺延至" in x), "")
                owner = "督查室" if ob.owed_by == ("office",) else _unit_names(ledger, ob.owed_by)
                click.echo(f"  {owner}：期限 {_due_text(ob.due, ob.deadline)}（{ob.name}{cite}）"
                           + (f"；{moved.split('（')[0]}" if moved else ""))
    for warning in state.warnings if action in ("register", "apply") else ():
        click.echo(f"注意：{warning}", err=True)


def _due_text(day, deadline=None) -> str:
    if day is not None:
        return str(day)
    return deadline.date_text if deadline is not None else "无期限"


def _extra_fields(field_names: dict[str, str]) -> dict[str, Any]:
    """Fields a jurisdiction requires beyond the command's own options (the engine's hint
    "add --plan" etc.): ``--field-name VALUE`` or ``--flag``, for any field the policy names
    (``Policy.field_names``: the core's and the plugin's own)."""
    ctx = click.get_current_context(silent=True)
    args = list(ctx.args) if ctx is not None else []
    path = ctx.command_path if ctx is not None else "ducha"
    out: dict[str, Any] = {}
    i = 0
    while i < len(args):
        token = args[i]
        if not token.startswith("--"):
            raise click.UsageError(f"多余的参数 '{token}'：其他要件写作 --字段名 值；用 {path} --help 查看用法", ctx)
        name, eq, value = token[2:].partition("=")
        key = name.replace("-", "_")
        if key not in field_names:
            import difflib

            from ducha_core.matter import FIELD_NAMES

            own = {p.name for p in ctx.command.params} if ctx is not None else set()
            close = difflib.get_close_matches(name, [k.replace("_", "-") for k in field_names if k not in own])
            hint = f"（是否要用 {'、'.join('--' + c for c in close)}？）" if close else ""
            # the jurisdiction's own fields (the core's are the options of the commands that take them)
            fields = "、".join(f"--{k.replace('_', '-')}（{v}）" for k, v in field_names.items()
                               if k not in FIELD_NAMES and k not in own)
            raise click.UsageError(f"没有选项 --{name}{hint}；用 {path} --help 查看可用选项"
                                   + (f"；本辖区另有要件：{fields}" if fields else ""), ctx)
        if not eq:
            if i + 1 < len(args) and not args[i + 1].startswith("--"):
                value = args[i + 1]
                i += 1
            else:
                value = True
        out[key] = _flag(value)
        i += 1
    return out


#: how a yes/no field may be written after its option (``--serious true``); a bare ``--serious`` is yes
_YES, _NO = frozenset({"true", "yes", "是"}), frozenset({"false", "no", "否"})


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        if value.lower() in _YES:
            return True
        if value.lower() in _NO:
            return False
    return value


def _record(config_path, matter, action, on, actor, data, step: str | None = None) -> Any:
    """Record one step (with the extra fields given and, confirming a proposal, its ``step`` id)."""
    ledger = _open(config_path)
    try:
        _check_step(ledger, step)
        ctx = click.get_current_context(silent=True)
        late = ctx.meta.get(LATE_ENTRY) if ctx is not None else None
        given = {k: v for k, v in {**data, "step": step, "late_entry": late}.items() if v not in (None, (), "", [])}
        state = ledger.record(matter, action, _today(on), actor, {**_extra_fields(ledger.policy.field_names), **given},
                              today=_now())
        _echo_state(ledger, state, action)
        return state
    finally:
        ledger.close()


def _check_step(ledger, step: str | None) -> None:
    if step is None:
        return
    ids = [s.id for s in ledger.policy.escalation]
    if ledger.policy.grading:
        ids += [r.id for r in ledger.policy.grading.rules]
    if step not in ids:
        known = "、".join(f"{i}（{_rule_name(ledger.policy, i)}）" for i in ids)
        raise InputError(f"未知的升级规则 '{step}'（{ledger.policy.id}）；"
                         + (f"可用：{known}" if known else "本辖区没有升级规则，请去掉 --step"))


def _unknown_matter(book, matter: str) -> Exception:
    """The error the ledger gives for a matter id it does not know: a matter the reader may not see
    must look exactly like one that does not exist."""
    probe = f"{matter}-{uuid.uuid4().hex}"
    try:
        book.events(probe)
    except DuchaError as exc:
        return type(exc)(str(exc).replace(probe, matter))
    return InputError(f"没有事项 '{matter}'；用 `ducha ledger` 查看事项")  # pragma: no cover - probe always unknown


def write_command(func: Callable) -> Callable:
    """--config, --as (required), --on, and error handling, for a command that records a step."""
    func = handle_errors(store_errors(func))
    return config_option(as_option(True)(on_option(func)))


# --- init ---------------------------------------------------------------------------------------


@command()
@click.option("--jurisdiction", "-j", "jurisdiction", required=True, metavar="ID",
              help="辖区id（见 `ducha jurisdictions`）。")
@click.option("--config", "config_path", metavar="FILE", default="ducha.toml", show_default=True,
              help="部署配置文件的写入位置。")
@handle_errors
def init(jurisdiction, config_path):
    """写一个带注释的 ducha.toml（部署配置：辖区、数据库、承办单位、人员和角色）并创建空数据库。

    \b
    已有 ducha.toml 而其 database = 所指的数据库不存在时，只创建数据库。"""
    from pathlib import Path

    from ducha_core.config import DEFAULT_NAME, ConfigError, load_config, write_default_config
    from ducha_core.store.sqlite import SQLiteStore

    existing = Path(config_path) / DEFAULT_NAME if Path(config_path).is_dir() else Path(config_path)
    if existing.is_file():
        config = load_config(existing)  # a broken one says what is wrong with it
        if config.jurisdiction == jurisdiction and not config.database.exists():
            SQLiteStore(config.database, create=True).close()
            click.echo(f"{existing} 已存在；已按其 database = 创建空数据库 {config.database}")
            return
        raise ConfigError(f"{existing}：文件已存在；请直接编辑它，或先删除（ducha init 不会覆盖已有文件；"
                          "其数据库不存在时，按其辖区运行 ducha init 只创建数据库）")
    path = write_default_config(config_path, jurisdiction)
    database = load_config(path).database
    SQLiteStore(database, create=True).close()
    click.echo(f"已写入 {path}，已创建空数据库 {database}：请修改其中的承办单位和人员，然后 `ducha register --as 人员id ...`")


# --- registering ---------------------------------------------------------------------------------


def _register_options(func: Callable) -> Callable:
    for decorator in reversed([
        click.option("--kind", "-k", required=True, help="本辖区的事项类别id或名称（写错时列出本辖区的全部类别）。"),
        click.option("--title", "-t", type=TEXT, required=True, help="事项名称。"),
        click.option("--source", default=None, help="事项来源（批示、会议、文件号……）。"),
        click.option("--received", type=DATE, default=None, help="收到日期（默认同 --on）。"),
        click.option("--confidential", is_flag=True, help="涉密：只对督查室、知悉范围内的人员和承办单位显示。"),
        click.option("--viewer", "viewers", multiple=True, metavar="PERSON", help="知悉范围内的人员id；可重复。"),
        click.option("--id", "matter_id", type=MATTER_ID, default=None, help="指定事项编号（默认 DC-<年份>-<序号>）。"),
        click.option("--duplicate-ok", is_flag=True,
                     help="与本年已有事项同名同来源（不计空格、全角半角），确属另一事项的，确认重复登记。"),
    ]):
        func = decorator(func)
    return func


def _register(action, config_path, actor, on, kind, title, source, received, confidential, viewers, matter_id,
              duplicate_ok):
    data = {"kind": kind, "title": title, "source": source, "received": received,
            "confidential": True if confidential else None, "viewers": list(viewers),
            "duplicate_ok": True if duplicate_ok else None}
    _record(config_path, matter_id, action, on, actor, data)


@command()
@write_command
@_register_options
def register(config_path, actor, on, kind, title, source, received, confidential, viewers, matter_id, duplicate_ok):
    """立项：登记一件督查事项，打印其编号。"""
    _register("register", config_path, actor, on, kind, title, source, received, confidential, viewers, matter_id,
              duplicate_ok)


@command("apply")
@write_command
@_register_options
def apply_cmd(config_path, actor, on, kind, title, source, received, confidential, viewers, matter_id, duplicate_ok):
    """申请立项（须经领导同意的事项）。"""
    _register("apply", config_path, actor, on, kind, title, source, received, confidential, viewers, matter_id,
              duplicate_ok)


@command()
@write_command
@matter_argument
@click.option("--approved-by", default=None, help="审批领导的人员id（默认为 --as 的人员）。")
@note_option
def approve(config_path, actor, on, matter, approved_by, note):
    """审批同意（领导同意立项）。"""
    _record(config_path, matter, "approve", on, actor, {"approved_by": approved_by or actor, "note": note})


# --- handling -----------------------------------------------------------------------------------


@command()
@write_command
@matter_argument
@click.option("--lead", "lead", multiple=True, required=True, metavar="UNIT", help="主办（牵头）单位id或名称；可重复。")
@click.option("--co", "co", multiple=True, metavar="UNIT", help="协办（配合）单位id或名称；可重复。")
@click.option("--deadline", type=DATE, default=None, help="明确的办理期限（规则允许交办时自定期限的）。")
@click.option("--meeting", type=DATE, default=None, help="会议日期，用于自会议起算的时限。")
@click.option("--cycle", default=None, metavar="ID",
              help="领导确定的报送周期，文件允许逐项确定时用（如 weekly_dispatch，或 week/month/quarter/year）。")
@note_option
def assign(config_path, actor, on, matter, lead, co, deadline, meeting, cycle, note):
    """交办：明确主办、协办单位；期限按规则推算，或以 --deadline 明确。

    落在休息日的期限顺延至下一个工作日；文件要求交办时明确时限的，不写 --deadline 不予交办。"""
    _record(config_path, matter, "assign", on, actor,
            {"lead_units": list(lead), "co_units": list(co), "deadline": deadline, "meeting": meeting, "cycle": cycle,
             "note": note})


@command()
@write_command
@matter_argument
@click.option("--responsible", metavar="PERSON", default=None, help="责任人id（默认为 --as 的人员）。")
@click.option("--unit", metavar="UNIT", default=None, help="承办单位id或名称（默认为该人员所在单位）。")
def accept(config_path, actor, on, matter, responsible, unit):
    """承办：承办单位明确责任人。"""
    _record(config_path, matter, "accept", on, actor, {"responsible_person": responsible or actor, "unit": unit})


@command()
@write_command
@matter_argument
@click.option("--method", required=True, help="催办方式：本辖区规定的方式之一（ducha fields 列出各辖区可选的方式）。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="被催办单位id或名称（默认主办单位）；可重复。")
@step_option
@note_option
def remind(config_path, actor, on, matter, method, units, step, note):
    """催办/督办。"""
    _record(config_path, matter, "remind", on, actor, {"method": method, "units": list(units), "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--period", type=REPORT_PERIOD, default=None, metavar="YYYY-MM|YYYY-MM-DD",
              help="此次报送所属的期（默认当期，当期已报则为最近一期未报的）。")
@note_option
def progress(config_path, actor, on, matter, period, note):
    """报送阶段性进展（周期报送的，计入当期；--period 指明所属期）。"""
    _record(config_path, matter, "progress", on, actor, {"period": period, "note": note})


@command()
@write_command
@matter_argument
@click.option("--document-number", default=None, help="办理结果报告的文号。")
@click.option("--signer", default=None, help="签发人。")
@click.option("--seal", is_flag=True, help="报告已加盖单位公章。")
@click.option("--leader-signoff", default=None, help="分管领导阅签（本辖区要求时）。")
@click.option("--head-signoff", default=None, help="主要负责人审签/签发（本辖区要求时）。")
@click.option("--visible-progress", default=None, help="形象进度（本辖区要求时）。")
@click.option("--evidence", default=None, help="印证资料（本辖区要求时）。")
@note_option
def submit(config_path, actor, on, matter, document_number, signer, seal, leader_signoff, head_signoff,
           visible_progress, evidence, note):
    """报送办理结果（文号、签发人、公章，及本辖区要求的其他要件）。"""
    _record(config_path, matter, "submit", on, actor, {
        "document_number": document_number, "signer": signer, "seal": True if seal else None,
        "leader_signoff": leader_signoff, "head_signoff": head_signoff, "visible_progress": visible_progress,
        "evidence": evidence, "note": note})


@command()
@write_command
@matter_argument
@click.option("--pass", "passed", is_flag=True, help="办理结果符合要求，审核通过。")
@click.option("--return", "returned", is_flag=True, help="退回重新办理（须写 --reason）。")
@click.option("--reason", default=None, help="退回理由。")
@click.option("--deadline", type=DATE, default=None, help="重新办理的期限。")
def review(config_path, actor, on, matter, passed, returned, reason, deadline):
    """审核办理结果：--pass 通过，或 --return --reason 退回重新办理。"""
    if passed == returned:
        raise click.UsageError("须写 --pass（审核通过）或 --return --reason 理由（退回重新办理），二者取其一")
    action = "review_pass" if passed else "review_return"
    _record(config_path, matter, action, on, actor, {"reason": reason, "deadline": deadline})


@command()
@write_command
@click.argument("what", type=NamedChoice({"ask": "申请延期", "grant": "同意延期", "refuse": "不同意延期"}))
@matter_argument
@click.option("--reasons", default=None, help="申请延期的原因（ask）。")
@click.option("--progress", "progress_text", default=None, help="目前的办理进展（ask）。")
@click.option("--until", type=DATE, default=None, help="申请或同意延至的期限（ask、grant）。")
@note_option
def extension(config_path, actor, on, what, matter, reasons, progress_text, until, note):
    """延期：ask 申请（原因、进展），grant 同意（--until），refuse 不同意。"""
    _record(config_path, matter, f"extension_{what}", on, actor,
            {"reasons": reasons, "progress": progress_text, "until": until, "note": note})


@command()
@write_command
@matter_argument
@note_option
def close(config_path, actor, on, matter, note):
    """办结（注结销号）。"""
    _record(config_path, matter, "close", on, actor, {"note": note})


@command()
@write_command
@matter_argument
@note_option
def archive(config_path, actor, on, matter, note):
    """归档。"""
    _record(config_path, matter, "archive", on, actor, {"note": note})


# --- consequences -------------------------------------------------------------------------------


@command()
@write_command
@matter_argument
@click.option("--type", "type_", type=NamedChoice(BULLETIN_TYPES), required=True,
              help="通报类型：praise 通报表扬，criticism 通报批评。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="所涉单位id或名称（默认主办单位）；可重复。")
@click.option("--approved-by", default=None, help="批准通报的领导的人员id（本辖区要求时）。")
@step_option
@note_option
def bulletin(config_path, actor, on, matter, type_, units, approved_by, step, note):
    """通报表扬/通报批评。"""
    _record(config_path, matter, "bulletin", on, actor,
                 {"type": type_, "units": list(units), "approved_by": approved_by, "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--to", "to", default=None, help="提请对象（角色id，如 principal_leader）。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="所涉单位id或名称（默认主办单位）；可重复。")
@step_option
@note_option
def escalate(config_path, actor, on, matter, to, units, step, note):
    """提级督查/提请领导协调。"""
    _record(config_path, matter, "escalate", on, actor, {"to": to, "units": list(units), "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--kind", "kind", type=NamedChoice({"order": "督办令", "priority_chase": "重点督办"}), default="order",
              show_default=True, help="order 下达督办令，priority_chase 重点督办。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="所涉单位id或名称（默认主办单位）；可重复。")
@step_option
@note_option
def order(config_path, actor, on, matter, kind, units, step, note):
    """下达督办令/重点督办。"""
    _record(config_path, matter, kind, on, actor, {"units": list(units), "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="被约谈单位id或名称（约谈其负责人）；可重复。")
@step_option
@note_option
def interview(config_path, actor, on, matter, units, step, note):
    """约谈。"""
    _record(config_path, matter, "interview", on, actor, {"units": list(units), "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="被评定单位id或名称（默认主办单位）；可重复。")
@click.option("--grade", required=True, help="本辖区规定的等次之一（如 优秀、良好）。")
@step_option
@note_option
def grade(config_path, actor, on, matter, units, grade, step, note):
    """评定等次：对承办单位评定等次，记在其一件事项上。

    \b
    单位某年的等次由该年对其评定的各等次得出
    （如安康取最低者，见 `ducha compare` 与插件的读法）；
    年底后补评上一年度的，写 --year YYYY；
    `ducha assessment --year YYYY` 汇总各单位的年度等次。"""
    _record(config_path, matter, "grade", on, actor, {"units": list(units), "grade": grade, "note": note}, step)


@command()
@write_command
@matter_argument
@click.option("--note", type=TEXT, required=True, help="督查发现的情况。")
def finding(config_path, actor, on, matter, note):
    """记录督查发现（特约/政务督查员）。"""
    _record(config_path, matter, "finding", on, actor, {"note": note})


# --- reading ------------------------------------------------------------------------------------


def _unit_names(ledger, units) -> str:
    return "、".join(ledger.config.unit_name(u) for u in units)


@command()
@config_option
@read_jurisdiction_option
@click.option("--as-of", type=DATE, default=None, help="台账截至此日的情况（默认今天）。")
@click.option("--unit", default=None, metavar="UNIT", help="只列此单位承办的事项（单位id或名称，如 市住建局）。")
@click.option("--kind", "-k", default=None, help="只列此类别的事项（类别id或名称）。")
@click.option("--status", default=None, help="状态id或名称，或灯色：red（红灯）、yellow（黄灯）、green（绿灯）、done（已办结）、none（未交办）、withdrawn（已撤销）。")
@click.option("--search", "-s", default=None, metavar="TEXT", help="只列标题、编号或来源含此文字的事项（不分大小写）。")
@click.option("--due-before", type=DATE, default=None, metavar="YYYY-MM-DD", help="只列期限在此日或之前的事项。")
@click.option("--this-week", is_flag=True, help="只列期限在 --as-of 所在周（周一至周日）的事项。")
@as_option(False)
@format_option
@handle_errors
@store_errors
def ledger(config_path, jurisdiction, as_of, unit, kind, status, search, due_before, this_week, actor, fmt, as_json):
    """台账：每件事项的红黄绿灯、下一期限、由谁办理。"""
    from datetime import timedelta

    from ducha_core.ledger import LEDGER_HEADERS

    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        if actor is not None:
            book.person(actor)
        due_from = None
        if this_week:
            if due_before is not None:
                raise InputError("--this-week 已确定时间窗（--as-of 所在周的周一至周日），不能与 --due-before 同用；请去掉其一")
            due_from, due_before = day - timedelta(days=day.weekday()), day + timedelta(days=6 - day.weekday())
        fmt = output_format(fmt, as_json)
        if fmt == "csv" and status is None and search is None and due_from is None and due_before is None:
            pieces = book.ledger_csv_pieces(as_of=day, unit=unit, kind=kind, viewer=actor)  # most lines in SQL
            if pieces is not None:
                emit(fmt, LEDGER_HEADERS, [], None, rendered=pieces)
                return
        rows = book.rows(as_of=day, unit=unit, kind=kind, status=status, viewer=actor, search=search,
                         due_from=due_from, due_before=due_before)
        if fmt == "json":  # printed, or written to --out FILE.json
            emit("json", LEDGER_HEADERS, [], {"as_of": day.isoformat(), "jurisdiction": book.policy.id,
                                              "matters": [r.to_json() for r in rows]})
            return
        table = [book.row_cells(r) for r in rows]
        if fmt == "xlsx":
            # the spreadsheet an office keeps: the columns `ducha import` reads, then the view's
            from ducha_core.ledger_export import export_table

            headers, xlsx_table, sheets = export_table(book, rows, day)
            emit(fmt, headers, xlsx_table, None, **({"sheets": sheets} if sheets else {}))
            return
        emit(fmt, LEDGER_HEADERS, table, None)
        if fmt == "table":
            counts = {c: sum(1 for r in rows if r.light == c) for c in ("red", "yellow", "green")}
            click.echo(f"\n{day} 共 {len(rows)} 件：红灯 {counts['red']}，黄灯 {counts['yellow']}，绿灯 {counts['green']}")
    finally:
        book.close()


def matter_json(ledger, state, as_of: date) -> dict[str, Any]:
    from ducha_core.matter import light

    policy = ledger.policy
    return {
        "id": state.id,
        "kind": state.kind,
        "title": state.title,
        "state": state.state,
        "status": policy.states[state.state].name,
        "light": light(policy, ledger.calendar, state, as_of),
        "as_of": as_of.isoformat(),
        "registered_on": state.registered_on.isoformat(),
        "received_on": state.received_on.isoformat(),
        "source": state.source,
        "confidential": state.confidential,
        "lead_units": list(state.lead_units),
        "co_units": list(state.co_units),
        "responsible": state.responsible,
        "due": state.due.to_json() if state.due else None,
        "deadlines": [d.to_json() for d in state.deadlines],
        "obligations": [o.to_json(as_of) for o in ledger.engine.obligations(state, as_of, include_next=True)],
        "returns": state.returns,
        "grade": state.grade,
        "warnings": state.warnings,
        "events": [
            {"seq": e.seq, "on": e.on.isoformat(), "action": e.action, "name": policy.action_name(e.action),
             "actor": e.actor, "data": e.data, "recorded_at": e.recorded_at, "hash": e.hash}
            for e in state.events
        ],
    }


def _rule_name(policy, rule: str) -> str:
    """The name of an escalation step or forced grade (a rule id of the ladder), else the id."""
    for step in policy.escalation:
        if step.id == rule:
            return step.name
    for grade in policy.grading.rules if policy.grading else ():
        if grade.id == rule:
            return f"直接认定“{grade.grade}”"
    return rule


def _details(ledger, data: dict[str, Any]) -> str:
    parts = []
    for key, value in data.items():
        if key in ("lead_units", "co_units", "units"):
            value = _unit_names(ledger, value if isinstance(value, list) else [value])
        elif key in ("responsible_person", "approved_by", "head_signoff", "leader_signoff") and isinstance(value, str):
            value = ledger.config.person_name(value)
        elif key == "kind" and value in ledger.policy.kinds:
            value = ledger.policy.kinds[value].name
        elif key == "type" and value in BULLETIN_TYPES:
            value = BULLETIN_TYPES[value]
        elif key == "step":
            value = _rule_name(ledger.policy, value)
        elif key == "to" and value in ledger.policy.roles:
            value = ledger.policy.roles[value].name
        elif value is True:
            value = "是"
        # a text of several lines stays one row of the history (a line break cannot forge a row)
        value = " ⏎ ".join(str(value).splitlines()) if isinstance(value, str) else value
        parts.append(f"{ledger.policy.field_names.get(key, key)}={value}")
    return "；".join(parts)


def _event_details(ledger, event) -> str:
    """An event's data as ``show`` lists it; a late entry (补录) first, with when it was recorded."""
    data = dict(event.data)
    late = data.pop("late_entry", None)
    text = _details(ledger, data)
    if late is None:
        return text
    return f"补录（记录于 {_beijing_time(event.recorded_at)}，理由：{late}）" + (f"；{text}" if text else "")


def _beijing_time(recorded_at: str | None) -> str:
    """A stored UTC time as Beijing time, to the minute."""
    from datetime import UTC, datetime, timedelta, timezone

    try:
        moment = datetime.fromisoformat(str(recorded_at))
    except ValueError:
        return str(recorded_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


@command()
@config_option
@read_jurisdiction_option
@matter_argument
@click.option("--as-of", type=DATE, default=None, help="事项截至此日的情况（默认今天）。")
@as_option(False)
@format_option
@handle_errors
@store_errors
def show(config_path, jurisdiction, matter, as_of, actor, fmt, as_json):
    """一件事项的全部经过，及每个期限为何是这一天。"""
    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        if actor is not None:
            book.person(actor)
        state = book.matter(matter, as_of=as_of)
        if not book.visible(state, actor):
            raise _unknown_matter(book, matter)
        record = matter_json(book, state, day)
        fmt = output_format(fmt, as_json)
        if fmt == "json":
            click.echo(dumps(record))
            return
        policy = book.policy
        # numbered within this matter (1, 2, …), not by the log's global sequence
        rows = [[n, e.on, policy.action_name(e.action), book.config.person_name(e.actor), _event_details(book, e)]
                for n, e in enumerate(state.events, 1)]
        if fmt == "csv":
            emit(fmt, ["序号", "日期", "步骤", "经办人", "内容"], rows, record)
            return
        from ducha_core.matter import LIGHT_NAMES

        click.echo(f"{state.id} {state.title}")
        kind = policy.kinds[state.kind].name if state.kind in policy.kinds else state.kind
        click.echo(f"类别：{kind}　状态：{record['status']}　{day}：{LIGHT_NAMES.get(record['light'], record['light'])}")
        if state.units:
            lead, co = _unit_names(book, state.lead_units), _unit_names(book, state.co_units)
            click.echo(f"主办：{lead}" + (f"　协办：{co}" if co else ""))
        for warning in state.warnings:
            click.echo(f"注意：{warning}")
        click.echo("")
        click.echo(render_table(["序号", "日期", "步骤", "经办人", "内容"], rows))
        obligations = book.engine.obligations(state, day, include_next=True)
        if obligations:
            click.echo(f"\n办理义务（截至 {day}）：")
            table = [[_unit_names(book, o.owed_by) if o.owed_by != ("office",) else "督查室", o.name,
                      _due_text(o.due, o.deadline), o.status_name(day) if o.starts <= day else "未开始",
                      o.met_on or "", o.deadline.citation.article if o.deadline.citation else ""]
                     for o in obligations]
            click.echo(render_table(["由谁", "事项", "期限", "状态", "完成日", "依据"], table))
            click.echo("\n期限及依据：")
            shown: set[int] = set()
            for o in obligations:
                if id(o.deadline) in shown or not o.deadline.explanation or o.series:
                    continue
                shown.add(id(o.deadline))
                click.echo(f"- {o.name} {_due_text(o.due, o.deadline)}")
                for line in o.deadline.explanation:
                    click.echo(f"    {line}")
    finally:
        book.close()


@command("obligations")
@config_option
@read_jurisdiction_option
@click.option("--as-of", type=DATE, default=None, help="按此日判断是否按时（默认今天）。")
@click.option("--unit", default=None, metavar="UNIT", help="只列此单位应报送的（单位id或名称）。")
@click.option("--from", "start", type=DATE, default=None, help="只列最后一天在此日或之后的期限。")
@click.option("--before", "until", type=DATE, default=None, help="只列最后一天在此日或之前的期限。")
@click.option("--this-week", is_flag=True, help="只列在 --as-of 所在周（周一至周日）到期的期限。")
@click.option("--status", default=None,
              help="owed（应报未报：未到期或逾期未报）、open（未到期）、overdue（逾期未报）、missed（漏报）、"
                   "met（按时完成）、late（逾期完成）、superseded（已变更）、ended（已终止）。")
@as_option(False)
@format_option
@handle_errors
@store_errors
def obligations_cmd(config_path, jurisdiction, as_of, unit, start, until, this_week, status, actor, fmt, as_json):
    """期限清单：谁在何时前应报送什么（办理结果、进展、周期报送、整改），及是否按时；可按单位、时间窗筛选。"""
    from datetime import timedelta

    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        if actor is not None:
            book.person(actor)
        if this_week:
            if start is not None or until is not None:
                raise InputError("--this-week 已确定时间窗（--as-of 所在周的周一至周日），不能与 --from/--before 同用；请去掉其一")
            start, until = day - timedelta(days=day.weekday()), day + timedelta(days=6 - day.weekday())
        unit = book.unit_id(unit) if unit is not None else None
        found = book.obligations(as_of=day, start=start, until=until, unit=unit, status=status, viewer=actor)
        fmt = output_format(fmt, as_json)
        records = [{"matter": s.id, "title": s.title, **o.to_json(day)} for s, o in found]
        rows = [[s.id, s.title, "督查室" if o.owed_by == ("office",) else _unit_names(book, o.owed_by), o.name,
                 _due_text(o.due, o.deadline), o.status_name(day) if o.starts <= day else "未开始",
                 o.deadline.citation.article if o.deadline.citation else ""] for s, o in found]
        emit(fmt, ["编号", "事项", "由谁", "应报", "期限", "状态", "依据"], rows,
             {"as_of": day.isoformat(), "obligations": records})
        if fmt == "table" and not found:
            click.echo(f"{day}：没有符合条件的期限")
    finally:
        book.close()


@command("set-deadline")
@write_command
@matter_argument
@click.option("--until", type=DATE, required=True, help="新的办理时限（落在休息日的顺延至下一个工作日）。")
@click.option("--reason", required=True, help="另定时限的理由（领导要求、情况变化……）。")
@click.option("--approved-by", default=None, metavar="PERSON", help="批准的领导（人员id）。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="只另定此单位的时限（默认全部）；可重复。")
@note_option
def set_deadline(config_path, actor, on, matter, until, reason, approved_by, units, note):
    """另定办理时限：文件未规定延期程序的事项，督查室写明理由、经领导批准后另定期限。

    原期限及其逾期记录保留。文件规定了延期程序的，用 `ducha extension`。"""
    _record(config_path, matter, "set_deadline", on, actor,
            {"until": until, "reason": reason, "approved_by": approved_by, "units": list(units), "note": note})


@command("dismiss")
@write_command
@matter_argument
@click.option("--step", required=True, metavar="ID", help="`ducha due` 提出的升级建议的规则id。")
@click.option("--reason", required=True, help="不按建议处理的理由（情况已核实、已另行处理……）。")
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="所涉单位id或名称（默认主办单位）；可重复。")
@note_option
def dismiss(config_path, actor, on, matter, step, reason, units, note):
    """不予处理：督查室对 `ducha due` 提出的某项升级建议写明理由，决定不按建议处理。

    \b
    记录后该项建议不再列出（其后新发生的情形仍会提出）。
    按年计数的建议（一年内N次、年度等次）写明所属年度 --year YYYY。
    `ducha due --json` 的 dismiss 字段给出可直接修改理由后运行的命令。
    部署设置 dismissal = "none" 时不允许。"""
    _record(config_path, matter, "dismiss", on, actor, {"reason": reason, "units": list(units), "note": note}, step)


# --- maintenance --------------------------------------------------------------------------------


@command()
@config_option
@click.option("--workers", type=int, default=None, help="重建所用的进程数（默认按日志大小确定）。")
@handle_errors
@store_errors
def rebuild(config_path, workers):
    """由事件日志重建事项状态（matters 表）。"""
    book = _open(config_path)
    try:
        count = book.rebuild(workers=workers)
        click.echo(f"已由事件日志重建 {count} 件事项的状态")
    finally:
        book.close()


@command()
@config_option
@click.option("--head", "heads", multiple=True, metavar="SEQ:HASH",
              help="此前 ducha verify 印出、记入登记簿或报送上级的末端：核对日志仍从它延续（未被改写、删除末尾或换成旧备份）；可重复。")
@click.option("--full", is_flag=True, help="逐件核对全部事项的状态表与事件日志（默认抽查 100 件）。")
@click.option("--seal", is_flag=True,
              help="用 ducha.toml 的 key_file 签记现有日志（刚配置或换用密钥时；须其余校验都通过，最好同时给出 --head）。")
@format_option
@handle_errors
@store_errors
def verify(config_path, heads, full, seal, fmt, as_json):
    """校验记录：哈希链、只读保护、所记末端、密钥签记，以及事项状态表是否与事件日志一致。

    \b
    通过时印出末端（序号:哈希）：请记入登记簿或报送上级，日后用 --head 序号:哈希 核对。
    部署在 ducha.toml 配置 key_file（放在数据库目录之外的密钥文件）后，
    不掌握密钥的人改写日志会被发现。各级校验能发现什么、不能发现什么，见 README。"""
    from ducha_core.config import load_config
    from ducha_core.ledger import Ledger
    from ducha_core.store import open_store, parse_head

    anchors = [parse_head(text) for text in heads]
    config = load_config(config_path)
    if seal and config.key_file is None:
        raise InputError("--seal 须先在 ducha.toml 中配置 key_file（密钥文件，放在数据库所在目录之外）")
    store = open_store(config.database, create=False, key_file=config.key_file)
    try:
        report = store.verify(anchors, seal=seal)
    finally:
        store.close()
    try:  # the read model needs the policy; the log's check above does not
        book = Ledger.open(config, create=False)
    except DuchaError as exc:
        model, unchecked = None, str(exc)
    else:
        try:
            model, unchecked = book.check_read_model(full=full), ""
        finally:
            book.close()
    problems = []
    if not report.ok:
        problems.append(f"事件日志已被改动：{'；'.join(report.problems)}")
    if model is not None and model.differences:
        shown = "、".join(model.differences[:5]) + ("等" if len(model.differences) > 5 else "")
        problems.append(f"事项状态表与事件日志不一致：{len(model.differences)} 件事项不符：{shown}；"
                        "请运行 ducha rebuild 由事件日志重建")
    if model is not None and model.unreadable and report.ok:
        problems.append(f"事项状态表未能与事件日志比对：{model.unreadable}")
    if output_format(fmt, as_json) == "json":
        click.echo(dumps({**report.to_json(), "ok": not problems, "log_ok": report.ok,
                          "read_model": model.to_json() if model is not None else {"unchecked": unchecked}}))
    elif not problems:
        click.echo(f"事件日志完整：{report.events} 个事件，哈希链有效（{report.head[:16]}…）")
        click.echo(f"末端：{report.head_text}（请记入登记簿或报送上级；日后用 ducha verify --head {report.head_text} 核对）")
        for anchor in report.anchors:
            seq = int(anchor.split(":", 1)[0])
            click.echo(f"与所记末端相符：{anchor[:len(str(seq)) + 17]}…（其后又记录了 {report.events - seq} 个事件）")
        if report.key == "none":
            click.echo("未配置密钥文件：能写数据库文件的人可重算整条哈希链，只有用 --head 核对所记末端才能发现")
        elif report.key == "ok":
            click.echo("密钥签记有效")
        for note in report.notes:
            click.echo(f"注意：{note}")
        if model is None:
            click.echo(f"事项状态表未比对：{unchecked}")
        elif model.stale:
            click.echo("事项状态表按另一规则或日历生成（读取时均由事件日志重算），未比对；ducha rebuild 后可比对")
        else:
            scope = "全部" if model.full or model.checked == model.total else "抽查"
            click.echo(f"事项状态表与事件日志一致（{scope} {model.checked} 件，共 {model.total} 件）")
    if problems:
        raise click.ClickException("；".join(problems))


@command()
@config_option
@click.argument("dest", metavar="FILE")
@click.option("--with-config", is_flag=True,
              help="同时把部署配置（ducha.toml）复制到备份旁，文件名为 FILE 去掉扩展名加 .toml。")
@handle_errors
@store_errors
def backup(config_path, dest, with_config):
    """在使用中做一个一致的数据库备份（先写临时文件，检查无误后再改为 FILE；不覆盖已有文件）。"""
    from pathlib import Path

    from ducha_core.config import load_config
    from ducha_core.store import open_store

    config = load_config(config_path)
    copy = Path(dest).with_suffix(".toml") if with_config else None
    if copy is not None:
        if config.path is None:
            raise InputError("找不到部署配置文件，无法 --with-config")
        if copy.exists():
            raise InputError(f"{copy} 已存在，不覆盖；请换一个备份文件名")
        if copy.resolve() == config.path.resolve():
            raise InputError(f"{copy} 就是部署配置文件本身；请换一个备份文件名")
    store = open_store(config.database, create=False)
    try:
        path = store.backup(dest)
    finally:
        store.close()
    click.echo(f"已备份到 {path}（已检查；恢复：ducha restore {path}）")
    if copy is not None:
        copy.write_bytes(config.path.read_bytes())
        click.echo(f"部署配置已复制到 {copy}（恢复时放回原处，或用 --config {copy}）")


@command()
@config_option
@click.argument("source", metavar="BACKUP")
@handle_errors
@store_errors
def restore(config_path, source):
    """由备份恢复数据库：先检查备份（完整性、数据表、哈希链），不可用则不作任何改动；原数据库保存为 *.bak。"""
    from ducha_core.config import load_config
    from ducha_core.store.sqlite import restore as restore_file

    done = restore_file(source, load_config(config_path).database)
    if done.kept is None:
        old = "原先没有数据库"
    elif done.old_events is None:
        old = f"原文件不可用，已移至 {done.kept}"
    else:
        old = f"原数据库（{done.old_events} 个事件）保存为 {done.kept}"
    click.echo(f"已由 {source} 恢复 {done.database}：{done.events} 个事件，哈希链有效；{old}")


@command("step")
@write_command
@click.argument("action", metavar="ACTION")
@matter_argument
@click.option("--unit", "units", multiple=True, metavar="UNIT", help="所涉单位id或名称（默认主办单位）；可重复。")
@step_option
@note_option
def step_cmd(config_path, actor, on, action, matter, units, step, note):
    """记录本辖区程序中的任一步骤。

    \b
    ACTION 为步骤id：书面检查 rectification_plan、问责建议 accountability、
    报告 report_up、不予立项 reject，或插件自有的步骤
    如 task_book、revisit、overdue_report（见 `ducha compare`）。"""
    _record(config_path, matter, action, on, actor, {"units": list(units), "note": note}, step)


# every step takes the extra fields a jurisdiction may require (``--plan TEXT``, ``--task-book`` …)
for _command in (register, apply_cmd, approve, assign, accept, remind, progress, submit, review, extension, close,
                 archive, bulletin, escalate, order, interview, grade, finding, step_cmd, set_deadline, dismiss):
    _command.context_settings.update(ignore_unknown_options=True, allow_extra_args=True)
    _command.help = (inspect.cleandoc(_command.help or "")
                     + "\n\n本辖区要求的其他要件可写作 --字段名 值（如 --plan、--next-steps）；各步骤的要件见 ducha fields 步骤id。")


@command("switch-jurisdiction")
@config_option
@click.argument("new", metavar="ID")
@as_option(True)
@click.option("--reason", required=True, help="改按新辖区规定记录的理由（如 新文件施行、机构调整）。")
@handle_errors
@store_errors
def switch_jurisdiction(config_path, new, actor, reason):
    """改按另一辖区的规定记录：ducha.toml 的 jurisdiction 改为 ID 后，由督查室人员写明理由确认。

    \b
    事件日志记录其所依据的辖区；ducha.toml 改为另一辖区后，读写均被拒绝，
    直至运行本命令。本命令先按新规定读取全部事项（读不通的不予切换），
    再把切换（原辖区、新辖区、办理人、理由、时间）记入数据库并重建事项状态。"""
    from ducha_core.config import load_config
    from ducha_core.ledger import Ledger

    config = load_config(config_path)
    book = Ledger.open(config, check_jurisdiction=False)
    try:
        if new not in (config.jurisdiction, book.policy.id):
            raise InputError(f"ducha.toml 的 jurisdiction 现为 {config.jurisdiction}，不是 {new}；"
                             f"请先把 ducha.toml 改为 jurisdiction = \"{new}\"，再运行本命令")
        old = book.switch_jurisdiction(actor, reason)
        click.echo(f"已改按 {book.policy.id} 的规定记录（原 {old}）；理由：{reason.strip()}；已记入数据库并重建事项状态")
    finally:
        book.close()
