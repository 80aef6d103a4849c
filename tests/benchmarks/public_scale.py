"""Public pages at roster scale: time and size of each page, in process (a benchmark, not a test).

    .venv/bin/tracker demo --no-serve --signatories 2200     # the roster, in DATABASE_URL
    .venv/bin/python -m tests.benchmarks.public_scale [--repeat 5] [--cycle 2025-annual]

Serves each address through the app's test client against the database of ``DATABASE_URL``
(the same settings as ``tracker``), reads the whole body (streamed ones too) and prints the
median time of ``--repeat`` requests, the size and the number of SQL statements. No server and
no cache: what one request costs the app. Concurrency and caching are measured elsewhere.
"""

from __future__ import annotations

import argparse
import statistics
import time

import sqlalchemy as sa

from tracker.app import create_app
from tracker.db import db


def measure(client, url: str, repeat: int) -> tuple[float, int, int, int]:
    """(median seconds, bytes, status, statements) of ``repeat`` GETs of ``url``."""
    times, size, status = [], 0, 0
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    for _ in range(repeat):
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            start = time.perf_counter()
            response = client.get(url, buffered=True)
            size = len(response.get_data())
            times.append(time.perf_counter() - start)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        status = response.status_code
    return statistics.median(times), size, status, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cycle", default="2025-annual")
    args = parser.parse_args()
    app = create_app()
    app.config["PUBLIC_CACHE"] = False  # what computing each page costs, not serving a copy
    urls = [
        "/",
        "/companies/",
        "/ledger/",
        "/checklist/",
        f"/api/v1/cycles/{args.cycle}/matrix",
        f"/api/v1/cycles/{args.cycle}/disclosures",
        f"/cycles/{args.cycle}/disclosures.csv",
        "/ledger.csv",
        f"/cycles/{args.cycle}/",
        f"/cycles/{args.cycle}/?sort=overall&order=desc&page=2",
        "/search?q=红队",
        "/search?q=red+team",
        "/search?q=benchmark&status=met",
        "/feeds/publications.atom",
        "/data/",
        "/methodology/",
        f"/cycles/{args.cycle}/bundle.zip",
    ]
    with app.app_context():
        companies = db.session.scalar(sa.text("SELECT count(*) FROM companies"))
        published = db.session.scalar(
            sa.text(
                "SELECT count(DISTINCT p.company_id) FROM publications p "
                "JOIN cycles c ON c.id = p.cycle_id WHERE c.slug = :slug"
            ),
            {"slug": args.cycle},
        )
        slug, other, third, fourth = db.session.scalars(
            sa.text(
                "SELECT DISTINCT c.slug FROM companies c "
                "JOIN publications p ON p.company_id = c.id "
                "JOIN cycles y ON y.id = p.cycle_id WHERE y.slug = :slug ORDER BY c.slug LIMIT 4"
            ),
            {"slug": args.cycle},
        ).all()
    urls.insert(2, f"/companies/{slug}")
    urls.insert(3, f"/companies/{slug}/badge.svg")
    urls += [
        f"/compare?companies={slug},{other}&cycle={args.cycle}",
        f"/compare?companies={slug},{other},{third},{fourth}&cycle={args.cycle}",
    ]
    print(app.config["SQLALCHEMY_DATABASE_URI"])
    print(f"{companies} companies, {published} published in {args.cycle}; median of {args.repeat}")
    client = app.test_client()
    client.get("/")  # warm-up: templates compiled, checklists parsed
    print(f"{'address':<45} {'status':>6} {'seconds':>8} {'kB':>9} {'queries':>7}")
    for url in urls:
        with app.app_context():
            seconds, size, status, statements = measure(client, url, args.repeat)
        print(f"{url:<45} {status:>6} {seconds:>8.3f} {size / 1024:>9.1f} {statements:>7}")


if __name__ == "__main__":
    main()
