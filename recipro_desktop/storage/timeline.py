"""The timeline: every dated item, newest first, in pages that cost the same on page 1 and page 1,000.

Acts, needs, commitments, interactions, journal entries and reminders live in six tables; a timeline that
UNIONs them and sorts would read everything for every page. Instead the storage layer keeps a denormalised
index, written in the same transaction as each item (:func:`write_docs`, :func:`delete_docs`):

- ``item_index``: one row per item (and per person, for search) with what a list row shows: kind, id, day,
  ``created_at``, one-line title, subkind, direction and the linked people's ids. Index
  ``(day, created_at, item_id, kind, direction)`` makes the global timeline a backwards index scan that can
  skip filtered kinds without reading the table; ``(kind, day, created_at, item_id)`` serves one kind.
- ``timeline_people``: one row per (person, item), clustered on ``(person_id, day, created_at, item_id)``,
  so a person's timeline is a backwards range scan of one primary key.

Pages use **keyset pagination** on ``(day, created_at, item_id)`` (a :class:`TimelineCursor` is the last row
shown): the next page is ``WHERE (day, created_at, item_id) < cursor``, never ``OFFSET``, so it is as fast
deep in the past as at the top and never skips or repeats a row when items are added meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Connection

from recipro_desktop.core.models import (
    Direction,
    ItemKind,
    TimelineCursor,
    TimelineFilter,
    TimelineItem,
    TimelinePage,
)
from recipro_desktop.storage import fts
from recipro_desktop.storage.tables import utc_from_text, utc_text

log = logging.getLogger(__name__)

MAX_PAGE = 1000
_CHUNK = 500
_KINDS = {k.value: k for k in ItemKind}
_DIRECTIONS = {d.value: d for d in Direction}


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the timeline and search know about one item (built by the repositories from the stored item).

    ``day`` is None for people (searchable, not on the timeline). ``body`` and ``names`` are only searched.
    """

    kind: ItemKind
    item_id: UUID
    day: date | None
    created_at: datetime
    title: str
    subkind: str
    direction: str | None
    people: tuple[UUID, ...]
    person_id: UUID | None
    body: str
    names: str
    person_names: str = ""  # people only: their own names, for name completion


def _chunks(seq: Sequence[bytes], size: int = _CHUNK) -> list[Sequence[bytes]]:
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def delete_docs(conn: Connection, item_ids: Sequence[UUID]) -> None:
    """Remove these items from the timeline and search index (missing ids are ignored)."""
    keys = [i.bytes for i in item_ids]
    for chunk in _chunks(keys):
        marks = ", ".join("?" * len(chunk))
        rows = conn.exec_driver_sql(f"SELECT id, kind FROM item_index WHERE item_id IN ({marks})", tuple(chunk)).all()
        if not rows:
            continue
        rowids = [r[0] for r in rows]
        fts.delete(conn, rowids, [r[0] for r in rows if r[1] == ItemKind.PERSON.value])
        conn.exec_driver_sql("DELETE FROM timeline_people WHERE index_id = ?", [(r,) for r in rowids])
        conn.exec_driver_sql("DELETE FROM item_index WHERE id = ?", [(r,) for r in rowids])


def write_docs(conn: Connection, docs: Sequence[IndexDoc], *, replace: bool = True) -> None:
    """Write (or, with ``replace``, rewrite) the index rows of these items: timeline, people links, search.

    ``replace=False`` is for items known to be new (a bulk load), skipping the lookup of old rows.
    """
    if not docs:
        return
    if replace:
        delete_docs(conn, [d.item_id for d in docs])
    start = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM item_index").scalar_one()) + 1
    index_rows = []
    link_rows: list[tuple[object, ...]] = []
    fts_rows = []
    name_rows = []
    for rowid, doc in enumerate(docs, start=start):
        day = doc.day.isoformat() if doc.day is not None else None
        created = utc_text(doc.created_at)
        item_key = doc.item_id.bytes
        index_rows.append(
            (
                rowid,
                doc.kind.value,
                item_key,
                day,
                created,
                doc.title,
                doc.subkind,
                doc.direction,
                b"".join(p.bytes for p in doc.people),
                doc.person_id.bytes if doc.person_id is not None else None,
            )
        )
        if day is not None:
            link_rows.extend(
                (p.bytes, day, created, item_key, rowid, doc.kind.value, doc.direction) for p in doc.people
            )
        fts_rows.append((rowid, doc.title, doc.body, doc.names))
        if doc.kind is ItemKind.PERSON:
            name_rows.append((rowid, doc.person_names))
    conn.exec_driver_sql(
        "INSERT INTO item_index (id, kind, item_id, day, created_at, title, subkind, direction, people, person_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        index_rows,
    )
    if link_rows:
        conn.exec_driver_sql(
            "INSERT INTO timeline_people (person_id, day, created_at, item_id, index_id, kind, direction) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            link_rows,
        )
    fts.write(conn, fts_rows, name_rows)


def page(
    conn: Connection,
    filt: TimelineFilter,
    *,
    after: TimelineCursor | None = None,
    limit: int = 200,
) -> TimelinePage:
    """One page of the timeline, newest first: ``(day DESC, created_at DESC, item_id DESC)``.

    Args:
        filt: person, kinds (empty = all), direction (acts of that direction only), date range (inclusive).
        after: the cursor of the previous page (``TimelinePage.next_cursor``), None for the first page.
        limit: rows per page (1..1000).
    """
    limit = max(1, min(limit, MAX_PAGE))
    kinds = set(filt.kinds)
    if filt.direction is not None:
        kinds = {ItemKind.ACT} if not kinds or ItemKind.ACT in kinds else set()
    kinds.discard(ItemKind.PERSON)
    if not kinds and (filt.kinds or filt.direction is not None):
        return TimelinePage(items=(), next_cursor=None)
    all_kinds = not kinds or kinds >= (set(ItemKind) - {ItemKind.PERSON})

    where: list[str] = []
    params: list[object] = []
    k = "k" if filt.person_id is not None else "i"  # the table the keyset columns are read from
    if filt.person_id is not None:
        source = "timeline_people AS k JOIN item_index AS i ON i.id = k.index_id"
        where.append("k.person_id = ?")
        params.append(filt.person_id.bytes)
    elif not all_kinds and len(kinds) == 1:
        source = "item_index AS i INDEXED BY ix_item_index_kind_timeline"
        where.append("i.day IS NOT NULL")
    else:
        source = "item_index AS i INDEXED BY ix_item_index_timeline"
        where.append("i.day IS NOT NULL")
    if not all_kinds:
        ordered = sorted(k.value for k in kinds)
        where.append(f"{k}.kind IN ({', '.join('?' * len(ordered))})")
        params.extend(ordered)
    if filt.direction is not None:
        where.append(f"{k}.direction = ?")
        params.append(filt.direction.value)
    if filt.date_from is not None:
        where.append(f"{k}.day >= ?")
        params.append(filt.date_from.isoformat())
    if filt.date_to is not None:
        where.append(f"{k}.day <= ?")
        params.append(filt.date_to.isoformat())
    if after is not None:
        where.append(f"({k}.day, {k}.created_at, {k}.item_id) < (?, ?, ?)")
        params.extend((after.on.isoformat(), utc_text(after.created_at), after.id.bytes))
    params.append(limit + 1)
    sql = (
        "SELECT i.kind, i.item_id, i.day, i.created_at, i.title, i.subkind, i.direction, i.people "
        f"FROM {source} WHERE {' AND '.join(where)} "
        f"ORDER BY {k}.day DESC, {k}.created_at DESC, {k}.item_id DESC LIMIT ?"
    )
    rows = conn.exec_driver_sql(sql, tuple(params)).all()
    more = len(rows) > limit
    items = tuple(_item(row) for row in rows[:limit])
    cursor = None
    if more and items:
        last = items[-1]
        cursor = TimelineCursor(on=last.on, created_at=last.created_at, id=last.id)
    return TimelinePage(items=items, next_cursor=cursor)


def _item(row: Sequence[object]) -> TimelineItem:
    kind, item_id, day, created_at, title, subkind, direction, people = row
    assert isinstance(item_id, bytes) and isinstance(people, bytes)
    return TimelineItem(
        kind=_KINDS[str(kind)],
        id=UUID(bytes=item_id),
        on=date.fromisoformat(str(day)),
        title=str(title),
        subkind=str(subkind),
        direction=_DIRECTIONS[str(direction)] if direction is not None else None,
        people=tuple(UUID(bytes=people[i : i + 16]) for i in range(0, len(people), 16)),
        created_at=utc_from_text(str(created_at)),
    )
