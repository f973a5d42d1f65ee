"""iCalendar (RFC 5545) feed of a unit's open obligations, for Outlook, WPS or DingTalk.

One all-day event per obligation that has a last day: a stable UID (the same obligation gives
the same UID on every run, so a subscribed calendar updates instead of duplicating), SUMMARY
"编号 事项标题：应报事项", DTSTART the last day (VALUE=DATE), DTEND the day after, DESCRIPTION the
rule and its citation (article and quote).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

PRODID = "-//ducha//督查台账期限//ZH"
_UID_UNSAFE = re.compile(r"[^0-9A-Za-z._\-]")


def uid_for(matter_id: str, obligation_id: str) -> str:
    """A stable UID: ``{matter}-{obligation}@ducha`` with anything but [0-9A-Za-z._-] made safe.

    Unsafe characters are written as ``_`` plus their code point in hex, so two different ids
    never share a UID."""

    def safe(text: str) -> str:
        text = text.replace("_", "__")
        return _UID_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", text)

    return f"{safe(matter_id)}-{safe(obligation_id)}@ducha"


def _description(ob) -> str:
    deadline = ob.deadline
    lines = [f"应报：{ob.name}", f"期限：{ob.due.isoformat()}"]
    if deadline.name and deadline.name != ob.name:  # the rule's name, where it says more than 应报
        lines.append(f"规则：{deadline.name}")
    citation = deadline.citation
    if citation is not None:
        lines.append(f"依据：{citation.article}" + (f"「{citation.quote}」" if citation.quote else ""))
    return "\n".join(lines)


def build_calendar(pairs: Iterable[tuple], *, unit_name: str = "", stamp: date | None = None) -> bytes:
    """The iCalendar bytes of (matter state, obligation) pairs; those without a last day are skipped.

    ``stamp`` (DTSTAMP) defaults to the as-of day at midnight UTC so the output is reproducible."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"督查期限：{unit_name}" if unit_name else "督查期限")
    dtstamp = datetime.combine(stamp or date.today(), datetime.min.time(), tzinfo=UTC)
    seen: set[str] = set()
    for state, ob in pairs:
        if ob.due is None:
            continue
        uid = uid_for(state.id, ob.id)
        if uid in seen:
            continue
        seen.add(uid)
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", dtstamp)
        ev.add("summary", f"{state.id} {state.title}：{ob.name}")
        ev.add("dtstart", ob.due)
        ev.add("dtend", ob.due + timedelta(days=1))
        ev.add("description", _description(ob))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def unit_ical(ledger, unit: str, *, as_of: date, viewer: str | None = None) -> bytes:
    """The feed of the open (owed) obligations of ``unit`` (id or name) as of a day."""
    unit_id = ledger.unit_id(unit)
    pairs = ledger.obligations(as_of=as_of, unit=unit_id, status="owed", viewer=viewer)
    return build_calendar(pairs, unit_name=ledger.config.unit_name(unit_id), stamp=as_of)
