"""The main window's status bar: the journal's counts, the demo notice and a background-work indicator.

- "150 people · 3,000 items" on the right, reloaded (debounced) after every change the client reports;
- "Demo journal · everyone in it is invented" on the left when the demo is open;
- an indeterminate progress bar while the database worker is busy, shown only after :data:`BUSY_DELAY_MS` so
  quick queries do not make it flash;
- error sentences from the window's :class:`~recipro_desktop.ui.error_reporter.ErrorReporter`, for 15 s.

Counts and fixed texts only: no name or note ever reaches the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

if TYPE_CHECKING:  # built before the first paint, which does not wait for the journal's modules
    from recipro_desktop.ui.journal_client import JournalClient

STATS_DELAY_MS = 400
BUSY_DELAY_MS = 300
ERROR_SHOWN_MS = 15_000
DEMO_NOTICE = "Demo journal · everyone in it is invented"


def stats_text(counts: dict[str, int]) -> str:
    people = counts.get("people", 0)
    items = sum(v for k, v in counts.items() if k not in ("people", "tags"))
    return f"{people:,} {'person' if people == 1 else 'people'} · {items:,} items"


class JournalStatus(QObject):
    """Fills ``status`` with its labels; :meth:`attach` wires it to an open journal's client."""

    def __init__(self, status: QStatusBar) -> None:
        super().__init__(status)
        self._status = status
        self._client: JournalClient | None = None
        status.setObjectName("statusBar")
        self.stats_label = QLabel()
        self.stats_label.setObjectName("statsLabel")
        self.stats_label.setProperty("role", "muted")
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.mode_label.setProperty("role", "muted")
        self.mode_label.hide()
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setAccessibleName("Working in the background")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.setMaximumHeight(12)
        self.busy_bar.hide()
        status.addWidget(self.mode_label)
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.stats_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self.busy_bar.show)
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(STATS_DELAY_MS)
        self._stats_timer.timeout.connect(self.refresh)

    def attach(self, client: JournalClient, *, demo: bool) -> None:
        self._client = client
        client.busy_changed.connect(self._busy_changed)
        client.journal_changed.connect(lambda _kinds: self._stats_timer.start())
        if demo:
            self.mode_label.setText(DEMO_NOTICE)
            self.mode_label.show()
        self.refresh()

    def show_error(self, text: str) -> None:
        self._status.showMessage(text, ERROR_SHOWN_MS)

    def refresh(self) -> None:
        """Reload the counts ("40 people · 812 items")."""
        if self._client is not None:
            self._client.query(lambda s: s.stats(), self._show_stats, name="stats")

    def _show_stats(self, counts: dict[str, int]) -> None:
        self.stats_label.setText(stats_text(counts))

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_bar.hide()
