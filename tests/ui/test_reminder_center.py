"""The reminder center wires the scheduler to the tray and the window (issue 4; RELIABILITY C6, G3, G10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.no_tray_notice import SETTINGS_KEY
from recipro_desktop.ui.reminder_center import ReminderCenter
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

demo_env = journal_fixtures.demo_env


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, demo_env: JournalEnv, settings: QSettings) -> Iterator[MainWindow]:
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.attach_journal(demo_env.client)
    yield win
    win.hide()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def notices(window: MainWindow) -> list[QMessageBox]:
    return [w for w in window.findChildren(QMessageBox) if w.isVisible()]


def make_center(window: MainWindow, env: JournalEnv, settings: QSettings, *, tray: bool) -> ReminderCenter:
    center = ReminderCenter(window, env.client, env.clock, settings, tray_available=tray)
    return center


def test_without_a_tray_the_count_is_in_the_status_bar_and_the_notice_is_shown_once(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv, settings: QSettings
) -> None:
    center = make_center(window, demo_env, settings, tray=False)
    try:
        assert not center.has_tray
        boxes = notices(window)
        assert len(boxes) == 1
        assert "system tray" in boxes[0].text()
        boxes[0].accept()
        assert settings.value(SETTINGS_KEY, False, type=bool) is True
        qtbot.waitUntil(lambda: center.status.count > 0, timeout=10_000)
        assert center.status.isVisible()
        text = center.status.text() + center.status.toolTip()
        names = {p.display_name for p in demo_env.demo.people} if demo_env.demo else set()
        assert not any(name in text for name in names)  # counts only (G3, G10)
    finally:
        center.stop()
    again = make_center(window, demo_env, settings, tray=False)
    try:
        assert not notices(window)
    finally:
        again.stop()


def test_with_a_tray_closing_the_window_hides_it_and_quit_really_quits(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv, settings: QSettings
) -> None:
    center = make_center(window, demo_env, settings, tray=True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        assert center.has_tray
        assert app.quitOnLastWindowClosed() is False
        window.close()
        assert not window.isVisible()  # hidden, not closed: the app lives on in the tray
        assert center.tray is not None
        center.tray.open_requested.emit()
        assert window.isVisible()
        with qtbot.waitSignal(center.quit_requested):
            center.tray.quit_requested.emit()
        window.close()
        assert not window.isVisible()
    finally:
        center.stop()
        app.setQuitOnLastWindowClosed(True)


def test_clicking_a_nudge_opens_its_person_or_page(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv, settings: QSettings
) -> None:
    center = make_center(window, demo_env, settings, tray=True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        person = demo_env.demo.people[0] if demo_env.demo else None
        assert person is not None
        assert center.tray is not None
        center.tray.item_requested.emit(ItemKind.PERSON, person.id)
        assert window.current_page == "person"
        center.tray.item_requested.emit(ItemKind.NEED, person.id)
        assert window.current_page == "needs"
        center.tray.item_requested.emit(ItemKind.ACT, person.id)
        assert window.current_page == "gratitude"
    finally:
        center.stop()
        app.setQuitOnLastWindowClosed(True)


def test_c6_locked_center_lists_nothing_and_checks_nothing(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv, settings: QSettings
) -> None:
    settings.setValue(SETTINGS_KEY, True)
    center = make_center(window, demo_env, settings, tray=True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        qtbot.waitUntil(lambda: center.status.count > 0, timeout=10_000)
        center.set_locked(True)
        assert center.scheduler.locked
        assert center.tray is not None
        center.tray.rebuild_menu()
        titles = [a.text() for a in center.tray.menu.actions()]
        assert not any("Thank" in t for t in titles)
        center.set_locked(False)
        assert not center.scheduler.locked
    finally:
        center.stop()
        app.setQuitOnLastWindowClosed(True)
