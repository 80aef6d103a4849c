"""The evidence bundle of a published version: one zip with everything needed to check it
offline (``python verify.py bundle B.zip --policy POLICY``).

Members:

- ``snapshot.json``: the snapshot exactly as hashed (its SHA-256 is the entry's
  ``snapshot_sha256``); ``entry.json``: the publication entry's leaf data; ``entry.tlog-proof``;
- per stored PDF in language L: ``report-L.pdf``, ``report-L-entry.json`` (its report entry's
  leaf data) and ``report-L.tlog-proof``;
- ``checkpoint``: the cosigned checkpoint every proof embeds, the EARLIEST cosigned one that
  contains the entries (the tightest "witnessed no later than"); ``policy.txt``: the policy as
  published today (the verifier trusts the one it is given, never this copy); ``README.txt``.

A bundle is built on request (a few queries, the leaf hashes once, two PDFs read from the store:
milliseconds for thousands of entries) and is the same bytes every time for the same record:
members are written in a fixed order with a fixed time, so its ETag is stable.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import Session
from tracker.domain import merkle, tlog
from tracker.domain.canonical import canonical_json
from tracker.domain.ledger import PUBLISHED_KINDS
from tracker.ledger import log
from tracker.ledger.models import Checkpoint, LedgerEntry, Publication
from tracker.ledger.policy import LogPolicy
from tracker.storage.base import BlobNotFound

logger = logging.getLogger(__name__)

# app.extensions: a stored PDF opened from its SHA-256 (set by tracker.reports.jobs).
DOCUMENTS = "tracker.ledger.documents"

# Every member is dated so (zip needs a date; any fixed one keeps the bytes the same).
MEMBER_TIME = (2024, 1, 1, 0, 0, 0)

README = """\
Evidence bundle of ledger entry {sequence}: {company}, {cycle}, version {version}.

Check it offline with the verifier (one file; it needs Python 3 and `pip install cryptography`):

    python verify.py bundle {name} --policy policy.txt

Use a policy.txt you trust: downloaded from the tracker and compared with the fingerprint
(SHA-256) printed in the reports, or obtained from the alliance. The verifier never trusts the
policy.txt in this bundle; it only says whether yours differs from it.

What is here:
  snapshot.json            the published content, exactly as hashed (RFC 8785 canonical JSON)
  entry.json               ledger entry {sequence}, exactly as it is a leaf of the log
  entry.tlog-proof         its inclusion proof (C2SP tlog-proof) in the checkpoint below
{reports}  checkpoint               the log's checkpoint of {size} entries, signed by the log and
                           cosigned by its witnesses (C2SP signed-note / tlog-checkpoint)
  policy.txt               the trust policy as the tracker publishes it (C2SP tlog-policy)
"""
REPORT_LINES = """\
  report-{l}.pdf            the report in {language}, as stored and served
  report-{l}-entry.json     ledger entry {sequence}: that PDF's SHA-256, naming entry {renders}
  report-{l}.tlog-proof     its inclusion proof in the checkpoint below
"""
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


def _checkpoint_for(
    session: Session, entries: list[LedgerEntry], policy: LogPolicy
) -> tuple[Checkpoint, list[LedgerEntry]] | None:
    """The earliest cosigned checkpoint containing every entry given, or, when the later ones
    (reports stored since) are not cosigned yet, the earliest containing the first: with the
    entries it contains."""
    last = max(e.sequence for e in entries)
    found = log.earliest_cosigned_containing(session, last, policy.policy)
    if found is None:
        found = log.earliest_cosigned_containing(session, entries[0].sequence, policy.policy)
    if found is None:
        return None
    return found, [e for e in entries if e.sequence <= found.size]


def build(
    session: Session, sequence: int, policy: LogPolicy, document: Callable[[str], BinaryIO]
) -> bytes | None:
    """The bundle of publication entry ``sequence``; None when there is no such entry, it is a
    report entry, or no cosigned checkpoint contains it yet. ``document`` opens a stored PDF
    from its SHA-256 (BlobNotFound when it is not kept)."""
    # The entry with its publication and snapshot in one query.
    entry = session.scalar(
        sa.select(LedgerEntry)
        .where(LedgerEntry.sequence == sequence)
        .options(joinedload(LedgerEntry.publication).undefer(Publication.snapshot))
    )
    if entry is None or entry.kind not in PUBLISHED_KINDS or entry.publication is None:
        return None
    reports = log.report_entries(session, entry.publication)
    chosen = _checkpoint_for(session, [entry, *reports], policy)
    if chosen is None:
        return None
    checkpoint, included = chosen
    note = log.cosigned_note(session, checkpoint, policy.policy)
    hashes = log.leaf_hashes(session, checkpoint.size)

    def proof(e: LedgerEntry) -> bytes:
        return tlog.tlog_proof(e.sequence - 1, merkle.inclusion_proof(e.sequence - 1, hashes), note)

    members: list[tuple[str, bytes]] = [
        ("snapshot.json", canonical_json(entry.publication.snapshot)),
        ("entry.json", entry.to_entry().leaf_data()),
        ("entry.tlog-proof", proof(entry)),
    ]
    listed = ""
    # A report rebuilt after its file was lost has a later entry of the same language: the
    # bundle holds the latest one the checkpoint covers (whose PDF is the one stored).
    latest = {report.language: report for report in included[1:]}
    for report in sorted(latest.values(), key=lambda r: r.sequence):
        language = report.language or ""
        try:
            with document(report.document_sha256 or "") as stored:
                pdf = stored.read()
        except (OSError, ValueError, BlobNotFound) as missing:  # a stored PDF gone: the rest holds
            logger.error("report %s of entry %d is missing: %s", language, sequence, missing)
            continue
        members += [
            (f"report-{language}.pdf", pdf),
            (f"report-{language}-entry.json", report.to_entry().leaf_data()),
            (f"report-{language}.tlog-proof", proof(report)),
        ]
        listed += REPORT_LINES.format(
            l=language,
            language=LANGUAGE_NAMES.get(language, language),
            sequence=report.sequence,
            renders=sequence,
        )
    readme = README.format(
        sequence=sequence,
        company=entry.company_slug,
        cycle=entry.cycle_slug,
        version=entry.version,
        name=f"ledger-entry-{sequence}.zip",
        reports=listed,
        size=checkpoint.size,
    )
    members += [("checkpoint", note), ("policy.txt", policy.data), ("README.txt", readme.encode())]
    return _zip(members)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=MEMBER_TIME)
            # PDFs are compressed already; the text members shrink.
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
