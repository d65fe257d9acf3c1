"""The schema: the migrations build exactly what the ORM describes, encrypted, with the right pragmas (A2)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import driver, migrate
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.tables import Base
from tests.helpers.platforms import assert_private_dir, assert_private_file


@pytest.fixture
def db(journal_paths: JournalPaths) -> Iterator[Database]:
    database = Database.create(journal_paths, os.urandom(32))
    yield database
    database.close()


def test_migrations_build_exactly_the_orm_schema(db: Database) -> None:
    """0001 is hand-written: prove it and tables.py describe the same tables, columns, keys and indexes."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
        conn.rollback()
    assert diff == []


def test_new_journal_is_at_head_and_encrypted(db: Database, journal_paths: JournalPaths) -> None:
    assert db.schema_revision == migrate.package_head()
    with db.raw_connection() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrate.SCHEMA_USER_VERSION
        assert conn.execute("PRAGMA cipher_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"people", "acts", "needs", "commitments", "interactions", "journal_entries", "reminders"} <= tables
    assert {"tags", "settings", "import_batches", "item_index", "timeline_people", "item_fts"} <= tables
    db.close()
    assert not driver.is_plaintext_sqlite(journal_paths.database)
    assert_private_file(journal_paths.database)
    assert_private_dir(journal_paths.data_dir)


def test_fts_tables_are_accent_and_case_insensitive_with_prefix_indexes(db: Database) -> None:
    with db.raw_connection() as conn:
        sql = {
            r[0]: r[1]
            for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE name IN ('item_fts', 'person_name_fts')")
        }
    for name in ("item_fts", "person_name_fts"):
        assert "unicode61 remove_diacritics 2" in sql[name]
        assert "prefix" in sql[name]


def test_create_refuses_to_overwrite_an_existing_file(journal_paths: JournalPaths) -> None:
    journal_paths.data_dir.mkdir(parents=True)
    journal_paths.database.write_bytes(b"not mine to overwrite")
    with pytest.raises(Exception, match="already exists"):
        Database.create(journal_paths, os.urandom(32))
    assert journal_paths.database.read_bytes() == b"not mine to overwrite"


def test_A2_every_connection_has_wal_full_sync_foreign_keys_and_secure_delete(db: Database) -> None:
    """RELIABILITY A2/G8: pooled connections (several at once) and the raw connection all carry the pragmas."""
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1}
    seen = []
    with ExitStack() as stack:
        for _ in range(3):  # three sessions at once: three distinct pooled connections
            session = stack.enter_context(db.session())
            conn = session.connection()
            seen.append({name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in expected})
        raw = stack.enter_context(db.raw_connection())
        seen.append({name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in expected})
    assert seen == [expected] * 4


def test_a_session_is_one_transaction(db: Database) -> None:
    """The BEGIN recipe (D1): statements inside a session are not autocommitted one by one."""
    with db.session() as session:
        raw = session.connection().connection.driver_connection
        assert raw is not None
        assert raw.in_transaction
    with db.raw_connection() as conn:
        assert not conn.in_transaction


def test_G1_driver_errors_never_carry_statement_parameters(db: Database) -> None:
    """An unexpected driver error may reach a log or a crash dialog: its text must not include note text."""
    from tests.conftest import CANARY

    with pytest.raises(Exception) as err, db.session(write=True) as session:
        session.connection().exec_driver_sql("INSERT INTO no_such_table VALUES (?)", (CANARY,))
    assert CANARY not in str(err.value)
    assert "no such table" in str(err.value)
