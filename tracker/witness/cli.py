"""``tracker witness keygen`` and ``tracker witness serve``: no app, no app database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.witness.keys import WitnessConfigError, create_key, load_key, trusted_logs
from tracker.witness.wsgi import WitnessApp, make_witness_server

STATE = click.option(
    "--state",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The witness's directory: its key, its state.sqlite3 and optionally logs.txt.",
)


@click.group(help="Run a tlog-witness for another organisation's log (its own key and state).")
def witness():
    pass


@witness.command("keygen")
@STATE
@click.option("--name", required=True, help="The witness's name, e.g. witness.example.org.")
def keygen(state: Path, name: str):
    """Generate the witness key into STATE/witness.key (mode 0600) and print its vkey."""
    try:
        signer = create_key(state, name)
    except WitnessConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(signer.cosigner.vkey)


@witness.command("serve")
@STATE
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=7380,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port (printed on start).",
)
@click.option(
    "--log",
    "log_specs",
    multiple=True,
    metavar="ORIGIN=VKEY",
    help="A log to witness and its key (repeatable; also read from STATE/logs.txt).",
)
def serve(state: Path, host: str, port: int, log_specs: tuple[str, ...]):
    """Serve POST /add-checkpoint until interrupted."""
    try:
        signer = load_key(state)
        logs = trusted_logs(state, log_specs)
    except WitnessConfigError as exc:
        raise click.ClickException(str(exc)) from None
    server = make_witness_server(WitnessApp(state, signer, logs), host, port)
    bound = server.server_address[1]
    click.echo(f"witness {signer.cosigner.vkey} listening on http://{host}:{bound}/")
    click.echo(f"logs: {', '.join(sorted(logs))}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
