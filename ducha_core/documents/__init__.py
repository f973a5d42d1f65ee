"""Documents (公文), the static dashboard and the demo deployment.

- ``render``: jinja2 templates (core defaults + plugin overrides) -> Markdown or printable HTML
- ``dashboard``: ``ducha report --html DIR``, a static page with inline SVG charts
- ``demo``: ``ducha demo``, a sample deployment with a plausible year of matters
"""

from ducha_core.documents.render import (
    DOC_KINDS,
    available_kinds,
    check_kind,
    document_number,
    environment,
    render,
)
from ducha_core.documents.snapshot import Period, Snapshot, parse_period

__all__ = [
    "DOC_KINDS",
    "Period",
    "Snapshot",
    "available_kinds",
    "check_kind",
    "document_number",
    "environment",
    "parse_period",
    "render",
]
