"""The OS keyring, behind a wrapper that never hangs, never crashes and never trusts a silent success.

Every ``keyring`` call runs in a daemon worker thread with a timeout (RELIABILITY B2: a locked keyring
whose unlock prompt never appears must not freeze the app); every exception a backend may raise
(``KeyringError`` and its ``NoKeyringError``/``InitError``/``KeyringLocked``, D-Bus errors, anything else)
becomes :class:`KeyringUnavailable` with a private-safe message; every ``set_password`` is read back and
compared (B3: the ``null`` backend accepts a secret and forgets it). ``fail.Keyring``, ``null.Keyring`` and a
chainer with nothing to chain count as "no keyring" (B1).

Secrets handed to this module are never logged and never put into messages; the backend's exception
*messages* are dropped too (only their type is reported), since a backend is free to echo its arguments.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

log = logging.getLogger(__name__)

SERVICE = "recipro"
PROBE_USERNAME = "recipro-probe"
# Seconds a keyring call may take before the app gives up on it and falls back to the passphrase.
# A real Secret Service answers in milliseconds; an unlock prompt nobody sees would block forever.
TIMEOUT_SECONDS = 10.0

_T = TypeVar("_T")
_VERBS = {"write": "store the key in", "delete": "remove the key from", "discovery": "find"}  # else "read"


class _StuckWorker:
    """The worker of a call that timed out; while it is still stuck, further calls fail at once instead of
    piling up threads behind the same hung D-Bus request."""

    lock = threading.Lock()
    thread: threading.Thread | None = None


_stuck = _StuckWorker()

# Friendly names for the backends users meet; anything else is shown by its class (or module) name.
_FRIENDLY = {
    "keyring.backends.SecretService.Keyring": "SecretService",
    "keyring.backends.libsecret.Keyring": "libsecret",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.fail.Keyring": "fail.Keyring",
    "keyring.backends.null.Keyring": "null.Keyring",
}


class KeyringUnavailable(Exception):
    """The keyring could not be used. ``str()`` is a private-safe sentence for the user."""


@dataclass(frozen=True)
class KeyringStatus:
    """What the keyring can do for us right now.

    Attributes:
        backend: a readable backend name ("SecretService", "KWallet", "fail.Keyring").
        usable: True when secrets can be stored and read back.
        detail: one private-safe sentence explaining ``usable`` (shown by ``recipro check`` and Settings).
    """

    backend: str
    usable: bool
    detail: str


def backend_id(backend: KeyringBackend) -> str:
    """The dotted class path of a backend, as recorded in the key-slot file (for B4's message)."""
    cls = type(backend)
    if isinstance(backend, chainer.ChainerBackend):
        inner = _chained(backend)
        if len(inner) == 1:
            return backend_id(inner[0])
    return f"{cls.__module__}.{cls.__qualname__}"


def display_name(backend_class: str) -> str:
    """A short, readable name for a backend class path ("SecretService", "MemoryKeyring")."""
    if backend_class in _FRIENDLY:
        return _FRIENDLY[backend_class]
    module, _, name = backend_class.rpartition(".")
    if name == "Keyring" and module:
        return module.rpartition(".")[2]
    return name or backend_class


def _chained(backend: chainer.ChainerBackend) -> list[KeyringBackend]:
    try:
        return list(backend.backends)
    except Exception as exc:  # discovery itself may fail on a broken installation
        log.warning("keyring backend discovery failed (%s)", type(exc).__name__)
        return []


def _is_usable_backend(backend: KeyringBackend) -> bool:
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_is_usable_backend(inner) for inner in _chained(backend))
    return True


def _run(fn: Callable[[], _T], what: str) -> _T:
    """Run one keyring operation in a daemon thread; give up after :data:`TIMEOUT_SECONDS`.

    Raises:
        KeyringUnavailable: the call raised (any exception) or did not return in time.
    """
    with _stuck.lock:
        if _stuck.thread is not None and _stuck.thread.is_alive():
            raise KeyringUnavailable("The system keyring is not responding (an earlier request is still pending).")
        _stuck.thread = None
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # report everything to the caller, never to the thread excepthook
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name=f"recipro-keyring-{what}", daemon=True)
    worker.start()
    if not done.wait(TIMEOUT_SECONDS):
        with _stuck.lock:
            _stuck.thread = worker
        log.warning("keyring %s timed out after %.1f s", what, TIMEOUT_SECONDS)
        raise KeyringUnavailable(
            f"The system keyring did not answer within {TIMEOUT_SECONDS:g} seconds (is it locked?)."
        )
    if "error" in box:
        exc = box["error"]
        log.warning("keyring %s failed (%s)", what, type(exc).__name__)
        if isinstance(exc, keyring.errors.NoKeyringError):
            raise KeyringUnavailable("No system keyring is available.") from None
        verb = _VERBS.get(what, "read")
        raise KeyringUnavailable(f"Could not {verb} the system keyring ({type(exc).__name__}).") from None
    value: _T = box["value"]
    return value


def current_backend() -> KeyringBackend:
    """The active backend (discovery can be slow or fail, so it runs under the same guard)."""
    return _run(keyring.get_keyring, "discovery")


def _require_usable() -> KeyringBackend:
    backend = current_backend()
    if not _is_usable_backend(backend):
        raise KeyringUnavailable(f"No usable system keyring ({display_name(backend_id(backend))}).")
    return backend


def current_backend_id() -> str:
    """The dotted class path of the active backend, or ``"unknown"`` if even discovery fails."""
    try:
        return backend_id(current_backend())
    except KeyringUnavailable:
        return "unknown"


def keyring_status() -> KeyringStatus:
    """Whether a usable keyring is present and answers, without writing to it.

    A read of a probe entry catches locked and failing keyrings (``InitError``, D-Bus errors, timeouts);
    a keyring that forgets what it stores is only caught by :func:`store_secret`'s read-back.
    """
    try:
        backend = current_backend()
    except KeyringUnavailable as exc:
        return KeyringStatus(backend="unknown", usable=False, detail=str(exc))
    name = display_name(backend_id(backend))
    if not _is_usable_backend(backend):
        return KeyringStatus(
            backend=name,
            usable=False,
            detail=f"No usable system keyring ({name}): the passphrase is asked at each start.",
        )
    try:
        _run(lambda: backend.get_password(SERVICE, PROBE_USERNAME), "probe")
    except KeyringUnavailable as exc:
        return KeyringStatus(backend=name, usable=False, detail=str(exc))
    return KeyringStatus(backend=name, usable=True, detail=f"The system keyring ({name}) is available.")


def get_secret(username: str) -> str | None:
    """The secret stored for ``username``, or None when the keyring has no such entry.

    Raises:
        KeyringUnavailable: no usable keyring, or it failed or timed out.
    """
    backend = _require_usable()
    value = _run(lambda: backend.get_password(SERVICE, username), "read")
    if value is not None and not isinstance(value, str):
        raise KeyringUnavailable("The system keyring returned an unexpected value.")
    return value


def store_secret(username: str, secret: str) -> str:
    """Store ``secret`` under ``username``, read it back, and return the backend's class path.

    Raises:
        KeyringUnavailable: no usable keyring; it failed or timed out; or it did not keep the secret (B3).
    """
    backend = _require_usable()
    _run(lambda: backend.set_password(SERVICE, username, secret), "write")
    stored = _run(lambda: backend.get_password(SERVICE, username), "read-back")
    if stored != secret:
        log.warning("keyring read-back mismatch (backend %s)", display_name(backend_id(backend)))
        raise KeyringUnavailable(
            f"The system keyring ({display_name(backend_id(backend))}) did not keep the stored key."
        )
    return backend_id(backend)


def delete_secret(username: str) -> bool:
    """Remove the entry for ``username``. Returns False when it could not be removed (absent or failing)."""
    try:
        backend = _require_usable()
        _run(lambda: backend.delete_password(SERVICE, username), "delete")
    except KeyringUnavailable as exc:
        log.info("keyring entry not deleted: %s", exc)
        return False
    return True
