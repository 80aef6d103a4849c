"""/compare over HTTP with the demo's data: stable addresses, the picker, what is refused and
how, columns without a disclosure or without an item, and nothing but what was published."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.db import db
from tracker.domain.languages import ZH
from tracker.i18n import LANGUAGE_COOKIE
from tracker.ledger.models import Publication

PAIR = "companies=lanshan-intelligence,chengyue-tech&cycle=2025-annual"
RED_TEAM = "c2.red-team-internal"


def page(client, query: str, status: int = 200) -> str:
    response = client.get("/compare" + ("?" + query if query else ""))
    assert response.status_code == status, response.get_data(as_text=True)[-2000:]
    return response.get_data(as_text=True)


def redirected(client, query: str) -> str:
    response = client.get("/compare?" + query)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def test_two_companies_side_by_side_item_by_item(client, demo):
    html = page(client, PAIR)
    assert html.count('class="compare-column card"') == 2
    assert html.index("Lanshan Intelligence") < html.index("Chengyue Technology")
    assert 'id="c2.red-team-internal"' in html and "Score per commitment" in html
    # Each column names its version and links to its ledger entry and to the company page.
    assert re.search(r"/ledger/#entry-\d+", html)
    assert re.search(
        r"/companies/lanshan-intelligence\?cycle=2025-annual&amp;version=\d+#c2\.red-team-internal",
        html,
    )


def test_the_readers_order_is_kept(client, demo):
    html = page(client, "companies=chengyue-tech,lanshan-intelligence&cycle=2025-annual")
    assert html.index("Chengyue Technology</h2>") < html.index("Lanshan Intelligence</h2>")


def test_the_picker_and_loose_addresses_redirect_to_the_one_stable_address(client, demo):
    stable = "/compare?" + PAIR
    form = (
        "companies=lanshan-intelligence&companies=chengyue-tech&companies=&companies="
        "&cycle=2025-annual"
    )
    assert redirected(client, form) == stable
    assert redirected(client, "companies= lanshan-intelligence ,chengyue-tech,&cycle=2025-annual")
    assert redirected(client, PAIR + "&utm_source=x") == stable
    assert redirected(client, "cycle=2025-annual&companies=lanshan-intelligence,chengyue-tech")
    # Without a cycle: the default one, named in the address.
    assert redirected(client, "companies=lanshan-intelligence,chengyue-tech") == stable
    # Across cycles, the form's checkboxes.
    across = "companies=lanshan-intelligence&cycles=2024-annual&cycles=2025-annual"
    assert redirected(client, across) == (
        "/compare?companies=lanshan-intelligence&cycles=2024-annual,2025-annual"
    )


def test_one_commitment_or_one_item(client, demo):
    html = page(client, PAIR + "&commitment=c2")
    assert html.count('class="compare-item"') == 6
    html = page(client, f"{PAIR}&commitment={RED_TEAM}")
    assert html.count('class="compare-item"') == 1 and f'id="{RED_TEAM}"' in html
    assert html.count('class="compare-cell card"') == 2
    html = page(client, PAIR + "&commitment=c9", 400)
    assert "No commitment or item “c9”" in html and 'name="companies"' in html


def test_the_picker_alone_without_two_companies(client, demo):
    html = page(client, "")
    assert "compare-column" not in html
    assert html.count('name="companies"') == 5  # four side by side, one across cycles
    assert 'name="cycles"' in html
    html = page(client, "companies=chengyue-tech&cycle=2024-annual")
    assert '<option value="chengyue-tech" selected>' in html
    assert '<option value="2024-annual" selected>' in html


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("companies=lanshan-intelligence,no-such-company", 404, "“no-such-company”"),
        ("companies=lanshan-intelligence,%3Cb%3Ex&cycle=2025-annual", 404, "“&lt;b&gt;x”"),
        ("companies=a,b,c,d,e", 400, "at most 4 columns; 5 were asked for"),
        ("companies=lanshan-intelligence,lanshan-intelligence", 400, "named twice"),
        ("companies=lanshan-intelligence&cycles=2025-annual,2025-annual", 400, "named twice"),
        ("companies=lanshan-intelligence,chengyue-tech&cycle=1999", 404, "“1999”"),
        ("companies=lanshan-intelligence&cycle=x&cycles=2024-annual", 400, "not both"),
        ("companies=a,b&cycles=2024-annual,2025-annual", 400, "name only one"),
    ],
)
def test_what_cannot_be_compared_says_why_on_the_picker(client, demo, query, status, said):
    html = page(client, query, status)
    assert said in html
    assert 'role="alert"' in html and 'name="companies"' in html  # the picker, to try again
    assert "<b>x" not in html


def test_the_messages_are_in_chinese_too(client, demo):
    client.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    html = page(client, "companies=lanshan-intelligence,no-such-company", 404)
    assert "没有简称为“no-such-company”的签署企业。" in html
    html = page(client, PAIR)
    assert "比较披露" in html and "账本条目 #" in html


def test_a_company_that_did_not_publish_in_the_cycle_is_said_so_in_its_column(client, app, demo):
    with app.app_context():
        unpublished = db.session.scalar(
            sa.select(Company.slug)
            .where(
                Company.is_public_signatory,
                ~Company.id.in_(sa.select(Publication.company_id)),
            )
            .limit(1)
        )
        name = db.session.scalar(sa.select(Company.name_en).filter_by(slug=unpublished))
    html = page(client, f"companies=lanshan-intelligence,{unpublished}&cycle=2025-annual")
    assert f"{name} did not publish a disclosure in 2025 annual disclosure." in html
    assert "No published disclosure in this cycle." in html


def test_a_company_across_cycles_and_items_one_checklist_lacks(client, app, demo):
    html = page(client, "companies=lanshan-intelligence&cycles=2024-annual,2025-annual")
    assert html.count('class="compare-column card"') == 2
    assert html.index("2024 annual disclosure</h2>") < html.index("2025 annual disclosure</h2>")
    assert "Checklist 2024.1" in html and "Checklist 2024.2" in html


def test_an_item_absent_from_one_sides_checklist_is_shown_as_such(client, demo, monkeypatch):
    """The 2024 cycle's version of Lanshan's disclosure read as if filed against a checklist
    without the red-teaming item: that side says so, the other still answers."""
    from tracker.ledger import queries

    real = queries.report_of

    def without_red_team(publication, *args, **kwargs):
        report = real(publication, *args, **kwargs)
        if report.cycle_slug != "2024-annual":
            return report
        commitments = tuple(
            dataclasses.replace(c, items=tuple(i for i in c.items if i.id != RED_TEAM))
            for c in report.checklist.commitments
        )
        return dataclasses.replace(
            report, checklist=dataclasses.replace(report.checklist, commitments=commitments)
        )

    monkeypatch.setattr(queries, "report_of", without_red_team)
    html = page(
        client,
        f"companies=lanshan-intelligence&cycles=2024-annual,2025-annual&commitment={RED_TEAM}",
    )
    assert "Not in checklist 2024.1, which this disclosure was filed against." in html
    assert html.count('class="compare-item-link"') == 1


def test_the_company_pages_link_to_compare_and_each_item_has_a_permalink(client, demo):
    listing = client.get("/companies/").get_data(as_text=True)
    assert 'href="/compare"' in listing
    html = client.get("/companies/lanshan-intelligence").get_data(as_text=True)
    assert 'href="/compare?companies=lanshan-intelligence&amp;cycle=2025-annual"' in html
    assert (
        'href="/compare?companies=lanshan-intelligence&amp;cycles=2024-annual,2025-annual"' in html
    )
    links = re.findall(
        r'<a class="permalink" href="/companies/lanshan-intelligence\?cycle=2025-annual&amp;'
        r'version=(\d+)#([\w.-]+)" aria-label="Link to this item">#</a>',
        html,
    )
    assert len(links) == html.count('<article id="') and {v for v, _ in links} == {"1"}
    # An earlier version's permalinks keep pointing at that version.
    earlier = client.get("/companies/chengyue-tech?cycle=2025-annual&version=1").get_data(
        as_text=True
    )
    assert 'href="/companies/chengyue-tech?cycle=2025-annual&amp;version=1#c1.safety-team"' in (
        earlier
    )


def test_the_page_reads_only_what_was_published(client, app, demo):
    """A narrative changed in a draft after publication is not what the comparison shows."""
    from tracker.filing.models import Disclosure, ItemResponse

    with app.app_context():
        response = db.session.scalar(
            sa.select(ItemResponse)
            .join(Disclosure, Disclosure.id == ItemResponse.disclosure_id)
            .join(Company, Company.id == Disclosure.company_id)
            .where(Company.slug == "lanshan-intelligence", ItemResponse.item_id == RED_TEAM)
            .order_by(ItemResponse.id.desc())
            .limit(1)
        )
        response.narrative = "DRAFT-ONLY narrative, never published"
        db.session.commit()
    html = page(client, f"{PAIR}&commitment={RED_TEAM}")
    assert "DRAFT-ONLY" not in html


def test_a_short_name_no_company_could_have_is_not_found_without_asking_the_database(client, demo):
    assert client.get("/compare?companies=lanshan-intelligence,a%00b").status_code == 404
    assert client.get("/compare?companies=lanshan-intelligence,%F0%9F%98%80").status_code == 404


def test_a_narrative_written_in_both_languages_is_shown_in_the_readers(client, app, demo):
    """A company that wrote an answer in Chinese with an English version: the English reader of
    a comparison reads the English version, told it is the company's, with the Chinese original
    folded below it; the Chinese reader reads the original first."""
    with app.app_context():
        current = db.session.scalars(
            sa.select(Publication)
            .where(Publication.cycle.has(slug="2025-annual"))
            .order_by(Publication.id.desc())
        ).all()
        found = next(
            (p, entry)
            for p in current
            for entry in p.snapshot["items"]
            if entry.get("narrative_translation") and entry["narrative"]
        )
        publication, entry = found
        slug = publication.company.slug
    other = "chengyue-tech" if slug != "chengyue-tech" else "lanshan-intelligence"
    query = f"companies={slug},{other}&cycle=2025-annual&commitment={entry['id']}"
    html = page(client, query)
    assert "The company's English version; its original is in Chinese." in html
    assert "<summary>Original (Chinese)</summary>" in html
    assert '<div class="narrative" lang="en">' in html and 'lang="zh-CN">' in html
    client.set_cookie(LANGUAGE_COOKIE, ZH.locale)
    html = page(client, query)
    assert html.index('<div class="narrative" lang="zh-CN">') < html.index(
        '<div class="narrative" lang="en">'
    )
