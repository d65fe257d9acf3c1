"""``recipro --self-test``: does this installation (above all, a frozen bundle) have what Recipro needs?

A bundle can build fine and still be broken in ways only running it shows (RELIABILITY B13, H2): PyInstaller
may leave out the ``sqlcipher3`` extension (or a "fixed" build may fall back to plain ``sqlite3`` and store
journals in the clear), keyring's backends (found through package metadata that freezing drops), the Argon2id
KDF of ``cryptography``, the Alembic migration scripts, Qt's platform and image plugins, or our compiled
resources. Each check here exercises the real code path the app uses, on a throwaway journal in a temporary
folder: nothing of the user's journal, settings or keyring entries is read or changed (the keyring check
stores, reads back and deletes one entry of its own).

The Qt checks run in a child process (the same executable with ``--self-test-part qt``): a Qt platform plugin
that cannot load aborts the process, and the report must still say so, with Qt's own explanation.

Every check yields :class:`Check` lines; the run passes when none has :attr:`Status.FAIL`. A missing keyring
*service* (no Secret Service daemon, a headless session) is a warning, because Recipro then works with a
passphrase; with ``require_keyring`` (a build machine that has one) it fails. Missing keyring *backends* (the
code) always fail: the bundle is broken for every user.
"""

from __future__ import annotations

import enum
import importlib
import json
import logging
import os
import platform
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from recipro_desktop import APP_NAME, __version__
from recipro_desktop.core.errors import JournalError
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths

log = logging.getLogger(__name__)

QT_PART = "qt"
INSTANCE_PART = "instance"
QT_TIMEOUT_SECONDS = 60.0
EXIT_FAILED = 1

# The keyring backend each OS needs, and the modules it imports lazily (PyInstaller cannot see them).
PLATFORM_KEYRING_MODULES: dict[str, tuple[str, ...]] = {
    "linux": ("keyring.backends.SecretService", "secretstorage", "jeepney"),
    "win32": ("keyring.backends.Windows", "win32ctypes.pywin32.win32cred"),
    "darwin": ("keyring.backends.macOS", "keyring.backends.macOS.api"),
}


class Status(enum.Enum):
    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: what was checked, how it went, and a sentence for the user."""

    name: str
    status: Status
    detail: str


@dataclass(slots=True)
class Report:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not any(c.status is Status.FAIL for c in self.checks)


def self_command() -> list[str]:
    """How to start this same installation again: the frozen executable, or this interpreter with ``-m``.

    The windowed Windows app (``recipro.exe``) has no standard output to report through; its console twin
    ``recipro-cli.exe`` beside it runs the child checks instead.
    """
    if getattr(sys, "frozen", False):
        executable = Path(sys.executable)
        console = executable.with_name(f"{executable.stem}-cli{executable.suffix}")
        if sys.platform == "win32" and console.exists():
            return [str(console)]
        return [sys.executable]
    return [sys.executable, "-m", "recipro_desktop"]


def frozen_bundle() -> str | None:
    """The bundle folder when running frozen (PyInstaller), else None."""
    if not getattr(sys, "frozen", False):
        return None
    return str(Path(sys.executable).resolve().parent)


# --- environment --------------------------------------------------------------------------------------------


def environment() -> list[Check]:
    bundle = frozen_bundle()
    where = f"frozen bundle in {bundle}" if bundle else f"Python package in {Path(__file__).resolve().parents[1]}"
    return [
        Check(APP_NAME, Status.INFO, f"version {__version__} ({where})"),
        Check(
            "System",
            Status.INFO,
            f"{platform.system()} {platform.release()} {platform.machine()}, Python {platform.python_version()}",
        ),
    ]


# --- encryption and the journal ---------------------------------------------------------------------------


def check_sqlcipher() -> Check:
    """SQLCipher is importable and active (``PRAGMA cipher_version`` answers): B7, B13."""
    from recipro_desktop.storage import driver

    try:
        version = driver.require_sqlcipher()
        sqlite_version = driver.dbapi().sqlite_version
    except (JournalError, ImportError) as exc:
        return Check("SQLCipher", Status.FAIL, str(exc))
    return Check("SQLCipher", Status.OK, f"{version} (SQLite {sqlite_version}) is active")


@contextmanager
def _scratch_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="recipro-self-test-") as tmp:
        yield Path(tmp)


def _raw_bytes(paths: JournalPaths) -> bytes:
    """Every byte the journal has on disk (the database and any WAL left beside it)."""
    data = b""
    for path in (paths.database, paths.database.with_name(paths.database.name + "-wal")):
        if path.exists():
            data += path.read_bytes()
    return data


def _stdlib_can_read(path: Path) -> bool:
    """Whether plain ``sqlite3`` (no key) reads the file: it must not, for an encrypted journal."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # percent-encoded, any OS
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def check_journal_round_trip() -> list[Check]:
    """Create a journal, write, close, check it is encrypted at rest, reopen, read back and search.

    This runs the app's own path: Argon2id key slot (``cryptography``), SQLCipher, the Alembic migrations
    (their scripts must be in the bundle), FTS5 with accent folding, and the open-time integrity check.
    """
    from recipro_desktop.services.access import create_journal, open_journal
    from recipro_desktop.storage.driver import is_plaintext_sqlite

    marker = f"Selftest{secrets.token_hex(4)}"
    name = f"Zoë {marker}"
    passphrase = secrets.token_urlsafe(16)
    checks: list[Check] = []
    with _scratch_dir() as tmp:
        paths = JournalPaths(tmp / "journal")
        step = "create"
        try:
            created = create_journal(paths, passphrase=passphrase, use_keyring=False)
            step = "write"
            person = created.journal.service.add_person(Person(display_name=name, notes=f"note {marker}"))
            created.journal.close()
            checks.append(Check("Journal write", Status.OK, "created a temporary journal, wrote a person, closed it"))

            raw = _raw_bytes(paths)
            if is_plaintext_sqlite(paths.database) or marker.encode() in raw or _stdlib_can_read(paths.database):
                checks.append(
                    Check(
                        "Encryption at rest",
                        Status.FAIL,
                        "the journal file is readable without its key: it is NOT encrypted",
                    )
                )
            else:
                checks.append(Check("Encryption at rest", Status.OK, "the file on disk is unreadable without the key"))

            step = "reopen"
            journal = open_journal(paths, passphrase=passphrase)
            try:
                step = "read back"
                back = journal.service.get_person(person.id)
                hits = journal.service.search("zoe " + marker.lower())
            finally:
                journal.close()
        except (JournalError, OSError) as exc:
            checks.append(Check("Journal round trip", Status.FAIL, f"failed at '{step}': {exc}"))
            return checks
    if back.display_name != name:
        checks.append(Check("Journal round trip", Status.FAIL, "reopened, but the person read back differs"))
    elif not any(h.id == person.id for h in hits):
        checks.append(Check("Journal round trip", Status.FAIL, "reopened, but search did not find the person"))
    else:
        checks.append(
            Check("Journal round trip", Status.OK, "reopened with the passphrase, read back and found by search")
        )
    return checks


# --- keyring ------------------------------------------------------------------------------------------------


def _platform_key() -> str:
    return "linux" if sys.platform.startswith(("linux", "freebsd", "openbsd")) else sys.platform


def check_keyring_backends() -> Check:
    """The keyring backends are in this build: their entry points (package metadata) and modules (B13)."""
    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not names:
        return Check(
            "Keyring backends",
            Status.FAIL,
            "none in this build (keyring's package metadata is missing): the key could never be kept in the "
            "system keyring",
        )
    missing = []
    needed = PLATFORM_KEYRING_MODULES.get(_platform_key(), ())
    for module in needed:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        return Check("Keyring backends", Status.FAIL, f"this build lacks {', '.join(missing)}")
    mine = f"; this system's ({needed[0].rpartition('.')[2]}) loads" if needed else ""
    return Check("Keyring backends", Status.OK, f"{', '.join(names)}{mine}")


def check_keyring_service(*, require: bool) -> Check:
    """A keyring answers: store, read back and delete a random secret of our own (never the journal's key)."""
    from recipro_desktop.storage import keystore

    status = keystore.keyring_status()
    if not status.usable:
        detail = status.detail
        if "passphrase" not in detail:
            detail += " Recipro still works: it asks for your passphrase when it starts."
        return Check("Keyring", Status.FAIL if require else Status.WARN, detail)
    username = f"self-test-{secrets.token_hex(6)}"
    secret = secrets.token_urlsafe(24)
    try:
        keystore.store_secret(username, secret)  # reads back and compares
    except keystore.KeyringUnavailable as exc:
        return Check("Keyring", Status.FAIL, f"{status.backend}: {exc}")
    finally:
        keystore.delete_secret(username)
    return Check("Keyring", Status.OK, f"{status.backend}: stored, read back and removed a test secret")


# --- Qt (in a child process) -----------------------------------------------------------------------------------


CHILD_ENVIRONMENT = {
    # Qt's own message says more than a C stack; QT_DEBUG_PLUGINS names the system library that is missing.
    "PYTHONFAULTHANDLER": "0",
    "QT_LOGGING_RULES": "qt.qpa.plugin=true",
    # On Windows Qt writes its messages to the debugger (OutputDebugString), not to stderr, unless the process
    # has a console window, which a child started with its output captured (and without a window) does not.
    "QT_FORCE_STDERR_LOGGING": "1",
}


def _run_child(args: Sequence[str], extra_env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*self_command(), *args],
        capture_output=True,
        text=True,
        timeout=QT_TIMEOUT_SECONDS,
        env={**os.environ, **CHILD_ENVIRONMENT, **(extra_env or {})},
        # The windowed app (Help › Self-test) starts the console twin: no console window may flash up.
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        check=False,
    )


_MISSING_LIBRARY = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")
_MISSING_PLUGIN = re.compile(r'Could not find the Qt platform plugin "([^"]+)"')


def qt_failure_reason(stderr: str) -> str:
    """Why Qt could not start, in one sentence, from what Qt printed (plugin and library names only)."""
    libraries = sorted(set(_MISSING_LIBRARY.findall(stderr)))
    if libraries:
        return f"the system is missing {', '.join(libraries)}"
    if "could not connect to display" in stderr or "Failed to create wl_display" in stderr:
        return (
            "there is no display to connect to (start it from your desktop session; for a check without a "
            "screen, set QT_QPA_PLATFORM=offscreen)"
        )
    if plugin := _MISSING_PLUGIN.search(stderr):
        return f'the Qt platform plugin "{plugin.group(1)}" is not in this installation'
    if "no Qt platform plugin could be initialized" in stderr:
        asked = os.environ.get("QT_QPA_PLATFORM")
        return "no Qt platform plugin could be started" + (f' (QT_QPA_PLATFORM is "{asked}")' if asked else "")
    lines = [line.strip() for line in stderr.splitlines() if "qt." in line or "Qt" in line]
    return lines[0][:300] if lines else ""


QtRunner = Callable[[Sequence[str], Mapping[str, str] | None], "subprocess.CompletedProcess[str]"]


def check_qt(run: QtRunner = _run_child) -> list[Check]:
    """Start Qt in a child process and collect its checks (platform, forms, icons, tray, single instance)."""
    args = ["--self-test-part", QT_PART]
    try:
        done = run(args, None)
    except subprocess.TimeoutExpired:
        return [Check("Qt", Status.FAIL, f"did not start within {QT_TIMEOUT_SECONDS:g} s")]
    except OSError as exc:
        return [Check("Qt", Status.FAIL, f"the check could not be started ({type(exc).__name__})")]
    checks: list[Check] = []
    for line in done.stdout.splitlines():
        try:
            item = json.loads(line)
            checks.append(Check(str(item["name"]), Status(item["status"]), str(item["detail"])))
        except (ValueError, KeyError, TypeError):
            continue
    if done.returncode != 0 and not any(c.status is Status.FAIL for c in checks):
        stderr = done.stderr
        if not checks:  # Qt did not start: once more, with Qt telling which library its plugins miss
            with suppress(subprocess.TimeoutExpired, OSError):
                stderr += run(args, {"QT_DEBUG_PLUGINS": "1"}).stderr
        if checks:
            last = checks[-1].name
            checks.append(Check("Qt", Status.FAIL, f"the checks stopped after '{last}' (status {done.returncode})"))
            return checks
        why = qt_failure_reason(stderr) or f"it ended with status {done.returncode}"
        hint = (
            " On Linux, install the system libraries listed in the README (Install → Linux)."
            if _platform_key() == "linux" and not any(k in why for k in ("display", "platform plugin"))
            else ""
        )
        checks.append(Check("Qt", Status.FAIL, f"could not start: {why.rstrip('.')}.{hint}"))
    if not checks:
        checks.append(Check("Qt", Status.FAIL, "the Qt check printed nothing"))
    return checks


# --- the whole run ------------------------------------------------------------------------------------------


def run_self_test(*, require_keyring: bool = False, qt_runner: QtRunner = _run_child) -> Report:
    started = time.perf_counter()
    report = Report(environment())
    report.checks.append(check_sqlcipher())
    if report.checks[-1].status is Status.OK:
        report.checks.extend(check_journal_round_trip())
    else:
        report.checks.append(Check("Journal round trip", Status.FAIL, "skipped: no encryption library"))
    report.checks.append(check_keyring_backends())
    report.checks.append(check_keyring_service(require=require_keyring))
    report.checks.extend(check_qt(qt_runner))
    report.seconds = time.perf_counter() - started
    log.info("self-test finished: %s", "passed" if report.passed else "failed")
    return report


def format_report(report: Report) -> str:
    width = max(len(c.name) for c in report.checks)
    lines = [f"{APP_NAME} self-test", ""]
    lines += [f"  {c.status.value:<4}  {c.name:<{width}}  {c.detail}" for c in report.checks]
    failed = [c.name for c in report.checks if c.status is Status.FAIL]
    warned = [c.name for c in report.checks if c.status is Status.WARN]
    lines.append("")
    if failed:
        lines.append(f"FAILED ({', '.join(failed)}) in {report.seconds:.1f} s: this installation is not usable.")
    elif warned:
        lines.append(f"Passed with warnings ({', '.join(warned)}) in {report.seconds:.1f} s.")
    else:
        lines.append(f"All checks passed in {report.seconds:.1f} s.")
    return "\n".join(lines)
