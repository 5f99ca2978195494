"""Calendar arithmetic of French law on Europe/Paris dates: months added day for day, the last day
an act still counts, French date formatting. A leaf module (``qualify`` and ``deadlines`` both use it)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months, same day number, clamped to the month's last day."""
    if months < 0:
        raise ValueError("months must be >= 0")
    idx = d.month - 1 + months
    year, month = d.year + idx // 12, idx % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def paris_date(instant: datetime) -> date:
    """The Europe/Paris calendar date of an aware instant (naive instants are refused)."""
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        raise ValueError(f"naive datetime {instant.isoformat()} (a timezone is required)")
    return instant.astimezone(PARIS).date()


def last_day(start: datetime, months: int) -> date:
    """The last day (Europe/Paris) on which an act still stops a period of ``months`` started at ``start``."""
    return add_months(paris_date(start), months)


LAST_COMPUTABLE_DAY = date(9999, 11, 30)  # later days have no representable end instant or reminders


def last_day_or_none(start: datetime, months: int) -> date | None:
    """``last_day``, or None when the date cannot be represented (a message dated in year 9999)."""
    try:
        day = last_day(start, months)
    except (ValueError, OverflowError):
        return None
    return day if day <= LAST_COMPUTABLE_DAY else None


def end_of_day_utc(d: date) -> datetime:
    """The instant the Paris day ``d`` ends (midnight after it), in UTC: the deadline is before this."""
    return datetime.combine(d + timedelta(days=1), time(0, 0), tzinfo=PARIS).astimezone(UTC)


def format_date_fr(d: date | datetime) -> str:
    """'23 novembre 2026' (1er for the first day of the month, as French usage wants)."""
    if isinstance(d, datetime):
        d = paris_date(d)
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"


def format_datetime_fr(dt: datetime) -> str:
    local = dt.astimezone(PARIS)
    return f"{format_date_fr(local.date())} à {local:%H:%M} (heure de Paris)"
