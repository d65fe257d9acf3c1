"""The setup wizard refuses a passphrase that is easy to guess, by the rule ``recipro init`` applies (issue 11,
RELIABILITY I15): the CLI must not be weaker than the window, nor the window weaker than the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import open_journal
from recipro_desktop.storage import vault
from recipro_desktop.ui.setup_wizard import PROTECT, READY, SetupWizard
from tests.ui.journal_fixtures import NOW

STRONG = "quiet-harbour-lantern-42"


def type_twice(qtbot: QtBot, wizard: SetupWizard, text: str) -> None:
    wizard.ui.passphraseEdit.clear()
    wizard.ui.confirmEdit.clear()
    qtbot.keyClicks(wizard.ui.passphraseEdit, text)
    qtbot.keyClicks(wizard.ui.confirmEdit, text)


@pytest.mark.parametrize(
    ("folder", "weak"), [("journal", "a"), ("journal", "password"), ("Zephyr77Quokka", "Zephyr77Quokka")]
)
def test_i15_the_wizard_shows_why_a_weak_passphrase_is_refused_and_creates_nothing(
    qtbot: QtBot, tmp_path: Path, folder: str, weak: str
) -> None:
    """I15: the wizard created a journal behind "a". Now Next shows zxcvbn's reason on the protect page, nothing is
    written, and a strong passphrase then goes through."""
    paths = JournalPaths(tmp_path / folder)
    wizard = SetupWizard(paths, clock=FixedClock(NOW))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.probe is not None)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PROTECT
    type_twice(qtbot, wizard, weak)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(wizard.ui.createErrorLabel.isVisible, timeout=10_000)
    shown = wizard.ui.createErrorLabel.text()
    assert shown.startswith("This passphrase is too easy to guess") and shown.endswith("Nothing was created.")
    assert wizard.currentId() == PROTECT and wizard.created is None
    assert vault.journal_state(paths) is vault.JournalState.NEW
    assert not paths.data_dir.exists() or not any(paths.data_dir.iterdir())
    type_twice(qtbot, wizard, STRONG)
    assert not wizard.ui.createErrorLabel.isVisible()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == READY, timeout=10_000)
    assert wizard.created is not None
    wizard.created.journal.close()
    wizard.shutdown()
    open_journal(paths, passphrase=STRONG).close()
