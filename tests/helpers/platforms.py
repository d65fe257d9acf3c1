"""What differs when the suite runs on Windows (CI runs it on Windows Python under Wine: issue 10).

A hard kill is the same fault on both: the process stops at once, no ``finally``, no ``atexit``, no flush.
POSIX does it with SIGKILL; Windows with ``TerminateProcess``, which is what ``os.kill`` (for any signal but
the console ones) and ``Popen.kill``/``Process.kill`` call there. Only the exit status that reports it differs.
"""

from __future__ import annotations

import signal
import sys

import pytest

WINDOWS = sys.platform == "win32"

KILL_SELF = "import os; os.kill(os.getpid(), 9)"
"""Source for a child that kills itself hard (SIGKILL is 9 on POSIX; TerminateProcess with exit code 9 on Windows)."""

SELF_KILLED_EXIT = 9 if WINDOWS else -9
"""``returncode`` of a subprocess that ran :data:`KILL_SELF`."""

PROCESS_KILLED_EXIT = -signal.SIGTERM if WINDOWS else -9
"""``exitcode`` of a ``multiprocessing`` child after ``Process.kill()`` (Windows reports TerminateProcess as -15)."""


def posix_only(reason: str) -> pytest.MarkDecorator:
    """Skip on Windows, saying why the test cannot run there (a skip without a reason is a defect)."""
    return pytest.mark.skipif(WINDOWS, reason=f"POSIX only: {reason}")
