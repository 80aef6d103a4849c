"""One date and time style per language, with the time zone named (tracker.domain.dates), used
by the template filters, messages and mail."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import render_template_string
from flask_babel import force_locale

from tracker.dates import format_day, format_moment
from tracker.domain.dates import day_text, moment_text, utc_offset

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai


def test_a_day_in_each_language():
    assert day_text(date(2026, 12, 2), "en") == "2 Dec 2026"
    assert day_text(date(2026, 12, 2), "zh_CN") == "2026年12月2日"
    assert day_text(date(2026, 12, 2), "zh") == "2026年12月2日"


def test_a_moment_is_shown_in_the_zone_with_its_offset_named():
    assert moment_text(MOMENT, "en", SHANGHAI) == "22 Dec 2026, 17:00 (UTC+8)"
    assert moment_text(MOMENT, "zh_CN", SHANGHAI) == "2026年12月22日 17:00（UTC+8）"
    # the day is the zone's: 20:00 UTC is the next morning in Shanghai
    late = datetime(2026, 12, 22, 20, 0, tzinfo=UTC)
    assert moment_text(late, "en", SHANGHAI) == "23 Dec 2026, 04:00 (UTC+8)"
    assert day_text(late, "en", SHANGHAI) == "23 Dec 2026"
    assert day_text(late, "en") == "22 Dec 2026"  # without a zone: the moment's own day


def test_offsets_of_other_zones_and_naive_moments():
    assert moment_text(MOMENT, "en", ZoneInfo("UTC")) == "22 Dec 2026, 09:00 (UTC)"
    assert moment_text(MOMENT, "en", ZoneInfo("Asia/Kolkata")) == "22 Dec 2026, 14:30 (UTC+5:30)"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert moment_text(summer, "en", ZoneInfo("America/New_York")).endswith("08:00 (UTC-4)")
    assert utc_offset(datetime(2026, 1, 1, tzinfo=ZoneInfo("America/St_Johns"))) == "UTC-3:30"
    assert moment_text(datetime(2026, 12, 22, 9, 0), "en", SHANGHAI) == moment_text(
        MOMENT, "en", SHANGHAI
    )


def test_filters_follow_the_request_language_and_the_configured_zone(app):
    with app.test_request_context():
        with force_locale("en"):
            assert format_moment(MOMENT) == "22 Dec 2026, 17:00 (UTC+8)"
            assert render_template_string(
                "{{ m | datetime }} {{ d | date }}", m=MOMENT, d=MOMENT
            ) == ("22 Dec 2026, 17:00 (UTC+8) 22 Dec 2026")
        with force_locale("zh_CN"):
            assert format_day(date(2026, 12, 22)) == "2026年12月22日"
            assert render_template_string("{{ m | datetime }}", m=MOMENT) == (
                "2026年12月22日 17:00（UTC+8）"
            )
        assert format_day(None) == "" and format_moment(None) == ""
        # a format argument (Flask-Babel's filters took one) changes nothing: one style
        with force_locale("en"):
            assert render_template_string('{{ m | datetime("short") }}', m=MOMENT) == (
                "22 Dec 2026, 17:00 (UTC+8)"
            )
        app.config["TIMEZONE"] = "Europe/Berlin"
        with force_locale("en"):
            assert format_moment(MOMENT) == "22 Dec 2026, 10:00 (UTC+1)"
