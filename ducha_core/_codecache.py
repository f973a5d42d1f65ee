"""A byte-code cache for the methods attrs and dataclasses write for ducha's classes (start-up time).

attrs and dataclasses write the ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` of each class
as Python source and compile it when the class statement runs: for the eighty-odd classes ``ducha
show`` imports that was a third of its start-up. As Python keeps a module's byte code in a ``.pyc``,
this keeps the code compiled from that source: where the same source (compared whole, not by a
digest) was compiled before, its code is loaded instead of compiled again, so a class whose fields or
options change is compiled anew. The code is what ``compile`` makes of the source
(``tests/test_startup.py`` compares them), so the classes, their behaviour and their tracebacks are
the same.

Only ducha's classes (modules ``ducha_core`` and the installed ``ducha_*`` plugins, not plugin files
loaded from a path, whose module names change from run to run) and attrs' own are cached. The one
part of attrs' source that changes from one process to the next, the constant its ``__hash__`` mixes
in (``hash`` of a string, randomised per process), is stored as a placeholder of the same width (the
code's line table holds columns) and put back on loading; a class keeps the code of each width met.
The cache is a file for each module (its classes, by name), in a folder beside ducha's own byte code
(``__pycache__``, or under ``PYTHONPYCACHEPREFIX``), written at exit when one of its classes was
compiled, and not written where Python writes no byte code (``PYTHONDONTWRITEBYTECODE``); any trouble
reading or writing it only means compiling as attrs and dataclasses do.

``install()`` (the command line calls it) has attrs and dataclasses compile through the cache, when
they are imported: a command that needs neither does not import them.
"""

from __future__ import annotations
import __future__

import marshal
import os
import sys
import types

#: how ``attrs`` names the source of a class's methods: ``<attrs generated methods module.Class>`` (or
#: ``__repr__`` … for one method). Ducha's classes (and attrs' own) are cached, not those of plugin files
#: loaded from a path (``ducha_local_…``, a new name each run)
_GENERATED = "<attrs generated "
_CACHED = ("ducha_", "attr.")
_NOT_CACHED = "ducha_local_"
#: what ``attrs`` names the source of its hash method (the constant is the hash of this name)
_HASH_NAME = "<attrs generated hash {}>"
#: stands in a kept source for the constant of ``__hash__`` (no source of attrs' holds a NUL)
_MARK = "\0"
#: the future flags a compiling caller passes on (not ``nested_scopes``: its flag marks a nested function)
_FUTURE = 0
for _feature in __future__.all_feature_names:
    if _feature != "nested_scopes":
        _FUTURE |= getattr(__future__, _feature).compiler_flag
#: the placeholders of the usual constants of ``__hash__`` (a hash of 19 or 18 digits, and a sign)
_USUAL_WIDTHS = ("-" + "7" * 19, "7" * 19, "-" + "7" * 18, "7" * 18)
#: a module's file holding more entries than this many times those this process used keeps those
_SPARE = 3
#: the modules whose generated code is compiled through the cache (see ``_OWN``)
_PATCHED = ("attr._make", "dataclasses")

#: module -> its entries read (key -> (source with _MARK, {width: marshalled code})); the keys changed
_files: dict[str, dict] = {}
_changed: dict[str, set[str]] = {}
_used: dict[str, set[str]] = {}


def cache_file(module: str) -> str | None:
    """Where the methods of ``module``'s classes are kept: in a folder beside this module's byte code
    (None where Python does not say)."""
    try:
        from importlib.util import cache_from_source

        pyc = cache_from_source(__file__)
    except (NotImplementedError, ValueError, TypeError, AttributeError):
        return None
    return os.path.join(os.path.dirname(pyc), "methods", f"{module}.{sys.implementation.cache_tag}.bin")


def _header() -> tuple:
    from importlib.util import MAGIC_NUMBER

    return (MAGIC_NUMBER, sys.flags.optimize)


def _entries(module: str) -> dict:
    """The entries kept for ``module``'s classes, read once per process."""
    entries = _files.get(module)
    if entries is None:
        entries = {}
        path = cache_file(module)
        if path is not None:
            try:
                with open(path, "rb") as f:
                    header, stored = marshal.loads(f.read())
                if header == _header() and isinstance(stored, dict):
                    entries = stored
            except Exception:  # none yet, unreadable, from another Python: compile
                entries = {}
        _files[module] = entries
    return entries


def _compiled(module: str, key: str, template: str, width: str, filename: str, flags: int) -> types.CodeType:
    """``compile(source, filename, "exec")`` with the future ``flags``, the source being ``template``
    with its mark replaced by the placeholder ``width`` (``""``: no mark): loaded where ``module``'s
    entry ``key`` holds the same template and code for that width. Compiling a class's, it compiles
    it for the usual widths too (a hash is mostly 19 or 18 digits and a sign), so that the next
    processes, whatever their constants, find it."""
    entries = _entries(module)
    entry = entries.get(key)
    if entry is not None and entry[0] != template:
        entry = None
    blob = entry[1].get(width) if entry is not None else None
    if blob is not None:
        try:
            code = marshal.loads(blob)
        except Exception:
            blob = None
    if blob is None:
        kept = dict(entry[1]) if entry is not None else {}
        widths = [width, *(w for w in _USUAL_WIDTHS if w != width and w not in kept and w not in template)] \
            if width else [width]
        for w in widths:
            compiled = compile(template.replace(_MARK, w) if w else template, filename, "exec", flags=flags,
                               dont_inherit=True)
            kept[w] = marshal.dumps(compiled)
            if w == width:
                code = compiled
        entries[key] = (template, kept)
        if not _changed:
            import atexit

            atexit.register(save)
        _changed.setdefault(module, set()).add(key)
    _used.setdefault(module, set()).add(key)
    return code


def save() -> None:
    """Write the file of each module one of whose classes was compiled in this process (not where no
    byte code is written)."""
    if sys.dont_write_bytecode:
        return
    for module in list(_changed):
        path = cache_file(module)
        if path is None:
            continue
        entries, used = _files[module], _used.get(module, set())
        if len(entries) > _SPARE * len(used):  # classes gone, or changed dataclasses
            entries = {k: v for k, v in entries.items() if k in used}
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(marshal.dumps((_header(), entries)))
            os.replace(tmp, path)
            del _changed[module]
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# --- attrs ------------------------------------------------------------------------------------------


def _swap(const, old: int, new: int):
    """``const`` with the int ``old`` replaced by ``new``: in a tuple (``hash((c,))`` of a class without
    fields is a folded tuple), and in the ``__hash__`` of a script's code."""
    if type(const) is int:
        return new if const == old else const
    if type(const) is tuple:
        swapped = tuple(_swap(c, old, new) for c in const)
        return swapped if any(a is not b for a, b in zip(swapped, const, strict=True)) else const
    if isinstance(const, types.CodeType):
        if const.co_name == "__hash__":
            consts = _swap(const.co_consts, old, new)
        else:  # the script: its functions are its constants
            consts = tuple(_swap(c, old, new) if isinstance(c, types.CodeType) and c.co_name == "__hash__" else c
                           for c in const.co_consts)
            if all(a is b for a, b in zip(consts, const.co_consts, strict=True)):
                consts = const.co_consts
        return const.replace(co_consts=consts) if consts is not const.co_consts else const
    return const


def _module_of(name: str) -> str | None:
    """The module of ``module.qualname``: the longest prefix imported (it is, while its classes are made)."""
    while "." in name:
        name = name.rpartition(".")[0]
        if name in sys.modules:
            return name
    return None


def attrs_code(script: str, filename: str, flags: int) -> types.CodeType:
    """The code of ``compile(script, filename, "exec")`` with the future ``flags`` (attrs' methods):
    through the cache for ducha's classes and attrs' own."""
    module = None
    if filename.startswith(_GENERATED) and filename.endswith(">") and _MARK not in script:
        # <attrs generated methods module.qualname>, with -N where the name was taken (a class made again)
        name = filename[len(_GENERATED):-1].partition(" ")[2]
        if name.startswith(_CACHED) and not name.startswith(_NOT_CACHED):
            base, dash, n = name.rpartition("-")
            name = base if dash and n.isdigit() else name
            module = _module_of(name)
    if module is None:
        return compile(script, filename, "exec", flags=flags, dont_inherit=True)
    literal = str(hash(_HASH_NAME.format(name)))
    token = f" {literal},\n"
    count = script.count(token)
    if count == 0:  # no __hash__
        return _compiled(module, filename, script, "", filename, flags)
    placeholder = "-" * literal.startswith("-") + "7" * len(literal.lstrip("-"))
    if count > 1 or placeholder in script:
        return compile(script, filename, "exec", flags=flags, dont_inherit=True)
    template = script.replace(token, f" {_MARK},\n")
    code = _compiled(module, filename, template, placeholder, filename, flags)
    return _swap(code, int(placeholder), int(literal))


def _compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
    """``compile`` as ``attr._make`` sees it (a name of its own, before the builtin): the methods of
    ducha's classes through the cache, anything else compiled as the builtin compiles it there (with
    the future flags of the code that calls it)."""
    if not dont_inherit:
        flags |= sys._getframe(1).f_code.co_flags & _FUTURE
    if mode == "exec" and type(source) is str and type(filename) is str and not flags & ~_FUTURE \
            and optimize == -1 and not kwargs:
        return attrs_code(source, filename, flags)
    return compile(source, filename, mode, flags, True, optimize, **kwargs)


# --- dataclasses ------------------------------------------------------------------------------------


def _exec(source, globals=None, locals=None, /, **kwargs):
    """``exec`` as ``dataclasses`` sees it (a name of its own, before the builtin): a text is compiled
    as the builtin compiles it there (as ``<string>``, with the future flags of the code that calls
    it), that of a ducha class's methods through the cache."""
    if type(source) is str:
        caller = sys._getframe(1)
        flags = caller.f_code.co_flags & _FUTURE
        if globals is None:  # the caller's namespace, as the builtin takes it
            globals = caller.f_globals
            locals = caller.f_locals if locals is None else locals
        module = globals.get("__name__") if type(globals) is dict else None
        if type(module) is str and module.startswith("ducha_") and not module.startswith("ducha_local_") \
                and _MARK not in source:
            source = _compiled(module, source, source, "", "<string>", flags)
        else:
            source = compile(source, "<string>", "exec", flags, True)
    return exec(source, globals, locals, **kwargs)


# --- installing ---------------------------------------------------------------------------------------

#: the module -> the builtin it is given its own of
_OWN = {"attr._make": ("compile", _compile), "dataclasses": ("exec", _exec)}


def _patch(module: types.ModuleType) -> None:
    """Give the module its own ``compile`` or ``exec`` (its code finds a global before the builtin)."""
    name, function = _OWN[module.__name__]
    module.__dict__.setdefault(name, function)


class _PatchingLoader:
    """The loader of a module patched: gives it its own builtin before it runs (so that the classes
    it makes itself are cached too)."""

    def __init__(self, loader) -> None:
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        _patch(module)
        module.__loader__ = self._loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)


class _Finder:
    """Waits on ``sys.meta_path`` for the modules patched (and only them); the usual finders find them."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in _PATCHED:
            return None
        if all(m == name or m in sys.modules for m in _PATCHED) and cls in sys.meta_path:
            sys.meta_path.remove(cls)  # the last one it waits for
        for finder in sys.meta_path:
            if finder is cls:
                continue
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatchingLoader(spec.loader)
        return spec


def install() -> None:
    """Cache the methods of ducha's classes in this process: now where attrs and dataclasses are
    imported, else when they are."""
    waiting = False
    for name in _PATCHED:
        module = sys.modules.get(name)
        if module is not None:
            _patch(module)
        else:
            waiting = True
    if waiting and _Finder not in sys.meta_path:
        sys.meta_path.insert(0, _Finder)
