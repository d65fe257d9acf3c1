"""A combo-box editor for table cells whose value is one of a few choices (column mapping, duplicate action).

The model says what may be chosen: ``index.data(ChoiceDelegate.ChoicesRole)`` is a list of ``(value, label)``
pairs and ``index.data(ChoiceDelegate.ValueRole)`` the current value; the delegate writes the chosen value back
with ``setData(index, value, Qt.EditRole)``. The choice is committed as soon as it is picked (no extra Enter).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a :class:`QComboBox` of the choices its model offers."""

    ChoicesRole = Qt.ItemDataRole.UserRole + 40
    ValueRole = Qt.ItemDataRole.UserRole + 41

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(str(index.model().headerData(index.column(), Qt.Orientation.Horizontal) or "Choice"))
        for value, label in index.data(self.ChoicesRole) or ():
            combo.addItem(label, value)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        current: Any = index.data(self.ValueRole)
        found = editor.findData(current)
        if found >= 0 and found != editor.currentIndex():
            editor.setCurrentIndex(found)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentData() != index.data(self.ValueRole):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        editor.setGeometry(option.rect)
