"""Contact exports from Windows (and old Macs) in other languages, imported into a real encrypted journal (issue 10,
RELIABILITY E3): the stored names are the right Unicode strings, or nothing is stored and the user is asked.

The files are real multilingual text encoded with the code page the exporting program uses (Outlook on a Russian,
Polish, Czech, Hungarian or Japanese Windows; Mac Excel; ISO-8859-2 from Unix tools): tests/core/encoding_corpus.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recipro_desktop.core.csv_formats import CsvError, EncodingUnsureError
from recipro_desktop.services.importer import ImportSettings, inspect_source, report_json, run_import, summary_text
from recipro_desktop.services.journal import JournalService
from tests.core.encoding_corpus import (
    BULGARIAN,
    CZECH,
    HUNGARIAN,
    JAPANESE,
    POLISH,
    RUSSIAN,
    UKRAINIAN,
    WESTERN,
    Language,
    generic_text,
    outlook_text,
)
from tests.services.import_fixtures import count, make_service, stored


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[JournalService]:
    with make_service(tmp_path / "journal") as service:
        yield service


CASES = [
    (RUSSIAN, "cp1251"),
    (UKRAINIAN, "cp1251"),
    (BULGARIAN, "cp1251"),
    (POLISH, "cp1250"),
    (CZECH, "cp1250"),
    (HUNGARIAN, "cp1250"),
    (JAPANESE, "cp932"),
    (POLISH, "iso-8859-2"),
    (CZECH, "iso-8859-2"),
    (WESTERN, "mac_roman"),
    (WESTERN, "cp1252"),
]


@pytest.mark.parametrize(("language", "codec"), CASES, ids=[f"{lang.key}-{c}" for lang, c in CASES])
def test_issue10_outlook_export_in_its_code_page_stores_the_right_names(
    svc: JournalService, tmp_path: Path, language: Language, codec: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(outlook_text(language, len(language.contacts)).encode(codec))
    report = run_import(svc, path)  # what `recipro import` does: it refuses a guess, so this one is sure
    assert report.added == len(language.contacts) and report.encoding is not None
    assert not report.encoding.unsure
    people = {p.display_name: p for p in stored(svc)}
    for contact in language.contacts:
        person = people[f"{contact.first} {contact.last}"]
        assert (person.organisation, person.notes) == (contact.company, contact.notes)


def test_issue10_shift_jis_with_a_wave_dash_and_half_width_kana_imports_exactly(
    svc: JournalService, tmp_path: Path
) -> None:
    """cp932, not the stricter shift_jis codec: "～" (0x8160) must stay U+FF5E, and 0.1 raised on such a file."""
    path = tmp_path / "tokyo.csv"
    path.write_bytes(outlook_text(JAPANESE, 4).encode("cp932"))
    inspection = inspect_source(path)
    assert inspection.encoding is not None and inspection.encoding.encoding == "cp932"
    run_import(svc, path)
    notes = {p.display_name: p.notes for p in stored(svc)}
    assert notes["一郎 鈴木"] == "賃貸契約について無料で助言してくれた～感謝！" and "ﾕｳｷ 高橋" in notes


def test_issue10_an_unsure_guess_is_refused_by_a_real_import_and_stores_nothing(
    svc: JournalService, tmp_path: Path
) -> None:
    """One Hungarian row: "Őrség" (Windows-1250) or "Õrség" (Windows-1252)? Without a preview nobody can check."""
    path = tmp_path / "one.csv"
    data = generic_text(HUNGARIAN, 1).encode("cp1250")
    path.write_bytes(data)
    with pytest.raises(EncodingUnsureError) as caught:
        run_import(svc, path)
    assert caught.value.line == 2 and caught.value.offset == data.index(b"\xe9")
    assert "--encoding" in str(caught.value)
    assert count(svc) == 0
    report = run_import(svc, path, ImportSettings(encoding="windows-1250"))  # the user's answer
    assert [p.display_name for p in stored(svc)] == ["Péter Kovács"]
    assert [p.organisation for p in stored(svc)] == ["Őrség Kft."]
    assert report.encoding is not None and (report.encoding.encoding, report.encoding.unsure) == ("cp1250", False)


def test_issue10_a_dry_run_reads_an_unsure_file_and_says_it_was_a_guess(svc: JournalService, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_bytes(generic_text(HUNGARIAN, 1).encode("cp1250"))
    report = run_import(svc, path, dry_run=True)
    assert report.added == 1 and count(svc) == 0
    assert report.encoding_warning is not None and "is a guess" in report.encoding_warning
    assert report.encoding_warning in summary_text(report)
    described = report_json(report)["encoding"]
    assert described["unsure"] is True and described["name"] in ("cp1250", "cp1252")
    assert {"cp1250", "cp1252"} <= {described["name"], *described["alternatives"]}


def test_issue10_the_wizard_inspection_shows_an_unsure_guess_instead_of_refusing(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_bytes(generic_text(HUNGARIAN, 1).encode("cp1250"))
    inspection = inspect_source(path)
    assert inspection.encoding is not None and inspection.encoding.unsure
    assert inspection.sample[0][0] == "Péter Kovács"  # the parts every candidate agrees on


def test_i11_a_utf8_file_with_one_bad_byte_early_stores_nothing_and_the_wizard_sees_the_same_refusal(
    svc: JournalService, tmp_path: Path
) -> None:
    """I11: one Windows-1252 "é" pasted at the top of a UTF-8 export made 0.1 store 50 names as "ZoÃ« Müller". The
    import (CLI path: run_import) and the wizard's inspection both refuse with the same line, column and offset,
    and the journal holds nothing; once the byte is corrected, every name is stored as written."""
    path = tmp_path / "contacts.csv"
    people = "".join(f"Zoë Müller {n},Café {n}\r\n" for n in range(50))
    data = b"Name,Company\r\nJos\xe9 Lima,Acme\r\n" + people.encode()
    path.write_bytes(data)
    expected = f"line 2, column 4 (byte 0xE9 at offset {data.index(b'Jos') + 3})"
    with pytest.raises(CsvError) as caught:
        run_import(svc, path)
    assert expected in str(caught.value) and caught.value.exit_code == 30
    assert count(svc) == 0
    with pytest.raises(CsvError) as shown:
        inspect_source(path)
    assert str(shown.value) == str(caught.value)
    path.write_bytes(data.replace(b"Jos\xe9", "José".encode()))  # what the message asks the user to do
    run_import(svc, path)
    names = {p.display_name for p in stored(svc)}
    assert len(names) == 51 and {"José Lima", "Zoë Müller 0", "Zoë Müller 49"} <= names
