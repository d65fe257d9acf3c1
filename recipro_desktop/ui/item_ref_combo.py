"""A combo box that picks another item by id ("meets need", "in return for", "fulfilled by"), or none."""

from __future__ import annotations

import html
from collections.abc import Sequence
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QWidget

_ID_ROLE = Qt.ItemDataRole.UserRole


class ItemRefCombo(QComboBox):
    """``(id, one-line text)`` options after a "none" entry; keeps the current choice across refills.

    Ids are kept as strings in the item data: Qt compares a wrapped Python object by identity, so ``findData``
    would never find a UUID that is equal but not the same object.

    The options are filled in the background by the dialog (they depend on the people chosen), so
    :meth:`set_options` may come after :meth:`set_current_id`: the wanted id is remembered until it appears.
    """

    def __init__(self, parent: QWidget | None = None, *, none_text: str = "— none —") -> None:
        super().__init__(parent)
        self._none_text = none_text
        self._wanted: UUID | None = None
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.activated.connect(self._on_user_choice)
        self.set_options(())

    def _on_user_choice(self, _index: int) -> None:
        self._wanted = self.current_id()  # the user's choice (even "none") wins over the prefilled one

    def set_options(self, options: Sequence[tuple[UUID, str]], icon: QIcon | None = None) -> None:
        keep = self._wanted if self.current_id() is None else self.current_id()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._none_text, None)
        for item_id, text in options:
            if icon is not None:
                self.addItem(icon, text, str(item_id))
            else:
                self.addItem(text, str(item_id))
            self.setItemData(self.count() - 1, f"<qt>{html.escape(text)}</qt>", Qt.ItemDataRole.ToolTipRole)
        self.blockSignals(False)
        self.set_current_id(keep)

    def set_current_id(self, item_id: UUID | None) -> None:
        self._wanted = item_id
        index = 0 if item_id is None else self.findData(str(item_id), _ID_ROLE)
        self.setCurrentIndex(max(0, index))

    def current_id(self) -> UUID | None:
        value = self.currentData(_ID_ROLE)
        return UUID(value) if isinstance(value, str) else None

    def option_ids(self) -> list[UUID]:
        return [UUID(d) for i in range(self.count()) if isinstance(d := self.itemData(i, _ID_ROLE), str)]
