"""The README's picture of the demo's home page, made again from the code as it is:
``python -m tests.support.readme_screenshot`` (a fresh SQLite demo in a temporary folder,
Chromium at 1,200 px, the top 1,900 px of the page) writes tracker/static/img/readme-home.png.
Rerun it when the home page changes; look at the picture before committing it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.app import alliance_today, make_app, migrate
from tests.support.browser import chromium, serving
from tracker.db import db
from tracker.demo.services import seed_demo

OUT = Path(__file__).resolve().parents[2] / "tracker" / "static" / "img" / "readme-home.png"
WIDTH, HEIGHT = 1200, 1900


def main() -> None:
    """Seed the demo, serve it, and photograph its home page into the README's image."""
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        url = f"sqlite:///{instance / 'tracker.sqlite3'}"
        migrate(url, instance)
        app = make_app(url, instance)
        with app.app_context():
            seed_demo(db.session, app.extensions["tracker.checklist_files"], alliance_today())
            db.session.commit()
        with chromium() as browser, serving(app) as base:
            context = browser.new_context(
                locale="en-GB", viewport={"width": WIDTH, "height": HEIGHT}
            )
            page = context.new_page()
            page.goto(base + "/")
            page.screenshot(path=str(OUT), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            context.close()
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
