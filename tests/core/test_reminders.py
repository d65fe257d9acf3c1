"""Reminder rules with a fixed clock: every rule, due today vs overdue, Feb 29, quiet hours, recurrence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Commitment,
    CommitmentStatus,
    Direction,
    ItemKind,
    Need,
    NeedStatus,
    Person,
    Promiser,
    Recurrence,
    Reminder,
)
from recipro_desktop.core.reminders import (
    ActSnapshot,
    CommitmentSnapshot,
    NeedSnapshot,
    Nudge,
    NudgeRule,
    PersonSnapshot,
    ReminderInputs,
    ReminderSettings,
    current_occurrence,
    digest_due,
    due_nudges,
    in_quiet_hours,
    last_digest_slot,
    next_birthday,
    next_occurrence,
    notification_text,
    quiet_until,
    summarise,
)
from tests.conftest import CANARY

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
S = ReminderSettings()
ANA = PersonSnapshot(id=uuid4(), first_name="Anaïs")
BO = PersonSnapshot(id=uuid4(), first_name="Bo")


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def run(
    now: datetime = NOW,
    settings: ReminderSettings = S,
    dismissed: dict[str, datetime | None] | None = None,
    **inputs: object,
) -> list[Nudge]:
    people = inputs.pop("people", (ANA, BO))
    return due_nudges(ReminderInputs(people=people, **inputs), now, settings, dismissed)  # type: ignore[arg-type]


def received(days_ago: int, **kw: object) -> ActSnapshot:
    return ActSnapshot(
        id=kw.pop("id", uuid4()), people=(ANA.id,), occurred_on=ago(days_ago), summary="Intro to Lumen", **kw
    )  # type: ignore[arg-type]


# --- thanks owed -----------------------------------------------------------------------------------------


def test_thanks_owed_after_three_days_due_today_then_overdue() -> None:
    assert run(acts=(received(2),)) == []
    (n,) = run(acts=(received(3),))
    assert (n.rule, n.item_kind, n.overdue, n.due_on) == (NudgeRule.THANKS_OWED, ItemKind.ACT, False, TODAY)
    assert n.first_names == ("Anaïs",) and n.person_ids == (ANA.id,)
    assert n.title == "Thank Anaïs: Intro to Lumen"
    (n,) = run(acts=(received(4),))
    assert n.overdue and n.due_on == ago(1)


def test_thanked_given_or_not_needed_acts_owe_nothing() -> None:
    assert run(acts=(received(30, thanked=True), received(30, direction=Direction.GIVEN))) == []
    act = Act(
        occurred_on=ago(30),
        direction=Direction.RECEIVED,
        kind=ActKind.GIFT,
        summary="s",
        people=(ANA.id,),
        thanks_not_needed=True,
    )
    assert run(acts=(ActSnapshot.from_act(act),)) == []


def test_thanks_delay_is_a_setting() -> None:
    settings = ReminderSettings(thanks_after_days=0)
    assert len(run(settings=settings, acts=(received(0),))) == 1


# --- promises --------------------------------------------------------------------------------------------


def promise(
    due: date | None,
    promiser: Promiser = Promiser.ME,
    status: CommitmentStatus = CommitmentStatus.OPEN,
    people: tuple[UUID, ...] = (),
) -> CommitmentSnapshot:
    return CommitmentSnapshot(
        id=uuid4(), promiser=promiser, people=people or (BO.id,), text="Send the deck", due_on=due, status=status
    )


def test_promise_lead_day_due_today_and_overdue() -> None:
    assert run(commitments=(promise(TODAY + timedelta(days=2)),)) == []
    (n,) = run(commitments=(promise(TODAY + timedelta(days=1)),))
    assert n.rule is NudgeRule.PROMISE_DUE_MINE and not n.overdue
    assert n.title == "Your promise to Bo: Send the deck"
    (n,) = run(commitments=(promise(TODAY),))
    assert not n.overdue
    (n,) = run(commitments=(promise(ago(1)),))
    assert n.overdue


def test_their_promises_and_closed_or_undated_ones() -> None:
    (n,) = run(commitments=(promise(TODAY, Promiser.THEM),))
    assert n.rule is NudgeRule.PROMISE_DUE_THEIRS and n.title == "Bo promised: Send the deck"
    closed = [
        promise(ago(5), status=s) for s in (CommitmentStatus.KEPT, CommitmentStatus.BROKEN, CommitmentStatus.CANCELLED)
    ]
    assert run(commitments=(*closed, promise(None))) == []


def test_promise_rules_switch_off_separately() -> None:
    mine_only = ReminderSettings(rules=frozenset(NudgeRule) - {NudgeRule.PROMISE_DUE_THEIRS})
    nudges = run(settings=mine_only, commitments=(promise(TODAY), promise(TODAY, Promiser.THEM)))
    assert [n.rule for n in nudges] == [NudgeRule.PROMISE_DUE_MINE]


# --- keep in touch ---------------------------------------------------------------------------------------


def test_keep_in_touch_due_on_cadence_day_overdue_after() -> None:
    def person(last: int) -> PersonSnapshot:
        return PersonSnapshot(id=ANA.id, first_name="Anaïs", cadence_days=30, last_contact=ago(last))

    assert run(people=(person(29),)) == []
    (n,) = run(people=(person(30),))
    assert (n.rule, n.item_kind, n.item_id, n.overdue) == (NudgeRule.KEEP_IN_TOUCH, ItemKind.PERSON, ANA.id, False)
    assert n.title == "Catch up with Anaïs"
    (n,) = run(people=(person(31),))
    assert n.overdue


def test_logging_anything_restarts_the_cadence_and_changes_the_key() -> None:
    before = PersonSnapshot(id=ANA.id, first_name="A", cadence_days=30, last_contact=ago(40))
    (n,) = run(people=(before,))
    dismissed: dict[str, datetime | None] = {n.key: None}
    assert run(people=(before,), dismissed=dismissed) == []
    # an interaction 35 days ago does not matter; one 20 days ago restarts the clock
    assert run(people=(PersonSnapshot(id=ANA.id, first_name="A", cadence_days=30, last_contact=ago(20)),)) == []
    later = PersonSnapshot(id=ANA.id, first_name="A", cadence_days=30, last_contact=ago(31))
    (m,) = run(people=(later,), dismissed=dismissed)
    assert m.key != n.key


def test_never_contacted_uses_known_since_with_their_own_cadence_only() -> None:
    new = PersonSnapshot(id=ANA.id, first_name="A", known_since=ago(10))
    assert run(people=(new,)) == []  # no cadence at all
    # The default cadence applies to people you have been in touch with: a never-contacted contact under it is
    # not nudged (setting it after importing an address book would make every contact due on the same day).
    # Today always worked this way; the tray nudged them, so the two disagreed (tests/services/test_today_agrees).
    assert run(people=(new,), settings=ReminderSettings(default_cadence_days=10)) == []
    contacted = replace(new, last_contact=ago(10))
    (n,) = run(people=(contacted,), settings=ReminderSettings(default_cadence_days=10))
    assert n.rule is NudgeRule.KEEP_IN_TOUCH
    own = replace(new, cadence_days=10)
    (n,) = run(people=(own,), settings=ReminderSettings(default_cadence_days=11))  # their own cadence wins
    assert (n.rule, n.due_on) == (NudgeRule.KEEP_IN_TOUCH, ago(0))
    assert run(people=(replace(new, cadence_days=11),)) == []
    nothing_known = PersonSnapshot(id=ANA.id, first_name="A", cadence_days=1)
    assert run(people=(nothing_known,)) == []


def test_archived_people_are_not_nudged() -> None:
    p = PersonSnapshot(
        id=ANA.id,
        first_name="A",
        cadence_days=7,
        last_contact=ago(100),
        birthday_month=1,
        birthday_day=15,
        archived=True,
    )
    assert run(people=(p,)) == []


# --- needs -----------------------------------------------------------------------------------------------


def test_need_follow_up() -> None:
    def need(on: date, status: NeedStatus = NeedStatus.OPEN) -> NeedSnapshot:
        return NeedSnapshot(id=uuid4(), person_id=BO.id, text="Needs an accountant", follow_up_on=on, status=status)

    assert run(needs=(need(TODAY + timedelta(days=1)),)) == []
    (n,) = run(needs=(need(TODAY),))
    assert (n.rule, n.item_kind, n.overdue, n.title) == (
        NudgeRule.NEED_FOLLOW_UP,
        ItemKind.NEED,
        False,
        "Follow up with Bo: Needs an accountant",
    )
    assert run(needs=(need(ago(3), NeedStatus.HELPING),))[0].overdue
    assert run(needs=(need(ago(3), NeedStatus.MET), need(ago(3), NeedStatus.DROPPED))) == []


# --- birthdays -------------------------------------------------------------------------------------------


def test_next_birthday_and_feb_29() -> None:
    assert next_birthday(1, 15, date(2026, 1, 15)) == date(2026, 1, 15)
    assert next_birthday(1, 14, date(2026, 1, 15)) == date(2027, 1, 14)
    assert next_birthday(2, 29, date(2026, 1, 15)) == date(2026, 2, 28)
    assert next_birthday(2, 29, date(2027, 3, 1)) == date(2028, 2, 29)
    assert next_birthday(2, 29, date(2028, 2, 29)) == date(2028, 2, 29)
    assert next_birthday(2, 29, date(2026, 2, 28)) == date(2026, 2, 28)
    assert next_birthday(12, 31, date(2026, 12, 31)) == date(2026, 12, 31)


def test_birthday_window_and_titles() -> None:
    def bday(month: int, day: int) -> tuple[PersonSnapshot]:
        return (PersonSnapshot(id=ANA.id, first_name="Anaïs", birthday_month=month, birthday_day=day),)

    assert run(people=bday(1, 23)) == []  # 8 days ahead
    (n,) = run(people=bday(1, 22))
    assert n.title == "Anaïs's birthday in 7 days" and n.due_on == date(2026, 1, 22) and not n.overdue
    assert run(people=bday(1, 16))[0].title == "Anaïs's birthday tomorrow"
    assert run(people=bday(1, 15))[0].title == "Anaïs's birthday today"
    assert run(people=bday(1, 14)) == []  # passed yesterday: next year's is far away
    aged = PersonSnapshot(id=ANA.id, first_name="Anaïs", birthday_month=1, birthday_day=16, birthday_year=1986)
    assert run(people=(aged,))[0].title == "Anaïs's birthday tomorrow (turns 40)"


def test_feb_29_birthday_in_a_non_leap_year_shows_on_feb_28() -> None:
    p = (PersonSnapshot(id=ANA.id, first_name="A", birthday_month=2, birthday_day=29),)
    (n,) = run(now=datetime(2026, 2, 28, 9, tzinfo=UTC), people=p)
    assert n.due_on == date(2026, 2, 28) and n.title == "A's birthday today"
    assert run(now=datetime(2026, 3, 1, 9, tzinfo=UTC), people=p) == []
    (n,) = run(now=datetime(2028, 2, 29, 9, tzinfo=UTC), people=p)
    assert n.due_on == date(2028, 2, 29)


def test_birthday_key_is_per_year() -> None:
    p = (PersonSnapshot(id=ANA.id, first_name="A", birthday_month=1, birthday_day=15),)
    (this_year,) = run(people=p)
    assert run(people=p, dismissed={this_year.key: None}) == []
    (next_year,) = run(now=NOW.replace(year=2027), people=p, dismissed={this_year.key: None})
    assert next_year.key != this_year.key and "2027-01-15" in next_year.key


# --- user reminders --------------------------------------------------------------------------------------


def reminder(due: datetime, recurrence: Recurrence = Recurrence.NONE, **kw: object) -> Reminder:
    return Reminder(text=kw.pop("text", "Call Bo"), due_at=due, recurrence=recurrence, **kw)  # type: ignore[arg-type]


def test_one_off_user_reminder_at_its_instant() -> None:
    r = reminder(NOW + timedelta(minutes=1), person_id=BO.id)
    assert run(reminders=(r,)) == []
    (n,) = run(now=NOW + timedelta(minutes=1), reminders=(r,))
    assert (n.rule, n.item_kind, n.item_id, n.due_at, n.overdue) == (
        NudgeRule.USER_REMINDER,
        ItemKind.REMINDER,
        r.id,
        r.due_at,
        False,
    )
    assert n.first_names == ("Bo",) and n.title == "Call Bo"
    (n,) = run(now=NOW + timedelta(days=1), reminders=(r,))
    assert n.overdue
    assert run(now=NOW + timedelta(days=1), reminders=(reminder(NOW, done=True),)) == []


def test_snoozed_reminder_waits_for_its_snooze() -> None:
    r = reminder(NOW - timedelta(hours=1), snoozed_until=NOW + timedelta(hours=2))
    assert run(reminders=(r,)) == []
    assert len(run(now=NOW + timedelta(hours=2), reminders=(r,))) == 1


def test_recurring_reminder_shows_only_its_latest_occurrence_once() -> None:
    r = reminder(datetime(2026, 1, 1, 8, 30, tzinfo=UTC), Recurrence.DAILY)
    (n,) = run(reminders=(r,))
    assert n.due_at == datetime(2026, 1, 15, 8, 30, tzinfo=UTC) and not n.overdue
    assert run(reminders=(r,), dismissed={n.key: None}) == []
    (tomorrow,) = run(now=NOW + timedelta(days=1), reminders=(r,), dismissed={n.key: None})
    assert tomorrow.key != n.key
    # at 08:00 today's occurrence is not due yet; yesterday's shows as overdue
    (early,) = run(now=NOW.replace(hour=8), reminders=(r,))
    assert early.due_on == ago(1) and early.overdue


@pytest.mark.parametrize(
    ("base", "recurrence", "after", "expected"),
    [
        (
            datetime(2026, 1, 1, 9, tzinfo=UTC),
            Recurrence.DAILY,
            datetime(2026, 1, 15, 9, tzinfo=UTC),
            datetime(2026, 1, 16, 9, tzinfo=UTC),
        ),
        (
            datetime(2026, 1, 1, 9, tzinfo=UTC),
            Recurrence.DAILY,
            datetime(2026, 1, 15, 8, 59, tzinfo=UTC),
            datetime(2026, 1, 15, 9, tzinfo=UTC),
        ),
        (
            datetime(2026, 1, 5, 9, tzinfo=UTC),
            Recurrence.WEEKLY,
            datetime(2026, 1, 15, tzinfo=UTC),
            datetime(2026, 1, 19, 9, tzinfo=UTC),
        ),
        (
            datetime(2026, 1, 31, 9, tzinfo=UTC),
            Recurrence.MONTHLY,
            datetime(2026, 2, 1, tzinfo=UTC),
            datetime(2026, 2, 28, 9, tzinfo=UTC),
        ),
        (
            datetime(2026, 1, 31, 9, tzinfo=UTC),
            Recurrence.MONTHLY,
            datetime(2026, 2, 28, 9, tzinfo=UTC),
            datetime(2026, 3, 31, 9, tzinfo=UTC),
        ),
        (
            datetime(2024, 1, 31, 9, tzinfo=UTC),
            Recurrence.MONTHLY,
            datetime(2024, 2, 1, tzinfo=UTC),
            datetime(2024, 2, 29, 9, tzinfo=UTC),
        ),
        (
            datetime(2025, 12, 31, 9, tzinfo=UTC),
            Recurrence.MONTHLY,
            datetime(2026, 3, 31, 10, tzinfo=UTC),
            datetime(2026, 4, 30, 9, tzinfo=UTC),
        ),
        (
            datetime(2024, 2, 29, 9, tzinfo=UTC),
            Recurrence.YEARLY,
            datetime(2024, 3, 1, tzinfo=UTC),
            datetime(2025, 2, 28, 9, tzinfo=UTC),
        ),
        (
            datetime(2024, 2, 29, 9, tzinfo=UTC),
            Recurrence.YEARLY,
            datetime(2027, 3, 1, tzinfo=UTC),
            datetime(2028, 2, 29, 9, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 1, 9, tzinfo=UTC),
            Recurrence.MONTHLY,
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 3, 1, 9, tzinfo=UTC),
        ),
    ],
)
def test_next_occurrence(base: datetime, recurrence: Recurrence, after: datetime, expected: datetime) -> None:
    assert next_occurrence(reminder(base, recurrence), after) == expected


def test_next_occurrence_one_off_and_far_future() -> None:
    r = reminder(NOW)
    assert next_occurrence(r, NOW - timedelta(seconds=1)) == NOW
    assert next_occurrence(r, NOW) is None
    daily = reminder(datetime(1990, 1, 1, 9, tzinfo=UTC), Recurrence.DAILY)
    assert next_occurrence(daily, NOW) == datetime(2026, 1, 16, 9, tzinfo=UTC)
    assert current_occurrence(daily, NOW) == datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert current_occurrence(reminder(NOW + timedelta(days=1), Recurrence.DAILY), NOW) is None


def test_recurrence_is_dst_free_in_utc_and_wall_clock_in_a_zone() -> None:
    utc = reminder(datetime(2026, 3, 28, 8, 0, tzinfo=UTC), Recurrence.DAILY)
    assert next_occurrence(utc, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    try:
        berlin = ZoneInfo("Europe/Berlin")
    except Exception:  # pragma: no cover - no tz database on this machine
        pytest.skip("no zoneinfo database")
    local = reminder(datetime(2026, 3, 28, 9, 0, tzinfo=berlin), Recurrence.DAILY)
    nxt = next_occurrence(local, datetime(2026, 3, 28, 9, 0, tzinfo=berlin))
    assert nxt is not None and (nxt.hour, nxt.day) == (9, 29)
    # the spring-forward day is 23 hours long (same-zone subtraction is wall-clock, so compare in UTC)
    assert nxt.astimezone(UTC) - local.due_at.astimezone(UTC) == timedelta(hours=23)


# --- dismissal, order, naive clocks ---------------------------------------------------------------------


def test_snooze_in_dismissed_map_hides_until_then() -> None:
    (n,) = run(acts=(received(5),))
    until = NOW + timedelta(hours=3)
    assert run(acts=(received(5, id=n.item_id),), dismissed={n.key: until}) == []
    assert len(run(now=until, acts=(received(5, id=n.item_id),), dismissed={n.key: until})) == 1


def test_order_is_oldest_first_then_by_rule() -> None:
    nudges = run(
        acts=(received(10),),
        commitments=(promise(ago(1)), promise(TODAY + timedelta(days=1))),
        people=(ANA, BO, PersonSnapshot(id=uuid4(), first_name="C", birthday_month=1, birthday_day=18)),
    )
    assert [n.rule for n in nudges] == [
        NudgeRule.THANKS_OWED,
        NudgeRule.PROMISE_DUE_MINE,
        NudgeRule.PROMISE_DUE_MINE,
        NudgeRule.BIRTHDAY,
    ]
    assert [n.overdue for n in nudges] == [True, True, False, False]


def test_keys_are_stable_and_distinct() -> None:
    acts = (received(5), received(6))
    first = run(acts=acts)
    assert [n.key for n in first] == [n.key for n in run(acts=acts)]
    assert len({n.key for n in first}) == 2
    assert first[0].key.startswith("thanks_owed:")


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        run(now=datetime(2026, 1, 15, 9))


def test_local_now_decides_today() -> None:
    """Just after local midnight east of UTC, 'today' is already the next day."""
    tz = ZoneInfo("Asia/Tokyo")
    local_now = datetime(2026, 1, 16, 0, 30, tzinfo=tz)  # 15:30 UTC on the 15th
    (n,) = run(now=local_now, commitments=(promise(date(2026, 1, 15)),))
    assert n.overdue


def test_titles_are_one_line_short_and_free_of_invisible_controls() -> None:
    spoof = PersonSnapshot(id=ANA.id, first_name="An\u202eaïs\u200b")
    act = ActSnapshot(id=uuid4(), people=(ANA.id,), occurred_on=ago(5), summary="line one\nline two " + "x" * 200)
    (n,) = run(people=(spoof,), acts=(act,))
    assert n.first_names == ("Anaïs",)
    assert "\n" not in n.title and "\u202e" not in n.title
    assert len(n.title) == 80 and n.title.endswith("…")


def test_from_models_builds_snapshots() -> None:
    p = Person(display_name="Dr. Zoë Martin", cadence_days=7, created_at=datetime(2025, 1, 1, tzinfo=UTC))
    q = Person(display_name="x", given_name="Łukasz", birthday_month=1, birthday_day=20, birthday_year=1990)
    a = Act(occurred_on=ago(9), direction=Direction.RECEIVED, kind=ActKind.FAVOR, summary="s", people=(p.id,))
    c = Commitment(promiser=Promiser.THEM, text="t", made_on=ago(9), people=(q.id,), due_on=TODAY)
    mine = Commitment(promiser=Promiser.ME, text="t", made_on=ago(9), people=(q.id,), due_on=TODAY)
    n = Need(person_id=q.id, text="n", heard_on=ago(9), follow_up_on=TODAY)
    r = Reminder(text="r", due_at=NOW)
    inputs = ReminderInputs.from_models(
        people=(p, q), last_contact={p.id: ago(9)}, acts=(a,), commitments=(c, mine), needs=(n,), reminders=(r,)
    )
    assert inputs.people[0].first_name == "Zoë" and inputs.people[1].first_name == "Łukasz"
    assert inputs.people[0].known_since == date(2025, 1, 1)
    assert inputs.people[1].birthday_year == 1990
    rules = {x.rule for x in due_nudges(inputs, NOW, S)}
    assert rules == set(NudgeRule)


def test_all_rules_can_be_switched_off() -> None:
    off = ReminderSettings(rules=frozenset())
    p = PersonSnapshot(
        id=ANA.id, first_name="A", cadence_days=1, last_contact=ago(9), birthday_month=1, birthday_day=15
    )
    assert (
        run(settings=off, people=(p,), acts=(received(9),), commitments=(promise(TODAY),), reminders=(reminder(NOW),))
        == []
    )


def test_settings_from_registry_values() -> None:
    s = ReminderSettings.from_settings(
        {
            "remind_birthdays": "no",
            "thanks_after_days": 5,
            "quiet_hours_start": "23:15",
            "digest": "weekly",
            "digest_weekday": "friday",
            "backup_keep": 3,
        }
    )
    assert NudgeRule.BIRTHDAY not in s.rules and NudgeRule.THANKS_OWED in s.rules
    assert s.thanks_after_days == 5 and s.quiet_hours_start == time(23, 15) and s.digest_weekday == 4
    assert ReminderSettings.from_settings({}) == ReminderSettings()


# --- quiet hours and digest -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hhmm", "quiet"),
    [
        ((21, 59), False),
        ((22, 0), True),
        ((23, 59), True),
        ((0, 0), True),
        ((7, 59), True),
        ((8, 0), False),
        ((12, 0), False),
    ],
)
def test_quiet_hours_across_midnight(hhmm: tuple[int, int], quiet: bool) -> None:
    now = NOW.replace(hour=hhmm[0], minute=hhmm[1])
    assert in_quiet_hours(now, S) is quiet


def test_quiet_hours_same_day_and_disabled() -> None:
    lunch = ReminderSettings(quiet_hours_start=time(12), quiet_hours_end=time(13))
    assert in_quiet_hours(NOW.replace(hour=12, minute=30), lunch)
    assert not in_quiet_hours(NOW.replace(hour=13), lunch)
    assert not in_quiet_hours(NOW.replace(hour=23), lunch)
    none = ReminderSettings(quiet_hours_start=time(8), quiet_hours_end=time(8))
    assert not in_quiet_hours(NOW.replace(hour=8), none)


def test_quiet_until() -> None:
    assert quiet_until(NOW.replace(hour=23), S) == datetime(2026, 1, 16, 8, tzinfo=UTC)
    assert quiet_until(NOW.replace(hour=3), S) == datetime(2026, 1, 15, 8, tzinfo=UTC)
    assert quiet_until(NOW.replace(hour=9), S) is None


def test_daily_digest() -> None:
    at_0830 = NOW.replace(hour=8, minute=30)
    assert last_digest_slot(at_0830, S) == at_0830
    assert digest_due(at_0830, S, None)
    assert digest_due(at_0830, S, at_0830 - timedelta(days=1))
    assert not digest_due(at_0830 + timedelta(hours=2), S, at_0830)
    assert not digest_due(at_0830 - timedelta(minutes=1), S, at_0830 - timedelta(days=1))  # before today's slot
    assert not digest_due(at_0830, ReminderSettings(digest="off"), None)


def test_digest_waits_for_quiet_hours_to_end() -> None:
    early = ReminderSettings(digest_time=time(7, 0))
    assert not digest_due(NOW.replace(hour=7, minute=30), early, NOW - timedelta(days=1))
    assert digest_due(NOW.replace(hour=8, minute=0), early, NOW - timedelta(days=1))


def test_weekly_digest() -> None:
    weekly = ReminderSettings(digest="weekly", digest_weekday=0)  # Mondays 08:30
    # 2026-01-15 is a Thursday: the last slot was Monday the 12th
    assert last_digest_slot(NOW, weekly) == datetime(2026, 1, 12, 8, 30, tzinfo=UTC)
    assert not digest_due(NOW, weekly, datetime(2026, 1, 12, 9, tzinfo=UTC))
    assert digest_due(NOW, weekly, datetime(2026, 1, 11, 9, tzinfo=UTC))
    monday_early = datetime(2026, 1, 19, 8, 0, tzinfo=UTC)
    assert last_digest_slot(monday_early, weekly) == datetime(2026, 1, 12, 8, 30, tzinfo=UTC)


# --- private-safe text (G3) -----------------------------------------------------------------------------


def test_summarise_counts_only() -> None:
    canary_person = PersonSnapshot(id=ANA.id, first_name=CANARY)
    nudges = run(people=(canary_person, BO), acts=(received(5), received(6)), commitments=(promise(TODAY),))
    text = summarise(nudges)
    assert text == "2 thank-yous owed, 1 promise due"
    assert CANARY not in text
    assert summarise([]) == "Nothing due"
    assert notification_text(nudges, "counts") == text
    assert CANARY not in notification_text(nudges, "counts")


def test_summarise_every_rule() -> None:
    p = PersonSnapshot(
        id=ANA.id, first_name="A", cadence_days=1, last_contact=ago(9), birthday_month=1, birthday_day=15
    )
    needs = (NeedSnapshot(id=uuid4(), person_id=ANA.id, text="n", follow_up_on=TODAY),)
    nudges = run(
        people=(p,),
        acts=(received(9),),
        commitments=(promise(TODAY), promise(TODAY, Promiser.THEM)),
        needs=needs,
        reminders=(reminder(NOW), reminder(NOW)),
    )
    assert summarise(nudges) == (
        "1 thank-you owed, 1 promise due, 1 promise to you due, 1 person to catch up with, 1 follow-up, "
        "1 birthday, 2 reminders"
    )


def test_full_notification_text_lists_titles() -> None:
    nudges = run(acts=tuple(received(5 + i) for i in range(7)))
    text = notification_text(nudges, "full")
    assert text.splitlines()[0] == "Thank Anaïs: Intro to Lumen"
    assert text.splitlines()[-1] == "and 2 more"
