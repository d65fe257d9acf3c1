"""The person page's *Notes* tab: journal entries that name them, and a box to write one.

The box takes several lines; Ctrl+Enter (or "Add note") stores it as a journal entry dated today that names the
person. Enter in the list edits a note in the entry dialog; Delete deletes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import ItemKind, JournalEntry
from recipro_desktop.core.validation import validate_entry
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.person_items_tab import PersonItemsTab, plain_label
from recipro_desktop.ui.person_notes_model import PersonNotesModel


class PersonNotesTab(PersonItemsTab):
    """Journal entries naming one person, newest first, with an "add a note" box."""

    NOUN = "note"
    SERVICE_NAME = "entry"
    KINDS = frozenset({ItemKind.ENTRY})

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(client, PersonNotesModel(today=today), parent, undo_stack, today=today)
        self.setObjectName("notesTab")
        self.table.setObjectName("notesTable")
        self.table.setAccessibleName("Notes")
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setAccessibleName("New note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.add_button = QPushButton(icon("item-note"), "&Add note", self)
        self.add_button.setToolTip("Add note (Ctrl+Enter)")
        self.add_button.clicked.connect(self.add_note)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.note_edit)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.add_note)
        self.add_error = plain_label("", self, role="error")
        self.add_error.hide()
        box = QVBoxLayout()
        box.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)
        box.addLayout(row)
        box.addWidget(self.add_error)
        self.controls.addLayout(box)
        self.stretch_column(PersonNotesModel.TEXT, {PersonNotesModel.DATE: 100, PersonNotesModel.PROMPT: 110})
        self.update_actions()

    def set_person(self, person_id: UUID, first_name: str) -> None:
        if person_id != self.person_id:
            self.note_edit.clear()
            self.add_error.hide()
        super().set_person(person_id, first_name)
        self.note_edit.setPlaceholderText(f"Write a note about {self.first_name}… (Ctrl+Enter adds it)")

    # --- PersonItemsTab ---------------------------------------------------------------------------------

    def fetch(self, service: JournalService, person_id: UUID) -> list[Any]:
        return list(service.entries_for(person_id))

    def empty_text(self) -> str:
        return (
            f"No notes about {self.first_name} yet.\n"
            "Write down what you talked about, what you're grateful for, what to remember."
        )

    def open_editor(self, item: Any) -> None:
        from recipro_desktop.ui.entry_dialog import EntryDialog

        self.open_dialog(EntryDialog(self._client, self, item))

    # --- adding -----------------------------------------------------------------------------------------

    def add_note(self) -> None:
        """Store the box's text as a journal entry about this person, dated today."""
        person_id = self.person_id
        text = self.note_edit.toPlainText().strip()
        if person_id is None or not text:
            return
        entry = JournalEntry(written_on=self._today(), text=text, people=(person_id,))
        try:
            validate_entry(entry)
        except ValidationError as err:
            self._show_add_error(str(err))
            return
        self.add_error.hide()
        self.add_button.setEnabled(False)
        self._client.mutate(
            lambda s: s.add_entry(entry),
            self._added,
            changes=self.KINDS,
            name="add note",
            on_error=self._add_failed,
        )

    def _added(self, entry: JournalEntry) -> None:
        self.add_button.setEnabled(True)
        self.note_edit.clear()
        self._all = [entry, *self._all]
        self.apply_filter()
        self.select(entry.id)

    def _add_failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        self._show_add_error(user_message(exc))

    def _show_add_error(self, message: str) -> None:
        self.add_error.setText(message)
        self.add_error.show()
