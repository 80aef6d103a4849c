"""Bidirectional controls (tracker.bidi): dropped where text enters, neutralised where stored
text leaves (pages, PDFs, the API, CSV), while published snapshots keep their hashed bytes."""

from __future__ import annotations

import json

import pytest
from flask import render_template_string
from markupsafe import Markup

from tests.support.files import pdf_text
from tests.support.filing import post_item
from tests.support.http import client_as, download, post, sign_in
from tests.support.review import publish_as_is
from tracker.bidi import BIDI_CONTROLS, without_bidi_controls
from tracker.db import db, utcnow
from tracker.filing.models import ItemResponse
from tracker.ledger.models import Publication
from tracker.ledger.services import verify_ledger
from tracker.review.models import Comment

RLO = "\u202e"  # right-to-left override: "‮fdp.exe" displays as "exe.pdf"
SPOOF = f"Annual report {RLO}fdp.exe"
ITEM = "c1.safety-team"


def test_every_embedding_override_and_isolate_control_is_dropped():
    assert without_bidi_controls("a" + BIDI_CONTROLS + "b") == "ab"
    assert {f"{c:x}" for c in map(ord, BIDI_CONTROLS)} == {
        "202a", "202b", "202c", "202d", "202e", "2066", "2067", "2068", "2069"
    }  # fmt: skip


def test_the_marks_stay_as_mixed_direction_text_needs_them():
    marks = "\u200e\u200f\u061c"  # LRM, RLM, ALM: they embed and override nothing
    assert without_bidi_controls(f"سعر{marks} 100") == f"سعر{marks} 100"


def test_templates_print_no_control_and_markup_stays_markup(app):
    with app.test_request_context():
        assert render_template_string("{{ t }}", t=f"<{RLO}x>") == "&lt;x&gt;"
        bold = Markup("<b>") + RLO + Markup("x</b>")  # markup from a filter, say
        assert render_template_string("{{ m }}", m=bold) == "<b>x</b>"
        assert render_template_string("{{ n }}", n=7) == "7"


def test_json_answers_lose_the_controls_but_not_an_escaped_backslash(app):
    with app.app_context():
        text = app.json.dumps({"a": f"x{RLO}y", "b": "\\u202e", "c": "\\" + RLO})
    assert json.loads(text) == {"a": "xy", "b": "\\u202e", "c": "\\"}


def test_form_fields_query_arguments_and_json_bodies_lose_them(app):
    with app.test_request_context(
        f"/?q=a{RLO}b", method="POST", data={"narrative": f"c{RLO}d\x00e"}
    ) as ctx:
        assert ctx.request.args["q"] == "ab" and ctx.request.form["narrative"] == "cde"
    with app.test_request_context(
        "/", method="POST", json={f"k{RLO}": [f"v{RLO}", {"n": 1}]}
    ) as ctx:
        assert ctx.request.get_json() == {"k": ["v", {"n": 1}]}


def test_a_narrative_and_a_link_title_are_saved_without_them(app, accounts, filing_world):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    fields = {
        "status": "met",
        "narrative": f"Our team {RLO}maet",
        "links-0-url": "https://example.com/report",
        "links-0-title": SPOOF,
    }
    assert post_item(officer, ITEM, fields).status_code == 302
    with app.app_context():
        saved = db.session.get(ItemResponse, filing_world["response_a"])
        assert saved.narrative == "Our team maet"
        assert saved.evidence_links == [
            {"url": "https://example.com/report", "title": "Annual report fdp.exe"}
        ]


def test_a_comment_is_saved_without_them(app, accounts, filing_world):
    staff = app.test_client()
    sign_in(staff, accounts.email("staff"))
    url = "/review/test-cycle/company-a/comments"
    assert post(staff, url, body=f"Please check {RLO}fdp.exe").status_code == 303
    with app.app_context():
        assert [c.body for c in db.session.query(Comment)] == ["Please check fdp.exe"]


@pytest.fixture
def stored_with_controls(app, accounts, filing_world):
    """Text stored before the controls were dropped at entry, then published: a narrative, a
    link title and a comment hold U+202E in the database and in the hashed snapshot."""
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = f"Our narrative {RLO}fdp.exe"
        response.evidence_links = [{"url": "https://example.com/r", "title": SPOOF}]
        db.session.add(
            Comment(
                disclosure_id=filing_world["disclosure_a"],
                item_id=ITEM,
                author_id=accounts.ids["staff"],
                body=f"A comment {RLO}fdp.exe",
                created_at=utcnow(),
            )
        )
        db.session.commit()
    publish_as_is(app, filing_world["disclosure_a"])
    return accounts.ids | filing_world


def test_stored_text_shows_without_them_on_every_page(app, stored_with_controls):
    public = client_as(app, stored_with_controls, "anonymous").get("/companies/company-a")
    html = public.get_data(as_text=True)
    assert "Our narrative fdp.exe" in html and "Annual report fdp.exe" in html
    staff = client_as(app, stored_with_controls, "staff")
    review = staff.get("/review/test-cycle/company-a").get_data(as_text=True)
    assert "A comment fdp.exe" in review
    officer = client_as(app, stored_with_controls, "officer_a")
    filing = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    for page in (html, review, filing):
        assert RLO not in page and "&#8238;" not in page and "&#x202e;" not in page.lower()


def test_stored_text_shows_without_them_in_the_pdf(app, stored_with_controls):
    app.config["RENDER_REPORTS_ON_PUBLISH"] = True
    client = client_as(app, stored_with_controls, "anonymous")
    pdf = download(client, "/companies/company-a/report.pdf?lang=en")
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.get_data())).replace("\n", " ")
    assert RLO not in text
    # Displayed in the order it is stored: with the override it would read "exe.pdf".
    assert "fdp.exe" in text and "exe.pdf" not in text


def test_stored_text_is_published_without_them_in_the_api_and_the_csv(app, stored_with_controls):
    client = client_as(app, stored_with_controls, "anonymous")
    api = client.get("/api/v1/disclosures/company-a/test-cycle/1")
    raw = api.get_data(as_text=True)
    assert RLO not in raw and "\\u202e" not in raw.lower()
    item = next(i for i in api.get_json()["items"] if i["id"] == ITEM)
    assert item["narrative"] == "Our narrative fdp.exe"
    assert item["evidence_links"][0]["title"] == "Annual report fdp.exe"
    csv = download(client, "/cycles/test-cycle/disclosures.csv").get_data(as_text=True)
    assert "Our narrative fdp.exe" in csv and RLO not in csv


def test_the_published_snapshot_keeps_its_bytes_and_the_ledger_verifies(app, stored_with_controls):
    with app.app_context():
        publication = db.session.query(Publication).one()
        entry = next(i for i in publication.snapshot["items"] if i["id"] == ITEM)
        assert entry["narrative"] == f"Our narrative {RLO}fdp.exe"  # as hashed, never rewritten
        checked, finding = verify_ledger(db.session)
        assert checked == 1 and finding is None
