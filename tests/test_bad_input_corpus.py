"""A corpus of bad invocations across the whole command line: each gives one Chinese line, a non-zero
exit, no traceback, and leaves the database byte-identical.

Every case runs in an empty working directory against its own copy of one deployment (zhoucun, built
once with ``ducha init`` and a few valid steps; ``$DUCHA_CONFIG`` points at the copy), so a bad input
that got through cannot change what the next case sees. Arguments may name
prepared files by placeholder: ``{cfg}`` the deployment file, ``{dir}`` its folder, ``{file}`` a plain
file (to write *through*), ``{missing}`` a folder that does not exist, ``{scenario_X}``,
``{variant_X}``, ``{calendar_X}``, ``{config_X}`` the broken files of ``FILES`` below, ``{corrupt}``
the deployment file of a copy whose event log has a corrupted row. ``BAD`` is a command-line
argument that is not UTF-8 (what Python makes of the bytes ``\\xff\\xfe`` in ``sys.argv``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha_core.cli import main

#: an argument that is not UTF-8, as Python passes it on in sys.argv (surrogateescape)
BAD = os.fsdecode(b"\xff\xfe")
CJK = re.compile(r"[\u4e00-\u9fff]")
M1, M2 = "DC-2025-0001", "DC-2025-0002"  # assigned and accepted; registered only
OFFICE = ("--as", "duchashi")

DEEP = "[" * 3000 + "]" * 3000

#: broken files the cases name by placeholder ({variant_dict_period} …)
FILES: dict[str, str] = {
    # scenarios
    "scenario_matter_not_table": 'matter = [1, 2]\n',
    "scenario_matter_table": '[matter]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29\n',
    "scenario_datetime": '[[matter]]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29T10:00:00\n',
    "scenario_event_not_table": 'event = ["x"]\n[[matter]]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29\n',
    "scenario_expect_list": 'expect = [1]\n[[matter]]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29\n',
    "scenario_deep": f'[[matter]]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29\ntitle = {DEEP}\n',
    "scenario_head_list": 'scenario = [1]\n[[matter]]\nid = "A"\nkind = "instruction"\nreceived = 2025-09-29\n',
    "scenario_compact_date": '[[matter]]\nid = "A"\nkind = "instruction"\nreceived = "20250929"\n',
    "scenario_year_zero": '[[matter]]\nid = "A"\nkind = "instruction"\nreceived = [0]\n',
    "scenario_bad_utf8": "",  # written as bytes below
    # variants
    "variant_dict_period": ('[variant]\nbase = "zhoucun"\nnote = "试"\n[settings]\nchase_every = { a = 1 }\n'),
    "variant_change_dict_period": ('[variant]\nbase = "zhoucun"\nnote = "试"\n[[change]]\n'
                                   'rule = "notice_result"\nset = { period = { a = 1 } }\nnote = "试"\n'),
    "variant_settings_list": '[variant]\nbase = "zhoucun"\nnote = "试"\nsettings = [1]\n',
    "variant_change_table": '[variant]\nbase = "zhoucun"\nnote = "试"\n[change]\nrule = "x"\nnote = "试"\n',
    "variant_convention_list": '[variant]\nbase = "zhoucun"\nnote = "试"\nconvention = [1]\n',
    "variant_base_list": '[variant]\nbase = ["zhoucun"]\nnote = "试"\n',
    "variant_base_unknown": '[variant]\nbase = "nosuch"\nnote = "试"\n',
    "variant_deep": f'[variant]\nbase = "zhoucun"\nnote = "试"\n[settings]\nx = {DEEP}\n',
    "variant_remove_list": '[variant]\nbase = "zhoucun"\nnote = "试"\nremove = [[1]]\n',
    # calendars
    "calendar_year_zero": '[[year]]\nyear = [0]\nnotice = "x"\n',
    "calendar_year_not_table": 'year = [1, 2]\n',
    "calendar_datetime": ('[[year]]\nyear = 2031\nnotice = "x"\nholidays = '
                          '[{ name = "元旦", start = 2031-01-01T00:00:00 }]\n'),
    "calendar_deep": f'[[year]]\nyear = 2031\nnotice = "x"\nholidays = {DEEP}\n',
    "calendar_gap": '[[year]]\nyear = 2199\nnotice = "x"\n',
    # deployment files
    "config_not_toml": 'jurisdiction = \n',
    "config_units_table": 'jurisdiction = "zhoucun"\n[unit]\nid = "u1"\n',
    "config_deep": f'jurisdiction = "zhoucun"\nplugins = {DEEP}\n',
    "config_person_list": 'jurisdiction = "zhoucun"\nperson = [1]\n',
    "config_settings_datetime": 'jurisdiction = "zhoucun"\n[settings]\nissued = 2021-07-16T00:00:00\n',
    "config_jurisdiction_list": 'jurisdiction = ["zhoucun"]\n',
}

# (args, id): each must fail with one Chinese line
CASES: list[tuple[tuple[str, ...], str]] = [
    # the group itself
    (("nosuch",), "unknown-command"),
    (("--bogus",), "unknown-group-option"),
    ((BAD,), "bad-utf8-command"),
    # init
    (("init",), "init-missing-jurisdiction"),
    (("init", "-j", "nosuch", "--config", "x.toml"), "init-unknown-jurisdiction"),
    (("init", "-j", "zhoucun", "--config", "{cfg}"), "init-exists"),
    (("init", "-j", "zhoucun", "--config", "{file}/ducha.toml"), "init-through-file"),
    (("init", "-j", BAD), "init-bad-utf8"),
    # register / apply
    (("register",), "register-missing-as"),
    (("register", *OFFICE, "--kind", "decision"), "register-missing-title"),
    (("register", *OFFICE, "--kind", "decision", "--title", ""), "register-empty-title"),
    (("register", *OFFICE, "--kind", "decision", "--title", "   "), "register-blank-title"),
    (("register", *OFFICE, "--kind", "decision", "--title", BAD), "register-bad-utf8-title"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--source", BAD), "register-bad-utf8-source"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "0001"), "register-on-0001"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "0001-01-01"), "register-on-year-1"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "20260301"), "register-on-compact"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "2026-3-1"), "register-on-short"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "2026-02-30"), "register-on-no-such-day"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "9999-12-31"), "register-on-9999"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", ""), "register-on-empty"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "2026-03-01T10:00"), "register-on-datetime"),
    (("register", *OFFICE, "--kind", "nosuch", "--title", "x", "--on", "2025-10-09"), "register-unknown-kind"),
    (("register", "--as", "nosuch", "--kind", "decision", "--title", "x"), "register-unknown-person"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", "a,b"), "register-id-comma"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", "a\nb"), "register-id-newline"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", ""), "register-id-empty"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", "a b"), "register-id-space"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", BAD), "register-id-bad-utf8"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--id", M1), "register-id-taken"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--on", "2025-10-09", "--received", "2025-10-10"),
     "register-received-after-on"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--received", "yesterday"), "register-bad-received"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--viewer", "nosuch"), "register-unknown-viewer"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "--bogus", "1"), "register-unknown-field"),
    (("register", *OFFICE, "--kind", "decision", "--title", "x", "stray"), "register-stray-argument"),
    (("apply", "--as", "u1_staff", "--kind", "decision", "--title", "x"), "apply-by-unit"),
    (("apply", *OFFICE, "--title", "x"), "apply-missing-kind"),
    (("apply", *OFFICE, "--kind", "decision", "--title", "\n"), "apply-newline-title"),
    # approve / assign / accept
    (("approve", "NOPE", "--as", "lingdao"), "approve-unknown-matter"),
    (("approve", M1, "--as", "lingdao", "--approved-by", "nosuch"), "approve-unknown-approver"),
    (("assign", M2, *OFFICE), "assign-missing-lead"),
    (("assign", M2, *OFFICE, "--lead", "nosuch"), "assign-unknown-unit"),
    (("assign", M2, *OFFICE, "--lead", "u1", "--co", "u1"), "assign-lead-and-co"),
    (("assign", M2, *OFFICE, "--lead", "u1", "--deadline", "20251231"), "assign-deadline-compact"),
    (("assign", M2, *OFFICE, "--lead", "u1", "--deadline", "2025-12-32"), "assign-deadline-no-such-day"),
    (("assign", M2, *OFFICE, "--lead", "u1", "--meeting", "0000-01-01"), "assign-meeting-year-0"),
    (("assign", M2, *OFFICE, "--lead", "u1", "--cycle", "nosuch"), "assign-unknown-cycle"),
    (("assign", M2, *OFFICE, "--lead", BAD), "assign-bad-utf8-unit"),
    (("assign", M1, *OFFICE, "--lead", "u1", "--on", "2025-10-01"), "assign-twice"),
    (("assign", "NOPE", *OFFICE, "--lead", "u1"), "assign-unknown-matter"),
    (("accept", M2, "--as", "u1_staff"), "accept-not-assigned"),
    (("accept", M1, "--as", "u2_staff", "--responsible", "nosuch"), "accept-unknown-responsible"),
    (("accept", M1, "--as", "u1_staff", "--unit", "nosuch"), "accept-unknown-unit"),
    # remind / progress / submit / review / extension
    (("remind", M1, *OFFICE), "remind-missing-method"),
    (("remind", M1, *OFFICE, "--method", BAD), "remind-bad-utf8-method"),
    (("remind", M1, *OFFICE, "--method", "电话", "--unit", "nosuch"), "remind-unknown-unit"),
    (("remind", M1, *OFFICE, "--method", "电话", "--step", "nope"), "remind-unknown-step"),
    (("remind", M1, *OFFICE, "--method", "电话", "--on", "2025-02-29"), "remind-no-such-day"),
    (("remind", M1, *OFFICE, "--method", "电话", "--note", BAD), "remind-bad-utf8-note"),
    (("progress", M1, "--as", "u1_staff", "--period", "2025-13"), "progress-bad-period"),
    (("progress", M1, "--as", "u1_staff", "--period", "0000-01"), "progress-period-year-0"),
    (("progress", M1, "--as", "u1_staff", "--period", BAD), "progress-bad-utf8-period"),
    (("progress", M2, "--as", "u1_staff"), "progress-not-assigned"),
    (("submit", M2, "--as", "u1_staff"), "submit-not-assigned"),
    (("submit", M1, "--as", "u1_staff", "--document-number", BAD), "submit-bad-utf8-number"),
    (("submit", M1, "--as", "u2_staff"), "submit-by-co-unit"),
    (("review", M1, *OFFICE), "review-no-verdict"),
    (("review", M1, *OFFICE, "--pass", "--return"), "review-both-verdicts"),
    (("review", M1, *OFFICE, "--return", "--deadline", "tomorrow"), "review-bad-deadline"),
    (("extension", "bogus", M1, *OFFICE), "extension-unknown-what"),
    (("extension", "ask", "NOPE", "--as", "u1_staff"), "extension-unknown-matter"),
    (("extension", "grant", M1, *OFFICE, "--until", "2025-1-1"), "extension-bad-until"),
    (("close", "NOPE", *OFFICE), "close-unknown-matter"),
    (("close", M2, *OFFICE), "close-not-done"),
    (("archive", M2, *OFFICE), "archive-not-closed"),
    # consequences
    (("bulletin", M1, *OFFICE), "bulletin-missing-type"),
    (("bulletin", M1, *OFFICE, "--type", "nope"), "bulletin-unknown-type"),
    (("bulletin", M1, *OFFICE, "--type", "criticism", "--unit", "nosuch"), "bulletin-unknown-unit"),
    (("escalate", "NOPE", *OFFICE), "escalate-unknown-matter"),
    (("order", M1, *OFFICE, "--kind", "nope"), "order-unknown-kind"),
    (("interview", "NOPE", *OFFICE), "interview-unknown-matter"),
    (("grade", M1, *OFFICE), "grade-missing-grade"),
    (("finding", M1, "--as", "duchayuan"), "finding-missing-note"),
    (("finding", M1, "--as", "duchayuan", "--note", ""), "finding-empty-note"),
    (("step", "nosuch_action", M1, *OFFICE), "step-unknown-action"),
    (("step",), "step-missing-arguments"),
    (("set-deadline", M1, *OFFICE, "--reason", "领导要求"), "set-deadline-missing-until"),
    (("set-deadline", M1, *OFFICE, "--until", "2025/11/14", "--reason", "领导要求"), "set-deadline-bad-until"),
    (("dismiss", M1, *OFFICE, "--reason", "已核实"), "dismiss-missing-step"),
    (("dismiss", M1, *OFFICE, "--step", "nope", "--reason", "已核实"), "dismiss-unknown-step"),
    # reading: ledger / show / obligations / due / assessment
    (("ledger", "--as-of", "2025-02-30"), "ledger-no-such-day"),
    (("ledger", "--as-of", "20260301"), "ledger-as-of-compact"),
    (("ledger", "--as-of", "0001-01-01"), "ledger-as-of-year-1"),
    (("ledger", "--format", "xml"), "ledger-unknown-format"),
    (("ledger", "--status", "nope"), "ledger-unknown-status"),
    (("ledger", "--as", "nosuch"), "ledger-unknown-viewer"),
    (("ledger", "-j", "nosuch"), "ledger-unknown-jurisdiction"),
    (("ledger", "--config", "missing.toml"), "ledger-missing-config"),
    (("ledger", "--config", "{dir}"), "ledger-config-is-dir"),
    (("ledger", "--config", "{config_not_toml}"), "ledger-config-not-toml"),
    (("ledger", "--config", "{config_units_table}"), "ledger-config-units-table"),
    (("ledger", "--config", "{config_deep}"), "ledger-config-deep"),
    (("ledger", "--config", "{config_person_list}"), "ledger-config-person-list"),
    (("ledger", "--config", "{config_settings_datetime}"), "ledger-config-datetime"),
    (("ledger", "--config", "{config_jurisdiction_list}"), "ledger-config-jurisdiction-list"),
    (("ledger", "--config", "{config_bad_utf8}"), "ledger-config-bad-utf8"),
    (("rebuild", "--config", "{corrupt}"), "rebuild-corrupted-event"),
    (("remind", M1, *OFFICE, "--method", "电话", "--config", "{corrupt}"), "remind-corrupted-event"),
    (("due", "--config", "{corrupt}"), "due-corrupted-event"),
    (("show", "NOPE"), "show-unknown-matter"),
    (("show",), "show-missing-matter"),
    (("show", M1, "--as-of", "9999-12-31"), "show-as-of-9999"),
    (("show", M1, "--as-of", "2025-01-01"), "show-before-registered"),
    (("show", M1, "--as", "nosuch"), "show-unknown-viewer"),
    (("show", M1, "--config", "{corrupt}"), "show-corrupted-event"),
    (("show", BAD), "show-bad-utf8-matter"),
    (("obligations", "--status", "nope"), "obligations-unknown-status"),
    (("obligations", "--from", "1.1.2025"), "obligations-bad-from"),
    (("obligations", "--this-week", "--from", "2025-01-01"), "obligations-this-week-and-from"),
    (("due", "--year", "abc"), "due-year-text"),
    (("due", "--year", "0"), "due-year-0"),
    (("due", "--year", "[0]"), "due-year-list"),
    (("due", "--year", "2026", "--as-of", "2025-11-04"), "due-year-after-as-of"),
    (("due", "--as-of", "20251231"), "due-as-of-compact"),
    (("assessment",), "assessment-missing-year"),
    (("assessment", "--year", "1800"), "assessment-year-1800"),
    (("assessment", "--year", "2025", "--as-of", "2024-12-31"), "assessment-as-of-before-year"),
    (("rebuild", "--workers", "abc"), "rebuild-workers-text"),
    (("verify", "--config", "missing.toml"), "verify-missing-config"),
    (("verify", "--config", "{corrupt}"), "verify-corrupted-event"),
    (("backup",), "backup-missing-dest"),
    (("backup", "{file}/b.sqlite3"), "backup-through-file"),
    (("fields", "nosuch"), "fields-unknown-step"),
    # calendar
    (("calendar", "last-workday", "9999-12"), "calendar-last-workday-9999"),
    (("calendar", "last-workday", "0000-01"), "calendar-last-workday-0000"),
    (("calendar", "last-workday", "2025-13"), "calendar-last-workday-month-13"),
    (("calendar", "last-workday", "2025"), "calendar-last-workday-year"),
    (("calendar", "last-workday", BAD), "calendar-last-workday-bad-utf8"),
    (("calendar", "is-workday", "20260301"), "calendar-is-workday-compact"),
    (("calendar", "is-workday", "0001-01-01"), "calendar-is-workday-year-1"),
    (("calendar", "is-workday", "9999-12-31"), "calendar-is-workday-9999"),
    (("calendar", "is-workday", "2025-02-29"), "calendar-is-workday-no-such-day"),
    (("calendar", "add", "2025-01-01", "abc"), "calendar-add-n-text"),
    (("calendar", "add", "2025-01-01", "99999999"), "calendar-add-too-far"),
    (("calendar", "add", "2025-01-01", "-99999999"), "calendar-add-too-far-back"),
    (("calendar", "add", "2025-01-01", str(10**30)), "calendar-add-huge"),
    (("calendar", "add", "2025-01-01"), "calendar-add-missing-n"),
    (("calendar", "is-workday", "2025-10-11", "--calendar", "missing.toml"), "calendar-missing-file"),
    (("calendar", "years", "--calendar", "{calendar_year_zero}"), "calendar-file-year-zero"),
    (("calendar", "years", "--calendar", "{calendar_year_not_table}"), "calendar-file-year-not-table"),
    (("calendar", "years", "--calendar", "{calendar_datetime}"), "calendar-file-datetime"),
    (("calendar", "years", "--calendar", "{calendar_deep}"), "calendar-file-deep"),
    (("calendar", "years", "--calendar", "{calendar_gap}"), "calendar-file-gap"),
    (("calendar", "years", "--calendar", "{dir}"), "calendar-file-is-dir"),
    (("calendar", "nosuch"), "calendar-unknown-command"),
    # deadline / articles / jurisdictions / plugins
    (("deadline", "--kind", "decision", "--from", "2025-10-09"), "deadline-missing-jurisdiction"),
    (("deadline", "-j", "nosuch", "--kind", "decision", "--from", "2025-10-09"), "deadline-unknown-jurisdiction"),
    (("deadline", "-j", "zhoucun", "--kind", "nosuch", "--from", "2025-10-09"), "deadline-unknown-kind"),
    (("deadline", "-j", "zhoucun", "--kind", "decision", "--from", "20251009"), "deadline-from-compact"),
    (("deadline", "-j", "zhoucun", "--kind", "decision", "--from", "0001-01-01"), "deadline-from-year-1"),
    (("deadline", "-j", "zhoucun", "--kind", "decision", "--from", "2200-12-31"), "deadline-from-past-calendar"),
    (("deadline", "-j", "{variant_dict_period}", "--kind", "decision", "--from", "2025-10-09"),
     "deadline-variant-dict-period"),
    (("deadline", "-j", "{variant_change_dict_period}", "--kind", "decision", "--from", "2025-10-09"),
     "deadline-variant-change-dict-period"),
    (("deadline", "-j", BAD, "--kind", "decision", "--from", "2025-10-09"), "deadline-bad-utf8-jurisdiction"),
    (("articles", "nosuch"), "articles-unknown-jurisdiction"),
    (("articles",), "articles-missing-jurisdiction"),
    (("jurisdictions", "--plugin", "missing.py"), "jurisdictions-missing-plugin"),
    (("jurisdictions", "--format", "xml"), "jurisdictions-unknown-format"),
    (("plugins", "--plugin", "{file}"), "plugins-plugin-not-python"),
    # doc / report / demo
    (("doc", "bulletin", "0000"), "doc-bulletin-0000"),
    (("doc", "bulletin", "9999-Q4"), "doc-bulletin-9999-q4"),
    (("doc", "bulletin", "0000-H1"), "doc-bulletin-0000-h1"),
    (("doc", "bulletin", "2025-13"), "doc-bulletin-month-13"),
    (("doc", "bulletin", "someday"), "doc-bulletin-text"),
    (("doc", "bulletin", BAD), "doc-bulletin-bad-utf8"),
    (("doc", "assignment", "NOPE"), "doc-unknown-matter"),
    (("doc", "memo", M1), "doc-unknown-kind"),
    (("doc", "assignment", M1, "--format", "pdf"), "doc-unknown-format"),
    (("doc", "assignment", M1, "--out", "{missing}/通知单.md"), "doc-out-missing-folder"),
    (("doc", "assignment", M1, "--out", "{file}/通知单.md"), "doc-out-through-file"),
    (("doc", "assignment", M1, "--out", "{dir}"), "doc-out-is-dir"),
    (("doc", "assignment", M1, "--as", "nosuch"), "doc-unknown-viewer"),
    (("doc", "bulletin", "2025", "--as-of", "2025-9-1"), "doc-bad-as-of"),
    (("doc", "assignment", M1, "--config", "{corrupt}"), "doc-corrupted-event"),
    (("report",), "report-missing-html"),
    (("report", "--html", "{file}"), "report-html-is-file"),
    (("report", "--html", "{file}/看板"), "report-html-through-file"),
    (("report", "--html", "out", "--as-of", "0000-01-01"), "report-as-of-year-0"),
    (("demo", "--dir", "{file}"), "demo-dir-is-file"),
    (("demo", "--dir", "{dir}"), "demo-dir-not-demo"),
    (("demo", "--year", "0", "--dir", "d"), "demo-year-0"),
    (("demo", "-j", "nosuch", "--dir", "d"), "demo-unknown-jurisdiction"),
    # compare / run / test / replay / new-jurisdiction
    (("compare", "nosuch"), "compare-unknown-jurisdiction"),
    (("compare", "--format", "pdf"), "compare-unknown-format"),
    (("compare", "--scenario", "missing.toml"), "compare-missing-scenario"),
    (("compare", "zhoucun", "--output", "{missing}/c.md"), "compare-output-missing-folder"),
    (("compare", "zhoucun", "--output", "{file}/c.md"), "compare-output-through-file"),
    (("compare", "{variant_settings_list}"), "compare-variant-settings-list"),
    (("compare", "{variant_change_table}"), "compare-variant-change-table"),
    (("compare", "{variant_convention_list}"), "compare-variant-convention-list"),
    (("compare", "{variant_base_list}"), "compare-variant-base-list"),
    (("compare", "{variant_base_unknown}"), "compare-variant-base-unknown"),
    (("compare", "{variant_deep}"), "compare-variant-deep"),
    (("compare", "{variant_remove_list}"), "compare-variant-remove-list"),
    (("compare", "{file}.toml"), "compare-variant-missing"),
    (("compare", "--scenario", "{scenario_datetime}"), "compare-scenario-datetime"),
    (("run", "missing.toml"), "run-missing-scenario"),
    (("run", "{scenario_matter_not_table}"), "run-scenario-matter-not-table"),
    (("run", "{scenario_matter_table}"), "run-scenario-matter-table"),
    (("run", "{scenario_datetime}"), "run-scenario-datetime"),
    (("run", "{scenario_event_not_table}"), "run-scenario-event-not-table"),
    (("run", "{scenario_expect_list}"), "run-scenario-expect-list"),
    (("run", "{scenario_deep}"), "run-scenario-deep"),
    (("run", "{scenario_head_list}"), "run-scenario-head-list"),
    (("run", "{scenario_compact_date}"), "run-scenario-compact-date"),
    (("run", "{scenario_year_zero}"), "run-scenario-year-zero"),
    (("run", "{scenario_bad_utf8}"), "run-scenario-bad-utf8"),
    (("run", "{dir}"), "run-scenario-is-dir"),
    (("test",), "test-missing-path"),
    (("test", "{missing}"), "test-missing-folder"),
    (("test", "{scenario_datetime}"), "test-scenario-datetime"),
    (("replay",), "replay-missing-variant"),
    (("replay", "--variant", "missing.toml"), "replay-missing-variant-file"),
    (("replay", "--variant", "{variant_dict_period}"), "replay-variant-dict-period"),
    (("replay", "--variant", "{variant_settings_list}"), "replay-variant-settings-list"),
    (("replay", "--variant", "{variant_base_unknown}"), "replay-variant-base-unknown"),
    (("replay", "--variant", "{variant_deep}"), "replay-variant-deep"),
    (("replay", "--variant", "{variant_ok}", "--from", "20250101"), "replay-from-compact"),
    (("replay", "--variant", "{variant_ok}", "--to", "0000-01-01"), "replay-to-year-0"),
    (("replay", "--variant", "{variant_ok}", "--config", "{corrupt}"), "replay-corrupted-event"),
    (("new-jurisdiction", "x_y"), "new-jurisdiction-missing-name"),
    (("new-jurisdiction", "Bad Id", "--name", "某区"), "new-jurisdiction-bad-id"),
    (("new-jurisdiction", BAD, "--name", "某区"), "new-jurisdiction-bad-utf8-id"),
    (("new-jurisdiction", "x_y", "--name", BAD), "new-jurisdiction-bad-utf8-name"),
    (("new-jurisdiction", "x_y", "--name", "某区", "--dir", "{file}"), "new-jurisdiction-dir-is-file"),
    (("new-jurisdiction", "x_y", "--name", "某区", "--level", "town"), "new-jurisdiction-unknown-level"),
    (("new-jurisdiction", "x_y", "--name", "某区", "--extends", "nosuch"), "new-jurisdiction-unknown-base"),
]


def _run(runner: CliRunner, args, env=None):
    return runner.invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A zhoucun deployment with a few valid steps, the broken files, and a copy with a corrupted event."""
    root = tmp_path_factory.mktemp("corpus")
    home = root / "deploy"
    home.mkdir()
    runner = CliRunner()
    cfg = str(home / "ducha.toml")
    env = {"DUCHA_CONFIG": cfg}
    steps = [
        ("init", "-j", "zhoucun", "--config", cfg),
        ("register", *OFFICE, "--on", "2025-09-29", "--kind", "decision", "--title", "推进老旧小区改造"),
        ("assign", M1, *OFFICE, "--on", "2025-09-30", "--lead", "u1", "--co", "u2"),
        ("accept", M1, "--as", "u1_staff", "--on", "2025-10-08"),
        ("remind", M1, *OFFICE, "--on", "2025-10-09", "--method", "电话催报"),
        ("register", *OFFICE, "--on", "2025-10-09", "--kind", "decision", "--title", "第二件"),
    ]
    for args in steps:
        result = _run(runner, args, env)
        assert result.exit_code == 0, (args, result.output)
    (root / "plain.txt").write_text("不是目录\n", encoding="utf-8")
    broken = root / "broken"
    broken.mkdir()
    for name, text in FILES.items():
        (broken / f"{name}.toml").write_text(text, encoding="utf-8")
    (broken / "scenario_bad_utf8.toml").write_bytes(b'[[matter]]\nid = "\xff"\n')
    (broken / "config_bad_utf8.toml").write_bytes(b'jurisdiction = "\xff"\n')
    (broken / "variant_ok.toml").write_text('[variant]\nbase = "zhoucun"\nnote = "试"\n', encoding="utf-8")
    # a copy whose event log has a row changed outside ducha (a date that is not one, data that is not JSON)
    corrupt = root / "corrupt"
    shutil.copytree(home, corrupt)
    conn = sqlite3.connect(corrupt / "ducha.sqlite3", isolation_level=None)
    (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").fetchone()
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET on_date = '2025-13-45', data = '{broken' WHERE seq = 2")
    conn.execute(trigger)
    conn.close()
    return root


@pytest.fixture
def deployment(pristine, tmp_path, monkeypatch) -> dict[str, str]:
    """A fresh copy of ``pristine`` for one case (a bad input that got through cannot spoil the next),
    the placeholders' values, and an empty working directory."""
    root = tmp_path / "root"
    shutil.copytree(pristine, root)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    files = {"root": str(root), "cfg": str(root / "deploy" / "ducha.toml"), "dir": str(root / "deploy"),
             "missing": str(root / "no_such_folder"), "file": str(root / "plain.txt"),
             "corrupt": str(root / "corrupt" / "ducha.toml")}
    for path in (root / "broken").glob("*.toml"):
        files[path.stem] = str(path)
    return files


def _databases(files) -> dict[str, bytes]:
    root = Path(files["root"])
    return {str(db): hashlib.sha256(db.read_bytes()).digest() for db in sorted(root.rglob("*.sqlite3"))}


def test_the_corpus_is_large_and_covers_every_command_family():
    assert len(CASES) >= 100
    assert len({name for _args, name in CASES}) == len(CASES), "case ids must be unique"
    families = {args[0] for args, _name in CASES if args[0] != BAD}
    for family in ("init", "register", "apply", "assign", "accept", "remind", "ledger", "show", "due", "assessment",
                   "obligations", "calendar", "deadline", "doc", "report", "compare", "run", "test", "replay",
                   "new-jurisdiction"):
        assert family in families, family


@pytest.mark.parametrize("args", [c[0] for c in CASES], ids=[c[1] for c in CASES])
def test_a_bad_input_is_one_chinese_line_and_changes_nothing(deployment, args):
    args = [a.format_map(deployment) if "{" in a else a for a in args]
    before = _databases(deployment)
    assert len(before) == 2, "the deployment and its corrupted copy have a database"
    result = CliRunner().invoke(main, args, env={"DUCHA_CONFIG": deployment["cfg"]})
    assert isinstance(result.exception, SystemExit), (result.exception, result.output)
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("错误：") and CJK.search(lines[0][3:]), lines[0]
    assert _databases(deployment) == before, "the database changed"


def test_bytes_that_are_not_utf8_on_a_real_command_line(deployment):
    """What a terminal in another encoding sends (GBK 标题): one Chinese line on stderr, nothing recorded."""
    ducha = shutil.which("ducha", path=os.path.dirname(sys.executable)) or shutil.which("ducha")
    if ducha is None:
        pytest.skip("the ducha script is not installed")
    before = _databases(deployment)
    args = [ducha, "register", "--as", "duchashi", "--kind", "decision", "--title", "推进改造".encode("gbk")]
    done = subprocess.run(args, capture_output=True, env={**os.environ, "DUCHA_CONFIG": deployment["cfg"]},
                          timeout=60)
    err = done.stderr.decode("utf-8")
    assert done.returncode != 0 and not done.stdout and "Traceback" not in err, err
    assert err.startswith("错误：") and "UTF-8" in err and len(err.strip().splitlines()) == 1, err
    assert _databases(deployment) == before
