"""A person's acts as a table: when, which way, what kind, what, and whether it was thanked.

Given acts read in the "given" accent, received ones in the "received" accent (with the direction's icon, so
colour is never the only cue). For received acts the last column says whether a thank-you went out: "Thanked
3 Mar · email", "Not thanked yet" (warning colour) or "No thanks needed".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from recipro_desktop.core.models import Act, Direction, ItemKind
from recipro_desktop.ui.icons import act_kind_icon, item_icon
from recipro_desktop.ui.item_labels import ACT_KINDS, one_line
from recipro_desktop.ui.person_items_model import PersonItemsModel
from recipro_desktop.ui.person_text import human_date, tooltip


class PersonActsModel(PersonItemsModel[Act]):
    """One row per act naming the person."""

    DATE, DIRECTION, KIND, SUMMARY, THANKS = range(5)
    HEADERS = ("Date", "Which way", "Kind", "What", "Thanks")

    def thanks_text(self, act: Act) -> str:
        if act.direction is Direction.GIVEN:
            return ""
        if act.thanked_on is not None:
            how = f" · {act.thanked_how}" if act.thanked_how else ""
            return f"Thanked {human_date(act.thanked_on, self.today)}{how}"
        if act.thanks_not_needed:
            return "No thanks needed"
        return "Not thanked yet"

    def cell(self, item: Act, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.DATE:
                return human_date(item.occurred_on, self.today)
            if column == self.DIRECTION:
                return "Given" if item.direction is Direction.GIVEN else "Received"
            if column == self.KIND:
                return ACT_KINDS[item.kind]
            if column == self.SUMMARY:
                return one_line(item.summary, 200)
            if column == self.THANKS:
                return self.thanks_text(item)
            return None
        if role == self.SORT_ROLE:
            if column == self.DATE:
                return (item.occurred_on.toordinal(), item.created_at.timestamp())
            if column == self.DIRECTION:
                return item.direction.value
            if column == self.KIND:
                return ACT_KINDS[item.kind]
            if column == self.SUMMARY:
                return item.summary.casefold()
            if column == self.THANKS:
                return self.thanks_text(item) or None
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == self.DIRECTION:
                return item_icon(ItemKind.ACT, item.direction)
            if column == self.KIND:
                return act_kind_icon(item.kind)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.SUMMARY:
            lines = [item.summary]
            if item.details:
                lines.append(item.details)
            others = [self.name_of(p) for p in item.people[1:]] if len(item.people) > 1 else []
            if others:
                lines.append("With: " + ", ".join(self.name_of(p) for p in item.people))
            lines.append(f"Weight {item.weight} of 5" + (" · paid forward" if item.paid_forward else ""))
            return tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.DIRECTION:
                return self.accent("given" if item.direction is Direction.GIVEN else "received")
            if column == self.THANKS and item.direction is Direction.RECEIVED:
                if item.thanked_on is None and not item.thanks_not_needed:
                    return self.accent("warning")
                return self.muted()
        return None
