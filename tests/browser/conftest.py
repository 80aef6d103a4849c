"""A live server on a free local port and Debian's Chromium driven by Playwright.

The browser must be there: a missing /usr/bin/chromium fails these tests, it never skips them.
Every test leaves a full-page screenshot in test-artifacts/.
"""

import gc
import os
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import ARTIFACTS

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


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
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (./dev test does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, demo) -> Iterator[str]:
    """The app with the demo data, served on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    with warnings.catch_warnings():  # collect what the server abandoned, here and quietly
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def page(browser, request) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w\-\[\]]+", "_", request.node.name)  # parameters may hold "/"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
