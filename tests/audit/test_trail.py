"""The audit trail: every kind of change is recorded with its actor, time and before/after; the
administrator's page filters it and exports the same selection as CSV."""

import csv
import io
import json
from datetime import timedelta

import sqlalchemy as sa

from tests.support.accounts import invite_form
from tests.support.app import alliance_today
from tests.support.files import PNG
from tests.support.filing import answer_everything, post_item, upload
from tests.support.http import post, sign_in
from tests.support.review import REVIEW
from tracker.audit.models import AuditEvent
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.db import db
from tracker.filing.models import Attachment, Disclosure


def trail(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .options(sa.orm.joinedload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return events


def first(events, action) -> AuditEvent:
    found = [e for e in events if e.action == action]
    assert found, f"no {action} in {sorted({e.action for e in events})}"
    return found[0]


def test_every_kind_of_change_is_recorded_with_actor_and_before_after(app, accounts, filing_world):
    officer, staff, admin = app.test_client(), app.test_client(), app.test_client()
    assert sign_in(officer, "officer_a@test.example", "wrong password").status_code == 422
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    sign_in(admin, accounts.email("admin"))

    # An edit: the answer's fields before and after.
    assert (
        post_item(
            officer, "c1.safety-team", {"status": "partially_met", "narrative": "A team of two."}
        ).status_code
        == 302
    )
    assert upload(officer, "c1.safety-team", "second.png", PNG).status_code == 303
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment).filter_by(filename="second.png"))
    assert (
        post(officer, f"/filing/test-cycle/attachments/{attachment.id}/remove").status_code == 303
    )
    # A comment, decisions, publication, a correction.
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    assert post(staff, f"{REVIEW}/comments", body="Name the team.").status_code == 303
    assert (
        post(
            staff, f"{REVIEW}/decision", action="request_changes", reason="One more detail."
        ).status_code
        == 303
    )
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    assert post(staff, f"{REVIEW}/decision", action="accept", reason="Good.").status_code == 303
    assert post(staff, f"{REVIEW}/publish").status_code == 303
    assert post(officer, "/filing/test-cycle/correction", reason="Typo.").status_code == 303
    # Administration: a company, an invitation, the cycle.
    assert (
        post(
            admin,
            f"/admin/companies/{accounts.ids['company_a']}",
            name_en="Company A Ltd",
            name_zh="甲公司",
            slug="company-a",
            is_signatory="y",
            signatory_source="test",
            signatory_confirmed="y",
        ).status_code
        == 302
    )
    assert post(staff, "/admin/users/invite", **invite_form(accounts)).status_code == 302
    with app.app_context():
        cycle_id = db.session.get(Disclosure, filing_world["disclosure_a"]).cycle_id
    assert post(admin, f"/admin/cycles/{cycle_id}/close").status_code == 303

    events = trail(app)
    by = {e.action: e for e in reversed(events)}  # the first of each action

    failed = first(events, "user.sign_in_failed")
    assert failed.actor is None
    assert first(events, "user.sign_in").actor.email == accounts.email("officer_a")

    saved = first(events, "answer.save")
    assert saved.actor.email == accounts.email("officer_a")
    assert saved.object_type == "disclosure" and saved.object_id == filing_world["disclosure_a"]
    assert saved.details["item"] == "c1.safety-team"
    assert saved.details["status"] == ["met", "partially_met"]
    assert saved.details["narrative"] == ["We have a team.", "A team of two."]

    for action, who in [
        ("attachment.add", "officer_a"),
        ("attachment.remove", "officer_a"),
        ("disclosure.submit", "officer_a"),
        ("comment.add", "staff"),
        ("disclosure.request_changes", "staff"),
        ("disclosure.accept", "staff"),
        ("disclosure.publish", "staff"),
        ("disclosure.reopen", "officer_a"),
        ("company.update", "admin"),
        ("user.invite", "staff"),
        ("cycle.close", "admin"),
    ]:
        assert by[action].actor.email == accounts.email(who), action
        assert by[action].at is not None
    assert by["disclosure.request_changes"].details == {
        "reason": "One more detail.",
        "from": "submitted",
        "to": "changes_requested",
    }
    assert by["company.update"].details["name_en"] == ["Company A", "Company A Ltd"]
    assert by["disclosure.publish"].details["version"] == 1


def seed_events(app, accounts) -> None:
    with app.app_context():
        admin = db.session.get(User, accounts.ids["admin"])
        record(db.session, admin, "company.update", "company", 7, {"name_en": ["A", "B"]})
        record(db.session, None, "user.sign_in_failed", "user", None, {"email": "x@y"})
        record(db.session, None, "test.formula", "=cmd|' /C calc'!A0", None)
        record(
            db.session,
            admin,
            "disclosure.publish",
            "disclosure",
            3,
            {"note": '=HYPERLINK("http://evil")', "name_zh": "甲公司"},
        )
        db.session.commit()


def test_the_page_filters_by_action_actor_object_and_date(app, accounts):
    seed_events(app, accounts)
    admin = app.test_client()
    sign_in(admin, accounts.email("admin"))
    today = alliance_today()

    def rows(**args) -> str:
        response = admin.get("/admin/audit/", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert "company.update" in rows(action="company.") and "disclosure.publish" not in rows(
        action="company."
    )
    by_actor = rows(actor="ADMIN@test")
    assert "disclosure.publish" in by_actor and "user.sign_in_failed" not in by_actor
    assert "company.update" not in rows(object_type="disclosure")
    assert "disclosure.publish" in rows(object_type="disclosure", object_id="3")
    assert "No event matches these filters." in rows(object_type="disclosure", object_id="4")
    assert "company.update" in rows(since=today.isoformat(), until=today.isoformat())
    assert "No event matches" in rows(since=(today + timedelta(days=1)).isoformat())
    assert "No event matches" in rows(until=(today - timedelta(days=1)).isoformat())
    assert "No event matches" in rows(action="%")  # a wildcard is taken literally

    bad = admin.get("/admin/audit/?since=yesterday&object_id=x")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert (
        "From must be a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31, not “yesterday”." in text
    )
    assert "The object number must be a whole number." in text
    reversed_range = admin.get(f"/admin/audit/?since={today}&until={today - timedelta(days=1)}")
    assert reversed_range.status_code == 400


def test_csv_export_has_the_filtered_events_safe_for_spreadsheets(app, accounts):
    seed_events(app, accounts)
    admin = app.test_client()
    sign_in(admin, accounts.email("admin"))
    page = admin.get("/admin/audit/?action=disclosure.").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?action=disclosure."' in page

    response = admin.get("/admin/audit/export.csv?action=disclosure.")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert response.headers["Cache-Control"] == "private, no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "id",
        "at_utc",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "details",
    ]
    assert [r[3] for r in rows[1:]] == ["disclosure.publish"]
    details = json.loads(rows[1][6])
    assert details == {"note": '=HYPERLINK("http://evil")', "name_zh": "甲公司"}
    assert rows[1][2] == accounts.email("admin")

    everything = list(
        csv.reader(
            io.StringIO(
                admin.get("/admin/audit/export.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    actions = {r[3] for r in everything[1:]}
    assert {"company.update", "user.sign_in_failed", "disclosure.publish"} <= actions
    # A cell that starts like a formula is defused.
    assert "'=cmd|' /C calc'!A0" in [r[4] for r in everything]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in everything for cell in row)

    assert admin.get("/admin/audit/export.csv?since=nope").status_code == 400


def test_only_administrators_read_or_export_the_trail(app, accounts):
    for role in ("officer_a", "staff"):
        client = app.test_client()
        sign_in(client, accounts.email(role))
        assert client.get("/admin/audit/").status_code == 403
        assert client.get("/admin/audit/export.csv").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/admin/audit/export.csv").status_code == 302
