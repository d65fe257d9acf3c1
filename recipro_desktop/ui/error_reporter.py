"""Error and crash dialogs that never show private text (RELIABILITY G2).

Two kinds of failure reach the user:

- **Expected failures** (a :class:`~recipro_desktop.core.errors.JournalError`: disk full, conflict, damaged
  journal…) arrive as a private-safe sentence, from ``JournalClient.error_raised``, ``TaskRunner.task_failed`` or
  a view. :meth:`ErrorReporter.show_error` shows it in a non-blocking message box; while one is open, further
  messages are counted in it instead of stacking a pile of boxes.
- **Crashes** (an uncaught exception in a slot or a callback): Python hands them to ``sys.excepthook``, which
  :meth:`ErrorReporter.install` points at :func:`recipro_desktop.logs.redacted_traceback`. The dialog shows the
  exception *type* and frame locations only — never the message or locals, which may quote a note — with
  **Copy error** (the same redacted text) and **Close**. It works from any thread: the report is queued to the
  GUI thread.

Signals:
    error_shown(str): a message was shown (or counted) — for the status bar and tests.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6 import QtCore  # ``QtCore.Qt`` only inside methods: see main_window.KEY_ROLE
from PySide6.QtCore import QObject, Signal, Slot

from recipro_desktop import APP_NAME
from recipro_desktop.core.errors import JournalError

if TYPE_CHECKING:  # message boxes are built on demand; the reporter itself exists before the first paint
    from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


def private_message(exc: BaseException) -> str:
    """The sentence to show for ``exc``: a journal error's own (private-safe) text, else a generic one."""
    if isinstance(exc, JournalError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}). Your data was not changed; details are in the log."


class ErrorReporter(QObject):
    """Shows errors and crash reports in non-blocking dialogs (see the module docstring)."""

    error_shown = Signal(str)
    _crash_reported = Signal(str)

    def __init__(self, parent_widget: QWidget | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._widget = parent_widget
        self._box: QMessageBox | None = None
        self._repeats = 0
        self._installed = False

    @property
    def dialog(self) -> QMessageBox | None:
        """The message box on screen, if any."""
        return self._box if self._box is not None and self._box.isVisible() else None

    def set_parent_widget(self, widget: QWidget | None) -> None:
        self._widget = widget

    # --- expected failures ------------------------------------------------------------------------------------

    @Slot(str)
    def show_error(self, message: str) -> None:
        """Show a private-safe ``message`` (a journal error's text) without blocking the event loop."""
        self.error_shown.emit(message)
        box = self.dialog
        if box is not None:
            self._repeats += 1
            box.setInformativeText(f"{self._repeats} more problem(s) happened since; the last one: {message}")
            return
        self._repeats = 0
        self._open("Warning", "Something needs your attention", message)

    def report_exception(self, exc: BaseException) -> None:
        """Show a failed job's exception as its private-safe message."""
        self.show_error(private_message(exc))

    @Slot(int, object)
    def report_task_failure(self, _task_id: int, exc: object) -> None:
        """For ``TaskRunner.task_failed``: a job without its own error handler failed."""
        if isinstance(exc, BaseException):
            self.report_exception(exc)

    # --- crashes ----------------------------------------------------------------------------------------------

    def install(self) -> None:
        """Route uncaught exceptions to the crash dialog (redacted: type and frame locations only)."""
        from recipro_desktop.logs import install_excepthook

        if not self._installed:
            # Queued: a crash inside a slot shows once the slot has unwound; from a worker, on the GUI thread.
            self._crash_reported.connect(self._show_crash, QtCore.Qt.ConnectionType.QueuedConnection)
            self._installed = True
        install_excepthook(report=self._crash_reported.emit)

    @Slot(str)
    def _show_crash(self, redacted: str) -> None:
        self.error_shown.emit("An unexpected error happened.")
        if self.dialog is not None:
            self._repeats += 1
            return
        box = self._open(
            "Critical",
            "An unexpected error happened",
            "Recipro hit a bug. Your journal is safe: every change you saw saved is stored.\n\n"
            "Copy the error (it holds no note text) to report it, then carry on or restart Recipro.",
        )
        box.setDetailedText(redacted)
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        copy = box.addButton("Copy error", QMessageBox.ButtonRole.ActionRole)
        copy.setObjectName("copyErrorButton")
        copy.clicked.disconnect()  # an action button would close the box; copying should not
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(redacted))

    def _open(self, level: str, text: str, informative: str) -> QMessageBox:
        from PySide6.QtWidgets import QLabel, QMessageBox

        icon = QMessageBox.Icon.Critical if level == "Critical" else QMessageBox.Icon.Warning
        box = QMessageBox(icon, APP_NAME, text, QMessageBox.StandardButton.Close, self._widget)
        box.setObjectName("errorDialog")
        box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        box.setInformativeText(informative)
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # messages may quote a path the user typed
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._forget)
        self._box = box
        box.open()
        return box

    def _forget(self) -> None:
        self._box = None
        self._repeats = 0
