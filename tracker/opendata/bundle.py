"""A cycle's open-data bundle (``/cycles/<slug>/bundle.zip``): everything published in the cycle,
in one zip a reader can check and load without the site.

Members, in this order:

- ``disclosures.csv``: the cycle's current published versions, one row per company × item (the
  same bytes as ``/cycles/<slug>/disclosures.csv``);
- ``benchmark-results.csv``: the cycle's current published benchmark results (only when the
  cycle's checklist has an item that takes results);
- ``ledger.csv``: the ledger from its first entry up to the cycle's head (its latest
  publication or correction), exactly as hashed: a chain to recompute;
- ``snapshots.csv`` and ``snapshots/<sequence>.json``: every version the cycle published,
  corrections and superseded versions included, byte for byte as ``/ledger/snapshots/<sequence>
  .json`` serves them (SHA-256 = the entry's ``snapshot_sha256``);
- ``checklists/<key>-<version>.json``: each checklist version the cycle's disclosures were
  filed against, as canonical JSON (its SHA-256 is the ``content_sha256`` every snapshot
  names), and the ``commitments/`` file it was loaded from when that file still holds it;
- ``benchmarks/registry.yaml``: the benchmark registry results are checked against (with the
  results table);
- ``README.txt``; ``datapackage.json`` (a Frictionless data package: a schema per table, each
  file's size and SHA-256, the licence and the source); ``SHA256SUMS`` over every other member
  (``sha256sum -c SHA256SUMS``).

Members are streamed into the zip (memory stays that of a batch of snapshots) with a fixed date
and mode, so the same record gives the same bytes. Only published snapshots and the ledger are
read: never drafts, live answers or confidential notes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import undefer

from tracker.checklists.models import ChecklistVersion
from tracker.csvsafe import csv_lines
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.domain.canonical import canonical_json
from tracker.domain.checklist import content_hash
from tracker.domain.ledger import PUBLISHED_KINDS, EntryKind
from tracker.domain.results import Grader, Relationship, SubjectKind
from tracker.domain.statuses import Status
from tracker.filing.models import Disclosure
from tracker.ledger.bundles import MEMBER_TIME
from tracker.ledger.models import LedgerEntry, Publication
from tracker.opendata import services

# The licence of the published data (the code is Apache-2.0): attribution to the record.
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
SNAPSHOT_COLUMNS = (
    "sequence",
    "kind",
    "company",
    "version",
    "supersedes",
    "published_at",
    "snapshot_sha256",
    "path",
)
# Snapshots read from the database at a time (each a few dozen kB).
SNAPSHOT_BATCH = 50

HASH = {"type": "string", "constraints": {"pattern": "[0-9a-f]{64}"}}
OPTIONAL_HASH = {"type": "string", "constraints": {"pattern": "([0-9a-f]{64})?"}}
SLUG = {"type": "string", "constraints": {"required": True}}
STATUSES = [s.value for s in Status]


def _field(name: str, spec: dict[str, Any] | None = None, description: str = "") -> dict:
    field = {"name": name, "type": "string"} | (spec or {})
    if description:
        field["description"] = description
    return field


def _enum(values: Iterable[str]) -> dict:
    return {"type": "string", "constraints": {"enum": list(values)}}


INTEGER = {"type": "integer"}
DATETIME = {"type": "datetime"}

DISCLOSURE_FIELDS = [
    _field("cycle", SLUG, "The reporting cycle's slug."),
    _field("company", SLUG, "The company's slug."),
    _field("company_name_en", description="The company's name in English, as published."),
    _field("company_name_zh", description="The company's name in Chinese, as published."),
    _field("version", INTEGER, "The published version (2 and later: corrections)."),
    _field("published_at_utc", DATETIME, "When the version was published (UTC)."),
    _field("ledger_sequence", INTEGER, "The version's entry in ledger.csv."),
    _field("snapshot_sha256", HASH, "SHA-256 of the version's snapshot (snapshots/)."),
    _field("checklist", description="The checklist id the disclosure was filed against."),
    _field("checklist_version", description="The checklist version (checklists/)."),
    _field("commitment", description="The commitment id the item belongs to."),
    _field("item", SLUG, "The checklist item id."),
    _field("item_title_en"),
    _field("item_title_zh"),
    _field("status", _enum(STATUSES), "The published status; empty when none was given."),
    _field("not_applicable_reason", description="Only for the status not_applicable."),
    _field("narrative", description="The public narrative (Markdown)."),
    _field(
        "narrative_language",
        _enum(["en", "zh-CN"]),
        "The narrative's language; empty without a narrative.",
    ),
    _field(
        "narrative_translation",
        description="The company's version of the narrative in the other language (Markdown).",
    ),
    _field("evidence_links", description="Evidence URLs, separated by spaces."),
    _field("structured", {"type": "object"}, "Structured answers, as JSON."),
]
LEDGER_FIELDS = [
    _field("sequence", {"type": "integer", "constraints": {"required": True, "minimum": 1}}),
    _field("kind", _enum(e.value for e in EntryKind)),
    _field("company", SLUG),
    _field("cycle", SLUG),
    _field("version", INTEGER),
    _field("published_at", description="ISO 8601 text, exactly as hashed."),
    _field("snapshot_sha256", HASH),
    _field("supersedes", INTEGER, "The entry a correction supersedes."),
    _field("previous_hash", HASH),
    _field("entry_hash", HASH),
    _field("renders", INTEGER, "Report entries: the publication entry whose PDF this is."),
    _field("language", description="Report entries: the PDF's language."),
    _field("document_sha256", OPTIONAL_HASH, "Report entries: the PDF's SHA-256."),
    _field("leaf_hash", HASH, "The entry's Merkle leaf: SHA-256(0x00 || its canonical JSON)."),
]
SNAPSHOT_FIELDS = [
    _field("sequence", INTEGER, "The publication's entry in ledger.csv."),
    _field("kind", _enum(k.value for k in PUBLISHED_KINDS)),
    _field("company", SLUG),
    _field("version", INTEGER),
    _field("supersedes", INTEGER, "The entry this correction supersedes."),
    _field("published_at", description="ISO 8601 text, exactly as hashed."),
    _field("snapshot_sha256", HASH, "SHA-256 of the file at path."),
    _field("path", SLUG, "The snapshot in this bundle (RFC 8785 canonical JSON)."),
]
RESULT_TYPES: dict[str, dict] = {
    "disclosure_version": INTEGER,
    "published_at_utc": DATETIME,
    "position": INTEGER,
    "uncertainty": {"type": "number"},
    "sample_size": INTEGER,
    "attempts": INTEGER,
    "subject": _enum(s.value for s in SubjectKind),
    "grader": _enum(g.value for g in Grader),
    "relationship": _enum(r.value for r in Relationship),
    "run_on": {"type": "date"},
    "breakdown": {"type": "array"},
}


@dataclass(frozen=True)
class Member:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Sources:
    """What the bundle reads besides the database: where the site is, the checklist folder and
    the benchmark registry file."""

    site: str
    checklist_dir: Path
    registry_file: Path


class _Archive:
    """A deterministic zip written member by member, each member's SHA-256 and size kept."""

    def __init__(self, out: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.members: list[Member] = []

    def write(self, path: str, chunks: Iterable[bytes | str]) -> Member:
        info = zipfile.ZipInfo(path, date_time=MEMBER_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        digest = hashlib.sha256()
        size = 0
        with self.zip.open(info, "w") as member:
            for chunk in chunks:
                data = chunk.encode() if isinstance(chunk, str) else chunk
                digest.update(data)
                size += len(data)
                member.write(data)
        written = Member(path, digest.hexdigest(), size)
        self.members.append(written)
        return written

    def close(self) -> None:
        self.zip.close()


def _table(name: str, member: Member, title: str, fields: list[dict], **schema: Any) -> dict:
    return {
        "name": name,
        "path": member.path,
        "title": title,
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",  # a byte-order mark first, for spreadsheets
        "bytes": member.size,
        "hash": f"sha256:{member.sha256}",
        "dialect": {"csv": {"header": True}},
        "schema": {"fields": fields, **schema},
    }


def _file(name: str, member: Member, title: str, format: str, mediatype: str) -> dict:
    return {
        "name": name,
        "path": member.path,
        "title": title,
        "type": "file",
        "scheme": "file",
        "format": format,
        "mediatype": mediatype,
        "bytes": member.size,
        "hash": f"sha256:{member.sha256}",
    }


def _cycle_entries(session: Session, cycle: Cycle) -> sa.Select:
    """The cycle's publication and correction entries, in order, with their snapshots."""
    return (
        sa.select(
            LedgerEntry.sequence,
            LedgerEntry.kind,
            LedgerEntry.company_slug,
            LedgerEntry.version,
            LedgerEntry.supersedes,
            LedgerEntry.published_at,
            LedgerEntry.snapshot_sha256,
            Publication.snapshot,
        )
        .join(Publication, Publication.id == LedgerEntry.publication_id)
        .where(Publication.cycle_id == cycle.id)
        .order_by(LedgerEntry.sequence)
        .execution_options(yield_per=SNAPSHOT_BATCH)
    )


def _checklist_versions(session: Session, cycle: Cycle) -> list[ChecklistVersion]:
    """The checklist versions of the cycle and of its disclosures, with their stored copies."""
    used = sa.select(Disclosure.checklist_version_id).where(Disclosure.cycle_id == cycle.id)
    return list(
        session.scalars(
            sa.select(ChecklistVersion)
            .where(
                sa.or_(
                    ChecklistVersion.id == cycle.checklist_version_id,
                    ChecklistVersion.id.in_(used),
                )
            )
            .order_by(ChecklistVersion.checklist_key, ChecklistVersion.version)
            .options(undefer(ChecklistVersion.data))
        )
    )


def _source_file(version: ChecklistVersion, directory: Path) -> bytes | None:
    """The commitments/ file a version was loaded from, if it still holds that version."""
    path = directory / Path(version.source_file).name
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or content_hash(data) != version.content_hash:
        return None
    return raw


README = """\
Open-data bundle of the reporting cycle {slug} ({name}), published by the AI Safety
Commitments Tracker at {site}/ (the record is run by the AI Industry Alliance's staff).

Licence: {licence} ({licence_url}). Cite the tracker and the cycle.

Check the files:      sha256sum -c SHA256SUMS
Load and check them:  frictionless validate datapackage.json

  disclosures.csv        the current published version of each company's disclosure,
                         one row per company and item
{results}  ledger.csv             the ledger up to the cycle's latest publication (entry {head}),
                         exactly as hashed: the chain can be recomputed
  snapshots.csv          every version the cycle published ({snapshots}, corrections included)
  snapshots/N.json       the snapshot of ledger entry N, exactly as hashed (RFC 8785)
  checklists/            the checklist versions the disclosures were filed against
{registry}  datapackage.json       what each file is: schemas, sizes, SHA-256, licence
  SHA256SUMS             SHA-256 of every other file

How scores are computed, what "not disclosed" means and how to verify the ledger with its
checkpoints and witnesses: {site}/methodology/
"""
RESULTS_LINE = "  benchmark-results.csv  the cycle's current published benchmark results\n"
REGISTRY_LINE = (
    "  benchmarks/registry.yaml  the benchmark registry the results are checked against\n"
)


def write(session: Session, cycle: Cycle, out: IO[bytes], sources: Sources) -> None:
    """Write the cycle's bundle to ``out`` (a seekable binary file)."""
    checklist = cycle.checklist_version.checklist
    takes_results = any(item.results for item in checklist.items)
    archive = _Archive(out)
    resources: list[dict] = []

    disclosures = archive.write(
        "disclosures.csv",
        csv_lines(services.DISCLOSURE_COLUMNS, services.disclosure_rows(session, cycle)),
    )
    resources.append(
        _table(
            "disclosures",
            disclosures,
            "Current published disclosures, one row per company and item",
            DISCLOSURE_FIELDS,
            primaryKey=["company", "item"],
            foreignKeys=[
                {
                    "fields": ["ledger_sequence"],
                    "reference": {"resource": "ledger", "fields": ["sequence"]},
                }
            ],
        )
    )
    if takes_results:
        results = archive.write(
            "benchmark-results.csv",
            csv_lines(
                services.RESULT_COLUMNS,
                services.result_rows(session, services.ResultFilters(cycle=cycle.slug)),
            ),
        )
        resources.append(
            _table(
                "benchmark-results",
                results,
                "Current published benchmark results",
                [_field(name, RESULT_TYPES.get(name)) for name in services.RESULT_COLUMNS],
                primaryKey=["company", "item", "position"],
            )
        )

    # Snapshots first into the archive (streamed), their list kept for snapshots.csv.
    listed: list[tuple] = []
    files: list[dict] = []
    for row in session.execute(_cycle_entries(session, cycle)):
        sequence, kind, company, version, supersedes, published_at, sha, snapshot = row
        path = f"snapshots/{sequence}.json"
        member = archive.write(path, [canonical_json(snapshot)])
        listed.append(
            (sequence, kind.value, company, version, supersedes or "", published_at, sha, path)
        )
        files.append(
            _file(
                f"snapshot-{sequence}",
                member,
                f"Snapshot of ledger entry {sequence}",
                "json",
                "application/json",
            )
        )
    head = listed[-1][0] if listed else 0

    ledger = archive.write(
        "ledger.csv", csv_lines(services.LEDGER_COLUMNS, services.ledger_rows(session, up_to=head))
    )
    snapshots = archive.write("snapshots.csv", csv_lines(SNAPSHOT_COLUMNS, listed))
    resources += [
        _table(
            "ledger",
            ledger,
            f"The ledger up to the cycle's head (entry {head}), exactly as hashed",
            LEDGER_FIELDS,
            primaryKey=["sequence"],
        ),
        _table(
            "snapshots",
            snapshots,
            "Every version the cycle published, corrections included",
            SNAPSHOT_FIELDS,
            primaryKey=["sequence"],
            foreignKeys=[
                {
                    "fields": ["sequence"],
                    "reference": {"resource": "ledger", "fields": ["sequence"]},
                }
            ],
        ),
    ]

    for version in _checklist_versions(session, cycle):
        name = f"{version.checklist_key}-{version.version}"
        member = archive.write(f"checklists/{name}.json", [canonical_json(version.data)])
        files.append(
            _file(
                f"checklist-{name}-json",
                member,
                f"Checklist {name} (canonical JSON)",
                "json",
                "application/json",
            )
        )
        source = _source_file(version, sources.checklist_dir)
        if source is not None:
            member = archive.write(f"checklists/{Path(version.source_file).name}", [source])
            files.append(
                _file(
                    f"checklist-{name}-yaml",
                    member,
                    f"Checklist {name}, as written",
                    "yaml",
                    "application/yaml",
                )
            )
    if takes_results:
        member = archive.write("benchmarks/registry.yaml", [sources.registry_file.read_bytes()])
        files.append(
            _file(
                "benchmark-registry", member, "The benchmark registry", "yaml", "application/yaml"
            )
        )

    readme = archive.write(
        "README.txt",
        [
            README.format(
                slug=cycle.slug,
                name=cycle.name_en,
                site=sources.site,
                licence=LICENCE["title"],
                licence_url=LICENCE["path"],
                results=RESULTS_LINE if takes_results else "",
                head=head,
                snapshots=len(listed),
                registry=REGISTRY_LINE if takes_results else "",
            )
        ],
    )
    files.append(_file("readme", readme, "About this bundle", "txt", "text/plain"))
    package = {
        "name": f"tracker-cycle-{cycle.slug}",
        "title": f"AI Safety Commitments Tracker: {cycle.name_en}",
        "description": (
            "Everything published in the reporting cycle: current disclosures, every published "
            "version's snapshot, the ledger up to the cycle's head, and the checklists."
        ),
        "homepage": f"{sources.site}/data/",
        "licenses": [LICENCE],
        "sources": [{"title": "AI Safety Commitments Tracker", "path": f"{sources.site}/"}],
        "resources": [*resources, *files],
    }
    archive.write(
        "datapackage.json",
        [json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True) + "\n"],
    )
    sums = "".join(f"{m.sha256}  {m.path}\n" for m in archive.members)
    archive.write("SHA256SUMS", [sums])
    archive.close()
