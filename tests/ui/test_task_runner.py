"""The background runner: one worker, outcomes on the GUI thread, cancel, shutdown, and a live event loop.

Jobs here stand in for database work. Where a job must be "still running" at some point, it blocks on a
``threading.Event`` the test releases, so nothing depends on timing except the event-loop stall test,
which measures timing on purpose (DESIGN §6: GUI stall ≤ 100 ms).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from pytestqt.qtbot import QtBot

from recipro_desktop.ui.task_runner import CancelToken, TaskCancelled, TaskRunner, TaskState
from tests.conftest import CANARY

WAIT_MS = 5000


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown(cancel_running=True, timeout=5)


def _busy(seconds: float) -> None:
    """Pure-Python work that holds the GIL between switches, like a real query's Python side."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(200))


def test_job_runs_on_the_worker_and_result_arrives_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: dict[str, object] = {}

    def job(token: CancelToken) -> int:
        seen["job_thread"] = threading.current_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_is_gui_thread"] = threading.current_thread() is threading.main_thread()

    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        task = runner.run(job, on_done=done, name="answer")
    assert seen["value"] == 42
    assert seen["callback_is_gui_thread"] is True
    worker = seen["job_thread"]
    assert isinstance(worker, threading.Thread)
    assert worker is not threading.main_thread()
    assert worker.name.startswith("recipro-db")
    assert task.state is TaskState.DONE


def test_error_reaches_on_error_on_the_gui_thread_and_is_logged_without_its_message(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """G1/G2: the exception object reaches the caller intact; the log names its type, never its text."""
    errors: list[tuple[BaseException, bool]] = []
    boom = ValueError(f"constraint failed for note {CANARY}")

    def job(token: CancelToken) -> None:
        raise boom

    def done(value: None) -> None:
        pytest.fail("on_done must not run for a failed job")

    caplog.set_level(logging.ERROR, logger="recipro_desktop.ui.task_runner")
    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        task = runner.run(
            job,
            on_done=done,
            on_error=lambda exc: errors.append((exc, threading.current_thread() is threading.main_thread())),
            name="save-note",
        )
    assert errors == [(boom, True)]
    assert task.state is TaskState.FAILED
    assert "ValueError" in caplog.text
    assert "save-note" in caplog.text
    assert CANARY not in caplog.text


def test_error_without_handler_is_emitted_not_swallowed(qtbot: QtBot, runner: TaskRunner) -> None:
    def job(token: CancelToken) -> None:
        raise KeyError("x")

    with qtbot.waitSignal(runner.task_failed, timeout=WAIT_MS) as blocker:
        task = runner.run(job, on_done=lambda value: None)
    task_id, exc = blocker.args
    assert task_id == task.id
    assert isinstance(exc, KeyError)


def test_single_worker_preserves_submission_order(qtbot: QtBot, runner: TaskRunner) -> None:
    finished: list[int] = []
    threads: set[int] = set()

    def job(n: int) -> int:
        threads.add(threading.get_ident())
        _busy(0.002 * (n % 3))  # uneven durations: a pool would reorder them
        return n

    for n in range(30):
        runner.run(lambda token, n=n: job(n), on_done=finished.append)
    qtbot.waitUntil(lambda: len(finished) == 30, timeout=WAIT_MS)
    assert finished == list(range(30))
    assert len(threads) == 1


def test_busy_changed_brackets_the_queue(qtbot: QtBot, runner: TaskRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    gate = threading.Event()
    runner.run(lambda token: gate.wait(WAIT_MS / 1000), on_done=lambda value: None)
    runner.run(lambda token: None, on_done=lambda value: None)
    assert runner.busy
    gate.set()
    qtbot.waitUntil(lambda: states == [True, False], timeout=WAIT_MS)
    assert not runner.busy


def test_cancel_before_start_skips_the_job(qtbot: QtBot, runner: TaskRunner) -> None:
    gate = threading.Event()
    ran: list[str] = []
    cancelled: list[int] = []
    runner.run(lambda token: gate.wait(WAIT_MS / 1000), on_done=lambda value: None, name="blocker")
    queued = runner.run(
        lambda token: ran.append("ran"),
        on_done=lambda value: pytest.fail("a cancelled queued job reports cancelled"),
        on_error=lambda exc: pytest.fail("cancelled is not an error"),
        on_cancelled=lambda: cancelled.append(queued.id),
    )
    queued.cancel()
    gate.set()
    qtbot.waitUntil(lambda: cancelled == [queued.id], timeout=WAIT_MS)
    assert ran == []
    assert queued.state is TaskState.CANCELLED


def test_running_job_that_polls_the_token_reports_cancelled(qtbot: QtBot, runner: TaskRunner) -> None:
    rows_done: list[int] = []
    cancelled: list[bool] = []

    def long_import(token: CancelToken) -> int:
        for row in range(10**9):
            token.raise_if_cancelled()
            rows_done.append(row)
            _busy(0.0005)
        return -1

    with qtbot.waitSignal(runner.task_started, timeout=WAIT_MS):
        task = runner.run(
            long_import,
            on_done=lambda value: pytest.fail("must not complete"),
            on_error=lambda exc: pytest.fail(f"cancel is not an error: {type(exc).__name__}"),
            on_cancelled=lambda: cancelled.append(True),
        )
    assert task.state is TaskState.RUNNING
    qtbot.waitUntil(lambda: len(rows_done) > 5, timeout=WAIT_MS)
    task.cancel()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=WAIT_MS)
    assert task.state is TaskState.CANCELLED
    assert task.token.cancelled


def test_job_that_finishes_despite_cancel_reports_its_result(qtbot: QtBot, runner: TaskRunner) -> None:
    """Cancellation is cooperative: work that really happened is reported, never hidden."""
    gate = threading.Event()
    results: list[str] = []

    def commit(token: CancelToken) -> str:
        gate.wait(WAIT_MS / 1000)
        return "committed"

    with qtbot.waitSignal(runner.task_started, timeout=WAIT_MS):
        task = runner.run(commit, on_done=results.append, on_cancelled=lambda: results.append("cancelled"))
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: results == ["committed"], timeout=WAIT_MS)
    assert task.state is TaskState.DONE


def test_task_cancelled_raised_directly_counts_as_cancelled(qtbot: QtBot, runner: TaskRunner) -> None:
    outcome: list[str] = []

    def job(token: CancelToken) -> None:
        raise TaskCancelled

    runner.run(job, on_done=lambda v: outcome.append("done"), on_cancelled=lambda: outcome.append("cancelled"))
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=WAIT_MS)


def test_progress_arrives_on_the_gui_thread_throttled_and_complete(qtbot: QtBot, runner: TaskRunner) -> None:
    reports: list[tuple[int, int | None]] = []
    on_gui: set[bool] = set()
    total = 200_000

    def job(token: CancelToken) -> int:
        for n in range(1, total + 1):
            token.report_progress(n, total)
        return total

    def progress(done: int, of: int | None) -> None:
        reports.append((done, of))
        on_gui.add(threading.current_thread() is threading.main_thread())

    with qtbot.waitSignal(runner.task_finished, timeout=WAIT_MS):
        runner.run(job, on_done=lambda value: None, progress=progress)
    assert reports[-1] == (total, total), "the final report always arrives"
    assert len(reports) < total / 100, f"{len(reports)} progress events: not throttled"
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert on_gui == {True}


def test_shutdown_waits_for_the_running_job_and_drops_the_queue(qtbot: QtBot) -> None:
    runner = TaskRunner()
    written: list[str] = []
    callbacks: list[str] = []

    def write(token: CancelToken) -> None:
        _busy(0.2)
        written.append("first")

    with qtbot.waitSignal(runner.task_started, timeout=WAIT_MS):
        runner.run(write, on_done=lambda value: callbacks.append("first"))
    runner.run(lambda token: written.append("second"), on_done=lambda value: callbacks.append("second"))

    assert runner.shutdown() is True
    assert written == ["first"], "the running write finished; the queued one never started"
    QCoreApplication.processEvents()  # deliver any stray queued event: none may reach a callback now
    assert callbacks == []
    with pytest.raises(RuntimeError, match="after shutdown"):
        runner.run(lambda token: None, on_done=lambda value: None)


def test_shutdown_timeout_reports_a_job_that_is_still_running(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    with qtbot.waitSignal(runner.task_started, timeout=WAIT_MS):
        runner.run(lambda token: gate.wait(WAIT_MS / 1000), on_done=lambda value: None)
    try:
        assert runner.shutdown(timeout=0.05) is False
    finally:
        gate.set()


def test_failure_during_shutdown_is_still_logged(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    runner = TaskRunner()
    caplog.set_level(logging.ERROR, logger="recipro_desktop.ui.task_runner")

    def failing(token: CancelToken) -> None:
        _busy(0.05)
        raise OSError(28, "No space left on device")

    with qtbot.waitSignal(runner.task_started, timeout=WAIT_MS):
        runner.run(failing, on_done=lambda value: None, name="backup")
    runner.shutdown()
    assert "OSError" in caplog.text
    assert "backup" in caplog.text


def _worst_stall_during_job(qtbot: QtBot, runner: TaskRunner, seconds: float) -> float:
    """Run a CPU-bound job of ``seconds`` and return the longest gap between 10 ms timer ticks meanwhile."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    finished: list[bool] = []
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=WAIT_MS)
    runner.run(lambda token: _busy(seconds), on_done=lambda value: finished.append(True))
    qtbot.waitUntil(lambda: finished == [True], timeout=WAIT_MS)
    timer.stop()
    assert ticks[-1] - ticks[0] >= seconds * 0.95, "the measurement spans the whole job"
    return max(b - a for a, b in itertools.pairwise(ticks))


def test_gui_event_loop_keeps_running_during_a_1s_job(qtbot: QtBot, runner: TaskRunner) -> None:
    """DESIGN §6: a long job must not stall the GUI thread; worst gap between 10 ms ticks stays < 100 ms.

    The job is pure Python (it holds the GIL between switches, the worst case for the GUI thread). On a
    loaded 2-core CI machine the OS alone can deschedule a thread for ~100 ms, so one outlier run is measured
    again (at most three runs in all); a job that really blocked the GUI thread stalls it for the full second
    every time.
    """
    stalls = []
    for _attempt in range(3):
        stalls.append(_worst_stall_during_job(qtbot, runner, 1.0))
        if stalls[-1] < 0.100:
            break
    assert min(stalls) < 0.100, f"worst stalls {[round(s * 1000) for s in stalls]} ms"
