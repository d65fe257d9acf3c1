"""The Needs board driven as a user would: suggestions shown, sort and filter, status and follow-up changes stored."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Need, NeedStatus, Person
from recipro_desktop.ui.needs_model import NeedsModel
from recipro_desktop.ui.needs_view import NeedsView
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import TODAY, JournalEnv

demo_env = journal_fixtures.demo_env  # the shared fixtures, found by pytest under these names
journal_env = journal_fixtures.journal_env


@dataclass
class Board:
    env: JournalEnv
    view: NeedsView
    ana: Person
    ben: Person
    lukasz: Person
    translator: Need
    flat: Need
    speaking: Need


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def rows(view: NeedsView) -> list[tuple[str, ...]]:
    proxy = view.proxy
    return [
        tuple(str(proxy.index(r, c).data() or "") for c in range(proxy.columnCount())) for r in range(proxy.rowCount())
    ]


def wait_loaded(qtbot: QtBot, view: NeedsView, count: int) -> None:
    qtbot.waitUntil(lambda: view.model.rowCount() == count and not view._loading, timeout=10_000)


@pytest.fixture
def board(qtbot: QtBot, journal_env: JournalEnv) -> Board:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    ben = s.add_person(Person(display_name="Ben Ito", can_help_with=("German translation", "public speaking")))
    lukasz = s.add_person(Person(display_name="Łukasz Wiśniewski", can_help_with=("mortgages",)))
    translator = s.add_need(Need(person_id=ana.id, text="Needs a German translator for a contract", heard_on=ago(12)))
    flat = s.add_need(Need(person_id=ben.id, text="Looking for a flat in Lisbon", heard_on=ago(40), tags=("housing",)))
    speaking = s.add_need(Need(person_id=lukasz.id, text="Better at public speaking", heard_on=ago(3)))
    view = NeedsView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    wait_loaded(qtbot, view, 3)
    return Board(journal_env, view, ana, ben, lukasz, translator, flat, speaking)


def test_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester, demo_env: JournalEnv) -> None:
    view = NeedsView(demo_env.client, clock=demo_env.clock)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)


def test_board_lists_open_needs_with_who_could_help(board: Board) -> None:
    view = board.view
    assert rows(view) == [  # waiting longest first
        ("Looking for a flat in Lisbon", "Ben Ito", "5 weeks ago", "", "Open", "Łukasz Wiśniewski"),
        ("Needs a German translator for a contract", "Ana Souza", "12 days ago", "", "Open", "Ben Ito"),
        ("Better at public speaking", "Łukasz Wiśniewski", "3 days ago", "", "Open", "Ben Ito"),
    ]
    assert view.summary_label.text().startswith("3 open needs")
    # The first need is selected and its detail says who could help, and why.
    assert view.need_label.text() == "Looking for a flat in Lisbon"
    assert view.helpers_list.item(0).text() == "Łukasz Wiśniewski — can help with mortgages"
    assert view.meta_label.text() == "Ben Ito · heard 5 weeks ago · Open"


def test_sort_and_filter(qtbot: QtBot, board: Board) -> None:
    view = board.view
    view.sort_combo.setCurrentIndex(view.sort_combo.findText("By person"))
    assert [r[1] for r in rows(view)] == ["Ana Souza", "Ben Ito", "Łukasz Wiśniewski"]
    view.sort_combo.setCurrentIndex(view.sort_combo.findText("Heard most recently"))
    assert rows(view)[0][0] == "Better at public speaking"

    view.filter_edit.setFocus()
    qtbot.keyClicks(view.filter_edit, "lukasz")  # accent-insensitive: the person and the helper named Łukasz
    assert sorted(r[0] for r in rows(view)) == ["Better at public speaking", "Looking for a flat in Lisbon"]
    assert "2 match the filter" in view.summary_label.text()
    view.filter_edit.clear()
    assert len(rows(view)) == 3


def _select(qtbot: QtBot, view: NeedsView, need: Need) -> None:
    assert view.select_need(need.id)
    assert view.current_card() is not None and view.current_card().need.id == need.id  # type: ignore[union-attr]


def test_mark_helping_then_met_is_stored_and_met_leaves_the_board(qtbot: QtBot, board: Board) -> None:
    view, service = board.view, board.env.service
    _select(qtbot, view, board.translator)
    qtbot.mouseClick(view.helping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_need(board.translator.id).status is NeedStatus.HELPING, timeout=5_000)
    qtbot.waitUntil(lambda: "Helping" in [r[4] for r in rows(view)], timeout=5_000)
    assert view.current_card().need.id == board.translator.id  # type: ignore[union-attr]  (selection kept)
    assert view.helping_button.text() == "Stop help&ing"

    view.table.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # the "&Met" mnemonic
    qtbot.waitUntil(lambda: service.get_need(board.translator.id).status is NeedStatus.MET, timeout=5_000)
    wait_loaded(qtbot, view, 2)
    assert "Needs a German translator for a contract" not in [r[0] for r in rows(view)]


def test_stop_helping_reopens(qtbot: QtBot, board: Board) -> None:
    view, service = board.view, board.env.service
    _select(qtbot, view, board.speaking)
    view.table.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # "Help&ing"
    qtbot.waitUntil(lambda: service.get_need(board.speaking.id).status is NeedStatus.HELPING, timeout=5_000)
    qtbot.waitUntil(lambda: view.helping_button.text() == "Stop help&ing", timeout=5_000)
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: service.get_need(board.speaking.id).status is NeedStatus.OPEN, timeout=5_000)


def test_dropped_leaves_the_board(qtbot: QtBot, board: Board) -> None:
    view, service = board.view, board.env.service
    _select(qtbot, view, board.flat)
    qtbot.mouseClick(view.dropped_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_need(board.flat.id).status is NeedStatus.DROPPED, timeout=5_000)
    wait_loaded(qtbot, view, 2)


def test_set_and_clear_a_follow_up(qtbot: QtBot, board: Board) -> None:
    view, service = board.view, board.env.service
    _select(qtbot, view, board.speaking)
    day = TODAY + timedelta(days=5)
    view.follow_up_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.mouseClick(view.follow_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_need(board.speaking.id).follow_up_on == day, timeout=5_000)
    qtbot.waitUntil(lambda: "in 5 days" in [r[3] for r in rows(view)], timeout=5_000)
    assert view.meta_label.text().endswith("follow up in 5 days")

    qtbot.mouseClick(view.clear_follow_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_need(board.speaking.id).follow_up_on is None, timeout=5_000)


def test_open_the_person_and_a_helper(qtbot: QtBot, board: Board) -> None:
    view = board.view
    _select(qtbot, view, board.translator)
    with qtbot.waitSignal(view.person_requested) as opened:
        qtbot.mouseClick(view.person_button, Qt.MouseButton.LeftButton)
    assert opened.args == [board.ana.id]
    with qtbot.waitSignal(view.person_requested) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [board.ana.id]
    view.helpers_list.setFocus()
    view.helpers_list.setCurrentRow(0)
    with qtbot.waitSignal(view.person_requested) as opened:
        qtbot.keyClick(view.helpers_list, Qt.Key.Key_Return)
    assert opened.args == [board.ben.id]


def test_a_need_changed_elsewhere_is_not_overwritten(qtbot: QtBot, board: Board) -> None:
    """C4 through the UI: a stale edit is refused, the other edit kept, and the board says so."""
    view, service = board.view, board.env.service
    _select(qtbot, view, board.flat)
    service.update_need(replace(board.flat, text="Found a flat, now looking for movers"))
    qtbot.mouseClick(view.met_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed elsewhere" in view.message_label.text(), timeout=5_000)
    stored = service.get_need(board.flat.id)
    assert stored.status is NeedStatus.OPEN and stored.text == "Found a flat, now looking for movers"
    qtbot.waitUntil(lambda: "Found a flat, now looking for movers" in [r[0] for r in rows(view)], timeout=5_000)


def test_your_own_skills_are_suggested_first(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    s.add_person(Person(display_name="Ben Ito", can_help_with=("Python",)))
    s.set_setting("my_skills", ["Python"])
    s.add_need(Need(person_id=ana.id, text="Stuck on a Python script", heard_on=ago(1)))
    view = NeedsView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    wait_loaded(qtbot, view, 1)
    assert view.proxy.index(0, NeedsModel.HELPERS).data() == "You, Ben Ito"
    assert view.helpers_list.item(0).text() == "You — you can help with Python"
    assert "your own skills match 1" in view.summary_label.text()


def test_empty_board_says_what_to_do(qtbot: QtBot, journal_env: JournalEnv) -> None:
    view = NeedsView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(view.empty_label.isVisible, timeout=5_000)
    assert "listening note" in view.empty_label.text()


def test_need_text_is_plain_text(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """G4: HTML in a need is shown literally in the detail labels and escaped in tooltips."""
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana"))
    s.add_need(Need(person_id=ana.id, text='<img src="file:///etc/passwd">', heard_on=ago(1), context="<b>x</b>"))
    view = NeedsView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    wait_loaded(qtbot, view, 1)
    assert view.need_label.textFormat() == Qt.TextFormat.PlainText
    assert view.context_label.textFormat() == Qt.TextFormat.PlainText
    assert view.need_label.text() == '<img src="file:///etc/passwd">'
    tip = view.proxy.index(0, NeedsModel.NEED).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;b&gt;x&lt;/b&gt;" in tip
