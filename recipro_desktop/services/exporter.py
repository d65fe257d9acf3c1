"""CSV export: everything, round-trippable, in a folder or a zip; or the contacts for Google Contacts.

Users must be able to leave with all of their data (DESIGN §1). What this module promises (RELIABILITY §F):

- **Everything** (:func:`export_all`): one CSV per entity plus the people links, tags and settings
  (:mod:`core.csv_recipro`), with stable ids and our marker column, so importing it into an empty journal gives
  back every field exactly (F2). Read in one transaction: the files are a consistent snapshot.
- **Formula injection defused** on every cell and on every line of a multi-line cell, ``QUOTE_ALL`` (F1).
- **Excel profile** (``excel=True``): UTF-8 with BOM and CRLF line ends, optionally ``;`` as delimiter (F3).
- **Atomic, private writes** (F4): files are written to a temporary name in the destination folder (mode 0600;
  the export folder 0700), fsynced, then renamed into place; any failure leaves no partial export and does not
  touch a file that was already there. A fresh name is chosen rather than overwriting an earlier export.
- **Plaintext by nature** (F5): :data:`PLAINTEXT_WARNING` is what the window (blocking, once per session) and
  the CLI say; :func:`default_export_dir` is never inside the journal's data folder, and exporting *into* the
  data folder (which may be synced or backed up with the encrypted journal) is refused.
- **Google Contacts** (:func:`export_google_contacts`): contacts only, in the column layout Google imports.

Reads and writes only; never logs names or notes (counts only).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import platformdirs
from sqlalchemy import select

from recipro_desktop.core.csv_formats import MARKER_COLUMN, defuse, now_stamp
from recipro_desktop.core.csv_recipro import (
    ENTITY_FILES,
    ENTITY_MODELS,
    KIND_LABELS,
    LINK_COLUMNS,
    LINK_FILES,
    README_FILE,
    SETTINGS_COLUMNS,
    SETTINGS_FILE,
    TAG_COLUMNS,
    TAGS_FILE,
    columns,
    encode,
    encode_links,
)
from recipro_desktop.core.errors import JournalError, StorageFullError
from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.services.import_store import ImportCancelledError
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import fsutil
from recipro_desktop.storage.repositories import SPECS, Repository
from recipro_desktop.storage.tables import SettingRow

log = logging.getLogger(__name__)

PLAINTEXT_WARNING = (
    "This file is NOT encrypted: anyone who can open it can read everything in it, including your private notes "
    "about other people. Keep it somewhere only you can reach, don't put it in a shared or synced folder, and "
    "delete it when you no longer need it."
)

FOLDER_PREFIX = "recipro-export"
GOOGLE_FILE = "recipro-google-contacts.csv"
READ_CHUNK = 500

Progress = Callable[[int, int | None], object]
Cancelled = Callable[[], bool]


class ExportError(JournalError):
    """An export could not be written; nothing was left behind at the destination."""

    exit_code = 32


class ExportDiskFullError(ExportError, StorageFullError):
    """The destination volume is full (or a file-size limit was hit): nothing was left behind. Exit code 17, as
    for any full disk (RELIABILITY I7)."""

    exit_code = StorageFullError.exit_code


FULL_BELOW_BYTES = 1024 * 1024
"""Below this much free space at the destination, a failed write is the full disk's, whatever its words."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """Where an export went and what it holds."""

    path: Path
    counts: dict[str, int]
    files: tuple[str, ...]
    size: int
    excel: bool = False
    contacts_only: bool = False
    zipped: bool = False
    notes: tuple[str, ...] = field(default=())


def default_export_dir(data_dir: Path | None = None) -> Path:
    """Where exports go unless the user chooses: the Documents folder (else home), never the data folder (F5)."""
    candidates = [Path(platformdirs.user_documents_dir()), Path.home()]
    for candidate in candidates:
        if candidate.is_dir() and not (data_dir is not None and _inside(candidate, data_dir)):
            return candidate
    return Path.home()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _check_destination(service: JournalService, dest_dir: Path) -> None:
    data_dir = service.database.paths.data_dir
    if _inside(dest_dir, data_dir):
        raise ExportError(
            f"Choose a folder outside Recipro's data folder ({data_dir}): an export is not encrypted and must not "
            "sit next to the journal, where syncing or backups would copy it."
        )
    if not dest_dir.is_dir():
        if dest_dir.exists():
            raise ExportError(f"{dest_dir} is a file, not a folder: choose a folder to export into.")
        raise ExportError(f"The folder {dest_dir} does not exist.")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _write_failed(exc: OSError, where: Path, message: str) -> ExportError:
    """The error for a failed write at ``where``: a full volume (ENOSPC, EFBIG, EDQUOT, or almost no space
    left, as Windows' C runtime under Wine reports it as EINVAL) says so and exits 17; anything else is 32."""
    full = exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    if not full:
        with contextlib.suppress(OSError):
            full = shutil.disk_usage(where).free < FULL_BELOW_BYTES
    return ExportDiskFullError(f"The disk is full: {message[0].lower()}{message[1:]}") if full else ExportError(message)


# --- reading a consistent snapshot ------------------------------------------------------------------------


@dataclass
class _Snapshot:
    items: dict[ItemKind, list[Any]]
    tags: list[Any]
    settings: list[tuple[str, str]]

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.items.values())


def _read_all(service: JournalService, kinds: Sequence[ItemKind], cancelled: Cancelled | None) -> _Snapshot:
    now = datetime.now().astimezone()
    items: dict[ItemKind, list[Any]] = {}
    with service.database.session() as session:
        repo = Repository(session, now)
        for kind in kinds:
            spec = SPECS[kind]
            table = spec.table
            ids = list(session.scalars(select(table.c.id).order_by(table.c.created_at, table.c.id)))
            found: list[Any] = []
            for start in range(0, len(ids), READ_CHUNK):
                if cancelled is not None and cancelled():
                    raise ExportCancelledError
                found.extend(repo.get_many(spec, ids[start : start + READ_CHUNK]))
            items[kind] = found
        tags = repo.list_tags() if ItemKind.PERSON in kinds and len(kinds) > 1 else []
        settings = [(r.key, r.value) for r in session.scalars(select(SettingRow).order_by(SettingRow.key))]
    return _Snapshot(items, tags, settings if len(kinds) > 1 else [])


class ExportCancelledError(ImportCancelledError):
    def __init__(self) -> None:
        JournalError.__init__(self, "The export was cancelled; nothing was written.")


# --- writing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Dialect:
    encoding: str
    lineterminator: str
    delimiter: str


def _dialect(excel: bool, semicolon: bool) -> _Dialect:
    return _Dialect("utf-8-sig" if excel else "utf-8", "\r\n" if excel else "\n", ";" if semicolon else ",")


class _Writer:
    """Writes CSV files into a folder or a zip, counting rows for progress and polling for cancel."""

    def __init__(self, dialect: _Dialect, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.dialect = dialect
        self.total = total
        self.done = 0
        self.progress = progress
        self.cancelled = cancelled

    def tick(self) -> None:
        self.done += 1
        if self.done % 200 == 0:
            if self.cancelled is not None and self.cancelled():
                raise ExportCancelledError
            if self.progress is not None:
                self.progress(self.done, self.total)

    def write_csv(self, binary: IO[bytes], header: Sequence[str], rows: Iterator[Sequence[str]]) -> None:
        text = io.TextIOWrapper(binary, encoding=self.dialect.encoding, newline="", write_through=True)
        try:
            writer = csv.writer(
                text,
                delimiter=self.dialect.delimiter,
                quoting=csv.QUOTE_ALL,
                lineterminator=self.dialect.lineterminator,
                doublequote=True,
            )
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
            text.flush()
        finally:
            text.detach()


def _entity_rows(items: Sequence[Any], writer: _Writer) -> Iterator[list[str]]:
    for item in items:
        yield encode(item)
        writer.tick()


def _link_rows(items: Sequence[Any]) -> Iterator[list[str]]:
    for item in items:
        yield from ([defuse(c) for c in row] for row in encode_links(item))


def _readme(snapshot: _Snapshot, now: datetime, excel: bool) -> str:
    counts = "\n".join(f"  {ENTITY_FILES[k]:<26} {len(v):>8,} {KIND_LABELS[k]}" for k, v in snapshot.items.items())
    return (
        "Recipro export\n"
        "==============\n\n"
        f"Written {now.isoformat(timespec='seconds')}.\n\n"
        f"{PLAINTEXT_WARNING}\n\n"
        "Files (UTF-8" + (" with BOM, Windows line ends" if excel else "") + ", every cell quoted):\n"
        f"{counts}\n"
        "  *_people.csv               the people each act, promise, interaction or journal entry names, in order\n"
        "  tags.csv, settings.csv     your tags and your Recipro settings\n\n"
        "Every file has a stable 'id' column and ends with the column '" + MARKER_COLUMN + "'. Cells that a\n"
        "spreadsheet would run as a formula (starting with = + - @ or ') are written with a leading ' on each\n"
        "line; Recipro removes it again when you import this export, so nothing changes in a round trip.\n"
        "Import the whole folder (or the zip) in Recipro: File → Import.\n"
    )


def _bundle_files(snapshot: _Snapshot, writer: _Writer) -> Iterator[tuple[str, Sequence[str], Iterator[Any]]]:
    for kind, model in ENTITY_MODELS.items():
        items = snapshot.items.get(kind, [])
        yield ENTITY_FILES[kind], columns(model), _entity_rows(items, writer)
        if kind in LINK_FILES:
            yield LINK_FILES[kind], LINK_COLUMNS, _link_rows(items)
    yield TAGS_FILE, TAG_COLUMNS, (encode(t) for t in snapshot.tags)
    yield SETTINGS_FILE, SETTINGS_COLUMNS, ([defuse(k), defuse(v), ""] for k, v in snapshot.settings)


def _unique(dest_dir: Path, stem: str, suffix: str) -> Path:
    candidate = dest_dir / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = dest_dir / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def _open_private(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def _fsync(stream: IO[bytes]) -> None:
    stream.flush()
    os.fsync(stream.fileno())


def export_all(
    service: JournalService,
    dest_dir: Path,
    *,
    as_zip: bool = False,
    excel: bool = False,
    semicolon: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Export everything into a new folder (or ``.zip``) inside ``dest_dir``; see the module docstring.

    Raises:
        ExportError: the destination is unusable or a write failed (nothing is left behind).
        ExportCancelledError: cancelled (nothing is left behind).
    """
    dest_dir = Path(dest_dir)
    _check_destination(service, dest_dir)
    now = datetime.now().astimezone()
    snapshot = _read_all(service, tuple(ENTITY_MODELS), cancelled)
    dialect = _dialect(excel, semicolon)
    writer = _Writer(dialect, snapshot.total, progress, cancelled)
    stem = f"{FOLDER_PREFIX}-{now_stamp(now)}"
    readme = _readme(snapshot, now, excel).encode("utf-8")
    if dialect.lineterminator == "\r\n":
        readme = readme.replace(b"\n", b"\r\n")
    names: list[str] = []
    try:
        if as_zip:
            final = _unique(dest_dir, stem, ".zip")
            _write_zip(final, snapshot, writer, readme, names)
        else:
            final = _unique(dest_dir, stem, "")
            _write_folder(final, snapshot, writer, readme, names)
    except OSError as exc:
        raise _write_failed(
            exc, dest_dir, f"The export could not be written to {dest_dir} ({_reason(exc)}); nothing was saved."
        ) from exc
    if progress is not None:
        progress(snapshot.total, snapshot.total)
    size = final.stat().st_size if as_zip else sum(p.stat().st_size for p in final.iterdir())
    counts = {KIND_LABELS[k]: len(v) for k, v in snapshot.items.items()}
    log.info("exported %d items (%d files)", snapshot.total, len(names))
    return ExportResult(final, counts, tuple(names), size, excel=excel, zipped=as_zip)


def _write_folder(final: Path, snapshot: _Snapshot, writer: _Writer, readme: bytes, names: list[str]) -> None:
    temp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=fsutil.TEMP_SUFFIX, dir=final.parent))
    try:
        os.chmod(temp, 0o700)
        with _open_private(temp / README_FILE) as stream:
            stream.write(readme)
            _fsync(stream)
        names.append(README_FILE)
        for name, header, rows in _bundle_files(snapshot, writer):
            with _open_private(temp / name) as stream:
                writer.write_csv(stream, header, rows)
                _fsync(stream)
            names.append(name)
        fsutil.fsync_dir(temp)
        os.rename(temp, final)  # never replaces: the final name is new (a race would fail loudly here)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    fsutil.fsync_dir(final.parent)


def _write_zip(final: Path, snapshot: _Snapshot, writer: _Writer, readme: bytes, names: list[str]) -> None:
    fd, temp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=fsutil.TEMP_SUFFIX, dir=final.parent)
    temp = Path(temp_name)
    try:
        fsutil.set_private_mode(fd, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                folder = final.stem

                def member(name: str) -> zipfile.ZipInfo:
                    info = zipfile.ZipInfo(f"{folder}/{name}", date_time=datetime.now().timetuple()[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o600 << 16
                    return info

                archive.writestr(member(README_FILE), readme)
                names.append(README_FILE)
                for name, header, rows in _bundle_files(snapshot, writer):
                    with archive.open(member(name), "w") as stream:
                        writer.write_csv(stream, header, rows)
                    names.append(name)
            _fsync(raw)
        fsutil.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsutil.fsync_dir(final.parent)


# --- Google Contacts ----------------------------------------------------------------------------------------


def _google_header(max_emails: int, max_phones: int, max_links: int) -> list[str]:
    header = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Nickname",
        "File As",
        "Organization Name",
        "Organization Title",
        "Birthday",
        "Notes",
        "Labels",
    ]
    for n in range(1, max_emails + 1):
        header += [f"E-mail {n} - Label", f"E-mail {n} - Value"]
    for n in range(1, max_phones + 1):
        header += [f"Phone {n} - Label", f"Phone {n} - Value"]
    header += ["Address 1 - Label", "Address 1 - Formatted"]
    for n in range(1, max_links + 1):
        header += [f"Website {n} - Label", f"Website {n} - Value"]
    return header


def _google_birthday(p: Person) -> str:
    if p.birthday_month is None or p.birthday_day is None:
        return ""
    if p.birthday_year is None:
        return f"--{p.birthday_month:02d}-{p.birthday_day:02d}"
    return f"{p.birthday_year:04d}-{p.birthday_month:02d}-{p.birthday_day:02d}"


def _google_row(p: Person, max_emails: int, max_phones: int, max_links: int) -> list[str]:
    given, family = p.given_name, p.family_name
    if not given and not family:
        given = p.display_name
    labels = " ::: ".join(["* myContacts", *p.tags])
    row = [given, "", family, "", p.display_name, p.organisation, p.role, "", p.notes, labels]
    for n in range(max_emails):
        row += ["", p.emails[n]] if n < len(p.emails) else ["", ""]
    for n in range(max_phones):
        row += ["", p.phones[n]] if n < len(p.phones) else ["", ""]
    row += ["", p.location]
    for n in range(max_links):
        row += ["Profile", p.links[n]] if n < len(p.links) else ["", ""]
    cells = [defuse(c) for c in row]
    cells[7] = _google_birthday(p)  # generated digits and dashes, not user text: Google must read it as it is
    return cells


def export_google_contacts(
    service: JournalService,
    dest_file: Path,
    *,
    excel: bool = False,
    include_archived: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write the contacts as a Google Contacts CSV at ``dest_file`` (replaced atomically if it exists).

    Raises:
        ExportError: the destination is unusable or the write failed (an existing file is left untouched).
    """
    dest_file = Path(dest_file)
    _check_destination(service, dest_file.parent)
    snapshot = _read_all(service, (ItemKind.PERSON,), cancelled)
    people = [p for p in snapshot.items[ItemKind.PERSON] if include_archived or not p.archived]
    max_emails = max((len(p.emails) for p in people), default=0) or 1
    max_phones = max((len(p.phones) for p in people), default=0) or 1
    max_links = max((len(p.links) for p in people), default=0) or 1
    dialect = _dialect(excel, semicolon=False)
    writer = _Writer(dialect, len(people), progress, cancelled)

    def rows() -> Iterator[list[str]]:
        for p in people:
            yield _google_row(p, max_emails, max_phones, max_links)
            writer.tick()

    buffer = io.BytesIO()
    writer.write_csv(buffer, _google_header(max_emails, max_phones, max_links), rows())
    try:
        fsutil.atomic_write_bytes(dest_file, buffer.getvalue(), mode=0o600)
    except OSError as exc:
        raise _write_failed(
            exc, dest_file.parent, f"{dest_file} could not be written ({_reason(exc)}); nothing was changed."
        ) from exc
    if progress is not None:
        progress(len(people), len(people))
    log.info("exported %d contacts for Google Contacts", len(people))
    return ExportResult(
        dest_file, {"people": len(people)}, (dest_file.name,), dest_file.stat().st_size, excel, contacts_only=True
    )


# --- reporting --------------------------------------------------------------------------------------------


def summary_text(result: ExportResult) -> str:
    """A plain-text summary for the terminal and the dialog."""
    what = ", ".join(f"{n:,} {label}" for label, n in result.counts.items())
    kind = "zip archive" if result.zipped else "file" if result.contacts_only else "folder"
    profile = " (Excel: UTF-8 with BOM, Windows line ends)" if result.excel else ""
    return f"Exported {what} to the {kind} {result.path}{profile}.\n{PLAINTEXT_WARNING}"


def result_json(result: ExportResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "counts": dict(result.counts),
        "files": list(result.files),
        "bytes": result.size,
        "excel": result.excel,
        "zip": result.zipped,
        "contacts_only": result.contacts_only,
        "encrypted": False,
    }
