"""Help › About Recipro: the version, the licence and its text, the third-party notices (PySide6, SQLCipher),
the versions of what it runs on and the journal's folder, as the user sees them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtCore
from PySide6.QtCore import QSettings, qVersion
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from recipro_desktop import __version__
from recipro_desktop.paths import JournalPaths
from recipro_desktop.ui.about_dialog import AboutDialog
from recipro_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[AboutDialog]:
    about = AboutDialog(data_dir=tmp_path / "my journal")
    qtbot.addWidget(about)
    about.show()
    yield about
    about.close()


def label_texts(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_shows_version_licence_versions_and_the_data_folder(dialog: AboutDialog, tmp_path: Path) -> None:
    texts = label_texts(dialog)
    assert f"version {__version__}" in dialog.title_label.text()
    assert "GPL-3.0-or-later" in texts and "GNU General Public License" in texts
    assert "https://github.com/recipro/recipro" in texts
    assert qVersion() in texts and QtCore.__version__ in texts
    assert dialog.versions["SQLCipher"].startswith("4.")  # the real library's PRAGMA cipher_version
    assert dialog.data_dir_label.text() == str(tmp_path / "my journal")


def test_the_licence_tab_holds_the_gpl_text(dialog: AboutDialog) -> None:
    assert dialog.tabs.tabText(1) == "Licence"
    text = dialog.license_view.toPlainText()
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text


def test_notices_are_loaded_when_their_tab_is_shown(qtbot: QtBot, dialog: AboutDialog) -> None:
    assert dialog.tabs.tabText(2) == "Third-party notices"
    with qtbot.waitSignal(dialog.notices_loaded, timeout=30_000):
        dialog.tabs.setCurrentIndex(2)
    text = dialog.notices_view.toPlainText()
    assert "PySide6_Essentials" in text and "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "SQLCipher" in text and "ZETETIC LLC" in text


def test_help_menu_opens_it_on_the_open_journals_folder(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(settings=QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.journal_paths = JournalPaths(tmp_path / "elsewhere")
    window.about_action.trigger()
    about = window.findChild(AboutDialog, "aboutDialog")
    assert about is not None and about.isVisible() and about.windowTitle() == "About Recipro"
    assert about.data_dir_label.text() == str(tmp_path / "elsewhere")
    about.close()
    QApplication.sendPostedEvents(None, 0)


def test_render_to_png(qtbot: QtBot, dialog: AboutDialog, tmp_path: Path) -> None:
    """The dialog paints (offscreen); RECIPRO_ABOUT_PNG=folder keeps the pictures to look at."""
    folder = Path(os.environ.get("RECIPRO_ABOUT_PNG", tmp_path))
    with qtbot.waitSignal(dialog.notices_loaded, timeout=30_000):
        dialog.load_notices()
    for index, name in enumerate(("about", "licence", "notices")):
        dialog.tabs.setCurrentIndex(index)
        image = dialog.grab()
        assert not image.isNull() and image.width() >= 600
        assert image.save(str(folder / f"about-{name}.png"))
