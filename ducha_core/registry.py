"""Find a policy by what a user typed: an installed jurisdiction id, or a variant file.

``ankang`` is an installed plugin; ``ankang+proposal.toml`` or ``proposal.toml`` is a variant file
that derives from a jurisdiction (``ducha_core.variants``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ducha_core.plugins import Plugins, default_plugins, get_plugins
from ducha_core.policy import Policy, build_policy, load_policy


def plugins_with(paths: Iterable[str | Path] = ()) -> Plugins:
    paths = list(paths)
    return get_plugins(paths=paths) if paths else default_plugins()


def is_variant_spec(spec: str) -> bool:
    return spec.endswith((".toml", ".yaml", ".yml")) or "/" in spec


def resolve_policy(spec: str, *, plugin_paths: Iterable[str | Path] = (), settings: Mapping[str, Any] | None = None) -> Policy:
    """The compiled policy for a jurisdiction id or a variant file."""
    plugin_paths = list(plugin_paths)
    if is_variant_spec(spec):
        from ducha_core.variants import load_variant  # issue: variants layer

        return load_variant(spec, plugins=plugins_with(plugin_paths), settings=settings)
    if plugin_paths:
        return build_policy(plugins_with(plugin_paths), spec, settings)
    return load_policy(spec, settings)


def all_ids(plugin_paths: Iterable[str | Path] = ()) -> list[str]:
    return sorted(plugins_with(plugin_paths).jurisdictions)
