"""RELIABILITY I7: on a 100%-full disk the reading commands still read, and the writing ones say "disk full".

A real full volume (a small tmpfs filled to its last byte, ``small_volume``/``fill_volume``): SQLite cannot grow
the ``-shm`` file it needs for a journal in WAL mode, which made even ``recipro stats`` fail with "disk I/O
error" (exit 19). Now a journal nobody else has open is read in exclusive locking mode (the log's index in
memory, no ``-shm``), and what must write (an export to that volume, a backup) says the disk is full (exit 17)
and leaves nothing half-written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recipro_desktop import cli
from tests.conftest import fill_volume
from tests.helpers.platforms import WINDOWS
from tests.test_cli import run, snapshot

PASSPHRASE = "quiet-harbour-lantern-42"


def test_I7_reads_work_on_a_full_disk_and_export_and_backup_say_disk_full(
    small_volume: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """I7: stats, search, timeline and check succeed on a volume with 0 bytes free; export (folder and zip) to
    that volume and backup exit 17 with the disk-full sentence and leave no file; the journal is unchanged."""
    data_dir = small_volume / "journal"
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    code, _, err = run("--data-dir", str(data_dir), "init", "--no-keyring")
    assert code == 0, err
    code, _, err = run("--data-dir", str(data_dir), "demo", "--people", "20", "--items", "120")
    assert code == 0, err
    out = small_volume / "export"
    out.mkdir()
    before = snapshot(data_dir)
    assert not any(name.endswith(("-wal", "-shm")) for name in before), before  # closed cleanly
    ballast = fill_volume(small_volume, leave=0)
    try:
        assert shutil.disk_usage(small_volume).free < 4096

        code, text, err = run("--data-dir", str(data_dir), "stats")
        assert code == 0, err
        assert "People" in text and "20" in text
        code, text, err = run("--data-dir", str(data_dir), "timeline", "--limit", "5")
        assert code == 0, err
        assert "showing the newest 5" in text
        code, text, err = run("--data-dir", str(data_dir), "search", "a")
        assert code == 0, err
        code, text, err = run("--data-dir", str(data_dir), "check")
        assert "integrity: full check passed" in text and "write-ahead log: intact" in text, text + err
        problems = [line for line in text.splitlines() if "[!!]" in line]
        if WINDOWS:  # the test volume is a drive of its own, outside the profile: check says so, and only that
            assert code == 1 and len(problems) == 1 and "outside your user profile" in problems[0], text + err
        else:
            assert code == 0 and not problems, text + err
            assert "All checks passed." in text

        for argv in (["export", str(out)], ["export", "--zip", str(out)], ["backup"]):
            code, text, err = run("--data-dir", str(data_dir), *argv)
            assert code == 17, (argv, code, err)
            assert "the disk is full" in err.lower(), err
            assert err.strip().splitlines()[-1].startswith("recipro: "), err
        assert list(out.iterdir()) == []
        assert list((data_dir / "backups").iterdir()) == []
        after = snapshot(data_dir)
        assert after == before  # nothing in the journal changed, no -wal/-shm left behind
    finally:
        ballast.unlink()
    code, text, err = run("--data-dir", str(data_dir), "backup")
    assert code == 0, err
