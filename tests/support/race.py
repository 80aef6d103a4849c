"""Racing real requests: two (or more) test clients, each in its own thread with its own
database session, released together at the point of decision, so that each has read the old
state before any of them changes it.

``race`` wraps a function the code under test calls right before the decisive write (the
conditional UPDATE of a move, a cycle's phase, the disclosure's lock before counting files):
each racing thread waits there, once, for the others. The wait has a timeout because the
database may serialise the requests before that point (SQLite lets one writer at a time: a
request that already holds the write lock makes the other wait before it gets there); the
outcome says whether they met, and the assertions must hold either way.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.accounts import password_hash
from tracker.db import db

# Shorter than SQLite's busy timeout (5 s), so that a request waiting for the write lock is not
# given up on while its rival waits here for it.
MEETING_TIMEOUT = 2.0
REQUEST_TIMEOUT = 60.0


@dataclass
class Outcome:
    """What a race gave: each request's response, and whether they met before deciding."""

    responses: list[Any]  # what each request returned, in the order given
    met: bool  # all reached the point of decision before any went past it

    def statuses(self) -> list[int]:
        return [r.status_code for r in self.responses]

    def winners(self) -> list[Any]:
        """The responses that carried the change out (2xx, or a redirect after a post)."""
        return [r for r in self.responses if r.status_code < 400]

    def losers(self) -> list[Any]:
        return [r for r in self.responses if r.status_code >= 400]


def race(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    hook: str,
    *requests: Callable[[], Any],
    timeout: float = MEETING_TIMEOUT,
) -> Outcome:
    """Run ``requests`` in parallel threads, each stopping at ``owner.hook`` (a module's
    function, called by the code under test right before its decisive write) until all are
    there; returns their responses."""
    barrier = threading.Barrier(len(requests), timeout=timeout)
    racing = threading.local()
    original = getattr(owner, hook)

    def held(*args, **kwargs):
        if getattr(racing, "waiting", False):
            racing.waiting = False  # once per request
            # Broken: the database serialised them before this point; go on.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return original(*args, **kwargs)

    results: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index: int, request: Callable[[], Any]) -> None:
        racing.waiting = True
        try:
            results[index] = request()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)
        finally:
            racing.waiting = False

    with monkeypatch.context() as patch:
        patch.setattr(owner, hook, held)
        threads = [
            threading.Thread(target=run, args=(n, r), daemon=True) for n, r in enumerate(requests)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT)
        assert not any(t.is_alive() for t in threads), "a racing request did not finish"
    if errors:
        raise errors[0]
    return Outcome(results, met=not barrier.broken)


def in_own_thread(work: Callable[[], Any]) -> Any:
    """``work()`` run in a new thread, outside the caller's app context (a test that holds one
    would otherwise share its ``g`` with the requests it makes); returns what it returned."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(REQUEST_TIMEOUT)
    if errors:
        raise errors[0]
    return result[0]


def add_colleagues(
    app, company_id: int, officer: tuple[str, str] = ("officer_a2", "Officer A2")
) -> dict[str, int]:
    """A second officer of the company (``officer``: the name of its id, its display name), a
    second staff member and a second administrator, so that two different people can race
    (ids by name: officer_a2 unless given, staff2, admin2)."""
    from tracker.auth.models import Role, User

    key, display_name = officer
    people = {
        key: User(
            email=f"{key}@test.example",
            display_name=display_name,
            role=Role.OFFICER,
            company_id=company_id,
        ),
        "staff2": User(email="staff2@test.example", display_name="Staff Two", role=Role.STAFF),
        "admin2": User(email="admin2@test.example", display_name="Admin Two", role=Role.ADMIN),
    }
    with app.app_context():
        for user in people.values():
            user.password_hash = password_hash()
        db.session.add_all(people.values())
        db.session.commit()
        return {name: user.id for name, user in people.items()}


def count_rows(app, statement: sa.Select) -> int:
    """The number a ``select(func.count())...`` statement returns, in a fresh session."""
    with app.app_context():
        return db.session.scalar(statement) or 0
