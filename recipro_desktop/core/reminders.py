"""What is due now: thank-yous owed, promises, people drifting away, follow-ups, birthdays, user reminders.

Pure rules over plain snapshots and an injected ``now``, so the Today view, the tray scheduler, the CLI
and the tests agree on every edge (due today vs overdue, Feb 29, quiet hours across midnight).

Time model:

- ``now`` is a timezone-aware instant. Pass it in the user's local zone when "today" should change at
  local midnight (``datetime.now().astimezone()``); in UTC otherwise. "Today" is ``now.date()`` in that
  zone, and every day rule is calendar arithmetic on :class:`~datetime.date` (no DST effects).
- User reminders are instants (stored in UTC). Recurrence adds days or calendar months to ``due_at`` in
  ``due_at``'s own zone: stored UTC reminders repeat at the same UTC time (DST-free); a reminder created
  in a ``zoneinfo`` zone keeps its wall-clock time.
- Each occurrence of anything due has a stable :attr:`Nudge.key` (rule, item id, occurrence), so "done"
  and "snooze" can be remembered per occurrence and nothing nags twice; a new occurrence (next year's
  birthday, the cadence restarted by a new interaction) has a new key.

Nothing here reads settings storage: :class:`ReminderSettings` is built from the values of
:mod:`recipro_desktop.core.settings` by :meth:`ReminderSettings.from_settings`.
"""

from __future__ import annotations

import calendar
import enum
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from uuid import UUID

from recipro_desktop.core import settings as registry
from recipro_desktop.core.models import (
    Act,
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
from recipro_desktop.core.summaries import PersonFacts, PersonRow
from recipro_desktop.core.text import collapse_whitespace, first_name, strip_invisible

TITLE_MAX = 80
"""Titles are one line for a notification or a list row; longer text is cut with an ellipsis."""


class NudgeRule(enum.StrEnum):
    """Why something is due. The order is the order of :func:`summarise` and of ties in :func:`due_nudges`."""

    THANKS_OWED = "thanks_owed"
    PROMISE_DUE_MINE = "promise_due_mine"
    PROMISE_DUE_THEIRS = "promise_due_theirs"
    KEEP_IN_TOUCH = "keep_in_touch"
    NEED_FOLLOW_UP = "need_follow_up"
    BIRTHDAY = "birthday"
    USER_REMINDER = "user_reminder"


_RULE_ORDER = {rule: n for n, rule in enumerate(NudgeRule)}

RULE_SETTINGS: Mapping[NudgeRule, str] = {
    NudgeRule.THANKS_OWED: "remind_thanks_owed",
    NudgeRule.PROMISE_DUE_MINE: "remind_my_promises",
    NudgeRule.PROMISE_DUE_THEIRS: "remind_their_promises",
    NudgeRule.KEEP_IN_TOUCH: "remind_keep_in_touch",
    NudgeRule.NEED_FOLLOW_UP: "remind_need_follow_ups",
    NudgeRule.BIRTHDAY: "remind_birthdays",
    NudgeRule.USER_REMINDER: "remind_user_reminders",
}
"""The boolean setting that switches each rule on or off."""


# --- inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonSnapshot:
    """What the person rules need. ``last_contact``: the last act, interaction or entry naming them.

    ``known_since`` starts the keep-in-touch clock for someone never contacted (normally the day they were
    added), so a cadence set on a new contact becomes due one cadence later rather than at once.
    """

    id: UUID
    first_name: str
    birthday_month: int | None = None
    birthday_day: int | None = None
    birthday_year: int | None = None
    cadence_days: int | None = None
    last_contact: date | None = None
    known_since: date | None = None
    archived: bool = False

    @classmethod
    def from_person(cls, p: Person, last_contact: date | None = None) -> PersonSnapshot:
        return cls(
            id=p.id,
            first_name=p.given_name.strip() or first_name(p.display_name),
            birthday_month=p.birthday_month,
            birthday_day=p.birthday_day,
            birthday_year=p.birthday_year,
            cadence_days=p.cadence_days,
            last_contact=last_contact,
            known_since=p.created_at.date(),
            archived=p.archived,
        )

    @classmethod
    def from_row(cls, row: PersonRow, facts: PersonFacts) -> PersonSnapshot:
        """The same snapshot from a People list row and the few facts the row lacks (no ORM person needed)."""
        return cls(
            id=row.id,
            first_name=row.given_name.strip() or first_name(row.display_name),
            birthday_month=row.birthday_month,
            birthday_day=row.birthday_day,
            birthday_year=facts.birthday_year,
            cadence_days=row.cadence_days,
            last_contact=row.last_interaction,
            known_since=facts.added_on,
            archived=row.archived,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ActSnapshot:
    """An act as the thank-you rule sees it; only received, unthanked acts produce a nudge."""

    id: UUID
    people: tuple[UUID, ...]
    occurred_on: date
    summary: str
    direction: Direction = Direction.RECEIVED
    thanked: bool = False  # thanked, or marked "no thanks needed"

    @classmethod
    def from_act(cls, a: Act) -> ActSnapshot:
        return cls(
            id=a.id,
            people=a.people,
            occurred_on=a.occurred_on,
            summary=a.summary,
            direction=a.direction,
            thanked=a.thanked_on is not None or a.thanks_not_needed,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentSnapshot:
    """A promise; only open promises with a due date produce a nudge."""

    id: UUID
    promiser: Promiser
    people: tuple[UUID, ...]
    text: str
    due_on: date | None
    status: CommitmentStatus = CommitmentStatus.OPEN

    @classmethod
    def from_commitment(cls, c: Commitment) -> CommitmentSnapshot:
        return cls(id=c.id, promiser=c.promiser, people=c.people, text=c.text, due_on=c.due_on, status=c.status)


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedSnapshot:
    """A listening note; open or in-progress notes with a follow-up date produce a nudge."""

    id: UUID
    person_id: UUID
    text: str
    follow_up_on: date | None
    status: NeedStatus = NeedStatus.OPEN

    @classmethod
    def from_need(cls, n: Need) -> NeedSnapshot:
        return cls(id=n.id, person_id=n.person_id, text=n.text, follow_up_on=n.follow_up_on, status=n.status)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderInputs:
    """Everything the rules look at, as plain snapshots. Items that cannot be due are simply ignored."""

    people: tuple[PersonSnapshot, ...] = ()
    acts: tuple[ActSnapshot, ...] = ()
    commitments: tuple[CommitmentSnapshot, ...] = ()
    needs: tuple[NeedSnapshot, ...] = ()
    reminders: tuple[Reminder, ...] = ()

    @classmethod
    def from_models(
        cls,
        *,
        people: Iterable[Person] = (),
        last_contact: Mapping[UUID, date] | None = None,
        acts: Iterable[Act] = (),
        commitments: Iterable[Commitment] = (),
        needs: Iterable[Need] = (),
        reminders: Iterable[Reminder] = (),
    ) -> ReminderInputs:
        """Snapshots of stored models (``last_contact``: person id → day of the last thing logged)."""
        last = last_contact or {}
        return cls(
            people=tuple(PersonSnapshot.from_person(p, last.get(p.id)) for p in people),
            acts=tuple(ActSnapshot.from_act(a) for a in acts),
            commitments=tuple(CommitmentSnapshot.from_commitment(c) for c in commitments),
            needs=tuple(NeedSnapshot.from_need(n) for n in needs),
            reminders=tuple(reminders),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSettings:
    """The reminder-related settings (see :mod:`recipro_desktop.core.settings` for their meaning)."""

    rules: frozenset[NudgeRule] = frozenset(NudgeRule)
    thanks_after_days: int = 3
    birthday_lead_days: int = 7
    promise_lead_days: int = 1
    default_cadence_days: int | None = None
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(8, 0)
    digest: str = "daily"  # daily | weekly | off
    digest_time: time = time(8, 30)
    digest_weekday: int = 0  # Monday
    notification_privacy: str = "counts"  # counts | full

    @classmethod
    def from_settings(cls, values: Mapping[str, object]) -> ReminderSettings:
        """From stored setting values (missing or invalid ones take their defaults, see ``resolve``)."""
        v = registry.resolve(values)

        def integer(key: str) -> int:
            value = v[key]
            assert isinstance(value, int)
            return value

        def text(key: str) -> str:
            value = v[key]
            assert isinstance(value, str)
            return value

        cadence = v["default_cadence_days"]
        assert cadence is None or isinstance(cadence, int)
        return cls(
            rules=frozenset(rule for rule, key in RULE_SETTINGS.items() if v[key] is True),
            thanks_after_days=integer("thanks_after_days"),
            birthday_lead_days=integer("birthday_lead_days"),
            promise_lead_days=integer("promise_lead_days"),
            default_cadence_days=cadence,
            quiet_hours_start=registry.parse_time(text("quiet_hours_start")),
            quiet_hours_end=registry.parse_time(text("quiet_hours_end")),
            digest=text("digest"),
            digest_time=registry.parse_time(text("digest_time")),
            digest_weekday=registry.WEEKDAYS.index(text("digest_weekday")),
            notification_privacy=text("notification_privacy"),
        )


# --- output -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Nudge:
    """One thing due now.

    Attributes:
        rule: why it is due.
        item_kind, item_id: the item to open (a person for birthdays and keep-in-touch).
        person_ids, first_names: who it concerns (first names with invisible controls removed).
        due_on: the day it is due (the birthday itself, the promise's due date...).
        due_at: the instant, for user reminders; ``None`` for day rules.
        overdue: due on an earlier day than today (never for birthdays).
        key: ``"<rule>:<item id>:<occurrence>"``, stable for one occurrence; store done/snooze under it.
        title: one short line for the list and for notifications in "full" privacy mode.
    """

    rule: NudgeRule
    item_kind: ItemKind
    item_id: UUID
    due_on: date
    overdue: bool
    key: str
    title: str
    person_ids: tuple[UUID, ...] = ()
    first_names: tuple[str, ...] = ()
    due_at: datetime | None = None


def nudge_key(rule: NudgeRule, item_id: UUID, occurrence: date | datetime) -> str:
    """The key of one occurrence: instants are written in UTC so the key does not depend on the zone."""
    when = occurrence.astimezone(UTC).isoformat() if isinstance(occurrence, datetime) else occurrence.isoformat()
    return f"{rule.value}:{item_id}:{when}"


# --- calendar helpers ---------------------------------------------------------------------------------


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_birthday(month: int, day: int, today: date) -> date:
    """The next birthday on or after ``today``; Feb 29 is celebrated on Feb 28 in non-leap years."""
    this_year = _clamped(today.year, month, day)
    return this_year if this_year >= today else _clamped(today.year + 1, month, day)


def _nth(base: datetime, recurrence: Recurrence, k: int) -> datetime:
    """Occurrence ``k`` (0 = ``base``), always computed from ``base`` so month-end clamping never drifts."""
    if recurrence is Recurrence.DAILY:
        return base + timedelta(days=k)
    if recurrence is Recurrence.WEEKLY:
        return base + timedelta(weeks=k)
    if recurrence is Recurrence.MONTHLY:
        years, month0 = divmod(base.month - 1 + k, 12)
        d = _clamped(base.year + years, month0 + 1, base.day)
        return base.replace(year=d.year, month=d.month, day=d.day)
    if recurrence is Recurrence.YEARLY:
        d = _clamped(base.year + k, base.month, base.day)
        return base.replace(year=d.year, month=d.month, day=d.day)
    return base


def _last_index_at_or_before(base: datetime, recurrence: Recurrence, t: datetime) -> int:
    """The largest ``k`` with occurrence ``k`` ≤ ``t``, or -1 when even ``base`` is later."""
    if base > t:
        return -1
    if recurrence is Recurrence.NONE:
        return 0
    if recurrence is Recurrence.DAILY:
        k = (t - base) // timedelta(days=1)
    elif recurrence is Recurrence.WEEKLY:
        k = (t - base) // timedelta(weeks=1)
    elif recurrence is Recurrence.MONTHLY:
        k = (t.year - base.year) * 12 + t.month - base.month
    else:
        k = t.year - base.year
    k = max(0, k - 1)
    while _nth(base, recurrence, k + 1) <= t:
        k += 1
    while k > 0 and _nth(base, recurrence, k) > t:
        k -= 1
    return k


def next_occurrence(r: Reminder, after: datetime) -> datetime | None:
    """The first occurrence of ``r`` strictly after ``after`` (``None`` if a one-off is already past).

    Daily and weekly add days; monthly keeps the day of month, clamped to the month's end (Jan 31 → Feb 28
    → Mar 31: always from the original ``due_at``, so it never drifts); yearly keeps the date, Feb 29 → Feb 28
    in non-leap years.
    """
    _require_aware(after)
    if r.recurrence is Recurrence.NONE:
        return r.due_at if r.due_at > after else None
    k = _last_index_at_or_before(r.due_at, r.recurrence, after)
    return _nth(r.due_at, r.recurrence, k + 1)


def current_occurrence(r: Reminder, now: datetime) -> datetime | None:
    """The latest occurrence of ``r`` at or before ``now`` (missed earlier ones collapse into it)."""
    _require_aware(now)
    k = _last_index_at_or_before(r.due_at, r.recurrence, now)
    return None if k < 0 else _nth(r.due_at, r.recurrence, k)


def _wall(now: datetime, t: time) -> datetime:
    return now.replace(hour=t.hour, minute=t.minute, second=0, microsecond=0)


def in_quiet_hours(now: datetime, settings: ReminderSettings) -> bool:
    """Whether ``now`` (wall clock in its own zone) falls in the quiet hours; start == end means none.

    The range includes its start and excludes its end; it may cross midnight (22:00–08:00).
    """
    _require_aware(now)
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    t = now.time().replace(second=0, microsecond=0)
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end


def quiet_until(now: datetime, settings: ReminderSettings) -> datetime | None:
    """When the current quiet hours end (for a scheduler to wait until), or ``None`` outside them."""
    if not in_quiet_hours(now, settings):
        return None
    end = _wall(now, settings.quiet_hours_end)
    return end if end > now else _wall(now + timedelta(days=1), settings.quiet_hours_end)


def last_digest_slot(now: datetime, settings: ReminderSettings) -> datetime | None:
    """The latest scheduled digest time at or before ``now`` (``None`` when the digest is off)."""
    _require_aware(now)
    if settings.digest == "off":
        return None
    slot = _wall(now, settings.digest_time)
    if settings.digest == "weekly":
        slot = _wall(now - timedelta(days=(now.weekday() - settings.digest_weekday) % 7), settings.digest_time)
        if slot > now:
            slot = _wall(slot - timedelta(days=7), settings.digest_time)
    elif slot > now:
        slot = _wall(now - timedelta(days=1), settings.digest_time)
    return slot


def digest_due(now: datetime, settings: ReminderSettings, last_digest_at: datetime | None) -> bool:
    """Whether a digest should be sent now: a slot has passed since the last one, and it is not quiet.

    A digest whose slot falls inside quiet hours waits until they end. ``last_digest_at`` ``None`` (never
    sent) counts as before every slot.
    """
    slot = last_digest_slot(now, settings)
    if slot is None or in_quiet_hours(now, settings):
        return False
    return last_digest_at is None or last_digest_at < slot


# --- the rules ----------------------------------------------------------------------------------------


def _one_line(s: str) -> str:
    line = collapse_whitespace(strip_invisible(s))
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"


def _names_phrase(names: Sequence[str]) -> str:
    if not names:
        return "someone"
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    others = len(names) - 2
    return f"{names[0]}, {names[1]} and {others} other{'s' if others > 1 else ''}"


@dataclass(slots=True)
class _Context:
    today: date
    now: datetime
    settings: ReminderSettings
    dismissed: Mapping[str, datetime | None]
    names: dict[UUID, str]
    out: list[Nudge] = field(default_factory=list)

    def first_names(self, people: Iterable[UUID]) -> tuple[str, ...]:
        return tuple(self.names[p] for p in people if p in self.names)

    def add(
        self,
        rule: NudgeRule,
        kind: ItemKind,
        item_id: UUID,
        *,
        due_on: date,
        title: str,
        people: tuple[UUID, ...],
        overdue: bool,
        occurrence: date | datetime | None = None,
        due_at: datetime | None = None,
    ) -> None:
        key = nudge_key(rule, item_id, occurrence if occurrence is not None else due_on)
        if key in self.dismissed:
            until = self.dismissed[key]
            if until is None or self.now < until:
                return
        self.out.append(
            Nudge(
                rule=rule,
                item_kind=kind,
                item_id=item_id,
                due_on=due_on,
                due_at=due_at,
                overdue=overdue,
                key=key,
                title=_one_line(title),
                person_ids=people,
                first_names=self.first_names(people),
            )
        )


# --- the rules, one function each ----------------------------------------------------------------------
#
# Each question ("which thank-yous are owed?", "who is past their cadence?") is answered by exactly one function
# here. :func:`due_nudges` (the tray, ``recipro reminders``) and the Today briefing (``services/today.py``) both
# call them, so the two can only differ where a caller passes a different parameter on purpose: Today looks
# ``birthday_lead_days`` = 14 days ahead and ignores the notification switches and done/snoozed nudges.


def thanks_due(acts: Iterable[ActSnapshot], today: date, after_days: int) -> Iterator[tuple[ActSnapshot, date]]:
    """Thank-yous owed: received acts neither thanked nor marked "no thanks needed", from ``after_days`` days
    after they happened (the day it became due is the second item)."""
    wait = timedelta(days=after_days)
    for a in acts:
        if a.direction is not Direction.RECEIVED or a.thanked:
            continue
        due = a.occurred_on + wait
        if today >= due:
            yield a, due


def promises_due(
    commitments: Iterable[CommitmentSnapshot], today: date, lead_days: int
) -> Iterator[CommitmentSnapshot]:
    """Promises due: open ones (mine and theirs) with a due date, from ``lead_days`` days before it."""
    lead = timedelta(days=lead_days)
    for c in commitments:
        if c.status is CommitmentStatus.OPEN and c.due_on is not None and today >= c.due_on - lead:
            yield c


def needs_known_since(cadence_days: int | None, last_contact: date | None) -> bool:
    """Whether :func:`cadence_due_on` looks at this person's ``known_since`` (so a caller holding only list rows
    knows whose day of being added it must read): never contacted, with a cadence of their own."""
    return last_contact is None and cadence_days is not None


@dataclass(frozen=True, slots=True)
class CadenceDue:
    """Someone past their keep-in-touch cadence: which cadence applied and the day it ran out."""

    person: PersonSnapshot
    cadence_days: int
    due_on: date


def cadence_due_on(
    *,
    cadence_days: int | None,
    last_contact: date | None,
    known_since: date | None,
    archived: bool,
    default_cadence_days: int | None,
) -> tuple[int, date] | None:
    """The keep-in-touch rule for one person: the cadence that applies and the day it runs out, or ``None``.

    The cadence is their own, else ``default_cadence_days``; archived people have none. The clock runs from the
    last contact (logging anything restarts it). For someone never contacted it runs from ``known_since`` (the
    day they were added), but only when they have a cadence of their own: the default cadence applies to people
    you have been in touch with, otherwise setting it after importing an address book would make every contact
    in it due on the same day. Due means ``today >= due day`` (see :func:`keep_in_touch_due`).
    """
    if archived:
        return None
    cadence = cadence_days if cadence_days is not None else default_cadence_days
    if cadence is None:
        return None
    if last_contact is not None:
        start = last_contact
    elif needs_known_since(cadence_days, last_contact) and known_since is not None:
        start = known_since
    else:
        return None
    return cadence, start + timedelta(days=cadence)


def keep_in_touch_due(
    people: Iterable[PersonSnapshot], today: date, default_cadence_days: int | None
) -> Iterator[CadenceDue]:
    """People whose cadence ran out today or earlier (:func:`cadence_due_on`)."""
    for p in people:
        found = cadence_due_on(
            cadence_days=p.cadence_days,
            last_contact=p.last_contact,
            known_since=p.known_since,
            archived=p.archived,
            default_cadence_days=default_cadence_days,
        )
        if found is not None and today >= found[1]:
            yield CadenceDue(person=p, cadence_days=found[0], due_on=found[1])


def birthday_within(
    today: date, lead_days: int, *, month: int | None, day: int | None, archived: bool = False
) -> date | None:
    """The birthday rule for one person: their next birthday (:func:`next_birthday`: Feb 29 falls on Feb 28 in
    other years) when it is today or within ``lead_days`` days, else ``None``; archived people have none."""
    if archived or month is None or day is None:
        return None
    birthday = next_birthday(month, day, today)
    return birthday if (birthday - today).days <= lead_days else None


def birthdays_due(
    people: Iterable[PersonSnapshot], today: date, lead_days: int
) -> Iterator[tuple[PersonSnapshot, date]]:
    """Birthdays from today up to ``lead_days`` days ahead (:func:`birthday_within`), with the day itself."""
    for p in people:
        birthday = birthday_within(today, lead_days, month=p.birthday_month, day=p.birthday_day, archived=p.archived)
        if birthday is not None:
            yield p, birthday


def birthday_turns(birthday: date, birth_year: int | None) -> int | None:
    """The age someone turns on ``birthday``; ``None`` when the year is unknown (or not before it)."""
    return birthday.year - birth_year if birth_year is not None and birthday.year > birth_year else None


def follow_ups_due(needs: Iterable[NeedSnapshot], today: date) -> Iterator[NeedSnapshot]:
    """Listening notes (open or being helped with) on and after their follow-up date."""
    for n in needs:
        open_ = n.status in (NeedStatus.OPEN, NeedStatus.HELPING)
        if open_ and n.follow_up_on is not None and today >= n.follow_up_on:
            yield n


def due_nudges(
    inputs: ReminderInputs,
    now: datetime,
    settings: ReminderSettings,
    dismissed: Mapping[str, datetime | None] | None = None,
) -> list[Nudge]:
    """Everything due at ``now``, oldest due day first (then by rule, then by key: a stable order).

    Rules (``today`` = ``now.date()``; "overdue" = due on an earlier day than today):

    - THANKS_OWED: a received act neither thanked nor marked "no thanks needed", due
      ``thanks_after_days`` after it happened.
    - PROMISE_DUE_MINE / PROMISE_DUE_THEIRS: an open promise with a due date, shown from
      ``promise_lead_days`` before it.
    - KEEP_IN_TOUCH: a person (not archived) with a cadence (their own, else ``default_cadence_days``),
      due ``cadence`` days after the last contact, or after ``known_since`` for someone never contacted who has
      a cadence of their own (see :func:`keep_in_touch_due`): anything logged restarts the clock.
    - NEED_FOLLOW_UP: an open or in-progress listening note on and after its follow-up date.
    - BIRTHDAY: from ``birthday_lead_days`` before the (next) birthday until the day itself; never overdue.
    - USER_REMINDER: a reminder not done, at its current occurrence (or its snooze time, if later).

    ``dismissed`` maps :attr:`Nudge.key` to ``None`` (done: never shown again) or a snooze-until instant
    (hidden until then). Rules switched off in ``settings.rules`` produce nothing.
    """
    _require_aware(now)
    today = now.date()
    ctx = _Context(
        today=today,
        now=now,
        settings=settings,
        dismissed=dismissed or {},
        names={p.id: strip_invisible(p.first_name).strip() for p in inputs.people},
    )
    rules = settings.rules

    if NudgeRule.THANKS_OWED in rules:
        for a, due in thanks_due(inputs.acts, today, settings.thanks_after_days):
            names = _names_phrase(ctx.first_names(a.people))
            ctx.add(
                NudgeRule.THANKS_OWED,
                ItemKind.ACT,
                a.id,
                due_on=due,
                title=f"Thank {names}: {a.summary}",
                people=a.people,
                overdue=today > due,
            )

    for c in promises_due(inputs.commitments, today, settings.promise_lead_days):
        assert c.due_on is not None
        rule = NudgeRule.PROMISE_DUE_MINE if c.promiser is Promiser.ME else NudgeRule.PROMISE_DUE_THEIRS
        if rule not in rules:
            continue
        names = _names_phrase(ctx.first_names(c.people))
        if rule is NudgeRule.PROMISE_DUE_MINE:
            title = f"Your promise to {names}: {c.text}" if c.people else f"Your promise: {c.text}"
        else:
            title = f"{names} promised: {c.text}"
        overdue = today > c.due_on
        ctx.add(rule, ItemKind.COMMITMENT, c.id, due_on=c.due_on, title=title, people=c.people, overdue=overdue)

    if NudgeRule.KEEP_IN_TOUCH in rules:
        for d in keep_in_touch_due(inputs.people, today, settings.default_cadence_days):
            ctx.add(
                NudgeRule.KEEP_IN_TOUCH,
                ItemKind.PERSON,
                d.person.id,
                due_on=d.due_on,
                title=f"Catch up with {ctx.names[d.person.id] or 'someone'}",
                people=(d.person.id,),
                overdue=today > d.due_on,
            )

    if NudgeRule.BIRTHDAY in rules:
        for p, birthday in birthdays_due(inputs.people, today, settings.birthday_lead_days):
            days = (birthday - today).days
            when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
            age = birthday_turns(birthday, p.birthday_year)
            turns = f" (turns {age})" if age is not None else ""
            ctx.add(
                NudgeRule.BIRTHDAY,
                ItemKind.PERSON,
                p.id,
                due_on=birthday,
                title=f"{ctx.names[p.id] or 'someone'}'s birthday {when}{turns}",
                people=(p.id,),
                overdue=False,
            )

    if NudgeRule.NEED_FOLLOW_UP in rules:
        for n in follow_ups_due(inputs.needs, today):
            assert n.follow_up_on is not None
            name = _names_phrase(ctx.first_names((n.person_id,)))
            ctx.add(
                NudgeRule.NEED_FOLLOW_UP,
                ItemKind.NEED,
                n.id,
                due_on=n.follow_up_on,
                title=f"Follow up with {name}: {n.text}",
                people=(n.person_id,),
                overdue=today > n.follow_up_on,
            )

    if NudgeRule.USER_REMINDER in rules:
        for r in inputs.reminders:
            if r.done:
                continue
            occurrence = current_occurrence(r, now)
            if occurrence is None:
                continue
            shows_at = r.snoozed_until if r.snoozed_until is not None and r.snoozed_until > occurrence else occurrence
            if now < shows_at:
                continue
            due_day = occurrence.astimezone(now.tzinfo).date()
            people = (r.person_id,) if r.person_id is not None else ()
            ctx.add(
                NudgeRule.USER_REMINDER,
                ItemKind.REMINDER,
                r.id,
                due_on=due_day,
                due_at=occurrence,
                occurrence=occurrence,
                title=r.text,
                people=people,
                overdue=due_day < today,
            )

    ctx.out.sort(key=lambda n: (n.due_on, _RULE_ORDER[n.rule], n.key))
    return ctx.out


# --- private-safe text --------------------------------------------------------------------------------

_PHRASES: Mapping[NudgeRule, tuple[str, str]] = {
    NudgeRule.THANKS_OWED: ("thank-you owed", "thank-yous owed"),
    NudgeRule.PROMISE_DUE_MINE: ("promise due", "promises due"),
    NudgeRule.PROMISE_DUE_THEIRS: ("promise to you due", "promises to you due"),
    NudgeRule.KEEP_IN_TOUCH: ("person to catch up with", "people to catch up with"),
    NudgeRule.NEED_FOLLOW_UP: ("follow-up", "follow-ups"),
    NudgeRule.BIRTHDAY: ("birthday", "birthdays"),
    NudgeRule.USER_REMINDER: ("reminder", "reminders"),
}


def summarise(nudges: Iterable[Nudge]) -> str:
    """Counts only, for notifications in the default "counts" privacy mode: ``"2 thank-yous owed, 1 promise due"``.

    Never a name or a title (RELIABILITY G3); ``"Nothing due"`` when empty.
    """
    return summarise_counts(Counter(n.rule for n in nudges))


def summarise_counts(counts: Mapping[NudgeRule, int]) -> str:
    """:func:`summarise` from counts per rule (for callers holding records rather than :class:`Nudge` objects)."""
    parts = []
    for rule in NudgeRule:
        count = counts.get(rule, 0)
        if count:
            singular, plural = _PHRASES[rule]
            parts.append(f"{count} {singular if count == 1 else plural}")
    return ", ".join(parts) if parts else "Nothing due"


def notification_text(nudges: Sequence[Nudge], privacy: str, *, max_lines: int = 5) -> str:
    """The body of a notification: counts in ``"counts"`` mode (the default); counts with first names in
    ``"names"`` mode; titles in ``"full"`` mode.

    Titles are already single-line and free of invisible controls; escaping for markup-aware notification
    servers is the UI's job (G3).
    """
    if privacy == "names" and nudges:
        return summarise_with_names(nudges)
    if privacy != "full" or not nudges:
        return summarise(nudges)
    lines = [n.title for n in nudges[:max_lines]]
    if len(nudges) > max_lines:
        lines.append(f"and {len(nudges) - max_lines} more")
    return "\n".join(lines)


NAMES_PER_RULE = 3
"""In ``"names"`` mode at most this many first names follow each count (``"3 birthdays (Ana, Bo, Cy)"``)."""


def summarise_with_names(nudges: Iterable[Nudge]) -> str:
    """Counts with first names, for the ``"names"`` privacy mode: ``"2 thank-yous owed (Ana, Bo), 1 birthday (Cy)"``.

    First names only (already stripped of invisible controls), never a title or note text; a nudge about nobody
    adds no name. More than :data:`NAMES_PER_RULE` distinct names end in ``"+N"``.
    """
    by_rule: dict[NudgeRule, list[Nudge]] = {}
    for n in nudges:
        by_rule.setdefault(n.rule, []).append(n)
    parts = []
    for rule in NudgeRule:
        group = by_rule.get(rule)
        if not group:
            continue
        singular, plural = _PHRASES[rule]
        part = f"{len(group)} {singular if len(group) == 1 else plural}"
        names: list[str] = []
        for n in group:
            for name in n.first_names:
                if name and name not in names:
                    names.append(name)
        if names:
            shown = ", ".join(names[:NAMES_PER_RULE])
            more = len(names) - NAMES_PER_RULE
            part += f" ({shown}{f' +{more}' if more > 0 else ''})"
        parts.append(part)
    return ", ".join(parts) if parts else "Nothing due"


# --- remembered state: done, snoozed, notified, digest, pause -----------------------------------------------

STATE_VERSION = 1
PRUNE_GRACE = timedelta(days=30)
"""A dismissal or notification record is kept this long after it stops being live, so that undoing a change
(re-opening a promise, deleting the interaction that restarted a cadence) does not make a handled nudge nag again."""


def _instant(value: object) -> datetime | None:
    """An aware ISO-8601 instant from stored state, or ``None`` for anything else (state is never trusted)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and parsed.utcoffset() is not None else None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Dismissal:
    """The user handled one nudge occurrence: ``until`` ``None`` means done, else snoozed until then."""

    at: datetime
    until: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderState:
    """What the reminder scheduler remembers between runs, so nothing nags twice and nothing is lost.

    Attributes:
        dismissed: :attr:`Nudge.key` → done or snoozed (see :class:`Dismissal`).
        notified: :attr:`Nudge.key` → when a notification already told the user about it. A nudge due but not
            in here has not been announced yet: after a restart it is caught up ("3 nudges while you were away").
        last_digest_at: when the last digest was sent (or skipped because nothing was due).
        paused_until: notifications are paused until then (the tray still shows what is due).

    Stored as one JSON object in the ``reminder_state`` setting (:meth:`to_value` / :meth:`from_value`).
    """

    dismissed: Mapping[str, Dismissal] = field(default_factory=lambda: MappingProxyType({}))
    notified: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))
    last_digest_at: datetime | None = None
    paused_until: datetime | None = None

    @classmethod
    def from_value(cls, value: object) -> ReminderState:
        """The state from its stored form. Malformed entries are dropped, never fatal: at worst a handled nudge
        shows again, which is better than no reminders at all."""
        if not isinstance(value, Mapping):
            return cls()
        dismissed: dict[str, Dismissal] = {}
        raw_dismissed = value.get("dismissed")
        if isinstance(raw_dismissed, Mapping):
            for key, entry in raw_dismissed.items():
                if not isinstance(key, str) or not isinstance(entry, Mapping):
                    continue
                at = _instant(entry.get("at"))
                until = _instant(entry.get("until"))
                if at is None or (entry.get("until") is not None and until is None):
                    continue
                dismissed[key] = Dismissal(at=at, until=until)
        notified: dict[str, datetime] = {}
        raw_notified = value.get("notified")
        if isinstance(raw_notified, Mapping):
            for key, when in raw_notified.items():
                instant = _instant(when)
                if isinstance(key, str) and instant is not None:
                    notified[key] = instant
        return cls(
            dismissed=MappingProxyType(dismissed),
            notified=MappingProxyType(notified),
            last_digest_at=_instant(value.get("last_digest_at")),
            paused_until=_instant(value.get("paused_until")),
        )

    def to_value(self) -> dict[str, object]:
        """The JSON-ready form (instants in UTC)."""
        return {
            "version": STATE_VERSION,
            "dismissed": {k: {"at": _iso(d.at), "until": _iso(d.until)} for k, d in sorted(self.dismissed.items())},
            "notified": {k: _iso(t) for k, t in sorted(self.notified.items())},
            "last_digest_at": _iso(self.last_digest_at),
            "paused_until": _iso(self.paused_until),
        }

    def dismissed_until(self) -> dict[str, datetime | None]:
        """The ``dismissed`` argument of :func:`due_nudges`."""
        return {key: d.until for key, d in self.dismissed.items()}

    def done(self, key: str, at: datetime) -> ReminderState:
        """``key`` handled for good (this occurrence only; the next birthday or cadence has a new key)."""
        _require_aware(at)
        return replace(self, dismissed=MappingProxyType({**self.dismissed, key: Dismissal(at=at, until=None)}))

    def snoozed(self, key: str, until: datetime, at: datetime) -> ReminderState:
        """``key`` hidden until ``until``, and announced again then (its notified mark is cleared)."""
        _require_aware(at)
        _require_aware(until)
        notified = {k: t for k, t in self.notified.items() if k != key}
        return replace(
            self,
            dismissed=MappingProxyType({**self.dismissed, key: Dismissal(at=at, until=until)}),
            notified=MappingProxyType(notified),
        )

    def undismissed(self, key: str) -> ReminderState:
        """Forget a done or snooze (undo)."""
        return replace(self, dismissed=MappingProxyType({k: d for k, d in self.dismissed.items() if k != key}))

    def with_notified(self, keys: Iterable[str], at: datetime) -> ReminderState:
        _require_aware(at)
        added = dict(self.notified)
        for key in keys:
            added.setdefault(key, at)
        return replace(self, notified=MappingProxyType(added))

    def with_digest(self, at: datetime) -> ReminderState:
        _require_aware(at)
        return replace(self, last_digest_at=at)

    def paused(self, until: datetime | None) -> ReminderState:
        """Pause notifications until ``until`` (``None``: resume)."""
        if until is not None:
            _require_aware(until)
        return replace(self, paused_until=until)

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until

    def pruned(self, live: Iterable[str], now: datetime, *, grace: timedelta = PRUNE_GRACE) -> ReminderState:
        """Without the records that can no longer matter, so the state does not grow forever.

        A record is dropped when its key is not ``live`` (see :func:`live_keys`: the occurrence can no longer
        come due — next year's birthday, a promise kept, an act thanked), it was made more than ``grace`` ago,
        and (for a snooze) its time is up. An expired pause is dropped too.
        """
        _require_aware(now)
        alive = frozenset(live)
        cutoff = now - grace

        def keep_dismissal(key: str, d: Dismissal) -> bool:
            if key in alive:
                return True
            return d.at > cutoff or (d.until is not None and d.until > now)

        dismissed = {k: d for k, d in self.dismissed.items() if keep_dismissal(k, d)}
        notified = {k: t for k, t in self.notified.items() if k in alive or t > cutoff}
        paused_until = self.paused_until if self.is_paused(now) else None
        return ReminderState(
            dismissed=MappingProxyType(dismissed),
            notified=MappingProxyType(notified),
            last_digest_at=self.last_digest_at,
            paused_until=paused_until,
        )


def live_keys(inputs: ReminderInputs, now: datetime, settings: ReminderSettings) -> frozenset[str]:
    """Keys of every occurrence that is, or could still become, due without anything being logged.

    Every rule on and the widest lead times, but the same ``thanks_after_days`` and cadence (keys depend on
    them). A record whose key is not here is about an occurrence that is over.
    """
    wide = replace(
        settings,
        rules=frozenset(NudgeRule),
        birthday_lead_days=366,
        promise_lead_days=3650,
    )
    return frozenset(n.key for n in due_nudges(inputs, now, wide))


# --- when to look again, and what to say ---------------------------------------------------------------


def next_digest_slot(now: datetime, settings: ReminderSettings) -> datetime | None:
    """The first digest time strictly after ``now`` (``None`` when the digest is off)."""
    last = last_digest_slot(now, settings)
    if last is None:
        return None
    step = timedelta(days=7 if settings.digest == "weekly" else 1)
    return _wall(last + step, settings.digest_time)


def next_wakeup(
    inputs: ReminderInputs, now: datetime, settings: ReminderSettings, state: ReminderState
) -> datetime | None:
    """The earliest instant after ``now`` at which what is due, or whether it may be announced, can change.

    The next local midnight (day rules move on), the next occurrence of each user reminder and each snooze's
    end, the end of quiet hours or of a pause, and the next digest. Anything else (an item logged, a setting
    changed) is an event the caller hears about. ``None`` never happens in practice (there is always a
    midnight) but callers must not rely on it.
    """
    _require_aware(now)
    candidates: list[datetime] = [datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)]
    for r in inputs.reminders:
        if r.done:
            continue
        following = next_occurrence(r, now)
        if following is not None:
            candidates.append(following)
        if r.snoozed_until is not None and r.snoozed_until > now:
            candidates.append(r.snoozed_until)
    candidates.extend(d.until for d in state.dismissed.values() if d.until is not None and d.until > now)
    quiet_end = quiet_until(now, settings)
    if quiet_end is not None:
        candidates.append(quiet_end)
    if state.paused_until is not None and state.paused_until > now:
        candidates.append(state.paused_until)
    digest = next_digest_slot(now, settings)
    if digest is not None:
        candidates.append(digest)
    later = [c for c in candidates if c > now]
    return min(later) if later else None


class NotificationKind(enum.StrEnum):
    NEW = "new"  # something came due while the app was running
    AWAY = "away"  # the first check after a start: what fell due while it was closed
    DIGEST = "digest"  # the daily or weekly summary


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationPlan:
    """What to announce now, and what to remember for it.

    Attributes:
        kind: why (new, while away, digest).
        title: a short, name-free title.
        text: the body, obeying the privacy setting (not yet escaped for markup: the UI's job).
        nudges: what it is about (a click opens the item when there is exactly one).
        show: False for a digest slot with nothing due (recorded, not shown).
        state: the state to store afterwards (notified keys, digest time).
    """

    kind: NotificationKind
    title: str
    text: str
    nudges: tuple[Nudge, ...]
    show: bool
    state: ReminderState


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def plan_notification(
    nudges: Sequence[Nudge],
    now: datetime,
    settings: ReminderSettings,
    state: ReminderState,
    *,
    catching_up: bool = False,
) -> NotificationPlan | None:
    """Whether to notify now, and with what; ``None`` when there is nothing to say (or it must wait).

    - Quiet hours or a pause: nothing now; what is new stays un-notified, so it is announced when they end.
    - A digest slot has passed: one digest of everything due (it covers the new ones too), even in the
      ``"counts"`` mode a count per kind; with nothing due the slot is recorded silently.
    - Otherwise, nudges not announced before: one notification for all of them; on the first check after a
      start (``catching_up``) it says they came due while the app was away (and stands in for a digest due
      at the same time).
    """
    _require_aware(now)
    if state.is_paused(now) or in_quiet_hours(now, settings):
        return None
    privacy = settings.notification_privacy
    fresh = tuple(n for n in nudges if n.key not in state.notified)
    digest = digest_due(now, settings, state.last_digest_at)
    if digest and not (catching_up and fresh):
        title = "Your weekly digest" if settings.digest == "weekly" else "Your daily digest"
        return NotificationPlan(
            kind=NotificationKind.DIGEST,
            title=title,
            text=notification_text(nudges, privacy),
            nudges=tuple(nudges),
            show=bool(nudges),
            state=state.with_notified((n.key for n in nudges), now).with_digest(now),
        )
    if not fresh:
        return None
    after = state.with_notified((n.key for n in fresh), now)
    if catching_up:
        if digest:  # the start-up message stands in for the digest (one notification, not two)
            after = after.with_notified((n.key for n in nudges), now).with_digest(now)
        head = f"{_plural(len(fresh), 'nudge')} while you were away"
        return NotificationPlan(
            kind=NotificationKind.AWAY,
            title="While you were away",
            text=f"{head}: {notification_text(fresh, privacy)}"
            if privacy != "full"
            else f"{head}\n{notification_text(fresh, privacy)}",
            nudges=fresh,
            show=True,
            state=after,
        )
    return NotificationPlan(
        kind=NotificationKind.NEW,
        title="Reminder" if len(fresh) == 1 else "Reminders",
        text=notification_text(fresh, privacy),
        nudges=fresh,
        show=True,
        state=after,
    )
