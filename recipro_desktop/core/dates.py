"""Days as people say them: the one wording shared by the window, the boards and the CLI."""

from __future__ import annotations

from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(d: date, today: date | None = None) -> str:
    """``12 Mar``; with the year when it is not ``today``'s year (``12 Mar 2024``; always without ``today``)."""
    text = f"{d.day} {MONTHS[d.month - 1]}"
    return text if today is not None and d.year == today.year else f"{text} {d.year}"


def human_day(d: date, today: date) -> str:
    """``today``, ``yesterday``, ``tomorrow``, ``3 days ago``, ``in 3 days`` (within a week), else ``12 Mar``.

    Within a week either way it is relative (what people think in); further out a calendar date, which is
    easier to place than "47 days ago".
    """
    delta = (d - today).days
    if delta == 0:
        return "today"
    if delta == -1:
        return "yesterday"
    if delta == 1:
        return "tomorrow"
    if -7 < delta < 0:
        return f"{-delta} days ago"
    if 0 < delta < 7:
        return f"in {delta} days"
    return short_date(d, today)
