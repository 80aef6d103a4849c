"""CSV downloads of published content: columns, values, formula safety, nothing unpublished."""

import csv
import io

import sqlalchemy as sa

from tests.support.review import publish_as_is
from tracker.db import db
from tracker.filing.models import ItemResponse
from tracker.ledger.models import LedgerEntry
from tracker.opendata.services import DISCLOSURE_COLUMNS, LEDGER_COLUMNS


def rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_cycle_csv_has_one_row_per_company_and_item(app, client, accounts, filing_world):
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = '=HYPERLINK("http://evil.example") we have a team'
        response.evidence_links = [{"url": "https://a.example/r", "title": "Report"}]
        db.session.commit()
    publish_as_is(app, filing_world["disclosure_a"])
    download = client.get("/cycles/test-cycle/disclosures.csv")
    assert (
        download.headers["Content-Disposition"]
        == 'attachment; filename="test-cycle-disclosures.csv"'
    )
    table = rows(download)
    assert list(table[0]) == list(DISCLOSURE_COLUMNS)
    assert len(table) == 31  # company A published; B did not
    assert {r["company"] for r in table} == {"company-a"}
    team = next(r for r in table if r["item"] == "c1.safety-team")
    assert team["status"] == "met" and team["version"] == "1"
    assert team["narrative"].startswith("'=HYPERLINK")  # defused for spreadsheets
    assert team["evidence_links"] == "https://a.example/r"
    assert team["company_name_zh"] == "甲公司" and team["item_title_en"]
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
    assert team["ledger_sequence"] == str(entry.sequence)
    assert team["snapshot_sha256"] == entry.snapshot_sha256
    assert "SECRET-NOTE-OF-A" not in download.get_data(as_text=True)


def test_the_cycle_csv_reads_published_versions_not_live_answers(
    app, client, accounts, filing_world
):
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = "An unpublished change."
        db.session.commit()
    text = client.get("/cycles/test-cycle/disclosures.csv").get_data(as_text=True)
    assert "An unpublished change." not in text and "We have a team." in text


def test_an_empty_cycle_has_just_the_header_and_unknown_is_404(client, accounts, filing_world):
    assert rows(client.get("/cycles/test-cycle/disclosures.csv")) == []
    assert client.get("/cycles/nope/disclosures.csv").status_code == 404


def test_the_ledger_csv_is_the_ledger_as_hashed(app, client, accounts, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])  # a correction
    table = rows(client.get("/ledger.csv"))
    assert list(table[0]) == list(LEDGER_COLUMNS)
    with app.app_context():
        entries = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        expected = [
            (
                str(e.sequence),
                e.kind.value,
                e.published_at,
                e.entry_hash,
                "" if e.supersedes is None else str(e.supersedes),
            )
            for e in entries
        ]
    assert [
        (r["sequence"], r["kind"], r["published_at"], r["entry_hash"], r["supersedes"])
        for r in table
    ] == expected
    assert table[1]["previous_hash"] == table[0]["entry_hash"]
    assert [r["leaf_hash"] for r in table] == [e.to_entry().leaf_hash().hex() for e in entries]
    assert {(r["renders"], r["language"], r["document_sha256"]) for r in table} == {("", "", "")}


def test_the_cycle_csv_streams_every_current_version_in_batches(app, client, monkeypatch):
    """More published companies than a batch of snapshots: every company's current version,
    once, by name, all its items, exactly the snapshot's answers."""
    from tests.support.app import grow_roster
    from tracker.companies.models import Company
    from tracker.cycles.models import Cycle
    from tracker.ledger.queries import current_in_cycle
    from tracker.opendata import services

    monkeypatch.setattr(services, "STREAM_BATCH", 7)
    grow_roster(app, 60)
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        current = current_in_cycle(db.session, cycle)
        expected = [
            (
                p.company.slug,
                str(p.version),
                item.id,
                p.items[item.id].status.value if p.items[item.id].status else "",
            )
            for p in current
            for item in p.checklist.items
        ]
        names = [p.company.name_en for p in current]
        assert len(current) > 3 * 7 and names == sorted(names)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 60
    table = rows(client.get("/cycles/2025-annual/disclosures.csv"))
    assert [(r["company"], r["version"], r["item"], r["status"]) for r in table] == expected


def test_a_process_that_has_not_built_the_checklist_yet_streams_the_whole_csv(
    app, client, accounts, filing_world, monkeypatch
):
    # The rows stream after the request's session is gone: what they need of the cycle must be
    # read before (the benchmark's fresh gunicorn workers broke off the first download).
    from tracker.checklists import models as checklist_models

    publish_as_is(app, filing_world["disclosure_a"])
    monkeypatch.setattr(checklist_models, "_BUILT", {})
    assert len(rows(client.get("/cycles/test-cycle/disclosures.csv"))) == 31
