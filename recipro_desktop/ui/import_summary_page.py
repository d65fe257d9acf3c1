"""Import wizard, page 6: what was imported, what was not and why; save the rejected rows; undo the import.

"Save rejected rows as CSV…" writes the rows that were not imported, with a "Problem" column, to a file the user
chooses (0600, atomically, formula-safe) so they can be fixed and imported again. "Undo this import" removes
everything the import added and puts back the contacts it updated, in one transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from recipro_desktop.services import importer
from recipro_desktop.services.import_store import UndoResult
from recipro_desktop.services.importer import ImportReport
from recipro_desktop.ui.journal_client import ALL_KINDS, user_message

if TYPE_CHECKING:
    from recipro_desktop.ui.import_wizard import ImportWizard

log = logging.getLogger(__name__)


def headline(report: ImportReport) -> str:
    parts = [f"{report.added:,} new", f"{report.updated:,} updated"]
    skipped = report.identical + report.skipped
    parts.append(f"{skipped:,} skipped as already in your journal" if skipped else "none skipped")
    parts.append(f"{report.rejected:,} not imported" if report.rejected else "no problems")
    return ", ".join(parts) + "."


class ImportSummaryPage(QWizardPage):
    """The import's outcome (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self.setTitle("Import finished")
        layout = QVBoxLayout(self)
        self.headlineLabel = QLabel(self)
        self.headlineLabel.setObjectName("headlineLabel")
        self.headlineLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.headlineLabel.setWordWrap(True)
        font = QFont(self.headlineLabel.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.headlineLabel.setFont(font)
        layout.addWidget(self.headlineLabel)
        self.detailLabel = QLabel(self)
        self.detailLabel.setObjectName("detailLabel")
        self.detailLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.detailLabel.setWordWrap(True)
        self.detailLabel.setProperty("role", "muted")
        layout.addWidget(self.detailLabel)
        self.rejectedLabel = QLabel("Rows that were not imported, and why:", self)
        layout.addWidget(self.rejectedLabel)
        self.rejectedEdit = QPlainTextEdit(self)
        self.rejectedEdit.setObjectName("rejectedEdit")
        self.rejectedEdit.setAccessibleName("Rows not imported")
        self.rejectedEdit.setReadOnly(True)
        self.rejectedEdit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.rejectedEdit, 1)
        buttons = QHBoxLayout()
        self.saveRejectedButton = QPushButton("&Save rejected rows as CSV…", self)
        self.saveRejectedButton.setObjectName("saveRejectedButton")
        self.undoButton = QPushButton("&Undo this import", self)
        self.undoButton.setObjectName("undoButton")
        buttons.addWidget(self.saveRejectedButton)
        buttons.addStretch(1)
        buttons.addWidget(self.undoButton)
        layout.addLayout(buttons)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)
        layout.addWidget(self.statusLabel)
        self.saveRejectedButton.clicked.connect(self._save_rejected)
        self.undoButton.clicked.connect(self._undo)

    def initializePage(self) -> None:
        report = self.flow.report
        if report is None:
            return
        self.setSubTitle(f"From {report.source_name}.")
        self.headlineLabel.setText(headline(report))
        details = list(report.notes)
        if report.warnings:
            details.append(f"{len(report.warnings):,} row(s) were imported with a warning (see the list below).")
        self.detailLabel.setText(" ".join(details))
        self.detailLabel.setVisible(bool(details))
        lines = [
            f"Row {r.row:,} (line {r.line:,}) of {r.file}: {' '.join(r.reasons)}" for r in report.rejected_rows
        ] + [f"Warning — {w}" for w in report.warnings]
        self.rejectedEdit.setPlainText("\n".join(lines))
        has_lines = bool(lines)
        self.rejectedLabel.setVisible(has_lines)
        self.rejectedEdit.setVisible(has_lines)
        self.saveRejectedButton.setVisible(bool(report.rejected_rows))
        self.undoButton.setEnabled(report.batch_id is not None)
        self.statusLabel.clear()

    # --- save rejected rows ----------------------------------------------------------------------------------

    def _save_rejected(self) -> None:
        report = self.flow.report
        if report is None:
            return
        suggested = Path.home() / f"{Path(report.source_name).stem}-not-imported.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save rejected rows", str(suggested), "CSV files (*.csv);;All files (*)"
        )
        if not path:
            return
        dest = Path(path)
        self._set_status("Saving…", "")
        self.flow.track(
            self.flow.client.query(
                lambda _service: importer.save_rejected_rows(report, dest),
                lambda n: self._set_status(f"Saved {n:,} row(s) to {dest}. This file is not encrypted.", ""),
                name="import-save-rejected",
                on_error=lambda exc: self._set_status(f"Could not save the file: {_reason(exc)}", "error"),
            )
        )

    # --- undo -----------------------------------------------------------------------------------------------

    def _undo(self) -> None:
        report = self.flow.report
        if report is None or report.batch_id is None:
            return
        answer = QMessageBox.question(
            self,
            "Undo this import?",
            f"Remove the {report.added:,} item(s) this import added"
            + (f" and put back the {report.updated:,} contact(s) it updated" if report.updated else "")
            + "?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.undoButton.setEnabled(False)
        self._set_status("Undoing…", "")
        self.flow.track(
            self.flow.client.mutate(
                lambda service: importer.undo_import(service, report),
                self._undone,
                changes=ALL_KINDS,
                name="import-undo",
                on_error=self._undo_failed,
            )
        )

    def _undone(self, result: UndoResult) -> None:
        restored = f"; {result.restored:,} contact(s) put back as they were" if result.restored else ""
        kept = (
            f"; {result.not_restored:,} updated contact(s) were changed again since and were left as they are"
            if result.not_restored
            else ""
        )
        self._set_status(f"Import undone: {result.removed_total:,} item(s) removed{restored}{kept}.", "")
        self.flow.import_undone.emit(result)

    def _undo_failed(self, exc: BaseException) -> None:
        self.undoButton.setEnabled(True)
        self._set_status(user_message(exc), "error")

    def _set_status(self, text: str, role: str) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setProperty("role", role)
        self.statusLabel.style().unpolish(self.statusLabel)
        self.statusLabel.style().polish(self.statusLabel)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return user_message(exc)
