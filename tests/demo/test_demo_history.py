"""The demo's disclosures got where they are the way the app takes them: each state's steps,
actors and times, staff comments and reasons, autosaved versions and a last change that is the
seeded one, read through the queries and pages officers and staff use."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.support.http import sign_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import (
    DEMO_CYCLE_SLUG,
    DEMO_EARLIER_CYCLE_SLUG,
    DEMO_PASSWORD,
    STATE_PLAN,
)
from tracker.domain.workflow import Action, DisclosureState
from tracker.filing.models import Disclosure, ResponseRevision
from tracker.review.services import (
    commented_items_since_submission,
    comments_by_item,
    queue,
    transitions_of,
)

EDIT, SUBMIT, ACCEPT, PUBLISH = Action.EDIT, Action.SUBMIT, Action.ACCEPT, Action.PUBLISH
RETURN = Action.REQUEST_CHANGES


def current(state: DisclosureState) -> list[Disclosure]:
    return db.session.scalars(
        sa.select(Disclosure)
        .join(Cycle)
        .where(Cycle.slug == DEMO_CYCLE_SLUG, Disclosure.state == state)
        .order_by(Disclosure.id)
    ).all()


def steps(disclosure: Disclosure) -> list[Action]:
    return [t.action for t in transitions_of(db.session, disclosure)]


def returned_slugs() -> list[str]:
    return [
        c.slug
        for c, state in zip(content.companies(), STATE_PLAN, strict=True)
        if state is DisclosureState.CHANGES_REQUESTED
    ]


def test_each_state_has_the_steps_that_lead_to_it(demo, app_ctx):
    assert [steps(d) for d in current(DisclosureState.DRAFT)] == [[EDIT]] * 2
    assert [steps(d) for d in current(DisclosureState.SUBMITTED)] == [[EDIT, SUBMIT]] * 2
    assert [steps(d) for d in current(DisclosureState.CHANGES_REQUESTED)] == [
        [EDIT, SUBMIT, RETURN]
    ] * 2
    assert [steps(d) for d in current(DisclosureState.NOT_STARTED)] == [[]]
    # Accepted ones were accepted (some after a round of changes answered and resubmitted).
    once, returned = [EDIT, SUBMIT, ACCEPT], [EDIT, SUBMIT, RETURN, SUBMIT, ACCEPT]
    accepted = [steps(d) for d in current(DisclosureState.ACCEPTED)]
    assert accepted and all(s in (once, returned) for s in accepted)
    published = [steps(d) for d in current(DisclosureState.PUBLISHED)]
    assert len(published) == 13
    # The corrected one was reopened by its officer, resubmitted, accepted and published again.
    correction = [*once, PUBLISH, Action.REOPEN, SUBMIT, ACCEPT, PUBLISH]
    correction_after_return = [*returned, PUBLISH, Action.REOPEN, SUBMIT, ACCEPT, PUBLISH]
    assert sum(s in (correction, correction_after_return) for s in published) == 1
    plain = [s for s in published if s not in (correction, correction_after_return)]
    assert all(s in ([*once, PUBLISH], [*returned, PUBLISH]) for s in plain)
    assert any(RETURN in s for s in plain)  # a published one went through changes requested
    # The earlier, closed cycle's ten publications have their history too.
    earlier = db.session.scalars(
        sa.select(Disclosure).join(Cycle).where(Cycle.slug == DEMO_EARLIER_CYCLE_SLUG)
    ).all()
    assert len(earlier) == 10
    assert all(steps(d) in ([*once, PUBLISH], [*returned, PUBLISH]) for d in earlier)


def test_steps_are_taken_by_the_right_people_in_order_and_in_the_past(demo, app_ctx):
    now = datetime.now(UTC)
    disclosures = db.session.scalars(sa.select(Disclosure)).all()
    for disclosure in disclosures:
        transitions = transitions_of(db.session, disclosure)
        times = [t.at for t in transitions]
        assert times == sorted(times), disclosure
        assert all(t < now - timedelta(hours=12) for t in times), disclosure
        for t in transitions:
            assert t.actor is not None
            if t.action in (EDIT, SUBMIT) or (t.action is Action.REOPEN):
                assert t.actor.role is Role.OFFICER
                assert t.actor.company_id == disclosure.company_id
            else:
                assert t.actor.role is Role.STAFF, t.action
            if t.action in (RETURN, ACCEPT, Action.REOPEN):
                assert t.reason and t.reason.strip()
        if disclosure.published_at is not None:
            accepted = max(t.at for t in transitions if t.action is ACCEPT)
            submitted = max(t.at for t in transitions if t.action is SUBMIT)
            assert submitted < accepted <= disclosure.published_at


def test_changes_requested_ones_hold_the_reason_and_staff_comments_to_answer(demo, app_ctx):
    returned = current(DisclosureState.CHANGES_REQUESTED)
    assert sorted(d.company.slug for d in returned) == sorted(returned_slugs())
    for disclosure in returned:
        decision = transitions_of(db.session, disclosure)[-1]
        assert decision.action is RETURN and decision.at > disclosure.submitted_at
        # What the officer's overview lists to fix: items staff commented on since submission.
        to_fix = commented_items_since_submission(db.session, disclosure)
        assert len(to_fix) == 2
        threads = comments_by_item(db.session, disclosure)
        for item_id in to_fix:
            (comment,) = threads[item_id]
            assert comment.author.role is Role.STAFF
            assert disclosure.submitted_at < comment.created_at < decision.at
            answered = next(r for r in disclosure.responses if r.item_id == item_id)
            assert answered.narrative  # the comment concerns an answer that says something


def test_answers_have_autosaved_versions_and_audit_events_at_seeded_times(demo, app_ctx):
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
    revisions = db.session.scalars(
        sa.select(ResponseRevision).join(ResponseRevision.response).join(Disclosure)
        .where(Disclosure.cycle_id == cycle.id)
    ).all()  # fmt: skip
    # An earlier, shorter draft saved first, without links, then the answer within three hours
    # (later second versions are a round of changes or the correction).
    first = {r.response_id: r for r in revisions if r.version == 1}
    drafted = [
        r
        for r in revisions
        if r.version == 2
        and r.changed_at - first[r.response_id].changed_at <= timedelta(hours=3)
        and r.before["narrative"] != r.after["narrative"]  # not the benchmark results saved
    ]
    assert len(drafted) > 20
    for revision in drafted:
        assert revision.before == first[revision.response_id].after
        assert len(revision.before["narrative"]) < len(revision.after["narrative"])
        assert revision.before["evidence_links"] == []
        assert revision.changed_by_id == first[revision.response_id].changed_by_id
    opened = datetime.combine(cycle.opens_on, datetime.min.time(), tzinfo=UTC)
    assert all(opened <= r.changed_at < datetime.now(UTC) - timedelta(hours=12) for r in revisions)
    saves = db.session.scalars(sa.select(AuditEvent).filter_by(action="answer.save")).all()
    assert len(saves) >= len(revisions)
    assert max(e.at for e in saves) < datetime.now(UTC) - timedelta(hours=12)


def test_the_queue_s_last_change_is_the_seeded_one(demo, app_ctx):
    cycle = db.session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
    rows, _ = queue(db.session, cycle, sort="updated")
    dated = [r.disclosure for r in rows if r.disclosure is not None]
    assert len(dated) == 22
    set_up = datetime.now(UTC) - timedelta(hours=12)
    for disclosure in dated:
        last = [t.at for t in transitions_of(db.session, disclosure)]
        last += [r.updated_at for r in disclosure.responses]
        assert disclosure.updated_at < set_up, disclosure
        if last:
            assert disclosure.updated_at == max(last)
    # Sorted by last change, newest first, the order is the seeded one, not creation order.
    stamps = [d.updated_at for d in dated]
    assert stamps == sorted(stamps, reverse=True)
    assert len(set(stamps)) > 10  # publications share days (at 09:00), the rest differ


def test_the_officer_and_staff_read_the_reason_and_the_comments(demo, app):
    from tracker.companies.models import Company

    slug = returned_slugs()[0]
    with app.app_context():
        company = db.session.scalar(sa.select(Company).filter_by(slug=slug))
        disclosure = db.session.scalar(sa.select(Disclosure).filter_by(company_id=company.id))
        reason = transitions_of(db.session, disclosure)[-1].reason
        bodies = [c.body for cs in comments_by_item(db.session, disclosure).values() for c in cs]
    officer = app.test_client()
    assert sign_in(officer, f"officer@{slug}.example", DEMO_PASSWORD).status_code in (302, 303)
    overview = officer.get(f"/filing/{DEMO_CYCLE_SLUG}/").get_data(as_text=True)
    assert reason in overview
    assert "2 items have comments to answer" in overview
    staff = app.test_client()
    assert sign_in(staff, "staff@alliance.example", DEMO_PASSWORD).status_code in (302, 303)
    page = staff.get(f"/review/{DEMO_CYCLE_SLUG}/{slug}").get_data(as_text=True)
    assert reason in page
    for body in bodies:
        assert body.replace("“", "&#8220;") in page or body in page
