"""The journal service: use cases, validation, versions, derived figures, merge, settings."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from recipro_desktop.core import scores
from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.errors import ConflictError, NotFoundError, ValidationError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    ImportBatch,
    Interaction,
    ItemKind,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    Reminder,
    TimelineFilter,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.demo import generate_demo, store_demo
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.database import Database
from tests.conftest import CANARY

TODAY = date(2026, 1, 15)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 1, 15, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(journal_paths: JournalPaths) -> Iterator[Database]:
    database = Database.create(journal_paths, os.urandom(32))
    yield database
    database.close()


@pytest.fixture
def svc(db: Database, clock: FixedClock) -> JournalService:
    return JournalService(db, clock)


def act(people: tuple[object, ...], on: date, direction: Direction = Direction.GIVEN, **kw: object) -> Act:
    values: dict[str, object] = {"kind": ActKind.FAVOR, "summary": "helped", "weight": 3}
    values.update(kw)
    return Act(occurred_on=on, direction=direction, people=people, **values)  # type: ignore[arg-type]


def test_add_returns_the_item_as_stored_with_clock_stamps(svc: JournalService, clock: FixedClock) -> None:
    typed = Person(
        display_name="Ana\x00ïs",  # a stray NUL from a paste is cleaned away (clean_text)
        notes=f"e\u0301t\u00e9 {CANARY}",  # NFD é is stored as NFC
        created_at=datetime(2000, 1, 1, tzinfo=UTC),
        version=7,
    )
    stored = svc.add_person(typed)
    assert stored.display_name == "Anaïs"
    assert stored.notes == f"\u00e9t\u00e9 {CANARY}"
    assert stored.created_at == stored.updated_at == clock.now()
    assert stored.version == 1
    assert svc.get_person(typed.id) == stored


def test_invalid_items_are_refused_with_the_field_named_and_nothing_stored(svc: JournalService) -> None:
    with pytest.raises(ValidationError) as err:
        svc.add_person(Person(display_name="   "))
    assert err.value.field == "display_name"
    person = svc.add_person(Person(display_name="Zoë"))
    with pytest.raises(ValidationError) as err:
        svc.add_act(act((person.id,), TODAY, weight=9))
    assert err.value.field == "weight"
    with pytest.raises(ValidationError) as err:
        svc.add_act(act((person.id, uuid4()), TODAY))
    assert err.value.field == "people"
    with pytest.raises(ValidationError) as err:
        svc.add_need(Need(person_id=uuid4(), text="t", heard_on=TODAY))
    assert err.value.field == "person_id"
    assert svc.stats()["acts"] == 0 and svc.stats()["needs"] == 0


def test_update_bumps_version_and_refuses_stale_copies_C4(svc: JournalService, clock: FixedClock) -> None:
    """RELIABILITY C4 as the window meets it: two editors hold version 1; the second save is refused."""
    person = svc.add_person(Person(display_name="Zoë", notes="v1"))
    editor_a = svc.get_person(person.id)
    editor_b = svc.get_person(person.id)
    clock.advance(timedelta(minutes=5))
    saved = svc.update_person(dataclasses.replace(editor_a, notes=f"edit A {CANARY}"))
    assert (saved.version, saved.updated_at, saved.created_at) == (2, clock.now(), person.created_at)
    with pytest.raises(ConflictError):
        svc.update_person(dataclasses.replace(editor_b, notes="edit B"))
    assert svc.get_person(person.id) == saved


def test_get_update_delete_of_a_missing_item_is_not_found(svc: JournalService) -> None:
    ghost = Need(person_id=uuid4(), text="t", heard_on=TODAY)
    with pytest.raises(NotFoundError):
        svc.get_need(ghost.id)
    with pytest.raises(NotFoundError):
        svc.delete_need(ghost.id)
    person = svc.add_person(Person(display_name="P"))
    with pytest.raises(NotFoundError):
        svc.update_need(dataclasses.replace(ghost, person_id=person.id))


def test_crud_of_every_entity(svc: JournalService) -> None:
    p = svc.add_person(Person(display_name="P"))
    items: list[object] = [
        svc.add_act(act((p.id,), TODAY)),
        svc.add_need(Need(person_id=p.id, text="t", heard_on=TODAY)),
        svc.add_commitment(Commitment(promiser=Promiser.ME, text="c", made_on=TODAY, people=(p.id,))),
        svc.add_interaction(Interaction(occurred_on=TODAY, channel=Channel.EMAIL, summary="s", people=(p.id,))),
        svc.add_entry(JournalEntry(written_on=TODAY, text="e", people=(p.id,))),
        svc.add_reminder(Reminder(text="r", due_at=datetime(2026, 2, 1, tzinfo=UTC), person_id=p.id)),
    ]
    names = ["act", "need", "commitment", "interaction", "entry", "reminder"]
    for name, item in zip(names, items, strict=True):
        getter = getattr(svc, f"get_{name}")
        updater = getattr(svc, f"update_{name}")
        deleter = getattr(svc, f"delete_{name}")
        assert getter(item.id) == item  # type: ignore[attr-defined]
        field = "summary" if name in ("act", "interaction") else "text"
        updated = updater(dataclasses.replace(item, **{field: "changed"}))  # type: ignore[type-var]
        assert getattr(getter(item.id), field) == "changed" and updated.version == 2  # type: ignore[attr-defined]
        deleter(item.id)  # type: ignore[attr-defined]
        with pytest.raises(NotFoundError):
            getter(item.id)  # type: ignore[attr-defined]
    assert svc.timeline().items == ()
    assert svc.stats() == {
        "people": 1,
        "acts": 0,
        "needs": 0,
        "commitments": 0,
        "interactions": 0,
        "entries": 0,
        "reminders": 0,
        "tags": 0,
    }


def test_lists_for_a_person_are_newest_first(svc: JournalService, clock: FixedClock) -> None:
    p = svc.add_person(Person(display_name="P"))
    older = svc.add_act(act((p.id,), TODAY - timedelta(days=3)))
    clock.advance(timedelta(seconds=10))
    same_day_later = svc.add_act(act((p.id,), TODAY))  # same day, created later: comes first
    clock.advance(timedelta(seconds=-5))
    same_day_first = svc.add_act(act((p.id,), TODAY))
    assert [a.id for a in svc.acts_for(p.id)] == [same_day_later.id, same_day_first.id, older.id]
    assert svc.needs_for(p.id) == []
    with pytest.raises(NotFoundError):
        svc.acts_for(uuid4())


def test_derived_figures_match_the_pure_rules(svc: JournalService) -> None:
    p = svc.add_person(Person(display_name="Zoë", cadence_days=30))
    q = svc.add_person(Person(display_name="Quiet"))
    a1 = svc.add_act(act((p.id,), TODAY - timedelta(days=10), Direction.GIVEN, weight=4))
    a2 = svc.add_act(act((p.id, q.id), TODAY - timedelta(days=40), Direction.RECEIVED, weight=2, paid_forward=True))
    svc.add_act(act((p.id,), TODAY + timedelta(days=20)))  # planned: not "last interaction"
    svc.add_interaction(
        Interaction(occurred_on=TODAY - timedelta(days=3), channel=Channel.CALL, summary="call", people=(p.id,))
    )
    svc.add_entry(JournalEntry(written_on=TODAY - timedelta(days=100), text="note", people=(p.id,)))
    future = TODAY + timedelta(days=20)
    flows = [
        scores.ActFlow(a1.occurred_on, a1.direction, a1.weight),
        scores.ActFlow(a2.occurred_on, a2.direction, a2.weight, True),
        scores.ActFlow(future, Direction.GIVEN, 3),
    ]
    expected_balance = scores.balance(flows, TODAY)
    expected_warmth = scores.warmth(
        acts=[(f.on, f.weight) for f in flows],
        interactions=[TODAY - timedelta(days=3)],
        entries=[TODAY - timedelta(days=100)],
        today=TODAY,
    )
    summary = svc.person_summary(p.id)
    assert summary.last_interaction == TODAY - timedelta(days=3)
    assert summary.keep_in_touch_due == TODAY + timedelta(days=27)
    assert summary.balance == expected_balance
    assert summary.warmth == expected_warmth
    assert (summary.acts, summary.acts_given, summary.acts_received) == (3, 2, 1)
    assert (summary.interactions, summary.entries, summary.thanks_owed) == (1, 1, 1)
    rows = {r.id: r for r in svc.list_people()}
    assert rows[p.id].balance == expected_balance and rows[p.id].warmth == expected_warmth
    assert rows[p.id].last_interaction == summary.last_interaction
    assert rows[p.id].keep_in_touch_due == summary.keep_in_touch_due
    assert rows[q.id].last_interaction == TODAY - timedelta(days=40)
    assert rows[q.id].keep_in_touch_due is None
    assert [r.display_name for r in svc.list_people()] == ["Quiet", "Zoë"]


def test_archived_people_leave_the_list_unless_asked(svc: JournalService) -> None:
    a = svc.add_person(Person(display_name="A"))
    b = svc.add_person(Person(display_name="B"))
    archived = svc.archive_person(b.id)
    assert archived.archived and archived.version == 2
    assert [r.id for r in svc.list_people()] == [a.id]
    assert [r.id for r in svc.list_people(include_archived=True)] == [a.id, b.id]
    assert not svc.archive_person(b.id, archived=False).archived


def test_thanks_owed_open_needs_and_open_commitments(svc: JournalService) -> None:
    p = svc.add_person(Person(display_name="P"))
    old = svc.add_act(act((p.id,), TODAY - timedelta(days=20), Direction.RECEIVED))
    recent = svc.add_act(act((p.id,), TODAY - timedelta(days=2), Direction.RECEIVED))
    svc.add_act(act((p.id,), TODAY - timedelta(days=30), Direction.RECEIVED, thanked_on=TODAY))
    svc.add_act(act((p.id,), TODAY - timedelta(days=30), Direction.RECEIVED, thanks_not_needed=True))
    svc.add_act(act((p.id,), TODAY - timedelta(days=30), Direction.GIVEN))
    assert [a.id for a in svc.thanks_owed()] == [old.id, recent.id]
    assert [a.id for a in svc.thanks_owed(older_than_days=7)] == [old.id]
    svc.update_act(dataclasses.replace(old, thanked_on=TODAY, thanked_how="card"))
    assert [a.id for a in svc.thanks_owed()] == [recent.id]

    n_old = svc.add_need(Need(person_id=p.id, text="a", heard_on=TODAY - timedelta(days=9)))
    n_new = svc.add_need(Need(person_id=p.id, text="b", heard_on=TODAY, status=NeedStatus.HELPING))
    svc.add_need(Need(person_id=p.id, text="c", heard_on=TODAY, status=NeedStatus.MET))
    assert [n.id for n in svc.open_needs()] == [n_new.id, n_old.id]

    later = svc.add_commitment(
        Commitment(promiser=Promiser.ME, text="x", made_on=TODAY, people=(), due_on=TODAY + timedelta(days=9))
    )
    sooner = svc.add_commitment(
        Commitment(promiser=Promiser.ME, text="y", made_on=TODAY, people=(), due_on=TODAY + timedelta(days=1))
    )
    undated = svc.add_commitment(Commitment(promiser=Promiser.THEM, text="z", made_on=TODAY, people=(p.id,)))
    svc.add_commitment(
        Commitment(promiser=Promiser.ME, text="k", made_on=TODAY, people=(), status=CommitmentStatus.KEPT)
    )
    assert [c.id for c in svc.open_commitments()] == [sooner.id, later.id, undated.id]


def test_merge_people_moves_everything_and_unions_lists(svc: JournalService) -> None:
    keep = svc.add_person(Person(display_name="Zoë Smith", emails=("z@a.org",), tags=("a",), notes="keep notes"))
    other = svc.add_person(
        Person(
            display_name="Zoe S.",
            emails=("Z@A.org", "zoe@b.org"),
            tags=("b", "a"),
            organisation="Acme",
            notes=f"other notes {CANARY}",
            cadence_days=14,
        )
    )
    third = svc.add_person(Person(display_name="Friend", met_through_id=other.id))
    both = svc.add_act(act((keep.id, other.id), TODAY))
    only_other = svc.add_act(act((other.id,), TODAY - timedelta(days=1)))
    need = svc.add_need(Need(person_id=other.id, text="needs a mentor", heard_on=TODAY))
    reminder = svc.add_reminder(Reminder(text="ping", due_at=datetime(2026, 2, 1, tzinfo=UTC), person_id=other.id))

    merged = svc.merge_people(keep.id, other.id)

    assert merged.id == keep.id and merged.version == keep.version + 1
    assert merged.emails == ("z@a.org", "zoe@b.org")
    assert merged.tags == ("a", "b")
    assert merged.organisation == "Acme" and merged.cadence_days == 14
    assert merged.notes == f"keep notes\n\nother notes {CANARY}"
    with pytest.raises(NotFoundError):
        svc.get_person(other.id)
    assert svc.get_act(both.id).people == (keep.id,)
    assert svc.get_act(only_other.id).people == (keep.id,)
    assert svc.get_need(need.id).person_id == keep.id
    assert svc.get_reminder(reminder.id).person_id == keep.id
    assert svc.get_person(third.id).met_through_id == keep.id
    assert {i.id for i in svc.timeline(TimelineFilter(person_id=keep.id)).items} == {
        both.id,
        only_other.id,
        need.id,
        reminder.id,
    }
    assert all(h.id != other.id for h in svc.search("zoe"))
    with pytest.raises(ConflictError):
        svc.merge_people(keep.id, keep.id)


def test_find_people_is_prefix_and_accent_insensitive(svc: JournalService) -> None:
    anais = svc.add_person(Person(display_name="Anaïs Nin", given_name="Anaïs", family_name="Nin"))
    svc.add_person(Person(display_name="Bob Anderson"))
    svc.add_person(Person(display_name="Zoë Ångström"))
    assert [p.id for p in svc.find_people("ana")][:1] == [anais.id]
    assert [p.display_name for p in svc.find_people("ANAIS")] == ["Anaïs Nin"]
    assert [p.display_name for p in svc.find_people("zoe ang")] == ["Zoë Ångström"]
    assert {p.display_name for p in svc.find_people("an")} == {"Anaïs Nin", "Bob Anderson", "Zoë Ångström"}
    assert svc.find_people("") == [] and svc.find_people('"*(') == []
    renamed = svc.update_person(dataclasses.replace(svc.get_person(anais.id), display_name="Nina Simone"))
    assert [p.id for p in svc.find_people("nina")] == [renamed.id]


def test_add_many_is_one_transaction_and_fills_the_index(svc: JournalService) -> None:
    people = [Person(display_name=f"Person {n}") for n in range(50)]
    acts = [act((people[n % 50].id,), TODAY - timedelta(days=n)) for n in range(300)]
    needs = [Need(person_id=people[n].id, text=f"need {n} {CANARY}", heard_on=TODAY) for n in range(10)]
    batch = svc.add_import_batch(ImportBatch(source_name="contacts.csv", format="recipro"))
    svc.add_many(people=people, acts=acts, needs=needs, import_batch_id=batch.id)
    assert svc.stats()["people"] == 50 and svc.stats()["acts"] == 300
    assert len(svc.search(CANARY)) == 10
    assert svc.get_act(acts[7].id) == acts[7]
    with svc.database.session() as session:
        tagged = session.connection().exec_driver_sql(
            "SELECT count(*) FROM acts WHERE import_batch_id = ?", (batch.id.bytes,)
        )
        assert tagged.scalar() == 300
    bad = [Person(display_name="ok"), Person(display_name="")]
    with pytest.raises(ValidationError):
        svc.add_many(people=bad)
    assert svc.stats()["people"] == 50
    assert svc.list_import_batches()[0].source_name == "contacts.csv"


def test_settings_default_store_and_validate(svc: JournalService) -> None:
    from recipro_desktop.core import settings

    key = next(iter(settings.SETTINGS))
    assert svc.get_setting(key) == settings.default(key)
    spec = settings.spec(key)
    value = spec.default
    if spec.kind is settings.SettingKind.BOOL:
        value = not spec.default
    svc.set_setting(key, value)
    assert svc.get_setting(key) == settings.coerce(key, value)
    with pytest.raises(ValidationError):
        svc.get_setting("no-such-setting")
    with pytest.raises(ValidationError):
        svc.set_setting("no-such-setting", 1)
    assert svc.all_settings()[key] == settings.coerce(key, value)


def test_summary_counts_per_kind(svc: JournalService) -> None:
    p = svc.add_person(Person(display_name="P"))
    svc.add_need(Need(person_id=p.id, text="apples", heard_on=TODAY))
    svc.add_need(Need(person_id=p.id, text="b", heard_on=TODAY, status=NeedStatus.DROPPED))
    svc.add_commitment(Commitment(promiser=Promiser.THEM, text="c", made_on=TODAY, people=(p.id,)))
    svc.add_reminder(Reminder(text="r", due_at=datetime(2026, 1, 20, tzinfo=UTC), person_id=p.id))
    s = svc.person_summary(p.id)
    assert (s.needs, s.open_needs, s.commitments, s.open_commitments, s.reminders) == (2, 1, 1, 1, 1)
    assert s.acts == 0 and s.last_interaction is None and s.keep_in_touch_due is None
    assert s.balance.lean is scores.BalanceLean.NONE
    assert [h.kind for h in svc.search("app")] == [ItemKind.NEED]


def test_list_people_figures_equal_the_person_pages_exactly_on_a_demo_journal(
    svc: JournalService, clock: FixedClock
) -> None:
    """The People list reduces everyone's items in one grouped query (``repositories.person_figures``); every
    person's last interaction, balance and warmth must still be exactly what their page shows, which is the pure
    rules applied to their items (floats compared with ==: one rounding apart would show 49 in one place and 50
    in the other)."""
    data = generate_demo(people=60, items=2400, seed=5, today=TODAY)
    store_demo(svc, data)
    for day in (TODAY, TODAY - timedelta(days=700), TODAY + timedelta(days=45)):  # some items are "future" then
        clock.current = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        rows = svc.list_people(include_archived=True)
        assert len(rows) == 60
        leaning = set()
        for row in rows:
            page = svc.person_summary(row.id)
            shown = (row.last_interaction, row.keep_in_touch_due, row.balance, row.warmth)
            assert shown == (page.last_interaction, page.keep_in_touch_due, page.balance, page.warmth), row.id
            leaning.add(row.balance.lean)
        assert len(leaning) >= 3  # the demo has givers, receivers and the balanced: the sums are not all trivial


def test_list_people_adds_same_day_items_in_the_order_they_were_logged(svc: JournalService, clock: FixedClock) -> None:
    """Floating-point sums depend on their order: the list must take a person's items in the same order as their
    page (by day, then when they were logged), whatever order they were typed in."""
    p = svc.add_person(Person(display_name="P"))
    logged = ((40, 5), (40, 1), (12, 4), (40, 2), (3, 3), (12, 1), (3, 5))  # (days ago, weight): days revisited
    for n, (days_ago, weight) in enumerate(logged):
        clock.advance(timedelta(seconds=1))
        direction = Direction.GIVEN if n % 3 else Direction.RECEIVED
        svc.add_act(act((p.id,), TODAY - timedelta(days=days_ago), direction, weight=weight))
    svc.add_interaction(
        Interaction(occurred_on=TODAY - timedelta(days=13), channel=Channel.CALL, summary="call", people=(p.id,))
    )
    [row] = svc.list_people()
    page = svc.person_summary(p.id)
    assert (row.balance, row.warmth) == (page.balance, page.warmth)
    flows = [scores.ActFlow(a.occurred_on, a.direction, a.weight) for a in reversed(svc.acts_for(p.id))]
    assert row.balance == scores.balance(flows, TODAY)


def test_the_people_list_keeps_in_touch_by_the_rule_today_and_the_tray_use(
    svc: JournalService, clock: FixedClock
) -> None:
    """One keep-in-touch rule (core.reminders.cadence_due_on): the default cadence for people without their own,
    the day they were added for the never-contacted with a cadence, nothing for the archived."""
    from recipro_desktop.services.today import build_today

    svc.set_setting("default_cadence_days", 30)
    by_default = svc.add_person(Person(display_name="By default"))
    own = svc.add_person(Person(display_name="Own cadence", cadence_days=10))
    never = svc.add_person(Person(display_name="Never contacted, own cadence", cadence_days=7))
    never_default = svc.add_person(Person(display_name="Never contacted, default cadence"))
    archived = svc.add_person(Person(display_name="Archived", archived=True))
    for who, days_ago in ((by_default, 40), (own, 4), (archived, 90)):
        svc.add_interaction(
            Interaction(
                occurred_on=TODAY - timedelta(days=days_ago), channel=Channel.CALL, summary="call", people=(who.id,)
            )
        )
    added = clock.now().astimezone(UTC).date()

    rows = {r.id: r for r in svc.list_people(include_archived=True)}
    assert rows[by_default.id].keep_in_touch_due == TODAY - timedelta(days=10)  # the default cadence applies
    assert rows[own.id].keep_in_touch_due == TODAY + timedelta(days=6)
    assert rows[never.id].keep_in_touch_due == added + timedelta(days=7)
    assert rows[never_default.id].keep_in_touch_due is None
    assert rows[archived.id].keep_in_touch_due is None
    assert svc.person_summary(by_default.id).keep_in_touch_due == rows[by_default.id].keep_in_touch_due

    later = FixedClock(clock.now() + timedelta(days=8))
    drifting = {d.person.id for d in build_today(JournalService(svc.database, later), later).drifting}
    overdue = {r.id for r in rows.values() if r.keep_in_touch_due is not None and r.keep_in_touch_due <= later.today()}
    names = {r.id: r.display_name for r in rows.values()}
    assert sorted(names[i] for i in drifting) == sorted(names[i] for i in overdue)
    assert drifting == {by_default.id, own.id, never.id}
