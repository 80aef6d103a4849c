"""The company badge: its text and title in both languages, a hostile name escaped (the SVG
parsed as XML), not published, 404s, widths, and the headers an embedded image needs."""

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from tracker.badges import services
from tracker.badges.snippets import markdown_text
from tracker.companies.models import Company
from tracker.db import db
from tracker.ledger.models import OVERALL, Publication, PublicationScore

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> \"&' ]](x)"


def svg(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "image/svg+xml"
    return ET.fromstring(response.get_data())  # noqa: S314 (the app's own answer, in a test)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def latest(app, slug: str, cycle: str | None = None) -> dict:
    with app.app_context():
        query = (
            sa.select(Publication)
            .join(Company)
            .where(Company.slug == slug)
            .order_by(Publication.published_at.desc())
        )
        if cycle:
            query = query.where(Publication.cycle.has(slug=cycle))
        p = db.session.scalars(query).first()
        percent = db.session.scalar(
            sa.select(PublicationScore.percent).filter_by(
                publication_id=p.id, commitment_id=OVERALL
            )
        )
        return {
            "sequence": p.entry.sequence,
            "date": p.published_at.date().isoformat(),
            "cycle_en": p.cycle.name_en,
            "cycle_zh": p.cycle.name_zh,
            "name_en": p.company.name_en,
            "percent": percent,
        }


def test_the_badge_shows_the_latest_score_and_its_ledger_entry(app, client, demo):
    facts = latest(app, "lanshan-intelligence")
    root = svg(client, "/companies/lanshan-intelligence/badge.svg?lang=en")
    assert texts(root) == [facts["cycle_en"], f"{facts['percent']} / 100"]
    title = root.find(f"{SVG}title").text
    assert facts["name_en"] in title
    assert f"Ledger entry #{facts['sequence']}, published {facts['date']}" in title
    assert root.get("role") == "img" and root.get("aria-label") == title


def test_in_chinese(app, client, demo):
    facts = latest(app, "lanshan-intelligence")
    root = svg(client, "/companies/lanshan-intelligence/badge.svg?lang=zh")
    assert texts(root)[0] == facts["cycle_zh"]
    assert f"账本条目 #{facts['sequence']}" in root.find(f"{SVG}title").text
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    # Chinese characters are wider: the label's box is wider than its English one.
    english = svg(client, "/companies/lanshan-intelligence/badge.svg?lang=en")
    assert int(root.get("width")) != int(english.get("width"))
    assert client.get("/companies/lanshan-intelligence/badge.svg?lang=xx").status_code == 404


def test_a_given_cycle(app, client, demo):
    facts = latest(app, "lanshan-intelligence", "2024-annual")
    root = svg(client, "/companies/lanshan-intelligence/badge.svg?cycle=2024-annual&lang=en")
    assert texts(root)[0] == facts["cycle_en"] == "2024 annual disclosure"
    assert f"#{facts['sequence']}" in root.find(f"{SVG}title").text


def test_a_signatory_that_has_not_published_gets_a_neutral_badge(app, client, demo):
    with app.app_context():
        published = sa.select(Publication.company_id)
        company = db.session.scalar(
            sa.select(Company)
            .where(Company.is_public_signatory, Company.id.not_in(published))
            .order_by(Company.slug)
        )
        slug = company.slug
    root = svg(client, f"/companies/{slug}/badge.svg?lang=en")
    assert texts(root) == ["AI safety disclosure", "not published"]
    # and one that published in another cycle but not this one
    with app.app_context():
        only_2025 = db.session.scalar(
            sa.select(Company.slug)
            .join(Publication, Publication.company_id == Company.id)
            .where(Company.is_public_signatory)
            .where(
                Company.id.not_in(
                    sa.select(Publication.company_id).where(
                        Publication.cycle.has(slug="2024-annual")
                    )
                )
            )
            .limit(1)
        )
    root = svg(client, f"/companies/{only_2025}/badge.svg?cycle=2024-annual&lang=en")
    assert texts(root) == ["2024 annual disclosure", "not published"]


@pytest.mark.parametrize(
    "url",
    [
        "/companies/no-such-company/badge.svg",
        "/companies/lanshan-intelligence/badge.svg?cycle=no-such-cycle",
        "/companies/hidden/badge.svg",
    ],
)
def test_unknown_or_unconfirmed_is_not_found(app, client, demo, url):
    with app.app_context():
        db.session.add(Company(slug="hidden", name_en="Hidden", name_zh="隐藏", is_signatory=True))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_hostile_company_name_is_escaped(app, client, demo):
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug="lanshan-intelligence"))
        company.name_en = company.name_zh = HOSTILE
        db.session.commit()
    for lang in ("en", "zh"):
        response = client.get(f"/companies/lanshan-intelligence/badge.svg?lang={lang}")
        body = response.get_data(as_text=True)
        assert "<script" not in body
        root = ET.fromstring(response.get_data())  # noqa: S314 (well-formed XML, ours)
        assert HOSTILE in root.find(f"{SVG}title").text
        assert HOSTILE in root.get("aria-label")
        assert not list(root.iter(f"{SVG}script"))
    # and on the company page's snippets
    page = client.get("/companies/lanshan-intelligence?lang=en").get_data(as_text=True)
    assert "<script>alert" not in page


def test_headers_for_an_embedded_image(app, client, demo):
    response = client.get("/companies/lanshan-intelligence/badge.svg?lang=en")
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    etag = response.headers["ETag"]
    assert not etag.startswith("W/")
    again = client.get(
        "/companies/lanshan-intelligence/badge.svg?lang=en", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=300"


def test_widths_follow_the_text():
    assert services.text_width("数据") == 2 * services.FONT_SIZE
    assert services.text_width("iii") < services.text_width("mmm")
    narrow, wide = services.layout("2025", "1 / 100"), services.layout("2025年度披露", "1 / 100")
    assert wide.width > narrow.width
    assert wide.value.x == wide.label.width
    assert services.text_width("e\u0301") == services.text_width("e")  # a combining accent


def test_markdown_text_keeps_a_name_literal():
    assert markdown_text("A [b](c) <d> *e*") == r"A \[b\]\(c\) \<d\> \*e\*"
    assert markdown_text("two\nlines") == "two lines"


def test_the_company_page_offers_the_snippets(app, client, demo):
    page = client.get("/companies/lanshan-intelligence", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "http://localhost/companies/lanshan-intelligence/badge.svg?lang=en" in html
    assert "[![" in html and "&lt;img src=&#34;" in html
    assert 'type="application/atom+xml"' in html
    assert "/feeds/companies/lanshan-intelligence.atom?lang=en" in html
    assert 'src="/static/js/copy.js"' in html
