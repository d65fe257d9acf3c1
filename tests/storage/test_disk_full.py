"""Storage faults met while the journal is open: disk full (A3), a damaged page (A8), an I/O error (A11).

Each fault is real: SQLite's own page limit, a process file-size limit, bytes overwritten on disk, a driver
connection whose commit fails the way a vanished volume makes it fail. The tests check what is stored
afterwards and what the caller is told.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import (
    DamagedJournalError,
    StorageFullError,
    StorageUnavailableError,
)
from recipro_desktop.core.models import Act, ActKind, Direction, Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import driver
from recipro_desktop.storage.database import Database
from tests.conftest import CANARY
from tests.helpers.platforms import posix_only
from tests.storage import _crash_worker

BIG_NOTE = f"{CANARY} " + "a long note that will not fit " * 3000  # ~90,000 characters
SMALL_VOLUME_ENV = "RECIPRO_TEST_SMALL_VOLUME"


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def db(journal_paths: JournalPaths, key: bytes) -> Iterator[Database]:
    database = Database.create(journal_paths, key)
    yield database
    database.close()


def _limit_pages_on_checkout(db: Database, extra_pages: int | None) -> Any:
    """Every connection handed out gets ``max_page_count = page_count + extra`` (None: no limit)."""

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if extra_pages is None:
            dbapi_connection.execute("PRAGMA max_page_count = 4294967294")
        else:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    event.listen(db.engine, "checkout", on_checkout)
    return on_checkout


def test_A3_disk_full_rolls_back_keeps_earlier_data_and_retry_works(db: Database) -> None:
    """RELIABILITY A3: ``max_page_count = page_count + 2`` then a large note: StorageFullError, nothing of the
    transaction stored (not the person, not its index rows), earlier data intact; after space frees, the
    same edit (still in the caller's hands) saves."""
    service = JournalService(db, FixedClock())
    earlier = service.add_person(Person(display_name="Earlier", notes=f"{CANARY} kept"))
    before = service.stats()
    listener = _limit_pages_on_checkout(db, 2)
    edit = Person(display_name="Big", notes=BIG_NOTE)
    with pytest.raises(StorageFullError) as err:
        service.add_person(edit)
    assert "nothing was saved" in str(err.value)
    assert CANARY not in str(err.value)
    event.remove(db.engine, "checkout", listener)
    _limit_pages_on_checkout(db, None)  # space frees up
    assert service.stats() == before
    assert service.get_person(earlier.id) == earlier
    assert service.search("long note") == []  # no index row survived the rollback
    stored = service.add_person(edit)  # retry of the same edit
    assert stored.notes == BIG_NOTE
    with db.raw_connection() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_A3_disk_full_during_a_bulk_load_stores_nothing(db: Database) -> None:
    service = JournalService(db, FixedClock())
    _limit_pages_on_checkout(db, 20)
    people = [Person(display_name=f"P{n}", notes=BIG_NOTE) for n in range(30)]
    with pytest.raises(StorageFullError):
        service.add_many(people=people)
    assert service.stats()["people"] == 0


@pytest.mark.skipif(
    not os.environ.get(SMALL_VOLUME_ENV),
    reason=f"needs a small empty volume to fill, named by ${SMALL_VOLUME_ENV} "
    "(.ci/run and packaging/windows/test-under-wine.sh mount a 4 MB tmpfs for it)",
)
def test_A3_a_volume_that_really_runs_out_of_space(key: bytes) -> None:
    """RELIABILITY A3 on a real full volume (ENOSPC on Linux; ERROR_DISK_FULL through Windows' API under Wine):
    the write that does not fit is refused with "the disk is full", none of it is stored, what was there stays,
    and once space is freed the same write succeeds. Also the one A3 variant that runs on Windows, which has no
    per-process file-size limit."""
    volume = Path(os.environ[SMALL_VOLUME_ENV])
    run = uuid.uuid4().hex
    paths = JournalPaths(volume / f"journal-{run}")
    ballast = volume / f"ballast-{run}"
    db = Database.create(paths, key)
    try:
        service = JournalService(db, FixedClock())
        earlier = service.add_person(Person(display_name="Earlier"))
        with ballast.open("wb") as stream:  # fill the volume, leaving less room than the write needs
            stream.write(b"\0" * max(0, shutil.disk_usage(volume).free - 256 * 1024))
        big = [Person(display_name=f"Big {n}", notes=BIG_NOTE) for n in range(10)]  # ~0.9 MB in one transaction
        with pytest.raises(StorageFullError, match="The disk is full: nothing was saved"):
            service.add_many(people=big)
        assert service.stats()["people"] == 1
        assert service.get_person(earlier.id) == earlier
        ballast.unlink()
        service.add_many(people=big)
        assert service.stats()["people"] == 11
    finally:
        db.close()
        ballast.unlink(missing_ok=True)
        shutil.rmtree(paths.data_dir, ignore_errors=True)


@posix_only("RLIMIT_FSIZE is a POSIX per-process limit; Windows has none (its A3 run is the full volume above)")
def test_A3_file_size_limit_in_a_child_process(journal_paths: JournalPaths, key: bytes) -> None:
    """RELIABILITY A3, second variant: RLIMIT_FSIZE (EFBIG on write, which SQLite reports as a bare I/O error)
    in a child; it is told the disk is full and nothing was saved, the journal is intact for the next process,
    and the write then succeeds."""
    db = Database.create(journal_paths, key)
    service = JournalService(db, FixedClock())
    earlier = service.add_person(Person(display_name="Earlier"))
    db.close()
    ctx = _crash_worker.context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_crash_worker.fill_under_file_size_limit, args=(str(journal_paths.data_dir), key, sender)
    )
    child.start()
    sender.close()
    try:
        assert receiver.poll(60)
        outcome = receiver.recv_bytes().decode()
    finally:
        receiver.close()
        child.join(60)
        child.close()
    assert outcome.startswith("StorageFullError: The disk is full: nothing was saved"), outcome
    assert CANARY not in outcome
    db = Database.open(journal_paths, key)
    try:
        service = JournalService(db, FixedClock())
        assert service.stats()["people"] == 1
        assert service.get_person(earlier.id) == earlier
        service.add_many(people=[Person(display_name="Big", notes=BIG_NOTE)])
        assert service.stats()["people"] == 2
    finally:
        db.close()


def _corrupt_page_of(path: Path, table: str, key: bytes) -> None:
    """Overwrite 16 bytes inside the root page of ``table`` (SQLCipher's page HMAC then fails)."""
    conn = driver.connect(path, key, quick_check=False)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    with path.open("r+b") as fh:  # a test-only write to a database nobody has open at this instant
        fh.seek((root - 1) * page_size + page_size // 2)
        fh.write(os.urandom(16))


def _journal_with_an_act(paths: JournalPaths, key: bytes) -> tuple[Database, JournalService, Act]:
    db = Database.create(paths, key)
    service = JournalService(db, FixedClock())
    person = service.add_person(Person(display_name="P"))
    act = service.add_act(
        Act(
            occurred_on=date(2026, 1, 1),
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            summary=f"{CANARY} act",
            people=(person.id,),
        )
    )
    return db, service, act


def test_A8_a_damaged_page_met_in_a_session_closes_the_journal(journal_paths: JournalPaths, key: bytes) -> None:
    """RELIABILITY A8: a page of a non-first table goes bad while the journal is open; the query that meets it
    raises DamagedJournalError (no crash, no note text); the journal closes and refuses writes after that."""
    db, service, act = _journal_with_an_act(journal_paths, key)
    db.engine.dispose()  # connections re-read pages from disk from here on
    _corrupt_page_of(journal_paths.database, "acts", key)
    damaged_bytes = journal_paths.database.read_bytes()
    with pytest.raises(DamagedJournalError) as err:
        service.get_act(act.id)
    assert CANARY not in str(err.value)
    assert db.damaged and db.closed
    with pytest.raises(DamagedJournalError):
        service.add_person(Person(display_name="not written"))  # writes stop
    with pytest.raises(DamagedJournalError):
        service.timeline()
    db.close()
    assert journal_paths.database.read_bytes() == damaged_bytes  # nothing wrote to the damaged file


def test_A8_a_damaged_copy_is_refused_at_open(journal_paths: JournalPaths, key: bytes) -> None:
    db, _, _ = _journal_with_an_act(journal_paths, key)
    db.close()
    _corrupt_page_of(journal_paths.database, "acts", key)
    with pytest.raises(DamagedJournalError):
        Database.open(journal_paths, key)


class _FailingCommit:
    """A driver connection whose ``commit`` fails like a vanished volume (``disk I/O error``) when armed."""

    def __init__(self, conn: Any, state: dict[str, int]) -> None:
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_state", state)

    def commit(self) -> None:
        if self._state["armed"]:
            self._state["commits"] += 1
            raise driver.dbapi().OperationalError("disk I/O error")
        self._conn.commit()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._conn, name, value)


def test_A11_io_error_at_commit_is_reported_once_without_retry(
    journal_paths: JournalPaths, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RELIABILITY A11: the commit raises ``disk I/O error``: StorageUnavailableError, a single commit attempt
    (no retry loop), nothing stored; the app can go on (or quit) afterwards."""
    state = {"armed": 0, "commits": 0}
    real_connect = driver.connect
    monkeypatch.setattr(driver, "connect", lambda *a, **kw: _FailingCommit(real_connect(*a, **kw), state))
    db = Database.create(journal_paths, key)
    try:
        service = JournalService(db, FixedClock())
        service.add_person(Person(display_name="Before"))
        state["armed"] = 1
        started = time.monotonic()
        with pytest.raises(StorageUnavailableError):
            service.add_person(Person(display_name="Lost", notes=CANARY))
        assert time.monotonic() - started < 5
        assert state["commits"] == 1
        state["armed"] = 0
        assert [p.display_name for p in service.list_people()] == ["Before"]
    finally:
        db.close()
