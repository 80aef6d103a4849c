"""Configuration: defaults here, then ``instance/config.py``, then environment variables.

Nothing secret lives in this file: a missing SECRET_KEY is generated once into the instance
folder, so every process of one installation shares it and restarts keep sessions valid.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from tracker.clock import zone_named
from tracker.resources import resource_dir

DEFAULTS = {
    "BABEL_DEFAULT_LOCALE": "en",
    # The alliance's time zone: due dates are its calendar days, and pages show its times
    # (tracker.clock; Babel formats dates in it too).
    "TIMEZONE": "Asia/Shanghai",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "PAGE_SIZE": 50,
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    # Links in mail are built on BASE_URL when set, never on the request's Host header.
    "BASE_URL": None,
    "PROXY_HOPS": 0,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "PASSWORD_MIN_LENGTH": 15,
    "INVITATION_TTL": timedelta(days=7),
    "PASSWORD_RESET_TTL": timedelta(hours=1),
    # Sign-in attempts allowed per account and per address before a pause (moving windows,
    # counted before the password is checked). A correct sign-in clears its account's count;
    # the address counts every attempt, so it leaves room for several people behind one address.
    "SIGN_IN_ACCOUNT_LIMIT": "5 per 15 minutes",
    "SIGN_IN_ADDRESS_LIMIT": "60 per hour",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "tracker",
    "RATELIMIT_HEADERS_ENABLED": True,
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_SECURITY": "starttls",
    "MAIL_SENDER": "tracker@localhost",
    # Where attachments and reports are kept, by content hash (tracker.storage): "local", the
    # instance folders below (UPLOAD_DIR, REPORT_DIR), or "database", the database every app
    # process shares, so that any host serves what another stored.
    "STORAGE": "local",
    # Attachments: stored under UPLOAD_DIR (default instance/uploads) by content hash.
    "UPLOAD_DIR": None,
    "ATTACHMENT_MAX_SIZE": 10 * 1024 * 1024,
    "ATTACHMENTS_PER_ITEM": 10,
    "ATTACHMENTS_TOTAL_SIZE": 200 * 1024 * 1024,
    # Every Eval Ever imports into a draft (tracker.opendata): the largest file read, and how
    # many an officer may send (a file is checked record by record against the schema).
    "RESULTS_IMPORT_MAX_SIZE": 1024 * 1024,
    "RESULTS_IMPORT_LIMIT": "30 per hour",
    # Searches per address (each reads the index; a cached page is cheap, but counts too).
    "SEARCH_LIMIT": "60 per minute",
    "ATTACHMENT_TYPES": [
        "pdf",
        "png",
        "jpg",
        "gif",
        "webp",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "odp",
    ],
    # Rendered PDF reports, stored once by content hash (default instance/reports); a published
    # version's reports are rendered when it is published (else at the first download).
    "REPORT_DIR": None,
    "OPENDATA_DIR": None,  # the open-data downloads, one file per public generation
    "RENDER_REPORTS_ON_PUBLISH": True,
    # How aggregate reports are built outside requests: "thread", "inline" or "off".
    "REPORT_JOBS": "thread",
    # A cycle's aggregate with more published companies than REPORT_AGGREGATE_PART_SIZE is
    # rendered in parts (tracker.reports.parts): that many company summaries to a part, and a
    # table (the companies x commitments matrix, the results matrix) REPORT_AGGREGATE_TABLE_ROWS
    # rows to a part; each part is laid out on its own and the parts joined, so that memory stays
    # bounded whatever the roster. 0 renders every aggregate in one piece.
    "REPORT_AGGREGATE_PART_SIZE": 150,
    "REPORT_AGGREGATE_TABLE_ROWS": 1000,
    # Answer limits: characters per narrative, note and reason; links per item.
    "NARRATIVE_MAX_LENGTH": 20_000,
    "NOTE_MAX_LENGTH": 5_000,
    "LINKS_PER_ITEM": 10,
    # Public pages, API documents and CSVs are kept whole per public generation (tracker.pagecache):
    # in each process (SimpleCache) unless CACHE_REDIS_URL names a Redis all processes share.
    # PUBLIC_GENERATION_INTERVAL: seconds a process may go on serving a generation another
    # process has replaced (the staleness bound; the process that commits knows at once).
    "PUBLIC_CACHE": True,
    "PUBLIC_GENERATION_INTERVAL": 2.0,
    "PUBLIC_CACHE_MAX_BYTES": 16 * 1024 * 1024,
    "CACHE_REDIS_URL": None,
    "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
    "CACHE_THRESHOLD": 2000,
    "CACHE_KEY_PREFIX": "tracker:",
    # The publication log (tracker.ledger): its origin (the name in every checkpoint and of its
    # key; operators set their own, e.g. "tracker.example.org/ledger"), its key file (default
    # instance/ledger-log.key, generated once), its policy file (C2SP tlog-policy: the log key,
    # the witnesses and their URLs, the quorum; default instance/ledger-policy.txt, and without
    # it the log line plus "quorum none"), how checkpoints reach the witnesses ("thread",
    # "inline" or "off", as REPORT_JOBS), and the time one witness may take to answer.
    "LEDGER_ORIGIN": "localhost/ledger",
    "LEDGER_KEY_FILE": None,
    "LEDGER_POLICY_FILE": None,
    "LEDGER_COSIGN_JOBS": "thread",
    "LEDGER_WITNESS_TIMEOUT": 10.0,
    # The job queue (tracker.jobs): the Redis that RQ keeps its queues in. None (the default)
    # runs jobs in-process as REPORT_JOBS and LEDGER_COSIGN_JOBS say; set, "thread" means "on the
    # queue", run by `tracker worker`. Its own setting, not CACHE_REDIS_URL: a cache may be a
    # Redis that evicts keys under memory pressure, which must never drop a queued job.
    # JOBS_PREFIX names the queues and job ids (two installations may share one Redis).
    "REDIS_URL": None,
    "JOBS_PREFIX": "tracker",
    # Days before the due date at which companies that have not submitted are reminded.
    "REMINDER_DAYS": [14, 7, 1],
    # Logging (tracker.requestlog): "text" lines or "json" objects on stderr, from LOG_LEVEL up;
    # every record carries the request's id.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # /metrics (tracker.metrics) answers only a scraper sending "Authorization: Bearer <this>";
    # without it the page does not exist (404).
    "METRICS_TOKEN": None,
}

# Environment variable -> config key; TRACKER_* names win over the conventional ones.
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "TRACKER_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "TRACKER_SECRET_KEY": "SECRET_KEY",
    "TRACKER_CHECKLIST_DIR": "CHECKLIST_DIR",
    "TRACKER_BENCHMARK_REGISTRY": "BENCHMARK_REGISTRY",
    "TRACKER_BASE_URL": "BASE_URL",
    "TRACKER_TIMEZONE": "TIMEZONE",
    "TRACKER_PROXY_HOPS": "PROXY_HOPS",
    "TRACKER_STORAGE": "STORAGE",
    "TRACKER_UPLOAD_DIR": "UPLOAD_DIR",
    "TRACKER_REPORT_DIR": "REPORT_DIR",
    "TRACKER_OPENDATA_DIR": "OPENDATA_DIR",
    "TRACKER_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "TRACKER_CACHE_REDIS_URL": "CACHE_REDIS_URL",
    "TRACKER_PUBLIC_GENERATION_INTERVAL": "PUBLIC_GENERATION_INTERVAL",
    "TRACKER_LEDGER_ORIGIN": "LEDGER_ORIGIN",
    "TRACKER_LEDGER_KEY": "LEDGER_KEY_FILE",
    "TRACKER_LEDGER_POLICY": "LEDGER_POLICY_FILE",
    "TRACKER_LEDGER_COSIGN_JOBS": "LEDGER_COSIGN_JOBS",
    "TRACKER_REDIS_URL": "REDIS_URL",
    "TRACKER_JOBS_PREFIX": "JOBS_PREFIX",
    "TRACKER_MAIL_SERVER": "MAIL_SERVER",
    "TRACKER_MAIL_PORT": "MAIL_PORT",
    "TRACKER_MAIL_SECURITY": "MAIL_SECURITY",
    "TRACKER_MAIL_USERNAME": "MAIL_USERNAME",
    "TRACKER_MAIL_PASSWORD": "MAIL_PASSWORD",
    "TRACKER_MAIL_SENDER": "MAIL_SENDER",
    "TRACKER_LOG_FORMAT": "LOG_FORMAT",
    "TRACKER_LOG_LEVEL": "LOG_LEVEL",
    "TRACKER_METRICS_TOKEN": "METRICS_TOKEN",
}
TRUE_WORDS = {"1", "true", "yes", "on"}


def default_benchmark_registry() -> Path:
    """The benchmark registry that ships with tracker: a subfolder of the checklists' folder,
    whose own ``*.yaml`` files are all checklists."""
    return resource_dir("commitments") / "benchmarks" / "registry.yaml"


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def configure(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance config, environment, test config."""
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
        Path(app.instance_path) / "tracker.sqlite3"
    )
    app.config["CHECKLIST_DIR"] = str(resource_dir("commitments"))
    app.config["BENCHMARK_REGISTRY"] = str(default_benchmark_registry())
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for env_name, key in ENVIRONMENT.items():
            if os.environ.get(env_name):
                app.config[key] = os.environ[env_name]
        if os.environ.get("TRACKER_SECURE_COOKIES", "").lower() in TRUE_WORDS:
            app.config["SESSION_COOKIE_SECURE"] = True
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("REPORT_DIR"):
        app.config["REPORT_DIR"] = str(Path(app.instance_path) / "reports")
    if not app.config.get("OPENDATA_DIR"):
        app.config["OPENDATA_DIR"] = str(Path(app.instance_path) / "opendata")
    if not app.config.get("LEDGER_POLICY_FILE"):
        app.config["LEDGER_POLICY_FILE"] = str(Path(app.instance_path) / "ledger-policy.txt")
    # One setting for the zone: Babel formats times in the zone the clock reads.
    zone_named(app.config["TIMEZONE"])  # an unknown zone stops the app at start-up
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def instance_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it on first use.

    The key is written to a temporary file and hard-linked into place, so a process starting at
    the same moment either sees no file or the whole key, never half of one.
    """
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it to generate a new key")
    return key
