"""Numbers, dates, ids and return addresses from the request (tracker.params, tracker.links).

The regression cases are the requests of issue 11 that answered 500: numbers past 64 bits
(``10**20``, ``9223372036854775808``) and superscript digits in ``page``, ``per_page``,
``version`` and ids, the largest date in the audit filter, a CR-LF in ``next``, and the
autosave's version field, in a form and in a JSON request."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.support.accounts import PASSWORD
from tests.support.filing import post_item
from tests.support.http import JSON, client_as, csrf_token, download, sign_in
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.filing.models import ItemResponse
from tracker.links import safe_next
from tracker.params import (
    MAX_ID,
    BadParameter,
    IdConverter,
    digits_at_most,
    parse_date,
    parse_int,
    whole_number,
)

HUGE = str(10**20)
PAST_64_BITS = str(2**63)  # 9223372036854775808
PAST_MAX_ID = str(MAX_ID + 1)  # 2147483648: beyond PostgreSQL's INTEGER
SQUARED = "²"  # str.isdigit() says yes, int() says no
ITEM = "c1.safety-team"


@pytest.mark.parametrize("raw", ["0", "7", "0042", str(MAX_ID)])
def test_ascii_whole_numbers_up_to_the_largest_id_are_read(raw):
    assert whole_number(raw) == int(raw)


@pytest.mark.parametrize(
    "raw",
    ["", " 1", "1 ", "-1", "+1", "1e3", "1.0", "0x1", SQUARED, "١٢", "１", PAST_MAX_ID, HUGE],
)
def test_anything_else_is_not_a_whole_number(raw):
    assert whole_number(raw) is None


def test_five_thousand_digits_are_refused_without_being_converted():
    assert whole_number("9" * 5000) is None


def test_a_refused_number_names_the_parameter_and_the_range(app):
    with app.test_request_context(), pytest.raises(BadParameter) as refused:
        parse_int("page", "9" * 50, 1, 1000)
    assert refused.value.status == 400 and refused.value.code == "request.bad_number"
    assert (refused.value.name, refused.value.low, refused.value.high) == ("page", 1, 1000)
    assert refused.value.value == "9" * 20 + "…"  # the message repeats 20 characters at most


@pytest.mark.parametrize(
    ("raw", "read"), [("2024-02-29", date(2024, 2, 29)), ("2999-12-31", date(2999, 12, 31))]
)
def test_iso_dates_in_range_are_read(raw, read):
    assert parse_date("until", raw) == read


@pytest.mark.parametrize(
    "raw", ["9999-12-31", "0001-01-01", "2024-02-30", "20240229", "２０２４-01-01", "2024-1-1"]
)
def test_dates_out_of_range_or_not_iso_are_refused(raw):
    with pytest.raises(BadParameter) as refused:
        parse_date("until", raw)
    assert refused.value.code == "request.bad_date"


def test_the_int_converter_of_every_route_is_ascii_and_bounded(app):
    assert app.url_map.converters["int"] is IdConverter
    converters = [
        c
        for rule in app.url_map.iter_rules()
        for c in rule._converters.values()
        if type(c).__name__.endswith("IntegerConverter") or isinstance(c, IdConverter)
    ]
    assert converters and all(isinstance(c, IdConverter) for c in converters)
    assert all(c.max == MAX_ID for c in converters)


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: x=y",
        "/a\nb",
        "/a\tb",
        "/\u202eabc",
        "/\x7f",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "relative/path",
        "/" + "a" * 3000,
    ],
)
def test_safe_next_refuses_control_characters_and_anything_not_a_local_path(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


def test_safe_next_keeps_a_local_path_with_its_query(app):
    with app.test_request_context():
        assert safe_next("/companies/?page=2&q=a%20b") == "/companies/?page=2&q=a%20b"


# --- The requests of issue 11 that answered 500 ----------------------------------------------


@pytest.fixture
def world(app, accounts, filing_world) -> dict:
    """Company A published version 1 of the test cycle."""
    publish_as_is(app, filing_world["disclosure_a"])
    return accounts.ids | filing_world


PAGED_PAGES = [
    ("anonymous", "/companies/"),
    ("anonymous", "/ledger/"),
    ("admin", "/admin/users/"),
    ("admin", "/admin/outbox/"),
    ("admin", "/admin/companies/"),
    ("admin", "/admin/audit/"),
]
PAGED_API = [
    "/api/v1/companies",
    "/api/v1/cycles",
    "/api/v1/ledger",
    "/api/v1/cycles/test-cycle/disclosures",
]


@pytest.mark.parametrize(("role", "path"), PAGED_PAGES)
def test_a_page_that_is_not_a_number_in_range_is_a_400_that_says_so(app, world, role, path):
    client = client_as(app, world, role)
    for value in (HUGE, PAST_64_BITS, SQUARED, "9" * 5000, "0", "abc"):
        response = client.get(f"{path}?page={value}")
        assert response.status_code == 400, value
        assert "page must be a whole number from 1 to 1000000" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGED_API)
def test_every_paginated_api_endpoint_answers_a_json_400(app, world, path):
    client = client_as(app, world, "anonymous")
    for name in ("page", "per_page"):
        for value in (HUGE, PAST_64_BITS, SQUARED, "9" * 5000):
            response = client.get(f"{path}?{name}={value}")
            assert response.status_code == 400, (name, value)
            error = response.get_json()["error"]
            assert error["status"] == 400 and error["code"] == "request.bad_number"
            assert error["message"].startswith(f"{name} must be a whole number from 1 to ")


def test_the_largest_page_still_answers_past_the_end(app, world):
    response = client_as(app, world, "anonymous").get("/companies/?page=1000000")
    assert response.status_code == 404  # a real page number, past the last page


@pytest.mark.parametrize(
    "url",
    [
        "/companies/company-a?version={v}",
        "/companies/company-a?cycle=test-cycle&version={v}",
        "/companies/company-a/report.pdf?version={v}",
        "/api/v1/disclosures/company-a/test-cycle/{v}",
    ],
)
def test_a_version_out_of_range_is_not_found(app, world, url):
    client = client_as(app, world, "anonymous")
    for value in (HUGE, PAST_64_BITS, PAST_MAX_ID, SQUARED, "١"):
        assert download(client, url.format(v=value)).status_code == 404, value


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("admin", "/admin/users/{v}"),
        ("admin", "/admin/companies/{v}"),
        ("admin", "/admin/cycles/{v}"),
        ("admin", "/admin/cycles/{v}/edit"),
        ("admin", "/admin/outbox/{v}"),
        ("officer_a", "/filing/attachments/{v}"),
    ],
)
def test_an_id_out_of_range_is_not_found(app, world, role, path):
    client = client_as(app, world, role)
    for value in (HUGE, PAST_64_BITS, PAST_MAX_ID, str(MAX_ID), SQUARED, "١٢"):
        assert client.get(path.format(v=value)).status_code == 404, value


def test_posting_to_an_id_out_of_range_is_not_found(app, world):
    admin = client_as(app, world, "admin")
    token = csrf_token(admin, "/account/")
    for path in (
        "/admin/users/{v}/deactivate",
        "/admin/outbox/{v}/retry",
        "/admin/cycles/{v}/open",
    ):
        response = admin.post(path.format(v=PAST_MAX_ID), data={"csrf_token": token})
        assert response.status_code == 404, path


def test_the_invitation_form_ignores_no_company_it_cannot_read(app, world):
    admin = client_as(app, world, "admin")
    assert admin.get(f"/admin/users/invite?company={HUGE}").status_code == 404
    assert admin.get(f"/admin/users/invite?company={world['company_a']}").status_code == 200


AUDIT_REFUSALS = [
    ("until=9999-12-31", "Until must be a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31"),
    ("since=0001-01-01", "From must be a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31"),
    ("until=2024-02-30", "not “2024-02-30”"),
    (f"object_id={HUGE}", "The object number must be a whole number."),
    (f"object_id={SQUARED}", "The object number must be a whole number."),
]


def test_the_audit_filter_refuses_what_no_filter_can_mean(app, world):
    admin = client_as(app, world, "admin")
    for query, message in AUDIT_REFUSALS:
        page = admin.get(f"/admin/audit/?{query}")
        assert page.status_code == 400 and message in page.get_data(as_text=True), query
        export = download(admin, f"/admin/audit/export.csv?{query}")
        assert export.status_code == 400, query


def test_a_cr_lf_in_next_of_the_language_switch_goes_home(app, world):
    response = client_as(app, world, "anonymous").get("/language/en?next=/%0d%0aSet-Cookie:x=y")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "x=y" not in response.headers.get("Set-Cookie", "")


def test_a_cr_lf_in_next_after_a_correct_sign_in_goes_home_signed_in(app, world):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/sign-in?next=/%0d%0aSet-Cookie:x=y",
        data={"email": "staff@test.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account/").status_code == 200  # signed in all the same


# --- The autosave's version field ------------------------------------------------------------


def stored_narrative(app, response_id: int) -> tuple[str, int]:
    with app.app_context():
        response = db.session.get(ItemResponse, response_id)
        return response.narrative, response.version


def test_a_form_with_a_bad_version_is_a_400_that_keeps_what_was_typed(app, accounts, filing_world):
    client = app.test_client()
    sign_in(client, accounts.email("officer_a"))
    before = stored_narrative(app, filing_world["response_a"])
    typed = "What I typed and must not lose."
    for version in (SQUARED, HUGE, PAST_64_BITS, PAST_MAX_ID, "0", "-1", "abc"):
        response = post_item(client, ITEM, {"status": "met", "narrative": typed}, version=version)
        assert response.status_code == 400, version
        page = response.get_data(as_text=True)
        assert typed in page and "version must be a whole number from 1 to" in page
        assert stored_narrative(app, filing_world["response_a"]) == before


def test_the_autosave_with_a_bad_version_is_a_json_400_and_saves_nothing(
    app, accounts, filing_world
):
    client = app.test_client()
    sign_in(client, accounts.email("officer_a"))
    before = stored_narrative(app, filing_world["response_a"])
    for version in (SQUARED, HUGE, PAST_64_BITS, PAST_MAX_ID):
        fields = {"status": "met", "narrative": "Autosaved."}
        response = post_item(client, ITEM, fields, json=True, version=version)
        assert response.status_code == 400, version
        body = response.get_json()
        assert body["saved"] is False
        assert body["errors"][0].startswith("version must be a whole number from 1 to")
        assert stored_narrative(app, filing_world["response_a"]) == before
    with app.app_context():
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(ItemResponse))
    assert answers == 1  # no answer was added either


def test_the_autosave_with_its_real_version_still_saves(app, accounts, filing_world):
    client = app.test_client()
    sign_in(client, accounts.email("officer_a"))
    response = post_item(client, ITEM, {"status": "met", "narrative": "Saved."}, json=True)
    assert response.status_code == 200 and response.get_json()["saved"] is True
    assert stored_narrative(app, filing_world["response_a"]) == ("Saved.", 2)


def test_bad_parameters_are_said_in_chinese_too(app, world):
    client = client_as(app, world, "anonymous")
    client.get("/language/zh_CN?next=/")
    response = client.get("/api/v1/ledger?page=²", headers=JSON)
    assert "须为 1 至 1000000 之间的整数" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("command", ["show", "retry"])
def test_the_outbox_commands_refuse_an_id_no_database_stores(runner, command):
    result = runner.invoke(args=["outbox", command, PAST_MAX_ID])
    assert result.exit_code == 2 and "is not in the range 1<=x<=2147483647" in result.output


@pytest.mark.parametrize("top", [0, 1, 5, 9, 10, 19, 20, 100, 101, 999, 1000, 2024])
def test_the_id_pattern_takes_exactly_the_numbers_up_to_its_bound(top):
    pattern = re.compile(f"(?:{digits_at_most(top)})")
    assert [n for n in range(3000) if pattern.fullmatch(str(n))] == list(range(top + 1))


def test_the_id_pattern_stops_at_the_largest_id():
    pattern = re.compile(f"(?:{digits_at_most(MAX_ID)})")
    assert pattern.fullmatch(str(MAX_ID)) and pattern.fullmatch("2147483639")
    for past in (MAX_ID + 1, MAX_ID + 53, 2147490000, 2200000000, 9999999999):
        assert not pattern.fullmatch(str(past)), past
