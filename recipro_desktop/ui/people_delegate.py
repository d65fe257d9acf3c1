"""Paints the People list's balance bar and warmth chip (the view uses it for those two columns only).

The cell background (selection, hover) still comes from the style, so the list looks native; the content is
:func:`balance_meter.paint_balance` or :func:`warmth_meter.paint_warmth_chip`, rendered once per distinct look
into a small pixmap cache (there are only a few hundred: lean × strength step, score × word, selected or not,
light or dark), so scrolling and filtering 10,000 rows repaint with a ``drawPixmap`` per cell.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.ui import theme
from recipro_desktop.ui.balance_meter import paint_balance
from recipro_desktop.ui.people_model import PeopleTableModel
from recipro_desktop.ui.warmth_meter import paint_warmth_chip

STRENGTH_STEPS = 20
"""The bar's length is drawn in 5 % steps (invisible at 64 px, and it keeps the pixmap cache small)."""


class PeopleDelegate(QStyledItemDelegate):
    """Draws the balance column as a small bar and the warmth column as a tinted score chip."""

    BAR_WIDTH = 64
    CHIP_WIDTH = 44

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple[object, ...], QPixmap] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        row = index.data(PeopleTableModel.ROW_ROLE)
        if not isinstance(row, PersonRow):
            return
        column = index.column()
        if column not in (PeopleTableModel.BALANCE, PeopleTableModel.WARMTH):
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = QRectF(option.rect)
        width = float(self.BAR_WIDTH if column == PeopleTableModel.BALANCE else self.CHIP_WIDTH)
        width = max(8.0, min(width, rect.width() - 8))
        height = rect.height()
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        palette = option.palette
        if column == PeopleTableModel.BALANCE:
            look: tuple[object, ...] = (row.balance.lean, round(row.balance.strength * STRENGTH_STEPS))
        else:
            look = (row.warmth.score, row.warmth.label)
        key = (column, look, selected, theme.palette_is_dark(palette), width, height, ratio, palette.cacheKey())
        pixmap = self._cache.get(key)
        if pixmap is None:
            pixmap = self._render(
                column, row, selected=selected, base=palette, size=QSize(int(width), int(height)), ratio=ratio
            )
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[key] = pixmap
        painter.drawPixmap(QPointF(rect.center().x() - width / 2, rect.top()), pixmap)

    def _render(
        self, column: int, row: PersonRow, *, selected: bool, base: QPalette, size: QSize, ratio: float
    ) -> QPixmap:
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        palette = QPalette(base)
        if selected:
            # Drawn on the highlight: the track and the chip take the highlighted-text colour, so they stay
            # readable on the selection colour in light and dark schemes.
            palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.HighlightedText))
            palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Highlight))
        painter = QPainter(pixmap)
        try:
            area = QRectF(0, 0, size.width(), size.height())
            if column == PeopleTableModel.BALANCE:
                strength = round(row.balance.strength * STRENGTH_STEPS) / STRENGTH_STEPS
                paint_balance(painter, area, replace(row.balance, strength=strength), palette)
            else:
                paint_warmth_chip(painter, area, row.warmth, palette, selected=selected)
        finally:
            painter.end()
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() == PeopleTableModel.BALANCE:
            hint.setWidth(max(hint.width(), self.BAR_WIDTH + 16))
        return hint
