"""One page of a query, from the ``page`` query parameter and the configured page size."""

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_sqlalchemy.pagination import Pagination

from tracker.db import db


def paginate(query: sa.Select) -> Pagination:
    """The requested page; a page past the end is a 404, a page that is not a number is page 1."""
    page = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    if page.page > 1 and not page.items:
        abort(404)
    return page
