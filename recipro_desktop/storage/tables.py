"""The database schema as a typed SQLAlchemy 2 ORM. Nothing outside ``storage/`` sees these classes.

Choices that shape every query:

- **Ids** are UUIDs stored as 16-byte BLOBs (:class:`UUIDBlob`): half the size of the text form, so the
  primary keys and the many link-table indexes stay small.
- **Days** (``occurred_on``...) are ISO ``YYYY-MM-DD`` TEXT, **instants** (``created_at``...) are fixed-width
  UTC ISO TEXT (:class:`UTCDateTime`): both sort correctly as text, which the timeline's keyset order needs.
- **Lists** of strings (emails, phones, links, "can help with") are JSON arrays (:class:`StrTuple`); tags are
  real rows (:class:`TagRow` with ``person_tags``/``need_tags`` links) so they can be listed and renamed.
- Every editable row has ``created_at``, ``updated_at`` and a ``version`` used as SQLAlchemy's
  ``version_id_col``: an UPDATE carries ``WHERE version = <read version>`` and a stale edit matches no row
  (RELIABILITY C4), so nothing is ever silently overwritten.
- People linked to an act, commitment, interaction or journal entry are rows of a link table with a
  ``position`` (their order is kept exactly, for CSV round-trips); link tables are ``WITHOUT ROWID`` (the
  primary key is the table: two B-trees per link table instead of three). Deleting a person removes their links
  (``ON DELETE CASCADE``) and their listening notes; deleting an act sets the references to it to NULL.
- ``item_index`` + ``timeline_people`` are derived tables (timeline and search), written by the storage
  layer in the same transaction as the rows they describe (see :mod:`recipro_desktop.storage.timeline`).
  The FTS5 tables live only in the migrations (SQLAlchemy cannot describe virtual tables).

The schema itself is created and changed only by the Alembic migrations under ``migrations/versions``;
``tests/storage/test_schema.py`` proves the migrations and these classes describe the same database.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID, SafeUUID

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Constraint names are fixed so that batch migrations can find and alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_new_object = object.__new__
_set_attribute = object.__setattr__
_UNKNOWN_SAFETY = SafeUUID.unknown


def uuid_from_bytes(value: bytes) -> UUID:
    """``UUID(bytes=value)`` for 16 bytes read from the database, about six times faster.

    A timeline page or a People list turns thousands of stored ids into UUIDs; ``UUID.__init__`` spends most
    of its time parsing which of its five argument forms it got. This sets the two slots exactly as
    ``UUID.__init__`` does for ``bytes=`` (``int`` from big-endian bytes, ``is_safe`` unknown).
    """
    if len(value) != 16:
        raise ValueError("a stored id must be 16 bytes")
    uid = _new_object(UUID)
    _set_attribute(uid, "int", int.from_bytes(value, "big"))
    _set_attribute(uid, "is_safe", _UNKNOWN_SAFETY)
    return uid


class UUIDBlob(TypeDecorator[UUID]):
    """A :class:`uuid.UUID` stored as its 16 raw bytes."""

    impl = LargeBinary(16)
    cache_ok = True

    def process_bind_param(self, value: UUID | None, dialect: Dialect) -> bytes | None:
        return None if value is None else value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> UUID | None:
        return None if value is None else uuid_from_bytes(bytes(value))


def utc_text(value: datetime) -> str:
    """The stored form of an instant: naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff`` (fixed width, sortable).

    A naive datetime is refused: the journal never guesses which time zone a caller meant.
    """
    tz = value.tzinfo
    if tz is UTC:  # the common case, without building two intermediate datetimes
        return value.isoformat(sep=" ", timespec="microseconds")[:26]
    if tz is None:
        raise ValueError("instants must be timezone-aware")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def utc_from_text(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored as fixed-width UTC text (see :func:`utc_text`)."""

    impl = String(26)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else utc_from_text(value)


class StrTuple(TypeDecorator[tuple[str, ...]]):
    """A tuple of strings stored as a JSON array (order kept, never NULL: empty is ``[]``)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: tuple[str, ...] | list[str] | None, dialect: Dialect) -> str:
        return json.dumps(list(value or ()), ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[str, ...]:
        return tuple(json.loads(value)) if value else ()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        UUID: UUIDBlob(),
        datetime: UTCDateTime(),
        date: Date(),
        str: Text(),
        tuple[str, ...]: StrTuple(),
    }


class _Versioned:
    """``created_at``/``updated_at`` and the optimistic ``version`` (C4), shared by every editable row."""

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def _enum_check(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


DIRECTIONS = ("given", "received")
ACT_KINDS = (
    "favor",
    "referral",
    "introduction",
    "knowledge",
    "mentorship",
    "collaboration",
    "support",
    "gift",
    "loan",
    "other",
)
NEED_STATUSES = ("open", "helping", "met", "dropped")
PROMISERS = ("me", "them")
COMMITMENT_STATUSES = ("open", "kept", "broken", "cancelled")
CHANNELS = ("meeting", "call", "message", "email", "event")
PROMPT_KINDS = ("gratitude", "reflection", "none")
RECURRENCES = ("none", "daily", "weekly", "monthly", "yearly")
THANKS_OWED_WHERE = "direction = 'received' AND thanked_on IS NULL AND thanks_not_needed = 0"
"""The rows of the partial index behind "thank-yous owed"; a query must repeat it to use the index."""


class ImportBatchRow(_Versioned, Base):
    __tablename__ = "import_batches"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    source_name: Mapped[str]
    format: Mapped[str]
    added: Mapped[int]
    updated: Mapped[int]
    skipped: Mapped[int]
    rejected: Mapped[int]
    undone_at: Mapped[datetime | None]


def _import_batch_fk() -> Mapped[UUID | None]:
    return mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)


class TagRow(_Versioned, Base):
    __tablename__ = "tags"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class PersonRow(_Versioned, Base):
    __tablename__ = "people"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    display_name: Mapped[str]
    given_name: Mapped[str]
    family_name: Mapped[str]
    organisation: Mapped[str]
    role: Mapped[str]
    emails: Mapped[tuple[str, ...]]
    phones: Mapped[tuple[str, ...]]
    links: Mapped[tuple[str, ...]]
    location: Mapped[str]
    how_met: Mapped[str]
    met_on: Mapped[date | None]
    met_through_id: Mapped[UUID | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    birthday_month: Mapped[int | None]
    birthday_day: Mapped[int | None]
    birthday_year: Mapped[int | None]
    cadence_days: Mapped[int | None]
    can_help_with: Mapped[tuple[str, ...]]
    notes: Mapped[str]
    archived: Mapped[bool]
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (
        CheckConstraint("birthday_month IS NULL OR birthday_month BETWEEN 1 AND 12", name="birthday_month"),
        CheckConstraint("birthday_day IS NULL OR birthday_day BETWEEN 1 AND 31", name="birthday_day"),
        CheckConstraint("cadence_days IS NULL OR cadence_days > 0", name="cadence_days"),
    )


person_tags = Table(
    "person_tags",
    Base.metadata,
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", UUIDBlob(), ForeignKey("tags.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("person_id", "tag_id"),
    sqlite_with_rowid=False,
)


class ActRow(_Versioned, Base):
    __tablename__ = "acts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    occurred_on: Mapped[date]
    direction: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str]
    details: Mapped[str]
    weight: Mapped[int]
    meets_need_id: Mapped[UUID | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    in_return_for_id: Mapped[UUID | None] = mapped_column(ForeignKey("acts.id", ondelete="SET NULL"), index=True)
    paid_forward: Mapped[bool]
    thanked_on: Mapped[date | None]
    thanked_how: Mapped[str]
    thanks_not_needed: Mapped[bool]
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (
        _enum_check("direction", DIRECTIONS),
        _enum_check("kind", ACT_KINDS),
        CheckConstraint("weight BETWEEN 1 AND 5", name="weight"),
        # Thank-yous owed: received, not thanked, not "not needed" (a partial index keeps it tiny).
        Index(
            "ix_acts_thanks_owed",
            "occurred_on",
            sqlite_where=text(THANKS_OWED_WHERE),
        ),
    )


act_people = Table(
    "act_people",
    Base.metadata,
    Column("act_id", UUIDBlob(), ForeignKey("acts.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("act_id", "person_id"),
    sqlite_with_rowid=False,
)


class NeedRow(_Versioned, Base):
    __tablename__ = "needs"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str]
    heard_on: Mapped[date]
    context: Mapped[str]
    status: Mapped[str] = mapped_column(String(8), index=True)
    follow_up_on: Mapped[date | None]
    # use_alter: acts → needs → acts is a cycle; SQLite renders it inline, the flag only orders DROPs.
    met_by_act_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("acts.id", ondelete="SET NULL", use_alter=True), index=True
    )
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (_enum_check("status", NEED_STATUSES),)


need_tags = Table(
    "need_tags",
    Base.metadata,
    Column("need_id", UUIDBlob(), ForeignKey("needs.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", UUIDBlob(), ForeignKey("tags.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("need_id", "tag_id"),
    sqlite_with_rowid=False,
)


class CommitmentRow(_Versioned, Base):
    __tablename__ = "commitments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    promiser: Mapped[str] = mapped_column(String(8))
    text: Mapped[str]
    made_on: Mapped[date]
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), index=True)
    fulfilled_by_act_id: Mapped[UUID | None] = mapped_column(ForeignKey("acts.id", ondelete="SET NULL"), index=True)
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (_enum_check("promiser", PROMISERS), _enum_check("status", COMMITMENT_STATUSES))


commitment_people = Table(
    "commitment_people",
    Base.metadata,
    Column("commitment_id", UUIDBlob(), ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("commitment_id", "person_id"),
    sqlite_with_rowid=False,
)


class InteractionRow(_Versioned, Base):
    __tablename__ = "interactions"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    occurred_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str]
    details: Mapped[str]
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (_enum_check("channel", CHANNELS),)


interaction_people = Table(
    "interaction_people",
    Base.metadata,
    Column("interaction_id", UUIDBlob(), ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("interaction_id", "person_id"),
    sqlite_with_rowid=False,
)


class EntryRow(_Versioned, Base):
    __tablename__ = "journal_entries"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    written_on: Mapped[date]
    text: Mapped[str]
    prompt_kind: Mapped[str] = mapped_column(String(12))
    prompt: Mapped[str]
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (_enum_check("prompt_kind", PROMPT_KINDS),)


entry_people = Table(
    "entry_people",
    Base.metadata,
    Column("entry_id", UUIDBlob(), ForeignKey("journal_entries.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("entry_id", "person_id"),
    sqlite_with_rowid=False,
)


class ReminderRow(_Versioned, Base):
    __tablename__ = "reminders"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    text: Mapped[str]
    due_at: Mapped[datetime] = mapped_column(index=True)
    person_id: Mapped[UUID | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    recurrence: Mapped[str] = mapped_column(String(8))
    snoozed_until: Mapped[datetime | None]
    done: Mapped[bool]
    import_batch_id: Mapped[UUID | None] = _import_batch_fk()

    __table_args__ = (_enum_check("recurrence", RECURRENCES),)


class SettingRow(Base):
    """One domain setting: a key and its JSON value (types and defaults live in ``core/settings.py``)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
    updated_at: Mapped[datetime]


# --- derived tables: the timeline and search index ------------------------------------------------------

item_index = Table(
    "item_index",
    Base.metadata,
    # The integer rowid is also the rowid of the item's rows in the FTS5 tables. Compact keys (see
    # storage/timeline.py): kind and direction are small integer codes, day a date ordinal, created the
    # UTC instant in microseconds.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", Integer, nullable=False),
    Column("item_id", UUIDBlob(), nullable=False, unique=True),
    Column("day", Integer, nullable=True),  # NULL for people, which are searchable but not on the timeline
    Column("created", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("subkind", Text, nullable=False),
    Column("direction", Integer, nullable=True),
    Column("people", LargeBinary, nullable=False),  # the linked people's 16-byte ids, concatenated in order
    Column("person_id", UUIDBlob(), nullable=True),  # the person a search hit belongs to, where there is one
    CheckConstraint("kind BETWEEN 0 AND 6", name="kind"),
    # The global timeline: newest first is a backwards scan; kind and direction let filters skip rows
    # without touching the table.
    Index("ix_item_index_timeline", "day", "created", "item_id", "kind", "direction"),
)

timeline_people = Table(
    "timeline_people",
    Base.metadata,
    Column("person_id", UUIDBlob(), ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("day", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("item_id", UUIDBlob(), nullable=False),
    Column("kind", Integer, nullable=False),
    Column("direction", Integer, nullable=True),
    # Acts only: what balance and warmth need, so the People list is one scan of this table, no join.
    Column("weight", Integer, nullable=True),
    Column("paid_forward", Integer, nullable=True),
    # A person's timeline is a backwards range scan of this primary key (a covering, clustered index).
    PrimaryKeyConstraint("person_id", "day", "created", "item_id"),
    sqlite_with_rowid=False,
)

FTS_TABLES = ("item_fts", "person_name_fts")
"""FTS5 virtual tables made by the migrations (with their shadow tables, ignored by schema comparison)."""
