"""No core dumps: a crash must not write the open journal to disk in clear (RELIABILITY I14).

While the journal is open, the process holds its data key and whatever was read (note text, contacts' names) in
memory, unencrypted: that is unavoidable. A crash with core dumps enabled (``ulimit -c unlimited``, or a
distribution that collects them) copies all of that memory into a ``core`` file, or a crash collector's store,
outside the encrypted journal. So, as KeePassXC does (``Bootstrap::disableCoreDumps``), the very first
thing every entry point does, long before a key is unwrapped, is :func:`disable_core_dumps`:

- POSIX (Linux, macOS, the BSDs): ``RLIMIT_CORE`` 0, soft *and* hard, so nothing later in the process can raise
  it again. Child processes inherit it (a file manager opened from the app will not dump core either).
- Linux: ``prctl(PR_SET_DUMPABLE, 0)`` too. The kernel ignores ``RLIMIT_CORE`` when ``core_pattern`` pipes dumps
  to a collector (systemd-coredump and apport then decide by themselves); a process that is not dumpable is not
  dumped at all (with ``fs.suid_dumpable`` 0, the default). It also stops other processes of the same user from
  attaching a debugger (ptrace) or reading ``/proc/<pid>/mem`` and ``environ``: wanted. Side effects, none of
  which Recipro relies on: ``/proc/self/*`` entries belong to root for as long as the process runs (its
  ``mountinfo``, world-readable, stays readable), and another process of the user cannot read this one's
  executable name (a second Recipro's ``QLockFile`` then judges the lock by the process id alone).
- Windows writes no core files. Windows Error Reporting keeps a dump only where an administrator configured
  ``LocalDumps`` or a debugger; ``WerAddExcludedApplication`` (a per-user registry entry that outlives the
  process) and ``SetErrorMode`` (which only hides the crash dialog) were considered and not added: neither can be
  checked without a real Windows (the suite runs there under Wine, which has no WER), so nothing is done there.
  KeePassXC's other two steps, a process DACL on Windows and ``ptrace(PT_DENY_ATTACH)`` on macOS, keep debuggers
  out rather than core files, and are left out for the same reason: no way to test them here.

Kept free of heavy imports: it runs before anything else, on the way to the window's first paint.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

PR_SET_DUMPABLE = 4  # <linux/prctl.h>
PR_GET_DUMPABLE = 3


@dataclass(frozen=True, slots=True)
class CoreDumps:
    """What :func:`disable_core_dumps` managed to turn off (None: the platform has no such switch)."""

    limit_zero: bool | None
    not_dumpable: bool | None


def _zero_core_limit() -> bool | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # lowering a limit is always allowed
    except (ValueError, OSError):
        return False
    return resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)


def _not_dumpable() -> bool | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return False
    prctl.restype = ctypes.c_int
    ulong = ctypes.c_ulong
    if prctl(PR_SET_DUMPABLE, ulong(0), ulong(0), ulong(0), ulong(0)) != 0:
        return False
    return bool(prctl(PR_GET_DUMPABLE, ulong(0), ulong(0), ulong(0), ulong(0)) == 0)


def disable_core_dumps() -> CoreDumps:
    """Turn core dumps off for this process (and keep them off); safe to call more than once, never raises."""
    return CoreDumps(limit_zero=_zero_core_limit(), not_dumpable=_not_dumpable())
