"""``tracker demo``: migrate, load the checklists, seed the demo, prepare its reports, then
serve it."""

import time
from pathlib import Path

import click
from flask import Flask, current_app
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
    prepare_reports,
    seed_demo,
)
from tracker.demo.witnesses import WITNESS_PORTS, DemoWitness, start_witnesses, write_policy
from tracker.ledger.jobs import cosign_all
from tracker.ledger.keys import log_key
from tracker.ledger.log import latest_checkpoint
from tracker.ledger.models import LedgerEntry
from tracker.reports.fonts import MissingFont
from tracker.storage.services import REPORTS, blobs


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
@click.option(
    "--witnesses/--no-witnesses",
    default=True,
    show_default=True,
    help="Run two witnesses as threads, list them in the log's policy and cosign its checkpoint.",
)
@click.option(
    "--witness-port",
    "witness_ports",
    multiple=True,
    type=click.IntRange(0, 65535),
    help="The witnesses' ports (give it twice; 0: any free port). Default 7381 and 7382.",
)
@click.option(
    "--reports/--no-reports",
    default=True,
    show_default=True,
    help="Render and store the PDFs of the demo's own companies (every published version, "
    "both languages) and each cycle's aggregate now, so that no download waits for one.",
)
@with_appcontext
def demo(
    serve: bool,
    host: str,
    port: int,
    allow_any_database: bool,
    signatories: int,
    witnesses: bool,
    witness_ports: tuple[int, ...],
    reports: bool,
):
    """Set up the demo: migrate the database, load checklists, add fictional companies, and
    have two witnesses cosign the log's checkpoint.

    Running it again adds only what is missing.
    """
    if db.engine.dialect.name != "sqlite" and not allow_any_database:
        raise click.UsageError(
            "the demo adds fictional companies; it runs on the default SQLite database only. "
            "Pass --allow-any-database to seed this database anyway."
        )
    if witnesses and witness_ports and len(witness_ports) != 2:
        raise click.UsageError("give --witness-port twice (one per witness), or not at all")
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
    if reports:
        _prepare_reports()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    running = _witness(app, witness_ports or WITNESS_PORTS) if witnesses else []
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
        try:
            run_simple(host, port, app, threaded=True)
        finally:
            _stop(running)
    else:
        _stop(running)


def _prepare_reports() -> None:
    """Store the demo's reports before anyone asks for one (each takes a second or more), and
    say how long that took; a machine without a font for Chinese is told what to install."""
    started = time.monotonic()
    try:
        prepared = prepare_reports(db.session, blobs(REPORTS), commit=db.session.commit)
    except MissingFont as refused:
        db.session.rollback()
        click.echo(f"Reports: not prepared: {refused}.")
        return
    click.echo(
        f"Reports: {prepared.companies} company PDFs and {prepared.aggregates} aggregate PDFs "
        f"prepared in {time.monotonic() - started:.0f} s"
        + (f" ({prepared.stored} were stored already)." if prepared.stored else ".")
    )


def _stop(running: list[DemoWitness]) -> None:
    for witness in running:
        witness.stop()


def _witness(app: Flask, ports: tuple[int, ...]) -> list[DemoWitness]:
    """Start the demo's witnesses, list them in the policy and cosign the latest checkpoint."""
    signer = log_key(app)
    first = db.session.get(LedgerEntry, 1)
    # Witnesses keep their state; a demo database made anew is another log to them (a fork they
    # would rightly refuse), so each ledger has its own pair, named after its first entry.
    directory = (
        Path(app.instance_path) / "demo-witnesses" / (first.entry_hash[:16] if first else "empty")
    )
    started = start_witnesses(directory, signer, ports)
    policy_file = Path(app.config["LEDGER_POLICY_FILE"])
    if not write_policy(policy_file, signer, started):
        click.echo(f"Witnesses: {policy_file} was not written by the demo; it is left as it is.")
        return started
    deliveries = cosign_all(app, force=True)
    cosigned = sum(d.outcome in ("cosigned", "current") for d in deliveries)
    checkpoint = latest_checkpoint(db.session)
    click.echo(
        f"Witnesses: {', '.join(w.url for w in started)} (policy {policy_file}); "
        + (
            f"checkpoint {checkpoint.size} cosigned by {cosigned} of {len(deliveries)}."
            if checkpoint is not None
            else "nothing to cosign yet."
        )
    )
    for d in deliveries:
        if d.error:
            click.echo(f"  {d.witness}: {d.error}")
    return started
