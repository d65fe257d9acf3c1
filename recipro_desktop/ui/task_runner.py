"""One background worker for everything that touches the database, with results delivered on the GUI thread.

Modelled on Anki's ``TaskManager``/``CollectionOp``: widgets never block the event loop on a query or a
write; they hand a function to :class:`TaskRunner`, which runs it on its single worker thread (SQLite likes
one writer, and one worker also means jobs finish in the order they were submitted) and calls back on the
GUI thread through a queued signal, so callbacks may touch widgets freely. The job itself must never touch
a widget, and each job opens its own database session (the services do that).

Typical use::

    runner.run(lambda token: journal.search(text), on_done=self._show_hits, on_error=self._show_error)

Long jobs (import, export, backup) poll the :class:`CancelToken` they receive and may report progress::

    def import_rows(token: CancelToken) -> ImportReport:
        for n, row in enumerate(rows, 1):
            token.raise_if_cancelled()        # -> reported as cancelled, not as an error
            ...
            token.report_progress(n, len(rows))

Exceptions never vanish: a failed job's exception reaches ``on_error`` on the GUI thread, and without an
``on_error`` it is handed to the runner's ``task_failed`` signal (the window shows it). Either way it is logged
by **type and traceback only**: exception messages of database drivers quote the values being written, and
those are private notes (RELIABILITY G1, G2).
"""

from __future__ import annotations

import enum
import functools
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot

from recipro_desktop.logs import redacted_traceback

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Progress reports closer together than this are coalesced, so a 100,000-row import does not flood the
#: GUI thread's event queue with 100,000 events. The final report (done == total) always goes through.
PROGRESS_INTERVAL = 0.05


class TaskCancelled(Exception):
    """Raised inside a job by :meth:`CancelToken.raise_if_cancelled`; the task then reports *cancelled*."""


class TaskState(enum.Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CancelToken:
    """Handed to every job: cooperative cancellation and throttled progress reports.

    Cancellation is cooperative because a database job must stop at a point where it can roll back; the
    runner never kills a thread. Safe to use from any thread.
    """

    def __init__(self, report: Callable[[int, int | None], None] | None = None) -> None:
        self._event = threading.Event()
        self._report = report
        self._last_report = 0.0

    @property
    def cancelled(self) -> bool:
        """True once :meth:`Task.cancel` (or :meth:`cancel`) was called."""
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`TaskCancelled` if cancellation was requested; call it between units of work."""
        if self._event.is_set():
            raise TaskCancelled

    def report_progress(self, done: int, total: int | None = None) -> None:
        """Tell the GUI how far the job got (``total=None``: unknown). Cheap enough to call for every row."""
        if self._report is None:
            return
        now = time.monotonic()
        if done != total and now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        self._report(done, total)


@dataclass(eq=False)
class Task:
    """A job submitted to a :class:`TaskRunner`: its state, and the handle to cancel it.

    ``name`` is for logs and must not contain user text (say ``"search"``, not what was searched for).
    Read ``state`` on the GUI thread; it changes to its final value just before the callbacks run.
    """

    id: int
    name: str
    token: CancelToken
    on_done: Callable[[Any], object]
    on_error: Callable[[BaseException], object] | None
    on_cancelled: Callable[[], object] | None
    progress: Callable[[int, int | None], object] | None
    state: TaskState = TaskState.PENDING
    future: Future[None] | None = None

    def cancel(self) -> None:
        """Ask the job to stop. A job still queued is skipped; a running one stops at its next check.

        A job that finishes its work anyway (it never checked, or had already committed) reports its result
        through ``on_done``: the runner does not hide work that really happened. Callers that only want the
        newest of several queries (search as you type) should compare the task with the one they last started.
        """
        self.token.cancel()

    @property
    def finished(self) -> bool:
        return self.state in (TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED)


class _Bridge(QObject):
    """The only object a worker thread touches: its signals carry outcomes to the runner on the GUI thread.

    The worker holds this child, never the runner, the task or its callbacks. The bridge belongs to the
    runner on the C++ side, so dropping the worker's reference never destroys it; a widget captured by a
    callback is therefore never released (and so never destroyed) on the worker thread.
    """

    started = Signal(int)  # task id
    completed = Signal(int, object, object)  # task id, TaskState, result or exception
    progressed = Signal(int, int, object)  # task id, done, total


#: Runners whose job outlived ``shutdown(timeout=...)``: kept alive so the job can never see them destroyed.
_ABANDONED: list[TaskRunner] = []


class TaskRunner(QObject):
    """Runs database work on ONE background thread and delivers outcomes on the GUI thread.

    Create it on the GUI thread (outcomes are delivered to the thread it lives in), keep a reference to it (or
    give it a parent) and call :meth:`shutdown` before the application quits, so that a running write
    finishes (or rolls back) cleanly. Jobs must not capture widgets: they run, and are released, on the worker.

    Signals:
        task_started(int): a task's job began running (task id); emitted on the GUI thread.
        task_finished(int): a task's callbacks have run, whatever its outcome (task id).
        task_failed(int, object): a task failed and had no ``on_error``: (task id, exception). Connect the
            window's error reporter here so that no failure goes unseen.
        busy_changed(bool): True when the first job is queued, False when the queue is empty again.
    """

    task_started = Signal(int)
    task_finished = Signal(int)
    task_failed = Signal(int, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, thread_name: str = "recipro-db") -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=thread_name)
        self._ids = itertools.count(1)
        self._open: dict[int, Task] = {}  # submitted, callbacks not yet run; touched on the GUI thread only
        self._closed = False
        self._bridge = _Bridge(self)
        queued = Qt.ConnectionType.QueuedConnection
        self._bridge.started.connect(self._on_started, queued)
        self._bridge.completed.connect(self._on_completed, queued)
        self._bridge.progressed.connect(self._on_progressed, queued)

    @property
    def busy(self) -> bool:
        """True while any submitted task has not yet delivered its outcome."""
        return bool(self._open)

    def run(
        self,
        fn: Callable[[CancelToken], T],
        *,
        on_done: Callable[[T], object],
        on_error: Callable[[BaseException], object] | None = None,
        progress: Callable[[int, int | None], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
        name: str = "task",
    ) -> Task:
        """Queue ``fn(token)`` on the worker thread; call exactly one of the callbacks on the GUI thread.

        Args:
            fn: the job; runs on the worker thread, must not touch or capture widgets, receives a
                :class:`CancelToken`.
            on_done: called with ``fn``'s return value.
            on_error: called with the exception ``fn`` raised. Without it the exception goes to
                :attr:`task_failed`. Either way it is logged by type and traceback, never by message.
            progress: called with ``(done, total)`` for the job's :meth:`CancelToken.report_progress` calls.
            on_cancelled: called when the task was cancelled before it ran, or ``fn`` raised
                :class:`TaskCancelled`.
            name: a label for logs; never user text.

        Raises:
            RuntimeError: after :meth:`shutdown`.
        """
        if self._closed:
            raise RuntimeError("TaskRunner.run() after shutdown()")
        task = Task(
            id=next(self._ids),
            name=name,
            token=CancelToken(),
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            progress=progress,
        )
        if progress is not None:
            task.token._report = functools.partial(_emit, self._bridge.progressed, task.id)
        was_busy = self.busy
        self._open[task.id] = task
        task.future = self._executor.submit(_work, self._bridge, task.id, task.token, fn)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    def shutdown(self, *, cancel_running: bool = False, timeout: float | None = None) -> bool:
        """Stop accepting work, drop queued tasks and wait for the running one. Call on the GUI thread.

        Queued tasks are cancelled without running. The running job is waited for (a write must commit or
        roll back, never be cut off); ``cancel_running=True`` first asks it to stop. Outcomes that arrive
        after shutdown are not delivered to callbacks (the widgets may be gone), but failures are still logged.

        Returns:
            False if ``timeout`` seconds passed while the job was still running.
        """
        self._closed = True
        for task in list(self._open.values()):
            if task.state is TaskState.PENDING or cancel_running:
                task.cancel()
        pending = [t.future for t in self._open.values() if t.future is not None]
        _, not_done = wait_futures(pending, timeout=timeout)
        self._executor.shutdown(wait=not not_done, cancel_futures=True)
        if not_done:
            log.warning("shutdown: %d background task(s) still running after %.1f s", len(not_done), timeout or 0)
            _ABANDONED.append(self)
        # Outcomes already posted to this object: process them now so that failures are logged even if the
        # event loop never runs again (callbacks are not called any more, see above).
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return not not_done

    # --- GUI thread -------------------------------------------------------------------------------------

    @Slot(int)
    def _on_started(self, task_id: int) -> None:
        task = self._open.get(task_id)
        if task is not None and task.state is TaskState.PENDING:
            task.state = TaskState.RUNNING
        if task is not None and not self._closed:
            self.task_started.emit(task_id)

    @Slot(int, int, object)
    def _on_progressed(self, task_id: int, done: int, total: int | None) -> None:
        task = self._open.get(task_id)
        if task is not None and task.progress is not None and not self._closed:
            task.progress(done, total)

    @Slot(int, object, object)
    def _on_completed(self, task_id: int, state: TaskState, value: Any) -> None:
        task = self._open.pop(task_id, None)
        if task is None:
            return
        task.state = state
        if state is TaskState.FAILED:
            _log_failure(task, value)
        try:
            if self._closed:
                return
            if state is TaskState.DONE:
                task.on_done(value)
            elif state is TaskState.CANCELLED:
                log.debug("task %d (%s) cancelled", task.id, task.name)
                if task.on_cancelled is not None:
                    task.on_cancelled()
            elif task.on_error is not None:
                task.on_error(value)
            else:
                self.task_failed.emit(task.id, value)
        finally:
            if not self._closed:
                self.task_finished.emit(task.id)
                if not self._open:
                    self.busy_changed.emit(False)


# --- worker thread ----------------------------------------------------------------------------------------


def _emit(signal: Any, *args: Any) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:  # the runner (and its bridge) was destroyed without shutdown(): nobody to tell
        log.debug("background task outcome dropped: its runner is gone")


def _work(bridge: _Bridge, task_id: int, token: CancelToken, fn: Callable[[CancelToken], Any]) -> None:
    if token.cancelled:
        _emit(bridge.completed, task_id, TaskState.CANCELLED, None)
        return
    _emit(bridge.started, task_id)
    try:
        result = fn(token)
    except TaskCancelled:
        _emit(bridge.completed, task_id, TaskState.CANCELLED, None)
    except BaseException as exc:  # delivered to on_error / task_failed, never swallowed
        _emit(bridge.completed, task_id, TaskState.FAILED, exc)
    else:
        _emit(bridge.completed, task_id, TaskState.DONE, result)


def _log_failure(task: Task, exc: BaseException) -> None:
    """Log a failure by exception type and frame locations only: the message may quote private text (G2)."""
    log.error("task %d (%s) failed\n%s", task.id, task.name, redacted_traceback(type(exc), exc, exc.__traceback__))
