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

The rules are those of :func:`recipro_desktop.core.reminders.due_nudges` (so Today and the tray agree), minus
its notification switches: Today always shows everything, and birthdays two weeks ahead.
- **needs you could help with** (listen): open listening notes that match the owner's ``my_skills`` setting or
  a contact's "can help with" (a suggested introduction); the owner's own matches first.
- **birthdays**: in the next :data:`BIRTHDAY_WINDOW_DAYS` days, with the age they turn when the year is known.
- **one prompt**: a gratitude or reflection question that changes every day, cycling through the editable
  prompt lists (:func:`prompt_for_day`).

Everything returned is an immutable dataclass holding names already looked up (``PersonRef``), so the view only
formats. Names are user text: nothing here logs them (ids and counts only).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, cast
from uuid import UUID

from recipro_desktop.core import settings as settings_registry
from recipro_desktop.core.clock import Clock
from recipro_desktop.core.errors import NotFoundError, ValidationError
from recipro_desktop.core.models import Act, Commitment, Need, NeedStatus, Person, PromptKind
from recipro_desktop.core.reminders import next_birthday
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import fold
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.repositories import PERSON, Repository

log = logging.getLogger(__name__)

BIRTHDAY_WINDOW_DAYS = 14
"""Birthdays from today up to this many days ahead are shown."""

MAX_HELPERS = 3
"""At most this many contacts are suggested for one need (the warmest relationships first)."""

SKILL_PREFIX = 6
"""Words match on their first letters (``translation`` ~ ``translator``): a crude, predictable stemmer."""

_STOPWORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"})
_WORD = re.compile(r"[^\W_]+")


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


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS]


def _stem(word: str) -> str:
    return word[:SKILL_PREFIX]


def need_stems(need: Need) -> frozenset[str]:
    """The word stems of a need's text, tags and context, as :func:`skill_matches` compares them."""
    words = _words(need.text) + _words(need.context)
    for tag in need.tags:
        words.extend(_words(tag))
    return frozenset(_stem(w) for w in words)


def skill_matches(skill: str, stems: frozenset[str]) -> bool:
    """Whether every significant word of ``skill`` appears (by stem, accent- and case-insensitive) in ``stems``.

    ``"German translation"`` matches "Needs a German translator"; ``"data science"`` does not match
    "data privacy rules" (both words must be there). A skill of only stopwords never matches.
    """
    wanted = skill_stems(skill)
    return bool(wanted) and wanted <= stems


def skill_stems(skill: str) -> frozenset[str]:
    """The stems a skill needs to find in a need (empty for a skill of stopwords only)."""
    return frozenset(_stem(w) for w in _words(skill))


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
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str) and v.strip())
    return ()


def _people_by_id(source: TodaySource, ids: Iterable[UUID], clock: Clock) -> dict[UUID, Person]:
    """The people with these ids (missing ones left out), in ONE read when ``source`` is the journal service.

    Birthdays need the birth year and never-contacted people their creation day, neither of which the people
    list carries; with 10,000 contacts that is a few hundred people, too many for one read each.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    if isinstance(source, JournalService):
        with source.database.session() as session:
            found = Repository(session, clock.now()).get_many(PERSON, wanted)
        return {p.id: p for p in found}
    out: dict[UUID, Person] = {}
    for person_id in wanted:
        try:
            out[person_id] = source.get_person(person_id)
        except NotFoundError:
            continue
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
            self._names[person_id] = found[person_id].display_name if person_id in found else "Someone"

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

    owed_acts = [a for a in source.thanks_owed(older_than_days=0) if (today - a.occurred_on).days >= thanks_after]
    horizon = today + timedelta(days=promise_lead)
    due_promises = [c for c in source.open_commitments() if c.due_on is not None and c.due_on <= horizon]
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

    drifting = tuple(
        sorted(_drifting(source, rows, clock, default_cadence), key=lambda d: (-d.days_past, d.person.name))
    )
    needs = _helpable_needs(source, rows, names)
    birthdays = _birthdays(source, rows, clock)
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


def _drifting(
    source: TodaySource, rows: Sequence[PersonRow], clock: Clock, default_cadence: int | None
) -> Iterable[DriftingPerson]:
    """The keep-in-touch rule of :func:`recipro_desktop.core.reminders.due_nudges`, with the day counts Today shows.

    The clock runs from the last contact; for someone never contacted, from the day they were added — but only
    for people with a cadence of their own (an imported address book under a default cadence would otherwise
    flood Today the day the cadence first runs out).
    """
    today = clock.today()
    never = [r.id for r in rows if r.last_interaction is None and r.cadence_days is not None]
    added = {i: p.created_at.date() for i, p in _people_by_id(source, never, clock).items()}
    for row in rows:
        cadence = row.cadence_days if row.cadence_days is not None else default_cadence
        if cadence is None:
            continue
        start = row.last_interaction if row.last_interaction is not None else added.get(row.id)
        if start is None:
            continue
        due = start + timedelta(days=cadence)
        if due <= today:
            yield DriftingPerson(
                person=PersonRef(row.id, row.display_name),
                last_contact=row.last_interaction,
                days_since=(today - row.last_interaction).days if row.last_interaction is not None else None,
                cadence_days=cadence,
                days_past=(today - due).days,
            )


def _helpable_needs(source: TodaySource, rows: Sequence[PersonRow], names: _Names) -> tuple[HelpableNeed, ...]:
    """Open needs matching my skills or contacts' (see :func:`skill_matches`), with the warmest possible helpers.

    Stems are computed once per distinct skill, and per skill only the warmest few offerers are candidates:
    10,000 people and thousands of open needs stay well under a second.
    """
    mine_stems = [(s, skill_stems(s)) for s in _text_list_setting(source, "my_skills")]
    # skill (as the contacts wrote it) -> the contacts offering it, warmest first
    offered: dict[str, list[PersonRow]] = {}
    for row in sorted(rows, key=lambda r: (-r.warmth.score, r.display_name)):
        for skill in row.can_help_with:
            offered.setdefault(skill, []).append(row)
    by_stem: dict[str, list[tuple[str, frozenset[str]]]] = {}  # a stem -> the skills that need it
    for skill in offered:
        if st := skill_stems(skill):
            by_stem.setdefault(min(st), []).append((skill, st))
    out: list[HelpableNeed] = []
    for need in source.open_needs():
        if need.status not in (NeedStatus.OPEN, NeedStatus.HELPING):
            continue
        stems = need_stems(need)
        mine = tuple(s for s, st in mine_stems if st and st <= stems)
        matched = {skill for stem in stems for skill, st in by_stem.get(stem, ()) if st <= stems}
        candidates: dict[UUID, PersonRow] = {}
        for skill in matched:
            # the warmest MAX_HELPERS overall are among the first MAX_HELPERS + 1 of each list (one may be them)
            for row in offered[skill][: MAX_HELPERS + 1]:
                if row.id != need.person_id:
                    candidates[row.id] = row
        ranked = sorted(candidates.values(), key=lambda r: (-r.warmth.score, r.display_name))[:MAX_HELPERS]
        helpers = tuple(
            Helper(person=PersonRef(r.id, r.display_name), skills=tuple(s for s in r.can_help_with if s in matched))
            for r in ranked
        )
        if mine or helpers:
            out.append(HelpableNeed(need=need, person=names.ref(need.person_id), my_skills=mine, helpers=helpers))
    out.sort(key=lambda h: (not h.my_skills, -h.need.heard_on.toordinal(), h.need.id))
    return tuple(out)


def _birthdays(source: TodaySource, rows: Iterable[PersonRow], clock: Clock) -> tuple[UpcomingBirthday, ...]:
    today = clock.today()
    upcoming: list[tuple[PersonRow, date]] = []
    for row in rows:
        if row.birthday_month is None or row.birthday_day is None:
            continue
        on = next_birthday(row.birthday_month, row.birthday_day, today)
        if (on - today).days <= BIRTHDAY_WINDOW_DAYS:
            upcoming.append((row, on))
    people = _people_by_id(source, (row.id for row, _ in upcoming), clock)  # the list rows carry no birth year
    out: list[UpcomingBirthday] = []
    for row, on in upcoming:
        if row.id not in people:  # deleted since the list was read
            continue
        year = people[row.id].birthday_year
        turns = on.year - year if year is not None and on.year > year else None
        out.append(
            UpcomingBirthday(person=PersonRef(row.id, row.display_name), on=on, in_days=(on - today).days, turns=turns)
        )
    out.sort(key=lambda b: (b.in_days, b.person.name))
    return tuple(out)
