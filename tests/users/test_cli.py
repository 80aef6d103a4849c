"""``tracker users create-admin|list|deactivate|reset-link``."""

import re

import pytest
import sqlalchemy as sa

from tests.support.accounts import PASSWORD
from tests.support.http import csrf_token, sign_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.db import db

GOOD = PASSWORD
NEW_EMAIL = "new@example.org"


def user_by_email(app, email: str) -> User | None:
    """The account as stored now, detached (its company loaded)."""
    with app.app_context():
        user = db.session.scalar(
            sa.select(User).filter_by(email=email).options(sa.orm.joinedload(User.company))
        )
        if user is not None:
            db.session.expunge(user)
        return user


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action)))


def create_admin(
    runner,
    *options: str,
    email: str = "New@Example.org",
    name: str = "New Admin",
    password: str = GOOD,
):
    return runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            email,
            "--name",
            name,
            "--password-stdin",
            *options,
        ],
        input=password + "\n",
    )


# --- create-admin ---------------------------------------------------------------------------


def test_create_admin_with_password_on_stdin(runner, app, client):
    result = create_admin(runner)

    assert result.exit_code == 0, result.output
    assert f"Administrator {NEW_EMAIL} created" in result.output
    assert GOOD not in result.output
    user = user_by_email(app, NEW_EMAIL)
    assert user is not None
    assert user.role is Role.ADMIN
    assert user.display_name == "New Admin"
    assert user.company is None
    assert user.is_active and user.has_password
    assert GOOD not in user.password_hash
    assert "user.create_admin" in audit_actions(app)

    response = sign_in(client, "New@Example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"


def test_the_name_is_stored_without_surrounding_spaces(runner, app):
    result = create_admin(runner, name="  New Admin  ")
    assert result.exit_code == 0, result.output
    assert user_by_email(app, NEW_EMAIL).display_name == "New Admin"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "use at least 15 characters"),
        ("Xq7#mZ2!pL9@wR", "use at least 15 characters"),  # 14 characters, otherwise strong
        ("passwordpassword", "too easy to guess"),
        ("new admin example org", "too easy to guess"),  # built from the account's own name
    ],
)
def test_weak_passwords_are_refused(runner, app, password, message):
    result = create_admin(runner, password=password)
    assert result.exit_code == 2
    assert message in result.output
    assert user_by_email(app, NEW_EMAIL) is None


def test_a_password_longer_than_256_characters_is_refused(runner, app):
    result = create_admin(runner, password="correct horse battery staple " * 10)
    assert result.exit_code == 2
    assert "use at most 256 characters" in result.output
    assert user_by_email(app, NEW_EMAIL) is None


def test_a_duplicate_email_is_refused(runner, app, accounts):
    before = user_count(app)
    result = create_admin(runner, email="  Admin@Test.example ")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert user_count(app) == before
    assert user_by_email(app, "admin@test.example").display_name == "Admin"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("email", "not-an-email", "is not an e-mail address"),
        ("email", "x" * 250 + "@a.example", "is not an e-mail address"),
        ("name", "  ", "give a name of 1 to 200 characters"),
        ("name", "", "give a name of 1 to 200 characters"),
    ],
)
def test_bad_options_are_usage_errors(runner, app, option, value, message):
    result = create_admin(runner, **{option: value})
    assert result.exit_code == 2
    assert message in result.output
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("option", "value"), [("email", "@"), ("email", "admin@"), ("name", "N" * 201)]
)
def test_addresses_and_names_the_web_forms_refuse_are_usage_errors(runner, app, option, value):
    result = create_admin(runner, **{option: value})
    assert result.exit_code == 2
    assert user_count(app) == 0


def test_options_are_required(runner, app):
    result = runner.invoke(args=["users", "create-admin", "--email", NEW_EMAIL], input=GOOD + "\n")
    assert result.exit_code == 2
    assert "--name" in result.output
    assert user_count(app) == 0


def test_create_admin_prompts_for_the_password_twice(runner, app):
    result = runner.invoke(
        args=["users", "create-admin", "--email", NEW_EMAIL, "--name", "New Admin"],
        input=f"{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    assert GOOD not in result.output  # hidden input is not echoed
    assert user_by_email(app, NEW_EMAIL).role is Role.ADMIN


def test_the_prompt_asks_again_when_the_two_entries_differ(runner, app):
    other = "another long and unguessable passphrase"
    result = runner.invoke(
        args=["users", "create-admin", "--email", NEW_EMAIL, "--name", "New Admin"],
        input=f"{GOOD}\n{other}\n{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Error: The two entered values do not match." in result.output
    assert user_by_email(app, NEW_EMAIL) is not None


def test_the_prompted_password_is_checked_too(runner, app):
    result = runner.invoke(
        args=["users", "create-admin", "--email", NEW_EMAIL, "--name", "New Admin"],
        input="password123\npassword123\n",
    )
    assert result.exit_code == 2
    assert "use at least 15 characters" in result.output
    assert user_by_email(app, NEW_EMAIL) is None


# --- list -----------------------------------------------------------------------------------


def list_lines(runner, *options: str) -> dict[str, list[str]]:
    result = runner.invoke(args=["users", "list", *options])
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line.split() for line in result.output.splitlines()}


def test_list_shows_every_account_with_role_status_and_company(runner, accounts):
    lines = list_lines(runner)
    assert lines == {
        "officer_a@test.example": ["officer_a@test.example", "officer", "active", "company-a"],
        "officer_b@test.example": ["officer_b@test.example", "officer", "active", "company-b"],
        "staff@test.example": ["staff@test.example", "staff", "active", "-"],
        "admin@test.example": ["admin@test.example", "admin", "active", "-"],
    }


def test_list_shows_invited_and_inactive_accounts(runner, app, accounts):
    with app.app_context():
        db.session.add(User(email="invited@test.example", display_name="Invited", role=Role.STAFF))
        db.session.get(User, accounts.ids["officer_b"]).is_active = False
        db.session.commit()
    lines = list_lines(runner)
    assert lines["invited@test.example"][2] == "invited"
    assert lines["officer_b@test.example"][2] == "inactive"
    assert lines["officer_a@test.example"][2] == "active"


@pytest.mark.parametrize(
    ("role", "emails"),
    [
        ("staff", {"staff@test.example"}),
        ("admin", {"admin@test.example"}),
        ("officer", {"officer_a@test.example", "officer_b@test.example"}),
    ],
)
def test_list_filters_by_role(runner, accounts, role, emails):
    assert set(list_lines(runner, "--role", role)) == emails


def test_list_refuses_an_unknown_role(runner, accounts):
    result = runner.invoke(args=["users", "list", "--role", "owner"])
    assert result.exit_code == 2


# --- deactivate -----------------------------------------------------------------------------


def test_deactivate_stops_sign_in(runner, app, accounts, client):
    result = runner.invoke(args=["users", "deactivate", "Officer_A@test.example"])

    assert result.exit_code == 0, result.output
    assert "officer_a@test.example is deactivated." in result.output
    user = user_by_email(app, "officer_a@test.example")
    assert not user.is_active
    assert user.session_version == 2
    assert sign_in(client, accounts.email("officer_a")).status_code == 422
    assert sign_in(client, accounts.email("officer_b")).status_code == 302
    assert "user.deactivate" in audit_actions(app)


def test_deactivate_ends_an_open_session(runner, accounts, client):
    assert sign_in(client, accounts.email("staff")).status_code == 302
    assert client.get("/admin/users/").status_code == 200
    assert runner.invoke(args=["users", "deactivate", "staff@test.example"]).exit_code == 0
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_deactivate_twice_is_harmless(runner, app, accounts):
    for _ in range(2):
        result = runner.invoke(args=["users", "deactivate", "officer_a@test.example"])
        assert result.exit_code == 0, result.output
    assert user_by_email(app, "officer_a@test.example").session_version == 2


def test_deactivate_of_an_unknown_address_exits_1(runner, accounts):
    result = runner.invoke(args=["users", "deactivate", "nobody@test.example"])
    assert result.exit_code == 1
    assert "no account with the e-mail address nobody@test.example" in result.output


# --- reset-link -----------------------------------------------------------------------------


def reset_path(output: str) -> str:
    match = re.search(r"https?://[^/\s]+(/password/reset/[\w\-]+)", output)
    assert match, output
    return match.group(1)


def test_reset_link_opens_the_password_form(runner, accounts, client):
    result = runner.invoke(args=["users", "reset-link", "officer_a@test.example"])

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5000/password/reset/" in result.output
    assert "valid for 60 minutes" in result.output
    path = reset_path(result.output)
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'name="password"' in text and 'name="confirm"' in text
    assert "officer_a@test.example" in text

    new_password = "a brand new and equally unguessable passphrase"
    changed = client.post(
        path,
        data={
            "password": new_password,
            "confirm": new_password,
            "csrf_token": csrf_token(client, path),
        },
    )
    assert changed.status_code == 302
    # The link works once, and the new password is the one that signs in.
    assert client.get(path).status_code == 404
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    other = client.application.test_client()
    assert sign_in(other, accounts.email("officer_a")).status_code == 422
    assert sign_in(other, accounts.email("officer_a"), new_password).status_code == 302


def test_reset_link_uses_the_base_url(runner, accounts, app):
    app.config["BASE_URL"] = "https://tracker.example.org/"
    result = runner.invoke(args=["users", "reset-link", "staff@test.example"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("https://tracker.example.org/password/reset/")


def test_a_new_reset_link_replaces_the_previous_one(runner, accounts, client):
    first = reset_path(runner.invoke(args=["users", "reset-link", "staff@test.example"]).output)
    second = reset_path(runner.invoke(args=["users", "reset-link", "staff@test.example"]).output)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_reset_link_for_a_deactivated_account_exits_1(runner, accounts):
    assert runner.invoke(args=["users", "deactivate", "officer_b@test.example"]).exit_code == 0
    result = runner.invoke(args=["users", "reset-link", "officer_b@test.example"])
    assert result.exit_code == 1
    assert "is deactivated" in result.output
    assert "/password/reset/" not in result.output


def test_reset_link_for_an_unknown_address_exits_1(runner, accounts):
    result = runner.invoke(args=["users", "reset-link", "nobody@test.example"])
    assert result.exit_code == 1
    assert "no account" in result.output
