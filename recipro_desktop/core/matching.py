"""Who could help with a listening note: one matcher for the Needs board, Today and anything else that asks.

Pure and Qt-free (core): people's "can help with" entries, and your own skills (the ``my_skills`` setting), are
matched against a need's text and tags. A heuristic, not a search engine: accent- and case-insensitive, with a
crude stemmer (``translator`` meets ``German translation``, ``taxes`` meets ``tax``) and a short table of everyday
synonyms (``lawyer`` → ``legal``). Helpers are ranked by how well they match (:func:`_score_skill`), then by how
warm the relationship is (an introduction is easier to ask of a warm contact), then by name.

The Needs board shows the first five suggestions of a need and Today the first three (``limit``); both ask
:class:`HelperIndex`, so Today's helpers are always the board's first ones, and a need is "one you could help with"
on Today exactly when the board has a helper or one of your skills for it.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from recipro_desktop.core.models import Need
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import collapse_whitespace, fold

__all__ = [
    "BOARD_HELPERS",
    "TODAY_HELPERS",
    "HelperIndex",
    "HelperSuggestion",
    "NeedHelp",
    "my_matches",
    "skills_setting",
    "suggest_helpers",
]

BOARD_HELPERS = 5
"""The Needs board suggests at most this many people per need."""

TODAY_HELPERS = 3
"""Today suggests at most this many (the board's first ones: a briefing, not the whole list)."""


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


def _fold(text: str) -> str:
    """:func:`~recipro_desktop.core.text.fold`, with a shortcut for plain ASCII (most notes): there is nothing to
    decompose, strip or map, so lower-casing and collapsing whitespace gives the same string at a tenth of the cost."""
    return collapse_whitespace(text.lower()) if text.isascii() else fold(text)


def _stems(folded: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(folded) if len(w) > 1 and w not in _STOPWORDS}


def _words(text: str) -> set[str]:
    """Significant stems of ``text`` (folded, stopwords and one-letter words dropped)."""
    return _stems(_fold(text))


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
    text = _fold(need.text)
    tags = [_fold(t) for t in need.tags]
    text_stems = _stems(text)
    stems = set(text_stems)
    for tag in tags:
        stems |= _stems(tag)
    return _NeedTerms(
        tags=frozenset(t for t in tags if t),
        text_stems=frozenset(text_stems),
        direct=frozenset(stems),
        expanded=frozenset(_expand(stems)),
        text=text,
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


@functools.lru_cache(maxsize=4096)
def _phrase(folded: str) -> _Phrase:
    pattern = re.compile(rf"\b{re.escape(folded)}\b") if len(folded) > 2 else None
    return _Phrase(folded, frozenset(_words(folded)), pattern)


@dataclass(frozen=True, slots=True)
class _Holder:
    row: PersonRow
    skills: dict[int, str]  # phrase id → this person's own spelling of it


_Ranked = tuple[tuple["HelperSuggestion", ...], tuple["HelperSuggestion", ...], frozenset[UUID]]
"""A cached ranking: the best ``limit``, one more (in case the need's own person is among them), their ids."""


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
                    skills.setdefault(self._phrase_id(_fold(original), members), original)
            if skills:
                holder = len(self.people)
                self.people.append(_Holder(row, skills))
                for phrase_id in skills:
                    members[phrase_id].append(holder)
        # Rank = position in (warmest first, then by name): every holder list is kept in rank order.
        order = sorted(
            range(len(self.people)),
            key=lambda h: (-self.people[h].row.warmth.score, _fold(self.people[h].row.display_name)),
        )
        self.rank = [0] * len(self.people)
        for position, h in enumerate(order):
            self.rank[h] = position
        self.by_rank = order
        self.ranked: list[list[int]] = [sorted(self.rank[h] for h in m) for m in members]  # ranks, ascending
        self.sets: list[frozenset[int]] = [frozenset(m) for m in members]
        self._ranked: dict[tuple[tuple[tuple[int, int], ...], int], _Ranked] = {}

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

    def match(self, need: Need, limit: int, my_skills: Sequence[str] = ()) -> NeedHelp:
        """Who could help with ``need`` (the best ``limit`` people, see :meth:`suggest`) and which of ``my_skills``
        match it (see :func:`my_matches`): the one answer the Needs board and Today both show."""
        terms = _need_terms(need)
        return NeedHelp(helpers=self._suggest(need, terms, limit), mine=_own_matches(my_skills, terms))

    def suggest(self, need: Need, limit: int) -> tuple[HelperSuggestion, ...]:
        """The best ``limit`` people for ``need``.

        Order: the points of their best matching entry, then how many of their entries match, then warmth,
        then name. Everyone whose best entry scores 3 comes before anyone whose best scores 2, and so on.
        """
        return self._suggest(need, _need_terms(need), limit)

    def _suggest(self, need: Need, terms: _NeedTerms, limit: int) -> tuple[HelperSuggestion, ...]:
        if limit <= 0 or (not terms.direct and not terms.tags):
            return ()
        points = self.scores(terms)
        if not points:
            return ()
        # Many needs match the same entries at the same levels ("help with taxes", "tax return"): the ranking
        # depends on nothing else but whose need it is, so it is worked out once per distinct match and the
        # need's own person is dropped afterwards (one more is ranked, so ``limit`` remain without them).
        key = (tuple(sorted(points.items())), limit)
        ranked = self._ranked.get(key)
        if ranked is None:
            best = tuple(self._suggestion(h, points) for h in self._rank(points, limit + 1))
            ranked = self._ranked[key] = (best[:limit], best, frozenset(s.person_id for s in best[:limit]))
        top, more, ids = ranked
        if need.person_id not in ids:
            return top  # the same tuple for every need with this match: callers may memoise on it
        return tuple(s for s in more if s.person_id != need.person_id)[:limit]

    def _rank(self, points: dict[int, int], limit: int) -> list[int]:
        """The best ``limit`` holders for these matching entries (phrase id → points), best first."""
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
                if h in taken or (h in multi and h not in doubles):
                    continue
                taken.add(h)
                chosen.append(h)
            taken.update(doubles)
            if len(chosen) >= limit:
                break
        return chosen

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


@dataclass(frozen=True, slots=True)
class NeedHelp:
    """Who could help with one need: other people (best first) and your own matching skills."""

    helpers: tuple[HelperSuggestion, ...]
    mine: tuple[str, ...]

    @property
    def anyone(self) -> bool:
        """Someone could help (you or a contact): the needs Today lists, the board rows with a suggestion."""
        return bool(self.helpers or self.mine)


def _own_matches(skills: Sequence[str], terms: _NeedTerms) -> tuple[str, ...]:
    if not terms.direct and not terms.tags:
        return ()
    return tuple(s for s in skills if s.strip() and _score_skill(_phrase(_fold(s)), terms))


def my_matches(need: Need, my_skills: Iterable[str]) -> tuple[str, ...]:
    """Which of *your own* skills (the ``my_skills`` setting) match ``need``, by the same rules."""
    return _own_matches(tuple(my_skills), _need_terms(need))


def skills_setting(value: object) -> tuple[str, ...]:
    """The ``my_skills`` setting as a tuple of non-blank entries (anything malformed counts as none)."""
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str) and v.strip())
    return ()
