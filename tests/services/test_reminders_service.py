"""The reminder use cases on a real encrypted journal with a fixed clock: what is due, done/snooze remembered
across a reopen (nothing nags twice), pruning, the CLI listing (text and JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    ItemKind,
    Person,
    Promiser,
    Recurrence,
    Reminder,
)
from recipro_desktop.core.reminders import NudgeRule, ReminderState, plan_notification
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services import reminders as svc
from recipro_desktop.services.access import create_journal, open_journal
from recipro_desktop.services.journal import JournalService
from tests.conftest import CANARY

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def service(journal_paths: JournalPaths, clock: FixedClock) -> Iterator[JournalService]:
    created = create_journal(journal_paths, passphrase="pw", use_keyring=False, clock=clock)
    try:
        yield created.journal.service
    finally:
        created.journal.close()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def fill(service: JournalService) -> dict[str, object]:
    ana = service.add_person(Person(display_name="Ana Lima", given_name="Ana", cadence_days=30))
    bo = service.add_person(Person(display_name="Bo Berg", birthday_month=3, birthday_day=12, birthday_year=1990))
    gone = service.add_person(Person(display_name="Old Friend", cadence_days=7, archived=True))
    act = service.add_act(
        Act(
            occurred_on=ago(5),
            direction=Direction.RECEIVED,
            kind=ActKind.REFERRAL,
            summary=f"Referral {CANARY}",
            people=(bo.id,),
        )
    )
    service.add_interaction(Interaction(occurred_on=ago(40), channel=Channel.CALL, summary="call", people=(ana.id,)))
    promise = service.add_commitment(
        Commitment(promiser=Promiser.ME, text="Send the deck", people=(bo.id,), made_on=ago(3), due_on=TODAY)
    )
    once = service.add_reminder(Reminder(text="Book the venue", due_at=NOW - timedelta(hours=1)))
    weekly = service.add_reminder(
        Reminder(text="Weekly review", due_at=NOW - timedelta(days=7, hours=2), recurrence=Recurrence.WEEKLY)
    )
    return {"ana": ana, "bo": bo, "gone": gone, "act": act, "promise": promise, "once": once, "weekly": weekly}


def test_check_finds_every_rule_from_the_journal(service: JournalService) -> None:
    items = fill(service)
    result = svc.check(service, NOW)
    by_rule = {n.rule: n for n in result.nudges}
    assert set(by_rule) == {
        NudgeRule.THANKS_OWED,
        NudgeRule.PROMISE_DUE_MINE,
        NudgeRule.KEEP_IN_TOUCH,  # 40 days since the call, cadence 30
        NudgeRule.BIRTHDAY,  # in 2 days
        NudgeRule.USER_REMINDER,
    }
    assert sum(n.rule is NudgeRule.USER_REMINDER for n in result.nudges) == 2
    assert by_rule[NudgeRule.THANKS_OWED].item_id == items["act"].id  # type: ignore[attr-defined]
    assert by_rule[NudgeRule.THANKS_OWED].first_names == ("Bo",)
    assert by_rule[NudgeRule.BIRTHDAY].title == "Bo's birthday in 2 days (turns 36)"
    assert all(items["gone"].id not in n.person_ids for n in result.nudges)  # type: ignore[attr-defined]
    assert result.wake_at is not None and NOW < result.wake_at <= datetime(2026, 3, 11, tzinfo=UTC)


def test_logging_an_interaction_restarts_keep_in_touch(service: JournalService) -> None:
    items = fill(service)
    ana = items["ana"]
    assert any(n.rule is NudgeRule.KEEP_IN_TOUCH for n in svc.check(service, NOW).nudges)
    service.add_interaction(
        Interaction(occurred_on=TODAY, channel=Channel.MESSAGE, summary="hi", people=(ana.id,))  # type: ignore[attr-defined]
    )
    assert not any(n.rule is NudgeRule.KEEP_IN_TOUCH for n in svc.check(service, NOW).nudges)


def test_done_and_snooze_survive_a_reopen(journal_paths: JournalPaths, clock: FixedClock) -> None:
    """Nothing nags twice: done/snooze are stored in the journal and hold after closing and reopening it."""
    created = create_journal(journal_paths, passphrase="pw", use_keyring=False, clock=clock)
    service = created.journal.service
    try:
        fill(service)
        nudges = {n.rule: n for n in svc.check(service, NOW).nudges}
        svc.mark_done(service, nudges[NudgeRule.THANKS_OWED], NOW)
        svc.snooze(service, nudges[NudgeRule.PROMISE_DUE_MINE], NOW + svc.SNOOZE_DAY, NOW)
    finally:
        created.journal.close()
    reopened = open_journal(journal_paths, passphrase="pw", clock=clock)
    try:
        service = reopened.service
        rules = [n.rule for n in svc.check(service, NOW).nudges]
        assert NudgeRule.THANKS_OWED not in rules and NudgeRule.PROMISE_DUE_MINE not in rules
        later = NOW + timedelta(days=1, minutes=1)
        rules_later = [n.rule for n in svc.check(service, later).nudges]
        assert NudgeRule.PROMISE_DUE_MINE in rules_later and NudgeRule.THANKS_OWED not in rules_later
        stored = service.get_setting(svc.STATE_KEY)
        assert CANARY not in json.dumps(stored)  # keys and instants only, never note text
    finally:
        reopened.close()


def test_done_on_a_one_off_reminder_marks_it_done_recurring_keeps_coming(service: JournalService) -> None:
    items = fill(service)
    nudges = [n for n in svc.check(service, NOW).nudges if n.rule is NudgeRule.USER_REMINDER]
    once = next(n for n in nudges if n.item_id == items["once"].id)  # type: ignore[attr-defined]
    weekly = next(n for n in nudges if n.item_id == items["weekly"].id)  # type: ignore[attr-defined]
    assert svc.mark_done(service, once, NOW) == frozenset({ItemKind.REMINDER})
    assert service.get_reminder(once.item_id).done
    assert svc.mark_done(service, weekly, NOW) == frozenset()
    assert not service.get_reminder(weekly.item_id).done
    assert not any(n.rule is NudgeRule.USER_REMINDER for n in svc.check(service, NOW).nudges)
    next_week = [n for n in svc.check(service, NOW + timedelta(days=7)).nudges if n.rule is NudgeRule.USER_REMINDER]
    assert [n.item_id for n in next_week] == [weekly.item_id] and next_week[0].key != weekly.key


def test_notified_keys_catch_up_after_a_restart(service: JournalService) -> None:
    fill(service)
    first = svc.check(service, NOW)
    plan = plan_notification(first.nudges, NOW, first.settings, first.state, catching_up=True)
    assert plan is not None and plan.text.startswith("6 nudges while you were away")
    svc.record_plan(service, plan, NOW)
    again = svc.check(service, NOW + timedelta(minutes=5))
    assert plan_notification(again.nudges, again.now, again.settings, again.state, catching_up=True) is None


def test_pruning_drops_records_that_cannot_come_back(service: JournalService) -> None:
    items = fill(service)
    (thanks,) = [n for n in svc.check(service, NOW).nudges if n.rule is NudgeRule.THANKS_OWED]
    svc.mark_done(service, thanks, NOW)
    act = service.get_act(items["act"].id)  # type: ignore[attr-defined]
    service.update_act(Act(**{**_fields(act), "thanked_on": TODAY}))
    later = NOW + timedelta(days=31)
    svc.set_pause(service, None, later)  # any write prunes
    assert thanks.key not in svc.load_state(service).dismissed
    # a live record is kept however old
    (promise,) = [n for n in svc.check(service, later).nudges if n.rule is NudgeRule.PROMISE_DUE_MINE]
    svc.mark_done(service, promise, later)
    svc.set_pause(service, None, later + timedelta(days=400))
    assert promise.key in svc.load_state(service).dismissed


def _fields(act: Act) -> dict[str, object]:
    return {name: getattr(act, name) for name in Act.__dataclass_fields__}


def test_pause_and_resume_are_stored(service: JournalService) -> None:
    svc.set_pause(service, NOW + timedelta(hours=1), NOW)
    assert svc.check(service, NOW).paused
    assert not svc.check(service, NOW + timedelta(hours=1)).paused
    svc.set_pause(service, None, NOW)
    assert svc.load_state(service).paused_until is None


def test_undo_dismissal(service: JournalService) -> None:
    fill(service)
    (thanks,) = [n for n in svc.check(service, NOW).nudges if n.rule is NudgeRule.THANKS_OWED]
    svc.snooze(service, thanks, NOW + svc.SNOOZE_WEEK, NOW)
    assert thanks.key in svc.load_state(service).dismissed
    svc.undo_dismissal(service, thanks.key, NOW)
    assert any(n.key == thanks.key for n in svc.check(service, NOW).nudges)


def test_cli_listing_text_and_json(service: JournalService) -> None:
    fill(service)
    pending = svc.pending_for_cli(service, NOW)
    assert pending[0]["rule"] == "keep_in_touch"  # oldest due first
    data = json.loads(json.dumps(pending))
    assert {"key", "rule", "label", "kind", "item_id", "title", "due_on", "due_at", "overdue"} <= set(data[0])
    text = svc.render_text(pending, NOW)
    lines = text.splitlines()
    assert lines[0] == "6 due (1 thank-you owed, 1 promise due, 1 person to catch up with, 1 birthday, 2 reminders)"
    assert any("Birthday" in line and "in 2 days" in line and "Bo's birthday" in line for line in lines)
    assert any("Keep in touch" in line and "overdue, 28 Feb" in line for line in lines)
    assert svc.render_text([], NOW) == "Nothing due."


def test_cli_text_strips_invisible_controls(service: JournalService) -> None:
    """E18: a title with an RLO cannot reorder a terminal line."""
    service.add_reminder(Reminder(text="Call \u202eAna\u200b", due_at=NOW - timedelta(minutes=1)))
    text = svc.render_text(svc.pending_for_cli(service, NOW), NOW)
    assert "\u202e" not in text and "\u200b" not in text and "Call Ana" in text


def test_state_is_never_written_by_reading(service: JournalService) -> None:
    fill(service)
    svc.check(service, NOW)
    svc.pending_for_cli(service, NOW)
    assert svc.load_state(service) == ReminderState()
    assert service.get_setting(svc.STATE_KEY) == {}


def test_local_now_uses_the_given_zone(clock: FixedClock) -> None:
    from zoneinfo import ZoneInfo

    tokyo = svc.local_now(clock, ZoneInfo("Asia/Tokyo"))
    assert tokyo == NOW and tokyo.utcoffset() == timedelta(hours=9)
    assert svc.local_now(clock).tzinfo is not None


def test_cli_command_output_and_now(service: JournalService, clock: FixedClock) -> None:
    fill(service)
    text = svc.reminders_command(service, clock, now="2026-03-10T12:00:00+00:00")
    assert text.startswith("6 due (")
    data = json.loads(svc.reminders_command(service, clock, now="2026-03-10T12:00", as_json=True, tz=UTC))
    assert data["now"] == "2026-03-10T12:00:00+00:00" and len(data["due"]) == 6
    early = json.loads(svc.reminders_command(service, clock, now="2026-03-01", as_json=True, tz=UTC))
    assert all(d["rule"] != "thanks_owed" for d in early["due"])  # the act was not even received yet
    assert svc.parse_now(None, clock, UTC) == NOW
    from recipro_desktop.core.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        svc.parse_now("next tuesday", clock)
    assert info.value.field == "now"
    assert svc.load_state(service) == ReminderState()  # listing never marks anything notified


def test_people_are_read_narrowly_but_snapshot_exactly_as_whole_people(service: JournalService) -> None:
    """gather_inputs builds the tray's person snapshots from the People list rows and three columns; they must be
    the snapshots whole ORM people give (names, birthdays with the year, cadences, the day added)."""
    from recipro_desktop.core.reminders import PersonSnapshot
    from recipro_desktop.services.demo import generate_demo, store_demo

    data = generate_demo(people=60, items=600, seed=5, today=TODAY)
    store_demo(service, data)
    service.add_person(Person(display_name="New Contact", cadence_days=14))  # never contacted: the day added
    rows = service.list_people()
    whole = {r.id: PersonSnapshot.from_person(service.get_person(r.id), r.last_interaction) for r in rows}

    narrow = {p.id: p for p in svc.gather_inputs(service, NOW).people}

    assert narrow == whole
    assert any(p.birthday_year for p in narrow.values()) and any(p.last_contact is None for p in narrow.values())
