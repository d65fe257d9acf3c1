"""Paints timeline rows like the pages of a journal: months as headings, days in the margin, a thread of icons.

Every row has the same height (two lines of text and some air), so a ``QListView`` with uniform item sizes
lays out 200,000 rows without measuring any of them. Three kinds of row (see :class:`RowType`):

- a **month header**: the month in a larger bold face, the year muted beside it, a hairline to the right edge;
- an **item**: in the left margin, for the first item of a day, the day of the month and the weekday ("Today"
  in the accent colour); then the kind's icon on a thin vertical thread that runs through the whole timeline;
  then the title and, below it, the act kind's small icon and a muted line saying what it was and with whom. A
  faint rule separates days;
- the **loading** row shown while the next page is fetched.

Colours come from the palette (text, base, highlight), plus the theme's muted/accent colours, so light and dark
both read well. All text is drawn with ``drawText`` as plain text: a note is never interpreted as HTML (G4).

Painting is on the hot path of scrolling 200,000 rows, so fonts, metrics and colours are computed once per
(font, palette) and reused; faint lines are filled rectangles of a pre-blended opaque colour (an antialiased
translucent ``drawLine`` costs the raster engine a third of a millisecond each); antialiasing is on only for the
icon discs and the selection band.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Style:
    """Fonts, metrics and colours for one (font, palette): computed once, used by every row painted."""

    font: QFont
    fm: QFontMetrics
    small: QFont
    sfm: QFontMetrics
    number: QFont
    day_label: QFont
    dfm: QFontMetrics
    month: QFont
    mfm: QFontMetrics
    year: QFont
    yfm: QFontMetrics
    text: QColor
    base: QColor
    muted: QColor
    accent: QColor
    thread: QColor
    rule: QColor
    header_rule: QColor
    highlight: QColor


def _blend(front: QColor, back: QColor, alpha: float) -> QColor:
    """``front`` at ``alpha`` over ``back``, as one opaque colour (fast to fill, same look)."""
    return QColor.fromRgbF(
        front.redF() * alpha + back.redF() * (1 - alpha),
        front.greenF() * alpha + back.greenF() * (1 - alpha),
        front.blueF() * alpha + back.blueF() * (1 - alpha),
    )


def _scaled(font: QFont, factor: float, weight: QFont.Weight | None = None) -> QFont:
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    if weight is not None:
        scaled.setWeight(weight)
    return scaled


class TimelineDelegate(QStyledItemDelegate):
    """Draws :class:`~recipro_desktop.ui.timeline_model.TimelineModel` rows (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._styles: dict[tuple[str, int], _Style] = {}

    # --- geometry ------------------------------------------------------------------------------------------

    def row_height(self, font: QFont) -> int:
        fm = QFontMetrics(font)
        return 2 * fm.height() + 2 * PAD + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(TEXT_X + 240, self.row_height(option.font))

    def _style(self, font: QFont, palette: QPalette) -> _Style:
        key = (font.key(), palette.cacheKey())
        style = self._styles.get(key)
        if style is None:
            if len(self._styles) > 8:
                self._styles.clear()
            active = QPalette.ColorGroup.Active
            text = palette.color(active, QPalette.ColorRole.Text)
            base = palette.color(active, QPalette.ColorRole.Base)
            theme = colors(palette_is_dark(palette))
            small = _scaled(font, 0.92)
            day_label = _scaled(font, 0.85)
            month = _scaled(font, 1.35, QFont.Weight.DemiBold)
            year = _scaled(font, 1.35)
            style = _Style(
                font=QFont(font),
                fm=QFontMetrics(font),
                small=small,
                sfm=QFontMetrics(small),
                number=_scaled(font, 1.2, QFont.Weight.DemiBold),
                day_label=day_label,
                dfm=QFontMetrics(day_label),
                month=month,
                mfm=QFontMetrics(month),
                year=year,
                yfm=QFontMetrics(year),
                text=text,
                base=base,
                muted=QColor(theme.muted),
                accent=QColor(theme.accent),
                thread=_blend(text, base, 0.16),
                rule=_blend(text, base, 0.08),
                header_rule=_blend(text, base, 0.14),
                highlight=palette.color(active, QPalette.ColorRole.Highlight),
            )
            self._styles[key] = style
        return style

    # --- painting ------------------------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt: Any = option  # PySide's stubs do not declare the public members of QStyleOptionViewItem
        row_type = index.data(TimelineModel.RowTypeRole)
        style = self._style(opt.font, opt.palette)
        painter.save()
        try:
            if row_type == RowType.MONTH:
                self._paint_month(painter, opt.rect, style, index)
            elif row_type == RowType.LOADING:
                self._paint_loading(painter, opt.rect, style)
            else:
                self._paint_item(painter, opt, style, index)
        finally:
            painter.restore()

    def _paint_month(
        self, painter: QPainter, rect: QRect, style: _Style, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        label = str(index.data(Qt.ItemDataRole.DisplayRole))
        name, _, year = label.rpartition(" ")
        baseline = rect.bottom() - PAD - 2
        x = rect.left() + 14
        painter.setFont(style.month)
        painter.setPen(style.text)  # header rows are disabled (skipped by the keyboard): use the active colour
        painter.drawText(x, baseline, name)
        x += style.mfm.horizontalAdvance(name) + style.mfm.horizontalAdvance(" ")
        painter.setFont(style.year)
        painter.setPen(style.muted)
        painter.drawText(x, baseline, year)
        x += style.yfm.horizontalAdvance(year) + 14
        mid = baseline - style.mfm.ascent() // 3
        if x < rect.right() - 12:
            painter.fillRect(QRect(x, mid, rect.right() - 12 - x, 1), style.header_rule)

    def _paint_loading(self, painter: QPainter, rect: QRect, style: _Style) -> None:
        painter.fillRect(QRect(rect.left() + THREAD_X - 1, rect.top(), 2, rect.height() // 2), style.thread)
        font = QFont(style.font)
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(style.muted)
        text_rect = QRect(rect.left() + TEXT_X, rect.top(), rect.width() - TEXT_X - PAD, rect.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "Loading…")

    def _paint_item(
        self, painter: QPainter, opt: Any, style: _Style, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        rect: QRect = opt.rect
        state = opt.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        active = bool(state & QStyle.StateFlag.State_Active)
        fm = style.fm
        day: date = index.data(TimelineModel.DayRole)
        first_of_day = bool(index.data(TimelineModel.FirstOfDayRole))
        model = index.model()
        today = model.today if isinstance(model, TimelineModel) else date.today()

        # The table paints its own full-row selection before the delegate (PE_PanelItemViewRow): cover it, then
        # draw the journal's own soft band right of the margin.
        if selected:
            painter.fillRect(rect, style.base)
        disc = style.base
        if selected or hovered:
            band = QRectF(rect.left() + GUTTER + 2, rect.top() + 2, rect.width() - GUTTER - 8, rect.height() - 4)
            fill = QColor(style.highlight)
            fill.setAlphaF((0.28 if active else 0.18) if selected else 0.08)
            disc = _blend(style.highlight, style.base, fill.alphaF())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(band, 6, 6)
            if selected and state & QStyle.StateFlag.State_HasFocus:
                painter.setPen(QPen(style.highlight, 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(band.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        # A faint rule between days (not right under a month header, which already separates).
        if first_of_day and index.row() > 0:
            above = model.index(index.row() - 1, 0)
            if above.data(TimelineModel.RowTypeRole) != RowType.MONTH:
                painter.fillRect(QRect(rect.left() + 14, rect.top(), rect.width() - 26, 1), style.rule)

        # The thread, then the icon on a disc of the background colour so the thread passes behind it.
        cx = rect.left() + THREAD_X
        cy = rect.top() + PAD + fm.height() // 2 + 1
        painter.fillRect(QRect(cx - 1, rect.top(), 2, rect.height()), style.thread)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(disc)
        painter.drawEllipse(QRectF(cx - ICON / 2 - 3, cy - ICON / 2 - 3, ICON + 6, ICON + 6))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        decoration = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(decoration, QIcon):
            decoration.paint(painter, QRect(cx - ICON // 2, cy - ICON // 2, ICON, ICON))

        # The day in the margin, for the first item of the day.
        if first_of_day and day is not None:
            self._paint_day(painter, rect, style, day, today)

        # Title, then the secondary line.
        right = rect.right() - 14
        x = rect.left() + TEXT_X
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(style.font)
        painter.setPen(style.text)
        top = rect.top() + PAD
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(
            QRect(x, top, right - x, fm.height()), flags, fm.elidedText(title, Qt.TextElideMode.ElideRight, right - x)
        )
        sfm = style.sfm
        line_top = top + fm.height() + 3
        kind_icon = index.data(TimelineModel.KindIconRole)
        if isinstance(kind_icon, QIcon):
            kind_icon.paint(painter, QRect(x, line_top + (sfm.height() - SMALL_ICON) // 2, SMALL_ICON, SMALL_ICON))
            x += SMALL_ICON + 5
        secondary = str(index.data(TimelineModel.SecondaryRole) or "")
        painter.setFont(style.small)
        painter.setPen(style.muted)
        width = max(0, right - x)
        painter.drawText(
            QRect(x, line_top, width, sfm.height()),
            flags,
            sfm.elidedText(secondary, Qt.TextElideMode.ElideRight, width),
        )

    def _paint_day(self, painter: QPainter, rect: QRect, style: _Style, day: date, today: date) -> None:
        delta = (today - day).days
        is_today = delta == 0
        width = GUTTER - 14
        top = rect.top() + PAD
        height = style.fm.height()
        painter.setFont(style.number)
        painter.setPen(style.accent if is_today else style.text)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(rect.left() + 6, top - 2, width, height + 4), right, str(day.day))
        painter.setFont(style.day_label)
        painter.setPen(style.accent if is_today else style.muted)
        label = "Today" if is_today else "Yesterday" if delta == 1 else WEEKDAYS[day.weekday()]
        painter.drawText(QRect(rect.left() + 2, top + height + 3, width + 4, style.dfm.height()), right, label)
