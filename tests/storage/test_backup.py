"""Backups, rotation, restore and integrity checks (RELIABILITY A9, A13, A15, B14, D5, D6, D7)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop.core.errors import BackupError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import backup, backup_file, driver, vault
from recipro_desktop.storage.backup import BackupInfo
from tests.conftest import CANARY, CANARY_PASSPHRASE, fill_volume
from tests.helpers import find_secret
from tests.helpers.nonroot import run_unprivileged, unprivileged_dir  # noqa: F401 (fixture)
from tests.helpers.platforms import (
    NO_FILE_SIZE_LIMIT,
    SELF_KILLED_EXIT,
    WINDOWS,
    assert_private_dir,
    assert_private_file,
    posix_only,
)

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)

SCHEMA = """
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE note (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                   body TEXT NOT NULL);
CREATE INDEX note_person ON note(person_id);
CREATE VIRTUAL TABLE note_fts USING fts5(body);
"""


def _fill(conn: Any, people: int = 20, text: str = CANARY) -> None:
    conn.execute("BEGIN")
    for i in range(people):
        pid = conn.execute("INSERT INTO person (name) VALUES (?)", (f"person {i}",)).lastrowid
        for j in range(3):
            body = f"{text} note {i}.{j} " + "lorem ipsum " * 20
            conn.execute("INSERT INTO note (person_id, body) VALUES (?, ?)", (pid, body))
            conn.execute("INSERT INTO note_fts (body) VALUES (?)", (body,))
    conn.execute("COMMIT")


@pytest.fixture
def journal(journal_paths: JournalPaths) -> Iterator[tuple[JournalPaths, bytes, Any]]:
    """A journal with a few tables (FK, index, FTS5), open; closed at teardown."""
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    conn = driver.connect(journal_paths.database, new.key, create=True)
    conn.executescript(SCHEMA)
    _fill(conn)
    yield journal_paths, new.key, conn
    conn.close()


def _rows(conn: Any) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT n.id, p.name, n.body FROM note n JOIN person p ON p.id = n.person_id ORDER BY 1"
    ).fetchall()


def _open_rows(path: Path, key: bytes) -> list[tuple[Any, ...]]:
    """The rows of a journal file, or of a backup archive's database (extracted to a temporary folder)."""
    with tempfile.TemporaryDirectory() as scratch:
        if backup_file.is_archive(path):
            backup_file.extract_database(path, Path(scratch) / "extracted.db")
            path = Path(scratch) / "extracted.db"
        conn = driver.connect(path, key)
        try:
            return _rows(conn)
        finally:
            conn.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- B14: encrypted, verified backups ---------------------------------------------------------------


def test_b14_backup_is_encrypted_verified_and_private(journal: tuple[JournalPaths, bytes, Any]) -> None:
    """B14: no plaintext header, no canary, opens only with the key; 0600 in a 0700 folder; one file."""
    paths, key, conn = journal
    info = backup.create_backup(conn, paths, key, reason="manual", now=T0)
    assert info == BackupInfo(
        path=paths.backups / "journal-20240301T120000Z-manual.zip",
        created_at=T0,
        reason="manual",
        size=info.path.stat().st_size,
        ok=True,
        key_slots=True,
    )
    assert not driver.is_plaintext_sqlite(info.path)
    assert find_secret(CANARY, info.path) == []
    assert_private_file(info.path)
    assert_private_dir(paths.backups)
    assert sorted(p.name for p in paths.backups.iterdir()) == [info.path.name]  # no -wal/-shm, no partial
    assert backup.verify_backup(info.path, key)
    assert not backup.verify_backup(info.path, os.urandom(32))
    plain = sqlite3.connect(info.path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()
    assert _open_rows(info.path, key) == _rows(conn)


def test_backup_names_listing_and_last_success(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, key, conn = journal
    assert backup.list_backups(paths) == [] and backup.last_successful_backup(paths) is None
    a = backup.create_backup(conn, paths, key, reason="daily", now=T0)
    b = backup.create_backup(conn, paths, key, reason="pre-v2", now=T0 + timedelta(days=1))
    c = backup.create_backup(conn, paths, key, reason="pre-v2", now=T0 + timedelta(days=1))  # same second
    assert c.path.name == "journal-20240302T120000Z-pre-v2.2.zip"
    listed = backup.list_backups(paths)
    assert [i.path for i in listed] == [c.path, b.path, a.path]
    assert all(i.ok for i in listed) and {i.reason for i in listed} == {"daily", "pre-v2"}
    assert backup.last_successful_backup(paths) == T0 + timedelta(days=1)
    (paths.backups / "notes.txt").write_text("not a backup")
    assert len(backup.list_backups(paths)) == 3
    with pytest.raises(ValueError):
        backup.create_backup(conn, paths, key, reason="Bad Reason!", now=T0)
    with pytest.raises(ValueError):
        backup.create_backup(conn, paths, key, reason="daily", now=datetime(2024, 1, 1))  # naive
    conn.execute("BEGIN")
    conn.execute("INSERT INTO person (name) VALUES ('uncommitted')")
    with pytest.raises(ValueError, match="outside any transaction"):
        backup.create_backup(conn, paths, key, reason="daily", now=T0)
    conn.execute("ROLLBACK")
    assert len(backup.list_backups(paths)) == 3


def test_backup_that_fails_verification_is_deleted(
    journal: tuple[JournalPaths, bytes, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy damaged on its way to disk (one flipped byte) fails verification: deleted, BackupError."""
    paths, key, conn = journal
    real_backup_to = driver.backup_to

    def backup_then_bit_rot(source: Any, dest: Path, k: bytes) -> None:
        real_backup_to(source, dest, k)
        with open(dest, "r+b") as fh:  # test-side fault: a closed, fresh backup file
            fh.seek(5 * 4096 + 200)
            byte = fh.read(1)
            fh.seek(5 * 4096 + 200)
            fh.write(bytes([byte[0] ^ 0x40]))

    monkeypatch.setattr(driver, "backup_to", backup_then_bit_rot)
    with pytest.raises(BackupError, match="failed verification and was deleted"):
        backup.create_backup(conn, paths, key, reason="daily", now=T0)
    assert list(paths.backups.iterdir()) == []
    assert backup.integrity_check(conn, full=True).ok


@posix_only(NO_FILE_SIZE_LIMIT)
def test_backup_on_a_full_disk_leaves_nothing_behind(journal: tuple[JournalPaths, bytes, Any]) -> None:
    """D7/A3-style: the backup write hits RLIMIT_FSIZE (real EFBIG) in a child: BackupError, no partial file."""
    paths, key, conn = journal
    _fill(conn, people=60)
    size = paths.database.stat().st_size
    code = textwrap.dedent(
        f"""
        import json, resource, signal, sys
        from datetime import UTC, datetime
        from pathlib import Path
        from recipro_desktop.core.errors import BackupError
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.storage import backup, driver
        key = bytes.fromhex(sys.stdin.readline().strip())
        paths = JournalPaths(Path({str(paths.data_dir)!r}))
        conn = driver.connect(paths.database, key)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size // 3}, {size // 3}))
        try:
            backup.create_backup(conn, paths, key, reason="daily", now=datetime(2024, 1, 1, tzinfo=UTC))
            print(json.dumps("made"))
        except BackupError as exc:
            print(json.dumps(str(exc)))
        finally:
            conn.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=key.hex() + "\n", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout.splitlines()[-1])
    assert message.startswith("No backup was made in") and "unchanged" in message
    assert "the disk may be full" in message
    assert list(paths.backups.iterdir()) == []
    assert backup.integrity_check(conn, full=True).ok
    assert conn.execute("SELECT count(*) FROM note").fetchone()[0] == 240


def test_backup_on_a_volume_that_fills_up_leaves_nothing_behind(small_volume: Path) -> None:
    """D7/A3 on a volume that really fills up (ENOSPC; ERROR_DISK_FULL on Windows, which has no file-size limit):
    BackupError saying the disk may be full, no partial backup, the journal intact; with space again it works."""
    paths = JournalPaths(small_volume / "journal")
    new = vault.create_key_slots(paths, passphrase=CANARY_PASSPHRASE)
    conn = driver.connect(paths.database, new.key, create=True)
    try:
        conn.executescript(SCHEMA)
        _fill(conn, people=60)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ballast = fill_volume(small_volume, leave=paths.database.stat().st_size // 3)
        with pytest.raises(BackupError) as err:
            backup.create_backup(conn, paths, new.key, reason="daily", now=T0)
        assert str(err.value).startswith("No backup was made in") and "unchanged" in str(err.value)
        assert "(the disk is full)" in str(err.value)
        assert list(paths.backups.iterdir()) == []
        ballast.unlink()
        assert backup.integrity_check(conn, full=True).ok
        assert conn.execute("SELECT count(*) FROM note").fetchone()[0] == 180
        made = backup.create_backup(conn, paths, new.key, reason="daily", now=T0)
        assert backup.verify_backup(made.path, new.key)
    finally:
        conn.close()


# --- D7: backup location removed or unwritable ------------------------------------------------------------


def test_d7_backup_folder_removed_is_recreated(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, key, conn = journal
    backup.create_backup(conn, paths, key, reason="daily", now=T0)
    for child in paths.backups.iterdir():
        child.unlink()
    paths.backups.rmdir()
    info = backup.create_backup(conn, paths, key, reason="daily", now=T0 + timedelta(days=1))
    assert info.ok
    assert_private_dir(paths.backups)


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            "dangling-link",
            marks=pytest.mark.skipif(
                WINDOWS,
                reason="a dangling link cannot be made here: Wine 8 creates no link to a missing target (symlink_to "
                "succeeds and leaves nothing), and real Windows allows symbolic links only with Developer Mode",
            ),
        ),
        "a-file",
    ],
)
def test_d7_backup_location_gone_gives_clear_error_and_journal_unaffected(
    journal: tuple[JournalPaths, bytes, Any], tmp_path: Path, kind: str
) -> None:
    """D7: the backup folder points to a removed drive (dangling link) or is a file: BackupError naming it."""
    paths, key, conn = journal
    first = backup.create_backup(conn, paths, key, reason="daily", now=T0)
    external = tmp_path / "usb-drive"
    first.path.rename(tmp_path / first.path.name)
    paths.backups.rmdir()
    if kind == "dangling-link":
        paths.backups.symlink_to(external / "recipro-backups")
    else:
        paths.backups.write_bytes(b"")
    with pytest.raises(BackupError) as err:
        backup.create_backup(conn, paths, key, reason="daily", now=T0 + timedelta(days=1))
    assert str(paths.backups) in str(err.value) and "unchanged" in str(err.value)
    assert not external.exists()
    conn.execute("INSERT INTO person (name) VALUES ('after the failed backup')")
    assert backup.integrity_check(conn, full=True).ok


@pytest.mark.nonroot
def test_d7_unwritable_backup_folder_as_nobody(unprivileged_dir: Path) -> None:  # noqa: F811
    """D7 (H3): a 0500 backup folder, as an unprivileged user: skipped with a message, last success shown."""
    result = run_unprivileged(
        """
        import json, os
        from datetime import UTC, datetime
        from pathlib import Path
        from recipro_desktop.core.errors import BackupError
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.storage import backup, driver, keyslots, vault
        keyslots.kdf_params = keyslots.KdfParams(64, 1, 1)
        paths = JournalPaths(Path.cwd() / "journal")
        key = vault.create_key_slots(paths, passphrase="pw").key
        conn = driver.connect(paths.database, key, create=True)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        backup.create_backup(conn, paths, key, reason="daily", now=datetime(2024, 1, 1, tzinfo=UTC))
        paths.backups.chmod(0o500)
        try:
            backup.create_backup(conn, paths, key, reason="daily", now=datetime(2024, 1, 2, tzinfo=UTC))
            outcome = "made"
        except BackupError as exc:
            outcome = str(exc)
        conn.execute("INSERT INTO t VALUES (2)")
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
        ok = backup.integrity_check(conn, full=True).ok
        conn.close()
        print(json.dumps({"uid": os.geteuid(), "outcome": outcome, "rows": rows, "ok": ok,
                          "last": backup.last_successful_backup(paths).isoformat(),
                          "mode": oct(paths.backups.stat().st_mode & 0o777),
                          "files": sorted(os.listdir(paths.backups))}))
        """,
        cwd=unprivileged_dir,
    )
    assert result.returncode == 0, result.stderr
    value = result.value
    assert value["uid"] != 0
    assert value["outcome"].startswith("No backup was made") and "not writable" in value["outcome"]
    assert value["rows"] == 2 and value["ok"]
    assert value["last"] == "2024-01-01T00:00:00+00:00"
    assert value["mode"] == "0o500"  # the user's choice is not overridden
    assert value["files"] == ["journal-20240101T000000Z-daily.zip"]


# --- D5: rotation ------------------------------------------------------------------------------------------


def _make_backups(paths: JournalPaths, key: bytes, conn: Any, count: int) -> list[BackupInfo]:
    return [backup.create_backup(conn, paths, key, reason="daily", now=T0 + timedelta(days=i)) for i in range(count)]


def test_d5_rotation_keeps_newest_verified(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, key, conn = journal
    made = _make_backups(paths, key, conn, 4)
    deleted = backup.rotate_backups(paths, key, keep=2).deleted
    assert sorted(deleted) == sorted([made[0].path, made[1].path])
    assert [i.path for i in backup.list_backups(paths)] == [made[3].path, made[2].path]


def test_d5_corrupt_newest_backup_is_not_counted(journal: tuple[JournalPaths, bytes, Any]) -> None:
    """D5: the newest backup truncated; keep=1 keeps the newest *verified* one, not the broken one."""
    paths, key, conn = journal
    made = _make_backups(paths, key, conn, 3)
    os.truncate(made[2].path, made[2].size // 2)
    rotation = backup.rotate_backups(paths, key, keep=1)
    assert rotation.deleted == [made[0].path]
    assert [path for path, _ in rotation.failed] == [made[2].path]  # reported, kept, not counted
    remaining = backup.list_backups(paths)
    assert [i.path for i in remaining] == [made[2].path, made[1].path]
    assert backup.verify_backup(made[1].path, key)
    assert not remaining[0].ok  # the truncated one is shown as damaged, left for the user
    assert backup.last_successful_backup(paths) == made[1].created_at


def test_d5_never_prunes_below_one_verified_backup(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, key, conn = journal
    made = _make_backups(paths, key, conn, 3)
    for info in made[1:]:
        os.truncate(info.path, 4096)
    assert backup.rotate_backups(paths, key, keep=2).deleted == []  # only one verified backup exists: keep all
    for info in made[:1]:
        os.truncate(info.path, 4096)
    assert backup.rotate_backups(paths, key, keep=1).deleted == []  # none verified: delete nothing
    assert len(backup.list_backups(paths)) == 3
    with pytest.raises(ValueError):
        backup.rotate_backups(paths, key, keep=0)


def test_d5_rotation_clears_interrupted_partials(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, key, conn = journal
    _make_backups(paths, key, conn, 1)
    leftover = paths.backups / ".journal-20240101T000000Z-daily.db.partial"
    leftover.write_bytes(b"\0" * 4096)
    assert backup.rotate_backups(paths, key, keep=1).deleted == [leftover]


# --- D6 / A9: restore ----------------------------------------------------------------------------------------


_WAL_CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from recipro_desktop.storage import driver
    key = bytes.fromhex(sys.stdin.readline().strip())
    conn = driver.connect(Path(sys.argv[1]), key)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO person (name) VALUES ('only in the WAL')")
    conn.execute("UPDATE note SET body = 'rewritten after the backup' WHERE id <= 30")
    os.kill(os.getpid(), 9)  # crash: the WAL is left un-checkpointed beside the database
    """
)


def test_d6_a9_restore_with_a_stale_wal(journal: tuple[JournalPaths, bytes, Any]) -> None:
    """A9/D6: the journal has an un-checkpointed WAL (crash); restoring an older backup moves db+wal+shm aside
    before placing the backup, so the stale WAL is never replayed into it. Nothing is lost either way."""
    paths, key, conn = journal
    made = backup.create_backup(conn, paths, key, reason="manual", now=T0)
    expected = _rows(conn)
    conn.close()
    done = subprocess.run(
        [sys.executable, "-c", _WAL_CHILD, str(paths.database)],
        input=key.hex() + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == SELF_KILLED_EXIT, done.stderr
    assert paths.wal.stat().st_size > 0 and paths.shm.exists()

    aside = backup.restore_backup(paths, key, made.path, now=T0 + timedelta(hours=1))
    assert aside == paths.data_dir / "journal.db.before-restore-20240301T130000Z"
    assert aside.exists() and Path(f"{aside}-wal").stat().st_size > 0  # moved as a set, not deleted
    assert not paths.wal.exists() or paths.wal.stat().st_size == 0
    assert _open_rows(paths.database, key) == expected
    restored = driver.connect(paths.database, key)
    assert backup.integrity_check(restored, full=True).ok
    restored.close()
    assert_private_file(paths.database)
    # The moved-aside journal still holds the work done after the backup (its WAL travelled with it).
    before = driver.connect(aside, key)
    assert before.execute("SELECT count(*) FROM person WHERE name = 'only in the WAL'").fetchone()[0] == 1
    before.close()
    assert backup.verify_backup(made.path, key)  # the backup itself is untouched
    assert [p.name for p in paths.data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_d6_restore_refuses_a_bad_backup_and_changes_nothing(
    journal: tuple[JournalPaths, bytes, Any], tmp_path: Path
) -> None:
    paths, key, conn = journal
    made = backup.create_backup(conn, paths, key, reason="manual", now=T0)
    conn.close()
    truncated = tmp_path / "journal-20240101T000000Z-daily.db"
    truncated.write_bytes(made.path.read_bytes()[: made.size // 2])
    foreign_paths = JournalPaths(tmp_path / "other")
    other = vault.create_key_slots(foreign_paths, passphrase="other")
    foreign = driver.connect(foreign_paths.database, other.key, create=True)
    foreign.execute("CREATE TABLE t (x)")
    foreign_backup = backup.create_backup(foreign, foreign_paths, other.key, reason="manual", now=T0)
    foreign.close()
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).close()
    plain_conn = sqlite3.connect(plain)
    plain_conn.execute("CREATE TABLE t (x)")
    plain_conn.close()
    before = {p.name: _sha(p) for p in paths.data_dir.iterdir() if p.is_file()}
    for bad in (truncated, foreign_backup.path, plain, tmp_path / "missing.db"):
        with pytest.raises(BackupError, match="Nothing was changed"):
            backup.restore_backup(paths, key, bad, now=T0)
        assert {p.name: _sha(p) for p in paths.data_dir.iterdir() if p.is_file()} == before


def test_move_aside_keeps_sidecars_together(journal: tuple[JournalPaths, bytes, Any]) -> None:
    paths, _key, conn = journal
    conn.close()
    paths.wal.write_bytes(b"w")
    paths.shm.write_bytes(b"s")
    first = backup.move_aside(paths, suffix="corrupt", now=T0)
    assert first.name == "journal.db.corrupt-20240301T120000Z"
    assert Path(f"{first}-wal").read_bytes() == b"w" and Path(f"{first}-shm").read_bytes() == b"s"
    assert not paths.database.exists() and not paths.wal.exists() and not paths.shm.exists()
    paths.database.write_bytes(b"x")
    second = backup.move_aside(paths, suffix="corrupt", now=T0)
    assert second.name == "journal.db.corrupt-20240301T120000Z-2"


# --- integrity checks (A15) ---------------------------------------------------------------------------------


def test_a15_full_integrity_check_reports_foreign_key_problems_without_content(
    journal: tuple[JournalPaths, bytes, Any],
) -> None:
    _paths, _key, conn = journal
    assert backup.integrity_check(conn, full=False) == backup.IntegrityReport(ok=True, problems=(), full=False)
    assert backup.integrity_check(conn, full=True) == backup.IntegrityReport(ok=True, problems=(), full=True)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO note (person_id, body) VALUES (9999, ?)", (CANARY + " orphan",))
    conn.execute("PRAGMA foreign_keys = ON")
    report = backup.integrity_check(conn, full=True)
    assert not report.ok
    assert any("foreign key violation: note row" in p and "person" in p for p in report.problems)
    assert all(CANARY not in p for p in report.problems)
    assert backup.integrity_check(conn, full=False).ok  # quick_check does not look at foreign keys


# --- A13: no raw file I/O on the live database ------------------------------------------------------------

_watched: set[str] = set()
_seen: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watched or event not in {"open", "shutil.copyfile", "shutil.copymode", "os.truncate"}:
        return
    target = args[0]
    if isinstance(target, (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(target))
        if path in _watched:
            _seen.append(f"{event} {path}")


sys.addaudithook(_audit)  # audit hooks cannot be removed; it does nothing unless _watched is set


def test_a13_backup_and_restore_never_open_the_live_files(journal: tuple[JournalPaths, bytes, Any]) -> None:
    """A13 (runtime): backup, verify, rotate, check and restore never open journal.db/-wal/-shm from Python:
    only SQLite touches them (a Python open+close would drop SQLite's POSIX locks)."""
    paths, key, conn = journal
    _watched.update(os.path.abspath(p) for p in (paths.database, paths.wal, paths.shm))
    try:
        made = backup.create_backup(conn, paths, key, reason="manual", now=T0)
        backup.create_backup(conn, paths, key, reason="manual", now=T0 + timedelta(days=1))
        backup.integrity_check(conn, full=True)
        backup.rotate_backups(paths, key, keep=1)
        backup.list_backups(paths)
        vault.journal_state(paths)
        conn.close()
        backup.restore_backup(paths, key, backup.list_backups(paths)[0].path, now=T0 + timedelta(days=2))
    finally:
        _watched.clear()
    assert _seen == []
    assert not made.path.exists()  # rotated away: the runtime check really ran the whole cycle
