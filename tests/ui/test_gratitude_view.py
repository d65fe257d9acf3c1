"""The Gratitude page driven as a user would: mark thanked, not needed (and undo), draft and copy a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Act, ActKind, Direction, JournalEntry, Person, PromptKind
from recipro_desktop.core.settings import DEFAULT_GRATITUDE_PROMPTS
from recipro_desktop.services.today import prompt_for_day
from recipro_desktop.ui.gratitude_model import ThanksModel
from recipro_desktop.ui.gratitude_view import GratitudeView
from recipro_desktop.ui.thank_dialog import ThankDialog
from tests.ui import journal_fixtures
from tests.ui.conftest import ModalGuard
from tests.ui.journal_fixtures import TODAY, JournalEnv

demo_env = journal_fixtures.demo_env  # the shared fixtures, found by pytest under these names
journal_env = journal_fixtures.journal_env


GRAT = PromptKind.GRATITUDE


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@dataclass
class Gratitude:
    env: JournalEnv
    view: GratitudeView
    ana: Person
    ben: Person
    intro: Act  # owed, 12 days
    favour: Act  # owed, 40 days (the oldest)
    thanked: Act  # thanked 2 days ago


def owed_titles(view: GratitudeView) -> list[str]:
    return [view.owed_model.index(r).data() for r in range(view.owed_model.rowCount())]


def sent_titles(view: GratitudeView) -> list[str]:
    return [view.sent_model.index(r).data() for r in range(view.sent_model.rowCount())]


def received(env: JournalEnv, who: tuple[Person, ...], summary: str, days: int, **kw: object) -> Act:
    return env.service.add_act(
        Act(
            occurred_on=ago(days),
            direction=Direction.RECEIVED,
            kind=kw.pop("kind", ActKind.FAVOR),  # type: ignore[arg-type]
            summary=summary,
            people=tuple(p.id for p in who),
            **kw,  # type: ignore[arg-type]
        )
    )


@pytest.fixture
def grat(qtbot: QtBot, journal_env: JournalEnv) -> Gratitude:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    ben = s.add_person(Person(display_name="Ben Ito"))
    intro = received(journal_env, (ana,), "Introduced me to the CFO of Nimbus", 12, kind=ActKind.INTRODUCTION)
    favour = received(journal_env, (ben, ana), "Watered my plants while I was away", 40)
    thanked = received(journal_env, (ben,), "Reviewed my contract", 5, thanked_on=ago(2), thanked_how="email")
    s.add_act(Act(occurred_on=ago(1), direction=Direction.GIVEN, kind=ActKind.FAVOR, summary="Given", people=(ana.id,)))
    view = GratitudeView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: view.owed_model.rowCount() == 2 and not view._loading, timeout=10_000)
    return Gratitude(journal_env, view, ana, ben, intro, favour, thanked)


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester, demo_env: JournalEnv) -> None:
    view = GratitudeView(demo_env.client, clock=demo_env.clock)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.owed_model.rowCount() > 0 and view.sent_model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(view.owed_model)
    qtmodeltester.check(view.sent_model)


def test_owed_oldest_first_with_ages_and_sent_newest_first(grat: Gratitude) -> None:
    view = grat.view
    assert owed_titles(view) == ["Watered my plants while I was away", "Introduced me to the CFO of Nimbus"]
    first = view.owed_model.index(0)
    assert first.data(ThanksModel.AgeRole) == "5 weeks ago"
    assert first.data(ThanksModel.SecondaryRole) == "Favor from Ben Ito and Ana Souza"
    assert first.data(ThanksModel.OverdueRole) is True
    assert view.owed_model.index(1).data(ThanksModel.AgeRole) == "12 days ago"
    assert sent_titles(view) == ["Reviewed my contract"]
    assert view.sent_model.index(0).data(ThanksModel.SecondaryRole) == "Thanked Ben Ito · email"
    assert view.sent_model.index(0).data(ThanksModel.AgeRole) == "2 days ago"
    assert view.summary_label.text() == "2 thank-yous to say — the oldest is for help from 5 weeks ago."


def _select(view: GratitudeView, act: Act) -> None:
    view.owed_list.setCurrentIndex(view.owed_model.index(view.owed_model.row_of(act.id)))


def test_mark_thanked_is_stored_and_the_row_moves_to_thanks_sent(qtbot: QtBot, grat: Gratitude) -> None:
    view, service = grat.view, grat.env.service
    _select(view, grat.intro)
    qtbot.mouseClick(view.thanked_button, Qt.MouseButton.LeftButton)
    dialog = view.thank_dialog
    assert isinstance(dialog, ThankDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Mark as thanked"  # no names in window titles (G10)
    assert dialog.ui.titleLabel.text() == "Thank Ana for the introduction"
    assert not dialog.ui.draftPanel.isVisible()
    dialog.ui.howCombo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.ui.howCombo, "coffee on me")
    qtbot.keyClick(dialog.ui.howCombo, Qt.Key.Key_Return)  # Enter saves

    qtbot.waitUntil(lambda: service.get_act(grat.intro.id).thanked_on == TODAY, timeout=5_000)
    stored = service.get_act(grat.intro.id)
    assert stored.thanked_how == "coffee on me" and not stored.thanks_not_needed
    qtbot.waitUntil(lambda: owed_titles(view) == ["Watered my plants while I was away"], timeout=5_000)
    assert sent_titles(view)[0] == "Introduced me to the CFO of Nimbus"
    assert view.thank_dialog is None  # closed (and deleted)
    assert view.message_label.text() == "Marked as thanked."


def test_enter_on_the_list_opens_mark_thanked_with_a_past_date(qtbot: QtBot, grat: Gratitude) -> None:
    view, service = grat.view, grat.env.service
    _select(view, grat.favour)
    view.owed_list.setFocus()
    qtbot.keyClick(view.owed_list, Qt.Key.Key_Return)
    dialog = view.thank_dialog
    assert dialog is not None
    dialog.ui.whenEdit.setDate(dialog.ui.whenEdit.date().addDays(-3))
    dialog.ui.howCombo.setCurrentText("call")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_act(grat.favour.id).thanked_on == ago(3), timeout=5_000)
    assert service.get_act(grat.favour.id).thanked_how == "call"


def test_an_empty_how_is_refused_inline_and_nothing_is_stored(qtbot: QtBot, grat: Gratitude) -> None:
    view, service = grat.view, grat.env.service
    _select(view, grat.intro)
    view.mark_thanked()
    dialog = view.thank_dialog
    assert dialog is not None
    dialog.ui.howCombo.setCurrentText("   ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.ui.errorLabel.isVisible() and "how you thanked" in dialog.ui.errorLabel.text()
    assert dialog.isVisible()
    assert service.get_act(grat.intro.id).thanked_on is None
    qtbot.mouseClick(dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.thank_dialog is None, timeout=5_000)


def test_not_needed_then_undo(qtbot: QtBot, grat: Gratitude) -> None:
    view, service = grat.view, grat.env.service
    _select(view, grat.favour)
    view.owed_list.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&Not needed"
    qtbot.waitUntil(lambda: service.get_act(grat.favour.id).thanks_not_needed, timeout=5_000)
    qtbot.waitUntil(lambda: owed_titles(view) == ["Introduced me to the CFO of Nimbus"], timeout=5_000)
    assert view.message_bar.isVisible() and view.undo_button.isVisible()

    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not service.get_act(grat.favour.id).thanks_not_needed, timeout=5_000)
    qtbot.waitUntil(lambda: len(owed_titles(view)) == 2, timeout=5_000)
    assert service.get_act(grat.favour.id).thanked_on is None


def test_draft_a_note_edit_copy_and_save(qtbot: QtBot, grat: Gratitude) -> None:
    view, service = grat.view, grat.env.service
    _select(view, grat.intro)
    qtbot.mouseClick(view.draft_button, Qt.MouseButton.LeftButton)
    dialog = view.thank_dialog
    assert dialog is not None and dialog.ui.draftPanel.isVisible()
    assert dialog.windowTitle() == "Draft a thank-you note"
    draft = dialog.draft_text()
    assert draft.startswith("Hi Ana,")
    assert "thank you for the introduction" in draft
    assert "you introduced me to the CFO of Nimbus" in draft

    edit = dialog.ui.draftEdit
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, "PS: coffee soon?")
    qtbot.mouseClick(dialog.ui.copyButton, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == draft + "PS: coffee soon?"
    assert dialog.ui.copiedLabel.text().startswith("Copied")
    assert service.get_act(grat.intro.id).thanked_on is None  # copying alone records nothing

    assert dialog.thanked_how() == "message"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_act(grat.intro.id).thanked_on == TODAY, timeout=5_000)
    assert service.get_act(grat.intro.id).thanked_how == "message"
    qtbot.waitUntil(lambda: len(owed_titles(view)) == 1, timeout=5_000)
    QGuiApplication.clipboard().clear()


def test_open_person(qtbot: QtBot, grat: Gratitude) -> None:
    view = grat.view
    _select(view, grat.favour)
    with qtbot.waitSignal(view.person_requested) as opened:
        qtbot.mouseClick(view.person_button, Qt.MouseButton.LeftButton)
    assert opened.args == [grat.ben.id]
    with qtbot.waitSignal(view.person_requested) as opened:
        view.sent_list.activated.emit(view.sent_model.index(0))
    assert opened.args == [grat.ben.id]


def test_all_caught_up(qtbot: QtBot, journal_env: JournalEnv) -> None:
    view = GratitudeView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(view.owed_empty.isVisible, timeout=5_000)
    assert view.owed_empty.text().startswith("All caught up")
    assert view.sent_empty.isVisible()
    assert not view.thanked_button.isEnabled()


def test_dialog_shows_note_text_as_plain_text(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """G4: a summary that looks like HTML is shown literally; G10: the title carries no name."""
    ana = journal_env.service.add_person(Person(display_name="<i>Ana</i>"))
    act = received(journal_env, (ana,), '<a href="http://x">click</a>', 3)
    dialog = ThankDialog(journal_env.client, None, act, ("<i>Ana</i>",), draft=True, clock=journal_env.clock)
    qtbot.addWidget(dialog)
    assert dialog.ui.titleLabel.textFormat() == Qt.TextFormat.PlainText
    assert dialog.ui.summaryLabel.textFormat() == Qt.TextFormat.PlainText
    assert dialog.ui.summaryLabel.text().startswith('<a href="http://x">click</a>')
    assert "Ana" not in dialog.windowTitle()


def test_gratitude_journal_shows_the_question_and_the_answers(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza"))
    s.add_entry(JournalEntry(written_on=ago(6), text="Ana's patience\nand more", people=(ana.id,), prompt_kind=GRAT))
    s.add_entry(JournalEntry(written_on=ago(1), text="The team", prompt_kind=GRAT, prompt="Who helped you?"))
    s.add_entry(JournalEntry(written_on=ago(0), text="Not gratitude"))
    view = GratitudeView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.entries_model.rowCount() == 2, timeout=5_000)
    rows = [view.entries_model.index(r) for r in range(2)]
    assert [r.data() for r in rows] == ["The team", "Ana's patience"]
    assert [r.data(ThanksModel.SecondaryRole) for r in rows] == ["Who helped you?", "About Ana Souza"]
    assert [r.data(ThanksModel.AgeRole) for r in rows] == ["yesterday", "6 days ago"]
    expected = prompt_for_day(TODAY, DEFAULT_GRATITUDE_PROMPTS, ())
    assert expected is not None and view.prompt_label.text() == expected.text
    assert view.prompt_label.textFormat() == Qt.TextFormat.PlainText


def test_write_answers_todays_question(qtbot: QtBot, journal_env: JournalEnv, modals: ModalGuard) -> None:
    from recipro_desktop.ui.gratitude_view import ENTRY_DIALOG, _optional_class

    if _optional_class(ENTRY_DIALOG) is None:
        pytest.skip("the entry dialog (UI-D) is not part of this build")
    view = GratitudeView(journal_env.client, clock=journal_env.clock)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: bool(view.prompt_label.text()), timeout=5_000)

    def write(dialog: QDialog) -> int:
        dialog.ui.textEdit.setPlainText("Grateful for a quiet week")  # type: ignore[attr-defined]
        dialog.accept()
        return QDialog.DialogCode.Accepted

    modals.answer("exec", write)
    qtbot.mouseClick(view.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.entries_model.rowCount() == 1, timeout=5_000)
    entry = view.entries_model.card(0).entry  # type: ignore[union-attr]
    assert entry.text == "Grateful for a quiet week"
    assert entry.prompt_kind is PromptKind.GRATITUDE and entry.prompt == view.prompt_label.text()
    assert journal_env.service.get_entry(entry.id).prompt == entry.prompt
    qtbot.waitUntil(lambda: not journal_env.runner.busy, timeout=5_000)
