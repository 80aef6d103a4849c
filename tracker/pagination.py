"""One page of a query, from the ``page`` query parameter and the configured page size."""

import sqlalchemy as sa
from flask import abort, current_app
from flask_sqlalchemy.pagination import Pagination

from tracker.db import db
from tracker.params import page_number


def paginate(query: sa.Select) -> Pagination:
    """The requested page; a page past the end is a 404, a page that is not a whole number
    from 1 to MAX_PAGE is a 400 (tracker.params)."""
    page = db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    if page.page > 1 and not page.items:
        abort(404)
    return page
