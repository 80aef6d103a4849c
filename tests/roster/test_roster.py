"""The roster kept by administrators: companies, confirmation with a source, the audit trail."""

import sqlalchemy as sa

from tests.support.http import post, sign_in
from tracker.audit.models import AuditEvent
from tracker.companies.models import Company
from tracker.db import db

GOOD = {
    "slug": "qingyun-ai",
    "name_en": "Qingyun AI",
    "name_zh": "青云智能",
    "website": "https://qingyun.example",
    "is_signatory": "y",
    "signatory_since": "2025-03-01",
    "signatory_source": "CAICT press release, 2025-03-02",
    "signatory_confirmed": "y",
}


def test_admin_adds_a_confirmed_signatory_that_then_shows_in_public(client, accounts, app):
    sign_in(client, accounts.email("admin"))
    response = post(client, "/admin/companies/new", GOOD)
    assert response.status_code == 302
    public = client.get("/companies/").get_data(as_text=True)
    assert "Qingyun AI" in public
    assert client.get("/companies/qingyun-ai").status_code == 200
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug="qingyun-ai"))
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="company.create"))
        assert event.object_id == company.id
        assert event.details["signatory_source"] == [None, GOOD["signatory_source"]]


def test_unconfirmed_company_stays_off_the_public_pages(client, accounts):
    sign_in(client, accounts.email("admin"))
    data = GOOD | {"signatory_confirmed": ""}
    data.pop("signatory_confirmed")
    assert post(client, "/admin/companies/new", data).status_code == 302
    assert ">Qingyun AI</a>" not in client.get("/companies/").get_data(as_text=True)
    assert client.get("/companies/qingyun-ai").status_code == 404
    admin_list = client.get("/admin/companies/").get_data(as_text=True)
    assert "Qingyun AI" in admin_list and "Not confirmed" in admin_list


def test_bad_company_forms_get_clear_messages_and_keep_what_was_typed(client, accounts):
    sign_in(client, accounts.email("admin"))
    cases = [
        ({"slug": "Qingyun AI"}, "Use lowercase letters, digits and hyphens."),
        ({"slug": "company-a"}, "Another company already uses this short name."),
        ({"website": "javascript:alert(1)"}, "Invalid URL."),
        ({"website": "ftp://qingyun.example"}, "Use an address starting with https://"),
        ({"signatory_source": ""}, "Give the source before confirming."),
        ({"is_signatory": ""}, "Only a signatory can be confirmed."),
        ({"signatory_since": "yesterday"}, "Not a valid date value."),
        ({"name_zh": ""}, "This field is required."),
    ]
    for change, message in cases:
        data = {k: v for k, v in (GOOD | change).items() if v != ""}
        response = post(client, "/admin/companies/new", data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert message in page, change
        assert 'value="Qingyun AI"' in page  # what was typed is still in the form


def test_edits_record_before_and_after(client, accounts, app):
    sign_in(client, accounts.email("admin"))
    company_id = accounts.ids["company_a"]
    data = {
        "slug": "company-a",
        "name_en": "Company A Renamed",
        "name_zh": "甲公司",
        "is_signatory": "y",
        "signatory_source": "test",
        "signatory_confirmed": "y",
    }
    assert post(client, f"/admin/companies/{company_id}", data).status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="company.update"))
        assert event.details == {"name_en": ["Company A", "Company A Renamed"]}
    history = client.get(f"/admin/audit/?object_type=company&object_id={company_id}")
    assert "Company A Renamed" in history.get_data(as_text=True)
    unchanged = post(client, f"/admin/companies/{company_id}", data)
    assert unchanged.status_code == 302
    assert "Nothing was changed." in client.get(unchanged.headers["Location"]).get_data(
        as_text=True
    )


def test_unknown_company_is_a_404(client, accounts):
    sign_in(client, accounts.email("admin"))
    assert client.get("/admin/companies/999999").status_code == 404
