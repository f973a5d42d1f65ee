"""Module-level regular expressions compiled on first use (start-up time).

``re.compile`` of a pattern with wide character classes costs a command a millisecond or two at
import; a pattern used only by help, errors or a report need not be compiled by every command.
``LazyPattern(r"...")`` stands where ``re.compile(r"...")`` stood, for code that calls its methods
(``.match``, ``.search``, ``.split``, ``.finditer`` …); after the first call they are the compiled
pattern's own. (Not for ``re.sub(pattern, …)`` or ``isinstance(x, re.Pattern)``: those want the
compiled pattern.)
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled when one of its attributes is first asked for."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_args":
            raise AttributeError(name)
        value = getattr(re.compile(*self._args), name)
        setattr(self, name, value)  # the next lookup finds the compiled pattern's attribute directly
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r})"
