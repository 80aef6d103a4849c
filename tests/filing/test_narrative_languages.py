"""The language of a narrative and its version in the other language, from the filing form to
the public page, the PDFs, the API and the CSV: saved and autosaved, kept in a conflict,
escaped, written only by the company's own officers, published and snapshotted, and read from
snapshots published before either was recorded."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from html import unescape

import pytest
import sqlalchemy as sa

from tests.support.app import ARTIFACTS
from tests.support.filing import Forms, commitment_url, post_item, prefix, save_url
from tests.support.http import sign_in
from tests.support.review import publish_as_is
from tracker.db import db
from tracker.domain.canonical import sha256_hex
from tracker.filing.models import Disclosure, ItemResponse
from tracker.ledger.models import Publication

ITEM = "c1.safety-team"  # answered by company A in the filing world
ZH_TEXT = "我们设立了独立的**安全团队**，负责红队测试。"
EN_TEXT = "We set up an independent **safety team** that runs red-teaming."
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> **bold**'


@pytest.fixture
def officer_a(app, client, accounts, filing_world):
    assert sign_in(client, accounts.email("officer_a")).status_code == 302
    return client


def stored(app, company_id: int, item_id: str = ITEM) -> ItemResponse:
    with app.app_context():
        response = db.session.scalar(
            sa.select(ItemResponse)
            .join(Disclosure)
            .where(Disclosure.company_id == company_id, ItemResponse.item_id == item_id)
        )
        db.session.expunge_all()
        return response


def latest_snapshot(app) -> tuple[dict, str]:
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication).order_by(Publication.id.desc()))
        return publication.snapshot, publication.snapshot_sha256


def english(client):
    client.get("/language/en")
    return client


def chinese(client):
    client.get("/language/zh_CN")
    return client


# --- filing -------------------------------------------------------------------------------------


def test_the_form_saves_the_language_and_the_second_narrative(app, officer_a, accounts):
    page = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    fields = Forms(page).form(save_url(ITEM))
    p = prefix(ITEM)
    assert fields[f"{p}-narrative_language"] == [""]  # detection unless the officer chooses
    assert fields[f"{p}-narrative_translation"] == [""]
    response = post_item(
        officer_a,
        ITEM,
        {
            "status": "met",
            "narrative": ZH_TEXT,
            "narrative_language": "zh-CN",
            "narrative_translation": EN_TEXT,
        },
        page=page,
    )
    assert response.status_code == 302
    saved = stored(app, accounts.ids["company_a"])
    assert saved.narrative_language == "zh-CN"
    assert saved.narrative_translation == EN_TEXT
    again = officer_a.get(commitment_url(ITEM)).get_data(as_text=True)
    fields = Forms(again).form(save_url(ITEM))
    assert fields[f"{p}-narrative_language"] == ["zh-CN"]
    assert fields[f"{p}-narrative_translation"] == [EN_TEXT]
    assert "<strong>safety team</strong>" in again  # the second narrative's preview


def test_autosave_saves_the_second_narrative_and_answers_its_preview(app, officer_a, accounts):
    response = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": EN_TEXT},
        json=True,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True and body["version"] == 2
    assert "<strong>safety team</strong>" in body["translation_preview"]
    assert "<strong>安全团队</strong>" in body["preview"]
    saved = stored(app, accounts.ids["company_a"])
    assert saved.narrative_translation == EN_TEXT
    assert saved.narrative_language is None  # left to detection: Chinese, by its script
    # Changing only the second narrative is a change, with its own revision in the history.
    changed = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": EN_TEXT + " Weekly."},
        json=True,
    )
    assert changed.get_json()["version"] == 3
    history = officer_a.get(f"{save_url(ITEM)}/history").get_data(as_text=True)
    assert "Public narrative in the other language" in history
    assert "<ins>Weekly.</ins>" in history or "Weekly." in history


def test_a_colleagues_second_narrative_meets_a_conflict_not_an_overwrite(
    app, accounts, filing_world
):
    one, two = app.test_client(), app.test_client()
    for client in (one, two):
        assert sign_in(client, accounts.email("officer_a")).status_code == 302
    page_one = one.get(commitment_url(ITEM)).get_data(as_text=True)
    page_two = two.get(commitment_url(ITEM)).get_data(as_text=True)
    first = post_item(
        one,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": "Saved first."},
        page=page_one,
    )
    assert first.status_code == 302
    mine = {
        "status": "met",
        "narrative": ZH_TEXT,
        "narrative_language": "zh-CN",
        "narrative_translation": "Typed in tab two.",
    }
    conflict = post_item(two, ITEM, mine, page=page_two)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Saved first." in html  # theirs, shown
    assert "Differences in the narrative in the other language" in html
    fields = Forms(html).form(save_url(ITEM))
    p = prefix(ITEM)
    assert fields[f"{p}-narrative_translation"] == ["Typed in tab two."]  # mine, kept
    assert fields[f"{p}-narrative_language"] == ["zh-CN"]
    assert stored(app, accounts.ids["company_a"]).narrative_translation == "Saved first."

    as_json = post_item(two, ITEM, mine, page=page_two, json=True)
    assert as_json.status_code == 409
    assert as_json.get_json()["theirs"]["narrative_translation"] == "Saved first."

    kept = post_item(two, ITEM, mine, page=html)  # "keep mine"
    assert kept.status_code == 302
    assert stored(app, accounts.ids["company_a"]).narrative_translation == "Typed in tab two."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"narrative_language": "fr"}, "Choose English or Chinese"),
        ({"narrative_translation": "x" * 20_001}, "The narrative in the other language is longer"),
    ],
)
def test_a_bad_language_or_a_long_second_narrative_is_refused_and_kept(
    app, officer_a, accounts, fields, message
):
    before = stored(app, accounts.ids["company_a"])
    response = post_item(officer_a, ITEM, {"status": "met", "narrative": ZH_TEXT, **fields})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    after = stored(app, accounts.ids["company_a"])
    assert (after.version, after.narrative_translation) == (
        before.version,
        before.narrative_translation,
    )


def test_a_hostile_second_narrative_is_escaped_everywhere(app, officer_a, accounts, filing_world):
    saved = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": HOSTILE},
        json=True,
    )
    assert saved.status_code == 200
    preview = saved.get_json()["translation_preview"]
    assert "<script" not in preview and "onerror" not in preview
    assert "<strong>bold</strong>" in preview
    pages = [
        officer_a.get(commitment_url(ITEM)).get_data(as_text=True),
        officer_a.get(f"{save_url(ITEM)}/history").get_data(as_text=True),
    ]
    publish_as_is(app, filing_world["disclosure_a"])
    reader = english(app.test_client())
    pages.append(reader.get("/companies/company-a").get_data(as_text=True))
    for html in pages:
        assert '<script>alert("x")' not in html
        assert "<img src=x onerror" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", ""
        )


def test_another_companys_officer_cannot_write_it(app, accounts, filing_world):
    before = stored(app, accounts.ids["company_a"])
    officer_b = app.test_client()
    assert sign_in(officer_b, accounts.email("officer_b")).status_code == 302
    # Officer B posts the same item of the same cycle: it is company B's answer that changes.
    response = post_item(
        officer_b,
        ITEM,
        {"status": "met", "narrative": "B's words.", "narrative_translation": "B 的版本。"},
        json=True,
    )
    assert response.status_code == 200
    after = stored(app, accounts.ids["company_a"])
    assert (after.version, after.narrative_translation) == (before.version, None)
    assert stored(app, accounts.ids["company_b"]).narrative_translation == "B 的版本。"
    # Nor can an anonymous visitor.
    anonymous = app.test_client().post(save_url(ITEM), data={})
    assert anonymous.status_code in (302, 400, 401, 403)
    assert stored(app, accounts.ids["company_a"]).version == before.version


# --- publication --------------------------------------------------------------------------------


def publish_bilingual(app, officer_a, filing_world) -> None:
    response = post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": EN_TEXT},
        json=True,
    )
    assert response.status_code == 200
    publish_as_is(app, filing_world["disclosure_a"])


def test_the_snapshot_holds_the_language_and_the_second_narrative(
    app, officer_a, filing_world, runner
):
    publish_bilingual(app, officer_a, filing_world)
    snapshot, sha256 = latest_snapshot(app)
    entry = next(e for e in snapshot["items"] if e["id"] == ITEM)
    assert entry["narrative"] == ZH_TEXT
    assert entry["narrative_language"] == "zh-CN"  # detected at publication, recorded
    assert entry["narrative_translation"] == EN_TEXT
    unanswered = next(e for e in snapshot["items"] if e["id"] != ITEM and not e["narrative"])
    assert unanswered["narrative_language"] is None
    assert unanswered["narrative_translation"] == ""
    assert sha256 == sha256_hex(snapshot)  # the canonical JSON hashed includes them
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def test_a_snapshot_published_before_the_fields_reads_and_verifies(
    app, officer_a, filing_world, runner, monkeypatch
):
    """Published as before migration 0022: the snapshot has neither key; pages detect the
    language, the API and CSV say it, and the ledger still verifies."""
    import tracker.ledger.services as ledger_services

    monkeypatch.setattr(ledger_services, "narrative_fields", lambda answer: {})
    post_item(officer_a, ITEM, {"status": "met", "narrative": ZH_TEXT}, json=True)
    publish_as_is(app, filing_world["disclosure_a"])
    monkeypatch.undo()
    snapshot, sha256 = latest_snapshot(app)
    entry = next(e for e in snapshot["items"] if e["id"] == ITEM)
    assert "narrative_language" not in entry and "narrative_translation" not in entry
    assert sha256 == sha256_hex(snapshot)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output

    page = english(app.test_client()).get("/companies/company-a").get_data(as_text=True)
    assert '<div class="narrative" lang="zh-CN">' in page
    assert "Written by the company in Chinese; no English version was provided." in page
    api = app.test_client().get("/api/v1/disclosures/company-a/test-cycle/1")
    assert api.status_code == 200
    item = next(i for i in api.get_json()["items"] if i["id"] == ITEM)
    assert item["narrative_language"] == "zh-CN"
    assert item["narrative_translation"] == ""


def test_the_company_page_shows_the_readers_language_and_the_original(app, officer_a, filing_world):
    publish_bilingual(app, officer_a, filing_world)
    page = english(app.test_client()).get("/companies/company-a").get_data(as_text=True)
    card = page[page.index(f'id="{ITEM}"') :]
    card = card[: card.index("</article>")]
    shown, original = card.index('lang="en"'), card.index('lang="zh-CN"')
    assert shown < original  # the English version first, the original behind it
    assert "The company's English version; its original is in Chinese." in unescape(card)
    assert "<summary>Original (Chinese)</summary>" in card
    assert "<strong>safety team</strong>" in card and "<strong>安全团队</strong>" in card

    page = chinese(app.test_client()).get("/companies/company-a").get_data(as_text=True)
    card = page[page.index(f'id="{ITEM}"') :]
    card = card[: card.index("</article>")]
    assert card.index('lang="zh-CN"') < card.index('lang="en"')  # the original first
    assert "企业提供的英文版本" in card  # the English version, behind it
    assert "未提供" not in card


def test_an_english_narrative_tells_a_chinese_reader_it_is_the_original(
    app, officer_a, filing_world
):
    post_item(officer_a, ITEM, {"status": "met", "narrative": EN_TEXT}, json=True)
    publish_as_is(app, filing_world["disclosure_a"])
    page = chinese(app.test_client()).get("/companies/company-a").get_data(as_text=True)
    assert '<div class="narrative" lang="en">' in page
    assert "本文由企业以英文撰写，未提供中文版本。" in page


def test_the_review_page_shows_both(app, officer_a, accounts, filing_world):
    post_item(
        officer_a,
        ITEM,
        {"status": "met", "narrative": ZH_TEXT, "narrative_translation": EN_TEXT},
        json=True,
    )
    staff = app.test_client()
    assert sign_in(staff, accounts.email("staff")).status_code == 302
    page = staff.get("/review/test-cycle/company-a").get_data(as_text=True)
    assert '<div class="narrative" lang="zh-CN">' in page
    assert '<div class="narrative" lang="en">' in page
    assert "The company's English version" in unescape(page)


def test_the_api_and_the_csv_carry_both(app, officer_a, filing_world):
    publish_bilingual(app, officer_a, filing_world)
    client = app.test_client()
    api = client.get("/api/v1/disclosures/company-a/test-cycle/1")
    assert api.status_code == 200, api.get_data(as_text=True)[:300]
    item = next(i for i in api.get_json()["items"] if i["id"] == ITEM)
    assert item["narrative"] == ZH_TEXT
    assert item["narrative_language"] == "zh-CN"
    assert item["narrative_translation"] == EN_TEXT
    download = client.get("/cycles/test-cycle/disclosures.csv")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r["item"] == ITEM)
    assert (row["narrative_language"], row["narrative_translation"]) == ("zh-CN", EN_TEXT)


# --- the PDFs -----------------------------------------------------------------------------------


def pdf_text(path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_info(path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    ("language", "shown", "note"),
    [
        ("en", "independent safety team", "its original is in Chinese"),
        ("zh", "我们设立了独立的安全团队", "企业另提供了英文版本"),
    ],
)
def test_each_pdf_shows_its_languages_text_and_names_the_original(
    app, officer_a, filing_world, tmp_path, language, shown, note
):
    publish_bilingual(app, officer_a, filing_world)
    response = app.test_client().get(f"/companies/company-a/report.pdf?lang={language}")
    assert response.status_code == 200
    path = tmp_path / f"report-{language}.pdf"
    path.write_bytes(response.data)
    response.close()
    text = re.sub(r"\s+", "", pdf_text(path))
    assert re.sub(r"\s+", "", shown) in text
    assert re.sub(r"\s+", "", note) in text
    other = "independentsafetyteam" if language == "zh" else "我们设立了独立的安全团队"
    assert other not in text  # one language's text in each PDF
    # The page with the narrative, as an image to look at (test-artifacts/).
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_info(path)).group(1))
    page = next(
        n
        for n in range(1, pages + 1)
        if re.sub(r"\s+", "", shown) in re.sub(r"\s+", "", pdf_text(path, n))
    )
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(ARTIFACTS / f"bilingual-report-{language}"),
        ],
        check=True,
    )
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "+Noto-Sans-CJK-SC " in fonts
    for line in fonts.splitlines()[2:]:
        assert " yes " in line  # every font embedded
