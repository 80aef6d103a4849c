"""A "not applicable" reason exists only for an item whose status is not applicable: cleared at
save, left out of new snapshots, and never published from older snapshots (API and CSV), so
that the open data says what the pages say."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.filing import post_item
from tests.support.http import client_as, download, sign_in
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.domain.statuses import Status
from tracker.filing.models import ItemResponse
from tracker.ledger import services as ledger_services
from tracker.ledger.models import Publication
from tracker.ledger.services import verify_ledger

MET = "c1.lifecycle-risk-process"  # answered "met", with a reason left from "not applicable"
NOT_APPLICABLE = "c1.release-gate"  # answered "not applicable", with its reason
LEFT_OVER = "LEFT-OVER-REASON"
REASON = "We release no models."


def stored_reason(app, disclosure_id: int, item_id: str) -> str | None:
    with app.app_context():
        response = (
            db.session.query(ItemResponse)
            .filter_by(disclosure_id=disclosure_id, item_id=item_id)
            .one()
        )
        return response.not_applicable_reason


def test_saving_a_status_other_than_not_applicable_clears_the_reason(app, accounts, filing_world):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    fields = {"status": "not_applicable", "not_applicable_reason": REASON}
    assert post_item(officer, MET, fields).status_code == 302
    assert stored_reason(app, filing_world["disclosure_a"], MET) == REASON
    fields = {"status": "met", "not_applicable_reason": REASON, "narrative": "Now we do."}
    assert post_item(officer, MET, fields).status_code == 302
    assert stored_reason(app, filing_world["disclosure_a"], MET) is None


def answer(app, disclosure_id: int, item_id: str, status: Status, reason: str) -> None:
    """An answer as stored before reasons were cleared at save."""
    with app.app_context():
        db.session.add(
            ItemResponse(
                disclosure_id=disclosure_id,
                item_id=item_id,
                status=status,
                not_applicable_reason=reason,
                evidence_links=[],
                structured={},
            )
        )
        db.session.commit()


def published_reasons(app, world) -> tuple[dict, dict]:
    """item -> reason, as the API and as the CSV publish them."""
    client = client_as(app, world, "anonymous")
    api = client.get("/api/v1/disclosures/company-a/test-cycle/1").get_json()
    from_api = {i["id"]: i["not_applicable_reason"] for i in api["items"]}
    text = download(client, "/cycles/test-cycle/disclosures.csv").get_data(as_text=True)
    table = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    from_csv = {r["item"]: r["not_applicable_reason"] for r in table}
    return from_api, from_csv


@pytest.fixture
def world(app, accounts, filing_world) -> dict:
    answer(app, filing_world["disclosure_a"], MET, Status.MET, LEFT_OVER)
    answer(app, filing_world["disclosure_a"], NOT_APPLICABLE, Status.NOT_APPLICABLE, REASON)
    return accounts.ids | filing_world


def test_a_new_snapshot_holds_no_reason_for_an_item_that_applies(app, world):
    publish_as_is(app, world["disclosure_a"])
    with app.app_context():
        items = {i["id"]: i for i in db.session.query(Publication).one().snapshot["items"]}
    assert items[MET]["not_applicable_reason"] == ""
    assert items[NOT_APPLICABLE]["not_applicable_reason"] == REASON
    from_api, from_csv = published_reasons(app, world)
    assert from_api[MET] == from_csv[MET] == ""
    assert from_api[NOT_APPLICABLE] == from_csv[NOT_APPLICABLE] == REASON


def test_an_older_snapshot_holding_one_publishes_it_nowhere(app, world, monkeypatch):
    # Published as before the fix: the reason of the "met" item went into the hashed snapshot.
    monkeypatch.setattr(ledger_services, "reason_if_not_applicable", lambda _s, r: r or "")
    publish_as_is(app, world["disclosure_a"])
    monkeypatch.undo()
    with app.app_context():
        items = {i["id"]: i for i in db.session.query(Publication).one().snapshot["items"]}
        assert items[MET]["not_applicable_reason"] == LEFT_OVER  # kept as hashed
        assert verify_ledger(db.session) == (1, None)
    from_api, from_csv = published_reasons(app, world)
    assert from_api[MET] == from_csv[MET] == ""
    assert from_api[NOT_APPLICABLE] == from_csv[NOT_APPLICABLE] == REASON
    page = client_as(app, world, "anonymous").get("/companies/company-a")
    html = page.get_data(as_text=True)
    assert LEFT_OVER not in html and REASON in html
