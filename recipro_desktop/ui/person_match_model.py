"""The rows of the name-completion popup: people found by ``find_people``, and "Create person …"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from recipro_desktop.core.models import new_id
from recipro_desktop.ui.icons import icon

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class PersonChoice:
    """A person picked in a name field. ``new``: not stored yet; ``id`` is the id it will be created with."""

    id: UUID
    name: str
    new: bool = False
    detail: str = ""

    @classmethod
    def create(cls, name: str) -> PersonChoice:
        return cls(new_id(), name, new=True)


class PersonMatchModel(QAbstractListModel):
    """Completion rows: the matches (name, with organisation or role as a hint) and an optional create row.

    The display text is what the popup shows; the edit text (what a completer would insert) is the bare name.
    """

    ChoiceRole = Qt.ItemDataRole.UserRole + 1
    """The row's :class:`PersonChoice`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonChoice] = []

    def set_choices(self, rows: Sequence[PersonChoice]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def choices(self) -> list[PersonChoice]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if row.new:
                return f"Create person “{row.name}”"
            return f"{row.name}  ·  {row.detail}" if row.detail else row.name
        if role == Qt.ItemDataRole.EditRole:
            return row.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Create a new person named {row.name}" if row.new else row.name
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("nav-add") if row.new else icon("nav-people")
        if role == self.ChoiceRole:
            return row
        return None
