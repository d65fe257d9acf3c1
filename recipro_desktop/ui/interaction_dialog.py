"""Create or edit an interaction: a touchpoint that is not an act (a coffee, a call, a message, an event)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast
from uuid import UUID

from PySide6.QtWidgets import QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import Channel, Interaction, ItemKind
from recipro_desktop.core.validation import validate_interaction
from recipro_desktop.ui.forms.ui_interaction_dialog import Ui_InteractionDialog
from recipro_desktop.ui.item_dialog import ItemDialog, from_qdate, setup_date_edit
from recipro_desktop.ui.item_labels import CHANNELS
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_edit import PeopleEdit


class InteractionDialog(ItemDialog):
    """The interaction editor: ``InteractionDialog(client, parent, interaction=None, people=(ana_id,))``.

    ``summary`` and ``channel`` prefill a new interaction ("Log interaction…" on Today, birthday wishes).
    """

    NOUN = "interaction"
    SERVICE_NAME = "interaction"
    PLURAL = "interactions"
    CHANGES = frozenset({ItemKind.INTERACTION})

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        interaction: Interaction | None = None,
        people: tuple[UUID, ...] = (),
        *,
        clock: Clock | None = None,
        channel: Channel = Channel.MEETING,
        summary: str = "",
    ) -> None:
        super().__init__(client, parent, interaction, clock)
        self.ui = Ui_InteractionDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self.people_edit = PeopleEdit(client, self, placeholder="With whom? Type a name…")
        self._add_people_edit("people", ui.peopleContainer, self.people_edit)
        QWidget.setTabOrder(self.people_edit.line_edit, ui.occurredOnEdit)
        for ch, label in CHANNELS.items():
            ui.channelCombo.addItem(label, ch.value)
        self._init_common(
            ui.buttonBox,
            ui.generalError,
            {
                "people": ui.peopleError,
                "occurred_on": ui.occurredOnError,
                "summary": ui.summaryError,
                "details": ui.detailsError,
            },
            {
                "occurred_on": ui.occurredOnEdit,
                "summary": ui.summaryEdit,
                "details": ui.detailsEdit,
                "channel": ui.channelCombo,
            },
        )
        if interaction is not None:
            self._fill(interaction)
        else:
            self._fill(Interaction(occurred_on=self._clock.today(), channel=channel, summary=summary, people=()))
            self.people_edit.load_people(people)
            if people:
                ui.summaryEdit.setFocus()
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _fill(self, i: Interaction) -> None:
        ui = self.ui
        if i.people:
            self.people_edit.load_people(i.people)
        setup_date_edit(ui.occurredOnEdit, i.occurred_on)
        ui.channelCombo.setCurrentIndex(max(0, ui.channelCombo.findData(i.channel.value)))
        ui.summaryEdit.setText(i.summary)
        ui.detailsEdit.setPlainText(i.details)

    def _validate(self, item: Interaction) -> None:
        validate_interaction(item)

    def _collect(self) -> Interaction:
        ui = self.ui
        fields: dict[str, Any] = {
            "occurred_on": from_qdate(ui.occurredOnEdit.date()),
            "channel": Channel(ui.channelCombo.currentData()),
            "summary": ui.summaryEdit.text().strip(),
            "details": ui.detailsEdit.toPlainText().strip(),
            "people": self.people_edit.person_ids(),
        }
        if self._item is not None:
            return cast(Interaction, dataclasses.replace(self._item, **fields))
        return Interaction(**fields)
