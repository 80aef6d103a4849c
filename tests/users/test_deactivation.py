"""Deactivating an account is asked on a page first, naming what it does and who is left to
file for the company; the page changes nothing, its button does."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.http import client_as, post
from tracker.auth.models import User
from tracker.db import db
from tracker.domain.languages import ZH
from tracker.i18n import LANGUAGE_COOKIE


def active(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.is_active).filter_by(id=user_id))


def test_the_deactivate_button_leads_to_a_page_that_names_what_happens(app, accounts):
    admin = client_as(app, accounts.ids, "admin")
    officer = accounts.ids["officer_a"]
    url = f"/admin/users/{officer}/deactivate"
    detail = admin.get(f"/admin/users/{officer}").get_data(as_text=True)
    assert f'href="{url}"' in detail and f'action="{url}"' not in detail
    page = admin.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Deactivate Officer A?" in text
    assert "will be signed out everywhere at once and can no longer sign in." in text
    assert "Nobody else can file for this company afterwards" in text
    assert f'action="{url}"' in text
    assert active(app, officer)  # looking changes nothing
    done = post(admin, url)
    assert done.status_code == 303
    assert done.headers["Location"] == f"/admin/users/{officer}"
    assert not active(app, officer)
    # Asked again for a deactivated account: back to its page, saying so.
    again = admin.get(url)
    assert again.status_code == 302
    assert "is already deactivated." in admin.get(again.headers["Location"]).get_data(as_text=True)


def test_the_page_counts_the_other_officers_and_reads_in_chinese(app, accounts):
    with app.app_context():
        db.session.add(
            User(
                email="officer_a2@test.example",
                display_name="Officer A2",
                role="officer",
                company_id=accounts.ids["company_a"],
            )
        )
        db.session.commit()
    admin = client_as(app, accounts.ids, "admin")
    url = f"/admin/users/{accounts.ids['officer_a']}/deactivate"
    assert "1 other officer of the company can still file for it." in admin.get(url).get_data(
        as_text=True
    )
    admin.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    text = admin.get(url).get_data(as_text=True)
    assert "停用Officer A？" in text
    assert "该企业另有 1 名合规负责人仍可为其填报。" in text


def test_a_staff_account_has_no_company_line(app, accounts):
    admin = client_as(app, accounts.ids, "admin")
    text = admin.get(f"/admin/users/{accounts.ids['staff']}/deactivate").get_data(as_text=True)
    assert "Deactivate Staff?" in text
    assert "file for" not in text


def test_only_who_may_manage_the_account_sees_the_page(app, accounts):
    url = f"/admin/users/{accounts.ids['officer_a']}/deactivate"
    assert client_as(app, accounts.ids, "staff").get(url).status_code == 403
    me = accounts.ids["admin"]
    assert (
        client_as(app, accounts.ids, "admin").get(f"/admin/users/{me}/deactivate").status_code
        == 403
    )
    assert (
        client_as(app, accounts.ids, "admin").get("/admin/users/999999/deactivate").status_code
        == 404
    )
