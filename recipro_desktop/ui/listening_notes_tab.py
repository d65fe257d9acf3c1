"""The person page's *Listening notes* tab: what they need and struggle with, and what came of it.

Made for capturing while the conversation is fresh: the line at the top takes a need in one line (Enter stores
it, heard today). In the list, single keys act on the selected note — **H** helping, **M** met, **D** dropped,
**O** open again, **F** follow-up date, **I** "I helped…" — and the context menu lists the same. Enter (or a
double-click) opens the full editor; Delete deletes (with undo when the window gave its undo stack).

"I helped…" opens a one-line form under the list: what you did and what kind of help it was; saving creates a
*given* act naming the person that ``meets`` the need and marks the need **met** by it (``met_by_act_id``).
"More details…" opens the full act dialog instead, prefilled the same way.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from PySide6.QtCore import QDate, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import Act, ActKind, Direction, ItemKind, Need, NeedStatus
from recipro_desktop.core.validation import validate_act, validate_need
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import act_kind_icon, icon
from recipro_desktop.ui.item_labels import ACT_KINDS
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.listening_notes_model import ListeningNotesModel
from recipro_desktop.ui.task_runner import Task

log = logging.getLogger(__name__)

NEED_CHANGES = frozenset({ItemKind.NEED})
HELPED_CHANGES = frozenset({ItemKind.NEED, ItemKind.ACT})


class ListeningNotesTab(QWidget):
    """A person's needs: add in one line, change status, follow up, "I helped".

    Signals:
        loaded(): the notes of the current person are shown (after every load).
    """

    loaded = Signal()

    def __init__(
        self,
        client: JournalClient,
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
        self._helping_need: Need | None = None
        self._follow_up_need: Need | None = None

        self.model = ListeningNotesModel(self, today=today)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ListeningNotesModel.SORT_ROLE)

        self.add_edit = QLineEdit(self)
        self.add_edit.setObjectName("addNeedEdit")
        self.add_edit.setAccessibleName("New listening note")
        self.add_edit.addAction(icon("item-need"), QLineEdit.ActionPosition.LeadingPosition)
        self.add_edit.returnPressed.connect(self.add_from_line)
        self.add_error = self._muted_label("")
        self.add_error.setProperty("role", "error")
        self.add_error.hide()

        self.table = QTableView(self)
        self.table.setObjectName("needsTable")
        self.table.setAccessibleName("Listening notes")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(ListeningNotesModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((ListeningNotesModel.STATUS, 90), (ListeningNotesModel.HEARD, 110)):
            header.resizeSection(column, width)
        header.resizeSection(ListeningNotesModel.FOLLOW_UP, 110)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _index: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())

        self.empty_label = self._muted_label("")
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self._build_actions()
        self._build_bars()

        hint = self._muted_label("Keys: H helping · M met · D dropped · O open · F follow-up · I “I helped…”")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.add_edit)
        layout.addWidget(self.add_error)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bar)
        layout.addWidget(hint)
        self._update_actions()
        self._update_placeholder()

    # --- construction -----------------------------------------------------------------------------------

    def _muted_label(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setProperty("role", "muted")
        return label

    def _build_actions(self) -> None:
        def make(text: str, key: str, slot: Callable[[], object]) -> QAction:
            action = QAction(text, self.table)
            if key:
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.table.addAction(action)
            return action

        self.helping_action = make("Mark &helping", "H", lambda: self.set_status(NeedStatus.HELPING))
        self.met_action = make("Mark &met", "M", lambda: self.set_status(NeedStatus.MET))
        self.drop_action = make("&Drop", "D", lambda: self.set_status(NeedStatus.DROPPED))
        self.reopen_action = make("Re&open", "O", lambda: self.set_status(NeedStatus.OPEN))
        self.follow_up_action = make("Set &follow-up…", "F", self.start_follow_up)
        self.helped_action = make("&I helped…", "I", self.start_helped)
        self.helped_action.setIcon(icon("item-act-given"))
        self.edit_action = make("&Edit…", "", self.edit_current)
        self.delete_action = make("De&lete…", "", self.delete_current)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _build_bars(self) -> None:
        self.bar = QFrame(self)
        self.bar.setObjectName("actionBar")
        self.bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.bar_stack = QStackedWidget(self.bar)
        bar_layout = QVBoxLayout(self.bar)
        bar_layout.setContentsMargins(8, 6, 8, 6)
        bar_layout.addWidget(self.bar_stack)

        helped = QWidget(self.bar_stack)
        self.helped_label = self._muted_label("")
        self.helped_edit = QLineEdit(helped)
        self.helped_edit.setObjectName("helpedEdit")
        self.helped_edit.setAccessibleName("What you did")
        self.helped_edit.setPlaceholderText("What did you do? e.g. Introduced her to a landlord")
        self.helped_edit.returnPressed.connect(self.save_helped)
        self.helped_kind = QComboBox(helped)
        self.helped_kind.setAccessibleName("Kind of help")
        for kind, label in ACT_KINDS.items():
            self.helped_kind.addItem(act_kind_icon(kind), label, kind.value)
        self.helped_kind.setCurrentIndex(self.helped_kind.findData(ActKind.FAVOR.value))
        self.helped_save = QPushButton("&Save", helped)
        self.helped_save.clicked.connect(self.save_helped)
        self.helped_more = QPushButton("More &details…", helped)
        self.helped_more.clicked.connect(self.helped_in_dialog)
        helped_cancel = QPushButton("Cancel", helped)
        helped_cancel.clicked.connect(self.close_bar)
        self.helped_error = self._muted_label("")
        self.helped_error.setProperty("role", "error")
        self.helped_error.hide()
        row = QHBoxLayout()
        row.addWidget(self.helped_edit, 1)
        row.addWidget(self.helped_kind)
        row.addWidget(self.helped_save)
        row.addWidget(self.helped_more)
        row.addWidget(helped_cancel)
        helped_layout = QVBoxLayout(helped)
        helped_layout.setContentsMargins(0, 0, 0, 0)
        helped_layout.addWidget(self.helped_label)
        helped_layout.addLayout(row)
        helped_layout.addWidget(self.helped_error)
        self.bar_stack.addWidget(helped)

        follow = QWidget(self.bar_stack)
        self.follow_label = self._muted_label("Follow up on:")
        self.follow_edit = QDateEdit(follow)
        self.follow_edit.setObjectName("followUpEdit")
        self.follow_edit.setAccessibleName("Follow-up date")
        self.follow_edit.setCalendarPopup(True)
        self.follow_edit.setDisplayFormat("d MMM yyyy")
        self.follow_edit.setDateRange(QDate(1900, 1, 1), QDate(2200, 12, 31))
        self.follow_set = QPushButton("&Set", follow)
        self.follow_set.clicked.connect(self.save_follow_up)
        self.follow_clear = QPushButton("&No follow-up", follow)
        self.follow_clear.clicked.connect(lambda: self.save_follow_up(clear=True))
        follow_cancel = QPushButton("Cancel", follow)
        follow_cancel.clicked.connect(self.close_bar)
        follow_layout = QHBoxLayout(follow)
        follow_layout.setContentsMargins(0, 0, 0, 0)
        follow_layout.addWidget(self.follow_label)
        follow_layout.addWidget(self.follow_edit)
        follow_layout.addWidget(self.follow_set)
        follow_layout.addWidget(self.follow_clear)
        follow_layout.addStretch(1)
        follow_layout.addWidget(follow_cancel)
        self.bar_stack.addWidget(follow)
        escape = QAction(self.bar)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.triggered.connect(self.close_bar)
        self.bar.addAction(escape)
        self.bar.hide()

    # --- person and loading -----------------------------------------------------------------------------

    @property
    def person_id(self) -> UUID | None:
        return self._person_id

    def set_person(self, person_id: UUID, first_name: str) -> None:
        """Show ``person_id``'s notes (loads in the background); ``first_name`` is for the wording."""
        changed = person_id != self._person_id
        self._person_id = person_id
        self._first_name = first_name or "them"
        self._update_placeholder()
        if changed:
            self.close_bar()
            self.add_edit.clear()
            self.model.set_items([])
        self.reload()

    def reload(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return
        task = self._client.query(
            lambda s: s.needs_for(person_id), lambda needs: self._loaded(task, needs), name="needs for person"
        )
        self._task = task

    def _loaded(self, task: Task, needs: list[Need]) -> None:
        if task is not self._task:
            return
        self._task = None
        current = self.current_need()
        self.model.set_items([n for n in needs if n.person_id == self._person_id])
        self.proxy.sort(-1)
        if current is not None:
            self.select(current.id)
        elif self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._update_empty_state()
        self._update_actions()
        self.loaded.emit()

    def _update_placeholder(self) -> None:
        self.add_edit.setPlaceholderText(f"What does {self._first_name} need? Type it and press Enter")
        self.helped_label.setText(f"You helped {self._first_name} with this. What did you do?")

    def _update_empty_state(self) -> None:
        if self.model.rowCount():
            self.stack.setCurrentIndex(0)
        else:
            self.empty_label.setText(
                f"No listening notes yet — add what {self._first_name} needs in one line above.\n"
                "A job, a flat, an intro, advice: whatever they mentioned."
            )
            self.stack.setCurrentIndex(1)

    # --- selection --------------------------------------------------------------------------------------

    def current_need(self) -> Need | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        need = index.data(ListeningNotesModel.ITEM_ROLE)
        return need if isinstance(need, Need) else None

    def select(self, need_id: UUID) -> None:
        row = self.model.row_of(need_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def _update_actions(self) -> None:
        need = self.current_need()
        status = need.status if need is not None else None
        self.helping_action.setEnabled(status is NeedStatus.OPEN)
        self.met_action.setEnabled(status in (NeedStatus.OPEN, NeedStatus.HELPING))
        self.drop_action.setEnabled(status in (NeedStatus.OPEN, NeedStatus.HELPING))
        self.reopen_action.setEnabled(status in (NeedStatus.MET, NeedStatus.DROPPED, NeedStatus.HELPING))
        self.follow_up_action.setEnabled(status in (NeedStatus.OPEN, NeedStatus.HELPING))
        self.helped_action.setEnabled(status in (NeedStatus.OPEN, NeedStatus.HELPING))
        self.edit_action.setEnabled(need is not None)
        self.delete_action.setEnabled(need is not None)

    # --- adding -----------------------------------------------------------------------------------------

    def add_from_line(self) -> None:
        """Store what was typed as a new open need, heard today."""
        person_id = self._person_id
        text = self.add_edit.text().strip()
        if person_id is None or not text:
            return
        need = Need(person_id=person_id, text=text, heard_on=self._today())
        try:
            validate_need(need)
        except ValidationError as err:
            self._show_add_error(str(err))
            return
        self.add_error.hide()
        self.add_edit.setEnabled(False)
        self._client.mutate(
            lambda s: s.add_need(need),
            self._added,
            changes=NEED_CHANGES,
            name="add need",
            on_error=self._add_failed,
        )

    def _added(self, need: Need) -> None:
        self.add_edit.setEnabled(True)
        self.add_edit.clear()
        self.add_edit.setFocus()
        self.model.set_items([*self.model.items(), need])
        self.select(need.id)
        self._update_empty_state()
        self._update_actions()

    def _add_failed(self, exc: BaseException) -> None:
        self.add_edit.setEnabled(True)
        self.add_edit.setFocus()
        self._show_add_error(user_message(exc))

    def _show_add_error(self, message: str) -> None:
        self.add_error.setText(message)
        self.add_error.show()

    # --- status and follow-up ---------------------------------------------------------------------------

    def set_status(self, status: NeedStatus) -> None:
        """Move the selected need to ``status`` (reopening forgets which act met it)."""
        need = self.current_need()
        if need is None or need.status is status:
            return
        met_by = need.met_by_act_id if status is NeedStatus.MET else None
        self._save_need(dataclasses.replace(need, status=status, met_by_act_id=met_by), "need status")

    def start_follow_up(self) -> None:
        need = self.current_need()
        if need is None or need.status not in (NeedStatus.OPEN, NeedStatus.HELPING):
            return
        self._follow_up_need = need
        day = need.follow_up_on or (self._today() + _WEEK)
        self.follow_edit.setDate(QDate(day.year, day.month, day.day))
        self.bar_stack.setCurrentIndex(1)
        self.bar.show()
        self.follow_edit.setFocus()

    def save_follow_up(self, *, clear: bool = False) -> None:
        need = self._follow_up_need
        if need is None:
            return
        value = self.follow_edit.date().toPython()
        day = None if clear else value if isinstance(value, date) else None
        self.close_bar()
        self._save_need(dataclasses.replace(need, follow_up_on=day), "need follow-up")

    def _save_need(self, need: Need, name: str) -> None:
        self._client.mutate(
            lambda s: s.update_need(need),
            self._replace,
            changes=NEED_CHANGES,
            name=name,
            on_error=self._edit_failed,
        )

    def _replace(self, need: Need) -> None:
        items = [need if n.id == need.id else n for n in self.model.items()]
        self.model.set_items(items)
        self.select(need.id)
        self._update_actions()

    def _edit_failed(self, exc: BaseException) -> None:
        self._show_add_error(user_message(exc))
        self.reload()

    # --- "I helped" -------------------------------------------------------------------------------------

    def start_helped(self) -> None:
        """Open the one-line "what did you do?" form for the selected need."""
        need = self.current_need()
        if need is None or need.status not in (NeedStatus.OPEN, NeedStatus.HELPING):
            return
        self._helping_need = need
        self.helped_edit.clear()
        self.helped_error.hide()
        self.bar_stack.setCurrentIndex(0)
        self.bar.show()
        self.helped_edit.setFocus()

    def save_helped(self) -> None:
        """Create the given act that met the need, and mark the need met by it."""
        need = self._helping_need
        person_id = self._person_id
        if need is None or person_id is None:
            return
        kind = ActKind(self.helped_kind.currentData())
        act = Act(
            occurred_on=self._today(),
            direction=Direction.GIVEN,
            kind=kind,
            summary=self.helped_edit.text().strip(),
            people=(person_id,),
            meets_need_id=need.id,
        )
        try:
            validate_act(act)
        except ValidationError as err:
            self.helped_error.setText(str(err))
            self.helped_error.show()
            self.helped_edit.setFocus()
            return
        self.helped_save.setEnabled(False)
        self._client.mutate(
            lambda s: _store_help(s, act, need.id),
            self._helped_saved,
            changes=HELPED_CHANGES,
            name="i helped",
            on_error=self._helped_failed,
        )

    def _helped_saved(self, need: Need) -> None:
        self.helped_save.setEnabled(True)
        self.close_bar()
        self._replace(need)
        self.table.setFocus()

    def _helped_failed(self, exc: BaseException) -> None:
        self.helped_save.setEnabled(True)
        self.helped_error.setText(user_message(exc))
        self.helped_error.show()

    def helped_in_dialog(self) -> None:
        """The full act dialog, prefilled as a given act meeting this need; the need is marked met on save."""
        need = self._helping_need
        person_id = self._person_id
        if need is None or person_id is None:
            return
        from recipro_desktop.ui.act_dialog import ActDialog  # the item dialogs load only when used

        dialog = ActDialog(
            self._client,
            self,
            people=(person_id,),
            direction=Direction.GIVEN,
            kind=ActKind(self.helped_kind.currentData()),
            summary=self.helped_edit.text().strip(),
            meets_need=need.id,
        )
        need_id = need.id

        def mark_met(act: Act) -> None:
            self._client.mutate(
                lambda s: _mark_met(s, need_id, act.id),
                self._replace,
                changes=NEED_CHANGES,
                name="need met",
                on_error=self._edit_failed,
            )

        dialog.item_saved.connect(mark_met)
        self.close_bar()
        self._open_dialog(dialog)

    def close_bar(self) -> None:
        self.bar.hide()
        self._helping_need = None
        self._follow_up_need = None

    # --- edit and delete --------------------------------------------------------------------------------

    def edit_current(self) -> None:
        need = self.current_need()
        if need is None:
            return
        from recipro_desktop.ui.need_dialog import NeedDialog

        self._open_dialog(NeedDialog(self._client, self, need))

    def _open_dialog(self, dialog: Any) -> None:
        """Show a dialog window-modally; the previous one is deleted only now (its queries may still answer)."""
        previous = getattr(self, "dialog", None)
        if previous is not None:
            previous.deleteLater()
        self.dialog = dialog
        dialog.open()

    def delete_current(self) -> None:
        need = self.current_need()
        if need is None:
            return
        if self._undo_stack is not None:
            from recipro_desktop.ui.undo import DeleteItemCommand

            self._undo_stack.push(DeleteItemCommand(self._client, need))
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete listening note")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText("Delete this listening note?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes.value:
            need_id = need.id
            self._client.mutate(
                lambda s: s.delete_need(need_id), changes={ItemKind.NEED, ItemKind.ACT}, name="delete need"
            )

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.setCurrentIndex(index)
        menu = QMenu(self)
        for action in (self.helping_action, self.met_action, self.drop_action, self.reopen_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.follow_up_action)
        menu.addAction(self.helped_action)
        menu.addSeparator()
        menu.addAction(self.edit_action)
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()


_WEEK = timedelta(days=7)


def _mark_met(service: JournalService, need_id: UUID, act_id: UUID) -> Need:
    current = service.get_need(need_id)
    return service.update_need(dataclasses.replace(current, status=NeedStatus.MET, met_by_act_id=act_id))


def _store_help(service: JournalService, act: Act, need_id: UUID) -> Need:
    """On the worker: the act, then the need marked met by it (read fresh, so its version is current)."""
    stored = service.add_act(act)
    return _mark_met(service, need_id, stored.id)
