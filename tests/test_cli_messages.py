"""What the command line says to its users is Chinese: every help text, and every error as one line
``错误：…`` that names the option or value at fault (click's own usage errors included)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from ducha_core.cli import COMMANDS, main

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUCHA_CONFIG", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--jurisdiction", "weinan_gaoxin"]).exit_code == 0

    def invoke(*args: str):
        return runner.invoke(main, list(args))

    return invoke


@pytest.mark.parametrize(
    ("args", "code", "names"),
    [
        (("dismiss", "M1", "--as", "chen", "--step", "criticism_once"), 2, ["缺少选项 --reason", "理由"]),
        (("register",), 2, ["缺少选项 --as"]),
        (("ledger", "--bogus"), 2, ["没有选项 --bogus", "ducha ledger --help"]),
        (("due", "--year", "abc"), 2, ["--year", "'abc'", "1949–2200"]),
        (("assessment", "--year", "1800"), 2, ["--year", "'1800'", "1949–2200"]),
        (("ledger", "--format", "xml"), 2, ["--format", "'xml'", "table", "csv", "json"]),
        (("ledger", "--as-of", "2025-02-30"), 2, ["--as-of", "'2025-02-30'", "YYYY-MM-DD"]),
        (("doc", "memo", "M1"), 2, ["KIND", "'memo'", "assignment（督查通知单）"]),
        (("show",), 2, ["缺少参数 MATTER", "ducha show"]),
        (("show", "M1", "M2"), 2, ["多余的参数", "M2"]),
        (("nosuch",), 2, ["没有命令 'nosuch'", "ducha --help"]),
        (("regster",), 2, ["没有命令 'regster'", "register"]),
        (("calendar", "add", "2025-13-01", "1"), 2, ["DATE", "'2025-13-01'", "YYYY-MM-DD"]),
        (("progress", "M1", "--as", "chen", "--bogus", "x"), 2, ["没有选项 --bogus"]),
        (("review", "M1", "--as", "chen"), 2, ["--pass", "--return"]),
        (("remind", "M1", "--as", "chen", "--method", "电话催办", "--step", "nope"), 1,
         ["未知的升级规则 'nope'", "overdue_chase（逾期未报送办理结果：督办催办）"]),
        (("due", "--year", "2026", "--as-of", "2025-11-04"), 1, ["--year 2026", "--as-of 2025-11-04", "2025"]),
        (("obligations", "--this-week", "--from", "2025-01-01"), 1, ["--this-week", "--from"]),
    ],
)
def test_a_bad_invocation_is_one_chinese_line(run, args, code, names):
    result = run(*args)
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    (line,) = lines
    assert line.startswith("错误：") and CJK.search(line[3:]), line
    for name in names:
        assert name in line, (name, line)
    for english in ("Traceback", "Usage:", "Error:", "Try '", "Invalid value", "Missing"):
        assert english not in result.output, result.output


def _commands():
    """Every command: the table's, and the subcommands of the groups among them."""
    ctx = click.Context(main, info_name="ducha")
    found = [("ducha", main)]
    todo = [(f"ducha {name}", main.get_command(ctx, name)) for name in COMMANDS]
    while todo:
        path, command = todo.pop()
        found.append((path, command))
        if isinstance(command, click.Group):
            todo += [(f"{path} {n}", command.get_command(ctx, n)) for n in command.list_commands(ctx)]
    return found


@pytest.mark.parametrize(("path", "command"), _commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_help_text_is_chinese(path, command):
    assert CJK.search(command.help or ""), f"{path}: {command.help!r}"
    ctx = click.Context(command, info_name=path)
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option)]
    assert options, path
    for option in options:
        assert CJK.search(option.help or ""), f"{path} {'/'.join(option.opts)}: {option.help!r}"
    text = CliRunner().invoke(main, [*path.split()[1:], "--help"]).output
    assert text.startswith(f"用法：{path} ") and "选项：" in text, text
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[default:", "required]"):
        assert english not in text, (path, english)


def test_a_line_that_must_not_be_rewrapped_keeps_its_tokens():
    text = CliRunner().invoke(main, ["dismiss", "--help"]).output
    assert "写明所属年度 --year YYYY。" in text
    assert "`ducha due --json` 的 dismiss 字段" in text
    text = CliRunner().invoke(main, ["grade", "--help"]).output
    assert "`ducha assessment --year YYYY` 汇总" in text
