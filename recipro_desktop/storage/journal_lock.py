"""Process locks on a journal folder: who has the journal open, who needs it alone, one import at a time.

SQLite's own locks protect the pages of ``journal.db``, not the file's *identity*. A restore renames the live
file aside and puts a backup in its place; a process that still has the old file open keeps writing into the
renamed inode (``journal.db.before-restore-*``), acknowledging writes the live journal never sees (RELIABILITY
I1). So every opener holds the **journal lock** shared for as long as it has the journal open (the window and
every command, through :mod:`services.access`), and whatever replaces, moves or creates the database file
(restore, the 0-byte move-aside, ``init``) takes it **exclusive without waiting** and refuses with
:class:`JournalInUseError` while anyone else holds it.

The **import lock** serializes imports into one journal (I2): the duplicate check and the write of an import
happen while it is held exclusively, so two imports of the same file at the same moment cannot both find
"nobody there yet". A second import waits for it (bounded), then sees the first one's people.

Both are OS file locks on small 0600 files in the data folder (``journal.lock``, ``import.lock``; never the
database itself): ``flock`` on POSIX, ``LockFileEx``/``UnlockFileEx`` on Windows (``msvcrt.locking`` has no
shared mode). Locks belong to an open file description (a handle on Windows), so two opens in one process are
two holders, and the OS drops a lock when its process dies: a ``kill -9`` never locks anyone out.

When the lock file cannot be created at all (a read-only or full folder that has none yet), the journal still
opens, unguarded, and the log says so: refusing every read there would be worse than the race it guards.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from recipro_desktop.core.errors import JournalInUseError
from recipro_desktop.paths import PRIVATE_FILE_MODE, JournalPaths
from recipro_desktop.storage import fsutil

log = logging.getLogger(__name__)

JOURNAL_LOCK_NAME = "journal.lock"
IMPORT_LOCK_NAME = "import.lock"

OPEN_WAIT_SECONDS = 10.0
"""How long opening the journal waits for a restore or an ``init`` in progress (they take seconds)."""
IMPORT_WAIT_SECONDS = 300.0
"""How long an import waits for another import into the same journal to finish."""
_POLL_SECONDS = 0.05

IN_USE_MESSAGE = (
    "Another Recipro window or command has this journal open; close it (or wait for it to finish) and run this again."
)
BUSY_MESSAGE = (
    "The journal is being restored or created by another Recipro window or command right now; "
    "try again when it has finished."
)


def journal_lock_path(paths: JournalPaths) -> Path:
    return paths.data_dir / JOURNAL_LOCK_NAME


def import_lock_path(paths: JournalPaths) -> Path:
    return paths.data_dir / IMPORT_LOCK_NAME


if sys.platform == "win32":  # pragma: no cover - exercised by the Windows (Wine) test run
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2
    _ERROR_LOCK_VIOLATION = 33
    _ERROR_IO_PENDING = 997

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _LockFileEx = _kernel32.LockFileEx
    _LockFileEx.argtypes = [
        wintypes.HANDLE,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    ]
    _LockFileEx.restype = wintypes.BOOL
    _UnlockFileEx = _kernel32.UnlockFileEx
    _UnlockFileEx.argtypes = [
        wintypes.HANDLE,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.DWORD,
        ctypes.POINTER(_Overlapped),
    ]
    _UnlockFileEx.restype = wintypes.BOOL

    def _os_lock(fd: int, exclusive: bool) -> bool:
        """Lock the file's first byte (a range past the end is allowed): shared or exclusive, never waiting."""
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        overlapped = _Overlapped()
        handle = msvcrt.get_osfhandle(fd)
        if _LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(overlapped)):
            return True
        error = ctypes.get_last_error()
        if error in (_ERROR_LOCK_VIOLATION, _ERROR_IO_PENDING):
            return False
        raise ctypes.WinError(error)

    def _os_unlock(fd: int) -> None:
        overlapped = _Overlapped()
        _UnlockFileEx(msvcrt.get_osfhandle(fd), 0, 1, 0, ctypes.byref(overlapped))

else:
    import fcntl

    def _os_lock(fd: int, exclusive: bool) -> bool:
        """``flock`` shared or exclusive, never waiting; False when another holder is in the way."""
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock_file(path: Path) -> int | None:
    """Open (creating it 0600) the lock file; None when the folder allows neither (logged, see module doc)."""
    if not path.parent.is_dir():  # no journal folder: nothing to guard (the caller reports the missing journal)
        return None
    flags = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOINHERIT", 0)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, PRIVATE_FILE_MODE)
    except OSError as exc:
        try:  # an existing lock file on a read-only folder still locks through a read-only descriptor
            fd = os.open(path, os.O_RDONLY | flags)
        except OSError:
            log.warning("journal lock file unavailable (%s): running without it", exc.strerror or type(exc).__name__)
            return None
    if fsutil.POSIX_MODES:
        with contextlib.suppress(OSError):  # a read-only descriptor or folder: the data folder is 0700 anyway
            if fsutil.file_mode(path) != PRIVATE_FILE_MODE:
                fsutil.set_private_mode(fd, PRIVATE_FILE_MODE)
    return fd


class FileLock:
    """One holder of one lock file: :meth:`acquire` shared or exclusive, :meth:`release` (idempotent).

    ``held`` is False for an unguarded lock (the file could not be made); every call is then a no-op.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.exclusive = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, exclusive: bool, wait: float = 0.0) -> bool:
        """Take the lock, polling for up to ``wait`` seconds; False when another holder kept it that long.

        An unguarded lock (no file could be made) counts as taken.
        """
        if self._fd is not None:
            raise RuntimeError("lock already held")
        fd = _open_lock_file(self.path)
        if fd is None:
            return True
        deadline = time.monotonic() + wait
        try:
            while not _os_lock(fd, exclusive):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(_POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self.exclusive = exclusive
        return True

    def downgrade(self) -> None:
        """Exclusive → shared, keeping the file open (not atomic: an exclusive taker may slip in between, in
        which case the lock is given up and :class:`JournalInUseError` raised)."""
        fd = self._fd
        if fd is None or not self.exclusive:
            return
        _os_unlock(fd)
        if not _os_lock(fd, False):
            self.release()
            raise JournalInUseError(BUSY_MESSAGE)
        self.exclusive = False

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _os_unlock(fd)
        except OSError:  # closing drops it anyway
            pass
        finally:
            os.close(fd)


def hold_open(paths: JournalPaths, *, wait: float = OPEN_WAIT_SECONDS) -> FileLock:
    """Take the journal lock shared, for as long as the caller has the journal open (release on close).

    Raises:
        JournalInUseError: a restore or an ``init`` held it exclusively for ``wait`` seconds.
    """
    lock = FileLock(journal_lock_path(paths))
    if not lock.acquire(exclusive=False, wait=wait):
        raise JournalInUseError(BUSY_MESSAGE)
    return lock


def take_alone(paths: JournalPaths) -> FileLock:
    """Take the journal lock exclusively, at once, to replace, move or create the database file.

    Raises:
        JournalInUseError: someone else has the journal open (the window, another command) or is restoring it.
    """
    lock = FileLock(journal_lock_path(paths))
    if not lock.acquire(exclusive=True):
        log.info("journal in use elsewhere: exclusive access refused")
        raise JournalInUseError(IN_USE_MESSAGE)
    return lock


@contextlib.contextmanager
def alone(paths: JournalPaths) -> Iterator[FileLock]:
    """``with alone(paths):`` around code that replaces or moves the database file (see :func:`take_alone`)."""
    lock = take_alone(paths)
    try:
        yield lock
    finally:
        lock.release()


@contextlib.contextmanager
def importing(paths: JournalPaths, *, wait: float = IMPORT_WAIT_SECONDS) -> Iterator[None]:
    """Hold the import lock exclusively: the duplicate check and the write of one import, nothing else between.

    Raises:
        JournalInUseError: another import into this journal still ran after ``wait`` seconds.
    """
    lock = FileLock(import_lock_path(paths))
    if not lock.acquire(exclusive=True, wait=wait):
        raise JournalInUseError(
            f"Another import into this journal is still running after {wait:.0f} s; try again when it has finished."
        )
    try:
        yield
    finally:
        lock.release()
