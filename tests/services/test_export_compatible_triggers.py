"""Full-width and small formula triggers on export (issue 11, RELIABILITY I16), on a real journal and real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from recipro_desktop.core.csv_formats import COMPATIBLE_TRIGGERS
from recipro_desktop.core.models import Act, ActKind, Direction, ItemKind, Person
from recipro_desktop.services import importer
from recipro_desktop.services.exporter import export_all, export_google_contacts
from tests.services.import_fixtures import make_service, stored

FULL_WIDTH = "\uff1d\uff0b\uff0d\uff20"  # ＝ ＋ － ＠, the forms the issue names


def rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel-profile"])
def test_i16_every_compatible_trigger_is_written_defused_and_reimports_as_typed(tmp_path: Path, excel: bool) -> None:
    """I16: "＝HYPERLINK(…)" in a name, a note's second line and an act's summary reached the file as is. Now the
    bytes on disk start each such line with "'", and importing the export into an empty journal gives the text back
    exactly (the quote is ours: the file bears Recipro's marker)."""
    assert set(FULL_WIDTH) <= COMPATIBLE_TRIGGERS
    names = {f'{c}HYPERLINK("http://x.example") {ord(c):04X}' for c in COMPATIBLE_TRIGGERS}
    with make_service(tmp_path / "journal") as svc:
        people = [svc.add_person(Person(display_name=n, notes=f"met at work\n{n[0]}1+1")) for n in sorted(names)]
        svc.add_act(
            Act(
                occurred_on=people[0].created_at.date(),
                direction=Direction.GIVEN,
                kind=ActKind.FAVOR,
                summary="\u3000\uff1dcmd|' /C calc'!A0",  # after an ideographic space, as a Japanese IME types it
                people=(people[0].id,),
            )
        )
        (tmp_path / "out").mkdir()
        result = export_all(svc, tmp_path / "out", excel=excel, semicolon=excel)
    delimiter = ";" if excel else ","
    people_rows = rows(result.path / "people.csv", delimiter)
    header = people_rows[0]
    written = {r[header.index("display_name")]: r[header.index("notes")] for r in people_rows[1:]}
    assert set(written) == {"'" + n for n in names}
    assert all(note.startswith("met at work\n'") for note in written.values())
    acts = rows(result.path / "acts.csv", delimiter)
    assert acts[1][acts[0].index("summary")] == "'\u3000\uff1dcmd|' /C calc'!A0"
    with make_service(tmp_path / "again") as other:
        report = importer.run_import(other, result.path)
        assert report.added == len(names) + 1
        back = stored(other, ItemKind.PERSON)
        assert {p.display_name for p in back} == names
        assert {p.notes for p in back} == {f"met at work\n{n[0]}1+1" for n in names}
        assert [a.summary for a in stored(other, ItemKind.ACT)] == ["\u3000\uff1dcmd|' /C calc'!A0"]


def test_i16_the_google_contacts_file_is_defused_too(tmp_path: Path) -> None:
    """I16: the Google Contacts file (no marker, so its quotes are never undone) is defused the same way."""
    with make_service(tmp_path / "journal") as svc:
        for c in FULL_WIDTH:
            svc.add_person(Person(display_name=f"{c}SUM(1)", given_name=f"{c}SUM(1)", notes=f"{c}x"))
        dest = tmp_path / "google.csv"
        export_google_contacts(svc, dest)
    data = rows(dest)
    cells = [cell for row in data[1:] for cell in row if cell]
    assert cells and not any(cell[0] in COMPATIBLE_TRIGGERS for cell in cells)
    assert {c for cell in cells if cell.startswith("'") for c in cell[1:2]} >= set(FULL_WIDTH)
