"""Damaged, truncated, tampered and foreign files at the journal path (RELIABILITY A6, A7, B5, B6, B8).

SQLCipher answers a wrong key and a damaged header alike ("file is not a database"). These tests prove the
split the user sees: the key-slot file decides "wrong passphrase" *before* the database is touched, so a
database that fails to open with a verified key is reported as damaged, and the damaged file is never
modified by the attempt.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recipro_desktop.core.errors import DamagedJournalError, WrongPassphraseError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import backup, driver, vault
from tests.conftest import CANARY, CANARY_PASSPHRASE

PAGE = 4096


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


@pytest.fixture
def closed_journal(journal_paths: JournalPaths) -> JournalPaths:
    """A closed journal of ~30 pages, all in use (inserts only: no free pages a flip could hide in)."""
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    conn = driver.connect(journal_paths.database, new.key, create=True)
    conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    conn.execute("CREATE INDEX note_body ON note(body)")
    conn.execute("BEGIN")
    for i in range(150):
        conn.execute("INSERT INTO note (body) VALUES (?)", (f"{CANARY} {i:04d} " + "x" * 300,))
    conn.execute("COMMIT")
    conn.close()
    assert not journal_paths.wal.exists()  # checkpointed on close: everything is in journal.db
    assert journal_paths.database.stat().st_size >= 20 * PAGE
    return journal_paths


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zero_header(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.write(b"\0" * 100)


def _png_over(path: Path) -> None:
    path.write_bytes(_png())


def _text_over(path: Path) -> None:
    path.write_text("name,note\nAlice,hello\n", encoding="utf-8")


def _truncate_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _overwrite_4k_mid(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek((size // 2) // PAGE * PAGE + 1000)
        fh.write(os.urandom(4096))


def _flip_byte(offset: int) -> Callable[[Path], None]:
    def flip(path: Path) -> None:
        with open(path, "r+b") as fh:
            fh.seek(offset)
            byte = fh.read(1)
            fh.seek(offset)
            fh.write(bytes([byte[0] ^ 0x01]))

    return flip


DAMAGE = {
    "a6-zeroed-header": _zero_header,
    "a6-png": _png_over,
    "a6-text-file": _text_over,
    "a7-truncated-half": _truncate_half,
    "a7-4k-overwritten-mid-file": _overwrite_4k_mid,
    "a7-one-byte-flipped-mid-file": _flip_byte(12 * PAGE + 777),
    "b8-one-byte-flipped-page-2": _flip_byte(PAGE + 100),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_file_is_reported_as_damaged_not_wrong_passphrase(
    closed_journal: JournalPaths, damage: Callable[[Path], None]
) -> None:
    """A6/A7/B6/B8: the key is verified by the key-slot file (both slots), then the open fails as *damaged*;
    the damaged file is not modified by the attempt and no journal is created in its place."""
    paths = closed_journal
    damage(paths.database)
    damaged_sha = _sha(paths.database)
    by_keyring = vault.unlock(paths)
    by_passphrase = vault.unlock(paths, passphrase=CANARY_PASSPHRASE)
    assert by_keyring.key == by_passphrase.key
    assert vault.check_key(paths, by_keyring.key)
    with pytest.raises(DamagedJournalError) as err:
        driver.connect(paths.database, by_keyring.key)
    message = str(err.value)
    assert "damaged" in message or "integrity check" in message
    assert "passphrase" not in message.lower()
    assert not isinstance(err.value, WrongPassphraseError)
    assert _sha(paths.database) == damaged_sha
    assert CANARY not in message
    with pytest.raises(WrongPassphraseError):  # a wrong passphrase is still told apart (B5)
        vault.unlock(paths, passphrase="not the passphrase")


def test_a7_damaged_file_is_moved_aside_not_repaired(closed_journal: JournalPaths) -> None:
    """A7: the app's reaction: keep the damaged file byte-identical beside the journal, then restore."""
    paths = closed_journal
    key = vault.unlock(paths).key
    conn = driver.connect(paths.database, key)
    made = backup.create_backup(conn, paths, key, reason="daily", now=datetime(2024, 5, 1, tzinfo=UTC))
    conn.close()
    _overwrite_4k_mid(paths.database)
    damaged_sha = _sha(paths.database)
    with pytest.raises(DamagedJournalError):
        driver.connect(paths.database, key)
    aside = backup.restore_backup(paths, key, made.path, now=datetime(2024, 5, 2, tzinfo=UTC))
    assert aside is not None and _sha(aside) == damaged_sha
    conn = driver.connect(paths.database, key)
    assert conn.execute("SELECT count(*) FROM note").fetchone()[0] == 150
    conn.close()


def test_b8_tampered_page_listed_by_cipher_integrity_check(closed_journal: JournalPaths) -> None:
    """B8: one flipped byte in page 2 fails the per-page HMAC; the full check names the page (no content)."""
    paths = closed_journal
    key = vault.unlock(paths).key
    _flip_byte(PAGE + 100)(paths.database)
    conn = driver.connect(paths.database, key, quick_check=False)  # page 1 is intact: the schema reads
    try:
        quick = backup.integrity_check(conn, full=False)
        full = backup.integrity_check(conn, full=True)
    finally:
        conn.close()
    assert not quick.ok
    assert not full.ok and full.full
    assert "HMAC verification failed for page 2" in full.problems
    assert all(CANARY not in p for p in full.problems)


def test_b6_header_zeroed_unlock_succeeds_open_says_damaged(closed_journal: JournalPaths) -> None:
    """B6: the passphrase is right (the key check passes), so the user hears "damaged", never "wrong"."""
    paths = closed_journal
    _zero_header(paths.database)
    unlocked = vault.unlock(paths, passphrase=CANARY_PASSPHRASE)
    with pytest.raises(DamagedJournalError, match="damaged or is not a Recipro journal"):
        driver.connect(paths.database, unlocked.key)


def test_wrong_key_at_the_driver_is_indistinguishable_which_is_why_slots_decide(closed_journal: JournalPaths) -> None:
    """The driver alone cannot tell a wrong key from damage (SQLCipher's NOTADB for both): the key check must."""
    with pytest.raises(DamagedJournalError):
        driver.connect(closed_journal.database, os.urandom(32))
    assert not vault.check_key(closed_journal, os.urandom(32))
