"""Quick add, driven from the keyboard as a user would, and the gratitude offer after a received act."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    Direction,
    Interaction,
    JournalEntry,
    Need,
    Person,
    Promiser,
)
from recipro_desktop.ui.gratitude_offer import GratitudeOffer
from recipro_desktop.ui.quick_add_dialog import QuickAddDialog
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import TODAY, JournalEnv

env = journal_fixtures.journal_env  # the shared fixture, registered here as `env`

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def target() -> QWidget:
    """Where a real key press goes: the open popup if there is one, else the focused widget."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(target(), key, modifier)


def type_text(text: str) -> None:
    """Typing, character by character (with the character's text, so ë and ł work as well)."""
    for char in text:
        widget = target()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def choose_name(qtbot: QtBot, dialog: QuickAddDialog, text: str) -> None:
    """Type a name, wait for the matches, take the highlighted one with Enter."""
    type_text(text)
    popup = dialog.people_edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())


@pytest.fixture
def people(env: JournalEnv) -> dict[str, Person]:
    s = env.service
    return {name: s.add_person(Person(display_name=name)) for name in ("Ana Lima", "Bo Chen", "Léa Wiśniewska")}


@pytest.fixture
def dialog(qtbot: QtBot, env: JournalEnv) -> Iterator[QuickAddDialog]:
    d = QuickAddDialog(env.client, None, clock=env.clock)
    qtbot.addWidget(d)
    d.show()
    with qtbot.waitActive(d):
        d.activateWindow()
    yield d


def saved(qtbot: QtBot, dialog: QuickAddDialog) -> object:
    qtbot.waitUntil(lambda: dialog.saved_item is not None, timeout=10_000)
    assert not dialog.isVisible()
    return dialog.saved_item


def test_act_typed_entirely_with_the_keyboard(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person]
) -> None:
    assert dialog.windowTitle() == "Quick add"
    assert QApplication.focusWidget() is dialog.people_edit.line_edit
    choose_name(qtbot, dialog, "ana")
    choose_name(qtbot, dialog, "lea")  # accent-insensitive: finds Léa
    press(qtbot, Qt.Key.Key_3, CTRL)  # promise…
    assert dialog.kind == "promise"
    press(qtbot, Qt.Key.Key_1, CTRL)  # …no, an act
    assert dialog.kind == "act" and dialog.ui.directionLabel.isVisible()
    press(qtbot, Qt.Key.Key_R, ALT)  # I received
    qtbot.waitUntil(dialog.ui.receivedRadio.isChecked)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.ui.actKindCombo
    type_text("r")  # keyboard search in the combo: Referral
    press(qtbot, Qt.Key.Key_Tab)
    type_text("Sent my CV to Acme")
    press(qtbot, Qt.Key.Key_Tab)
    type_text("yesterday")
    assert dialog.ui.dateHint.text() == "Mon 9 Mar"
    press(qtbot, Qt.Key.Key_Return)

    act = saved(qtbot, dialog)
    assert isinstance(act, Act)
    assert act.people == (people["Ana Lima"].id, people["Léa Wiśniewska"].id)
    assert (act.direction, act.kind, act.summary) == (Direction.RECEIVED, ActKind.REFERRAL, "Sent my CV to Acme")
    assert act.occurred_on == TODAY - timedelta(days=1)
    assert env.service.get_act(act.id) == act

    offer = dialog.gratitude_offer
    assert isinstance(offer, GratitudeOffer)
    assert offer.isVisible()
    assert offer.question_label.text() == "Thank Ana and Léa for the referral?"
    assert offer.question_label.textFormat() is Qt.TextFormat.PlainText
    assert offer.windowTitle() == "Say thank you"  # G10: no name in a window title
    offer.close()


def test_kind_keys_switch_the_fields(qtbot: QtBot, dialog: QuickAddDialog) -> None:
    ui = dialog.ui
    expected = {
        Qt.Key.Key_2: ("need", "Need:", False, False, False),
        Qt.Key.Key_3: ("promise", "Promise:", False, True, False),
        Qt.Key.Key_4: ("interaction", "What:", False, False, True),
        Qt.Key.Key_5: ("note", "Note:", False, False, False),
        Qt.Key.Key_1: ("act", "What:", True, False, False),
    }
    for key, (kind, label, direction, promiser, channel) in expected.items():
        press(qtbot, key, CTRL)
        assert dialog.kind == kind
        assert ui.summaryLabel.text().replace("&", "") == label
        assert (ui.directionLabel.isVisible(), ui.promiserLabel.isVisible(), ui.channelLabel.isVisible()) == (
            direction,
            promiser,
            channel,
        )
    # On the kind bar itself the plain digits work too.
    ui.actButton.setFocus()
    press(qtbot, Qt.Key.Key_4)
    assert dialog.kind == "interaction" and ui.interactionButton.isChecked()


def test_a_given_act_offers_no_gratitude(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person]
) -> None:
    choose_name(qtbot, dialog, "bo")
    dialog.ui.summaryEdit.setFocus()
    type_text("Reviewed the deck")
    press(qtbot, Qt.Key.Key_Return)
    act = saved(qtbot, dialog)
    assert isinstance(act, Act) and act.direction is Direction.GIVEN
    assert dialog.gratitude_offer is None


@pytest.mark.parametrize("answer", ["thanked", "remind", "not_needed"])
def test_each_gratitude_answer_is_stored(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person], answer: str
) -> None:
    ana = people["Ana Lima"]
    choose_name(qtbot, dialog, "ana")
    dialog.ui.receivedRadio.setChecked(True)
    dialog.ui.summaryEdit.setFocus()
    type_text("Introduced me to Bo")
    with qtbot.waitSignal(dialog.gratitude_offered, timeout=10_000) as offered:
        press(qtbot, Qt.Key.Key_Return)
    offer: GratitudeOffer = offered.args[0]
    act = offer.act
    button = {"thanked": offer.thanked_button, "remind": offer.remind_button, "not_needed": offer.not_needed_button}
    if answer == "thanked":
        offer.how_edit.setText("a coffee")
    with qtbot.waitSignal(offer.answered, timeout=10_000) as answered:
        qtbot.mouseClick(button[answer], Qt.MouseButton.LeftButton)
    assert answered.args == [answer]
    assert not offer.isVisible()

    stored = env.service.get_act(act.id)
    reminders = env.service.list_reminders()
    if answer == "thanked":
        assert (stored.thanked_on, stored.thanked_how, stored.thanks_not_needed) == (TODAY, "a coffee", False)
        assert reminders == []
    elif answer == "remind":
        assert stored.thanked_on is None and not stored.thanks_not_needed
        [reminder] = reminders
        local_nine = datetime.combine(TODAY + timedelta(days=1), time(9, 0)).astimezone().astimezone(UTC)
        assert reminder.due_at == local_nine
        assert reminder.person_id == ana.id
        assert reminder.text == "Thank Ana for the favor"
    else:
        assert stored.thanks_not_needed and stored.thanked_on is None
        assert reminders == []


def test_invalid_input_keeps_the_dialog_open_with_the_message(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person]
) -> None:
    press(qtbot, Qt.Key.Key_Return)  # nothing typed
    assert dialog.isVisible()
    assert dialog.error_text("text") == "Summary can't be empty."
    assert QApplication.focusWidget() is dialog.ui.summaryEdit

    type_text("Lent a ladder")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.error_text("text") == ""
    assert dialog.error_text("people") == "Choose at least one person."

    choose_name(qtbot, dialog, "ana")
    dialog.ui.dateEdit.setFocus()
    type_text("someday")
    assert dialog.ui.dateHint.text() == "?"
    press(qtbot, Qt.Key.Key_Return)
    assert "3 days ago" in dialog.error_text("date")
    assert QApplication.focusWidget() is dialog.ui.dateEdit

    press(qtbot, Qt.Key.Key_2, CTRL)  # a need, but for two people
    dialog.ui.dateEdit.clear()
    dialog.people_edit.setFocus()
    choose_name(qtbot, dialog, "bo")
    dialog.ui.summaryEdit.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.error_text("people") == "A listening note is about one person: remove the others."
    assert dialog.isVisible()
    assert env.service.stats()["acts"] == 0 and env.service.stats()["needs"] == 0

    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.saved_item is None


def test_unknown_name_creates_the_person_with_the_note(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person]
) -> None:
    press(qtbot, Qt.Key.Key_5, CTRL)
    type_text("Zoë Park")
    popup = dialog.people_edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    assert [c.name for c in dialog.people_edit.completer.model_rows()] == ["Zoë Park"]
    assert popup.model().index(0, 0).data() == "Create person “Zoë Park”"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(dialog.people_edit.choices()) == 1)
    dialog.ui.summaryEdit.setFocus()
    type_text("Met at the book club; wants to start a podcast")
    press(qtbot, Qt.Key.Key_Tab)
    type_text("2026-03-07")
    press(qtbot, Qt.Key.Key_Return)

    entry = saved(qtbot, dialog)
    assert isinstance(entry, JournalEntry)
    zoe = env.service.get_person(entry.people[0])
    assert zoe.display_name == "Zoë Park"
    assert entry.written_on == TODAY - timedelta(days=3)
    assert env.service.entries_for(zoe.id) == [entry]


@pytest.mark.parametrize("kind", ["need", "promise", "interaction"])
def test_other_kinds_are_stored(
    qtbot: QtBot, env: JournalEnv, dialog: QuickAddDialog, people: dict[str, Person], kind: str
) -> None:
    ana = people["Ana Lima"]
    choose_name(qtbot, dialog, "ana")
    dialog.set_kind(kind)
    if kind == "promise":
        dialog.ui.theirsRadio.setChecked(True)
    dialog.ui.summaryEdit.setFocus()
    type_text("Some text")
    press(qtbot, Qt.Key.Key_Tab)
    type_text("friday" if kind == "promise" else "3 days ago")
    press(qtbot, Qt.Key.Key_Return)
    item = saved(qtbot, dialog)
    if kind == "need":
        assert isinstance(item, Need)
        assert (item.person_id, item.text, item.heard_on) == (ana.id, "Some text", TODAY - timedelta(days=3))
    elif kind == "promise":
        assert isinstance(item, Commitment)
        assert (item.promiser, item.people, item.made_on) == (Promiser.THEM, (ana.id,), TODAY)
        assert item.due_on == TODAY + timedelta(days=3)  # the coming Friday, a promise looks ahead
    else:
        assert isinstance(item, Interaction)
        assert (item.channel, item.people, item.occurred_on) == (Channel.MEETING, (ana.id,), TODAY - timedelta(days=3))
