"""A failed command prints exactly one line on the terminal; its log lines go to the log file (RELIABILITY I8).

Each case damages a real journal on disk (truncated, emptied, a flipped byte, a garbage or missing key-slot file,
a wrong passphrase, a journal from a newer version, a damaged backup to restore) and runs the real ``recipro``
command in a child process, as a user or a script would. Before issue 11, ten such cases printed two or three
``recipro: ERROR: ...`` log records before the message; the log records belong in the log file, and on the
terminal only with ``--verbose``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from recipro_desktop import cli
from recipro_desktop.core.errors import (
    DamagedJournalError,
    EmptyJournalFileError,
    KeySlotError,
    NewerVersionError,
    WrongPassphraseError,
)
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths, log_dir
from recipro_desktop.services.access import open_journal
from recipro_desktop.storage import driver
from tests.conftest import CANARY

PASSPHRASE = "quiet-harbour-lantern-42"
PAGE = 4096


def recipro(data_dir: Path, *argv: str, passphrase: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, with no keyring (so the passphrase unlocks) and no terminal."""
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        cli.PASSPHRASE_ENV: passphrase,
    }
    return subprocess.run(
        [sys.executable, "-m", "recipro_desktop", "--data-dir", str(data_dir), *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small journal behind PASSPHRASE (cheap KDF, stored in its slot), holding a canary note, closed."""
    data_dir = tmp_path / "journal"
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    assert cli.main(["--data-dir", str(data_dir), "init", "--no-keyring"], stdout=io.StringIO()) == 0
    monkeypatch.delenv(cli.PASSPHRASE_ENV)
    opened = open_journal(JournalPaths(data_dir), passphrase=PASSPHRASE)
    for i in range(40):
        opened.service.add_person(Person(display_name=f"Person {i} {CANARY}", notes=f"{CANARY} " + "n" * 400))
    opened.close()
    return data_dir


def _truncate(data_dir: Path) -> None:
    db = data_dir / "journal.db"
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 3)


def _empty(data_dir: Path) -> None:
    (data_dir / "journal.db").write_bytes(b"")


def _flip_header_byte(data_dir: Path) -> None:
    with (data_dir / "journal.db").open("r+b") as fh:  # inside page 1's encrypted part: its HMAC fails
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 0x40]))


def _flip_inner_byte(data_dir: Path) -> None:
    db = data_dir / "journal.db"
    offset = (db.stat().st_size // PAGE // 2) * PAGE + 1000  # a page in the middle of the file
    with db.open("r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))


def _garbage_slots(data_dir: Path) -> None:
    (data_dir / "keyslots.json").write_bytes(b'{"version": 1, "slots": [\x00\xff garbage')


def _missing_slots(data_dir: Path) -> None:
    (data_dir / "keyslots.json").unlink()


def _newer_version(data_dir: Path) -> None:
    paths = JournalPaths(data_dir)
    opened = open_journal(paths, passphrase=PASSPHRASE)
    key = opened.key
    opened.close()
    conn = driver.connect(paths.database, key)
    conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    conn.close()


def _nothing(data_dir: Path) -> None:
    pass


Case = tuple[Callable[[Path], None], tuple[str, ...], str, int]

CASES: dict[str, Case] = {
    "truncated-stats": (_truncate, ("stats",), PASSPHRASE, DamagedJournalError.exit_code),
    "truncated-check": (_truncate, ("check",), PASSPHRASE, DamagedJournalError.exit_code),
    "truncated-backup": (_truncate, ("backup",), PASSPHRASE, DamagedJournalError.exit_code),
    "empty-stats": (_empty, ("stats",), PASSPHRASE, EmptyJournalFileError.exit_code),
    "flipped-header-stats": (_flip_header_byte, ("stats",), PASSPHRASE, DamagedJournalError.exit_code),
    "flipped-page-check": (_flip_inner_byte, ("check",), PASSPHRASE, DamagedJournalError.exit_code),
    "garbage-slots-stats": (_garbage_slots, ("stats",), PASSPHRASE, KeySlotError.exit_code),
    "missing-slots-stats": (_missing_slots, ("stats",), PASSPHRASE, KeySlotError.exit_code),
    "wrong-passphrase-stats": (_nothing, ("stats",), "not-the-passphrase-at-all", WrongPassphraseError.exit_code),
    "newer-version-stats": (_newer_version, ("stats",), PASSPHRASE, NewerVersionError.exit_code),
    "newer-version-backup": (_newer_version, ("backup",), PASSPHRASE, NewerVersionError.exit_code),
}


def _log_text() -> str:
    path = log_dir() / "recipro.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("case", sorted(CASES))
def test_i8_a_failed_command_prints_one_line_and_logs_to_the_file(case: str, journal: Path) -> None:
    """I8: a damaged journal ends in one ``recipro: ...`` line and its exit code; the log records are in the log
    file (never a note), and on stderr only with --verbose."""
    damage, argv, passphrase, code = CASES[case]
    damage(journal)
    logged_before = _log_text()

    quiet = recipro(journal, *argv, passphrase=passphrase)
    assert quiet.returncode == code, quiet.stderr
    lines = quiet.stderr.splitlines()
    assert len(lines) == 1, quiet.stderr
    assert lines[0].startswith("recipro: ")
    assert not lines[0].startswith(("recipro: ERROR:", "recipro: WARNING:", "recipro: INFO:"))
    logged = _log_text()[len(logged_before) :]
    assert logged.strip(), "the log file got nothing from the failed run"
    assert CANARY not in quiet.stderr + quiet.stdout + logged

    verbose = recipro(journal, "--verbose", *argv, passphrase=passphrase)
    assert verbose.returncode == code, verbose.stderr
    assert verbose.stderr.splitlines()[-1] == lines[0]
    records = [line for line in verbose.stderr.splitlines()[:-1] if line.startswith("recipro: ")]
    assert records, "--verbose shows the log records on stderr"
    for record in records:  # each warning or error shown with --verbose was also written to the file
        level, _, message = record.removeprefix("recipro: ").partition(": ")
        if level in ("WARNING", "ERROR"):
            assert f" {level} " in logged and message in logged, record
    assert CANARY not in verbose.stderr


def test_i8_the_failing_cases_do_log_errors(journal: Path) -> None:
    """I8: the diagnostic lines the terminal no longer shows are really written (a truncated journal)."""
    _truncate(journal)
    before = _log_text()
    result = recipro(journal, "stats")
    assert result.returncode == DamagedJournalError.exit_code
    logged = _log_text()[len(before) :]
    assert " ERROR recipro_desktop." in logged
    assert "recipro: ERROR" not in result.stderr


def test_i8_a_damaged_backup_to_restore_prints_one_line(journal: Path, tmp_path: Path) -> None:
    """I8: restoring a damaged backup fails with one line, and the journal is left as it was."""
    made = recipro(journal, "backup")
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    backup_file = sorted((journal / "backups").iterdir())[-1]
    damaged = tmp_path / "damaged-backup.db"
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2 :] = b"\0" * (len(data) - len(data) // 2)
    damaged.write_bytes(bytes(data))
    before = (journal / "journal.db").read_bytes()
    result = recipro(journal, "restore", str(damaged))
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("recipro: ")
    assert (journal / "journal.db").read_bytes() == before


def test_i8_a_log_folder_that_cannot_be_made_does_not_stop_a_command(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """I8: the log folder's place is taken by a file: the command still works, with no traceback and no log line
    on the terminal (it says so with --verbose)."""
    blocked = tmp_path / "state-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", str(blocked))
    result = recipro(journal, "stats")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "People" in result.stdout
    verbose = recipro(journal, "--verbose", "stats")
    assert verbose.returncode == 0
    assert "no log file" in verbose.stderr
    assert "Traceback" not in verbose.stderr
