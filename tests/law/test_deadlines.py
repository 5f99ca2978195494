"""Deadlines against hand-computed dates: month ends, leap years, Europe/Paris days, reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veilleur.law.deadlines import (
    add_months,
    end_of_day_utc,
    format_date_fr,
    last_day,
    make_deadline,
    paris_date,
    reminders,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2016, 12, 14), 3, date(2017, 3, 14)),  # loi1881.fr example: 14 Mar still in time
        (date(2011, 8, 23), 3, date(2011, 11, 23)),  # Cass.: online 23 Aug → expires 23 Nov
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # 30 Nov → 28 Feb (common year)
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # 30 Nov → 29 Feb (leap year)
        (date(2026, 11, 29), 3, date(2027, 2, 28)),
        (date(2027, 11, 29), 3, date(2028, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 1 year from 29 Feb → 28 Feb
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # 4 years from 29 Feb → 29 Feb
        (date(2024, 2, 29), 72, date(2030, 2, 28)),  # 6 years (délits, CPP art. 8)
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 10, 31), 3, date(2027, 1, 31)),  # crosses the year
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 5, 15), 0, date(2026, 5, 15)),
    ],
)
def test_add_months_hand_computed(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_months_rejects_negative() -> None:
    with pytest.raises(ValueError):
        add_months(date(2026, 1, 1), -1)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 240))
def test_add_months_properties(d: date, months: int) -> None:
    r = add_months(d, months)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == months
    assert r.day <= d.day
    if r.day < d.day:  # clamped: only when the month is too short, and then to its last day
        assert (r + timedelta(days=1)).day == 1


def test_start_is_taken_in_paris_time() -> None:
    # 23:30 UTC on 30 Nov is already 1 Dec in Paris (UTC+1): 3 months → 1 Mar, not 28 Feb.
    assert last_day(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), 3) == date(2027, 3, 1)
    assert last_day(datetime(2026, 11, 30, 22, 59, tzinfo=UTC), 3) == date(2027, 2, 28)
    # Summer time (UTC+2): 22:30 UTC on 30 June is 1 July 00:30 in Paris.
    assert last_day(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), 3) == date(2026, 10, 1)
    assert last_day(datetime(2026, 6, 30, 21, 59, tzinfo=UTC), 3) == date(2026, 9, 30)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        paris_date(datetime(2026, 1, 1, 12, 0))


def test_end_of_day_is_paris_midnight() -> None:
    assert end_of_day_utc(date(2027, 2, 28)) == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)  # winter
    assert end_of_day_utc(date(2026, 7, 14)) == datetime(2026, 7, 14, 22, 0, tzinfo=UTC)  # summer


def test_deadline_expiry_boundaries_and_reminders() -> None:
    d = make_deadline(
        "c1", "prescription", "injure_publique", ("Prescription", "Limitation"),
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC), "test", 3, "Loi 1881 art. 65",
    )  # fmt: skip
    assert d.last_day == date(2027, 2, 28)
    assert d.reminder_days == (date(2027, 1, 29), date(2027, 2, 21), date(2027, 2, 27))
    assert not d.expired(datetime(2027, 2, 28, 22, 59, tzinfo=UTC))
    assert d.expired(datetime(2027, 2, 28, 23, 0, tzinfo=UTC))
    assert d.days_left(datetime(2027, 2, 28, 12, 0, tzinfo=UTC)) == 0
    assert d.days_left(datetime(2027, 2, 1, 12, 0, tzinfo=UTC)) == 27
    assert d.due_reminders(datetime(2027, 2, 22, 9, 0, tzinfo=UTC)) == [date(2027, 1, 29), date(2027, 2, 21)]
    assert d.due_reminders(datetime(2027, 3, 1, 9, 0, tzinfo=UTC)) == []
    assert d.to_dict(datetime(2027, 2, 1, tzinfo=UTC))["last_day_fr"] == "28 février 2027"


def test_reminders_custom_offsets() -> None:
    assert reminders(date(2026, 3, 1), (1, 14)) == [date(2026, 2, 15), date(2026, 2, 28)]


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 11, 23), "23 novembre 2026"),
        (date(2027, 2, 1), "1er février 2027"),
        (date(2026, 8, 15), "15 août 2026"),
    ],
)
def test_format_date_fr(d: date, text: str) -> None:
    assert format_date_fr(d) == text
