"""Import wizard, page 3: which column becomes which field, and how dates are written (E9, E10, E17).

Columns start auto-matched by their headers (English and common other languages). Each "Import as" cell is a combo
box. The page is complete when some column gives a name and no single field has two columns; columns with the same
header are pointed out, and columns that will not be imported are listed.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from recipro_desktop.core.csv_formats import DATE_ORDER_LABELS, DateOrder, check_mapping, column_name
from recipro_desktop.ui.choice_delegate import ChoiceDelegate
from recipro_desktop.ui.column_mapping_model import ColumnMappingModel

if TYPE_CHECKING:
    from recipro_desktop.ui.import_wizard import ImportWizard


class ImportMappingPage(QWizardPage):
    """Match the file's columns to contact fields (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self.setTitle("Match the columns")
        self.setSubTitle(
            "Recipro matched the columns it recognised. Choose what each column is, or \u201cDon't import\u201d."
        )
        layout = QVBoxLayout(self)
        self.model = ColumnMappingModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("mappingView")
        self.view.setAccessibleName("Column mapping")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(ColumnMappingModel.IMPORT_AS, ChoiceDelegate(self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers & ~QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(ColumnMappingModel.COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ColumnMappingModel.EXAMPLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ColumnMappingModel.IMPORT_AS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ColumnMappingModel.IMPORT_AS, 230)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        layout.addWidget(self.view, 1)
        form = QFormLayout()
        self.dateCombo = QComboBox(self)
        self.dateCombo.setObjectName("dateCombo")
        self.dateCombo.setAccessibleName("Date format")
        for order, label in DATE_ORDER_LABELS.items():
            self.dateCombo.addItem(label, order.value)
        form.addRow("&Dates are written as:", self.dateCombo)
        layout.addLayout(form)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("errorLabel")
        self.errorLabel.setProperty("role", "error")
        self.errorLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.errorLabel.setWordWrap(True)
        layout.addWidget(self.errorLabel)
        self.ignoredLabel = QLabel(self)
        self.ignoredLabel.setObjectName("ignoredLabel")
        self.ignoredLabel.setProperty("role", "muted")
        self.ignoredLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.ignoredLabel.setWordWrap(True)
        layout.addWidget(self.ignoredLabel)
        self.model.mapping_changed.connect(self._mapping_changed)
        self.dateCombo.activated.connect(self._date_changed)

    def initializePage(self) -> None:
        inspection = self.flow.inspection
        if inspection is None:
            return
        mapping = dict(self.flow.settings.mapping) if self.flow.settings.mapping is not None else inspection.mapping
        self.model.set_columns(inspection.headers, inspection.sample, mapping, inspection.duplicate_headers)
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, ColumnMappingModel.IMPORT_AS))
        order = self.flow.settings.date_order
        shown = order if order is not DateOrder.AUTO else inspection.date_order
        self.dateCombo.setCurrentIndex(self.dateCombo.findData(shown.value))
        self._mapping_changed(self.model.mapping())

    def _mapping_changed(self, mapping: dict[int, str]) -> None:
        self.flow.settings = dataclasses.replace(self.flow.settings, mapping=mapping)
        self._update_messages()
        self.completeChanged.emit()

    def _date_changed(self) -> None:
        order = DateOrder(self.dateCombo.currentData())
        self.flow.settings = dataclasses.replace(self.flow.settings, date_order=order)

    def _update_messages(self) -> None:
        inspection = self.flow.inspection
        headers = inspection.headers if inspection else ()
        check = check_mapping(self.model.mapping(), headers)
        errors = list(check.errors)
        if inspection is not None:
            mapping = self.model.mapping()
            for group in inspection.duplicate_headers:
                if sum(1 for i in group if i in mapping) < len(group):
                    cols = " and ".join(str(i + 1) for i in group)
                    errors.append(f"Columns {cols} have the same header; only the ones you choose are imported.")
        self.errorLabel.setText(" ".join(errors))
        self.errorLabel.setVisible(bool(errors))
        ignored = [column_name(i, headers) for i in check.ignored]
        self.ignoredLabel.setText(f"Not imported: {', '.join(ignored)}." if ignored else "Every column is imported.")

    def isComplete(self) -> bool:
        inspection = self.flow.inspection
        return inspection is not None and check_mapping(self.model.mapping(), inspection.headers).ok
