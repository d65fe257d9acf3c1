"""The person page's *Acts* tab: everything given and received with them, filterable by direction.

Keys in the list: Enter edits, **T** marks a received act thanked today, **N** "no thanks needed", Delete
deletes. "Log an act…" opens the act dialog with the person already filled in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from recipro_desktop.core.models import Act, Direction, ItemKind
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.person_acts_model import PersonActsModel
from recipro_desktop.ui.person_items_tab import PersonItemsTab, plain_label


class PersonActsTab(PersonItemsTab):
    """Acts naming one person, newest first."""

    NOUN = "act"
    SERVICE_NAME = "act"
    KINDS = frozenset({ItemKind.ACT, ItemKind.NEED, ItemKind.COMMITMENT})

    ALL, GIVEN, RECEIVED = "all", Direction.GIVEN.value, Direction.RECEIVED.value

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(client, PersonActsModel(today=today), parent, undo_stack, today=today)
        self.setObjectName("actsTab")
        self.table.setObjectName("actsTable")
        self.table.setAccessibleName("Acts")
        self.direction_combo = QComboBox(self)
        self.direction_combo.setObjectName("directionCombo")
        self.direction_combo.setAccessibleName("Show acts")
        self.direction_combo.addItem("All acts", self.ALL)
        self.direction_combo.addItem(icon("item-act-given"), "Given", self.GIVEN)
        self.direction_combo.addItem(icon("item-act-received"), "Received", self.RECEIVED)
        self.direction_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.counts_label = plain_label("", self, role="muted")
        self.add_button = QPushButton(icon("item-act-given"), "&Log an act…", self)
        self.add_button.clicked.connect(self.new_act)
        self.controls.addWidget(self.direction_combo)
        self.controls.addWidget(self.counts_label, 1)
        self.controls.addWidget(self.add_button)
        self.thanked_action = self.add_table_action("Mark &thanked today", "T", self.mark_thanked)
        self.not_needed_action = self.add_table_action("&No thanks needed", "N", self.mark_not_needed)
        self.stretch_column(
            PersonActsModel.SUMMARY,
            {
                PersonActsModel.DATE: 100,
                PersonActsModel.DIRECTION: 110,
                PersonActsModel.KIND: 150,
                PersonActsModel.THANKS: 170,
            },
        )
        self.update_actions()

    # --- PersonItemsTab ---------------------------------------------------------------------------------

    def fetch(self, service: JournalService, person_id: UUID) -> list[Any]:
        return list(service.acts_for(person_id))

    def accepts(self, item: Any) -> bool:
        wanted = self.direction_combo.currentData()
        return bool(wanted in (self.ALL, item.direction.value))

    def empty_text(self) -> str:
        if self.all_items():
            return "No acts in this direction — choose “All acts” to see the others."
        return f"No acts with {self.first_name} yet.\nLog a favour, an introduction or advice, given or received."

    def apply_filter(self) -> None:
        super().apply_filter()
        acts = self.all_items()
        given = sum(1 for a in acts if a.direction is Direction.GIVEN)
        received = len(acts) - given
        self.counts_label.setText(f"{given} given · {received} received" if acts else "")

    def open_editor(self, item: Any) -> None:
        from recipro_desktop.ui.act_dialog import ActDialog

        self.open_dialog(ActDialog(self._client, self, item))

    def extra_actions(self) -> list[QAction | None]:
        return [self.thanked_action, self.not_needed_action]

    def update_actions(self) -> None:
        super().update_actions()
        act = self.current_item()
        open_thanks = (
            isinstance(act, Act)
            and act.direction is Direction.RECEIVED
            and act.thanked_on is None
            and not act.thanks_not_needed
        )
        self.thanked_action.setEnabled(open_thanks)
        self.not_needed_action.setEnabled(open_thanks)

    # --- actions ----------------------------------------------------------------------------------------

    def new_act(self) -> None:
        """The act dialog for a new act with this person."""
        if self.person_id is None:
            return
        from recipro_desktop.ui.act_dialog import ActDialog

        self.open_dialog(ActDialog(self._client, self, people=(self.person_id,)))

    def mark_thanked(self) -> None:
        act = self.current_item()
        if isinstance(act, Act) and act.direction is Direction.RECEIVED:
            self.save(dataclasses.replace(act, thanked_on=self._today(), thanks_not_needed=False), name="thank act")

    def mark_not_needed(self) -> None:
        act = self.current_item()
        if isinstance(act, Act) and act.direction is Direction.RECEIVED:
            self.save(dataclasses.replace(act, thanks_not_needed=True), name="thanks not needed")
