"""docs/plugin_hooks.md documents every hook of ducha_core/hookspecs.py (a `## ducha_xxx` section each)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from ducha_core import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugin_hooks.md"


def hook_names() -> list[str]:
    return [name for name, obj in vars(hookspecs).items()
            if name.startswith(hookspecs.HOOK_PREFIX) and inspect.isfunction(obj)]


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (ducha_\w+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_hook_is_documented():
    missing = sorted(set(hook_names()) - set(sections()))
    assert missing == [], f"hooks without a '## name' section in {DOC.name}: {missing}"


def test_no_section_for_a_hook_that_does_not_exist():
    assert sorted(set(sections()) - set(hook_names())) == []


def test_each_section_gives_signature_and_an_example():
    for name, body in sections().items():
        assert f"def {name}(" in body, f"{name}: no signature"
        assert "Example" in body and body.count("```") >= 4, f"{name}: no example"
    assert len(hook_names()) >= 15
