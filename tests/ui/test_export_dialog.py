"""The export dialog on a real journal: the blocking plaintext warning once per session (F5), private files
(F5), failures shown in words with nothing left behind (F4), the Excel and Google Contacts options (F3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Person
from recipro_desktop.services.exporter import ExportResult
from recipro_desktop.ui.export_dialog import ExportDialog
from tests.helpers.platforms import assert_private_dir, assert_private_file
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import JournalEnv, journal_env  # noqa: F401 (fixture)

YES = QMessageBox.StandardButton.Yes.value
CANCEL = QMessageBox.StandardButton.Cancel.value


@pytest.fixture(autouse=True)
def new_session() -> Iterator[None]:
    ExportDialog.forget_plaintext_warning()
    yield
    ExportDialog.forget_plaintext_warning()


@pytest.fixture
def env(journal_env: JournalEnv) -> JournalEnv:  # noqa: F811
    journal_env.service.add_person(Person(display_name="Ana Lima", notes="=not a formula", emails=("a@example.org",)))
    journal_env.service.add_person(Person(display_name="Bo Chen", tags=("friends",)))
    return journal_env


def open_dialog(qtbot: QtBot, env: JournalEnv, folder: Path) -> ExportDialog:
    dialog = ExportDialog(env.client)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not env.runner.busy)
    dialog.ui.folderEdit.clear()
    qtbot.keyClicks(dialog.ui.folderEdit, str(folder))
    return dialog


def export(qtbot: QtBot, dialog: ExportDialog) -> ExportResult:
    with qtbot.waitSignal(dialog.export_finished, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.ui.exportButton, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def warnings_shown(modals: ModalGuard) -> list[str]:
    return [c.text for c in modals.calls if c.kind == "exec"]


def test_f5_blocking_warning_once_per_session_then_private_files(
    qtbot: QtBot, env: JournalEnv, tmp_path: Path, modals: ModalGuard
) -> None:
    dialog = open_dialog(qtbot, env, tmp_path)
    assert "NOT encrypted" in dialog.ui.warningLabel.text()  # visible on the dialog all the time
    modals.answer("exec", YES)
    result = export(qtbot, dialog)
    assert warnings_shown(modals) == ["This file is NOT encrypted."]
    assert_private_dir(result.path)
    files = list(result.path.iterdir())
    assert files
    for file in files:
        assert_private_file(file)
    assert "Exported 2 people" in dialog.ui.statusLabel.text()
    assert dialog.ui.showButton.isVisible()
    second = export(qtbot, dialog)  # the same session: not asked again
    assert second.path != result.path
    assert len(warnings_shown(modals)) == 1
    ExportDialog.forget_plaintext_warning()  # a new session asks again
    modals.answer("exec", YES)
    export(qtbot, dialog)
    assert len(warnings_shown(modals)) == 2


def test_f5_declining_the_warning_writes_nothing(
    qtbot: QtBot, env: JournalEnv, tmp_path: Path, modals: ModalGuard
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, env, out)
    modals.answer("exec", CANCEL)
    qtbot.mouseClick(dialog.ui.exportButton, Qt.MouseButton.LeftButton)
    assert dialog.ui.statusLabel.text() == "Nothing was exported."
    assert list(out.iterdir()) == [] and not env.runner.busy
    assert not ExportDialog.plaintext_acknowledged()


def test_f5_default_folder_is_not_the_data_folder(qtbot: QtBot, env: JournalEnv) -> None:
    dialog = ExportDialog(env.client)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not env.runner.busy)
    suggested = Path(dialog.ui.folderEdit.text()).resolve()
    assert suggested.is_dir()
    assert not suggested.is_relative_to(env.paths.data_dir.resolve())


def test_f4_refused_destination_is_explained_and_nothing_written(
    qtbot: QtBot, env: JournalEnv, tmp_path: Path, modals: ModalGuard
) -> None:
    dialog = open_dialog(qtbot, env, env.paths.data_dir)
    before = sorted(p.name for p in env.paths.data_dir.iterdir())
    modals.answer("exec", YES)
    qtbot.mouseClick(dialog.ui.exportButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "outside Recipro's data folder" in dialog.ui.statusLabel.text(), timeout=10_000)
    assert dialog.ui.statusLabel.property("role") == "error"
    assert sorted(p.name for p in env.paths.data_dir.iterdir()) == before
    assert dialog.ui.exportButton.isEnabled()
    missing = open_dialog(qtbot, env, tmp_path / "does-not-exist")
    qtbot.mouseClick(missing.ui.exportButton, Qt.MouseButton.LeftButton)
    assert missing.ui.statusLabel.text() == "Choose an existing folder to save the export in."


def test_f3_excel_zip_and_contacts_only(qtbot: QtBot, env: JournalEnv, tmp_path: Path, modals: ModalGuard) -> None:
    dialog = open_dialog(qtbot, env, tmp_path)
    ui = dialog.ui
    assert not ui.semicolonCheck.isEnabled()
    ui.excelCheck.setFocus()
    qtbot.keyClick(ui.excelCheck, Qt.Key.Key_Space)
    assert ui.semicolonCheck.isEnabled()
    ui.zipRadio.setChecked(True)
    modals.answer("exec", YES)
    zipped = export(qtbot, dialog)
    assert zipped.zipped and zipped.excel and zipped.path.suffix == ".zip"
    assert_private_file(zipped.path)
    ui.contactsRadio.setChecked(True)
    assert not ui.packagePanel.isEnabled() and not ui.semicolonCheck.isEnabled()
    google = export(qtbot, dialog)
    assert google.contacts_only and google.path.name.startswith("recipro-google-contacts-")
    data = google.path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b'"First Name"' in data
    assert b"'=not a formula" in data  # formula-looking notes are defused in files for other tools (F1)


def test_folder_can_be_chosen_with_the_browse_button(
    qtbot: QtBot, env: JournalEnv, tmp_path: Path, modals: ModalGuard
) -> None:
    dialog = open_dialog(qtbot, env, Path("/"))
    modals.answer("getExistingDirectory", str(tmp_path))
    qtbot.mouseClick(dialog.ui.browseButton, Qt.MouseButton.LeftButton)
    assert dialog.ui.folderEdit.text() == str(tmp_path)
    assert dialog.windowTitle() == "Export"
