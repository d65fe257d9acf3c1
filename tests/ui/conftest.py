"""Fixtures for every pytest-qt test: Qt warnings fail the test, and no modal dialog can block it.

**Qt warnings fail tests** (qutebrowser's rule). An autouse fixture installs a ``qInstallMessageHandler`` for
the whole test (setup, call and teardown) that records every Qt message; QtWarningMsg, QtCriticalMsg and
QtFatalMsg fail the test unless they match :data:`HARMLESS` (lines the offscreen platform prints for
features it lacks) or the test allowed them with ``qt_messages.allow(regex)``. pytest-qt's own capture is
switched off for these tests (``no_qt_log``), because it would replace our handler mid-test; use the
``qt_messages`` fixture instead of ``qtlog``. Model checks from ``qtmodeltester`` report through Qt warnings,
so a broken model fails its test here too.

**No modal blocks a test** (Vorta's rule). ``QDialog.exec`` (and so ``QMessageBox.exec``), ``QMenu.exec``
and the static ``QMessageBox``/``QFileDialog``/``QInputDialog``/``QColorDialog``/``QFontDialog`` helpers are
replaced for every test. A test scripts the user's answer in advance with ``modals.answer(kind, value)``;
``value`` may be a callable that receives the dialog (or the static call's arguments) and returns the result.
A modal the test did not answer returns the "cancel" result and fails the test, so an unexpected dialog is
reported instead of hanging CI. ``modals.calls`` lists what the user would have seen (kind, title, text).

``task_runner`` gives widgets a real background runner that is shut down after the test.

**On Windows** ``QSettings()`` keeps its values in the registry (``HKCU\\Software\\io.github.recipro``), which
the per-test HOME of ``tests/conftest.py`` does not move: an autouse fixture makes every ``QSettings()`` an ini
file in the test's home instead, so tests neither share state nor touch the account's registry. A test that
needs the registry on purpose is marked ``windows_registry`` (and cleans up after itself). The offscreen
platform reads its fonts from the Windows fonts folder (``offscreen_fonts.windows_fonts_for_offscreen``), as the
self-test does: without it, it would have none.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QSettings, QtMsgType, QUrl, qInstallMessageHandler
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QColorDialog, QDialog, QFileDialog, QFontDialog, QInputDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.ui.offscreen_fonts import windows_fonts_for_offscreen
from recipro_desktop.ui.task_runner import TaskRunner

UI_TESTS = Path(__file__).parent
WINDOWS = sys.platform == "win32"

windows_fonts_for_offscreen()  # before the QApplication's first font

#: Messages the offscreen platform prints for window-system features it does not have. Nothing else.
HARMLESS = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the (keyboard|mouse)",
    r"QObject::connect: No such signal QPlatformNativeInterface::systemTrayWindowChanged\(QScreen\*\)",
)

FAILING_LEVELS = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "windows_registry: on Windows, QSettings() uses the real registry (the test cleans up itself)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Turn pytest-qt's message capture off for UI tests: :func:`qt_messages` owns the handler."""
    for item in items:
        if item.path.is_relative_to(UI_TESTS):
            item.add_marker(pytest.mark.no_qt_log)


# --- Qt messages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QtMessage:
    level: QtMsgType
    category: str
    text: str

    def __str__(self) -> str:
        return f"{self.level.name} [{self.category}] {self.text}"


@dataclass
class QtMessages:
    """Every Qt message of the current test; the failing ones that were neither harmless nor allowed."""

    records: list[QtMessage] = field(default_factory=list)
    _allowed: list[re.Pattern[str]] = field(default_factory=lambda: [re.compile(p) for p in HARMLESS])
    _reported: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, level: QtMsgType, context: QMessageLogContext, text: str) -> None:
        # Called on whichever thread logged; keep it short and never raise (it runs inside Qt).
        with self._lock:
            self.records.append(QtMessage(level, context.category or "default", text))
        sys.stderr.write(f"Qt {level.name}: {text}\n")

    def allow(self, pattern: str) -> None:
        """Let messages matching ``pattern`` (``re.search``) pass: for tests that provoke a warning on purpose."""
        self._allowed.append(re.compile(pattern))

    def unexpected(self) -> list[QtMessage]:
        with self._lock:
            records = list(self.records)
        return [r for r in records if r.level in FAILING_LEVELS and not any(p.search(r.text) for p in self._allowed)]

    def clear(self) -> None:
        with self._lock:
            self.records.clear()
            self._reported = 0

    def fail_if_unexpected(self, when: str) -> None:
        bad = self.unexpected()[self._reported :]
        self._reported += len(bad)
        if bad:
            lines = "\n".join(f"  {m}" for m in bad)
            pytest.fail(
                f"Qt warnings {when} (Qt warnings fail tests; allow known ones with qt_messages.allow):\n{lines}",
                pytrace=False,
            )


MESSAGES_KEY = pytest.StashKey[QtMessages]()
MODALS_KEY = pytest.StashKey["ModalGuard"]()


@pytest.fixture(autouse=True)
def qt_messages(request: pytest.FixtureRequest) -> Iterator[QtMessages]:
    """Record Qt messages for this test; unexpected warnings fail it (see the module docstring)."""
    messages = QtMessages()
    request.node.stash[MESSAGES_KEY] = messages
    previous = qInstallMessageHandler(messages.handle)
    try:
        yield messages
    finally:
        qInstallMessageHandler(previous)
    messages.fail_if_unexpected("during teardown")


# --- settings -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def settings_in_the_test_home(request: pytest.FixtureRequest) -> Iterator[None]:
    """On Windows, ``QSettings()`` is an ini file in this test's home (``config``), not the account's registry."""
    if not WINDOWS or request.node.get_closest_marker("windows_registry"):
        yield
        return
    # tests/conftest.py's per-test home; test_harness.py runs a copy of this file without it
    if "isolated_environment" in request.fixturenames:
        folder = request.getfixturevalue("isolated_environment") / "config"
    else:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("config")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    try:
        yield
    finally:
        QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


# --- modal dialogs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModalCall:
    """One modal the code under test opened: what the user would have seen."""

    kind: str  # "exec", "menu", "question", "warning", "getSaveFileName", ...
    title: str
    text: str
    target: Any  # the dialog or menu for "exec"/"menu"; the static call's arguments otherwise
    answered: bool


_MESSAGE_BOXES = ("question", "warning", "information", "critical")
_CANCEL_RESULTS: dict[str, Callable[[], Any]] = {
    "getOpenFileName": lambda: ("", ""),
    "getOpenFileNames": lambda: ([], ""),
    "getSaveFileName": lambda: ("", ""),
    "getExistingDirectory": lambda: "",
    "getOpenFileUrl": lambda: (QUrl(), ""),
    "getOpenFileUrls": lambda: ([], ""),
    "getSaveFileUrl": lambda: (QUrl(), ""),
    "getExistingDirectoryUrl": QUrl,
    "getText": lambda: ("", False),
    "getMultiLineText": lambda: ("", False),
    "getItem": lambda: ("", False),
    "getInt": lambda: (0, False),
    "getDouble": lambda: (0.0, False),
    "getColor": QColor,
    "getFont": lambda: (False, QFont()),
}
_STATIC_OWNERS = {
    **dict.fromkeys([n for n in _CANCEL_RESULTS if "File" in n or "Directory" in n], QFileDialog),
    **dict.fromkeys(["getText", "getMultiLineText", "getItem", "getInt", "getDouble"], QInputDialog),
    "getColor": QColorDialog,
    "getFont": QFontDialog,
}


class ModalGuard:
    """Stands in for every blocking dialog; scripted answers in, what was shown out."""

    def __init__(self) -> None:
        self.calls: list[ModalCall] = []
        self._answers: dict[str, deque[Any]] = defaultdict(deque)
        self._reported = 0

    def answer(self, kind: str, value: Any) -> None:
        """Queue the answer to the next modal of ``kind``.

        ``kind`` is ``"exec"`` (any ``dialog.exec()``; value: result code or ``callable(dialog) -> code``),
        ``"menu"`` (``QMenu.exec``; value: the chosen ``QAction`` or None), a ``QMessageBox`` static name
        (value: a ``StandardButton``) or a ``QFileDialog``/``QInputDialog``/... static name (value: what it
        returns, e.g. ``(path, "")`` for ``getSaveFileName``).
        """
        self._answers[kind].append(value)

    def unanswered(self) -> list[ModalCall]:
        return [c for c in self.calls if not c.answered]

    def clear(self) -> None:
        self.calls.clear()
        self._reported = 0

    def fail_if_unanswered(self, when: str) -> None:
        bad = self.unanswered()[self._reported :]
        self._reported += len(bad)
        if bad:
            lines = "\n".join(f"  {c.kind}: {c.title!r} {c.text[:80]!r}" for c in bad)
            pytest.fail(f"unexpected modal dialog(s) {when} (script them with modals.answer):\n{lines}", pytrace=False)

    def _take(self, kind: str, title: str, text: str, target: Any, cancel: Any) -> Any:
        queue = self._answers.get(kind)
        answered = bool(queue)
        self.calls.append(ModalCall(kind, title, text, target, answered))
        if not answered:
            return cancel
        assert queue is not None
        value = queue.popleft()
        if callable(value):
            return value(*target) if isinstance(target, tuple) else value(target)
        return value

    # replacements ---------------------------------------------------------------------------------

    def dialog_exec(self, dialog: QDialog) -> int:
        text = dialog.text() if isinstance(dialog, QMessageBox) else ""
        cancel = QMessageBox.StandardButton.Cancel.value if isinstance(dialog, QMessageBox) else 0
        result = self._take("exec", dialog.windowTitle(), text, dialog, cancel)
        code = int(result.value if hasattr(result, "value") else result)
        dialog.setResult(code)
        return code

    def menu_exec(self, *args: Any) -> Any:
        menu = args[0] if args and isinstance(args[0], QMenu) else None
        return self._take("menu", menu.title() if menu else "", "", menu if menu else args, None)

    def message_box(self, kind: str) -> Callable[..., Any]:
        cancel = {"question": QMessageBox.StandardButton.No, "about": None}.get(kind, QMessageBox.StandardButton.Ok)

        def fake(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            return self._take(kind, title, text, (parent, title, text, *args), cancel)

        return fake

    def static(self, kind: str) -> Callable[..., Any]:
        def fake(*args: Any, **kwargs: Any) -> Any:
            strings = [a for a in args if isinstance(a, str)]
            title = strings[0] if strings else str(kwargs.get("caption", kwargs.get("title", "")))
            return self._take(kind, title, "", args, _CANCEL_RESULTS[kind]())

        return fake


@pytest.fixture(autouse=True)
def modals(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[ModalGuard]:
    """Replace every blocking dialog for this test (see the module docstring)."""
    guard = ModalGuard()
    request.node.stash[MODALS_KEY] = guard

    def dialog_exec(dialog: QDialog) -> int:  # a plain function, so that ``dialog.exec()`` binds the dialog
        return guard.dialog_exec(dialog)

    def menu_exec(*args: Any) -> Any:
        return guard.menu_exec(*args)

    for name in ("exec", "exec_"):
        monkeypatch.setattr(QDialog, name, dialog_exec, raising=False)
        monkeypatch.setattr(QMenu, name, menu_exec, raising=False)
    for kind in _MESSAGE_BOXES:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(guard.message_box(kind)))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(guard.message_box("about")))
    monkeypatch.setattr(QMessageBox, "aboutQt", staticmethod(lambda *a: guard._take("aboutQt", "", "", a, None)))
    for kind, owner in _STATIC_OWNERS.items():
        monkeypatch.setattr(owner, kind, staticmethod(guard.static(kind)))
    yield guard
    guard.fail_if_unanswered("during teardown")


@pytest.fixture
def task_runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    """A real :class:`TaskRunner` for widgets under test; shut down (running job cancelled) afterwards.

    Wait for its work with ``qtbot.waitUntil(lambda: not task_runner.busy)`` or
    ``qtbot.waitSignal(task_runner.task_finished)``, never with a sleep.
    """
    runner = TaskRunner()
    yield runner
    assert runner.shutdown(cancel_running=True, timeout=10), "a background job did not finish within 10 s"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself (not its teardown) when it logged a Qt warning or opened an unscripted modal."""
    result = yield
    messages = item.stash.get(MESSAGES_KEY, None)
    if messages is not None:
        messages.fail_if_unexpected("during the test")
    guard = item.stash.get(MODALS_KEY, None)
    if guard is not None:
        guard.fail_if_unanswered("during the test")
    return result
