"""The Gratitude page: help you received and have not thanked yet, and the thanks you sent.

Left, **waiting for your thanks**: received acts not yet thanked (nor marked "no thanks needed"), oldest first —
the longest wait is the most awkward to leave longer — each with how long ago it was ("12 days ago"). One click
(or Enter) opens the small *mark thanked* dialog (how, when — today by default); *Draft a thank-you* opens the
same dialog with a warm, editable note to copy into an email or message; *Not needed* is for help that does not
call for a thank-you. Right, **thanks sent**: recently thanked acts, newest first.

Every change is stored with ``update_act(replace(act, thanked_on=..., thanked_how=...))`` through the client,
and can be undone from the message bar that confirms it. Lists are computed in the background
(:mod:`recipro_desktop.services.boards`) and refreshed when acts or people change.
"""

from __future__ import annotations

import logging
from dataclasses import replace
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
from recipro_desktop.core.models import Act, ItemKind
from recipro_desktop.services import boards
from recipro_desktop.services.boards import ThanksCard
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.gratitude_delegate import GratitudeDelegate
from recipro_desktop.ui.gratitude_model import ThanksList, ThanksModel
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.thank_dialog import ThankDialog

log = logging.getLogger(__name__)

SHOWN_KINDS = frozenset({ItemKind.ACT, ItemKind.PERSON})
SENT_LIMIT = 50


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

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("gratitudeSplitter")
        self.splitter.addWidget(owed_panel)
        self.splitter.addWidget(sent_panel)
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

        def load(service: JournalService) -> tuple[list[ThanksCard], list[ThanksCard]]:
            return boards.thanks_owed_board(service), boards.thanks_sent(service, limit=SENT_LIMIT)

        self._client.query(load, self._on_loaded, name="gratitude-lists", on_error=self._on_load_failed)

    def _on_loaded(self, lists: tuple[list[ThanksCard], list[ThanksCard]]) -> None:
        self._loading = False
        owed, sent = lists
        today = self._clock.today()
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

    def _open_owed_person(self) -> None:
        card = self.current_card()
        if card is not None and card.act.people:
            self.person_requested.emit(card.act.people[0])

    def _open_sent_person(self, index: QModelIndex) -> None:
        card = self.sent_model.card(index.row())
        if card is not None and card.act.people:
            self.person_requested.emit(card.act.people[0])
