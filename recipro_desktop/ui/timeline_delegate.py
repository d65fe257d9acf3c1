"""Paints timeline rows like the pages of a journal: months as headings, days in the margin, a thread of icons.

Every row has the same height (two lines of text and some air), so a ``QListView`` with uniform item sizes
lays out 200,000 rows without measuring any of them. Three kinds of row (see :class:`RowType`):

- a **month header**: the month in a larger bold face, the year muted beside it, a hairline to the right edge;
- an **item**: in the left margin, for the first item of a day, the day of the month and the weekday ("Today"
  in the accent colour); then the kind's icon on a thin vertical thread that runs through the whole timeline;
  then the title and, below it, the act kind's small icon and a muted line saying what it was and with whom. A
  faint rule separates days;
- the **loading** row shown while the next page is fetched.

Colours come from the palette (text, mid, highlight), plus the theme's muted/accent colours, so light and dark
both read well. All text is drawn with ``drawText`` as plain text: a note is never interpreted as HTML (G4).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from recipro_desktop.ui.theme import colors, palette_is_dark
from recipro_desktop.ui.timeline_model import RowType, TimelineModel

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

GUTTER = 64
"""Width of the day margin, in device-independent pixels."""
THREAD_X = GUTTER + 16
"""Where the vertical thread and the icons' centres are."""
TEXT_X = GUTTER + 40
"""Where titles start."""
ICON = 18
SMALL_ICON = 14
PAD = 8


class TimelineDelegate(QStyledItemDelegate):
    """Draws :class:`~recipro_desktop.ui.timeline_model.TimelineModel` rows (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._height = 0

    # --- geometry ------------------------------------------------------------------------------------------

    def row_height(self, font: QFont) -> int:
        fm = QFontMetrics(font)
        return 2 * fm.height() + 2 * PAD + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(TEXT_X + 240, self.row_height(option.font))

    # --- painting ------------------------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row_type = index.data(TimelineModel.RowTypeRole)
        opt: Any = option  # PySide's stubs do not declare the public members of QStyleOptionViewItem
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if row_type == RowType.MONTH:
                self._paint_month(painter, opt, index)
            elif row_type == RowType.LOADING:
                self._paint_loading(painter, opt, index)
            else:
                self._paint_item(painter, opt, index)
        finally:
            painter.restore()

    def _muted(self, palette: QPalette) -> QColor:
        return QColor(colors(palette_is_dark(palette)).muted)

    def _accent(self, palette: QPalette) -> QColor:
        return QColor(colors(palette_is_dark(palette)).accent)

    def _thread_pen(self, palette: QPalette) -> QPen:
        color = QColor(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text))
        color.setAlphaF(0.16)
        return QPen(color, 1.5)

    def _paint_month(self, painter: QPainter, opt: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        label = str(index.data(Qt.ItemDataRole.DisplayRole))
        name, _, year = label.rpartition(" ")
        font = QFont(opt.font)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(font)
        baseline = rect.bottom() - PAD - 2
        x = rect.left() + 14
        painter.setFont(font)
        # Header rows are not enabled (keyboard navigation skips them), so the option's palette is in its
        # Disabled group: take the active text colour explicitly.
        text_color = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
        painter.setPen(text_color)
        painter.drawText(x, baseline, name)
        x += fm.horizontalAdvance(name) + fm.horizontalAdvance(" ")
        year_font = QFont(opt.font)
        year_font.setPointSizeF(font.pointSizeF())
        painter.setFont(year_font)
        painter.setPen(self._muted(palette))
        painter.drawText(x, baseline, year)
        x += QFontMetrics(year_font).horizontalAdvance(year) + 14
        line = QColor(text_color)
        line.setAlphaF(0.14)
        painter.setPen(QPen(line, 1))
        mid = baseline - fm.ascent() // 3
        if x < rect.right() - 12:
            painter.drawLine(x, mid, rect.right() - 12, mid)

    def _paint_loading(self, painter: QPainter, opt: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = opt.rect
        painter.setPen(self._thread_pen(opt.palette))
        painter.drawLine(rect.left() + THREAD_X, rect.top(), rect.left() + THREAD_X, rect.top() + rect.height() // 2)
        font = QFont(opt.font)
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(self._muted(opt.palette))
        text_rect = QRect(rect.left() + TEXT_X, rect.top(), rect.width() - TEXT_X - PAD, rect.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "Loading…")

    def _paint_item(self, painter: QPainter, opt: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        state = opt.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        active = bool(state & QStyle.StateFlag.State_Active)
        fm = QFontMetrics(opt.font)
        day: date = index.data(TimelineModel.DayRole)
        first_of_day = bool(index.data(TimelineModel.FirstOfDayRole))
        model = index.model()
        today = model.today if isinstance(model, TimelineModel) else date.today()

        # Selection and hover: a soft rounded band right of the margin.
        band = QRectF(rect.left() + GUTTER + 2, rect.top() + 2, rect.width() - GUTTER - 8, rect.height() - 4)
        if selected or hovered:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlphaF((0.28 if active else 0.18) if selected else 0.08)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(band, 6, 6)
        if selected and state & QStyle.StateFlag.State_HasFocus:
            focus = QColor(palette.color(QPalette.ColorRole.Highlight))
            painter.setPen(QPen(focus, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(band.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        # A faint rule between days (not right under a month header, which already separates).
        above = model.index(index.row() - 1, 0) if index.row() > 0 else QModelIndex()
        after_header = above.isValid() and above.data(TimelineModel.RowTypeRole) == RowType.MONTH
        if first_of_day and index.row() > 0 and not after_header:
            rule = QColor(palette.color(QPalette.ColorRole.Text))
            rule.setAlphaF(0.08)
            painter.setPen(QPen(rule, 1))
            painter.drawLine(rect.left() + 14, rect.top(), rect.right() - 12, rect.top())

        # The thread, then the icon on a disc of the background colour so the thread passes behind it.
        cx = rect.left() + THREAD_X
        cy = rect.top() + PAD + fm.height() // 2 + 1
        painter.setPen(self._thread_pen(palette))
        painter.drawLine(cx, rect.top(), cx, rect.bottom() + 1)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawEllipse(QRectF(cx - ICON / 2 - 3, cy - ICON / 2 - 3, ICON + 6, ICON + 6))
        decoration = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(decoration, QIcon):
            decoration.paint(painter, QRect(cx - ICON // 2, cy - ICON // 2, ICON, ICON))

        # The day in the margin, for the first item of the day.
        if first_of_day and day is not None:
            self._paint_day(painter, opt, rect, day, today)

        # Title, then the secondary line.
        right = rect.right() - 14
        x = rect.left() + TEXT_X
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(opt.font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        top = rect.top() + PAD
        painter.drawText(
            QRect(x, top, right - x, fm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
            fm.elidedText(title, Qt.TextElideMode.ElideRight, right - x),
        )
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.92)
        sfm = QFontMetrics(small)
        line_top = top + fm.height() + 3
        kind_icon = index.data(TimelineModel.KindIconRole)
        if isinstance(kind_icon, QIcon):
            kind_icon.paint(painter, QRect(x, line_top + (sfm.height() - SMALL_ICON) // 2, SMALL_ICON, SMALL_ICON))
            x += SMALL_ICON + 5
        secondary = str(index.data(TimelineModel.SecondaryRole) or "")
        painter.setFont(small)
        painter.setPen(self._muted(palette))
        painter.drawText(
            QRect(x, line_top, right - x, sfm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
            sfm.elidedText(secondary, Qt.TextElideMode.ElideRight, max(0, right - x)),
        )

    def _paint_day(self, painter: QPainter, opt: Any, rect: QRect, day: date, today: date) -> None:
        palette: QPalette = opt.palette
        fm = QFontMetrics(opt.font)
        number_font = QFont(opt.font)
        number_font.setPointSizeF(opt.font.pointSizeF() * 1.2)
        number_font.setWeight(QFont.Weight.DemiBold)
        delta = (today - day).days
        is_today = delta == 0
        width = GUTTER - 14
        top = rect.top() + PAD
        painter.setFont(number_font)
        painter.setPen(self._accent(palette) if is_today else palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRect(rect.left() + 6, top - 2, width, fm.height() + 4),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(day.day),
        )
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(self._accent(palette) if is_today else self._muted(palette))
        label = "Today" if is_today else "Yesterday" if delta == 1 else WEEKDAYS[day.weekday()]
        painter.drawText(
            QRect(rect.left() + 2, top + fm.height() + 3, width + 4, QFontMetrics(small).height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
