"""The Qt half of ``recipro --self-test``, run in a child process (see :mod:`recipro_desktop.services.selftest`).

It prints one JSON object per check on stdout (``name``, ``status``, ``detail``) and exits 1 when one failed:

- the Qt platform plugin loads and a ``QApplication`` starts (which platform, which Qt);
- the system has fonts for Qt to draw text with (a minimal Linux may have none: every letter a box);
- the compiled Designer forms build and the icon resources render (the SVG image and icon-engine plugins are
  in the bundle, the ``:/icons`` resource module is registered);
- the real main window opens on a temporary journal and shows every page, and every part of it that is
  imported lazily (pages, dialogs, editors) is in the build;
- whether the desktop has a system tray and can show notifications (a warning when not: the app then keeps
  its window open, :mod:`recipro_desktop.ui.no_tray_notice`);
- the single-instance guard works across processes: this process takes the lock in a temporary folder and a
  second process of the same executable (``--self-test-part instance``) must find it, forward "activate" and
  exit 0 (RELIABILITY C1, H2).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import secrets
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QEventLoop, QProcess, QSettings, Qt, QTimer, qVersion
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDialog, QSystemTrayIcon, QWidget, QWizard

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal
from recipro_desktop.services.selftest import INSTANCE_PART, Status, self_command
from recipro_desktop.ui import forms
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.offscreen_fonts import windows_fonts_for_offscreen
from recipro_desktop.ui.screenshot import IdleWatcher
from recipro_desktop.ui.single_instance import InstanceRole, SingleInstance
from recipro_desktop.ui.task_runner import TaskRunner

INSTANCE_NAME = "recipro-self-test"
SECOND_TIMEOUT_MS = 20_000


def _emit(name: str, status: Status, detail: str) -> bool:
    print(json.dumps({"name": name, "status": status.value, "detail": detail}), flush=True)
    return status is not Status.FAIL


def _check_forms() -> bool:
    names = sorted(m.name for m in pkgutil.iter_modules(forms.__path__) if m.name.startswith("ui_"))
    if not names:
        return _emit("Forms and icons", Status.FAIL, "the compiled window forms are missing from this build")
    for name in names:
        module = importlib.import_module(f"{forms.__name__}.{name}")
        form_class = next(v for k, v in vars(module).items() if k.startswith("Ui_"))
        host: QWidget = QWizard() if "wizard" in name else QDialog()
        try:
            form_class().setupUi(host)
        except Exception as exc:  # a broken form must be reported, whatever it raised
            return _emit("Forms and icons", Status.FAIL, f"the form {name} does not build ({type(exc).__name__})")
        finally:
            host.deleteLater()
    image = icon("app").pixmap(64, 64).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    painted = any(image.pixelColor(x, y).alpha() > 0 for x in range(0, 64, 4) for y in range(0, 64, 4))
    if image.isNull() or not painted:
        return _emit("Forms and icons", Status.FAIL, "the icons do not render (Qt's SVG plugins are missing)")
    return _emit("Forms and icons", Status.OK, f"{len(names)} forms build, SVG icons render")


def _lazy_parts() -> list[tuple[str, str]]:
    """Every (module, class) the window imports only when first needed: a build can miss them silently."""
    from recipro_desktop.ui import gratitude_view, main_window, timeline_view

    pages = [(p.module, p.cls) for p in (*main_window.PAGES, main_window.PERSON_PAGE)]
    editors = [(module, cls) for module, cls, _getter in timeline_view.EDITORS.values()]
    return [
        *pages,
        *main_window.DIALOGS,
        gratitude_view.ENTRY_DIALOG,
        gratitude_view.PROMPTS_DIALOG,
        *editors,
    ]


def _wait_idle(runner: TaskRunner) -> bool:
    """Let the pages' background loads finish (the database worker idle for a few checks in a row)."""
    settled: list[bool] = []
    loop = QEventLoop()

    def done(ok: bool) -> None:
        settled.append(ok)
        loop.quit()

    watcher = IdleWatcher(runner, done, None)
    loop.exec()
    del watcher
    return bool(settled and settled[0])


def _check_window(scratch: Path) -> bool:
    """Open the real main window on a temporary journal and show every page; import every dialog."""
    missing = []
    for module, cls in dict.fromkeys(_lazy_parts()):
        try:
            getattr(importlib.import_module(module), cls)
        except (ImportError, AttributeError):
            missing.append(module.rpartition(".")[2])
    if missing:
        return _emit("Window", Status.FAIL, f"parts of the window are missing from this build: {', '.join(missing)}")
    from recipro_desktop.ui.main_window import PAGES, MainWindow

    created = create_journal(JournalPaths(scratch / "journal"), passphrase=secrets.token_urlsafe(16), use_keyring=False)
    runner = TaskRunner()
    client = JournalClient(created.journal.service, runner)
    window = MainWindow(settings=QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat))
    errors: list[str] = []
    client.error_raised.connect(errors.append)
    runner.task_failed.connect(lambda *_args: errors.append("a background task failed"))
    try:
        window.attach_journal(client)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # laid out and painted, never on screen
        window.show()
        for page in PAGES:
            window.show_page(page.key)
            settled = _wait_idle(runner)
            if not settled or errors or window.current_page != page.key:
                return _emit("Window", Status.FAIL, f"the {page.title} page did not load")
    finally:
        window.close()
        window.deleteLater()
        runner.shutdown(timeout=30)
        created.journal.close()
    return _emit("Window", Status.OK, f"opens on a new journal; {len(PAGES)} pages and every dialog load")


def _check_fonts() -> bool:
    """Qt draws text with the system's fonts (fontconfig on Linux): without any, every letter is a box."""
    font = QApplication.font()
    family = QFontInfo(font).family()  # empty when fontconfig found no font file at all
    if not family or not QFontMetrics(font).inFont("a"):
        return _emit(
            "Fonts",
            Status.FAIL,
            "no fonts are installed: text would show as empty boxes"
            + (" (install a font package, e.g. fonts-dejavu-core)" if sys.platform.startswith("linux") else ""),
        )
    return _emit("Fonts", Status.OK, f"the window writes in {family} ({len(QFontDatabase.families())} families)")


def _check_tray() -> bool:
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return _emit(
            "System tray",
            Status.WARN,
            "none on this desktop: Recipro keeps its window open and shows reminders there",
        )
    messages = "with notifications" if QSystemTrayIcon.supportsMessages() else "without notifications"
    return _emit("System tray", Status.OK, f"available, {messages}")


def _check_single_instance() -> bool:
    with tempfile.TemporaryDirectory(prefix="recipro-self-test-") as tmp:
        first = SingleInstance(INSTANCE_NAME, Path(tmp))
        try:
            if first.acquire() is not InstanceRole.PRIMARY:
                return _emit("Single instance", Status.FAIL, first.problem or "could not take the lock")
            activated: list[bool] = []
            first.activate_requested.connect(lambda: activated.append(True))
            second = QProcess()
            loop = QEventLoop()
            second.finished.connect(loop.quit)
            second.errorOccurred.connect(loop.quit)
            QTimer.singleShot(SECOND_TIMEOUT_MS, loop.quit)
            command = self_command()
            second.start(command[0], [*command[1:], "--self-test-part", INSTANCE_PART, "--data-dir", tmp])
            loop.exec()
            if second.state() is not QProcess.ProcessState.NotRunning:
                second.kill()
                second.waitForFinished(2000)
                return _emit("Single instance", Status.FAIL, "a second start did not finish")
            if second.exitStatus() is not QProcess.ExitStatus.NormalExit or second.exitCode() != 0 or not activated:
                return _emit("Single instance", Status.FAIL, "a second start did not reach the first one")
        finally:
            first.release()
    return _emit("Single instance", Status.OK, "a second start found this one and asked it to show its window")


def _guarded(name: str, check: Callable[[], bool]) -> bool:
    """Run one check; an exception fails it with where it happened (type, file, line: never its message)."""
    try:
        return check()
    except Exception as exc:  # the report must go on, and say which check broke
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        return _emit(name, Status.FAIL, f"broke with {type(exc).__name__}{where}")


def run_qt_part() -> int:
    """Run every Qt check, printing each as a JSON line; 0 when none failed.

    Nothing of the user's is touched: the window's settings go to a temporary folder, and so does any
    ``QSettings()`` a part of the window might create on its own.
    """
    with tempfile.TemporaryDirectory(prefix="recipro-self-test-") as tmp:
        scratch = Path(tmp)
        # Files in the scratch folder, on every system: Windows' native format is the registry, which setPath
        # does not move, so every QSettings() made without a format is an ini file here.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch))
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(scratch))
        windows_fonts_for_offscreen()
        QCoreApplication.setOrganizationName("Recipro self-test")
        QCoreApplication.setApplicationName("Recipro self-test")
        app = QApplication.instance() or QApplication([sys.argv[0]])
        platform = QGuiApplication.platformName()
        ok = _emit("Qt", Status.OK, f"Qt {qVersion()}, PySide6 {PySide6.__version__}, platform '{platform}'")
        ok = _guarded("Fonts", _check_fonts) and ok
        ok = _guarded("Forms and icons", _check_forms) and ok
        ok = _guarded("Window", lambda: _check_window(scratch)) and ok
        ok = _guarded("System tray", _check_tray) and ok
        ok = _guarded("Single instance", _check_single_instance) and ok
        del app
    return 0 if ok else 1


def run_instance_part(lock_dir: Path) -> int:
    """The second process of the single-instance check: 0 when it found the first and was acknowledged."""
    core = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    guard = SingleInstance(INSTANCE_NAME, lock_dir)
    role = guard.acquire()
    forwarded = role is InstanceRole.SECONDARY and guard.forwarded
    if role is InstanceRole.PRIMARY:
        guard.release()
    del core
    return 0 if forwarded else 1
