"""First run (the setup wizard) and unlocking (the unlock dialog), driven as a user would, on real journals.

Rows: A5 (0-byte file is damage, not a first run: restore, the file kept aside), A6/B6 (damaged file: its own
message and a restore), B1 (no keyring: the wizard says so, the passphrase is asked), B4 (the key lost from the
keyring: the dialog says where it was), B5 (wrong passphrase keeps the dialog; three strikes), D3 (newer
version: "Update Recipro", no delete, no restore), D6 (restore from the UI), G5 (recovery key copied with the
password-manager hint).
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWizard
from pytestqt.qtbot import QtBot

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import OpenJournal, create_journal, open_journal
from recipro_desktop.storage import backup, driver, vault
from recipro_desktop.ui.setup_wizard import DEMO_RESULT, PROTECT, READY, SetupWizard, passphrase_strength
from recipro_desktop.ui.unlock_dialog import MAX_ATTEMPTS, NextStep, UnlockDialog
from tests.conftest import MemoryKeyring
from tests.helpers.platforms import assert_private_file
from tests.ui.journal_fixtures import NOW

PASS = "a long and private sentence"


# --- helpers ----------------------------------------------------------------------------------------------


@pytest.fixture
def paths(tmp_path: Path) -> JournalPaths:
    return JournalPaths(tmp_path / "journal")


def make_journal(paths: JournalPaths, *, use_keyring: bool = False, people: int = 1) -> bytes:
    """A closed journal with ``people`` people; returns its key (for damaging and backups)."""
    created = create_journal(paths, passphrase=PASS, use_keyring=use_keyring, clock=FixedClock(NOW))
    for n in range(people):
        created.journal.service.add_person(Person(display_name=f"Person {n}"))
    key = created.journal.key
    created.journal.close()
    return key


def make_backup(paths: JournalPaths, key: bytes) -> Path:
    conn = driver.connect(paths.database, key)
    try:
        return backup.create_backup(conn, paths, key, reason="daily", now=NOW).path
    finally:
        conn.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class Opened:
    """Collects what a dialog hands over, and closes it at the end of the test."""

    def __init__(self) -> None:
        self.journals: list[OpenJournal] = []

    def __call__(self, journal: OpenJournal) -> None:
        self.journals.append(journal)

    def close(self) -> None:
        for journal in self.journals:
            journal.close()


@pytest.fixture
def opened() -> object:
    collector = Opened()
    yield collector
    collector.close()


def show_dialog(qtbot: QtBot, dialog: UnlockDialog) -> UnlockDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_box(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click a radio button or check box on its indicator (the middle of a wide one is not clickable)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def type_passphrase(qtbot: QtBot, dialog: UnlockDialog, text: str) -> None:
    dialog.ui.passphraseEdit.clear()
    qtbot.keyClicks(dialog.ui.passphraseEdit, text)
    qtbot.keyClick(dialog.ui.passphraseEdit, Qt.Key.Key_Return)


# --- the setup wizard -------------------------------------------------------------------------------------


def new_wizard(qtbot: QtBot, paths: JournalPaths) -> SetupWizard:
    wizard = SetupWizard(paths, clock=FixedClock(NOW))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.probe is not None)
    return wizard


def finish_wizard(qtbot: QtBot, wizard: SetupWizard) -> None:
    wizard.shutdown()


def test_first_run_with_a_passphrase_creates_the_journal(qtbot: QtBot, paths: JournalPaths, opened: Opened) -> None:
    wizard = new_wizard(qtbot, paths)
    wizard.journal_created.connect(opened)
    assert "Your key will be kept in MemoryKeyring" in wizard.ui.keyLocationLabel.text()
    assert str(paths.data_dir) in wizard.ui.folderLabel.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == PROTECT
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.keyClicks(wizard.ui.passphraseEdit, "abc")
    assert wizard.ui.strengthLabel.text().startswith("Weak")
    qtbot.keyClicks(wizard.ui.confirmEdit, "abd")
    assert wizard.ui.matchLabel.text() == "The passphrases do not match yet."
    assert not next_button.isEnabled()
    wizard.ui.passphraseEdit.clear()
    wizard.ui.confirmEdit.clear()
    qtbot.keyClicks(wizard.ui.passphraseEdit, PASS)
    assert wizard.ui.strengthLabel.text() == "Strong."
    qtbot.keyClicks(wizard.ui.confirmEdit, PASS)
    assert wizard.ui.matchLabel.text() == "The passphrases match."
    assert next_button.isEnabled()
    assert vault.journal_state(paths) is vault.JournalState.NEW  # nothing is written before Next
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == READY)
    assert vault.journal_state(paths) is vault.JournalState.READY
    assert wizard.ui.recoveryWidget.isHidden()
    assert "Your key is kept in MemoryKeyring" in wizard.ui.readyLabel.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    assert wizard.ui.passphraseEdit.text() == ""  # the passphrase does not linger in a widget
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isEnabled)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert len(opened.journals) == 1
    service = opened.journals[0].service
    service.add_person(Person(display_name="Ana Souza"))
    assert service.stats()["people"] == 1
    finish_wizard(qtbot, wizard)
    opened.close()
    # The passphrase really unlocks it, and so does the keyring (silently).
    again = open_journal(paths, passphrase=PASS)
    again.close()
    assert open_journal(paths).unlocked_via == "keyring"


def test_recovery_key_must_be_confirmed_before_finishing(qtbot: QtBot, paths: JournalPaths, opened: Opened) -> None:
    wizard = new_wizard(qtbot, paths)
    wizard.journal_created.connect(opened)
    wizard.next()
    click_box(qtbot, wizard.ui.recoveryRadio)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == READY)
    key = wizard.ui.recoveryKeyEdit.text()
    assert len(key.replace("-", "")) == 30
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.wait(10)  # let QWizard's own button update run; ours must win
    assert not finish.isEnabled()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # closing is refused while the key is unsaved
    assert wizard.isVisible()
    assert "Save your recovery key first" in wizard.ui.savedStatusLabel.text()
    qtbot.mouseClick(wizard.ui.copyButton, Qt.MouseButton.LeftButton)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == key
    assert bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"  # G5
    click_box(qtbot, wizard.ui.savedCheckBox)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert len(opened.journals) == 1
    assert wizard.ui.recoveryKeyEdit.text() == ""
    QGuiApplication.clipboard().clear()
    finish_wizard(qtbot, wizard)
    opened.close()
    with_key = open_journal(paths, passphrase=key.lower())  # recovery keys are typed loosely
    with_key.close()


def test_recovery_key_saved_to_a_private_file(
    qtbot: QtBot, paths: JournalPaths, opened: Opened, tmp_path: Path, modals: object
) -> None:
    wizard = new_wizard(qtbot, paths)
    wizard.journal_created.connect(opened)
    wizard.next()
    wizard.ui.recoveryRadio.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == READY)
    target = tmp_path / "key.txt"
    modals.answer("getSaveFileName", (str(target), "Text files (*.txt)"))  # type: ignore[attr-defined]
    qtbot.mouseClick(wizard.ui.saveButton, Qt.MouseButton.LeftButton)
    assert wizard.ui.recoveryKeyEdit.text() in target.read_text(encoding="utf-8")
    assert_private_file(target)
    assert "Saved to" in wizard.ui.savedStatusLabel.text()
    wizard.ui.savedCheckBox.setChecked(True)
    wizard.accept()
    finish_wizard(qtbot, wizard)


def test_b1_without_a_keyring_the_wizard_says_the_passphrase_is_asked(
    qtbot: QtBot, paths: JournalPaths, opened: Opened
) -> None:
    keyring.set_keyring(fail.Keyring())
    wizard = new_wizard(qtbot, paths)
    wizard.journal_created.connect(opened)
    text = wizard.ui.keyLocationLabel.text()
    assert text.startswith("No system keyring was found (")
    assert "you will type your passphrase each time" in text
    wizard.next()
    qtbot.keyClicks(wizard.ui.passphraseEdit, PASS)
    qtbot.keyClicks(wizard.ui.confirmEdit, PASS)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == READY)
    assert "You will type your passphrase each time" in wizard.ui.readyLabel.text()
    wizard.accept()
    finish_wizard(qtbot, wizard)
    assert "keyring slot: none" in "\n".join(vault.slot_summary(paths))


def test_a12_a_network_or_synced_folder_gets_a_warning(
    qtbot: QtBot, paths: JournalPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipro_desktop.storage import fsutil

    monkeypatch.setattr(fsutil, "filesystem_type", lambda _path: "nfs4")
    wizard = new_wizard(qtbot, paths)
    label = wizard.ui.folderWarningLabel
    assert label.isVisible()
    assert "network or cloud-synced drive" in label.text()
    finish_wizard(qtbot, wizard)


def test_demo_link_closes_the_wizard_without_creating_anything(qtbot: QtBot, paths: JournalPaths) -> None:
    wizard = new_wizard(qtbot, paths)
    with qtbot.waitSignal(wizard.demo_requested):
        qtbot.mouseClick(wizard.ui.demoButton, Qt.MouseButton.LeftButton)
    assert wizard.result() == DEMO_RESULT
    assert not wizard.isVisible()
    assert vault.journal_state(paths) is vault.JournalState.NEW
    finish_wizard(qtbot, wizard)


def test_wizard_refuses_to_create_over_a_journal_that_appeared(
    qtbot: QtBot, paths: JournalPaths, opened: Opened
) -> None:
    wizard = new_wizard(qtbot, paths)
    wizard.journal_created.connect(opened)
    wizard.next()
    qtbot.keyClicks(wizard.ui.passphraseEdit, PASS)
    qtbot.keyClicks(wizard.ui.confirmEdit, PASS)
    make_journal(paths)  # e.g. another instance finished its setup meanwhile
    before = snapshot(paths.data_dir)
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.ui.createErrorLabel.isHidden())
    assert "never creates a new key" in wizard.ui.createErrorLabel.text()
    assert wizard.currentId() == PROTECT
    assert snapshot(paths.data_dir) == before
    finish_wizard(qtbot, wizard)
    assert not opened.journals


def test_passphrase_strength_hints() -> None:
    assert passphrase_strength("") == (0, "")
    assert passphrase_strength("aaaaaaaaaaaa")[0] == 1  # long but one letter repeated
    assert passphrase_strength("Tr0ub4dor&3")[0] >= 2
    assert passphrase_strength("correct horse battery staple")[0] == 4


# --- the unlock dialog ------------------------------------------------------------------------------------


def test_b5_wrong_passphrase_keeps_the_dialog_then_unlocks(qtbot: QtBot, paths: JournalPaths, opened: Opened) -> None:
    make_journal(paths)
    before = snapshot(paths.data_dir)
    with pytest.raises(Exception) as locked:
        open_journal(paths)
    dialog = show_dialog(qtbot, UnlockDialog(paths, error=locked.value, clock=FixedClock(NOW)))
    dialog.journal_opened.connect(opened)
    assert "no keyring entry" in dialog.ui.messageLabel.text()
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    type_passphrase(qtbot, dialog, "not it")
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.ui.errorLabel.text().startswith("Wrong passphrase")
    assert "2 attempts left" in dialog.ui.errorLabel.text()
    assert dialog.isVisible()
    assert snapshot(paths.data_dir) == before  # B5: nothing touched
    type_passphrase(qtbot, dialog, PASS)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert dialog.result() == UnlockDialog.DialogCode.Accepted
    assert dialog.ui.passphraseEdit.text() == ""
    assert opened.journals[0].service.stats()["people"] == 1
    dialog.shutdown()


def test_b5_three_wrong_passphrases_leave_only_quit(qtbot: QtBot, paths: JournalPaths) -> None:
    make_journal(paths)
    dialog = show_dialog(qtbot, UnlockDialog(paths))
    for _ in range(MAX_ATTEMPTS):
        type_passphrase(qtbot, dialog, "nope")
        qtbot.waitUntil(lambda: not dialog.busy)
    assert "Wrong passphrase, 3 times" in dialog.ui.errorLabel.text()
    assert not dialog.ui.passphraseEdit.isEnabled()
    assert not dialog.ok_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    dialog.shutdown()


def test_b4_key_missing_from_the_keyring_says_where_it_was(
    qtbot: QtBot, paths: JournalPaths, opened: Opened, memory_keyring: MemoryKeyring
) -> None:
    make_journal(paths, use_keyring=True)
    memory_keyring.secrets.clear()  # the keyring was reset (new PC, backend switched…)
    keyring.set_keyring(MemoryKeyring())
    dialog = show_dialog(qtbot, UnlockDialog(paths))
    dialog.journal_opened.connect(opened)
    dialog.try_open(None)  # what the app does first: the keyring, silently
    qtbot.waitUntil(lambda: not dialog.busy)
    text = dialog.ui.messageLabel.text()
    assert "the key was not found in MemoryKeyring; it was stored in MemoryKeyring" in text
    assert not dialog.ui.passphraseWidget.isHidden()
    type_passphrase(qtbot, dialog, PASS)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert "stored again in the system keyring" in (opened.journals[0].notice or "")
    dialog.shutdown()


def test_keyring_unlock_opens_without_asking(qtbot: QtBot, paths: JournalPaths, opened: Opened) -> None:
    make_journal(paths, use_keyring=True)
    dialog = UnlockDialog(paths)
    qtbot.addWidget(dialog)
    dialog.journal_opened.connect(opened)
    dialog.try_open(None)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert opened.journals[0].unlocked_via == "keyring"
    dialog.shutdown()


def damage(paths: JournalPaths) -> None:
    with paths.database.open("r+b") as f:  # A6: zero the header (the salt) of a closed journal
        f.write(b"\0" * 100)


@pytest.mark.parametrize(
    ("fault", "title", "steps"),
    [
        ("damaged", "The journal file is damaged", {NextStep.RESTORE, NextStep.OPEN_FOLDER}),
        ("empty", "The journal file is empty", {NextStep.RESTORE, NextStep.OPEN_FOLDER}),
        ("newer", "This journal needs a newer Recipro", {NextStep.UPDATE}),
        ("no-slots", "The key file is missing or damaged", {NextStep.RESTORE, NextStep.OPEN_FOLDER, NextStep.RETRY}),
        ("no-db", "The journal file is missing", {NextStep.RESTORE, NextStep.OPEN_FOLDER, NextStep.RETRY}),
    ],
)
def test_each_problem_has_its_own_message_and_next_step(
    qtbot: QtBot, paths: JournalPaths, fault: str, title: str, steps: set[NextStep]
) -> None:
    """A5, A6/B6, D3, B4 (slots missing): the keyring opens the key, then the file says what is wrong."""
    key = make_journal(paths, use_keyring=True)
    if fault == "damaged":
        damage(paths)
    elif fault == "empty":
        paths.database.write_bytes(b"")
    elif fault == "newer":
        conn = driver.connect(paths.database, key)
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        conn.close()
    elif fault == "no-slots":
        paths.keyslots.unlink()
    elif fault == "no-db":
        paths.database.unlink()
    before = snapshot(paths.data_dir)
    dialog = show_dialog(qtbot, UnlockDialog(paths))
    dialog.try_open(None)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.problem is not None
    assert dialog.ui.titleLabel.text() == title
    assert dialog.ui.passphraseWidget.isHidden()
    assert dialog.ok_button.isHidden()
    shown = {step for step in NextStep if dialog.step_button(step).isVisible()}
    assert shown == steps
    if fault == "newer":  # D3: no delete, no restore over a newer journal
        assert "newer" in dialog.ui.messageLabel.text()
        assert not any("elete" in b.text() for b in dialog.ui.buttonBox.buttons())
    assert snapshot(paths.data_dir) == before  # looking never changes anything
    dialog.shutdown()


def test_d3_update_recipro_opens_the_project_page(
    qtbot: QtBot, paths: JournalPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipro_desktop.core.errors import NewerVersionError
    from recipro_desktop.ui import unlock_dialog

    urls: list[str] = []
    monkeypatch.setattr(unlock_dialog.QDesktopServices, "openUrl", lambda url: urls.append(url.toString()))
    dialog = show_dialog(qtbot, UnlockDialog(paths, error=NewerVersionError("written by a newer Recipro")))
    qtbot.mouseClick(dialog.step_button(NextStep.UPDATE), Qt.MouseButton.LeftButton)
    assert urls == [unlock_dialog.UPDATE_URL]
    dialog.shutdown()


@pytest.mark.parametrize("fault", ["damaged", "empty"])
def test_restore_a_backup_from_the_dialog(qtbot: QtBot, paths: JournalPaths, opened: Opened, fault: str) -> None:
    """A5/A6 → D6: pick the newest backup; the bad file is kept aside; the journal opens with the backup's data."""
    key = make_journal(paths, use_keyring=True, people=3)
    make_backup(paths, key)
    if fault == "damaged":
        damage(paths)
    else:
        paths.database.write_bytes(b"")
        for sidecar in (paths.wal, paths.shm):
            sidecar.unlink(missing_ok=True)
    bad = paths.database.read_bytes()
    dialog = show_dialog(qtbot, UnlockDialog(paths, clock=FixedClock(NOW)))
    dialog.journal_opened.connect(opened)
    dialog.try_open(None)
    qtbot.waitUntil(lambda: dialog.problem is not None and not dialog.busy)
    qtbot.mouseClick(dialog.step_button(NextStep.RESTORE), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.ui.restoreSelectedButton.isEnabled)
    listing = dialog.ui.backupList
    assert listing.count() == 1
    assert "daily" in listing.item(0).text()
    qtbot.mouseClick(dialog.ui.restoreSelectedButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert opened.journals[0].service.stats()["people"] == 3
    kept = [p for p in paths.data_dir.iterdir() if p.name.startswith("journal.db.") and p.is_file()]
    assert [p.read_bytes() for p in kept if p.read_bytes() == bad], "the bad file must be kept aside"
    if fault == "empty":
        assert any(".corrupt-" in p.name for p in kept)
    dialog.shutdown()


def test_restore_asks_for_the_passphrase_when_the_keyring_cannot_help(
    qtbot: QtBot, paths: JournalPaths, opened: Opened
) -> None:
    keyring.set_keyring(fail.Keyring())  # no keyring at all (B1): only the passphrase unlocks
    key = make_journal(paths, people=2)
    make_backup(paths, key)
    damage(paths)
    dialog = show_dialog(qtbot, UnlockDialog(paths, clock=FixedClock(NOW)))
    dialog.journal_opened.connect(opened)
    type_passphrase(qtbot, dialog, PASS)
    qtbot.waitUntil(lambda: dialog.problem is not None and not dialog.busy)
    assert dialog.ui.titleLabel.text() == "The journal file is damaged"  # B6: not "wrong passphrase"
    dialog.show_backups()
    qtbot.waitUntil(dialog.ui.restoreSelectedButton.isEnabled)
    dialog.ui.passphraseEdit.clear()  # as after a keyring start: no passphrase known yet
    qtbot.mouseClick(dialog.ui.restoreSelectedButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.ui.passphraseWidget.isHidden())
    assert "Enter your passphrase or recovery key to restore" in dialog.ui.errorLabel.text()
    type_passphrase(qtbot, dialog, PASS)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert opened.journals[0].service.stats()["people"] == 2
    dialog.shutdown()


def test_no_backups_offers_a_file(qtbot: QtBot, paths: JournalPaths, opened: Opened, modals: object) -> None:
    key = make_journal(paths, use_keyring=True, people=2)
    elsewhere = make_backup(paths, key).rename(paths.data_dir.parent / "my-copy.db")
    damage(paths)
    dialog = show_dialog(qtbot, UnlockDialog(paths, clock=FixedClock(NOW)))
    dialog.journal_opened.connect(opened)
    dialog.try_open(None)
    qtbot.waitUntil(lambda: dialog.problem is not None and not dialog.busy)
    dialog.show_backups()
    qtbot.waitUntil(lambda: "No automatic backups" in dialog.ui.backupList.item(0).text())
    assert not dialog.ui.restoreSelectedButton.isEnabled()
    modals.answer("getOpenFileName", (str(elsewhere), ""))  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.ui.chooseFileButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened.journals))
    assert opened.journals[0].service.stats()["people"] == 2
    dialog.shutdown()


def test_quit_while_unlocking_closes_the_late_journal(qtbot: QtBot, paths: JournalPaths, opened: Opened) -> None:
    make_journal(paths, use_keyring=True)
    dialog = show_dialog(qtbot, UnlockDialog(paths))
    dialog.journal_opened.connect(opened)
    dialog.try_open(None)
    dialog.reject()
    dialog.shutdown()  # waits for the job: the journal it opened is closed, not handed over
    assert not opened.journals


def test_buttons_have_names_and_the_dialog_title_no_user_text(qtbot: QtBot, paths: JournalPaths) -> None:
    dialog = show_dialog(qtbot, UnlockDialog(paths))
    assert dialog.windowTitle() == "Unlock Recipro"
    assert dialog.ui.passphraseEdit.accessibleName() == "Passphrase"
    assert dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).text() == "&Unlock"
    dialog.shutdown()
