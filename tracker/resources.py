"""Where the top-level folders are: in a source checkout, or bundled inside an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = PACKAGE_DIR.parent
_BUNDLED = PACKAGE_DIR / "_bundled"


def is_source_checkout() -> bool:
    """True when running from the repository (or an editable install of it)."""
    return (_SOURCE_ROOT / "pyproject.toml").is_file() and (_SOURCE_ROOT / "templates").is_dir()


def resource_dir(name: str) -> Path:
    """The ``templates`` or ``commitments`` folder that ships with this copy of tracker."""
    return _SOURCE_ROOT / name if is_source_checkout() else _BUNDLED / name


def default_instance_path() -> Path:
    """``instance/`` of the checkout; for an installed wheel, ``instance/`` in the working dir."""
    return _SOURCE_ROOT / "instance" if is_source_checkout() else Path.cwd() / "instance"
