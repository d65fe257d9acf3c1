"""What every item dialog shares: inline validation, saving in the background, "changed elsewhere" handling.

A subclass (``ActDialog``, ``NeedDialog``…) builds its generated form, then calls :meth:`ItemDialog._init_common`
with its error labels by field name, and implements :meth:`_collect` (the form as a dataclass) and :meth:`_fill`
(a dataclass into the form). Then:

- **Save** (the default button, so Enter in a line edit saves) collects the item, checks it with
  :mod:`core.validation` on the GUI thread (pure and instant) and shows a failure *next to the field*
  ``ValidationError.field`` names, focusing that field. Only a valid item goes to the background worker.
- The dialog stays open while saving and closes (``exec()`` returns ``Accepted``) once the service stored the
  item, so a caller that does ``if dialog.exec(): …`` knows it was saved; :attr:`saved_item` is the stored
  version and :attr:`item_saved` carries it too.
- A stale edit (someone saved the item since this dialog read it, RELIABILITY C4) asks "This was changed
  elsewhere; reload?": Yes shows the saved version (discarding the edits here), No keeps the edits on screen.
- People typed as new ("Create person …") are created with the item: for a new item in the same transaction
  (``add_many``), for an edit just before it (and only once, so a retry after a conflict does not duplicate).

Window titles name the kind only ("Edit act"), never the item's text (RELIABILITY G10).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import ConflictError, NotFoundError, ValidationError
from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.core.validation import YEAR_MAX, YEAR_MIN
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.people_edit import PeopleEdit

log = logging.getLogger(__name__)

PENDING_NAME = "Choose the name from the list (or “Create person …”), or clear what you typed."
CONFLICT_TITLE = "Changed elsewhere"
CONFLICT_TEXT = (
    "This was changed elsewhere; reload?\n\nReloading shows the saved version and discards your changes here."
)


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    value = q.toPython()
    assert isinstance(value, date)
    return value


def setup_date_edit(edit: QDateEdit, value: date) -> None:
    """Same range as validation accepts, and the value."""
    edit.setMinimumDate(QDate(YEAR_MIN, 1, 1))
    edit.setMaximumDate(QDate(YEAR_MAX, 12, 31))
    edit.setDate(to_qdate(value))


def split_tags(text: str) -> tuple[str, ...]:
    """``"hiring, housing ,"`` → ``("hiring", "housing")``, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


class ItemDialog(QDialog):
    """Base class of the dialogs that create or edit one item.

    Signals:
        item_saved(object): the stored item (new version) after a successful save.
    """

    item_saved = Signal(object)

    NOUN: ClassVar[str] = "item"
    SERVICE_NAME: ClassVar[str] = ""  # add_<name>/get_<name>/update_<name>
    PLURAL: ClassVar[str] = ""  # the add_many keyword
    CHANGES: ClassVar[frozenset[ItemKind]] = frozenset()

    def __init__(self, client: JournalClient, parent: QWidget | None, item: Any | None, clock: Clock | None) -> None:
        super().__init__(parent)
        self._client = client
        self._item = item
        self._clock: Clock = clock or SystemClock()
        self._saved: Any | None = None
        self._saving = False
        self._errors: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self._people_fields: list[tuple[str, PeopleEdit]] = []
        self._general: QLabel | None = None
        self._save_button: QPushButton | None = None
        self._generations: dict[str, int] = {}

    # --- for subclasses ------------------------------------------------------------------------------------

    def _init_common(
        self,
        button_box: QDialogButtonBox,
        general: QLabel,
        errors: dict[str, QLabel],
        focus: dict[str, QWidget],
    ) -> None:
        self._general = general
        self._errors = errors
        self._focus = focus
        save = button_box.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setDefault(True)
            save.setAutoDefault(True)
            self._save_button = save
        button_box.accepted.connect(self.accept)
        button_box.rejected.connect(self.reject)
        self.setWindowTitle(("Edit " if self._item is not None else "New ") + self.NOUN)

    def _add_people_edit(self, field: str, container: QWidget, edit: PeopleEdit) -> None:
        layout = container.layout()
        assert layout is not None
        layout.addWidget(edit)
        container.setFocusProxy(edit)
        self._people_fields.append((field, edit))
        self._focus.setdefault(field, edit)

    def _collect(self) -> Any:
        """The form as the item to store; may raise :class:`ValidationError` for what it cannot parse."""
        raise NotImplementedError

    def _fill(self, item: Any) -> None:
        raise NotImplementedError

    def _validate(self, item: Any) -> None:
        """The :mod:`core.validation` rule for the kind (raises :class:`ValidationError`)."""
        raise NotImplementedError

    def _new_people(self) -> tuple[Person, ...]:
        return tuple(p for _, edit in self._people_fields for p in edit.new_people())

    def _options(self, key: str, fn: Callable[[JournalService], Any], on_done: Callable[[Any], object]) -> None:
        """Background query for a combo's options; only the newest answer per ``key`` is used."""
        generation = self._generations.get(key, 0) + 1
        self._generations[key] = generation

        def deliver(result: Any) -> None:
            if self._generations.get(key) == generation:
                on_done(result)

        self._client.query(fn, deliver, name=f"dialog-options-{key}", on_error=lambda exc: None)

    # --- public API -----------------------------------------------------------------------------------------

    @property
    def item(self) -> Any | None:
        """The item as last read (None for a new one)."""
        return self._item

    @property
    def saved_item(self) -> Any | None:
        """The item as stored by the last successful save."""
        return self._saved

    def error_text(self, field: str) -> str:
        """The inline message shown for ``field`` ('' when none; 'general' for the dialog-wide one)."""
        label = self._general if field == "general" else self._errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def accept(self) -> None:
        """Save; the dialog closes once the item is stored (see the module docstring)."""
        if self._saving:
            return
        self._clear_errors()
        try:
            for field, edit in self._people_fields:
                if edit.pending_text():
                    raise ValidationError(field, PENDING_NAME)
            item = self._collect()
            self._validate(item)
        except ValidationError as exc:
            self._show_error(exc)
            return
        self._submit(item)

    # --- saving ---------------------------------------------------------------------------------------------

    def _submit(self, item: Any) -> None:
        new_people = self._new_people()
        existing = self._item is not None
        name, plural = self.SERVICE_NAME, self.PLURAL

        def save(s: JournalService) -> Any:
            if existing:
                for person in new_people:  # idempotent: a retry after a conflict must not add them twice
                    try:
                        s.get_person(person.id)
                    except NotFoundError:
                        s.add_person(person)
                return getattr(s, f"update_{name}")(item)
            if new_people:
                add_many: Callable[..., None] = s.add_many
                add_many(people=new_people, **{plural: [item]})
                return getattr(s, f"get_{name}")(item.id)
            return getattr(s, f"add_{name}")(item)

        self._set_saving(True)
        changes = self.CHANGES | ({ItemKind.PERSON} if new_people else set())
        self._client.mutate(save, self._on_saved, changes=changes, name=f"save-{name}", on_error=self._on_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        if self._save_button is not None:
            self._save_button.setEnabled(not saving)

    def _on_saved(self, stored: Any) -> None:
        self._set_saving(False)
        self._saved = stored
        self._item = stored
        log.debug("%s saved: %s", self.SERVICE_NAME, stored.id)
        self.item_saved.emit(stored)
        super().accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, ConflictError):
            answer = QMessageBox.question(
                self,
                CONFLICT_TITLE,
                CONFLICT_TEXT,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.reload()
            else:
                self._show_general("Not saved: this was changed elsewhere. Reload to see the saved version.")
        elif isinstance(exc, ValidationError):
            self._show_error(exc)
        elif isinstance(exc, NotFoundError):
            self._show_general(f"This {self.NOUN} no longer exists: it was deleted elsewhere.")
        else:
            self._show_general(user_message(exc))

    def reload(self) -> None:
        """Read the item again and show the stored version (edits on screen are discarded)."""
        if self._item is None:
            return
        item_id, name = self._item.id, self.SERVICE_NAME

        def loaded(fresh: Any) -> None:
            self._item = fresh
            self._clear_errors()
            self._fill(fresh)

        self._client.query(
            lambda s: getattr(s, f"get_{name}")(item_id), loaded, name=f"reload-{name}", on_error=self._on_failed
        )

    # --- messages -------------------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for label in (*self._errors.values(), self._general):
            if label is not None:
                label.clear()
                label.hide()

    def _show_error(self, exc: ValidationError) -> None:
        label = self._errors.get(exc.field)
        if label is None:
            self._show_general(str(exc))
        else:
            label.setText(str(exc))
            label.show()
        widget = self._focus.get(exc.field)
        if widget is not None:
            widget.setFocus()

    def _show_general(self, text: str) -> None:
        if self._general is not None:
            self._general.setText(text)
            self._general.show()


def people_names(edits: Iterable[PeopleEdit]) -> dict[Any, str]:
    """Names by id of everyone chosen in ``edits`` (to label combo options)."""
    return {c.id: c.name for edit in edits for c in edit.choices()}
