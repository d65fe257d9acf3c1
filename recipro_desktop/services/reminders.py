"""What is due now, and what the user already did about it: the reminder use cases for the tray and the CLI.

Qt-free. The rules are :mod:`recipro_desktop.core.reminders` (pure); this module feeds them from the journal and
keeps the **state** they need between runs — done and snoozed nudges, which nudges were already announced, the
last digest, a pause — in the ``reminder_state`` setting (one JSON object, inside the encrypted journal, never in
a plaintext side file: the keys hold item ids and dates).

Everything here runs on the database worker (the tray scheduler calls it through ``JournalClient``) or in the CLI;
nothing logs a title or a name (ids and counts only).

Time: ``now`` is an aware instant in the zone whose midnight starts a new day for the user. :func:`local_now`
turns a :class:`~recipro_desktop.core.clock.Clock`'s UTC instant into the machine's local zone; tests pass a zone.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from recipro_desktop.core.clock import Clock
from recipro_desktop.core.dates import human_day
from recipro_desktop.core.errors import NotFoundError, ValidationError
from recipro_desktop.core.models import ItemKind, Recurrence
from recipro_desktop.core.reminders import (
    NotificationPlan,
    Nudge,
    NudgeRule,
    PersonSnapshot,
    ReminderInputs,
    ReminderSettings,
    ReminderState,
    due_nudges,
    in_quiet_hours,
    live_keys,
    next_wakeup,
    summarise_counts,
)
from recipro_desktop.core.text import strip_invisible
from recipro_desktop.services.journal import JournalService

log = logging.getLogger(__name__)

STATE_KEY = "reminder_state"
"""The setting (declared in ``core/settings.py``) that holds the :class:`ReminderState`."""

SNOOZE_DAY = timedelta(days=1)
SNOOZE_WEEK = timedelta(days=7)

RULE_LABELS: Mapping[NudgeRule, str] = {
    NudgeRule.THANKS_OWED: "Thank-you owed",
    NudgeRule.PROMISE_DUE_MINE: "Your promise",
    NudgeRule.PROMISE_DUE_THEIRS: "Their promise",
    NudgeRule.KEEP_IN_TOUCH: "Keep in touch",
    NudgeRule.NEED_FOLLOW_UP: "Follow up",
    NudgeRule.BIRTHDAY: "Birthday",
    NudgeRule.USER_REMINDER: "Reminder",
}
"""A short, name-free label per rule (menus, the CLI)."""


def local_now(clock: Clock, tz: tzinfo | None = None) -> datetime:
    """``clock.now()`` in ``tz``, or in the machine's local zone (whose midnight starts the user's day)."""
    now = clock.now()
    return now.astimezone(tz) if tz is not None else now.astimezone()


# --- reading ------------------------------------------------------------------------------------------------


def gather_inputs(service: JournalService, now: datetime) -> ReminderInputs:
    """Snapshots of everything a rule can look at, through the service's list queries (no query per person).

    People who are not archived, with the day of the last thing logged with them (``list_people`` derives it);
    received acts not yet thanked; open promises; open or in-progress listening notes; reminders not done.
    """
    rows = service.list_people()
    # The list rows lack the day each person was added (the keep-in-touch clock of someone never contacted) and
    # the birth year: one narrow read of those columns, not whole people through the ORM (seconds at 10,000).
    facts = service.person_facts(r.id for r in rows)
    people = tuple(PersonSnapshot.from_row(r, facts[r.id]) for r in rows if r.id in facts)
    inputs = ReminderInputs.from_models(
        acts=service.thanks_owed(older_than_days=0),
        commitments=service.open_commitments(),
        needs=service.open_needs(),
        reminders=service.list_reminders(),
    )
    return dataclasses.replace(inputs, people=people)


def load_settings(service: JournalService) -> ReminderSettings:
    return ReminderSettings.from_settings(service.all_settings())


def load_state(service: JournalService) -> ReminderState:
    return ReminderState.from_value(service.get_setting(STATE_KEY))


def save_state(service: JournalService, state: ReminderState) -> None:
    service.set_setting(STATE_KEY, state.to_value())


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderCheck:
    """One look at what is due (immutable; handed to the GUI thread).

    Attributes:
        now: the instant looked at (in the user's zone).
        nudges: due now, done and snoozed ones left out; oldest due first.
        settings, state: as stored when looked.
        wake_at: when to look again at the latest (see :func:`~recipro_desktop.core.reminders.next_wakeup`).
    """

    now: datetime
    nudges: tuple[Nudge, ...]
    settings: ReminderSettings
    state: ReminderState
    wake_at: datetime | None

    @property
    def quiet(self) -> bool:
        return in_quiet_hours(self.now, self.settings)

    @property
    def paused(self) -> bool:
        return self.state.is_paused(self.now)


def check(service: JournalService, now: datetime) -> ReminderCheck:
    """What is due at ``now`` for the user (read-only)."""
    settings = load_settings(service)
    state = load_state(service)
    inputs = gather_inputs(service, now)
    nudges = due_nudges(inputs, now, settings, state.dismissed_until())
    wake = next_wakeup(inputs, now, settings, state)
    log.debug("reminders checked: %d due", len(nudges))
    return ReminderCheck(now=now, nudges=tuple(nudges), settings=settings, state=state, wake_at=wake)


# --- remembering --------------------------------------------------------------------------------------------


def _update_state(
    service: JournalService, now: datetime, change: Callable[[ReminderState], ReminderState]
) -> ReminderState:
    """Read the stored state afresh, apply ``change``, drop what can no longer matter, store it.

    Always from the stored value (never from a snapshot the GUI holds), so a snooze made between a check and
    its notification is not lost. Callers run on the single database worker, so read-modify-write is safe.
    """
    state = change(load_state(service))
    settings = load_settings(service)
    pruned = state.pruned(live_keys(gather_inputs(service, now), now, settings), now)
    save_state(service, pruned)
    return pruned


def record_notified(
    service: JournalService, now: datetime, keys: Iterable[str], *, digest: bool = False
) -> ReminderState:
    """Remember that ``keys`` were announced at ``now`` (and that a digest went out, if ``digest``)."""
    announced = tuple(keys)

    def change(state: ReminderState) -> ReminderState:
        state = state.with_notified(announced, now)
        return state.with_digest(now) if digest else state

    return _update_state(service, now, change)


def record_plan(service: JournalService, plan: NotificationPlan, now: datetime) -> ReminderState:
    """Remember what a :class:`NotificationPlan` announced (its notified keys and digest time)."""
    keys = tuple(plan.state.notified)
    digest_at = plan.state.last_digest_at

    def change(state: ReminderState) -> ReminderState:
        state = state.with_notified(keys, now)
        if digest_at is not None and (state.last_digest_at is None or state.last_digest_at < digest_at):
            state = state.with_digest(digest_at)
        return state

    return _update_state(service, now, change)


def mark_done(service: JournalService, nudge: Nudge, now: datetime) -> frozenset[ItemKind]:
    """The user handled ``nudge``: it does not come back (its next occurrence, if any, will).

    A one-off reminder is also marked done in the journal, so every list agrees; other items are left as they
    are (a thank-you "done" in the tray does not invent when or how the thanks was given). Returns the kinds of
    item changed, for ``JournalClient.mutate``.
    """
    changed: set[ItemKind] = set()
    if nudge.rule is NudgeRule.USER_REMINDER:
        try:
            reminder = service.get_reminder(nudge.item_id)
        except NotFoundError:
            reminder = None
        if reminder is not None and reminder.recurrence is Recurrence.NONE and not reminder.done:
            service.update_reminder(dataclasses.replace(reminder, done=True))
            changed.add(ItemKind.REMINDER)
    _update_state(service, now, lambda s: s.done(nudge.key, now))
    log.info("nudge done (%s %s)", nudge.rule.value, nudge.item_id)
    return frozenset(changed)


def snooze(service: JournalService, nudge: Nudge, until: datetime, now: datetime) -> ReminderState:
    """Hide ``nudge`` until ``until``; it is announced again then."""
    log.info("nudge snoozed (%s %s)", nudge.rule.value, nudge.item_id)
    return _update_state(service, now, lambda s: s.snoozed(nudge.key, until, now))


def undo_dismissal(service: JournalService, key: str, now: datetime) -> ReminderState:
    """Forget a done or snooze (the tray's undo)."""
    return _update_state(service, now, lambda s: s.undismissed(key))


def set_pause(service: JournalService, until: datetime | None, now: datetime) -> ReminderState:
    """Pause notifications until ``until``; ``None`` resumes them."""
    log.info("reminders %s", "paused" if until is not None else "resumed")
    return _update_state(service, now, lambda s: s.paused(until))


# --- the CLI ------------------------------------------------------------------------------------------------


def nudge_record(n: Nudge) -> dict[str, object]:
    """A nudge as plain JSON-ready data (``recipro reminders --json``)."""
    return {
        "key": n.key,
        "rule": n.rule.value,
        "label": RULE_LABELS[n.rule],
        "kind": n.item_kind.value,
        "item_id": str(n.item_id),
        "title": n.title,
        "due_on": n.due_on.isoformat(),
        "due_at": n.due_at.isoformat() if n.due_at is not None else None,
        "overdue": n.overdue,
        "people": [str(p) for p in n.person_ids],
        "first_names": list(n.first_names),
    }


def pending_for_cli(service: JournalService, now: datetime) -> list[dict[str, object]]:
    """What is due at ``now`` (done and snoozed ones left out), oldest first; read-only.

    ``now`` must be aware (a naive ``--now`` is the user's local time: ``datetime.astimezone()`` it first).
    """
    return [nudge_record(n) for n in check(service, now).nudges]


def render_text(pending: Sequence[Mapping[str, object]], now: datetime) -> str:
    """The ``recipro reminders`` listing: a count line, then one line per nudge (oldest due first).

    Titles are the user's own notes; invisible bidi and zero-width controls are removed so a line cannot be
    made to render backwards in a terminal.
    """
    if not pending:
        return "Nothing due."
    today = now.date()
    rules = [NudgeRule(str(p["rule"])) for p in pending]
    lines = [f"{len(pending)} due ({summarise_counts(Counter(rules))})"]
    width = max(len(RULE_LABELS[r]) for r in rules)
    for p, rule in zip(pending, rules, strict=True):
        due = date.fromisoformat(str(p["due_on"]))
        when = human_day(due, today)
        if p.get("overdue"):
            when = f"overdue, {when}"
        title = strip_invisible(str(p["title"]))
        lines.append(f"  {RULE_LABELS[rule]:<{width}}  {when:<18}  {title}")
    return "\n".join(lines)


def parse_now(text: str | None, clock: Clock, tz: tzinfo | None = None) -> datetime:
    """The instant of ``recipro reminders --now ISO-DATETIME`` (a naive time is the user's local time), or the
    clock's now in the local zone when not given. Raises ``ValidationError`` (field ``now``) for bad input."""
    if text is None or not text.strip():
        return local_now(clock, tz)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("now", "Use an ISO date and time such as 2026-03-10T09:00 (or 2026-03-10).") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz) if tz is not None else parsed.astimezone()
    return parsed.astimezone(tz) if tz is not None else parsed


def reminders_command(
    service: JournalService, clock: Clock, *, now: str | None = None, as_json: bool = False, tz: tzinfo | None = None
) -> str:
    """The whole output of ``recipro reminders [--now ISO] [--json]`` (read-only; nothing is marked notified)."""
    when = parse_now(now, clock, tz)
    pending = pending_for_cli(service, when)
    if as_json:
        return json.dumps({"now": when.isoformat(), "due": pending}, ensure_ascii=False, indent=2)
    return render_text(pending, when)
