"""Light/dark follows the system and the user's override (DESIGN §5 appearance), and reacts to a switch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from recipro_desktop.ui.theme import DARK, LIGHT, ThemeWatcher, palette_is_dark


@pytest.fixture
def app(qtbot: QtBot) -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    instance.setPalette(QPalette())  # the application is shared by every test: leave it as found
    instance.setStyleSheet("")


def test_follows_the_platform_when_the_system_scheme_is_unknown(app: QApplication) -> None:
    # offscreen reports Qt.ColorScheme.Unknown and a light palette
    watcher = ThemeWatcher(app)
    assert watcher.dark is False
    assert watcher.colors == LIGHT
    assert not palette_is_dark(app.palette())


def test_override_switches_palette_and_semantic_colours(qtbot: QtBot, app: QApplication) -> None:
    watcher = ThemeWatcher(app)
    label = QLabel("Wrong passphrase")
    qtbot.addWidget(label)
    label.setProperty("role", "error")
    with qtbot.waitSignal(watcher.scheme_changed) as blocker:
        watcher.set_override(Qt.ColorScheme.Dark)
    assert blocker.args == [True]
    assert palette_is_dark(app.palette())
    assert watcher.colors == DARK
    label.ensurePolished()
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == DARK.error

    watcher.set_override(None)
    assert not palette_is_dark(app.palette()), "back to following the (light) platform"


def test_reacts_to_the_system_switching_scheme(qtbot: QtBot, app: QApplication) -> None:
    watcher = ThemeWatcher(app)
    watcher.set_override(Qt.ColorScheme.Dark)
    with qtbot.waitSignal(watcher.scheme_changed) as blocker:
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)  # what Qt emits when the OS switches
    assert blocker.args == [True], "an explicit user choice wins over the system"
    watcher.set_override(None)
    with qtbot.waitSignal(watcher.scheme_changed) as blocker:
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert blocker.args == [False]
