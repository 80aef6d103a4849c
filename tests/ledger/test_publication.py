"""Publishing into the ledger, verifying it, and catching tampering done in the database."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.tamper import behind_the_back
from tracker.audit.models import AuditEvent
from tracker.db import AppendOnlyViolation, db, utcnow
from tracker.domain.ledger import EntryKind
from tracker.domain.workflow import DisclosureState, TransitionNotAllowed
from tracker.filing.models import Disclosure
from tracker.ledger.models import LedgerEntry, Publication
from tracker.ledger.services import publish, verify_ledger


def accepted_disclosure(filing_world) -> Disclosure:
    disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
    disclosure.state = DisclosureState.ACCEPTED
    return disclosure


def test_publishing_freezes_public_content_only(app_ctx, filing_world):
    disclosure = accepted_disclosure(filing_world)
    publication = publish(db.session, None, disclosure, utcnow())
    db.session.commit()
    assert disclosure.state is DisclosureState.PUBLISHED
    snapshot = publication.snapshot
    text = json.dumps(snapshot, ensure_ascii=False)
    assert "SECRET-NOTE-OF-A" not in text  # the confidential note stays out
    assert "chart.png" not in text  # and so do attachments
    assert snapshot["checklist"]["version"] == "2024.1"
    assert len(snapshot["items"]) == 31
    first = next(i for i in snapshot["items"] if i["id"] == "c1.safety-team")
    assert first == {
        "id": "c1.safety-team",
        "status": "met",
        "not_applicable_reason": "",
        "narrative": "We have a team.",
        "narrative_language": "en",
        "narrative_translation": "",
        "evidence_links": [],
        "structured": {},
    }
    entry = publication.entry
    assert (entry.sequence, entry.kind, entry.version) == (1, EntryKind.PUBLICATION, 1)
    assert entry.company_slug == "company-a" and entry.cycle_slug == "test-cycle"
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="disclosure.publish"))


def test_only_an_accepted_disclosure_can_be_published(app_ctx, filing_world):
    disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])  # a draft
    with pytest.raises(TransitionNotAllowed):
        publish(db.session, None, disclosure, utcnow())


def test_a_second_publication_is_a_correction_and_the_first_stays(app_ctx, filing_world):
    disclosure = accepted_disclosure(filing_world)
    first = publish(db.session, None, disclosure, utcnow())
    db.session.commit()
    disclosure.responses[0].narrative = "We have a larger team."
    disclosure.state = DisclosureState.ACCEPTED  # after the correction's review
    second = publish(db.session, None, disclosure, utcnow() + timedelta(days=1))
    db.session.commit()
    assert (second.version, second.supersedes_id) == (2, first.id)
    assert second.entry.kind is EntryKind.CORRECTION and second.entry.supersedes == 1
    assert second.entry.previous_hash == first.entry.entry_hash
    assert (
        db.session.get(Publication, first.id).snapshot["items"][0]["narrative"] == "We have a team."
    )
    assert verify_ledger(db.session) == (2, None)


@pytest.fixture
def published(app, filing_world):
    with app.app_context():
        disclosure = accepted_disclosure(filing_world)
        publish(db.session, None, disclosure, utcnow())
        db.session.commit()
    return filing_world


def test_verify_command_passes_an_intact_ledger(runner, published):
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ledger ok: 1 entries, head ")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE ledger_entries SET published_at = '2020-01-01T00:00:00Z'",
            "entry 1: its hash does not match its contents",
        ),
        (
            "UPDATE ledger_entries SET entry_hash = '{}'".format("e" * 64),
            "entry 1: its hash does not match its contents",
        ),
        (
            "UPDATE ledger_entries SET snapshot_sha256 = '{}'".format("d" * 64),
            "entry 1: its hash does not match its contents",
        ),
    ],
    ids=["date", "entry-hash", "snapshot-hash"],
)
def test_verify_catches_changes_to_the_ledger(runner, app, published, statement, message):
    with app.app_context():
        behind_the_back(statement)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert message in result.output


def test_verify_catches_a_changed_narrative(runner, app, published):
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication))
        snapshot = json.loads(json.dumps(publication.snapshot))
        snapshot["items"][0]["narrative"] = "We have the best team."
        # The application refuses to rewrite a publication...
        publication.snapshot = snapshot
        with pytest.raises(AppendOnlyViolation):
            db.session.commit()
        db.session.rollback()
        # ...and so does the database: the change is made behind their backs.
        behind_the_back(
            sa.update(Publication.__table__)
            .where(Publication.__table__.c.id == publication.id)
            .values(snapshot=snapshot)
        )
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "entry 1: the published snapshot does not match its recorded hash" in result.output


def test_the_ledger_page_lists_entries(client, app, published):
    html = client.get("/ledger/").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert f'title="{entry.entry_hash}"' in html
        assert f'title="{entry.snapshot_sha256}"' in html
        assert entry.published_at in html
    assert "Company A" in html


def test_the_empty_ledger_says_so(client):
    assert "Nothing has been published yet." in client.get("/ledger/").get_data(as_text=True)


def test_the_demo_publishes_through_the_ledger(runner, app, demo):
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0
    # 10 publications of the earlier cycle, 13 of this one, and one correction
    assert "ledger ok: 24 entries" in result.output
    with app.app_context():
        kinds = db.session.scalars(sa.select(LedgerEntry.kind).order_by(LedgerEntry.sequence)).all()
        assert kinds == [EntryKind.PUBLICATION] * 23 + [EntryKind.CORRECTION]
        times = db.session.scalars(
            sa.select(LedgerEntry.published_at).order_by(LedgerEntry.sequence)
        ).all()
        assert times == sorted(times)


def test_the_company_page_names_the_published_version_and_its_hash(client, app, published):
    with app.app_context():
        db.session.get(Disclosure, published["disclosure_a"])  # published by the fixture
        entry = db.session.scalar(sa.select(LedgerEntry))
    html = client.get("/companies/company-a").get_data(as_text=True)
    assert "Published version 1, ledger entry" in html
    # The entry on the ledger's list of the company and cycle, whatever page it is on there.
    listed = f"/ledger/?company=company-a&amp;cycle=test-cycle#entry-{entry.sequence}"
    assert f'href="{listed}">#{entry.sequence}</a>' in html
    assert f'title="{entry.snapshot_sha256}"' in html
