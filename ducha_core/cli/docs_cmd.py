"""`ducha doc`, `ducha report`, `ducha demo`: documents (公文), the static dashboard and the demo.

ducha doc assignment DC-2025-0012 --format html --out 督查通知单.html
ducha doc assignment DC-2025-0012 --format docx --out 督查通知单.docx
ducha doc bulletin 2025-Q3
ducha report --html 看板/ --as-of 2025-09-30
ducha demo --jurisdiction ankang --dir ./ducha-demo
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click

from ducha_core.cli.options import DATE, YEAR, NamedChoice, command, handle_errors
from ducha_core.documents.render import DOC_KINDS

#: the document kinds and their names (``DOC_KINDS``), for the KIND argument
KINDS = {k: spec.name for k, spec in DOC_KINDS.items()}
#: output formats and what they are
FORMATS = {"md": "Markdown", "html": "可打印的 A4 网页", "docx": "Word 文件（GB/T 9704-2012 公文格式）"}


def _config_option(func):
    return click.option("--config", "config_path", metavar="FILE", envvar="DUCHA_CONFIG",
                        help="部署配置文件（默认：环境变量 $DUCHA_CONFIG，其次 ./ducha.toml）。")(func)


def _viewer_option(func):
    return click.option("--as", "viewer", metavar="PERSON", default=None,
                        help="查看人的人员id：涉密事项只对有权知悉的人员列入（不写 --as 则不列入）。")(func)


def _snapshot(config_path, as_of: date, viewer: str | None):
    from ducha_core.config import load_config
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.ledger import Ledger

    with Ledger.open(load_config(config_path), create=False) as ledger:
        if viewer is not None:
            ledger.person(viewer)
        return Snapshot.from_ledger(ledger, as_of, viewer=viewer)


@command()
@click.argument("kind", type=NamedChoice(KINDS), metavar="KIND")
@click.argument("subject", metavar="MATTER|PERIOD")
@click.option("--format", "fmt", type=NamedChoice(FORMATS), default=None,
              help="md 为 Markdown（默认），html 为可打印的 A4 网页，docx 为 Word 文件（须用 --out）；"
                   "不写则按 --out 的扩展名（.html、.docx）。")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              help="写入此文件（默认打印到终端；docx 必须写入文件）。")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="台账截至此日的情况（默认今天；督查通报取该期的最后一天，若更早）。")
@_config_option
@_viewer_option
@handle_errors
def doc(kind, subject, fmt, out, as_of, config_path, viewer):
    """生成公文。

    \b
    KIND：assignment 督查通知单，reminder 催办通知，special_report 督查专报（一事一报），
    bulletin 督查通报（PERIOD：2025、2025-H1、2025-Q3、2025-09），interview 约谈通知。
    其余公文的 MATTER 为事项编号。"""
    from ducha_core.documents.render import layout, render_document
    from ducha_core.documents.snapshot import parse_period
    from ducha_core.errors import InputError

    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    by_suffix = {"htm": "html", "html": "html", "docx": "docx", "md": "md"}.get(suffix)
    if fmt is None:
        fmt = by_suffix or "md"
    elif by_suffix and by_suffix != fmt and "docx" in (fmt, by_suffix):
        raise InputError(f"--out {out} 的扩展名是 .{suffix}，与 --format {fmt} 不符；请改用 --format {by_suffix} "
                         f"或改文件名")
    if fmt == "docx" and not out:
        raise InputError("docx 是二进制文件，不能打印到终端；请用 --out 指定文件，如 --out 公文.docx")
    day = as_of or date.today()
    if DOC_KINDS[kind].subject == "period":
        period = parse_period(subject)
        if as_of is None:
            day = min(period.end, date.today())
    snapshot = _snapshot(config_path, day, viewer)
    document = render_document(snapshot, kind, subject)
    content = layout(document, fmt, snapshot.policy)
    if out:
        if isinstance(content, bytes):
            Path(out).write_bytes(content)
        else:
            Path(out).write_text(content, encoding="utf-8")
        click.echo(f"{document.name}已写入 {out}", err=True)
    else:
        click.echo(content, nl=False)


@command()
@click.option("--html", "html_dir", type=click.Path(file_okay=False), required=True, metavar="DIR",
              help="写入 index.html 的目录（不存在则创建）。")
@click.option("--as-of", "as_of", type=DATE, default=None, help="台账截至此日的情况（默认今天）。")
@_config_option
@_viewer_option
@handle_errors
def report(html_dir, as_of, config_path, viewer):
    """生成静态台账看板（index.html，内嵌SVG图表，不访问网络，可直接用浏览器打开）。"""
    from ducha_core.documents.dashboard import write_dashboard

    start = time.perf_counter()
    snapshot = _snapshot(config_path, as_of or date.today(), viewer)
    path = write_dashboard(snapshot, html_dir)
    click.echo(f"看板已写入 {path}（{len(snapshot.states)}件事项，截至{snapshot.as_of}，用时{time.perf_counter() - start:.2f}秒）")


@command()
@click.option("--jurisdiction", "-j", "jurisdiction", metavar="ID", default=None,
              help="辖区id（默认 weinan_gaoxin，未安装则取第一个已安装的辖区）。")
@click.option("--dir", "target", type=click.Path(file_okay=False), default="ducha-demo", show_default=True,
              help="示例部署的目录（不会覆盖不是示例部署的目录）。")
@click.option("--year", type=YEAR, default=2025, show_default=True, metavar="YYYY", help="示例事项的年份。")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="打印截至此日的台账（默认：今天在 --year 内则为今天，否则为该年12月31日）。")
@click.option("--quiet", "-q", is_flag=True, help="不打印台账。")
@handle_errors
def demo(jurisdiction, target, year, as_of, quiet):
    """建一个示例部署：约60件一年的督查事项（按期、逾期、退回、延期、升级处理……），打印台账，生成各类公文和看板。"""
    from ducha_core.documents.demo import build

    result = build(target, jurisdiction, year=year, as_of=as_of)
    if not quiet:
        click.echo(f"台账（截至{result.as_of}）：")
        click.echo(result.ledger_text)
        click.echo("")
    click.echo(f"示例部署：{result.dir}（{result.matters}件事项，{result.events}个事件）")
    click.echo(f"  配置    {result.config}")
    click.echo(f"  数据库  {result.database}")
    for key, path in result.documents.items():
        if key.endswith(".html"):
            click.echo(f"  公文    {path}（及 .md、.docx）")
    click.echo(f"  看板    {result.dashboard}")
    click.echo(f"试一试：cd {result.dir} && ducha ledger --as-of {result.as_of} && ducha due --as-of {result.as_of}")
