"""Seeding the demo: idempotent, deterministic per company, dated relative to today."""

from __future__ import annotations

import copy
import dataclasses
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from tracker import clock
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.auth.services import hash_password
from tracker.benchmarks.registry import current_registry
from tracker.checklists.models import ChecklistVersion
from tracker.checklists.services import load_checklist
from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import Session
from tracker.demo import content
from tracker.demo.benchmark_results import BENCHMARK_RESULTS
from tracker.demomark import mark_demo
from tracker.domain.answers import Answer, Limits, Link
from tracker.domain.checklist import Checklist, Item, LoadedChecklist
from tracker.domain.languages import CODES, ZH
from tracker.domain.ledger import EntryKind, next_entry
from tracker.domain.results import result_from_dict
from tracker.domain.statuses import Status
from tracker.domain.workflow import Action, DisclosureState, Side
from tracker.filing.models import Disclosure, ItemResponse, ResponseRevision, Transition
from tracker.filing.services import answer_of, save_answer, save_results, snapshot, submit
from tracker.filing.workflow import start_editing
from tracker.ledger.keys import log_key
from tracker.ledger.models import LedgerEntry, Publication, PublicationScore, PublishedResult
from tracker.ledger.services import (
    iso_utc,
    ledger_head,
    names_of,
    publish,
    record_checkpoint,
    result_values,
    score_values,
    snapshot_content,
    summarise,
)
from tracker.reports.services import (
    render_cycle,
    render_published,
    stored_cycle_report,
    stored_report,
)
from tracker.review.services import add_comment, decide
from tracker.search import services as search
from tracker.storage.base import BlobStore

DEMO_CYCLE_SLUG = "2025-annual"
# The cycle before, closed, in which the first companies published: the year-over-year pages
# compare against it. Companies were a step less advanced then.
DEMO_EARLIER_CYCLE_SLUG = "2024-annual"
EARLIER_PUBLISHED = 10
EARLIER_PROFILE = {"leader": "solid", "solid": "mixed", "mixed": "early", "early": "early"}
# Every demo account signs in with this password; printed by `tracker demo`. Demo data only.
DEMO_PASSWORD = "tracker-demo-password"  # noqa: S105 - printed for the demo on purpose
DEMO_ADMIN = "admin@alliance.example"
DEMO_STAFF = "staff@alliance.example"
# The current cycle files against 2024.2 (2024.1 whose benchmark item takes results); the
# earlier cycle was filed against 2024.1, before results existed.
DEMO_CHECKLIST = ("aiia-ai-safety-commitments", "2024.2")
DEMO_EARLIER_CHECKLIST = ("aiia-ai-safety-commitments", "2024.1")
SOURCE_NOTE = "Demo data: a fictional company."

# Chance of each status by how far along a company is.
PROFILES: dict[str, dict[Status, float]] = {
    "leader": {
        Status.MET: 0.80,
        Status.PARTIALLY_MET: 0.15,
        Status.NOT_MET: 0.03,
        Status.NOT_APPLICABLE: 0.02,
    },
    "solid": {
        Status.MET: 0.60,
        Status.PARTIALLY_MET: 0.28,
        Status.NOT_MET: 0.07,
        Status.NOT_APPLICABLE: 0.03,
        Status.NOT_DISCLOSED: 0.02,
    },
    "mixed": {
        Status.MET: 0.38,
        Status.PARTIALLY_MET: 0.32,
        Status.NOT_MET: 0.15,
        Status.NOT_APPLICABLE: 0.05,
        Status.NOT_DISCLOSED: 0.10,
    },
    "early": {
        Status.MET: 0.18,
        Status.PARTIALLY_MET: 0.30,
        Status.NOT_MET: 0.27,
        Status.NOT_APPLICABLE: 0.05,
        Status.NOT_DISCLOSED: 0.20,
    },
}
BENCHMARKS_PICKED = {"leader": (6, 9), "solid": (4, 7), "mixed": (2, 5), "early": (1, 3)}
# Some benchmarks are far more popular than others; the overlap stays small all the same.
BENCHMARK_POPULARITY = {
    "caict-ai-safety-benchmark": 8,
    "safetybench": 6,
    "truthfulqa": 6,
    "helm-safety": 5,
    "cvalues": 5,
    "harmbench": 4,
    "flames": 4,
    "sc-safety": 3,
    "air-bench-2024": 3,
    "xstest": 3,
    "bbq": 2,
    "simpleqa": 2,
    "halueval": 2,
    "jailbreakbench": 2,
    "strongreject": 2,
    "wmdp": 1,
    "facts": 1,
    "simplesafetytests": 1,
}
OTHER_BENCHMARKS = [
    "内部越狱评测集 v2",
    "In-house agent misuse suite",
    "金融合规问答评测集",
    "Multilingual refusal set (internal)",
]

# The workflow state of each company's disclosure, in the order companies are listed in the data
# file: most are published so that the public pages fill up; every state appears.
STATE_PLAN = (
    [DisclosureState.PUBLISHED] * 13
    + [DisclosureState.ACCEPTED] * 2
    + [DisclosureState.SUBMITTED] * 2
    + [DisclosureState.CHANGES_REQUESTED] * 2
    + [DisclosureState.DRAFT] * 2
    + [DisclosureState.NOT_STARTED]
)


# A generated signatory's (tracker.demo.content.roster) state in the current cycle, by chance:
# about 60% published, every other state too.
GENERATED_STATES = {
    DisclosureState.PUBLISHED: 60,
    DisclosureState.ACCEPTED: 6,
    DisclosureState.SUBMITTED: 8,
    DisclosureState.CHANGES_REQUESTED: 6,
    DisclosureState.DRAFT: 12,
    DisclosureState.NOT_STARTED: 8,
}
# The share of generated signatories published now that also published in the earlier cycle.
GENERATED_EARLIER_SHARE = 0.4
DEMO_SIGNATORIES = len(STATE_PLAN)


def plan(signatories: int) -> list[tuple[content.DemoCompany, DisclosureState, bool]]:
    """Each signatory of a roster of ``signatories`` (at least the demo's own 22): its state in
    the current cycle, and whether it published in the earlier one."""
    result = []
    for index, company in enumerate(content.roster(signatories)):
        if index < DEMO_SIGNATORIES:
            result.append((company, STATE_PLAN[index], index < EARLIER_PUBLISHED))
            continue
        rng = random.Random(f"tracker-demo-plan:{company.slug}")  # noqa: S311 - demo data
        state = rng.choices(list(GENERATED_STATES), list(GENERATED_STATES.values()))[0]
        earlier = state is DisclosureState.PUBLISHED and rng.random() < GENERATED_EARLIER_SHARE
        result.append((company, state, earlier))
    return result


@dataclass
class DemoSummary:
    checklists_loaded: int = 0
    companies_created: int = 0
    users_created: int = 0
    disclosures_created: int = 0
    cycle_created: bool = False


def seed_demo(
    session: Session,
    checklists: list[LoadedChecklist],
    today: date,
    signatories: int = DEMO_SIGNATORIES,
) -> DemoSummary:
    """Create whatever part of the demo is missing; running it again changes nothing.

    ``signatories`` beyond the demo's own 22 adds generated fictional companies
    (tracker.demo.content.roster) with disclosures in every state, most of them published, to
    measure the site at scale; a later run with a larger number adds the missing ones.
    """
    # first: the PDFs rendered as the demo publishes must say the data is fictional
    mark_demo(session)
    summary = DemoSummary()
    roster = plan(signatories)
    versions: dict[tuple[str, str], ChecklistVersion] = {}
    for loaded in checklists:
        result = load_checklist(session, loaded)
        versions[loaded.checklist.key] = result.version
        summary.checklists_loaded += result.created

    companies = _ensure_companies(session, summary, [c for c, _, _ in roster])
    officers = _ensure_users(session, companies, summary)
    reviewer = session.scalars(sa.select(User).filter_by(email=DEMO_STAFF)).one()
    own, generated = roster[:DEMO_SIGNATORIES], roster[DEMO_SIGNATORIES:]
    earlier_cycle = _earlier_cycle(
        session,
        versions[DEMO_EARLIER_CHECKLIST],
        companies,
        officers,
        reviewer,
        today,
        [c for c, _, earlier in own if earlier],
        # What the companies publishing again this cycle will say: some 2024 narratives are
        # an earlier draft of it, so the company pages show text that grew between cycles.
        {
            c.slug: versions[DEMO_CHECKLIST].checklist
            for c, state, _ in own
            if state is DisclosureState.PUBLISHED
        },
    )
    cycle = session.scalar(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG))
    if cycle is None:
        cycle = Cycle(
            slug=DEMO_CYCLE_SLUG,
            name_en="2025 annual disclosure",
            name_zh="2025年度披露",
            checklist_version=versions[DEMO_CHECKLIST],
            opens_on=today - timedelta(days=75),
            due_on=today + timedelta(days=21),
            opened_at=datetime.combine(today - timedelta(days=75), time(9), tzinfo=UTC),
        )
        session.add(cycle)
        session.flush()
        summary.cycle_created = True

    existing = set(
        session.scalars(sa.select(Disclosure.company_id).where(Disclosure.cycle_id == cycle.id))
    )
    created = []
    with _DemoClock(session) as demo_clock:
        for demo_company, state, _ in own:
            company = companies[demo_company.slug]
            if company.id in existing:
                continue
            created.append(
                _file(
                    session,
                    demo_clock,
                    _Filing(company, demo_company, officers[company.slug], reviewer),
                    cycle,
                    state,
                    today,
                )
            )
            summary.disclosures_created += 1
        # Published ones are published in date order across companies, so that the ledger
        # holds them in the order they happened.
        to_publish = sorted(
            (d for d in created if d.published_at is not None),
            key=lambda d: (d.published_at, d.company.slug),
        )
        for disclosure in to_publish:
            demo_clock.at = _planned_publication(disclosure)
            publish(session, reviewer, disclosure, demo_clock.at)
        if to_publish and summary.cycle_created:
            _correct(
                session,
                demo_clock,
                officers[to_publish[0].company.slug],
                reviewer,
                to_publish[0],
                min(
                    _planned_publication(to_publish[-1]) + timedelta(hours=6),
                    datetime.combine(today, time(9), tzinfo=UTC),
                ),
            )
    _last_change_as_seeded(session, created)
    if generated:
        for in_cycle, entries, seed in (
            (earlier_cycle, [(c, DisclosureState.PUBLISHED) for c, _, e in generated if e], "2024"),
            (cycle, [(c, state) for c, state, _ in generated], ""),
        ):
            added = _bulk_disclosures(
                session, in_cycle, companies, officers, reviewer, entries, today, seed
            )
            summary.disclosures_created += added if in_cycle is cycle else 0
    # The log's checkpoint of everything published (bulk publications sign none of their own;
    # a ledger seeded before the log existed gets its first one here).
    if ledger_head(session) is not None:
        record_checkpoint(session, log_key(), clock.now())
    return summary


def _bulk_disclosures(
    session: Session,
    cycle: Cycle,
    companies: dict[str, Company],
    officers: dict[str, User],
    reviewer: User,
    entries: list[tuple[content.DemoCompany, DisclosureState]],
    today: date,
    seed: str,
) -> int:
    """Generated signatories' disclosures in a cycle, written in a few bulk statements whatever
    their number (the ORM's unit of work takes minutes for thousands): the same answers as
    ``_disclosure`` gives, their first revisions, and for the published ones a publication with
    its snapshot, stored scores and summary, chained into the ledger as ``publish`` would (no
    workflow transitions, audit events or mail: nobody acted). Returns how many it added."""
    existing = set(
        session.scalars(sa.select(Disclosure.company_id).where(Disclosure.cycle_id == cycle.id))
    )
    version = cycle.checklist_version
    checklist = version.checklist
    planned = []
    for demo, state in entries:
        company = companies[demo.slug]
        if company.id in existing:
            continue
        profile = EARLIER_PROFILE[demo.profile] if seed else demo.profile
        fields, answers = _disclosure_plan(
            dataclasses.replace(demo, profile=profile), cycle, checklist, state, today, seed
        )
        planned.append((company, fields, answers))
    if not planned:
        return 0
    # Plain executemany inserts, then the new ids read back in one query each: RETURNING over
    # thousands of rows in batches costs SQLAlchemy more than the inserts.
    session.execute(
        sa.insert(Disclosure),
        [
            fields
            | {
                "company_id": company.id,
                "cycle_id": cycle.id,
                "checklist_version_id": version.id,
                "updated_at": fields["created_at"],
            }
            for company, fields, _ in planned
        ],
    )
    by_company = dict(
        session.execute(
            sa.select(Disclosure.company_id, Disclosure.id).where(Disclosure.cycle_id == cycle.id)
        ).all()
    )
    ids = [by_company[company.id] for company, _, _ in planned]
    answer_rows = [
        answer | {"disclosure_id": disclosure_id, "updated_by_id": officers[company.slug].id}
        for disclosure_id, (company, _, answers) in zip(ids, planned, strict=True)
        for answer in answers
    ]
    session.execute(sa.insert(ItemResponse), answer_rows)
    by_answer = {
        (disclosure_id, item_id): response_id
        for response_id, disclosure_id, item_id in session.execute(
            sa.select(ItemResponse.id, ItemResponse.disclosure_id, ItemResponse.item_id)
            .join(Disclosure, Disclosure.id == ItemResponse.disclosure_id)
            .where(Disclosure.cycle_id == cycle.id)
        ).all()
    }
    response_ids = [by_answer[row["disclosure_id"], row["item_id"]] for row in answer_rows]
    session.execute(
        sa.insert(ResponseRevision),
        [
            {
                "response_id": response_id,
                "version": 1,
                "changed_at": row["updated_at"],
                "changed_by_id": row["updated_by_id"],
                "before": {},
                "after": {
                    "status": row["status"].value if row["status"] else None,
                    "not_applicable_reason": row["not_applicable_reason"] or "",
                    "narrative": row["narrative"] or "",
                    "narrative_language": row["narrative_language"] or "",
                    "narrative_translation": row["narrative_translation"] or "",
                    "confidential_note": row["confidential_note"] or "",
                    "evidence_links": list(row["evidence_links"]),
                    "structured": dict(row["structured"]),
                    "results": list(row.get("benchmark_results", [])),
                },
            }
            for response_id, row in zip(response_ids, answer_rows, strict=True)
        ],
    )
    _bulk_publish(
        session,
        cycle,
        checklist,
        reviewer,
        sorted(
            (
                (fields["published_at"], company, disclosure_id, answers)
                for disclosure_id, (company, fields, answers) in zip(ids, planned, strict=True)
                if fields["state"] is DisclosureState.PUBLISHED
            ),
            key=lambda p: (p[0], p[1].slug),
        ),
    )
    session.expire_all()  # what the ORM holds may predate the rows written beside it
    return len(planned)


def _bulk_publish(
    session: Session,
    cycle: Cycle,
    checklist: Checklist,
    reviewer: User,
    planned: list[tuple[datetime, Company, int, list[dict]]],
) -> None:
    """First publications of generated disclosures, in date order, at the head of the ledger."""
    head = ledger_head(session)
    previous = head.to_entry() if head else None
    publications: list[dict[str, Any]] = []
    entries, scores, results = [], [], []
    for published_at, company, disclosure_id, answers in planned:
        content_ = snapshot_content(
            checklist,
            names_of(company),
            names_of(cycle),
            1,
            {a["item_id"]: {**a, "results": a.get("benchmark_results", [])} for a in answers},
        )
        entry = next_entry(
            previous,
            EntryKind.PUBLICATION,
            company.slug,
            cycle.slug,
            1,
            iso_utc(published_at),
            content_,
        )
        publications.append(
            {
                "disclosure_id": disclosure_id,
                "company_id": company.id,
                "cycle_id": cycle.id,
                "version": 1,
                "snapshot": content_,
                "snapshot_sha256": entry.snapshot_sha256,
                "summary": summarise(content_),
                "published_at": published_at,
                "published_by_id": reviewer.id,
            }
        )
        entries.append(entry)
        scores.append(score_values(checklist, content_))
        results.append(result_values(content_))
        previous = entry
    if not publications:
        return
    session.execute(sa.insert(Publication), publications)
    by_disclosure = dict(
        session.execute(
            sa.select(Publication.disclosure_id, Publication.id).where(
                Publication.cycle_id == cycle.id
            )
        ).all()
    )
    publication_ids = [by_disclosure[p["disclosure_id"]] for p in publications]
    session.execute(
        sa.insert(LedgerEntry),
        [
            LedgerEntry.values_of(e) | {"publication_id": publication_id}
            for e, publication_id in zip(entries, publication_ids, strict=True)
        ],
    )
    session.execute(
        sa.insert(PublicationScore),
        [
            values | {"publication_id": publication_id}
            for rows, publication_id in zip(scores, publication_ids, strict=True)
            for values in rows
        ],
    )
    published_results = [
        values | {"publication_id": publication_id}
        for rows, publication_id in zip(results, publication_ids, strict=True)
        for values in rows
    ]
    if published_results:
        session.execute(sa.insert(PublishedResult), published_results)
    search.index_publications(
        session,
        [
            search.Published(
                publication_id=publication_id,
                company_id=p["company_id"],
                cycle_id=p["cycle_id"],
                version=1,
                published_at=p["published_at"],
                snapshot=p["snapshot"],
                checklist=checklist,
            )
            for p, publication_id in zip(publications, publication_ids, strict=True)
        ],
    )


DEMO_CORRECTION = (
    "\n\n**Correction:** the figures above were restated after an internal "
    "audit; the earlier version understated the review's scope."
)


def _correct(
    session: Session,
    demo_clock: _DemoClock,
    officer: User,
    reviewer: User,
    disclosure: Disclosure,
    at: datetime,
) -> None:
    """One company corrects its published disclosure through review, so the demo shows a
    correction in the ledger and a superseded version on the public pages."""
    demo_clock.at = at
    decide(
        session,
        officer,
        disclosure,
        Action.REOPEN,
        "Restating one answer after our internal audit.",
        at,
        who=Side.OFFICER,
    )
    response = next(r for r in disclosure.responses if r.narrative)
    item = disclosure.checklist_version.checklist.item(response.item_id)
    answer = answer_of(response)
    demo_clock.at = at + timedelta(minutes=5)
    save_answer(
        session,
        officer,
        disclosure,
        item,
        dataclasses.replace(answer, narrative=answer.narrative + DEMO_CORRECTION),
        response.version,
        Limits(),
        at + timedelta(minutes=5),
    )
    demo_clock.at = at + timedelta(minutes=10)
    submit(session, officer, disclosure, demo_clock.at)
    demo_clock.at = at + timedelta(minutes=40)
    decide(
        session,
        reviewer,
        disclosure,
        Action.ACCEPT,
        "Correction checked.",
        at + timedelta(minutes=40),
    )
    demo_clock.at = at + timedelta(minutes=45)
    publish(session, reviewer, disclosure, demo_clock.at)


def _ensure_companies(
    session: Session, summary: DemoSummary, roster: list[content.DemoCompany]
) -> dict[str, Company]:
    found = {c.slug: c for c in session.scalars(sa.select(Company))}
    for demo in roster:
        if demo.slug in found:
            continue
        company = Company(
            slug=demo.slug,
            name_en=demo.name_en,
            name_zh=demo.name_zh,
            website=demo.website,
            is_signatory=True,
            signatory_since=date.fromisoformat(demo.signed_on),
            signatory_source=SOURCE_NOTE,
            signatory_confirmed=True,
        )
        session.add(company)
        found[demo.slug] = company
        summary.companies_created += 1
    session.flush()
    return found


def _ensure_users(
    session: Session, companies: dict[str, Company], summary: DemoSummary
) -> dict[str, User]:
    """One officer per company, plus a staff member and an administrator."""
    by_email = {u.email: u for u in session.scalars(sa.select(User))}
    wanted: list[tuple[str, str, Role, Company | None]] = [
        (DEMO_ADMIN, "Demo Administrator", Role.ADMIN, None),
        (DEMO_STAFF, "Demo Reviewer", Role.STAFF, None),
    ]
    wanted += [
        (f"officer@{slug}.example", f"Compliance officer, {company.name_en}", Role.OFFICER, company)
        for slug, company in companies.items()
    ]
    officers: dict[str, User] = {}
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: scrypt is slow on purpose
    for email, name, role, company in wanted:
        user = by_email.get(email)
        if user is None:
            user = User(
                email=email,
                display_name=name,
                role=role,
                company=company,
                password_hash=password_hash,
            )
            session.add(user)
            summary.users_created += 1
        elif user.password_hash is None:
            user.password_hash = password_hash  # a demo made before accounts had passwords
        if company is not None:
            officers[company.slug] = user
    session.flush()
    return officers


def _earlier_cycle(
    session: Session,
    version: ChecklistVersion,
    companies: dict[str, Company],
    officers: dict[str, User],
    reviewer: User,
    today: date,
    published: list[content.DemoCompany],
    again: dict[str, Checklist] | None = None,
) -> Cycle:
    """The closed 2024 cycle: the first companies published then, a step less advanced. For
    the companies in ``again`` (publishing in the current cycle, against that checklist) every
    third narrative they will publish is already there in 2024, shorter."""
    cycle = session.scalar(sa.select(Cycle).filter_by(slug=DEMO_EARLIER_CYCLE_SLUG))
    if cycle is None:
        opened = datetime.combine(today - timedelta(days=440), time(9), tzinfo=UTC)
        cycle = Cycle(
            slug=DEMO_EARLIER_CYCLE_SLUG,
            name_en="2024 annual disclosure",
            name_zh="2024年度披露",
            checklist_version=version,
            opens_on=opened.date(),
            due_on=today - timedelta(days=350),
            closes_on=today - timedelta(days=330),
            opened_at=opened,
            closed_at=opened + timedelta(days=110),
        )
        session.add(cycle)
        session.flush()
    existing = set(
        session.scalars(sa.select(Disclosure.company_id).where(Disclosure.cycle_id == cycle.id))
    )
    missing = [demo for demo in published if companies[demo.slug].id not in existing]
    if not missing:
        return cycle
    # Filed while the cycle was open, as its companies did then; closed again afterwards.
    closed_at, cycle.closed_at = cycle.closed_at, None
    created = []
    with _DemoClock(session) as demo_clock:
        for demo in missing:
            later_checklist = (again or {}).get(demo.slug)
            created.append(
                _file(
                    session,
                    demo_clock,
                    _Filing(companies[demo.slug], demo, officers[demo.slug], reviewer),
                    cycle,
                    DisclosureState.PUBLISHED,
                    today,
                    seed="2024",
                    profile=EARLIER_PROFILE[demo.profile],
                    typed=False,
                    adjust=(
                        None
                        if later_checklist is None
                        else functools.partial(_grown_since, demo, later_checklist, today)
                    ),
                )
            )
        for disclosure in sorted(created, key=lambda d: (d.published_at, d.company.slug)):
            demo_clock.at = _planned_publication(disclosure)
            publish(session, reviewer, disclosure, demo_clock.at)
    _last_change_as_seeded(session, created)
    cycle.closed_at = closed_at or (
        datetime.combine(cycle.opens_on, time(9), tzinfo=UTC) + timedelta(days=110)
    )
    session.flush()
    return cycle


def _shorter(text: str) -> str:
    """An earlier draft of a narrative: each paragraph without its last sentence (a list
    without its last item)."""

    def drop(paragraph: str) -> str:
        lines = paragraph.split("\n")
        if len(lines) > 1:
            return "\n".join(lines[:-1])
        for stop in ("。", ". "):
            head, found, _ = paragraph.rstrip("。. ").rpartition(stop)
            if found:
                return head + stop.strip()
        return paragraph

    return "\n\n".join(drop(p) for p in text.split("\n\n"))


def _grown_since(
    demo: content.DemoCompany, later_checklist: Checklist, today: date, answers: list[dict]
) -> None:
    """Make every third of the earlier ``answers``' narratives a shorter draft of what the
    company will publish in the current cycle (its answers there are drawn the same way, so
    known now)."""
    opens = today - timedelta(days=75)  # the current cycle's, as seed_demo opens it
    _, later = _disclosure_plan(
        demo, Cycle(opens_on=opens), later_checklist, DisclosureState.PUBLISHED, today
    )
    will_say = {a["item_id"]: a["narrative"] for a in later if a.get("narrative")}
    for n, answer in enumerate(sorted(answers, key=lambda a: a["item_id"])):
        text = will_say.get(answer["item_id"])
        if n % 3 == 0 and text and answer["narrative"]:
            answer["narrative"] = _shorter(text)


def _planned_publication(disclosure: Disclosure) -> datetime:
    """When a disclosure that _disclosure made published is to be published."""
    if disclosure.published_at is None:
        raise ValueError(f"{disclosure.company.slug}: not a published demo disclosure")
    return disclosure.published_at


@dataclass(frozen=True)
class _Filing:
    """Who files a demo disclosure and who reviews it."""

    company: Company
    demo: content.DemoCompany
    officer: User
    reviewer: User


class _DemoClock:
    """The demo's clock while it drives the services: audit events take its time, not the
    moment the demo is set up (their column defaults to the current time; the services that
    record them are given their time, the audit trail is not)."""

    def __init__(self, session: Session):
        self.session = session
        self.at: datetime | None = None

    def _stamp(self, session, _context, _instances) -> None:
        if self.at is None:
            return
        for obj in session.new:
            if isinstance(obj, AuditEvent) and obj.at is None:
                obj.at = self.at

    def __enter__(self) -> _DemoClock:
        sa.event.listen(self.session, "before_flush", self._stamp)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.flush()
        sa.event.remove(self.session, "before_flush", self._stamp)


HANDED_IN_STATES = (
    DisclosureState.SUBMITTED,
    DisclosureState.CHANGES_REQUESTED,
    DisclosureState.ACCEPTED,
    DisclosureState.PUBLISHED,
)
# Of the disclosures that were accepted, the share that went through one round of changes first.
RETURNED_ONCE_SHARE = 0.35
# Of the narratives, the share the officer saved an earlier, shorter draft of first (autosave).
DRAFTED_FIRST_SHARE = 0.25


def _file(
    session: Session,
    demo_clock: _DemoClock,
    filing: _Filing,
    cycle: Cycle,
    state: DisclosureState,
    today: date,
    seed: str = "",
    profile: str | None = None,
    adjust: Callable[[list[dict]], None] | None = None,
    typed: bool = True,
) -> Disclosure:
    """A demo disclosure taken to ``state`` the way the app takes one, on the demo clock: the
    officer saves each answer (some first as a shorter draft), submits; staff comment and ask
    for changes, or accept (some after a round of changes the officer answered). A disclosure
    to be published is left accepted with its ``published_at`` planned: the caller publishes
    them in date order. ``adjust`` may change the planned answers first. Unless ``typed``, the
    answers are written as their first versions (a closed cycle's, whose drafts nobody
    reads: saving each through the filing service would double the demo's set-up time)."""
    demo = filing.demo if profile is None else dataclasses.replace(filing.demo, profile=profile)
    fields, answers = _disclosure_plan(
        demo, cycle, cycle.checklist_version.checklist, state, today, seed
    )
    if adjust is not None:
        adjust(answers)
    rng = random.Random(f"tracker-demo-history:{demo.slug}{seed}")  # noqa: S311 - demo data
    texts = content.review_texts()
    language = "en" if demo.language == "en" else "zh"
    checklist = cycle.checklist_version.checklist
    disclosure = Disclosure(
        company=filing.company,
        cycle=cycle,
        checklist_version=cycle.checklist_version,
        created_at=fields["created_at"],
        updated_at=fields["created_at"],
    )
    session.add(disclosure)
    session.flush()
    in_order = sorted(answers, key=lambda a: (a["updated_at"], a["item_id"]))
    if typed:
        for planned in in_order:
            _save_planned(session, demo_clock, filing.officer, disclosure, checklist, planned, rng)
    elif in_order:
        _write_planned(session, demo_clock, filing.officer, disclosure, in_order)
    if state not in HANDED_IN_STATES:
        return disclosure
    submitted = fields["submitted_at"]
    demo_clock.at = submitted
    submit(session, filing.officer, disclosure, submitted)
    if state is DisclosureState.SUBMITTED:
        return disclosure
    returned = state is DisclosureState.CHANGES_REQUESTED or rng.random() < RETURNED_ONCE_SHARE
    if returned:
        commented = _request_changes(
            session, demo_clock, filing, disclosure, submitted + timedelta(hours=3), rng, language
        )
        if state is DisclosureState.CHANGES_REQUESTED:
            return disclosure
        # The officer answers the comments the next morning and hands the disclosure in again.
        revised_at = submitted + timedelta(hours=20)
        for n, item_id in enumerate(commented):
            response = next(r for r in disclosure.responses if r.item_id == item_id)
            answer = answer_of(response)
            if answer.narrative:
                answer = dataclasses.replace(
                    answer, narrative=answer.narrative + texts["revision"][language]
                )
            demo_clock.at = revised_at + timedelta(minutes=10 * n)
            save_answer(
                session, filing.officer, disclosure, checklist.item(item_id), answer,
                response.version, Limits(), demo_clock.at,
            )  # fmt: skip
        submitted = revised_at + timedelta(hours=1)
        demo_clock.at = submitted
        submit(session, filing.officer, disclosure, submitted)
    ready = fields["published_at"] or datetime.combine(today, time(9), tzinfo=UTC)
    demo_clock.at = submitted + min((ready - submitted) / 2, timedelta(days=2))
    decide(
        session,
        filing.reviewer,
        disclosure,
        Action.ACCEPT,
        _text(rng.choice(texts["accepts"]), language, demo),
        demo_clock.at,
    )
    # The planned publication, for the caller (publish sets it again, to the same time).
    disclosure.published_at = fields["published_at"]
    return disclosure


def _save_planned(
    session: Session,
    demo_clock: _DemoClock,
    officer: User,
    disclosure: Disclosure,
    checklist: Checklist,
    planned: dict,
    rng: random.Random,
) -> None:
    """Save one planned answer as the officer would: sometimes a shorter draft an hour or two
    before (autosave keeps both versions), then the answer, then any benchmark results."""
    item = checklist.item(planned["item_id"])
    answer = Answer(
        status=planned["status"],
        not_applicable_reason=planned["not_applicable_reason"] or "",
        narrative=planned["narrative"] or "",
        confidential_note=planned["confidential_note"] or "",
        narrative_language=planned["narrative_language"] or "",
        narrative_translation=planned["narrative_translation"] or "",
        links=[Link(url=link["url"], title=link["title"]) for link in planned["evidence_links"]],
        structured=planned["structured"],
    )
    at = planned["updated_at"]
    version = None
    if answer.narrative and rng.random() < DRAFTED_FIRST_SHARE:
        draft = dataclasses.replace(answer, narrative=_shorter(answer.narrative), links=[])
        if draft.narrative != answer.narrative:
            demo_clock.at = at - timedelta(minutes=rng.randint(30, 180))
            version = save_answer(
                session, officer, disclosure, item, draft, None, Limits(), demo_clock.at
            ).version
    demo_clock.at = at
    response = save_answer(session, officer, disclosure, item, answer, version, Limits(), at)
    if planned["benchmark_results"]:
        demo_clock.at = at + timedelta(minutes=5)
        save_results(
            session,
            officer,
            disclosure,
            item.id,
            [result_from_dict(r) for r in planned["benchmark_results"]],
            registry=current_registry(),
            now=demo_clock.at,
            expected_version=response.version,
        )


def _write_planned(
    session: Session,
    demo_clock: _DemoClock,
    officer: User,
    disclosure: Disclosure,
    in_order: list[dict],
) -> None:
    """The planned answers as rows with their first revisions, and the draft started (the
    workflow's step) when the first was saved."""
    responses = [ItemResponse(disclosure=disclosure, updated_by=officer, **a) for a in in_order]
    session.add_all(responses)
    session.flush()
    session.add_all(
        ResponseRevision(
            response=r,
            version=r.version,
            changed_at=r.updated_at,
            changed_by=officer,
            before={},
            after=snapshot(r),
        )
        for r in responses
    )
    demo_clock.at = in_order[0]["updated_at"]
    start_editing(session, officer, disclosure, demo_clock.at)
    disclosure.updated_at = in_order[-1]["updated_at"]
    session.flush()


def _request_changes(
    session: Session,
    demo_clock: _DemoClock,
    filing: _Filing,
    disclosure: Disclosure,
    at: datetime,
    rng: random.Random,
    language: str,
) -> list[str]:
    """Staff comment on two answered items and ask for changes with a reason; the items
    commented on, in checklist order."""
    texts = content.review_texts()
    answered = [r.item_id for r in disclosure.responses if r.narrative]
    order = [i.id for i in disclosure.checklist_version.checklist.items]
    commented = sorted(rng.sample(answered, k=min(2, len(answered))), key=order.index)
    for n, item_id in enumerate(commented):
        demo_clock.at = at + timedelta(minutes=15 * n)
        add_comment(
            session,
            filing.reviewer,
            disclosure,
            item_id,
            _text(rng.choice(texts["comments"]), language, filing.demo),
            demo_clock.at,
        )
    demo_clock.at = at + timedelta(minutes=40)
    decide(
        session,
        filing.reviewer,
        disclosure,
        Action.REQUEST_CHANGES,
        _text(rng.choice(texts["requests"]), language, filing.demo),
        demo_clock.at,
    )
    return commented


def _last_change_as_seeded(session: Session, disclosures: list[Disclosure]) -> None:
    """Each disclosure's last change as the demo's times have it: its latest step or saved
    answer. (A flush that changes no time itself, e.g. submission setting submitted_at, stamps
    the column's onupdate default, the moment of set-up.)"""
    for disclosure in disclosures:
        latest = session.scalar(
            sa.select(sa.func.max(Transition.at)).where(Transition.disclosure_id == disclosure.id)
        )
        saved = [r.updated_at for r in disclosure.responses]
        moments = [m for m in (latest, *saved) if m is not None]
        if moments:
            session.execute(
                sa.update(Disclosure)
                .where(Disclosure.id == disclosure.id)
                .values(updated_at=max(moments))
                .execution_options(synchronize_session=False)
            )
            set_committed_value(disclosure, "updated_at", max(moments))


def _disclosure_plan(
    demo: content.DemoCompany,
    cycle: Cycle,
    checklist: Checklist,
    state: DisclosureState,
    today: date,
    seed: str = "",
) -> tuple[dict, list[dict]]:
    """A demo disclosure's column values and its answers' (deterministic per company)."""
    rng = random.Random(f"tracker-demo:{demo.slug}{seed}")  # noqa: S311 - demo data
    opened = datetime.combine(cycle.opens_on, time(9), tzinfo=UTC)
    fields: dict = {
        "state": state,
        "created_at": opened,
        "submitted_at": None,
        "published_at": None,
    }
    answers: list[dict] = []
    if state is DisclosureState.NOT_STARTED:
        return fields, answers
    answered_share = 0.45 if state is DisclosureState.DRAFT else 1.0
    for item in checklist.items:
        if rng.random() > answered_share:
            continue
        changed = opened + timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        answers.append(_response(item, demo, rng, changed))
    if state in (
        DisclosureState.SUBMITTED,
        DisclosureState.ACCEPTED,
        DisclosureState.PUBLISHED,
        DisclosureState.CHANGES_REQUESTED,
    ):
        fields["submitted_at"] = opened + timedelta(days=rng.randint(61, 66))
    if state is DisclosureState.PUBLISHED:
        fields["published_at"] = min(
            opened + timedelta(days=rng.randint(67, 72)),
            datetime.combine(today, time(8), tzinfo=UTC),
        )
    return fields, answers


def _pick_status(item: Item, profile: str, rng: random.Random) -> Status:
    weights = PROFILES[profile]
    choices = [s for s in weights if s in item.statuses]
    status = rng.choices(choices, weights=[weights[s] for s in choices])[0]
    return status


def _text(pair: dict, language: str, company: content.DemoCompany) -> str:
    en = pair["en"].strip().format(company=company.name_en)
    zh = pair["zh"].strip().format(company=company.name_zh)
    return {"en": en, "zh": zh}.get(language, f"{zh}\n\n{en}")


def _response(item: Item, demo: content.DemoCompany, rng: random.Random, changed: datetime) -> dict:
    """One answer's column values (who typed it is the caller's)."""
    texts = content.narratives()
    status = _pick_status(item, demo.profile, rng)
    reported = BENCHMARK_RESULTS.get(demo.slug, []) if item.results else []
    if reported:
        # A company that reports results met the item: its numbers are what the benchmark
        # pages show, whatever its profile would have drawn.
        status = Status.MET
    response: dict = {
        "item_id": item.id,
        "status": status,
        "not_applicable_reason": None,
        "narrative": None,
        "narrative_language": None,
        "narrative_translation": None,
        "confidential_note": None,
        "updated_at": changed,
        "evidence_links": [],
        "structured": {},
        "benchmark_results": [],
        "version": 1,
    }
    if status is Status.NOT_APPLICABLE:
        response["not_applicable_reason"] = _text(
            rng.choice(texts["_not_applicable_reasons"]), demo.language, demo
        )
        return response
    if status is Status.NOT_DISCLOSED:
        return response
    item_texts = texts[item.id]
    pair = rng.choice(item_texts[status.value])
    if demo.language == "both":
        # Officers who write in both languages: the Chinese narrative, recorded as such, and
        # the company's English version of it (readers in English see that one first).
        response["narrative"] = _text(pair, "zh", demo)
        response["narrative_language"] = ZH.html
        response["narrative_translation"] = _text(pair, "en", demo)
    else:
        response["narrative"] = _text(pair, demo.language, demo)
    if status in (Status.MET, Status.PARTIALLY_MET):
        evidence = rng.sample(
            item_texts["evidence"], k=min(len(item_texts["evidence"]), rng.randint(1, 2))
        )
        title_language = "en" if demo.language == "en" else "zh"
        response["evidence_links"] = [
            {"url": demo.website.rstrip("/") + e["path"], "title": e["title"][title_language]}
            for e in evidence
        ]
        for field in item.fields:
            response["structured"][field.id] = _benchmarks(field, demo.profile, rng)
        if reported:
            response["benchmark_results"] = copy.deepcopy(reported)
            _name_benchmarks_of(response["structured"], item, reported)
    if rng.random() < 0.15:
        response["confidential_note"] = _text(
            rng.choice(texts["_confidential_notes"]), "en" if demo.language == "en" else "zh", demo
        )
    return response


def _name_benchmarks_of(structured: dict, item: Item, results: list[dict]) -> None:
    """Select, in the item's benchmarks field, every benchmark the results are of: a company
    that reports a number also names what it ran."""
    for field in item.fields:
        options = [o.id for o in field.options]
        answer = structured.setdefault(field.id, {"selected": [], "other": []})
        named = set(answer["selected"]) | {r["benchmark"] for r in results}
        answer["selected"] = [o for o in options if o in named]


def _benchmarks(field, profile: str, rng: random.Random) -> dict:
    low, high = BENCHMARKS_PICKED[profile]
    options = [o.id for o in field.options]
    weights = [BENCHMARK_POPULARITY.get(o, 1) for o in options]
    selected: list[str] = []
    for _ in range(rng.randint(low, high)):
        pick = rng.choices(options, weights=weights)[0]
        if pick not in selected:
            selected.append(pick)
    other = [rng.choice(OTHER_BENCHMARKS)] if field.allow_other and rng.random() < 0.3 else []
    return {"selected": sorted(selected, key=options.index), "other": other}


@dataclass
class PreparedReports:
    companies: int = 0  # company PDFs rendered now
    aggregates: int = 0  # aggregate PDFs rendered now
    stored: int = 0  # of either, found stored already


def prepare_reports(
    session: Session, store: BlobStore, commit: Callable[[], None]
) -> PreparedReports:
    """Render and store every published version's PDF of the demo's own companies in both
    languages, then each cycle's aggregate, as publication and the report job would (each PDF
    recorded in the ledger); ``commit`` after each, so that work done stays done. Generated
    signatories' reports are left to their first download. MissingFont without a font for
    Chinese."""
    own = [c.slug for c in content.companies()]
    publications = session.scalars(
        sa.select(Publication)
        .join(Company, Company.id == Publication.company_id)
        .where(Company.slug.in_(own))
        .order_by(Publication.published_at, Publication.id)
    ).all()
    prepared = PreparedReports()
    for publication in publications:
        for language in CODES:
            if stored_report(session, publication, language) is not None:
                prepared.stored += 1
                continue
            render_published(session, publication, language, store)
            commit()
            prepared.companies += 1
    for cycle in session.scalars(sa.select(Cycle).order_by(Cycle.opens_on)):
        for language in CODES:
            if stored_cycle_report(session, cycle, language) is not None:
                prepared.stored += 1
                continue
            render_cycle(session, cycle, language, store)
            commit()
            prepared.aggregates += 1
    return prepared
