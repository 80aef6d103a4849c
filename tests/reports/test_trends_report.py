"""A demo company's PDF report (2025, after its 2024 cycle): the scores across cycles as a
chart and a table, and what changed since the last cycle (scores, statuses, narratives on the
rendered text), in English and Chinese, every font embedded; its pages rasterised to look at."""

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.files import pdf_text
from tests.support.http import download

REPORT = "/companies/lanshan-intelligence/report.pdf?cycle=2025-annual&lang="
ARTIFACTS = Path("test-artifacts")


def poppler(*args: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run([*args, f.name], check=True, capture_output=True, text=True).stdout


def rasterise(pdf: bytes, page: int, name: str) -> Path:
    """Page ``page`` (1-based) as a PNG in test-artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                f.name,
                str(ARTIFACTS / name),
            ],
            check=True,
        )
    return ARTIFACTS / f"{name}.png"


def page_of(pages: list[str], text: str) -> int:
    """The first page after the contents that has ``text``."""
    return next(n for n, page in enumerate(pages, 1) if n > 2 and text in page)


@pytest.mark.parametrize(
    ("lang", "trends", "changes", "statuses"),
    [
        ("en", "Scores across cycles", "What changed since 2024 annual disclosure", "Statuses"),
        ("zh", "各周期得分", "以来的变化", "状态"),
    ],
)
def test_the_company_report_shows_the_trend_and_the_changes(
    client, demo, lang, trends, changes, statuses
):
    pdf = download(client, REPORT + lang).get_data()
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    assert trends in text and changes in text
    trend_page = page_of(pages, trends)
    changes_page = page_of(pages, changes)
    # The trends come with the scores; the changes after the disclosure (its last item).
    assert (
        trend_page
        < page_of(pages, "披露 C6" if lang == "zh" else "annual disclosure C6")
        <= changes_page
    )
    assert page_of(pages, "C6") < trend_page + 1
    assert "72 → 75" in pages[trend_page - 1]  # the overall score, 2024 → 2025
    # the status changes (from → to) follow the score changes, on that page or the next
    assert "→" in "\n".join(pages[changes_page - 1 : changes_page + 1]) and statuses in text
    assert "**" not in "\n".join(pages[changes_page - 1 :])  # narratives rendered, not Markdown
    fonts = poppler("pdffonts", data=pdf)
    assert all(line.split()[-4] == "yes" for line in fonts.splitlines()[2:])  # all embedded
    if lang == "zh":
        assert "+Noto-Sans-CJK-SC " in fonts and "+Noto-Sans-CJK-SC-Bold " in fonts
    rasterise(pdf, trend_page, f"report-trends-{lang}")
    rasterise(pdf, changes_page, f"report-changes-{lang}")
