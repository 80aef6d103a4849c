"""The public benchmark pages: every benchmark with who reports it, one benchmark's comparable
groups and results apart, in both languages; 404s; the empty states; constant query counts."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.results import current_publication, forget_published_results, store_results
from tests.support.results import shipped_result as result
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.ledger import queries
from tracker.ledger.models import Publication

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture(autouse=True)
def computed_pages(app):
    app.config["PUBLIC_CACHE"] = False  # each request computes its page


@pytest.fixture
def bare_demo(app, demo):
    """The demo without its published results on the benchmark pages."""
    with app.app_context():
        forget_published_results(db.session)
        db.session.commit()
    return demo


def published_slugs(app, cycle_slug="2025-annual") -> list[str]:
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=cycle_slug))
        return [slug for slug, _, _ in queries.named_in_cycle(db.session, cycle)]


def add(app, slug: str, *results, cycle_slug="2025-annual") -> None:
    with app.app_context():
        store_results(db.session, current_publication(db.session, slug, cycle_slug), list(results))
        db.session.commit()


@pytest.fixture
def reported(app, bare_demo):
    """Four companies' HarmBench results: a comparable group of three (one run by a third
    party), a deployed system beside them, and an LLM-judged run."""
    a, b, c, d = published_slugs(app)[:4]
    add(app, a, result(value=10.0))
    add(app, b, result(value=20.0, relationship="third_party", run_by="Lab <X>"))
    add(app, c, result(value=30.0), result(subject="system", safeguards="filter", value=5.0))
    add(app, d, result(value=40.0, grader="llm_judge", judge_model="judge-1"))
    return a, b, c, d


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_benchmark_page_in_english(client, reported):
    a, b, c, _ = reported
    page = client.get("/benchmarks/harmbench")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = text_of(html)
    assert "Results that can be compared" in text
    assert "Group 1: Attack success rate" in text and "lower is better" in text
    # the group's chart: titled and described, with a table of the same data, best first
    assert html.count('class="chart dot-chart"') == 1
    assert 'aria-labelledby="group-chart-1-title group-chart-1-desc"' in html
    group = html.split('id="group-1"')[1].split("</article>")[0]
    rows = re.findall(
        r"companies/([a-z0-9-]+)\?cycle=2025-annual#results", group.split("<table")[1]
    )
    assert rows == [a, b, c]  # lowest attack success rate first
    assert "Lab &lt;X&gt;" in group and "Lab <X>" not in html
    assert "Independent third party" in group and "<path" in group  # a diamond, and the words
    # apart: the system (subject differs) and the LLM judge (grading and judge model differ)
    apart = html.split('id="apart-heading"')[1]
    assert apart.count('<mark class="differs">') == 3
    assert "System with safeguards" in apart and "LLM judge" in apart
    assert "differs: the group has Bare model" in text_of(apart)
    assert "1 field differs" in text_of(apart) and "2 fields differ" in text_of(apart)
    # the registry's facts
    assert "About the benchmark" in text and "https://www.harmbench.org/" in html
    assert "4 companies report results for this benchmark" in text


def test_benchmark_page_in_chinese(client, reported):
    html = client.get("/benchmarks/harmbench", headers=ZH).get_data(as_text=True)
    text = text_of(html)
    assert '<html lang="zh-CN"' in html
    for phrase in ("可比较的结果", "无法比较的结果", "越低越好", "独立第三方", "关于该基准"):
        assert phrase in text, phrase
    assert "Results that can be compared" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/benchmarks/no-such-benchmark",
        "/benchmarks/harmbench?cycle=no-such-cycle",
        "/benchmarks/?cycle=no-such-cycle",
        "/benchmarks/%3Cscript%3E",
    ],
)
def test_unknown_benchmark_or_cycle_is_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_nobody_reported_results(client, bare_demo):
    html = client.get("/benchmarks/harmbench").get_data(as_text=True)
    assert "No company has published a result for this benchmark in this cycle." in text_of(html)
    assert "dot-chart" not in html
    index = text_of(client.get("/benchmarks/").get_data(as_text=True))
    assert "have at least one result comparable with another company" in index
    assert " 0 of " in index


def test_nothing_published_at_all(client, app):
    for url in ("/benchmarks/", "/benchmarks/harmbench"):
        for headers, phrase in (({}, "No disclosure has been published yet."), (ZH, "尚未发布")):
            page = client.get(url, headers=headers)
            assert page.status_code == 200
            assert phrase in text_of(page.get_data(as_text=True))


def test_index_counts_companies_and_the_matrix(client, app, reported):
    html = client.get("/benchmarks/").get_data(as_text=True)
    row = html.split('benchmarks/harmbench?cycle=2025-annual">HarmBench</a></th>')[1].split(
        "</tr>"
    )[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row)[0] == "4"
    total = len(published_slugs(app))
    # a, b and c share a setup; d's judge setup is its own
    assert f"3 of {total} companies" in text_of(html)
    matrix = html.split('class="data compact results-matrix"')[1]
    assert matrix.count('reporting-results">Results reported') >= 4


def test_cycle_filter(client, app, reported):
    earlier = published_slugs(app, "2024-annual")
    add(app, earlier[0], result(value=50.0), cycle_slug="2024-annual")
    html = client.get("/benchmarks/harmbench?cycle=2024-annual").get_data(as_text=True)
    assert "1 company reports results for this benchmark" in text_of(html)
    assert 'aria-current="page">2024' in html


def test_only_current_versions_count(client, app, bare_demo):
    """A superseded version's results are not shown: the demo corrects one publication."""
    with app.app_context():
        corrected = db.session.scalar(
            sa.select(Publication).where(Publication.supersedes_id.is_not(None))
        )
        old = db.session.get(Publication, corrected.supersedes_id)
        store_results(db.session, old, [result(value=77.0)])
        cycle_slug = corrected.cycle.slug
        db.session.commit()
    html = client.get(f"/benchmarks/harmbench?cycle={cycle_slug}").get_data(as_text=True)
    assert "77%" not in html
    assert "No company has published a result" in text_of(html)


def test_queries_constant_in_the_number_of_results(client, app, bare_demo, count_queries):
    slugs = published_slugs(app)
    urls = ["/benchmarks/", "/benchmarks/harmbench", "/benchmarks/?cycle=2025-annual"]
    add(app, slugs[0], result())
    for url in urls:
        client.get(url)  # the process's caches filled
    small = {}
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        small[url] = counter.count
    for n, slug in enumerate(slugs):
        add(app, slug, *[result(value=float(n + k), version="2024-02") for k in range(5)])
        add(app, slug, result(language="zh" if n % 2 else "en", value=3.0))
    large = {}
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        large[url] = counter.count
    assert large == small
    assert max(small.values()) <= 5, small


def test_the_demos_own_results_are_on_the_pages(client, app, demo):
    """The demo publishes in bulk (tracker.demo.services): its results are stored with its
    publications like any other, and its benchmark pages show a comparable group and results
    apart."""
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle).filter_by(slug="2025-annual"))
        stored = queries.results_in_cycle(db.session, cycle)
        current = db.session.scalars(queries.current_query(cycle.id)).all()
        in_snapshots = sum(
            len(entry.get("results") or []) for p in current for entry in p.snapshot["items"]
        )
    assert stored and len(stored) == in_snapshots
    shown = [
        b
        for b in {r.result.benchmark for r in stored}
        if 'id="group-1"' in client.get(f"/benchmarks/{b}").get_data(as_text=True)
    ]
    assert shown
    index = text_of(client.get("/benchmarks/").get_data(as_text=True))
    assert "Results reported" in index


def test_the_matrix_shows_a_page_of_companies_and_counts_them_all(client, app, reported):
    app.config["PAGE_SIZE"] = 5
    total = len(published_slugs(app))
    pages = -(-total // 5)
    first = client.get("/benchmarks/").get_data(as_text=True)
    matrix = first.split('class="data compact results-matrix"')[1].split("</table>")[0]
    assert matrix.count('<th scope="row">') == 5
    assert f"3 of {total} companies" in text_of(first)  # the share is of every company
    assert f"Page 1 of {pages}" in text_of(first) and 'rel="next"' in first
    last = client.get(f"/benchmarks/?page={pages}").get_data(as_text=True)
    rows = last.split('class="data compact results-matrix"')[1].split("</table>")[0]
    assert rows.count('<th scope="row">') == total - 5 * (pages - 1)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get(f"/benchmarks/?page={pages + 1}").status_code == 404
    assert client.get("/benchmarks/?page=x").status_code == 400
    chosen = client.get("/benchmarks/?cycle=2025-annual").get_data(as_text=True)
    assert re.search(r'rel="next" href="[^"]*cycle=2025-annual', chosen)  # the filter is kept
