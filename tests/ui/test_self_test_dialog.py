"""Help › Check this installation…: the self-test's report in a dialog, for a double-clicked app (issue 6, H2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.self_test_dialog import SelfTestDialog

REPORT_TIMEOUT_MS = 120_000


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(settings=QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def run_from_the_menu(qtbot: QtBot, window: MainWindow) -> SelfTestDialog:
    window.self_test_action.trigger()
    dialog = window.findChild(SelfTestDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.status.text().startswith("Checking")
    assert not dialog.copy_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=REPORT_TIMEOUT_MS)
    return dialog


@pytest.mark.slow
def test_the_menu_runs_the_self_test_and_shows_its_report(qtbot: QtBot, window: MainWindow) -> None:
    dialog = run_from_the_menu(qtbot, window)

    text = dialog.report_view.toPlainText()
    assert text.startswith("Recipro self-test")
    assert "ok    Journal round trip" in text
    assert "ok    Window" in text
    # offscreen there is no tray: that is a warning, not a failure
    assert "warn  System tray" in text
    assert (
        dialog.status.text()
        == "Recipro works here. One line says what it does differently on this system (marked warn)."
    )
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text


@pytest.mark.slow
def test_a_failing_check_is_named_in_the_dialog(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Qt child process inherits an impossible platform: its check fails, and the dialog says so."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "nosuchplatform")
    dialog = run_from_the_menu(qtbot, window)

    assert dialog.status.text() == "Something Recipro needs does not work here: see the lines marked FAIL."
    assert 'FAIL  Qt                  could not start: the Qt platform plugin "nosuchplatform"' in (
        dialog.report_view.toPlainText()
    )
