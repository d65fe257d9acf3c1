"""Full-text search: every text field, accent/case-insensitive prefixes, safe syntax, kept in sync."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import StorageFullError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    Person,
    Promiser,
    PromptKind,
    Reminder,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import fts
from recipro_desktop.storage.database import Database
from tests.conftest import CANARY

DAY = date(2026, 1, 10)


@pytest.fixture
def svc(journal_paths: JournalPaths) -> Iterator[JournalService]:
    db = Database.create(journal_paths, os.urandom(32))
    yield JournalService(db, FixedClock())
    db.close()


def ids(hits: list[object]) -> list[object]:
    return [h.id for h in hits]  # type: ignore[attr-defined]


def fts_integrity(svc: JournalService) -> None:
    with svc.database.raw_connection() as conn:
        conn.execute("INSERT INTO item_fts(item_fts) VALUES ('integrity-check')")
        conn.execute("INSERT INTO person_name_fts(person_name_fts) VALUES ('integrity-check')")


def test_every_text_field_of_every_entity_is_searchable(svc: JournalService) -> None:
    def token(field: str) -> str:
        return "zq" + field.replace("_", "")

    person = svc.add_person(
        Person(
            display_name=f"Name {token('display')}",
            given_name=token("given"),
            family_name=token("family"),
            organisation=token("organisation"),
            role=token("role"),
            location=token("location"),
            emails=(f"{token('email')}@example.org",),
            how_met=token("howmet"),
            notes=f"{CANARY} {token('notes')}",
            tags=(token("tag"),),
            can_help_with=(token("skill"),),
        )
    )
    act = svc.add_act(
        Act(
            occurred_on=DAY,
            direction=Direction.RECEIVED,
            kind=ActKind.MENTORSHIP,
            summary=token("actsummary"),
            details=token("actdetails"),
            thanked_on=DAY,
            thanked_how=token("thankedhow"),
            people=(person.id,),
        )
    )
    need = svc.add_need(
        Need(
            person_id=person.id,
            text=token("needtext"),
            context=token("needcontext"),
            tags=(token("needtag"),),
            heard_on=DAY,
        )
    )
    promise = svc.add_commitment(
        Commitment(promiser=Promiser.ME, text=token("promisetext"), made_on=DAY, people=(person.id,))
    )
    chat = svc.add_interaction(
        Interaction(
            occurred_on=DAY,
            channel=Channel.CALL,
            summary=token("chatsummary"),
            details=token("chatdetails"),
            people=(person.id,),
        )
    )
    entry = svc.add_entry(
        JournalEntry(
            written_on=DAY,
            text=token("entrytext"),
            prompt=token("entryprompt"),
            prompt_kind=PromptKind.REFLECTION,
            people=(person.id,),
        )
    )
    reminder = svc.add_reminder(Reminder(text=token("remindertext"), due_at=datetime(2026, 2, 1, tzinfo=UTC)))
    expected = {
        person.id: [
            "display",
            "given",
            "family",
            "organisation",
            "role",
            "location",
            "email",
            "howmet",
            "notes",
            "tag",
            "skill",
        ],
        act.id: ["actsummary", "actdetails", "thankedhow"],
        need.id: ["needtext", "needcontext", "needtag"],
        promise.id: ["promisetext"],
        chat.id: ["chatsummary", "chatdetails"],
        entry.id: ["entrytext", "entryprompt"],
        reminder.id: ["remindertext"],
    }
    for item_id, fields in expected.items():
        for field in fields:
            hits = ids(svc.search(token(field)))
            if field == "display":  # a name also finds every item naming that person
                assert set(hits) == {person.id, act.id, need.id, promise.id, chat.id, entry.id}
            else:
                assert hits == [item_id], field
    assert len(svc.search(CANARY)) == 1
    # The names of the people an item links are searchable on the item too.
    assert set(ids(svc.search("name zqchatsum"))) == {chat.id}


def test_accent_and_case_insensitive_prefix_matching(svc: JournalService) -> None:
    anais = svc.add_person(Person(display_name="Anaïs Nin"))
    act = svc.add_act(
        Act(
            occurred_on=DAY,
            direction=Direction.GIVEN,
            kind=ActKind.REFERRAL,
            summary="Referral to a publisher",
            people=(anais.id,),
        )
    )
    for query in ("anais", "ANAÏS", "Anaïs", "anaï", "ANA"):
        assert anais.id in ids(svc.search(query)), query
    assert ids(svc.search("ana ref")) == [act.id]  # every word a prefix, in any field
    assert ids(svc.search("REFERRAL publi")) == [act.id]
    assert svc.search("nin xyz") == []


def test_results_are_ranked_and_carry_a_snippet(svc: JournalService) -> None:
    p = svc.add_person(Person(display_name="P"))
    in_body = svc.add_act(
        Act(
            occurred_on=DAY,
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            summary="Helped with the move",
            details="lots of lifting and a long talk about gardening in the evening",
            people=(p.id,),
        )
    )
    in_title = svc.add_act(
        Act(
            occurred_on=DAY - timedelta(days=300),
            direction=Direction.GIVEN,
            kind=ActKind.KNOWLEDGE,
            summary="Gardening tips",
            people=(p.id,),
        )
    )
    hits = svc.search("gardening")
    assert ids(hits) == [in_title.id, in_body.id]  # a title match outranks a body match
    assert "gardening" in hits[1].snippet.lower()
    assert hits[0].title == "Gardening tips"
    assert hits[0].kind is ItemKind.ACT and hits[0].on == DAY - timedelta(days=300) and hits[0].person_id == p.id


SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "NEAR(",
        "NEAR",
        "OR",
        "AND",
        "NOT",
        "-",
        "+",
        "^",
        ":",
        "(",
        ")",
        "{",
        "}",
        "col:",
        "'",
        "\\",
        "\x00",
        "\u202e",
        "🎉",
        "é",
        "a",
        "ab",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=40), st.lists(SYNTAX, max_size=8).map(" ".join)))
def test_user_text_never_reaches_fts_as_syntax(svc: JournalService, text: str) -> None:
    """Whatever is typed, search returns a list (possibly empty) and never raises."""
    hits = svc.search(text)
    assert isinstance(hits, list)
    assert isinstance(svc.find_people(text), list)


def test_match_expression_quotes_every_word() -> None:
    assert fts.match_expression('ana "ref') == '"ana"* """ref"*'
    assert fts.match_expression("  -- ** ") is None
    assert fts.match_expression("o'brien") == '"o\'brien"*'
    assert fts.match_expression("a\x00b c") == '"a"* "b"* "c"*'


def test_index_follows_updates_renames_and_deletes(svc: JournalService) -> None:
    zoe = svc.add_person(Person(display_name="Zoë Original"))
    act = svc.add_act(
        Act(occurred_on=DAY, direction=Direction.GIVEN, kind=ActKind.GIFT, summary="Sent flowers", people=(zoe.id,))
    )
    svc.update_act(dataclasses.replace(act, summary="Sent a book"))
    assert svc.search("flowers") == []
    assert ids(svc.search("book")) == [act.id]
    svc.update_person(dataclasses.replace(svc.get_person(zoe.id), display_name="Zoë Renamed"))
    assert ids(svc.search("renamed book")) == [act.id]  # items follow their people's names
    assert svc.search("original") == []
    svc.delete_act(act.id)
    assert svc.search("book") == []
    svc.delete_person(zoe.id)
    assert svc.search("zoe") == [] and svc.find_people("zoe") == []
    fts_integrity(svc)


def test_a_failed_write_leaves_the_index_unchanged(svc: JournalService) -> None:
    """The index rows are written in the item's own transaction: a rolled-back write leaves no trace."""
    from sqlalchemy import event

    svc.add_person(Person(display_name="Kept"))

    def limit(dbapi_connection: object, record: object, proxy: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")  # type: ignore[attr-defined]

    event.listen(svc.database.engine, "checkout", limit)
    with pytest.raises(StorageFullError):
        svc.add_person(Person(display_name="Ghostly", notes="phantom " * 12000))
    event.remove(svc.database.engine, "checkout", limit)
    assert svc.search("phantom") == [] and svc.find_people("ghost") == []
    fts_integrity(svc)


def test_single_letters_search_people_names_only(svc: JournalService) -> None:
    ann = svc.add_person(Person(display_name="Ann Archer"))
    svc.add_act(
        Act(occurred_on=DAY, direction=Direction.GIVEN, kind=ActKind.FAVOR, summary="An apple", people=(ann.id,))
    )
    hits = svc.search("a")
    assert [(h.kind, h.id) for h in hits] == [(ItemKind.PERSON, ann.id)]
    assert hits[0].title == "Ann Archer" and hits[0].person_id == ann.id
    assert len(svc.search("ap")) == 1 and svc.search("ap")[0].kind is ItemKind.ACT


def test_common_words_are_ranked_among_the_most_recent_matches(
    svc: JournalService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above RANK_WINDOW matches, only the newest RANK_WINDOW are ranked (bounded cost per keystroke)."""
    monkeypatch.setattr(fts, "RANK_WINDOW", 20)
    p = Person(display_name="P")
    old = [
        Act(
            occurred_on=DAY - timedelta(days=400 + n),
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            summary="coffee coffee coffee together",
            details="rare" if n < 10 else "",
            people=(p.id,),
        )
        for n in range(30)
    ]
    recent = [
        Act(
            occurred_on=DAY - timedelta(days=n),
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            summary=f"quick coffee {n}",
            details="and a long chat about many other things",
            people=(p.id,),
        )
        for n in range(20)
    ]
    svc.add_many(people=[p], acts=old + recent)
    hits = svc.search("coffee", limit=50)
    assert {h.id for h in hits} == {a.id for a in recent}
    assert len(svc.search("rare", limit=50)) == 10  # fewer matches than the window: all of them are ranked


def test_names_with_stroked_letters_are_found_by_their_plain_spelling(svc: JournalService) -> None:
    """FTS5's remove_diacritics keeps ł/ø/đ/æ: "lukasz" must still find "Łukasz" (and "Łukasz" itself)."""
    lukasz = svc.add_person(Person(display_name="Łukasz Wróbel"))
    soren = svc.add_person(Person(display_name="Søren Kierkegaard"))
    svc.add_person(Person(display_name="Lucas Graham"))
    assert lukasz.id in [p.id for p in svc.find_people("lukasz")]
    assert lukasz.id in [p.id for p in svc.find_people("Łuk")]
    assert lukasz.id in [p.id for p in svc.find_people("wrobel")]
    assert soren.id in [p.id for p in svc.find_people("soren")]
    assert lukasz.id in [h.id for h in svc.search("lukasz")]
    fts_integrity(svc)
