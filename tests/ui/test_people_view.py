"""The People list, driven like a user would: typing in the filter, clicking headers, the dialogs, shortcuts.

Everything runs against a real encrypted journal (``tests/ui/journal_fixtures.py``) and asserts on what the list
shows and on what is stored. RELIABILITY rows: G4 (user text shown literally in cells and tooltips), C4 (a stale
edit is refused, see test_person_dialog.py), G10 (dialog titles without names).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from uuid import UUID

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QTextDocument, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Act, ActKind, Channel, Direction, Interaction, Person
from recipro_desktop.ui.people_model import PeopleTableModel
from recipro_desktop.ui.people_view import PeopleView
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import TODAY, JournalEnv

demo_env = journal_fixtures.demo_env  # the shared fixtures (pytest finds them under these names)
journal_env = journal_fixtures.journal_env

LIST_TIMEOUT = 10_000


def make_view(qtbot: QtBot, env: JournalEnv, undo_stack: QUndoStack | None = None) -> PeopleView:
    view = PeopleView(env.client, undo_stack=undo_stack, clock=env.clock)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded and not view.loading, timeout=LIST_TIMEOUT)
    return view


def shown_names(view: PeopleView) -> list[str]:
    model = view.model
    return [model.index(r, PeopleTableModel.NAME).data() for r in range(model.rowCount())]


def settle(qtbot: QtBot, env: JournalEnv, view: PeopleView) -> None:
    """Wait for the background work and the list reload it triggers."""
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=LIST_TIMEOUT)
    qtbot.waitUntil(lambda: not view._reload_timer.isActive() and not view.loading, timeout=LIST_TIMEOUT)
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=LIST_TIMEOUT)


def plain_tooltip(html_text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html_text)
    return doc.toPlainText()


def test_list_shows_every_active_person_with_counts(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    active = [p for p in demo_env.demo.people if not p.archived]
    assert view.model.rowCount() == len(active)
    assert sorted(shown_names(view)) == sorted(p.display_name for p in active)
    archived = len(demo_env.demo.people) - len(active)
    expected = f"{len(active)} people" + (f" · {archived} archived not shown" if archived else "")
    assert view.count_label.text() == expected


def test_models_pass_qtmodeltester(qtbot: QtBot, demo_env: JournalEnv, qtmodeltester: object) -> None:
    view = make_view(qtbot, demo_env)
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    qtbot.keyClicks(view.filter_edit, "a")
    view.table.sortByColumn(PeopleTableModel.WARMTH, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]


def test_typing_filters_accent_and_case_insensitively(qtbot: QtBot, demo_env: JournalEnv) -> None:
    view = make_view(qtbot, demo_env)
    qtbot.keyClicks(view.filter_edit, "zoe")
    assert shown_names(view) == ["Zoë Antoniou"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "IPEK cel")  # two words, both must match; İ folds to i
    assert shown_names(view) == ["İpek Çelik"]
    assert view.count_label.text().startswith("1 of ")
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "nobody-here-xyz")
    assert view.model.rowCount() == 0
    assert view.stack.currentIndex() == 1
    assert "No one matches “nobody-here-xyz”" in view.empty_label.text()


def test_filter_matches_organisation_tags_and_emails(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    s.add_person(Person(display_name="Ana Lima", organisation="Acme Ltd", tags=("design",)))
    s.add_person(Person(display_name="Bo Chen", emails=("bo@example.org",), tags=("Hiking",)))
    s.add_person(Person(display_name="Cy Dorn", organisation="Zeta", tags=("hiking", "design")))
    view = make_view(qtbot, journal_env)
    qtbot.keyClicks(view.filter_edit, "acme")
    assert shown_names(view) == ["Ana Lima"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "example.org")
    assert shown_names(view) == ["Bo Chen"]
    view.filter_edit.clear()
    # the tag filter: tags are case-insensitive, "Hiking" and "hiking" are one tag
    assert [view.tag_combo.itemText(i) for i in range(view.tag_combo.count())] == ["All tags", "design", "Hiking"]
    view.tag_combo.setCurrentIndex(view.tag_combo.findText("Hiking"))
    assert shown_names(view) == ["Bo Chen", "Cy Dorn"]
    qtbot.keyClicks(view.filter_edit, "zeta")
    assert shown_names(view) == ["Cy Dorn"]


def test_sort_by_last_interaction_dates_in_order_and_never_last(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    people = {name: s.add_person(Person(display_name=name)) for name in ("Ana", "Bo", "Cy", "Di")}
    for name, days in (("Ana", 40), ("Bo", 3), ("Cy", 400)):  # Di: nothing logged
        s.add_interaction(
            Interaction(
                occurred_on=TODAY - timedelta(days=days),
                channel=Channel.CALL,
                summary="Call",
                people=(people[name].id,),
            )
        )
    view = make_view(qtbot, journal_env)
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(PeopleTableModel.LAST_INTERACTION) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown_names(view) == ["Cy", "Ana", "Bo", "Di"]
    assert [view.model.index(r, PeopleTableModel.LAST_INTERACTION).data() for r in range(4)] == [
        f"{(TODAY - timedelta(days=400)).day} {(TODAY - timedelta(days=400)):%b} {TODAY.year - 1}",
        f"{(TODAY - timedelta(days=40)).day} {(TODAY - timedelta(days=40)):%b}",
        "3 days ago",
        "never",
    ]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert shown_names(view) == ["Bo", "Ana", "Cy", "Di"], "descending, and people never contacted still last"
    # sorting survives a filter being typed and cleared
    qtbot.keyClicks(view.filter_edit, "a")
    assert shown_names(view) == ["Ana"]
    view.filter_edit.clear()
    assert shown_names(view) == ["Bo", "Ana", "Cy", "Di"]


def test_selection_follows_the_person_while_typing_a_filter(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """A filter change rebuilds the shown rows (a model reset): the selected people who still match stay
    selected and the current one stays current and in view; when they no longer match, the first match is."""
    s = journal_env.service
    people = {n: s.add_person(Person(display_name=n)) for n in ("Ana Lima", "Anton Berg", "Bo Chen", "Dana Ek")}
    for n in range(60):  # enough rows to scroll
        s.add_person(Person(display_name=f"Zed {n:02}"))
    view = make_view(qtbot, journal_env)
    view.select_ids([people["Anton Berg"].id, people["Dana Ek"].id], current=people["Dana Ek"].id)
    qtbot.keyClicks(view.filter_edit, "an")
    assert shown_names(view) == ["Ana Lima", "Anton Berg", "Dana Ek"]
    assert view.selected_ids() == [people["Anton Berg"].id, people["Dana Ek"].id]
    assert view.current_id() == people["Dana Ek"].id
    qtbot.keyClicks(view.filter_edit, "a")  # "ana": Anton no longer matches
    assert shown_names(view) == ["Ana Lima", "Dana Ek"]
    assert view.selected_ids() == [people["Dana Ek"].id]
    view.filter_edit.setText("bo")  # nobody selected matches: the first match is current (and selected)
    assert view.selected_ids() == [people["Bo Chen"].id] and view.current_id() == people["Bo Chen"].id
    view.filter_edit.clear()
    assert view.model.rowCount() == 64 and view.current_id() == people["Bo Chen"].id
    assert view.table.visualRect(view.table.currentIndex()).intersects(view.table.viewport().rect())


def test_enter_and_double_click_open_the_person(qtbot: QtBot, journal_env: JournalEnv) -> None:
    ana = journal_env.service.add_person(Person(display_name="Ana Lima"))
    journal_env.service.add_person(Person(display_name="Bo Chen"))
    view = make_view(qtbot, journal_env)
    qtbot.keyClicks(view.filter_edit, "ana")
    with qtbot.waitSignal(view.person_requested, timeout=1000) as opened:
        QTest.keyClick(view.filter_edit, Qt.Key.Key_Return)
    assert opened.args == [ana.id]
    QTest.keyClick(view.filter_edit, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    with qtbot.waitSignal(view.person_requested, timeout=1000) as opened:
        QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [ana.id]


def test_create_a_person_with_the_dialog(qtbot: QtBot, journal_env: JournalEnv) -> None:
    view = make_view(qtbot, journal_env)
    assert "No people yet" in view.empty_label.text()
    QTest.keySequence(view.filter_edit, QKeySequence("Ctrl+Shift+N"))
    dialog = view.person_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "New person"
    qtbot.keyClicks(dialog.ui.displayNameEdit, "Zoe Adams")
    qtbot.keyClicks(dialog.ui.organisationEdit, "Acme")
    qtbot.keyClicks(dialog.ui.tagsEdit, "design, Lisbon")
    dialog.ui.tabWidget.setCurrentWidget(dialog.ui.contactTab)
    qtbot.keyClicks(dialog.ui.emailsEdit, "zoe@example.org")
    dialog.ui.tabWidget.setCurrentWidget(dialog.ui.relationshipTab)
    dialog.ui.cadenceSpin.setValue(30)
    with qtbot.waitSignal(dialog.person_saved, timeout=LIST_TIMEOUT) as saved:
        QTest.keyClick(dialog.ui.displayNameEdit, Qt.Key.Key_Return)  # Enter = Save (the default button)
    settle(qtbot, journal_env, view)
    stored = journal_env.service.get_person(saved.args[0].id)
    assert (stored.display_name, stored.organisation, stored.tags) == ("Zoe Adams", "Acme", ("design", "Lisbon"))
    assert stored.emails == ("zoe@example.org",) and stored.cadence_days == 30
    assert not dialog.isVisible(), "the dialog closed itself once the person was stored"
    assert shown_names(view) == ["Zoe Adams"]
    assert view.selected_ids() == [stored.id], "the new person is selected"
    assert view.count_label.text() == "1 person"


def test_invalid_input_shows_the_message_next_to_the_field_and_saves_nothing(
    qtbot: QtBot, journal_env: JournalEnv
) -> None:
    view = make_view(qtbot, journal_env)
    dialog = view.new_person()
    qtbot.keyClicks(dialog.ui.displayNameEdit, "Ana")
    dialog.ui.tabWidget.setCurrentWidget(dialog.ui.contactTab)
    qtbot.keyClicks(dialog.ui.emailsEdit, "ana at example")
    dialog.ui.tabWidget.setCurrentWidget(dialog.ui.basicsTab)
    dialog.save()
    assert dialog.visible_errors() == {"emails": "Email address 1 doesn't look like an email address."}
    assert dialog.ui.tabWidget.currentWidget() is dialog.ui.contactTab, "the tab with the problem is shown"
    assert dialog.focusWidget() is dialog.ui.emailsEdit
    assert dialog.ui.emailsError.isVisible()
    # a birthday that does not exist
    dialog.ui.emailsEdit.clear()
    dialog.ui.birthdayMonthCombo.setCurrentIndex(2)  # February
    dialog.ui.birthdayDaySpin.setValue(30)
    dialog.save()
    assert dialog.visible_errors() == {"birthday_month": "That day does not exist in that month."}
    # an empty name
    dialog.ui.birthdayDaySpin.setValue(0)
    dialog.ui.birthdayMonthCombo.setCurrentIndex(0)
    dialog.ui.displayNameEdit.clear()
    dialog.save()
    assert dialog.visible_errors() == {"display_name": "Display name can't be empty."}
    qtbot.waitUntil(lambda: not journal_env.runner.busy)
    assert dialog.isVisible()
    assert journal_env.service.stats()["people"] == 0, "nothing was stored"
    # typing in the field clears its message
    qtbot.keyClicks(dialog.ui.displayNameEdit, "A")
    assert dialog.visible_errors() == {}
    dialog.reject()


def test_archive_hides_from_the_default_list_and_show_archived_brings_them_back(
    qtbot: QtBot, journal_env: JournalEnv
) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    s.add_person(Person(display_name="Bo Chen"))
    view = make_view(qtbot, journal_env)
    view.select_ids([ana.id], current=ana.id)
    assert view.archive_action.text() == "&Archive"
    view.archive_action.trigger()
    settle(qtbot, journal_env, view)
    assert s.get_person(ana.id).archived
    assert shown_names(view) == ["Bo Chen"]
    assert view.count_label.text() == "1 person · 1 archived not shown"
    qtbot.mouseClick(view.archived_check, Qt.MouseButton.LeftButton)
    assert shown_names(view) == ["Ana Lima (archived)", "Bo Chen"]
    view.select_ids([ana.id], current=ana.id)
    assert view.archive_action.text() == "Un&archive"
    view.archive_action.trigger()
    settle(qtbot, journal_env, view)
    assert not s.get_person(ana.id).archived
    assert shown_names(view) == ["Ana Lima", "Bo Chen"]


def _act(person: UUID, summary: str, direction: Direction = Direction.RECEIVED) -> Act:
    return Act(occurred_on=TODAY, direction=direction, kind=ActKind.FAVOR, summary=summary, people=(person,))


def test_merge_two_duplicates_moves_their_acts(qtbot: QtBot, journal_env: JournalEnv, modals: ModalGuard) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Lima", emails=("ana@a.org",)))
    dup = s.add_person(Person(display_name="Ana Lima", organisation="Acme", emails=("ana@b.org",)))
    s.add_person(Person(display_name="Bo Chen"))
    first = s.add_act(_act(ana.id, "Lent me a book"))
    second = s.add_act(_act(dup.id, "Introduced me to Cy"))
    third = s.add_act(_act(dup.id, "Reviewed my CV", Direction.GIVEN))
    view = make_view(qtbot, journal_env)
    assert not view.merge_action.isEnabled()
    view.select_ids([ana.id, dup.id], current=ana.id)
    assert view.merge_action.isEnabled()
    dialog = view.merge_selected()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=LIST_TIMEOUT)
    assert dialog.windowTitle() == "Merge duplicates"
    texts = {dialog.value_text("organisation", n) for n in (0, 1)}
    assert texts == {"—", "Acme"}
    assert dialog.keep_id() == dup.id, "the one with more history is proposed"
    keep_index = 0 if dialog.keep_button(0).isChecked() else 1
    other = dialog.keep_button(1 - keep_index)
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton, pos=QPoint(8, other.height() // 2))  # the user keeps Ana
    assert dialog.keep_id() == ana.id
    with qtbot.waitSignal(dialog.merged, timeout=LIST_TIMEOUT):
        dialog.merge()
    settle(qtbot, journal_env, view)
    assert {a.id for a in s.acts_for(ana.id)} == {first.id, second.id, third.id}
    assert set(s.get_person(ana.id).emails) == {"ana@a.org", "ana@b.org"}
    assert s.get_person(ana.id).organisation == "Acme"
    assert sorted(shown_names(view)) == ["Ana Lima", "Bo Chen"]
    assert view.selected_ids() == [ana.id]


def test_delete_asks_first_and_undo_brings_the_person_back_with_their_history(
    qtbot: QtBot, journal_env: JournalEnv, modals: ModalGuard
) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    bo = s.add_person(Person(display_name="Bo Chen", met_through_id=ana.id))
    act = s.add_act(dataclasses.replace(_act(ana.id, "Coffee"), people=(bo.id, ana.id)))
    stack = QUndoStack()
    view = make_view(qtbot, journal_env, undo_stack=stack)
    view.select_ids([ana.id], current=ana.id)
    view.table.setFocus()
    modals.answer("exec", QMessageBox.StandardButton.Cancel)
    QTest.keyClick(view.table, Qt.Key.Key_Delete)
    assert modals.calls[-1].title == "Delete person" and modals.calls[-1].text == "Delete Ana Lima?"
    assert s.get_person(ana.id)  # cancelled: still there
    modals.answer("exec", QMessageBox.StandardButton.Yes)
    QTest.keyClick(view.table, Qt.Key.Key_Delete)
    settle(qtbot, journal_env, view)
    assert s.stats()["people"] == 1
    assert s.get_act(act.id).people == (bo.id,)
    assert s.get_person(bo.id).met_through_id is None
    assert shown_names(view) == ["Bo Chen"]
    stack.undo()
    settle(qtbot, journal_env, view)
    restored = s.get_person(ana.id)
    assert (restored.display_name, restored.created_at) == (ana.display_name, ana.created_at)
    assert s.get_act(act.id).people == (bo.id, ana.id), "the act names her again, in the same place"
    assert s.get_person(bo.id).met_through_id == ana.id
    assert shown_names(view) == ["Ana Lima", "Bo Chen"]


@pytest.mark.parametrize("payload", ['<img src="file:///etc/passwd"><b>x</b>'])
def test_g4_markup_in_names_and_tags_is_shown_literally(qtbot: QtBot, journal_env: JournalEnv, payload: str) -> None:
    """G4: user text never becomes markup, neither in cells nor in tooltips."""
    journal_env.service.add_person(Person(display_name=payload, organisation=payload, tags=(payload,)))
    view = make_view(qtbot, journal_env)
    index = view.model.index(0, PeopleTableModel.NAME)
    assert index.data() == payload
    for column in (PeopleTableModel.NAME, PeopleTableModel.ORGANISATION, PeopleTableModel.TAGS):
        tip = view.model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
        assert payload in plain_tooltip(tip), "the tooltip shows the characters, not an image and bold text"
        assert "<img" not in tip
    assert view.tag_combo.itemText(1) == payload
