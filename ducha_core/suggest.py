"""The nearest valid key to a misspelt one, for the one-line messages that refuse an unknown key."""

from __future__ import annotations

from collections.abc import Iterable


def nearest(key: object, allowed: Iterable[str]) -> str | None:
    """The allowed key closest to ``key`` (``difflib``), or None when none is close."""
    import difflib

    close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1)
    return close[0] if close else None


def did_you_mean(key: object, allowed: Iterable[str]) -> str:
    """``；是否要写 X？`` naming the nearest allowed key, or "" when none is close."""
    close = nearest(key, allowed)
    return f"；是否要写 {close}？" if close else ""
