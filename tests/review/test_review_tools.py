"""The review page's tools: a jump list, what the company changed since staff asked for changes
(word by word), a filter of the items shown, and a decision form after the answers that
preselects nothing."""

import re
from datetime import timedelta

from tests.support.filing import answer_everything, state_of
from tests.support.http import post, sign_in
from tests.support.review import REVIEW
from tracker.auth.models import User
from tracker.db import db, utcnow
from tracker.domain.answers import Answer, Limits
from tracker.domain.resubmission import changes_since, field_changes
from tracker.domain.statuses import Status
from tracker.domain.workflow import DisclosureState
from tracker.filing import services as filing
from tracker.filing.models import Disclosure

SAFETY_TEAM = "c1.safety-team"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def articles(html: str) -> list[str]:
    """The item ids of the answers the page shows, in order."""
    return re.findall(r'<article id="([^"]+)" class="item card', html)


def save(app, accounts, item_id: str, **answer) -> None:
    """Officer A saves an answer, as the filing page would."""
    with app.app_context():
        disclosure = db.session.scalars(
            db.select(Disclosure).filter_by(company_id=accounts.ids["company_a"])
        ).one()
        item = disclosure.checklist_version.checklist.item(item_id)
        current = next((r for r in disclosure.responses if r.item_id == item_id), None)
        filing.save_answer(
            db.session,
            db.session.get(User, accounts.ids["officer_a"]),
            disclosure,
            item,
            Answer(**answer),
            current.version if current else None,
            Limits(),
            utcnow() + timedelta(seconds=1),
        )
        db.session.commit()


def returned_with_changes(app, accounts, filing_world):
    """Submitted, commented on c1.safety-team, changes requested: (officer, staff) clients."""
    officer, staff = app.test_client(), app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    sign_in(staff, accounts.email("staff"))
    answer_everything(app, filing_world["disclosure_a"])
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    post(staff, f"{REVIEW}/comments", item_id=SAFETY_TEAM, body="How many people?")
    response = post(staff, f"{REVIEW}/decision", action="request_changes", reason="More detail.")
    assert response.status_code == 303
    return officer, staff


# --- the decision form --------------------------------------------------------------------------


def test_the_decision_form_comes_after_the_answers_and_preselects_nothing(
    client, app, accounts, filing_world
):
    answer_everything(app, filing_world["disclosure_a"])
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    assert post(officer, "/filing/test-cycle/submit").status_code == 303
    sign_in(client, accounts.email("staff"))
    html = client.get(REVIEW).get_data(as_text=True)
    last_answer = html.rindex('<article id="')
    assert html.index('id="decision-heading"') > last_answer
    radios = re.findall(r'<input type="radio" name="action"[^>]*>', html)
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)


def test_a_decision_sent_without_a_choice_is_refused_and_keeps_the_reason(
    client, app, accounts, filing_world
):
    answer_everything(app, filing_world["disclosure_a"])
    officer = app.test_client()
    sign_in(officer, accounts.email("officer_a"))
    post(officer, "/filing/test-cycle/submit")
    sign_in(client, accounts.email("staff"))
    for form in ({"reason": "Typed with care."}, {"action": "bogus", "reason": "Typed with care."}):
        refused = post(client, f"{REVIEW}/decision", **form)
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert "Choose a decision: request changes or accept." in html
        assert "Typed with care.</textarea>" in html
        assert 'aria-describedby="decision-choice-error"' in html
    assert state_of(app, filing_world["disclosure_a"]) is DisclosureState.SUBMITTED
    # The choice made is kept when the reason is what is missing.
    missing_reason = post(client, f"{REVIEW}/decision", action="accept", reason="")
    assert missing_reason.status_code == 422
    accept = re.search(r'<input[^>]*value="accept"[^>]*>', missing_reason.get_data(as_text=True))
    assert accept and "checked" in accept.group(0)


# --- the jump list and the filter ---------------------------------------------------------------


def test_the_jump_list_links_every_commitment_and_the_decision(client, app, accounts, filing_world):
    sign_in(client, accounts.email("staff"))
    html = client.get(REVIEW).get_data(as_text=True)
    nav = html[
        html.index('<nav class="card jump-list"') : html.index("</nav>", html.index("jump-list"))
    ]
    with app.app_context():
        checklist = db.session.get(Disclosure, filing_world["disclosure_a"]).checklist_version
        commitments = [c.id for c in checklist.checklist.commitments]
    assert re.findall(r'href="#(c\d+)"', nav) == commitments
    for commitment in commitments:
        assert f'<section id="{commitment}"' in html
    assert 'href="#decision-heading"' in nav


def test_what_changed_since_changes_were_requested_is_shown_word_by_word(
    app, accounts, filing_world
):
    _officer, staff = returned_with_changes(app, accounts, filing_world)
    before = staff.get(REVIEW).get_data(as_text=True)
    assert "What changed since" not in before  # nothing changed yet
    assert "Changes were requested on" in before

    save(app, accounts, SAFETY_TEAM, status=Status.MET, narrative="We have a team of twelve.")
    save(
        app,
        accounts,
        "c2.red-team-internal",
        status=Status.PARTIALLY_MET,
        narrative="Twice a year.",
    )
    # Changed and changed back: no change to review.
    with app.app_context():
        old = db.session.get(Disclosure, filing_world["disclosure_a"])
        third = next(
            r.item_id
            for r in old.responses
            if r.item_id not in (SAFETY_TEAM, "c2.red-team-internal") and r.status
        )
        status = next(r.status for r in old.responses if r.item_id == third)
    save(app, accounts, third, status=Status.MET)
    save(app, accounts, third, status=status)

    html = staff.get(REVIEW).get_data(as_text=True)
    item = html[html.index(f'<article id="{SAFETY_TEAM}"') :]
    item = item[: item.index("</article>")]
    assert "tag-changed" in item and "What changed since" in item
    assert "We have a team<ins> of twelve</ins>." in item
    red = html[html.index('<article id="c2.red-team-internal"') :]
    red = red[: red.index("</article>")]
    assert "<del>Not disclosed</del> → <ins>Partially met</ins>" in red
    assert "<ins>Twice a year.</ins>" in red
    unchanged = html[html.index(f'<article id="{third}"') :]
    assert "tag-changed" not in unchanged[: unchanged.index("</article>")]
    assert "Since then the company changed 2 items" in text(html)

    # Only the changed items; only the commented ones; anything else: every item.
    assert articles(staff.get(f"{REVIEW}?show=changed").get_data(as_text=True)) == [
        SAFETY_TEAM,
        "c2.red-team-internal",
    ]
    assert articles(staff.get(f"{REVIEW}?show=commented").get_data(as_text=True)) == [SAFETY_TEAM]
    every = articles(staff.get(f"{REVIEW}?show=bogus").get_data(as_text=True))
    assert every == articles(html) and len(every) > 3
    filtered = staff.get(f"{REVIEW}?show=commented").get_data(as_text=True)
    assert "No item of this commitment matches what is shown." in filtered
    assert re.search(r'value="commented"\s+checked', filtered)


def test_a_disclosure_never_handed_back_offers_no_changed_filter(
    client, app, accounts, filing_world
):
    sign_in(client, accounts.email("staff"))
    html = client.get(f"{REVIEW}?show=changed").get_data(as_text=True)
    assert 'value="changed"' not in html
    assert articles(html) == []  # nothing changed: the filter shows nothing, and says so
    assert "No item of this commitment matches what is shown." in html


def test_the_page_runs_as_many_queries_with_many_changes_as_with_one(
    app, accounts, filing_world, count_queries
):
    _officer, staff = returned_with_changes(app, accounts, filing_world)
    save(app, accounts, SAFETY_TEAM, status=Status.MET, narrative="One change.")
    staff.get(REVIEW)  # new narratives and differences are rendered and stored once
    with count_queries() as one:
        staff.get(REVIEW)
    with app.app_context():
        items = [
            r.item_id
            for r in db.session.get(Disclosure, filing_world["disclosure_a"]).responses
            if r.item_id != SAFETY_TEAM
        ]
    for item_id in items[:6]:
        save(app, accounts, item_id, status=Status.MET, narrative=f"Now met: {item_id}.")
    staff.get(REVIEW)
    staff.get(REVIEW)  # (a page works out and stores a few new differences at a time)
    with count_queries() as many:
        html = staff.get(REVIEW).get_data(as_text=True)
    assert html.count("tag-changed") == 7
    assert many.count == one.count, "\n".join(s[:150] for s in many.statements)


# --- the domain ---------------------------------------------------------------------------------


def test_field_changes_treat_absent_and_empty_alike_and_keep_the_fields_order():
    assert field_changes({}, {"narrative": "", "evidence_links": [], "status": None}) == ()
    changes = field_changes(
        {"status": "met", "narrative": "a"}, {"narrative": "b", "status": "partially_met"}
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("status", "met", "partially_met"),
        ("narrative", "a", "b"),
    ]
    assert changes[1].is_text and not changes[0].is_text


def test_changes_since_compares_the_first_before_with_the_last_after():
    found = changes_since(
        [
            ("a", {"narrative": "one"}, {"narrative": "two"}),
            ("b", {}, {"status": "met"}),
            ("a", {"narrative": "two"}, {"narrative": "three"}),
            ("c", {"narrative": "x"}, {"narrative": "y"}),
            ("c", {"narrative": "y"}, {"narrative": "x"}),  # back as it was
        ]
    )
    assert set(found) == {"a", "b"}
    assert [(f.before, f.after) for f in found["a"].fields] == [("one", "three")]
    assert found["b"].new and not found["a"].new
