"""The Today briefing: what deserves attention this morning, computed from the journal and a clock.

Qt-free and pure given its inputs (a :class:`TodaySource`, normally the
:class:`~recipro_desktop.services.journal.JournalService`, and a :class:`~recipro_desktop.core.clock.Clock`), so
the same rules are tested with a fixed clock and reused by anything that wants the same answers (the Today view,
a digest). Each section answers one of the habits the app supports:

- **thank-yous owed** (show gratitude): received acts, not thanked nor marked "no thanks needed", that happened
  at least ``thanks_after_days`` days ago; the most recent first (that is when a thank-you means most).
- **promises due** (follow through): open promises, mine and theirs, due today, overdue, or due within
  ``promise_lead_days``; the most overdue first.
- **keep in touch** (be proactive): people whose last contact plus their cadence (their own, else the
  ``default_cadence_days`` setting) is today or earlier; the longest past due first.
- **needs you could help with** (listen): open listening notes that one of the owner's ``my_skills`` or a
  contact's "can help with" matches (a suggested introduction); the owner's own matches first.
- **birthdays**: in the next :data:`BIRTHDAY_WINDOW_DAYS` days, with the age they turn when the year is known.
- **one prompt**: a gratitude or reflection question that changes every day, cycling through the editable
  prompt lists (:func:`prompt_for_day`).

**One rule per question.** Which items each section lists is decided by the same pure functions the tray uses
(:mod:`recipro_desktop.core.reminders`: :func:`~recipro_desktop.core.reminders.thanks_due`,
:func:`~recipro_desktop.core.reminders.promises_due`, :func:`~recipro_desktop.core.reminders.keep_in_touch_due`,
:func:`~recipro_desktop.core.reminders.birthdays_due`) and by the Needs board's matcher
(:class:`~recipro_desktop.core.matching.HelperIndex`: Today's helpers are the board's first
:data:`MAX_HELPERS`). Today differs from the tray only by choice, and only here:

- it looks :data:`BIRTHDAY_WINDOW_DAYS` (14) days ahead for birthdays, where the tray uses ``birthday_lead_days``;
- it shows every section whatever the notification switches (``remind_*``) say, and it shows items done or
  snoozed in the tray (those are about notifications; the item is still unthanked, open or due);
- it has no section for listening-note follow-ups or the user's own reminders (the tray's own rules).

Everything returned is an immutable dataclass holding names already looked up (``PersonRef``), so the view only
formats. Names are user text: nothing here logs them (ids and counts only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, cast
from uuid import UUID

from recipro_desktop.core import settings as settings_registry
from recipro_desktop.core.clock import Clock
from recipro_desktop.core.errors import NotFoundError, ValidationError
from recipro_desktop.core.matching import TODAY_HELPERS, HelperIndex, HelperSuggestion, skills_setting
from recipro_desktop.core.models import Act, Commitment, Need, Person, PromptKind
from recipro_desktop.core.reminders import (
    ActSnapshot,
    CommitmentSnapshot,
    birthday_turns,
    birthday_within,
    cadence_due_on,
    needs_known_since,
    promises_due,
    thanks_due,
)
from recipro_desktop.core.summaries import PersonFacts, PersonRow
from recipro_desktop.services.journal import JournalService

log = logging.getLogger(__name__)

BIRTHDAY_WINDOW_DAYS = 14
"""Birthdays from today up to this many days ahead are shown."""

MAX_HELPERS = TODAY_HELPERS
"""At most this many contacts are suggested for one need: the Needs board's first ones (best match, then warmest)."""


class TodaySource(Protocol):
    """What the briefing reads: a subset of :class:`~recipro_desktop.services.journal.JournalService`."""

    def thanks_owed(self, *, older_than_days: int = 0) -> list[Act]: ...

    def open_commitments(self) -> list[Commitment]: ...

    def open_needs(self) -> list[Need]: ...

    def list_people(self, *, include_archived: bool = False) -> list[PersonRow]: ...

    def get_person(self, person_id: UUID) -> Person: ...

    def get_setting(self, key: str) -> object: ...


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person as a row shows them: enough to print a name and to open their page."""

    id: UUID
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OwedThanks:
    act: Act
    people: tuple[PersonRef, ...]
    days_ago: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DuePromise:
    """An open promise that is due. ``days_overdue`` > 0: overdue; 0: due today; < 0: due in that many days."""

    commitment: Commitment
    people: tuple[PersonRef, ...]
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftingPerson:
    """Someone past their keep-in-touch cadence. ``days_since`` is None when nothing was ever logged."""

    person: PersonRef
    last_contact: date | None
    days_since: int | None
    cadence_days: int
    days_past: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Helper:
    """A contact who could help with a need, and the skills of theirs that matched."""

    person: PersonRef
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpableNeed:
    need: Need
    person: PersonRef
    my_skills: tuple[str, ...]
    helpers: tuple[Helper, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UpcomingBirthday:
    person: PersonRef
    on: date
    in_days: int
    turns: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyPrompt:
    """Today's question; ``position`` of ``count`` in the rotation (for "another question")."""

    kind: PromptKind
    text: str
    position: int
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TodayBriefing:
    day: date
    thanks_after_days: int
    thanks_owed: tuple[OwedThanks, ...]
    promises: tuple[DuePromise, ...]
    drifting: tuple[DriftingPerson, ...]
    needs: tuple[HelpableNeed, ...]
    birthdays: tuple[UpcomingBirthday, ...]
    prompt: DailyPrompt | None
    rotation: tuple[tuple[PromptKind, str], ...] = ()
    """Every prompt in rotation order (``prompt.position`` indexes it), for "another question"."""

    @property
    def empty(self) -> bool:
        """Nothing needs attention (the prompt does not count)."""
        return not (self.thanks_owed or self.promises or self.drifting or self.needs or self.birthdays)


# --- pure rules -----------------------------------------------------------------------------------------------


def prompt_rotation(gratitude: Sequence[str], reflection: Sequence[str]) -> list[tuple[PromptKind, str]]:
    """Both prompt lists interleaved (gratitude, reflection, gratitude, ...), the longer one's rest at the end."""
    out: list[tuple[PromptKind, str]] = []
    for n in range(max(len(gratitude), len(reflection))):
        if n < len(gratitude):
            out.append((PromptKind.GRATITUDE, gratitude[n]))
        if n < len(reflection):
            out.append((PromptKind.REFLECTION, reflection[n]))
    return out


def prompt_for_day(
    day: date, gratitude: Sequence[str], reflection: Sequence[str], *, offset: int = 0
) -> DailyPrompt | None:
    """The prompt of ``day``: one step through the rotation per calendar day, ``offset`` steps further.

    Stable through the day (the same question after a restart) and every prompt comes round in turn, so an
    edited list takes effect the next time the view loads. None when both lists are empty.
    """
    rotation = prompt_rotation(gratitude, reflection)
    if not rotation:
        return None
    position = (day.toordinal() + offset) % len(rotation)
    kind, text = rotation[position]
    return DailyPrompt(kind=kind, text=text, position=position, count=len(rotation))


# --- the briefing -------------------------------------------------------------------------------------------


def _int_setting(source: TodaySource, key: str) -> int:
    value = source.get_setting(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    default = settings_registry.default(key)
    assert isinstance(default, int)
    return default


def _optional_int_setting(source: TodaySource, key: str) -> int | None:
    value = source.get_setting(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text_list_setting(source: TodaySource, key: str) -> tuple[str, ...]:
    try:
        value = source.get_setting(key)
    except ValidationError:  # a journal from before the setting existed
        return ()
    return skills_setting(value)  # the same clean-up as the Needs board's (non-blank text entries)


def _people_by_id(source: TodaySource, ids: Iterable[UUID], clock: Clock) -> dict[UUID, PersonFacts]:
    """Name, day added and birth year of these people (missing ones left out): one narrow read
    (:meth:`JournalService.person_facts`) when ``source`` is the journal service.

    Birthdays need the birth year, never-contacted people their day added and archived people named on an item
    their name, none of which the people list carries; with 10,000 contacts that is a few hundred people.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    if isinstance(source, JournalService):
        return source.person_facts(wanted)
    out: dict[UUID, PersonFacts] = {}
    for person_id in wanted:
        try:
            p = source.get_person(person_id)
        except NotFoundError:
            continue
        out[person_id] = PersonFacts(p.display_name, p.created_at.date(), p.birthday_year)
    return out


class _Names:
    """Display names by id: from the people list, with a lookup for the few not in it (archived people)."""

    def __init__(self, source: TodaySource, rows: Iterable[PersonRow], clock: Clock) -> None:
        self._source = source
        self._clock = clock
        self._names = {r.id: r.display_name for r in rows}

    def prefetch(self, ids: Iterable[UUID]) -> None:
        """Look up, in one read, the people not in the list (archived ones named on an item)."""
        missing = [i for i in ids if i not in self._names]
        found = _people_by_id(self._source, missing, self._clock)
        for person_id in missing:
            self._names[person_id] = found[person_id].name if person_id in found else "Someone"

    def ref(self, person_id: UUID) -> PersonRef:
        if person_id not in self._names:
            self.prefetch((person_id,))
        return PersonRef(person_id, self._names[person_id])

    def refs(self, ids: Iterable[UUID]) -> tuple[PersonRef, ...]:
        return tuple(self.ref(i) for i in ids)


def build_today(source: TodaySource, clock: Clock, *, prompt_offset: int = 0) -> TodayBriefing:
    """Everything the Today view shows for ``clock.today()``; a handful of queries, no query per row."""
    today = clock.today()
    thanks_after = _int_setting(source, "thanks_after_days")
    promise_lead = _int_setting(source, "promise_lead_days")
    default_cadence = _optional_int_setting(source, "default_cadence_days")
    rows = source.list_people()
    names = _Names(source, rows, clock)

    acts = {a.id: a for a in source.thanks_owed(older_than_days=0)}
    owed_acts = [acts[a.id] for a, _ in thanks_due(map(ActSnapshot.from_act, acts.values()), today, thanks_after)]
    commitments = {c.id: c for c in source.open_commitments()}
    snapshots = map(CommitmentSnapshot.from_commitment, commitments.values())
    due_promises = [commitments[c.id] for c in promises_due(snapshots, today, promise_lead)]
    names.prefetch([p for a in owed_acts for p in a.people] + [p for c in due_promises for p in c.people])
    owed = tuple(
        OwedThanks(act=a, people=names.refs(a.people), days_ago=(today - a.occurred_on).days) for a in owed_acts
    )
    # The freshest first: a thank-you sent within days means most, and a years-old one should not lead.
    owed = tuple(sorted(owed, key=lambda o: (o.act.occurred_on, o.act.created_at, o.act.id), reverse=True))

    promises = tuple(
        sorted(
            (
                DuePromise(commitment=c, people=names.refs(c.people), days_overdue=(today - cast(date, c.due_on)).days)
                for c in due_promises
            ),
            key=lambda p: (-p.days_overdue, p.commitment.promiser.value, p.commitment.id),
        )
    )

    drifting, birthdays = _people_due(source, rows, clock, default_cadence)
    needs = _helpable_needs(source, rows, names)
    gratitude = _text_list_setting(source, "gratitude_prompts")
    reflection = _text_list_setting(source, "reflection_prompts")
    prompt = prompt_for_day(today, gratitude, reflection, offset=prompt_offset)
    log.debug(
        "today built: %d thanks, %d promises, %d drifting, %d needs, %d birthdays",
        len(owed),
        len(promises),
        len(drifting),
        len(needs),
        len(birthdays),
    )
    return TodayBriefing(
        day=today,
        thanks_after_days=thanks_after,
        thanks_owed=owed,
        promises=promises,
        drifting=drifting,
        needs=needs,
        birthdays=birthdays,
        prompt=prompt,
        rotation=tuple(prompt_rotation(gratitude, reflection)),
    )


def _people_due(
    source: TodaySource, rows: Sequence[PersonRow], clock: Clock, default_cadence: int | None
) -> tuple[tuple[DriftingPerson, ...], tuple[UpcomingBirthday, ...]]:
    """Keep in touch and birthdays: the tray's per-person rules (:func:`~recipro_desktop.core.reminders.cadence_due_on`,
    :func:`~recipro_desktop.core.reminders.birthday_within`) applied to the People list's rows, with the day
    counts Today shows; the longest past due first, the soonest birthday first.

    The rows lack the day someone was added, which the keep-in-touch rule reads only for the never-contacted
    with a cadence of their own, and the birth year, which only the birthdays shown need: those few people are
    read in one batch (a few hundred of 10,000). No per-person object is built for the other thousands.
    """
    today = clock.today()
    never = [r.id for r in rows if needs_known_since(r.cadence_days, r.last_interaction)]
    born: list[tuple[PersonRow, date]] = []
    for r in rows:
        on = birthday_within(
            today, BIRTHDAY_WINDOW_DAYS, month=r.birthday_month, day=r.birthday_day, archived=r.archived
        )
        if on is not None:
            born.append((r, on))
    found = _people_by_id(source, never + [r.id for r, _ in born], clock)
    added = {i: found[i].added_on for i in never if i in found}

    drifting: list[DriftingPerson] = []
    for r in rows:
        due = cadence_due_on(
            cadence_days=r.cadence_days,
            last_contact=r.last_interaction,
            known_since=added.get(r.id),
            archived=r.archived,
            default_cadence_days=default_cadence,
        )
        if due is None or due[1] > today:
            continue
        last = r.last_interaction
        drifting.append(
            DriftingPerson(
                person=PersonRef(r.id, r.display_name),
                last_contact=last,
                days_since=(today - last).days if last is not None else None,
                cadence_days=due[0],
                days_past=(today - due[1]).days,
            )
        )
    drifting.sort(key=lambda d: (-d.days_past, d.person.name))

    birthdays = [
        UpcomingBirthday(
            person=PersonRef(r.id, r.display_name),
            on=on,
            in_days=(on - today).days,
            turns=birthday_turns(on, found[r.id].birthday_year),
        )
        for r, on in born
        if r.id in found  # not deleted since the list was read
    ]
    birthdays.sort(key=lambda b: (b.in_days, b.person.name))
    return tuple(drifting), tuple(birthdays)


def _helpable_needs(source: TodaySource, rows: Sequence[PersonRow], names: _Names) -> tuple[HelpableNeed, ...]:
    """Open needs someone could help with, by the Needs board's rule (:meth:`HelperIndex.match`).

    The index is built once (distinct skills, holders pre-ranked) and each need is scored only against the few
    skills sharing a word with it, so 10,000 people and thousands of open needs stay well under a second.
    """
    mine = _text_list_setting(source, "my_skills")
    index = HelperIndex(rows)
    matched = [(need, found) for need in source.open_needs() if (found := index.match(need, MAX_HELPERS, mine)).anyone]
    names.prefetch(need.person_id for need, _ in matched)  # archived people's needs: their names in one read
    out: list[HelpableNeed] = []
    converted: dict[tuple[HelperSuggestion, ...], tuple[Helper, ...]] = {}  # many needs share one suggestion list
    for need, found in matched:
        helpers = converted.get(found.helpers)
        if helpers is None:
            helpers = converted[found.helpers] = tuple(
                Helper(person=PersonRef(h.person_id, h.display_name), skills=h.matched) for h in found.helpers
            )
        out.append(HelpableNeed(need=need, person=names.ref(need.person_id), my_skills=found.mine, helpers=helpers))
    out.sort(key=lambda h: (not h.my_skills, -h.need.heard_on.toordinal(), h.need.id))
    return tuple(out)
