"""A secret planted in every confidential note, in every unpublished draft, and in unpublished
edits of published disclosures appears in no public page, API response, CSV or PDF."""

import io
import zipfile

import pypdf
import sqlalchemy as sa

from tracker.benchmarks.registry import current_registry
from tracker.db import db
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse
from tracker.ledger.models import Publication

SECRET = "PLANTED-SECRET-7f3a9c"


def plant(app) -> None:
    with app.app_context():
        for response in db.session.scalars(sa.select(ItemResponse)):
            response.confidential_note = f"{response.confidential_note or ''} {SECRET}"
            # and every benchmark result's own note (drafts' and published answers')
            response.benchmark_results = [
                {**result, "confidential_note": f"{result.get('confidential_note', '')} {SECRET}"}
                for result in response.benchmark_results or []
            ]
            if response.disclosure.state is not DisclosureState.PUBLISHED:
                response.narrative = f"{response.narrative or ''} {SECRET} (draft)"
        # and an unpublished edit of a published answer (the first one with a narrative, in a
        # stated order: without one, PostgreSQL returns rows in whatever order it keeps them)
        published_answer = db.session.scalar(
            sa.select(ItemResponse)
            .join(Disclosure)
            .where(
                Disclosure.state == DisclosureState.PUBLISHED,
                ItemResponse.narrative.is_not(None),
            )
            .order_by(ItemResponse.id)
            .limit(1)
        )
        assert published_answer is not None, "the demo publishes narratives"
        published_answer.narrative += f" {SECRET} (edit)"
        db.session.commit()


def public_urls(app, client) -> list[str]:
    with app.app_context():
        publications = db.session.scalars(sa.select(Publication)).all()
        companies = sorted({p.company.slug for p in publications})
        versions = [(p.company.slug, p.cycle.slug, p.version) for p in publications]
        cycle = publications[0].cycle.slug
        cycles = sorted({p.cycle.slug for p in publications})
        benchmarks = current_registry().ids
        in_cycle = {
            y: sorted({p.company.slug for p in publications if p.cycle.slug == y})
            for y in {p.cycle.slug for p in publications}
        }
        across = sorted(
            {
                p.company.slug
                for p in publications
                if len({q.cycle.slug for q in publications if q.company_id == p.company_id}) > 1
            }
        )
    # Every published company in a comparison of four (the last group padded from the start),
    # and every company that published in several cycles across them.
    groups = [
        (y, list(dict.fromkeys(slugs[i : i + 4] + slugs))[:4])
        for y, slugs in sorted(in_cycle.items())
        for i in range(0, len(slugs), 4)
    ]
    comparisons = [f"/compare?companies={','.join(group)}&cycle={y}" for y, group in groups] + [
        f"/compare?companies={c}&cycles={','.join(sorted(in_cycle))}" for c in across
    ]
    all_companies = [
        c["slug"] for c in client.get("/api/v1/companies?per_page=200").get_json()["data"]
    ]
    return [
        "/",
        "/companies/",
        "/companies/?sort=overall&order=desc&published=yes",
        *[f"/cycles/{y}/" for y in cycles],
        *[f"/cycles/{y}/?sort=c2&order=desc&commitment=c2&items=rate" for y in cycles],
        "/checklist/",
        "/ledger/",
        *[f"/ledger/?company={slug}&sort=company" for slug in companies],
        *[f"/ledger/?cycle={y}&kind=correction" for y in cycles],
        "/ledger.csv",
        f"/cycles/{cycle}/disclosures.csv",
        "/benchmark-results.csv",
        "/data/",
        "/about/",
        "/methodology/",
        "/benchmarks/",
        *[f"/benchmarks/{b}?cycle={y}" for b in benchmarks for y in cycles],
        # search pages that find something (a search for the secret repeats it: see below)
        "/search?q=红队",
        "/search?q=red+team",
        "/search?q=lanshan",
        "/compare",
        *comparisons,
        "/api/v1/benchmark-results?per_page=200",
        "/api/v1/benchmark-results/eee",
        *[f"/companies/{slug}" for slug in all_companies],
        *[f"/companies/{c}?cycle={y}&version={v}" for c, y, v in versions],
        "/api/v1/",
        "/api/v1/companies?per_page=200",
        "/api/v1/cycles",
        "/api/v1/ledger",
        "/api/v1/checklists",
        f"/api/v1/cycles/{cycle}/disclosures?per_page=200",
        f"/api/v1/cycles/{cycle}/matrix",
        *[f"/api/v1/companies/{slug}" for slug in companies],
        *[f"/api/v1/disclosures/{c}/{y}/{v}" for c, y, v in versions],
        *[f"/feeds/publications.atom?lang={lang}" for lang in ("en", "zh")],
        *[f"/feeds/corrections.atom?lang={lang}" for lang in ("en", "zh")],
        *[f"/feeds/companies/{slug}.atom" for slug in all_companies],
        *[f"/feeds/cycles/{y}.atom?lang={lang}" for y in cycles for lang in ("en", "zh")],
        *[
            f"/companies/{slug}/badge.svg?lang={lang}"
            for slug in all_companies
            for lang in ("en", "zh")
        ],
        *[f"/companies/{c}/badge.svg?cycle={y}" for c, y, _ in versions],
    ]


def cycles_of(app) -> list[str]:
    with app.app_context():
        return sorted({p.cycle.slug for p in db.session.scalars(sa.select(Publication))})


def test_the_planted_secret_is_nowhere_public(app, client, demo):
    plant(app)
    urls = public_urls(app, client)
    changes_read = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.get_data(as_text=True), url
        changes_read += 'id="changes"' in response.get_data(as_text=True)
    assert changes_read > 0  # a company page's trends and changes since the last cycle too
    # Searching for the secret, or a piece of it, finds nothing (the page repeats the query).
    for query in (SECRET, "PLANTED", "7f3a9c", "planted secret"):
        body = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Nothing published matches" in body and "search-result" not in body, query
    # Every file of every cycle's bundle.
    for cycle in cycles_of(app):
        response = client.get(f"/cycles/{cycle}/bundle.zip")
        data = response.get_data()
        response.close()  # a kept file (send_file) stays open until then
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            assert any(n.startswith("snapshots/") for n in names), cycle
            for name in names:
                assert SECRET.encode() not in archive.read(name), (cycle, name)
    # PDFs: the corrected company's in both languages, and the cycle's aggregate.
    app.config["REPORT_JOBS"] = "inline"
    with app.app_context():
        corrected = db.session.scalar(
            sa.select(Publication).where(Publication.supersedes_id.is_not(None))
        )
        pdfs = [
            f"/companies/{corrected.company.slug}/report.pdf?lang={lang}" for lang in ("en", "zh")
        ]
        pdfs.append(f"/cycles/{corrected.cycle.slug}/report.pdf?lang=en")
    for url in pdfs:
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.get_data()
        response.close()
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
        assert SECRET not in text and SECRET.encode() not in data, url
    assert len(urls) > 40  # every company page, version and API record was read
