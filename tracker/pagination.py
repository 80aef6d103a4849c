"""One page of a query, from the ``page`` query parameter and the configured page size."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import abort, current_app
from flask_sqlalchemy.pagination import Pagination

from tracker.db import db
from tracker.params import page_number

T = TypeVar("T")


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


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """One page of a list already in memory, with what the ``pagination`` macro reads."""

    items: Sequence[T]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate_list(items: Sequence[T]) -> ListPage[T]:
    """The requested page of ``items`` (an empty list has one empty page); errors as paginate's."""
    size = current_app.config["PAGE_SIZE"]
    number = page_number()
    pages = max(1, -(-len(items) // size))
    if number > pages:
        abort(404)
    return ListPage(items[(number - 1) * size : number * size], number, pages)
