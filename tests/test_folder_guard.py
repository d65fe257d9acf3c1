"""I13: a journal folder open to other users is made private again at every open, or refused.

Every case runs the real ``recipro`` command in a child process on a real folder whose modes were loosened with
chmod (0777, 0775, 0757; files 0666). A folder given to another user runs as root with ``nobody`` as the other
user (or as ``nobody`` on root's folder, through tests.helpers.nonroot); a read-only file system is a real tmpfs
remounted read-only. POSIX only: Windows folders have no modes (their privacy is the profile's ACL).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from recipro_desktop.core.errors import UnsafeFolderError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from tests.helpers.nonroot import child_env, is_root, run_unprivileged, unprivileged_dir  # noqa: F401 (fixture)
from tests.helpers.platforms import WINDOWS

pytestmark = pytest.mark.skipif(
    WINDOWS, reason="POSIX only: Windows folders have no mode to loosen; the profile's ACL keeps the journal private"
)

PASSPHRASE = "quiet-harbour-lantern-42"
ROOT = Path(__file__).resolve().parents[1]
NOTICE = "was open to other users of this computer"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def recipro(data_dir: Path, *argv: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(workdir, {"RECIPRO_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT)})
    cmd = [sys.executable, "-m", "recipro_desktop", "--data-dir", str(data_dir), *argv]
    return subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


def make_journal(data_dir: Path, workdir: Path) -> JournalPaths:
    """A journal with one verified backup, all made private (A14) by Recipro itself."""
    paths = JournalPaths(data_dir)
    create_journal(paths, passphrase=PASSPHRASE, use_keyring=False).journal.close()
    done = recipro(data_dir, "backup", workdir=workdir)
    assert done.returncode == 0, done.stderr
    return paths


def loosen(paths: JournalPaths, folder_mode: int) -> list[Path]:
    """chmod the folder and backups/ to ``folder_mode`` and every file to 0666; returns the files."""
    files = [p for p in paths.data_dir.rglob("*") if p.is_file()]
    for path in files:
        path.chmod(0o666)
    paths.backups.chmod(folder_mode)
    paths.data_dir.chmod(folder_mode)
    return files


@pytest.mark.parametrize(
    ("folder_mode", "command", "exit_code"),
    [(0o777, ["stats"], 0), (0o775, ["check"], 1), (0o757, ["backup"], 0)],
    ids=["0777-stats", "0775-check", "0757-backup"],
)
def test_i13_a_loose_folder_is_made_private_and_the_user_told_once(
    tmp_path: Path, workdir: Path, folder_mode: int, command: list[str], exit_code: int
) -> None:
    """I13: 0777/0775/0757 folder, 0666 files; a real `recipro <command>`: folder 0700, files 0600, one notice
    (`check` also fails that once: it found, and fixed, a problem)."""
    paths = make_journal(tmp_path / "journal", workdir)
    files = loosen(paths, folder_mode)
    assert len(files) >= 3  # journal.db, keyslots.json, a backup
    done = recipro(paths.data_dir, *command, workdir=workdir)
    assert done.returncode == exit_code, done.stdout + done.stderr
    notices = [line for line in done.stderr.splitlines() if "open to other users" in line]
    assert len(notices) == 1, done.stderr  # one line, no log line repeating it
    assert notices[0].startswith(f"recipro: The journal folder {paths.data_dir} was open to other users")
    assert f"folder {folder_mode:o}" in notices[0] and "journal.db 666" in notices[0]
    assert mode(paths.data_dir) == 0o700 and mode(paths.backups) == 0o700
    for path in paths.data_dir.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    again = recipro(paths.data_dir, "stats", workdir=workdir)
    assert again.returncode == 0 and NOTICE not in again.stderr  # told once: it is private now


def test_i13_restore_makes_the_folder_private_first(tmp_path: Path, workdir: Path) -> None:
    """I13: `recipro restore` (which unlocks without opening) tightens too, and says so."""
    paths = make_journal(tmp_path / "journal", workdir)
    (made,) = sorted(paths.backups.iterdir())
    loosen(paths, 0o777)
    done = recipro(paths.data_dir, "restore", str(made), workdir=workdir)
    assert done.returncode == 0, done.stderr
    assert NOTICE in done.stderr
    assert mode(paths.data_dir) == 0o700 and mode(paths.keyslots) == 0o600 and mode(paths.database) == 0o600


@pytest.mark.parametrize("name", ["journal.db", "keyslots.json"])
def test_i13_a_journal_file_that_is_a_symlink_is_refused(tmp_path: Path, workdir: Path, name: str) -> None:
    """I13: a journal file replaced by a link to a file elsewhere (what a world-writable folder allows) is never
    followed: exit 56 with the link named, the file it points to untouched."""
    paths = make_journal(tmp_path / "journal", workdir)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / name
    shutil.move(paths.data_dir / name, target)
    target.chmod(0o644)
    (paths.data_dir / name).symlink_to(target)
    before = target.read_bytes()
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == UnsafeFolderError.exit_code == 56, done.stderr
    assert done.stderr.startswith(f"recipro: The journal file {paths.data_dir / name} is a symbolic link (to {target})")
    assert len(done.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == before and mode(target) == 0o644
    assert not (elsewhere / f"{name}-wal").exists()


needs_root = pytest.mark.skipif(
    not is_root(), reason="giving a folder to another user (chown) needs root; run as root (CI does) to check it"
)


@needs_root
def test_i13_a_folder_of_another_user_is_refused_and_left_alone(tmp_path: Path, workdir: Path) -> None:
    """I13: root opening a 0777 journal folder that belongs to `nobody`: refused (it could tighten it, but the
    owner could still swap its files), exit 56, nothing changed."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    paths = make_journal(tmp_path / "journal", workdir)
    loosen(paths, 0o777)
    for path in [paths.data_dir, *paths.data_dir.rglob("*")]:
        os.lchown(path, nobody.pw_uid, nobody.pw_gid)
    before = {p: (mode(p), p.stat().st_uid) for p in [paths.data_dir, *paths.data_dir.rglob("*")]}
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == 56, done.stderr
    assert done.stderr.strip() == (
        f"recipro: The journal folder {paths.data_dir} belongs to another user of this computer (user id "
        f"{nobody.pw_uid}), who could read or replace the journal's files: Recipro opens only folders and files of "
        "your own."
    )
    assert {p: (mode(p), p.stat().st_uid) for p in [paths.data_dir, *paths.data_dir.rglob("*")]} == before


@needs_root
def test_i13_a_journal_file_of_another_user_is_refused(tmp_path: Path, workdir: Path) -> None:
    """I13: a keyslots.json planted by another user in a folder of ours: refused, exit 56."""
    paths = make_journal(tmp_path / "journal", workdir)
    os.chown(paths.keyslots, 65534, 65534)
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == 56
    assert f"The journal file {paths.keyslots} belongs to another user" in done.stderr


_AS_NOBODY = """
import json
from recipro_desktop.cli import main
print(json.dumps(main(["--data-dir", {data!r}, "stats"])))
"""


@needs_root
def test_i13_nobody_refuses_a_world_writable_journal_of_root(unprivileged_dir: Path, workdir: Path) -> None:  # noqa: F811
    """I13, the other way round: `nobody` meets root's 0777 journal (files 0666, so it could open it): refused,
    exit 56, nothing changed."""
    paths = make_journal(unprivileged_dir / "journal", workdir)
    loosen(paths, 0o777)
    before = {p: mode(p) for p in [paths.data_dir, *paths.data_dir.rglob("*")]}
    env = child_env(unprivileged_dir, {"RECIPRO_PASSPHRASE": PASSPHRASE})
    res = run_unprivileged(_AS_NOBODY.format(data=str(paths.data_dir)), cwd=unprivileged_dir, env=env)
    assert res.value == 56, res.stderr
    assert "belongs to another user of this computer (user id 0)" in res.stderr
    assert {p: mode(p) for p in [paths.data_dir, *paths.data_dir.rglob("*")]} == before


@pytest.fixture
def read_only_volume() -> Iterator[Path]:
    """A real, empty tmpfs (root only); the test remounts it read-only."""
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs to make read-only needs root and mount(8)")
    point = Path(tempfile.mkdtemp(prefix="recipro-ro-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)], check=False).returncode:
        point.rmdir()
        pytest.skip("this machine does not let the tests mount a tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
        point.rmdir()


def test_i13_a_loose_folder_on_a_read_only_file_system_is_refused(read_only_volume: Path, workdir: Path) -> None:
    """I13: a 0777 journal folder on a read-only file system cannot be tightened: refused with the reason."""
    point = read_only_volume
    paths = make_journal(point / "journal", workdir)
    loosen(paths, 0o777)
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == 56, done.stderr
    assert done.stderr.strip() == (
        f"recipro: {paths.data_dir} is open to other users of this computer (mode 777) and could not be made "
        f"private (the file system is read-only), so Recipro will not open the journal in {paths.data_dir}: copy "
        "the folder to a private place of your own and open it there (--data-dir)."
    )
    assert mode(paths.data_dir) == 0o777


def test_i13_the_log_folder_is_made_private_and_its_log_never_followed_elsewhere(tmp_path: Path, workdir: Path) -> None:
    """I13, log folder: a 0777 log folder with a 0666 log is made private by the next command; a recipro.log that
    is a link to another file is not written through (no log file that run), and the command still works."""
    paths = make_journal(tmp_path / "journal", workdir)
    (log,) = workdir.rglob("recipro.log")
    log.chmod(0o666)
    log.parent.chmod(0o777)
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == 0, done.stderr
    assert mode(log.parent) == 0o700 and mode(log) == 0o600
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched\n", encoding="utf-8")
    log.unlink()
    log.symlink_to(elsewhere)
    done = recipro(paths.data_dir, "stats", workdir=workdir)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # I8: a command that worked prints no log lines; --verbose says why there is no log
    assert elsewhere.read_text(encoding="utf-8") == "untouched\n"
    done = recipro(paths.data_dir, "--verbose", "stats", workdir=workdir)
    assert done.returncode == 0, done.stderr
    assert "no log file is written" in done.stderr and "is a symbolic link" in done.stderr
    assert elsewhere.read_text(encoding="utf-8") == "untouched\n"


def test_i13_a_shared_sticky_folder_is_refused_not_taken_over(tmp_path: Path, workdir: Path) -> None:
    """I13: a data folder like /tmp (1777) is refused, never chmodded to 0700 (root could otherwise take /tmp)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    done = recipro(shared, "stats", workdir=workdir)
    assert done.returncode == 56, done.stderr
    assert "is a folder shared by all users (mode 1777, like /tmp)" in done.stderr
    assert mode(shared) == 0o1777
