"""A tiny inline-SVG chart helper for the static dashboard (no JS, no network, no library).

Every text goes through ``esc``; sizes are in user units with a viewBox, so a chart scales with the
page and prints. Labels are Chinese: widths are estimated with double-width CJK characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

PALETTE = {
    "red": "#d93025",
    "yellow": "#f2b400",
    "green": "#1e8e3e",
    "done": "#5f6368",
    "none": "#bdc1c6",
    "blue": "#1a73e8",
    "purple": "#8e44ad",
    "grid": "#e0e0e0",
    "text": "#202124",
    "muted": "#5f6368",
}
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif"


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def text_width(text: str, size: float) -> float:
    """Approximate rendered width of ``text`` at font size ``size``."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in str(text))


def _attrs(attrs: dict[str, object]) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None)


def el(tag: str, body: str = "", **attrs: object) -> str:
    """One SVG element; ``body`` is already-safe markup (use ``esc`` for text)."""
    return f"<{tag}{_attrs(attrs)}>{body}</{tag}>" if body else f"<{tag}{_attrs(attrs)}/>"


def svg(width: float, height: float, body: str, title: str = "") -> str:
    head = el("title", esc(title)) if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="100%" '
        f'role="img" aria-label="{esc(title)}" style="max-width:{width:g}px;font-family:{esc(FONT)}">'
        f"{head}{body}</svg>"
    )


def hbar(
    items: Sequence[tuple[str, float | None, str]],
    *,
    max_value: float | None = None,
    width: float = 640,
    bar_height: float = 22,
    gap: float = 8,
    color: str = PALETTE["blue"],
    colors: Sequence[str] | None = None,
    title: str = "",
    empty_text: str = "无数据",
) -> str:
    """Horizontal bars: (label, value or None, text shown after the bar)."""
    if not items:
        return svg(width, 40, el("text", esc(empty_text), x=10, y=25, fill=PALETTE["muted"], font_size=14), title)
    size = 13
    label_w = min(max(text_width(label, size) for label, _, _ in items) + 12, width * 0.4)
    value_w = max(text_width(text, size) for _, _, text in items) + 12
    plot_w = max(width - label_w - value_w, 50)
    top = max_value if max_value is not None else max((v or 0) for _, v, _ in items) or 1
    parts = []
    for i, (label, value, text) in enumerate(items):
        y = i * (bar_height + gap)
        parts.append(el("text", esc(label), x=label_w - 8, y=y + bar_height * 0.72, text_anchor="end",
                        font_size=size, fill=PALETTE["text"]))
        parts.append(el("rect", x=label_w, y=y, width=f"{plot_w:.1f}", height=bar_height, fill="#f1f3f4", rx=2))
        if value:
            w = plot_w * min(value / top, 1.0)
            fill = colors[i] if colors else color
            parts.append(el("rect", x=label_w, y=y, width=f"{w:.1f}", height=bar_height, fill=fill, rx=2))
        x_text = label_w + (plot_w * min((value or 0) / top, 1.0)) + 6
        parts.append(el("text", esc(text), x=f"{x_text:.1f}", y=y + bar_height * 0.72, font_size=size,
                        fill=PALETTE["text"]))
    height = len(items) * (bar_height + gap) - gap + 4
    return svg(width, height, "".join(parts), title)


def columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    width: float = 760,
    height: float = 260,
    title: str = "",
) -> str:
    """Grouped vertical columns: ``series`` = (name, values per category, colour), with a legend."""
    left, right, top, bottom = 36, 10, 30, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, values, _ in series for v in values), default=0) or 1
    step = _nice_step(peak)
    peak = step * -(-peak // step)
    parts = []
    # grid and y labels
    n_lines = int(peak // step)
    for k in range(n_lines + 1):
        value = k * step
        y = top + plot_h - plot_h * value / peak
        parts.append(el("line", x1=left, x2=width - right, y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=PALETTE["grid"]))
        parts.append(el("text", esc(f"{value:g}"), x=left - 6, y=f"{y + 4:.1f}", text_anchor="end", font_size=11,
                        fill=PALETTE["muted"]))
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for i, category in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        for j, (_name, values, colour) in enumerate(series):
            value = values[i]
            if value:
                h = plot_h * value / peak
                parts.append(el("rect", x=f"{x0 + j * bar_w:.1f}", y=f"{top + plot_h - h:.1f}", width=f"{bar_w - 1:.1f}",
                                height=f"{h:.1f}", fill=colour))
        parts.append(el("text", esc(category), x=f"{left + (i + 0.5) * group_w:.1f}", y=height - 8, text_anchor="middle",
                        font_size=12, fill=PALETTE["text"]))
    # legend
    x = left
    for name, _values, colour in series:
        parts.append(el("rect", x=x, y=8, width=12, height=12, fill=colour))
        parts.append(el("text", esc(name), x=x + 16, y=18, font_size=12, fill=PALETTE["text"]))
        x += 16 + text_width(name, 12) + 18
    return svg(width, height, "".join(parts), title)


def _nice_step(peak: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(int(peak)))


def stacked_bar(parts_: Sequence[tuple[str, float, str]], *, width: float = 640, height: float = 34, title: str = "") -> str:
    """One horizontal bar split into coloured parts (name, value, colour), with a legend below."""
    total = sum(v for _, v, _ in parts_) or 1
    body = []
    x = 0.0
    for name, value, colour in parts_:
        if value <= 0:
            continue
        w = width * value / total
        body.append(el("rect", el("title", esc(f"{name}：{value:g}")), x=f"{x:.1f}", y=0, width=f"{w:.1f}",
                       height=height, fill=colour))
        if w > text_width(f"{value:g}", 13) + 6:
            body.append(el("text", esc(f"{value:g}"), x=f"{x + w / 2:.1f}", y=height * 0.68, text_anchor="middle",
                           font_size=13, fill="#fff"))
        x += w
    lx = 0.0
    for name, value, colour in parts_:
        body.append(el("rect", x=f"{lx:.1f}", y=height + 10, width=12, height=12, fill=colour))
        label = f"{name} {value:g}"
        body.append(el("text", esc(label), x=f"{lx + 16:.1f}", y=height + 20, font_size=12, fill=PALETTE["text"]))
        lx += 16 + text_width(label, 12) + 18
    return svg(max(width, lx), height + 28, "".join(body), title)
