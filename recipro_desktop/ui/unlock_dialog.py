"""Unlocking the journal, and every reason it may not open, each with its own message and next step.

The dialog has two faces:

- **Passphrase**: the journal is locked (no keyring entry, the keyring failed or lost the key — the message says
  which, B1/B2/B4). The user types the passphrase or recovery key; the Argon2id unwrap (~0.4 s) and the database
  open run on a background worker while a busy bar shows. A wrong passphrase keeps the dialog with "Wrong
  passphrase" (B5); after :data:`MAX_ATTEMPTS` wrong ones the dialog only offers to quit.
- **Problem**: the journal cannot be opened for a reason a passphrase will not fix. Each reason has its own
  title, message and next step: a damaged or 0-byte file, or a missing database → **Restore a backup…** (the
  backups from :func:`recipro_desktop.storage.backup.list_backups`, newest first, or any backup file; the bad
  file is kept aside, never deleted, A5/A6/A7/D6); a journal from a newer Recipro → **Update Recipro**, with no
  delete or restore option (D3); a missing key file, a busy or unreachable journal → the folder and *Try again*.

Nothing here writes to the journal except a restore the user asked for. The dialog never calls ``exec``: it is
shown with ``open()`` and reports through :attr:`UnlockDialog.journal_opened`; closing it means "quit".

Signals:
    journal_opened(object): the :class:`~recipro_desktop.services.access.OpenJournal`, once opened; the dialog
        has accepted itself. The receiver owns the journal (it must close it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QWidget,
)

from recipro_desktop.core.clock import Clock, SystemClock
from recipro_desktop.core.errors import (
    DamagedJournalError,
    EmptyJournalFileError,
    EncryptionUnavailableError,
    ForeignKeySlotsError,
    JournalBusyError,
    JournalError,
    JournalLockedError,
    JournalMissingError,
    KeySlotError,
    MigrationError,
    NewerVersionError,
    StorageUnavailableError,
    UnsafeFolderError,
    WrongPassphraseError,
)
from recipro_desktop.paths import JournalPaths
from recipro_desktop.ui.error_reporter import private_message
from recipro_desktop.ui.forms.ui_unlock_dialog import Ui_UnlockDialog
from recipro_desktop.ui.icons import icon
from recipro_desktop.ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from recipro_desktop.services.access import OpenJournal

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # wrong passphrases before the dialog only offers to quit (RELIABILITY B5; as the CLI)
UPDATE_URL = "https://pypi.org/project/recipro-desktop/"


class NextStep(Enum):
    """What a problem lets the user do besides quitting."""

    RESTORE = "restore"
    UPDATE = "update"
    OPEN_FOLDER = "open-folder"
    RETRY = "retry"


@dataclass(frozen=True)
class Problem:
    """How one kind of failure is presented: a title, a message and the next steps (in button order)."""

    title: str
    message: str
    steps: tuple[NextStep, ...]


def describe_problem(exc: BaseException, paths: JournalPaths) -> Problem:
    """The title, private-safe message and next steps for a failure to open (not for a wrong passphrase)."""
    text = private_message(exc)
    kept = "Your file has not been changed."
    if isinstance(exc, EmptyJournalFileError):
        return Problem(
            "The journal file is empty",
            f"{paths.database} is 0 bytes: it was cut short (by a sync tool, a full disk or a crash). It is not "
            "a new journal, so Recipro will not start over on top of it.\n\nRestore a backup: the empty file is "
            "kept aside as journal.db.corrupt-<time>.",
            (NextStep.RESTORE, NextStep.OPEN_FOLDER),
        )
    if isinstance(exc, DamagedJournalError):
        return Problem(
            "The journal file is damaged",
            f"{text}\n\n{kept} Restore a backup: the damaged file is kept aside, never deleted.",
            (NextStep.RESTORE, NextStep.OPEN_FOLDER),
        )
    if isinstance(exc, NewerVersionError):
        return Problem(
            "This journal needs a newer Recipro",
            f"{text}\n\n{kept} Install the latest Recipro, then open the journal again.",
            (NextStep.UPDATE,),
        )
    if isinstance(exc, JournalMissingError):
        return Problem(
            "The journal file is missing",
            f"{text}\n\nIts key file is still there, so Recipro will not create a new journal over it. "
            "Restore a backup, or put journal.db back into the folder and try again.",
            (NextStep.RESTORE, NextStep.OPEN_FOLDER, NextStep.RETRY),
        )
    if isinstance(exc, ForeignKeySlotsError):
        return Problem(
            "The key file belongs to another journal",
            f"{text}\n\n{kept} Put this journal's own keyslots.json back, or restore a backup: a backup carries "
            "its own key slots and brings them back, keeping the other file aside.",
            (NextStep.RESTORE, NextStep.OPEN_FOLDER, NextStep.RETRY),
        )
    if isinstance(exc, KeySlotError):
        return Problem(
            "The key file is missing or damaged",
            f"{text}\n\nWithout keyslots.json the journal cannot be unlocked. Put back the copy you keep, or "
            "restore a backup: a backup carries its own key slots, unlocked by your passphrase or recovery key.",
            (NextStep.RESTORE, NextStep.OPEN_FOLDER, NextStep.RETRY),
        )
    if isinstance(exc, MigrationError):
        return Problem(
            "The journal could not be upgraded",
            f"{text}\n\nThe journal is as it was before the upgrade. You can restore the backup made just before it.",
            (NextStep.RESTORE, NextStep.RETRY),
        )
    if isinstance(exc, JournalBusyError):
        return Problem(
            "The journal is in use",
            f"{text}\n\nClose the other program (or the other Recipro window), then try again.",
            (NextStep.RETRY,),
        )
    if isinstance(exc, UnsafeFolderError):
        return Problem(
            "The journal folder is not private",
            f"{text}\n\n{kept}",
            (NextStep.OPEN_FOLDER, NextStep.RETRY),
        )
    if isinstance(exc, StorageUnavailableError):
        return Problem(
            "The journal folder cannot be used",
            f"{text}\n\nCheck that the drive is connected and the folder can be written, then try again.",
            (NextStep.OPEN_FOLDER, NextStep.RETRY),
        )
    if isinstance(exc, EncryptionUnavailableError):
        return Problem(
            "Encryption is not available",
            f"{text}\n\nRecipro never opens a journal without encryption. Reinstall Recipro.",
            (),
        )
    return Problem("The journal could not be opened", text, (NextStep.RETRY,))


# --- background jobs (worker thread: no widgets) -----------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    value: Any = None
    error: JournalError | None = None


def run_expecting_journal_errors(
    runner: TaskRunner,
    fn: Callable[[], Any],
    on_done: Callable[[Any], object],
    on_error: Callable[[BaseException], object],
    name: str,
) -> None:
    """Run ``fn()`` on ``runner``; a :class:`JournalError` is an *expected* outcome, not a crash.

    A wrong passphrase or a damaged file is something the user meets and the dialog answers: it goes to
    ``on_error`` without the runner's error log and traceback (logged here by type, at INFO). Anything else
    still fails the task the usual way (logged with its redacted traceback) and reaches ``on_error`` too.
    """

    def job(_token: object) -> _Outcome:
        try:
            return _Outcome(value=fn())
        except JournalError as exc:
            log.info("%s: %s", name, type(exc).__name__)
            return _Outcome(error=exc)

    def done(outcome: _Outcome) -> None:
        if outcome.error is not None:
            on_error(outcome.error)
        else:
            on_done(outcome.value)

    runner.run(job, on_done=done, on_error=on_error, name=name)


def open_job(paths: JournalPaths, passphrase: str | None, clock: Clock) -> OpenJournal:
    """Unlock (keyring when ``passphrase`` is None) and open; raises the specific :class:`JournalError`."""
    from recipro_desktop.services.access import open_journal

    return open_journal(paths, passphrase=passphrase, clock=clock)


@dataclass(frozen=True)
class Restored:
    journal: OpenJournal
    previous: Path | None  # where the bad file was kept, if there was one


def restore_job(paths: JournalPaths, backup_file: Path, passphrase: str | None, clock: Clock) -> Restored:
    """Put ``backup_file`` in place of the journal and open it; the current file is kept aside (D6, A5, A9).

    A 0-byte journal is moved aside as ``journal.db.corrupt-<ts>`` (it is damage, not a journal: A5). The key comes
    from the journal's key slots or from the backup's own, which are brought back when the journal's are missing,
    damaged or another journal's (I4): :func:`recipro_desktop.services.restore.restore_journal`.
    """
    from recipro_desktop.services.access import open_journal
    from recipro_desktop.services.restore import restore_journal
    from recipro_desktop.storage import journal_lock

    with journal_lock.alone(paths):  # I1: refused while another window or command has the journal open
        result = restore_journal(
            paths, backup_file, passphrase=passphrase, prompt=None, now=clock.now(), empty_suffix="corrupt"
        )
    log.info("journal restored from a backup")
    journal = open_journal(paths, passphrase=passphrase, clock=clock)
    return Restored(journal, result.previous_database)


def list_backups_job(paths: JournalPaths) -> list[Any]:
    from recipro_desktop.storage.backup import list_backups

    return list_backups(paths)


def drain(runner: TaskRunner, timeout_ms: int = 60_000) -> None:
    """Run the event loop until ``runner``'s queue is empty, so a late result still reaches its callback.

    A startup job may hand back an open journal just as the user quits; its callback is what closes it again, and
    :meth:`TaskRunner.shutdown` no longer delivers callbacks.
    """
    if not runner.busy:
        return
    loop = QEventLoop()
    runner.busy_changed.connect(lambda busy: None if busy else loop.quit())
    QTimer.singleShot(timeout_ms, loop, loop.quit)
    if runner.busy:
        loop.exec()


# --- the dialog ------------------------------------------------------------------------------------------


class UnlockDialog(QDialog):
    """Unlocks the journal, or explains why it cannot and offers the next step (see the module docstring)."""

    journal_opened = Signal(object)

    def __init__(
        self,
        paths: JournalPaths,
        parent: QWidget | None = None,
        *,
        error: BaseException | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_UnlockDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self.paths = paths
        self.clock = clock or SystemClock()
        self.attempts = 0
        self.problem: Problem | None = None
        self._pending_restore: Path | None = None
        self._busy = False
        self._finished = False
        self._runner = TaskRunner(self, thread_name="recipro-unlock")
        self._step_buttons: dict[NextStep, QPushButton] = {}

        title_font = QFont(self.ui.titleLabel.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.ui.titleLabel.setFont(title_font)
        self.ui.errorLabel.setProperty("role", "error")
        self.ui.iconLabel.setPixmap(icon("app").pixmap(QSize(48, 48), self.devicePixelRatioF()))
        self.ok_button.setText("&Unlock")
        self.ok_button.setDefault(True)
        self.quit_button.setText("&Quit")
        self.quit_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self._unlock_clicked)
        self.quit_button.clicked.connect(self.reject)
        self.ui.showCheckBox.toggled.connect(self._toggle_echo)
        self.ui.restoreSelectedButton.clicked.connect(self._restore_selected)
        self.ui.chooseFileButton.clicked.connect(self._choose_file)
        self.ui.backupList.itemDoubleClicked.connect(lambda _item: self._restore_selected())
        self.ui.backupList.currentItemChanged.connect(lambda *_: self._update_restore_enabled())
        self.ui.passphraseEdit.textChanged.connect(lambda _t: self._update_ok_enabled())
        for step, label in (
            (NextStep.RESTORE, "&Restore a backup…"),
            (NextStep.UPDATE, "&Update Recipro"),
            (NextStep.OPEN_FOLDER, "Open the &folder"),
            (NextStep.RETRY, "&Try again"),
        ):
            button = self.ui.buttonBox.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(f"{step.name.lower().replace('_', '')}Button")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, s=step: self._next_step(s))
            button.hide()
            self._step_buttons[step] = button
        self.ui.busyWidget.hide()
        self.ui.backupsWidget.hide()
        self.ui.backupList.setMaximumHeight(180)
        self.finished.connect(self._on_finished)
        if error is None or isinstance(error, JournalLockedError):
            self.show_passphrase(str(error) if error is not None else None)
        else:
            self.show_problem(error)

    # --- widgets --------------------------------------------------------------------------------------------

    @property
    def ok_button(self) -> QPushButton:
        return self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def quit_button(self) -> QPushButton:
        return self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Close)

    def step_button(self, step: NextStep) -> QPushButton:
        return self._step_buttons[step]

    @property
    def busy(self) -> bool:
        return self._busy

    # --- faces ----------------------------------------------------------------------------------------------

    def show_passphrase(self, reason: str | None = None, *, error: str = "") -> None:
        """The passphrase face; ``reason`` says why the keyring did not unlock it (B1, B2, B4)."""
        self.problem = None
        self.setWindowTitle("Unlock Recipro")
        self.ui.titleLabel.setText("Unlock your journal")
        # The vault's reasons end with what to do ("… Enter the passphrase or recovery key."), and for B4 they name
        # where the key was and where it was looked for: show them as they are.
        self.ui.messageLabel.setText(
            reason or "Your journal is encrypted. Enter your passphrase or recovery key to unlock it."
        )
        self.ui.iconLabel.setPixmap(icon("app").pixmap(QSize(48, 48), self.devicePixelRatioF()))
        self.ui.passphraseWidget.show()
        self.ui.backupsWidget.hide()
        self.ok_button.show()
        self.ok_button.setText("&Unlock")
        self.ok_button.setDefault(True)
        for button in self._step_buttons.values():
            button.hide()
        self._set_error(error)
        self._update_ok_enabled()
        self.ui.passphraseEdit.setFocus()

    def show_problem(self, exc: BaseException) -> None:
        """The problem face for ``exc`` (any failure except a wrong passphrase)."""
        problem = describe_problem(exc, self.paths)
        self.problem = problem
        log.info("journal not opened: %s", type(exc).__name__)
        self.setWindowTitle("Recipro")
        self.ui.titleLabel.setText(problem.title)
        self.ui.messageLabel.setText(problem.message)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.ui.iconLabel.setPixmap(warning.pixmap(QSize(48, 48), self.devicePixelRatioF()))
        self.ui.passphraseWidget.hide()
        self.ui.backupsWidget.hide()
        self.ok_button.hide()
        self._set_error("")
        for step, button in self._step_buttons.items():
            button.setVisible(step in problem.steps)
        if problem.steps:
            first = self._step_buttons[problem.steps[0]]
            first.setDefault(True)
            first.setFocus()
        else:
            self.quit_button.setFocus()
        self.adjustSize()

    def _set_error(self, text: str) -> None:
        self.ui.errorLabel.setText(text)
        self.ui.errorLabel.setVisible(bool(text))

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.ui.passphraseEdit.setEchoMode(mode)

    def _update_ok_enabled(self) -> None:
        self.ok_button.setEnabled(
            not self._busy and self.attempts < MAX_ATTEMPTS and bool(self.ui.passphraseEdit.text())
        )

    def _update_restore_enabled(self) -> None:
        item = self.ui.backupList.currentItem()
        ok = item is not None and item.data(Qt.ItemDataRole.UserRole) is not None and not self._busy
        self.ui.restoreSelectedButton.setEnabled(ok)

    def _set_busy(self, busy: bool, text: str = "Unlocking…") -> None:
        self._busy = busy
        self.ui.busyLabel.setText(text)
        self.ui.busyWidget.setVisible(busy)
        self.ui.passphraseEdit.setEnabled(not busy and self.attempts < MAX_ATTEMPTS)
        for button in self._step_buttons.values():
            button.setEnabled(not busy)
        self.ui.chooseFileButton.setEnabled(not busy)
        self._update_ok_enabled()
        self._update_restore_enabled()

    # --- unlocking ------------------------------------------------------------------------------------------

    def try_open(self, passphrase: str | None = None) -> None:
        """Open in the background: with the keyring when ``passphrase`` is None."""
        self._set_busy(True, "Unlocking…" if passphrase else "Opening your journal…")
        paths, clock = self.paths, self.clock
        self._run(lambda: open_job(paths, passphrase, clock), self._opened, self._open_failed, "unlock")

    def _unlock_clicked(self) -> None:
        passphrase = self.ui.passphraseEdit.text()
        if not passphrase or self._busy or self.attempts >= MAX_ATTEMPTS:
            return
        if self._pending_restore is not None:
            self._start_restore(self._pending_restore)
            return
        self.try_open(passphrase)

    def _opened(self, journal: OpenJournal) -> None:
        self._set_busy(False)
        if self._finished:  # the user quit while it was opening: do not leak the open journal
            journal.close()
            return
        log.info("journal unlocked (via %s)", journal.unlocked_via)
        self.ui.passphraseEdit.clear()
        self._finished = True
        self.journal_opened.emit(journal)
        self.accept()

    def _open_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if self._finished:
            return
        if isinstance(exc, WrongPassphraseError):
            self.attempts += 1
            self.ui.passphraseEdit.selectAll()
            if self.attempts >= MAX_ATTEMPTS:
                self._set_error(
                    f"Wrong passphrase, {MAX_ATTEMPTS} times. For your safety Recipro stops asking now: quit, and "
                    "start it again to retry."
                )
                self.ui.passphraseEdit.clear()
                self.ui.passphraseEdit.setEnabled(False)
                self.quit_button.setFocus()
            else:
                left = MAX_ATTEMPTS - self.attempts
                self._set_error(
                    f"Wrong passphrase. Check Caps Lock and the keyboard layout, then try again "
                    f"({left} attempt{'s' if left > 1 else ''} left)."
                )
                self.ui.passphraseEdit.setFocus()
            self._update_ok_enabled()
            return
        if isinstance(exc, JournalLockedError):
            self.show_passphrase(str(exc))
            return
        self.show_problem(exc)

    # --- next steps -----------------------------------------------------------------------------------------

    def _next_step(self, step: NextStep) -> None:
        if step is NextStep.RESTORE:
            self.show_backups()
        elif step is NextStep.UPDATE:
            QDesktopServices.openUrl(QUrl(UPDATE_URL))
        elif step is NextStep.OPEN_FOLDER:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.data_dir)))
        elif step is NextStep.RETRY:
            self.try_open(self.ui.passphraseEdit.text() or None)

    def show_backups(self) -> None:
        """List the automatic backups (newest first) to restore from, loaded in the background."""
        self.ui.backupsWidget.show()
        self._step_buttons[NextStep.RESTORE].hide()
        self.ui.backupList.clear()
        self.ui.backupList.addItem("Looking for backups…")
        self._update_restore_enabled()
        paths = self.paths
        self._run(lambda: list_backups_job(paths), self._show_backup_list, self._open_failed, "list-backups")

    def _show_backup_list(self, backups: list[Any]) -> None:
        listing = self.ui.backupList
        listing.clear()
        for info in backups:
            when = info.created_at.astimezone().strftime("%d %b %Y, %H:%M")
            size = f"{info.size / 1_048_576:.1f} MB" if info.size >= 1_048_576 else f"{info.size / 1024:.0f} KB"
            label = f"{when} — {info.reason} — {size}"
            item = QListWidgetItem(label if info.ok else f"{label} (looks damaged)")
            if info.ok:
                item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            else:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            listing.addItem(item)
        if not backups:
            empty = QListWidgetItem(f"No automatic backups in {self.paths.backups}. Choose a backup file instead.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            listing.addItem(empty)
            self.ui.chooseFileButton.setFocus()
        else:
            for row in range(listing.count()):
                if listing.item(row).data(Qt.ItemDataRole.UserRole) is not None:
                    listing.setCurrentRow(row)
                    break
            listing.setFocus()
        self._update_restore_enabled()
        self.adjustSize()

    def _choose_file(self) -> None:
        start = str(self.paths.backups if self.paths.backups.is_dir() else self.paths.data_dir)
        name, _filter = QFileDialog.getOpenFileName(
            self, "Choose a Recipro backup", start, "Recipro backups (*.zip *.db);;All files (*)"
        )
        if name:
            self._start_restore(Path(name))

    def _restore_selected(self) -> None:
        item = self.ui.backupList.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if value and not self._busy:
            self._start_restore(Path(str(value)))

    def _start_restore(self, backup_file: Path) -> None:
        self._pending_restore = backup_file
        passphrase = self.ui.passphraseEdit.text() or None
        self._set_busy(True, "Restoring the backup…")
        paths, clock = self.paths, self.clock
        self._run(
            lambda: restore_job(paths, backup_file, passphrase, clock),
            self._restored,
            self._restore_failed,
            "restore",
        )

    def _restored(self, restored: Restored) -> None:
        self._pending_restore = None
        self._opened(restored.journal)

    def _restore_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, JournalLockedError):  # the keyring cannot unlock it: ask for the passphrase
            self.ui.passphraseWidget.show()
            self.ok_button.show()
            self.ok_button.setText("&Restore")
            self.ok_button.setDefault(True)
            self._set_error("Enter your passphrase or recovery key to restore the backup.")
            self.ui.passphraseEdit.setFocus()
            self._update_ok_enabled()
            return
        if isinstance(exc, WrongPassphraseError):
            self._open_failed(exc)
            return
        self._pending_restore = None
        self._set_error(private_message(exc))

    # --- plumbing -------------------------------------------------------------------------------------------

    def _run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], object],
        on_error: Callable[[BaseException], object],
        name: str,
    ) -> None:
        run_expecting_journal_errors(self._runner, job, on_done, on_error, name)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._busy:
            return  # a running unlock or restore finishes first; Quit stays available
        super().keyPressEvent(event)

    def _on_finished(self, _result: int) -> None:
        self._finished = True
        self.ui.passphraseEdit.clear()

    def shutdown(self) -> None:
        """Let a running job deliver (an open journal that arrives after "Quit" is closed), then stop the worker."""
        self._finished = True
        drain(self._runner)
        self._runner.shutdown(timeout=30)
