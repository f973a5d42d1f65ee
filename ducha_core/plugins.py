"""The plugin manager: built in one factory, entry points loaded there, unknown hooks caught.

Jurisdiction plugins are found through the ``ducha`` entry-point group (the five shipped ones
and any installed as its own package), or loaded from a file path for policy writers who have not
packaged theirs.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import FunctionType, MethodType, ModuleType
from typing import Any

import attrs
import pluggy

from ducha_core import hookspecs
from ducha_core.errors import PluginError
from ducha_core.model import Jurisdiction

ENTRY_POINT_GROUP = "ducha"
#: what pluggy takes as a hook implementation (``pluggy._manager._static_hook_attr``)
_HOOKABLE = (FunctionType, MethodType, staticmethod, classmethod)


class DuchaPluginManager(pluggy.PluginManager):
    """Takes every function named ``ducha_*`` of a plugin as a hook implementation, so that a
    misspelt hook is caught by ``check_pending`` instead of silently ignored."""

    def parse_hookimpl_opts(self, plugin: object, name: str):  # type: ignore[override]
        if type(plugin) is ModuleType and not name.startswith("__") \
                and not isinstance(plugin.__dict__.get(name), _HOOKABLE):
            # what pluggy's lookup (``inspect.getattr_static``) finds of a module's own name, without
            # walking the module type for each of its names (start-up): no function, no hook
            opts = None
        else:
            opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(hookspecs.HOOK_PREFIX):
            method = getattr(plugin, name, None)
            if callable(method):
                return {}  # type: ignore[return-value]
        return opts


@attrs.frozen
class PluginInfo:
    """An installed jurisdiction plugin: what it implements and where it came from."""

    jurisdiction: Jurisdiction
    plugin_name: str
    version: str
    source: str  # "entry point (dist)" or the file path


@attrs.define
class Plugins:
    """The plugin manager with the jurisdictions it knows, by id."""

    manager: DuchaPluginManager
    jurisdictions: dict[str, PluginInfo]

    def info(self, jurisdiction_id: str) -> PluginInfo:
        try:
            return self.jurisdictions[jurisdiction_id]
        except KeyError:
            known = ", ".join(sorted(self.jurisdictions)) or "（无）"
            raise PluginError(
                f"未知的辖区 '{jurisdiction_id}'；已安装：{known}（请安装辖区插件包，或给出插件文件路径）"
            ) from None

    def plugin_object(self, jurisdiction_id: str) -> object:
        return self.manager.get_plugin(self.info(jurisdiction_id).plugin_name)

    def subset_caller(self, hook_name: str, jurisdiction_ids: Iterable[str]):
        """A caller for ``hook_name`` that reaches only the given jurisdictions' plugins and the
        plugins that are not jurisdictions (extensions that apply everywhere)."""
        keep = {self.info(j).plugin_name for j in jurisdiction_ids}
        others = [
            self.manager.get_plugin(info.plugin_name)
            for info in self.jurisdictions.values()
            if info.plugin_name not in keep
        ]
        return self.manager.subset_hook_caller(hook_name, remove_plugins=others)

    def load_path(self, path: str | Path) -> PluginInfo:
        """Load a plugin from a ``.py`` file or a package directory and register it."""
        module = _import_path(Path(path))
        return self._register(module, f"file:{Path(path).resolve()}", "(file)", str(path))

    def _register(self, plugin: object, name: str, version: str, source: str) -> PluginInfo | None:
        if self.manager.is_registered(plugin) or self.manager.has_plugin(name):
            existing = [i for i in self.jurisdictions.values() if i.plugin_name == name]
            return existing[0] if existing else None
        try:
            self.manager.register(plugin, name=name)
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            if self.manager.is_registered(plugin):
                self.manager.unregister(plugin)
            raise PluginError(f"插件 {source}：{exc}；可用的钩子见 ducha_core/hookspecs.py") from None
        impls = [i for i in self.manager.hook.ducha_jurisdiction.get_hookimpls() if i.plugin_name == name]
        if not impls:
            return None  # an extension plugin, not a jurisdiction
        jurisdiction = impls[0].function()
        if not isinstance(jurisdiction, Jurisdiction):
            self.manager.unregister(plugin)
            raise PluginError(f"插件 {source}：ducha_jurisdiction 须返回 Jurisdiction 对象；请改正该函数")
        if jurisdiction.id in self.jurisdictions:
            self.manager.unregister(plugin)
            other = self.jurisdictions[jurisdiction.id].source
            raise PluginError(
                f"两个插件声明了同一辖区 '{jurisdiction.id}'：{other} 和 {source}；"
                "请卸载其一，或给其中一个改用别的 id"
            )
        info = PluginInfo(jurisdiction, name, version, source)
        self.jurisdictions[jurisdiction.id] = info
        return info


def _import_path(path: Path) -> ModuleType:
    if not path.exists():
        raise PluginError(f"插件路径 {path} 不存在；请给出 .py 文件或包目录")
    target = path / "__init__.py" if path.is_dir() else path
    module_name = f"ducha_local_{path.stem}_{abs(hash(str(path.resolve()))) % 10**8}"
    spec = importlib.util.spec_from_file_location(
        module_name, target, submodule_search_locations=[str(path)] if path.is_dir() else None
    )
    if spec is None or spec.loader is None:
        raise PluginError(f"无法从 {path} 导入插件；请给出 .py 文件或包目录")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        raise PluginError(f"插件 {path} 导入失败：{type(exc).__name__}: {exc}；请改正该文件") from None
    return module


#: an entry point's value, as ``importlib.metadata.EntryPoint.pattern`` reads it
_EP_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@attrs.frozen
class _EntryPoint:
    """An entry point read by ``_read_entry_points``: what ``get_plugins`` reads of one."""

    name: str
    value: str
    dist_name: str
    version: str

    def load(self) -> object:
        """As ``importlib.metadata.EntryPoint.load``: the module, or the attribute the value names."""
        import importlib

        match = _EP_VALUE.match(self.value)
        obj = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            obj = getattr(obj, attr)
        return obj


def _header(text: str | None, name: str) -> str | None:
    """A header of a distribution's METADATA (its first lines, up to a blank one); None if it is not
    there or is folded over lines (``importlib.metadata`` reads those)."""
    if text is None:
        return None
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if not line.strip():
            return None
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            if n + 1 < len(lines) and lines[n + 1][:1] in (" ", "\t"):
                return None
            return value.strip()
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def _read_entry_points(group: str) -> list[_EntryPoint] | None:
    """The entry points of ``group`` of the installed distributions, found as ``importlib.metadata
    .entry_points(group=…)`` finds them — each ``*.dist-info`` or ``*.egg-info`` folder on
    ``sys.path``, the first of each name, its ``entry_points.txt`` — without importing
    ``importlib.metadata`` (about a tenth of a command's start-up). None where the installation is
    not plain folders (a zip or an egg on the path, another finder of distributions, metadata this
    reading does not follow): the caller then asks ``importlib.metadata``."""
    import os

    if any(getattr(f, "find_distributions", None) is not None and f is not importlib.machinery.PathFinder
           for f in sys.meta_path):
        return None
    seen: set[str] = set()
    found: list[_EntryPoint] = []
    for entry in sys.path:
        root = entry or "."
        if os.path.isfile(root):
            return None
        try:
            children = os.listdir(root)
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if low.endswith(".egg"):
                return None
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            if not child.endswith((".dist-info", ".egg-info")):
                return None
            name = re.sub(r"[-_.]+", "-", os.path.splitext(child)[0].partition("-")[0]).lower().replace("-", "_")
            if not name:
                return None
            if name in seen:
                continue
            seen.add(name)
            path = os.path.join(root, child)
            text = _read(os.path.join(path, "entry_points.txt"))
            if not text:
                continue
            section = None
            pairs = []
            for line in map(str.strip, text.splitlines()):
                if not line or line.startswith("#"):
                    continue
                if line.startswith("[") and line.endswith("]"):
                    section = line.strip("[]")
                    continue
                if section == group:
                    key, sep, value = line.partition("=")
                    if not sep or not _EP_VALUE.match(value.strip()):
                        return None
                    pairs.append((key.strip(), value.strip()))
            if not pairs:
                continue
            meta = _read(os.path.join(path, "METADATA")) or _read(os.path.join(path, "PKG-INFO"))
            dist, version = _header(meta, "Name"), _header(meta, "Version")
            if dist is None or version is None:
                return None
            found += [_EntryPoint(key, value, dist, version) for key, value in pairs]
    return found


def _entry_points(group: str) -> list[Any]:
    """The entry points of ``group``, by name: read from the folders (``_read_entry_points``), else
    through ``importlib.metadata``; each has ``name``, ``load()``, and ``dist_name`` and ``version``."""
    found = _read_entry_points(group)
    if found is None:
        import importlib.metadata

        found = [_MetadataEntryPoint(ep) for ep in importlib.metadata.entry_points(group=group)]
    return sorted(found, key=lambda e: e.name)


@attrs.frozen
class _MetadataEntryPoint:
    """An ``importlib.metadata`` entry point, read as ``_EntryPoint``."""

    ep: Any

    @property
    def name(self) -> str:
        return self.ep.name

    @property
    def dist_name(self) -> str:
        return self.ep.dist.name if self.ep.dist else "?"

    @property
    def version(self) -> str:
        return self.ep.dist.version if self.ep.dist else "?"

    def load(self) -> object:
        return self.ep.load()


def get_plugins(*, load_entry_points: bool = True, paths: Iterable[str | Path] = ()) -> Plugins:
    """Build the plugin manager: hookspecs, entry points of group ``ducha``, then plugin files."""
    manager = DuchaPluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    plugins = Plugins(manager, {})
    if load_entry_points:
        for ep in _entry_points(ENTRY_POINT_GROUP):
            try:
                module = ep.load()
            except Exception as exc:
                raise PluginError(f"插件入口点 '{ep.name}' 加载失败：{type(exc).__name__}: {exc}；请重装或卸载提供它的包") from None
            where = f"entry point {ep.name} ({ep.dist_name} {ep.version})"
            plugins._register(module, ep.name, ep.version, where)
    for path in paths:
        plugins.load_path(path)
    return plugins


_DEFAULT: Plugins | None = None


def default_plugins() -> Plugins:
    """The installed plugins, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = get_plugins()
    return _DEFAULT
