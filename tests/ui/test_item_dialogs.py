"""The item dialogs: every field stored, inline validation keeps them open, stale edits offer a reload (C4)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    CommitmentStatus,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    NeedStatus,
    Person,
    Promiser,
    PromptKind,
)
from recipro_desktop.ui.act_dialog import ActDialog
from recipro_desktop.ui.commitment_dialog import CommitmentDialog
from recipro_desktop.ui.entry_dialog import EntryDialog
from recipro_desktop.ui.gratitude_offer import GratitudeOffer
from recipro_desktop.ui.interaction_dialog import InteractionDialog
from recipro_desktop.ui.item_dialog import CONFLICT_TEXT, ItemDialog
from recipro_desktop.ui.need_dialog import NeedDialog
from recipro_desktop.ui.people_edit import PeopleEdit
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import TODAY, JournalEnv

env = journal_fixtures.journal_env  # the shared fixture, registered here as `env`


def test_a_new_received_act_is_followed_by_the_gratitude_offer(
    qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]
) -> None:
    """The same nudge as after Quick add, whichever dialog logged the help received."""
    ana = people[0]
    dialog = open_dialog(qtbot, ActDialog(env.client, None, people=(ana.id,), clock=env.clock))
    wait_people(qtbot, dialog.people_edit, (ana.id,))
    dialog.ui.receivedRadio.setChecked(True)
    dialog.ui.summaryEdit.setText("Introduced me to the studio")
    with qtbot.waitSignal(dialog.gratitude_offered, timeout=10_000) as offered:
        stored = save(qtbot, dialog)
    offer: GratitudeOffer = offered.args[0]
    qtbot.addWidget(offer)
    assert offer.isVisible() and offer.act.id == stored.id
    with qtbot.waitSignal(offer.answered, timeout=10_000):
        qtbot.mouseClick(offer.thanked_button, Qt.MouseButton.LeftButton)
    assert env.service.get_act(stored.id).thanked_on == TODAY


@pytest.mark.parametrize("case", ["thanked", "not needed", "edit", "given"])
def test_no_gratitude_offer_when_nothing_is_owed(
    qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person], case: str
) -> None:
    ana = people[0]
    existing = None
    if case == "edit":
        existing = env.service.add_act(
            Act(
                occurred_on=TODAY,
                direction=Direction.RECEIVED,
                kind=ActKind.FAVOR,
                summary="Lent a van",
                people=(ana.id,),
            )
        )
    dialog = open_dialog(qtbot, ActDialog(env.client, None, existing, people=(ana.id,), clock=env.clock))
    wait_people(qtbot, dialog.people_edit, (ana.id,))
    dialog.ui.receivedRadio.setChecked(case != "given")
    dialog.ui.givenRadio.setChecked(case == "given")
    dialog.ui.thankedCheck.setChecked(case == "thanked")
    dialog.ui.thanksNotNeededCheck.setChecked(case == "not needed")
    dialog.ui.summaryEdit.setText("Lent a van for the move")
    save(qtbot, dialog)
    qtbot.wait(50)
    assert dialog.gratitude_offer is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, GratitudeOffer) and w.isVisible()]


def qdate(days_ago: int) -> QDate:
    d = TODAY - timedelta(days=days_ago)
    return QDate(d.year, d.month, d.day)


def save_button(dialog: ItemDialog) -> Any:
    box = dialog.findChild(QDialogButtonBox, "buttonBox")
    return box.button(QDialogButtonBox.StandardButton.Save)


def save(qtbot: QtBot, dialog: ItemDialog) -> Any:
    with qtbot.waitSignal(dialog.item_saved, timeout=10_000) as saved:
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    return saved.args[0]


D = TypeVar("D", bound=ItemDialog)


def open_dialog(qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_people(qtbot: QtBot, edit: PeopleEdit, ids: tuple[Any, ...]) -> None:
    qtbot.waitUntil(lambda: edit.person_ids() == ids, timeout=10_000)


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character (``qtbot.keyClicks`` aborts on letters outside ASCII, like ë)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def type_person(qtbot: QtBot, edit: PeopleEdit, text: str) -> None:
    """Type a name and take the first match with Enter, as a user would (the popup has the keyboard)."""
    edit.line_edit.setFocus()
    type_text(edit.line_edit, text)
    popup = edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


@pytest.fixture
def people(env: JournalEnv) -> tuple[Person, Person]:
    s = env.service
    return s.add_person(Person(display_name="Ana Lima")), s.add_person(Person(display_name="Bo Chen"))


def test_act_dialog_edits_every_field(qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]) -> None:
    ana, bo = people
    s = env.service
    need = s.add_need(Need(person_id=ana.id, text="A job in design", heard_on=TODAY))
    given = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.GIVEN, kind=ActKind.FAVOR, summary="Moved boxes", people=(ana.id,))
    )
    act = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.RECEIVED, kind=ActKind.REFERRAL, summary="x", people=(ana.id,))
    )
    dialog = open_dialog(qtbot, ActDialog(env.client, None, act, clock=env.clock))
    assert dialog.windowTitle() == "Edit act"  # G10: the kind only, never the text
    ui = dialog.ui
    wait_people(qtbot, dialog.people_edit, (ana.id,))
    qtbot.waitUntil(lambda: need.id in ui.meetsNeedCombo.option_ids() and given.id in ui.inReturnForCombo.option_ids())
    type_person(qtbot, dialog.people_edit, "bo")
    wait_people(qtbot, dialog.people_edit, (ana.id, bo.id))

    ui.occurredOnEdit.setDate(qdate(2))
    ui.kindCombo.setCurrentIndex(ui.kindCombo.findData(ActKind.INTRODUCTION.value))
    ui.summaryEdit.setText("Intro to the studio")
    ui.detailsEdit.setPlainText("She put in a word <b>for me</b>")
    ui.weightCombo.setCurrentIndex(ui.weightCombo.findData(5))
    ui.meetsNeedCombo.set_current_id(need.id)
    ui.inReturnForCombo.set_current_id(given.id)
    ui.paidForwardCheck.setChecked(True)
    ui.thankedCheck.setChecked(True)
    ui.thankedOnEdit.setDate(qdate(1))
    ui.thankedHowEdit.setText("a card")
    stored = save(qtbot, dialog)

    assert s.get_act(act.id) == stored
    assert stored.version == 2
    assert (stored.occurred_on, stored.kind, stored.summary) == (
        TODAY - timedelta(days=2),
        ActKind.INTRODUCTION,
        "Intro to the studio",
    )
    assert stored.details == "She put in a word <b>for me</b>"
    assert stored.people == (ana.id, bo.id)
    assert (stored.weight, stored.meets_need_id, stored.in_return_for_id) == (5, need.id, given.id)
    assert stored.paid_forward
    assert (stored.thanked_on, stored.thanked_how) == (TODAY - timedelta(days=1), "a card")


def test_given_acts_cannot_carry_thanks(qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]) -> None:
    dialog = open_dialog(qtbot, ActDialog(env.client, None, people=(people[0].id,), clock=env.clock))
    wait_people(qtbot, dialog.people_edit, (people[0].id,))
    assert dialog.ui.givenRadio.isChecked()
    assert not dialog.ui.thankedCheck.isEnabled()
    dialog.ui.summaryEdit.setText("Reviewed the deck")
    stored = save(qtbot, dialog)
    assert stored.direction is Direction.GIVEN and stored.thanked_on is None
    assert env.service.acts_for(people[0].id) == [stored]


def test_invalid_input_keeps_the_dialog_open_with_the_message_next_to_the_field(
    qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]
) -> None:
    dialog = open_dialog(qtbot, ActDialog(env.client, None, clock=env.clock))
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_text("summary") == "Summary can't be empty."
    assert dialog.focusWidget() is dialog.ui.summaryEdit

    dialog.ui.summaryEdit.setText("Lent a ladder")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error_text("summary") == ""
    assert dialog.error_text("people") == "Choose at least one person."
    assert dialog.isVisible()

    dialog.people_edit.line_edit.setText("Zed")  # typed but never chosen
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert "Choose the name from the list" in dialog.error_text("people")
    assert env.service.stats()["acts"] == 0


def test_need_dialog_new_with_status_follow_up_and_met_by(
    qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]
) -> None:
    ana = people[0]
    s = env.service
    helped = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.GIVEN, kind=ActKind.INTRODUCTION, summary="Intro", people=(ana.id,))
    )
    dialog = open_dialog(qtbot, NeedDialog(env.client, None, people=(ana.id,), clock=env.clock))
    assert dialog.windowTitle() == "New listening note"
    ui = dialog.ui
    wait_people(qtbot, dialog.person_edit, (ana.id,))
    qtbot.waitUntil(lambda: helped.id in ui.metByCombo.option_ids())
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error_text("text") == "Text can't be empty."

    ui.textEdit.setPlainText("Looking for a designer")
    ui.contextEdit.setText("Over coffee")
    ui.tagsEdit.setText("hiring, design, hiring")
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData(NeedStatus.MET.value))
    ui.followUpCheck.setChecked(True)
    ui.followUpEdit.setDate(qdate(-7))
    ui.metByCombo.set_current_id(helped.id)
    stored = save(qtbot, dialog)
    assert s.get_need(stored.id) == stored
    assert stored.tags == ("hiring", "design")
    assert (stored.status, stored.follow_up_on, stored.met_by_act_id) == (
        NeedStatus.MET,
        TODAY + timedelta(days=7),
        helped.id,
    )


def test_need_needs_a_person(qtbot: QtBot, env: JournalEnv) -> None:
    dialog = open_dialog(qtbot, NeedDialog(env.client, None, clock=env.clock))
    dialog.ui.textEdit.setPlainText("Something")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error_text("person_id") == "Choose the person this need belongs to."


def test_commitment_dialog_their_promise_kept_and_fulfilled(
    qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]
) -> None:
    ana = people[0]
    s = env.service
    got = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.RECEIVED, kind=ActKind.KNOWLEDGE, summary="Notes", people=(ana.id,))
    )
    dialog = open_dialog(qtbot, CommitmentDialog(env.client, None, clock=env.clock))
    ui = dialog.ui
    ui.theirsRadio.setChecked(True)
    ui.textEdit.setPlainText("Send me the notes")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error_text("people") == "Choose at least one person."  # a promise *they* made names them

    type_person(qtbot, dialog.people_edit, "ana")
    wait_people(qtbot, dialog.people_edit, (ana.id,))
    qtbot.waitUntil(lambda: got.id in ui.fulfilledByCombo.option_ids())
    ui.dueCheck.setChecked(True)
    ui.dueEdit.setDate(qdate(-3))
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData(CommitmentStatus.KEPT.value))
    ui.fulfilledByCombo.set_current_id(got.id)
    stored = save(qtbot, dialog)
    assert s.get_commitment(stored.id) == stored
    assert (stored.promiser, stored.people, stored.due_on, stored.status, stored.fulfilled_by_act_id) == (
        Promiser.THEM,
        (ana.id,),
        TODAY + timedelta(days=3),
        CommitmentStatus.KEPT,
        got.id,
    )


def test_interaction_dialog_creates_a_new_person_with_the_item(qtbot: QtBot, env: JournalEnv) -> None:
    dialog = open_dialog(qtbot, InteractionDialog(env.client, None, clock=env.clock))
    type_person(qtbot, dialog.people_edit, "Zoë Park")  # unknown: the only row is "Create person “Zoë Park”"
    qtbot.waitUntil(lambda: len(dialog.people_edit.choices()) == 1)
    assert dialog.people_edit.choices()[0].new
    dialog.ui.channelCombo.setCurrentIndex(dialog.ui.channelCombo.findData(Channel.CALL.value))
    dialog.ui.summaryEdit.setText("Intro call")
    stored = save(qtbot, dialog)
    zoe = env.service.get_person(stored.people[0])
    assert zoe.display_name == "Zoë Park"
    assert env.service.interactions_for(zoe.id) == [stored]
    assert stored.channel is Channel.CALL


def test_entry_dialog_with_prompt(qtbot: QtBot, env: JournalEnv, people: tuple[Person, Person]) -> None:
    dialog = open_dialog(
        qtbot,
        EntryDialog(
            env.client,
            None,
            people=(people[1].id,),
            clock=env.clock,
            prompt_kind=PromptKind.GRATITUDE,
            prompt="Who helped you?",
        ),
    )
    wait_people(qtbot, dialog.people_edit, (people[1].id,))
    dialog.ui.textEdit.setPlainText("Bo, with the move.")
    stored = save(qtbot, dialog)
    assert env.service.get_entry(stored.id) == stored
    assert (stored.prompt_kind, stored.prompt, stored.people) == (
        PromptKind.GRATITUDE,
        "Who helped you?",
        (people[1].id,),
    )


def test_exec_returns_accepted_after_the_save(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, people: tuple[Person, Person]
) -> None:
    """Other views call ``if dialog.exec():`` — by then the item is stored."""
    entry = env.service.add_entry(JournalEntry(written_on=TODAY, text="first draft"))
    dialog = EntryDialog(env.client, None, entry, clock=env.clock)
    qtbot.addWidget(dialog)

    def user(d: EntryDialog) -> int:
        d.ui.textEdit.setPlainText("second draft")
        qtbot.mouseClick(save_button(d), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: d.saved_item is not None, timeout=10_000)
        return d.result()

    modals.answer("exec", user)
    assert dialog.exec() == QDialog.DialogCode.Accepted
    assert env.service.get_entry(entry.id).text == "second draft"


@pytest.mark.parametrize("reload", [True, False])
def test_stale_version_offers_a_reload_c4(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, people: tuple[Person, Person], reload: bool
) -> None:
    """RELIABILITY C4: an edit of an item changed elsewhere is never silently written over it."""
    s = env.service
    interaction = s.add_interaction(
        Interaction(occurred_on=TODAY, channel=Channel.CALL, summary="Call", people=(people[0].id,))
    )
    dialog = open_dialog(qtbot, InteractionDialog(env.client, None, interaction, clock=env.clock))
    wait_people(qtbot, dialog.people_edit, (people[0].id,))
    s.update_interaction(dataclasses.replace(interaction, summary="Edited in another window"))

    dialog.ui.summaryEdit.setText("My edit")
    modals.answer("question", QMessageBox.StandardButton.Yes if reload else QMessageBox.StandardButton.No)
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(modals.calls) == 1, timeout=10_000)
    assert modals.calls[0].text == CONFLICT_TEXT
    assert s.get_interaction(interaction.id).summary == "Edited in another window"
    assert dialog.isVisible()
    if reload:
        qtbot.waitUntil(lambda: dialog.ui.summaryEdit.text() == "Edited in another window", timeout=10_000)
        dialog.ui.summaryEdit.setText("My edit, again")
        stored = save(qtbot, dialog)
        assert stored.version == 3
        assert s.get_interaction(interaction.id).summary == "My edit, again"
    else:
        assert dialog.ui.summaryEdit.text() == "My edit"
        assert "changed elsewhere" in dialog.error_text("general")
