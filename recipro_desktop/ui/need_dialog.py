"""Create or edit a listening note: whose need, what it is, when and where it was heard, tags, its status
(open → helping → met / dropped), a follow-up date and the act that met it."""

from __future__ import annotations

import dataclasses
from typing import Any, cast
from uuid import UUID

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import Act, Direction, ItemKind, Need, NeedStatus
from recipro_desktop.core.validation import validate_need
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.day_text import short_date
from recipro_desktop.ui.forms.ui_need_dialog import Ui_NeedDialog
from recipro_desktop.ui.icons import item_icon
from recipro_desktop.ui.item_dialog import ItemDialog, from_qdate, setup_date_edit, split_tags
from recipro_desktop.ui.item_labels import NEED_STATUSES, one_line
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_edit import PeopleEdit


class NeedDialog(ItemDialog):
    """The listening-note editor: ``NeedDialog(client, parent, need=None, people=(ana_id,))``."""

    NOUN = "listening note"
    SERVICE_NAME = "need"
    PLURAL = "needs"
    CHANGES = frozenset({ItemKind.NEED})

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        need: Need | None = None,
        people: tuple[UUID, ...] = (),
        *,
        clock: Clock | None = None,
        text: str = "",
    ) -> None:
        super().__init__(client, parent, need, clock)
        self.ui = Ui_NeedDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self.person_edit = PeopleEdit(client, self, multiple=False, placeholder="Whose need is it? Type a name…")
        self._add_people_edit("person_id", ui.personContainer, self.person_edit)
        QWidget.setTabOrder(self.person_edit.line_edit, ui.textEdit)
        for status, label in NEED_STATUSES.items():
            ui.statusCombo.addItem(label, status.value)
        self._init_common(
            ui.buttonBox,
            ui.generalError,
            {
                "person_id": ui.personError,
                "text": ui.textError,
                "heard_on": ui.heardOnError,
                "context": ui.contextError,
                "tags": ui.tagsError,
                "follow_up_on": ui.followUpError,
                "met_by_act_id": ui.metByError,
            },
            {
                "text": ui.textEdit,
                "heard_on": ui.heardOnEdit,
                "context": ui.contextEdit,
                "tags": ui.tagsEdit,
                "status": ui.statusCombo,
                "follow_up_on": ui.followUpEdit,
                "met_by_act_id": ui.metByCombo,
            },
        )
        ui.followUpCheck.toggled.connect(ui.followUpEdit.setEnabled)
        self.person_edit.people_changed.connect(self._load_options)
        if need is not None:
            self._fill(need)
        else:
            self._fill_new(text)
            self.person_edit.load_people(people[:1])
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _fill_new(self, text: str) -> None:
        ui = self.ui
        today = self._clock.today()
        ui.textEdit.setPlainText(text)
        setup_date_edit(ui.heardOnEdit, today)
        ui.statusCombo.setCurrentIndex(0)
        ui.followUpCheck.setChecked(False)
        setup_date_edit(ui.followUpEdit, today)
        ui.followUpEdit.setEnabled(False)

    def _fill(self, need: Need) -> None:
        ui = self.ui
        self.person_edit.load_people((need.person_id,))
        ui.textEdit.setPlainText(need.text)
        setup_date_edit(ui.heardOnEdit, need.heard_on)
        ui.contextEdit.setText(need.context)
        ui.tagsEdit.setText(", ".join(need.tags))
        ui.statusCombo.setCurrentIndex(max(0, ui.statusCombo.findData(need.status.value)))
        ui.followUpCheck.setChecked(need.follow_up_on is not None)
        setup_date_edit(ui.followUpEdit, need.follow_up_on or self._clock.today())
        ui.followUpEdit.setEnabled(need.follow_up_on is not None)
        ui.metByCombo.set_current_id(need.met_by_act_id)

    def _validate(self, item: Need) -> None:
        validate_need(item)

    def _collect(self) -> Need:
        ui = self.ui
        ids = self.person_edit.person_ids()
        fields: dict[str, Any] = {
            "person_id": ids[0] if ids else cast(UUID, None),  # validation names the missing person
            "text": ui.textEdit.toPlainText().strip(),
            "heard_on": from_qdate(ui.heardOnEdit.date()),
            "context": ui.contextEdit.text().strip(),
            "tags": split_tags(ui.tagsEdit.text()),
            "status": NeedStatus(ui.statusCombo.currentData()),
            "follow_up_on": from_qdate(ui.followUpEdit.date()) if ui.followUpCheck.isChecked() else None,
            "met_by_act_id": ui.metByCombo.current_id(),
        }
        if self._item is not None:
            return cast(Need, dataclasses.replace(self._item, **fields))
        return Need(**fields)

    @Slot()
    def _load_options(self) -> None:
        existing = [c.id for c in self.person_edit.choices() if not c.new]

        def fetch(s: JournalService) -> list[Act]:
            return [a for p in existing for a in s.acts_for(p) if a.direction is Direction.GIVEN]

        self._options("need-met-by", fetch, self._show_options)

    def _show_options(self, acts: list[Act]) -> None:
        today = self._clock.today()
        self.ui.metByCombo.set_options(
            [(a.id, f"{short_date(a.occurred_on, today)} · {one_line(a.summary, 70)}") for a in acts[:60]],
            item_icon(ItemKind.ACT, Direction.GIVEN),
        )
