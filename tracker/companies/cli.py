"""``tracker companies``: the roster from the command line."""

import click


@click.group(help="The roster of companies.")
def companies():
    pass
