"""The verifier's commands (bundle, consistency, monitor) on logs built with real keys, and the
operator's attacks each caught; the verifier alone in a fresh virtual environment."""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tlog import Log, iso
from tracker import verify
from tracker.domain import ledger

DAY = 86_400
T0 = 1_780_000_000  # the first publication's time
PDF_EN = b"%PDF-1.7 report of entry 1 in English"
PDF_ZH = b"%PDF-1.7 report of entry 1 in Chinese"


def world() -> Log:
    """Three publications; two reports of the first; nothing witnessed yet."""
    log = Log()
    log.publish("alpha", T0)
    log.report(1, "en", T0 + 30, PDF_EN)
    log.report(1, "zh", T0 + 40, PDF_ZH)
    log.publish("beta", T0 + 100)
    log.publish("gamma", T0 + 200)
    return log


def run(*args: str | Path) -> tuple[int, str]:
    """main() in-process: exit code and what it printed."""
    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = verify.main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_publication_entries_are_the_ledgers_own():
    """The test log writes publication entries exactly as tracker.domain.ledger does."""
    log = world()
    snapshot = json.loads(log.snapshots[1])
    entry = ledger.next_entry(
        None, ledger.EntryKind.PUBLICATION, "alpha", "2026", 1, iso(T0), snapshot
    )
    assert entry.leaf_data() == log.leaf_data(1)
    assert verify.entry_hash(log.entries[3]) == log.entries[3]["entry_hash"]


# --- bundle -------------------------------------------------------------------------------


def test_a_good_bundle_verifies(tmp_path):
    log = world()
    note = log.checkpoint(5, {1: T0 + 300, 2: T0 + 240})
    bundle = log.bundle(1, note).zip(tmp_path / "b.zip")
    policy = write(tmp_path, "policy.txt", log.policy())
    code, out = run("bundle", bundle, "--policy", policy)
    assert code == 0, out
    expected_time = iso(T0 + 300)  # the later of the two: the quorum is both
    assert (
        f"VERIFIED: in the log as entry 1, cosigned by 2 of 2 witnesses no later than "
        f"{expected_time}"
    ) in out
    assert "ok: report-en.pdf is the document recorded in entry 2" in out
    assert "ok: report-zh.pdf (entry 3) renders entry 1 in language zh" in out
    assert "the bundle's policy.txt is the trusted policy" in out
    fingerprint = verify.policy_fingerprint(log.policy())
    assert f"note: the trusted policy's fingerprint is {fingerprint}" in out
    key_id = log.signer.verifier.key_id.hex()
    assert f"the log signature of tracker.test/ledger (key ID {key_id}) verifies" in out
    assert "warning" not in out and "error" not in out


def test_the_witnessed_time_is_when_the_quorum_was_first_met(tmp_path):
    log = world()
    note = log.checkpoint(5, {1: T0 + 300, 2: T0 + 240})
    bundle = log.bundle(4, note).zip(tmp_path / "b.zip")
    policy = write(tmp_path, "policy.txt", log.policy(quorum=1))
    code, out = run("bundle", bundle, "--policy", policy)
    assert code == 0, out
    assert f"entry 4, cosigned by 2 of 2 witnesses no later than {iso(T0 + 240)}" in out
    assert "no report PDF" in out
    assert "differs from the trusted policy" in out  # the bundle carries the 2-of-2 policy


def with_first_hash(proof: bytes, value: bytes) -> bytes:
    lines = proof.split(b"\n")
    lines[2] = verify.b64encode(value).encode()  # after the header and the index line
    return b"\n".join(lines)


TAMPERING = {
    "snapshot": (
        lambda m: m.update({"snapshot.json": m["snapshot.json"].replace(b"met", b"not_met")}),
        "snapshot.json does not match",
    ),
    "pdf": (
        lambda m: m.update({"report-en.pdf": m["report-en.pdf"] + b" "}),
        "report-en.pdf does not match",
    ),
    "entry field": (
        lambda m: m.update({"entry.json": m["entry.json"].replace(b"alpha", b"alphb")}),
        "entry 1: its entry_hash does not match",
    ),
    "proof hash": (
        lambda m: m.update({"entry.tlog-proof": with_first_hash(m["entry.tlog-proof"], bytes(32))}),
        "entry 1: inclusion proof for index 0 does not lead to the root",
    ),
    "proof hash not base64": (
        lambda m: m.update(
            {"entry.tlog-proof": m["entry.tlog-proof"].replace(b"index 0\n", b"index 0\nA", 1)}
        ),
        "entry 1: proof hash 1: not canonical base64",
    ),
    "proof index": (
        lambda m: m.update(
            {"entry.tlog-proof": m["entry.tlog-proof"].replace(b"index 0\n", b"index 3\n", 1)}
        ),
        "entry 1",
    ),
    "checkpoint member": (
        lambda m: m.update({"checkpoint": m["checkpoint"] + b"\xe2\x80\x94 x AAAAAAE=\n"}),
        "checkpoint is not the checkpoint entry.tlog-proof embeds",
    ),
    "missing proof": (lambda m: m.pop("entry.tlog-proof"), "the proof file is missing"),
    "missing snapshot": (lambda m: m.pop("snapshot.json"), "has no snapshot.json"),
    "missing report entry": (
        lambda m: m.pop("report-zh-entry.json"),
        "report-zh.pdf: the PDF or its report-zh-entry.json is missing",
    ),
    "report of another entry": (
        lambda m: m.update({"report-en-entry.json": m["entry.json"]}),
        "does not render entry 1",
    ),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_a_tampered_bundle_is_refused(tmp_path, name):
    log = world()
    note = log.checkpoint(5, {1: T0 + 300, 2: T0 + 300})
    parts = log.bundle(1, note)
    change, message = TAMPERING[name]
    change(parts.members)
    policy = write(tmp_path, "policy.txt", log.policy())
    code, out = run("bundle", parts.zip(tmp_path / "b.zip"), "--policy", policy)
    assert code == verify.EXIT_FAILED, out
    assert message in out and "NOT VERIFIED" in out


def test_a_report_pdf_swapped_for_the_other_language_is_refused(tmp_path):
    log = world()
    parts = log.bundle(1, log.checkpoint(5, {1: T0 + 300, 2: T0 + 300}))
    parts.members["report-en.pdf"] = PDF_ZH
    code, out = run(
        "bundle", parts.zip(tmp_path / "b.zip"), "--policy", write(tmp_path, "p", log.policy())
    )
    assert code == 1 and "report-en.pdf does not match" in out


def test_a_forged_witness_signature_is_refused(tmp_path):
    log = world()
    note = log.checkpoint(5, {1: T0 + 300})
    text = verify.parse_note(note).text
    forger = Log().witnesses[1]  # another key under the second witness's name and key ID
    forged = forger.cosign(text, T0 + 300)
    line = verify.Signature(log.witnesses[1].name, log.witnesses[1].cosigner.key_id, forged.payload)
    forged_note = note + line.line.encode()
    bundle = log.bundle(1, forged_note).zip(tmp_path / "b.zip")
    code, out = run("bundle", bundle, "--policy", write(tmp_path, "p", log.policy()))
    assert code == 1
    assert "the signature of w2.test/witness does not verify" in out


def test_a_quorum_not_met_is_refused(tmp_path):
    log = world()
    note = log.checkpoint(5, {1: T0 + 300})  # one of the two required
    bundle = log.bundle(1, note).zip(tmp_path / "b.zip")
    code, out = run("bundle", bundle, "--policy", write(tmp_path, "p", log.policy()))
    assert code == 1
    assert "entry 1: the witness quorum 'required' is not met (cosigned by W1)" in out
    assert "cosigned by" in out and "NOT VERIFIED" in out
    # the same bundle under a 1-of-2 policy verifies
    code, out = run("bundle", bundle, "--policy", write(tmp_path, "p1", log.policy(quorum=1)))
    assert code == 0 and "cosigned by 1 of 2 witnesses" in out


def test_a_bundle_signed_by_another_log_key_is_refused(tmp_path):
    log, other = world(), world()
    bundle = log.bundle(1, log.checkpoint(5, {1: T0 + 300, 2: T0 + 300})).zip(tmp_path / "b.zip")
    code, out = run("bundle", bundle, "--policy", write(tmp_path, "p", other.policy()))
    assert code == 1 and "entry 1: no signature from a known key" in out, out


def test_a_back_dated_entry_is_flagged(tmp_path):
    """An entry witnessed long after its stated date is a warning; one dated after the
    witnesses had seen it is an error."""
    log = Log()
    log.publish("alpha", T0 - 30 * DAY)  # claims a month before anyone witnessed it
    log.publish("beta", T0 + 5 * DAY)  # claims a date after the cosignatures
    note = log.checkpoint(2, {1: T0, 2: T0 + 10})
    policy = write(tmp_path, "p", log.policy())
    code, out = run("bundle", log.bundle(1, note).zip(tmp_path / "a.zip"), "--policy", policy)
    assert code == 0, out
    assert f"warning: entry 1: stated publication {iso(T0 - 30 * DAY)}" in out
    assert "30.0 days later" in out and "before the log had witnesses" in out
    code, out = run("bundle", log.bundle(2, note).zip(tmp_path / "b.zip"), "--policy", policy)
    assert code == 1
    assert f"it says it was published at {iso(T0 + 5 * DAY)}, after the witnesses" in out
    # a few seconds of clock skew between log and witness is tolerated
    skewed = Log()
    skewed.publish("alpha", T0 + 20)
    note = skewed.checkpoint(1, {1: T0, 2: T0})
    code, out = run(
        "bundle",
        skewed.bundle(1, note).zip(tmp_path / "c.zip"),
        "--policy",
        write(tmp_path, "q", skewed.policy()),
    )
    assert code == 0 and "warning" not in out, out


def test_a_policy_without_witnesses_gives_no_time(tmp_path):
    log = world()
    bundle = log.bundle(1, log.checkpoint(5)).zip(tmp_path / "b.zip")
    policy = write(tmp_path, "p", log.policy(quorum=0))
    code, out = run("bundle", bundle, "--policy", policy)
    assert code == 0, out
    assert "in the log as entry 1, the policy requires no witness" in out


def test_usage_errors_exit_2(tmp_path):
    log = world()
    bundle = log.bundle(1, log.checkpoint(5)).zip(tmp_path / "b.zip")
    assert run("bundle", bundle, "--policy", tmp_path / "absent")[0] == 2
    assert run("bundle", bundle, "--policy", write(tmp_path, "bad", b"log x\n"))[0] == 2
    policy = write(tmp_path, "p", log.policy())
    assert run("bundle", tmp_path / "absent.zip", "--policy", policy)[0] == 2
    assert run("bundle", write(tmp_path, "x.zip", b"not a zip"), "--policy", policy)[0] == 2
    assert run("bundle", bundle)[0] == 2
    assert run()[0] == 2


def test_a_bundle_with_junk_entries_is_refused_not_crashed(tmp_path):
    log = world()
    parts = log.bundle(1, log.checkpoint(5, {1: T0 + 300, 2: T0 + 300}))
    policy = write(tmp_path, "p", log.policy())
    for junk in (b"[]", b"{", b'{"sequence": "1"}', b"\xff", b'{"sequence": 0}'):
        parts.members["entry.json"] = junk
        code, out = run("bundle", parts.zip(tmp_path / "b.zip"), "--policy", policy)
        assert code == 1 and "entry.json" in out, out
    parts = log.bundle(1, log.checkpoint(5, {1: T0 + 300, 2: T0 + 300}))
    parts.members["surprise.exe"] = b"MZ"
    code, out = run("bundle", parts.zip(tmp_path / "c.zip"), "--policy", policy)
    assert code == 0 and "unexpected member surprise.exe" in out


def test_python_dash_m_runs_the_verifier(tmp_path):
    log = world()
    bundle = log.bundle(1, log.checkpoint(5, {1: T0 + 1, 2: T0 + 2})).zip(tmp_path / "b.zip")
    policy = write(tmp_path, "p", log.policy())
    result = subprocess.run(
        [sys.executable, "-m", "tracker.verify", "bundle", str(bundle), "--policy", str(policy)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(verify.__file__).parent.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED: in the log as entry 1" in result.stdout


# --- consistency --------------------------------------------------------------------------


def test_consistency_between_two_kept_checkpoints(tmp_path):
    log = world()
    old = write(tmp_path, "old", log.checkpoint(2))
    new = write(tmp_path, "new", log.checkpoint(5))
    proof = write(tmp_path, "proof", log.consistency(2, 5))
    policy = write(tmp_path, "p", log.policy())
    code, out = run("consistency", old, new, "--proof", proof, "--policy", policy)
    assert code == 0, out
    assert "VERIFIED: the log tracker.test/ledger only grew from size 2 to 5" in out
    code, out = run("consistency", old, new, "--proof", proof)
    assert code == 0 and "signatures were not checked" in out
    code, out = run("consistency", new, old, "--proof", proof, "--policy", policy)
    assert code == 1 and "shrank" in out
    same = write(tmp_path, "empty", b"")
    assert run("consistency", new, new, "--proof", same, "--policy", policy)[0] == 0
    wrong = write(tmp_path, "wrong", log.consistency(3, 5))
    assert run("consistency", old, new, "--proof", wrong, "--policy", policy)[0] == 1
    assert run("consistency", old, new, "--proof", tmp_path / "none")[0] == 2
    assert run("consistency", old, new, "--proof", write(tmp_path, "junk", b"\xff\n"))[0] == 1


def test_a_rewritten_history_is_caught_by_a_kept_checkpoint(tmp_path):
    """The operator edits an old snapshot and recomputes every later hash: the new log signs
    and proves inclusion, but no proof joins it to a checkpoint a reader kept."""
    log = world()
    kept = write(tmp_path, "kept", log.checkpoint(4))
    edited = {"company": "alpha", "items": [{"id": "c1", "status": "not_met"}]}
    rewritten = Log()
    rewritten.signer = log.signer  # the operator has the log key
    rewritten.publish("alpha", T0, edited)
    for entry in log.entries[1:]:
        if entry["kind"] == "report":
            rewritten.report(1, entry["language"], T0 + 30, log.documents[entry["sequence"]])
        else:
            rewritten.publish(
                entry["company"], T0 + 100, json.loads(log.snapshots[entry["sequence"]])
            )
    new_note = rewritten.checkpoint(6)
    new = write(tmp_path, "new", new_note)
    policy = write(tmp_path, "p", log.policy(quorum=0))
    # the rewritten log is self-consistent: its own bundle verifies under a no-witness policy
    code, out = run(
        "bundle", rewritten.bundle(1, new_note).zip(tmp_path / "b.zip"), "--policy", policy
    )
    assert code == 0, out
    # ... but not with the checkpoint the reader kept, whatever proof the operator offers
    for proof in (rewritten.consistency(4, 6), log.consistency(4, 5), b""):
        code, out = run("consistency", kept, new, "--proof", write(tmp_path, "x", proof))
        assert code == 1, out


def test_a_removed_entry_is_caught_by_a_kept_checkpoint(tmp_path):
    log = world()
    kept = write(tmp_path, "kept", log.checkpoint(5))
    shorter = Log()
    shorter.signer = log.signer
    for entry in log.entries:
        if entry["company"] != "beta":  # entry 4 removed, the rest re-chained
            if entry["kind"] == "report":
                shorter.report(1, entry["language"], T0, log.documents[entry["sequence"]])
            else:
                shorter.publish(entry["company"], T0, json.loads(log.snapshots[entry["sequence"]]))
    shorter.publish("delta", T0 + 500)
    shorter.publish("epsilon", T0 + 600)
    new = write(tmp_path, "new", shorter.checkpoint(6))
    code, out = run(
        "consistency", kept, new, "--proof", write(tmp_path, "p", shorter.consistency(5, 6))
    )
    assert code == 1 and "error: the proof does not rebuild the old root (size 5)" in out, out


# --- monitor ------------------------------------------------------------------------------


class Served:
    """What the fake log serves: path (with query) -> bytes; anything else is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}


@pytest.fixture
def site() -> Iterator[tuple[str, Served]]:
    served = Served()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()


def serve(served: Served, log: Log, size: int, since: int | None = None) -> None:
    served.pages["/ledger/checkpoint"] = log.checkpoint(size, {1: T0 + size, 2: T0 + size})
    served.pages["/ledger/policy"] = log.policy()
    if since is not None:
        served.pages[f"/ledger/consistency?from={since}&to={size}"] = log.consistency(since, size)


def test_the_monitor_follows_a_growing_log(tmp_path, site):
    url, served = site
    log = world()
    policy = write(tmp_path, "p", log.policy())
    state = tmp_path / "state"
    serve(served, log, 2)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 0 and "first run: kept the checkpoint of size 2" in out, out
    serve(served, log, 5, since=2)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 0 and "size 5 extends the kept size 2" in out, out
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 0 and "no new entries since size 5" in out, out
    assert verify.parse_note((state / "checkpoint").read_bytes()).text.split("\n")[1] == "5"


def test_the_monitor_pins_the_served_policy_on_first_use(tmp_path, site):
    url, served = site
    log = world()
    serve(served, log, 3)
    state = tmp_path / "state"
    code, out = run("monitor", url, "--state", state)
    assert code == 0 and "trusting the policy served now" in out, out
    assert (state / "policy.txt").read_bytes() == log.policy()
    # a later change of the served policy does not change what the monitor trusts
    impostor = world()
    served.pages["/ledger/policy"] = impostor.policy()
    served.pages["/ledger/checkpoint"] = impostor.checkpoint(3, {1: T0, 2: T0})
    code, out = run("monitor", url, "--state", state)
    assert code == 1 and "no signature from a known key" in out, out


def test_the_monitor_alerts_on_two_checkpoints_of_the_same_size(tmp_path, site):
    """A split view: another tree of the same size, signed by the same log key."""
    url, served = site
    log = world()
    policy = write(tmp_path, "p", log.policy())
    state = tmp_path / "state"
    serve(served, log, 5)
    assert run("monitor", url, "--state", state, "--policy", policy)[0] == 0
    fork = Log()
    fork.signer, fork.witnesses = log.signer, log.witnesses  # everyone is in on it
    for n in range(5):
        fork.publish(f"fork{n}", T0)
    serve(served, fork, 5)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 1 and "two different checkpoints of size 5" in out, out
    assert list(state.glob("rejected-*.checkpoint"))
    # the kept checkpoint is still the first one
    assert (state / "checkpoint").read_bytes() == log.checkpoint(5, {1: T0 + 5, 2: T0 + 5})


def test_the_monitor_alerts_on_a_rewrite_a_shrink_and_a_bad_signature(tmp_path, site):
    url, served = site
    log = world()
    policy = write(tmp_path, "p", log.policy())
    state = tmp_path / "state"
    serve(served, log, 4)
    assert run("monitor", url, "--state", state, "--policy", policy)[0] == 0
    # a rewritten log, larger, with the operator's best consistency proof
    fork = Log()
    fork.signer, fork.witnesses = log.signer, log.witnesses
    for n in range(6):
        fork.publish(f"fork{n}", T0)
    serve(served, fork, 6, since=4)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 1 and "size 6 is not an extension of size 4" in out, out
    # the log went backwards
    serve(served, log, 3)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 1 and "went backwards, from 4 to 3" in out, out
    # a checkpoint whose log signature was tampered with
    note = bytearray(log.checkpoint(5, {1: T0, 2: T0}))
    note[note.index(b"\xe2\x80\x94") + 30] ^= 1
    served.pages["/ledger/checkpoint"] = bytes(note)
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 1 and "the latest checkpoint" in out, out
    # the quorum missing
    served.pages["/ledger/checkpoint"] = log.checkpoint(5, {1: T0})
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 1 and "quorum" in out, out
    # a missing consistency proof is a network-level failure: nothing concluded
    served.pages["/ledger/checkpoint"] = log.checkpoint(5, {1: T0, 2: T0})
    code, out = run("monitor", url, "--state", state, "--policy", policy)
    assert code == 3 and "HTTP 404" in out, out
    # after all that the monitor still holds the honest size 4 and accepts the honest log
    serve(served, log, 5, since=4)
    assert run("monitor", url, "--state", state, "--policy", policy)[0] == 0


def test_the_monitor_with_the_log_down_concludes_nothing(tmp_path):
    log = world()
    policy = write(tmp_path, "p", log.policy())
    code, out = run("monitor", "http://127.0.0.1:9", "--state", tmp_path / "s", "--policy", policy)
    assert code == 3 and "nothing was concluded" in out
    assert (
        run("monitor", "file:///etc/passwd", "--state", tmp_path / "s", "--policy", policy)[0] == 2
    )


# --- the verifier alone -------------------------------------------------------------------


def test_verify_py_alone_in_a_fresh_venv(tmp_path):
    """Only cryptography installed, only verify.py copied: a good bundle verifies, a tampered
    one does not."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "cryptography"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = {line.split("==")[0].lower() for line in installed.split()}
    assert names <= {"cryptography", "cffi", "pycparser", "pip", "setuptools"}, names
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(verify.__file__, alone / "verify.py")
    log = world()
    note = log.checkpoint(5, {1: T0 + 300, 2: T0 + 300})
    good = log.bundle(1, note).zip(alone / "good.zip")
    parts = log.bundle(1, note)
    parts.members["report-zh.pdf"] = b"%PDF-1.7 another text"
    bad = parts.zip(alone / "bad.zip")
    write(alone, "policy.txt", log.policy())

    def verify_alone(bundle: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(python), "-I", "verify.py", "bundle", bundle.name, "--policy", "policy.txt"],
            cwd=alone,
            capture_output=True,
            text=True,
            check=False,
        )

    result = verify_alone(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED: in the log as entry 1, cosigned by 2 of 2 witnesses" in result.stdout
    result = verify_alone(bad)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "report-zh.pdf does not match" in result.stdout
