"""The ``recipro`` command: the window by default, and journal chores from a terminal.

Every failure a user can cause or meet (locked journal, wrong passphrase, missing, damaged, empty or
newer-version file...) ends with one line on stderr, ``recipro: <what happened and what to do>``, and the exit
code of its :class:`~recipro_desktop.core.errors.JournalError` class; nothing on disk is changed by a failed
command. Output goes to the user's own terminal, so it may show their contacts' names; logs never do.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from recipro_desktop import APP_NAME, __version__, hardening, logs
from recipro_desktop.core.clock import SystemClock
from recipro_desktop.core.errors import (
    JournalError,
    JournalLockedError,
    NotFoundError,
    OutputError,
    ValidationError,
)
from recipro_desktop.paths import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    JournalPaths,
    default_data_dir,
    demo_data_dir,
    log_dir,
)

if TYPE_CHECKING:  # the window's start must not pay for the domain model (DESIGN §6 cold start)
    from uuid import UUID

    from recipro_desktop.core.models import SearchHit, TimelineItem

PASSPHRASE_ENV = "RECIPRO_PASSPHRASE"
# The demo journal holds invented people only; a fixed, documented passphrase lets it open with no question.
DEMO_PASSPHRASE = "recipro-demo-journal"
DEFAULT_DEMO_PEOPLE = 150

# Keyed by ItemKind values (a StrEnum member looks up as its string).
KIND_LABELS = {
    "person": "Person",
    "act": "Act",
    "need": "Need",
    "commitment": "Promise",
    "interaction": "Interaction",
    "entry": "Note",
    "reminder": "Reminder",
}


class UsageError(JournalError):
    exit_code = 2


EXIT_INTERRUPTED = 130
"""Ctrl+C (``KeyboardInterrupt``): the shell's code for a death by SIGINT (128 + 2)."""

EXIT_OUT_OF_MEMORY = 49
"""The exit code when the command ran out of memory (``MemoryError``: a huge import on a small machine, or a
memory limit): one line, no traceback (I10)."""


class ClosedPipeError(OutputError):
    """Whoever read the output stopped reading (``recipro timeline | head``): not a failure worth a message.

    The exit code is the shell's for a process killed by SIGPIPE (128 + 13), what ``cat`` or ``grep`` give in
    the same pipe, so ``set -o pipefail`` scripts see the usual value; nothing is printed (I10).
    """

    exit_code = 141

    def __init__(self) -> None:
        super().__init__("Could not write the output: whoever read it stopped reading.")


def output_failed(exc: OSError) -> OutputError:
    """The :class:`OutputError` for a failed write to the command's output (I10)."""
    import errno

    # Windows reports a reader that went away as ERROR_BROKEN_PIPE (109) or ERROR_NO_DATA (232), or as EINVAL
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE or getattr(exc, "winerror", None) in (109, 232):
        return ClosedPipeError()
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "the device is full"
    else:
        reason = exc.strerror or type(exc).__name__
    return OutputError(f"Could not write the output: {reason}.")


def write_line(stream: TextIO, text: str) -> None:
    """Print ``text`` to the command's output; a failed write is an :class:`OutputError`, never a traceback."""
    try:
        print(text, file=stream)
    except OSError as exc:
        raise output_failed(exc) from None


def flush_output(stream: TextIO) -> None:
    try:
        stream.flush()
    except OSError as exc:
        raise output_failed(exc) from None
    except ValueError:  # already closed
        pass


def drop_output(stream: TextIO) -> None:
    """After a failed write, point the output's descriptor at the null device, so that the interpreter's own
    flush at exit does not fail again and print "Exception ignored ... BrokenPipeError" (as the Python docs on
    SIGPIPE advise)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # not a real file (io.StringIO in tests): nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def complain(text: str) -> None:
    """The one line a failed command prints on stderr (a stderr that cannot take it either is left alone)."""
    if sys.stderr is None:  # the windowed Windows bundle has no console (print would fall back to stdout)
        return
    with contextlib.suppress(OSError, ValueError):  # closed or full
        print(f"recipro: {text}", file=sys.stderr, flush=True)


# --- argument parsing ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recipro",
        description=f"{APP_NAME}: a private, encrypted journal of the give and take in your network. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="journal folder (default: $RECIPRO_DATA_DIR, else the platform's data folder)",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="read the passphrase or recovery key from the first line of FILE (or set $RECIPRO_PASSPHRASE)",
    )
    parser.add_argument("--demo", action="store_true", help="open a demo journal in its own folder (no passphrase)")
    parser.add_argument("--minimized", action="store_true", help="start in the system tray (used by start on login)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the log (never note text) on stderr too")
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        metavar="FILE.png",
        help="render the window offscreen once its page has loaded, save it as FILE.png and exit",
    )
    parser.add_argument(
        "--view",
        default=None,
        metavar="PAGE",
        help="the page to show: today, people, timeline, needs, gratitude, or person:NAME (with --screenshot)",
    )
    parser.add_argument("--size", default=None, metavar="WxH", help="window size for --screenshot (default 1280x800)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (encryption, a temporary journal, keyring, Qt, tray) and print a report; "
        "touches nothing of your journal",
    )
    parser.add_argument(
        "--require-keyring",
        action="store_true",
        help="with --self-test: fail when no system keyring answers (for machines that have one)",
    )
    parser.add_argument("--self-test-part", choices=("qt", "instance"), default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="create a new, empty journal")
    init.add_argument("--no-keyring", action="store_true", help="do not keep the key in the system keyring")

    demo = sub.add_parser("demo", help="fill a new journal with a realistic sample network")
    demo.add_argument("--people", type=_positive_int, default=DEFAULT_DEMO_PEOPLE, metavar="N")
    demo.add_argument(
        "--items",
        type=_positive_int,
        default=None,
        metavar="N",
        help="dated items in all (default: about 20 per person)",
    )
    demo.add_argument("--seed", type=int, default=7)

    stats = sub.add_parser("stats", help="count what the journal holds")
    stats.add_argument("--json", action="store_true")

    search = sub.add_parser("search", help="search every text field")
    search.add_argument("text", metavar="TEXT")
    search.add_argument("--limit", type=_positive_int, default=30, metavar="N")

    timeline = sub.add_parser("timeline", help="list dated items, newest first")
    timeline.add_argument("--person", metavar="NAME", default=None)
    timeline.add_argument("--limit", type=_positive_int, default=30, metavar="N")

    imp = sub.add_parser("import", help="import contacts (LinkedIn, Google, Outlook, any CSV) or a Recipro export")
    imp.add_argument("file", type=Path, metavar="FILE", help="a .csv file, or a Recipro export folder or .zip")
    imp.add_argument(
        "--format", choices=("auto", "recipro", "linkedin", "google", "outlook", "generic"), default="auto"
    )
    imp.add_argument(
        "--encoding",
        default=None,
        metavar="NAME",
        help="read the file in this encoding (utf-8, utf-16, cp1252, cp1250, cp1251, cp932, iso-8859-2, mac_roman...); "
        "needed when the file is not UTF-8 and its code page cannot be told for sure",
    )
    imp.add_argument(
        "--duplicates",
        choices=("skip", "update", "add"),
        default="skip",
        help="what to do with rows matching someone already in the journal (default: skip)",
    )
    imp.add_argument("--dry-run", action="store_true", help="read and check the file, store nothing")
    imp.add_argument("--json", action="store_true")

    exp = sub.add_parser("export", help="export everything as CSV files (NOT encrypted)")
    exp.add_argument("dir", type=Path, metavar="DIR", help="folder to write the export into")
    exp.add_argument("--zip", action="store_true", help="one .zip file instead of a folder")
    exp.add_argument("--excel", action="store_true", help="for Excel: UTF-8 with BOM, CRLF line ends")
    exp.add_argument("--google-contacts", action="store_true", help="only the contacts, as a Google Contacts CSV")
    exp.add_argument("--json", action="store_true")

    reminders = sub.add_parser("reminders", help="list the nudges that are due (thank-yous, promises, birthdays...)")
    reminders.add_argument("--now", default=None, metavar="ISO-DATETIME", help="pretend it is this time")
    reminders.add_argument("--json", action="store_true")

    sub.add_parser("check", help="verify encryption, integrity, key slots and permissions")
    sub.add_parser("backup", help="write a verified, encrypted backup now")
    restore = sub.add_parser("restore", help="replace the journal with a backup (the current file is kept aside)")
    restore.add_argument("file", type=Path, metavar="FILE")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


# --- passphrases -----------------------------------------------------------------------------------------


def given_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from ``--passphrase-file`` or ``$RECIPRO_PASSPHRASE``, if any (never from argv)."""
    if args.passphrase_file is not None:
        try:
            text = args.passphrase_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                f"Could not read the passphrase file {args.passphrase_file}: {exc.__class__.__name__}"
            ) from None
        line = text.splitlines()[0] if text else ""
        if not line:
            raise UsageError(f"The passphrase file {args.passphrase_file} is empty.")
        return line
    env = os.environ.get(PASSPHRASE_ENV)
    return env if env else None


def is_terminal(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal someone can type a passphrase on.

    ``isatty()`` alone is not enough on Windows: it is True for any character device, so for ``< NUL`` too (a
    scheduled task, a script's ``stdin=DEVNULL``), where ``getpass`` would then wait on the console for keys
    nobody types. There the stream must be a console (``GetConsoleMode`` succeeds only on a console handle).
    """
    try:
        if not stream.isatty():
            return False
    except ValueError:  # a closed stream
        return False
    if sys.platform != "win32":
        return True
    try:
        import ctypes
        import msvcrt

        mode = ctypes.c_ulong()
        return bool(ctypes.windll.kernel32.GetConsoleMode(msvcrt.get_osfhandle(stream.fileno()), ctypes.byref(mode)))
    except (AttributeError, OSError, ValueError):  # no real descriptor (io.StringIO...): not a console
        return False


def terminal_prompt(stdin: TextIO) -> Callable[[int, str | None], str | None] | None:
    """A passphrase prompt on the terminal, or None when there is no terminal to ask on."""
    if not is_terminal(stdin):
        return None

    def ask(attempt: int, reason: str | None) -> str | None:
        if reason:
            print(reason, file=sys.stderr)
        try:
            import getpass

            return getpass.getpass("Passphrase or recovery key: ") or None
        except (EOFError, KeyboardInterrupt):
            return None

    return ask


def new_passphrase(args: argparse.Namespace, stdin: TextIO, data_dir: Path) -> str | None:
    """For a new journal: the given passphrase, one typed twice on a terminal, or None (a recovery key is made).

    Raises:
        WeakPassphraseError: the passphrase is too easy to guess (I15: the rule the window applies too).
    """
    from recipro_desktop.core.passphrase_strength import context_words, login_name, require_strong

    context = context_words(data_dir.name, login_name())
    given = given_passphrase(args)
    if given is not None or not is_terminal(stdin):
        if given is not None:
            require_strong(given, context=context)
        return given
    import getpass

    first = getpass.getpass("Choose a passphrase (leave empty to get a generated recovery key): ")
    if not first:
        return None
    require_strong(first, context=context)
    if getpass.getpass("Type it again: ") != first:
        raise UsageError("The two passphrases did not match; nothing was created.")
    return first


# --- commands --------------------------------------------------------------------------------------------


def needs_journal_alone(command: Callable[[Cli], int]) -> Callable[[Cli], int]:
    """Run ``command`` holding the journal lock exclusively: it replaces or moves the database file, so it
    refuses (JournalInUseError) while the window or another command has the journal open (RELIABILITY I1)."""

    @functools.wraps(command)
    def run(cli: Cli) -> int:
        from recipro_desktop.storage import journal_lock

        cli.secure_folder()  # I13 first: the lock file is made in the folder, which must be private
        with journal_lock.alone(cli.paths):
            return command(cli)

    return run


class Cli:
    """One run of the command: holds the parsed arguments and the streams, so tests can drive it in-process."""

    def __init__(self, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> None:
        self.args = args
        self.stdin = stdin
        self.out = stdout
        self.clock = SystemClock()
        data_dir = demo_data_dir() if args.demo and args.data_dir is None else (args.data_dir or default_data_dir())
        self.paths = JournalPaths(data_dir.expanduser())
        self.folder_notice: str | None = None  # the journal folder was open to others and was made private (I13)

    def say(self, text: str = "") -> None:
        write_line(self.out, text)

    def secure_folder(self) -> None:
        """I13: make the journal's folder private (or refuse) before anything in it is read; say so once."""
        from recipro_desktop.storage.folder_guard import secure_journal_folder

        notice = secure_journal_folder(self.paths)
        if notice:
            self.folder_notice = notice
            print(f"recipro: {notice}", file=sys.stderr)

    def open(self) -> Any:
        from recipro_desktop.services.access import open_journal

        self.secure_folder()
        passphrase = DEMO_PASSPHRASE if self.args.demo else given_passphrase(self.args)
        try:
            journal = open_journal(
                self.paths, passphrase=passphrase, prompt=terminal_prompt(self.stdin), clock=self.clock
            )
        except JournalLockedError as exc:
            reason = str(exc)
            reason = reason[: reason.find(" Enter ")] if " Enter " in reason else reason
            raise JournalLockedError(
                f"{reason} Give the passphrase or recovery key with --passphrase-file FILE or "
                f"${PASSPHRASE_ENV}, or run this on a terminal to be asked."
            ) from None
        if journal.notice:
            print(f"recipro: {journal.notice}", file=sys.stderr)
        return journal

    def create(self, passphrase: str | None, *, use_keyring: bool = True) -> Any:
        from recipro_desktop.services.access import create_journal

        self.secure_folder()
        created = create_journal(self.paths, passphrase=passphrase, use_keyring=use_keyring, clock=self.clock)
        where = (
            f"the system keyring ({created.keyring_backend})"
            if created.keyring_backend
            else "no keyring: you will be asked for the passphrase each time"
        )
        try:
            self.say(f"Created a new encrypted journal in {self.paths.data_dir}")
            self.say(f"Key: {where}.")
            if created.recovery_key:
                self.say("")
                self.say("Your recovery key (write it down and keep it safe; it is shown only once):")
                self.say(f"    {created.recovery_key}")
                self.say("Without it, losing the keyring entry means losing the journal.")
            flush_output(self.out)
        except OutputError as exc:  # even a closed pipe: the recovery key was shown to nobody (I10)
            created.journal.close()
            lost = " and its recovery key" if created.recovery_key else ""
            raise OutputError(
                f"The journal was created in {self.paths.data_dir}, but this message{lost} could not be written "
                f"({str(exc).removeprefix('Could not write the output: ').rstrip('.')}). Delete the new journal's "
                f"files (journal.db, keyslots.json) and run `recipro {self.args.command}` again with the output on "
                "a terminal or in a file."
            ) from None
        return created.journal

    # -- init / demo

    def cmd_init(self) -> int:
        passphrase = new_passphrase(self.args, self.stdin, self.paths.data_dir)
        journal = self.create(passphrase, use_keyring=not self.args.no_keyring)
        journal.close()
        return 0

    def cmd_demo(self) -> int:
        from recipro_desktop.storage import vault

        if vault.journal_state(self.paths) is vault.JournalState.NEW:
            passphrase = (
                DEMO_PASSPHRASE if self.args.demo else new_passphrase(self.args, self.stdin, self.paths.data_dir)
            )
            journal = self.create(passphrase)
        else:
            journal = self.open()
        try:
            people = journal.service.stats().get("people", 0)
            if people:
                raise UsageError(
                    f"The journal in {self.paths.data_dir} already holds {people} people; the demo fills only an "
                    "empty journal. Use --data-dir with a new folder."
                )
            self.fill_demo(journal, self.args.people, self.args.items, self.args.seed)
            self.print_stats(journal.service.stats())
        finally:
            journal.close()
        return 0

    def fill_demo(self, journal: Any, people: int, items: int | None, seed: int) -> None:
        from recipro_desktop.services.demo import generate_demo, store_demo

        started = time.perf_counter()
        data = generate_demo(people=people, items=items, seed=seed, today=self.clock.today())
        store_demo(journal.service, data)
        self.say(f"Filled the demo journal in {time.perf_counter() - started:.1f} s.")

    def cmd_gui(self) -> int:
        """Open the window (``recipro``, ``recipro --demo``), or render it to a PNG with ``--screenshot``."""
        from recipro_desktop.app import run

        return run(self.args, self.paths, passphrase=None if self.args.demo else given_passphrase(self.args))

    # -- reading

    def cmd_stats(self) -> int:
        journal = self.open()
        try:
            counts = journal.service.stats()
        finally:
            journal.close()
        if self.args.json:
            import json

            self.say(json.dumps(counts, indent=2, sort_keys=True))
        else:
            self.print_stats(counts)
        return 0

    def print_stats(self, counts: dict[str, int]) -> None:
        width = max(len(k) for k in counts) if counts else 0
        for key, value in counts.items():
            self.say(f"  {key.replace('_', ' ').capitalize():<{width}}  {value:>8,}")

    def cmd_search(self) -> int:
        text = self.args.text.strip()
        if not text:
            raise UsageError("Give some text to search for.")
        from recipro_desktop.core.models import ItemKind

        journal = self.open()
        try:
            hits: list[SearchHit] = journal.service.search(text, limit=self.args.limit)
        finally:
            journal.close()
        if not hits:
            self.say(f"No matches for {text!r}.")
            return 0
        for kind in ItemKind:
            group = [h for h in hits if h.kind is kind]
            if not group:
                continue
            self.say(f"{KIND_LABELS[kind]}s ({len(group)})")
            for hit in group:
                when = hit.on.isoformat() if hit.on else " " * 10
                self.say(f"  {when}  {one_line(hit.title, 60)}")
                if hit.snippet and hit.snippet != hit.title:
                    self.say(f"              {one_line(hit.snippet, 90)}")
        return 0

    def cmd_timeline(self) -> int:
        from recipro_desktop.core.models import TimelineFilter

        journal = self.open()
        try:
            service = journal.service
            person_id: UUID | None = None
            if self.args.person:
                person_id = self.resolve_person(service, self.args.person)
            page = service.timeline(TimelineFilter(person_id=person_id), limit=self.args.limit)
            names = self.names_for(service, page.items)
        finally:
            journal.close()
        if not page.items:
            self.say("Nothing on this timeline yet.")
            return 0
        month = ""
        for item in page.items:
            label = item.on.strftime("%B %Y")
            if label != month:
                month = label
                self.say(f"\n{label}")
            who = ", ".join(names[p] for p in item.people if p in names)
            arrow = {"given": "→ ", "received": "← "}.get(item.direction.value if item.direction else "", "")
            detail = "; ".join(part for part in (subkind_label(item), who) if part)
            self.say(
                f"  {item.on:%a %d}  {KIND_LABELS[item.kind]:<11} {arrow}{one_line(item.title, 56)}"
                + (f"  [{detail}]" if detail else "")
            )
        if page.next_cursor is not None:
            self.say(f"\n(showing the newest {len(page.items)}; use --limit for more)")
        return 0

    def resolve_person(self, service: Any, name: str) -> UUID:
        matches = service.find_people(name, limit=10)
        exact = [p for p in matches if p.display_name.casefold() == name.strip().casefold()]
        if len(exact) == 1:
            return exact[0].id  # type: ignore[no-any-return]
        if len(matches) == 1:
            return matches[0].id  # type: ignore[no-any-return]
        if not matches:
            raise NotFoundError(f"No person matches {name!r}.")
        listed = "; ".join(p.display_name for p in matches[:10])
        raise UsageError(f"{name!r} matches several people ({listed}); give more of the name.")

    @staticmethod
    def names_for(service: Any, items: Sequence[TimelineItem]) -> dict[UUID, str]:
        names: dict[UUID, str] = {}
        for item in items:
            for pid in item.people:
                if pid not in names:
                    try:
                        names[pid] = service.get_person(pid).display_name
                    except NotFoundError:
                        names[pid] = "(deleted)"
        return names

    def cmd_import(self) -> int:
        from recipro_desktop.core.csv_formats import CsvFormat
        from recipro_desktop.services.importer import DuplicatePolicy, ImportSettings, report_json, run_import
        from recipro_desktop.services.importer import summary_text as import_summary

        source: Path = self.args.file.expanduser()
        if not source.exists():
            raise UsageError(f"No file or folder at {source}.")
        settings = ImportSettings(
            format=None if self.args.format == "auto" else CsvFormat(self.args.format),
            encoding=self.args.encoding,
            duplicates=DuplicatePolicy(self.args.duplicates),
        )
        journal = self.open()
        try:
            report = run_import(journal.service, source, settings, dry_run=self.args.dry_run)
        finally:
            journal.close()
        if report.encoding_warning:  # only a dry run gets here with a guessed encoding (issue 10)
            print(f"recipro: warning: {report.encoding_warning}", file=sys.stderr)
        if self.args.json:
            import json

            self.say(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        else:
            self.say(import_summary(report))
        return report.exit_code

    def cmd_export(self) -> int:
        from recipro_desktop.services.exporter import export_all, export_google_contacts, result_json
        from recipro_desktop.services.exporter import summary_text as export_summary

        dest: Path = self.args.dir.expanduser()
        journal = self.open()
        try:
            if self.args.google_contacts:
                target = dest / "recipro-contacts-google.csv" if dest.is_dir() or not dest.suffix else dest
                result = export_google_contacts(journal.service, target, excel=self.args.excel)
            else:
                result = export_all(journal.service, dest, as_zip=self.args.zip, excel=self.args.excel)
        finally:
            journal.close()
        if self.args.json:
            import json

            self.say(json.dumps(result_json(result), indent=2, ensure_ascii=False))
        else:
            self.say(export_summary(result))  # it ends with the plaintext warning (RELIABILITY F5)
        return 0

    def cmd_reminders(self) -> int:
        from recipro_desktop.services.reminders import parse_now, reminders_command

        parse_now(self.args.now, self.clock)  # a bad --now is a usage error before the journal is unlocked
        journal = self.open()
        try:
            self.say(reminders_command(journal.service, self.clock, now=self.args.now, as_json=self.args.json))
        finally:
            journal.close()
        return 0

    # -- maintenance

    def cmd_check(self) -> int:
        from recipro_desktop.storage import backup, driver, fsutil, keystore, vault, wal

        problems: list[str] = []

        def line(ok: bool, text: str) -> None:
            self.say(f"  [{'ok' if ok else '!!'}] {text}")
            if not ok:
                problems.append(text)

        self.say(f"Checking the journal in {self.paths.data_dir}")
        # I5, before this process opens the journal (reading its files with a connection open here would drop
        # SQLite's locks, A13). A damaged log nobody has open is refused by the open below (exit 13); one that
        # another program has open is reported here.
        try:
            log_report = wal.scan(self.paths.wal, self.paths.database)
            log_ok, log_text = log_report is None or not log_report.damaged, "write-ahead log: intact"
            if log_report is not None and log_report.damaged:
                log_text = log_report.describe(self.paths.wal.name)
        except OSError as exc:
            log_ok, log_text = False, f"write-ahead log: could not be read ({exc.strerror or type(exc).__name__})"
        journal = self.open()
        try:
            with journal.database.raw_connection() as conn:
                version = conn.execute("PRAGMA cipher_version").fetchone()[0]
                line(bool(version), f"encryption: SQLCipher {version}")
                for pragma, expected in (
                    ("journal_mode", "wal"),
                    ("synchronous", 2),
                    ("foreign_keys", 1),
                    ("secure_delete", 1),
                ):
                    value = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
                    line(value == expected, f"{pragma} = {value}")
                report = backup.integrity_check(conn, full=True)
                line(
                    report.ok,
                    "integrity: full check passed"
                    if report.ok
                    else f"integrity: {len(report.problems)} problem(s) found",
                )
                for problem in report.problems[:20]:
                    self.say(f"       {problem}")
            line(log_ok, log_text)
            self.say("Key slots:")
            for text in vault.slot_summary(self.paths):
                self.say(f"  {text}")
            status = keystore.keyring_status()
            self.say(f"  keyring backend: {status.backend} ({status.detail})")
            counts = journal.service.stats()
        finally:
            journal.close()
        line(not driver.is_plaintext_sqlite(self.paths.database), "database file is not plaintext SQLite")
        if fsutil.POSIX_MODES:
            if self.folder_notice:  # I13: fixed on opening, but the check must not pass as if nothing had happened
                line(False, "permissions: open to other users until this check made them private (see the notice)")
            dir_mode = stat.S_IMODE(self.paths.data_dir.stat().st_mode)
            line(dir_mode == PRIVATE_DIR_MODE, f"data folder permissions {dir_mode:o}")
            for path in (self.paths.database, self.paths.keyslots, self.paths.wal, self.paths.shm):
                if path.exists():
                    mode = stat.S_IMODE(path.stat().st_mode)
                    line(mode == PRIVATE_FILE_MODE, f"{path.name} permissions {mode:o}")
        else:  # Windows: the folder's ACL, inherited from the user profile, is the protection (fsutil.POSIX_MODES)
            where = fsutil.private_location_problem(self.paths.data_dir)
            line(where is None, f"data folder: {where or 'inside your user profile, readable only by you'}")
        fs = fsutil.filesystem_type(self.paths.data_dir)
        line(
            not fsutil.is_network_or_sync_fs(self.paths.data_dir),
            f"filesystem: {fs}"
            + (
                " (network/synced folders can corrupt SQLite; use a local folder)"
                if fsutil.is_network_or_sync_fs(self.paths.data_dir)
                else ""
            ),
        )
        last = backup.last_successful_backup(self.paths)
        self.say(f"  last backup: {last.astimezone():%Y-%m-%d %H:%M}" if last else "  last backup: none yet")
        self.say(
            f"  holds {counts.get('people', 0):,} people and "
            f"{sum(v for k, v in counts.items() if k not in ('people', 'tags')):,} dated items"
        )
        if problems:
            self.say(f"{len(problems)} problem(s) found.")
            return 1
        self.say("All checks passed.")
        return 0

    def cmd_backup(self) -> int:
        from recipro_desktop.storage import backup

        journal = self.open()
        try:
            keep = int(str(journal.service.get_setting("backup_keep")))
            with journal.database.raw_connection() as conn:
                info = backup.create_backup(conn, self.paths, journal.key, reason="manual", now=self.clock.now())
            rotation = backup.rotate_backups(self.paths, journal.key, keep=keep)
        finally:
            journal.close()
        self.say(f"Backup written and verified: {info.path} ({info.size / 1024:,.0f} KiB)")
        if not info.key_slots:
            print(
                f"recipro: this backup does not carry the key slots ({self.paths.keyslots.name} is unusable): "
                "it restores only with the journal's own key-slot file.",
                file=sys.stderr,
            )
        for path, problem in rotation.failed:  # I3: never counted as good, never deleted as old
            print(
                f"recipro: the backup {path} failed verification ({problem}); it was kept, not counted.",
                file=sys.stderr,
            )
        if rotation.deleted:
            self.say(
                f"Pruned {len(rotation.deleted)} older backup(s); kept the newest {rotation.kept_verified} verified."
            )
        return 0

    @needs_journal_alone
    def cmd_restore(self) -> int:
        from recipro_desktop.services.restore import restore_journal

        source: Path = self.args.file.expanduser()
        if not source.is_file():
            raise UsageError(f"No backup file at {source}.")
        passphrase = DEMO_PASSPHRASE if self.args.demo else given_passphrase(self.args)
        try:
            result = restore_journal(
                self.paths, source, passphrase=passphrase, prompt=terminal_prompt(self.stdin), now=self.clock.now()
            )
        except JournalLockedError as exc:
            raise JournalLockedError(
                f"{exc} Give the passphrase or recovery key with --passphrase-file FILE or ${PASSPHRASE_ENV}, "
                "or run this on a terminal to be asked."
            ) from None
        self.say(f"Restored the journal from {source}.")
        if result.previous_database is not None:
            self.say(f"The previous journal file was kept as {result.previous_database}.")
        if result.key_slots_restored:
            self.say("The key slots were restored from the backup too.")
        if result.previous_key_slots is not None:
            self.say(f"The previous key-slot file was kept as {result.previous_key_slots}.")
        return 0


SUBKIND_LABELS = {
    ("commitment", "me"): "my promise",
    ("commitment", "them"): "their promise",
    ("entry", "none"): "",
    ("reminder", "none"): "",
    ("reminder", "daily"): "every day",
    ("reminder", "weekly"): "every week",
    ("reminder", "monthly"): "every month",
    ("reminder", "yearly"): "every year",
}


def subkind_label(item: TimelineItem) -> str:
    """The act kind, channel, promiser or prompt of an item, in words (empty when there is nothing to say)."""
    return SUBKIND_LABELS.get((item.kind, item.subkind), item.subkind)


def one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


COMMANDS: dict[str | None, Callable[[Cli], int]] = {
    None: Cli.cmd_gui,
    "init": Cli.cmd_init,
    "demo": Cli.cmd_demo,
    "stats": Cli.cmd_stats,
    "search": Cli.cmd_search,
    "timeline": Cli.cmd_timeline,
    "import": Cli.cmd_import,
    "export": Cli.cmd_export,
    "reminders": Cli.cmd_reminders,
    "check": Cli.cmd_check,
    "backup": Cli.cmd_backup,
    "restore": Cli.cmd_restore,
}


def self_test(args: argparse.Namespace, out: TextIO) -> int:
    """``recipro --self-test`` (and its hidden child parts, run by the self-test itself)."""
    from recipro_desktop.services import selftest

    if args.self_test_part == selftest.QT_PART:
        from recipro_desktop.ui.selftest_qt import run_qt_part

        return run_qt_part()
    if args.self_test_part == selftest.INSTANCE_PART:
        from recipro_desktop.ui.selftest_qt import run_instance_part

        if args.data_dir is None:
            raise SystemExit("recipro: --self-test-part instance needs --data-dir")
        return run_instance_part(args.data_dir)
    report = selftest.run_self_test(require_keyring=args.require_keyring)
    print(selftest.format_report(report), file=out, flush=True)
    return 0 if report.passed else selftest.EXIT_FAILED


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    hardening.disable_core_dumps()  # I14: before anything can unlock the journal (every command, window, self-test)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.require_keyring and not args.self_test:
        parser.error("--require-keyring goes with --self-test")
    if args.self_test or args.self_test_part:
        if args.command is not None:
            parser.error("--self-test runs on its own, without a command")
        logs.configure(log_file=None, verbose=args.verbose)
        return self_test(args, stdout or sys.stdout)
    # The window adds the log file after its first paint (platformdirs and logging.handlers cost ~40 ms).
    file_now = not args.demo and args.command is not None
    start_logging(args, log_dir() / "recipro.log" if file_now else None)
    logs.install_excepthook()
    logs.keep_memory_reserve()
    out = stdout or sys.stdout
    cli = Cli(args, stdin or sys.stdin, out)
    started = datetime.now()
    try:
        code = COMMANDS[args.command](cli)
        flush_output(out)  # a full device or a closed pipe shows here for short outputs, not at the exit
        return code
    except ClosedPipeError as exc:  # quiet, like any Unix tool whose reader went away (I10)
        drop_output(out)
        return exc.exit_code
    except OutputError as exc:
        drop_output(out)
        complain(str(exc))
        return exc.exit_code
    except ValidationError as exc:
        complain(str(exc))
        return exc.exit_code
    except JournalError as exc:
        complain(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        complain(f"interrupted after {(datetime.now() - started).seconds} s; nothing more was written.")
        return EXIT_INTERRUPTED
    except MemoryError:  # the stack is unwound by now (and its transaction rolled back): room to say it
        logs.release_memory_reserve()
        complain(
            "ran out of memory; nothing more was written. Close other programs and try again, or import a smaller file."
        )
        return EXIT_OUT_OF_MEMORY


def start_logging(args: argparse.Namespace, log_file: Path | None) -> None:
    """Logs go to the log file; on the terminal only with ``--verbose``, or for the window (I8).

    A log folder that cannot be made (a file in its place, a read-only home) does not stop the command: it runs
    without a log file, and says so only with ``--verbose``.
    """
    import logging

    terminal = args.command is None
    try:
        logs.configure(log_file=log_file, verbose=args.verbose, terminal=terminal)
    except OSError as exc:
        logs.configure(log_file=None, verbose=args.verbose, terminal=terminal)
        logging.getLogger(__name__).warning("no log file: %s", exc.strerror or type(exc).__name__)
