"""Warmth, drawn: a 0–100 meter for the person page and a small score chip for the People list.

Warmth says how alive a relationship is (DESIGN §2), in three words: *warm*, *cooling*, *cold*. Each word has an
accent colour (warm orange, amber, cool blue) in a light and a dark variant; the number and the word are always
shown or spoken alongside, so colour is never the only cue.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from recipro_desktop.core.scores import Warmth, WarmthLabel
from recipro_desktop.ui import theme

_COLORS: dict[WarmthLabel, tuple[str, str]] = {  # (light, dark)
    WarmthLabel.WARM: ("#c8501e", "#ff8f5e"),
    WarmthLabel.COOLING: ("#a06c00", "#e3b341"),
    WarmthLabel.COLD: ("#3d6db3", "#86aef0"),
}


def warmth_color(label: WarmthLabel, palette: QPalette) -> QColor:
    """The accent colour of a warmth word, readable on ``palette``'s window/base colour."""
    light, dark = _COLORS[label]
    return QColor(dark if theme.palette_is_dark(palette) else light)


def warmth_words(warmth: Warmth) -> str:
    """ "Warm (72 of 100)": the word first, the number for the curious."""
    return f"{warmth.label.value.capitalize()} ({warmth.score} of 100)"


def paint_warmth_chip(
    painter: QPainter, rect: QRectF, warmth: Warmth, palette: QPalette, *, selected: bool = False
) -> None:
    """A rounded chip with the score, tinted by the warmth word; centred in ``rect``.

    On a selected row the chip is drawn in the highlighted-text colour (the accent would vanish on the
    selection colour).
    """
    color = warmth_color(warmth.label, palette)
    fill = QColor(color)
    fill.setAlphaF(0.30 if theme.palette_is_dark(palette) else 0.16)
    if selected:
        color = palette.color(QPalette.ColorRole.HighlightedText)
        fill = QColor(color)
        fill.setAlphaF(0.22)
    width = min(rect.width() - 2, 40.0)
    height = min(rect.height() - 4, 18.0)
    chip = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(chip, height / 2, height / 2)
    painter.setPen(color)
    font = painter.font()
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(warmth.score))
    painter.restore()


class WarmthMeter(QWidget):
    """A horizontal 0–100 meter filled in the colour of the warmth word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._warmth: Warmth | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Warmth")

    @property
    def warmth(self) -> Warmth | None:
        return self._warmth

    def set_warmth(self, warmth: Warmth | None) -> None:
        self._warmth = warmth
        words = warmth_words(warmth) if warmth is not None else ""
        self.setToolTip(words)
        self.setAccessibleDescription(words)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            palette = self.palette()
            rect = QRectF(self.rect()).adjusted(1, 0, -1, 0)
            height = min(6.0, rect.height() / 2)
            track = QRectF(rect.left(), rect.center().y() - height / 2, rect.width(), height)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            track_color = QColor(palette.color(QPalette.ColorRole.Text))
            track_color.setAlphaF(0.12)
            painter.setBrush(track_color)
            painter.drawRoundedRect(track, height / 2, height / 2)
            if self._warmth is not None and self._warmth.score > 0:
                width = max(height, track.width() * self._warmth.score / 100)
                filled = QRectF(track.left(), track.top(), width, height)
                painter.setBrush(warmth_color(self._warmth.label, palette))
                painter.drawRoundedRect(filled, height / 2, height / 2)
        finally:
            painter.end()
