"""The global search box in the tool bar: search as you type across everything, results in a popup.

Typing restarts a short debounce timer (:data:`DEBOUNCE_MS`); when it fires, the text goes to
``service.search`` on the background runner. Only the newest query counts: the previous task is cancelled (a
queued one never runs) and a result that comes back after a newer query was started is dropped, so a slow
answer never overwrites a fresh one. Focus stays in the box the whole time; Up/Down move through the hits in
the popup (group headers are skipped), Enter opens the selected hit, Escape closes the popup (a second Escape
clears the box).

Signals:
    hit_activated(object): the user chose a :class:`SearchHit` (Enter or a click).
    searched(str, int): results for a query were shown (the query, the number of hits) — for tests/status.
    dismissed(): Escape on an empty, closed box; the window moves focus back to the page.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6 import QtCore  # ``QtCore.Qt`` only inside methods: see main_window.KEY_ROLE
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from recipro_desktop.ui.icons import icon

if TYPE_CHECKING:  # the client imports the storage layer, the popup and model many Qt classes: not before paint
    from recipro_desktop.core.models import SearchHit
    from recipro_desktop.services.journal import JournalService
    from recipro_desktop.ui.journal_client import JournalClient
    from recipro_desktop.ui.search_popup import SearchPopup
    from recipro_desktop.ui.search_results_model import SearchResultsModel
    from recipro_desktop.ui.task_runner import Task

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
MIN_CHARS = 2
SEARCH_LIMIT = 50


def search_job(service: JournalService, text: str) -> tuple[list[SearchHit], dict[UUID, str]]:
    """The hits for ``text`` and the names of the people they belong to (one extra indexed query). Worker thread."""
    from recipro_desktop.services.boards import names_for

    hits = service.search(text, limit=SEARCH_LIMIT)
    return hits, names_for(service, [h.person_id for h in hits if h.person_id is not None])


class SearchBox(QLineEdit):
    """Search-as-you-type over the whole journal (see the module docstring)."""

    hit_activated = Signal(object)
    searched = Signal(str, int)
    dismissed = Signal()

    def __init__(self, client: JournalClient | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setPlaceholderText("Search people, acts, notes…  (Ctrl+K)")
        self.setAccessibleName("Search everything")
        self.setToolTip("Search everything in the journal (Ctrl+K or Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.addAction(icon("nav-search"), QLineEdit.ActionPosition.LeadingPosition)
        self.setMinimumWidth(260)
        self.setMaximumWidth(520)
        self._client: JournalClient | None = None
        self._task: Task | None = None
        self._generation = 0
        self._open_first = False  # Enter was pressed before the answer came: open the first hit when it does
        self._model: SearchResultsModel | None = None
        self._popup: SearchPopup | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start_search)
        self.textEdited.connect(self._on_text_edited)
        self.textChanged.connect(self._on_text_changed)
        self.set_client(client)

    def set_client(self, client: JournalClient | None) -> None:
        """Search this journal (None: disabled, e.g. while the journal is opening)."""
        if self._client is not None:
            self._client.journal_changed.disconnect(self._journal_changed)
        if client is not None:
            client.journal_changed.connect(self._journal_changed)
        self._client = client
        self.setEnabled(client is not None)
        self._cancel()

    @property
    def model(self) -> SearchResultsModel:
        """The results (created on first use: the box is built before the window's first paint)."""
        if self._model is None:
            from recipro_desktop.ui.search_results_model import SearchResultsModel

            self._model = SearchResultsModel(self)
        return self._model

    @property
    def popup(self) -> SearchPopup:
        """The result popup, created on first use as an overlay child of the window (never a separate window)."""
        if self._popup is None:
            from recipro_desktop.ui.search_popup import SearchPopup

            self._popup = SearchPopup(self.model, self.window())
            self._popup.hit_activated.connect(self._activate)
            self.window().installEventFilter(self)
        return self._popup

    # --- searching ----------------------------------------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        self._open_first = False
        self._timer.start()

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():  # cleared (also by the clear button or setText)
            self._timer.stop()
            self._cancel()
            if self._model is not None:
                self._model.clear()
            if self._popup is not None:
                self._popup.hide()

    def _cancel(self) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _start_search(self) -> None:
        text = " ".join(self.text().split())
        if not text or self._client is None:
            return
        self._cancel()
        popup = self.popup
        if len(text) < MIN_CHARS:
            self.model.clear()
            popup.show_state("Type one more letter to search.")
            popup.place_below(self)
            return
        generation = self._generation
        if not self.model.rowCount():
            popup.show_state("Searching…")
            popup.place_below(self)

        def done(found: tuple[list[SearchHit], dict[UUID, str]]) -> None:
            self._show(generation, text, *found)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                log.warning("search failed (%s)", type(exc).__name__)
                self.model.clear()
                popup.show_state("Search failed. Try again, or see the log for details.")

        self._task = self._client.query(lambda s: search_job(s, text), done, name="search", on_error=failed)

    def _show(self, generation: int, text: str, hits: list[SearchHit], names: dict[UUID, str]) -> None:
        if generation != self._generation:
            return  # a newer query was started: this answer is stale
        self._task = None
        self.model.set_hits(text, hits, names)
        popup = self.popup
        if hits and self._open_first:
            self._open_first = False
            self.searched.emit(text, len(hits))
            popup.show_results()
            popup.activate_current()
            return
        self._open_first = False
        if hits:
            popup.show_results()
        else:
            popup.show_state(f"No matches for “{text}”.")
        if self.hasFocus() or popup.isVisible():
            popup.place_below(self)
        self.searched.emit(text, len(hits))

    def _journal_changed(self, _kinds: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again (the journal changed while results were shown)."""
        if self._popup is not None and self._popup.isVisible() and self.text().strip():
            self._start_search()

    # --- keyboard -----------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        popup_open = self._popup is not None and self._popup.isVisible()
        if key in (QtCore.Qt.Key.Key_Down, QtCore.Qt.Key.Key_Up) and self.text().strip():
            if not popup_open:
                if self.model.hit_count:
                    self.popup.show_results()
                    self.popup.place_below(self)
                else:
                    self._timer.stop()
                    self._start_search()
                    return
            self.popup.move_selection(1 if key == QtCore.Qt.Key.Key_Down else -1)
            return
        if key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            if self._timer.isActive() or self._task is not None:  # typed fast: open the first hit when it comes
                self._open_first = True
                if self._timer.isActive():
                    self._timer.stop()
                    self._start_search()
                return
            if popup_open and self.popup.activate_current():
                return
        if key == QtCore.Qt.Key.Key_Escape:
            if popup_open:
                self.popup.hide()
                return
            if self.text():
                self.clear()
                return
            self.dismissed.emit()
            return
        super().keyPressEvent(event)

    def _activate(self, hit: SearchHit) -> None:
        self.popup.hide()
        self.hit_activated.emit(hit)

    # --- popup follows the box ----------------------------------------------------------------------------

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self._popup is not None and event.reason() != QtCore.Qt.FocusReason.PopupFocusReason:
            QTimer.singleShot(0, self, self._hide_if_unfocused)

    def _hide_if_unfocused(self) -> None:
        if self._popup is not None and not self.hasFocus() and not self._popup.underMouse():
            self._popup.hide()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.text().strip() and self._popup is not None and self.model.hit_count:
            self._popup.show_results()
            self._popup.place_below(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._popup is not None and self._popup.isVisible() and event.type() == QEvent.Type.Resize:
            self._popup.place_below(self)
        return False

    def popup_if_created(self) -> SearchPopup | None:
        """The popup if it exists yet (for tests and the window), else None."""
        return self._popup
