"""Paints a thank-you row as a small card: the act kind's icon, what they did, from whom, and how long ago.

Uniform rows (two lines of text and some air). The age sits on the right, muted, or in the theme's gentle
warning colour once a thank-you has waited more than a month — a nudge, not an alarm. Text is drawn as plain
text (G4); colours come from the palette and the theme so light and dark both read well.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from recipro_desktop.ui.gratitude_model import ThanksModel
from recipro_desktop.ui.theme import colors, palette_is_dark

PAD = 8
ICON = 20


class GratitudeDelegate(QStyledItemDelegate):
    """Draws :class:`~recipro_desktop.ui.gratitude_model.ThanksModel` rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(320, 2 * fm.height() + 2 * PAD + 6)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt: Any = option  # PySide's stubs do not declare QStyleOptionViewItem's public members
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        theme = colors(palette_is_dark(palette))
        state = opt.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        active = bool(state & QStyle.StateFlag.State_Active)
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            band = QRectF(rect.adjusted(4, 2, -4, -2))
            if selected or hovered:
                fill = QColor(palette.color(QPalette.ColorRole.Highlight))
                fill.setAlphaF((0.28 if active else 0.18) if selected else 0.08)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(band, 6, 6)
            if selected and state & QStyle.StateFlag.State_HasFocus:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(band.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            else:
                rule = QColor(palette.color(QPalette.ColorRole.Text))
                rule.setAlphaF(0.07)
                painter.setPen(QPen(rule, 1))
                painter.drawLine(rect.left() + 40, rect.bottom(), rect.right() - 8, rect.bottom())

            fm = QFontMetrics(opt.font)
            top = rect.top() + PAD
            decoration = index.data(Qt.ItemDataRole.DecorationRole)
            if isinstance(decoration, QIcon):
                decoration.paint(painter, QRect(rect.left() + 12, top + (fm.height() - ICON) // 2 + 1, ICON, ICON))
            x = rect.left() + 12 + ICON + 12
            right = rect.right() - 12

            age = str(index.data(ThanksModel.AgeRole) or "")
            small = QFont(opt.font)
            small.setPointSizeF(opt.font.pointSizeF() * 0.92)
            sfm = QFontMetrics(small)
            age_width = sfm.horizontalAdvance(age)
            painter.setFont(small)
            overdue = bool(index.data(ThanksModel.OverdueRole))
            painter.setPen(QColor(theme.warning if overdue else theme.muted))
            painter.drawText(
                QRect(right - age_width, top, age_width, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                age,
            )
            title_right = right - age_width - 12
            painter.setFont(opt.font)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            painter.drawText(
                QRect(x, top, max(0, title_right - x), fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                fm.elidedText(title, Qt.TextElideMode.ElideRight, max(0, title_right - x)),
            )
            secondary = str(index.data(ThanksModel.SecondaryRole) or "")
            painter.setFont(small)
            painter.setPen(QColor(theme.muted))
            line_top = top + fm.height() + 3
            painter.drawText(
                QRect(x, line_top, max(0, right - x), sfm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                sfm.elidedText(secondary, Qt.TextElideMode.ElideRight, max(0, right - x)),
            )
        finally:
            painter.restore()
