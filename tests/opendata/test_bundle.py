"""A cycle's open-data bundle (tracker.opendata.bundle): every published version's snapshot as
the ledger serves it, the cycle's CSVs, the ledger up to the cycle's head, the checklists, a
Frictionless data package that validates, and sums that check; the same bytes for the same
record; kept as a file per public generation."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
import sqlalchemy as sa

from tests.support.http import download
from tests.support.review import publish_as_is
from tracker.companies.models import Company
from tracker.db import db
from tracker.ledger.models import LedgerEntry, Publication

BUNDLE = "/cycles/2025-annual/bundle.zip"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def extract(data: bytes, directory: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(directory)
    return directory


def check_sums(files: dict[str, bytes]) -> list[str]:
    """The files SHA256SUMS lists, each checked as ``sha256sum -c`` would."""
    listed = []
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
        listed.append(name)
    return listed


@pytest.fixture
def bundle(client, demo) -> bytes:
    response = download(client, BUNDLE)
    assert response.status_code == 200
    return response.get_data()


def test_the_bundle_holds_every_published_version_as_the_ledger_serves_it(app, client, bundle):
    files = members(bundle)
    with app.app_context():
        cycle_entries = db.session.execute(
            sa.select(LedgerEntry.sequence, Publication.supersedes_id)
            .join(Publication, Publication.id == LedgerEntry.publication_id)
            .where(LedgerEntry.cycle_slug == "2025-annual")
            .order_by(LedgerEntry.sequence)
        ).all()
        last = db.session.scalar(sa.select(sa.func.max(LedgerEntry.sequence)))
    assert len(cycle_entries) == 14  # 13 publications and one correction
    assert any(supersedes for _, supersedes in cycle_entries)
    snapshots = sorted(name for name in files if name.startswith("snapshots/"))
    assert snapshots == sorted(f"snapshots/{s}.json" for s, _ in cycle_entries)
    for sequence, _ in cycle_entries:
        served = download(client, f"/ledger/snapshots/{sequence}.json").get_data()
        assert files[f"snapshots/{sequence}.json"] == served
    listed = rows(files["snapshots.csv"])
    assert [int(r["sequence"]) for r in listed] == [s for s, _ in cycle_entries]
    correction = next(r for r in listed if r["kind"] == "correction")
    corrected = [r for r in listed if r["company"] == correction["company"]]
    assert [r["version"] for r in corrected] == ["1", "2"]  # both versions
    assert correction["supersedes"] == corrected[0]["sequence"]
    for row in listed:
        digest = hashlib.sha256(files[row["path"]]).hexdigest()
        assert digest == row["snapshot_sha256"]
    # the ledger from entry 1 to the cycle's head, as /ledger.csv has it
    ledger = rows(files["ledger.csv"])
    head = cycle_entries[-1][0]
    assert [int(r["sequence"]) for r in ledger] == list(range(1, head + 1))
    whole = rows(download(client, "/ledger.csv").get_data())
    assert ledger == whole[:head] and len(whole) == last


def test_the_csvs_are_the_downloads(client, bundle):
    files = members(bundle)
    assert (
        files["disclosures.csv"]
        == download(client, "/cycles/2025-annual/disclosures.csv").get_data()
    )
    results = rows(files["benchmark-results.csv"])
    assert results and {r["cycle"] for r in results} == {"2025-annual"}
    everywhere = rows(download(client, "/benchmark-results.csv").get_data())
    assert results == [r for r in everywhere if r["cycle"] == "2025-annual"]
    assert "benchmarks/registry.yaml" in files


def test_the_checklists_are_those_the_disclosures_were_filed_against(app, bundle):
    files = members(bundle)
    snapshot = json.loads(files[next(n for n in files if n.startswith("snapshots/"))])
    checklist = snapshot["checklist"]
    name = f"checklists/{checklist['id']}-{checklist['version']}.json"
    assert hashlib.sha256(files[name]).hexdigest() == checklist["content_sha256"]
    written = [n for n in files if n.startswith("checklists/") and n.endswith(".yaml")]
    commitments = Path(app.config["CHECKLIST_DIR"])
    assert written and all(
        files[n] == (commitments / n.split("/")[1]).read_bytes() for n in written
    )


def test_the_sums_check_and_cover_every_other_file(bundle):
    files = members(bundle)
    assert sorted(check_sums(files)) == sorted(set(files) - {"SHA256SUMS"})


def test_the_data_package_validates_with_frictionless(bundle, tmp_path):
    root = extract(bundle, tmp_path / "bundle")
    package = json.loads((root / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"] and package["homepage"].endswith("/data/")
    tables = {r["name"]: r for r in package["resources"] if r["type"] == "table"}
    assert set(tables) == {"disclosures", "benchmark-results", "ledger", "snapshots"}
    assert tables["ledger"]["schema"]["primaryKey"] == ["sequence"]
    assert {f["type"] for f in tables["disclosures"]["schema"]["fields"]} >= {"integer", "datetime"}
    described = {r["path"] for r in package["resources"]}
    zipped = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert described == zipped - {"datapackage.json", "SHA256SUMS"}
    report = frictionless.validate(root / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


def test_the_same_record_gives_the_same_bytes(app, client, bundle):
    # a new public generation that changes nothing the bundle holds: made again, same bytes
    kept = list(Path(app.config["OPENDATA_DIR"]).glob("*.zip"))
    with app.app_context():
        company = db.session.scalar(sa.select(Company).order_by(Company.id).limit(1))
        company.website = "https://changed.example/"
        db.session.commit()
    again = download(client, BUNDLE).get_data()
    assert list(Path(app.config["OPENDATA_DIR"]).glob("*.zip")) != kept  # made again
    assert again == bundle
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_the_bundle_is_kept_and_served_as_a_file(app, client, demo, count_queries):
    first = download(client, BUNDLE)
    assert first.headers["Content-Disposition"] == "attachment; filename=2025-annual-bundle.zip"
    assert first.headers["ETag"] and first.mimetype == "application/zip"
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    with count_queries() as counter:
        second = download(client, BUNDLE)
    assert counter.count <= 1  # the public generation at most: nothing else is read
    assert second.get_data() == first.get_data()
    again = download(client, BUNDLE, headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304
    assert len(list(Path(app.config["OPENDATA_DIR"]).glob("*.zip"))) == 1


def test_a_publication_makes_a_new_bundle(app, client, filing_world):
    url = f"/cycles/{filing_world['cycle']}/bundle.zip"
    empty = members(download(client, url).get_data())
    # nothing published yet: a valid bundle of empty tables
    assert not [n for n in empty if n.startswith("snapshots/")]
    assert rows(empty["disclosures.csv"]) == [] and rows(empty["ledger.csv"]) == []
    check_sums(empty)
    publish_as_is(app, filing_world["disclosure_a"])
    published = members(download(client, url).get_data())
    assert [n for n in published if n.startswith("snapshots/")] == ["snapshots/1.json"]
    assert len(rows(published["ledger.csv"])) == 1
    check_sums(published)


def test_an_empty_bundle_validates(client, filing_world, tmp_path):
    data = download(client, f"/cycles/{filing_world['cycle']}/bundle.zip").get_data()
    report = frictionless.validate(extract(data, tmp_path / "bundle") / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


def test_an_unknown_cycle_is_a_404_and_leaves_nothing(app, client, demo):
    assert client.get("/cycles/no-such-cycle/bundle.zip").status_code == 404
    assert client.get("/cycles/" + "x" * 5000 + "/bundle.zip").status_code == 404
    directory = Path(app.config["OPENDATA_DIR"])
    assert not directory.exists() or list(directory.iterdir()) == []
