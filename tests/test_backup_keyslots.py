"""Backups that verify for real, carry their key slots, and say when key slots are another journal's (I3, I4, I9).

Every fault is on disk for real: 0-byte, 1-byte, truncated and byte-flipped backup files among good ones; a
deleted, truncated or garbled ``keyslots.json``; two journals under the same passphrase with their key-slot files
swapped. The ``recipro`` command runs as a user runs it (``cli.main``), and the tests look at its exit code, its
message and what is left on disk.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recipro_desktop import cli
from recipro_desktop.core.errors import (
    BackupError,
    DamagedJournalError,
    ForeignKeySlotsError,
    KeySlotError,
)
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import open_journal
from recipro_desktop.storage import backup, backup_file, driver

PASSPHRASE = "quiet-harbour-lantern-42"
NOW = datetime.now(UTC)


def run(*argv: str) -> tuple[int, str, str]:
    """Run ``recipro`` in-process with no terminal; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_err = sys.stderr
    sys.stderr = err
    try:
        code = cli.main(list(argv), stdin=io.StringIO(""), stdout=out)
    finally:
        sys.stderr = old_err
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def make_journal(folder: Path, secret: Path | None, people: int) -> str | None:
    """``recipro init --no-keyring`` (with ``secret``, else a recovery key, returned) and ``people`` people."""
    args = ["--data-dir", str(folder)] + (["--passphrase-file", str(secret)] if secret else []) + ["init"]
    code, out, err = run(*args, "--no-keyring")
    assert code == 0, err
    recovery = None
    if secret is None:
        lines = out.splitlines()
        recovery = lines[lines.index("Your recovery key (write it down and keep it safe; it is shown only once):") + 1]
        recovery = recovery.strip()
    add_people(folder, secret.read_text().strip() if secret else str(recovery), people)
    return recovery


def add_people(folder: Path, passphrase: str, count: int, prefix: str = "Person") -> None:
    journal = open_journal(JournalPaths(folder), passphrase=passphrase)
    try:
        start = journal.service.stats().get("people", 0)
        for i in range(count):
            journal.service.add_person(Person(display_name=f"{prefix} {start + i}"))
    finally:
        journal.close()


def people(folder: Path, secret: Path) -> int:
    code, out, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "stats", "--json")
    assert code == 0, err
    return int(json.loads(out)["people"])


def make_backup(folder: Path, secret: Path) -> Path:
    code, out, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "backup")
    assert code == 0, err
    return Path(out.split("Backup written and verified: ", 1)[1].rsplit(" (", 1)[0])


def flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as fh:  # test-side fault on a closed backup file
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x10]))


def legacy_backup(folder: Path, secret: Path, name: str) -> Path:
    """A backup as Recipro 0.1 made it: the bare database (backup API, rollback journal), no key slots."""
    journal = open_journal(JournalPaths(folder), passphrase=secret.read_text().strip())
    target = JournalPaths(folder).backups / name
    target.parent.mkdir(mode=0o700, exist_ok=True)
    try:
        with journal.database.raw_connection() as conn:
            driver.backup_to(conn, target, journal.key)
    finally:
        journal.close()
    return target


# --- I3: verification opens the backup with its key -----------------------------------------------------------


def damaged_copies(good: Path, folder: Path, when: datetime) -> dict[str, Path]:
    """0-byte, 1-byte, truncated and byte-flipped backups, named as backups newer than ``good``."""
    stamp = lambda n: (when + timedelta(days=n)).strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    data = good.read_bytes()
    with zipfile.ZipFile(good) as archive:
        db_offset = archive.getinfo(backup_file.DB_MEMBER).header_offset + 100
    files = {
        "zero-byte": (folder / f"journal-{stamp(1)}-daily.db", b""),
        "one-byte": (folder / f"journal-{stamp(2)}-daily.db", b"\x00"),
        "zero-byte-zip": (folder / f"journal-{stamp(3)}-daily.zip", b""),
        "truncated": (folder / f"journal-{stamp(4)}-daily.zip", data[: len(data) // 2]),
        "byte-flipped": (folder / f"journal-{stamp(5)}-daily.zip", data),
    }
    for path, content in files.values():
        path.write_bytes(content)
    flip(files["byte-flipped"][0], db_offset + 3 * 4096 + 500)
    return {name: path for name, (path, _) in files.items()}


def test_i3_verification_refuses_empty_tiny_truncated_and_flipped_backups(tmp_path: Path, secret: Path) -> None:
    """I3: a 0- or 1-byte file opens in SQLite as an empty database; verification must open the backup with its
    key and check it (integrity, page HMACs, tables, counts), so none of these passes, in either format."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=5)
    good = make_backup(folder, secret)
    legacy = legacy_backup(folder, secret, "journal-20000101T000000Z-daily.db")
    key = open_journal(JournalPaths(folder), passphrase=PASSPHRASE)
    key.close()
    assert backup.verify_backup(good, key.key) and backup.verify_backup(legacy, key.key)
    bad = damaged_copies(good, tmp_path, NOW)
    bad["legacy-truncated"] = tmp_path / "legacy-truncated.db"
    bad["legacy-truncated"].write_bytes(legacy.read_bytes()[:4096])
    bad["legacy-flipped"] = tmp_path / "legacy-flipped.db"
    shutil.copyfile(legacy, bad["legacy-flipped"])
    flip(bad["legacy-flipped"], 2 * 4096 + 300)
    for name, path in bad.items():
        assert not backup.verify_backup(path, key.key), name
        assert backup.backup_problem(path, key.key), name
    assert backup.backup_problem(bad["zero-byte"], key.key) == "it is empty (0 bytes)"
    assert backup.backup_problem(bad["one-byte"], key.key) == "it holds no tables (an empty or cut-off file)"


@pytest.mark.parametrize("keep", [1, 2, 3, 4])
def test_i3_rotation_never_counts_a_damaged_backup_nor_prunes_the_good_one(
    tmp_path: Path, secret: Path, keep: int
) -> None:
    """I3/D5: damaged backups newer than the only good one (a clock that ran ahead): rotation with keep=1..4 keeps
    the good one, counts none of the damaged, deletes none of them, and reports each with its reason."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=4)
    good = make_backup(folder, secret)
    bad = damaged_copies(good, JournalPaths(folder).backups, NOW + timedelta(days=30))
    opened = open_journal(JournalPaths(folder), passphrase=PASSPHRASE)
    opened.close()
    rotation = backup.rotate_backups(JournalPaths(folder), opened.key, keep=keep)
    assert rotation.deleted == []
    assert rotation.kept_verified == 1
    assert good.exists() and all(path.exists() for path in bad.values())
    assert sorted(path for path, _ in rotation.failed) == sorted(bad.values())


def test_i3_recipro_backup_reports_damaged_backups_and_keeps_the_good_ones(tmp_path: Path, secret: Path) -> None:
    """I3: ``recipro backup`` (keep = 1) with damaged files that look newest: the new backup is made and kept,
    the user is told about each damaged file (kept, not counted), and only the older good backup is pruned."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=4)
    older = make_backup(folder, secret)
    journal = open_journal(JournalPaths(folder), passphrase=PASSPHRASE)
    journal.service.set_setting("backup_keep", 1)
    journal.close()
    bad = damaged_copies(older, JournalPaths(folder).backups, NOW + timedelta(days=30))
    code, out, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "backup")
    assert code == 0, err
    newest = Path(out.split("Backup written and verified: ", 1)[1].rsplit(" (", 1)[0])
    assert newest.exists() and not older.exists()
    assert "Pruned 1 older backup(s); kept the newest 1 verified." in out
    for path in bad.values():
        assert path.exists()
        assert f"recipro: the backup {path} failed verification (" in err
    assert "it is empty (0 bytes)" in err
    assert "it is not a complete backup archive" in err  # the truncated zip
    assert "did not read back" in err or "is damaged" in err  # the CRC of the flipped member


# --- I4: backups carry their key slots -----------------------------------------------------------------------


def test_i4_a_backup_is_one_file_with_the_database_and_its_key_slots(tmp_path: Path, secret: Path) -> None:
    """I4: one zip holding journal.db and keyslots.json; unzipped, it is a data folder Recipro opens."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=3)
    made = make_backup(folder, secret)
    with zipfile.ZipFile(made) as archive:
        assert set(archive.namelist()) == {"README.txt", "journal.db", "keyslots.json"}
        assert archive.read("keyslots.json") == (folder / "keyslots.json").read_bytes()
        archive.extractall(tmp_path / "unzipped")
    assert people(tmp_path / "unzipped", secret) == 3


def _damage_slots(path: Path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        os.truncate(path, path.stat().st_size // 3)
    else:
        data = bytearray(path.read_bytes())
        for i in range(40, len(data), 7):
            data[i] = 0x41
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("credential", ["passphrase", "recovery key"])
@pytest.mark.parametrize("how", ["deleted", "truncated", "garbled"])
def test_i4_restore_brings_back_lost_key_slots(tmp_path: Path, secret: Path, how: str, credential: str) -> None:
    """I4: the journal's keyslots.json deleted, truncated or garbled: ``recipro restore FILE`` with the passphrase
    (or the recovery key) unlocks the backup's own key slots and puts them back; the journal opens with all
    the backup's data, and a damaged key-slot file is kept aside."""
    folder = tmp_path / "journal"
    recovery = make_journal(folder, secret if credential == "passphrase" else None, people=6)
    if recovery is not None:
        secret.write_text(recovery + "\n")
    made = make_backup(folder, secret)
    add_people(folder, secret.read_text().strip(), 2, prefix="After")
    slots = folder / "keyslots.json"
    _damage_slots(slots, how)
    damaged = None if how == "deleted" else slots.read_bytes()
    code, _, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "stats")
    assert code == KeySlotError.exit_code, err  # the journal is locked out until the restore
    code, out, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "restore", str(made))
    assert code == 0, err
    assert "The key slots were restored from the backup too." in out
    assert people(folder, secret) == 6
    kept = sorted(folder.glob("keyslots.json.before-restore-*"))
    if damaged is None:
        assert kept == []
    else:
        assert [p.read_bytes() for p in kept] == [damaged]
        assert f"The previous key-slot file was kept as {kept[0]}." in out


def test_i4_a_backup_copied_alone_restores_into_an_empty_folder(tmp_path: Path, secret: Path) -> None:
    """I4: the one backup file copied to a "USB stick", restored into an empty data folder elsewhere."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=5)
    made = make_backup(folder, secret)
    stick = tmp_path / "usb stick"
    stick.mkdir()
    copy = stick / made.name
    shutil.copyfile(made, copy)
    shutil.rmtree(folder)
    fresh = tmp_path / "new computer" / "recipro"
    code, out, err = run("--data-dir", str(fresh), "--passphrase-file", str(secret), "restore", str(copy))
    assert code == 0, err
    assert "The key slots were restored from the backup too." in out
    assert people(fresh, secret) == 5


def test_i4_old_format_backup_restores_with_the_journal_key_slots(tmp_path: Path, secret: Path) -> None:
    """I4: a 0.1 backup (the bare database, no key slots) still restores when the journal's key slots fit it;
    with the journal's key-slot file gone it cannot, and says why."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=4)
    old = legacy_backup(folder, secret, "journal-20240101T000000Z-daily.db")
    add_people(folder, PASSPHRASE, 3, prefix="After")
    code, out, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "restore", str(old))
    assert code == 0, err
    assert "key slots were restored" not in out
    assert people(folder, secret) == 4
    (folder / "keyslots.json").unlink()
    code, _, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "restore", str(old))
    assert code == KeySlotError.exit_code
    assert "does not carry its own" in err and err.startswith("recipro: ")


# --- I9: another journal's key slots ---------------------------------------------------------------------------


@pytest.fixture
def swapped(tmp_path: Path, secret: Path) -> tuple[Path, Path]:
    """Two journals under the same passphrase, each with a backup of each format, then key-slot files swapped."""
    a, b = tmp_path / "a", tmp_path / "b"
    make_journal(a, secret, people=3)
    make_journal(b, secret, people=7)
    make_backup(a, secret)
    legacy_backup(a, secret, "journal-20240101T000000Z-daily.db")
    slots_a, slots_b = (a / "keyslots.json").read_bytes(), (b / "keyslots.json").read_bytes()
    (a / "keyslots.json").write_bytes(slots_b)
    (b / "keyslots.json").write_bytes(slots_a)
    return a, b


FOREIGN = "belongs to another journal: its key does not open this database."


@pytest.mark.parametrize("command", ["stats", "check"])
def test_i9_swapped_key_slots_are_called_foreign_not_damaged(
    swapped: tuple[Path, Path], secret: Path, command: str
) -> None:
    """I9: another journal's key-slot file under the same passphrase unlocks, but its key opens no page of this
    database: exit 24, "belongs to another journal", never "damaged"; nothing on disk changes."""
    a, _b = swapped
    before = {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()}
    code, _, err = run("--data-dir", str(a), "--passphrase-file", str(secret), command)
    assert code == ForeignKeySlotsError.exit_code, err
    assert err.splitlines()[-1] == f"recipro: The key-slot file {a / 'keyslots.json'} {FOREIGN}"
    assert "damaged" not in err
    assert {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()} == before


def test_i9_restore_of_an_old_backup_with_foreign_slots_says_so(swapped: tuple[Path, Path], secret: Path) -> None:
    """I9: restoring a 0.1 backup (no slots of its own) with another journal's key slots: exit 24, not "the backup
    is damaged"; nothing is changed."""
    a, _b = swapped
    old = JournalPaths(a).backups / "journal-20240101T000000Z-daily.db"
    before = {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()}
    code, _, err = run("--data-dir", str(a), "--passphrase-file", str(secret), "restore", str(old))
    assert code == ForeignKeySlotsError.exit_code, err
    assert FOREIGN in err and "damaged" not in err
    assert {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()} == before


def test_i9_restore_of_a_new_backup_repairs_swapped_slots(swapped: tuple[Path, Path], secret: Path) -> None:
    """I9 + I4: a backup that carries its key slots restores over the swapped ones (kept aside) and opens."""
    a, b = swapped
    new = next(JournalPaths(a).backups.glob("*.zip"))
    foreign = (a / "keyslots.json").read_bytes()
    code, out, err = run("--data-dir", str(a), "--passphrase-file", str(secret), "restore", str(new))
    assert "The key slots were restored from the backup too." in out
    assert code == 0, err
    assert people(a, secret) == 3
    assert [p.read_bytes() for p in a.glob("keyslots.json.before-restore-*")] == [foreign]
    assert (a / "keyslots.json").read_bytes() == (b / "keyslots.json").read_bytes()  # b still holds a's slots


@pytest.mark.parametrize(
    "damage",
    ["salt-zeroed", "page-1-flipped", "page-2-flipped", "cut-to-half"],
)
def test_i9_a_really_damaged_database_still_says_damaged(tmp_path: Path, secret: Path, damage: str) -> None:
    """I9: the right key slots and a damaged database: exit 13 "damaged", never "another journal"."""
    folder = tmp_path / "journal"
    make_journal(folder, secret, people=40)
    database = folder / "journal.db"
    assert database.stat().st_size >= 4 * 4096
    if damage == "salt-zeroed":
        with open(database, "r+b") as fh:
            fh.write(bytes(16))
    elif damage == "page-1-flipped":
        flip(database, 200)
    elif damage == "page-2-flipped":
        flip(database, 4096 + 200)
    else:
        os.truncate(database, database.stat().st_size // 2 // 4096 * 4096)
    code, _, err = run("--data-dir", str(folder), "--passphrase-file", str(secret), "stats")
    assert code == DamagedJournalError.exit_code, err
    assert "damaged" in err or "integrity" in err
    assert "another journal" not in err


def test_i9_another_journals_backup_is_refused_over_a_sound_journal(tmp_path: Path, secret: Path) -> None:
    """I9: the journal here is sound and its slots fit it; a backup of another journal under the same passphrase
    (either format) is refused as "another journal's" (exit 21), never restored over it nor called damaged."""
    a, b = tmp_path / "a", tmp_path / "b"
    make_journal(a, secret, people=3)
    make_journal(b, secret, people=7)
    for made in (make_backup(b, secret), legacy_backup(b, secret, "journal-20240101T000000Z-daily.db")):
        before = {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()}
        code, _, err = run("--data-dir", str(a), "--passphrase-file", str(secret), "restore", str(made))
        assert code == BackupError.exit_code, err
        assert f"The backup {made.name} belongs to another journal" in err and "damaged" not in err
        assert {p.name: p.read_bytes() for p in a.iterdir() if p.is_file()} == before
    assert people(a, secret) == 3
