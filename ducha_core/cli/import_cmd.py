"""``ducha import FILE.xlsx|.csv``: register matters from the office's spreadsheet (see ``ducha_core.importer``)."""

from __future__ import annotations

import click

from ducha_core.cli import ledger_cmd
from ducha_core.cli.ledger_cmd import _open, as_option, config_option, store_errors
from ducha_core.cli.options import OneLineError, command, handle_errors, render_table


@command("import")
@click.argument("file", metavar="FILE.xlsx|FILE.csv", type=click.Path(dir_okay=False))
@config_option
@as_option()
@click.option("--dry-run", is_flag=True, help="只检查并列出将登记的事项，不写入。")
@click.option("--duplicate-ok", is_flag=True,
              help="确认重复登记：与本年已有事项（或表中前面的行）同名同来源的行也登记。")
@handle_errors
@store_errors
def import_cmd(file, config_path, actor, dry_run, duplicate_ok):
    """导入：按督查室原有台账表格（每行一件事项）登记、交办事项。

    表头默认：类别、事项名称、来源、收到日期、主办单位、协办单位、办理时限、责任人、交办日期；
    可在 ducha.toml 的 [import] 中改写（如 title = "督办事项"）。单位、类别、人员可写 id 或名称。
    每行按立项、交办、承办的规定检查；任何一行有错，一件也不写入。责任人可写多人（用、分隔），
    各自为本单位承接。与本年已有事项同名同来源的行须加 --duplicate-ok 确认。

    只导入登记、交办、承接（及本辖区交办前须经的审批）：此后的催办、报送、审核等办理过程不在表中，
    不导入；“状态”列为已办结、已撤销等已结束状态的行（如 ducha ledger --format xlsx 导出的表）略过
    并逐行说明。编号由本台账重新编排。"""
    from ducha_core.importer import FIELDS, ImportFailed, plan_rows, write

    ledger = _open(config_path)
    try:
        today = ledger_cmd._now()
        try:
            planned, skipped = plan_rows(ledger, file, actor, today, duplicate_ok=duplicate_ok)
        except ImportFailed as exc:  # every problem on its own line, then the verdict
            for problem in exc.problems:
                click.echo(f"错误：{problem}", err=True)
            raise OneLineError(f"共 {len(exc.problems)} 处错误；未导入任何事项（改正后重新导入；可先加 --dry-run 检查）") from None
        for row, title, status in skipped:
            click.echo(f"第{row}行「{title}」状态为{status}：已结束的事项不导入（表中没有它的办理过程）")
        rows = [[p.row, p.matter_id, *(p.values.get(f) for f in FIELDS)] for p in planned]
        if dry_run:
            click.echo(render_table(["行号", "编号", *FIELDS.values()], rows))
            click.echo(f"将登记 {len(planned)} 件事项（--dry-run：未写入）")
            return
        ids = write(ledger, planned, today)
        for p, mid in zip(planned, ids, strict=True):
            click.echo(f"第{p.row}行 → {mid} {p.values.get('title')}")
        click.echo(f"已导入 {len(ids)} 件事项")
    finally:
        ledger.close()


