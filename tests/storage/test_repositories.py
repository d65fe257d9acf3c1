"""Repositories: exact round-trips of every field, relations and ON DELETE behaviour, versions (C4)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from recipro_desktop.core.errors import ConflictError, NotFoundError
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
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import repositories as repos
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.repositories import Repository
from tests.conftest import CANARY

T0 = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


@pytest.fixture
def db(journal_paths: JournalPaths) -> Iterator[Database]:
    database = Database.create(journal_paths, os.urandom(32))
    yield database
    database.close()


def full_person(**changes: object) -> Person:
    base = Person(
        display_name="Zoë Ångström-Ñúñez",
        given_name="Zoë",
        family_name="Ångström-Ñúñez",
        organisation="Ørsted & Co",
        role="CTO",
        emails=("zoe@example.org", "z@work.example"),
        phones=("+49 170 000000",),
        links=("https://www.linkedin.com/in/zoe",),
        location="Zürich",
        tags=("mentor", "climate", "a-tag"),
        how_met=f"Conference {CANARY}",
        met_on=date(2019, 5, 17),
        birthday_month=2,
        birthday_day=29,
        birthday_year=1988,
        cadence_days=45,
        can_help_with=("hiring", "grid storage"),
        notes=f'Line one\r\nline two with "quotes", commas and emoji 🎉 {CANARY}',
        archived=False,
        created_at=T0,
        updated_at=T0 + timedelta(seconds=1),
    )
    return dataclasses.replace(base, **changes)


def add(db: Database, obj: object) -> object:
    with db.session(write=True) as session:
        return Repository(session, T0).add(obj)


def get(db: Database, spec: repos.Spec[object], item_id: object) -> object:
    with db.session() as session:
        return Repository(session, T0).get(spec, item_id)  # type: ignore[arg-type]


def test_every_field_of_every_entity_round_trips_exactly(db: Database) -> None:
    zoe = full_person()
    other = full_person(display_name="Bob", met_through_id=zoe.id, tags=(), emails=())
    need = Need(
        person_id=zoe.id,
        text="Looking for a\nsenior designer",
        heard_on=date(2025, 1, 2),
        tags=("design", "mentor"),
        context="over lunch",
        status=NeedStatus.HELPING,
        follow_up_on=date(2025, 2, 1),
        created_at=T0,
        updated_at=T0,
    )
    act = Act(
        occurred_on=date(2025, 1, 3),
        direction=Direction.RECEIVED,
        kind=ActKind.INTRODUCTION,
        summary="Introduced me to the grid team",
        details=f"details {CANARY}",
        people=(other.id, zoe.id),  # order matters and is kept
        weight=5,
        paid_forward=True,
        thanked_on=date(2025, 1, 4),
        thanked_how="card",
        created_at=T0,
        updated_at=T0,
    )
    reply = Act(
        occurred_on=date(2025, 1, 5),
        direction=Direction.GIVEN,
        kind=ActKind.FAVOR,
        summary="Returned the favour",
        people=(zoe.id,),
        weight=1,
        meets_need_id=need.id,
        in_return_for_id=act.id,
        thanks_not_needed=True,
        created_at=T0,
        updated_at=T0,
    )
    promise = Commitment(
        promiser=Promiser.THEM,
        text="Will send the report",
        made_on=date(2025, 1, 6),
        people=(zoe.id, other.id),
        due_on=date(2025, 2, 6),
        status=CommitmentStatus.KEPT,
        fulfilled_by_act_id=act.id,
        created_at=T0,
        updated_at=T0,
    )
    chat = Interaction(
        occurred_on=date(2025, 1, 7),
        channel=Channel.CALL,
        summary="Catch-up",
        people=(zoe.id,),
        details="long call",
        created_at=T0,
        updated_at=T0,
    )
    entry = JournalEntry(
        written_on=date(2025, 1, 8),
        text=f"Grateful for Zoë {CANARY}",
        people=(zoe.id,),
        prompt_kind=PromptKind.GRATITUDE,
        prompt="Who helped you this week?",
        created_at=T0,
        updated_at=T0,
    )
    reminder = Reminder(
        text="Call Zoë",
        due_at=datetime(2025, 1, 9, 8, 30, tzinfo=UTC),
        person_id=zoe.id,
        recurrence=Recurrence.MONTHLY,
        snoozed_until=datetime(2025, 1, 10, 8, 30, tzinfo=UTC),
        done=True,
        created_at=T0,
        updated_at=T0,
    )
    items = [zoe, other, need, act, reply, promise, chat, entry, reminder]
    for item in items:
        assert add(db, item) == item
    for item in items:
        assert get(db, repos.spec_for(item), item.id) == item  # type: ignore[attr-defined]


def test_instants_keep_microseconds_and_come_back_in_utc(db: Database) -> None:
    from datetime import timezone

    plus_two = timezone(timedelta(hours=2))
    local = datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=plus_two)
    person = full_person(created_at=local, updated_at=local)
    stored = add(db, person)
    assert isinstance(stored, Person)
    assert stored.created_at == local
    assert stored.created_at.tzinfo == UTC
    assert stored.created_at.hour == 10


def test_tags_are_shared_rows_and_keep_their_order(db: Database) -> None:
    a = add(db, full_person(tags=("z", "a", "m")))
    b = add(db, full_person(display_name="B", tags=("a", "new")))
    assert isinstance(a, Person) and isinstance(b, Person)
    assert a.tags == ("z", "a", "m")
    with db.session() as session:
        names = [t.name for t in Repository(session, T0).list_tags()]
    assert names == sorted({"z", "a", "m", "new", "mentor", "climate", "a-tag"} - {"mentor", "climate", "a-tag"})


def test_update_is_refused_for_a_stale_version_C4(db: Database) -> None:
    """RELIABILITY C4: two copies at version 1; the first save wins, the second raises and overwrites nothing."""
    stored = add(db, full_person())
    assert isinstance(stored, Person)
    first = dataclasses.replace(stored, notes="first edit")
    second = dataclasses.replace(stored, notes="second edit")
    with db.session(write=True) as session:
        saved = Repository(session, T0 + timedelta(days=1)).update(first)
    assert saved.version == 2
    assert saved.updated_at == T0 + timedelta(days=1)
    with pytest.raises(ConflictError), db.session(write=True) as session:
        Repository(session, T0).update(second)
    assert get(db, repos.PERSON, stored.id) == saved


def test_orm_version_column_catches_a_concurrent_writer_C4(db: Database) -> None:
    """Even between our own read and write, the UPDATE is conditional on the version (version_id_col)."""
    from recipro_desktop.storage.tables import PersonRow

    stored = add(db, full_person())
    assert isinstance(stored, Person)
    with pytest.raises(ConflictError), db.session(write=True) as session:
        row = session.get(PersonRow, stored.id)
        assert row is not None
        # Another writer on the same connection's transaction bumps the version under the ORM's feet.
        session.connection().exec_driver_sql("UPDATE people SET version = version + 1 WHERE id = ?", (stored.id.bytes,))
        row.notes = "lost update"
        session.flush()
    assert get(db, repos.PERSON, stored.id) == stored


def test_deleting_a_person_unlinks_them_and_bumps_what_changed(db: Database) -> None:
    zoe = full_person()
    bob = full_person(display_name="Bob", met_through_id=zoe.id, tags=())
    need = Need(person_id=zoe.id, text="needs a flat", heard_on=date(2025, 1, 1))
    act = Act(
        occurred_on=date(2025, 1, 2),
        direction=Direction.GIVEN,
        kind=ActKind.FAVOR,
        summary="Helped both",
        people=(zoe.id, bob.id),
        meets_need_id=need.id,
    )
    reminder = Reminder(text="Call", due_at=T0, person_id=zoe.id)
    for item in (zoe, bob, need, act, reminder):
        add(db, item)
    with db.session(write=True) as session:
        Repository(session, T0 + timedelta(days=2)).delete(repos.PERSON, zoe.id)
    with pytest.raises(NotFoundError):
        get(db, repos.PERSON, zoe.id)
    with pytest.raises(NotFoundError):
        get(db, repos.NEED, need.id)  # a listening note belongs to its person
    kept = get(db, repos.ACT, act.id)
    assert isinstance(kept, Act)
    assert kept.people == (bob.id,)
    assert kept.meets_need_id is None
    assert kept.version == act.version + 1
    bob_now = get(db, repos.PERSON, bob.id)
    assert isinstance(bob_now, Person)
    assert bob_now.met_through_id is None and bob_now.version == 2
    reminder_now = get(db, repos.REMINDER, reminder.id)
    assert isinstance(reminder_now, Reminder)
    assert reminder_now.person_id is None and reminder_now.text == "Call"
    with db.raw_connection() as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert (
            conn.execute("SELECT count(*) FROM timeline_people WHERE person_id = ?", (zoe.id.bytes,)).fetchone()[0] == 0
        )


def test_deleting_an_act_clears_references_to_it(db: Database) -> None:
    zoe = full_person()
    act = Act(
        occurred_on=date(2025, 1, 2), direction=Direction.RECEIVED, kind=ActKind.GIFT, summary="Gift", people=(zoe.id,)
    )
    need = Need(person_id=zoe.id, text="t", heard_on=date(2025, 1, 1), status=NeedStatus.MET, met_by_act_id=act.id)
    promise = Commitment(
        promiser=Promiser.ME, text="p", made_on=date(2025, 1, 1), people=(zoe.id,), fulfilled_by_act_id=act.id
    )
    reply = Act(
        occurred_on=date(2025, 1, 3),
        direction=Direction.GIVEN,
        kind=ActKind.FAVOR,
        summary="Reply",
        people=(zoe.id,),
        in_return_for_id=act.id,
    )
    for item in (zoe, act, need, promise, reply):
        add(db, item)
    with db.session(write=True) as session:
        Repository(session, T0).delete(repos.ACT, act.id)
    need_now, promise_now, reply_now = (
        get(db, repos.NEED, need.id),
        get(db, repos.COMMITMENT, promise.id),
        get(db, repos.ACT, reply.id),
    )
    assert isinstance(need_now, Need) and need_now.met_by_act_id is None and need_now.version == 2
    assert isinstance(promise_now, Commitment) and promise_now.fulfilled_by_act_id is None
    assert isinstance(reply_now, Act) and reply_now.in_return_for_id is None and reply_now.version == 2


def test_add_of_an_existing_id_is_a_conflict(db: Database) -> None:
    person = full_person()
    add(db, person)
    with pytest.raises(ConflictError):
        add(db, dataclasses.replace(person, display_name="Someone else"))
    stored = get(db, repos.PERSON, person.id)
    assert isinstance(stored, Person) and stored.display_name == person.display_name


def test_bulk_add_accepts_references_in_any_order(db: Database) -> None:
    """A need met by an act, both new in the same batch: foreign keys are checked at commit, not per row."""
    zoe = full_person()
    act_id = uuid4()
    need = Need(person_id=zoe.id, text="t", heard_on=date(2025, 1, 1), met_by_act_id=act_id)
    act = Act(
        id=act_id,
        occurred_on=date(2025, 1, 2),
        direction=Direction.GIVEN,
        kind=ActKind.FAVOR,
        summary="s",
        people=(zoe.id,),
        meets_need_id=need.id,
    )
    with db.session(write=True) as session:
        Repository(session, T0).add_many([[need], [act], [zoe]])
    assert get(db, repos.NEED, need.id) == need
    assert get(db, repos.ACT, act.id) == act
    assert get(db, repos.PERSON, zoe.id) == zoe


def test_bulk_add_with_a_dangling_reference_stores_nothing(db: Database) -> None:
    zoe = full_person()
    act = Act(
        occurred_on=date(2025, 1, 2),
        direction=Direction.GIVEN,
        kind=ActKind.FAVOR,
        summary="s",
        people=(zoe.id, uuid4()),  # the second person does not exist
    )
    with pytest.raises(NotFoundError), db.session(write=True) as session:
        Repository(session, T0).add_many([[zoe], [act]])
    with db.reading() as conn:
        assert repos.stats(conn)["people"] == 0
        assert conn.execute("SELECT count(*) FROM item_index").fetchone()[0] == 0
