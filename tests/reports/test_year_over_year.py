"""Year over year: a company's page and report show what changed per item since its earlier
published cycle."""

import io
from datetime import timedelta

import pypdf
import sqlalchemy as sa

from tests.support.http import download
from tests.support.review import publish_as_is
from tracker.cycles.models import Cycle
from tracker.db import db, utcnow
from tracker.domain.company_report import PublicationRecord as Record
from tracker.domain.company_report import ReportAnswer as Answer
from tracker.domain.company_report import build, compare
from tracker.domain.statuses import Status
from tracker.filing.models import Disclosure, ItemResponse


def report(checklist, answers: dict, published: bool = True):
    return build(
        company={"slug": "a", "name_en": "A", "name_zh": "甲"},
        cycle={"slug": "c", "name_en": "C", "name_zh": "丙"},
        checklist=checklist,
        answers={k: Answer(s, "", text, [], {}) for k, (s, text) in answers.items()},
        publication=Record(1, utcnow(), "0" * 64, 1, "1" * 64) if published else None,
    )


def test_compare_finds_status_and_narrative_changes_and_new_answers(app):
    checklist = next(
        c for c in app.extensions["tracker.checklist_files"] if c.checklist.version == "2024.1"
    ).checklist
    ids = [item.id for item in checklist.items]
    earlier = report(
        checklist,
        {
            ids[0]: (Status.NOT_MET, "No team yet."),
            ids[1]: (Status.MET, "The CTO."),
            ids[2]: (Status.MET, "A process."),
        },
    )
    current = report(
        checklist,
        {
            ids[0]: (Status.MET, "A team of four."),
            ids[1]: (Status.MET, "The CTO."),
            ids[2]: (Status.MET, "A written process."),
            ids[3]: (Status.PARTIALLY_MET, "Started."),
        },
    )
    comparison = compare(current, earlier)
    changed = {c.item.id: c for c in comparison.changes}
    assert set(changed) == {ids[0], ids[2]}
    assert changed[ids[0]].status_changed
    assert (changed[ids[0]].status_before, changed[ids[0]].status_after) == (
        Status.NOT_MET,
        Status.MET,
    )
    assert not changed[ids[2]].status_changed
    assert changed[ids[2]].narrative == "<p>A <ins>written </ins>process.</p>"
    assert comparison.unchanged == 1
    assert ids[3] in [item.id for item in comparison.new_items]


def earlier_publication(app, accounts, filing_world) -> None:
    """Company A published in a cycle before the test cycle: c1.safety-team was "not met"."""
    with app.app_context():
        current = db.session.scalar(sa.select(Cycle).filter_by(slug="test-cycle"))
        earlier = Cycle(
            slug="earlier",
            name_en="Earlier cycle",
            name_zh="上一周期",
            checklist_version=current.checklist_version,
            opens_on=current.opens_on - timedelta(days=365),
            due_on=current.due_on - timedelta(days=365),
            opened_at=utcnow() - timedelta(days=365),
        )
        disclosure = Disclosure(
            company_id=accounts.ids["company_a"],
            cycle=earlier,
            checklist_version=current.checklist_version,
        )
        disclosure.responses.append(
            ItemResponse(
                item_id="c1.safety-team",
                status=Status.NOT_MET,
                narrative="No team yet.",
                evidence_links=[],
                structured={},
            )
        )
        db.session.add_all([earlier, disclosure])
        db.session.commit()
        earlier_id = disclosure.id
    publish_as_is(app, earlier_id)


def test_the_company_page_and_report_show_the_changes(app, client, accounts, filing_world):
    earlier_publication(app, accounts, filing_world)
    publish_as_is(app, filing_world["disclosure_a"])  # "met", "We have a team."
    page = client.get("/companies/company-a").get_data(as_text=True)
    assert "What changed since Earlier cycle" in page
    assert (
        '<span class="status status-not_met">Not met</span> <span aria-hidden="true">→</span>'
        '<span class="visually-hidden">to</span> <span class="status status-met">Met</span>' in page
    )
    # On the rendered text; a sentence rewritten reads as one change.
    assert "<p><del>No team yet</del><ins>We have a team</ins>.</p>" in page
    # After the disclosure, with a link to it near the top.
    assert page.index('id="changes"') > page.index('id="c1.safety-team"')
    assert page.index('href="#changes"') < page.index('id="c1.safety-team"')
    # The earlier cycle's own page has nothing earlier to compare with.
    assert "What changed since" not in client.get("/companies/company-a?cycle=earlier").get_data(
        as_text=True
    )
    pdf = download(client, "/companies/company-a/report.pdf?lang=en&cycle=test-cycle").get_data()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "What changed since Earlier cycle" in text
    [changes] = [
        p.extract_text()
        for p in reader.pages
        if "Compared with version 1 of Earlier cycle" in p.extract_text()
    ]
    assert "Dedicated AI safety team" in changes and "Not met" in changes
    zh = download(client, "/companies/company-a/report.pdf?lang=zh&cycle=test-cycle").get_data()
    zh_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(zh)).pages)
    assert "自上一周期以来的变化" in zh_text


def test_no_earlier_cycle_means_no_comparison(app, client, accounts, filing_world):
    publish_as_is(app, filing_world["disclosure_a"])
    assert "What changed since" not in client.get("/companies/company-a").get_data(as_text=True)
