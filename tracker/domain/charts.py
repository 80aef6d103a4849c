"""SVG charts, drawn as plain markup so that the page and the PDF show the very same picture.

No Flask, no JavaScript: a chart is a string of SVG with its numbers written out as text too,
titled for screen readers, every label escaped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# A single-hue scale (light to dark blue): readable for colour-blind readers and in greyscale.
BANDS = ("#d6e4f3", "#a8c8e6", "#6fa3d3", "#3b7cbd", "#1c5896")


@dataclass(frozen=True)
class Bar:
    label: str  # short, e.g. "C1"
    title: str  # long, e.g. the commitment's name
    percent: int | None  # None: nothing counted (every item not applicable)


def band_colour(percent: int) -> str:
    return BANDS[min(percent // 20, len(BANDS) - 1)]


def _font(font_family: str | None) -> str:
    """The root's font-family attribute (PDFs name their faces; pages inherit the page's)."""
    return f" font-family={quoteattr(font_family)}" if font_family else ""


def score_bars(
    bars: list[Bar],
    *,
    chart_id: str,
    title: str,
    na_label: str,
    width: int = 640,
    font_family: str | None = None,
) -> str:
    """Horizontal bars, 0-100, one per row, with the value printed after each bar; every label
    cut to fit its column."""
    row, top, label_width, value_width = 30, 8, 260, 44
    plot = width - label_width - value_width
    height = top * 2 + row * len(bars) + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title"'
        f"{_font(font_family)}>",
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
        # cut by drawn width, not by characters: a Chinese title is twice as wide per character
        short = escape(_shortened(f"{bar.label} {bar.title}", label_width - 8, 12))
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


@dataclass(frozen=True)
class Dot:
    """One result on a dot chart: a row with its label, its marker and its value."""

    label: str  # the company
    detail: str  # the model, and who ran it when not the company
    position: float | None  # 0 (left) to 1 (right); None: not on the axis
    value: str  # the value as printed after the row
    marker: str  # "circle", "diamond" or "square" (benchmark_results.Marker)
    low: float | None = None  # the uncertainty's ends, as positions
    high: float | None = None


def _marker(shape: str, x: float, y: float) -> str:
    """A marker told apart by its shape (filled circle, open diamond, half-filled square)."""
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 7:.1f}L{x + 7:.1f} {y:.1f}L{x:.1f} {y + 7:.1f}'
            f'L{x - 7:.1f} {y:.1f}Z" fill="#ffffff" stroke="#1c5896" stroke-width="2.5"/>'
        )
    if shape == "square":
        return (
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#a8c8e6" '
            f'stroke="#1d2733" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#1c5896"/>'


def dot_chart(
    dots: list[Dot],
    ticks: list[tuple[float, str]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    axis_label: str,
    width: int = 640,
) -> str:
    """Results of one comparable group on one axis: a row per result, its marker at its value
    (with the uncertainty as a line), the value printed after; the axis's ticks below and its
    label (the metric, its unit and direction) under them."""
    row, top, label_width, value_width = 34, 10, 230, 90
    plot = width - label_width - value_width
    axis_y = top + row * len(dots) + 4
    height = axis_y + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart dot-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for position, label in ticks:
        x = label_width + plot * position
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="#d5dae1" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 14}" font-size="10" fill="#4a5563" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot}" y2="{axis_y}" '
        f'stroke="#4a5563" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{label_width + plot / 2:.1f}" y="{axis_y + 32}" font-size="11" '
        f'fill="#1d2733" text-anchor="middle">{escape(axis_label)}</text>'
    )
    for n, dot in enumerate(dots):
        y = top + n * row + row / 2
        label = dot.label if len(dot.label) <= 30 else dot.label[:29] + "…"
        detail = dot.detail if len(dot.detail) <= 38 else dot.detail[:37] + "…"
        parts.append(f"<g><title>{escape(f'{dot.label}, {dot.detail}: {dot.value}')}</title>")
        parts.append(
            f'<text x="0" y="{y - 2:.1f}" font-size="12" fill="#1d2733">{escape(label)}</text>'
            f'<text x="0" y="{y + 11:.1f}" font-size="10" fill="#4a5563">{escape(detail)}</text>'
        )
        if dot.position is not None:
            x = label_width + plot * dot.position
            if dot.low is not None and dot.high is not None:
                parts.append(
                    f'<line x1="{label_width + plot * dot.low:.1f}" y1="{y:.1f}" '
                    f'x2="{label_width + plot * dot.high:.1f}" y2="{y:.1f}" '
                    f'stroke="#4a5563" stroke-width="1.5"/>'
                )
            parts.append(_marker(dot.marker, x, y))
        parts.append(
            f'<text x="{width - value_width + 8}" y="{y + 4:.1f}" font-size="12" '
            f'font-weight="bold" fill="#1d2733">{escape(dot.value)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def marker_key(shape: str, label: str) -> str:
    """A small SVG of one marker, for the legend beside a chart (the word is in ``label``)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="marker-key" viewBox="0 0 18 18" '
        f'width="18" height="18" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}">'
        f"{_marker(shape, 9, 9)}</svg>"
    )


@dataclass(frozen=True)
class TrendLine:
    """One row of a trend chart: a commitment's (or the overall) score in each cycle."""

    label: str  # short, e.g. "C1"
    title: str  # long: the commitment's name
    values: list[int | None]  # per cycle, oldest first (None: no score that cycle)
    strong: bool = False  # the overall row, drawn first and in bold


# The markers of the cycles drawn, oldest to latest: told apart by shape, not colour alone.
TREND_MARKERS = ("square", "diamond", "circle")


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at font ``size``: Chinese characters are square, Latin ones
    about half as wide."""
    return sum(size if "\u2e80" <= ch <= "\uffef" else size * 0.56 for ch in text)


def _shortened(text: str, width: float, size: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width``."""
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _arrow_text(values: list[int | None], na_label: str) -> str:
    return " → ".join(str(v) if v is not None else na_label for v in values)


def trend_chart(
    lines: list[TrendLine],
    cycle_labels: list[str],
    *,
    chart_id: str,
    title: str,
    desc: str,
    na_label: str,
    width: int = 460,
    font_family: str | None = None,
) -> str:
    """Scores across cycles, one row per commitment on a 0-100 axis: a marker per cycle (the
    latest a filled circle, the one before an open diamond, the one before that a half-filled
    square: at most the last three cycles), joined in time order, the values printed after
    ("56 → 78"). Labels and values are text, every one escaped; ``desc`` says it all in words."""
    cycles = cycle_labels[-len(TREND_MARKERS) :]
    markers = TREND_MARKERS[-len(cycles) :]
    # The legend, above the rows: one marker and cycle name after another, wrapping.
    legend: list[str] = []
    legend_x, legend_y = 0.0, 11
    for shape, label in zip(markers, cycles, strict=True):
        short = _shortened(label, width - 30, 13)
        needed = 30 + _text_width(short, 13)
        if legend_x and legend_x + needed > width:
            legend_x, legend_y = 0.0, legend_y + 22
        legend.append(_marker(shape, legend_x + 7, legend_y))
        legend.append(
            f'<text x="{legend_x + 18:.1f}" y="{legend_y + 5}" font-size="13" fill="#1d2733">'
            f"{escape(short)}</text>"
        )
        legend_x += needed
    row, top, label_width = 32, legend_y + 19, 140
    value_width = 100 if len(cycles) < 3 else 140
    plot = width - label_width - value_width
    axis_y = top + row * len(lines) + 2
    height = axis_y + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart trend-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"{_font(font_family)}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *legend,
    ]
    for step in (0, 25, 50, 75, 100):
        x = label_width + plot * step / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="#d5dae1" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 14}" font-size="12" fill="#4a5563" '
            f'text-anchor="middle">{step}</text>'
        )
    for n, line in enumerate(lines):
        y = top + n * row + row / 2
        values = line.values[-len(cycles) :]
        name = f"{line.label} {line.title}".strip()
        short = _shortened(name, label_width - 6, 13)
        weight = ' font-weight="bold"' if line.strong else ""
        parts.append(f"<g><title>{escape(name)}: {escape(_arrow_text(values, na_label))}</title>")
        parts.append(
            f'<text x="0" y="{y + 4:.1f}" font-size="13" fill="#1d2733"{weight}>'
            f"{escape(short)}</text>"
        )
        drawn = [
            (label_width + plot * v / 100, shape)
            for v, shape in zip(values, markers, strict=True)
            if v is not None
        ]
        for (x1, _), (x2, _) in itertools.pairwise(drawn):
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
                f'stroke="#4a5563" stroke-width="2"/>'
            )
        for x, shape in drawn:
            parts.append(_marker(shape, x, y))
        parts.append(
            f'<text x="{width - value_width + 14}" y="{y + 4:.1f}" font-size="13" '
            f'fill="#1d2733"{weight}>{escape(_arrow_text(values, na_label))}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
