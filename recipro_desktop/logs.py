"""Logging and crash output that never carry private text (RELIABILITY G1, G2).

Two guards:
- :class:`PrivacyFilter` rewrites any log argument that is a domain object (a core dataclass) or a long
  string into a placeholder (``<Person 4f1c…>``, ``<str len=812>``), so a careless ``log.info("%s", act)``
  cannot leak a note. Messages themselves are written by us and hold ids and counts only.
- :func:`redacted_traceback` formats an exception as its type and the file/line/function of each frame:
  no exception message (it may quote user text), no source lines, no locals. Only messages of
  :class:`~recipro_desktop.core.errors.JournalError`, which are written to be private-safe, are kept.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from recipro_desktop.core.errors import JournalError
from recipro_desktop.paths import PRIVATE_FILE_MODE, ensure_private_dir

MAX_LOGGED_STR = 64
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_installed: list[logging.Handler] = []  # the handlers configure() added, replaced on the next call
_reserve: list[bytearray] = []  # see keep_memory_reserve()


class SafeText(str):
    """Text we produced that is known to be private-safe (e.g. a redacted traceback): logged as it is."""

    __slots__ = ()


def _placeholder(value: Any) -> Any:
    if isinstance(value, SafeText):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        ident = getattr(value, "id", None)
        suffix = f" {str(ident)[:8]}" if type(ident).__name__ == "UUID" else ""
        return f"<{type(value).__name__}{suffix}>"
    if isinstance(value, str) and len(value) > MAX_LOGGED_STR:
        return f"<str len={len(value)}>"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return f"<{type(value).__name__} len={len(value)}>"
    return value


class PrivacyFilter(logging.Filter):
    """Replaces domain objects, containers and long strings among a record's arguments with placeholders."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {k: _placeholder(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_placeholder(a) for a in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            exc_type, exc, tb = record.exc_info
            assert exc_type is not None
            record.exc_text = redacted_traceback(exc_type, exc, tb)
            record.exc_info = None
        return True


def redacted_traceback(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> SafeText:
    """A traceback with frame locations only, and the message only for private-safe journal errors."""
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{Path(frame.filename).name}", line {frame.lineno}, in {frame.name}')
    message = str(exc) if isinstance(exc, JournalError) else "(message withheld: it may contain private text)"
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}: {message}")
    return SafeText("\n".join(lines))


def _private_file_handler(path: Path) -> logging.Handler:
    """A rotating log file created 0600 (its directory is 0700)."""
    from logging.handlers import RotatingFileHandler  # lazily: not on the way to the window's first paint

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> Any:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
            os.close(fd)
            return super()._open()

        def handleError(self, record: logging.LogRecord) -> None:
            """A log line that cannot be written (a full disk) is dropped: logging's default would print a
            "--- Logging error ---" traceback on the terminal, in the middle of the command's one-line message."""

    return PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")


def unconfigure() -> None:
    """Remove the handlers :func:`configure` installed."""
    root = logging.getLogger()
    for old in _installed:
        root.removeHandler(old)
        old.close()
    _installed.clear()


def configure(*, log_file: Path | None, verbose: bool = False, terminal: bool = True) -> None:
    """Send warnings to stderr (and everything from INFO to ``log_file`` when given), through the filter.

    ``terminal=False`` is for the commands (I8): their failures end in exactly one line, ``recipro: <message>``,
    so their log records go to the log file only, and to stderr only with ``verbose``. The window keeps its
    warnings on stderr (there is no one-line promise for it, and it adds the log file only after its first paint).
    """
    unconfigure()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    privacy = PrivacyFilter()
    # sys.stderr is None in the windowed Windows bundle (recipro.exe has no console)
    if sys.stderr is not None and (terminal or verbose):
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stderr.setFormatter(logging.Formatter("recipro: %(levelname)s: %(message)s"))
        stderr.addFilter(privacy)
        root.addHandler(stderr)
        _installed.append(stderr)
    if not _installed:
        # With no handler at all, logging's "last resort" would print warnings on stderr after all (I8).
        quiet = logging.NullHandler()
        root.addHandler(quiet)
        _installed.append(quiet)
    if log_file is not None:
        add_log_file(log_file)


def add_log_file(log_file: Path) -> None:
    """Start writing the log file too (the window calls this after its first paint: not on the way to it).

    The log folder gets the journal folder's rules (I13): made private again if it was open to others (said in a
    warning), and no log file at all where that is impossible or where ``recipro.log`` is a link or another user's.
    """
    from recipro_desktop.storage.folder_guard import secure_private_folder

    try:
        changed = secure_private_folder(log_file.parent, (log_file.name,))
    except JournalError as exc:
        logging.getLogger(__name__).warning("no log file is written: %s", exc)
        return
    if changed:
        logging.getLogger(__name__).warning(
            "the log folder was open to other users of this computer; it is private again (%d item(s))", len(changed)
        )
    ensure_private_dir(log_file.parent)
    handler = _private_file_handler(log_file)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(PrivacyFilter())
    logging.getLogger().addHandler(handler)
    _installed.append(handler)


def install_excepthook(report: Callable[[str], None] | None = None) -> None:
    """Route uncaught exceptions to a redacted report (stderr by default) instead of Python's full one (G2)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = redacted_traceback(exc_type, exc, tb)
        logging.getLogger("recipro_desktop.crash").error("uncaught %s", exc_type.__name__)
        (report or (lambda t: print(t, file=sys.stderr)))(text)

    def unraisable(info: Any) -> None:  # sys.UnraisableHookArgs
        """An exception Python could not raise (a generator or ``__del__`` failing while collected, often after a
        MemoryError) goes to the log, redacted: Python's default prints "Exception ignored in: <repr>" with the
        full message on stderr, after the command's one line (I10). A hook that raised would print that noise
        itself: a plain ``try`` (a ``with`` would allocate before it starts), and the memory reserve let go of."""
        try:
            release_memory_reserve()
            text = redacted_traceback(info.exc_type, info.exc_value, info.exc_traceback)
            where = type(info.object).__name__ if info.object is not None else "?"
            crash = logging.getLogger("recipro_desktop.crash")
            crash.warning("ignored %s in a %s:\n%s", info.exc_type.__name__, where, text)
        except BaseException:  # noqa: S110 -- see the docstring: nothing can be reported from here
            pass

    sys.excepthook = hook
    sys.unraisablehook = unraisable


def keep_memory_reserve(size: int = 8 << 20) -> None:
    """Set memory aside (zero pages: address space, not RAM) to let go of when memory runs out (I10), so that the
    collection of what was being built and the one-line message still have room in a process at its limit."""
    if not _reserve:
        _reserve.append(bytearray(size))


def release_memory_reserve() -> None:
    _reserve.clear()
