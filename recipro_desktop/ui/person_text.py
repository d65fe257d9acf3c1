"""The words the People list and the person page use: human dates, keep-in-touch phrases, safe tooltips.

Kept apart from the widgets so that the list, the header and the tabs say the same thing the same way
("today", "3 days ago", "12 Mar" — the day rules themselves are :mod:`day_text`'s, shared with the rest of the
window), and so the wording can be tested without a window. Nothing here imports Qt.

Tooltips deserve care: Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), so a note that
starts with ``<img src=...>`` would be rendered as HTML (RELIABILITY G4). :func:`tooltip` escapes the text and
wraps it in ``<qt>`` so Qt always takes it as rich text and shows the escaped characters literally.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterable
from datetime import date

from recipro_desktop.ui.day_text import human_day, human_span

MONTHS = tuple(calendar.month_name)[1:]


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally (escaped, line breaks kept), never as markup (G4)."""
    if not text:
        return ""
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<qt>{escaped}</qt>"


def human_date(day: date | None, today: date, *, empty: str = "—") -> str:
    """A day as people say it (:func:`day_text.human_day`: "today", "3 days ago", "12 Mar"); ``empty`` for None."""
    return empty if day is None else human_day(day, today)


def span(days: int) -> str:
    """A length of time in the unit people use (:func:`day_text.human_span`): "5 days", "3 weeks", "4 months"."""
    return human_span(days)


def ago(day: date | None, today: date) -> str:
    """How long ago ``day`` was: "today", "yesterday", "3 weeks ago"; future days: "in 4 days"."""
    if day is None:
        return "never"
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if delta == -1:
        return "tomorrow"
    if delta < 0:
        return f"in {span(-delta)}"
    return f"{span(delta)} ago"


def due_phrase(due: date | None, today: date) -> str:
    """When something is due: "due today", "due in 4 days", "due tomorrow", "3 days overdue"."""
    if due is None:
        return ""
    delta = (due - today).days
    if delta == 0:
        return "due today"
    if delta == 1:
        return "due tomorrow"
    if delta > 1:
        return f"due in {span(delta)}"
    return f"{span(-delta)} overdue"


def in_touch_phrase(last: date | None, due: date | None, today: date) -> str:
    """The keep-in-touch line of a person page: "Last in touch 3 weeks ago — due in 4 days"."""
    if last is None:
        return "Nothing logged together yet"
    text = f"Last in touch {ago(last, today)}"
    if due is not None:
        text += f" — {due_phrase(due, today)}"
    return text


def cadence_phrase(cadence_days: int | None) -> str:
    """ "Keep in touch every 30 days", "every week", or "" when no cadence is set."""
    if not cadence_days:
        return ""
    if cadence_days == 7:
        return "Keep in touch every week"
    if cadence_days == 1:
        return "Keep in touch every day"
    if cadence_days % 7 == 0 and cadence_days < 60:
        return f"Keep in touch every {cadence_days // 7} weeks"
    return f"Keep in touch every {cadence_days} days"


def next_birthday(month: int, day: int, today: date) -> date:
    """The next occurrence of a birthday on or after ``today`` (Feb 29 falls on Feb 28 in other years)."""
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, month)[1]
        candidate = date(year, month, min(day, last))
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def birthday_phrase(month: int | None, day: int | None, year: int | None, today: date) -> str:
    """ "Birthday 12 March · turns 40 in 5 days" (age only when the year is known); "" without a birthday."""
    if month is None or day is None:
        return ""
    text = f"Birthday {day} {MONTHS[month - 1]}"
    upcoming = next_birthday(month, day, today)
    days = (upcoming - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days" if days <= 30 else ""
    if year is not None:
        age = upcoming.year - year
        text += f" · turns {age} {when}".rstrip() if when else f" ({year})"
    elif when:
        text += f" · {when}"
    return text


def role_line(role: str, organisation: str) -> str:
    """ "Designer @ Acme", "Designer", "Acme", or ""."""
    role, organisation = role.strip(), organisation.strip()
    if role and organisation:
        return f"{role} @ {organisation}"
    return role or organisation


def join_list(values: Iterable[str]) -> str:
    return ", ".join(v for v in values if v)


def split_list(text: str, *, separators: str = ",;\n") -> tuple[str, ...]:
    """A typed list ("a, b; c" or one per line) as a tuple of trimmed, non-empty, distinct values."""
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    seen: dict[str, None] = {}
    for part in text.split(separators[0]):
        value = part.strip()
        if value and value.casefold() not in {k.casefold() for k in seen}:
            seen[value] = None
    return tuple(seen)


def count_people(n: int) -> str:
    return f"{n:,} person" if n == 1 else f"{n:,} people"
