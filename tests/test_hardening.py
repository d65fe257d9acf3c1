"""I14: Recipro's entry points turn core dumps off before the journal is unlocked.

Provoked for real: a child process is started through a real entry point (``python -m recipro_desktop``, the
bundle's ``packaging/launcher.py``, the window's ``recipro-gui`` function) with ``ulimit -c unlimited`` (set by
``/bin/sh``, which then execs it), waits with the journal unlocked and open, and is killed with SIGSEGV or
SIGABRT. Where this machine's ``core_pattern`` writes ``core`` files into the crashing process's working folder,
the test asserts that none appears there; a control child (plain Python, same start, same kill) shows that one
would, so the test can fail. Whatever the pattern, the child's own ``/proc/<pid>/limits`` must show a core size
limit of 0.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from tests.helpers.nonroot import child_env
from tests.helpers.platforms import WINDOWS

pytestmark = pytest.mark.skipif(
    WINDOWS or not sys.platform.startswith("linux"),
    reason="core dumps, RLIMIT_CORE and /proc/<pid>/limits are POSIX/Linux: Windows writes no core files (see "
    "recipro_desktop.hardening), and macOS has no /proc to read a running child's limits from",
)

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "quiet-harbour-lantern-42"
CORE_PATTERN = Path("/proc/sys/kernel/core_pattern")
ENTRY_POINTS = {
    "python -m recipro_desktop": [sys.executable, "-m", "recipro_desktop"],
    "bundle launcher": [sys.executable, str(ROOT / "packaging" / "launcher.py")],
}
GUI_MAIN = "import sys; from recipro_desktop.app import gui_main; sys.argv[0] = 'recipro-gui'; sys.exit(gui_main())"


def core_pattern() -> str:
    return CORE_PATTERN.read_text(encoding="ascii").strip()


def cores_land_in_cwd() -> bool:
    """True when a crashing process's core file is written into its working folder (a plain relative pattern)."""
    pattern = core_pattern()
    return bool(pattern) and not pattern.startswith("|") and "/" not in pattern


def core_files(folder: Path) -> list[Path]:
    prefix = core_pattern().split("%", 1)[0] or "core"
    return sorted(folder.glob(f"{prefix}*"))


UNLIMITED_CORE = ["/bin/sh", "-c", 'ulimit -c unlimited && exec "$@"', "sh"]
"""Prefix of a child's argv: the shell sets `ulimit -c unlimited`, then becomes the child (same pid)."""


@pytest.fixture(autouse=True)
def can_raise_core_limit() -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if hard != resource.RLIM_INFINITY and os.geteuid() != 0:
        pytest.skip(f"this session's hard core-size limit is {hard}: a child cannot be given `ulimit -c unlimited`")


def core_limit_of(pid: int) -> tuple[str, str]:
    """(soft, hard) "Max core file size" of a running process, as the kernel reports it."""
    for line in Path(f"/proc/{pid}/limits").read_text(encoding="ascii").splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line[len("Max core file size") :].split()[:2]
            return soft, hard
    raise AssertionError(f"no core size line in /proc/{pid}/limits")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The children's working folder (where a relative core_pattern writes) and their HOME/XDG folders."""
    work = tmp_path / "work"
    work.mkdir()
    return work


@pytest.fixture
def journal(tmp_path: Path) -> JournalPaths:
    paths = JournalPaths(tmp_path / "journal")
    create_journal(paths, passphrase=PASSPHRASE, use_keyring=False).journal.close()
    return paths


def start(argv: list[str], workdir: Path, **extra_env: str) -> subprocess.Popen[bytes]:
    env = child_env(workdir, {"RECIPRO_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(ROOT), **extra_env})
    return subprocess.Popen(
        [*UNLIMITED_CORE, *argv],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@contextlib.contextmanager
def waiting_reader(fifo: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> Iterator[None]:
    """Wait until ``proc`` opened ``fifo`` to read it (it then blocks in that read), and hold the writing end."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO while nobody has it open for reading
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
        if proc.poll() is not None:
            _out, err = proc.communicate()
            raise AssertionError(f"the child ended (rc={proc.returncode}) before reading: {err.decode()!r}")
        assert time.monotonic() < deadline, "the child never opened the import file"
        time.sleep(0.05)
    try:
        yield
    finally:
        os.close(fd)


def crash(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    os.kill(proc.pid, sig)
    proc.communicate(timeout=60)
    assert proc.returncode == -sig, f"the child ended with {proc.returncode}, not killed by {sig.name}"


def assert_no_core(workdir: Path) -> None:
    if cores_land_in_cwd():
        assert core_files(workdir) == [], "a core file was written"


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT], ids=["SIGSEGV", "SIGABRT"])
def test_i14_control_a_plain_python_child_does_dump_core(workdir: Path, sig: signal.Signals) -> None:
    """I14 control: the same start and kill without Recipro's entry point leaves a core (so the tests below can
    fail); on a machine that pipes cores to a collector, its core limit reads unlimited instead."""
    proc = start([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(120)"], workdir)
    assert proc.stdout is not None and proc.stdout.readline() == b"up\n"
    assert core_limit_of(proc.pid) == ("unlimited", "unlimited")
    crash(proc, sig)
    if not cores_land_in_cwd():
        pytest.skip(f"core_pattern is {core_pattern()!r}: cores do not land in the working folder here")
    assert core_files(workdir), "the control child left no core file: the I14 kill tests would prove nothing"


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT], ids=["SIGSEGV", "SIGABRT"])
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_i14_cli_killed_with_the_journal_unlocked_leaves_no_core(
    journal: JournalPaths, workdir: Path, tmp_path: Path, entry: str, sig: signal.Signals
) -> None:
    """I14: `recipro import FIFO` unlocks and opens the journal, then blocks reading the FIFO; killed there with
    `ulimit -c unlimited`, it leaves no core file, and its core limit is 0 (soft and hard)."""
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    proc = start([*ENTRY_POINTS[entry], "--data-dir", str(journal.data_dir), "import", str(fifo)], workdir)
    try:
        with waiting_reader(fifo, proc):
            assert core_limit_of(proc.pid) == ("0", "0")
            crash(proc, sig)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert_no_core(workdir)


def test_i14_window_killed_with_the_journal_open_leaves_no_core(journal: JournalPaths, workdir: Path) -> None:
    """I14: the window (``recipro-gui``, offscreen) opens the journal; killed with SIGSEGV, no core file."""
    argv = [sys.executable, "-c", GUI_MAIN, "--data-dir", str(journal.data_dir)]
    proc = start(argv, workdir, QT_QPA_PLATFORM="offscreen")
    try:
        deadline = time.monotonic() + 60
        opened = False
        while not opened:  # the log file says so once the background open is done
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the window never opened the journal"
            time.sleep(0.1)
            opened = any("journal opened" in log.read_text(encoding="utf-8") for log in workdir.rglob("recipro.log"))
        assert core_limit_of(proc.pid) == ("0", "0")
        crash(proc, signal.SIGSEGV)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert_no_core(workdir)
