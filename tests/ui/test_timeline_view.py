"""The Timeline page driven as a user would: scroll to the end, press filter chips, type a name, open items."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Direction, ItemKind, Person, TimelineFilter
from recipro_desktop.ui.timeline_model import RowType, TimelineModel
from recipro_desktop.ui.timeline_view import TimelineView, editor_class
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import JournalEnv
from tests.ui.test_timeline_model import all_items, model_items

demo_env = journal_fixtures.demo_env  # the shared fixtures, found by pytest under these names
journal_env = journal_fixtures.journal_env


def make_view(qtbot: QtBot, env: JournalEnv) -> TimelineView:
    view = TimelineView(env.client, clock=env.clock)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitUntil(lambda: view.model.item_count > 0 or view.model.exhausted, timeout=10_000)
    return view


def settle(qtbot: QtBot, view: TimelineView) -> None:
    qtbot.waitUntil(lambda: view.model.item_count > 0 and not view.model.loading, timeout=10_000)


def test_scrolling_to_the_end_fetches_every_item_once(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    expected = [i.id for i in all_items(demo_env.service)]
    bar = view.list.verticalScrollBar()
    for _ in range(200):
        if view.model.exhausted:
            break
        before = view.model.item_count
        # Qt lays out newly arrived rows later (a delayed layout): until then the scroll range is the old one and
        # dragging to its end asks for nothing (a slow machine saw 100 such idle drags). Lay them out first.
        view.list.doItemsLayout()
        bar.setValue(bar.maximum())  # the user drags to the bottom; the view asks for more
        qtbot.waitUntil(
            lambda: view.model.exhausted or (view.model.item_count > before and not view.model.loading),  # noqa: B023
            timeout=10_000,
        )
    assert view.model.exhausted
    assert [i.id for i in model_items(view.model)] == expected
    assert view.footer_label.text() == f"{len(expected):,} items"


def test_kind_chips_and_direction_filter_the_rows(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    bar = view.filter_bar

    qtbot.mouseClick(bar.chips[ItemKind.NEED], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.filter().kinds == {ItemKind.NEED} and not view.model.loading, timeout=10_000)
    settle(qtbot, view)
    assert {i.kind for i in model_items(view.model)} == {ItemKind.NEED}
    assert bar.clear_button.isVisible()

    qtbot.mouseClick(bar.chips[ItemKind.NEED], Qt.MouseButton.LeftButton)  # unpress: everything again
    bar.direction_combo.setFocus()
    qtbot.keyClick(bar.direction_combo, Qt.Key.Key_Down)
    qtbot.keyClick(bar.direction_combo, Qt.Key.Key_Down)  # "Received"
    qtbot.waitUntil(lambda: view.model.filter().direction is Direction.RECEIVED, timeout=5_000)
    settle(qtbot, view)
    assert {(i.kind, i.direction) for i in model_items(view.model)} == {(ItemKind.ACT, Direction.RECEIVED)}
    assert not bar.chips[ItemKind.NEED].isEnabled()  # only acts have a direction

    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.filter() == TimelineFilter(), timeout=5_000)
    settle(qtbot, view)
    assert len({i.kind for i in model_items(view.model)}) > 2


def test_typing_a_name_filters_on_that_person(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    person = demo_env.demo.people[3] if demo_env.demo else None
    assert person is not None
    edit = view.filter_bar.person_edit
    edit.setFocus()
    qtbot.keyClicks(edit, person.display_name)
    qtbot.waitUntil(lambda: view.filter_bar._completions.rowCount() > 0, timeout=5_000)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.filter().person_id == person.id, timeout=5_000)
    settle(qtbot, view)
    got = model_items(view.model)
    assert got and all(person.id in i.people for i in got)
    assert [i.id for i in got] == [i.id for i in all_items(demo_env.service, TimelineFilter(person_id=person.id))][
        : len(got)
    ]

    edit.clear()
    qtbot.keyClicks(edit, "x")
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)  # emptied by the user: back to everyone
    qtbot.waitUntil(lambda: view.model.filter().person_id is None, timeout=5_000)


def test_date_range_custom(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    bar = view.filter_bar
    bar.range_combo.setCurrentIndex(bar.range_combo.findData("custom"))
    assert bar.from_edit.isVisible() and bar.to_edit.isVisible()
    bar.from_edit.setDate(bar.from_edit.date().fromString("2026-01-01", "yyyy-MM-dd"))
    bar.to_edit.setDate(bar.to_edit.date().fromString("2026-01-31", "yyyy-MM-dd"))
    qtbot.waitUntil(lambda: view.model.filter().date_to == date(2026, 1, 31), timeout=5_000)
    settle(qtbot, view)
    assert all(date(2026, 1, 1) <= i.on <= date(2026, 1, 31) for i in model_items(view.model))


def _first_item_row(model: TimelineModel, kind: ItemKind | None = None) -> int:
    for row in range(model.rowCount()):
        item = model.item_at(row)
        if item is not None and item.people and (kind is None or item.kind is kind):
            return row
    raise AssertionError("no such row")


def test_open_person_from_the_keyboard_and_the_context_menu(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    row = _first_item_row(view.model)
    item = view.model.item_at(row)
    assert item is not None
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(row))
    with qtbot.waitSignal(view.person_requested) as opened:
        qtbot.keyClick(view.list, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert opened.args == [item.people[0]]

    qtbot.waitUntil(lambda: bool(view.model.names), timeout=5_000)
    menu = view.context_menu(view.model.index(row))
    name = view.model.names[item.people[0]].replace("&", "&&")
    action = next(a for a in menu.actions() if a.text() == f"Open {name}")
    with qtbot.waitSignal(view.person_requested) as opened:
        action.trigger()
    assert opened.args == [item.people[0]]
    only = next(a for a in menu.actions() if a.text().startswith("Show only"))
    only.trigger()
    qtbot.waitUntil(lambda: view.model.filter().person_id == item.people[0], timeout=5_000)
    assert view.filter_bar.person_edit.text() == view.model.names[item.people[0]]


def test_keyboard_navigation_skips_month_headers(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(1))
    seen = []
    for _ in range(60):
        qtbot.keyClick(view.list, Qt.Key.Key_Down)
        seen.append(RowType(view.list.currentIndex().data(TimelineModel.RowTypeRole)))
    assert set(seen) == {RowType.ITEM}


def test_enter_opens_the_item_editor_when_installed(qtbot: QtBot, demo_env: JournalEnv, modals: ModalGuard) -> None:
    dialog_class = editor_class(ItemKind.ACT)
    if dialog_class is None:
        pytest.skip("the act dialog (UI-D) is not part of this build")
    view = make_view(qtbot, demo_env)
    row = _first_item_row(view.model, ItemKind.ACT)
    item = view.model.item_at(row)
    assert item is not None
    shown: list[object] = []

    def answer(dialog: QDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    modals.answer("exec", answer)
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(row))
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    assert isinstance(shown[0], dialog_class)
    qtbot.waitUntil(lambda: not demo_env.runner.busy, timeout=5_000)  # the dialog's own queries


def test_empty_journal_says_what_to_do(qtbot: QtBot, journal_env: JournalEnv) -> None:
    view = make_view(qtbot, journal_env)
    qtbot.waitUntil(view.empty_state.isVisible, timeout=5_000)
    assert "Quick add" in view.empty_label.text()
    assert not view.list.isVisible() and not view.empty_clear_button.isVisible()


def test_no_match_offers_to_clear_filters(qtbot: QtBot, journal_env: JournalEnv) -> None:
    journal_env.service.add_person(Person(display_name="Ana"))
    view = make_view(qtbot, journal_env)
    qtbot.mouseClick(view.filter_bar.chips[ItemKind.REMINDER], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.empty_state.isVisible, timeout=5_000)
    assert view.empty_label.text() == "Nothing matches these filters."
    qtbot.mouseClick(view.empty_clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.filter() == TimelineFilter(), timeout=5_000)


def test_an_edit_refreshes_in_place_keeping_the_scroll_and_the_current_item(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    bar = view.list.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: view.model.item_count > 200 and not view.model.loading, timeout=10_000)
    bar.setValue(bar.maximum() // 2)
    row = view.list.indexAt(view.list.viewport().rect().center()).row()
    row = _first_item_row(view.model) if view.model.item_at(row) is None else row
    view.list.setCurrentIndex(view.model.index(row))
    current = view.current_item()
    assert current is not None
    scrolled = bar.value()
    act = next(a for a in demo_env.demo.acts if a.id != current.id) if demo_env.demo else None
    assert act is not None
    stored = demo_env.service.get_act(act.id)
    with qtbot.waitSignal(demo_env.client.journal_changed):
        demo_env.client.mutate(
            lambda s: s.update_act(replace(stored, summary="Edited elsewhere")), changes={ItemKind.ACT}, name="t"
        )
    qtbot.waitUntil(lambda: not view.model.loading, timeout=10_000)
    assert view.current_item() is not None and view.current_item().id == current.id  # type: ignore[union-attr]
    assert bar.value() == scrolled


def test_benchmark_hook_measures_first_page_and_stalls(qtbot: QtBot, demo_env: JournalEnv) -> None:
    """benchmarks/gui_timeline.py runs on a real journal and leaves nothing running (the lead's script calls it)."""
    from benchmarks.gui_timeline import measure_timeline

    figures = measure_timeline(demo_env.service, target_row=300, size=(800, 600))
    assert figures.first_page_ms > 0 and figures.service_first_page_ms > 0
    assert figures.rows_reached >= 300 and figures.items_fetched >= 200
    assert 0 < figures.median_frame_ms <= figures.worst_stall_ms
