"""A one-line plain-text label that shortens itself with "…" to the width it gets (the full text in a tooltip).

Word-wrapping labels inside nested layouts ask for a height before they know their width and end up clipped;
rows of a list read better on one line anyway. The label never asks for more than a little width, so a long
note cannot push a card wider than the window.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """Plain text on one line, elided at the right edge when it does not fit."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, min_chars: int = 6) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._min_chars = min_chars
        self.setText(text)

    def setText(self, text: str) -> None:
        one_line = " ".join(text.split())
        if one_line:  # keep one space at either end: it separates this label from its neighbour in a row
            one_line = (" " if text[:1].isspace() else "") + one_line + (" " if text[-1:].isspace() else "")
        super().setText(one_line)
        self.setToolTip(f"<qt>{html.escape(one_line.strip())}</qt>" if one_line.strip() else "")

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().averageCharWidth() * self._min_chars), hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.fontMetrics().height())

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()
