"""Shared option decorators and error handling for the CLI commands.

Users read Chinese: the command classes here (``DuchaCommand``, ``DuchaGroup``) print click's own
help in Chinese and turn every error (click's usage errors, and the ``ClickException`` a command
raises) into one line ``错误：…`` on stderr that names the option or value at fault and says how to
mend it. The exit code is click's: 2 for a usage error, 1 otherwise.
"""

from __future__ import annotations

import errno
import functools
import inspect
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from ducha_core._lazy import LazyPattern
from ducha_core.errors import DuchaError

# --- Chinese help and one-line Chinese errors ------------------------------------------------------

HELP_TEXT = "显示本帮助并退出。"

#: compiled on first use: only help and error messages ask (compiling it costs a command 2 ms)
_CJK = LazyPattern(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def one_line(text: Any) -> str:
    """``text`` on one line (click's ``\\b`` markers and line breaks become single spaces)."""
    return " ".join(str(text).replace("\b", " ").split())


class NamedChoice(click.Choice):
    """A choice whose values have Chinese names (shown when a value is missing or wrong)."""

    def __init__(self, names: Mapping[str, str], case_sensitive: bool = True) -> None:
        super().__init__(list(names), case_sensitive=case_sensitive)
        self.names = dict(names)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value's id; its Chinese name is accepted too (``--type 通报表扬`` or ``表扬``:
        the one name that ends with it). Anything else: a Chinese message listing the values."""
        text = str(value).strip()
        if text in self.names:
            return text
        lowered = {c.lower(): c for c in self.names} if not self.case_sensitive else {}
        if text.lower() in lowered:
            return lowered[text.lower()]
        named = [c for c, n in self.names.items() if n and (n == text or n.endswith(text))]
        if len(named) == 1:
            return named[0]
        self.fail(f"'{value}' 不是可选的值；可选：{choices_text(self)}", param, ctx)


def choices_text(param_type: Any) -> str:
    """The values a choice allows, with their Chinese names where known: ``a（甲）、b（乙）``."""
    names = getattr(param_type, "names", {})
    return "、".join(f"{c}（{names[c]}）" if names.get(c) else str(c) for c in param_type.choices)


def _range_text(param_type: Any) -> str | None:
    if not isinstance(param_type, (click.IntRange, click.FloatRange)):
        return None
    low, high = param_type.min, param_type.max
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"{'大于' if param_type.min_open else '不小于'} {low}"
    if high is not None:
        return f"{'小于' if param_type.max_open else '不大于'} {high}"
    return None


class YearType(click.IntRange):
    """A year (考核年度, the year of sample matters …), 1949–2200."""

    name = "year"

    def __init__(self) -> None:
        super().__init__(1949, 2200)

    def convert(self, value: Any, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1949 <= value <= 2200:
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}", text) or not 1949 <= int(text) <= 2200:
            self.fail(f"'{value}' 无效：须为 1949–2200 之间的年份，如 2025", param, ctx)
        return int(text)


YEAR = YearType()


def _label(param: click.Parameter | None, exc: click.BadParameter | None = None) -> str:
    """How a parameter is named to the user: its long option (``--year``) or its metavar (``MATTER``)."""
    if param is None:
        hint = getattr(exc, "param_hint", None)
        if isinstance(hint, str):
            return hint.strip("'\"")
        if hint:
            return " / ".join(h.strip("'\"") for h in hint)
        return "参数"
    if isinstance(param, click.Option):
        names = [o for o in param.opts if o.startswith("--")] or list(param.opts)
        return max(names, key=len)
    return param.human_readable_name


def _command_path(ctx: click.Context | None) -> str:
    return ctx.command_path if ctx is not None else "ducha"


def _usage(ctx: click.Context | None) -> str:
    if ctx is None:
        return "ducha --help"
    return f"{ctx.command_path} {' '.join(ctx.command.collect_usage_pieces(ctx))}".strip()


def _help_hint(ctx: click.Context | None, what: str = "用法") -> str:
    return f"用 {_command_path(ctx)} --help 查看{what}"


def _suggest(names: Sequence[str]) -> str:
    return f"（是否要用 {'、'.join(names)}？）" if names else ""


_VALUE = LazyPattern(r"""^(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+) is not""")
_PATH = LazyPattern(r"""^(?P<kind>\w+) (?P<value>'.*'|".*") (?P<what>does not exist|is a file|is a directory|"""
                   r"""is not readable|is not writable|is not executable)\.?$""")
_PATH_KIND = {"file": "文件", "directory": "目录", "path": "路径"}
_PATH_WHAT = {
    "does not exist": "{kind}不存在",
    "is a file": "这是一个文件，须为目录",
    "is a directory": "这是一个目录，须为文件",
    "is not readable": "{kind}无法读取（请检查权限）",
    "is not writable": "{kind}无法写入（请检查权限）",
    "is not executable": "{kind}不可执行",
}


def _bad_value(exc: click.BadParameter) -> str:
    """``--year 的值 'abc' 无效：须为 1949–2200 之间的年份`` (a type's own Chinese message is kept)."""
    label = _label(exc.param, exc)
    message = one_line(exc.message)
    if has_cjk(message):
        return f"{label} 的值 {message}" if message.startswith(("'", '"')) else f"{label} 的值无效：{message}"
    param_type = exc.param.type if exc.param is not None else None
    path = _PATH.match(message)
    if path:
        kind = _PATH_KIND.get(path["kind"].lower(), "路径")
        return f"{label} 的值 {path['value']} 无效：{_PATH_WHAT[path['what']].format(kind=kind)}"
    found = _VALUE.match(message)
    value = found["value"] if found else None
    if value is not None and value[0] not in "'\"":
        value = f"'{value}'"
    if isinstance(param_type, click.Choice):
        reason = f"可选：{choices_text(param_type)}"
    elif _range_text(param_type):
        number = "整数" if isinstance(param_type, click.IntRange) else "数"
        reason = f"须为 {_range_text(param_type)} 之间的{number}"
    elif isinstance(param_type, click.types.IntParamType):
        reason = "须为整数"
    elif isinstance(param_type, click.types.FloatParamType):
        reason = "须为数字"
    else:
        reason = message
    sep = "；" if reason.startswith("可选") else "："
    if value is None:
        return f"{label} 的值无效{sep}{reason}"
    return f"{label} 的值 {value} 无效{sep}{reason}"


def _missing(exc: click.MissingParameter) -> str:
    """``缺少选项 --reason：<the option's help>`` / ``缺少参数 MATTER；用法：…``."""
    param, ctx = exc.param, exc.ctx
    label = _label(param, exc)
    choices = ""
    if param is not None and isinstance(param.type, click.Choice):
        said = getattr(param, "help", None) or ""
        if not all(str(c) in said for c in param.type.choices):  # else the help names them already
            choices = f"可选：{choices_text(param.type)}"
    if isinstance(param, click.Option):
        detail = one_line(param.help or "").rstrip("。.")
        text = f"缺少选项 {label}" + (f"：{detail}" if detail else "")
        if choices:
            text += f"；{choices}"
        return text if detail or choices else f"{text}；{_help_hint(ctx)}"
    kind = "参数" if param is not None or exc.param_type == "argument" else "选项"
    return f"缺少{kind} {label}" + (f"；{choices}" if choices else "") + f"；用法：{_usage(ctx)}"


def _no_such_command(exc: click.UsageError, name: str) -> str:
    import difflib

    ctx = exc.ctx
    known: list[str] = []
    if ctx is not None and isinstance(ctx.command, click.Group):
        known = ctx.command.list_commands(ctx)
    close = difflib.get_close_matches(name, known)
    return f"没有命令 '{name}'{_suggest(close)}；{_help_hint(ctx, '可用命令')}"


def chinese_message(exc: click.ClickException) -> str:
    """One Chinese line for ``exc``, naming the option, argument or value at fault."""
    ctx = getattr(exc, "ctx", None)
    message = one_line(exc.message)
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}{_suggest(exc.possibilities or [])}；{_help_hint(ctx, '可用选项')}"
    command = getattr(exc, "command_name", None)
    if command is None:
        found = re.match(r"No such command '(.*)'\.?$", message)
        command = found[1] if found else None
    if command is not None:
        return _no_such_command(exc, command)
    if isinstance(exc, click.BadOptionUsage):
        name = exc.option_name
        if "does not take a value" in message:
            return f"选项 {name} 不带值；去掉 {name}= 及其后的内容"
        count = re.search(r"requires (\d+) arguments", message)
        if count:
            return f"选项 {name} 后须跟 {count[1]} 个值；{_help_hint(ctx)}"
        if "requires an argument" in message:
            return f"选项 {name} 后须跟一个值；{_help_hint(ctx)}"
        return message if has_cjk(message) else f"选项 {name} 的写法不对（{message}）；{_help_hint(ctx)}"
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)$", message)
    if extra:
        return f"多余的参数：{extra[1]}；用法：{_usage(ctx)}"
    if isinstance(exc, click.FileError):
        return f"无法打开文件 {exc.ui_filename}：{one_line(exc.message)}"
    if isinstance(exc, click.UsageError) and not has_cjk(message):
        return f"用法不对（{message}）；{_help_hint(ctx)}"
    return message


class OneLineError(click.ClickException):
    """An error already worded for the user: shown as one line ``错误：…`` with click's exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(one_line(message))
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(f"错误：{self.format_message()}", file=file, err=file is None)


def one_line_error(exc: click.ClickException) -> click.ClickException:
    if isinstance(exc, (OneLineError, getattr(click.exceptions, "NoArgsIsHelpError", OneLineError))):
        return exc  # already one line; or the help a bare group prints
    return OneLineError(chinese_message(exc), exc.exit_code)


def _shown_default(param: click.Option, ctx: click.Context) -> str | None:
    show = param.show_default if param.show_default is not None else ctx.show_default
    if isinstance(show, str):
        return show
    default = param.default
    if not show or param.is_flag or callable(default):
        return None
    if isinstance(default, (list, tuple)):
        return ", ".join(str(d) for d in default) or None
    return str(default) if isinstance(default, (str, int, float, date)) and default != "" else None


def option_help(param: click.Option, ctx: click.Context) -> str:
    """The option's help with click's notes in Chinese: ``[默认：table；必填]``."""
    text = param.help or ""
    extra = []
    default = _shown_default(param, ctx)
    if default:
        extra.append(f"默认：{default}")
    span = _range_text(param.type)
    if span:
        extra.append(f"范围：{span}")
    if param.required:
        extra.append("必填")
    if extra:
        text = f"{text}  [{'；'.join(extra)}]" if text else f"[{'；'.join(extra)}]"
    return text


# click wraps text at spaces and counts characters: a Chinese line has no spaces (click would cut an
# option name or id in two to fit) and each character takes two columns. Wrap by display width
# instead, between Chinese characters or at spaces, never inside a Latin token (--as-of, weekly_dispatch).
_UNIT = LazyPattern(r"\s+|\[[^\]\n]*\]|[\x21-\x7e]+|.", re.S)  # a note like [默认：table] stays whole
_NO_LINE_START = frozenset("，。、；：？！）》」』〕】”’…%")
_NO_LINE_END = frozenset("（《「『〔【“‘")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a Latin token longer than that stays whole)."""
    units: list[str] = []
    for unit in _UNIT.findall(text):
        if unit.isspace():
            units.append(" ")
        elif units and units[-1] != " " and (unit[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += unit  # no closing mark at a line's start, no opening mark at its end
        else:
            units.append(unit)
    lines: list[str] = []
    line, used = "", 0
    for unit in units:
        size = _width(unit)
        if unit == " " and not line:
            continue
        if line and unit != " " and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line += unit
        used += size
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def write_text(formatter: click.HelpFormatter, text: str) -> None:
    """Paragraphs wrapped by ``wrap``; a paragraph opened by ``\\b`` keeps its lines as written."""
    indent = " " * formatter.current_indent
    width = max(formatter.width - formatter.current_indent, 20)
    out = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(indent + line.strip() for line in lines[1:]))
        else:
            out.append("\n".join(indent + line for line in wrap(" ".join(paragraph.split()), width)))
    formatter.write("\n\n".join(out) + "\n")


def write_dl(formatter: click.HelpFormatter, rows: Sequence[tuple[str, str]], col_max: int = 30,
             col_spacing: int = 2) -> None:
    """``formatter.write_dl`` with the second column wrapped by ``wrap``."""
    first_col = min(max(_width(first) for first, _ in rows), col_max) + col_spacing
    indent = formatter.current_indent
    text_width = max(formatter.width - first_col - indent, 20)
    for first, second in rows:
        formatter.write(f"{'':>{indent}}{first}")
        if not second:
            formatter.write("\n")
            continue
        if _width(first) <= first_col - col_spacing:
            formatter.write(" " * (first_col - _width(first)))
        else:
            formatter.write("\n" + " " * (first_col + indent))
        lines = wrap(second, text_width)
        formatter.write(lines[0] + "\n")
        for line in lines[1:]:
            formatter.write(f"{'':>{first_col + indent}}{line}\n")


@contextmanager
def section(formatter: click.HelpFormatter, name: str):
    """``formatter.section`` with a Chinese heading (``选项：``)."""
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{name}：\n")
    formatter.indent()
    try:
        yield
    finally:
        formatter.dedent()


#: what Python makes of bytes in sys.argv that are not UTF-8 (surrogateescape): lone surrogates
_NOT_UTF8 = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    """``text`` with its undecodable bytes shown as ``\\xff``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _Chinese:
    """Chinese help (用法/选项/命令) and one-line Chinese errors, for a click command or group."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    # errors: anything raised while parsing (make_context) or running (invoke), subcommands included
    def parse_args(self, ctx, args):
        try:
            bad = next((a for a in args if isinstance(a, str) and _NOT_UTF8.search(a)), None)
            if bad is not None:  # bytes that are not UTF-8, as Python passes them on in sys.argv
                raise click.UsageError(f"参数 '{_printable(bad)}' 含有不是 UTF-8 编码的字节；"
                                       "请以 UTF-8 输入（终端编码设为 UTF-8，如 LANG=zh_CN.UTF-8）", ctx)
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser leaves it out: the command at fault names itself
                exc.ctx = ctx
            raise

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as exc:
            raise one_line_error(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise one_line_error(exc) from None
        except KeyboardInterrupt:  # click would say "Aborted!"
            click.echo(err=True)
            raise OneLineError("已中止（Ctrl-C）", 1) from None

    # help
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help or not has_cjk(self.help):
            return super().get_short_help_str(limit)
        first = one_line(inspect.cleandoc(self.help).split("\n\n")[0])
        return first.split("。")[0]

    def format_help_text(self, ctx, formatter):
        text = inspect.cleandoc(self.help).partition("\f")[0] if self.help else ""
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                write_text(formatter, text)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_options(self, ctx, formatter):
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                record = param.get_help_record(ctx)
                if record is not None:
                    rows.append((record[0], option_help(param, ctx)))
        if rows:
            with section(formatter, "选项"):
                write_dl(formatter, rows)


class DuchaCommand(_Chinese, click.Command):
    """A ducha command: Chinese help, one-line Chinese errors."""


class DuchaGroup(_Chinese, click.Group):
    """A ducha command group: Chinese help, one-line Chinese errors (its subcommands' included)."""

    command_class = DuchaCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx, formatter):
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with section(formatter, "命令"):
                write_dl(formatter, rows)


DuchaGroup.group_class = DuchaGroup


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable], DuchaCommand]:
    """``@click.command`` with Chinese help and one-line Chinese errors."""
    return click.command(name, cls=DuchaCommand, **attrs)


def handle_errors(func: Callable) -> Callable:
    """Turn a ``DuchaError`` (or a broken-file error) into a one-line ClickException."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DuchaError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a file to write into a missing folder, through a file …
            if isinstance(exc, BrokenPipeError):
                raise
            raise click.ClickException(os_error_text(exc)) from None

    return wrapper


_OS_REASONS = {
    errno.ENOENT: "文件或其所在目录不存在（目录须先建好）",
    errno.ENOTDIR: "路径中有一段是文件而不是目录",
    errno.EEXIST: "已有同名文件，不能作为目录",
    errno.EISDIR: "这是一个目录，须为文件",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_error_text(exc: OSError) -> str:
    """One Chinese line for a file that cannot be read or written: which file, and why."""
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    where = f"{_printable(str(exc.filename))}：" if exc.filename else ""
    return f"无法读写文件 {where}{reason}；请检查路径和权限，本次未写入任何内容"


#: the years a date may be in (as ``YEAR``): a typo such as 0001 or 9999 is refused, not recorded
DATE_YEARS = (1949, 2200)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateType(click.ParamType):
    """A date written YYYY-MM-DD, and only so (not 20251009 or 2025-10-9), in 1949–2200: the one date
    parser of every command (ledger, calendar, documents …)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param, ctx) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not _ISO_DATE.fullmatch(text):
            self.fail(f"'{value}' 无效：不是日期，须写作 YYYY-MM-DD，如 2025-10-09", param, ctx)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.fail(f"'{value}' 无效：没有这一天，须为实际存在的日期 YYYY-MM-DD，如 2025-10-09", param, ctx)
        low, high = DATE_YEARS
        if not low <= day.year <= high:
            self.fail(f"'{value}' 无效：年份须在 {low}–{high} 之间，如 2025-10-09", param, ctx)
        return day


DATE = DateType()


class ReportPeriodType(click.ParamType):
    """The period a periodic report belongs to: its first day YYYY-MM-DD, its month YYYY-MM, or its
    label as ``ducha obligations`` shows it (2025年第3季度)."""

    name = "YYYY-MM|YYYY-MM-DD"

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value).strip()
        month = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
        if month:
            low, high = DATE_YEARS
            if not 1 <= int(month[2]) <= 12 or not low <= int(month[1]) <= high:
                self.fail(f"'{value}' 无效：须写作 YYYY-MM（月份 01–12，年份 {low}–{high}）或 YYYY-MM-DD，如 2025-09",
                          param, ctx)
            return f"{month[1]}-{int(month[2]):02d}"
        if re.match(r"[0-9]{4}-", text):
            return DATE.convert(text, param, ctx).isoformat()
        if not text:
            self.fail("不能为空：须写作 YYYY-MM 或 YYYY-MM-DD，如 2025-09", param, ctx)
        return text


REPORT_PERIOD = ReportPeriodType()


class TextType(click.ParamType):
    """Text that says something (a title, a finding): not empty or blank, on one line."""

    name = "text"

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value)
        if not text.strip():
            self.fail("不能为空，请写明内容", param, ctx)
        if "\n" in text or "\r" in text:
            self.fail(f"{text!r} 无效：须写在一行内（不含换行）", param, ctx)
        return text


TEXT = TextType()


class MatterIdType(click.ParamType):
    """A matter id given by hand (``--id``): written on command lines and stored comma-separated, so
    no blank, comma, colon, semicolon, equals sign or line break."""

    name = "ID"
    _ID = re.compile(r"[^\s,:;=]+")

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value)
        if not self._ID.fullmatch(text):
            self.fail(f"{text!r} 无效：编号不能为空，也不能含空格、逗号、冒号、分号、等号或换行，如 DC-2025-0001",
                      param, ctx)
        return text


MATTER_ID = MatterIdType()

FORMATS = NamedChoice({"table": "表格", "csv": "逗号分隔", "json": "JSON", "xlsx": "Excel 表格"})
#: where ``--out FILE`` is kept for ``emit`` (the option is not passed to the command function)
OUT_KEY = "ducha.out"


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="输出 JSON（即 --format json）。")(func)


def format_option(func: Callable) -> Callable:
    """``--json``, ``--format table|csv|json|xlsx`` (``--json`` is short for ``--format json``) and
    ``--out FILE`` (kept in the context for ``emit``, not passed to the command function)."""
    func = click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
                        help="输出格式：table 表格、csv 逗号分隔、json、xlsx Excel 表格（须与 --out 同用）。")(func)
    func = click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
                        metavar="FILE", expose_value=False, callback=_remember_out,
                        help="写入此文件而不是屏幕（xlsx 必须指定）。csv 写入文件时带 BOM（utf-8-sig），"
                             "中文 Windows 的 Excel 可直接打开；输出到屏幕的 csv 不带 BOM。")(func)
    return json_option(func)


def _remember_out(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        ctx.meta[OUT_KEY] = value
    return value


def output_path() -> str | None:
    """The ``--out FILE`` of the running command, if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(OUT_KEY) if ctx is not None else None


def output_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def jurisdiction_option(required: bool = False) -> Callable:
    return click.option("--jurisdiction", "-j", "jurisdiction", required=required, metavar="ID",
                        help="辖区id（见 `ducha jurisdictions`），或政策变体文件。")


def plugin_path_option(func: Callable) -> Callable:
    return click.option("--plugin", "plugin_paths", multiple=True, metavar="PATH",
                        help="从 .py 文件或包目录加载辖区插件；可重复。")(func)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@functools.cache
def _char_width(ch: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


@functools.lru_cache(maxsize=1 << 16)
def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: 2 for each wide or full-width character (CJK), else 1.
    Cached per text and per character (a table asks for every cell's width twice)."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table that lines up Chinese (double-width) characters."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    sizes = [[_width(c) for c in row] for row in cells]
    widths = [max(size[i] for size in sizes) for i in range(len(headers))]
    lines = []
    for n, (row, size) in enumerate(zip(cells, sizes, strict=True)):
        lines.append("  ".join(c + " " * (widths[i] - size[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


from ducha_core.csvsafe import csv_cell  # noqa: E402  (re-exported: the CLI's tables and the library's share it)

#: where ``csv_cell`` could change a text: a part of it (at its start, or after a separator or a line
#: break, spaces skipped) starting with = + - @, or the text starting with TAB or CR
_MAYBE_FORMULA = LazyPattern(r"(?:^|[,;\t\r\n]) *[=+\-@\t\r]")


def _csv_cell(value: Any) -> Any:
    """``csv_cell``, without its work for the texts it would leave as they are (most of a ledger)."""
    if value.__class__ is str and not _MAYBE_FORMULA.search(value):
        return value
    return csv_cell(value)


def render_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(h) for h in headers])
    writer.writerows([_csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue().rstrip("\n")


def emit(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], records: Any,
         sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None, *,
         rendered: str | Iterable[str] | None = None) -> None:
    """Print rows as a table or CSV, or ``records`` as JSON; with ``--out FILE`` write them there
    (CSV with a BOM); ``xlsx`` needs ``--out`` (see ``ducha_core.xlsx_export.write_xlsx``).
    ``rendered``: the CSV text already made (``render_csv(headers, rows)``'s), or its pieces, written
    as they come (``Ledger.ledger_csv_pieces``: a province's ledger is not held whole)."""
    out = output_path()
    if out is not None:
        suffix = Path(out).suffix.lower()
        wanted = {"xlsx": ".xlsx", "csv": ".csv", "json": ".json"}.get(fmt)
        if (wanted is not None and suffix != wanted) or (fmt == "table" and suffix in (".xlsx", ".csv", ".json")):
            hint = f"请用 --out 文件名{wanted}" if wanted else f"请用 --format {suffix[1:]}"
            raise OneLineError(f"--out {out} 的扩展名与 --format {fmt} 不符；{hint}", 2)
    if fmt == "xlsx":
        if out is None:
            raise OneLineError("--format xlsx 须同时用 --out 指定文件，如 --out 台账.xlsx", 2)
        from ducha_core.xlsx_export import write_xlsx

        write_xlsx(out, headers, rows, sheets)
        click.echo(f"已写入 {out}", err=True)
        return
    if fmt == "csv" and rendered is not None and not isinstance(rendered, str):
        if out is None:
            for piece in rendered:
                click.echo(piece, nl=False)
            click.echo("")
            return
        with open(out, "w", encoding="utf-8-sig", newline="") as handle:
            for piece in rendered:  # the text ends in CR: the file's last line ends in CRLF
                handle.write(piece)
            handle.write("\n")
        click.echo(f"已写入 {out}", err=True)
        return
    if fmt == "json":
        text = dumps(records)
    elif fmt == "csv":
        text = rendered if rendered is not None else render_csv(headers, rows)
    else:
        text = render_table(headers, rows)
    if out is None:
        click.echo(text)
        return
    with open(out, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as handle:
        handle.write(text.rstrip("\r\n") + "\r\n" if fmt == "csv" else text + "\n")
    click.echo(f"已写入 {out}", err=True)
