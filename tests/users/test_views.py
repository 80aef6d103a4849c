"""Managing accounts in the browser's forms: who may invite whom, edits, and what is recorded."""

import sqlalchemy as sa

from tests.support.accounts import invite_form
from tests.support.http import post, sign_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.db import db


def test_staff_invite_officers_but_not_staff_or_administrators(client, accounts, app):
    sign_in(client, accounts.email("staff"))
    page = client.get("/admin/users/invite").get_data(as_text=True)
    assert 'value="officer"' in page
    assert 'value="staff"' not in page and 'value="admin"' not in page
    for role in ("staff", "admin"):
        response = post(
            client, "/admin/users/invite", **invite_form(accounts, role=role, company="")
        )
        assert response.status_code == 422  # not a choice offered to staff
        assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(User).filter_by(email="someone@test.example")) is None
    assert post(client, "/admin/users/invite", **invite_form(accounts)).status_code == 302


def test_administrators_invite_staff_without_a_company(client, accounts, app):
    sign_in(client, accounts.email("admin"))
    response = post(
        client, "/admin/users/invite", **invite_form(accounts, role="staff", company="")
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(email="someone@test.example"))
        assert user.role is Role.STAFF and user.company_id is None


def test_invitation_mistakes_get_clear_messages(client, accounts):
    sign_in(client, accounts.email("admin"))
    cases = [
        (invite_form(accounts, email="not-an-address"), "Invalid email address."),
        (
            invite_form(accounts, email=accounts.email("staff")),
            "An account with this e-mail address already exists.",
        ),
        (invite_form(accounts, company=""), "Compliance officers need a company"),
        (invite_form(accounts, role="staff"), "Compliance officers need a company"),
        (invite_form(accounts, role="emperor"), "Not a valid choice"),
        (invite_form(accounts, company="999999"), "Not a valid choice"),
        (invite_form(accounts, display_name=""), "This field is required."),
    ]
    for form, message in cases:
        response = post(client, "/admin/users/invite", **form)
        assert response.status_code == 422, form
        assert message in response.get_data(as_text=True), form


def test_role_change_ends_the_users_sessions_and_is_recorded(client, accounts, app):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(client, accounts.email("admin"))
    user_id = accounts.ids["officer_a"]
    response = post(
        client,
        f"/admin/users/{user_id}",
        display_name="Officer A",
        role="officer",
        company=str(accounts.ids["company_b"]),
    )
    assert response.status_code == 302
    assert officer.get("/account/").status_code == 302  # signed out by the change
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="user.update"))
        assert event.details == {
            "company_id": [accounts.ids["company_a"], accounts.ids["company_b"]]
        }
        assert event.actor_id == accounts.ids["admin"]


def test_a_rename_alone_keeps_the_session(client, accounts, app):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(client, accounts.email("admin"))
    post(
        client,
        f"/admin/users/{accounts.ids['officer_a']}",
        display_name="Officer Alpha",
        role="officer",
        company=str(accounts.ids["company_a"]),
    )
    assert officer.get("/account/").status_code == 200


def test_administrators_cannot_deactivate_or_demote_themselves(client, accounts):
    sign_in(client, accounts.email("admin"))
    me = accounts.ids["admin"]
    assert post(client, f"/admin/users/{me}/deactivate").status_code == 403
    assert (
        post(
            client,
            f"/admin/users/{me}",
            display_name="Admin",
            role="officer",
            company=str(accounts.ids["company_a"]),
        ).status_code
        == 403
    )
    assert client.get("/account/").status_code == 200


def test_unknown_user_is_a_404(client, accounts):
    sign_in(client, accounts.email("admin"))
    assert client.get("/admin/users/999999").status_code == 404
    assert post(client, "/admin/users/999999/deactivate").status_code == 404


def test_user_list_filters(client, accounts, app):
    sign_in(client, accounts.email("staff"))
    staff_only = client.get("/admin/users/?role=staff").get_data(as_text=True)
    assert "staff@test.example" in staff_only and "officer_a@test.example" not in staff_only
    with app.app_context():
        db.session.get(User, accounts.ids["officer_b"]).is_active = False
        db.session.commit()
    inactive = client.get("/admin/users/?status=inactive").get_data(as_text=True)
    assert "officer_b@test.example" in inactive and "officer_a@test.example" not in inactive
    none = client.get("/admin/users/?status=invited").get_data(as_text=True)
    assert "No user matches these filters." in none


def test_user_list_paginates(client, accounts, app):
    app.config["PAGE_SIZE"] = 2
    sign_in(client, accounts.email("admin"))
    first = client.get("/admin/users/").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/admin/users/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
