"""Delete with undo: the very same item (same id, same links) comes back; edits undo with version checks (C4)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from recipro_desktop.core.errors import NotFoundError
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
    Reminder,
)
from recipro_desktop.ui.undo import DeleteItemCommand, EditItemCommand, item_kind
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import NOW, TODAY, JournalEnv

env = journal_fixtures.journal_env  # the shared fixture, under a short name (pytest registers it as `env`)


def settle(qtbot: QtBot, env: JournalEnv) -> None:
    qtbot.waitUntil(lambda: not env.runner.busy, timeout=10_000)


@pytest.fixture
def stack(qtbot: QtBot) -> QUndoStack:
    return QUndoStack()


def test_delete_and_undo_restores_an_act_with_the_same_id_and_links(
    qtbot: QtBot, env: JournalEnv, stack: QUndoStack
) -> None:
    s = env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    bo = s.add_person(Person(display_name="Bo Chen"))
    need = s.add_need(Need(person_id=ana.id, text="A designer", heard_on=TODAY))
    act = s.add_act(
        Act(
            occurred_on=TODAY,
            direction=Direction.GIVEN,
            kind=ActKind.INTRODUCTION,
            summary="Intro to Bo",
            people=(ana.id, bo.id),
            meets_need_id=need.id,
        )
    )
    s.update_need(dataclasses.replace(need, met_by_act_id=act.id))
    thanks = s.add_act(
        Act(
            occurred_on=TODAY,
            direction=Direction.RECEIVED,
            kind=ActKind.GIFT,
            summary="Flowers",
            people=(ana.id,),
            in_return_for_id=act.id,
        )
    )
    promise = s.add_commitment(
        Commitment(promiser=Promiser.ME, text="Intro", made_on=TODAY, people=(ana.id,), fulfilled_by_act_id=act.id)
    )

    stack.push(DeleteItemCommand(env.client, act))
    settle(qtbot, env)
    with pytest.raises(NotFoundError):
        s.get_act(act.id)
    assert s.get_need(need.id).met_by_act_id is None
    assert s.get_act(thanks.id).in_return_for_id is None
    assert stack.undoText() == "Delete act"

    stack.undo()
    settle(qtbot, env)
    assert s.get_act(act.id) == act  # same id, fields, timestamps and version
    assert s.get_need(need.id).met_by_act_id == act.id
    assert s.get_act(thanks.id).in_return_for_id == act.id
    assert s.get_commitment(promise.id).fulfilled_by_act_id == act.id

    stack.redo()  # and again: deleted once more
    settle(qtbot, env)
    with pytest.raises(NotFoundError):
        s.get_act(act.id)


def test_delete_person_and_undo_brings_back_their_notes_and_links(
    qtbot: QtBot, env: JournalEnv, stack: QUndoStack
) -> None:
    s = env.service
    ana = s.add_person(Person(display_name="Ana Lima", cadence_days=30))
    bo = s.add_person(Person(display_name="Bo Chen"))
    need = s.add_need(Need(person_id=ana.id, text="A flat", heard_on=TODAY))
    act = s.add_act(
        Act(
            occurred_on=TODAY,
            direction=Direction.GIVEN,
            kind=ActKind.FAVOR,
            summary="Viewing",
            people=(bo.id, ana.id),
            meets_need_id=need.id,
        )
    )
    chat = s.add_interaction(Interaction(occurred_on=TODAY, channel=Channel.CALL, summary="Call", people=(ana.id,)))
    entry = s.add_entry(JournalEntry(written_on=TODAY, text="Grateful for Ana", people=(ana.id,)))
    reminder = s.add_reminder(Reminder(text="Call", due_at=NOW + timedelta(days=1), person_id=ana.id))

    stack.push(DeleteItemCommand(env.client, ana))
    settle(qtbot, env)
    with pytest.raises(NotFoundError):
        s.get_person(ana.id)
    assert s.get_act(act.id).people == (bo.id,)

    stack.undo()
    settle(qtbot, env)
    assert s.get_person(ana.id) == ana
    assert s.get_need(need.id) == need
    restored = s.get_act(act.id)
    assert restored.people == (bo.id, ana.id)  # original order
    assert restored.meets_need_id == need.id
    assert s.get_interaction(chat.id).people == (ana.id,)
    assert s.get_entry(entry.id).people == (ana.id,)
    assert s.get_reminder(reminder.id).person_id == ana.id


@pytest.mark.parametrize("kind", ["need", "commitment", "interaction", "entry", "reminder"])
def test_every_kind_can_be_deleted_and_restored(qtbot: QtBot, env: JournalEnv, stack: QUndoStack, kind: str) -> None:
    s = env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    items: dict[str, Any] = {
        "need": lambda: s.add_need(Need(person_id=ana.id, text="x", heard_on=TODAY)),
        "commitment": lambda: s.add_commitment(
            Commitment(promiser=Promiser.THEM, text="x", made_on=TODAY, people=(ana.id,))
        ),
        "interaction": lambda: s.add_interaction(
            Interaction(occurred_on=TODAY, channel=Channel.EMAIL, summary="x", people=(ana.id,))
        ),
        "entry": lambda: s.add_entry(JournalEntry(written_on=TODAY, text="x")),
        "reminder": lambda: s.add_reminder(Reminder(text="x", due_at=NOW)),
    }
    item: Any = items[kind]()
    get = getattr(s, f"get_{kind}")
    stack.push(DeleteItemCommand(env.client, item))
    settle(qtbot, env)
    with pytest.raises(NotFoundError):
        get(item.id)
    stack.undo()
    settle(qtbot, env)
    assert get(item.id) == item
    assert item_kind(item).value in {"need", "commitment", "interaction", "entry", "reminder"}


def test_undo_right_after_push_runs_after_the_delete(qtbot: QtBot, env: JournalEnv, stack: QUndoStack) -> None:
    """Ctrl+Z pressed before the delete finished: the single worker runs them in order; nothing is lost."""
    s = env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    stack.push(DeleteItemCommand(env.client, ana))
    stack.undo()
    settle(qtbot, env)
    assert s.get_person(ana.id) == ana


def test_edit_command_undo_and_conflict(qtbot: QtBot, env: JournalEnv, stack: QUndoStack) -> None:
    s = env.service
    ana = s.add_person(Person(display_name="Ana Lima"))
    act = s.add_act(
        Act(occurred_on=TODAY, direction=Direction.RECEIVED, kind=ActKind.REFERRAL, summary="x", people=(ana.id,))
    )
    stack.push(EditItemCommand(env.client, act, dataclasses.replace(act, thanked_on=TODAY), "Mark thanked"))
    settle(qtbot, env)
    assert s.get_act(act.id).thanked_on == TODAY
    stack.undo()
    settle(qtbot, env)
    assert s.get_act(act.id).thanked_on is None

    # Someone else edits it meanwhile: redo must not overwrite, it reports a conflict.
    s.update_act(dataclasses.replace(s.get_act(act.id), summary="changed elsewhere"))
    with qtbot.waitSignal(env.client.error_raised, timeout=10_000) as error:
        stack.redo()
    assert "changed" in error.args[0].lower() or "elsewhere" in error.args[0].lower()
    assert s.get_act(act.id).summary == "changed elsewhere"
    assert s.get_act(act.id).thanked_on is None
