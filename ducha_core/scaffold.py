"""Scaffold a jurisdiction plugin package (``ducha new-jurisdiction ID --name 名称``).

Writes ``<dir>/ducha-<id>/`` (or ``<dir>`` itself when it is already named ``ducha-<id>``): a pyproject with the ``ducha`` entry point, a package
``ducha_<id>`` whose policy module has every hook stubbed and documented, an empty templates dir
(overrides of the core's documents), an empty traceability table, a scenario test and the
conformance suite. ``pip install -e`` it and ``ducha jurisdictions`` lists it; ``pytest`` in it runs the
scenario (which passes) and the conformance suite, which fails until the placeholders (``TODO``) are
replaced by the document's own words and the traceability table is filled and true (the failures say
what is left to do).
The files come from ``ducha_core/scaffold_templates/`` (jinja2).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from ducha_core.errors import InputError

TEMPLATES = Path(__file__).with_name("scaffold_templates")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
LEVELS = ("district", "county", "city", "province")


def scaffold(jurisdiction_id: str, name: str, directory: str | Path = ".", *, level: str = "district",
             extends: str | None = None) -> Path:
    """Write the plugin package and return its root folder."""
    if not ID_PATTERN.match(jurisdiction_id):
        raise InputError(f"辖区id '{jurisdiction_id}' 无效：须由小写字母、数字和 _ 组成、以字母开头（2–41 个字符），"
                         "如 lintong 或 weinan_linwei")
    if not name.strip():
        raise InputError("--name 不能为空：须为辖区的中文名称，如 临潼区")
    if level not in LEVELS:
        raise InputError(f"--level '{level}' 无效；可选：{', '.join(LEVELS)}")
    if extends:
        from ducha_core.plugins import default_plugins

        default_plugins().info(extends)  # a one-line error if the base is not installed
    from ducha_core.plugins import default_plugins as _installed

    if jurisdiction_id in _installed().jurisdictions:
        raise InputError(f"辖区 '{jurisdiction_id}' 已安装；请另选一个id")
    package = f"ducha_{jurisdiction_id}"
    dist = f"ducha-{jurisdiction_id.replace('_', '-')}"
    directory = Path(directory)
    # ``--dir ../ducha-lintong`` names the package folder itself: write into it, not into a nested
    # ``../ducha-lintong/ducha-lintong``.
    root = directory if directory.name == dist else directory / dist
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InputError(f"{root} 已存在；请另选 --dir，或先删除它")
    context = {
        "id": jurisdiction_id,
        "name": name.strip(),
        "level": level,
        "extends": extends,
        "package": package,
        "dist": dist,
    }
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    for source in sorted(TEMPLATES.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        rel = source.relative_to(TEMPLATES).as_posix()
        target_rel = rel.replace("package/", f"{package}/", 1) if rel.startswith("package/") else rel
        if target_rel == "tests/scenario_basic.toml.j2":
            target_rel = "tests/scenario_basic.toml"
        target = root / target_rel.removesuffix(".j2")
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".j2"):
            text = env.get_template(rel).render(**context)
            text = re.sub(r"\n{3,}", "\n\n\n", text)
        else:
            text = source.read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
    return root
