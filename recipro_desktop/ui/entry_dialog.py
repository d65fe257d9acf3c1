"""Create or edit a journal note: the text, its day, the people it is about and the prompt it answered."""

from __future__ import annotations

import dataclasses
from typing import Any, cast
from uuid import UUID

from PySide6.QtWidgets import QWidget

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import ItemKind, JournalEntry, PromptKind
from recipro_desktop.core.validation import validate_entry
from recipro_desktop.ui.forms.ui_entry_dialog import Ui_EntryDialog
from recipro_desktop.ui.item_dialog import ItemDialog, from_qdate, setup_date_edit
from recipro_desktop.ui.item_labels import PROMPT_KINDS
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_edit import PeopleEdit


class EntryDialog(ItemDialog):
    """The note editor: ``EntryDialog(client, parent, entry=None, people=(ana_id,))``."""

    NOUN = "note"
    SERVICE_NAME = "entry"
    PLURAL = "entries"
    CHANGES = frozenset({ItemKind.ENTRY})

    def __init__(
        self,
        client: JournalClient,
        parent: QWidget | None = None,
        entry: JournalEntry | None = None,
        people: tuple[UUID, ...] = (),
        *,
        clock: Clock | None = None,
        prompt_kind: PromptKind = PromptKind.NONE,
        prompt: str = "",
    ) -> None:
        super().__init__(client, parent, entry, clock)
        self.ui = Ui_EntryDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        ui = self.ui
        self.people_edit = PeopleEdit(client, self, placeholder="Who is it about? (optional)")
        self._add_people_edit("people", ui.peopleContainer, self.people_edit)
        QWidget.setTabOrder(ui.textEdit, self.people_edit.line_edit)
        QWidget.setTabOrder(self.people_edit.line_edit, ui.promptKindCombo)
        for kind, label in PROMPT_KINDS.items():
            ui.promptKindCombo.addItem(label, kind.value)
        self._init_common(
            ui.buttonBox,
            ui.generalError,
            {"written_on": ui.writtenOnError, "text": ui.textError, "people": ui.peopleError, "prompt": ui.promptError},
            {
                "written_on": ui.writtenOnEdit,
                "text": ui.textEdit,
                "prompt": ui.promptEdit,
                "prompt_kind": ui.promptKindCombo,
            },
        )
        ui.promptKindCombo.currentIndexChanged.connect(self._update_prompt_field)
        if entry is not None:
            self._fill(entry)
        else:
            self._fill(JournalEntry(written_on=self._clock.today(), text="", prompt_kind=prompt_kind, prompt=prompt))
            self.people_edit.load_people(people)
            ui.textEdit.setFocus()
        self.resize(self.sizeHint().expandedTo(self.size()))

    def _update_prompt_field(self) -> None:
        has_prompt = PromptKind(self.ui.promptKindCombo.currentData()) is not PromptKind.NONE
        self.ui.promptEdit.setEnabled(has_prompt)

    def _fill(self, e: JournalEntry) -> None:
        ui = self.ui
        if e.people:
            self.people_edit.load_people(e.people)
        setup_date_edit(ui.writtenOnEdit, e.written_on)
        ui.textEdit.setPlainText(e.text)
        ui.promptKindCombo.setCurrentIndex(max(0, ui.promptKindCombo.findData(e.prompt_kind.value)))
        ui.promptEdit.setText(e.prompt)
        self._update_prompt_field()

    def _validate(self, item: JournalEntry) -> None:
        validate_entry(item)

    def _collect(self) -> JournalEntry:
        ui = self.ui
        kind = PromptKind(ui.promptKindCombo.currentData())
        fields: dict[str, Any] = {
            "written_on": from_qdate(ui.writtenOnEdit.date()),
            "text": ui.textEdit.toPlainText().strip(),
            "people": self.people_edit.person_ids(),
            "prompt_kind": kind,
            "prompt": ui.promptEdit.text().strip() if kind is not PromptKind.NONE else "",
        }
        if self._item is not None:
            return cast(JournalEntry, dataclasses.replace(self._item, **fields))
        return JournalEntry(**fields)
