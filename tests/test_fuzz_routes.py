"""Every route of the URL map, driven with generated parameters (Hypothesis): no answer is a 5xx.

For each (route, method) of the app's URL map and each kind of visitor (anonymous, an officer,
staff, an administrator), each example picks one parameter (a path parameter, a query argument
the view reads, or for POST a form field) and gives it a generated bad value: a number past 64
bits, non-ASCII digits (``²``, ``١٢``), a date past the calendar, control and bidirectional
characters, a long or random string. The other parameters hold real values of the world (its
slugs, ids and dates) or are left out, so that the bad one reaches the code behind the lookups
and no other refusal hides it. Which query arguments a view reads is found by asking it: a first
request per route and visitor records every ``request.args`` name the view looks up. A POST
carries a valid CSRF token. Every answer must be below 500 (a report still being built may say
503 with Retry-After), and no exception may escape the app.

The profile (tests/conftest.py) is derandomised, so CI runs the same examples every time;
``HYPOTHESIS_PROFILE=explore`` draws many more, at random.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests.support.accounts import PASSWORD, route_world
from tests.support.http import JSON, client_as, csrf_token
from tests.support.review import publish_as_is
from tracker.auth.models import Role, User
from tracker.db import db
from tracker.params import MAX_ID
from tracker.requests import TrackerRequest

ROLES = ("anonymous", "officer_a", "staff", "admin")
EXAMPLES = 25 if settings.get_current_profile_name() == "explore" else 3

# Values that broke, or nearly broke, a parser: numbers past 64 bits, digits int() reads but
# SQL does not (and the reverse), dates at and past the ends of the calendar, control and
# bidirectional characters, a Location header split in two.
# What answered 500 before (issue 11), tried on every parameter of every route on every run.
WORST = [str(10**20), str(2**63), str(MAX_ID + 1), "²", "9999-12-31", "/\r\nSet-Cookie: x=y"]
NASTY = [  # the worst first: the first example of each case draws the first entry
    str(10**20),
    str(MAX_ID + 1),
    "²",
    "9999-12-31",
    "/\r\nSet-Cookie: x=y",
    "0",
    "-1",
    "01",
    str(MAX_ID),
    "9" * 5000,
    "١٢",
    "１",
    "1e3",
    " 1",
    "1.5",
    "0001-01-01",
    "2024-02-30",
    "２０２４-01-01",
    "/%0d%0aSet-Cookie: x=y",
    "//evil.example/",
    "/\\evil.example",
    "\x00",
    "\u202efdp.exe",
    "\u2066x\u2069",
    "a" * 3000,
    "../../etc/passwd",
    "%",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "[" * 200,
]
QUERY_NAMES = [
    "page",
    "per_page",
    "version",
    "cycle",
    "lang",
    "until",
    "since",
    "next",
    "q",
    "object_id",
    "object_type",
    "action",
    "actor",
    "company",
    "role",
    "status",
    "state",
    "sort",
]
ITEM_FORMS = ["c1-safety-team", "c1-accountable-exec"]  # the prefixes of two items' forms
FORM_NAMES = [
    *QUERY_NAMES,
    *(f"{form}-{field}" for form in ITEM_FORMS[:1] for field in ("version", "status", "narrative")),
    *(f"{form}-{field}" for form in ITEM_FORMS[:1] for field in ("links-0-title", "links-0-url")),
    "email",
    "password",
    "new_password",
    "display_name",
    "narrative",
    "not_applicable_reason",
    "confidential_note",
    "reason",
    "body",
    "text",
    "item_id",
    "slug",
    "name_en",
    "name_zh",
    "opens_on",
    "due_on",
    "closes_on",
    "checklist_version",
    "links-0-url",
    "links-0-title",
]

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
bad_values = st.one_of(st.sampled_from(NASTY), st.integers(-(2**70), 2**70).map(str), text)


class Reads:
    """Records the query argument names views look up (``request.args.get`` and ``[]``)."""

    def __init__(self):
        self.current: set[str] | None = None

    def install(self, monkeypatch) -> None:
        """Make every request's ``args`` a recording mapping, for the rest of the test."""
        reads = self
        parse = TrackerRequest.__dict__["args"].func

        class Recording(ImmutableMultiDict):
            def get(self, key, default=None, type=None):
                if reads.current is not None:
                    reads.current.add(key)
                return super().get(key, default, type)

            def __getitem__(self, key):
                if reads.current is not None:
                    reads.current.add(key)
                return super().__getitem__(key)

        def args(request):
            return Recording(parse(request).items(multi=True))

        recorded = cached_property(args)
        recorded.__set_name__(TrackerRequest, "args")
        monkeypatch.setattr(TrackerRequest, "args", recorded)


@pytest.fixture
def world(app, accounts, filing_world) -> dict:
    """Company A published version 1 of the test cycle; an invited officer; a failed mail."""
    publish_as_is(app, filing_world["disclosure_a"])
    return route_world(app, accounts, filing_world)


def known_values(world: dict) -> dict[str, list[str]]:
    """Real values for each path parameter and field name, from the world."""
    ids = [str(v) for v in world.values() if isinstance(v, int)] + ["1"]
    slugs = ["company-a", "company-b", world["cycle"]]
    return {
        "slug": slugs,
        "company_slug": ["company-a", "company-b"],
        "cycle_slug": [world["cycle"]],
        "cycle": [world["cycle"]],
        "commitment_id": ["c1", "c2"],
        "item_id": ["c1.safety-team", "c1.accountable-exec"],
        "checklist_id": ["aiia-ai-safety-commitments"],
        "version": ["1", "2024.1", "2025.1", "2"],
        "c1-safety-team-version": ["1", "2", ""],
        "c1-safety-team-status": ["met", "not_applicable"],
        "code": ["en", "zh_CN"],
        "lang": ["en", "zh"],
        "filename": ["css/tracker.css"],
        "secret": ["not-a-secret"],
        "next": ["/", "/companies/", "/admin/users/"],
        "email": [f"{who}@test.example" for who in ("officer_a", "staff", "admin")],
        "password": [PASSWORD],
        "status": ["met", "not_applicable", "active", "invited", "failed"],
        "role": ["officer", "staff", "admin"],
        "action": ["accept", "request_changes", "user.invite"],
        "opens_on": ["2024-01-01", "9999-12-31"],
        "due_on": ["2024-06-30", "9999-12-31"],
        "closes_on": ["2024-12-31", "9999-12-31"],
        "until": ["2024-12-31"],
        "since": ["2024-01-01"],
        "page": ["1", "2"],
        "per_page": ["1", "200"],
        "_id": ids,
    }


def rules(app) -> list[tuple[str, str, dict[str, str]]]:
    """(rule, method, {argument: converter kind}) for every route and method but HEAD/OPTIONS."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        kinds = {name: type(conv).__name__ for name, conv in rule._converters.items()}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, kinds))
    return found


def path_of(rule: str, filled: dict[str, str], kinds: dict[str, str]) -> str:
    """The rule with each ``<converter:name>`` replaced by its value, percent-encoded."""
    path = rule
    for name, value in filled.items():
        safe = "/" if kinds[name] == "PathConverter" else ""
        encoded = quote(value, safe=safe)
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", lambda _m, e=encoded: e, path)
    return path


def restore_accounts(app, world: dict) -> None:
    """Undo what earlier examples did to the visitors (deactivated, role changed)."""
    roles = {"officer_a": Role.OFFICER, "staff": Role.STAFF, "admin": Role.ADMIN}
    with app.app_context():
        for who, role in roles.items():
            user = db.session.get(User, world[who])
            user.is_active, user.role = True, role
            user.company_id = world["company_a"] if role is Role.OFFICER else None
        db.session.commit()


def send(app, world: dict, method: str, url: str, role: str, form: dict, headers: dict):
    """One request as ``role`` (a POST with a CSRF token its session accepts), its body read
    and closed. The token is read from a form once per visitor, then given to each new client
    with the session secret it was made from, as a browser keeps its cookie."""
    restore_accounts(app, world)
    client = client_as(app, world, role)
    if method == "POST":
        tokens = world.setdefault("_tokens", {})
        if role not in tokens:
            token = csrf_token(client, "/sign-in" if role == "anonymous" else "/account/")
            with client.session_transaction() as session:
                tokens[role] = (session["csrf_token"], token)
        secret, token = tokens[role]
        with client.session_transaction() as session:
            session["csrf_token"] = secret
        fields = {"csrf_token": token} | {f"{item}-csrf_token": token for item in ITEM_FORMS}
        response = client.post(url, data=form | fields, headers=headers)
    else:
        response = client.get(url, headers=headers)
    response.get_data()
    response.close()  # a streamed CSV holds its request context until closed
    return response


def probe(app, world: dict, reads: Reads, route: tuple, role: str, readable: bool):
    """(the query names the view reads, the path values it read them with): the route asked
    with a few combinations of real values (a slug names a company or a cycle)."""
    rule, _method, kinds = route
    known = known_values(world)
    best: tuple[set[str], dict[str, str]] = (set(), {})
    for i in range(3 if kinds else 1):
        filled = {
            n: (values := known["_id"] if k == "IdConverter" else known.get(n, ["x"]))[
                i % len(values)
            ]
            for n, k in kinds.items()
        }
        if not best[1]:
            best = (set(), filled)
        if not readable:
            break
        reads.current = set()
        send(app, world, "GET", path_of(rule, filled, kinds), role, {}, {})
        if len(reads.current) > len(best[0]):
            best = (reads.current, filled)
        reads.current = None
    return best


def fuzz(app, world: dict, route: tuple, role: str, names: set[str], first: dict) -> list[int]:
    """Run the examples of one route, method and visitor; returns the statuses.

    Besides the generated examples, each query argument the view was seen to read (and a POST's
    ``next`` and item version) is tried with every value of WORST, and each path parameter with
    a value past its converter, so that what once answered 500 is tried on every run, whatever
    Hypothesis draws."""
    rule, method, kinds = route
    known = known_values(world)
    fields = FORM_NAMES if method == "POST" else []
    targets = [("path", n) for n in kinds] + [("query", n) for n in sorted(names)]
    targets += [("form", n) for n in fields]
    if not targets:  # a route that reads nothing: try the usual names anyway
        targets = [("query", n) for n in QUERY_NAMES]
    answered: list[int] = []

    def real(name: str, kind: str = "") -> list[str]:
        return known["_id"] if kind == "IdConverter" else known.get(name, ["x"])

    def optional(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
        return st.fixed_dictionaries({}, optional={n: st.sampled_from(real(n)) for n in names})

    @settings(
        max_examples=EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        focus=st.sampled_from(targets),
        bad=bad_values,
        path=st.fixed_dictionaries({n: st.sampled_from(real(n, k)) for n, k in kinds.items()}),
        query=optional(sorted(names)),
        form=optional(fields),
        as_json=st.booleans(),
    )
    def case(focus, bad, path, query, form, as_json):
        where, name = focus
        chosen = {"path": path, "query": query, "form": form}[where]
        chosen = chosen | {name: bad}
        path, query, form = (
            chosen if where == w else d
            for w, d in (("path", path), ("query", query), ("form", form))
        )
        url = path_of(rule, path, kinds) + ("?" + urlencode(query) if query else "")
        response = send(app, world, method, url, role, form, JSON if as_json else {})
        answered.append(response.status_code)
        # The one 5xx by design: a report still being built says when to come back.
        not_ready = response.status_code == 503 and "Retry-After" in response.headers
        assert response.status_code < 500 or not_ready, (method, url, role, response.status_code)

    typical = {n: real(n)[0] for n in fields}  # a correct sign-in, among others
    read = [("path", n) for n in kinds] + [("query", n) for n in sorted(names)]
    read += [("form", n) for n in fields if n in ("next", f"{ITEM_FORMS[0]}-version")]
    for focus in read:
        if focus[0] == "path":  # the router's converters: one value past each of them
            worst = (
                [str(MAX_ID), str(MAX_ID + 1)] if kinds[focus[1]] == "IdConverter" else [WORST[-1]]
            )
        else:
            worst = WORST
        for bad in worst:
            case = example(focus=focus, bad=bad, path=first, query={}, form=typical, as_json=False)(
                case
            )
    case()
    return answered


def test_every_route_answers_generated_parameters_without_a_server_error(app, world, monkeypatch):
    reads = Reads()
    reads.install(monkeypatch)
    routes = rules(app)
    assert len(routes) > 60  # the whole map, not a part of it
    readable = {rule for rule, method, _k in routes if method == "GET"}
    answered: list[int] = []
    probed: dict[tuple[str, str], tuple[set[str], dict[str, str]]] = {}
    for route in routes:
        rule, method, _kinds = route
        for role in ROLES:
            # Probe: the names this view reads, asked with real values ("next" is read after a
            # successful POST; a POST-only route's view is reached by its examples).
            if (rule, role) not in probed:
                probed[rule, role] = probe(app, world, reads, route, role, rule in readable)
            names, first = probed[rule, role]
            names = names | ({"next"} if method == "POST" else set())
            answered += fuzz(app, world, route, role, names, first)
    assert len(answered) >= len(routes) * len(ROLES) * EXAMPLES
    # The generated values reached the views, not only the router: many answers were 200s.
    assert sum(1 for code in answered if code == 200) > len(routes)


def test_the_ci_profile_is_derandomised_without_deadline():
    """CI runs the same examples on every run, however slow the machine."""
    ci = settings.get_profile("ci")
    assert ci.derandomize is True and ci.deadline is None and ci.database is None
