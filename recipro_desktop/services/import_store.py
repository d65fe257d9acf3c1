"""What a CSV import needs from the database beyond :class:`JournalService`: lookups for duplicate matching,
one transaction holding the whole import (its :class:`ImportBatch` row, every new item, every update), and
*undo import*.

:meth:`JournalService.add_many` is one transaction, but an import must also write its batch row and update
existing contacts *in the same transaction* (RELIABILITY E19: after a crash 0 or all rows are present), report
progress and stop when cancelled. So this module opens one ``Database.session(write=True, bulk=True)`` and drives
the repository directly: new items go through ``Repository.add_many`` in chunks (progress and cancel between
chunks, and no single long GIL-holding sort that would stall the window), updates through ``Repository.update``
(version-checked, C4). Any exception — a cancel, a full disk, a kill — rolls the whole import back.

Every new row carries the batch id (``import_batch_id``); *undo* deletes exactly those rows and puts back the
contacts the import had updated (their before-images are kept by the caller for the session).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from recipro_desktop.core.errors import ConflictError, JournalError
from recipro_desktop.core.models import ImportBatch, ItemKind, Person, Tag
from recipro_desktop.core.text import normalise_name
from recipro_desktop.storage import repositories, timeline
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.repositories import PERSON, SPECS, Repository
from recipro_desktop.storage.tables import SettingRow, TagRow, utc_text

log = logging.getLogger(__name__)

WRITE_CHUNK = 2_000
"""New items stored per ``add_many`` call: progress and cancel checks between chunks (~20 ms each)."""

KIND_ORDER: tuple[ItemKind, ...] = (
    ItemKind.PERSON,
    ItemKind.NEED,
    ItemKind.ACT,
    ItemKind.COMMITMENT,
    ItemKind.INTERACTION,
    ItemKind.ENTRY,
    ItemKind.REMINDER,
)

Progress = Callable[[int, int | None], object]
Cancelled = Callable[[], bool]


class ImportCancelledError(JournalError):
    """The user cancelled an import; nothing was written (the transaction was rolled back)."""

    exit_code = 31

    def __init__(self) -> None:
        super().__init__("The import was cancelled; nothing was imported.")


class UndoConflictError(ConflictError):
    """Undoing an import would also change items made since (they name people the import added)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count:,} item(s) added or changed since this import name people it brought in; undoing it would "
            "remove those people from them. Undo anyway only if that is what you want."
        )
        self.count = count


# --- lookups for matching -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeopleIndex:
    """Every stored person's id by email (casefolded) and by normalised name (E11, E18)."""

    ids: frozenset[UUID]
    by_email: Mapping[str, UUID]
    by_name: Mapping[str, tuple[UUID, ...]]


def people_index(db: Database) -> PeopleIndex:
    """One pass over the people table: ids, emails and names (not the rest of each row)."""
    ids: set[UUID] = set()
    by_email: dict[str, UUID] = {}
    by_name: dict[str, list[UUID]] = {}
    with db.session() as session:
        rows = session.connection().exec_driver_sql("SELECT id, display_name, emails FROM people ORDER BY created_at")
        for raw_id, name, emails in rows:
            pid = UUID(bytes=raw_id)
            ids.add(pid)
            for email in json.loads(emails) if emails else ():
                by_email.setdefault(str(email).casefold(), pid)
            by_name.setdefault(normalise_name(name), []).append(pid)
    return PeopleIndex(frozenset(ids), by_email, {k: tuple(v) for k, v in by_name.items()})


def load(db: Database, kind: ItemKind, ids: Iterable[UUID]) -> dict[UUID, Any]:
    """The stored items of one kind with these ids (missing ids are simply absent)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    with db.session() as session:
        items = Repository(session, datetime.now().astimezone()).get_many(SPECS[kind], wanted)
    return {item.id: item for item in items}


def existing_ids(db: Database, kind: ItemKind, ids: Iterable[UUID]) -> set[UUID]:
    """Which of these ids exist in one kind's table."""
    wanted = [i.bytes for i in dict.fromkeys(ids)]
    found: set[UUID] = set()
    table = SPECS[kind].table.name
    with db.session() as session:
        conn = session.connection()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for (raw,) in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(chunk)):
                found.add(UUID(bytes=raw))
    return found


def tag_names(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(TagRow.name)))


def setting_keys(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(SettingRow.key)))


# --- the import transaction ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportWrite:
    """Everything one import writes: new items per kind, updated items, tags and settings to create."""

    adds: Mapping[ItemKind, Sequence[Any]]
    updates: Sequence[Any] = ()
    tags: Sequence[Tag] = ()
    settings: Sequence[tuple[str, str]] = ()  # (key, JSON value) for keys not yet set

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.adds.values()) + len(self.updates)


def write_import(
    db: Database,
    now: datetime,
    batch: ImportBatch,
    work: ImportWrite,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> tuple[ImportBatch, list[Any]]:
    """Store one import in ONE transaction; returns the stored batch and the stored updated items.

    Raises:
        ImportCancelledError: ``cancelled()`` answered True between two chunks; nothing was written.
        JournalError: a storage failure (disk full, damaged database...); nothing was written.
    """
    total = work.total
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)
        if cancelled is not None and cancelled():
            raise ImportCancelledError

    stored_updates: list[Any] = []
    with db.session(write=True, bulk=True) as session:
        repo = Repository(session, now)
        stored_batch = repo.add_import_batch(dataclasses.replace(batch, created_at=now, updated_at=now, version=1))
        conn = repo.conn
        if work.tags:
            present = set(session.scalars(select(TagRow.name)))
            fresh = [t for t in work.tags if t.name not in present]
            if fresh:
                conn.execute(
                    insert(TagRow),
                    [
                        {"id": t.id, "name": t.name, "created_at": t.created_at, "updated_at": t.updated_at}
                        | {"version": t.version}
                        for t in fresh
                    ],
                )
        for key, value in work.settings:
            if session.get(SettingRow, key) is None:
                session.add(SettingRow(key=key, value=value, updated_at=now))
        session.flush()
        step(0)
        for kind in KIND_ORDER:
            items = list(work.adds.get(kind, ()))
            for start in range(0, len(items), WRITE_CHUNK):
                chunk = items[start : start + WRITE_CHUNK]
                repo.add_many([chunk], import_batch_id=batch.id)
                step(len(chunk))
        for item in work.updates:
            stored_updates.append(repo.update(item))
            step(1)
        if total >= 20_000:
            from recipro_desktop.storage import fts

            fts.optimize(conn)
    log.info("import %s stored: %d new, %d updated", batch.id, total - len(work.updates), len(work.updates))
    return stored_batch, stored_updates


# --- undo ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What undoing an import removed and put back."""

    removed: Mapping[ItemKind, int]
    restored: int
    not_restored: int  # updated contacts changed again since the import: left as they are now

    @property
    def removed_total(self) -> int:
        return sum(self.removed.values())


def _batch_ids(conn: Any, table: str, batch_key: bytes) -> list[UUID]:
    rows = conn.exec_driver_sql(f"SELECT id FROM {table} WHERE import_batch_id = ?", (batch_key,))
    return [UUID(bytes=r[0]) for r in rows]


def _outside_references(conn: Any, people: Sequence[UUID], batch_key: bytes) -> dict[UUID, int]:
    """Per imported person, how many items *not* from this import name them."""
    counts: dict[UUID, int] = {}
    for start in range(0, len(people), 400):
        chunk = [p.bytes for p in people[start : start + 400]]
        marks = ", ".join("?" * len(chunk))
        queries = [
            f"SELECT l.person_id FROM {spec.people.name} AS l JOIN {spec.table.name} AS t "
            f"ON t.id = l.{spec.people_owner} WHERE l.person_id IN ({marks}) "
            "AND (t.import_batch_id IS NULL OR t.import_batch_id != ?)"
            for spec in repositories.LINKED_SPECS
            if spec.people is not None
        ]
        queries += [
            f"SELECT person_id FROM {table} WHERE person_id IN ({marks}) "
            "AND (import_batch_id IS NULL OR import_batch_id != ?)"
            for table in ("needs", "reminders")
        ]
        queries.append(
            f"SELECT met_through_id FROM people WHERE met_through_id IN ({marks}) "
            "AND (import_batch_id IS NULL OR import_batch_id != ?)"
        )
        for sql in queries:
            for (raw,) in conn.exec_driver_sql(sql, (*chunk, batch_key)):
                pid = UUID(bytes=raw)
                counts[pid] = counts.get(pid, 0) + 1
    return counts


def undo_import(
    db: Database,
    now: datetime,
    batch_id: UUID,
    *,
    restore: Sequence[Any] = (),
    force: bool = False,
) -> UndoResult:
    """Remove every item an import added and put back the items it updated, in one transaction.

    Args:
        restore: before-images of the items the import updated (from its report). Each is put back only if
            nobody changed the item since the import (its version is still the one the import wrote).
        force: also remove imported people that items made since the import name (they lose that person).

    Raises:
        NotFoundError: no such import. ConflictError: already undone.
        UndoConflictError: items made since name imported people, and ``force`` is False.
    """
    removed: dict[ItemKind, int] = {}
    restored = not_restored = 0
    key = batch_id.bytes
    with db.session(write=True, bulk=True) as session:
        repo = Repository(session, now)
        batch = repo.get_import_batch(batch_id)
        if batch.undone_at is not None:
            raise ConflictError("This import was already undone.")
        conn = repo.conn
        ids = {kind: _batch_ids(conn, SPECS[kind].table.name, key) for kind in KIND_ORDER}
        people = ids[ItemKind.PERSON]
        outside = _outside_references(conn, people, key)
        if outside and not force:
            raise UndoConflictError(sum(outside.values()))
        # Items first (their index rows and links), then people; foreign keys null what pointed at them.
        for kind in reversed(KIND_ORDER[1:]):
            if ids[kind]:
                timeline.delete_docs(conn, ids[kind])
                conn.exec_driver_sql(f"DELETE FROM {SPECS[kind].table.name} WHERE import_batch_id = ?", (key,))
            removed[kind] = len(ids[kind])
        linked_people = [p for p in people if p in outside]
        plain_people = [p for p in people if p not in outside]
        session.expire_all()
        for pid in linked_people:
            repo.delete(PERSON, pid)  # unlinks and re-indexes the items made since
        if plain_people:
            timeline.delete_docs(conn, plain_people)
            conn.exec_driver_sql("DELETE FROM people WHERE import_batch_id = ?", (key,))
        removed[ItemKind.PERSON] = len(people)
        session.expire_all()
        for before in restore:
            spec = repositories.spec_for(before)
            try:
                current = repo.get(spec, before.id)
            except JournalError:
                not_restored += 1
                continue
            if current.version != before.version + 1:
                not_restored += 1
                continue
            repo.update(dataclasses.replace(before, version=current.version))
            restored += 1
        # Tags this import created that nothing uses any more go too (tags have no batch id; same instant).
        conn.exec_driver_sql(
            "DELETE FROM tags WHERE created_at >= ? AND id NOT IN (SELECT tag_id FROM person_tags) "
            "AND id NOT IN (SELECT tag_id FROM need_tags)",
            (utc_text(batch.created_at),),
        )
        repo.update_import_batch(dataclasses.replace(batch, undone_at=now))
    log.info("import %s undone: %d removed, %d restored", batch_id, sum(removed.values()), restored)
    return UndoResult(removed, restored, not_restored)


def list_batches(db: Database) -> list[ImportBatch]:
    with db.session() as session:
        return Repository(session, datetime.now().astimezone()).list_import_batches()


def person_by_id(db: Database, person_id: UUID) -> Person | None:
    found = load(db, ItemKind.PERSON, [person_id])
    return found.get(person_id)
