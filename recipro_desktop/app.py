"""The composition root: the Qt application, first run or unlock, the journal's runner and client, the window.

Start-up paths (RELIABILITY A5, B1-B5, D3):

- **No journal yet** (neither ``journal.db`` nor ``keyslots.json``): the :class:`SetupWizard` creates one, or
  opens the demo journal instead.
- **A journal exists**: the main window is shown *at once* (navigation, search box, an "Opening your
  journal…" page), and the journal is unlocked and opened on a background worker — from the keyring, or from a
  passphrase given with ``--passphrase-file``/``$RECIPRO_PASSPHRASE``. When that cannot work (no keyring entry,
  wrong passphrase, damaged, empty or newer file…) the :class:`UnlockDialog` takes over with the matching
  message and next step.
- ``--demo``: the demo journal in its own folder, created and filled in the background the first time.

Cold start (DESIGN §6, ``benchmarks/gui_start.py``): nothing on the way to the first paint imports SQLAlchemy,
Alembic, keyring or cryptography; they are imported by the background open, after the window has painted.

``--screenshot FILE.png`` renders the window offscreen on the chosen page once its background loading is done,
saves it and exits (:mod:`recipro_desktop.ui.screenshot`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication

from recipro_desktop import APP_NAME, APP_REVERSE_DNS, ORGANIZATION_DOMAIN, SETTINGS_ORGANIZATION, hardening
from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import JournalError, JournalLockedError, JournalMissingError
from recipro_desktop.paths import JournalPaths, default_data_dir, demo_data_dir
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.offscreen_fonts import windows_fonts_for_offscreen
from recipro_desktop.ui.screenshot import ScreenshotRequest, parse_screenshot_request, parse_view

if TYPE_CHECKING:
    from recipro_desktop.services.access import OpenJournal
    from recipro_desktop.services.journal import JournalService
    from recipro_desktop.ui.journal_client import JournalClient
    from recipro_desktop.ui.reminder_center import ReminderCenter
    from recipro_desktop.ui.setup_wizard import SetupWizard
    from recipro_desktop.ui.task_runner import TaskRunner
    from recipro_desktop.ui.theme import ThemeWatcher
    from recipro_desktop.ui.unlock_dialog import UnlockDialog

log = logging.getLogger(__name__)

PROBE_ENV = "RECIPRO_STARTUP_PROBE"  # benchmarks/gui_start.py: print paint/ready times, then quit
DEMO_PEOPLE = 150


def looks_new(paths: JournalPaths) -> bool:
    """Neither the database nor the key slots exist: the only case that may lead to creating a journal.

    The same rule as ``vault.journal_state(paths) is JournalState.NEW``, without importing the vault (keyring,
    cryptography) before the first paint. It only routes: the vault re-checks before it creates anything.
    """
    return not any(p.exists() or p.is_symlink() for p in (paths.database, paths.keyslots))


# --- background jobs (the startup worker thread: no widgets) ------------------------------------------------


def open_job(paths: JournalPaths, passphrase: str | None, clock: Clock) -> OpenJournal:
    from recipro_desktop.services.access import open_journal

    return open_journal(paths, passphrase=passphrase, clock=clock)


def demo_job(paths: JournalPaths, clock: Clock, people: int = DEMO_PEOPLE) -> OpenJournal:
    """Open the demo journal, creating and filling it the first time (or after an interrupted fill)."""
    from recipro_desktop.cli import DEMO_PASSPHRASE
    from recipro_desktop.services.access import create_journal, open_journal
    from recipro_desktop.services.demo import generate_demo, store_demo
    from recipro_desktop.storage import vault

    if vault.journal_state(paths) is vault.JournalState.NEW:
        journal = create_journal(paths, passphrase=DEMO_PASSPHRASE, use_keyring=False, clock=clock).journal
    else:
        journal = open_journal(paths, passphrase=DEMO_PASSPHRASE, clock=clock)
    try:
        if not journal.service.stats().get("people", 0):
            data = generate_demo(people=people, seed=7, today=clock.today())
            store_demo(journal.service, data)
            log.info("demo journal filled (%d people)", people)
    except BaseException:
        journal.close()
        raise
    return journal


def backup_for(journal: OpenJournal, clock: Clock) -> Any:
    """File › Back up now: a verified, encrypted backup, then rotation (as ``recipro backup``). Worker thread."""

    def backup(service: JournalService) -> str:
        from recipro_desktop.storage import backup as backups

        with journal.database.raw_connection() as conn:
            info = backups.create_backup(conn, journal.paths, journal.key, reason="manual", now=clock.now())
        keep = int(str(service.get_setting("backup_keep")))
        backups.rotate_backups(journal.paths, journal.key, keep=keep)
        return f"Backup written and verified ({info.size / 1024:,.0f} KB)."

    return backup


# --- the controller ----------------------------------------------------------------------------------------


class FirstPaint(QObject):
    """Calls back once, right after a widget's first frame was painted (the cold-start mark)."""

    def __init__(self, widget: Any, callback: Any) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._callback)  # after the rest of this frame (the children) is painted
        return False


class AppController(QObject):
    """Takes the app from "started" to "a window on an open journal", then owns the journal until shutdown.

    Signals:
        window_ready(object): the :class:`MainWindow` is attached to the open journal.
        finished(int): the app should end with this exit code (quit from a dialog, screenshot done, failure).
    """

    window_ready = Signal(object)
    finished = Signal(int)

    def __init__(
        self,
        paths: JournalPaths,
        *,
        demo: bool = False,
        passphrase: str | None = None,
        settings: QSettings | None = None,
        clock: Clock | None = None,
        first_page: str = "today",
        screenshot: ScreenshotRequest | None = None,
        probe: bool = False,
        demo_people: int = DEMO_PEOPLE,
        crash_dialogs: bool = False,
        minimized: bool = False,
    ) -> None:
        super().__init__()
        self.demo_people = demo_people
        self.crash_dialogs = crash_dialogs  # the real app: sys.excepthook → dialog (tests keep pytest-qt's hook)
        self.paths = paths
        self.demo = demo
        self.clock = clock or SystemClock()
        self.settings = settings if settings is not None else QSettings()
        self.first_page = first_page
        self.screenshot = screenshot
        self.probe = probe
        self._passphrase = passphrase
        self.window: MainWindow | None = None
        self.theme: ThemeWatcher | None = None
        self.wizard: SetupWizard | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.journal: OpenJournal | None = None
        self.client: JournalClient | None = None
        self.runner: TaskRunner | None = None  # the journal's database worker
        self._startup: TaskRunner | None = None  # made after the first paint, like everything not needed for it
        self.reminders: ReminderCenter | None = None  # scheduler + tray, once the journal is open
        self.minimized = minimized
        self._folder_notice: str | None = None  # the journal folder was made private again (I13)
        self._ended = False
        self.exit_code: int | None = None

    # --- start ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Show the first thing the user should see; everything slow happens after it painted."""
        if self.demo:
            self._show_shell(f"Preparing the demo journal: {self.demo_people} invented people…", self._open_demo)
        elif looks_new(self.paths):
            if self.screenshot is not None:
                self._fail(JournalMissingError(f"There is no journal in {self.paths.data_dir} to take a picture of."))
                return
            self._show_wizard()
        else:
            self._show_shell("Opening your journal…", self._open_existing)

    def _show_shell(self, text: str, then: Any) -> MainWindow:
        window = self._window()
        window.set_loading(text)
        FirstPaint(window, lambda: self._painted(then))
        window.show()
        return window

    def _window(self) -> MainWindow:
        if self.window is None:
            self.window = MainWindow(settings=self.settings)
            if self.screenshot is not None:
                self.window.resize(self.screenshot.size)
        return self.window

    def _painted(self, then: Any) -> None:
        if self.probe:
            print(f"painted {time.monotonic():.6f} {time.process_time():.6f}", flush=True)
        if not self.demo and self.screenshot is None:
            from recipro_desktop import logs
            from recipro_desktop.paths import log_dir

            logs.add_log_file(log_dir() / "recipro.log")
            from recipro_desktop.services.autostart import Autostart

            try:
                Autostart().replace_legacy()  # 0.1's start-on-login entry, under today's name (once)
            except OSError as exc:
                log.warning("could not rename the start-on-login entry: %s", type(exc).__name__)
        self.follow_system_theme()
        if self.crash_dialogs and self.window is not None:
            self.window.errors.install()  # from now on a crash shows a (redacted) dialog, not just a log line
        then()

    def follow_system_theme(self) -> None:
        """Light or dark as the system is, from now on (:class:`ThemeWatcher`).

        For the main window this runs right after its first paint: the theme reads ``Qt.ColorScheme``, and the
        ``Qt`` namespace costs ~20 ms to load (see ``main_window.KEY_ROLE``). Where the platform already paints
        the system's scheme (GNOME/KDE/macOS/Windows themes) nothing visible changes; with bare Fusion on a dark
        desktop the first frame is light.
        """
        app = QApplication.instance()
        if self.theme is None and isinstance(app, QApplication):
            from recipro_desktop.ui.theme import ThemeWatcher

            self.theme = ThemeWatcher(app, self)

    def _open_existing(self) -> None:
        paths, passphrase, clock = self.paths, self._passphrase, self.clock
        self._passphrase = None
        self._run(lambda: open_job(paths, passphrase, clock), "open-journal")

    def _open_demo(self) -> None:
        paths, clock, people = self.paths, self.clock, self.demo_people
        self._run(lambda: demo_job(paths, clock, people), "open-demo")

    def _run(self, job: Callable[[], OpenJournal], name: str) -> None:
        from recipro_desktop.ui.task_runner import TaskRunner
        from recipro_desktop.ui.unlock_dialog import run_expecting_journal_errors

        if self._startup is None:
            self._startup = TaskRunner(self, thread_name="recipro-start")
        paths = self.paths

        def guarded() -> OpenJournal:
            from recipro_desktop.storage.folder_guard import secure_journal_folder

            notice = secure_journal_folder(paths)  # I13: before anything in the folder is read, even if unlocking fails
            if notice:
                self._folder_notice = notice  # shown once the journal is open (after an unlock dialog too)
            return job()

        run_expecting_journal_errors(self._startup, guarded, self._opened, self._open_failed, name)

    def _open_failed(self, exc: BaseException) -> None:
        if self.screenshot is not None or self.probe:
            self._fail(exc)
            return
        self._show_unlock(exc)

    # --- first run ------------------------------------------------------------------------------------------

    def _show_wizard(self) -> None:
        from recipro_desktop.ui.setup_wizard import SetupWizard

        self.follow_system_theme()
        wizard = SetupWizard(self.paths, clock=self.clock)
        wizard.journal_created.connect(self._created)
        wizard.demo_requested.connect(self._demo_instead)
        wizard.rejected.connect(lambda: self._end(0))
        self.wizard = wizard
        wizard.show()

    def _created(self, journal: OpenJournal) -> None:
        self._show_shell("Opening your journal…", lambda: None)
        self._opened(journal)

    def _demo_instead(self) -> None:
        self.demo = True
        self.paths = JournalPaths(demo_data_dir())
        self._show_shell(f"Preparing the demo journal: {self.demo_people} invented people…", self._open_demo)

    # --- unlock ---------------------------------------------------------------------------------------------

    def _show_unlock(self, exc: BaseException) -> None:
        from recipro_desktop.ui.unlock_dialog import UnlockDialog

        window = self._window()
        window.set_loading("Your journal is locked." if isinstance(exc, JournalLockedError) else "")
        window.loading_bar.hide()
        dialog = UnlockDialog(self.paths, window, error=exc, clock=self.clock)
        dialog.journal_opened.connect(self._unlocked)
        dialog.rejected.connect(lambda: self._end(0))
        self.unlock_dialog = dialog
        dialog.open()

    def _unlocked(self, journal: OpenJournal) -> None:
        if self.window is not None:
            self.window.loading_bar.show()
        self._opened(journal)

    # --- open -----------------------------------------------------------------------------------------------

    def _opened(self, journal: OpenJournal) -> None:
        """Build the journal's runner and client and hand them to the window."""
        if self._ended:
            journal.close()
            return
        from recipro_desktop.ui.journal_client import JournalClient
        from recipro_desktop.ui.task_runner import TaskRunner

        self.journal = journal
        self.runner = TaskRunner(thread_name="recipro-db")
        self.client = JournalClient(journal.service, self.runner)
        window = self._window()
        first = self.screenshot.page if self.screenshot is not None else self.first_page
        window.attach_journal(
            self.client, demo=self.demo, first_page=first, backup=backup_for(journal, self.clock), paths=journal.paths
        )
        notice = " ".join(n for n in (self._folder_notice, journal.notice) if n)
        self._folder_notice = None
        if notice:
            window.statusBar().showMessage(notice, 20_000)
        if self.screenshot is None and not self.probe:
            from recipro_desktop.ui.reminder_center import ReminderCenter

            self.reminders = ReminderCenter(window, self.client, self.clock, self.settings)
            self.reminders.quit_requested.connect(lambda: self._end(0))
        if self.minimized and self.reminders is not None and self.reminders.has_tray:
            window.hide()  # started on login: wait in the tray
        else:
            if not window.isVisible():
                window.show()
            window.raise_()
            window.activateWindow()
        self.window_ready.emit(window)
        if self.screenshot is not None:
            from recipro_desktop.ui.screenshot import Screenshooter

            shooter = Screenshooter(window, self.client, self.screenshot, self)
            shooter.finished.connect(self._screenshot_done)
            shooter.start()
        elif self.probe:
            from recipro_desktop.ui.screenshot import when_idle

            when_idle(self.client.runner, self._probe_ready, self)

    def _probe_ready(self) -> None:
        print(f"ready {time.monotonic():.6f}", flush=True)
        self._end(0)

    def _screenshot_done(self, code: int, message: str) -> None:
        print(f"recipro: {message}", file=sys.stderr if code else sys.stdout)
        self._end(code)

    def _fail(self, exc: BaseException) -> None:
        from recipro_desktop.ui.error_reporter import private_message

        print(f"recipro: {private_message(exc)}", file=sys.stderr)
        self._end(exc.exit_code if isinstance(exc, JournalError) else 1)

    def _end(self, code: int) -> None:
        if self._ended:
            return
        self._ended = True
        self.exit_code = code
        if self.window is not None and self.screenshot is None:
            self.window.save_window_state()
        self.finished.emit(code)

    def show_window(self) -> None:
        """Raise the window (a second launch asked for it, C1)."""
        if self.reminders is not None:
            self.reminders.show_window()
        elif self.window is not None:
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()

    # --- shutdown -------------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Finish background work, then close the journal. Safe to call more than once."""
        self._ended = True
        for dialog in (self.unlock_dialog, self.wizard):
            if dialog is not None:
                dialog.shutdown()
        if self.reminders is not None:
            self.reminders.stop()
        if self._startup is not None:
            from recipro_desktop.ui.unlock_dialog import drain

            drain(self._startup)  # a journal opened just as the user quit is delivered, and closed (_ended)
            self._startup.shutdown(timeout=60)
        if self.runner is not None:
            self.runner.shutdown(timeout=60)
        if self.journal is not None:
            self.journal.close()
            self.journal = None
            log.info("journal closed")


def freeze_startup_objects() -> None:
    """Take the ~110,000 objects of start-up (PySide6, SQLAlchemy...) out of the cycle collector's reach.

    Otherwise every full collection walks them all, holding the GIL for 50-250 ms on whichever thread
    allocates: a visible stall while scrolling or importing (benchmarks/gui_timeline.py, DESIGN §6). Done once,
    when the window is up; what is frozen is never collected, which is right for objects that live as long
    as the app.
    """
    import gc

    gc.collect()
    gc.freeze()


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists, as in tests), named, with the app icon.

    The light/dark theme is applied by the controller (:meth:`AppController.follow_system_theme`).
    """
    QApplication.setApplicationName(APP_NAME)  # X11's WM_CLASS class: the desktop entry's StartupWMClass
    QApplication.setOrganizationName(SETTINGS_ORGANIZATION)  # with the domain: where QSettings() keeps its file
    QApplication.setOrganizationDomain(ORGANIZATION_DOMAIN)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setDesktopFileName(APP_REVERSE_DNS)  # Wayland's app id: the desktop entry's file name
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        windows_fonts_for_offscreen()  # a --screenshot on Windows draws offscreen: without it, every letter is a box
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setWindowIcon(icon("app"))
    app.setQuitOnLastWindowClosed(True)  # until the tray (issue 4) keeps the app alive
    return app


def run(args: argparse.Namespace, paths: JournalPaths | None = None, *, passphrase: str | None = None) -> int:
    """Run the window (or take a screenshot); returns the process exit code.

    Args:
        args: the parsed command line (``--data-dir``, ``--demo``, ``--screenshot``, ``--view``, ``--size``).
        paths: the journal's files (default: from ``args``).
        passphrase: from ``--passphrase-file`` or ``$RECIPRO_PASSPHRASE`` (the CLI reads it); the demo has its own.

    Raises:
        ValidationError: a bad ``--view``/``--size`` (exit code 2), before any window is made.
    """
    hardening.disable_core_dumps()  # I14 (cli.main did it already; this covers a direct call)
    screenshot = parse_screenshot_request(args)
    view = getattr(args, "view", None)
    first_page = parse_view(view)[0] if view else "today"
    if screenshot is None and first_page == "person":
        first_page = "people"
    if screenshot is not None and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed, and nothing flashes on screen
    if paths is None:
        data_dir = demo_data_dir() if args.demo and args.data_dir is None else (args.data_dir or default_data_dir())
        paths = JournalPaths(Path(data_dir).expanduser())
    app = make_application()
    instance = None
    if screenshot is None and not os.environ.get(PROBE_ENV):
        from recipro_desktop.ui.single_instance import InstanceRole, SingleInstance

        # Before anything opens the journal: a second launch raises the first window and leaves (C1-C3).
        instance = SingleInstance("recipro", paths.data_dir)
        role = instance.acquire()
        if role is InstanceRole.SECONDARY:
            if instance.problem:
                print(f"recipro: {instance.problem}", file=sys.stderr)
            return 0 if instance.forwarded else 1
        if instance.problem:
            log.warning("single-instance guard degraded")
    scratch = tempfile.TemporaryDirectory(prefix="recipro-shot-") if screenshot is not None else None
    # A screenshot must not overwrite the user's remembered window layout: it gets a throw-away settings file.
    if scratch is not None:
        settings = QSettings(str(Path(scratch.name, "layout.ini")), QSettings.Format.IniFormat)
    else:
        from recipro_desktop.ui.settings_store import user_settings

        settings = user_settings()  # 0.1's (organisation "Recipro") carried over the first time
    controller = AppController(
        paths,
        demo=bool(args.demo),
        passphrase=None if args.demo else passphrase,
        settings=settings,
        first_page=first_page,
        screenshot=screenshot,
        probe=bool(os.environ.get(PROBE_ENV)),
        crash_dialogs=screenshot is None,
        minimized=bool(getattr(args, "minimized", False)),
    )
    if instance is not None:
        instance.activate_requested.connect(controller.show_window)
    controller.window_ready.connect(lambda _window: QTimer.singleShot(0, freeze_startup_objects))
    # Leave the loop from the loop (even when the controller ends before exec() started): a zero timer, not a
    # queued connection, which would load the Qt namespace before the first paint (see main_window.KEY_ROLE).
    controller.finished.connect(lambda code: QTimer.singleShot(0, lambda: app.exit(code)))
    controller.start()
    try:
        code = app.exec()
    finally:
        controller.shutdown()
        if instance is not None:
            instance.release()
        if scratch is not None:
            scratch.cleanup()
    return controller.exit_code if controller.exit_code is not None else code


def gui_main() -> int:
    """``recipro-gui``: the ``[project.gui-scripts]`` entry point, so a pip install on Windows gets a windowed
    launcher (no console window). The same path as ``recipro`` run with window options only (``--demo``,
    ``--data-dir``…); with no console, the ``recipro`` command is the one for the CLI's subcommands."""
    hardening.disable_core_dumps()  # I14: first of all
    from recipro_desktop.cli import main

    return main(sys.argv[1:])
