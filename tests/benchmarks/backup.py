"""Backup and restore speed on the demo with a 220-company roster (a benchmark, not a test: it
prints numbers).

    .venv/bin/python -m tests.benchmarks.backup [--signatories 220] [--blobs 100] [--no-postgresql]

Seeds the demo as ``tracker demo --signatories N --no-reports`` does into a new SQLite database,
stores ``--blobs`` random blobs of 256 KiB (the demo's PDFs are about 0.5 MB each; random bytes
do not compress, as PDFs barely do), then times, each through the command as an operator runs it:
``tracker backup`` of SQLite, ``tracker restore`` into a new SQLite database (local storage),
and, unless ``--no-postgresql``, ``tracker restore`` into a new PostgreSQL database (database
storage: the blobs move into it) and ``tracker backup`` of that. One round each: a backup is
seconds, and its cost is what an operator sees once a night.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from tests.support.app import alliance_today, make_app, postgres_database
from tests.support.backup import close, row_counts, target_app
from tracker.db import db
from tracker.demo.services import seed_demo
from tracker.storage.services import UPLOADS, blobs


def timed(app, *args: str) -> float:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"tracker {' '.join(args)} failed:\n{result.output}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatories", type=int, default=220)
    parser.add_argument("--blobs", type=int, default=100)
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        source = make_app(f"sqlite:///{work / 'source.sqlite3'}", work / "source")
        with source.app_context():
            upgrade()
            started = time.perf_counter()
            seed_demo(
                db.session,
                source.extensions["tracker.checklist_files"],
                alliance_today(),
                args.signatories,
            )
            for _ in range(args.blobs):
                blobs(UPLOADS).put(os.urandom(256 * 1024))
            db.session.commit()
            seeded = time.perf_counter() - started
        counts = row_counts(source)
        rows = sum(n for name, n in counts.items() if not name.startswith("blob"))
        print(
            f"Backup benchmark: demo with {args.signatories} signatories ({rows:,} rows, "
            f"{counts['search_documents']:,} search documents; seeded in {seeded:.0f} s) and "
            f"{args.blobs} blobs of 256 KiB, {alliance_today()}"
        )
        lines = []
        archive = work / "sqlite.tar.gz"
        seconds = timed(source, "backup", "--out", str(archive))
        lines.append(("backup, SQLite", seconds, archive.stat().st_size))
        sqlite_target = target_app(
            f"sqlite:///{work / 'target.sqlite3'}", work / "target", "local", key_from=source
        )
        seconds = timed(sqlite_target, "restore", str(archive))
        lines.append(("restore into SQLite (local storage)", seconds, None))
        if not args.no_postgresql:
            with postgres_database() as url:
                pg = target_app(url, work / "pg", "database", key_from=source)
                seconds = timed(pg, "restore", str(archive))
                lines.append(("restore into PostgreSQL (database storage)", seconds, None))
                again = work / "postgresql.tar.gz"
                seconds = timed(pg, "backup", "--out", str(again))
                lines.append(("backup, PostgreSQL", seconds, again.stat().st_size))
                close(pg)
        print(f"{'operation':<45} {'seconds':>8} {'archive MB':>11}")
        for name, seconds, size in lines:
            shown = f"{size / 1_000_000:.1f}" if size is not None else ""
            print(f"{name:<45} {seconds:>8.1f} {shown:>11}".rstrip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
