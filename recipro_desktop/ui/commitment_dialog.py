"""Create or edit a promise: who promised (me or them), to or from whom, what, when it was made and is due,
its status (open, kept, broken, cancelled) and the act that fulfilled it."""

from __future__ import annotations

import dataclasses
from typing import Any, cast
from uuid import UUID

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import Act, Commitment, CommitmentStatus, Direction, ItemKind, Promiser
from recipro_desktop.core.validation import validate_commitment
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.day_text import short_date
from recipro_desktop.ui.forms.ui_commitment_dialog import Ui_CommitmentDialog
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.item_dialog import ItemDialog, from_qdate, setup_date_edit
from recipro_desktop.ui.item_labels import COMMITMENT_STATUSES, one_line
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_edit import PeopleEdit


class CommitmentDialog(ItemDialog):
    """The promise editor: ``CommitmentDialog(client, parent, commitment=None, people=(ana_id,))``."""

    NOUN = "promise"
    SERVICE_NAME = "commitment"
    PLURAL = "commitments"
    CHANGES = frozenset({ItemKind.COMMITMENT})

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        commitment: Commitment | None = None,
        people: tuple[UUID, ...] = (),
        *,
        clock: Clock | None = None,
        promiser: Promiser = Promiser.ME,
        text: str = "",
    ) -> None:
        super().__init__(client, parent, commitment, clock)
        self.ui = Ui_CommitmentDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self.people_edit = PeopleEdit(client, self, placeholder="To or from whom? Type a name…")
        self._add_people_edit("people", ui.peopleContainer, self.people_edit)
        QWidget.setTabOrder(ui.theirsRadio, self.people_edit.line_edit)
        QWidget.setTabOrder(self.people_edit.line_edit, ui.textEdit)
        for status, label in COMMITMENT_STATUSES.items():
            ui.statusCombo.addItem(label, status.value)
        self._init_common(
            ui.buttonBox,
            ui.generalError,
            {
                "people": ui.peopleError,
                "text": ui.textError,
                "made_on": ui.madeOnError,
                "due_on": ui.dueError,
                "fulfilled_by_act_id": ui.fulfilledByError,
            },
            {
                "text": ui.textEdit,
                "made_on": ui.madeOnEdit,
                "due_on": ui.dueEdit,
                "status": ui.statusCombo,
                "fulfilled_by_act_id": ui.fulfilledByCombo,
                "promiser": ui.mineRadio,
            },
        )
        self._acts: list[Act] = []
        ui.dueCheck.toggled.connect(ui.dueEdit.setEnabled)
        ui.theirsRadio.toggled.connect(lambda _on: self._show_options(self._acts))
        self.people_edit.people_changed.connect(self._load_options)
        if commitment is not None:
            self._fill(commitment)
        else:
            today = self._clock.today()
            self._fill(Commitment(promiser=promiser, text=text, made_on=today, people=()))
            self.people_edit.load_people(people)
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _fill(self, c: Commitment) -> None:
        ui = self.ui
        if c.people:
            self.people_edit.load_people(c.people)
        (ui.theirsRadio if c.promiser is Promiser.THEM else ui.mineRadio).setChecked(True)
        ui.textEdit.setPlainText(c.text)
        setup_date_edit(ui.madeOnEdit, c.made_on)
        ui.dueCheck.setChecked(c.due_on is not None)
        setup_date_edit(ui.dueEdit, c.due_on or self._clock.today())
        ui.dueEdit.setEnabled(c.due_on is not None)
        ui.statusCombo.setCurrentIndex(max(0, ui.statusCombo.findData(c.status.value)))
        ui.fulfilledByCombo.set_current_id(c.fulfilled_by_act_id)

    def _validate(self, item: Commitment) -> None:
        validate_commitment(item)

    def _collect(self) -> Commitment:
        ui = self.ui
        fields: dict[str, Any] = {
            "promiser": Promiser.THEM if ui.theirsRadio.isChecked() else Promiser.ME,
            "text": ui.textEdit.toPlainText().strip(),
            "made_on": from_qdate(ui.madeOnEdit.date()),
            "people": self.people_edit.person_ids(),
            "due_on": from_qdate(ui.dueEdit.date()) if ui.dueCheck.isChecked() else None,
            "status": CommitmentStatus(ui.statusCombo.currentData()),
            "fulfilled_by_act_id": ui.fulfilledByCombo.current_id(),
        }
        if self._item is not None:
            return cast(Commitment, dataclasses.replace(self._item, **fields))
        return Commitment(**fields)

    @Slot()
    def _load_options(self) -> None:
        existing = [c.id for c in self.people_edit.choices() if not c.new]

        def fetch(s: JournalService) -> list[Act]:
            acts = {a.id: a for p in existing for a in s.acts_for(p)}
            return sorted(acts.values(), key=lambda a: (a.occurred_on, a.created_at), reverse=True)

        self._options("commitment-fulfilled-by", fetch, self._show_options)

    def _show_options(self, acts: list[Act]) -> None:
        self._acts = acts
        # My promise is fulfilled by something I gave; theirs by something I received.
        wanted = Direction.RECEIVED if self.ui.theirsRadio.isChecked() else Direction.GIVEN
        current = self.ui.fulfilledByCombo.current_id()
        today = self._clock.today()
        shown = [a for a in acts if a.direction is wanted or a.id == current][:60]
        self.ui.fulfilledByCombo.set_options(
            [(a.id, f"{short_date(a.occurred_on, today)} · {one_line(a.summary, 70)}") for a in shown],
            icon("item-act-received" if wanted is Direction.RECEIVED else "item-act-given"),
        )
