"""The widgets' only door to the journal: queries and edits run on the background runner.

Modelled on Anki's ``QueryOp``/``CollectionOp``: a widget hands over a function of the
:class:`~recipro_desktop.services.journal.JournalService`; it runs on the single database worker; the result comes
back on the GUI thread. An edit also says *what kinds of item it changed*; once it succeeded, every view hears
:attr:`JournalClient.journal_changed` with that set and refreshes only if it shows one of those kinds.

Widgets never open sessions, build queries or hold ORM objects; they hold the frozen dataclasses that come back.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from recipro_desktop.core.errors import JournalError
from recipro_desktop.core.models import ItemKind
from recipro_desktop.services.journal import JournalService
from recipro_desktop.ui.task_runner import CancelToken, Task, TaskRunner

log = logging.getLogger(__name__)

T = TypeVar("T")

ALL_KINDS: frozenset[ItemKind] = frozenset(ItemKind)

IDLE_CHECKPOINT_MS = 5_000
"""After an edit, once the journal has been left alone this long, the write-ahead log is copied into the database
file and emptied (RELIABILITY I5): what sits only in the log is what one damaged byte there can take away."""


def user_message(exc: BaseException) -> str:
    """The sentence to show for a failure: a journal error's own (private-safe) text, else a generic one."""
    if isinstance(exc, JournalError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}). Your data was not changed; details are in the log."


def _for_live_owner(callback: Callable[..., object] | None) -> Callable[..., object] | None:
    """``callback``, or a no-op once the widget whose method it is was deleted.

    A dialog closed (and deleted) while its query was still running must not be called back: touching its
    deleted children would raise inside the event loop. Results of edits are announced regardless.
    """
    owner = getattr(callback, "__self__", None)
    if callback is None or not isinstance(owner, QObject):
        return callback

    def guarded(*args: object) -> object:
        if not shiboken6.isValid(owner):
            log.debug("callback dropped: its widget was deleted")
            return None
        return callback(*args)

    return guarded


class JournalClient(QObject):
    """Runs journal work in the background and tells the views what changed.

    Signals:
        journal_changed(object): a ``frozenset[ItemKind]`` of the kinds an edit touched (after it committed).
        error_raised(str): a failed query or edit that had no ``on_error`` of its own; a private-safe sentence
            for the status bar or a message box.
        busy_changed(bool): background work started (True) or the queue drained (False).
    """

    journal_changed = Signal(object)
    error_raised = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, service: JournalService, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        runner.busy_changed.connect(self.busy_changed)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_CHECKPOINT_MS)
        self._idle.timeout.connect(self._checkpoint_when_idle)
        self.journal_changed.connect(lambda _kinds: self._idle.start())  # every edit (re)starts the wait

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    def query(
        self,
        fn: Callable[[JournalService], T],
        on_done: Callable[[T], object],
        *,
        name: str,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> Task:
        """Run a read-only ``fn(service)`` in the background; ``on_done(result)`` on the GUI thread.

        ``name`` labels the task in logs: never user text.
        """
        service = self._service
        done = _for_live_owner(on_done)
        assert done is not None
        return self._runner.run(
            lambda _token: fn(service), on_done=done, on_error=_for_live_owner(on_error) or self._report, name=name
        )

    def mutate(
        self,
        fn: Callable[[JournalService], T],
        on_done: Callable[[T], object] | None = None,
        *,
        changes: Iterable[ItemKind],
        name: str,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> Task:
        """Run an edit ``fn(service)`` in the background, then announce ``changes`` to every view."""
        service = self._service
        changed = frozenset(changes)
        callback = _for_live_owner(on_done)

        def done(result: T) -> None:
            if callback is not None:
                callback(result)
            self.journal_changed.emit(changed)

        return self._runner.run(
            lambda _token: fn(service), on_done=done, on_error=_for_live_owner(on_error) or self._report, name=name
        )

    def long_job(
        self,
        fn: Callable[[JournalService, CancelToken], T],
        on_done: Callable[[T], object],
        *,
        name: str,
        changes: Iterable[ItemKind] = (),
        progress: Callable[[int, int | None], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> Task:
        """A cancellable job with progress (import, export, backup); announces ``changes`` when it succeeds."""
        service = self._service
        changed = frozenset(changes)
        callback = _for_live_owner(on_done)
        assert callback is not None

        def done(result: T) -> None:
            callback(result)
            if changed:
                self.journal_changed.emit(changed)

        return self._runner.run(
            lambda token: fn(service, token),
            on_done=done,
            on_error=_for_live_owner(on_error) or self._report,
            progress=_for_live_owner(progress),
            on_cancelled=_for_live_owner(on_cancelled),
            name=name,
        )

    def _checkpoint_when_idle(self) -> None:
        """Checkpoint on the worker once nothing is queued; with work still running, wait another round."""
        if self._runner.busy:
            self._idle.start()
            return
        database = self._service.database
        with contextlib.suppress(RuntimeError):  # the runner was shut down (closing): the close checkpoints
            self._runner.run(
                lambda _token: database.checkpoint(),
                on_done=lambda _emptied: None,
                on_error=lambda exc: log.warning("idle checkpoint failed: %s", type(exc).__name__),
                name="idle-checkpoint",
            )

    def _report(self, exc: BaseException) -> None:
        log.warning("background task failed: %s", type(exc).__name__)
        self.error_raised.emit(user_message(exc))

    def emit_changed(self, kinds: Any) -> None:
        """Announce a change made outside :meth:`mutate` (e.g. after an import finished elsewhere)."""
        self.journal_changed.emit(frozenset(kinds))
