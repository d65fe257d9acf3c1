"""Validation rules: each raises ValidationError naming the field, never echoing the user's text (E14, G1)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    Person,
    Promiser,
    Reminder,
)
from recipro_desktop.core.validation import (
    clean_text,
    looks_like_email,
    valid_birthday,
    validate_act,
    validate_commitment,
    validate_entry,
    validate_interaction,
    validate_need,
    validate_person,
    validate_reminder,
    validate_tags,
)
from tests.conftest import CANARY

P1 = uuid4()
D = date(2025, 6, 1)


def person(**kw: Any) -> Person:
    return Person(display_name=kw.pop("display_name", "Anaïs Dubois"), **kw)


def act(**kw: Any) -> Act:
    base: dict[str, Any] = dict(
        occurred_on=D, direction=Direction.RECEIVED, kind=ActKind.INTRODUCTION, summary="Intro", people=(P1,)
    )
    base.update(kw)
    return Act(**base)


def rejects(fn: Any, obj: Any, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        fn(obj)
    assert info.value.field == field
    assert CANARY not in str(info.value)
    return info.value


def test_valid_items_pass() -> None:
    validate_person(
        person(
            emails=("a@example.org", "b@intranet"),
            phones=("+49 170 1234567",),
            birthday_month=2,
            birthday_day=29,
            cadence_days=30,
            tags=("climbing club",),
        )
    )
    validate_act(act(weight=5, thanked_on=D, thanked_how="card"))
    validate_need(Need(person_id=P1, text="Looking for a designer", heard_on=D, follow_up_on=date(2025, 7, 1)))
    validate_commitment(Commitment(promiser=Promiser.ME, text="Send the deck", made_on=D, people=()))
    validate_interaction(Interaction(occurred_on=D, channel=Channel.CALL, summary="Call", people=(P1,)))
    validate_entry(JournalEntry(written_on=D, text="Grateful for Bo."))
    validate_reminder(Reminder(text="Call Bo", due_at=datetime(2025, 6, 1, 9, tzinfo=UTC)))


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_person_needs_a_display_name(name: str) -> None:
    err = rejects(validate_person, person(display_name=name), "display_name")
    assert "empty" in str(err)


def test_lengths_are_capped_and_the_message_gives_counts_not_text() -> None:
    err = rejects(validate_person, person(display_name=CANARY * 20), "display_name")
    assert "420" in str(err) and "200" in str(err)
    validate_person(person(display_name="x" * 200))
    rejects(validate_act, act(summary=CANARY + "x" * 500), "summary")
    validate_act(act(summary="x" * 500, details="y" * 100_000))
    rejects(validate_act, act(details="y" * 100_001), "details")
    rejects(validate_person, person(notes=CANARY * 5000), "notes")
    rejects(validate_entry, JournalEntry(written_on=D, text="t" * 100_001), "text")


@pytest.mark.parametrize("weight", [0, 6, -1, True])
def test_weight_is_one_to_five(weight: int) -> None:
    rejects(validate_act, act(weight=weight), "weight")


def test_act_needs_a_person_and_no_duplicates() -> None:
    err = rejects(validate_act, act(people=()), "people")
    assert "at least one person" in str(err)
    rejects(validate_act, act(people=(P1, P1)), "people")


def test_only_received_acts_are_thanked() -> None:
    rejects(validate_act, act(direction=Direction.GIVEN, thanked_on=D), "thanked_on")


def test_act_cannot_return_itself() -> None:
    a = act()
    rejects(validate_act, dataclasses.replace(a, in_return_for_id=a.id), "in_return_for_id")


@pytest.mark.parametrize(
    ("month", "day", "year", "field"),
    [
        (2, 30, None, "birthday_day"),
        (4, 31, None, "birthday_day"),
        (13, 1, None, "birthday_month"),
        (0, 1, None, "birthday_month"),
        (2, 29, 2023, "birthday_day"),
        (None, 3, None, "birthday_month"),
        (3, None, None, "birthday_day"),
        (None, None, 1990, "birthday_year"),
        (5, 5, 1850, "birthday_year"),
    ],
)
def test_birthday_must_be_a_real_day(month: int | None, day: int | None, year: int | None, field: str) -> None:
    rejects(validate_person, person(birthday_month=month, birthday_day=day, birthday_year=year), field)


def test_feb_29_allowed_without_year_and_in_leap_years() -> None:
    validate_person(person(birthday_month=2, birthday_day=29))
    validate_person(person(birthday_month=2, birthday_day=29, birthday_year=1996))
    assert valid_birthday(2, 29) and not valid_birthday(2, 29, 1900) and valid_birthday(2, 29, 2000)


@pytest.mark.parametrize("cadence", [0, 3651, -5])
def test_cadence_bounds(cadence: int) -> None:
    rejects(validate_person, person(cadence_days=cadence), "cadence_days")


def test_cadence_limits_are_inclusive() -> None:
    validate_person(person(cadence_days=1))
    validate_person(person(cadence_days=3650))


@pytest.mark.parametrize(
    "email", ["jane", "jane@", "@example.org", "a b@example.org", "a@@b", "a@b..c", "a@.b", "+49 170"]
)
def test_bad_emails(email: str) -> None:
    err = rejects(validate_person, person(emails=("ok@example.org", email)), "emails")
    assert "Email address 2" in str(err)
    assert not looks_like_email(email)


def test_phone_needs_a_digit() -> None:
    rejects(validate_person, person(phones=("call me",)), "phones")


def test_e14_nul_and_controls_rejected_lone_surrogates_too() -> None:
    err = rejects(validate_act, act(summary="b\x00c"), "summary")
    assert "NUL" in str(err)
    rejects(validate_act, act(details="\x1b[31mred"), "details")
    rejects(validate_need, Need(person_id=P1, text="a\ud800b", heard_on=D), "text")
    validate_act(act(details="tab\tnew\nline\r\n"))


def test_e14_clean_text_strips_controls_and_normalises() -> None:
    assert clean_text("b\x00c\x1b[31m\x7fd\t\n\r") == "bc[31md\t\n\r"
    assert clean_text("Zoe\u0308") == "Zoë"
    cleaned = clean_text("\x00" + CANARY + "\x08")
    validate_entry(JournalEntry(written_on=D, text=cleaned))


@pytest.mark.parametrize("day", [date(1899, 12, 31), date(2201, 1, 1)])
def test_absurd_dates(day: date) -> None:
    rejects(validate_act, act(occurred_on=day), "occurred_on")
    rejects(validate_need, Need(person_id=P1, text="x", heard_on=D, follow_up_on=day), "follow_up_on")


def test_date_limits_inclusive() -> None:
    validate_act(act(occurred_on=date(1900, 1, 1)))
    validate_act(act(occurred_on=date(2200, 12, 31)))


def test_reminder_rules() -> None:
    due = datetime(2025, 6, 1, 9, tzinfo=UTC)
    rejects(validate_reminder, Reminder(text=" ", due_at=due), "text")
    rejects(validate_reminder, Reminder(text="x", due_at=datetime(2025, 6, 1, 9)), "due_at")  # naive
    rejects(validate_reminder, Reminder(text="x", due_at=datetime(2300, 1, 1, tzinfo=UTC)), "due_at")


def test_commitment_from_them_needs_someone() -> None:
    rejects(validate_commitment, Commitment(promiser=Promiser.THEM, text="x", made_on=D, people=()), "people")
    rejects(validate_commitment, Commitment(promiser=Promiser.ME, text="", made_on=D, people=(P1,)), "text")


def test_interaction_and_entry() -> None:
    rejects(validate_interaction, Interaction(occurred_on=D, channel=Channel.EMAIL, summary="", people=()), "summary")
    rejects(validate_entry, JournalEntry(written_on=D, text="  "), "text")


def test_tags_one_line_non_empty() -> None:
    validate_tags(["mentor", "ex-Acme"])
    with pytest.raises(ValidationError):
        validate_tags(["ok", " "])
    rejects(validate_person, person(tags=("a\nb",)), "tags")


def test_met_through_cannot_be_self() -> None:
    p = person()
    rejects(validate_person, dataclasses.replace(p, met_through_id=p.id), "met_through_id")
