"""The demo journal: a realistic, seeded sample network for first runs, screenshots and benchmarks.

:func:`generate_demo` returns plain :mod:`recipro_desktop.core.models` objects; the caller stores them
(the ``recipro demo`` command, the benchmark script). Nothing here touches storage, the clock or the
network, so the same ``seed`` and ``today`` always give the same journal, ids included.

What makes it realistic:

- names from two dozen cultures, with their accents and naming orders (``Łukasz Wiśniewski``,
  ``Nguyễn Thị Lan``, ``Aoife Ní Bhriain``), organisations, roles, cities, tags, how-we-met stories,
  birthdays for about half the people, keep-in-touch cadences for about a third, "can help with" skills;
- a few close people with many items and a long tail with few (log-normal affinity, boosted for a small
  close circle; everyone has at least one touchpoint when there are enough items), everything spread over
  the last three years with a mild recency bias; about 2 % of people archived;
- every act kind in both directions, with plausible summaries and details, weights, thank-yous (mostly
  sent, a few owed), acts returned (``in_return_for``), acts that met a listening note (``meets_need``),
  paid-forward help; needs in every status with follow-ups; promises both ways, kept, broken, cancelled
  and open (some due today, some overdue, some due soon); interactions on every channel; journal entries
  answering gratitude and reflection prompts; a few user reminders, recurring and one-off.

Every generated value passes :mod:`recipro_desktop.core.validation` (the tests check them all).
"""

from __future__ import annotations

import calendar
import itertools
import logging
import math
import random
import re
import uuid
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    PromptKind,
    Recurrence,
    Reminder,
)
from recipro_desktop.core.settings import default as setting_default
from recipro_desktop.core.text import fold
from recipro_desktop.services import demo_text as T

if TYPE_CHECKING:
    from recipro_desktop.services.journal import JournalService

log = logging.getLogger(__name__)

HISTORY_DAYS = 3 * 365
"""How far back the demo history reaches."""

ITEMS_PER_PERSON = 20
"""Default number of dated items per person (``items=None``)."""

_SHARES = (("acts", 0.42), ("interactions", 0.33), ("entries", 0.09), ("needs", 0.08), ("commitments", 0.08))

_KIND_WEIGHTS = (
    (ActKind.FAVOR, 18),
    (ActKind.KNOWLEDGE, 16),
    (ActKind.INTRODUCTION, 12),
    (ActKind.SUPPORT, 10),
    (ActKind.REFERRAL, 8),
    (ActKind.MENTORSHIP, 8),
    (ActKind.COLLABORATION, 8),
    (ActKind.OTHER, 8),
    (ActKind.GIFT, 7),
    (ActKind.LOAN, 5),
)
_KINDS = tuple(k for k, _ in _KIND_WEIGHTS)
_KIND_CUM = tuple(itertools.accumulate(w for _, w in _KIND_WEIGHTS))
_CHANNELS = (Channel.MEETING, Channel.CALL, Channel.MESSAGE, Channel.EMAIL, Channel.EVENT)
_CHANNEL_CUM = tuple(itertools.accumulate((25, 20, 25, 20, 10)))
_WEIGHT_CUM = tuple(itertools.accumulate((15, 30, 30, 15, 10)))
_CADENCES = (14, 30, 30, 60, 90, 90, 180, 365)
_PRONOUNS = (("her", "her"), ("him", "his"), ("them", "their"))
_NEED_MEETING_KINDS = (ActKind.INTRODUCTION, ActKind.REFERRAL, ActKind.KNOWLEDGE, ActKind.FAVOR, ActKind.MENTORSHIP)
_ASCII_HANDLE = re.compile(r"[^a-z0-9.-]")
_ASCII_DOMAIN = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True, slots=True)
class DemoData:
    """A whole demo journal, with consistent ids and links between its items."""

    people: tuple[Person, ...]
    acts: tuple[Act, ...]
    needs: tuple[Need, ...]
    commitments: tuple[Commitment, ...]
    interactions: tuple[Interaction, ...]
    entries: tuple[JournalEntry, ...]
    reminders: tuple[Reminder, ...]

    def counts(self) -> dict[str, int]:
        """Items per entity, e.g. for ``recipro demo``'s summary line."""
        return {
            "people": len(self.people),
            "acts": len(self.acts),
            "needs": len(self.needs),
            "commitments": len(self.commitments),
            "interactions": len(self.interactions),
            "entries": len(self.entries),
            "reminders": len(self.reminders),
        }

    @property
    def item_count(self) -> int:
        """Dated items (everything but people)."""
        return (
            len(self.acts)
            + len(self.needs)
            + len(self.commitments)
            + len(self.interactions)
            + len(self.entries)
            + len(self.reminders)
        )


def store_demo(service: JournalService, data: DemoData) -> None:
    """Store every item of ``data`` in one transaction (:meth:`JournalService.add_many`)."""
    service.add_many(
        people=data.people,
        acts=data.acts,
        needs=data.needs,
        commitments=data.commitments,
        interactions=data.interactions,
        entries=data.entries,
        reminders=data.reminders,
    )


def generate_demo(*, people: int = 120, items: int | None = None, seed: int = 7, today: date) -> DemoData:
    """A realistic journal of ``people`` contacts and ``items`` dated items (default 20 per person).

    ``items`` counts acts, needs, commitments, interactions, journal entries and reminders together; the
    split is roughly 42 % acts, 33 % interactions, 9 % entries, 8 % needs, 8 % promises, plus a few
    reminders. Deterministic for ``(people, items, seed, today)``. 10,000 people and 200,000 items take a
    few seconds.

    Raises:
        ValueError: ``people`` < 1 or ``items`` < 0.
    """
    if people < 1:
        raise ValueError("a demo journal needs at least one person")
    total = ITEMS_PER_PERSON * people if items is None else items
    if total < 0:
        raise ValueError("items must not be negative")
    data = _Builder(random.Random(seed), today).build(people, total)
    log.info("demo journal generated: %d people, %d items (seed %d)", len(data.people), data.item_count, seed)
    return data


# --- internals ----------------------------------------------------------------------------------------


class _Fill(dict[str, str]):
    """Template fillers drawn on demand, so a template only consumes randomness for the fields it uses."""

    def __init__(self, builder: _Builder, person: int) -> None:
        super().__init__()
        self.builder = builder
        self.person = person
        self.other: int | None = None

    def __missing__(self, key: str) -> str:
        b = self.builder
        rng = b.rng
        value: str
        if key == "them":
            value = b.pronouns[self.person][0]
        elif key == "their":
            value = b.pronouns[self.person][1]
        elif key == "First":
            value = b.first[self.person]
        elif key in ("other", "Other"):
            other = b.pick_other(self.person)
            self.other = other
            value = b.first[other] if other is not None else "a friend"
            self["other"] = self["Other"] = value
        elif key == "org":
            value = rng.choice(T.ORGANISATIONS)
        elif key == "role":
            value = rng.choice(T.ROLES)
        elif key == "topic":
            value = rng.choice(T.TOPICS)
        elif key == "city":
            value = rng.choice(T.CITIES)
        elif key == "event":
            value = rng.choice(T.EVENTS)
        elif key == "cafe":
            value = rng.choice(T.CAFES)
        elif key == "thing":
            value = rng.choice(T.THINGS)
        elif key == "product":
            value = rng.choice(T.PRODUCTS)
        elif key == "gift":
            value = rng.choice(T.GIFTS).format_map(self)
        else:  # pragma: no cover - a template typo; fail loudly in tests
            raise KeyError(key)
        self[key] = value
        return value


@dataclass(slots=True)
class _NeedDraft:
    need: Need
    person: int
    met_by: UUID | None = None


def _cap_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.today_ord = today.toordinal()
        self.start_ord = self.today_ord - HISTORY_DAYS
        self.ids: list[UUID] = []
        self.first: list[str] = []
        self.pronouns: list[tuple[str, str]] = []
        self.first_day: list[int] = []  # ordinal of the earliest day an item may name the person
        self.cum_weights: list[float] = []
        self.lean_given: list[float] = []  # probability that an act with the person is given
        self.act_history: dict[tuple[int, Direction], list[Act]] = {}  # acts by (person index, direction)

    # -- primitives --

    def new_id(self) -> UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def stamp(self, day: date) -> datetime:
        minute = self.rng.randrange(7 * 60, 22 * 60)
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=UTC)

    def pick(self) -> int:
        """A person index, weighted by affinity (close people come up far more often)."""
        return bisect_right(self.cum_weights, self.rng.random() * self.cum_weights[-1])

    def pick_other(self, person: int) -> int | None:
        if len(self.ids) < 2:
            return None
        for _ in range(4):
            other = self.pick()
            if other != person:
                return other
        other = self.rng.randrange(len(self.ids) - 1)
        return other if other < person else other + 1

    def day_for(self, person: int) -> date:
        """A day in the person's history, mildly biased towards recent days."""
        lo = self.first_day[person]
        span = self.today_ord - lo
        return date.fromordinal(lo + int(span * self.rng.random() ** 0.75))

    def people_for(self, person: int, extra_chance: float) -> tuple[UUID, ...]:
        if self.rng.random() >= extra_chance:
            return (self.ids[person],)
        chosen = [person]
        for _ in range(self.rng.randint(1, 2)):
            other = self.pick_other(person)
            if other is not None and other not in chosen:
                chosen.append(other)
        return tuple(self.ids[i] for i in chosen)

    def weighted(self, cum: tuple[int, ...]) -> int:
        return bisect_right(cum, self.rng.random() * cum[-1])

    # -- the whole journal --

    def build(self, n_people: int, total: int) -> DemoData:
        persons = self.make_people(n_people)
        n_reminders = min(total, 40, max(3, total // 400))
        rest = total - n_reminders
        counts: dict[str, int] = {}
        left = rest
        for name, share in _SHARES[:-1]:
            counts[name] = min(left, round(rest * share))
            left -= counts[name]
        counts[_SHARES[-1][0]] = left

        needs = self.make_needs(counts["needs"])
        acts = self.make_acts(counts["acts"], needs)
        need_objs = self.finish_needs(needs)
        commitments = self.make_commitments(counts["commitments"])
        interactions = self.make_interactions(counts["interactions"])
        entries = self.make_entries(counts["entries"], acts)
        reminders = self.make_reminders(n_reminders)
        return DemoData(
            people=tuple(persons),
            acts=tuple(acts),
            needs=tuple(need_objs),
            commitments=tuple(commitments),
            interactions=tuple(interactions),
            entries=tuple(entries),
            reminders=tuple(reminders),
        )

    # -- people --

    def make_people(self, n: int) -> list[Person]:
        rng = self.rng
        cultures = tuple(T.CULTURES.values())
        close = min(n, max(3, min(40, math.ceil(n * 0.04))))
        persons: list[Person] = []
        total_weight = 0.0
        for i in range(n):
            fem, masc, fams, family_first, country = rng.choice(cultures)
            r = rng.random()
            if r < 0.47:
                given, pronoun = rng.choice(fem), _PRONOUNS[0]
            elif r < 0.94:
                given, pronoun = rng.choice(masc), _PRONOUNS[1]
            else:
                given, pronoun = rng.choice(fem + masc), _PRONOUNS[2]
            family = rng.choice(fams)
            display = f"{family} {given}" if family_first and rng.random() < 0.6 else f"{given} {family}"
            is_close = i < close
            pid = self.new_id()

            met_on: date | None = None
            how_met = ""
            met_through: UUID | None = None
            if rng.random() < 0.6:
                fill = _Fill(self, i)
                fill["their"] = pronoun[1]
                if i > 0 and rng.random() < 0.2:
                    other = rng.randrange(i)
                    met_through = self.ids[other]
                    how_met = f"Introduced by {self.first[other]}"
                else:
                    how_met = rng.choice(T.HOW_MET).format_map(fill)
                if rng.random() < 0.6:
                    met_on = date.fromordinal(self.start_ord + rng.randint(-3650, HISTORY_DAYS - 30))
            first_day = self.start_ord
            if met_on is not None and not is_close:
                first_day = max(first_day, met_on.toordinal())

            org = rng.choice(T.EMPLOYERS) if rng.random() < 0.8 else ""
            role = rng.choice(T.ROLES) if rng.random() < 0.75 else ""
            location = rng.choice(T.CITIES) if rng.random() < 0.7 else ""
            handle = _ASCII_HANDLE.sub("", f"{fold(given)}.{fold(family)}".replace(" ", "")).strip(".-")
            if len(handle) < 3:
                handle = f"contact{i}"
            emails: tuple[str, ...] = ()
            r = rng.random()
            if r < 0.85:
                domain = (
                    _ASCII_DOMAIN.sub("", fold(org)) + ".example"
                    if org and org not in ("Freelance", "Self-employed")
                    else "mail.example"
                )
                emails = (f"{handle}@{domain}",)
                if r < 0.15:
                    emails += (f"{handle.replace('.', '')}@{rng.choice(('post.example', 'inbox.example'))}",)
            phones = (
                (f"+{country} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",) if rng.random() < 0.5 else ()
            )
            links = (
                (f"https://www.linkedin.com/in/{handle.replace('.', '-')}-{rng.getrandbits(24):06x}",)
                if rng.random() < 0.5
                else ()
            )
            tags = tuple(rng.sample(T.TAGS, rng.choice((0, 0, 1, 1, 2, 3))))
            skills = tuple(rng.sample(T.SKILLS, rng.randint(1, 3))) if rng.random() < 0.4 else ()

            b_month = b_day = b_year = None
            if rng.random() < (0.8 if is_close else 0.5) or i == 2:
                b_month = 2 if i == 2 else rng.randint(1, 12)
                b_day = 29 if i == 2 else rng.randint(1, calendar.monthrange(2000, b_month)[1])
                if rng.random() < 0.4:
                    b_year = rng.randint(1950, 2003)
                    if not calendar.isleap(b_year) and (b_month, b_day) == (2, 29):
                        b_year = None
            cadence = rng.choice(_CADENCES) if rng.random() < (0.7 if is_close else 0.3) else None
            notes = ""
            if rng.random() < 0.3:
                fill = _Fill(self, i)
                fill["their"] = pronoun[1]
                notes = rng.choice(T.PERSON_NOTES).format_map(fill)

            created = self.stamp(date.fromordinal(first_day))
            persons.append(
                Person(
                    display_name=display,
                    given_name=given,
                    family_name=family,
                    organisation=org,
                    role=role,
                    emails=emails,
                    phones=phones,
                    links=links,
                    location=location,
                    tags=tags,
                    how_met=how_met,
                    met_on=met_on,
                    met_through_id=met_through,
                    birthday_month=b_month,
                    birthday_day=b_day,
                    birthday_year=b_year,
                    cadence_days=cadence,
                    can_help_with=skills,
                    notes=notes,
                    archived=not is_close and rng.random() < 0.02,
                    id=pid,
                    created_at=created,
                    updated_at=created,
                )
            )
            self.ids.append(pid)
            self.first.append(given)
            self.pronouns.append(pronoun)
            self.first_day.append(first_day)
            self.lean_given.append(rng.choice((0.2, 0.35, 0.5, 0.5, 0.5, 0.65, 0.8)))
            total_weight += rng.lognormvariate(0.0, 1.1) * (12.0 if is_close else 1.0)
            self.cum_weights.append(total_weight)
        return persons

    # -- needs --

    def make_needs(self, n: int) -> list[_NeedDraft]:
        """Needs as drafts: a met need learns the act that met it once the acts exist."""
        rng = self.rng
        statuses = (NeedStatus.OPEN, NeedStatus.HELPING, NeedStatus.MET, NeedStatus.DROPPED)
        drafts: list[_NeedDraft] = []
        for k in range(n):
            p = self.pick()
            heard = self.day_for(p)
            if k < len(statuses):
                status = statuses[k]
            else:
                age = self.today_ord - heard.toordinal()
                cut = (0.6, 0.85, 0.95) if age < 60 else (0.15, 0.2, 0.75)
                status = statuses[bisect_right(cut, rng.random())]
            follow_up: date | None = None
            recent = self.today_ord - heard.toordinal() < 90
            if status in (NeedStatus.OPEN, NeedStatus.HELPING) and (k < 2 or rng.random() < (0.7 if recent else 0.1)):
                follow_up = heard + timedelta(days=rng.randint(7, 60))
            fill = _Fill(self, p)
            text = rng.choice(T.NEED_TEXTS).format_map(fill)
            context = rng.choice(T.NEED_CONTEXTS).format_map(fill) if rng.random() < 0.6 else ""
            tags = tuple(rng.sample(T.NEED_TAGS, rng.choice((0, 1, 1, 2))))
            created = self.stamp(heard)
            need = Need(
                person_id=self.ids[p],
                text=text,
                heard_on=heard,
                tags=tags,
                context=context,
                status=status,
                follow_up_on=follow_up,
                id=self.new_id(),
                created_at=created,
                updated_at=created,
            )
            drafts.append(_NeedDraft(need=need, person=p))
        return drafts

    @staticmethod
    def finish_needs(drafts: list[_NeedDraft]) -> list[Need]:
        return [d.need if d.met_by is None else replace(d.need, met_by_act_id=d.met_by) for d in drafts]

    # -- acts --

    def act_text(self, kind: ActKind, direction: Direction, p: int) -> tuple[str, str, int | None]:
        rng = self.rng
        fill = _Fill(self, p)
        summary = _cap_first(rng.choice(T.ACT_SUMMARIES[(kind.value, direction.value)]).format_map(fill))
        details = ""
        if rng.random() < 0.45:
            details = " ".join(rng.choice(T.ACT_DETAILS).format_map(fill) for _ in range(rng.choice((1, 1, 2))))
        return summary, details, fill.other

    def make_acts(self, n: int, needs: list[_NeedDraft]) -> list[Act]:
        rng = self.rng
        plans: list[tuple[int, date, Direction, ActKind, _NeedDraft | None]] = []
        # acts that met a listening note (given: the owner helped); at most a fifth of all acts
        for met in [d for d in needs if d.need.status is NeedStatus.MET][: n // 5]:
            heard = met.need.heard_on.toordinal()
            day = date.fromordinal(min(self.today_ord, heard + rng.randint(1, 90)))
            plans.append((met.person, day, Direction.GIVEN, rng.choice(_NEED_MEETING_KINDS), met))
        # every kind in both directions
        for kind in _KINDS:
            for direction in (Direction.GIVEN, Direction.RECEIVED):
                if len(plans) < n:
                    p = self.pick()
                    plans.append((p, self.day_for(p), direction, kind, None))
        while len(plans) < n:
            p = self.pick()
            direction = Direction.GIVEN if rng.random() < self.lean_given[p] else Direction.RECEIVED
            plans.append((p, self.day_for(p), direction, _KINDS[self.weighted(_KIND_CUM)], None))
        plans.sort(key=lambda plan: plan[1])

        acts: list[Act] = []
        history = self.act_history
        forwarded_any = False
        for p, day, direction, kind, draft in plans:
            summary, details, other = self.act_text(kind, direction, p)
            people: tuple[UUID, ...]
            if other is not None and kind is ActKind.INTRODUCTION:
                people = (self.ids[p], self.ids[other])
            else:
                people = self.people_for(p, 0.1)
            weight = self.weighted(_WEIGHT_CUM) + 1
            in_return: UUID | None = None
            opposite = Direction.RECEIVED if direction is Direction.GIVEN else Direction.GIVEN
            earlier = history.get((p, opposite))
            if earlier and rng.random() < 0.15:
                candidate = earlier[-1 - rng.randrange(min(3, len(earlier)))]
                if day.toordinal() - candidate.occurred_on.toordinal() <= 365:
                    in_return = candidate.id
            paid_forward = False
            thanked_on: date | None = None
            thanked_how = ""
            not_needed = False
            created = self.stamp(day)
            updated = created
            if direction is Direction.RECEIVED:
                age = self.today_ord - day.toordinal()
                if not forwarded_any or rng.random() < 0.05:
                    paid_forward = True
                    forwarded_any = True
                    other = self.pick_other(p)
                    note = f"Paid it forward: did the same for {self.first[p if other is None else other]}."
                    details = f"{details} {note}".strip()
                r = rng.random()
                thanked_share = 0.95 if age > 90 else 0.9 if age > 30 else 0.5
                if r < thanked_share:
                    thanked_on = date.fromordinal(min(self.today_ord, day.toordinal() + rng.randint(0, 5)))
                    thanked_how = rng.choice(T.THANKED_HOW)
                    updated = created + timedelta(days=thanked_on.toordinal() - day.toordinal())
                elif r < min(0.99, thanked_share + 0.04):
                    not_needed = True
            act = Act(
                occurred_on=day,
                direction=direction,
                kind=kind,
                summary=summary,
                people=people,
                details=details,
                weight=weight,
                meets_need_id=draft.need.id if draft is not None else None,
                in_return_for_id=in_return,
                paid_forward=paid_forward,
                thanked_on=thanked_on,
                thanked_how=thanked_how,
                thanks_not_needed=not_needed,
                id=self.new_id(),
                created_at=created,
                updated_at=updated,
            )
            acts.append(act)
            if draft is not None:
                draft.met_by = act.id
            history.setdefault((p, direction), []).append(act)
        return acts

    # -- commitments --

    def make_commitments(self, n: int) -> list[Commitment]:
        rng = self.rng
        out: list[Commitment] = []
        keys_by_promiser = {
            Promiser.ME: [k for k in T.COMMITMENTS if k[1] == "me"],
            Promiser.THEM: [k for k in T.COMMITMENTS if k[1] == "them"],
        }
        # (promiser, days from today to the due date) for open promises a Today view must show
        pinned = (
            (Promiser.ME, 0),
            (Promiser.ME, -5),
            (Promiser.THEM, -12),
            (Promiser.ME, 1),
            (Promiser.THEM, 3),
            (Promiser.ME, 10),
            (Promiser.THEM, 0),
        )
        history = self.act_history
        for k in range(n):
            p = self.pick()
            fulfilled: UUID | None = None
            due: date | None
            if k < len(pinned):
                promiser, offset = pinned[k]
                due = self.today + timedelta(days=offset)
                made = date.fromordinal(min(due.toordinal(), self.today_ord) - rng.randint(3, 30))
                status = CommitmentStatus.OPEN
            else:
                promiser = Promiser.ME if rng.random() < 0.6 else Promiser.THEM
                made = self.day_for(p)
                due = made + timedelta(days=rng.randint(3, 45)) if rng.random() < 0.8 else None
                recent = self.today_ord - made.toordinal() < 60
                r = rng.random()
                if recent:
                    status = (
                        CommitmentStatus.OPEN
                        if r < 0.75
                        else CommitmentStatus.KEPT
                        if r < 0.95
                        else CommitmentStatus.CANCELLED
                    )
                else:
                    status = (
                        CommitmentStatus.KEPT
                        if r < 0.75
                        else CommitmentStatus.BROKEN
                        if r < 0.87
                        else CommitmentStatus.CANCELLED
                        if r < 0.99
                        else CommitmentStatus.OPEN
                    )
            key = rng.choice(keys_by_promiser[promiser])
            if status is CommitmentStatus.KEPT and rng.random() < 0.6:
                direction = Direction.GIVEN if promiser is Promiser.ME else Direction.RECEIVED
                done = history.get((p, direction))
                if done:
                    act = rng.choice(done)
                    fulfilled = act.id
                    made = date.fromordinal(max(self.start_ord - 60, act.occurred_on.toordinal() - rng.randint(2, 30)))
                    due = act.occurred_on + timedelta(days=rng.randint(0, 10))
                    if (act.kind.value, promiser.value) in T.COMMITMENTS:
                        key = (act.kind.value, promiser.value)
            text = _cap_first(rng.choice(T.COMMITMENTS[key]).format_map(_Fill(self, p)))
            created = self.stamp(made)
            out.append(
                Commitment(
                    promiser=promiser,
                    text=text,
                    made_on=made,
                    people=self.people_for(p, 0.05),
                    due_on=due,
                    status=status,
                    fulfilled_by_act_id=fulfilled,
                    id=self.new_id(),
                    created_at=created,
                    updated_at=created,
                )
            )
        return out

    # -- interactions --

    def make_interactions(self, n: int) -> list[Interaction]:
        rng = self.rng
        out: list[Interaction] = []
        for k in range(n):
            # everyone gets at least one touchpoint (when there are enough), so no person page is empty
            p = k if k < len(self.ids) else self.pick()
            day = self.day_for(p)
            channel = _CHANNELS[k] if k < len(_CHANNELS) else _CHANNELS[self.weighted(_CHANNEL_CUM)]
            fill = _Fill(self, p)
            summary = _cap_first(rng.choice(T.CHANNEL_SUMMARIES[channel.value]).format_map(fill))
            details = rng.choice(T.INTERACTION_DETAILS).format_map(fill) if rng.random() < 0.25 else ""
            created = self.stamp(day)
            out.append(
                Interaction(
                    occurred_on=day,
                    channel=channel,
                    summary=summary,
                    people=self.people_for(p, 0.3 if channel is Channel.EVENT else 0.08),
                    details=details,
                    id=self.new_id(),
                    created_at=created,
                    updated_at=created,
                )
            )
        return out

    # -- journal entries --

    def make_entries(self, n: int, acts: list[Act]) -> list[JournalEntry]:
        rng = self.rng
        gratitude = setting_default("gratitude_prompts")
        reflection = setting_default("reflection_prompts")
        assert isinstance(gratitude, tuple) and isinstance(reflection, tuple)
        received = [a for a in acts if a.direction is Direction.RECEIVED]
        kinds = (PromptKind.GRATITUDE, PromptKind.REFLECTION, PromptKind.NONE)
        index_of = {pid: i for i, pid in enumerate(self.ids)} if received else {}
        out: list[JournalEntry] = []
        for k in range(n):
            r = rng.random()
            kind = kinds[k] if k < len(kinds) else kinds[0] if r < 0.4 else kinds[1] if r < 0.7 else kinds[2]
            prompt = ""
            people: tuple[UUID, ...] = ()
            if kind is PromptKind.GRATITUDE:
                prompt = rng.choice(gratitude)
                if received and rng.random() < 0.7:
                    act = rng.choice(received)
                    p = index_of[act.people[0]]
                    day = date.fromordinal(min(self.today_ord, act.occurred_on.toordinal() + rng.randint(0, 7)))
                    fill = _Fill(self, p)
                    fill["act_lower"] = _lower_first(act.summary)
                    template = rng.choice(T.GRATITUDE_ANSWERS)
                else:
                    p = self.pick()
                    day = self.day_for(p)
                    fill = _Fill(self, p)
                    template = rng.choice([t for t in T.GRATITUDE_ANSWERS if "{act_lower}" not in t])
                text = template.format_map(fill)
                people = self._entry_people(p, fill, text)
            elif kind is PromptKind.REFLECTION:
                prompt = rng.choice(reflection)
                p = self.pick()
                day = self.day_for(p)
                fill = _Fill(self, p)
                text = rng.choice(T.REFLECTION_ANSWERS).format_map(fill)
                people = self._entry_people(p, fill, text)
            else:
                p = self.pick()
                day = self.day_for(p)
                text = rng.choice(T.FREE_NOTES).format_map(_Fill(self, p))
            if rng.random() < 0.25:
                text += " " + rng.choice(T.FREE_NOTES).format_map(_Fill(self, p))
            created = self.stamp(day)
            out.append(
                JournalEntry(
                    written_on=day,
                    text=text,
                    people=people,
                    prompt_kind=kind,
                    prompt=prompt,
                    id=self.new_id(),
                    created_at=created,
                    updated_at=created,
                )
            )
        return out

    def _entry_people(self, p: int, fill: _Fill, text: str) -> tuple[UUID, ...]:
        named: list[UUID] = []
        if "First" in fill:
            named.append(self.ids[p])
        if fill.other is not None and self.ids[fill.other] not in named and fill["other"] in text:
            named.append(self.ids[fill.other])
        return tuple(named)

    # -- reminders --

    def make_reminders(self, n: int) -> list[Reminder]:
        rng = self.rng
        out: list[Reminder] = []
        for k in range(n):
            person: UUID | None = None
            snoozed: datetime | None = None
            done = False
            if k < len(T.RECURRING_REMINDERS) and k < n // 2 + 1:
                text, every = T.RECURRING_REMINDERS[k]
                recurrence = Recurrence(every)
                day = date.fromordinal(self.today_ord - rng.randint(30, 400))
                due = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
            else:
                p = self.pick()
                person = self.ids[p]
                text = rng.choice(T.REMINDER_TEXTS).format_map(_Fill(self, p))
                recurrence = Recurrence.NONE
                day = date.fromordinal(self.today_ord + rng.randint(-10, 30))
                due = datetime(
                    day.year, day.month, day.day, rng.randint(8, 18), rng.choice((0, 15, 30, 45)), tzinfo=UTC
                )
                if day < self.today and rng.random() < 0.3:
                    done = True
                elif rng.random() < 0.1:
                    snoozed = due + timedelta(days=2)
            created_day = date.fromordinal(min(day.toordinal(), self.today_ord) - rng.randint(1, 20))
            created = self.stamp(created_day)
            out.append(
                Reminder(
                    text=text,
                    due_at=due,
                    person_id=person,
                    recurrence=recurrence,
                    snoozed_until=snoozed,
                    done=done,
                    id=self.new_id(),
                    created_at=created,
                    updated_at=created,
                )
            )
        return out
