"""CSV import: read → detect → map → preview (per-row errors, duplicates) → import in one transaction → undo.

Used by the import wizard (every step on the background worker) and by ``recipro import``. Qt-free.

1. :func:`inspect_source` looks at a file, folder or zip: encoding, delimiter and header (RELIABILITY E1-E4,
   E13), the known format (Recipro's export, LinkedIn, Google Contacts, Outlook, or anything else), an automatic
   column mapping (E10) and a sample of rows. Cheap enough to re-run when the user overrides a choice.
2. :func:`plan_import` reads the whole file, streaming (size and row caps, E12), strictly (E6-E8), checking that
   the file does not change underneath (E20), building and validating one item per row (E14-E18) and looking up
   what each row may duplicate in the journal. Cancellable between rows, with progress by bytes read.
3. :func:`resolve` decides, for a duplicate policy (skip / update / add, with per-row overrides), what each row
   becomes: added, updated, identical (skipped), skipped as a duplicate, or rejected with its reasons. Pure and
   fast, so the preview can re-run it when the user changes the policy. Re-importing the same file resolves to
   "identical" for every row (E11).
4. :func:`apply_import` writes the result in ONE transaction with its :class:`ImportBatch` row
   (:mod:`services.import_store`), cancellable (a cancel or any failure rolls everything back: E12, E19).
   Imports into one journal are serialized by the import lock (RELIABILITY I2): ``recipro import`` holds it
   from before its duplicate lookups until its commit, so two imports of one file at the same moment store
   each person once; the window's apply holds it and refuses a plan that another import has overtaken.
5. :func:`undo_import` removes a whole import and puts back what it updated.

Files Recipro exported itself (marker column, F2) are decoded exactly (:mod:`core.csv_recipro`): ids, timestamps
and versions kept, formula escapes undone. Anyone else's file is taken literally (E16).

Messages and logs name files, rows, lines and columns; never a cell's content.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import enum
import gc
import io
import logging
import os
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast
from uuid import UUID

from recipro_desktop.core import settings as settings_registry
from recipro_desktop.core import validation
from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.csv_contacts import (
    FIELD_LABELS,
    ContactReader,
    ContactResult,
    MatchKeys,
    match_keys,
    merge_contact,
)
from recipro_desktop.core.csv_encoding import system_code_page
from recipro_desktop.core.csv_formats import (
    DELIMITER_NAMES,
    FIELDS_BY_KEY,
    FORMAT_LABELS,
    MARKER_COLUMN,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    CsvError,
    CsvFormat,
    DateOrder,
    EncodingGuess,
    EncodingUnsureError,
    FieldKind,
    ValueProblem,
    auto_map,
    binary_kind,
    check_decodes,
    check_mapping,
    column_name,
    defuse,
    detect_encoding,
    detect_format,
    encoding_label,
    header_index,
    infer_date_order,
    sniff_delimiter,
    undefuse,
    user_encoding,
)
from recipro_desktop.core.csv_reader import PREAMBLE_LINES, CsvTable, RowLimitError
from recipro_desktop.core.csv_recipro import (
    ENTITY_FILES,
    ENTITY_MODELS,
    KIND_LABELS,
    LINK_FILES,
    SETTINGS_FILE,
    TAGS_FILE,
    RecordLayout,
    decode_link,
    has_people,
)
from recipro_desktop.core.errors import ConflictError, JournalError, ValidationError
from recipro_desktop.core.models import (
    Act,
    Commitment,
    ImportBatch,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Person,
    Reminder,
    Tag,
    new_id,
)
from recipro_desktop.services import import_store
from recipro_desktop.services.import_store import ImportCancelledError, ImportWrite, PeopleIndex, UndoResult
from recipro_desktop.services.journal import JournalService, clean
from recipro_desktop.services.zip_entries import open_entry
from recipro_desktop.storage import fsutil, journal_lock

log = logging.getLogger(__name__)

SAMPLE_ROWS = 20
CHECK_EVERY = 256
"""Rows between checks that the file is unchanged (E20), progress reports and cancel polls of the slower kind."""
READ_CHUNK = 1 << 16

__all__ = [
    "DuplicatePolicy",
    "EncodingUnsureError",
    "FileChangedError",
    "ImportCancelledError",
    "ImportLimits",
    "ImportPlan",
    "ImportReport",
    "ImportSettings",
    "Inspection",
    "PlannedRow",
    "RejectedRow",
    "Resolution",
    "RowAction",
    "RowOutcome",
    "apply_import",
    "inspect_source",
    "plan_import",
    "report_json",
    "resolve",
    "run_import",
    "save_rejected_rows",
    "summary_text",
    "undo_import",
]


class DuplicatePolicy(enum.StrEnum):
    """What to do with a row that matches something already in the journal (or an earlier row) but differs."""

    SKIP = "skip"
    UPDATE = "update"
    ADD = "add"


POLICY_LABELS = {
    DuplicatePolicy.SKIP: "Skip it (keep what is in the journal)",
    DuplicatePolicy.UPDATE: "Update it with what the file adds",
    DuplicatePolicy.ADD: "Add it as a new contact anyway",
}


class RowAction(enum.StrEnum):
    ADD = "add"
    UPDATE = "update"
    IDENTICAL = "identical"
    SKIP = "skip"
    REJECT = "reject"


ACTION_LABELS = {
    RowAction.ADD: "New",
    RowAction.UPDATE: "Update",
    RowAction.IDENTICAL: "Identical (skip)",
    RowAction.SKIP: "Duplicate (skip)",
    RowAction.REJECT: "Problem",
}


class FileChangedError(CsvError):
    """The source file changed (or was removed) while it was being read (E20)."""

    def __init__(self, name: str, line: int | None) -> None:
        where = f" (at line {line:,})" if line else ""
        super().__init__(
            f"The file {name} changed while it was being read{where}; nothing was imported. "
            "Import it again once nothing else is writing to it.",
            line=line,
        )


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Caps on one file (E12): bytes, and data rows."""

    max_bytes: int = MAX_FILE_BYTES
    max_rows: int = MAX_DATA_ROWS


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """The user's choices; None means "as detected"."""

    format: CsvFormat | None = None
    encoding: str | None = None
    delimiter: str | None = None
    mapping: Mapping[int, str] | None = None
    date_order: DateOrder = DateOrder.AUTO
    duplicates: DuplicatePolicy = DuplicatePolicy.SKIP
    skip_bad_rows: bool = True
    limits: ImportLimits = ImportLimits()
    refuse_unsure_encoding: bool = False
    """Raise :class:`EncodingUnsureError` instead of reading a file whose code page is only a guess (issue 10):
    what :func:`run_import` does for a real import; the wizard shows the guess and a preview instead."""


Progress = Callable[[int, int | None], object]
Cancelled = Callable[[], bool]


FREEZE_AFTER = 200_000
"""Objects allocated while the collector was paused above which the survivors are frozen (a small import's
young objects are cheap to collect; only a big one's would stall the window)."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a bulk read or write, then hide its survivors from it.

    A 100,000-row import allocates millions of objects; every few hundred thousand allocations the collector
    walks *all* of them while holding the GIL, a 100-500 ms pause that freezes the window (the import runs on
    a worker thread, but the GUI thread needs the GIL too: DESIGN §6 allows a stall of at most 100 ms). The
    rows are plain dataclasses without reference cycles, freed by reference counting as usual; at the end
    ``gc.freeze()`` moves what is alive to the permanent generation (instant), so the first collection after
    the import does not walk them either. Nested use is fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > FREEZE_AFTER:
                gc.freeze()  # a large import: keep its survivors out of every later collection's walk
            gc.enable()


def _clock(service: JournalService) -> Clock:
    """The service's clock (the same "now" the rest of the journal uses; a fixed one in tests)."""
    found = getattr(service, "_clock", None)
    return found if found is not None else SystemClock()


# --- sources: a file, or a member of a zip ------------------------------------------------------------------


class _Reading:
    """An open source being read: its byte stream, and checks that the file underneath is unchanged (E20)."""

    def __init__(self, stream: BinaryIO, name: str, fd: int | None, identity: tuple[int, int, int] | None) -> None:
        self.stream = stream
        self.name = name
        self._fd = fd
        self._identity = identity

    def check(self, line: int | None) -> None:
        if self._fd is None or self._identity is None:
            return
        try:
            st = os.fstat(self._fd)
        except OSError:
            raise FileChangedError(self.name, line) from None
        if (st.st_size, st.st_mtime_ns, st.st_ino) != self._identity or st.st_nlink == 0:
            raise FileChangedError(self.name, line)


class _Source:
    """One CSV to read (a plain file or a zip member), re-openable, with its size."""

    name: str
    size: int

    def open(self) -> BinaryIO:
        raise NotImplementedError

    def chunks(self) -> Iterator[bytes]:
        with self.open() as stream:
            while chunk := stream.read(READ_CHUNK):
                yield chunk

    @contextlib.contextmanager
    def reading(self) -> Iterator[_Reading]:
        with self.open() as stream:
            yield _Reading(stream, self.name, None, None)


class _FileSource(_Source):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        try:
            st = path.stat()
        except FileNotFoundError:
            raise CsvError(f"The file {path} does not exist.") from None
        except OSError as exc:
            raise CsvError(f"The file {path} cannot be read ({exc.strerror or type(exc).__name__}).") from None
        self.size = st.st_size
        self.identity = (st.st_size, st.st_mtime_ns, st.st_ino)

    def open(self) -> BinaryIO:
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise CsvError(f"The file {self.path} cannot be read ({exc.strerror or type(exc).__name__}).") from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[_Reading]:
        with self.open() as stream:
            reading = _Reading(stream, self.name, stream.fileno(), self.identity)
            reading.check(None)  # changed since it was inspected
            yield reading


class _ZipSource(_Source):
    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self.archive = archive
        self.info = info
        self.name = info.filename
        self.size = info.file_size

    def open(self) -> BinaryIO:
        return cast(BinaryIO, open_entry(self.archive, self.info))  # damage is a CsvError naming the entry (I10)


def _text(stream: BinaryIO, guess: EncodingGuess) -> io.TextIOWrapper:
    if guess.bom:
        stream.read(guess.bom)
    return io.TextIOWrapper(stream, encoding=guess.encoding, errors="strict", newline="")


@dataclass(frozen=True, slots=True)
class _Layout:
    encoding: EncodingGuess
    delimiter: str
    delimiter_sniffed: bool
    header_line: int


def _layout(source: _Source, settings: ImportSettings) -> _Layout:
    if source.size == 0:
        raise CsvError(f"{source.name} is empty (0 bytes): no data rows found.")
    if source.size > settings.limits.max_bytes:
        raise CsvError(
            f"{source.name} is {source.size / 1e6:,.1f} MB; the limit for one import is "
            f"{settings.limits.max_bytes / 1e6:,.0f} MB. Split it into smaller files."
        )
    if settings.encoding:
        with source.open() as stream:
            head = stream.read(READ_CHUNK)
        kind = binary_kind(head)
        if kind is not None:
            raise CsvError(f"{source.name} is not a text CSV file (it looks like {kind}).")
        guess = user_encoding(settings.encoding, head)
        check_decodes(source.chunks, guess)
    else:
        guess = detect_encoding(
            source.chunks, hint=system_code_page(), allow_unsure=not settings.refuse_unsure_encoding
        )
    with source.open() as stream:
        text = _text(stream, guess)
        lines = []
        for line in text:
            lines.append(line)
            if len(lines) >= PREAMBLE_LINES:
                break
    index = header_index(lines)
    header = lines[index].lstrip("\ufeff")
    if settings.delimiter:
        return _Layout(guess, settings.delimiter, False, index + 1)
    sniffed = sniff_delimiter(header)
    if sniffed is None:
        return _Layout(guess, ",", False, index + 1)
    return _Layout(guess, sniffed, True, index + 1)


# --- inspection ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundleFile:
    kind: str  # "people", "acts"..., "links", "tags", "settings"
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class Inspection:
    """What :func:`inspect_source` found, for the wizard's format and mapping pages (and the CLI)."""

    path: Path
    format: CsvFormat
    size: int
    encoding: EncodingGuess | None = None
    delimiter: str = ","
    delimiter_sniffed: bool = True
    header_line: int = 1
    headers: tuple[str, ...] = ()
    sample: tuple[tuple[str, ...], ...] = ()
    mapping: Mapping[int, str] = field(default_factory=dict)
    date_order: DateOrder = DateOrder.AUTO
    duplicate_headers: tuple[tuple[int, ...], ...] = ()
    bundle: tuple[BundleFile, ...] = ()
    notes: tuple[str, ...] = ()  # worth knowing (the header is on line 4)
    warnings: tuple[str, ...] = ()  # worth checking (the delimiter was a guess, dates are mixed, a bad row early on)

    @property
    def is_bundle(self) -> bool:
        return bool(self.bundle)

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]


_KNOWN_BUNDLE_FILES: dict[str, str] = {
    **{name: KIND_LABELS[kind] for kind, name in ENTITY_FILES.items()},
    **{name: "links" for name in LINK_FILES.values()},
    TAGS_FILE: "tags",
    SETTINGS_FILE: "settings",
}


def _bundle_dir_files(folder: Path) -> list[Path]:
    return [folder / name for name in _KNOWN_BUNDLE_FILES if (folder / name).is_file()]


def _zip_members(archive: zipfile.ZipFile, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in archive.infolist():
        base = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or base not in _KNOWN_BUNDLE_FILES or info.filename.count("/") > 1:
            continue
        if info.file_size > limits.max_bytes:
            raise CsvError(
                f"{info.filename} in the archive is {info.file_size / 1e6:,.1f} MB; the limit for one file is "
                f"{limits.max_bytes / 1e6:,.0f} MB."
            )
        total += info.file_size
        members.setdefault(base, info)
    if total > 5 * limits.max_bytes:
        raise CsvError("The archive is too large to import at once.")
    return members


def _is_recipro_file(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            head = stream.read(READ_CHUNK)
    except OSError:
        return False
    return MARKER_COLUMN.encode() in head or MARKER_COLUMN.encode("utf-16-le") in head


def _bundle_root(path: Path) -> Path | None:
    """The export folder ``path`` belongs to: the folder itself, or the folder of one of its files."""
    if path.is_dir():
        return path if _bundle_dir_files(path) else None
    if path.name in _KNOWN_BUNDLE_FILES and _is_recipro_file(path):
        siblings = _bundle_dir_files(path.parent)
        if len(siblings) > 1:
            return path.parent
    return None


def inspect_source(path: Path, settings: ImportSettings = ImportSettings()) -> Inspection:
    """Look at a CSV file, a Recipro export folder or zip: see :class:`Inspection`.

    Raises:
        CsvError: the file cannot be imported at all (missing, empty, binary, too large, undecodable with the
            encoding chosen, no header); the message says why and what to do.
    """
    path = Path(path)
    if not path.exists():
        raise CsvError(f"The file {path} does not exist.")
    root = _bundle_root(path)
    if root is not None:
        files = tuple(
            BundleFile(_KNOWN_BUNDLE_FILES[p.name], p.name, p.stat().st_size) for p in _bundle_dir_files(root)
        )
        return Inspection(root, CsvFormat.RECIPRO, sum(f.size for f in files), bundle=files)
    if path.is_dir():
        raise CsvError(f"The folder {path} holds no Recipro export (no people.csv, acts.csv…). Choose a CSV file.")
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = _zip_members(archive, settings.limits)
        except zipfile.BadZipFile:
            raise CsvError(f"The archive {path.name} is damaged.") from None
        if not members:
            raise CsvError(f"The archive {path.name} holds no Recipro export (no people.csv, acts.csv…).")
        files = tuple(BundleFile(_KNOWN_BUNDLE_FILES[n], n, i.file_size) for n, i in members.items())
        return Inspection(path, CsvFormat.RECIPRO, path.stat().st_size, bundle=files)
    source = _FileSource(path)
    layout = _layout(source, settings)
    sample: list[tuple[str, ...]] = []
    notes: list[str] = []
    warnings: list[str] = []
    with source.open() as stream:
        table = CsvTable(_text(stream, layout.encoding), layout.delimiter, max_rows=settings.limits.max_rows)
        headers = table.header.names
        try:
            for record in table.records():
                sample.append(record.cells)
                if len(sample) >= SAMPLE_ROWS:
                    break
        except CsvError as exc:
            warnings.append(str(exc))
    fmt = settings.format or detect_format(headers)
    mapping = dict(settings.mapping) if settings.mapping is not None else auto_map(headers, fmt)
    date_order = settings.date_order
    if date_order is DateOrder.AUTO:
        date_cols = [
            i for i, k in mapping.items() if k and FIELDS_BY_KEY[k].kind in (FieldKind.DATE, FieldKind.BIRTHDAY)
        ]
        try:
            date_order = infer_date_order(row[i] for row in sample for i in date_cols if i < len(row)) or date_order
        except ValueProblem:
            warnings.append("The date columns mix day/month and month/day dates; choose the date format.")
    if not layout.delimiter_sniffed and not settings.delimiter:
        warnings.append("Could not tell the delimiter from the header line; choose it (comma is assumed).")
    if layout.header_line > 1:
        notes.append(f"The header is on line {layout.header_line}; the lines before it are skipped.")
    return Inspection(
        path=path,
        format=fmt,
        size=source.size,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        delimiter_sniffed=layout.delimiter_sniffed or bool(settings.delimiter),
        header_line=layout.header_line,
        headers=headers,
        sample=tuple(sample),
        mapping=mapping,
        date_order=date_order,
        duplicate_headers=table.header.duplicates,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )


# --- planning -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One data row, read and validated: its item, or the problems that reject it."""

    kind: ItemKind
    file: str
    row: int
    line: int
    label: str
    item: Any | None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()  # kept for rejected rows only ("Save rejected rows as CSV…")
    exact: bool = False  # from Recipro's own export: an update replaces the stored item
    has_id: bool = False
    keys: MatchKeys | None = None  # a contact's match keys, computed once

    @property
    def where(self) -> str:
        return f"Row {self.row:,} (line {self.line:,})"


@dataclass
class ImportPlan:
    """Everything read from a source, ready to be resolved and written."""

    source: Path
    source_name: str
    format: CsvFormat
    settings: ImportSettings
    rows: list[PlannedRow]
    headers: dict[str, tuple[str, ...]]
    people: PeopleIndex
    existing: dict[ItemKind, dict[UUID, Any]]
    tags: list[Tag] = field(default_factory=list)
    settings_rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    encoding: EncodingGuess | None = None  # how a single CSV file was decoded (None for a Recipro export)
    imports_seen: tuple[int, int] | None = None  # the journal's import batches when planning began (I2)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.item is None)


class _Guard:
    """Cancel polls, progress and change checks while reading (E12, E20)."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.total = total
        self.base = 0
        self.progress = progress
        self.cancelled = cancelled

    def poll(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelledError

    def report(self, reading: _Reading, line: int | None) -> None:
        reading.check(line)
        if self.progress is not None:
            with contextlib.suppress(OSError, ValueError):
                self.progress(self.base + reading.stream.tell(), self.total)


def _records(source: _Source, layout: _Layout, settings: ImportSettings, guard: _Guard) -> Iterator[Any]:
    """(table, record) pairs of a whole source, with the E20 checks; decode errors located exactly (E3)."""
    with source.reading() as reading:
        table = CsvTable(_text(reading.stream, layout.encoding), layout.delimiter, max_rows=settings.limits.max_rows)
        yield table, None
        try:
            for record in table.records():
                guard.poll()
                if record.row % CHECK_EVERY == 0:
                    guard.report(reading, record.line)
                yield table, record
        except UnicodeDecodeError:
            reading.check(table.line_num)
            check_decodes(source.chunks, layout.encoding)
            raise CsvError(f"{source.name} cannot be decoded as {layout.encoding.label}.") from None
        except CsvError:
            reading.check(table.line_num)  # a file cut short mid-quote is a changed file, not a bad quote (E20)
            raise
        reading.check(table.line_num)
        with contextlib.suppress(OSError, ValueError):
            if reading.stream.read(1):
                raise FileChangedError(source.name, table.line_num)
        guard.base += source.size
        if guard.progress is not None:
            guard.progress(guard.base, guard.total)


PRECOUNT_BYTES = 1 << 20
"""Files larger than this are counted first (C speed) so that one over the row cap fails at once, before any
row is built (E12: a 1,000,000-row file is refused in about a second, with bounded memory)."""


def _check_row_count(source: _Source, layout: _Layout, settings: ImportSettings, guard: _Guard) -> None:
    with source.reading() as reading:
        table = CsvTable(_text(reading.stream, layout.encoding), layout.delimiter, max_rows=settings.limits.max_rows)
        try:
            for record in table.records():
                if record.row % 4096 == 0:
                    guard.poll()
        except RowLimitError:
            raise
        except (CsvError, UnicodeDecodeError):
            return  # the full read reports it, with the line and the file-changed check


def plan_import(
    service: JournalService,
    path: Path,
    settings: ImportSettings = ImportSettings(),
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportPlan:
    """Read a whole source and prepare its import (see the module docstring). Nothing is written.

    Raises:
        CsvError: the file as a whole cannot be read (the message names the line); FileChangedError (E20).
        ImportCancelledError: ``cancelled()`` answered True.
    """
    with gc_paused():
        seen = _imports_seen(service)  # before any duplicate lookup: a later import makes this plan stale
        inspection = inspect_source(path, settings)
        if inspection.is_bundle:
            plan = _plan_bundle(service, inspection, settings, progress, cancelled)
        else:
            plan = _plan_contacts(service, inspection, settings, progress, cancelled)
        plan.imports_seen = seen
        return plan


def _imports_seen(service: JournalService) -> tuple[int, int]:
    """How many imports the journal holds, and how many of them were undone: changes with every import."""
    batches = import_store.list_batches(service.database)
    return len(batches), sum(1 for b in batches if b.undone_at is not None)


def _plan_contacts(
    service: JournalService,
    inspection: Inspection,
    settings: ImportSettings,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportPlan:
    if inspection.format is CsvFormat.RECIPRO:
        return _plan_bundle(service, inspection, settings, progress, cancelled)
    headers = inspection.headers
    mapping = {i: k for i, k in inspection.mapping.items() if k}
    check = check_mapping(mapping, headers)
    if not check.ok:
        raise CsvError(" ".join(check.errors))
    if settings.mapping is None:
        for group in inspection.duplicate_headers:
            unmapped = [i for i in group if i not in mapping]
            if unmapped:
                cols = " and ".join(str(i + 1) for i in group)
                raise CsvError(
                    f"Columns {cols} have the same header; one of them would not be imported. Rename one of them, "
                    "or choose the columns in the import wizard's column mapping."
                )
    now = _clock(service).now()
    source = _FileSource(inspection.path)
    layout = _Layout(
        inspection.encoding or EncodingGuess("utf-8"),
        inspection.delimiter,
        inspection.delimiter_sniffed,
        inspection.header_line,
    )
    order = inspection.date_order if settings.date_order is DateOrder.AUTO else settings.date_order
    fmt = inspection.format
    date_cols = [i for i, k in mapping.items() if FIELDS_BY_KEY[k].kind in (FieldKind.DATE, FieldKind.BIRTHDAY)]
    guard = _Guard(source.size, progress, cancelled)
    if source.size > PRECOUNT_BYTES:
        _check_row_count(source, layout, settings, guard)
    rows: list[PlannedRow] = []
    width = len(headers)
    day_first = month_first = False
    ambiguous: list[int] = []
    reader = ContactReader(headers, mapping, now=now, date_order=order, fmt=fmt)
    for _table, record in _records(source, layout, settings, guard):
        if record is None:
            continue
        if record.width != width:
            rows.append(
                PlannedRow(
                    ItemKind.PERSON,
                    source.name,
                    record.row,
                    record.line,
                    "",
                    None,
                    (f"Expected {width} fields, got {record.width}.",),
                    cells=record.cells,
                )
            )
            continue
        result = reader.read(record.cells)
        if date_cols and order is DateOrder.AUTO:
            try:
                found = infer_date_order(record.cells[i] for i in date_cols)
            except ValueProblem:
                found = None
                day_first = month_first = True
            day_first = day_first or found is DateOrder.DMY
            month_first = month_first or found is DateOrder.MDY
            if result.person is None and any("ambiguous date" in p for p in result.problems):
                ambiguous.append(len(rows))
        rows.append(_contact_row(source.name, record.row, record.line, record.cells, result))
    notes: list[str] = []
    if ambiguous and day_first != month_first:
        order = DateOrder.DMY if day_first else DateOrder.MDY
        second = ContactReader(headers, mapping, now=now, date_order=order, fmt=fmt)
        for index in ambiguous:
            old = rows[index]
            result = second.read(old.cells)
            rows[index] = _contact_row(old.file, old.row, old.line, old.cells, result)
        notes.append(f"Dates like 03/04/2024 were read as {'day/month' if day_first else 'month/day'}/year, as "
                     "other dates in the same column show.")  # fmt: skip
    elif ambiguous:
        notes.append("Some dates could be day/month or month/day: choose the date format in the column mapping.")
    ignored = tuple(column_name(i, headers) for i in check.ignored)
    if ignored:
        notes.append(f"Not imported: {', '.join(ignored)}.")
    people = import_store.people_index(service.database)
    wanted: set[UUID] = set()
    for planned in rows:
        if planned.item is None:
            continue
        keys = planned.keys or match_keys(planned.item)
        if planned.has_id and keys.id in people.ids:
            wanted.add(keys.id)
        wanted.update(people.by_email[e] for e in keys.emails if e in people.by_email)
        wanted.update(people.by_name.get(keys.name, ()))
    existing = {ItemKind.PERSON: import_store.load(service.database, ItemKind.PERSON, wanted)}
    log.info("import plan: %d rows (%d rejected), %d possible matches", len(rows), sum(r.item is None for r in rows),
             len(wanted))  # fmt: skip
    return ImportPlan(
        source=inspection.path,
        source_name=source.name,
        format=fmt,
        settings=settings,
        rows=rows,
        headers={source.name: headers},
        people=people,
        existing=existing,
        notes=[*inspection.notes, *inspection.warnings, *notes],
        ignored_columns=ignored,
        encoding=inspection.encoding,
    )


def _contact_row(name: str, row: int, line: int, cells: tuple[str, ...], result: ContactResult) -> PlannedRow:
    if result.person is None:
        return PlannedRow(
            ItemKind.PERSON,
            name,
            row,
            line,
            result.label,
            None,
            result.problems,
            result.warnings,
            cells,
            has_id=result.has_id,
        )
    return PlannedRow(
        ItemKind.PERSON,
        name,
        row,
        line,
        result.person.display_name,
        result.person,
        (),
        result.warnings,
        (),
        has_id=result.has_id,
        keys=match_keys(result.person),
    )


# --- Recipro's own export -----------------------------------------------------------------------------------

_VALIDATORS: dict[type, Callable[[Any], None]] = {
    Person: validation.validate_person,
    Act: validation.validate_act,
    Need: validation.validate_need,
    Commitment: validation.validate_commitment,
    Interaction: validation.validate_interaction,
    JournalEntry: validation.validate_entry,
    Reminder: validation.validate_reminder,
}


def _item_label(item: Any) -> str:
    for name in ("display_name", "summary", "text"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            line = value.strip().splitlines()[0] if value.strip() else ""
            return line[:120]
    return ""


class _BundleReader:
    """The CSV files of one Recipro export (a folder, a zip, or a single file of one)."""

    def __init__(self, inspection: Inspection, limits: ImportLimits) -> None:
        self.inspection = inspection
        self.archive: zipfile.ZipFile | None = None
        self.sources: dict[str, _Source] = {}
        path = inspection.path
        if path.is_dir():
            for file in _bundle_dir_files(path):
                self.sources[file.name] = _FileSource(file)
        elif zipfile.is_zipfile(path):
            try:
                self.archive = zipfile.ZipFile(path)
            except zipfile.BadZipFile:
                raise CsvError(f"The archive {path.name} is damaged.") from None
            for name, info in _zip_members(self.archive, limits).items():
                self.sources[name] = _ZipSource(self.archive, info)
            self._zip_identity = _FileSource(path).identity
        else:
            self.sources[path.name] = _FileSource(path)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def check_archive(self) -> None:
        if self.archive is not None:
            now = _FileSource(self.inspection.path).identity
            if now != self._zip_identity:
                raise FileChangedError(self.inspection.path.name, None)


def _single_file_kind(headers: Sequence[str]) -> ItemKind | None:
    present = set(headers)
    best: tuple[int, ItemKind] | None = None
    for kind, model in ENTITY_MODELS.items():
        try:
            RecordLayout(model, headers)
        except ValueProblem:
            continue
        score = len(present & set(f.name for f in dataclasses.fields(model)))
        if best is None or score > best[0]:
            best = (score, kind)
    return best[1] if best else None


def _plan_bundle(
    service: JournalService,
    inspection: Inspection,
    settings: ImportSettings,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportPlan:
    reader = _BundleReader(inspection, settings.limits)
    try:
        return _read_bundle(
            service, inspection=inspection, reader=reader, settings=settings, progress=progress, cancelled=cancelled
        )
    finally:
        reader.close()


def _read_bundle(
    service: JournalService,
    *,
    inspection: Inspection,
    reader: _BundleReader,
    settings: ImportSettings,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportPlan:
    guard = _Guard(sum(s.size for s in reader.sources.values()), progress, cancelled)
    headers: dict[str, tuple[str, ...]] = {}
    notes: list[str] = []
    rows: list[PlannedRow] = []
    own_settings = dataclasses.replace(settings, encoding=None, delimiter=None)

    def read(name: str) -> Iterator[tuple[tuple[str, ...], Any]]:
        source = reader.sources[name]
        layout = _layout(source, own_settings)
        for table, record in _records(source, layout, own_settings, guard):
            if record is None:
                headers[name] = table.header.names
                if not table.header.has_marker:
                    raise CsvError(f"{name} is not a Recipro export file (its marker column is missing).")
                continue
            yield table.header.names, record

    links: dict[ItemKind, dict[UUID, list[tuple[int, UUID]]]] = {}
    bad_links: dict[ItemKind, set[UUID]] = {}
    for kind, name in LINK_FILES.items():
        if name not in reader.sources:
            continue
        found: dict[UUID, list[tuple[int, UUID]]] = {}
        for header, record in read(name):
            index = {h: i for i, h in enumerate(header)}
            try:
                item_id, person_id, position = decode_link(record.cells, index)
            except ValueProblem as exc:
                notes.append(f"{name} row {record.row:,} (line {record.line:,}): {exc}; that link is skipped.")
                continue
            found.setdefault(item_id, []).append((position, person_id))
        links[kind] = found
        bad_links[kind] = set()

    entity_sources: list[tuple[ItemKind, str]] = [
        (kind, ENTITY_FILES[kind]) for kind in ENTITY_MODELS if ENTITY_FILES[kind] in reader.sources
    ]
    if not entity_sources and len(reader.sources) == 1:
        only = next(iter(reader.sources))
        layout = _layout(reader.sources[only], own_settings)
        with reader.sources[only].open() as stream:
            table = CsvTable(_text(stream, layout.encoding), layout.delimiter)
            single = _single_file_kind(table.header.names)
        if single is None:
            raise CsvError(f"{only} looks like a Recipro export file, but not one this version can read.")
        entity_sources = [(single, only)]
    for kind, name in entity_sources:
        model = ENTITY_MODELS[kind]
        layout_for_file: RecordLayout | None = None
        for header, record in read(name):
            if layout_for_file is None:
                try:
                    layout_for_file = RecordLayout(model, header)
                except ValueProblem as exc:
                    raise CsvError(f"{name}: {exc}.") from None
                if layout_for_file.unknown:
                    notes.append(f"{name}: {len(layout_for_file.unknown)} column(s) this version does not know "
                                 "were ignored.")  # fmt: skip
            rows.append(
                _bundle_row(
                    kind, name=name, record=record, header=header, layout=layout_for_file, links=links.get(kind, {})
                )
            )
    tags: list[Tag] = []
    if TAGS_FILE in reader.sources:
        tag_layout: RecordLayout | None = None
        for header, record in read(TAGS_FILE):
            tag_layout = tag_layout or RecordLayout(Tag, header)
            try:
                tags.append(tag_layout.decode(record.cells))
            except ValueProblem as exc:
                notes.append(f"{TAGS_FILE} row {record.row:,}: {exc}; skipped.")
    settings_rows: list[tuple[str, str]] = []
    if SETTINGS_FILE in reader.sources:
        present = import_store.setting_keys(service.database)
        kept = 0
        for header, record in read(SETTINGS_FILE):
            index = {h: i for i, h in enumerate(header)}
            try:
                key = undefuse(record.cells[index["key"]])
                value = undefuse(record.cells[index["value_json"]])
                settings_registry.from_json(key, value)
            except (KeyError, IndexError, ValidationError, ValueError):
                notes.append(f"{SETTINGS_FILE} row {record.row:,}: not a setting this version knows; skipped.")
                continue
            if key in present:
                kept += 1
                continue
            settings_rows.append((key, value))
        if kept:
            notes.append(f"{kept} setting(s) already set in this journal were kept as they are.")
    reader.check_archive()
    rows = _check_references(service, rows)
    people = import_store.people_index(service.database)
    existing: dict[ItemKind, dict[UUID, Any]] = {}
    for kind in ENTITY_MODELS:
        ids = [r.item.id for r in rows if r.kind is kind and r.item is not None]
        existing[kind] = import_store.load(service.database, kind, ids) if ids else {}
    return ImportPlan(
        source=inspection.path,
        source_name=inspection.path.name,
        format=CsvFormat.RECIPRO,
        settings=settings,
        rows=rows,
        headers=headers,
        people=people,
        existing=existing,
        tags=tags,
        settings_rows=settings_rows,
        notes=[*inspection.notes, *notes],
    )


def _bundle_row(
    kind: ItemKind,
    *,
    name: str,
    record: Any,
    header: Sequence[str],
    layout: RecordLayout,
    links: Mapping[UUID, list[tuple[int, UUID]]],
) -> PlannedRow:
    if record.width != len(header):
        return PlannedRow(
            kind, name, record.row, record.line, "", None, (f"Expected {len(header)} fields, got {record.width}.",),
            cells=record.cells, exact=True,
        )  # fmt: skip
    try:
        item_id_cell = record.cells[header.index("id")]
        people: tuple[UUID, ...] = ()
        if has_people(layout.model):
            raw_id = UUID(undefuse(item_id_cell))
            people = tuple(p for _, p in sorted(links.get(raw_id, [])))
        item = clean(layout.decode(record.cells, people))
        _VALIDATORS[type(item)](item)
    except ValueProblem as exc:
        return PlannedRow(kind, name, record.row, record.line, "", None, (f"{exc}.",), cells=record.cells, exact=True)
    except ValueError:
        return PlannedRow(kind, name, record.row, record.line, "", None, ("column id: not a valid id.",),
                          cells=record.cells, exact=True)  # fmt: skip
    except ValidationError as exc:
        label = FIELD_LABELS.get(exc.field, exc.field.replace("_", " ").capitalize())
        return PlannedRow(kind, name, record.row, record.line, "", None, (f"{label}: {exc}",), cells=record.cells,
                          exact=True)  # fmt: skip
    return PlannedRow(kind, name, record.row, record.line, _item_label(item), item, exact=True, has_id=True)


_PERSON_REFS = ("person_id", "met_through_id")
_OPTIONAL_REFS: dict[str, ItemKind] = {
    "meets_need_id": ItemKind.NEED,
    "in_return_for_id": ItemKind.ACT,
    "met_by_act_id": ItemKind.ACT,
    "fulfilled_by_act_id": ItemKind.ACT,
}


def _check_references(service: JournalService, rows: list[PlannedRow]) -> list[PlannedRow]:
    """Items must name people and items that exist (in the export or the journal); optional references to
    missing items are cleared with a warning, missing people reject the row."""
    in_file: dict[ItemKind, set[UUID]] = {}
    wanted: dict[ItemKind, set[UUID]] = {}
    for r in rows:
        if r.item is None:
            continue
        in_file.setdefault(r.kind, set()).add(r.item.id)
        for p in getattr(r.item, "people", ()):
            wanted.setdefault(ItemKind.PERSON, set()).add(p)
        for name in _PERSON_REFS:
            ref = getattr(r.item, name, None)
            if ref is not None:
                wanted.setdefault(ItemKind.PERSON, set()).add(ref)
        for name, target in _OPTIONAL_REFS.items():
            ref = getattr(r.item, name, None)
            if ref is not None:
                wanted.setdefault(target, set()).add(ref)
    known: dict[ItemKind, set[UUID]] = {}
    for kind, ids in wanted.items():
        missing = ids - in_file.get(kind, set())
        known[kind] = in_file.get(kind, set()) | import_store.existing_ids(service.database, kind, missing)
    out: list[PlannedRow] = []
    for r in rows:
        item = r.item
        if item is None:
            out.append(r)
            continue
        people_known = known.get(ItemKind.PERSON, set())
        missing_people = [p for p in getattr(item, "people", ()) if p not in people_known]
        person_ref = getattr(item, "person_id", None)
        if missing_people or (person_ref is not None and person_ref not in people_known):
            problem = "It names a person who is neither in this export nor in your journal."
            out.append(dataclasses.replace(r, item=None, problems=(problem,), label=""))
            continue
        changes: dict[str, Any] = {}
        warnings = list(r.warnings)
        met_through = getattr(item, "met_through_id", None)
        if met_through is not None and met_through not in people_known:
            changes["met_through_id"] = None
            warnings.append("'Met through' names a person not in this export; it was cleared.")
        for name, target in _OPTIONAL_REFS.items():
            ref = getattr(item, name, None)
            if ref is not None and ref not in known.get(target, set()):
                changes[name] = None
                warnings.append(f"{name.removesuffix('_id').replace('_', ' ').capitalize()} refers to an item not in "
                                "this export; it was cleared.")  # fmt: skip
        out.append(
            dataclasses.replace(r, item=dataclasses.replace(item, **changes), warnings=tuple(warnings))
            if changes
            else r
        )
    return out


# --- resolving duplicates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowOutcome:
    action: RowAction
    reason: str = ""
    target: UUID | None = None


@dataclass
class Resolution:
    """What each planned row becomes under one duplicate policy, and what will be written."""

    policy: DuplicatePolicy
    outcomes: list[RowOutcome]
    adds: dict[ItemKind, list[Any]]
    updates: list[Any]
    before: list[Any]

    def count(self, action: RowAction) -> int:
        return sum(1 for o in self.outcomes if o.action is action)

    @property
    def added(self) -> int:
        return sum(len(v) for v in self.adds.values())


class _ContactIndex:
    """Where each known contact (stored, or added earlier in this file) is found by id, email and name."""

    def __init__(self, people: PeopleIndex, existing: Mapping[UUID, Person]) -> None:
        self.people = people
        self.states: dict[UUID, Person] = dict(existing)
        self.pending: dict[UUID, int] = {}  # id → plan row index, for contacts added by this import
        self.by_email: dict[str, UUID] = {}
        self.by_name: dict[str, list[UUID]] = {}

    def add(self, person: Person, row: int | None, keys: MatchKeys | None = None) -> None:
        self.states[person.id] = person
        if row is not None:
            self.pending[person.id] = row
        keys = keys or match_keys(person)
        for email in keys.emails:
            self.by_email.setdefault(email, person.id)
        names = self.by_name.setdefault(keys.name, [])
        if person.id not in names:
            names.append(person.id)

    def find(self, person: Person, has_id: bool, keys: MatchKeys | None = None) -> UUID | None:
        keys = keys or match_keys(person)
        if has_id and person.id in self.states:
            return person.id
        for email in sorted(keys.emails):
            found: UUID | None = self.by_email.get(email) or self.people.by_email.get(email)
            if found is not None and found in self.states:
                return found
        candidates: list[UUID] = [*self.by_name.get(keys.name, ()), *self.people.by_name.get(keys.name, ())]
        for candidate in candidates:
            other = self.states.get(candidate)
            if other is None:
                continue
            mine, theirs = keys.emails, {e.casefold() for e in other.emails}
            if mine and theirs and not (mine & theirs):
                continue  # same name, different addresses: another person of that name
            return candidate
        return None


def resolve(
    plan: ImportPlan,
    policy: DuplicatePolicy | None = None,
    overrides: Mapping[int, DuplicatePolicy] | None = None,
) -> Resolution:
    """Decide what each row of ``plan`` becomes (see the module docstring). Pure; nothing is read or written.

    Args:
        policy: for rows that match something but differ; defaults to the plan's settings.
        overrides: per plan-row index, a different policy for that row (the preview's per-row choice).
    """
    with gc_paused():
        return _resolve(plan, policy, overrides)


def _resolve(
    plan: ImportPlan,
    policy: DuplicatePolicy | None,
    overrides: Mapping[int, DuplicatePolicy] | None,
) -> Resolution:
    chosen = policy or plan.settings.duplicates
    per_row = overrides or {}
    outcomes: list[RowOutcome] = []
    adds: dict[ItemKind, list[Any]] = {}
    add_slots: dict[UUID, tuple[ItemKind, int]] = {}
    updated: dict[UUID, Any] = {}
    before: dict[UUID, Any] = {}
    contacts = _ContactIndex(plan.people, plan.existing.get(ItemKind.PERSON, {}))
    seen_ids: dict[tuple[ItemKind, UUID], int] = {}

    def add(kind: ItemKind, item: Any) -> None:
        slot = adds.setdefault(kind, [])
        add_slots[item.id] = (kind, len(slot))
        slot.append(item)

    def replace_pending(item: Any) -> None:
        kind, index = add_slots[item.id]
        adds[kind][index] = item

    for index, row in enumerate(plan.rows):
        item = row.item
        if item is None:
            outcomes.append(RowOutcome(RowAction.REJECT, " ".join(row.problems)))
            continue
        row_policy = per_row.get(index, chosen)
        if row.exact:
            outcomes.append(
                _resolve_exact(
                    plan,
                    index=index,
                    row=row,
                    policy=row_policy,
                    seen=seen_ids,
                    add=add,
                    updated=updated,
                    before=before,
                )
            )
            if row.kind is ItemKind.PERSON and outcomes[-1].action is RowAction.ADD:
                contacts.add(item, index)
            continue
        target = contacts.find(item, row.has_id, row.keys)
        if target is None:
            add(ItemKind.PERSON, item)
            contacts.add(item, index, row.keys)
            outcomes.append(RowOutcome(RowAction.ADD))
            continue
        current = contacts.states[target]
        merged = merge_contact(current, item)
        from_file = target in contacts.pending
        where = (
            f"the same as row {plan.rows[contacts.pending[target]].row:,}" if from_file else "already in your journal"
        )
        if merged == current:
            outcomes.append(RowOutcome(RowAction.IDENTICAL, f"{where.capitalize()}.", target))
            continue
        if row_policy is DuplicatePolicy.UPDATE:
            contacts.add(merged, contacts.pending.get(target))
            if from_file:
                replace_pending(merged)
                reason = f"Merged into row {plan.rows[contacts.pending[target]].row:,} of this file."
            else:
                before.setdefault(target, current)
                updated[target] = merged
                reason = "Updates the contact already in your journal."
            outcomes.append(RowOutcome(RowAction.UPDATE, reason, target))
        elif row_policy is DuplicatePolicy.ADD:
            fresh = item if item.id not in contacts.states and item.id not in plan.people.ids else None
            fresh = fresh or dataclasses.replace(item, id=new_id())
            add(ItemKind.PERSON, fresh)
            contacts.add(fresh, index)
            outcomes.append(RowOutcome(RowAction.ADD, "Added although a similar contact exists.", target))
        else:
            outcomes.append(RowOutcome(RowAction.SKIP, f"Matches a contact {where}; skipped.", target))
    originals = plan.existing.get(ItemKind.PERSON, {})
    return Resolution(
        chosen,
        outcomes,
        adds,
        list(updated.values()),
        [before.get(i, originals.get(i)) for i in updated],
    )


def _resolve_exact(
    plan: ImportPlan,
    *,
    index: int,
    row: PlannedRow,
    policy: DuplicatePolicy,
    seen: dict[tuple[ItemKind, UUID], int],
    add: Callable[[ItemKind, Any], None],
    updated: dict[UUID, Any],
    before: dict[UUID, Any],
) -> RowOutcome:
    item = row.item
    assert item is not None
    key = (row.kind, item.id)
    if key in seen:
        first = plan.rows[seen[key]]
        return RowOutcome(RowAction.SKIP, f"The same item as row {first.row:,} of {first.file}; skipped.", item.id)
    seen[key] = index
    current = plan.existing.get(row.kind, {}).get(item.id)
    if current is None:
        add(row.kind, item)
        return RowOutcome(RowAction.ADD)
    if current == item:
        return RowOutcome(RowAction.IDENTICAL, "Already in your journal, unchanged.", item.id)
    if policy is DuplicatePolicy.UPDATE:
        updated[item.id] = dataclasses.replace(item, version=current.version)
        before[item.id] = current
        return RowOutcome(RowAction.UPDATE, "Replaces the version in your journal.", item.id)
    return RowOutcome(
        RowAction.SKIP, "A different version of this item is in your journal; choose Update to replace it.", item.id
    )


# --- writing, reporting, undo -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RejectedRow:
    file: str
    row: int
    line: int
    reasons: tuple[str, ...]
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import (or of a dry run): counts, rejected rows with reasons, and what undo needs."""

    source_name: str
    format: CsvFormat
    batch_id: UUID | None
    dry_run: bool
    added: int
    updated: int
    identical: int
    skipped: int
    rejected: int
    added_by_kind: Mapping[ItemKind, int]
    rejected_rows: tuple[RejectedRow, ...]
    headers: Mapping[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    before_images: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    encoding: EncodingGuess | None = None

    @property
    def encoding_warning(self) -> str | None:
        """A sentence when the file's code page was a guess (issue 10), else None."""
        guess = self.encoding
        if guess is None or not guess.unsure:
            return None
        others = " or ".join(encoding_label(e) for e in guess.alternatives[:2])
        could = f"; it could also be {others}" if others else ""
        return (
            f"The encoding of {self.source_name} is a guess: read as {guess.label}{could}. Check that the names "
            f"look right; if not, choose the encoding (--encoding NAME)."
        )

    @property
    def rows_read(self) -> int:
        return self.added + self.updated + self.identical + self.skipped + self.rejected

    @property
    def nothing_read(self) -> bool:
        """No row could be read at all (every row rejected, or none): the CLI exits non-zero."""
        return self.rows_read == self.rejected

    @property
    def exit_code(self) -> int:
        return CsvError.exit_code if self.nothing_read else 0


def _row_warnings(plan: ImportPlan) -> tuple[str, ...]:
    return tuple(f"{r.where} of {r.file}: {w}" for r in plan.rows for w in r.warnings)


def _report(plan: ImportPlan, resolution: Resolution, batch_id: UUID | None, *, dry_run: bool) -> ImportReport:
    rejected = tuple(
        RejectedRow(r.file, r.row, r.line, r.problems, r.cells) for r in plan.rows if r.item is None
    )  # fmt: skip
    return ImportReport(
        source_name=plan.source_name,
        format=plan.format,
        batch_id=batch_id,
        dry_run=dry_run,
        added=resolution.added,
        updated=resolution.count(RowAction.UPDATE) - _merged_into_pending(resolution),
        identical=resolution.count(RowAction.IDENTICAL),
        skipped=resolution.count(RowAction.SKIP),
        rejected=len(rejected),
        added_by_kind={k: len(v) for k, v in resolution.adds.items() if v},
        rejected_rows=rejected,
        headers=dict(plan.headers),
        warnings=_row_warnings(plan),
        notes=tuple(plan.notes),
        before_images=tuple(resolution.before),
        encoding=plan.encoding,
    )


def _merged_into_pending(resolution: Resolution) -> int:
    return sum(1 for o in resolution.outcomes if o.action is RowAction.UPDATE and o.reason.startswith("Merged"))


def apply_import(
    service: JournalService,
    plan: ImportPlan,
    resolution: Resolution | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Write a resolved plan in ONE transaction with its :class:`ImportBatch` (E19).

    Holds the import lock while it writes (I2). A plan made before another import was stored (the window's
    preview can stay open for minutes) is refused rather than written: it may add the same people again.

    Raises:
        CsvError: rows have problems and the settings say to abort rather than skip them (E8).
        ImportCancelledError: cancelled; nothing was written. JournalError: a storage failure; nothing written.
        ConflictError: another import was stored since ``plan`` was made; read the file again.
        JournalInUseError: another import into this journal did not finish in time.
    """
    with journal_lock.importing(service.database.paths):
        if plan.imports_seen is not None and _imports_seen(service) != plan.imports_seen:
            raise ConflictError(
                "Another import was stored in this journal after this file was read; read the file again "
                "so that nobody is imported twice."
            )
        with gc_paused():
            return _apply(service, plan, resolution or resolve(plan), progress, cancelled)


def _apply(
    service: JournalService,
    plan: ImportPlan,
    resolution: Resolution,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportReport:
    if plan.rejected and not plan.settings.skip_bad_rows:
        raise CsvError(f"{plan.rejected:,} row(s) have problems; nothing was imported (choose to skip them).")
    now = _clock(service).now()
    batch = ImportBatch(
        source_name=plan.source_name,
        format=plan.format.value,
        added=resolution.added,
        updated=len(resolution.updates),
        skipped=resolution.count(RowAction.IDENTICAL) + resolution.count(RowAction.SKIP),
        rejected=plan.rejected,
    )
    work = ImportWrite(adds=resolution.adds, updates=resolution.updates, tags=plan.tags, settings=plan.settings_rows)
    stored, _ = import_store.write_import(service.database, now, batch, work, progress=progress, cancelled=cancelled)
    return _report(plan, resolution, stored.id, dry_run=False)


RELEASE_CHUNK = 2_000


def release(plan: ImportPlan, resolution: Resolution | None = None) -> None:
    """Let a big plan go a few thousand rows at a time, yielding the GIL in between.

    Freeing 100,000 planned rows in one ``del`` is ~100 ms of C code holding the GIL: the window would stall
    for that long (DESIGN §6). A job that is done with a plan calls this on the worker instead.
    """
    if resolution is not None:
        for items in resolution.adds.values():
            while items:
                del items[-RELEASE_CHUNK:]
                time.sleep(0)
        resolution.updates.clear()
        resolution.before.clear()
        resolution.outcomes.clear()
    rows = plan.rows
    while rows:
        del rows[-RELEASE_CHUNK:]
        time.sleep(0)
    plan.existing.clear()


def run_import(
    service: JournalService,
    path: Path,
    settings: ImportSettings = ImportSettings(),
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Plan, resolve and (unless ``dry_run``) write an import in one call: what ``recipro import`` does.

    A file whose code page is only a guess (issue 10) is refused with :class:`EncodingUnsureError` before
    anything is read, unless ``settings.encoding`` names it: nobody sees a preview here, and garbled names would be
    stored silently. A dry run reads it anyway (it stores nothing) and its report says it was a guess.

    Raises:
        EncodingUnsureError: see above. CsvError, ImportCancelledError, JournalError: as :func:`plan_import`.
    """
    if not dry_run and not settings.encoding:
        settings = dataclasses.replace(settings, refuse_unsure_encoding=True)
    if dry_run:
        plan = plan_import(service, path, settings, progress=progress, cancelled=cancelled)
        resolution = resolve(plan)
        try:
            return _report(plan, resolution, None, dry_run=True)
        finally:
            release(plan, resolution)
    # I2: the duplicate lookups (in plan_import) and the write happen under one hold of the import lock.
    with journal_lock.importing(service.database.paths):
        plan = plan_import(service, path, settings, progress=progress, cancelled=cancelled)
        resolution = resolve(plan)
        try:
            with gc_paused():
                return _apply(service, plan, resolution, None, cancelled)
        finally:
            release(plan, resolution)


def undo_import(service: JournalService, report_or_batch: ImportReport | UUID, *, force: bool = False) -> UndoResult:
    """Undo a whole import: remove what it added, put back what it updated (when unchanged since).

    Raises:
        NotFoundError, ConflictError (already undone), import_store.UndoConflictError (items made since name
        people it added; pass ``force=True`` to remove them anyway).
    """
    if isinstance(report_or_batch, ImportReport):
        if report_or_batch.batch_id is None:
            raise JournalError("A dry run wrote nothing, so there is nothing to undo.")
        batch_id, restore = report_or_batch.batch_id, report_or_batch.before_images
    else:
        batch_id, restore = report_or_batch, ()
    now = _clock(service).now()
    return import_store.undo_import(service.database, now, batch_id, restore=restore, force=force)


SINGULAR = {
    ItemKind.PERSON: "person",
    ItemKind.NEED: "listening note",
    ItemKind.ACT: "act",
    ItemKind.COMMITMENT: "promise",
    ItemKind.INTERACTION: "interaction",
    ItemKind.ENTRY: "journal entry",
    ItemKind.REMINDER: "reminder",
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def summary_text(report: ImportReport, *, max_rows: int = 20) -> str:
    """A plain-text summary for the terminal (and the wizard's last page): counts, then rejected rows."""
    if report.rows_read == 0:
        return f"No data rows found in {report.source_name}: it holds only its header (or blank lines)."
    head = "Dry run — nothing was written. " if report.dry_run else ""
    parts = [
        f"{report.added:,} new",
        f"{report.updated:,} updated",
        f"{report.identical:,} identical (skipped)",
        f"{_plural(report.skipped, 'duplicate')} skipped",
        f"{_plural(report.rejected, 'row')} rejected",
    ]
    lines = [f"{head}{report.source_name} ({FORMAT_LABELS[report.format]}): {', '.join(parts)}."]
    if report.encoding_warning:
        lines.append(report.encoding_warning)
    if len(report.added_by_kind) > 1 or (report.added_by_kind and ItemKind.PERSON not in report.added_by_kind):
        kinds = ", ".join(_plural(n, SINGULAR[k], KIND_LABELS[k]) for k, n in report.added_by_kind.items())
        lines.append(f"Added: {kinds}.")
    lines.extend(report.notes)
    for rejected in report.rejected_rows[:max_rows]:
        lines.append(
            f"  Row {rejected.row:,} (line {rejected.line:,}) of {rejected.file}: {' '.join(rejected.reasons)}"
        )
    if len(report.rejected_rows) > max_rows:
        lines.append(f"  … and {len(report.rejected_rows) - max_rows:,} more rejected rows.")
    if report.warnings:
        lines.append(f"{_plural(len(report.warnings), 'warning')}:")
        lines.extend(f"  {w}" for w in report.warnings[:max_rows])
    return "\n".join(lines)


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report as JSON-ready data (``recipro import --json``); rejected rows without their cells."""
    return {
        "source": report.source_name,
        "format": report.format.value,
        "batch_id": str(report.batch_id) if report.batch_id else None,
        "dry_run": report.dry_run,
        "added": report.added,
        "updated": report.updated,
        "identical": report.identical,
        "skipped": report.skipped,
        "rejected": report.rejected,
        "added_by_kind": {k.value: n for k, n in report.added_by_kind.items()},
        "rejected_rows": [
            {"file": r.file, "row": r.row, "line": r.line, "reasons": list(r.reasons)} for r in report.rejected_rows
        ],
        "warnings": list(report.warnings),
        "notes": list(report.notes),
        "encoding": None
        if report.encoding is None
        else {
            "name": report.encoding.encoding,
            "label": report.encoding.label,
            "bom": bool(report.encoding.bom),
            "unsure": report.encoding.unsure,
            "alternatives": list(report.encoding.alternatives),
        },
    }


def save_rejected_rows(report: ImportReport, dest: Path, *, excel: bool = False) -> int:
    """Write the rejected rows (a "Problem" column, then the original cells) to ``dest``: 0600, atomically,
    formula-defused (F1). Returns the number of rows written.

    Raises:
        OSError: the file could not be written; nothing changed at ``dest``.
    """
    files = {r.file for r in report.rejected_rows}
    single = len(files) == 1
    header = ["Problem", *report.headers.get(next(iter(files)), ())] if single else ["Problem", "File", "Row"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n" if excel else "\n")
    writer.writerow([defuse(h) for h in header])
    for r in report.rejected_rows:
        lead = [" ".join(r.reasons)] if len(files) == 1 else [" ".join(r.reasons), r.file, str(r.row)]
        writer.writerow([defuse(c) for c in (*lead, *r.cells)])
    data = buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")
    fsutil.atomic_write_bytes(Path(dest), data, mode=0o600)
    return len(report.rejected_rows)


def delimiter_label(delimiter: str) -> str:
    return DELIMITER_NAMES.get(delimiter, repr(delimiter))


def file_kind(path: Path) -> str:
    """What kind of source a path is, for the wizard ("file", "folder", "zip")."""
    if path.is_dir():
        return "folder"
    return "zip" if zipfile.is_zipfile(path) else "file"
