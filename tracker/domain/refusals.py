"""Refusals: what the application declines to do and why, in plain Python.

A service raises a Refusal when a request cannot be carried out for a reason the person asking
can be told: the disclosure was handed in, a reason is missing, the cycle is in the wrong phase.
Each refusal has

* ``code``, a stable name of the case, namespaced by feature (``filing.not_editable``,
  ``review.reason_missing``, ``workflow.transition_not_allowed``). The feature's ``messages``
  module turns it into a sentence in the reader's language; JSON answers carry it as it is;
* ``status``, the HTTP status that answers it: 409 when it is not possible in this state, 422
  for a value that cannot be accepted, 404 for something that does not exist, 403 for what is
  not this person's to do, 503 for what is not ready yet;
* the facts its message needs, as attributes (the state and the action, the limit passed …).

tracker.errors answers every refusal that reaches it (the error page, or JSON); views catch only
the refusals they answer with the form shown again as it was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar


class Refusal(Exception):
    """Base of every refusal. Subclasses set ``code`` and ``status``.

    A class whose instances name different cases (an upload refused as empty, too large …) lists
    every code they may carry in ``codes`` and passes the instance's to ``__init__``; a class
    with one case just sets ``code``. Classes that set neither are families, never raised.
    """

    code: str = ""
    codes: ClassVar[tuple[str, ...]] = ()
    status: int = 409
    headers: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__ and "codes" not in cls.__dict__:
            cls.codes = (cls.code,)

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args)
        if code is not None:
            if code not in self.codes:
                raise ValueError(f"{type(self).__name__} has no code {code!r}")
            self.code = code


def refusal_classes() -> list[type[Refusal]]:
    """Every subclass of Refusal defined so far (the modules defining them must be imported)."""
    found: list[type[Refusal]] = []
    pending = list(Refusal.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return found
