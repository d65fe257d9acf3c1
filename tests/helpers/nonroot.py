"""Run a Python snippet as an unprivileged user, so permission tests mean something in root CI (H3).

Root ignores file modes: a 0444 file or a 0500 folder stops nobody running as root, so a test of "read-only
journal" or "unwritable backup folder" proves nothing there. :func:`run_unprivileged` runs the snippet
in a child process:

- as ``nobody`` (through ``setpriv``, with the supplementary groups cleared) when the tests run as root;
- as the current user otherwise (already unprivileged);

and :func:`unprivileged_workspace` gives it a folder it owns. When no interpreter is reachable for
``nobody`` (the venv's Python may live under root's 0700 home), a same-version system Python is used with
the venv's site-packages put *first* on ``sys.path`` (``-S``: no system site-packages that could shadow
ours); if none works, the test is skipped with the reason.

The snippet's last stdout line may be JSON: :attr:`Result.value` parses it.

Example::

    def test_x(unprivileged_dir):
        res = run_unprivileged("import json; print(json.dumps(42))", cwd=unprivileged_dir)
        assert res.value == 42
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOBODY = "nobody"


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def value(self) -> Any:
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            raise AssertionError(f"no output from the child (rc={self.returncode}); stderr:\n{self.stderr}")
        return json.loads(lines[-1])


WINDOWS_REASON = (
    "Windows has no POSIX file modes to drop privileges for: there, a file's access comes from its folder's ACL "
    "(the journal lives under the user's profile, which only the user, SYSTEM and Administrators may open)"
)


def is_root() -> bool:
    return sys.platform != "win32" and os.geteuid() == 0


def _nobody_ids() -> tuple[int, int] | None:
    import pwd  # POSIX only

    try:
        entry = pwd.getpwnam(NOBODY)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _drop_prefix() -> list[str]:
    ids = _nobody_ids()
    assert ids is not None
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={ids[0]}", f"--regid={ids[1]}", "--clear-groups", "--"]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", NOBODY, "--"]
    raise RuntimeError("neither setpriv nor runuser is available")


def _site_packages() -> str:
    return sysconfig.get_paths()["purelib"]


def _prelude() -> str:
    paths = [_site_packages(), str(REPO_ROOT)]
    return f"import sys; sys.path[:0] = {paths!r}\n"


@functools.cache
def _interpreter() -> tuple[list[str], str | None]:
    """(command prefix, skip reason). The prefix runs a Python that can import our venv as the target user."""
    if sys.platform == "win32":
        return [], WINDOWS_REASON
    if not is_root():
        return [sys.executable, "-S"], None
    if _nobody_ids() is None:
        return [], "no 'nobody' user on this machine"
    try:
        prefix = _drop_prefix()
    except RuntimeError as exc:
        return [], str(exc)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        sys.executable,
        os.path.realpath(sys.executable),
        f"/usr/bin/python{version}",
        f"/usr/local/bin/python{version}",
    ]
    probe = _prelude() + "import sqlcipher3, cryptography.hazmat.primitives.kdf.argon2, recipro_desktop; print('ok')"
    for exe in dict.fromkeys(candidates):
        if not os.path.exists(exe):
            continue
        try:
            done = subprocess.run(
                [*prefix, exe, "-S", "-c", probe], capture_output=True, text=True, timeout=60, cwd="/"
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and done.stdout.strip() == "ok":
            return [*prefix, exe, "-S"], None
    return [], f"no Python {version} that user '{NOBODY}' can run with this venv"


def unprivileged_skip_reason() -> str | None:
    """Why :func:`run_unprivileged` cannot work here, or None."""
    return _interpreter()[1]


def child_env(workdir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: HOME/XDG/TMPDIR inside ``workdir``, a keyring that cannot reach the real one."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(workdir),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_STATE_HOME": str(workdir / "state"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
        "TMPDIR": str(workdir),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra or {})
    return env


def run_unprivileged(code: str, *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """Run ``code`` (dedented) as an unprivileged user; skips the calling test when that is impossible."""
    prefix, reason = _interpreter()
    if reason:
        pytest.skip(f"cannot run as an unprivileged user: {reason}")
    script = _prelude() + textwrap.dedent(code)
    done = subprocess.run(
        [*prefix, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env if env is not None else child_env(cwd),
    )
    return Result(done.returncode, done.stdout, done.stderr)


@contextmanager
def unprivileged_workspace() -> Iterator[Path]:
    """A fresh folder owned by the unprivileged user (under the system temp dir when root: pytest's tmp is 0700)."""
    if sys.platform == "win32":
        pytest.skip(WINDOWS_REASON)
    if not is_root():
        path = Path(tempfile.mkdtemp(prefix="recipro-nonroot-"))
    else:
        ids = _nobody_ids()
        if ids is None:
            pytest.skip("no 'nobody' user on this machine")
        path = Path(tempfile.mkdtemp(prefix="recipro-nonroot-", dir="/tmp"))
        os.chown(path, ids[0], ids[1])
    try:
        yield path
    finally:
        for root, dirs, _files in os.walk(path):  # a test may leave 0500 folders behind
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
        os.chmod(path, 0o700)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def unprivileged_dir() -> Iterator[Path]:
    """Pytest fixture form of :func:`unprivileged_workspace` (import it into a test module to use it)."""
    with unprivileged_workspace() as path:
        yield path
