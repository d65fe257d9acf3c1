"""One CSV row → one contact (:class:`Person`), through a column mapping; and how two contacts merge.

Pure rules shared by the import preview and the import itself:

- :func:`person_from_cells` reads the mapped cells (values kept as typed: E15; formula-looking text stays literal
  text: E16; dates per E17; NUL and control characters removed *and reported*: E14; invisible bidi/zero-width
  characters in names flagged: E18) and validates the result with :mod:`core.validation`. Problems name the
  column and the rule, never the cell's content.
- :func:`match_keys` and :func:`merge_contact` decide duplicates (E11, E18): a stable id, else an email, else the
  normalised name (NFC + casefold, invisible controls removed); an update fills and unions, it never blanks a
  field the file leaves empty.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from recipro_desktop.core import validation
from recipro_desktop.core.csv_formats import (
    FIELDS_BY_KEY,
    CsvFormat,
    DateOrder,
    FieldKind,
    ValueProblem,
    clean_cell,
    column_name,
    parse_birthday,
    parse_bool,
    parse_date,
    parse_int,
    split_list,
)
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import Person
from recipro_desktop.core.text import INVISIBLE_CONTROLS, collapse_whitespace, normalise_name

FIELD_LABELS = {
    "display_name": "Name",
    "given_name": "First name",
    "family_name": "Last name",
    "organisation": "Organisation",
    "role": "Role",
    "emails": "Email",
    "phones": "Phone",
    "links": "Link",
    "location": "Location",
    "tags": "Tags",
    "how_met": "How we met",
    "met_on": "Met on",
    "met_through_id": "Met through",
    "birthday_month": "Birthday",
    "birthday_day": "Birthday",
    "birthday_year": "Birthday",
    "cadence_days": "Keep in touch every (days)",
    "can_help_with": "Can help with",
    "notes": "Notes",
    "archived": "Archived",
}


@dataclass(frozen=True, slots=True)
class ContactResult:
    """A row read as a contact: the person, or the problems that reject the row; warnings either way."""

    person: Person | None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    has_id: bool = False
    label: str = ""  # the row's name as far as it could be read (for the preview of a rejected row)


def _join_unique(parts: Sequence[str], sep: str) -> str:
    if len(parts) == 1:
        return parts[0]
    out: list[str] = []
    for part in parts:
        if part and part not in out:
            out.append(part)
    return sep.join(out)


_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""NUL, DEL and the C0 controls other than tab/CR/LF: what :func:`~core.csv_formats.clean_cell` removes (E14)."""


class _Ids:
    """Random (version 4) ids from one ``os.urandom`` call per 4,096 contacts instead of one per contact."""

    def __init__(self) -> None:
        self._pool = b""
        self._at = 0

    def next(self) -> uuid.UUID:
        if self._at >= len(self._pool):
            self._pool = os.urandom(16 * 4096)
            self._at = 0
        chunk = self._pool[self._at : self._at + 16]
        self._at += 16
        return uuid.UUID(bytes=chunk, version=4)


_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE_CONTROLS)) + "]")
"""The characters :func:`core.text.has_invisible` looks for, as one regex (a contact import checks 100,000 names)."""


class ContactReader:
    """Reads rows of one file as contacts through a column mapping (built once per file, used per row).

    Args:
        headers: the file's header (for messages naming columns).
        mapping: column index → contact field key (:data:`~core.csv_formats.CONTACT_FIELDS`); unmapped columns
            are ignored.
        now: ``created_at``/``updated_at`` of new contacts.
    """

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Mapping[int, str],
        *,
        now: datetime,
        date_order: DateOrder = DateOrder.AUTO,
        fmt: CsvFormat = CsvFormat.GENERIC,
    ) -> None:
        self.headers = tuple(headers)
        self.now = now
        self.date_order = date_order
        self.fmt = fmt
        self.columns: tuple[tuple[int, str, FieldKind], ...] = tuple(
            (index, key, FIELDS_BY_KEY[key].kind) for index, key in sorted(mapping.items()) if key
        )
        self._ids = _Ids()

    def read(self, cells: Sequence[str]) -> ContactResult:
        """Build and validate a contact from one row's cells (see the module docstring)."""
        problems: list[str] = []
        warnings: list[str] = []
        texts: dict[str, list[str]] = {}
        lists: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        has_id = False
        removed_nul: list[int] = []
        removed_controls: list[int] = []
        width = len(cells)
        for index, key, kind in self.columns:
            if index >= width:
                continue
            raw = cells[index]
            if not raw:
                continue
            if _UNWANTED.search(raw) is not None:
                check = clean_cell(raw)
                if check.removed_nul:
                    removed_nul.append(index)
                if check.removed_controls:
                    removed_controls.append(index)
                raw = check.text
            if not raw.isascii():
                raw = unicodedata.normalize("NFC", raw)
            try:
                if kind is FieldKind.LINE:
                    texts.setdefault(key, []).append(raw.strip())
                elif kind is FieldKind.LIST:
                    lists.setdefault(key, []).extend(split_list(raw, key))
                elif kind is FieldKind.TEXT:
                    texts.setdefault(key, []).append(raw)
                elif kind is FieldKind.DATE:
                    values[key] = parse_date(raw, self.date_order)
                elif kind is FieldKind.BIRTHDAY:
                    values[key] = parse_birthday(raw, self.date_order)
                elif kind is FieldKind.INT:
                    values[key] = parse_int(raw)
                elif kind is FieldKind.BOOL:
                    values[key] = parse_bool(raw)
                elif kind is FieldKind.ID and raw.strip():
                    try:
                        values[key] = uuid.UUID(raw.strip())
                        has_id = True
                    except ValueError:
                        warnings.append(f"{column_name(index, self.headers)}: not a Recipro id; ignored.")
            except ValueProblem as exc:
                problems.append(f"{column_name(index, self.headers)}: {exc}.")
        if removed_nul:
            cols = ", ".join(column_name(i, self.headers) for i in removed_nul)
            warnings.append(f"NUL characters removed from {cols}.")
        if removed_controls:
            cols = ", ".join(column_name(i, self.headers) for i in removed_controls)
            warnings.append(f"Control characters removed from {cols}.")
        if problems:
            return ContactResult(None, tuple(problems), tuple(warnings), has_id, _label(texts))
        return self._person(texts, lists, values, warnings, has_id)

    def _person(
        self,
        texts: dict[str, list[str]],
        lists: dict[str, list[str]],
        values: dict[str, Any],
        warnings: list[str],
        has_id: bool,
    ) -> ContactResult:
        def text(key: str, sep: str = " ") -> str:
            found = texts.get(key)
            return _join_unique(found, sep) if found else ""

        given, middle, family = text("given_name"), text("middle_name"), text("family_name")
        display = collapse_whitespace(text("display_name"))
        if not display:
            display = collapse_whitespace(" ".join(p for p in (given, middle, family) if p))
        if middle:
            given = f"{given} {middle}" if given else middle
        emails = lists.get("emails", [])
        organisation = text("organisation")
        if not display:
            if organisation:
                display = organisation
                warnings.append("No name: the organisation is used as the name.")
            elif emails:
                display = emails[0]
                warnings.append("No name: the email address is used as the name.")
            else:
                return ContactResult(None, ("No name in this row (the name columns are empty).",), tuple(warnings))
        birthday = values.get("birthday")
        locations = texts.get("location")
        person = Person(
            display_name=display,
            given_name=given,
            family_name=family,
            organisation=organisation,
            role=text("role"),
            emails=tuple(emails),
            phones=tuple(lists.get("phones", ())),
            links=tuple(lists.get("links", ())),
            location=_join_unique([collapse_whitespace(p) for p in locations], ", ") if locations else "",
            tags=tuple(lists.get("tags", ())),
            how_met=text("how_met", "\n\n"),
            met_on=values.get("met_on"),
            birthday_month=birthday[0] if birthday else None,
            birthday_day=birthday[1] if birthday else None,
            birthday_year=birthday[2] if birthday else None,
            cadence_days=values.get("cadence_days"),
            can_help_with=tuple(lists.get("can_help_with", ())),
            notes=text("notes", "\n\n"),
            archived=bool(values.get("archived", False)),
            created_at=self.now,
            updated_at=self.now,
            id=values["id"] if "id" in values else self._ids.next(),
        )
        if _INVISIBLE.search(display) or _INVISIBLE.search(given) or _INVISIBLE.search(family):
            warnings.append("The name holds invisible direction or zero-width characters (check it is what it seems).")
        try:
            validation.validate_person(person)
        except ValidationError as exc:
            label = FIELD_LABELS.get(exc.field, exc.field.replace("_", " ").capitalize())
            return ContactResult(None, (f"{label}: {exc}",), tuple(warnings), has_id, display)
        return ContactResult(person, (), tuple(warnings), has_id)


def _label(texts: Mapping[str, list[str]]) -> str:
    for keys in (("display_name",), ("given_name", "middle_name", "family_name")):
        parts = [p for k in keys for p in texts.get(k, ()) if p]
        if parts:
            return collapse_whitespace(" ".join(parts))[:120]
    return ""


def person_from_cells(
    cells: Sequence[str],
    headers: Sequence[str],
    mapping: Mapping[int, str],
    *,
    now: datetime,
    date_order: DateOrder = DateOrder.AUTO,
    fmt: CsvFormat = CsvFormat.GENERIC,
) -> ContactResult:
    """One row read as a contact (a :class:`ContactReader` for a single row)."""
    return ContactReader(headers, mapping, now=now, date_order=date_order, fmt=fmt).read(cells)


# --- duplicates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchKeys:
    """What a contact is recognised by: its id, its emails (casefolded) and its normalised name."""

    id: UUID
    emails: frozenset[str]
    name: str


def match_keys(person: Person) -> MatchKeys:
    return MatchKeys(person.id, frozenset(e.casefold() for e in person.emails), normalise_name(person.display_name))


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    seen = {s.casefold() for s in first}
    extra: list[str] = []
    for s in second:
        if s.casefold() not in seen:
            seen.add(s.casefold())
            extra.append(s)
    return (*first, *extra) if extra else first


_SCALARS = ("display_name", "given_name", "family_name", "organisation", "role", "location", "how_met")
_NAMES = frozenset({"display_name", "given_name", "family_name"})
_OPTIONALS = ("met_on", "cadence_days")
_LISTS = ("emails", "phones", "links", "tags", "can_help_with")


def merge_contact(current: Person, incoming: Person) -> Person:
    """``current`` updated with what ``incoming`` (a row of someone else's file) says.

    Non-empty texts and known dates replace; lists are unioned (case-insensitive); a birthday replaces as a
    whole; notes are appended unless already there; nothing is ever blanked because the file left it empty.
    The result equals ``current`` when the row adds nothing (E11: "identical, skipped").
    """
    changes: dict[str, Any] = {}
    for name in _SCALARS:
        value = getattr(incoming, name)
        if value and value != getattr(current, name):
            if name in _NAMES and normalise_name(value) == normalise_name(getattr(current, name)):
                continue  # "zoë ünal" is not news about "Zoë Ünal" (E18): keep how the journal spells it
            changes[name] = value
    for name in _OPTIONALS:
        value = getattr(incoming, name)
        if value is not None and value != getattr(current, name):
            changes[name] = value
    for name in _LISTS:
        merged = _union(getattr(current, name), getattr(incoming, name))
        if merged != getattr(current, name):
            changes[name] = merged
    if incoming.birthday_month is not None:
        birthday = (incoming.birthday_month, incoming.birthday_day, incoming.birthday_year)
        if birthday != (current.birthday_month, current.birthday_day, current.birthday_year):
            changes.update(birthday_month=birthday[0], birthday_day=birthday[1], birthday_year=birthday[2])
    if incoming.notes and incoming.notes not in current.notes:
        changes["notes"] = f"{current.notes}\n\n{incoming.notes}" if current.notes else incoming.notes
    if incoming.archived and not current.archived:
        changes["archived"] = True
    return dataclasses.replace(current, **changes) if changes else current
