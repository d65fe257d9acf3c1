"""A person's promises as a table: who promised, what, by when, and where it stands.

"You promised" and "They promised" are told apart in words and by icon; open promises that are due or overdue
read in the warning colour; kept, broken and cancelled ones are muted history.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from recipro_desktop.core.models import Commitment, CommitmentStatus, Promiser
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.item_labels import COMMITMENT_STATUSES, one_line
from recipro_desktop.ui.person_items_model import PersonItemsModel
from recipro_desktop.ui.person_text import due_phrase, human_date, tooltip


class PersonPromisesModel(PersonItemsModel[Commitment]):
    """One row per promise naming the person."""

    WHO, TEXT, DUE, STATUS = range(4)
    HEADERS = ("Who", "Promise", "Due", "Status")

    def cell(self, item: Commitment, column: int, role: int) -> Any:
        is_open = item.status is CommitmentStatus.OPEN
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WHO:
                return "You promised" if item.promiser is Promiser.ME else "They promised"
            if column == self.TEXT:
                return one_line(item.text, 200)
            if column == self.DUE:
                if item.due_on is None:
                    return ""
                return due_phrase(item.due_on, self.today) if is_open else human_date(item.due_on, self.today)
            if column == self.STATUS:
                return COMMITMENT_STATUSES[item.status]
            return None
        if role == self.SORT_ROLE:
            if column == self.WHO:
                return item.promiser.value
            if column == self.TEXT:
                return item.text.casefold()
            if column == self.DUE:
                return item.due_on.toordinal() if item.due_on else None
            if column == self.STATUS:
                return list(CommitmentStatus).index(item.status)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.WHO:
            return icon("item-promise")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.TEXT:
                lines = [item.text, f"Made {human_date(item.made_on, self.today)}"]
                if len(item.people) > 1:
                    lines.append("With: " + ", ".join(self.name_of(p) for p in item.people))
                return tooltip("\n".join(lines))
            if column == self.DUE and item.due_on is not None:
                return tooltip(f"{item.due_on:%A} {item.due_on.day} {item.due_on:%B %Y}")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not is_open:
                return self.muted()
            if column == self.DUE and item.due_on is not None and item.due_on <= self.today:
                return self.accent("warning")
        return None
