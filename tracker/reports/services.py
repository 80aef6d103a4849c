"""Published reports: rendered once, stored by content hash, served from disk."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.disclosures.models import Disclosure
from tracker.publication.models import Publication
from tracker.publication.queries import report_of
from tracker.reports import context
from tracker.reports.context import CompanyReport
from tracker.reports.models import StoredReport
from tracker.reports.rendering import LANGUAGES, company_report_pdf


def report_path(directory: Path, sha256: str) -> Path:
    return Path(directory) / sha256[:2] / f"{sha256}.pdf"


def _store(directory: Path, pdf: bytes) -> str:
    """Write the PDF under its hash (atomically: a temporary file renamed into place)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    path = report_path(directory, sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{secrets.token_hex(8)}.tmp")
        temp.write_bytes(pdf)
        os.replace(temp, path)
    return sha256


def stored_report(session: Session, publication: Publication, language: str) -> StoredReport | None:
    return session.scalar(sa.select(StoredReport).filter_by(publication_id=publication.id,
                                                            language=language))


def render_published(session: Session, publication: Publication, language: str,
                     directory: Path) -> StoredReport:
    """The stored report of a published version in a language, rendering it the first time.

    Two requests rendering the same report at once both write the same file (same hash); the
    unique constraint keeps one row and the other takes it.
    """
    if language not in LANGUAGES:
        raise ValueError(language)
    existing = stored_report(session, publication, language)
    if existing is not None:
        return existing
    # The report of the version as published: it does not change when a correction comes.
    pdf = company_report_pdf(report_of(publication), language)
    sha256 = _store(directory, pdf.data)
    row = StoredReport(publication=publication, language=language, sha256=sha256,
                       size=len(pdf.data), pages=pdf.pages)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return stored_report(session, publication, language)
    return row


def render_all(session: Session, publication: Publication, directory: Path) -> list[StoredReport]:
    """Both languages' reports of a newly published version."""
    return [render_published(session, publication, language, directory) for language in LANGUAGES]


def draft_report(disclosure: Disclosure) -> CompanyReport:
    """The report of a disclosure's current answers, not published (officers and staff only)."""
    company, cycle = disclosure.company, disclosure.cycle
    answers = {r.item_id: context.Answer(
        status=r.status, not_applicable_reason=r.not_applicable_reason or "",
        narrative=r.narrative or "", evidence_links=list(r.evidence_links or []),
        structured=dict(r.structured or {})) for r in disclosure.responses}
    return context.build(
        company={"slug": company.slug, "name_en": company.name_en, "name_zh": company.name_zh},
        cycle={"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        checklist=disclosure.checklist_version.checklist, answers=answers, publication=None)
