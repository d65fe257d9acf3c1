"""A card of the Today view: a heading with its count, the rows, and a friendly empty state.

The rows live in a :class:`TodaySectionModel`; the card shows the first :data:`COLLAPSED_ROWS` of them as
:class:`TodayRowWidget` and a "Show all N" button for the rest, so a long list never buries the other sections.
The card paints its own rounded background from the palette (``Base`` on a light ``Window``, a lighter shade of a
dark one), so it reads in light and dark without a style sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.today_row import TodayRowWidget
from recipro_desktop.ui.today_section_model import TodayRow, TodaySectionModel

COLLAPSED_ROWS = 5
EXPANDED_ROWS = 50
"""Even expanded, a card shows at most this many rows (a briefing, not a list: the other views have them all)."""
RADIUS = 10.0


class TodayCard(QFrame):
    """A rounded panel a step apart from the window colour (shared look of the sections and the prompt card)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        border = QColor(palette.color(QPalette.ColorRole.Mid))
        border.setAlphaF(0.45)
        painter.setPen(QPen(border, 1))
        window = palette.color(QPalette.ColorRole.Window)
        # Light: the base colour (white) on the grey window. Dark: a little lighter than the window, so that
        # text boxes (drawn in the darker base colour) still stand out inside the card.
        card = palette.color(QPalette.ColorRole.Base) if window.lightnessF() >= 0.5 else window.lighter(118)
        painter.setBrush(card)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        painter.end()
        super().paintEvent(event)


def heading_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.1)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    return label


def muted_label(text: str, parent: QWidget, *, wrap: bool = True) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setProperty("role", "muted")
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


class TodaySection(TodayCard):
    """One section of the briefing (see the module docstring).

    Signals:
        action_triggered(str, object): a row's action id and the :class:`TodayRow`.
        person_requested(object): a person id whose name was activated.
    """

    action_triggered = Signal(str, object)
    person_requested = Signal(object)

    def __init__(
        self,
        key: str,
        title: str,
        icon_name: str,
        empty_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"{key}Section")
        self.setAccessibleName(title)
        self._title = title
        self._empty_text = empty_text
        self._expanded = False
        self.model = TodaySectionModel(self)
        self.model.modelReset.connect(self._rebuild)
        self.row_widgets: list[TodayRowWidget] = []
        self._children: list[QWidget] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(6)
        header = QHBoxLayout()
        header.setSpacing(8)
        badge = QLabel(self)
        badge.setPixmap(icon(icon_name).pixmap(QSize(22, 22), self.devicePixelRatioF()))
        header.addWidget(badge)
        self.title_label = heading_label(title, self)
        self.title_label.setObjectName("titleLabel")
        header.addWidget(self.title_label)
        self.count_label = muted_label("", self, wrap=False)
        self.count_label.setObjectName("countLabel")
        header.addWidget(self.count_label)
        header.addStretch(1)
        self.header_layout = header
        layout.addLayout(header)

        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(0)
        layout.addLayout(self.rows_layout)
        self.empty_label = muted_label(empty_text, self)
        self.empty_label.setObjectName("emptyLabel")
        layout.addWidget(self.empty_label)
        self.more_button = QPushButton(self)
        self.more_button.setObjectName("moreButton")
        self.more_button.setFlat(True)
        self.more_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more_button.clicked.connect(self.toggle_expanded)
        self.more_button.hide()
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._rebuild()

    # --- public API -----------------------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self._title

    def set_rows(self, rows: Sequence[TodayRow]) -> None:
        self.model.set_rows(rows)

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.empty_label.setText(text)

    def count(self) -> int:
        return self.model.rowCount()

    def add_header_widget(self, widget: QWidget) -> None:
        self.header_layout.addWidget(widget)

    @Slot()
    def toggle_expanded(self) -> None:
        self._expanded = not self._expanded
        self._rebuild()

    # --- internals ------------------------------------------------------------------------------------------

    @Slot()
    def _rebuild(self) -> None:
        focused = self.focusWidget()
        refocus = focused is not None and self.isAncestorOf(focused)
        for widget in self._children:
            self.rows_layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._children = []
        self.row_widgets = []
        rows = self.model.rows()
        shown = rows[:EXPANDED_ROWS] if self._expanded else rows[:COLLAPSED_ROWS]
        for n, row in enumerate(shown):
            if n:
                line = QFrame(self)
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Plain)
                palette = line.palette()
                color = QColor(palette.color(QPalette.ColorRole.Mid))
                color.setAlphaF(0.3)
                palette.setColor(QPalette.ColorRole.WindowText, color)
                line.setPalette(palette)
                self.rows_layout.addWidget(line)
                self._children.append(line)
            widget = TodayRowWidget(row, self)
            widget.action_triggered.connect(self.action_triggered)
            widget.person_requested.connect(self.person_requested)
            self.rows_layout.addWidget(widget)
            self.row_widgets.append(widget)
            self._children.append(widget)
        self.count_label.setText(str(len(rows)) if rows else "")
        self.count_label.setAccessibleName(f"{len(rows)} items")
        self.setAccessibleDescription(f"{len(rows)} items" if rows else self._empty_text)
        self.empty_label.setVisible(not rows)
        if not self._expanded and len(rows) > COLLAPSED_ROWS:
            more = f"Show all {len(rows)}" if len(rows) <= EXPANDED_ROWS else f"Show {EXPANDED_ROWS} of {len(rows)}"
            self.more_button.setText(more)
        elif self._expanded:
            self.more_button.setText("Show fewer")
        self.more_button.setVisible(len(rows) > COLLAPSED_ROWS)
        if refocus and self.row_widgets:
            self.row_widgets[0].setFocus()
