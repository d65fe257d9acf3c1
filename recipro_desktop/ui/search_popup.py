"""The panel under the search box that lists the hits, grouped by kind.

It is an overlay **child of the main window** rather than a separate popup window: it never takes the keyboard
focus from the search box (which drives it with Up/Down/Enter), it works the same on X11, Wayland and the
offscreen platform, and it appears in window screenshots. Rows are drawn by :class:`SearchResultDelegate`: a
group header in small muted capitals, or a hit with its kind icon, its title, the matching excerpt in a muted
second line and a human date on the right. All text is painted as plain text (G4).

Signals:
    hit_activated(object): a :class:`SearchHit` was chosen (click, or :meth:`SearchPopup.activate_current`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from recipro_desktop.ui.search_results_model import SearchResultsModel

MAX_HEIGHT = 440
MIN_WIDTH = 440
PAD = 8
ICON = 18


class SearchResultDelegate(QStyledItemDelegate):
    """Paints headers and two-line hits (see the module docstring)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        if index.data(SearchResultsModel.IS_HEADER_ROLE):
            return QSize(200, metrics.height() + 10)
        lines = 2 if index.data(SearchResultsModel.SNIPPET_ROLE) else 1
        return QSize(200, metrics.height() * lines + 2 * PAD - (2 if lines == 2 else 0))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        try:
            rect: QRect = option.rect
            palette: QPalette = option.palette
            if index.data(SearchResultsModel.IS_HEADER_ROLE):
                self._paint_header(painter, rect, palette, option.font, str(index.data()))
                return
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
            if selected:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
            elif hovered:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
            text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            metrics = QFontMetrics(option.font)
            line = metrics.height()
            top = rect.top() + PAD - 1
            if icon is not None:
                icon.paint(painter, QRect(rect.left() + PAD, top + (line - ICON) // 2, ICON, ICON))
            left = rect.left() + PAD + ICON + PAD
            when = str(index.data(SearchResultsModel.DATE_ROLE) or "")
            small = QFont(option.font)
            small.setPointSizeF(max(option.font.pointSizeF() * 0.9, 7.0))
            small_metrics = QFontMetrics(small)
            date_width = small_metrics.horizontalAdvance(when) + PAD if when else 0
            right = rect.right() - PAD
            painter.setPen(palette.color(text_role))
            painter.setFont(option.font)
            title = metrics.elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight, right - left - date_width)
            painter.drawText(QRect(left, top, right - left - date_width, line), Qt.AlignmentFlag.AlignVCenter, title)
            muted = palette.color(text_role if selected else QPalette.ColorRole.PlaceholderText)
            painter.setFont(small)
            painter.setPen(muted)
            if when:
                painter.drawText(
                    QRect(right - date_width, top, date_width, line),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    when,
                )
            snippet = str(index.data(SearchResultsModel.SNIPPET_ROLE) or "")
            if snippet:
                text = small_metrics.elidedText(snippet, Qt.TextElideMode.ElideRight, right - left)
                painter.drawText(QRect(left, top + line - 1, right - left, line), Qt.AlignmentFlag.AlignVCenter, text)
        finally:
            painter.restore()

    @staticmethod
    def _paint_header(painter: QPainter, rect: QRect, palette: QPalette, font: QFont, text: str) -> None:
        header = QFont(font)
        header.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        header.setBold(True)
        header.setCapitalization(QFont.Capitalization.AllUppercase)
        header.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        painter.setFont(header)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            rect.adjusted(PAD, 4, -PAD, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
        )


class SearchPopup(QFrame):
    """The results panel (see the module docstring)."""

    hit_activated = Signal(object)

    def __init__(self, model: SearchResultsModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("searchPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._model = model
        self.view = QListView(self)
        self.view.setObjectName("searchResultsView")
        self.view.setAccessibleName("Search results")
        self.view.setModel(model)
        self.view.setItemDelegate(SearchResultDelegate(self.view))
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setMouseTracking(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.clicked.connect(self._on_clicked)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("searchStateLabel")
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)  # echoes the query: user text (G4)
        self.state_label.setWordWrap(True)
        self.state_label.setProperty("role", "muted")
        self.state_label.setContentsMargins(PAD * 2, PAD * 2, PAD * 2, PAD * 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(self.view)
        layout.addWidget(self.state_label)
        model.modelReset.connect(self._select_first)
        self.hide()

    # --- content --------------------------------------------------------------------------------------------

    def show_state(self, text: str) -> None:
        """Show a one-line state ("Searching…", "No matches…") instead of the list."""
        self.view.hide()
        self.state_label.setText(text)
        self.state_label.show()

    def show_results(self) -> None:
        self.state_label.hide()
        self.view.show()
        if not self.view.currentIndex().isValid():
            self._select_first()

    def _select_first(self) -> None:
        row = self._model.next_hit_row(-1, 1)
        self._select(row)

    def _select(self, row: int | None) -> None:
        selection = self.view.selectionModel()
        if row is None:
            selection.clear()
            return
        self.view.setCurrentIndex(self._model.index(row, 0))
        self._reveal(row)

    def _reveal(self, row: int) -> None:
        """Scroll ``row`` into view, with its group's header when it is the group's first hit."""
        if row < 0:
            return
        if row == self._model.next_hit_row(-1, 1):
            self.view.scrollToTop()
            return
        if row > 0 and self._model.is_header(row - 1):
            self.view.scrollTo(self._model.index(row - 1, 0))
        self.view.scrollTo(self._model.index(row, 0))

    def move_selection(self, step: int) -> None:
        """Select the next (1) or previous (-1) hit, skipping headers and wrapping around."""
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        if current < 0 and step < 0:
            current = 0
        self._select(self._model.next_hit_row(current, step))

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def activate_current(self) -> bool:
        """Emit :attr:`hit_activated` for the selected hit; False when none is selected or shown."""
        if not self.isVisible() or self.view.isHidden():
            return False
        hit = self._model.hit(self.current_row())
        if hit is None:
            return False
        self.hit_activated.emit(hit)
        return True

    def _on_clicked(self, index: QModelIndex) -> None:
        hit = self._model.hit(index.row())
        if hit is not None:
            self.hit_activated.emit(hit)

    # --- geometry -------------------------------------------------------------------------------------------

    def place_below(self, anchor: QWidget) -> None:
        """Show the panel under ``anchor`` (inside the window), as tall as its content allows."""
        window = self.parentWidget()
        if window is None:
            return
        top_left = anchor.mapTo(window, QPoint(0, anchor.height() + 2))
        width = max(anchor.width(), MIN_WIDTH)
        width = min(width, window.width() - 16)
        x = min(top_left.x(), window.width() - width - 8)
        if not self.view.isHidden():
            content = sum(self.view.sizeHintForRow(r) for r in range(self._model.rowCount())) + 4
        else:
            content = self.state_label.sizeHint().height() + 2
        available = window.height() - top_left.y() - 12
        height = max(min(content, MAX_HEIGHT, available), 40)
        self.setGeometry(max(x, 8), top_left.y(), width, height)
        self.show()
        self.raise_()
        self._reveal(self.current_row())  # the viewport has its real height only now
