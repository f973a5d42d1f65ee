"""Corrections to the ledger: ``ducha correct`` (更正 a title, source or kind) and ``ducha withdraw``
(撤销 a matter registered by mistake). Both are the office's, with a reason; the old values stay
in the history."""

from __future__ import annotations

import click

from ducha_core.cli.ledger_cmd import _record, matter_argument, note_option, write_command
from ducha_core.cli.options import TEXT, command


@command("correct")
@write_command
@matter_argument
@click.option("--title", "-t", type=TEXT, default=None, help="更正后的事项名称。")
@click.option("--source", default=None, help="更正后的事项来源。")
@click.option("--kind", "-k", default=None, help="更正后的事项类别（本辖区的类别id）。")
@click.option("--reason", required=True, help="更正的理由（登记有误……）。")
@click.option("--duplicate-ok", is_flag=True,
              help="更正后与本年另一事项同名同来源时，确认确属不同事项（否则不予更正）。")
@note_option
def correct(config_path, actor, on, matter, title, source, kind, reason, duplicate_ok, note):
    """更正：督查室写明理由后更正事项名称、来源或类别；原值保留在记录中（`ducha show` 显示 旧→新）。
    更正后与本年另一事项同名同来源的，须加 --duplicate-ok。"""
    _record(config_path, matter, "correct", on, actor,
            {"title": title, "source": source, "kind": kind, "reason": reason, "note": note,
             "duplicate_ok": True if duplicate_ok else None})


@command("withdraw")
@write_command
@matter_argument
@click.option("--reason", required=True, help="撤销的理由（误登记、重复登记……）。")
@note_option
def withdraw(config_path, actor, on, matter, reason, note):
    """撤销：误登记的事项由督查室写明理由后撤销；撤销后不再有期限，不计入统计。"""
    _record(config_path, matter, "withdraw", on, actor, {"reason": reason, "note": note})
