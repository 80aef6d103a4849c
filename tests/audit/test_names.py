"""The audit trail's page names what each event acts on (a disclosure by its company and cycle,
a company, a cycle, a user) and says actions and states in the reader's language, with one
query per kind of object whatever the number of events."""

import re

from tests.support.filing import answer_everything
from tests.support.http import post, sign_in
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db

PAGE = "/admin/audit/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def submitted(app, accounts, filing_world) -> None:
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303


def test_a_disclosure_is_named_by_its_company_and_cycle_and_its_states_by_name(
    client, app, accounts, filing_world
):
    submitted(app, accounts, filing_world)
    sign_in(client, accounts.email("admin"))
    html = client.get(f"{PAGE}?action=disclosure.submit").get_data(as_text=True)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Disclosure submitted" in page
    assert "Company A · Test cycle" in page
    assert 'href="/review/test-cycle/company-a"' in html
    assert '<span class="detail-key">Status before</span>: Draft' in html
    assert '<span class="detail-key">Status after</span>: Submitted' in html
    assert "draft" not in page.replace("disclosure.submit", "")  # no raw codes for states

    client.get("/language/zh_CN?next=/")
    chinese = text(client.get(f"{PAGE}?action=disclosure.submit"))
    assert "披露已提交" in chinese
    with app.app_context():
        company = db.session.get(Company, accounts.ids["company_a"])
        cycle = db.session.scalars(db.select(Cycle)).one()
        assert f"{company.name_zh} · {cycle.name_zh}" in chinese
    assert "原状态 : 草稿" in chinese and "新状态 : 已提交" in chinese
    assert "收件人" not in chinese  # the outbox's "To" is not a state's


def test_users_companies_and_cycles_are_named_and_unknown_ones_keep_their_number(
    client, app, accounts, filing_world
):
    with app.app_context():
        admin = db.session.get(User, accounts.ids["admin"])
        cycle = db.session.scalars(db.select(Cycle)).one()
        record(db.session, admin, "user.deactivate", "user", accounts.ids["officer_b"])
        record(db.session, admin, "company.update", "company", accounts.ids["company_b"])
        record(db.session, admin, "cycle.open", "cycle", cycle.id)
        record(db.session, admin, "disclosure.submit", "disclosure", 999_999)
        record(db.session, admin, "something.new", "gadget", 7)
        db.session.commit()
    sign_in(client, accounts.email("admin"))
    page = text(client.get(PAGE))
    assert "User deactivated" in page and "Officer B officer_b@test.example" in page
    assert "Company changed" in page and "Company B (Company #" in page
    assert "Cycle opened" in page and "Test cycle (Cycle #" in page
    assert "Disclosure (Disclosure #999999)" in page  # since deleted: the number stays
    assert "something.new" in page and "gadget (gadget #7)" in page


def test_the_page_runs_one_query_per_kind_of_object(
    client, app, accounts, filing_world, count_queries
):
    submitted(app, accounts, filing_world)
    sign_in(client, accounts.email("admin"))
    client.get(PAGE)
    with count_queries() as few:
        client.get(PAGE)
    with app.app_context():
        admin = db.session.get(User, accounts.ids["admin"])
        cycle = db.session.scalars(db.select(Cycle)).one()
        for _ in range(15):
            record(db.session, admin, "user.update", "user", accounts.ids["officer_b"])
            record(db.session, admin, "company.update", "company", accounts.ids["company_b"])
            record(db.session, admin, "cycle.update", "cycle", cycle.id)
        db.session.commit()
    with count_queries() as many:
        page = text(client.get(PAGE))
    assert page.count("Cycle changed") == 15
    assert many.count <= few.count + 3  # at most one more query each for users, companies, cycles
