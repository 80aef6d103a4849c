"""Narratives rendered once: stored by (text hash, renderer version), read many at a time in
one query, rendered only when missing; an overrun is stored as plain text or refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.db import db
from tracker.domain.markdown import RenderOverrun, render_markdown
from tracker.narratives import services
from tracker.narratives.models import RenderedNarrative

TEXTS = ["*one*", "**two**", "[three](https://e.example)", "四 `code`"]


def stored_rows() -> list[RenderedNarrative]:
    return list(db.session.scalars(sa.select(RenderedNarrative).order_by(RenderedNarrative.id)))


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Every text the store sends to the renderer."""
    seen: list[str] = []
    real = services.render_within

    def counting(text, seconds=None):
        seen.append(text)
        return real(text, seconds)

    monkeypatch.setattr(services, "render_within", counting)
    return seen


def test_missing_texts_are_rendered_once_and_stored(app, renders):
    with app.app_context():
        found = services.html_for(db.session, [*TEXTS, "*one*", None, "  "])
        db.session.commit()
        assert found == {text: render_markdown(text) for text in TEXTS}
        assert sorted(renders) == sorted(TEXTS)
        rows = stored_rows()
        assert {r.text_sha256 for r in rows} == {services.text_key(t) for t in TEXTS}
        assert all(r.complete for r in rows)
    with app.app_context():
        assert services.html_for(db.session, TEXTS) == found
        assert len(renders) == len(TEXTS)  # nothing rendered again


def test_stored_texts_are_read_in_one_query(app, count_queries):
    with app.app_context():
        services.html_for(db.session, TEXTS)
        db.session.commit()
    with app.app_context(), count_queries() as counter:
        found = services.html_for(db.session, TEXTS)
    assert counter.count == 1
    assert set(found) == set(TEXTS)


def test_a_new_renderer_version_renders_again(app, renders, monkeypatch):
    with app.app_context():
        services.html_for(db.session, TEXTS[:1])
        db.session.commit()
        monkeypatch.setattr(services, "RENDERER_VERSION", 2)
        services.html_for(db.session, TEXTS[:1])
        db.session.commit()
        assert renders == TEXTS[:1] * 2
        assert sorted(r.renderer_version for r in stored_rows()) == [1, 2]


def test_an_overrun_is_stored_as_escaped_paragraphs(app, monkeypatch):
    def overrun(text, seconds=None):
        raise RenderOverrun("too slow")

    monkeypatch.setattr(services, "render_within", overrun)
    with app.app_context():
        found = services.html_for(db.session, ["<b>x</b> *y*"])
        db.session.commit()
        assert found == {"<b>x</b> *y*": "<p>&lt;b&gt;x&lt;/b&gt; *y*</p>"}
        (row,) = stored_rows()
        assert row.complete is False


def test_an_overrun_is_refused_when_asked_and_nothing_stored(app, monkeypatch):
    def overrun(text, seconds=None):
        raise RenderOverrun("too slow")

    monkeypatch.setattr(services, "render_within", overrun)
    with app.app_context():
        with pytest.raises(RenderOverrun):
            services.html_for(db.session, ["*x*"], refuse_overrun=True)
        db.session.commit()
        assert stored_rows() == []


def test_a_render_stored_meanwhile_by_another_request_is_kept(app):
    with app.app_context():
        key = services.text_key("*x*")
        db.session.add(RenderedNarrative(text_sha256=key, renderer_version=1, html="<p>kept</p>"))
        db.session.commit()
        # This request looked before the other one stored it: both rows collide on insert.
        services._store(
            db.session,
            [
                RenderedNarrative(text_sha256=key, renderer_version=1, html="<p><em>x</em></p>"),
                RenderedNarrative(
                    text_sha256=services.text_key("y"), renderer_version=1, html="<p>y</p>"
                ),
            ],
        )
        db.session.commit()
        assert [r.html for r in stored_rows()] == ["<p>kept</p>", "<p>y</p>"]
