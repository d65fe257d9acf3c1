"""The journal's folder is made private again, or refused, before anything in it is read (RELIABILITY A14, I13).

A folder other users can write to (0777, 0775, 0757...) lets any of them delete, rename or replace what is in it:
put their own ``keyslots.json`` or ``journal.db`` in place of ours, or a symbolic link named ``journal.db`` that
sends Recipro's writes (and a restore's ``os.replace``) to a file elsewhere; files left 0666 can be read and
rewritten by anyone. A14 already creates everything 0700/0600; this module handles a folder that became loose
*afterwards* (a careless ``chmod -R``, a copy from a FAT stick, an archive tool). At every open (every CLI command,
the window, a restore, ``init`` in an existing folder), :func:`secure_journal_folder`:

- refuses (:class:`UnsafeFolderError`) a data or backup folder that belongs to another user: its owner can swap
  its files whatever the modes say, and Recipro cannot take their rights away;
- refuses a journal file (``journal.db``, its ``-wal``/``-shm``, ``keyslots.json``, the lock file) that is a
  symbolic link, not a regular file, or owned by another user: Recipro never follows a name in its folder to
  somewhere else, nor opens a file a stranger planted;
- takes the group and other bits off the folder and off every regular file of ours in it and in ``backups/``
  (0777 → 0700, 0666 → 0600; the owner's own bits are kept, so a deliberately read-only 0500 folder stays so),
  the folder first, so nobody else can swap a file between the check and the ``chmod``;
- refuses when a loose folder cannot be tightened (a read-only file system, not permitted);
- returns a one-sentence notice when it tightened something, so the user is told once (the CLI prints it on
  stderr, the window shows it in its status bar); nothing is said when everything was already private.

What tightening cannot undo is said plainly in the README: while the folder was open, someone could have read the
encrypted files (they still need the passphrase) or tampered with them (SQLCipher's page HMAC and the key check
catch that on open).

POSIX only: on Windows the journal's privacy comes from the profile folder's ACL (see fsutil.POSIX_MODES and
fsutil.private_location_problem); nothing is done there.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from recipro_desktop.core.errors import UnsafeFolderError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage.fsutil import POSIX_MODES

log = logging.getLogger(__name__)

OTHERS = 0o077  # group and other permission bits
NOTICE_DETAILS = 4  # changed items named in the notice; the rest are counted


def _why(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EPERM, errno.EACCES):
        return "not permitted"
    return exc.strerror or type(exc).__name__


def _folder_info(folder: Path) -> os.stat_result | None:
    """The folder's status (a symlinked folder is followed: where the user put it is their choice); None when it
    is missing or not a folder (the open that follows reports that in its own words)."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return info if stat.S_ISDIR(info.st_mode) else None


def _refuse_foreign(path: Path, info: os.stat_result, what: str) -> None:
    if info.st_uid != os.geteuid():
        raise UnsafeFolderError(
            f"The {what} {path} belongs to another user of this computer (user id {info.st_uid}), who could read "
            "or replace the journal's files: Recipro opens only folders and files of your own."
        )


def _tighten(path: Path, info: os.stat_result, *, keep: int, changed: list[str], label: str, folder: Path) -> None:
    mode = stat.S_IMODE(info.st_mode)
    if not mode & OTHERS:
        return
    if stat.S_ISDIR(info.st_mode) and mode & stat.S_ISVTX:  # /tmp and the like: everyone's, never made ours
        raise UnsafeFolderError(
            f"{path} is a folder shared by all users (mode {mode:o}, like /tmp), so Recipro will not keep or open a "
            "journal in it: choose a folder of your own (--data-dir)."
        )
    try:
        os.chmod(path, mode & keep)
    except OSError as exc:
        raise UnsafeFolderError(
            f"{path} is open to other users of this computer (mode {mode:o}) and could not be made private "
            f"({_why(exc)}), so Recipro will not open the journal in {folder}: copy the folder to a private place "
            "of your own and open it there (--data-dir)."
        ) from None
    changed.append(f"{label} {mode:o}")


def _secure_entries(
    folder: Path, journal_files: Iterable[str], changed: list[str], *, label_prefix: str, quiet: Iterable[str] = ()
) -> None:
    """Check the journal's own files in ``folder`` strictly; tighten every other regular file of ours.

    Files named in ``quiet`` are tightened without being reported: the window's single-instance lock file, which
    Qt creates 0666 less the umask (0644) on every start, before the journal is opened, and which holds no secret.
    """
    strict = set(journal_files)
    unreported = set(quiet)
    with os.scandir(folder) as entries:
        for entry in entries:
            path = Path(entry.path)
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            is_journal_file = entry.name in strict
            if stat.S_ISLNK(info.st_mode):
                if is_journal_file:
                    try:
                        target = os.readlink(path)
                    except OSError:
                        target = "?"
                    raise UnsafeFolderError(
                        f"The journal file {path} is a symbolic link (to {target}), not a file of the journal: "
                        "Recipro never follows a link in its folder. Put the real file there, or restore a backup."
                    )
                continue  # never followed, never changed
            if stat.S_ISDIR(info.st_mode):
                continue  # backups/ is checked on its own; other folders are not Recipro's
            if not stat.S_ISREG(info.st_mode):
                if is_journal_file:
                    raise UnsafeFolderError(
                        f"The journal file {path} is not a regular file (a device, pipe or socket): "
                        "Recipro will not open it. Put the real file there, or restore a backup."
                    )
                continue
            if is_journal_file:
                _refuse_foreign(path, info, "journal file")
            elif info.st_uid != os.geteuid():
                continue  # not ours to change (and nothing Recipro opens by this name)
            report = [] if entry.name in unreported else changed
            _tighten(path, info, keep=0o600, changed=report, label=f"{label_prefix}{entry.name}", folder=folder)


def _notice(folder: Path, changed: list[str]) -> str:
    named = ", ".join(changed[:NOTICE_DETAILS])
    more = len(changed) - NOTICE_DETAILS
    details = f"{named} and {more} more" if more > 0 else named
    return (
        f"The journal folder {folder} was open to other users of this computer ({details}); Recipro has made it "
        "private again (folders 700, files 600)."
    )


def secure_journal_folder(paths: JournalPaths) -> str | None:
    """Make the journal's folder and ``backups/`` private, or refuse; see the module docstring.

    Returns:
        A notice for the user when something was open to others and is now private, else None.

    Raises:
        UnsafeFolderError: a folder or journal file belongs to another user, a journal file is a link or not a
            regular file, or a loose folder or file cannot be made private. A folder of another user is refused
            before anything is changed; a bad journal file is found after its folder was tightened (it stays so).
    """
    if not POSIX_MODES:
        return None
    folder = paths.data_dir
    info = _folder_info(folder)
    if info is None:
        return None  # nothing there yet (init creates it 0700), or not a folder (the open says so)
    changed: list[str] = []
    _refuse_foreign(folder, info, "journal folder")
    _tighten(folder, info, keep=0o700, changed=changed, label="folder", folder=folder)
    journal_files = (p.name for p in (paths.database, paths.wal, paths.shm, paths.keyslots, paths.lock_file))
    _secure_entries(folder, journal_files, changed, label_prefix="", quiet=(paths.lock_file.name,))
    backups = _folder_info(paths.backups)
    if backups is not None:
        _refuse_foreign(paths.backups, backups, "backup folder")
        _tighten(paths.backups, backups, keep=0o700, changed=changed, label="backups", folder=folder)
        _secure_entries(paths.backups, (), changed, label_prefix="backups/")
    if not changed:
        return None
    log.info("journal folder was open to other users; made private (%d item(s))", len(changed))  # not on stderr
    return _notice(folder, changed)


def secure_private_folder(folder: Path, own_files: Iterable[str]) -> list[str]:
    """The same rules for another private folder (the log folder): returns what was tightened.

    Raises:
        UnsafeFolderError: as :func:`secure_journal_folder`, with ``own_files`` as the strictly checked names.
    """
    if not POSIX_MODES:
        return []
    info = _folder_info(folder)
    if info is None:
        return []
    changed: list[str] = []
    _refuse_foreign(folder, info, "folder")
    _tighten(folder, info, keep=0o700, changed=changed, label="folder", folder=folder)
    _secure_entries(folder, own_files, changed, label_prefix="")
    return changed
