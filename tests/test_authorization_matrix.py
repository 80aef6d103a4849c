"""Every route of the app × every kind of visitor, with the answer each must get.

A route added to the app without a row here fails ``test_every_route_is_in_the_matrix``: the
person adding it decides, and writes down, who may use it.
"""

import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.support.accounts import route_world
from tests.support.filing import create_filing_world
from tests.support.http import client_as, csrf_token
from tests.support.results import RESULTS_ITEM, stored
from tracker.auth.models import User
from tracker.db import db
from tracker.filing.models import ItemResponse

ROLES = ("anonymous", "officer_a", "officer_b", "staff", "admin")
SIGN_IN = "sign-in"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Row:
    url: str
    expect: dict[str, int | str]  # role -> status code, or SIGN_IN


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def signed_in(code: int) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN} | dict.fromkeys(ROLES[1:], code)


def staff_only(code: int) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "officer_a": 403, "officer_b": 403, "staff": code, "admin": code}


def admin_only(code: int) -> dict[str, int | str]:
    return {"anonymous": SIGN_IN, "officer_a": 403, "officer_b": 403, "staff": 403, "admin": code}


def officers_only(code: int, officer_b: int | None = None) -> dict[str, int | str]:
    """Filing: each officer acts on their own company's disclosure; staff do not file."""
    return {
        "anonymous": SIGN_IN,
        "officer_a": code,
        "officer_b": code if officer_b is None else officer_b,
        "staff": 403,
        "admin": 403,
    }


# (endpoint, method) -> Row. URLs use the objects made by the ``world`` fixture:
# {officer_a} is officer A's user id, {invitee} an invited officer of company A,
# {company_a} company A's id, {message} an outbox message that failed.
MATRIX: dict[tuple[str, str], Row] = {
    ("public.home", "GET"): Row("/", everyone(200)),
    ("public.cycle", "GET"): Row("/cycles/{cycle}/", everyone(200)),
    ("public.checklist", "GET"): Row("/checklist/", everyone(200)),
    ("public.about", "GET"): Row("/about/", everyone(200)),
    ("public.methodology", "GET"): Row("/methodology/", everyone(200)),
    ("opendata.data_page", "GET"): Row("/data/", everyone(200)),
    ("companies.index", "GET"): Row("/companies/", everyone(200)),
    ("companies.detail", "GET"): Row("/companies/company-a", everyone(200)),
    ("benchmarks.index", "GET"): Row("/benchmarks/", everyone(200)),
    ("feeds.publications", "GET"): Row("/feeds/publications.atom", everyone(200)),
    ("feeds.corrections", "GET"): Row("/feeds/corrections.atom", everyone(200)),
    ("feeds.company", "GET"): Row("/feeds/companies/company-a.atom", everyone(200)),
    ("feeds.cycle", "GET"): Row("/feeds/cycles/{cycle}.atom", everyone(200)),
    ("badges.company", "GET"): Row("/companies/company-a/badge.svg", everyone(200)),
    ("benchmarks.detail", "GET"): Row("/benchmarks/harmbench", everyone(200)),
    ("search.index", "GET"): Row("/search?q=team", everyone(200)),
    ("compare.index", "GET"): Row("/compare", everyone(200)),
    ("i18n.switch_language", "GET"): Row("/language/zh_CN?next=/", everyone(302)),
    ("static", "GET"): Row("/static/css/tracker.css", everyone(200)),
    ("auth.sign_in", "GET"): Row("/sign-in", {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
    # An empty form: 422 for a visitor, a redirect for someone already signed in.
    ("auth.sign_in", "POST"): Row("/sign-in", {"anonymous": 422} | dict.fromkeys(ROLES[1:], 302)),
    ("auth.sign_out", "POST"): Row("/sign-out", everyone(302)),
    ("auth.forgot_password", "GET"): Row("/password/forgot", everyone(200)),
    ("auth.forgot_password", "POST"): Row("/password/forgot", everyone(422)),
    ("auth.accept_invitation", "GET"): Row("/invitations/not-a-token", everyone(404)),
    ("auth.accept_invitation", "POST"): Row("/invitations/not-a-token", everyone(404)),
    ("auth.reset_password", "GET"): Row("/password/reset/not-a-token", everyone(404)),
    ("auth.reset_password", "POST"): Row("/password/reset/not-a-token", everyone(404)),
    ("auth.account", "GET"): Row("/account/", signed_in(200)),
    ("auth.change_password", "GET"): Row("/account/password", signed_in(200)),
    ("auth.change_password", "POST"): Row("/account/password", signed_in(422)),
    ("users.index", "GET"): Row("/admin/users/", staff_only(200)),
    ("users.invite", "GET"): Row("/admin/users/invite", staff_only(200)),
    ("users.invite", "POST"): Row("/admin/users/invite", staff_only(422)),
    ("users.detail", "GET"): Row("/admin/users/{officer_a}", staff_only(200)),
    ("users.detail", "POST"): Row("/admin/users/{officer_a}", admin_only(422)),
    # Deactivating is asked on a page first.
    ("users.confirm_deactivate", "GET"): Row(
        "/admin/users/{officer_a}/deactivate", admin_only(200)
    ),
    ("users.deactivate", "POST"): Row("/admin/users/{officer_a}/deactivate", admin_only(303)),
    ("users.reactivate", "POST"): Row("/admin/users/{officer_a}/reactivate", admin_only(303)),
    ("users.resend_invitation", "POST"): Row(
        "/admin/users/{invitee}/resend-invitation", staff_only(302)
    ),
    ("roster.index", "GET"): Row("/admin/companies/", admin_only(200)),
    ("roster.new", "GET"): Row("/admin/companies/new", admin_only(200)),
    ("roster.new", "POST"): Row("/admin/companies/new", admin_only(422)),
    ("roster.edit", "GET"): Row("/admin/companies/{company_a}", admin_only(200)),
    ("roster.edit", "POST"): Row("/admin/companies/{company_a}", admin_only(422)),
    ("outbox.index", "GET"): Row("/admin/outbox/", admin_only(200)),
    ("outbox.detail", "GET"): Row("/admin/outbox/{message}", admin_only(200)),
    ("outbox.retry", "POST"): Row("/admin/outbox/{message}/retry", admin_only(302)),
    ("jobs.index", "GET"): Row("/admin/jobs/", admin_only(200)),
    # No job queue in these tests: no failed job of that id to retry.
    ("jobs.retry", "POST"): Row("/admin/jobs/tracker-reports_cycle-1-0-en/retry", admin_only(404)),
    ("audit.index", "GET"): Row("/admin/audit/", admin_only(200)),
    ("audit.export", "GET"): Row("/admin/audit/export.csv", admin_only(200)),
    # Cycles: {cycle_id} is the open test cycle; empty forms are refused, opening an open cycle
    # is a 409, closing it works.
    ("cycles.index", "GET"): Row("/admin/cycles/", admin_only(200)),
    ("cycles.new", "GET"): Row("/admin/cycles/new", admin_only(200)),
    ("cycles.new", "POST"): Row("/admin/cycles/new", admin_only(422)),
    ("cycles.detail", "GET"): Row("/admin/cycles/{cycle_id}", admin_only(200)),
    ("cycles.edit", "GET"): Row("/admin/cycles/{cycle_id}/edit", admin_only(200)),
    ("cycles.edit", "POST"): Row("/admin/cycles/{cycle_id}/edit", admin_only(422)),
    ("cycles.open_cycle", "POST"): Row("/admin/cycles/{cycle_id}/open", admin_only(409)),
    # Closing is asked on a page first; reopening an open cycle is a 409 (an empty reason: 422).
    ("cycles.confirm_close", "GET"): Row("/admin/cycles/{cycle_id}/close", admin_only(200)),
    ("cycles.close_cycle", "POST"): Row("/admin/cycles/{cycle_id}/close", admin_only(303)),
    ("cycles.reopen", "GET"): Row("/admin/cycles/{cycle_id}/reopen", admin_only(409)),
    ("cycles.reopen", "POST"): Row("/admin/cycles/{cycle_id}/reopen", admin_only(422)),
    ("cycles.extend", "POST"): Row(
        "/admin/cycles/{cycle_id}/extensions/{disclosure_a}", admin_only(422)
    ),
    # Filing: URLs name the cycle; the company is always the officer's own. {attachment} is a
    # file of company A: officer B must not learn it exists.
    ("filing.dashboard", "GET"): Row("/filing/", officers_only(200)),
    ("filing.overview", "GET"): Row("/filing/{cycle}/", officers_only(200)),
    ("filing.commitment", "GET"): Row("/filing/{cycle}/c1", officers_only(200)),
    ("filing.history", "GET"): Row(
        "/filing/{cycle}/items/c1.safety-team/history", officers_only(200)
    ),
    ("filing.save", "POST"): Row("/filing/{cycle}/items/c1.accountable-exec", officers_only(302)),
    ("filing.upload", "POST"): Row(
        "/filing/{cycle}/items/c1.safety-team/attachments", officers_only(303)
    ),  # no file: back to the form
    ("filing.remove_attachment", "POST"): Row(
        "/filing/{cycle}/attachments/{attachment}/remove", officers_only(303, officer_b=404)
    ),
    ("filing.download", "GET"): Row(
        "/filing/attachments/{attachment}",
        {"anonymous": SIGN_IN, "officer_a": 200, "officer_b": 404, "staff": 200, "admin": 200},
    ),
    # Benchmark results of c2.benchmarks-reported (checklist 2024.2): company A has one result,
    # company B none (officer B must not learn A's exists). An empty form is refused (422); a
    # removal naming no version speaks of a page from before the result existed: a conflict.
    ("filing.new_result", "GET"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/new", officers_only(200)
    ),
    ("filing.new_result", "POST"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/new", officers_only(422)
    ),
    ("filing.edit_result", "GET"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/1", officers_only(200, officer_b=404)
    ),
    ("filing.edit_result", "POST"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/1", officers_only(422, officer_b=422)
    ),
    ("filing.remove_result", "GET"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/1/remove",
        officers_only(200, officer_b=404),
    ),
    ("filing.remove_result", "POST"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/1/remove",
        officers_only(409, officer_b=404),
    ),
    # An Every Eval Ever import without a file: refused with its message (each officer imports
    # into their own company's draft).
    ("opendata.import_results", "POST"): Row(
        "/filing/{cycle}/items/c2.benchmarks-reported/results/import", officers_only(422)
    ),
    ("filing.submit", "POST"): Row("/filing/{cycle}/submit", officers_only(422)),  # incomplete
    ("filing.copy_forward", "POST"): Row(
        "/filing/{cycle}/copy-forward", officers_only(404)
    ),  # no earlier cycle
    ("filing.start_correction", "POST"): Row(
        "/filing/{cycle}/correction", officers_only(409, officer_b=404)
    ),  # a draft
    ("filing.preview", "POST"): Row("/filing/preview", signed_in(200)),
    ("ledger.index", "GET"): Row("/ledger/", everyone(200)),
    ("opendata.ledger_csv", "GET"): Row("/ledger.csv", everyone(200)),
    # The log's files: public, the same for everyone (nothing is published in this world, so
    # no entry, checkpoint, proof or bundle exists; the policy, the verifier and the empty
    # tree's consistency do).
    ("ledger.entry", "GET"): Row("/ledger/entries/1", everyone(404)),
    ("ledger.snapshot", "GET"): Row("/ledger/snapshots/1.json", everyone(404)),
    ("ledger.checkpoint", "GET"): Row("/ledger/checkpoint", everyone(404)),
    ("ledger.checkpoint_of_size", "GET"): Row("/ledger/checkpoints/1", everyone(404)),
    ("ledger.policy", "GET"): Row("/ledger/policy", everyone(200)),
    ("ledger.proof", "GET"): Row("/ledger/proof/1", everyone(404)),
    ("ledger.consistency", "GET"): Row("/ledger/consistency?from=0&to=0", everyone(200)),
    ("ledger.bundle", "GET"): Row("/ledger/bundle/1.zip", everyone(404)),
    ("ledger.verifier", "GET"): Row("/ledger/verify.py", everyone(200)),
    # The open-data API: public, read-only, the same for everyone (nothing published here yet).
    ("api.index", "GET"): Row("/api/v1/", everyone(200)),
    ("api.openapi", "GET"): Row("/api/v1/openapi.json", everyone(200)),
    ("api.checklists", "GET"): Row("/api/v1/checklists", everyone(200)),
    ("api.checklist", "GET"): Row(
        "/api/v1/checklists/aiia-ai-safety-commitments/2024.2", everyone(200)
    ),
    ("api.companies", "GET"): Row("/api/v1/companies", everyone(200)),
    ("api.company", "GET"): Row("/api/v1/companies/company-a", everyone(200)),
    ("api.cycles", "GET"): Row("/api/v1/cycles", everyone(200)),
    ("api.cycle", "GET"): Row("/api/v1/cycles/{cycle}", everyone(200)),
    ("api.cycle_disclosures", "GET"): Row("/api/v1/cycles/{cycle}/disclosures", everyone(200)),
    ("api.cycle_matrix", "GET"): Row("/api/v1/cycles/{cycle}/matrix", everyone(200)),
    ("api.disclosure", "GET"): Row("/api/v1/disclosures/company-a/{cycle}/1", everyone(404)),
    ("api.ledger", "GET"): Row("/api/v1/ledger", everyone(200)),
    ("api.ledger_entry", "GET"): Row("/api/v1/ledger/entries/1", everyone(404)),
    ("api.ledger_checkpoint", "GET"): Row("/api/v1/ledger/checkpoint", everyone(404)),
    ("api.ledger_checkpoint_of_size", "GET"): Row("/api/v1/ledger/checkpoints/1", everyone(404)),
    ("api.ledger_policy", "GET"): Row("/api/v1/ledger/policy", everyone(200)),
    ("api.ledger_proof", "GET"): Row("/api/v1/ledger/proof/1", everyone(404)),
    ("api.ledger_consistency", "GET"): Row("/api/v1/ledger/consistency?from=0&to=0", everyone(200)),
    ("opendata.cycle_csv", "GET"): Row("/cycles/{cycle}/disclosures.csv", everyone(200)),
    # A cycle with nothing published yet: a bundle of empty tables.
    ("opendata.cycle_bundle", "GET"): Row("/cycles/{cycle}/bundle.zip", everyone(200)),
    ("api.benchmark_results", "GET"): Row("/api/v1/benchmark-results", everyone(200)),
    ("api.benchmark_results_eee", "GET"): Row("/api/v1/benchmark-results/eee", everyone(200)),
    ("opendata.results_csv", "GET"): Row("/benchmark-results.csv", everyone(200)),
    # Reports: nothing of company A is published in this world; its draft is for its officers
    # and staff (officer B has no disclosure of their own in the cycle).
    ("reports.published", "GET"): Row("/companies/company-a/report.pdf", everyone(404)),
    # The aggregate is built in the background ("off" in tests): not ready yet, for everyone.
    ("reports.cycle_report", "GET"): Row("/cycles/{cycle}/report.pdf", everyone(503)),
    ("reports.officer_draft", "GET"): Row(
        "/filing/{cycle}/report.pdf", officers_only(200, officer_b=404)
    ),
    ("reports.staff_draft", "GET"): Row("/review/{cycle}/company-a/report.pdf", staff_only(200)),
    ("review.queue", "GET"): Row("/review/?cycle={cycle}", staff_only(200)),
    ("review.disclosure", "GET"): Row("/review/{cycle}/company-a", staff_only(200)),
    # An empty decision or comment: refused with a message (the draft is not submitted, so a
    # decision would be a 409 even with a reason).
    ("reminders.index", "GET"): Row("/review/reminders/?cycle={cycle}", staff_only(200)),
    ("reminders.send", "POST"): Row("/review/reminders/{cycle}/company-a", staff_only(303)),
    ("review.decide", "POST"): Row("/review/{cycle}/company-a/decision", staff_only(422)),
    ("review.comment", "POST"): Row("/review/{cycle}/company-a/comments", staff_only(422)),
    # Publishing is asked on a page first: a draft can be neither confirmed nor published.
    ("review.confirm_publish", "GET"): Row("/review/{cycle}/company-a/publish", staff_only(409)),
    ("review.publish_disclosure", "POST"): Row(
        "/review/{cycle}/company-a/publish", staff_only(409)
    ),
    ("filing.comment", "POST"): Row("/filing/{cycle}/comments", officers_only(422, officer_b=404)),
    # For load balancers and scrapers: the health checks are public (they name checks, never
    # a secret); /metrics exists only with METRICS_TOKEN set, which the tests' app has not.
    ("health.healthz", "GET"): Row("/healthz", everyone(200)),
    ("health.readyz", "GET"): Row("/readyz", everyone(200)),
    ("metrics.metrics", "GET"): Row("/metrics", everyone(404)),
}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(app):
    routes = app_routes(app)
    assert routes - set(MATRIX) == set(), "routes with no row in MATRIX"
    assert set(MATRIX) - routes == set(), "rows in MATRIX for routes that do not exist"


NONE_ATTRIBUTE = re.compile(r'[\w-]+="None"')


@pytest.fixture
def world(app, accounts) -> dict[str, int]:
    """The accounts, an invited officer of company A, a failed outbox message, and an open
    cycle on checklist 2024.2 in which company A answered one item, attached a file and filed
    one benchmark result."""
    filing_world = create_filing_world(app, accounts, checklist_version="2024.2")
    with app.app_context():
        db.session.add(
            ItemResponse(
                disclosure_id=filing_world["disclosure_a"],
                item_id=RESULTS_ITEM,
                evidence_links=[],
                structured={},
                benchmark_results=[stored()],
            )
        )
        db.session.commit()
    return route_world(app, accounts, filing_world)


CASES = [(key, role) for key in MATRIX for role in ROLES]


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k[0]}-{k[1]}-{r}" for k, r in CASES])
def test_route_answers_each_role_as_written(app, world, key, role):
    method = key[1]
    row = MATRIX[key]
    client = client_as(app, world, role)
    url = row.url.format(**world)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/password/forgot")})
    expected = row.expect[role]
    if expected == SIGN_IN:
        assert response.status_code == 302, (url, role)
        assert response.headers["Location"].startswith("/sign-in?next="), (url, role)
    else:
        assert response.status_code == expected, (url, role, response.status_code)
    if response.status_code == 200 and response.mimetype == "text/html":
        # A template that passed None to an attribute prints it (aria-describedby="None").
        page = response.get_data(as_text=True)
        assert not NONE_ATTRIBUTE.findall(page), (url, role, NONE_ATTRIBUTE.findall(page)[:3])
    response.close()


POSTS = sorted(key for key in MATRIX if key[1] == "POST")


@pytest.mark.parametrize("key", POSTS, ids=[k[0] for k in POSTS])
@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_post_without_a_csrf_token_is_refused(app, world, key, role):
    client = client_as(app, world, role)
    response = client.post(MATRIX[key].url.format(**world), data={})
    assert response.status_code == 400
    assert "The form could not be sent" in response.get_data(as_text=True)


def test_refused_posts_change_nothing(app, world):
    """A staff member's refused deactivation leaves the account as it was."""
    client = client_as(app, world, "staff")
    token = csrf_token(client, "/password/forgot")
    client.post(f"/admin/users/{world['officer_a']}/deactivate", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(sa.select(User.is_active).filter_by(id=world["officer_a"]))
