"""Two writers, a lock held by another program, and the GUI's worker thread (RELIABILITY C4, C5)."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import ConflictError, JournalBusyError
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import driver
from recipro_desktop.storage.database import Database
from tests.conftest import CANARY


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def created(journal_paths: JournalPaths, key: bytes) -> JournalPaths:
    Database.create(journal_paths, key).close()
    return journal_paths


@pytest.fixture
def two(created: JournalPaths, key: bytes) -> Iterator[tuple[JournalService, JournalService]]:
    """Two independent openings of one journal (two windows, or the window and the CLI)."""
    first, second = Database.open(created, key), Database.open(created, key)
    try:
        yield JournalService(first, FixedClock()), JournalService(second, FixedClock())
    finally:
        first.close()
        second.close()


def test_C4_second_of_two_concurrent_edits_is_refused(two: tuple[JournalService, JournalService]) -> None:
    """RELIABILITY C4: both load version 1 and edit; the first save wins; the second raises ConflictError and
    overwrites nothing."""
    a, b = two
    person = a.add_person(Person(display_name="Zoë", notes="original"))
    copy_a, copy_b = a.get_person(person.id), b.get_person(person.id)
    assert copy_a.version == copy_b.version == 1
    saved = a.update_person(dataclasses.replace(copy_a, notes=f"{CANARY} from A"))
    with pytest.raises(ConflictError) as err:
        b.update_person(dataclasses.replace(copy_b, notes="from B"))
    assert CANARY not in str(err.value)
    assert b.get_person(person.id) == saved
    reloaded = b.get_person(person.id)
    assert b.update_person(dataclasses.replace(reloaded, notes="from B, after reload")).version == 3


def test_C4_deleting_an_item_under_an_editor_is_not_found_not_resurrected(
    two: tuple[JournalService, JournalService],
) -> None:
    a, b = two
    person = a.add_person(Person(display_name="Gone soon"))
    stale = b.get_person(person.id)
    a.delete_person(person.id)
    with pytest.raises(LookupError):
        b.update_person(dataclasses.replace(stale, notes="edit"))
    assert a.stats()["people"] == 0


def test_C5_a_write_lock_held_elsewhere_gives_busy_after_the_timeout(
    created: JournalPaths, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RELIABILITY C5: another connection holds ``BEGIN IMMEDIATE``: reads go on (WAL), a write waits the busy
    timeout then raises JournalBusyError; once the lock is released the same write succeeds."""
    monkeypatch.setattr(driver, "BUSY_TIMEOUT_MS", 300)
    db = Database.open(created, key)
    other = driver.connect(created.database, key)
    try:
        service = JournalService(db, FixedClock())
        existing = service.add_person(Person(display_name="Before"))
        other.execute("BEGIN IMMEDIATE")
        assert service.get_person(existing.id) == existing  # readers are not blocked
        edit = Person(display_name="During the lock")
        started = time.monotonic()
        with pytest.raises(JournalBusyError, match="in use by another program"):
            service.add_person(edit)
        waited = time.monotonic() - started
        assert 0.25 <= waited < 5, waited
        other.execute("ROLLBACK")
        assert service.add_person(edit).display_name == "During the lock"  # the retry works
    finally:
        other.close()
        db.close()


def test_a_database_opened_on_one_thread_works_from_a_worker_thread(created: JournalPaths, key: bytes) -> None:
    """The window opens the journal on the GUI thread and runs every query on one background worker."""
    db = Database.open(created, key)
    try:
        service = JournalService(db, FixedClock())
        with ThreadPoolExecutor(max_workers=1) as worker:
            person = worker.submit(service.add_person, Person(display_name="From the worker")).result()
            assert worker.submit(service.get_person, person.id).result() == person
            assert worker.submit(service.list_people).result()[0].id == person.id
        assert service.get_person(person.id) == person  # and back on this thread
    finally:
        db.close()


def test_close_releases_every_connection(created: JournalPaths, key: bytes) -> None:
    """After close nothing holds the file: the WAL is checkpointed away and a restore could replace it."""
    db = Database.open(created, key)
    service = JournalService(db, FixedClock())
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: service.add_person(Person(display_name=f"P{n}")), range(4)))
    db.close()
    assert not created.wal.exists() or created.wal.stat().st_size == 0
    with pytest.raises(Exception, match="closed"):
        service.stats()
