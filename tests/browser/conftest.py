"""Fixtures of the browser journeys: Chromium, a live server with the demo data, a page.

Every test leaves a full-page screenshot in test-artifacts/. The helpers behind these fixtures
live in ``tests/support/browser.py``.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import chromium, new_context, screenshot, serving


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # When Chromium drops a request (it often cancels the favicon), Werkzeug's test
            # server thread abandons the response without closing its static file; the file
            # is closed by the garbage collector with a ResourceWarning that is the server's,
            # not the app's. The app's own code stays under "warnings are errors" elsewhere.
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def live_server(app, demo) -> Iterator[str]:
    """The app with the demo data, served on 127.0.0.1 in a thread; yields its base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, request) -> Iterator[Page]:
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    screenshot(page, re.sub(r"[^\w\-\[\]]+", "_", request.node.name))  # parameters may hold "/"
    context.close()
