"""Errors that cross layers. Each carries a message a user can read; none ever carries note text.

The CLI maps each :class:`JournalError` subclass to its own exit code (``exit_code``), the window maps
it to its own dialog. Messages name paths, counts and ids only, never a contact's name or a note.
"""

from __future__ import annotations


class JournalError(Exception):
    """Base of every error the user may see. ``str(err)`` is a complete, private-safe sentence."""

    exit_code = 1


class ValidationError(JournalError, ValueError):
    """An edit breaks a rule (empty name, weight out of range...). ``field`` names the offending field."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(JournalError, LookupError):
    exit_code = 3


class ConflictError(JournalError):
    """The row changed elsewhere since it was read (optimistic ``version`` check, RELIABILITY C4)."""

    exit_code = 4


class JournalLockedError(JournalError):
    """No key is available: no usable keyring entry and no passphrase given."""

    exit_code = 10


class WrongPassphraseError(JournalError):
    """The passphrase or recovery key does not unwrap the data key (decided by the key-check value)."""

    exit_code = 11


class JournalMissingError(JournalError):
    """There is no journal at the data directory (and no key slots): run ``recipro init``."""

    exit_code = 12


class DamagedJournalError(JournalError):
    """The database file is damaged, truncated, empty (0 bytes) or not a journal at all."""

    exit_code = 13


class NewerVersionError(JournalError):
    """The journal was written by a newer Recipro; it is never opened read-write nor downgraded."""

    exit_code = 14


class EncryptionUnavailableError(JournalError):
    """The SQLite driver is not SQLCipher (``PRAGMA cipher_version`` is empty): refuse before any write."""

    exit_code = 15


class KeySlotError(JournalError):
    """The key-slot file is missing, unreadable or malformed while a database exists."""

    exit_code = 16


class StorageFullError(JournalError):
    """The disk (or the file-size limit) is full; the transaction was rolled back, nothing was saved."""

    exit_code = 17


class JournalBusyError(JournalError):
    """Another program holds a write lock on the journal (``SQLITE_BUSY`` after the busy timeout)."""

    exit_code = 18


class StorageUnavailableError(JournalError):
    """The journal's path cannot be opened or written (missing dir, read-only, I/O error)."""

    exit_code = 19


class MigrationError(JournalError):
    """A schema upgrade failed; the journal is unchanged and a pre-upgrade backup exists."""

    exit_code = 20


class BackupError(JournalError):
    exit_code = 21


class EmptyJournalFileError(DamagedJournalError):
    """The database file exists but is 0 bytes (truncated by a sync tool or a crash): corruption, not a first run."""

    exit_code = 22


class JournalInUseError(JournalError):
    """Another program (the window, another command) has the journal open, and this command needs it alone
    (restore, or anything else that replaces or moves the database file)."""

    exit_code = 23


class ForeignKeySlotsError(KeySlotError):
    """The key-slot file unlocks, but it was made for another journal: its key does not open this database."""

    exit_code = 24


class WeakPassphraseError(JournalError):
    """A new passphrase is too easy to guess; nothing was created or changed."""

    exit_code = 25


class OutputError(JournalError):
    """The command's output could not be written (a full device, a closed pipe); the journal is unchanged."""

    exit_code = 26


class UnsafeFolderError(StorageUnavailableError):
    """The journal's folder (or a file in it) belongs to another user, is a link to elsewhere, or is open to other
    users and cannot be made private: Recipro will not read it (RELIABILITY I13)."""

    exit_code = 56
