"""SVG charts, drawn as plain markup so that the page and the PDF show the very same picture.

No Flask, no JavaScript: a chart is a string of SVG with its numbers written out as text too,
titled for screen readers, every label escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

# A single-hue scale (light to dark blue): readable for colour-blind readers and in greyscale.
BANDS = ("#d6e4f3", "#a8c8e6", "#6fa3d3", "#3b7cbd", "#1c5896")


@dataclass(frozen=True)
class Bar:
    label: str  # short, e.g. "C1"
    title: str  # long, e.g. the commitment's name
    percent: int | None  # None: nothing counted (every item not applicable)


def band_colour(percent: int) -> str:
    return BANDS[min(percent // 20, len(BANDS) - 1)]


def score_bars(
    bars: list[Bar], *, chart_id: str, title: str, na_label: str, width: int = 640
) -> str:
    """Horizontal bars, 0-100, one per row, with the value printed after each bar."""
    row, top, label_width, value_width = 30, 8, 260, 44
    plot = width - label_width - value_width
    height = top * 2 + row * len(bars) + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for step in (0, 25, 50, 75, 100):  # gridlines and their scale
        x = label_width + plot * step / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 18}" '
            f'stroke="#d5dae1" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 4}" font-size="10" fill="#4a5563" '
            f'text-anchor="middle">{step}</text>'
        )
    for n, bar in enumerate(bars):
        y = top + n * row
        label = escape(f"{bar.label} {bar.title}")
        short = label if len(label) <= 38 else escape(f"{bar.label} {bar.title}"[:36]) + "…"
        parts.append(
            f"<g><title>{label}: {bar.percent if bar.percent is not None else na_label}</title>"
        )
        parts.append(f'<text x="0" y="{y + 19}" font-size="12" fill="#1d2733">{short}</text>')
        if bar.percent is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 19}" font-size="12" '
                f'fill="#4a5563">{escape(na_label)}</text>'
            )
        else:
            length = plot * bar.percent / 100
            parts.append(
                f'<rect x="{label_width}" y="{y + 6}" width="{length:.1f}" height="18" '
                f'rx="2" fill="{band_colour(bar.percent)}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 6:.1f}" y="{y + 19}" font-size="12" '
                f'font-weight="bold" fill="#1d2733">{bar.percent}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
