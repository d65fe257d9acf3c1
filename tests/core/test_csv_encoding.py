"""core/csv_encoding and detect_encoding on real legacy-encoded contact exports (issue 10; RELIABILITY E1-E3).

The files are real multilingual text encoded with the code page the exporting program uses
(tests/core/encoding_corpus.py). A right answer is the exact original text; a wrong one must at least be unsure.
"""

from __future__ import annotations

import codecs
import ctypes
import sys

import pytest

from recipro_desktop.core import csv_encoding
from recipro_desktop.core.csv_encoding import SAMPLE_BYTES, detect_legacy, implausibility, system_code_page
from recipro_desktop.core.csv_formats import CsvError, EncodingUnsureError, detect_encoding, user_encoding
from tests.core.encoding_corpus import HUNGARIAN, JAPANESE, RUSSIAN, Sample, generic_text, outlook_text, samples

LEGACY = [s for s in samples() if not s.bom and s.codec != "utf-8"]
UNICODE = [s for s in samples() if s.bom or s.codec == "utf-8"]


def source(data: bytes, chunk: int = 4096):
    return lambda: (data[i : i + chunk] for i in range(0, len(data), chunk))


def read(sample: Sample, **kwargs) -> tuple[str, bool]:
    guess = detect_encoding(source(sample.data), allow_unsure=True, **kwargs)
    return sample.data[guess.bom :].decode(guess.encoding), guess.unsure


@pytest.mark.parametrize("sample", LEGACY, ids=lambda s: s.name)
def test_issue10_every_legacy_export_in_the_corpus_reads_as_its_text(sample: Sample) -> None:
    text, _ = read(sample)
    assert text == sample.text


@pytest.mark.parametrize("sample", [s for s in LEGACY if s.rows >= 3], ids=lambda s: s.name)
def test_issue10_three_rows_or_more_are_read_without_doubt(sample: Sample) -> None:
    assert read(sample) == (sample.text, False)


@pytest.mark.parametrize("hint", [None, "cp1252", "cp1251", "cp932"])
def test_issue10_a_wrong_system_code_page_never_makes_a_wrong_reading_look_sure(hint: str | None) -> None:
    for sample in LEGACY:
        text, unsure = read(sample, hint=hint)
        assert text == sample.text or unsure, sample.name


@pytest.mark.parametrize("sample", UNICODE, ids=lambda s: s.name)
def test_e1_e2_bom_and_valid_utf8_are_decisive_and_never_guessed(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_guessing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the legacy guesser ran on a Unicode file")

    monkeypatch.setattr(csv_encoding, "detect_legacy", no_guessing)
    assert read(sample) == (sample.text, False)


def test_issue10_one_hungarian_row_is_a_tie_the_system_code_page_breaks_but_stays_unsure() -> None:
    """ "Őrség" (cp1250) and "Õrség" (cp1252) are both plausible: only the file's maker knows."""
    data = generic_text(HUNGARIAN, 1).encode("cp1250")
    found = detect_legacy(data)
    assert found is not None and found.unsure and {"cp1250", "cp1252"} <= {r.encoding for r in found.readings}
    assert detect_legacy(data, hint="cp1252").encoding == "cp1252"  # type: ignore[union-attr]
    assert detect_legacy(data, hint="cp1250").encoding == "cp1250"  # type: ignore[union-attr]
    with pytest.raises(EncodingUnsureError) as caught:
        detect_encoding(source(data))
    assert caught.value.line == 2 and caught.value.offset == data.index(b"\xe9")
    assert "--encoding" in str(caught.value) and caught.value.guess.alternatives


def test_issue10_a_sample_cut_inside_a_shift_jis_character_still_reads_as_japanese() -> None:
    row = outlook_text(JAPANESE, 4).encode("cp932")
    data = row * (SAMPLE_BYTES // len(row) + 2)
    cut = next(
        n for n in range(SAMPLE_BYTES - 4, SAMPLE_BYTES + 4) if data[:n].decode("cp932", "ignore") and _splits(data, n)
    )
    found = detect_legacy(data[:cut])
    assert found is not None and found.encoding == "cp932" and not found.unsure
    guess = detect_encoding(source(data, chunk=65_537))
    assert (guess.encoding, guess.unsure) == ("cp932", False)


def _splits(data: bytes, n: int) -> bool:
    try:
        data[:n].decode("cp932")
    except UnicodeDecodeError:
        return True
    return False


def test_issue10_a_byte_past_the_sample_that_the_winner_cannot_read_falls_back_and_is_unsure() -> None:
    head = outlook_text(RUSSIAN, 5).encode("cp1251")
    data = head * (SAMPLE_BYTES // len(head) + 1) + "Ещё,один\r\n".encode("cp1251") + b"\x98\r\n"  # 0x98: no cp1251
    guess = detect_encoding(source(data), allow_unsure=True)
    assert guess.encoding != "cp1251" and guess.unsure
    data.decode(guess.encoding)  # the fallback reads the whole file


def test_e3_bytes_that_read_as_nothing_real_are_unsure_and_refused_without_a_choice() -> None:
    data = b"Name\nAna\n\x81\x8d\x8f\x90\x9d\x81\x20\n"  # undefined in Windows-1252: only odd readings exist
    assert detect_encoding(source(data), allow_unsure=True).unsure
    with pytest.raises(EncodingUnsureError) as caught:
        detect_encoding(source(data))
    assert (caught.value.line, caught.value.offset) == (3, data.index(b"\x81"))


@pytest.mark.parametrize(
    ("text", "lower"),
    [
        ("Łukasz Wiśniewski", "£ukasz Wiœniewski"),
        ("Jiří Dvořák", "JiĹ™Ă­ DvoĹ™Ăˇk"),
        ("François Lefèvre", "FranÁois LefËvre"),
    ],
)
def test_issue10_implausibility_prefers_real_text_to_mojibake(text: str, lower: str) -> None:
    assert implausibility(text) == 0 < implausibility(lower)


def test_issue10_system_code_page_is_a_windows_only_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    assert system_code_page() is None or sys.platform == "win32"

    class Kernel32:
        acp = 1251

        def GetACP(self) -> int:
            return self.acp

    class WinDLL:
        kernel32 = Kernel32()

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", WinDLL(), raising=False)
    assert system_code_page() == "cp1251"
    WinDLL.kernel32.acp = 932
    assert system_code_page() == "cp932"
    WinDLL.kernel32.acp = 65001  # "Beta: use Unicode UTF-8": says nothing about a legacy file
    assert system_code_page() is None


def test_e3_user_encoding_takes_aliases_and_refuses_unknown_names() -> None:
    data = "Name\nАнна\n".encode("cp1251")
    assert user_encoding("Windows-1251", data).encoding == "cp1251"
    assert user_encoding("SHIFT_JIS", data).encoding == "shift_jis"
    assert user_encoding("utf-8-sig", codecs.BOM_UTF8 + b"Name\n").bom == 3
    with pytest.raises(CsvError, match=r"Unknown encoding 'klingon'.*cp1251"):
        user_encoding("klingon", data)


# --- issue 11 (I11): a UTF-8 file with a few bad bytes is UTF-8, and the bad bytes are named ---------------------

UTF8_PEOPLE = "".join(f"Zoë Müller {n},Café Ñandú {n}\r\n" for n in range(50))


@pytest.mark.parametrize("chunk", [1, 5, 4096])
def test_i11_one_bad_byte_before_any_real_utf8_is_reported_not_read_as_cp1252(chunk: int) -> None:
    """I11: 0.1 (and issue 10) read this as Windows-1252 because the first non-ASCII byte was the bad one: exit 0,
    50 names stored as "ZoÃ« MÃ¼ller". Now it is refused, naming the byte by line, column and offset."""
    data = b"Name,Company\r\nJos\xe9 Lima,Acme\r\n" + UTF8_PEOPLE.encode()
    with pytest.raises(CsvError) as caught:
        detect_encoding(source(data, chunk), allow_unsure=True)
    message = str(caught.value)
    assert message.startswith("This file is UTF-8 except for 1 byte that is not: line 2, column 4 (byte 0xE9 at")
    at = data.index(b"\xe9")
    assert (caught.value.line, caught.value.offset) == (2, at)
    assert f"(byte 0xE9 at offset {at})" in message
    assert "Nothing was imported" in message and "--encoding" in message


def test_i11_one_bad_byte_late_is_placed_by_line_and_character_column() -> None:
    data = ("Name,Company\r\n" + UTF8_PEOPLE).encode() + b"\xc5\xbbaneta B\xf6hm,Acme\r\n"
    with pytest.raises(CsvError) as caught:
        detect_encoding(source(data, 7))
    assert (caught.value.line, caught.value.offset) == (52, data.index(b"\xf6"))
    assert "line 52, column 9 (byte 0xF6" in str(caught.value)  # after "Żaneta B": 8 characters, 9 bytes


def test_i11_several_bad_bytes_name_the_first_three_places_and_count_the_rest() -> None:
    lines = UTF8_PEOPLE.encode().splitlines(keepends=True)
    lines[3] = b"Ren\xe9 \x81,x\r\n"
    lines[20] = b"\xff\xfe,y\r\n"
    lines[40] = b"G\xfcnther,z\r\n"
    data = b"Name,Company\r\n" + b"".join(lines)
    with pytest.raises(CsvError) as caught:
        detect_encoding(source(data, 3))
    message = str(caught.value)
    assert "except for 5 bytes that are not: line 5, column 4 (byte 0xE9" in message
    assert "; line 5, column 6 (byte 0x81" in message and "; line 22, column 1 (bytes 0xFF 0xFE at offset" in message
    assert "; 1 more after these." in message and "correct those bytes" in message


def test_i11_a_ukrainian_windows_1251_file_whose_first_letters_happen_to_form_utf8_is_still_windows_1251() -> None:
    """I11: "Ві" is C2 B3 in Windows-1251, a valid UTF-8 sequence ("³"): before I11 a first name like "Віктор" made the
    whole file "UTF-8 with a bad byte". Chance sequences are few against the undecodable bytes around them."""
    text = "Name,City\r\nВіктор Ковальчук,Київ\r\nОлена Шевченко,Львів\r\nІрина Бойко,Одеса\r\n"
    data = text.encode("cp1251")
    guess = detect_encoding(source(data))
    assert (guess.encoding, guess.unsure) == ("cp1251", False)
    assert data.decode(guess.encoding) == text


@pytest.mark.parametrize("sample", LEGACY, ids=lambda s: s.name)
def test_i11_no_legacy_export_of_the_corpus_counts_as_utf8_with_bad_bytes(sample: Sample) -> None:
    census = csv_encoding.utf8_census([sample.data])
    assert census.bad_bytes > 0 and not census.mostly_utf8
    assert census.characters <= 0.2 * census.bad_bytes  # Shift-JIS forms a few valid sequences by chance, no more


def test_i11_line_and_column_follow_crlf_lone_cr_and_chunk_boundaries() -> None:
    data = "a\r\nbé\rcd\n".encode() + b"\xe9\r\nxy\xff"
    for chunk in (1, 2, 3, 100):
        census = csv_encoding.utf8_census(source(data, chunk)())
        assert (census.bad_bytes, census.characters) == (2, 1)
        assert [(b.line, b.column, b.offset, b.data) for b in census.first] == [
            (4, 1, data.index(b"\xe9\r"), b"\xe9"),
            (5, 3, len(data) - 1, b"\xff"),
        ]
