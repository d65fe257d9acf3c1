"""RELIABILITY I5: a damaged hot write-ahead log is found before SQLite replays it, and the log is kept small.

Every log here is made for real: a child process writes through the journal service and is killed with SIGKILL
before anything checkpoints its log (the log is "hot"), then bytes are flipped or cut on disk. SQLite itself,
given such a log, stops replaying at the first bad frame and silently drops every commit after it; the tests
show that first, then that the journal refuses to open (files copied aside, nothing repaired), and that the
normal leftovers of a crash (a torn last write, frames of an older generation after a checkpoint) are not
called damage.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop import cli
from recipro_desktop.core.errors import DamagedJournalError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.storage import driver, wal
from recipro_desktop.storage.database import Database
from tests.helpers.platforms import PROCESS_KILLED_EXIT, WINDOWS
from tests.storage import _crash_worker, _wal_worker

PASSPHRASE = "quiet-harbour-lantern-42"
DAMAGE = r"write-ahead log journal\.db-wal is damaged at frame \d+: \d+ saved change\(s\) after it cannot be read"
KILL_TRIALS = 8 if WINDOWS else 40


def _start(target: Any, *args: Any) -> tuple[Any, Any]:
    ctx = _crash_worker.context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=target, args=(*args, sender))
    child.start()
    sender.close()
    return child, receiver


def _kill(child: Any, receiver: Any) -> None:
    child.kill()
    child.join(60)
    assert child.exitcode == PROCESS_KILLED_EXIT
    receiver.close()
    child.close()


def _hot_log(paths: JournalPaths, key: bytes, people: int) -> None:
    """A child commits ``people`` people, then is killed: its log is left as it was, never checkpointed."""
    child, receiver = _start(_wal_worker.write_then_wait, str(paths.data_dir), key, people)
    try:
        assert receiver.poll(120), "the writer did not finish"
        assert receiver.recv_bytes() == b"done"
    finally:
        _kill(child, receiver)
    assert paths.wal.stat().st_size > 0


def _flip(path: Path, frame: int, page_offset: int = 100) -> None:
    """Flip one bit in the page of ``frame`` (0-based) of the log ``path``."""
    data = bytearray(path.read_bytes())
    page_size = struct.unpack_from(">I", data, 8)[0]
    data[wal.HEADER_BYTES + frame * (wal.FRAME_HEADER_BYTES + page_size) + wal.FRAME_HEADER_BYTES + page_offset] ^= 1
    path.write_bytes(bytes(data))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _people_seen_by_sqlite(folder: Path, key: bytes) -> int:
    """How many people plain SQLite (SQLCipher) sees in ``folder``'s journal: what Recipro did before I5."""
    conn = driver.connect(folder / "journal.db", key)
    try:
        return int(conn.execute("SELECT count(*) FROM people").fetchone()[0])
    finally:
        conn.close()


def test_I5_a_flipped_byte_in_a_hot_log_is_refused_at_open_and_kept_aside(journal_paths: JournalPaths) -> None:
    """I5: one flipped bit in a middle frame of a hot log; SQLite alone drops the commits after it without a
    word (and its quick check passes). The journal refuses to open with the damage message, copies the
    journal and its log aside as they are, and changes nothing; a second attempt reuses that copy."""
    key = os.urandom(32)
    Database.create(journal_paths, key).close()
    _hot_log(journal_paths, key, people=40)
    clean = wal.scan(journal_paths.wal, journal_paths.database)
    assert clean is not None and clean.bad_frame is None and clean.frames > 100  # verified without the key
    _flip(journal_paths.wal, clean.frames // 3)

    plain = journal_paths.data_dir.parent / "what-sqlite-sees"
    shutil.copytree(journal_paths.data_dir, plain)
    assert _people_seen_by_sqlite(plain, key) < 40  # the fault: commits silently gone, nothing said

    before = {p.name: _digest(p) for p in (journal_paths.database, journal_paths.wal)}
    for _attempt in range(2):
        with pytest.raises(DamagedJournalError, match=DAMAGE):
            Database.open(journal_paths, key)
    assert {p.name: _digest(p) for p in (journal_paths.database, journal_paths.wal)} == before
    kept = sorted(p.name for p in journal_paths.data_dir.glob("journal.db.damaged-*"))
    assert len(kept) == 2 and kept[1] == kept[0] + "-wal", kept
    copy = journal_paths.data_dir / kept[0]
    assert _digest(copy) == before["journal.db"]
    assert _digest(copy.with_name(kept[1])) == before["journal.db-wal"]
    report = wal.scan(journal_paths.wal, journal_paths.database)
    assert report is not None and report.damaged and report.lost_commits >= 10


def test_I5_recipro_check_and_stats_report_a_damaged_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """I5 from the command line: ``recipro check`` (and any other command) exits 13 with the damage sentence on
    one line, and the journal's files are unchanged."""
    paths = JournalPaths(tmp_path / "journal")
    created = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False)
    key = created.journal.key
    created.journal.close()
    _hot_log(paths, key, people=30)
    report = wal.scan(paths.wal, paths.database)
    assert report is not None
    _flip(paths.wal, report.frames // 2)
    before = _digest(paths.wal)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    for command in ("check", "stats"):
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        code = cli.main(["--data-dir", str(paths.data_dir), command], stdin=io.StringIO(), stdout=out)
        assert code == 13, (command, err.getvalue())
        message = [line for line in err.getvalue().splitlines() if line.startswith("recipro: The journal's")]
        assert len(message) == 1 and "journal.db.damaged-" in message[0], err.getvalue()
    assert _digest(paths.wal) == before


@pytest.mark.slow
def test_I5_kill9_mid_write_and_torn_tails_are_never_called_damage(journal_paths: JournalPaths) -> None:
    """I5 false alarms: writers killed at random moments (inside a frame, a transaction or a commit), each
    next writer opening the log the last one left; then the last frames of a hot log cut at every kind of
    place a crash can cut them. None of it is damage: every open succeeds and keeps every acknowledged commit."""
    key = os.urandom(32)
    Database.create(journal_paths, key).close()
    rng = random.Random(20261207)
    acknowledged = 0
    torn = 0
    for run in range(KILL_TRIALS):
        child, receiver = _start(_wal_worker.write_forever, str(journal_paths.data_dir), key, run)
        try:
            assert receiver.poll(60), "the writer did not open the journal (a false alarm in its open?)"
            assert receiver.recv_bytes() == b"R"
            for _ in range(rng.randrange(0, 6)):
                assert receiver.poll(60)
                receiver.recv_bytes()
                acknowledged += 1
            if receiver.poll(rng.uniform(0.0, 0.01)):
                receiver.recv_bytes()
                acknowledged += 1
            child.kill()
            child.join(60)
            while True:  # the acknowledgements still in the pipe (Windows: a dead writer's pipe is "broken")
                try:
                    if not receiver.poll():
                        break
                    receiver.recv_bytes()
                except (EOFError, BrokenPipeError):
                    break
                acknowledged += 1
        finally:
            if child.is_alive():
                child.kill()
                child.join()
            receiver.close()
            child.close()
        report = wal.scan(journal_paths.wal, journal_paths.database)
        assert report is None or not report.damaged, (run, report)
        torn += report is not None and report.bad_frame is not None
    print(f"{KILL_TRIALS} kills, {torn} left a bad frame after the valid ones")
    assert torn > 0 or WINDOWS  # the torn tails were really met (Linux: about half the kills)

    report = wal.scan(journal_paths.wal, journal_paths.database)
    assert report is not None and report.replayed_frames > 3
    page_size = struct.unpack_from(">I", journal_paths.wal.read_bytes(), 8)[0]
    frame = wal.FRAME_HEADER_BYTES + page_size
    end = wal.HEADER_BYTES + report.replayed_frames * frame
    cuts = [end - 1, end - frame + 10, end - frame + wal.FRAME_HEADER_BYTES + 7, end - 2 * frame - 3]
    for n, cut in enumerate(cuts):
        copy = journal_paths.data_dir.parent / f"cut-{n}"
        shutil.copytree(journal_paths.data_dir, copy)
        with (copy / "journal.db-wal").open("r+b") as log:
            log.truncate(cut)
        torn_report = wal.scan(copy / "journal.db-wal", copy / "journal.db")
        assert torn_report is not None and not torn_report.damaged, (cut, torn_report)
        Database.open(JournalPaths(copy), key).close()

    db = Database.open(journal_paths, key)
    try:
        with db.raw_connection() as conn:
            assert conn.execute("SELECT count(*) FROM people").fetchone()[0] >= acknowledged
    finally:
        db.close()


@pytest.mark.slow
def test_I5_a_long_log_with_checkpoints_and_older_frames_is_not_damage(journal_paths: JournalPaths) -> None:
    """I5 false alarms: hundreds of commits, so SQLite checkpointed and restarted the log several times and
    frames of an older generation lie after the current ones; killed before the last checkpoint. Not damage,
    and everything is there."""
    key = os.urandom(32)
    Database.create(journal_paths, key).close()
    _hot_log(journal_paths, key, people=300)
    report = wal.scan(journal_paths.wal, journal_paths.database)
    assert report is not None and not report.damaged
    assert report.frames > report.replayed_frames > 0  # older frames after the valid ones
    db = Database.open(journal_paths, key)
    try:
        with db.raw_connection() as conn:
            assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 300
    finally:
        db.close()


def test_I5_close_empties_the_log_while_another_program_has_the_journal_open(journal_paths: JournalPaths) -> None:
    """I5, a small hot log: SQLite checkpoints only when the *last* connection closes, so with another program
    holding the journal (the window, a second command) the log kept growing. Now close checkpoints it and the
    log is cut to 0 bytes; so does :meth:`Database.checkpoint` (the window's idle checkpoint)."""
    key = os.urandom(32)
    Database.create(journal_paths, key).close()
    child, receiver = _start(_wal_worker.hold_open, str(journal_paths.data_dir), key)
    try:
        assert receiver.poll(60) and receiver.recv_bytes() == b"open"
        assert wal.in_use_elsewhere(journal_paths)  # the other program's connection holds the index's lock byte
        db = Database.open(journal_paths, key)
        from recipro_desktop.core.clock import FixedClock
        from recipro_desktop.core.models import Person
        from recipro_desktop.services.journal import JournalService

        service = JournalService(db, FixedClock())
        for n in range(20):
            service.add_person(Person(display_name=f"Person {n}", notes="x" * 500))
        assert journal_paths.wal.stat().st_size > 100_000
        assert db.checkpoint()
        assert journal_paths.wal.stat().st_size == 0
        for n in range(20):
            service.add_person(Person(display_name=f"Later {n}", notes="x" * 500))
        assert journal_paths.wal.stat().st_size > 100_000
        db.close()
        assert journal_paths.wal.stat().st_size == 0
    finally:
        _kill(child, receiver)
    assert not wal.in_use_elsewhere(journal_paths)  # killed: its locks went with it
