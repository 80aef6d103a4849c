"""Getting the log's checkpoints cosigned by two real witness processes on loopback
(``tracker witness serve``): the quorum, a witness that is down (delayed, nothing lost), a
forgotten state resynced by 409, a witness that never answers, refusals, a forked log caught by
the witness, and the background job."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.review import publish_as_is
from tests.support.tamper import behind_the_back
from tests.support.witness import Witness
from tracker.db import db
from tracker.domain.tlog import PolicyWitness, generate_signer, policy_text
from tracker.ledger import log
from tracker.ledger.jobs import cosign_all, jobs
from tracker.ledger.keys import log_key
from tracker.ledger.models import Cosignature, WitnessState
from tracker.ledger.policy import log_policy
from tracker.ledger.witnesses import Answer, deliver, retry_delay
from tracker.verify import parse_policy, verify_checkpoint


def write_policy(app, witnesses: list[Witness], quorum: int | None = None, urls=None) -> None:
    listed = [
        PolicyWitness(f"W{n}", w.vkey, (urls or {}).get(n, w.url))
        for n, w in enumerate(witnesses, 1)
    ]
    Path(app.config["LEDGER_POLICY_FILE"]).write_text(
        policy_text(log_key(app).verifier.vkey, listed, quorum)
    )


@pytest.fixture
def witnesses(app, tmp_path):
    """Two witnesses trusting this app's log, in its policy with a quorum of both."""
    spec = f"{log_key(app).name}={log_key(app).verifier.vkey}"
    started = [Witness.start(tmp_path / f"w{n}", f"w{n}.test/witness", [spec]) for n in (1, 2)]
    write_policy(app, started)
    yield started
    for witness in started:
        witness.stop()


def cosigned_size(app) -> int | None:
    with app.app_context():
        found = log.latest_cosigned(db.session, log_policy().policy)
        return found.size if found else None


def outcomes(deliveries) -> dict[str, str]:
    return {d.witness: d.outcome for d in deliveries}


def test_both_witnesses_cosign_and_the_note_meets_the_quorum(app, filing_world, witnesses):
    publish_as_is(app, filing_world["disclosure_a"])
    assert cosigned_size(app) is None  # the policy wants both, none has cosigned yet
    with app.app_context():
        assert outcomes(cosign_all(app)) == {"W1": "cosigned", "W2": "cosigned"}
        assert outcomes(cosign_all(app)) == {"W1": "current", "W2": "current"}
        policy = log_policy().policy
        latest = log.latest_cosigned(db.session, policy)
        assert latest is not None and latest.size == 1
        checked = verify_checkpoint(log.cosigned_note(db.session, latest, policy), policy)
        assert set(checked.cosigners) == {"W1", "W2"} and checked.witnessed_time is not None
        assert log.witnessed_by(db.session, 1, policy) == checked.cosigners
        states = db.session.scalars(sa.select(WitnessState).order_by(WitnessState.witness)).all()
        assert [(s.witness, s.cosigned_size, s.attempts) for s in states] == [
            ("w1.test/witness", 1, 0),
            ("w2.test/witness", 1, 0),
        ]


def test_a_witness_that_is_down_delays_cosigning_and_loses_nothing(
    app, runner, filing_world, witnesses
):
    _first, second = witnesses
    publish_as_is(app, filing_world["disclosure_a"])
    assert runner.invoke(args=["ledger", "cosign"]).exit_code == 0
    second.stop()
    publish_as_is(app, filing_world["disclosure_a"])
    result = runner.invoke(args=["ledger", "cosign"])
    assert result.exit_code == 1
    assert "W1: cosigned at size 2" in result.output
    assert "W2: failed at size 2 (unreachable:" in result.output
    publish_as_is(app, filing_world["disclosure_a"])
    result = runner.invoke(args=["ledger", "cosign"])
    assert "W2: waiting" in result.output  # its back-off has not ended: not asked again yet
    assert cosigned_size(app) == 1  # the quorum wants both: 2 and 3 are not cosigned yet
    with app.app_context():
        state = db.session.get(WitnessState, "w2.test/witness")
        assert (state.cosigned_size, state.attempts) == (1, 1)
        assert state.last_error.startswith("unreachable:")
        assert state.next_attempt_at > state.last_attempt_at
    second.restart()
    result = runner.invoke(args=["ledger", "cosign", "--force"])
    assert result.exit_code == 0, result.output
    assert "W2: cosigned at size 3" in result.output  # 3 with a proof from 1: 2 is covered
    assert cosigned_size(app) == 3
    with app.app_context():
        policy = log_policy().policy
        # Entry 2 is in the earliest cosigned checkpoint that contains it: 3 (2 has only W1).
        assert log.earliest_cosigned_containing(db.session, 2, policy).size == 3
        assert log.earliest_cosigned_containing(db.session, 1, policy).size == 1
        assert db.session.get(WitnessState, "w2.test/witness").attempts == 0


def test_a_witness_whose_state_was_forgotten_is_resynced_by_its_409(app, filing_world, witnesses):
    publish_as_is(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        cosign_all(app)
        db.session.execute(sa.delete(WitnessState))  # as if restored from an older backup
        db.session.commit()
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        # "old 0" first: both answer 409 with 2, and the request is rebuilt from 2.
        assert outcomes(cosign_all(app)) == {"W1": "cosigned", "W2": "cosigned"}
        assert db.session.get(WitnessState, "w1.test/witness").cosigned_size == 3
    assert cosigned_size(app) == 3


def test_a_witness_that_never_answers_times_out_and_is_retried_later(app, filing_world):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    port = listener.getsockname()[1]
    app.config["LEDGER_WITNESS_TIMEOUT"] = 0.5
    silent = generate_signer("silent.test/witness")
    text = policy_text(
        log_key(app).verifier.vkey,
        [PolicyWitness("S", silent.cosigner.vkey, f"http://127.0.0.1:{port}")],
    )
    Path(app.config["LEDGER_POLICY_FILE"]).write_text(text)
    publish_as_is(app, filing_world["disclosure_a"])
    try:
        with app.app_context():
            started = time.monotonic()
            (delivery,) = cosign_all(app)
            assert time.monotonic() - started < 5
            assert delivery.outcome == "failed" and "timed out" in delivery.error
            state = db.session.get(WitnessState, "silent.test/witness")
            assert state.next_attempt_at - state.last_attempt_at == retry_delay(1)
    finally:
        listener.close()
        for connection, _ in accepted:
            connection.close()
    assert retry_delay(1) == timedelta(seconds=30) and retry_delay(30) == timedelta(hours=1)


def test_a_witness_for_another_log_refuses_and_says_so(app, filing_world, tmp_path):
    other = generate_signer("localhost/ledger")  # the same origin, another key: 403
    stranger = generate_signer("elsewhere.test/log")  # another origin only: 404
    witnesses = [
        Witness.start(
            tmp_path / "wa", "wa.test/witness", [f"localhost/ledger={other.verifier.vkey}"]
        ),
        Witness.start(
            tmp_path / "wb", "wb.test/witness", [f"{stranger.name}={stranger.verifier.vkey}"]
        ),
    ]
    try:
        write_policy(app, witnesses, quorum=1)
        publish_as_is(app, filing_world["disclosure_a"])
        with app.app_context():
            deliveries = {d.witness: d for d in cosign_all(app)}
    finally:
        for witness in witnesses:
            witness.stop()
    assert deliveries["W1"].outcome == "failed" and "HTTP 403" in deliveries["W1"].error
    assert deliveries["W2"].outcome == "failed" and "HTTP 404" in deliveries["W2"].error
    assert "does not accept this log" in deliveries["W1"].error
    assert cosigned_size(app) is None


def test_a_rewritten_ledger_is_refused_by_the_witness(app, filing_world, witnesses):
    """The operator deletes entry 2 and its checkpoint (triggers lifted) and appends another
    entry 2: the log signs a second checkpoint of size 2. The witnesses, which cosigned the
    first, refuse it (same size, another root), and the forked checkpoint is never cosigned."""
    for _ in range(2):
        publish_as_is(app, filing_world["disclosure_a"])
        with app.app_context():
            cosign_all(app)
    with app.app_context():
        original = log.latest_checkpoint(db.session).root_hash
        head = db.session.get(log.LedgerEntry, 2).publication_id
        behind_the_back(
            "DELETE FROM ledger_cosignatures WHERE checkpoint_size = 2",
            "DELETE FROM ledger_checkpoints WHERE size = 2",
            "DELETE FROM ledger_entries WHERE sequence = 2",
            f"DELETE FROM publication_scores WHERE publication_id = {head}",
            f"DELETE FROM publications WHERE id = {head}",
        )
    time.sleep(1.1)  # another second in the entry: another root
    publish_as_is(app, filing_world["disclosure_a"])
    with app.app_context():
        forked = log.latest_checkpoint(db.session)
        assert forked.size == 2 and forked.root_hash != original
        deliveries = cosign_all(app)
        assert outcomes(deliveries) == {"W1": "failed", "W2": "failed"}
        assert all("inconsistent" in d.error for d in deliveries)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Cosignature)) == 2  # of 1
    assert cosigned_size(app) == 1


def answering(*answers: Answer):
    """A stand-in for the HTTP call that answers in turn (for answers a correct witness never
    gives); the requests it was sent are kept."""
    sent: list[bytes] = []
    queue = list(answers)

    def post(url: str, body: bytes, timeout: float) -> Answer:
        sent.append(body)
        return queue.pop(0)

    post.sent = sent  # type: ignore[attr-defined]
    return post


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ([Answer(200, "text/plain", b"")], "returned no cosignature from its key"),
        ([Answer(200, "text/plain", b"not a line\n")], "malformed line"),
        ([Answer(409, "text/x.tlog.size", b"99\n")], "larger than this log's latest checkpoint"),
        ([Answer(409, "text/x.tlog.size", b"x\n")], "409 without a tree size"),
        ([Answer(409, "text/x.tlog.size", b"0\n")], "naming the size it was sent"),
        ([Answer(400, "text/plain", b"")], "malformed"),
        ([Answer(500, "text/plain", b"")], "HTTP 500"),
    ],
    ids=["empty", "garbage", "larger", "no-size", "same-size", "400", "500"],
)
def test_answers_no_witness_should_give_are_failures(app, filing_world, answers, error):
    witness_key = generate_signer("odd.test/witness")
    text = policy_text(
        log_key(app).verifier.vkey, [PolicyWitness("O", witness_key.cosigner.vkey, "http://x")]
    )
    publish_as_is(app, filing_world["disclosure_a"])
    (witness,) = parse_policy(text.encode()).witnesses.values()
    with app.app_context():
        delivery = deliver(
            db.session,
            witness,
            log.latest_checkpoint(db.session).created_at,
            1.0,
            post=answering(*answers),
        )
        assert delivery.outcome == "failed" and error in delivery.error


def test_a_forged_cosignature_is_not_stored(app, filing_world):
    real = generate_signer("real.test/witness")
    forger = generate_signer("real.test/witness")  # same name, another key
    text = policy_text(
        log_key(app).verifier.vkey, [PolicyWitness("R", real.cosigner.vkey, "http://x")]
    )
    publish_as_is(app, filing_world["disclosure_a"])
    (witness,) = parse_policy(text.encode()).witnesses.values()
    with app.app_context():
        checkpoint = log.latest_checkpoint(db.session)
        note_text = checkpoint.note.split("\n\n")[0] + "\n"
        forged = forger.cosign(note_text, 1_800_000_000)
        # The forger's key ID differs: its line is another key's, ignored; none is left.
        delivery = deliver(
            db.session,
            witness,
            checkpoint.created_at,
            1.0,
            post=answering(Answer(200, "text/plain", forged.line.encode())),
        )
        assert delivery.outcome == "failed" and "no cosignature from its key" in delivery.error
        # A line with the right key ID and a wrong signature is refused outright.
        good = real.cosign(note_text, 1_800_000_000)
        bad = type(good)(good.name, good.key_id, good.payload[:8] + bytes(64))
        delivery = deliver(
            db.session,
            witness,
            checkpoint.created_at,
            1.0,
            force=True,
            post=answering(Answer(200, "text/plain", bad.line.encode())),
        )
        assert delivery.outcome == "failed" and "does not verify" in delivery.error
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Cosignature)) == 0
        # The genuine one is kept.
        delivery = deliver(
            db.session,
            witness,
            checkpoint.created_at,
            1.0,
            force=True,
            post=answering(Answer(200, "text/plain", good.line.encode())),
        )
        assert delivery.outcome == "cosigned"
        assert (
            db.session.get(
                Cosignature, (1, "real.test/witness", real.cosigner.key_id.hex())
            ).timestamp
            == 1_800_000_000
        )


def test_publishing_sends_the_checkpoint_in_the_background(app, filing_world, witnesses):
    app.config["LEDGER_COSIGN_JOBS"] = "thread"
    try:
        publish_as_is(app, filing_world["disclosure_a"])
        deadline = time.monotonic() + 30
        while cosigned_size(app) != 1:
            assert time.monotonic() < deadline, "the background job did not cosign"
            time.sleep(0.1)
    finally:
        jobs(app).stop()


def test_inline_jobs_cosign_before_the_publication_returns(app, filing_world, witnesses):
    app.config["LEDGER_COSIGN_JOBS"] = "inline"
    publish_as_is(app, filing_world["disclosure_a"])
    assert cosigned_size(app) == 1


def test_status_names_the_key_the_policy_and_each_witness(app, runner, filing_world, witnesses):
    publish_as_is(app, filing_world["disclosure_a"])
    witnesses[1].stop()
    runner.invoke(args=["ledger", "cosign"])
    result = runner.invoke(args=["ledger", "status"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        policy = log_policy()
    assert f"key      {log_key(app).verifier.vkey}" in result.output
    assert f"policy   sha256 {policy.fingerprint}" in result.output
    assert "latest   1\ncosigned none\n" in result.output
    assert "witness W1: cosigned 1\n" in result.output
    assert "witness W2: cosigned 0, 1 failures, last: unreachable:" in result.output


def test_cosign_without_witnesses_says_so(app, runner, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    result = runner.invoke(args=["ledger", "cosign"])
    assert result.exit_code == 0 and "the policy names no witness" in result.output
