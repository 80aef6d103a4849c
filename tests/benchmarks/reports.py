"""Report speed, measured in one run on the demo data (a benchmark, not a test: it prints numbers).

    .venv/bin/python -m tests.benchmarks.reports [--repeat 3] [--requests 300]

1. The per-company PDF against WeasyPrint rendering the same HTML with a minimal stylesheet,
   both as PDF/A-3a as published reports are (target: ratio <= 1.3).
2. The aggregate PDF for 22 companies and for 220 generated ones (targets: 22 under 3 s on this
   machine; 220 under 10.5 x the 22 figure).
3. Downloading a stored report against Flask serving a static file of the same size
   (target: ratio >= 0.8, i.e. at least 80 % of the static file's speed).

Ratios compare two measurements of the same run on the same machine, so they travel better than
the seconds. Each figure is the median of ``--repeat`` runs.
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


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def company_pdf(app, repeat: int) -> tuple[float, float, int]:
    publication = db.session.scalars(sa.select(Publication).order_by(Publication.id)).first()
    report = report_of(publication)
    static = Path(app.static_folder)
    with force_locale("en"):
        html = render_template("reports/company.html", report=report)
    plain = re.sub(r'<link rel="stylesheet"[^>]*>', MINIMAL_CSS, html)
    pages = company_report_pdf(report, "en").pages  # warms fonts and caches for both
    ours = median_seconds(lambda: company_report_pdf(report, "en"), repeat)
    minimal = median_seconds(lambda: render_pdf(plain, static, ARCHIVAL), repeat)
    return ours, minimal, pages


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


def aggregate_pdf(app, count: int, repeat: int) -> tuple[float, int]:
    companies, cycle = generated_companies(app, count)
    report = build_cycle_report(
        cycle={"slug": cycle.slug, "name_en": cycle.name_en, "name_zh": cycle.name_zh},
        checklist=cycle.checklist_version.checklist,
        companies=companies,
        invited=count,
        ledger_head=LedgerHead(1, "0" * 64),
    )
    pages = cycle_report_pdf(report, "en").pages
    return median_seconds(lambda: cycle_report_pdf(report, "en"), repeat), pages


def downloads(app, requests: int, repeat: int) -> tuple[float, float, int]:
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
        fetch(url)()  # warm up both
        fetch(static_url)()
        report_time = median_seconds(fetch(url), repeat)
        static_time = median_seconds(fetch(static_url), repeat)
    finally:
        static_copy.unlink()
    return report_time, static_time, stored.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
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
            print(f"Report benchmark, median of {args.repeat} runs, {alliance_today()}")
            ours, minimal, pages = company_pdf(app, args.repeat)
            print(
                f"company PDF ({pages} pages): {ours:.2f} s; same HTML, minimal stylesheet: "
                f"{minimal:.2f} s; ratio {ours / minimal:.2f} (target <= 1.3)"
            )
            small, small_pages = aggregate_pdf(app, 22, args.repeat)
            large, large_pages = aggregate_pdf(app, 220, 1)
            print(
                f"aggregate PDF, 22 companies ({small_pages} pages): {small:.2f} s (target < 3 s)"
            )
            print(
                f"aggregate PDF, 220 companies ({large_pages} pages): {large:.2f} s = "
                f"{large / small:.1f} x the 22 figure (target < 10.5 x)"
            )
            report_time, static_time, size = downloads(app, args.requests, args.repeat)
            print(
                f"download of a stored {size / 1024:.0f} KiB PDF, {args.requests} requests: "
                f"{report_time:.2f} s; the same file as a static file: {static_time:.2f} s; "
                f"speed ratio {static_time / report_time:.2f} (target >= 0.8)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
