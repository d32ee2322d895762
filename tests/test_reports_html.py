"""The HTML report: self-contained, escaped, and its charts really render in headless Chromium.

Chromium tests skip with a reason when the browser is absent (`make test` installs Debian's
`chromium`). They lay the page out, measure every chart and bar through the DOM, and decode
the screenshot to check the charts put colour on the page.
"""

from __future__ import annotations

import json
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
from cloudwright.reports.html import render_html
from cloudwright.resource_graph.load import load_graph

FLEET = Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"
CHARTS = ("by-cloud", "by-region", "by-workload", "share-by-region", "cost-vs-carbon", "costliest")


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
