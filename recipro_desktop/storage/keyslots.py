"""The key-slot file: the data key, wrapped, in up to two slots (DESIGN §4, RELIABILITY B-rows).

``keyslots.json`` is a small versioned JSON document beside the database::

    {"format": "recipro-keyslots", "version": 1, "journal_id": "<32 hex>", "created_at": "...",
     "key_check": {"alg": "hmac-sha256", "value": "<b64>"},
     "slots": {
        "passphrase": {"kind": "passphrase" | "recovery-key", "cipher": "aes-256-gcm", "nonce": ..., "wrapped": ...,
                       "kdf": {"name": "argon2id", "salt": ..., "memory_cost": 65536, "iterations": 3, "lanes": 4,
                               "length": 32}},
        "keyring":    {"cipher": "aes-256-gcm", "nonce": ..., "wrapped": ..., "service": "recipro",
                       "username": "<journal_id>", "backend": "keyring.backends.SecretService.Keyring"}},
     "keyring_declined": true}   # only when the user chose not to use the keyring

- The **data key** (DEK) is 32 random bytes handed raw to SQLCipher. Changing the passphrase re-wraps it
  (LUKS-style); the database is never re-encrypted, so every backup keeps opening with the same key.
- The **key-check value** is HMAC-SHA256 of a fixed label under the DEK. After a slot unwraps, it proves the
  key is this journal's, so a database that then fails to open is *damaged*, not a wrong passphrase (B5, B6).
- Each slot is AES-256-GCM with a random nonce; the associated data binds the format version, the slot
  type and the journal id, so a slot cannot be moved to another journal or to the other slot type.
- The passphrase slot derives its wrapping key with Argon2id; the salt (random, 16 bytes) and the cost
  parameters are **stored in the slot** and read back when unwrapping (B9, B12), never hard-coded; parameters
  outside what any Recipro writes are refused as tampering before Argon2 runs (I12: :data:`MAX_KDF_WORK`).
- The file is written atomically (temp + fsync + ``os.replace`` + dir fsync, mode 0600), so an interrupted
  passphrase change leaves either the old or the new slot readable, never neither (B10).

This module is pure format + crypto; :mod:`recipro_desktop.storage.vault` decides what to do with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from recipro_desktop.core.errors import KeySlotError, NewerVersionError, ValidationError
from recipro_desktop.storage import fsutil

log = logging.getLogger(__name__)

FORMAT = "recipro-keyslots"
VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
MAX_FILE_BYTES = 64 * 1024
KEY_CHECK_LABEL = b"recipro key-check v1"
SLOT_PASSPHRASE = "passphrase"
SLOT_KEYRING = "keyring"
KIND_PASSPHRASE = "passphrase"
KIND_RECOVERY = "recovery-key"

RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32: no 0/1/8/9 to confuse with O/I/B
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LEN = 5  # 30 characters x 5 bits = 150 bits of entropy


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (``memory_cost`` in KiB), stored in every passphrase slot."""

    memory_cost: int
    iterations: int
    lanes: int

    def describe(self) -> str:
        return f"argon2id m={self.memory_cost} t={self.iterations} p={self.lanes}"


# RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes (about 0.25-0.5 s on a desktop CPU).
RECOMMENDED_KDF = KdfParams(memory_cost=64 * 1024, iterations=3, lanes=4)
# The parameters new slots are written with. Tests swap in a cheap setting through this hook; unwrapping
# always uses the parameters stored in the slot, whatever this says.
kdf_params: KdfParams = RECOMMENDED_KDF

# Bounds on the parameters read from a file (issue 11, I12): a tampered slot asking for 4 GiB and 64 passes
# made unlocking run for minutes or exhaust memory. Recipro has only ever written RECOMMENDED_KDF (and the test
# suite's cheap 64 KiB / 1 pass / 1 lane, which the lower bounds, Argon2's own minimums, allow). The upper bounds
# leave room for a future Recipro to strengthen the default 16-fold in memory or in passes, not both: the
# memory x passes product (what the unlock time follows) is capped at 16 x today's, a few seconds at most.
MAX_KDF_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_KDF_ITERATIONS = 16
MAX_KDF_LANES = 64  # lanes cost no time or memory of their own here (Argon2 needs 8 KiB of memory per lane)
MAX_KDF_WORK = 16 * RECOMMENDED_KDF.memory_cost * RECOMMENDED_KDF.iterations  # KiB x passes
SALT_RANGE = (8, 64)  # bytes; Recipro writes SALT_BYTES


@dataclass(frozen=True)
class Slot:
    """One wrapped copy of the data key. ``meta`` holds the slot-type-specific fields (kdf, backend...)."""

    nonce: bytes
    wrapped: bytes
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KeySlotFile:
    """The parsed key-slot file."""

    journal_id: str
    created_at: str
    key_check: bytes
    slots: dict[str, Slot]
    keyring_declined: bool = False
    """The user chose not to keep the key in the keyring (``init --no-keyring``, "forget"): a passphrase unlock
    then never puts it there by itself, as it does for a journal made where no keyring was available."""

    def with_slot(self, name: str, slot: Slot | None) -> KeySlotFile:
        """A copy with slot ``name`` replaced (or removed when ``slot`` is None)."""
        slots = dict(self.slots)
        if slot is None:
            slots.pop(name, None)
        else:
            slots[name] = slot
        return replace(self, slots=slots)

    def with_keyring_declined(self, declined: bool) -> KeySlotFile:
        return replace(self, keyring_declined=declined)


def new_data_key() -> bytearray:
    """A fresh random 256-bit data key, as a bytearray so it can be zeroed after use."""
    return bytearray(secrets.token_bytes(KEY_BYTES))


def wipe(buffer: bytearray | None) -> None:
    """Overwrite a key buffer with zeros (best effort: Python may hold other copies)."""
    if buffer is not None:
        buffer[:] = bytes(len(buffer))


def new_journal_id() -> str:
    return secrets.token_hex(16)


def key_check_value(key: bytes | bytearray, journal_id: str) -> bytes:
    """HMAC-SHA256 of a fixed label and the journal id under the data key."""
    return hmac.new(bytes(key), KEY_CHECK_LABEL + journal_id.encode("ascii"), hashlib.sha256).digest()


def key_matches(slots: KeySlotFile, key: bytes | bytearray) -> bool:
    """Constant-time comparison of ``key``'s check value with the stored one."""
    if len(key) != KEY_BYTES:
        return False
    return hmac.compare_digest(key_check_value(key, slots.journal_id), slots.key_check)


def _aad(slot_type: str, journal_id: str) -> bytes:
    return f"{FORMAT}/v{VERSION}/{slot_type}/{journal_id}".encode("ascii")


def _wrap(wrapping_key: bytes | bytearray, key: bytes | bytearray, slot_type: str, journal_id: str) -> Slot:
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(bytes(wrapping_key)).encrypt(nonce, bytes(key), _aad(slot_type, journal_id))
    return Slot(nonce=nonce, wrapped=wrapped)


def _unwrap(wrapping_key: bytes | bytearray, slot: Slot, slot_type: str, journal_id: str) -> bytearray | None:
    """The data key, or None when the wrapping key is wrong (or the slot was tampered with)."""
    try:
        key = AESGCM(bytes(wrapping_key)).decrypt(slot.nonce, slot.wrapped, _aad(slot_type, journal_id))
    except InvalidTag:
        return None
    if len(key) != KEY_BYTES:
        return None
    return bytearray(key)


# --- passphrases and recovery keys -------------------------------------------------------------------


def generate_recovery_key() -> str:
    """A human-typeable recovery key: 6 groups of 5 base32 characters (150 bits), e.g. ``K7Q2M-...``."""
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LEN)) for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def normalize_recovery_key(text: str) -> str:
    """Accept a recovery key typed in lower case, with spaces or dashes, or with 0/1/8 for O/I/B."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    return cleaned.translate(str.maketrans("018", "OIB"))


def _passphrase_bytes(passphrase: str, kind: str) -> bytes:
    if kind == KIND_RECOVERY:
        return normalize_recovery_key(passphrase).encode("ascii", errors="replace")
    # NFC so that the same passphrase typed through different input methods derives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str) -> None:
    """Reject passphrases that cannot protect anything.

    Raises:
        ValidationError: empty or only whitespace.
    """
    if not passphrase or not passphrase.strip():
        raise ValidationError("passphrase", "The passphrase must not be empty.")


def _derive(secret: bytes, salt: bytes, params: KdfParams) -> bytearray:
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return bytearray(kdf.derive(secret))


def make_passphrase_slot(key: bytes | bytearray, passphrase: str, *, kind: str, journal_id: str) -> Slot:
    """Wrap ``key`` under an Argon2id key derived from ``passphrase`` with a fresh salt and :data:`kdf_params`."""
    params = kdf_params
    salt = secrets.token_bytes(SALT_BYTES)
    wrapping = _derive(_passphrase_bytes(passphrase, kind), salt, params)
    try:
        slot = _wrap(wrapping, key, SLOT_PASSPHRASE, journal_id)
    finally:
        wipe(wrapping)
    meta = {
        "kind": kind,
        "kdf": {
            "name": "argon2id",
            "salt": _b64(salt),
            "memory_cost": params.memory_cost,
            "iterations": params.iterations,
            "lanes": params.lanes,
            "length": KEY_BYTES,
        },
    }
    return Slot(nonce=slot.nonce, wrapped=slot.wrapped, meta=meta)


def slot_kdf(slot: Slot) -> tuple[KdfParams, bytes]:
    """The KDF parameters and salt stored in a passphrase slot (validated when the file was read)."""
    kdf = slot.meta["kdf"]
    params = KdfParams(int(kdf["memory_cost"]), int(kdf["iterations"]), int(kdf["lanes"]))
    return params, _unb64(kdf["salt"])


def open_passphrase_slot(slots: KeySlotFile, passphrase: str) -> bytearray | None:
    """The data key unwrapped with ``passphrase``, or None when it is wrong."""
    slot = slots.slots[SLOT_PASSPHRASE]
    params, salt = slot_kdf(slot)
    kind = str(slot.meta.get("kind", KIND_PASSPHRASE))
    wrapping = _derive(_passphrase_bytes(passphrase, kind), salt, params)
    try:
        return _unwrap(wrapping, slot, SLOT_PASSPHRASE, slots.journal_id)
    finally:
        wipe(wrapping)


def make_keyring_slot(key: bytes | bytearray, secret: bytes | bytearray, *, journal_id: str, backend: str) -> Slot:
    """Wrap ``key`` under the random keyring secret; record where the secret lives."""
    slot = _wrap(secret, key, SLOT_KEYRING, journal_id)
    meta = {"service": "recipro", "username": journal_id, "backend": backend}
    return Slot(nonce=slot.nonce, wrapped=slot.wrapped, meta=meta)


def open_keyring_slot(slots: KeySlotFile, secret: bytes | bytearray) -> bytearray | None:
    """The data key unwrapped with the keyring secret, or None when the secret does not fit."""
    return _unwrap(secret, slots.slots[SLOT_KEYRING], SLOT_KEYRING, slots.journal_id)


def encode_secret(secret: bytes | bytearray) -> str:
    """The keyring secret as stored in the keyring (base64 text)."""
    return _b64(bytes(secret))


def decode_secret(text: str) -> bytearray | None:
    """The keyring secret read back from the keyring, or None when it is not one of ours."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    return bytearray(raw) if len(raw) == KEY_BYTES else None


# --- the file --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_file(key: bytes | bytearray, journal_id: str, now: datetime | None = None) -> KeySlotFile:
    """An empty slot file for a new data key (slots are added with :meth:`KeySlotFile.with_slot`)."""
    created = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return KeySlotFile(journal_id=journal_id, created_at=created, key_check=key_check_value(key, journal_id), slots={})


def dumps(slots: KeySlotFile) -> bytes:
    """Serialize (only wrapped keys, salts, parameters, ids: nothing that unlocks the journal by itself)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "journal_id": slots.journal_id,
        "created_at": slots.created_at,
        "key_check": {"alg": "hmac-sha256", "value": _b64(slots.key_check)},
        "slots": {
            name: {"cipher": "aes-256-gcm", "nonce": _b64(slot.nonce), "wrapped": _b64(slot.wrapped), **slot.meta}
            for name, slot in sorted(slots.slots.items())
        },
    }
    if slots.keyring_declined:  # written only when set: files of journals that use the keyring are unchanged
        doc["keyring_declined"] = True
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _size(kib: int) -> str:
    for unit, size in (("GiB", 1024 * 1024), ("MiB", 1024)):
        if abs(kib) >= size:
            return f"{kib / size:,.4g} {unit}"
    return f"{kib:,} KiB"


def _check_kdf_bounds(kdf: dict[str, Any]) -> None:
    """Refuse Argon2id parameters no Recipro writes, before any key derivation runs (I12, see MAX_KDF_WORK).

    Raises:
        KeySlotError: naming what the slot asks for.
        ValueError: the salt is not base64 (a damaged file, reported as such).
    """
    words = {"memory_cost": "memory cost", "iterations": "pass count", "lanes": "lane count"}
    for param, word in words.items():
        value = kdf.get(param)
        if not isinstance(value, int) or isinstance(value, bool):
            _refuse(f"has a {word} that is not a whole number")
    memory, passes, lanes = int(kdf["memory_cost"]), int(kdf["iterations"]), int(kdf["lanes"])
    if not 1 <= lanes <= MAX_KDF_LANES:
        _refuse(f"asks for {lanes:,} parallel lanes")
    if not 1 <= passes <= MAX_KDF_ITERATIONS:
        _refuse(f"asks for {passes:,} passes to unlock")
    if not 8 * lanes <= memory <= MAX_KDF_MEMORY_KIB:
        _refuse(f"asks for {_size(memory)} of memory to unlock")
    if memory * passes > MAX_KDF_WORK:
        _refuse(f"asks for {_size(memory)} of memory and {passes} passes to unlock")
    salt = len(_unb64(kdf.get("salt")))
    low, high = SALT_RANGE
    if not low <= salt <= high:
        _refuse("has an empty salt" if salt == 0 else f"has a {salt:,}-byte salt")


def _refuse(what: str) -> NoReturn:
    log.warning("key-slot file refused: its passphrase slot %s", what)
    raise KeySlotError(
        f"The key-slot file (keyslots.json) {what}, which no Recipro ever writes; it may have been tampered with."
    )


def _parse_slot(name: str, raw: Any) -> Slot:
    if not isinstance(raw, dict) or raw.get("cipher") != "aes-256-gcm":
        raise ValueError(f"slot {name}: unknown cipher")
    nonce, wrapped = _unb64(raw.get("nonce")), _unb64(raw.get("wrapped"))
    if len(nonce) != NONCE_BYTES or len(wrapped) != KEY_BYTES + 16:
        raise ValueError(f"slot {name}: bad sizes")
    meta = {k: v for k, v in raw.items() if k not in {"cipher", "nonce", "wrapped"}}
    if name == SLOT_PASSPHRASE:
        kdf = meta.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id" or kdf.get("length") != KEY_BYTES:
            raise ValueError("passphrase slot: unknown KDF")
        _check_kdf_bounds(kdf)
        if meta.get("kind", KIND_PASSPHRASE) not in {KIND_PASSPHRASE, KIND_RECOVERY}:
            raise ValueError("passphrase slot: unknown kind")
    elif name == SLOT_KEYRING and not (isinstance(meta.get("username"), str) and isinstance(meta.get("backend"), str)):
        raise ValueError("keyring slot: missing username or backend")
    return Slot(nonce=nonce, wrapped=wrapped, meta=meta)


def loads(data: bytes) -> KeySlotFile:
    """Parse and validate a key-slot file.

    Raises:
        NewerVersionError: written by a newer Recipro (never rewritten by this one).
        KeySlotError: not a key-slot file, or malformed.
    """
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeySlotError("The key-slot file (keyslots.json) is damaged: it is not valid JSON.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise KeySlotError("The key-slot file (keyslots.json) is not a Recipro key-slot file.")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise KeySlotError("The key-slot file (keyslots.json) has no valid version.")
    if version > VERSION:
        raise NewerVersionError(
            f"The key-slot file was written by a newer version of Recipro (format {version}); please update Recipro."
        )
    try:
        journal_id = doc["journal_id"]
        if not isinstance(journal_id, str) or len(journal_id) != 32 or not journal_id.isascii():
            raise ValueError("bad journal id")
        int(journal_id, 16)
        check = doc["key_check"]
        if not isinstance(check, dict) or check.get("alg") != "hmac-sha256":
            raise ValueError("bad key check")
        key_check = _unb64(check.get("value"))
        if len(key_check) != 32:
            raise ValueError("bad key check size")
        raw_slots = doc["slots"]
        if not isinstance(raw_slots, dict):
            raise ValueError("bad slots")
        slots = {
            name: _parse_slot(name, raw) for name, raw in raw_slots.items() if name in {SLOT_PASSPHRASE, SLOT_KEYRING}
        }
        created_at = str(doc.get("created_at", ""))
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("key-slot file rejected: %s", exc)
        raise KeySlotError("The key-slot file (keyslots.json) is damaged or incomplete.") from None
    if not slots:
        raise KeySlotError("The key-slot file (keyslots.json) holds no key slot.")
    return KeySlotFile(
        journal_id=journal_id,
        created_at=created_at,
        key_check=key_check,
        slots=slots,
        keyring_declined=doc.get("keyring_declined") is True,
    )


def read(path: Path) -> KeySlotFile:
    """Read and parse the key-slot file.

    Raises:
        KeySlotError: missing, unreadable, too large or malformed.
        NewerVersionError: written by a newer Recipro.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeySlotError(f"The key-slot file is missing: {path}") from None
    except OSError as exc:
        raise KeySlotError(f"The key-slot file could not be read ({exc.strerror}): {path}") from None
    if len(data) > MAX_FILE_BYTES:
        raise KeySlotError(f"The key-slot file is too large to be genuine: {path}")
    return loads(data)


def write(path: Path, slots: KeySlotFile) -> None:
    """Write the key-slot file atomically (0600); also clears temp files of an earlier interrupted write.

    Raises:
        OSError: the write failed and the previous file is unchanged.
    """
    fsutil.remove_stale_temp_files(path)
    fsutil.atomic_write_bytes(path, dumps(slots), mode=0o600)
    log.info("key-slot file written (slots: %s)", ",".join(sorted(slots.slots)))
