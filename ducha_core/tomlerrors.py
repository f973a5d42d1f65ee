"""TOML syntax errors in Chinese (TOML 语法错误的中文说明).

``tomllib`` explains a syntax error in English ("Expected ']]' at the end of an array declaration (at
line 2, column 7)"); the files an office edits (``ducha.toml``, a holiday file, a variant, a scenario)
are refused with the line, the column and what is wrong in Chinese. A message not known here keeps
its place and says 语法错误.
"""

from __future__ import annotations

import re

#: tomllib's messages (Python 3.11–3.13, ``tomllib._parser``), by their fixed start
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("Cannot overwrite a value", "同一个键不能赋值两次"),
    ("Cannot declare", "同一个表或键不能声明两次"),
    ("Cannot mutate immutable namespace", "不能再向已写完的内联表或数组添加键"),
    ("Cannot redefine namespace", "不能重新定义已有的表"),
    ("Duplicate inline table key", "内联表中的键重复"),
    ("Escaped character is not a Unicode scalar value", "转义字符不是有效的 Unicode 字符"),
    ("Expected '=' after a key in a key/value pair", "键的后面须写 = 和值"),
    ("Expected ']]' at the end of an array declaration", "表数组的声明须以 ]] 结尾，如 [[unit]]"),
    ("Expected ']' at the end of a table declaration", "表的声明须以 ] 结尾，如 [settings]"),
    ("Expected newline or end of document after a statement", "一行只能写一条；值的后面须换行"),
    ("Expected", "缺少应有的符号"),
    ("Found invalid character", "有无效字符"),
    ("Illegal character", "有不允许的字符"),
    ("Invalid date or datetime", "日期无效，须写作 YYYY-MM-DD"),
    ("Invalid hex value", "十六进制转义无效"),
    ("Invalid initial character for a key part", "键以无效字符开头；键须为字母、数字、_ 或 -，或加引号"),
    ("Invalid statement", "无法识别的语句"),
    ("Invalid value", "值无效；文字须加引号，如 name = \"区教育局\""),
    ("Unclosed array", "数组的 [ 没有对应的 ]"),
    ("Unclosed inline table", "内联表的 { 没有对应的 }"),
    ("Unescaped '\\' in a string", "字符串中的 \\ 须写作 \\\\"),
    ("Unterminated string", "字符串缺少结尾的引号"),
)

_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = re.compile(r"\s*\(at end of document\)\s*$")


def describe(exc: BaseException) -> str:
    """What a ``tomllib.TOMLDecodeError`` says, in Chinese: 第 L 行第 C 列：<what is wrong> (or 文件末尾：…)."""
    text = str(exc)
    where = ""
    found = _WHERE.search(text)
    if found:
        where = f"第 {found.group(1)} 行第 {found.group(2)} 列："
        text = text[:found.start()]
    elif _END.search(text):
        where = "文件末尾："
        text = _END.sub("", text)
    if text.startswith("Illegal character '\\n'"):  # a line ended inside a string
        return where + "字符串缺少结尾的引号"
    what = next((zh for en, zh in _MESSAGES if text.startswith(en)), "语法错误")
    if text.startswith(("Unclosed array", "Unclosed inline table")) and found:
        what += "（缺少的括号可能在上一行的末尾）"
    return where + what


def describe_unreadable(exc: BaseException) -> str:
    """Why a text file could not be read, in Chinese: not UTF-8 (the line of the first byte that is
    not), no permission, a folder, missing — else the error's number."""
    import errno

    if isinstance(exc, UnicodeDecodeError):
        data = exc.object if isinstance(exc.object, (bytes, bytearray)) else b""
        line = data.count(b"\n", 0, exc.start) + 1
        return f"第 {line} 行不是 UTF-8 编码的文字；请以 UTF-8 编码另存（如 GBK 编码的文件须转换）"
    number = getattr(exc, "errno", None)
    return {errno.EACCES: "没有读取权限；请检查文件权限", errno.EPERM: "没有读取权限；请检查文件权限",
            errno.EISDIR: "这是一个文件夹，不是文件", errno.ENOENT: "文件不存在"}.get(
        number, f"无法读取（错误号 {number}）；请检查文件")
