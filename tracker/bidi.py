"""Bidirectional controls: taken out where text enters, neutralised where stored text leaves.

The embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) make text display
in an order other than the one it is stored in: a link title "‮fdp.exe" reads "exe.pdf"
backwards. No text of this app needs them, so

* form fields, query arguments and JSON bodies lose them as they are parsed
  (tracker.requests, alongside NUL);
* whatever was stored before, or published (snapshots are hashed for the ledger and are never
  rewritten), loses them on the way out: every ``{{ … }}`` of a page or PDF (the Jinja
  environment's ``finalize``), every JSON answer (the app's JSON provider) and every CSV cell
  (tracker.csvsafe).

The marks U+200E, U+200F and U+061C (left-to-right, right-to-left and Arabic letter marks) are
kept: they embed and override nothing, so they cannot reverse a run of letters, and text that
mixes right-to-left scripts with numbers or Latin names needs them to display correctly.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
# The same characters as JSON escapes (``\u202e``), preceded by an even number of backslashes
# (an odd number would make the backslash itself the escaped character).
_ESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)\\u(?:202[a-eA-E]|206[6-9])")


def without_bidi_controls(text: str) -> str:
    """``text`` without the embedding, override and isolate controls."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def finalize(value: Any) -> Any:
    """Jinja's ``finalize``: every value a template prints, without bidirectional controls
    (markup stays markup: taking characters out of it cannot make a tag)."""
    if isinstance(value, Markup):
        return Markup(without_bidi_controls(value)) if _CONTROL.search(value) else value  # noqa: S704
    if isinstance(value, str):
        return without_bidi_controls(value)
    return value


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with bidirectional controls taken out of every string it writes."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        return _ESCAPED.sub(r"\1", without_bidi_controls(text))


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.jinja_env.finalize = finalize
    # Flask gave the environment the previous provider's dumps for the ``tojson`` filter.
    app.jinja_env.policies["json.dumps_function"] = app.json.dumps
