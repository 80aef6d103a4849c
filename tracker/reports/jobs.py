"""Building reports outside requests.

An aggregate takes seconds (22 companies) to tens of seconds (hundreds), and a company's two
PDFs several seconds, so no request waits for them: after a publication (its company PDFs, then
the cycle's aggregate), or when a download finds no stored report, the work is handed to one
background thread of the process, which runs the jobs in the order asked. Rows and files are
keyed by the publication or the ledger head and the content hash, so two processes building the
same report at once end with one row. ``REPORT_JOBS`` picks the runner: "thread" (the default),
"inline" (now, in the caller; for the command line and tests) or "off" (nothing is built in the
background; `tracker reports export` or a test does it, and a company PDF missing at its
download is rendered in that request, as it was before jobs existed).

With REDIS_URL set, "thread" means the job queue instead (tracker.jobs): each aggregate is one
job per (cycle, ledger head, language) and each publication's PDFs one job, run by
`tracker worker` with retries; the same key enqueued twice is built once across all workers.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.domain.languages import CODES
from tracker.jobs import queues
from tracker.jobs import services as queued
from tracker.jobs.kinds import REPORTS as REPORTS_QUEUE
from tracker.jobs.kinds import Kind
from tracker.ledger.models import Publication
from tracker.storage.services import REPORTS, blobs

CYCLE_REPORT = Kind("reports.cycle", REPORTS_QUEUE, "tracker.reports.jobs:run_cycle")
PUBLICATION_REPORTS = Kind(
    "reports.publication", REPORTS_QUEUE, "tracker.reports.jobs:run_publication"
)


class ReportJobs:
    def __init__(self, app: Flask):
        self.app = app
        self.mode  # noqa: B018 - a bad setting fails at start-up, not at the first publication
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        mode = self.app.config["REPORT_JOBS"]
        if mode not in ("thread", "inline", "off"):
            raise ValueError(f"REPORT_JOBS must be thread, inline or off, not {mode!r}")
        return mode

    def build_cycle(self, cycle_id: int) -> Future | None:
        """Ask for the cycle's aggregate (both languages) to be built for its current head."""
        return self._ask(("cycle", cycle_id))

    def build_publication(self, publication_id: int) -> Future | None:
        """Ask for a published version's PDFs (both languages) to be rendered and stored (each
        recorded in the ledger), if they are not yet."""
        return self._ask(("publication", publication_id))

    def _ask(self, job: tuple[str, int]) -> Future | None:
        if self.mode == "off":
            return None
        if self.mode == "inline":
            # As in the thread: a report that cannot be built is logged, and what asked for it
            # (a publication, already committed) stands.
            try:
                self._do(job)
            except Exception:
                db.session.rollback()
                self.app.logger.exception("Could not build the reports of %s %s", *job)
            return None
        if queues.configured(self.app):
            try:
                self._enqueue(job)
            except Exception:  # Redis away: what asked (a publication, committed) stands
                self.app.logger.exception("Could not queue the reports of %s %s", *job)
            return None
        with self._lock:
            if job in self._pending:  # already queued: that run will see the new state
                return None
            self._pending.add(job)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="tracker-reports"
                )
        return self._executor.submit(self._run, job)

    def _enqueue(self, job: tuple[str, int]) -> None:
        """Hand the job to the queue (see ``enqueue_publication`` and ``enqueue_cycle``)."""
        kind, ident = job
        if kind == "publication":
            enqueue_publication(self.app, ident)
            return
        cycle = db.session.get(Cycle, ident)
        if cycle is not None:
            enqueue_cycle(self.app, cycle)

    def _run(self, job: tuple[str, int]) -> None:
        with self._lock:
            self._pending.discard(job)
        with self.app.app_context():
            try:
                self._do(job)
            except Exception:
                db.session.rollback()
                self.app.logger.exception("Could not build the reports of %s %s", *job)
            finally:
                db.session.remove()

    def _do(self, job: tuple[str, int]) -> None:
        kind, ident = job
        if kind == "cycle":
            self._build(ident)
        else:
            self._build_publication(ident)

    def _build_publication(self, publication_id: int) -> None:
        from tracker.reports.services import render_all

        publication = db.session.get(Publication, publication_id)
        if publication is None:
            return
        render_all(db.session, publication, blobs(REPORTS, self.app))
        db.session.commit()

    def _build(self, cycle_id: int) -> None:
        from tracker.reports.services import render_cycle

        cycle = db.session.get(Cycle, cycle_id)
        if cycle is None:
            return
        for language in CODES:
            render_cycle(db.session, cycle, language, blobs(REPORTS, self.app))
        db.session.commit()


def enqueue_publication(app: Flask, publication_id: int) -> str:
    """Queue the rendering of a published version's PDFs; returns the id of the job that
    renders them (new, or the one that stands for them already)."""
    queued.enqueue(
        app,
        PUBLICATION_REPORTS,
        (publication_id,),
        publication_id,
        concerns={"publication": publication_id},
    )
    return PUBLICATION_REPORTS.job_id(app.config["JOBS_PREFIX"], (publication_id,))


def enqueue_cycle(app: Flask, cycle: Cycle) -> list[str]:
    """Queue the cycle's aggregate for its current ledger head, one job per language, keyed by
    the head so that every process asking for the same build asks for one job; returns their
    ids (new or standing)."""
    from tracker.reports.services import cycle_head

    head = cycle_head(db.session, cycle)
    sequence = head.sequence if head else 0
    ids = []
    for language in CODES:
        key = (cycle.id, sequence, language)
        queued.enqueue(
            app,
            CYCLE_REPORT,
            key,
            cycle.id,
            language,
            concerns={"cycle": cycle.slug, "head": sequence, "language": language},
        )
        ids.append(CYCLE_REPORT.job_id(app.config["JOBS_PREFIX"], key))
    return ids


def run_cycle(cycle_id: int, language: str) -> str:
    """The queued job: build and store the cycle's aggregate in one language (in an app
    context), unless it is stored for the current head already."""
    from tracker.reports.services import render_cycle

    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        return "no such cycle"
    row = render_cycle(db.session, cycle, language, blobs(REPORTS))
    db.session.commit()
    return f"aggregate {row.sha256}"


def run_publication(publication_id: int) -> str:
    """The queued job: render and store a published version's PDFs (in an app context)."""
    from tracker.reports.services import render_all

    publication = db.session.get(Publication, publication_id)
    if publication is None:
        return "no such publication"
    rows = render_all(db.session, publication, blobs(REPORTS))
    db.session.commit()
    return f"{len(rows)} reports"


def init_app(app: Flask) -> None:
    from tracker.ledger.bundles import DOCUMENTS

    app.extensions["tracker.report_jobs"] = ReportJobs(app)
    # Evidence bundles hold the stored PDFs; the ledger sits below reports, so reports tells it
    # how to open a stored PDF (by its SHA-256).
    app.extensions[DOCUMENTS] = lambda sha256: blobs(REPORTS, app).open(sha256)


def jobs(app: Flask) -> ReportJobs:
    return app.extensions["tracker.report_jobs"]
