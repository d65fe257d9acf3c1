"""Import contacts (and a whole Recipro export) from CSV: a wizard over :mod:`services.importer`.

Pages, in order (each in its own module):

1. :class:`~recipro_desktop.ui.import_file_page.ImportFilePage` — choose a CSV file, or a Recipro export folder or
   zip; it is inspected in the background (encoding, delimiter, header, format).
2. :class:`~recipro_desktop.ui.import_format_page.ImportFormatPage` — what was detected, with the first rows as they
   read; the user can override the format, encoding and delimiter (E3, E4).
3. :class:`~recipro_desktop.ui.import_mapping_page.ImportMappingPage` — columns matched to fields (auto-matched by
   header aliases), the date format; skipped for a Recipro export, whose layout is fixed (E9, E10, E17).
4. :class:`~recipro_desktop.ui.import_preview_page.ImportPreviewPage` — the whole file read in the background with
   progress and Cancel: per-row problems, duplicates and what each row will become, with the add/update/skip
   choice for duplicates (E8, E11, E14-E18). Nothing is written before this page's *Import*.
5. :class:`~recipro_desktop.ui.import_run_page.ImportRunPage` — the import in ONE transaction in the background,
   with progress and Cancel (a cancel rolls everything back: E12, E19).
6. :class:`~recipro_desktop.ui.import_summary_page.ImportSummaryPage` — new, updated, skipped and rejected rows with
   reasons, "Save rejected rows as CSV…" and "Undo this import".

Everything touching the file or the journal runs on the :class:`JournalClient`'s worker, never on the GUI thread.
The window owns the wizard: ``ImportWizard(client, parent).open()`` (keep a reference while it is shown).

Signals:
    import_finished(object): the :class:`~recipro_desktop.services.importer.ImportReport` once it is stored.
    import_undone(object): the :class:`~recipro_desktop.services.import_store.UndoResult` after "Undo this import".
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QWidget, QWizard

from recipro_desktop.services.importer import (
    DuplicatePolicy,
    ImportPlan,
    ImportReport,
    ImportSettings,
    Inspection,
    Resolution,
)
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.import_file_page import ImportFilePage
from recipro_desktop.ui.import_format_page import ImportFormatPage
from recipro_desktop.ui.import_mapping_page import ImportMappingPage
from recipro_desktop.ui.import_preview_page import ImportPreviewPage
from recipro_desktop.ui.import_run_page import ImportRunPage
from recipro_desktop.ui.import_summary_page import ImportSummaryPage
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.task_runner import Task

log = logging.getLogger(__name__)

FILE, FORMAT, MAPPING, PREVIEW, RUN, SUMMARY = range(6)


class ImportWizard(QWizard):
    """The CSV import wizard (see the module docstring). State shared by the pages lives here."""

    import_finished = Signal(object)
    import_undone = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None, *, path: Path | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.source: Path | None = None
        self.inspection: Inspection | None = None
        self.settings = ImportSettings()
        self.plan: ImportPlan | None = None
        self.resolution: Resolution | None = None
        self.overrides: dict[int, DuplicatePolicy] = {}
        self.report: ImportReport | None = None
        self._tasks: set[Task] = set()
        self.setWindowTitle("Import")
        self.setObjectName("importWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon("app").pixmap(QSize(40, 40), self.devicePixelRatioF()))
        self.setMinimumSize(860, 620)
        self.file_page = ImportFilePage(self)
        self.format_page = ImportFormatPage(self)
        self.mapping_page = ImportMappingPage(self)
        self.preview_page = ImportPreviewPage(self)
        self.run_page = ImportRunPage(self)
        self.summary_page = ImportSummaryPage(self)
        for page_id, page in enumerate(
            (self.file_page, self.format_page, self.mapping_page, self.preview_page, self.run_page, self.summary_page)
        ):
            self.setPage(page_id, page)
        self.setStartId(FILE)
        if path is not None:
            self.file_page.set_path(path)

    # --- background work shared by the pages ------------------------------------------------------------------

    def track(self, task: Task) -> Task:
        """Remember a running job so closing the wizard cancels it."""
        self._tasks = {t for t in self._tasks if not t.finished}
        self._tasks.add(task)
        return task

    def busy(self) -> bool:
        return any(not t.finished for t in self._tasks)

    def reject(self) -> None:
        """Closing (Cancel, Esc, the window's close button) cancels whatever is running: an import rolls back."""
        for task in self._tasks:
            if not task.finished:
                task.cancel()
        super().reject()

    def done(self, result: int) -> None:
        for task in self._tasks:
            if not task.finished:
                task.cancel()
        self.plan = None  # a 100,000-row plan is not kept alive by a closed wizard
        self.resolution = None
        super().done(result)

    def nextId(self) -> int:
        current = self.currentId()
        if current == FORMAT and self.inspection is not None and self.inspection.is_bundle:
            return PREVIEW
        return super().nextId()
