"""The People list in the real widget on 10,000 people: load, filter-as-you-type latency, sorting.

Figures, all on the real code path (``PeopleView`` → ``PeopleTableModel``, which filters and sorts itself;
background runner → ``JournalService.list_people`` → SQLCipher):

- **list_people / load**: the service call alone, and the whole background load (rows plus the folded filter and
  sort keys computed on the worker).
- **first paint**: from constructing the view to the first screen of rows painted.
- **keystroke**: for each prefix of the words typed ("m", "ma", "mar"... then deleting back to nothing), the time
  from the filter box's text changing to the filtered rows painted (``viewport().repaint()`` is synchronous).
  "Instant" means well under the ~50-100 ms a person notices (DESIGN §6 / the README: ≤ 50 ms per keystroke,
  no stall above 100 ms).
- **repaint floor**: repainting the full list's screen of rows with nothing changed: what any keystroke that
  shows a screenful of rows costs at least, on this machine (software rendering when offscreen).
- **sort**: clicking each column header (sorting 10,000 rows, then repainting).

Usage (standalone; ``benchmarks/run.py`` may call :func:`measure_people`)::

    uv run python benchmarks/gui_people.py [--people N] [--items N] [--words "maria lisbon"]
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

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication

from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.people_model import PeopleTableModel, load_people
from recipro_desktop.ui.people_view import PeopleView
from recipro_desktop.ui.task_runner import TaskRunner

DEFAULT_WORDS = ("maria", "kowal", "lisbon", "design", "zoe")


@dataclass(frozen=True)
class PeopleGuiFigures:
    rows: int
    list_people_ms: float  # service.list_people(include_archived=True), median of 3
    load_ms: float  # load_people on the worker: list_people + folded keys, median of 3
    first_paint_ms: float  # view constructed → first screen of rows painted
    keystroke_median_ms: float  # filter text changed → filtered rows painted, over every prefix typed and deleted
    keystroke_p90_ms: float
    keystroke_max_ms: float
    repaint_floor_ms: float  # viewport().repaint() of the unfiltered list with nothing changed, median
    clear_filter_ms: float  # a filter cleared in one go (back to all rows), median
    sort_median_ms: float  # a header click: sort 10,000 rows and repaint, over every column both ways
    sort_max_ms: float


def _wait(app: QApplication, condition: Any, timeout_s: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the People list did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def _median_ms(fn: Any, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure_people(
    service: Any,
    *,
    words: tuple[str, ...] = DEFAULT_WORDS,
    size: tuple[int, int] = (1200, 800),
    freeze_gc: bool = False,
) -> PeopleGuiFigures:
    """Measure the People view on an open :class:`JournalService` (see the module docstring).

    ``freeze_gc``: ``gc.freeze()`` first, as the application does once its window is up (``app.py``); the
    People list itself is loaded after that, as in the app, so its rows stay in the collector's reach.
    """
    if freeze_gc:
        gc.collect()
        gc.freeze()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    list_people_ms = _median_ms(lambda: service.list_people(include_archived=True))
    load_ms = _median_ms(lambda: load_people(service))

    runner = TaskRunner()
    client = JournalClient(service, runner)
    try:
        started = time.perf_counter()
        view = PeopleView(client)
        view.resize(*size)
        view.show()
        view.refresh()
        _wait(app, lambda: view.loaded)
        view.table.viewport().repaint()
        first_paint_ms = (time.perf_counter() - started) * 1000
        rows = view.model.total(include_archived=True)
        repaint_floor_ms = _median_ms(view.table.viewport().repaint, runs=9)

        def timed_text(text: str) -> float:
            started = time.perf_counter()
            view.filter_edit.setText(text)
            view.table.viewport().repaint()
            app.processEvents()
            return (time.perf_counter() - started) * 1000

        keystrokes: list[float] = []
        clears: list[float] = []
        for word in words:
            for n in range(1, len(word) + 1):
                keystrokes.append(timed_text(word[:n]))
            for n in range(len(word) - 1, -1, -1):
                keystrokes.append(timed_text(word[:n]))
            timed_text(word)
            clears.append(timed_text(""))

        sorts: list[float] = []
        header = view.table.horizontalHeader()
        for column in range(PeopleTableModel.COLUMN_COUNT):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                started = time.perf_counter()
                header.setSortIndicator(column, order)
                view.table.viewport().repaint()
                app.processEvents()
                sorts.append((time.perf_counter() - started) * 1000)
        keystrokes.sort()
        figures = PeopleGuiFigures(
            rows=rows,
            list_people_ms=list_people_ms,
            load_ms=load_ms,
            first_paint_ms=first_paint_ms,
            keystroke_median_ms=statistics.median(keystrokes),
            keystroke_p90_ms=keystrokes[int(len(keystrokes) * 0.9)],
            keystroke_max_ms=keystrokes[-1],
            repaint_floor_ms=repaint_floor_ms,
            clear_filter_ms=statistics.median(clears),
            sort_median_ms=statistics.median(sorts),
            sort_max_ms=max(sorts),
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
    parser.add_argument("--words", default=" ".join(DEFAULT_WORDS), help="words typed one letter at a time")
    parser.add_argument("--freeze-gc", action="store_true", help="gc.freeze() first, as the app does after start")
    args = parser.parse_args()
    generated = journal_for(args.people, args.items)
    journal = open_benchmark_journal(generated.paths)
    try:
        figures = measure_people(journal.service, words=tuple(args.words.split()), freeze_gc=args.freeze_gc)
    finally:
        journal.close()
    for name, value in asdict(figures).items():
        print(f"{name:>22}: {value:,.1f}" if isinstance(value, float) else f"{name:>22}: {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
