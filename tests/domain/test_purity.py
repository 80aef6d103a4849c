"""The domain layer stays plain Python: no Flask, no SQLAlchemy, no app modules."""

import ast
from pathlib import Path

import tracker.domain

DOMAIN = Path(tracker.domain.__file__).parent
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "jinja2")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_domain_modules_import_no_web_or_database_library():
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 6
    for path in modules:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, f"{path.name} imports {name}"
            if top == "tracker":
                assert name.startswith("tracker.domain"), f"{path.name} imports {name}"


def test_report_contexts_and_charts_are_plain_python_too():
    """The report context, the aggregate and the charts feed pages and PDFs alike: they take
    plain data and import nothing of the web or the database (tracker.domain at most)."""
    reports = DOMAIN.parent / "reports"
    for name in ("context.py", "aggregate.py", "charts.py"):
        for module in imported_modules(reports / name):
            top = module.split(".")[0]
            assert top not in FORBIDDEN, f"{name} imports {module}"
            if top == "tracker":
                assert module.startswith(("tracker.domain", "tracker.reports.context")), (
                    f"{name} imports {module}"
                )
