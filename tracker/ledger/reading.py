"""What a reader is told about the record: a published version's entry, its leaf and the
entries of its reports; the log's key and policy fingerprints; the current checkpoint and who
cosigned it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from tracker.db import Session
from tracker.domain.languages import LANGUAGES, Language
from tracker.ledger import log
from tracker.ledger.keys import log_key
from tracker.ledger.models import Checkpoint, Publication
from tracker.ledger.policy import LogPolicy, log_policy
from tracker.params import MAX_ID, BadParameter, parse_int
from tracker.verify import b64encode


@dataclass(frozen=True)
class ReportRecord:
    """A report of the version in one language, and the entry that records its PDF (None
    until the PDF is stored: it is rendered at publication, or at its first download)."""

    language: Language
    sequence: int | None


@dataclass(frozen=True)
class VersionRecord:
    """A published version's entry as pages name it."""

    sequence: int
    version: int
    leaf_hash: str  # hex SHA-256(0x00 || leaf data)
    snapshot_sha256: str
    reports: tuple[ReportRecord, ...]


def record_of(session: Session, publication: Publication) -> VersionRecord:
    """The record of a published version (one query: its report entries)."""
    entry = publication.entry
    recorded = {e.language: e.sequence for e in log.report_entries(session, publication)}
    return VersionRecord(
        sequence=entry.sequence,
        version=entry.version,
        leaf_hash=entry.leaf_hash,
        snapshot_sha256=entry.snapshot_sha256,
        reports=tuple(ReportRecord(lang, recorded.get(lang.code)) for lang in LANGUAGES),
    )


@dataclass(frozen=True)
class LogIdentity:
    """What readers compare to know they hold this log's record: the log's key (its vkey,
    ``<origin>+<key ID>+<base64>``, and key ID) and the SHA-256 of the trust policy."""

    origin: str
    vkey: str
    key_id: str
    policy_sha256: str


def log_identity() -> LogIdentity:
    """The current app's log identity (for templates: ``ledger_identity()``)."""
    verifier = log_key().verifier
    return LogIdentity(
        origin=verifier.name,
        vkey=verifier.vkey,
        key_id=verifier.key_id.hex(),
        policy_sha256=log_policy().fingerprint,
    )


@dataclass(frozen=True)
class CheckpointShown:
    size: int
    root: str  # base64, as in the note
    signed_at: datetime
    cosigned: bool
    witnessed_at: datetime | None  # T: when a quorum had cosigned it (None: quorum "none")


@dataclass(frozen=True)
class WitnessShown:
    name: str  # the witness's name in the policy
    key_name: str  # the name its cosignatures carry
    cosigned_at: datetime | None  # of the checkpoint shown


@dataclass(frozen=True)
class LogStatus:
    checkpoint: CheckpointShown | None  # the latest cosigned, else the latest signed
    latest_size: int  # of the latest checkpoint signed (may be larger, not yet cosigned)
    witnesses: tuple[WitnessShown, ...]


def _moment(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def log_status(session: Session, policy: LogPolicy) -> LogStatus:
    """The checkpoint the ledger page shows and the witnesses' part in it (a few queries)."""
    latest = log.latest_checkpoint(session)
    cosigned = log.latest_cosigned(session, policy.policy)
    shown: Checkpoint | None = cosigned or latest
    stamps = log.witnessed_by(session, shown.size, policy.policy) if shown else {}
    witnesses = tuple(
        WitnessShown(w.name, w.verifier.name, _moment(stamps[w.name]) if w.name in stamps else None)
        for w in policy.policy.witnesses.values()
    )
    if shown is None:
        return LogStatus(None, 0, witnesses)
    witnessed = policy.policy.witnessed_time(stamps) if cosigned is not None else None
    return LogStatus(
        CheckpointShown(
            size=shown.size,
            root=b64encode(bytes.fromhex(shown.root_hash)),
            signed_at=shown.created_at,
            cosigned=cosigned is not None,
            witnessed_at=_moment(witnessed) if witnessed is not None else None,
        ),
        latest.size if latest else 0,
        witnesses,
    )


def latest_size(session: Session) -> int:
    """The size of the largest tree the log signed (0 before any)."""
    return session.scalar(sa.select(sa.func.max(Checkpoint.size))) or 0


def site_url() -> str:
    """The public address commands on pages name: BASE_URL, else the request's."""
    base = current_app.config.get("BASE_URL")
    if base:
        return str(base).rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def signed_size(session: Session, name: str, raw: str) -> int:
    """A tree size given as text (a query argument ``name``): a whole number, and one the log
    signed a checkpoint for; BadParameter (a 400 naming the range) otherwise. 0 is the empty
    tree."""
    size = parse_int(name, raw, 0, MAX_ID)
    if size and log.checkpoint_of_size(session, size) is None:
        raise BadParameter(name, raw, 0, latest_size(session), code="request.bad_number")
    return size
