"""The Needs board: every open listening note across the network, and who could help.

A sortable table on the left (need, person, how long ago it was heard, follow-up date, status, who could help)
and, on the right, the selected need in full: its text, tags and context, the people whose "can help with"
matches it (double-click or Enter to open one, e.g. to make an introduction), and the actions — mark it
**helping**, **met** or **dropped**, set or clear a **follow-up** date, **open the person**. Every action has a
mnemonic (Alt+I, Alt+M, Alt+D, Alt+U, Alt+P) so the board works without a mouse.

The board is computed in the background (:func:`recipro_desktop.services.boards.needs_board`) and refreshed when
needs or people change. Edits go through ``client.mutate`` with ``update_need(replace(need, ...))``; a need
changed elsewhere meanwhile (``ConflictError``) is reloaded with a gentle note instead of being overwritten.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import ConflictError
from recipro_desktop.core.models import ItemKind, Need, NeedStatus
from recipro_desktop.core.text import fold
from recipro_desktop.services import boards
from recipro_desktop.services.boards import NeedCard
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.needs_model import STATUS_WORDS, NeedsModel
from recipro_desktop.ui.theme import colors, palette_is_dark

log = logging.getLogger(__name__)

SHOWN_KINDS = frozenset({ItemKind.NEED, ItemKind.PERSON})

SORTS: tuple[tuple[str, int, Qt.SortOrder], ...] = (
    ("Waiting longest", NeedsModel.HEARD, Qt.SortOrder.AscendingOrder),
    ("Heard most recently", NeedsModel.HEARD, Qt.SortOrder.DescendingOrder),
    ("By person", NeedsModel.PERSON, Qt.SortOrder.AscendingOrder),
    ("Follow-up date", NeedsModel.FOLLOW_UP, Qt.SortOrder.AscendingOrder),
    ("Best match first", NeedsModel.HELPERS, Qt.SortOrder.AscendingOrder),
)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _plain_label(parent: QWidget, name: str, *, wrap: bool = True, role: str | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # user text is never HTML (G4)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


class NeedsView(QWidget):
    """The Needs board page (see the module docstring).

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
        self._keep_need: UUID | None = None
        self._pending_message = ""
        self.setObjectName("needsView")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)

        heading = QLabel("Needs board", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setProperty("role", "muted")
        layout.addWidget(self.summary_label)

        tools = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter by need, person, tag or helper")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter needs")
        self.filter_edit.setMaximumWidth(360)
        tools.addWidget(self.filter_edit, 1)
        tools.addStretch(1)
        sort_label = QLabel("&Sort:", self)
        self.sort_combo = QComboBox(self)
        self.sort_combo.setObjectName("sortCombo")
        self.sort_combo.setAccessibleName("Sort needs")
        for text, _column, _order in SORTS:
            self.sort_combo.addItem(text)
        sort_label.setBuddy(self.sort_combo)
        tools.addWidget(sort_label)
        tools.addWidget(self.sort_combo)
        layout.addLayout(tools)

        self.model = NeedsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(NeedsModel.SortRole)
        self.proxy.setFilterRole(NeedsModel.FilterRole)
        self.proxy.setFilterKeyColumn(NeedsModel.NEED)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.table = QTreeView(self)
        self.table.setObjectName("needsTable")
        self.table.setAccessibleName("Open needs")
        self.table.setModel(self.proxy)
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAllColumnsShowFocus(True)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NeedsModel.NEED, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (NeedsModel.PERSON, 130),
            (NeedsModel.HEARD, 110),
            (NeedsModel.FOLLOW_UP, 80),
            (NeedsModel.STATUS, 62),
            (NeedsModel.HELPERS, 150),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.activated.connect(self._open_person_at)

        self.detail = self._build_detail()
        self.stack = QStackedWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("needsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([860, 320])
        self.splitter.setChildrenCollapsible(False)
        self.empty_label = _plain_label(self, "emptyLabel", role="muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.sort_combo.currentIndexChanged.connect(self._on_sort)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_current())
        client.journal_changed.connect(self._on_journal_changed)
        focus_filter = QShortcut(QKeySequence("Ctrl+Shift+F"), self)
        focus_filter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_filter.activated.connect(self.filter_edit.setFocus)
        self.setTabOrder(self.filter_edit, self.sort_combo)
        self.setTabOrder(self.sort_combo, self.table)
        self.setFocusProxy(self.table)
        self._on_sort(0)
        self._show_current()
        self.refresh()

    def _build_detail(self) -> QWidget:
        panel = QFrame(self)
        panel.setObjectName("needDetail")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(panel)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(6)
        self.need_label = _plain_label(panel, "needLabel")
        font = self.need_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setWeight(font.Weight.DemiBold)
        self.need_label.setFont(font)
        self.meta_label = _plain_label(panel, "metaLabel", role="muted")
        self.tags_label = _plain_label(panel, "tagsLabel", role="muted")
        self.context_label = _plain_label(panel, "contextLabel")
        box.addWidget(self.need_label)
        box.addWidget(self.meta_label)
        box.addWidget(self.tags_label)
        box.addWidget(self.context_label)

        actions = QHBoxLayout()
        self.helping_button = QPushButton("Help&ing", panel)
        self.helping_button.setObjectName("helpingButton")
        self.helping_button.setToolTip("You are helping with this (Alt+I)")
        self.met_button = QPushButton("&Met", panel)
        self.met_button.setObjectName("metButton")
        self.met_button.setToolTip("This need was met: it leaves the board (Alt+M)")
        self.dropped_button = QPushButton("&Dropped", panel)
        self.dropped_button.setObjectName("droppedButton")
        self.dropped_button.setToolTip("No longer relevant: it leaves the board (Alt+D)")
        self.helping_button.clicked.connect(self._toggle_helping)
        actions.addWidget(self.helping_button)
        for button, status in ((self.met_button, NeedStatus.MET), (self.dropped_button, NeedStatus.DROPPED)):
            button.clicked.connect(lambda _checked=False, s=status: self.set_status(s))
            actions.addWidget(button)
        actions.addStretch(1)
        self.person_button = QPushButton("Open &person", panel)
        self.person_button.setObjectName("personButton")
        self.person_button.clicked.connect(self._open_current_person)
        actions.addWidget(self.person_button)
        box.addLayout(actions)

        follow = QHBoxLayout()
        follow_label = QLabel("Follow &up on", panel)
        self.follow_up_edit = QDateEdit(panel)
        self.follow_up_edit.setObjectName("followUpEdit")
        self.follow_up_edit.setCalendarPopup(True)
        self.follow_up_edit.setDisplayFormat("d MMM yyyy")
        self.follow_up_edit.setAccessibleName("Follow-up date")
        follow_label.setBuddy(self.follow_up_edit)
        self.follow_up_button = QPushButton("Set", panel)
        self.follow_up_button.setObjectName("followUpButton")
        self.follow_up_button.setAccessibleName("Set follow-up date")
        self.follow_up_button.clicked.connect(self._set_follow_up)
        self.clear_follow_up_button = QPushButton("Clear", panel)
        self.clear_follow_up_button.setObjectName("clearFollowUpButton")
        self.clear_follow_up_button.setAccessibleName("Clear follow-up date")
        self.clear_follow_up_button.clicked.connect(lambda: self.set_follow_up(None))
        follow.addWidget(follow_label)
        follow.addWidget(self.follow_up_edit)
        follow.addWidget(self.follow_up_button)
        follow.addWidget(self.clear_follow_up_button)
        follow.addStretch(1)
        box.addLayout(follow)

        helpers_title = QLabel("Who could help", panel)
        helpers_font = helpers_title.font()
        helpers_font.setBold(True)
        helpers_title.setFont(helpers_font)
        box.addSpacing(8)
        box.addWidget(helpers_title)
        self.helpers_list = QListWidget(panel)
        self.helpers_list.setObjectName("helpersList")
        self.helpers_list.setAccessibleName("Who could help")
        self.helpers_list.setAlternatingRowColors(False)
        self.helpers_list.itemActivated.connect(self._open_helper)
        box.addWidget(self.helpers_list)
        self.helpers_hint = _plain_label(panel, "helpersHint", role="muted")
        box.addWidget(self.helpers_hint)
        self.message_label = _plain_label(panel, "messageLabel", role="warning")
        box.addWidget(self.message_label)
        box.addStretch(1)
        return panel

    # --- loading -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the board in the background (needs, names and helper suggestions)."""
        if self._loading:
            self._pending_refresh = True
            return
        self._loading = True
        self._client.query(
            boards.needs_board,
            self._on_loaded,
            name="needs-board",
            on_error=self._on_load_failed,
        )

    def _on_loaded(self, cards: list[NeedCard]) -> None:
        self._loading = False
        keep = self._keep_need or self._current_need_id()
        current_row = self.table.currentIndex().row()
        self.model.set_accent(QColor(colors(palette_is_dark(self.palette())).warning))
        self.model.set_cards(cards, self._clock.today())
        self._keep_need = None
        self._select_need(keep, fallback_row=current_row)
        self._update_summary()
        if self._pending_message:
            self.message_label.setText(self._pending_message)
            self._pending_message = ""
        if self._pending_refresh:
            self._pending_refresh = False
            self.refresh()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.summary_label.setText(f"The board could not be read: {user_message(exc)}")

    def _on_journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        if kinds & SHOWN_KINDS:
            self.refresh()

    def _update_summary(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        helping = sum(1 for c in self.model.cards if c.need.status is NeedStatus.HELPING)
        with_help = sum(1 for c in self.model.cards if c.helpers)
        yours = sum(1 for c in self.model.cards if c.mine)
        if total == 0:
            self.summary_label.setText("No open needs right now.")
            self.empty_label.setText(
                "No open needs — when someone mentions what they need or struggle with, add it as a listening "
                "note on their page (or with Quick add, Ctrl+N). It will show here, with who could help."
            )
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self.splitter)
        text = f"{total} open need{'s' if total != 1 else ''}"
        if helping:
            text += f", {helping} you are helping with"
        text += f" · someone in your network could help with {with_help}"
        if yours:
            text += f" · your own skills match {yours}"
        if shown != total:
            text += f" · {shown} match the filter"
        self.summary_label.setText(text)

    # --- selection and detail -------------------------------------------------------------------------------

    def current_card(self) -> NeedCard | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        card = self.proxy.data(index, NeedsModel.CardRole)
        return card if isinstance(card, NeedCard) else None

    def _current_need_id(self) -> UUID | None:
        card = self.current_card()
        return card.need.id if card is not None else None

    def select_need(self, need_id: UUID) -> bool:
        """Make the need with this id current (True when it is on the board)."""
        return self._select_need(need_id, fallback_row=-1)

    def _select_need(self, need_id: UUID | None, *, fallback_row: int) -> bool:
        row = self.model.row_of(need_id) if need_id is not None else -1
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        elif self.proxy.rowCount() and fallback_row >= 0:
            index = self.proxy.index(min(fallback_row, self.proxy.rowCount() - 1), 0)
        elif self.proxy.rowCount():
            index = self.proxy.index(0, 0)
        else:
            index = QModelIndex()
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(index)
        self._show_current()
        return row >= 0

    def _show_current(self) -> None:
        card = self.current_card()
        enabled = card is not None
        for w in (
            self.helping_button,
            self.met_button,
            self.dropped_button,
            self.person_button,
            self.follow_up_edit,
            self.follow_up_button,
            self.clear_follow_up_button,
            self.helpers_list,
        ):
            w.setEnabled(enabled)
        self.helpers_list.clear()
        self.message_label.clear()
        if card is None:
            self.need_label.setText("Select a need to see who could help.")
            for label in (self.meta_label, self.tags_label, self.context_label, self.helpers_hint):
                label.clear()
            return
        need = card.need
        today = self._clock.today()
        self.need_label.setText(need.text)
        meta = f"{card.person_name} · heard {boards.age_words(need.heard_on, today)} · {STATUS_WORDS[need.status]}"
        if need.follow_up_on is not None:
            meta += f" · follow up {boards.human_day(need.follow_up_on, today)}"
        self.meta_label.setText(meta)
        self.tags_label.setText(" · ".join(f"#{t}" for t in need.tags))
        self.tags_label.setVisible(bool(need.tags))
        self.context_label.setText(need.context)
        self.context_label.setVisible(bool(need.context))
        helping = need.status is NeedStatus.HELPING
        self.helping_button.setText("Stop help&ing" if helping else "Help&ing")
        self.helping_button.setToolTip(
            "Back to open: you are not helping with this any more (Alt+I)"
            if helping
            else "You are helping with this (Alt+I)"
        )
        self.clear_follow_up_button.setEnabled(need.follow_up_on is not None)
        self.follow_up_edit.setDate(_qdate(need.follow_up_on or today + timedelta(days=7)))
        if card.mine:
            mine = QListWidgetItem(f"You — you can help with {', '.join(card.mine)}")
            mine.setData(Qt.ItemDataRole.UserRole, None)
            mine.setToolTip("From your own skills (Settings)")
            font = mine.font()
            font.setBold(True)
            mine.setFont(font)
            self.helpers_list.addItem(mine)
        for helper in card.helpers:
            item = QListWidgetItem(f"{helper.display_name} — can help with {', '.join(helper.matched)}")
            item.setData(Qt.ItemDataRole.UserRole, helper.person_id)
            item.setToolTip("Open this person (Enter) — perhaps to introduce them")
            self.helpers_list.addItem(item)
        count = self.helpers_list.count()
        if card.helpers:
            self.helpers_list.setCurrentRow(1 if card.mine else 0)
            self.helpers_hint.setText("Open someone (Enter or double-click) to make an introduction.")
        elif card.mine:
            self.helpers_hint.setText("Nobody else's \u201ccan help with\u201d matches this yet.")
        else:
            self.helpers_hint.setText(
                "Nobody's \u201ccan help with\u201d matches this yet. Add skills to people's details, "
                "or tag the need, and suggestions will appear."
            )
        self.helpers_list.setVisible(count > 0)
        rows = max(1, min(count, 7))
        frame = 2 * self.helpers_list.frameWidth()
        self.helpers_list.setFixedHeight(rows * max(1, self.helpers_list.sizeHintForRow(0)) + frame + 4)

    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(fold(text))
        self._update_summary()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self._select_need(None, fallback_row=0)
        self._show_current()

    def _on_sort(self, index: int) -> None:
        _text, column, order = SORTS[index]
        self.table.sortByColumn(column, order)

    # --- actions -------------------------------------------------------------------------------------------

    def set_status(self, status: NeedStatus) -> None:
        """Set the current need open, helping, met or dropped (met and dropped leave the board)."""
        card = self.current_card()
        if card is None:
            return
        updated = replace(card.need, status=status)
        if status is not NeedStatus.MET and status is not NeedStatus.DROPPED:
            self._keep_need = card.need.id
        self._save(updated, "need-status")

    def _toggle_helping(self) -> None:
        card = self.current_card()
        if card is not None:
            helping = card.need.status is NeedStatus.HELPING
            self.set_status(NeedStatus.OPEN if helping else NeedStatus.HELPING)

    def set_follow_up(self, day: date | None) -> None:
        """Set (or with None, clear) the current need's follow-up date."""
        card = self.current_card()
        if card is None:
            return
        self._keep_need = card.need.id
        self._save(replace(card.need, follow_up_on=day), "need-follow-up")

    def _set_follow_up(self) -> None:
        q = self.follow_up_edit.date()
        self.set_follow_up(date(q.year(), q.month(), q.day()))

    def _save(self, need: Need, name: str) -> None:
        def save(service: JournalService) -> Need:
            return service.update_need(need)

        self._client.mutate(save, changes={ItemKind.NEED}, name=name, on_error=self._on_save_failed)

    def _on_save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            self._pending_message = "This need was changed elsewhere; the board was reloaded. Try again."
            self.message_label.setText(self._pending_message)
            self.refresh()
        else:
            self.message_label.setText(user_message(exc))

    def _open_person_at(self, index: QModelIndex) -> None:
        card = self.proxy.data(index, NeedsModel.CardRole) if index.isValid() else None
        if isinstance(card, NeedCard):
            self.person_requested.emit(card.need.person_id)

    def _open_current_person(self) -> None:
        card = self.current_card()
        if card is not None:
            self.person_requested.emit(card.need.person_id)

    def _open_helper(self, item: QListWidgetItem) -> None:
        person_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(person_id, UUID):
            self.person_requested.emit(person_id)
