"""Deleting a person and undoing it: the person, their listening notes and every link come back, in one go."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import ConflictError, NotFoundError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    Reminder,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import person_ops
from recipro_desktop.services.access import create_journal
from recipro_desktop.services.journal import JournalService

TODAY = date(2026, 3, 10)


@pytest.fixture
def service(journal_paths: JournalPaths) -> Iterator[JournalService]:
    created = create_journal(journal_paths, passphrase="pw", use_keyring=False, clock=FixedClock())
    try:
        yield created.journal.service
    finally:
        created.journal.close()


def test_delete_then_restore_brings_back_the_person_their_needs_and_every_link(service: JournalService) -> None:
    s = service
    ana = s.add_person(Person(display_name="Ana Lima", tags=("design",), notes="likes tea"))
    bo = s.add_person(Person(display_name="Bo Chen", met_through_id=ana.id))
    need = s.add_need(Need(person_id=ana.id, text="A new flat", heard_on=TODAY))
    act = s.add_act(
        Act(
            occurred_on=TODAY,
            direction=Direction.GIVEN,
            kind=ActKind.REFERRAL,
            summary="Sent a listing",
            people=(bo.id, ana.id),
            meets_need_id=need.id,
        )
    )
    need = s.update_need(dataclasses.replace(need, status=NeedStatus.MET, met_by_act_id=act.id))
    helped = s.add_act(  # an act that met her need without naming her
        Act(
            occurred_on=TODAY,
            direction=Direction.GIVEN,
            kind=ActKind.INTRODUCTION,
            summary="Asked Bo about flats",
            people=(bo.id,),
            meets_need_id=need.id,
        )
    )
    promise = s.add_commitment(Commitment(promiser=Promiser.THEM, text="Coffee", made_on=TODAY, people=(ana.id,)))
    call = s.add_interaction(Interaction(occurred_on=TODAY, channel=Channel.CALL, summary="Call", people=(ana.id,)))
    note = s.add_entry(JournalEntry(written_on=TODAY, text="Grateful", people=(ana.id, bo.id)))
    reminder = s.add_reminder(Reminder(text="Call", due_at=datetime(2026, 3, 11, 9, tzinfo=UTC), person_id=ana.id))

    snapshot = person_ops.delete_person(s, ana.id)
    assert snapshot.item_count == 6 and snapshot.introduced == (bo.id,)
    with pytest.raises(NotFoundError):
        s.get_person(ana.id)
    with pytest.raises(NotFoundError):
        s.get_need(need.id)
    assert s.get_act(act.id).people == (bo.id,) and s.get_act(act.id).meets_need_id is None
    assert s.get_reminder(reminder.id).person_id is None

    restored = person_ops.restore_person(s, snapshot)
    assert restored == ana, "same id, fields, timestamps and version"
    assert s.get_need(need.id) == need
    assert s.get_act(act.id).people == (bo.id, ana.id)
    assert s.get_act(act.id).meets_need_id == need.id
    assert s.get_act(helped.id).meets_need_id == need.id and s.get_act(helped.id).people == (bo.id,)
    assert s.get_commitment(promise.id).people == (ana.id,)
    assert s.get_interaction(call.id).people == (ana.id,)
    assert s.get_entry(note.id).people == (ana.id, bo.id)
    assert s.get_reminder(reminder.id).person_id == ana.id
    assert s.get_person(bo.id).met_through_id == ana.id
    assert s.person_summary(ana.id).acts == 1


def test_restore_skips_items_deleted_meanwhile_and_keeps_edits_made_meanwhile(service: JournalService) -> None:
    s = service
    ana = s.add_person(Person(display_name="Ana"))
    cy = s.add_person(Person(display_name="Cy"))
    gone = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.RECEIVED, kind=ActKind.GIFT, summary="Tea", people=(ana.id,))
    )
    edited = s.add_entry(JournalEntry(written_on=TODAY, text="Lunch", people=(ana.id,)))
    snapshot = person_ops.delete_person(s, ana.id)
    s.delete_act(gone.id)
    current = s.get_entry(edited.id)
    s.update_entry(dataclasses.replace(current, text="Lunch, long", people=(cy.id,)))
    person_ops.restore_person(s, snapshot)
    entry = s.get_entry(edited.id)
    assert entry.text == "Lunch, long"
    assert entry.people == (ana.id, cy.id), "Ana back in her place; Cy, added meanwhile, kept"
    with pytest.raises(NotFoundError):
        s.get_act(gone.id)


def test_restoring_twice_is_refused_and_changes_nothing(service: JournalService) -> None:
    s = service
    ana = s.add_person(Person(display_name="Ana"))
    s.add_need(Need(person_id=ana.id, text="Advice", heard_on=TODAY - timedelta(days=3)))
    snapshot = person_ops.delete_person(s, ana.id)
    person_ops.restore_person(s, snapshot)
    before = s.stats()
    with pytest.raises(ConflictError):
        person_ops.restore_person(s, snapshot)
    assert s.stats() == before, "one transaction: nothing half-restored"
