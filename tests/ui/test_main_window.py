"""The main window on a real demo journal: pages and shortcuts, going back, search to person, geometry, status bar.

Rows: G10 (the window title never holds a contact's name), G2 (error dialogs show the private-safe message).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind, SearchHit
from recipro_desktop.storage import backup
from recipro_desktop.ui.main_window import PAGES, QUICK_ADD, MainWindow
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

demo_env = journal_fixtures.demo_env


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, demo_env: JournalEnv, settings: QSettings) -> Iterator[MainWindow]:
    from recipro_desktop.app import backup_for

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.attach_journal(demo_env.client, backup=backup_for(demo_env.journal, demo_env.clock))
    yield win
    close_and_delete(qtbot, win)


def close_and_delete(qtbot: QtBot, win: MainWindow) -> None:
    """Close and destroy the window while the journal's runner still runs (views may have timers pending)."""
    win.close()
    win.deleteLater()
    qtbot.waitUntil(lambda: not win.isVisible())
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def press(window: MainWindow, keys: str) -> None:
    QTest.keySequence(window, QKeySequence(keys))


def test_shell_paints_before_the_journal_is_open(qtbot: QtBot, settings: QSettings) -> None:
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.show()
    assert win.stack.currentWidget() is win.loading_page
    assert win.loading_label.text() == "Opening your journal…"
    assert not win.search.isEnabled()
    assert not win.nav.isEnabled()
    assert not any(a.isEnabled() for a in win.page_actions.values())
    assert win.windowTitle() == "Recipro"


def test_ctrl_number_shortcuts_switch_pages(qtbot: QtBot, window: MainWindow) -> None:
    for page in reversed(PAGES):
        press(window, page.shortcut)
        assert window.current_page == page.key
        assert window.stack.currentWidget() is window.view(page.key)
        assert window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == page.key
        assert window.page_actions[page.key].isChecked()
    labels = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert labels == ["Today", "People", "Timeline", "Needs", "Gratitude"]


def test_navigation_list_and_alt_left_go_back(qtbot: QtBot, window: MainWindow) -> None:
    first, second = PAGES[0], PAGES[1]
    window.show_page(first.key)
    row = next(r for r in range(window.nav.count()) if window.nav.item(r).data(Qt.ItemDataRole.UserRole) == second.key)
    window.nav.setFocus()
    window.nav.setCurrentRow(row)  # what arrow keys or a click do
    assert window.current_page == second.key
    assert window.back_action.isEnabled()
    press(window, "Alt+Left")
    assert window.current_page == first.key


def test_views_get_the_windows_undo_stack(qtbot: QtBot, window: MainWindow) -> None:
    people = window.view("people")
    assert getattr(people, "_undo_stack", None) is window.undo_stack
    assert not window.undo_action.isEnabled()
    window.undo_stack.push(QUndoCommand("Delete Ana"))
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Delete Ana"  # QUndoStack's own label; no note text (G10)
    press(window, "Ctrl+Z")
    assert window.redo_action.isEnabled()


def test_person_requested_opens_the_person_page_and_back_returns(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv
) -> None:
    person = demo_env.demo.people[0]  # type: ignore[union-attr]
    window.show_page("people")
    window.view("people").person_requested.emit(person.id)  # type: ignore[attr-defined]
    assert window.current_page == "person"
    assert window.windowTitle() == "Recipro"  # G10: never the person's name
    press(window, "Alt+Left")
    assert window.current_page == "people"


def test_search_then_enter_opens_the_person(qtbot: QtBot, window: MainWindow, demo_env: JournalEnv) -> None:
    person = next(p for p in demo_env.demo.people if p.display_name.isascii())  # type: ignore[union-attr]
    press(window, "Ctrl+K")
    assert window.search.hasFocus()
    with qtbot.waitSignal(window.search.searched, timeout=10_000):
        qtbot.keyClicks(window.search, person.display_name)
    titles = [window.search.model.data(window.search.model.index(r, 0)) for r in range(window.search.model.rowCount())]
    assert titles[0].startswith("People · ")
    assert titles[1] == person.display_name
    with qtbot.waitSignal(window.page_shown) as shown:
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert shown.args == ["person"]
    assert window.windowTitle() == "Recipro"


def test_a_hit_without_a_person_opens_its_page(qtbot: QtBot, window: MainWindow) -> None:
    from uuid import uuid4

    window.open_hit(SearchHit(kind=ItemKind.ENTRY, id=uuid4(), title="a note", snippet=""))
    assert window.current_page == "timeline"


def test_g10_title_stays_recipro_everywhere(qtbot: QtBot, window: MainWindow) -> None:
    for page in PAGES:
        window.show_page(page.key)
        assert window.windowTitle() == "Recipro"


def test_geometry_and_splitter_remembered_across_two_windows(qtbot: QtBot, settings: QSettings) -> None:
    """Two windows in a row (the shell, before a journal is attached: the offscreen screen is 800×800 and the
    People page alone is wider than that, while ``restoreGeometry`` keeps a window on its screen)."""
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 520)
    qtbot.waitUntil(lambda: first.size().width() == 720)
    first.splitter.setSizes([210, 500])
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (720, 520)  # restored before the first show: no jump
    second.show()
    assert second.splitter.sizes() == sizes
    assert settings.allKeys() and all(k.startswith("windows/main/") for k in settings.allKeys())  # layout only
    second.close()


def test_status_bar_counts_and_errors(qtbot: QtBot, window: MainWindow, demo_env: JournalEnv) -> None:
    counts = demo_env.service.stats()
    items = sum(v for k, v in counts.items() if k not in ("people", "tags"))
    qtbot.waitUntil(lambda: window.stats_label.text() == f"{counts['people']} people · {items:,} items")
    message = "The disk is full: your edit is kept, nothing was saved."
    demo_env.client.error_raised.emit(message)
    dialog = window.errors.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.informativeText() == message
    assert window.statusBar().currentMessage() == message
    demo_env.client.error_raised.emit("A second problem.")
    assert window.errors.dialog is dialog  # counted in the open box, not stacked
    assert "1 more problem" in dialog.informativeText()
    dialog.close()


def test_g2_a_failed_job_without_handler_shows_its_private_safe_message(
    qtbot: QtBot, window: MainWindow, demo_env: JournalEnv
) -> None:
    def boom(_token: object) -> None:
        raise ValueError("CANARY note text that must never be shown")

    demo_env.runner.run(boom, on_done=lambda _r: None, name="boom")
    qtbot.waitUntil(lambda: window.errors.dialog is not None)
    text = window.errors.dialog.informativeText()  # type: ignore[union-attr]
    assert "CANARY" not in text
    assert "Something went wrong (ValueError)" in text
    window.errors.dialog.close()  # type: ignore[union-attr]


def test_g2_crash_dialog_shows_the_type_and_frames_never_the_message(qtbot: QtBot, window: MainWindow) -> None:
    previous = sys.excepthook
    try:
        window.errors.install()

        def slot_with_a_bug() -> None:
            note = "CANARY private note"  # a local a careless crash report would show
            raise ValueError(f"cannot parse {note}")

        QTimer.singleShot(0, slot_with_a_bug)
        qtbot.waitUntil(lambda: window.errors.dialog is not None)
    finally:
        sys.excepthook = previous
    dialog = window.errors.dialog
    assert dialog is not None
    details = dialog.detailedText()
    assert "ValueError" in details and "slot_with_a_bug" in details
    assert "CANARY" not in details + dialog.text() + dialog.informativeText()
    copy = dialog.findChild(QPushButton, "copyErrorButton")
    copy.click()
    assert dialog.isVisible()  # copying does not close the report
    assert QApplication.clipboard().text() == details
    dialog.close()


def test_backup_now_writes_a_verified_backup(qtbot: QtBot, window: MainWindow, demo_env: JournalEnv) -> None:
    assert backup.list_backups(demo_env.paths) == []
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Backup written and verified"))
    found = backup.list_backups(demo_env.paths)
    assert len(found) == 1 and found[0].ok and found[0].reason == "manual"


def test_ctrl_n_opens_quick_add(qtbot: QtBot, window: MainWindow) -> None:
    import importlib

    cls = getattr(importlib.import_module(QUICK_ADD[0]), QUICK_ADD[1])
    press(window, "Ctrl+N")
    qtbot.waitUntil(lambda: any(isinstance(w, cls) and w.isVisible() for w in window.findChildren(QWidget)))
    dialog = next(w for w in window.findChildren(cls))
    dialog.reject()


def test_help_lists_the_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    window.shortcuts_action.trigger()
    box = window.findChild(QMessageBox, "shortcutsDialog")
    assert box is not None and box.isVisible()
    for page in PAGES:
        assert f"{page.shortcut}" in box.text()
    assert "Ctrl+K" in box.text() and "Alt+Left" in box.text()
    box.close()


def test_about_box(qtbot: QtBot, window: MainWindow) -> None:
    window.about_action.trigger()
    dialog = window.findChild(QDialog, "aboutDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "About Recipro"
    dialog.close()


def test_ctrl_q_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    press(window, "Ctrl+Q")
    assert not window.isVisible()
