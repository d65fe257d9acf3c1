"""``recipro --screenshot FILE.png [--view PAGE|person:NAME] [--size WxH]``: a picture of the window, headless.

Used for the README's screenshots and for looking at the UI without a display. The app opens the journal as
usual (``--data-dir``/``--demo``, passphrase from ``--passphrase-file`` or the keyring — never a dialog), shows
the page at the size asked, waits until every background load has finished (the database worker has been idle
for a few event-loop turns, so chained loads are caught too), grabs the window and writes the PNG.

A bad ``--view`` or ``--size`` is a :class:`ValidationError` (exit code 2) raised before any window exists; a
person name that matches nobody is a :class:`NotFoundError` (exit code 3).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer, Signal

from recipro_desktop.core.errors import JournalError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from recipro_desktop.core.models import Person
    from recipro_desktop.ui.journal_client import JournalClient
    from recipro_desktop.ui.main_window import MainWindow
    from recipro_desktop.ui.task_runner import TaskRunner

log = logging.getLogger(__name__)

PAGES = ("today", "people", "timeline", "needs", "gratitude")
DEFAULT_SIZE = QSize(1280, 800)
MIN_SIDE, MAX_SIDE = 320, 7680
IDLE_TICKS = 4  # consecutive idle checks before the page counts as loaded
TICK_MS = 40
TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ScreenshotRequest:
    """What to render: the PNG path, the page (or a person by name) and the window size."""

    path: Path
    page: str
    person: str | None
    size: QSize


def parse_view(text: str) -> tuple[str, str | None]:
    """``"people"`` → ("people", None); ``"person:Ana Souza"`` → ("person", "Ana Souza").

    Raises:
        ValidationError: an unknown page, or ``person:`` without a name.
    """
    value = text.strip()
    if value.lower().startswith("person:"):
        name = value.split(":", 1)[1].strip()
        if not name:
            raise ValidationError("view", "--view person:NAME needs a name, e.g. --view 'person:Ana Souza'.")
        return "person", name
    if value.lower() in PAGES:
        return value.lower(), None
    raise ValidationError("view", f"Unknown view {text!r}: choose one of {', '.join(PAGES)}, or person:NAME.")


def parse_size(text: str) -> QSize:
    """``"1200x800"`` → QSize(1200, 800), each side within 320…7680 pixels.

    Raises:
        ValidationError: not ``WIDTHxHEIGHT``, or out of range.
    """
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise ValidationError("size", f"Bad --size {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1280x800.") from None
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValidationError("size", f"Bad --size {text!r}: each side must be between {MIN_SIDE} and {MAX_SIDE}.")
    return QSize(width, height)


def parse_screenshot_request(args: argparse.Namespace) -> ScreenshotRequest | None:
    """The request from ``--screenshot/--view/--size``, or None for a normal start (``--view`` still checked)."""
    view = getattr(args, "view", None)
    page, person = parse_view(view) if view else ("today", None)
    size_text = getattr(args, "size", None)
    size = parse_size(size_text) if size_text else DEFAULT_SIZE
    target = getattr(args, "screenshot", None)
    if target is None:
        if size_text:
            raise ValidationError("size", "--size goes with --screenshot FILE.png.")
        return None
    path = Path(target).expanduser()
    if path.suffix.lower() != ".png":
        raise ValidationError("screenshot", f"The screenshot file must end in .png: {path}")
    if not path.parent.is_dir():
        raise ValidationError("screenshot", f"The folder {path.parent} does not exist.")
    return ScreenshotRequest(path=path, page=page, person=person, size=size)


class IdleWatcher(QObject):
    """Calls back once the runner has been idle for :data:`IDLE_TICKS` checks in a row (or after a timeout)."""

    def __init__(self, runner: TaskRunner, callback: Callable[[bool], object], parent: QObject | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._callback = callback
        self._idle = 0
        self._deadline = time.monotonic() + TIMEOUT_S
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self._idle = 0 if self._runner.busy else self._idle + 1
        timed_out = time.monotonic() > self._deadline
        if self._idle >= IDLE_TICKS or timed_out:
            self._timer.stop()
            self._callback(not timed_out)
            self.deleteLater()


def when_idle(runner: TaskRunner, callback: Callable[[], object], parent: QObject | None) -> IdleWatcher:
    """Call ``callback`` once every background load has finished."""
    return IdleWatcher(runner, lambda _settled: callback(), parent)


class Screenshooter(QObject):
    """Shows the requested page, waits for its data, saves the PNG.

    Signals:
        finished(int, str): exit code and a one-line message for the terminal.
    """

    finished = Signal(int, str)

    def __init__(self, window: MainWindow, client: JournalClient, request: ScreenshotRequest, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self.client = client
        self.request = request

    def start(self) -> None:
        size = self.request.size
        # The picture has the size asked for, even below the window's own minimum (pages are then clipped,
        # as they would be on such a screen): an explicit minimum overrides the layouts' one.
        self.window.setMinimumSize(QSize(MIN_SIDE, MIN_SIDE))
        self.window.resize(size)
        if self.request.person is None:
            when_idle(self.client.runner, self._capture_when_idle, self)
            return
        name = self.request.person
        self.client.query(
            lambda s: s.find_people(name, limit=10), self._people_found, name="screenshot-person", on_error=self._failed
        )

    def _people_found(self, matches: list[Person]) -> None:
        name = (self.request.person or "").strip().casefold()
        exact = [p for p in matches if p.display_name.casefold() == name]
        chosen = exact if exact else matches
        if not chosen:
            self._failed(NotFoundError(f"No person matches {self.request.person!r}."))
            return
        if len(chosen) > 1:
            listed = "; ".join(p.display_name for p in chosen[:10])
            self._failed(
                ValidationError("view", f"{self.request.person!r} matches several people ({listed}); give more of it.")
            )
            return
        self.window.show_person(chosen[0].id)
        when_idle(self.client.runner, self._capture_when_idle, self)

    def _capture_when_idle(self) -> None:
        # Let layouts and the last paints settle, then grab.
        QTimer.singleShot(0, self, self._capture)

    def _capture(self) -> None:
        image = self.window.grab()
        if image.isNull() or not image.save(str(self.request.path), "PNG"):
            self.finished.emit(19, f"Could not write the screenshot to {self.request.path}.")
            return
        log.info("screenshot saved (%dx%d)", image.width(), image.height())
        self.finished.emit(0, f"Saved {self.request.path} ({image.width()}×{image.height()}).")

    def _failed(self, exc: BaseException) -> None:
        from recipro_desktop.ui.error_reporter import private_message

        code = exc.exit_code if isinstance(exc, JournalError) else 1
        self.finished.emit(code, private_message(exc))
