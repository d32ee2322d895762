"""Standalone SVG charts: the cost/carbon frontier of `cloudwright plan --pareto`, and
grouped bars (the benchmarks). No plotting dependency. (The HTML cost report's inline
charts are reports.svg.)

Why SVG written here rather than matplotlib: the chart is a handful of points and lines;
an SVG opens in any browser, diffs as text, embeds in Markdown/HTML reports, and keeps a
~40 MB plotting stack out of the install. Output is deterministic for the same points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from cloudwright.optimizer.pareto import ParetoPoint
from cloudwright.reports import format as fmt

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 105, 30, 50, 60
LABEL_CHAR_PX = 5.5  # approximate width of one 10-px sans-serif character
LABEL_HEIGHT_PX = 34  # a point's label is two lines: carbon price above, marginal $/t below
TICKS = 5


def frontier_svg(points: Sequence[ParetoPoint], title: str = "Cost / carbon frontier") -> str:
    if not points:
        raise ValueError("no points to draw")
    xs = [p.carbon_kg_month / 1000.0 for p in points]  # tCO2e/month
    ys = [p.monthly_usd for p in points]
    x0, x1 = _span(xs)
    y0, y1 = _span(ys)

    def sx(v: float) -> float:
        return LEFT + (v - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)

    def sy(v: float) -> float:
        return HEIGHT - BOTTOM - (v - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
        _axes(x0, x1, y0, y1, sx, sy),
    ]
    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys, strict=True))
    parts.append(f'<polyline points="{path}" fill="none" stroke="#2b7a78" stroke-width="2"/>')
    labelled: list[tuple[float, float, float, float]] = []
    for p, x, y in zip(points, xs, ys, strict=True):
        label = (
            "carbon-optimal"
            if p.carbon_price_usd_per_tonne is None
            else f"{_dollars(p.carbon_price_usd_per_tonne)}/t"
        )
        px, py = sx(x), sy(y)
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#17252a"><title>{escape(label)}: '
            f"{_dollars(p.monthly_usd)}/month, {fmt.number(x, 2)} tCO2e/month; {_abatement(p)}"
            "</title></circle>"
        )
        box = _label_box(px, py, label, p.abatement_usd_per_tonne)
        if not any(_overlap(box, other) for other in labelled):
            labelled.append(box)
            parts.append(
                f'<text x="{px + 6:.1f}" y="{py - 6:.1f}" font-size="10">{escape(label)}</text>'
            )
            if p.abatement_usd_per_tonne is not None:
                parts.append(
                    f'<text x="{px + 6:.1f}" y="{py + 14:.1f}" font-size="9" fill="#555">'
                    f"marginal {_dollars(p.abatement_usd_per_tonne)}/t</text>"
                )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10" fill="#555">marginal $/t: extra $ '
        "per tonne avoided vs the previous point (the line's slope)</text>"
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="10" '
        'fill="#555">energy and carbon are estimates</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _label_box(
    px: float, py: float, label: str, abatement: float | None
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a point's label, as drawn to the right of the point."""
    second = f"marginal {_dollars(abatement)}/t" if abatement is not None else ""
    width = LABEL_CHAR_PX * max(len(label), len(second))
    return (px + 6, py - LABEL_HEIGHT_PX / 2, px + 6 + width, py + LABEL_HEIGHT_PX / 2)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _abatement(p: ParetoPoint) -> str:
    """The tooltip's $/t: marginal (vs the previous point) and average (vs the cheapest)."""
    if p.abatement_usd_per_tonne is None:
        return "the cheapest plan"
    average = (
        "" if p.average_usd_per_tonne is None else f"; average {_dollars(p.average_usd_per_tonne)}"
    )
    return (
        f"marginal {_dollars(p.abatement_usd_per_tonne)} per tonne avoided vs the previous point"
        f"{average} per tonne vs the cheapest"
    )


def _dollars(value: float) -> str:
    return fmt.usd(value, whole=True)


def bars_svg(
    groups: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str,
    unit: str,
    note: str = "",
) -> str:
    """Grouped bars: one group per label, one bar per series (values ≥ 0)."""
    colours = ("#2b7a78", "#def2f1", "#3aafa9", "#17252a")
    top = max((v for values in series.values() for v in values), default=1.0) * 1.4 or 1.0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = inner_w / max(len(groups), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="black"/>',
        f'<text x="18" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(TOP + HEIGHT - BOTTOM) / 2})">{escape(unit)}</text>',
    ]
    for g, label in enumerate(groups):
        x0 = LEFT + g * group_w + group_w * 0.15
        parts.append(
            f'<text x="{LEFT + (g + 0.5) * group_w:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        for k, (name, values) in enumerate(series.items()):
            value = values[g]
            h = value / top * inner_h
            x = x0 + k * bar_w
            y = HEIGHT - BOTTOM - h
            colour = colours[k % len(colours)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{colour}" stroke="#17252a"><title>{escape(name)}: {fmt.sig(value)}</title></rect>'
            )
            parts.append(
                f'<text x="{x + bar_w * 0.45:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-size="10">{fmt.sig(value)}</text>'
            )
    for k, name in enumerate(series):
        y = TOP + 4 + 16 * k
        parts.append(
            f'<rect x="{LEFT + 10}" y="{y}" width="12" height="12" '
            f'fill="{colours[k % len(colours)]}" stroke="#17252a"/>'
        )
        parts.append(f'<text x="{LEFT + 28}" y="{y + 10}">{escape(name)}</text>')
    if note:
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="10" '
            f'fill="#555">{escape(note)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _span(values: Sequence[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.05, 1.0)
    floor = 0.0 if lo >= 0 else lo - pad  # costs and emissions are never negative
    return max(lo - pad, floor), hi + pad


Scale = Callable[[float], float]


def _axes(x0: float, x1: float, y0: float, y1: float, fx: Scale, fy: Scale) -> str:
    bottom, left = HEIGHT - BOTTOM, LEFT
    out = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="black"/>',
        f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{bottom}" stroke="black"/>',
    ]
    for k in range(TICKS + 1):
        xv = x0 + (x1 - x0) * k / TICKS
        yv = y0 + (y1 - y0) * k / TICKS
        out.append(
            f'<text x="{fx(xv):.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{fmt.number(xv, 1)}</text>"
        )
        out.append(
            f'<text x="{left - 6}" y="{fy(yv) + 4:.1f}" text-anchor="end">{_dollars(yv)}</text>'
        )
    out.append(
        f'<text x="{(left + WIDTH - RIGHT) / 2}" y="{HEIGHT - 22}" text-anchor="middle">'
        "tCO2e per month (estimate)</text>"
    )
    out.append(
        f'<text x="16" y="{(TOP + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(TOP + bottom) / 2})">US$ per month</text>'
    )
    return "\n".join(out)
