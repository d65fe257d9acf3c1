"""core/csv_formats: encodings, delimiters, formats, header aliases, values and formula escapes (RELIABILITY E, F).

Fixtures are built in code from invented names; nothing here is anyone's real data.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recipro_desktop.core.csv_formats import (
    COMPATIBLE_TRIGGERS,
    FORMULA_TRIGGERS,
    MARKER_COLUMN,
    CsvError,
    CsvFormat,
    DateOrder,
    ValueProblem,
    auto_map,
    check_decodes,
    check_mapping,
    clean_cell,
    defuse,
    detect_encoding,
    detect_format,
    duplicate_headers,
    field_for_header,
    header_index,
    infer_date_order,
    normalise_header,
    parse_birthday,
    parse_bool,
    parse_date,
    parse_int,
    sniff_delimiter,
    split_list,
    starts_with_trigger,
    undefuse,
    user_encoding,
)


def source(data: bytes, chunk: int = 7):
    """A re-openable chunk source over ``data`` in small chunks (so multi-byte characters straddle chunks)."""
    return lambda: (data[i : i + chunk] for i in range(0, len(data), chunk))


# --- encodings ---------------------------------------------------------------------------------------------


def test_e1_utf8_bom_is_detected_and_skipped() -> None:
    data = "Name,Notes\nZoë,café\n".encode("utf-8-sig")
    guess = detect_encoding(source(data))
    assert (guess.encoding, guess.bom) == ("utf-8", 3)
    assert data[guess.bom :].decode(guess.encoding).startswith("Name,")


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_e2_utf16_with_bom_is_detected(codec: str, name: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + "Name\tNotes\nŁukasz\t€ 5\n".encode(codec)
    guess = detect_encoding(source(data))
    assert (guess.encoding, guess.bom) == (name, 2)
    assert data[2:].decode(guess.encoding) == "Name\tNotes\nŁukasz\t€ 5\n"


def test_e2_utf16_without_bom_is_recognised_by_its_nul_pattern() -> None:
    data = "Name\tNotes\nAna\tfine\n".encode("utf-16-le")
    assert detect_encoding(source(data)).encoding == "utf-16-le"


def test_e3_cp1252_is_the_fallback_after_strict_utf8() -> None:
    data = "Name;Notes\nRené;Preis 5 € “gut”\n".encode("cp1252")
    guess = detect_encoding(source(data))
    assert guess.encoding == "cp1252"
    assert data.decode(guess.encoding).endswith("Preis 5 € “gut”\n")


def test_e3_undefined_cp1252_byte_names_line_and_offset() -> None:
    data = b"Name,Notes\nAna,ok\nBo,bad \x81 byte\n"
    with pytest.raises(CsvError) as caught:
        detect_encoding(source(data))
    assert caught.value.line == 3
    assert caught.value.offset == data.index(b"\x81")
    assert "Line 3" in str(caught.value) and "0x81" in str(caught.value)


def test_e3_user_override_is_checked_strictly_too() -> None:
    data = "Name\nJosé\n".encode("cp1252")
    with pytest.raises(CsvError, match="Line 2"):
        check_decodes(source(data), user_encoding("utf-8", data[:100]))
    assert user_encoding("latin-1", data[:100]).encoding == "latin-1"
    check_decodes(source(data), user_encoding("latin-1", data[:100]))


def test_e3_a_bad_byte_after_real_utf8_is_an_error_not_a_silent_switch_to_cp1252() -> None:
    data = "Name\nZoë\n".encode() + b"Bad \xe9 here\n"
    with pytest.raises(CsvError, match=r"line 3, column 5 \(byte 0xE9 at offset 14\)"):
        detect_encoding(source(data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"PK\x03\x04" + b"\x00" * 40, "zip archive"),
        (bytes(range(256)) * 4, "not a text CSV"),
    ],
)
def test_e13_empty_and_binary_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(CsvError, match=message):
        detect_encoding(source(data))


def test_e14_encoded_lone_surrogate_is_an_invalid_code_point() -> None:
    data = b"Name\nAna \xed\xa0\x80 Lima\n"  # "\ud800" written as UTF-8 (CESU/WTF-8), not Windows-1252 text
    with pytest.raises(CsvError) as caught:
        detect_encoding(source(data))
    assert caught.value.line == 2


def test_e14_utf16_lone_surrogate_is_an_error() -> None:
    data = codecs.BOM_UTF16_LE + "Name\nA".encode("utf-16-le") + b"\x00\xd8" + "b\n".encode("utf-16-le")
    with pytest.raises(CsvError, match="Line 2"):
        detect_encoding(source(data))


# --- header line and delimiter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Name,Email,Notes\n", ","),
        ("Name;E-Mail;Notizen\r\n", ";"),
        ("Name\tEmail\n", "\t"),
        ("Name|Email|Notes\n", "|"),
        ('"Name, full";Notes\n', ";"),  # the comma is inside quotes
        ("Name\n", ","),  # one column
        ("a,b;c\n", None),  # a tie: ask the user, never guess
    ],
)
def test_e4_delimiter_is_sniffed_from_the_header_line_only(header: str, expected: str | None) -> None:
    assert sniff_delimiter(header) == expected


def test_linkedin_notes_preamble_is_skipped() -> None:
    lines = [
        "Notes:\r\n",
        '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n',
        "\r\n",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n",
        "Ana,Lima,https://www.linkedin.com/in/ana-example,,Acme,Engineer,15 Mar 2023\r\n",
    ]
    assert header_index(lines) == 3
    assert header_index(["\n", "Name,Email\n"]) == 1
    with pytest.raises(CsvError):
        header_index(["Notes:\n", "text\n"])


# --- formats and mapping -------------------------------------------------------------------------------------

LINKEDIN = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
GOOGLE_NEW = ["First Name", "Middle Name", "Last Name", "Labels", "E-mail 1 - Label", "E-mail 1 - Value"]
GOOGLE_OLD = ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value"]
OUTLOOK = ["Title", "First Name", "Middle Name", "Last Name", "E-mail Address", "Mobile Phone", "Job Title", "Notes"]


@pytest.mark.parametrize(
    ("headers", "fmt"),
    [
        (["id", "display_name", MARKER_COLUMN], CsvFormat.RECIPRO),
        (LINKEDIN, CsvFormat.LINKEDIN),
        (GOOGLE_NEW, CsvFormat.GOOGLE),
        (GOOGLE_OLD, CsvFormat.GOOGLE),
        (OUTLOOK, CsvFormat.OUTLOOK),
        (["Name", "Email"], CsvFormat.GENERIC),
    ],
)
def test_known_formats_are_recognised_from_the_header(headers: list[str], fmt: CsvFormat) -> None:
    assert detect_format(headers) is fmt


def test_format_specific_meanings() -> None:
    linkedin = auto_map(LINKEDIN, CsvFormat.LINKEDIN)
    assert [linkedin.get(i) for i in range(7)] == [
        "given_name",
        "family_name",
        "links",
        "emails",
        "organisation",
        "role",
        "met_on",
    ]
    outlook = auto_map(OUTLOOK, CsvFormat.OUTLOOK)
    assert 0 not in outlook  # Outlook's "Title" is "Mr."/"Dr.", not a job title
    assert outlook[6] == "role"
    google = auto_map(GOOGLE_OLD, CsvFormat.GOOGLE)
    assert google == {0: "display_name", 1: "given_name", 2: "family_name", 3: "tags", 5: "emails"}
    assert field_for_header("E-mail 1 - Type") == ""  # the kind of a value, never the value


def test_e10_headers_match_after_trimming_and_casefolding() -> None:
    assert normalise_header("  Name ") == "name"
    assert normalise_header("E-mail 2 - Value") == "e-mail"
    assert auto_map([" NAME ", "e-MAIL", "Birthday2"]) == {0: "display_name", 1: "emails"}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Vorname", "given_name"),
        ("Nachname", "family_name"),
        ("Prénom", "given_name"),
        ("Nom", "family_name"),
        ("Apellidos", "family_name"),
        ("Cognome", "family_name"),
        ("Achternaam", "family_name"),
        ("E-Mail-Adresse", "emails"),
        ("Courriel", "emails"),
        ("Teléfono", "phones"),
        ("Firma", "organisation"),
        ("Entreprise", "organisation"),
        ("Geburtstag", "birthday"),
        ("Notizen", "notes"),
        ("Remarques", "notes"),
        ("Ort", "location"),
    ],
)
def test_e10_common_other_language_headers(header: str, key: str) -> None:
    assert field_for_header(header) == key


def test_e9_duplicate_headers_are_found_and_only_one_is_auto_mapped() -> None:
    headers = ["name", "Name ", "note"]
    assert duplicate_headers(headers) == [(0, 1)]
    mapping = auto_map(headers)
    assert mapping == {0: "display_name", 2: "notes"}
    check = check_mapping(mapping, headers)
    assert check.ok and check.ignored == (1,)  # listed as "not imported", never silently dropped


def test_e9_two_columns_for_one_single_value_field_block_the_mapping() -> None:
    check = check_mapping({0: "display_name", 1: "display_name"}, ["name", "name"])
    assert not check.ok
    assert "column 1 (name) and column 2 (name)" in check.errors[0]


def test_e10_missing_name_column_blocks_the_import() -> None:
    check = check_mapping({0: "notes"}, ["Remarks", "Birthday2"])
    assert not check.ok and "name" in check.errors[0].lower()
    assert check.ignored == (1,)


# --- values ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", date(2024, 3, 15)),
        ("2024-03-15T10:20:00Z", date(2024, 3, 15)),
        ("15 Mar 2023", date(2023, 3, 15)),  # LinkedIn "Connected On"
        ("March 15, 2023", date(2023, 3, 15)),
        ("15.03.2024", date(2024, 3, 15)),
        ("25/12/2024", date(2024, 12, 25)),  # a part above 12 decides
        ("12/25/2024", date(2024, 12, 25)),
        ("'2024-01-02", date(2024, 1, 2)),  # a spreadsheet's keep-as-text quote
        ("  ", None),
    ],
)
def test_e17_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("03/04/2024", "ambiguous"),
        ("2024-02-30", "not a real calendar date"),
        ("1.234,5", "not a date"),
        ("3/4/24", "four digits"),
        ("15 Foo 2023", "month"),
    ],
)
def test_e17_ambiguous_or_invalid_dates_are_row_level_problems(text: str, problem: str) -> None:
    with pytest.raises(ValueProblem, match=problem):
        parse_date(text)


def test_e17_explicit_order_and_column_inference() -> None:
    assert parse_date("03/04/2024", DateOrder.DMY) == date(2024, 4, 3)
    assert parse_date("03/04/2024", DateOrder.MDY) == date(2024, 3, 4)
    assert infer_date_order(["03/04/2024", "25/12/2024"]) is DateOrder.DMY
    assert infer_date_order(["03/04/2024", "12/25/2024"]) is DateOrder.MDY
    assert infer_date_order(["03/04/2024", "2024-01-01"]) is None
    with pytest.raises(ValueProblem):
        infer_date_order(["25/12/2024", "12/25/2024"])


def test_birthdays_with_and_without_year() -> None:
    assert parse_birthday("--04-12") == (4, 12, None)  # Google / vCard
    assert parse_birthday("12 Apr") == (4, 12, None)
    assert parse_birthday("1985-04-12") == (4, 12, 1985)
    assert parse_birthday("0/0/00") is None  # Outlook's "no birthday"
    assert parse_birthday("--02-29") == (2, 29, None)
    with pytest.raises(ValueProblem):
        parse_birthday("--02-30")


def test_e17_numbers_are_whole_numbers_or_a_row_problem() -> None:
    assert parse_int("30") == 30
    assert parse_int("30,0") == 30
    assert parse_int("") is None
    for bad in ("1.234,5", "-5", "ten"):
        with pytest.raises(ValueProblem):
            parse_int(bad)
    assert parse_bool("Ja") is True and parse_bool("") is False
    with pytest.raises(ValueProblem):
        parse_bool("maybe")


def test_multi_value_cells() -> None:
    assert split_list("a@x.org; b@y.org, A@x.org", "emails") == ["a@x.org", "b@y.org"]
    assert split_list("* myContacts ::: Friends ::: * starred ::: Work", "tags") == ["Friends", "Work"]
    assert split_list("+49 170 1234567 ::: +1 (555) 010-0000", "phones") == ["+49 170 1234567", "+1 (555) 010-0000"]


def test_e14_clean_cell_reports_what_it_removed() -> None:
    assert clean_cell("b\x00c") == clean_cell("bc").__class__("bc", removed_nul=True)
    check = clean_cell("\x1b[31mred\x1b[0m\tok\r\n")
    assert check.text == "[31mred[0m\tok\r\n" and check.removed_controls and not check.removed_nul
    assert clean_cell("plain ünïcode\nline").text == "plain ünïcode\nline"


# --- formula injection (F1) and the exact inverse (F2) ---------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x","click")',
        "+49 170 1234567",
        "-5",
        "@mention",
        "\tcmd",
        "\rcmd",
        "\x00x",
        "  =1+1",
        "\u00a0=1+1",
        "safe first line\n=1+1",
        "line\r\n@SUM(A1)",
        "'already quoted",
    ],
)
def test_f1_every_line_that_could_run_is_prefixed(value: str) -> None:
    out = defuse(value)
    assert not starts_with_trigger(out)
    assert undefuse(out) == value


def test_f1_harmless_values_are_untouched() -> None:
    for value in ("Ana Lima", "notes, with commas", "", "a-b", "x=1", "email@example.org"):
        assert defuse(value) == value


TRICKY = st.text(
    alphabet=st.sampled_from(list("=+-@'\t\r\n \u00a0\u200bab,\"é😀")) | st.characters(blacklist_categories=["Cs"]),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_f2_undefuse_is_the_exact_inverse_of_defuse(value: str) -> None:
    encoded = defuse(value)
    assert undefuse(encoded) == value
    assert not starts_with_trigger(encoded)


# --- I16: the compatibility forms of the triggers (issue 11) ---------------------------------------------------


def test_i16_the_compatible_triggers_are_exactly_what_nfkc_turns_into_a_trigger() -> None:
    """I16: the list is the Unicode database's, not a guess: every character whose NFKC form starts with = + - @."""
    found = {
        chr(cp)
        for cp in range(0x80, sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF and unicodedata.normalize("NFKC", chr(cp))[:1] in set("=+-@")
    }
    assert found == COMPATIBLE_TRIGGERS
    assert {"\uff1d", "\uff0b", "\uff0d", "\uff20"} <= FORMULA_TRIGGERS  # the full-width forms the issue names
    assert "\u2212" not in FORMULA_TRIGGERS  # MINUS SIGN: not a compatibility form of "-"


@pytest.mark.parametrize("trigger", sorted(COMPATIBLE_TRIGGERS), ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("shape", ["{}HYPERLINK(1)", "\u3000{}1+1", "first line\n{}cmd", "a\r\n {}SUM(A1)"])
def test_i16_a_full_width_or_small_trigger_is_defused_on_every_line_and_comes_back_exactly(
    trigger: str, shape: str
) -> None:
    """I16: "＝HYPERLINK(…)" was written as is; a program that normalises it to "=" would run it."""
    value = shape.format(trigger)
    out = defuse(value)
    assert out != value and not starts_with_trigger(out)
    assert undefuse(out) == value
