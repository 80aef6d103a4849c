"""Fixtures of the queue's tests: a Redis key prefix of the test's own, and the workers it
starts (stopped after it)."""

from __future__ import annotations

import pytest

from tests.support.jobs import Worker, forget_prefix, new_prefix


@pytest.fixture
def prefix():
    name = new_prefix()
    yield name
    forget_prefix(name)


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()
