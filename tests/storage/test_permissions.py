"""File modes, unusable paths and network/synced folders (RELIABILITY A10, A12, A14, H3).

Root ignores file modes, so the read-only rows run their code as ``nobody`` (tests.helpers.nonroot) and
are skipped, with the reason, only when that is impossible.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import backup, driver, fsutil, vault
from tests.conftest import CANARY_PASSPHRASE
from tests.helpers.nonroot import run_unprivileged, unprivileged_dir  # noqa: F401 (fixture)
from tests.helpers.platforms import assert_private, assert_private_dir, assert_private_file, posix_only


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a14_everything_private_under_a_permissive_umask(journal_paths: JournalPaths, umask_022: None) -> None:
    """A14: umask 022; an existing 0755 data dir is tightened; every file 0600, every folder 0700.

    Windows has no umask and no modes (os.umask and chmod(0o755) only touch the read-only flag there): the same
    steps run, and what A14 means there is checked instead: every file and folder stays inside the user's
    profile, on a local disk (tests.helpers.platforms.assert_private_*)."""
    journal_paths.data_dir.mkdir(parents=True, mode=0o755)
    journal_paths.data_dir.chmod(0o755)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert_private_dir(journal_paths.data_dir)
    conn = driver.connect(journal_paths.database, new.key, create=True)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    assert journal_paths.wal.exists() and journal_paths.shm.exists()
    for path in (journal_paths.database, journal_paths.wal, journal_paths.shm, journal_paths.keyslots):
        assert_private_file(path)
    made = backup.create_backup(conn, journal_paths, new.key, reason="manual", now=datetime(2024, 1, 1, tzinfo=UTC))
    conn.close()
    assert_private_dir(journal_paths.backups)
    assert_private_file(made.path)
    vault.change_passphrase(journal_paths, new.key, "another")
    assert_private_file(journal_paths.keyslots)
    aside = backup.restore_backup(journal_paths, new.key, made.path, now=datetime(2024, 1, 2, tzinfo=UTC))
    assert aside is not None
    assert_private_file(aside)
    assert_private_file(journal_paths.database)
    everything = [p for p in journal_paths.data_dir.rglob("*")]
    assert everything
    for path in everything:
        assert_private(path)


@posix_only("a folder's mode is what makes it loose; Windows folders have no mode to loosen or tighten")
def test_a14_loose_backup_folder_is_tightened(journal_paths: JournalPaths, umask_022: None) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    journal_paths.backups.mkdir(mode=0o755)
    journal_paths.backups.chmod(0o755)
    conn = driver.connect(journal_paths.database, new.key, create=True)
    backup.create_backup(conn, journal_paths, new.key, reason="manual", now=datetime(2024, 1, 1, tzinfo=UTC))
    conn.close()
    assert fsutil.file_mode(journal_paths.backups) == 0o700


def test_a4_atomic_write_mode_ignores_umask(tmp_path: Path, umask_022: None) -> None:
    """The new file is private whatever the umask (on Windows: no umask; the file is private by its place)."""
    target = tmp_path / "export.csv"
    fsutil.atomic_write_bytes(target, b"a,b\n")
    assert target.read_bytes() == b"a,b\n"
    assert_private_file(target)


# --- A10: unusable paths, as an unprivileged user -------------------------------------------------------------

_A10_CHILD = """
import json, os
from pathlib import Path
from recipro_desktop.core.errors import JournalError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import driver, keyslots, vault
keyslots.kdf_params = keyslots.KdfParams(64, 1, 1)
paths = JournalPaths(Path.cwd() / "journal")
key = vault.create_key_slots(paths, passphrase="pw").key
conn = driver.connect(paths.database, key, create=True)
conn.execute("CREATE TABLE t (x)")
conn.execute("INSERT INTO t VALUES (1)")
conn.close()
out = {"uid": os.geteuid()}

def attempt(label, **kwargs):
    try:
        c = driver.connect(paths.database, key, **kwargs)
        out[label] = ["opened", c.execute("SELECT count(*) FROM t").fetchone()[0]]
        c.close()
    except JournalError as exc:
        out[label] = [type(exc).__name__, str(exc)]
    out[label + "/files"] = sorted(os.listdir(paths.data_dir))

paths.database.chmod(0o444)
attempt("read-only file")
paths.database.chmod(0o600)
paths.data_dir.chmod(0o500)
attempt("read-only folder")
paths.data_dir.chmod(0o700)
paths.database.chmod(0o444)
attempt("read-only file, viewer", read_only=True)
paths.database.chmod(0o600)
elsewhere = Path.cwd() / "locked"
elsewhere.mkdir(mode=0o500)
try:
    driver.connect(elsewhere / "journal.db", key, create=True)
    out["create in read-only folder"] = "created"
except JournalError as exc:
    out["create in read-only folder"] = [type(exc).__name__, str(exc)]
out["locked/files"] = os.listdir(elsewhere)
print(json.dumps(out))
"""


@pytest.mark.nonroot
def test_a10_read_only_file_and_folder_as_nobody(unprivileged_dir: Path) -> None:  # noqa: F811
    """A10 (H3): a 0444 journal or a 0500 folder gives a clear message naming the path, no new files appear;
    a read-only viewer open still works on the read-only file."""
    result = run_unprivileged(_A10_CHILD, cwd=unprivileged_dir)
    assert result.returncode == 0, result.stderr
    out = result.value
    assert out["uid"] != 0
    data_dir = unprivileged_dir / "journal"
    expected_files = ["journal.db", "keyslots.json"]
    kind, message = out["read-only file"]
    assert kind == "StorageUnavailableError" and "read-only" in message and str(data_dir / "journal.db") in message
    assert out["read-only file/files"] == expected_files  # refused before SQLite left -wal/-shm behind
    assert out["read-only file, viewer"] == ["opened", 1]
    kind, message = out["read-only folder"]
    assert kind == "StorageUnavailableError" and "folder is read-only" in message and str(data_dir) in message
    assert out["read-only folder/files"] == expected_files
    kind, message = out["create in read-only folder"]
    assert kind == "StorageUnavailableError" and "locked" in message
    assert out["locked/files"] == []


# --- A12: network and synced folders ----------------------------------------------------------------------------


@pytest.fixture
def fake_mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake /proc/self/mountinfo with local, network, FUSE and synced mounts under tmp_path."""
    root = tmp_path / "fs"
    mounts = {
        "local": "ext4",
        "nfs home": "nfs4",  # a space, escaped as \\040 in mountinfo
        "smb": "cifs",
        "gdrive": "fuse.rclone",
        "vault": "fuse.gocryptfs",
        "sshfs": "fuse.sshfs",
    }
    lines = ["1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw"]
    for i, (name, fstype) in enumerate(mounts.items(), start=2):
        (root / name).mkdir(parents=True)
        point = str(root / name).replace(" ", "\\040")
        lines.append(f"{i} 1 0:{i} / {point} rw,relatime shared:{i} - {fstype} server:/export rw")
    info = tmp_path / "mountinfo"
    info.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(fsutil, "MOUNTINFO", info)
    return root


@pytest.mark.parametrize(
    ("where", "fstype", "warn"),
    [
        ("local/Recipro", "ext4", False),
        ("nfs home/me/.local/share/recipro", "nfs4", True),
        ("smb/recipro", "cifs", True),
        ("gdrive/recipro", "fuse.rclone", True),
        ("sshfs/recipro", "fuse.sshfs", True),
        ("vault/recipro", "fuse.gocryptfs", False),
        ("local/Dropbox/recipro", "ext4", True),
        ("local/OneDrive - Contoso/recipro", "ext4", True),
        ("local/Nextcloud/journal", "ext4", True),
    ],
)
def test_a12_network_and_sync_folders_detected(fake_mounts: Path, where: str, fstype: str, warn: bool) -> None:
    """A12: the setup warning's detector, from a fake mountinfo (the path need not exist yet)."""
    path = fake_mounts / where
    assert fsutil.filesystem_type(path) == fstype
    assert fsutil.is_network_or_sync_fs(path) is warn


def test_a12_unreadable_mountinfo_is_unknown_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsutil, "MOUNTINFO", tmp_path / "absent")
    assert fsutil.filesystem_type(tmp_path) == "unknown"
    assert fsutil.is_network_or_sync_fs(tmp_path) is False


@posix_only(
    "/proc/self/mountinfo is Linux's; Windows has none (under Wine the Linux file shows through drive Z:, but it "
    "names Linux mount points, which no Windows path matches)"
)
def test_a12_real_mountinfo_parses(tmp_path: Path) -> None:
    if not fsutil.MOUNTINFO.exists():
        pytest.skip("no /proc/self/mountinfo on this platform")
    assert fsutil.filesystem_type(tmp_path) not in {"", "unknown"}
