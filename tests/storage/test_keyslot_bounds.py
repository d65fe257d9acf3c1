"""Argon2id parameters read from a tampered key-slot file are refused before any key derivation (issue 11, RELIABILITY
I12): a slot asking for 4 GiB of memory and 64 passes used to make unlocking run for minutes."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recipro_desktop import cli
from recipro_desktop.core.errors import KeySlotError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import keyslots
from tests.test_cli import run

PASSPHRASE = "quiet-harbour-lantern-42"
GIB = 1024 * 1024  # in KiB, Argon2's unit

Kdf = dict[str, Any]

TAMPERED: list[tuple[str, Callable[[Kdf], None], str]] = [
    ("4gib-64-passes", lambda k: k.update(memory_cost=4 * GIB, iterations=64), "asks for 64 passes to unlock"),
    ("memory-4gib", lambda k: k.update(memory_cost=4 * GIB), "asks for 4 GiB of memory to unlock"),
    ("passes-64", lambda k: k.update(iterations=64), "asks for 64 passes to unlock"),
    ("1gib-x-16-passes", lambda k: k.update(memory_cost=GIB, iterations=16), "asks for 1 GiB of memory and 16 passes"),
    ("lanes-0", lambda k: k.update(lanes=0), "asks for 0 parallel lanes"),
    ("lanes-huge", lambda k: k.update(lanes=2**24 - 1, memory_cost=8 * (2**24 - 1)), "asks for 16,777,215 parallel"),
    ("memory-negative", lambda k: k.update(memory_cost=-65536), "asks for -64 MiB of memory"),
    ("passes-text", lambda k: k.update(iterations="3"), "has a pass count that is not a whole number"),
    ("memory-float", lambda k: k.update(memory_cost=65536.0), "has a memory cost that is not a whole number"),
    ("lanes-missing", lambda k: k.pop("lanes"), "has a lane count that is not a whole number"),
    ("salt-empty", lambda k: k.update(salt=""), "has an empty salt"),
    ("salt-huge", lambda k: k.update(salt=base64.b64encode(bytes(30_000)).decode()), "has a 30,000-byte salt"),
]


def tamper(path: Path, change: Callable[[Kdf], None]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["slots"]["passphrase"]["kdf"])
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> JournalPaths:
    """A journal made by ``recipro init --no-keyring``: the passphrase slot is the only way in."""
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    code, _, err = run("--data-dir", str(tmp_path / "journal"), "init", "--no-keyring")
    assert code == 0, err
    return JournalPaths(tmp_path / "journal")


IN_A_PROCESS = [p for p in TAMPERED if p[0] in {"4gib-64-passes", "lanes-huge", "salt-huge"}]  # ~5 s each


@pytest.mark.parametrize(("change", "message"), [p[1:] for p in IN_A_PROCESS], ids=[p[0] for p in IN_A_PROCESS])
def test_i12_a_tampered_kdf_cost_is_refused_fast_with_exit_16_and_nothing_changes(
    journal: JournalPaths, change: Callable[[Kdf], None], message: str
) -> None:
    """I12: a real ``recipro stats`` process on a journal whose key-slot file was edited: exit 16 with the reason,
    within seconds (Python's start-up included), and neither the key-slot file nor the database is touched."""
    tamper(journal.keyslots, change)
    before = {p: p.read_bytes() for p in (journal.keyslots, journal.database)}
    env = {**os.environ, cli.PASSPHRASE_ENV: PASSPHRASE, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "recipro_desktop", "--data-dir", str(journal.data_dir), "stats"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == KeySlotError.exit_code == 16, done.stderr
    said = done.stderr.splitlines()[-1]  # log lines before it are issue 11's "noisy messages" row, not this one
    assert said.startswith("recipro: The key-slot file (keyslots.json) ") and message in said
    assert said.endswith("which no Recipro ever writes; it may have been tampered with.") and done.stdout == ""
    assert elapsed < 30, elapsed  # Python's start-up only: 4 GiB x 64 passes of Argon2 took many minutes
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize(("change", "message"), [p[1:] for p in TAMPERED], ids=[p[0] for p in TAMPERED])
def test_i12_loads_refuses_the_parameters_without_deriving_a_key(
    journal: JournalPaths, change: Callable[[Kdf], None], message: str
) -> None:
    """I12: every tampered shape, refused while the file is read (so by every command and the window alike)."""
    tamper(journal.keyslots, change)
    started = time.monotonic()
    with pytest.raises(KeySlotError, match="it may have been tampered with") as caught:
        keyslots.read(journal.keyslots)
    assert message in str(caught.value) and time.monotonic() - started < 1


@pytest.mark.parametrize(
    "params",
    [
        keyslots.RECOMMENDED_KDF,  # what every Recipro so far writes
        keyslots.KdfParams(64, 1, 1),  # the test suite's cheap setting (tests/conftest.py)
        keyslots.KdfParams(GIB, 3, 4),  # a future Recipro: 16 x the memory
        keyslots.KdfParams(64 * 1024, 16, 4),  # or 16 x the passes
        keyslots.KdfParams(64 * 1024, 3, 16),  # or as many lanes as a big CPU has cores
    ],
    ids=lambda p: p.describe(),
)
def test_i12_what_recipro_writes_now_and_a_stronger_future_default_still_load(
    journal: JournalPaths, params: keyslots.KdfParams
) -> None:
    tamper(journal.keyslots, lambda k: k.update(memory_cost=params.memory_cost, iterations=params.iterations))
    tamper(journal.keyslots, lambda k: k.update(lanes=params.lanes))
    params_read, salt = keyslots.slot_kdf(keyslots.read(journal.keyslots).slots[keyslots.SLOT_PASSPHRASE])
    assert params_read == params and len(salt) == keyslots.SALT_BYTES
