"""The import wizard on a UTF-8 file with a byte that is not UTF-8 (issue 11, RELIABILITY I11), on a real journal."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.services.import_fixtures import stored
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv
from tests.ui.test_import_wizard import choose_encoding, choose_file, make_wizard, next_button

journal_env = journal_fixtures.journal_env


def test_i11_the_file_page_names_the_bad_byte_offers_the_encodings_and_blocks_next(
    qtbot: QtBot, journal_env: JournalEnv, tmp_path: Path
) -> None:
    """I11: the wizard showed "ZoÃ« Müller" as a Windows-1252 reading it was sure of; now it says where the bad
    byte is, shows no preview, keeps Next disabled and lets the user choose an encoding knowingly."""
    path = tmp_path / "contacts.csv"
    people = "".join(f"Zoë Müller {n},Café {n}\r\n" for n in range(50))
    path.write_bytes(b"Name,Company\r\nJos\xe9 Lima,Acme\r\n" + people.encode())
    wizard = make_wizard(qtbot, journal_env)
    choose_file(qtbot, wizard, path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: "UTF-8 except for 1 byte" in page.statusLabel.text(), timeout=10_000)
    assert "line 2, column 4 (byte 0xE9 at offset 17)" in page.statusLabel.text()
    assert wizard.inspection is None and page.previewModel.rowCount() == 0
    assert not next_button(wizard).isEnabled()
    assert page.encodingRow.isVisible()  # the way out the message names
    choose_encoding(qtbot, page, "cp1252")
    qtbot.waitUntil(lambda: wizard.inspection is not None, timeout=10_000)
    assert page.previewModel.index(1, 0).data() == "ZoÃ« MÃ¼ller 0"  # shown before anything is stored
    assert stored(journal_env.service) == []
