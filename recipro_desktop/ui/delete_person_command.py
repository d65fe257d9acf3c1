"""Delete a person with undo: the undo brings back the person *and* their history.

Pushed on the window's :class:`QUndoStack` (Ctrl+Z). ``redo`` deletes through
:func:`services.person_ops.delete_person`, which first snapshots the person, their listening notes and every
link; ``undo`` restores that snapshot in one transaction (:func:`services.person_ops.restore_person`), so the
acts, promises, interactions and notes that named them name them again, with the same ids.

Both run on the database worker. The snapshot is stored *by the worker job itself* (not by a GUI callback), so
an undo queued right behind the delete still finds it: the single worker runs jobs in submission order.
The command's text never carries the name (it appears in Edit menus; G10 spirit).
"""

from __future__ import annotations

import logging
from uuid import UUID

from PySide6.QtGui import QUndoCommand

from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import ItemKind
from recipro_desktop.services import person_ops
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient

log = logging.getLogger(__name__)

PERSON_CHANGES = frozenset(ItemKind)
"""A person's delete touches every kind that can name them."""


class DeletePersonCommand(QUndoCommand):
    """Deletes one person on ``redo`` and restores them, links and all, on ``undo``."""

    def __init__(self, client: JournalClient, person_id: UUID, parent: QUndoCommand | None = None) -> None:
        super().__init__("Delete person", parent)
        self._client = client
        self._person_id = person_id
        self._snapshot: person_ops.PersonSnapshot | None = None

    @property
    def person_id(self) -> UUID:
        return self._person_id

    @property
    def snapshot(self) -> person_ops.PersonSnapshot | None:
        """What the last delete removed (None before it ran)."""
        return self._snapshot

    def redo(self) -> None:
        person_id = self._person_id

        def job(service: JournalService) -> None:
            self._snapshot = person_ops.delete_person(service, person_id)

        self._client.mutate(job, changes=PERSON_CHANGES, name="delete person")

    def undo(self) -> None:
        def job(service: JournalService) -> None:
            snapshot = self._snapshot
            if snapshot is None:
                raise NotFoundError("There is nothing to restore: the delete did not happen.")
            person_ops.restore_person(service, snapshot)

        self._client.mutate(job, changes=PERSON_CHANGES, name="restore person")
