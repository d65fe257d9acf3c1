"""The global search's results: hits grouped by kind, each group under a header row.

A flat list model (one column) whose rows are either a **group header** ("People · 3"; enabled but not
selectable, so keyboard navigation skips it) or a **hit** (a frozen :class:`SearchHit`). Groups come in a fixed
order — people first, then acts, listening notes, promises, interactions, notes, reminders — and keep the
service's ranking inside each group. The model holds only the dataclasses the service returned.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from recipro_desktop.core.models import ItemKind, SearchHit
from recipro_desktop.ui.day_text import human_day
from recipro_desktop.ui.icons import item_icon

GROUP_ORDER: tuple[ItemKind, ...] = (
    ItemKind.PERSON,
    ItemKind.ACT,
    ItemKind.NEED,
    ItemKind.COMMITMENT,
    ItemKind.INTERACTION,
    ItemKind.ENTRY,
    ItemKind.REMINDER,
)

GROUP_LABELS: dict[ItemKind, str] = {
    ItemKind.PERSON: "People",
    ItemKind.ACT: "Acts",
    ItemKind.NEED: "Listening notes",
    ItemKind.COMMITMENT: "Promises",
    ItemKind.INTERACTION: "Interactions",
    ItemKind.ENTRY: "Notes",
    ItemKind.REMINDER: "Reminders",
}

KIND_NAMES: dict[ItemKind, str] = {
    ItemKind.PERSON: "Person",
    ItemKind.ACT: "Act",
    ItemKind.NEED: "Listening note",
    ItemKind.COMMITMENT: "Promise",
    ItemKind.INTERACTION: "Interaction",
    ItemKind.ENTRY: "Note",
    ItemKind.REMINDER: "Reminder",
}


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped, and marked as rich text so the escapes are decoded.

    A tooltip auto-detects rich text, so raw user text like ``<img src=...>`` would be rendered (G4); escaped
    text without the ``<qt>`` marker would show its ``&lt;`` entities instead.
    """
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


@dataclass(frozen=True, slots=True)
class _Row:
    kind: ItemKind
    hit: SearchHit | None = None  # None: the group's header row
    count: int = 0


class SearchResultsModel(QAbstractListModel):
    """Search hits grouped by kind (see the module docstring).

    Roles beyond the standard ones are class constants; ``Qt.DisplayRole`` is the title (or the group label).
    """

    HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the SearchHit, None on headers
    KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # ItemKind of the row (headers too)
    IS_HEADER_ROLE = Qt.ItemDataRole.UserRole + 3  # bool
    SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 4  # str: whose it is and the matching excerpt (not the title again)
    DATE_ROLE = Qt.ItemDataRole.UserRole + 5  # str: a human date ("3 days ago"), "" when the hit has none

    def __init__(self, parent: Any = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._names: dict[UUID, str] = {}
        self._query = ""
        self._today = today
        self._icons: dict[ItemKind, QIcon] = {}

    # --- content ----------------------------------------------------------------------------------------

    @property
    def query(self) -> str:
        """The text these results answer."""
        return self._query

    @property
    def hit_count(self) -> int:
        return sum(1 for row in self._rows if row.hit is not None)

    def set_hits(self, query: str, hits: Sequence[SearchHit], names: Mapping[UUID, str] | None = None) -> None:
        """Replace the results (grouped, headers added); ``names`` maps ``person_id`` to a display name.

        Items are told apart by whose they are: five "Introduced me to an investor" differ only by the person.
        """
        by_kind: dict[ItemKind, list[SearchHit]] = {}
        for hit in hits:
            by_kind.setdefault(hit.kind, []).append(hit)
        rows: list[_Row] = []
        for kind in (*GROUP_ORDER, *(k for k in by_kind if k not in GROUP_ORDER)):
            group = by_kind.get(kind)
            if group:
                rows.append(_Row(kind=kind, count=len(group)))
                rows.extend(_Row(kind=kind, hit=hit) for hit in group)
        self.beginResetModel()
        self._query = query
        self._rows = rows
        self._names = dict(names or {})
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits("", ())

    def hit(self, row: int) -> SearchHit | None:
        """The hit in ``row``, None for a header or an out-of-range row."""
        return self._rows[row].hit if 0 <= row < len(self._rows) else None

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].hit is None

    def next_hit_row(self, row: int, step: int) -> int | None:
        """The nearest hit row after (``step`` 1) or before (``step`` -1) ``row``, wrapping; None if no hits."""
        n = len(self._rows)
        if not n or self.hit_count == 0:
            return None
        candidate = row
        for _ in range(n):
            candidate = (candidate + step) % n
            if self._rows[candidate].hit is not None:
                return candidate
        return None  # pragma: no cover (hit_count > 0 guarantees a hit row)

    # --- Qt model ----------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].hit is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{GROUP_LABELS.get(row.kind, row.kind.value)} · {row.count}" if hit is None else hit.title
        if role == self.KIND_ROLE:
            return row.kind
        if role == self.IS_HEADER_ROLE:
            return hit is None
        if hit is None:
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{GROUP_LABELS.get(row.kind, row.kind.value)}: {row.count}"
            return None
        if role == self.HIT_ROLE:
            return hit
        if role == self.SNIPPET_ROLE:
            return self._snippet(hit)
        if role == self.DATE_ROLE:
            return human_day(hit.on, self._today()) if hit.on is not None else ""
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            snippet = self._snippet(hit)
            return plain_tooltip(f"{hit.title}\n{snippet}" if snippet else hit.title)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [KIND_NAMES.get(hit.kind, hit.kind.value), hit.title, self._snippet(hit)]
            return ": ".join(p for p in parts if p)
        return None

    def _snippet(self, hit: SearchHit) -> str:
        snippet = " ".join(hit.snippet.split())
        if snippet == " ".join(hit.title.split()):
            snippet = ""
        name = self._names.get(hit.person_id) if hit.person_id is not None and hit.kind is not ItemKind.PERSON else None
        return " · ".join(part for part in (name or "", snippet) if part)

    def _icon(self, hit: SearchHit) -> QIcon:
        if hit.kind not in self._icons:
            self._icons[hit.kind] = item_icon(hit.kind)
        return self._icons[hit.kind]
