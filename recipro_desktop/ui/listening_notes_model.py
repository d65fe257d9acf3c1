"""A person's listening notes (needs and challenges) as a table: what, status, when heard, follow-up.

Open and being-helped needs come first (newest heard first), then met and dropped ones, shown muted: the tab
reads as "what they need now" with the history below it. Follow-ups that are due or overdue are in the warning
colour. Text is shown as plain text; tooltips are escaped (RELIABILITY G4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from PySide6.QtCore import Qt

from recipro_desktop.core.models import Need, NeedStatus
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.item_labels import NEED_STATUSES, one_line
from recipro_desktop.ui.person_items_model import PersonItemsModel
from recipro_desktop.ui.person_text import due_phrase, human_date, join_list, tooltip

ACTIVE = (NeedStatus.OPEN, NeedStatus.HELPING)


def ordered(needs: Sequence[Need]) -> list[Need]:
    """Open and helping first, then met and dropped; newest heard first within each group."""
    return sorted(needs, key=lambda n: (n.status not in ACTIVE, -n.heard_on.toordinal(), n.text.casefold()))


class ListeningNotesModel(PersonItemsModel[Need]):
    """One row per need of one person (see the module docstring)."""

    TEXT, STATUS, HEARD, FOLLOW_UP = range(4)
    HEADERS = ("Listening note", "Status", "Heard", "Follow up")

    def set_items(self, items: Sequence[Need], names: dict[UUID, str] | None = None) -> None:
        super().set_items(ordered(items), names)

    def active_count(self) -> int:
        return sum(1 for n in self.items() if n.status in ACTIVE)

    def cell(self, item: Need, column: int, role: int) -> Any:
        active = item.status in ACTIVE
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TEXT:
                return one_line(item.text, 200)
            if column == self.STATUS:
                return NEED_STATUSES[item.status]
            if column == self.HEARD:
                return human_date(item.heard_on, self.today)
            if column == self.FOLLOW_UP:
                if item.follow_up_on is None or not active:
                    return ""
                return human_date(item.follow_up_on, self.today)
            return None
        if role == self.SORT_ROLE:
            if column == self.TEXT:
                return item.text.casefold()
            if column == self.STATUS:
                return list(NeedStatus).index(item.status)
            if column == self.HEARD:
                return item.heard_on.toordinal()
            if column == self.FOLLOW_UP:
                return item.follow_up_on.toordinal() if item.follow_up_on and active else None
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.TEXT:
                lines = [item.text]
                if item.context:
                    lines.append(f"Context: {item.context}")
                if item.tags:
                    lines.append(f"Tags: {join_list(item.tags)}")
                return tooltip("\n".join(lines))
            if column == self.FOLLOW_UP and item.follow_up_on is not None and active:
                return tooltip(f"Follow up {due_phrase(item.follow_up_on, self.today)}")
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.TEXT:
            return icon("item-need")
        if role == Qt.ItemDataRole.ForegroundRole:
            if not active:
                return self.muted()
            if column == self.FOLLOW_UP and item.follow_up_on is not None and item.follow_up_on <= self.today:
                return self.accent("warning")
            if column == self.STATUS and item.status is NeedStatus.HELPING:
                return self.accent("given")
        return None
