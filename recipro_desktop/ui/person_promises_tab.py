"""The person page's *Promises* tab: what you promised them and what they promised you.

Keys in the list: **K** kept, **B** broken, **C** cancelled, **O** open again, Enter edits, Delete deletes.
"New promise…" opens the promise dialog with the person filled in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from recipro_desktop.core.models import Commitment, CommitmentStatus, ItemKind, Promiser
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.person_items_tab import PersonItemsTab, plain_label
from recipro_desktop.ui.person_promises_model import PersonPromisesModel


def promise_order(c: Commitment) -> tuple[bool, int, int]:
    """Open first (soonest due first, undated last), then the rest newest first."""
    if c.status is CommitmentStatus.OPEN:
        return (False, c.due_on.toordinal() if c.due_on else 10**7, 0)
    return (True, 0, -c.made_on.toordinal())


class PersonPromisesTab(PersonItemsTab):
    """Promises naming one person."""

    NOUN = "promise"
    SERVICE_NAME = "commitment"
    KINDS = frozenset({ItemKind.COMMITMENT})

    ALL, MINE, THEIRS = "all", Promiser.ME.value, Promiser.THEM.value

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(client, PersonPromisesModel(today=today), parent, undo_stack, today=today)
        self.setObjectName("promisesTab")
        self.table.setObjectName("promisesTable")
        self.table.setAccessibleName("Promises")
        self.who_combo = QComboBox(self)
        self.who_combo.setObjectName("whoCombo")
        self.who_combo.setAccessibleName("Show promises")
        self.who_combo.addItem("All promises", self.ALL)
        self.who_combo.addItem("Yours", self.MINE)
        self.who_combo.addItem("Theirs", self.THEIRS)
        self.who_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.counts_label = plain_label("", self, role="muted")
        self.add_button = QPushButton(icon("item-promise"), "&New promise…", self)
        self.add_button.clicked.connect(self.new_promise)
        self.controls.addWidget(self.who_combo)
        self.controls.addWidget(self.counts_label, 1)
        self.controls.addWidget(self.add_button)
        self.kept_action = self.add_table_action("Mark &kept", "K", lambda: self.set_status(CommitmentStatus.KEPT))
        self.broken_action = self.add_table_action(
            "Mark &broken", "B", lambda: self.set_status(CommitmentStatus.BROKEN)
        )
        self.cancelled_action = self.add_table_action(
            "Mark &cancelled", "C", lambda: self.set_status(CommitmentStatus.CANCELLED)
        )
        self.reopen_action = self.add_table_action("Re&open", "O", lambda: self.set_status(CommitmentStatus.OPEN))
        self.stretch_column(
            PersonPromisesModel.TEXT,
            {PersonPromisesModel.WHO: 140, PersonPromisesModel.DUE: 130, PersonPromisesModel.STATUS: 100},
        )
        self.update_actions()

    # --- PersonItemsTab ---------------------------------------------------------------------------------

    def fetch(self, service: JournalService, person_id: UUID) -> list[Any]:
        return sorted(service.commitments_for(person_id), key=promise_order)

    def accepts(self, item: Any) -> bool:
        wanted = self.who_combo.currentData()
        return bool(wanted in (self.ALL, item.promiser.value))

    def empty_text(self) -> str:
        if self.all_items():
            return "No promises here — choose “All promises” to see the others."
        return f"No promises with {self.first_name} yet.\nKeep track of what you said you'd do, and what they offered."

    def apply_filter(self) -> None:
        super().apply_filter()
        promises = self.all_items()
        open_ = sum(1 for c in promises if c.status is CommitmentStatus.OPEN)
        self.counts_label.setText(f"{open_} open of {len(promises)}" if promises else "")

    def open_editor(self, item: Any) -> None:
        from recipro_desktop.ui.commitment_dialog import CommitmentDialog

        self.open_dialog(CommitmentDialog(self._client, self, item))

    def extra_actions(self) -> list[QAction | None]:
        return [self.kept_action, self.broken_action, self.cancelled_action, self.reopen_action]

    def update_actions(self) -> None:
        super().update_actions()
        promise = self.current_item()
        status = promise.status if isinstance(promise, Commitment) else None
        is_open = status is CommitmentStatus.OPEN
        self.kept_action.setEnabled(is_open)
        self.broken_action.setEnabled(is_open)
        self.cancelled_action.setEnabled(is_open)
        self.reopen_action.setEnabled(status is not None and not is_open)

    # --- actions ----------------------------------------------------------------------------------------

    def new_promise(self) -> None:
        if self.person_id is None:
            return
        from recipro_desktop.ui.commitment_dialog import CommitmentDialog

        self.open_dialog(CommitmentDialog(self._client, self, people=(self.person_id,)))

    def set_status(self, status: CommitmentStatus) -> None:
        promise = self.current_item()
        if isinstance(promise, Commitment) and promise.status is not status:
            self.save(dataclasses.replace(promise, status=status), name="promise status")
