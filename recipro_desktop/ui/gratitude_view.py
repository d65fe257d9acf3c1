"""The Gratitude page: help you received and have not thanked yet, and the thanks you sent.

Left, **waiting for your thanks**: received acts not yet thanked (nor marked "no thanks needed"), oldest first —
the longest wait is the most awkward to leave longer — each with how long ago it was ("12 days ago"). One click
(or Enter) opens the small *mark thanked* dialog (how, when — today by default); *Draft a thank-you* opens the
same dialog with a warm, editable note to copy into an email or message; *Not needed* is for help that does not
call for a thank-you. Right, **thanks sent**: recently thanked acts, newest first; below it the **gratitude
journal**: today's gratitude question (rotating daily through the editable list in settings, as on Today) with
*Write…* (the entry dialog, when installed) and the newest entries that answered one.

Every change is stored with ``update_act(replace(act, thanked_on=..., thanked_how=...))`` through the client,
and can be undone from the message bar that confirms it. Lists are computed in the background
(:mod:`recipro_desktop.services.boards`) and refreshed when acts or people change.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import replace
from typing import Any, NamedTuple
from uuid import UUID

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import Act, ItemKind, PromptKind
from recipro_desktop.services import boards
from recipro_desktop.services.boards import EntryCard, ThanksCard
from recipro_desktop.services.journal import JournalService
from recipro_desktop.services.today import DailyPrompt, prompt_for_day
from recipro_desktop.ui.gratitude_delegate import GratitudeDelegate
from recipro_desktop.ui.gratitude_entries_model import GratitudeEntriesModel
from recipro_desktop.ui.gratitude_model import ThanksList, ThanksModel
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.thank_dialog import ThankDialog

log = logging.getLogger(__name__)

SHOWN_KINDS = frozenset({ItemKind.ACT, ItemKind.PERSON, ItemKind.ENTRY})
SENT_LIMIT = 50
ENTRIES_LIMIT = 30
ENTRY_DIALOG = ("recipro_desktop.ui.entry_dialog", "EntryDialog")
PROMPTS_DIALOG = ("recipro_desktop.ui.prompts_dialog", "PromptsDialog")


class _Lists(NamedTuple):
    owed: list[ThanksCard]
    sent: list[ThanksCard]
    entries: list[EntryCard]
    prompts: tuple[str, ...]


def _optional_class(spec: tuple[str, str]) -> Any | None:
    """A dialog class from another part of the window, or None when it is not in this build."""
    try:
        return getattr(importlib.import_module(spec[0]), spec[1], None)
    except ImportError:
        return None


def _section_title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.1)
    font.setBold(True)
    label.setFont(font)
    return label


def _empty_label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setProperty("role", "muted")
    label.setMargin(24)
    return label


def _list(name: str, accessible: str, parent: QWidget) -> QListView:
    view = QListView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setMouseTracking(True)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(GratitudeDelegate(view))
    return view


class GratitudeView(QWidget):
    """The Gratitude page (see the module docstring).

    Signals:
        person_requested(object): the user asked to open a person (their UUID).
    """

    person_requested = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._clock: Clock = clock or SystemClock()
        self._loading = False
        self._pending_refresh = False
        self._undo: Act | None = None
        self._prompt: DailyPrompt | None = None
        self._editor: Any = None
        self.thank_dialog: ThankDialog | None = None
        self.setObjectName("gratitudeView")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        heading = QLabel("Gratitude", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setProperty("role", "muted")
        layout.addWidget(self.summary_label)

        self.message_bar = QFrame(self)
        self.message_bar.setObjectName("messageBar")
        bar = QHBoxLayout(self.message_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.message_label = QLabel(self.message_bar)
        self.message_label.setObjectName("messageLabel")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton("&Undo", self.message_bar)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.clicked.connect(self.undo)
        bar.addWidget(self.message_label, 1)
        bar.addWidget(self.undo_button)
        self.message_bar.setVisible(False)

        # Left: waiting for your thanks.
        owed_panel = QWidget(self)
        owed_box = QVBoxLayout(owed_panel)
        owed_box.setContentsMargins(0, 0, 8, 0)
        self.owed_title = _section_title("Waiting for your thanks", owed_panel)
        owed_box.addWidget(self.owed_title)
        self.owed_model = ThanksModel(ThanksList.OWED, self)
        self.owed_list = _list("owedList", "Thank-yous owed", owed_panel)
        self.owed_list.setModel(self.owed_model)
        self.owed_list.activated.connect(lambda _index: self.mark_thanked())
        self.owed_empty = _empty_label("owedEmptyLabel", owed_panel)
        self.owed_empty.setText(
            "All caught up — nobody is waiting for a thank-you. When someone helps you, log it (Ctrl+N) "
            "and it waits here until you have thanked them."
        )
        self.owed_stack = QStackedWidget(owed_panel)
        self.owed_stack.addWidget(self.owed_list)
        self.owed_stack.addWidget(self.owed_empty)
        owed_box.addWidget(self.owed_stack, 1)

        actions = QHBoxLayout()
        self.thanked_button = QPushButton("Mark &thanked…", owed_panel)
        self.thanked_button.setObjectName("thankedButton")
        self.thanked_button.setToolTip("Record how and when you said thank you (Enter)")
        self.thanked_button.clicked.connect(self.mark_thanked)
        self.draft_button = QPushButton("&Draft a thank-you…", owed_panel)
        self.draft_button.setObjectName("draftButton")
        self.draft_button.setToolTip("Write a thank-you note to copy into an email or message")
        self.draft_button.clicked.connect(self.draft_note)
        self.not_needed_button = QPushButton("&Not needed", owed_panel)
        self.not_needed_button.setObjectName("notNeededButton")
        self.not_needed_button.setToolTip("This help does not call for a thank-you")
        self.not_needed_button.clicked.connect(self.not_needed)
        self.person_button = QPushButton("Open &person", owed_panel)
        self.person_button.setObjectName("personButton")
        self.person_button.clicked.connect(self._open_owed_person)
        for button in (self.thanked_button, self.draft_button, self.not_needed_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.person_button)
        owed_box.addLayout(actions)

        # Right: thanks sent.
        sent_panel = QWidget(self)
        sent_box = QVBoxLayout(sent_panel)
        sent_box.setContentsMargins(8, 0, 0, 0)
        sent_box.addWidget(_section_title("Thanks sent", sent_panel))
        self.sent_model = ThanksModel(ThanksList.SENT, self)
        self.sent_list = _list("sentList", "Thanks sent", sent_panel)
        self.sent_list.setModel(self.sent_model)
        self.sent_list.activated.connect(self._open_sent_person)
        self.sent_empty = _empty_label("sentEmptyLabel", sent_panel)
        self.sent_empty.setText("The thank-yous you record show here, newest first.")
        self.sent_stack = QStackedWidget(sent_panel)
        self.sent_stack.addWidget(self.sent_list)
        self.sent_stack.addWidget(self.sent_empty)
        sent_box.addWidget(self.sent_stack, 1)

        journal_panel = QWidget(self)
        journal_box = QVBoxLayout(journal_panel)
        journal_box.setContentsMargins(8, 8, 0, 0)
        journal_head = QHBoxLayout()
        journal_head.addWidget(_section_title("Gratitude journal", journal_panel), 1)
        self.write_button = QPushButton("&Write…", journal_panel)
        self.write_button.setObjectName("writeButton")
        self.write_button.setToolTip("Answer today's question in your journal")
        self.write_button.clicked.connect(self.write_entry)
        self.prompts_button = QPushButton("Edit &questions…", journal_panel)
        self.prompts_button.setObjectName("promptsButton")
        self.prompts_button.clicked.connect(self.edit_prompts)
        journal_head.addWidget(self.write_button)
        journal_head.addWidget(self.prompts_button)
        journal_box.addLayout(journal_head)
        self.prompt_label = QLabel(journal_panel)
        self.prompt_label.setObjectName("promptLabel")
        self.prompt_label.setTextFormat(Qt.TextFormat.PlainText)  # the prompts are user-editable text (G4)
        self.prompt_label.setWordWrap(True)
        prompt_font = self.prompt_label.font()
        prompt_font.setItalic(True)
        self.prompt_label.setFont(prompt_font)
        journal_box.addWidget(self.prompt_label)
        self.entries_model = GratitudeEntriesModel(self)
        self.entries_list = _list("entriesList", "Gratitude journal", journal_panel)
        self.entries_list.setModel(self.entries_model)
        self.entries_list.activated.connect(self._open_entry)
        self.entries_empty = _empty_label("entriesEmptyLabel", journal_panel)
        self.entries_empty.setText("Nothing written yet — answer today's question with Write….")
        self.entries_stack = QStackedWidget(journal_panel)
        self.entries_stack.addWidget(self.entries_list)
        self.entries_stack.addWidget(self.entries_empty)
        journal_box.addWidget(self.entries_stack, 1)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("gratitudeRightSplitter")
        self.right_splitter.addWidget(sent_panel)
        self.right_splitter.addWidget(journal_panel)
        self.right_splitter.setChildrenCollapsible(False)
        self.right_splitter.setSizes([400, 300])

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("gratitudeSplitter")
        self.splitter.addWidget(owed_panel)
        self.splitter.addWidget(self.right_splitter)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 460])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message_bar)

        self.owed_list.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_actions())
        client.journal_changed.connect(self._on_journal_changed)
        self.setTabOrder(self.owed_list, self.thanked_button)
        self.setTabOrder(self.thanked_button, self.draft_button)
        self.setTabOrder(self.draft_button, self.not_needed_button)
        self.setTabOrder(self.not_needed_button, self.person_button)
        self.setTabOrder(self.person_button, self.sent_list)
        self.setTabOrder(self.sent_list, self.write_button)
        self.setTabOrder(self.write_button, self.prompts_button)
        self.setTabOrder(self.prompts_button, self.entries_list)
        self.setFocusProxy(self.owed_list)
        self._update_actions()
        self.refresh()

    # --- loading -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload both lists in the background."""
        if self._loading:
            self._pending_refresh = True
            return
        self._loading = True

        def load(service: JournalService) -> _Lists:
            prompts = service.get_setting("gratitude_prompts")
            return _Lists(
                owed=boards.thanks_owed_board(service),
                sent=boards.thanks_sent(service, limit=SENT_LIMIT),
                entries=boards.gratitude_journal(service, limit=ENTRIES_LIMIT),
                prompts=tuple(p for p in prompts if isinstance(p, str)) if isinstance(prompts, list | tuple) else (),
            )

        self._client.query(load, self._on_loaded, name="gratitude-lists", on_error=self._on_load_failed)

    def _on_loaded(self, lists: _Lists) -> None:
        self._loading = False
        owed, sent = lists.owed, lists.sent
        today = self._clock.today()
        self.entries_model.set_cards(lists.entries, today)
        self.entries_stack.setCurrentWidget(self.entries_list if lists.entries else self.entries_empty)
        self._prompt = prompt_for_day(today, lists.prompts, ())
        self.prompt_label.setText(self._prompt.text if self._prompt else "")
        self.prompt_label.setVisible(self._prompt is not None)
        keep = self.current_card()
        row = self.owed_list.currentIndex().row()
        self.owed_model.set_cards(owed, today)
        self.sent_model.set_cards(sent, today)
        self._restore_selection(keep.act.id if keep else None, row)
        self.owed_stack.setCurrentWidget(self.owed_list if owed else self.owed_empty)
        self.sent_stack.setCurrentWidget(self.sent_list if sent else self.sent_empty)
        self.owed_title.setText(f"Waiting for your thanks ({len(owed)})" if owed else "Waiting for your thanks")
        if owed:
            oldest = boards.age_words(owed[0].act.occurred_on, today)
            self.summary_label.setText(
                f"{len(owed)} thank-yous to say — the oldest is for help from {oldest}."
                if len(owed) > 1
                else f"One thank-you to say — for help you received {oldest}."
            )
        else:
            self.summary_label.setText("You're all caught up on thank-yous.")
        self._update_actions()
        if self._pending_refresh:
            self._pending_refresh = False
            self.refresh()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.summary_label.setText(f"The lists could not be read: {user_message(exc)}")

    def _on_journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        if kinds & SHOWN_KINDS:
            self.refresh()

    def _restore_selection(self, act_id: UUID | None, row: int) -> None:
        count = self.owed_model.rowCount()
        if count == 0:
            return
        found = self.owed_model.row_of(act_id) if act_id is not None else -1
        target = found if found >= 0 else min(max(row, 0), count - 1)
        self.owed_list.selectionModel().setCurrentIndex(
            self.owed_model.index(target), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _update_actions(self) -> None:
        has = self.current_card() is not None
        for button in (self.thanked_button, self.draft_button, self.not_needed_button, self.person_button):
            button.setEnabled(has)

    # --- actions -------------------------------------------------------------------------------------------

    def current_card(self) -> ThanksCard | None:
        index = self.owed_list.currentIndex()
        return self.owed_model.card(index.row()) if index.isValid() else None

    def mark_thanked(self) -> None:
        """Open the *mark thanked* dialog for the selected act (how, when)."""
        self._open_dialog(draft=False)

    def draft_note(self) -> None:
        """Open the thank-you draft for the selected act (copy to clipboard; saving records the thanks)."""
        self._open_dialog(draft=True)

    def _open_dialog(self, *, draft: bool) -> None:
        card = self.current_card()
        if card is None or self.thank_dialog is not None:
            return
        dialog = ThankDialog(self._client, self, card.act, card.names, draft=draft, clock=self._clock)
        dialog.thanks_saved.connect(lambda act, before=card.act: self._after_change(before, "Marked as thanked."))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.thank_dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ThankDialog) -> None:
        if self.thank_dialog is dialog:
            self.thank_dialog = None
        dialog.deleteLater()
        self.owed_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def not_needed(self) -> None:
        """Mark the selected act as not needing a thank-you (it leaves the list; undo brings it back)."""
        card = self.current_card()
        if card is None:
            return
        before = card.act
        updated = replace(before, thanks_not_needed=True)

        def store(service: JournalService) -> Act:
            return service.update_act(updated)

        def done(_act: Act) -> None:
            self._after_change(before, "Marked as not needing a thank-you.")

        self._client.mutate(
            store,
            done,
            changes={ItemKind.ACT},
            name="act-thanks-not-needed",
            on_error=self._on_failed,
        )

    def _after_change(self, before: Act, message: str) -> None:
        self._undo = before
        self.message_label.setProperty("role", "")
        self.message_label.setText(message)
        self.undo_button.setVisible(True)
        self.message_bar.setVisible(True)

    def undo(self) -> None:
        """Put the thanked/not-needed state of the last changed act back as it was."""
        before = self._undo
        if before is None:
            return
        self._undo = None

        def restore(service: JournalService) -> Act:
            current = service.get_act(before.id)
            return service.update_act(
                replace(
                    current,
                    thanked_on=before.thanked_on,
                    thanked_how=before.thanked_how,
                    thanks_not_needed=before.thanks_not_needed,
                )
            )

        self._client.mutate(
            restore,
            self._after_undo,
            changes={ItemKind.ACT},
            name="act-thanks-undo",
            on_error=self._on_failed,
        )

    def _after_undo(self, _act: Act) -> None:
        self.message_bar.setVisible(False)

    def _on_failed(self, exc: BaseException) -> None:
        self.message_label.setText(user_message(exc))
        self.undo_button.setVisible(False)
        self.message_bar.setVisible(True)
        self.refresh()

    # --- the gratitude journal ---------------------------------------------------------------------------

    def write_entry(self) -> None:
        """Answer today's gratitude question in a new journal entry (the entry dialog saves it)."""
        dialog_class = _optional_class(ENTRY_DIALOG)
        if dialog_class is None:
            return
        prompt = self._prompt.text if self._prompt else ""
        self._show_editor(dialog_class(self._client, self, None, prompt_kind=PromptKind.GRATITUDE, prompt=prompt))

    def edit_prompts(self) -> None:
        """Edit the list of gratitude (and reflection) questions."""
        dialog_class = _optional_class(PROMPTS_DIALOG)
        if dialog_class is not None:
            self._show_editor(dialog_class(self._client, self))
            self.refresh()

    def _open_entry(self, index: QModelIndex) -> None:
        card = self.entries_model.card(index.row())
        dialog_class = _optional_class(ENTRY_DIALOG)
        if card is None:
            return
        if dialog_class is not None:
            self._show_editor(dialog_class(self._client, self, card.entry))
        elif card.entry.people:
            self.person_requested.emit(card.entry.people[0])

    def _show_editor(self, dialog: Any) -> None:
        # The previous dialog is deleted only now: its background queries may still be answering.
        if self._editor is not None:
            self._editor.deleteLater()
        self._editor = dialog
        dialog.exec()

    def _open_owed_person(self) -> None:
        card = self.current_card()
        if card is not None and card.act.people:
            self.person_requested.emit(card.act.people[0])

    def _open_sent_person(self, index: QModelIndex) -> None:
        card = self.sent_model.card(index.row())
        if card is not None and card.act.people:
            self.person_requested.emit(card.act.people[0])
