"""What differs when the suite runs on Windows (CI runs it on Windows Python under Wine: issue 10).

A hard kill is the same fault on both: the process stops at once, no ``finally``, no ``atexit``, no flush.
POSIX does it with SIGKILL; Windows with ``TerminateProcess``, which is what ``os.kill`` (for any signal but
the console ones) and ``Popen.kill``/``Process.kill`` call there. Only the exit status that reports it differs.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

import pytest

WINDOWS = sys.platform == "win32"

KILL_SELF = "import os; os.kill(os.getpid(), 9)"
"""Source for a child that kills itself hard (SIGKILL is 9 on POSIX; TerminateProcess with exit code 9 on Windows)."""

SELF_KILLED_EXIT = 9 if WINDOWS else -9
"""``returncode`` of a subprocess that ran :data:`KILL_SELF`."""

PROCESS_KILLED_EXIT = -signal.SIGTERM if WINDOWS else -9
"""``exitcode`` of a ``multiprocessing`` child after ``Process.kill()`` (Windows reports TerminateProcess as -15)."""


NO_FILE_SIZE_LIMIT = (
    "RLIMIT_FSIZE (with SIGXFSZ ignored, a write fails with EFBIG) is a POSIX per-process limit; Windows has none, "
    "so this row's Windows run fills a small volume for real instead (RECIPRO_TEST_SMALL_VOLUME)"
)
"""The skip reason of the tests that make a write fail with a per-process file-size limit."""


def posix_only(reason: str) -> pytest.MarkDecorator:
    """Skip on Windows, saying why the test cannot run there (a skip without a reason is a defect)."""
    return pytest.mark.skipif(WINDOWS, reason=f"POSIX only: {reason}")


# --- Private files and folders (RELIABILITY A14, B14, F5, G1) ---------------------------------------------------------
#
# POSIX keeps the journal private with modes: files 0600, folders 0700. Windows has no such modes (st_mode reads 0o666
# or 0o777 whatever was asked); a file there takes its ACL from the folder it is created in, and the journal's
# privacy comes from the user's profile folder, whose ACL lets in only the user, SYSTEM and the Administrators
# (fsutil.POSIX_MODES). So on Windows "private" is checked as: inside the profile (the product's own
# fsutil.private_location_problem), on a local fixed drive (a network share has its own rules), and not hard-linked
# from another folder (one more name outside the profile would carry the same bytes there).

DRIVE_FIXED = 3
"""``GetDriveTypeW`` for a local fixed disk (DRIVE_REMOTE is 4, DRIVE_REMOVABLE 2)."""


def _assert_private_location_windows(path: Path, folder: Path) -> None:
    from recipro_desktop.storage import fsutil

    problem = fsutil.private_location_problem(folder)
    assert problem is None, f"{path}: {problem} (USERPROFILE={os.environ.get('USERPROFILE')!r})"
    resolved = str(path.resolve())
    assert not resolved.startswith("\\\\"), f"{path} resolves to a network or device path {resolved!r}"
    import ctypes

    anchor = Path(resolved).anchor
    kind = ctypes.windll.kernel32.GetDriveTypeW(anchor)  # type: ignore[attr-defined,unused-ignore]
    assert kind == DRIVE_FIXED, f"{path} is on drive {anchor!r} of type {kind}, not a local fixed disk"


def assert_private_file(path: Path) -> None:
    """``path`` is a file only its owner can read: mode 0600 on POSIX; inside the profile, locally, on Windows."""
    info = path.stat()
    assert stat.S_ISREG(info.st_mode), f"{path} is not a regular file"
    if not WINDOWS:
        assert stat.S_IMODE(info.st_mode) == 0o600, f"{path}: mode {oct(stat.S_IMODE(info.st_mode))}, not 0o600"
        return
    # One name at most (Wine reports 0 for SQLite's memory-mapped -shm file): a second name, a hard link, could
    # sit outside the profile.
    assert info.st_nlink <= 1, f"{path} has {info.st_nlink} names (a hard link may sit outside the profile)"
    _assert_private_location_windows(path, path.parent)


def assert_private_dir(path: Path) -> None:
    """``path`` is a folder only its owner can enter: mode 0700 on POSIX; inside the profile, locally, on Windows."""
    info = path.stat()
    assert stat.S_ISDIR(info.st_mode), f"{path} is not a folder"
    if not WINDOWS:
        assert stat.S_IMODE(info.st_mode) == 0o700, f"{path}: mode {oct(stat.S_IMODE(info.st_mode))}, not 0o700"
        return
    _assert_private_location_windows(path, path)


def assert_private(path: Path) -> None:
    """:func:`assert_private_dir` or :func:`assert_private_file`, whichever ``path`` is."""
    if path.is_dir():
        assert_private_dir(path)
    else:
        assert_private_file(path)
