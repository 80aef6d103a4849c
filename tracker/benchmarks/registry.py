"""The app's benchmark registry: loaded once when the app is built, from BENCHMARK_REGISTRY.

Like the checklists, the file is checked before the app serves anything: a broken registry stops
the app with every problem located (RegistryError), so no result is ever validated against a
registry that is half right.
"""

from pathlib import Path

from flask import Flask, current_app

from tracker.domain.benchmarks import Registry, load_registry_file

EXTENSION = "tracker.benchmark_registry"


def init_app(app: Flask) -> None:
    """Load and validate the registry file; raises RegistryError naming file, line and path."""
    app.extensions[EXTENSION] = load_registry_file(Path(app.config["BENCHMARK_REGISTRY"]))


def current_registry() -> Registry:
    """The registry of the running app (for views and services)."""
    return current_app.extensions[EXTENSION]
