"""The ``ducha`` command line: a thin layer over the library.

Subcommands are imported only when invoked (``LazyGroup``), so ``ducha --help`` starts fast and
loads no plugin. Each command module turns ``DuchaError`` into a one-line ``ClickException``; the
group (``DuchaGroup``, see ``options``) prints every error, click's usage errors included, as one
Chinese line ``错误：…`` on stderr, and click's help headings in Chinese.
"""

from __future__ import annotations

import importlib

import click

from ducha_core import _codecache
from ducha_core.cli.options import DuchaGroup, section, write_dl

_codecache.install()  # the methods attrs and dataclasses write for classes, compiled once (start-up)

#: command name -> "module:attribute" (module relative to ducha_core.cli)
COMMANDS: dict[str, tuple[str, str]] = {
    "calendar": ("calendar_cmd:calendar_group", "工作日历：查询工作日、推算期限"),
    "jurisdictions": ("policy_cmd:jurisdictions", "列出已安装的辖区插件及其依据文件"),
    "deadline": ("policy_cmd:deadline", "某类事项在某日收到时适用的期限及依据"),
    "articles": ("policy_cmd:articles", "插件的条款对照表（追溯表）及覆盖率"),
    "plugins": ("policy_cmd:plugins_cmd", "列出已加载的插件及其实现的钩子"),
}


def register_commands(more: dict[str, tuple[str, str]]) -> None:
    """Add lazily-imported commands (used by the command modules of later layers)."""
    COMMANDS.update(more)


class LazyGroup(DuchaGroup):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            target = COMMANDS[cmd_name][0]
            module_name, attr = target.split(":")
            module = importlib.import_module(f"ducha_core.cli.{module_name}")
            return getattr(module, attr)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # help text from the table, without importing every command module
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        if rows:
            with section(formatter, "命令"):
                write_dl(formatter, rows)


@click.group("ducha", cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ducha", message="%(prog)s 版本 %(version)s", help="显示版本号并退出。")
def main() -> None:
    """ducha 督查：督查事项台账、期限、催办、审核、通报与比较。"""


# later layers register their commands here (import-free: only names and module paths)
from ducha_core.cli.commands import COMMAND_TABLE  # noqa: E402

register_commands(COMMAND_TABLE)
