"""Import wizard, page 4: read the whole file and show what each row will become — before anything is written.

The file is read on the journal worker (:func:`~recipro_desktop.services.importer.plan_import`) with a progress
bar and a Cancel button. The table lists every row: new, update, identical (skipped), duplicate (skipped) or a
problem with its reasons (E8, E14-E18). "When a contact is already in your journal" chooses skip / update / add
for every duplicate; a single duplicate row can be switched in its "Will be" cell. Rows with problems are skipped
(the default) or block the import (E8: the user chooses). Counts are recomputed in the background (resolving
100,000 rows takes a moment).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from recipro_desktop.core.csv_formats import CsvFormat
from recipro_desktop.services.import_store import ImportCancelledError
from recipro_desktop.services.importer import (
    POLICY_LABELS,
    DuplicatePolicy,
    ImportPlan,
    ImportSettings,
    Resolution,
    RowAction,
    plan_import,
    resolve,
)
from recipro_desktop.ui.choice_delegate import ChoiceDelegate
from recipro_desktop.ui.import_rows_model import ImportRowsModel
from recipro_desktop.ui.journal_client import user_message
from recipro_desktop.ui.task_runner import CancelToken, Task, TaskCancelled

if TYPE_CHECKING:
    from recipro_desktop.services.journal import JournalService
    from recipro_desktop.ui.import_wizard import ImportWizard

log = logging.getLogger(__name__)

POLICY_PROMPT = "When a contact is already in your &journal:"
SHOW_CHOICES = (
    ("", "All rows"),
    ("problem", "Problems"),
    ("duplicate", "Duplicates"),
    ("new", "New"),
    ("update", "Updates"),
)


def plan_job(
    path: Path, settings: ImportSettings
) -> Callable[[JournalService, CancelToken], tuple[ImportPlan, Resolution]]:
    """The background job: read and plan the whole file (a cancel becomes a quiet *cancelled*)."""

    def job(service: JournalService, token: CancelToken) -> tuple[ImportPlan, Resolution]:
        try:
            plan = plan_import(
                service, path, settings, progress=token.report_progress, cancelled=lambda: token.cancelled
            )
        except ImportCancelledError:
            raise TaskCancelled from None
        return plan, resolve(plan, settings.duplicates)

    return job


def counts_text(resolution: Resolution) -> str:
    """``31 new · 2 to update · 1 duplicate to skip · 1 with a problem`` (empty kinds left out, except "new")."""
    counts = {action: resolution.count(action) for action in RowAction}
    parts = [f"{counts[RowAction.ADD]:,} new"]
    if counts[RowAction.UPDATE]:
        parts.append(f"{counts[RowAction.UPDATE]:,} to update")
    if counts[RowAction.IDENTICAL]:
        parts.append(f"{counts[RowAction.IDENTICAL]:,} already in your journal")
    if counts[RowAction.SKIP]:
        n = counts[RowAction.SKIP]
        parts.append(f"{n:,} duplicate{'' if n == 1 else 's'} to skip")
    if counts[RowAction.REJECT]:
        n = counts[RowAction.REJECT]
        parts.append(f"{n:,} with {'a problem' if n == 1 else 'problems'}")
    return "  ·  ".join(parts)


class ImportPreviewPage(QWizardPage):
    """Preview every row (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self._task: Task | None = None
        self._resolving = 0
        self.setTitle("Preview")
        self.setSubTitle("Nothing has been imported yet. Check what will happen to each row, then press Import.")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Import")
        layout = QVBoxLayout(self)
        self.busyWidget = QWidget(self)
        busy = QHBoxLayout(self.busyWidget)
        busy.setContentsMargins(0, 0, 0, 0)
        self.progressBar = QProgressBar(self.busyWidget)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setAccessibleName("Reading progress")
        self.progressBar.setRange(0, 0)
        self.cancelButton = QPushButton("&Cancel reading", self.busyWidget)
        self.cancelButton.setObjectName("cancelButton")
        busy.addWidget(QLabel("Reading the whole file…", self.busyWidget))
        busy.addWidget(self.progressBar, 1)
        busy.addWidget(self.cancelButton)
        layout.addWidget(self.busyWidget)
        self.countsLabel = QLabel(self)
        self.countsLabel.setObjectName("countsLabel")
        self.countsLabel.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.countsLabel.font())
        bold.setBold(True)
        self.countsLabel.setFont(bold)
        self.countsLabel.setWordWrap(True)
        layout.addWidget(self.countsLabel)
        self.notesLabel = QLabel(self)
        self.notesLabel.setObjectName("notesLabel")
        self.notesLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.notesLabel.setProperty("role", "muted")
        self.notesLabel.setWordWrap(True)
        layout.addWidget(self.notesLabel)
        options = QHBoxLayout()
        self.policyLabel = QLabel(POLICY_PROMPT, self)
        self.policyCombo = QComboBox(self)
        self.policyCombo.setObjectName("policyCombo")
        self.policyCombo.setAccessibleName("When a contact is already in your journal")
        for policy, label in POLICY_LABELS.items():
            self.policyCombo.addItem(label, policy.value)
        self.policyLabel.setBuddy(self.policyCombo)
        self.showCombo = QComboBox(self)
        self.showCombo.setObjectName("showCombo")
        self.showCombo.setAccessibleName("Show")
        for key, label in SHOW_CHOICES:
            self.showCombo.addItem(label, key)
        show_label = QLabel("&Show:", self)
        show_label.setBuddy(self.showCombo)
        options.addWidget(self.policyLabel)
        options.addWidget(self.policyCombo)
        options.addStretch(1)
        options.addWidget(show_label)
        options.addWidget(self.showCombo)
        layout.addLayout(options)
        self.model = ImportRowsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(ImportRowsModel.FilterRole)
        self.proxy.setSortRole(ImportRowsModel.SortRole)
        self.view = QTableView(self)
        self.view.setObjectName("rowsView")
        self.view.setAccessibleName("Rows of the file")
        self.view.setModel(self.proxy)
        self.view.setItemDelegateForColumn(ImportRowsModel.ACTION, ChoiceDelegate(self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(ImportRowsModel.ROW, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(ImportRowsModel.ROW, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(ImportRowsModel.NAME, 200)
        header.resizeSection(ImportRowsModel.ACTION, 170)
        header.setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.skipCheck = QCheckBox("S&kip the rows with problems and import the rest", self)
        self.skipCheck.setObjectName("skipCheck")
        self.skipCheck.setChecked(True)
        layout.addWidget(self.skipCheck)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("errorLabel")
        self.errorLabel.setProperty("role", "error")
        self.errorLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.errorLabel.setWordWrap(True)
        layout.addWidget(self.errorLabel)
        self.cancelButton.clicked.connect(self._cancel)
        self.policyCombo.activated.connect(self._policy_changed)
        self.showCombo.activated.connect(self._show_changed)
        self.skipCheck.toggled.connect(self._skip_toggled)
        self.model.override_changed.connect(self._override_changed)

    # --- reading ---------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        self.flow.plan = None
        self.flow.resolution = None
        self.flow.overrides = {}
        self.model.set_rows((), ())
        self.countsLabel.clear()
        self.notesLabel.clear()
        self.errorLabel.hide()
        self.skipCheck.hide()
        self.busyWidget.show()
        self.progressBar.setRange(0, 0)
        self.cancelButton.setEnabled(True)
        self.policyCombo.setCurrentIndex(self.policyCombo.findData(self.flow.settings.duplicates.value))
        self._set_controls_enabled(False)
        source = self.flow.source
        if source is None:
            return
        self._task = self.flow.track(
            self.flow.client.long_job(
                plan_job(source, self.flow.settings),
                self._planned,
                name="import-plan",
                progress=self._progress,
                on_cancelled=self._cancelled,
                on_error=self._failed,
            )
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        if self._task is not None and not self._task.finished:
            self._task.cancel()

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(int(done * 1000 / total))

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancelButton.setEnabled(False)

    def _planned(self, result: tuple[ImportPlan, Resolution]) -> None:
        plan, resolution = result
        self.flow.plan = plan
        self.flow.resolution = resolution
        self.busyWidget.hide()
        self._fill_policies(plan.format is CsvFormat.RECIPRO)
        self.model.set_rows(plan.rows, resolution.outcomes)
        self.notesLabel.setText(" ".join(plan.notes))
        self.notesLabel.setVisible(bool(plan.notes))
        self.skipCheck.setVisible(plan.rejected > 0)
        self.skipCheck.setChecked(self.flow.settings.skip_bad_rows)
        self._set_controls_enabled(True)
        self._show_counts()
        if not plan.rows:
            self._show_error("No data rows found: the file holds only its header (or blank lines). Nothing to import.")
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        self.busyWidget.hide()
        self._show_error("Reading was cancelled; nothing was imported. Press Back to choose again.")

    def _failed(self, exc: BaseException) -> None:
        self.busyWidget.hide()
        self._show_error(user_message(exc))

    def _show_error(self, text: str) -> None:
        self.errorLabel.setText(text)
        self.errorLabel.show()
        self.completeChanged.emit()

    def _fill_policies(self, own_export: bool) -> None:
        """Our own export matches by id: "add anyway" cannot apply (the id is taken), "update" replaces."""
        self.policyCombo.clear()
        for policy, label in POLICY_LABELS.items():
            if own_export and policy is DuplicatePolicy.ADD:
                continue
            shown = "Replace it with the export's version" if own_export and policy is DuplicatePolicy.UPDATE else label
            self.policyCombo.addItem(shown, policy.value)
        self.policyLabel.setText("When an item is already in your &journal:" if own_export else POLICY_PROMPT)
        self.policyCombo.setCurrentIndex(max(0, self.policyCombo.findData(self.flow.settings.duplicates.value)))

    def _set_controls_enabled(self, enabled: bool) -> None:
        for widget in (self.policyCombo, self.showCombo, self.view, self.policyLabel):
            widget.setEnabled(enabled)

    # --- choices --------------------------------------------------------------------------------------------

    def _show_counts(self) -> None:
        resolution = self.flow.resolution
        plan = self.flow.plan
        if resolution is None or plan is None:
            return
        self.countsLabel.setText(counts_text(resolution))
        blocked = plan.rejected > 0 and not self.skipCheck.isChecked()
        if blocked:
            self.errorLabel.setText(
                f"{plan.rejected:,} row(s) have problems. Fix them in the file and start again, or skip them."
            )
        self.errorLabel.setVisible(blocked)

    def _policy_changed(self) -> None:
        policy = DuplicatePolicy(self.policyCombo.currentData())
        self.flow.settings = dataclasses.replace(self.flow.settings, duplicates=policy)
        self.flow.overrides = {}
        self._resolve_again()

    def _override_changed(self, row: int, policy: DuplicatePolicy) -> None:
        self.flow.overrides[row] = policy
        self._resolve_again()

    def _resolve_again(self) -> None:
        plan = self.flow.plan
        if plan is None:
            return
        self._resolving += 1
        generation = self._resolving
        policy = self.flow.settings.duplicates
        overrides = dict(self.flow.overrides)
        self.completeChanged.emit()
        self.flow.track(
            self.flow.client.query(
                lambda _service: resolve(plan, policy, overrides),
                lambda resolution: self._resolved(generation, resolution, overrides),
                name="import-resolve",
                on_error=self._failed,
            )
        )

    def _resolved(self, generation: int, resolution: Resolution, overrides: dict[int, DuplicatePolicy]) -> None:
        if generation != self._resolving:
            return
        self.flow.resolution = resolution
        self.model.set_outcomes(resolution.outcomes, overrides)
        self._show_counts()
        self.completeChanged.emit()

    def _show_changed(self) -> None:
        self.proxy.setFilterFixedString(str(self.showCombo.currentData()))

    def _skip_toggled(self, checked: bool) -> None:
        self.flow.settings = dataclasses.replace(self.flow.settings, skip_bad_rows=checked)
        self._show_counts()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan, resolution = self.flow.plan, self.flow.resolution
        if plan is None or resolution is None or self.flow.busy() or not plan.rows:
            return False
        return plan.rejected == 0 or self.skipCheck.isChecked()
