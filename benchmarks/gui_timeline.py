"""The global timeline in the real window widget: time to the first painted page, and smoothness while scrolling.

Two figures, both taken on the real code path (``TimelineView`` → ``TimelineModel`` → background runner →
``JournalService.timeline`` → SQLCipher):

- **first page**: from constructing the view to the first page of rows painted on screen (the view is shown, its
  model asks the runner for 200 rows, the rows arrive on the GUI thread and the viewport is painted). Compare it
  with ``service.timeline(limit=200)`` alone (reported as ``service_first_page_ms``).
- **worst stall**: the longest the GUI event loop went without turning while the list is scrolled, a screenful
  or so per frame, from the top down to row ``target_row`` (5,000 by default): pages are fetched in the background
  as the user nears the end, so the loop should never wait on the database. A 2 ms heartbeat timer measures it.

Usage (standalone; ``benchmarks/run.py`` may call :func:`measure_timeline`)::

    uv run python benchmarks/gui_timeline.py [--people N] [--items N] [--target-row N]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from recipro_desktop.core.models import TimelineFilter
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.task_runner import TaskRunner
from recipro_desktop.ui.timeline_view import TimelineView

HEARTBEAT_MS = 2
FRAME_MS = 16


@dataclass(frozen=True)
class TimelineGuiFigures:
    first_page_ms: float  # view constructed → first page of rows painted
    service_first_page_ms: float  # the same 200 rows from the service alone (median of 10), for comparison
    worst_stall_ms: float  # longest event-loop gap while scrolling to target_row
    median_frame_ms: float  # median gap between heartbeats while scrolling (≈ HEARTBEAT_MS when smooth)
    scroll_s: float  # wall time to reach target_row (includes the background fetches)
    rows_reached: int  # model rows when the scroll stopped (items and month headers)
    items_fetched: int


def _wait(app: QApplication, condition: Any, timeout_s: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the timeline did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def measure_timeline(
    service: Any, *, target_row: int = 5000, size: tuple[int, int] = (1200, 800), freeze_gc: bool = False
) -> TimelineGuiFigures:
    """Measure the Timeline view on an open :class:`JournalService` (see the module docstring).

    Creates a ``QApplication`` if there is none (offscreen when there is no display). Leaves no thread or widget
    behind: the runner is shut down and the view deleted before returning.

    ``freeze_gc``: move every object alive at the start out of the cycle collector's reach (``gc.freeze()``),
    as an application does after start-up. Without it, a full collection (about 100,000 objects of PySide6 and
    SQLAlchemy alone) runs on whichever thread allocates, holds the GIL for 30-150 ms and shows up as the worst
    stall; the timeline's own rows are untracked either way (packed tuples).
    """
    if freeze_gc:
        gc.collect()
        gc.freeze()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    samples = []
    for _ in range(10):
        started = time.perf_counter()
        service.timeline(TimelineFilter(), limit=200)
        samples.append((time.perf_counter() - started) * 1000)
    service_first_page_ms = statistics.median(samples)

    runner = TaskRunner()
    client = JournalClient(service, runner)
    try:
        started = time.perf_counter()
        view = TimelineView(client)
        view.resize(*size)
        view.show()
        _wait(app, lambda: view.model.item_count > 0)
        view.list.viewport().repaint()  # synchronous: the first page is on screen when this returns
        first_page_ms = (time.perf_counter() - started) * 1000

        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def beat() -> None:
            now = clock.nsecsElapsed()
            gaps.append((now - last[0]) / 1e6)
            last[0] = now

        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(beat)
        bar = view.list.verticalScrollBar()
        step = max(1, view.list.viewport().height())

        def frame() -> None:
            bar.setValue(min(bar.maximum(), bar.value() + step))

        scroller = QTimer()
        scroller.setInterval(FRAME_MS)
        scroller.timeout.connect(frame)

        def reached() -> bool:
            top = view.list.indexAt(view.list.viewport().rect().topLeft()).row()
            return top >= target_row or (view.model.exhausted and bar.value() >= bar.maximum())

        scroll_started = time.perf_counter()
        heartbeat.start()
        scroller.start()
        _wait(app, reached, timeout_s=300)
        scroller.stop()
        heartbeat.stop()
        scroll_s = time.perf_counter() - scroll_started
        figures = TimelineGuiFigures(
            first_page_ms=first_page_ms,
            service_first_page_ms=service_first_page_ms,
            worst_stall_ms=max(gaps) if gaps else 0.0,
            median_frame_ms=statistics.median(gaps) if gaps else 0.0,
            scroll_s=scroll_s,
            rows_reached=view.model.rowCount(),
            items_fetched=view.model.item_count,
        )
        view.close()
        view.deleteLater()
        return figures
    finally:
        runner.shutdown(timeout=30)
        app.processEvents()


def main() -> int:
    from benchmarks.generate import journal_for, open_benchmark_journal

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--target-row", type=int, default=5000)
    parser.add_argument("--freeze-gc", action="store_true", help="gc.freeze() first, as an app would after start")
    args = parser.parse_args()
    generated = journal_for(args.people, args.items)
    journal = open_benchmark_journal(generated.paths)
    try:
        figures = measure_timeline(journal.service, target_row=args.target_row, freeze_gc=args.freeze_gc)
    finally:
        journal.close()
    for name, value in asdict(figures).items():
        print(f"{name:>24}: {value:,.1f}" if isinstance(value, float) else f"{name:>24}: {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
