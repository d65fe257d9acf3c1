"""The top of a person page: who they are, how you met, where the relationship stands.

Left: the name, "role @ organisation", how you met (and through whom — a link to that person), tags as chips,
the birthday, and the keep-in-touch line ("Last in touch 3 weeks ago — due in 4 days"). Right: the give/receive
**balance** (a small bar and a gentle sentence, never a debt) and **warmth** (a meter and warm / cooling / cold).

Everything the user typed is shown as plain text (RELIABILITY G4); the widget never touches the window title.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.core.models import Person
from recipro_desktop.core.scores import WarmthLabel
from recipro_desktop.core.summaries import PersonSummary
from recipro_desktop.ui.balance_meter import BalanceMeter
from recipro_desktop.ui.item_labels import one_line
from recipro_desktop.ui.person_text import (
    birthday_phrase,
    cadence_phrase,
    human_date,
    in_touch_phrase,
    role_line,
    tooltip,
)
from recipro_desktop.ui.warmth_meter import WarmthMeter, warmth_color

WARMTH_WORDS = {WarmthLabel.WARM: "Warm", WarmthLabel.COOLING: "Cooling", WarmthLabel.COLD: "Cold"}


def _label(parent: QWidget, *, role: str = "", name: str = "") -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


class PersonHeader(QWidget):
    """The person page's header (see the module docstring).

    Signals:
        person_requested(object): the "met through" link was used (that person's UUID).
    """

    person_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("personHeader")
        self._today = today
        self._met_through_id: UUID | None = None

        self.name_label = _label(self, name="nameLabel")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setAccessibleName("Name")
        self.role_label = _label(self, role="muted", name="roleLabel")
        self.met_label = _label(self, name="metLabel")
        self.met_label.setWordWrap(False)  # one line (how_met is shortened): wrapping beside the link squeezes it
        self.through_button = QPushButton(self)
        self.through_button.setObjectName("metThroughButton")
        self.through_button.setFlat(True)
        self.through_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.through_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.through_button.setStyleSheet("QPushButton { padding: 0 2px; border: none; text-decoration: underline; }")
        palette = self.through_button.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        self.through_button.setPalette(palette)
        self.through_button.clicked.connect(self._through_clicked)
        self.tags_box = QWidget(self)
        self.tags_layout = QHBoxLayout(self.tags_box)
        self.tags_layout.setContentsMargins(0, 2, 0, 2)
        self.tags_layout.setSpacing(6)
        self.birthday_label = _label(self, name="birthdayLabel")
        self.touch_label = _label(self, name="touchLabel")

        met_row = QHBoxLayout()
        met_row.setSpacing(2)
        met_row.addWidget(self.met_label)
        met_row.addWidget(self.through_button)
        met_row.addStretch(1)

        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self.name_label)
        left.addWidget(self.role_label)
        left.addSpacing(4)
        left.addLayout(met_row)
        left.addWidget(self.tags_box)
        left.addWidget(self.birthday_label)
        left.addWidget(self.touch_label)
        left.addStretch(1)

        self.balance_meter = BalanceMeter(self)
        self.balance_meter.setFixedSize(150, 14)
        self.balance_words = _label(self, name="balanceWords")
        self.balance_words.setAccessibleName("Balance")
        self.warmth_meter = WarmthMeter(self)
        self.warmth_meter.setFixedSize(150, 14)
        self.warmth_words = _label(self, name="warmthWords")
        self.warmth_words.setAccessibleName("Warmth")
        balance_caption = _label(self, role="muted")
        balance_caption.setText("Give and receive, lately")
        warmth_caption = _label(self, role="muted")
        warmth_caption.setText("Warmth")
        right = QGridLayout()
        right.setHorizontalSpacing(10)
        right.setVerticalSpacing(4)
        right.addWidget(balance_caption, 0, 0, 1, 2)
        right.addWidget(self.balance_meter, 1, 0)
        right.addWidget(self.balance_words, 2, 0, 1, 2)
        right.addWidget(warmth_caption, 3, 0, 1, 2)
        right.addWidget(self.warmth_meter, 4, 0)
        right.addWidget(self.warmth_words, 4, 1)
        right.setRowMinimumHeight(3, 26)
        right.setRowStretch(5, 1)
        right_box = QWidget(self)
        right_box.setLayout(right)
        right_box.setFixedWidth(300)

        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.setObjectName("editButton")
        self.edit_button.setToolTip("Edit this person (Ctrl+E)")
        self.more_button = QPushButton("&More", self)
        self.more_button.setObjectName("moreButton")
        self.more_button.setAccessibleName("More actions")
        buttons = QVBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(18)
        layout.addLayout(left, 1)
        layout.addWidget(right_box)
        layout.addLayout(buttons)

    # --- content ----------------------------------------------------------------------------------------

    def set_summary(self, summary: PersonSummary, met_through: Person | None = None) -> None:
        """Show ``summary``'s person; ``met_through`` is the person they were introduced through, if any."""
        person = summary.person
        today = self._today()
        self.name_label.setText(person.display_name + ("  (archived)" if person.archived else ""))
        role = role_line(person.role, person.organisation)
        self.role_label.setText(role)
        self.role_label.setVisible(bool(role))

        met_parts = []
        if person.how_met:
            met_parts.append(one_line(person.how_met, 160))
        if person.met_on is not None:
            met_parts.append(f"met {human_date(person.met_on, today)}")
        self._met_through_id = person.met_through_id if met_through is not None else None
        met_text = " · ".join(met_parts)
        if met_text.startswith("met "):
            met_text = "M" + met_text[1:]
        if met_through is not None:
            met_text = f"{met_text} · through" if met_text else "Met through"
            self.through_button.setText(met_through.display_name.replace("&", "&&"))
            self.through_button.setAccessibleName(f"Met through {met_through.display_name}")
            self.through_button.setToolTip(tooltip(f"Open {met_through.display_name}"))
        self.met_label.setText(met_text)
        self.met_label.setToolTip(tooltip(person.how_met) if person.how_met else "")
        self.met_label.setVisible(bool(met_text))
        self.through_button.setVisible(met_through is not None)

        self._set_tags(person.tags)
        birthday = birthday_phrase(person.birthday_month, person.birthday_day, person.birthday_year, today)
        self.birthday_label.setText(birthday)
        self.birthday_label.setVisible(bool(birthday))
        touch = in_touch_phrase(summary.last_interaction, summary.keep_in_touch_due, today)
        cadence = cadence_phrase(person.cadence_days)
        self.touch_label.setText(f"{cadence} · {touch}" if cadence else touch)
        overdue = summary.keep_in_touch_due is not None and summary.keep_in_touch_due < today
        self.touch_label.setProperty("role", "warning" if overdue else "")
        self.touch_label.style().unpolish(self.touch_label)
        self.touch_label.style().polish(self.touch_label)

        self.balance_meter.set_balance(summary.balance)
        self.balance_words.setText(summary.balance.words)
        self.warmth_meter.set_warmth(summary.warmth)
        self.warmth_words.setText(f"{WARMTH_WORDS[summary.warmth.label]} · {summary.warmth.score}")
        palette = self.warmth_words.palette()
        palette.setColor(QPalette.ColorRole.WindowText, warmth_color(summary.warmth.label, self.palette()))
        self.warmth_words.setPalette(palette)

    def _set_tags(self, tags: tuple[str, ...]) -> None:
        while self.tags_layout.count():
            item = self.tags_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        rgb = f"{text.red()}, {text.green()}, {text.blue()}"
        chip_style = (  # tints of the text colour read on light and dark windows alike
            f"QLabel#tagChip {{ border: 1px solid rgba({rgb}, 0.30); background: rgba({rgb}, 0.06);"
            " border-radius: 9px; padding: 1px 8px; }"
        )
        for tag in tags:
            chip = QLabel(tag, self.tags_box)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            chip.setObjectName("tagChip")
            chip.setStyleSheet(chip_style)
            self.tags_layout.addWidget(chip)
        self.tags_layout.addStretch(1)
        self.tags_box.setVisible(bool(tags))

    def tag_texts(self) -> list[str]:
        texts = []
        for n in range(self.tags_layout.count()):
            item = self.tags_layout.itemAt(n)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                texts.append(widget.text())
        return texts

    def _through_clicked(self) -> None:
        if self._met_through_id is not None:
            self.person_requested.emit(self._met_through_id)
