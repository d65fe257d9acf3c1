"""The Gratitude view's journal: the newest entries written in answer to a gratitude prompt.

Rows are :class:`~recipro_desktop.services.boards.EntryCard` (an immutable journal entry and the names of the
people it mentions), loaded in the background. The model answers the same roles as
:class:`~recipro_desktop.ui.gratitude_model.ThanksModel` so one delegate paints every list of the page: the
entry's first line, the question it answered (or whom it is about), and the day it was written.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from recipro_desktop.services.boards import EntryCard, human_day, join_names
from recipro_desktop.ui.gratitude_model import ThanksModel
from recipro_desktop.ui.icons import icon


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


class GratitudeEntriesModel(QAbstractListModel):
    """Gratitude journal entries, newest first (roles shared with :class:`ThanksModel`)."""

    CardRole = ThanksModel.CardRole
    """The row's :class:`EntryCard`."""
    SecondaryRole = ThanksModel.SecondaryRole
    AgeRole = ThanksModel.AgeRole
    OverdueRole = ThanksModel.OverdueRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: list[EntryCard] = []
        self._today = date.today()

    def set_cards(self, cards: list[EntryCard], today: date) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self._today = today
        self.endResetModel()

    def card(self, row: int) -> EntryCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, entry_id: UUID) -> int:
        return next((n for n, c in enumerate(self._cards) if c.entry.id == entry_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        entry = card.entry
        if role == Qt.ItemDataRole.DisplayRole:
            return first_line(entry.text)
        if role == self.CardRole:
            return card
        if role == self.SecondaryRole:
            return self._secondary(card)
        if role == self.AgeRole:
            return human_day(entry.written_on, self._today)
        if role == self.OverdueRole:
            return False
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("item-note")
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tooltips auto-detect rich text: the entry is escaped (G4).
            lines = [html.escape(entry.text[:600]).replace("\n", "<br>")]
            if entry.prompt:
                lines.append(f"<i>{html.escape(entry.prompt)}</i>")
            return "<br>".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{first_line(entry.text)}. {self._secondary(card)}. {human_day(entry.written_on, self._today)}"
        return None

    def _secondary(self, card: EntryCard) -> str:
        about = join_names(card.names)
        if card.entry.prompt and about:
            return f"{card.entry.prompt} · {about}"
        return card.entry.prompt or (f"About {about}" if about else "Gratitude note")
