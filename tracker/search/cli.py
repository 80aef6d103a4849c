"""``tracker search reindex``."""

import click
from flask.cli import with_appcontext

from tracker.db import db
from tracker.ledger.services import reindex_search


@click.group(help="The search index.")
def search():
    pass


@search.command("reindex")
@with_appcontext
def reindex():
    """Build the search index again from the roster and what is published (the latest version
    of each company in each cycle), in one transaction."""
    companies, documents = reindex_search(db.session)
    db.session.commit()
    click.echo(f"search index rebuilt: {companies} companies, {documents} published answers")
