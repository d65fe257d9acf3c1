"""What the person page's Acts, Promises and Notes tabs share: load, filter, select, edit, delete.

A tab shows one kind of item naming one person, in a sortable table (a :class:`QSortFilterProxyModel` reading
the model's ``SORT_ROLE``), with an empty state that says what to do, a row of controls above the table that the
subclass fills (a direction filter, an "add" button...), and the same keys everywhere: Enter or a double-click
edits the item in its dialog, Delete deletes it (undoable when the window gave its undo stack, else confirmed),
the context-menu key lists every action. Loads run in the background; a load answered after a newer one is
dropped.

A subclass provides :meth:`fetch` (runs on the worker), :meth:`open_editor`, and optionally :meth:`accepts` (the
filter) and :meth:`extra_actions`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.models import ItemKind
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.person_items_model import PersonItemsModel
from recipro_desktop.ui.task_runner import Task

log = logging.getLogger(__name__)


def plain_label(text: str, parent: QWidget, *, role: str = "") -> QLabel:
    """A label that never interprets markup (G4), word-wrapped, optionally styled by role (muted, error)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def names_for(service: JournalService, items: Sequence[Any]) -> dict[UUID, str]:
    """Display names of everyone the items name (on the worker; a handful of people per person page)."""
    ids: dict[UUID, None] = {}
    for item in items:
        for person_id in getattr(item, "people", ()):
            ids[person_id] = None
    names: dict[UUID, str] = {}
    for person_id in ids:
        try:
            names[person_id] = service.get_person(person_id).display_name
        except LookupError:
            continue
    return names


class PersonItemsTab(QWidget):
    """Base of a person-page tab over one kind of item (see the module docstring).

    Signals:
        loaded(): the items of the current person are shown (after every load).
    """

    loaded = Signal()

    NOUN = "item"
    KINDS: frozenset[ItemKind] = frozenset()
    """The kinds whose changes this tab shows (the page reloads it when one of them changes)."""

    def __init__(
        self,
        client: JournalClient,
        model: PersonItemsModel[Any],
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._undo_stack = undo_stack
        self._today = today
        self._person_id: UUID | None = None
        self._first_name = "them"
        self._task: Task | None = None
        self._all: list[Any] = []
        self._names: dict[UUID, str] = {}

        self.model = model
        model.setParent(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(PersonItemsModel.SORT_ROLE)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the order fetched, until a header is clicked
        self.proxy.sort(-1)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _index: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())

        self.empty_label = plain_label("", self, role="muted")
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.error_label = plain_label("", self, role="error")
        self.error_label.hide()

        self.edit_action = self.add_table_action("&Edit…", "", self.edit_current)
        self.delete_action = self.add_table_action("De&lete…", "", self.delete_current)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))

        self.controls = QHBoxLayout()
        self.controls.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self.controls)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error_label)

    # --- for subclasses ---------------------------------------------------------------------------------

    def fetch(self, service: JournalService, person_id: UUID) -> list[Any]:
        """On the worker: the items naming ``person_id``, newest first."""
        raise NotImplementedError

    def accepts(self, item: Any) -> bool:
        """Whether the tab's filter shows ``item``."""
        return True

    def open_editor(self, item: Any) -> None:
        raise NotImplementedError

    def empty_text(self) -> str:
        return f"Nothing with {self._first_name} yet."

    def extra_actions(self) -> list[QAction | None]:
        """Actions for the context menu before Edit/Delete (None = a separator)."""
        return []

    def update_actions(self) -> None:
        item = self.current_item()
        self.edit_action.setEnabled(item is not None)
        self.delete_action.setEnabled(item is not None)

    def add_table_action(self, text: str, key: str, slot: Callable[[], object]) -> QAction:
        """An action that works while the table has focus (single keys are fine there)."""
        action = QAction(text, self.table)
        if key:
            action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    # --- person and loading -----------------------------------------------------------------------------

    @property
    def person_id(self) -> UUID | None:
        return self._person_id

    @property
    def first_name(self) -> str:
        return self._first_name

    def set_person(self, person_id: UUID, first_name: str) -> None:
        changed = person_id != self._person_id
        self._person_id = person_id
        self._first_name = first_name or "them"
        if changed:
            self._all = []
            self.model.set_items([])
        self.reload()

    def reload(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return

        def job(service: JournalService) -> tuple[list[Any], dict[UUID, str]]:
            items = self.fetch(service, person_id)
            return items, names_for(service, items)

        task = self._client.query(
            job,
            lambda result: self._loaded(task, result),
            name=f"{self.NOUN}s for person",
            on_error=lambda exc: self._failed(task, exc),
        )
        self._task = task

    def _loaded(self, task: Task, result: tuple[list[Any], dict[UUID, str]]) -> None:
        if task is not self._task:
            return
        self._task = None
        self._all, self._names = result
        self.error_label.hide()
        self.apply_filter()
        self.loaded.emit()

    def _failed(self, task: Task, exc: BaseException) -> None:
        if task is self._task:
            self._task = None
        self.show_error(user_message(exc))

    def apply_filter(self) -> None:
        """Show the loaded items the filter accepts (keeps the current item when it is still shown)."""
        current = self.current_item()
        self.model.set_items([i for i in self._all if self.accepts(i)], self._names)
        if current is not None and self.select(current.id):
            pass
        elif self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        if self.model.rowCount():
            self.stack.setCurrentIndex(0)
        else:
            self.empty_label.setText(self.empty_text())
            self.stack.setCurrentIndex(1)
        self.update_actions()

    def all_items(self) -> list[Any]:
        return list(self._all)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --- selection --------------------------------------------------------------------------------------

    def current_item(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return index.data(PersonItemsModel.ITEM_ROLE)

    def select(self, item_id: UUID) -> bool:
        row = self.model.row_of(item_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    # --- edits ------------------------------------------------------------------------------------------

    def save(self, item: Any, *, name: str) -> None:
        """Store an edited item (``update_<kind>``) in the background; the row shows the stored version."""
        method = f"update_{self.SERVICE_NAME}"
        self._client.mutate(
            lambda s: getattr(s, method)(item),
            self._stored,
            changes=self.KINDS,
            name=name,
            on_error=self._edit_failed,
        )

    SERVICE_NAME = ""

    def _stored(self, item: Any) -> None:
        self._all = [item if getattr(i, "id", None) == item.id else i for i in self._all]
        self.apply_filter()
        self.select(item.id)

    def _edit_failed(self, exc: BaseException) -> None:
        self.show_error(user_message(exc))
        self.reload()

    def edit_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.open_editor(item)

    def delete_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if self._undo_stack is not None:
            from recipro_desktop.ui.undo import DeleteItemCommand

            self._undo_stack.push(DeleteItemCommand(self._client, item))
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(f"Delete {self.NOUN}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Delete this {self.NOUN}?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes.value:
            item_id = item.id
            method = f"delete_{self.SERVICE_NAME}"
            self._client.mutate(lambda s: getattr(s, method)(item_id), changes=self.KINDS, name=f"delete {self.NOUN}")

    def open_dialog(self, dialog: Any) -> None:
        """Show an item dialog window-modally (no nested event loop).

        The previous dialog is deleted only now, not when it closed: its background queries (name completion,
        options) may still be answering, and their callbacks must find it alive.
        """
        previous = getattr(self, "dialog", None)
        if previous is not None:
            previous.deleteLater()
        self.dialog = dialog
        dialog.open()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.setCurrentIndex(index)
        menu = QMenu(self)
        extra = self.extra_actions()
        for action in extra:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if extra:
            menu.addSeparator()
        menu.addAction(self.edit_action)
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def stretch_column(self, column: int, widths: dict[int, int]) -> None:
        header = self.table.horizontalHeader()
        for col, width in widths.items():
            header.resizeSection(col, width)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
