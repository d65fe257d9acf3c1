"""Logs and crash output never carry note text (RELIABILITY G1, G2)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from recipro_desktop import logs
from recipro_desktop.core.errors import DamagedJournalError
from recipro_desktop.core.models import Act, ActKind, Direction, Person
from tests.conftest import CANARY
from tests.helpers.platforms import assert_private_dir, assert_private_file


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "recipro.log"
    logs.configure(log_file=path)
    yield path
    logs.unconfigure()


def test_g1_domain_objects_and_long_strings_are_replaced_in_log_records(log_file: Path) -> None:
    person = Person(display_name=CANARY, notes=CANARY)
    act = Act(
        occurred_on=date(2026, 1, 1),
        direction=Direction.RECEIVED,
        kind=ActKind.FAVOR,
        summary=CANARY,
        people=(person.id,),
    )
    log = logging.getLogger("recipro_desktop.test")
    log.warning("saved %s and %s", person, act)
    log.warning("people %s", [person])
    log.warning("note %s", CANARY + " " * 80)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert CANARY not in text
    assert f"<Person {str(person.id)[:8]}>" in text
    assert "<list len=1>" in text


def test_g1_log_file_and_folder_are_private(log_file: Path) -> None:
    logging.getLogger("recipro_desktop.test").warning("hello")
    assert_private_file(log_file)
    assert_private_dir(log_file.parent)


def test_g2_logged_exception_shows_type_and_frames_but_not_its_message(log_file: Path) -> None:
    def handler(note: str) -> None:
        raise ValueError(f"could not parse {note}")

    try:
        handler(CANARY)
    except ValueError:
        logging.getLogger("recipro_desktop.test").exception("handler failed")
    text = log_file.read_text(encoding="utf-8")
    assert CANARY not in text
    assert "builtins.ValueError: (message withheld" in text
    assert "in handler" in text


def test_g2_journal_error_messages_are_kept_because_they_are_private_safe() -> None:
    try:
        raise DamagedJournalError("The journal file journal.db is damaged.")
    except DamagedJournalError as exc:
        text = logs.redacted_traceback(type(exc), exc, exc.__traceback__)
    assert text.endswith("DamagedJournalError: The journal file journal.db is damaged.")


def test_g2_uncaught_exception_hook_prints_no_locals_or_message() -> None:
    script = textwrap.dedent(f"""
        from recipro_desktop import logs
        logs.install_excepthook()
        def on_click():
            note_text = {CANARY!r}
            raise RuntimeError("failed on " + note_text)
        on_click()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert CANARY not in result.stderr + result.stdout
    assert "builtins.RuntimeError" in result.stderr
    assert "in on_click" in result.stderr


def test_i10_an_exception_python_cannot_raise_goes_to_the_log_redacted(tmp_path: Path) -> None:
    """I10: a generator closed while it is collected raises in its ``finally`` (as after a MemoryError): no
    "Exception ignored in ..." with its message on stderr; a redacted record in the log file instead."""
    log_path = tmp_path / "logs" / "recipro.log"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from recipro_desktop import logs
        logs.configure(log_file=Path({str(log_path)!r}), terminal=False)
        logs.install_excepthook()
        def rows():
            try:
                yield 1
            finally:
                raise ValueError("closing " + {CANARY!r})
        started = rows()
        next(started)
        del started
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == ""
    logged = log_path.read_text(encoding="utf-8")
    assert "ignored ValueError in a generator" in logged
    assert "in rows" in logged
    assert CANARY not in logged


def test_g2_a_redacted_traceback_passed_as_a_log_argument_is_logged_in_full(log_file: Path) -> None:
    try:
        raise ValueError(CANARY)
    except ValueError as exc:
        text = logs.redacted_traceback(type(exc), exc, exc.__traceback__)
    logging.getLogger("recipro_desktop.test").error("task failed:\n%s", text)
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in logged
    assert "<str len=" not in logged
    assert CANARY not in logged


def test_no_console_still_logs_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The windowed Windows bundle has no stderr at all (``sys.stderr is None``): logging goes to the file only."""
    monkeypatch.setattr(sys, "stderr", None)
    log_path = tmp_path / "logs" / "recipro.log"
    logs.configure(log_file=log_path)
    try:
        # no handler left pointing at the missing console (each record would raise inside it)
        assert all(getattr(h, "stream", True) is not None for h in logging.getLogger().handlers)
        logging.getLogger("recipro_desktop.test").warning("journal opened (via %s)", "keyring")
    finally:
        logs.unconfigure()
    assert "journal opened (via keyring)" in log_path.read_text()
