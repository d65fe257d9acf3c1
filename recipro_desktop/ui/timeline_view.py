"""The Timeline page: every dated item across the network, newest first, grouped by month and day.

A :class:`TimelineFilterBar` on top, and below it a ``QListView`` over a lazily fetched
:class:`~recipro_desktop.ui.timeline_model.TimelineModel` painted by the
:class:`~recipro_desktop.ui.timeline_delegate.TimelineDelegate`. Scrolling stays smooth through 200,000 items
because the view lays out uniform rows (no per-row measuring), the model only holds the pages fetched, and the
next page is requested *before* the user reaches the end (when less than three screens are left), on the
background runner.

Opening an item (double-click, Enter) edits it with the item dialogs when they are installed
(``ui/act_dialog.py`` and friends), else opens the first person it names; the context menu (or the Menu key)
offers every person linked.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any
from uuid import UUID

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import ItemKind, TimelineFilter, TimelineItem
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.timeline_delegate import TimelineDelegate
from recipro_desktop.ui.timeline_filter_bar import TimelineFilterBar
from recipro_desktop.ui.timeline_model import RowType, TimelineModel

log = logging.getLogger(__name__)

PREFETCH_SCREENS = 3
"""Ask for the next page when fewer than this many screens of rows are left below the viewport."""

# Item kind → (module, dialog class, service getter) of the editing dialogs (UI-D); used when installed.
EDITORS: dict[ItemKind, tuple[str, str, str]] = {
    ItemKind.ACT: ("recipro_desktop.ui.act_dialog", "ActDialog", "get_act"),
    ItemKind.NEED: ("recipro_desktop.ui.need_dialog", "NeedDialog", "get_need"),
    ItemKind.COMMITMENT: ("recipro_desktop.ui.commitment_dialog", "CommitmentDialog", "get_commitment"),
    ItemKind.INTERACTION: ("recipro_desktop.ui.interaction_dialog", "InteractionDialog", "get_interaction"),
    ItemKind.ENTRY: ("recipro_desktop.ui.entry_dialog", "EntryDialog", "get_entry"),
}


def editor_class(kind: ItemKind) -> Any | None:
    """The dialog class that edits items of ``kind``, or None when that dialog is not part of this build."""
    spec = EDITORS.get(kind)
    if spec is None:
        return None
    try:
        module = importlib.import_module(spec[0])
    except ImportError:
        return None
    return getattr(module, spec[1], None)


def make_timeline_table(model: TimelineModel, parent: QWidget) -> QTableView:
    """A view for a :class:`TimelineModel`, set up to scroll smoothly through any number of rows.

    A one-column table rather than a ``QListView``: ``QListView`` lays out *every* row again after each insert
    (calling the Python model's ``rowCount()`` for each), so appending page 100 stalls the event loop for tens of
    milliseconds; a table's fixed-height header sections cost nothing per row. Headers, grid and horizontal
    scrolling are off, so it looks and behaves like a list. The person page can use it for a person's timeline.
    """
    table = QTableView(parent)
    table.setObjectName("timelineList")
    table.setAccessibleName("Timeline")
    table.setModel(model)
    delegate = TimelineDelegate(table)
    table.setItemDelegate(delegate)
    table.horizontalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(1)
    rows.setDefaultSectionSize(delegate.row_height(table.font()))
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setCornerButtonEnabled(False)
    table.setTabKeyNavigation(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setMouseTracking(True)
    table.setFrameShape(QFrame.Shape.NoFrame)
    return table


class TimelineView(QWidget):
    """The Timeline page (see the module docstring).

    Signals:
        person_requested(object): the user asked to open a person (their UUID).
    """

    person_requested = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._current_id: UUID | None = None
        self._editor: Any = None
        self.setObjectName("timelineView")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)

        heading = QLabel("Timeline", self)
        heading.setObjectName("headingLabel")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)

        self.filter_bar = TimelineFilterBar(client, self, clock=clock)
        layout.addWidget(self.filter_bar)

        self.error_bar = QFrame(self)
        self.error_bar.setObjectName("errorBar")
        error_layout = QHBoxLayout(self.error_bar)
        error_layout.setContentsMargins(0, 0, 0, 0)
        self.error_label = QLabel(self.error_bar)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.retry_button = QPushButton("Try again", self.error_bar)
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self._retry)
        error_layout.addWidget(self.error_label, 1)
        error_layout.addWidget(self.retry_button)
        self.error_bar.setVisible(False)
        layout.addWidget(self.error_bar)

        self.model = TimelineModel(client, self, clock=clock)
        self.list = make_timeline_table(self.model, self)
        self.delegate = self.list.itemDelegate()
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_context_menu)
        self.list.activated.connect(self._open_index)
        layout.addWidget(self.list, 1)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("role", "muted")
        self.empty_clear_button = QPushButton("Clear filters", self)
        self.empty_clear_button.setObjectName("emptyClearButton")
        self.empty_clear_button.clicked.connect(self.filter_bar.clear)
        empty_box = QVBoxLayout()
        empty_box.addStretch(1)
        empty_box.addWidget(self.empty_label)
        empty_box.addWidget(self.empty_clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_box.addStretch(2)
        self.empty_state = QWidget(self)
        self.empty_state.setLayout(empty_box)
        self.empty_state.setVisible(False)
        layout.addWidget(self.empty_state, 1)

        self.footer_label = QLabel(self)
        self.footer_label.setObjectName("footerLabel")
        self.footer_label.setProperty("role", "muted")
        layout.addWidget(self.footer_label)

        self.person_action = QAction("Open person", self)
        self.person_action.setShortcut(QKeySequence("Ctrl+O"))
        self.person_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.person_action.triggered.connect(self._open_current_person)
        self.addAction(self.person_action)
        self.filter_action = QAction("Filter by person", self)
        self.filter_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.filter_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.filter_action.triggered.connect(self._focus_person_filter)
        self.addAction(self.filter_action)

        self.filter_bar.filter_changed.connect(self._on_filter_changed)
        self.model.loading_changed.connect(self._update_states)
        self.model.first_page_loaded.connect(self._update_states)
        self.model.load_failed.connect(self._on_load_failed)
        self.model.rowsInserted.connect(self._update_states)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.list.verticalScrollBar().valueChanged.connect(self._prefetch)
        self.list.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._prefetch())
        self.setFocusProxy(self.list)
        self._update_states()

    # --- public --------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the rows shown, in the background (the model also does this on its own after edits)."""
        self.model.refresh()

    def set_filter(self, filt: TimelineFilter) -> None:
        self.model.set_filter(filt)

    def current_item(self) -> TimelineItem | None:
        return self.model.item_at(self.list.currentIndex().row())

    # --- loading and states -------------------------------------------------------------------------------

    def _on_filter_changed(self, filt: TimelineFilter) -> None:
        self.error_bar.setVisible(False)
        self.model.set_filter(filt)
        self._update_states()

    def _prefetch(self, *_args: object) -> None:
        bar = self.list.verticalScrollBar()
        remaining = bar.maximum() - bar.value()
        if remaining <= PREFETCH_SCREENS * max(1, self.list.viewport().height()) and self.model.canFetchMore(
            QModelIndex()
        ):
            self.model.fetchMore(QModelIndex())

    def _update_states(self, *_args: object) -> None:
        model = self.model
        empty = model.item_count == 0 and model.exhausted and not model.loading and not model.failed
        filtered = self.filter_bar.is_active()
        if empty:
            self.empty_label.setText(
                "Nothing matches these filters."
                if filtered
                else "Nothing on your timeline yet — log an act, a listening note or a promise with Quick add "
                "(Ctrl+N), and it will show here, newest first."
            )
        self.empty_clear_button.setVisible(empty and filtered)
        self.empty_state.setVisible(empty)
        self.list.setVisible(not empty)
        count = model.item_count
        if count == 0:
            self.footer_label.setText("")
        elif model.exhausted:
            self.footer_label.setText(f"{count:,} item{'s' if count != 1 else ''}")
        else:
            self.footer_label.setText(f"The newest {count:,} items — scroll for older ones")

    def _on_load_failed(self, message: str) -> None:
        self.error_label.setText(f"The timeline could not be read: {message}")
        self.error_bar.setVisible(True)
        self._update_states()

    def _retry(self) -> None:
        self.error_bar.setVisible(False)
        self.model.retry()

    def _remember_current(self) -> None:
        item = self.current_item()
        self._current_id = item.id if item is not None else None

    def _restore_current(self) -> None:
        if self._current_id is None:
            return
        row = self.model.row_of(self._current_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    # --- opening -------------------------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        item = self.model.item_at(index.row()) if index.isValid() else None
        if item is None:
            return
        dialog_class = editor_class(item.kind)
        if dialog_class is not None:
            self._edit(item, dialog_class)
        elif item.people:
            self.person_requested.emit(item.people[0])

    def _edit(self, item: TimelineItem, dialog_class: Any) -> None:
        getter = EDITORS[item.kind][2]

        def load(service: JournalService) -> object:
            return getattr(service, getter)(item.id)

        def show(obj: object) -> None:
            # The previous editor is deleted only now: a dialog may still have background queries in flight
            # right after it closes (name completion...), whose callbacks must find it alive.
            if self._editor is not None:
                self._editor.deleteLater()
            self._editor = dialog_class(self._client, self, obj)
            self._editor.exec()

        self._client.query(load, show, name="timeline-open-item")

    def _open_current_person(self) -> None:
        item = self.current_item()
        if item is not None and item.people:
            self.person_requested.emit(item.people[0])

    def _focus_person_filter(self) -> None:
        self.filter_bar.person_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.person_edit.selectAll()

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid() or index.data(TimelineModel.RowTypeRole) != RowType.ITEM:
            return
        self.list.setCurrentIndex(index)
        menu = self.context_menu(index)
        menu.exec(self.list.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The menu of an item row: edit it (when the dialog exists), open or filter on each person it names."""
        item = self.model.item_at(index.row())
        menu = QMenu(self)
        if item is None:
            return menu
        dialog_class = editor_class(item.kind)
        if dialog_class is not None:
            edit = menu.addAction("Edit…")
            edit.triggered.connect(lambda: self._edit(item, dialog_class))
        names = self.model.names
        for person_id in item.people[:8]:
            name = names.get(person_id, "this person").replace("&", "&&")
            action = menu.addAction(f"Open {name}")
            action.triggered.connect(lambda _checked=False, p=person_id: self.person_requested.emit(p))
        if item.people and self.model.filter().person_id is None:
            menu.addSeparator()
            first = item.people[0]
            label = names.get(first, "this person").replace("&", "&&")
            only = menu.addAction(f"Show only {label}")
            only.triggered.connect(lambda: self.filter_bar.set_person(first, names.get(first, "")))
        return menu
