"""``tracker benchmarks check``: validate the benchmark registry file."""

import os
import sys
from pathlib import Path

import click

from tracker.config import default_benchmark_registry
from tracker.domain.benchmarks import RegistryError, load_registry_file


@click.group(help="Check the benchmark registry in commitments/benchmarks/.")
def benchmarks():
    pass


def _default_registry_path() -> Path:
    configured = os.environ.get("TRACKER_BENCHMARK_REGISTRY")
    return Path(configured) if configured else default_benchmark_registry()


@benchmarks.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def benchmarks_check(path: Path | None):
    """Validate the registry file PATH (default: commitments/benchmarks/registry.yaml).

    Exit 0 when it is valid, 1 with every problem located by file, line and path, 2 when there is
    no such file. This needs no database and works even when the app itself cannot start.
    """
    path = path or _default_registry_path()
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        click.echo(f"Error: the registry file {path} {what}.", err=True)
        sys.exit(2)
    try:
        registry = load_registry_file(path)
    except RegistryError as exc:
        for problem in exc.problems:
            click.echo(click.style("error ", fg="red") + str(problem))
        sys.exit(1)
    metrics = sum(len(b.metrics) for b in registry.benchmarks)
    click.echo(f"ok    {path}: {len(registry.benchmarks)} benchmarks, {metrics} metrics")
