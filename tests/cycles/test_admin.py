"""Cycle administration: create, open (every signatory gets its disclosure, officers are told),
extend a company's due date with a reason, close; the checklist version frozen once filed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.support.app import alliance_today
from tests.support.filing import post_item
from tests.support.http import post, sign_in
from tracker.audit.models import AuditEvent
from tracker.checklists.models import ChecklistVersion
from tracker.checklists.services import load_checklist
from tracker.cycles import services
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import db, utcnow
from tracker.domain.dates import day_text
from tracker.filing.models import Disclosure, DueDateExtension
from tracker.outbox.models import OutboxMessage
from tracker.public.services import current_cycle
from tracker.reminders.services import send_reminders
from tracker.review.services import queue

TODAY = alliance_today()


@pytest.fixture
def versions(app) -> dict[str, int]:
    """Both bundled checklist versions, loaded: version -> id."""
    with app.app_context():
        loaded = {
            c.checklist.version: load_checklist(db.session, c).version
            for c in app.extensions["tracker.checklist_files"]
        }
        db.session.commit()
        return {version: row.id for version, row in loaded.items()}


@pytest.fixture
def admin(app, accounts):
    client = app.test_client()
    sign_in(client, accounts.email("admin"))
    return client


def form(versions, **changes) -> dict:
    values = {
        "name_en": "2026 annual disclosure",
        "name_zh": "2026年度披露",
        "slug": "2026-annual",
        "checklist_version_id": str(versions["2024.1"]),
        "opens_on": (TODAY + timedelta(days=1)).isoformat(),
        "due_on": (TODAY + timedelta(days=60)).isoformat(),
        "closes_on": (TODAY + timedelta(days=90)).isoformat(),
    }
    return values | changes


def the_cycle(app) -> Cycle:
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2026-annual"))
        db.session.expunge_all()
        return cycle


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).filter_by(action=action)).all()


def test_an_admin_creates_opens_extends_and_closes_a_cycle(app, accounts, admin, versions):
    response = post(admin, "/admin/cycles/new", form(versions))
    assert response.status_code == 303
    cycle = the_cycle(app)
    assert cycle.phase is CyclePhase.PLANNED
    assert "2026 annual disclosure" in admin.get("/admin/cycles/").get_data(as_text=True)
    assert events(app, "cycle.create")[0].details["slug"] == "2026-annual"

    # Opening gives both confirmed signatories a disclosure and tells their officers.
    opened = post(admin, f"/admin/cycles/{cycle.id}/open")
    assert opened.status_code == 303
    assert the_cycle(app).phase is CyclePhase.OPEN
    with app.app_context():
        disclosures = db.session.scalars(sa.select(Disclosure).filter_by(cycle_id=cycle.id)).all()
        assert {d.company.slug for d in disclosures} == {"company-a", "company-b"}
        told = db.session.scalars(sa.select(OutboxMessage).filter_by(kind="cycle_opened")).all()
        assert sorted(m.recipient for m in told) == [
            accounts.email("officer_a"),
            accounts.email("officer_b"),
        ]
        assert "/filing/2026-annual/" in told[0].body
        a = next(d for d in disclosures if d.company.slug == "company-a")
    assert events(app, "cycle.open")[0].details == {"disclosures_created": 2}
    assert post(admin, f"/admin/cycles/{cycle.id}/open").status_code == 409  # once only

    # Extending company A's due date needs a reason, and records both dates.
    url = f"/admin/cycles/{cycle.id}/extensions/{a.id}"
    new_due = (TODAY + timedelta(days=75)).isoformat()
    refused = post(admin, url, {f"d{a.id}-due_on": new_due, f"d{a.id}-reason": " "})
    assert refused.status_code == 422
    assert "This field is required." in refused.get_data(as_text=True)
    extended = post(
        admin, url, {f"d{a.id}-due_on": new_due, f"d{a.id}-reason": "Board meeting moved."}
    )
    assert extended.status_code == 303
    with app.app_context():
        disclosure = db.session.get(Disclosure, a.id)
        assert disclosure.effective_due_on.isoformat() == new_due
        [extension] = db.session.scalars(sa.select(DueDateExtension)).all()
        assert (extension.previous_due_on, extension.reason) == (
            cycle.due_on,
            "Board meeting moved.",
        )
    [event] = events(app, "disclosure.extend_due_date")
    assert event.details["due_on"] == [cycle.due_on.isoformat(), new_due]
    assert event.details["reason"] == "Board meeting moved."
    page = admin.get(f"/admin/cycles/{cycle.id}").get_data(as_text=True)
    assert "Board meeting moved." in page

    # Closing stops filing and further extensions.
    assert post(admin, f"/admin/cycles/{cycle.id}/close").status_code == 303
    assert the_cycle(app).phase is CyclePhase.CLOSED
    assert post(admin, f"/admin/cycles/{cycle.id}/close").status_code == 409
    late = post(
        admin,
        url,
        {f"d{a.id}-due_on": (TODAY + timedelta(days=80)).isoformat(), f"d{a.id}-reason": "Again."},
    )
    assert late.status_code == 422
    assert "The cycle is closed." in late.get_data(as_text=True)
    assert events(app, "cycle.close")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Not A Slug"}, "Use lowercase letters, digits and hyphens."),
        ({"name_en": ""}, "This field is required."),
        (
            {"due_on": (TODAY - timedelta(days=1)).isoformat()},
            "The due date cannot be before the opening date.",
        ),
        (
            {"closes_on": (TODAY + timedelta(days=2)).isoformat()},
            "The closing date cannot be before the due date.",
        ),
        ({"opens_on": "31/12/2026"}, "Not a valid date value."),
        ({"checklist_version_id": "99999"}, "Not a valid choice."),
        ({"checklist_version_id": "abc"}, "Invalid Choice: could not coerce."),
    ],
)
def test_bad_cycle_forms_are_refused_with_the_reason(app, admin, versions, changes, message):
    response = post(admin, "/admin/cycles/new", form(versions, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'value="2026年度披露"' in response.get_data(as_text=True)  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Cycle)) == 0


def test_a_taken_short_name_is_refused(app, admin, versions):
    assert post(admin, "/admin/cycles/new", form(versions)).status_code == 303
    again = post(admin, "/admin/cycles/new", form(versions, name_en="Other"))
    assert again.status_code == 422
    assert "Another cycle already uses this short name." in again.get_data(as_text=True)


def test_the_checklist_version_is_frozen_once_disclosures_exist(app, admin, versions):
    assert post(admin, "/admin/cycles/new", form(versions)).status_code == 303
    cycle = the_cycle(app)
    # Before opening it can still change.
    changed = post(
        admin,
        f"/admin/cycles/{cycle.id}/edit",
        form(versions, checklist_version_id=str(versions["2025.1"])),
    )
    assert changed.status_code == 303
    assert the_cycle(app).checklist_version_id == versions["2025.1"]
    assert post(admin, f"/admin/cycles/{cycle.id}/open").status_code == 303
    page = admin.get(f"/admin/cycles/{cycle.id}/edit").get_data(as_text=True)
    assert "it can no longer change" in page
    # A forged post naming another version changes names and dates but not the version.
    post(
        admin,
        f"/admin/cycles/{cycle.id}/edit",
        form(versions, checklist_version_id=str(versions["2024.1"]), name_en="Renamed"),
    )
    after = the_cycle(app)
    assert (after.checklist_version_id, after.name_en) == (versions["2025.1"], "Renamed")
    with app.app_context():
        stored = db.session.get(Cycle, cycle.id)
        values = services.CycleValues(
            slug=stored.slug,
            name_en=stored.name_en,
            name_zh=stored.name_zh,
            checklist_version_id=versions["2024.1"],
            opens_on=stored.opens_on,
            due_on=stored.due_on,
            closes_on=stored.closes_on,
        )
        with pytest.raises(services.ChecklistFrozen):
            services.update_cycle(db.session, None, stored, values)


def test_a_first_visit_during_a_change_of_checklist_version_files_on_the_new_one(
    app, accounts, admin, versions, monkeypatch
):
    """The edit has checked that no disclosure exists and holds the cycle's row; a company's
    first visit at that moment waits for it and then files on the version it set (without the
    wait it filed on the old one, which the edit could no longer see)."""
    import threading

    from tracker.companies.models import Company
    from tracker.filing import services as filing

    assert post(admin, "/admin/cycles/new", form(versions)).status_code == 303
    cycle_id = the_cycle(app).id
    checked, go = threading.Event(), threading.Event()
    original = services.has_disclosures
    calls = []

    def has_disclosures(session, cycle):
        found = original(session, cycle)
        calls.append(found)
        if len(calls) == 2:  # asked again under the cycle's row: hold it there a moment
            checked.set()
            go.wait(10)
        return found

    monkeypatch.setattr(services, "has_disclosures", has_disclosures)

    def edit() -> None:
        with app.app_context():
            cycle = db.session.get(Cycle, cycle_id)
            values = services.CycleValues(
                slug=cycle.slug,
                name_en=cycle.name_en,
                name_zh=cycle.name_zh,
                checklist_version_id=versions["2025.1"],
                opens_on=cycle.opens_on,
                due_on=cycle.due_on,
                closes_on=cycle.closes_on,
            )
            services.update_cycle(db.session, None, cycle, values)
            db.session.commit()

    def first_visit() -> None:
        with app.app_context():
            cycle = db.session.get(Cycle, cycle_id)
            cycle.checklist_version  # noqa: B018 - read before the edit commits
            company = db.session.get(Company, accounts.ids["company_a"])
            filing.disclosure_for(db.session, company, cycle)
            db.session.commit()

    editing = threading.Thread(target=edit)
    editing.start()
    assert checked.wait(10)
    visiting = threading.Thread(target=first_visit)
    visiting.start()
    visiting.join(1.0)
    go.set()
    editing.join(30)
    visiting.join(30)
    assert not editing.is_alive() and not visiting.is_alive()
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        [disclosure] = db.session.scalars(sa.select(Disclosure).filter_by(cycle_id=cycle_id))
        assert cycle.checklist_version_id == versions["2025.1"]
        assert disclosure.checklist_version_id == cycle.checklist_version_id


def test_officers_file_only_while_the_cycle_is_open(app, accounts, admin, versions):
    assert (
        post(admin, "/admin/cycles/new", form(versions, opens_on=TODAY.isoformat())).status_code
        == 303
    )
    cycle = the_cycle(app)
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    page = officer.get("/filing/2026-annual/c1").get_data(as_text=True)
    assert 'disabled id="c1-safety-team-status-0"' in page  # planned: read-only
    early = post_item(
        officer,
        "c1.safety-team",
        {"status": "met"},
        url="/filing/2026-annual/items/c1.safety-team",
        form_url="/filing/2026-annual/items/c1.safety-team",
        page=page,
    )
    assert early.status_code == 409
    assert post(admin, f"/admin/cycles/{cycle.id}/open").status_code == 303
    saved = post_item(
        officer,
        "c1.safety-team",
        {"status": "met", "narrative": "A team."},
        url="/filing/2026-annual/items/c1.safety-team",
        form_url="/filing/2026-annual/items/c1.safety-team",
        page=officer.get("/filing/2026-annual/c1").get_data(as_text=True),
    )
    assert saved.status_code == 302
    assert post(admin, f"/admin/cycles/{cycle.id}/close").status_code == 303
    closed = officer.get("/filing/2026-annual/").get_data(as_text=True)
    assert "This cycle is closed for changes." in closed


@pytest.mark.parametrize(
    ("due", "reason", "code"),
    [
        (0, "", "reason_missing"),
        (0, "x" * 2001, "reason_too_long"),
        (None, "Same.", "same_date"),
        (-400, "Too early.", "before_opening"),
        (400, "Too late.", "after_closing"),
    ],
)
def test_extension_refusals(app_ctx, accounts, filing_world, due, reason, code):
    disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
    disclosure.cycle.closes_on = disclosure.cycle.due_on + timedelta(days=30)
    target = disclosure.cycle.due_on if due is None else TODAY + timedelta(days=due + 20)
    with pytest.raises(services.ExtensionRefused) as refused:
        services.extend_due_date(db.session, None, disclosure, target, reason)
    assert (refused.value.why, refused.value.code) == (code, f"cycles.extension_{code}")
    db.session.rollback()


def test_the_queue_and_reminders_follow_an_extended_due_date(app_ctx, accounts, filing_world):
    disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
    cycle = disclosure.cycle
    cycle.due_on = TODAY - timedelta(days=1)  # the cycle's date has passed
    services.extend_due_date(
        db.session, None, disclosure, TODAY + timedelta(days=3), "Needs board sign-off."
    )
    db.session.commit()
    rows, _ = queue(db.session, cycle, sort="due")
    by_slug = {r.company.slug: r for r in rows}
    assert not by_slug["company-a"].overdue(cycle, TODAY)  # extended
    assert by_slug["company-b"].overdue(cycle, TODAY)  # not extended, not started
    assert [r.company.slug for r in rows] == ["company-b", "company-a"]  # earliest due first
    run = send_reminders(db.session, TODAY, [7, 1], utcnow(), lambda c: "https://x/filing")
    assert (run.companies, run.messages) == (1, 1)  # only A is within 7 days of its own date
    [mail] = db.session.scalars(sa.select(OutboxMessage).filter_by(kind="reminder")).all()
    assert mail.recipient == accounts.email("officer_a")
    extended = TODAY + timedelta(days=3)
    assert day_text(extended, "en") in mail.subject and day_text(extended, "zh") in mail.subject


def test_opening_skips_companies_that_already_have_a_disclosure(app_ctx, accounts, filing_world):
    cycle = db.session.get(Disclosure, filing_world["disclosure_a"]).cycle
    cycle.opened_at = None
    created = services.open_cycle(db.session, None, cycle, utcnow())
    assert [d.company.slug for d in created] == ["company-b"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Disclosure)) == 2


def test_the_cycle_pages_list_with_few_queries(app, admin, versions, count_queries):
    assert post(admin, "/admin/cycles/new", form(versions)).status_code == 303
    cycle = the_cycle(app)
    assert post(admin, f"/admin/cycles/{cycle.id}/open").status_code == 303
    with count_queries() as counter:
        assert admin.get(f"/admin/cycles/{cycle.id}").status_code == 200
    assert counter.count <= 8, counter.statements
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion)) == 4


def test_a_planned_cycle_does_not_replace_the_one_under_way(
    app_ctx, accounts, filing_world, versions
):
    under_way = db.session.scalar(sa.select(Cycle).filter_by(slug="test-cycle"))
    values = services.CycleValues(
        slug="next",
        name_en="Next",
        name_zh="下一期",
        checklist_version_id=versions["2025.1"],
        opens_on=TODAY,
        due_on=TODAY + timedelta(days=30),
        closes_on=None,
    )
    planned = services.create_cycle(db.session, None, values)
    db.session.commit()
    assert current_cycle(db.session, TODAY) == under_way
    services.open_cycle(db.session, None, planned, utcnow())
    db.session.commit()
    assert current_cycle(db.session, TODAY) == planned


def test_officers_see_their_extended_due_date(app, accounts, filing_world):
    with app.app_context():
        disclosure = db.session.get(Disclosure, filing_world["disclosure_a"])
        disclosure.cycle.due_on = TODAY - timedelta(days=2)  # the cycle's date has passed
        services.extend_due_date(
            db.session, None, disclosure, TODAY + timedelta(days=5), "Board meeting."
        )
        db.session.commit()
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    dashboard = officer.get("/filing/").get_data(as_text=True)
    assert "(extended)" in dashboard and "5 days left" in dashboard
    assert "overdue" not in dashboard
    overview = officer.get("/filing/test-cycle/").get_data(as_text=True)
    assert "(extended)" in overview
    other = app.test_client()
    sign_in(other, accounts.email("officer_b"))
    assert "2 days overdue" in other.get("/filing/").get_data(as_text=True)
