"""The one clock: today and now in the alliance's configured time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.app import make_app
from tracker import clock
from tracker.config import DEFAULTS

# 25 hours apart: their calendar days always differ, whatever the time of the run.
AHEAD, BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def test_the_alliance_zone_is_shanghai_unless_configured(app):
    assert DEFAULTS["TIMEZONE"] == "Asia/Shanghai"
    with app.app_context():
        assert clock.zone() == ZoneInfo("Asia/Shanghai")
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"


def test_today_is_the_day_in_the_configured_zone(migrated_database, tmp_path):
    days = {}
    for name in (AHEAD, BEHIND):
        app = make_app(migrated_database, tmp_path / name.replace("/", "-"), TIMEZONE=name)
        with app.app_context():
            before = datetime.now(ZoneInfo(name)).date()
            today, now = clock.today(), clock.now()
            after = datetime.now(ZoneInfo(name)).date()
        assert today in (before, after)
        assert now.utcoffset() == ZoneInfo(name).utcoffset(now.replace(tzinfo=None))
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == name  # pages show times in it too
        days[name] = today
    assert (days[AHEAD] - days[BEHIND]) in (timedelta(days=1), timedelta(days=2))


def test_day_of_reads_a_stored_utc_moment_in_the_alliance_calendar(app):
    late_evening_utc = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 04:00 next day in Shanghai
    with app.app_context():
        assert clock.day_of(late_evening_utc).isoformat() == "2026-03-02"


def test_an_unknown_zone_stops_the_app_with_its_name(migrated_database, tmp_path):
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        make_app(migrated_database, tmp_path / "instance", TIMEZONE="Mars/Olympus_Mons")


def test_nothing_else_reads_the_server_clock():
    """``date.today()`` is the server's zone and ``datetime.now()`` is easy to misuse: the
    project asks tracker.clock (and stamps stored rows with tracker.db.utcnow)."""
    import ast
    from pathlib import Path

    package = Path(clock.__file__).parent
    allowed = {package / "clock.py", package / "db.py"}
    found = []
    for path in package.rglob("*.py"):
        if path in allowed or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("today", "now", "utcnow")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("date", "datetime")
            ):
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not found, f"read the clock through tracker.clock: {found}"
