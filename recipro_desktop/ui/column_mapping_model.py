"""The import wizard's column mapping: one row per column of the file, and what it is imported as (E9, E10).

Rows start from the automatic match (header aliases); the "Import as" cell is edited with a
:class:`~recipro_desktop.ui.choice_delegate.ChoiceDelegate`. Columns with the same header (E9) are flagged so the
user sees that only one of them is imported unless they choose otherwise.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from recipro_desktop.core.csv_formats import CONTACT_FIELDS, FIELDS_BY_KEY, IGNORE
from recipro_desktop.ui.choice_delegate import ChoiceDelegate
from recipro_desktop.ui.csv_sample_model import one_line

Index = QModelIndex | QPersistentModelIndex
DONT_IMPORT = "Don't import"
CHOICES: tuple[tuple[str, str], ...] = ((IGNORE, DONT_IMPORT), *((f.key, f.label) for f in CONTACT_FIELDS))


class ColumnMappingModel(QAbstractTableModel):
    """Columns of the file and the field each one is imported as.

    Signals:
        mapping_changed(object): the new ``dict[int, str]`` (column index → field key) after an edit.
    """

    COLUMN, EXAMPLE, IMPORT_AS = range(3)
    HEADERS = ("Column in your file", "Example", "Import as")

    mapping_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._examples: tuple[str, ...] = ()
        self._mapping: dict[int, str] = {}
        self._duplicates: set[int] = set()

    def set_columns(
        self,
        headers: Sequence[str],
        sample: Sequence[Sequence[str]],
        mapping: Mapping[int, str],
        duplicates: Sequence[Sequence[int]] = (),
    ) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        examples = []
        for i in range(len(headers)):
            values = [row[i] for row in sample if i < len(row) and row[i].strip()]
            examples.append(" · ".join(one_line(v, 30) for v in values[:3]))
        self._examples = tuple(examples)
        self._mapping = {i: k for i, k in mapping.items() if k}
        self._duplicates = {i for group in duplicates for i in group}
        self.endResetModel()

    def mapping(self) -> dict[int, str]:
        return dict(self._mapping)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.IMPORT_AS:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        key = self._mapping.get(row, IGNORE)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN:
                name = one_line(self._headers[row], 40) or "(no header)"
                return f"{row + 1} · {name}"
            if column == self.EXAMPLE:
                return self._examples[row]
            return FIELDS_BY_KEY[key].label if key else DONT_IMPORT
        if role == ChoiceDelegate.ChoicesRole and column == self.IMPORT_AS:
            return list(CHOICES)
        if role == ChoiceDelegate.ValueRole and column == self.IMPORT_AS:
            return key
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COLUMN and row in self._duplicates:
            return html.escape("Another column has the same header: choose which one to import.")
        if role == Qt.ItemDataRole.FontRole and column == self.IMPORT_AS and not key:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.IMPORT_AS or role != Qt.ItemDataRole.EditRole:
            return False
        key = str(value or "")
        if key and key not in FIELDS_BY_KEY:
            return False
        if key:
            self._mapping[index.row()] = key
        else:
            self._mapping.pop(index.row(), None)
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit(self.mapping())
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None
