"""The People list: everyone in the journal, sortable and filterable as you type, with the edits on people.

Layout: a filter row (words, one tag, "show archived"), the table, and a footer with the counts. The list is
loaded in the background (``list_people`` plus the folded filter keys, :func:`people_model.load_people`) and
reloaded when people, acts, interactions, notes or needs change, because the derived columns (last
interaction, balance, warmth) move with them. Selection and the current row survive a reload (by id).

Keyboard: type to filter, ↓ into the list, Enter opens the person (``person_requested``), F2 or Ctrl+E edits,
Ctrl+Shift+N adds a person, Delete deletes (confirmed; undoable with Ctrl+Z when the window passed its undo
stack), the context-menu key shows every action. Archiving and merging are in the toolbar and the menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from uuid import UUID

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.services import person_ops
from recipro_desktop.ui.delete_person_command import PERSON_CHANGES, DeletePersonCommand
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.merge_dialog import MergeDialog
from recipro_desktop.ui.people_delegate import PeopleDelegate
from recipro_desktop.ui.people_model import PeopleSnapshot, PeopleTableModel, load_people
from recipro_desktop.ui.person_dialog import PersonDialog
from recipro_desktop.ui.person_text import count_people
from recipro_desktop.ui.task_runner import Task

log = logging.getLogger(__name__)

RELOAD_ON = frozenset({ItemKind.PERSON, ItemKind.ACT, ItemKind.INTERACTION, ItemKind.ENTRY, ItemKind.NEED})
"""Kinds whose changes move a column of the list (derived figures included)."""

RELOAD_DELAY_MS = 50
"""Several changes in a row (an import, an undo) are coalesced into one reload."""


class PeopleView(QWidget):
    """The People list with new / edit / archive / merge / delete.

    ``clock`` gives the day human dates are relative to (tests pass the journal's fixed clock).

    Signals:
        person_requested(object): the user opened a person (their UUID): Enter or double-click.
        status_message(str): a short, private-safe note for the window's status bar ("Archived 1 person").
    """

    person_requested = Signal(object)
    status_message = Signal(str)

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._undo_stack = undo_stack
        self._load_task: Task | None = None
        self._loaded_once = False
        self._stale = True
        self._pending_select: UUID | None = None
        self._dialog: PersonDialog | MergeDialog | None = None
        self.setObjectName("peopleView")

        self.model = PeopleTableModel(self, today=(clock or SystemClock()).today)

        self._build_filter_row()
        self._build_table()
        self._build_actions()
        self._build_layout()

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self._actions_timer = QTimer(self)
        self._actions_timer.setSingleShot(True)
        self._actions_timer.setInterval(0)
        self._actions_timer.timeout.connect(self._update_actions)
        client.journal_changed.connect(self._journal_changed)
        # The footer is updated after each load and filter change (a model reset), never per row signal.
        self._update_actions()
        self._update_footer()

    # --- construction -----------------------------------------------------------------------------------

    def _build_filter_row(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter by name, organisation, tag or email")
        self.filter_edit.setAccessibleName("Filter people")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(icon("nav-search"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.installEventFilter(self)

        self.tag_combo = QComboBox(self)
        self.tag_combo.setObjectName("tagCombo")
        self.tag_combo.setAccessibleName("Filter by tag")
        self.tag_combo.setMinimumContentsLength(12)
        self.tag_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_combo.addItem("All tags", None)
        self.tag_combo.currentIndexChanged.connect(self._tag_changed)

        self.archived_check = QCheckBox("Show a&rchived", self)
        self.archived_check.setObjectName("archivedCheck")
        self.archived_check.setAccessibleName("Show archived people")
        self.archived_check.toggled.connect(self._archived_toggled)

    def _build_table(self) -> None:
        table = QTableView(self)
        table.setObjectName("peopleTable")
        table.setAccessibleName("People")
        table.setModel(self.model)
        delegate = PeopleDelegate(table)  # only where it draws: other cells keep Qt's own (faster) painting
        table.setItemDelegateForColumn(PeopleTableModel.BALANCE, delegate)
        table.setItemDelegateForColumn(PeopleTableModel.WARMTH, delegate)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setSortingEnabled(True)
        table.setTabKeyNavigation(False)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.activated.connect(self._activated)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSortIndicator(PeopleTableModel.NAME, Qt.SortOrder.AscendingOrder)
        widths = {
            PeopleTableModel.NAME: 220,
            PeopleTableModel.ORGANISATION: 190,
            PeopleTableModel.TAGS: 200,
            PeopleTableModel.LAST_INTERACTION: 130,
            PeopleTableModel.BALANCE: 96,
            PeopleTableModel.WARMTH: 80,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(PeopleTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table = table

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("role", "muted")
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.empty_label.setFont(font)
        self.empty_button = QPushButton("&New person…", self)
        self.empty_button.setIcon(icon("nav-add"))
        self.empty_button.clicked.connect(self.new_person)

    def _build_actions(self) -> None:
        def make(text: str, slot: object, shortcuts: Iterable[QKeySequence | str] = (), icon_name: str = "") -> QAction:
            action = QAction(text, self)
            if icon_name:
                action.setIcon(icon(icon_name))
            keys = [QKeySequence(k) for k in shortcuts]
            if keys:
                action.setShortcuts(keys)
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                tip = text.rstrip("…").replace("&", "")
                action.setToolTip(f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})")
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.new_action = make("&New person…", self.new_person, ["Ctrl+Shift+N"], "nav-add")
        self.open_action = make("&Open", self.open_current)
        self.edit_action = make("&Edit…", self.edit_current, ["F2", "Ctrl+E"])
        self.archive_action = make("&Archive", self.archive_selected)
        self.merge_action = make("&Merge duplicates…", self.merge_selected)
        self.delete_action = QAction("&Delete…", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_current)
        self.table.addAction(self.delete_action)

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.tag_combo)
        filters.addWidget(self.archived_check)
        filters.addSpacing(12)
        for action in (self.new_action, self.edit_action, self.archive_action, self.merge_action, self.delete_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonTextBesideIcon
                if action is self.new_action
                else Qt.ToolButtonStyle.ToolButtonTextOnly
            )
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            filters.addWidget(button)

        empty_page = QWidget(self)
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addStretch(2)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(3)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(empty_page)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setProperty("role", "muted")
        self.note_label = QLabel(self)
        self.note_label.setObjectName("noteLabel")
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setProperty("role", "muted")
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.note_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)
        self.setTabOrder(self.filter_edit, self.tag_combo)
        self.setTabOrder(self.tag_combo, self.archived_check)
        self.setTabOrder(self.archived_check, self.table)
        self.setFocusProxy(self.filter_edit)

    # --- loading ----------------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """True once the first load arrived."""
        return self._loaded_once

    @property
    def loading(self) -> bool:
        return self._load_task is not None

    def refresh(self) -> None:
        """Reload the list in the background (the current list stays on screen until the new one arrives)."""
        self._reload_timer.stop()
        self._stale = False
        if not self._loaded_once:
            self.count_label.setText("Loading people…")
        task = self._client.query(
            load_people,
            lambda snap: self._loaded(task, snap),
            name="list people",
            on_error=lambda exc: self._load_failed(task, exc),
        )
        self._load_task = task

    def _loaded(self, task: Task, snapshot: PeopleSnapshot) -> None:
        if task is not self._load_task:
            return  # a newer load is on its way
        self._load_task = None
        selected = self.selected_ids()
        current = self.current_id()
        if self._pending_select is not None:
            selected, current = [self._pending_select], self._pending_select
            self._pending_select = None
        scroll = self.table.verticalScrollBar().value()
        self.model.set_snapshot(snapshot)
        self._fill_tags(snapshot.tags)
        self._loaded_once = True
        self.select_ids(selected, current=current)
        if current is None:
            self.table.verticalScrollBar().setValue(scroll)
        self._update_footer()
        self._update_actions()
        log.debug("people list loaded (%d rows)", len(snapshot.entries))

    def _load_failed(self, task: Task, exc: BaseException) -> None:
        if task is self._load_task:
            self._load_task = None
        self.count_label.setText("Could not load people.")
        self._client.error_raised.emit(f"The People list could not be loaded ({type(exc).__name__}).")

    def _journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        if not kinds & RELOAD_ON:
            return
        self._stale = True
        if self.isVisible() or not self._loaded_once:
            self._reload_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._reload_timer.isActive() and self._load_task is None:
            self._reload_timer.start()

    def _fill_tags(self, tags: tuple[str, ...]) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        try:
            self.tag_combo.clear()
            self.tag_combo.addItem("All tags", None)
            for tag in tags:
                self.tag_combo.addItem(tag, tag)
            index = self.tag_combo.findData(current) if current is not None else 0
            self.tag_combo.setCurrentIndex(max(0, index))
        finally:
            self.tag_combo.blockSignals(False)
        if current is not None and self.tag_combo.currentData() is None:
            self._refilter(lambda: self.model.set_tag(None))

    # --- filtering --------------------------------------------------------------------------------------

    def set_filter_text(self, text: str) -> None:
        self.filter_edit.setText(text)

    def _filter_changed(self, text: str) -> None:
        self._refilter(lambda: self.model.set_filter_text(text))

    def _tag_changed(self, _index: int) -> None:
        data = self.tag_combo.currentData()
        self._refilter(lambda: self.model.set_tag(data if isinstance(data, str) else None))

    def _archived_toggled(self, show: bool) -> None:
        self._refilter(lambda: self.model.set_show_archived(show))

    def _refilter(self, change: Callable[[], bool]) -> None:
        """Apply a filter change (a model reset, which forgets the selection) and put the selection back: the
        selected people still shown stay selected, the current one stays current and in view; otherwise the
        list starts at its top, with the first match current when filtering."""
        selected, current = self.selected_ids(), self.current_id()
        if not change():
            return
        if selected or current is not None:
            self.select_ids(selected, current=current)
        if not self.table.currentIndex().isValid():
            self.table.scrollToTop()
            if self.model.rowCount() and self.model.is_filtered() and not self.table.selectionModel().hasSelection():
                self.table.setCurrentIndex(self.model.index(0, 0))
        self._update_footer()
        self._update_actions()

    def _update_footer(self, *_args: object) -> None:
        if not self._loaded_once:
            return
        shown = self.model.rowCount()
        show_archived = self.model.show_archived
        total = self.model.total(include_archived=show_archived)
        archived = self.model.archived_count()
        text = f"{shown:,} of {count_people(total)}" if self.model.is_filtered() else count_people(total)
        if archived and not show_archived:
            text += f" · {archived:,} archived not shown"
        elif archived:
            text += f" · {archived:,} archived"
        self.count_label.setText(text)
        self._update_empty_state(shown, total)

    def _update_empty_state(self, shown: int, total: int) -> None:
        if shown:
            self.stack.setCurrentIndex(0)
            return
        if total == 0 and not self.model.is_filtered():
            self.empty_label.setText(
                "No people yet.\nAdd the first person you want to remember — Ctrl+Shift+N — or import your contacts."
            )
            self.empty_button.show()
        else:
            typed = self.filter_edit.text().strip()
            what = f"“{typed}”" if typed else "this filter"
            self.empty_label.setText(
                f"No one matches {what}.\nTry fewer letters, another tag, or show archived people."
            )
            self.empty_button.hide()
        self.stack.setCurrentIndex(1)

    # --- selection --------------------------------------------------------------------------------------

    def selected_rows(self) -> list[PersonRow]:
        rows = []
        for index in self.table.selectionModel().selectedRows(PeopleTableModel.NAME):
            row = index.data(PeopleTableModel.ROW_ROLE)
            if isinstance(row, PersonRow):
                rows.append(row)
        return rows

    def selected_ids(self) -> list[UUID]:
        return [r.id for r in self.selected_rows()]

    def current_id(self) -> UUID | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = index.siblingAtColumn(PeopleTableModel.NAME).data(PeopleTableModel.ID_ROLE)
        return value if isinstance(value, UUID) else None

    def select_ids(self, ids: Iterable[UUID], *, current: UUID | None = None) -> None:
        """Select these people (those shown), make ``current`` the current row and scroll to it."""
        rows = self.model.rows_of(ids)
        selection = QItemSelection()
        last_column = PeopleTableModel.COLUMN_COUNT - 1
        start = 0
        for n in range(1, len(rows) + 1):  # one range per run of adjacent rows (select-all is one range)
            if n == len(rows) or rows[n] != rows[n - 1] + 1:
                selection.select(self.model.index(rows[start], 0), self.model.index(rows[n - 1], last_column))
                start = n
        selection_model = self.table.selectionModel()
        selection_model.clearSelection()
        if current is not None:
            row = self.model.row_of(current)
            if row is not None:
                index = self.model.index(row, 0)
                selection_model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.table.scrollTo(index)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.Select)
        self._update_actions()

    def _selection_changed(self, *_args: object) -> None:
        # A filter change on 10,000 rows can change the selection in thousands of steps: update once, later.
        self._actions_timer.start()

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        one = len(rows) == 1
        self.open_action.setEnabled(one)
        self.edit_action.setEnabled(one)
        self.delete_action.setEnabled(one)
        self.merge_action.setEnabled(len(rows) == 2)
        self.archive_action.setEnabled(bool(rows))
        unarchive = bool(rows) and all(r.archived for r in rows)
        self.archive_action.setText("Un&archive" if unarchive else "&Archive")

    # --- actions ----------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.setCurrentIndex(self.model.index(0, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                index = self.table.currentIndex()
                self._activated(index if index.isValid() else self.model.index(0, 0))
                return True
            if key == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(watched, event)

    def _activated(self, index: QModelIndex) -> None:
        value = index.siblingAtColumn(PeopleTableModel.NAME).data(PeopleTableModel.ID_ROLE)
        if isinstance(value, UUID):
            self.person_requested.emit(value)

    def open_current(self) -> None:
        person_id = self.current_id()
        if person_id is not None:
            self.person_requested.emit(person_id)

    def new_person(self) -> PersonDialog:
        """Open the person dialog for a new person; the new person is selected once stored."""
        dialog = PersonDialog(self._client, self)
        dialog.person_saved.connect(self._person_saved)
        self._show_dialog(dialog)
        return dialog

    def edit_current(self) -> None:
        """Open the person dialog on the current person (loaded fresh, so every field is there)."""
        person_id = self.current_id()
        if person_id is None:
            return
        self._client.query(lambda s: s.get_person(person_id), self._edit, name="get person")

    def _edit(self, person: Person) -> None:
        dialog = PersonDialog(self._client, self, person)
        dialog.person_saved.connect(self._person_saved)
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: PersonDialog | MergeDialog) -> None:
        """Open ``dialog`` window-modally. The previous one is deleted only now, not when it closed: its
        background queries (name completion, the merge preview) may still answer and must find it alive."""
        if self._dialog is not None:
            self._dialog.deleteLater()
        self._dialog = dialog
        if isinstance(dialog, PersonDialog):
            self.person_dialog = dialog
        else:
            self.merge_dialog = dialog
        dialog.open()

    def _person_saved(self, person: Person) -> None:
        self._pending_select = person.id
        if person.archived and not self.model.show_archived:
            self.note_label.setText("Saved as archived: tick “Show archived” to see them.")

    def archive_selected(self) -> None:
        """Archive the selected people (or unarchive them, when all of them are archived)."""
        rows = self.selected_rows()
        if not rows:
            return
        archive = not all(r.archived for r in rows)
        ids = [r.id for r in rows]
        self._client.mutate(
            lambda s: [s.archive_person(i, archived=archive) for i in ids],
            lambda _people: self._archived(len(ids), archive),
            changes={ItemKind.PERSON},
            name="archive people",
        )

    def _archived(self, count: int, archived: bool) -> None:
        what = count_people(count)
        text = f"Archived {what}." if archived else f"{what.capitalize()} back in the list."
        if archived and not self.model.show_archived:
            text += " Tick “Show archived” to see archived people."
        self.note_label.setText(text)
        self.status_message.emit(text)

    def merge_selected(self) -> MergeDialog | None:
        """Open the merge dialog on the two selected people."""
        ids = self.selected_ids()
        if len(ids) != 2:
            return None
        dialog = MergeDialog(self._client, ids[0], ids[1], self)
        dialog.merged.connect(lambda person: setattr(self, "_pending_select", person.id))
        self._show_dialog(dialog)
        return dialog

    def delete_current(self) -> None:
        """Delete the selected person after a confirmation; undoable when the window gave an undo stack."""
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        row = rows[0]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete person")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Delete {row.display_name}?")
        detail = (
            "Their listening notes are deleted with them. Acts, promises, interactions and notes that name "
            "them stay, without them."
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
        self._select_neighbour_of(row.id)
        if self._undo_stack is not None:
            self._undo_stack.push(DeletePersonCommand(self._client, row.id))
        else:
            person_id = row.id
            self._client.mutate(
                lambda s: person_ops.delete_person(s, person_id), changes=PERSON_CHANGES, name="delete person"
            )
        self.note_label.setText("Deleted 1 person." + (" Ctrl+Z brings them back." if self._undo_stack else ""))

    def _select_neighbour_of(self, person_id: UUID) -> None:
        row = self.model.row_of(person_id)
        if row is None:
            return
        neighbour = row + 1 if row + 1 < self.model.rowCount() else row - 1
        other = self.model.person_id(neighbour) if neighbour >= 0 else None
        self._pending_select = other

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.archive_action)
        menu.addAction(self.merge_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addAction(self.new_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()
