"""JournalClient: results reach live widgets only; edits are announced either way."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

journal_env = journal_fixtures.journal_env


class Receiver(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []

    def on_done(self, value: object) -> None:
        self.got.append(value)


def test_a_closed_dialogs_callback_is_dropped_not_crashed(qtbot: QtBot, journal_env: JournalEnv) -> None:
    gate = threading.Event()
    receiver = Receiver()

    def slow_count(service: object) -> int:
        gate.wait(10)
        return 42

    with qtbot.waitSignal(journal_env.runner.task_finished, timeout=10_000):
        journal_env.client.query(slow_count, receiver.on_done, name="test")
        shiboken6.delete(receiver)  # the dialog was closed and deleted while its query ran
        gate.set()
    assert not shiboken6.isValid(receiver)
    assert receiver.got == []  # never called on a deleted widget (qtbot fails the test on any exception)


def test_a_live_widget_gets_its_result_and_edits_are_announced(qtbot: QtBot, journal_env: JournalEnv) -> None:
    receiver = Receiver()
    with qtbot.waitSignal(journal_env.client.journal_changed, timeout=10_000) as changed:
        journal_env.client.mutate(lambda s: 7, receiver.on_done, changes={ItemKind.PERSON}, name="test")
    assert receiver.got == [7]
    assert changed.args == [frozenset({ItemKind.PERSON})]
