"""Child processes for the kill -9 tests (RELIABILITY A1, D2), forked from a preloaded fork server.

Starting a fresh interpreter that imports the app costs seconds; fifty of them would not fit the test
budget. A ``forkserver`` imports the app once and forks each child from it in milliseconds. A child talks to
the parent over a one-way pipe with synchronous ``send_bytes`` from its main thread, so a message the parent
has received was sent *after* the work it acknowledges was committed.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import JournalError
from recipro_desktop.core.models import Act, ActKind, Direction, Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.database import Database

CANARY_NOTE = "CANARY-7f3a9c1e-notes"


@functools.cache
def context() -> Any:
    """The fork-server multiprocessing context, with the app (and the parent's main script) preloaded."""
    if sys.platform == "win32":
        # No fork on Windows: every child is a new interpreter that imports the app (seconds under Wine),
        # so the Windows runs make fewer trials (CRASH_TRIALS); what is killed, and how hard, is the same.
        return multiprocessing.get_context("spawn")
    main_path = getattr(sys.modules["__main__"], "__file__", None)
    if main_path:
        os.environ["RECIPRO_FORKSERVER_MAIN"] = os.path.abspath(main_path)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.storage._crash_worker", "tests.storage._forkserver_setup"])
    return ctx


# --- A1: write loop --------------------------------------------------------------------------------------


def write_loop(data_dir: str, key: bytes, seed: int, out: multiprocessing.connection.Connection) -> None:
    """Add people (with an act linking them) and update their notes forever; acknowledge each commit.

    Messages: ``b"A" + id`` after a person and its act were committed, ``b"U" + id + version`` after an update.
    """
    db = Database.open(JournalPaths(Path(data_dir)), key)
    service = JournalService(db, FixedClock(datetime(2026, 1, 15, 9, 0, tzinfo=UTC)))
    out.send_bytes(b"R")  # ready: the journal opened (after the previous child's crash)
    n = 0
    last: Person | None = None
    while True:
        n += 1
        if last is None or n % 3:
            person = service.add_person(
                Person(display_name=f"Crash {seed}-{n}", tags=("crash", f"s{seed}"), notes=f"{CANARY_NOTE} {n}")
            )
            service.add_act(
                Act(
                    occurred_on=date(2026, 1, 1),
                    direction=Direction.GIVEN,
                    kind=ActKind.FAVOR,
                    summary=f"act {n}",
                    people=(person.id,),
                )
            )
            out.send_bytes(b"A" + person.id.bytes)
            last = person
        else:
            last = service.update_person(dataclasses.replace(last, notes=f"{CANARY_NOTE} updated {n} " + "x" * 2000))
            out.send_bytes(b"U" + last.id.bytes + last.version.to_bytes(4, "big"))


def decode_ack(message: bytes) -> tuple[str, UUID, int]:
    kind = message[:1].decode()
    uid = UUID(bytes=message[1:17])
    version = int.from_bytes(message[17:21], "big") if kind == "U" else 1
    return kind, uid, version


# --- D2: migration with hooks ----------------------------------------------------------------------------

_hook: dict[str, Any] = {"pipe": None, "kill_at": None}


def hook(index: int) -> None:
    """Called by the D2 test revision between its operations: at the chosen index, report and wait to die."""
    if _hook["pipe"] is not None and index == _hook["kill_at"]:
        _hook["pipe"].send_bytes(f"hook {index}".encode())
        while True:
            threading.Event().wait()  # the parent kills us here, in the middle of the migration transaction


def migrate(
    data_dir: str, key: bytes, extra: str, kill_at: int | None, out: multiprocessing.connection.Connection
) -> None:
    """Open the journal with the D2 revision available (so it migrates), stopping at hook ``kill_at``."""
    _hook.update(pipe=out, kill_at=kill_at)
    db = Database.open(JournalPaths(Path(data_dir)), key, extra_version_locations=[Path(extra)])
    db.close()
    out.send_bytes(b"done")


# --- A3: a file-size limit -------------------------------------------------------------------------------

BIG_NOTE = f"{CANARY_NOTE} " + "a long note that will not fit " * 3000


def fill_under_file_size_limit(data_dir: str, key: bytes, out: multiprocessing.connection.Connection) -> None:
    """Ignore SIGXFSZ, cap every file this process writes at 64 KiB (RLIMIT_FSIZE), then save big notes."""
    import resource  # POSIX only: Windows has no file-size limit (the disk-full tests say so when they skip)

    db = Database.open(JournalPaths(Path(data_dir)), key)
    service = JournalService(db, FixedClock(datetime(2026, 1, 15, 9, 0, tzinfo=UTC)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
    try:
        service.add_many(people=[Person(display_name=f"Big {n}", notes=BIG_NOTE) for n in range(20)])
        out.send_bytes(b"saved")
    except JournalError as exc:
        out.send_bytes(f"{type(exc).__name__}: {exc}".encode())
    except BaseException as exc:  # anything else is a failure of the code under test
        out.send_bytes(f"UNEXPECTED {type(exc).__name__}".encode())
    finally:
        db.close()
