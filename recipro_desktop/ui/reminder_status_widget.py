"""The status-bar count of what is due: the reminders' home when the desktop has no system tray.

A flat button ("3 due") the main window puts in its status bar; clicking it opens Today. It follows the
scheduler's ``nudges_changed`` and says nothing private: a count, and a tooltip with counts per kind only.

Signals:
    open_requested(): show Today.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from recipro_desktop.core.reminders import Nudge, summarise
from recipro_desktop.ui.icons import icon


class ReminderStatusWidget(QToolButton):
    """ "3 due" in the status bar; hidden text when nothing is due (the icon stays, so the layout does not jump).

    Signals: see the module docstring.
    """

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderStatusButton")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.clicked.connect(self.open_requested)
        self._nudges: tuple[Nudge, ...] = ()
        self._paused_until: datetime | None = None
        self.set_nudges([])

    @property
    def count(self) -> int:
        return len(self._nudges)

    def set_nudges(self, nudges: Sequence[Nudge]) -> None:
        self._nudges = tuple(nudges)
        self.setIcon(icon("tray-pending" if nudges else "tray-idle"))
        self.setText(f"{len(nudges)} due" if nudges else "Nothing due")
        detail = summarise(nudges) if nudges else "You're all caught up."
        if self._paused_until is not None:
            detail += f"\nNotifications paused until {self._paused_until:%H:%M}."
        self.setToolTip(f"{detail}\nClick to open Today.")  # counts only: never a name or a title
        self.setAccessibleName(f"Reminders: {self.text()}")

    def set_paused(self, until: datetime | None) -> None:
        self._paused_until = until
        self.set_nudges(self._nudges)
