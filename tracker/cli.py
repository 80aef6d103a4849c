"""The ``tracker`` command: Flask's CLI (run, shell, routes, db …) plus tracker's own commands."""

import sys

import click
from flask.cli import FlaskGroup

from tracker.app import create_app
from tracker.benchmarks.cli import benchmarks
from tracker.checklists.cli import checklist
from tracker.domain.benchmarks import RegistryError
from tracker.domain.checklist import ChecklistError
from tracker.witness.cli import witness


def create_app_or_exit():
    """Create the app; a broken checklist or benchmark registry ends the command with the file and
    the problem."""
    try:
        return create_app()
    except ChecklistError as exc:
        click.echo("tracker cannot start: a checklist file is invalid.", err=True)
        click.echo(str(exc), err=True)
        sys.exit(2)
    except RegistryError as exc:
        click.echo("tracker cannot start: the benchmark registry is invalid.", err=True)
        click.echo(str(exc), err=True)
        sys.exit(2)


cli = FlaskGroup(
    create_app=create_app_or_exit,
    add_version_option=True,
    help="tracker: voluntary AI safety-commitment disclosures.",
)
# Registered here as well as on the app: `tracker checklist check` and `tracker benchmarks check`
# must work when a broken file keeps the app from starting, and a witness runs without the app.
cli.add_command(benchmarks)
cli.add_command(checklist)
cli.add_command(witness)


def main() -> None:
    cli.main(prog_name="tracker")
