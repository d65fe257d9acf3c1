"""Undoable edits: delete any item (and put it back exactly), or change one and change it back.

The window owns one :class:`QUndoStack` (Edit › Undo, Ctrl+Z); views push commands onto it::

    stack.push(DeleteItemCommand(client, act))           # deletes now; Ctrl+Z re-adds the same act
    stack.push(EditItemCommand(client, act, replace(act, thanked_on=today), "Mark thanked"))

Both run their database work through :meth:`JournalClient.mutate`, so on the single background worker and in
order: an undo pressed before the delete finished simply runs after it.

**Delete.** Redo records what the delete is about to unlink *in the same background job* (a snapshot), then
deletes. Undo re-adds the item through ``add_many``, which keeps its id, timestamps and version, so it is the
same object as before, and restores the links the delete cut:

- a person: their listening notes (deleted with them) come back; acts, promises, interactions and notes that
  named them name them again; their reminders point at them again;
- an act: the needs it met, the promises it fulfilled and the acts that returned it point at it again;
- a need: the acts that met it point at it again.

A link is only restored where it is still empty (an edit made meanwhile wins) and items deleted meanwhile are
skipped. Not restored: another person's "met through" pointing at a deleted person (there is no query for it).

**Edit.** Redo saves ``after`` and undo saves ``before``, each with the version the previous step produced, so
an edit made elsewhere in between is reported as a conflict instead of being overwritten (RELIABILITY C4).

Command texts name the kind only ("Delete act"): the Edit menu must not show note text or names.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from PySide6.QtGui import QUndoCommand

from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import (
    Act,
    Commitment,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Person,
    Reminder,
)
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import ALL_KINDS, JournalClient

log = logging.getLogger(__name__)

Item = Person | Act | Need | Commitment | Interaction | JournalEntry | Reminder

#: type → (service method suffix, add_many keyword, item kind, noun for the Edit menu)
_TYPES: dict[type, tuple[str, str, ItemKind, str]] = {
    Person: ("person", "people", ItemKind.PERSON, "person"),
    Act: ("act", "acts", ItemKind.ACT, "act"),
    Need: ("need", "needs", ItemKind.NEED, "listening note"),
    Commitment: ("commitment", "commitments", ItemKind.COMMITMENT, "promise"),
    Interaction: ("interaction", "interactions", ItemKind.INTERACTION, "interaction"),
    JournalEntry: ("entry", "entries", ItemKind.ENTRY, "note"),
    Reminder: ("reminder", "reminders", ItemKind.REMINDER, "reminder"),
}


def item_kind(item: object) -> ItemKind:
    """The :class:`ItemKind` of an entity dataclass."""
    return _TYPES[type(item)][2]


def item_noun(item: object) -> str:
    """How the UI names the kind of ``item`` ("act", "promise", "listening note")."""
    return _TYPES[type(item)][3]


def _changes(item: object) -> frozenset[ItemKind]:
    if isinstance(item, Person):
        return ALL_KINDS
    if isinstance(item, Act):
        return frozenset({ItemKind.ACT, ItemKind.NEED, ItemKind.COMMITMENT})
    if isinstance(item, Need):
        return frozenset({ItemKind.NEED, ItemKind.ACT})
    return frozenset({item_kind(item)})


@dataclass
class _Snapshot:
    """What a delete unlinked, as it was just before the delete."""

    needs: list[Need] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    entries: list[JournalEntry] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)


@dataclass
class _State:
    """Shared between the redo and undo jobs. Only the (single) worker thread reads or writes it."""

    deleted: bool = False
    snapshot: _Snapshot = field(default_factory=_Snapshot)


def _unique(items: Iterable[Any]) -> list[Any]:
    return list({i.id: i for i in items}.values())


def _snapshot(s: JournalService, item: Item) -> _Snapshot:
    snap = _Snapshot()
    if isinstance(item, Person):
        snap.needs = s.needs_for(item.id)
        snap.acts = s.acts_for(item.id)
        snap.commitments = s.commitments_for(item.id)
        snap.interactions = s.interactions_for(item.id)
        snap.entries = s.entries_for(item.id)
        snap.reminders = s.reminders_for(item.id)
    elif isinstance(item, Act):
        for person_id in item.people:
            snap.needs += [n for n in s.needs_for(person_id) if n.met_by_act_id == item.id]
            snap.acts += [a for a in s.acts_for(person_id) if a.in_return_for_id == item.id]
            snap.commitments += [c for c in s.commitments_for(person_id) if c.fulfilled_by_act_id == item.id]
        snap.needs, snap.acts, snap.commitments = _unique(snap.needs), _unique(snap.acts), _unique(snap.commitments)
    elif isinstance(item, Need):
        snap.acts = [a for a in s.acts_for(item.person_id) if a.meets_need_id == item.id]
    return snap


def _relink(s: JournalService, kind: str, before: Any, fix: Callable[[Any], dict[str, Any]]) -> None:
    """Re-read ``before``'s item and save it with the fields ``fix(current)`` returns (if any)."""
    try:
        current = getattr(s, f"get_{kind}")(before.id)
    except NotFoundError:
        return
    changes = fix(current)
    if changes:
        getattr(s, f"update_{kind}")(dataclasses.replace(current, **changes))


def _with_person(original: tuple[UUID, ...], current: tuple[UUID, ...], person_id: UUID) -> tuple[UUID, ...]:
    """``current`` with ``person_id`` back at its original place (others added meanwhile kept at the end)."""
    if person_id in current:
        return current
    restored = tuple(p for p in original if p == person_id or p in current)
    return restored + tuple(p for p in current if p not in restored)


def _restore(s: JournalService, item: Item, snap: _Snapshot) -> None:
    _, plural, _, _ = _TYPES[type(item)]
    if isinstance(item, Person):
        s.add_many(people=[item], needs=snap.needs)
        pid = item.id
        need_ids = {n.id for n in snap.needs}
        for act in snap.acts:

            def fix_act(cur: Act, old: Act = act) -> dict[str, Any]:
                out: dict[str, Any] = {}
                if pid not in cur.people:
                    out["people"] = _with_person(old.people, cur.people, pid)
                if cur.meets_need_id is None and old.meets_need_id in need_ids:
                    out["meets_need_id"] = old.meets_need_id
                return out

            _relink(s, "act", act, fix_act)
        linked: tuple[tuple[str, list[Any]], ...] = (
            ("commitment", snap.commitments),
            ("interaction", snap.interactions),
            ("entry", snap.entries),
        )
        for kind, olds in linked:
            for old in olds:

                def fix_people(cur: Any, o: Any = old) -> dict[str, Any]:
                    return {} if pid in cur.people else {"people": _with_person(o.people, cur.people, pid)}

                _relink(s, kind, old, fix_people)
        for reminder in snap.reminders:
            _relink(s, "reminder", reminder, lambda cur: {"person_id": pid} if cur.person_id is None else {})
        return
    add_many: Callable[..., None] = s.add_many
    add_many(**{plural: [item]})
    if isinstance(item, Act):
        aid = item.id
        for need in snap.needs:
            _relink(s, "need", need, lambda cur: {"met_by_act_id": aid} if cur.met_by_act_id is None else {})
        for act in snap.acts:
            _relink(s, "act", act, lambda cur: {"in_return_for_id": aid} if cur.in_return_for_id is None else {})
        for c in snap.commitments:
            _relink(
                s, "commitment", c, lambda cur: {"fulfilled_by_act_id": aid} if cur.fulfilled_by_act_id is None else {}
            )
    elif isinstance(item, Need):
        nid = item.id
        for act in snap.acts:
            _relink(s, "act", act, lambda cur: {"meets_need_id": nid} if cur.meets_need_id is None else {})


class DeleteItemCommand(QUndoCommand):
    """Delete ``item`` (any entity dataclass) on redo; put the very same item and its links back on undo."""

    def __init__(self, client: JournalClient, item: Item, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"Delete {item_noun(item)}", parent)
        self._client = client
        self._item = item
        self._state = _State()

    @property
    def item(self) -> Item:
        return self._item

    def redo(self) -> None:
        item, state = self._item, self._state
        kind = _TYPES[type(item)][0]

        def delete(s: JournalService) -> None:
            state.snapshot = _snapshot(s, item)
            getattr(s, f"delete_{kind}")(item.id)
            state.deleted = True

        self._client.mutate(delete, changes=_changes(item), name=f"delete-{kind}")

    def undo(self) -> None:
        item, state = self._item, self._state
        kind = _TYPES[type(item)][0]

        def restore(s: JournalService) -> None:
            if not state.deleted:  # the delete failed (already gone?): nothing to put back
                return
            _restore(s, item, state.snapshot)
            state.deleted = False

        self._client.mutate(restore, changes=_changes(item), name=f"undelete-{kind}")


class EditItemCommand(QUndoCommand):
    """Save ``after`` on redo and ``before`` on undo (same id), with optimistic version checks.

    ``before`` must be the item as last read (its ``version`` is the one expected in storage). ``on_saved`` is
    called on the GUI thread with the stored item after each step (e.g. to update a row without a reload).
    """

    def __init__(
        self,
        client: JournalClient,
        before: Item,
        after: Item,
        text: str,
        parent: QUndoCommand | None = None,
        *,
        on_saved: Callable[[Any], object] | None = None,
    ) -> None:
        if type(before) is not type(after) or before.id != after.id:
            raise ValueError("EditItemCommand needs two versions of the same item")
        super().__init__(text, parent)
        self._client = client
        self._before = before
        self._after = after
        self._on_saved = on_saved
        self._version = [before.version]  # read and written on the worker only

    def _save(self, target: Item) -> None:
        kind = _TYPES[type(target)][0]
        version = self._version

        def save(s: JournalService) -> Any:
            stored = getattr(s, f"update_{kind}")(dataclasses.replace(target, version=version[0]))
            version[0] = stored.version
            return stored

        self._client.mutate(save, self._on_saved, changes=_changes(target), name=f"edit-{kind}")

    def redo(self) -> None:
        self._save(self._after)

    def undo(self) -> None:
        self._save(self._before)
