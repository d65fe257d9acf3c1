"""The person dialog: every field round-trips, "met through" by name completion, and a stale edit (C4)."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import Person
from recipro_desktop.ui.person_dialog import PersonDialog
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

journal_env = journal_fixtures.journal_env

TIMEOUT = 10_000


def open_dialog(qtbot: QtBot, env: JournalEnv, person: Person | None = None) -> PersonDialog:
    dialog = PersonDialog(env.client, None, person)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=TIMEOUT)
    return dialog


def test_every_field_round_trips_through_the_dialog(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ben = s.add_person(Person(display_name="Ben Ortiz"))
    ana = s.add_person(
        Person(
            display_name="Ana Souza",
            given_name="Ana",
            family_name="Souza",
            organisation="Acme",
            role="Designer",
            emails=("ana@example.org", "a.souza@work.example"),
            phones=("+351 912 345 678",),
            links=("https://example.org/ana",),
            location="Porto",
            tags=("design", "Lisbon"),
            how_met="A meetup\nabout type",
            met_on=date(2021, 3, 12),
            met_through_id=ben.id,
            birthday_month=2,
            birthday_day=29,
            birthday_year=None,
            cadence_days=45,
            can_help_with=("hiring", "UX research"),
            notes="Likes tea.\nAllergic to cats.",
        )
    )
    dialog = open_dialog(qtbot, journal_env, ana)
    assert dialog.windowTitle() == "Edit person"
    qtbot.waitUntil(lambda: dialog.ui.metThroughEdit.text() == "Ben Ortiz", timeout=TIMEOUT)
    assert dialog.collect() == ana, "the form holds every field exactly"
    with qtbot.waitSignal(dialog.person_saved, timeout=TIMEOUT) as saved:
        dialog.save()
    stored = s.get_person(ana.id)
    assert saved.args[0] == stored == ana, "saving an unchanged form changes nothing"


def test_met_through_is_chosen_by_name_completion(qtbot: QtBot, journal_env: JournalEnv) -> None:
    s = journal_env.service
    ben = s.add_person(Person(display_name="Benoît Ortiz", organisation="Lumen"))
    s.add_person(Person(display_name="Bruna Lee"))
    dialog = open_dialog(qtbot, journal_env)
    qtbot.keyClicks(dialog.ui.displayNameEdit, "Ana Souza")
    dialog.ui.tabWidget.setCurrentWidget(dialog.ui.relationshipTab)
    dialog.ui.metThroughEdit.setFocus()
    qtbot.keyClicks(dialog.ui.metThroughEdit, "beno")  # accent-insensitive
    dialog.save()
    assert dialog.visible_errors() == {"met_through_id": "Choose someone from the list, or clear this field."}
    with qtbot.waitSignal(dialog._completer.matches_shown, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.ui.metThroughEdit, "i")
    popup = dialog._completer.popup()
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.ui.metThroughEdit.text() == "Benoît Ortiz"
    with qtbot.waitSignal(dialog.person_saved, timeout=TIMEOUT) as saved:
        dialog.save()
    assert s.get_person(saved.args[0].id).met_through_id == ben.id


def test_c4_a_stale_edit_is_refused_and_reload_shows_the_saved_version(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """C4: someone saved the person since the dialog read it; nothing is overwritten, Reload offers theirs."""
    s = journal_env.service
    ana = s.add_person(Person(display_name="Ana Souza", organisation="Acme"))
    dialog = open_dialog(qtbot, journal_env, ana)
    s.update_person(dataclasses.replace(ana, organisation="Lumen Labs"))  # elsewhere (another window, an import)
    dialog.ui.roleEdit.setText("Designer")
    dialog.save()
    qtbot.waitUntil(dialog.ui.reloadButton.isVisible, timeout=TIMEOUT)
    assert "changed elsewhere" in dialog.ui.conflictLabel.text()
    assert dialog.isVisible(), "the dialog stays open with what was typed"
    assert dialog.ui.roleEdit.text() == "Designer"
    stored = s.get_person(ana.id)
    assert (stored.organisation, stored.role) == ("Lumen Labs", ""), "the other edit was kept"
    qtbot.mouseClick(dialog.ui.reloadButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ui.organisationEdit.text() == "Lumen Labs", timeout=TIMEOUT)
    assert not dialog.ui.conflictLabel.isVisible()
    dialog.ui.roleEdit.setText("Designer")
    with qtbot.waitSignal(dialog.person_saved, timeout=TIMEOUT):
        dialog.save()
    stored = s.get_person(ana.id)
    assert (stored.organisation, stored.role) == ("Lumen Labs", "Designer")
