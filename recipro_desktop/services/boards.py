"""Qt-free queries and wording for the Needs board, the Gratitude view and the timeline's names.

The views of :mod:`recipro_desktop.ui` run these functions on the background runner (through
``JournalClient.query``) and show what comes back; nothing here knows about Qt, and everything is built on the
journal service's public methods, so the rules can be tested on a real journal without a display.

What lives here, and why it is not in the service:

- The **Needs board** (:func:`needs_board`): every open need with who could help. The matching itself is
  :mod:`recipro_desktop.core.matching` (re-exported here: :class:`HelperIndex`, :func:`suggest_helpers`,
  :func:`my_matches`), the same rule Today uses, so the two never suggest different people.
- **Thank-yous** owed (oldest first, because the oldest is the most awkward to leave longer) and **thanks sent**
  (newest first), with the people's names resolved once.
- **Human dates** (:func:`human_day`, :func:`age_words`) and the **thank-you draft** (:func:`draft_thank_you`):
  presentation rules, kept pure so they are tested with fixed days instead of the wall clock.

Nothing here logs user text: counts only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import select

from recipro_desktop.core.dates import human_day
from recipro_desktop.core.matching import (
    BOARD_HELPERS,
    HelperIndex,
    HelperSuggestion,
    my_matches,
    skills_setting,
    suggest_helpers,
)
from recipro_desktop.core.models import Act, ActKind, Direction, JournalEntry, Need, PromptKind
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import first_name
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.repositories import ACT, ENTRY, Repository
from recipro_desktop.storage.tables import ActRow as ActTable
from recipro_desktop.storage.tables import EntryRow as EntryTable

log = logging.getLogger(__name__)

__all__ = [
    "THANKED_HOW_CHOICES",
    "BoardSource",
    "EntryCard",
    "HelperIndex",
    "HelperSuggestion",
    "NeedCard",
    "ThanksCard",
    "age_words",
    "draft_thank_you",
    "gratitude_journal",
    "human_day",
    "join_names",
    "my_matches",
    "name_map",
    "names_for",
    "needs_board",
    "suggest_helpers",
    "thanks_owed_board",
    "thanks_sent",
]

THANKED_HOW_CHOICES: tuple[str, ...] = ("in person", "message", "email", "gift", "call")
"""The ways of saying thank you offered by the thank dialog (the field itself is free text)."""

UNKNOWN_NAME = "someone"
"""Shown for a person id that is not (or no longer) in the journal."""


class BoardSource(Protocol):
    """The part of :class:`~recipro_desktop.services.journal.JournalService` these queries use.

    A protocol rather than the class itself so that the rules can be tested with the real service and read
    without it; ``database`` is the service's open :class:`Database`, used for the two cheap queries the service
    has no method for (every name; recently thanked acts).
    """

    @property
    def database(self) -> Database: ...

    def open_needs(self) -> list[Need]: ...

    def list_people(self, *, include_archived: bool = False) -> list[PersonRow]: ...

    def thanks_owed(self, *, older_than_days: int = 0) -> list[Act]: ...

    def get_setting(self, key: str) -> object: ...


# --- human dates -------------------------------------------------------------------------------------------


def age_words(day: date, today: date) -> str:
    """How long ago ``day`` was: "today", "yesterday", "12 days ago", "3 weeks ago", "5 months ago".

    The units match the rest of the window (``ui/day_text.human_span``): days up to two weeks, then weeks up
    to two months, then months, then years.
    """
    days = (today - day).days
    if days < 0:
        return "tomorrow" if days == -1 else f"in {-days} days"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{round(days / 30.4)} months ago"
    years = days // 365
    return "over a year ago" if years == 1 else f"over {years} years ago"


def join_names(names: Sequence[str]) -> str:
    """``Ana``, ``Ana and Ben``, ``Ana, Ben and Chloé``."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- names ---------------------------------------------------------------------------------------------------


def name_map(source: BoardSource) -> dict[UUID, str]:
    """Every person's display name by id, archived people included (old items still name them).

    One narrow query on the driver (ids are 16-byte blobs): about 2 ms per 1,000 people, where the ORM's
    per-row type processing costs ten times that.
    """
    with source.database.connection() as conn:
        rows = conn.exec_driver_sql("SELECT id, display_name FROM people").all()
    names = {UUID(bytes=row[0]): row[1] for row in rows}
    log.debug("name map loaded: %d people", len(names))
    return names


def names_for(source: BoardSource, ids: Iterable[UUID]) -> dict[UUID, str]:
    """The display names of these people (ids not in the journal are left out), in chunked ``IN`` queries.

    The timeline resolves the names of each page as it fetches it, so a journal of 10,000 people costs the few
    dozen names on screen before the first page can show, not all of them.
    """
    wanted = [i.bytes for i in dict.fromkeys(ids)]
    names: dict[UUID, str] = {}
    if not wanted:
        return names
    with source.database.connection() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = conn.exec_driver_sql(f"SELECT id, display_name FROM people WHERE id IN ({marks})", tuple(chunk))
            names.update((UUID(bytes=row[0]), row[1]) for row in rows)
    return names


def _names(ids: Iterable[UUID], names: dict[UUID, str]) -> tuple[str, ...]:
    return tuple(names.get(i, UNKNOWN_NAME) for i in ids)


# --- who could help --------------------------------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class NeedCard:
    """One row of the Needs board: the need, whose it is, who could help — and whether you could.

    ``mine`` lists the entries of your own skills (setting ``my_skills``) that match the need.
    """

    need: Need
    person_name: str
    helpers: tuple[HelperSuggestion, ...]
    mine: tuple[str, ...] = ()


def needs_board(source: BoardSource, *, helpers_per_need: int = BOARD_HELPERS) -> list[NeedCard]:
    """Every open need (open or helping) with its person's name and helper suggestions, oldest heard first.

    Who could help is :meth:`~recipro_desktop.core.matching.HelperIndex.match`, the rule Today uses too.
    """
    people = source.list_people(include_archived=True)
    names = {row.id: row.display_name for row in people}
    index = HelperIndex(people)
    mine = skills_setting(source.get_setting("my_skills"))
    cards = []
    for need in source.open_needs():
        found = index.match(need, helpers_per_need, mine)
        cards.append(
            NeedCard(
                need=need,
                person_name=names.get(need.person_id, UNKNOWN_NAME),
                helpers=found.helpers,
                mine=found.mine,
            )
        )
    cards.sort(key=lambda c: (c.need.heard_on, c.need.created_at))
    log.debug("needs board: %d open needs, %d people with skills", len(cards), len(index.people))
    return cards


# --- gratitude ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThanksCard:
    """A received act with the names of the people it came from."""

    act: Act
    names: tuple[str, ...]

    @property
    def who(self) -> str:
        return join_names(self.names)


def thanks_owed_board(source: BoardSource, *, older_than_days: int = 0) -> list[ThanksCard]:
    """Received acts not thanked yet (and not marked "no thanks needed"), **oldest first**."""
    acts = source.thanks_owed(older_than_days=older_than_days)
    names = name_map(source) if acts else {}
    cards = [ThanksCard(act, _names(act.people, names)) for act in acts]
    cards.sort(key=lambda c: (c.act.occurred_on, c.act.created_at))
    return cards


def thanks_sent(source: BoardSource, *, limit: int = 50) -> list[ThanksCard]:
    """Recently thanked received acts, newest thanks first (at most ``limit``)."""
    with source.database.session() as session:
        ids = list(
            session.scalars(
                select(ActTable.id)
                .where(ActTable.direction == Direction.RECEIVED.value, ActTable.thanked_on.is_not(None))
                .order_by(ActTable.thanked_on.desc(), ActTable.updated_at.desc(), ActTable.id.desc())
                .limit(max(0, limit))
            )
        )
        acts = Repository(session, datetime.now(UTC)).get_many(ACT, ids)
    names = name_map(source) if acts else {}
    return [ThanksCard(act, _names(act.people, names)) for act in acts]


@dataclass(frozen=True, slots=True)
class EntryCard:
    """A journal entry with the names of the people it mentions."""

    entry: JournalEntry
    names: tuple[str, ...]


def gratitude_journal(source: BoardSource, *, limit: int = 30) -> list[EntryCard]:
    """The newest entries written in answer to a gratitude prompt (newest first, at most ``limit``)."""
    with source.database.session() as session:
        ids = list(
            session.scalars(
                select(EntryTable.id)
                .where(EntryTable.prompt_kind == PromptKind.GRATITUDE.value)
                .order_by(EntryTable.written_on.desc(), EntryTable.created_at.desc(), EntryTable.id.desc())
                .limit(max(0, limit))
            )
        )
        entries = Repository(session, datetime.now(UTC)).get_many(ENTRY, ids)
    names = names_for(source, {p for e in entries for p in e.people})
    return [EntryCard(e, _names(e.people, names)) for e in entries]


# --- the thank-you draft ---------------------------------------------------------------------------------------

_KIND_PHRASES: dict[ActKind, str] = {
    ActKind.FAVOR: "the favour you did me",
    ActKind.REFERRAL: "the referral",
    ActKind.INTRODUCTION: "the introduction",
    ActKind.KNOWLEDGE: "sharing what you know",
    ActKind.MENTORSHIP: "your mentoring",
    ActKind.COLLABORATION: "working on this together",
    ActKind.SUPPORT: "your support",
    ActKind.GIFT: "the lovely gift",
    ActKind.LOAN: "lending me a hand",
    ActKind.OTHER: "your help",
}

# Summaries of received acts are usually written as "<Verb in the past> me ...": those read naturally after
# "you". Anything else (a noun phrase: "Mentoring session about pricing") is quoted instead.
_IRREGULAR_PAST = _wordset(
    "sent gave brought made put took lent told taught got found ran wrote drove showed led built bought paid "
    "met sat kept let held read spoke chose came went did"
)


def _as_clause(summary: str) -> str | None:
    """``"Walked me through pricing"`` → ``"walked me through pricing"``; None when it is not a verb phrase."""
    summary = summary.strip().rstrip(".")
    if not summary:
        return None
    first = summary.split(" ", 1)[0]
    lowered = first.casefold()
    if not (lowered.endswith("ed") or lowered in _IRREGULAR_PAST):
        return None
    if len(first) > 1 and first[1:].islower():
        summary = summary[0].lower() + summary[1:]
    return summary


def draft_thank_you(act: Act, first_names: Sequence[str], *, today: date, sign_off: str = "") -> str:
    """A warm, editable thank-you note for a received act, mentioning what they did.

    It is a starting point the user edits before sending; it never invents details beyond the act's summary and
    kind. An act thanked late gets an honest "I realise this is overdue" rather than pretending it is fresh.
    """
    greeting = f"Hi {join_names(first_names)}," if first_names else "Hi,"
    kind_phrase = _KIND_PHRASES.get(act.kind, "your help")
    late = (today - act.occurred_on).days > 30
    opening = (
        f"I realise this is overdue, but I wanted to say a proper thank you for {kind_phrase}."
        if late
        else f"I wanted to say a proper thank you for {kind_phrase}."
    )
    clause = _as_clause(act.summary)
    if clause is not None:
        middle = f"It meant a lot that you {clause}, and it made a real difference to me."
    elif act.summary.strip():
        middle = f"I keep thinking about it ({act.summary.strip()}), and it made a real difference to me."
    else:
        middle = "It made a real difference to me."
    closing = "If there is ever anything I can do for you, just say the word."
    lines = [greeting, "", f"{opening} {middle}", "", closing, "", "Warmly,"]
    if sign_off.strip():
        lines.append(sign_off.strip())
    return "\n".join(lines) + "\n"


def greeting_names(display_names: Sequence[str]) -> tuple[str, ...]:
    """The first names to greet, from display names (``"Smith, Jane"`` → ``"Jane"``)."""
    return tuple(first_name(n) or n for n in display_names if n and n != UNKNOWN_NAME)
