"""``ducha fields``: the fields each step of the jurisdiction takes (``ducha_core.fields``)."""

from __future__ import annotations

import click

from ducha_core.cli.ledger_cmd import config_option, read_jurisdiction_option
from ducha_core.cli.options import command, emit, format_option, handle_errors, output_format


@command("fields")
@config_option
@read_jurisdiction_option
@click.argument("action", metavar="ACTION", required=False)
@format_option
@handle_errors
def fields_cmd(config_path, jurisdiction, action, fmt, as_json):
    """本辖区各步骤的要件：记录步骤时可写的 --字段名 值、其中文含义、可选值和依据。

    ACTION 为步骤id（如 submit、finding、remind），省略则列出全部步骤。必填的缺了不予记录；“取值”只能取所列之一；
    “审批”须写有权批准的人员id；“触发”是规则据以提出升级建议的标记（如 finding --serious）。"""
    from ducha_core.config import load_config
    from ducha_core.errors import InputError
    from ducha_core.fields import step_fields
    from ducha_core.registry import resolve_policy

    config = load_config(config_path, jurisdiction=jurisdiction)
    policy = resolve_policy(config.jurisdiction, plugin_paths=config.plugins, settings=config.settings)
    rows = step_fields(policy, action)
    if action is not None and not rows:
        known = sorted({t.action for t in policy.procedure.transitions})
        if action not in known:
            raise InputError(f"没有「{action}」这一步骤；本辖区的步骤：{'、'.join(known)}")
    fmt = output_format(fmt, as_json)
    if fmt == "table" and not rows:  # a sentence, not an empty table
        what = f"「{policy.action_name(action)}（{action}）」" if action else "本辖区的各步骤"
        click.echo(f"{what}没有本辖区规定的要件")
        return
    emit(fmt, ["步骤", "选项", "含义", "要求", "可选值", "依据"],
         [[f"{f.step}（{f.action}）", f.option, f.name, f.why, "、".join(f.values), f.article] for f in rows],
         {"jurisdiction": policy.id, "fields": [
             {"action": f.action, "step": f.step, "field": f.field, "option": f.option, "name": f.name, "why": f.why,
              "values": list(f.values), "article": f.article} for f in rows]})

