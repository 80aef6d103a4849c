"""The suite's own house rules: what tests share lives in ``tests/support/``, documented, and no
test module (nor conftest) imports another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUPPORT = TESTS / "support"


def python_files() -> list[Path]:
    """Every Python file under tests/."""
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def package_of(path: Path) -> list[str]:
    """The package a file under tests/ sits in, as parts: tests/review/x.py -> [tests, review]."""
    return ["tests", *path.parent.relative_to(TESTS).parts]


def bare_names() -> set[str]:
    """Names that reach a file under tests/ without the ``tests.`` prefix, only because pytest
    puts each test directory without an ``__init__.py`` on ``sys.path`` (``conftest``,
    ``test_loop``, ``support``...)."""
    names = set()
    for path in TESTS.rglob("*"):
        if "__pycache__" in path.parts or (path.parent / "__init__.py").exists():
            continue
        if path.suffix == ".py":
            names.add(path.stem)
        elif path.is_dir() and (path / "__init__.py").exists():
            names.add(path.name)
    return names


def allowed(module: str) -> bool:
    """Whether a module under tests may be imported by a test: only tests.support and its
    modules."""
    return module == "tests.support" or module.startswith("tests.support.")


def bad_imports(source: str, path: Path, bare: set[str]) -> list[str]:
    """The imports of test code other than tests.support in ``source``, the text of ``path``:
    "file:line: the import as written"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            written = "import " + ", ".join(modules)
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            written = f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}"
            if node.level:  # relative: resolve it against the file's package
                base = package_of(path)[: len(package_of(path)) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # "from tests import x" and "from tests.support import x" name modules in ``names``
            if module in ("tests", "tests.support") or (node.level and not node.module):
                modules = [f"{module}.{name}" for name in names]
            else:
                modules = [module]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            if (top == "tests" and not allowed(module)) or top in bare:
                found.append(f"{path.relative_to(TESTS.parent)}:{node.lineno}: {written}")
                break
    return found


def test_no_test_module_imports_another():
    """Shared helpers are imported from tests.support; a test module, a conftest or the old
    helper files are never imported (absolutely, relatively or by a bare name)."""
    bare = bare_names()
    found = [
        line
        for path in python_files()
        for line in bad_imports(path.read_text(encoding="utf-8"), path, bare)
    ]
    assert found == [], "import from tests.support instead:\n" + "\n".join(found)


def test_the_import_rule_catches_what_it_must():
    """The rule above fails on each kind of import it forbids, and passes tests.support."""
    bare = {"conftest", "test_loop", "support"}
    cases = {
        "from tests.conftest import PNG": True,
        "import tests.review.test_loop": True,
        "from tests import conftest": True,
        "from tests.review import test_loop": True,
        "from .test_loop import post": True,
        "from . import test_loop": True,
        "from .. import conftest": True,
        "from conftest import PNG": True,
        "import test_loop": True,
        "from support.http import post": True,
        "from tests.support.http import post": False,
        "from tests.support import http": False,
        "from tests import support": False,
        "from ..support.http import post": False,
        "import tests.support.filing": False,
        "import http": False,
    }
    file = TESTS / "review" / "test_example.py"
    for source, forbidden in cases.items():
        assert bool(bad_imports(source, file, bare)) is forbidden, source


def test_every_support_module_and_helper_is_documented():
    """Each module of tests/support/ has a docstring, and so has each public function and
    class in it."""
    missing = []
    for path in sorted(SUPPORT.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(f"{path.name} (the module)")
        for node in tree.body:
            public = isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name[0] != "_"
            if public and not ast.get_docstring(node):
                missing.append(f"{path.name}: {node.name}")
    assert missing == [], missing
