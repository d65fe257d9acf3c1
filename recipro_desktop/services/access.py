"""Creating, unlocking and opening a journal: the one path from a data directory to a running service.

The order matters and is the same for the CLI and the window:

1. Look at what is on disk *before* asking for a key (:func:`vault.journal_state`): a first run is only a
   directory with neither a database nor a key-slot file; a 0-byte database is corruption (RELIABILITY A5).
2. Unlock: the keyring slot, else the passphrase slot. The key is checked against the key-check value, so a
   wrong passphrase is told apart from a damaged file (B5, B6).
3. Open the database with the key: SQLCipher check, pragmas, quick check, schema version (newer → refuse,
   older → backup then migrate).

An open journal holds the journal lock shared until :meth:`OpenJournal.close` (RELIABILITY I1: a restore
refuses while anyone has the journal open). Creating one holds it exclusively, and is undone by the next
``init`` if it is interrupted (I6, :mod:`storage.pending_init`).

Nothing here writes to disk except :func:`create_journal` and the migration backup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import (
    DamagedJournalError,
    EmptyJournalFileError,
    JournalLockedError,
    JournalMissingError,
    KeySlotError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths, ensure_private_dir
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import journal_lock, keyslots, pending_init, vault
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.journal_lock import FileLock

log = logging.getLogger(__name__)

# Asks the user for a passphrase (a prompt on a terminal, a dialog in the window); gets the attempt number and
# the previous error, returns None when the user gives up.
PassphrasePrompt = Callable[[int, str | None], str | None]

MAX_PASSPHRASE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class OpenJournal:
    """An unlocked, open journal. Close it with :meth:`close` (drops the database engine, then the lock)."""

    paths: JournalPaths
    database: Database
    service: JournalService
    key: bytes
    unlocked_via: str
    notice: str | None = None
    lock: FileLock | None = None  # the journal lock, held shared while open (I1)

    def close(self) -> None:
        try:
            self.database.close()
        finally:
            if self.lock is not None:
                self.lock.release()


@dataclass(frozen=True, slots=True)
class CreatedJournal:
    journal: OpenJournal
    recovery_key: str | None
    keyring_backend: str | None


def check_openable(paths: JournalPaths) -> None:
    """Raise the specific error for a data directory that cannot hold an openable journal."""
    state = vault.journal_state(paths)
    if state is vault.JournalState.NEW:
        raise JournalMissingError(f"There is no journal in {paths.data_dir}. Create one with `recipro init`.")
    if state is vault.JournalState.DAMAGED_EMPTY:
        raise EmptyJournalFileError(
            f"The journal file {paths.database} is empty (0 bytes): it was truncated, it is not a new journal. "
            "Restore a backup with `recipro restore FILE`."
        )
    if state is vault.JournalState.SLOTS_MISSING:
        raise KeySlotError(
            f"The key file {paths.keyslots.name} is missing next to the journal in {paths.data_dir}: "
            "the journal cannot be unlocked without it. Restore it from your own backup of that folder."
        )
    if state is vault.JournalState.DATABASE_MISSING:
        raise JournalMissingError(
            f"The journal file {paths.database.name} is missing from {paths.data_dir} (its key file is there). "
            "Restore a backup with `recipro restore FILE`."
        )


def unlock_key(
    paths: JournalPaths,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
) -> vault.Unlocked:
    """Unlock with ``passphrase`` if given, else the keyring, else ``prompt`` (up to three attempts)."""
    if passphrase is not None:
        return vault.unlock(paths, passphrase=passphrase)
    try:
        return vault.unlock(paths)
    except JournalLockedError as locked:
        if prompt is None:
            raise
        reason: str | None = str(locked)
    for attempt in range(1, MAX_PASSPHRASE_ATTEMPTS + 1):
        given = prompt(attempt, reason)
        if given is None:
            raise JournalLockedError("The journal is locked: no passphrase was given.")
        try:
            return vault.unlock(paths, passphrase=given)
        except WrongPassphraseError as wrong:
            reason = str(wrong)
            if attempt == MAX_PASSPHRASE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def open_journal(
    paths: JournalPaths,
    *,
    passphrase: str | None = None,
    prompt: PassphrasePrompt | None = None,
    clock: Clock | None = None,
) -> OpenJournal:
    """Unlock and open the journal in ``paths``; every failure is a specific :class:`JournalError`."""
    check_openable(paths)
    lock = journal_lock.hold_open(paths)
    try:
        unlocked = unlock_key(paths, passphrase=passphrase, prompt=prompt)
        try:
            database = Database.open(paths, unlocked.key)
        except DamagedJournalError as exc:
            log.error("journal failed to open with a verified key")
            foreign = None if isinstance(exc, EmptyJournalFileError) else vault.foreign_slots_error(paths, unlocked.key)
            if foreign is not None:
                raise foreign from None
            raise
    except BaseException:
        lock.release()
        raise
    service = JournalService(database, clock or SystemClock())
    log.info("journal opened (via %s)", unlocked.via)
    return OpenJournal(paths, database, service, unlocked.key, unlocked.via, unlocked.notice, lock)


def create_journal(
    paths: JournalPaths,
    *,
    passphrase: str | None,
    use_keyring: bool = True,
    clock: Clock | None = None,
) -> CreatedJournal:
    """Create a new, empty journal: key slots first, then the encrypted database.

    With ``passphrase`` None a recovery key is generated and returned: the caller must show it once.

    Creation holds the journal lock exclusively and is bracketed by a pending-init marker (I6): what an
    interrupted ``init`` left (key slots, a half-made database, a keyring entry) is not a journal to anyone, and
    is cleared here before starting over; a failed creation clears its own leftovers the same way.

    Raises:
        JournalInUseError: another window or command is using (or creating) a journal in this folder.
    """
    ensure_private_dir(paths.data_dir)
    lock = journal_lock.take_alone(paths)
    try:
        if pending_init.owns_leftovers(paths):
            pending_init.discard(paths)
        journal_id: str | None = None
        if vault.journal_state(paths) is vault.JournalState.NEW:
            journal_id = keyslots.new_journal_id()
            pending_init.begin(paths, journal_id)
        try:
            new_key = vault.create_key_slots(
                paths, passphrase=passphrase, use_keyring=use_keyring, journal_id=journal_id
            )
            database = Database.create(paths, new_key.key)
        except BaseException:
            if journal_id is not None and pending_init.owns_leftovers(paths):
                pending_init.discard(paths)
            raise
        pending_init.finish(paths)
        lock.downgrade()
    except BaseException:
        lock.release()
        raise
    service = JournalService(database, clock or SystemClock())
    via = "keyring" if new_key.keyring_backend else "passphrase"
    journal = OpenJournal(paths, database, service, new_key.key, via, lock=lock)
    log.info("journal created (keyring slot: %s)", "yes" if new_key.keyring_backend else "no")
    return CreatedJournal(journal, new_key.recovery_key, new_key.keyring_backend)
