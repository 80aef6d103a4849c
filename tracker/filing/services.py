"""Filing a disclosure: saving answers with optimistic locking and history, copying a previous
cycle's answers forward, and submitting.

Functions receive the session, the acting user and the time; they flush and record in the audit
trail, and the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import overload

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.companies.models import Company
from tracker.cycles.models import Cycle, CyclePhase
from tracker.db import Session
from tracker.domain.answers import (
    Answer,
    Limits,
    Link,
    Missing,
    Problem,
    ReadinessRule,
    answer_problems,
    completeness_problem,
    missing_for_submission,
    readiness_rule,
    reason_if_not_applicable,
)
from tracker.domain.benchmarks import Registry
from tracker.domain.checklist import Item
from tracker.domain.markdown import RenderOverrun
from tracker.domain.refusals import Refusal
from tracker.domain.results import (
    Result,
    ResultLimits,
    ResultProblem,
    result_from_dict,
    result_problems,
    result_to_dict,
)
from tracker.domain.workflow import EDITABLE, HANDED_IN, Action, DisclosureState, Side
from tracker.filing.models import Attachment, Disclosure, ItemResponse, ResponseRevision
from tracker.filing.storage import StoredFile
from tracker.filing.workflow import lock, move, refuse_if_already_moved, start_editing
from tracker.narratives.services import html_for


class FilingError(Refusal):
    """The family of what filing refuses (messages: tracker.filing.messages)."""


class NotEditable(FilingError):
    """The disclosure is submitted (or further), or its cycle is closed."""

    code = "filing.not_editable"
    status = 409


class CannotCopyForward(NotEditable):
    """Answers are copied only into an empty disclosure that is still open."""

    code = "filing.copy_forward_not_possible"


class EditConflict(FilingError):
    """Someone saved the answer since this editor loaded it; nothing was written.

    The caller rolls back and shows the stored answer next to the editor's own.
    """

    code = "filing.edit_conflict"
    status = 409

    def __init__(self, item_id: str):
        self.item_id = item_id
        super().__init__(f"the answer to {item_id} was changed by someone else")


class InvalidAnswer(FilingError):
    code = "filing.invalid_answer"
    status = 422

    def __init__(self, problems: list[tuple[str, Problem]], limits: Limits):
        self.problems, self.limits = problems, limits
        super().__init__(", ".join(f"{f}: {p}" for f, p in problems))


class NarrativeTooComplex(FilingError):
    """The narrative did not render within the time every narrative must render in; nothing
    was saved (what the officer typed stays in the form)."""

    code = "filing.narrative_too_complex"
    status = 422


class InvalidResults(FilingError):
    """Benchmark results that cannot be saved: (position in the list, field, problem) for
    each, positions from 0; nothing was written."""

    code = "filing.invalid_results"
    status = 422

    def __init__(
        self, problems: list[tuple[int, str, ResultProblem]], limits: ResultLimits
    ) -> None:
        self.problems, self.limits = problems, limits
        super().__init__(", ".join(f"{n}.{f}: {p}" for n, f, p in problems))


class ResultsNotTaken(FilingError):
    """The item takes no benchmark results (its checklist item lacks ``results``)."""

    code = "filing.results_not_taken"
    status = 404

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        super().__init__(f"{item_id} takes no benchmark results")


class Incomplete(FilingError):
    code = "filing.incomplete"
    status = 422

    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__(f"{len(missing)} items are not ready")


# --- reading ------------------------------------------------------------------------------------


def disclosure_for(session: Session, company: Company, cycle: Cycle) -> Disclosure:
    """The company's disclosure for a cycle, created (not started) on first visit."""
    disclosure = session.scalar(
        sa.select(Disclosure)
        .filter_by(company_id=company.id, cycle_id=cycle.id)
        .options(selectinload(Disclosure.responses))
    )
    if disclosure is None:
        # The cycle's row held, and its checklist version read again under it: an edit of the
        # cycle changing the version (which asks, under the same row, whether disclosures
        # exist) either came first and is seen here, or waits and then finds this one.
        session.execute(
            sa.update(Cycle)
            .where(Cycle.id == cycle.id)
            .values(id=Cycle.id)  # the key to itself: no change, and none for the page cache
            .execution_options(synchronize_session=False)
        )
        session.refresh(cycle, ["checklist_version_id", "checklist_version"])
        disclosure = Disclosure(
            company=company,
            cycle=cycle,
            checklist_version=cycle.checklist_version,
            state=DisclosureState.NOT_STARTED,
        )
        try:
            with session.begin_nested():  # a colleague's first visit may create it too
                session.add(disclosure)
        except IntegrityError:
            return disclosure_for(session, company, cycle)
    return disclosure


@overload
def answer_of(response: ItemResponse) -> Answer: ...
@overload
def answer_of(response: None) -> None: ...
def answer_of(response: ItemResponse | None) -> Answer | None:
    if response is None:
        return None
    return Answer(
        status=response.status,
        not_applicable_reason=response.not_applicable_reason or "",
        narrative=response.narrative or "",
        confidential_note=response.confidential_note or "",
        narrative_language=response.narrative_language or "",
        narrative_translation=response.narrative_translation or "",
        links=[
            Link(url=link.get("url", ""), title=link.get("title", ""))
            for link in response.evidence_links or []
        ],
        structured=response.structured or {},
    )


def answers_of(disclosure: Disclosure) -> dict[str, Answer]:
    return {r.item_id: answer_of(r) for r in disclosure.responses}


@dataclass(frozen=True)
class Readiness:
    """An item as its commitment page shows it: the rule its answer must meet to be submitted
    and what the saved answer still lacks (None: ready)."""

    rule: ReadinessRule
    problem: Problem | None


def readiness_of(items: Iterable[Item], responses: dict[str, ItemResponse]) -> dict[str, Readiness]:
    """Item id -> its Readiness, of the saved answers (the page's script then follows what the
    officer types with the same rule)."""
    return {
        item.id: Readiness(
            readiness_rule(item), completeness_problem(item, answer_of(responses.get(item.id)))
        )
        for item in items
    }


def snapshot(response: ItemResponse) -> dict:
    """An answer as plain JSON, for the history."""
    return {
        "status": response.status.value if response.status else None,
        "not_applicable_reason": response.not_applicable_reason or "",
        "narrative": response.narrative or "",
        "narrative_language": response.narrative_language or "",
        "narrative_translation": response.narrative_translation or "",
        "confidential_note": response.confidential_note or "",
        "evidence_links": list(response.evidence_links or []),
        "structured": dict(response.structured or {}),
        # Staff-only like the confidential note: the history keeps each result whole.
        "results": list(response.benchmark_results or []),
    }


def cycle_is_open(cycle: Cycle, today: date) -> bool:
    """Filing is possible once an administrator opened the cycle, until they close it or its
    closing date passes."""
    return cycle.phase is CyclePhase.OPEN and (cycle.closes_on is None or today <= cycle.closes_on)


def can_edit(disclosure: Disclosure, today: date) -> bool:
    """Officers may change answers: the state allows it (not handed in, or returned to them),
    and the cycle is open.

    A correction of a published disclosure may come after the cycle closed: it goes through
    review again, so it stays editable whatever the dates.
    """
    return disclosure.state in EDITABLE and (
        disclosure.published_at is not None or cycle_is_open(disclosure.cycle, today)
    )


def ensure_editable(disclosure: Disclosure, today: date) -> None:
    """NotEditable unless the officers may change the answers now."""
    if not can_edit(disclosure, today):
        raise NotEditable()


# --- saving -------------------------------------------------------------------------------------


def ensure_renders(session: Session, narrative: str) -> None:
    """NarrativeTooComplex unless the narrative renders within the hard budget, so that
    every saved narrative can be shown (tracker.domain.markdown); its HTML is stored."""
    try:
        html_for(session, [narrative], refuse_overrun=True)
    except RenderOverrun as exc:
        raise NarrativeTooComplex(str(exc)) from exc


def save_answer(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    item: Item,
    answer: Answer,
    expected_version: int | None,
    limits: Limits,
    now: datetime,
) -> ItemResponse:
    """Save one item's answer as a draft.

    ``expected_version`` is the version the editor loaded (None: the item had no answer). If the
    stored answer moved on since, EditConflict is raised and nothing is written. Saving the same
    answer again changes nothing and adds no history.
    """
    ensure_editable(disclosure, now.date())
    problems = answer_problems(item, answer, limits)
    if problems:
        raise InvalidAnswer(problems, limits)
    ensure_renders(session, answer.narrative)
    ensure_renders(session, answer.narrative_translation)
    response = next((r for r in disclosure.responses if r.item_id == item.id), None)
    current_version = response.version if response is not None else None
    if current_version != expected_version:
        raise EditConflict(item.id)
    # Written under the disclosure's lock, and only if a colleague did not submit meanwhile.
    lock(session, disclosure)
    ensure_editable(disclosure, now.date())
    values = {
        "status": answer.status,
        # Kept only for a "not applicable" answer: a reason left from an earlier status would
        # otherwise reach the open data although no page shows it.
        "not_applicable_reason": reason_if_not_applicable(
            answer.status, answer.not_applicable_reason.strip()
        )
        or None,
        "narrative": answer.narrative if answer.narrative.strip() else None,
        "narrative_language": answer.narrative_language or None,
        "narrative_translation": answer.narrative_translation
        if answer.narrative_translation.strip()
        else None,
        "confidential_note": answer.confidential_note if answer.confidential_note.strip() else None,
        "evidence_links": [asdict(link) for link in answer.links],
        "structured": {
            k: v for k, v in answer.structured.items() if v.get("selected") or v.get("other")
        },
    }
    if response is None:
        response = ItemResponse(disclosure=disclosure, item_id=item.id)
        session.add(response)
        before: dict = {}
    else:
        before = snapshot(response)
        unchanged = all(getattr(response, k) == v for k, v in values.items())
        if unchanged and not response.carried_over:
            return response
    for key, value in values.items():
        setattr(response, key, value)
    response.carried_over = False  # saved by an officer: confirmed or changed
    response.updated_by = actor
    response.updated_at = now
    disclosure.updated_at = now
    try:
        # The UPDATE names the version read above: if a concurrent save got there first it
        # matches no row and SQLAlchemy raises StaleDataError instead of overwriting. Two first
        # answers racing meet the unique (disclosure, item) constraint instead.
        session.flush()
    except (StaleDataError, IntegrityError):
        raise EditConflict(item.id) from None
    start_editing(session, actor, disclosure, now)
    after = snapshot(response)
    session.add(
        ResponseRevision(
            response=response,
            version=response.version,
            changed_at=now,
            changed_by=actor,
            before=before,
            after=after,
        )
    )
    record(
        session,
        actor,
        "answer.save",
        "disclosure",
        disclosure.id,
        {
            "item": item.id,
            "version": response.version,
            **{
                field: [before.get(field), value]
                for field, value in after.items()
                if before.get(field) != value
            },
        },
    )
    session.flush()
    return response


# Passed as ``expected_version`` by a caller that replaces the results whatever was saved
# since it read them (an import reads and writes in one request).
ANY_VERSION = "any"
RESULT_LIMITS = ResultLimits()


def results_of(response: ItemResponse | None) -> list[Result]:
    """An answer's benchmark results as Results, in the officer's order."""
    if response is None:
        return []
    return [result_from_dict(data) for data in response.benchmark_results or []]


def check_results(
    results: list[Result], registry: Registry, today: date, limits: ResultLimits
) -> list[tuple[int, str, ResultProblem]]:
    """What stops a list of results from being saved: (position, field, problem), positions
    from 0; a list longer than the limit is one problem at the first result beyond it."""
    found: list[tuple[int, str, ResultProblem]] = []
    if len(results) > limits.per_item:
        found.append((limits.per_item, "", ResultProblem.TOO_MANY))
    for n, result in enumerate(results[: limits.per_item]):
        found += [
            (n, name, problem) for name, problem in result_problems(result, registry, today, limits)
        ]
    return found


def save_results(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    item_id: str,
    results: list[Result],
    *,
    registry: Registry,
    now: datetime,
    expected_version: int | str | None = ANY_VERSION,
    limits: ResultLimits = RESULT_LIMITS,
) -> ItemResponse:
    """Replace an item's benchmark results with ``results``, all or nothing.

    Every result is checked against the registry first (InvalidResults names each problem by
    position and field); the item must take results (ResultsNotTaken) and the disclosure be
    editable (NotEditable). ``expected_version`` is the answer's version the editor loaded
    (None: no answer yet), as for save_answer: EditConflict if it moved on since; ANY_VERSION
    skips that check. An item without an answer gets one (no status yet). The same results
    again change nothing; otherwise the answer's version moves on, with a revision and an
    audit event. The answer's status and texts are left as they are (a carried-over answer
    stays to be confirmed).
    """
    ensure_editable(disclosure, now.date())
    try:
        item = disclosure.checklist_version.checklist.item(item_id)
    except KeyError:
        raise ResultsNotTaken(item_id) from None
    if not item.results:
        raise ResultsNotTaken(item_id)
    problems = check_results(results, registry, now.date(), limits)
    if problems:
        raise InvalidResults(problems, limits)
    response = next((r for r in disclosure.responses if r.item_id == item.id), None)
    current_version = response.version if response is not None else None
    if expected_version != ANY_VERSION and current_version != expected_version:
        raise EditConflict(item.id)
    lock(session, disclosure)
    ensure_editable(disclosure, now.date())
    stored = [result_to_dict(result, public=False) for result in results]
    if response is None:
        response = ItemResponse(
            disclosure=disclosure, item_id=item.id, evidence_links=[], structured={}
        )
        session.add(response)
        before: dict = {}
    else:
        before = snapshot(response)
        if list(response.benchmark_results or []) == stored:
            return response
    response.benchmark_results = stored
    response.updated_by = actor
    response.updated_at = now
    disclosure.updated_at = now
    try:
        session.flush()  # names the version read: a concurrent save makes it match no row
    except (StaleDataError, IntegrityError):
        raise EditConflict(item.id) from None
    start_editing(session, actor, disclosure, now)
    session.add(
        ResponseRevision(
            response=response,
            version=response.version,
            changed_at=now,
            changed_by=actor,
            before=before,
            after=snapshot(response),
        )
    )
    record(
        session,
        actor,
        "answer.results",
        "disclosure",
        disclosure.id,
        {
            "item": item.id,
            "version": response.version,
            "results": [len(before.get("results", [])), len(stored)],
        },
    )
    session.flush()
    return response


# --- submitting ---------------------------------------------------------------------------------


def submit(session: Session, actor: User, disclosure: Disclosure, now: datetime) -> None:
    """Hand the disclosure to the alliance; refused with the exact list of what is missing,
    or as already submitted when a colleague did it first."""
    # Under the row lock, and with the answers read again: a save committed a moment ago is
    # checked, and a save arriving now waits, then finds the disclosure handed in.
    lock(session, disclosure)
    for response in disclosure.responses:
        session.expire(response)
    session.expire(disclosure, ["responses"])
    refuse_if_already_moved(session, disclosure, Action.SUBMIT, Side.OFFICER)
    ensure_editable(disclosure, now.date())
    missing = missing_for_submission(disclosure.checklist_version.checklist, answers_of(disclosure))
    carried = [r.item_id for r in disclosure.responses if r.carried_over]
    if missing or carried:
        checklist = disclosure.checklist_version.checklist
        missing += [
            Missing(checklist.item(i), Problem.UNANSWERED)
            for i in carried
            if i not in {m.item.id for m in missing}
        ]
        order = {item.id: n for n, item in enumerate(checklist.items)}
        raise Incomplete(sorted(missing, key=lambda m: order[m.item.id]))
    move(
        session,
        actor,
        disclosure,
        Action.SUBMIT,
        Side.OFFICER,
        now,
        details={"cycle": disclosure.cycle.slug},
    )
    disclosure.submitted_at = now
    session.flush()


# --- starting from the previous cycle -----------------------------------------------------------


def previous_disclosure(session: Session, company_id: int, cycle: Cycle) -> Disclosure | None:
    """The company's disclosure in the latest cycle before ``cycle`` that it handed in."""
    return session.scalar(
        sa.select(Disclosure)
        .join(Disclosure.cycle)
        .where(
            Disclosure.company_id == company_id,
            Cycle.opens_on < cycle.opens_on,
            Disclosure.state.in_(HANDED_IN),
        )
        .order_by(Cycle.opens_on.desc())
        .limit(1)
    )


def copy_forward(
    session: Session, actor: User, disclosure: Disclosure, previous: Disclosure, now: datetime
) -> int:
    """Copy the previous cycle's answers into an empty disclosure, each marked as carried over.

    Items that the new checklist version no longer has are left behind; statuses the new item
    no longer allows are dropped (the officer answers again). Returns how many were copied.
    """
    if not can_edit(disclosure, now.date()) or disclosure.responses:
        raise CannotCopyForward()
    # Asked again under the disclosure's lock: a colleague copying (or answering) at the same
    # moment has committed by now, and this copy is refused instead of meeting theirs.
    lock(session, disclosure)
    answered = session.scalar(
        sa.select(sa.exists().where(ItemResponse.disclosure_id == disclosure.id))
    )
    if answered or not can_edit(disclosure, now.date()):
        raise CannotCopyForward()
    checklist = disclosure.checklist_version.checklist
    known = {item.id: item for item in checklist.items}
    copied = 0
    for old in previous.responses:
        item = known.get(old.item_id)
        if item is None:
            continue
        status = old.status if old.status in item.statuses else None
        response = ItemResponse(
            disclosure=disclosure,
            item_id=old.item_id,
            status=status,
            not_applicable_reason=reason_if_not_applicable(status, old.not_applicable_reason)
            or None,
            narrative=old.narrative,
            narrative_language=old.narrative_language,
            narrative_translation=old.narrative_translation,
            confidential_note=old.confidential_note,
            evidence_links=list(old.evidence_links or []),
            structured=dict(old.structured or {}),
            # Results travel only to an item that still takes them.
            benchmark_results=list(old.benchmark_results or []) if item.results else [],
            carried_over=True,
            updated_by=actor,
            updated_at=now,
        )
        session.add(response)
        session.flush()
        session.add(
            ResponseRevision(
                response=response,
                version=response.version,
                changed_at=now,
                changed_by=actor,
                before={},
                after=snapshot(response) | {"carried_over_from": previous.cycle.slug},
            )
        )
        copied += 1
    start_editing(session, actor, disclosure, now)
    record(
        session,
        actor,
        "disclosure.copy_forward",
        "disclosure",
        disclosure.id,
        {"from_cycle": previous.cycle.slug, "items": copied},
    )
    session.flush()
    return copied


def attachments_of(session: Session, disclosure: Disclosure) -> dict[str, list[Attachment]]:
    """Item id -> the attachments still listed, oldest first (one query)."""
    rows = session.scalars(
        sa.select(Attachment)
        .where(Attachment.disclosure_id == disclosure.id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    )
    result: dict[str, list[Attachment]] = {}
    for attachment in rows:
        result.setdefault(attachment.item_id, []).append(attachment)
    return result


@dataclass(frozen=True)
class FileEvent:
    """A file added to an item's answer or taken off it, as the item's history shows it."""

    at: datetime
    by: User | None
    attachment: Attachment
    removed: bool


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an item's history: a saved change of the answer (``revision``) or a file
    added or removed (``file``)."""

    at: datetime
    revision: ResponseRevision | None = None
    file: FileEvent | None = None


def file_events(session: Session, disclosure: Disclosure, item_id: str) -> list[FileEvent]:
    """Every upload to the item and every removal from it, oldest first (one query): the
    attachment rows keep both times, removed files included."""
    events = []
    for attachment in session.scalars(
        sa.select(Attachment)
        .where(Attachment.disclosure_id == disclosure.id, Attachment.item_id == item_id)
        .options(selectinload(Attachment.uploaded_by), selectinload(Attachment.removed_by))
        .order_by(Attachment.id)
    ):
        events.append(FileEvent(attachment.uploaded_at, attachment.uploaded_by, attachment, False))
        if attachment.removed_at is not None:
            events.append(FileEvent(attachment.removed_at, attachment.removed_by, attachment, True))
    return sorted(events, key=lambda e: e.at)


def item_history(revisions: list[ResponseRevision], files: list[FileEvent]) -> list[HistoryEntry]:
    """The answer's revisions (newest first, as the answer lists them) and the file events
    (oldest first, as file_events gives them) in one list, newest first; at the same moment
    the revision above the file."""
    entries = [HistoryEntry(r.changed_at, revision=r) for r in revisions] + [
        HistoryEntry(f.at, file=f) for f in reversed(files)
    ]
    # A stable sort: entries of the same moment keep the order they came in.
    return sorted(entries, key=lambda e: (e.at, e.file is None), reverse=True)


# --- attachments --------------------------------------------------------------------------------


class AttachmentLimit(FilingError):
    """Too many files on one item (``which`` "per_item", ``limit`` files), or too many bytes on
    the whole disclosure ("total", ``limit`` bytes)."""

    codes = ("filing.attachment_limit_per_item", "filing.attachment_limit_total")
    status = 422

    def __init__(self, which: str, limit: int):
        self.which, self.limit = which, limit
        super().__init__(which, code=f"filing.attachment_limit_{which}")


def check_room_on_item(
    session: Session, disclosure: Disclosure, item: Item, max_per_item: int
) -> None:
    """AttachmentLimit("per_item") when the item already lists the most files allowed."""
    on_item = session.scalars(
        sa.select(sa.func.count())
        .select_from(Attachment)
        .where(
            Attachment.disclosure_id == disclosure.id,
            Attachment.item_id == item.id,
            Attachment.removed_at.is_(None),
        )
    ).one()
    if on_item >= max_per_item:
        raise AttachmentLimit("per_item", max_per_item)


def file_in_use(session: Session, sha256: str) -> bool:
    """Whether any attachment row (listed or removed) refers to these bytes."""
    return (
        session.scalars(
            sa.select(sa.func.count()).select_from(Attachment).where(Attachment.sha256 == sha256)
        ).one()
        > 0
    )


def add_attachment(
    session: Session,
    actor: User,
    disclosure: Disclosure,
    item: Item,
    stored: StoredFile,
    max_per_item: int,
    max_total: int,
    now: datetime,
) -> Attachment:
    """List a stored file under an item, within the per-item and per-disclosure limits."""
    ensure_editable(disclosure, now.date())
    # Counted under the disclosure's lock: parallel uploads count one after the other, so
    # neither limit can be passed by requests that each saw room for one more.
    lock(session, disclosure)
    ensure_editable(disclosure, now.date())  # a colleague may have submitted meanwhile
    check_room_on_item(session, disclosure, item, max_per_item)
    total = session.scalars(
        sa.select(sa.func.coalesce(sa.func.sum(Attachment.size), 0)).where(
            Attachment.disclosure_id == disclosure.id, Attachment.removed_at.is_(None)
        )
    ).one()
    if total + stored.size > max_total:
        raise AttachmentLimit("total", max_total)
    attachment = Attachment(
        disclosure=disclosure,
        item_id=item.id,
        filename=stored.filename,
        file_type=stored.file_type,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now,
        uploaded_by=actor,
    )
    session.add(attachment)
    session.flush()
    start_editing(session, actor, disclosure, now)
    record(
        session,
        actor,
        "attachment.add",
        "disclosure",
        disclosure.id,
        {"item": item.id, "file": stored.filename, "sha256": stored.sha256, "size": stored.size},
    )
    return attachment


def remove_attachment(session: Session, actor: User, attachment: Attachment, now: datetime) -> None:
    """Take a file off the list; the row and the bytes stay for the history."""
    ensure_editable(attachment.disclosure, now.date())
    attachment.removed_at = now
    attachment.removed_by_id = actor.id
    record(
        session,
        actor,
        "attachment.remove",
        "disclosure",
        attachment.disclosure_id,
        {"item": attachment.item_id, "file": attachment.filename, "sha256": attachment.sha256},
    )
    session.flush()
