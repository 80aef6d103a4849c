"""``tracker demo``: migrate, load the checklists, seed the demo, then serve it."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from tracker import clock
from tracker.db import db
from tracker.demo import content
from tracker.demo.services import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    DEMO_SIGNATORIES,
    DEMO_STAFF,
    seed_demo,
)


@click.command("demo")
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Serve the app after seeding."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allow-any-database",
    is_flag=True,
    help="Seed even when the database is not SQLite (never on a production database).",
)
@click.option(
    "--signatories",
    default=DEMO_SIGNATORIES,
    show_default=True,
    type=click.IntRange(DEMO_SIGNATORIES, 100_000),
    help="How many signatories: beyond the demo's own, generated fictional companies "
    "(about 60%% published), to see and measure the site at scale.",
)
@with_appcontext
def demo(serve: bool, host: str, port: int, allow_any_database: bool, signatories: int):
    """Set up the demo: migrate the database, load checklists, add fictional companies.

    Running it again adds only what is missing.
    """
    if db.engine.dialect.name != "sqlite" and not allow_any_database:
        raise click.UsageError(
            "the demo adds fictional companies; it runs on the default SQLite database only. "
            "Pass --allow-any-database to seed this database anyway."
        )
    click.echo(f"Database: {db.engine.url.render_as_string(hide_password=True)}")
    upgrade()
    summary = seed_demo(
        db.session, current_app.extensions["tracker.checklist_files"], clock.today(), signatories
    )
    db.session.commit()
    click.echo(
        f"Demo ready: {summary.checklists_loaded} checklist versions, "
        f"{summary.companies_created} companies, {summary.users_created} users and "
        f"{summary.disclosures_created} disclosures added"
        + (" (nothing was missing)." if not any(vars(summary).values()) else ".")
    )
    first_officer = next(iter(content.companies())).slug
    click.echo(
        "Sign in at /sign-in with the password '" + DEMO_PASSWORD + "' as:\n"
        f"  {DEMO_ADMIN:<40} administrator\n"
        f"  {DEMO_STAFF:<40} alliance staff (reviewer)\n"
        f"  {'officer@' + first_officer + '.example':<40} compliance officer (one per company: "
        "officer@<company>.example, see /companies/)"
    )
    if serve:
        click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C stops)")
        # Flask's app.run() refuses to start inside a CLI command, so serve with Werkzeug directly.
        # current_app is a proxy that Flask's types present as the Flask object itself.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_simple(host, port, app, threaded=True)
