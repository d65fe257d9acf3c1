"""Start-up paths of the app (``AppController``): first run, silent keyring unlock, passphrase, problems, demo.

Rows: A5 (an existing-but-broken journal never leads to the setup wizard), B1 (no keyring: the passphrase is
asked), B5, D3; the cold-start rule of DESIGN §6 (nothing heavy imported before the first paint).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from recipro_desktop.app import AppController, looks_new
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import create_journal, open_journal
from recipro_desktop.storage import vault
from recipro_desktop.ui.main_window import MainWindow
from recipro_desktop.ui.setup_wizard import READY
from tests.ui.journal_fixtures import NOW

PASS = "a long and private sentence"
ROOT = Path(__file__).resolve().parents[2]

Factory = Callable[..., AppController]


@pytest.fixture
def paths(tmp_path: Path) -> JournalPaths:
    return JournalPaths(tmp_path / "journal")


@pytest.fixture
def controller(qtbot: QtBot, tmp_path: Path) -> Iterator[Factory]:
    """Makes controllers with a throw-away layout file; shuts them down (journal closed) after the test."""
    made: list[AppController] = []

    def make(paths: JournalPaths, **kwargs: object) -> AppController:
        settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
        ctl = AppController(paths, settings=settings, clock=FixedClock(NOW), **kwargs)  # type: ignore[arg-type]
        made.append(ctl)
        return ctl

    yield make
    for ctl in made:
        if ctl.window is not None:
            ctl.window.close()
            ctl.window.deleteLater()
        ctl.shutdown()
        if ctl.window is not None:
            QApplication.sendPostedEvents(None, 0)


def make_journal(paths: JournalPaths, *, use_keyring: bool) -> None:
    created = create_journal(paths, passphrase=PASS, use_keyring=use_keyring, clock=FixedClock(NOW))
    created.journal.service.add_person(Person(display_name="Ana Souza"))
    created.journal.close()


def window_of(ctl: AppController) -> MainWindow:
    assert ctl.window is not None
    return ctl.window


def test_first_run_creates_a_journal_through_the_wizard(qtbot: QtBot, paths: JournalPaths, controller: Factory) -> None:
    ctl = controller(paths)
    ctl.start()
    wizard = ctl.wizard
    assert wizard is not None and wizard.isVisible()
    assert ctl.window is None  # nothing else yet
    qtbot.waitUntil(lambda: wizard.probe is not None)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(wizard.ui.passphraseEdit, PASS)
    qtbot.keyClicks(wizard.ui.confirmEdit, PASS)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == READY)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isEnabled)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    window = window_of(ctl)
    assert window.isVisible() and not wizard.isVisible()
    assert window.client is ctl.client
    assert window.windowTitle() == "Recipro"
    assert vault.journal_state(paths) is vault.JournalState.READY
    assert ctl.journal is not None and ctl.journal.service.stats()["people"] == 0


def test_cancelling_the_wizard_ends_the_app_and_writes_nothing(
    qtbot: QtBot, paths: JournalPaths, controller: Factory
) -> None:
    ctl = controller(paths)
    ctl.start()
    assert ctl.wizard is not None
    qtbot.waitUntil(lambda: ctl.wizard is not None and ctl.wizard.probe is not None)
    with qtbot.waitSignal(ctl.finished) as finished:
        ctl.wizard.reject()
    assert finished.args == [0]
    assert not paths.data_dir.exists()


def test_keyring_unlock_is_silent(qtbot: QtBot, paths: JournalPaths, controller: Factory) -> None:
    make_journal(paths, use_keyring=True)
    ctl = controller(paths)
    ctl.start()
    window = window_of(ctl)
    assert window.isVisible()  # the window shows at once, before the journal is open…
    assert window.stack.currentWidget() is window.loading_page
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        pass  # …and the journal opens in the background, without a question
    assert ctl.unlock_dialog is None and ctl.wizard is None
    assert ctl.journal is not None and ctl.journal.unlocked_via == "keyring"
    assert window.stack.currentWidget() is not window.loading_page
    qtbot.waitUntil(lambda: window.stats_label.text().startswith("1 person"))


def test_b1_no_keyring_asks_for_the_passphrase_over_the_window(
    qtbot: QtBot, paths: JournalPaths, controller: Factory
) -> None:
    keyring.set_keyring(fail.Keyring())
    make_journal(paths, use_keyring=False)
    ctl = controller(paths)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.unlock_dialog is not None and ctl.unlock_dialog.isVisible())
    dialog = ctl.unlock_dialog
    assert dialog is not None
    assert dialog.parentWidget() is ctl.window
    assert "No usable system keyring" in dialog.ui.messageLabel.text()
    qtbot.keyClicks(dialog.ui.passphraseEdit, "wrong one")
    qtbot.keyClick(dialog.ui.passphraseEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.ui.errorLabel.text().startswith("Wrong passphrase"))
    assert dialog.isVisible() and ctl.journal is None
    dialog.ui.passphraseEdit.clear()
    qtbot.keyClicks(dialog.ui.passphraseEdit, PASS)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        qtbot.keyClick(dialog.ui.passphraseEdit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert ctl.journal is not None and ctl.journal.service.stats()["people"] == 1


def test_a_given_passphrase_opens_without_a_dialog(qtbot: QtBot, paths: JournalPaths, controller: Factory) -> None:
    keyring.set_keyring(fail.Keyring())
    make_journal(paths, use_keyring=False)
    ctl = controller(paths, passphrase=PASS)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        ctl.start()
    assert ctl.unlock_dialog is None


@pytest.mark.parametrize("fault", ["empty", "damaged"])
def test_a5_a_broken_journal_is_never_a_first_run(
    qtbot: QtBot, paths: JournalPaths, controller: Factory, fault: str
) -> None:
    make_journal(paths, use_keyring=True)
    if fault == "empty":
        paths.database.write_bytes(b"")
    else:
        with paths.database.open("r+b") as f:
            f.write(b"\0" * 64)
    assert not looks_new(paths)
    ctl = controller(paths)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.unlock_dialog is not None and ctl.unlock_dialog.problem is not None)
    assert ctl.wizard is None
    dialog = ctl.unlock_dialog
    assert dialog is not None
    expected = "The journal file is empty" if fault == "empty" else "The journal file is damaged"
    assert dialog.ui.titleLabel.text() == expected
    with qtbot.waitSignal(ctl.finished) as finished:
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert finished.args == [0]


def test_demo_opens_a_filled_journal_in_its_own_folder(qtbot: QtBot, tmp_path: Path, controller: Factory) -> None:
    paths = JournalPaths(tmp_path / "demo")
    ctl = controller(paths, demo=True, demo_people=12)
    ctl.start()
    window = window_of(ctl)
    assert "Preparing the demo journal" in window.loading_label.text()
    with qtbot.waitSignal(ctl.window_ready, timeout=30_000):
        pass
    assert ctl.unlock_dialog is None and ctl.wizard is None
    assert ctl.journal is not None and ctl.journal.service.stats()["people"] == 12
    assert window.mode_label.isVisible() and "Demo" in window.mode_label.text()
    ctl.shutdown()
    from recipro_desktop.cli import DEMO_PASSPHRASE

    again = open_journal(paths, passphrase=DEMO_PASSPHRASE)  # a second start reuses it
    assert again.service.stats()["people"] == 12
    again.close()


def test_wizard_demo_link_switches_to_the_demo(
    qtbot: QtBot, paths: JournalPaths, controller: Factory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from recipro_desktop import app

    monkeypatch.setattr(app, "demo_data_dir", lambda: tmp_path / "demo")
    ctl = controller(paths, demo_people=5)
    ctl.start()
    assert ctl.wizard is not None
    with qtbot.waitSignal(ctl.window_ready, timeout=30_000):
        qtbot.mouseClick(ctl.wizard.ui.demoButton, Qt.MouseButton.LeftButton)
    assert ctl.demo and ctl.paths.data_dir == tmp_path / "demo"
    assert not paths.data_dir.exists()  # the real journal is still to be created


def test_shutdown_closes_the_journal(qtbot: QtBot, paths: JournalPaths, controller: Factory) -> None:
    make_journal(paths, use_keyring=True)
    ctl = controller(paths)
    with qtbot.waitSignal(ctl.window_ready, timeout=10_000):
        ctl.start()
    database = ctl.journal.database  # type: ignore[union-attr]
    ctl.shutdown()
    assert database.closed and ctl.journal is None


def test_quitting_while_the_journal_opens_closes_it(
    qtbot: QtBot, paths: JournalPaths, controller: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipro_desktop import app

    make_journal(paths, use_keyring=True)
    opened: list[object] = []
    real_open = app.open_job

    def recording_open(*args: object) -> object:
        journal = real_open(*args)  # type: ignore[arg-type]
        opened.append(journal)
        return journal

    monkeypatch.setattr(app, "open_job", recording_open)
    ctl = controller(paths)
    ctl.start()
    qtbot.waitUntil(lambda: ctl._startup is not None and ctl._startup.busy)  # the window painted; opening…
    ctl.shutdown()  # …and the user quits
    assert len(opened) == 1
    assert opened[0].database.closed  # type: ignore[attr-defined]
    assert ctl.journal is None


def test_cold_start_imports_nothing_heavy_before_the_first_paint() -> None:
    """DESIGN §6: what the window needs to paint must not pull in the storage stack or the keyring."""
    code = (
        "import sys\n"
        "import recipro_desktop.cli, recipro_desktop.app\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'keyring', 'cryptography', 'sqlcipher3',\n"
        "         'recipro_desktop.storage.database', 'recipro_desktop.services.journal') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""
