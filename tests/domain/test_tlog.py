"""tracker.domain.tlog signs what tracker.verify checks: the published examples byte for byte,
and the constructed end-to-end example rebuilt from its seeds."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.tlog import reference_leaves, vectors
from tracker import verify
from tracker.domain import merkle, tlog

GO = vectors()["signed_note"]["go_sumdb_note_example"]
CONSTRUCTED = vectors()["constructed_example"]


def test_the_go_skey_signs_the_go_note_exactly():
    signer = tlog.parse_skey(GO["skey"])
    assert signer.name == "PeterNeumann"
    assert signer.seed.hex() == GO["decoded"]["ed25519_seed_hex"]
    assert signer.skey == GO["skey"]
    assert signer.verifier.vkey == GO["vkey"]
    assert signer.sign_note(GO["text"]) == GO["note"].encode()


def test_keys_from_the_constructed_seeds():
    log = tlog.Signer(
        "example.com/demo-log", hashlib.sha256(b"c2sp tlog note: demo log key").digest()
    )
    assert log.seed.hex() == CONSTRUCTED["log"]["ed25519_seed_hex"]
    assert log.public_key.hex() == CONSTRUCTED["log"]["public_key_hex"]
    assert log.verifier.vkey == CONSTRUCTED["log"]["vkey"]
    assert log.skey == CONSTRUCTED["log"]["skey"]
    assert tlog.parse_skey(log.skey) == log
    witness = tlog.Signer(
        "witness.example.com/demo", hashlib.sha256(b"c2sp tlog note: demo witness key").digest()
    )
    assert witness.cosigner.vkey == CONSTRUCTED["witness"]["vkey_type_0x04"]
    assert witness.cosigner.key_id.hex() == CONSTRUCTED["witness"]["key_id_hex"]


def test_the_constructed_example_end_to_end():
    log = tlog.parse_skey(CONSTRUCTED["log"]["skey"])
    witness = tlog.Signer(
        "witness.example.com/demo", bytes.fromhex(CONSTRUCTED["witness"]["ed25519_seed_hex"])
    )
    leaves = reference_leaves()
    six = tlog.sign_checkpoint(log, 6, merkle.root(leaves[:6]))
    assert six == CONSTRUCTED["checkpoint_size6"].encode()
    eight = tlog.sign_checkpoint(log, 8, merkle.root(leaves))
    assert eight == CONSTRUCTED["checkpoint_size8"].encode()

    request = tlog.add_checkpoint_request(6, merkle.consistency_proof(6, leaves), eight)
    assert request == CONSTRUCTED["add_checkpoint_request_old6"].encode()
    first = tlog.add_checkpoint_request(0, merkle.consistency_proof(0, leaves), eight)
    assert first == CONSTRUCTED["add_checkpoint_request_old0"].encode()

    text = verify.parse_note(eight).text
    line = witness.cosign(text, CONSTRUCTED["cosignature"]["timestamp"]).line
    assert line == CONSTRUCTED["add_checkpoint_response_200"]
    cosigned = tlog.add_signatures(eight, [line])
    assert cosigned == CONSTRUCTED["checkpoint_size8_cosigned"].encode()

    proof = tlog.tlog_proof(5, merkle.inclusion_proof(5, leaves), cosigned, extra=b"demo-extra")
    assert proof == CONSTRUCTED["tlog_proof_index5"].encode()

    policy_text = tlog.policy_text(
        log.verifier.vkey, [tlog.PolicyWitness("W1", witness.cosigner.vkey)], quorum=1
    )
    policy = verify.parse_policy(policy_text.encode())
    inclusion = verify.verify_tlog_proof(proof, leaves[5], policy)
    assert inclusion.checked.cosigners == {"W1": 1700000000}
    assert (
        verify.verify_tlog_proof(
            proof, leaves[5], verify.parse_policy(CONSTRUCTED["tlog_policy"].encode())
        ).index
        == 5
    )


def test_a_generated_key_round_trips_and_signs():
    signer = tlog.generate_signer("tracker.example.org/ledger")
    assert tlog.generate_signer("tracker.example.org/ledger").seed != signer.seed
    again = tlog.parse_skey(signer.skey)
    assert again == signer
    assert verify.parse_vkey(signer.verifier.vkey) == signer.verifier
    assert verify.parse_vkey(signer.cosigner.vkey) == signer.cosigner
    note = tlog.sign_checkpoint(signer, 0, verify.EMPTY_ROOT)
    assert verify.verify_note(note, [signer.verifier]).text.startswith(
        "tracker.example.org/ledger\n0\n"
    )


@pytest.mark.parametrize(
    "skey",
    [
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",  # ID
        "PRIVATE+KEY+PeterNeumanm+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",  # name
        "PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",  # type
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD",  # short
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # a vkey
        "PRIVATE+KEY++c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",  # no name
    ],
)
def test_bad_skeys_are_refused(skey):
    with pytest.raises(verify.FormatError):
        tlog.parse_skey(skey)


def test_signing_refuses_what_could_not_be_verified():
    signer = tlog.Signer("k", bytes(32))
    for text in ("no newline", "two\n\nparagraphs\n"):
        with pytest.raises(ValueError, match="newline"):
            signer.sign_note(text)
    for timestamp in (0, -1, 1 << 63):
        with pytest.raises(ValueError, match="timestamp"):
            signer.cosign("o\n0\nx\n", timestamp)
    for name in ("", "a b", "a+b"):
        with pytest.raises(ValueError, match="key name"):
            tlog.Signer(name, bytes(32))
    with pytest.raises(ValueError, match="32 bytes"):
        tlog.Signer("k", bytes(31))


def test_adding_signatures_keeps_one_of_each_and_refuses_junk():
    signer = tlog.Signer("k", bytes(32))
    witness = tlog.Signer("w", bytes([1]) * 32)
    note = signer.sign_note("hello\n")
    line = witness.cosign("hello\n", 5).line
    once = tlog.add_signatures(note, [line, line])
    assert tlog.add_signatures(once, [line]) == once
    assert len(verify.parse_note(once).signatures) == 2
    for junk in ("no dash\n", "\u2014 w AAAA\n", "\u2014 w " + line.split()[-1]):
        with pytest.raises(verify.FormatError):
            tlog.add_signatures(note, [junk])


def test_policy_text_without_witnesses_is_log_and_quorum_none():
    signer = tlog.Signer("example.com/log", bytes(32))
    assert tlog.policy_text(signer.verifier.vkey) == f"log {signer.verifier.vkey}\nquorum none\n"
    assert tlog.policy_text(signer.verifier.vkey, log_url="https://x").startswith(
        f"log {signer.verifier.vkey} https://x\n"
    )
    witness = tlog.PolicyWitness("W", tlog.Signer("w", bytes(32)).cosigner.vkey)
    assert tlog.policy_text(signer.verifier.vkey, [witness], quorum=0).endswith("quorum none\n")
    with pytest.raises(ValueError, match="required"):
        tlog.policy_text(signer.verifier.vkey, [tlog.PolicyWitness("required", witness.vkey)])
