"""The timeline: newest first with a total order, filters, and keyset pages that never skip or repeat."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Person,
    Promiser,
    Reminder,
    TimelineCursor,
    TimelineFilter,
    TimelineItem,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import timeline
from recipro_desktop.storage.database import Database

BASE = date(2026, 1, 1)
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _item_key(kind: ItemKind, item: Any) -> tuple[date, datetime, UUID]:
    if kind is ItemKind.REMINDER:
        day = item.due_at.date()
    else:
        field = {
            ItemKind.ACT: "occurred_on",
            ItemKind.NEED: "heard_on",
            ItemKind.COMMITMENT: "made_on",
            ItemKind.INTERACTION: "occurred_on",
            ItemKind.ENTRY: "written_on",
        }[kind]
        day = getattr(item, field)
    return day, item.created_at, item.id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JournalService, list[Any], list[Person]]]:
    """~400 items of every kind over a few days with many ties on day and on created_at (seeded)."""
    rng = random.Random(7)
    paths = JournalPaths(tmp_path_factory.mktemp("timeline") / "journal")
    db = Database.create(paths, os.urandom(32))
    service = JournalService(db, FixedClock())
    people = [Person(display_name=f"P{n}") for n in range(6)]
    stamps = [T0 + timedelta(seconds=s) for s in range(4)]  # few distinct instants: ties are common
    items: list[tuple[ItemKind, Any]] = []

    def day() -> date:
        return BASE + timedelta(days=rng.randrange(6))

    def some_people() -> tuple[UUID, ...]:
        return tuple(p.id for p in rng.sample(people, rng.randrange(1, 3)))

    for _ in range(150):
        items.append(
            (
                ItemKind.ACT,
                Act(
                    occurred_on=day(),
                    direction=rng.choice(list(Direction)),
                    kind=rng.choice(list(ActKind)),
                    summary="act",
                    people=some_people(),
                    created_at=rng.choice(stamps),
                    updated_at=T0,
                ),
            )
        )
    for _ in range(60):
        items.append(
            (
                ItemKind.NEED,
                Need(
                    person_id=rng.choice(people).id,
                    text="need",
                    heard_on=day(),
                    created_at=rng.choice(stamps),
                    updated_at=T0,
                ),
            )
        )
    for _ in range(50):
        items.append(
            (
                ItemKind.COMMITMENT,
                Commitment(
                    promiser=rng.choice(list(Promiser)),
                    text="promise",
                    made_on=day(),
                    people=some_people(),
                    created_at=rng.choice(stamps),
                    updated_at=T0,
                ),
            )
        )
    for _ in range(80):
        items.append(
            (
                ItemKind.INTERACTION,
                Interaction(
                    occurred_on=day(),
                    channel=rng.choice(list(Channel)),
                    summary="chat",
                    people=some_people(),
                    created_at=rng.choice(stamps),
                    updated_at=T0,
                ),
            )
        )
    for _ in range(40):
        items.append(
            (
                ItemKind.ENTRY,
                JournalEntry(
                    written_on=day(), text="entry", people=some_people(), created_at=rng.choice(stamps), updated_at=T0
                ),
            )
        )
    for _ in range(20):
        items.append(
            (
                ItemKind.REMINDER,
                Reminder(
                    text="reminder",
                    due_at=datetime.combine(day(), datetime.min.time(), UTC) + timedelta(hours=9),
                    person_id=rng.choice([None, *[p.id for p in people]]),
                    created_at=rng.choice(stamps),
                    updated_at=T0,
                ),
            )
        )
    by_kind: dict[ItemKind, list[Any]] = {}
    for kind, item in items:
        by_kind.setdefault(kind, []).append(item)
    service.add_many(
        people=people,
        acts=by_kind[ItemKind.ACT],
        needs=by_kind[ItemKind.NEED],
        commitments=by_kind[ItemKind.COMMITMENT],
        interactions=by_kind[ItemKind.INTERACTION],
        entries=by_kind[ItemKind.ENTRY],
        reminders=by_kind[ItemKind.REMINDER],
    )
    yield service, items, people
    db.close()


def expected(items: list[tuple[ItemKind, Any]], filt: TimelineFilter) -> list[UUID]:
    def keep(kind: ItemKind, item: Any) -> bool:
        if filt.kinds and kind not in filt.kinds:
            return False
        if filt.direction is not None and (kind is not ItemKind.ACT or item.direction is not filt.direction):
            return False
        day = _item_key(kind, item)[0]
        if filt.date_from is not None and day < filt.date_from:
            return False
        if filt.date_to is not None and day > filt.date_to:
            return False
        if filt.person_id is not None:
            linked = getattr(item, "people", None)
            if linked is None:
                linked = (item.person_id,) if getattr(item, "person_id", None) else ()
            return filt.person_id in linked
        return True

    chosen = [(_item_key(kind, item), item.id) for kind, item in items if keep(kind, item)]
    chosen.sort(key=lambda pair: (pair[0][0], pair[0][1], pair[0][2].bytes), reverse=True)
    return [item_id for _, item_id in chosen]


def all_pages(service: JournalService, filt: TimelineFilter, limit: int) -> list[UUID]:
    seen: list[UUID] = []
    cursor: TimelineCursor | None = None
    for _ in range(10_000):
        page = service.timeline(filt, after=cursor, limit=limit)
        assert len(page.items) <= limit
        seen.extend(i.id for i in page.items)
        if page.next_cursor is None:
            return seen
        assert len(page.items) == limit
        cursor = page.next_cursor
    raise AssertionError("pagination did not end")


def test_first_page_is_newest_first_with_a_total_order(world: tuple[JournalService, list[Any], list[Person]]) -> None:
    service, items, _ = world
    page = service.timeline(limit=50)
    assert [i.id for i in page.items] == expected(items, TimelineFilter())[:50]
    keys = [(i.on, i.created_at, i.id.bytes) for i in page.items]
    assert keys == sorted(keys, reverse=True)


def test_items_carry_what_a_row_shows(world: tuple[JournalService, list[Any], list[Person]]) -> None:
    service, items, _ = world
    stored = {item.id: (kind, item) for kind, item in items}
    for row in service.timeline(limit=1000).items:
        kind, item = stored[row.id]
        assert row.kind is kind
        assert (row.on, row.created_at) == _item_key(kind, item)[:2]
        if kind is ItemKind.ACT:
            assert row.direction is item.direction and row.subkind == item.kind.value and row.title == "act"
            assert row.people == item.people
        else:
            assert row.direction is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.integers(1, 60),
    kinds=st.frozensets(st.sampled_from([k for k in ItemKind if k is not ItemKind.PERSON]), max_size=3),
    direction=st.sampled_from([None, None, Direction.GIVEN, Direction.RECEIVED]),
    person=st.sampled_from([None, 0, 1, 5]),
    date_from=st.sampled_from([None, BASE + timedelta(days=1)]),
    date_to=st.sampled_from([None, BASE + timedelta(days=4)]),
)
def test_keyset_pages_yield_every_item_exactly_once_in_order(
    world: tuple[JournalService, list[Any], list[Person]],
    limit: int,
    kinds: frozenset[ItemKind],
    direction: Direction | None,
    person: int | None,
    date_from: date | None,
    date_to: date | None,
) -> None:
    service, items, people = world
    filt = TimelineFilter(
        person_id=people[person].id if person is not None else None,
        kinds=kinds,
        direction=direction,
        date_from=date_from,
        date_to=date_to,
    )
    assert all_pages(service, filt, limit) == expected(items, filt)


def test_new_items_never_shift_the_pages_of_older_ones(journal_paths: JournalPaths) -> None:
    """Unlike OFFSET, a cursor page is stable: items added while scrolling do not repeat or skip rows."""
    db = Database.create(journal_paths, os.urandom(32))
    try:
        service = JournalService(db, FixedClock())
        p = service.add_person(Person(display_name="P"))
        for n in range(30):
            service.add_act(
                Act(
                    occurred_on=BASE + timedelta(days=n),
                    direction=Direction.GIVEN,
                    kind=ActKind.FAVOR,
                    summary=f"a{n}",
                    people=(p.id,),
                )
            )
        first = service.timeline(limit=10)
        before = [i.id for i in first.items] + all_pages_after(service, first.next_cursor)
        for n in range(5):  # newer items arrive while the user scrolls
            service.add_act(
                Act(
                    occurred_on=BASE + timedelta(days=100 + n),
                    direction=Direction.GIVEN,
                    kind=ActKind.FAVOR,
                    summary=f"new{n}",
                    people=(p.id,),
                )
            )
        after = [i.id for i in first.items] + all_pages_after(service, first.next_cursor)
        assert after == before and len(set(after)) == 30
    finally:
        db.close()


def all_pages_after(service: JournalService, cursor: TimelineCursor | None) -> list[UUID]:
    out: list[UUID] = []
    while cursor is not None:
        page = service.timeline(after=cursor, limit=10)
        out.extend(i.id for i in page.items)
        cursor = page.next_cursor
    return out


def test_direction_filter_without_acts_is_empty(world: tuple[JournalService, list[Any], list[Person]]) -> None:
    service, _, _ = world
    page = service.timeline(TimelineFilter(kinds=frozenset({ItemKind.NEED}), direction=Direction.GIVEN))
    assert page.items == () and page.next_cursor is None
    assert service.timeline(TimelineFilter(kinds=frozenset({ItemKind.PERSON}))).items == ()


def test_pages_use_an_index_in_order_never_offset_or_a_sort(
    world: tuple[JournalService, list[Any], list[Person]],
) -> None:
    """The SQL of a page is a keyset range on an index: no OFFSET, no temporary B-tree for the ORDER BY."""
    service, _, people = world
    statements: list[str] = []
    with service.database.reading() as conn:
        conn.set_trace_callback(statements.append)
        try:
            first = timeline.page(conn, TimelineFilter(), limit=20)
            timeline.page(conn, TimelineFilter(), after=first.next_cursor, limit=20)
            timeline.page(conn, TimelineFilter(person_id=people[0].id), after=first.next_cursor, limit=20)
            timeline.page(conn, TimelineFilter(kinds=frozenset({ItemKind.REMINDER})), limit=20)
        finally:
            conn.set_trace_callback(None)
        pages = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(pages) == 4
        for sql in pages:
            assert "OFFSET" not in sql.upper()
            plan = " | ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "TEMP B-TREE" not in plan.upper(), plan
            assert "INDEX" in plan.upper() or "PRIMARY KEY" in plan.upper(), plan


def test_fast_row_construction_equals_the_ordinary_one() -> None:
    """timeline.new_item/instant are performance paths: they must build exactly what the dataclass would."""
    from uuid import uuid4

    people = (uuid4(), uuid4())
    act = next(code for code, kind in timeline.KINDS_BY_CODE.items() if kind is ItemKind.ACT)
    given = next(code for code, way in timeline.DIRECTIONS_BY_CODE.items() if way is Direction.GIVEN)
    for micros in (0, -1, 1, 1_767_000_000_123_457, -2_208_988_800_000_001, 2**51 - 1, 2**51, 7_258_118_400_000_000):
        made = timeline.instant(micros)
        assert made == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros) and made.tzinfo is UTC
        assert timeline.micros(made) == micros
        ident = uuid4()
        fast = timeline.new_item(
            kind=ItemKind.ACT,
            item_id=ident,
            on=BASE,
            title="t",
            subkind="favor",
            direction=Direction.GIVEN,
            people=people,
            created_at=made,
        )
        slow = TimelineItem(
            kind=ItemKind.ACT,
            id=ident,
            on=BASE,
            title="t",
            subkind="favor",
            direction=Direction.GIVEN,
            people=people,
            created_at=made,
        )
        assert fast == slow and repr(fast) == repr(slow) and hash(fast) == hash(slow)
        # The page loop inlines instant(): a row created before 1970 must convert there too (Windows' gmtime
        # refuses negative timestamps, so the float fast path must not see them).
        row = (act, ident.bytes, BASE.toordinal(), micros, "t", "favor", given, b"".join(p.bytes for p in people))
        assert timeline._items([row]) == [timeline._item(row)] == [slow]
    with pytest.raises(AttributeError):
        fast.title = "frozen"  # type: ignore[misc]


def test_page_conversion_loop_equals_row_by_row(world: tuple[JournalService, list[Any], list[Person]]) -> None:
    service, _, _ = world
    with service.database.reading() as conn:
        rows = conn.execute(
            "SELECT kind, item_id, day, created, title, subkind, direction, people FROM item_index "
            "WHERE day IS NOT NULL ORDER BY day DESC, created DESC, item_id DESC"
        ).fetchall()
    assert timeline._items(rows) == [timeline._item(row) for row in rows]
