"""Repositories: the only code that turns rows into the frozen dataclasses of ``core/models.py`` and back.

A :class:`Repository` works inside one session (one transaction) and never lets an ORM object out. Every
write keeps the derived tables in step in the same transaction: the people links (in order), the tags,
and the timeline/search index (:mod:`timeline`, :mod:`fts`). Writes that change other rows on the side
(deleting an act clears the needs it met; deleting a person unlinks them everywhere) bump those rows'
``version`` and ``updated_at`` too, so a stale copy of them held by a window cannot be saved back over the
change (RELIABILITY C4).

Single-item writes use the ORM (its ``version_id_col`` makes every UPDATE conditional on the version read);
bulk loads and list queries use Core/driver SQL with ``executemany`` (DESIGN §6: 200,000 items in seconds).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from itertools import repeat
from operator import add, attrgetter, mul
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from sqlalchemy import Boolean, Connection, Date, Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from recipro_desktop.core import scores
from recipro_desktop.core.errors import ConflictError, NotFoundError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    ImportBatch,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    PromptKind,
    Recurrence,
    Reminder,
    Tag,
)
from recipro_desktop.core.scores import ActFlow
from recipro_desktop.storage import timeline
from recipro_desktop.storage.tables import (
    ActRow,
    Base,
    CommitmentRow,
    EntryRow,
    ImportBatchRow,
    InteractionRow,
    NeedRow,
    PersonRow,
    ReminderRow,
    StrTuple,
    TagRow,
    UTCDateTime,
    UUIDBlob,
    act_people,
    commitment_people,
    entry_people,
    interaction_people,
    need_tags,
    person_tags,
    utc_text,
    uuid_from_bytes,
)
from recipro_desktop.storage.timeline import IndexDoc

log = logging.getLogger(__name__)

M = TypeVar("M")
Model = Person | Act | Need | Commitment | Interaction | JournalEntry | Reminder

TITLE_MAX = 200
_CHUNK = 500
_STAMP_FIELDS = frozenset({"id", "created_at", "updated_at", "version"})


@dataclass(frozen=True)
class Spec(Generic[M]):
    """How one entity maps to its tables."""

    kind: ItemKind
    model: type[M]
    row: type[Base]
    enums: Mapping[str, Callable[[str], Any]]
    people: Table | None = None  # link table of the ``people`` tuple
    people_owner: str = ""
    tags: Table | None = None  # link table of the ``tags`` tuple
    tags_owner: str = ""

    @property
    def table(self) -> Table:
        return cast(Table, self.row.__table__)

    @property
    def fields(self) -> tuple[str, ...]:
        """The dataclass fields stored 1:1 as columns."""
        skip = _STAMP_FIELDS | {"people", "tags"}
        return tuple(f.name for f in dataclasses.fields(cast(Any, self.model)) if f.name not in skip)


PERSON: Spec[Person] = Spec(ItemKind.PERSON, Person, PersonRow, {}, tags=person_tags, tags_owner="person_id")
ACT: Spec[Act] = Spec(
    ItemKind.ACT,
    Act,
    ActRow,
    {"direction": Direction, "kind": ActKind},
    people=act_people,
    people_owner="act_id",
)
NEED: Spec[Need] = Spec(ItemKind.NEED, Need, NeedRow, {"status": NeedStatus}, tags=need_tags, tags_owner="need_id")
COMMITMENT: Spec[Commitment] = Spec(
    ItemKind.COMMITMENT,
    Commitment,
    CommitmentRow,
    {"promiser": Promiser, "status": CommitmentStatus},
    people=commitment_people,
    people_owner="commitment_id",
)
INTERACTION: Spec[Interaction] = Spec(
    ItemKind.INTERACTION,
    Interaction,
    InteractionRow,
    {"channel": Channel},
    people=interaction_people,
    people_owner="interaction_id",
)
ENTRY: Spec[JournalEntry] = Spec(
    ItemKind.ENTRY,
    JournalEntry,
    EntryRow,
    {"prompt_kind": PromptKind},
    people=entry_people,
    people_owner="entry_id",
)
REMINDER: Spec[Reminder] = Spec(ItemKind.REMINDER, Reminder, ReminderRow, {"recurrence": Recurrence})

SPECS: dict[ItemKind, Spec[Any]] = {s.kind: s for s in (PERSON, ACT, NEED, COMMITMENT, INTERACTION, ENTRY, REMINDER)}
SPEC_BY_MODEL: dict[type, Spec[Any]] = {s.model: s for s in SPECS.values()}
LINKED_SPECS: tuple[Spec[Any], ...] = (ACT, COMMITMENT, INTERACTION, ENTRY)
"""Entities that link people through a link table."""


def spec_for(obj: object) -> Spec[Any]:
    try:
        return SPEC_BY_MODEL[type(obj)]
    except KeyError:
        raise TypeError(f"not a journal entity: {type(obj).__name__}") from None


def _chunks(seq: Sequence[M], size: int = _CHUNK) -> Iterator[Sequence[M]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _plain(value: object) -> object:
    """Enum members as their plain string value (what the column stores)."""
    return (
        value.value
        if isinstance(
            value, Direction | ActKind | NeedStatus | CommitmentStatus | Promiser | Channel | PromptKind | Recurrence
        )
        else value
    )


def one_line(text: str, limit: int = TITLE_MAX) -> str:
    """The first non-empty line of ``text``, cut at ``limit`` characters: what a list row shows."""
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


class Repository:
    """Reads and writes journal entities inside one :class:`Session`.

    Args:
        session: the transaction to work in (from :meth:`Database.session`).
        now: the instant stamped on ``updated_at`` (and ``created_at`` of tags made on the way).
    """

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    @property
    def conn(self) -> Connection:
        return self.session.connection()

    @property
    def raw(self) -> Any:
        """The session's DB-API connection (same transaction), for the derived queries below."""
        return self.session.connection().connection.driver_connection

    # --- reading -------------------------------------------------------------------------------------------

    def get(self, spec: Spec[M], item_id: UUID) -> M:
        # populate_existing: always what the database holds now, never a row cached earlier in the session.
        row = self.session.get(spec.row, item_id, populate_existing=True)
        if row is None:
            raise NotFoundError(f"No {spec.kind.value} with id {item_id} in this journal.")
        return self._models(spec, [row])[0]

    def get_many(self, spec: Spec[M], ids: Sequence[UUID]) -> list[M]:
        """The stored items with these ids, in the order asked (missing ids are skipped)."""
        rows: dict[UUID, Any] = {}
        for chunk in _chunks(list(ids)):
            query = select(spec.row).where(cast(Any, spec.row).id.in_(chunk)).execution_options(populate_existing=True)
            for row in self.session.scalars(query):
                rows[cast(Any, row).id] = row
        ordered = [rows[i] for i in ids if i in rows]
        return self._models(spec, ordered)

    def exists(self, spec: Spec[Any], item_id: UUID) -> bool:
        return self.session.get(spec.row, item_id) is not None

    def _models(self, spec: Spec[M], rows: Sequence[Any]) -> list[M]:
        ids = [r.id for r in rows]
        people = self._load_people(spec, ids) if spec.people is not None else {}
        tags = self._load_tags(spec, ids) if spec.tags is not None else {}
        out = []
        for row in rows:
            values: dict[str, Any] = {f: getattr(row, f) for f in spec.fields}
            for name, enum in spec.enums.items():
                values[name] = enum(values[name])
            if spec.people is not None:
                values["people"] = people.get(row.id, ())
            if spec.tags is not None:
                values["tags"] = tags.get(row.id, ())
            out.append(
                cast(Any, spec.model)(
                    id=row.id, created_at=row.created_at, updated_at=row.updated_at, version=row.version, **values
                )
            )
        return out

    def _load_people(self, spec: Spec[Any], ids: Sequence[UUID]) -> dict[UUID, tuple[UUID, ...]]:
        assert spec.people is not None
        table = spec.people
        owner = table.c[spec.people_owner]
        found: dict[UUID, list[UUID]] = defaultdict(list)
        for chunk in _chunks(list(ids)):
            query = select(owner, table.c.person_id).where(owner.in_(chunk)).order_by(owner, table.c.position)
            for owner_id, person_id in self.session.execute(query):
                found[owner_id].append(person_id)
        return {k: tuple(v) for k, v in found.items()}

    def _load_tags(self, spec: Spec[Any], ids: Sequence[UUID]) -> dict[UUID, tuple[str, ...]]:
        assert spec.tags is not None
        table = spec.tags
        owner = table.c[spec.tags_owner]
        found: dict[UUID, list[str]] = defaultdict(list)
        for chunk in _chunks(list(ids)):
            query = (
                select(owner, TagRow.name)
                .join(TagRow, TagRow.id == table.c.tag_id)
                .where(owner.in_(chunk))
                .order_by(owner, table.c.position)
            )
            for owner_id, name in self.session.execute(query):
                found[owner_id].append(name)
        return {k: tuple(v) for k, v in found.items()}

    # --- single-item writes -------------------------------------------------------------------------------

    def add(self, obj: M) -> M:
        """Insert a new item (its own id, timestamps and version as given) with its links and index rows."""
        spec = spec_for(obj)
        if self.session.get(spec.row, cast(Any, obj).id) is not None:
            raise ConflictError(f"A {spec.kind.value} with id {cast(Any, obj).id} already exists.")
        row = spec.row(**self._columns(spec, obj))
        self.session.add(row)
        self.session.flush()
        self._write_links(spec, [obj], replace=False)
        stored: M = self.reindex(spec, [cast(Any, obj).id])[0]
        return stored

    def update(self, obj: M) -> M:
        """Save an edited item: only if nobody saved it since it was read (``version`` check, C4).

        Bumps ``version`` and sets ``updated_at``; rewrites links and index rows. Renaming a person
        re-indexes every item that names them (their name is searchable on those items).
        """
        spec = spec_for(obj)
        item = cast(Any, obj)
        row: Any = self.session.get(spec.row, item.id, populate_existing=True)
        if row is None:
            raise NotFoundError(f"No {spec.kind.value} with id {item.id} in this journal.")
        if row.version != item.version:
            log.info(
                "stale %s update refused (id %s, version %d, stored %d)",
                spec.kind.value,
                item.id,
                item.version,
                row.version,
            )
            raise ConflictError(
                "This item was changed elsewhere since you opened it; your edit was not saved. Reload and retry."
            )
        renamed = spec is PERSON and (
            (row.display_name, row.given_name, row.family_name)
            != (item.display_name, item.given_name, item.family_name)
        )
        columns = self._columns(spec, obj)
        for name in (*spec.fields, "updated_at"):
            setattr(row, name, columns[name])
        row.updated_at = self.now
        try:
            self.session.flush()
        except StaleDataError:
            raise ConflictError(
                "This item was changed elsewhere since you opened it; your edit was not saved. Reload and retry."
            ) from None
        self._write_links(spec, [obj], replace=True)
        stored: M = self.reindex(spec, [item.id])[0]
        if renamed:
            self.reindex_linked_to([item.id])
        return stored

    def delete(self, spec: Spec[Any], item_id: UUID) -> None:
        """Delete an item, unlinking (and version-bumping) everything that pointed at it."""
        if not self.exists(spec, item_id):
            raise NotFoundError(f"No {spec.kind.value} with id {item_id} in this journal.")
        self.session.flush()
        conn = self.conn
        key = item_id.bytes
        stamp = utc_text(self.now)
        if spec is PERSON:
            self._delete_person(item_id)
            return
        if spec is ACT:
            self._bump("needs", "met_by_act_id = NULL", "met_by_act_id = ?", key, stamp)
            self._bump("commitments", "fulfilled_by_act_id = NULL", "fulfilled_by_act_id = ?", key, stamp)
            self._bump("acts", "in_return_for_id = NULL", "in_return_for_id = ?", key, stamp)
        elif spec is NEED:
            self._bump("acts", "meets_need_id = NULL", "meets_need_id = ?", key, stamp)
        timeline.delete_docs(conn, [item_id])
        conn.exec_driver_sql(f"DELETE FROM {spec.table.name} WHERE id = ?", (key,))
        self.session.expire_all()

    def _bump(self, table: str, assignment: str, condition: str, key: bytes, stamp: str) -> list[UUID]:
        """``UPDATE table SET assignment`` on the rows matching, with version + 1; returns their ids."""
        conn = self.conn
        ids = [UUID(bytes=r[0]) for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE {condition}", (key,))]
        if ids:
            conn.exec_driver_sql(
                f"UPDATE {table} SET {assignment}, version = version + 1, updated_at = ? WHERE {condition}",
                (stamp, key),
            )
        return ids

    def _null_refs(self, table: str, column: str, target: UUID) -> list[UUID]:
        """Set ``column`` to NULL where it points at ``target`` (no version bump); returns the rows changed."""
        conn = self.conn
        sql = f"SELECT id FROM {table} WHERE {column} = ?"
        ids = [UUID(bytes=r[0]) for r in conn.exec_driver_sql(sql, (target.bytes,))]
        if ids:
            conn.exec_driver_sql(f"UPDATE {table} SET {column} = NULL WHERE {column} = ?", (target.bytes,))
        return ids

    def _touch(self, table: str, ids: Iterable[UUID], stamp: str) -> None:
        rows = [(stamp, i.bytes) for i in ids]
        if rows:
            self.conn.exec_driver_sql(f"UPDATE {table} SET version = version + 1, updated_at = ? WHERE id = ?", rows)

    def linked_ids(self, person_id: UUID) -> dict[ItemKind, list[UUID]]:
        """The ids of every item that names this person (links, needs, reminders)."""
        conn = self.conn
        key = person_id.bytes
        out: dict[ItemKind, list[UUID]] = {}
        for spec in LINKED_SPECS:
            assert spec.people is not None
            sql = f"SELECT {spec.people_owner} FROM {spec.people.name} WHERE person_id = ?"
            out[spec.kind] = [UUID(bytes=r[0]) for r in conn.exec_driver_sql(sql, (key,))]
        out[ItemKind.NEED] = [
            UUID(bytes=r[0]) for r in conn.exec_driver_sql("SELECT id FROM needs WHERE person_id = ?", (key,))
        ]
        out[ItemKind.REMINDER] = [
            UUID(bytes=r[0]) for r in conn.exec_driver_sql("SELECT id FROM reminders WHERE person_id = ?", (key,))
        ]
        return out

    def _delete_person(self, person_id: UUID) -> None:
        conn = self.conn
        key = person_id.bytes
        stamp = utc_text(self.now)
        linked = self.linked_ids(person_id)
        needs = linked[ItemKind.NEED]
        reminders = linked[ItemKind.REMINDER]
        # Acts that met one of their needs lose that reference (the needs go with the person). Every row
        # changed on the side gets exactly one version bump, however many of its references changed.
        changed_acts = set(linked[ItemKind.ACT])
        for need_id in needs:
            changed_acts.update(self._null_refs("acts", "meets_need_id", need_id))
        self._null_refs("reminders", "person_id", person_id)
        met_through = self._null_refs("people", "met_through_id", person_id)
        self._touch("acts", changed_acts, stamp)
        for spec in LINKED_SPECS[1:]:  # commitments, interactions, entries (acts above)
            self._touch(spec.table.name, linked[spec.kind], stamp)
        self._touch("reminders", reminders, stamp)
        self._touch("people", met_through, stamp)
        timeline.delete_docs(conn, [person_id, *needs])
        conn.exec_driver_sql("DELETE FROM people WHERE id = ?", (key,))  # cascades: links, needs, need tags
        self.session.expire_all()
        for spec in LINKED_SPECS:
            self.reindex(spec, linked[spec.kind])
        self.reindex(REMINDER, reminders)

    def _columns(self, spec: Spec[Any], obj: object) -> dict[str, Any]:
        values = {name: _plain(getattr(obj, name)) for name in spec.fields}
        for name in _STAMP_FIELDS:
            values[name] = getattr(obj, name)
        return values

    # --- links and tags -----------------------------------------------------------------------------------

    def _write_links(self, spec: Spec[Any], objs: Sequence[Any], *, replace: bool) -> None:
        conn = self.conn
        if spec.people is not None:
            table, owner = spec.people.name, spec.people_owner
            if replace:
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE {owner} = ?", [(o.id.bytes,) for o in objs])
            rows = sorted((o.id.bytes, p.bytes, n) for o in objs for n, p in enumerate(o.people))
            if rows:
                conn.exec_driver_sql(f"INSERT INTO {table} ({owner}, person_id, position) VALUES (?, ?, ?)", rows)
        if spec.tags is not None:
            table, owner = spec.tags.name, spec.tags_owner
            if replace:
                conn.exec_driver_sql(f"DELETE FROM {table} WHERE {owner} = ?", [(o.id.bytes,) for o in objs])
            tag_ids = self.tag_ids({name for o in objs for name in o.tags})
            rows = sorted(
                (o.id.bytes, tag_ids[name].bytes, n) for o in objs for n, name in enumerate(dict.fromkeys(o.tags))
            )
            if rows:
                conn.exec_driver_sql(f"INSERT INTO {table} ({owner}, tag_id, position) VALUES (?, ?, ?)", rows)

    def tag_ids(self, names: Iterable[str]) -> dict[str, UUID]:
        """The ids of these tag names, creating the missing tags."""
        wanted = sorted(set(names))
        found: dict[str, UUID] = {}
        for chunk in _chunks(wanted):
            for tag_id, name in self.session.execute(select(TagRow.id, TagRow.name).where(TagRow.name.in_(chunk))):
                found[name] = tag_id
        missing = [n for n in wanted if n not in found]
        if missing:
            new = [Tag(name=n, created_at=self.now, updated_at=self.now) for n in missing]
            self.conn.execute(
                insert(TagRow),
                [
                    {"id": t.id, "name": t.name, "created_at": t.created_at, "updated_at": t.updated_at, "version": 1}
                    for t in new
                ],
            )
            found.update({t.name: t.id for t in new})
        return found

    def list_tags(self) -> list[Tag]:
        rows = self.session.scalars(select(TagRow).order_by(TagRow.name))
        return [
            Tag(name=r.name, id=r.id, created_at=r.created_at, updated_at=r.updated_at, version=r.version) for r in rows
        ]

    # --- index (timeline + search) ------------------------------------------------------------------------

    def reindex(self, spec: Spec[M], ids: Sequence[UUID]) -> list[M]:
        """Rewrite the timeline/search rows of these items from what is stored now; returns the items."""
        if not ids:
            return []
        self.session.flush()
        items = self.get_many(spec, ids)
        names = self.display_names({p for item in items for p in _people_of(item)})
        timeline.write_docs(self.conn, [index_doc(item, names) for item in items])
        return items

    def reindex_linked_to(self, person_ids: Iterable[UUID]) -> None:
        """Re-index every item that names one of these people (after a rename or merge)."""
        for person_id in person_ids:
            linked = self.linked_ids(person_id)
            for spec in (*LINKED_SPECS, NEED, REMINDER):
                self.reindex(spec, linked[spec.kind])

    def display_names(self, person_ids: Iterable[UUID]) -> dict[UUID, str]:
        wanted = list(set(person_ids))
        out: dict[UUID, str] = {}
        for chunk in _chunks(wanted):
            for pid, name in self.session.execute(
                select(PersonRow.id, PersonRow.display_name).where(PersonRow.id.in_(chunk))
            ):
                out[pid] = name
        return out

    # --- bulk ---------------------------------------------------------------------------------------------

    def add_many(self, batches: Sequence[Sequence[Any]], *, import_batch_id: UUID | None = None) -> None:
        """Insert many new items at once (driver ``executemany``), links and index included.

        Foreign keys are deferred to the commit, so items may refer to each other in any order (a need met
        by an act in the same batch). Timestamps and versions are kept as given (an import keeps history).
        Rows are encoded straight to driver values and inserted in key order: random UUID keys inserted in
        random order would touch a different index page per row.
        """
        self.session.flush()
        conn = self.conn
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        people = [p for batch in batches for p in batch if isinstance(p, Person)]
        names = {p.id: p.display_name for p in people}
        referenced = {pid for batch in batches for item in batch for pid in _people_of(item)} - names.keys()
        names.update(self.display_names(referenced))
        docs: list[IndexDoc] = []
        for batch in batches:
            if not batch:
                continue
            spec = spec_for(batch[0])
            if any(type(obj) is not spec.model for obj in batch):
                raise TypeError("each batch must hold one kind of item")
            columns, encode = _encoder(spec)
            batch_key = import_batch_id.bytes if import_batch_id is not None else None
            rows = sorted((*encode(obj), batch_key) for obj in batch)
            marks = ", ".join("?" * (len(columns) + 1))
            conn.exec_driver_sql(
                f"INSERT INTO {spec.table.name} ({', '.join(columns)}, import_batch_id) VALUES ({marks})", rows
            )
            self._write_links(spec, batch, replace=False)
            docs.extend(index_doc(obj, names) for obj in batch)
        timeline.write_docs(conn, docs, replace=False)
        log.info("bulk insert: %d items", len(docs))

    # --- import batches -----------------------------------------------------------------------------------

    def add_import_batch(self, batch: ImportBatch) -> ImportBatch:
        row = ImportBatchRow(**{f.name: getattr(batch, f.name) for f in dataclasses.fields(batch)})
        self.session.add(row)
        self.session.flush()
        return self.get_import_batch(batch.id)

    def get_import_batch(self, batch_id: UUID) -> ImportBatch:
        row = self.session.get(ImportBatchRow, batch_id)
        if row is None:
            raise NotFoundError(f"No import with id {batch_id} in this journal.")
        return ImportBatch(**{f.name: getattr(row, f.name) for f in dataclasses.fields(ImportBatch)})

    def update_import_batch(self, batch: ImportBatch) -> ImportBatch:
        row = self.session.get(ImportBatchRow, batch.id)
        if row is None:
            raise NotFoundError(f"No import with id {batch.id} in this journal.")
        if row.version != batch.version:
            raise ConflictError("This import record was changed elsewhere; reload and retry.")
        for f in dataclasses.fields(batch):
            if f.name not in _STAMP_FIELDS:
                setattr(row, f.name, getattr(batch, f.name))
        row.updated_at = self.now
        self.session.flush()
        return self.get_import_batch(batch.id)

    def list_import_batches(self) -> list[ImportBatch]:
        rows = self.session.scalars(select(ImportBatchRow).order_by(ImportBatchRow.created_at.desc()))
        return [ImportBatch(**{f.name: getattr(r, f.name) for f in dataclasses.fields(ImportBatch)}) for r in rows]

    # --- merge --------------------------------------------------------------------------------------------

    def merge_people(self, keep_id: UUID, other_id: UUID) -> Person:
        """Move everything of ``other`` to ``keep``, union their lists, fill ``keep``'s blanks, delete ``other``."""
        if keep_id == other_id:
            raise ConflictError("A person can't be merged with themselves.")
        keep = self.get(PERSON, keep_id)
        other = self.get(PERSON, other_id)
        conn = self.conn
        stamp = utc_text(self.now)
        linked = self.linked_ids(other_id)
        keep_key, other_key = keep_id.bytes, other_id.bytes
        for spec in LINKED_SPECS:
            assert spec.people is not None
            table, owner = spec.people.name, spec.people_owner
            # Items naming both keep only keep's link; the others are re-pointed to keep.
            conn.exec_driver_sql(
                f"DELETE FROM {table} WHERE person_id = ? AND {owner} IN "
                f"(SELECT {owner} FROM {table} WHERE person_id = ?)",
                (other_key, keep_key),
            )
            conn.exec_driver_sql(f"UPDATE {table} SET person_id = ? WHERE person_id = ?", (keep_key, other_key))
            self._touch(spec.table.name, linked[spec.kind], stamp)
        for table in ("needs", "reminders"):
            conn.exec_driver_sql(
                f"UPDATE {table} SET person_id = ?, version = version + 1, updated_at = ? WHERE person_id = ?",
                (keep_key, stamp, other_key),
            )
        conn.exec_driver_sql(
            "UPDATE people SET met_through_id = NULL WHERE id = ? AND met_through_id = ?", (keep_key, other_key)
        )
        conn.exec_driver_sql(
            "UPDATE people SET met_through_id = ?, version = version + 1, updated_at = ? "
            "WHERE met_through_id = ? AND id != ?",
            (keep_key, stamp, other_key, keep_key),
        )
        self.session.expire_all()
        keep = self.get(PERSON, keep_id)
        merged = _merged_person(keep, other)
        timeline.delete_docs(conn, [other_id])
        conn.exec_driver_sql("DELETE FROM people WHERE id = ?", (other_key,))
        self.session.expire_all()
        result = self.update(merged)
        self.reindex_linked_to([keep_id])
        log.info("merged two people (%d linked items moved)", sum(len(v) for v in linked.values()))
        return result


def _encode_value(column_type: Any, enum: Any) -> Callable[[Any], Any] | None:
    """How a non-None dataclass value becomes the driver value of a column (what the ORM types do), or
    None when it is stored as it is."""
    if enum is not None:
        return attrgetter("value")
    if isinstance(column_type, UUIDBlob):
        return attrgetter("bytes")
    if isinstance(column_type, UTCDateTime):
        return utc_text
    if isinstance(column_type, StrTuple):
        return lambda v: json.dumps(list(v), ensure_ascii=False)
    if isinstance(column_type, Date):
        return date.isoformat
    if isinstance(column_type, Boolean):
        return int
    return None


_ENCODERS: dict[ItemKind, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _encoder(spec: Spec[Any]) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The column names of an entity table and a function encoding one item as a row tuple (id first).

    Bulk loads encode 200,000 rows: the values are read with one C-level ``attrgetter`` and only the
    columns that need it are converted.
    """
    cached = _ENCODERS.get(spec.kind)
    if cached is not None:
        return cached
    names = ("id", *spec.fields, "created_at", "updated_at", "version")
    read = attrgetter(*names)
    converters = []
    for index, name in enumerate(names):
        convert = _encode_value(spec.table.c[name].type, spec.enums.get(name))
        if convert is not None:
            converters.append((index, convert))

    def encode(obj: Any) -> tuple[Any, ...]:
        row = list(read(obj))
        for index, convert in converters:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        return tuple(row)

    _ENCODERS[spec.kind] = (names, encode)
    return names, encode


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    seen = {s.casefold() for s in first}
    extra = []
    for s in second:
        if s.casefold() not in seen:
            seen.add(s.casefold())
            extra.append(s)
    return (*first, *extra)


def _merged_person(keep: Person, other: Person) -> Person:
    """``keep`` with ``other``'s lists unioned in and ``keep``'s empty fields filled from ``other``."""
    changes: dict[str, Any] = {}
    for name in ("emails", "phones", "links", "tags", "can_help_with"):
        changes[name] = _union(getattr(keep, name), getattr(other, name))
    for name in ("given_name", "family_name", "organisation", "role", "location", "how_met"):
        if not getattr(keep, name) and getattr(other, name):
            changes[name] = getattr(other, name)
    for name in ("met_on", "birthday_month", "birthday_day", "birthday_year", "cadence_days"):
        if getattr(keep, name) is None and getattr(other, name) is not None:
            changes[name] = getattr(other, name)
    if keep.birthday_month is None and other.birthday_month is not None:
        changes.update(
            birthday_month=other.birthday_month, birthday_day=other.birthday_day, birthday_year=other.birthday_year
        )
    if keep.met_through_id is None and other.met_through_id not in (None, keep.id):
        changes["met_through_id"] = other.met_through_id
    if other.notes and other.notes not in keep.notes:
        changes["notes"] = f"{keep.notes}\n\n{other.notes}" if keep.notes else other.notes
    if keep.archived and not other.archived:
        changes["archived"] = False
    return dataclasses.replace(keep, **changes)


def _people_of(item: object) -> tuple[UUID, ...]:
    if isinstance(item, Act | Commitment | Interaction | JournalEntry):
        return item.people
    if isinstance(item, Need):
        return (item.person_id,)
    if isinstance(item, Reminder):
        return (item.person_id,) if item.person_id is not None else ()
    return ()


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def index_doc(item: object, names: Mapping[UUID, str]) -> IndexDoc:
    """The timeline/search document of a stored item (``names``: display names of the people it links)."""
    people = _people_of(item)
    linked_names = " ".join(names.get(p, "") for p in people)
    first = people[0] if people else None
    if isinstance(item, Person):
        return IndexDoc(
            kind=ItemKind.PERSON,
            item_id=item.id,
            day=None,
            created_at=item.created_at,
            title=item.display_name,
            subkind="",
            direction=None,
            people=(),
            person_id=item.id,
            body=_join(
                item.organisation,
                item.role,
                item.location,
                " ".join(item.emails),
                item.how_met,
                item.notes,
                " ".join(item.tags),
                " ".join(item.can_help_with),
            ),
            names=_join(item.display_name, item.given_name, item.family_name),
            person_names=_join(item.display_name, item.given_name, item.family_name),
        )
    if isinstance(item, Act):
        return IndexDoc(
            ItemKind.ACT,
            item.id,
            item.occurred_on,
            item.created_at,
            one_line(item.summary),
            item.kind.value,
            item.direction,
            people,
            first,
            _join(item.details, item.thanked_how, item.kind.value),
            linked_names,
            weight=item.weight,
            paid_forward=item.paid_forward,
        )
    if isinstance(item, Need):
        return IndexDoc(
            ItemKind.NEED,
            item.id,
            item.heard_on,
            item.created_at,
            one_line(item.text),
            item.status.value,
            None,
            people,
            first,
            _join(item.text, item.context, " ".join(item.tags)),
            linked_names,
        )
    if isinstance(item, Commitment):
        return IndexDoc(
            ItemKind.COMMITMENT,
            item.id,
            item.made_on,
            item.created_at,
            one_line(item.text),
            item.promiser.value,
            None,
            people,
            first,
            item.text,
            linked_names,
        )
    if isinstance(item, Interaction):
        return IndexDoc(
            ItemKind.INTERACTION,
            item.id,
            item.occurred_on,
            item.created_at,
            one_line(item.summary),
            item.channel.value,
            None,
            people,
            first,
            _join(item.details, item.channel.value),
            linked_names,
        )
    if isinstance(item, JournalEntry):
        return IndexDoc(
            ItemKind.ENTRY,
            item.id,
            item.written_on,
            item.created_at,
            one_line(item.text),
            item.prompt_kind.value,
            None,
            people,
            first,
            _join(item.text, item.prompt),
            linked_names,
        )
    if isinstance(item, Reminder):
        return IndexDoc(
            ItemKind.REMINDER,
            item.id,
            item.due_at.date(),
            item.created_at,
            one_line(item.text),
            item.recurrence.value,
            None,
            people,
            first,
            "",
            linked_names,
        )
    raise TypeError(f"not a journal entity: {type(item).__name__}")


# --- derived queries (read-only, one pass each: no query per person) ----------------------------------------
# These take a DB-API connection inside a transaction (Database.reading(), or Repository.raw in a session).

LAST_INTERACTION_KINDS = (ItemKind.ACT.value, ItemKind.INTERACTION.value, ItemKind.ENTRY.value)


@dataclass(slots=True)
class PersonActivity:
    """Everything dated that names one person, reduced to what the derived figures need."""

    acts: list[ActFlow] = dataclasses.field(default_factory=list)
    interactions: list[date] = dataclasses.field(default_factory=list)
    entries: list[date] = dataclasses.field(default_factory=list)


_DIRECTION_CODES = timeline.DIRECTIONS_BY_CODE
_ACT = timeline.KIND_CODES[ItemKind.ACT]
_INTERACTION = timeline.KIND_CODES[ItemKind.INTERACTION]
_ENTRY = timeline.KIND_CODES[ItemKind.ENTRY]


def activity(conn: Any, person_id: UUID | None = None) -> dict[UUID, PersonActivity]:
    """Acts, interactions and journal-entry days per person: one scan of ``timeline_people``, no join.

    ``conn`` is a DB-API connection inside a transaction (:meth:`Database.reading`). With ``person_id`` only
    that person's rows (a person page); without, everyone's (the People list).
    """
    out: dict[UUID, PersonActivity] = {}
    fromordinal = date.fromordinal
    sql = "SELECT person_id, kind, day, direction, weight, paid_forward FROM timeline_people WHERE kind IN (?, ?, ?)"
    params: tuple[Any, ...] = (_ACT, _INTERACTION, _ENTRY)
    if person_id is not None:
        sql += " AND person_id = ?"
        params = (*params, person_id.bytes)
    current_key: bytes | None = None
    current = PersonActivity()
    for pid, kind, day, direction, weight, paid_forward in conn.execute(sql, params).fetchall():
        if pid != current_key:  # rows come grouped by person (the primary key's first column)
            current_key = pid
            current = out.setdefault(uuid_from_bytes(pid), PersonActivity())
        if kind == _ACT:
            current.acts.append(ActFlow(fromordinal(day), _DIRECTION_CODES[direction], weight, bool(paid_forward)))
        elif kind == _INTERACTION:
            current.interactions.append(fromordinal(day))
        else:
            current.entries.append(fromordinal(day))
    return out


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """The derived figures of one person: the last day anything was logged with them, balance and warmth."""

    last_interaction: date | None
    balance: scores.Balance
    warmth: scores.Warmth


NO_FIGURES = PersonFigures(
    None, scores.balance((), date.min), scores.warmth(acts=(), interactions=(), entries=(), today=date.min)
)
"""The figures of someone with nothing logged (they do not depend on the day)."""


_JSON = json.JSONDecoder()


class _DecayByAge(dict[int, float]):
    """``scores.decay_for_age`` memoised per age: a journal has a few thousand distinct days, not 200,000."""

    def __init__(self, half_life_days: float) -> None:
        super().__init__()
        self.half_life_days = half_life_days

    def __missing__(self, age: int) -> float:
        value = self[age] = scores.decay_for_age(age, self.half_life_days)
        return value


_FIGURES_SQL = """
SELECT person_id, json_array(
    max(day) FILTER (WHERE day <= :today),
    json_group_array(max(0, :today - day)) FILTER (WHERE kind = :act),
    json_group_array(weight) FILTER (WHERE kind = :act),
    json_group_array(iif(direction = :given, weight, 0)) FILTER (WHERE kind = :act),
    json_group_array(iif(direction = :received AND NOT paid_forward, weight, 0)) FILTER (WHERE kind = :act),
    json_group_array(max(0, :today - day)) FILTER (WHERE kind = :interaction),
    json_group_array(max(0, :today - day)) FILTER (WHERE kind = :entry))
FROM timeline_people WHERE kind IN (:act, :interaction, :entry) GROUP BY person_id
"""
"""One row per person with nothing but a JSON array: the day of the last item (not in the future); the ages and
weights of the acts; the weights again for the given acts only and the received (not paid forward) acts only,
0 for the others (adding ``0 × decay`` leaves a sum of non-negative terms exactly as it was, so the act
decays are looked up once for the three sums); the ages of the interactions and of the journal entries.
SQLite scans the table in primary-key order (person, day, created, item) and groups on its first column
without sorting, so each array lists that person's items in the order :func:`activity` yields them: the order
the sums must be taken in to be bit-identical."""


def person_figures(conn: Any, today: date) -> dict[bytes, PersonFigures]:
    """Everyone's derived figures, by person id bytes, from one GROUP BY scan of ``timeline_people``.

    The same numbers as :func:`activity` followed by :func:`scores.balance` and :func:`scores.warmth`, bit for
    bit (the People list and a person page must agree). SQLite has no ``pow``, and its ``sum()`` is compensated
    so it would not add up the way Python does; so the query hands each person's ages and weights over as JSON
    arrays, in item order, and the sums are taken here in that order, in C (``reduce``/``map``), with each decay
    computed once per distinct age. No ``ActFlow`` or ``date`` per row: 10,000 people with 190,000 dated rows
    take a third of the time :func:`activity` alone did. People with nothing logged are absent (they get
    :data:`NO_FIGURES`).
    """
    params = {
        "today": today.toordinal(),
        "act": _ACT,
        "interaction": _INTERACTION,
        "entry": _ENTRY,
        "given": timeline.DIRECTION_CODES[Direction.GIVEN],
        "received": timeline.DIRECTION_CODES[Direction.RECEIVED],
    }
    balance_decay = _DecayByAge(scores.BALANCE_HALF_LIFE_DAYS).__getitem__
    warmth_decay = _DecayByAge(scores.WARMTH_HALF_LIFE_DAYS).__getitem__
    interaction_weight = scores.WARMTH_INTERACTION_WEIGHT
    entry_weight = scores.WARMTH_ENTRY_WEIGHT
    decode, fromordinal = _JSON.raw_decode, date.fromordinal  # raw_decode: loads() minus its wrappers
    out: dict[bytes, PersonFigures] = {}
    for pid, packed in conn.execute(_FIGURES_SQL, params):
        last, act_ages, act_weights, given_weights, received_weights, met, wrote = decode(packed)[0]
        # reduce(add, terms, 0.0) is exactly the "total = 0.0; total += term" loop of scores.balance/warmth
        act_decays = list(map(balance_decay, act_ages))
        given = reduce(add, map(mul, given_weights, act_decays), 0.0)
        received = reduce(add, map(mul, received_weights, act_decays), 0.0)
        raw = reduce(add, map(mul, act_weights, map(warmth_decay, act_ages)), 0.0)
        raw = reduce(add, map(mul, repeat(interaction_weight), map(warmth_decay, met)), raw)
        raw = reduce(add, map(mul, repeat(entry_weight), map(warmth_decay, wrote)), raw)
        out[pid] = PersonFigures(
            None if last is None else fromordinal(last),
            scores.balance_from_sums(given, received, seen_any=bool(act_ages)),
            scores.warmth_from_raw(raw),
        )
    return out


def item_ids_for_person(conn: Any, person_id: UUID, kind: ItemKind) -> list[UUID]:
    """Ids of one kind of item naming this person, newest first (the person's timeline order)."""
    rows = conn.execute(
        "SELECT item_id FROM timeline_people WHERE person_id = ? AND kind = ? "
        "ORDER BY day DESC, created DESC, item_id DESC",
        (person_id.bytes, timeline.KIND_CODES[kind]),
    )
    return [uuid_from_bytes(r[0]) for r in rows]


def counts_for_person(conn: Any, person_id: UUID) -> dict[str, int]:
    """Per-kind counts for a person page (acts split by direction, open needs and promises, thanks owed)."""
    key = person_id.bytes
    counts: dict[str, int] = defaultdict(int)
    for code, direction, n in conn.execute(
        "SELECT kind, direction, count(*) FROM timeline_people WHERE person_id = ? GROUP BY kind, direction",
        (key,),
    ):
        kind = timeline.KINDS_BY_CODE[code]
        counts[kind.value] += n
        if kind is ItemKind.ACT:
            counts[f"act_{timeline.DIRECTIONS_BY_CODE[direction].value}"] += n
    counts["open_needs"] = conn.execute(
        "SELECT count(*) FROM needs WHERE person_id = ? AND status IN ('open', 'helping')", (key,)
    ).fetchone()[0]
    counts["open_commitments"] = conn.execute(
        "SELECT count(*) FROM commitment_people AS cp JOIN commitments AS c ON c.id = cp.commitment_id "
        "WHERE cp.person_id = ? AND c.status = 'open'",
        (key,),
    ).fetchone()[0]
    counts["thanks_owed"] = conn.execute(
        "SELECT count(*) FROM act_people AS ap JOIN acts AS a ON a.id = ap.act_id WHERE ap.person_id = ? "
        "AND a.direction = 'received' AND a.thanked_on IS NULL AND a.thanks_not_needed = 0",
        (key,),
    ).fetchone()[0]
    return dict(counts)


def open_need_counts(conn: Any) -> dict[UUID, int]:
    rows = conn.execute("SELECT person_id, count(*) FROM needs WHERE status IN ('open', 'helping') GROUP BY person_id")
    return {uuid_from_bytes(pid): n for pid, n in rows}


def all_person_tags(conn: Any) -> dict[UUID, tuple[str, ...]]:
    found: dict[bytes, list[str]] = defaultdict(list)
    for pid, name in conn.execute(
        "SELECT pt.person_id, t.name FROM person_tags AS pt JOIN tags AS t ON t.id = pt.tag_id "
        "ORDER BY pt.person_id, pt.position"
    ):
        found[pid].append(name)
    return {uuid_from_bytes(k): tuple(v) for k, v in found.items()}


def thanks_owed_ids(conn: Any, *, on_or_before: date) -> list[UUID]:
    """Received acts not thanked and not marked "no thanks needed", dated on or before a day; oldest first."""
    rows = conn.execute(
        "SELECT id FROM acts WHERE direction = 'received' AND thanked_on IS NULL AND thanks_not_needed = 0 "
        "AND occurred_on <= ? ORDER BY occurred_on, created_at, id",
        (on_or_before.isoformat(),),
    )
    return [uuid_from_bytes(r[0]) for r in rows]


def open_need_ids(conn: Any) -> list[UUID]:
    rows = conn.execute(
        "SELECT id FROM needs WHERE status IN ('open', 'helping') ORDER BY heard_on DESC, created_at DESC, id DESC"
    )
    return [uuid_from_bytes(r[0]) for r in rows]


def open_commitment_ids(conn: Any) -> list[UUID]:
    """Open promises, soonest due first (undated ones last, newest first among them)."""
    rows = conn.execute(
        "SELECT id FROM commitments WHERE status = 'open' "
        "ORDER BY due_on IS NULL, due_on, made_on DESC, created_at DESC, id DESC"
    )
    return [uuid_from_bytes(r[0]) for r in rows]


STAT_TABLES = {
    "people": "people",
    "acts": "acts",
    "needs": "needs",
    "commitments": "commitments",
    "interactions": "interactions",
    "entries": "journal_entries",
    "reminders": "reminders",
    "tags": "tags",
}


def stats(conn: Any) -> dict[str, int]:
    return {
        name: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for name, table in STAT_TABLES.items()
    }
