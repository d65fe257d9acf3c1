"""One Recipro per user: a second launch raises the running window instead of opening the journal again.

Two mechanisms, as in KeePassXC (RELIABILITY C1-C3):

- a ``QLockFile`` in the user's private folder decides who is first. ``setStaleLockTime(0)`` turns off the
  age-based guess (a long-running instance is not stale); a lock whose process is gone (PID no longer running,
  or running another program) is detected by Qt's PID check and taken over, so a crash or ``kill -9`` never
  locks the user out (C2);
- a ``QLocalServer`` (a Unix socket or a named pipe, only the user may connect) lets a second launch say
  ``activate``. The second process sends it and exits 0 **before the journal is opened** (C1); the first
  emits :attr:`SingleInstance.activate_requested` and raises its window. A socket left behind by a crash is
  removed before listening.

When the lock cannot be created at all (an unwritable folder, C3), the app still runs, without the guard:
:attr:`SingleInstance.problem` says so for a warning, and optimistic versions on every row (C4) keep two
windows from silently overwriting each other.

Call :meth:`SingleInstance.acquire` right after the ``QApplication`` exists and before anything opens the
journal::

    instance = SingleInstance("recipro", paths.data_dir)
    role = instance.acquire()
    if role is InstanceRole.SECONDARY:
        return 0 if instance.forwarded else 1   # never opens the journal
    instance.activate_requested.connect(window.show_and_raise)

Signals:
    activate_requested(): another launch asked this one to show its window.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QThread, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
ACK = b"ok\n"
CONNECT_TIMEOUT_MS = 1000
CONNECT_ATTEMPTS = 5
"""The first instance may be starting up (lock taken, server not yet listening): try a few times."""


class InstanceRole(enum.Enum):
    PRIMARY = "primary"  # this process owns the lock: open the journal, listen for activations
    SECONDARY = "secondary"  # another live process owns it: forward "activate" and exit
    UNGUARDED = "unguarded"  # the lock could not be made: run anyway, warn (C3)


def server_name(name: str, lock_dir: Path) -> str:
    """A per-user, per-folder socket name (short: Unix socket paths are limited to ~107 bytes)."""
    try:
        user = str(os.getuid())
    except AttributeError:  # Windows
        user = getpass.getuser()
    digest = hashlib.sha256(str(lock_dir.resolve()).encode()).hexdigest()[:12]
    return f"{name}-{user}-{digest}"


class SingleInstance(QObject):
    """The single-instance guard (see the module docstring).

    Args:
        name: the application's short name (lock file ``<name>.lock`` and socket prefix).
        lock_dir: a private folder of the user (the journal's data folder).
        parent: the Qt parent.

    Attributes (after :meth:`acquire`):
        role: what this process is.
        forwarded: for a SECONDARY, whether the first instance acknowledged "activate".
        problem: a user-facing sentence when the guard is degraded (UNGUARDED, or no activation server).

    Signals:
        activate_requested(): another launch asked to show the window.
    """

    activate_requested = Signal()

    def __init__(self, name: str, lock_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._lock_dir = Path(lock_dir)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []
        self.role: InstanceRole | None = None
        self.forwarded = False
        self.problem: str | None = None

    @property
    def lock_path(self) -> Path:
        return self._lock_dir / f"{self._name}.lock"

    @property
    def server_name(self) -> str:
        return server_name(self._name, self._lock_dir)

    def acquire(self) -> InstanceRole:
        """Become the primary instance, or forward "activate" to the one that is; never raises."""
        try:
            self._lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            return self._unguarded(f"its folder cannot be created ({type(exc).__name__})")
        lock = QLockFile(str(self.lock_path))
        lock.setStaleLockTime(0)  # never stale by age: only a dead owner (PID check) frees it
        if lock.tryLock(0):
            self._lock = lock
            self._make_private()
            self.role = InstanceRole.PRIMARY
            self._listen()
            log.info("single instance: primary")
            return self.role
        error = lock.error()
        if error is QLockFile.LockError.LockFailedError:
            self.role = InstanceRole.SECONDARY
            self.forwarded = self._forward()
            if not self.forwarded:
                self.problem = (
                    "Recipro is already running but did not answer. If it is not responding, close it "
                    "(or end it in your task manager) and start Recipro again."
                )
            log.info("single instance: secondary (activation %s)", "sent" if self.forwarded else "not answered")
            return self.role
        return self._unguarded(f"the lock file cannot be created ({error.name})")

    def _make_private(self) -> None:
        """QLockFile creates its file under the umask (0644): tighten it to 0600 like every file of ours (I1)."""
        if os.name != "posix":
            return  # Windows: the folder's ACL is the protection (fsutil.POSIX_MODES)
        try:
            os.chmod(self.lock_path, 0o600)
        except OSError as exc:
            log.info("single instance: lock file mode unchanged (%s)", type(exc).__name__)

    def _unguarded(self, why: str) -> InstanceRole:
        self.role = InstanceRole.UNGUARDED
        self.problem = (
            f"Recipro could not make sure it runs only once: {why} in {self._lock_dir}. It works normally, but "
            "if you start it twice, both windows edit the same journal (a change made in one is refused in "
            "the other instead of being lost)."
        )
        log.warning("single instance disabled: %s", why)
        return self.role

    # --- primary -------------------------------------------------------------------------------------------

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = self.server_name
        if not server.listen(name):
            # A socket file left by a crashed instance: we own the lock, so nobody else is listening on it.
            QLocalServer.removeServer(name)
            if not server.listen(name):
                self.problem = "A second start of Recipro cannot bring this window to the front."
                log.warning("single instance: cannot listen (%s)", server.serverError().name)
                return
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            self._clients.append(socket)
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._on_ready(socket)

    def _on_ready(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > 64:  # not our protocol
                socket.abort()
            return
        line = bytes(socket.readLine().data())
        if line == ACTIVATE:
            socket.write(ACK)
            socket.flush()
            log.info("single instance: activation requested")
            self.activate_requested.emit()
        socket.disconnectFromServer()

    def _forget(self, socket: QLocalSocket) -> None:
        if socket in self._clients:
            self._clients.remove(socket)
        socket.deleteLater()

    # --- secondary -----------------------------------------------------------------------------------------

    def _forward(self) -> bool:
        """Send "activate" to the first instance and wait for its acknowledgement (blocking, no event loop)."""
        for _attempt in range(CONNECT_ATTEMPTS):
            socket = QLocalSocket()
            socket.connectToServer(self.server_name)
            if socket.waitForConnected(CONNECT_TIMEOUT_MS):
                socket.write(ACTIVATE)
                socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
                answered = socket.waitForReadyRead(CONNECT_TIMEOUT_MS) and bytes(socket.readAll().data()) == ACK
                socket.abort()
                if answered:
                    return True
            else:
                socket.abort()
                QThread.msleep(CONNECT_TIMEOUT_MS // 4)  # the first instance may still be starting
        return False

    def release(self) -> None:
        """Stop listening and unlock (on quit; a crash is handled by the next start's PID check)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
