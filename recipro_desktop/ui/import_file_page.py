"""Import wizard, page 1: choose the file (or a Recipro export folder or zip); it is inspected in the background.

Inspection (encoding, delimiter, header, format, first rows) runs on the journal worker; the page is complete once
it succeeded. A file that cannot be imported at all (empty, binary, undecodable, too large: E3, E12, E13) says so
here, in words, before anything else happens.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from recipro_desktop.core.csv_formats import ENCODING_NAMES, FORMAT_LABELS, CsvError
from recipro_desktop.services.importer import ImportSettings, Inspection, inspect_source
from recipro_desktop.ui.journal_client import user_message

if TYPE_CHECKING:
    from recipro_desktop.ui.import_wizard import ImportWizard

log = logging.getLogger(__name__)

FORMATS_TEXT = (
    "Recognised automatically:\n"
    "  •  LinkedIn — Connections.csv from \u201cGet a copy of your data\u201d\n"
    "  •  Google Contacts — \u201cExport\u201d as Google CSV (old or new)\n"
    "  •  Outlook — \u201cExport to a file\u201d as comma separated values\n"
    "  •  Recipro — an export folder or .zip (everything comes back, with its history)\n"
    "  •  Any other CSV — you match its columns; common headers in English, German, French, Spanish, Italian, "
    "Portuguese, Dutch and Polish are matched for you"
)
FILE_FILTER = "CSV files (*.csv *.tsv *.txt);;Recipro export (*.zip);;All files (*)"


class ImportFilePage(QWizardPage):
    """Choose what to import (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self._generation = 0
        self._inspected: Path | None = None
        self.setTitle("Import contacts and notes")
        self.setSubTitle(
            "Choose a CSV file — LinkedIn's Connections.csv, a Google Contacts or Outlook export, any spreadsheet "
            "saved as CSV — or a Recipro export (its folder or .zip). Nothing is imported until you confirm."
        )
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.pathEdit = QLineEdit(self)
        self.pathEdit.setObjectName("pathEdit")
        self.pathEdit.setPlaceholderText("Path of a .csv file, an export folder or a .zip")
        self.pathEdit.setAccessibleName("File to import")
        self.pathEdit.setClearButtonEnabled(True)
        self.chooseFileButton = QPushButton("Choose &file…", self)
        self.chooseFileButton.setObjectName("chooseFileButton")
        self.chooseFolderButton = QPushButton("Choose export f&older…", self)
        self.chooseFolderButton.setObjectName("chooseFolderButton")
        row.addWidget(self.pathEdit, 1)
        row.addWidget(self.chooseFileButton)
        row.addWidget(self.chooseFolderButton)
        layout.addLayout(row)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)
        layout.addWidget(self.statusLabel)
        self.encodingRow = QWidget(self)
        encoding_layout = QHBoxLayout(self.encodingRow)
        encoding_layout.setContentsMargins(0, 0, 0, 0)
        encoding_label = QLabel("Read it as:", self.encodingRow)
        self.encodingCombo = QComboBox(self.encodingRow)
        self.encodingCombo.setObjectName("encodingCombo")
        self.encodingCombo.setAccessibleName("Encoding to read the file with")
        for name in ("cp1252", "latin-1", "utf-8", "utf-16"):
            self.encodingCombo.addItem(ENCODING_NAMES[name], name)
        encoding_label.setBuddy(self.encodingCombo)
        self.retryButton = QPushButton("&Try this encoding", self.encodingRow)
        self.retryButton.setObjectName("retryButton")
        encoding_layout.addWidget(encoding_label)
        encoding_layout.addWidget(self.encodingCombo)
        encoding_layout.addWidget(self.retryButton)
        encoding_layout.addStretch(1)
        self.encodingRow.hide()
        layout.addWidget(self.encodingRow)
        layout.addSpacing(12)
        formats = QLabel(FORMATS_TEXT, self)
        formats.setObjectName("formatsLabel")
        formats.setTextFormat(Qt.TextFormat.PlainText)
        formats.setWordWrap(True)
        layout.addWidget(formats)
        layout.addStretch(1)
        hint = QLabel(
            "Tip: exports from other tools are read as they are — nothing in them is run or converted. Files you "
            "exported from Recipro come back exactly, with their history.",
            self,
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        layout.addWidget(hint)
        self.pathEdit.editingFinished.connect(self._path_edited)
        self.chooseFileButton.clicked.connect(self._choose_file)
        self.chooseFolderButton.clicked.connect(self._choose_folder)
        self.retryButton.clicked.connect(self._retry_with_encoding)
        self.setTabOrder(self.pathEdit, self.chooseFileButton)
        self.setTabOrder(self.chooseFileButton, self.chooseFolderButton)

    # --- choosing -------------------------------------------------------------------------------------------

    def _start_dir(self) -> str:
        text = self.pathEdit.text().strip()
        return str(Path(text).parent) if text else str(Path.home())

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file to import", self._start_dir(), FILE_FILTER)
        if path:
            self.set_path(Path(path))

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a Recipro export folder", self._start_dir())
        if path:
            self.set_path(Path(path))

    def set_path(self, path: Path) -> None:
        """Use ``path`` and inspect it in the background."""
        self.pathEdit.setText(str(path))
        self._inspect(path)

    def _path_edited(self) -> None:
        text = self.pathEdit.text().strip()
        if text and Path(text).expanduser() != self._inspected:
            self._inspect(Path(text).expanduser())

    # --- inspecting -----------------------------------------------------------------------------------------

    def _retry_with_encoding(self) -> None:
        if self.flow.source is not None:
            self._inspect(self.flow.source, encoding=str(self.encodingCombo.currentData()))

    def _inspect(self, path: Path, *, encoding: str | None = None) -> None:
        """Inspect ``path`` in the background (with the encoding the user chose after a decoding error: E3)."""
        self._generation += 1
        generation = self._generation
        self.flow.inspection = None
        self.flow.source = path
        settings = ImportSettings(encoding=encoding)
        self.flow.settings = settings
        self._inspected = path
        if encoding is None:
            self.encodingRow.hide()
        self._show("Looking at the file…", "muted")
        self.completeChanged.emit()
        self.flow.track(
            self.flow.client.query(
                lambda _service: inspect_source(path, settings),
                lambda found: self._inspected_ok(generation, found),
                name="import-inspect",
                on_error=lambda exc: self._inspect_failed(generation, exc),
            )
        )

    def _inspected_ok(self, generation: int, inspection: Inspection) -> None:
        if generation != self._generation:
            return
        self.flow.inspection = inspection
        if inspection.is_bundle:
            files = len(inspection.bundle)
            self._show(f"A Recipro export ({files} files). Next: check what it holds.", "")
        else:
            encoding = inspection.encoding.label if inspection.encoding else "?"
            columns = len(inspection.headers)
            self._show(
                f"{FORMAT_LABELS[inspection.format]} · {encoding} · {columns} columns. "
                "Press Next to check how it reads.",
                "",
            )
        self.completeChanged.emit()

    def _inspect_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._show(user_message(exc), "error")
        if isinstance(exc, CsvError) and exc.offset is not None:
            self.encodingRow.show()  # a byte that does not decode: let the user say what the file is (E3)
        self.completeChanged.emit()

    def _show(self, text: str, role: str) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setProperty("role", role)
        self.statusLabel.style().unpolish(self.statusLabel)
        self.statusLabel.style().polish(self.statusLabel)

    def isComplete(self) -> bool:
        return self.flow.inspection is not None
