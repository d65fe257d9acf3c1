"""The window's File and Edit menus open import, export and settings on the open journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.ui.main_window import MainWindow
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

journal_env = journal_fixtures.journal_env


@pytest.fixture
def window(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(settings=QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.attach_journal(journal_env.client, paths=journal_env.paths)
    yield win
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def opened(window: MainWindow, class_name: str) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if type(w).__name__ == class_name and w.isVisible()]


def test_import_and_export_open_from_the_file_menu(qtbot: QtBot, window: MainWindow) -> None:
    assert window.import_action.isEnabled()
    assert window.export_action.isEnabled()
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(opened(window, "ImportWizard")))
    opened(window, "ImportWizard")[0].close()
    window.export_action.trigger()
    qtbot.waitUntil(lambda: bool(opened(window, "ExportDialog")))
    opened(window, "ExportDialog")[0].close()


def test_settings_show_reminders_and_where_the_key_lives(
    qtbot: QtBot, window: MainWindow, journal_env: JournalEnv
) -> None:
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: bool(opened(window, "SettingsDialog")))
    dialog = opened(window, "SettingsDialog")[0]
    tabs = dialog.findChild(QTabWidget, "settingsTabs")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Reminders", "You", "Security"]
    texts = " ".join(label.text() for label in tabs.widget(2).findChildren(QLabel))
    assert str(journal_env.paths.data_dir) in texts
    assert "passphrase slot" in texts
    with qtbot.waitSignal(window.settings_changed, timeout=10_000):
        dialog.reminders.settings_changed.emit("quiet_hours_start")  # type: ignore[attr-defined]
    dialog.close()


def test_a_deleted_persons_page_gives_way_to_the_people_list(qtbot: QtBot, window: MainWindow) -> None:
    import uuid

    page = window.view("person")
    page.person_deleted.emit(uuid.uuid4())  # type: ignore[attr-defined]
    assert window.current_page == "people"


def test_people_status_messages_reach_the_status_bar(qtbot: QtBot, window: MainWindow) -> None:
    window.view("people").status_message.emit("Archived 1 person")  # type: ignore[attr-defined]
    assert window.statusBar().currentMessage() == "Archived 1 person"


def test_your_skills_are_stored_from_the_settings_dialog(
    qtbot: QtBot, window: MainWindow, journal_env: JournalEnv
) -> None:
    window.settings_action.trigger()
    qtbot.waitUntil(lambda: bool(opened(window, "SettingsDialog")))
    dialog = opened(window, "SettingsDialog")[0]
    edit = dialog.findChild(QLineEdit, "skillsEdit")
    assert edit is not None
    qtbot.waitUntil(edit.isEnabled)
    edit.setFocus()
    qtbot.keyClicks(edit, "hiring,  pitch decks , ")
    with qtbot.waitSignal(window.settings_changed, timeout=10_000):
        edit.editingFinished.emit()
    assert journal_env.service.get_setting("my_skills") in (["hiring", "pitch decks"], ("hiring", "pitch decks"))
    dialog.close()
