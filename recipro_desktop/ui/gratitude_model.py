"""The Gratitude view's lists: thank-yous still owed (oldest first) and thanks recently sent (newest first).

Both lists hold :class:`~recipro_desktop.services.boards.ThanksCard` rows (an immutable received act and the
names of the people it came from) computed in the background; the model only words them. One model class
serves both lists, switched by :class:`ThanksList`, because the rows and roles are the same and only the words
differ ("from Ana · 12 days ago" versus "thanked Ana by email · yesterday").
"""

from __future__ import annotations

import enum
import html
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from recipro_desktop.services.boards import ThanksCard, age_words, human_day
from recipro_desktop.ui.icons import act_kind_icon

OVERDUE_DAYS = 30
"""A thank-you owed for longer than this is shown in the theme's (gentle) warning colour."""


class ThanksList(enum.Enum):
    OWED = "owed"
    SENT = "sent"


class ThanksModel(QAbstractListModel):
    """Thank-yous owed or sent, as a list (see the module docstring)."""

    CardRole = Qt.ItemDataRole.UserRole + 1
    """The row's :class:`ThanksCard`."""
    SecondaryRole = Qt.ItemDataRole.UserRole + 2
    """The muted second line: from whom and what kind / how it was thanked."""
    AgeRole = Qt.ItemDataRole.UserRole + 3
    """The right-hand date words ("12 days ago", "thanked yesterday")."""
    OverdueRole = Qt.ItemDataRole.UserRole + 4
    """True for thank-yous owed for more than :data:`OVERDUE_DAYS` days."""

    def __init__(self, which: ThanksList, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.which = which
        self._cards: list[ThanksCard] = []
        self._today = date.today()

    def set_cards(self, cards: list[ThanksCard], today: date) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self._today = today
        self.endResetModel()

    @property
    def cards(self) -> list[ThanksCard]:
        return list(self._cards)

    def card(self, row: int) -> ThanksCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, act_id: UUID) -> int:
        for n, c in enumerate(self._cards):
            if c.act.id == act_id:
                return n
        return -1

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
        act = card.act
        if role == Qt.ItemDataRole.DisplayRole:
            return act.summary
        if role == self.CardRole:
            return card
        if role == self.SecondaryRole:
            return self._secondary(card)
        if role == self.AgeRole:
            return self._age(card)
        if role == self.OverdueRole:
            return self.which is ThanksList.OWED and (self._today - act.occurred_on).days > OVERDUE_DAYS
        if role == Qt.ItemDataRole.DecorationRole:
            return act_kind_icon(act.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tooltips auto-detect rich text: user text is escaped (G4).
            lines = [f"<b>{html.escape(act.summary)}</b>", html.escape(self._secondary(card))]
            if act.details:
                lines.append(html.escape(act.details[:300]))
            return "<br>".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{act.summary}. {self._secondary(card)}. {self._age(card)}"
        return None

    def _secondary(self, card: ThanksCard) -> str:
        act = card.act
        kind = act.kind.value.replace("_", " ").capitalize()
        who = card.who or "someone"
        if self.which is ThanksList.OWED:
            return f"{kind} from {who}"
        how = act.thanked_how.strip()
        return f"Thanked {who} · {how}" if how else f"Thanked {who}"

    def _age(self, card: ThanksCard) -> str:
        act = card.act
        if self.which is ThanksList.OWED:
            return age_words(act.occurred_on, self._today)
        return human_day(act.thanked_on, self._today) if act.thanked_on else ""
