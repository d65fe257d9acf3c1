"""Who could help (core/matching): the indexed, cached ranking equals the documented order, computed naively.

The Needs board and Today both ask :class:`HelperIndex`; its speed comes from an index, a lazy merge and a
ranking cached per distinct match (the need's own person dropped afterwards). These tests pin that the shortcuts
change nothing a user sees: for any people and need, the suggestions are "best matching entry, then how many of
their entries match, then warmth, then name", never the need's own person, never an archived one.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from recipro_desktop.core import matching
from recipro_desktop.core.matching import HelperIndex, HelperSuggestion
from recipro_desktop.core.models import Need, Person
from recipro_desktop.core.scores import Balance, BalanceLean, Warmth, warmth_label
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import fold

SKILLS = ("German translation", "translator", "Übersetzung", "legal", "legal contracts", "taxes", "Python", "hiring")
WORDS = ("german", "translator", "ubersetzung", "lawyer", "contract", "tax", "python", "hiring", "flat", "the")
IDS = [uuid4() for _ in range(6)]
DAY = date(2026, 1, 1)


def row(person_id: UUID, name: str, skills: tuple[str, ...], warmth: int, archived: bool) -> PersonRow:
    return PersonRow(
        id=person_id,
        display_name=name,
        given_name="",
        family_name="",
        organisation="",
        role="",
        location="",
        emails=(),
        tags=(),
        can_help_with=skills,
        cadence_days=None,
        birthday_month=None,
        birthday_day=None,
        archived=archived,
        version=1,
        last_interaction=None,
        keep_in_touch_due=None,
        balance=Balance(value=0.0, lean=BalanceLean.NONE, strength=0.0, words=""),
        warmth=Warmth(score=warmth, label=warmth_label(warmth), raw=0.0),
    )


people_rows = st.lists(
    st.builds(
        row,
        st.sampled_from(IDS),
        st.sampled_from(("Ana", "Łukasz", "Zoë", "bo", "Bo")),
        st.lists(st.sampled_from(SKILLS), max_size=3, unique=True).map(tuple),
        st.integers(0, 3),  # few warmth values: ties are common, so the name order matters
        st.booleans(),
    ),
    max_size=6,
    unique_by=lambda r: r.id,
)
needs = st.builds(
    lambda owner, words, tags: Need(person_id=owner, text=" ".join(words), tags=tuple(tags), heard_on=DAY),
    st.sampled_from(IDS),
    st.lists(st.sampled_from(WORDS), max_size=4),
    st.lists(st.sampled_from(("legal", "translation", "tax")), max_size=2),
)


def naive(need: Need, rows: list[PersonRow], limit: int) -> list[tuple[UUID, tuple[str, ...]]]:
    """The documented order, scoring every entry of every person (no index, no cache)."""
    terms = matching._need_terms(need)
    if not terms.direct and not terms.tags:
        return []
    found = []
    for r in rows:
        if r.archived or r.id == need.person_id:
            continue
        matched: dict[str, tuple[str, int]] = {}
        for skill in r.can_help_with:
            if skill.strip():
                folded = fold(skill)
                points = matching._score_skill(matching._phrase(folded), terms)
                if points and folded not in matched:
                    matched[folded] = (skill, points)
        if matched:
            best = max(p for _, p in matched.values())
            found.append(((-best, -len(matched), -r.warmth.score, fold(r.display_name)), r.id, matched))
    found.sort(key=lambda f: f[0])
    return [(person_id, tuple(s for s, _ in m.values())) for _, person_id, m in found[:limit]]


@settings(max_examples=400, deadline=None)
@given(people_rows, st.lists(needs, min_size=1, max_size=4), st.integers(1, 4))
def test_index_ranks_like_the_documented_order(rows: list[PersonRow], many: list[Need], limit: int) -> None:
    index = HelperIndex(rows)
    for need in many:  # several needs through one index: the cached rankings are reused across them
        got = index.suggest(need, limit)
        assert [(s.person_id, s.matched) for s in got] == naive(need, rows, limit)
        assert index.match(need, limit, ()).helpers == got


@given(st.text())
def test_the_ascii_shortcut_folds_like_fold(text: str) -> None:
    assert matching._fold(text) == fold(text)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert matching._fold(ascii_text) == fold(ascii_text)


def test_a_need_of_a_helper_does_not_suggest_them_even_when_the_ranking_is_cached() -> None:
    ana, bo, cy = (row(uuid4(), n, ("taxes",), w, False) for n, w in (("Ana", 90), ("Bo", 50), ("Cy", 10)))
    index = HelperIndex([ana, bo, cy])
    someone = Person(display_name="x").id

    def names(got: tuple[HelperSuggestion, ...]) -> list[str]:
        return [s.display_name for s in got]

    assert names(index.suggest(Need(person_id=someone, text="tax return", heard_on=DAY), 2)) == ["Ana", "Bo"]
    # the same match, but it is Ana's own need: the next one moves up
    assert names(index.suggest(Need(person_id=ana.id, text="tax return", heard_on=DAY), 2)) == ["Bo", "Cy"]
    assert names(index.suggest(Need(person_id=someone, text="taxes", heard_on=DAY), 2)) == ["Ana", "Bo"]
