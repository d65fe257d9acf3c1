"""Restoring a backup: finding the key that opens it, then the database, then (when needed) the key slots.

The one path for ``recipro restore FILE`` and the window's "Restore a backup…" (RELIABILITY D6, I4, I9).

Which key: a backup made by this version carries its own key slots, so it can be unlocked with the passphrase
or recovery key even when the journal's ``keyslots.json`` is missing, damaged or another journal's; a 0.1
backup (a bare database) needs the journal's own slots. The journal's slots are tried first (keyring, then
passphrase), then the backup's; a key counts only if it opens *this* backup.

Which slots afterwards: the journal's own file is kept when it holds the same key (it is the newer one: a
passphrase changed since the backup stays changed). When it is missing, damaged or holds another key, the
backup's slots are put back and the old file is kept aside (:func:`backup.put_back_key_slots`).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from recipro_desktop.core.errors import (
    BackupError,
    ForeignKeySlotsError,
    JournalError,
    JournalLockedError,
    KeySlotError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths, ensure_private_dir
from recipro_desktop.services.access import MAX_PASSPHRASE_ATTEMPTS, PassphrasePrompt
from recipro_desktop.storage import backup, driver, folder_guard, fsutil, keyslots, vault
from recipro_desktop.storage.keyslots import KeySlotFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestoreResult:
    """Where the previous journal file and key-slot file were kept (None: there was none, or it was kept)."""

    previous_database: Path | None
    previous_key_slots: Path | None
    key_slots_restored: bool


def _journal_slots(paths: JournalPaths) -> KeySlotFile | None:
    """The journal's key-slot file, or None when it is missing or unreadable (the backup's may stand in)."""
    try:
        return keyslots.read(paths.keyslots)
    except KeySlotError as exc:
        log.info("the journal's key-slot file is unusable for the restore (%s)", type(exc).__name__)
        return None


class _Keys:
    """The candidates for the backup's key, and what was learned while trying them."""

    def __init__(self, paths: JournalPaths, source: Path, live: KeySlotFile | None, own: KeySlotFile | None) -> None:
        self.paths, self.source, self.live, self.own = paths, source, live, own
        self.misfit: bytes | None = None  # a key the journal's slots gave that does not open the backup

    def fits(self, key: bytes) -> bool:
        if self.own is not None:
            return keyslots.key_matches(self.own, key)
        return driver.key_fits(self.source, key) is not False  # None (cannot tell): the verification decides

    def attempt(self, passphrase: str | None) -> bytes | None:
        """A key that opens the backup from either slot file, or None (wrong passphrase, no keyring...)."""
        for slots in (self.live, self.own):
            if slots is None:
                continue
            try:
                key = vault.unlock_slots(slots, passphrase)
            except (JournalLockedError, WrongPassphraseError, KeySlotError):
                continue
            if self.fits(key):
                return key
            if slots is self.live:
                self.misfit = key
        return None

    def misfit_error(self) -> JournalError:
        """Why the key the journal's slots gave does not open the backup: the journal's database decides whether
        the backup is another journal's (the key opens the database) or the key slots are (it does not)."""
        assert self.misfit is not None
        has_database = self.paths.database.exists()
        if has_database and driver.key_fits(self.paths.database, self.misfit) is True:
            own = " Its own passphrase or recovery key restores it." if self.own is not None else ""
            return BackupError(
                f"The backup {self.source.name} belongs to another journal: this journal's key does not open it."
                f"{own} Nothing was changed."
            )
        what = "database" if has_database else "backup"
        return ForeignKeySlotsError(
            f"The key-slot file {self.paths.keyslots} belongs to another journal: its key does not open this {what}."
        )


def _find_key(keys: _Keys, passphrase: str | None, prompt: PassphrasePrompt | None) -> bytes:
    if passphrase is None:
        key = keys.attempt(None)  # the keyring: no question asked
        if key is not None:
            return key
        if prompt is None:
            if keys.misfit is not None:
                raise keys.misfit_error()
            raise JournalLockedError("The journal is locked: no passphrase was given to unlock the backup with.")
    reason: str | None = None
    for attempt in range(1, MAX_PASSPHRASE_ATTEMPTS + 1):
        given = passphrase if passphrase is not None else prompt(attempt, reason) if prompt else None
        if given is None:
            raise JournalLockedError("The journal is locked: no passphrase was given to unlock the backup with.")
        key = keys.attempt(given)
        if key is not None:
            return key
        if keys.misfit is not None:
            raise keys.misfit_error()
        if passphrase is not None or attempt == MAX_PASSPHRASE_ATTEMPTS:
            break
        reason = "Wrong passphrase or recovery key."
    raise WrongPassphraseError("Wrong passphrase or recovery key.")


def restore_journal(
    paths: JournalPaths,
    source: Path,
    *,
    passphrase: str | None,
    prompt: PassphrasePrompt | None,
    now: datetime,
    empty_suffix: str = "empty",
) -> RestoreResult:
    """Replace the journal in ``paths`` with the backup ``source``; every connection must be closed.

    Works into an empty or missing data folder too, when the backup carries its key slots. A 0-byte journal
    file is moved aside as ``journal.db.<empty_suffix>-<ts>``.

    Raises:
        BackupError: the backup is damaged, not a backup, or another journal's (nothing was changed).
        ForeignKeySlotsError: the journal's key-slot file is another journal's and the backup has no slots.
        KeySlotError: no key slots at all (a 0.1 backup, and the journal's file missing or damaged).
        WrongPassphraseError, JournalLockedError: no key (nothing was changed).
    """
    if not source.is_file():
        raise BackupError(f"No backup file at {source}. Nothing was changed.")
    folder_guard.secure_journal_folder(paths)  # I13: never restore into a folder others can write (the CLI said so)
    own = backup.backup_key_slots(source)
    live = _journal_slots(paths)
    if live is None and own is None:
        raise KeySlotError(
            f"There is no usable key file in {paths.data_dir} to unlock this backup with, and the backup (made "
            "before Recipro kept key slots in its backups) does not carry its own. Nothing was changed."
        )
    keys = _Keys(paths, source, live, own)
    key = _find_key(keys, passphrase, prompt)
    install = own if own is not None and (live is None or not keyslots.key_matches(live, key)) else None
    if install is not None and keys.misfit is not None and driver.key_fits(paths.database, keys.misfit) is True:
        # The journal here is sound and its own slots open it: this backup is another journal's (a wrong file).
        raise BackupError(
            f"The backup {source.name} belongs to another journal, not the one in {paths.data_dir}: restore it into "
            "another folder (--data-dir). Nothing was changed."
        )
    ensure_private_dir(paths.data_dir)
    empty_aside: Path | None = None
    if vault.journal_state(paths) is vault.JournalState.DAMAGED_EMPTY:
        # A 0-byte file is corruption (A5), kept as evidence like any journal it replaces.
        empty_aside = backup.move_aside(paths, suffix=empty_suffix, now=now)
    try:
        moved = backup.restore_backup(paths, key, source, now=now) or empty_aside
    except BackupError:
        if empty_aside is not None and not paths.database.exists():
            with contextlib.suppress(OSError):
                fsutil.replace(empty_aside, paths.database)
        raise
    slots_aside = backup.put_back_key_slots(paths, install, now=now) if install is not None else None
    log.info("journal restored from a backup (key slots %s)", "restored" if install else "kept")
    return RestoreResult(moved, slots_aside, install is not None)
