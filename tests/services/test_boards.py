"""The Needs board and Gratitude queries on a real (encrypted) journal with a fixed clock, and their wording."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    PromptKind,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import boards
from recipro_desktop.services.access import create_journal
from recipro_desktop.services.journal import JournalService

TODAY = date(2026, 3, 10)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


@pytest.fixture
def service(journal_paths: JournalPaths, clock: FixedClock) -> Iterator[JournalService]:
    created = create_journal(journal_paths, passphrase="pw", use_keyring=False, clock=clock)
    try:
        yield created.journal.service
    finally:
        created.journal.close()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def person(service: JournalService, name: str, *skills: str, **kw: object) -> Person:
    return service.add_person(Person(display_name=name, can_help_with=skills, **kw))  # type: ignore[arg-type]


def received(service: JournalService, who: Person | list[Person], summary: str, days: int, **kw: object) -> Act:
    people = who if isinstance(who, list) else [who]
    return service.add_act(
        Act(
            occurred_on=ago(days),
            direction=Direction.RECEIVED,
            kind=kw.pop("kind", ActKind.FAVOR),  # type: ignore[arg-type]
            summary=summary,
            people=tuple(p.id for p in people),
            **kw,  # type: ignore[arg-type]
        )
    )


# --- human dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (TODAY, "today"),
        (ago(1), "yesterday"),
        (ago(-1), "tomorrow"),
        (ago(3), "3 days ago"),
        (ago(-4), "in 4 days"),
        (ago(7), "3 Mar"),
        (date(2025, 12, 24), "24 Dec 2025"),
    ],
)
def test_human_day(day: date, expected: str) -> None:
    assert boards.human_day(day, TODAY) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "today"),
        (1, "yesterday"),
        (12, "12 days ago"),
        (20, "2 weeks ago"),
        (59, "8 weeks ago"),
        (95, "3 months ago"),
        (400, "over a year ago"),
        (800, "over 2 years ago"),
        (-2, "in 2 days"),
    ],
)
def test_age_words(days: int, expected: str) -> None:
    assert boards.age_words(ago(days), TODAY) == expected


def test_join_names() -> None:
    assert boards.join_names([]) == ""
    assert boards.join_names(["Ana"]) == "Ana"
    assert boards.join_names(["Ana", "Ben"]) == "Ana and Ben"
    assert boards.join_names(["Ana", "Ben", "Chloé"]) == "Ana, Ben and Chloé"


# --- who could help -----------------------------------------------------------------------------------------


def test_suggestions_rank_whole_phrase_matches_first_and_skip_the_owner_and_archived(service: JournalService) -> None:
    ana = person(service, "Ana Souza", "German translation")
    ben = person(service, "Ben Ito", "German translation", "sourdough")
    chloe = person(service, "Chloé Martin", "legal contracts", "Spanish translation")
    person(service, "Dan Okafor", "sourdough", "bike repair")
    eve = person(service, "Eve Laurent", "German translation")
    service.archive_person(eve.id)
    need = service.add_need(
        Need(person_id=ana.id, text="Needs a German translator for a contract", heard_on=ago(3), tags=("legal",))
    )

    found = boards.suggest_helpers(need, service.list_people(include_archived=True))

    assert [s.person_id for s in found] == [ben.id, chloe.id]
    assert found[0].matched == ("German translation",)
    assert set(found[1].matched) == {"legal contracts", "Spanish translation"}
    assert found[0].score > found[1].score


def test_suggestions_are_accent_and_case_insensitive_and_match_tags(service: JournalService) -> None:
    ana = person(service, "Ana")
    person(service, "Łukasz", "Übersetzung", "Fundraising")
    need = service.add_need(Need(person_id=ana.id, text="Sucht jemanden für die ubersetzung", heard_on=ago(1)))
    tagged = service.add_need(Need(person_id=ana.id, text="Raising money", heard_on=ago(1), tags=("FUNDRAISING",)))
    people = service.list_people()

    assert [s.display_name for s in boards.suggest_helpers(need, people)] == ["Łukasz"]
    assert boards.suggest_helpers(tagged, people)[0].matched == ("Fundraising",)


def test_everyday_synonyms_count_and_unrelated_words_do_not(service: JournalService) -> None:
    ana = person(service, "Ana")
    person(service, "Lex", "legal contracts")
    person(service, "Tia", "tax questions")
    person(service, "Sam", "security reviews")
    lawyer = service.add_need(Need(person_id=ana.id, text="Needs a lawyer who knows contracts", heard_on=ago(1)))
    accountant = service.add_need(Need(person_id=ana.id, text="Looking for an accountant", heard_on=ago(1)))
    vague = service.add_need(Need(person_id=ana.id, text="Wants an intro", heard_on=ago(1), tags=("feedback",)))
    people = service.list_people()

    assert [s.display_name for s in boards.suggest_helpers(lawyer, people)] == ["Lex"]
    assert [s.display_name for s in boards.suggest_helpers(accountant, people)] == ["Tia"]
    # Nothing in "security reviews" relates to an intro or to feedback.
    assert boards.suggest_helpers(vague, people) == ()


def test_equal_matches_put_the_warmer_relationship_first(service: JournalService) -> None:
    ana = person(service, "Ana")
    cold = person(service, "Aaron Cold", "hiring")
    warm = person(service, "Zoe Warm", "hiring")
    for days in (2, 9, 16):
        service.add_interaction(
            Interaction(occurred_on=ago(days), channel=Channel.CALL, summary="Catch-up", people=(warm.id,))
        )
    need = service.add_need(Need(person_id=ana.id, text="Hiring a first engineer", heard_on=ago(1)))

    found = boards.suggest_helpers(need, service.list_people())

    assert [s.person_id for s in found] == [warm.id, cold.id]
    assert found[0].warmth > found[1].warmth


def test_needs_board_lists_open_and_helping_needs_oldest_first_with_names(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    ben = person(service, "Ben Ito", "hiring")
    old = service.add_need(Need(person_id=ana.id, text="Hiring a designer", heard_on=ago(40)))
    helping = service.add_need(Need(person_id=ben.id, text="A flat in Lisbon", heard_on=ago(10)))
    service.update_need(replace(helping, status=NeedStatus.HELPING))
    met = service.add_need(Need(person_id=ana.id, text="Met already", heard_on=ago(5)))
    service.update_need(replace(met, status=NeedStatus.MET))
    dropped = service.add_need(Need(person_id=ana.id, text="Dropped", heard_on=ago(4)))
    service.update_need(replace(dropped, status=NeedStatus.DROPPED))

    cards = boards.needs_board(service)

    assert [c.need.id for c in cards] == [old.id, helping.id]
    assert [c.person_name for c in cards] == ["Ana Souza", "Ben Ito"]
    assert [h.display_name for h in cards[0].helpers] == ["Ben Ito"]
    assert cards[1].helpers == ()  # Ben's own need: he is not suggested to himself


# --- gratitude ----------------------------------------------------------------------------------------------


def test_thanks_owed_oldest_first_with_every_name(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    ben = person(service, "Ben Ito")
    recent = received(service, ana, "Proofread my proposal", 2)
    oldest = received(service, [ana, ben], "Introduced me to the CFO", 30, kind=ActKind.INTRODUCTION)
    received(service, ben, "Already thanked", 10, thanked_on=ago(9), thanked_how="email")
    received(service, ben, "No thanks needed", 11, thanks_not_needed=True)
    service.add_act(
        Act(occurred_on=ago(1), direction=Direction.GIVEN, kind=ActKind.FAVOR, summary="Given", people=(ben.id,))
    )

    cards = boards.thanks_owed_board(service)

    assert [c.act.id for c in cards] == [oldest.id, recent.id]
    assert cards[0].names == ("Ana Souza", "Ben Ito")
    assert cards[0].who == "Ana Souza and Ben Ito"


def test_thanks_sent_newest_thanks_first_and_limited(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    a = received(service, ana, "First", 30, thanked_on=ago(29), thanked_how="email")
    b = received(service, ana, "Second", 40, thanked_on=ago(2), thanked_how="in person")
    c = received(service, ana, "Third", 5, thanked_on=ago(4), thanked_how="call")
    received(service, ana, "Not thanked", 3)

    sent = boards.thanks_sent(service)

    assert [s.act.id for s in sent] == [b.id, c.id, a.id]
    assert sent[0].names == ("Ana Souza",)
    assert [s.act.id for s in boards.thanks_sent(service, limit=1)] == [b.id]


def test_name_map_includes_archived_people(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    ben = person(service, "Ben Ito")
    service.archive_person(ben.id)
    assert boards.name_map(service) == {ana.id: "Ana Souza", ben.id: "Ben Ito"}


# --- the thank-you draft ------------------------------------------------------------------------------------


def _act(summary: str, kind: ActKind = ActKind.REFERRAL, days: int = 3) -> Act:
    return Act(occurred_on=ago(days), direction=Direction.RECEIVED, kind=kind, summary=summary, people=())


def test_draft_turns_a_past_tense_summary_into_a_warm_sentence() -> None:
    text = boards.draft_thank_you(_act("Referred me for the Head of Sales role at Nimbus"), ["Ana"], today=TODAY)
    assert text.startswith("Hi Ana,\n")
    assert "thank you for the referral" in text
    assert "It meant a lot that you referred me for the Head of Sales role at Nimbus" in text
    assert "overdue" not in text
    assert text.rstrip().endswith("Warmly,")


def test_draft_quotes_a_noun_phrase_and_admits_lateness() -> None:
    text = boards.draft_thank_you(
        _act("Mentoring session about pricing", ActKind.MENTORSHIP, days=45), ["Ana", "Ben"], today=TODAY
    )
    assert text.startswith("Hi Ana and Ben,")
    assert "I realise this is overdue" in text
    assert "your mentoring" in text
    assert "(Mentoring session about pricing)" in text


def test_draft_keeps_acronyms_and_signs_off() -> None:
    text = boards.draft_thank_you(_act("UX-reviewed my app"), [], today=TODAY, sign_off="Sam")
    assert text.startswith("Hi,")
    assert text.rstrip().endswith("Warmly,\nSam")


def test_greeting_names_use_first_names() -> None:
    assert boards.greeting_names(["Ana Souza", "Smith, Jane", "Dr. Ben Ito", boards.UNKNOWN_NAME]) == (
        "Ana",
        "Jane",
        "Ben",
    )


def test_needs_board_says_when_your_own_skills_match(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    service.set_setting("my_skills", ["Python", "grant writing"])
    python = service.add_need(Need(person_id=ana.id, text="Stuck on a Python script", heard_on=ago(3)))
    other = service.add_need(Need(person_id=ana.id, text="A flat in Lisbon", heard_on=ago(2)))

    cards = {c.need.id: c for c in boards.needs_board(service)}

    assert cards[python.id].mine == ("Python",)
    assert cards[other.id].mine == ()
    assert boards.my_matches(python, ["grant writing", "python"]) == ("python",)


def test_names_for_resolves_only_the_ids_asked(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    ben = person(service, "Ben Ito")
    person(service, "Chloé Martin")
    service.archive_person(ben.id)
    missing = uuid4()
    assert boards.names_for(service, [ben.id, ana.id, ana.id, missing]) == {ana.id: "Ana Souza", ben.id: "Ben Ito"}
    assert boards.names_for(service, []) == {}


def test_gratitude_journal_newest_first_with_names(service: JournalService) -> None:
    ana = person(service, "Ana Souza")
    old = service.add_entry(
        JournalEntry(
            written_on=ago(9), text="Grateful for Ana's patience", people=(ana.id,), prompt_kind=PromptKind.GRATITUDE
        )
    )
    service.add_entry(JournalEntry(written_on=ago(1), text="A reflection", prompt_kind=PromptKind.REFLECTION))
    service.add_entry(JournalEntry(written_on=ago(2), text="A plain note"))
    new = service.add_entry(
        JournalEntry(written_on=ago(3), text="The team's help", prompt_kind=PromptKind.GRATITUDE, prompt="Who helped?")
    )

    cards = boards.gratitude_journal(service)

    assert [c.entry.id for c in cards] == [new.id, old.id]
    assert cards[1].names == ("Ana Souza",) and cards[0].names == ()
    assert [c.entry.id for c in boards.gratitude_journal(service, limit=1)] == [new.id]
