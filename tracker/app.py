"""The app factory: configuration, extensions, blueprints and commands, in one place."""

import os

from flask import Flask, Response, request
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import (
    bidi,
    config,
    demomark,
    errors,
    i18n,
    pagecache,
    params,
    ratelimit,
    requestlog,
    security,
    sorting,
    templating,
)
from tracker.auth import login
from tracker.benchmarks import presenting as benchmark_presenting
from tracker.benchmarks import registry as benchmark_registry
from tracker.cycles import labels as cycle_labels
from tracker.db import db
from tracker.domain.checklist import load_checklist_directory
from tracker.filing import forms as filing_forms
from tracker.jobs import labels as job_labels
from tracker.jobs import queues as job_queues
from tracker.ledger import jobs as ledger_jobs
from tracker.ledger import keys as ledger_keys
from tracker.metrics import services as metrics
from tracker.outbox import jobs as outbox_jobs
from tracker.outbox import labels as outbox_labels
from tracker.reports import jobs as report_jobs
from tracker.reports import rendering as report_rendering
from tracker.requests import TrackerRequest
from tracker.resources import PACKAGE_DIR, default_instance_path, resource_dir
from tracker.storage import services as storage

# Batch mode lets later migrations alter tables on SQLite, which has no ALTER CONSTRAINT.
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. Raises ChecklistError (RegistryError), naming file and problem, if a
    checklist (the benchmark registry) is broken."""

    instance_path = os.environ.get("TRACKER_INSTANCE_PATH") or str(default_instance_path())
    if test_config and test_config.get("INSTANCE_PATH"):
        instance_path = test_config["INSTANCE_PATH"]
    app = Flask(
        "tracker",  # the package: its folder holds static/ and the migrations
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    app.request_class = TrackerRequest
    config.configure(app, test_config)
    requestlog.init_app(app)  # logging first; its after_request (the X-Request-ID) runs late
    metrics.init_app(app)  # first hooks: the time it records covers the others'
    if app.config.get("PROXY_HOPS"):
        # Behind a load balancer: trust that many proxies for the client address and scheme.
        hops = int(app.config["PROXY_HOPS"])
        # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    # The checklist files are checked before anything else: a broken file must stop the app.
    checklist_dir = app.config["CHECKLIST_DIR"]
    app.extensions["tracker.checklist_files"] = load_checklist_directory(checklist_dir)
    benchmark_registry.init_app(app)  # so is the benchmark registry (RegistryError)

    db.init_app(app)
    storage.init_app(app)  # an unknown STORAGE stops the app here
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"))
    i18n.init_app(app)
    csrf.init_app(app)
    login.init_app(app)
    ratelimit.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    demomark.init_app(app)  # demo_data(): the fictional-data marker of pages and PDFs
    bidi.init_app(app)
    sorting.init_app(app)  # table_url for sortable tables' links
    params.init_app(app)  # the int converter, before the blueprints add their routes
    errors.init_app(app)
    ledger_keys.init_app(app)  # the log's key, generated on first start like the secret key
    job_queues.init_app(app)  # the job queue, when REDIS_URL is set (tracker.jobs)
    job_labels.init_app(app)
    ledger_jobs.init_app(app)
    report_jobs.init_app(app)
    report_rendering.init_app(app)
    cycle_labels.init_app(app)
    benchmark_presenting.init_app(app)  # result values, fields and charts, with their labels
    outbox_labels.init_app(app)
    outbox_jobs.init_app(app)
    filing_forms.init_app(app)
    pagecache.init_app(app)  # last: its after_request hook runs before the others
    _register_blueprints(app)
    _register_refusals(app)
    _register_commands(app)
    _register_models()
    _store_narratives(app)
    return app


def _store_narratives(app: Flask) -> None:
    """Narratives on pages come from the store (tracker.narratives): rendered once per text,
    and the differences between two texts worked out once per pair.

    A page that meets a text never rendered (or a pair never compared) stores the result; a GET
    commits nothing else (no GET writes), so what it stored is committed after a successful
    response.
    """
    from tracker.narratives import services as narratives

    app.extensions[templating.NARRATIVE_SOURCE] = lambda texts: narratives.html_for(
        db.session, texts
    )
    app.extensions[templating.DIFF_SOURCE] = lambda pairs: narratives.diffs_for(db.session, pairs)

    @app.after_request
    def commit_stored_narratives(response: Response) -> Response:
        if (
            db.session.info.pop(narratives.STORED, False)
            and request.method in ("GET", "HEAD")
            and response.status_code < 400
        ):
            db.session.commit()
        return response


def _register_commands(app: Flask) -> None:
    from tracker.backup.cli import backup, restore
    from tracker.benchmarks.cli import benchmarks
    from tracker.checklists.cli import checklist
    from tracker.companies.cli import companies
    from tracker.cycles.cli import cycles
    from tracker.demo.cli import demo
    from tracker.jobs.cli import worker
    from tracker.ledger.cli import ledger
    from tracker.outbox.cli import outbox
    from tracker.reminders.cli import reminders
    from tracker.reports.cli import reports
    from tracker.search.cli import search
    from tracker.users.cli import users
    from tracker.witness.cli import witness

    for group in (
        backup,
        restore,
        benchmarks,
        checklist,
        companies,
        cycles,
        demo,
        ledger,
        outbox,
        reminders,
        reports,
        search,
        users,
        witness,
        worker,
    ):
        app.cli.add_command(group)


def _register_blueprints(app: Flask) -> None:
    from tracker.api.views import bp as api_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.badges.views import bp as badges_bp
    from tracker.benchmarks.views import bp as benchmarks_bp
    from tracker.companies.views import bp as companies_bp
    from tracker.compare.views import bp as compare_bp
    from tracker.cycles.views import bp as cycles_bp
    from tracker.feeds.views import bp as feeds_bp
    from tracker.filing.views import bp as filing_bp
    from tracker.health.views import bp as health_bp
    from tracker.jobs.views import bp as jobs_bp
    from tracker.ledger.views import bp as ledger_bp
    from tracker.metrics.views import bp as metrics_bp
    from tracker.opendata.views import bp as opendata_bp
    from tracker.outbox.views import bp as outbox_bp
    from tracker.public.views import bp as public_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.review.views import bp as review_bp
    from tracker.roster.views import bp as roster_bp
    from tracker.search.views import bp as search_bp
    from tracker.users.views import bp as users_bp

    for blueprint in (
        public_bp,
        companies_bp,
        benchmarks_bp,
        compare_bp,
        auth_bp,
        users_bp,
        roster_bp,
        outbox_bp,
        jobs_bp,
        audit_bp,
        filing_bp,
        ledger_bp,
        review_bp,
        reminders_bp,
        cycles_bp,
        reports_bp,
        opendata_bp,
        feeds_bp,
        badges_bp,
        api_bp,
        search_bp,
        health_bp,
        metrics_bp,
    ):
        app.register_blueprint(blueprint)


def _register_refusals(app: Flask) -> None:
    """What each feature says when it refuses, for the error handler (tracker.errors)."""
    from tracker.audit import messages as audit
    from tracker.auth import messages as accounts
    from tracker.compare import messages as compare
    from tracker.cycles import messages as cycles
    from tracker.filing import messages as filing
    from tracker.ledger import messages as ledger
    from tracker.reminders import messages as reminders
    from tracker.reports import messages as reports
    from tracker.review import messages as review
    from tracker.roster import messages as roster
    from tracker.storage import messages as stored_files

    for feature in (
        accounts,
        audit,
        compare,
        cycles,
        filing,
        ledger,
        reminders,
        reports,
        review,
        roster,
        stored_files,
        params,
        sorting,
    ):
        errors.register_refusals(app, feature.REFUSALS)


def _register_models() -> None:
    """Import every model module so that metadata (and so migrations) know all tables."""
    from tracker import demomark as _demomark  # noqa: F401
    from tracker.audit import models as _audit  # noqa: F401
    from tracker.auth import models as _auth  # noqa: F401
    from tracker.checklists import models as _checklists  # noqa: F401
    from tracker.companies import models as _companies  # noqa: F401
    from tracker.cycles import models as _cycles  # noqa: F401
    from tracker.filing import models as _filing  # noqa: F401
    from tracker.ledger import models as _ledger  # noqa: F401
    from tracker.narratives import models as _narratives  # noqa: F401
    from tracker.outbox import models as _outbox  # noqa: F401
    from tracker.reminders import models as _reminders  # noqa: F401
    from tracker.reports import models as _reports  # noqa: F401
    from tracker.review import models as _review  # noqa: F401
    from tracker.search import models as _search  # noqa: F401
    from tracker.storage import models as _storage  # noqa: F401
