"""Paints the People list's balance bar and warmth chip; every other cell is painted the standard way.

The cell background (selection, hover, alternating rows) still comes from the style, so the list looks native;
only the cell's content is replaced by :func:`balance_meter.paint_balance` or
:func:`warmth_meter.paint_warmth_chip`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.ui.balance_meter import paint_balance
from recipro_desktop.ui.people_model import PeopleTableModel
from recipro_desktop.ui.warmth_meter import paint_warmth_chip


class PeopleDelegate(QStyledItemDelegate):
    """Draws the balance column as a small bar and the warmth column as a tinted score chip."""

    BAR_WIDTH = 64

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        column = index.column()
        if column not in (PeopleTableModel.BALANCE, PeopleTableModel.WARMTH):
            super().paint(painter, option, index)
            return
        row = index.data(PeopleTableModel.ROW_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not isinstance(row, PersonRow):
            return
        rect = QRectF(opt.rect)
        palette = QPalette(opt.palette)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if selected:
            # Draw on the highlight as if it were the window: the track and chip text take the highlighted text
            # colour, so they stay readable on the selection colour in light and dark schemes.
            highlighted = palette.color(QPalette.ColorRole.HighlightedText)
            palette.setColor(QPalette.ColorRole.Text, highlighted)
            palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Highlight))
        if column == PeopleTableModel.BALANCE:
            width = min(float(self.BAR_WIDTH), rect.width() - 12)
            bar = QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height())
            paint_balance(painter, bar, row.balance, palette)
        else:
            paint_warmth_chip(painter, rect, row.warmth, palette, selected=selected)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() == PeopleTableModel.BALANCE:
            hint.setWidth(max(hint.width(), self.BAR_WIDTH + 16))
        return hint
