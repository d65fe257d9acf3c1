"""The timeline: every dated item, newest first, in pages that cost the same on page 1 and page 1,000.

Acts, needs, commitments, interactions, journal entries and reminders live in six tables; a timeline that
UNIONs them and sorts would read everything for every page. Instead the storage layer keeps a denormalised
index, written in the same transaction as each item (:func:`write_docs`, :func:`delete_docs`):

- ``item_index``: one row per item (and per person, for search) with what a list row shows: kind, id, day,
  ``created``, one-line title, subkind, direction and the linked people's ids. Index
  ``(day, created, item_id, kind, direction)`` makes the global timeline a backwards index scan that skips
  filtered kinds without reading the table.
- ``timeline_people``: one row per (person, item), clustered on ``(person_id, day, created, item_id)``, so a
  person's timeline is a backwards range scan of one primary key.

These tables are written 200,000 rows at a time by a bulk load, so their keys are compact: ``day`` is the
date's ordinal, ``created`` the UTC instant in microseconds since 1970, ``kind`` and ``direction`` small
integer codes (:data:`KIND_CODES`, :data:`DIRECTION_CODES`). Order is unchanged: ordinals and microseconds
sort exactly like the dates and instants they encode.

Pages use **keyset pagination** on ``(day, created_at, item_id)`` (a :class:`TimelineCursor` is the last row
shown): the next page is ``WHERE (day, created_at, item_id) < cursor``, never ``OFFSET``, so it is as fast
deep in the past as at the top and never skips or repeats a row when items are added meanwhile.
"""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, SafeUUID

from sqlalchemy import Connection

from recipro_desktop.core.models import (
    Direction,
    ItemKind,
    TimelineCursor,
    TimelineFilter,
    TimelineItem,
    TimelinePage,
)
from recipro_desktop.core.text import fold
from recipro_desktop.storage import fts
from recipro_desktop.storage.tables import uuid_from_bytes

log = logging.getLogger(__name__)

MAX_PAGE = 1000
_CHUNK = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

KINDS_BY_CODE = fts.KINDS_BY_CODE
KIND_CODES: dict[ItemKind, int] = {kind: code for code, kind in KINDS_BY_CODE.items()}
DIRECTION_CODES: dict[Direction, int] = {Direction.GIVEN: 1, Direction.RECEIVED: 2}
DIRECTIONS_BY_CODE: dict[int, Direction] = {code: d for d, code in DIRECTION_CODES.items()}


def with_folded(names: str) -> str:
    """``names`` plus their folded spelling when it differs: FTS5's ``remove_diacritics`` drops accents but
    keeps letters with strokes (ł, ø, đ, æ), so "lukasz" would not find "Łukasz" without it."""
    if names.isascii():
        return names
    folded = fold(names)
    return names if folded == fold_accents_only(names) else f"{names} {folded}"


def fold_accents_only(text: str) -> str:
    """What FTS5's tokenizer makes of ``text`` by itself: accents gone, case folded, strokes kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def micros(instant: datetime) -> int:
    """An aware instant as integer microseconds since 1970-01-01 UTC (exact, sortable)."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (instant - _EPOCH) // _MICRO


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
    direction: Direction | None
    people: tuple[UUID, ...]
    person_id: UUID | None
    body: str
    names: str
    person_names: str = ""  # people only: their own names, for name completion
    weight: int | None = None  # acts only (balance and warmth read them from timeline_people)
    paid_forward: bool | None = None


def _chunks(seq: Sequence[bytes], size: int = _CHUNK) -> list[Sequence[bytes]]:
    return [seq[i : i + size] for i in range(0, len(seq), size)]


def delete_docs(conn: Connection, item_ids: Sequence[UUID]) -> None:
    """Remove these items from the timeline and search index (missing ids are ignored)."""
    keys = [i.bytes for i in item_ids]
    for chunk in _chunks(keys):
        marks = ", ".join("?" * len(chunk))
        rows = conn.exec_driver_sql(
            f"SELECT id, kind, item_id, day, created, people FROM item_index WHERE item_id IN ({marks})", tuple(chunk)
        ).all()
        if not rows:
            continue
        rowids = [r[0] for r in rows]
        fts.delete(conn, rowids, [r[0] for r in rows if r[1] == KIND_CODES[ItemKind.PERSON]])
        links = [
            (people[i : i + 16], day, created, item_key)
            for _, _, item_key, day, created, people in rows
            if day is not None
            for i in range(0, len(people), 16)
        ]
        if links:
            conn.exec_driver_sql(
                "DELETE FROM timeline_people WHERE person_id = ? AND day = ? AND created = ? AND item_id = ?", links
            )
        conn.exec_driver_sql("DELETE FROM item_index WHERE id = ?", [(r,) for r in rowids])


def write_docs(conn: Connection, docs: Sequence[IndexDoc], *, replace: bool = True) -> None:
    """Write (or, with ``replace``, rewrite) the index rows of these items: timeline, people links, search.

    ``replace=False`` is for items known to be new (a bulk load), skipping the lookup of old rows.
    """
    if not docs:
        return
    if replace:
        delete_docs(conn, [d.item_id for d in docs])
    # Rowids in time order (the day, else the creation day; then creation time): rowid order is then "newest
    # last", which search uses to rank common words among the most recent matches, and the timeline index
    # is filled in key order.
    docs = sorted(docs, key=_chronological)
    start = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM item_index").scalar_one()) + 1
    index_rows = []
    link_rows: list[tuple[object, ...]] = []
    fts_rows = []
    name_rows = []
    for rowid, doc in enumerate(docs, start=start):
        day = doc.day.toordinal() if doc.day is not None else None
        created = micros(doc.created_at)
        item_key = doc.item_id.bytes
        kind = KIND_CODES[doc.kind]
        direction = DIRECTION_CODES[doc.direction] if doc.direction is not None else None
        people = [p.bytes for p in doc.people]
        index_rows.append(
            (
                rowid,
                kind,
                item_key,
                day,
                created,
                doc.title,
                doc.subkind,
                direction,
                b"".join(people),
                doc.person_id.bytes if doc.person_id is not None else None,
            )
        )
        if day is not None:
            weight = doc.weight
            paid = int(doc.paid_forward) if doc.paid_forward is not None else None
            link_rows.extend((p, day, created, item_key, kind, direction, weight, paid) for p in dict.fromkeys(people))
        fts_rows.append((rowid, doc.title, doc.body, with_folded(doc.names)))
        if doc.kind is ItemKind.PERSON:
            name_rows.append((rowid, with_folded(doc.person_names)))
    conn.exec_driver_sql(
        "INSERT INTO item_index (id, kind, item_id, day, created, title, subkind, direction, people, person_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        index_rows,
    )
    if link_rows:
        link_rows.sort(key=lambda r: r[:4])
        conn.exec_driver_sql(
            "INSERT INTO timeline_people (person_id, day, created, item_id, kind, direction, weight, paid_forward) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            link_rows,
        )
    fts.write(conn, fts_rows, name_rows)


def _chronological(doc: IndexDoc) -> tuple[int, datetime, bytes]:
    day = doc.day if doc.day is not None else doc.created_at.date()
    return (day.toordinal(), doc.created_at, doc.item_id.bytes)


def page(
    conn: Any,
    filt: TimelineFilter,
    *,
    after: TimelineCursor | None = None,
    limit: int = 200,
) -> TimelinePage:
    """One page of the timeline, newest first: ``(day DESC, created_at DESC, item_id DESC)``.

    Args:
        conn: a DB-API (``sqlcipher3``) connection inside a transaction (:meth:`Database.reading`).
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
    if filt.person_id is not None:
        # The person's rows of timeline_people, in key order; titles etc. by the unique item_id index.
        source = "timeline_people AS k JOIN item_index AS i ON i.item_id = k.item_id"
        k = "k"
        where.append("k.person_id = ?")
        params.append(filt.person_id.bytes)
    else:
        source = "item_index AS i INDEXED BY ix_item_index_timeline"
        k = "i"
        where.append("i.day IS NOT NULL")
    if not all_kinds:
        codes = sorted(KIND_CODES[kind] for kind in kinds)
        where.append(f"{k}.kind IN ({', '.join('?' * len(codes))})")
        params.extend(codes)
    if filt.direction is not None:
        where.append(f"{k}.direction = ?")
        params.append(DIRECTION_CODES[filt.direction])
    if filt.date_from is not None:
        where.append(f"{k}.day >= ?")
        params.append(filt.date_from.toordinal())
    if filt.date_to is not None:
        where.append(f"{k}.day <= ?")
        params.append(filt.date_to.toordinal())
    if after is not None:
        where.append(f"({k}.day, {k}.created, {k}.item_id) < (?, ?, ?)")
        params.extend((after.on.toordinal(), micros(after.created_at), after.id.bytes))
    params.append(limit + 1)
    sql = (
        "SELECT i.kind, i.item_id, i.day, i.created, i.title, i.subkind, i.direction, i.people "
        f"FROM {source} WHERE {' AND '.join(where)} "
        f"ORDER BY {k}.day DESC, {k}.created DESC, {k}.item_id DESC LIMIT ?"
    )
    rows = conn.execute(sql, params).fetchall()
    more = len(rows) > limit
    items = tuple(_items(rows[:limit]))
    cursor = None
    if more and items:
        last = items[-1]
        cursor = TimelineCursor(on=last.on, created_at=last.created_at, id=last.id)
    return TimelinePage(items=items, next_cursor=cursor)


_PEOPLE_CACHE: dict[bytes, UUID] = {}
_PEOPLE_CACHE_MAX = 50_000


def _person(key: bytes) -> UUID:
    """People ids repeat across rows and pages: keep their UUID objects (immutable) in a bounded cache."""
    uid = _PEOPLE_CACHE.get(key)
    if uid is None:
        if len(_PEOPLE_CACHE) >= _PEOPLE_CACHE_MAX:
            _PEOPLE_CACHE.clear()
        uid = _PEOPLE_CACHE[key] = uuid_from_bytes(key)
    return uid


_ITEM_FIELDS = ("kind", "id", "on", "title", "subkind", "direction", "people", "created_at")
_new_object = object.__new__
_EXACT_FLOAT_MICROS = 2**51
"""Below this many microseconds from 1970 (about year 2041), ``micros / 1e6`` as a float is within a quarter
microsecond of the true value, so ``datetime.fromtimestamp`` rounds it back exactly. Only from 1970 on: Windows'
``gmtime`` refuses a negative timestamp (``OSError: [Errno 22]``), so an instant before 1970 takes the
``timedelta`` path on every platform."""


def _slot_setters() -> tuple[Any, ...] | None:
    """The slot descriptors' setters of :class:`TimelineItem`, if its fields are exactly the ones known here."""
    names = tuple(f.name for f in dataclasses.fields(TimelineItem))
    if names != _ITEM_FIELDS:  # the model changed: use the ordinary constructor until this is updated
        return None
    return tuple(TimelineItem.__dict__[name].__set__ for name in names)


_SETTERS = _slot_setters()


def new_item(
    *,
    kind: ItemKind,
    item_id: UUID,
    on: date,
    title: str,
    subkind: str,
    direction: Direction | None,
    people: tuple[UUID, ...],
    created_at: datetime,
) -> TimelineItem:
    """A :class:`TimelineItem`, built three times faster than its generated ``__init__``.

    A timeline page builds 200 of them and is measured against the raw query (DESIGN §6: ≤ 3×); the frozen
    dataclass ``__init__`` alone cost more than fetching the rows. The object is created and each slot set
    through its descriptor, exactly the assignments ``__init__`` makes (the class has no ``__post_init__``);
    ``tests/storage/test_timeline.py`` checks the result equals the ordinary construction.
    """
    if _SETTERS is None:
        return TimelineItem(
            kind=kind,
            id=item_id,
            on=on,
            title=title,
            subkind=subkind,
            direction=direction,
            people=people,
            created_at=created_at,
        )
    item = _new_object(TimelineItem)
    s_kind, s_id, s_on, s_title, s_subkind, s_direction, s_people, s_created = _SETTERS
    s_kind(item, kind)
    s_id(item, item_id)
    s_on(item, on)
    s_title(item, title)
    s_subkind(item, subkind)
    s_direction(item, direction)
    s_people(item, people)
    s_created(item, created_at)
    return item


def instant(micros_since_epoch: int) -> datetime:
    """The stored ``created`` value as an aware UTC datetime (exact)."""
    if 0 <= micros_since_epoch < _EXACT_FLOAT_MICROS:
        return datetime.fromtimestamp(micros_since_epoch / 1_000_000, UTC)
    return _EPOCH + timedelta(microseconds=micros_since_epoch)


def _item(row: Sequence[Any]) -> TimelineItem:
    kind, item_id, day, created, title, subkind, direction, people = row
    return new_item(
        kind=KINDS_BY_CODE[kind],
        item_id=uuid_from_bytes(item_id),
        on=date.fromordinal(day),
        title=title,
        subkind=subkind,
        direction=DIRECTIONS_BY_CODE[direction] if direction is not None else None,
        people=tuple([_person(people[i : i + 16]) for i in range(0, len(people), 16)]) if people else (),
        created_at=instant(created),
    )


def _items(rows: Sequence[Sequence[Any]]) -> list[TimelineItem]:
    """:func:`_item` for a whole page in one loop: the same objects, without a dozen calls per row.

    This loop is the difference between a page costing 3× and 5× its raw query (DESIGN §6); it inlines
    :func:`uuid_from_bytes`, :func:`_person`, :func:`instant` and :func:`new_item`.
    """
    if _SETTERS is None:
        return [_item(row) for row in rows]
    s_kind, s_id, s_on, s_title, s_subkind, s_direction, s_people, s_created = _SETTERS
    new, set_attribute, from_bytes, unknown = _new_object, object.__setattr__, int.from_bytes, SafeUUID.unknown
    kinds, directions, cache = KINDS_BY_CODE, DIRECTIONS_BY_CODE, _PEOPLE_CACHE
    fromordinal, fromtimestamp, utc, limit = date.fromordinal, datetime.fromtimestamp, UTC, _EXACT_FLOAT_MICROS
    out = []
    for kind, item_id, day, created, title, subkind, direction, people in rows:
        uid = new(UUID)
        set_attribute(uid, "int", from_bytes(item_id, "big"))
        set_attribute(uid, "is_safe", unknown)
        if len(people) == 16:
            one = cache.get(people)
            linked: tuple[UUID, ...] = (one if one is not None else _person(people),)
        elif people:
            linked = tuple([_person(people[i : i + 16]) for i in range(0, len(people), 16)])
        else:
            linked = ()
        item = new(TimelineItem)
        s_kind(item, kinds[kind])
        s_id(item, uid)
        s_on(item, fromordinal(day))
        s_title(item, title)
        s_subkind(item, subkind)
        s_direction(item, directions[direction] if direction is not None else None)
        s_people(item, linked)
        s_created(item, fromtimestamp(created / 1_000_000, utc) if 0 <= created < limit else instant(created))
        out.append(item)
    return out
