"""Journal entries that name a person, as a table: when, the note's first line, the prompt it answered."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from recipro_desktop.core.models import JournalEntry, PromptKind
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.item_labels import one_line
from recipro_desktop.ui.person_items_model import PersonItemsModel
from recipro_desktop.ui.person_text import human_date, tooltip

PROMPTS = {PromptKind.GRATITUDE: "Gratitude", PromptKind.REFLECTION: "Reflection", PromptKind.NONE: ""}


class PersonNotesModel(PersonItemsModel[JournalEntry]):
    """One row per journal entry naming the person."""

    DATE, TEXT, PROMPT = range(3)
    HEADERS = ("Date", "Note", "Prompt")

    def cell(self, item: JournalEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.DATE:
                return human_date(item.written_on, self.today)
            if column == self.TEXT:
                return one_line(item.text, 200)
            if column == self.PROMPT:
                return PROMPTS[item.prompt_kind]
            return None
        if role == self.SORT_ROLE:
            if column == self.DATE:
                return (item.written_on.toordinal(), item.created_at.timestamp())
            if column == self.TEXT:
                return item.text.casefold()
            if column == self.PROMPT:
                return PROMPTS[item.prompt_kind] or None
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.TEXT:
            return icon("item-note")
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.TEXT, self.PROMPT):
            lines = []
            if item.prompt:
                lines.append(f"Prompt: {item.prompt}")
            lines.append(item.text)
            if len(item.people) > 1:
                lines.append("About: " + ", ".join(self.name_of(p) for p in item.people))
            return tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.PROMPT:
            return self.muted()
        return None
