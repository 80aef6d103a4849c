"""Reports refuse to render Chinese without a font for it, rather than print empty boxes: asked
of a real fontconfig that knows no CJK font (in a subprocess), and answered as a clear error by
downloads, publication and the aggregate's job."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.http import download
from tests.support.review import publish_first_version
from tracker.db import db
from tracker.reports import fonts
from tracker.reports.jobs import jobs
from tracker.reports.models import StoredCycleReport, StoredReport

ROOT = Path(__file__).resolve().parents[2]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# Run in a fresh interpreter, whose fontconfig reads FONTCONFIG_FILE when it first loads.
PROBE = """
import json, sys
from pathlib import Path
from tracker.reports import fonts, pdf
said = {"zh": fonts.fonts_for("zh"), "en": fonts.fonts_for("en")}
try:
    pdf.render_pdf("<html lang='zh'><p>人工智能安全承诺</p></html>", Path("tracker/static"))
    said["chinese"] = "rendered"
except fonts.MissingFont as refused:
    said["chinese"] = str(refused)
if sys.argv[1] == "latin":
    said["english"] = pdf.render_pdf("<p>AI safety commitments</p>", Path("tracker/static")).pages
print(json.dumps(said))
"""


def probe(tmp_path: Path, font_dir: Path | None, mode: str) -> dict:
    """What the probe finds with a fontconfig whose only font folder is ``font_dir`` (an empty
    folder when None)."""
    if font_dir is None:
        font_dir = tmp_path / "no-fonts"
        font_dir.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{font_dir}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    env = os.environ | {"FONTCONFIG_FILE": str(config), "PYTHONPATH": str(ROOT)}
    env.pop("FONTCONFIG_PATH", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_fontconfig_with_an_empty_font_folder_refuses_chinese(tmp_path):
    said = probe(tmp_path, None, "empty")
    assert said["zh"] == 0 and said["en"] == 0
    assert "no font for Chinese is installed" in said["chinese"]
    assert "apt-get install fonts-noto-cjk" in said["chinese"]


def test_latin_fonts_only_render_english_and_refuse_chinese(tmp_path):
    assert DEJAVU.is_dir(), "fonts-dejavu-core is missing: ./dev test installs it"
    said = probe(tmp_path, DEJAVU, "latin")
    assert said["zh"] == 0 and said["en"] > 0
    assert said["english"] == 1
    assert "fonts-noto-cjk" in said["chinese"]


def test_this_machine_has_a_chinese_font_and_renders_chinese():
    # The other side of the refusal: where fonts-noto-cjk is installed, fontconfig finds it.
    assert fonts.fonts_for("zh")
    fonts.require_fonts_for("<p>人工智能</p>")


@pytest.fixture
def no_cjk_font(monkeypatch):
    """This process's fontconfig, as far as reports ask, knows no font for Chinese."""
    monkeypatch.setattr(fonts, "fonts_for", lambda language: 0)
    monkeypatch.setattr(fonts, "_known_present", fonts.threading.Event())


def test_text_without_chinese_needs_no_chinese_font(no_cjk_font):
    fonts.require_fonts_for("<p>Only Latin text, and digits 2025.</p>")
    with pytest.raises(fonts.MissingFont):
        fonts.require_fonts_for("<p>Company 蓝山</p>")


def test_a_download_answers_a_clear_error_page_and_stores_nothing(
    app, client, accounts, filing_world, no_cjk_font
):
    publish_first_version(app, accounts, filing_world)
    response = download(client, "/companies/company-a/report.pdf?lang=zh")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "no font for Chinese" in page and "fonts-noto-cjk" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert download(client, "/companies/company-a/report.pdf?lang=en").status_code == 503
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 0


def test_the_error_page_is_in_chinese_for_chinese_readers(
    app, client, accounts, filing_world, no_cjk_font
):
    publish_first_version(app, accounts, filing_world)
    response = client.get(
        "/companies/company-a/report.pdf?lang=zh", headers={"Accept-Language": "zh-CN"}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "没有可显示中文的字体" in page and "fonts-noto-cjk" in page


def test_the_publication_s_report_job_logs_the_missing_font(
    app, accounts, filing_world, no_cjk_font, caplog
):
    from tracker.ledger.models import Publication
    from tracker.reports.jobs import jobs

    publish_first_version(app, accounts, filing_world)  # publishing stands
    app.config["REPORT_JOBS"] = "thread"
    with app.app_context():
        publication_id = db.session.scalar(sa.select(Publication.id))
        with caplog.at_level(logging.ERROR):
            future = jobs(app).build_publication(publication_id)
            assert future is not None
            future.result(timeout=120)
    assert any(
        "Could not build the reports of publication" in r.getMessage()
        and "fonts-noto-cjk" in (r.exc_text or "")
        for r in caplog.records
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 0


def test_the_aggregate_job_logs_the_missing_font(app, accounts, filing_world, no_cjk_font, caplog):
    from tracker.reports.jobs import jobs

    publish_first_version(app, accounts, filing_world)
    app.config["REPORT_JOBS"] = "thread"
    with app.app_context():
        from tracker.cycles.models import Cycle

        cycle_id = db.session.scalar(sa.select(Cycle.id).filter_by(slug=filing_world["cycle"]))
        with caplog.at_level(logging.ERROR):
            future = jobs(app).build_cycle(cycle_id)
            assert future is not None
            future.result(timeout=120)
    assert any(
        "Could not build the reports of cycle" in r.getMessage()
        and "fonts-noto-cjk" in (r.exc_text or "")
        for r in caplog.records
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredCycleReport)) == 0


@pytest.mark.parametrize(
    "address", ["/companies/company-a/report.pdf", "/cycles/{cycle}/report.pdf"]
)
def test_a_report_for_the_background_job_is_refused_at_once_without_a_font(
    app, client, accounts, filing_world, no_cjk_font, address
):
    # The job's refusal would only be logged, and the download say "being prepared" for ever:
    # the missing font is said before anything is queued.
    publish_first_version(app, accounts, filing_world)
    app.config["REPORT_JOBS"] = "thread"
    response = download(client, address.format(cycle=filing_world["cycle"]) + "?lang=en")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "no font for Chinese" in page and "being prepared" not in page
    assert jobs(app)._executor is None  # nothing was queued
