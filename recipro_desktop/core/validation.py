"""The rules every stored item obeys, checked before anything is written.

Each ``validate_*`` function raises :class:`~recipro_desktop.core.errors.ValidationError` on the first
problem, naming the offending field (``err.field`` is the dataclass attribute) with a message a user can
act on. Messages never repeat what the user typed: they say *which* field and *why* (and counts, such as a
length), because error text reaches logs and dialogs that must not carry private notes (RELIABILITY G1).

The services call :func:`clean_text` on free text first (NFC, control characters removed), so the
checks for NUL, controls and lone surrogates here are a last line of defence for callers that did not.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    PromptKind,
    Recurrence,
    Reminder,
)

NAME_MAX = 200
"""Display, given and family names, organisation, role, location."""

SUMMARY_MAX = 500
"""One-line texts: act and interaction summaries, reminder text, prompts, 'thanked how', need context."""

TEXT_MAX = 100_000
"""Free text: notes, details, need and promise text, journal entries, how-we-met."""

TAG_MAX = 100
EMAIL_MAX = 254
PHONE_MAX = 64
LINK_MAX = 2_000
LIST_MAX = 200
"""At most this many emails, phones, links, tags or people on one item."""

YEAR_MIN = 1900
YEAR_MAX = 2200
CADENCE_MIN = 1
CADENCE_MAX = 3650
WEIGHT_MIN = 1
WEIGHT_MAX = 5

_ALLOWED_CONTROLS = frozenset("\t\n\r")
_C0_AND_DEL = frozenset(chr(c) for c in (*range(0x20), 0x7F))
_STRIP_TABLE = dict.fromkeys(ord(c) for c in _C0_AND_DEL - _ALLOWED_CONTROLS)


def clean_text(s: str) -> str:
    """``s`` in NFC with NUL, DEL and the C0 controls except tab, line feed and carriage return removed.

    What a user pasted (terminal colour codes, stray NULs from a binary-ish CSV, RELIABILITY E14) must not
    reach the database, where NUL truncates strings for some readers. Lone surrogates are left for the
    validators to reject: they cannot be stored as UTF-8 and silently replacing them would alter the text.
    """
    return unicodedata.normalize("NFC", s).translate(_STRIP_TABLE)


# --- field checks --------------------------------------------------------------------------------------


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""What :func:`_check_chars` rejects, as one regex: a C-speed fast path (a 100,000-row import validates ~1M texts)."""


def _check_chars(field: str, value: str) -> None:
    if _FORBIDDEN_CHARS.search(value) is None:
        return
    for c in value:
        if c in _C0_AND_DEL and c not in _ALLOWED_CONTROLS:
            if c == "\x00":
                raise ValidationError(field, f"{_label(field)} contains a NUL character, which cannot be stored.")
            raise ValidationError(field, f"{_label(field)} contains a control character (U+{ord(c):04X}).")
        if "\ud800" <= c <= "\udfff":
            raise ValidationError(field, f"{_label(field)} contains an invalid character (a lone surrogate).")


def _check_text(field: str, value: object, limit: int, *, required: bool = False) -> None:
    if not isinstance(value, str):
        raise ValidationError(field, f"{_label(field)} must be text.")
    if required and not value.strip():
        raise ValidationError(field, f"{_label(field)} can't be empty.")
    if len(value) > limit:
        raise ValidationError(
            field, f"{_label(field)} is too long ({len(value):,} characters; the limit is {limit:,})."
        )
    _check_chars(field, value)


def _check_single_line(field: str, value: str) -> None:
    if "\n" in value or "\r" in value:
        raise ValidationError(field, f"{_label(field)} must be a single line.")


def _check_list(field: str, values: object, limit: int, *, what: str) -> tuple[str, ...]:
    if not isinstance(values, tuple):
        raise ValidationError(field, f"{_label(field)} must be a list of texts.")
    if len(values) > LIST_MAX:
        raise ValidationError(field, f"{_label(field)} has too many entries ({len(values)}; the limit is {LIST_MAX}).")
    for n, value in enumerate(values, start=1):
        if not isinstance(value, str):
            raise ValidationError(field, f"{what.capitalize()} {n} must be text.")
        if not value.strip():
            raise ValidationError(field, f"{what.capitalize()} {n} is empty.")
        if len(value) > limit:
            raise ValidationError(
                field, f"{what.capitalize()} {n} is too long ({len(value):,} characters; the limit is {limit:,})."
            )
        _check_chars(field, value)
        _check_single_line(field, value)
    return values


def _check_year(field: str, year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(field, f"{_label(field)} must be between the years {YEAR_MIN} and {YEAR_MAX}.")


def _check_date(field: str, value: object, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise ValidationError(field, f"{_label(field)} is required.")
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field, f"{_label(field)} must be a calendar date.")
    _check_year(field, value.year)


def _check_instant(field: str, value: object, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise ValidationError(field, f"{_label(field)} is required.")
        return
    if not isinstance(value, datetime):
        raise ValidationError(field, f"{_label(field)} must be a date and time.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, f"{_label(field)} must carry a time zone.")
    _check_year(field, value.year)


def _check_int(field: str, value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"{_label(field)} must be a whole number.")
    if not low <= value <= high:
        raise ValidationError(field, f"{what} must be between {low} and {high}.")
    return value


def _check_people(field: str, people: object, *, at_least: int) -> None:
    if not isinstance(people, tuple) or not all(isinstance(p, UUID) for p in people):
        raise ValidationError(field, "People must be a list of person ids.")
    if len(people) < at_least:
        raise ValidationError(
            field, "Choose at least one person." if at_least == 1 else f"Choose at least {at_least} people."
        )
    if len(people) > LIST_MAX:
        raise ValidationError(field, f"Too many people on one item ({len(people)}; the limit is {LIST_MAX}).")
    if len(set(people)) != len(people):
        raise ValidationError(field, "The same person is listed twice.")


def _check_enum(field: str, value: object, enum_type: type) -> None:
    if not isinstance(value, enum_type):
        raise ValidationError(field, f"{_label(field)} has an unknown value.")


def _check_optional_id(field: str, value: object, own_id: UUID | None = None) -> None:
    if value is None:
        return
    if not isinstance(value, UUID):
        raise ValidationError(field, f"{_label(field)} must be an id.")
    if own_id is not None and value == own_id:
        raise ValidationError(field, f"{_label(field)} can't point to the item itself.")


def _check_version(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("version", "Version must be a positive whole number.")


def looks_like_email(s: str) -> bool:
    """Roughly valid: ``local@domain``, one ``@``, no spaces, a domain without empty labels.

    Deliberately loose (no TLD required: intranet addresses exist); it only catches a phone number or a
    name pasted into the email column.
    """
    if len(s) > EMAIL_MAX or any(c.isspace() for c in s) or s.count("@") != 1:
        return False
    local, _, domain = s.partition("@")
    if not local or not domain:
        return False
    return all(label and not label.startswith("-") and not label.endswith("-") for label in domain.split("."))


def _check_emails(emails: object) -> None:
    values = _check_list("emails", emails, EMAIL_MAX, what="email address")
    for n, value in enumerate(values, start=1):
        if not looks_like_email(value):
            raise ValidationError("emails", f"Email address {n} doesn't look like an email address.")


def _check_phones(phones: object) -> None:
    values = _check_list("phones", phones, PHONE_MAX, what="phone number")
    for n, value in enumerate(values, start=1):
        if not any(c.isdigit() for c in value):
            raise ValidationError("phones", f"Phone number {n} has no digits.")


def valid_birthday(month: int, day: int, year: int | None = None) -> bool:
    """Whether ``month``/``day`` (and ``year`` if known) is a real date; Feb 29 without a year is allowed."""
    if not 1 <= month <= 12:
        return False
    last = calendar.monthrange(year if year is not None else 2000, month)[1]
    return 1 <= day <= last


def _check_birthday(p: Person) -> None:
    month, day, year = p.birthday_month, p.birthday_day, p.birthday_year
    if month is None and day is None:
        if year is not None:
            raise ValidationError("birthday_year", "A birth year needs a birthday month and day.")
        return
    if month is None or day is None:
        field = "birthday_month" if month is None else "birthday_day"
        raise ValidationError(field, "A birthday needs both a month and a day.")
    _check_int("birthday_month", month, 1, 12, "Birthday month")
    _check_int("birthday_day", day, 1, 31, "Birthday day")
    if year is not None:
        _check_int("birthday_year", year, YEAR_MIN, YEAR_MAX, "Birth year")
    if not valid_birthday(month, day, year):
        if year is not None and month == 2 and day == 29:
            raise ValidationError("birthday_day", "February 29 does not exist in that birth year.")
        raise ValidationError("birthday_day", "That day does not exist in that month.")


# --- entities ------------------------------------------------------------------------------------------


def validate_person(p: Person) -> None:
    """A person: a non-empty display name, plausible contact fields, a real birthday, a sane cadence."""
    _check_text("display_name", p.display_name, NAME_MAX, required=True)
    _check_single_line("display_name", p.display_name)
    for field in ("given_name", "family_name", "organisation", "role", "location"):
        value = getattr(p, field)
        _check_text(field, value, NAME_MAX)
        _check_single_line(field, value)
    _check_emails(p.emails)
    _check_phones(p.phones)
    _check_list("links", p.links, LINK_MAX, what="link")
    _check_list("tags", p.tags, TAG_MAX, what="tag")
    _check_list("can_help_with", p.can_help_with, TAG_MAX, what="skill")
    _check_text("how_met", p.how_met, TEXT_MAX)
    _check_date("met_on", p.met_on)
    _check_optional_id("met_through_id", p.met_through_id, p.id)
    _check_birthday(p)
    if p.cadence_days is not None:
        _check_int("cadence_days", p.cadence_days, CADENCE_MIN, CADENCE_MAX, "Keep-in-touch cadence (days)")
    _check_text("notes", p.notes, TEXT_MAX)
    if not isinstance(p.archived, bool):
        raise ValidationError("archived", "Archived must be yes or no.")
    _check_version(p.version)


def validate_act(a: Act) -> None:
    """An act: a date, a direction and kind, a non-empty summary, weight 1–5, at least one person."""
    _check_date("occurred_on", a.occurred_on, required=True)
    _check_enum("direction", a.direction, Direction)
    _check_enum("kind", a.kind, ActKind)
    _check_text("summary", a.summary, SUMMARY_MAX, required=True)
    _check_text("details", a.details, TEXT_MAX)
    _check_people("people", a.people, at_least=1)
    _check_int("weight", a.weight, WEIGHT_MIN, WEIGHT_MAX, "Weight")
    _check_optional_id("meets_need_id", a.meets_need_id)
    _check_optional_id("in_return_for_id", a.in_return_for_id, a.id)
    if not isinstance(a.paid_forward, bool) or not isinstance(a.thanks_not_needed, bool):
        raise ValidationError("paid_forward", "Paid forward and 'no thanks needed' must be yes or no.")
    _check_date("thanked_on", a.thanked_on)
    _check_text("thanked_how", a.thanked_how, SUMMARY_MAX)
    if a.direction is Direction.GIVEN and (a.thanked_on is not None or a.thanked_how):
        raise ValidationError("thanked_on", "Only received acts can be marked as thanked.")
    _check_version(a.version)


def validate_need(n: Need) -> None:
    """A listening note: a person, non-empty text, the day it was heard, a known status."""
    _check_optional_id("person_id", n.person_id)
    if n.person_id is None:
        raise ValidationError("person_id", "Choose the person this need belongs to.")
    _check_text("text", n.text, TEXT_MAX, required=True)
    _check_date("heard_on", n.heard_on, required=True)
    _check_list("tags", n.tags, TAG_MAX, what="tag")
    _check_text("context", n.context, SUMMARY_MAX)
    _check_enum("status", n.status, NeedStatus)
    _check_date("follow_up_on", n.follow_up_on)
    _check_optional_id("met_by_act_id", n.met_by_act_id)
    _check_version(n.version)


def validate_commitment(c: Commitment) -> None:
    """A promise: who promised, non-empty text, when; a promise *they* made names at least one person."""
    _check_enum("promiser", c.promiser, Promiser)
    _check_text("text", c.text, TEXT_MAX, required=True)
    _check_date("made_on", c.made_on, required=True)
    _check_people("people", c.people, at_least=1 if c.promiser is Promiser.THEM else 0)
    _check_date("due_on", c.due_on)
    _check_enum("status", c.status, CommitmentStatus)
    _check_optional_id("fulfilled_by_act_id", c.fulfilled_by_act_id)
    _check_version(c.version)


def validate_interaction(i: Interaction) -> None:
    """A touchpoint: a date, a channel, a non-empty summary."""
    _check_date("occurred_on", i.occurred_on, required=True)
    _check_enum("channel", i.channel, Channel)
    _check_text("summary", i.summary, SUMMARY_MAX, required=True)
    _check_text("details", i.details, TEXT_MAX)
    _check_people("people", i.people, at_least=0)
    _check_version(i.version)


def validate_entry(e: JournalEntry) -> None:
    """A journal entry: a date and non-empty text; the prompt it answered, if any, on one line."""
    _check_date("written_on", e.written_on, required=True)
    _check_text("text", e.text, TEXT_MAX, required=True)
    _check_people("people", e.people, at_least=0)
    _check_enum("prompt_kind", e.prompt_kind, PromptKind)
    _check_text("prompt", e.prompt, SUMMARY_MAX)
    _check_version(e.version)


def validate_reminder(r: Reminder) -> None:
    """A user reminder: non-empty one-line text, a timezone-aware due time, a known recurrence."""
    _check_text("text", r.text, SUMMARY_MAX, required=True)
    _check_instant("due_at", r.due_at, required=True)
    _check_optional_id("person_id", r.person_id)
    _check_enum("recurrence", r.recurrence, Recurrence)
    _check_instant("snoozed_until", r.snoozed_until)
    if not isinstance(r.done, bool):
        raise ValidationError("done", "Done must be yes or no.")
    _check_version(r.version)


def validate_tags(tags: Iterable[str]) -> None:
    """Tag names on their own (the Tag entity and tag lists share the same rule)."""
    _check_list("tags", tuple(tags), TAG_MAX, what="tag")
