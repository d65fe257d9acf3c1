"""Replacing a file that another program holds open (issue 10, RELIABILITY A4 on Windows).

POSIX lets a file be replaced whatever handles others hold on it. Windows refuses while a handle opened without
FILE_SHARE_DELETE is on it (Python's ``open`` is such a handle, as are most antivirus scanners, indexers and
editors); fsutil.replace waits for a brief holder and gives up cleanly on one that stays. Both behaviours are
provoked for real with a second open handle; under Wine the sharing rules are Wine's emulation of Windows'.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from recipro_desktop.storage import fsutil
from tests.helpers.platforms import WINDOWS


def test_a4_a_file_held_open_briefly_is_still_replaced(tmp_path: Path) -> None:
    target = tmp_path / "keyslots.json"
    target.write_bytes(b"old slots")
    holder = target.open("rb")  # another program reading the file (a scanner, an editor)
    release = threading.Timer(0.3, holder.close)
    release.start()
    try:
        fsutil.atomic_write_bytes(target, b"new slots")
    finally:
        release.join()
        holder.close()
    assert target.read_bytes() == b"new slots"
    assert fsutil.stale_temp_files(target) == []


@pytest.mark.skipif(not WINDOWS, reason="POSIX replaces a file whatever handles others hold on it")
def test_a4_a_file_held_open_for_good_is_left_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "keyslots.json"
    target.write_bytes(b"old slots")
    with target.open("rb"), pytest.raises(PermissionError):
        fsutil.atomic_write_bytes(target, b"new slots")
    assert target.read_bytes() == b"old slots"
    assert fsutil.stale_temp_files(target) == []  # the temporary copy was removed


@pytest.mark.skipif(not WINDOWS, reason="POSIX replaces a file whatever handles others hold on it")
def test_a4_windows_refuses_a_plain_replace_of_an_open_file(tmp_path: Path) -> None:
    """The fault itself, without fsutil's patience: what made the retry necessary on Windows."""
    import os

    target, new = tmp_path / "journal.db", tmp_path / "restored.db"
    target.write_bytes(b"old")
    new.write_bytes(b"new")
    with target.open("rb"), pytest.raises(PermissionError):
        os.replace(new, target)
    assert target.read_bytes() == b"old"
