"""The reminder scheduler's pure rules: remembered state, pruning, wake-ups and what a notification says.

Fixed clocks only. Privacy rows: G3 (counts by default, names mode shows first names only, never titles),
E18 (names arrive without invisible controls).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import pytest

from recipro_desktop.core import settings as registry
from recipro_desktop.core.errors import ValidationError
from recipro_desktop.core.models import Promiser, Recurrence, Reminder
from recipro_desktop.core.reminders import (
    ActSnapshot,
    CommitmentSnapshot,
    Dismissal,
    NotificationKind,
    Nudge,
    PersonSnapshot,
    ReminderInputs,
    ReminderSettings,
    ReminderState,
    due_nudges,
    live_keys,
    next_digest_slot,
    next_wakeup,
    notification_text,
    plan_notification,
    summarise_with_names,
)

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # a Thursday, outside the default quiet hours
TODAY = NOW.date()
ANA = PersonSnapshot(id=uuid4(), first_name="Ana\u202e")
BO = PersonSnapshot(id=uuid4(), first_name="Bo")
CY = PersonSnapshot(id=uuid4(), first_name="Cy")
DEE = PersonSnapshot(id=uuid4(), first_name="Dee")
NO_DIGEST = ReminderSettings(digest="off")


def owed(person: PersonSnapshot, days_ago: int = 5, summary: str = "Intro <b>to</b> Lumen") -> ActSnapshot:
    return ActSnapshot(id=uuid4(), people=(person.id,), occurred_on=TODAY - timedelta(days=days_ago), summary=summary)


def inputs(*acts: ActSnapshot, **kw: object) -> ReminderInputs:
    return ReminderInputs(people=(ANA, BO, CY, DEE), acts=acts, **kw)  # type: ignore[arg-type]


def nudges(inp: ReminderInputs, now: datetime = NOW, state: ReminderState | None = None) -> list[Nudge]:
    return due_nudges(inp, now, NO_DIGEST, (state or ReminderState()).dismissed_until())


# --- text ----------------------------------------------------------------------------------------------------


def test_names_mode_counts_with_first_names_only() -> None:
    """G3/E18: names mode shows counts and first names (invisible controls gone), never the note text."""
    ns = nudges(inputs(owed(ANA), owed(BO), owed(CY), owed(DEE), owed(ANA, 9)))
    text = notification_text(ns, "names")
    assert text.startswith("5 thank-yous owed (") and text.endswith(" +1)")
    shown = text.removeprefix("5 thank-yous owed (").removesuffix(" +1)").split(", ")
    assert len(shown) == 3 and set(shown) <= {"Ana", "Bo", "Cy", "Dee"}  # Ana twice counts once
    assert "Lumen" not in text and "\u202e" not in text
    assert notification_text(ns, "counts") == "5 thank-yous owed"
    assert "Lumen" in notification_text(ns, "full")
    assert summarise_with_names([]) == "Nothing due"


def test_notification_privacy_accepts_names() -> None:
    assert registry.coerce("notification_privacy", "Names") == "names"
    assert ReminderSettings.from_settings({"notification_privacy": "names"}).notification_privacy == "names"


# --- the stored state ----------------------------------------------------------------------------------------


def test_state_round_trips_through_the_setting() -> None:
    state = (
        ReminderState()
        .done("a", NOW)
        .snoozed("b", NOW + timedelta(days=1), NOW)
        .with_notified(["c"], NOW)
        .with_digest(NOW)
        .paused(NOW + timedelta(hours=1))
    )
    stored = registry.from_json("reminder_state", registry.to_json("reminder_state", state.to_value()))
    again = ReminderState.from_value(stored)
    assert again == state
    assert again.dismissed_until() == {"a": None, "b": NOW + timedelta(days=1)}
    assert again.is_paused(NOW) and not again.is_paused(NOW + timedelta(hours=1))


def test_state_setting_is_internal_and_validated() -> None:
    spec = registry.spec("reminder_state")
    assert spec.internal and spec.kind is registry.SettingKind.STATE
    assert not any(s.internal for k, s in registry.SETTINGS.items() if k != "reminder_state")
    assert registry.coerce("reminder_state", '{"a": 1}') == {"a": 1}
    for bad in ("[1]", "{not json", 3, {1: 2}, {"x": float("nan")}):
        with pytest.raises(ValidationError):
            registry.coerce("reminder_state", bad)
    with pytest.raises(ValidationError):
        registry.coerce("reminder_state", {"x": "y" * (registry.STATE_MAX_CHARS + 1)})


def test_malformed_state_entries_are_dropped_not_fatal() -> None:
    raw = {
        "dismissed": {
            "ok": {"at": NOW.isoformat(), "until": None},
            "naive": {"at": "2026-01-15T12:00:00", "until": None},
            "bad-until": {"at": NOW.isoformat(), "until": "soon"},
            "not-a-dict": 3,
        },
        "notified": {"n": NOW.isoformat(), "m": 7},
        "last_digest_at": "yesterday",
        "paused_until": None,
    }
    state = ReminderState.from_value(raw)
    assert set(state.dismissed) == {"ok"} and set(state.notified) == {"n"}
    assert state.last_digest_at is None
    assert ReminderState.from_value("garbage") == ReminderState()


def test_done_and_snooze_hide_a_nudge_and_snooze_ends() -> None:
    inp = inputs(owed(ANA))
    (n,) = nudges(inp)
    done = ReminderState().done(n.key, NOW)
    assert nudges(inp, state=done) == []
    assert nudges(inp, NOW + timedelta(days=300), done) == []  # done is for good
    snoozed = ReminderState().with_notified([n.key], NOW).snoozed(n.key, NOW + timedelta(days=1), NOW)
    assert n.key not in snoozed.notified  # announced again when the snooze ends
    assert nudges(inp, NOW + timedelta(hours=23), snoozed) == []
    assert [m.key for m in nudges(inp, NOW + timedelta(days=1), snoozed)] == [n.key]
    assert nudges(inp, state=snoozed.undismissed(n.key)) == [n]


def test_pruning_keeps_live_and_recent_records_only() -> None:
    act = owed(ANA)
    inp = inputs(act)
    (n,) = nudges(inp)
    old = NOW - timedelta(days=40)
    state = (
        ReminderState()
        .done(n.key, old)  # live: kept however old
        .done("thanks_owed:gone:2025-01-01", old)  # over and old: dropped
        .done("thanks_owed:recent:2025-01-01", NOW - timedelta(days=2))  # over but recent (undo window): kept
        .snoozed("thanks_owed:later:2025-01-01", NOW + timedelta(days=3), old)  # snooze still running: kept
        .with_notified(["thanks_owed:gone:2025-01-01"], old)
        .with_notified([n.key], old)
        .paused(NOW - timedelta(minutes=1))  # expired pause: dropped
    )
    pruned = state.pruned(live_keys(inp, NOW, NO_DIGEST), NOW)
    assert set(pruned.dismissed) == {n.key, "thanks_owed:recent:2025-01-01", "thanks_owed:later:2025-01-01"}
    assert set(pruned.notified) == {n.key}
    assert pruned.paused_until is None
    # once thanked, the act's record is no longer live and goes after the grace period
    thanked = inputs(ActSnapshot(**{**_fields(act), "thanked": True}))
    assert n.key not in live_keys(thanked, NOW, NO_DIGEST)
    assert n.key not in state.pruned(live_keys(thanked, NOW, NO_DIGEST), NOW).dismissed


def _fields(a: ActSnapshot) -> dict[str, object]:
    return {f: getattr(a, f) for f in ("id", "people", "occurred_on", "summary", "direction", "thanked")}


def test_live_keys_ignore_switched_off_rules_and_lead_times() -> None:
    """A promise snoozed, then its rule switched off, keeps its record (switching back must not re-nag)."""
    promise = CommitmentSnapshot(
        id=uuid4(), promiser=Promiser.ME, people=(BO.id,), text="deck", due_on=TODAY + timedelta(days=20)
    )
    narrow = ReminderSettings(rules=frozenset(), digest="off")
    keys = live_keys(ReminderInputs(people=(BO,), commitments=(promise,)), NOW, narrow)
    assert any(k.startswith("promise_due_mine:") for k in keys)


# --- wake-ups ------------------------------------------------------------------------------------------------


def test_next_wakeup_is_the_earliest_change() -> None:
    settings = ReminderSettings(digest="off", quiet_hours_start=time(0, 0), quiet_hours_end=time(0, 0))
    midnight = datetime(2026, 1, 16, tzinfo=UTC)
    assert next_wakeup(ReminderInputs(), NOW, settings, ReminderState()) == midnight
    soon = NOW + timedelta(minutes=90)
    r = Reminder(text="call", due_at=soon)
    assert next_wakeup(ReminderInputs(reminders=(r,)), NOW, settings, ReminderState()) == soon
    snooze_end = NOW + timedelta(minutes=30)
    state = ReminderState().snoozed("k", snooze_end, NOW)
    assert next_wakeup(ReminderInputs(reminders=(r,)), NOW, settings, state) == snooze_end
    paused = ReminderState().paused(NOW + timedelta(minutes=5))
    assert next_wakeup(ReminderInputs(), NOW, settings, paused) == NOW + timedelta(minutes=5)
    daily = Reminder(text="x", due_at=NOW - timedelta(days=3) + timedelta(minutes=10), recurrence=Recurrence.DAILY)
    assert next_wakeup(ReminderInputs(reminders=(daily,)), NOW, settings, ReminderState()) == NOW + timedelta(
        minutes=10
    )


def test_next_wakeup_digest_and_quiet_end() -> None:
    settings = ReminderSettings()  # quiet 22:00-08:00, daily digest at 08:30
    late = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
    assert next_wakeup(ReminderInputs(), late, settings, ReminderState()) == datetime(2026, 1, 16, tzinfo=UTC)
    night = datetime(2026, 1, 16, 1, 0, tzinfo=UTC)
    assert next_wakeup(ReminderInputs(), night, settings, ReminderState()) == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    morning = datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert next_wakeup(ReminderInputs(), morning, settings, ReminderState()) == datetime(2026, 1, 16, 8, 30, tzinfo=UTC)
    weekly = ReminderSettings(digest="weekly", digest_weekday=0)
    assert next_digest_slot(NOW, weekly) == datetime(2026, 1, 19, 8, 30, tzinfo=UTC)  # next Monday
    assert next_digest_slot(NOW, NO_DIGEST) is None


# --- what to announce ----------------------------------------------------------------------------------------


def test_new_nudges_are_announced_once() -> None:
    a, b, c = owed(ANA), owed(BO), owed(CY)
    ns = nudges(inputs(a, b))
    plan = plan_notification(ns, NOW, NO_DIGEST, ReminderState())
    assert plan is not None and plan.show and plan.kind is NotificationKind.NEW
    assert (plan.title, plan.text) == ("Reminders", "2 thank-yous owed")
    assert plan_notification(ns, NOW, NO_DIGEST, plan.state) is None  # nothing nags twice
    more = nudges(inputs(a, b, c))
    plan2 = plan_notification(more, NOW, NO_DIGEST, plan.state)
    assert plan2 is not None and plan2.text == "1 thank-you owed" and plan2.title == "Reminder"


def test_catch_up_says_while_you_were_away() -> None:
    ns = nudges(inputs(owed(ANA), owed(BO), owed(CY)))
    plan = plan_notification(ns, NOW, NO_DIGEST, ReminderState(), catching_up=True)
    assert plan is not None and plan.kind is NotificationKind.AWAY
    assert plan.title == "While you were away"
    assert plan.text == "3 nudges while you were away: 3 thank-yous owed"
    full = plan_notification(
        ns, NOW, ReminderSettings(digest="off", notification_privacy="full"), ReminderState(), catching_up=True
    )
    assert full is not None and full.text.startswith("3 nudges while you were away\n")


def test_quiet_hours_and_pause_hold_notifications_until_they_end() -> None:
    settings = ReminderSettings(digest="off")
    ns = nudges(inputs(owed(ANA)))
    night = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    assert plan_notification(ns, night, settings, ReminderState()) is None
    morning = datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert plan_notification(ns, morning, settings, ReminderState()) is not None
    paused = ReminderState().paused(NOW + timedelta(hours=1))
    assert plan_notification(ns, NOW, settings, paused) is None
    assert plan_notification(ns, NOW + timedelta(hours=1), settings, paused) is not None


def test_digest_covers_everything_once_per_slot() -> None:
    settings = ReminderSettings()  # daily at 08:30
    ns = nudges(inputs(owed(ANA), owed(BO)))
    before = datetime(2026, 1, 15, 8, 29, tzinfo=UTC)
    state = ReminderState().with_notified([n.key for n in ns], before).with_digest(before - timedelta(hours=23))
    assert plan_notification(ns, before, settings, state) is None  # all announced, slot not reached
    at = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    plan = plan_notification(ns, at, settings, state)
    assert plan is not None and plan.kind is NotificationKind.DIGEST and plan.show
    assert (plan.title, plan.text) == ("Your daily digest", "2 thank-yous owed")
    assert plan_notification(ns, at + timedelta(hours=2), settings, plan.state) is None
    empty = plan_notification([], at, settings, state)
    assert empty is not None and not empty.show and empty.state.last_digest_at == at  # recorded silently


def test_dismissal_records_keep_their_time() -> None:
    state = ReminderState().done("k", NOW)
    assert state.dismissed["k"] == Dismissal(at=NOW, until=None)
    with pytest.raises(ValueError):
        ReminderState().done("k", datetime(2026, 1, 1))  # naive


def test_birthday_snooze_then_next_year_is_new() -> None:
    p = PersonSnapshot(id=uuid4(), first_name="Eve", birthday_month=1, birthday_day=17)
    inp = ReminderInputs(people=(p,))
    (n,) = due_nudges(inp, NOW, NO_DIGEST)
    state = ReminderState().done(n.key, NOW)
    assert due_nudges(inp, NOW, NO_DIGEST, state.dismissed_until()) == []
    next_year = datetime(2027, 1, 12, 12, 0, tzinfo=UTC)
    (m,) = due_nudges(inp, next_year, NO_DIGEST, state.dismissed_until())
    assert m.key != n.key and m.due_on == date(2027, 1, 17)


def test_start_up_message_stands_in_for_a_due_digest() -> None:
    ns = nudges(inputs(owed(ANA), owed(BO)))
    plan = plan_notification(ns, NOW, ReminderSettings(), ReminderState(), catching_up=True)
    assert plan is not None and plan.kind is NotificationKind.AWAY
    assert plan.state.last_digest_at == NOW
    assert plan_notification(ns, NOW, ReminderSettings(), plan.state) is None
