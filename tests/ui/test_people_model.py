"""The People list's model on its own: filtering as you type, sorting, and what survives both.

The model filters itself (no QSortFilterProxyModel, see ``people_model``'s docstring): these tests hold the fast
paths (narrowing from the rows already shown while typing on, the ASCII shortcut of ``fold``) to the plain
rule, "every typed word is in the row's folded text", and check the model with ``qtmodeltester`` through filter
changes and sorts.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from recipro_desktop.core import scores
from recipro_desktop.core.summaries import PersonRow
from recipro_desktop.core.text import fold
from recipro_desktop.ui.people_model import PeopleTableModel, fold_key, make_entry

TODAY = date(2026, 1, 15)


def person(
    name: str, *, org: str = "", tags: tuple[str, ...] = (), archived: bool = False, days: int | None = None
) -> PersonRow:
    last = None if days is None else TODAY - timedelta(days=days)
    return PersonRow(
        id=uuid4(),
        display_name=name,
        given_name="",
        family_name="",
        organisation=org,
        role="",
        location="",
        emails=(),
        tags=tags,
        can_help_with=(),
        cadence_days=None,
        birthday_month=None,
        birthday_day=None,
        archived=archived,
        version=1,
        last_interaction=last,
        keep_in_touch_due=None,
        balance=scores.balance((), TODAY),
        warmth=scores.warmth(acts=(), interactions=(), entries=(), today=TODAY),
    )


PEOPLE = (
    person("Łukasz Nowak", org="Acme", tags=("design",), days=3),
    person("Lukas Berg", org="Zeta", days=40),
    person("Maria Kowalska", org="acme ltd", tags=("Hiking", "design"), days=400),
    person("Mario Rossi", tags=("hiking",)),
    person("Marianne Old", archived=True, days=1),
    person("Zoë Antoniou", org="Lisbon Design", days=12),
    person("İpek Çelik", org="Ma\u0301laga", days=12),
)


def make_model(rows: tuple[PersonRow, ...] = PEOPLE) -> PeopleTableModel:
    model = PeopleTableModel(today=lambda: TODAY)
    model.set_rows(rows)
    return model


def names(model: PeopleTableModel) -> list[str]:
    return [model.person_row(n).display_name for n in range(model.rowCount())]


def expected(model: PeopleTableModel, text: str) -> list[str]:
    """The rule, computed the slow way over every row in model order: each word of ``fold(text)`` is in the
    row's ``fold``ed name/organisation/tags, archived people only when shown."""
    words = fold(text).split()
    everyone = sorted(PEOPLE, key=lambda r: (fold(r.display_name), r.display_name, r.id))
    return [
        r.display_name
        for r in everyone
        if (model.show_archived or not r.archived)
        and all(w in fold(" ".join([r.display_name, r.organisation, *r.tags])) for w in words)
    ]


@pytest.mark.parametrize(
    "text",
    ["Ana Lima", "  two  spaces\tand\ttabs \n", "MiXeD-CaSe@Example.ORG", "\x1c\x1fcontrol seps", "", "a" * 300],
)
def test_fold_shortcut_for_ascii_is_fold(text: str) -> None:
    assert fold_key(text) == fold(text)


@pytest.mark.parametrize("text", ["Łukasz", "Zoë", "İpek", "ﬁsh", "Ma\u0301laga", "a\u200bb"])
def test_fold_key_of_other_text_is_fold(text: str) -> None:
    assert fold_key(text) == fold(text)


def test_haystack_folded_part_by_part_is_the_whole_text_folded() -> None:
    rows = [*PEOPLE, dataclasses.replace(PEOPLE[0], emails=("LUK@Example.org", " x\ty "), role="Dyrektor Łódź")]
    for row in rows:
        parts = [row.display_name, row.given_name, row.family_name, row.organisation, row.role, *row.tags, *row.emails]
        assert make_entry(row).haystack == fold(" ".join(p for p in parts if p))


def test_typing_on_and_deleting_back_shows_exactly_the_matching_people(qtbot: QtBot) -> None:
    """Letters typed one by one (the model narrows from what it shows), then deleted one by one (it widens from
    everyone), words added and replaced: every step shows exactly what the rule says, in name order."""
    model = make_model()
    steps = ["l", "lu", "luk", "luka", "lukas", "lukasz", "lukas", "luk", "lu", "l", ""]
    steps += ["m", "ma", "mar", "mari", "maria", "maria ", "maria k", "maria ko", "maria k", "mario", "ma acme"]
    steps += ["acme", "acme design", "design", "DESIGN lisbon", "malaga", "ipek cel", "zoe", "z", ""]
    for text in steps:
        model.set_filter_text(text)
        assert names(model) == expected(model, text), text
    assert model.set_filter_text("  ") is False  # nothing to filter on, as before: no reset


def test_lukasz_finds_lukasz_with_the_stroke_and_without(qtbot: QtBot) -> None:
    model = make_model()
    model.set_filter_text("lukasz")
    assert names(model) == ["Łukasz Nowak"]
    model.set_filter_text("ŁUKASZ")
    assert names(model) == ["Łukasz Nowak"]


def test_tag_and_archived_filters_combine_with_words(qtbot: QtBot) -> None:
    model = make_model()
    assert "Marianne Old" not in names(model) and model.total(include_archived=False) == 6
    model.set_tag("HIKING")
    assert names(model) == ["Maria Kowalska", "Mario Rossi"]
    model.set_filter_text("kow")
    assert names(model) == ["Maria Kowalska"]
    model.set_tag(None)
    model.set_filter_text("mari")
    assert names(model) == ["Maria Kowalska", "Mario Rossi"]
    model.set_show_archived(True)
    assert names(model) == ["Maria Kowalska", "Marianne Old", "Mario Rossi"]
    model.set_show_archived(False)
    assert names(model) == ["Maria Kowalska", "Mario Rossi"]
    assert model.row_of(PEOPLE[4].id) is None  # archived, hidden
    assert model.row_of(PEOPLE[0].id) is None  # filtered out
    assert model.row_of(PEOPLE[3].id) == 1
    assert model.row_of(uuid4()) is None


def test_sorting_a_filtered_list_keeps_the_filter_and_moves_persistent_indexes(qtbot: QtBot) -> None:
    model = make_model()
    model.set_filter_text("a")
    shown = set(names(model))
    kept = {model.person_row(n).id: QPersistentModelIndex(model.index(n, 2)) for n in range(model.rowCount())}
    model.sort(PeopleTableModel.LAST_INTERACTION, Qt.SortOrder.DescendingOrder)
    assert set(names(model)) == shown
    days = [model.person_row(n).last_interaction for n in range(model.rowCount())]
    dated = [d for d in days if d is not None]
    assert dated == sorted(dated, reverse=True) and days[len(dated) :] == [None] * (
        len(days) - len(dated)
    )  # never: last
    for person_id, index in kept.items():
        assert index.isValid() and index.column() == 2
        assert index.data(PeopleTableModel.ID_ROLE) == person_id
    model.set_filter_text("acme")  # a filter after a sort keeps the sort order
    assert names(model) == ["Łukasz Nowak", "Maria Kowalska"]


def test_rows_of_many_ids_at_once(qtbot: QtBot) -> None:
    many = tuple(person(f"Person {n:03}") for n in range(40))
    model = make_model(many)
    model.set_filter_text("person 01")
    wanted: list[UUID] = [r.id for r in many]
    assert names(model)[:2] == ["Person 001", "Person 010"] and model.rowCount() == 11  # 001, 010 … 019
    assert model.rows_of(reversed(wanted)) == list(range(11))
    assert [model.row_of(i) for i in wanted[:3]] == [None, 0, None]


def test_model_passes_qtmodeltester_through_filtering_and_sorting(qtbot: QtBot, qtmodeltester: object) -> None:
    model = make_model()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    for text, column in zip(["m", "ma", "", "acme", "zzz", ""], itertools.cycle(range(6)), strict=False):
        model.set_filter_text(text)
        model.sort(column, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_show_archived(True)
    model.set_tag("design")
    qtmodeltester.check(model)  # type: ignore[attr-defined]
