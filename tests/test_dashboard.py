"""The static dashboard: SVG helper, page content, and a headless-Chromium screenshot as a user sees it."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import date as D
from pathlib import Path

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.documents import svg
from ducha_core.documents.dashboard import render_dashboard, write_dashboard
from ducha_core.documents.demo import plan_settings, plan_year
from ducha_core.documents.snapshot import Snapshot
from ducha_core.policy import load_policy

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def snapshot():
    cal = WorkingCalendar.default()
    policy = load_policy("weinan_gaoxin", plan_settings(load_policy("weinan_gaoxin"), 2025))
    demo = plan_year(policy, cal, year=2025, as_of=D(2025, 12, 31))
    return Snapshot.from_events(policy, cal, demo.events, demo.as_of, demo.units, demo.people)


# --- svg ------------------------------------------------------------------------------------------


def test_hbar_scales_and_escapes():
    chart = svg.hbar([("区<教育>局", 50, "50%"), ("区住建局", 100, "100%")], max_value=100, width=400)
    assert "区&lt;教育&gt;局" in chart and "<教育>" not in chart
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="22" fill="#1a73e8"', chart)]
    assert len(widths) == 2 and widths[1] == pytest.approx(2 * widths[0], rel=0.01)


def test_columns_and_empty():
    chart = svg.columns(["1月", "2月"], [("立项", [3, 0], "#000")], width=200, height=100)
    assert chart.count('fill="#000"') == 2  # one column (the zero is not drawn) + the legend swatch
    assert "无数据" in svg.hbar([])


# --- page -----------------------------------------------------------------------------------------


def test_dashboard_page_is_self_contained(snapshot):
    page = render_dashboard(snapshot)
    assert "<script" not in page.lower()
    # the only URL is the SVG namespace: nothing is fetched from the network
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)
    assert page.count("<svg") == 4
    for heading in ("各单位按时办结率", "逾期未办结事项", "升级处理事项", "各月动态", "红黄绿灯分布", "事项类别"):
        assert heading in page


def test_dashboard_figures_match_the_ledger(snapshot):
    page = render_dashboard(snapshot)
    counts = snapshot.light_counts()
    red = [r for r in snapshot.rows if r.light == "red"]
    assert f"逾期未办结事项（红灯，{len(red)}件）" in page
    assert f'<div class="n">{counts["red"]}</div><div class="l">红灯' in page
    assert f'<div class="n">{len(snapshot.states)}</div><div class="l">督查事项总数' in page
    for row in red:
        assert row.id in page


def test_write_dashboard_refuses_a_file(tmp_path, snapshot):
    from ducha_core.errors import InputError

    target = tmp_path / "x"
    target.write_text("")
    with pytest.raises(InputError, match="is a file"):
        write_dashboard(snapshot, target)


# --- screenshot -------------------------------------------------------------------------------------


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)")
def test_screenshot_in_headless_chromium(tmp_path, snapshot):
    index = write_dashboard(snapshot, tmp_path / "dashboard")
    png = tmp_path / "dashboard.png"
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,2000", index.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert png.exists() and png.stat().st_size > 50_000, "no screenshot, or a blank one"
    keep = Path("/tmp/ducha_dashboard_screenshot.png")  # left for a person to look at
    shutil.copy(png, keep)
    width, height, rows = _png_pixels(png.read_bytes())
    assert (width, height) == (1280, 2000)
    bpp = len(rows[0]) // width

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        return tuple(rows[y][x * bpp:x * bpp + 3])

    # the red header band (#b71c1c) across the top
    r, g, b = pixel(640, 10)
    assert r > 150 and g < 60 and b < 60, (r, g, b)
    # the page is not blank: many colours below the header (bars, lights, text)
    colours = {pixel(x, y) for y in range(150, 1900, 7) for x in range(0, 1280, 5)}
    assert len(colours) > 50
    # the green of on-time bars and the red of late ones are drawn
    assert any(c[1] > 120 and c[0] < 60 and c[2] < 90 for c in colours)  # #1e8e3e
    assert any(c[0] > 200 and c[1] < 70 and c[2] < 60 for c in colours)  # #d93025
    # not an error page: Chromium's "file couldn't be accessed" page is nearly all white
    white = sum(1 for c in colours if min(c) > 245)
    assert white < 0.9 * len(colours)


# --- fonts: Chinese text renders as Chinese, not as boxes --------------------------------------------


def cjk_fonts() -> list[str]:
    """The font families fontconfig has for Chinese (``fc-list :lang=zh``); [] without fontconfig."""
    fc = shutil.which("fc-list")
    if fc is None:
        return []
    out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=False)
    return [line for line in out.stdout.splitlines() if line.strip()]


#: three rows: two different Chinese strings, and private-use code points no font draws (boxes)
FONT_ROWS = ("督查督办", "通报表扬", "\ue000\ue001\ue002\ue003")
ROW_HEIGHT, GLYPH = 100, 64


def glyph_rows(tmp_path, font_family: str, env: dict | None = None) -> list[list[frozenset]]:
    """Each row of ``FONT_ROWS`` drawn by headless Chromium in ``font_family`` at 64 px, as the set of
    dark pixels of each character's cell."""
    rows_html = "".join(f'<div style="position:absolute;left:0;top:{i * ROW_HEIGHT}px">{text}</div>'
                        for i, text in enumerate(FONT_ROWS))
    page = tmp_path / "glyphs.html"
    page.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
                    f"body {{ margin: 0; background: #fff; color: #000; font-family: {font_family};"
                    f" font-size: {GLYPH}px; line-height: 1; }} div {{ white-space: nowrap; letter-spacing: 0; }}"
                    f"</style></head><body>{rows_html}</body></html>", encoding="utf-8")
    png = tmp_path / "glyphs.png"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'glyph-profile'}", f"--screenshot={png}",
           f"--window-size={GLYPH * 5},{ROW_HEIGHT * len(FONT_ROWS)}", page.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False, env=env)
    assert png.exists(), "no screenshot"
    width, _height, rows = _png_pixels(png.read_bytes())
    bpp = len(rows[0]) // width
    cells: list[list[frozenset]] = []
    for r in range(len(FONT_ROWS)):
        ink = {(x, y - r * ROW_HEIGHT) for y in range(r * ROW_HEIGHT, (r + 1) * ROW_HEIGHT)
               for x in range(width) if min(rows[y][x * bpp:x * bpp + 3]) < 128}
        # each character's cell, its ink moved to the cell's origin (glyphs are 1 em = 64 px wide)
        cells.append([frozenset((x - c * GLYPH, y) for x, y in ink if c * GLYPH <= x < (c + 1) * GLYPH)
                      for c in range(4)])
    return cells


def assert_cjk_renders(cells: list[list[frozenset]]) -> None:
    """A box (豆腐块) for every character fails: boxes are the same shape whatever the character."""
    one, two, boxes = cells
    assert all(one) and all(two), "a Chinese character drew nothing"
    shapes = set(one) | set(two)
    assert len(shapes) == 7, "different characters drew the same shape: boxes, not glyphs"  # 督 twice
    assert not shapes & set(boxes), "a Chinese character drew the shape of a missing glyph"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)")
def test_chinese_text_renders_not_boxes(tmp_path):
    """The dashboard's and the documents' fonts draw Chinese (the screenshot test above only sees
    colours, and passed on a page of boxes)."""
    if not cjk_fonts():
        pytest.skip("no Chinese font installed (fc-list :lang=zh is empty): apt-get install fonts-noto-cjk")
    from importlib.resources import files

    for template in ("dashboard.html.j2", "document.html.j2"):
        css = files("ducha_core").joinpath("templates", template).read_text(encoding="utf-8")
        family = re.search(r"body \{[^}]*?font-family: ([^;]+);", css, re.S).group(1)
        (tmp_path / template).mkdir()
        assert_cjk_renders(glyph_rows(tmp_path / template, " ".join(family.split())))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)")
def test_the_font_check_fails_on_boxes(tmp_path):
    """With fontconfig shown only a Latin font (DejaVu), Chinese is drawn as boxes, and the check says so."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("DejaVu fonts are not installed (apt-get install fonts-dejavu-core)")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<dir>{dejavu}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
                    encoding="utf-8")
    import os

    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    cells = glyph_rows(tmp_path, '"Noto Sans CJK SC", sans-serif', env=env)
    with pytest.raises(AssertionError, match=r"boxes|missing glyph|drew nothing"):
        assert_cjk_renders(cells)


def test_long_tables_are_capped(snapshot, monkeypatch):
    from ducha_core.documents import dashboard

    red = [r for r in snapshot.rows if r.light == "red"]
    assert len(red) > 2
    monkeypatch.setattr(dashboard, "TABLE_LIMIT", 2)
    page = render_dashboard(snapshot)
    assert f"逾期未办结事项（红灯，{len(red)}件）" in page
    assert f"仅列逾期最久的2件，另有{len(red) - 2}件" in page
    shown = [r.id for r in red if f"<tr><td>{r.id}</td>" in page.split("逾期未办结事项")[1].split("</table>")[0]]
    assert len(shown) == 2
