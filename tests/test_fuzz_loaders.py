"""Fuzzing the four TOML loaders: whatever a file holds, each loader either reads it or raises its own
one-line error (a ``DuchaError``), never another exception (a traceback for the user).

The loaders and the errors they document:

* ``ducha.toml`` (``config.load_config``): ``ConfigError``;
* scenario files (``scenario.load_scenario``): ``ScenarioError``;
* variant files (``variants.load_variant``): ``InputError`` (its own checks), ``PolicyError`` (the
  policy it builds), ``PluginError`` (an unknown base);
* calendar files (``calendar.data.load_years``): ``CalendarDataError``.

Each file is generated as TOML-shaped data — a valid document whose values, at the keys the loader
knows and at random keys, are replaced by values of any type: wrong containers, TOML date-times and
times where dates are expected, nested arrays, ``year = [0]`` — and written with the small TOML
writer below (``tomli_w`` is not a dependency).

The budget is small so that CI stays fast (60 examples per loader). A longer run::

    DUCHA_FUZZ_EXAMPLES=2000 python -m pytest -p no:cacheprovider -q tests/test_fuzz_loaders.py
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ducha_core.calendar.data import CalendarDataError, load_years
from ducha_core.config import ConfigError, default_config_text, load_config
from ducha_core.errors import InputError, PluginError, PolicyError
from ducha_core.plugins import default_plugins
from ducha_core.scenario import ScenarioError, load_scenario
from ducha_core.variants import load_variant

EXAMPLES = int(os.environ.get("DUCHA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- a minimal TOML writer ----------------------------------------------------------------------


def _string(text: str) -> str:
    # JSON's escapes are TOML's (\" \\ \n \uXXXX); TOML wants DEL escaped too
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def toml_dumps(doc: dict[str, Any]) -> str:
    """A document as TOML: one ``key = value`` line per top-level key (tables and arrays of tables
    inline). Checked by reading it back."""
    text = "".join(f"{_string(k)} = {toml_value(v)}\n" for k, v in doc.items())
    tomllib.loads(text)
    return text


def test_the_writer_round_trips():
    doc = {"a": [1, [2, [3]]], "b": {"c": date(2025, 1, 1), "d": datetime(2025, 1, 1, 8, 30)},
           "e": "引号\"\\\n\x7f", "f": [{"g": time(10, 0)}], "h": math.inf, "i": True}
    assert tomllib.loads(toml_dumps(doc)) == doc


# --- TOML-shaped values ---------------------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def nested(depth: int) -> list:
    """``[[[…[0]…]]]``: arrays nested ``depth`` deep."""
    value: Any = [0]
    for _ in range(depth):
        value = [value]
    return value


_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, -1, 1, 2, 2025, 9999, 10**6]),
    st.floats(allow_nan=True),
    _text,
    st.sampled_from(["", " ", "2025-10-09", "20251009", "2025-13-01", "0000-01-01", "9999-12-31", "5个工作日",
                     "{a}", "zhoucun", "nosuch", "office", "u1", "a,b", "x.toml", "〇〇督字〔{year}〕{n}号"]),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))])),
    st.times(),
    st.integers(1, 60).map(nested),
)

#: any TOML value: scalars, arrays (nested, mixed) and tables
junk = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=8,
)

_DELETE = object()


def _paths(value: Any, path: tuple = ()):
    """Every path into a document (dict keys, list indices), with whether it leads to a table."""
    yield path, isinstance(value, dict)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _mutate(base: dict, changes) -> dict:
    doc = copy.deepcopy(base)
    for path, new in changes:
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if new is _DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = new
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the way there
    return doc


def mutants(base: dict) -> st.SearchStrategy[dict]:
    """``base`` (a valid document) with one to three values replaced by junk or removed, or a stray
    key added to one of its tables."""
    paths = [p for p, _table in _paths(base) if p]
    tables = [p for p, table in _paths(base) if table]
    where = st.one_of(st.sampled_from(paths),
                      st.builds(lambda p, k: (*p, k), st.sampled_from(tables), _text))
    change = st.tuples(where, st.one_of(junk, st.just(_DELETE)))
    return st.lists(change, min_size=1, max_size=3).map(lambda changes: _mutate(base, changes))


def _write(folder: str, name: str, doc: dict) -> Path:
    path = Path(folder) / name
    path.write_text(toml_dumps(doc), encoding="utf-8")
    return path


HERE = Path(__file__).parent

# --- ducha.toml ---------------------------------------------------------------------------------

CONFIG = {**tomllib.loads(default_config_text("zhoucun")),
          "settings": {"issued": "2021-07-16", "chase_every": "5个工作日", "warning_window": 3,
                       "chase_methods": ["电话催报", "实地督办"], "strict_calendar": False},
          "documents": {"number_pattern": {"assignment": "周督〔{year}〕{n}号", "bulletin": "第{n}期"}}}


@FUZZ
@given(mutants(CONFIG))
@example({**CONFIG, "settings": {"issued": datetime(2021, 7, 16, 8, 0)}})
@example({**CONFIG, "unit": {"id": "u1"}, "person": [1]})
@example({**CONFIG, "plugins": nested(200)})
@example({**CONFIG, "jurisdiction": ["zhoucun"], "settings": [0]})
def test_a_deployment_file_loads_or_says_what_is_wrong(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "ducha.toml", doc)
        try:
            load_config(path)
        except ConfigError:
            pass


# --- scenario files -----------------------------------------------------------------------------

SCENARIO = tomllib.loads((HERE / "scenarios" / "scenario_neutral_instruction.toml").read_text(encoding="utf-8"))
_MATTER = SCENARIO["matter"][0]


@FUZZ
@given(mutants(SCENARIO))
@example({**SCENARIO, "matter": [{**_MATTER, "received": datetime(2025, 9, 29, 10, 0)}]})
@example({**SCENARIO, "expect": [1]})
@example({**SCENARIO, "matter": [{**_MATTER, "received": [0]}]})
@example({**SCENARIO, "matter": {"id": "A"}, "event": "x"})
@example({**SCENARIO, "matter": [{**_MATTER, "title": nested(300)}]})
def test_a_scenario_file_loads_or_says_what_is_wrong(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "scenario.toml", doc)
        try:
            load_scenario(path)
        except ScenarioError:
            pass


# --- variant files ------------------------------------------------------------------------------

VARIANT = {
    "variant": {"base": "zhoucun", "id": "try", "name": "周村区（试算）", "note": "试算"},
    "settings": {"chase_every": "3个工作日", "principal_result_period": "7日", "warning_window": 2},
    "change": [{"rule": "notice_result", "set": {"period": "7个工作日"}, "note": "放宽"},
               {"rule": "overdue_remind", "set": {"name": "逾期催办"}, "note": "改名"}],
    "replace": [{"type": "role", "note": "新增", "rule": {"id": "clerk", "name": "文书", "scope": "office"}}],
    "remove": [{"rule": "bulletin_no_action", "note": "删去"}],
    "convention": {"exclude_start_day": True, "note": "改"},
}


@FUZZ
@given(mutants(VARIANT))
@example({**VARIANT, "settings": {"chase_every": {"a": 1}}})
@example({**VARIANT, "change": [{"rule": "notice_result", "set": {"period": {"a": 1}}, "note": "x"}]})
@example({**VARIANT, "change": {"rule": "x", "note": "x"}})
@example({**VARIANT, "convention": [1], "settings": nested(300)})
@example({**VARIANT, "settings": {"issued": datetime(2021, 7, 16, 8, 0)}})
def test_a_variant_file_loads_or_says_what_is_wrong(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "try.toml", doc)
        try:
            load_variant(path, plugins=default_plugins())
        except (InputError, PolicyError, PluginError):
            pass


# --- calendar files -----------------------------------------------------------------------------

_SHIPPED = tomllib.loads(resources.files("ducha_core.calendar").joinpath("holidays.toml").read_text("utf-8"))
CALENDAR = {"year": [_SHIPPED["year"][0], _SHIPPED["year"][-1]]}  # 2015 (with an amendment) and the last
_YEAR = CALENDAR["year"][-1]


@FUZZ
@given(mutants(CALENDAR))
@example({"year": [{**_YEAR, "year": [0]}]})
@example({"year": [{**_YEAR, "holidays": [{"name": "元旦", "start": datetime(2026, 1, 1, 0, 0)}]}]})
@example({"year": [{**_YEAR, "holidays": nested(300)}]})
@example({"year": _YEAR})
@example({"year": [{**_YEAR, "workdays": [{"date": time(10, 0)}]}]})
def test_a_calendar_file_loads_or_says_what_is_wrong(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "calendar.toml", doc)
        try:
            load_years([path])
        except CalendarDataError:
            pass


def test_the_base_documents_load(tmp_path):
    """The fuzzers start from valid files: each base document loads as it is."""
    load_config(_write(str(tmp_path), "ducha.toml", CONFIG))
    load_scenario(_write(str(tmp_path), "scenario.toml", SCENARIO))
    load_variant(_write(str(tmp_path), "try.toml", VARIANT), plugins=default_plugins())
    load_years([_write(str(tmp_path), "calendar.toml", CALENDAR)])


@pytest.mark.parametrize("depth", [50, 3000])
def test_deeply_nested_arrays_are_an_error_of_each_loader(tmp_path, depth):
    deep = "[" * depth + "]" * depth
    cases = [
        ("ducha.toml", f'jurisdiction = "zhoucun"\nplugins = {deep}\n', lambda p: load_config(p), ConfigError),
        ("s.toml", f'[[matter]]\nid = "A"\nkind = "instruction"\nreceived = {deep}\n', load_scenario, ScenarioError),
        ("v.toml", f'[variant]\nbase = "zhoucun"\nnote = "x"\nname = {deep}\n',
         lambda p: load_variant(p, plugins=default_plugins()), InputError),
        ("c.toml", f'[[year]]\nyear = {deep}\nnotice = "x"\n', lambda p: load_years([p]), CalendarDataError),
    ]
    for name, text, load, error in cases:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(error):
            load(path)
