"""Days as people say them: "today", "3 days ago", "12 Mar", and back again for typed dates.

Pure Python (no Qt) so the rules are easy to test. English only, like the rest of the UI for now; month and
weekday names are spelled out here instead of taken from the C locale, so a German system locale does not give
"Mär" in one label and "Mar" in the next.

:func:`parse_day` is what Quick add's date box accepts: ``today``, ``yesterday``, ``tomorrow``, ``3 days ago``,
``in 2 weeks``, ``last week``, weekday names (``monday``, ``last fri``, ``next tue``), ``12 Mar``, ``March 12``,
``12 Mar 2025`` and ISO ``2026-01-12``. An empty text means today.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from recipro_desktop.core.dates import MONTHS, human_day, short_date
from recipro_desktop.core.errors import ValidationError

__all__ = ["MONTHS", "human_day", "human_span", "long_date", "parse_day", "short_date", "weekday_date"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
}
_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,
    "month": 30,
    "months": 30,
    "mo": 30,
    "year": 365,
    "years": 365,
    "y": 365,
}

DATE_HINT = "Use a date such as today, yesterday, 3 days ago, 12 Mar or 2026-01-12."

_COUNT = r"(\d{1,4}|a couple of|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten)"
_UNIT = r"(d|days?|w|wks?|weeks?|months?|mo|years?|y)"
_AGO = re.compile(rf"^{_COUNT}\s*{_UNIT}\s+ago$")
_IN = re.compile(rf"^in\s+{_COUNT}\s*{_UNIT}$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for n, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return n
    return None


def _weekday(word: str) -> int | None:
    if len(word) < 2:
        return None
    for n, name in enumerate(_WEEKDAY_NAMES):
        if name.startswith(word):
            return n
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _shift(today: date, count: int, unit: str, sign: int) -> date:
    days = _UNITS[unit]
    if days == 30:  # calendar months: "2 months ago" on 31 Mar is 31 Jan, on 31 May it is 31 Mar
        month_index = today.year * 12 + today.month - 1 + sign * count
        year, month = divmod(month_index, 12)
        return _clamped(year, month + 1, today.day)
    if days == 365:
        return _clamped(today.year + sign * count, today.month, today.day)
    return today + timedelta(days=sign * count * days)


def _clamped(year: int, month: int, day: int) -> date:
    while day > 28:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
    return date(year, month, day)


def _day_month(today: date, day: int, month: int, year: int | None, future: bool) -> date:
    if year is not None:
        return date(year, month, day)
    if not 1 <= day <= 31:
        raise ValueError("no such day")
    candidate = _clamped(today.year, month, day)
    if candidate.day != day and not (month == 2 and day == 29):
        raise ValueError("no such day in that month")
    if future and candidate < today:
        candidate = _clamped(today.year + 1, month, day)
    elif not future and candidate > today:
        candidate = _clamped(today.year - 1, month, day)
    return candidate


def parse_day(text: str, today: date, *, future: bool = False, field: str = "date") -> date:
    """The day ``text`` names, relative to ``today``.

    ``future`` decides what an incomplete date means: a weekday or "12 Mar" is the latest such day up to
    today for things that happened (an act, a note), the next one from today for things due (a promise).

    Raises:
        ValidationError: ``text`` is not a date this understands, or not a real date (``2026-02-30``);
            ``err.field`` is ``field``.
    """
    s = " ".join(text.strip().casefold().replace(",", " ").split())
    try:
        result = _parse(s, today, future)
    except (ValueError, OverflowError):
        result = None
    if result is None:
        raise ValidationError(field, DATE_HINT)
    return result


def _parse(s: str, today: date, future: bool) -> date | None:
    simple = {"": 0, "today": 0, "now": 0, "tod": 0, "yesterday": -1, "yday": -1, "tomorrow": 1, "tmrw": 1}
    if s in simple:
        return today + timedelta(days=simple[s])
    if s in ("last week", "a week ago"):
        return today - timedelta(days=7)
    if s == "next week":
        return today + timedelta(days=7)
    if s in ("last month", "next month"):
        return _shift(today, 1, "month", -1 if s.startswith("last") else 1)
    if m := _AGO.match(s):
        return _shift(today, _count(m.group(1)), m.group(2), -1)
    if m := _IN.match(s):
        return _shift(today, _count(m.group(1)), m.group(2), 1)
    if m := _ISO.match(s):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    words = s.split(" ")
    if len(words) <= 2 and (weekday := _weekday(words[-1])) is not None:
        qualifier = words[0] if len(words) == 2 else ""
        if qualifier not in ("", "last", "next", "this", "on"):
            return None
        forward = qualifier == "next" or (qualifier in ("", "this", "on") and future)
        if forward:
            delta = (weekday - today.weekday()) % 7 or (7 if qualifier == "next" else 0)
            return today + timedelta(days=delta)
        delta = (today.weekday() - weekday) % 7 or (7 if qualifier == "last" else 0)
        return today - timedelta(days=delta)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if m := pattern.match(s):
            month = _month(m.group(month_group))
            if month is None:
                return None
            year = int(m.group(3)) if m.group(3) else None
            return _day_month(today, int(m.group(day_group)), month, year, future)
    return None


def weekday_date(d: date, today: date | None = None) -> str:
    """``Sat 14 Mar`` (with the year when it differs from ``today``'s)."""
    return f"{WEEKDAYS[d.weekday()]} {short_date(d, today)}"


def long_date(d: date) -> str:
    """``Tuesday, 10 March`` — a heading."""
    return f"{_WEEKDAY_NAMES[d.weekday()].capitalize()}, {d.day} {_MONTH_NAMES[d.month - 1].capitalize()}"


def human_span(days: int) -> str:
    """A length of time in the unit a person would use: ``3 days``, ``2 weeks``, ``5 months``, ``2 years``."""
    days = abs(days)
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 365:
        return f"{round(days / 30.4)} months"
    years = days // 365
    return "over a year" if years == 1 else f"over {years} years"
