"""Keyring absent, failing, hanging, forgetful or swapped (RELIABILITY B1, B2, B3, B4).

Real ``keyring`` backends are used where they exist (``fail.Keyring``, ``null.Keyring``, the chainer, a
child process configured through ``PYTHON_KEYRING_BACKEND``); the misbehaving ones are small backends that
raise the very exceptions real ones raise (``InitError`` from a locked gnome-keyring, ``KeyringError``, a
D-Bus ``RuntimeError``) or block like an unlock prompt nobody answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from recipro_desktop.core.errors import JournalLockedError, KeySlotError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import driver, keyslots, keystore, vault
from tests.conftest import CANARY_PASSPHRASE, MemoryKeyring
from tests.helpers import find_secret


class KeyringA(MemoryKeyring):
    """Stands for the backend the journal was created with (e.g. GNOME's Secret Service)."""


class KeyringB(MemoryKeyring):
    """Stands for the backend after a desktop change (e.g. KWallet), empty."""


class RaisingKeyring(KeyringBackend):
    """A present keyring whose every call raises ``error`` (locked, prompt dismissed, D-Bus failure)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.error


class HangingKeyring(KeyringBackend):
    """A keyring that blocks like an unlock prompt nobody sees, until the test releases it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def _block(self) -> None:
        self.release.wait(60)

    def get_password(self, service: str, username: str) -> str | None:
        self._block()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._block()

    def delete_password(self, service: str, username: str) -> None:
        self._block()


class ForgetfulKeyring(MemoryKeyring):
    """Not the null backend, but just as bad: accepts a secret and returns something else (B3)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password[::-1])


def _make_db(paths: JournalPaths, key: bytes) -> None:
    conn = driver.connect(paths.database, key, create=True)
    conn.execute("CREATE TABLE note (body TEXT)")
    conn.close()


def _slot_names(paths: JournalPaths) -> set[str]:
    return set(json.loads(paths.keyslots.read_text())["slots"])


@pytest.fixture
def hanging(monkeypatch: pytest.MonkeyPatch) -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    monkeypatch.setattr(keystore, "TIMEOUT_SECONDS", 0.3)
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("recipro-keyring-"):
            thread.join(10)


NO_KEYRING_BACKENDS = {
    "fail": fail.Keyring,
    "null": null.Keyring,
    "no-keyring-error": lambda: RaisingKeyring(keyring.errors.NoKeyringError("No recommended backend")),
}


# --- B1: no keyring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["fail", "no-keyring-error", "empty-chainer"])
def test_b1_no_keyring_keeps_the_passphrase_slot_only(
    journal_paths: JournalPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """B1: setup keeps only the passphrase slot, unlock without it is "locked", no plaintext key anywhere."""
    if backend == "empty-chainer":
        monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [])
        keyring.set_keyring(chainer.ChainerBackend())
    else:
        keyring.set_keyring(NO_KEYRING_BACKENDS[backend]())
    assert not vault.keyring_status().usable
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    assert new.keyring_backend is None
    assert _slot_names(journal_paths) == {"passphrase"}
    with pytest.raises(JournalLockedError) as err:
        vault.unlock(journal_paths)
    assert "passphrase" in str(err.value)
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.key == new.key and unlocked.notice is None
    home = Path(os.environ["HOME"])
    assert find_secret(new.key, journal_paths.data_dir, tmp_path, home) == []


def test_b1_subprocess_configured_with_the_fail_backend(tmp_path: Path) -> None:
    """B1 the way a headless machine meets it: PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring."""
    code = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        import keyring
        from recipro_desktop.core.errors import JournalLockedError
        from recipro_desktop.paths import JournalPaths
        from recipro_desktop.storage import keyslots, vault
        keyslots.kdf_params = keyslots.KdfParams(64, 1, 1)
        paths = JournalPaths(Path(sys.argv[1]))
        new = vault.create_key_slots(paths, passphrase=sys.stdin.readline().strip())
        try:
            vault.unlock(paths)
            locked = None
        except JournalLockedError as exc:
            locked = str(exc)
        print(json.dumps({"backend": type(keyring.get_keyring()).__module__, "slot": new.keyring_backend,
                          "status": vault.keyring_status().usable, "locked": locked}))
        """
    )
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "journal")],
        input=CANARY_PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["backend"] == "keyring.backends.fail"
    assert result["slot"] is None and result["status"] is False
    assert "No usable system keyring" in result["locked"]
    assert set(json.loads((tmp_path / "journal" / "keyslots.json").read_text())["slots"]) == {"passphrase"}


# --- B2: keyring present but failing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        keyring.errors.InitError("Failed to unlock the collection!"),
        keyring.errors.KeyringLocked("collection is locked"),
        keyring.errors.KeyringError("prompt dismissed"),
        RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown"),
        OSError(5, "I/O error"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_b2_failing_keyring_falls_back_to_the_passphrase(journal_paths: JournalPaths, error: BaseException) -> None:
    """B2: created with a working keyring; later every call raises. Locked message, passphrase works, no new key."""
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    before = journal_paths.keyslots.read_bytes()
    keyring.set_keyring(RaisingKeyring(error))
    with pytest.raises(JournalLockedError) as err:
        vault.unlock(journal_paths)
    assert f"Could not read the system keyring ({type(error).__name__})" in str(err.value)
    assert str(error) not in str(err.value) or not str(error)  # backend text is not echoed to the user
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.key == new.key and unlocked.notice is None
    assert journal_paths.keyslots.read_bytes() == before  # the keyring slot is kept for when it works again
    status = vault.keyring_status()
    assert not status.usable and type(error).__name__ in status.detail


def test_b2_failing_keyring_at_setup_keeps_passphrase_only(journal_paths: JournalPaths) -> None:
    keyring.set_keyring(RaisingKeyring(keyring.errors.PasswordSetError("write refused")))
    new = vault.create_key_slots(journal_paths, passphrase=None)
    assert new.keyring_backend is None and new.recovery_key
    assert _slot_names(journal_paths) == {"passphrase"}


def test_b2_hanging_keyring_times_out_instead_of_hanging(journal_paths: JournalPaths, hanging: HangingKeyring) -> None:
    """B2: a keyring that never answers costs one timeout, not a frozen app; the passphrase path works."""
    started = time.monotonic()
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert new.keyring_backend is None
    assert _slot_names(journal_paths) == {"passphrase"}
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.key == new.key
    # The hung request is still pending: later calls fail at once instead of stacking more threads.
    assert not vault.keyring_status().usable
    assert time.monotonic() - started < 5


def test_b2_hanging_keyring_at_unlock(journal_paths: JournalPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    backend = HangingKeyring()
    monkeypatch.setattr(keystore, "TIMEOUT_SECONDS", 0.3)
    keyring.set_keyring(backend)
    try:
        started = time.monotonic()
        with pytest.raises(JournalLockedError, match=r"did not answer within 0\.3 seconds"):
            vault.unlock(journal_paths)
        assert time.monotonic() - started < 3
        assert vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE).key == new.key
    finally:
        backend.release.set()
        for thread in threading.enumerate():
            if thread.name.startswith("recipro-keyring-"):
                thread.join(10)
    # Once the keyring answers again, everything is back to normal.
    keyring.set_keyring(MemoryKeyring())
    assert vault.keyring_status().usable


# --- B3: a keyring that does not keep what it is given ----------------------------------------------------


@pytest.mark.parametrize("backend", [null.Keyring, ForgetfulKeyring], ids=["null", "forgetful"])
def test_b3_keyring_that_forgets_gets_no_slot(journal_paths: JournalPaths, backend: type[KeyringBackend]) -> None:
    """B3: set_password "succeeds" but the read-back differs: treated as no keyring, the passphrase slot only."""
    keyring.set_keyring(backend())
    new = vault.create_key_slots(journal_paths, passphrase=None)
    assert new.keyring_backend is None
    assert new.recovery_key is not None  # the journal is protected by the recovery key instead
    assert _slot_names(journal_paths) == {"passphrase"}
    status = vault.store_in_keyring(journal_paths, new.key)
    assert not status.usable
    assert _slot_names(journal_paths) == {"passphrase"}


def test_b3_direct_store_secret_verifies_the_read_back() -> None:
    keyring.set_keyring(ForgetfulKeyring())
    with pytest.raises(keystore.KeyringUnavailable, match="did not keep"):
        keystore.store_secret("someone", "secret-value")


# --- B4: the keyring changed under an existing journal ---------------------------------------------------


def test_b4_swapped_keyring_names_both_backends_and_recovers(journal_paths: JournalPaths) -> None:
    """B4: created with backend A; B is empty. Both names in the message; no new key; the passphrase
    unlock stores the key into B."""
    keyring.set_keyring(KeyringA())
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    assert new.keyring_backend == "KeyringA"
    b = KeyringB()
    keyring.set_keyring(b)
    with pytest.raises(JournalLockedError) as err:
        vault.unlock(journal_paths)
    assert "the key was not found in KeyringB; it was stored in KeyringA" in str(err.value)
    assert vault.journal_state(journal_paths) is vault.JournalState.READY
    with pytest.raises(KeySlotError):
        vault.create_key_slots(journal_paths, passphrase="start over")
    assert "keyring slot: KeyringA (not found; the current keyring is KeyringB)" in vault.slot_summary(journal_paths)
    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert unlocked.key == new.key
    assert unlocked.notice is not None and "KeyringB" in unlocked.notice
    assert len(b.secrets) == 1
    assert vault.unlock(journal_paths).key == new.key
    doc = json.loads(journal_paths.keyslots.read_text())
    assert doc["slots"]["keyring"]["backend"].endswith("KeyringB")
    conn = driver.connect(journal_paths.database, new.key)  # same key: the existing database opens
    conn.close()


def test_b4_backend_name_recorded_for_real_backends() -> None:
    assert keystore.display_name("keyring.backends.SecretService.Keyring") == "SecretService"
    assert keystore.display_name("keyring.backends.kwallet.DBusKeyring") == "KWallet"
    assert keystore.display_name("keyring.backends.macOS.Keyring") == "macOS Keychain"
    assert keystore.display_name("some.plugin.Keyring") == "plugin"
    assert keystore.backend_id(fail.Keyring()) == "keyring.backends.fail.Keyring"


def test_keyring_secret_is_a_wrapping_key_not_the_data_key(journal_paths: JournalPaths) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    (secret,) = memory.secrets.values()
    decoded = keyslots.decode_secret(secret)
    assert decoded is not None and bytes(decoded) != new.key


# --- the user's "no keyring" choice is kept -------------------------------------------------------------------


def test_a_declined_keyring_is_never_filled_by_a_passphrase_unlock(journal_paths: JournalPaths) -> None:
    """``recipro init --no-keyring`` (and the demo, and the self-test's scratch journal): a usable keyring
    must not receive the key behind the user's back at the next passphrase unlock."""
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    _make_db(journal_paths, new.key)

    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)

    assert unlocked.key == new.key and unlocked.notice is None
    assert memory.secrets == {}
    assert _slot_names(journal_paths) == {"passphrase"}
    assert json.loads(journal_paths.keyslots.read_text())["keyring_declined"] is True
    assert "keyring slot: none (you chose not to use the keyring; the passphrase is asked at each start)" in (
        vault.slot_summary(journal_paths)
    )


def test_a_keyring_missing_at_setup_is_filled_once_it_exists(journal_paths: JournalPaths) -> None:
    """Not declined, only unavailable (a headless first start): the next passphrase unlock stores the key."""
    keyring.set_keyring(fail.Keyring())
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    assert "keyring_declined" not in json.loads(journal_paths.keyslots.read_text())
    memory = MemoryKeyring()
    keyring.set_keyring(memory)

    unlocked = vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)

    assert unlocked.notice is not None and "now also stored" in unlocked.notice
    assert len(memory.secrets) == 1
    assert vault.unlock(journal_paths).key == new.key


def test_forgetting_the_keyring_sticks_and_storing_again_undoes_it(journal_paths: JournalPaths) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    _make_db(journal_paths, new.key)
    assert len(memory.secrets) == 1

    vault.forget_keyring(journal_paths)
    vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert memory.secrets == {}
    assert _slot_names(journal_paths) == {"passphrase"}

    assert vault.store_in_keyring(journal_paths, new.key).usable
    assert "keyring_declined" not in json.loads(journal_paths.keyslots.read_text())
    assert vault.unlock(journal_paths).key == new.key
