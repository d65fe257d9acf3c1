"""The demo journal: deterministic, varied, consistently linked, and valid item by item."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta
from uuid import UUID

import pytest

from recipro_desktop.core.models import (
    ActKind,
    Channel,
    CommitmentStatus,
    Direction,
    NeedStatus,
    Promiser,
    PromptKind,
    Recurrence,
)
from recipro_desktop.core.validation import (
    validate_act,
    validate_commitment,
    validate_entry,
    validate_interaction,
    validate_need,
    validate_person,
    validate_reminder,
)
from recipro_desktop.services.demo import HISTORY_DAYS, DemoData, generate_demo

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(today=TODAY)


def all_ids(d: DemoData) -> list[UUID]:
    return [
        x.id
        for coll in (d.people, d.acts, d.needs, d.commitments, d.interactions, d.entries, d.reminders)
        for x in coll
    ]


def test_same_seed_same_journal_including_ids(demo: DemoData) -> None:
    again = generate_demo(today=TODAY)
    assert again == demo
    other = generate_demo(today=TODAY, seed=8)
    assert other.people[0].id != demo.people[0].id
    assert [p.display_name for p in other.people] != [p.display_name for p in demo.people]


def test_ids_are_unique_uuid4(demo: DemoData) -> None:
    ids = all_ids(demo)
    assert len(ids) == len(set(ids))
    assert all(i.version == 4 for i in ids)


def test_default_size_is_twenty_items_per_person(demo: DemoData) -> None:
    assert len(demo.people) == 120
    assert demo.item_count == 2400
    assert sum(demo.counts().values()) == 2520
    assert generate_demo(people=30, items=500, today=TODAY).item_count == 500


def test_every_item_passes_validation(demo: DemoData) -> None:
    for p in demo.people:
        validate_person(p)
    for a in demo.acts:
        validate_act(a)
    for n in demo.needs:
        validate_need(n)
    for c in demo.commitments:
        validate_commitment(c)
    for i in demo.interactions:
        validate_interaction(i)
    for e in demo.entries:
        validate_entry(e)
    for r in demo.reminders:
        validate_reminder(r)


def test_every_kind_in_both_directions(demo: DemoData) -> None:
    seen = {(a.kind, a.direction) for a in demo.acts}
    assert seen == {(k, d) for k in ActKind for d in Direction}


def test_every_status_channel_prompt_and_recurrence(demo: DemoData) -> None:
    assert {i.channel for i in demo.interactions} == set(Channel)
    assert {n.status for n in demo.needs} == set(NeedStatus)
    assert {c.status for c in demo.commitments} == set(CommitmentStatus)
    assert {c.promiser for c in demo.commitments} == set(Promiser)
    assert {e.prompt_kind for e in demo.entries} == set(PromptKind)
    assert Recurrence.NONE in {r.recurrence for r in demo.reminders}
    assert len({r.recurrence for r in demo.reminders}) >= 3


def test_links_point_at_existing_items(demo: DemoData) -> None:
    people = {p.id for p in demo.people}
    acts = {a.id: a for a in demo.acts}
    needs = {n.id: n for n in demo.needs}
    for coll in (demo.acts, demo.commitments, demo.interactions, demo.entries):
        for item in coll:
            assert set(item.people) <= people
    for p in demo.people:
        assert p.met_through_id is None or (p.met_through_id in people and p.met_through_id != p.id)
    for n in demo.needs:
        assert n.person_id in people
        if n.met_by_act_id is not None:
            act = acts[n.met_by_act_id]
            assert n.status is NeedStatus.MET
            assert act.meets_need_id == n.id
            assert n.person_id in act.people
            assert act.occurred_on >= n.heard_on
    for a in demo.acts:
        if a.meets_need_id is not None:
            assert needs[a.meets_need_id].met_by_act_id == a.id
            assert a.direction is Direction.GIVEN
        if a.in_return_for_id is not None:
            earlier = acts[a.in_return_for_id]
            assert earlier.direction is not a.direction
            assert earlier.occurred_on <= a.occurred_on
            assert set(earlier.people) & set(a.people)
    for c in demo.commitments:
        if c.fulfilled_by_act_id is not None:
            act = acts[c.fulfilled_by_act_id]
            assert c.status is CommitmentStatus.KEPT
            assert act.direction is (Direction.GIVEN if c.promiser is Promiser.ME else Direction.RECEIVED)
            assert set(c.people) & set(act.people)
    for r in demo.reminders:
        assert r.person_id is None or r.person_id in people


def test_links_of_every_sort_exist(demo: DemoData) -> None:
    assert sum(a.in_return_for_id is not None for a in demo.acts) >= 10
    assert sum(a.meets_need_id is not None for a in demo.acts) >= 10
    assert sum(c.fulfilled_by_act_id is not None for c in demo.commitments) >= 10
    assert sum(p.met_through_id is not None for p in demo.people) >= 3
    assert any(a.paid_forward and a.direction is Direction.RECEIVED for a in demo.acts)


def test_thank_yous_mostly_sent_some_owed(demo: DemoData) -> None:
    received = [a for a in demo.acts if a.direction is Direction.RECEIVED]
    thanked = [a for a in received if a.thanked_on is not None]
    owed = [a for a in received if a.thanked_on is None and not a.thanks_not_needed]
    assert len(thanked) > len(received) * 0.7
    assert owed
    assert any(a.thanks_not_needed for a in received)
    for a in thanked:
        assert a.occurred_on <= a.thanked_on <= TODAY
        assert a.thanked_how
    assert all(a.thanked_on is None for a in demo.acts if a.direction is Direction.GIVEN)


def test_promises_due_today_overdue_and_soon(demo: DemoData) -> None:
    open_due = [c.due_on for c in demo.commitments if c.status is CommitmentStatus.OPEN and c.due_on is not None]
    assert TODAY in open_due
    assert any(d < TODAY for d in open_due)
    assert any(TODAY < d <= TODAY + timedelta(days=7) for d in open_due)
    for c in demo.commitments:
        assert c.made_on <= TODAY
        assert c.due_on is None or c.due_on >= c.made_on


def test_dates_span_three_years_and_never_the_future(demo: DemoData) -> None:
    start = TODAY - timedelta(days=HISTORY_DAYS)
    days = [a.occurred_on for a in demo.acts] + [i.occurred_on for i in demo.interactions]
    days += [e.written_on for e in demo.entries] + [n.heard_on for n in demo.needs]
    assert min(days) >= start and max(days) <= TODAY
    assert min(days) < start + timedelta(days=90)
    assert max(days) > TODAY - timedelta(days=7)


def test_created_at_follows_the_item_date(demo: DemoData) -> None:
    for a in demo.acts:
        assert a.created_at.date() == a.occurred_on and a.created_at.tzinfo is not None
        assert a.updated_at >= a.created_at
    for i in demo.interactions:
        assert i.created_at.date() == i.occurred_on
    for e in demo.entries:
        assert e.created_at.date() == e.written_on
    for n in demo.needs:
        assert n.created_at.date() == n.heard_on
    for r in demo.reminders:
        assert r.created_at <= r.due_at


def test_people_are_varied(demo: DemoData) -> None:
    names = [p.display_name for p in demo.people]
    assert len(set(names)) > 110
    assert sum(not n.isascii() for n in names) >= 20  # accents from many cultures
    assert len({p.organisation for p in demo.people}) > 30
    assert len({t for p in demo.people for t in p.tags}) > 20
    with_birthday = sum(p.birthday_month is not None for p in demo.people)
    with_cadence = sum(p.cadence_days is not None for p in demo.people)
    assert 0.35 * 120 < with_birthday < 0.7 * 120
    assert 0.2 * 120 < with_cadence < 0.5 * 120
    assert any((p.birthday_month, p.birthday_day) == (2, 29) for p in demo.people)
    assert sum(bool(p.how_met) for p in demo.people) > 40
    assert sum(bool(p.can_help_with) for p in demo.people) > 25
    assert len({a.summary for a in demo.acts}) > len(demo.acts) * 0.6


def test_a_few_close_people_and_a_long_tail(demo: DemoData) -> None:
    per_person: Counter[UUID] = Counter()
    for coll in (demo.acts, demo.interactions, demo.commitments):
        for item in coll:
            per_person.update(set(item.people))
    counts = sorted((per_person[p.id] for p in demo.people), reverse=True)
    median = counts[len(counts) // 2]
    assert counts[0] >= 5 * median
    assert sum(counts[:5]) > 0.2 * sum(counts)


def test_every_person_has_at_least_one_item(demo: DemoData) -> None:
    named = {p for coll in (demo.acts, demo.interactions) for item in coll for p in item.people}
    assert named == {p.id for p in demo.people}


def test_tiny_journals() -> None:
    one = generate_demo(people=1, items=60, today=TODAY)
    assert len(one.people) == 1 and one.item_count == 60
    for a in one.acts:
        validate_act(a)
    empty = generate_demo(people=3, items=0, today=TODAY)
    assert empty.item_count == 0 and len(empty.people) == 3
    with pytest.raises(ValueError):
        generate_demo(people=0, today=TODAY)
    with pytest.raises(ValueError):
        generate_demo(people=1, items=-1, today=TODAY)


@pytest.mark.slow
def test_ten_thousand_people_two_hundred_thousand_items_is_fast() -> None:
    """DESIGN §6 benchmark network: 10,000 people / 200,000 items must generate well under 20 s."""
    started = time.perf_counter()
    big = generate_demo(people=10_000, items=200_000, today=TODAY)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"took {elapsed:.1f} s"
    assert len(big.people) == 10_000 and big.item_count == 200_000
    ids = all_ids(big)
    assert len(ids) == len(set(ids))
    people = {p.id for p in big.people}
    assert all(set(a.people) <= people for a in big.acts)
    for a in big.acts[::97]:
        validate_act(a)
    for p in big.people[::53]:
        validate_person(p)
    for i in big.interactions[::101]:
        validate_interaction(i)


def test_the_demo_gives_a_lively_today_view(demo: DemoData) -> None:
    """Opening the demo on its ``today`` shows something for every reminder rule, but not a flood."""
    from datetime import UTC, datetime

    from recipro_desktop.core.reminders import NudgeRule, ReminderInputs, ReminderSettings, due_nudges

    last: dict[UUID, date] = {}
    dated = [(a.occurred_on, a.people) for a in demo.acts] + [(i.occurred_on, i.people) for i in demo.interactions]
    dated += [(e.written_on, e.people) for e in demo.entries]
    for on, people in dated:
        for p in people:
            last[p] = max(on, last.get(p, on))
    inputs = ReminderInputs.from_models(
        people=demo.people,
        last_contact=last,
        acts=demo.acts,
        commitments=demo.commitments,
        needs=demo.needs,
        reminders=demo.reminders,
    )
    nudges = due_nudges(inputs, datetime(2026, 1, 15, 9, 0, tzinfo=UTC), ReminderSettings())
    by_rule = Counter(n.rule for n in nudges)
    assert set(by_rule) == set(NudgeRule), by_rule
    assert len(nudges) < 150
