"""Help › Check this installation…: ``recipro --self-test`` for people who never open a terminal.

The windowed Windows app has no console to print to, and a double-clicked app is rarely started from one; the
same report is shown here, with a button to copy it for a support request. The checks take a few seconds
(a temporary journal, the keyring, a second process for Qt), so they run on a plain worker thread — they touch
neither the open journal nor the database worker — and the result comes back to the GUI thread by a signal.
The report holds no private data: versions, backend names and check results only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from recipro_desktop.services import selftest
from recipro_desktop.ui.detached import report_view, run_detached

log = logging.getLogger(__name__)

TITLE = "Check this installation"
INTRO = (
    "Recipro checks that everything it needs works here: encryption, a temporary journal written and read back, "
    "the system keyring, Qt, fonts, the window and the tray. Your own journal is not touched."
)


class SelfTestDialog(QDialog):
    """Runs the self-test when opened and shows its report.

    Signals:
        finished_report(object): the :class:`~recipro_desktop.services.selftest.Report`, once shown.
    """

    finished_report = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selfTestDialog")
        self.setWindowTitle(TITLE)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.status = QLabel("Checking… (a few seconds)")
        self.status.setObjectName("selfTestStatus")
        self.report_view = report_view("selfTestReport")
        self.report_view.setMinimumSize(760, 340)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.status)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(buttons)
        self.report: selftest.Report | None = None

    def start(self) -> None:
        """Open the dialog (window-modal) and start the checks."""
        self.open()
        run_detached(self, selftest.run_self_test, self._show, name="recipro-self-test")

    def _show(self, result: object) -> None:
        if not isinstance(result, selftest.Report):
            self.status.setText(f"The check itself failed ({type(result).__name__}).")
            return
        self.report = result
        self.report_view.setPlainText(selftest.format_report(result))
        warnings = sum(c.status is selftest.Status.WARN for c in result.checks)
        if not result.passed:
            text = "Something Recipro needs does not work here: see the lines marked FAIL."
        elif warnings:
            text = f"Recipro works here. {'One line says' if warnings == 1 else 'Some lines say'} what it does "
            text += "differently on this system (marked warn)."
        else:
            text = "Everything Recipro needs works here."
        self.status.setText(text)
        self.copy_button.setEnabled(True)
        self.finished_report.emit(result)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_view.toPlainText())
