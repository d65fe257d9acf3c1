"""The person page, driven by keyboard and mouse against a real journal: header, listening notes, tabs.

RELIABILITY rows: G4 (a note with markup is shown literally in labels, tooltips and the notes box), G10 (the
page never names the person in a window title), C4 (a stale edit of the person is refused: see
test_person_dialog.py).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from uuid import UUID

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextDocument, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Commitment,
    CommitmentStatus,
    Direction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
)
from recipro_desktop.ui.listening_notes_model import ListeningNotesModel
from recipro_desktop.ui.person_acts_model import PersonActsModel
from recipro_desktop.ui.person_notes_model import PersonNotesModel
from recipro_desktop.ui.person_page import PersonPage
from recipro_desktop.ui.person_promises_model import PersonPromisesModel
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import TODAY, JournalEnv

journal_env = journal_fixtures.journal_env
demo_env = journal_fixtures.demo_env

TIMEOUT = 10_000
PAYLOAD = '<img src="file:///etc/passwd"><b>x</b>'


def settle(qtbot: QtBot, env: JournalEnv) -> None:
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=TIMEOUT)


def make_page(qtbot: QtBot, env: JournalEnv, person_id: UUID, undo_stack: QUndoStack | None = None) -> PersonPage:
    page = PersonPage(env.client, undo_stack=undo_stack, clock=env.clock)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    page.show_person(person_id)
    qtbot.waitUntil(lambda: page.loaded, timeout=TIMEOUT)
    settle(qtbot, env)
    return page


def plain(html_text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html_text)
    return doc.toPlainText()


def received(person: UUID, summary: str, days_ago: int, weight: int = 3) -> Act:
    return Act(
        occurred_on=TODAY - timedelta(days=days_ago),
        direction=Direction.RECEIVED,
        kind=ActKind.REFERRAL,
        summary=summary,
        people=(person,),
        weight=weight,
    )


def test_header_words_a_one_sided_history_gently(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ben = s.add_person(Person(display_name="Ben Ortiz"))
    ana = s.add_person(
        Person(
            display_name="Ana Souza",
            organisation="Acme",
            role="Designer",
            how_met="Design meetup",
            met_through_id=ben.id,
            tags=("design", "Lisbon"),
            cadence_days=30,
            birthday_month=TODAY.month,
            birthday_day=TODAY.day + 5,
            birthday_year=1990,
        )
    )
    for n, days in enumerate((3, 20, 45)):
        s.add_act(received(ana.id, f"Referral {n}", days))
    page = make_page(qtbot, journal_env, ana.id)
    header = page.header
    assert header.name_label.text() == "Ana Souza"
    assert header.role_label.text() == "Designer @ Acme"
    assert header.met_label.text() == "Design meetup · through"
    assert header.through_button.text() == "Ben Ortiz" and header.through_button.isVisible()
    assert header.tag_texts() == ["design", "Lisbon"]
    assert header.birthday_label.text() == f"Birthday {TODAY.day + 5} {TODAY:%B} · turns {TODAY.year - 1990} in 5 days"
    assert header.touch_label.text() == "Keep in touch every 30 days · Last in touch 3 days ago — due in 3 weeks"
    assert header.balance_words.text() == "You've mostly been receiving lately"
    assert header.balance_meter.accessibleDescription() == "You've mostly been receiving lately"
    assert header.warmth_words.text().startswith(("Warm", "Cooling"))
    every_text = " ".join(label.text() for label in header.findChildren(QLabel)).casefold()
    assert "owe" not in every_text and "debt" not in every_text
    assert page.tabs.tabText(page.ACTS) == "&Acts (3)"
    with qtbot.waitSignal(page.person_requested, timeout=1000) as opened:
        qtbot.mouseClick(header.through_button, Qt.MouseButton.LeftButton)
    assert opened.args == [ben.id]
    assert page.window().windowTitle() == "", "the page never names the person in a title (G10)"


def test_a_listening_note_added_in_one_line_is_stored(qtbot: QtBot, journal_env: JournalEnv) -> None:
    ana = journal_env.service.add_person(Person(display_name="Ana Souza"))
    page = make_page(qtbot, journal_env, ana.id)
    tab = page.needs_tab
    assert page.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.stack.currentIndex() == 1, timeout=TIMEOUT)
    assert tab.empty_label.text().startswith("No listening notes yet — add what Ana needs in one line above")
    assert tab.add_edit.placeholderText() == "What does Ana need? Type it and press Enter"
    page.tabs.tabBar().setFocus()  # somewhere on the page, as after a click
    QTest.keySequence(page.tabs.tabBar(), QKeySequence("Ctrl+L"))
    assert page.focusWidget() is tab.add_edit
    qtbot.keyClicks(tab.add_edit, "Looking for a flat in Porto")
    QTest.keyClick(tab.add_edit, Qt.Key.Key_Return)
    settle(qtbot, journal_env)
    needs = journal_env.service.needs_for(ana.id)
    assert [(n.text, n.status, n.heard_on) for n in needs] == [("Looking for a flat in Porto", NeedStatus.OPEN, TODAY)]
    assert tab.add_edit.text() == "" and tab.stack.currentIndex() == 0
    assert tab.model.index(0, ListeningNotesModel.TEXT).data() == "Looking for a flat in Porto"
    qtbot.waitUntil(lambda: page.tabs.tabText(page.NEEDS) == "&Listening notes (1)", timeout=TIMEOUT)


def test_status_keys_move_a_need_through_its_states(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    need = s.add_need(Need(person_id=ana.id, text="An intro to a lawyer", heard_on=TODAY))
    page = make_page(qtbot, journal_env, ana.id)
    table = page.needs_tab.table
    qtbot.waitUntil(lambda: page.needs_tab.model.rowCount() == 1, timeout=TIMEOUT)
    table.setFocus()
    for key, status in (("H", NeedStatus.HELPING), ("D", NeedStatus.DROPPED), ("O", NeedStatus.OPEN)):
        QTest.keyClick(table, getattr(Qt.Key, f"Key_{key}"))
        settle(qtbot, journal_env)
        assert s.get_need(need.id).status is status
        assert page.needs_tab.model.index(0, ListeningNotesModel.STATUS).data() == status.value.capitalize()
    QTest.keyClick(table, Qt.Key.Key_F)
    assert page.needs_tab.bar.isVisible()
    page.needs_tab.follow_edit.setDate(page.needs_tab.follow_edit.date().addDays(3))
    qtbot.mouseClick(page.needs_tab.follow_set, Qt.MouseButton.LeftButton)
    settle(qtbot, journal_env)
    assert s.get_need(need.id).follow_up_on == TODAY + timedelta(days=10)
    assert not page.needs_tab.bar.isVisible()


def test_i_helped_creates_the_act_that_met_the_need(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    need = s.add_need(Need(person_id=ana.id, text="Needs a landlord contact", heard_on=TODAY - timedelta(days=4)))
    page = make_page(qtbot, journal_env, ana.id)
    tab = page.needs_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    tab.table.setFocus()
    QTest.keyClick(tab.table, Qt.Key.Key_I)
    assert (tab.bar.isVisible() and tab.helped_edit.hasFocus()) or tab.focusWidget() is tab.helped_edit
    assert tab.helped_label.text() == "You helped Ana with this. What did you do?"
    tab.helped_kind.setCurrentIndex(tab.helped_kind.findData(ActKind.INTRODUCTION.value))
    QTest.keyClick(tab.helped_edit, Qt.Key.Key_Return)  # nothing typed: the act needs a summary
    assert tab.helped_error.isVisible() and tab.helped_error.text() == "Summary can't be empty."
    qtbot.keyClicks(tab.helped_edit, "Introduced her to Joana, a landlord")
    QTest.keyClick(tab.helped_edit, Qt.Key.Key_Return)
    settle(qtbot, journal_env)
    acts = s.acts_for(ana.id)
    assert len(acts) == 1
    act = acts[0]
    assert (act.direction, act.kind, act.summary, act.people, act.meets_need_id, act.occurred_on) == (
        Direction.GIVEN,
        ActKind.INTRODUCTION,
        "Introduced her to Joana, a landlord",
        (ana.id,),
        need.id,
        TODAY,
    )
    stored = s.get_need(need.id)
    assert (stored.status, stored.met_by_act_id) == (NeedStatus.MET, act.id)
    assert not tab.bar.isVisible()
    assert tab.model.index(0, ListeningNotesModel.STATUS).data() == "Met"
    qtbot.waitUntil(lambda: page.tabs.tabText(page.ACTS) == "&Acts (1)", timeout=TIMEOUT)


def test_acts_tab_filters_by_direction_and_marks_thanks(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    got = s.add_act(received(ana.id, "Referred me to a client", 2))
    s.add_act(dataclasses.replace(received(ana.id, "Gave her feedback", 5), direction=Direction.GIVEN))
    page = make_page(qtbot, journal_env, ana.id)
    page.tabs.setCurrentIndex(page.ACTS)
    tab = page.acts_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=TIMEOUT)
    assert tab.counts_label.text() == "1 given · 1 received"
    tab.direction_combo.setCurrentIndex(tab.direction_combo.findData("received"))
    assert [tab.proxy.index(r, PersonActsModel.SUMMARY).data() for r in range(tab.proxy.rowCount())] == [
        "Referred me to a client"
    ]
    assert tab.proxy.index(0, PersonActsModel.THANKS).data() == "Not thanked yet"
    tab.table.setFocus()
    QTest.keyClick(tab.table, Qt.Key.Key_T)
    settle(qtbot, journal_env)
    assert s.get_act(got.id).thanked_on == TODAY
    assert tab.proxy.index(0, PersonActsModel.THANKS).data() == "Thanked today"
    tab.direction_combo.setCurrentIndex(tab.direction_combo.findData("given"))
    assert tab.proxy.rowCount() == 1
    assert tab.proxy.index(0, PersonActsModel.THANKS).data() == ""


def test_promises_keys_and_notes_box(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    promise = s.add_commitment(
        Commitment(promiser=Promiser.ME, text="Send the deck", made_on=TODAY, people=(ana.id,), due_on=TODAY)
    )
    page = make_page(qtbot, journal_env, ana.id)
    page.tabs.setCurrentIndex(page.PROMISES)
    tab = page.promises_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    assert tab.proxy.index(0, PersonPromisesModel.DUE).data() == "due today"
    assert tab.proxy.index(0, PersonPromisesModel.WHO).data() == "You promised"
    tab.table.setFocus()
    QTest.keyClick(tab.table, Qt.Key.Key_K)
    settle(qtbot, journal_env)
    assert s.get_commitment(promise.id).status is CommitmentStatus.KEPT

    page.tabs.setCurrentIndex(page.NOTES)
    notes = page.notes_tab
    qtbot.waitUntil(lambda: notes.stack.currentIndex() == 1, timeout=TIMEOUT)
    notes.note_edit.setFocus()
    qtbot.keyClicks(notes.note_edit, "Talked about her move to Porto")
    QTest.keySequence(notes.note_edit, QKeySequence("Ctrl+Return"))
    settle(qtbot, journal_env)
    entries = s.entries_for(ana.id)
    assert [(e.text, e.people, e.written_on) for e in entries] == [("Talked about her move to Porto", (ana.id,), TODAY)]
    assert notes.model.index(0, PersonNotesModel.TEXT).data() == "Talked about her move to Porto"
    assert notes.note_edit.toPlainText() == ""


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_details_open_mailto_tel_and_web_links_only(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(
        Person(
            display_name="Ana Souza",
            emails=("ana@example.org",),
            phones=("+351 912 345 678",),
            links=("www.example.org/ana", "javascript:alert(1)", "file:///etc/passwd"),
            notes="Line one\nLine two",
        )
    )
    page = make_page(qtbot, journal_env, ana.id)
    page.tabs.setCurrentIndex(page.DETAILS)
    details = page.details_tab
    catcher = _UrlCatcher()
    for scheme in ("mailto", "tel", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "handle")
    try:
        buttons = {b.text(): b for b in details.link_buttons}
        assert set(buttons) == {"ana@example.org", "+351 912 345 678", "www.example.org/ana"}
        for button in buttons.values():
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        for scheme in ("mailto", "tel", "https"):
            QDesktopServices.unsetUrlHandler(scheme)
    assert catcher.urls == ["mailto:ana@example.org", "tel:+351912345678", "https://www.example.org/ana"]
    shown = [label.text() for label in details.findChildren(QLabel)]
    assert "javascript:alert(1)" in shown and "file:///etc/passwd" in shown, "shown as text, not as links"
    assert details.notes_view.toPlainText() == "Line one\nLine two"


def test_g4_markup_is_shown_literally_on_the_page(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """G4: a note like <img src="file:///etc/passwd"><b>x</b> stays text in labels, tooltips and boxes."""
    s = journal_env.service
    ana = s.add_person(Person(display_name=PAYLOAD, how_met=PAYLOAD, notes=PAYLOAD, tags=(PAYLOAD,), role=PAYLOAD))
    s.add_need(Need(person_id=ana.id, text=PAYLOAD, heard_on=TODAY, context=PAYLOAD))
    s.add_entry(JournalEntry(written_on=TODAY, text=PAYLOAD, people=(ana.id,)))
    page = make_page(qtbot, journal_env, ana.id)
    header = page.header
    for label in (header.name_label, header.role_label, header.met_label):
        assert label.textFormat() is Qt.TextFormat.PlainText
        assert PAYLOAD in label.text()
    assert header.tag_texts() == [PAYLOAD]
    assert PAYLOAD in plain(header.met_label.toolTip())
    tab = page.needs_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    assert tab.model.index(0, ListeningNotesModel.TEXT).data() == PAYLOAD
    tip = tab.model.index(0, ListeningNotesModel.TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert plain(tip) == f"{PAYLOAD}\nContext: {PAYLOAD}" and "<img" not in tip
    page.tabs.setCurrentIndex(page.DETAILS)
    assert page.details_tab.notes_view.toPlainText() == PAYLOAD
    assert all(
        label.textFormat() is Qt.TextFormat.PlainText for label in page.findChildren(QLabel) if PAYLOAD in label.text()
    )
    page.tabs.setCurrentIndex(page.NOTES)
    qtbot.waitUntil(lambda: page.notes_tab.model.rowCount() == 1, timeout=TIMEOUT)
    note_tip = page.notes_tab.model.index(0, PersonNotesModel.TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert plain(note_tip) == PAYLOAD


def test_tab_models_pass_qtmodeltester(qtbot: QtBot, demo_env: JournalEnv, qtmodeltester: object) -> None:
    person = max(demo_env.service.list_people(), key=lambda r: r.warmth.raw)
    page = make_page(qtbot, demo_env, person.id)
    for index in (page.NEEDS, page.ACTS, page.PROMISES, page.NOTES):
        page.tabs.setCurrentIndex(index)
        settle(qtbot, demo_env)
    for model in (page.needs_tab.model, page.acts_tab.model, page.promises_tab.model, page.notes_tab.model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    for proxy in (page.acts_tab.proxy, page.promises_tab.proxy):
        qtmodeltester.check(proxy)  # type: ignore[attr-defined]


def test_delete_from_the_page_and_undo(qtbot: QtBot, journal_env: JournalEnv, modals: ModalGuard) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    need = s.add_need(Need(person_id=ana.id, text="A new job", heard_on=TODAY))
    stack = QUndoStack()
    page = make_page(qtbot, journal_env, ana.id, undo_stack=stack)
    modals.answer("exec", QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.person_deleted, timeout=TIMEOUT):
        page.delete_action.trigger()
    assert "You can undo this with Ctrl+Z." in modals.calls[-1].target.informativeText()
    settle(qtbot, journal_env)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 0, timeout=TIMEOUT)
    assert page.message_label.text() == "This person is no longer in your journal."
    stack.undo()
    settle(qtbot, journal_env)
    assert s.get_need(need.id).person_id == ana.id
    page.show_person(ana.id)
    qtbot.waitUntil(lambda: page.loaded and page.stack.currentIndex() == 1, timeout=TIMEOUT)
    assert page.header.name_label.text() == "Ana Souza"


@pytest.mark.parametrize("archived", [False, True])
def test_archive_from_the_page(qtbot: QtBot, journal_env: JournalEnv, archived: bool) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza", archived=archived))
    page = make_page(qtbot, journal_env, ana.id)
    assert page.archive_action.text() == ("Un&archive" if archived else "&Archive")
    page.archive_action.trigger()
    settle(qtbot, journal_env)
    assert s.get_person(ana.id).archived is not archived
    qtbot.waitUntil(lambda: page.header.name_label.text().endswith("(archived)") is not archived, timeout=TIMEOUT)


def test_i_helped_with_more_details_uses_the_act_dialog_and_marks_the_need_met(
    qtbot: QtBot, journal_env: JournalEnv
) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    need = s.add_need(Need(person_id=ana.id, text="Feedback on her portfolio", heard_on=TODAY))
    page = make_page(qtbot, journal_env, ana.id)
    tab = page.needs_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    tab.table.setFocus()
    QTest.keyClick(tab.table, Qt.Key.Key_I)
    qtbot.keyClicks(tab.helped_edit, "Reviewed her portfolio")
    qtbot.mouseClick(tab.helped_more, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "New act"
    assert dialog.ui.summaryEdit.text() == "Reviewed her portfolio"
    qtbot.waitUntil(lambda: dialog.ui.meetsNeedCombo.current_id() == need.id, timeout=TIMEOUT)
    with qtbot.waitSignal(dialog.item_saved, timeout=TIMEOUT):
        dialog.accept()  # Save
    settle(qtbot, journal_env)
    (act,) = s.acts_for(ana.id)
    assert (act.summary, act.direction, act.meets_need_id) == ("Reviewed her portfolio", Direction.GIVEN, need.id)
    stored = s.get_need(need.id)
    assert (stored.status, stored.met_by_act_id) == (NeedStatus.MET, act.id)


def test_timeline_tab_shows_everything_with_them_newest_first(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    bo = s.add_person(Person(display_name="Bo Chen"))
    s.add_act(received(ana.id, "Old referral", 30))
    s.add_need(Need(person_id=ana.id, text="A new flat", heard_on=TODAY - timedelta(days=2)))
    s.add_act(received(bo.id, "Not about Ana", 1))
    page = make_page(qtbot, journal_env, ana.id)
    page.tabs.setCurrentIndex(page.TIMELINE)
    model = page.timeline_model
    qtbot.waitUntil(lambda: model.exhausted and model.item_count == 2, timeout=TIMEOUT)
    items = [model.item_at(r) for r in range(model.rowCount())]
    titles = [i.title for i in items if i is not None]
    assert titles == ["A new flat", "Old referral"]
    assert page.timeline_stack.currentIndex() == 0

    empty = s.add_person(Person(display_name="Cy Dorn"))
    page.show_person(empty.id)
    qtbot.waitUntil(lambda: page.loaded and page.summary is not None and page.summary.person.id == empty.id)
    page.tabs.setCurrentIndex(page.TIMELINE)
    qtbot.waitUntil(lambda: page.timeline_stack.currentIndex() == 1, timeout=TIMEOUT)
    assert page.timeline_empty.text().startswith("Nothing with Cy yet")
