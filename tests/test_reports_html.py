"""The HTML report: self-contained, escaped, and its charts really render in headless Chromium.

Chromium tests skip with a reason when the browser is absent (`make test` installs Debian's
`chromium`). They lay the page out, measure every chart and bar through the DOM, check the
page never scrolls sideways at 1400 and 360 px and no chart label leaves its chart, and decode
the screenshots to check the charts put colour on the page. With
CLOUDWRIGHT_UPDATE_SCREENSHOTS=1 the two screenshots are saved as docs/img/report-1400.png
and docs/img/report-360.png (the ones docs/cost.md shows).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.pricing.usage import Usage
from cloudwright.reports.html import Budget, render_html
from cloudwright.resource_graph.load import load_graph

FLEET = Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"
CHARTS = ("by-cloud", "by-region", "by-workload", "share-by-region", "cost-vs-carbon", "costliest")
DOCS_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
# examples/fleet.yaml: `budget: {monthly_usd: 250000}` (the fleet this graph was planned from)
FLEET_BUDGET = Budget(250_000, "examples/fleet.yaml budget.monthly_usd")


@pytest.fixture(scope="module")
def report(fixture_catalog: Catalog) -> CostReport:
    usage = Usage(resources={"llm-pretrain-data": {"storage_gb": 50000}})
    return estimate(load_graph(FLEET), fixture_catalog, usage=usage)


def test_self_contained(report: CostReport) -> None:
    html = render_html(report)
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert "url(" not in html and "@import" not in html
    for chart in CHARTS:
        assert f'data-chart="{chart}"' in html
    assert 'id="snapshot-date">2026-05-20<' in html
    assert "Estimate, not a bill" in html and "estimate</span>" in html


def test_bars_match_the_data(report: CostReport) -> None:
    html = render_html(report)
    svg = html.split('data-chart="by-cloud"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="bar"') == len(report.breakdown("cloud")) == 3
    scatter = html.split('data-chart="cost-vs-carbon"', 1)[1].split("</svg>", 1)[0]
    with_both = [
        r for r in report.counted() if (r.monthly_usd or 0) > 0 and (r.carbon_kg_month or 0) > 0
    ]
    assert scatter.count('class="point"') == len(with_both)


def test_names_are_escaped(fixture_catalog: Catalog) -> None:
    graph = load_graph(FLEET)
    graph.resources[-1].name = '<script>alert("x")</script>'
    graph.resources[5].name = "<b>bold</b>"
    html = render_html(estimate(graph, fixture_catalog))
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not installed (make test installs Debian's `chromium`)")


def _run_chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


MEASURE = """
<script>
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll('.bar')].map(b => b.getBoundingClientRect().width);
    const points = svg.querySelectorAll('.point').length;
    return {chart: svg.dataset.chart, width: box.width, height: box.height, bars, points};
  });
  const out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify(charts);
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.chromium
def test_charts_lay_out_in_chromium(report: CostReport, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    # The report has no script; the test adds one that measures the laid-out charts.
    page.write_text(render_html(report).replace("</body>", MEASURE + "</body>"), "utf-8")
    done = _run_chromium(
        ["--virtual-time-budget=5000", "--window-size=1400,2000", "--dump-dom", page.as_uri()],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert match, "measurement script did not run"
    measured = {c["chart"]: c for c in json.loads(match.group(1).replace("&quot;", '"'))}
    assert set(measured) == set(CHARTS)
    for chart in measured.values():
        assert chart["width"] > 300 and chart["height"] > 40, chart
    assert len(measured["by-cloud"]["bars"]) == 3 and min(measured["by-cloud"]["bars"]) > 5
    assert measured["cost-vs-carbon"]["points"] >= 5
    # The biggest bar of the costliest chart is the widest.
    costliest = measured["costliest"]["bars"]
    assert costliest[0] == max(costliest)


def _png_pixels(data: bytes) -> tuple[int, int, int, bytes]:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) to raw rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        out += line
        previous = line
    return width, height, channels, bytes(out)


@pytest.mark.chromium
def test_screenshot_shows_the_charts(report: CostReport, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(report), "utf-8")
    shot = tmp_path / "report.png"
    done = _run_chromium(
        [f"--screenshot={shot}", "--window-size=1200,1400", "--hide-scrollbars", page.as_uri()],
        tmp_path,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    width, height, channels, pixels = _png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1400)
    # Count saturated pixels (chart bars and points; text and borders are grey).
    saturated = 0
    colours: set[tuple[int, int, int]] = set()
    for i in range(0, len(pixels), channels * 7):
        red, green, blue = pixels[i], pixels[i + 1], pixels[i + 2]
        if max(red, green, blue) - min(red, green, blue) > 80:
            saturated += 1
            colours.add((red >> 4, green >> 4, blue >> 4))
    share = saturated / (width * height / 7)
    assert share > 0.01, f"only {share:.2%} of the page is chart colour"
    assert len(colours) >= 4  # the cloud colours and the palette, not one flat fill


def test_headline_names_what_it_leaves_out(fixture_catalog: Catalog) -> None:
    report = estimate(load_graph(FLEET), fixture_catalog)  # no usage: storage lines wait
    pending = [c for r in report.counted() for c in r.components if c.status == "usage"]
    assert pending, "the fleet has usage-based lines"
    html = render_html(report)
    headline = html.split('id="total-monthly">', 1)[1].split("</div>", 1)[0]
    n = len(pending)
    assert f"+ {n} line{'' if n == 1 else 's'} pending usage" in headline
    assert html.count("<li>", html.index('id="pending"')) >= n
    assert 'id="budget"' not in html and 'data-chart="budget"' not in html


def test_budget_is_stated_and_drawn(report: CostReport) -> None:
    html = render_html(report, budget=FLEET_BUDGET)
    kpi = html.split('id="budget"', 1)[1].split("</div></div>", 1)[0]
    assert "$250,000" in kpi and "examples/fleet.yaml" in kpi
    over = report.totals.monthly_usd > FLEET_BUDGET.monthly_usd
    assert ("over by" in kpi) == over and ('class="kpi budget over"' in html) == over
    chart = html.split('data-chart="budget"', 1)[1].split("</svg>", 1)[0]
    assert 'class="budget"' in chart and "budget $250,000" in chart
    line = re.search(r'class="budget" x1="([\d.]+)"', chart)
    bars = [
        float(w) for w in re.findall(r'class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', chart)
    ]
    assert line and bars
    # The line sits at budget / max(total, budget) of the bar span (620 px from x=10).
    expected = 10 + 610 * FLEET_BUDGET.monthly_usd / max(report.totals.monthly_usd, 250_000)
    assert abs(float(line.group(1)) - expected) < 0.05
    with pytest.raises(ValueError):
        Budget(float("nan"), "x")


LAYOUT = """
<script>
window.addEventListener('load', () => {
  const doc = document.documentElement;
  const cut = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) {
        cut.push(svg.dataset.chart + ': ' + text.textContent);
      }
    }
  }
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.scroll') && e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + ' ' + (e.id || e.textContent.slice(0, 40)))
    .slice(0, 5);
  const table = document.querySelector('.scroll');
  parent.postMessage(JSON.stringify({
    viewport: window.innerWidth, scrollWidth: doc.scrollWidth, cut, wide,
    tableScrolls: table.scrollWidth > table.clientWidth, tableBox: table.clientWidth,
    charts: [...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width),
  }), '*');
});
</script>
"""
# Headless Chromium will not make a window narrower than 500 px, so the report is laid out
# in an iframe of the width under test: its viewport (and media queries) is the frame's.
FRAME = """<!doctype html><html><body style="margin:0">
<iframe src="{src}" style="border:0;display:block;width:{width}px;height:{height}px"></iframe>
<script>
window.addEventListener('message', e => {{
  const out = document.createElement('pre'); out.id = 'layout'; out.textContent = e.data;
  document.body.appendChild(out);
}});
</script></body></html>"""


def _layout(html: str, width: int, tmp_path: Path) -> dict[str, object]:
    page = tmp_path / f"layout-{width}.html"
    page.write_text(html.replace("</body>", LAYOUT + "</body>"), "utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(src=page.name, width=width, height=1600), "utf-8")
    window = max(width, 500)
    done = _run_chromium(
        [
            "--virtual-time-budget=5000",
            f"--window-size={window},1700",
            "--dump-dom",
            frame.as_uri(),
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="layout">(.*?)</pre>', done.stdout, re.S)
    assert match, "layout script did not run"
    measured: dict[str, object] = json.loads(match.group(1).replace("&quot;", '"'))
    return measured


@pytest.mark.chromium
@pytest.mark.parametrize("width", [1400, 360])
def test_no_sideways_scroll(report: CostReport, width: int, tmp_path: Path) -> None:
    measured = _layout(render_html(report, budget=FLEET_BUDGET), width, tmp_path)
    assert measured["viewport"] == width
    assert measured["scrollWidth"] <= width, measured  # the page never scrolls sideways
    assert measured["cut"] == [], measured["cut"]  # every chart label inside its chart
    assert measured["wide"] == [], measured["wide"]
    charts = measured["charts"]
    assert isinstance(charts, list) and len(charts) == len(CHARTS) + 1
    assert all(0 < w <= width for w in charts)
    if width == 360:
        assert measured["tableScrolls"] is True  # the wide table scrolls in its own box
        assert all(w > 250 for w in charts)  # one column, using the screen


def _png(width: int, height: int, channels: int, pixels: bytes) -> bytes:
    """Encode raw 8-bit RGB/RGBA rows as a PNG (filter 0 on every row)."""
    stride = width * channels
    raw = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _screenshot(html: str, width: int, height: int, tmp_path: Path) -> bytes:
    """A `width` x `height` screenshot of the report laid out `width` px wide (narrower
    than Chromium's 500 px window through a frame, then cropped)."""
    page = tmp_path / f"shot-{width}.html"
    page.write_text(html, "utf-8")
    frame = tmp_path / f"shot-frame-{width}.html"
    frame.write_text(FRAME.format(src=page.name, width=width, height=height), "utf-8")
    shot = tmp_path / f"report-{width}.png"
    window = max(width, 500)
    done = _run_chromium(
        [
            f"--screenshot={shot}",
            f"--window-size={window},{height}",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            frame.as_uri(),
        ],
        tmp_path,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    if window == width:
        return data
    full_width, full_height, channels, pixels = _png_pixels(data)
    stride = full_width * channels
    rows = b"".join(pixels[y * stride : y * stride + width * channels] for y in range(full_height))
    return _png(width, full_height, channels, rows)


@pytest.mark.chromium
def test_screenshots_at_both_widths(report: CostReport, tmp_path: Path) -> None:
    html = render_html(report, budget=FLEET_BUDGET)
    for width, height in ((1400, 1800), (360, 1400)):
        data = _screenshot(html, width, height, tmp_path)
        shot_width, shot_height, channels, pixels = _png_pixels(data)
        assert (shot_width, shot_height) == (width, height)
        coloured = sum(
            1
            for i in range(0, len(pixels), channels * 11)
            if max(pixels[i : i + 3]) - min(pixels[i : i + 3]) > 80
        )
        assert coloured / (width * height / 11) > 0.01, f"{width} px: no chart colour"
        if os.environ.get("CLOUDWRIGHT_UPDATE_SCREENSHOTS") == "1":
            DOCS_IMG.mkdir(parents=True, exist_ok=True)
            (DOCS_IMG / f"report-{width}.png").write_bytes(data)
