"""The journal's domain: immutable dataclasses and enums shared by every layer.

Everything here is plain data. Repositories return these objects, services accept and return them, and
Qt models hold them as rows; nobody ever holds an ORM object outside ``storage/``. Edits are made with
:func:`dataclasses.replace` and sent back to a service, which checks ``version`` (optimistic concurrency:
a stale edit raises :class:`recipro_desktop.core.errors.ConflictError` instead of overwriting).

Dates that a user thinks of as days (when an act happened, a due date) are :class:`datetime.date`;
instants (``created_at``, reminder times) are timezone-aware UTC :class:`datetime.datetime`.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID


def new_id() -> UUID:
    """A fresh random id; ids are stable across export and import."""
    return uuid.uuid4()


def utc_now() -> datetime:
    """The current instant in UTC (use an injected clock in rules; this is only a default)."""
    return datetime.now(UTC)


class Direction(enum.StrEnum):
    """Which way an act flowed, seen from the journal's owner."""

    GIVEN = "given"
    RECEIVED = "received"


class ActKind(enum.StrEnum):
    FAVOR = "favor"
    REFERRAL = "referral"
    INTRODUCTION = "introduction"
    KNOWLEDGE = "knowledge"
    MENTORSHIP = "mentorship"
    COLLABORATION = "collaboration"
    SUPPORT = "support"
    GIFT = "gift"
    LOAN = "loan"
    OTHER = "other"


class NeedStatus(enum.StrEnum):
    OPEN = "open"
    HELPING = "helping"
    MET = "met"
    DROPPED = "dropped"


class Promiser(enum.StrEnum):
    """Who made a promise: the journal's owner, or the other person."""

    ME = "me"
    THEM = "them"


class CommitmentStatus(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class Channel(enum.StrEnum):
    MEETING = "meeting"
    CALL = "call"
    MESSAGE = "message"
    EMAIL = "email"
    EVENT = "event"


class PromptKind(enum.StrEnum):
    """What a journal entry answered: a gratitude prompt, a reflection prompt, or nothing."""

    GRATITUDE = "gratitude"
    REFLECTION = "reflection"
    NONE = "none"


class Recurrence(enum.StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class ItemKind(enum.StrEnum):
    """The kinds of dated item that appear on a timeline and in search results."""

    PERSON = "person"
    ACT = "act"
    NEED = "need"
    COMMITMENT = "commitment"
    INTERACTION = "interaction"
    ENTRY = "entry"
    REMINDER = "reminder"


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    display_name: str
    given_name: str = ""
    family_name: str = ""
    organisation: str = ""
    role: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    location: str = ""
    tags: tuple[str, ...] = ()
    how_met: str = ""
    met_on: date | None = None
    met_through_id: UUID | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    birthday_year: int | None = None
    cadence_days: int | None = None
    can_help_with: tuple[str, ...] = ()
    notes: str = ""
    archived: bool = False
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Act:
    occurred_on: date
    direction: Direction
    kind: ActKind
    summary: str
    people: tuple[UUID, ...]
    details: str = ""
    weight: int = 3
    meets_need_id: UUID | None = None
    in_return_for_id: UUID | None = None
    paid_forward: bool = False
    thanked_on: date | None = None
    thanked_how: str = ""
    thanks_not_needed: bool = False
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Need:
    """A listening note: what a contact needs, wants or struggles with."""

    person_id: UUID
    text: str
    heard_on: date
    tags: tuple[str, ...] = ()
    context: str = ""
    status: NeedStatus = NeedStatus.OPEN
    follow_up_on: date | None = None
    met_by_act_id: UUID | None = None
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """A promise, made by the owner (``Promiser.ME``) or by the people named."""

    promiser: Promiser
    text: str
    made_on: date
    people: tuple[UUID, ...]
    due_on: date | None = None
    status: CommitmentStatus = CommitmentStatus.OPEN
    fulfilled_by_act_id: UUID | None = None
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction:
    """A touchpoint that is not an act (a coffee, a call, a message)."""

    occurred_on: date
    channel: Channel
    summary: str
    people: tuple[UUID, ...]
    details: str = ""
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalEntry:
    written_on: date
    text: str
    people: tuple[UUID, ...] = ()
    prompt_kind: PromptKind = PromptKind.NONE
    prompt: str = ""
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    text: str
    due_at: datetime
    person_id: UUID | None = None
    recurrence: Recurrence = Recurrence.NONE
    snoozed_until: datetime | None = None
    done: bool = False
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    name: str
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportBatch:
    """One CSV import, kept for its report and for *undo import*."""

    source_name: str
    format: str
    added: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    undone_at: datetime | None = None
    id: UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 1


# --- derived, read-only views -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineItem:
    """One row of a timeline: any dated item, reduced to what a list shows.

    ``title`` is the item's one-line text (an act's summary, a need's text...). ``subkind`` is the act
    kind, the interaction channel, the commitment's promiser or the entry's prompt kind, as a string.
    """

    kind: ItemKind
    id: UUID
    on: date
    title: str
    subkind: str = ""
    direction: Direction | None = None
    people: tuple[UUID, ...] = ()
    created_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class TimelineCursor:
    """Keyset position: the last row of a page, newest-first order is (on DESC, created_at DESC, id DESC)."""

    on: date
    created_at: datetime
    id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineFilter:
    person_id: UUID | None = None
    kinds: frozenset[ItemKind] = frozenset()  # empty = every kind
    direction: Direction | None = None  # only acts have a direction; set = acts of that direction only
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelinePage:
    items: tuple[TimelineItem, ...]
    next_cursor: TimelineCursor | None  # None when this was the last page


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    kind: ItemKind
    id: UUID
    title: str
    snippet: str
    on: date | None = None
    person_id: UUID | None = None  # the person the hit belongs to, where there is one
