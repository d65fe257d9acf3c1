"""Derived, read-only views of a person, computed by the journal service and shown by lists and pages.

Nothing here is stored: ``last_interaction``, ``keep_in_touch_due``, ``balance`` and ``warmth`` are computed
from the acts, interactions and journal entries that link a person (DESIGN §2, "derived, never stored by
hand"), with the pure rules of :mod:`recipro_desktop.core.scores`. The rows are immutable, so a Qt model can
hold 10,000 of them and paint from them without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from recipro_desktop.core.models import Person
from recipro_desktop.core.scores import Balance, Warmth


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonRow:
    """One row of the People list: the fields a list shows or sorts on, plus the derived figures.

    ``last_interaction`` is the latest day of any act, interaction or journal entry that names the person
    (``None`` when nothing was logged); ``keep_in_touch_due`` is the day keeping in touch falls due by
    :func:`recipro_desktop.core.reminders.cadence_due_on` (their cadence, else the default one), as Today and the tray
    decide it.
    """

    id: UUID
    display_name: str
    given_name: str
    family_name: str
    organisation: str
    role: str
    location: str
    emails: tuple[str, ...]
    tags: tuple[str, ...]
    can_help_with: tuple[str, ...]
    cadence_days: int | None
    birthday_month: int | None
    birthday_day: int | None
    archived: bool
    version: int
    last_interaction: date | None
    keep_in_touch_due: date | None
    balance: Balance
    warmth: Warmth
    open_needs: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonSummary:
    """The header and tab counts of a person page.

    Counts are of items that name the person: ``acts_given`` + ``acts_received`` == ``acts``;
    ``open_needs`` are needs still open or being helped with; ``open_commitments`` are promises still open;
    ``thanks_owed`` are received acts with them not yet thanked (and not marked "no thanks needed").
    """

    person: Person
    last_interaction: date | None
    keep_in_touch_due: date | None
    balance: Balance
    warmth: Warmth
    acts: int
    acts_given: int
    acts_received: int
    needs: int
    open_needs: int
    commitments: int
    open_commitments: int
    interactions: int
    entries: int
    reminders: int
    thanks_owed: int


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the reminder rules need of a person beyond a :class:`PersonRow` (read in one narrow query)."""

    name: str
    added_on: date  # the UTC day they were added (``Person.created_at``): the keep-in-touch ``known_since``
    birthday_year: int | None
