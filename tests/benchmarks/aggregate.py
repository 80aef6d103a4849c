"""The cycle's aggregate PDF at roster scale: time and peak memory (a benchmark, not a test: it
prints numbers).

    .venv/bin/python -m tests.benchmarks.aggregate [--sizes 22,220,2200] [--lang en] [--work DIR]
        [--code DIR]

For each roster size N it seeds a throwaway SQLite instance with `tracker demo --no-serve
--signatories N --no-reports --no-witnesses` (about 60 % of the generated signatories publish),
then builds the cycle's aggregate in a fresh subprocess, as the report job does
(tracker.reports.services.cycle_report, then tracker.reports.rendering.cycle_report_pdf), and
prints the seconds of each step (wall clock, and the subprocess's CPU seconds, which a machine
shared with other work disturbs less), its peak resident memory (``os.wait4``'s ``ru_maxrss``,
the whole interpreter included), the pages, and the growth between sizes: CPU seconds per
published company and the memory ratio. ``--work DIR`` keeps the seeded instances there (and
reuses them), so that a second run measures the rendering only; ``--code DIR`` renders with the
`tracker` package of another checkout (e.g. the main branch's, for a before and after).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CYCLE = "2025-annual"


@dataclass(frozen=True)
class Measured:
    signatories: int
    published: int
    pages: int
    size: int
    parts: int
    context_seconds: float
    render_seconds: float
    cpu_seconds: float
    peak_mib: float


def instance_env(instance: Path, code: Path = ROOT) -> dict[str, str]:
    """The environment of a `tracker` process on the instance's own SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRACKER_DATABASE_URL")}
    env["TRACKER_INSTANCE_PATH"] = str(instance)
    env["PYTHONPATH"] = str(code)
    return env


def seed(instance: Path, signatories: int) -> float:
    """Seed the instance (unless it was seeded before); the seconds it took."""
    done = instance / "seeded"
    if done.exists():
        return 0.0
    instance.mkdir(parents=True, exist_ok=True)
    tracker = Path(sys.executable).with_name("tracker")
    start = time.perf_counter()
    seeded = subprocess.run(
        [
            str(tracker),
            "demo",
            "--no-serve",
            "--no-reports",
            "--no-witnesses",
            "--signatories",
            str(signatories),
        ],
        env=instance_env(instance),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode:
        raise SystemExit(f"seeding failed (exit {seeded.returncode}):\n{seeded.stderr[-2000:]}")
    done.write_text(str(signatories))
    return time.perf_counter() - start


def render(instance: Path, language: str, code: Path) -> tuple[dict, float, float]:
    """The child's figures, its CPU seconds and its peak resident memory in MiB (Linux:
    ru_maxrss is in KiB)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, language],
        env=instance_env(instance, code),
        cwd=code,
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"the render failed (exit {child.returncode})")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    return figures, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


# The subprocess: build the aggregate of the demo's current cycle once, print JSON. A string
# run by ``python -c``, so that it runs against any checkout's ``tracker`` (``--code``).
CHILD = f"""
import json, sys, time
import sqlalchemy as sa
from tracker.app import create_app
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.reports.rendering import cycle_report_pdf
from tracker.reports.services import cycle_report

app = create_app({{"REPORT_JOBS": "off"}})
with app.test_request_context():
    cycle = db.session.scalars(sa.select(Cycle).filter_by(slug={CYCLE!r})).one()
    start = time.perf_counter()
    report = cycle_report(db.session, cycle)
    built = time.perf_counter()
    pdf = cycle_report_pdf(report, sys.argv[1])
    done = time.perf_counter()
print(json.dumps({{
    "published": len(report.companies), "pages": pdf.pages, "size": len(pdf.data),
    "parts": getattr(pdf, "parts", 1), "context": built - start, "render": done - built,
}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="22,220,2200", help="roster sizes, comma-separated")
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--work", type=Path, help="keep (and reuse) the seeded instances here")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="the checkout whose tracker renders"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if any(n < 22 for n in sizes):
        parser.error("every size must be at least 22 (the demo's own signatories)")
    work = args.work or Path(tempfile.mkdtemp(prefix="tracker-aggregate-"))
    print(
        f"Aggregate PDF benchmark ({args.lang}), one render per size in a fresh subprocess, "
        f"code of {args.code.resolve()}"
    )
    results: list[Measured] = []
    try:
        for n in sizes:
            instance = work / f"roster-{n}"
            seeded = seed(instance, n)
            figures, cpu, peak = render(instance, args.lang, args.code.resolve())
            m = Measured(
                n,
                figures["published"],
                figures["pages"],
                figures["size"],
                figures["parts"],
                figures["context"],
                figures["render"],
                cpu,
                peak,
            )
            results.append(m)
            print(
                f"{n} signatories, {m.published} published: {m.pages} pages, "
                f"{m.size / 2**20:.1f} MiB, {m.parts} part(s); context {m.context_seconds:.1f} s, "
                f"PDF {m.render_seconds:.1f} s; CPU {m.cpu_seconds:.1f} s in all "
                f"({1000 * m.cpu_seconds / m.published:.0f} ms per company); "
                f"peak RSS {m.peak_mib:.0f} MiB"
                + (f" (seeded in {seeded:.0f} s)" if seeded else ""),
                flush=True,
            )
        for small, large in itertools.pairwise(results):
            per = (large.cpu_seconds / large.published) / (small.cpu_seconds / small.published)
            print(
                f"{small.published} -> {large.published} companies "
                f"({large.published / small.published:.1f} x): CPU time "
                f"{large.cpu_seconds / small.cpu_seconds:.1f} x (per company {per:.2f} x), "
                f"peak memory {large.peak_mib / small.peak_mib:.1f} x"
            )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
