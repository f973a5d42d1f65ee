"""`ducha doc`, `ducha report`, `ducha demo`: documents (公文), the static dashboard and the demo.

ducha doc assignment DC-2025-0012 --format html --out 督查通知单.html
ducha doc reminder DC-2025-0012 --on 2025-10-15 --out 催办通知.docx
ducha doc bulletin 2025-Q3                       # a preview: 文号 （未编号：预览）
ducha doc bulletin 2025-Q3 --issue --out 通报.docx  # issued: numbered and registered
ducha report --html 看板/ --as-of 2025-09-30
ducha demo --jurisdiction ankang --dir ./ducha-demo
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click

from ducha_core.cli.options import (
    DATE,
    YEAR,
    DuchaCommand,
    NamedChoice,
    command,
    handle_errors,
    section,
    write_dl,
)
from ducha_core.doc_kinds import DOC_KINDS

#: the document kinds and their names (``DOC_KINDS``), for the KIND argument
KINDS = {k: spec.name for k, spec in DOC_KINDS.items()}
#: output formats and what they are
FORMATS = {"md": "Markdown", "html": "可打印的 A4 网页", "docx": "Word 文件（GB/T 9704-2012 公文格式）"}
#: the --out extensions each format is written to
SUFFIXES = {"md": "md", "markdown": "md", "html": "html", "htm": "html", "docx": "docx"}


def _config_option(func):
    return click.option("--config", "config_path", metavar="FILE", envvar="DUCHA_CONFIG",
                        help="部署配置文件（默认：环境变量 $DUCHA_CONFIG，其次 ./ducha.toml）。")(func)


def _viewer_option(func):
    return click.option("--as", "viewer", metavar="PERSON", default=None,
                        help="查看人的人员id：涉密事项只对有权知悉的人员列入（不写 --as 则不列入）。")(func)


def kind_rows() -> list[tuple[str, str]]:
    """``ducha doc --help``'s list of kinds, from ``DOC_KINDS``: each kind, its name, what it is about
    and the installed jurisdictions that have it, with the name each gives it where that differs
    (渭南高新区 督办通知 for a 催办通知 …: ``render.local_names``)."""
    from ducha_core.documents.render import local_names
    from ducha_core.errors import DuchaError
    from ducha_core.registry import all_ids, resolve_policy

    found: dict[str, list[str]] = {k: [] for k in DOC_KINDS}
    for jid in all_ids():
        try:
            policy = resolve_policy(jid)
            names = local_names(policy)
        except DuchaError:
            continue
        for kind, local in names.items():
            spec = DOC_KINDS[kind]
            own = "、".join(n for n in local if n != spec.name)
            found[kind].append(policy.jurisdiction.name + (f"称{own}" if own else ""))
    rows = []
    for kind, spec in DOC_KINDS.items():
        about = "MATTER，按所记录的该环节" if spec.subject == "matter" else "PERIOD"
        where = "；".join(found[kind]) or "已安装的辖区均无"
        rows.append((kind, f"{spec.name}（{about}）：{where}"))
    return rows


class DocCommand(DuchaCommand):
    """``ducha doc``: its help lists every document kind (``kind_rows``), read when help is asked for."""

    def format_help_text(self, ctx, formatter):
        super().format_help_text(ctx, formatter)
        with section(formatter, "公文种类（KIND）"):
            write_dl(formatter, kind_rows(), col_max=16)


def output_format(out: str | None, fmt: str | None) -> str:
    """The format to write: ``--format``, else the extension of ``--out``, else md. An ``--out``
    whose extension is not one of the formats (.pdf …), or not the one ``--format`` names, is
    refused (one line): the file would hold something other than its name says."""
    from ducha_core.errors import InputError

    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    by_suffix = SUFFIXES.get(suffix)
    if suffix and by_suffix is None:
        hint = "；PDF 可由 .docx 用 WPS、Word 或 LibreOffice 导出，或在浏览器中打印 .html" if suffix == "pdf" else ""
        raise InputError(f"--out {out} 的扩展名 .{suffix} 不是可写的格式；请用 .md、.html 或 .docx{hint}")
    if fmt is None:
        return by_suffix or "md"
    if by_suffix and by_suffix != fmt:
        raise InputError(f"--out {out} 的扩展名是 .{suffix}，与 --format {fmt} 不符；请改用 --format {by_suffix} "
                         f"或改文件名")
    return fmt


@click.command("doc", cls=DocCommand)
@click.argument("kind", type=NamedChoice(KINDS), metavar="KIND")
@click.argument("subject", metavar="MATTER|PERIOD")
@click.option("--format", "fmt", type=NamedChoice(FORMATS), default=None,
              help="md 为 Markdown（默认），html 为可打印的 A4 网页，docx 为 Word 文件（须用 --out）；"
                   "不写则按 --out 的扩展名（.md、.html、.docx；其他扩展名不写入）。")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              help="写入此文件（默认打印到终端；docx 必须写入文件）。")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="事项公文：取截至此日最近一次记录的该环节（默认今天）；期间公文：台账截至此日"
                   "（默认今天，若该期已结束则为该期最后一天；尚未开始的期间不生成）。")
@click.option("--on", "on", type=DATE, default=None,
              help="事项公文：取这一天记录的该环节（如某次催办），默认为最近一次。")
@click.option("--issue", is_flag=True,
              help="印发督查通报、年度考核汇总：按 ducha.toml 的 number_pattern 编文号并登记在数据库中"
                   "（该年该类的下一号；再次生成沿用原号，已用的号不再使用）。不加则为预览，"
                   "未印发的文号显示“（未编号：预览）”，不占用文号。事项公文的文号按所记录的环节编排，无需 --issue。")
@_config_option
@_viewer_option
@handle_errors
def doc(kind, subject, fmt, out, as_of, on, issue, config_path, viewer):
    """生成公文。

    事项公文（督查通知单、催办通知、督查专报、约谈通知、督办令）记载事项已记录的那一环节（交办、催办、向领导报告、约谈、下达督办令），成文日期和所述情况均为该环节记录之日；该环节尚未记录、或事项已撤销的，不生成。MATTER 为事项编号。

    期间公文（督查通报、年度考核汇总）的 PERIOD 写作 2025（全年）、2025-H1、2025-Q3、2025-09，尚未开始的期间不生成；已撤销的事项不计入任何公文。"""
    from ducha_core.config import load_config
    from ducha_core.documents.render import UNNUMBERED, check_kind, check_period, layout, render_document
    from ducha_core.documents.snapshot import Snapshot, parse_period
    from ducha_core.errors import InputError
    from ducha_core.ledger import Ledger

    fmt = output_format(out, fmt)
    if fmt == "docx" and not out:
        raise InputError("docx 是二进制文件，不能打印到终端；请用 --out 指定文件，如 --out 公文.docx")
    if out and not Path(out).absolute().parent.is_dir():  # before a number is issued for a file never written
        raise InputError(f"--out {out}：所在目录不存在（目录须先建好）")
    spec = DOC_KINDS[kind]
    today = date.today()
    with Ledger.open(load_config(config_path), create=False) as ledger:
        if viewer is not None:
            ledger.person(viewer)
        check_kind(ledger.policy, kind)
        if spec.subject == "matter":
            if issue:
                raise InputError(f"--issue 用于督查通报、年度考核汇总；{spec.name}的文号按所记录的环节编排，不用 --issue")
            day = _step_day(ledger, kind, subject, as_of or today, on, viewer)
        else:
            if on is not None:
                raise InputError(f"--on 用于事项公文（取某一天记录的环节）；{spec.name}请用 --as-of")
            period = parse_period(subject)
            day = as_of or min(period.end, today)
            check_period(Snapshot(ledger.policy, ledger.calendar, day, []), period)  # before the ledger is read
            pattern = ledger.config.number_patterns.get(kind)
            if issue and not pattern:
                raise InputError(f"{ledger.config.name} 未设定 [documents] number_pattern.{kind}，{spec.name}没有文号可编；"
                                 f'请先设定（如 number_pattern.{kind} = "第{{n}}期"），或去掉 --issue')
        if spec.subject == "matter":  # the matter alone, and what its document reads beyond it (in SQL)
            snapshot = Snapshot.for_matter(ledger, subject, day, viewer=viewer)
        elif kind == "bulletin":  # the matters of the period (those finished before it are not folded)
            snapshot = Snapshot.for_period(ledger, period, day, viewer=viewer)
        else:
            snapshot = Snapshot.from_ledger(ledger, day, viewer=viewer)
        document = render_document(snapshot, kind, subject, on=on)  # every check, before anything is written
        if issue and (kind, period.key) not in snapshot.issued:
            snapshot.issued[(kind, period.key)] = ledger.store.issue_number(kind, period.key, period.start.year,
                                                                             today.isoformat())
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
    if spec.subject == "period" and document.doc_no == UNNUMBERED:
        click.echo(f"提示：{spec.name}尚未印发，文号为预览；印发时加 --issue 编号（ducha doc {kind} {subject} --issue …）",
                   err=True)


def _step_day(ledger, kind: str, subject: str, upto: date, on: date | None, viewer: str | None) -> date:
    """The day of the step a matter document documents (``render.as_of_step``), read off the one matter
    before the ledger is read as of that day: refused (one line) for a matter the reader may not see,
    a withdrawn one, or one whose step is not recorded (naming the command that records it)."""
    from ducha_core.documents.render import no_step
    from ducha_core.documents.snapshot import Snapshot
    from ducha_core.errors import InputError
    from ducha_core.policy import WITHDRAWN

    spec = DOC_KINDS[kind]
    missing = InputError(f"没有事项 {subject}（截至 {upto}）；ducha ledger 列出各事项")
    try:
        now = ledger.matter(subject)
    except InputError:
        raise missing from None
    if not ledger.visible(now, viewer):
        raise missing
    if now.state == WITHDRAWN:
        raise InputError(f"事项 {subject} 已撤销（误登记，不计入统计），不生成公文")
    state = now if upto >= max(e.on for e in now.events) else ledger.matter(subject, as_of=upto)
    event = next((e for e in reversed(state.events)
                  if e.action == spec.step and e.on <= upto and (on is None or e.on == on)), None)
    if event is None:
        probe = Snapshot(ledger.policy, ledger.calendar, upto, [state])
        raise no_step(probe, kind, now, on=on, upto=upto)  # its steps up to ``upto``; "截至" if any later
    return event.on


@command()
@click.option("--html", "html_dir", type=click.Path(file_okay=False), required=True, metavar="DIR",
              help="写入 index.html 的目录（不存在则创建）。")
@click.option("--as-of", "as_of", type=DATE, default=None, help="台账截至此日的情况（默认今天）。")
@_config_option
@_viewer_option
@handle_errors
def report(html_dir, as_of, config_path, viewer):
    """生成静态台账看板（index.html，内嵌SVG图表，不访问网络，可直接用浏览器打开）。"""
    # the figures in SQL from the read model, folding only the matters listed (``dashboard.ledger_page``)
    from ducha_core.config import load_config
    from ducha_core.documents.dashboard import ledger_page, write_dashboard
    from ducha_core.ledger import Ledger

    start = time.perf_counter()
    with Ledger.open(load_config(config_path), create=False) as ledger:
        if viewer is not None:
            ledger.person(viewer)
        page = ledger_page(ledger, as_of or date.today(), viewer=viewer)
        path = write_dashboard(page, html_dir)  # while the ledger is open (a template may read further)
    click.echo(f"看板已写入 {path}（{page.total}件事项，截至{page.as_of}，用时{time.perf_counter() - start:.2f}秒）")


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
