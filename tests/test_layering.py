"""Dependencies point down: a test of the package's shape, read from its import statements.

The layers, bottom to top:

0. ``tracker.verify``: the offline verifier of the record, one file that runs wherever only
   ``cryptography`` is installed. It imports nothing of tracker; the domain builds on it, so
   that the log's proofs and signatures are checked by the same code readers run.
1. ``tracker.domain``: plain Python. It imports nothing of the web or the database and no other
   part of tracker, so the record can be checked (and the domain reused) without the app.
2. Shared modules (``tracker.db``, ``tracker.clock``, ``tracker.i18n``, …): what every feature
   uses. They import the domain and each other, never a feature.
3. Feature packages (``tracker.<feature>``). Their models, services and queries ("core") import
   only features below them in FEATURES; their web and command-line modules (``views``,
   ``cli``) may use any feature's core but never another feature's web modules.
4. ``tracker.app`` and ``tracker.cli``: the factory and the command, which wire everything.

What breaks these rules today is listed in ALLOWED: the list may only shrink. A new upward
import fails the test; so does an entry that no longer happens (remove it from the list).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tracker.domain

PACKAGE = Path(tracker.domain.__file__).resolve().parent.parent
WEB_OR_DATABASE = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "jinja2", "wtforms")

SHARED = {
    "bidi",
    "params",
    "resources",
    "clock",
    "dates",
    "demomark",
    "db",
    "config",
    "csvsafe",
    "links",
    "pagination",
    "requests",
    "security",
    "ratelimit",
    "errors",
    "i18n",
    "labels",
    "templating",
    "pagecache",
    "sorting",
    "requestlog",
    "gunicorn_conf",  # gunicorn's settings: imports nothing of tracker
}
# Feature packages, bottom to top: a feature's core imports only features before it.
FEATURES = [
    "storage",
    "backup",  # reads every table through the metadata, and the blob stores
    "jobs",  # the queue: features below hand it work, it knows none of them
    "health",  # /healthz, /readyz: reads the database, the queue's Redis and the storage
    "witness",
    "narratives",
    "outbox",
    "audit",
    "companies",
    "auth",
    "checklists",
    "cycles",
    "benchmarks",
    "search",
    "filing",
    "review",
    "reminders",
    "ledger",
    "reports",
    "public",
    "compare",
    "opendata",
    "feeds",
    "badges",
    "api",
    "roster",
    "metrics",  # /metrics: requests, and the queue's and the ledger's sizes
    "users",
    "demo",
]
TOP = {"app", "cli"}
WEB_MODULES = {"views", "cli"}

# (importer, imported) module pairs that break the rules today. Only ever remove entries.
ALLOWED: set[tuple[str, str]] = {
    ("tracker.audit.models", "tracker.auth.models"),  # an event names its actor
    ("tracker.audit.services", "tracker.auth.models"),  # filtering by the actor's e-mail
    ("tracker.cycles.services", "tracker.filing.models"),  # opening a cycle creates disclosures
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tracker_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module ``path`` imports (``from tracker import x`` counts as ``tracker.x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            for alias in node.names:
                if f"{node.module}.{alias.name}" in known:
                    found.add(f"{node.module}.{alias.name}")
    return found


def unit_of(module: str) -> str:
    """The top-level part of tracker a module belongs to: a feature, shared, domain or top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "tracker"


def is_web(module: str) -> bool:
    return module.split(".")[-1] in WEB_MODULES


def broken_rule(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported`` (both tracker modules), or None."""
    source, target = unit_of(importer), unit_of(imported)
    if source == target or source in TOP or source == "tracker":
        return None
    if source == "verify":
        return "the offline verifier imports nothing of tracker"
    if target == "verify":
        return None
    if source == "domain":
        return "the domain imports only the domain and the verifier"
    if target in TOP:
        return "only the top imports the factory"
    if source in SHARED:
        return (
            None if target in SHARED or target == "domain" else "a shared module imports a feature"
        )
    if target in SHARED or target == "domain":
        return None
    if source not in FEATURES or target not in FEATURES:
        return f"{source} or {target} is in no layer: add it to SHARED or FEATURES"
    if is_web(imported):
        return "a feature imports another feature's web module"
    if is_web(importer):
        return None
    if FEATURES.index(target) > FEATURES.index(source):
        return f"{source} is below {target} in FEATURES"
    return None


def current_breaks() -> dict[tuple[str, str], str]:
    modules = tracker_modules()
    known = set(modules)
    breaks = {}
    for importer, path in modules.items():
        for imported in imports_of(path, known):
            if not imported.startswith("tracker."):
                continue
            # "from tracker.x import y" where y is a name: the module is tracker.x
            while imported not in known and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            why = broken_rule(importer, imported)
            if why:
                breaks[(importer, imported)] = why
    return breaks


def test_every_part_of_tracker_is_in_a_layer():
    units = {unit_of(module) for module in tracker_modules()} - {"tracker"}
    unplaced = units - SHARED - set(FEATURES) - TOP - {"domain", "verify"}
    assert not unplaced, f"in no layer: {sorted(unplaced)}"


def test_dependencies_point_down():
    breaks = current_breaks()
    new = {pair: why for pair, why in breaks.items() if pair not in ALLOWED}
    assert not new, "imports that point up:\n" + "\n".join(
        f"  {a} -> {b}: {why}" for (a, b), why in sorted(new.items())
    )
    gone = ALLOWED - set(breaks)
    assert not gone, "no longer imported, remove from ALLOWED:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in sorted(gone)
    )


def test_the_domain_imports_no_web_or_database_library():
    modules = {name: path for name, path in tracker_modules().items() if unit_of(name) == "domain"}
    assert len(modules) >= 10
    for name, path in modules.items():
        for imported in imports_of(path, set(modules)):
            assert imported.split(".")[0] not in WEB_OR_DATABASE, f"{name} imports {imported}"


def test_the_rules_catch_what_they_forbid():
    """The checker itself: each kind of upward import is named."""
    assert broken_rule("tracker.domain.ledger", "tracker.db") is not None
    assert broken_rule("tracker.labels", "tracker.cycles.models") is not None
    assert broken_rule("tracker.companies.services", "tracker.review.services") is not None
    assert broken_rule("tracker.review.views", "tracker.filing.views") is not None
    assert broken_rule("tracker.review.services", "tracker.app") is not None
    assert broken_rule("tracker.review.views", "tracker.ledger.services") is None
    assert broken_rule("tracker.review.services", "tracker.filing.models") is None
    assert broken_rule("tracker.review.services", "tracker.domain.workflow") is None
    assert broken_rule("tracker.verify", "tracker.domain.canonical") is not None
    assert broken_rule("tracker.domain.ledger", "tracker.verify") is None


def test_the_verifier_needs_only_the_standard_library_and_cryptography():
    """``python verify.py`` runs from a download: nothing else may be imported."""
    path = PACKAGE / "verify.py"
    if not path.exists():  # pragma: no cover - the verifier is part of the package
        raise AssertionError("tracker/verify.py is missing")
    allowed = set(sys.stdlib_module_names) | {"cryptography", "__future__"}
    for imported in imports_of(path, set()):
        assert imported.split(".")[0] in allowed, f"tracker/verify.py imports {imported}"


def test_importing_tracker_and_its_domain_loads_no_web_library():
    """The offline verifier of the record must run with the domain alone."""
    code = (
        "import sys, tracker, tracker.domain.ledger, tracker.domain.canonical, "
        "tracker.domain.checklist, tracker.domain.company_report; "
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {WEB_OR_DATABASE!r}); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
