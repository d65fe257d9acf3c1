"""core/csv_contacts and core/csv_recipro: a row becomes a contact; duplicates; our own exact encoding.

RELIABILITY E14-E18 (values kept as typed, controls, dates, formula-looking text, names), F2 (exact codec).
"""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from datetime import UTC, date, datetime

import pytest

from recipro_desktop.core.csv_contacts import ContactReader, match_keys, merge_contact
from recipro_desktop.core.csv_formats import MARKER_COLUMN, DateOrder, ValueProblem
from recipro_desktop.core.csv_recipro import RecordLayout, columns, decode_link, encode, encode_links
from recipro_desktop.core.models import Act, ActKind, Direction, Person, Reminder

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
HEADERS = ("Name", "Email", "Notes", "Birthday", "Connected On")
MAPPING = {0: "display_name", 1: "emails", 2: "notes", 3: "birthday", 4: "met_on"}


def read(*cells: str, order: DateOrder = DateOrder.AUTO):
    padded = (*cells, *[""] * (len(HEADERS) - len(cells)))
    return ContactReader(HEADERS, MAPPING, now=NOW, date_order=order).read(padded)


@pytest.mark.parametrize("value", ["NA", "null", "None", "nan", "N/A", "-"])
def test_e15_na_like_values_are_text_as_typed(value: str) -> None:
    result = read("Ana Lima", "", value)
    assert result.person is not None and result.person.notes == value


def test_e15_the_name_nan_is_a_name() -> None:
    result = read("Nan", "", "")
    assert result.person is not None and result.person.display_name == "Nan"
    assert result.person.notes == "" and result.person.birthday_month is None and result.person.met_on is None


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+49 170 1234567", "@mention", "-5", "'quoted"])
def test_e16_formula_looking_input_is_stored_literally(value: str) -> None:
    result = read("Ana", "", value)
    assert result.person is not None and result.person.notes == value  # no un-escaping without our marker


def test_e17_invalid_date_is_a_row_problem_naming_the_column() -> None:
    result = read("Ana", "", "", "", "2024-02-30")
    assert result.person is None
    assert result.problems == ("column 5 (Connected On): not a real calendar date.",)
    assert read("Ana", "", "", "", "03/04/2024").person is None
    fixed = read("Ana", "", "", "", "03/04/2024", order=DateOrder.DMY)
    assert fixed.person is not None and fixed.person.met_on == date(2024, 4, 3)


def test_e14_nul_and_controls_are_removed_and_reported() -> None:
    result = read("Ana\x00 Lima", "", "\x1b[31mred\x1b[0m")
    assert result.person is not None
    assert result.person.display_name == "Ana Lima" and result.person.notes == "[31mred[0m"
    assert any("NUL characters removed from column 1 (Name)" in w for w in result.warnings)
    assert any("Control characters removed from column 3 (Notes)" in w for w in result.warnings)


def test_e18_invisible_controls_in_names_are_flagged_and_keys_ignore_them() -> None:
    result = read("Ana\u202eamiL", "", "")
    assert result.person is not None
    assert any("invisible" in w for w in result.warnings)
    nfd = read(unicodedata.normalize("NFD", "Zoë Ünal")).person
    nfc = read("zoë ünal").person
    assert nfd is not None and nfc is not None
    assert match_keys(nfd).name == match_keys(nfc).name
    assert nfd.display_name == unicodedata.normalize("NFC", "Zoë Ünal")  # stored in NFC


def test_validation_problems_name_the_field_not_the_value() -> None:
    result = read("Ana", "not-an-email")
    assert result.person is None
    assert result.problems[0].startswith("Email:")
    assert "not-an-email" not in result.problems[0]


def test_names_from_parts_and_fallbacks() -> None:
    reader = ContactReader(
        ("First", "Middle", "Last", "Company", "Email"),
        {0: "given_name", 1: "middle_name", 2: "family_name", 3: "organisation", 4: "emails"},
        now=NOW,
    )
    person = reader.read(("Ana", "Maria", "Lima", "", "")).person
    assert person is not None
    assert (person.display_name, person.given_name, person.family_name) == ("Ana Maria Lima", "Ana Maria", "Lima")
    company = reader.read(("", "", "", "Acme Support", "help@acme.example"))
    assert company.person is not None and company.person.display_name == "Acme Support"
    assert reader.read(("", "", "", "", "")).problems == ("No name in this row (the name columns are empty).",)


def test_merge_fills_and_unions_but_never_blanks() -> None:
    current = Person(display_name="Ana Lima", emails=("ana@example.org",), tags=("work",), notes="Met in Lisbon.")
    incoming = Person(display_name="Ana Lima", emails=("ANA@example.org", "a@l.example"), tags=("friends",), role="CTO")
    merged = merge_contact(current, incoming)
    assert merged.emails == ("ana@example.org", "a@l.example")
    assert merged.tags == ("work", "friends") and merged.role == "CTO" and merged.notes == "Met in Lisbon."
    assert merged.id == current.id and merged.version == current.version
    assert merge_contact(merged, incoming) == merged  # nothing new: identical (E11)
    assert merge_contact(current, Person(display_name="Ana Lima")) == current


# --- our own format ----------------------------------------------------------------------------------------


def test_f2_codec_round_trips_every_field_type() -> None:
    people = (uuid.uuid4(), uuid.uuid4())
    act = Act(
        occurred_on=date(2025, 1, 2),
        direction=Direction.RECEIVED,
        kind=ActKind.INTRODUCTION,
        summary="=1+1 intro",
        details="line\r\n'second\nthird",
        people=people,
        weight=5,
        thanked_on=None,
        created_at=datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    )
    header = columns(Act)
    assert header[0] == "id" and header[-1] == MARKER_COLUMN and "people" not in header
    row = encode(act)
    assert row[header.index("summary")] == "'=1+1 intro"
    back = RecordLayout(Act, header).decode(row, people)
    assert back == act
    links = encode_links(act)
    assert [decode_link(r, {"item_id": 0, "person_id": 1, "position": 2}) for r in links] == [
        (act.id, people[0], 0),
        (act.id, people[1], 1),
    ]
    reminder = Reminder(text="x", due_at=datetime(2026, 1, 1, tzinfo=UTC), snoozed_until=None)
    assert RecordLayout(Reminder, columns(Reminder)).decode(encode(reminder)) == reminder


def test_recipro_layout_tolerates_unknown_and_missing_optional_columns() -> None:
    person = Person(display_name="Ana", emails=("a@x.example", "b@y.example"), tags=("t1", "t2"))
    header = list(columns(Person))
    row = encode(person)
    keep = [i for i, h in enumerate(header) if h not in ("notes", "birthday_year")]
    layout = RecordLayout(Person, [*[header[i] for i in keep], "future_column"])
    back = layout.decode([*[row[i] for i in keep], "whatever"])
    assert back == dataclasses.replace(person, notes="", birthday_year=None)
    assert layout.unknown == ("future_column",)
    with pytest.raises(ValueProblem, match="display_name"):
        RecordLayout(Person, ["id", "notes", MARKER_COLUMN])
    with pytest.raises(ValueProblem, match="column version"):
        RecordLayout(Person, header).decode([*row[:-2], "x", ""])
