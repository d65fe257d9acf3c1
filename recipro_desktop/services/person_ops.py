"""Deleting a person so that *undo* can bring them back whole: links, listening notes and all.

``JournalService.delete_person`` removes a person, their listening notes and every link that named them
(acts, promises, interactions and notes stay, without them; reminders and "met through" lose the reference).
Re-adding the same :class:`Person` would restore the name but not the history. :func:`delete_person` here
first takes a :class:`PersonSnapshot` of everything the delete will touch; :func:`restore_person` puts the
person back with the same id, timestamps and version, re-adds their listening notes, and re-links every
surviving item, in **one transaction** (all or nothing).

Items that were deleted or edited in between are handled gently: a deleted act is simply not re-linked, an
edited one keeps the edit and gets the person back in the position it had. Qt-free; runs on the worker.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import select

from recipro_desktop.core.errors import ConflictError, NotFoundError
from recipro_desktop.core.models import Act, Commitment, Interaction, JournalEntry, Need, Person, Reminder
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.repositories import (
    ACT,
    COMMITMENT,
    ENTRY,
    INTERACTION,
    NEED,
    PERSON,
    REMINDER,
    Repository,
    Spec,
)
from recipro_desktop.storage.tables import ActRow as ActTable
from recipro_desktop.storage.tables import PersonRow as PersonTable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PersonSnapshot:
    """Everything a person's delete changes, as it was just before."""

    person: Person
    needs: tuple[Need, ...]
    acts: tuple[Act, ...]
    commitments: tuple[Commitment, ...]
    interactions: tuple[Interaction, ...]
    entries: tuple[JournalEntry, ...]
    reminders: tuple[Reminder, ...]
    introduced: tuple[UUID, ...]
    """People whose "met through" pointed at this person."""
    need_acts: tuple[Act, ...] = ()
    """Acts (naming them or not) that met one of their listening notes."""

    @property
    def item_count(self) -> int:
        return (
            len(self.needs)
            + len(self.acts)
            + len(self.commitments)
            + len(self.interactions)
            + len(self.entries)
            + len(self.reminders)
        )


def snapshot_person(service: JournalService, person_id: UUID) -> PersonSnapshot:
    """Read a person and everything that names them, in one transaction.

    Raises:
        NotFoundError: no such person.
    """
    with service.database.session() as session:
        repo = Repository(session, datetime.now(UTC))
        person = repo.get(PERSON, person_id)
        linked = repo.linked_ids(person_id)
        query = select(PersonTable.id).where(PersonTable.met_through_id == person_id).order_by(PersonTable.id)
        introduced = tuple(session.scalars(query))

        def items(spec: Spec[Any]) -> tuple[Any, ...]:
            return tuple(repo.get_many(spec, linked[spec.kind]))

        need_ids = linked[NEED.kind]
        need_act_ids = (
            list(session.scalars(select(ActTable.id).where(ActTable.meets_need_id.in_(need_ids)).order_by(ActTable.id)))
            if need_ids
            else []
        )

        return PersonSnapshot(
            person=person,
            needs=items(NEED),
            acts=items(ACT),
            commitments=items(COMMITMENT),
            interactions=items(INTERACTION),
            entries=items(ENTRY),
            reminders=items(REMINDER),
            introduced=introduced,
            need_acts=tuple(repo.get_many(ACT, need_act_ids)),
        )


def delete_person(service: JournalService, person_id: UUID) -> PersonSnapshot:
    """Delete a person through the service and return what :func:`restore_person` needs to undo it."""
    snapshot = snapshot_person(service, person_id)
    service.delete_person(person_id)
    log.info("deleted a person with %d linked items (undo kept in memory)", snapshot.item_count)
    return snapshot


def _relinked(original: tuple[UUID, ...], current: tuple[UUID, ...], person_id: UUID) -> tuple[UUID, ...]:
    """``current`` with ``person_id`` back where it stood in ``original`` (others as they are now)."""
    if person_id in current:
        return current
    position = original.index(person_id) if person_id in original else len(original)
    before = [p for p in original[:position] if p in current]
    insert_at = current.index(before[-1]) + 1 if before else 0
    return (*current[:insert_at], person_id, *current[insert_at:])


def restore_person(service: JournalService, snapshot: PersonSnapshot, *, now: datetime | None = None) -> Person:
    """Undo :func:`delete_person`: the same person (id, timestamps, version), their needs, their links.

    One transaction: if anything fails, nothing is restored.

    Raises:
        ConflictError: a person with that id is in the journal again (undone twice).
    """
    stamp = now or datetime.now(UTC)
    pid = snapshot.person.id
    with service.database.session(write=True) as session:
        repo = Repository(session, stamp)
        person = snapshot.person
        if person.met_through_id is not None and not repo.exists(PERSON, person.met_through_id):
            person = dataclasses.replace(person, met_through_id=None)
        if repo.exists(PERSON, pid):
            raise ConflictError("This person is already in the journal again; there is nothing to undo.")
        act_ids = list(dict.fromkeys([a.id for a in snapshot.acts] + [a.id for a in snapshot.need_acts]))
        acts_now = {a.id: a for a in repo.get_many(ACT, act_ids)}
        needs = [
            dataclasses.replace(n, met_by_act_id=n.met_by_act_id if n.met_by_act_id in acts_now else None)
            for n in snapshot.needs
        ]
        # add_many keeps ids, timestamps and versions as they were (a plain add would start again at version 1).
        repo.add_many([[person], needs])
        restored_needs = {n.id for n in snapshot.needs}
        for act in {a.id: a for a in (*snapshot.need_acts, *snapshot.acts)}.values():
            current = acts_now.get(act.id)
            if current is None:
                continue
            meets = current.meets_need_id
            if meets is None and act.meets_need_id in restored_needs:
                meets = act.meets_need_id
            people = _relinked(act.people, current.people, pid) if pid in act.people else current.people
            if people != current.people or meets != current.meets_need_id:
                repo.update(dataclasses.replace(current, people=people, meets_need_id=meets))
        for spec, originals in (
            (COMMITMENT, snapshot.commitments),
            (INTERACTION, snapshot.interactions),
            (ENTRY, snapshot.entries),
        ):
            _relink_all(repo, cast(Spec[Any], spec), originals, pid)
        for reminder in snapshot.reminders:
            try:
                current_reminder = repo.get(REMINDER, reminder.id)
            except NotFoundError:
                continue
            if current_reminder.person_id is None:
                repo.update(dataclasses.replace(current_reminder, person_id=pid))
        for other_id in snapshot.introduced:
            try:
                other = repo.get(PERSON, other_id)
            except NotFoundError:
                continue
            if other.met_through_id is None:
                repo.update(dataclasses.replace(other, met_through_id=pid))
        restored = repo.get(PERSON, pid)
    log.info("restored a person with %d linked items", snapshot.item_count)
    return restored


def _relink_all(repo: Repository, spec: Spec[Any], originals: Sequence[Any], person_id: UUID) -> None:
    current_items = {item.id: item for item in repo.get_many(spec, [o.id for o in originals])}
    for original in originals:
        current = current_items.get(original.id)
        if current is None:
            continue
        people = _relinked(original.people, current.people, person_id)
        if people != current.people:
            repo.update(dataclasses.replace(current, people=people))
