"""Encrypted backups, rotation, restore and integrity checks (RELIABILITY A7, A9, A13, A15, B14, D5-D7, I3, I4).

- A backup is made with the SQLite backup API into a file keyed with the same raw key (never a raw copy of
  the live file, A13; never unencrypted, B14), written under a temporary ``.partial`` name, **verified**
  (reopened read-only with the key, checks and row counts equal to the source's), packed with the journal's
  key slots into one archive (:mod:`~recipro_desktop.storage.backup_file`: why one file), re-read whole
  against its CRCs, and only then renamed to ``journal-<UTC timestamp>-<reason>.zip``. A failed verification
  deletes the partial files and raises :class:`BackupError`.
- The database in a backup is a rollback-journal file (no ``-wal``/``-shm``): one self-contained file.
- Rotation verifies from the newest backward and prunes only what is older than the ``keep``-th verified
  backup, so it never deletes its way below one good backup (D5). A backup that fails verification is never
  counted and never deleted: it is reported (:class:`Rotation`) and left for the user (I3).
- Restore extracts the backup's database beside the journal, verifies *that* copy, moves the current
  database *with* its ``-wal``/``-shm`` aside (a stale WAL next to a restored file would be replayed into
  it, A9), ``os.replace``-s the copy into place and reopens it (D6). :func:`put_back_key_slots` brings the
  backup's key slots back when the journal's own are missing, damaged or another journal's (I4).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recipro_desktop.core.errors import BackupError, JournalError, StorageFullError, StorageUnavailableError
from recipro_desktop.paths import PRIVATE_DIR_MODE, JournalPaths
from recipro_desktop.storage import backup_file, driver, fsutil, keyslots
from recipro_desktop.storage.backup_file import table_counts
from recipro_desktop.storage.keyslots import KeySlotFile

log = logging.getLogger(__name__)


class BackupDiskFullError(BackupError, StorageFullError):
    """No backup was made because its volume is full (or a file-size limit was hit): the partial file is gone
    and the journal is unchanged. Exit code 17, as for any full disk (RELIABILITY I7)."""

    exit_code = StorageFullError.exit_code


BACKUP_PREFIX = "journal-"
BACKUP_SUFFIX = backup_file.ARCHIVE_SUFFIX
PARTIAL_SUFFIX = ".partial"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_REASON = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
FULL_BELOW_BYTES = 1024 * 1024
"""Below this much free space, SQLite's bare "disk I/O error" while writing a backup is the full disk's."""
_NAME = re.compile(r"^journal-(\d{8}T\d{6}Z)-([a-z0-9][a-z0-9-]*)(?:\.(\d+))?\.(?:zip|db)$")  # .db: 0.1


@dataclass(frozen=True)
class BackupInfo:
    """One backup file.

    ``ok`` is a cheap structural check (a complete archive, or a non-empty bare database of whole pages that is
    not plaintext); a backup only gets its final name after a full verification, so ``ok`` False means it was
    damaged *since*. Use :func:`verify_backup` for a real check. ``key_slots`` is True when the file carries
    its key slots (made by this version); a 0.1 backup needs the journal's own.
    """

    path: Path
    created_at: datetime
    reason: str
    size: int
    ok: bool
    key_slots: bool = False


@dataclass(frozen=True)
class Rotation:
    """What :func:`rotate_backups` did: the deleted files, how many verified backups it kept, and every backup
    that failed verification (path and reason), which it neither counted nor deleted."""

    deleted: list[Path] = field(default_factory=list)
    kept_verified: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)


@dataclass(frozen=True)
class IntegrityReport:
    """The result of an integrity check; ``problems`` name pages, tables, indexes and row ids, never content."""

    ok: bool
    problems: tuple[str, ...]
    full: bool


def _timestamp(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("backup timestamps need an aware datetime")
    return now.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def _run_pragma(conn: Any, sql: str) -> tuple[list[tuple[Any, ...]], str | None]:
    try:
        return [tuple(row) for row in conn.execute(sql).fetchall()], None
    except driver.dbapi().Error as exc:
        return [], f"{sql.removeprefix('PRAGMA ')}: the database could not be read ({exc})"


def integrity_check(conn: Any, *, full: bool) -> IntegrityReport:
    """Check an open connection: ``quick_check``, or (``full``) ``integrity_check`` + ``foreign_key_check``
    + ``cipher_integrity_check`` (per-page HMACs: lists tampered pages, B8).

    Problems are SQLite's own descriptions (page numbers, table/index names, row ids): no note text.
    """
    problems: list[str] = []
    checks = ["PRAGMA integrity_check"] if full else ["PRAGMA quick_check"]
    for sql in checks:
        rows, error = _run_pragma(conn, sql)
        if error:
            problems.append(error)
        problems.extend(str(row[0]) for row in rows if row and row[0] != "ok")
    if full:
        rows, error = _run_pragma(conn, "PRAGMA foreign_key_check")
        if error:
            problems.append(error)
        for table, rowid, parent, _fkid in rows:
            problems.append(f"foreign key violation: {table} row {rowid} refers to a missing {parent} row")
        rows, error = _run_pragma(conn, "PRAGMA cipher_integrity_check")
        if error:
            problems.append(error)
        problems.extend(str(row[0]) for row in rows)
    if problems:
        log.warning("integrity check (%s) found %d problem(s)", "full" if full else "quick", len(problems))
    return IntegrityReport(ok=not problems, problems=tuple(problems), full=full)


def _ensure_backup_dir(paths: JournalPaths) -> Path:
    directory = paths.backups
    try:
        if directory.is_symlink() and not directory.exists():
            raise FileNotFoundError(f"dangling link {directory}")
        directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        if not directory.is_dir():
            raise NotADirectoryError(str(directory))
        mode = fsutil.file_mode(directory)
        if mode & 0o077:  # tighten (A14), but never grant the owner rights it took away (a 0500 folder stays so)
            directory.chmod(mode & 0o700)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise PermissionError(f"not writable: {directory}")
    except OSError as exc:
        raise BackupError(
            f"No backup was made: the backup folder {directory} is missing or not writable "
            f"({exc.strerror or type(exc).__name__}). The journal itself is unchanged."
        ) from None
    return directory


def _backup_name(directory: Path, stamp: str, reason: str) -> Path:
    candidate = directory / f"{BACKUP_PREFIX}{stamp}-{reason}{BACKUP_SUFFIX}"
    counter = 2
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL_SUFFIX).exists():
        candidate = directory / f"{BACKUP_PREFIX}{stamp}-{reason}.{counter}{BACKUP_SUFFIX}"
        counter += 1
    return candidate


def _partial_path(final: Path) -> Path:
    return final.with_name("." + final.name + PARTIAL_SUFFIX)


def backup_problem(path: Path, key: bytes) -> str | None:
    """None when ``path`` is a sound backup for ``key`` (see :func:`backup_file.problem`), else the reason."""
    return backup_file.problem(path, key)


def verify_backup(path: Path, key: bytes) -> bool:
    """True when ``path`` opens with ``key`` and passes every check (integrity, page HMACs, tables, key slots)."""
    problem = backup_problem(path, key)
    if problem:
        log.warning("backup %s failed verification", path.name)
    return problem is None


def backup_key_slots(path: Path) -> KeySlotFile | None:
    """The key slots ``path`` carries (None for a 0.1 backup that has none).

    Raises:
        BackupError: the file is missing, unreadable or a damaged archive (nothing was changed).
        NewerVersionError: its key slots were written by a newer Recipro.
    """
    try:
        return backup_file.read_slots(path)
    except backup_file.DamagedBackup as exc:
        raise BackupError(f"This backup cannot be restored: {exc}. Nothing was changed.") from None
    except OSError as exc:
        raise BackupError(
            f"The backup {path} could not be read ({exc.strerror or type(exc).__name__}). Nothing was changed."
        ) from None


def _journal_slots(paths: JournalPaths, key: bytes) -> bytes | None:
    """The journal's key-slot file, as bytes, when it is sound and belongs to ``key``; else None (logged)."""
    try:
        data = paths.keyslots.read_bytes()
        if keyslots.key_matches(keyslots.loads(data), key):
            return data
    except (OSError, JournalError) as exc:
        log.warning("backup made without key slots: the key-slot file is unusable (%s)", type(exc).__name__)
        return None
    log.warning("backup made without key slots: the key-slot file belongs to another key")
    return None


def create_backup(conn: Any, paths: JournalPaths, key: bytes, *, reason: str, now: datetime) -> BackupInfo:
    """Back up the open journal ``conn`` into ``paths.backups`` and verify the copy.

    The backup is one file holding the database and the journal's key-slot file (when that file is sound and
    belongs to ``key``; else the backup is still made, without it, and :attr:`BackupInfo.key_slots` is False).

    Args:
        conn: an open SQLCipher DB-API connection to the journal, outside any transaction.
        paths: the journal's paths.
        key: the journal's raw key (the backup is keyed with it before a page is written).
        reason: a short slug in the file name (``daily``, ``manual``, ``pre-v3``, ``pre-restore``).
        now: an aware datetime (UTC in the name).

    Raises:
        BackupError: the folder is missing/unwritable, the copy failed, or it failed verification (the
            partial files are deleted); the journal is never touched.
        ValueError: ``reason`` is not a slug, ``now`` is naive, or ``conn`` is inside a transaction.
    """
    if not _REASON.match(reason):
        raise ValueError("reason must be a short lowercase slug")
    if conn.in_transaction:
        # The backup API reads through this connection: it would copy uncommitted changes.
        raise ValueError("create_backup needs a connection outside any transaction")
    directory = _ensure_backup_dir(paths)
    final = _backup_name(directory, _timestamp(now), reason)
    partial_db = final.with_name(f".{final.name}{backup_file.LEGACY_SUFFIX}{PARTIAL_SUFFIX}")
    partial = _partial_path(final)
    began = False
    try:
        conn.execute("BEGIN")  # one read snapshot for both the copy and the counts it is checked against
        began = True
        expected = table_counts(conn)
        driver.backup_to(conn, partial_db, key)
    except JournalError as exc:
        failed = BackupDiskFullError if isinstance(exc, StorageFullError) else BackupError
        raise failed(f"No backup was made: {exc}") from None
    except (OSError, driver.dbapi().Error) as exc:
        with contextlib.suppress(OSError):
            partial_db.unlink()
        log.error("backup failed (%s)", type(exc).__name__)
        cause = _describe(exc, directory)
        raise (BackupDiskFullError if cause == DISK_FULL else BackupError)(
            f"No backup was made in {directory} ({cause}). The journal itself is unchanged."
        ) from None
    finally:
        if began:
            conn.execute("COMMIT")
    slots_data = _journal_slots(paths, key)
    try:
        problem = backup_file.database_problem(partial_db, key, expected)
        if problem is None:
            backup_file.write_archive(partial, partial_db, slots_data)
            problem = backup_file.archive_problem(partial, key)
        if problem is not None:
            log.error("new backup failed verification; deleted")
            raise BackupError(f"The backup failed verification and was deleted ({problem}).")
        fsutil.replace(partial, final)
        fsutil.fsync_dir(directory)
    except OSError as exc:
        if _describe(exc, directory) == DISK_FULL:
            raise BackupDiskFullError(
                f"No backup was made in {directory} ({DISK_FULL}). The journal itself is unchanged."
            ) from None
        raise BackupError(f"No backup was made in {directory}: {exc.strerror or type(exc).__name__}.") from None
    finally:
        for leftover in (partial_db, partial):
            with contextlib.suppress(OSError):
                leftover.unlink()
    size = final.stat().st_size
    log.info("backup made (%s, %d bytes, %d tables, key slots: %s)", reason, size, len(expected), bool(slots_data))
    created = _parse_name(final.name)[0]
    return BackupInfo(final, created, reason, size, ok=True, key_slots=slots_data is not None)


DISK_FULL = "the disk is full"


def _describe(exc: BaseException, directory: Path | None = None) -> str:
    """A short cause for a failed backup: "the disk is full", an OS error text, or SQLite's error text.

    With ``directory``, an error on a volume that has (almost) no space left is the full disk's, whatever words
    it came with (Windows' C runtime under Wine reports a full disk as EINVAL; SQLite as "disk I/O error")."""
    if isinstance(driver.translate_error(exc), StorageFullError) or getattr(exc, "errno", None) in _FULL_ERRNOS:
        return DISK_FULL
    if directory is not None:
        with contextlib.suppress(OSError):
            if shutil.disk_usage(directory).free < FULL_BELOW_BYTES:
                return DISK_FULL
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if "disk i/o error" in str(exc).lower():  # the backup API reports EFBIG/ENOSPC on the target only as this
        return "a disk I/O error while writing: the disk may be full"
    return str(exc) or type(exc).__name__


def _parse_name(name: str) -> tuple[datetime, str, int]:
    """(created at, reason, collision counter) from ``journal-<ts>-<reason>[.<n>].zip`` (or 0.1's ``.db``)."""
    match = _NAME.match(name)
    if not match:
        raise ValueError(name)
    created = datetime.strptime(match.group(1), TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    return created, match.group(2), int(match.group(3) or 1)


def list_backups(paths: JournalPaths) -> list[BackupInfo]:
    """The backups in ``paths.backups``, newest first (partial and foreign files are ignored)."""
    directory = paths.backups
    if not directory.is_dir():
        return []
    found: list[tuple[datetime, int, BackupInfo]] = []
    for entry in directory.iterdir():
        try:
            created, reason, counter = _parse_name(entry.name)
            if not entry.is_file():
                continue
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        ok, with_slots = backup_file.looks_sound(entry)
        info = BackupInfo(entry, created, reason, size, ok=ok, key_slots=with_slots)
        found.append((created, counter, info))
    found.sort(key=lambda item: item[:2], reverse=True)
    return [info for _, _, info in found]


def last_successful_backup(paths: JournalPaths) -> datetime | None:
    """When the newest backup that still looks sound was made (shown when a backup fails, D7)."""
    for info in list_backups(paths):
        if info.ok:
            return info.created_at
    return None


def rotate_backups(paths: JournalPaths, key: bytes, *, keep: int) -> Rotation:
    """Delete old backups, keeping the newest ``keep`` *verified* ones (D5, I3).

    Backups are verified (:func:`backup_problem`: opened with the key, every check) from the newest backward;
    only what is older than the ``keep``-th verified backup is deleted, so rotation never deletes its way
    below one verified backup, and with none verified it deletes nothing. A backup that fails verification
    is never counted, and never deleted while it is within the kept range: it is returned in
    :attr:`Rotation.failed` for the caller to tell the user, and stays where it is (a damaged file may still
    be salvageable, and a backup that could not be *checked*, on a full disk say, is not known to be bad). Once
    ``keep`` newer verified backups exist, it is past retention and pruned like any old backup. Leftover
    temporary files of interrupted backups and checks go too.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    directory = paths.backups
    result = Rotation()
    if not directory.is_dir():
        return result
    leftovers = [*directory.glob(f".{BACKUP_PREFIX}*{PARTIAL_SUFFIX}"), *directory.glob(f".{BACKUP_PREFIX}*.tmp")]
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            leftover.unlink()
            result.deleted.append(leftover)
    backups = list_backups(paths)
    verified = 0
    cut: int | None = None
    for index, info in enumerate(backups):
        problem = backup_problem(info.path, key)
        if problem is None:
            verified += 1
            if verified == keep:
                cut = index + 1
                break
        else:
            log.warning("backup %s failed verification; not counted, not deleted", info.path.name)
            result.failed.append((info.path, problem))
    result = Rotation(result.deleted, verified, result.failed)
    if cut is None:
        if verified == 0:
            log.error("no verified backup found; nothing pruned")
        return result
    for info in backups[cut:]:
        try:
            info.path.unlink()
            result.deleted.append(info.path)
        except OSError as exc:
            log.warning("could not delete old backup %s (%s)", info.path.name, type(exc).__name__)
    if result.deleted:
        fsutil.fsync_dir(directory)
        log.info("rotation kept %d verified backup(s), deleted %d file(s)", verified, len(result.deleted))
    return result


def _sidecars(db: Path) -> list[tuple[Path, str]]:
    return [(db, ""), (db.with_name(db.name + "-wal"), "-wal"), (db.with_name(db.name + "-shm"), "-shm")]


def move_aside(paths: JournalPaths, *, suffix: str, now: datetime) -> Path:
    """Rename ``journal.db`` (with its ``-wal``/``-shm``) to ``journal.db.<suffix>-<ts>`` (+ ``-wal``/``-shm``).

    The set keeps SQLite's naming, so the moved-aside database still opens with its WAL. Nothing is deleted
    (A5, A7: a damaged file is kept for the user; D6: the journal before a restore).

    Raises:
        StorageUnavailableError: a rename failed (files already moved stay moved; the error says so).
    """
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", suffix):
        raise ValueError("suffix must be a lowercase slug")
    base = f"{paths.database.name}.{suffix}-{_timestamp(now)}"
    target = paths.data_dir / base
    counter = 2
    while any(t.exists() for t, _ in _sidecars(target)):
        target = paths.data_dir / f"{base}-{counter}"
        counter += 1
    moved = 0
    for (source, tail), (dest, _) in zip(_sidecars(paths.database), _sidecars(target), strict=True):
        if not source.exists():
            continue
        try:
            fsutil.replace(source, dest)
        except OSError as exc:
            raise StorageUnavailableError(
                f"Could not move {source.name} aside to {dest.name} ({exc.strerror or type(exc).__name__}); "
                f"{moved} file(s) were already moved."
            ) from None
        moved += 1
        log.info("moved journal.db%s aside (%s)", tail, suffix)
    fsutil.fsync_dir(paths.data_dir)
    return target


def restore_backup(paths: JournalPaths, key: bytes, backup: Path, *, now: datetime) -> Path | None:
    """Replace the journal with ``backup``; the caller must have closed every connection first (D6, A9).

    Order: extract (or copy, for a 0.1 backup) its database to a temporary file beside the journal, fsynced;
    verify *that* copy with ``key`` (refuse a bad one: nothing changed); move the current database with its
    ``-wal``/``-shm`` aside; put the copy in place with ``os.replace``; reopen it and run ``quick_check``.
    The key slots are not touched here (:func:`put_back_key_slots`).

    Returns:
        The moved-aside path of the previous journal (``journal.db.before-restore-<ts>``), or None when there
        was no database to move (restoring into a journal whose database was lost).

    Raises:
        BackupError: the backup does not open with this key or fails its check (nothing changed), or it could
            not be copied (nothing changed), or the restored file failed to reopen (the previous journal is
            at the returned path).
    """
    staging = paths.data_dir / f".{paths.database.name}.restore{fsutil.TEMP_SUFFIX}"
    try:
        if backup.stat().st_size == 0:
            raise backup_file.DamagedBackup("it is empty (0 bytes)")
        slots = backup_file.read_slots(backup)
        if slots is not None and not keyslots.key_matches(slots, key):
            raise backup_file.DamagedBackup("its key slots belong to another key")
        staging.unlink(missing_ok=True)
        backup_file.extract_database(backup, staging)
        problem = backup_file.database_problem(staging, key, None)
    except backup_file.DamagedBackup as exc:
        problem = str(exc)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise BackupError(
            f"The backup could not be copied into {paths.data_dir} ({exc.strerror or type(exc).__name__}). "
            "Nothing was changed."
        ) from None
    if problem is not None:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise BackupError(f"This backup cannot be restored: {problem}. Nothing was changed.")
    has_current = any(p.exists() for p, _ in _sidecars(paths.database))
    aside: Path | None = None
    try:
        if has_current:
            aside = move_aside(paths, suffix="before-restore", now=now)
        fsutil.replace(staging, paths.database)
        fsutil.fsync_dir(paths.data_dir)
    except (OSError, StorageUnavailableError) as exc:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise BackupError(f"The restore was interrupted: {exc}") from None
    try:
        conn = driver.connect(paths.database, key, quick_check=True)
    except JournalError as exc:
        raise BackupError(
            f"The restored journal failed to open ({exc}); the previous journal is kept at {aside}."
        ) from None
    conn.close()
    log.info("backup restored (previous journal %s)", "moved aside" if aside else "absent")
    return aside


def put_back_key_slots(paths: JournalPaths, slots: KeySlotFile, *, now: datetime) -> Path | None:
    """Make ``slots`` (a backup's own) the journal's key-slot file, atomically (I4).

    The file it replaces (missing, damaged, or another journal's) is kept as ``keyslots.json.before-restore-<ts>``,
    never deleted: it may be the only copy of another journal's key slots.

    Returns:
        Where the previous key-slot file was kept, or None when there was none.

    Raises:
        StorageUnavailableError: the file could not be moved aside or written (the journal's file is unchanged
            or moved aside, as the message says).
    """
    aside: Path | None = None
    current = paths.keyslots
    try:
        if current.exists() or current.is_symlink():
            aside = current.with_name(f"{current.name}.before-restore-{_timestamp(now)}")
            counter = 2
            while aside.exists():
                aside = current.with_name(f"{current.name}.before-restore-{_timestamp(now)}-{counter}")
                counter += 1
            fsutil.replace(current, aside)
        keyslots.write(current, slots)
    except OSError as exc:
        kept = f" The previous key-slot file is at {aside}." if aside else ""
        raise StorageUnavailableError(
            f"The backup's key slots could not be written to {current} ({exc.strerror or type(exc).__name__})." + kept
        ) from None
    log.info("key slots restored from the backup (previous file %s)", "kept aside" if aside else "absent")
    return aside
