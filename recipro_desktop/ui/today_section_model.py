"""The rows of one Today section, as immutable data a Qt list model holds and a section widget shows.

A :class:`TodayRow` is what one line of the briefing says, already in words: a title, a few detail lines, the
actions it offers. Text is a sequence of *segments*: plain text, a person (:class:`~recipro_desktop.services.
today.PersonRef`, shown as a link that opens their page) or :class:`Emphasis` (shown in the accent colour, e.g.
"overdue by 3 days"). The model gives the flattened text for display, tooltips (escaped: notes are plain text,
RELIABILITY G4) and accessibility, so tests and screen readers see exactly what the user reads.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from recipro_desktop.services.today import PersonRef
from recipro_desktop.ui.icons import icon

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Text shown in the accent colour (overdue, today)."""

    text: str


Segment = str | PersonRef | Emphasis


@dataclass(frozen=True, slots=True)
class RowAction:
    """A button on a row: ``id`` is what the view acts on, ``label`` what the button says."""

    id: str
    label: str
    tooltip: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TodayRow:
    """One line of the briefing. ``item`` is the dataclass the actions work on (an Act, a Commitment...)."""

    key: UUID
    icon: str
    title: tuple[Segment, ...]
    lines: tuple[tuple[Segment, ...], ...] = ()
    actions: tuple[RowAction, ...] = ()
    item: Any = None
    person: PersonRef | None = None

    @property
    def text(self) -> str:
        return flatten(self.title)

    @property
    def detail(self) -> str:
        return "\n".join(flatten(line) for line in self.lines)

    @property
    def people(self) -> tuple[PersonRef, ...]:
        """Every person named on the row, in order, once."""
        seen: dict[UUID, PersonRef] = {}
        for part in (*self.title, *(s for line in self.lines for s in line)):
            if isinstance(part, PersonRef):
                seen.setdefault(part.id, part)
        return tuple(seen.values())


def flatten(segments: Sequence[Segment]) -> str:
    """The plain text of a line of segments."""
    out = []
    for part in segments:
        if isinstance(part, PersonRef):
            out.append(part.name)
        elif isinstance(part, Emphasis):
            out.append(part.text)
        else:
            out.append(part)
    return "".join(out)


def people_segments(people: Sequence[PersonRef], *, limit: int = 2) -> tuple[Segment, ...]:
    """``Ana``, ``Ana and Bo``, ``Ana and 2 others`` (with ``limit=2``) as segments (names are links)."""
    if not people:
        return ("someone",)
    shown = list(people[:limit]) if len(people) <= limit else list(people[: limit - 1])
    rest = len(people) - len(shown)
    parts: list[Segment] = []
    for n, person in enumerate(shown):
        if n:
            parts.append(" and " if n == len(shown) - 1 and not rest else ", ")
        parts.append(person)
    if rest:
        parts.append(f" and {rest} others" if rest > 1 else " and 1 other")
    return tuple(parts)


class TodaySectionModel(QAbstractListModel):
    """A flat list of :class:`TodayRow` for one section."""

    RowRole = Qt.ItemDataRole.UserRole + 1
    """The :class:`TodayRow` itself."""
    DetailRole = Qt.ItemDataRole.UserRole + 2
    """The detail lines as plain text."""
    KeyRole = Qt.ItemDataRole.UserRole + 3
    """The row's key (an item or person id) as a string."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TodayRow] = []

    def set_rows(self, rows: Sequence[TodayRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[TodayRow]:
        return list(self._rows)

    def row_at(self, n: int) -> TodayRow:
        return self._rows[n]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == self.DetailRole:
            return row.detail
        if role == Qt.ItemDataRole.ToolTipRole:
            body = row.text + ("\n" + row.detail if row.detail else "")
            return "<qt>" + html.escape(body).replace("\n", "<br>") + "</qt>"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.text}. {row.detail}" if row.detail else row.text
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(row.icon)
        if role == self.RowRole:
            return row
        if role == self.KeyRole:
            return str(row.key)
        return None
