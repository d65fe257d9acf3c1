"""Journal states, creating and unlocking the key, passphrase changes, canaries (RELIABILITY A5, B4-B6, B9, B11, H1)."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from recipro_desktop.core.errors import (
    DamagedJournalError,
    EmptyJournalFileError,
    JournalLockedError,
    JournalMissingError,
    KeySlotError,
    ValidationError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths, default_data_dir
from recipro_desktop.storage import backup, driver, keyslots, vault
from recipro_desktop.storage.vault import JournalState
from tests.conftest import CANARY, CANARY_KEY, CANARY_PASSPHRASE, MemoryKeyring
from tests.helpers import find_secret, secret_forms
from tests.helpers.platforms import WINDOWS, assert_private_dir


def _digest(directory: Path) -> dict[str, str]:
    """Name -> sha256 of every file under ``directory`` (only call with every connection closed)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _make_db(paths: JournalPaths, key: bytes, text: str = "hello") -> None:
    conn = driver.connect(paths.database, key, create=True)
    try:
        conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO note (body) VALUES (?)", (text,))
    finally:
        conn.close()


@pytest.fixture
def journal(journal_paths: JournalPaths) -> Iterator[tuple[JournalPaths, vault.NewKey]]:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    yield journal_paths, new


# --- states (A5) ---------------------------------------------------------------------------------------


def test_journal_states(journal_paths: JournalPaths) -> None:
    assert vault.journal_state(journal_paths) is JournalState.NEW
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert vault.journal_state(journal_paths) is JournalState.DATABASE_MISSING
    _make_db(journal_paths, new.key)
    assert vault.journal_state(journal_paths) is JournalState.READY
    journal_paths.keyslots.rename(journal_paths.data_dir / "elsewhere.json")
    assert vault.journal_state(journal_paths) is JournalState.SLOTS_MISSING
    journal_paths.database.write_bytes(b"")
    assert vault.journal_state(journal_paths) is JournalState.DAMAGED_EMPTY


@pytest.mark.parametrize("with_slots", [True, False])
def test_a5_zero_byte_database_is_damage_never_a_first_run(journal_paths: JournalPaths, with_slots: bool) -> None:
    """A5: a 0-byte journal.db (sync tool, crash) is corruption: no new key, no "empty journal", files untouched."""
    if with_slots:
        vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    else:
        journal_paths.data_dir.mkdir(parents=True)
    open(journal_paths.database, "wb").close()
    before = _digest(journal_paths.data_dir)
    assert vault.journal_state(journal_paths) is JournalState.DAMAGED_EMPTY
    with pytest.raises(KeySlotError):
        vault.create_key_slots(journal_paths, passphrase="a fresh start")
    with pytest.raises(EmptyJournalFileError) as err:
        vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert isinstance(err.value, DamagedJournalError)
    assert "0 bytes" in str(err.value)
    with pytest.raises(EmptyJournalFileError):
        vault.unlock(journal_paths)
    assert _digest(journal_paths.data_dir) == before


def test_a5_empty_file_moved_aside_then_restore_possible(journal: tuple[JournalPaths, vault.NewKey]) -> None:
    """A5: the app's answer to a 0-byte file: move it aside (kept, not deleted) and restore the last backup."""
    paths, new = journal
    conn = driver.connect(paths.database, new.key)
    made = backup.create_backup(conn, paths, new.key, reason="daily", now=datetime(2024, 1, 1, tzinfo=UTC))
    conn.close()
    paths.database.write_bytes(b"")
    aside = backup.move_aside(paths, suffix="corrupt", now=datetime(2024, 1, 2, tzinfo=UTC))
    assert aside.name == "journal.db.corrupt-20240102T000000Z" and aside.stat().st_size == 0
    assert vault.journal_state(paths) is JournalState.DATABASE_MISSING
    assert backup.restore_backup(paths, new.key, made.path, now=datetime(2024, 1, 2, tzinfo=UTC)) is None
    conn = driver.connect(paths.database, vault.unlock(paths).key)
    assert conn.execute("SELECT body FROM note").fetchall() == [("hello",)]
    conn.close()


@pytest.mark.parametrize("state", ["ready", "slots-missing", "database-missing"])
def test_b4_never_a_new_key_when_a_database_or_slots_exist(
    journal: tuple[JournalPaths, vault.NewKey], state: str
) -> None:
    paths, _ = journal
    if state == "slots-missing":
        paths.keyslots.unlink()
    elif state == "database-missing":
        paths.database.unlink()
    before = _digest(paths.data_dir)
    with pytest.raises(KeySlotError, match="never creates a new key"):
        vault.create_key_slots(paths, passphrase="new", use_keyring=False)
    assert _digest(paths.data_dir) == before


def test_unlock_errors_by_state(journal_paths: JournalPaths) -> None:
    with pytest.raises(JournalMissingError):
        vault.unlock(journal_paths)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    # Slots without a database (init interrupted, or the database was lost): the key is still available,
    # so the caller can restore a backup (or finish creating the database).
    assert vault.unlock(journal_paths).key == new.key
    _make_db(journal_paths, new.key)
    journal_paths.keyslots.unlink()
    with pytest.raises(KeySlotError, match="missing"):
        vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    with pytest.raises(KeySlotError):
        vault.unlock(journal_paths)


# --- creating and unlocking ------------------------------------------------------------------------------


def test_create_with_keyring_and_passphrase(journal_paths: JournalPaths, memory_keyring: MemoryKeyring) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert len(new.key) == 32
    assert new.keyring_backend == "MemoryKeyring"
    assert new.recovery_key is None
    assert len(memory_keyring.secrets) == 1
    (service, _username), secret = next(iter(memory_keyring.secrets.items()))
    assert service == "recipro"
    assert base64.b64decode(secret) != new.key  # the keyring holds a wrapping secret, not the data key
    assert vault.unlock(journal_paths) == vault.Unlocked(key=new.key, via="keyring")
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert (unlocked.key, unlocked.via, unlocked.notice) == (new.key, "passphrase", None)


def test_create_without_keyring(journal_paths: JournalPaths, memory_keyring: MemoryKeyring) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=None, use_keyring=False)
    assert new.keyring_backend is None and new.recovery_key
    assert memory_keyring.secrets == {}
    with pytest.raises(JournalLockedError, match="no keyring entry"):
        vault.unlock(journal_paths)
    assert vault.unlock(journal_paths, passphrase=new.recovery_key).key == new.key


def test_keys_are_random(tmp_path: Path) -> None:
    keys = {vault.create_key_slots(JournalPaths(tmp_path / str(i)), passphrase="p").key for i in range(5)}
    assert len(keys) == 5


def test_b5_wrong_passphrase_is_not_damage_and_changes_nothing(journal: tuple[JournalPaths, vault.NewKey]) -> None:
    """B5: "Wrong passphrase", decided by the key-slot file, however often; no file changes."""
    paths, _ = journal
    before = _digest(paths.data_dir)
    for attempt in ("wrong", CANARY_PASSPHRASE.upper(), CANARY_PASSPHRASE + " ", "x" * 1000):
        with pytest.raises(WrongPassphraseError) as err:
            vault.unlock(paths, passphrase=attempt)
        assert str(err.value) == "Wrong passphrase or recovery key."
        assert not isinstance(err.value, DamagedJournalError)
    assert _digest(paths.data_dir) == before


def test_b9_recovery_path_restores_the_keyring_entry(
    journal: tuple[JournalPaths, vault.NewKey], memory_keyring: MemoryKeyring
) -> None:
    """B9: keyring entry deleted; the passphrase slot unwraps the same key, which goes back into the keyring."""
    paths, new = journal
    memory_keyring.secrets.clear()
    with pytest.raises(JournalLockedError, match="not found in MemoryKeyring"):
        vault.unlock(paths)
    unlocked = vault.unlock(paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.key == new.key
    assert unlocked.notice is not None and "stored again" in unlocked.notice and "MemoryKeyring" in unlocked.notice
    assert len(memory_keyring.secrets) == 1
    assert vault.unlock(paths).key == new.key
    assert vault.unlock(paths, passphrase=CANARY_PASSPHRASE).notice is None  # nothing to repair any more
    conn = driver.connect(paths.database, vault.unlock(paths).key)  # the very same database key
    conn.close()


def test_passphrase_unlock_adds_a_keyring_slot_when_there_was_none(
    journal_paths: JournalPaths, memory_keyring: MemoryKeyring
) -> None:
    """No keyring when the journal was made (not declined: see test_keyring_faults for --no-keyring)."""
    keyring.set_keyring(fail.Keyring())
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    keyring.set_keyring(memory_keyring)
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.notice is not None and "now also stored" in unlocked.notice
    assert vault.unlock(journal_paths).key == new.key


def test_keyring_entry_of_another_journal_is_not_used(
    journal: tuple[JournalPaths, vault.NewKey], memory_keyring: MemoryKeyring
) -> None:
    paths, _ = journal
    (entry,) = memory_keyring.secrets
    memory_keyring.secrets[entry] = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(JournalLockedError, match="does not belong"):
        vault.unlock(paths)


def test_change_passphrase(journal: tuple[JournalPaths, vault.NewKey]) -> None:
    paths, new = journal
    assert vault.change_passphrase(paths, new.key, "second passphrase") is None
    with pytest.raises(WrongPassphraseError):
        vault.unlock(paths, passphrase=CANARY_PASSPHRASE)
    assert vault.unlock(paths, passphrase="second passphrase").key == new.key
    assert vault.unlock(paths).via == "keyring"  # the keyring slot survives a passphrase change
    recovery = vault.change_passphrase(paths, new.key, None)
    assert recovery is not None
    assert vault.unlock(paths, passphrase=recovery).key == new.key
    with pytest.raises(WrongPassphraseError):
        vault.unlock(paths, passphrase="second passphrase")
    with pytest.raises(KeySlotError):
        vault.change_passphrase(paths, bytes(32), "stolen")
    with pytest.raises(ValidationError):
        vault.change_passphrase(paths, new.key, "")
    conn = driver.connect(paths.database, new.key)  # the database was never re-encrypted
    conn.close()


def test_forget_and_store_keyring(journal: tuple[JournalPaths, vault.NewKey], memory_keyring: MemoryKeyring) -> None:
    paths, new = journal
    vault.forget_keyring(paths)
    assert memory_keyring.secrets == {}
    assert "keyring slot: none" in " ".join(vault.slot_summary(paths))
    with pytest.raises(JournalLockedError):
        vault.unlock(paths)
    vault.forget_keyring(paths)  # idempotent
    status = vault.store_in_keyring(paths, new.key)
    assert status.usable and status.backend == "MemoryKeyring"
    assert vault.unlock(paths).key == new.key
    with pytest.raises(KeySlotError):
        vault.store_in_keyring(paths, bytes(32))


def test_slot_summary(journal: tuple[JournalPaths, vault.NewKey], memory_keyring: MemoryKeyring) -> None:
    paths, _ = journal
    lines = vault.slot_summary(paths)
    assert lines[0].startswith("key-slot file: format 1")
    assert lines[1] == "passphrase slot: argon2id m=64 t=1 p=1 salt=16 bytes"
    assert lines[2] == "keyring slot: MemoryKeyring (found)"
    memory_keyring.secrets.clear()
    assert vault.slot_summary(paths)[2] == "keyring slot: MemoryKeyring (not found)"


def test_keyring_status_reports_the_backend() -> None:
    status = vault.keyring_status()
    assert status == vault.keystore.KeyringStatus(
        "MemoryKeyring", True, "The system keyring (MemoryKeyring) is available."
    )


# --- B11: secrets never land anywhere ----------------------------------------------------------------------


def test_b11_canary_key_and_passphrase_never_written_or_logged(
    journal_paths: JournalPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """B11: with the canary as data key and passphrase, run every key operation; grep files, temp dir, logs."""
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    real_new_key = keyslots.new_data_key
    keys = iter([bytearray(CANARY_KEY)])
    monkeypatch.setattr(keyslots, "new_data_key", lambda: next(keys, None) or real_new_key())
    caplog.set_level(logging.DEBUG)
    second = CANARY_PASSPHRASE + "-2"

    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert new.key == CANARY_KEY
    _make_db(journal_paths, new.key, text=CANARY)
    vault.unlock(journal_paths)
    vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    errors = []
    for wrong in (CANARY_PASSPHRASE + "x", second):
        with pytest.raises(WrongPassphraseError) as err:
            vault.unlock(journal_paths, passphrase=wrong)
        errors.append(str(err.value))
    vault.change_passphrase(journal_paths, new.key, second)
    vault.slot_summary(journal_paths)
    conn = driver.connect(journal_paths.database, new.key)
    backup.create_backup(conn, journal_paths, new.key, reason="manual", now=datetime.now(UTC))
    conn.close()
    vault.forget_keyring(journal_paths)
    vault.store_in_keyring(journal_paths, new.key)

    for secret in (CANARY_KEY, CANARY_PASSPHRASE, second, CANARY):
        assert find_secret(secret, journal_paths.data_dir, temp, tmp_path) == []
    out, err_text = capfd.readouterr()
    logged = caplog.text + " ".join(repr(r.args) for r in caplog.records) + out + err_text + " ".join(errors)
    for secret in (CANARY_KEY, CANARY_PASSPHRASE, second):
        for form in secret_forms(secret):
            assert form.decode("latin-1") not in logged
    assert "key-slot file written" in caplog.text  # the logs were really captured


# --- H1 ----------------------------------------------------------------------------------------------------


def test_h1_files_land_under_the_xdg_data_dir(isolated_environment: Path) -> None:
    """H1: with XDG_DATA_HOME set (HOME with a space and an accent), the journal lives under it and nowhere else.

    Windows has no XDG: the journal goes to %LOCALAPPDATA%\\recipro, the known folder the fixture moved into the
    same temporary home (WIN_PD_OVERRIDE_LOCAL_APPDATA)."""
    paths = JournalPaths(default_data_dir())
    base = isolated_environment / "AppData" / "Local" if WINDOWS else Path(os.environ["XDG_DATA_HOME"])
    assert paths.data_dir == base / "recipro"
    new = vault.create_key_slots(paths, passphrase=CANARY_PASSPHRASE)
    _make_db(paths, new.key)
    conn = driver.connect(paths.database, new.key)
    backup.create_backup(conn, paths, new.key, reason="manual", now=datetime.now(UTC))
    conn.close()
    created = {p for p in isolated_environment.rglob("*") if p.is_file()}
    assert created, "nothing was written"
    assert all(paths.data_dir in p.parents for p in created)
    assert_private_dir(paths.data_dir)
    assert " " in str(isolated_environment) and "é" in str(isolated_environment)
