"""Today's gratitude or reflection question, with a box to answer it into the journal.

"Save to journal" (or Ctrl+Enter in the box) stores a :class:`JournalEntry` with the answer, the kind of prompt
and the question itself, plus the people picked with the name completer (optional). "Another question" steps
through the prompt rotation for the rest of the day; "Edit prompts…" opens :class:`PromptsDialog` (the card
asks its owner to reload afterwards through :attr:`TodayPromptCard.prompts_edited`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import ItemKind, JournalEntry, PromptKind
from recipro_desktop.core.validation import validate_entry
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.item_dialog import PENDING_NAME
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.people_edit import PeopleEdit
from recipro_desktop.ui.prompts_dialog import PromptsDialog
from recipro_desktop.ui.today_section import TodayCard, muted_label

log = logging.getLogger(__name__)

KIND_TITLES = {PromptKind.GRATITUDE: "A moment of gratitude", PromptKind.REFLECTION: "A moment to reflect"}


class TodayPromptCard(TodayCard):
    """The prompt section of Today.

    Signals:
        entry_saved(object): the stored :class:`JournalEntry`.
        another_requested(): the user wants a different question today.
        prompts_edited(): the prompt lists were changed in :class:`PromptsDialog`.
    """

    entry_saved = Signal(object)
    another_requested = Signal()
    prompts_edited = Signal()

    def __init__(self, client: JournalClient, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._clock = clock
        self._kind = PromptKind.GRATITUDE
        self._prompt = ""
        self._saving = False
        self.setObjectName("promptSection")
        self.setAccessibleName("Today's question")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        self.kind_label = muted_label("", self, wrap=False)
        self.kind_label.setObjectName("kindLabel")
        layout.addWidget(self.kind_label)
        self.question_label = QLabel(self)
        self.question_label.setObjectName("questionLabel")
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.question_label.setWordWrap(True)
        font = self.question_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.question_label.setFont(font)
        layout.addWidget(self.question_label)

        self.answer_edit = QPlainTextEdit(self)
        self.answer_edit.setObjectName("answerEdit")
        self.answer_edit.setPlaceholderText("Write a few lines… (Ctrl+Enter saves)")
        self.answer_edit.setAccessibleName("Your answer")
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.setFixedHeight(96)
        layout.addWidget(self.answer_edit)
        self.people_edit = PeopleEdit(client, self, placeholder="Who is it about? (optional)")
        self.people_edit.line_edit.setAccessibleName("People this answer is about")
        layout.addWidget(self.people_edit)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save to journal", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName("Save to journal")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        self.status_label = muted_label("", self, wrap=False)
        self.status_label.setObjectName("statusLabel")
        buttons.addWidget(self.status_label)
        buttons.addStretch(1)
        self.another_button = QPushButton("Another &question", self)
        self.another_button.setObjectName("anotherButton")
        self.another_button.setFlat(True)
        self.another_button.clicked.connect(self.another_requested)
        buttons.addWidget(self.another_button)
        self.edit_button = QPushButton("&Edit prompts…", self)
        self.edit_button.setObjectName("editPromptsButton")
        self.edit_button.setFlat(True)
        self.edit_button.clicked.connect(self.edit_prompts)
        buttons.addWidget(self.edit_button)
        layout.addLayout(buttons)

        for keys in (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")):
            shortcut = QShortcut(keys, self.answer_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.save)
        self.set_prompt(None, "")

    # --- public API -----------------------------------------------------------------------------------------

    @property
    def prompt_kind(self) -> PromptKind:
        return self._kind

    @property
    def prompt(self) -> str:
        return self._prompt

    def set_prompt(self, kind: PromptKind | None, text: str) -> None:
        """Show a question (``kind`` None: there are no prompts; the card invites editing them)."""
        has = kind is not None and bool(text)
        self._kind = kind or PromptKind.NONE
        self._prompt = text if has else ""
        self.kind_label.setText(KIND_TITLES.get(self._kind, "Today's question"))
        self.question_label.setText(text if has else "There are no questions in your prompt lists yet.")
        for w in (self.answer_edit, self.people_edit, self.save_button, self.another_button):
            w.setVisible(has)

    @Slot()
    def save(self) -> None:
        if self._saving or not self._prompt:
            return
        self.error_label.hide()
        self.status_label.clear()
        if self.people_edit.pending_text():
            self._error(PENDING_NAME)
            return
        entry = JournalEntry(
            written_on=self._clock.today(),
            text=self.answer_edit.toPlainText().strip(),
            people=self.people_edit.person_ids(),
            prompt_kind=self._kind,
            prompt=self._prompt,
        )
        try:
            validate_entry(entry)
        except ValidationError as exc:
            self._error("Write an answer first." if exc.field == "text" else str(exc))
            self.answer_edit.setFocus()
            return
        new_people = self.people_edit.new_people()

        def store(s: JournalService) -> JournalEntry:
            if new_people:
                s.add_many(people=new_people, entries=[entry])
                return s.get_entry(entry.id)
            return s.add_entry(entry)

        self._saving = True
        self.save_button.setEnabled(False)
        changes = {ItemKind.ENTRY} | ({ItemKind.PERSON} if new_people else set())
        self._client.mutate(store, self._saved, changes=changes, name="today-prompt-save", on_error=self._failed)

    @Slot()
    def edit_prompts(self) -> None:
        dialog = PromptsDialog(self._client, self.window())
        if dialog.exec():
            self.prompts_edited.emit()

    # --- internals ------------------------------------------------------------------------------------------

    def _saved(self, entry: JournalEntry) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.answer_edit.clear()
        self.people_edit.clear()
        self.status_label.setText("Saved to your journal.")
        log.debug("prompt answer saved: %s", entry.id)
        self.entry_saved.emit(entry)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._error(user_message(exc))

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
