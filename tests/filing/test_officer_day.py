"""The officer's working day over HTTP (issue 15): which items staff asked to change and where
they are, whether each item is ready, the autosave conflict's versions, staff comments beside
the narrative, and files in the item's history."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.support.filing import answer_everything
from tests.support.http import post, sign_in
from tests.support.review import REVIEW

OVERVIEW = "/filing/test-cycle/"


def _return_with_comments(app, accounts, filing_world, items: list[str]):
    """Officer A submits; staff comment on ``items`` and request changes. (officer, staff)."""
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    for item_id in items:
        said = post(staff, f"{REVIEW}/comments", item_id=item_id, body=f"Say more on {item_id}.")
        assert said.status_code == 303
    decided = post(staff, f"{REVIEW}/decision", action="request_changes", reason="More detail.")
    assert decided.status_code == 303
    return officer, staff


def _to_fix_links(page: str) -> list[str]:
    block = re.search(r'<ul class="to-fix">(.*?)</ul>', page, re.S)
    assert block, "no list of the items to answer"
    return re.findall(r'<a href="([^"]+)">', block.group(1))


# --- 1. the items with comments to answer ------------------------------------------------------


def test_the_overview_lists_each_item_to_answer_with_a_link_in_checklist_order(
    app, accounts, filing_world
):
    officer, _staff = _return_with_comments(
        app, accounts, filing_world, ["c4.supply-chain", "c1.safety-team"]
    )
    page = officer.get(OVERVIEW).get_data(as_text=True)
    assert "2 items have comments to answer:" in page
    assert _to_fix_links(page) == [
        "/filing/test-cycle/c1#c1.safety-team",
        "/filing/test-cycle/c4#c4.supply-chain",
    ]
    # Each link lands on the item it names.
    c4 = officer.get("/filing/test-cycle/c4").get_data(as_text=True)
    assert 'id="c4.supply-chain" class="item card filing-item needs-change"' in c4


def test_commitments_holding_items_to_answer_are_marked_and_no_other(app, accounts, filing_world):
    officer, _staff = _return_with_comments(app, accounts, filing_world, ["c4.supply-chain"])
    overview = officer.get(OVERVIEW).get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>", overview, re.S)
    marked = [row for row in rows if "comments to answer" in row]
    assert len(marked) == 1 and ">C4 " in marked[0], rows
    # The dashboard's table too (the test cycle is the current one).
    dashboard = officer.get("/filing/").get_data(as_text=True)
    assert "progress-table" in dashboard
    assert dashboard.count("comments to answer") == 1
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    nav = re.search(r'<nav class="versions".*?</nav>', page, re.S).group(0)
    assert re.findall(r'<li class="has-comments"><a [^>]*>(C\d)', nav) == ["C4"], nav
    assert nav.count("comments to answer") == 2  # the link's title and its spoken mark


def test_nothing_is_listed_or_marked_before_changes_are_requested(app, accounts, filing_world):
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    said = post(staff, f"{REVIEW}/comments", item_id="c1.safety-team", body="Hmm.")
    assert said.status_code == 303
    page = officer.get(OVERVIEW).get_data(as_text=True)
    assert "comments to answer" not in page
    assert "comments to answer" not in officer.get("/filing/test-cycle/c1").get_data(as_text=True)


# --- 4. files in the item's history -------------------------------------------------------------


def _history(client, item_id: str) -> str:
    return client.get(f"/filing/test-cycle/items/{item_id}/history").get_data(as_text=True)


def _headings(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", h).strip()
        for h in re.findall(r'<ol class="revisions".*?</ol>', page, re.S)[0].split("<h2>")[1:]
    ]


def test_an_upload_and_a_removal_appear_in_the_items_history_newest_first(
    app, accounts, filing_world
):
    from tests.support.files import PNG
    from tests.support.filing import upload
    from tracker.db import db
    from tracker.filing.models import Attachment

    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    item_id = "c1.accountable-exec"  # no answer yet: a file is all its history holds
    assert "has not been answered yet" in _history(officer, item_id)
    assert upload(officer, item_id, "org-chart.png", PNG).status_code == 303
    page = _history(officer, item_id)
    assert "has not been answered yet" not in page
    [added] = _headings(page)
    assert added.startswith("File added · ") and added.split(" · ")[-1].startswith("Officer A")
    assert "<ins>org-chart.png</ins>" in page
    with app.app_context():
        attachment = db.session.scalar(sa.select(Attachment).filter_by(item_id=item_id))
        attachment_id, sha = attachment.id, attachment.sha256
    assert f'title="{sha}"' in page

    removed = post(officer, f"/filing/test-cycle/attachments/{attachment_id}/remove")
    assert removed.status_code == 303
    page = _history(officer, item_id)
    heads = _headings(page)
    assert [h.split(" · ")[0] for h in heads] == ["File removed", "File added"]
    assert heads[0].split(" · ")[-1].startswith("Officer A")
    assert "<del>org-chart.png</del>" in page
    # Removed, so no longer on the answer's page: the history is where it is still named.
    assert "org-chart.png" not in officer.get("/filing/test-cycle/c1").get_data(as_text=True)


def test_the_history_interleaves_files_with_saved_changes_by_time(app, accounts, filing_world):
    from tests.support.files import PNG
    from tests.support.filing import post_item, upload

    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    item_id = "c1.safety-team"  # answered, with a file the filing world attached
    assert post_item(officer, item_id, {"narrative": "A team of twelve."}).status_code == 302
    assert upload(officer, item_id, "team.png", PNG).status_code == 303
    assert post_item(officer, item_id, {"narrative": "A team of fourteen."}).status_code == 302
    kinds = [h.split(" · ")[0] for h in _headings(_history(officer, item_id))]
    # Newest first; the world's own file (added when the world was made) is the oldest entry.
    assert kinds[:3] == ["Version 3", "File added", "Version 2"], kinds
    assert kinds[-1] == "File added"


def test_another_companys_files_are_not_in_the_history(app, accounts, filing_world):
    officer_b = app.test_client()
    sign_in(officer_b, accounts.email("officer_b"))
    page = _history(officer_b, "c1.safety-team")
    assert "chart.png" not in page and "File added" not in page


# --- 2. whether each item is ready, as the server renders it -------------------------------------


def _readiness(page: str, item_id: str) -> str:
    card = page[page.index(f'<article id="{item_id}"') :]
    line = re.search(r'<p class="readiness ([\w-]+)" role="status" data-rule=\'([^\']*)\'', card)
    text = re.search(r'<p class="readiness[^>]*>([^<]*)</p>', card).group(1)
    return f"{line.group(1)}: {text}"


def test_each_item_says_whether_its_saved_answer_is_ready_and_the_commitment_counts_them(
    app, accounts, filing_world
):
    from tests.support.filing import post_item

    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    assert _readiness(page, "c1.safety-team") == "is-ready: Ready to submit"  # met, narrated
    assert _readiness(page, "c1.accountable-exec") == (
        "not-ready: Not ready to submit: no status chosen yet"
    )
    required = page.count('"required": true')
    assert required >= 2
    assert f"1 of {required} required items ready to submit" in page

    assert (
        post_item(officer, "c1.lifecycle-risk-process", {"status": "not_applicable"}).status_code
        == 302
    )
    assert (
        post_item(officer, "c1.accountable-exec", {"status": "met", "narrative": " "}).status_code
        == 302
    )
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    assert _readiness(page, "c1.lifecycle-risk-process") == (
        "not-ready: Not ready to submit: “not applicable” needs a reason"
    )
    assert _readiness(page, "c1.accountable-exec") == (
        "not-ready: Not ready to submit: describe what is in place in the narrative"
    )
    assert f"1 of {required} required items ready to submit" in page
    reason = {"status": "not_applicable", "not_applicable_reason": "We train no models."}
    assert post_item(officer, "c1.lifecycle-risk-process", reason).status_code == 302
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    assert _readiness(page, "c1.lifecycle-risk-process") == "is-ready: Ready to submit"
    assert f"2 of {required} required items ready to submit" in page


def test_an_optional_item_left_unanswered_says_it_may_stay_so(app, accounts, filing_world):
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    page = officer.get("/filing/test-cycle/c4").get_data(as_text=True)
    assert _readiness(page, "c4.certifications") == "is-ready: Optional: it may stay unanswered"
    # Only required items count.
    assert "0 of 4 required items ready to submit" in page


# --- 3. the autosave's conflict shows both versions and the difference ---------------------------


def test_the_json_conflict_carries_the_saved_version_and_the_word_difference(
    app, accounts, filing_world
):
    from tests.support.filing import commitment_url, post_item

    item_id = "c1.safety-team"  # met, "We have a team." in the filing world
    one, two = app.test_client(), app.test_client()
    sign_in(one, accounts.email("officer_a"))
    sign_in(two, accounts.email("officer_a"))
    page_two = two.get(commitment_url(item_id)).get_data(as_text=True)
    theirs = {"status": "met", "narrative": "We have a **safety** team <script>x()</script>."}
    assert post_item(one, item_id, theirs, json=True).status_code == 200

    mine = {"status": "partially_met", "narrative": "We have a growing team."}
    conflict = post_item(two, item_id, mine, page=page_two, json=True)
    assert conflict.status_code == 409
    html = conflict.get_json()["versions_html"]
    # The saved version, rendered as the public would see it (the script tag sanitised away).
    assert '<h3 id="theirs-heading-c1.safety-team">The saved version</h3>' in html
    assert "<strong>safety</strong>" in html and "<script>" not in html
    # The differences word by word, from the saved text to the one typed, and the status.
    assert "<del>Met</del> → <ins>Partially met</ins>" in html
    assert "<ins>growing</ins>" in html and "<del>" in html
    assert "&lt;script&gt;" in html  # what the colleague typed, as text inside the diff
    # Nothing was written; the JSON is for the page's script: no link that leaves the form.
    assert "Keep the saved version" not in html


def test_the_page_without_javascript_still_shows_both_versions_with_its_link(
    app, accounts, filing_world
):
    from tests.support.filing import commitment_url, post_item

    item_id = "c1.safety-team"
    one, two = app.test_client(), app.test_client()
    sign_in(one, accounts.email("officer_a"))
    sign_in(two, accounts.email("officer_a"))
    page_two = two.get(commitment_url(item_id)).get_data(as_text=True)
    assert (
        post_item(one, item_id, {"status": "met", "narrative": "Saved words."}).status_code == 302
    )
    conflict = post_item(
        two, item_id, {"status": "met", "narrative": "Typed words."}, page=page_two
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert '<h2 id="theirs-heading-c1.safety-team">The saved version</h2>' in html
    assert "<del>Saved</del>" in html and "<ins>Typed</ins>" in html
    assert "Keep the saved version" in html
    assert "<del>Met</del>" not in html  # the same status on both sides: no status line


# --- 4. staff comments by the narrative ---------------------------------------------------------


def test_staff_comments_sit_right_after_the_narrative_inside_the_items_answer(
    app, accounts, filing_world
):
    officer, _staff = _return_with_comments(app, accounts, filing_world, ["c1.safety-team"])
    page = officer.get("/filing/test-cycle/c1").get_data(as_text=True)
    card = page[page.index('<article id="c1.safety-team"') :]
    card = card[: card.index("</article>")]
    form = card[card.index('<form method="post" action="/filing/test-cycle/items/') :]
    form = form[: form.index("</form>")]
    body = "Say more on c1.safety-team."
    # In the answer's form, after the narrative and its preview, before the next field.
    assert form.index('name="c1-safety-team-narrative"') < form.index(body)
    assert form.index(body) < form.index("narrative-language-field")
    assert '<div class="field has-comments">' in form
    assert card.count(body) == 1  # shown once: the thread below holds only the form to answer
    assert 'href="#comment-c1.safety-team">Answer a comment</a>' in card
    assert 'id="comment-c1.safety-team" name="body"' in card
    assert 'aria-label="Reply to these comments"' in card

    # An item without comments has no aside, and its thread keeps its name.
    other = page[page.index('<article id="c1.accountable-exec"') :]
    other = other[: other.index("</article>")]
    assert "answer-comments" not in other and "has-comments" not in other
    assert 'aria-label="Comments on this item"' in other
