"""The person page: the header (who, how you met, balance, warmth) and the tabs of everything with them.

Tabs: **Timeline** (everything naming them, newest first, fetched page by page), **Listening notes**, **Acts**,
**Promises**, **Notes**, **Details**. Only the visible tab loads; the others load when first shown, and again
after a change in a kind they show (``journal_changed``). The header reloads after any change, since the
derived figures (last in touch, balance, warmth) move with every act, interaction and note.

Keys: Ctrl+E edits the person, Ctrl+L jumps to "add a listening note", Ctrl+Tab / Ctrl+PgDn move between tabs;
"More" holds archive, delete (undoable when the window gave its undo stack) and the "new …" actions.
The page never sets a window title (RELIABILITY G10).
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import ItemKind, Person, TimelineFilter
from recipro_desktop.core.summaries import PersonSummary
from recipro_desktop.core.text import first_name
from recipro_desktop.services import person_ops
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.delete_person_command import PERSON_CHANGES, DeletePersonCommand
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.listening_notes_tab import ListeningNotesTab
from recipro_desktop.ui.person_acts_tab import PersonActsTab
from recipro_desktop.ui.person_details_tab import PersonDetailsTab
from recipro_desktop.ui.person_dialog import PersonDialog
from recipro_desktop.ui.person_header import PersonHeader
from recipro_desktop.ui.person_items_tab import PersonItemsTab
from recipro_desktop.ui.person_notes_tab import PersonNotesTab
from recipro_desktop.ui.person_promises_tab import PersonPromisesTab
from recipro_desktop.ui.task_runner import Task
from recipro_desktop.ui.timeline_model import TimelineModel
from recipro_desktop.ui.timeline_view import EDITORS, editor_class, make_timeline_table

log = logging.getLogger(__name__)


class PersonPage(QWidget):
    """One person, everything with them (see the module docstring).

    Signals:
        person_requested(object): another person was opened from this page ("met through"), their UUID.
        person_deleted(object): this person was deleted from the page (the window may go back to People).
    """

    person_requested = Signal(object)
    person_deleted = Signal(object)

    TIMELINE, NEEDS, ACTS, PROMISES, NOTES, DETAILS = range(6)

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("personPage")
        self._client = client
        self._undo_stack = undo_stack
        self._clock: Clock = clock or SystemClock()
        today = self._clock.today
        self._person_id: UUID | None = None
        self._summary: PersonSummary | None = None
        self._task: Task | None = None
        self._first_name = "them"
        self._stale: set[int] = set()
        self._editor: Any = None

        self.header = PersonHeader(self, today=today)
        self.header.person_requested.connect(self.person_requested)
        self.header.edit_button.clicked.connect(self.edit_person)

        self.timeline_model = TimelineModel(client, self, TimelineFilter(person_id=_NO_ONE), clock=self._clock)
        self.timeline_list = make_timeline_table(self.timeline_model, self)  # UI-C's smooth-scrolling setup
        self.timeline_list.setObjectName("personTimeline")
        self.timeline_list.setAccessibleName("Timeline with this person")
        self.timeline_list.setFrameShape(QFrame.Shape.NoFrame)
        self.timeline_list.activated.connect(self._open_timeline_item)
        self.timeline_empty = _plain(self, "muted")
        self.timeline_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timeline_stack = QStackedWidget(self)
        self.timeline_stack.addWidget(self.timeline_list)
        self.timeline_stack.addWidget(self.timeline_empty)
        self.timeline_model.first_page_loaded.connect(self._update_timeline_state)
        self.timeline_model.rowsInserted.connect(self._update_timeline_state)

        self.needs_tab = ListeningNotesTab(client, self, undo_stack, today=today)
        self.acts_tab = PersonActsTab(client, self, undo_stack, today=today)
        self.promises_tab = PersonPromisesTab(client, self, undo_stack, today=today)
        self.notes_tab = PersonNotesTab(client, self, undo_stack, today=today)
        self.details_tab = PersonDetailsTab(self, today=today)
        self.details_tab.person_requested.connect(self.person_requested)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("personTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.timeline_stack, icon("nav-timeline"), "&Timeline")
        self.tabs.addTab(self.needs_tab, icon("item-need"), "&Listening notes")
        self.tabs.addTab(self.acts_tab, icon("item-act-given"), "&Acts")
        self.tabs.addTab(self.promises_tab, icon("item-promise"), "&Promises")
        self.tabs.addTab(self.notes_tab, icon("item-note"), "&Notes")
        self.tabs.addTab(self.details_tab, icon("nav-people"), "&Details")
        self.tabs.setCurrentIndex(self.NEEDS)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.message_label = _plain(self, "muted")
        self.message_label.setObjectName("messageLabel")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setText("Choose someone in People to see everything with them here.")
        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.header)
        line = QFrame(content)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        content_layout.addWidget(line)
        tabs_box = QWidget(content)
        tabs_layout = QVBoxLayout(tabs_box)
        tabs_layout.setContentsMargins(16, 6, 16, 10)
        tabs_layout.addWidget(self.tabs)
        content_layout.addWidget(tabs_box, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message_label)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self._build_actions()
        client.journal_changed.connect(self._journal_changed)

    # --- construction -----------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def make(text: str, slot: Any, key: str = "", icon_name: str = "") -> QAction:
            action = QAction(text, self)
            if key:
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if icon_name:
                action.setIcon(icon(icon_name))
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.edit_action = make("&Edit person…", self.edit_person, "Ctrl+E")
        self.add_need_action = make("Add a &listening note", self.focus_new_need, "Ctrl+L", "item-need")
        self.log_act_action = make("Log an &act…", self.acts_tab.new_act, "", "item-act-given")
        self.new_promise_action = make("New &promise…", self.promises_tab.new_promise, "", "item-promise")
        self.add_note_action = make("Write a &note", self.focus_new_note, "", "item-note")
        self.archive_action = make("&Archive", self.toggle_archived)
        self.delete_action = make("&Delete person…", self.delete_person)
        menu = QMenu(self)
        for action in (self.add_need_action, self.log_act_action, self.new_promise_action, self.add_note_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.archive_action)
        menu.addAction(self.delete_action)
        self.more_menu = menu
        self.header.more_button.setMenu(menu)
        self._set_actions_enabled(False)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for action in (
            self.edit_action,
            self.add_need_action,
            self.log_act_action,
            self.new_promise_action,
            self.add_note_action,
            self.archive_action,
            self.delete_action,
        ):
            action.setEnabled(enabled)
        self.header.edit_button.setEnabled(enabled)
        self.header.more_button.setEnabled(enabled)

    # --- showing a person -------------------------------------------------------------------------------

    @property
    def person_id(self) -> UUID | None:
        return self._person_id

    @property
    def summary(self) -> PersonSummary | None:
        """What the header shows (None until loaded)."""
        return self._summary

    @property
    def loaded(self) -> bool:
        return self._summary is not None and self._task is None

    def show_person(self, person_id: UUID) -> None:
        """Show ``person_id``: the header loads at once, the current tab right after it."""
        if person_id != self._person_id:
            self._summary = None
            self._set_actions_enabled(False)
            self.tabs.setCurrentIndex(self.NEEDS)
        self._person_id = person_id
        self._stale = set(range(self.tabs.count()))
        self._load_header()

    def refresh(self) -> None:
        """Reload the header and the visible tab (the others when they are next shown)."""
        if self._person_id is not None:
            self._stale = set(range(self.tabs.count()))
            self._load_header()

    def _load_header(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return

        def job(service: JournalService) -> tuple[PersonSummary, Person | None]:
            summary = service.person_summary(person_id)
            through = None
            if summary.person.met_through_id is not None:
                try:
                    through = service.get_person(summary.person.met_through_id)
                except NotFoundError:
                    through = None
            return summary, through

        task = self._client.query(
            job,
            lambda result: self._header_loaded(task, result),
            name="person summary",
            on_error=lambda exc: self._header_failed(task, exc),
        )
        self._task = task

    def _header_loaded(self, task: Task, result: tuple[PersonSummary, Person | None]) -> None:
        if task is not self._task:
            return
        self._task = None
        summary, through = result
        if summary.person.id != self._person_id:
            return
        first_show = self._summary is None
        self._summary = summary
        self.header.set_summary(summary, through)
        self.details_tab.set_person(summary.person, through)
        self._stale.discard(self.DETAILS)
        self._update_tab_titles(summary)
        self.archive_action.setText("Un&archive" if summary.person.archived else "&Archive")
        self._set_actions_enabled(True)
        self.stack.setCurrentIndex(1)
        if first_show:
            self._configure_tabs(summary)
        self._load_tab(self.tabs.currentIndex())

    def _header_failed(self, task: Task, exc: BaseException) -> None:
        if task is not self._task:
            return
        self._task = None
        self._summary = None
        self._set_actions_enabled(False)
        if isinstance(exc, NotFoundError):
            self.message_label.setText("This person is no longer in your journal.")
        else:
            self.message_label.setText(f"This person could not be shown. {user_message(exc)}")
        self.stack.setCurrentIndex(0)

    def _configure_tabs(self, summary: PersonSummary) -> None:
        name = summary.person.given_name or first_name(summary.person.display_name) or "them"
        pid = summary.person.id
        self._first_name = name
        self.timeline_empty.setText(
            f"Nothing with {name} yet — log an act, a listening note, a promise or a note, and it shows here."
        )
        self.timeline_model.set_filter(TimelineFilter(person_id=pid))
        self._stale.discard(self.TIMELINE)

    def _update_tab_titles(self, summary: PersonSummary) -> None:
        def titled(text: str, count: int) -> str:
            return f"{text} ({count})" if count else text

        self.tabs.setTabText(self.NEEDS, titled("&Listening notes", summary.open_needs))
        self.tabs.setTabText(self.ACTS, titled("&Acts", summary.acts))
        self.tabs.setTabText(self.PROMISES, titled("&Promises", summary.open_commitments))
        self.tabs.setTabText(self.NOTES, titled("&Notes", summary.entries))

    def _tab_changed(self, index: int) -> None:
        self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        if index not in self._stale or self._summary is None or self._person_id is None:
            return
        self._stale.discard(index)
        name = self._first_name
        tab = self.tabs.widget(index)
        if index == self.TIMELINE:
            self.timeline_model.set_filter(TimelineFilter(person_id=self._person_id))  # it follows changes itself
        elif isinstance(tab, ListeningNotesTab | PersonItemsTab):
            tab.set_person(self._person_id, name)

    def _journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        if self._person_id is None or not kinds:
            return
        for index in range(self.tabs.count()):
            if _tab_kinds(index) & kinds:
                self._stale.add(index)
        if self.isVisible():
            self._load_header()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._person_id is not None and self._stale and self._task is None:
            self._load_header()

    def _update_timeline_state(self, *_args: object) -> None:
        model = self.timeline_model
        empty = model.item_count == 0 and model.exhausted and not model.loading
        self.timeline_stack.setCurrentIndex(1 if empty else 0)

    def _open_timeline_item(self, index: QModelIndex) -> None:
        item = self.timeline_model.item_at(index.row()) if index.isValid() else None
        if item is None:
            return
        dialog_class = editor_class(item.kind)
        if dialog_class is None:
            return
        getter = EDITORS[item.kind][2]

        def show(obj: object) -> None:
            # The previous editor goes only now: its background queries may still be answering.
            if self._editor is not None:
                self._editor.deleteLater()
            self._editor = dialog_class(self._client, self, obj)
            self._editor.open()

        self._client.query(lambda s: getattr(s, getter)(item.id), show, name="person timeline item")

    # --- actions ----------------------------------------------------------------------------------------

    def edit_person(self) -> None:
        """The person dialog on the stored person (read fresh, so the version is current)."""
        person_id = self._person_id
        if person_id is None:
            return
        self._client.query(lambda s: s.get_person(person_id), self._open_editor, name="get person")

    def _open_editor(self, person: Person) -> None:
        if self._editor is not None:
            self._editor.deleteLater()
        self._editor = PersonDialog(self._client, self, person)
        self._editor.open()
        self.person_dialog = self._editor

    def focus_new_need(self) -> None:
        self.tabs.setCurrentIndex(self.NEEDS)
        self.needs_tab.add_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_new_note(self) -> None:
        self.tabs.setCurrentIndex(self.NOTES)
        self.notes_tab.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle_archived(self) -> None:
        summary = self._summary
        if summary is None:
            return
        person_id, archive = summary.person.id, not summary.person.archived
        self._client.mutate(
            lambda s: s.archive_person(person_id, archived=archive), changes={ItemKind.PERSON}, name="archive person"
        )

    def delete_person(self) -> None:
        """Delete after a confirmation (undoable with Ctrl+Z when the window gave its undo stack)."""
        summary = self._summary
        if summary is None:
            return
        person = summary.person
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete person")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Delete {person.display_name}?")
        detail = (
            f"Their {summary.needs} listening notes are deleted with them. Acts, promises, interactions and notes "
            "that name them stay, without them."
        )
        if self._undo_stack is not None:
            detail += " You can undo this with Ctrl+Z."
        box.setInformativeText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        if yes is not None:
            yes.setText("&Delete")
        answer = box.exec()
        box.deleteLater()
        if answer != QMessageBox.StandardButton.Yes.value:
            return
        person_id = person.id
        if self._undo_stack is not None:
            self._undo_stack.push(DeletePersonCommand(self._client, person_id))
        else:
            self._client.mutate(
                lambda s: person_ops.delete_person(s, person_id), changes=PERSON_CHANGES, name="delete person"
            )
        self.person_deleted.emit(person_id)


_NO_ONE = UUID(int=0)
"""A person id no one has: the timeline model shows nothing until a person is chosen."""


def _tab_kinds(index: int) -> frozenset[ItemKind]:
    """The kinds whose changes make tab ``index`` stale."""
    return {
        PersonPage.TIMELINE: frozenset(ItemKind),
        PersonPage.NEEDS: frozenset({ItemKind.NEED, ItemKind.PERSON}),
        PersonPage.ACTS: PersonActsTab.KINDS | {ItemKind.PERSON},
        PersonPage.PROMISES: PersonPromisesTab.KINDS | {ItemKind.PERSON},
        PersonPage.NOTES: PersonNotesTab.KINDS | {ItemKind.PERSON},
        PersonPage.DETAILS: frozenset({ItemKind.PERSON}),
    }[index]


def _plain(parent: QWidget, role: str = "") -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label
