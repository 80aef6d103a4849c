"""Public pages under load, as a ratio to hello-world on the same server (a benchmark, not a test).

    .venv/bin/python -m tests.benchmarks.public_pages [--db sqlite|postgresql|both]
        [--signatories N] [--duration 2] [--rounds 5] [--connections 8] [--worker]

For each database: seeds the demo into a throwaway database (``tracker demo --no-serve``;
PostgreSQL with ``--allow-any-database`` into a database made for the run and dropped after),
starts gunicorn with 2 workers on a free loopback port serving the app plus a hello-world route
(tests/benchmarks/hello_app.py) and loads every public page, API list and CSV with ``wrk``:
pages and API lists against hello-world, and the downloads that must be whole (a stored PDF, the
two CSVs) and any answer over 256 KiB against the same bytes served as a static file from
/static/. Each address is measured right after its yardstick, ``--rounds``
times. Prints one table per database: requests per second, the median ratio to hello-world (to
the static copy for a download), the same ratio of the server's CPU time per request (which
other load on the machine disturbs far less than requests per second), errors, and the target,
judged on the first ratio (public pages and API lists >= 0.5 x hello-world; downloads and large
answers >= 0.8 x their static copy).

``--signatories N`` is passed to ``tracker demo`` when it has that option (else the demo's 22).
``--worker`` serves as a deployment does (README, "Deploying"): the job queue on (Redis at
``TRACKER_BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/0``, a key prefix of the run's own)
and one ``tracker worker`` beside gunicorn; the demo is then seeded without its reports, so the
worker builds the ones the warm-up downloads ask for (a download answers 503 until its job is
done; the warm-up waits); the table's heading says how many jobs it ran.
Needs ``wrk`` (Debian: ``apt-get install -y wrk``, as root) and, for PostgreSQL, the server at
``TRACKER_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
STATIC = REPO / "tracker" / "static"
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PAGE_TARGET, DOWNLOAD_TARGET = 0.5, 0.8
LARGE = 256 * 1024  # bytes: a larger page or API answer is measured against its static copy


@dataclass(frozen=True)
class Run:
    rate: float  # requests per second
    cpu: float  # server CPU seconds per request
    errors: int


@dataclass
class Measured:
    name: str
    url: str
    yardstick: str  # "hello" or "static"
    pairs: list[tuple[Run, Run]]  # per round: the yardstick's run, then the address's

    @property
    def ratio(self) -> float:
        """The median ratio of rates; NaN (a miss) when no yardstick run served anything (the
        workers still busy with the previous address's requests)."""
        ratios = [page.rate / ruler.rate for ruler, page in self.pairs if ruler.rate]
        return statistics.median(ratios) if ratios else float("nan")

    @property
    def cpu_ratio(self) -> float:
        """The yardstick's server CPU per request over the address's: what the server could
        serve if it had the machine to itself."""
        ratios = [ruler.cpu / page.cpu for ruler, page in self.pairs if page.cpu and ruler.cpu]
        return statistics.median(ratios) if ratios else float("nan")

    @property
    def rate(self) -> float:
        return statistics.median(page.rate for _, page in self.pairs)

    @property
    def ruler_rate(self) -> float:
        return statistics.median(ruler.rate for ruler, _ in self.pairs)

    @property
    def errors(self) -> int:
        return sum(ruler.errors + page.errors for ruler, page in self.pairs)


def need_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        if shutil.which("wrk"):
            return "wrk"
    sys.exit("wrk is missing: install it as root with `apt-get install -y wrk`, then run again.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(kind: str, work: Path):
    """A throwaway database URL of ``kind``."""
    if kind == "sqlite":
        yield f"sqlite:///{work / 'bench.sqlite3'}"
        return
    name = f"tracker_bench_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


REDIS_URL = os.environ.get("TRACKER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def environment(url: str, instance: Path) -> dict[str, str]:
    instance.mkdir(parents=True, exist_ok=True)
    # Reports are rendered at their first download (the warm-up), not while seeding.
    (instance / "config.py").write_text('RENDER_REPORTS_ON_PUBLISH = False\nREPORT_JOBS = "off"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "DATABASE_"))}
    return env | {
        "DATABASE_URL": url,
        "TRACKER_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "benchmark",
        "PYTHONPATH": str(REPO),
    }


def seed(kind: str, env: dict[str, str], signatories: int | None, reports: bool = True) -> str:
    tracker = [str(VENV_BIN / "tracker")]
    options = subprocess.run(
        [*tracker, "demo", "--help"], env=env, capture_output=True, text=True, check=True
    ).stdout
    command = [*tracker, "demo", "--no-serve"]
    if not reports:  # the worker builds them, at their first download
        command.append("--no-reports")
    if kind != "sqlite":
        command.append("--allow-any-database")
    note = "22 signatories (the demo's)"
    if signatories is not None:
        if "--signatories" in options:
            command += ["--signatories", str(signatories)]
            note = f"{signatories} signatories"
        else:
            note += f"; this tracker demo has no --signatories, {signatories} not used"
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=REPO)
    return note


@contextmanager
def gunicorn(env: dict[str, str], port: int):
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "tests.benchmarks.hello_app:create_app()",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"http://127.0.0.1:{port}/__hello")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def worker(env: dict[str, str], log: Path):
    """``tracker worker`` on the run's queues until the block ends (SIGTERM: it finishes the
    job it runs); yields a function that counts the jobs it completed."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "tracker"), "worker", "--name", env["TRACKER_JOBS_PREFIX"]],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "Listening on" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"tracker worker did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield lambda: log.read_text(errors="replace").count("Job OK")
    finally:
        process.terminate()
        process.wait(timeout=120)


def forget_queue(prefix: str) -> None:
    """Delete the run's keys from Redis."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def get(url: str, wait: float = 0) -> bytes:
    """The body at ``url``; a 503 (a report still being built) is asked again for ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(1)


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's worker processes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master:  # the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wrk(binary: str, url: str, duration: int, connections: int, master: int) -> Run:
    """Requests per second, server CPU per request and errors (socket errors, non-2xx/3xx
    answers) of one wrk run."""
    cpu = server_cpu_seconds(master)
    output = subprocess.run(
        [binary, "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    cpu_per_request = (server_cpu_seconds(master) - cpu) / max(requests, 1)
    return Run(rate, cpu_per_request, errors + (int(non_2xx.group(1)) if non_2xx else 0))


def targets(base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, path) of every public page and API list, and of the downloads that must be
    whole (a stored PDF, the CSVs)."""
    ledger = json.loads(get(f"{base}/api/v1/ledger?per_page=200"))
    if ledger["links"]["next"]:  # the newest entry is on the last page
        last = -(-ledger["total"] // 200)
        ledger = json.loads(get(f"{base}/api/v1/ledger?per_page=200&page={last}"))
    newest = max(ledger["data"], key=lambda entry: entry["sequence"])
    company, cycle_slug = newest["company"], newest["cycle"]
    pages = [
        ("home /", "/"),
        ("/companies/", "/companies/"),
        ("company page", f"/companies/{company}"),
        ("/ledger/", "/ledger/"),
        ("/checklist/", "/checklist/"),
        ("/benchmarks/", "/benchmarks/"),
        ("benchmark page", "/benchmarks/harmbench"),
        ("API companies", "/api/v1/companies"),
        ("API cycles", "/api/v1/cycles"),
        ("API cycle", f"/api/v1/cycles/{cycle_slug}"),
        ("API cycle disclosures", f"/api/v1/cycles/{cycle_slug}/disclosures"),
        ("API cycle matrix", f"/api/v1/cycles/{cycle_slug}/matrix"),
        ("API ledger", "/api/v1/ledger"),
        ("API checklists", "/api/v1/checklists"),
    ]
    downloads = [
        ("stored PDF", f"/companies/{company}/report.pdf?cycle={cycle_slug}&lang=en"),
        ("aggregate PDF", f"/cycles/{cycle_slug}/report.pdf?lang=zh"),
        ("cycle CSV", f"/cycles/{cycle_slug}/disclosures.csv"),
        ("/ledger.csv", "/ledger.csv"),
    ]
    return pages, downloads


def run_database(kind: str, args, binary: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-pages-"))
    copies: list[Path] = []
    try:
        with database(kind, work) as url:
            env = environment(url, work / "instance")
            note = seed(kind, env, args.signatories, reports=not args.worker)
            with ExitStack() as stack:
                jobs_done = None
                if args.worker:
                    prefix = f"bench{secrets.token_hex(5)}"
                    stack.callback(forget_queue, prefix)
                    env |= {"TRACKER_REDIS_URL": REDIS_URL, "TRACKER_JOBS_PREFIX": prefix}
                    (work / "instance" / "config.py").write_text(
                        'RENDER_REPORTS_ON_PUBLISH = False\nREPORT_JOBS = "thread"\n'
                    )
                    jobs_done = stack.enter_context(worker(env, work / "worker.log"))
                base, master = stack.enter_context(gunicorn(env, free_port()))
                pages, downloads = targets(base)
                hello = "/__hello"
                # (name, path, yardstick path): pages against hello-world, each download
                # against a static copy of its own bytes (made and kept at its first request).
                # An answer of more than LARGE bytes is measured like a download: what it costs
                # is sending its bytes (the API's page of 20 whole disclosures is over 450 KiB).
                bodies = {path: get(base + path) for _, path in pages}
                runs = [(name, path, hello) for name, path in pages if len(bodies[path]) <= LARGE]
                sizes = {}
                large = [(name, path) for name, path in pages if len(bodies[path]) > LARGE]
                for name, path in downloads + large:
                    body = get(base + path, wait=600)  # with --worker: its job builds the PDF
                    copy = STATIC / f"benchmark-{secrets.token_hex(6)}{Path(path).suffix[:4]}"
                    copy.write_bytes(body)
                    copies.append(copy)
                    sizes[name] = len(body)
                    runs.append((name, path, f"/static/{copy.name}"))
                for each in {hello, *(p for _, p, _ in runs), *(y for _, _, y in runs)}:
                    for _ in range(4):  # warm every worker's caches
                        get(base + each)
                # Each address is measured right after its yardstick, so that a ratio compares
                # two runs under the same load of the machine; the median of --rounds ratios.
                results = []
                for name, path, ruler in runs:
                    pairs = []
                    for _ in range(args.rounds):
                        before, after = (
                            wrk(binary, base + each, args.duration, args.connections, master)
                            for each in (ruler, path)
                        )
                        pairs.append((before, after))
                    results.append(
                        Measured(name, path, "hello" if ruler == hello else "static", pairs)
                    )
                if jobs_done is not None:
                    note += f"; with 1 tracker worker beside it, which ran {jobs_done()} jobs"
        print_table(kind, note, results, sizes, args)
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def print_table(kind: str, note: str, results: list[Measured], sizes: dict[str, int], args) -> None:
    """One row per address: its rate, its yardstick's, the ratio, errors and the target."""
    weights = ", ".join(f"{name} {size / 1024:,.0f} KiB" for name, size in sizes.items())
    print(
        f"\n{kind}, {note}; gunicorn 2 workers, wrk -t2 -c{args.connections} -d{args.duration}s, "
        f"median of {args.rounds} rounds, {date.today()}; {weights}"
    )
    print(
        f"{'what':<24}{'req/s':>7}{'yardstick req/s':>17}{'ratio':>7}{'cpu ratio':>10}"
        f"{'errors':>7}  target"
    )
    failed = 0
    for r in results:
        goal = DOWNLOAD_TARGET if r.yardstick == "static" else PAGE_TARGET
        ok = r.ratio >= goal and r.errors == 0
        failed += not ok
        print(
            f"{r.name:<24}{r.rate:>7.0f}{r.ruler_rate:>10.0f} {r.yardstick:<6}{r.ratio:>7.2f}"
            f"{r.cpu_ratio:>10.2f}{r.errors:>7}  >= {goal}: {'ok' if ok else 'MISSED'}"
        )
    print(f"{failed} missed" if failed else "every target met")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--signatories", type=int, default=None)
    parser.add_argument("--duration", type=int, default=2, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each pair")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--worker", action="store_true", help="the job queue on, and a tracker worker beside"
    )
    args = parser.parse_args()
    binary = need_wrk()
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        run_database(kind, args, binary)


if __name__ == "__main__":
    main()
