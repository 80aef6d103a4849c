"""The public page of a cycle (/cycles/<slug>/), every cycle from the home page, and the tables
that sort and filter with links (home heatmap, cycle heatmap and adoption, companies list)."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing.models import Disclosure
from tracker.ledger.models import OVERALL, Publication, PublicationScore
from tracker.reports.services import cycle_report

CYCLE = "/cycles/2025-annual/"


def text_of_html(html: str) -> str:
    """Visible text: tags stripped (scripts and styles too), whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text_of(response) -> str:
    return text_of_html(response.get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has the id ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def row_names(table_html: str) -> list[str]:
    """The text of each row heading's link, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table_html)


def heatmap_of(html: str) -> str:
    start = html.index('<table class="heatmap"')
    return html[start : html.index("</table>", start)]


def current_scores(app, slug: str, commitment: str) -> dict[str, int | None]:
    """English name -> the stored score of each current published version, counted here."""
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=slug))
        rows = db.session.execute(
            sa.select(Company.name_en, Publication.version, PublicationScore.percent)
            .join(Publication, Publication.company_id == Company.id)
            .join(PublicationScore, PublicationScore.publication_id == Publication.id)
            .where(
                Publication.cycle_id == cycle.id,
                PublicationScore.commitment_id == commitment,
                Company.is_public_signatory,
            )
            .order_by(Publication.version)
        ).all()
    return {name: percent for name, _, percent in rows}  # the latest version wins


def test_the_cycle_page_shows_figures_heatmap_adoption_benchmarks_roster_and_links(
    client, demo, app
):
    response = client.get(CYCLE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(response)
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        report = cycle_report(db.session, cycle)
        invited = db.session.scalar(
            sa.select(sa.func.count()).select_from(Disclosure).filter_by(cycle_id=cycle.id)
        )
    assert "<h1>2025 annual disclosure</h1>" in html
    assert f"Published {len(report.companies)} of {invited} invited companies" in page
    assert f"Mean overall score {report.mean_score}" in page
    assert f"Median overall score {report.median_score}" in page
    means = section(html, "figures-heading")
    for cid, mean in report.commitment_means().items():
        assert re.search(rf">{cid.upper()}</abbr>.*?<dd>{mean}</dd>", means, re.S), cid
    # the heatmap: every published company, linking to its page for the cycle, and its PDFs
    heat = heatmap_of(html)
    assert row_names(heat) == [r.company_name.en for r in report.companies]
    for r in report.companies:
        assert f'href="/companies/{r.company_slug}?cycle=2025-annual"' in heat
        for lang in ("en", "zh"):
            assert f"/companies/{r.company_slug}/report.pdf?cycle=2025-annual&amp;lang={lang}" in (
                heat
            )
    # the adoption of every item, as the aggregate report counts it
    adoption = section(html, "adoption")
    assert 'href="/methodology/#adoption"' in adoption
    rows = re.findall(r"<tr data-key=\"\d+\">(.*?)</tr>", adoption, re.S)
    assert len(rows) == len(report.adoption)
    for a, row in zip(report.adoption, rows, strict=True):
        cells = re.findall(r'<td class="num"[^>]*>(?:<strong>)?([^<]+)', row)
        expected = [
            a.counts[Status.MET],
            a.counts[Status.PARTIALLY_MET],
            a.counts[Status.NOT_MET],
            a.counts[Status.NOT_APPLICABLE],
            a.counts[Status.NOT_DISCLOSED] + a.counts[None],
            f"{a.rate}%" if a.rate is not None else "n/a",
        ]
        assert cells == [str(v) for v in expected], a.item.id
        assert a.item.title.en in row
    # the benchmark matrix, as /benchmarks/ counts it
    benchmarks = section(html, "benchmarks")
    assert report.results is not None
    assert (
        f"{len(report.results.comparable)} of {len(report.companies)} companies "
        f"({report.results.comparable_share}%)" in text_of_html(benchmarks)
    )
    for b in report.results.benchmarks:
        assert f"/benchmarks/{b.id}?cycle=2025-annual" in benchmarks
    # reports and data
    downloads = section(html, "downloads")
    for lang in ("en", "zh"):
        assert f"/cycles/2025-annual/report.pdf?lang={lang}" in downloads
    assert "/cycles/2025-annual/disclosures.csv" in downloads
    assert 'href="/cycles/2025-annual/bundle.zip"' in downloads
    assert 'href="/data/"' in downloads
    assert 'href="/api/v1/cycles/2025-annual"' in downloads
    assert "/feeds/cycles/2025-annual.atom?lang=en" in downloads
    assert 'type="application/atom+xml" href="/feeds/cycles/2025-annual' in html


def test_the_page_names_who_published_and_who_did_not_with_their_state(client, demo, app):
    with app.app_context():
        rows = db.session.execute(
            sa.select(Company.name_en, Disclosure.state)
            .join(Disclosure, Disclosure.company_id == Company.id)
            .join(Cycle, Cycle.id == Disclosure.cycle_id)
            .where(Cycle.slug == "2025-annual", Company.is_public_signatory)
        ).all()
    html = client.get(CYCLE).get_data(as_text=True)
    roster = section(html, "roster")
    published = sorted(n for n, s in rows if s is DisclosureState.PUBLISHED)
    waiting = {s: sorted(n for n, st in rows if st is s) for _, s in rows}
    assert f"{len(published)} companies published" in text_of_html(roster)
    for state, names in waiting.items():
        if state is DisclosureState.PUBLISHED:
            continue
        group = roster[roster.index(f'id="state-{state.value}"') :]
        group = group[: group.index("</ul>")]
        assert re.findall(r'<a href="/companies/[^"]+">([^<]+)</a>', group) == names, state
    not_published = len(rows) - len(published)
    assert f"{not_published} companies have not published" in text_of_html(roster)
    assert "Not started" in roster and "Draft" in roster  # the demo has both


def test_in_chinese_the_page_says_the_same_in_chinese(client, demo):
    client.get("/language/zh_CN")
    page = text_of(client.get(CYCLE))
    assert "受邀的 22 家企业中已有 13 家" in page
    assert "各条目采纳情况" in page
    assert "谁已发布，谁尚未发布" in page
    assert "本周期汇总报告（PDF）" in page


def test_an_unknown_cycle_is_not_found(client, demo):
    assert client.get("/cycles/no-such-cycle/").status_code == 404
    assert client.get("/cycles/2025-annual/?page=9").status_code == 404  # past the last page


def test_a_cycle_nobody_published_in_says_so_and_names_who_is_filing(client, demo, app):
    with app.app_context():
        earlier = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        cycle = Cycle(
            slug="2026-annual",
            name_en="2026 annual disclosure",
            name_zh="2026年度披露",
            checklist_version=earlier.checklist_version,
            opens_on=date(2026, 11, 1),
            due_on=date(2027, 3, 1),
            opened_at=earlier.opened_at,
        )
        company = db.session.scalar(sa.select(Company).where(Company.is_public_signatory))
        db.session.add(cycle)
        db.session.add(
            Disclosure(
                company=company,
                cycle=cycle,
                checklist_version=cycle.checklist_version,
                state=DisclosureState.DRAFT,
            )
        )
        planned = Cycle(
            slug="2027-annual",
            name_en="2027 annual disclosure",
            name_zh="2027年度披露",
            checklist_version=earlier.checklist_version,
            opens_on=date(2027, 11, 1),
            due_on=date(2028, 3, 1),
        )
        db.session.add(planned)
        db.session.commit()
        name = company.name_en
    response = client.get("/cycles/2026-annual/")
    assert response.status_code == 200
    page = text_of(response)
    assert "No disclosure has been published in this cycle yet." in page
    assert "Published 0 of 1 invited companies" in page
    assert "Mean overall score n/a" in page
    html = response.get_data(as_text=True)
    assert name in section(html, "roster") and "state-draft" in section(html, "roster")
    assert 'class="heatmap"' not in html
    later = text_of(client.get("/cycles/2027-annual/"))
    assert "This cycle has not opened yet" in later
    # the home page lists every cycle, the earlier ones too, each linking to its page
    home = client.get("/").get_data(as_text=True)
    cycles = section(home, "cycles-heading")
    for slug in ("2027-annual", "2026-annual", "2025-annual", "2024-annual"):
        assert f'href="/cycles/{slug}/"' in cycles


def test_the_home_page_links_to_the_current_cycle_page(client, demo):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/cycles/2025-annual/"' in section(html, "cycle-heading")
    assert 'href="/cycles/2025-annual/#adoption"' in section(html, "heatmap-heading")
    assert 'href="/cycles/2024-annual/"' in section(html, "cycles-heading")
    assert "2024 annual disclosure" in section(html, "cycles-heading")


# --- sorting and filtering without JavaScript --------------------------------------------------


@pytest.mark.parametrize("url", ["/", CYCLE])
def test_a_heatmap_sorts_by_a_column_with_its_heading_link(client, demo, app, url):
    html = client.get(url).get_data(as_text=True)
    heat = heatmap_of(html)
    names = row_names(heat)
    assert names == sorted(names)  # by name by default
    assert '<th scope="col" data-sort-type="key" aria-sort="ascending">' in heat
    link = re.search(r'href="([^"]*sort=overall[^"]*)" data-sort-key="overall"', heat).group(1)
    assert "order=desc" in link  # a score's first click: highest first
    sorted_html = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    scores = current_scores(app, "2025-annual", OVERALL)
    shown = row_names(heatmap_of(sorted_html))
    expected = sorted(scores, key=lambda n: (-(scores[n] or -1), n))
    assert shown == expected
    assert 'aria-sort="descending"' in heatmap_of(sorted_html)
    # the sorted column's link now reverses it
    again = re.search(r'href="([^"]*)" data-sort-key="overall"', heatmap_of(sorted_html)).group(1)
    assert "order=asc" in again
    ascending = row_names(
        heatmap_of(client.get(again.replace("&amp;", "&")).get_data(as_text=True))
    )
    assert ascending == sorted(scores, key=lambda n: (scores[n] or -1, n))
    by_c3 = row_names(heatmap_of(client.get(url + "?sort=c3&order=desc").get_data(as_text=True)))
    c3 = current_scores(app, "2025-annual", "c3")
    assert by_c3 == sorted(c3, key=lambda n: (-(c3[n] if c3[n] is not None else -1), n))
    by_name_desc = row_names(
        heatmap_of(client.get(url + "?sort=name&order=desc").get_data(as_text=True))
    )
    assert by_name_desc == sorted(names, reverse=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("?sort=price", "sort must be one of name, c1, c2, c3, c4, c5, c6, overall, not “price”."),
        ("?order=up", "order must be one of asc, desc, not “up”."),
        ("?commitment=c9", "commitment must be one of c1, c2, c3, c4, c5, c6, not “c9”."),
        ("?items=score", "items must be one of item, met, partially_met, not_met"),
        ("?items_order=sideways", "items_order must be one of asc, desc"),
        ("?sort=" + "x" * 60, "not “" + "x" * 20 + "…”"),
        ("?sort=<script>", "not “&lt;script&gt;”"),
    ],
)
def test_a_bad_sort_or_filter_is_refused_with_a_clear_message(client, demo, url, message):
    response = client.get(CYCLE + url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_bad_values_are_refused_on_the_home_page_and_the_companies_list(client, demo):
    assert client.get("/?sort=c9").status_code == 400
    refused = client.get("/companies/?published=maybe")
    assert refused.status_code == 400
    assert "published must be one of yes, no, not “maybe”." in refused.get_data(as_text=True)
    assert client.get("/companies/?sort=c1").status_code == 400
    assert client.get("/companies/?sort=&order=").status_code == 200  # empty: the default


def test_the_adoption_table_filters_by_commitment_and_sorts(client, demo, app):
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        report = cycle_report(db.session, cycle)
    html = client.get(CYCLE + "?commitment=c3").get_data(as_text=True)
    adoption = section(html, "adoption")
    c3 = [a for a in report.adoption if a.item.commitment_id == "c3"]
    titles = re.findall(r'<span class="cid">C3</span> <a href="[^"]+">([^<]+)</a>', adoption)
    assert titles == [a.item.title.en for a in c3]
    assert '<span class="cid">C1</span>' not in adoption
    assert '<span aria-current="true" title="Data security">C3</span>' in adoption
    # sorted by adoption rate, highest first; the heatmap's own sort is kept in the links
    html = client.get(CYCLE + "?sort=overall&order=desc&items=rate&items_order=desc").get_data(
        as_text=True
    )
    adoption = section(html, "adoption")
    rates = [int(r) for r in re.findall(r'data-sort-value="(\d+)"><strong>\d+%</strong>', adoption)]
    assert rates == sorted(rates, reverse=True) and len(rates) == len(report.adoption)
    assert 'aria-sort="descending"' in adoption
    link = re.search(r'href="([^"]*)" data-sort-key="met"', adoption).group(1)
    assert "sort=overall" in link and "order=desc" in link and "items=met" in link
    assert link.endswith("#adoption")
    by_not_disclosed = section(
        client.get(CYCLE + "?items=not_disclosed&items_order=desc").get_data(as_text=True),
        "adoption",
    )
    counts = [
        int(v)
        for v in re.findall(
            r'<td class="num">(\d+)</td>\s*<td class="num" data-sort-value', by_not_disclosed
        )
    ]
    assert counts == sorted(counts, reverse=True)


def test_the_cycle_heatmap_sorts_across_its_pages(client, demo, app):
    app.config["PAGE_SIZE"] = 5
    scores = current_scores(app, "2025-annual", OVERALL)
    expected = sorted(scores, key=lambda n: (-(scores[n] or -1), n))
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"{CYCLE}?sort=overall&order=desc&page={page}").get_data(as_text=True)
        heat = heatmap_of(html)
        assert "data-complete" not in heat  # only the server sorts a table shown in pages
        shown += row_names(heat)
    assert shown == expected
    html = client.get(f"{CYCLE}?sort=overall&order=desc&page=2").get_data(as_text=True)
    assert "Page 2 of 3" in html
    # a page link keeps the sort; a heading link starts again at page 1
    nxt = re.search(r'rel="next" href="([^"]+)"', html).group(1)
    assert "sort=overall" in nxt and "page=3" in nxt
    heading = re.search(r'href="([^"]*)" data-sort-key="c1"', heatmap_of(html)).group(1)
    assert "page=" not in heading


def test_the_companies_list_sorts_and_filters(client, demo, app):
    scores = current_scores(app, "2025-annual", OVERALL)
    html = client.get("/companies/?sort=overall&order=desc").get_data(as_text=True)
    table = html[html.index('<table class="data"') :]
    names = row_names(table)
    scored = [n for n in names if n in scores]
    assert scored == sorted(scores, key=lambda n: (-(scores[n] or -1), n))
    assert names[: len(scored)] == scored  # the unpublished after
    published = row_names(client.get("/companies/?published=yes").get_data(as_text=True))
    assert sorted(published) == sorted(scores) == published
    waiting = row_names(client.get("/companies/?published=no").get_data(as_text=True))
    assert not set(waiting) & set(scores) and len(waiting) == 22 - len(scores)
    with app.app_context():
        signed = db.session.execute(
            sa.select(Company.name_en, Company.signatory_since).where(Company.is_public_signatory)
        ).all()
    by_date = row_names(client.get("/companies/?sort=signed&order=asc").get_data(as_text=True))
    assert by_date == [n for n, _ in sorted(signed, key=lambda r: (r[1], r[0]))]


def test_sort_headers_are_links_with_aria_sort_and_the_script_is_external(client, demo):
    for url in ("/", "/companies/", CYCLE):
        html = client.get(url).get_data(as_text=True)
        assert '<script src="/static/js/tables.js" defer></script>' in html
        assert "data-sortable" in html and 'class="sort-link"' in html
        assert html.count('aria-sort="') >= 1
        assert re.search(r"<script>(?!</script>)", html) is None  # no inline script


def test_hostile_company_names_are_escaped_on_the_cycle_page(client, demo, app):
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        disclosure = db.session.scalar(
            sa.select(Disclosure)
            .filter_by(cycle_id=cycle.id, state=DisclosureState.DRAFT)
            .join(Company)
            .where(Company.is_public_signatory)
            .limit(1)
        )
        disclosure.company.name_en = '<img src=x onerror="alert(1)">'
        db.session.commit()
    html = client.get(CYCLE).get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
