"""RELIABILITY I5 in the window: once edits stop for a moment, the write-ahead log is checkpointed and emptied."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from recipro_desktop.core.models import ItemKind, Person
from tests.ui import journal_fixtures
from tests.ui.journal_fixtures import JournalEnv

journal_env = journal_fixtures.journal_env
NOTE = "x" * 800


def test_I5_the_window_empties_the_log_when_idle(qtbot: QtBot, journal_env: JournalEnv) -> None:
    """I5: edits grow the log (nothing else checkpoints it until 1000 pages); a short while after the last
    edit the client checkpoints on the worker and the log file is 0 bytes; a new edit starts it again."""
    client = journal_env.client
    client._idle.setInterval(300)  # the app waits IDLE_CHECKPOINT_MS (seconds); the test need not
    log = journal_env.paths.wal
    for round_ in range(2):
        with qtbot.waitSignal(client.journal_changed, timeout=10_000):
            client.mutate(
                lambda s, r=round_: [s.add_person(Person(display_name=f"P{r}-{n}", notes=NOTE)) for n in range(15)],
                changes={ItemKind.PERSON},
                name="test-edit",
            )
        assert log.stat().st_size > 50_000
        qtbot.waitUntil(lambda: log.stat().st_size == 0, timeout=10_000)
