"""The small give/receive visual: a centred track with a bar leaning towards *giving* or *receiving*.

Balance is a trend, never a debt (DESIGN §2): the visual has no numbers and no scale, only a direction and
how one-sided the recent flow is (``Balance.strength``). Receiving leans left in the "received" colour, giving
leans right in the "given" colour; a balanced flow is a small dot in the middle; no exchanges at all is the
bare track. The words (``Balance.words``, e.g. "You've mostly been receiving lately") go next to it or into
its tooltip and accessible description, so the meaning never depends on colour alone.

:func:`paint_balance` is shared by :class:`BalanceMeter` (the person page) and the People list's delegate.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from recipro_desktop.core.scores import Balance, BalanceLean
from recipro_desktop.ui import theme
from recipro_desktop.ui.person_text import tooltip

MIN_BAR = 0.18
"""The shortest bar, as a share of half the track, so a slight lean is still visible as a lean."""


def paint_balance(painter: QPainter, rect: QRectF, balance: Balance | None, palette: QPalette) -> None:
    """Draw the balance visual into ``rect`` (any size; the track is centred vertically, 6 px high at most)."""
    colors = theme.colors(theme.palette_is_dark(palette))
    height = min(6.0, max(3.0, rect.height() / 3))
    track = QRectF(rect.left(), rect.center().y() - height / 2, rect.width(), height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    track_color = QColor(palette.color(QPalette.ColorRole.Text))
    track_color.setAlphaF(0.12)
    painter.setBrush(track_color)
    painter.drawRoundedRect(track, height / 2, height / 2)
    middle = track.center().x()
    tick = QColor(palette.color(QPalette.ColorRole.Text))
    tick.setAlphaF(0.35)
    painter.fillRect(QRectF(middle - 0.5, track.top() - 2, 1.0, track.height() + 4), tick)
    if balance is not None and balance.lean is not BalanceLean.NONE:
        half = track.width() / 2
        if balance.lean is BalanceLean.BALANCED:
            painter.setBrush(QColor(colors.muted))
            radius = height * 0.85
            painter.drawEllipse(QRectF(middle - radius, track.center().y() - radius, 2 * radius, 2 * radius))
        else:
            length = half * max(MIN_BAR, min(1.0, balance.strength))
            if balance.lean is BalanceLean.MOSTLY_GIVING:
                bar = QRectF(middle, track.top(), length, track.height())
                painter.setBrush(QColor(colors.given))
            else:
                bar = QRectF(middle - length, track.top(), length, track.height())
                painter.setBrush(QColor(colors.received))
            painter.drawRoundedRect(bar, height / 2, height / 2)
    painter.restore()


class BalanceMeter(QWidget):
    """The balance visual as a widget; its words are the tooltip and the accessible description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._balance: Balance | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Give and receive balance")
        self.set_balance(None)

    @property
    def balance(self) -> Balance | None:
        return self._balance

    def set_balance(self, balance: Balance | None) -> None:
        self._balance = balance
        words = balance.words if balance is not None else ""
        self.setToolTip(tooltip(words + ("\nReceiving ◂ ▸ Giving" if words else "")))
        self.setAccessibleDescription(words)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            paint_balance(painter, QRectF(self.rect()).adjusted(1, 0, -1, 0), self._balance, self.palette())
        finally:
            painter.end()
