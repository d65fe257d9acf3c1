"""One row of a Today section: an icon, what it is about, a line or two of detail, and its action buttons.

Names are flat link-coloured buttons (keyboard-focusable, Enter/Space opens the person); every other piece of
text is a plain-text label (RELIABILITY G4: a note that looks like HTML is shown as typed). The context menu
(right click, or the Menu key) offers "Open…", "Delete" and "Open <person>" where they apply.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.services.today import PersonRef
from recipro_desktop.ui.elided_label import ElidedLabel
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.theme import colors, palette_is_dark
from recipro_desktop.ui.today_section_model import Emphasis, Segment, TodayRow

ICON_SIZE = 20


def accent_color(widget: QWidget) -> QColor:
    """The calm accent for "overdue"/"today": the theme's warning amber, not an alarm red."""
    return QColor(colors(palette_is_dark(widget.palette())).warning)


def person_button(person: PersonRef, parent: QWidget, *, bold: bool = False) -> QToolButton:
    """A name that opens the person's page: flat, link-coloured, reachable with Tab."""
    button = QToolButton(parent)
    button.setObjectName("personButton")
    button.setText(person.name.replace("&", "&&"))  # a literal ampersand, not a mnemonic
    button.setAutoRaise(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setAccessibleName(f"Open {person.name}")
    button.setToolTip(f"<qt>Open {html.escape(person.name)}’s page</qt>")
    palette = button.palette()
    palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
    button.setPalette(palette)
    if bold:
        font = button.font()
        font.setWeight(QFont.Weight.DemiBold)
        button.setFont(font)
    button.setStyleSheet("QToolButton { padding: 0px; margin: 0px; }")
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    button.setMinimumWidth(min(button.sizeHint().width(), 48))  # squeezed, the name is elided in the middle
    return button


class TodayRowWidget(QWidget):
    """Shows one :class:`TodayRow`.

    Signals:
        action_triggered(str, object): an action id ("thanked", "kept", "open", "delete"…) and the row.
        person_requested(object): the id of a person whose name was activated.
    """

    action_triggered = Signal(str, object)
    person_requested = Signal(object)

    def __init__(self, row: TodayRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("todayRow")
        self.setAccessibleName(row.text)
        self.setAccessibleDescription(row.detail)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 6)
        outer.setSpacing(10)

        badge = QLabel(self)
        badge.setPixmap(icon(row.icon).pixmap(QSize(ICON_SIZE, ICON_SIZE), self.devicePixelRatioF()))
        badge.setFixedWidth(ICON_SIZE + 2)
        badge.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        badge.setContentsMargins(0, 2, 0, 0)
        outer.addWidget(badge)

        texts = QVBoxLayout()
        texts.setSpacing(1)
        texts.addWidget(self._line(row.title, title=True))
        for line in row.lines:
            texts.addWidget(self._line(line, title=False))
        outer.addLayout(texts, 1)

        self.buttons: dict[str, QPushButton] = {}
        for action in row.actions:
            button = QPushButton(action.label, self)
            button.setObjectName(f"{action.id}Button")
            button.setAccessibleName(f"{action.label.rstrip('…')}: {row.text}")
            if action.tooltip:
                button.setToolTip(f"<qt>{html.escape(action.tooltip)}</qt>")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, a=action.id: self.action_triggered.emit(a, self.row))
            outer.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            self.buttons[action.id] = button

    def _line(self, segments: tuple[Segment, ...], *, title: bool) -> QWidget:
        """One line: plain-text pieces (elided if too long) and name buttons, left to right."""
        holder = QWidget(self)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # Consecutive text pieces are merged; the last text piece takes the rest of the width (and elides).
        pieces: list[Segment | tuple[Segment, ...]] = []
        for part in segments:
            if isinstance(part, PersonRef):
                pieces.append(part)
            elif pieces and isinstance(pieces[-1], tuple):
                pieces[-1] = (*pieces[-1], part)
            else:
                pieces.append((part,))
        ends_with_text = bool(pieces) and isinstance(pieces[-1], tuple)
        for n, piece in enumerate(pieces):
            if isinstance(piece, PersonRef):
                button = person_button(piece, holder, bold=title)
                button.clicked.connect(lambda _=False, pid=piece.id: self.person_requested.emit(pid))
                layout.addWidget(button)
            elif isinstance(piece, tuple):
                final = ends_with_text and n == len(pieces) - 1
                labels = self._labels(piece, title=title, stretch=final)
                for m, label in enumerate(labels):
                    layout.addWidget(label, 1 if final and m == len(labels) - 1 else 0)
        if not ends_with_text:
            layout.addStretch(1)
        return holder

    def _labels(self, segments: tuple[Segment, ...], *, title: bool, stretch: bool) -> list[QLabel]:
        """Labels for consecutive text pieces: emphasis in the accent colour, the rest muted (or bold titles)."""
        labels: list[QLabel] = []
        runs: list[tuple[bool, str]] = []
        for part in segments:
            emphasis = isinstance(part, Emphasis)
            text = part.text if isinstance(part, Emphasis) else str(part)
            if runs and runs[-1][0] == emphasis:
                runs[-1] = (emphasis, runs[-1][1] + text)
            else:
                runs.append((emphasis, text))
        for n, (emphasis, text) in enumerate(runs):
            label = ElidedLabel(text, self, min_chars=2)
            if not (stretch and n == len(runs) - 1):
                # Shrinks (and elides) only when the row is really narrow; never overlaps its neighbours.
                label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            if title:
                font = label.font()
                font.setWeight(QFont.Weight.DemiBold)
                label.setFont(font)
            palette = label.palette()
            if emphasis:
                palette.setColor(QPalette.ColorRole.WindowText, accent_color(self))
                label.setObjectName("emphasisLabel")
            elif not title:
                label.setProperty("role", "muted")
                palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
            label.setPalette(palette)
            labels.append(label)
        return labels

    # --- context menu ---------------------------------------------------------------------------------------

    def menu_actions(self) -> list[tuple[str, str, object]]:
        """``(action id, menu text, argument)`` for the context menu."""
        entries: list[tuple[str, str, object]] = []
        if self.row.item is not None and not isinstance(self.row.item, PersonRef):
            entries.append(("open", "Open…", None))
        for person in self.row.people:
            entries.append(("person", f"Open {person.name}", person.id))
        if self.row.item is not None and not isinstance(self.row.item, PersonRef):
            entries.append(("delete", "Delete", None))
        return entries

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.show_menu(event.globalPos())

    def show_menu(self, pos: QPoint) -> QMenu:
        """Open the context menu at ``pos`` (non-blocking ``popup``); returns it."""
        menu = QMenu(self)
        menu.setObjectName("rowMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action_id, text, arg in self.menu_actions():
            if action_id == "delete":
                menu.addSeparator()
            action = menu.addAction(text.replace("&", "&&"))
            action.triggered.connect(lambda _=False, a=action_id, x=arg: self._menu_chosen(a, x))
        menu.popup(pos)
        return menu

    def _menu_chosen(self, action_id: str, arg: object) -> None:
        if action_id == "person":
            self.person_requested.emit(arg)
        else:
            self.action_triggered.emit(action_id, self.row)
