"""The app as gunicorn serves it, plus ``/__hello``: the benchmark's yardstick, served by the same
process, middleware and hooks as every public page (tests/benchmarks/public_pages.py)."""

from flask import Flask

from tracker.app import create_app as create_tracker_app


def create_app() -> Flask:
    """tracker's app with a hello-world route; for benchmarks only, never deployed."""
    app = create_tracker_app()
    app.add_url_rule("/__hello", "benchmark_hello", lambda: "Hello, World!")
    return app
