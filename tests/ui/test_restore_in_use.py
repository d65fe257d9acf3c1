"""I1, the window's side: its restore (the unlock dialog's ``restore_job``) refuses while a command in another
process has the journal open, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from recipro_desktop.core.clock import SystemClock
from recipro_desktop.core.errors import JournalInUseError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.ui.unlock_dialog import restore_job
from tests.storage.test_journal_lock import (
    PASSPHRASE,
    holder_add,
    holder_quit,
    journal_with_backup,  # noqa: F401  (pytest fixture)
    moved_aside,
    names,
    start_holder,
)


def test_i1_window_restore_refused_while_a_command_has_the_journal_open(
    journal_with_backup: tuple[JournalPaths, Path],  # noqa: F811  (the fixture)
) -> None:
    """I1: the window's restore meets a command holding the journal: a clear refusal, nothing moved aside, the
    command's later write lands in the live journal; after it quits the window's restore works."""
    paths, backup_file = journal_with_backup
    holder = start_holder(paths)
    try:
        with pytest.raises(JournalInUseError) as refused:
            restore_job(paths, backup_file, PASSPHRASE, SystemClock())
        assert "Another Recipro window or command has this journal open" in str(refused.value)
        assert moved_aside(paths) == []
        holder_add(holder, "Written After Refusal")
    finally:
        holder_quit(holder)
    assert names(paths) == {"Before Backup", "After Backup", "Written After Refusal"}
    restored = restore_job(paths, backup_file, PASSPHRASE, SystemClock())
    restored.journal.close()
    assert names(paths) == {"Before Backup"}
