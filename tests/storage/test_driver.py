"""The SQLCipher driver: open sequence, pragmas, refusal of plaintext drivers (RELIABILITY A2, A15, B7, B14, G8)."""

from __future__ import annotations

import os
import sqlite3
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop.core.errors import EncryptionUnavailableError, StorageUnavailableError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import driver, vault
from tests.conftest import CANARY, CANARY_KEY, MemoryKeyring
from tests.helpers.platforms import assert_private_file

KEY = os.urandom(32)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "journal.db"
    conn = driver.connect(path, KEY, create=True)
    conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO note (body) VALUES ('x')")
    conn.close()
    yield path


# --- A15: the open sequence ------------------------------------------------------------------------------


class _TracingConnection:
    def __init__(self, real: Any, target: str, trace: list[tuple[str, str]]) -> None:
        self._real = real
        self._target = target
        self._trace = trace

    def execute(self, sql: str, *args: Any) -> Any:
        shown = "PRAGMA key = <redacted>" if sql.upper().startswith("PRAGMA KEY") else " ".join(sql.split())
        self._trace.append((self._target, shown))
        return self._real.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _tracing_module(trace: list[tuple[str, str]]) -> types.ModuleType:
    real = driver._default_module()
    module = types.ModuleType("tracing_sqlcipher")
    module.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})

    def connect(target: str, *args: Any, **kwargs: Any) -> _TracingConnection:
        return _TracingConnection(real.connect(target, *args, **kwargs), target, trace)

    module.connect = connect  # type: ignore[attr-defined]
    return module


def test_a15_open_sequence_order(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A15: key → cipher_version → test query → pragmas → quick_check, on the journal's own connection;
    SQLCipher is proven active on a throwaway in-memory connection before the file is touched."""
    trace: list[tuple[str, str]] = []
    monkeypatch.setattr(driver, "module_factory", lambda: _tracing_module(trace))
    conn = driver.connect(db, KEY)
    conn.close()
    probe = [sql for target, sql in trace if target == ":memory:"]
    assert probe[0] == "PRAGMA cipher_version"
    on_file = [sql for target, sql in trace if target == str(db)]
    assert on_file[:3] == ["PRAGMA key = <redacted>", "PRAGMA cipher_version", "PRAGMA cipher_memory_security = OFF"]
    assert on_file[3] == "SELECT count(*) FROM sqlite_master"
    assert on_file[-1] == "PRAGMA quick_check"
    pragmas = on_file[4:-1]
    for expected in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "secure_delete = ON"):
        assert f"PRAGMA {expected}" in pragmas
    first_probe = next(i for i, (target, _) in enumerate(trace) if target == ":memory:")
    first_file = next(i for i, (target, _) in enumerate(trace) if target == str(db))
    assert first_probe < first_file


def test_a15_quick_check_can_be_skipped_but_the_key_test_cannot(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trace: list[tuple[str, str]] = []
    monkeypatch.setattr(driver, "module_factory", lambda: _tracing_module(trace))
    driver.connect(db, KEY, quick_check=False).close()
    on_file = [sql for target, sql in trace if target == str(db)]
    assert "PRAGMA quick_check" not in on_file
    assert "SELECT count(*) FROM sqlite_master" in on_file


# --- A2 / G8: pragmas on every connection -------------------------------------------------------------------


def test_a2_g8_every_connection_is_wal_full_sync_fk_secure_delete(db: Path) -> None:
    for kwargs in ({}, {"quick_check": False}):
        conn = driver.connect(db, KEY, **kwargs)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
            assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
            assert conn.execute("PRAGMA cipher_version").fetchone()[0]
        finally:
            conn.close()


def _delete_and_checkpoint(path: Path, *, secure: bool) -> bytes:
    """Plaintext build (stdlib sqlite3) with or without our pragmas: insert the canary, delete, checkpoint."""
    conn = sqlite3.connect(path, isolation_level=None)
    if secure:
        driver.apply_pragmas(conn)
    else:  # the control: this stdlib build may default to secure_delete=1, so switch it off explicitly
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO note (body) VALUES ('keep me')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO note (body) VALUES (?)", (CANARY * 4,))
    conn.execute("INSERT INTO note (body) VALUES ('after')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the canary is now in the main file
    conn.execute("DELETE FROM note WHERE body = ?", (CANARY * 4,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes() + Path(f"{path}-wal").read_bytes()
    conn.close()
    return raw


def test_g8_deleted_text_is_gone_from_file_and_wal(tmp_path: Path) -> None:
    """G8: with our pragmas (secure_delete) a deleted note is overwritten; the control run shows it would not be."""
    assert CANARY.encode() in _delete_and_checkpoint(tmp_path / "control.db", secure=False)
    assert CANARY.encode() not in _delete_and_checkpoint(tmp_path / "ours.db", secure=True)


# --- B7: a non-SQLCipher driver is refused before any file exists ----------------------------------------------


def test_b7_stdlib_sqlite3_refused_before_any_file_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "module_factory", lambda: sqlite3)
    target = tmp_path / "data" / "journal.db"
    target.parent.mkdir()
    with pytest.raises(EncryptionUnavailableError, match="refuses to store your journal in plaintext"):
        driver.connect(target, KEY, create=True)
    assert list(target.parent.iterdir()) == []


def test_b7_key_slots_not_created_without_sqlcipher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    """B7: a new journal with a plaintext driver is refused before its folder, key slots or keyring entry exist."""
    monkeypatch.setattr(driver, "module_factory", lambda: sqlite3)
    paths = JournalPaths(tmp_path / "journal")
    with pytest.raises(EncryptionUnavailableError):
        vault.create_key_slots(paths, passphrase="p")
    assert not paths.data_dir.exists()
    assert memory_keyring.secrets == {}
    assert vault.journal_state(paths) is vault.JournalState.NEW


def test_b7_b14_backup_to_refuses_an_unkeyed_target(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B14: if the target connection would not be encrypted, no backup file is left behind."""
    source = driver.connect(db, KEY)
    dest = tmp_path / "backup.db"
    try:
        monkeypatch.setattr(driver, "module_factory", lambda: sqlite3)
        with pytest.raises(EncryptionUnavailableError, match="unencrypted backup"):
            driver.backup_to(source, dest, KEY)
    finally:
        source.close()
    assert not dest.exists()


def test_new_database_is_encrypted_and_private(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = driver.connect(path, CANARY_KEY, create=True)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (?)", (CANARY,))
    conn.close()
    data = path.read_bytes()
    assert data[:16] != driver.SQLITE_HEADER
    assert CANARY.encode() not in data
    assert CANARY_KEY.hex().encode() not in data
    assert_private_file(path)


def test_a10_unusable_paths_give_clear_errors(tmp_path: Path) -> None:
    """A10 (as far as root can tell): missing parent and a folder at the path, each naming the path."""
    missing = tmp_path / "nope" / "journal.db"
    with pytest.raises(StorageUnavailableError, match="does not exist") as err:
        driver.connect(missing, KEY, create=True)
    assert str(missing.parent) in str(err.value)
    assert not missing.parent.exists()
    folder = tmp_path / "journal.db"
    folder.mkdir()
    with pytest.raises(StorageUnavailableError, match="is a folder") as err:
        driver.connect(folder, KEY)
    assert str(folder) in str(err.value)
    with pytest.raises(StorageUnavailableError, match="does not exist"):
        driver.connect(tmp_path / "absent.db", KEY)


def test_read_only_open_does_not_write(db: Path) -> None:
    """Verifying a (rollback-mode) backup read-only leaves it byte-identical and creates no side files."""
    source = driver.connect(db, KEY)
    dest = db.with_name("copy.db")
    driver.backup_to(source, dest, KEY)
    source.close()
    before = dest.read_bytes()
    conn = driver.connect(dest, KEY, read_only=True)
    assert conn.execute("SELECT count(*) FROM note").fetchone()[0] == 1
    with pytest.raises(driver.dbapi().OperationalError):
        conn.execute("INSERT INTO note (body) VALUES ('no')")
    conn.close()
    assert dest.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["copy.db", "journal.db"]
    with pytest.raises(ValueError):
        driver.connect(dest, KEY, read_only=True, create=True)


def test_sqlcipher_log_is_quiet(db: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A wrong key is our error to report; SQLCipher's own "ERROR CORE" lines stay off stderr."""
    from recipro_desktop.core.errors import DamagedJournalError

    with pytest.raises(DamagedJournalError):
        driver.connect(db, os.urandom(32))
    assert "ERROR CORE" not in capfd.readouterr().err
