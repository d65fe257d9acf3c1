"""Test configuration shared by every test.

- Qt runs offscreen; the real HOME, XDG folders (Windows: LocalAppData, AppData, Documents), keyring and data
  directory are never touched (H1): an autouse fixture points them at a per-test temporary folder and installs an
  in-memory keyring.
- A canary string is handed to tests that write text; at the end of the session the log files, captured
  output and temp folder are searched for it (G1, B11: see tests/test_privacy_canary.py).
"""

from __future__ import annotations

import os
import shutil
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from recipro_desktop.paths import JournalPaths
from tests.helpers.platforms import WINDOWS

CANARY = "CANARY-7f3a9c1e-notes"
CANARY_KEY = bytes.fromhex("c0ffee" * 10 + "c0ffee00")[:32]
CANARY_PASSPHRASE = "CANARY-passphrase-5be1"


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring for one test (Vorta/jrnl style)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME, XDG_* (Windows: the known folders) at a fresh temp folder, unset RECIPRO_DATA_DIR and install a
    memory keyring (H1)."""
    home = tmp_path_factory.mktemp("home dir é")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
    ):
        (home / sub).mkdir(mode=0o700)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # Windows ignores HOME and XDG_*: platformdirs asks the shell for the known folders there, unless a
    # WIN_PD_OVERRIDE_<CSIDL> variable names one (child processes get LOCALAPPDATA/APPDATA too, which the shell
    # does not read either, so the overrides are what isolates them). The fake profile folders sit in the temp
    # folder, which is inside the real %USERPROFILE%, so fsutil.private_location_problem still sees them as private.
    # USERPROFILE itself is left alone: it is what the privacy check compares with.
    for var, sub in (
        ("LOCAL_APPDATA", "AppData/Local"),
        ("APPDATA", "AppData/Roaming"),
        ("PERSONAL", "Documents"),
        ("DOWNLOADS", "Downloads"),
        ("DESKTOPDIRECTORY", "Desktop"),
    ):
        if WINDOWS:
            (home / sub).mkdir(mode=0o700, parents=True)
        monkeypatch.setenv(f"WIN_PD_OVERRIDE_{var}", str(home / sub))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData/Local"))
    monkeypatch.setenv("APPDATA", str(home / "AppData/Roaming"))
    monkeypatch.delenv("RECIPRO_DATA_DIR", raising=False)
    monkeypatch.delenv("RECIPRO_PASSPHRASE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield home
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def dumpable_test_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that call an entry point in-process (cli.main, app.run, app.gui_main) must not turn core dumps off for
    pytest itself (I14: the hard limit goes to 0 for good and the process stops being dumpable): its later children
    could not dump core, which the I14 control test needs. The real entry points are checked in subprocesses
    (tests/test_hardening.py)."""
    from recipro_desktop import hardening

    monkeypatch.setattr(hardening, "disable_core_dumps", lambda: hardening.CoreDumps(None, None))


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


@pytest.fixture
def journal_paths(tmp_path: Path) -> JournalPaths:
    return JournalPaths(tmp_path / "journal")


CHEAP_KDF_MEMORY_KIB = 64  # Argon2id's cheapest legal setting (8 KiB per lane): microseconds instead of ~0.3 s


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """New passphrase slots use a cheap Argon2id cost so tests stay fast (the cost is stored in each slot,
    so unlocking works either way). Tests of the real cost set ``keyslots.kdf_params`` back to
    ``keyslots.RECOMMENDED_KDF`` themselves."""
    from recipro_desktop.storage import keyslots

    monkeypatch.setattr(keyslots, "kdf_params", keyslots.KdfParams(CHEAP_KDF_MEMORY_KIB, 1, 1))


SMALL_VOLUME_ENV = "RECIPRO_TEST_SMALL_VOLUME"


@pytest.fixture
def small_volume() -> Iterator[Path]:
    """A fresh folder on a small volume that a test may fill up for real: the disk-full rows (A3, A4, F4) with a
    real ENOSPC on Linux and ERROR_DISK_FULL through Windows' API under Wine (Windows has no per-process file-size
    limit). Skipped when the volume is not there; removed afterwards."""
    root = os.environ.get(SMALL_VOLUME_ENV)
    if not root:
        pytest.skip(
            f"needs a small empty volume to fill, named by ${SMALL_VOLUME_ENV} "
            "(.ci/run and packaging/windows/test-under-wine.sh mount a 4 MB tmpfs for it)"
        )
    folder = Path(root) / f"test-{uuid.uuid4().hex}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fill_volume(folder: Path, leave: int) -> Path:
    """Fill the volume holding ``folder`` until ``leave`` bytes are free; returns the ballast file (unlink it to
    free the space again)."""
    ballast = folder / "ballast"
    with ballast.open("wb") as stream:
        stream.write(b"\0" * max(0, shutil.disk_usage(folder).free - leave))
    return ballast
