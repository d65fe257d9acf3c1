"""I6: ``recipro init`` killed with SIGKILL at any moment leaves no journal, and the next ``init`` succeeds.

Before, a kill between the key-slot file and the database (or inside the database's creation) left a folder
that was neither empty nor a journal: ``init`` refused it ("a journal already exists") and every other command
called it missing or damaged. Now creation is bracketed by a pending-init marker: its leftovers are "no journal"
to everyone, and the next ``init`` clears them (the keyring entry it may have stored included) and starts over.
A complete journal is never touched by ``init``.

Real ``recipro init`` processes (a real passphrase file, the real KDF cost, ``--no-keyring`` or a keyring shared
by the processes through a file) are killed at each point of the creation and at a sweep of moments.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recipro_desktop.core.errors import JournalMissingError, KeySlotError
from recipro_desktop.paths import JournalPaths
from recipro_desktop.storage import pending_init
from tests.helpers.platforms import SELF_KILLED_EXIT
from tests.storage import _file_keyring

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "quiet-harbour-lantern-42"
TIMEOUT = 120
POINTS = [
    *((f"fs:{n}", False) for n in range(1, 9)),  # the marker's write (1-4), the key-slot file's (5-8)
    ("db-file", False),
    ("db-schema", False),
    ("fs:4", True),  # the marker is written; the keyring entry comes next
    ("keyring", True),  # stored in the keyring, no key-slot file yet
    ("fs:6", True),
    ("fs:8", True),
    ("db-file", True),
    ("db-schema", True),
]
SWEEP_DELAYS = [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 10.0]  # seconds after the marker appeared


def marker(data_dir: Path) -> Path:
    return pending_init.marker_path(JournalPaths(data_dir))


def child_env(tmp_path: Path, keyring: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RECIPRO_PASSPHRASE", None)
    if keyring:
        env["PYTHON_KEYRING_BACKEND"] = "tests.storage._file_keyring.Keyring"
        env[_file_keyring.FILE_ENV] = str(tmp_path / "keyring.json")
    else:
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def recipro_argv(tmp_path: Path, data_dir: Path, *argv: str, passphrase: bool = True) -> list[str]:
    pass_file = tmp_path / "passphrase.txt"
    pass_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    given = ["--passphrase-file", str(pass_file)] if passphrase else []
    return ["--data-dir", str(data_dir), *given, *argv]


def recipro(tmp_path: Path, keyring: bool, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real command in a new process (through the child module, for the tests' cheap KDF cost)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.storage._init_child", "none", *argv],
        cwd=REPO,
        env=child_env(tmp_path, keyring),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def init_args(tmp_path: Path, data_dir: Path, keyring: bool) -> list[str]:
    return recipro_argv(tmp_path, data_dir, "init", *([] if keyring else ["--no-keyring"]))


def run_init_child(tmp_path: Path, data_dir: Path, point: str, keyring: bool) -> subprocess.CompletedProcess[str]:
    """``recipro init`` in a child that kills itself (SIGKILL) at ``point`` of the creation."""
    return subprocess.run(
        [sys.executable, "-m", "tests.storage._init_child", point, *init_args(tmp_path, data_dir, keyring)],
        cwd=REPO,
        env=child_env(tmp_path, keyring),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() + f":{p.stat().st_mtime_ns}"
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name.startswith(("journal.db", "keyslots"))
    }


def keyring_ids(tmp_path: Path) -> set[str]:
    return {name.split("/", 1)[1] for name in _file_keyring.entries(tmp_path / "keyring.json")}


def journal_id(data_dir: Path) -> str:
    return str(json.loads((data_dir / "keyslots.json").read_text(encoding="utf-8"))["journal_id"])


def assert_journal_opens(tmp_path: Path, data_dir: Path, keyring: bool) -> None:
    shown = recipro(tmp_path, keyring, *recipro_argv(tmp_path, data_dir, "stats", "--json"))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["people"] == 0
    if keyring:  # and with the key from the keyring alone: the entry belongs to this journal
        by_keyring = recipro(tmp_path, keyring, *recipro_argv(tmp_path, data_dir, "stats", passphrase=False))
        assert by_keyring.returncode == 0, by_keyring.stderr
        assert keyring_ids(tmp_path) == {journal_id(data_dir)}, "a keyring entry of the interrupted init was left"


def assert_init_again_works(tmp_path: Path, data_dir: Path, keyring: bool) -> None:
    """What an interrupted init left is no journal to anyone, and the next init clears it and succeeds."""
    missing = recipro(tmp_path, keyring, *recipro_argv(tmp_path, data_dir, "stats"))
    assert missing.returncode == JournalMissingError.exit_code, missing.stderr
    again = recipro(tmp_path, keyring, *init_args(tmp_path, data_dir, keyring))
    assert again.returncode == 0, again.stderr
    assert not marker(data_dir).exists()
    assert_journal_opens(tmp_path, data_dir, keyring)


def assert_init_refuses_and_leaves_it(tmp_path: Path, data_dir: Path, keyring: bool) -> None:
    """A complete journal: init refuses and touches nothing; the journal opens."""
    before = snapshot(data_dir)
    refused = recipro(tmp_path, keyring, *init_args(tmp_path, data_dir, keyring))
    assert refused.returncode == KeySlotError.exit_code, refused.stderr
    assert "already exists" in refused.stderr
    assert snapshot(data_dir) == before
    assert_journal_opens(tmp_path, data_dir, keyring)


@pytest.mark.parametrize(
    ("point", "keyring"), POINTS, ids=[f"{p}-{'keyring' if k else 'no-keyring'}" for p, k in POINTS]
)
def test_i6_init_killed_at_each_point_then_init_again(tmp_path: Path, point: str, keyring: bool) -> None:
    """I6: a SIGKILL at each point of the creation (marker write, key-slot write, keyring store, database file,
    schema): other commands see no journal, and a second ``init`` succeeds with a journal that opens (and, with a
    keyring, only the new journal's keyring entry is left)."""
    data_dir = tmp_path / "journal"
    killed = run_init_child(tmp_path, data_dir, point, keyring)
    assert killed.returncode == SELF_KILLED_EXIT, killed.stderr
    assert killed.stdout == ""
    assert_init_again_works(tmp_path, data_dir, keyring)


def test_i6_init_killed_after_the_commit_point_is_a_journal_init_never_touches(tmp_path: Path) -> None:
    """I6: killed just after the marker went (the journal is complete; nothing printed yet): it is a journal,
    it opens, and a second ``init`` refuses it without changing a byte."""
    data_dir = tmp_path / "journal"
    killed = run_init_child(tmp_path, data_dir, "finished", True)
    assert killed.returncode == SELF_KILLED_EXIT, killed.stderr
    assert_journal_opens(tmp_path, data_dir, True)
    assert_init_refuses_and_leaves_it(tmp_path, data_dir, True)


def _phase(data_dir: Path) -> str:
    if not data_dir.exists():
        return "nothing"
    pending = marker(data_dir).exists()
    files = [name for name in ("keyslots.json", "journal.db") if (data_dir / name).exists()]
    if not pending:
        return "complete" if len(files) == 2 else ("nothing" if not files else "broken")
    return "pending:" + "+".join(["marker", *files])


@pytest.mark.slow
def test_i6_init_killed_at_a_sweep_of_moments(tmp_path: Path) -> None:
    """I6: plain ``recipro init`` processes (the real KDF cost, a keyring) killed from outside at a sweep of
    moments after the creation began (its marker appeared): whatever the moment, the folder is either no journal
    (and init works again) or a complete journal (which init leaves alone); the sweep lands inside the creation
    and after it."""
    keyring = True
    phases: list[str] = []
    for run, delay in enumerate(SWEEP_DELAYS):
        (tmp_path / "keyring.json").unlink(missing_ok=True)
        data_dir = tmp_path / f"journal-{run}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "recipro_desktop", *init_args(tmp_path, data_dir, keyring)],
            cwd=REPO,
            env=child_env(tmp_path, keyring),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + TIMEOUT
        while not marker(data_dir).exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(delay)
        proc.kill()
        proc.communicate(timeout=TIMEOUT)
        phase = _phase(data_dir)
        phases.append(phase)
        assert phase != "broken", f"run {run}: {sorted(p.name for p in data_dir.iterdir())}"
        if phase == "complete":
            assert_init_refuses_and_leaves_it(tmp_path, data_dir, keyring)
        else:
            assert_init_again_works(tmp_path, data_dir, keyring)
    assert any(p.startswith("pending") for p in phases), phases
    assert phases[-1] == "complete", phases


def test_i6_a_stale_marker_never_makes_init_touch_a_real_journal(tmp_path: Path) -> None:
    """I6: a marker whose journal id is not the key-slot file's (a stale marker beside a real journal, however
    it got there) is ignored: the journal opens, and init refuses it untouched."""
    data_dir = tmp_path / "journal"
    made = recipro(tmp_path, False, *init_args(tmp_path, data_dir, False))
    assert made.returncode == 0, made.stderr
    marker(data_dir).write_text(json.dumps({"journal_id": "0" * 32}), encoding="utf-8")
    assert_journal_opens(tmp_path, data_dir, False)
    assert_init_refuses_and_leaves_it(tmp_path, data_dir, False)
