"""Report speed, measured in one run on the demo data (a benchmark, not a test: it prints numbers).

    .venv/bin/python -m tests.benchmarks.reports [--rounds 5] [--requests 300]

1. The per-company PDF against WeasyPrint rendering the same HTML with a minimal stylesheet,
   both as PDF/A-3a as published reports are (target: ratio <= 1.3).
2. The aggregate PDF for 22 companies and for 220 generated ones (targets: 22 under 3 s on this
   machine; 220 under 10.5 x the 22 figure).
3. Downloading a stored report against Flask serving a static file of the same size
   (target: ratio >= 0.8, i.e. at least 80 % of the static file's speed).

Ratios compare two measurements of the same run on the same machine, so they travel better than
the seconds. Both sides of a ratio are warmed up first, then timed in turn, round by round
(``--rounds``, at least five), so that a machine growing busier slows both alike; each ratio is
the median of the rounds' ratios, printed with its spread (the lowest and highest round).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_migrate import upgrade

from tests.support.app import alliance_today
from tracker.app import create_app
from tracker.db import db
from tracker.demo.services import seed_demo
from tracker.domain.cycle_report import LedgerHead, build_cycle_report
from tracker.domain.languages import Text
from tracker.ledger.models import Publication
from tracker.ledger.queries import current_in_cycle, report_of
from tracker.reports.pdf import ARCHIVAL, render_pdf
from tracker.reports.rendering import company_report_pdf, cycle_report_pdf
from tracker.reports.services import render_published, report_path
from tracker.storage.services import REPORTS, blobs

MINIMAL_CSS = "<style>body { font-family: sans-serif; }</style>"


@dataclasses.dataclass(frozen=True)
class Paired:
    """Two pieces of work timed in turn: each side's median seconds and the rounds' ratios."""

    first: float
    second: float
    ratios: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> str:
        return f"rounds {min(self.ratios):.2f}-{max(self.ratios):.2f}"


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def paired(first, second, rounds: int) -> Paired:
    """Warm both, then time ``first`` and ``second`` alternately for ``rounds`` rounds (the
    order swapped every round, so neither side always runs on the warmer machine)."""
    first(), second()
    times: list[tuple[float, float]] = []
    for n in range(rounds):
        if n % 2:
            b = seconds(second)
            a = seconds(first)
        else:
            a = seconds(first)
            b = seconds(second)
        times.append((a, b))
    return Paired(
        statistics.median(a for a, _ in times),
        statistics.median(b for _, b in times),
        [a / b for a, b in times],
    )


def company_pdf(app, rounds: int) -> tuple[Paired, int]:
    publication = db.session.scalars(sa.select(Publication).order_by(Publication.id)).first()
    report = report_of(publication)
    static = Path(app.static_folder)
    with force_locale("en"):
        html = render_template("reports/company.html", report=report)
    plain = re.sub(r'<link rel="stylesheet"[^>]*>', MINIMAL_CSS, html)
    pages = company_report_pdf(report, "en").pages
    timed = paired(
        lambda: company_report_pdf(report, "en"),
        lambda: render_pdf(plain, static, ARCHIVAL),
        rounds,
    )
    return timed, pages


def generated_companies(app, count: int) -> list:
    """``count`` published company reports, cycled from the demo's and renamed."""
    cycle = db.session.scalar(sa.select(Publication)).cycle
    published = [p.report for p in current_in_cycle(db.session, cycle)]
    return [
        dataclasses.replace(
            base,
            company_slug=f"{base.company_slug}-{n}",
            company_name=Text(en=f"{base.company_name.en} {n}", zh=f"{base.company_name.zh}{n}"),
        )
        for n, base in ((n, published[n % len(published)]) for n in range(count))
    ], cycle


def aggregate_pdfs(app, small: int, large: int, rounds: int) -> tuple[Paired, int, int]:
    """The aggregate for ``large`` companies against the one for ``small``, round by round."""
    small_report, large_report = aggregate_report(app, small), aggregate_report(app, large)
    small_pages = cycle_report_pdf(small_report, "en").pages
    large_pages = cycle_report_pdf(large_report, "en").pages
    timed = paired(
        lambda: cycle_report_pdf(large_report, "en"),
        lambda: cycle_report_pdf(small_report, "en"),
        rounds,
    )
    return timed, small_pages, large_pages


def aggregate_report(app, count: int):
    companies, cycle = generated_companies(app, count)
    return build_cycle_report(
        cycle={"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        checklist=cycle.checklist_version.checklist,
        companies=companies,
        invited=count,
        ledger_head=LedgerHead(1, "0" * 64),
    )


def downloads(app, requests: int, rounds: int) -> tuple[Paired, int]:
    publication = db.session.scalars(sa.select(Publication).order_by(Publication.id)).first()
    stored = render_published(db.session, publication, "en", blobs(REPORTS, app))
    db.session.commit()
    source = report_path(Path(app.config["REPORT_DIR"]), stored.sha256)
    static_copy = Path(app.static_folder) / f"benchmark-{stored.sha256[:12]}.pdf"
    shutil.copyfile(source, static_copy)
    client = app.test_client()
    url = (
        f"/companies/{publication.company.slug}/report.pdf?cycle={publication.cycle.slug}"
        f"&version={publication.version}&lang=en"
    )
    static_url = f"/static/{static_copy.name}"

    def fetch(address: str):
        def run():
            for _ in range(requests):
                response = client.get(address)
                assert response.status_code == 200 and len(response.get_data()) == stored.size
                response.close()

        return run

    try:
        # the static file first: the ratio reads as the report's speed against the static one's
        timed = paired(fetch(static_url), fetch(url), rounds)
    finally:
        static_copy.unlink()
    return timed, stored.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5: a median of fewer says little")
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.sqlite3'}",
                "SECRET_KEY": "benchmark",
                "INSTANCE_PATH": str(work),
                "REPORT_JOBS": "off",
                "RENDER_REPORTS_ON_PUBLISH": False,
            }
        )
        with app.app_context():
            upgrade()
            seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
            db.session.commit()
            print(f"Report benchmark, {args.rounds} interleaved rounds, {alliance_today()}")
            company, pages = company_pdf(app, args.rounds)
            print(
                f"company PDF ({pages} pages): {company.first:.2f} s; same HTML, minimal "
                f"stylesheet: {company.second:.2f} s; ratio {company.ratio:.2f} "
                f"({company.spread}; target <= 1.3)"
            )
            aggregate, small_pages, large_pages = aggregate_pdfs(app, 22, 220, args.rounds)
            print(
                f"aggregate PDF, 22 companies ({small_pages} pages): {aggregate.second:.2f} s "
                f"(target < 3 s); 220 companies ({large_pages} pages): {aggregate.first:.2f} s "
                f"= {aggregate.ratio:.1f} x the 22 figure ({aggregate.spread}; target < 10.5 x)"
            )
            download, size = downloads(app, args.requests, args.rounds)
            print(
                f"download of a stored {size / 1024:.0f} KiB PDF, {args.requests} requests: "
                f"{download.second:.2f} s; the same file as a static file: {download.first:.2f} s;"
                f" speed ratio {download.ratio:.2f} ({download.spread}; target >= 0.8)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
