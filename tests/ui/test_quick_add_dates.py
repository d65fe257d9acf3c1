"""The dates Quick add accepts and the human dates every Today row shows (pure functions, no widgets)."""

from __future__ import annotations

from datetime import date

import pytest

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.ui.day_text import human_day, human_span, long_date, parse_day, short_date, weekday_date

TODAY = date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", TODAY),
        ("today", TODAY),
        (" Yesterday ", date(2026, 3, 9)),
        ("tomorrow", date(2026, 3, 11)),
        ("3 days ago", date(2026, 3, 7)),
        ("3d ago", date(2026, 3, 7)),
        ("two weeks ago", date(2026, 2, 24)),
        ("a week ago", date(2026, 3, 3)),
        ("last week", date(2026, 3, 3)),
        ("in 2 days", date(2026, 3, 12)),
        ("1 month ago", date(2026, 2, 10)),
        ("a year ago", date(2025, 3, 10)),
        ("2026-01-12", date(2026, 1, 12)),
        ("2025/12/31", date(2025, 12, 31)),
        ("12 Jan", date(2026, 1, 12)),
        ("March 1st", date(2026, 3, 1)),
        ("12 Dec", date(2025, 12, 12)),  # a past event: the last 12 Dec
        ("12 Dec 2024", date(2024, 12, 12)),
        ("monday", date(2026, 3, 9)),
        ("tue", date(2026, 3, 10)),
        ("last tue", date(2026, 3, 3)),
        ("next mon", date(2026, 3, 16)),
    ],
)
def test_parse_past_days(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("friday", date(2026, 3, 13)), ("12 Jan", date(2027, 1, 12)), ("next week", date(2026, 3, 17))],
)
def test_parse_due_days_look_forward(text: str, expected: date) -> None:
    assert parse_day(text, TODAY, future=True) == expected


@pytest.mark.parametrize("text", ["soon", "2026-02-30", "31 Feb", "32 Jan", "12 Foo", "the day after", "some monday"])
def test_parse_rejects_with_a_hint_on_the_named_field(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_day(text, TODAY, field="occurred_on")
    assert err.value.field == "occurred_on"
    assert "3 days ago" in str(err.value)


def test_human_dates() -> None:
    assert human_day(TODAY, TODAY) == "today"
    assert human_day(date(2026, 3, 9), TODAY) == "yesterday"
    assert human_day(date(2026, 3, 11), TODAY) == "tomorrow"
    assert human_day(date(2026, 3, 7), TODAY) == "3 days ago"
    assert human_day(date(2026, 3, 14), TODAY) == "in 4 days"
    assert human_day(date(2026, 1, 2), TODAY) == "2 Jan"
    assert human_day(date(2024, 1, 2), TODAY) == "2 Jan 2024"
    assert short_date(date(2026, 3, 14), TODAY) == "14 Mar"
    assert weekday_date(date(2026, 3, 14), TODAY) == "Sat 14 Mar"
    assert long_date(TODAY) == "Tuesday, 10 March"
    assert [human_span(d) for d in (1, 5, 20, 100, 400, 800)] == [
        "1 day",
        "5 days",
        "2 weeks",
        "3 months",
        "over a year",
        "over 2 years",
    ]
