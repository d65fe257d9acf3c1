"""The import wizard, driven as a user would on a real encrypted journal (RELIABILITY E3, E8, E9, E11, E12, E18,
E19; the service tests cover every row in depth). Files are built in code; nothing is anyone's real data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Person
from recipro_desktop.services import exporter
from recipro_desktop.services.demo import store_demo
from recipro_desktop.services.importer import RowAction
from recipro_desktop.ui.column_mapping_model import ColumnMappingModel
from recipro_desktop.ui.import_rows_model import ImportRowsModel
from recipro_desktop.ui.import_wizard import FILE, FORMAT, MAPPING, PREVIEW, RUN, SUMMARY, ImportWizard
from tests.helpers.platforms import assert_private_file
from tests.services.import_fixtures import make_service, stored
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import JournalEnv, demo_data, journal_env  # noqa: F401 (fixture)

LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ana,Lima,https://www.linkedin.com/in/ana-example,ana@example.org,Acme Robotics,Head of Ops,15 Mar 2023\r\n"
    'Bo,Chen,https://www.linkedin.com/in/bo-example,,Chen & Co,"Founder, CEO",02 Jan 2021\r\n'
    "Chiara,Rossi,https://www.linkedin.com/in/chiara-example,,Studio Rossi,Designer,31 Feb 2022\r\n"
)


def make_wizard(qtbot: QtBot, env: JournalEnv) -> ImportWizard:
    wizard = ImportWizard(env.client)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_button(wizard: ImportWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def click_next(qtbot: QtBot, wizard: ImportWizard, expected: int) -> None:
    qtbot.waitUntil(lambda: next_button(wizard).isEnabled(), timeout=10_000)
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=10_000)


def choose_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    page = wizard.file_page
    page.pathEdit.setFocus()
    qtbot.keyClicks(page.pathEdit, str(path))
    qtbot.keyClick(page.pathEdit, Qt.Key.Key_Return)


def test_linkedin_import_end_to_end(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path, qtmodeltester) -> None:  # noqa: F811
    """Choose → detected → mapping → preview (a bad date is a row problem, E17) → import → summary, stored."""
    path = tmp_path / "Connections.csv"
    path.write_text(LINKEDIN, encoding="utf-8", newline="")  # CRLF as LinkedIn writes it, on Windows too
    wizard = make_wizard(qtbot, journal_env)
    finished: list[object] = []
    wizard.import_finished.connect(finished.append)
    assert not next_button(wizard).isEnabled()
    choose_file(qtbot, wizard, path)
    qtbot.waitUntil(lambda: "LinkedIn connections" in wizard.file_page.statusLabel.text(), timeout=10_000)
    click_next(qtbot, wizard, FORMAT)
    page = wizard.format_page
    assert page.formatCombo.currentText() == "LinkedIn connections"
    assert page.sampleModel.rowCount() == 3 and page.sampleModel.index(1, 5).data() == "Founder, CEO"
    assert "header is on line 4" in page.notesLabel.text()
    qtmodeltester.check(page.sampleModel)
    click_next(qtbot, wizard, MAPPING)
    mapping = wizard.mapping_page.model
    qtmodeltester.check(mapping)
    assert mapping.index(6, ColumnMappingModel.IMPORT_AS).data() == "Met on (date)"
    assert wizard.mapping_page.ignoredLabel.text() == "Every column is imported."
    click_next(qtbot, wizard, PREVIEW)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=10_000)
    qtmodeltester.check(preview.model)
    qtmodeltester.check(preview.proxy)
    assert preview.countsLabel.text() == "2 new  ·  1 with a problem"
    problem = preview.model.index(2, ImportRowsModel.DETAILS).data()
    assert "column 7 (Connected On): not a real calendar date" in problem
    assert preview.model.index(2, ImportRowsModel.NAME).data() == "Chiara Rossi"
    assert stored(journal_env.service) == []  # nothing written before Import
    assert next_button(wizard).text() == "&Import"
    click_next(qtbot, wizard, SUMMARY)
    summary = wizard.summary_page
    assert summary.headlineLabel.text() == "2 new, 0 updated, none skipped, 1 not imported."
    assert "Row 3 (line 7) of Connections.csv" in summary.rejectedEdit.toPlainText()
    assert sorted(p.display_name for p in stored(journal_env.service)) == ["Ana Lima", "Bo Chen"]
    assert len(finished) == 1


def test_e3_unsure_file_shows_its_guess_warns_and_the_choice_reads_it_again(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
) -> None:
    """E3 + issue 10: 0x81 is no Windows-1252 byte, so the file is read as its likeliest code page, marked as a
    guess; the user picks Latin-1 in the combo and the preview (no extra click) and the next page follow."""
    path = tmp_path / "west.csv"
    path.write_bytes(b"Name;Notizen\r\nJos\xe9;ok\r\nBo;bad \x81 byte\r\n")
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    assert page.encodingRow.isVisible() and page.encodingWarningLabel.isVisible()
    assert "not sure which encoding" in page.encodingWarningLabel.text()
    assert "Check that the names below look right" in page.encodingWarningLabel.text()
    assert page.encodingNoteLabel.text() == "not UTF-8: a guess"
    guessed = page.previewModel.index(0, 0).data()
    assert guessed != "José"  # the guess (Windows-1251 reads "Josй"): exactly why the warning is shown
    choose_encoding(qtbot, page, "latin-1")
    qtbot.waitUntil(lambda: page.previewModel.index(0, 0).data() == "José", timeout=10_000)
    assert not page.encodingWarningLabel.isVisible()
    assert page.encodingNoteLabel.text() == "chosen by you — check the names below"
    click_next(qtbot, wizard, FORMAT)
    assert wizard.format_page.sampleModel.index(0, 0).data() == "José"
    assert wizard.format_page.delimiterCombo.currentData() == ";"


def choose_encoding(qtbot: QtBot, page, name: str) -> None:
    """Pick ``name`` in the file page's encoding combo as a user does (the combo's ``activated``)."""
    index = page.encodingCombo.findData(name)
    assert index >= 0, name
    page.encodingCombo.setCurrentIndex(index)
    page.encodingCombo.activated.emit(index)


# Issue 10: contact exports from Windows in other languages. Bytes are real text encoded with the code page the
# exporting program uses (tests/core/encoding_corpus.py).
CYRILLIC_OUTLOOK = (
    '"First Name","Last Name","Company","Notes"\r\n'
    '"Анна","Иванова","ООО «Ромашка»","Познакомились в Казани; обещала прислать отчёт."\r\n'
    '"Сергей","Кузнецов","Яндекс","Помог с переездом."\r\n'
)


def test_issue10_cp1251_file_page_always_says_how_it_reads_and_the_preview_follows_the_combo(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
    qtmodeltester,
) -> None:
    path = tmp_path / "outlook.csv"
    path.write_bytes(CYRILLIC_OUTLOOK.encode("cp1251"))
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    assert page.encodingRow.isVisible() and page.encodingCombo.currentText() == "Cyrillic (Windows-1251)"
    assert page.encodingNoteLabel.text() == "not UTF-8: detected"
    assert not page.encodingWarningLabel.isVisible()  # three lines of Russian leave no doubt
    qtmodeltester.check(page.previewModel)
    model = page.previewModel
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["First Name", "Last Name"]
    assert (model.index(0, 0).data(), model.index(0, 1).data()) == ("Анна", "Иванова")
    choose_encoding(qtbot, page, "cp1252")  # what 0.1 silently did
    qtbot.waitUntil(lambda: model.rowCount() and model.index(0, 0).data() == "Àííà", timeout=10_000)
    assert model.index(0, 1).data() == "Èâàíîâà"
    choose_encoding(qtbot, page, "cp1251")
    qtbot.waitUntil(lambda: model.rowCount() and model.index(0, 0).data() == "Анна", timeout=10_000)
    click_next(qtbot, wizard, FORMAT)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=10_000)
    click_next(qtbot, wizard, SUMMARY)
    assert sorted(p.display_name for p in stored(journal_env.service)) == ["Анна Иванова", "Сергей Кузнецов"]


def test_issue10_a_choice_that_cannot_read_the_file_says_where_and_blocks_next(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "tokyo.csv"
    path.write_bytes("Name,Company\r\n山田 太郎,株式会社サンプル商事\r\n".encode("cp932"))
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    assert page.encodingCombo.currentText() == "Japanese (Shift-JIS, Windows-932)"
    assert page.previewModel.index(0, 0).data() == "山田 太郎"
    choose_encoding(qtbot, page, "utf-8")
    qtbot.waitUntil(lambda: "cannot be read as Unicode (UTF-8)" in page.statusLabel.text(), timeout=10_000)
    assert "Line 2: byte 0x8E" in page.encodingWarningLabel.text() and page.encodingWarningLabel.isVisible()
    assert page.previewModel.rowCount() == 0 and not next_button(wizard).isEnabled()


def test_e8_rows_with_problems_block_unless_skipped(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "ragged.csv"
    path.write_text("Name,Notes\nAna,ok\nBo\nCy,hi,extra\n")
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    click_next(qtbot, wizard, FORMAT)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=10_000)
    assert preview.model.index(1, ImportRowsModel.DETAILS).data() == "Expected 2 fields, got 1."
    assert preview.model.index(2, ImportRowsModel.DETAILS).data() == "Expected 2 fields, got 3."
    preview.showCombo.setCurrentIndex(preview.showCombo.findData("problem"))
    preview.showCombo.activated.emit(preview.showCombo.currentIndex())
    assert preview.proxy.rowCount() == 2
    assert preview.skipCheck.isVisible() and preview.skipCheck.isChecked() and next_button(wizard).isEnabled()
    preview.skipCheck.setFocus()
    qtbot.keyClick(preview.skipCheck, Qt.Key.Key_Space)
    assert not preview.skipCheck.isChecked() and not next_button(wizard).isEnabled()
    assert "2 row(s) have problems" in preview.errorLabel.text()
    qtbot.keyClick(preview.skipCheck, Qt.Key.Key_Space)
    click_next(qtbot, wizard, SUMMARY)
    assert [p.display_name for p in stored(journal_env.service)] == ["Ana"]


def test_e11_duplicates_policy_and_per_row_choice(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:  # noqa: F811
    ana = journal_env.service.add_person(Person(display_name="Ana Lima", emails=("ana@example.org",)))
    path = tmp_path / "dups.csv"
    path.write_text("Name,Email,Role\nAna Lima,ana@example.org,CTO\nAna Lima,ana@example.org,\nBo Chen,,\n")
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    click_next(qtbot, wizard, FORMAT)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=10_000)
    actions = [preview.model.index(r, 0).data(ImportRowsModel.ActionRole) for r in range(3)]
    assert actions == [RowAction.SKIP, RowAction.IDENTICAL, RowAction.ADD]
    preview.policyCombo.setCurrentIndex(preview.policyCombo.findData("update"))
    preview.policyCombo.activated.emit(preview.policyCombo.currentIndex())
    qtbot.waitUntil(lambda: preview.model.index(0, 0).data(ImportRowsModel.ActionRole) == RowAction.UPDATE)
    assert preview.countsLabel.text().startswith("1 new  ·  1 to update")
    # Switch row 1 back to "skip" in its own cell, with the keyboard (F2 opens the combo editor).
    cell = preview.proxy.mapFromSource(preview.model.index(0, ImportRowsModel.ACTION))
    preview.view.setFocus()
    preview.view.setCurrentIndex(cell)
    qtbot.keyClick(preview.view, Qt.Key.Key_F2)
    editor = preview.view.findChild(QComboBox)
    assert editor is not None
    editor.setCurrentIndex(editor.findData("skip"))
    editor.activated.emit(editor.currentIndex())
    qtbot.waitUntil(lambda: preview.model.index(0, 0).data(ImportRowsModel.ActionRole) == RowAction.SKIP)
    click_next(qtbot, wizard, SUMMARY)
    assert journal_env.service.get_person(ana.id).role == ""
    assert len(stored(journal_env.service)) == 2


def test_summary_saves_rejected_rows_and_undoes_the_import(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
    modals: ModalGuard,
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("Name,Email\nAna,ana@example.org\nBo,not-an-email\n")
    wizard = make_wizard(qtbot, journal_env)
    undone: list[object] = []
    wizard.import_undone.connect(undone.append)
    choose_file(qtbot, wizard, path)
    for page in (FORMAT, MAPPING, PREVIEW, SUMMARY):
        click_next(qtbot, wizard, page)
    summary = wizard.summary_page
    dest = tmp_path / "not-imported.csv"
    modals.answer("getSaveFileName", (str(dest), ""))
    qtbot.mouseClick(summary.saveRejectedButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved 1 row(s)" in summary.statusLabel.text(), timeout=10_000)
    assert_private_file(dest)
    assert dest.read_text().splitlines()[0] == '"Problem","Name","Email"'
    modals.answer("question", QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(summary.undoButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: summary.statusLabel.text().startswith("Import undone"), timeout=10_000)
    assert "1 item(s) removed" in summary.statusLabel.text()
    assert stored(journal_env.service) == [] and len(undone) == 1
    assert not summary.undoButton.isEnabled()


def test_recipro_export_folder_skips_mapping_and_comes_back_whole(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
    modals: ModalGuard,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with make_service(tmp_path / "source") as source:
        store_demo(source, demo_data())
        export = exporter.export_all(source, out)
        expected = source.stats()
    wizard = make_wizard(qtbot, journal_env)
    modals.answer("getExistingDirectory", str(export.path))
    qtbot.mouseClick(wizard.file_page.chooseFolderButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    click_next(qtbot, wizard, FORMAT)
    assert "people.csv" in wizard.format_page.notesLabel.text()
    assert not wizard.format_page.encodingCombo.isVisible()
    click_next(qtbot, wizard, PREVIEW)  # no column mapping for our own layout
    click_next(qtbot, wizard, SUMMARY)
    assert journal_env.service.stats() == expected


def test_e18_invisible_characters_are_flagged_in_the_preview(
    qtbot: QtBot,
    journal_env: JournalEnv,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Name\nMal\u202eory\n", encoding="utf-8")
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    for page in (FORMAT, MAPPING, PREVIEW):
        click_next(qtbot, wizard, page)
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=10_000)
    assert "invisible direction" in wizard.preview_page.model.index(0, ImportRowsModel.DETAILS).data()


def big_file(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as out:
        out.write("Name,Email,Notes\n")
        for i in range(rows):
            out.write(f'Person {i},p{i}@example.org,"note {i}, with a comma"\n')
    return path


def test_e12_cancel_while_reading_and_while_importing(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:  # noqa: F811
    path = big_file(tmp_path / "big.csv", 8_000)
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    click_next(qtbot, wizard, FORMAT)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    preview = wizard.preview_page
    qtbot.mouseClick(preview.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Reading was cancelled" in preview.errorLabel.text(), timeout=10_000)
    assert wizard.plan is None and not next_button(wizard).isEnabled()
    wizard.back()
    click_next(qtbot, wizard, PREVIEW)
    qtbot.waitUntil(lambda: wizard.resolution is not None, timeout=30_000)
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == RUN
    qtbot.mouseClick(wizard.run_page.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "nothing was imported" in wizard.run_page.statusLabel.text(), timeout=30_000)
    assert journal_env.service.stats()["people"] == 0 and journal_env.service.list_import_batches() == []
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def test_closing_the_wizard_cancels_the_running_read(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:  # noqa: F811
    path = big_file(tmp_path / "big.csv", 8_000)
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    click_next(qtbot, wizard, FORMAT)
    click_next(qtbot, wizard, MAPPING)
    click_next(qtbot, wizard, PREVIEW)
    assert wizard.busy()
    wizard.reject()
    qtbot.waitUntil(lambda: not journal_env.runner.busy, timeout=30_000)
    assert journal_env.service.stats()["people"] == 0
    assert not wizard.isVisible()


@pytest.mark.parametrize("start", [FILE])
def test_keyboard_and_accessibility(qtbot: QtBot, journal_env: JournalEnv, start: int) -> None:  # noqa: F811
    wizard = make_wizard(qtbot, journal_env)
    assert wizard.currentId() == start
    assert wizard.file_page.pathEdit.accessibleName() == "File to import"
    assert wizard.windowTitle() == "Import"  # never a file or contact name in a title (G10)
    assert wizard.file_page.chooseFileButton.text() == "Choose &file…"


def test_e13_header_only_file_has_nothing_to_import(qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "header.csv"
    path.write_text("Name,Email\r\n")
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    for page in (FORMAT, MAPPING, PREVIEW):
        click_next(qtbot, wizard, page)
    qtbot.waitUntil(lambda: "No data rows found" in wizard.preview_page.errorLabel.text(), timeout=10_000)
    assert not next_button(wizard).isEnabled()
