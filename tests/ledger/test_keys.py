"""The log's key: generated once into the instance folder (0600), kept across starts, or read
from a configured file; named after the configured origin. And the policy file."""

from __future__ import annotations

import stat

import pytest

from tests.support.app import make_app
from tracker.domain.tlog import PolicyWitness, generate_signer, policy_text
from tracker.ledger.keys import KEY_FILE, log_key
from tracker.ledger.policy import log_policy
from tracker.verify import PolicyError


def test_the_key_is_generated_once_into_the_instance_folder(migrated_database, tmp_path):
    first = make_app(migrated_database, tmp_path / "instance")
    path = tmp_path / "instance" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("PRIVATE+KEY+localhost/ledger+")
    again = make_app(migrated_database, tmp_path / "instance")
    assert log_key(again) == log_key(first)
    other = make_app(migrated_database, tmp_path / "elsewhere")
    assert log_key(other).public_key != log_key(first).public_key


def test_a_configured_key_file_and_origin(migrated_database, tmp_path):
    key = tmp_path / "keys" / "log.key"
    signer = generate_signer("tracker.example.org/ledger")
    key.parent.mkdir()
    key.write_text(signer.skey + "\n")
    app = make_app(
        migrated_database,
        tmp_path / "instance",
        LEDGER_KEY_FILE=str(key),
        LEDGER_ORIGIN="tracker.example.org/ledger",
    )
    assert log_key(app) == signer
    assert not (tmp_path / "instance" / KEY_FILE).exists()


def test_a_key_for_another_origin_stops_the_app(migrated_database, tmp_path):
    make_app(migrated_database, tmp_path / "instance")
    with pytest.raises(RuntimeError, match="is for origin 'localhost/ledger'"):
        make_app(migrated_database, tmp_path / "instance", LEDGER_ORIGIN="tracker.example.org/x")


def test_a_file_that_is_no_key_stops_the_app(migrated_database, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / KEY_FILE).write_text("not a key\n")
    with pytest.raises(RuntimeError, match="is not a log key"):
        make_app(migrated_database, tmp_path / "instance")


def test_the_policy_file_is_read_and_fingerprinted(migrated_database, tmp_path):
    app = make_app(migrated_database, tmp_path / "instance")
    signer = log_key(app)
    witness = generate_signer("witness.example.org/w1")
    text = policy_text(
        signer.verifier.vkey,
        [PolicyWitness("w1", witness.cosigner.vkey, "http://127.0.0.1:9/")],
        quorum=1,
    )
    path = tmp_path / "instance" / "ledger-policy.txt"
    path.write_text(text)
    with app.app_context():
        policy = log_policy()
    assert policy.data == text.encode()
    import hashlib

    assert policy.fingerprint == hashlib.sha256(text.encode()).hexdigest()
    assert list(policy.policy.witnesses) == ["w1"]
    assert policy.policy.witnesses["w1"].url == "http://127.0.0.1:9/"
    # A policy for another log key is refused, not silently used.
    path.write_text(policy_text(generate_signer("localhost/ledger").verifier.vkey) + "# changed\n")
    with app.app_context(), pytest.raises(PolicyError, match="lists another key"):
        log_policy()
    path.write_text("log nonsense\nquorum none\n")
    with app.app_context(), pytest.raises(PolicyError, match="cannot be read"):
        log_policy()
