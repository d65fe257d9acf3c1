"""Recipro's own CSV layout: one file per entity plus the people links, encoded so a round trip is exact (F2).

Every file starts with the stable ``id`` column and ends with :data:`~core.csv_formats.MARKER_COLUMN`; every
cell is passed through :func:`~core.csv_formats.defuse` on the way out and :func:`~core.csv_formats.undefuse`
on the way back, so a note that starts with ``=`` or ``'`` comes back exactly. Values:

- text as stored (multi-line text keeps its line breaks byte for byte);
- lists of single-line texts (emails, tags...) one per line inside the cell;
- dates ``YYYY-MM-DD``; instants ISO-8601 with their UTC offset (microseconds kept); booleans ``true``/``false``;
  a missing optional value is an empty cell (text fields are never missing: an empty text is an empty cell);
- the people an act, promise, interaction or journal entry names are rows of a link file
  (``item_id, person_id, position``), so their order is kept.

The column set is derived from the dataclasses in :mod:`core.models`, so a new field is exported and imported
without touching this module; an unknown column in a file is ignored and a missing optional one takes the
dataclass default (files from a newer or older Recipro still import).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from recipro_desktop.core import models
from recipro_desktop.core.csv_formats import MARKER_COLUMN, ValueProblem, defuse, parse_bool, undefuse
from recipro_desktop.core.models import (
    Act,
    Commitment,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Person,
    Reminder,
    Tag,
)

ENTITY_MODELS: dict[ItemKind, type] = {
    ItemKind.PERSON: Person,
    ItemKind.NEED: Need,
    ItemKind.ACT: Act,
    ItemKind.COMMITMENT: Commitment,
    ItemKind.INTERACTION: Interaction,
    ItemKind.ENTRY: JournalEntry,
    ItemKind.REMINDER: Reminder,
}
"""Entities in the order they are written and imported (people first: everything else names them)."""

ENTITY_FILES: dict[ItemKind, str] = {
    ItemKind.PERSON: "people.csv",
    ItemKind.NEED: "needs.csv",
    ItemKind.ACT: "acts.csv",
    ItemKind.COMMITMENT: "commitments.csv",
    ItemKind.INTERACTION: "interactions.csv",
    ItemKind.ENTRY: "journal_entries.csv",
    ItemKind.REMINDER: "reminders.csv",
}
LINK_FILES: dict[ItemKind, str] = {
    ItemKind.ACT: "act_people.csv",
    ItemKind.COMMITMENT: "commitment_people.csv",
    ItemKind.INTERACTION: "interaction_people.csv",
    ItemKind.ENTRY: "entry_people.csv",
}
TAGS_FILE = "tags.csv"
SETTINGS_FILE = "settings.csv"
README_FILE = "README.txt"
LINK_COLUMNS = ("item_id", "person_id", "position", MARKER_COLUMN)
SETTINGS_COLUMNS = ("key", "value_json", MARKER_COLUMN)

KIND_LABELS = {
    ItemKind.PERSON: "people",
    ItemKind.NEED: "listening notes",
    ItemKind.ACT: "acts",
    ItemKind.COMMITMENT: "promises",
    ItemKind.INTERACTION: "interactions",
    ItemKind.ENTRY: "journal entries",
    ItemKind.REMINDER: "reminders",
}

_STAMPS = ("created_at", "updated_at", "version")
_LINKED = "people"


class _Kind(enum.Enum):
    TEXT = 1
    LIST = 2
    DATE = 3
    INSTANT = 4
    INT = 5
    BOOL = 6
    ID = 7
    ENUM = 8
    PEOPLE = 9


@dataclasses.dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: _Kind
    optional: bool
    required: bool  # no default: the file must have the column
    enum_type: Any = None


def _column(f: dataclasses.Field[Any]) -> _Column:
    spec = str(f.type).replace(" ", "")
    optional = spec.endswith("|None")
    base = spec.removesuffix("|None")
    required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    kinds = {
        "str": _Kind.TEXT,
        "tuple[str,...]": _Kind.LIST,
        "date": _Kind.DATE,
        "datetime": _Kind.INSTANT,
        "int": _Kind.INT,
        "bool": _Kind.BOOL,
        "UUID": _Kind.ID,
        "tuple[UUID,...]": _Kind.PEOPLE,
    }
    kind = kinds.get(base)
    if kind is not None:
        return _Column(f.name, kind, optional, required)
    enum_type = getattr(models, base, None)
    if isinstance(enum_type, type) and issubclass(enum_type, enum.Enum):
        return _Column(f.name, _Kind.ENUM, optional, required, enum_type)
    raise TypeError(f"no CSV encoding for field {f.name} of type {spec}")


_LAYOUTS: dict[type, tuple[_Column, ...]] = {}


def _layout(model: type) -> tuple[_Column, ...]:
    """The columns of a model's file, in file order: id, the fields, the stamps (people go to a link file)."""
    found = _LAYOUTS.get(model)
    if found is None:
        by_name = {f.name: _column(f) for f in dataclasses.fields(model)}
        order = ["id", *(n for n in by_name if n not in ("id", *_STAMPS, _LINKED)), *_STAMPS]
        found = tuple(by_name[n] for n in order if n in by_name)
        _LAYOUTS[model] = found
    return found


def columns(model: type) -> tuple[str, ...]:
    """The header of a model's file (the marker column last)."""
    return (*(c.name for c in _layout(model)), MARKER_COLUMN)


def _encode_value(column: _Column, value: Any) -> str:
    if value is None:
        return ""
    kind = column.kind
    if kind is _Kind.TEXT:
        return str(value)
    if kind is _Kind.LIST:
        return "\n".join(value)
    if kind is _Kind.DATE:
        return str(value.isoformat())
    if kind is _Kind.INSTANT:
        return str(value.isoformat())
    if kind is _Kind.BOOL:
        return "true" if value else "false"
    if kind is _Kind.ENUM:
        return str(value.value)
    return str(value)  # int, UUID


def encode(obj: Any) -> list[str]:
    """One entity as a row of its file: every cell defused (F1), the marker cell empty."""
    return [defuse(_encode_value(c, getattr(obj, c.name))) for c in _layout(type(obj))] + [""]


def encode_links(obj: Any) -> list[list[str]]:
    """The link-file rows of an act, promise, interaction or entry: one per person, in order."""
    item = str(obj.id)
    return [[item, str(person), str(n), ""] for n, person in enumerate(obj.people)]


_LIST_SPLIT = re.compile(r"\r?\n")


def _decode_value(column: _Column, raw: str) -> Any:
    if column.kind is _Kind.TEXT:
        return raw
    if column.kind is _Kind.LIST:
        return tuple(_LIST_SPLIT.split(raw)) if raw else ()
    if raw == "":
        if column.optional:
            return None
        raise ValueProblem("a value is required")
    try:
        if column.kind is _Kind.DATE:
            return date.fromisoformat(raw)
        if column.kind is _Kind.INSTANT:
            instant = datetime.fromisoformat(raw)
            if instant.tzinfo is None:
                raise ValueProblem("the time has no time zone")
            return instant
        if column.kind is _Kind.INT:
            if not raw.isdigit():
                raise ValueProblem("not a whole number")
            return int(raw)
        if column.kind is _Kind.BOOL:
            return parse_bool(raw)
        if column.kind is _Kind.ID:
            return UUID(raw)
        if column.kind is _Kind.ENUM:
            return column.enum_type(raw)
    except ValueProblem:
        raise
    except ValueError:
        raise ValueProblem(f"not a valid {column.kind.name.lower()}") from None
    raise ValueProblem("unsupported column")  # pragma: no cover - every kind is handled above


class RecordLayout:
    """How the header of one of our files maps to a model's fields (tolerating extra and missing optional ones).

    Raises:
        ValueProblem: a required column is missing (the message names it).
    """

    def __init__(self, model: type, header: Sequence[str]) -> None:
        self.model = model
        index = {name: i for i, name in enumerate(header)}
        self.columns: list[tuple[_Column, int]] = []
        missing = []
        for column in _layout(model):
            if column.name in index:
                self.columns.append((column, index[column.name]))
            elif column.required or column.name == "id":
                missing.append(column.name)
        if missing:
            raise ValueProblem(f"the file lacks the column(s) {', '.join(missing)}")
        known = {c.name for c in _layout(model)} | {MARKER_COLUMN}
        self.unknown = tuple(h for h in header if h not in known)
        self.has_people = has_people(model)

    def decode(self, cells: Sequence[str], people: tuple[UUID, ...] = ()) -> Any:
        """One row back into its dataclass, every cell undefused; ``people`` from the link file.

        Raises:
            ValueProblem: naming the column whose value cannot be read.
        """
        values: dict[str, Any] = {}
        for column, i in self.columns:
            try:
                values[column.name] = _decode_value(column, undefuse(cells[i]))
            except ValueProblem as exc:
                raise ValueProblem(f"column {column.name}: {exc}") from None
        if self.has_people:
            values[_LINKED] = people
        return self.model(**values)


def has_people(model: type) -> bool:
    return any(f.name == _LINKED for f in dataclasses.fields(model))


def decode_link(cells: Sequence[str], header: Mapping[str, int]) -> tuple[UUID, UUID, int]:
    """(item id, person id, position) from a link-file row.

    Raises:
        ValueProblem: a cell is not an id or a position.
    """
    try:
        item = UUID(undefuse(cells[header["item_id"]]))
        person = UUID(undefuse(cells[header["person_id"]]))
        position = int(undefuse(cells[header["position"]]))
    except (KeyError, IndexError):
        raise ValueProblem("the link file lacks a column") from None
    except ValueError:
        raise ValueProblem("not an id or a position") from None
    return item, person, position


TAG_COLUMNS = columns(Tag)
