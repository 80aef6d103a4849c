"""The roster under concurrency: two administrators adding a company with one short name at
the same moment."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.http import client_as, csrf_token
from tests.support.race import add_colleagues, count_rows, race
from tracker.companies.models import Company
from tracker.roster import services

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


def test_two_companies_with_one_short_name_at_once_make_one(app, accounts, monkeypatch):
    people = accounts.ids | add_colleagues(app, accounts.ids["company_a"])
    clients = [client_as(app, people, who) for who in ("admin", "admin2")]
    tokens = [csrf_token(c, "/admin/companies/new") for c in clients]
    outcome = race(
        monkeypatch,
        services,
        "_flush_unique_slug",
        *(
            (lambda c=c, t=t: c.post("/admin/companies/new", data=GOOD | {"csrf_token": t}))
            for c, t in zip(clients, tokens, strict=True)
        ),
    )
    assert outcome.met
    assert sorted(outcome.statuses()) == [302, 422]
    [refused] = outcome.losers()
    assert "Another company already uses this short name." in refused.get_data(as_text=True)
    same = sa.select(sa.func.count()).select_from(Company).filter_by(slug=GOOD["slug"])
    assert count_rows(app, same) == 1
