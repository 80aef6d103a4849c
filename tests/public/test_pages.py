"""The public pages, read as the public: content, empty states, and nothing unpublished."""

import re

import pytest
import sqlalchemy as sa

from tests.support.review import publish_as_is
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo.services import DEMO_CYCLE_SLUG
from tracker.domain.collation import sort_key
from tracker.domain.languages import EN, ZH
from tracker.domain.markdown import render_markdown
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure, ItemResponse


def text_of(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def published(app, state=DisclosureState.PUBLISHED):
    """The demo's disclosures in a state in its current cycle (the one company pages show)."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Disclosure)
                .where(Disclosure.state == state)
                .join(Disclosure.company)
                .join(Disclosure.cycle)
                .where(Cycle.slug == DEMO_CYCLE_SLUG)
                .order_by(Company.name_en)
            )
        )


def test_empty_site_shows_empty_states(client):
    home = text_of(client.get("/"))
    assert "No reporting cycle has been opened yet." in home
    assert "No signatory has been confirmed yet." in home
    assert "No checklist has been loaded yet." in text_of(client.get("/checklist/"))
    assert "No signatory has been confirmed yet." in text_of(client.get("/companies/"))


def test_home_shows_commitments_cycle_progress_heatmap_and_signatories(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    for title in ("Safety teams and risk management", "Frontier safety research"):
        assert title in page
    assert "2025 annual disclosure" in page
    assert "13 of 22 disclosures published; 17 handed in so far." in page
    assert "Published: 13" in page and "Not started: 1" in page and "Draft: 2" in page
    assert "22 companies have signed the commitments." in page
    html = response.get_data(as_text=True)
    heatmap = html[html.index('<table class="heatmap"') : html.index("</table>")]
    assert heatmap.count('<th scope="row">') == 13  # one row per published disclosure
    assert heatmap.count('<td class="heat') == 13 * 7  # six commitments and overall


def test_heatmap_scores_are_the_scoring_functions(client, demo, app):
    from tracker.domain.scoring import score_disclosure

    first = published(app)[0]
    with app.app_context():
        d = db.session.get(Disclosure, first.id)
        card = score_disclosure(d.checklist_version.checklist, d.statuses())
        name = d.company.name_en
        slug = d.company.slug
    html = client.get("/").get_data(as_text=True)
    row = html[html.index(f'/companies/{slug}?cycle=2025-annual">{name}</a>') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="heat band-[^"]+">([^<]+)</td>', row)
    expected = [str(card.by_commitment[c].percent) for c in ("c1", "c2", "c3", "c4", "c5", "c6")]
    assert cells == [*expected, str(card.overall.percent)]


def test_checklist_page_lists_items_with_guidance_and_crosswalk(client, demo):
    page = text_of(client.get("/checklist/"))
    assert "AI Safety Commitments" in page and "version 2024.2" in page
    assert "Dedicated AI safety team or designated responsible unit" in page
    assert "c2.benchmarks-reported" in page
    assert "Seoul VI" in page and "White House 3" in page
    assert "HELM Safety" in page
    assert "operationalisation" in page


def test_each_checklist_version_has_its_page(client, demo):
    newer = text_of(client.get("/checklist/2025.1"))
    assert "China AI Security and Safety Commitments Framework" in newer
    assert "International cooperation and information sharing" in newer
    older = client.get("/checklist/2024.1")
    assert "International cooperation and information sharing" not in text_of(older)
    assert client.get("/checklist/9.9").status_code == 404


def home_signatories(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    listed = html[html.index('<ul class="signatory-list">') :]
    return re.findall(r"<li><a [^>]*>([^<]+)</a></li>", listed[: listed.index("</ul>")])


@pytest.mark.parametrize(("locale", "language"), [("en", EN), ("zh_CN", ZH)])
def test_home_lists_signatories_alphabetically_as_each_language_reads(
    client, demo, locale, language
):
    client.get(f"/language/{locale}")
    names = home_signatories(client)
    assert len(names) == 22
    assert names == sorted(names, key=lambda name: sort_key(name, language))
    if language is ZH:
        assert names != sorted(names)  # by pinyin, not by code point


def test_companies_list_shows_signatories_with_scores(client, demo):
    page = text_of(client.get("/companies/"))
    assert page.count("not yet published") == 9  # 22 companies, 13 published
    assert "Overall scores are from published disclosures in 2025 annual disclosure." in page


def test_companies_list_paginates(client, demo, app):
    app.config["PAGE_SIZE"] = 10
    first = client.get("/companies/").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/companies/?page=3").get_data(as_text=True)
    assert last.count("/companies/") >= 2 and 'rel="prev"' in last
    assert client.get("/companies/?page=4").status_code == 404
    refused = client.get("/companies/?page=abc")  # not a number: said so, not guessed
    assert refused.status_code == 400
    assert "page must be a whole number from 1 to 1000000, not “abc”." in refused.get_data(
        as_text=True
    )


def test_company_page_shows_the_published_disclosure(client, demo, app):
    d = published(app)[0]
    with app.app_context():
        d = db.session.get(Disclosure, d.id)
        slug, name = d.company.slug, d.company.name_en
        answered = next(r for r in d.responses if r.narrative)
        with_links = next(r for r in d.responses if r.evidence_links)
        link = with_links.evidence_links[0]
    response = client.get(f"/companies/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert name in page
    assert "Overall" in page and "Score per commitment" in page
    assert f'href="{link["url"]}"' in html
    assert render_markdown(answered.narrative) in html


def test_company_page_never_shows_confidential_notes(client, demo, app):
    for d in published(app):
        with app.app_context():
            d = db.session.get(Disclosure, d.id)
            notes = [r.confidential_note for r in d.responses if r.confidential_note]
            slug = d.company.slug
        page = client.get(f"/companies/{slug}").get_data(as_text=True)
        for note in notes:
            assert note not in page


def test_unpublished_disclosures_are_not_shown(client, demo, app):
    for state in (
        DisclosureState.DRAFT,
        DisclosureState.SUBMITTED,
        DisclosureState.ACCEPTED,
        DisclosureState.CHANGES_REQUESTED,
    ):
        (first, *_) = published(app, state)
        with app.app_context():
            d = db.session.get(Disclosure, first.id)
            slug, name = d.company.slug, d.company.name_en
            narratives = [r.narrative for r in d.responses if r.narrative]
        response = client.get(f"/companies/{slug}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"{name} has not published a disclosure yet." in text_of(response)
        for narrative in narratives:
            assert narrative[:60] not in page
        assert f"/companies/{slug}?cycle=" not in client.get("/").get_data(as_text=True)


def test_company_page_by_cycle_and_unknown_pages(client, demo, app):
    with app.app_context():
        slug = db.session.get(Disclosure, published(app)[0].id).company.slug
    assert client.get(f"/companies/{slug}?cycle=2025-annual").status_code == 200
    assert client.get(f"/companies/{slug}?cycle=1999").status_code == 404
    assert client.get("/companies/no-such-company").status_code == 404


def test_unconfirmed_company_is_not_listed_or_shown(client, demo, app):
    with app.app_context():
        company = db.session.scalar(sa.select(Company).order_by(Company.id))
        company.signatory_confirmed = False
        db.session.commit()
        slug, name = company.slug, company.name_en
    assert client.get(f"/companies/{slug}").status_code == 404
    assert name not in text_of(client.get("/companies/"))
    assert name not in text_of(client.get("/"))


def test_narrative_markdown_is_sanitised_on_the_page(client, demo, app):
    d = published(app)[0]
    with app.app_context():
        d = db.session.get(Disclosure, d.id)
        response = next(r for r in d.responses if r.narrative)
        response.narrative = "**Bold** <script>alert('x')</script> [x](javascript:alert(1))"
        d.responses[0].evidence_links = [{"url": "javascript:alert(1)", "title": "Bad link"}]
        db.session.commit()
        slug = d.company.slug
    # Live answers never reach the public: only once published (as a correction) do they show.
    assert "<strong>Bold</strong>" not in client.get(f"/companies/{slug}").get_data(as_text=True)
    publish_as_is(app, d.id)
    html = client.get(f"/companies/{slug}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html
    # No javascript: link or attribute; the year-over-year diff may quote the source as text.
    assert not re.search(r'(href|src)="\s*javascript:', html, flags=re.I)
    narratives = re.findall(r'<div class="narrative"[^>]*>.*?</div>', html, flags=re.S)
    assert narratives and not any("javascript:" in n for n in narratives)
    assert "Bad link" in html  # shown as text, not as a link


def test_status_of_every_item_is_shown(client, demo, app):
    d = published(app)[0]
    with app.app_context():
        d = db.session.get(Disclosure, d.id)
        slug = d.company.slug
        items = len(d.checklist_version.checklist.items)
        answered = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ItemResponse)
            .where(ItemResponse.disclosure_id == d.id)
        )
    html = client.get(f"/companies/{slug}").get_data(as_text=True)
    articles = re.findall(r'<article id="c.*?</article>', html, flags=re.S)
    assert len(articles) == items
    assert all(a.count('class="status status-') == 1 for a in articles)
    assert answered == items


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_method_not_allowed_is_405(client):
    assert client.post("/").status_code == 405


def test_an_unexpected_error_is_logged_and_shows_a_friendly_500(app, caplog):
    def broken():
        raise RuntimeError("boom in a view")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Something went wrong" in text_of(response)
    assert "boom in a view" not in response.get_data(as_text=True)
    assert any("boom in a view" in r.getMessage() and r.exc_info for r in caplog.records)


def test_checklist_page_defaults_to_the_current_cycles_version(client, demo):
    page = text_of(client.get("/checklist/"))
    assert "version 2024.2" in page  # the demo cycle files against 2024.2, not the newer 2025.2
    assert "International cooperation and information sharing" not in page


def test_checklist_page_without_a_cycle_shows_the_newest_version(client, runner):
    assert runner.invoke(args=["checklist", "load"]).exit_code == 0
    assert "version 2025.2" in text_of(client.get("/checklist/"))


def test_the_home_page_stays_bounded_for_a_large_roster(client, app):
    """Beyond 25 published disclosures the heatmap shows the 25 latest and links to the full
    list; the distribution counts every company; the signatories list shows the 60 latest."""
    from tests.support.app import grow_roster
    from tracker.ledger.models import OVERALL, Publication, PublicationScore
    from tracker.public.views import HOME_HEATMAP_ROWS, HOME_SIGNATORIES

    grow_roster(app, 140)
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
        current = (
            sa.select(Publication.company_id, sa.func.max(Publication.id).label("id"))
            .where(Publication.cycle_id == cycle.id)
            .group_by(Publication.company_id)
            .subquery()
        )
        overall = db.session.scalars(
            sa.select(PublicationScore.percent).where(
                PublicationScore.commitment_id == OVERALL,
                PublicationScore.publication_id.in_(sa.select(current.c.id)),
            )
        ).all()
        latest = db.session.scalars(
            sa.select(Company.name_en)
            .join(Publication, Publication.company_id == Company.id)
            .where(Publication.id.in_(sa.select(current.c.id)))
            .order_by(Publication.published_at.desc(), Company.name_en)
            .limit(HOME_HEATMAP_ROWS)
        ).all()
    assert len(overall) > HOME_HEATMAP_ROWS
    response = client.get("/")
    html = response.get_data(as_text=True)
    heatmap = html[html.index('<table class="heatmap"') : html.index("</table>")]
    assert heatmap.count('<th scope="row">') == HOME_HEATMAP_ROWS
    rows = re.findall(r'<th scope="row">(.*?)</th>', heatmap)
    # the latest published, shown in the heatmap's default order (by name)
    assert [re.sub(r"<[^>]+>", "", row) for row in rows] == sorted(latest)
    page = text_of(response)
    assert f"The {HOME_HEATMAP_ROWS} latest of {len(overall)} published disclosures" in page
    assert "Every signatory and its overall score, page by page" in page
    distribution = html[html.index('<table class="data distribution"') :]
    distribution = distribution[: distribution.index("</table>")]
    overall_row = distribution[distribution.rindex("<tr>") :]
    cells = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', overall_row)]
    limits = ((0, 24), (25, 49), (50, 74), (75, 100))
    bands = [sum(low <= p <= high for p in overall) for low, high in limits]
    assert cells == [*bands, 0, round(sum(overall) / len(overall))]
    assert f"How the {len(overall)} published disclosures score, per commitment" in page
    assert "140 companies have signed the commitments." in page
    assert f"The {HOME_SIGNATORIES} latest to sign:" in page
    signatories = html[html.index('<ul class="signatory-list">') :]
    assert signatories[: signatories.index("</ul>")].count("<li>") == HOME_SIGNATORIES
    assert len(response.get_data()) < 60_000  # the demo's 22 make about 35 kB
    zh = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "份已发布披露在各项承诺上的得分分布" in zh and "全部签署企业" in zh
