"""RELIABILITY A1: a process killed with SIGKILL in the middle of writing loses nothing it acknowledged.

A child (forked from a preloaded fork server) loops through the journal service: add a person with tags and
an act linking them, update a person's notes with a large text, and acknowledges each commit over a pipe.
The parent kills it at seeded random moments (after a random number of acknowledgements plus a random
fraction of a millisecond to a few milliseconds, i.e. anywhere inside the next transaction or commit),
then the next child opens the journal again (recovery). At the end every acknowledged commit is present,
updates at least at their acknowledged version, and the file passes ``integrity_check`` and
``foreign_key_check``.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from uuid import UUID

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import driver
from recipro_desktop.storage.database import Database
from tests.helpers.platforms import PROCESS_KILLED_EXIT, WINDOWS
from tests.storage import _crash_worker

ITERATIONS = 12 if WINDOWS else 50  # each Windows child is a new interpreter (no fork): seconds under Wine
SEED = 20260115


def _one_run(data_dir: Path, key: bytes, rng: random.Random, run: int) -> list[bytes]:
    """Start a writer, let it acknowledge a random number of commits, SIGKILL it; return its acknowledgements."""
    ctx = _crash_worker.context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_crash_worker.write_loop, args=(str(data_dir), key, run, sender))
    child.start()
    sender.close()
    acks: list[bytes] = []
    try:
        assert receiver.poll(60), "the writer did not open the journal"
        assert receiver.recv_bytes() == b"R"
        wanted = rng.randrange(0, 4)
        while len(acks) < wanted:
            assert receiver.poll(60), "the writer stopped acknowledging"
            acks.append(receiver.recv_bytes())
        # Then a random moment inside the next transaction(s): keep reading acknowledgements meanwhile.
        deadline = rng.uniform(0.0, 0.02)
        if receiver.poll(deadline):
            acks.append(receiver.recv_bytes())
        child.kill()
        child.join(60)
        assert child.exitcode == PROCESS_KILLED_EXIT
        while True:  # what it sent before it died was committed, so it counts
            try:
                if not receiver.poll():
                    break
                acks.append(receiver.recv_bytes())
            except (EOFError, BrokenPipeError):  # BrokenPipeError: how Windows reports the dead writer
                break
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
            child.join()
        child.close()
    return acks


@pytest.mark.slow
def test_A1_sigkill_mid_write_loses_no_acknowledged_commit(journal_paths: JournalPaths) -> None:
    key = os.urandom(32)
    Database.create(journal_paths, key).close()
    rng = random.Random(SEED)
    added: set[UUID] = set()
    updated: dict[UUID, int] = {}
    for run in range(ITERATIONS):
        for message in _one_run(journal_paths.data_dir, key, rng, run):
            kind, uid, version = _crash_worker.decode_ack(message)
            if kind == "A":
                added.add(uid)
            else:
                updated[uid] = max(updated.get(uid, 0), version)
    # The test really wrote (and killed) a lot: each trial waits for 0-3 acknowledgements (1.5 on average), plus
    # whatever arrives before the kill. 50 Linux trials give ~80; the 12 Windows trials ~18, at least 10 seen.
    assert len(added) >= (ITERATIONS if not WINDOWS else ITERATIONS * 2 // 3)

    conn = driver.connect(journal_paths.database, key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO item_fts(item_fts) VALUES ('integrity-check')")  # raises if the index is off
    finally:
        conn.close()

    db = Database.open(journal_paths, key)  # the app starts normally
    try:
        service = JournalService(db, FixedClock())
        stored = {p.id: p for p in (service.get_person(uid) for uid in added)}  # NotFoundError if one is lost
        for uid, version in updated.items():
            assert stored[uid].version >= version
            assert "updated" in stored[uid].notes
        for uid in added:
            assert len(service.acts_for(uid)) == 1  # acknowledged after its act was committed too
        # Nothing half-written: every person has exactly their own search document and index row.
        with db.reading() as raw:
            people = raw.execute("SELECT count(*) FROM people").fetchone()[0]
            indexed = raw.execute("SELECT count(*) FROM item_index WHERE kind = 0").fetchone()[0]
            acts = raw.execute("SELECT count(*) FROM acts").fetchone()[0]
            links = raw.execute("SELECT count(*) FROM act_people").fetchone()[0]
        assert people == indexed
        assert acts == links
    finally:
        db.close()
