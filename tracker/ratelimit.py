"""Rate limits: Flask-Limiter for requests, and an attempt counter for signing in.

Counters live in RATELIMIT_STORAGE_URI: memory by default, Redis when configured, so that
several app processes share one count.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

limiter = Limiter(key_func=get_remote_address, strategy="moving-window")

SIGN_IN_COUNTER = "tracker.sign_in_counter"


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    # The sign-in counter has its own strategy object per app, on the same storage URI, so
    # that each app (and each test) counts in the store it was configured with.
    storage = storage_from_string(
        app.config["RATELIMIT_STORAGE_URI"], **app.config.get("RATELIMIT_STORAGE_OPTIONS", {})
    )
    app.extensions[SIGN_IN_COUNTER] = MovingWindowRateLimiter(storage)


class SignInThrottle:
    """Counts sign-in attempts per account and per address, before the password is checked.

    An attempt is counted by one atomic operation of the store (a locked list in memory, a Lua
    script in Redis) that both checks the limit and takes one from it, so a burst of parallel
    attempts cannot all pass: exactly ``limit`` of them get a password check and the rest are
    refused unchecked. A refused attempt takes nothing, so it does not prolong the pause.

    Per account: every attempt counts, and a correct sign-in clears the counter, so a user is
    never slowed down by their own success. The counter is keyed by the address typed, whether
    or not an account has it, so a pause says nothing about which accounts exist.

    Per address: every attempt counts, failed or not (the moving window cannot give one back),
    so SIGN_IN_ADDRESS_LIMIT is sized for the successful sign-ins of several people behind one
    address as well as for their typing errors.
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

    @staticmethod
    def _counter() -> MovingWindowRateLimiter:
        counter: MovingWindowRateLimiter = current_app.extensions[SIGN_IN_COUNTER]
        return counter

    def _account(self, email: str) -> tuple[RateLimitItem, tuple[str, ...]]:
        return self.account_limit, (self.prefix, "sign-in-account", email)

    def _address(self, address: str) -> tuple[RateLimitItem, tuple[str, ...]]:
        return self.address_limit, (self.prefix, "sign-in-address", address)

    def attempt(self, email: str, address: str) -> int | None:
        """Count one attempt before the password is checked: None when it may go ahead, else
        the seconds to wait (the password must then not be checked at all).

        The address is counted first: an attempt from an address that is paused takes nothing
        from the account, so a paused address cannot go on locking other people's accounts.
        """
        counter = self._counter()
        for limit, ids in (self._address(address), self._account(email)):
            if not counter.hit(limit, *ids):
                reset_at = counter.get_window_stats(limit, *ids).reset_time
                return max(1, int(reset_at - time.time()) + 1)
        return None

    def succeeded(self, email: str) -> None:
        """A correct password: the account's counter starts again from nothing."""
        limit, ids = self._account(email)
        self._counter().clear(limit, *ids)
