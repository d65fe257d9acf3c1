"""The key-slot file: format, Argon2id parameters, recovery keys, atomic writes (RELIABILITY A4, B9, B10, B12)."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

from recipro_desktop.core.errors import (
    KeySlotError,
    NewerVersionError,
    StorageUnavailableError,
    ValidationError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import fsutil, keyslots, vault
from recipro_desktop.storage.vault import JournalState
from tests.conftest import CANARY_PASSPHRASE, fill_volume
from tests.helpers.platforms import (
    NO_FILE_SIZE_LIMIT,
    SELF_KILLED_EXIT,
    WINDOWS,
    assert_private_dir,
    assert_private_file,
    posix_only,
)


def _doc(paths: JournalPaths) -> dict:
    return json.loads(paths.keyslots.read_text(encoding="utf-8"))


def _write_doc(paths: JournalPaths, doc: dict) -> None:
    paths.keyslots.write_text(json.dumps(doc), encoding="utf-8")


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# --- format ------------------------------------------------------------------------------------------


def test_file_is_versioned_private_json_with_both_slots(journal_paths: JournalPaths) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    doc = _doc(journal_paths)
    assert doc["format"] == "recipro-keyslots"
    assert doc["version"] == 1
    assert set(doc["slots"]) == {"keyring", "passphrase"}
    assert doc["slots"]["keyring"]["username"] == doc["journal_id"]
    assert doc["slots"]["keyring"]["backend"].endswith("MemoryKeyring")
    assert doc["slots"]["passphrase"]["kind"] == "passphrase"
    assert_private_file(journal_paths.keyslots)
    assert_private_dir(journal_paths.data_dir)
    assert new.recovery_key is None
    assert vault.journal_state(journal_paths) is JournalState.DATABASE_MISSING  # the database is the caller's job


def test_b12_two_journals_same_passphrase_have_different_salts_and_blobs(tmp_path: Path) -> None:
    """B12: a random salt per install, so equal passphrases never give equal slots."""
    one, two = JournalPaths(tmp_path / "one"), JournalPaths(tmp_path / "two")
    vault.create_key_slots(one, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    vault.create_key_slots(two, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    a, b = _doc(one), _doc(two)
    assert a["slots"]["passphrase"]["kdf"]["salt"] != b["slots"]["passphrase"]["kdf"]["salt"]
    assert a["slots"]["passphrase"]["wrapped"] != b["slots"]["passphrase"]["wrapped"]
    assert a["slots"]["passphrase"]["nonce"] != b["slots"]["passphrase"]["nonce"]
    assert a["journal_id"] != b["journal_id"]
    assert a["key_check"] != b["key_check"]
    assert a["slots"]["passphrase"]["kdf"]["name"] == "argon2id"  # parameters live in the versioned file


def test_real_default_kdf_parameters_are_stored_and_used(
    journal_paths: JournalPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The product's Argon2id cost (not the tests' cheap one) is what new slots get."""
    monkeypatch.setattr(keyslots, "kdf_params", keyslots.RECOMMENDED_KDF)
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    kdf = _doc(journal_paths)["slots"]["passphrase"]["kdf"]
    assert (kdf["memory_cost"], kdf["iterations"], kdf["lanes"]) == (65536, 3, 4)
    assert len(keyslots._unb64(kdf["salt"])) == 16
    assert "passphrase slot: argon2id m=65536 t=3 p=4 salt=16 bytes" in vault.slot_summary(journal_paths)
    assert vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE).key == new.key


def test_b9_kdf_parameters_are_read_from_the_file_not_hard_coded(
    journal_paths: JournalPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B9: unwrapping follows the slot's stored parameters, whatever the current defaults are."""
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    monkeypatch.setattr(keyslots, "kdf_params", keyslots.KdfParams(256, 2, 2))  # the defaults change later
    assert vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE).key == new.key
    # And the stored parameters really matter: edit them and the same passphrase no longer unwraps.
    doc = _doc(journal_paths)
    doc["slots"]["passphrase"]["kdf"]["iterations"] += 1
    _write_doc(journal_paths, doc)
    with pytest.raises(WrongPassphraseError):
        vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)


def test_recovery_key_is_typeable_and_forgiving(journal_paths: JournalPaths) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=None, use_keyring=False)
    assert new.recovery_key is not None
    assert re.fullmatch(r"[A-Z2-7]{5}(-[A-Z2-7]{5}){5}", new.recovery_key)
    assert _doc(journal_paths)["slots"]["passphrase"]["kind"] == "recovery-key"
    for typed in (
        new.recovery_key,
        new.recovery_key.lower(),
        new.recovery_key.replace("-", " "),
        new.recovery_key.replace("-", ""),
    ):
        assert vault.unlock(journal_paths, passphrase=typed).key == new.key
    assert keyslots.normalize_recovery_key("o1b8-ab") == "OIBBAB"
    assert vault.slot_summary(journal_paths)[1] == "passphrase slot: argon2id m=64 t=1 p=1 salt=16 bytes (recovery key)"


def test_recovery_keys_are_unique() -> None:
    keys = {keyslots.generate_recovery_key() for _ in range(200)}
    assert len(keys) == 200


def test_passphrase_is_unicode_normalised(journal_paths: JournalPaths) -> None:
    """The same passphrase typed with composed or decomposed accents unlocks the journal."""
    composed = unicodedata.normalize("NFC", "crème brûlée façade")
    new = vault.create_key_slots(journal_paths, passphrase=composed, use_keyring=False)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert vault.unlock(journal_paths, passphrase=decomposed).key == new.key


@pytest.mark.parametrize("bad", ["", "   ", "\t\n"])
def test_empty_passphrase_is_refused_before_anything_is_written(journal_paths: JournalPaths, bad: str) -> None:
    with pytest.raises(ValidationError):
        vault.create_key_slots(journal_paths, passphrase=bad)
    assert not journal_paths.data_dir.exists()


def test_check_key_compares_against_the_key_check_value(journal_paths: JournalPaths) -> None:
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert vault.check_key(journal_paths, new.key)
    assert not vault.check_key(journal_paths, bytes(32))
    assert not vault.check_key(journal_paths, new.key[:16])


def test_slots_are_bound_to_their_type_and_journal(tmp_path: Path) -> None:
    """AEAD associated data: a slot copied into another journal's file (same passphrase) does not open."""
    one, two = JournalPaths(tmp_path / "one"), JournalPaths(tmp_path / "two")
    vault.create_key_slots(one, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    vault.create_key_slots(two, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    doc_two = _doc(two)
    doc_two["slots"]["passphrase"] = _doc(one)["slots"]["passphrase"]
    _write_doc(two, doc_two)
    with pytest.raises(WrongPassphraseError):
        vault.unlock(two, passphrase=CANARY_PASSPHRASE)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: "not json {", id="not-json"),
        pytest.param(lambda d: "", id="empty"),
        pytest.param(lambda d: json.dumps({**d, "format": "other"}), id="wrong-format"),
        pytest.param(lambda d: json.dumps({**d, "slots": {}}), id="no-slots"),
        pytest.param(lambda d: json.dumps({k: v for k, v in d.items() if k != "key_check"}), id="no-key-check"),
        pytest.param(
            lambda d: json.dumps(
                {
                    **d,
                    "slots": {
                        "passphrase": {
                            **d["slots"]["passphrase"],
                            "kdf": {**d["slots"]["passphrase"]["kdf"], "memory_cost": 2**40},
                        }
                    },
                }
            ),
            id="kdf-memory-absurd",
        ),
        pytest.param(
            lambda d: json.dumps({**d, "slots": {"passphrase": {**d["slots"]["passphrase"], "wrapped": "AAAA"}}}),
            id="short-blob",
        ),
    ],
)
def test_malformed_key_slot_file_is_a_key_slot_error(journal_paths: JournalPaths, mutate) -> None:
    """A damaged key-slot file gives its own message; a tampered KDF cost is refused before any allocation."""
    vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    journal_paths.database.write_bytes(b"\x01" * 4096)  # a database exists: state READY
    journal_paths.keyslots.write_text(mutate(_doc(journal_paths)), encoding="utf-8")
    before = journal_paths.keyslots.read_bytes()
    with pytest.raises(KeySlotError) as err:
        vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)
    assert "keyslots.json" in str(err.value) or "key-slot file" in str(err.value)
    assert journal_paths.keyslots.read_bytes() == before


def test_newer_key_slot_format_is_refused(journal_paths: JournalPaths) -> None:
    vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    journal_paths.database.write_bytes(b"\x01" * 4096)
    _write_doc(journal_paths, {**_doc(journal_paths), "version": 2})
    with pytest.raises(NewerVersionError):
        vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE)


# --- A4: atomic writes ----------------------------------------------------------------------------------


@pytest.fixture
def original(tmp_path: Path) -> Path:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"original": true}\n')
    path.chmod(0o600)
    return path


def test_a4_atomic_write_replaces_durably_with_mode(original: Path) -> None:
    fsutil.atomic_write_bytes(original, b"new content", mode=0o600)
    assert original.read_bytes() == b"new content"
    assert_private_file(original)
    assert fsutil.stale_temp_files(original) == []


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a4_failing_step_leaves_original_and_no_temp(
    original: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """A4: os.replace / os.fsync / os.write raising OSError: the original is byte-identical, no temp is left."""
    before = original.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "injected I/O error")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError):
        fsutil.atomic_write_bytes(original, b"x" * 10_000)
    monkeypatch.undo()
    assert original.read_bytes() == before
    assert sorted(p.name for p in original.parent.iterdir()) == ["settings.json"]


@posix_only(NO_FILE_SIZE_LIMIT)
def test_a4_file_size_limit_child_leaves_original(original: Path) -> None:
    """A4: a real EFBIG (RLIMIT_FSIZE, SIGXFSZ ignored) in a child process while writing a larger file."""
    before = original.read_bytes()
    code = textwrap.dedent(
        f"""
        import errno, resource, signal, sys
        from pathlib import Path
        from recipro_desktop.storage import fsutil
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            fsutil.atomic_write_bytes(Path({str(original)!r}), b"y" * (1024 * 1024))
        except OSError as exc:
            print("errno", errno.errorcode[exc.errno])
            sys.exit(0)
        print("written")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "errno EFBIG"
    assert original.read_bytes() == before
    assert sorted(p.name for p in original.parent.iterdir()) == ["settings.json"]


def test_a4_full_volume_leaves_original(small_volume: Path) -> None:
    """A4 on a volume that really fills up (ENOSPC; ERROR_DISK_FULL on Windows, which has no file-size limit): the
    write fails, the original stays byte-identical, no temporary file is left; once space is freed it succeeds."""
    original = small_volume / "settings.json"
    original.write_bytes(b'{"original": true}\n')
    ballast = fill_volume(small_volume, leave=64 * 1024)
    with pytest.raises(OSError) as err:
        fsutil.atomic_write_bytes(original, b"y" * (1024 * 1024))
    # Linux says ENOSPC. Windows Python under Wine 8 reports the full disk as EINVAL from the C runtime's write;
    # what A4 asks (original intact, nothing left behind) is asserted below on both.
    assert err.value.errno == (errno.EINVAL if WINDOWS else errno.ENOSPC), err.value
    assert original.read_bytes() == b'{"original": true}\n'
    assert sorted(p.name for p in small_volume.iterdir()) == ["ballast", "settings.json"]
    ballast.unlink()
    fsutil.atomic_write_bytes(original, b"y" * (1024 * 1024))
    assert original.read_bytes() == b"y" * (1024 * 1024)
    assert sorted(p.name for p in small_volume.iterdir()) == ["settings.json"]


def test_a4_key_slot_write_failure_keeps_old_passphrase(
    journal_paths: JournalPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A4/B10: changing the passphrase when os.replace fails: a clear error, the old slot file untouched."""
    new = vault.create_key_slots(journal_paths, passphrase=CANARY_PASSPHRASE, use_keyring=False)
    before = _snapshot(journal_paths.data_dir)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(StorageUnavailableError) as err:
        vault.change_passphrase(journal_paths, new.key, "another passphrase")
    monkeypatch.undo()
    assert "unchanged" in str(err.value)
    assert _snapshot(journal_paths.data_dir) == before
    assert vault.unlock(journal_paths, passphrase=CANARY_PASSPHRASE).key == new.key


# --- B10: kill -9 during a passphrase change ------------------------------------------------------------

_CHANGE_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from recipro_desktop.paths import JournalPaths
    from recipro_desktop.storage import fsutil, keyslots, vault
    keyslots.kdf_params = keyslots.KdfParams(64, 1, 1)
    point = sys.argv[1]
    old, new = sys.stdin.read().split("\\n")[:2]

    def crash(step):
        if step == point:
            os.kill(os.getpid(), 9)  # SIGKILL; TerminateProcess on Windows

    paths = JournalPaths(Path(sys.argv[2]))
    key = vault.unlock(paths, passphrase=old).key
    fsutil.crash_point = crash
    vault.change_passphrase(paths, key, new)
    print("completed")
    """
)


@pytest.mark.parametrize(
    ("point", "expect_new"),
    [("begin", False), ("half-written", False), ("temp-written", False), ("replaced", True), ("none", True)],
)
def test_b10_kill_during_passphrase_change_leaves_old_or_new(
    journal_paths: JournalPaths, tmp_path: Path, point: str, expect_new: bool
) -> None:
    """B10: SIGKILL at each step of the key-slot rewrite: the old or the new passphrase works, never neither.

    The data key itself is never re-encrypted (LUKS-style slots), so there is no ``PRAGMA rekey`` to interrupt.
    """
    old, new_passphrase = CANARY_PASSPHRASE, "the new passphrase"
    created = vault.create_key_slots(journal_paths, passphrase=old, use_keyring=False)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _CHANGE_CHILD, point, str(journal_paths.data_dir)],
        input=f"{old}\n{new_passphrase}\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    if point == "none":
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == SELF_KILLED_EXIT, done.stderr
    works = {}
    for label, candidate in (("old", old), ("new", new_passphrase)):
        try:
            works[label] = vault.unlock(journal_paths, passphrase=candidate).key == created.key
        except WrongPassphraseError:
            works[label] = False
    assert works == {"old": not expect_new, "new": expect_new}
    # A later write clears what the killed one left behind (a stale temp could hold a superseded slot).
    key = vault.unlock(journal_paths, passphrase=new_passphrase if expect_new else old).key
    vault.change_passphrase(journal_paths, key, "third passphrase")
    assert fsutil.stale_temp_files(journal_paths.keyslots) == []
    assert vault.unlock(journal_paths, passphrase="third passphrase").key == created.key
