"""tracker: voluntary AI safety-commitment disclosures, from filing to the public record.

Importing ``tracker`` loads nothing else, Flask included, so that plain-Python parts (the
domain, an offline verifier) can be used on their own. The app factory is ``tracker.app``;
``tracker:create_app()`` keeps working for servers configured with that name.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from tracker.app import create_app

        return create_app
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
