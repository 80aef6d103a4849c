"""``tracker ledger verify | checkpoint | cosign | status``."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import db
from tracker.ledger.jobs import cosign_all
from tracker.ledger.keys import log_key
from tracker.ledger.log import latest_checkpoint, latest_cosigned, witnessed_by
from tracker.ledger.policy import log_policy
from tracker.ledger.services import ledger_head, record_checkpoint, verify_ledger
from tracker.ledger.witnesses import witness_states


@click.group(help="The publication ledger and its log.")
def ledger():
    pass


@ledger.command("verify")
@with_appcontext
def verify():
    """Recompute every snapshot, entry and leaf hash and the chain, check every publication has
    its entry and the tree matches every signed checkpoint; exit 1 at the first mismatch."""
    count, finding = verify_ledger(db.session)
    if finding is not None:
        click.echo(f"ledger verification FAILED at {finding}", err=True)
        sys.exit(1)
    head = ledger_head(db.session)
    checkpoint = latest_checkpoint(db.session)
    click.echo(
        f"ledger ok: {count} entries"
        + (f", head {head.entry_hash}" if head else "")
        + (f", checkpoint {checkpoint.size} root {checkpoint.root_hash}" if checkpoint else "")
    )


@ledger.command("checkpoint")
@with_appcontext
def checkpoint():
    """Sign a checkpoint of the whole ledger if none covers it yet (a ledger older than its
    log gets its tree and first checkpoint; no entry changes). Prints the checkpoint."""
    made = record_checkpoint(db.session, log_key(), clock.now())
    db.session.commit()
    click.echo(made.note, nl=False)


@ledger.command("cosign")
@click.option("--force", is_flag=True, help="Ask witnesses that failed before their back-off ends.")
@with_appcontext
def cosign(force: bool):
    """Send the latest checkpoint to every witness of the policy that has not cosigned it
    (for cron, and to retry a witness that was down); exit 1 if one failed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    deliveries = cosign_all(app, force)
    for d in deliveries:
        size = f" at size {d.size}" if d.size is not None else ""
        click.echo(f"{d.witness}: {d.outcome}{size}" + (f" ({d.error})" if d.error else ""))
    if not deliveries:
        click.echo("the policy names no witness")
    if any(d.outcome == "failed" for d in deliveries):
        sys.exit(1)


@ledger.command("status")
@with_appcontext
def status():
    """The log's key, policy, latest and latest cosigned checkpoints, and witness delivery."""
    policy = log_policy()
    signer = log_key()
    click.echo(f"origin   {signer.name}\nkey      {signer.verifier.vkey}")
    click.echo(f"policy   sha256 {policy.fingerprint} (quorum {policy.policy.quorum})")
    latest = latest_checkpoint(db.session)
    cosigned = latest_cosigned(db.session, policy.policy)
    click.echo(f"latest   {latest.size if latest else 'none'}")
    click.echo(f"cosigned {cosigned.size if cosigned else 'none'}")
    if cosigned is not None:
        for name, timestamp in sorted(
            witnessed_by(db.session, cosigned.size, policy.policy).items()
        ):
            click.echo(f"  {name} at {timestamp}")
    states = witness_states(db.session)
    for witness in policy.policy.witnesses.values():
        state = states.get(witness.verifier.name)
        if state is None:
            click.echo(f"witness {witness.name}: never asked")
        else:
            click.echo(
                f"witness {witness.name}: cosigned {state.cosigned_size}"
                + (
                    f", {state.attempts} failures, last: {state.last_error}"
                    if state.last_error
                    else ""
                )
            )
