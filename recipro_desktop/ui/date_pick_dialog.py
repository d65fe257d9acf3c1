"""A small calendar to pick one day (Today's "Reschedule › Pick a date…")."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCalendarWidget, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from recipro_desktop.core.validation import YEAR_MAX, YEAR_MIN
from recipro_desktop.ui.item_dialog import from_qdate, to_qdate


class DatePickDialog(QDialog):
    """``DatePickDialog(parent, title, initial)``; after ``exec()`` returns Accepted, :meth:`day` is the choice."""

    def __init__(self, parent: QWidget | None, title: str, initial: date, *, prompt: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if prompt:
            label = QLabel(prompt, self)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("calendar")
        self.calendar.setAccessibleName(title)
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setDateRange(to_qdate(date(YEAR_MIN, 1, 1)), to_qdate(date(YEAR_MAX, 12, 31)))
        self.calendar.setSelectedDate(to_qdate(initial))
        self.calendar.activated.connect(lambda _d: self.accept())
        layout.addWidget(self.calendar)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.calendar.setFocus()

    def day(self) -> date:
        return from_qdate(self.calendar.selectedDate())
