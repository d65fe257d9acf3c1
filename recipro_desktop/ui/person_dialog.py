"""Create or edit a person: every field of :class:`Person`, with inline messages next to the offending field.

The form comes from ``ui/person_dialog.ui``. The dialog is opened with :meth:`QDialog.open` (window-modal,
no nested event loop) and stays open until the save has really been stored: validation happens first here
(:func:`core.validation.validate_person`, the same rule the service applies) and again in the service, and
either way the message lands under the field ``ValidationError.field`` names, on its tab, with the focus there.
A stale edit (``ConflictError``, RELIABILITY C4) keeps what was typed and offers *Reload*.

Window titles never carry the person's name (RELIABILITY G10).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any
from uuid import UUID

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QWidget

from recipro_desktop.core.errors import ConflictError, NotFoundError, ValidationError
from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.core.validation import validate_person
from recipro_desktop.ui.forms.ui_person_dialog import Ui_PersonDialog
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.person_completer import PersonCompleter
from recipro_desktop.ui.person_match_model import PersonChoice
from recipro_desktop.ui.person_text import MONTHS, split_list

log = logging.getLogger(__name__)

NO_YEAR = 1899
"""The birth-year spin box's "year unknown" value (its minimum)."""


class PersonDialog(QDialog):
    """The person editor. ``person=None`` creates a new person.

    Signals:
        person_saved(object): the :class:`Person` as stored, after a successful save (the dialog then closes).
    """

    person_saved = Signal(object)

    def __init__(self, client: JournalClient, parent: QWidget | None = None, person: Person | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._original = person
        self._new_id = person.id if person is not None else Person(display_name="-").id
        self._met_through_id: UUID | None = person.met_through_id if person is not None else None
        self._met_through_label = ""
        self._saving = False
        self.ui = Ui_PersonDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self.setWindowTitle("New person" if person is None else "Edit person")
        ui = self.ui
        self._errors: dict[str, tuple[QWidget, QLabel]] = {
            "display_name": (ui.displayNameEdit, ui.displayNameError),
            "given_name": (ui.givenNameEdit, ui.givenNameError),
            "family_name": (ui.familyNameEdit, ui.familyNameError),
            "organisation": (ui.organisationEdit, ui.organisationError),
            "role": (ui.roleEdit, ui.roleError),
            "location": (ui.locationEdit, ui.locationError),
            "tags": (ui.tagsEdit, ui.tagsError),
            "emails": (ui.emailsEdit, ui.emailsError),
            "phones": (ui.phonesEdit, ui.phonesError),
            "links": (ui.linksEdit, ui.linksError),
            "how_met": (ui.howMetEdit, ui.howMetError),
            "met_on": (ui.metOnEdit, ui.metOnError),
            "met_through_id": (ui.metThroughEdit, ui.metThroughError),
            "birthday_month": (ui.birthdayMonthCombo, ui.birthdayError),
            "birthday_day": (ui.birthdayDaySpin, ui.birthdayError),
            "birthday_year": (ui.birthdayYearSpin, ui.birthdayError),
            "cadence_days": (ui.cadenceSpin, ui.cadenceError),
            "can_help_with": (ui.canHelpWithEdit, ui.canHelpWithError),
            "notes": (ui.notesEdit, ui.notesError),
        }
        for _, label in self._errors.values():
            label.hide()
        self._set_problem("")
        ui.reloadButton.hide()
        ui.birthdayMonthCombo.addItem("month", None)
        for number, name in enumerate(MONTHS, start=1):
            ui.birthdayMonthCombo.addItem(name, number)
        ui.metOnEdit.setDateRange(QDate(1900, 1, 1), QDate(2200, 12, 31))
        ui.metOnEdit.setDate(QDate.currentDate())
        ui.metOnCheck.toggled.connect(ui.metOnEdit.setEnabled)
        self._save_button = ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        self._save_button.setDefault(True)
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        ui.reloadButton.clicked.connect(self.reload)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_shortcut.activated.connect(self.save)
        self._setup_completion()
        self._connect_error_clearing()
        if person is not None:
            self._fill(person)
        ui.tabWidget.setCurrentIndex(0)
        ui.displayNameEdit.setFocus()

    # --- public -----------------------------------------------------------------------------------------

    @property
    def person(self) -> Person | None:
        """The person being edited (as last loaded), or None for a new one."""
        return self._original

    def visible_errors(self) -> dict[str, str]:
        """Field → message of every inline message currently shown (for tests and accessibility)."""
        shown: dict[str, str] = {}
        for field, (_, label) in self._errors.items():
            if not label.isHidden() and label.text() and label.text() not in shown.values():
                shown[field] = label.text()
        return shown

    def save(self) -> None:
        """Validate, then store in the background; the dialog closes once the person is stored."""
        if self._saving:
            return
        self._clear_errors()
        try:
            person = self.collect()
            validate_person(person)
        except ValidationError as err:
            self.show_error(err.field, str(err))
            return
        self._saving = True
        self._save_button.setEnabled(False)
        editing = self._original is not None
        self._client.mutate(
            (lambda s: s.update_person(person)) if editing else (lambda s: s.add_person(person)),
            self._saved,
            changes={ItemKind.PERSON},
            name="update person" if editing else "add person",
            on_error=self._save_failed,
        )

    def collect(self) -> Person:
        """A :class:`Person` from the form (not yet validated).

        Raises:
            ValidationError: a field cannot even be read (a name typed under "met through" but not chosen).
        """
        ui = self.ui
        month = ui.birthdayMonthCombo.currentData()
        day = ui.birthdayDaySpin.value() or None
        year = ui.birthdayYearSpin.value()
        through_text = ui.metThroughEdit.text().strip()
        if through_text and self._met_through_id is None:
            raise ValidationError("met_through_id", "Choose someone from the list, or clear this field.")
        values: dict[str, Any] = {
            "display_name": ui.displayNameEdit.text().strip(),
            "given_name": ui.givenNameEdit.text().strip(),
            "family_name": ui.familyNameEdit.text().strip(),
            "organisation": ui.organisationEdit.text().strip(),
            "role": ui.roleEdit.text().strip(),
            "location": ui.locationEdit.text().strip(),
            "tags": split_list(ui.tagsEdit.text()),
            "emails": split_list(ui.emailsEdit.toPlainText(), separators="\n,; "),
            "phones": split_list(ui.phonesEdit.toPlainText(), separators="\n;"),
            "links": split_list(ui.linksEdit.toPlainText(), separators="\n"),
            "how_met": ui.howMetEdit.toPlainText().strip(),
            "met_on": ui.metOnEdit.date().toPython() if ui.metOnCheck.isChecked() else None,
            "met_through_id": self._met_through_id if through_text else None,
            "birthday_month": month if isinstance(month, int) else None,
            "birthday_day": day,
            "birthday_year": None if year == NO_YEAR else year,
            "cadence_days": ui.cadenceSpin.value() or None,
            "can_help_with": split_list(ui.canHelpWithEdit.text()),
            "notes": ui.notesEdit.toPlainText().rstrip(),
            "archived": ui.archivedCheck.isChecked(),
        }
        if self._original is not None:
            return dataclasses.replace(self._original, **values)
        return Person(id=self._new_id, **values)

    def show_error(self, field: str, message: str) -> None:
        """Show ``message`` under the field's widget, switch to its tab and focus it."""
        target = self._errors.get(field)
        if target is None:
            self._set_problem(message)
            return
        widget, label = target
        label.setText(message)
        label.show()
        tab = self._tab_of(widget)
        if tab is not None:
            self.ui.tabWidget.setCurrentWidget(tab)
        widget.setFocus()

    def reload(self) -> None:
        """Load the stored version again (after a conflict): what was typed here is replaced."""
        if self._original is None:
            return
        person_id = self._original.id
        self._client.query(
            lambda s: s.get_person(person_id), self._reloaded, name="reload person", on_error=self._reload_failed
        )

    # --- internals --------------------------------------------------------------------------------------

    def _fill(self, person: Person) -> None:
        ui = self.ui
        ui.displayNameEdit.setText(person.display_name)
        ui.givenNameEdit.setText(person.given_name)
        ui.familyNameEdit.setText(person.family_name)
        ui.organisationEdit.setText(person.organisation)
        ui.roleEdit.setText(person.role)
        ui.locationEdit.setText(person.location)
        ui.tagsEdit.setText(", ".join(person.tags))
        ui.archivedCheck.setChecked(person.archived)
        ui.emailsEdit.setPlainText("\n".join(person.emails))
        ui.phonesEdit.setPlainText("\n".join(person.phones))
        ui.linksEdit.setPlainText("\n".join(person.links))
        ui.howMetEdit.setPlainText(person.how_met)
        ui.metOnCheck.setChecked(person.met_on is not None)
        if person.met_on is not None:
            ui.metOnEdit.setDate(QDate(person.met_on.year, person.met_on.month, person.met_on.day))
        month_index = ui.birthdayMonthCombo.findData(person.birthday_month) if person.birthday_month else 0
        ui.birthdayMonthCombo.setCurrentIndex(max(0, month_index))
        ui.birthdayDaySpin.setValue(person.birthday_day or 0)
        ui.birthdayYearSpin.setValue(person.birthday_year or NO_YEAR)
        ui.cadenceSpin.setValue(person.cadence_days or 0)
        ui.canHelpWithEdit.setText(", ".join(person.can_help_with))
        ui.notesEdit.setPlainText(person.notes)
        self._met_through_id = person.met_through_id
        ui.metThroughEdit.clear()
        if person.met_through_id is not None:
            through = person.met_through_id
            self._client.query(
                lambda s: s.get_person(through), self._show_met_through, name="person name", on_error=lambda _exc: None
            )

    def _show_met_through(self, other: Person) -> None:
        if other.id == self._met_through_id and not self.ui.metThroughEdit.text():
            self._met_through_label = other.display_name
            self.ui.metThroughEdit.setText(other.display_name)

    def _setup_completion(self) -> None:
        self._completer = PersonCompleter(self._client, self.ui.metThroughEdit, offer_create=False, parent=self)
        self._completer.person_chosen.connect(self._met_through_chosen)
        self.ui.metThroughEdit.textEdited.connect(self._met_through_edited)

    def _met_through_edited(self, text: str) -> None:
        if text != self._met_through_label:
            self._met_through_id = None

    def _met_through_chosen(self, choice: PersonChoice) -> None:
        if choice.id == self._new_id:
            self.show_error("met_through_id", "Someone can't be introduced through themselves.")
            return
        self._met_through_id = choice.id
        self._met_through_label = choice.name
        self.ui.metThroughEdit.setText(choice.name)
        self.ui.metThroughError.hide()

    def _connect_error_clearing(self) -> None:
        for widget, label in self._errors.values():
            signal = None
            if isinstance(widget, QPlainTextEdit):
                signal = widget.textChanged
            elif hasattr(widget, "textEdited"):
                signal = widget.textEdited
            elif hasattr(widget, "valueChanged"):
                signal = widget.valueChanged
            elif hasattr(widget, "currentIndexChanged"):
                signal = widget.currentIndexChanged
            elif hasattr(widget, "dateChanged"):
                signal = widget.dateChanged
            if signal is not None:
                signal.connect(lambda *_args, lab=label: lab.hide())

    def _clear_errors(self) -> None:
        for _, label in self._errors.values():
            label.hide()
            label.clear()
        self._set_problem("")
        self.ui.reloadButton.hide()

    def _set_problem(self, message: str) -> None:
        self.ui.conflictLabel.setText(message)
        self.ui.conflictLabel.setVisible(bool(message))

    def _tab_of(self, widget: QWidget) -> QWidget | None:
        tabs = self.ui.tabWidget
        for n in range(tabs.count()):
            page = tabs.widget(n)
            if page is not None and page.isAncestorOf(widget):
                return page
        return None

    def _saved(self, person: Person) -> None:
        self._saving = False
        self._save_button.setEnabled(True)
        self._original = person
        log.debug("person %s saved", person.id)
        self.person_saved.emit(person)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_error(exc.field, str(exc))
        elif isinstance(exc, ConflictError):
            self._set_problem(
                "This person was changed elsewhere since you opened it. Nothing was saved. "
                "Reload to see the saved version (what you typed here will be replaced)."
            )
            self.ui.reloadButton.show()
            self.ui.reloadButton.setFocus()
        elif isinstance(exc, NotFoundError):
            self._set_problem("This person is no longer in your journal; nothing was saved.")
        else:
            self._set_problem(user_message(exc))

    def _reloaded(self, person: Person) -> None:
        self._original = person
        self._clear_errors()
        self._fill(person)

    def _reload_failed(self, exc: BaseException) -> None:
        self._set_problem(user_message(exc))
