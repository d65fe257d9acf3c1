"""The Needs board's table: one row per open listening note, with who could help.

Rows are :class:`~recipro_desktop.services.boards.NeedCard` (immutable: the need, its person's name, the helper
suggestions), computed in the background by :func:`~recipro_desktop.services.boards.needs_board`. Sorting and
filtering go through a ``QSortFilterProxyModel`` reading :attr:`NeedsModel.SortRole` (dates as ISO text, so a
missing follow-up sorts last) and :attr:`NeedsModel.FilterRole` (the folded text of the need, its tags, the
person and the helpers, so typing "lukasz" finds "Łukasz").
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from recipro_desktop.core.models import NeedStatus
from recipro_desktop.core.text import fold
from recipro_desktop.services.boards import NeedCard, age_words, human_day
from recipro_desktop.ui.icons import icon

STATUS_WORDS = {
    NeedStatus.OPEN: "Open",
    NeedStatus.HELPING: "Helping",
    NeedStatus.MET: "Met",
    NeedStatus.DROPPED: "Dropped",
}


def helpers_text(card: NeedCard, shown: int = 1) -> str:
    """``You, Ana Souza +2``, ``Ana Souza +1`` (or an empty string)."""
    names = (["You"] if card.mine else []) + [h.display_name for h in card.helpers]
    shown = shown + 1 if card.mine else shown
    text = ", ".join(names[:shown])
    return f"{text} +{len(names) - shown}" if len(names) > shown else text


class NeedsModel(QAbstractTableModel):
    """Open needs as a sortable table (see the module docstring)."""

    NEED, PERSON, HEARD, FOLLOW_UP, STATUS, HELPERS = range(6)
    HEADERS = ("Need", "Person", "Heard", "Follow up", "Status", "Who could help")

    CardRole = Qt.ItemDataRole.UserRole + 1
    """The row's :class:`NeedCard`."""
    SortRole = Qt.ItemDataRole.UserRole + 2
    """A value the proxy sorts on: folded text, or ISO dates (missing follow-ups last)."""
    FilterRole = Qt.ItemDataRole.UserRole + 3
    """Folded text of the whole row, for the filter box."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: list[NeedCard] = []
        self._filter_text: list[str] = []
        self._today = date.today()
        self._accent = QColor()

    def set_cards(self, cards: list[NeedCard], today: date) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self._today = today
        self._filter_text = [
            fold(
                " ".join(
                    (
                        c.need.text,
                        c.person_name,
                        " ".join(c.need.tags),
                        c.need.context,
                        *(h.display_name for h in c.helpers),
                    )
                )
            )
            for c in self._cards
        ]
        self.endResetModel()

    def set_accent(self, color: QColor) -> None:
        """The colour of follow-ups that are due (the theme's warning colour)."""
        self._accent = QColor(color)

    def card(self, row: int) -> NeedCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, need_id: object) -> int:
        for n, c in enumerate(self._cards):
            if c.need.id == need_id:
                return n
        return -1

    @property
    def cards(self) -> list[NeedCard]:
        return list(self._cards)

    # --- Qt model ------------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        need = card.need
        column = index.column()
        if role == self.CardRole:
            return card
        if role == self.FilterRole:
            return self._filter_text[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(card, column)
        if role == self.SortRole:
            return self._sort_key(card, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.NEED:
            return icon("item-need")
        if role == Qt.ItemDataRole.ForegroundRole and column == self.FOLLOW_UP:
            due = need.follow_up_on is not None and need.follow_up_on <= self._today
            return self._accent if due and self._accent.isValid() else None
        if role == Qt.ItemDataRole.FontRole and column == self.STATUS and need.status is NeedStatus.HELPING:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(card, column)
        return None

    def _display(self, card: NeedCard, column: int) -> str:
        need = card.need
        if column == self.NEED:
            return need.text
        if column == self.PERSON:
            return card.person_name
        if column == self.HEARD:
            return age_words(need.heard_on, self._today)
        if column == self.FOLLOW_UP:
            return human_day(need.follow_up_on, self._today) if need.follow_up_on else ""
        if column == self.STATUS:
            return STATUS_WORDS.get(need.status, need.status.value)
        if column == self.HELPERS:
            return helpers_text(card)
        return ""

    def _sort_key(self, card: NeedCard, column: int) -> Any:
        need = card.need
        if column == self.HEARD:
            return f"{need.heard_on.isoformat()} {need.created_at.isoformat()}"
        if column == self.FOLLOW_UP:
            return need.follow_up_on.isoformat() if need.follow_up_on else "9999-12-31"
        if column == self.HELPERS:
            return -(100 if card.mine else card.helpers[0].score if card.helpers else 0)
        if column == self.STATUS:
            return list(NeedStatus).index(need.status)
        return fold(self._display(card, column))

    def _tooltip(self, card: NeedCard, column: int) -> str | None:
        # Tooltips auto-detect rich text: everything from the user is escaped (G4).
        need = card.need
        if column == self.NEED:
            parts = [html.escape(need.text)]
            if need.tags:
                parts.append("Tags: " + html.escape(", ".join(need.tags)))
            if need.context:
                parts.append(html.escape(need.context))
            return "<br>".join(parts)
        if column == self.HEARD:
            return html.escape(need.heard_on.strftime("%d %b %Y"))
        if column == self.HELPERS and (card.helpers or card.mine):
            lines = [f"You — {html.escape(', '.join(card.mine))}"] if card.mine else []
            lines += [f"{html.escape(h.display_name)} — {html.escape(', '.join(h.matched))}" for h in card.helpers]
            return "<br>".join(lines)
        return None
