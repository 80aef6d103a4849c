"""Differences worked out once: stored by (pair of texts, diff version), read many at a time in
one query; a page works out at most FRESH_DIFFS_PER_PAGE new ones; the history page and the
year-over-year comparison read them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.filing import CYCLE, post_item
from tests.support.http import client_as
from tracker.db import db
from tracker.domain.diff import Chunk, text_diff
from tracker.domain.htmldiff import html_diff
from tracker.ledger.models import Publication
from tracker.ledger.queries import earlier_cycle_version, read
from tracker.narratives import services
from tracker.narratives.models import NarrativeDiff, RenderedDiff

PAIRS = [("one two", "one three"), ("甲乙丙", "甲丁丙"), ("", "new"), ("gone", "")]


@pytest.fixture
def compared(monkeypatch) -> list[tuple[str, str]]:
    """Every pair the store works out."""
    seen: list[tuple[str, str]] = []

    def counting(before, after, budget=None):
        seen.append((before, after))
        return text_diff(before, after, budget)

    monkeypatch.setattr(services, "text_diff", counting)
    return seen


@pytest.fixture
def rendered_compared(monkeypatch) -> list[tuple[str, str]]:
    """Every pair of rendered narratives the store compares (year over year)."""
    seen: list[tuple[str, str]] = []

    def counting(before, after, budget=None):
        seen.append((before, after))
        return html_diff(before, after, budget)

    monkeypatch.setattr(services, "html_diff", counting)
    return seen


def stored() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(NarrativeDiff))


def test_missing_differences_are_worked_out_once_and_stored(app, compared, count_queries):
    with app.app_context():
        found = services.diffs_for(db.session, [*PAIRS, PAIRS[0]])
        db.session.commit()
        assert found == {pair: text_diff(*pair) for pair in PAIRS}
        assert sorted(compared) == sorted(PAIRS) and stored() == len(PAIRS)
    with app.app_context(), count_queries() as counter:
        again = services.diffs_for(db.session, PAIRS)
    assert again == found and counter.count == 1
    assert len(compared) == len(PAIRS)  # nothing worked out again
    assert Chunk(*Chunk("changed", "a", "b").as_list()) == Chunk("changed", "a", "b")


def test_a_page_works_out_a_few_new_ones_and_shows_the_rest_whole(app, compared):
    many = [(f"text {n} before", f"text {n} after") for n in range(10)]
    with app.app_context():
        first = services.diffs_for(db.session, many)
        db.session.commit()
        fresh = services.FRESH_DIFFS_PER_PAGE
        assert len(compared) == fresh == stored()
        rest = [first[pair] for pair in many[fresh:]]
        assert rest == [[Chunk("changed", after, before)] for before, after in many[fresh:]]
        second = services.diffs_for(db.session, many)
        db.session.commit()
        assert len(compared) == 2 * fresh == stored()
        assert all(second[pair] == text_diff(*pair) for pair in many[: 2 * fresh])


def test_a_new_diff_version_works_them_out_again(app, compared, monkeypatch):
    with app.app_context():
        services.diffs_for(db.session, PAIRS[:1])
        db.session.commit()
        monkeypatch.setattr(services, "DIFF_VERSION", 99)
        services.diffs_for(db.session, PAIRS[:1])
        db.session.commit()
        assert len(compared) == 2 and stored() == 2


def test_a_difference_stored_meanwhile_by_another_request_is_kept(app):
    with app.app_context():
        services.diffs_for(db.session, PAIRS[:1])
        db.session.commit()
    with app.app_context():
        db.session.add(
            NarrativeDiff(
                pair_sha256=services.pair_key(*PAIRS[1]),
                diff_version=services.DIFF_VERSION,
                chunks=[c.as_list() for c in text_diff(*PAIRS[1])],
            )
        )
        db.session.flush()
        # this request did not see it: its insert collides, and the rest is stored
        monkeypatch_free = services.diffs_for(db.session, PAIRS[1:3])
        db.session.commit()
        assert monkeypatch_free[PAIRS[2]] == text_diff(*PAIRS[2])
        assert stored() == 3


def revisions(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('<ol class="revisions"') : page.index("</ol>")]


def test_the_history_page_compares_once_then_reads(
    app, accounts, filing_world, compared, count_queries
):
    officer = client_as(app, accounts.ids, "officer_a")
    item = "c1.safety-team"
    for text in ("We have a team.", "We have a dedicated team.", "我们有一个专门的团队。"):
        assert post_item(officer, item, {"status": "met", "narrative": text}).status_code == 302
    url = f"/filing/{CYCLE}/items/{item}/history"
    first = officer.get(url)
    assert first.status_code == 200 and "<ins>dedicated </ins>" in first.get_data(as_text=True)
    worked_out = len(compared)
    assert worked_out >= 2
    with app.app_context():
        assert stored() == worked_out  # committed after the GET
    with count_queries() as counter:
        second = officer.get(url)
    assert revisions(second) == revisions(first)
    assert len(compared) == worked_out  # read, not compared again
    with count_queries() as third:
        officer.get(url)
    assert third.count == counter.count


def test_the_year_over_year_comparison_is_worked_out_at_publication(
    app, rendered_compared, fresh_demo
):
    """The demo publishes versions with an earlier cycle: their differences (on the rendered
    text) were stored then; reading the comparison works out none."""
    assert rendered_compared, "publishing worked the differences out"
    worked_out = len(rendered_compared)
    with app.app_context():
        publication, earlier = next(
            (p, e)
            for p in db.session.scalars(sa.select(Publication).order_by(Publication.id.desc()))
            if (e := earlier_cycle_version(db.session, p)) is not None
        )
        comparison = read(publication, earlier=earlier).report.comparison
        assert comparison is not None and any(c.narrative for c in comparison.changes)
        assert len(rendered_compared) == worked_out


def test_a_version_published_before_differences_were_stored_gets_all_of_them(
    app, demo, rendered_compared
):
    """A version published before migration 0023 has no stored differences: the first read
    works every one out (on the rendered text) and stores them; the next reads them."""
    with app.app_context():
        db.session.execute(sa.delete(RenderedDiff))
        db.session.commit()
        publication, earlier = next(
            (p, e)
            for p in db.session.scalars(sa.select(Publication).order_by(Publication.id.desc()))
            if (e := earlier_cycle_version(db.session, p)) is not None
        )
        before = len(rendered_compared)
        first = read(publication, earlier=earlier).report.comparison
        db.session.commit()
        changed = [c.narrative for c in first.changes if c.narrative]
        assert changed and len(rendered_compared) - before == len(changed)
        assert all("<ins>" in n or "<del>" in n for n in changed)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RenderedDiff)) == len(
            changed
        )
        worked_out = len(rendered_compared)
        assert read(publication, earlier=earlier).report.comparison == first
        assert len(rendered_compared) == worked_out
