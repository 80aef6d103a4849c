"""Two witness processes on loopback (``tracker witness serve``): cosignatures over HTTP that
verify, the protocol's refusals, state that survives a restart, and a race that cannot roll
the state back."""

from __future__ import annotations

import hashlib
import threading
import urllib.error
import urllib.request

import pytest

from tests.support.tlog import Log
from tests.support.witness import WITNESS, Witness, add_checkpoint, tracker_command
from tracker import verify
from tracker.domain import merkle, tlog


@pytest.fixture
def log():
    log = Log(witness_count=0)
    for n in range(12):
        log.publish(f"c{n}", 1_779_000_000 + n)
    return log


@pytest.fixture
def witnesses(tmp_path, log):
    spec = f"{log.origin}={log.signer.verifier.vkey}"
    started = [Witness.start(tmp_path / f"w{n}", f"w{n}.test/witness", [spec]) for n in (1, 2)]
    yield started
    for witness in started:
        witness.stop()


def request(log: Log, old: int, size: int) -> bytes:
    proof = merkle.consistency_proof(old, log.hashes(size))
    return tlog.add_checkpoint_request(old, proof, log.checkpoint(size))


def policy(log: Log, witnesses: list[Witness]) -> verify.Policy:
    listed = [tlog.PolicyWitness(f"W{n}", w.vkey, w.url) for n, w in enumerate(witnesses, 1)]
    return verify.parse_policy(tlog.policy_text(log.signer.verifier.vkey, listed).encode())


def test_two_witnesses_cosign_and_the_quorum_verifies(log, witnesses):
    note = log.checkpoint(5)
    lines = []
    for witness in witnesses:
        status, _, body = add_checkpoint(witness.url, tlog.add_checkpoint_request(0, [], note))
        assert status == 200, body
        lines.append(body.decode())
    cosigned = tlog.add_signatures(note, lines)
    checked = verify.verify_checkpoint(cosigned, policy(log, witnesses))
    assert set(checked.cosigners) == {"W1", "W2"} and checked.witnessed_time is not None
    # grow with a consistency proof from 5
    for witness in witnesses:
        assert add_checkpoint(witness.url, request(log, 5, 12))[0] == 200


def test_the_protocols_refusals_over_http(log, witnesses):
    witness = witnesses[0]
    assert add_checkpoint(witness.url, request(log, 0, 6))[0] == 200
    # old size mismatch: 409 with the size
    status, content_type, body = add_checkpoint(witness.url, request(log, 3, 8))
    assert (status, content_type, body) == (409, "text/x.tlog.size", b"6\n")
    # unknown origin
    other = Log(origin="other.test/log", witness_count=0)
    other.publish("x", 0)
    assert add_checkpoint(witness.url, request(other, 0, 1))[0] == 404
    # the log's origin under another key
    impostor = Log(witness_count=0)
    for n in range(8):
        impostor.publish(f"x{n}", 0)
    assert add_checkpoint(witness.url, request(impostor, 0, 8))[0] == 403
    # an inconsistent tree signed by the real log key
    impostor.signer = log.signer
    body = tlog.add_checkpoint_request(
        6, merkle.consistency_proof(6, impostor.hashes(8)), impostor.checkpoint(8)
    )
    assert add_checkpoint(witness.url, body)[0] == 422
    # the same size with another root
    same_size = tlog.add_checkpoint_request(6, [], impostor.checkpoint(6))
    assert add_checkpoint(witness.url, same_size)[0] == 422
    # malformed bodies
    for junk in (b"", b"hello", b"old x\n\n" + log.checkpoint(6), b"old 6\n\n\xff"):
        assert add_checkpoint(witness.url, junk)[0] == 400
    # the wrong method and an unknown path
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{witness.url}/add-checkpoint", timeout=5)  # noqa: S310
    assert refused.value.code == 405
    refused.value.close()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{witness.url}/nothing", timeout=5)  # noqa: S310
    assert missing.value.code == 404
    missing.value.close()
    # after all the refusals the witness still holds size 6 and grows from there
    assert add_checkpoint(witness.url, request(log, 6, 12))[0] == 200


def test_state_survives_a_restart(log, witnesses):
    witness = witnesses[0]
    assert add_checkpoint(witness.url, request(log, 0, 7))[0] == 200
    vkey = witness.vkey
    witness.restart()
    assert witness.vkey == vkey  # the same key
    assert add_checkpoint(witness.url, request(log, 0, 9))[:3:2] == (409, b"7\n")
    assert add_checkpoint(witness.url, request(log, 7, 9))[0] == 200
    origin_hash = hashlib.sha256(log.origin.encode()).hexdigest()
    with urllib.request.urlopen(f"{witness.url}/{origin_hash}/checkpoint", timeout=5) as answer:  # noqa: S310
        kept = answer.read()
    checked = verify.verify_checkpoint(kept, policy(log, [witness]))
    assert checked.checkpoint.size == 9 and set(checked.cosigners) == {"W1"}
    # the other witness never saw this log: its monitoring endpoint has nothing
    with pytest.raises(urllib.error.HTTPError) as nothing:
        urllib.request.urlopen(f"{witnesses[1].url}/{origin_hash}/checkpoint", timeout=5)  # noqa: S310
    assert nothing.value.code == 404
    nothing.value.close()


def test_concurrent_requests_cannot_roll_the_state_back(log, witnesses):
    """Two requests from the same old size: at most one is cosigned, and the stored size is
    the cosigned one (compare-and-swap)."""
    witness = witnesses[1]
    assert add_checkpoint(witness.url, request(log, 0, 3))[0] == 200
    results: dict[int, int] = {}
    barrier = threading.Barrier(4)

    def send(size: int) -> None:
        barrier.wait()
        results[size] = add_checkpoint(witness.url, request(log, 3, size))[0]

    threads = [threading.Thread(target=send, args=(size,)) for size in (5, 8, 10, 12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [size for size, status in results.items() if status == 200]
    assert len(winners) == 1 and sorted(results.values()).count(409) == 3, results
    status, _, body = add_checkpoint(witness.url, request(log, 0, 12))
    assert (status, body) == (409, f"{winners[0]}\n".encode())


def test_keygen_and_serve_refuse_what_they_cannot_use(tmp_path, log):
    state = tmp_path / "w"
    first = tracker_command("witness", "keygen", "--state", str(state), "--name", "w.test")
    assert first.returncode == 0
    assert verify.parse_vkey(first.stdout.strip()).type == verify.COSIGNATURE
    assert (state / "witness.key").stat().st_mode & 0o777 == 0o600
    again = tracker_command("witness", "keygen", "--state", str(state), "--name", "w.test")
    assert again.returncode != 0 and "exists already" in again.stderr
    no_logs = tracker_command("serve", "--state", str(state), "--port", "0", command=WITNESS)
    assert no_logs.returncode != 0 and "no log to witness" in no_logs.stderr
    no_key = tracker_command(
        "serve", "--state", str(tmp_path / "x"), "--log", f"{log.origin}=bad", command=WITNESS
    )
    assert no_key.returncode != 0 and "keygen" in no_key.stderr
