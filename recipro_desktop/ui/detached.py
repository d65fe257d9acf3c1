"""Work that touches no journal, run off the GUI thread, its result handed back to a widget (Qt-side helpers).

The journal's task runner (``ui/task_runner.py``) is for database work, one job at a time. A self-test (seconds of
subprocesses) or generating the third-party notices (reading every installed package's metadata) must neither wait
behind the journal nor hold it up, so each gets a thread of its own. The result — or the exception the work raised,
so it can be shown rather than lost in a thread — comes back on the GUI thread; a result for a widget the user
already closed is dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries a result from the worker thread to the GUI thread (a queued signal owned by the widget)."""

    finished = Signal(object)


def run_detached(owner: QObject, work: Callable[[], object], done: Callable[[object], None], *, name: str) -> None:
    """Run ``work`` on a daemon thread called ``name``; call ``done(result or exception)`` on the GUI thread.

    ``done`` is not called when ``owner`` (whose child the relay is) was deleted before the work ended.
    """
    relay = _Relay(owner)
    relay.finished.connect(done, Qt.ConnectionType.QueuedConnection)

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # shown by the caller rather than lost in a thread
            log.warning("%s raised %s", name, type(exc).__name__)
            result = exc
        try:
            relay.finished.emit(result)
        except RuntimeError:  # the owner (and the relay with it) was deleted first
            log.debug("%s finished after its window closed", name)

    threading.Thread(target=run, name=name, daemon=True).start()


def report_view(name: str, text: str = "", parent: QWidget | None = None) -> QPlainTextEdit:
    """A read-only, unwrapped, fixed-width text view for a report or a licence, named ``name`` (objectName)."""
    view = QPlainTextEdit(parent)
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setPlainText(text)
    return view
