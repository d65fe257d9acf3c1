"""Import wizard, page 1: choose the file (or a Recipro export folder or zip); it is inspected in the background.

Inspection (encoding, delimiter, header, format, first rows) runs on the journal worker; the page is complete once
it succeeded. A file that cannot be imported at all (empty, binary, undecodable, too large: E3, E12, E13) says so
here, in words, before anything else happens.

For a CSV file the page always says which encoding it is read in ("Read as: Cyrillic (Windows-1251)"), with a
combo to change it and a preview of the first rows as they read; choosing another encoding reads the file again
on the worker and the preview follows. When the encoding of a file that is not UTF-8 was only a guess (issue 10),
a warning asks the user to check the names in the preview: a wrong code page turns "Анна" into "Àííà" silently.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from recipro_desktop.core.csv_formats import CONTACT_FIELDS, ENCODINGS, FORMAT_LABELS, CsvError, encoding_label
from recipro_desktop.services.importer import SAMPLE_ROWS, ImportSettings, Inspection, inspect_source
from recipro_desktop.ui.csv_sample_model import CsvSampleModel
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
PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 6
_FIELD_ORDER = {f.key: n for n, f in enumerate(CONTACT_FIELDS)}


def combo_key(encoding: str) -> str:
    """The encoding combo's entry for a codec the file was read with (UTF-16 LE/BE are one choice)."""
    return "utf-16" if encoding.startswith("utf-16") else encoding


def preview_columns(inspection: Inspection, limit: int = PREVIEW_COLUMNS) -> list[int]:
    """The columns worth showing first: the mapped ones in field order (names first), then other columns with
    something in them. An Outlook export has ~90 columns, most empty; the user must see the names."""
    filled = [i for i in range(len(inspection.headers)) if any(i < len(r) and r[i] for r in inspection.sample)]
    mapped = sorted(
        (i for i in filled if inspection.mapping.get(i)),
        key=lambda i: (_FIELD_ORDER.get(inspection.mapping[i], 99), i),
    )
    rest = [i for i in filled if i not in mapped]
    return (mapped + rest)[:limit] or list(range(min(limit, len(inspection.headers))))


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
        self.encodingRow.setObjectName("encodingRow")
        encoding_layout = QHBoxLayout(self.encodingRow)
        encoding_layout.setContentsMargins(0, 0, 0, 0)
        encoding_label_widget = QLabel("&Read as:", self.encodingRow)
        self.encodingCombo = QComboBox(self.encodingRow)
        self.encodingCombo.setObjectName("encodingCombo")
        self.encodingCombo.setAccessibleName("Encoding to read the file with")
        self.encodingCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for name in ENCODINGS:
            self.encodingCombo.addItem(encoding_label(name), name)
        encoding_label_widget.setBuddy(self.encodingCombo)
        self.encodingNoteLabel = QLabel(self.encodingRow)
        self.encodingNoteLabel.setObjectName("encodingNoteLabel")
        self.encodingNoteLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.encodingNoteLabel.setProperty("role", "muted")
        encoding_layout.addWidget(encoding_label_widget)
        encoding_layout.addWidget(self.encodingCombo)
        encoding_layout.addWidget(self.encodingNoteLabel, 1)
        self.encodingRow.hide()
        layout.addWidget(self.encodingRow)
        self.encodingWarningLabel = QLabel(self)
        self.encodingWarningLabel.setObjectName("encodingWarningLabel")
        self.encodingWarningLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.encodingWarningLabel.setWordWrap(True)
        self.encodingWarningLabel.hide()
        layout.addWidget(self.encodingWarningLabel)
        self.previewModel = CsvSampleModel(self)
        self.previewView = QTableView(self)
        self.previewView.setObjectName("previewView")
        self.previewView.setAccessibleName("First rows of the file, as they read")
        self.previewView.setModel(self.previewModel)
        self.previewView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.previewView.setWordWrap(False)
        self.previewView.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.previewView.horizontalHeader().setDefaultSectionSize(150)
        self.previewView.horizontalHeader().setStretchLastSection(True)
        self.previewView.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.previewView.hide()
        layout.addWidget(self.previewView, 4)
        layout.addSpacing(12)
        self.formatsLabel = QLabel(FORMATS_TEXT, self)
        self.formatsLabel.setObjectName("formatsLabel")
        self.formatsLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.formatsLabel.setWordWrap(True)
        layout.addWidget(self.formatsLabel)
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
        self.encodingCombo.activated.connect(self._encoding_chosen)
        self.setTabOrder(self.pathEdit, self.chooseFileButton)
        self.setTabOrder(self.chooseFileButton, self.chooseFolderButton)
        self.setTabOrder(self.chooseFolderButton, self.encodingCombo)

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

    def _encoding_chosen(self, index: int) -> None:
        """The user picked an encoding: read the file again with it; the preview follows (no extra click)."""
        if self.flow.source is not None:
            self._inspect(self.flow.source, encoding=str(self.encodingCombo.itemData(index)))

    def _inspect(self, path: Path, *, encoding: str | None = None) -> None:
        """Inspect ``path`` in the background, detecting the encoding or with the one the user chose (E3)."""
        self._generation += 1
        generation = self._generation
        self.flow.inspection = None
        self.flow.source = path
        settings = ImportSettings(encoding=encoding)
        self.flow.settings = settings
        self._inspected = path
        if encoding is None:
            self._show_preview(None)
        self._show("Looking at the file…" if encoding is None else "Reading it again…", "muted")
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
            self._show_preview(None)
        else:
            count = len(inspection.sample)
            rows = f"{count}+ rows" if count >= SAMPLE_ROWS else ("1 row" if count == 1 else f"{count} rows")
            self._show(
                f"{FORMAT_LABELS[inspection.format]} · {len(inspection.headers)} columns · {rows}. "
                "Press Next to check the columns.",
                "",
            )
            self._show_preview(inspection)
        self.completeChanged.emit()

    def _inspect_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        chosen = self.flow.settings.encoding
        if chosen is not None:
            # The user's encoding does not read this file: say where, keep the combo to choose another (E3).
            self._show(f"The file cannot be read as {encoding_label(chosen)}.", "error")
            self._set_warning(user_message(exc), "error")
            self.previewModel.set_sample((), ())
        else:
            self._show(user_message(exc), "error")
            self._show_preview(None)
            if isinstance(exc, CsvError) and exc.offset is not None:
                self.encodingRow.show()  # a byte that does not decode: let the user say what the file is (E3)
                self.formatsLabel.hide()
        self.completeChanged.emit()

    def _show_preview(self, inspection: Inspection | None) -> None:
        """The encoding row, the unsure warning and the first rows; all hidden when there is no CSV to show."""
        shown = inspection is not None and inspection.encoding is not None and not inspection.is_bundle
        self.encodingRow.setVisible(shown)
        self.previewView.setVisible(shown)
        self.formatsLabel.setVisible(not shown)
        if inspection is None or inspection.encoding is None or not shown:
            self.encodingWarningLabel.hide()
            self.previewModel.set_sample((), ())
            return
        guess = inspection.encoding
        index = self.encodingCombo.findData(combo_key(guess.encoding))
        if index < 0:
            self.encodingCombo.addItem(encoding_label(guess.encoding), guess.encoding)
            index = self.encodingCombo.count() - 1
        self.encodingCombo.setCurrentIndex(index)
        chosen = self.flow.settings.encoding is not None
        if chosen:
            note = "chosen by you — check the names below"
        elif guess.bom:
            note = "announced by the file (byte-order mark)"
        elif guess.encoding == "utf-8":
            note = "detected"
        else:
            note = "not UTF-8: a guess" if guess.unsure else "not UTF-8: detected"
        self.encodingNoteLabel.setText(note)
        if guess.unsure and not chosen:
            others = " or ".join(encoding_label(e) for e in guess.alternatives[:2])
            could = f", but it could also be {others}" if others else ""
            self._set_warning(
                f"⚠ Recipro is not sure which encoding this file is in: it reads best as {guess.label}{could}. "
                "Check that the names below look right; if they don't, choose another encoding above.",
                "warning",
            )
        else:
            self.encodingWarningLabel.hide()
        columns = preview_columns(inspection)
        self.previewModel.set_sample(
            [inspection.headers[i] for i in columns],
            [[row[i] if i < len(row) else "" for i in columns] for row in inspection.sample[:PREVIEW_ROWS]],
        )

    def _set_warning(self, text: str, role: str) -> None:
        self.encodingWarningLabel.setText(text)
        self.encodingWarningLabel.setProperty("role", role)
        self.encodingWarningLabel.style().unpolish(self.encodingWarningLabel)
        self.encodingWarningLabel.style().polish(self.encodingWarningLabel)
        self.encodingWarningLabel.show()

    def _show(self, text: str, role: str) -> None:
        self.statusLabel.setText(text)
        self.statusLabel.setProperty("role", role)
        self.statusLabel.style().unpolish(self.statusLabel)
        self.statusLabel.style().polish(self.statusLabel)

    def isComplete(self) -> bool:
        return self.flow.inspection is not None
