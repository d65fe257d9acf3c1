"""Child processes for the write-ahead-log tests (RELIABILITY I5), started from the kill tests' fork server.

A child writes through the journal service, one commit per person, acknowledges over a pipe, and then either
waits to be killed (its log stays hot: nothing checkpoints it) or keeps writing until it is killed.
"""

from __future__ import annotations

import multiprocessing.connection
import threading
from datetime import UTC, datetime
from pathlib import Path

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.database import Database

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def write_then_wait(data_dir: str, key: bytes, people: int, out: multiprocessing.connection.Connection) -> None:
    """Commit ``people`` people one by one, report b"done", then wait for SIGKILL (the log is never checkpointed
    by a close)."""
    db = Database.open(JournalPaths(Path(data_dir)), key)
    service = JournalService(db, FixedClock(NOW))
    for n in range(people):
        service.add_person(Person(display_name=f"Person {n}", notes=f"note {n} " + "x" * 300))
    out.send_bytes(b"done")
    while True:
        threading.Event().wait()


def write_forever(data_dir: str, key: bytes, seed: int, out: multiprocessing.connection.Connection) -> None:
    """Commit people forever (now and then one with a large note, several pages long); acknowledge each."""
    db = Database.open(JournalPaths(Path(data_dir)), key)
    service = JournalService(db, FixedClock(NOW))
    out.send_bytes(b"R")
    n = 0
    while True:
        n += 1
        notes = f"note {seed}-{n} " + ("y" * 20_000 if n % 4 == 0 else "x" * 200)
        service.add_person(Person(display_name=f"Writer {seed}-{n}", notes=notes))
        out.send_bytes(b"A")


def hold_open(data_dir: str, key: bytes, out: multiprocessing.connection.Connection) -> None:
    """Open the journal, read once, report, and keep it open (another program that has the journal open)."""
    db = Database.open(JournalPaths(Path(data_dir)), key)
    JournalService(db, FixedClock(NOW)).stats()
    out.send_bytes(b"open")
    while True:
        threading.Event().wait()
