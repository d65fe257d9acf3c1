"""The Today view on a real journal with a fixed clock: what each section shows, and what its actions store."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from recipro_desktop.core.errors import NotFoundError
from recipro_desktop.core.models import (
    Act,
    ActKind,
    Channel,
    Commitment,
    CommitmentStatus,
    Direction,
    Interaction,
    Need,
    Person,
    Promiser,
    PromptKind,
)
from recipro_desktop.ui.act_dialog import ActDialog
from recipro_desktop.ui.elided_label import ElidedLabel
from recipro_desktop.ui.interaction_dialog import InteractionDialog
from recipro_desktop.ui.prompts_dialog import PromptsDialog
from recipro_desktop.ui.today_row import TodayRowWidget
from recipro_desktop.ui.today_view import TodayView, greeting
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import NOW, TODAY, JournalEnv

env = journal_fixtures.journal_env  # the shared fixture, registered here as `env`

HTML = '<img src="file:///etc/passwd"><b>bold</b>'


def ago(days: int) -> Any:
    return TODAY - timedelta(days=days)


@dataclasses.dataclass
class World:
    ana: Person
    bo: Person
    cleo: Person
    owed: Act
    recent: Act
    overdue: Commitment
    later: Commitment
    need: Need


@pytest.fixture
def world(env: JournalEnv) -> World:
    s = env.service
    ana = s.add_person(
        Person(display_name="Ana Lima", cadence_days=30, birthday_month=3, birthday_day=15, birthday_year=1986)
    )
    bo = s.add_person(Person(display_name="Bo Chen", can_help_with=("German translation",)))
    cleo = s.add_person(Person(display_name="Cleo Diaz"))
    s.add_interaction(Interaction(occurred_on=ago(40), channel=Channel.CALL, summary="Call", people=(ana.id,)))
    owed = s.add_act(
        Act(
            occurred_on=ago(5),
            direction=Direction.RECEIVED,
            kind=ActKind.REFERRAL,
            summary="The Acme referral",
            people=(bo.id,),
        )
    )
    recent = s.add_act(
        Act(
            occurred_on=ago(1),
            direction=Direction.RECEIVED,
            kind=ActKind.FAVOR,
            summary="Lent me a drill",
            people=(cleo.id,),
        )
    )
    overdue = s.add_commitment(
        Commitment(promiser=Promiser.ME, text="Send Bo the deck", made_on=ago(20), people=(bo.id,), due_on=ago(3))
    )
    later = s.add_commitment(
        Commitment(
            promiser=Promiser.THEM,
            text="Intro to the editor",
            made_on=ago(2),
            people=(cleo.id,),
            due_on=TODAY + timedelta(days=10),
        )
    )
    need = s.add_need(Need(person_id=cleo.id, text="Needs a German translator", heard_on=ago(4)))
    return World(ana, bo, cleo, owed, recent, overdue, later, need)


@pytest.fixture
def view(qtbot: QtBot, env: JournalEnv) -> Iterator[TodayView]:
    stack = QUndoStack()
    v = TodayView(env.client, None, stack, clock=env.clock)
    qtbot.addWidget(v)
    v.resize(1200, 800)
    with qtbot.waitSignal(v.loaded, timeout=10_000):
        v.show()
    yield v


def reload(qtbot: QtBot, view: TodayView) -> None:
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()


def wait_idle(qtbot: QtBot, env: JournalEnv) -> None:
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=10_000)


def row_widget(view: TodayView, section: str, text: str) -> TodayRowWidget:
    for widget in view.sections[section].row_widgets:
        if widget.row.text == text:
            return widget
    raise AssertionError(f"no row {text!r} in {section}: {view.section_texts(section)}")


def labels(widget: TodayRowWidget) -> list[str]:
    return [label.text().strip() for label in widget.findChildren(QLabel) if label.text().strip()]


def test_sections_with_a_fixed_clock(qtbot: QtBot, env: JournalEnv, world: World, qtmodeltester: Any) -> None:
    view = TodayView(env.client, None, clock=env.clock)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()

    # Thank-yous owed after N (3) days: the referral 5 days ago, not the favour of yesterday.
    assert view.section_texts("thanks") == ["The Acme referral"]
    thanks = row_widget(view, "thanks", "The Acme referral")
    assert labels(thanks)[:2] == ["The Acme referral", "5 days ago · from"]
    assert [b.text() for b in thanks.findChildren(QToolButton, "personButton")] == ["Bo Chen"]
    assert set(thanks.buttons) == {"thanked", "not_needed"}

    # Promises: the overdue one (in the accent colour), not the one due in 10 days.
    assert view.section_texts("promises") == ["Send Bo the deck"]
    promise = row_widget(view, "promises", "Send Bo the deck")
    emphasis = promise.findChild(ElidedLabel, "emphasisLabel")
    assert emphasis is not None and emphasis.text() == "Overdue by 3 days"
    assert "you promised" in promise.row.detail

    # Keep in touch: Ana, 40 days since the last call with a 30-day cadence.
    assert view.section_texts("touch") == ["Ana Lima"]
    assert view.sections["touch"].model.rows()[0].detail == (
        "Last contact 5 weeks ago · you like to be in touch every month"
    )

    # Birthdays: Ana in 5 days, turning 40.
    assert view.section_texts("birthdays") == ["Ana Lima"]
    assert view.sections["birthdays"].model.rows()[0].detail == "Sun 15 Mar · in 5 days · turns 40"

    # Needs: Cleo's, and Bo could help with it.
    assert view.section_texts("needs") == ["Needs a German translator"]
    assert "Could introduce Bo Chen · German translation" in view.sections["needs"].model.rows()[0].detail

    assert view.summary_label.text() == (
        "1 thank-you to send, 1 promise due, 1 person to catch up with, 1 birthday coming up "
        "and 1 need you could help with."
    )
    assert view.sections["thanks"].count_label.text() == "1"
    for section in view.sections.values():
        qtmodeltester.check(section.model)
    kind, text = view.prompt()
    assert kind in (PromptKind.GRATITUDE, PromptKind.REFLECTION) and text


def test_thanks_appear_after_the_configured_days(qtbot: QtBot, env: JournalEnv, world: World, view: TodayView) -> None:
    env.service.set_setting("thanks_after_days", 1)
    reload(qtbot, view)
    assert view.section_texts("thanks") == ["Lent me a drill", "The Acme referral"]


def test_mark_thanked_then_undo(qtbot: QtBot, env: JournalEnv, world: World, view: TodayView) -> None:
    row = row_widget(view, "thanks", "The Acme referral")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(row.buttons["thanked"], Qt.MouseButton.LeftButton)
    assert env.service.get_act(world.owed.id).thanked_on == TODAY
    assert view.section_texts("thanks") == []
    assert view.sections["thanks"].empty_label.isVisible()
    assert view.undo_stack.undoText() == "Mark thanked"

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.undo_stack.undo()
    assert env.service.get_act(world.owed.id).thanked_on is None
    assert view.section_texts("thanks") == ["The Acme referral"]


def test_not_needed_kept_and_reschedule(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, world: World, view: TodayView
) -> None:
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(
            row_widget(view, "thanks", "The Acme referral").buttons["not_needed"], Qt.MouseButton.LeftButton
        )
    assert env.service.get_act(world.owed.id).thanks_not_needed

    # Reschedule: the menu's first choice is tomorrow.
    qtbot.mouseClick(row_widget(view, "promises", "Send Bo the deck").buttons["reschedule"], Qt.MouseButton.LeftButton)
    menu = view.open_menu
    assert menu is not None and menu.isVisible()
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Tomorrow (Wed 11 Mar)",
        "In 3 days (Fri 13 Mar)",
        "Next week (Tue 17 Mar)",
        "In 2 weeks (Tue 24 Mar)",
        "Pick a date…",
    ]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        menu.actions()[0].trigger()
        menu.close()
    assert env.service.get_commitment(world.overdue.id).due_on == TODAY + timedelta(days=1)
    assert row_widget(view, "promises", "Send Bo the deck").row.detail.startswith("Due tomorrow")

    # Reschedule › Pick a date…
    def pick(dialog: QDialog) -> int:
        dialog.calendar.setSelectedDate(dialog.calendar.selectedDate().addDays(5))
        return QDialog.DialogCode.Accepted

    modals.answer("exec", pick)
    qtbot.mouseClick(row_widget(view, "promises", "Send Bo the deck").buttons["reschedule"], Qt.MouseButton.LeftButton)
    assert view.open_menu is not None
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.open_menu.actions()[-1].trigger()
        view.open_menu.close()
    assert env.service.get_commitment(world.overdue.id).due_on == TODAY + timedelta(days=6)

    env.service.update_commitment(dataclasses.replace(env.service.get_commitment(world.overdue.id), due_on=TODAY))
    reload(qtbot, view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(row_widget(view, "promises", "Send Bo the deck").buttons["kept"], Qt.MouseButton.LeftButton)
    assert env.service.get_commitment(world.overdue.id).status is CommitmentStatus.KEPT
    assert view.section_texts("promises") == []


def test_log_interaction_opens_the_dialog_for_that_person(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, world: World, view: TodayView
) -> None:
    def log_call(dialog: InteractionDialog) -> int:
        qtbot.waitUntil(lambda: dialog.people_edit.person_ids() == (world.ana.id,), timeout=10_000)
        dialog.ui.summaryEdit.setText("Coffee")
        box = dialog.findChild(QDialogButtonBox, "buttonBox")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.saved_item is not None, timeout=10_000)
        return dialog.result()

    modals.answer("exec", log_call)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(row_widget(view, "touch", "Ana Lima").buttons["log"], Qt.MouseButton.LeftButton)
    assert [i.summary for i in env.service.interactions_for(world.ana.id)] == ["Coffee", "Call"]
    assert view.section_texts("touch") == []  # logging restarts the cadence clock


def test_prompt_answer_is_saved_as_a_journal_entry(
    qtbot: QtBot, env: JournalEnv, world: World, view: TodayView
) -> None:
    card = view.prompt_card
    kind, question = view.prompt()
    card.answer_edit.setFocus()
    qtbot.keyClicks(card.answer_edit, "Bo, for the referral.")
    qtbot.keyClicks(card.people_edit.line_edit, "bo")
    popup = card.people_edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card.people_edit.person_ids() == (world.bo.id,))
    with qtbot.waitSignal(card.entry_saved, timeout=10_000) as saved:
        qtbot.keyClick(card.answer_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = saved.args[0]
    [stored] = env.service.entries_for(world.bo.id)
    assert stored == entry
    assert (stored.text, stored.prompt_kind, stored.prompt, stored.written_on) == (
        "Bo, for the referral.",
        kind,
        question,
        TODAY,
    )
    assert card.answer_edit.toPlainText() == ""
    assert card.status_label.text() == "Saved to your journal."


def test_empty_answer_is_not_saved(qtbot: QtBot, env: JournalEnv, view: TodayView) -> None:
    qtbot.mouseClick(view.prompt_card.save_button, Qt.MouseButton.LeftButton)
    assert view.prompt_card.error_label.text() == "Write an answer first."
    assert env.service.stats()["entries"] == 0


def test_another_question_and_edited_prompts(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, view: TodayView
) -> None:
    first = view.prompt()
    qtbot.mouseClick(view.prompt_card.another_button, Qt.MouseButton.LeftButton)
    assert view.prompt() != first

    def edit(dialog: PromptsDialog) -> int:
        qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
        dialog.ui.gratitudeEdit.setPlainText("Who made you laugh this week?\n\n")
        dialog.ui.reflectionEdit.setPlainText("")
        box = dialog.findChild(QDialogButtonBox, "buttonBox")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
        return dialog.result()

    modals.answer("exec", edit)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.prompt_card.edit_button, Qt.MouseButton.LeftButton)
    assert env.service.get_setting("gratitude_prompts") == ("Who made you laugh this week?",)
    assert view.prompt() == (PromptKind.GRATITUDE, "Who made you laugh this week?")


def test_person_names_open_the_person(qtbot: QtBot, world: World, view: TodayView) -> None:
    button = row_widget(view, "thanks", "The Acme referral").findChild(QToolButton, "personButton")
    assert button.accessibleName() == "Open Bo Chen"
    with qtbot.waitSignal(view.person_requested) as requested:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert requested.args == [world.bo.id]


def test_delete_from_the_context_menu_and_undo(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, world: World, view: TodayView
) -> None:
    row = row_widget(view, "needs", "Needs a German translator")
    menu = row.show_menu(row.mapToGlobal(QPoint(10, 10)))
    assert [a.text() for a in menu.actions() if a.text()] == ["Open…", "Open Cleo Diaz", "Open Bo Chen", "Delete"]
    modals.answer("question", QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        next(a for a in menu.actions() if a.text() == "Delete").trigger()
        menu.close()
    with pytest.raises(NotFoundError):
        env.service.get_need(world.need.id)
    assert view.section_texts("needs") == []
    assert "Backups and exports may still contain it" in modals.calls[-1].text

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.undo_stack.undo()
    assert env.service.get_need(world.need.id) == world.need
    assert view.section_texts("needs") == ["Needs a German translator"]


def test_user_text_is_shown_as_plain_text_g4(qtbot: QtBot, env: JournalEnv, view: TodayView) -> None:
    """RELIABILITY G4: a summary that looks like HTML is shown literally, never rendered."""
    who = env.service.add_person(Person(display_name="<i>Eve</i> & co"))
    env.service.add_act(
        Act(occurred_on=ago(10), direction=Direction.RECEIVED, kind=ActKind.GIFT, summary=HTML, people=(who.id,))
    )
    reload(qtbot, view)
    row = view.sections["thanks"].row_widgets[0]
    title = row.findChildren(ElidedLabel)[0]
    assert title.text() == HTML
    assert title.textFormat() is Qt.TextFormat.PlainText
    assert "&lt;img" in title.toolTip()
    name = row.findChild(QToolButton, "personButton")
    assert name.text() == "<i>Eve</i> && co"  # a literal ampersand, not a mnemonic
    assert "&lt;i&gt;" in name.toolTip()
    for label in view.findChildren(QLabel):
        if label.text():
            assert label.textFormat() is Qt.TextFormat.PlainText, label.objectName()


def test_empty_journal_reads_calm(qtbot: QtBot, view: TodayView) -> None:
    assert view.summary_label.text().startswith("Nothing pressing today.")
    for section in view.sections.values():
        assert section.empty_label.isVisible()
        assert section.count_label.text() == ""
    assert "after 3 days" in view.sections["thanks"].empty_label.text()
    assert view.greeting_label.text() == greeting(NOW.astimezone().hour)  # the local hour of the fixed clock
    assert view.date_label.text() == "Tuesday, 10 March"


def test_narrow_window_stacks_the_sections(qtbot: QtBot, view: TodayView) -> None:
    view.resize(700, 800)
    qtbot.waitUntil(lambda: view.prompt_card.x() == view.thanks_section.x())
    view.resize(1300, 800)
    qtbot.waitUntil(lambda: view.prompt_card.x() > view.thanks_section.x())


def test_long_sections_show_five_rows_until_expanded(qtbot: QtBot, env: JournalEnv, view: TodayView) -> None:
    who = env.service.add_person(Person(display_name="Ana Lima"))
    for n in range(7):
        env.service.add_act(
            Act(
                occurred_on=ago(10 + n),
                direction=Direction.RECEIVED,
                kind=ActKind.FAVOR,
                summary=f"Favour {n}",
                people=(who.id,),
            )
        )
    reload(qtbot, view)
    section = view.sections["thanks"]
    assert section.count_label.text() == "7"
    assert len(section.row_widgets) == 5
    assert section.more_button.text() == "Show all 7"
    qtbot.mouseClick(section.more_button, Qt.MouseButton.LeftButton)
    assert [w.row.text for w in section.row_widgets] == [f"Favour {n}" for n in range(7)]
    assert section.more_button.text() == "Show fewer"
    qtbot.mouseClick(section.more_button, Qt.MouseButton.LeftButton)
    assert len(section.row_widgets) == 5


def test_cards_wait_for_the_first_briefing(qtbot: QtBot, env: JournalEnv) -> None:
    """Before the background load, no card claims "nobody is waiting": only "Gathering your day…"."""
    view = TodayView(env.client, None, clock=env.clock)
    qtbot.addWidget(view)
    assert view.summary_label.text() == "Gathering your day…"
    assert not view.thanks_section.isVisibleTo(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()
    assert view.thanks_section.isVisible() and view.prompt_card.isVisible()


def test_i_helped_logs_an_act_that_meets_the_need(
    qtbot: QtBot, env: JournalEnv, modals: ModalGuard, world: World, view: TodayView
) -> None:
    def helped(dialog: ActDialog) -> int:
        qtbot.waitUntil(lambda: dialog.ui.meetsNeedCombo.current_id() == world.need.id, timeout=10_000)
        assert dialog.people_edit.person_ids() == (world.cleo.id,)
        assert dialog.ui.givenRadio.isChecked()
        dialog.ui.summaryEdit.setText("Introduced her to Bo")
        box = dialog.findChild(QDialogButtonBox, "buttonBox")
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.saved_item is not None, timeout=10_000)
        return dialog.result()

    modals.answer("exec", helped)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(
            row_widget(view, "needs", "Needs a German translator").buttons["help"], Qt.MouseButton.LeftButton
        )
    [act] = [a for a in env.service.acts_for(world.cleo.id) if a.direction is Direction.GIVEN]
    assert (act.summary, act.meets_need_id) == ("Introduced her to Bo", world.need.id)
