"""The first rows of a CSV file as read with the detected (or chosen) encoding and delimiter.

Shown on the import wizard's format page so the user can see at a glance whether ``é`` reads as ``é`` and the
columns are split where they should be (RELIABILITY E3, E4). Cells are user text: shown as plain text, tooltips
escaped, long cells cut to one line.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

CELL_CHARS = 80


def one_line(text: str, limit: int = CELL_CHARS) -> str:
    """A cell on one line: line breaks shown as ``⏎``, cut at ``limit`` characters."""
    flat = text.replace("\r\n", " ⏎ ").replace("\n", " ⏎ ").replace("\r", " ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CsvSampleModel(QAbstractTableModel):
    """Header and sample rows of a file (read-only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()

    def set_sample(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        self._rows = tuple(tuple(r) for r in rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        cell = row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return html.escape(cell) if len(cell) > CELL_CHARS or "\n" in cell else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return one_line(self._headers[section], 40) if 0 <= section < len(self._headers) else None
        return str(section + 1)
