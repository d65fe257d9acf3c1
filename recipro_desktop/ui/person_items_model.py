"""The shared half of the person page's tables: a table model over immutable items of one kind.

Each tab (listening notes, acts, promises, notes) subclasses :class:`PersonItemsModel` with its columns and
how a cell reads; the holding, resetting, header and role plumbing is here once. Items are frozen dataclasses
from the service (``needs_for``, ``acts_for``...), so painting never touches the database.

Roles: ``ITEM_ROLE`` is the row's dataclass, ``ID_ROLE`` its UUID, ``SORT_ROLE`` the value a column sorts by
(dates as ordinals, ``None`` for "nothing"), used by a :class:`QSortFilterProxyModel` with ``setSortRole``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar
from uuid import UUID

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from recipro_desktop.ui import theme

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex


class PersonItemsModel(QAbstractTableModel, Generic[T]):
    """Rows of one kind of item; subclasses define ``HEADERS`` and :meth:`cell`."""

    HEADERS: tuple[str, ...] = ()
    ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
    ID_ROLE = Qt.ItemDataRole.UserRole + 2
    SORT_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QObject | None = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._items: list[T] = []
        self._today_fn = today
        self._today = today()
        self._names: dict[UUID, str] = {}

    # --- data in ----------------------------------------------------------------------------------------

    def set_items(self, items: Sequence[T], names: dict[UUID, str] | None = None) -> None:
        """Replace every row (``names``: people's names by id, for items that name several people)."""
        self.beginResetModel()
        self._today = self._today_fn()
        self._items = list(items)
        self._names = dict(names or {})
        self.endResetModel()

    def item(self, row: int) -> T:
        return self._items[row]

    def items(self) -> list[T]:
        return list(self._items)

    def row_of(self, item_id: UUID) -> int | None:
        for n, item in enumerate(self._items):
            if getattr(item, "id", None) == item_id:
                return n
        return None

    @property
    def today(self) -> date:
        return self._today

    def name_of(self, person_id: UUID) -> str:
        return self._names.get(person_id, "someone")

    # --- Qt model API -----------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation is Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == self.ITEM_ROLE:
            return item
        if role == self.ID_ROLE:
            return getattr(item, "id", None)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            role = Qt.ItemDataRole.DisplayRole
        return self.cell(item, index.column(), role)

    def cell(self, item: T, column: int, role: int) -> Any:
        """What ``item`` shows in ``column`` for ``role`` (DisplayRole, ToolTipRole, SORT_ROLE...)."""
        raise NotImplementedError

    # --- helpers for subclasses -------------------------------------------------------------------------

    @staticmethod
    def muted() -> QColor:
        return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    @staticmethod
    def accent(name: str) -> QColor:
        """A semantic theme colour (``warning``, ``given``, ``received``...) for the current palette."""
        palette = QApplication.palette()
        return QColor(getattr(theme.colors(theme.palette_is_dark(palette)), name))
