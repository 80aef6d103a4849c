"""Plain JSON for the API, from published content only. Every shape here is described in
tracker/api/openapi.py, and the tests validate responses against that description."""

from __future__ import annotations

from datetime import date, datetime

from tracker.domain.answers import reason_if_not_applicable
from tracker.domain.checklist import Checklist, Item
from tracker.domain.company_report import CompanyReport
from tracker.domain.cycle_report import BenchmarkMatrix, ItemAdoption
from tracker.domain.eee import Published
from tracker.domain.languages import Text
from tracker.domain.results import Result, result_to_dict
from tracker.domain.scoring import Score, Scorecard
from tracker.domain.text_language import narrative_fields
from tracker.verify import b64encode


def text(value: Text) -> dict:
    return value.as_dict()


def when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def item(value: Item) -> dict:
    return {
        "id": value.id,
        "commitment": value.commitment_id,
        "title": text(value.title),
        "guidance": text(value.guidance),
        "required": value.required,
        "weight": value.weight,
        "statuses": [s.value for s in value.statuses],
        "fields": [
            {
                "id": f.id,
                "type": f.type,
                "label": text(f.label),
                "allow_other": f.allow_other,
                "options": [{"id": o.id, "label": text(o.label)} for o in f.options],
            }
            for f in value.fields
        ],
        "crosswalk": list(value.crosswalk),
    }


def checklist_summary(value: Checklist) -> dict:
    return {
        "id": value.id,
        "version": value.version,
        "released": value.released,
        "title": text(value.title),
        "content_sha256": value.content_hash,
        "items": len(value.items),
    }


def checklist(value: Checklist) -> dict:
    return checklist_summary(value) | {
        "publisher": text(value.publisher),
        "source": text(value.source),
        "commitments": [
            {
                "id": c.id,
                "title": text(c.title),
                "guidance": text(c.guidance),
                "items": [item(i) for i in c.items],
            }
            for c in value.commitments
        ],
    }


def score(value: Score) -> int | None:
    return value.percent


def scores(value: Scorecard) -> dict:
    return {
        "overall": score(value.overall),
        "by_commitment": {cid: score(s) for cid, s in value.by_commitment.items()},
    }


def company(value) -> dict:
    return {
        "slug": value.slug,
        "name": text(value.names),
        "website": value.website,
        "signatory_since": day(value.signatory_since),
    }


def cycle(value) -> dict:
    return {
        "slug": value.slug,
        "name": text(value.names),
        "checklist": {
            "id": value.checklist_version.checklist.id,
            "version": value.checklist_version.version,
        },
        "opens_on": day(value.opens_on),
        "due_on": day(value.due_on),
        "closes_on": day(value.closes_on),
        "phase": value.phase.value,
    }


def publication_summary(publication, superseded_by=None) -> dict:
    return {
        "company": publication.company.slug,
        "cycle": publication.cycle.slug,
        "version": publication.version,
        "published_at": when(publication.published_at),
        "snapshot_sha256": publication.snapshot_sha256,
        "ledger_sequence": publication.entry.sequence,
        "superseded_by_version": superseded_by.version if superseded_by else None,
    }


def disclosure(publication, report: CompanyReport, superseded_by=None) -> dict:
    """A published version in full: its record, scores and every item as published."""
    return publication_summary(publication, superseded_by) | {
        "checklist": {"id": report.checklist.id, "version": report.checklist.version},
        "entry_hash": publication.entry.entry_hash,
        "scores": scores(report.scorecard),
        "items": [
            {
                "id": entry["id"],
                "status": entry["status"],
                "not_applicable_reason": reason_if_not_applicable(
                    entry["status"], entry["not_applicable_reason"]
                ),
                "narrative": entry["narrative"],
                # Detected for a snapshot published before the language was recorded.
                **narrative_fields(entry),
                "evidence_links": entry["evidence_links"],
                "structured": entry["structured"],
            }
            for entry in publication.snapshot["items"]
        ],
    }


def matrix(
    *,
    cycle,
    checklist: Checklist,
    ledger_head,
    published: int,
    invited: int,
    rows: list,
    adoption: list[ItemAdoption],
    benchmarks: list[BenchmarkMatrix],
) -> dict:
    """A page of the cycle's matrix: ``rows`` (the page's published versions with their stored
    scores) and, over every company, the adoption and the benchmark counts. A benchmark row's
    ``companies`` are those of this page that report it; ``count``, all that do."""
    on_page = {r.company.slug for r in rows}
    return {
        "cycle": cycle.slug,
        "checklist": {"id": checklist.id, "version": checklist.version},
        "ledger_head": (
            {"sequence": ledger_head.sequence, "entry_hash": ledger_head.entry_hash}
            if ledger_head
            else None
        ),
        "published": published,
        "invited": invited,
        "companies": [
            {"company": r.company.slug, "version": r.version, "scores": scores(r.scorecard)}
            for r in rows
        ],
        "adoption": [
            {
                "item": a.item.id,
                "adopted": a.adopted,
                "applicable": a.applicable,
                "rate": a.rate,
                "counts": {(s.value if s else "unanswered"): n for s, n in a.counts.items()},
            }
            for a in adoption
        ],
        "benchmarks": [
            {
                "item": m.item.id,
                "field": m.field.id,
                "rows": [
                    {
                        "key": b.key,
                        "count": len(b.companies),
                        "companies": sorted(b.companies & on_page),
                    }
                    for b in m.rows
                ],
            }
            for m in benchmarks
        ],
    }


def ledger_entry(entry) -> dict:
    return {
        "sequence": entry.sequence,
        "kind": entry.kind.value,
        "company": entry.company_slug,
        "cycle": entry.cycle_slug,
        "version": entry.version,
        "published_at": entry.published_at,
        "snapshot_sha256": entry.snapshot_sha256,
        "supersedes": entry.supersedes,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
        "renders": entry.renders,
        "language": entry.language,
        "document_sha256": entry.document_sha256,
        "leaf_hash": entry.leaf_hash,
    }


def checkpoint(found, note: bytes, cosigned: bool, witnessed: dict[str, int]) -> dict:
    """A signed checkpoint with the cosignatures of the policy's witnesses (``witnessed``:
    policy name -> timestamp) and the note as served at /ledger/checkpoints/<size>."""
    return {
        "size": found.size,
        "root_hash": b64encode(bytes.fromhex(found.root_hash)),
        "signed_at": found.created_at.isoformat(),
        "cosigned": cosigned,
        "cosignatures": [
            {"witness": name, "timestamp": t} for name, t in sorted(witnessed.items())
        ],
        "note": note.decode("utf-8"),
    }


def log_policy(published, identity) -> dict:
    """The trust policy: its text as published, its fingerprint and what it says."""
    policy = published.policy
    return {
        "text": published.text,
        "sha256": published.fingerprint,
        "log": {"origin": identity.origin, "vkey": identity.vkey, "key_id": identity.key_id},
        "witnesses": [
            {"name": w.name, "vkey": w.verifier.vkey, "url": w.url or None}
            for w in policy.witnesses.values()
        ],
        "quorum": policy.quorum,
    }


def benchmark_result(result: Result, published: Published) -> dict:
    """A current published result, with where it was published (no confidential field)."""
    return {
        "company": published.company,
        "company_name": {"en": published.company_name_en, "zh": published.company_name_zh},
        "cycle": published.cycle,
        "disclosure_version": published.version,
        "published_at": when(published.published_at),
        "item": published.item,
        "position": published.position,
    } | result_to_dict(result, public=True)
