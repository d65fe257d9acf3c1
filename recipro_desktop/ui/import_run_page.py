"""Import wizard, page 5: write the import — one transaction, in the background, with progress and Cancel.

A cancel (or any failure: disk full, a damaged journal) rolls the whole import back (RELIABILITY E12, E19): the
page says so and the user can go back to the preview. When the import is stored the wizard moves on to the
summary by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWizardPage

from recipro_desktop.services.import_store import ImportCancelledError
from recipro_desktop.services.importer import ImportPlan, ImportReport, Resolution, apply_import
from recipro_desktop.ui.journal_client import ALL_KINDS, user_message
from recipro_desktop.ui.task_runner import CancelToken, Task, TaskCancelled

if TYPE_CHECKING:
    from recipro_desktop.services.journal import JournalService
    from recipro_desktop.ui.import_wizard import ImportWizard

log = logging.getLogger(__name__)


def apply_job(plan: ImportPlan, resolution: Resolution) -> Callable[[JournalService, CancelToken], ImportReport]:
    """The background job: store the resolved plan (a cancel becomes a quiet *cancelled*; nothing is kept)."""

    def job(service: JournalService, token: CancelToken) -> ImportReport:
        try:
            return apply_import(
                service, plan, resolution, progress=token.report_progress, cancelled=lambda: token.cancelled
            )
        except ImportCancelledError:
            raise TaskCancelled from None

    return job


class ImportRunPage(QWizardPage):
    """Store the import (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self._task: Task | None = None
        self._done = False
        self.setTitle("Importing")
        self.setSubTitle("Everything is stored in one step: if you cancel, nothing is imported.")
        self.setCommitPage(False)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setAccessibleName("Import progress")
        self.cancelButton = QPushButton("&Cancel import", self)
        self.cancelButton.setObjectName("cancelButton")
        row.addWidget(self.progressBar, 1)
        row.addWidget(self.cancelButton)
        layout.addLayout(row)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)
        layout.addWidget(self.statusLabel)
        layout.addStretch(1)
        self.cancelButton.clicked.connect(self._cancel)

    def initializePage(self) -> None:
        self._done = False
        plan, resolution = self.flow.plan, self.flow.resolution
        self.progressBar.setRange(0, 0)
        self.cancelButton.setEnabled(True)
        self.cancelButton.show()
        self._set_status("Storing…", "")
        if plan is None or resolution is None:
            return
        self._task = self.flow.track(
            self.flow.client.long_job(
                apply_job(plan, resolution),
                self._stored,
                name="import-apply",
                changes=ALL_KINDS,
                progress=self._progress,
                on_cancelled=self._cancelled,
                on_error=self._failed,
            )
        )
        self.completeChanged.emit()

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progressBar.setRange(0, total)
            self.progressBar.setValue(done)
            self._set_status(f"Storing {done:,} of {total:,}…", "")

    def _cancel(self) -> None:
        if self._task is not None and not self._task.finished:
            self._task.cancel()
            self.cancelButton.setEnabled(False)
            self._set_status("Cancelling…", "")

    def _stored(self, report: ImportReport) -> None:
        self._done = True
        self.flow.report = report
        self.flow.plan = None  # the summary needs the report only; let the rows go
        self.cancelButton.hide()
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(1)
        self._set_status("Done.", "")
        self.completeChanged.emit()
        self.flow.import_finished.emit(report)
        self.flow.next()

    def _cancelled(self) -> None:
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(0)
        self.cancelButton.hide()
        self._set_status("Cancelled: nothing was imported. Press Back to return to the preview.", "warning")
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.progressBar.setRange(0, 1)
        self.progressBar.setValue(0)
        self.cancelButton.hide()
        self._set_status(f"{user_message(exc)} Nothing was imported.", "error")
        self.completeChanged.emit()

    def _set_status(self, text: str, role: str) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setProperty("role", role)
        self.statusLabel.style().unpolish(self.statusLabel)
        self.statusLabel.style().polish(self.statusLabel)

    def isComplete(self) -> bool:
        return self._done

    def validatePage(self) -> bool:
        return self._done
