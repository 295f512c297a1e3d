"""Charts drawn on the server as SVG markup (no JavaScript library, no CDN).

`bar_chart` compares agencies (bars coloured by target met / missed, a dashed target line);
`line_chart` follows one figure over periods. Texts are escaped; sizes are in SVG units and
the element scales to its container (viewBox), so the CSS sets the width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cqs.core.text import format_number

MET, MISSED, NEUTRAL, TARGET = "#2e7d32", "#c62828", "#1f5f99", "#6d4c41"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    met: bool | None = None
    text: str = ""


def _nice_max(values: Sequence[Decimal], target: Decimal | None, percent: bool) -> Decimal:
    top = max([v for v in values] + ([target] if target is not None else []) + [Decimal(1)])
    if percent:
        return max(Decimal(100), top)
    magnitude = Decimal(10) ** (len(str(int(top))) - 1)
    return ((top / magnitude).to_integral_value(rounding="ROUND_CEILING")) * magnitude


def bar_chart(
    bars: Sequence[Bar], *, title: str, target: Decimal | None = None, percent: bool = False
) -> SafeString:
    """Horizontal bars, one per agency, longest first as given."""
    row, left, width, gap = 22, 190, 420, 6
    height = 30 + len(bars) * (row + gap) + 10
    values = [b.value for b in bars if b.value is not None]
    top = _nice_max(values, target, percent)
    parts = [
        f'<svg class="chart" viewBox="0 0 {left + width + 90} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 24 + index * (row + gap)
        label = bar.label if len(bar.label) <= 30 else bar.label[:29] + "…"
        baseline = f"{y + row * 0.7:.1f}"
        parts.append(
            f'<text x="{left - 6}" y="{baseline}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{left + 4}" y="{baseline}" font-size="12" fill="#666">chưa có số liệu</text>'
            )
            continue
        length = float(bar.value / top) * width if top else 0
        colour = NEUTRAL if bar.met is None else (MET if bar.met else MISSED)
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(length, 1):.1f}" height="{row}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + length + 4:.1f}" y="{baseline}" font-size="12">{escape(bar.text)}</text>'
        )
    if target is not None:
        x = left + float(target / top) * width
        parts.append(
            f'<line x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height - 6}" stroke="{TARGET}" '
            'stroke-width="2" stroke-dasharray="5 4"/>'
        )
        decimals = 0 if target == target.to_integral_value() else 2
        label = f"Chỉ tiêu {format_number(target, decimals)}{' %' if percent else ''}"
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="middle" font-size="11" fill="{TARGET}">')
        parts.append(f"{escape(label)}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    points: Sequence[tuple[str, Decimal | None]],
    *,
    title: str,
    target: Decimal | None = None,
    percent: bool = False,
) -> SafeString:
    """One figure over periods: points joined by a line, the values written above them."""
    width, height, left, bottom, top_pad = 640, 220, 50, 30, 20
    inner_w, inner_h = width - left - 20, height - bottom - top_pad
    values = [v for _, v in points if v is not None]
    top = _nice_max(values, target, percent)
    step = inner_w / max(len(points) - 1, 1)
    axis = top_pad + inner_h
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{axis}" x2="{left + inner_w}" y2="{axis}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="11">'
        f"{format_number(top)}</text>",
        f'<text x="{left - 6}" y="{top_pad + inner_h}" text-anchor="end" font-size="11">0</text>',
    ]
    coords: list[tuple[float, float]] = []
    for index, (label, value) in enumerate(points):
        x = left + index * step if len(points) > 1 else left + inner_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
        if value is None:
            continue
        y = top_pad + inner_h - float(value / top) * inner_h
        coords.append((x, y))
        shown = format_number(value, 0 if value == value.to_integral_value() else 2) + (
            " %" if percent else ""
        )
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{NEUTRAL}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">{escape(shown)}</text>'
        )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{NEUTRAL}" stroke-width="2"/>')
    if target is not None:
        y = top_pad + inner_h - float(target / top) * inner_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + inner_w}" y2="{y:.1f}" stroke="{TARGET}" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
