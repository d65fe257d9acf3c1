"""One backup on disk, and its check: a single file that carries the database *and* the key slots (I3, I4).

A backup is a zip archive (``journal-<UTC timestamp>-<reason>.zip``) with three members, stored, not
compressed (encrypted pages do not compress):

- ``journal.db``: the SQLCipher database (rollback-journal mode, keyed with the journal's data key);
- ``keyslots.json``: the journal's key-slot file as it was when the backup was made (wrapped keys only, as in
  the data folder), so the passphrase or the recovery key unlocks the backup on its own;
- ``README.txt``: what the file is and how to restore it.

Why one file and not a database with a key-slot file beside it: a user who copies "the backup" to a USB stick
copies one file, and expects that one file to be the backup. A sidecar would be left behind (or mis-paired with
another backup's), and the copy would open only while the journal's own key-slot file survives, which is the
very case a backup exists for. A zip is a container every system opens without Recipro: unzipped, it is a data
folder (``journal.db`` + ``keyslots.json``) that ``recipro --data-dir FOLDER`` opens as it is; and it checks
each member's CRC-32, so a truncated or byte-flipped file is caught before SQLCipher is even asked.

Backups made by Recipro 0.1 are the bare database (``journal-<ts>-<reason>.db``): they still verify and
restore, with the journal's own key slots.

A backup is **verified** (:func:`problem`) by opening its database with the key: it must be encrypted, pass
``quick_check`` and ``cipher_integrity_check`` (every page's HMAC), hold at least one table, count every
table's rows (and, when made, match the journal's counts), and its key slots must belong to that key. A 0- or
1-byte file opens in SQLite as an *empty* database, which is why "it opens" alone proves nothing.

Everything here works on closed files that no connection holds (A13): the archive is read and written with
Python's own I/O, and its database is only ever opened by SQLite after it was extracted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from recipro_desktop.core.errors import DamagedJournalError, JournalError, KeySlotError, NewerVersionError
from recipro_desktop.storage import driver, fsutil, keyslots
from recipro_desktop.storage.keyslots import KeySlotFile

log = logging.getLogger(__name__)

ARCHIVE_SUFFIX = ".zip"
LEGACY_SUFFIX = ".db"
DB_MEMBER = "journal.db"
SLOTS_MEMBER = "keyslots.json"
README_MEMBER = "README.txt"
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
SMALLEST_DATABASE_BYTES = 1024
"""SQLCipher's first page alone is bigger (4096 bytes by default, never under 1024): anything smaller is cut off."""
README = """This is a backup of a Recipro journal, made by Recipro.

It holds the encrypted journal (journal.db) and its key slots (keyslots.json). Nothing in it is readable
without your passphrase or recovery key.

To restore it:   recipro restore THIS-FILE
(or, in the window, "Restore a backup..." and choose this file). The current journal is kept aside.
"""
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    zlib.error,
)


class DamagedBackup(Exception):
    """The backup file is not a sound backup; ``str()`` says why (no content, member names and sizes only)."""


def is_archive(path: Path) -> bool:
    """True when ``path`` starts like a zip archive (a backup with its key slots), False for a bare database."""
    with path.open("rb") as fh:  # A13: a closed backup file
        return fh.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC


def write_archive(dest: Path, database: Path, slots_data: bytes | None) -> None:
    """Write the backup archive ``dest`` (new, 0600) from the closed database file and the key-slot file bytes.

    Raises:
        OSError: writing failed (the caller deletes ``dest``).
    """
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    fsutil.set_private_mode(fd)
    with os.fdopen(fd, "wb") as out:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(README_MEMBER, README)
            if slots_data is not None:
                archive.writestr(SLOTS_MEMBER, slots_data)
            archive.write(database, DB_MEMBER)
        out.flush()
        os.fsync(out.fileno())


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise DamagedBackup(f"it is not a complete backup archive ({exc})") from None


def looks_sound(path: Path) -> tuple[bool, bool]:
    """A cheap structural look (no key, no CRC pass): (plausibly sound, carries key slots).

    Sound: an archive whose central directory lists a database of whole pages, or a bare database of whole
    pages that is not plaintext.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return False, False
        if not is_archive(path):
            return size % driver.PAGE_SIZE == 0 and not driver.is_plaintext_sqlite(path), False
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            db_size = archive.getinfo(DB_MEMBER).file_size if DB_MEMBER in names else 0
    except (OSError, *_ZIP_ERRORS):
        return False, False
    return db_size > 0 and db_size % driver.PAGE_SIZE == 0, SLOTS_MEMBER in names


def read_slots(path: Path) -> KeySlotFile | None:
    """The key slots a backup carries; None for a bare database (0.1) or an archive made without them.

    Raises:
        DamagedBackup: a damaged archive or key-slot member.
        NewerVersionError: slots written by a newer Recipro.
        OSError: the file could not be read.
    """
    if not is_archive(path):
        return None
    with _open_zip(path) as archive:
        try:
            info = archive.getinfo(SLOTS_MEMBER)
        except KeyError:
            return None
        if info.file_size > keyslots.MAX_FILE_BYTES:
            raise DamagedBackup("its key-slot file is too large to be genuine")
        try:
            data = archive.read(info)
        except _ZIP_ERRORS as exc:
            raise DamagedBackup(f"its key-slot file is damaged ({exc})") from None
    try:
        return keyslots.loads(data)
    except KeySlotError:
        raise DamagedBackup("its key-slot file is damaged") from None


def extract_database(path: Path, dest: Path) -> None:
    """Write the backup's database to ``dest`` (new, 0600, fsynced): the archive's member, or a copy of a bare file.

    A member whose bytes do not match its CRC-32 raises (zipfile checks it as the last chunk is read).

    Raises:
        DamagedBackup: the archive or its database member is damaged or missing.
        OSError: reading or writing failed (``dest`` is removed).
    """
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    fsutil.set_private_mode(fd)
    try:
        with os.fdopen(fd, "wb") as out:
            if is_archive(path):
                with _open_zip(path) as archive:
                    try:
                        with archive.open(DB_MEMBER) as member:
                            while chunk := member.read(_CHUNK):
                                out.write(chunk)
                    except _ZIP_ERRORS as exc:
                        raise DamagedBackup(f"its database is damaged or missing ({exc})") from None
            else:
                with path.open("rb") as src:  # A13: a closed 0.1 backup file, never a live database
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def unpacked(path: Path, workdir: Path) -> Iterator[Path]:
    """The backup's database as a file SQLite can open: the bare file itself, or a temporary extraction in
    ``workdir`` (``.<name>.<random>.tmp``, deleted afterwards)."""
    if not is_archive(path):
        yield path
        return
    fd, name = tempfile.mkstemp(dir=workdir, prefix=f".{path.name}.", suffix=fsutil.TEMP_SUFFIX)
    os.close(fd)
    temp = Path(name)
    temp.unlink()
    try:
        extract_database(path, temp)
        yield temp
    finally:
        temp.unlink(missing_ok=True)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn: Any) -> dict[str, int]:
    """Row count of every table (virtual FTS tables and their shadow tables included)."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    return {name: int(conn.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0]) for name in names}


def database_problem(database: Path, key: bytes, expected_counts: dict[str, int] | None) -> str | None:
    """None when the closed database file opens with ``key`` and passes every check, else the reason."""
    try:
        if database.stat().st_size < SMALLEST_DATABASE_BYTES:  # SQLite would take it as empty (Windows: damaged)
            return "it holds no tables (an empty or cut-off file)"
        if driver.is_plaintext_sqlite(database):
            return "it is not encrypted"
        conn = driver.connect(database, key, quick_check=True, read_only=True)
    except DamagedJournalError:
        return "it is damaged, or it is not a Recipro backup"
    except JournalError as exc:
        return str(exc)
    except OSError as exc:
        return f"it could not be read ({exc.strerror or type(exc).__name__})"
    try:
        counts = table_counts(conn)
        if not counts and expected_counts is None:  # a new backup is held to its source's counts instead
            return "it holds no tables (an empty or cut-off file)"
        failed = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        if failed:
            return f"{len(failed)} page(s) fail their authentication check"
        if expected_counts is not None and counts != expected_counts:
            diff = [n for n in set(counts) | set(expected_counts) if counts.get(n) != expected_counts.get(n)]
            return f"row counts differ from the journal in {len(diff)} table(s)"
    except driver.dbapi().Error as exc:
        return f"it could not be read ({exc})"
    finally:
        conn.close()
    return None


def archive_problem(path: Path, key: bytes) -> str | None:
    """None when every member of the archive ``path`` reads back whole (CRC-32) and its key slots, if any, belong
    to ``key``; else why not. The check made on a new archive after it was written."""
    try:
        with _open_zip(path) as archive:
            bad = archive.testzip()
            if bad is not None or DB_MEMBER not in archive.namelist():
                return f"the archive member {bad or DB_MEMBER} did not read back intact"
        slots = read_slots(path)
    except DamagedBackup as exc:
        return str(exc)
    except _ZIP_ERRORS as exc:
        return f"the archive did not read back intact ({exc})"
    if slots is not None and not keyslots.key_matches(slots, key):
        return "its key slots belong to another key"
    return None


def problem(path: Path, key: bytes, *, workdir: Path | None = None) -> str | None:
    """None when ``path`` is a sound backup for ``key``, else why not (a sentence fragment, no content).

    ``workdir`` takes the temporary extraction (default: the backup's folder).
    """
    try:
        if path.stat().st_size == 0:
            return "it is empty (0 bytes)"
        if is_archive(path):
            slots = read_slots(path)
            if slots is not None and not keyslots.key_matches(slots, key):
                return "its key slots belong to another key"
        with unpacked(path, workdir or path.parent) as database:
            return database_problem(database, key, None)
    except DamagedBackup as exc:
        return str(exc)
    except NewerVersionError as exc:
        return str(exc)
    except OSError as exc:
        return f"it could not be checked ({exc.strerror or type(exc).__name__})"
