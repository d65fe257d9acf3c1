"""The import preview: one row per data row of the file, what it will become and why (E8, E11, E14-E18).

Rows pair a :class:`~recipro_desktop.services.importer.PlannedRow` with its
:class:`~recipro_desktop.services.importer.RowOutcome`. A row that matches a contact already in the journal (or an
earlier row) can be switched between skip / update / add in the "Will be" column (a
:class:`~recipro_desktop.ui.choice_delegate.ChoiceDelegate`); :attr:`ImportRowsModel.override_changed` tells the page
to resolve again. A ``QSortFilterProxyModel`` filters on :attr:`ImportRowsModel.FilterRole` ("problem",
"duplicate", "new", "update") and sorts on :attr:`ImportRowsModel.SortRole`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication, QStyle

from recipro_desktop.services.importer import (
    ACTION_LABELS,
    DuplicatePolicy,
    PlannedRow,
    RowAction,
    RowOutcome,
)
from recipro_desktop.ui.choice_delegate import ChoiceDelegate
from recipro_desktop.ui.csv_sample_model import one_line

Index = QModelIndex | QPersistentModelIndex

POLICY_CHOICES: tuple[tuple[str, str], ...] = (
    (DuplicatePolicy.SKIP.value, "Skip (keep the journal's)"),
    (DuplicatePolicy.UPDATE.value, "Update the journal's"),
    (DuplicatePolicy.ADD.value, "Add as a new contact"),
)
FILTER_KEYS = {
    RowAction.REJECT: "problem",
    RowAction.SKIP: "duplicate",
    RowAction.IDENTICAL: "duplicate",
    RowAction.ADD: "new",
    RowAction.UPDATE: "update",
}


class ImportRowsModel(QAbstractTableModel):
    """Planned rows and their outcomes (see the module docstring).

    Signals:
        override_changed(int, object): plan-row index and the :class:`DuplicatePolicy` the user chose for it.
    """

    ROW, NAME, ACTION, DETAILS = range(4)
    HEADERS = ("Row", "Name", "Will be", "Details")

    SortRole = Qt.ItemDataRole.UserRole + 1
    FilterRole = Qt.ItemDataRole.UserRole + 2
    PlanIndexRole = Qt.ItemDataRole.UserRole + 3
    ActionRole = Qt.ItemDataRole.UserRole + 4

    override_changed = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PlannedRow] = []
        self._outcomes: list[RowOutcome] = []
        self._overrides: dict[int, DuplicatePolicy] = {}
        self._many_files = False

    def set_rows(self, rows: Sequence[PlannedRow], outcomes: Sequence[RowOutcome]) -> None:
        """New rows (a Recipro export's rows come from several files: the row column then names the file)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._outcomes = list(outcomes)
        self._overrides = {}
        self._many_files = len({r.file for r in self._rows}) > 1
        self.endResetModel()

    def set_outcomes(self, outcomes: Sequence[RowOutcome], overrides: dict[int, DuplicatePolicy]) -> None:
        """New outcomes for the same rows (after the policy changed): repaint, keep selection and scroll."""
        if len(outcomes) != len(self._rows):
            raise ValueError("outcomes do not match the rows")
        self._outcomes = list(outcomes)
        self._overrides = dict(overrides)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.ACTION), self.index(len(self._rows) - 1, self.DETAILS))

    def outcome(self, row: int) -> RowOutcome:
        return self._outcomes[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def _matched(self, row: int) -> bool:
        outcome = self._outcomes[row]
        return outcome.target is not None and outcome.action in (RowAction.SKIP, RowAction.UPDATE, RowAction.ADD)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ACTION and self._matched(index.row()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _details(self, row: int) -> str:
        planned, outcome = self._rows[row], self._outcomes[row]
        parts = [outcome.reason] if outcome.reason and outcome.action is not RowAction.REJECT else []
        parts.extend(planned.problems)
        parts.extend(planned.warnings)
        return " ".join(p for p in parts if p)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        planned, outcome = self._rows[row], self._outcomes[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.ROW:
                if self._many_files:
                    return f"{planned.file.removesuffix('.csv').replace('_', ' ')} {planned.row:,}"
                return f"{planned.row:,}"
            if column == self.NAME:
                return one_line(planned.label, 60) if planned.label else "—"
            if column == self.ACTION:
                label = ACTION_LABELS[outcome.action]
                return f"{label} ▾" if self._matched(row) else label
            return one_line(self._details(row), 200)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.ROW:
                return html.escape(f"Row {planned.row:,}, line {planned.line:,} of {planned.file}")
            if column == self.DETAILS:
                details = self._details(row)
                return html.escape(details) if details else None
            if column == self.ACTION and self._matched(row):
                return "Double-click to choose: skip, update or add this row."
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.ACTION and outcome.action is RowAction.REJECT:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.SortRole:
            if column == self.ROW:
                return row  # the plan's order: file by file, row by row
            if column == self.NAME:
                return planned.label.casefold()
            if column == self.ACTION:
                return list(RowAction).index(outcome.action)
            return self._details(row).casefold()
        if role == self.FilterRole:
            return FILTER_KEYS[outcome.action]
        if role == self.PlanIndexRole:
            return row
        if role == self.ActionRole:
            return outcome.action
        if role == ChoiceDelegate.ChoicesRole and column == self.ACTION:
            return list(POLICY_CHOICES)
        if role == ChoiceDelegate.ValueRole and column == self.ACTION:
            return _policy_of(outcome.action).value
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.ACTION or role != Qt.ItemDataRole.EditRole:
            return False
        if not self._matched(index.row()):
            return False
        try:
            policy = DuplicatePolicy(value)
        except ValueError:
            return False
        self._overrides[index.row()] = policy
        self.override_changed.emit(index.row(), policy)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


def _policy_of(action: RowAction) -> DuplicatePolicy:
    if action is RowAction.UPDATE:
        return DuplicatePolicy.UPDATE
    if action is RowAction.ADD:
        return DuplicatePolicy.ADD
    return DuplicatePolicy.SKIP
