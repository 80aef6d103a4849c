"""The request class: NUL characters never reach the database.

PostgreSQL refuses text containing NUL (SQLite stores it), so a form or query string holding one
would fail deep in a query. They carry no meaning in this app's text, so they are dropped where
form data and query arguments are parsed, once, for every view.
"""

from functools import cached_property

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict


def _without_nul(data: MultiDict[str, str]) -> MultiDict[str, str]:
    if not any("\x00" in key or "\x00" in value for key, value in data.items(multi=True)):
        return data
    return ImmutableMultiDict(
        (key.replace("\x00", ""), value.replace("\x00", ""))
        for key, value in data.items(multi=True)
    )


class TrackerRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> MultiDict[str, str]:
        return _without_nul(super().args)
