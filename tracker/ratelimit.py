"""Rate limits: Flask-Limiter for requests, and a failure counter for signing in.

Counters live in RATELIMIT_STORAGE_URI: memory by default, Redis when configured, so that
several app processes share one count.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

limiter = Limiter(key_func=get_remote_address, strategy="moving-window")


def init_app(app: Flask) -> None:
    limiter.init_app(app)


class SignInThrottle:
    """Counts failed sign-ins per account and per address; blocks once either runs out.

    Only failures count, so a user who signs in correctly is never slowed down. The account
    counter is keyed by the address typed, whether or not an account has it, so a pause says
    nothing about which accounts exist.
    """

    def __init__(self, account_limit: str, address_limit: str, prefix: str):
        self.account_limit = parse(account_limit)
        self.address_limit = parse(address_limit)
        self.prefix = prefix

    @classmethod
    def from_app(cls) -> SignInThrottle:
        config = current_app.config
        return cls(
            config["SIGN_IN_ACCOUNT_LIMIT"],
            config["SIGN_IN_ADDRESS_LIMIT"],
            config["RATELIMIT_KEY_PREFIX"],
        )

    def _checks(self, email: str, address: str):
        return [
            (self.account_limit, (self.prefix, "sign-in-account", email)),
            (self.address_limit, (self.prefix, "sign-in-address", address)),
        ]

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds to wait before another try is allowed, or None when allowed now."""
        waits = []
        for limit, ids in self._checks(email, address):
            if not limiter.limiter.test(limit, *ids):
                reset_at = limiter.limiter.get_window_stats(limit, *ids).reset_time
                waits.append(max(1, int(reset_at - time.time()) + 1))
        return max(waits) if waits else None

    def failed(self, email: str, address: str) -> None:
        for limit, ids in self._checks(email, address):
            limiter.limiter.hit(limit, *ids)

    def succeeded(self, email: str) -> None:
        limit, ids = self._checks(email, "")[0]
        limiter.limiter.clear(limit, *ids)
