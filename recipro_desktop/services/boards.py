"""Qt-free queries and wording for the Needs board, the Gratitude view and the timeline's names.

The views of :mod:`recipro_desktop.ui` run these functions on the background runner (through
``JournalClient.query``) and show what comes back; nothing here knows about Qt, and everything is built on the
journal service's public methods, so the rules can be tested on a real journal without a display.

What lives here, and why it is not in the service:

- **Who could help** with a listening note (:func:`suggest_helpers`): the people whose "can help with" tags match
  the need's tags or words. A heuristic, not a search engine: accent- and case-insensitive, with a crude stemmer
  (``translator`` meets ``German translation``) and a short table of everyday synonyms (``lawyer`` → ``legal``).
  Ranked by how well they match, then by how warm the relationship is (an intro is easier to ask of a warm contact).
- **Thank-yous** owed (oldest first, because the oldest is the most awkward to leave longer) and **thanks sent**
  (newest first), with the people's names resolved once.
- **Human dates** (:func:`human_day`, :func:`age_words`) and the **thank-you draft** (:func:`draft_thank_you`):
  presentation rules, kept pure so they are tested with fixed days instead of the wall clock.

Nothing here logs user text: counts only.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import select

from recipro_desktop.core.dates import human_day
from recipro_desktop.core.models import Act, ActKind, Direction, JournalEntry, Need, PromptKind
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import first_name, fold
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


_STOPWORDS = _wordset(
    "a an and are as at be been but by can could do for from get getting good has have help her his how i in "
    "into is it its looking me more my need needs new of on or our she some someone something that the their them "
    "they this to trying up wants was we who will with would you your about after before over under out"
)

# Everyday words for the same help; the key and every value are compared after stemming.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "lawyer": ("legal",),
    "contract": ("legal",),
    "accountant": ("tax",),
    "taxes": ("tax",),
    "hire": ("hiring", "recruiting"),
    "hiring": ("recruiting",),
    "recruit": ("hiring",),
    "job": ("hiring", "interview", "career"),
    "career": ("interview",),
    "investor": ("fundraising", "pitch"),
    "round": ("fundraising",),
    "seed": ("fundraising",),
    "funding": ("fundraising",),
    "fundraising": ("pitch",),
    "flat": ("housing", "mortgage"),
    "apartment": ("housing", "mortgage"),
    "housing": ("mortgage",),
    "visa": ("immigration",),
    "immigration": ("visa",),
    "speaker": ("speaking",),
    "talk": ("speaking",),
    "translator": ("translation",),
    "volunteer": ("community",),
    "volunteering": ("community",),
}

_WORD = re.compile(r"[\w+#]+")
_SUFFIXES = ("ings", "ing", "ions", "ion", "ors", "or", "ers", "er", "ed")
_ES_PLURALS = ("xes", "sses", "ches", "shes", "zes")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A deliberately crude stem: strip one common English suffix, keeping at least four letters.

    Enough for matching people's skills to a need's words: ``translator`` and ``translation`` meet at
    ``translat``, ``mortgages`` and ``mortgage`` at ``mortgage``, ``taxes`` and ``tax`` at ``tax``.
    """
    if word.endswith(_ES_PLURALS) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 5:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    """Significant stems of ``text`` (folded, stopwords and one-letter words dropped)."""
    return {_stem(w) for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in _STOPWORDS}


_SYNONYM_STEMS: dict[str, frozenset[str]] = {}
for _word, _alternatives in _SYNONYMS.items():
    _SYNONYM_STEMS[_stem(_word)] = _SYNONYM_STEMS.get(_stem(_word), frozenset()) | {_stem(a) for a in _alternatives}


def _expand(stems: set[str]) -> set[str]:
    expanded = set(stems)
    for stem in stems:
        expanded |= _SYNONYM_STEMS.get(stem, frozenset())
    return expanded


@dataclass(frozen=True, slots=True)
class HelperSuggestion:
    """Someone who could help with a need, and the "can help with" entries that matched (for the why)."""

    person_id: UUID
    display_name: str
    matched: tuple[str, ...]
    score: int
    warmth: int = 0


@dataclass(frozen=True, slots=True)
class _NeedTerms:
    tags: frozenset[str]  # folded tags
    text_stems: frozenset[str]  # stems of the text alone
    direct: frozenset[str]  # stems of the tags and the text
    expanded: frozenset[str]  # direct stems plus their everyday synonyms
    text: str  # folded text


def _need_terms(need: Need) -> _NeedTerms:
    text_stems = _words(need.text)
    stems = set(text_stems)
    for tag in need.tags:
        stems |= _words(tag)
    return _NeedTerms(
        tags=frozenset(fold(t) for t in need.tags if t.strip()),
        text_stems=frozenset(text_stems),
        direct=frozenset(stems),
        expanded=frozenset(_expand(stems)),
        text=fold(need.text),
    )


def _score_skill(phrase: _Phrase, need: _NeedTerms) -> int:
    """How well one "can help with" entry matches a need: 0 = not at all.

    3 — the entry *is* one of the need's tags, its whole phrase appears in the need's text, or every word of
    it does ("German translation" ↔ "needs a German translator": the text says exactly this);
    2 — a tag of the need is one of the entry's words ("legal" ↔ "legal contracts"), or every word of the entry
    is covered once everyday synonyms are counted ("legal contracts" ↔ "a lawyer for a contract");
    1 — the entry shares a significant word with the need, synonyms included ("recruiting designers" for a
    need about hiring).
    """
    stems = phrase.stems
    if phrase.folded in need.tags or (phrase.pattern is not None and phrase.pattern.search(need.text)):
        return 3
    if stems and stems <= need.text_stems:
        return 3
    if any(_stem(t) in stems for t in need.tags if " " not in t):
        return 2
    if stems and stems <= need.expanded:  # tags and synonyms included
        return 2
    return 1 if stems & need.expanded else 0


@dataclass(frozen=True, slots=True)
class _Phrase:
    """One distinct "can help with" entry (after folding), shared by everyone who wrote it."""

    folded: str
    stems: frozenset[str]
    pattern: re.Pattern[str] | None  # the whole phrase as words, for "appears in the need's text"


def _phrase(folded: str) -> _Phrase:
    pattern = re.compile(rf"\b{re.escape(folded)}\b") if len(folded) > 2 else None
    return _Phrase(folded, frozenset(_words(folded)), pattern)


@dataclass(frozen=True, slots=True)
class _Holder:
    row: PersonRow
    skills: dict[int, str]  # phrase id → this person's own spelling of it


class HelperIndex:
    """Everyone's "can help with" entries, as distinct phrases with an index from word stems to phrases.

    Use it to suggest helpers for many needs at once (``HelperIndex(service.list_people()).suggest(need, 5)``);
    :func:`suggest_helpers` is the one-need shortcut.

    Built once per board. A need is scored against the few phrases that share a word with it (or equal one of
    its tags), never against every entry of every person; each phrase keeps its holders pre-sorted (warmest
    first) and as a set, so picking the best five among hundreds of holders is a lazy merge plus a few set
    intersections in C. With 10,000 people and 4,000 open needs the naive pairing took minutes; this takes
    a fraction of a second.
    """

    def __init__(self, people: Iterable[PersonRow]) -> None:
        self.phrases: list[_Phrase] = []
        self.people: list[_Holder] = []
        self._by_folded: dict[str, int] = {}
        self._by_stem: dict[str, set[int]] = {}
        members: list[list[int]] = []  # phrase id → holder indexes
        for row in people:
            if row.archived or not row.can_help_with:
                continue
            skills: dict[int, str] = {}
            for original in row.can_help_with:
                if original.strip():
                    skills.setdefault(self._phrase_id(fold(original), members), original)
            if skills:
                holder = len(self.people)
                self.people.append(_Holder(row, skills))
                for phrase_id in skills:
                    members[phrase_id].append(holder)
        # Rank = position in (warmest first, then by name): every holder list is kept in rank order.
        order = sorted(
            range(len(self.people)),
            key=lambda h: (-self.people[h].row.warmth.score, fold(self.people[h].row.display_name)),
        )
        self.rank = [0] * len(self.people)
        for position, h in enumerate(order):
            self.rank[h] = position
        self.by_rank = order
        self.ranked: list[list[int]] = [sorted(self.rank[h] for h in m) for m in members]  # ranks, ascending
        self.sets: list[frozenset[int]] = [frozenset(m) for m in members]

    def _phrase_id(self, folded: str, members: list[list[int]]) -> int:
        phrase_id = self._by_folded.get(folded)
        if phrase_id is None:
            phrase_id = len(self.phrases)
            phrase = _phrase(folded)
            self.phrases.append(phrase)
            members.append([])
            self._by_folded[folded] = phrase_id
            for stem in phrase.stems:
                self._by_stem.setdefault(stem, set()).add(phrase_id)
        return phrase_id

    def scores(self, terms: _NeedTerms) -> dict[int, int]:
        """Points of every phrase that matches the need at all (phrase id → 1..3)."""
        candidates: set[int] = set()
        for stem in terms.expanded:
            candidates |= self._by_stem.get(stem, set())
        candidates.update(self._by_folded[t] for t in terms.tags if t in self._by_folded)
        points = {}
        for phrase_id in candidates:
            p = _score_skill(self.phrases[phrase_id], terms)
            if p:
                points[phrase_id] = p
        return points

    def suggest(self, need: Need, limit: int) -> tuple[HelperSuggestion, ...]:
        """The best ``limit`` people for ``need``.

        Order: the points of their best matching entry, then how many of their entries match, then warmth,
        then name. Everyone whose best entry scores 3 comes before anyone whose best scores 2, and so on.
        """
        terms = _need_terms(need)
        if limit <= 0 or (not terms.direct and not terms.tags):
            return ()
        points = self.scores(terms)
        matching = list(points)
        # People holding two or more matching entries (they rank above single matches of the same level).
        multi: set[int] = set()
        for i, first in enumerate(matching):
            for second in matching[i + 1 :]:
                multi |= self.sets[first] & self.sets[second]
        chosen: list[int] = []
        taken: set[int] = set()
        for level in (3, 2, 1):
            level_ids = [pid for pid in matching if points[pid] == level]
            if not level_ids:
                continue
            doubles = [h for h in multi if h not in taken and any(h in self.sets[pid] for pid in level_ids)]
            doubles.sort(key=lambda h: (-sum(h in self.sets[pid] for pid in matching), self.rank[h]))
            singles = (self.by_rank[r] for r in heapq.merge(*(self.ranked[pid] for pid in level_ids)))
            for h in itertools.chain(doubles, singles):
                if len(chosen) >= limit:
                    break
                if h in taken or (h in multi and h not in doubles) or self.people[h].row.id == need.person_id:
                    continue
                taken.add(h)
                chosen.append(h)
            taken.update(doubles)
            if len(chosen) >= limit:
                break
        return tuple(self._suggestion(h, points) for h in chosen)

    def _suggestion(self, h: int, points: dict[int, int]) -> HelperSuggestion:
        holder = self.people[h]
        matched_ids = [pid for pid in holder.skills if pid in points]
        return HelperSuggestion(
            person_id=holder.row.id,
            display_name=holder.row.display_name,
            matched=tuple(holder.skills[pid] for pid in matched_ids),
            score=max(points[pid] for pid in matched_ids) * 10 + len(matched_ids) - 1,
            warmth=holder.row.warmth.score,
        )


def suggest_helpers(need: Need, people: Iterable[PersonRow], *, limit: int = 5) -> tuple[HelperSuggestion, ...]:
    """The people who could help with ``need``: best match first, warmer first among equals.

    The need's own person and archived people are never suggested; people without "can help with" entries
    cannot be matched. See :func:`_score_skill` for the scoring.
    """
    return HelperIndex(people).suggest(need, limit)


def _own_matches(skills: Sequence[str], terms: _NeedTerms) -> tuple[str, ...]:
    if not terms.direct and not terms.tags:
        return ()
    return tuple(s for s in skills if s.strip() and _score_skill(_phrase(fold(s)), terms))


def my_matches(need: Need, my_skills: Iterable[str]) -> tuple[str, ...]:
    """Which of *your own* skills (the ``my_skills`` setting) match ``need``, by the same rules."""
    return _own_matches(tuple(my_skills), _need_terms(need))


@dataclass(frozen=True, slots=True)
class NeedCard:
    """One row of the Needs board: the need, whose it is, who could help — and whether you could.

    ``mine`` lists the entries of your own skills (setting ``my_skills``) that match the need.
    """

    need: Need
    person_name: str
    helpers: tuple[HelperSuggestion, ...]
    mine: tuple[str, ...] = ()


def needs_board(source: BoardSource, *, helpers_per_need: int = 5) -> list[NeedCard]:
    """Every open need (open or helping) with its person's name and helper suggestions, oldest heard first."""
    people = source.list_people(include_archived=True)
    names = {row.id: row.display_name for row in people}
    index = HelperIndex(people)
    setting = source.get_setting("my_skills")
    mine = tuple(s for s in setting if isinstance(s, str)) if isinstance(setting, list | tuple) else ()
    cards = []
    for need in source.open_needs():
        cards.append(
            NeedCard(
                need=need,
                person_name=names.get(need.person_id, UNKNOWN_NAME),
                helpers=index.suggest(need, helpers_per_need),
                mine=_own_matches(mine, _need_terms(need)) if mine else (),
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
