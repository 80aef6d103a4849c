"""tracker.verify, the verifier readers run: every published vector, and strict parsing."""

from __future__ import annotations

import base64

import pytest

from tests.support.tlog import hexes, reference_leaves, vectors
from tracker import verify as v
from tracker.domain.tlog import PolicyWitness, Signer, add_signatures, policy_text, tlog_proof

H = bytes.fromhex
CONSTRUCTED = vectors()["constructed_example"]

# The one upstream vector this verifier rejects on purpose: its "roots" are 12 bytes, and a
# root here is always 32 bytes (transparency.md §2.5).
TWELVE_BYTE_ROOTS = "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"


def outcome(check, *args) -> bool:
    try:
        check(*args)
    except v.ProofError:
        return True
    return False


@pytest.mark.parametrize("case", vectors()["inclusion"], ids=lambda c: c["file"])
def test_inclusion_vector(case):
    rejected = outcome(
        v.verify_inclusion,
        case["leaf_index"],
        case["tree_size"],
        H(case["leaf_hash"]),
        hexes(case["proof"]),
        H(case["root"]),
    )
    assert rejected is not case["valid"]


@pytest.mark.parametrize("case", vectors()["consistency"], ids=lambda c: c["file"])
def test_consistency_vector(case):
    rejected = outcome(
        v.verify_consistency,
        case["size1"],
        case["size2"],
        H(case["root1"]),
        H(case["root2"]),
        hexes(case["proof"]),
    )
    expected_valid = case["valid"] and case["file"] != TWELVE_BYTE_ROOTS
    assert rejected is not expected_valid


def test_the_vector_files_are_all_there():
    data = vectors()
    assert len(data["inclusion"]) == 98 and len(data["consistency"]) == 98
    assert sum(c["valid"] for c in data["inclusion"]) == 6
    assert sum(c["valid"] for c in data["consistency"]) == 6


@pytest.mark.parametrize("case", vectors()["derived_all_small_proofs"]["inclusion"])
def test_every_small_inclusion_proof_verifies(case):
    args = (case["leaf_index"], case["tree_size"], H(case["leaf_hash"]), hexes(case["proof"]))
    v.verify_inclusion(*args, H(case["root"]))
    with pytest.raises(v.ProofError):
        v.verify_inclusion(*args, v.EMPTY_ROOT)


@pytest.mark.parametrize("case", vectors()["derived_all_small_proofs"]["consistency"])
def test_every_small_consistency_proof_verifies(case):
    args = (case["size1"], case["size2"], H(case["root1"]), H(case["root2"]), hexes(case["proof"]))
    v.verify_consistency(*args)


def test_hashes_of_the_reference_tree():
    tree = vectors()["rfc6962_reference_tree"]
    leaves = reference_leaves()
    level = leaves
    for expected in tree["node_hashes_by_level"]:
        assert [h.hex() for h in level] == expected
        level = [v.node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    assert v.EMPTY_ROOT.hex() == tree["root_by_tree_size"]["0"]
    assert v.leaf_hash(b"") == H(tree["root_by_tree_size"]["1"])
    assert [v.split(n) for n in (2, 3, 4, 5, 7, 8, 9)] == [1, 2, 2, 4, 4, 4, 8]


def test_proof_errors_say_what_failed():
    leaves = reference_leaves()
    proof = [leaves[1]]
    root2 = v.node_hash(leaves[0], leaves[1])
    with pytest.raises(v.ProofError, match="outside a tree of size 2"):
        v.verify_inclusion(2, 2, leaves[0], proof, root2)
    with pytest.raises(v.ProofError, match="too long"):
        v.verify_inclusion(0, 2, leaves[0], [*proof, leaves[2]], root2)
    with pytest.raises(v.ProofError, match="too short"):
        v.verify_inclusion(0, 2, leaves[0], [], root2)
    with pytest.raises(v.ProofError, match="32 bytes"):
        v.verify_inclusion(0, 2, leaves[0], [b"short"], root2)
    with pytest.raises(v.ProofError, match="shrank"):
        v.verify_consistency(2, 1, root2, leaves[0], [])
    with pytest.raises(v.ProofError, match="same size"):
        v.verify_consistency(2, 2, root2, leaves[0], [])
    with pytest.raises(v.ProofError, match="empty tree"):
        v.verify_consistency(0, 2, v.EMPTY_ROOT, root2, [])
    with pytest.raises(v.ProofError, match="new root"):
        v.verify_consistency(1, 2, leaves[0], leaves[3], [leaves[1]])
    with pytest.raises(v.ProofError, match="empty consistency proof"):
        v.verify_consistency(1, 2, leaves[0], root2, [])


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["+5", " 5", "5 ", "1_0", "１２", "01", "-1", "", "9223372036854775808", "1e3", "٣"]
)
def test_decimals_python_would_accept_are_refused(text):
    with pytest.raises(v.FormatError):
        v.decimal(text)


def test_decimals():
    assert v.decimal("0") == 0
    assert v.decimal("9223372036854775807") == v.MAX_NUMBER


@pytest.mark.parametrize("text", ["YWJ=", "YWI", "YW I=", "YWI=\n", "YW*=", "YWI==", "-_8="])
def test_non_canonical_base64_is_refused(text):
    with pytest.raises(v.FormatError):
        v.b64decode(text)


def test_base64_sizes():
    assert v.b64decode("YWI=") == b"ab"
    with pytest.raises(v.FormatError, match="2 bytes where 32"):
        v.b64decode("YWI=", 32)


def test_hash_lines_round_trip_and_refuse_junk():
    hashes = reference_leaves()[:3]
    text = v.format_hash_lines(hashes)
    assert v.parse_hash_lines(text) == hashes
    assert v.parse_hash_lines(text.encode()) == hashes
    assert v.parse_hash_lines("") == []
    for bad in (text[:-1], text + "\n", "x" + text, text.replace("=", "", 1)):
        with pytest.raises(v.FormatError):
            v.parse_hash_lines(bad)
    with pytest.raises(v.FormatError, match="more than 63"):
        v.parse_hash_lines(v.format_hash_lines(hashes * 22))


# --- keys and notes -----------------------------------------------------------------------


def test_the_c2sp_note_example():
    example = vectors()["signed_note"]["c2sp_example"]
    key = v.parse_vkey(example["vkey"])
    decoded = example["decoded"]
    assert (key.name, key.key_id.hex(), key.type) == (
        decoded["name"],
        decoded["key_id_hex"],
        decoded["signature_type"],
    )
    assert key.public_key.hex() == decoded["public_key_hex"]
    assert key.vkey == example["vkey"]
    opened = v.verify_note(example["note"].encode(), [key])
    assert opened.text == "This is an example message.\n"
    assert opened.verified == {key: 0}


def test_the_go_note_example():
    example = vectors()["signed_note"]["go_sumdb_note_example"]
    key = v.parse_vkey(example["vkey"])
    assert key.public_key.hex() == example["decoded"]["public_key_hex"]
    assert v.verify_note(example["note"].encode(), [key]).text == example["text"]


def test_the_c2sp_cosignature_line_decodes():
    example = vectors()["signed_note"]["c2sp_cosignature_example_line"]
    sig = v.parse_note(b"text\n\n" + example["line"].encode()).signatures[0]
    assert sig.key_id.hex() == example["decoded"]["key_id_hex"]
    assert int.from_bytes(sig.payload[:8], "big") == example["decoded"]["timestamp"]
    assert len(sig.payload) == 72 and sig.line == example["line"]


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # wrong ID
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # upper hex
        "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # other name
        "example.com/foo+530d903a+AuyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # short key
        "example.com/foo+530d903a+A+kyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # changed key
        "example.com/foo+530d903a",
        "example com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ],
)
def test_bad_vkeys_are_refused(vkey):
    with pytest.raises(v.FormatError):
        v.parse_vkey(vkey)


def test_a_vkey_whose_base64_contains_a_plus():
    assert v.parse_vkey(CONSTRUCTED["log"]["vkey"]).vkey == CONSTRUCTED["log"]["vkey"]


def test_unsupported_key_types_are_refused():
    key = Signer("example.com/k", bytes(32)).public_key
    encoded = base64.b64encode(b"\x06" + key).decode()
    with pytest.raises(v.FormatError, match="0x06"):
        v.parse_vkey(f"example.com/k+{v.key_id('example.com/k', 6, key).hex()}+{encoded}")


def signed(text: str = "hello\n", name: str = "example.com/k") -> tuple[Signer, bytes]:
    signer = Signer(name, bytes(range(32)))
    return signer, signer.sign_note(text)


def test_unknown_keys_are_ignored_and_a_bad_known_signature_rejects_the_note():
    signer, note = signed()
    other = Signer("example.com/other", bytes(32))
    both = add_signatures(note, [other.sign("hello\n").line])
    assert v.verify_note(both, [signer.verifier]).verified == {signer.verifier: 0}
    assert v.verify_note(both, [other.verifier]).verified == {other.verifier: 0}
    # the same name with another key ID is a different key: ignored, not a failure
    impostor = Signer("example.com/k", bytes(32))
    with_impostor = add_signatures(note, [impostor.sign("hello\n").line])
    assert v.verify_note(with_impostor, [signer.verifier]).verified == {signer.verifier: 0}
    with pytest.raises(v.SignatureError, match="no signature from a known key"):
        v.verify_note(note, [other.verifier])
    forged = signer.sign("goodbye\n")
    with pytest.raises(v.SignatureError, match="does not verify"):
        v.verify_note(b"hello\n\n" + forged.line.encode(), [signer.verifier])
    with pytest.raises(v.SignatureError, match="does not verify"):
        v.verify_note(note.replace(b"hello", b"hallo"), [signer.verifier])
    # a cosignature key with the note key's bytes has another key ID: its lines do not count
    with pytest.raises(v.SignatureError):
        v.verify_note(note, [signer.cosigner])


@pytest.mark.parametrize(
    "data",
    [
        b"hello\n",  # no signatures
        b"hello\n\n",  # empty signature block
        b"hello\r\n\n\xe2\x80\x94 k AAAAAAE=\n",  # carriage return
        b"hel\tlo\n\n\xe2\x80\x94 k AAAAAAE=\n",  # tab
        b"hello\n\n\xe2\x80\x94 k AAAAAAE=",  # no final newline
        b"hello\n\n- k AAAAAAE=\n",  # not an em dash
        b"hello\n\n\xe2\x80\x94 k AAAAAA==\n",  # payload shorter than a key ID + 1
        b"hello\n\n\xe2\x80\x94 k+x AAAAAAE=\n",  # '+' in the name
        b"hello\n\n\xe2\x80\x94 kAAAAAAE=\n",  # no space
        b"hello\n\n\xe2\x80\x94 k AAAAAAE\n",  # bad base64
        b"h\xffllo\n\n\xe2\x80\x94 k AAAAAAE=\n",  # not UTF-8
        b"hello\n\n\xe2\x80\x94 k AAAAAAE=\n\n",  # an empty line among the signatures
        b"hello\n\n" + b"\xe2\x80\x94 k AAAAAAE=\n" * 101,  # too many signatures
    ],
)
def test_malformed_notes_are_refused(data):
    with pytest.raises(v.FormatError):
        v.parse_note(data)


def test_signature_lines_as_a_witness_returns_them():
    line = vectors()["constructed_example"]["add_checkpoint_response_200"]
    (sig,) = v.parse_signature_lines(line.encode())
    assert sig.name == "witness.example.com/demo" and sig.line == line
    assert len(v.parse_signature_lines((line * 2).encode())) == 2
    for bad in (b"", line[:-1].encode(), (line + "\n").encode(), b"\xff\n", b"x\r\n"):
        with pytest.raises(v.FormatError):
            v.parse_signature_lines(bad)


def test_a_note_text_may_hold_blank_lines_the_last_one_separates():
    note = v.parse_note(b"a\n\nb\n\n\xe2\x80\x94 k AAAAAAE=\n")
    assert note.text == "a\n\nb\n"
    assert note.encode() == b"a\n\nb\n\n\xe2\x80\x94 k AAAAAAE=\n"


# --- checkpoints and cosignatures -----------------------------------------------------------


def test_the_constructed_checkpoints_and_cosignature():
    log = v.parse_vkey(CONSTRUCTED["log"]["vkey"])
    witness = v.parse_vkey(CONSTRUCTED["witness"]["vkey_type_0x04"])
    opened = v.verify_note(CONSTRUCTED["checkpoint_size8_cosigned"].encode(), [log, witness])
    assert opened.verified == {log: 0, witness: 1700000000}
    checkpoint = v.parse_checkpoint(opened.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/demo-log", 8)
    assert checkpoint.root.hex() == vectors()["rfc6962_reference_tree"]["root_by_tree_size"]["8"]
    assert checkpoint.text == opened.text
    cosig = CONSTRUCTED["cosignature"]
    assert v.cosignature_message(opened.text, 1700000000) == cosig["signed_message"].encode()
    six = v.parse_checkpoint(v.verify_note(CONSTRUCTED["checkpoint_size6"].encode(), [log]).text)
    assert six.size == 6


@pytest.mark.parametrize(
    "text",
    [
        "o\n8\n",
        "o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n",
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
        "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\nx\n",
        "o\n+8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(v.FormatError):
        v.parse_checkpoint(text)


def test_a_cosignature_over_another_time_or_text_fails():
    witness = Signer("w.example", bytes(range(1, 33)))
    text = "o\n1\n" + v.b64encode(v.leaf_hash(b"")) + "\n"
    sig = witness.cosign(text, 1234)
    assert witness.cosigner.verify(text, sig.payload) == 1234
    moved = (1235).to_bytes(8, "big") + sig.payload[8:]
    assert witness.cosigner.verify(text, moved) is None
    assert witness.cosigner.verify(text.replace("1", "2", 1), sig.payload) is None
    assert witness.cosigner.verify(text, sig.payload[:-1]) is None
    huge = (1 << 63).to_bytes(8, "big") + sig.payload[8:]
    assert witness.cosigner.verify(text, huge) is None


# --- policies -----------------------------------------------------------------------------

LOG = Signer("example.com/log", bytes(range(32)))
WITNESSES = [Signer(f"w{n}.example", bytes([n]) * 32) for n in range(1, 7)]


def wline(n: int, local: str | None = None) -> str:
    return f"witness {local or f'W{n}'} {WITNESSES[n - 1].cosigner.vkey} https://w{n}.example/\n"


def test_the_constructed_policy():
    policy = v.parse_policy(CONSTRUCTED["tlog_policy"].encode())
    assert [log.vkey for log in policy.logs] == [CONSTRUCTED["log"]["vkey"]]
    assert list(policy.witnesses) == ["W1"] and policy.quorum == "W1"
    assert policy.satisfied({"W1"}) and not policy.satisfied(set())


def test_groups_quorum_and_witnessed_time():
    text = (
        f"  # two organisations\nlog {LOG.verifier.vkey}\t https://log.example/\n\n"
        + "".join(wline(n, f"X{n}") for n in (1, 2, 3))
        + "group X-witnesses 2 X1 X2 X3\n"
        + "".join(wline(n, f"Y{n}") for n in (4, 5, 6))
        + "group Y-witnesses any Y4 Y5 Y6\n"
        + "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n"
    )
    policy = v.parse_policy(text.encode())
    assert policy.log_urls == ("https://log.example/",)
    assert policy.witnesses["X2"].url == "https://w2.example/"
    assert policy.quorum_witnesses == ["X1", "X2", "X3", "Y4", "Y5", "Y6"]
    assert policy.satisfied({"X1", "X3", "Y6"})
    assert not policy.satisfied({"X1", "X2", "X3"})
    assert not policy.satisfied({"X1", "Y4", "Y5"})
    # T: the earliest moment at which the cosignatures made so far meet the quorum
    stamps = {"X1": 100, "Y5": 50, "X3": 300, "X2": 200, "Y6": 10}
    assert policy.witnessed_time(stamps) == 200
    assert policy.witnessed_time({"X1": 100, "X2": 200}) is None
    assert policy.witnessed_time({}) is None


def test_a_policy_with_no_witnesses_has_no_witnessed_time():
    policy = v.parse_policy(policy_text(LOG.verifier.vkey).encode())
    assert policy.quorum == "none" and policy.satisfied(set())
    assert policy.witnessed_time({"anyone": 5}) is None and policy.quorum_witnesses == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("quorum none\n", "no log line"),
        (f"log {LOG.verifier.vkey}\n", "no quorum line"),
        (f"log {LOG.verifier.vkey}\nquorum none\nquorum none\n", "second quorum"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}{wline(1)}quorum W1\n", "already defined"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}quorum W2\n", "not defined"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 1 W1 W2\nquorum G\n", "not defined"),
        (f"log {LOG.verifier.vkey}\ngroup G any W1\n{wline(1)}quorum G\n", "not defined"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 0 W1\nquorum G\n", "out of range"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 2 W1\nquorum G\n", "out of range"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 01 W1\nquorum G\n", "decimal"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 1 W1 W1\nquorum G\n", "member twice"),
        (
            f"log {LOG.verifier.vkey}\n{wline(1)}{wline(2)}group G any W1\ngroup F any W1 W2\n"
            "quorum F\n",
            "member twice",
        ),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group G 1 none\nquorum G\n", "not defined"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}group none 1 W1\nquorum none\n", "already"),
        (f"log {LOG.verifier.vkey}\n{wline(1)}{wline(1, 'W2')}quorum W1\n", "twice"),
        (f"log {LOG.verifier.vkey}\nlog {LOG.verifier.vkey}\nquorum none\n", "twice"),
        (f"log {LOG.cosigner.vkey}\nquorum none\n", "type 0x01"),
        (f"log {LOG.verifier.vkey}\nwitness W1 {LOG.verifier.vkey}\nquorum W1\n", "type 0x04"),
        (f"log {LOG.verifier.vkey}\nwitnes W1 x\nquorum none\n", "not a log"),
        (f"log {LOG.verifier.vkey}\nlog\nquorum none\n", "not a log"),
        (f"log {LOG.verifier.vkey}x\nquorum none\n", "line 1"),
        (f"log {LOG.verifier.vkey}\r\nquorum none\n", "control character"),
        (f"log {LOG.verifier.vkey}\nquorum\u00a0none\n", "not a log"),
    ],
)
def test_bad_policies_are_refused(body, message):
    with pytest.raises(v.PolicyError, match=message):
        v.parse_policy(body.encode())


def test_policy_text_round_trips():
    witnesses = [
        PolicyWitness(f"W{n}", WITNESSES[n - 1].cosigner.vkey, f"http://w{n}") for n in (1, 2)
    ]
    policy = v.parse_policy(policy_text(LOG.verifier.vkey, witnesses, 1).encode())
    assert policy.satisfied({"W2"}) and policy.witnesses["W1"].url == "http://w1"
    everyone = v.parse_policy(policy_text(LOG.verifier.vkey, witnesses).encode())
    assert not everyone.satisfied({"W2"}) and everyone.satisfied({"W1", "W2"})
    with pytest.raises(ValueError, match="quorum of 3"):
        policy_text(LOG.verifier.vkey, witnesses, 3)


# --- checkpoints under a policy, and tlog-proof files ---------------------------------------


def demo_policy() -> v.Policy:
    return v.parse_policy(CONSTRUCTED["tlog_policy"].encode())


def test_the_constructed_proof_file():
    proof = v.parse_tlog_proof(CONSTRUCTED["tlog_proof_index5"].encode())
    assert proof.index == 5 and proof.extra == b"demo-extra" and len(proof.hashes) == 3
    assert proof.checkpoint == CONSTRUCTED["checkpoint_size8_cosigned"].encode()
    leaf = v.leaf_hash(H(CONSTRUCTED["tlog_proof_leaf_data_hex"]))
    inclusion = v.verify_tlog_proof(CONSTRUCTED["tlog_proof_index5"].encode(), leaf, demo_policy())
    assert inclusion.index == 5
    assert inclusion.checked.cosigners == {"W1": 1700000000}
    assert inclusion.checked.witnessed_time == 1700000000
    assert inclusion.checked.checkpoint.size == 8


def test_a_proof_is_refused_for_another_leaf_index_or_policy():
    data = CONSTRUCTED["tlog_proof_index5"].encode()
    leaf = v.leaf_hash(H(CONSTRUCTED["tlog_proof_leaf_data_hex"]))
    with pytest.raises(v.ProofError):
        v.verify_tlog_proof(data, v.leaf_hash(b"other"), demo_policy())
    with pytest.raises(v.ProofError):
        v.verify_tlog_proof(data.replace(b"index 5", b"index 4"), leaf, demo_policy())
    stranger = v.parse_policy(policy_text(LOG.verifier.vkey).encode())
    with pytest.raises(v.PolicyError, match="no log with origin"):
        v.verify_tlog_proof(data, leaf, stranger)
    # the log's key under the right name, but not the key that signed
    impostor = Signer("example.com/demo-log", bytes(32))
    wrong_key = v.parse_policy(policy_text(impostor.verifier.vkey).encode())
    with pytest.raises(v.SignatureError):
        v.verify_tlog_proof(data, leaf, wrong_key)
    # the cosignature line removed: the quorum W1 is not met
    uncosigned = data.replace(CONSTRUCTED["add_checkpoint_response_200"].encode(), b"")
    with pytest.raises(v.QuorumError, match="quorum 'W1' is not met"):
        v.verify_tlog_proof(uncosigned, leaf, demo_policy())
    assert not v.verify_tlog_proof(
        uncosigned, leaf, demo_policy(), require_quorum=False
    ).checked.quorum_met


def test_a_forged_cosignature_rejects_the_checkpoint():
    note = CONSTRUCTED["checkpoint_size8"].encode()
    witness = CONSTRUCTED["witness"]
    forger = Signer(witness["name"], bytes(32))
    text = v.parse_note(note).text
    forged = forger.cosign(text, 1700000000)
    # pretend the forged line comes from the real witness key: same name and key ID
    real_id = v.parse_vkey(witness["vkey_type_0x04"]).key_id
    line = v.Signature(forged.name, real_id, forged.payload).line
    with pytest.raises(v.SignatureError, match="does not verify"):
        v.verify_checkpoint(add_signatures(note, [line]), demo_policy())


def test_an_empty_checkpoint_must_have_the_empty_root():
    log = Signer("example.com/log", bytes(range(32)))
    policy = v.parse_policy(policy_text(log.verifier.vkey).encode())
    good = log.sign_note(f"example.com/log\n0\n{v.b64encode(v.EMPTY_ROOT)}\n")
    assert v.verify_checkpoint(good, policy).checkpoint.size == 0
    bad = log.sign_note(f"example.com/log\n0\n{v.b64encode(v.leaf_hash(b''))}\n")
    with pytest.raises(v.ProofError, match="empty tree"):
        v.verify_checkpoint(bad, policy)


@pytest.mark.parametrize(
    "data",
    [
        b"c2sp.org/tlog-proof@v2\nindex 0\n\nx",
        b"c2sp.org/tlog-proof@v1\nindex 0\n",
        b"c2sp.org/tlog-proof@v1\nindex 00\n\nx",
        b"c2sp.org/tlog-proof@v1\n\n",
        b"c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx",
        b"c2sp.org/tlog-proof@v1\nindex 1\nYWI=\n\nx",
        b"c2sp.org/tlog-proof@v1\nindex 1\nextra YWI=\n\nx",
        b"\xffc2sp.org/tlog-proof@v1\nindex 0\n\nx",
    ],
)
def test_malformed_proof_files_are_refused(data):
    with pytest.raises(v.FormatError):
        v.parse_tlog_proof(data)


def test_a_proof_file_for_a_tree_of_one():
    log = Signer("example.com/log", bytes(range(32)))
    leaf = v.leaf_hash(b"only")
    note = log.sign_note(f"example.com/log\n1\n{v.b64encode(leaf)}\n")
    data = tlog_proof(0, [], note)
    assert data.startswith(b"c2sp.org/tlog-proof@v1\nindex 0\n\nexample.com/log\n1\n")
    policy = v.parse_policy(policy_text(log.verifier.vkey).encode())
    assert v.verify_tlog_proof(data, leaf, policy).checked.witnessed_time is None
