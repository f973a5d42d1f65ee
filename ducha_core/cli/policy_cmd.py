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
@plugin_path_option
@format_option
@handle_errors
def articles(jurisdiction, plugin_paths, fmt, as_json):
    """条款对照表：每条每款对应的规则与测试，或不可操作的理由；并给出可操作条款的覆盖率。"""
    from ducha_core.registry import resolve_policy
    from ducha_core.traceability import coverage

    policy = resolve_policy(jurisdiction, plugin_paths=plugin_paths)
    report = coverage(policy)
    fmt = output_format(fmt, as_json)
    rows = [[a.id, "是" if a.operational else "否", a.summary, ", ".join(a.rules) or "—",
             ", ".join(a.tests) or "—", a.reading or a.reason] for a in policy.articles]
    emit(fmt, ["条款", "可操作", "内容", "规则", "测试", "解读/理由"], rows, report)
    if fmt == "table":
        click.echo(f"\n可操作条款 {report['operational']} 条，已编码并有测试 {report['covered']} 条，"
                   f"覆盖率 {report['coverage']:.0%}")
