"""Inline SVG charts for the HTML report: horizontal bars, paired share bars and a cost vs
carbon scatter. Pure functions from numbers to SVG text; nothing is fetched, no script runs,
so the report renders the same offline, in a mail client or in a CI artefact viewer.

Every chart is `<svg class="chart" data-chart="...">` with `role="img"` and a `<title>`;
marks carry `class="bar"`/`class="point"` and a `<title>` tooltip, which the tests count.
Charts have a viewBox and no fixed size: the page's CSS scales them to their container
(down to a 360 px phone), so every label must fit inside the viewBox — a value label that
would run past the right edge is drawn inside the end of its bar instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from cloudwright.reports import format as fmt

WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 210
VALUE_WIDTH = 90
PALETTE = ("#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#dc2626", "#ca8a04")
CLOUD_COLOURS = {"aws": "#ff9900", "gcp": "#4285f4", "azure": "#0078d4"}
CARBON_COLOUR = "#15803d"
COST_COLOUR = "#1d4ed8"
BUDGET_COLOUR = "#b91c1c"
CHAR_PX = 7.0  # generous width of one 12-px sans-serif character, for fitting labels


def text_px(text: str, size: float = 12.0) -> float:
    return len(text) * CHAR_PX * size / 12.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str | None = None
    detail: str = ""  # tooltip text


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(chart: str, title: str, height: float) -> str:
    return (
        f'<svg class="chart" data-chart="{escape(chart)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )


def empty_chart(chart: str, message: str) -> str:
    return (
        _open(chart, message, 40)
        + f'<text x="0" y="24" class="muted" font-size="13">{escape(message)}</text></svg>'
    )


def bar_chart(chart: str, title: str, bars: Sequence[Bar], fmt: Callable[[float], str]) -> str:
    """Horizontal bars, longest first as given; values must be ≥ 0."""
    if not bars or max(b.value for b in bars) <= 0:
        return empty_chart(chart, f"{title}: nothing priced")
    top = max(b.value for b in bars)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [_open(chart, title, height)]
    for number, bar in enumerate(bars):
        y = BAR_GAP + number * (BAR_HEIGHT + BAR_GAP)
        length = max(span * bar.value / top, 1.0 if bar.value > 0 else 0.0)
        colour = bar.colour or PALETTE[number % len(PALETTE)]
        tip = escape(f"{bar.label}: {fmt(bar.value)}" + (f" — {bar.detail}" if bar.detail else ""))
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
            f'font-size="12">{escape(_shorten(bar.label))}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.2f}" '
            f'height="{BAR_HEIGHT}" rx="3" fill="{colour}"><title>{tip}</title></rect>'
            + _value_label(fmt(bar.value), LABEL_WIDTH + length, y + BAR_HEIGHT * 0.7)
        )
    parts.append("</svg>")
    return "".join(parts)


def _value_label(text: str, bar_end: float, y: float, size: float = 12.0) -> str:
    """The value after its bar, or inside the bar's end when it would leave the viewBox."""
    if bar_end + 6 + text_px(text, size) <= WIDTH:
        return (
            f'<text class="value" x="{bar_end + 6:.2f}" y="{y:.1f}" font-size="{size:g}">'
            f"{escape(text)}</text>"
        )
    return (
        f'<text class="value inside" x="{bar_end - 6:.2f}" y="{y:.1f}" text-anchor="end" '
        f'font-size="{size:g}" fill="#fff" style="fill:#fff">{escape(text)}</text>'
    )


def budget_chart(
    chart: str, title: str, parts: Sequence[Bar], budget: float, money: Callable[[float], str]
) -> str:
    """The month's total as one bar stacked by `parts` (clouds), against the budget drawn as
    a dashed reference line; the axis spans whichever is larger."""
    total = sum(max(p.value, 0.0) for p in parts)
    top = max(total, budget)
    if top <= 0:
        return empty_chart(chart, f"{title}: nothing priced and no budget")
    left, right, bar_y, bar_h = 10.0, 20.0, 34.0, 28.0
    span = WIDTH - left - right
    out = [_open(chart, title, 110)]
    x = left
    for number, part in enumerate(p for p in parts if p.value > 0):
        length = span * part.value / top
        colour = part.colour or PALETTE[number % len(PALETTE)]
        tip = escape(f"{part.label}: {money(part.value)}")
        out.append(
            f'<rect class="bar" x="{x:.2f}" y="{bar_y}" width="{max(length, 1.0):.2f}" '
            f'height="{bar_h}" fill="{colour}"><title>{tip}</title></rect>'
        )
        x += length
    line_x = left + span * budget / top
    over = total > budget
    caption = f"budget {money(budget)}"
    anchor = "end" if line_x + 4 + text_px(caption, 11) > WIDTH else "start"
    shift = -4 if anchor == "end" else 4
    out.append(
        f'<line class="budget" x1="{line_x:.2f}" y1="14" x2="{line_x:.2f}" y2="{bar_y + bar_h + 8}" '
        f'stroke="{BUDGET_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>'
        f'<text x="{line_x + shift:.2f}" y="24" text-anchor="{anchor}" font-size="11" '
        f'fill="{BUDGET_COLOUR}" style="fill:{BUDGET_COLOUR}">{escape(caption)}</text>'
    )
    share = total / budget if budget > 0 else math.inf
    verdict = (
        f"total {money(total)}: {money(total - budget)} over budget"
        if over
        else f"total {money(total)}: {money(budget - total)} left"
    )
    if math.isfinite(share):
        verdict += f" ({fmt.percent(share)} of budget)"
    out.append(f'<text x="{left}" y="{bar_y + bar_h + 26}" font-size="12">{escape(verdict)}</text>')
    out.append("</svg>")
    return "".join(out)


def share_chart(chart: str, title: str, rows: Sequence[tuple[str, float, float]]) -> str:
    """Per row, two bars: its share of total cost and of total carbon (each 0–100 %)."""
    total_cost = sum(r[1] for r in rows)
    total_carbon = sum(r[2] for r in rows)
    if not rows or total_cost <= 0:
        return empty_chart(chart, f"{title}: nothing priced")
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    row_height = 2 * BAR_HEIGHT * 0.6 + BAR_GAP * 2
    height = len(rows) * row_height + 28
    parts = [_open(chart, title, height), _legend(LABEL_WIDTH, 14)]
    for number, (label, cost, carbon) in enumerate(rows):
        y = 28 + number * row_height
        for offset, (share, colour, what) in enumerate(
            (
                (cost / total_cost, COST_COLOUR, "of cost"),
                (carbon / total_carbon if total_carbon > 0 else 0.0, CARBON_COLOUR, "of carbon"),
            )
        ):
            bar_y = y + offset * BAR_HEIGHT * 0.6
            length = max(span * share, 1.0 if share > 0 else 0.0)
            parts.append(
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{length:.2f}" '
                f'height="{BAR_HEIGHT * 0.55:.1f}" rx="2" fill="{colour}">'
                f"<title>{escape(f'{label}: {fmt.percent(share)} {what}')}</title></rect>"
                f'<text x="{LABEL_WIDTH + length + 6:.2f}" y="{bar_y + BAR_HEIGHT * 0.45:.1f}" '
                f'font-size="11">{fmt.percent(share)}</text>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.75:.1f}" text-anchor="end" '
            f'font-size="12">{escape(_shorten(label))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: float, y: float) -> str:
    return (
        f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COST_COLOUR}"/>'
        f'<text x="{x + 14}" y="{y}" font-size="11">share of cost</text>'
        f'<rect x="{x + 110}" y="{y - 9}" width="10" height="10" fill="{CARBON_COLOUR}"/>'
        f'<text x="{x + 124}" y="{y}" font-size="11">share of carbon</text>'
    )


@dataclass(frozen=True)
class Point:
    label: str
    x: float  # monthly USD
    y: float  # kgCO2e per month
    colour: str


def _axis(values: Sequence[float]) -> tuple[bool, float, float]:
    """(log scale?, low, high) for positive values; log when they span 100× or more."""
    low, high = min(values), max(values)
    if low > 0 and high / low >= 100:
        return True, 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))
    return False, 0.0, high * 1.1 if high > 0 else 1.0


def _scale(value: float, log: bool, low: float, high: float) -> float:
    if log:
        return (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
    return (value - low) / (high - low) if high > low else 0.0


def _ticks(log: bool, low: float, high: float) -> list[float]:
    if log:
        return [10.0**e for e in range(round(math.log10(low)), round(math.log10(high)) + 1)]
    return [low + (high - low) * k / 4 for k in range(5)]


def scatter_chart(
    chart: str,
    title: str,
    points: Sequence[Point],
    x_fmt: Callable[[float], str],
    y_fmt: Callable[[float], str],
) -> str:
    """Cost (x) against carbon (y), one point per resource; log axes for wide ranges."""
    shown = [p for p in points if p.x > 0 and p.y > 0]
    if not shown:
        return empty_chart(chart, f"{title}: no resource has both a cost and a carbon figure")
    height, left, bottom, top_pad, right = 360.0, 70.0, 40.0, 12.0, 48.0
    plot_w, plot_h = WIDTH - left - right, height - bottom - top_pad
    x_log, x_low, x_high = _axis([p.x for p in shown])
    y_log, y_low, y_high = _axis([p.y for p in shown])
    parts = [_open(chart, title, height)]
    for tick in _ticks(x_log, x_low, x_high):
        x = left + plot_w * _scale(tick, x_log, x_low, x_high) if tick > 0 or not x_log else left
        parts.append(
            f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{top_pad + plot_h}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10">'
            f"{escape(x_fmt(tick))}</text>"
        )
    for tick in _ticks(y_log, y_low, y_high):
        y = top_pad + plot_h * (1 - _scale(tick, y_log, y_low, y_high))
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 3:.1f}" text-anchor="end" font-size="10">'
            f"{escape(y_fmt(tick))}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" font-size="11">'
        f"monthly cost{' (log)' if x_log else ''}</text>"
        f'<text x="14" y="{top_pad + plot_h / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {top_pad + plot_h / 2})">kgCO2e per month'
        f"{' (log)' if y_log else ''}</text>"
    )
    for p in shown:
        cx = left + plot_w * _scale(p.x, x_log, x_low, x_high)
        cy = top_pad + plot_h * (1 - _scale(p.y, y_log, y_low, y_high))
        tip = escape(f"{p.label}: {x_fmt(p.x)}/month, {y_fmt(p.y)} kgCO2e/month")
        parts.append(
            f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{p.colour}" '
            f'fill-opacity="0.75" stroke="#1f2937" stroke-width="0.5"><title>{tip}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)
