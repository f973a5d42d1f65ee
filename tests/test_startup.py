"""Start-up time: what a command imports, and the caches that spare it work (issue: ``show`` and
``calendar add`` within twice the CPU of ``import ducha_core``).

- ``import ducha_core.cli`` imports no command, attrs, dataclasses or tomllib; ``show`` loads no
  OpenSSL (hashlib, hmac), difflib, template engine, converter, document or comparison layer, nor
  the lunar calendar; ``calendar add`` with its caches warm imports neither attrs nor tomllib;
- the methods attrs and dataclasses write, compiled once and kept (``ducha_core._codecache``): the
  code loaded is the code ``compile`` makes of the source, for every class of ducha's; a class whose
  fields, defaults or options change is compiled anew at the next command, and classes of other
  modules and of plugin files loaded from a path are not kept;
- parsed TOML kept (``ducha_core._tomlcache``): the same as ``tomllib``'s; a change of the file (the
  holidays, a plugin's articles, ducha.toml even of the same size and time) is read at the next use,
  a broken file fails as before; a deployment's file is kept in the user's cache folder (not beside
  it), at most ``KEEP`` of them;
- module-level patterns compiled on first use (``ducha_core._lazy``) match as compiled ones do.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ducha_core import _tomlcache
from ducha_core._lazy import LazyPattern

ROOT = Path(__file__).resolve().parent.parent


def _env(pycache: Path, **more: str) -> dict[str, str]:
    """The environment of a command whose byte code (and the caches beside it) go to ``pycache``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(more)
    return env


def _python(code: str, env: dict[str, str], *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Path:
    from ducha_core.documents.demo import build

    folder = tmp_path_factory.mktemp("startup") / "site"
    return build(folder, "weinan_gaoxin", year=2025, as_of=dt.date(2025, 12, 31), matters=3).config


# --- what a command imports ---------------------------------------------------------------------------

RUN = """
import sys
from ducha_core.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
names = {names!r}
print(sorted(m for m in sys.modules if m in names or m.startswith(tuple(n + "." for n in names))))
"""

#: what ``show`` has no use for
NOT_FOR_SHOW = ("hashlib", "_hashlib", "hmac", "difflib", "jinja2", "cattrs", "importlib.metadata", "lunar_python",
                "openpyxl", "docx", "markdown_it", "icalendar", "ducha_core.documents", "ducha_core.compare",
                "ducha_core.variants", "ducha_core.knockout", "ducha_core.conformance", "ducha_core.importer",
                "ducha_core.scenario", "ducha_core.replay")


def test_importing_the_command_line_imports_no_command_nor_attrs_dataclasses_or_tomllib(tmp_path):
    code = ("import sys; import ducha_core.cli as cli; from ducha_core import _codecache\n"
            "print(sorted(m for m in ('attr', 'attrs', 'dataclasses', 'tomllib', 'sqlite3', 'ducha_core.cli.ledger_cmd',"
            " 'ducha_core.config', 'ducha_core.calendar') if m in sys.modules), _codecache._Finder in sys.meta_path)")
    assert _python(code, _env(tmp_path)).split() == ["[]", "True"]


def test_show_imports_only_what_it_needs(deployment, tmp_path):
    env = _env(tmp_path)
    for _ in range(2):  # the second with the caches warm
        out = _python(RUN.format(names=NOT_FOR_SHOW), env, "show", "DC-2025-0001", "--config", str(deployment))
        assert out.strip().splitlines()[-1] == "[]", out


def test_calendar_add_with_its_caches_warm_imports_neither_attrs_nor_tomllib(tmp_path):
    env = _env(tmp_path)
    names = ("attr", "attrs", "tomllib", "sqlite3", "ducha_core.config", "ducha_core.ledger")
    first = _python(RUN.format(names=names), env, "calendar", "add", "2025-09-30", "1")
    assert first.splitlines()[0] == "2025-10-09"
    second = _python(RUN.format(names=names), env, "calendar", "add", "2025-09-30", "1")
    assert second.splitlines() == ["2025-10-09", "[]"]


# --- the methods attrs and dataclasses write ---------------------------------------------------------

EVERY_CLASS = """
import importlib, pkgutil, sys
from ducha_core import _codecache as cache
cache.install()
seen = []
attrs_code, compiled = cache.attrs_code, cache._compiled

def checked_attrs(script, filename, flags):
    code = attrs_code(script, filename, flags)
    seen.append((filename, code == compile(script, filename, "exec", flags=flags, dont_inherit=True)))
    return code

def checked(module, key, template, width, filename, flags):
    entry = cache._entries(module).get(key)
    hits.append(entry is not None and entry[0] == template and width in entry[1])
    code = compiled(module, key, template, width, filename, flags)
    if filename == "<string>":
        seen.append(("dataclass", code == compile(template, filename, "exec", dont_inherit=True)))
    return code

hits = []
cache.attrs_code, cache._compiled = checked_attrs, checked
import ducha_core
for module in pkgutil.walk_packages(ducha_core.__path__, "ducha_core."):
    if "scaffold_templates" not in module.name and module.name != "ducha_core.pytest_plugin":
        importlib.import_module(module.name)
for plugin in ("ducha_weinan_gaoxin", "ducha_zhoucun", "ducha_ordos", "ducha_dazhan", "ducha_ankang"):
    importlib.import_module(plugin + ".policy")
print(len(seen), sum(1 for name, _ in seen if name == "dataclass"), sum(hits),
      [name for name, same in seen if not same])
"""


def test_the_code_kept_for_every_class_is_the_code_compile_makes(tmp_path):
    env = _env(tmp_path)
    cold = _python(EVERY_CLASS, env).split(maxsplit=3)
    assert cold[3].strip() == "[]", cold
    assert int(cold[0]) > 100 and int(cold[1]) >= 7  # the classes of every module, the calendar's dataclasses
    warm = _python(EVERY_CLASS, env).split(maxsplit=3)
    assert warm[3].strip() == "[]", warm  # loaded from the cache, and the same code
    assert warm[0] == cold[0] and int(warm[2]) >= int(warm[0]) // 2, warm  # most found in the cache
    kept = {p.name.split(".cpython")[0] for p in tmp_path.rglob("methods/*.bin")}
    assert {"attr._make", "attr.validators", "ducha_core.rules", "ducha_core.calendar.data"} <= kept


PLUGIN = """
import attrs
from dataclasses import dataclass, field

@attrs.frozen
class Rule:
    name: str
    days: int = {days}
    {more}

@dataclass(frozen=True)
class Note:
    text: str
    {more}
"""

SHOW_PLUGIN = """
import sys
from ducha_core import _codecache
_codecache.install()
import {module} as m
print(repr(m.Rule("r")), repr(m.Note("n")), hash(m.Rule("r")) == hash(m.Rule("r")), m.Rule("r") == m.Rule("r"))
used, changed = _codecache._used.get("{module}", set()), _codecache._changed.get("{module}", set())
print(len(changed), len(used))  # of the module's sources, those compiled in this process
"""


@pytest.mark.parametrize("module", ["ducha_startup_probe", "ducha_local_startup_probe", "startup_probe"])
def test_a_changed_class_is_compiled_anew_and_only_ducha_classes_are_kept(tmp_path, module):
    source = tmp_path / "src" / f"{module}.py"
    source.parent.mkdir()
    # one hash seed: attrs' __hash__ holds the hash of a name, whose width (kept per width) varies by seed
    env = _env(tmp_path / "pycache", PYTHONPATH=str(source.parent), PYTHONHASHSEED="1")
    code = SHOW_PLUGIN.format(module=module)

    def run(days: int, more: str = "") -> tuple[str, str]:
        source.write_text(textwrap.dedent(PLUGIN).format(days=days, more=more), encoding="utf-8")
        runs.append(days)
        os.utime(source, (1_700_000_000 + len(runs), 1_700_000_000 + len(runs)))  # the .pyc is seen stale
        out = _python(code, env).splitlines()
        return out[0], out[1]

    ours = module == "ducha_startup_probe"  # not a plugin file loaded from a path, nor another module
    runs: list[int] = []
    first, kept = run(3)
    assert first == "Rule(name='r', days=3) Note(text='n') True True"
    # attrs' methods of Rule in one source, the dataclass's one source for each method of Note
    assert kept == ("7 7" if ours else "0 0")
    again, kept = run(3)
    assert again == first and kept == ("0 7" if ours else "0 0")  # loaded, not compiled
    changed, kept = run(4)
    assert changed == "Rule(name='r', days=4) Note(text='n') True True"
    assert kept == ("0 7" if ours else "0 0")  # a default is not in the source: taken from the class
    more, kept = run(4, "extra: int = 7")
    assert more == "Rule(name='r', days=4, extra=7) Note(text='n', extra=7) True True"
    assert kept.split()[0] != "0" if ours else kept == "0 0"
    for seed in range(2, 12):  # other seeds: other constants in __hash__, put back where loaded
        env["PYTHONHASHSEED"] = str(seed)
        assert run(4, "extra: int = 7")[0] == more


def test_no_cache_is_written_where_python_writes_no_byte_code(tmp_path):
    env = _env(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    _python("from ducha_core import _codecache; _codecache.install(); import ducha_core.rules", env)
    assert not list(tmp_path.rglob("methods/*.bin"))


# --- parsed TOML ---------------------------------------------------------------------------------------


@pytest.fixture
def kept_beside(tmp_path, monkeypatch):
    """Byte code (and the caches beside it) go to a folder of this test's, and are written."""
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return tmp_path / "pycache"


def test_parsed_toml_is_tomllibs_and_a_changed_file_is_read_anew(tmp_path, kept_beside, monkeypatch):
    import tomllib

    path = tmp_path / "data.toml"
    text = 'a = 1\nb = [2025-01-02, "x", 1.5, true]\n[t]\nc = { d = 2026-03-04 }\n'
    path.write_text(text, encoding="utf-8")
    first = _tomlcache.loads(text, path)
    assert first == tomllib.loads(text) and Path(_tomlcache.cache_file(path)).is_file()

    def no_parsing(_text):
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", no_parsing)
    again = _tomlcache.loads(text, path)
    assert again == first and type(again["b"][0]) is dt.date and again is not first
    monkeypatch.undo()
    monkeypatch.setattr(sys, "pycache_prefix", str(kept_beside))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    changed = text.replace("2025-01-02", "2025-01-03")
    assert _tomlcache.loads(changed, path)["b"][0] == dt.date(2025, 1, 3)
    with pytest.raises(tomllib.TOMLDecodeError):
        _tomlcache.loads("a = = 1", path)
    assert _tomlcache.loads(changed, path)["b"][0] == dt.date(2025, 1, 3)
    timed = "t = 2025-01-02T03:04:05+08:00\n"  # not kept (marshal holds no datetime), parsed each time
    assert _tomlcache.loads(timed, path) == tomllib.loads(timed)


def test_a_changed_holiday_file_and_articles_table_are_read_anew(tmp_path, kept_beside):
    from ducha_core.calendar import data
    from ducha_core.traceability import load_articles

    shipped = Path(data.__file__).with_name("holidays.toml")
    copy = tmp_path / "holidays.toml"
    copy.write_bytes(shipped.read_bytes())
    before = data._parse_bytes(copy.read_bytes(), data.SHIPPED, copy)
    assert before == data._parse_bytes(copy.read_bytes(), data.SHIPPED, copy) == data.shipped_years()
    text = copy.read_text(encoding="utf-8").replace('notice = "国办发明电〔2014〕28号"', 'notice = "改过的通知"')
    copy.write_text(text, encoding="utf-8")
    after = data._parse_bytes(copy.read_bytes(), data.SHIPPED, copy)
    assert after[0].notice == "改过的通知" and after[1:] == before[1:]
    copy.write_text(text.replace("year = 2015", "year = 2015\nyear = 2016", 1), encoding="utf-8")
    with pytest.raises(data.CalendarDataError, match="不是有效的 TOML"):
        data._parse_bytes(copy.read_bytes(), data.SHIPPED, copy)

    table = tmp_path / "articles.toml"
    table.write_text('[[article]]\nid = "第一条"\nsummary = "甲"\noperational = true\n', encoding="utf-8")
    assert [a.summary for a in load_articles(table)] == ["甲"]
    assert [a.summary for a in load_articles(table)] == ["甲"]
    table.write_text('[[article]]\nid = "第一条"\nsummary = "乙"\noperational = true\n', encoding="utf-8")
    assert [a.summary for a in load_articles(table)] == ["乙"]


def test_a_changed_articles_table_is_seen_by_the_next_command(tmp_path):
    """Through a new process each time, with the table kept beside a plugin file's byte code."""
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    toy = (ROOT / "tests" / "fixtures" / "toy_plugin.py").read_text(encoding="utf-8")
    (plugin / "__init__.py").write_text(toy + textwrap.dedent("""

        @hookimpl
        def ducha_articles():
            from pathlib import Path

            from ducha_core.traceability import load_articles

            return load_articles(Path(__file__).with_name("articles.toml"))
        """), encoding="utf-8")
    table = plugin / "articles.toml"
    table.write_text('[[article]]\nid = "第一条"\nsummary = "甲"\noperational = true\n', encoding="utf-8")
    env = _env(tmp_path / "pycache")
    code = ("import sys; from ducha_core.registry import resolve_policy\n"
            "print([a.summary for a in resolve_policy('toy', plugin_paths=[sys.argv[1]]).articles])")
    assert _python(code, env, str(plugin)).strip() == "['甲']"
    assert list((tmp_path / "pycache").rglob("articles.toml.*.bin"))
    assert _python(code, env, str(plugin)).strip() == "['甲']"
    table.write_text('[[article]]\nid = "第一条"\nsummary = "乙"\noperational = true\n', encoding="utf-8")
    assert _python(code, env, str(plugin)).strip() == "['乙']"


def test_a_changed_deployment_file_is_seen_by_the_next_command(deployment, tmp_path):
    """ducha.toml is kept parsed (not beside it): a change of the same size and time is seen too."""
    env = _env(tmp_path)
    args = ["show", "DC-2025-0001", "--config", str(deployment)]
    code = ("import sys; from ducha_core.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('tomllib' in sys.modules)")

    def show() -> list[str]:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.splitlines()

    before = show()
    assert show() == [*before[:-1], "False"]  # parsed before: tomllib not even imported
    kept = list(tmp_path.rglob("ducha.toml.*.bin"))
    assert len(kept) == 1 and not list(deployment.parent.rglob("*.bin"))
    text, stat = deployment.read_text(encoding="utf-8"), deployment.stat()
    name = next(line for line in before if line.startswith("主办：")).removeprefix("主办：").split("　")[0].split("、")[0]
    other = ("甲" * len(name)) if name != "甲" * len(name) else ("乙" * len(name))
    assert f'name = "{name}"' in text
    try:
        deployment.write_text(text.replace(f'name = "{name}"', f'name = "{other}"', 1), encoding="utf-8")
        os.utime(deployment, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same size and time
        assert deployment.stat().st_size == stat.st_size
        after = show()
        assert f"主办：{other}" in "\n".join(after) and after[-1] == "True", after
        assert show()[-1] == "False"
    finally:
        deployment.write_text(text, encoding="utf-8")


def test_deployment_files_are_kept_in_the_users_cache_folder_at_most_keep(tmp_path, monkeypatch):
    import tomllib

    monkeypatch.setattr(sys, "pycache_prefix", None)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(_tomlcache, "KEEP", 3)
    for n in range(5):
        site = tmp_path / f"site{n}"
        site.mkdir()
        (site / "ducha.toml").write_text(f'jurisdiction = "x{n}"\n', encoding="utf-8")
        where = Path(_tomlcache.cache_file(site / "ducha.toml", shipped=False))
        assert where.parent == tmp_path / "cache" / "ducha"
        assert _tomlcache.loads(f'jurisdiction = "x{n}"\n', site / "ducha.toml", shipped=False) == {"jurisdiction": f"x{n}"}
        assert where.is_file() and not list(site.glob("*.bin")) and not (site / "__pycache__").exists()
        os.utime(where, (n, n))  # the oldest first
    assert len(list((tmp_path / "cache" / "ducha").iterdir())) == 3  # the oldest removed when one is written
    assert tomllib.loads('jurisdiction = "x4"\n') == _tomlcache.loads('jurisdiction = "x4"\n', tmp_path / "site4" / "ducha.toml",
                                                                      shipped=False)


# --- patterns compiled on first use ------------------------------------------------------------------


def test_a_lazy_pattern_matches_as_the_compiled_one():
    import copy
    import re

    text = "第十二条、第十三条(二)及附则 2025年3月4日"
    for pattern, flags in ((r"[、，,；;]|及|和", 0), (r"(\d{4})\s*(?:-|年)\s*(\d{1,2})", 0), (r"\s+|.", re.S)):
        lazy, compiled = LazyPattern(pattern, flags), re.compile(pattern, flags)
        assert lazy.split(text) == compiled.split(text)
        assert [m.group(0) for m in lazy.finditer(text)] == [m.group(0) for m in compiled.finditer(text)]
        assert bool(lazy.search(text)) == bool(compiled.search(text)) and lazy.pattern == pattern
    assert copy.copy(LazyPattern("a")).search("cat")
