"""A field for the people an item is about: chips for the chosen ones, a line edit with name completion.

Type a name, take a match with Enter (or Tab, or a click) and it becomes a chip; type the next name. Backspace
in the empty line edit removes the last chip; each chip is a button that removes itself (Space or a click). An
unknown name can become a *new* person (the completer's "Create person …" row): the chip says "(new)" and the
caller creates that person together with the item (:meth:`new_people`), so nothing is stored if the dialog is
cancelled.

With ``multiple=False`` (a listening note belongs to one person) choosing a name replaces the chip.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QToolButton, QWidget

from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import Person
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.person_completer import PersonCompleter
from recipro_desktop.ui.person_match_model import PersonChoice


class PeopleEdit(QWidget):
    """Chips plus a completing line edit.

    Signals:
        people_changed(): a chip was added or removed.
    """

    people_changed = Signal()

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        *,
        multiple: bool = True,
        offer_create: bool = True,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._multiple = multiple
        self._choices: list[PersonChoice] = []
        self._chips: list[QToolButton] = []
        self._placeholder = placeholder or ("Type a name…" if multiple else "Type a name")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._layout = layout
        self._edit = QLineEdit(self)
        self._edit.setObjectName("peopleLineEdit")
        self._edit.setPlaceholderText(self._placeholder)
        self._edit.setAccessibleName("People" if multiple else "Person")
        self._edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._edit.setMinimumWidth(140)
        self._edit.installEventFilter(self)
        layout.addWidget(self._edit, 1)
        self.setFocusProxy(self._edit)
        self._completer = PersonCompleter(client, self._edit, offer_create=offer_create, parent=self)
        self._completer.person_chosen.connect(self._on_chosen)

    # --- public API ---------------------------------------------------------------------------------------

    @property
    def completer(self) -> PersonCompleter:
        return self._completer

    @property
    def line_edit(self) -> QLineEdit:
        return self._edit

    @property
    def multiple(self) -> bool:
        return self._multiple

    def choices(self) -> tuple[PersonChoice, ...]:
        return tuple(self._choices)

    def person_ids(self) -> tuple[UUID, ...]:
        """Every chosen person's id, new ones included (they are created with these ids)."""
        return tuple(c.id for c in self._choices)

    def new_people(self) -> tuple[Person, ...]:
        """The people to create before storing the item (chosen through "Create person …")."""
        return tuple(Person(id=c.id, display_name=c.name) for c in self._choices if c.new)

    def pending_text(self) -> str:
        """Text typed but not yet turned into a chip (the caller decides whether that is an error)."""
        return self._edit.text().strip()

    def set_choices(self, choices: Iterable[PersonChoice]) -> None:
        self._clear_chips()
        for choice in choices:
            self._add(choice, announce=False)
        self.people_changed.emit()

    def set_people(self, people: Iterable[Person]) -> None:
        self.set_choices(PersonChoice(p.id, p.display_name) for p in people)

    def load_people(self, ids: Sequence[UUID]) -> None:
        """Show the people with these ids (names looked up in the background; deleted ones are skipped)."""
        wanted = tuple(ids)
        if not wanted:
            self.set_choices(())
            return

        def fetch(service: JournalService) -> list[Person]:
            found = []
            for person_id in wanted:
                try:
                    found.append(service.get_person(person_id))
                except NotFoundError:
                    continue
            return found

        self._client.query(fetch, self.set_people, name="people-edit-load")

    def clear(self) -> None:
        self._completer.cancel()
        self._edit.clear()
        self.set_choices(())

    # --- internals ----------------------------------------------------------------------------------------

    @Slot(object)
    def _on_chosen(self, choice: PersonChoice) -> None:
        self._edit.clear()
        self._completer.hide_popup()
        if any(c.id == choice.id for c in self._choices):
            return
        if not self._multiple:
            self._clear_chips()
        self._add(choice, announce=True)

    def _add(self, choice: PersonChoice, *, announce: bool) -> None:
        chip = QToolButton(self)
        label = f"{choice.name} (new)" if choice.new else choice.name
        chip.setText(f"{label}  ×")
        chip.setToolTip(f"<qt>Remove {html.escape(label)}</qt>")
        chip.setAccessibleName(f"Remove {label}")
        chip.setAutoRaise(False)
        chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        chip.clicked.connect(lambda _=False, c=choice: self._remove(c))
        self._layout.insertWidget(len(self._chips), chip)
        self._chips.append(chip)
        self._choices.append(choice)
        self._edit.setPlaceholderText("Add another…" if self._multiple else "Change…")
        if announce:
            self.people_changed.emit()

    def _remove(self, choice: PersonChoice) -> None:
        for n, c in enumerate(self._choices):
            if c.id == choice.id:
                chip = self._chips.pop(n)
                del self._choices[n]
                chip.hide()
                chip.deleteLater()
                break
        if not self._choices:
            self._edit.setPlaceholderText(self._placeholder)
        self._edit.setFocus()
        self.people_changed.emit()

    def _clear_chips(self) -> None:
        for chip in self._chips:
            chip.hide()
            chip.deleteLater()
        self._chips.clear()
        self._choices.clear()
        self._edit.setPlaceholderText(self._placeholder)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Backspace
            and not self._edit.text()
            and self._choices
        ):
            self._remove(self._choices[-1])
            return True
        return super().eventFilter(watched, event)
