"""F2: export → import into an empty journal gives back every field exactly, for arbitrary Unicode text.

Hypothesis draws text for every text field and list of texts of every entity (quotes, commas, CR/LF, tabs, emoji,
NBSP, zero-width and bidi characters, leading ``'``, formula triggers, anything but lone surrogates), stores it
in a real encrypted journal, exports it (folder or zip, plain or Excel profile, comma or semicolon), imports the
export into a new empty journal and compares every stored item field by field, ids and timestamps included.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    PromptKind,
    Recurrence,
    Reminder,
)
from recipro_desktop.core.validation import clean_text
from recipro_desktop.services import exporter, importer
from tests.services.import_fixtures import everything, make_service

SPECIAL = [*"\"',;\t\r\n =+-@|\\", "\r\n", "\u00a0", "\u200b", "\u202e", "😀", "é", "e\u0301", "ß", "\ufeff"]
CHAR = st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",)))
TEXT = st.lists(CHAR, max_size=25).map("".join)
LINE = TEXT.map(lambda s: s.replace("\r", " ").replace("\n", " "))
REQUIRED_LINE = LINE.map(lambda s: s if clean_text(s).strip() else f"x{s}")  # non-empty once cleaned
REQUIRED_TEXT = TEXT.map(lambda s: s if clean_text(s).strip() else f"x{s}")
ITEM = REQUIRED_LINE.map(lambda s: s.strip() if clean_text(s.strip()).strip() else "x")
EMAIL = st.builds(
    lambda local, domain: f"{local}@{domain}.example",
    st.text(st.sampled_from(list("abc'=+-_.é😀")), min_size=1, max_size=8),
    st.text(st.sampled_from(list("abcxyz")), min_size=1, max_size=6),
)
PHONE = st.builds(
    lambda prefix, digits: f"{prefix}{digits}", st.sampled_from(["+", "-", "=", "", "(0) "]), st.integers(0, 10**9)
)
DAY = st.dates(date(1900, 1, 1), date(2200, 12, 31))
INSTANT = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))


@st.composite
def journal(draw: st.DrawFn) -> dict[str, list[Any]]:
    stamps = {"created_at": draw(INSTANT), "updated_at": draw(INSTANT), "version": draw(st.integers(1, 9))}
    a = Person(
        display_name=draw(REQUIRED_LINE),
        given_name=draw(LINE),
        family_name=draw(LINE),
        organisation=draw(LINE),
        role=draw(LINE),
        emails=tuple(dict.fromkeys(draw(st.lists(EMAIL, max_size=3)))),
        phones=tuple(draw(st.lists(PHONE, max_size=2))),
        links=tuple(draw(st.lists(ITEM, max_size=2))),
        location=draw(LINE),
        tags=tuple(dict.fromkeys(draw(st.lists(ITEM, max_size=3)))),
        how_met=draw(TEXT),
        met_on=draw(st.none() | DAY),
        birthday_month=2,
        birthday_day=29,
        birthday_year=draw(st.none() | st.just(2000)),
        cadence_days=draw(st.none() | st.integers(1, 3650)),
        can_help_with=tuple(draw(st.lists(ITEM, max_size=2))),
        notes=draw(TEXT),
        archived=draw(st.booleans()),
        **stamps,
    )
    b = Person(display_name=draw(REQUIRED_LINE), met_through_id=a.id)
    need = Need(
        person_id=b.id,
        text=draw(REQUIRED_TEXT),
        heard_on=draw(DAY),
        tags=tuple(dict.fromkeys(draw(st.lists(ITEM, max_size=2)))),
        context=draw(TEXT),
        status=draw(st.sampled_from(NeedStatus)),
        follow_up_on=draw(st.none() | DAY),
    )
    direction = draw(st.sampled_from(Direction))
    act = Act(
        occurred_on=draw(DAY),
        direction=direction,
        kind=draw(st.sampled_from(ActKind)),
        summary=draw(REQUIRED_TEXT),
        details=draw(TEXT),
        people=draw(st.sampled_from([(a.id, b.id), (b.id, a.id), (a.id,)])),
        weight=draw(st.integers(1, 5)),
        meets_need_id=need.id,
        paid_forward=draw(st.booleans()),
        thanked_on=draw(st.none() | DAY) if direction is Direction.RECEIVED else None,
        thanked_how=draw(TEXT) if direction is Direction.RECEIVED else "",
        **stamps,
    )
    return {
        "people": [a, b],
        "needs": [need],
        "acts": [act],
        "commitments": [
            Commitment(
                promiser=draw(st.sampled_from(Promiser)),
                text=draw(REQUIRED_TEXT),
                made_on=draw(DAY),
                people=(b.id,),
                due_on=draw(st.none() | DAY),
                status=draw(st.sampled_from(CommitmentStatus)),
                fulfilled_by_act_id=act.id,
            )
        ],
        "interactions": [
            Interaction(
                occurred_on=draw(DAY),
                channel=draw(st.sampled_from(Channel)),
                summary=draw(REQUIRED_TEXT),
                details=draw(TEXT),
                people=(a.id,),
            )
        ],
        "entries": [
            JournalEntry(
                written_on=draw(DAY),
                text=draw(REQUIRED_TEXT),
                people=draw(st.sampled_from([(), (a.id, b.id)])),
                prompt_kind=draw(st.sampled_from(PromptKind)),
                prompt=draw(TEXT),
            )
        ],
        "reminders": [
            Reminder(
                text=draw(REQUIRED_LINE),
                due_at=draw(INSTANT),
                person_id=draw(st.none() | st.just(a.id)),
                recurrence=draw(st.sampled_from(Recurrence)),
                snoozed_until=draw(st.none() | INSTANT),
                done=draw(st.booleans()),
            )
        ],
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=journal(),
    as_zip=st.booleans(),
    excel=st.booleans(),
    semicolon=st.booleans(),
)
def test_f2_export_then_import_into_an_empty_journal_is_exact(
    items: dict[str, list[Any]], as_zip: bool, excel: bool, semicolon: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "out").mkdir()
        with make_service(root / "source") as source:
            source.add_many(**items)
            original = everything(source)
            tags = {t.name: t.id for t in source.list_tags()}
            result = exporter.export_all(source, root / "out", as_zip=as_zip, excel=excel, semicolon=semicolon)
        with make_service(root / "target") as target:
            report = importer.run_import(target, result.path)
            assert report.rejected == 0, report.rejected_rows
            assert report.warnings == ()
            assert everything(target) == original
            assert {t.name: t.id for t in target.list_tags()} == tags
            again = importer.run_import(target, result.path)
            assert (again.added, again.updated, again.identical) == (0, 0, report.added)  # E11 for our own files
