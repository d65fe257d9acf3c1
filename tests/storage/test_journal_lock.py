"""I1: restore (and every path that replaces or moves the database file) refuses while the journal is open elsewhere.

Before, ``recipro restore FILE`` exited 0 while another process had the journal open, and every write that
process acknowledged afterwards went into the moved-aside ``journal.db.before-restore-*`` (its SQLite connection
still pointed at the old inode). Here the other process is real: a command holding the journal open (or the
window's own opening path) in a second Python process, and ``recipro restore`` runs as a third.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recipro_desktop.core.errors import JournalInUseError
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal, open_journal
from recipro_desktop.storage import backup, journal_lock
from tests.helpers.platforms import WINDOWS, assert_private_file

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "quiet-harbour-lantern-42"
TIMEOUT = 120


@pytest.fixture
def journal_with_backup(journal_paths: JournalPaths) -> Iterator[tuple[JournalPaths, Path]]:
    """A journal holding "Before Backup" and, after its backup was made, "After Backup"."""
    journal = create_journal(journal_paths, passphrase=PASSPHRASE, use_keyring=False).journal
    journal.service.add_person(Person(display_name="Before Backup"))
    with journal.database.raw_connection() as conn:
        info = backup.create_backup(conn, journal_paths, journal.key, reason="manual", now=datetime.now(UTC))
    journal.service.add_person(Person(display_name="After Backup"))
    journal.close()
    yield journal_paths, info.path


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "RECIPRO_PASSPHRASE": PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO),
        "QT_QPA_PLATFORM": "offscreen",
    }


def start_holder(paths: JournalPaths, *extra: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.storage._journal_holder", str(paths.data_dir), *extra],
        cwd=REPO,
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    line = holder.stdout.readline().strip()
    if line != "open":
        holder.kill()
        _, err = holder.communicate(timeout=TIMEOUT)
        pytest.fail(f"the holder did not open the journal: {line!r} {err}")
    return holder


def holder_add(holder: subprocess.Popen[str], name: str) -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write(f"add {name}\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "added"


def holder_quit(holder: subprocess.Popen[str]) -> None:
    _, err = holder.communicate("quit\n", timeout=TIMEOUT)
    assert holder.returncode == 0, err


def recipro(paths: JournalPaths, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recipro_desktop", "--data-dir", str(paths.data_dir), *argv],
        cwd=REPO,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def names(paths: JournalPaths) -> set[str]:
    journal = open_journal(paths, passphrase=PASSPHRASE)
    try:
        return {row.display_name for row in journal.service.list_people()}
    finally:
        journal.close()


def moved_aside(paths: JournalPaths) -> list[str]:
    return sorted(p.name for p in paths.data_dir.iterdir() if p.name.startswith("journal.db."))


@pytest.mark.parametrize("how", ["command", "window"])
def test_i1_restore_refused_while_another_process_has_the_journal_open(
    journal_with_backup: tuple[JournalPaths, Path], how: str
) -> None:
    """I1: a command (or the window's opening path) holds the journal open in another process: ``recipro restore``
    exits 23 with one sentence, moves nothing aside, and a write the holder makes afterwards is in the live
    journal. Once the holder has closed it, the same restore works."""
    paths, backup_file = journal_with_backup
    holder = start_holder(paths, *(["--window"] if how == "window" else []))
    try:
        refused = recipro(paths, "restore", str(backup_file))
        assert refused.returncode == JournalInUseError.exit_code == 23, refused.stderr
        assert refused.stderr == f"recipro: {journal_lock.IN_USE_MESSAGE}\n"
        assert refused.stdout == ""
        assert moved_aside(paths) == []
        holder_add(holder, "Written After Refusal")
        if how == "window" and not WINDOWS:
            assert_private_file(paths.lock_file)  # the window's recipro.lock, 0644 before (I1)
    finally:
        holder_quit(holder)
    assert names(paths) == {"Before Backup", "After Backup", "Written After Refusal"}

    done = recipro(paths, "restore", str(backup_file))
    assert done.returncode == 0, done.stderr
    assert [name.split("-")[0] for name in moved_aside(paths)] == ["journal.db.before"]
    assert names(paths) == {"Before Backup"}


def test_i1_a_killed_holder_never_locks_restore_out(journal_with_backup: tuple[JournalPaths, Path]) -> None:
    """I1: the lock is the OS's: a holder killed with SIGKILL (TerminateProcess on Windows) drops it."""
    paths, backup_file = journal_with_backup
    holder = start_holder(paths)
    assert recipro(paths, "restore", str(backup_file)).returncode == 23
    holder.kill()
    holder.communicate(timeout=TIMEOUT)
    assert holder.returncode != 0
    done = recipro(paths, "restore", str(backup_file))
    assert done.returncode == 0, done.stderr
    assert names(paths) == {"Before Backup"}


def test_i1_commands_share_the_journal(journal_with_backup: tuple[JournalPaths, Path]) -> None:
    """I1: holding it open is shared: other commands (here ``stats``) run beside a holder, and the lock file is
    private."""
    paths, _ = journal_with_backup
    holder = start_holder(paths)
    try:
        shown = recipro(paths, "stats", "--json")
        assert shown.returncode == 0, shown.stderr
        assert '"people": 2' in shown.stdout
    finally:
        holder_quit(holder)
    assert_private_file(journal_lock.journal_lock_path(paths))


def test_i1_opening_waits_for_a_restore_then_says_so(journal_with_backup: tuple[JournalPaths, Path]) -> None:
    """I1: while a restore holds the journal alone (here, this process), a command that would open it waits a
    little, then says the journal is being restored instead of opening the file being replaced."""
    paths, _ = journal_with_backup
    with journal_lock.alone(paths):
        started = datetime.now(UTC)
        shown = recipro(paths, "stats")
        waited = (datetime.now(UTC) - started).total_seconds()
    assert shown.returncode == 23
    assert shown.stderr == f"recipro: {journal_lock.BUSY_MESSAGE}\n"
    assert waited >= journal_lock.OPEN_WAIT_SECONDS
