"""Single instance with real processes (RELIABILITY C1, C2, C3).

C1: process A holds the lock and the local server with the journal open; B forwards "activate", exits 0 and
never opens (nor imports the code that opens) the journal, whose files stay byte-for-byte the same; A hears it.
C2: A is killed with SIGKILL (lock file and socket left behind); C detects the dead owner, removes the stale
socket and becomes primary — proven by D's activation reaching C. C3: an unwritable lock folder (as ``nobody``):
the app runs unguarded and says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from PySide6.QtCore import QLockFile
from pytestqt.qtbot import QtBot

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.ui.single_instance import InstanceRole, SingleInstance
from tests.helpers.nonroot import REPO_ROOT, run_unprivileged, unprivileged_dir  # noqa: F401  (pytest fixture)

TIMEOUT = 30.0


def child_env(lock_dir: Path) -> dict[str, str]:
    """The test's environment (isolated HOME/XDG), offscreen, sockets in the test's own temp folder."""
    tmp = lock_dir.parent / "sockets"
    tmp.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ)
    env.update(
        TMPDIR=str(tmp),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO_ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def launch(lock_dir: Path, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ui.single_instance_child", str(lock_dir), str(data_dir)],
        cwd=REPO_ROOT,
        env=child_env(lock_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class LineReader:
    """A child's stdout, line by line, with a timeout, on every OS.

    ``select()`` waits on pipes only on POSIX (on Windows it takes sockets alone), so a thread reads the pipe
    and hands each line over through a queue; it ends at the pipe's end of file, when the child is gone.
    """

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self.proc = proc
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True)
        self.thread.start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self.lines.put(line)
        finally:
            self.lines.put(None)

    def close(self) -> None:
        """After the child ended: wait for the reader, then close the pipes."""
        self.thread.join(timeout=TIMEOUT)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


READERS: dict[subprocess.Popen[str], LineReader] = {}  # until stop()


def read_line(proc: subprocess.Popen[str], timeout: float = TIMEOUT) -> str:
    """The child's next stdout line, waiting on the pipe (no sleep loop)."""
    reader = READERS.get(proc)
    if reader is None:
        reader = READERS[proc] = LineReader(proc)
    try:
        line = reader.lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"child printed nothing within {timeout} s") from None
    if line is None:
        stderr = proc.stderr.read() if proc.stderr else ""
        raise AssertionError(f"child ended (rc={proc.wait()}):\n{stderr}")
    return line.strip()


def stop(proc: subprocess.Popen[str]) -> None:
    """Kill the child if it still runs, reap it, and close its pipes (after the reader thread let go)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=TIMEOUT)
    reader = READERS.pop(proc, None)
    if reader is not None:
        reader.close()
    else:
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def run_once(lock_dir: Path, data_dir: Path) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.single_instance_child", str(lock_dir), str(data_dir)],
        cwd=REPO_ROOT,
        env=child_env(lock_dir),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"no output (rc={done.returncode}):\n{done.stderr}"
    return done.returncode, json.loads(lines[0])


def fingerprint(paths: JournalPaths) -> dict[str, tuple[int, int, str]]:
    out = {}
    for path in sorted(paths.data_dir.iterdir()):
        if path.is_file():
            st = path.stat()
            out[path.name] = (st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return out


@pytest.fixture
def journal(tmp_path: Path) -> JournalPaths:
    paths = JournalPaths(tmp_path / "journal")
    create_journal(paths, passphrase="pw", use_keyring=False).journal.close()
    return paths


@pytest.fixture
def primary(tmp_path: Path, journal: JournalPaths) -> Iterator[subprocess.Popen[str]]:
    proc = launch(tmp_path / "lock", journal.data_dir)
    try:
        yield proc
    finally:
        stop(proc)


def test_c1_second_launch_forwards_activate_and_never_opens_the_journal(
    tmp_path: Path, journal: JournalPaths, primary: subprocess.Popen[str]
) -> None:
    assert json.loads(read_line(primary))["role"] == "primary"
    assert read_line(primary) == "ready"
    before = fingerprint(journal)
    rc, report = run_once(tmp_path / "lock", journal.data_dir)
    assert rc == 0
    assert report == {"role": "secondary", "forwarded": True, "problem": None, "storage_imported": False}
    assert read_line(primary) == "activated"
    assert fingerprint(journal) == before  # B did not touch the journal
    rc2, _ = run_once(tmp_path / "lock", journal.data_dir)  # and again: the server keeps listening
    assert rc2 == 0 and read_line(primary) == "activated"


def test_c2_a_killed_instance_leaves_a_lock_the_next_start_takes_over(
    tmp_path: Path, journal: JournalPaths, primary: subprocess.Popen[str]
) -> None:
    lock_dir = tmp_path / "lock"
    assert json.loads(read_line(primary))["role"] == "primary"
    assert read_line(primary) == "ready"
    primary.kill()  # SIGKILL; TerminateProcess on Windows
    primary.wait(timeout=TIMEOUT)
    assert (lock_dir / "recipro.lock").exists()  # left behind by the crash
    c = launch(lock_dir, journal.data_dir)
    try:
        assert json.loads(read_line(c))["role"] == "primary"  # stale lock detected by PID
        assert read_line(c) == "ready"
        rc, report = run_once(lock_dir, journal.data_dir)  # the stale socket was replaced: C answers
        assert rc == 0 and report["forwarded"] is True
        assert read_line(c) == "activated"
    finally:
        stop(c)


def test_in_process_primary_and_release(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance("recipro", tmp_path / "lock")
    assert first.acquire() is InstanceRole.PRIMARY and first.problem is None
    other = QLockFile(str(first.lock_path))
    other.setStaleLockTime(0)
    assert not other.tryLock(0)  # held (by this live process)
    first.release()
    assert other.tryLock(0)
    other.unlock()


def test_unanswered_primary_is_reported(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live lock holder that does not listen: the second start says so and exits non-zero (no hang)."""
    from recipro_desktop.ui import single_instance

    monkeypatch.setattr(single_instance, "CONNECT_ATTEMPTS", 2)
    monkeypatch.setattr(single_instance, "CONNECT_TIMEOUT_MS", 100)
    holder = QLockFile(str(tmp_path / "lock" / "recipro.lock"))
    (tmp_path / "lock").mkdir()
    holder.setStaleLockTime(0)
    assert holder.tryLock(0)
    second = SingleInstance("recipro", tmp_path / "lock")
    start = time.monotonic()
    # QLockFile refuses a second lock in the same process with LockFailedError, like another process would.
    assert second.acquire() is InstanceRole.SECONDARY
    assert not second.forwarded and second.problem is not None and "already running" in second.problem
    assert time.monotonic() - start < 5
    holder.unlock()


@pytest.mark.nonroot
def test_c3_unwritable_lock_folder_runs_unguarded(unprivileged_dir: Path) -> None:  # noqa: F811
    """C3 (H3): the lock folder is 0500 for an unprivileged user: the app runs and explains the risk."""
    result = run_unprivileged(
        """
        import json, os
        from pathlib import Path
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication([])
        from recipro_desktop.ui.single_instance import SingleInstance
        lock_dir = Path.cwd() / "data"
        lock_dir.mkdir()
        lock_dir.chmod(0o500)
        instance = SingleInstance("recipro", lock_dir)
        role = instance.acquire()
        print(json.dumps({"role": role.value, "problem": instance.problem, "lock": instance.lock_path.exists()}))
        """,
        cwd=unprivileged_dir,
    )
    assert result.returncode == 0, result.stderr
    value = result.value
    assert value["role"] == "unguarded" and not value["lock"]
    assert "could not make sure it runs only once" in value["problem"]
