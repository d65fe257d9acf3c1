"""Quick add: log an act, a need, a promise, an interaction or a note without touching the mouse.

The window opens it with Ctrl+N from anywhere (and the tray with its menu). The flow a hand on the keyboard
follows::

    Ctrl+N  ana⏎  (Ctrl+1…5 for the kind)  Alt+R for "I received"  Tab  the referral to Acme⏎

- **Who**: type a name, Enter takes the highlighted match (or "Create person …" for someone new); type the next
  name for several people (acts, promises, interactions, notes). Backspace removes the last one.
- **Kind**: Ctrl+1 act, Ctrl+2 need, Ctrl+3 promise, Ctrl+4 interaction, Ctrl+5 note (or 1–5 while the kind bar
  has the focus, or a click). The fields follow: direction and act kind for acts, who promised for promises, the
  channel for interactions.
- **What** and **When**: one line; the date box takes "yesterday", "3 days ago", "fri", "12 Mar" or ISO dates and
  shows the day it understood. Empty means today; for a promise it means "no due date".
- **Enter** saves (when the name popup is closed), **Esc** cancels. A problem is shown under the field it concerns
  and the dialog stays open with everything typed.

After a *received* act is stored the dialog closes and offers the gratitude prompt ("Thank Ana for the
referral?", :mod:`gratitude_offer`); :attr:`QuickAddDialog.gratitude_offered` hands it out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QButtonGroup, QDialog, QDialogButtonBox, QLabel, QToolButton, QWidget

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Promiser,
)
from recipro_desktop.core.validation import (
    validate_act,
    validate_commitment,
    validate_entry,
    validate_interaction,
    validate_need,
)
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.day_text import parse_day, weekday_date
from recipro_desktop.ui.forms.ui_quick_add_dialog import Ui_QuickAddDialog
from recipro_desktop.ui.gratitude_offer import GratitudeOffer, offer_for
from recipro_desktop.ui.icons import act_kind_icon
from recipro_desktop.ui.item_dialog import PENDING_NAME
from recipro_desktop.ui.item_labels import ACT_KINDS, CHANNELS
from recipro_desktop.ui.journal_client import JournalClient, user_message
from recipro_desktop.ui.people_edit import PeopleEdit

log = logging.getLogger(__name__)

ACT, NEED, PROMISE, INTERACTION, NOTE = "act", "need", "promise", "interaction", "note"
KINDS = (ACT, NEED, PROMISE, INTERACTION, NOTE)

#: per kind: (label of the text field, its placeholder, label of the date field, its placeholder)
_TEXTS = {
    ACT: ("W&hat:", "What happened, in one line", "Wh&en:", "today, yesterday, 3 days ago, 12 Mar…"),
    NEED: ("&Need:", "What they need, want or struggle with", "&Heard:", "today, yesterday, last week…"),
    PROMISE: ("P&romise:", "What was promised", "&Due:", "tomorrow, friday, 12 Apr… (optional)"),
    INTERACTION: ("W&hat:", "Coffee, a call, a message…", "Wh&en:", "today, yesterday, 3 days ago…"),
    NOTE: ("&Note:", "What's on your mind", "Wh&en:", "today, yesterday…"),
}
_DATE_FIELDS = {ACT: "occurred_on", NEED: "heard_on", PROMISE: "due_on", INTERACTION: "occurred_on", NOTE: "written_on"}
_CHANGES = {
    ACT: ItemKind.ACT,
    NEED: ItemKind.NEED,
    PROMISE: ItemKind.COMMITMENT,
    INTERACTION: ItemKind.INTERACTION,
    NOTE: ItemKind.ENTRY,
}
_SERVICE = {ACT: "act", NEED: "need", PROMISE: "commitment", INTERACTION: "interaction", NOTE: "entry"}
_PLURAL = {ACT: "acts", NEED: "needs", PROMISE: "commitments", INTERACTION: "interactions", NOTE: "entries"}
_VALIDATE: dict[str, Callable[[Any], None]] = {
    ACT: validate_act,
    NEED: validate_need,
    PROMISE: validate_commitment,
    INTERACTION: validate_interaction,
    NOTE: validate_entry,
}
_DIGITS = {Qt.Key.Key_1: ACT, Qt.Key.Key_2: NEED, Qt.Key.Key_3: PROMISE, Qt.Key.Key_4: INTERACTION, Qt.Key.Key_5: NOTE}


class QuickAddDialog(QDialog):
    """The keyboard-first logging dialog (see the module docstring).

    Signals:
        item_saved(object): the stored item (an Act, Need, Commitment, Interaction or JournalEntry).
        gratitude_offered(object): the :class:`GratitudeOffer` opened after a received act.
    """

    item_saved = Signal(object)
    gratitude_offered = Signal(object)

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
        kind: str = ACT,
        people: tuple[UUID, ...] = (),
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._clock: Clock = clock or SystemClock()
        self._kind = ACT
        self._saving = False
        self._saved: Any | None = None
        self._offer: GratitudeOffer | None = None
        self.ui = Ui_QuickAddDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui

        self.people_edit = PeopleEdit(client, self, placeholder="Type a name…")
        layout = ui.peopleContainer.layout()
        assert layout is not None
        layout.addWidget(self.people_edit)
        ui.peopleContainer.setFocusProxy(self.people_edit)
        QWidget.setTabOrder(self.people_edit.line_edit, ui.givenRadio)

        for k, text in ACT_KINDS.items():
            ui.actKindCombo.addItem(act_kind_icon(k), text, k.value)
        for ch, text in CHANNELS.items():
            ui.channelCombo.addItem(text, ch.value)
        # The two radio pairs share one parent: without groups, auto-exclusivity would join all four.
        self._direction_group = QButtonGroup(self)
        self._promiser_group = QButtonGroup(self)
        for group, buttons in (
            (self._direction_group, (ui.givenRadio, ui.receivedRadio)),
            (self._promiser_group, (ui.mineRadio, ui.theirsRadio)),
        ):
            for button in buttons:
                group.addButton(button)
        ui.givenRadio.setChecked(True)
        ui.mineRadio.setChecked(True)

        self._kind_buttons: dict[str, QToolButton] = {
            ACT: ui.actButton,
            NEED: ui.needButton,
            PROMISE: ui.promiseButton,
            INTERACTION: ui.interactionButton,
            NOTE: ui.noteButton,
        }
        for n, (kind_name, kind_button) in enumerate(self._kind_buttons.items(), start=1):
            kind_button.clicked.connect(lambda _=False, k=kind_name: self.set_kind(k))
            kind_button.installEventFilter(self)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda k=kind_name: self.set_kind(k))

        self._errors: dict[str, QLabel] = {"people": ui.peopleError, "text": ui.summaryError, "date": ui.dateError}
        save = ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        save.setDefault(True)
        save.setAutoDefault(True)
        self._save_button = save
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        ui.dateEdit.textChanged.connect(self._update_date_hint)
        self.setWindowTitle("Quick add")

        self.set_kind(kind if kind in KINDS else ACT)
        self.people_edit.load_people(people)
        self._update_date_hint()
        self.people_edit.setFocus()

    # --- kind -----------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self._kind

    @Slot(str)
    def set_kind(self, kind: str) -> None:
        """Switch what is logged; what was typed stays."""
        ui = self.ui
        self._kind = kind
        self._kind_buttons[kind].setChecked(True)
        form = ui.formLayout
        form.setRowVisible(ui.directionLabel, kind == ACT)
        form.setRowVisible(ui.promiserLabel, kind == PROMISE)
        form.setRowVisible(ui.channelLabel, kind == INTERACTION)
        text_label, text_hint, date_label, date_hint = _TEXTS[kind]
        ui.summaryLabel.setText(text_label)
        ui.summaryEdit.setPlaceholderText(text_hint)
        ui.summaryEdit.setAccessibleName(text_label.replace("&", "").rstrip(":"))
        ui.dateLabel.setText(date_label)
        ui.dateEdit.setPlaceholderText(date_hint)
        ui.dateEdit.setAccessibleName(date_label.replace("&", "").rstrip(":"))
        self.people_edit.line_edit.setPlaceholderText(
            "Whose need? Type a name…" if kind == NEED else ("Who? (optional)" if kind == NOTE else "Type a name…")
        )
        self._clear_errors()
        self._update_date_hint()
        self._fit_height()

    def _fit_height(self) -> None:
        """Shrink to the rows shown (the kinds have different rows); keep the width the user gave it."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), self.minimumSizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and watched in self._kind_buttons.values()
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            kind = _DIGITS.get(Qt.Key(event.key()))
            if kind is not None:
                self.set_kind(kind)
                self._kind_buttons[kind].setFocus()
                return True
        return super().eventFilter(watched, event)

    # --- date -----------------------------------------------------------------------------------------------

    @Slot()
    def _update_date_hint(self) -> None:
        text = self.ui.dateEdit.text()
        today = self._clock.today()
        if self._kind == PROMISE and not text.strip():
            self.ui.dateHint.setText("no due date")
            return
        try:
            day = parse_day(text, today, future=self._kind == PROMISE)
        except ValidationError:
            self.ui.dateHint.setText("?")
            return
        self.ui.dateHint.setText(weekday_date(day, today))

    # --- saving ---------------------------------------------------------------------------------------------

    @property
    def saved_item(self) -> Any | None:
        return self._saved

    @property
    def gratitude_offer(self) -> GratitudeOffer | None:
        """The offer shown after a received act (None otherwise)."""
        return self._offer

    def error_text(self, which: str) -> str:
        """The inline message under ``"people"``, ``"text"``, ``"date"`` or ``"general"`` ('' if none)."""
        label = self.ui.generalError if which == "general" else self._errors.get(which)
        return label.text() if label is not None and not label.isHidden() else ""

    def accept(self) -> None:
        """Enter / Save: check, store in the background, close when stored."""
        if self._saving:
            return
        self._clear_errors()
        try:
            item = self._build()
            _VALIDATE[self._kind](item)
        except ValidationError as exc:
            self._show_error(exc)
            return
        self._submit(item)

    def _build(self) -> Any:
        ui, kind = self.ui, self._kind
        if self.people_edit.pending_text():
            raise ValidationError("people", PENDING_NAME)
        people = self.people_edit.person_ids()
        text = ui.summaryEdit.text().strip()
        today = self._clock.today()
        date_text = ui.dateEdit.text()
        day = (
            None
            if kind == PROMISE and not date_text.strip()
            else parse_day(date_text, today, future=kind == PROMISE, field=_DATE_FIELDS[kind])
        )
        if kind == ACT:
            assert day is not None
            return Act(
                occurred_on=day,
                direction=Direction.RECEIVED if ui.receivedRadio.isChecked() else Direction.GIVEN,
                kind=ActKind(ui.actKindCombo.currentData()),
                summary=text,
                people=people,
            )
        if kind == NEED:
            assert day is not None
            if len(people) > 1:
                raise ValidationError("person_id", "A listening note is about one person: remove the others.")
            if not people:
                raise ValidationError("person_id", "Choose the person this need belongs to.")
            return Need(person_id=people[0], text=text, heard_on=day)
        if kind == PROMISE:
            return Commitment(
                promiser=Promiser.THEM if ui.theirsRadio.isChecked() else Promiser.ME,
                text=text,
                made_on=today,
                due_on=day,
                people=people,
            )
        assert day is not None
        if kind == INTERACTION:
            return Interaction(
                occurred_on=day, channel=Channel(ui.channelCombo.currentData()), summary=text, people=people
            )
        return JournalEntry(written_on=day, text=text, people=people)

    def _submit(self, item: Any) -> None:
        kind = self._kind
        new_people = self.people_edit.new_people()
        name, plural = _SERVICE[kind], _PLURAL[kind]

        def save(s: JournalService) -> Any:
            if new_people:
                add_many: Callable[..., None] = s.add_many
                add_many(people=new_people, **{plural: [item]})  # one transaction: both or neither
                return getattr(s, f"get_{name}")(item.id)
            return getattr(s, f"add_{name}")(item)

        self._saving = True
        self._save_button.setEnabled(False)
        changes = {_CHANGES[kind]} | ({ItemKind.PERSON} if new_people else set())
        self._client.mutate(save, self._on_saved, changes=changes, name=f"quick-add-{kind}", on_error=self._on_failed)

    def _on_saved(self, stored: Any) -> None:
        self._saving = False
        self._save_button.setEnabled(True)
        self._saved = stored
        log.debug("quick add stored a %s", self._kind)
        self.item_saved.emit(stored)
        names = [c.name for c in self.people_edit.choices()]
        super().accept()
        if isinstance(stored, Act) and stored.direction is Direction.RECEIVED:
            self._offer = offer_for(self._client, stored, names, self.parentWidget(), clock=self._clock)
            self.gratitude_offered.emit(self._offer)

    def _on_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_error(exc)
        else:
            self._show_general(user_message(exc))

    # --- messages -------------------------------------------------------------------------------------------

    def _which(self, field: str) -> str | None:
        if field in ("people", "person_id"):
            return "people"
        if field in ("summary", "text"):
            return "text"
        if field in _DATE_FIELDS.values() or field == "made_on":
            return "date"
        return None

    def _clear_errors(self) -> None:
        for label in (*self._errors.values(), self.ui.generalError):
            label.clear()
            label.hide()

    def _show_error(self, exc: ValidationError) -> None:
        which = self._which(exc.field)
        if which is None:
            self._show_general(str(exc))
            return
        label = self._errors[which]
        label.setText(str(exc))
        label.show()
        self._fit_height()
        focus = {"people": self.people_edit, "text": self.ui.summaryEdit, "date": self.ui.dateEdit}[which]
        focus.setFocus()

    def _show_general(self, text: str) -> None:
        self.ui.generalError.setText(text)
        self.ui.generalError.show()
        self._fit_height()
