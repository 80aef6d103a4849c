"""The SVG score chart and the PDF renderer's URL fetcher, on their own."""

import re
from pathlib import Path

import pytest

from tracker.domain.charts import BANDS, Bar, band_colour, score_bars
from tracker.reports.pdf import RefusedResource, StaticOnlyFetcher

STATIC = Path(__file__).resolve().parents[2] / "tracker" / "static"


def test_bars_are_proportional_labelled_and_titled():
    svg = score_bars(
        [Bar("C1", "Teams", 100), Bar("C2", "Testing", 50), Bar("C3", "Data", 0)],
        chart_id="c",
        title="Scores",
        na_label="n/a",
        width=640,
    )
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert widths[0] == pytest.approx(640 - 260 - 44)  # the whole plot
    assert '<title id="c-title">Scores</title>' in svg and 'aria-labelledby="c-title"' in svg
    assert ">100</text>" in svg and ">50</text>" in svg and "C2 Testing" in svg


def test_not_applicable_is_written_not_drawn_as_zero():
    svg = score_bars([Bar("C1", "Teams", None)], chart_id="c", title="t", na_label="n/a")
    assert "<rect" not in svg and ">n/a</text>" in svg


def test_labels_are_escaped():
    svg = score_bars(
        [Bar("C1", "<script>alert(1)</script> & co", 40)],
        chart_id="c",
        title="<b>t</b>",
        na_label="n/a",
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg


def test_long_titles_are_shortened_on_the_chart_but_whole_in_the_tooltip():
    title = "A very long commitment title that would run into the bars"
    svg = score_bars([Bar("C1", title, 40)], chart_id="c", title="t", na_label="n/a")
    assert f"<title>C1 {title}: 40</title>" in svg
    assert "…</text>" in svg


@pytest.mark.parametrize(
    ("percent", "band"), [(0, 0), (19, 0), (20, 1), (59, 2), (80, 4), (100, 4)]
)
def test_colour_bands(percent, band):
    assert band_colour(percent) == BANDS[band]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///etc/passwd",
        (STATIC / ".." / ".." / "pyproject.toml").as_uri(),
        STATIC.as_uri() + "/../../pyproject.toml",
        "file://evil.example/share/x.png",
        "http://127.0.0.1:5000/static/css/tracker.css",
        "https://example.com/x.png",
        "ftp://example.com/x",
        STATIC.as_uri() + "/css/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_everything_outside_the_static_folder(url):
    with pytest.raises((RefusedResource, ValueError)):
        StaticOnlyFetcher(STATIC).fetch(url)


def test_the_fetcher_serves_data_urls_and_static_files():
    fetcher = StaticOnlyFetcher(STATIC)
    css = fetcher.fetch((STATIC / "css" / "report.css").as_uri())
    assert css.content_type == "text/css" and b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
