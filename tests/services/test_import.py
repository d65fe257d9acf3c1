"""services/importer on a real encrypted journal: every bad input of RELIABILITY E1-E18, each provoked by a file
built in code, asserting on what is stored and what the user is told."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from recipro_desktop.core.csv_formats import CsvError, CsvFormat, DateOrder
from recipro_desktop.core.models import ItemKind, Person
from recipro_desktop.services import importer
from recipro_desktop.services.importer import (
    DuplicatePolicy,
    ImportSettings,
    RowAction,
    inspect_source,
    plan_import,
    resolve,
    run_import,
    summary_text,
)
from recipro_desktop.services.journal import JournalService
from tests.helpers.platforms import assert_private_file
from tests.services.import_fixtures import count, make_service, stored, write


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[JournalService]:
    with make_service(tmp_path / "journal") as service:
        yield service


def names(service: JournalService) -> list[str]:
    """Stored display names, sorted (rows of one import share a timestamp; their storage order is by id)."""
    return sorted(p.display_name for p in stored(service))


def people(service: JournalService) -> dict[str, Person]:
    return {p.display_name: p for p in stored(service)}


# --- encodings and delimiters ----------------------------------------------------------------------------------


def test_e1_excel_utf8_bom_headers_match(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", "Name,Email\r\nZoë Ünal,zoe@example.org\r\n", "utf-8-sig")
    report = run_import(svc, path)
    assert report.added == 1
    [person] = stored(svc)
    assert person.display_name == "Zoë Ünal" and person.emails == ("zoe@example.org",)


def test_e2_excel_unicode_text_utf16_tab(svc: JournalService, tmp_path: Path) -> None:
    text = 'First Name\tLast Name\tNotes\r\nŁukasz\tNowak\tLikes "quotes", tabs and €\r\n'
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    inspection = inspect_source(path)
    assert (inspection.encoding and inspection.encoding.encoding, inspection.delimiter) == ("utf-16-le", "\t")
    run_import(svc, path)
    [person] = stored(svc)
    assert (person.display_name, person.notes) == ("Łukasz Nowak", 'Likes "quotes", tabs and €')


def test_e3_cp1252_is_detected_previewed_and_imported_exactly(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "west.csv", "Name;Notizen\r\nRené Müller;“Preis” 5 €\r\n", "cp1252")
    inspection = inspect_source(path)
    assert inspection.encoding is not None and inspection.encoding.encoding == "cp1252"
    assert inspection.sample == (("René Müller", "“Preis” 5 €"),)
    run_import(svc, path)
    assert [(p.display_name, p.notes) for p in stored(svc)] == [("René Müller", "“Preis” 5 €")]


def test_e3_undecodable_byte_names_line_and_offset_and_writes_nothing(svc: JournalService, tmp_path: Path) -> None:
    data = b"Name,Notes\r\nAna,fine\r\nBo,bad \x81 byte\r\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(CsvError) as caught:
        run_import(svc, path)
    assert caught.value.line == 3 and caught.value.offset == data.index(b"\x81")
    assert count(svc) == 0
    report = run_import(svc, path, ImportSettings(encoding="latin-1"))  # the user's override
    assert report.added == 2 and people(svc)["Bo"].notes == "bad \x81 byte"


def test_e4_semicolon_file_with_decimal_commas(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "de.csv", "Name;Notizen;Kontakt alle (Tage)\r\nJonas Weber;Anteil 1,5 %, danach 2,0;30\r\n")
    inspection = inspect_source(path)
    assert inspection.delimiter == ";" and inspection.delimiter_sniffed
    run_import(svc, path, ImportSettings(mapping={0: "display_name", 1: "notes", 2: "cadence_days"}))
    [person] = stored(svc)
    assert (person.notes, person.cadence_days) == ("Anteil 1,5 %, danach 2,0", 30)


def test_e4_delimiter_tie_is_reported_not_guessed(tmp_path: Path) -> None:
    path = write(tmp_path / "tie.csv", "a,b;c\n1,2;3\n")
    inspection = inspect_source(path)
    assert not inspection.delimiter_sniffed
    assert any("delimiter" in n for n in inspection.warnings)
    assert inspect_source(path, ImportSettings(delimiter=";")).headers == ("a,b", "c")


def test_e5_multiline_notes_with_crlf_quotes_commas_are_byte_exact(svc: JournalService, tmp_path: Path) -> None:
    note = 'First line, with comma\r\nSecond "quoted" line\nThird\rfourth'
    quoted = note.replace('"', '""')
    path = write(tmp_path / "multi.csv", f'Name,Notes\r\nAna Lima,"{quoted}"\r\nBo Chen,x\r\n')
    run_import(svc, path)
    assert [p.notes for p in sorted(stored(svc), key=lambda p: p.display_name)] == [note, "x"]


# --- structure -------------------------------------------------------------------------------------------------


def test_e6_unmatched_quote_aborts_naming_the_line(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "quote.csv", 'name,note\n"Alice,unterminated\nBob,hi\n')
    with pytest.raises(CsvError, match="unterminated quote starting at line 2"):
        run_import(svc, path)
    assert count(svc) == 0


def test_e7_runaway_quote_in_a_large_file_and_a_giant_field(svc: JournalService, tmp_path: Path) -> None:
    lines = "".join(f"Person {i},note {i} with some words to make it longer\n" for i in range(20_000))
    runaway = write(tmp_path / "runaway.csv", f'name,note\nAna,ok\nBo,"opens here\n{lines}')
    with pytest.raises(CsvError, match="Line 3"):
        run_import(svc, runaway)
    giant = write(tmp_path / "giant.csv", "name,note\nAna,ok\nBo," + "x" * 5_000_000 + "\n")
    with pytest.raises(CsvError, match="Line 3: a cell is larger than 1 MiB"):
        run_import(svc, giant)
    assert count(svc) == 0


def test_e8_ragged_rows_are_listed_and_skipped_or_abort(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "ragged.csv", "name,note\nAna,ok\nBo\nCy,hi,extra\nDi,fine\n")
    plan = plan_import(svc, path)
    problems = {(r.row, r.line): r.problems for r in plan.rows if r.item is None}
    assert problems == {(2, 3): ("Expected 2 fields, got 1.",), (3, 4): ("Expected 2 fields, got 3.",)}
    with pytest.raises(CsvError, match="2 row"):
        run_import(svc, path, ImportSettings(skip_bad_rows=False))
    assert count(svc) == 0
    report = run_import(svc, path)
    assert names(svc) == ["Ana", "Di"]  # never shifted: Cy's "hi" did not land in anyone's notes
    assert report.rejected == 2 and "Row 3 (line 4)" in summary_text(report)


def test_e9_duplicate_headers_are_rejected_without_a_mapping(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "dup.csv", "name,name,note\nAna,Ana L.,x\n")
    with pytest.raises(CsvError, match="Columns 1 and 2 have the same header"):
        run_import(svc, path)
    assert count(svc) == 0
    inspection = inspect_source(path)
    assert inspection.duplicate_headers == ((0, 1),)
    run_import(svc, path, ImportSettings(mapping={1: "display_name", 2: "notes"}))  # the user chose column 2
    assert names(svc) == ["Ana L."]


def test_e10_odd_headers_auto_match_missing_name_blocks_extras_are_listed(svc: JournalService, tmp_path: Path) -> None:
    ok = write(tmp_path / "odd.csv", " NAME ,E-MAIL,Birthday2\nAna,ana@example.org,whatever\n")
    plan = plan_import(svc, ok)
    assert plan.ignored_columns == ("column 3 (Birthday2)",)
    assert any("Not imported: column 3 (Birthday2)" in n for n in plan.notes)
    nameless = write(tmp_path / "nameless.csv", "Remarks,Birthday2\nx,y\n")
    with pytest.raises(CsvError, match="holds the name"):
        run_import(svc, nameless)
    assert count(svc) == 0


def test_e11_duplicate_rows_and_reimport_add_nothing(svc: JournalService, tmp_path: Path) -> None:
    path = write(
        tmp_path / "contacts.csv",
        "Name,Email,Notes\nAna Lima,ana@example.org,Met in Lisbon\nAna Lima,ana@example.org,Met in Lisbon\n"
        "Bo Chen,bo@example.org,\n",
    )
    first = run_import(svc, path)
    assert (first.added, first.identical) == (2, 1)
    second = run_import(svc, path)
    assert (second.added, second.updated, second.identical) == (0, 0, 3)
    assert "0 new, 0 updated, 3 identical (skipped)" in summary_text(second)
    assert len(stored(svc)) == 2
    batches = svc.list_import_batches()
    assert sorted((b.added, b.skipped) for b in batches) == [(0, 3), (2, 1)]


def test_e12_size_cap_is_checked_before_reading(svc: JournalService, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(b"name\n")
        f.truncate(200 * 1000 * 1000)  # sparse: 200 MB without writing them
    with pytest.raises(CsvError, match=r"200\.0 MB; the limit for one import is 50 MB"):
        run_import(svc, path)
    assert count(svc) == 0


def test_e13_empty_header_only_and_binary_files(svc: JournalService, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CsvError, match="empty"):
        run_import(svc, empty)
    header_only = write(tmp_path / "header.csv", "Name,Email\r\n")
    report = run_import(svc, header_only)
    assert report.rows_read == 0 and report.nothing_read and report.exit_code != 0
    assert summary_text(report) == "No data rows found in header.csv: it holds only its header (or blank lines)."
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(CsvError, match="not a text CSV file"):
        run_import(svc, png)
    assert count(svc) == 0


def test_e14_nul_and_controls_stripped_with_a_report_surrogate_refused(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "controls.csv", "Name,Notes\nb\x00c,\x1b[31mred\x1b[0m\tand tab\n")
    report = run_import(svc, path)
    [person] = stored(svc)
    assert (person.display_name, person.notes) == ("bc", "[31mred[0m\tand tab")
    assert any("NUL characters removed" in w for w in report.warnings)
    assert any("Control characters removed" in w for w in report.warnings)
    surrogate = tmp_path / "surrogate.csv"
    surrogate.write_bytes(b"Name\nAna \xed\xa0\x80\n")
    with pytest.raises(CsvError, match=r"line 2, column 5 \(bytes 0xED 0xA0 0x80 at offset 9\)"):
        run_import(svc, surrogate)
    assert len(stored(svc)) == 1


def test_e15_na_values_and_the_name_nan_are_kept_as_typed(svc: JournalService, tmp_path: Path) -> None:
    rows = "".join(f"Person {v},{v}\n" for v in ("NA", "null", "None", "nan", "N/A")) + "Nan,\n"
    run_import(svc, write(tmp_path / "na.csv", "Name,Notes\n" + rows))
    assert {p.display_name: p.notes for p in stored(svc)} == {
        "Person NA": "NA",
        "Person null": "null",
        "Person None": "None",
        "Person nan": "nan",
        "Person N/A": "N/A",
        "Nan": "",
    }


def test_e16_formula_like_input_stays_literal(svc: JournalService, tmp_path: Path) -> None:
    values = ['=HYPERLINK(""http://evil.example"",""x"")', "+49 170 1234567", "@mention", "-5", "'quoted"]
    rows = "".join(f'Person {i},"{v}"\n' for i, v in enumerate(values))
    run_import(svc, write(tmp_path / "formulas.csv", "Name,Notes\n" + rows))
    found = people(svc)
    assert [found[f"Person {i}"].notes for i in range(len(values))] == [v.replace('""', '"') for v in values]


def test_e17_dates_ambiguous_invalid_inferred_and_chosen(svc: JournalService, tmp_path: Path) -> None:
    ambiguous = write(tmp_path / "amb.csv", "Name,Met on\nAna,03/04/2024\nBo,2024-02-30\nCy,2024-05-06\n")
    plan = plan_import(svc, ambiguous)
    outcomes = [(r.row, r.item is not None, r.problems) for r in plan.rows]
    assert outcomes[0][1] is False and "ambiguous" in outcomes[0][2][0]
    assert outcomes[1][2] == ("column 2 (Met on): not a real calendar date.",)
    assert outcomes[2][1] is True
    chosen = plan_import(svc, ambiguous, ImportSettings(date_order=DateOrder.DMY))
    assert chosen.rows[0].item is not None and chosen.rows[0].item.met_on == date(2024, 4, 3)
    inferred = write(tmp_path / "inf.csv", "Name,Met on\nAna,03/04/2024\nBo,25/12/2024\n")
    rows = plan_import(svc, inferred).rows
    assert [r.item.met_on for r in rows if r.item] == [date(2024, 4, 3), date(2024, 12, 25)]


def test_e18_nfc_nfd_dedupe_and_bidi_flag(svc: JournalService, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Zoë Ünal")
    path = write(tmp_path / "names.csv", f"Name\n{nfd}\nzoë ünal\nMal\u202eory\n")
    report = run_import(svc, path)
    assert report.added == 2 and report.identical == 1
    assert names(svc) == sorted(["Zoë Ünal", "Mal\u202eory"])
    assert any("invisible" in w for w in report.warnings)


# --- known formats ---------------------------------------------------------------------------------------------

LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will '
    'only see email addresses for connections who have allowed their connections to see or download it."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ana,Lima,https://www.linkedin.com/in/ana-lima-example,,Acme Robotics,Head of Ops,15 Mar 2023\r\n"
    'Bo,Chen,https://www.linkedin.com/in/bo-chen-example,bo@example.org,Chen & Co,"Founder, CEO",02 Jan 2021\r\n'
)


def test_linkedin_connections_with_preamble_and_dates(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "Connections.csv", LINKEDIN)
    inspection = inspect_source(path)
    assert inspection.format is CsvFormat.LINKEDIN and inspection.header_line == 4
    report = run_import(svc, path)
    assert report.added == 2
    ana, bo = people(svc)["Ana Lima"], people(svc)["Bo Chen"]
    assert (ana.display_name, ana.organisation, ana.role, ana.met_on) == (
        "Ana Lima",
        "Acme Robotics",
        "Head of Ops",
        date(2023, 3, 15),
    )
    assert ana.links == ("https://www.linkedin.com/in/ana-lima-example",)
    assert (bo.emails, bo.role, bo.met_on) == (("bo@example.org",), "Founder, CEO", date(2021, 1, 2))
    assert run_import(svc, path).added == 0


def test_google_contacts_new_and_old_headers(svc: JournalService, tmp_path: Path) -> None:
    new = write(
        tmp_path / "google.csv",
        "First Name,Middle Name,Last Name,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,"
        "Phone 1 - Label,Phone 1 - Value,Organization Name,Organization Title\n"
        "Ana,,Lima,--04-12,Likes tea,* myContacts ::: Friends,Home,ana@example.org ::: ana@work.example,"
        "Mobile,+351 912 345 678,Acme,CTO\n",
    )
    assert inspect_source(new).format is CsvFormat.GOOGLE
    run_import(svc, new)
    [ana] = stored(svc)
    assert ana.emails == ("ana@example.org", "ana@work.example") and ana.tags == ("Friends",)
    assert (ana.birthday_month, ana.birthday_day, ana.birthday_year) == (4, 12, None)
    assert (ana.organisation, ana.role, ana.phones) == ("Acme", "CTO", ("+351 912 345 678",))
    old = write(
        tmp_path / "google-old.csv",
        "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value\n"
        "Bo Chen,Bo,Chen,* My Contacts ::: Work,* Work,bo@example.org\n",
    )
    assert inspect_source(old).format is CsvFormat.GOOGLE
    run_import(svc, old)
    assert people(svc)["Bo Chen"].tags == ("Work",)


def test_outlook_contacts(svc: JournalService, tmp_path: Path) -> None:
    path = write(
        tmp_path / "outlook.csv",
        "Title,First Name,Middle Name,Last Name,Suffix,Company,Job Title,E-mail Address,Mobile Phone,Birthday,"
        "Categories,Notes\n"
        "Dr.,Ana,,Lima,,Acme,Engineer,ana@example.org,+1 555 0100,12/25/1980,Work;Friends,Met at a conference\n"
        "Mr.,Bo,,Chen,,,,,,0/0/00,,\n",
    )
    assert inspect_source(path).format is CsvFormat.OUTLOOK
    run_import(svc, path)
    ana, bo = people(svc)["Ana Lima"], people(svc)["Bo Chen"]
    assert (ana.display_name, ana.role, ana.tags) == ("Ana Lima", "Engineer", ("Work", "Friends"))
    assert (ana.birthday_month, ana.birthday_day, ana.birthday_year) == (12, 25, 1980)
    assert bo.birthday_month is None and bo.role == ""


def test_other_language_headers(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "de.csv", "Vorname;Nachname;E-Mail-Adresse;Firma;Geburtstag;Notizen\n"
                 "Jonas;Weber;jonas@example.de;Beispiel GmbH;24.12.1990;Kennt sich mit Steuern aus\n")  # fmt: skip
    run_import(svc, path)
    [jonas] = stored(svc)
    assert (jonas.display_name, jonas.organisation, jonas.birthday_month, jonas.birthday_day) == (
        "Jonas Weber",
        "Beispiel GmbH",
        12,
        24,
    )


# --- duplicates, policies, undo ---------------------------------------------------------------------------------


@pytest.fixture
def ana(svc: JournalService) -> Person:
    return svc.add_person(Person(display_name="Ana Lima", emails=("ana@example.org",), notes="Met in Lisbon."))


def test_duplicate_policies_skip_update_add_and_per_row(svc: JournalService, ana: Person, tmp_path: Path) -> None:
    path = write(tmp_path / "dups.csv", "Name,Email,Role\nAna Lima,ana@example.org,CTO\nAna Lima,,Designer\n")
    plan = plan_import(svc, path)
    skip = resolve(plan, DuplicatePolicy.SKIP)
    assert [o.action for o in skip.outcomes] == [RowAction.SKIP, RowAction.SKIP]
    update = resolve(plan, DuplicatePolicy.UPDATE)
    assert [o.action for o in update.outcomes] == [RowAction.UPDATE, RowAction.UPDATE]
    assert [p.role for p in update.updates] == ["Designer"]  # both rows merged into the one stored contact
    mixed = resolve(plan, DuplicatePolicy.SKIP, {1: DuplicatePolicy.ADD})
    assert [o.action for o in mixed.outcomes] == [RowAction.SKIP, RowAction.ADD]
    report = importer.apply_import(svc, plan, resolve(plan, DuplicatePolicy.UPDATE, {1: DuplicatePolicy.SKIP}))
    assert (report.updated, report.skipped) == (1, 1)
    [stored_ana] = stored(svc)
    assert (stored_ana.role, stored_ana.notes, stored_ana.version) == ("CTO", "Met in Lisbon.", 2)


def test_same_name_different_email_is_another_person(svc: JournalService, ana: Person, tmp_path: Path) -> None:
    path = write(tmp_path / "other.csv", "Name,Email\nAna Lima,ana.lima@another.example\n")
    assert run_import(svc, path).added == 1
    assert len(stored(svc)) == 2


def test_undo_removes_added_and_restores_updated(svc: JournalService, ana: Person, tmp_path: Path) -> None:
    path = write(tmp_path / "undo.csv", "Name,Email,Role,Tags\nAna Lima,ana@example.org,CTO,\nBo Chen,,,newtag\n")
    report = run_import(svc, path, ImportSettings(duplicates=DuplicatePolicy.UPDATE))
    assert (report.added, report.updated) == (1, 1)
    assert svc.get_person(ana.id).role == "CTO"
    result = importer.undo_import(svc, report)
    assert result.removed[ItemKind.PERSON] == 1 and result.restored == 1
    [back] = stored(svc)
    assert back.role == "" and back.notes == ana.notes and back.version == 3
    assert svc.stats()["tags"] == 0  # the tag the import created went with it
    assert svc.get_import_batch(report.batch_id).undone_at is not None
    with pytest.raises(Exception, match="already undone"):
        importer.undo_import(svc, report)


def test_undo_refuses_when_new_items_name_imported_people(svc: JournalService, tmp_path: Path) -> None:
    from recipro_desktop.core.models import Act, ActKind, Direction
    from recipro_desktop.services.import_store import UndoConflictError

    report = run_import(svc, write(tmp_path / "p.csv", "Name\nAna Lima\nBo Chen\n"))
    bo = people(svc)["Bo Chen"]
    act = svc.add_act(
        Act(occurred_on=date(2026, 3, 1), direction=Direction.GIVEN, kind=ActKind.FAVOR, summary="x", people=(bo.id,))
    )
    with pytest.raises(UndoConflictError, match="1 item"):
        importer.undo_import(svc, report)
    assert len(stored(svc)) == 2
    importer.undo_import(svc, report, force=True)
    assert stored(svc) == [] and svc.get_act(act.id).people == ()


def test_dry_run_writes_nothing(svc: JournalService, tmp_path: Path) -> None:
    report = run_import(svc, write(tmp_path / "d.csv", "Name\nAna\n"), dry_run=True)
    assert report.dry_run and report.added == 1 and report.batch_id is None
    assert count(svc) == 0 and svc.list_import_batches() == []
    assert summary_text(report).startswith("Dry run")


def test_rejected_rows_are_saved_private_and_defused(svc: JournalService, tmp_path: Path) -> None:
    path = write(tmp_path / "rej.csv", "Name,Email\nAna,not-an-email\n=cmd,also bad\nBo,bo@example.org\n")
    report = run_import(svc, path)
    dest = tmp_path / "rejected.csv"
    assert importer.save_rejected_rows(report, dest) == 2
    assert_private_file(dest)
    text = dest.read_text()
    assert text.splitlines()[0] == '"Problem","Name","Email"'
    assert '"\'=cmd"' in text and "not-an-email" in text
    assert "not-an-email" not in summary_text(report)  # the summary names rows and fields, not cells
