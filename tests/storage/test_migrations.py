"""Schema migrations: backup first, one transaction, foreign keys off, newer journals refused (D1–D4).

Test-only revisions live in ``tests/storage/migration_fixtures/<case>/`` and build on the app's head; each
case is handed to the migrator as an extra version location, exactly as a future real revision would run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import DamagedJournalError, MigrationError, NewerVersionError
from recipro_desktop.core.models import Act, ActKind, Direction, Need, Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import backup, backup_file, driver, migrate
from recipro_desktop.storage.database import Database
from tests.conftest import CANARY
from tests.storage import _crash_worker

FIXTURES = Path(__file__).parent / "migration_fixtures"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def journal(journal_paths: JournalPaths, key: bytes) -> Iterator[JournalPaths]:
    """A journal at the app's head with people, needs, acts and their links (children of ``people``)."""
    db = Database.create(journal_paths, key)
    service = JournalService(db, FixedClock(NOW))
    for n in range(5):
        person = service.add_person(Person(display_name=f"Person {n}", tags=("t",), notes=f"{CANARY} {n}"))
        service.add_need(Need(person_id=person.id, text=f"need {n}", heard_on=date(2026, 1, 1)))
        service.add_act(
            Act(
                occurred_on=date(2026, 1, 2),
                direction=Direction.GIVEN,
                kind=ActKind.FAVOR,
                summary=f"act {n}",
                people=(person.id,),
            )
        )
    db.close()
    yield journal_paths


def snapshot(paths: JournalPaths, key: bytes) -> dict[str, object]:
    """Schema, version and row counts of a closed journal, read with a plain driver connection."""
    conn = driver.connect(paths.database, key)
    try:
        return {
            "schema": sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=repr),
            "revision": conn.execute("SELECT version_num FROM alembic_version").fetchall(),
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "counts": backup.table_counts(conn),
            "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
            "foreign_keys": conn.execute("PRAGMA foreign_key_check").fetchall(),
        }
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # only on closed files


def test_current_schema_opens_without_a_write_or_a_backup(journal: JournalPaths, key: bytes) -> None:
    before = digest(journal.database)
    db = Database.open(journal, key)
    assert db.schema_revision == migrate.package_head()
    db.close()
    assert digest(journal.database) == before
    assert backup.list_backups(journal) == []


def test_D1_a_failing_revision_changes_nothing_and_leaves_a_verified_backup(journal: JournalPaths, key: bytes) -> None:
    """RELIABILITY D1: the revision's first op succeeds, then it raises: schema and version unchanged."""
    before = snapshot(journal, key)
    with pytest.raises(MigrationError) as err:
        Database.open(journal, key, now=NOW, extra_version_locations=[FIXTURES / "d1_fails"])
    backups = backup.list_backups(journal)
    assert len(backups) == 1
    assert backups[0].reason == "pre-t-d1-fails"
    assert str(backups[0].path) in str(err.value)  # the message names the backup
    assert CANARY not in str(err.value)
    assert backup.verify_backup(backups[0].path, key)
    assert snapshot(journal, key) == before  # no nickname column, alembic_version still the old head
    db = Database.open(journal, key)  # the app without that revision opens the journal normally
    assert db.schema_revision == migrate.package_head()
    db.close()


def test_D1_the_backup_holds_the_pre_migration_data(journal: JournalPaths, key: bytes, tmp_path: Path) -> None:
    with pytest.raises(MigrationError):
        Database.open(journal, key, now=NOW, extra_version_locations=[FIXTURES / "d1_fails"])
    made = tmp_path / "extracted.db"
    backup_file.extract_database(backup.list_backups(journal)[0].path, made)
    conn = driver.connect(made, key)
    try:
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 5
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.package_head()
    finally:
        conn.close()


def test_D3_unknown_revision_is_refused_before_any_write(journal: JournalPaths, key: bytes) -> None:
    """RELIABILITY D3: a revision this app does not know means a newer app wrote the journal."""
    conn = driver.connect(journal.database, key)
    conn.execute("UPDATE alembic_version SET version_num = 'f00dcafe9999'")
    conn.close()
    before = digest(journal.database)
    with pytest.raises(NewerVersionError, match="newer version of Recipro"):
        Database.open(journal, key)
    assert digest(journal.database) == before
    assert backup.list_backups(journal) == []  # no backup, no migration, no downgrade


def test_D3_higher_user_version_is_refused(journal: JournalPaths, key: bytes) -> None:
    conn = driver.connect(journal.database, key)
    conn.execute(f"PRAGMA user_version = {migrate.SCHEMA_USER_VERSION + 1}")
    conn.close()
    before = digest(journal.database)
    with pytest.raises(NewerVersionError):
        Database.open(journal, key)
    assert digest(journal.database) == before


def test_a_journal_without_a_version_record_is_damaged_not_empty(journal_paths: JournalPaths, key: bytes) -> None:
    """An interrupted creation (or a foreign SQLCipher file) is never silently treated as a new journal."""
    journal_paths.data_dir.mkdir(parents=True)
    conn = driver.connect(journal_paths.database, key, create=True)
    conn.execute("CREATE TABLE something (x)")
    conn.close()
    with pytest.raises(DamagedJournalError):
        Database.open(journal_paths, key)


def test_D4_batch_migration_of_a_referenced_table_keeps_the_children(journal: JournalPaths, key: bytes) -> None:
    """RELIABILITY D4: ``people`` is rebuilt (copy, DROP, rename) while needs/links reference it with ON DELETE
    CASCADE and every connection has foreign keys ON. The migrator turns them off around the transaction."""
    before = snapshot(journal, key)["counts"]
    assert isinstance(before, dict) and before["needs"] == 5 and before["act_people"] == 5
    db = Database.open(journal, key, now=NOW, extra_version_locations=[FIXTURES / "d4_batch"])
    try:
        assert db.schema_revision == "t_d4_batch"
        with db.raw_connection() as conn:
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on for normal work
            columns = [r[1] for r in conn.execute("PRAGMA table_info(people)")]
            assert "pronouns" in columns
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            after = backup.table_counts(conn)
        service = JournalService(db, FixedClock(NOW))
        assert len(service.open_needs()) == 5
        assert len(service.list_people()) == 5
    finally:
        db.close()
    assert after == before  # not one need, link or timeline row lost
    assert len(backup.list_backups(journal)) == 1  # an older schema is backed up before migrating


def test_D4_control_dropping_people_with_foreign_keys_on_would_cascade(journal: JournalPaths, key: bytes) -> None:
    """Proves D4 is a real hazard (so the test above can fail): DROP TABLE with FKs on deletes the children."""
    conn = driver.connect(journal.database, key)
    try:
        conn.execute("BEGIN")
        conn.execute("DROP TABLE people")
        assert conn.execute("SELECT count(*) FROM needs").fetchone()[0] == 0
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _run_child(journal: JournalPaths, key: bytes, kill_at: int | None) -> str:
    """Run the D2 migration in a forked child; SIGKILL it when it reports reaching hook ``kill_at``."""
    ctx = _crash_worker.context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_crash_worker.migrate,
        args=(str(journal.data_dir), key, str(FIXTURES / "d2_hooks"), kill_at, sender),
    )
    child.start()
    sender.close()
    try:
        assert receiver.poll(60), "the migration child did not report"
        message = receiver.recv_bytes().decode()
        if kill_at is not None:
            assert message == f"hook {kill_at}"
            child.kill()  # SIGKILL, inside the migration transaction
        child.join(60)
        return message
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
            child.join()
        child.close()


@pytest.mark.slow
def test_D2_kill_9_at_every_step_of_a_migration_leaves_old_or_new(journal: JournalPaths, key: bytes) -> None:
    """RELIABILITY D2: SIGKILL at each hook of a multi-step migration: afterwards the journal is fully at the
    old revision (integrity ok, backup present) and the next start retries and completes it."""
    old = snapshot(journal, key)
    for kill_at in range(4):
        _run_child(journal, key, kill_at)
        assert snapshot(journal, key) == old, f"killed at hook {kill_at}"
        assert backup.list_backups(journal), "the pre-migration backup exists"
    assert _run_child(journal, key, None) == "done"
    new = snapshot(journal, key)
    assert new["revision"] == [("t_d2_hooks",)]
    assert new["integrity"] == [("ok",)] and new["foreign_keys"] == []
    counts = new["counts"]
    assert isinstance(counts, dict) and counts["d2_extra"] == 5 and counts["needs"] == 5
