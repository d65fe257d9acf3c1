"""Export: everything as round-trippable CSV (a folder or a zip), or the contacts for Google Contacts.

A form (``ui/export_dialog.ui``) over :mod:`services.exporter`; the export runs on the journal worker with a
progress bar and Cancel (a cancelled or failed export leaves nothing behind: RELIABILITY F4).

Exports are not encrypted. Before the first export of a session a **blocking** warning says so ("This file is NOT
encrypted…") and must be accepted; it is remembered until the app quits, not forever (F5). The warning also stays
visible on the dialog. The suggested folder is the Documents folder (never the journal's data folder, which the
exporter refuses anyway), files are 0600 and folders 0700.

Signals:
    export_finished(object): the :class:`~recipro_desktop.services.exporter.ExportResult` of a finished export.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from recipro_desktop.core.csv_formats import now_stamp
from recipro_desktop.services import exporter
from recipro_desktop.services.exporter import PLAINTEXT_WARNING, ExportCancelledError, ExportResult
from recipro_desktop.ui.forms.ui_export_dialog import Ui_ExportDialog
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.task_runner import CancelToken, Task, TaskCancelled

if TYPE_CHECKING:
    from recipro_desktop.services.journal import JournalService

log = logging.getLogger(__name__)


class _Session:
    """What this app session remembers (until the app quits): whether the plaintext warning was accepted (F5)."""

    acknowledged = False


def export_job(
    folder: Path, *, contacts_only: bool, as_zip: bool, excel: bool, semicolon: bool
) -> Callable[[JournalService, CancelToken], ExportResult]:
    """The background job (plain values only; a cancel becomes a quiet *cancelled*)."""

    def job(service: JournalService, token: CancelToken) -> ExportResult:
        try:
            if contacts_only:
                name = f"{exporter.GOOGLE_FILE.removesuffix('.csv')}-{now_stamp(datetime.now())}.csv"
                return exporter.export_google_contacts(
                    service,
                    folder / name,
                    excel=excel,
                    progress=token.report_progress,
                    cancelled=lambda: token.cancelled,
                )
            return exporter.export_all(
                service,
                folder,
                as_zip=as_zip,
                excel=excel,
                semicolon=semicolon,
                progress=token.report_progress,
                cancelled=lambda: token.cancelled,
            )
        except ExportCancelledError:
            raise TaskCancelled from None

    return job


class ExportDialog(QDialog):
    """Choose what and where to export, confirm the plaintext warning, export in the background."""

    export_finished = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.ui = Ui_ExportDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self.result_: ExportResult | None = None
        self._task: Task | None = None
        ui = self.ui
        ui.warningLabel.setText(PLAINTEXT_WARNING)
        ui.folderEdit.setText(str(exporter.default_export_dir()))
        ui.folderEdit.setAccessibleName("Folder to save the export in")
        ui.progressBar.hide()
        ui.showButton.hide()
        ui.cancelButton.hide()
        ui.statusLabel.hide()
        ui.everythingRadio.toggled.connect(self._what_changed)
        ui.excelCheck.toggled.connect(self._what_changed)
        ui.browseButton.clicked.connect(self._browse)
        ui.exportButton.clicked.connect(self.start_export)
        ui.cancelButton.clicked.connect(self._cancel)
        ui.closeButton.clicked.connect(self.reject)
        ui.showButton.clicked.connect(self._show_in_folder)
        self._what_changed()
        client.query(
            lambda service: service.database.paths.data_dir,
            self._data_dir_known,
            name="export-data-dir",
            on_error=lambda _exc: None,
        )

    # --- session memory of the warning (F5) --------------------------------------------------------------------

    @staticmethod
    def plaintext_acknowledged() -> bool:
        return _Session.acknowledged

    @staticmethod
    def forget_plaintext_warning() -> None:
        """Ask again before the next export (a new session; tests)."""
        _Session.acknowledged = False

    def _confirm_plaintext(self) -> bool:
        if _Session.acknowledged:
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Export is not encrypted")
        box.setText("This file is NOT encrypted.")
        box.setInformativeText(PLAINTEXT_WARNING)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("I understand, &export")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        _Session.acknowledged = True
        return True

    # --- choices --------------------------------------------------------------------------------------------

    def _data_dir_known(self, data_dir: Path) -> None:
        current = Path(self.ui.folderEdit.text().strip() or ".")
        try:
            inside = current.resolve().is_relative_to(data_dir.resolve())
        except OSError:
            inside = False
        if inside or not self.ui.folderEdit.text().strip():
            self.ui.folderEdit.setText(str(exporter.default_export_dir(data_dir)))

    def _what_changed(self) -> None:
        ui = self.ui
        everything = ui.everythingRadio.isChecked()
        ui.packagePanel.setEnabled(everything)
        ui.semicolonCheck.setEnabled(everything and ui.excelCheck.isChecked())
        if not ui.semicolonCheck.isEnabled():
            ui.semicolonCheck.setChecked(False)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the export in", self.ui.folderEdit.text())
        if folder:
            self.ui.folderEdit.setText(folder)

    # --- exporting ------------------------------------------------------------------------------------------

    def start_export(self) -> None:
        ui = self.ui
        folder = Path(ui.folderEdit.text().strip()).expanduser()
        if not ui.folderEdit.text().strip() or not folder.is_dir():
            self._status("Choose an existing folder to save the export in.", "error")
            ui.folderEdit.setFocus()
            return
        if not self._confirm_plaintext():
            self._status("Nothing was exported.", "muted")
            return
        job = export_job(
            folder,
            contacts_only=ui.contactsRadio.isChecked(),
            as_zip=ui.zipRadio.isChecked(),
            excel=ui.excelCheck.isChecked(),
            semicolon=ui.semicolonCheck.isChecked(),
        )
        self._set_running(True)
        self._status("Exporting…", "")
        self._task = self.client.long_job(
            job,
            self._finished,
            name="export",
            progress=self._progress,
            on_cancelled=self._cancelled,
            on_error=self._failed,
        )

    def _set_running(self, running: bool) -> None:
        ui = self.ui
        for widget in (ui.whatGroup, ui.formatGroup, ui.folderEdit, ui.browseButton, ui.exportButton):
            widget.setEnabled(not running)
        ui.cancelButton.setVisible(running)
        ui.cancelButton.setEnabled(running)
        ui.progressBar.setVisible(running)
        if running:
            ui.progressBar.setRange(0, 0)
            ui.showButton.hide()

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.ui.progressBar.setRange(0, total)
            self.ui.progressBar.setValue(done)

    def _cancel(self) -> None:
        if self._task is not None and not self._task.finished:
            self._task.cancel()
            self.ui.cancelButton.setEnabled(False)
            self._status("Cancelling…", "")

    def _finished(self, result: ExportResult) -> None:
        self.result_ = result
        self._set_running(False)
        what = ", ".join(f"{n:,} {label}" for label, n in result.counts.items() if n) or "nothing yet"
        kind = "zip file" if result.zipped else "file" if result.contacts_only else "folder"
        self._status(f"Exported {what} to the {kind} {result.path}.", "")
        self.ui.showButton.show()
        self.ui.closeButton.setFocus()
        self.export_finished.emit(result)

    def _cancelled(self) -> None:
        self._set_running(False)
        self._status("Cancelled: nothing was written.", "muted")

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self._status(user_message(exc), "error")

    def _status(self, text: str, role: str) -> None:
        label = self.ui.statusLabel
        label.setText(text)
        label.setProperty("role", role)
        label.style().unpolish(label)
        label.style().polish(label)
        label.show()

    def _show_in_folder(self) -> None:
        if self.result_ is None:
            return
        folder = self.result_.path if self.result_.path.is_dir() else self.result_.path.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def reject(self) -> None:
        """Closing while an export runs cancels it (nothing is left behind)."""
        if self._task is not None and not self._task.finished:
            self._task.cancel()
        super().reject()
