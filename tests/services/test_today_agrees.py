"""Today, the tray and the Needs board list the same people: one rule per question, not two.

Property tests over small generated journals and clocks (people with and without a cadence, never contacted,
archived, a default cadence set or not, birthdays on Feb 29, needs and skills with accents and plurals). For each
rule the tray shares with Today — thank-yous owed, promises due, keep in touch, birthdays within the tray's window —
what Today lists is exactly what :func:`~recipro_desktop.core.reminders.due_nudges` nudges with that rule switched
on; and for "who could help", Today's helpers are the Needs board's (its first :data:`MAX_HELPERS`), and Today lists
exactly the needs the board has a helper (or one of your own skills) for.

The journal is an in-memory stand-in with the service's query semantics, so hundreds of journals run in seconds; a
test on a real encrypted journal checks the real plumbing (``reminders.check``, ``build_today``, ``needs_board``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipro_desktop.core import settings as registry
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    Interaction,
    Need,
    NeedStatus,
    Person,
    Promiser,
)
from recipro_desktop.core.reminders import NudgeRule, ReminderInputs, ReminderSettings, due_nudges
from recipro_desktop.core.scores import Balance, BalanceLean, Warmth, warmth_label
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import boards
from recipro_desktop.services import reminders as reminders_service
from recipro_desktop.services.access import create_journal
from recipro_desktop.services.journal import JournalService
from recipro_desktop.services.today import MAX_HELPERS, TodayBriefing, build_today
from recipro_desktop.storage.database import Database

# Skills and need words with accents, plurals, stems and synonyms: where two matchers would part ways.
SKILLS = (
    "German translation",
    "translator",
    "Übersetzung",
    "mortgages",
    "mortgage advice",
    "legal",
    "legal contracts",
    "hiring",
    "recruiting designers",
    "pitch decks",
    "Python",
    "visa paperwork",
    "taxes",
    "café owners",
    "the",
)
NEED_WORDS = (
    "needs",
    "a",
    "German",
    "translator",
    "translations",
    "übersetzung",
    "ubersetzung",
    "mortgage",
    "Mortgages",
    "lawyer",
    "contract",
    "hiring",
    "designers",
    "deck",
    "pitch",
    "python",
    "visa",
    "paperwork",
    "tax",
    "cafe",
    "CAFÉ",
    "flat",
    "seed",
    "round",
)
NAMES = ("Ana Lima", "Łukasz Wiśniewski", "Zoë Ng", "Bo", "Ćwik Søren", "Dev Patel")


@dataclass
class FakeJournal:
    """The journal service's read queries over plain lists (the semantics of ``services/journal.py``)."""

    clock: FixedClock
    people: list[Person]
    last: dict[UUID, date]
    warmth: dict[UUID, int]
    acts: list[Act] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def database(self) -> Database:  # the board's needs query never touches it
        raise AssertionError("no database in the fake journal")

    def _row(self, p: Person) -> PersonRow:
        cadence_due = self.last[p.id] + timedelta(days=p.cadence_days) if p.id in self.last and p.cadence_days else None
        score = self.warmth[p.id]
        return PersonRow(
            id=p.id,
            display_name=p.display_name,
            given_name=p.given_name,
            family_name=p.family_name,
            organisation=p.organisation,
            role=p.role,
            location=p.location,
            emails=p.emails,
            tags=p.tags,
            can_help_with=p.can_help_with,
            cadence_days=p.cadence_days,
            birthday_month=p.birthday_month,
            birthday_day=p.birthday_day,
            archived=p.archived,
            version=p.version,
            last_interaction=self.last.get(p.id),
            keep_in_touch_due=cadence_due,
            balance=Balance(value=0.0, lean=BalanceLean.NONE, strength=0.0, words=""),
            warmth=Warmth(score=score, label=warmth_label(score), raw=0.0),
        )

    def list_people(self, *, include_archived: bool = False) -> list[PersonRow]:
        rows = [self._row(p) for p in self.people if include_archived or not p.archived]
        return sorted(rows, key=lambda r: r.display_name.casefold())

    def get_person(self, person_id: UUID) -> Person:
        for p in self.people:
            if p.id == person_id:
                return p
        raise NotFoundError("person", person_id)

    def thanks_owed(self, *, older_than_days: int = 0) -> list[Act]:
        cutoff = self.clock.today() - timedelta(days=max(0, older_than_days))
        return [
            a
            for a in self.acts
            if a.direction is Direction.RECEIVED
            and a.thanked_on is None
            and not a.thanks_not_needed
            and a.occurred_on <= cutoff
        ]

    def open_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.status is CommitmentStatus.OPEN]

    def open_needs(self) -> list[Need]:
        return [n for n in self.needs if n.status in (NeedStatus.OPEN, NeedStatus.HELPING)]

    def get_setting(self, key: str) -> object:
        return self.settings[key] if key in self.settings else registry.default(key)

    def all_settings(self) -> dict[str, object]:
        return dict(registry.resolve(self.settings))


@st.composite
def journals(draw: st.DrawFn) -> FakeJournal:
    today = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)))
    clock = FixedClock(datetime.combine(today, time(9, 0), tzinfo=UTC))
    people: list[Person] = []
    last: dict[UUID, date] = {}
    warmth: dict[UUID, int] = {}
    for n in range(draw(st.integers(0, 6))):
        has_birthday = draw(st.booleans())
        month = draw(st.integers(1, 12))
        day = draw(st.integers(1, 29 if month == 2 else 30))
        added = today - timedelta(days=draw(st.integers(0, 200)))
        p = Person(
            display_name=draw(st.sampled_from(NAMES)) + ("" if n == 0 else f" {n}"),
            cadence_days=draw(st.none() | st.integers(1, 60)),
            birthday_month=month if has_birthday else None,
            birthday_day=day if has_birthday else None,
            birthday_year=draw(st.none() | st.integers(1950, 2028)) if has_birthday else None,
            can_help_with=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True))),
            archived=draw(st.booleans()),
            created_at=datetime.combine(added, time(12, 0), tzinfo=UTC),
        )
        people.append(p)
        if draw(st.booleans()):  # never contacted otherwise
            last[p.id] = today - timedelta(days=draw(st.integers(0, 120)))
        warmth[p.id] = draw(st.integers(0, 100))
    journal = FakeJournal(clock=clock, people=people, last=last, warmth=warmth)
    if not people:
        return journal
    ids = [p.id for p in people]
    for _ in range(draw(st.integers(0, 4))):
        journal.acts.append(
            Act(
                occurred_on=today - timedelta(days=draw(st.integers(-2, 20))),
                direction=draw(st.sampled_from(Direction)),
                kind=ActKind.FAVOR,
                summary="help",
                people=tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))),
                thanked_on=today if draw(st.integers(0, 4)) == 0 else None,
                thanks_not_needed=draw(st.integers(0, 4)) == 0,
            )
        )
    for _ in range(draw(st.integers(0, 4))):
        due = draw(st.none() | st.integers(-10, 10).map(lambda d: today + timedelta(days=d)))
        journal.commitments.append(
            Commitment(
                promiser=draw(st.sampled_from(Promiser)),
                text="a promise",
                made_on=today - timedelta(days=30),
                people=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
                due_on=due,
                status=draw(st.sampled_from(CommitmentStatus)),
            )
        )
    for _ in range(draw(st.integers(0, 4))):
        journal.needs.append(
            Need(
                person_id=draw(st.sampled_from(ids)),
                text=" ".join(draw(st.lists(st.sampled_from(NEED_WORDS), min_size=1, max_size=5))),
                tags=tuple(draw(st.lists(st.sampled_from(("translation", "legal", "Mortgage", "deck")), max_size=2))),
                heard_on=today - timedelta(days=draw(st.integers(0, 60))),
                status=draw(st.sampled_from(NeedStatus)),
            )
        )
    journal.settings = {
        "thanks_after_days": draw(st.integers(0, 10)),
        "promise_lead_days": draw(st.integers(0, 7)),
        "birthday_lead_days": draw(st.integers(0, 14)),
        "default_cadence_days": draw(st.none() | st.integers(1, 90)),
        "my_skills": draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
    }
    return journal


def tray_nudges(journal: FakeJournal) -> dict[NudgeRule, set[UUID]]:
    """What the tray nudges, every rule switched on, nothing dismissed: rule -> item ids."""
    inputs = ReminderInputs.from_models(
        people=journal.people,  # archived people included: the rule must leave them out
        last_contact=journal.last,
        acts=journal.thanks_owed(),
        commitments=journal.open_commitments(),
        needs=journal.open_needs(),
    )
    settings_ = ReminderSettings.from_settings(journal.all_settings())
    assert settings_.rules == frozenset(NudgeRule)
    out: dict[NudgeRule, set[UUID]] = {rule: set() for rule in NudgeRule}
    for n in due_nudges(inputs, journal.clock.now(), settings_):
        out[n.rule].add(n.item_id)
    return out


def assert_today_matches_tray(journal: FakeJournal, briefing: TodayBriefing) -> None:
    tray = tray_nudges(journal)
    assert {o.act.id for o in briefing.thanks_owed} == tray[NudgeRule.THANKS_OWED]
    mine = {p.commitment.id for p in briefing.promises if p.commitment.promiser is Promiser.ME}
    theirs = {p.commitment.id for p in briefing.promises if p.commitment.promiser is Promiser.THEM}
    assert mine == tray[NudgeRule.PROMISE_DUE_MINE]
    assert theirs == tray[NudgeRule.PROMISE_DUE_THEIRS]
    assert {d.person.id for d in briefing.drifting} == tray[NudgeRule.KEEP_IN_TOUCH]
    lead = ReminderSettings.from_settings(journal.all_settings()).birthday_lead_days
    assert {b.person.id for b in briefing.birthdays if b.in_days <= lead} == tray[NudgeRule.BIRTHDAY]


def assert_today_matches_board(journal: FakeJournal | JournalService, briefing: TodayBriefing) -> None:
    cards = boards.needs_board(journal)
    board = {c.need.id: c for c in cards if c.helpers or c.mine}
    today = {h.need.id: h for h in briefing.needs}
    assert set(today) == set(board)
    for need_id, helpable in today.items():
        card = board[need_id]
        assert [(h.person.id, h.skills) for h in helpable.helpers] == [
            (s.person_id, s.matched) for s in card.helpers[:MAX_HELPERS]
        ]
        assert helpable.my_skills == card.mine


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journals())
def test_today_lists_what_the_tray_nudges(journal: FakeJournal) -> None:
    assert_today_matches_tray(journal, build_today(journal, journal.clock))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journals())
def test_today_suggests_the_needs_boards_helpers(journal: FakeJournal) -> None:
    assert_today_matches_board(journal, build_today(journal, journal.clock))


# --- the same on a real journal, through the real queries ----------------------------------------------------


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


def test_real_journal_today_tray_and_board_agree(service: JournalService, clock: FixedClock) -> None:
    today = clock.today()
    clock.current -= timedelta(days=100)  # people added 100 days ago
    ana = service.add_person(Person(display_name="Ana Lima", cadence_days=30, can_help_with=("German translation",)))
    never = service.add_person(Person(display_name="Bo Chen", cadence_days=60))  # never contacted, own cadence
    default_only = service.add_person(Person(display_name="Cleo Diaz"))  # never contacted, default cadence
    archived = Person(display_name="Dev Patel", cadence_days=7, archived=True, birthday_month=3, birthday_day=12)
    service.add_person(archived)  # past his cadence and with a birthday in 2 days, but archived: never listed
    born = service.add_person(
        Person(display_name="Zoë Ng", birthday_month=3, birthday_day=15, birthday_year=1990, can_help_with=("tax",))
    )
    clock.current += timedelta(days=100)
    service.add_interaction(
        Interaction(occurred_on=today - timedelta(days=40), channel=Channel.CALL, summary="call", people=(ana.id,))
    )
    act = service.add_act(
        Act(
            occurred_on=today - timedelta(days=5),
            direction=Direction.RECEIVED,
            kind=ActKind.REFERRAL,
            summary="a referral",
            people=(born.id,),
        )
    )
    promise = service.add_commitment(
        Commitment(promiser=Promiser.ME, text="send it", made_on=today, people=(ana.id,), due_on=today)
    )
    translate = service.add_need(Need(person_id=never.id, text="Needs a German translator", heard_on=today))
    taxes = service.add_need(Need(person_id=ana.id, text="Help with taxes", heard_on=today))
    service.set_setting("default_cadence_days", 30)

    briefing = build_today(service, clock)
    nudges = reminders_service.check(service, clock.now()).nudges
    by_rule: dict[NudgeRule, set[UUID]] = {}
    for n in nudges:
        by_rule.setdefault(n.rule, set()).add(n.item_id)

    # What a user sees on Today, item by item ...
    assert [o.act.id for o in briefing.thanks_owed] == [act.id]
    assert [p.commitment.id for p in briefing.promises] == [promise.id]
    drifting = {d.person.id for d in briefing.drifting}
    # Ana is 40 days past a 30-day cadence; Bo was added 100 days ago with his own 60-day cadence; Cleo, never
    # contacted, has only the default cadence (so importing an address book does not make everyone due at once).
    assert drifting == {ana.id, never.id}
    assert [(b.person.id, b.turns) for b in briefing.birthdays] == [(born.id, 36)]  # Dev is archived
    assert {h.need.id for h in briefing.needs} == {translate.id, taxes.id}
    # ... is what the tray nudges, rule by rule.
    assert by_rule.get(NudgeRule.THANKS_OWED) == {act.id}
    assert by_rule.get(NudgeRule.PROMISE_DUE_MINE) == {promise.id}
    assert by_rule.get(NudgeRule.KEEP_IN_TOUCH) == drifting
    assert by_rule.get(NudgeRule.BIRTHDAY) == {born.id}  # 5 days ahead, inside the default 7-day lead
    assert default_only.id not in by_rule[NudgeRule.KEEP_IN_TOUCH]
    assert_today_matches_board(service, briefing)
