"""Name completion for any line edit, over ``JournalService.find_people`` on the background runner.

Reusable wherever a person is typed (Quick add, the item dialogs, a "met through" field)::

    completer = PersonCompleter(client, line_edit)
    completer.person_chosen.connect(lambda choice: ...)   # a PersonChoice

Typing queries the journal after a short pause (accent- and case-insensitive prefix match, so ``lukasz``
finds ``Łukasz``); the popup lists the matches, the first one preselected so that Enter takes it, and — unless
``offer_create`` is off — a last row "Create person “<typed name>”" when no match has exactly that name. Choosing
a row emits :attr:`person_chosen`; what to do with it (a chip, a field) is the caller's business, so the
completer never rewrites the line edit by itself.

Results of an older query that arrive after a newer one was started are dropped, so a slow query can never
replace the popup of what the user typed since.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit

from recipro_desktop.core.models import Person
from recipro_desktop.core.text import collapse_whitespace, fold
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.person_match_model import PersonChoice, PersonMatchModel

log = logging.getLogger(__name__)

QUERY_DELAY_MS = 120
"""Pause after the last keystroke before asking the journal (a fast typist sends one query, not five)."""

MATCH_LIMIT = 12


def person_detail(person: Person) -> str:
    """The hint next to a name in the popup: organisation, else role, else location (tells namesakes apart)."""
    return person.organisation or person.role or person.location


class PersonCompleter(QCompleter):
    """A completer whose rows come from the journal as the user types.

    Signals:
        person_chosen(object): the user took a row (Enter, Tab or a click): a :class:`PersonChoice`.
        matches_shown(int): a popup with this many rows was shown (tests and accessibility announcements).
    """

    person_chosen = Signal(object)
    matches_shown = Signal(int)

    def __init__(
        self,
        client: JournalClient,
        line_edit: QLineEdit,
        *,
        offer_create: bool = True,
        parent: QObject | None = None,
    ) -> None:
        self._model = PersonMatchModel()
        super().__init__(self._model, parent or line_edit)
        self._model.setParent(self)
        self._client = client
        self._edit = line_edit
        self._offer_create = offer_create
        self._generation = 0
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setWidget(line_edit)  # not setCompleter(): the line edit must not rewrite itself on highlight
        self._popup().setAccessibleName("Matching people")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUERY_DELAY_MS)
        self._timer.timeout.connect(self._query)
        line_edit.textEdited.connect(self._on_text_edited)
        self.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]  # overloaded signal

    def _popup(self) -> QAbstractItemView:
        popup = self.popup()
        assert popup is not None  # QCompleter always has one once constructed
        return popup

    @property
    def offer_create(self) -> bool:
        return self._offer_create

    def set_offer_create(self, offer: bool) -> None:
        self._offer_create = offer

    def model_rows(self) -> list[PersonChoice]:
        """The rows currently offered (what the popup shows)."""
        return self._model.choices()

    def hide_popup(self) -> None:
        self._popup().hide()

    def cancel(self) -> None:
        """Forget pending queries and hide the popup (the field was cleared or the dialog is closing)."""
        self._generation += 1
        self._timer.stop()
        self._popup().hide()

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        self._generation += 1
        if not collapse_whitespace(text):
            self._timer.stop()
            self._model.set_choices([])
            self._popup().hide()
            return
        self._timer.start()

    @Slot()
    def _query(self) -> None:
        typed = collapse_whitespace(self._edit.text())
        if not typed:
            return
        generation = self._generation

        def show(found: list[Person]) -> None:
            if generation != self._generation:
                return  # the user typed on; a newer query is coming
            self._show(typed, found)

        self._client.query(lambda s: s.find_people(typed, limit=MATCH_LIMIT), show, name="complete-person")

    def _show(self, typed: str, found: list[Person]) -> None:
        rows = [PersonChoice(p.id, p.display_name, detail=person_detail(p)) for p in found]
        if self._offer_create and not any(fold(p.display_name) == fold(typed) for p in found):
            rows.append(PersonChoice.create(typed))
        self._model.set_choices(rows)
        if not rows or not self._edit.isVisible():
            self._popup().hide()
            return
        self.complete()
        self._popup().setCurrentIndex(self.completionModel().index(0, 0))
        self.matches_shown.emit(len(rows))

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        choice = index.data(PersonMatchModel.ChoiceRole)
        if isinstance(choice, PersonChoice):
            self._generation += 1  # a query still in flight must not reopen the popup
            self._timer.stop()
            self.person_chosen.emit(choice)
