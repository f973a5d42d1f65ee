"""``ducha due`` (what the rules call for, with the command that confirms each) and ``ducha
assessment`` (the annual assessment summary): thin layers over ``ducha_core.escalation``,
``ducha_core.confirm`` and ``ducha_core.assessment``."""

from __future__ import annotations

from datetime import date

import click

from ducha_core.cli.ledger_cmd import _open, as_option, config_option, read_jurisdiction_option, store_errors
from ducha_core.cli.options import DATE, YEAR, command, emit, format_option, handle_errors, output_format

CATEGORY_NAMES = {"escalation": "升级处理", "grade": "等次", "deduction": "扣分"}


def _year_option(func):
    return click.option(
        "--year", type=YEAR, default=None, metavar="YYYY",
        help="考核年度（年度结束后亦可）：只看该年发生的事实，按截至 --as-of 的记录判断。")(func)


@command()
@config_option
@read_jurisdiction_option
@click.option("--as-of", type=DATE, default=None, help="按此日评估（默认今天）。")
@_year_option
@as_option(False)
@format_option
@handle_errors
@store_errors
def due(config_path, jurisdiction, as_of, year, actor, fmt, as_json):
    """规则要求的升级处理、等次和扣分，附依据和确认命令。

    \b
    不带 --year：截至 --as-of（默认今天）仍待处理的升级建议
    （不论事实发生在哪一年），以及当年的等次和扣分。
    带 --year YYYY：该考核年度内发生的事实（年度结束后亦可评估），
    按截至 --as-of 的确认记录判断。

    \b
    每条升级建议附一条确认命令（经办人取本部署中有权办理的人员，日期为 --as-of）。
    “须确认”列出的是建议值（催办方式、整改期限、审批领导等），
    可照原样运行，也可改后运行；〈待填写：…〉须改为实际内容，否则不予记录。
    决定不按建议处理的，用 `ducha dismiss`（--json 的 dismiss 字段给出该命令）。"""
    from ducha_core.confirm import confirmation
    from ducha_core.escalation import evaluate

    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        if actor is not None:
            book.person(actor)
        if year is not None and year > day.year:
            from ducha_core.errors import InputError

            raise InputError(f"--year {year} 晚于 --as-of {day} 所在的年度；请写 {day.year} 或更早的年份，"
                             f"或把 --as-of 改为 {year} 年内或之后的日期")
        # the matters the rules can find something in (read model, SQL), folded; the findings are those of every matter
        states = book.due_states(as_of=day, year=year)
        hidden = {s.id for s in states if not book.visible(s, actor)}
        # counted over every matter; a finding about a confidential matter is shown only to those entitled
        findings = [f for f in evaluate(book.policy, book.calendar, states, day, year=year) if f.matter not in hidden]
        by_id = book.confirmation_states(findings, states, as_of=day)
        confirms = [confirmation(f, book.policy, book.calendar, book.config.people, by_id, day) for f in findings]
        records = []
        rows = []
        for f, c in zip(findings, confirms, strict=True):
            command = c.command if c is not None else ""
            review = "、".join(book.policy.field_names.get(p, p) for p in c.placeholders) if c else ""
            records.append({**f.to_json(), "confirm": command, "to_decide": list(c.placeholders) if c else [],
                            "dismiss": c.dismiss_command if c else "",
                            "missing_actor": c.missing_actor if c else ""})
            extra = ""
            if f.category == "deduction":
                points = f.data.get("points")
                extra = ("加" if f.data.get("bonus") else "扣") + (f"{points}分" if points is not None else "分（分值未设置）")
            category = "加分" if f.data.get("bonus") else CATEGORY_NAMES.get(f.category, f.category)
            if f.category == "deduction":
                command = "（计入年度考核，无需确认；见 ducha assessment）"
            rows.append([category, f.name, book.config.unit_name(f.unit) if f.unit else "",
                         f.matter or "", str(f.on or ""), f.reason + (f"；{extra}" if extra else ""), str(f.citation),
                         command, review])
        fmt = output_format(fmt, as_json)
        if fmt == "table" and not findings:  # a sentence, not an empty table
            scope = f"{year}年度" if year is not None else f"{day}"
            click.echo(f"{scope}：规则未要求升级处理、等次或扣分")
            return
        emit(fmt, ["类别", "名称", "单位", "事项", "发生日", "原因", "依据", "确认命令", "须确认"], rows,
             {"as_of": day.isoformat(), "year": year, "findings": records})
    finally:
        book.close()


@command()
@config_option
@read_jurisdiction_option
@click.option("--year", type=YEAR, required=True, metavar="YYYY", help="考核年度，如 2025。")
@click.option("--as-of", type=DATE, default=None,
              help="统计截至此日记录的步骤（默认今天；年度结束后为该年补记的也计入）。")
@format_option
@handle_errors
@store_errors
def assessment(config_path, jurisdiction, year, as_of, fmt, as_json):
    """年度考核汇总：各单位一年的通报表扬、通报批评、约谈、督办、问责建议、逾期情况、扣分加分及等次。

    \b
    供年底报送考核部门（如安康第十二条(四)、渭南十六(四)）。
    扣分、加分每项附依据；分值未设置的显示“未设置”。"""
    from ducha_core.assessment import COLUMN_NAMES, assess

    book = _open(config_path, jurisdiction)
    try:
        day = as_of or date.today()
        if day < date(year, 1, 1):
            from ducha_core.errors import InputError

            raise InputError(f"--as-of {day} 早于考核年度 {year}；请写 {year}-01-01 或之后的日期")
        states = book.states(as_of=day, explain=False)
        found = assess(book.policy, book.calendar, states, year, day, units=list(book.config.units))
        order = {u: i for i, u in enumerate(book.config.units)}  # the deployment's own order of units
        found.sort(key=lambda a: (order.get(a.unit, len(order)), a.unit))
        fmt = output_format(fmt, as_json)

        def total(value) -> str:
            return "未设置" if value is None else f"{value:g}"

        headers = ["单位", "等次", "等次依据", *COLUMN_NAMES.values(), "逾期报送(次)", "逾期(工作日)", "逾期未报", "扣分", "加分", "扣分加分依据"]
        rows = []
        for a in found:
            basis = "；".join(f"{p.name}×{p.count}（{p.citation.split('「')[0]}）" for p in a.points)
            deducted = total(a.total(False)) if any(not p.bonus for p in a.points) else "0"
            added = total(a.total(True)) if any(p.bonus for p in a.points) else "0"
            graded = book.policy.grading is not None and book.policy.grading.grades
            grade = a.grade or ("未评定" if graded else "—（文件未规定等次）")
            if a.forced:
                grade += f"（规则要求：{'、'.join(a.forced)}，待评定）"
            rows.append([book.config.unit_name(a.unit), grade, a.grade_basis, *(a.counts[c] for c in COLUMN_NAMES), a.late, a.late_days,
                         a.unmet, deducted, added, basis])
        emit(fmt, headers, rows, {"year": year, "as_of": day.isoformat(), "jurisdiction": book.policy.id,
                                  "units": [a.to_json() | {"unit_name": book.config.unit_name(a.unit)} for a in found]})
    finally:
        book.close()
