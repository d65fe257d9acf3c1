"""The row of filters above the timeline: kinds, direction, person and date range.

Kinds are toggle chips (none pressed = every kind), the direction is a small menu (only acts have one, so
choosing a direction greys out the other chips), the person field completes names through ``find_people`` in the
background (accent-insensitive), and the date range offers the spans people actually think in ("Last 30 days",
"This year") plus a custom range. Every change emits :attr:`TimelineFilterBar.filter_changed` with a fresh
:class:`TimelineFilter`; the timeline model starts again from the newest matching item.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from uuid import UUID

from PySide6.QtCore import QDate, QSignalBlocker, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import Direction, ItemKind, Person, TimelineFilter
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient

log = logging.getLogger(__name__)

KIND_CHIPS: tuple[tuple[ItemKind, str, str, str], ...] = (
    (ItemKind.ACT, "Acts", "item-act-given", "Alt+1"),
    (ItemKind.NEED, "Needs", "item-need", "Alt+2"),
    (ItemKind.COMMITMENT, "Promises", "item-promise", "Alt+3"),
    (ItemKind.INTERACTION, "Interactions", "item-interaction", "Alt+4"),
    (ItemKind.ENTRY, "Notes", "item-note", "Alt+5"),
    (ItemKind.REMINDER, "Reminders", "item-reminder", "Alt+6"),
)

DATE_RANGES: tuple[tuple[str, str], ...] = (
    ("any", "Any time"),
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("365", "Last 12 months"),
    ("year", "This year"),
    ("custom", "Custom range…"),
)

COMPLETION_DELAY_MS = 120


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class TimelineFilterBar(QWidget):
    """Filter controls for a timeline; emits a :class:`TimelineFilter` on every change.

    Signals:
        filter_changed(object): the new :class:`TimelineFilter`.
    """

    filter_changed = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._clock: Clock = clock or SystemClock()
        self._person_id: UUID | None = None
        self._person_name = ""
        self._matches: dict[str, UUID] = {}
        self._completion_generation = 0

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        self.chips: dict[ItemKind, QToolButton] = {}
        for kind, text, icon_name, shortcut in KIND_CHIPS:
            chip = QToolButton(self)
            chip.setText(text)
            chip.setIcon(icon(icon_name))
            chip.setCheckable(True)
            chip.setAutoRaise(True)
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            chip.setShortcut(shortcut)
            chip.setToolTip(f"Show {text.lower()} ({shortcut}); with no kind pressed, everything shows")
            chip.setAccessibleName(f"Show {text.lower()}")
            chip.setObjectName(f"{kind.value}Chip")
            chip.toggled.connect(self._emit)
            layout.addWidget(chip)
            self.chips[kind] = chip

        layout.addStretch(1)
        self.direction_combo = QComboBox(self)
        self.direction_combo.setObjectName("directionCombo")
        self.direction_combo.addItem("Given and received", "")
        self.direction_combo.addItem("Given", Direction.GIVEN.value)
        self.direction_combo.addItem("Received", Direction.RECEIVED.value)
        self.direction_combo.setAccessibleName("Direction of acts")
        self.direction_combo.setToolTip("Only acts have a direction: choosing one shows acts only")
        self.direction_combo.currentIndexChanged.connect(self._on_direction)
        layout.addWidget(self.direction_combo)

        self.person_edit = QLineEdit(self)
        self.person_edit.setObjectName("personEdit")
        self.person_edit.setPlaceholderText("Anyone")
        self.person_edit.setClearButtonEnabled(True)
        self.person_edit.setAccessibleName("Person")
        self.person_edit.setToolTip("Type a name to show only items with that person")
        self.person_edit.setMinimumWidth(160)
        self.person_edit.setMaximumWidth(280)
        self._completions = QStringListModel(self)
        self.completer = QCompleter(self._completions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated[str].connect(self._on_person_chosen)  # type: ignore[index]
        self.person_edit.setCompleter(self.completer)
        self.person_edit.textEdited.connect(self._on_person_typed)
        self.person_edit.returnPressed.connect(self._on_person_return)
        self._completion_timer = QTimer(self)
        self._completion_timer.setSingleShot(True)
        self._completion_timer.setInterval(COMPLETION_DELAY_MS)
        self._completion_timer.timeout.connect(self._complete)
        layout.addWidget(self.person_edit, 2)

        self.range_combo = QComboBox(self)
        self.range_combo.setObjectName("rangeCombo")
        for key, text in DATE_RANGES:
            self.range_combo.addItem(text, key)
        self.range_combo.setAccessibleName("Date range")
        self.range_combo.currentIndexChanged.connect(self._on_range)
        layout.addWidget(self.range_combo)

        today = self._clock.today()
        self.from_edit = QDateEdit(_qdate(today - timedelta(days=30)), self)
        self.to_edit = QDateEdit(_qdate(today), self)
        for edit, name, label in ((self.from_edit, "fromEdit", "From"), (self.to_edit, "toEdit", "To")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(f"{label} date")
            edit.setVisible(False)
            edit.dateChanged.connect(self._emit)
        self.range_dash = QLabel("–", self)
        self.range_dash.setVisible(False)
        layout.addWidget(self.from_edit)
        layout.addWidget(self.range_dash)
        layout.addWidget(self.to_edit)

        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setText("Clear filters")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setVisible(False)
        layout.addWidget(self.clear_button)

        self.setTabOrder(self.chips[ItemKind.REMINDER], self.direction_combo)
        self.setTabOrder(self.direction_combo, self.person_edit)
        self.setTabOrder(self.person_edit, self.range_combo)

    # --- state ---------------------------------------------------------------------------------------------

    def current_filter(self) -> TimelineFilter:
        kinds = frozenset(k for k, chip in self.chips.items() if chip.isChecked() and chip.isEnabled())
        direction = self.direction_combo.currentData()
        date_from, date_to = self._range()
        return TimelineFilter(
            person_id=self._person_id,
            kinds=kinds,
            direction=Direction(direction) if direction else None,
            date_from=date_from,
            date_to=date_to,
        )

    def is_active(self) -> bool:
        return self.current_filter() != TimelineFilter()

    def set_person(self, person_id: UUID | None, name: str = "") -> None:
        """Filter on one person (or on nobody), as if chosen from the completion list."""
        self._person_id = person_id
        self._person_name = name if person_id is not None else ""
        with QSignalBlocker(self.person_edit):
            self.person_edit.setText(self._person_name)
        self._emit()

    def clear(self) -> None:
        """Back to everything: no kind, direction, person or date range."""
        blockers = [QSignalBlocker(w) for w in (*self.chips.values(), self.direction_combo, self.range_combo)]
        for chip in self.chips.values():
            chip.setChecked(False)
            chip.setEnabled(True)
        self.direction_combo.setCurrentIndex(0)
        self.range_combo.setCurrentIndex(0)
        self._show_custom(False)
        del blockers
        self.set_person(None)

    def _range(self) -> tuple[date | None, date | None]:
        key = self.range_combo.currentData()
        today = self._clock.today()
        if key == "custom":
            start, end = _pydate(self.from_edit.date()), _pydate(self.to_edit.date())
            return (start, end) if start <= end else (end, start)
        if key == "year":
            return today.replace(month=1, day=1), None
        if isinstance(key, str) and key.isdigit():
            return today - timedelta(days=int(key) - 1), None
        return None, None

    def _emit(self) -> None:
        filt = self.current_filter()
        self.clear_button.setVisible(filt != TimelineFilter())
        self.filter_changed.emit(filt)

    # --- direction and range ------------------------------------------------------------------------------

    def _on_direction(self, _index: int) -> None:
        acts_only = bool(self.direction_combo.currentData())
        for kind, chip in self.chips.items():
            if kind is not ItemKind.ACT:
                chip.setEnabled(not acts_only)
        self._emit()

    def _on_range(self, _index: int) -> None:
        self._show_custom(self.range_combo.currentData() == "custom")
        self._emit()

    def _show_custom(self, show: bool) -> None:
        for w in (self.from_edit, self.range_dash, self.to_edit):
            w.setVisible(show)

    # --- person completion --------------------------------------------------------------------------------

    def _on_person_typed(self, text: str) -> None:
        self._matches = {}  # Enter must not pick a completion of what was typed before
        if not text.strip():
            self._completion_timer.stop()
            if self._person_id is not None:
                self.set_person(None)
            return
        self._completion_timer.start()

    def _complete(self) -> None:
        text = self.person_edit.text().strip()
        if not text:
            return
        self._completion_generation += 1
        generation = self._completion_generation
        self._client.query(
            lambda service: service.find_people(text, limit=12),
            lambda people: self._on_completions(generation, people),
            name="timeline-person-completion",
        )

    def _on_completions(self, generation: int, people: list[Person]) -> None:
        if generation != self._completion_generation:
            return
        labels: dict[str, UUID] = {}
        seen: dict[str, int] = {}
        for person in people:
            seen[person.display_name] = seen.get(person.display_name, 0) + 1
        for person in people:
            label = person.display_name
            if seen[label] > 1 and person.organisation:
                label = f"{label} ({person.organisation})"
            while label in labels:
                label += " "
            labels[label] = person.id
        self._matches = labels
        self._completions.setStringList(list(labels))
        if labels and self.person_edit.hasFocus():
            self.completer.complete()

    def _on_person_chosen(self, label: str) -> None:
        person_id = self._matches.get(label)
        if person_id is not None:
            self.set_person(person_id, label.strip())

    def _on_person_return(self) -> None:
        """Enter picks the only (or first) completion for what was typed."""
        if self._matches:
            self._on_person_chosen(next(iter(self._matches)))
