"""Creating, unlocking and re-wrapping the journal's data key (DESIGN §4; RELIABILITY A5, B1-B12).

The rules this module enforces:
- A new data key is generated **only** when neither the database nor the key-slot file exists
  (:attr:`JournalState.NEW`). A 0-byte database is damage, not a first run (A5); a database without its
  key slots is an error, never a reason to start over (B4).
- A passphrase (or generated recovery key) slot always exists, so losing the keyring never loses the
  journal. The keyring slot is written only after the keyring stored the secret *and* gave it back (B3);
  the key-slot file is written last, atomically.
- Unlocking proves the key with the key-check value before returning it, so a database that then fails
  to open is reported as damaged, never as a wrong passphrase (B5, B6).
- After a passphrase unlock, a keyring that works but lost (or never had) our entry gets the key again,
  and the caller is told so in :attr:`Unlocked.notice` (B4, B9).

Keys are kept in ``bytearray`` buffers and zeroed after use where the code owns them (best effort: the
caller receives ``bytes``, which SQLCipher's ``PRAGMA key`` needs as text anyway).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from recipro_desktop.core.errors import (
    EmptyJournalFileError,
    ForeignKeySlotsError,
    JournalLockedError,
    JournalMissingError,
    KeySlotError,
    StorageUnavailableError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths, ensure_private_dir
from recipro_desktop.storage import driver, folder_guard, keyslots, keystore, pending_init
from recipro_desktop.storage.keyslots import KeySlotFile
from recipro_desktop.storage.keystore import KeyringStatus, KeyringUnavailable

log = logging.getLogger(__name__)

__all__ = [
    "JournalState",
    "NewKey",
    "Unlocked",
    "change_passphrase",
    "check_key",
    "create_key_slots",
    "forget_keyring",
    "journal_state",
    "keyring_status",
    "slot_summary",
    "store_in_keyring",
    "unlock",
    "unlock_slots",
]

keyring_status = keystore.keyring_status


class JournalState(enum.Enum):
    """What is on disk, decided from file existence and size only (no key needed)."""

    NEW = "new"  # neither database nor key slots: the only state in which a first run may create a key
    READY = "ready"  # both exist and the database is not empty
    DAMAGED_EMPTY = "damaged-empty"  # the database file is 0 bytes (A5)
    SLOTS_MISSING = "slots-missing"  # a database without its key-slot file
    DATABASE_MISSING = "database-missing"  # key slots without a database (restore a backup, or init crashed)


@dataclass(frozen=True)
class NewKey:
    """The result of :func:`create_key_slots`.

    Attributes:
        key: the new raw data key (give it to the database creation, then drop it).
        recovery_key: the generated recovery key when no passphrase was given: show it once, never store it.
        keyring_backend: readable name of the keyring that holds the key, or None when only the passphrase
            (or recovery key) can unlock the journal.
    """

    key: bytes
    recovery_key: str | None
    keyring_backend: str | None


@dataclass(frozen=True)
class Unlocked:
    """The result of :func:`unlock`: the verified data key, which slot gave it, and an optional notice."""

    key: bytes
    via: str  # "keyring" | "passphrase"
    notice: str | None = None


def journal_state(paths: JournalPaths) -> JournalState:
    """Classify the data directory (RELIABILITY A5: a 0-byte database is damage, never a first run).

    What an interrupted ``init`` left is NEW (I6, :mod:`storage.pending_init`): not a journal to anyone.
    """
    if pending_init.owns_leftovers(paths):
        return JournalState.NEW
    db, slots = paths.database, paths.keyslots
    db_exists = db.exists() or db.is_symlink()
    slots_exist = slots.exists() or slots.is_symlink()
    if not db_exists:
        return JournalState.DATABASE_MISSING if slots_exist else JournalState.NEW
    try:
        empty = db.is_file() and db.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        return JournalState.DAMAGED_EMPTY
    return JournalState.READY if slots_exist else JournalState.SLOTS_MISSING


def _read_slots(paths: JournalPaths) -> KeySlotFile:
    return keyslots.read(paths.keyslots)


def _write_slots(paths: JournalPaths, slots: KeySlotFile) -> None:
    try:
        keyslots.write(paths.keyslots, slots)
    except OSError as exc:
        raise StorageUnavailableError(
            f"The key-slot file could not be written ({exc.strerror or type(exc).__name__}): {paths.keyslots}. "
            "The previous file is unchanged."
        ) from None


def _store_keyring_slot(slots: KeySlotFile, key: bytes | bytearray) -> tuple[KeySlotFile, str]:
    """Put a fresh keyring secret in the keyring (verified) and return the file with the new keyring slot.

    Raises:
        KeyringUnavailable: no usable keyring, or it failed, timed out or forgot the secret.
    """
    secret = keyslots.new_data_key()
    try:
        backend = keystore.store_secret(slots.journal_id, keyslots.encode_secret(secret))
        slot = keyslots.make_keyring_slot(key, secret, journal_id=slots.journal_id, backend=backend)
    finally:
        keyslots.wipe(secret)
    return slots.with_slot(keyslots.SLOT_KEYRING, slot), backend


def create_key_slots(
    paths: JournalPaths, *, passphrase: str | None, use_keyring: bool = True, journal_id: str | None = None
) -> NewKey:
    """Generate the data key of a new journal and write its key-slot file.

    Always writes a passphrase slot (from ``passphrase``, or from a generated recovery key returned in
    :attr:`NewKey.recovery_key`); adds a keyring slot only when the keyring stored the secret and read it back.
    Creates ``data_dir`` 0700 but not the database (the caller creates it with the returned key).
    ``journal_id`` is the id the caller recorded in its pending-init marker (I6); None makes a new one.

    Raises:
        KeySlotError: the journal is not NEW (a database or key slots exist): no key is ever regenerated.
        ValidationError: the passphrase is empty.
        EncryptionUnavailableError: the driver is not SQLCipher (checked before anything is written, B7).
        StorageUnavailableError: the data directory or the key-slot file cannot be written.
    """
    state = journal_state(paths)
    leftovers = state is JournalState.NEW and (paths.keyslots.exists() or paths.database.exists())
    if state is not JournalState.NEW or leftovers:  # leftovers of an interrupted init: the caller clears them
        raise KeySlotError(
            f"A journal already exists in {paths.data_dir} ({state.value}): Recipro never creates a new key over it."
        )
    if passphrase is not None:
        keyslots.check_new_passphrase(passphrase)
    driver.require_sqlcipher()  # B7: no key slots (or folder) for a journal that could not be encrypted
    folder_guard.secure_journal_folder(paths)  # I13: an existing folder of another user is refused
    try:
        ensure_private_dir(paths.data_dir)
    except OSError as exc:
        raise StorageUnavailableError(
            f"The journal folder could not be created ({exc.strerror or type(exc).__name__}): {paths.data_dir}"
        ) from None
    key = keyslots.new_data_key()
    try:
        slots = keyslots.new_file(key, journal_id or keyslots.new_journal_id())
        recovery = keyslots.generate_recovery_key() if passphrase is None else None
        slot = keyslots.make_passphrase_slot(
            key,
            passphrase if passphrase is not None else str(recovery),
            kind=keyslots.KIND_PASSPHRASE if passphrase is not None else keyslots.KIND_RECOVERY,
            journal_id=slots.journal_id,
        )
        slots = slots.with_slot(keyslots.SLOT_PASSPHRASE, slot)
        backend_name: str | None = None
        slots = slots.with_keyring_declined(not use_keyring)
        if use_keyring:
            try:
                slots, backend = _store_keyring_slot(slots, key)
                backend_name = keystore.display_name(backend)
            except KeyringUnavailable as exc:
                log.warning("journal created without a keyring slot: %s", exc)
        try:
            _write_slots(paths, slots)
        except BaseException:
            if backend_name is not None:
                keystore.delete_secret(slots.journal_id)
            raise
        log.info("new journal key created (keyring slot: %s)", "yes" if backend_name else "no")
        return NewKey(key=bytes(key), recovery_key=recovery, keyring_backend=backend_name)
    finally:
        keyslots.wipe(key)


def _check_openable_state(paths: JournalPaths) -> None:
    state = journal_state(paths)
    if state is JournalState.NEW:
        raise JournalMissingError(f"There is no journal in {paths.data_dir}: create one with `recipro init`.")
    if state is JournalState.DAMAGED_EMPTY:
        raise EmptyJournalFileError(
            f"The journal file {paths.database} is empty (0 bytes): it was truncated. Restore a backup; "
            "the empty file is not treated as a new journal."
        )
    if state is JournalState.SLOTS_MISSING:
        raise KeySlotError(
            f"The key-slot file {paths.keyslots} is missing, so the journal cannot be unlocked. "
            "Restore keyslots.json from where you keep copies of it; no new key will be created."
        )


def _verified(slots: KeySlotFile, key: bytearray, what: str) -> bytearray:
    if not keyslots.key_matches(slots, key):
        keyslots.wipe(key)
        raise KeySlotError(f"The {what} slot of the key-slot file does not match its key check: the file is damaged.")
    return key


def _unlock_with_keyring(slots: KeySlotFile) -> bytearray:
    slot = slots.slots.get(keyslots.SLOT_KEYRING)
    if slot is None:
        status = keystore.keyring_status()
        if not status.usable:
            raise JournalLockedError(f"The journal is locked. {status.detail} Enter the passphrase or recovery key.")
        raise JournalLockedError(
            "The journal is locked: it has no keyring entry. Enter its passphrase or recovery key."
        )
    stored_in = keystore.display_name(str(slot.meta["backend"]))
    try:
        text = keystore.get_secret(str(slot.meta["username"]))
    except KeyringUnavailable as exc:
        raise JournalLockedError(f"The journal is locked. {exc} Enter the passphrase or recovery key.") from None
    if text is None:
        current = keystore.display_name(keystore.current_backend_id())
        raise JournalLockedError(
            f"The journal is locked: the key was not found in {current}; it was stored in {stored_in}. "
            "Enter the passphrase or recovery key to unlock it and store the key again."
        )
    secret = keyslots.decode_secret(text)
    key = keyslots.open_keyring_slot(slots, secret) if secret is not None else None
    keyslots.wipe(secret)
    if key is None:
        raise JournalLockedError(
            "The journal is locked: the keyring entry does not belong to this journal. "
            "Enter the passphrase or recovery key."
        )
    return _verified(slots, key, "keyring")


def _keyring_slot_works(slots: KeySlotFile) -> bool:
    try:
        key = _unlock_with_keyring(slots)
    except (JournalLockedError, KeySlotError):
        return False
    keyslots.wipe(key)
    return True


def _restore_keyring(paths: JournalPaths, slots: KeySlotFile, key: bytearray) -> str | None:
    """After a passphrase unlock: put the key back into a working keyring that lost it (B4, B9), or into one
    that was missing when the journal was made — never when the user declined the keyring."""
    if slots.keyring_declined or not keystore.keyring_status().usable:
        return None
    had_slot = keyslots.SLOT_KEYRING in slots.slots
    if had_slot and _keyring_slot_works(slots):
        return None
    try:
        updated, backend = _store_keyring_slot(slots, key)
        _write_slots(paths, updated)
    except (KeyringUnavailable, StorageUnavailableError) as exc:
        log.warning("could not store the key in the keyring again: %s", exc)
        return None
    name = keystore.display_name(backend)
    log.info("key stored in the keyring again after a passphrase unlock")
    if had_slot:
        return f"The key was stored again in the system keyring ({name}); the next start will not ask."
    return f"The key is now also stored in the system keyring ({name}); the next start will not ask."


def unlock(paths: JournalPaths, *, passphrase: str | None = None) -> Unlocked:
    """Unwrap and verify the data key: from the keyring (``passphrase`` None) or from the passphrase slot.

    Nothing on disk changes except a folder open to other users being made private first (I13, said in
    :attr:`Unlocked.notice`) and, after a passphrase unlock, the keyring slot being re-stored.

    Raises:
        UnsafeFolderError: the folder or a journal file is another user's, a link, or cannot be made private.
        JournalMissingError: no journal here (state NEW).
        EmptyJournalFileError: the database is 0 bytes (a :class:`DamagedJournalError`).
        KeySlotError: the key-slot file is missing (while a database exists), malformed, or inconsistent.
        JournalLockedError: keyring path only; the message says why (no keyring, keyring failed or timed
            out, key not found in the current backend although stored in another).
        WrongPassphraseError: the passphrase or recovery key does not unwrap the key.
    """
    folder_notice = folder_guard.secure_journal_folder(paths)  # I13: private, or refused, before anything is read
    _check_openable_state(paths)
    slots = _read_slots(paths)
    if passphrase is None:
        key = _unlock_with_keyring(slots)
        try:
            return Unlocked(key=bytes(key), via="keyring", notice=folder_notice)
        finally:
            keyslots.wipe(key)
    if keyslots.SLOT_PASSPHRASE not in slots.slots:
        raise KeySlotError("The key-slot file has no passphrase slot.")
    unwrapped = keyslots.open_passphrase_slot(slots, passphrase)
    if unwrapped is None:
        log.info("passphrase unlock refused (wrong passphrase)")
        raise WrongPassphraseError("Wrong passphrase or recovery key.")
    key = _verified(slots, unwrapped, "passphrase")
    try:
        notice = _restore_keyring(paths, slots, key)
        notice = " ".join(n for n in (folder_notice, notice) if n) or None
        return Unlocked(key=bytes(key), via="passphrase", notice=notice)
    finally:
        keyslots.wipe(key)


def unlock_slots(slots: KeySlotFile, passphrase: str | None) -> bytes:
    """The verified data key from ``slots``, which need not be the journal's file (a backup's own, I4): from the
    keyring when ``passphrase`` is None, else from the passphrase slot. Writes nothing.

    Raises:
        JournalLockedError: keyring path only: no keyring slot, keyring unusable, or the key not in it.
        WrongPassphraseError: the passphrase or recovery key does not unwrap the key.
        KeySlotError: no passphrase slot, or a slot that does not match the key check.
    """
    if passphrase is None:
        key = _unlock_with_keyring(slots)
    else:
        if keyslots.SLOT_PASSPHRASE not in slots.slots:
            raise KeySlotError("The key-slot file has no passphrase slot.")
        unwrapped = keyslots.open_passphrase_slot(slots, passphrase)
        if unwrapped is None:
            raise WrongPassphraseError("Wrong passphrase or recovery key.")
        key = _verified(slots, unwrapped, "passphrase")
    try:
        return bytes(key)
    finally:
        keyslots.wipe(key)


def foreign_slots_error(paths: JournalPaths, key: bytes) -> ForeignKeySlotsError | None:
    """After the database failed to open with a key its key-slot file vouched for: the error to report when the
    slots are another journal's (no page of the database authenticates with the key, I9), else None (damage).

    Another journal's key-slot file under the same passphrase unlocks fine; only the database can say the key
    is not its own, and SQLCipher's "file is not a database" says the same for a damaged header.
    """
    if driver.key_fits(paths.database, key) is not False:
        return None
    log.info("the key-slot file's key authenticates no page of the database: foreign key slots")
    return ForeignKeySlotsError(
        f"The key-slot file {paths.keyslots} belongs to another journal: its key does not open this database."
    )


def check_key(paths: JournalPaths, key: bytes) -> bool:
    """True when ``key`` is this journal's data key (constant-time key-check comparison)."""
    return keyslots.key_matches(_read_slots(paths), key)


def _slots_for_key(paths: JournalPaths, key: bytes) -> KeySlotFile:
    slots = _read_slots(paths)
    if not keyslots.key_matches(slots, key):
        raise KeySlotError("The key does not belong to this journal's key-slot file.")
    return slots


def change_passphrase(paths: JournalPaths, key: bytes, new_passphrase: str | None) -> str | None:
    """Replace the passphrase slot (the data key and the database stay the same).

    The new slot replaces the old one in a single atomic file write, so an interruption leaves the old or
    the new credential working, never neither (B10).

    Returns:
        The new recovery key when ``new_passphrase`` is None (show it once), else None.

    Raises:
        KeySlotError: ``key`` is not this journal's key, or the file is malformed.
        ValidationError: the new passphrase is empty.
        StorageUnavailableError: the file could not be written (the old one is unchanged).
    """
    if new_passphrase is not None:
        keyslots.check_new_passphrase(new_passphrase)
    slots = _slots_for_key(paths, key)
    recovery = keyslots.generate_recovery_key() if new_passphrase is None else None
    slot = keyslots.make_passphrase_slot(
        key,
        new_passphrase if new_passphrase is not None else str(recovery),
        kind=keyslots.KIND_PASSPHRASE if new_passphrase is not None else keyslots.KIND_RECOVERY,
        journal_id=slots.journal_id,
    )
    _write_slots(paths, slots.with_slot(keyslots.SLOT_PASSPHRASE, slot))
    log.info("passphrase slot replaced (%s)", "recovery key" if recovery else "passphrase")
    return recovery


def store_in_keyring(paths: JournalPaths, key: bytes) -> KeyringStatus:
    """Store (or re-store) the key in the current keyring and record the keyring slot.

    Returns the keyring's status; ``usable`` False means nothing was stored and the file is unchanged.

    Raises:
        KeySlotError: ``key`` is not this journal's key.
    """
    slots = _slots_for_key(paths, key).with_keyring_declined(False)
    try:
        updated, backend = _store_keyring_slot(slots, key)
    except KeyringUnavailable as exc:
        status = keystore.keyring_status()
        return KeyringStatus(backend=status.backend, usable=False, detail=str(exc))
    _write_slots(paths, updated)
    name = keystore.display_name(backend)
    return KeyringStatus(backend=name, usable=True, detail=f"The key is stored in the system keyring ({name}).")


def forget_keyring(paths: JournalPaths) -> None:
    """Remove the key from the keyring and drop the keyring slot: the passphrase is then asked at each start
    (and a passphrase unlock no longer puts the key back by itself)."""
    slots = _read_slots(paths)
    slot = slots.slots.get(keyslots.SLOT_KEYRING)
    if slot is None:
        if not slots.keyring_declined:
            _write_slots(paths, slots.with_keyring_declined(True))
        return
    if keyslots.SLOT_PASSPHRASE not in slots.slots:
        raise KeySlotError("Refusing to remove the keyring slot: the journal has no passphrase slot.")
    _write_slots(paths, slots.with_slot(keyslots.SLOT_KEYRING, None).with_keyring_declined(True))
    keystore.delete_secret(str(slot.meta["username"]))
    log.info("keyring slot removed")


def slot_summary(paths: JournalPaths) -> list[str]:
    """Readable lines about the key slots for ``recipro check`` (no secrets: parameters and names only).

    Raises:
        KeySlotError: the file is missing or malformed.
    """
    slots = _read_slots(paths)
    lines = [f"key-slot file: format {keyslots.VERSION}, created {slots.created_at or 'unknown'}"]
    slot = slots.slots.get(keyslots.SLOT_PASSPHRASE)
    if slot is None:
        lines.append("passphrase slot: missing")
    else:
        params, salt = keyslots.slot_kdf(slot)
        recovery = slot.meta.get("kind") == keyslots.KIND_RECOVERY
        lines.append(
            f"passphrase slot: {params.describe()} salt={len(salt)} bytes" + (" (recovery key)" if recovery else "")
        )
    slot = slots.slots.get(keyslots.SLOT_KEYRING)
    if slot is None:
        why = "you chose not to use the keyring; " if slots.keyring_declined else ""
        lines.append(f"keyring slot: none ({why}the passphrase is asked at each start)")
    else:
        name = keystore.display_name(str(slot.meta["backend"]))
        if _keyring_slot_works(slots):
            state = "found"
        else:
            current = keystore.display_name(keystore.current_backend_id())
            state = "not found" if current == name else f"not found; the current keyring is {current}"
        lines.append(f"keyring slot: {name} ({state})")
    return lines
