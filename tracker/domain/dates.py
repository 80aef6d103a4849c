"""The one way the tracker writes a date or a moment, per language (pages, mail and PDFs).

English: "22 Dec 2026" and "22 Dec 2026, 17:00 (UTC+8)"; Chinese: "2026年12月22日" and
"2026年12月22日 17:00（UTC+8）". A moment is shown in the alliance's time zone and always names
its offset from UTC, so a reader in another zone is never misled; the 24-hour clock avoids the
AM/PM forms that read differently in the two languages. No Flask here (tracker.dates reads the
request's language and the configured zone).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from babel.dates import format_date as babel_date

# Babel patterns: day, abbreviated month and year in English; year, month and day in Chinese.
DAY_PATTERNS = {"en": "d MMM y", "zh": "y年M月d日"}


def _family(locale: str) -> str:
    """ "zh" for any Chinese locale (zh, zh_CN, zh-Hans-CN), else "en"."""
    return "zh" if str(locale).lower().replace("-", "_").startswith("zh") else "en"


def utc_offset(moment: datetime) -> str:
    """The offset of an aware moment from UTC: "UTC", "UTC+8", "UTC-3:30"."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def day_text(day: date | datetime, locale: str, zone: tzinfo | None = None) -> str:
    """A calendar day in ``locale``; a moment is first taken to ``zone`` (its day there)."""
    if isinstance(day, datetime):
        moment = day if day.tzinfo else day.replace(tzinfo=UTC)
        day = moment.astimezone(zone).date() if zone else moment.date()
    family = _family(locale)
    return babel_date(day, DAY_PATTERNS[family], locale="zh_CN" if family == "zh" else "en")


def moment_text(moment: datetime, locale: str, zone: tzinfo) -> str:
    """A moment in ``zone``, in ``locale``, with its UTC offset named; naive means UTC."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
    day = day_text(local.date(), locale)
    clock = f"{local:%H:%M}"
    if _family(locale) == "zh":
        return f"{day} {clock}（{utc_offset(local)}）"
    return f"{day}, {clock} ({utc_offset(local)})"
