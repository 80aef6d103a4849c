"""The ledger as a Merkle log on a real database: a checkpoint signed at every append, proofs,
the first checkpoint of a ledger older than its log, and the operator's attacks that
``tracker ledger verify`` catches with the checkpoints (triggers lifted, as an operator would)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.support.filing import CYCLE, state_of
from tests.support.http import client_as, csrf_token
from tests.support.review import publish_as_is
from tests.support.tamper import behind_the_back
from tracker.db import db, utcnow
from tracker.domain import merkle
from tracker.domain.canonical import sha256_hex
from tracker.domain.ledger import ChainProblem, EntryKind, Finding
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.ledger import log
from tracker.ledger.keys import log_key
from tracker.ledger.models import Checkpoint, LedgerEntry, Publication
from tracker.ledger.policy import log_policy
from tracker.ledger.services import verify_ledger
from tracker.verify import (
    QUORUM_NONE,
    parse_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_note,
    verify_tlog_proof,
)


@pytest.fixture
def three(app, filing_world):
    """Company A published, then corrected twice: entries 1 to 3, a checkpoint after each."""
    for _ in range(3):
        publish_as_is(app, filing_world["disclosure_a"])
    return filing_world


def test_every_append_signs_a_checkpoint_of_the_whole_tree(app, three):
    signer = log_key(app)
    with app.app_context():
        checkpoints = db.session.scalars(sa.select(Checkpoint).order_by(Checkpoint.size)).all()
        hashes = log.leaf_hashes(db.session)
        assert [c.size for c in checkpoints] == [1, 2, 3]
        for checkpoint in checkpoints:
            note = verify_note(checkpoint.note.encode(), [signer.verifier])
            text = parse_checkpoint(note.text)
            assert (text.origin, text.size) == ("localhost/ledger", checkpoint.size)
            assert text.root == merkle.root(hashes[: checkpoint.size])
            assert checkpoint.root_hash == text.root.hex()
        assert verify_ledger(db.session) == (3, None)


def test_inclusion_and_consistency_proofs_verify_for_every_entry_and_size(app, three):
    with app.app_context():
        roots = {
            c.size: bytes.fromhex(c.root_hash) for c in db.session.scalars(sa.select(Checkpoint))
        }
        leaves = {
            e.sequence: bytes.fromhex(e.leaf_hash)
            for e in db.session.scalars(sa.select(LedgerEntry))
        }
        for size, root in roots.items():
            for sequence in range(1, size + 1):
                proof = log.inclusion_proof(db.session, sequence, size)
                verify_inclusion(sequence - 1, size, leaves[sequence], proof, root)
            for old in range(1, size + 1):
                proof = log.consistency_proof(db.session, old, size)
                verify_consistency(old, size, roots[old], root, proof)
        assert log.consistency_proof(db.session, 0, 3) == []
        with pytest.raises(log.NotInLog):
            log.inclusion_proof(db.session, 4, 3)
        with pytest.raises(log.NotInLog):
            log.inclusion_proof(db.session, 1, 4)  # no checkpoint of size 4
        with pytest.raises(log.BadRange):
            log.consistency_proof(db.session, 3, 2)


def test_a_proof_file_verifies_offline_under_the_default_policy(app, three):
    """Without a policy file the policy is the log and ``quorum none``: every checkpoint is
    'cosigned', and a proof file of entry 2 in the latest checks with tracker.verify."""
    with app.app_context():
        policy = log_policy(app)
        assert policy.policy.quorum == QUORUM_NONE
        assert policy.text == f"log {log_key(app).verifier.vkey}\nquorum none\n"
        latest = log.latest_cosigned(db.session, policy.policy)
        assert latest is not None and latest.size == 3
        earliest = log.earliest_cosigned_containing(db.session, 2, policy.policy)
        assert earliest is not None and earliest.size == 2
        note = log.cosigned_note(db.session, latest, policy.policy)
        proof = log.tlog_proof(db.session, 2, latest, note)
        leaf = log.leaf_data(db.session, 2)
        assert leaf is not None
        inclusion = verify_tlog_proof(proof, merkle_leaf(leaf), policy.policy)
        assert (inclusion.index, inclusion.checked.checkpoint.size) == (1, 3)


def merkle_leaf(data: bytes) -> bytes:
    from tracker.verify import leaf_hash

    return leaf_hash(data)


def test_the_snapshot_download_hashes_to_the_entry(app, three):
    with app.app_context():
        entry = db.session.get(LedgerEntry, 2)
        data = log.snapshot_bytes(db.session, 2)
        assert data is not None
        assert sha256_hex(json.loads(data)) == entry.snapshot_sha256
        import hashlib

        assert hashlib.sha256(data).hexdigest() == entry.snapshot_sha256
        assert log.snapshot_bytes(db.session, 9) is None
        assert log.leaf_data(db.session, 9) is None


def test_proofs_read_the_leaves_in_one_query(app, three, count_queries):
    with app.app_context():
        with count_queries() as counter:
            log.inclusion_proof(db.session, 1, 3)
        assert counter.count == 2  # the checkpoint exists; the leaf hashes
        with count_queries() as counter:
            log.consistency_proof(db.session, 1, 3)
        assert counter.count == 3


def test_the_log_refuses_to_sign_a_tree_that_contradicts_its_checkpoint(app, accounts, three):
    """Entry 1 rewritten behind the application's back (fields, entry hash and leaf hash all
    recomputed, so that only the signed checkpoints can tell): the next append is refused and
    nothing of it stays."""
    with app.app_context():
        forged = db.session.get(LedgerEntry, 1).to_entry()
    import dataclasses

    forged = dataclasses.replace(forged, published_at="2020-01-01T00:00:00Z")
    forged = dataclasses.replace(forged, entry_hash=sha256_hex(forged.body()))
    with app.app_context():
        behind_the_back(
            "UPDATE ledger_entries SET published_at = :at, entry_hash = :hash, leaf_hash = :leaf "
            "WHERE sequence = 1",
            at=forged.published_at,
            hash=forged.entry_hash,
            leaf=forged.leaf_hash().hex(),
        )
    with pytest.raises(log.LogInconsistent, match="not consistent with checkpoint 3"):
        publish_as_is(app, three["disclosure_a"])
    # Through review, the refusal is an answer, not a crash, and the disclosure stays accepted.
    with app.app_context():
        db.session.get(Disclosure, three["disclosure_a"]).state = DisclosureState.ACCEPTED
        db.session.commit()
    staff = client_as(app, accounts.ids, "staff")
    refused = staff.post(
        f"/review/{CYCLE}/company-a/publish",
        data={"csrf_token": csrf_token(staff, "/account/")},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == "ledger.inconsistent"
    assert state_of(app, three["disclosure_a"]) is DisclosureState.ACCEPTED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Publication)) == 3
        assert db.session.scalar(sa.select(sa.func.max(Checkpoint.size))) == 3
        _count, finding = verify_ledger(db.session)
        assert finding == Finding(1, ChainProblem.CHECKPOINT)


def test_the_database_refuses_to_rewrite_the_record(app, three):
    with app.app_context():
        for statement in (
            "UPDATE ledger_entries SET published_at = 'x'",
            "DELETE FROM ledger_entries WHERE sequence = 3",
            "UPDATE publications SET version = 9",
            "DELETE FROM publications",
            "UPDATE ledger_checkpoints SET note = 'x'",
            "DELETE FROM ledger_checkpoints",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        assert verify_ledger(db.session) == (3, None)


def publication_of(sequence: int) -> int:
    """The id of the publication entry ``sequence`` records (ids differ between databases)."""
    publication_id = db.session.get(LedgerEntry, sequence).publication_id
    assert publication_id is not None
    return publication_id


def delete_head(with_publication: bool) -> list[str]:
    head = publication_of(3)
    statements = ["DELETE FROM ledger_entries WHERE sequence = 3"]
    if with_publication:
        statements.append(f"DELETE FROM publication_scores WHERE publication_id = {head}")
        statements.append(f"DELETE FROM publications WHERE id = {head}")
    return statements


def test_a_deleted_head_entry_with_its_publication_is_caught_by_the_checkpoint(app, runner, three):
    with app.app_context():
        behind_the_back("UPDATE disclosures SET published_at = NULL", *delete_head(True))
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "checkpoint 3: the log signed 3 entries but only 2 remain" in result.output


def test_a_deleted_head_entry_alone_leaves_its_publication_without_entry(app, runner, three):
    with app.app_context():
        head = publication_of(3)
        behind_the_back(*delete_head(False))
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"publication {head} has no ledger entry" in result.output


def test_an_old_snapshot_changed_with_the_chain_rehashed_is_caught_by_the_checkpoint(
    app, runner, three
):
    """The operator's best forgery: snapshot 1 edited, and entry 1's snapshot hash, every
    entry hash, previous hash and leaf hash after it recomputed. The chain verifies; the
    checkpoints signed before do not."""
    import dataclasses

    with app.app_context():
        first = publication_of(1)
        snapshot = json.loads(json.dumps(db.session.get(Publication, first).snapshot))
        snapshot["items"][0]["narrative"] = "We always had a safety team."
        entries = [
            e.to_entry()
            for e in db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence))
        ]
    forged, previous = [], None
    for entry in entries:
        fields = {"previous_hash": previous.entry_hash if previous else entry.previous_hash}
        if entry.sequence == 1:
            fields["snapshot_sha256"] = sha256_hex(snapshot)
        changed = dataclasses.replace(entry, **fields)
        changed = dataclasses.replace(changed, entry_hash=sha256_hex(changed.body()))
        forged.append(changed)
        previous = changed
    statements = [
        sa.update(Publication.__table__)
        .where(Publication.__table__.c.id == first)
        .values(snapshot=snapshot, snapshot_sha256=sha256_hex(snapshot)),
        *(
            sa.update(LedgerEntry.__table__)
            .where(LedgerEntry.__table__.c.sequence == e.sequence)
            # unique hashes: move them out of the way first is not needed, they all change
            .values(
                snapshot_sha256=e.snapshot_sha256,
                previous_hash=e.previous_hash,
                entry_hash=e.entry_hash,
                leaf_hash=e.leaf_hash().hex(),
            )
            for e in reversed(forged)
        ),
    ]
    with app.app_context():
        behind_the_back(*statements)
        from tracker.domain.ledger import verify

        stored = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.sequence)).all()
        snapshots = {e.sequence: e.publication.snapshot for e in stored}
        assert verify([e.to_entry() for e in stored], snapshots) is None  # the chain is fooled
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "checkpoint 1: the first 1 entries do not hash to its root" in result.output


def test_a_ledger_older_than_its_log_gets_its_first_checkpoint_unchanged(app, runner, three):
    """As after migration 0017 on an existing ledger: entries and no checkpoint. Verification
    says so; ``tracker ledger checkpoint`` signs the tree of the entries as they are."""
    with app.app_context():
        before = db.session.execute(sa.select(LedgerEntry.__table__)).all()
        behind_the_back("DELETE FROM ledger_checkpoints")
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "entries 1 to 3 are covered by no signed checkpoint" in result.output
    result = runner.invoke(args=["ledger", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("localhost/ledger\n3\n")
    again = runner.invoke(args=["ledger", "checkpoint"])  # nothing new: the same checkpoint
    assert again.output == result.output
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "ledger ok: 3 entries" in result.output and "checkpoint 3 root" in result.output
    with app.app_context():
        assert db.session.execute(sa.select(LedgerEntry.__table__)).all() == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Checkpoint)) == 1


def test_a_checkpoint_not_signed_by_the_log_key_is_caught(app, runner, three):
    with app.app_context():
        behind_the_back(
            "UPDATE ledger_checkpoints SET note = replace(note, 'localhost/ledger\n', "
            "'localhost/other\n') WHERE size = 2"
        )
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "checkpoint 2: its note is not a checkpoint of this size signed by the log's key" in (
        result.output
    )


def test_report_entries_of_a_publication(app, three):
    from tracker.ledger.services import append_report

    with app.app_context():
        publication = db.session.get(Publication, publication_of(2))
        entry = append_report(db.session, publication, "zh", "ab" * 32, utcnow())
        db.session.commit()
        assert (entry.sequence, entry.kind, entry.renders, entry.publication_id) == (
            4,
            EntryKind.REPORT,
            2,
            None,
        )
        assert [e.sequence for e in log.report_entries(db.session, publication)] == [4]
        assert log.report_entries(db.session, db.session.get(Publication, publication_of(1))) == []
        assert log.latest_checkpoint(db.session).size == 4
        assert log.snapshot_bytes(db.session, 4) is None
        assert verify_ledger(db.session) == (4, None)


def test_a_grown_ledger_proves_every_entry_and_verifies_in_a_few_queries(app, count_queries):
    """The demo grown to 400 signatories (bulk publications, one checkpoint over them): every
    entry's inclusion proof verifies against the latest checkpoint, every checkpoint is
    consistent with it, and verification streams the entries in a fixed number of queries."""
    from tests.support.app import grow_roster

    grow_roster(app, 400)
    with app.app_context():
        latest = log.latest_checkpoint(db.session)
        hashes = log.leaf_hashes(db.session)
        assert latest.size == len(hashes) > 250
        root = bytes.fromhex(latest.root_hash)
        for sequence in range(1, latest.size + 1):
            proof = log.inclusion_proof(db.session, sequence, latest.size)
            verify_inclusion(sequence - 1, latest.size, hashes[sequence - 1], proof, root)
        for checkpoint in log.checkpoints_from(db.session, 1):
            proof = log.consistency_proof(db.session, checkpoint.size, latest.size)
            verify_consistency(
                checkpoint.size, latest.size, bytes.fromhex(checkpoint.root_hash), root, proof
            )
        with count_queries() as counter:
            assert verify_ledger(db.session) == (latest.size, None)
        assert counter.count <= 4  # orphans, count, checkpoints, the entries (streamed)
