"""Search over what was published (tracker.search), through /search, on the database under
test: Chinese and English queries, filters, pages, corrections, and nothing unpublished."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.filing import answer_everything
from tests.support.review import publish_as_is
from tracker.companies.models import Company
from tracker.db import db
from tracker.filing.models import ItemResponse
from tracker.search.models import SearchDocument, SearchTerm

NARRATIVE = (
    "公司在每次重大版本发布前开展红队测试，并记录发现的问题。\n\n"
    "We run **Red Team** exercises before every major release and track what they find "
    "against HarmBench. <script>alert('x')</script>"
)


def set_narrative(app, response_id: int, narrative: str, note: str | None = None) -> None:
    with app.app_context():
        response = db.session.get(ItemResponse, response_id)
        response.narrative = narrative
        if note is not None:
            response.confidential_note = note
        db.session.commit()


@pytest.fixture
def published(app, accounts, filing_world):
    """Company A's disclosure published with NARRATIVE on c1.safety-team (and its
    confidential note SECRET-NOTE-OF-A)."""
    set_narrative(app, filing_world["response_a"], NARRATIVE)
    answer_everything(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])
    return filing_world


def search(client, **params):
    response = client.get("/search", query_string=params)
    return response, response.get_data(as_text=True)


def found(client, q, **params) -> bool:
    response, body = search(client, q=q, **params)
    assert response.status_code == 200, body
    return "/companies/company-a?cycle=test-cycle&amp;version=1#c1.safety-team" in body


@pytest.mark.parametrize(
    "q",
    ["红队", "测试", "红", "红队测试", "red team", "RED TEAM", "Ｒｅｄ", "harmb", "benchmark 红队"],
)
def test_a_published_narrative_is_found_in_chinese_and_english(client, published, q):
    if q == "benchmark 红队":  # every word must be found: 'benchmark' is nowhere
        assert not found(client, q)
    else:
        assert found(client, q), q


def test_the_result_names_the_item_company_cycle_and_status_with_the_match_marked(
    client, published
):
    _, body = search(client, q="红队")
    assert "<mark>红队</mark>" in body
    assert "Company A" in body and "Test cycle" in body
    assert "status-met" in body
    _, body = search(client, q="release")
    assert "<mark>release</mark>" in body
    assert "<script>alert" not in body  # the narrative's markup is text, escaped


def test_the_item_title_is_searched_too(client, published):
    with client.application.app_context():
        title = (
            db.session.scalar(
                sa.select(SearchDocument).where(SearchDocument.item_id == "c1.safety-team")
            )
            .cycle.checklist_version.checklist.item("c1.safety-team")
            .title
        )
    word = title.en.split()[0]
    assert found(client, word)
    assert found(client, title.zh[:2])


def test_a_company_name_is_found_first_and_links_to_the_company_page(app, client, published):
    set_narrative(app, published["response_a"], "Company A: red team.")
    publish_as_is(app, published["disclosure_a"])
    _, body = search(client, q="company a")
    first = body.index('class="search-result"')
    assert body.index('href="/companies/company-a"', first) < body.index("#c1.", first)


def test_a_confidential_note_a_draft_and_a_hidden_company_are_never_found(app, client, published):
    assert not found(client, "SECRET-NOTE-OF-A")
    _, body = search(client, q="SECRET NOTE")
    assert "Nothing published matches" in body
    set_narrative(app, published["response_a"], "UNPUBLISHEDWORD draft text")
    assert not found(client, "UNPUBLISHEDWORD")
    assert found(client, "红队")  # the published version is still what is searched
    with app.app_context():
        db.session.execute(sa.update(Company).values(signatory_confirmed=False))
        db.session.commit()
    assert not found(client, "红队")


def test_a_correction_replaces_the_documents_of_the_version_it_corrects(app, client, published):
    set_narrative(app, published["response_a"], "公司组织紫队演练。We run purple-team drills.")
    publish_as_is(app, published["disclosure_a"])
    assert not found(client, "红队")
    _, body = search(client, q="紫队")
    assert "/companies/company-a?cycle=test-cycle&amp;version=2#c1.safety-team" in body
    with app.app_context():
        versions = set(
            db.session.scalars(
                sa.select(SearchDocument.version).where(SearchDocument.kind == "answer")
            )
        )
    assert versions == {2}


def test_filters_narrow_the_results_and_a_bad_one_is_a_400_with_a_message(client, published):
    assert found(client, "红队", status="met")
    assert not found(client, "红队", status="not_met")
    assert found(client, "红队", cycle="test-cycle")
    assert found(client, "红队", commitment="c1")
    assert not found(client, "红队", commitment="c2")
    assert found(client, "红队", company="company-a")
    assert not found(client, "红队", company="company-b")
    for name, value, message in [
        ("status", "bogus", "There is no status"),
        ("cycle", "no-such-cycle", "There is no published cycle"),
        ("commitment", "c99", "There is no commitment"),
        ("company", "no-such-company", "There is no signatory"),
    ]:
        response, body = search(client, q="红队", **{name: value})
        assert response.status_code == 400, name
        assert message in body and "<form" in body


def test_bad_queries_are_a_400_and_an_empty_one_shows_the_tips(client, published):
    response, body = search(client)
    assert response.status_code == 200 and "How search works" in body
    response, body = search(client, q="x" * 201)
    assert response.status_code == 400 and "too long" in body
    response, body = search(client, q="!!! ，。")
    assert response.status_code == 400 and "no letters or digits" in body


def test_results_are_paginated(app, client, published):
    app.config["PAGE_SIZE"] = 2
    response, body = search(client, q="company")  # both companies and items titled so
    assert response.status_code == 200
    total = db_count(app, "company")
    if total > 2:
        assert 'rel="next"' in body
        response, _ = search(client, q="company", page=2)
        assert response.status_code == 200
    response, _ = search(client, q="company", page=999)
    assert response.status_code == 404
    response, _ = search(client, q="company", page="x")
    assert response.status_code == 400


def db_count(app, term: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(SearchTerm).where(SearchTerm.term == term)
        )


def test_reindex_rebuilds_the_same_index(app, client, published, runner):
    def index() -> list[tuple]:
        with app.app_context():
            return sorted(
                db.session.execute(
                    sa.select(
                        SearchDocument.kind,
                        SearchDocument.company_id,
                        SearchDocument.publication_id,
                        SearchDocument.item_id,
                        SearchDocument.status,
                        SearchDocument.text,
                        SearchTerm.term,
                        SearchTerm.field,
                        SearchTerm.hits,
                    ).join(SearchTerm, SearchTerm.document_id == SearchDocument.id)
                ).all()
            )

    before = index()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt: 2 companies" in result.output
    assert index() == before
    assert found(client, "红队")


def test_a_renamed_company_is_found_by_its_new_name(app, client, published):
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug="company-a"))
        company.name_zh = "新名字公司"
        db.session.commit()
    _, body = search(client, q="新名字")
    assert 'href="/companies/company-a"' in body


def test_search_pages_are_rate_limited(app, client, published):
    """Searches computed count (a page served again from the page cache costs nothing)."""
    app.config["SEARCH_LIMIT"] = "3 per minute"
    codes = [client.get(f"/search?q=红队+{word}").status_code for word in ("a", "b", "c", "d")]
    assert codes == [200, 200, 200, 429]


def test_the_companys_version_in_the_other_language_is_found_too(
    app, client, accounts, filing_world
):
    """A narrative written in Chinese with the company's English version: an English reader's
    query finds the answer (the version in the other language is indexed with the original)."""
    with app.app_context():
        response = db.session.get(ItemResponse, filing_world["response_a"])
        response.narrative = "公司设有安全委员会，每季度审查模型风险。"
        response.narrative_language = "zh-CN"
        response.narrative_translation = "A safety committee reviews model risks every quarter."
        db.session.commit()
    answer_everything(app, filing_world["disclosure_a"])
    publish_as_is(app, filing_world["disclosure_a"])
    assert found(client, "committee quarter")
    assert found(client, "安全委员会")
    assert not found(client, "committee 红队")
