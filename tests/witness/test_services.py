"""The witness's decision (tlog-witness §6.2) in-process: every status code, and the state it
keeps."""

from __future__ import annotations

import pytest

from tests.support.tlog import Log
from tracker import verify
from tracker.domain import merkle, tlog
from tracker.witness.keys import WitnessConfigError, create_key, load_key, parse_log, trusted_logs
from tracker.witness.services import SIZE_TYPE, add_checkpoint, parse_request
from tracker.witness.store import Store

NOW = 1_780_000_000.0


@pytest.fixture
def world(tmp_path):
    log = Log(witness_count=0)
    for n in range(10):
        log.publish(f"c{n}", 1_779_000_000 + n)
    signer = tlog.Signer("w.test/witness", bytes(range(32)))
    store = Store(tmp_path)
    yield log, signer, store
    store.close()


def submit(world, old: int, size: int, proof=None, note=None):
    log, signer, store = world
    note = note if note is not None else log.checkpoint(size)
    if proof is None:
        proof = merkle.consistency_proof(old, log.hashes(size)) if old <= size else []
    body = tlog.add_checkpoint_request(old, proof, note)
    return add_checkpoint(body, {log.origin: [log.signer.verifier]}, signer, store, lambda: NOW)


def test_first_contact_then_growth(world):
    log, signer, store = world
    answer = submit(world, 0, 4)
    assert answer.status == 200, answer.body
    (line,) = verify.parse_signature_lines(answer.body)
    text = verify.parse_note(log.checkpoint(4)).text
    assert signer.cosigner.verify(text, line.payload) == int(NOW)
    latest = store.latest(log.origin)
    assert latest is not None and latest.size == 4
    # what is kept is the checkpoint with the log's signature and the cosignature
    policy = verify.parse_policy(
        tlog.policy_text(
            log.signer.verifier.vkey, [tlog.PolicyWitness("W", signer.cosigner.vkey)]
        ).encode()
    )
    assert verify.verify_checkpoint(latest.note, policy).cosigners == {"W": int(NOW)}
    assert submit(world, 4, 9).status == 200
    assert submit(world, 9, 9).status == 200  # a fresh cosignature without new entries
    assert store.latest(log.origin).size == 9


def test_an_old_size_that_is_not_the_cosigned_one_is_409_with_the_size(world):
    assert submit(world, 0, 4).status == 200
    for old in (0, 3, 5):
        answer = submit(world, old, 6)
        assert (answer.status, answer.body, answer.content_type) == (409, b"4\n", SIZE_TYPE)


def test_inconsistent_checkpoints_are_422_and_kept_as_evidence(world):
    log, _, store = world
    assert submit(world, 0, 4).status == 200
    fork = Log(witness_count=0)
    fork.signer = log.signer
    for n in range(6):
        fork.publish(f"fork{n}", 0)
    # a larger tree that does not extend the cosigned one, with its best proof
    proof = merkle.consistency_proof(4, fork.hashes(6))
    assert submit(world, 4, 6, proof=proof, note=fork.checkpoint(6)).status == 422
    # the same size with another root
    assert submit(world, 4, 4, proof=[], note=fork.checkpoint(4)).status == 422
    # the honest proof with one hash changed
    good = merkle.consistency_proof(4, log.hashes(6))
    assert submit(world, 4, 6, proof=[bytes(32), *good[1:]]).status == 422
    assert submit(world, 4, 6, proof=good[:-1]).status == 422
    # equal sizes take no proof; old 0 takes no proof
    assert submit(world, 4, 4, proof=good[:1]).status == 422
    assert store.evidence_count() == 5
    assert store.latest(log.origin).size == 4  # nothing was stored
    assert submit(world, 4, 6).status == 200


def test_old_zero_with_proof_lines_and_an_empty_tree_with_a_root(world):
    log, _, _ = world
    assert submit(world, 0, 4, proof=[bytes(32)]).status == 422
    bad_empty = log.signer.sign_note(f"{log.origin}\n0\n{verify.b64encode(bytes(32))}\n")
    assert submit(world, 0, 0, proof=[], note=bad_empty).status == 422
    assert submit(world, 0, 0, proof=[]).status == 200


def test_unknown_origin_404_bad_signature_403(world):
    log, _, _ = world
    other = Log(origin="other.test/log", witness_count=0)
    other.publish("x", 0)
    assert submit(world, 0, 1, proof=[], note=other.checkpoint(1)).status == 404
    impostor = Log(witness_count=0)  # the right origin, another key
    impostor.publish("x", 0)
    assert submit(world, 0, 1, proof=[], note=impostor.checkpoint(1)).status == 403
    text = verify.parse_note(log.checkpoint(3)).text
    wrong = log.signer.sign("another text\n")  # the log's key ID, a signature of other bytes
    answer = submit(world, 0, 3, note=(text + "\n" + wrong.line).encode())
    assert answer.status == 403 and b"does not verify" in answer.body
    tampered = log.checkpoint(3).replace(b"\n3\n", b"\n2\n", 1)  # the text changed under it
    assert submit(world, 0, 2, proof=[], note=tampered).status == 403


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"old 0\n",
        b"old 00\n\nnote",
        b"old -1\n\nnote",
        b"new 0\n\nnote",
        b"old 0\nnot-base64\n\nnote",
        b"old 0\n\nnot a note",
        b"old 0\n\n\xff\n\n\xe2\x80\x94 k AAAAAAE=\n",
        b"old 0\n" + b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n" * 64 + b"\nnote",
        b"old \xff\n\nnote",
    ],
)
def test_malformed_bodies_are_400(world, body):
    log, signer, store = world
    answer = add_checkpoint(body, {log.origin: [log.signer.verifier]}, signer, store)
    assert answer.status == 400, answer.body


def test_a_malformed_checkpoint_under_a_good_signature_is_400_and_old_above_size_too(world):
    log, _, _ = world
    note = log.signer.sign_note(f"{log.origin}\n08\n{verify.b64encode(bytes(32))}\n")
    assert submit(world, 0, 0, proof=[], note=note).status == 400
    assert submit(world, 5, 4, proof=[]).status == 400


def test_parse_request_reads_the_constructed_example():
    from tests.support.tlog import vectors

    body = vectors()["constructed_example"]["add_checkpoint_request_old6"].encode()
    request = parse_request(body)
    assert request.old_size == 6 and len(request.proof) == 3
    assert request.note == vectors()["constructed_example"]["checkpoint_size8"].encode()


def test_keys_and_trusted_logs(tmp_path):
    signer = create_key(tmp_path / "w", "w.test/witness")
    assert (tmp_path / "w" / "witness.key").stat().st_mode & 0o777 == 0o600
    assert load_key(tmp_path / "w") == signer
    with pytest.raises(WitnessConfigError, match="exists already"):
        create_key(tmp_path / "w", "w.test/witness")
    with pytest.raises(WitnessConfigError, match="keygen"):
        load_key(tmp_path / "none")
    with pytest.raises(WitnessConfigError, match="key name"):
        create_key(tmp_path / "bad", "a b")
    log = Log(witness_count=0)
    spec = f"{log.origin}={log.signer.verifier.vkey}"
    assert parse_log(spec) == (log.origin, log.signer.verifier)
    (tmp_path / "w" / "logs.txt").write_text(f"# trusted\n\n{spec}\n", encoding="utf-8")
    assert trusted_logs(tmp_path / "w", [spec]) == {log.origin: [log.signer.verifier]}
    for bad in ("nothing", f"={log.signer.verifier.vkey}", f"{log.origin}=x+y+z"):
        with pytest.raises(WitnessConfigError):
            parse_log(bad)
    with pytest.raises(WitnessConfigError, match="type 0x01"):
        parse_log(f"{log.origin}={log.signer.cosigner.vkey}")
    with pytest.raises(WitnessConfigError, match="no log to witness"):
        trusted_logs(tmp_path / "empty", [])
