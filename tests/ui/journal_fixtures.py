"""Shared fixtures for UI tests: a real, encrypted journal in a temp folder, its runner and its client.

Bind the fixture you need in your test module (one name, no hidden dependencies; an assignment rather than an
import, so that ruff does not see the test's parameter as a redefinition)::

    from tests.ui import journal_fixtures
    from tests.ui.journal_fixtures import JournalEnv

    demo_env = journal_fixtures.demo_env

    def test_something(qtbot, demo_env: JournalEnv) -> None:
        view = PeopleView(demo_env.client)
        ...
        ana = demo_env.person_named("Ana")          # a Person from the demo data, by (part of) the name
        assert demo_env.service.get_person(ana.id)   # read back what is stored (on the test thread)

- ``journal_env``: an empty journal (passphrase :data:`PASSPHRASE`, no keyring slot).
- ``demo_env``: the same, filled with ``generate_demo(people=DEMO_PEOPLE, seed=DEMO_SEED, today=TODAY)``
  (about 800 dated items). Building it takes ~1.5 s, so it is built **once per session** into a template folder
  and each test gets its own copy of the closed files: every test may write freely.

Both give a :class:`JournalEnv` with ``paths``, ``journal`` (the ``OpenJournal``), ``service``, ``clock`` (a
``FixedClock`` at :data:`NOW`, the demo's "today"; move it with ``env.clock.advance``), ``runner`` (the single
database worker) and ``client`` (the widgets' door to data). Teardown shuts the runner down (a running job
finishes first) and then closes the journal, so no connection or thread outlives the test.

Reading back through ``env.service`` on the test thread is fine *between* background jobs (wait for the widget's
signal or ``qtbot.waitUntil`` first): the database is opened for use from any thread, one session at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import Person
from recipro_desktop.core.text import fold
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import OpenJournal, create_journal, open_journal
from recipro_desktop.services.demo import DemoData, generate_demo, store_demo
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage import fsutil
from recipro_desktop.ui.journal_client import JournalClient
from recipro_desktop.ui.task_runner import TaskRunner

__all__ = [
    "DEMO_PEOPLE",
    "DEMO_SEED",
    "NOW",
    "PASSPHRASE",
    "TODAY",
    "JournalEnv",
    "demo_data",
    "demo_env",
    "journal_env",
    "make_env",
]

PASSPHRASE = "pw"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY: date = NOW.date()
DEMO_PEOPLE = 40
DEMO_SEED = 7

_templates: dict[tuple[int, int], JournalPaths] = {}
_demo_data: dict[tuple[int, int], DemoData] = {}


def demo_data(people: int = DEMO_PEOPLE, seed: int = DEMO_SEED) -> DemoData:
    """The demo data the ``demo_env`` journal holds (deterministic: same ids, names and texts every time)."""
    key = (people, seed)
    if key not in _demo_data:
        _demo_data[key] = generate_demo(people=people, seed=seed, today=TODAY)
    return _demo_data[key]


@dataclass
class JournalEnv:
    """An open journal with its background runner and client, for one test."""

    paths: JournalPaths
    journal: OpenJournal
    clock: FixedClock
    runner: TaskRunner
    client: JournalClient
    demo: DemoData | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def service(self) -> JournalService:
        return self.journal.service

    def person_named(self, text: str) -> Person:
        """The first demo person whose display name contains ``text`` (accent- and case-insensitive)."""
        if self.demo is None:
            raise LookupError("person_named() needs the demo journal (use the demo_env fixture)")
        wanted = fold(text)
        for person in self.demo.people:
            if wanted in fold(person.display_name):
                return person
        raise LookupError(f"no demo person matches {text!r}")

    def close(self) -> None:
        """Shut the runner down (waiting for a running job), then close the journal. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self.runner.shutdown(timeout=30)
        finally:
            self.journal.close()


def _template(tmp_path_factory: pytest.TempPathFactory, people: int, seed: int) -> JournalPaths:
    key = (people, seed)
    if key not in _templates:
        paths = JournalPaths(tmp_path_factory.mktemp(f"demo-template-{people}-{seed}") / "journal")
        created = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False, clock=FixedClock(NOW))
        try:
            store_demo(created.journal.service, demo_data(people, seed))
        finally:
            created.journal.close()
        _templates[key] = paths
    return _templates[key]


def make_env(
    qtbot: QtBot,
    paths: JournalPaths,
    *,
    template: JournalPaths | None = None,
    demo: DemoData | None = None,
) -> JournalEnv:
    """Create (or copy from ``template`` and open) a journal in ``paths`` and start its runner and client.

    The caller must call :meth:`JournalEnv.close`; the fixtures do it for you.
    """
    clock = FixedClock(NOW)
    if template is None:
        journal = create_journal(paths, passphrase=PASSPHRASE, use_keyring=False, clock=clock).journal
    else:
        paths.data_dir.mkdir(mode=0o700, parents=True)
        for name in (template.database.name, template.keyslots.name):
            fsutil.copy_closed_file(template.data_dir / name, paths.data_dir / name)
        journal = open_journal(paths, passphrase=PASSPHRASE, clock=clock)
    runner = TaskRunner()
    client = JournalClient(journal.service, runner)
    return JournalEnv(paths=paths, journal=journal, clock=clock, runner=runner, client=client, demo=demo)


@pytest.fixture
def journal_env(qtbot: QtBot, tmp_path: Path) -> Iterator[JournalEnv]:
    """An empty journal, its runner and client; closed after the test."""
    env = make_env(qtbot, JournalPaths(tmp_path / "journal"))
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def demo_env(qtbot: QtBot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JournalEnv]:
    """A journal filled with the demo network (a private copy per test), its runner and client."""
    template = _template(tmp_path_factory, DEMO_PEOPLE, DEMO_SEED)
    env = make_env(qtbot, JournalPaths(tmp_path / "journal"), template=template, demo=demo_data())
    try:
        yield env
    finally:
        env.close()
