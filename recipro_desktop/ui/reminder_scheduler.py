"""Looks at what is due at the right moments and announces it once: the tray's clock.

Modelled on Vorta's scheduler, with its two lessons kept: a ``QTimer`` cannot hold more than ~24.8 days
(2³¹-1 ms), and timers stop while the machine sleeps. So:

- an **exact timer** is armed for the next instant anything can change (a user reminder's time, midnight, a
  snooze's end, the end of quiet hours or of a pause, the digest; see ``core.reminders.next_wakeup``), in chunks
  of at most :data:`MAX_TIMER_MS`, re-armed when a chunk ends early;
- a **minute tick** compares the wall clock with the monotonic clock. ``QTimer`` and ``time.monotonic`` do not
  advance during suspend (Linux ``CLOCK_MONOTONIC``), and a clock change moves the wall clock alone: either way
  the two disagree, and the scheduler looks again at once instead of trusting a timer armed before the gap;
- at **start-up** the first check announces what fell due while the app was closed ("3 nudges while you were
  away"): a nudge is announced when its key is not yet in the stored ``notified`` set, so nothing is lost and
  nothing is announced twice (the set lives in the journal, ``services.reminders``).

Quiet hours and a pause hold notifications back (the tray still shows the count); what was held is announced
when they end. All database work goes through the :class:`JournalClient` (the single worker); while the
journal is **locked** (the ``locked`` predicate) the scheduler neither reads nor writes and catches up when told
:meth:`ReminderScheduler.unlocked` (RELIABILITY C6). Callbacks arrive on the GUI thread, possibly inside a
modal dialog's event loop: nothing here opens a dialog or blocks, and overlapping checks are coalesced.

Signals:
    nudges_changed(list): what is due now (``list[Nudge]``), whenever it changes.
    notify(str, str, object): title, text (privacy already applied, not yet escaped) and the nudge a click
        should open (``None`` when the notification covers several: open Today).
    paused_changed(object): the pause end (``datetime``) or ``None`` when notifications are on.
    checked(): a check finished (after the signals above); for status displays and tests.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable
from datetime import datetime, time, timedelta, tzinfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.models import ItemKind
from recipro_desktop.core.reminders import Nudge, NudgeRule, ReminderState, plan_notification
from recipro_desktop.services import reminders as service_reminders
from recipro_desktop.services.reminders import ReminderCheck
from recipro_desktop.ui.journal_client import JournalClient

log = logging.getLogger(__name__)

TICK_MS = 60_000
"""How often the wall clock is compared with the monotonic clock."""

MAX_TIMER_MS = 2**31 - 1
"""The longest interval a ``QTimer`` accepts (~24.8 days); longer waits are re-armed in chunks."""

GAP_TOLERANCE = timedelta(minutes=2)
"""A wall-clock jump larger than this between two ticks means sleep/resume or a clock change."""

WAKE_SLACK_MS = 500
"""Timers may fire a little early; waking just after the instant makes the check see it as reached."""

RECHECK_DELAY_MS = 300
"""Edits come in bursts (an import, an undo): coalesce the re-checks they cause."""


class ReminderScheduler(QObject):
    """Checks what is due on time, after sleep and after start-up; announces it through :attr:`notify`.

    Args:
        client: the journal's client (all database work runs on its worker).
        clock: the wall clock (tests move a :class:`~recipro_desktop.core.clock.FixedClock`).
        parent: the Qt parent.
        locked: returns True while the journal is locked: no reads, no writes, no notifications.
        tz: the zone whose midnight starts a day (``None``: the machine's local zone).
        monotonic: seconds from a clock that does not jump (tests pass a fake).
        tick_ms: the tick interval.

    Signals: see the module docstring.
    """

    nudges_changed = Signal(list)
    notify = Signal(str, str, object)
    paused_changed = Signal(object)
    checked = Signal()

    def __init__(
        self,
        client: JournalClient,
        clock: Clock,
        parent: QObject | None = None,
        *,
        locked: Callable[[], bool] = lambda: False,
        tz: tzinfo | None = None,
        monotonic: Callable[[], float] = _time.monotonic,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._clock = clock
        self._locked = locked
        self._tz = tz
        self._monotonic = monotonic
        self._nudges: tuple[Nudge, ...] = ()
        self._last: ReminderCheck | None = None
        self._wake_at: datetime | None = None
        self._paused_until: datetime | None = None
        self._catching_up = True
        self._in_flight = False
        self._again = False
        self._pending_while_locked = False
        self._running = False
        self._last_wall = clock.now()
        self._last_mono = monotonic()

        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        self._wake = QTimer(self)
        self._wake.setSingleShot(True)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake.timeout.connect(self._on_wake)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.check_now)
        client.journal_changed.connect(self._on_journal_changed)

    # --- state -------------------------------------------------------------------------------------------

    @property
    def nudges(self) -> list[Nudge]:
        """What is due, as of the last check (minus what was just marked done or snoozed)."""
        return list(self._nudges)

    @property
    def locked(self) -> bool:
        return self._locked()

    @property
    def paused_until(self) -> datetime | None:
        return self._paused_until

    @property
    def wake_at(self) -> datetime | None:
        """The next instant the exact timer aims at (``None`` before the first check)."""
        return self._wake_at

    @property
    def armed_ms(self) -> int | None:
        """The interval the exact timer is armed with, or ``None`` when it is not running."""
        return self._wake.interval() if self._wake.isActive() else None

    @property
    def last_check(self) -> ReminderCheck | None:
        return self._last

    def now(self) -> datetime:
        return service_reminders.local_now(self._clock, self._tz)

    # --- running -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start ticking and look at once (the start-up catch-up)."""
        self._running = True
        self._last_wall, self._last_mono = self._clock.now(), self._monotonic()
        self._tick.start()
        self.check_now()

    def stop(self) -> None:
        """Stop every timer (before the journal closes); a check in flight finishes harmlessly."""
        self._running = False
        for timer in (self._tick, self._wake, self._recheck):
            timer.stop()

    def check_now(self) -> None:
        """Look at what is due now (in the background); coalesced with a check already running."""
        if not self._running:
            return
        if self._locked():
            self._pending_while_locked = True
            log.debug("reminder check deferred: journal locked")
            return
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        now = self.now()
        self._client.query(
            lambda service: service_reminders.check(service, now),
            self._on_checked,
            name="reminders.check",
            on_error=self._on_check_failed,
        )

    def unlocked(self) -> None:
        """The journal was unlocked again: catch up on what was deferred while it was locked."""
        if self._pending_while_locked:
            self._pending_while_locked = False
        self.check_now()

    def settings_changed(self) -> None:
        """A reminder setting changed (rules, quiet hours, digest...): look again."""
        self._recheck.start()

    # --- timers ------------------------------------------------------------------------------------------

    def _on_tick(self) -> None:
        wall, mono = self._clock.now(), self._monotonic()
        expected = self._last_wall + timedelta(seconds=mono - self._last_mono)
        self._last_wall, self._last_mono = wall, mono
        gap = abs(wall - expected)
        if gap > GAP_TOLERANCE:
            log.info(
                "wall clock moved %d s against the monotonic clock (sleep or clock change): checking",
                int((wall - expected).total_seconds()),
            )
            self.check_now()
        elif self._wake_at is not None and wall >= self._wake_at:
            self.check_now()
        elif self._pending_while_locked and not self._locked():
            self.unlocked()

    def _on_wake(self) -> None:
        if self._wake_at is not None and self._clock.now() < self._wake_at:
            self._arm(self._wake_at)  # a chunk of a wait longer than a QTimer holds
            return
        self.check_now()

    def _arm(self, wake_at: datetime | None) -> None:
        self._wake_at = wake_at
        self._wake.stop()
        if wake_at is None or not self._running:
            return
        remaining_ms = (wake_at - self._clock.now()).total_seconds() * 1000 + WAKE_SLACK_MS
        self._wake.start(int(min(max(remaining_ms, 0), MAX_TIMER_MS)))

    # --- results -----------------------------------------------------------------------------------------

    def _on_check_failed(self, exc: BaseException) -> None:
        self._in_flight = False
        log.warning("reminder check failed: %s", type(exc).__name__)
        if self._again:
            self._again = False
            self._recheck.start()

    def _on_checked(self, result: ReminderCheck) -> None:
        self._in_flight = False
        self._last = result
        if [n.key for n in result.nudges] != [n.key for n in self._nudges]:
            self._nudges = result.nudges
            self.nudges_changed.emit(list(result.nudges))
        else:
            self._nudges = result.nudges
        paused = result.state.paused_until if result.paused else None
        if paused != self._paused_until:
            self._paused_until = paused
            self.paused_changed.emit(paused)
        self._arm(result.wake_at)
        if self._again:
            self._again = False
            self.check_now()
        elif self._running and not self._locked():
            self._announce(result)
        self.checked.emit()

    def _announce(self, result: ReminderCheck) -> None:
        plan = plan_notification(
            result.nudges, result.now, result.settings, result.state, catching_up=self._catching_up
        )
        if plan is None:
            if not (result.quiet or result.paused):
                self._catching_up = False
            return
        self._catching_up = False
        if plan.show:
            target = plan.nudges[0] if len(plan.nudges) == 1 else None
            log.info("announcing %d nudges (%s)", len(plan.nudges), plan.kind.value)
            self.notify.emit(plan.title, plan.text, target)
        now = result.now
        self._client.mutate(
            lambda service: service_reminders.record_plan(service, plan, now),
            changes=(),
            name="reminders.record",
            on_error=lambda exc: log.warning("could not remember announced nudges: %s", type(exc).__name__),
        )

    def _on_journal_changed(self, kinds: object) -> None:
        if kinds:  # our own bookkeeping writes announce an empty set
            self._recheck.start()

    # --- what the user does from the tray -----------------------------------------------------------------

    def _drop(self, nudge: Nudge) -> None:
        remaining = tuple(n for n in self._nudges if n.key != nudge.key)
        if remaining != self._nudges:
            self._nudges = remaining
            self.nudges_changed.emit(list(remaining))

    def mark_done(self, nudge: Nudge) -> bool:
        """Done with ``nudge`` (stored; False and nothing written while the journal is locked)."""
        if self._locked():
            return False
        now = self.now()
        changes = {ItemKind.REMINDER} if nudge.rule is NudgeRule.USER_REMINDER else set()
        self._drop(nudge)
        self._client.mutate(
            lambda service: service_reminders.mark_done(service, nudge, now),
            lambda _kinds: self.check_now(),
            changes=changes,
            name="reminders.done",
        )
        return True

    def snooze(self, nudge: Nudge, delay: timedelta) -> bool:
        """Hide ``nudge`` for ``delay``; it is announced again afterwards."""
        if self._locked():
            return False
        now = self.now()
        self._drop(nudge)
        self._client.mutate(
            lambda service: service_reminders.snooze(service, nudge, now + delay, now),
            lambda _state: self.check_now(),
            changes=(),
            name="reminders.snooze",
        )
        return True

    def pause(self, until: datetime | None) -> bool:
        """Hold notifications until ``until`` (``None``: resume now)."""
        if self._locked():
            return False
        now = self.now()
        self._client.mutate(
            lambda service: service_reminders.set_pause(service, until, now),
            lambda _state: self.check_now(),
            changes=(),
            name="reminders.pause",
        )
        return True

    def pause_for(self, delay: timedelta) -> bool:
        return self.pause(self.now() + delay)

    def pause_until_tomorrow(self) -> bool:
        """Until tomorrow morning: the end of quiet hours if there are any, else 08:00."""
        morning = time(8, 0)
        if self._last is not None and self._last.settings.quiet_hours_start != self._last.settings.quiet_hours_end:
            morning = self._last.settings.quiet_hours_end
        now = self.now()
        tomorrow = now.date() + timedelta(days=1)
        return self.pause(datetime.combine(tomorrow, morning, tzinfo=now.tzinfo))

    def resume(self) -> bool:
        return self.pause(None)

    def state(self) -> ReminderState | None:
        """The stored state as of the last check."""
        return self._last.state if self._last is not None else None
