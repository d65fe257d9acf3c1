"""Import wizard, page 2: what was detected, the first rows as they read, and overrides (E2-E4, E13).

Changing the format, the encoding or the delimiter inspects the file again in the background; a choice that does
not work (an encoding that cannot decode the file) says where it fails instead of showing garbled text.
For a Recipro export the page lists the files it holds (their layout is fixed and needs no choices).
"""

from __future__ import annotations

import dataclasses
import logging
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

from recipro_desktop.core.csv_formats import DELIMITER_NAMES, ENCODING_NAMES, ENCODINGS, FORMAT_LABELS, CsvFormat
from recipro_desktop.services.importer import Inspection, inspect_source
from recipro_desktop.ui.csv_sample_model import CsvSampleModel
from recipro_desktop.ui.journal_client import user_message

if TYPE_CHECKING:
    from recipro_desktop.ui.import_wizard import ImportWizard

log = logging.getLogger(__name__)

ENCODING_CHOICES = ENCODINGS
FORMAT_CHOICES = (CsvFormat.LINKEDIN, CsvFormat.GOOGLE, CsvFormat.OUTLOOK, CsvFormat.GENERIC)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:,.0f} kB"
    return f"{n / 1e6:,.1f} MB"


class ImportFormatPage(QWizardPage):
    """Check and override how the file is read (see the module docstring)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.flow = wizard
        self._generation = 0
        self._filling = False
        self._failed = False
        self.setTitle("Check how the file reads")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.formatCombo = QComboBox(self)
        self.formatCombo.setObjectName("formatCombo")
        self.formatCombo.setAccessibleName("File format")
        self.encodingCombo = QComboBox(self)
        self.encodingCombo.setObjectName("encodingCombo")
        self.encodingCombo.setAccessibleName("Encoding")
        self.delimiterCombo = QComboBox(self)
        self.delimiterCombo.setObjectName("delimiterCombo")
        self.delimiterCombo.setAccessibleName("Delimiter")
        form.addRow("&Format:", self.formatCombo)
        form.addRow("&Encoding:", self.encodingCombo)
        form.addRow("&Delimiter:", self.delimiterCombo)
        self.form = form
        layout.addLayout(form)
        self.notesLabel = QLabel(self)
        self.notesLabel.setObjectName("notesLabel")
        self.notesLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.notesLabel.setWordWrap(True)
        self.notesLabel.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.notesLabel)
        self.sampleLabel = QLabel("The first rows, as they will be read:", self)
        self.sampleLabel.setProperty("role", "muted")
        layout.addWidget(self.sampleLabel)
        self.sampleModel = CsvSampleModel(self)
        self.sampleView = QTableView(self)
        self.sampleView.setObjectName("sampleView")
        self.sampleView.setAccessibleName("First rows of the file")
        self.sampleView.setModel(self.sampleModel)
        self.sampleView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sampleView.setWordWrap(False)
        self.sampleView.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.sampleView.horizontalHeader().setDefaultSectionSize(140)
        self.sampleView.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout.addWidget(self.sampleView, 1)
        self.formatCombo.activated.connect(self._choice_changed)
        self.encodingCombo.activated.connect(self._choice_changed)
        self.delimiterCombo.activated.connect(self._choice_changed)

    # --- filling --------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        inspection = self.flow.inspection
        if inspection is not None:
            self._fill(inspection)

    def _fill(self, inspection: Inspection) -> None:
        self._filling = True
        try:
            bundle = inspection.is_bundle
            for combo in (self.formatCombo, self.encodingCombo, self.delimiterCombo):
                combo.setVisible(not bundle)
                label = self.form.labelForField(combo)
                if label is not None:
                    label.setVisible(not bundle)
            if bundle:
                self._fill_bundle(inspection)
                return
            detected = inspection.format
            self.setSubTitle(
                f"Recognised as: {FORMAT_LABELS[detected]}. Check that the names and accents below look right; "
                "if they don't, choose another encoding or delimiter."
            )
            self.formatCombo.clear()
            for fmt in FORMAT_CHOICES:
                self.formatCombo.addItem(FORMAT_LABELS[fmt], fmt.value)
            if detected is CsvFormat.RECIPRO:
                self.formatCombo.insertItem(0, FORMAT_LABELS[detected], detected.value)
            self.formatCombo.setCurrentIndex(self.formatCombo.findData(detected.value))
            self.encodingCombo.clear()
            current = inspection.encoding.encoding if inspection.encoding else "utf-8"
            if inspection.encoding is not None and current not in ENCODING_CHOICES:
                self.encodingCombo.addItem(inspection.encoding.label, current)
            for name in ENCODING_CHOICES:
                self.encodingCombo.addItem(ENCODING_NAMES[name], name)
            base = "utf-16" if current.startswith("utf-16") else current
            self.encodingCombo.setCurrentIndex(max(0, self.encodingCombo.findData(base)))
            self.delimiterCombo.clear()
            for delimiter, name in DELIMITER_NAMES.items():
                shown = "Tab" if delimiter == "\t" else f"{name.capitalize()} ( {delimiter} )"
                self.delimiterCombo.addItem(shown, delimiter)
            self.delimiterCombo.setCurrentIndex(self.delimiterCombo.findData(inspection.delimiter))
            warnings = list(inspection.warnings)
            if inspection.duplicate_headers:
                groups = "; ".join(" and ".join(str(i + 1) for i in g) for g in inspection.duplicate_headers)
                warnings.append(f"Columns {groups} have the same header: choose which to import on the next page.")
            notes = []
            if inspection.encoding is not None:
                notes.append(f"Read as {inspection.encoding.label} ({inspection.encoding.note}).")
            notes.extend(inspection.notes)
            self._set_notes(" ".join([*warnings, *notes]), warning=bool(warnings))
            self.sampleLabel.setVisible(True)
            self.sampleView.setVisible(True)
            self.sampleModel.set_sample(inspection.headers, inspection.sample)
            self._failed = False
        finally:
            self._filling = False
        self.completeChanged.emit()

    def _fill_bundle(self, inspection: Inspection) -> None:
        self.setSubTitle("A Recipro export: everything in it comes back exactly, with its ids and history.")
        lines = [f"• {f.name} — {f.kind} ({_size(f.size)})" for f in inspection.bundle]
        self._set_notes(
            "This export holds:\n" + "\n".join(lines) + "\n\nItems already in your journal (same id) are recognised: "
            "unchanged ones are skipped; you choose what happens to changed ones on the preview page.",
            warning=False,
        )
        self.sampleLabel.setVisible(False)
        self.sampleView.setVisible(False)
        self._failed = False
        self._filling = False
        self.completeChanged.emit()

    def _set_notes(self, text: str, *, warning: bool) -> None:
        self.notesLabel.setText(text)
        self.notesLabel.setProperty("role", "warning" if warning else "")
        self.notesLabel.style().unpolish(self.notesLabel)
        self.notesLabel.style().polish(self.notesLabel)

    # --- overrides --------------------------------------------------------------------------------------------

    def _choice_changed(self) -> None:
        if self._filling or self.flow.source is None:
            return
        inspection = self.flow.inspection
        fmt = CsvFormat(self.formatCombo.currentData())
        encoding = str(self.encodingCombo.currentData())
        delimiter = str(self.delimiterCombo.currentData())
        detected_encoding = inspection.encoding.encoding if inspection and inspection.encoding else None
        settings = dataclasses.replace(
            self.flow.settings,
            format=fmt,
            # unchanged: keep what page 1 used (the user's choice there, or detection)
            encoding=self.flow.settings.encoding
            if detected_encoding and detected_encoding.startswith(encoding)
            else encoding,
            delimiter=delimiter,
            mapping=None,
        )
        self.flow.settings = settings
        self._generation += 1
        generation = self._generation
        path = self.flow.source
        self._set_notes("Reading the file again…", warning=False)
        self.flow.track(
            self.flow.client.query(
                lambda _service: inspect_source(path, settings),
                lambda found: self._reinspected(generation, found),
                name="import-reinspect",
                on_error=lambda exc: self._reinspect_failed(generation, exc),
            )
        )

    def _reinspected(self, generation: int, inspection: Inspection) -> None:
        if generation != self._generation:
            return
        self.flow.inspection = inspection
        self._fill(inspection)

    def _reinspect_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._failed = True
        self.sampleModel.set_sample((), ())
        self._set_notes(user_message(exc), warning=True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.flow.inspection is not None and not self._failed
