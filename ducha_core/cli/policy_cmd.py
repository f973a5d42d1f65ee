"""Commands that read policies: jurisdictions, plugins, deadline, articles."""

from __future__ import annotations

from datetime import date

import click

from ducha_core.cli.options import (
    DATE,
    command,
    dumps,
    emit,
    format_option,
    handle_errors,
    jurisdiction_option,
    output_format,
    plugin_path_option,
)


@command()
@plugin_path_option
@format_option
@handle_errors
def jurisdictions(plugin_paths, fmt, as_json):
    """列出已安装的辖区插件（版本、依据文件、文号、印发日期）。"""
    from ducha_core.registry import plugins_with

    plugins = plugins_with(plugin_paths)
    records = []
    for jid, info in sorted(plugins.jurisdictions.items()):
        doc = info.jurisdiction.document
        records.append({
            "id": jid,
            "name": info.jurisdiction.name,
            "level": info.jurisdiction.level,
            "version": info.version,
            "source": info.source,
            "extends": info.jurisdiction.extends,
            "document": {
                "title": doc.title,
                "number": doc.number,
                "issuer": doc.issuer,
                "issued": doc.issued.isoformat() if doc.issued else None,
                "trial": doc.trial,
            },
        })
    rows = [[r["id"], r["name"], r["version"], r["document"]["title"], r["document"]["number"] or "（无文号）",
             r["document"]["issued"] or "（未载明）", r["source"]] for r in records]
    emit(output_format(fmt, as_json), ["id", "名称", "版本", "依据文件", "文号", "印发日期", "来源"], rows, records)


@command("plugins")
@plugin_path_option
@format_option
@handle_errors
def plugins_cmd(plugin_paths, fmt, as_json):
    """列出已加载的插件及其实现的钩子。"""
    from ducha_core.registry import plugins_with

    plugins = plugins_with(plugin_paths)
    rows = []
    for name, plugin in plugins.manager.list_name_plugin():
        hooks = sorted(h.name for h in plugins.manager.get_hookcallers(plugin) or [])
        rows.append([name, len(hooks), ", ".join(h.removeprefix("ducha_") for h in hooks)])
    records = [{"plugin": r[0], "hook_count": r[1], "hooks": r[2].split(", ") if r[2] else []} for r in rows]
    emit(output_format(fmt, as_json), ["插件", "钩子数", "钩子"], rows, records)


@command()
@jurisdiction_option(required=True)
@click.option("--kind", "-k", required=True, help="事项类别id（decision、instruction、npc_suggestion……）。")
@click.option("--from", "from_", type=DATE, required=True, help="事项收到或交办的日期。")
@click.option("--meeting", type=DATE, help="会议日期，用于自会议起算的时限（默认同 --from）。")
@plugin_path_option
@format_option
@handle_errors
def deadline(jurisdiction, kind, from_: date, meeting, plugin_paths, fmt, as_json):
    """某类事项在某日交办时适用的期限，逐条列出规则、出处和推算说明。"""
    from ducha_core.calendar import WorkingCalendar
    from ducha_core.deadlines import deadlines_for
    from ducha_core.errors import InputError
    from ducha_core.registry import resolve_policy

    policy = resolve_policy(jurisdiction, plugin_paths=plugin_paths)
    if kind not in policy.kinds:
        known = "、".join(f"{k}（{v.name}）" for k, v in policy.kinds.items())
        raise InputError(f"{policy.id} 没有事项类别 '{kind}'；可用：{known}")
    cal = WorkingCalendar.load(strict=bool(policy.settings.get("strict_calendar")))
    anchors = {"meeting": meeting} if meeting else {}
    items = deadlines_for(policy, kind, from_, cal, anchors=anchors)
    warning = policy.force_warning(from_)
    fmt = output_format(fmt, as_json)
    record = {
        "jurisdiction": policy.id,
        "kind": kind,
        "from": from_.isoformat(),
        "warning": warning,
        "deadlines": [d.to_json() for d in items],
    }
    if fmt == "json":
        click.echo(dumps(record))
        return
    if warning:
        click.echo(f"注意：{warning}", err=True)
    if not items:
        click.echo(f"{policy.jurisdiction.name}的文件未对「{policy.kinds[kind].name}」规定期限（按交办通知的明确时限）")
        return
    rows = [[d.name, d.date_text, d.period, d.citation, "暂定" if d.provisional else ""] for d in items]
    emit(fmt, ["期限", "日期", "时限", "依据", ""], rows, record)
    if fmt == "table":
        for d in items:
            click.echo("")
            click.echo("\n".join(f"  {line}" for line in d.explanation))


@command()
@click.argument("jurisdiction", metavar="ID")
@click.option("--check", is_flag=True,
              help="同时运行剔除检验：逐条剔除条款所引的规则，重跑该条所引的测试，至少一个失败才算有测试证明"
                   "（每个辖区约 3–4 秒）。")
@plugin_path_option
@format_option
@handle_errors
def articles(jurisdiction, check, plugin_paths, fmt, as_json):
    """条款对照表：每条每款的状态（已执行且有测试、无测试证明、CLI不可达、未被读取、非操作性条款）及其规则与测试。

    \b
    不加 --check 只做静态检查（规则是否存在、能否从命令行使用、是否被核心读取、
    规则引用的条款是否在表中），不计算覆盖率；加 --check 运行剔除检验，
    覆盖率只计“已执行且有测试”的条款。"""
    from ducha_core.errors import InputError
    from ducha_core.registry import is_variant_spec, plugins_with, resolve_policy
    from ducha_core.traceability import STATUS_NAMES, not_enforced, report

    policy = resolve_policy(jurisdiction, plugin_paths=plugin_paths)
    result = None
    if check:
        if is_variant_spec(jurisdiction):
            raise InputError("剔除检验只用于已安装或 --plugin 加载的辖区id，不用于政策变体文件")
        from ducha_core.knockout import run

        result = run(policy.id, plugin_paths)
    rep = report(policy, result, plugins=None if is_variant_spec(jurisdiction) else plugins_with(plugin_paths))
    command_line = f"ducha articles {jurisdiction} --check" + "".join(f" --plugin {p}" for p in plugin_paths)
    if result is None:
        rep["note"] = f"剔除检验未运行：覆盖率（只计已执行且有测试的条款）未计算；运行 {command_line}"
    fmt = output_format(fmt, as_json)

    def tests_of(a: dict) -> str:
        return ", ".join(t.rsplit("::", 1)[-1] for t in a["tests"]) or "—"

    def note_of(a: dict) -> str:
        if a["status"] == "not_operational":
            return a["reason"]
        if a["status"] in ("tested", "not_checked"):  # nothing wrong found: the plugin's reading of it
            return a["reading"]
        return a["detail"]

    if fmt == "table":  # for a policy writer: each article, its status and why; rule and test ids in csv/json
        from ducha_core.documents.demo import clip

        rows = [[a["id"], a["status_name"], clip(a["summary"], 40), clip(note_of(a) or "", 70)] for a in rep["articles"]]
        emit(fmt, ["条款", "状态", "内容", "说明"], rows, rep)
        click.echo("（各条所引的规则与测试：加 --format csv 或 --json）")
    else:
        rows = [[a["id"], a["status_name"], a["summary"], ", ".join(a["rules"]) or "—", tests_of(a), note_of(a)]
                for a in rep["articles"]]
        emit(fmt, ["条款", "状态", "内容", "规则", "测试", "说明"], rows, rep)
        return
    bad = not_enforced(rep)
    if bad:
        click.echo(f"\n未达到“{STATUS_NAMES['tested']}”的条款与规则（条款、规则、状态、原因）：")
        for b in bad:
            click.echo(f"  {b['article']}  {b['rule'] or '—'}  {b['status']}  {b['reason']}")
    if rep["errors"]:
        click.echo("\n错误：")
        for e in rep["errors"]:
            click.echo(f"  {e}")
    if rep["hints"]:
        click.echo("\n提示：")
        for h in rep["hints"]:
            click.echo(f"  {h}")
    n = rep["operational"]
    if result is None:
        click.echo(f"\n可操作条款 {n} 条；静态检查无问题 {rep['statically_clear']} 条。")
        click.echo(f"未运行剔除检验：覆盖率（只计已执行且有测试的条款）未计算。运行 {command_line}"
                   "（逐条剔除所引规则并重跑所引测试）。")
    else:
        seconds = result.get("seconds", 0)
        click.echo(f"\n可操作条款 {n} 条，已执行且有测试 {rep['enforced_and_tested']} 条，覆盖率 {rep['coverage']:.0%}"
                   f"（剔除检验：{result['knockouts']} 条规则，{result['test_runs']} 次测试运行，用时 {seconds} 秒）")
