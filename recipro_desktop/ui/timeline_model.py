"""The timeline as a lazily fetched list: month headers and dated items, newest first.

Built for 200,000 items: only the pages the user scrolled to are in memory, and each page is fetched on the
background runner with the service's keyset pagination (``service.timeline(filter, after=cursor, limit=200)``),
never ``OFFSET``, so page 1,000 costs what page 1 costs. Qt's ``canFetchMore``/``fetchMore`` protocol drives it:
a view asks for more when the user nears the end; while a page is on its way the model shows one *loading* row
at the end, and when it arrives that row is replaced by the new items. Painting never touches the database.

Rows are kept **packed**: one tuple of atomic values per row (ids as 16-byte strings, kinds as text, dates...),
built on the worker. CPython's cycle collector stops tracking such tuples, so a timeline holding 100,000 fetched
rows adds nothing to a full garbage collection — which otherwise runs on whichever thread allocates, holds the
GIL, and was measured stalling the window for 200 ms once 20,000 ``TimelineItem`` objects were held.
:class:`TimelineItem` and :class:`TimelineRow` objects are made on demand (``item_at``, ``ItemRole``).

Grouping: a **month header** row is inserted whenever the month changes between consecutive items (``March
2025``); the first item of each day carries ``first_of_day`` so the delegate draws the day in its gutter, the way
a journal's margin does. Header rows are neither selectable nor enabled, so keyboard navigation skips them.

Names: items hold people's ids; the model keeps an id → name cache, filled in the background with each page (only
the ids not yet known: :func:`~recipro_desktop.services.boards.names_for`), so the first page of a journal of
10,000 people does not wait for 10,000 names, painting costs no lookups, and a row never shows without its names.
When people change, the cache is dropped and the rows shown are re-read with their names.

Freshness: when the journal changes in a kind the model shows, it re-reads the rows it already holds (up to
:data:`RELOAD_LIMIT`) in one background job and swaps them in; the view keeps its scroll position. A changed
filter starts again from the first page. Answers that arrive for an older filter are dropped.
"""

from __future__ import annotations

import enum
import html
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, NamedTuple
from uuid import UUID

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.models import (
    Direction,
    ItemKind,
    TimelineCursor,
    TimelineFilter,
    TimelineItem,
    TimelinePage,
)
from recipro_desktop.services import boards
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.icons import icon, item_icon
from recipro_desktop.ui.journal_client import JournalClient, user_message

log = logging.getLogger(__name__)

PAGE_SIZE = 200
"""Items per background fetch: a screenful many times over, and a fraction of a millisecond of SQL."""

RELOAD_LIMIT = 5000
"""After an edit, at most this many already-fetched items are re-read in place; beyond, the list starts over."""

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

TIMELINE_KINDS: frozenset[ItemKind] = frozenset(ItemKind) - {ItemKind.PERSON}
"""The kinds of item the timeline shows (people are searchable, not dated)."""

_KIND_WORDS = {
    ItemKind.ACT: "Act",
    ItemKind.NEED: "Listening note",
    ItemKind.COMMITMENT: "Promise",
    ItemKind.INTERACTION: "Interaction",
    ItemKind.ENTRY: "Note",
    ItemKind.REMINDER: "Reminder",
}


class RowType(enum.IntEnum):
    MONTH = 0
    ITEM = 1
    LOADING = 2


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One row of the model: a month header (``month`` = its first day) or an item."""

    type: RowType
    item: TimelineItem | None = None
    month: date | None = None
    first_of_day: bool = False


# A packed row: (type, kind, id bytes, day, created_at, title, subkind, direction or None, people bytes,
# first_of_day). Only atomic values, so the cycle collector untracks it (see the module docstring).
Packed = tuple[int, str, bytes, date, datetime, str, str, str | None, bytes, bool]
P_TYPE: Final = 0
P_KIND: Final = 1
P_ID: Final = 2
P_ON: Final = 3
P_CREATED: Final = 4
P_TITLE: Final = 5
P_SUB: Final = 6
P_DIR: Final = 7
P_PEOPLE: Final = 8
P_FIRST: Final = 9

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_KINDS = {k.value: k for k in ItemKind}
_DIRECTIONS = {d.value: d for d in Direction}


class _Reload(NamedTuple):
    """What a re-read of the rows shown brings back from the worker."""

    rows: list[Packed]
    item_count: int
    last_on: date | None
    cursor: TimelineCursor | None
    names: dict[UUID, str]
    replace_names: bool


def _loading_row() -> Packed:
    return (RowType.LOADING.value, "", b"", date.min, _EPOCH, "", "", None, b"", False)


def pack_rows(items: tuple[TimelineItem, ...] | list[TimelineItem], previous: date | None) -> list[Packed]:
    """Packed rows for items that follow an item of day ``previous`` (None at the top): month headers included.

    Runs on the worker thread, with the page.
    """
    rows: list[Packed] = []
    last = previous
    for item in items:
        on = item.on
        if last is None or (on.year, on.month) != (last.year, last.month):
            rows.append((RowType.MONTH.value, "", b"", on.replace(day=1), _EPOCH, "", "", None, b"", False))
        rows.append(
            (
                RowType.ITEM.value,
                item.kind.value,
                item.id.bytes,
                on,
                item.created_at,
                item.title,
                item.subkind,
                item.direction.value if item.direction is not None else None,
                b"".join(p.bytes for p in item.people),
                last is None or last != on,
            )
        )
        last = on
    return rows


def _people(packed: bytes) -> tuple[UUID, ...]:
    return tuple(UUID(bytes=packed[i : i + 16]) for i in range(0, len(packed), 16))


def unpack_item(row: Packed) -> TimelineItem | None:
    """The :class:`TimelineItem` of a packed item row (None for headers and the loading row)."""
    if row[P_TYPE] != RowType.ITEM.value:
        return None
    direction = row[P_DIR]
    return TimelineItem(
        kind=_KINDS[row[P_KIND]],
        id=UUID(bytes=row[P_ID]),
        on=row[P_ON],
        title=row[P_TITLE],
        subkind=row[P_SUB],
        direction=_DIRECTIONS[direction] if direction is not None else None,
        people=_people(row[P_PEOPLE]),
        created_at=row[P_CREATED],
    )


def _unpack(row: Packed) -> TimelineRow:
    kind = RowType(row[P_TYPE])
    if kind is RowType.MONTH:
        return TimelineRow(kind, month=row[P_ON])
    return TimelineRow(kind, item=unpack_item(row), first_of_day=row[P_FIRST])


def _missing_names(
    service: JournalService, items: list[TimelineItem] | tuple[TimelineItem, ...], known: dict[UUID, str]
) -> dict[UUID, str]:
    """The names of the people in ``items`` that ``known`` lacks (runs on the worker, with the page)."""
    missing = {p for item in items for p in item.people if p not in known}
    return boards.names_for(service, missing) if missing else {}


def month_label(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def describe(item: TimelineItem, names: dict[UUID, str], *, max_names: int = 3) -> str:
    """The secondary line of a row: what kind of item it is, and with whom ("Referral received from Ana")."""
    people = [names.get(p, "…") for p in item.people]
    shown = ", ".join(people[:max_names]) + (f" +{len(people) - max_names}" if len(people) > max_names else "")
    sub = item.subkind.replace("_", " ")
    if item.kind is ItemKind.ACT:
        kind = sub.capitalize() or "Act"
        if item.direction is Direction.RECEIVED:
            return f"{kind} received from {shown}" if shown else f"{kind} received"
        return f"{kind} given to {shown}" if shown else f"{kind} given"
    if item.kind is ItemKind.INTERACTION:
        channel = sub.capitalize() or "Interaction"
        return f"{channel} with {shown}" if shown else channel
    if item.kind is ItemKind.COMMITMENT:
        if sub == "them":
            return f"Promise from {shown}" if shown else "Promise made to you"
        return f"Your promise to {shown}" if shown else "Your promise"
    if item.kind is ItemKind.ENTRY:
        label = {"gratitude": "Gratitude note", "reflection": "Reflection"}.get(sub, "Note")
        return f"{label} · {shown}" if shown else label
    label = _KIND_WORDS.get(item.kind, item.kind.value.capitalize())
    return f"{label} · {shown}" if shown else label


def kind_words(item: TimelineItem) -> str:
    """A short spoken name of the item's kind, for accessibility ("Act received", "Listening note")."""
    if item.kind is ItemKind.ACT:
        return "Act received" if item.direction is Direction.RECEIVED else "Act given"
    return _KIND_WORDS.get(item.kind, item.kind.value)


class TimelineModel(QAbstractListModel):
    """Lazily fetched timeline rows for any :class:`TimelineFilter` (the global timeline or one person's).

    Construct it as ``TimelineModel(client, parent, filt=TimelineFilter(person_id=...))`` and change the filter
    with :meth:`set_filter`. The first page is requested on the next turn of the event loop (so a filter set
    right after construction costs one query, not two); later pages when a view calls :meth:`fetchMore`.

    Signals:
        loading_changed(bool): a page request started (True) or finished (False).
        load_failed(str): a page could not be read; a private-safe sentence. :meth:`retry` tries again.
        first_page_loaded(): the first page of the current filter is in (also when it was empty).
    """

    ItemRole = Qt.ItemDataRole.UserRole + 1
    """The row's :class:`TimelineItem` (None for headers and the loading row)."""
    RowTypeRole = Qt.ItemDataRole.UserRole + 2
    """:class:`RowType` as an int."""
    DayRole = Qt.ItemDataRole.UserRole + 3
    """The item's :class:`date` (for a month header: the month's first day)."""
    FirstOfDayRole = Qt.ItemDataRole.UserRole + 4
    """True for the first (newest) item of a day: the delegate draws the day in the gutter."""
    SecondaryRole = Qt.ItemDataRole.UserRole + 5
    """The secondary line: kind/channel and names ("Referral received from Ana")."""
    NamesRole = Qt.ItemDataRole.UserRole + 6
    """The names of the people linked, as a tuple of str."""
    KindIconRole = Qt.ItemDataRole.UserRole + 7
    """For acts: the act-kind icon (``act-referral``...); None otherwise."""
    PeopleRole = Qt.ItemDataRole.UserRole + 8
    """The people's ids, as a tuple of UUID."""

    loading_changed = Signal(bool)
    load_failed = Signal(str)
    first_page_loaded = Signal()

    def __init__(
        self,
        client: JournalClient,
        parent: QObject | None = None,
        filt: TimelineFilter = TimelineFilter(),  # noqa: B008 - immutable
        *,
        page_size: int = PAGE_SIZE,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._filter = filt
        self._page_size = page_size
        self._clock: Clock = clock or SystemClock()
        self._rows: list[Packed] = []
        self._items = 0
        self._last_on: date | None = None
        self._cursor: TimelineCursor | None = None
        self._more = True
        self._loading = False
        self._failed = False
        self._started = False
        self._generation = 0
        self._names: dict[UUID, str] = {}
        self._names_stale = False
        self._reload_pending = False
        self._today = self._clock.today()
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(0)
        self._start_timer.timeout.connect(self._start)
        client.journal_changed.connect(self._on_journal_changed)
        self._start_timer.start()

    # --- public API ---------------------------------------------------------------------------------------

    def filter(self) -> TimelineFilter:
        return self._filter

    def set_filter(self, filt: TimelineFilter) -> None:
        """Show the timeline for ``filt``, starting again from the newest item."""
        if filt == self._filter and self._started:
            return
        self._filter = filt
        self._restart()

    def refresh(self) -> None:
        """Re-read what is shown (in place, keeping the scroll position where possible)."""
        self._reload_in_place()

    def retry(self) -> None:
        """After :attr:`load_failed`, try the page again."""
        if self._failed:
            self._failed = False
            if not self._started:
                self._start()
            else:
                self.fetchMore(QModelIndex())

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def failed(self) -> bool:
        return self._failed

    @property
    def item_count(self) -> int:
        """Items fetched so far (header and loading rows not counted)."""
        return self._items

    @property
    def exhausted(self) -> bool:
        """True once the last page was fetched: every item of the filter is in the model."""
        return self._started and not self._more

    @property
    def names(self) -> dict[UUID, str]:
        return self._names

    @property
    def today(self) -> date:
        return self._today

    def row_at(self, row: int) -> TimelineRow | None:
        return _unpack(self._rows[row]) if 0 <= row < len(self._rows) else None

    def item_at(self, row: int) -> TimelineItem | None:
        return unpack_item(self._rows[row]) if 0 <= row < len(self._rows) else None

    def row_of(self, item_id: UUID) -> int:
        """The row of the item with this id among the fetched rows, or -1."""
        key = item_id.bytes
        for n, r in enumerate(self._rows):
            if r[P_ID] == key and r[P_TYPE] == RowType.ITEM.value:
                return n
        return -1

    # --- Qt model ------------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()][P_TYPE] == RowType.ITEM.value:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        row_type = r[P_TYPE]
        if role == self.RowTypeRole:
            return row_type
        if row_type == RowType.MONTH.value:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return month_label(r[P_ON])
            return r[P_ON] if role == self.DayRole else None
        if row_type == RowType.LOADING.value:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Loading…"
            return None
        return self._item_data(r, role)

    def _item_data(self, r: Packed, role: int) -> Any:
        # The roles a paint needs come straight from the packed tuple; the rest build the item on demand.
        if role == Qt.ItemDataRole.DisplayRole:
            return r[P_TITLE]
        if role == self.DayRole:
            return r[P_ON]
        if role == self.FirstOfDayRole:
            return r[P_FIRST]
        if role == Qt.ItemDataRole.DecorationRole:
            direction = r[P_DIR]
            return item_icon(_KINDS[r[P_KIND]], _DIRECTIONS[direction] if direction is not None else None)
        if role == self.KindIconRole:
            if r[P_KIND] == ItemKind.ACT.value and r[P_SUB]:
                try:
                    return icon(f"act-{r[P_SUB]}")
                except KeyError:
                    return None
            return None
        item = unpack_item(r)
        assert item is not None
        if role == self.ItemRole:
            return item
        if role == self.SecondaryRole:
            return describe(item, self._names)
        if role == self.NamesRole:
            return tuple(self._names.get(p, "…") for p in item.people)
        if role == self.PeopleRole:
            return item.people
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tooltips auto-detect rich text: escape user text so a note is never rendered as HTML (G4).
            when = boards.human_day(item.on, self._today)
            return (
                f"<b>{html.escape(item.title)}</b><br>{html.escape(describe(item, self._names, max_names=12))}"
                f"<br>{html.escape(when)}"
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            when = boards.human_day(item.on, self._today)
            return f"{kind_words(item)}: {item.title}. {describe(item, self._names)}. {when}"
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if parent.isValid():
            return False
        return self._started and self._more and not self._loading and not self._failed

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if parent.isValid() or not self.canFetchMore(parent):
            return
        self._request_page()

    # --- fetching ------------------------------------------------------------------------------------------

    def _restart(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._items = 0
        self._last_on = None
        self._cursor = None
        self._more = True
        self._failed = False
        self._started = False
        self._set_loading(False)
        self.endResetModel()
        self._start_timer.start()

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        self._today = self._clock.today()
        self._request_page()

    def _request_page(self) -> None:
        generation = self._generation
        filt, cursor, limit, previous = self._filter, self._cursor, self._page_size, self._last_on
        known = self._names  # replaced, never mutated, on the GUI thread: safe to read from the worker

        def read(service: JournalService) -> tuple[TimelinePage, list[Packed], dict[UUID, str]]:
            page = service.timeline(filt, after=cursor, limit=limit)
            return page, pack_rows(page.items, previous), _missing_names(service, page.items, known)

        self._show_loading_row(True)
        self._set_loading(True)
        self._client.query(
            read,
            lambda result: self._on_page(generation, *result),
            name="timeline-page",
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def _on_page(self, generation: int, page: TimelinePage, rows: list[Packed], names: dict[UUID, str]) -> None:
        if generation != self._generation:
            return
        if names:
            self._names = {**self._names, **names}
        first = self._items == 0
        self._show_loading_row(False)
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self._items += len(page.items)
            self._last_on = page.items[-1].on
            self.endInsertRows()
        self._cursor = page.next_cursor
        self._more = page.next_cursor is not None
        self._set_loading(False)
        log.debug("timeline page: %d items (total %d, more=%s)", len(page.items), self._items, self._more)
        if first:
            self.first_page_loaded.emit()
        if self._reload_pending:
            self._reload_pending = False
            self._reload_in_place()

    def _on_page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._show_loading_row(False)
        self._failed = True
        self._set_loading(False)
        log.warning("timeline page failed: %s", type(exc).__name__)
        self.load_failed.emit(user_message(exc))

    def _show_loading_row(self, show: bool) -> None:
        has = bool(self._rows) and self._rows[-1][P_TYPE] == RowType.LOADING.value
        if show and not has:
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n)
            self._rows.append(_loading_row())
            self.endInsertRows()
        elif not show and has:
            n = len(self._rows) - 1
            self.beginRemoveRows(QModelIndex(), n, n)
            self._rows.pop()
            self.endRemoveRows()

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # --- freshness -----------------------------------------------------------------------------------------

    def _on_journal_changed(self, kinds: frozenset[ItemKind]) -> None:
        shown = self._filter.kinds or TIMELINE_KINDS
        if ItemKind.PERSON in kinds:
            self._names_stale = True  # a rename, a merge...: re-read the names of what is shown
        if kinds & shown or ItemKind.PERSON in kinds:
            self._reload_in_place()

    def _reload_in_place(self) -> None:
        """Re-read the rows already fetched (one background job) and swap them in without losing the scroll."""
        if not self._started:
            return
        if self._loading:
            self._reload_pending = True
            return
        wanted = max(self._items, self._page_size)
        if wanted > RELOAD_LIMIT:
            self._restart()
            return
        self._generation += 1
        generation = self._generation
        filt = self._filter
        known: dict[UUID, str] = {} if self._names_stale else self._names
        self._names_stale = False
        self._set_loading(True)

        def read_all(service: JournalService) -> _Reload:
            items: list[TimelineItem] = []
            cursor: TimelineCursor | None = None
            while len(items) < wanted:
                page = service.timeline(filt, after=cursor, limit=min(1000, wanted - len(items)))
                items.extend(page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
            last = items[-1].on if items else None
            names = _missing_names(service, items, known)
            return _Reload(pack_rows(items, None), len(items), last, cursor, names, not known)

        self._client.query(
            read_all,
            lambda result: self._on_reloaded(generation, result),
            name="timeline-reload",
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def _on_reloaded(self, generation: int, result: _Reload) -> None:
        if generation != self._generation:
            return
        self._names = result.names if result.replace_names else {**self._names, **result.names}
        self._today = self._clock.today()
        # A reset keeps the view's scroll value (it is clamped to the new range); the view restores the
        # current item by id (see TimelineView).
        self.beginResetModel()
        self._rows = result.rows
        self._items = result.item_count
        self._last_on = result.last_on
        self._cursor = result.cursor
        self._more = result.cursor is not None
        self._failed = False
        self.endResetModel()
        self._set_loading(False)
