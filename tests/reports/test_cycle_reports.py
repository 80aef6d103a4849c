"""The aggregate report of a cycle: its figures, built outside requests, stored per ledger head,
and the export command."""

import io

import pypdf
import pytest
import sqlalchemy as sa

from tests.support.files import pdf_text
from tests.support.http import download
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.domain.checklist import Checklist
from tracker.domain.company_report import ReportAnswer as Answer
from tracker.domain.company_report import build
from tracker.domain.cycle_report import LedgerHead, build_cycle_report
from tracker.domain.statuses import Status
from tracker.filing.models import Disclosure, ItemResponse
from tracker.reports.jobs import ReportJobs
from tracker.reports.models import StoredCycleReport

CYCLE_REPORT = "/cycles/test-cycle/report.pdf"


# --- the figures, from plain data ---------------------------------------------------------------


def company(checklist: Checklist, slug: str, statuses: dict, benchmarks=(), other=()):
    answers = {item_id: Answer(status, "", "", [], {}) for item_id, status in statuses.items()}
    if benchmarks or other:
        answers["c2.benchmarks-reported"] = Answer(
            Status.MET,
            "",
            "",
            [],
            {"benchmarks": {"selected": list(benchmarks), "other": list(other)}},
        )
    return build(
        company={"slug": slug, "name_en": slug, "name_zh": slug},
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        answers=answers,
        publication=None,
    )


@pytest.fixture
def checklist(app) -> Checklist:
    return next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2024.1"
    ).checklist


def test_adoption_counts_met_and_partly_over_the_companies_it_applies_to(checklist):
    item = "c1.safety-team"
    reports = [
        company(checklist, "a", {item: Status.MET}),
        company(checklist, "b", {item: Status.PARTIALLY_MET}),
        company(checklist, "c", {item: Status.NOT_MET}),
        company(checklist, "d", {item: Status.NOT_APPLICABLE}),
        company(checklist, "e", {}),
    ]
    report = build_cycle_report(
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        companies=reports,
        invited=7,
        ledger_head=None,
    )
    adoption = next(a for a in report.adoption if a.item.id == item)
    assert (adoption.adopted, adoption.applicable, adoption.rate) == (2, 4, 50)
    assert adoption.counts[None] == 1
    everything_na = [company(checklist, "x", {item: Status.NOT_APPLICABLE})]
    lone = build_cycle_report(
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        companies=everything_na,
        invited=1,
        ledger_head=None,
    )
    assert next(a for a in lone.adoption if a.item.id == item).rate is None


def test_the_benchmark_matrix_shows_how_few_are_shared(checklist):
    reports = [
        company(checklist, "a", {}, ["helm-safety", "harmbench"], ["In-house  Suite"]),
        company(checklist, "b", {}, ["helm-safety"], ["in-house suite"]),
        company(checklist, "c", {}, ["helm-safety", "xstest"]),
    ]
    report = build_cycle_report(
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        companies=reports,
        invited=3,
        ledger_head=LedgerHead(9, "f" * 64),
    )
    [matrix] = report.benchmarks
    assert [(row.key, len(row.companies)) for row in matrix.rows] == [
        ("helm-safety", 3),
        ("other:in-house suite", 2),
        ("harmbench", 1),
        ("xstest", 1),
    ]
    assert matrix.rows[1].text == "In-house Suite"  # spaces tidied, first spelling kept
    assert (matrix.shared_by(2), matrix.shared_by(3)) == (2, 1)
    assert matrix.per_company() == {"a": 3, "b": 2, "c": 2}


def test_mean_and_median_skip_companies_without_a_score(checklist):
    full = {item.id: Status.MET for item in checklist.items}
    half = {item.id: Status.PARTIALLY_MET for item in checklist.items}
    none = {item.id: Status.NOT_APPLICABLE for item in checklist.items}
    report = build_cycle_report(
        cycle={"slug": "c", "name_en": "C", "name_zh": "C"},
        checklist=checklist,
        companies=[
            company(checklist, "a", full),
            company(checklist, "b", half),
            company(checklist, "c", half),
            company(checklist, "d", none),
        ],
        invited=4,
        ledger_head=None,
    )
    assert report.overall_scores == [100, 50, 50]
    assert (report.mean_score, report.median_score) == (67, 50)


# --- built outside requests, stored per ledger head ---------------------------------------------


def test_the_aggregate_is_not_built_inside_a_request(app, client, accounts, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    response = download(client, f"{CYCLE_REPORT}?lang=en")  # REPORT_JOBS is "off" in tests
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "being built" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredCycleReport)) == 0


def test_a_background_job_builds_it_and_downloads_then_read_the_file(
    app, client, accounts, filing_world
):
    publish_as_is(app, filing_world["disclosure_a"])
    app.config["REPORT_JOBS"] = "thread"
    job = ReportJobs(app).build_cycle(_cycle_id(app))
    job.result(timeout=120)  # the thread's own work, waited for here
    response = download(client, f"{CYCLE_REPORT}?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with app.app_context():
        stored = db.session.scalar(sa.select(StoredCycleReport).filter_by(language="en"))
        from tracker.ledger.models import LedgerEntry

        head = db.session.scalar(sa.select(LedgerEntry))
    assert stored.ledger_sequence == head.sequence
    assert response.headers["ETag"] == f'"{stored.sha256}"'
    assert response.headers["Content-Length"] == str(stored.size)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    pages = pdf_text(response.get_data())
    text = "\n".join(pages)
    assert "Test cycle" in pages[0] and "1 of 1 companies" in pages[0]
    assert head.entry_hash in text.replace("\n", "")
    assert "Companies × commitments" in text and "Adoption of each item" in text
    assert "Safety benchmarks reported" in text and "Company A" in text
    assert "SECRET-NOTE-OF-A" not in text
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    assert reader.metadata.title == "Test cycle: aggregate report"
    assert [entry.title for entry in reader.outline if not isinstance(entry, list)][:4] == [
        "Contents",
        "Companies × commitments",
        "Adoption of each item",
        "Safety benchmarks reported",
    ]


def _cycle_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Disclosure.cycle_id))


def test_a_new_publication_moves_the_head_and_a_new_aggregate_is_built(
    app, client, accounts, filing_world
):
    app.config["REPORT_JOBS"] = "inline"
    publish_as_is(app, filing_world["disclosure_a"])
    first = download(client, f"{CYCLE_REPORT}?lang=zh")
    assert first.status_code == 200
    assert "甲公司" in "\n".join(pdf_text(first.get_data()))
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = "A correction."
        db.session.commit()
    publish_as_is(app, filing_world["disclosure_a"])  # version 2: a new ledger head
    second = download(client, f"{CYCLE_REPORT}?lang=zh")
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    with app.app_context():
        rows = db.session.execute(
            sa.select(StoredCycleReport.ledger_sequence, StoredCycleReport.language).order_by(
                StoredCycleReport.ledger_sequence, StoredCycleReport.language
            )
        ).all()
    # Both languages for each head; the earlier ones stay, keyed by the head they came from.
    assert [tuple(r) for r in rows] == [(1, "en"), (1, "zh"), (2, "en"), (2, "zh")]


def test_unknown_cycles_and_languages_are_404(client, accounts, filing_world):
    assert client.get("/cycles/nope/report.pdf").status_code == 404
    assert client.get(f"{CYCLE_REPORT}?lang=de").status_code == 404


# --- tracker reports export ---------------------------------------------------------------------


def test_export_writes_every_report_of_the_cycle(app, runner, accounts, filing_world, tmp_path):
    publish_as_is(app, filing_world["disclosure_a"])
    out = tmp_path / "out"
    result = runner.invoke(args=["reports", "export", "--cycle", "test-cycle", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 reports written" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "company-a-test-cycle-v1-en.pdf",
        "company-a-test-cycle-v1-zh.pdf",
        "test-cycle-aggregate-en.pdf",
        "test-cycle-aggregate-zh.pdf",
    ]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in out.iterdir())
    again = runner.invoke(
        args=["reports", "export", "--cycle", "test-cycle", "--out", str(out), "--lang", "zh"]
    )
    assert again.exit_code == 0 and "2 reports written" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cycle", "nope", "--out", "{tmp}"], "no cycle 'nope' (known: test-cycle)"),
        (["--cycle", "test-cycle", "--out", "{tmp}", "--lang", "fr"], "'fr' is not one of"),
        (["--out", "{tmp}"], "Missing option '--cycle'"),
        (["--cycle", "test-cycle", "--out", "/proc/no-such/dir"], "cannot create"),
    ],
)
def test_export_refuses_bad_arguments_clearly(
    runner, accounts, filing_world, tmp_path, args, message
):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(args=["reports", "export", *args])
    assert result.exit_code == 2
    assert message in result.output
