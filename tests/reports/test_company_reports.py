"""Company reports as PDFs, read back: contents, metadata, bookmarks, fonts and glyphs, draft
marking, storage and cache headers, and the safety of what ends up inside."""

import io
import subprocess
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa
from PIL import Image, ImageChops

from tests.support.files import pdf_text
from tests.support.http import download, sign_in
from tests.support.review import REVIEW, publish_as_is, publish_first_version
from tracker.db import db
from tracker.domain.ledger import EntryKind
from tracker.filing.models import ItemResponse
from tracker.ledger.log import latest_checkpoint
from tracker.ledger.models import LedgerEntry
from tracker.ledger.services import verify_ledger
from tracker.reports.models import StoredReport
from tracker.reports.pdf import render_pdf

REPORT = "/companies/company-a/report.pdf"
STATIC = Path(__file__).resolve().parents[2] / "tracker" / "static"


def run(*args: str, data: bytes) -> str:
    """A poppler tool's output for ``data`` (written to a temporary file)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run([*args, f.name], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def published(app, accounts, filing_world):
    """Company A's disclosure published over HTTP (its reports render at the first download;
    rendering at publication is tested on its own)."""
    publish_first_version(app, accounts, filing_world)
    return filing_world


def test_publishing_renders_and_stores_both_languages(app, accounts, filing_world):
    app.config["RENDER_REPORTS_ON_PUBLISH"] = True
    app.config["REPORT_JOBS"] = "inline"  # as the background job does, here and now
    publish_first_version(app, accounts, filing_world)
    with app.app_context():
        stored = db.session.scalars(sa.select(StoredReport).order_by(StoredReport.language)).all()
        assert [s.language for s in stored] == ["en", "zh"]
        for report in stored:
            path = Path(app.config["REPORT_DIR"]) / report.sha256[:2] / f"{report.sha256}.pdf"
            assert path.stat().st_size == report.size
            assert report.pages >= 8
        # Each stored PDF is recorded in the ledger (and the log signs the new tree).
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        assert [(e.kind, e.renders, e.language, e.document_sha256) for e in entries] == [
            (EntryKind.PUBLICATION, None, None, None),
            (EntryKind.REPORT, 1, "en", stored[0].sha256),
            (EntryKind.REPORT, 1, "zh", stored[1].sha256),
        ]
        assert {e.publication_id for e in entries[1:]} == {None}
        assert latest_checkpoint(db.session).size == 3
        assert verify_ledger(db.session) == (3, None)


def test_the_report_holds_every_item_the_scores_and_the_ledger_record(app, client, published):
    response = download(client, f"{REPORT}?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    with app.app_context():
        from tracker.ledger.models import Publication

        publication = db.session.scalar(sa.select(Publication))
        sha, entry = publication.snapshot_sha256, publication.entry.entry_hash
        checklist = publication.disclosure.checklist_version.checklist
    assert "Company A" in pages[0] and "Test cycle" in pages[0]
    assert sha in text.replace("\n", "") and entry in text.replace("\n", "")
    assert "How to verify this report" in pages[0]
    assert "Contents" in pages[1] and "Methodology" in pages[1]
    for item in checklist.items:
        assert item.title.en[:40] in text.replace("\n", " "), item.id
    assert "We have a team." in text and "Scorecard" in text and "Overall score" in text
    assert "SECRET-NOTE-OF-A" not in text  # confidential notes never reach a report
    assert 8 <= len(reader.pages) <= 40
    assert reader.metadata.title == "Company A — Test cycle"
    assert reader.metadata.author == "AI Safety Commitments Tracker"
    assert reader.trailer["/Root"].get("/Lang") == "en"
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Scorecard" in outline and "Methodology" in outline
    assert any(title.startswith("C1 ") for title in outline)
    assert f"{len(pages)} / {len(pages)}" in pages[-1]  # page numbers, n / total


def test_the_chinese_report_embeds_a_cjk_font_and_draws_its_glyphs(client, published):
    pdf = download(client, f"{REPORT}?lang=zh").get_data()
    fonts = run("pdffonts", data=pdf)
    # Chinese in a regular and a bold face (headings, statuses): WeasyPrint synthesises no bold,
    # so bold Chinese needs a font that has one (WenQuanYi Micro Hei does not).
    assert "+Noto-Sans-CJK-SC " in fonts and "+Noto-Sans-CJK-SC-Bold " in fonts, fonts
    assert all(line.split()[-4] == "yes" for line in fonts.splitlines()[2:])  # all embedded
    text = "\n".join(pdf_text(pdf))
    assert "甲公司" in text and "测试周期" in text and "方法说明" in text
    assert pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/Lang") == "zh-CN"


def _raster(html_body: str, tmp_path: Path) -> Image.Image:
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="css/report.css"></head>'
        f'<body><h1 class="cover-title">{html_body}</h1></body></html>'
    )
    source = tmp_path / "glyphs.pdf"
    source.write_bytes(render_pdf(html, STATIC).data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as image:
        return image.convert("L")


def test_chinese_characters_render_as_distinct_glyphs_not_boxes(tmp_path):
    # Missing glyphs would all be the same empty box: two different strings of the same length
    # would then rasterise identically. Real glyphs differ.
    first, second, same = (_raster(text, tmp_path) for text in ("安全承诺", "人工智能", "安全承诺"))
    assert ImageChops.difference(first, same).getbbox() is None  # rendering is stable
    assert ImageChops.difference(first, second).getbbox() is not None
    assert first.getextrema()[0] < 100  # and something dark was drawn


def test_downloads_carry_length_etag_and_cache_headers(app, client, published):
    latest = download(client, f"{REPORT}?lang=en")
    with app.app_context():
        stored = db.session.scalar(sa.select(StoredReport).filter_by(language="en"))
    assert latest.headers["Content-Length"] == str(stored.size)
    assert latest.headers["ETag"] == f'"{stored.sha256}"'
    assert latest.headers["Cache-Control"] == "public, max-age=300"
    assert latest.headers["Content-Disposition"].startswith(
        'inline; filename="company-a-test-cycle-v1-en.pdf"'
    )
    named = download(client, f"{REPORT}?lang=en&cycle=test-cycle&version=1")
    assert named.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert named.get_data() == latest.get_data()
    again = download(client, f"{REPORT}?lang=en", headers={"If-None-Match": f'"{stored.sha256}"'})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():  # rendered once at the first download, then served from the store
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 1


def test_a_stored_report_is_looked_up_once_per_public_generation(
    app, client, published, count_queries
):
    """Once stored, a download reads only the generation (re-read on every request in tests);
    a company taken off the public roster is not served from the next request on."""
    download(client, f"{REPORT}?lang=en")  # rendered and stored
    download(client, f"{REPORT}?lang=en")
    with count_queries() as counter:
        again = download(client, f"{REPORT}?lang=en")
    assert again.status_code == 200
    assert len(counter.statements) == 1 and "public_generation" in counter.statements[0]
    with app.app_context():
        from tracker.companies.models import Company

        db.session.scalar(
            sa.select(Company).filter_by(slug="company-a")
        ).signatory_confirmed = False
        db.session.commit()
    assert download(client, f"{REPORT}?lang=en").status_code == 404


@pytest.mark.parametrize(
    "query", ["lang=fr", "lang=en&version=2", "lang=en&cycle=nope", "lang=en&version=x2"]
)
def test_unknown_reports_are_404(client, published, query):
    assert download(client, f"{REPORT}?{query}").status_code == 404


def test_a_company_with_nothing_published_has_no_report(client, accounts, filing_world):
    assert download(client, f"{REPORT}?lang=en").status_code == 404
    assert client.get("/companies/no-such/report.pdf").status_code == 404


def test_a_publication_without_stored_reports_is_rendered_once_at_first_download(
    app, client, accounts, filing_world
):
    publish_as_is(app, filing_world["disclosure_a"])  # as before reports were stored
    first = download(client, f"{REPORT}?lang=zh")
    assert first.status_code == 200
    second = download(client, f"{REPORT}?lang=zh")
    assert second.get_data() == first.get_data()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredReport)) == 1
        report = db.session.get(LedgerEntry, 2)  # recorded once, at the first download
        assert (report.kind, report.language) == (EntryKind.REPORT, "zh")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 2


def test_draft_reports_are_marked_on_every_page_and_private(app, accounts, filing_world):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    response = officer.get("/filing/test-cycle/report.pdf?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    pages = pdf_text(response.get_data())
    assert all("DRAFT: not published, not reviewed" in page for page in pages)
    assert "We have a team." in "\n".join(pages)
    assert "SECRET-NOTE-OF-A" not in "\n".join(pages)
    staff = app.test_client()
    sign_in(staff, accounts.email("staff"))
    staff_copy = staff.get(f"{REVIEW}/report.pdf?lang=zh")
    assert staff_copy.status_code == 200
    assert all("草稿" in page for page in pdf_text(staff_copy.get_data()))
    assert officer.get(f"{REVIEW}/report.pdf").status_code == 403
    other = app.test_client()
    sign_in(other, accounts.email("officer_b"))
    assert other.get("/filing/test-cycle/report.pdf").status_code == 404  # B has none yet


HOSTILE = """Plain words.

![local image](file:///etc/hostname) ![relative](../../pyproject.toml)
![remote](https://example.com/tracker-test.png)

<a rel="attachment" href="file:///etc/passwd">attach</a>
<img src="file:///etc/hostname"> <object data="file:///etc/passwd"></object>
<link rel="stylesheet" href="file:///etc/passwd">
[relative link](/etc/hostname) [attachment](file:///etc/passwd)
"""


def test_hostile_narratives_leave_nothing_in_the_pdf(app, client, accounts, filing_world):
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = HOSTILE
        db.session.commit()
    publish_as_is(app, filing_world["disclosure_a"])
    pdf = download(client, f"{REPORT}?lang=en").get_data()
    assert "0 embedded files" in run("pdfdetach", "-list", data=pdf)
    assert len(run("pdfimages", "-list", data=pdf).splitlines()) == 2  # the header lines only
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    text = "\n".join(pdf_text(pdf))
    assert "Plain words." in text
    assert "root:x:0:0" not in text and Path("/etc/hostname").read_text().strip() not in text
    uris = [
        a.get_object()["/A"].get("/URI")
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert not any(
        uri and not str(uri).startswith(("http://", "https://", "mailto:")) for uri in uris
    )


def test_the_fetcher_alone_keeps_files_out_even_of_unsanitised_html():
    html = (
        '<html><body><p>x</p><a rel="attachment" href="file:///etc/passwd">a</a>'
        '<img src="file:///etc/hostname"><img src="../../pyproject.toml">'
        '<link rel="attachment" href="file:///etc/passwd"></body></html>'
    )
    pdf = render_pdf(html, STATIC).data
    assert "0 embedded files" in run("pdfdetach", "-list", data=pdf)
    assert len(run("pdfimages", "-list", data=pdf).splitlines()) == 2


def _page_images(pdf: bytes, tmp_path: Path, name: str) -> list[Image.Image]:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(source), str(tmp_path / name)], check=True)
    images = []
    for path in sorted(tmp_path.glob(f"{name}-*.png")):
        with Image.open(path) as image:
            images.append(image.convert("RGB"))
    return images


def test_published_reports_are_pdf_a_3a_and_render_as_the_plain_pdf(
    app, client, published, tmp_path
):
    """Checked without veraPDF (it is not in this machine's registries): the PDF/A
    identification in the XMP metadata, an output intent, a tagged structure tree with a
    language, every font embedded; and every page looks exactly like the same report rendered
    as a plain PDF."""
    import re

    from flask import render_template
    from flask_babel import force_locale

    from tracker.ledger.models import Publication
    from tracker.ledger.queries import report_as_published

    archival = download(client, f"{REPORT}?lang=zh").get_data()
    root = pypdf.PdfReader(io.BytesIO(archival)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(>|=")3', xmp) and re.search(r'pdfaid:conformance(>|=")A', xmp)
    assert "/OutputIntents" in root and "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "zh-CN"
    assert "Tagged:          yes" in run("pdfinfo", data=archival)
    assert all(
        line.split()[-4] == "yes" for line in run("pdffonts", data=archival).splitlines()[2:]
    )
    with app.app_context(), force_locale("zh_CN"):
        html = render_template(
            "reports/company.html",
            report=report_as_published(db.session, db.session.scalar(sa.select(Publication))),
        )
        plain = render_pdf(html, STATIC).data  # the same HTML, no PDF/A
    archived_pages = _page_images(archival, tmp_path, "archival")
    plain_pages = _page_images(plain, tmp_path, "plain")
    assert len(archived_pages) == len(plain_pages) >= 8
    for page, (a, b) in enumerate(zip(archived_pages, plain_pages, strict=True), 1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {page} differs"


def test_pdfs_stored_before_the_log_are_recorded_once(app, runner, accounts, filing_world):
    """A PDF stored before migration 0017 has no report entry: ``tracker reports record``
    appends one per stored PDF (in storing order), and a second run appends nothing."""
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        publication_id = db.session.scalar(sa.select(LedgerEntry.publication_id))
        for language, sha in (("zh", "1" * 64), ("en", "2" * 64)):  # rows as they were stored
            db.session.add(
                StoredReport(
                    publication_id=publication_id, language=language, sha256=sha, size=1, pages=1
                )
            )
        db.session.commit()
    result = runner.invoke(args=["reports", "record"])
    assert result.exit_code == 0, result.output
    assert "2 stored reports recorded in the ledger" in result.output
    again = runner.invoke(args=["reports", "record"])
    assert "0 stored reports recorded in the ledger" in again.output
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        assert [(e.kind, e.renders, e.language, e.document_sha256) for e in entries[1:]] == [
            (EntryKind.REPORT, 1, "zh", "1" * 64),
            (EntryKind.REPORT, 1, "en", "2" * 64),
        ]
        assert latest_checkpoint(db.session).size == 3
        assert verify_ledger(db.session) == (3, None)
