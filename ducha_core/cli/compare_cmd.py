"""Commands for policy writers and new districts: compare, run, test, replay, new-jurisdiction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ducha_core.cli.options import (
    DATE,
    NamedChoice,
    command,
    dumps,
    emit,
    format_option,
    handle_errors,
    output_format,
    plugin_path_option,
    render_table,
)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        click.echo(f"已写入 {output}", err=True)
    else:
        click.echo(text)


@command()
@click.argument("specs", nargs=-1, metavar="[ID|VARIANT.toml ...]")
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False), help="把此情景文件放到各辖区下运行并比较结果。")
@click.option("--as-of", type=DATE, help="情景比较的日期（默认为情景文件的 as_of）。")
@click.option("--format", "fmt", type=NamedChoice({"table": "表格", "markdown": "Markdown", "html": "网页", "csv": "逗号分隔",
                                                    "json": "JSON"}),
              default="table", show_default=True, help="输出格式：table 表格、markdown、html 网页、csv、json。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（即 --format json）。")
@click.option("--only-differences", is_flag=True, help="只显示各辖区不同的行。")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="写入此文件，而不是打印到终端。")
@plugin_path_option
@handle_errors
def compare(specs, scenario_path, as_of, fmt, as_json, only_differences, output, plugin_paths):
    """各辖区政策逐项对比（每格注明条款，文件未规定处标注）；--scenario 则比较同一情景在各辖区的结果。

    ID|VARIANT.toml：辖区id或政策变体文件（默认：全部已安装的辖区）。
    """
    from ducha_core.compare import compare_policies, compare_scenario, render
    from ducha_core.registry import all_ids, resolve_policy

    fmt = "json" if as_json else fmt
    ids = list(specs) or all_ids(plugin_paths)
    policies = [resolve_policy(s, plugin_paths=plugin_paths) for s in ids]
    if scenario_path:
        from ducha_core.scenario import load_scenario, policies_for

        scenario = load_scenario(scenario_path)
        if specs:
            settings_for = scenario.settings
            policies = [resolve_policy(s, plugin_paths=plugin_paths, settings=settings_for.get(s, {})) for s in ids]
        else:
            policies = policies_for(scenario, (), plugin_paths)
        table = compare_scenario(scenario, policies, as_of)
    else:
        table = compare_policies(policies)
    if only_differences:
        table.rows = [r for r in table.rows if r.differs]
    _write(render(table, fmt), output)


def _snapshot_text(snap) -> str:
    from ducha_core.compare import _LIGHT

    policy = snap.policy
    lines = [f"== {policy.jurisdiction.name}（{policy.id}）截至 {snap.as_of} =="]
    rows = []
    for m in snap.matters.values():
        s = m.state
        if s is None:
            rows.append([m.id, "—", "—", "—", "—", m.note])
            continue
        due = s.due
        due_text = f"{due.date_text} {due.name}〔{due.citation.article if due.citation else ''}〕" if due else "—（文件未规定）"
        rows.append([m.id, policy.kinds[s.kind].name, m.state_name, due_text, _LIGHT.get(m.light, m.light),
                     m.reminder_due or ""])
    lines.append(render_table(["事项", "类别", "状态", "期限（依据）", "灯", "应催办"], rows))
    for a in snap.applied:
        for note in a.notes:
            lines.append(f"  · 第{a.step.line}行 {a.step.label}：{note}")
        if a.refused:
            mark = "（预期）" if a.step.expect_refused else ""
            lines.append(f"  ✗ 第{a.step.line}行 {a.step.on} {a.step.label} 被拒绝{mark}：{a.refused}")
    if snap.findings:
        lines.append("规则要求的处理：")
        for f in snap.findings:
            where = " ".join(x for x in (f.unit, f.matter) if x)
            lines.append(f"  - [{f.category}] {f.name}（{where}）：{f.reason}〔{f.citation}〕")
    for c in snap.cycles:
        lines.append(f"周期报送：{c['name']}，{c['due']}" + (f"，下次 {c['next']}" if c["next"] else "") + f"〔{c['citation']}〕")
    return "\n".join(lines)


@command()
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(dir_okay=False))
@click.option("--jurisdiction", "-j", "specs", multiple=True, metavar="ID|all|VARIANT.toml",
              help="在哪些辖区下运行（默认：情景文件所列的，否则全部已安装的辖区）；可重复。")
@click.option("--as-of", type=DATE, help="显示哪一天的情况（默认：情景文件的 as_of，否则其最后一个事实的日期）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@plugin_path_option
@handle_errors
def run(scenario_path, specs, as_of: date | None, as_json, plugin_paths):
    """运行情景文件：各辖区下每件事项的状态、期限及依据、红黄绿灯、应催办、升级处理与等次。"""
    from ducha_core.scenario import load_scenario, policies_for
    from ducha_core.scenario import run as run_scenario

    scenario = load_scenario(scenario_path)
    snaps = [run_scenario(scenario, p, as_of) for p in policies_for(scenario, specs, plugin_paths)]
    if as_json:
        click.echo(dumps({"scenario": scenario.name, "snapshots": [s.to_json() for s in snaps]}))
        return
    click.echo(f"情景：{scenario.name}" + (f"\n{scenario.description}" if scenario.description else ""))
    for snap in snaps:
        click.echo("")
        click.echo(_snapshot_text(snap))


@command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--jurisdiction", "-j", "specs", multiple=True, metavar="ID|all|VARIANT.toml",
              help="在这些辖区下运行，而不是各情景文件自己所列的辖区；可重复。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option("--verbose", "-v", is_flag=True, help="也显示通过的检查。")
@plugin_path_option
@handle_errors
def test(paths, specs, as_json, verbose, plugin_paths):
    """运行情景文件中的预期（[[expect]]），逐项报告通过/失败、预期与实际、所涉条款；有失败时退出码非零。"""
    from ducha_core.scenario import check, find_scenarios, load_scenario, policies_for

    files = [f for p in paths for f in find_scenarios(p)]
    if not files:
        raise click.ClickException(f"{'、'.join(paths)} 下没有情景文件（含 [[matter]] 的 .toml）；请给出情景文件或其所在目录")
    results = []
    failed = 0
    for file in files:
        scenario = load_scenario(file)
        outcomes = check(scenario, policies_for(scenario, specs, plugin_paths))
        bad = [o for o in outcomes if not o.ok]
        failed += len(bad)
        results.append((file, scenario, outcomes))
    if as_json:
        click.echo(dumps([
            {"file": str(f), "scenario": s.name, "passed": sum(o.ok for o in outs), "failed": sum(not o.ok for o in outs),
             "checks": [{"jurisdiction": o.jurisdiction, "as_of": o.as_of.isoformat(), "what": o.what,
                         "expected": o.expected, "actual": o.actual, "ok": o.ok, "citations": list(o.citations),
                         "line": o.line} for o in outs]}
            for f, s, outs in results
        ]))
    else:
        for file, scenario, outcomes in results:
            bad = [o for o in outcomes if not o.ok]
            click.echo(f"{'失败' if bad else '通过'}  {file}（{scenario.name}）：{len(outcomes) - len(bad)}/{len(outcomes)} 项通过")
            for o in outcomes:
                if verbose or not o.ok:
                    where = f"第{o.line}行 " if o.line else ""
                    click.echo(f"    {where}{o.describe()}")
        total = sum(len(o) for _f, _s, o in results)
        click.echo(f"\n共 {len(files)} 个情景、{total} 项检查，失败 {failed} 项")
    if failed:
        raise SystemExit(1)


@command()
@click.option("--variant", required=True, type=click.Path(dir_okay=False), help="重放所用的政策变体文件（.toml）。")
@click.option("--from", "from_", type=DATE, help="只重放在此日或之后登记的事项。")
@click.option("--to", type=DATE, help="重放到哪一天，并在这一天比较结果（默认：最后一个事件的日期）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="部署配置文件（默认 ./ducha.toml）。")
@click.option("--as", "viewer", metavar="PERSON", default=None,
              help="查看人的人员id：涉密事项只对有权知悉的人员列入（不写 --as 则不列入，也不计入各项数字）。")
@format_option
@handle_errors
def replay(variant, from_, to, config_path, viewer, fmt, as_json):
    """在政策变体下重放本部署的真实事件日志（只读，不写入），报告逾期、催办、升级处理、等次的差异及所涉规则。"""
    from ducha_core.replay import render_report, replay_deployment

    report = replay_deployment(variant, config_path=config_path, start=from_, end=to, viewer=viewer)
    fmt = output_format(fmt, as_json)
    if fmt == "table":
        click.echo(render_report(report))
        return
    # csv (and the other table formats): one row per unit, 现行 and 变体 side by side
    headers = ["单位", "逾期（现行）", "逾期（变体）", "应催办（现行）", "应催办（变体）", "升级（现行）", "升级（变体）",
               "等次（现行）", "等次（变体）", "扣分（现行）", "扣分（变体）", "所涉规则"]
    rows = [[report.unit_name(u.unit), *u.overdue, *u.reminders, *u.escalations, u.grades[0] or "", u.grades[1] or "",
             *u.deductions, "；".join(u.rules)] for u in report.units]
    emit(fmt, headers, rows, report.to_json())


@command("new-jurisdiction")
@click.argument("jurisdiction_id", metavar="ID")
@click.option("--name", required=True, help="辖区的中文名称，如 某某区。")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=".", show_default=True,
              help="在此目录下创建插件包文件夹 ducha-<id>/；若此目录本身名为 ducha-<id>（可不存在或为空），就写在其中。")
@click.option("--level", type=NamedChoice({"district": "区", "county": "县", "city": "市", "province": "省"}),
              default="district", show_default=True, help="行政层级：district 区、county 县、city 市、province 省。")
@click.option("--extends", metavar="ID", help="在哪个已安装辖区的基础上修改（辖区id，即 Jurisdiction.extends）。")
@handle_errors
def new_jurisdiction(jurisdiction_id, name, directory, level, extends):
    """生成新辖区插件的脚手架：pyproject（入口点）、带说明的钩子桩、默认模板目录、空的条款对照表和情景测试。"""
    from ducha_core.scaffold import scaffold

    root = scaffold(jurisdiction_id, name, Path(directory), level=level, extends=extends)
    click.echo(f"已生成 {root}")
    click.echo(f"下一步：python -m pip install -e {root}  然后  ducha jurisdictions ；"
               f"测试：pytest -p ducha_core.conformance --ducha-jurisdiction {jurisdiction_id} {root}")
