"""The request class: NUL characters and bidirectional controls never reach the database.

PostgreSQL refuses text containing NUL (SQLite stores it), so a form or query string holding one
would fail deep in a query. The embedding, override and isolate controls make text display in
another order than it is stored in (tracker.bidi). Neither carries meaning in this app's text,
so they are dropped where form data, query arguments and JSON bodies are parsed, once, for
every view.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from tracker.bidi import BIDI_CONTROLS, without_bidi_controls

_DROPPED = "\x00" + BIDI_CONTROLS


def _clean(text: str) -> str:
    return without_bidi_controls(text.replace("\x00", ""))


def _dirty(text: str) -> bool:
    return any(c in text for c in _DROPPED)


def _without_dropped(data: MultiDict[str, str]) -> MultiDict[str, str]:
    if not any(_dirty(key) or _dirty(value) for key, value in data.items(multi=True)):
        return data
    return ImmutableMultiDict((_clean(key), _clean(value)) for key, value in data.items(multi=True))


def _cleaned_json(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_cleaned_json(v) for v in value]
    if isinstance(value, dict):
        return {_cleaned_json(k): _cleaned_json(v) for k, v in value.items()}
    return value


class TrackerRequest(Request):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_dropped(self.__dict__["form"])

    @cached_property
    def args(self) -> MultiDict[str, str]:
        return _without_dropped(super().args)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The JSON body, with NUL and bidirectional controls taken out of every string."""
        return _cleaned_json(super().get_json(force=force, silent=silent, cache=cache))
