"""The things ducha talks about: jurisdictions, their source documents, units, people, citations.

All are immutable attrs classes; (un)structuring goes through ``ducha_core.converter``.
"""

from __future__ import annotations

from datetime import date

import attrs


@attrs.frozen
class Citation:
    """Where a rule comes from: 出处 (jurisdiction id, article such as "第九条" or "十六(二)", a short quote)."""

    jurisdiction: str
    article: str
    quote: str = ""

    def __str__(self) -> str:
        return f"{self.article}「{self.quote}」" if self.quote else self.article


@attrs.frozen
class SourceDocument:
    """The regulation a jurisdiction plugin implements (文件).

    ``issued`` is the date of 印发 / 发布; ``effective`` the date it takes effect (usually the same);
    ``expires`` the end of a trial period (试行期) where the document sets one. ``None`` where the
    document does not say; a deployment can then set it (see the plugin's settings).
    """

    title: str
    issuer: str
    number: str = ""  # 文号, e.g. 安政办发〔2020〕1号
    issued: date | None = None
    effective: date | None = None
    expires: date | None = None
    trial: str = ""  # e.g. "试行期2年"
    trial_months: int | None = None  # the trial period in months, when ``trial`` sets one
    file: str = ""  # name of the seed text the plugin was written from
    repeals: tuple[str, ...] = ()  # documents it repealed (同时废止), e.g. 大委办发〔2012〕56号


@attrs.frozen
class Jurisdiction:
    """One jurisdiction (辖区): the identity a plugin declares through ``ducha_jurisdiction``."""

    id: str
    name: str  # 渭南高新区
    level: str  # district | county | city | province
    document: SourceDocument
    office: str = "督查室"  # the supervision office's name in this document (区督查室, 市政府督查室 …)
    extends: str | None = None  # id of a jurisdiction whose policy this one derives from


@attrs.frozen
class Person:
    """A person who acts in the ledger (--as PERSON); ``roles`` are role ids of the jurisdiction."""

    id: str
    name: str
    roles: tuple[str, ...] = ()
    unit: str | None = None
    title: str = ""


@attrs.frozen
class Unit:
    """承办单位: a unit that handles matters, with its 第一责任人, 分管负责人 and 具体责任人 (person ids),
    and the 口 (line of work) it belongs to, where the deployment gives one: a bulletin that is
    "分口汇总" (Ankang 第七条) groups matters by their lead unit's 口."""

    id: str
    name: str
    head: str | None = None
    leader_in_charge: str | None = None
    responsible_person: str | None = None
    line: str | None = None
