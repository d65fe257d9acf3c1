"""Encrypted backups, rotation, restore and integrity checks (RELIABILITY A7, A9, A13, A15, B14, D5-D7).

- A backup is made with the SQLite backup API into a file keyed with the same raw key (never a raw copy of
  the live file, A13; never unencrypted, B14), written under a temporary ``.partial`` name, **verified**
  (reopened read-only with the key, ``quick_check``, row counts equal to the source's) and only then renamed
  to ``journal-<UTC timestamp>-<reason>.db``. A file with a final backup name was therefore verified when it
  was made; a failed verification deletes the partial file and raises :class:`BackupError`.
- Backups are rollback-journal files (no ``-wal``/``-shm``): a closed backup is one self-contained file,
  which is what makes copying it back safe.
- Rotation verifies from the newest backward and prunes only what is older than the ``keep``-th verified
  backup, so it never deletes its way below one good backup (D5).
- Restore verifies the backup, copies it to a temporary file beside the journal, moves the current
  database *with* its ``-wal``/``-shm`` aside (a stale WAL next to a restored file would be replayed into
  it, A9), ``os.replace``-s the copy into place and reopens it (D6).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recipro_desktop.core.errors import BackupError, JournalError, StorageFullError, StorageUnavailableError
from recipro_desktop.paths import PRIVATE_DIR_MODE, JournalPaths
from recipro_desktop.storage import driver, fsutil

log = logging.getLogger(__name__)


class BackupDiskFullError(BackupError, StorageFullError):
    """No backup was made because its volume is full (or a file-size limit was hit): the partial file is gone
    and the journal is unchanged. Exit code 17, as for any full disk (RELIABILITY I7)."""

    exit_code = StorageFullError.exit_code


BACKUP_PREFIX = "journal-"
BACKUP_SUFFIX = ".db"
PARTIAL_SUFFIX = ".partial"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PAGE_SIZE = 4096  # SQLCipher 4's default page size: a whole backup is a multiple of it
_REASON = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
FULL_BELOW_BYTES = 1024 * 1024
"""Below this much free space, SQLite's bare "disk I/O error" while writing a backup is the full disk's."""
_NAME = re.compile(r"^journal-(\d{8}T\d{6}Z)-([a-z0-9][a-z0-9-]*)(?:\.(\d+))?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file.

    ``ok`` is a cheap structural check (non-empty, whole pages, not plaintext); a backup only gets its final
    name after a full verification, so ``ok`` False means it was damaged *since*. Use :func:`verify_backup`
    for a real check.
    """

    path: Path
    created_at: datetime
    reason: str
    size: int
    ok: bool


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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn: Any) -> dict[str, int]:
    """Row count of every table (virtual FTS tables and their shadow tables included)."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    return {name: int(conn.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]) for name in names}


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


def _verify(path: Path, key: bytes, expected_counts: dict[str, int] | None) -> str | None:
    """None when ``path`` is a sound backup for ``key`` (and has ``expected_counts``), else the reason."""
    try:
        if driver.is_plaintext_sqlite(path):
            return "it is not encrypted"
        conn = driver.connect(path, key, quick_check=True, read_only=True)
    except JournalError as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    try:
        if expected_counts is not None:
            counts = table_counts(conn)
            if counts != expected_counts:
                diff = sorted(
                    name for name in set(counts) | set(expected_counts) if counts.get(name) != expected_counts.get(name)
                )
                return f"row counts differ from the journal in {len(diff)} table(s)"
    except driver.dbapi().Error as exc:
        return f"it could not be read ({exc})"
    finally:
        conn.close()
    return None


def verify_backup(path: Path, key: bytes) -> bool:
    """True when ``path`` is an encrypted database that opens with ``key`` and passes ``quick_check``."""
    problem = _verify(path, key, None)
    if problem:
        log.warning("backup %s failed verification", path.name)
    return problem is None


def create_backup(conn: Any, paths: JournalPaths, key: bytes, *, reason: str, now: datetime) -> BackupInfo:
    """Back up the open journal ``conn`` into ``paths.backups`` and verify the copy.

    Args:
        conn: an open SQLCipher DB-API connection to the journal, outside any transaction.
        paths: the journal's paths.
        key: the journal's raw key (the backup is keyed with it before a page is written).
        reason: a short slug in the file name (``daily``, ``manual``, ``pre-v3``, ``pre-restore``).
        now: an aware datetime (UTC in the name).

    Raises:
        BackupError: the folder is missing/unwritable, the copy failed, or it failed verification (the
            partial file is deleted); the journal is never touched.
        ValueError: ``reason`` is not a slug, ``now`` is naive, or ``conn`` is inside a transaction.
    """
    if not _REASON.match(reason):
        raise ValueError("reason must be a short lowercase slug")
    if conn.in_transaction:
        # The backup API reads through this connection: it would copy uncommitted changes.
        raise ValueError("create_backup needs a connection outside any transaction")
    directory = _ensure_backup_dir(paths)
    final = _backup_name(directory, _timestamp(now), reason)
    partial = _partial_path(final)
    began = False
    try:
        conn.execute("BEGIN")  # one read snapshot for both the copy and the counts it is checked against
        began = True
        expected = table_counts(conn)
        driver.backup_to(conn, partial, key)
    except JournalError as exc:
        failed = BackupDiskFullError if isinstance(exc, StorageFullError) else BackupError
        raise failed(f"No backup was made: {exc}") from None
    except (OSError, driver.dbapi().Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        log.error("backup failed (%s)", type(exc).__name__)
        cause = _describe(exc, directory)
        raise (BackupDiskFullError if cause == DISK_FULL else BackupError)(
            f"No backup was made in {directory} ({cause}). The journal itself is unchanged."
        ) from None
    finally:
        if began:
            conn.execute("COMMIT")
    problem = _verify(partial, key, expected)
    if problem is not None:
        with contextlib.suppress(OSError):
            partial.unlink()
        log.error("new backup failed verification; deleted")
        raise BackupError(f"The backup failed verification and was deleted ({problem}).")
    try:
        os.chmod(partial, 0o600)
        fsutil.replace(partial, final)
        fsutil.fsync_dir(directory)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if _describe(exc, directory) == DISK_FULL:
            raise BackupDiskFullError(
                f"No backup was made in {directory} ({DISK_FULL}). The journal itself is unchanged."
            ) from None
        raise BackupError(f"No backup was made in {directory}: {exc.strerror or type(exc).__name__}.") from None
    size = final.stat().st_size
    log.info("backup made (%s, %d bytes, %d tables)", reason, size, len(expected))
    return BackupInfo(path=final, created_at=_parse_name(final.name)[0], reason=reason, size=size, ok=True)


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
    """(created at, reason, collision counter) from ``journal-<ts>-<reason>[.<n>].db``."""
    match = _NAME.match(name)
    if not match:
        raise ValueError(name)
    created = datetime.strptime(match.group(1), TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    return created, match.group(2), int(match.group(3) or 1)


def _looks_ok(path: Path, size: int) -> bool:
    if size == 0 or size % PAGE_SIZE:
        return False
    try:
        return not driver.is_plaintext_sqlite(path)
    except OSError:
        return False


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
        info = BackupInfo(path=entry, created_at=created, reason=reason, size=size, ok=_looks_ok(entry, size))
        found.append((created, counter, info))
    found.sort(key=lambda item: item[:2], reverse=True)
    return [info for _, _, info in found]


def last_successful_backup(paths: JournalPaths) -> datetime | None:
    """When the newest backup that still looks sound was made (shown when a backup fails, D7)."""
    for info in list_backups(paths):
        if info.ok:
            return info.created_at
    return None


def rotate_backups(paths: JournalPaths, key: bytes, *, keep: int) -> list[Path]:
    """Delete old backups, keeping the newest ``keep`` *verified* ones (D5).

    Backups are verified from the newest backward; everything older than the ``keep``-th verified backup is
    deleted. Damaged backups newer than that are left for the user to see (they are counted by nobody). With
    no verified backup at all, nothing is deleted. Leftover ``.partial`` files of interrupted backups go too.

    Returns:
        The deleted paths.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    directory = paths.backups
    deleted: list[Path] = []
    if not directory.is_dir():
        return deleted
    for leftover in directory.glob(f".{BACKUP_PREFIX}*{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            deleted.append(leftover)
    backups = list_backups(paths)
    verified = 0
    cut: int | None = None
    for index, info in enumerate(backups):
        if verify_backup(info.path, key):
            verified += 1
            if verified == keep:
                cut = index + 1
                break
        else:
            log.warning("backup %s is damaged; not counted as a kept backup", info.path.name)
    if cut is None:
        if verified == 0:
            log.error("no verified backup found; nothing pruned")
        return deleted
    for info in backups[cut:]:
        try:
            info.path.unlink()
            deleted.append(info.path)
        except OSError as exc:
            log.warning("could not delete old backup %s (%s)", info.path.name, type(exc).__name__)
    if deleted:
        fsutil.fsync_dir(directory)
        log.info("rotation kept %d verified backup(s), deleted %d file(s)", verified, len(deleted))
    return deleted


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

    Order: verify the backup (refuse a bad one); copy it to a temporary file beside the journal and fsync
    it (a failed copy changes nothing); move the current database with its ``-wal``/``-shm`` aside; put the
    copy in place with ``os.replace``; reopen it and run ``quick_check``.

    Returns:
        The moved-aside path of the previous journal (``journal.db.before-restore-<ts>``), or None when there
        was no database to move (restoring into a journal whose database was lost).

    Raises:
        BackupError: the backup does not open with this key or fails its check (nothing changed), or it could
            not be copied (nothing changed), or the restored file failed to reopen (the previous journal is
            at the returned path).
    """
    problem = _verify(backup, key, None)
    if problem is not None:
        raise BackupError(f"This backup cannot be restored: {problem}. Nothing was changed.")
    staging = paths.data_dir / f".{paths.database.name}.restore{fsutil.TEMP_SUFFIX}"
    try:
        staging.unlink(missing_ok=True)
        fsutil.copy_closed_file(backup, staging)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise BackupError(
            f"The backup could not be copied into {paths.data_dir} ({exc.strerror or type(exc).__name__}). "
            "Nothing was changed."
        ) from None
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
