"""The README's exit-code table covers every code the command can return (issue 11; RELIABILITY I10).

Every :class:`JournalError` subclass that sets its own ``exit_code`` is found by importing the modules the
command can reach (everything but the window's Qt code), not by a list kept by hand: a new error class without a
README row fails here. Two classes may share a code only when one derives from the other (a finer kind of the
same failure), or when the pair is listed in :data:`SHARED_ON_PURPOSE`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import recipro_desktop
from recipro_desktop import cli
from recipro_desktop.core.errors import JournalError
from recipro_desktop.services import selftest

README = Path(__file__).resolve().parent.parent / "README.md"
SKIPPED = ("recipro_desktop.ui", "recipro_desktop.app", "recipro_desktop.__main__")  # Qt; __main__ runs main()

SHARED_ON_PURPOSE = {2: {"UsageError", "ValidationError"}}
"""Codes that unrelated classes share by design: a bad argument and a bad value are both "bad usage" (2)."""

OTHER_CODES = {
    0: "done",
    selftest.EXIT_FAILED: "EXIT_FAILED",
    cli.EXIT_OUT_OF_MEMORY: "EXIT_OUT_OF_MEMORY",
    cli.EXIT_INTERRUPTED: "EXIT_INTERRUPTED",
}
"""Exit codes that are not a JournalError class, and the name the table gives each."""


def error_classes() -> list[type[JournalError]]:
    for info in pkgutil.walk_packages(recipro_desktop.__path__, prefix="recipro_desktop."):
        if not info.name.startswith(SKIPPED):
            importlib.import_module(info.name)
    found: list[type[JournalError]] = [JournalError]
    for cls in found:  # grows while it is walked: every subclass, at any depth
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return [cls for cls in found if cls.__module__.startswith("recipro_desktop.")]


def readme_table() -> dict[int, str]:
    """Exit code → the rest of its row, from the table under "| exit code |" in the README."""
    rows: dict[int, str] = {}
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| exit code |"))
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        code, _, rest = line.strip("|").partition("|")
        assert int(code) not in rows, f"exit code {code} has two rows in the README"
        rows[int(code)] = rest
    return rows


def test_i10_every_error_class_has_its_code_and_name_in_the_readme_table() -> None:
    """I10: each class that sets an exit code is named in that code's README row."""
    table = readme_table()
    classes = [cls for cls in error_classes() if "exit_code" in vars(cls)]
    assert len(classes) > 25  # the walk really found the classes of core, storage, services and the CLI
    for cls in classes:
        row = table.get(cls.exit_code)
        assert row is not None, f"{cls.__qualname__} exits {cls.exit_code}: the README's exit-code table has no row"
        assert f"`{cls.__qualname__}`" in row, f"{cls.__qualname__} is not named in the README's row {cls.exit_code}"


def test_i10_every_subclass_is_named_in_the_row_of_the_code_it_inherits() -> None:
    """I10: a finer error that keeps its parent's code (FileChangedError: 30) is listed there too, so the table
    says what each code may mean."""
    table = readme_table()
    for cls in error_classes():
        if "exit_code" not in vars(cls) and cls.__subclasses__() == [] and cls is not JournalError:
            assert f"`{cls.__qualname__}`" in table[cls.exit_code], (cls.__qualname__, cls.exit_code)


def test_i10_the_other_exit_codes_are_in_the_table() -> None:
    """I10: the codes that are not error classes (check/self-test failure, out of memory, interrupted) too."""
    table = readme_table()
    for code, name in OTHER_CODES.items():
        assert code in table, f"exit code {code} ({name}) is missing from the README's table"
        assert name == "done" or f"`{name}`" in table[code]


def test_i10_no_two_unrelated_classes_share_an_exit_code() -> None:
    """I10: a code names one kind of failure; only a class and its own subclasses share it (or a listed pair)."""
    by_code: dict[int, list[type[JournalError]]] = {}
    for cls in error_classes():
        by_code.setdefault(cls.exit_code, []).append(cls)
    for code, classes in by_code.items():
        roots = [c for c in classes if not any(c is not o and issubclass(c, o) for o in classes)]
        if len(roots) > 1:
            names = {c.__qualname__ for c in roots}
            assert names == SHARED_ON_PURPOSE.get(code), f"exit code {code} is shared by unrelated {sorted(names)}"


def test_i10_the_table_has_no_row_for_a_code_nothing_returns() -> None:
    """I10: every row is a code something really returns (a stale row would promise a failure that is gone)."""
    codes = {cls.exit_code for cls in error_classes()} | set(OTHER_CODES)
    assert set(readme_table()) == codes


def test_i10_the_table_is_a_markdown_table() -> None:
    """The table parses: a header, a separator, then one row per code."""
    text = README.read_text(encoding="utf-8")
    assert re.search(r"^\| exit code \| what happened \| raised as \|\n\|---\|---\|---\|$", text, re.MULTILINE)
