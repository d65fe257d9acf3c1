"""The reminder scheduler on a real journal with a fake wall clock and a fake monotonic clock.

Covers: start-up catch-up ("3 nudges while you were away") and nothing twice after a restart; the exact timer
at a due time; waits longer than a QTimer holds (re-armed in chunks); sleep/resume and clock changes (the wall
clock jumps, the monotonic one does not); quiet hours and pause holding notifications back; RELIABILITY C6 (no
database read or write while locked, no re-entrancy trouble when it fires during a modal dialog's event loop);
G3 (notification text obeys the privacy setting).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Act, ActKind, Direction, Person, Reminder
from recipro_desktop.core.reminders import Nudge, NudgeRule
from recipro_desktop.services import reminders as svc
from recipro_desktop.ui.reminder_scheduler import MAX_TIMER_MS, ReminderScheduler
from tests.conftest import CANARY
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import NOW, JournalEnv

journal_env = journal_fixtures.journal_env  # the shared fixture, found by pytest under this name


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Harness:
    env: JournalEnv
    scheduler: ReminderScheduler
    mono: FakeMonotonic
    notes: list[tuple[str, str, Any]] = field(default_factory=list)
    changes: list[list[Nudge]] = field(default_factory=list)
    locked: bool = False
    queries: int = 0
    mutations: int = 0

    def advance(self, delta: timedelta, *, monotonic: bool = True) -> None:
        self.env.clock.advance(delta)
        if monotonic:
            self.mono.value += delta.total_seconds()

    def idle(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: not self.env.runner.busy and not self.scheduler._in_flight, timeout=5000)


def make(qtbot: QtBot, env: JournalEnv, monkeypatch: pytest.MonkeyPatch) -> Harness:
    mono = FakeMonotonic()
    holder: dict[str, Harness] = {}
    scheduler = ReminderScheduler(env.client, env.clock, locked=lambda: holder["h"].locked, tz=UTC, monotonic=mono)
    h = Harness(env=env, scheduler=scheduler, mono=mono)
    holder["h"] = h
    scheduler.notify.connect(lambda title, text, target: h.notes.append((title, text, target)))
    scheduler.nudges_changed.connect(h.changes.append)
    query, mutate = env.client.query, env.client.mutate

    def counting_query(*a: Any, **kw: Any) -> Any:
        h.queries += 1
        return query(*a, **kw)

    def counting_mutate(*a: Any, **kw: Any) -> Any:
        h.mutations += 1
        return mutate(*a, **kw)

    monkeypatch.setattr(env.client, "query", counting_query)
    monkeypatch.setattr(env.client, "mutate", counting_mutate)
    return h


@pytest.fixture
def harness(qtbot: QtBot, journal_env: JournalEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    journal_env.service.set_setting("digest", "off")
    h = make(qtbot, journal_env, monkeypatch)
    yield h
    h.scheduler.stop()


def owe_thanks(env: JournalEnv, name: str, days_ago: int = 5, summary: str = "Intro") -> Act:
    person = env.service.add_person(Person(display_name=f"{name} Example", given_name=name))
    return env.service.add_act(
        Act(
            occurred_on=NOW.date() - timedelta(days=days_ago),
            direction=Direction.RECEIVED,
            kind=ActKind.FAVOR,
            summary=summary,
            people=(person.id,),
        )
    )


def start(h: Harness, qtbot: QtBot) -> None:
    with qtbot.waitSignal(h.scheduler.checked, timeout=5000):
        h.scheduler.start()
    h.idle(qtbot)


def fire(qtbot: QtBot, h: Harness, timer: QTimer) -> None:
    with qtbot.waitSignal(h.scheduler.checked, timeout=5000):
        timer.timeout.emit()
    h.idle(qtbot)


# --- start-up and restarts ---------------------------------------------------------------------------------


def test_start_up_catches_up_once_and_never_twice_after_a_restart(
    qtbot: QtBot, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Ana", "Bo", "Cy"):
        owe_thanks(harness.env, name)
    start(harness, qtbot)
    assert harness.notes == [("While you were away", "3 nudges while you were away: 3 thank-yous owed", None)]
    assert len(harness.changes[-1]) == 3 and len(harness.scheduler.nudges) == 3
    stored = svc.load_state(harness.env.service)
    assert {n.key for n in harness.scheduler.nudges} <= set(stored.notified)
    harness.scheduler.stop()

    # the app restarts an hour later: nothing new, nothing announced again
    harness.advance(timedelta(hours=1))
    again = make(qtbot, harness.env, monkeypatch)
    start(again, qtbot)
    assert again.notes == [] and len(again.scheduler.nudges) == 3
    again.scheduler.stop()

    # one more fell due while it was closed: exactly that one is caught up
    owe_thanks(harness.env, "Dee")
    third = make(qtbot, harness.env, monkeypatch)
    start(third, qtbot)
    assert [n[:2] for n in third.notes] == [("While you were away", "1 nudge while you were away: 1 thank-you owed")]
    assert third.notes[0][2].first_names == ("Dee",)  # one nudge: a click opens it
    third.scheduler.stop()


def test_new_nudges_while_running_are_announced_once(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    assert harness.notes == []
    owe_thanks(harness.env, "Ana")
    harness.env.client.emit_changed({svc.ItemKind.ACT})  # as an edit through the client would
    qtbot.waitUntil(lambda: len(harness.notes) == 1, timeout=5000)
    harness.idle(qtbot)
    title, text, target = harness.notes[0]
    assert (title, text) == ("Reminder", "1 thank-you owed")
    assert isinstance(target, Nudge) and target.rule is NudgeRule.THANKS_OWED
    harness.scheduler.check_now()
    harness.idle(qtbot)
    assert len(harness.notes) == 1


# --- timers ------------------------------------------------------------------------------------------------


def test_exact_timer_fires_at_a_reminders_time(qtbot: QtBot, harness: Harness) -> None:
    harness.env.service.add_reminder(Reminder(text=f"Call {CANARY}", due_at=NOW + timedelta(seconds=90)))
    start(harness, qtbot)
    assert harness.notes == [] and harness.scheduler.wake_at == NOW + timedelta(seconds=90)
    armed = harness.scheduler.armed_ms
    assert armed is not None and 90_000 <= armed <= 91_000
    harness.advance(timedelta(seconds=91))
    fire(qtbot, harness, harness.scheduler._wake)
    assert harness.notes[-1][:2] == ("Reminder", "1 reminder")
    assert CANARY not in harness.notes[-1][1]  # G3: counts by default


def test_a_wait_longer_than_a_qtimer_is_rearmed_in_chunks(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    far = harness.scheduler.now() + timedelta(days=40)
    harness.scheduler._arm(far)
    assert harness.scheduler.armed_ms == MAX_TIMER_MS
    checks = harness.queries
    harness.advance(timedelta(milliseconds=MAX_TIMER_MS))
    harness.scheduler._wake.timeout.emit()  # the first chunk ends: re-armed, no check yet
    assert harness.queries == checks
    remaining = harness.scheduler.armed_ms
    assert remaining is not None and 0 < remaining < MAX_TIMER_MS
    expected = (far - harness.scheduler.now()).total_seconds() * 1000
    assert abs(remaining - expected) < 1000


def test_sleep_and_resume_is_detected_by_the_wall_clock_gap(qtbot: QtBot, harness: Harness) -> None:
    """The machine sleeps through a reminder: QTimers and the monotonic clock stop, the wall clock does not."""
    harness.env.service.add_reminder(Reminder(text="Standup", due_at=NOW + timedelta(hours=2)))
    start(harness, qtbot)
    checks = harness.queries
    harness.advance(timedelta(minutes=1))  # an ordinary tick: both clocks moved together
    harness.scheduler._tick.timeout.emit()
    assert harness.queries == checks
    harness.advance(timedelta(hours=3), monotonic=False)  # asleep for three hours
    fire(qtbot, harness, harness.scheduler._tick)
    assert harness.queries == checks + 1
    assert harness.notes[-1][:2] == ("Reminder", "1 reminder")


def test_a_clock_set_backwards_is_a_gap_too(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    checks = harness.queries
    harness.advance(timedelta(hours=-1), monotonic=False)
    fire(qtbot, harness, harness.scheduler._tick)
    assert harness.queries == checks + 1
    assert harness.scheduler.wake_at is not None and harness.scheduler.wake_at > harness.scheduler.now()


def test_tick_after_the_wake_time_checks_even_without_a_gap(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    wake = harness.scheduler.wake_at
    assert wake is not None
    harness.advance(wake - harness.scheduler.now() + timedelta(seconds=1))
    fire(qtbot, harness, harness.scheduler._tick)


# --- quiet hours and pause ---------------------------------------------------------------------------------


def test_quiet_hours_hold_the_catch_up_until_they_end(qtbot: QtBot, harness: Harness) -> None:
    harness.env.service.set_setting("quiet_hours_start", "08:00")
    harness.env.service.set_setting("quiet_hours_end", "10:00")
    owe_thanks(harness.env, "Ana")
    start(harness, qtbot)  # 09:00: quiet
    assert harness.notes == [] and len(harness.scheduler.nudges) == 1  # shown in the tray, not announced
    assert harness.scheduler.wake_at == NOW.replace(hour=10)
    harness.advance(timedelta(hours=1))
    fire(qtbot, harness, harness.scheduler._wake)
    assert harness.notes == [
        ("While you were away", "1 nudge while you were away: 1 thank-you owed", harness.notes[0][2])
    ]


def test_pause_holds_notifications_and_resume_releases_them(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    paused: list[object] = []
    harness.scheduler.paused_changed.connect(paused.append)
    assert harness.scheduler.pause_for(timedelta(hours=1))
    qtbot.waitUntil(lambda: paused == [NOW + timedelta(hours=1)], timeout=5000)
    harness.idle(qtbot)
    owe_thanks(harness.env, "Ana")
    harness.scheduler.check_now()
    harness.idle(qtbot)
    assert harness.notes == [] and len(harness.scheduler.nudges) == 1
    assert harness.scheduler.resume()
    qtbot.waitUntil(lambda: len(harness.notes) == 1, timeout=5000)
    assert paused[-1] is None
    assert svc.load_state(harness.env.service).paused_until is None


def test_pause_until_tomorrow_ends_with_the_quiet_hours(qtbot: QtBot, harness: Harness) -> None:
    start(harness, qtbot)
    harness.scheduler.pause_until_tomorrow()
    harness.idle(qtbot)
    assert harness.scheduler.paused_until == datetime(2026, 3, 11, 8, 0, tzinfo=UTC)


# --- done and snooze ---------------------------------------------------------------------------------------


def test_done_and_snooze_are_stored_and_drop_at_once(qtbot: QtBot, harness: Harness) -> None:
    owe_thanks(harness.env, "Ana")
    owe_thanks(harness.env, "Bo")
    start(harness, qtbot)
    first, second = harness.scheduler.nudges
    assert harness.scheduler.mark_done(first)
    assert [n.key for n in harness.scheduler.nudges] == [second.key]  # before the write finishes
    assert harness.scheduler.snooze(second, svc.SNOOZE_DAY)
    harness.idle(qtbot)
    assert harness.scheduler.nudges == []
    state = svc.load_state(harness.env.service)
    assert state.dismissed[first.key].until is None
    assert state.dismissed[second.key].until == NOW + svc.SNOOZE_DAY
    harness.advance(svc.SNOOZE_DAY)
    fire(qtbot, harness, harness.scheduler._wake)
    assert [n.key for n in harness.scheduler.nudges] == [second.key]
    assert harness.notes[-1][:2] == ("Reminder", "1 thank-you owed")  # announced again after the snooze


# --- C6: locked, and inside a modal dialog ------------------------------------------------------------------


def test_locked_journal_is_neither_read_nor_written(qtbot: QtBot, harness: Harness) -> None:
    """C6: while locked, timers fire but nothing touches the database and nothing is announced."""
    owe_thanks(harness.env, "Ana")
    before = harness.env.service.get_setting(svc.STATE_KEY)
    harness.locked = True
    harness.scheduler.start()
    harness.advance(timedelta(hours=5), monotonic=False)
    harness.scheduler._tick.timeout.emit()
    harness.scheduler._wake.timeout.emit()
    harness.scheduler.check_now()
    fake = Nudge(
        rule=NudgeRule.THANKS_OWED,
        item_kind=svc.ItemKind.ACT,
        item_id=harness.env.service.thanks_owed()[0].id,
        due_on=NOW.date(),
        overdue=True,
        key="k",
        title="t",
    )
    assert not harness.scheduler.mark_done(fake)
    assert not harness.scheduler.snooze(fake, svc.SNOOZE_DAY)
    assert not harness.scheduler.pause_for(timedelta(hours=1))
    qtbot.wait(50)
    assert (harness.queries, harness.mutations) == (0, 0)
    assert harness.notes == [] and not harness.env.runner.busy
    assert harness.env.service.get_setting(svc.STATE_KEY) == before
    harness.locked = False
    with qtbot.waitSignal(harness.scheduler.checked, timeout=5000):
        harness.scheduler.unlocked()
    harness.idle(qtbot)
    assert harness.notes[0][0] == "While you were away"


def test_lock_arriving_while_a_check_runs_suppresses_its_notification(qtbot: QtBot, harness: Harness) -> None:
    owe_thanks(harness.env, "Ana")
    harness.scheduler.start()
    harness.locked = True  # locked before the background check comes back
    qtbot.waitUntil(lambda: not harness.scheduler._in_flight, timeout=5000)
    harness.idle(qtbot)
    assert harness.notes == [] and harness.mutations == 0


def test_firing_during_a_modal_edit_dialog(qtbot: QtBot, harness: Harness) -> None:
    """C6: the scheduler fires (several times, re-entrantly) inside a modal dialog's nested event loop."""
    owe_thanks(harness.env, "Ana", summary=f"<b>{CANARY}</b>")
    dialog = QDialog()
    qtbot.addWidget(dialog)
    edit = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(edit)
    dialog.setModal(True)
    dialog.show()
    edit.setText("half-typed note")
    harness.scheduler._running = True
    loop = QEventLoop()  # what QDialog.exec() runs

    def burst() -> None:
        for _ in range(3):
            harness.scheduler.check_now()  # coalesced: one in flight, one queued
        harness.scheduler._tick.timeout.emit()

    harness.scheduler.checked.connect(
        lambda: QTimer.singleShot(0, loop.quit) if not harness.scheduler._in_flight else None
    )
    QTimer.singleShot(0, burst)
    QTimer.singleShot(5000, loop.quit)
    loop.exec()
    harness.idle(qtbot)
    assert harness.queries <= 3  # coalesced, not one query per call
    assert len(harness.notes) == 1 and CANARY not in harness.notes[0][1]
    assert dialog.isVisible() and edit.text() == "half-typed note"
    assert len(svc.load_state(harness.env.service).notified) == 1
    dialog.close()


def test_full_privacy_puts_titles_in_the_text(qtbot: QtBot, harness: Harness) -> None:
    harness.env.service.set_setting("notification_privacy", "full")
    owe_thanks(harness.env, "Ana", summary="the intro")
    start(harness, qtbot)
    assert harness.notes[0][1] == "1 nudge while you were away\nThank Ana: the intro"
