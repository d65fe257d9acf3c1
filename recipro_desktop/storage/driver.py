"""The SQLCipher driver: the only place that opens a raw database connection.

Every connection is opened through :func:`connect`, which applies the open sequence of RELIABILITY A15:
key → ``cipher_version`` check → a test query → pragmas → (optionally) ``quick_check``. Plain ``sqlite3``
silently accepts ``PRAGMA key`` and writes plaintext, so a driver without SQLCipher is refused before any
file is created (B7). SQLCipher answers a wrong key and a damaged header alike with "file is not a
database"; telling them apart is the key-slot file's job (its key-check value), not this module's.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from recipro_desktop.core.errors import (
    DamagedJournalError,
    EncryptionUnavailableError,
    JournalBusyError,
    StorageFullError,
    StorageUnavailableError,
)

log = logging.getLogger(__name__)

KEY_BYTES = 32
BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"
WAL_AUTOCHECKPOINT_PAGES = 1000
"""SQLite's default, said out loud: after a commit leaves this many pages in the log, it is copied back."""
WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024
"""After a checkpoint resets the log, its file is cut back to this size (a large import would otherwise leave a
log file of its own size behind for good)."""
CIPHER_LOG_LEVEL = "NONE"  # SQLCipher's own log (stderr); "WARN" or "DEBUG" when diagnosing


def _default_module() -> ModuleType:
    try:
        return importlib.import_module("sqlcipher3.dbapi2")
    except ImportError as exc:  # pragma: no cover - exercised by the frozen self-test
        raise EncryptionUnavailableError(
            "The encryption library (SQLCipher) is missing: Recipro will not open or create a journal without it."
        ) from exc


# Tests replace this to prove that a non-SQLCipher driver is refused (RELIABILITY B7).
module_factory: Callable[[], ModuleType] = _default_module


def dbapi() -> ModuleType:
    """The DB-API module in use (``sqlcipher3.dbapi2`` unless a test swapped it)."""
    return module_factory()


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 256-bit key (no KDF inside SQLCipher: the key is random)."""
    if len(key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def is_plaintext_sqlite(path: Path) -> bool:
    """True when ``path`` starts with the plain SQLite header, i.e. is *not* encrypted."""
    with path.open("rb") as fh:  # only ever on a closed database (a check after close, or a test)
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _create_private_file(path: Path) -> None:
    """Create an empty 0600 file so SQLite never creates the database with the umask's mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def require_sqlcipher(module: ModuleType | None = None) -> str:
    """Prove SQLCipher is active (on a throwaway in-memory connection) and return its version.

    Called before any file is created or opened: by :func:`connect`, and by key-slot creation, so that a
    missing encryption library is reported before a new journal leaves anything on disk (B7).

    Raises:
        EncryptionUnavailableError: the driver is not SQLCipher.
    """
    module = module or dbapi()
    probe = module.connect(":memory:")
    try:
        row = probe.execute("PRAGMA cipher_version").fetchone()
        if row and row[0]:
            # Process-wide: SQLCipher otherwise prints "ERROR CORE ... hmac check failed" to stderr for
            # every wrong key or damaged page; our own errors already say what happened.
            probe.execute(f"PRAGMA cipher_log_level = {CIPHER_LOG_LEVEL}").fetchall()
    finally:
        probe.close()
    if not row or not row[0]:
        raise EncryptionUnavailableError(
            "The database driver does not encrypt (SQLCipher is not active): Recipro refuses to store your "
            "journal in plaintext."
        )
    return str(row[0])


def connect(
    path: Path,
    key: bytes,
    *,
    create: bool = False,
    quick_check: bool = True,
    read_only: bool = False,
    exclusive: bool = False,
) -> Any:
    """Open ``path`` with ``key`` and return a checked SQLCipher DB-API connection.

    Args:
        path: the database file. It must exist unless ``create`` is true.
        key: the raw 32-byte data key.
        create: allow creating a new file (only the journal-creation path and backups pass this).
        quick_check: run ``PRAGMA quick_check`` (every open of the journal does; backups verify separately).
        read_only: open with ``mode=ro`` and ``query_only``, without switching to WAL, so checking a file
            (a backup) never writes to it. Only for files in rollback-journal mode, as backups are.
        exclusive: ``locking_mode = EXCLUSIVE`` before the first read: the connection keeps the log's index in
            its own memory instead of the ``-shm`` file, and holds the journal alone until it closes. How a
            journal is read on a full disk, where the ``-shm`` file cannot grow (RELIABILITY I7).

    Raises:
        EncryptionUnavailableError: the driver is not SQLCipher (checked before the file is touched).
        DamagedJournalError: the file is not a database for this key, or fails its quick check.
        StorageUnavailableError: the path cannot be opened.
    """
    module = dbapi()
    require_sqlcipher(module)
    if read_only and create:
        raise ValueError("read_only and create exclude each other")
    if not path.exists():
        if not create:
            raise StorageUnavailableError(f"The journal file does not exist: {path}")
        if not path.parent.is_dir():
            raise StorageUnavailableError(f"The folder for the journal does not exist: {path.parent}")
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StorageUnavailableError(
                f"The journal file could not be created ({exc.strerror or type(exc).__name__}): {path}"
            ) from None
    elif path.is_dir():
        raise StorageUnavailableError(f"The journal path is a folder, not a file: {path}")
    if not read_only:
        # SQLite would silently fall back to a read-only connection (and leave -wal/-shm behind); say it now.
        if not os.access(path, os.R_OK | os.W_OK):
            raise StorageUnavailableError(
                f"The journal file is read-only or not readable: {path}. It can only be opened read-only."
            )
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise StorageUnavailableError(
                f"The journal's folder is read-only: {path.parent}. The journal needs to write files beside it."
            )
    target = f"{path.absolute().as_uri()}?mode=ro" if read_only else str(path)
    try:
        conn = module.connect(
            target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False, uri=read_only
        )
    except module.Error as exc:
        raise StorageUnavailableError(f"Could not open the journal file {path}: {exc}") from exc
    try:
        conn.execute(key_pragma(key))
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise EncryptionUnavailableError("SQLCipher did not accept the key: refusing to continue.")
        # Off (SQLCipher's own default since 4.5): ON wipes and locks *every* allocation, which made a quick
        # check 2-3x slower here. Key material is wiped by SQLCipher regardless of this setting.
        conn.execute("PRAGMA cipher_memory_security = OFF")
        if exclusive:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError as exc:
            damaged = f"The journal file {path.name} is damaged or is not a Recipro journal."
            raise _open_error(exc, path, damaged) from exc
        try:
            if read_only:
                conn.execute("PRAGMA query_only = ON")
                conn.execute("PRAGMA foreign_keys = ON")
            else:
                apply_pragmas(conn)
            if quick_check:
                result = conn.execute("PRAGMA quick_check").fetchall()
                if result != [("ok",)]:
                    log.error("quick_check failed on open (%d problem rows)", len(result))
                    raise DamagedJournalError(f"The journal file {path.name} failed its integrity check.")
        except module.DatabaseError as exc:
            log.error("open sequence failed after the key check (%s)", type(exc).__name__)
            raise _open_error(exc, path, f"The journal file {path.name} failed its integrity check.") from exc
    except BaseException:
        conn.close()
        raise
    return conn


PAGE_SIZE = 4096  # SQLCipher 4's default page size


def key_fits(path: Path, key: bytes) -> bool | None:
    """Whether ``key`` is the key ``path`` was encrypted with, for a file that does not open (RELIABILITY I9).

    SQLCipher answers "file is not a database" both for another journal's key and for a damaged header, but
    every page carries its own HMAC: ``cipher_integrity_check`` authenticates each page with the key (it needs
    no readable schema). One page that authenticates proves the key (the file is damaged elsewhere).

    Returns:
        True: at least one page authenticates: the key is right, the file is damaged.
        False: no page authenticates, yet the file looks like an SQLCipher database (whole pages, a random
            salt): it was encrypted with another key. A file overwritten with random whole pages, or whose
            salt alone was replaced by random bytes, looks the same; nothing can tell those apart.
        None: cannot tell (empty, not whole pages, plaintext, a zeroed or repeated salt, unreadable): treat
            it as damage.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size == 0 or size % PAGE_SIZE:
        return None
    module = dbapi()
    try:
        conn = module.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except module.Error:
        return None
    try:
        conn.execute(key_pragma(key))
        salt_row = conn.execute("PRAGMA cipher_salt").fetchone()
        failures = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except module.Error as exc:
        log.info("key check against the pages failed (%s)", type(exc).__name__)
        return None
    finally:
        conn.close()
    salt = bytes.fromhex(str(salt_row[0])) if salt_row and salt_row[0] else b""
    if len(failures) < size // PAGE_SIZE:
        return True
    if len(salt) != 16 or len(set(salt)) < 4 or salt.startswith(SQLITE_HEADER[:4]):
        return None  # a zeroed, repeated or plaintext header: damage, not a foreign key
    return False


def _open_error(exc: BaseException, path: Path, damaged_message: str) -> Exception:
    """The journal error for a failure while opening: unusable path, full disk, busy, or else damage."""
    translated = translate_error(exc, path=path)
    if translated is None or isinstance(translated, DamagedJournalError):
        return DamagedJournalError(damaged_message)
    return translated


def apply_pragmas(conn: Any) -> None:
    """The pragmas every connection carries (DESIGN §4, RELIABILITY A2, G8, G9, I5)."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES}")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")


def translate_error(exc: BaseException, *, path: Path | None = None) -> Exception | None:
    """Map a driver error to the journal error a user should see, or None when it is not one of ours.

    Callers use it as ``raise translate_error(exc) or exc`` around commits and queries.
    """
    text = str(exc).lower()
    where = f" ({path})" if path is not None else ""
    if "database or disk is full" in text or ("disk i/o error" in text and "full" in text):
        return StorageFullError("The disk is full: nothing was saved. Free some space and try again.")
    if "database is locked" in text or "database is busy" in text:
        return JournalBusyError("The journal is in use by another program; try again in a moment.")
    if "file is not a database" in text or "malformed" in text or "database corrupt" in text:
        return DamagedJournalError(f"The journal file is damaged{where}.")
    if "disk i/o error" in text or "unable to open" in text or "readonly" in text or "read-only" in text:
        return StorageUnavailableError(f"The journal could not be written{where}: {exc}")
    return None


def backup_to(source: Any, dest: Path, key: bytes) -> None:
    """Copy the open database ``source`` into a new encrypted file ``dest`` with the SQLite backup API.

    The target is keyed with the same raw key before a single page is written, and the copy is refused
    if the target does not report SQLCipher as active: an unkeyed (plaintext) backup is impossible
    (RELIABILITY B14). ``dest`` must not exist; it is created 0600. A13: no raw file copy of a live DB.
    """
    if dest.exists():
        raise FileExistsError(f"backup target already exists: {dest}")
    _create_private_file(dest)
    target = dbapi().connect(str(dest), isolation_level=None, check_same_thread=False)
    try:
        target.execute(key_pragma(key))
        row = target.execute("PRAGMA cipher_version").fetchone()
        if not row or not row[0]:
            raise EncryptionUnavailableError("Refusing to write an unencrypted backup.")
        source.backup(target)
        # A backup is one self-contained file: rollback-journal mode, no -wal/-shm to lose or mis-pair when it
        # is copied, restored or verified read-only later.
        target.execute("PRAGMA journal_mode = DELETE").fetchall()
    except BaseException:
        target.close()
        dest.unlink(missing_ok=True)
        raise
    target.close()
    if is_plaintext_sqlite(dest):  # belt and braces: never leave a plaintext copy behind
        dest.unlink()
        raise EncryptionUnavailableError("The backup came out unencrypted and was deleted.")
