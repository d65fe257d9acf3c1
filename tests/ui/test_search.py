"""Global search: the grouped results model, search as you type in the box, keyboard navigation, stale answers.

Rows: G4 (user text in the popup and tooltips is shown literally).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind, Need, Person, SearchHit
from recipro_desktop.ui.search_box import SearchBox
from recipro_desktop.ui.search_results_model import SearchResultsModel, plain_tooltip
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import TODAY, JournalEnv

demo_env = journal_fixtures.demo_env
journal_env = journal_fixtures.journal_env


def hit(kind: ItemKind, title: str, snippet: str = "", on: date | None = None) -> SearchHit:
    return SearchHit(kind=kind, id=uuid4(), title=title, snippet=snippet or title, on=on)


MIXED = [
    hit(ItemKind.ACT, "Introduced me to Fjord", "introduced me to the hiring manager", TODAY),
    hit(ItemKind.PERSON, "Ana Souza"),
    hit(ItemKind.NEED, "Looking for a designer", on=date(2025, 1, 2)),
    hit(ItemKind.PERSON, "Anaïs Martin"),
    hit(ItemKind.ENTRY, "Grateful for Ana's advice", on=date(2026, 3, 7)),
]


# --- the model --------------------------------------------------------------------------------------------


def test_model_groups_by_kind_with_headers(qtmodeltester: object) -> None:
    model = SearchResultsModel(today=lambda: TODAY)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_hits("ana", MIXED)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    shown = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert shown == [
        "People · 2",
        "Ana Souza",
        "Anaïs Martin",
        "Acts · 1",
        "Introduced me to Fjord",
        "Listening notes · 1",
        "Looking for a designer",
        "Notes · 1",
        "Grateful for Ana's advice",
    ]
    assert model.is_header(0) and not model.is_header(1)
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable == Qt.ItemFlag.NoItemFlags
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.data(model.index(4, 0), SearchResultsModel.DATE_ROLE) == "today"
    assert model.data(model.index(6, 0), SearchResultsModel.DATE_ROLE) == "2 Jan 2025"
    assert model.data(model.index(4, 0), SearchResultsModel.SNIPPET_ROLE) == "introduced me to the hiring manager"
    assert model.data(model.index(6, 0), SearchResultsModel.SNIPPET_ROLE) == ""  # same as the title: not repeated
    assert model.hit(1) is not None and model.hit(1).kind is ItemKind.PERSON
    assert model.data(model.index(1, 0), Qt.ItemDataRole.DecorationRole) is not None
    # Keyboard order skips headers and wraps.
    assert model.next_hit_row(-1, 1) == 1
    assert model.next_hit_row(2, 1) == 4
    assert model.next_hit_row(1, -1) == 8
    model.clear()
    assert model.rowCount() == 0
    assert model.next_hit_row(0, 1) is None
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_items_say_whose_they_are() -> None:
    """Five "Coached her before the interview" differ only by the person: the second line names them."""
    model = SearchResultsModel()
    ana, ben = uuid4(), uuid4()
    same = [
        SearchHit(kind=ItemKind.ACT, id=uuid4(), title="Coached her", snippet="Coached her", person_id=ana),
        SearchHit(kind=ItemKind.ACT, id=uuid4(), title="Coached her", snippet="before the interview", person_id=ben),
        SearchHit(kind=ItemKind.PERSON, id=ana, title="Ana Souza", snippet="Fjord Analytics", person_id=ana),
    ]
    model.set_hits("coach", same, {ana: "Ana Souza", ben: "Ben Okafor"})
    seconds = [model.data(model.index(r, 0), SearchResultsModel.SNIPPET_ROLE) for r in range(model.rowCount())]
    assert seconds == [None, "Fjord Analytics", None, "Ana Souza", "Ben Okafor · before the interview"]


def test_g4_tooltips_show_user_text_literally() -> None:
    model = SearchResultsModel()
    evil = '<img src="file:///etc/passwd"><b>x</b> & co'
    model.set_hits("x", [hit(ItemKind.NEED, evil, "second line <a href='x'>y</a>")])
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip and "&amp; co" in tip
    assert tip == plain_tooltip(f"{evil}\nsecond line <a href='x'>y</a>")


# --- the box, on a real journal -----------------------------------------------------------------------------


@pytest.fixture
def box(qtbot: QtBot, demo_env: JournalEnv) -> Iterator[SearchBox]:
    window = QWidget()  # the popup is an overlay inside the box's window
    window.resize(900, 600)
    layout = QVBoxLayout(window)
    search = SearchBox(demo_env.client, window)
    layout.addWidget(search)
    layout.addStretch()
    qtbot.addWidget(window)
    window.show()
    search.setFocus()
    yield search  # the window stays referenced (alive) for the whole test
    window.close()


def ascii_person(env: JournalEnv, skip: int = 0) -> Person:
    """A demo person whose name QTest can type (its key clicks are ASCII only)."""
    people = [p for p in env.demo.people if p.display_name.isascii()]  # type: ignore[union-attr]
    return people[skip]


def type_and_wait(qtbot: QtBot, box: SearchBox, text: str) -> None:
    with qtbot.waitSignal(box.searched, timeout=10_000):
        qtbot.keyClicks(box, text)


def test_search_as_you_type_groups_results_and_enter_opens_the_hit(
    qtbot: QtBot, box: SearchBox, demo_env: JournalEnv
) -> None:
    person = ascii_person(demo_env, 3)
    first = person.display_name.split()[0]
    type_and_wait(qtbot, box, first)
    model = box.model
    assert model.query == first
    assert model.data(model.index(0, 0)).startswith("People · ")
    titles = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert person.display_name in titles
    popup = box.popup
    assert popup.isVisible() and popup.view.isVisible()
    assert popup.current_row() == 1  # the first hit is selected, never a header
    assert box.hasFocus()  # typing goes on in the box
    row = titles.index(person.display_name)
    for _ in range(row - 1):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert popup.current_row() == row
    with qtbot.waitSignal(box.hit_activated) as activated:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    chosen = activated.args[0]
    assert isinstance(chosen, SearchHit)
    assert chosen.kind is ItemKind.PERSON and chosen.id == person.id
    assert not popup.isVisible()


def test_up_wraps_to_the_last_hit_and_escape_closes_then_clears(qtbot: QtBot, box: SearchBox) -> None:
    type_and_wait(qtbot, box, "ma")
    popup = box.popup
    last = box.model.rowCount() - 1
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert popup.current_row() == last
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert box.text() == "ma"
    qtbot.keyClick(box, Qt.Key.Key_Down)  # reopens the same results
    assert popup.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    with qtbot.waitSignal(box.dismissed):
        qtbot.keyClick(box, Qt.Key.Key_Escape)


def test_stale_answers_are_dropped(qtbot: QtBot, box: SearchBox, demo_env: JournalEnv) -> None:
    seen: list[str] = []
    box.searched.connect(lambda text, _n: seen.append(text))
    box.setText("Ana")
    box._start_search()  # a slow first query is still in flight…
    box.setText("Ben")
    box._start_search()  # …when the user has typed on
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.waitUntil(lambda: not demo_env.runner.busy)
    assert seen == ["Ben"]
    assert box.model.query == "Ben"


def test_enter_typed_before_the_answer_opens_the_first_hit(qtbot: QtBot, box: SearchBox, demo_env: JournalEnv) -> None:
    person = ascii_person(demo_env)
    with qtbot.waitSignal(box.hit_activated, timeout=10_000) as activated:
        qtbot.keyClicks(box, person.display_name)
        qtbot.keyClick(box, Qt.Key.Key_Return)  # faster than the debounce
    assert activated.args[0].id == person.id


def test_no_matches_and_one_letter_states(qtbot: QtBot, box: SearchBox) -> None:
    type_and_wait(qtbot, box, "<b>zzqx</b>")
    label = box.popup.state_label
    assert label.isVisible()
    assert label.textFormat() == Qt.TextFormat.PlainText  # G4: the query is echoed literally
    assert label.text() == "No matches for “<b>zzqx</b>”."
    box.clear()
    qtbot.keyClicks(box, "z")
    qtbot.waitUntil(lambda: box.popup.isVisible() and "one more letter" in box.popup.state_label.text())


def test_results_follow_edits(qtbot: QtBot, journal_env: JournalEnv) -> None:
    window = QWidget()
    search = SearchBox(journal_env.client, window)
    QVBoxLayout(window).addWidget(search)
    qtbot.addWidget(window)
    window.show()
    search.setFocus()
    type_and_wait(qtbot, search, "Zoe")  # finds "Zoë" once it exists: accents do not matter
    assert search.model.hit_count == 0
    ana = Person(display_name="Zoë Ferreira")
    done: list[object] = []
    journal_env.client.mutate(
        lambda s: (s.add_person(ana), s.add_need(Need(person_id=ana.id, text="Zoë needs a flat", heard_on=TODAY))),
        done.append,
        changes={ItemKind.PERSON, ItemKind.NEED},
        name="add",
    )
    with qtbot.waitSignal(search.searched, timeout=10_000):
        qtbot.waitUntil(lambda: bool(done))
    qtbot.waitUntil(lambda: search.model.hit_count == 2)
    kinds = {search.model.hit(r).kind for r in range(search.model.rowCount()) if search.model.hit(r) is not None}
    assert kinds == {ItemKind.PERSON, ItemKind.NEED}
